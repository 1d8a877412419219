//! Validation: a [`Workbook`] checked against the [`Schema`], giving the
//! submission as typed records and the findings about it.
//!
//! Sheets are found by name and columns by title, in any supported language and
//! order; every value is read as its field's type; then the checks across fields
//! (the schema's rules), uniqueness and references run.

pub mod cells;
pub mod rows;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::findings::{Finding, Place};
use crate::messages::{Arg, Message};
use crate::msg;
use crate::read::{Sheet, Value, Workbook};
use crate::reference::{Lookup, Reference};
use crate::schema::{
    FieldDef, FieldType, ItemKind, Layout, Role, Rule, Schema, SheetDef, SheetRole,
};
use cells::DateProblem;

/// How many rows from the top a table's header row may be.
const HEADER_SEARCH_ROWS: usize = 30;
/// Longer cells are not taken for column titles.
const MAX_TITLE_BYTES: usize = 120;

/// Text of a value: a code borrowed from the schema or the reference data,
/// which live as long as the program, or text of the submission's own.
pub type Str = std::borrow::Cow<'static, str>;

/// A typed value of one field.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FieldValue {
    Bool(bool),
    Int(i64),
    Date(NaiveDate),
    /// Text, or the code of a coded field.
    Text(Str),
    /// The codes or items of a list field, in the order given, without repeats.
    List(Vec<Str>),
}

impl FieldValue {
    pub fn text(&self) -> Option<&str> {
        match self {
            FieldValue::Text(s) => Some(s.as_ref()),
            _ => None,
        }
    }
}

/// One record: a form sheet's answers, or one row of a table sheet.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Record {
    /// Where it was: the 1-based row of a table sheet (0 for a form).
    pub row: u32,
    /// Values by field id, in the schema's field order; fields without a value
    /// are absent.
    #[serde(serialize_with = "as_map")]
    pub values: Vec<(&'static str, FieldValue)>,
}

fn as_map<S: serde::Serializer>(
    values: &[(&'static str, FieldValue)],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_map(values.iter().map(|(k, v)| (k, v)))
}

impl Record {
    /// The value of a field. Records hold a score of values, so a scan beats a map.
    pub fn get(&self, field: &str) -> Option<&FieldValue> {
        self.values
            .iter()
            .find(|(k, _)| &**k == field)
            .map(|(_, v)| v)
    }

    pub fn text(&self, field: &str) -> Option<&str> {
        self.get(field).and_then(FieldValue::text)
    }

    pub fn int(&self, field: &str) -> Option<i64> {
        match self.get(field) {
            Some(FieldValue::Int(n)) => Some(*n),
            _ => None,
        }
    }

    pub fn date(&self, field: &str) -> Option<NaiveDate> {
        match self.get(field) {
            Some(FieldValue::Date(d)) => Some(*d),
            _ => None,
        }
    }

    pub fn list(&self, field: &str) -> &[Str] {
        match self.get(field) {
            Some(FieldValue::List(l)) => l,
            _ => &[],
        }
    }
}

/// The submission as the schema defines it: records by sheet id.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Submission {
    pub schema_version: String,
    pub sheets: BTreeMap<String, Vec<Record>>,
}

impl Submission {
    pub fn records(&self, sheet: &str) -> &[Record] {
        self.sheets.get(sheet).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The one record of a form sheet.
    pub fn form(&self, sheet: &str) -> Option<&Record> {
        self.records(sheet).first()
    }
}

/// What the validator understood of a submission, said first in every report.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Understood {
    pub organization: Option<String>,
    pub year: Option<i64>,
    pub actions: usize,
    pub coordination: usize,
    pub narrative_parts: usize,
    pub narrative_total: usize,
}

impl Understood {
    pub fn of(sub: &Submission, schema: &Schema) -> Understood {
        let sheet = |role| &schema.sheet_of(role).id;
        let id = |role| schema.id_of(role);
        let org = sub.form(sheet(SheetRole::Organization));
        let narrative = schema.sheet_of(SheetRole::Narrative);
        Understood {
            organization: org
                .and_then(|o| {
                    o.text(id(Role::OrganizationAcronym))
                        .or_else(|| o.text(id(Role::OrganizationName)))
                })
                .map(String::from),
            year: org.and_then(|o| o.int(id(Role::ReportingYear))),
            actions: sub.records(sheet(SheetRole::Actions)).len(),
            coordination: sub.records(sheet(SheetRole::Coordination)).len(),
            narrative_parts: sub.form(&narrative.id).map(|n| n.values.len()).unwrap_or(0),
            narrative_total: narrative.fields.len(),
        }
    }

    /// "ITU, reporting year 2026: 14 actions, 3 coordination entries,
    /// narrative complete.", in `lang`.
    pub fn sentence(&self, lang: &str) -> String {
        let who = match &self.organization {
            Some(o) => Arg::from(o.as_str()),
            None => Arg::from(msg!("unnamed-organization")),
        };
        let year = match self.year {
            Some(y) => msg!("reporting-year", year = y),
            None => msg!("no-reporting-year"),
        };
        let actions = match self.actions {
            1 => msg!("one-action"),
            n => msg!("n-actions", n = n),
        };
        let coordination = match self.coordination {
            1 => msg!("one-coordination-entry"),
            n => msg!("n-coordination-entries", n = n),
        };
        let narrative = match (self.narrative_parts, self.narrative_total) {
            (0, _) => msg!("no-narrative"),
            (p, t) if p >= t => msg!("narrative-complete"),
            (p, t) => msg!("narrative-parts", parts = p, total = t),
        };
        msg!(
            "understood",
            who = who,
            year = year,
            actions = actions,
            coordination = coordination,
            narrative = narrative
        )
        .render(lang)
    }
}

/// What validation needs besides the file: the date (for "not in the future").
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub today: NaiveDate,
}

impl Context {
    /// Today, or the date in `CSTD_TODAY` (YYYY-MM-DD), which makes runs repeatable.
    pub fn from_env() -> Context {
        let today = std::env::var("CSTD_TODAY")
            .ok()
            .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        Context { today }
    }
}

/// Checks a workbook against the schema. The reader's findings at a cell
/// (`read`) are given the title of the cell's column, as the validator
/// found the columns, so that they read as its own findings do.
pub fn validate(
    wb: &Workbook,
    schema: &'static Schema,
    ctx: &Context,
    read: &mut [Finding],
) -> (Submission, Vec<Finding>) {
    let mut v = Validator {
        schema,
        ctx,
        json: wb.container.is_json(),
        dates: DateOrder::default(),
        findings: Vec::new(),
        locs: vec![Vec::new(); schema.sheets.len()],
    };
    let sub = v.run(wb);
    v.name_columns(read);
    (sub, v.findings)
}

/// Where a value was read from. Cheap to carry for every cell; it becomes a
/// [`Place`] (with its strings) only when a finding needs one.
#[derive(Clone, Copy)]
struct At<'a> {
    sheet: &'a Sheet,
    layout: Layout,
    row: usize,
    col: usize,
    column: &'a str,
}

/// The order of day and month in the file's dates written with figures, and
/// the cell that settles it, or the cells that contradict each other.
#[derive(Clone, Default)]
struct DateOrder {
    day_first: Option<Place>,
    month_first: Option<Place>,
    /// Whether the inference was said already.
    said: bool,
}

/// A column title or row label as a place names it: without the `*` with
/// which the template marks a required field.
fn unmarked(title: &str) -> &str {
    title.trim().trim_end_matches('*').trim_end()
}

/// What a list item reads as.
enum Item {
    /// A code, and whether it was written as a label or spelling of it.
    Code(Str, bool),
    /// A name that fits several areas: read as the first, if any.
    Ambiguous(Option<crate::reference::Area>, Vec<crate::reference::Area>),
}

struct Validator<'a> {
    schema: &'static Schema,
    ctx: &'a Context,
    json: bool,
    dates: DateOrder,
    findings: Vec<Finding>,
    /// Per schema sheet, per record, per field (`record * fields + field`):
    /// where the value was, for the checks that run after parsing.
    locs: Vec<Vec<Option<At<'a>>>>,
}

impl<'a> Validator<'a> {
    /// Looks at every date written with figures for one whose day or month
    /// is above 12: it settles the order of all the others.
    fn date_order(&mut self, wb: &'a Workbook) {
        for sheet in &wb.sheets {
            for (r, row) in sheet.rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    let Value::Text(t) = v else { continue };
                    let Some((a, b, _)) = cells::figures_of(t) else {
                        continue;
                    };
                    let place = || Place {
                        cell: Some(crate::text::cell_name(r as u32, c as u32)),
                        ..Place::sheet(&sheet.name)
                    };
                    if a > 12 && b <= 12 && self.dates.day_first.is_none() {
                        self.dates.day_first = Some(place());
                    } else if b > 12 && a <= 12 && self.dates.month_first.is_none() {
                        self.dates.month_first = Some(place());
                    }
                }
            }
        }
    }

    fn run(&mut self, wb: &'a Workbook) -> Submission {
        if !self.json {
            self.date_order(wb);
        }
        let schema = self.schema;
        let mut found: Vec<Option<&Sheet>> = vec![None; schema.sheets.len()];
        for sheet in &wb.sheets {
            // JSON names its parts by id, as the JSON Schema does; a
            // workbook's sheets go by their titles in any language.
            let named = if self.json {
                schema.sheets.iter().position(|s| s.id == sheet.name)
            } else {
                schema.sheet_for_name(&sheet.name)
            };
            if let (Some(i), Some(shape)) = (named, sheet.json)
                && shape != json_shape(schema.sheets[i].layout)
            {
                self.findings.push(
                    Finding::new("json-invalid", json_place(&sheet.name))
                        .expected(json_sheet_expected(schema.sheets[i].layout)),
                );
                continue;
            }
            match named {
                Some(i) if found[i].is_none() => found[i] = Some(sheet),
                Some(i) => {
                    let first = found[i].map(|s| s.name.as_str()).unwrap_or("");
                    self.findings.push(
                        Finding::new("sheet-ignored", Place::sheet(&sheet.name)).detail(msg!(
                            "second-sheet",
                            sheet = &schema.sheets[i].labels,
                            first = first
                        )),
                    );
                }
                None => self
                    .findings
                    .push(Finding::new("sheet-ignored", Place::sheet(&sheet.name))),
            }
        }
        for name in &wb.skipped {
            // A part of the submission that is neither an object nor an array.
            if let Some(def) = schema.sheets.iter().find(|s| self.json && &s.id == name) {
                self.findings.push(
                    Finding::new("json-invalid", json_place(name))
                        .expected(json_sheet_expected(def.layout)),
                );
            } else if !crate::template::is_own_sheet(name) {
                self.findings
                    .push(Finding::new("sheet-ignored", Place::sheet(name)));
            }
        }
        let mut sub = Submission {
            schema_version: schema.version.clone(),
            sheets: BTreeMap::new(),
        };
        for (si, def) in schema.sheets.iter().enumerate() {
            let Some(sheet) = found[si] else {
                if def.required {
                    self.findings.push(
                        Finding::new("sheet-missing", Place::default())
                            .value(def.label("en"))
                            .expected(msg!(
                                "a-sheet-named",
                                names = names(self.schema, &def.labels)
                            )),
                    );
                }
                continue;
            };
            self.locs[si].clear();
            // What JSON held that no submission holds, under the keys read.
            for (key, f) in &sheet.problems {
                if key
                    .as_deref()
                    .is_none_or(|k| self.field_named(si, k).is_some())
                {
                    self.findings.push(f.clone());
                }
            }
            let records = match def.layout {
                Layout::Form => vec![self.form(si, def, sheet)],
                Layout::Table => self.table(si, def, sheet),
            };
            sub.sheets.insert(def.id.clone(), records);
        }
        for (si, def) in schema.sheets.iter().enumerate() {
            self.unique_and_references(si, def, &sub);
        }
        sub
    }

    fn place(&self, at: &At) -> Place {
        let At {
            sheet,
            layout,
            row,
            col,
            column,
        } = *at;
        // In JSON, a place is a JSON pointer: /actions/0/end_date.
        let cell = if self.json {
            match layout {
                Layout::Table => crate::read::pointer(&[
                    &sheet.name,
                    &row.saturating_sub(1).to_string(),
                    sheet.keys.get(col).map(String::as_str).unwrap_or(column),
                ]),
                Layout::Form => crate::read::pointer(&[&sheet.name, &sheet.cell(row, 0).display()]),
            }
        } else {
            crate::text::cell_name(row as u32, col as u32)
        };
        Place {
            sheet: Some(sheet.name.clone()),
            cell: Some(cell),
            at: (!self.json).then_some((row as u32, col as u32)),
            column: Some(column.to_string()),
            titles: None,
        }
    }

    /// Where a field of a record was read from, if it was.
    fn loc(&self, si: usize, def: &SheetDef, index: usize, field: &str) -> Option<At<'a>> {
        let fi = def.fields.iter().position(|f| &*f.id == field)?;
        self.locs[si]
            .get(index * def.fields.len() + fi)
            .copied()
            .flatten()
    }

    fn place_of(&self, si: usize, def: &SheetDef, index: usize, field: &str) -> Place {
        self.loc(si, def, index, field)
            .map(|at| self.place(&at))
            .unwrap_or_default()
    }

    fn form(&mut self, si: usize, def: &'static SheetDef, sheet: &'a Sheet) -> Record {
        // field index -> (row, column of the value, the row's label as written)
        let mut rows: HashMap<usize, (usize, usize, &'a str)> = HashMap::new();
        for (r, row) in sheet.rows.iter().enumerate() {
            let Some(lc) = row.iter().position(|v| !v.is_blank()) else {
                continue;
            };
            let label = row[lc].display();
            let has_value = row.iter().skip(lc + 1).any(|v| !v.is_blank());
            // Where the label is, should the row be ignored.
            let at = At {
                sheet,
                layout: Layout::Form,
                row: r,
                col: lc,
                column: &label,
            };
            match self.field_named(si, &label) {
                Some(fi) if rows.contains_key(&fi) && has_value => {
                    self.findings.push(
                        Finding::new("row-ignored", self.place(&at))
                            .value(label.trim())
                            .detail(msg!("second-row")),
                    );
                }
                Some(fi) => {
                    let written = match &row[lc] {
                        Value::Text(t) => unmarked(t),
                        _ => self.schema.sheets[si].fields[fi].label("en"),
                    };
                    rows.insert(fi, (r, lc + 1, written));
                }
                None if has_value => {
                    self.findings
                        .push(Finding::new("row-ignored", self.place(&at)).value(label.trim()));
                }
                None => {}
            }
        }
        let mut record = Record::default();
        self.locs[si] = vec![None; def.fields.len()];
        for (fi, field) in def.fields.iter().enumerate() {
            match rows.get(&fi) {
                Some(&(r, c, written)) => {
                    let at = At {
                        sheet,
                        layout: Layout::Form,
                        row: r,
                        col: c,
                        column: written,
                    };
                    self.locs[si][fi] = Some(at);
                    if let Some(v) = self.value(field, sheet.cell(r, c), &at) {
                        record.values.push((&field.id, v));
                    }
                }
                None if field.required && self.json => self.findings.push(
                    Finding::new(
                        "required-missing",
                        Place {
                            cell: Some(crate::read::pointer(&[&sheet.name, &field.id])),
                            column: Some(field.id.to_string()),
                            ..Place::sheet(&sheet.name)
                        },
                    )
                    .detail(msg!("json-no-key", key = &*field.id)),
                ),
                None if field.required => self.findings.push(
                    Finding::new(
                        "required-missing",
                        Place::sheet(&sheet.name).titled(&field.labels),
                    )
                    .detail(msg!(
                        "no-row-labelled",
                        names = names(self.schema, &field.labels)
                    )),
                ),
                None => {}
            }
        }
        self.rules(si, def, 0, &record);
        record
    }

    fn table(&mut self, si: usize, def: &'static SheetDef, sheet: &'a Sheet) -> Vec<Record> {
        // A JSON array's keys are its header, even when it has no record.
        let header = if self.json {
            Some(0)
        } else {
            self.header_row(si, sheet)
        };
        let Some(header) = header else {
            self.findings.push(
                Finding::new("header-missing", Place::sheet(&sheet.name)).expected(msg!(
                    "a-header-row",
                    titles = Arg::And(
                        def.fields
                            .iter()
                            .take(3)
                            .map(|f| Arg::Label(f.labels.clone()))
                            .collect()
                    )
                )),
            );
            return Vec::new();
        };
        let mut columns: Vec<Option<(usize, &'a str)>> = vec![None; def.fields.len()];
        for (c, v) in sheet.rows[header].iter().enumerate() {
            if v.is_blank() {
                continue;
            }
            let Value::Text(text) = v else {
                let at = At {
                    sheet,
                    layout: Layout::Table,
                    row: header,
                    col: c,
                    column: "",
                };
                self.findings
                    .push(Finding::new("column-ignored", self.place(&at)).value(v.display()));
                continue;
            };
            let title = unmarked(text);
            let at = At {
                sheet,
                layout: Layout::Table,
                row: header,
                col: c,
                column: title,
            };
            match self.field_named(si, title) {
                Some(fi) if columns[fi].is_some() => self
                    .findings
                    .push(Finding::new("column-duplicate", self.place(&at)).value(title)),
                Some(fi) => columns[fi] = Some((c, title)),
                None => self
                    .findings
                    .push(Finding::new("column-ignored", self.place(&at)).value(title)),
            }
        }
        for (fi, field) in def.fields.iter().enumerate() {
            // In JSON each record is missing the key on its own (below).
            if field.required && columns[fi].is_none() && !self.json {
                self.findings.push(
                    Finding::new(
                        "column-missing",
                        Place::sheet(&sheet.name).titled(&field.labels),
                    )
                    .expected(msg!(
                        "a-column-titled",
                        names = names(self.schema, &field.labels)
                    )),
                );
            }
        }
        let mut records = Vec::new();
        let body = sheet.rows.len().saturating_sub(header + 1);
        self.locs[si].reserve(body * def.fields.len());
        for r in header + 1..sheet.rows.len() {
            // An empty row of a sheet is nothing; an empty JSON record is one
            // with its required keys missing.
            if !self.json && sheet.rows[r].iter().all(Value::is_blank) {
                continue;
            }
            let mut record = Record {
                row: r as u32 + 1,
                values: Vec::with_capacity(def.fields.len()),
            };
            let index = records.len();
            for (fi, field) in def.fields.iter().enumerate() {
                let Some((c, title)) = columns[fi] else {
                    self.locs[si].push(None);
                    if self.json && field.required {
                        let at = At {
                            sheet,
                            layout: Layout::Table,
                            row: r,
                            col: usize::MAX,
                            column: &field.id,
                        };
                        self.findings.push(
                            Finding::new("required-missing", self.place(&at))
                                .detail(msg!("json-no-key", key = &*field.id)),
                        );
                    }
                    continue;
                };
                let at = At {
                    sheet,
                    layout: Layout::Table,
                    row: r,
                    col: c,
                    column: title,
                };
                self.locs[si].push(Some(at));
                if let Some(v) = self.value(field, sheet.cell(r, c), &at) {
                    record.values.push((&field.id, v));
                }
            }
            self.rules(si, def, index, &record);
            records.push(record);
        }
        if records.is_empty() && def.required {
            let first = columns.iter().flatten().map(|(c, _)| *c).min().unwrap_or(0);
            let column = def.fields.first().map(|f| f.label("en")).unwrap_or("");
            let place = self.place(&At {
                sheet,
                layout: Layout::Table,
                row: header + 1,
                col: first,
                column,
            });
            self.findings.push(
                Finding::new("required-missing", place)
                    .detail(msg!("a-row-is-needed", sheet = &def.labels)),
            );
        }
        records
    }

    /// The field a column title or row label names: in JSON its id, as the
    /// JSON Schema has it; in a workbook any of its titles.
    fn field_named(&self, si: usize, title: &str) -> Option<usize> {
        if self.json {
            self.schema.sheets[si]
                .fields
                .iter()
                .position(|f| &*f.id == title)
        } else {
            self.schema.field_for_label(si, title)
        }
    }

    /// Gives each finding at a cell of a column the validator found, and
    /// without a column yet, that column's title: a form's by its row and
    /// column, a table's by its column, under the table's first record.
    fn name_columns(&self, findings: &mut [Finding]) {
        if !findings
            .iter()
            .any(|f| f.place.at.is_some() && f.place.column.is_none())
        {
            return;
        }
        let mut cells: HashMap<(&str, usize, usize), &str> = HashMap::new();
        let mut columns: HashMap<(&str, usize), (usize, &str)> = HashMap::new();
        for at in self.locs.iter().flatten().flatten() {
            let sheet = at.sheet.name.as_str();
            cells.insert((sheet, at.row, at.col), at.column);
            if at.layout == Layout::Table {
                let first = columns
                    .entry((sheet, at.col))
                    .or_insert((at.row, at.column));
                first.0 = first.0.min(at.row);
            }
        }
        for f in findings {
            let (Some(sheet), Some((r, c)), None) = (&f.place.sheet, f.place.at, &f.place.column)
            else {
                continue;
            };
            let (sheet, r, c) = (sheet.as_str(), r as usize, c as usize);
            let title = cells.get(&(sheet, r, c)).copied().or_else(|| {
                columns
                    .get(&(sheet, c))
                    .filter(|(first, _)| r >= *first)
                    .map(|(_, t)| *t)
            });
            f.place.column = title.map(str::to_string);
        }
    }

    /// The first row, among the top ones, with the most cells naming fields.
    fn header_row(&self, si: usize, sheet: &Sheet) -> Option<usize> {
        let mut best: Option<(usize, usize)> = None;
        for (r, row) in sheet.rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
            let n = row
                .iter()
                .filter(|v| {
                    // Titles are short; long cells are data, not worth a lookup.
                    matches!(v, Value::Text(t) if t.len() <= MAX_TITLE_BYTES && self.schema.field_for_label(si, t).is_some())
                })
                .count();
            if n >= 2 && best.is_none_or(|(_, m)| n > m) {
                best = Some((r, n));
            }
            // A row naming every field cannot be outdone: the rows under it
            // are data, not worth a lookup per cell.
            if n >= self.schema.sheets[si].fields.len() {
                break;
            }
        }
        best.map(|(r, _)| r)
    }

    /// Reads one cell as its field's type; findings for what does not fit.
    fn value(&mut self, field: &FieldDef, v: &Value, at: &At) -> Option<FieldValue> {
        if let Value::Error(e) = v {
            self.findings
                .push(Finding::new("formula-error", self.place(at)).value(e.clone()));
            return None;
        }
        // Null and a blank string are "no value" for any field; an empty
        // array only for a list.
        let none = matches!(v, Value::Empty) || (matches!(v, Value::Text(_)) && v.is_blank());
        if self.json
            && !none
            && let Some(expected) = json_type(field, v)
        {
            self.findings.push(
                Finding::new("json-invalid", self.place(at))
                    .value(v.display())
                    .expected(expected),
            );
            return None;
        }
        if v.is_blank() {
            if field.required {
                self.findings
                    .push(Finding::new("required-missing", self.place(at)));
            }
            return None;
        }
        if let Value::List(items) = v {
            return Some(FieldValue::List(self.json_list(field, items, at)));
        }
        // Text cells are read in place; other values as a person would see
        // them. JSON is read exactly as written, as its JSON Schema says.
        let text: std::borrow::Cow<str> = match v {
            Value::Text(t) if self.json => std::borrow::Cow::Borrowed(t.as_str()),
            Value::Text(t) => std::borrow::Cow::Borrowed(crate::text::trim(t)),
            other => std::borrow::Cow::Owned(other.display()),
        };
        let err = |code: &'static str, place: Place| Finding::new(code, place).value(text.as_ref());
        match field.kind {
            FieldType::Text | FieldType::Id | FieldType::Ref => {
                // A character takes one to four bytes: the byte length mostly
                // settles both checks without counting characters.
                let may_be_long =
                    field.max_len.is_some_and(|m| text.len() > m) && matches!(v, Value::Text(_));
                let may_be_short = field.warn_below.is_some_and(|m| text.len() < 4 * m);
                let n = (may_be_long || may_be_short).then(|| text.chars().count());
                if let Some((n, max)) = n.zip(field.max_len).filter(|(n, m)| n > m) {
                    self.findings.push(
                        err("too-long", self.place(at))
                            .detail(msg!("characters", n = n))
                            .expected(msg!("at-most-characters", max = max)),
                    );
                } else if let Some((n, min)) = n
                    .zip(field.warn_below.map(|m| cells::shortest(&text, m)))
                    .filter(|(n, m)| n < m)
                {
                    self.findings.push(
                        err("too-short", self.place(at))
                            .detail(msg!("characters", n = n))
                            .expected(msg!("at-least-characters", min = min)),
                    );
                }
                Some(FieldValue::Text(Str::Owned(
                    crate::text::trim(&text).to_string(),
                )))
            }
            FieldType::Code => {
                let vocab = field.vocabulary.as_deref().unwrap_or_default();
                self.code(vocab, &text, at).map(FieldValue::Text)
            }
            FieldType::Yesno => match v {
                Value::Bool(b) => Some(FieldValue::Bool(*b)),
                _ => self
                    .code("yesno", &text, at)
                    .map(|c| FieldValue::Bool(c == "yes")),
            },
            FieldType::List => Some(FieldValue::List(self.list(field, &text, at))),
            FieldType::Year => {
                let n = match v {
                    Value::Number(n) => cells::whole(*n),
                    _ => cells::parse_integer(&text),
                };
                let Some(n) = n else {
                    self.findings
                        .push(err("not-a-number", self.place(at)).expected(msg!("a-year")));
                    return None;
                };
                let (min, max) = (
                    field.min.unwrap_or(2005),
                    cells::year_of(self.ctx.today) as i64,
                );
                if n < min || n > max {
                    self.findings
                        .push(err("year-out-of-range", self.place(at)).expected(msg!(
                            "a-year-from",
                            min = min,
                            max = max
                        )));
                    return None;
                }
                Some(FieldValue::Int(n))
            }
            FieldType::Date => self.date(v, &text, at).map(FieldValue::Date),
            FieldType::Integer => {
                let n = match v {
                    Value::Number(n) => cells::whole(*n),
                    _ => cells::parse_integer(&text),
                };
                let Some(n) = n else {
                    self.findings
                        .push(err("not-a-number", self.place(at)).expected(msg!("a-whole-number")));
                    return None;
                };
                let (min, max) = (field.min.unwrap_or(i64::MIN), field.max.unwrap_or(i64::MAX));
                if n < min || n > max {
                    self.findings
                        .push(err("out-of-range", self.place(at)).expected(msg!(
                            "a-whole-number-from",
                            min = min,
                            max = max
                        )));
                    return None;
                }
                if let Some(w) = field.warn_above.filter(|w| n > *w) {
                    self.findings.push(
                        err("above-typical", self.place(at))
                            .expected(msg!("usually-at-most", max = w)),
                    );
                }
                Some(FieldValue::Int(n))
            }
            FieldType::Email => {
                if cells::is_email(&text) && crate::text::trim(&text) == text {
                    Some(FieldValue::Text(Str::Owned(text.into_owned())))
                } else {
                    self.findings
                        .push(err("email-invalid", self.place(at)).expected(msg!("an-email")));
                    None
                }
            }
            FieldType::Url => match cells::check_url(&text).and_then(|()| {
                if crate::text::trim(&text) == text {
                    Ok(())
                } else {
                    Err(Some(text.trim().to_string()))
                }
            }) {
                Ok(()) => Some(FieldValue::Text(Str::Owned(text.into_owned()))),
                Err(fix) => {
                    self.findings.push(
                        err("url-invalid", self.place(at))
                            .expected(msg!("a-url"))
                            .suggest(fix.into_iter().collect()),
                    );
                    None
                }
            },
        }
    }

    fn date(&mut self, v: &Value, text: &str, at: &At) -> Option<NaiveDate> {
        if self.json {
            let d = cells::iso_date(text);
            if d.is_none() {
                self.findings.push(
                    Finding::new("json-date-invalid", self.place(at))
                        .value(text)
                        .expected(msg!("json-a-date"))
                        .suggest(
                            cells::parse_date(text)
                                .ok()
                                .map(|d| d.to_string())
                                .into_iter()
                                .collect(),
                        ),
                );
            }
            return d;
        }
        match v {
            Value::Date(d) => Some(*d),
            Value::Number(n) => match cells::from_serial(*n) {
                Some(d) => {
                    self.findings.push(
                        Finding::new("date-serial", self.place(at))
                            .value(text)
                            .detail(msg!("read-as", value = d.to_string())),
                    );
                    Some(d)
                }
                None => {
                    self.findings.push(
                        Finding::new("date-invalid", self.place(at))
                            .value(text)
                            .expected(msg!("a-date")),
                    );
                    None
                }
            },
            _ => match self.typed_date(text, at) {
                Ok(d) => Some(d),
                Err(DateProblem::Invalid(guess)) => {
                    self.findings.push(
                        Finding::new("date-invalid", self.place(at))
                            .value(text)
                            .expected(msg!("a-date-or-day-first"))
                            .suggest(guess.into_iter().collect()),
                    );
                    None
                }
                Err(DateProblem::Ambiguous(why)) => {
                    self.findings.push(
                        Finding::new("date-ambiguous", self.place(at))
                            .value(text)
                            .detail(why)
                            .expected(msg!("a-date")),
                    );
                    None
                }
            },
        }
    }

    /// A typed date, its day and month in the order the file settles; a
    /// note says so the first time it decides a date.
    fn typed_date(&mut self, text: &str, at: &At) -> Result<NaiveDate, DateProblem> {
        let open = cells::figures_of(text).is_some_and(|(a, b, _)| a <= 12 && b <= 12 && a != b);
        let (day, month) = (self.dates.day_first.clone(), self.dates.month_first.clone());
        let order = match (&day, &month) {
            (Some(d), Some(m)) if open => {
                return Err(DateProblem::Ambiguous(msg!(
                    "dates-both-orders",
                    day = d.to_string(),
                    month = m.to_string()
                )));
            }
            (None, Some(_)) => cells::Order::MonthFirst,
            _ => cells::Order::DayFirst,
        };
        let settled_by = if order == cells::Order::MonthFirst {
            month
        } else {
            day
        };
        if open
            && !self.dates.said
            && let Some(by) = settled_by
        {
            self.dates.said = true;
            let how = if order == cells::Order::MonthFirst {
                msg!("month-first")
            } else {
                msg!("day-first")
            };
            self.findings.push(
                Finding::new("date-order-inferred", self.place(at))
                    .value(text)
                    .detail(msg!("dates-read", how = how, by = by.to_string())),
            );
        }
        cells::parse_date_in(text, order)
    }

    /// The code a value names in a vocabulary, or a finding with suggestions.
    fn code(&mut self, vocab: &str, text: &str, at: &At) -> Option<Str> {
        match self.schema.lookup(vocab, text) {
            // JSON names a term exactly as the JSON Schema lists it.
            Some((term, _)) if self.json && !term.written(text) => {
                self.findings.push(
                    Finding::new("not-in-vocabulary", self.place(at))
                        .value(text)
                        .detail(msg!("json-exactly"))
                        .suggest(vec![term.code.clone()]),
                );
                None
            }
            Some((term, m)) => {
                if m == crate::schema::Match::Spelling && term.code != text {
                    self.findings.push(
                        Finding::new("label-for-code", self.place(at))
                            .value(text)
                            .detail(msg!("read-as", value = &term.code)),
                    );
                }
                Some(Str::Borrowed(&term.code))
            }
            None => {
                self.findings.push(
                    Finding::new("not-in-vocabulary", self.place(at))
                        .value(text)
                        .expected(expected_codes(self.schema, vocab))
                        .suggest(self.schema.suggest(vocab, text)),
                );
                None
            }
        }
    }

    /// What one list item reads as; `strict` (JSON) takes it only as the
    /// JSON Schema lists it.
    fn resolve_item(
        schema: &'static Schema,
        field: &FieldDef,
        item: &str,
        strict: bool,
    ) -> Option<Item> {
        let reference = Reference::current();
        if let Some(vocab) = &field.vocabulary {
            return schema
                .lookup(vocab, item)
                .filter(|(t, _)| !strict || t.written(item))
                .map(|(t, m)| {
                    Item::Code(
                        Str::Borrowed(&t.code),
                        m == crate::schema::Match::Spelling && t.code != item,
                    )
                });
        }
        let code = |c: Str| Item::Code(c, false);
        match field.item {
            Some(ItemKind::Sdg) => cells::parse_sdg(item)
                .filter(|c| !strict || c == item)
                .map(code),
            Some(ItemKind::Tunis) => cells::parse_tunis(item)
                .filter(|c| !strict || c == item)
                .map(code),
            Some(ItemKind::Country) if strict && !reference.is_written(item) => None,
            // Names and codes are read from the reference data, which
            // lives as long as the program: borrowed, not copied.
            Some(ItemKind::Country) => match reference.lookup(item) {
                Cow::Borrowed(Lookup::Found(a)) => Some(code(Str::Borrowed(a.code()))),
                Cow::Borrowed(Lookup::NotFound) => None,
                other => match other.into_owned() {
                    Lookup::Found(a) => Some(code(Str::Owned(a.code().to_string()))),
                    Lookup::Ambiguous {
                        read_as,
                        candidates,
                    } => Some(Item::Ambiguous(read_as, candidates)),
                    Lookup::NotFound => None,
                },
            },
            Some(ItemKind::Text) | None => Some(code(Str::Owned(item.to_string()))),
        }
    }

    fn list(&mut self, field: &FieldDef, text: &str, at: &At) -> Vec<Str> {
        // Free text (partners) never splits at commas: names hold them.
        let commas = field.item != Some(ItemKind::Text);
        let (items, kept_whole) = cells::split_list(text, commas, |item| {
            Self::resolve_item(self.schema, field, item, false)
        });
        self.items(field, items, kept_whole, at)
    }

    /// A JSON array's items, each read whole and exactly as written.
    fn json_list(&mut self, field: &FieldDef, items: &[Value], at: &At) -> Vec<Str> {
        let numbered = matches!(field.item, Some(ItemKind::Sdg | ItemKind::Tunis));
        let mut read = Vec::with_capacity(items.len());
        let mut texts = Vec::new();
        for v in items {
            let text = match v {
                Value::Number(n) if numbered => cells::whole(*n).map(|n| n.to_string()),
                Value::Text(t) if !v.is_blank() => Some(t.clone()),
                _ => None,
            };
            match text {
                Some(t) => texts.push(t),
                None => self.findings.push(
                    Finding::new("json-invalid", self.place(at))
                        .value(v.display())
                        .expected(match field.item {
                            _ if v.is_blank() => msg!("json-an-item"),
                            Some(ItemKind::Sdg) => msg!("an-sdg"),
                            Some(ItemKind::Tunis) => msg!("a-tunis-paragraph"),
                            _ => msg!("json-a-text"),
                        }),
                ),
            }
        }
        for t in &texts {
            read.push((t.as_str(), Self::resolve_item(self.schema, field, t, true)));
        }
        self.items(field, read, false, at)
    }

    /// The codes of a list's items, with a finding for each item not read.
    fn items(
        &mut self,
        field: &FieldDef,
        items: Vec<(&str, Option<Item>)>,
        kept_whole: bool,
        at: &At,
    ) -> Vec<Str> {
        let schema = self.schema;
        let reference = Reference::current();
        let mut out: Vec<Str> = Vec::with_capacity(items.len());
        for (item, resolved) in items {
            let code = match resolved {
                Some(Item::Code(code, spelled)) => {
                    if spelled {
                        self.findings.push(
                            Finding::new("label-for-code", self.place(at))
                                .value(item)
                                .detail(msg!("read-as", value = code.to_string())),
                        );
                    }
                    code
                }
                Some(Item::Ambiguous(read_as, candidates)) => {
                    let names: Vec<Arg> = candidates
                        .iter()
                        .map(|a| Arg::Label(reference.labels(a)))
                        .collect();
                    let detail = match &read_as {
                        Some(a) => msg!(
                            "read-as-may-also-mean",
                            read = Arg::Label(reference.labels(a)),
                            others = Arg::Or(names[1..].to_vec())
                        ),
                        None => msg!("may-mean", these = Arg::Or(names)),
                    };
                    self.findings.push(
                        Finding::new("area-ambiguous", self.place(at))
                            .value(item)
                            .detail(detail)
                            .suggest(candidates.iter().map(|a| a.code().to_string()).collect()),
                    );
                    match read_as {
                        Some(a) => Str::Owned(a.code().to_string()),
                        None => continue,
                    }
                }
                None => {
                    let (expected, suggestions) = match (&field.vocabulary, field.item) {
                        (Some(v), _) => (expected_codes(schema, v), schema.suggest(v, item)),
                        (None, Some(ItemKind::Sdg)) => (msg!("an-sdg"), Vec::new()),
                        (None, Some(ItemKind::Tunis)) => (msg!("a-tunis-paragraph"), Vec::new()),
                        (None, _) => (msg!("an-area"), reference.suggest(item)),
                    };
                    let loosely = self
                        .json
                        .then(|| Self::resolve_item(schema, field, item, false))
                        .flatten();
                    let mut f = Finding::new("not-in-vocabulary", self.place(at))
                        .value(item)
                        .expected(expected)
                        .suggest(suggestions);
                    if kept_whole {
                        f = f.detail(msg!("read-whole"));
                    } else if !self.json
                        && field.item != Some(ItemKind::Text)
                        && item.contains(',')
                        && item
                            .split(',')
                            .all(|p| Self::resolve_item(schema, field, p.trim(), false).is_some())
                    {
                        // `C1, C7; C11`: the cell's other separator left the
                        // commas of this part alone.
                        f = f.detail(msg!("commas-in-part"));
                    }
                    if let Some(Item::Code(code, _)) = loosely {
                        f = f
                            .detail(msg!("json-exactly"))
                            .suggest(vec![code.into_owned()]);
                    }
                    self.findings.push(f);
                    continue;
                }
            };
            if out.contains(&code) {
                self.findings
                    .push(Finding::new("list-duplicate", self.place(at)).value(item));
            } else {
                out.push(code);
            }
        }
        out
    }

    /// The schema's checks across the fields of one record.
    fn rules(&mut self, si: usize, def: &SheetDef, index: usize, record: &Record) {
        let mut out = Vec::new();
        for rule in &def.rules {
            let place = |f: &str| self.place_of(si, def, index, f);
            match rule {
                Rule::DateOrder { first, then } => {
                    if let (Some(a), Some(b)) = (record.date(first), record.date(then))
                        && a > b
                    {
                        let f = Finding::new("date-order", place(then))
                            .value(b.to_string())
                            .detail(msg!("starts", date = a.to_string()));
                        out.push(f);
                    }
                }
                Rule::NotMoreThan { field, limit } => {
                    if let (Some(a), Some(b)) = (record.int(field), record.int(limit))
                        && a > b
                    {
                        let f = Finding::new("developing-exceeds-total", place(field))
                            .value(a.to_string())
                            .expected(msg!(
                                "at-most-the-number-of",
                                max = b,
                                field = def
                                    .field(limit)
                                    .map(|f| Arg::Lower(Box::new(Arg::Label(f.labels.clone()))))
                                    .unwrap_or_else(|| Arg::from(limit))
                            ));
                        out.push(f);
                    }
                }
                Rule::WithinParent { field, parent } => {
                    let Some(parent_code) = record.text(parent) else {
                        continue;
                    };
                    let vocab = def
                        .field(field)
                        .and_then(|f| f.vocabulary.as_deref())
                        .and_then(|v| self.schema.vocabulary(v));
                    for code in record.list(field) {
                        let term_parent = vocab
                            .and_then(|v| v.terms.iter().find(|t| &t.code == code))
                            .and_then(|t| t.parent.as_deref());
                        if term_parent.is_some_and(|p| p != parent_code) {
                            let f = Finding::new("issue-outside-cluster", place(field))
                                .value(code.clone())
                                .detail(msg!(
                                    "under-another-cluster",
                                    code = code,
                                    parent = self.term_name(def, parent, term_parent.unwrap_or("")),
                                    cluster = self.term_name(def, parent, parent_code)
                                ));
                            out.push(f);
                        }
                    }
                }
                Rule::NotFutureWhen {
                    field,
                    when,
                    equals,
                } => {
                    if let (Some(d), Some(w)) = (record.date(field), record.text(when))
                        && w == equals
                        && d > self.ctx.today
                    {
                        let f = Finding::new("completed-future-end", place(field))
                            .value(d.to_string())
                            .detail(msg!(
                                "because",
                                field = self.field_name(def, when),
                                value = self.term_name(def, when, w)
                            ));
                        out.push(f);
                    }
                }
            }
        }
        self.findings.extend(out);
    }

    /// A field's titles, to name it in the reader's language.
    fn field_name(&self, def: &SheetDef, field: &str) -> Arg {
        match def.field(field) {
            Some(f) => Arg::Lower(Box::new(Arg::Label(f.labels.clone()))),
            None => Arg::from(field),
        }
    }

    /// A code of a field's vocabulary by its labels: `Completed`, `Terminée`.
    fn term_name(&self, def: &SheetDef, field: &str, code: &str) -> Arg {
        def.field(field)
            .and_then(|f| f.vocabulary.as_deref())
            .and_then(|v| self.schema.vocabulary(v))
            .and_then(|v| v.terms.iter().find(|t| t.code == code))
            .map(|t| Arg::Label(t.labels.clone()))
            .unwrap_or_else(|| Arg::from(code))
    }

    /// IDs unique within their sheet; references pointing to an existing ID.
    fn unique_and_references(&mut self, si: usize, def: &SheetDef, sub: &Submission) {
        let records = sub.records(&def.id);
        for field in &def.fields {
            match field.kind {
                FieldType::Id => {
                    let mut seen: rustc_hash::FxHashMap<&str, usize> = Default::default();
                    for (i, r) in records.iter().enumerate() {
                        let Some(id) = r.text(&field.id) else {
                            continue;
                        };
                        if let Some(&first) = seen.get(id) {
                            let place = self.place_of(si, def, i, &field.id);
                            let first_place = self
                                .place_of(si, def, first, &field.id)
                                .cell
                                .unwrap_or_default();
                            self.findings.push(
                                Finding::new("id-duplicate", place)
                                    .value(id)
                                    .detail(msg!("also-used-at", cell = first_place)),
                            );
                        } else {
                            seen.insert(id, i);
                        }
                    }
                }
                FieldType::Ref => {
                    let Some((sheet, target)) =
                        field.references.as_deref().and_then(|r| r.split_once('.'))
                    else {
                        continue;
                    };
                    let ids: rustc_hash::FxHashSet<&str> = sub
                        .records(sheet)
                        .iter()
                        .filter_map(|r| r.text(target))
                        .collect();
                    if !sub.sheets.contains_key(sheet) {
                        continue;
                    }
                    for (i, r) in records.iter().enumerate() {
                        let Some(id) = r.text(&field.id) else {
                            continue;
                        };
                        if !ids.contains(id) {
                            let place = self.place_of(si, def, i, &field.id);
                            let candidates: Vec<(String, String)> = ids
                                .iter()
                                .map(|x| (crate::text::compact(x), x.to_string()))
                                .collect();
                            let suggestions = crate::text::closest(
                                &crate::text::compact(id),
                                candidates.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                                3,
                            );
                            let target_sheet = self
                                .schema
                                .sheet(sheet)
                                .map(|s| s.label("en"))
                                .unwrap_or(sheet);
                            self.findings.push(
                                Finding::new("reference-missing", place)
                                    .value(id)
                                    .expected(msg!("an-id-of", sheet = target_sheet))
                                    .suggest(suggestions),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// In JSON, what a field's value must be when `v` is not of a type the
/// JSON Schema allows for it. A blank string or null is any field's "no value".
fn json_type(field: &FieldDef, v: &Value) -> Option<Message> {
    use FieldType as T;
    let fits = match (field.kind, v) {
        (T::List, Value::List(_)) => true,
        (_, Value::List(_)) | (T::List, _) => false,
        (T::Text | T::Id | T::Ref, Value::Text(_) | Value::Number(_)) => true,
        (T::Year | T::Integer, Value::Number(_)) => true,
        (T::Yesno, Value::Bool(_) | Value::Text(_)) => true,
        (T::Code | T::Date | T::Email | T::Url, Value::Text(_)) => true,
        _ => false,
    };
    (!fits).then(|| match (field.kind, v) {
        (_, Value::List(_)) => msg!("json-a-single"),
        (T::List, _) => msg!("json-a-list"),
        (T::Year | T::Integer, _) => msg!("json-a-number"),
        (T::Yesno, _) => msg!("json-a-yesno"),
        (T::Date, _) => msg!("json-a-date"),
        _ => msg!("json-a-text"),
    })
}

/// The JSON value a sheet of this layout is written as.
fn json_shape(layout: Layout) -> crate::read::JsonShape {
    match layout {
        Layout::Form => crate::read::JsonShape::Object,
        Layout::Table => crate::read::JsonShape::Array,
    }
}

fn json_sheet_expected(layout: Layout) -> Message {
    match layout {
        Layout::Form => msg!("json-record"),
        Layout::Table => msg!("json-records"),
    }
}

fn json_place(key: &str) -> Place {
    Place {
        cell: Some(crate::read::pointer(&[key])),
        ..Place::sheet(key)
    }
}

/// "Organisation, Organization or Organización": every title, the reader's first.
fn names(schema: &Schema, labels: &crate::schema::Labels) -> Arg {
    Arg::Names(
        schema
            .labels_in_order(labels)
            .into_iter()
            .map(String::from)
            .collect(),
        labels.clone(),
    )
}

/// "one of: planned, ongoing, completed, discontinued", or for long lists the
/// vocabulary's name and a few codes.
fn expected_codes(schema: &Schema, vocab: &str) -> Message {
    let Some(v) = schema.vocabulary(vocab) else {
        return Message::literal(String::new());
    };
    let codes: Vec<&str> = v.terms.iter().map(|t| t.code.as_str()).collect();
    if codes.len() <= 10 {
        msg!("one-of", codes = codes.join(", "))
    } else {
        msg!(
            "a-code-of",
            vocabulary = &v.labels,
            codes = codes[..4].join(", ")
        )
    }
}

/// Everything known about one file after reading and validating it.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub file: String,
    /// False when the file could not be read at all.
    pub readable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<crate::read::Container>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub understood: Option<Understood>,
    pub counts: crate::findings::Counts,
    pub findings: Vec<Finding>,
    #[serde(skip)]
    pub submission: Option<Submission>,
}

impl FileReport {
    pub fn has_errors(&self) -> bool {
        self.counts.errors > 0
    }

    /// The report with its findings' messages written in `lang`.
    pub fn in_language(mut self, lang: &str) -> FileReport {
        self.findings = self
            .findings
            .into_iter()
            .map(|f| f.in_language(lang))
            .collect();
        self
    }
}

/// Reads and validates one file (or folder of CSV files).
pub fn check_path(
    path: &std::path::Path,
    schema: &'static Schema,
    ctx: &Context,
    limits: &crate::read::Limits,
) -> FileReport {
    let want = |name: &str| schema.sheet_for_name(name).is_some();
    let read = crate::read::read_path(path, limits, &want);
    report(path.display().to_string(), read, schema, ctx)
}

/// Validates what reading gave.
pub fn report(
    file: String,
    read: crate::read::Read,
    schema: &'static Schema,
    ctx: &Context,
) -> FileReport {
    let mut findings = read.findings;
    let Some(wb) = read.workbook else {
        return FileReport {
            file,
            readable: false,
            container: None,
            understood: None,
            counts: crate::findings::Counts::of(&findings),
            findings,
            submission: None,
        };
    };
    let (sub, mut more) = validate(&wb, schema, ctx, &mut findings);
    // A cell empty because its formula has no stored value is said once, as
    // such (under its column's title, like every finding at a cell).
    let no_value: HashSet<(Option<&str>, Option<&str>)> = findings
        .iter()
        .filter(|f| f.code == "formula-no-value")
        .map(|f| (f.place.sheet.as_deref(), f.place.cell.as_deref()))
        .collect();
    if !no_value.is_empty() {
        more.retain(|f| {
            f.code != "required-missing"
                || !no_value.contains(&(f.place.sheet.as_deref(), f.place.cell.as_deref()))
        });
    }
    findings.extend(more);
    FileReport {
        file,
        readable: true,
        container: Some(wb.container),
        understood: Some(Understood::of(&sub, schema)),
        counts: crate::findings::Counts::of(&findings),
        findings,
        submission: Some(sub),
    }
}
