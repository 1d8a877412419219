//! `cstd serve`: the web page, on a runtime of its own.

use anyhow::Context as _;

use super::OK;
use super::args::ServeArgs;
use crate::config::Config;

/// The shortest secretariat token accepted: a guessable one opens the store.
const MIN_TOKEN: usize = 16;

pub fn run(args: ServeArgs, config: &Config) -> anyhow::Result<u8> {
    let secretariat = match &args.secretariat_token_file {
        Some(f) => Some(std::fs::read_to_string(f).with_context(|| {
            format!("cannot read the secretariat's token from {}", f.display())
        })?),
        None => std::env::var("CSTD_SECRETARIAT_TOKEN").ok(),
    }
    .map(|t| t.trim().to_string())
    .filter(|t| !t.is_empty());
    if let Some(t) = &secretariat
        && t.chars().count() < MIN_TOKEN
    {
        anyhow::bail!(
            "the secretariat's token is {} characters long; give one of {MIN_TOKEN} or more (say, 32 random letters and digits)",
            t.chars().count()
        );
    }
    let options = crate::serve::Options {
        addr: args.addr,
        max_upload: args.max_upload.saturating_mul(1024 * 1024),
        max_checks: args
            .max_checks
            .unwrap_or_else(|| 2 * std::thread::available_parallelism().map_or(1, |n| n.get())),
        per_minute: args.per_minute,
        checker: std::env::current_exe().context("cannot find this program to run checks")?,
        store: config.store(args.store.store.as_deref()),
        output: config.output(args.output.as_deref()),
        template: config.template(None),
        secretariat,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(crate::serve::run(options))?;
    Ok(OK)
}
