//! Normalization: accepted submissions into tables, as the schema lays them out.
//!
//! Each schema sheet goes to its table (`table` in the schema): a form sheet
//! gives one row per submission, a table sheet one row per record; each list
//! field gives a long table named after the field (one row per item). Every row
//! carries `submission_id`, and rows from table sheets their source `row`, so
//! any figure can be traced to the cell it came from.
//!
//! Keys: `submission_id` (the first 16 hex digits of the raw file's SHA-256)
//! identifies a submission; (`submission_id`, `action_id`) an action;
//! (`submission_id`, `action_id`, `position`) a list item.

use crate::schema::{FieldDef, FieldType, Layout, Schema, SheetDef};
use crate::tables::{Data, Table, Texts};
use crate::validate::{FieldValue, Submission};

/// What the store knows of a submission besides its content.
#[derive(Debug, Clone)]
pub struct Meta {
    pub submission_id: String,
    pub organization_id: String,
    pub sha256: String,
    pub file: String,
    pub received: String,
    pub errors: i64,
    pub warnings: i64,
    pub notes: i64,
}

/// Columns every `submissions` row has before the organization's own fields.
pub const SUBMISSION_META: &[&str] = &[
    "submission_id",
    "organization_id",
    "sha256",
    "file",
    "received",
    "schema_version",
    "status",
    "superseded_by",
    "errors",
    "warnings",
    "notes",
];

/// Builds tables one row at a time, column by column.
#[derive(Default)]
pub struct Builder {
    /// A dozen tables at most: a scan finds one faster than a map, and
    /// without making a key for every row.
    tables: Vec<(String, Vec<(String, Data)>)>,
}

impl Builder {
    fn table(&mut self, name: &str) -> &mut Vec<(String, Data)> {
        let i = match self.tables.iter().position(|(n, _)| n == name) {
            Some(i) => i,
            None => {
                self.tables.push((name.to_string(), Vec::new()));
                self.tables.len() - 1
            }
        };
        &mut self.tables[i].1
    }

    /// Adds the tables of one submission.
    pub fn add(&mut self, schema: &Schema, sub: &Submission, meta: &Meta) {
        let id = || ("submission_id", Cell::Text(Some(&meta.submission_id)));
        let organization = || ("organization_id", Cell::Text(Some(&meta.organization_id)));
        for sheet in &schema.sheets {
            let records = sub.records(&sheet.id);
            let scalars = || sheet.fields.iter().filter(|f| f.kind != FieldType::List);
            match sheet.layout {
                Layout::Form => {
                    let empty = crate::validate::Record::default();
                    let record = records.first().unwrap_or(&empty);
                    let fields = scalars().map(|f| (&*f.id, scalar(f, record.get(&f.id))));
                    if sheet.role == Some(crate::schema::SheetRole::Organization) {
                        let head = [
                            id(),
                            organization(),
                            ("sha256", Cell::Text(Some(&meta.sha256))),
                            ("file", Cell::Text(Some(&meta.file))),
                            ("received", Cell::Text(Some(&meta.received))),
                            ("schema_version", Cell::Text(Some(&sub.schema_version))),
                            ("status", Cell::Text(Some("current"))),
                            ("superseded_by", Cell::Text(None)),
                            ("errors", Cell::Int(Some(meta.errors))),
                            ("warnings", Cell::Int(Some(meta.warnings))),
                            ("notes", Cell::Int(Some(meta.notes))),
                        ];
                        self.push_row(&sheet.table, 1, head.into_iter().chain(fields));
                    } else {
                        self.push_row(&sheet.table, 1, std::iter::once(id()).chain(fields));
                    }
                    self.lists(sheet, std::slice::from_ref(record), meta, None);
                }
                Layout::Table => {
                    let id_field = sheet.fields.iter().find(|f| f.kind == FieldType::Id);
                    for record in records {
                        let head = [
                            id(),
                            organization(),
                            ("row", Cell::Int(Some(record.row as i64))),
                        ];
                        let fields = scalars().map(|f| (&*f.id, scalar(f, record.get(&f.id))));
                        let rows = records.len();
                        self.push_row(&sheet.table, rows, head.into_iter().chain(fields));
                    }
                    self.lists(sheet, records, meta, id_field);
                }
            }
        }
    }

    fn lists(
        &mut self,
        sheet: &SheetDef,
        records: &[crate::validate::Record],
        meta: &Meta,
        id_field: Option<&FieldDef>,
    ) {
        for field in sheet.fields.iter().filter(|f| f.kind == FieldType::List) {
            let items: usize = records.iter().map(|r| r.list(&field.id).len()).sum();
            for record in records {
                let owner = id_field.map(|f| (&*f.id, Cell::Text(record.text(&f.id))));
                for (i, item) in record.list(&field.id).iter().enumerate() {
                    let row = [
                        Some(("submission_id", Cell::Text(Some(&meta.submission_id)))),
                        owner.clone(),
                        Some(("row", Cell::Int(Some(record.row as i64)))),
                        Some(("position", Cell::Int(Some(i as i64 + 1)))),
                        Some(("value", Cell::Text(Some(item)))),
                    ];
                    self.push_row(&field.id, items, row.into_iter().flatten());
                }
            }
            // A list table exists even when no submission filled it.
            self.table(&field.id);
        }
    }

    /// Adds a row to `table`, which gets `rows` rows from this submission:
    /// columns are made with room for all of them at once.
    fn push_row<'a>(
        &mut self,
        table: &str,
        rows: usize,
        row: impl Iterator<Item = (&'a str, Cell<'a>)>,
    ) {
        let t = self.table(table);
        let height = t.first().map(|(_, d)| d.len()).unwrap_or(0);
        for (k, (name, cell)) in row.enumerate() {
            // Rows of a table come with their cells in the same order: look where
            // the last row had this column before searching for it.
            let at_k = t.get(k).is_some_and(|(n, _)| n == name);
            let i = match if at_k {
                Some(k)
            } else {
                t.iter().position(|(n, _)| n == name)
            } {
                Some(i) => i,
                None => {
                    t.push((name.to_string(), cell.empty_column(height, rows)));
                    t.len() - 1
                }
            };
            cell.push_to(&mut t[i].1);
        }
    }

    /// The tables, by name.
    pub fn finish(mut self) -> Vec<Table> {
        self.tables.sort_by(|a, b| a.0.cmp(&b.0));
        self.tables
            .into_iter()
            .map(|(name, columns)| Table::new(&name, columns))
            .collect()
    }
}

#[derive(Clone)]
enum Cell<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
    Date(Option<chrono::NaiveDate>),
    Bool(Option<bool>),
}

impl Cell<'_> {
    /// A column of `height` missing values, with room for `rows` in all.
    fn empty_column(&self, height: usize, rows: usize) -> Data {
        let mut d = match self {
            Cell::Text(_) => Data::Text(Texts::missing(height)),
            Cell::Int(_) => Data::Int(vec![None; height]),
            Cell::Date(_) => Data::Date(vec![None; height]),
            Cell::Bool(_) => Data::Bool(vec![None; height]),
        };
        // Most text values are IDs and codes, up to 16 characters.
        let more = rows.saturating_sub(height);
        d.reserve(more, more * 16);
        d
    }

    fn push_to(self, d: &mut Data) {
        match (self, d) {
            (Cell::Text(v), Data::Text(c)) => c.push(v),
            (Cell::Int(v), Data::Int(c)) => c.push(v),
            (Cell::Date(v), Data::Date(c)) => c.push(v),
            (Cell::Bool(v), Data::Bool(c)) => c.push(v),
            // A column's kind comes from its field's type, so kinds always agree;
            // a mismatch would be a schema defect, and is stored as missing.
            (_, Data::Text(c)) => c.push(None),
            (_, Data::Int(c)) => c.push(None),
            (_, Data::Date(c)) => c.push(None),
            (_, Data::Bool(c)) => c.push(None),
            (_, Data::Float(c)) => c.push(None),
        }
    }
}

/// The column kind a field's values take.
fn scalar<'a>(field: &FieldDef, v: Option<&'a FieldValue>) -> Cell<'a> {
    match field.kind {
        FieldType::Integer | FieldType::Year => Cell::Int(match v {
            Some(FieldValue::Int(n)) => Some(*n),
            _ => None,
        }),
        FieldType::Date => Cell::Date(match v {
            Some(FieldValue::Date(d)) => Some(*d),
            _ => None,
        }),
        FieldType::Yesno => Cell::Bool(match v {
            Some(FieldValue::Bool(b)) => Some(*b),
            _ => None,
        }),
        _ => Cell::Text(v.and_then(FieldValue::text)),
    }
}

/// The names of every table the schema gives, in a stable order.
pub fn table_names(schema: &Schema) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for sheet in &schema.sheets {
        names.push(sheet.table.clone());
        names.extend(
            sheet
                .fields
                .iter()
                .filter(|f| f.kind == FieldType::List)
                .map(|f| f.id.to_string()),
        );
    }
    names
}
