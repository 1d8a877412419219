//! The blank workbook an organization fills in, generated from the schema:
//! an Instructions sheet, one sheet per schema sheet (forms and tables with
//! frozen, commented headers and drop-down lists), and a Lists sheet holding
//! every vocabulary.

use std::collections::BTreeMap;

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Formula,
    Note, Workbook, Worksheet, XlsxError,
};

use crate::schema::{FieldDef, FieldType, Layout, Schema, label_in};

/// Rows of a table sheet that carry drop-down lists.
const TABLE_ROWS: u32 = 500;
/// Rows above a table's header: the title and the help line.
const TABLE_HEADER_ROW: u32 = 2;
/// First row of a form's fields.
const FORM_FIRST_ROW: u32 = 3;

struct Words {
    instructions: &'static str,
    lists: &'static str,
    title: &'static str,
    intro: &'static str,
    required: &'static str,
    code: &'static str,
    label: &'static str,
    lists_help: &'static str,
}

fn words(lang: &str) -> Words {
    match lang {
        "fr" => Words {
            instructions: "Mode d'emploi",
            lists: "Listes",
            title: "Rapport annuel sur les actions visant à permettre une coopération renforcée",
            intro: "Remplissez les feuilles Organisation, Actions, Coordination (facultative) et Récit. Les champs marqués * sont obligatoires. Les listes déroulantes proposent les codes ; un libellé de la feuille Listes est aussi accepté. Dans une cellule de liste, séparez les éléments par ; ou des retours à la ligne. Vérifiez le fichier avec « cstd validate » avant de l'envoyer.",
            required: "Les champs marqués * sont obligatoires.",
            code: "Code",
            label: "Libellé",
            lists_help: "Codes acceptés dans les colonnes codées. Le code ou le libellé peuvent être saisis.",
        },
        "es" => Words {
            instructions: "Instrucciones",
            lists: "Listas",
            title: "Informe anual sobre las acciones para permitir una cooperación reforzada",
            intro: "Complete las hojas Organización, Acciones, Coordinación (opcional) y Narrativa. Los campos marcados con * son obligatorios. Las listas desplegables ofrecen los códigos; también se acepta una etiqueta de la hoja Listas. En una celda de lista, separe los elementos con ; o saltos de línea. Compruebe el archivo con «cstd validate» antes de enviarlo.",
            required: "Los campos marcados con * son obligatorios.",
            code: "Código",
            label: "Etiqueta",
            lists_help: "Códigos aceptados en las columnas codificadas. Puede escribirse el código o la etiqueta.",
        },
        _ => Words {
            instructions: "Instructions",
            lists: "Lists",
            title: "Annual report on actions taken to enable enhanced cooperation",
            intro: "Fill in the Organization, Actions, Coordination (optional) and Narrative sheets. Fields marked * are required. Drop-down lists offer the codes; a label from the Lists sheet is accepted too. In a list cell, separate items with ; or new lines. Check the file with `cstd validate` before you send it.",
            required: "Fields marked * are required.",
            code: "Code",
            label: "Label",
            lists_help: "Codes accepted in coded columns. Either the code or the label may be typed.",
        },
    }
}

/// Whether a sheet name is one of the template's own sheets (Instructions,
/// Lists) in any language: the validator skips those without a note.
pub fn is_own_sheet(name: &str) -> bool {
    let name = crate::text::compact(name);
    ["en", "fr", "es"].iter().map(|l| words(l)).any(|w| {
        crate::text::compact(w.instructions) == name || crate::text::compact(w.lists) == name
    })
}

/// The template in one of the schema's languages, as xlsx bytes.
pub fn build(schema: &Schema, lang: &str) -> Result<Vec<u8>, XlsxError> {
    let w = words(lang);
    let mut wb = Workbook::new();
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0xDCE6F1))
        .set_border(FormatBorder::Thin);
    let help = Format::new()
        .set_italic()
        .set_font_color(Color::RGB(0x595959))
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    // Cells to fill in: a light fill and a border, so they show before anything is typed.
    let input = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_unlocked()
        .set_background_color(Color::RGB(0xFFFDE7))
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0xBFBFBF));

    // Where each vocabulary's codes sit on the Lists sheet, for drop-downs.
    let mut list_ranges: BTreeMap<&str, String> = BTreeMap::new();
    for (i, (name, vocab)) in schema.vocabularies.iter().enumerate() {
        let col = (i * 3) as u16;
        let last = vocab.terms.len() as u32 + 2;
        let sheet = w.lists.replace('\'', "''");
        let letter = crate::text::column_name(col as u32);
        list_ranges.insert(
            name.as_str(),
            format!("='{sheet}'!${letter}$3:${letter}${last}"),
        );
    }

    {
        let ws = wb.add_worksheet().set_name(w.instructions)?;
        ws.set_print_fit_to_pages(1, 0);
        ws.set_column_width(0, 28)?;
        ws.set_column_width(1, 100)?;
        ws.write_string_with_format(0, 0, w.title, &title)?;
        ws.merge_range(2, 0, 2, 1, w.intro, &wrap)?;
        ws.set_row_height(2, 75)?;
        let mut row = 4;
        for sheet in &schema.sheets {
            ws.write_string_with_format(row, 0, sheet.label(lang), &bold)?;
            ws.write_string_with_format(row, 1, label_in(&sheet.help, lang), &wrap)?;
            row += 1;
        }
        row += 1;
        ws.write_string(row, 0, "Schema")?;
        ws.write_string(row, 1, schema.version.as_str())?;
    }

    for sheet in &schema.sheets {
        let ws = wb.add_worksheet().set_name(sheet.label(lang))?;
        // Printed, each sheet is one page wide.
        ws.set_print_fit_to_pages(1, 0);
        if sheet.layout == Layout::Table {
            ws.set_landscape();
        }
        ws.write_string_with_format(0, 0, sheet.label(lang), &title)?;
        let intro = format!("{} {}", label_in(&sheet.help, lang), w.required);
        let last_col = match sheet.layout {
            Layout::Form => 2,
            Layout::Table => (sheet.fields.len() as u16).clamp(1, 8) - 1,
        };
        ws.merge_range(1, 0, 1, last_col, &intro, &help)?;
        ws.set_row_height(1, 30)?;
        match sheet.layout {
            Layout::Form => {
                ws.set_column_width(0, 45)?;
                ws.set_column_width(1, if sheet.id == "narrative" { 100 } else { 50 })?;
                ws.set_column_width(2, 60)?;
                for (i, field) in sheet.fields.iter().enumerate() {
                    let row = FORM_FIRST_ROW + i as u32;
                    ws.write_string_with_format(row, 0, field_title(field, lang), &bold)?;
                    ws.write_blank(row, 1, &input)?;
                    ws.write_string_with_format(row, 2, label_in(&field.help, lang), &help)?;
                    if sheet.id == "narrative" {
                        ws.set_row_height(row, 120)?;
                    }
                    add_validation(ws, field, &list_ranges, row, 1, row, lang)?;
                }
                ws.set_freeze_panes(FORM_FIRST_ROW, 1)?;
            }
            Layout::Table => {
                for (c, field) in sheet.fields.iter().enumerate() {
                    let c = c as u16;
                    ws.write_string_with_format(
                        TABLE_HEADER_ROW,
                        c,
                        field_title(field, lang),
                        &header,
                    )?;
                    ws.set_column_width(c, column_width(field))?;
                    let note = Note::new(label_in(&field.help, lang))
                        .add_author_prefix(false)
                        .set_width(300)
                        .set_height(120);
                    ws.insert_note(TABLE_HEADER_ROW, c, &note)?;
                    for r in TABLE_HEADER_ROW + 1..=TABLE_HEADER_ROW + TABLE_ROWS {
                        ws.write_blank(r, c, &input)?;
                    }
                    add_validation(
                        ws,
                        field,
                        &list_ranges,
                        TABLE_HEADER_ROW + 1,
                        c,
                        TABLE_HEADER_ROW + TABLE_ROWS,
                        lang,
                    )?;
                }
                ws.set_row_height(TABLE_HEADER_ROW, 45)?;
                ws.set_freeze_panes(TABLE_HEADER_ROW + 1, 1)?;
            }
        }
    }

    {
        let ws = wb.add_worksheet().set_name(w.lists)?;
        ws.write_string_with_format(0, 0, w.lists_help, &help)?;
        for (i, vocab) in schema.vocabularies.values().enumerate() {
            let col = (i * 3) as u16;
            ws.write_string_with_format(
                1,
                col,
                format!("{} — {}", label_in(&vocab.labels, lang), w.code),
                &header,
            )?;
            ws.write_string_with_format(1, col + 1, w.label, &header)?;
            ws.set_column_width(col, 22)?;
            ws.set_column_width(col + 1, 40)?;
            ws.set_column_width(col + 2, 3)?;
            for (r, term) in vocab.terms.iter().enumerate() {
                ws.write_string(r as u32 + 2, col, term.code.as_str())?;
                ws.write_string(r as u32 + 2, col + 1, term.label(lang))?;
            }
        }
        ws.set_freeze_panes(2, 0)?;
    }
    if let Ok(ws) = wb.worksheet_from_index(1) {
        ws.set_active(true);
    }
    wb.save_to_buffer()
}

fn field_title(field: &FieldDef, lang: &str) -> String {
    if field.required {
        format!("{} *", field.label(lang))
    } else {
        field.label(lang).to_string()
    }
}

fn column_width(field: &FieldDef) -> f64 {
    match field.kind {
        FieldType::Text if field.max_len.unwrap_or(0) > 300 => 60.0,
        FieldType::Text | FieldType::List => 28.0,
        FieldType::Id | FieldType::Ref => 12.0,
        FieldType::Date | FieldType::Integer | FieldType::Year => 14.0,
        _ => 22.0,
    }
}

/// A drop-down for coded fields. For lists it only offers a first pick and
/// accepts anything (error style "information"), since a cell holds several.
fn add_validation(
    ws: &mut Worksheet,
    field: &FieldDef,
    ranges: &BTreeMap<&str, String>,
    first_row: u32,
    col: u16,
    last_row: u32,
    lang: &str,
) -> Result<(), XlsxError> {
    let vocab = match field.kind {
        FieldType::Yesno => Some("yesno"),
        FieldType::Code | FieldType::List => field.vocabulary.as_deref(),
        _ => None,
    };
    let Some(range) = vocab.and_then(|v| ranges.get(v)) else {
        return Ok(());
    };
    let mut dv = DataValidation::new()
        .allow_list_formula(Formula::new(range.as_str()))
        .ignore_blank(true);
    if field.kind == FieldType::List {
        dv = dv.set_error_style(DataValidationErrorStyle::Information);
    } else {
        // A label typed instead of the code is accepted by the validator too.
        dv = dv.set_error_style(DataValidationErrorStyle::Warning);
    }
    let message: String = label_in(&field.help, lang).chars().take(250).collect();
    dv = dv.set_input_message(message)?;
    ws.add_data_validation(first_row, col, last_row, col, &dv)?;
    Ok(())
}
