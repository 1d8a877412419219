//! Documentation derived from the schema and the findings catalogue: a
//! Markdown page for people and a JSON Schema for machine submissions.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use crate::findings::catalogue;
use crate::schema::{FieldDef, FieldType, ItemKind, Layout, Schema, label_in};

pub fn markdown(schema: &Schema) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Submission schema {}\n", schema.version);
    let _ = writeln!(
        out,
        "One submission is one organization's report for one reporting year. Sheets and columns are found by any of the labels below (case, accents and a trailing `*` ignored), in any order. List cells take items separated by `;`, `,` or new lines.\n"
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
        let _ = writeln!(
            out,
            "| field | label ({}) | also read ({}) | type | required | rules |\n|---|---|---|---|---|---|",
            schema.languages.join(" / "),
            schema.title_languages.join(" / ")
        );
        for f in &sheet.fields {
            let in_langs = |langs: &[String]| -> String {
                let labels: Vec<&str> = langs.iter().map(|l| f.label(l)).collect();
                labels.join(" / ")
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} |",
                f.id,
                in_langs(&schema.languages),
                in_langs(&schema.title_languages),
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
            "| code | en | fr | es | also accepted |\n|---|---|---|---|---|"
        );
        for t in &vocab.terms {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                t.code,
                t.label("en"),
                t.label("fr"),
                t.label("es"),
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

/// A JSON Schema (draft 2020-12) for submissions sent as JSON.
pub fn json_schema(schema: &Schema) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for sheet in &schema.sheets {
        let mut props = Map::new();
        let mut req = Vec::new();
        for f in &sheet.fields {
            props.insert(f.id.to_string(), field_schema(schema, f));
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
    properties.insert("schema".into(), json!({ "const": schema.version }));
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("CSTD enhanced cooperation submission, schema {}", schema.version),
        "type": "object",
        "properties": properties,
        "required": required,
    })
}

fn field_schema(schema: &Schema, f: &FieldDef) -> Value {
    let codes = |v: &str| -> Vec<Value> {
        schema
            .vocabulary(v)
            .map(|v| {
                v.terms
                    .iter()
                    .map(|t| Value::String(t.code.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut s = match f.kind {
        FieldType::Text | FieldType::Id | FieldType::Ref => {
            let mut o = json!({ "type": "string" });
            if let Some(m) = f.max_len {
                o["maxLength"] = json!(m);
            }
            o
        }
        FieldType::Code => {
            json!({ "type": "string", "enum": codes(f.vocabulary.as_deref().unwrap_or("")) })
        }
        FieldType::List => match &f.vocabulary {
            Some(v) => json!({ "type": "array", "items": { "type": "string", "enum": codes(v) } }),
            None if f.item == Some(ItemKind::Sdg) => {
                json!({ "type": "array", "items": { "type": ["string", "integer"] } })
            }
            None => json!({ "type": "array", "items": { "type": "string" } }),
        },
        FieldType::Year => json!({ "type": "integer", "minimum": f.min.unwrap_or(2005) }),
        FieldType::Date => json!({ "type": "string", "format": "date" }),
        FieldType::Integer => {
            let mut o = json!({ "type": "integer" });
            if let Some(m) = f.min {
                o["minimum"] = json!(m);
            }
            if let Some(m) = f.max {
                o["maximum"] = json!(m);
            }
            o
        }
        FieldType::Email => json!({ "type": "string", "format": "email" }),
        FieldType::Url => json!({ "type": "string", "format": "uri", "pattern": "^https?://" }),
        FieldType::Yesno => json!({ "type": "boolean" }),
    };
    s["title"] = json!(f.label("en"));
    s["description"] = json!(label_in(&f.help, "en"));
    s
}
