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
/// Characters of a label on one line of the Lists sheet.
const LIST_LABEL_CHARS: usize = 70;

/// The template's own words, in its language, from the messages catalogue.
struct Words {
    instructions: String,
    lists: String,
    countries: String,
    title: String,
    intro: String,
    required: String,
    code: String,
    label: String,
    lists_help: String,
    countries_help: String,
    name: String,
    region: String,
    alert_title: String,
    alert_one: String,
    alert_many: String,
    schema_version: String,
}

fn words(schema: &Schema, lang: &str) -> Words {
    use crate::messages::word;
    let lists = word("template-lists", lang);
    // The sheets to fill in, as the schema names them, in its order.
    let sheets: Vec<String> = schema
        .sheets
        .iter()
        .map(|s| {
            let name = label_in(&s.labels, lang).to_string();
            if s.required {
                name
            } else {
                crate::msg!("template-optional-sheet", sheet = name).render(lang)
            }
        })
        .collect();
    Words {
        instructions: word("template-instructions", lang),
        lists: lists.clone(),
        countries: word("template-countries", lang),
        title: word("template-title", lang),
        intro: crate::msg!(
            "template-intro",
            sheets = sheets.join(&word("list-comma", lang)),
            lists = lists
        )
        .render(lang),
        required: word("template-required", lang),
        code: word("template-code", lang),
        label: word("template-label", lang),
        lists_help: word("template-lists-help", lang),
        countries_help: word("template-countries-help", lang),
        name: word("template-name", lang),
        region: word("template-region", lang),
        alert_title: word("template-alert-title", lang),
        alert_one: word("template-alert-one", lang),
        alert_many: word("template-alert-many", lang),
        schema_version: word("template-schema", lang),
    }
}

/// Whether a sheet name is one of the template's own sheets (Instructions,
/// Lists, Countries) in any language: the validator skips those without a
/// note. The names are worked out once: the validator asks for each sheet
/// it skips.
pub fn is_own_sheet(name: &str) -> bool {
    static OWN: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let own = OWN.get_or_init(|| {
        use crate::messages::word;
        crate::messages::LANGUAGES
            .iter()
            .flat_map(|l| {
                [
                    word("template-instructions", l),
                    word("template-lists", l),
                    word("template-countries", l),
                ]
            })
            .map(|w| crate::text::compact(&w))
            .collect()
    });
    crate::text::with_compact(name, |name| own.iter().any(|o| o == name))
}

/// The template in one of the schema's languages, as xlsx bytes.
pub fn build(schema: &Schema, lang: &str) -> Result<Vec<u8>, XlsxError> {
    let w = words(schema, lang);
    let rtl = crate::messages::right_to_left(lang);
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

    // Required fields stand out before anything is typed.
    let required_header = header.clone().set_background_color(Color::RGB(0xF8CBAD));
    // A form's labels wrap at the top of their row, beside the answer.
    let label = bold.clone().set_text_wrap().set_align(FormatAlign::Top);
    let required_label = label.clone().set_background_color(Color::RGB(0xF8CBAD));

    // The Lists sheet holds one block per vocabulary, one under the other so
    // that it prints one page wide: a title row, then label and code rows.
    // Drop-downs offer the labels, in the template's language.
    let mut list_ranges: BTreeMap<&str, String> = BTreeMap::new();
    let mut blocks: Vec<(&crate::schema::Vocabulary, u32)> = Vec::new();
    let mut next = 2u32;
    let lists_sheet = w.lists.replace('\'', "''");
    for (name, vocab) in &schema.vocabularies {
        let first = next + 1;
        let last = first + vocab.terms.len() as u32 - 1;
        list_ranges.insert(
            name.as_str(),
            format!("='{lists_sheet}'!$A${}:$A${}", first + 1, last + 1),
        );
        blocks.push((vocab, next));
        next = last + 2;
    }
    let reference = crate::reference::Reference::current();
    let countries = reference.country_names(lang);
    let regions = reference.regions();
    let countries_sheet = w.countries.replace('\'', "''");
    let countries_range = format!(
        "='{countries_sheet}'!$A$3:$A${}",
        countries.len() + 2 + regions.len() + 1
    );
    let lists = Lists {
        ranges: list_ranges,
        countries: countries_range,
        words: &w,
        lang,
    };

    {
        let ws = wb
            .add_worksheet()
            .set_name(&w.instructions)?
            .set_right_to_left(rtl);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_column_width(0, 28)?;
        ws.set_column_width(1, 100)?;
        ws.write_string_with_format(0, 0, &w.title, &title)?;
        ws.merge_range(2, 0, 2, 1, &w.intro, &wrap)?;
        ws.set_row_height(2, 75)?;
        let mut row = 4;
        for sheet in &schema.sheets {
            ws.write_string_with_format(row, 0, sheet.label(lang), &bold)?;
            ws.write_string_with_format(row, 1, label_in(&sheet.help, lang), &wrap)?;
            row += 1;
        }
        row += 1;
        ws.write_string(row, 0, &w.schema_version)?;
        ws.write_string(row, 1, schema.version.as_str())?;
    }

    for sheet in &schema.sheets {
        let ws = wb
            .add_worksheet()
            .set_name(sheet.label(lang))?
            .set_right_to_left(rtl);
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
                // The narrative's answers are long: a wide answer column,
                // printed across the page.
                let narrative = sheet.role == Some(crate::schema::SheetRole::Narrative);
                ws.set_column_width(0, if narrative { 28 } else { 45 })?;
                ws.set_column_width(1, if narrative { 90 } else { 50 })?;
                ws.set_column_width(2, if narrative { 36 } else { 60 })?;
                if narrative {
                    ws.set_landscape();
                }
                for (i, field) in sheet.fields.iter().enumerate() {
                    let row = FORM_FIRST_ROW + i as u32;
                    let format = if field.required {
                        &required_label
                    } else {
                        &label
                    };
                    ws.write_string_with_format(row, 0, field_title(field, lang), format)?;
                    ws.write_blank(row, 1, &input)?;
                    ws.write_string_with_format(row, 2, label_in(&field.help, lang), &help)?;
                    if narrative {
                        ws.set_row_height(row, 120)?;
                    } else {
                        let lines = field_title(field, lang).chars().count().div_ceil(42);
                        if lines > 1 {
                            ws.set_row_height(row, 15.0 * lines as f64)?;
                        }
                    }
                    add_validation(ws, field, &lists, row, 1, row)?;
                }
                ws.set_freeze_panes(FORM_FIRST_ROW, 1)?;
                ws.set_print_area(0, 0, FORM_FIRST_ROW + sheet.fields.len() as u32, 2)?;
            }
            Layout::Table => {
                for (c, field) in sheet.fields.iter().enumerate() {
                    let c = c as u16;
                    ws.write_string_with_format(
                        TABLE_HEADER_ROW,
                        c,
                        field_title(field, lang),
                        if field.required {
                            &required_header
                        } else {
                            &header
                        },
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
                        &lists,
                        TABLE_HEADER_ROW + 1,
                        c,
                        TABLE_HEADER_ROW + TABLE_ROWS,
                    )?;
                }
                ws.set_row_height(TABLE_HEADER_ROW, 45)?;
                ws.set_freeze_panes(TABLE_HEADER_ROW + 1, 1)?;
                ws.set_repeat_rows(TABLE_HEADER_ROW, TABLE_HEADER_ROW)?;
            }
        }
    }

    {
        let ws = wb
            .add_worksheet()
            .set_name(&w.lists)?
            .set_right_to_left(rtl);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_column_width(0, LIST_LABEL_CHARS as f64 + 14.0)?;
        ws.set_column_width(1, 24)?;
        ws.merge_range(0, 0, 0, 1, &w.lists_help, &help)?;
        ws.set_row_height(0, 30)?;
        for (vocab, row) in &blocks {
            ws.write_string_with_format(
                *row,
                0,
                format!("{} — {}", label_in(&vocab.labels, lang), w.label),
                &header,
            )?;
            ws.write_string_with_format(*row, 1, &w.code, &header)?;
            for (r, term) in vocab.terms.iter().enumerate() {
                let r = row + 1 + r as u32;
                let text = term.label(lang);
                ws.write_string_with_format(r, 0, text, &wrap)?;
                ws.write_string_with_format(r, 1, term.code.as_str(), &wrap)?;
                // Rows are not fitted to wrapped text on opening: a long
                // label gets the lines it needs.
                let lines = text.chars().count().div_ceil(LIST_LABEL_CHARS);
                if lines > 1 {
                    ws.set_row_height(r, 15.0 * lines as f64)?;
                }
            }
        }
    }

    {
        let ws = wb
            .add_worksheet()
            .set_name(&w.countries)?
            .set_right_to_left(rtl);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_column_width(0, 50)?;
        ws.set_column_width(1, 10)?;
        ws.set_column_width(2, 30)?;
        ws.merge_range(0, 0, 0, 2, &w.countries_help, &help)?;
        ws.set_row_height(0, 30)?;
        for (c, title) in [w.name.as_str(), "ISO", w.region.as_str()]
            .into_iter()
            .enumerate()
        {
            ws.write_string_with_format(1, c as u16, title, &header)?;
        }
        let mut row = 2;
        for (name, code, region) in &countries {
            ws.write_string(row, 0, name.as_str())?;
            ws.write_string(row, 1, code.as_str())?;
            ws.write_string(row, 2, region.as_str())?;
            row += 1;
        }
        // Regions by name, then the whole world.
        for region in &regions {
            ws.write_string(row, 0, reference.region_name(region, lang))?;
            row += 1;
        }
        ws.write_string(row, 0, "Global")?;
        ws.set_freeze_panes(2, 0)?;
        ws.set_repeat_rows(1, 1)?;
        ws.autofilter(1, 0, row, 2)?;
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

/// What drop-downs need: where each list is, and the words of their alerts.
struct Lists<'a> {
    ranges: BTreeMap<&'a str, String>,
    countries: String,
    words: &'a Words,
    lang: &'a str,
}

/// A drop-down of labels for coded fields, with the field's help as its input
/// message. Nothing typed is refused: a label or code in another language is
/// accepted by the validator (a warning alert asks once), and a column that
/// takes several items only offers a first pick (an information alert).
fn add_validation(
    ws: &mut Worksheet,
    field: &FieldDef,
    lists: &Lists,
    first_row: u32,
    col: u16,
    last_row: u32,
) -> Result<(), XlsxError> {
    let vocab = match field.kind {
        FieldType::Yesno => Some("yesno"),
        FieldType::Code | FieldType::List => field.vocabulary.as_deref(),
        _ => None,
    };
    let range = match (vocab, field.item) {
        (Some(v), _) => lists.ranges.get(v),
        (None, Some(crate::schema::ItemKind::Country)) => Some(&lists.countries),
        _ => None,
    };
    let Some(range) = range else {
        return Ok(());
    };
    let many = field.kind == FieldType::List;
    let mut dv = DataValidation::new()
        .allow_list_formula(Formula::new(range.as_str()))
        .ignore_blank(true)
        .set_error_style(if many {
            DataValidationErrorStyle::Information
        } else {
            DataValidationErrorStyle::Warning
        })
        .set_error_title(&lists.words.alert_title)?
        .set_error_message(if many {
            &lists.words.alert_many
        } else {
            &lists.words.alert_one
        })?
        .set_input_title(field.label(lists.lang).chars().take(32).collect::<String>())?;
    let message: String = label_in(&field.help, lists.lang)
        .chars()
        .take(250)
        .collect();
    dv = dv.set_input_message(message)?;
    ws.add_data_validation(first_row, col, last_row, col, &dv)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_instructions_name_the_sheets_as_the_schema_does() {
        let schema = Schema::current();
        for lang in crate::messages::LANGUAGES {
            let w = words(schema, lang);
            for sheet in &schema.sheets {
                assert!(
                    w.intro.contains(label_in(&sheet.labels, lang)),
                    "{lang}: {}",
                    w.intro
                );
            }
            assert!(w.intro.contains(&w.lists), "{lang}: {}", w.intro);
            // The sheets are listed with the language's own comma.
            if *lang == "zh" {
                assert!(w.intro.contains("组织、行动"), "{}", w.intro);
            }
        }
    }
}
