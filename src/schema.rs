//! The submission schema, loaded from `schema/<version>.toml`.
//!
//! Everything that knows about sheets, fields and codes (validator, template,
//! JSON Schema, documentation, tables) reads it from here.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::text::{compact, label_key, with_compact};

/// The schema file, compiled in so that the binary is self-contained.
const SCHEMA_TOML: &str = include_str!("../schema/2026.1.toml");

static SCHEMA: OnceLock<Schema> = OnceLock::new();

/// Why the schema file named by `CSTD_SCHEMA` cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read the schema file {path} (CSTD_SCHEMA): {source}")]
    Read {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("the schema file {path} (CSTD_SCHEMA) is not valid: {message}")]
    Invalid {
        path: std::path::PathBuf,
        message: String,
    },
}

/// `ReportingYear` as the schema file writes it: `reporting-year`.
fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('-');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Text in each supported language, keyed by language code (`en`, `fr`, `es`).
pub type Labels = BTreeMap<String, String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    pub version: String,
    /// Languages of the template, the help and the findings.
    pub languages: Vec<String>,
    /// Languages in which sheet and column titles are also recognized.
    #[serde(default)]
    pub title_languages: Vec<String>,
    pub sheets: Vec<SheetDef>,
    pub vocabularies: BTreeMap<String, Vocabulary>,
    #[serde(skip)]
    index: Index,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// Labels in the first column, values in the second.
    Form,
    /// A header row, then one row per record.
    Table,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetDef {
    pub id: String,
    /// What the program relies on this sheet for, whatever its id.
    pub role: Option<SheetRole>,
    /// The normalized table its records go to.
    pub table: String,
    pub layout: Layout,
    pub required: bool,
    pub labels: Labels,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub help: Labels,
    #[serde(default)]
    pub rules: Vec<Rule>,
    pub fields: Vec<FieldDef>,
}

/// The sheets the program relies on, named by role in the schema file so
/// that their ids and titles can change without a change to the code.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum SheetRole {
    /// Who reports, for which year (a form; its table is `submissions`).
    Organization,
    /// The actions, one record each.
    Actions,
    /// Participation in coordination mechanisms.
    Coordination,
    /// The narrative answers.
    Narrative,
}

impl SheetRole {
    pub const ALL: [SheetRole; 4] = [
        SheetRole::Organization,
        SheetRole::Actions,
        SheetRole::Coordination,
        SheetRole::Narrative,
    ];
}

/// The fields the program relies on (to attribute a file, to count and
/// describe actions in the report), named by role in the schema file.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    OrganizationName,
    OrganizationAcronym,
    OrganizationType,
    ReportingYear,
    SubmissionLanguage,
    ActionId,
    ActionTitle,
    ActionDescription,
    ActionType,
    Cluster,
    Scope,
    Status,
    Governments,
    Developing,
    ActionLines,
    Sdgs,
    Countries,
    CoordinationPartner,
    Mechanism,
}

impl Role {
    pub const ALL: [Role; 19] = [
        Role::OrganizationName,
        Role::OrganizationAcronym,
        Role::OrganizationType,
        Role::ReportingYear,
        Role::SubmissionLanguage,
        Role::ActionId,
        Role::ActionTitle,
        Role::ActionDescription,
        Role::ActionType,
        Role::Cluster,
        Role::Scope,
        Role::Status,
        Role::Governments,
        Role::Developing,
        Role::ActionLines,
        Role::Sdgs,
        Role::Countries,
        Role::CoordinationPartner,
        Role::Mechanism,
    ];
}

/// A check across the fields of one record.
#[derive(Debug, Deserialize, Clone)]
#[serde(tag = "check", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Rule {
    /// Date `first` is not after date `then` (`date-order`).
    DateOrder { first: String, then: String },
    /// Number `field` is not more than number `limit` (`developing-exceeds-total`).
    NotMoreThan { field: String, limit: String },
    /// Each code of list `field` has the record's `parent` code as its parent
    /// (`issue-outside-cluster`).
    WithinParent { field: String, parent: String },
    /// Date `field` is not in the future when code `when` equals `equals`
    /// (`completed-future-end`).
    NotFutureWhen {
        field: String,
        when: String,
        equals: String,
    },
}

impl Rule {
    pub fn fields(&self) -> [&str; 2] {
        match self {
            Rule::DateOrder { first, then } => [first, then],
            Rule::NotMoreThan { field, limit } => [field, limit],
            Rule::WithinParent { field, parent } => [field, parent],
            Rule::NotFutureWhen { field, when, .. } => [field, when],
        }
    }
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    Text,
    Code,
    List,
    Year,
    Date,
    Integer,
    Email,
    Url,
    Yesno,
    /// Text that must be unique within its sheet.
    Id,
    /// Text that must name an `id` field of another sheet.
    Ref,
}

/// What the items of a list field are, when they are not codes of a vocabulary.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Sdg,
    Tunis,
    Country,
    Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Shared: every record holding a value of this field keys it by this id.
    pub id: std::sync::Arc<str>,
    /// What the program relies on this field for, whatever its id.
    pub role: Option<Role>,
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default)]
    pub required: bool,
    pub vocabulary: Option<String>,
    pub item: Option<ItemKind>,
    pub max_len: Option<usize>,
    pub warn_below: Option<usize>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub warn_above: Option<i64>,
    /// `sheet.field` this reference points to.
    pub references: Option<String>,
    pub labels: Labels,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub help: Labels,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    pub labels: Labels,
    /// The vocabulary whose codes the terms' `parent` names.
    pub parent: Option<String>,
    pub terms: Vec<Term>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Term {
    pub code: String,
    pub parent: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// How running English text names several of the term (`joint events`),
    /// where the label would not read: the report's sentences use it.
    #[serde(default)]
    pub prose: Option<String>,
    /// Labels by language (`en = "..."`).
    #[serde(flatten)]
    pub labels: Labels,
}

impl Term {
    /// Whether `text` is this term's code, one of its labels or accepted
    /// spellings exactly as the schema writes it: what JSON must send.
    pub fn written(&self, text: &str) -> bool {
        self.forms().any(|f| f == text)
    }

    /// Every form [`Term::written`] accepts, each once.
    pub fn written_forms(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for f in self.forms() {
            if !out.contains(&f) {
                out.push(f);
            }
        }
        out
    }

    /// The code, the labels, the accepted spellings, as the schema writes them.
    fn forms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.code.as_str())
            .chain(self.labels.values().map(String::as_str))
            .chain(self.aliases.iter().map(String::as_str))
    }
}

/// How a value matched a vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// The code itself, or a label in a supported language.
    Exact,
    /// An accepted spelling: an alias, or the code or label written loosely.
    Spelling,
}

#[derive(Debug, Default)]
struct Index {
    /// vocabulary -> its terms and keys: one hash probe per coded value finds
    /// everything a lookup needs.
    vocabularies: HashMap<String, VocabularyIndex>,
    /// sheet index -> compact label -> field index
    fields: Vec<HashMap<String, usize>>,
    /// compact sheet name -> sheet index
    sheets: HashMap<String, usize>,
}

#[derive(Debug, Default)]
struct VocabularyIndex {
    /// The vocabulary's terms, in order (a copy, so that a lookup needs no
    /// second map).
    terms: Vec<Term>,
    /// Code or label exactly as written -> term index; most cells hold one of
    /// these, found without building a compact key.
    exact: HashMap<String, usize>,
    /// Compact key -> term index.
    loose: HashMap<String, usize>,
}

impl Schema {
    /// The schema in use: the one compiled into this binary, unless
    /// [`Schema::use_from_env`] put another in its place first.
    pub fn current() -> &'static Schema {
        SCHEMA.get_or_init(|| {
            // The file ships inside the binary and a test parses it, so failure here
            // is a build defect, not bad input.
            Schema::parse(SCHEMA_TOML).expect("the bundled schema file is valid")
        })
    }

    /// Uses the schema file named by `CSTD_SCHEMA`, when set, for the rest of
    /// the process: a secretariat adds or renames a field in its own copy of
    /// the schema file, with no change to the program.
    pub fn use_from_env() -> Result<(), LoadError> {
        let Some(path) = std::env::var_os("CSTD_SCHEMA").filter(|p| !p.is_empty()) else {
            return Ok(());
        };
        let path = std::path::PathBuf::from(path);
        let text = std::fs::read_to_string(&path).map_err(|source| LoadError::Read {
            path: path.clone(),
            source,
        })?;
        let schema = Schema::parse(&text).map_err(|message| LoadError::Invalid {
            path: path.clone(),
            message,
        })?;
        // Set once, before anything reads the schema; a second call keeps the first.
        let _ = SCHEMA.set(schema);
        Ok(())
    }

    pub fn parse(text: &str) -> Result<Schema, String> {
        let mut schema: Schema = toml::from_str(text).map_err(|e| e.to_string())?;
        schema.check()?;
        schema.index = schema.build_index()?;
        Ok(schema)
    }

    fn check(&self) -> Result<(), String> {
        // Each role once: the code finds its sheet or field by it.
        for role in SheetRole::ALL {
            let n = self.sheets.iter().filter(|s| s.role == Some(role)).count();
            if n != 1 {
                return Err(format!(
                    "{n} sheets have the role {}; one must",
                    kebab(&format!("{role:?}"))
                ));
            }
        }
        for role in Role::ALL {
            let n = self
                .sheets
                .iter()
                .flat_map(|s| &s.fields)
                .filter(|f| f.role == Some(role))
                .count();
            if n != 1 {
                return Err(format!(
                    "{n} fields have the role {}; one must",
                    kebab(&format!("{role:?}"))
                ));
            }
        }
        // The store keys its view of who reported on this table.
        if self.sheet_of(SheetRole::Organization).table != "submissions" {
            return Err("the organization sheet's table must be \"submissions\"".into());
        }
        for sheet in &self.sheets {
            for lang in self.languages.iter().chain(&self.title_languages) {
                if !sheet.labels.contains_key(lang) {
                    return Err(format!("{}: no label in {lang}", sheet.id));
                }
            }
            for rule in &sheet.rules {
                for f in rule.fields() {
                    if !sheet.fields.iter().any(|x| &*x.id == f) {
                        return Err(format!(
                            "{}: rule {rule:?} names unknown field {f}",
                            sheet.id
                        ));
                    }
                }
            }
            for field in &sheet.fields {
                let place = format!("{}.{}", sheet.id, field.id);
                if let Some(v) = &field.vocabulary
                    && !self.vocabularies.contains_key(v)
                {
                    return Err(format!("{place}: unknown vocabulary {v}"));
                }
                match field.kind {
                    FieldType::Code if field.vocabulary.is_none() => {
                        return Err(format!("{place}: a code field needs a vocabulary"));
                    }
                    FieldType::List if field.vocabulary.is_none() && field.item.is_none() => {
                        return Err(format!(
                            "{place}: a list field needs a vocabulary or an item kind"
                        ));
                    }
                    FieldType::Ref => {
                        let target = field.references.as_deref().unwrap_or("");
                        let ok = target.split_once('.').is_some_and(|(s, f)| {
                            self.sheet(s).is_some_and(|s| {
                                s.fields
                                    .iter()
                                    .any(|x| &*x.id == f && x.kind == FieldType::Id)
                            })
                        });
                        if !ok {
                            return Err(format!(
                                "{place}: references must name an id field, not {target:?}"
                            ));
                        }
                    }
                    _ => {}
                }
                for lang in self.languages.iter().chain(&self.title_languages) {
                    if !field.labels.contains_key(lang) {
                        return Err(format!("{place}: no label in {lang}"));
                    }
                }
            }
        }
        for (name, vocab) in &self.vocabularies {
            for term in &vocab.terms {
                for lang in &self.languages {
                    if !term.labels.contains_key(lang) {
                        return Err(format!(
                            "vocabulary {name}, {}: no label in {lang}",
                            term.code
                        ));
                    }
                }
                if let (Some(parent_vocab), Some(parent)) = (&vocab.parent, &term.parent) {
                    let known = self
                        .vocabularies
                        .get(parent_vocab)
                        .is_some_and(|p| p.terms.iter().any(|t| &t.code == parent));
                    if !known {
                        return Err(format!(
                            "vocabulary {name}, {}: unknown parent {parent}",
                            term.code
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn build_index(&self) -> Result<Index, String> {
        let mut index = Index::default();
        for (name, vocab) in &self.vocabularies {
            let vi = index.vocabularies.entry(name.clone()).or_default();
            vi.terms = vocab.terms.clone();
            let exact = &mut vi.exact;
            for (i, term) in vocab.terms.iter().enumerate() {
                for key in std::iter::once(&term.code).chain(term.labels.values()) {
                    exact.entry(key.clone()).or_insert(i);
                }
            }
            let loose = &mut vi.loose;
            for (i, term) in vocab.terms.iter().enumerate() {
                let loose_keys = std::iter::once(&term.code)
                    .chain(term.labels.values())
                    .chain(&term.aliases);
                for key in loose_keys {
                    let key = compact(key);
                    match loose.get(&key) {
                        Some(&j) if j != i => {
                            return Err(format!("vocabulary {name}: {key:?} names two terms"));
                        }
                        _ => {
                            loose.insert(key, i);
                        }
                    }
                }
            }
        }
        for (si, sheet) in self.sheets.iter().enumerate() {
            let names = std::iter::once(&sheet.id)
                .chain(sheet.labels.values())
                .chain(&sheet.aliases);
            for name in names {
                index.sheets.insert(label_key(name), si);
            }
            let mut fields = HashMap::default();
            // Labels first, then aliases, so that a label always wins over another
            // field's alias ("Type" is an alias of two fields of two sheets).
            for (fi, field) in sheet.fields.iter().enumerate() {
                for name in
                    std::iter::once(&*field.id).chain(field.labels.values().map(String::as_str))
                {
                    fields.insert(label_key(name), fi);
                }
            }
            for (fi, field) in sheet.fields.iter().enumerate() {
                for name in &field.aliases {
                    fields.entry(label_key(name)).or_insert(fi);
                }
            }
            index.fields.push(fields);
        }
        Ok(index)
    }

    pub fn sheet(&self, id: &str) -> Option<&SheetDef> {
        self.sheets.iter().find(|s| s.id == id)
    }

    /// The sheet with a role; every schema has one (checked on loading).
    pub fn sheet_of(&self, role: SheetRole) -> &SheetDef {
        self.sheets
            .iter()
            .find(|s| s.role == Some(role))
            .expect("a loaded schema has a sheet for each role")
    }

    /// The field with a role; every schema has one (checked on loading).
    pub fn field_of(&self, role: Role) -> &FieldDef {
        self.sheets
            .iter()
            .flat_map(|s| &s.fields)
            .find(|f| f.role == Some(role))
            .expect("a loaded schema has a field for each role")
    }

    /// The id of the field with a role: the key of its values and the name
    /// of its column (or, for a list, of its table).
    pub fn id_of(&self, role: Role) -> &str {
        &self.field_of(role).id
    }

    /// The schema sheet a workbook sheet name stands for, in any supported language.
    pub fn sheet_for_name(&self, name: &str) -> Option<usize> {
        self.index.sheets.get(&label_key(name)).copied()
    }

    /// The field of `sheet` a column title or row label stands for.
    pub fn field_for_label(&self, sheet: usize, label: &str) -> Option<usize> {
        let fields = self.index.fields.get(sheet)?;
        // Called for every cell of a sheet's top rows: no key allocated.
        crate::text::with_compact(crate::text::strip_hint(label), |k| fields.get(k).copied())
    }

    pub fn vocabulary(&self, name: &str) -> Option<&Vocabulary> {
        self.vocabularies.get(name)
    }

    /// Finds the term a value names: by code or label (any language), then by an
    /// accepted spelling.
    pub fn lookup(&self, vocabulary: &str, value: &str) -> Option<(&Term, Match)> {
        let vi = self.index.vocabularies.get(vocabulary)?;
        let trimmed = crate::text::trim(value);
        if let Some(&i) = vi.exact.get(trimmed) {
            return Some((&vi.terms[i], Match::Exact));
        }
        let term = &vi.terms[with_compact(trimmed, |k| vi.loose.get(k).copied())?];
        // One hash probe finds the term; whether it was named exactly (code or a
        // label, ignoring case) is then a few comparisons.
        let same = |k: &String| {
            k.eq_ignore_ascii_case(trimmed)
                || (!k.is_ascii()
                    && k.chars()
                        .flat_map(char::to_lowercase)
                        .eq(trimmed.chars().flat_map(char::to_lowercase)))
        };
        let exact = same(&term.code) || term.labels.values().any(same);
        Some((term, if exact { Match::Exact } else { Match::Spelling }))
    }

    /// A sheet's or field's labels in the order of the schema's languages
    /// (English first), then any other, each once.
    pub fn labels_in_order<'a>(&self, labels: &'a Labels) -> Vec<&'a str> {
        let ordered = self
            .languages
            .iter()
            .chain(&self.title_languages)
            .filter_map(|l| labels.get(l));
        let mut names: Vec<&str> = Vec::new();
        for n in ordered.chain(labels.values()) {
            if !names.contains(&n.as_str()) {
                names.push(n);
            }
        }
        names
    }

    /// The closest codes to a value that matched nothing, best first.
    pub fn suggest(&self, vocabulary: &str, value: &str) -> Vec<String> {
        let Some(vi) = self.index.vocabularies.get(vocabulary) else {
            return Vec::new();
        };
        crate::text::closest(
            &compact(value),
            vi.loose
                .iter()
                .map(|(k, &i)| (k.as_str(), vi.terms[i].code.as_str())),
            3,
        )
    }
}

impl SheetDef {
    pub fn label(&self, lang: &str) -> &str {
        label_in(&self.labels, lang)
    }

    pub fn field(&self, id: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| &*f.id == id)
    }
}

impl FieldDef {
    pub fn label(&self, lang: &str) -> &str {
        label_in(&self.labels, lang)
    }
}

impl Term {
    pub fn label(&self, lang: &str) -> &str {
        label_in(&self.labels, lang)
    }
}

/// The text in `lang`, else in English, else any.
pub fn label_in<'a>(labels: &'a Labels, lang: &str) -> &'a str {
    labels
        .get(lang)
        .or_else(|| labels.get("en"))
        .or_else(|| labels.values().next())
        .map(String::as_str)
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_schema_loads() {
        let s = Schema::current();
        assert_eq!(s.version, "2026.1");
        assert!(s.sheet("actions").is_some());
    }

    #[test]
    fn codes_match_by_label_and_spelling() {
        let s = Schema::current();
        assert_eq!(
            s.lookup("action-line", "C7.e-health")
                .map(|(t, m)| (t.code.as_str(), m)),
            Some(("C7.e-health", Match::Exact))
        );
        assert_eq!(
            s.lookup("action-line", "C7 e-health")
                .map(|(t, _)| t.code.as_str()),
            Some("C7.e-health")
        );
        assert_eq!(
            s.lookup("action-line", "E-Health")
                .map(|(t, _)| t.code.as_str()),
            Some("C7.e-health")
        );
        assert_eq!(
            s.lookup("status", "Achevée")
                .map(|(t, m)| (t.code.as_str(), m)),
            Some(("completed", Match::Exact))
        );
        assert_eq!(
            s.lookup("status", "achevee")
                .map(|(t, m)| (t.code.as_str(), m)),
            Some(("completed", Match::Spelling))
        );
        assert!(s.lookup("status", "finito").is_none());
        assert_eq!(
            s.suggest("action-line", "C7.e-helth")
                .first()
                .map(String::as_str),
            Some("C7.e-health")
        );
    }

    #[test]
    fn sheets_and_fields_match_in_any_language() {
        let s = Schema::current();
        let actions = s.sheet_for_name("  ACCIONES ").unwrap();
        assert_eq!(s.sheets[actions].id, "actions");
        let f = s
            .field_for_label(actions, "Líneas de acción de la CMSI *")
            .unwrap();
        assert_eq!(&*s.sheets[actions].fields[f].id, "action_lines");
    }
}
