//! Documentation derived from the schema and the findings catalogue: a
//! Markdown page for people and a JSON Schema for machine submissions.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use crate::findings::catalogue;
use crate::reference::Reference;
use crate::schema::{FieldDef, FieldType, ItemKind, Layout, Schema, label_in};

pub fn markdown(schema: &Schema) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Submission schema {}\n", schema.version);
    let _ = writeln!(
        out,
        "One submission is one organization's report for one reporting year. Sheets and columns are found by any of the labels below (case, accents and a trailing `*` ignored), in any order. List cells take items separated by `;` or new lines; a comma separates items only where every part is an item on its own, so that names such as \"Korea, Republic of\" are read whole. A JSON submission (`cstd schema --format json-schema`) writes lists as arrays and values exactly as its JSON Schema lists them.\n"
    );
    for sheet in &schema.sheets {
        let layout = match sheet.layout {
            Layout::Form => "form: labels in the first column, values in the second",
            Layout::Table => "table: a header row, then one row per record",
        };
        let req = if sheet.required {
            "required"
        } else {
            "optional"
        };
        let _ = writeln!(out, "## {} (`{}`)\n", sheet.label("en"), sheet.id);
        let _ = writeln!(
            out,
            "{} Sheet {req}; {layout}. Also named: {}.\n",
            label_in(&sheet.help, "en"),
            other_names(schema, &sheet.labels, &sheet.aliases)
        );
        // Titles read in languages the template is not written in get a
        // column of their own, when there are such languages.
        let also = !schema.title_languages.is_empty();
        let _ = write!(out, "| field | label ({}) |", schema.languages.join(" / "));
        if also {
            let _ = write!(out, " also read ({}) |", schema.title_languages.join(" / "));
        }
        let _ = writeln!(
            out,
            " type | required | rules |\n|---|---|{}---|---|---|",
            if also { "---|" } else { "" }
        );
        for f in &sheet.fields {
            let in_langs = |langs: &[String]| -> String {
                let labels: Vec<&str> = langs.iter().map(|l| f.label(l)).collect();
                labels.join(" / ")
            };
            let _ = write!(out, "| `{}` | {} |", f.id, in_langs(&schema.languages));
            if also {
                let _ = write!(out, " {} |", in_langs(&schema.title_languages));
            }
            let _ = writeln!(
                out,
                " {} | {} | {} |",
                type_name(f),
                if f.required { "yes" } else { "no" },
                rules(f)
            );
        }
        if !sheet.rules.is_empty() {
            let _ = writeln!(out, "\nChecks across fields:\n");
            for rule in &sheet.rules {
                let _ = writeln!(out, "- {}", rule_text(rule));
            }
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "## Vocabularies\n");
    for (name, vocab) in &schema.vocabularies {
        let _ = writeln!(out, "### {} (`{name}`)\n", label_in(&vocab.labels, "en"));
        let _ = writeln!(
            out,
            "| code | {} | also accepted |\n|---|{}---|",
            schema.languages.join(" | "),
            "---|".repeat(schema.languages.len())
        );
        for t in &vocab.terms {
            let labels: Vec<&str> = schema.languages.iter().map(|l| t.label(l)).collect();
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                t.code,
                labels.join(" | "),
                t.aliases.join(", ")
            );
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "## Findings\n\nEvery finding has a stable code. `cstd explain CODE` prints one.\n"
    );
    let _ = writeln!(
        out,
        "| code | severity | meaning | what to do |\n|---|---|---|---|"
    );
    for k in catalogue() {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            k.code,
            k.severity,
            k.title("en"),
            k.help("en")
        );
    }
    out
}

/// Every name of a sheet: its labels in the schema's order of languages, then
/// its other accepted names, each once.
fn other_names(schema: &Schema, labels: &crate::schema::Labels, aliases: &[String]) -> String {
    let mut names = schema.labels_in_order(labels);
    for a in aliases {
        if !names.contains(&a.as_str()) {
            names.push(a);
        }
    }
    names.join(", ")
}

fn type_name(f: &FieldDef) -> String {
    match f.kind {
        FieldType::Text => "text".into(),
        FieldType::Id => "text, unique in the sheet".into(),
        FieldType::Ref => format!("reference to `{}`", f.references.as_deref().unwrap_or("")),
        FieldType::Code => format!("code (`{}`)", f.vocabulary.as_deref().unwrap_or("")),
        FieldType::List => match (&f.vocabulary, f.item) {
            (Some(v), _) => format!("list of codes (`{v}`)"),
            (None, Some(ItemKind::Sdg)) => "list of SDGs (9, SDG 9, 9.c)".into(),
            (None, Some(ItemKind::Tunis)) => "list of Tunis Agenda paragraphs (35, 35(d))".into(),
            (None, Some(ItemKind::Country)) => {
                "list of countries and regions (ISO alpha-3, M49, names, Global)".into()
            }
            _ => "list of text".into(),
        },
        FieldType::Year => "year".into(),
        FieldType::Date => "date".into(),
        FieldType::Integer => "whole number".into(),
        FieldType::Email => "e-mail address".into(),
        FieldType::Url => "http(s) address".into(),
        FieldType::Yesno => "yes/no".into(),
    }
}

fn rules(f: &FieldDef) -> String {
    let mut r = Vec::new();
    if let Some(m) = f.max_len {
        r.push(format!("at most {m} characters"));
    }
    if let Some(m) = f.warn_below {
        r.push(format!("warning under {m} characters"));
    }
    match (f.min, f.max) {
        (Some(a), Some(b)) => r.push(format!("{a} to {b}")),
        (Some(a), None) if f.kind == FieldType::Year => r.push(format!("{a} to the current year")),
        (Some(a), None) => r.push(format!("at least {a}")),
        _ => {}
    }
    if let Some(w) = f.warn_above {
        r.push(format!("warning above {w}"));
    }
    r.join("; ")
}

fn rule_text(rule: &crate::schema::Rule) -> String {
    use crate::schema::Rule;
    match rule {
        Rule::DateOrder { first, then } => {
            format!("`{then}` is not before `{first}` (`date-order`)")
        }
        Rule::NotMoreThan { field, limit } => {
            format!("`{field}` is not more than `{limit}` (`developing-exceeds-total`)")
        }
        Rule::WithinParent { field, parent } => format!(
            "each code of `{field}` belongs to the row's `{parent}` (`issue-outside-cluster`, a warning)"
        ),
        Rule::NotFutureWhen {
            field,
            when,
            equals,
        } => {
            format!(
                "`{field}` is not in the future when `{when}` is `{equals}` (`completed-future-end`, a warning)"
            )
        }
    }
}

/// White space as Rust's `char::is_whitespace` and `str::trim` see it, as a
/// regular-expression class: the validator and the JSON Schema then agree
/// on what is blank.
const SPACE: &str = r"\t\n\x0B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// The checks across fields or records that a JSON Schema cannot state:
/// `cstd validate` makes them, and the agreement test leaves them aside.
pub const BEYOND_JSON_SCHEMA: &[&str] = &[
    "date-order",
    "developing-exceeds-total",
    "id-duplicate",
    "reference-missing",
    "limit-exceeded",
];

/// A JSON Schema (draft 2020-12) for submissions sent as JSON. It accepts
/// what `cstd validate` accepts without an error, but for the checks listed
/// in [`BEYOND_JSON_SCHEMA`]: JSON is written by programs, so values are
/// written exactly as listed here (codes, labels and accepted spellings,
/// ISO dates, numbers as numbers), and an optional field may be absent,
/// null or an empty string.
pub fn json_schema(schema: &Schema, today: chrono::NaiveDate) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for sheet in &schema.sheets {
        let mut props = Map::new();
        let mut req = Vec::new();
        for f in &sheet.fields {
            props.insert(f.id.to_string(), field_schema(schema, f, today));
            if f.required {
                req.push(Value::String(f.id.to_string()));
            }
        }
        let object = json!({
            "type": "object",
            "title": sheet.label("en"),
            "description": label_in(&sheet.help, "en"),
            "properties": props,
            "required": req,
        });
        let value = match sheet.layout {
            Layout::Form => object,
            Layout::Table => {
                json!({ "type": "array", "title": sheet.label("en"), "items": object, "minItems": if sheet.required { 1 } else { 0 } })
            }
        };
        properties.insert(sheet.id.clone(), value);
        if sheet.required {
            required.push(Value::String(sheet.id.clone()));
        }
    }
    properties.insert(
        "schema".into(),
        json!({ "description": format!("The schema version the file follows, {}; informative.", schema.version) }),
    );
    let areas: Vec<&str> = Reference::current().written_forms().collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("CSTD enhanced cooperation submission, schema {}", schema.version),
        "description": format!(
            "Values are written exactly as listed: codes, labels or accepted spellings; dates as YYYY-MM-DD; numbers without quotes; lists as arrays. An optional field may be left out, null or an empty string. `cstd validate` also checks what a JSON Schema cannot: {}.",
            BEYOND_JSON_SCHEMA.join(", ")
        ),
        "type": "object",
        "properties": properties,
        "required": required,
        "$defs": {
            "area": {
                "description": "A country or area (ISO 3166 alpha-3, M49 code, or its name in a UN language), an M49 region, or Global.",
                "type": "string",
                "enum": areas,
            }
        }
    })
}

/// A term's code, labels and accepted spellings, as JSON must write them.
fn written(schema: &Schema, vocabulary: &str) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for t in schema
        .vocabulary(vocabulary)
        .map(|v| v.terms.as_slice())
        .unwrap_or_default()
    {
        for form in t.written_forms() {
            let form = Value::String(form.to_string());
            if !out.contains(&form) {
                out.push(form);
            }
        }
    }
    out
}

fn field_schema(schema: &Schema, f: &FieldDef, today: chrono::NaiveDate) -> Value {
    let filled = format!("[^{SPACE}]");
    let strings = |v: &str| json!({ "type": "string", "enum": written(schema, v) });
    // Whole numbers as the validator reads them: below 10^15.
    const WHOLE: i64 = 999_999_999_999_999;
    let mut s = match f.kind {
        FieldType::Text | FieldType::Id | FieldType::Ref => {
            let mut text = json!({ "type": "string" });
            if f.required {
                text["pattern"] = json!(filled);
            }
            if let Some(m) = f.max_len {
                text["maxLength"] = json!(m);
            }
            json!({ "anyOf": [text, { "type": "number" }] })
        }
        FieldType::Code => strings(f.vocabulary.as_deref().unwrap_or("")),
        FieldType::Yesno => json!({ "anyOf": [{ "type": "boolean" }, strings("yesno")] }),
        FieldType::List => {
            let item = match (&f.vocabulary, f.item) {
                (Some(v), _) => strings(v),
                (None, Some(ItemKind::Sdg)) => json!({ "anyOf": [
                    { "type": "integer", "minimum": 1, "maximum": 17 },
                    { "type": "string", "pattern": r"^(?:[1-9]|1[0-7])(?:\.(?:[1-9]|[0-9]{2}|[a-z]))?$" },
                ] }),
                (None, Some(ItemKind::Tunis)) => json!({ "anyOf": [
                    { "type": "integer", "minimum": 1, "maximum": 122 },
                    { "type": "string", "pattern": r"^(?:[1-9]|[1-9][0-9]|1[01][0-9]|12[0-2])(?:\([a-z]\))?$" },
                ] }),
                (None, Some(ItemKind::Country)) => json!({ "$ref": "#/$defs/area" }),
                _ => json!({ "type": "string", "pattern": filled }),
            };
            json!({ "type": "array", "items": item, "minItems": if f.required { 1 } else { 0 } })
        }
        FieldType::Year => json!({
            "type": "integer",
            "minimum": f.min.unwrap_or(2005),
            "maximum": crate::validate::cells::year_of(today),
        }),
        FieldType::Date => json!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        }),
        FieldType::Integer => json!({
            "type": "integer",
            "minimum": f.min.unwrap_or(-WHOLE),
            "maximum": f.max.unwrap_or(WHOLE),
        }),
        FieldType::Email => {
            let c = format!("@{SPACE},;<>");
            json!({
                "type": "string",
                "pattern": format!("^[^{c}]+@[^{c}.][^{c}]*\\.[^{c}]*[^{c}.]$"),
            })
        }
        FieldType::Url => {
            let c = format!("/?#{SPACE}");
            json!({
                "type": "string",
                "pattern": format!("^[hH][tT][tT][pP][sS]?://[^{c}.][^{c}]*\\.[^{c}]*(?:[/?#][^{SPACE}]*)?$"),
            })
        }
    };
    if !f.required {
        s = json!({ "anyOf": [s, { "type": "null" }, { "type": "string", "pattern": format!("^[{SPACE}]*$") }] });
    }
    s["title"] = json!(f.label("en"));
    s["description"] = json!(label_in(&f.help, "en"));
    s
}
