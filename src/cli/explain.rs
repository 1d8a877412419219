//! `cstd explain CODE`: one entry of the findings catalogue.

use anyhow::bail;

use super::OK;
use super::args::ExplainArgs;
use crate::findings::{catalogue, kind};
use crate::messages::word;
use crate::msg;

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
        let lang = args.lang.code();
        let hint = if near.is_empty() {
            String::new()
        } else {
            let these = near
                .iter()
                .map(|n| crate::messages::Arg::from(n.as_str()))
                .collect();
            format!(
                "{}{}",
                word("separator", lang),
                msg!("did-you-mean", these = crate::messages::Arg::Or(these)).render(lang)
            )
        };
        bail!(
            "{}",
            msg!(
                "no-such-code",
                code = format!("{:?}", args.code),
                hint = hint
            )
            .render(lang)
        );
    };
    let lang = args.lang.code();
    // The reader's language first, then the others.
    let mut out = format!(
        "{} ({})\n\n{}\n\n{}\n\n",
        k.code,
        k.severity.word(lang),
        k.title(lang),
        msg!("what-to-do-line", help = k.help(lang)).render(lang)
    );
    for (other, title) in &k.title {
        if other != lang {
            out.push_str(&format!("  {other}: {title}\n"));
        }
    }
    super::emit(&out)?;
    Ok(OK)
}
