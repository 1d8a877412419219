//! The published JSON Schema and the validator agree on JSON submissions:
//! a file passes the schema exactly when `cstd validate` finds no error, but
//! for the checks across fields a JSON Schema cannot state.

use chrono::NaiveDate;
use cstd::docs::{BEYOND_JSON_SCHEMA, json_schema};
use cstd::findings::Severity;
use cstd::read::{Limits, read_bytes};
use cstd::schema::Schema;
use cstd::validate::{Context, report};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::repo;

fn ctx() -> Context {
    Context {
        today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
    }
}

struct Checker {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Checker {
    fn new() -> Checker {
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        let doc = json_schema(Schema::current(), ctx().today);
        compiler
            .add_resource("urn:cstd:submission", doc)
            .expect("the JSON Schema is a schema");
        let index = compiler
            .compile("urn:cstd:submission", &mut schemas)
            .expect("the JSON Schema compiles");
        Checker { schemas, index }
    }

    fn schema_accepts(&self, doc: &Value) -> bool {
        self.schemas.validate(doc, self.index).is_ok()
    }
}

/// The validator's errors, but for those a JSON Schema cannot state.
fn validator_errors(doc: &Value) -> Vec<String> {
    let schema = Schema::current();
    let bytes = serde_json::to_vec(doc).unwrap();
    let read = read_bytes(&bytes, Some("json"), &Limits::default(), &|_| true);
    let r = report("generated.json".into(), read, schema, &ctx());
    r.findings
        .iter()
        .filter(|f| f.severity == Severity::Error && !BEYOND_JSON_SCHEMA.contains(&f.code))
        .map(|f| format!("{} at {:?}: {:?}", f.code, f.place.cell, f.value))
        .collect()
}

fn example(name: &str) -> Value {
    let text = std::fs::read_to_string(repo().join("submissions/2026").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn agree(checker: &Checker, doc: &Value) -> Result<(), String> {
    let schema_ok = checker.schema_accepts(doc);
    let errors = validator_errors(doc);
    if schema_ok == errors.is_empty() {
        return Ok(());
    }
    let why = match checker.schemas.validate(doc, checker.index) {
        Err(e) => format!("{e:#}"),
        Ok(()) => "the schema accepts it".into(),
    };
    Err(format!(
        "the JSON Schema {} it, the validator {}:\n{errors:#?}\nschema: {why}\n{}",
        if schema_ok { "accepts" } else { "refuses" },
        if errors.is_empty() {
            "accepts it"
        } else {
            "refuses it"
        },
        serde_json::to_string_pretty(doc).unwrap()
    ))
}

#[test]
fn the_json_examples_pass_the_schema_and_the_validator() {
    let checker = Checker::new();
    for name in ["undp.json", "icann.json"] {
        let doc = example(name);
        assert!(
            checker.schema_accepts(&doc),
            "{name} fails the JSON Schema: {:#}",
            checker.schemas.validate(&doc, checker.index).unwrap_err()
        );
        assert_eq!(validator_errors(&doc), Vec::<String>::new(), "{name}");
    }
}

/// Cases the generator once found: each must keep agreeing.
#[test]
fn cases_found_before_still_agree() {
    let checker = Checker::new();
    let mut doc = example("icann.json");
    // A key the schema does not know, holding what no field may hold.
    doc["organization"]["Organization name"] = json!([null]);
    doc["actions"][0]["notes"] = json!([{"a": 1}]);
    agree(&checker, &doc).unwrap();
    let mut doc = example("undp.json");
    doc["extra"] = json!(["normative "]);
    doc["organization"]["period_start"] = json!([]);
    agree(&checker, &doc).unwrap();
}

/// Values of every kind, well and badly written, for any field.
fn pool() -> Vec<Value> {
    let schema = Schema::current();
    let mut out = vec![
        Value::Null,
        json!(""),
        json!("   "),
        json!(true),
        json!(false),
        json!(0),
        json!(1),
        json!(9),
        json!(17),
        json!(18),
        json!(30),
        json!(30.0),
        json!(30.5),
        json!(-1),
        json!(198),
        json!(2004),
        json!(2026),
        json!(2027),
        json!(1e16),
        json!("2026"),
        json!("30"),
        json!("yes"),
        json!("Oui"),
        json!("YES"),
        json!(" yes"),
        json!("2026-03-01"),
        json!("2026-02-30"),
        json!("2026-3-1"),
        json!("1/3/2026"),
        json!(" 2026-03-01"),
        json!("2026-03-01T00:00:00Z"),
        json!("a@b.org"),
        json!("a@b"),
        json!(" a@b.org"),
        json!("a@@b.org"),
        json!("a@.b.org"),
        json!("a@b.org."),
        json!("a b@c.org"),
        json!("https://x.org"),
        json!("HTTP://x.org/a?b#c"),
        json!("https://x.org/a b"),
        json!("x.org"),
        json!("https://.x.org"),
        json!("https://xorg"),
        json!("ftp://x.org"),
        json!("A short text"),
        json!("x".repeat(21)),
        json!("x".repeat(41)),
        json!("x".repeat(201)),
        json!(" ".repeat(25)),
        json!({}),
        json!({"a": 1}),
        json!([]),
        json!([""]),
        json!(["  "]),
        json!([null]),
        json!([[]]),
        json!([true]),
        json!(["Some partner, with a comma"]),
        json!(["KEN"]),
        json!(["ken"]),
        json!(["Kenya"]),
        json!(["Kenia", "Global"]),
        json!(["Korea"]),
        json!(["Congo"]),
        json!(["Africa"]),
        json!(["Afrique"]),
        json!(["404"]),
        json!([404]),
        json!(["global"]),
        json!(["9"]),
        json!(["09"]),
        json!(["9.c"]),
        json!(["9.C"]),
        json!(["9.0"]),
        json!(["SDG 9"]),
        json!([9, 17]),
        json!([9.5]),
        json!([18]),
        json!(["35"]),
        json!(["35(d)"]),
        json!(["35 (d)"]),
        json!([123]),
        json!(["C1, C7"]),
    ];
    // Each vocabulary's first terms, written well and loosely, alone and in lists.
    for vocab in schema.vocabularies.values() {
        for t in vocab.terms.iter().take(2) {
            let forms = [
                t.code.clone(),
                t.label("en").to_string(),
                t.label("fr").to_string(),
                t.aliases.first().cloned().unwrap_or_default(),
                t.code.to_uppercase(),
                format!("{} ", t.code),
            ];
            for f in forms {
                out.push(json!(f));
                out.push(json!([f]));
            }
        }
        let codes: Vec<&str> = vocab
            .terms
            .iter()
            .take(3)
            .map(|t| t.code.as_str())
            .collect();
        out.push(json!(codes));
        out.push(json!(codes.join("; ")));
    }
    out
}

/// One change to a submission: a value put at a place, or a key removed.
#[derive(Debug, Clone)]
enum Change {
    Set(Vec<String>, Value),
    Remove(Vec<String>),
}

fn places(doc: &Value) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let schema = Schema::current();
    for sheet in &schema.sheets {
        out.push(vec![sheet.id.clone()]);
        match &doc[&sheet.id] {
            Value::Array(records) => {
                for i in 0..records.len() {
                    out.push(vec![sheet.id.clone(), i.to_string()]);
                    for f in &sheet.fields {
                        out.push(vec![sheet.id.clone(), i.to_string(), f.id.to_string()]);
                    }
                }
            }
            _ => {
                for f in &sheet.fields {
                    out.push(vec![sheet.id.clone(), f.id.to_string()]);
                }
            }
        }
    }
    out.push(vec!["extra".into()]);
    out.push(vec!["organization".into(), "Organization name".into()]);
    out
}

fn apply(doc: &mut Value, change: &Change) {
    let (path, value) = match change {
        Change::Set(p, v) => (p, Some(v)),
        Change::Remove(p) => (p, None),
    };
    let (last, parents) = path.split_last().unwrap();
    let mut at = &mut *doc;
    for key in parents {
        at = match at {
            Value::Object(o) => o.entry(key.clone()).or_insert(json!({})),
            Value::Array(a) => match key.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                Some(v) => v,
                None => return,
            },
            _ => return,
        };
    }
    match (at, value) {
        (Value::Object(o), Some(v)) => {
            o.insert(last.clone(), v.clone());
        }
        (Value::Object(o), None) => {
            o.remove(last);
        }
        (Value::Array(a), v) => {
            if let Ok(i) = last.parse::<usize>()
                && i < a.len()
            {
                match v {
                    Some(v) => a[i] = v.clone(),
                    None => {
                        a.remove(i);
                    }
                }
            }
        }
        _ => {}
    }
}

fn changes() -> impl Strategy<Value = (usize, Vec<Change>)> {
    let pool = pool();
    let bases = [example("undp.json"), example("icann.json")];
    let all: Vec<Vec<Vec<String>>> = bases.iter().map(places).collect();
    (0..bases.len()).prop_flat_map(move |b| {
        let change = (
            prop::sample::select(all[b].clone()),
            prop::sample::select(pool.clone()),
            0..8u8,
        )
            .prop_map(|(path, value, k)| {
                if k == 0 {
                    Change::Remove(path)
                } else {
                    Change::Set(path, value)
                }
            });
        (Just(b), prop::collection::vec(change, 1..4))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn the_json_schema_and_the_validator_agree((base, changes) in changes()) {
        thread_local! {
            static CHECKER: Checker = Checker::new();
        }
        let mut doc = [example("undp.json"), example("icann.json")][base].clone();
        for c in &changes {
            apply(&mut doc, c);
        }
        CHECKER.with(|checker| agree(checker, &doc)).map_err(TestCaseError::fail)?;
    }
}
