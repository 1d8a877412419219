//! The consolidated report: figures from the store ([`data`]), prose and
//! structure from a template a report author edits (`report-templates/`), laid
//! out on PDF pages ([`layout`]), with the data annex beside it.
//!
//! The template is Markdown with minijinja expressions: `#`, `##`, `###`
//! headings, paragraphs separated by blank lines (numbered in the body), a
//! paragraph wholly in `**bold**` for conclusions, and markers for what the
//! layout places: `<<masthead>>`, `<<summary>>` … `<</summary>>`, `<<toc>>`,
//! `<<pagebreak>>`, and `{{ table("by_cluster", "Title") }}` or
//! `{{ chart(...) }}` for the named data blocks. Front matter between `+++`
//! lines (TOML) holds the session details.

pub mod data;
pub mod layout;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use minijinja::{Environment, UndefinedBehavior, Value};
use serde::Deserialize;

use crate::store::Generation;
use crate::tables::Table;
use data::ReportData;
use layout::{Block, ChartSpec, DocInfo, Masthead, TableSpec};

/// Session details, from the template's front matter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Front {
    organ: String,
    symbol: String,
    /// The date as printed (`1 March 2027`).
    date: String,
    /// The same date, ISO (`2027-03-01`): the PDF's dates.
    date_iso: chrono::NaiveDate,
    original: String,
    body: String,
    session: String,
    agenda: String,
    title: String,
    from: String,
    author: String,
}

/// What a report build wrote, and what the author should know.
pub struct Built {
    pub pdf: PathBuf,
    pub annex: Vec<PathBuf>,
    pub pages: usize,
    pub warnings: Vec<String>,
}

/// The built-in template: the report's structure and prose.
pub const DEFAULT_TEMPLATE: &str = include_str!("../../report-templates/default/report.md");
/// The built-in fonts (Noto Serif, OFL).
const REGULAR: &[u8] = include_bytes!("../../report-templates/default/fonts/NotoSerif-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../report-templates/default/fonts/NotoSerif-Bold.ttf");

/// Builds the report of `year` from the store's generation, with the template
/// in `template_dir` (the built-in one when None), into `out_dir/<year>/`.
pub fn build(
    generation: &Generation,
    year: i64,
    template_dir: Option<&Path>,
    out_dir: &Path,
) -> anyhow::Result<Built> {
    let data = data::compute(generation, year)?;
    if data.contributed == 0 {
        bail!(
            "no submission is accepted for {year}: ingest the year's files first (`cstd ingest`), and see `cstd status --year {year}`"
        );
    }
    let (template_path, source) = match template_dir {
        Some(dir) => {
            let path = dir.join("report.md");
            let source = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read the template {}", path.display()))?;
            (path, source)
        }
        None => (
            PathBuf::from("(built-in template)"),
            DEFAULT_TEMPLATE.to_string(),
        ),
    };
    let text = render_template(&template_path, &source, &data)?;
    let (front, body) = split_front(&text).with_context(|| {
        format!(
            "{}: the front matter between +++ lines is missing",
            template_path.display()
        )
    })?;
    let front: Front = toml::from_str(front)
        .map_err(|e| anyhow::anyhow!("{}: front matter: {e}", template_path.display()))?;
    let blocks = parse_blocks(body, &front, &data)
        .with_context(|| format!("in {}", template_path.display()))?;

    let fonts = template_dir.map(|d| d.join("fonts"));
    let font = |name: &str, builtin: &'static [u8]| -> anyhow::Result<Vec<u8>> {
        match fonts.as_ref().map(|f| f.join(name)).filter(|p| p.is_file()) {
            Some(p) => {
                std::fs::read(&p).with_context(|| format!("cannot read the font {}", p.display()))
            }
            None => Ok(builtin.to_vec()),
        }
    };
    let regular = font("NotoSerif-Regular.ttf", REGULAR)?;
    let bold = font("NotoSerif-Bold.ttf", BOLD)?;
    let info = DocInfo {
        title: front.title.clone(),
        author: front.author.clone(),
        subject: format!("{} {}", front.body, front.session),
        symbol: front.symbol.clone(),
        date: front.date_iso,
    };
    let fallback = match fonts.as_ref().filter(|f| f.is_dir()) {
        Some(f) => fallback_fonts(f)?,
        None => Vec::new(),
    };
    let out = layout::render_with_fallback(&blocks, &info, &regular, &bold, &fallback)
        .map_err(anyhow::Error::msg)?;
    let year_dir = out_dir.join(year.to_string());
    let pdf = year_dir.join("report.pdf");
    crate::durable::write(&pdf, &out.pdf)?;

    let tables: Vec<Table> = data.tables.values().cloned().collect();
    let mut annex = crate::export::write(
        &tables,
        crate::export::Format::Csv,
        &year_dir.join("annex"),
        year,
    )?;
    let xlsx = year_dir.join("report-data.xlsx");
    crate::durable::write(&xlsx, &crate::export::xlsx_bytes(&tables)?)?;
    annex.push(xlsx);

    let mut warnings: Vec<String> = out
        .missing
        .iter()
        .map(|m| {
            format!(
                "no glyph for {:?} (U+{:04X}) in {}, in \"{}\": add a font that has it to the fonts folder of a template (`cstd report --template DIR`)",
                m.c,
                m.c as u32,
                m.font,
                m.context,
            )
        })
        .collect();
    // printpdf neither shapes nor reorders right-to-left scripts.
    if let Some(c) = body.chars().find(|c| ('\u{0590}'..='\u{08FF}').contains(c)) {
        let at: String = body
            .lines()
            .find(|l| l.contains(c))
            .unwrap_or("")
            .chars()
            .take(60)
            .collect();
        warnings.push(format!(
            "Arabic or Hebrew text (\"{}\") is laid out without shaping: its letters appear isolated and left to right",
            at.trim()
        ));
    }
    Ok(Built {
        pdf,
        annex,
        pages: out.pages,
        warnings,
    })
}

/// The fonts placed beside Noto Serif in the template's fonts folder (a Noto
/// Sans CJK for Chinese, say): the fallback for characters Noto Serif lacks,
/// tried in name order.
fn fallback_fonts(dir: &Path) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let font = matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("ttf" | "otf" | "ttc")
            );
            font && !name.starts_with("NotoSerif-")
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p)
                .with_context(|| format!("cannot read the font {}", p.display()))?;
            Ok((
                p.file_stem()
                    .map(|s| s.to_string_lossy().to_string())
                    .unwrap_or_default(),
                bytes,
            ))
        })
        .collect()
}

fn render_template(path: &Path, source: &str, data: &ReportData) -> anyhow::Result<String> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.add_function("table", |name: String, title: Option<String>| {
        format!("\n<<table {name}|{}>>\n", title.unwrap_or_default())
    });
    env.add_function("chart", |name: String, title: Option<String>| {
        format!("\n<<chart {name}|{}>>\n", title.unwrap_or_default())
    });
    env.add_filter("words", |n: i64| words(n));
    env.add_filter("Words", |n: i64| {
        let w = words(n);
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    });
    env.add_filter("and_list", |items: Vec<String>| and_list(&items));
    env.add_filter(
        "plural",
        |n: i64, one: String, many: String| if n == 1 { one } else { many },
    );
    let name = path.display().to_string();
    env.render_named_str(&name, source, Value::from_serialize(data))
        .map_err(|e| {
            let at = e.line().map(|l| format!(":{l}")).unwrap_or_default();
            let what = match e.detail() {
                Some(d) => format!("{}: {d}", e.kind()),
                None => e.kind().to_string(),
            };
            // Quote the line, so the author sees what to fix without opening the file.
            let text = e
                .line()
                .and_then(|l| source.lines().nth(l.saturating_sub(1)))
                .map(|l| format!("\n  | {}", l.trim()))
                .unwrap_or_default();
            anyhow::anyhow!("{name}{at}: {what}{text}")
        })
}

/// Numbers below 10 in words, from 10 in figures (UN editorial rule).
pub fn words(n: i64) -> String {
    const W: [&str; 10] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    if (0..10).contains(&n) {
        W[n as usize].to_string()
    } else {
        n.to_string()
    }
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn split_front(text: &str) -> Option<(&str, &str)> {
    let t = text.trim_start();
    let rest = t.strip_prefix("+++")?;
    let end = rest.find("\n+++")?;
    Some((&rest[..end], &rest[end + 4..]))
}

fn parse_blocks(body: &str, front: &Front, data: &ReportData) -> anyhow::Result<Vec<Block>> {
    let mut blocks = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut in_body = false;
    let mut in_annex = false;
    let flush = |para: &mut Vec<&str>, blocks: &mut Vec<Block>, numbered: bool| {
        if para.is_empty() {
            return;
        }
        let text = para.join(" ");
        para.clear();
        let t = text.trim();
        let (bold, t) = match t.strip_prefix("**").and_then(|x| x.strip_suffix("**")) {
            Some(inner) => (true, inner.trim()),
            None => (false, t),
        };
        blocks.push(Block::Paragraph {
            text: t.to_string(),
            numbered,
            bold,
        });
    };
    for line in body.lines() {
        let l = line.trim();
        let numbered = in_body && !in_annex;
        if l.is_empty() {
            flush(&mut para, &mut blocks, numbered);
            continue;
        }
        if let Some(marker) = l.strip_prefix("<<").and_then(|x| x.strip_suffix(">>")) {
            flush(&mut para, &mut blocks, numbered);
            let (kind, arg) = marker.split_once(' ').unwrap_or((marker, ""));
            match kind {
                "masthead" => blocks.push(Block::Masthead(Masthead {
                    organ: front.organ.clone(),
                    symbol: front.symbol.clone(),
                    date: front.date.clone(),
                    original: front.original.clone(),
                    body: front.body.clone(),
                    session: front.session.clone(),
                    agenda: front.agenda.clone(),
                    title: front.title.clone(),
                    from: front.from.clone(),
                })),
                "summary" => blocks.push(Block::Summary(true)),
                "/summary" => blocks.push(Block::Summary(false)),
                "toc" => blocks.push(Block::Toc),
                "pagebreak" => blocks.push(Block::PageBreak),
                "table" | "chart" => {
                    let (name, title) = arg.split_once('|').unwrap_or((arg, ""));
                    let Some(t) = data.tables.get(name) else {
                        let known: Vec<&String> = data.tables.keys().collect();
                        bail!("no data block named {name:?}; the blocks are {known:?}");
                    };
                    blocks.push(if kind == "table" {
                        Block::Table(table_spec(t, title))
                    } else {
                        Block::Chart(chart_spec(t, title))
                    });
                }
                other => bail!("unknown marker <<{other}>>"),
            }
            continue;
        }
        let level = l.chars().take_while(|c| *c == '#').count();
        if (1..=3).contains(&level) && l[level..].starts_with(' ') {
            flush(&mut para, &mut blocks, numbered);
            let text = l[level..].trim().to_string();
            if level == 1 {
                in_body = true;
                in_annex = text.starts_with("Annex");
            }
            blocks.push(Block::Heading {
                level: level as u8,
                text,
            });
            continue;
        }
        para.push(l);
    }
    flush(&mut para, &mut blocks, in_body && !in_annex);
    Ok(blocks)
}

fn table_spec(t: &Table, title: &str) -> TableSpec {
    let header: Vec<String> = t.columns.iter().map(|(n, _)| n.clone()).collect();
    let numeric: Vec<bool> = t
        .columns
        .iter()
        .map(|(_, d)| !matches!(d, crate::tables::Data::Text(_)))
        .collect();
    let rows = (0..t.height())
        .map(|r| {
            t.columns
                .iter()
                .map(|(_, d)| d.display(r).unwrap_or_default())
                .collect()
        })
        .collect();
    TableSpec {
        title: title.to_string(),
        header,
        rows,
        numeric,
    }
}

/// A bar chart of a data block's first column (labels) and its first figure column.
fn chart_spec(t: &Table, title: &str) -> ChartSpec {
    let labels = (0..t.height())
        .map(|r| {
            t.columns
                .first()
                .and_then(|(_, d)| d.display(r))
                .unwrap_or_default()
        })
        .collect();
    let values = t
        .columns
        .iter()
        .find_map(|(_, d)| match d {
            crate::tables::Data::Int(v) => Some(v.iter().map(|x| x.unwrap_or(0) as f64).collect()),
            _ => None,
        })
        .unwrap_or_default();
    ChartSpec {
        title: title.to_string(),
        labels,
        values,
    }
}
