//! JSON submissions (`cstd schema --format json-schema` describes them), read
//! into the same sheets as a workbook so that one validator serves both. Form
//! objects become label/value rows; arrays of records become tables whose
//! header row is the field ids.

use crate::msg;
use serde_json::Value as Json;

use super::{
    Container, FindingPlace as _, JsonShape, Limits, Read, Sheet, Value, Workbook, limits,
};
use crate::findings::{Finding, Place};

/// Top-level keys that describe the document rather than hold a sheet.
const META_KEYS: &[&str] = &["$schema", "schema", "schema_version", "version"];

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Read {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let doc: Json = match serde_json::from_slice(text) {
        Ok(d) => d,
        Err(e) => {
            // A document that ends early was cut; any other error is a
            // syntax error of its own, with where it is.
            let code = if e.is_eof() {
                "file-truncated"
            } else {
                "json-syntax"
            };
            return Read::failed(Finding::new(code, Place::default()).detail(msg!(
                "json-at",
                line = e.line(),
                column = e.column(),
                error = e.to_string()
            )));
        }
    };
    let Json::Object(top) = doc else {
        return Read::failed(
            Finding::new("json-invalid", Place::default()).detail(msg!("json-not-object")),
        );
    };
    let mut sheets = Vec::new();
    let mut skipped = Vec::new();
    if top.len() as u64 > limits.max_sheets {
        return Read::failed(limits::exceeded(
            "limit-json-keys",
            top.len() as u64,
            limits.max_sheets,
        ));
    }
    for (key, value) in top {
        if META_KEYS.contains(&key.as_str()) {
            continue;
        }
        let sheet = match value {
            Json::Object(form) => form_sheet(&key, form),
            Json::Array(records) => {
                if records.len() as u64 > limits.max_rows {
                    return Read::failed(
                        limits::exceeded("limit-records", records.len() as u64, limits.max_rows)
                            .place(&key),
                    );
                }
                table_sheet(&key, records)
            }
            _ => {
                skipped.push(key);
                continue;
            }
        };
        if let Some(f) = too_long(&sheet, limits) {
            return Read::failed(f);
        }
        sheets.push(sheet);
    }
    Read {
        workbook: Some(Workbook {
            container: Container::Json,
            sheets,
            skipped,
        }),
        findings: Vec::new(),
    }
}

fn form_sheet(name: &str, form: serde_json::Map<String, Json>) -> Sheet {
    let mut findings = Vec::new();
    let mut rows = Vec::new();
    for (key, value) in form {
        let place = pointer(&[name, &key]);
        let mut found = Vec::new();
        let value = cell(value, name, &place, &mut found);
        findings.extend(found.into_iter().map(|f| (Some(key.clone()), f)));
        rows.push(vec![Value::Text(key), value]);
    }
    Sheet {
        name: name.to_string(),
        rows,
        keys: Vec::new(),
        json: Some(JsonShape::Object),
        problems: findings,
    }
}

fn table_sheet(name: &str, records: Vec<Json>) -> Sheet {
    let mut findings = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    for r in &records {
        if let Json::Object(o) = r {
            for k in o.keys() {
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
    }
    let mut rows = vec![
        keys.iter()
            .map(|k| Value::Text(k.clone()))
            .collect::<Vec<_>>(),
    ];
    for (i, record) in records.into_iter().enumerate() {
        let mut row = vec![Value::Empty; keys.len()];
        match record {
            Json::Object(o) => {
                for (k, v) in o {
                    if let Some(c) = keys.iter().position(|x| *x == k) {
                        let mut found = Vec::new();
                        row[c] = cell(v, name, &pointer(&[name, &i.to_string(), &k]), &mut found);
                        findings.extend(found.into_iter().map(|f| (Some(k.clone()), f)));
                    }
                }
            }
            other => findings.push((
                None,
                Finding::new(
                    "json-invalid",
                    place(name, &pointer(&[name, &i.to_string()])),
                )
                .value(other.to_string())
                .expected(msg!("json-record")),
            )),
        }
        rows.push(row);
    }
    Sheet {
        name: name.to_string(),
        rows,
        keys,
        json: Some(JsonShape::Array),
        problems: findings,
    }
}

/// A JSON pointer (RFC 6901) to a value: `/actions/0/end_date`.
pub fn pointer(keys: &[&str]) -> String {
    let mut out = String::new();
    for k in keys {
        out.push('/');
        out.push_str(&k.replace('~', "~0").replace('/', "~1"));
    }
    out
}

fn place(sheet: &str, path: &str) -> Place {
    Place {
        sheet: Some(sheet.to_string()),
        cell: Some(path.to_string()),
        ..Place::default()
    }
}

fn cell(v: Json, sheet: &str, path: &str, findings: &mut Vec<Finding>) -> Value {
    match v {
        Json::Null => Value::Empty,
        Json::Bool(b) => Value::Bool(b),
        Json::Number(n) => number(n),
        Json::String(s) => Value::Text(s),
        // The items of an array are apart already: the validator reads each
        // whole, never splitting one at a comma.
        Json::Array(items) => {
            let mut parts = Vec::new();
            for item in items {
                match item {
                    Json::String(s) => parts.push(Value::Text(s)),
                    Json::Number(n) => parts.push(number(n)),
                    other => findings.push(
                        Finding::new("json-invalid", place(sheet, path))
                            .value(other.to_string())
                            .expected(msg!("json-list")),
                    ),
                }
            }
            Value::List(parts)
        }
        Json::Object(_) => {
            findings.push(
                Finding::new("json-invalid", place(sheet, path)).expected(msg!("json-value")),
            );
            Value::Empty
        }
    }
}

fn number(n: serde_json::Number) -> Value {
    n.as_f64()
        .map(Value::Number)
        .unwrap_or(Value::Text(n.to_string()))
}

fn too_long(sheet: &Sheet, limits: &Limits) -> Option<Finding> {
    for row in &sheet.rows {
        for v in row.iter().flat_map(|v| match v {
            Value::List(items) => items.as_slice(),
            one => std::slice::from_ref(one),
        }) {
            if let Value::Text(s) = v {
                let n = s.chars().count() as u64;
                if n > limits.max_cell_chars {
                    return Some(
                        limits::exceeded("limit-cell-characters", n, limits.max_cell_chars)
                            .place(&sheet.name),
                    );
                }
            }
        }
    }
    None
}
