//! `cstd explain CODE`: one entry of the findings catalogue.

use anyhow::bail;

use super::OK;
use super::args::ExplainArgs;
use crate::findings::{catalogue, kind};

pub fn run(args: ExplainArgs) -> anyhow::Result<u8> {
    let Some(k) = kind(args.code.trim()) else {
        let codes: Vec<(String, &str)> = catalogue()
            .iter()
            .map(|k| (k.code.clone(), k.code.as_str()))
            .collect();
        let near = crate::text::closest(
            args.code.trim(),
            codes.iter().map(|(a, b)| (a.as_str(), *b)),
            3,
        );
        let hint = if near.is_empty() {
            String::new()
        } else {
            format!("; did you mean {}?", near.join(" or "))
        };
        bail!(
            "no finding has the code {:?}{hint} (`cstd schema` lists them all)",
            args.code
        );
    };
    let mut out = format!("{} ({})\n\n", k.code, k.severity);
    for (lang, title) in &k.title {
        out.push_str(&format!("  {lang}: {title}\n"));
    }
    out.push_str(&format!("\nWhat to do: {}\n", k.help));
    super::emit(&out)?;
    Ok(OK)
}
