//! `cstd serve`: the web page, on a runtime of its own.

use anyhow::Context as _;

use super::OK;
use super::args::ServeArgs;

pub fn run(args: ServeArgs) -> anyhow::Result<u8> {
    let options = crate::serve::Options {
        addr: args.addr,
        max_upload: args.max_upload.saturating_mul(1024 * 1024),
        max_checks: args
            .max_checks
            .unwrap_or_else(|| 2 * std::thread::available_parallelism().map_or(1, |n| n.get())),
        per_minute: args.per_minute,
        checker: std::env::current_exe().context("cannot find this program to run checks")?,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(crate::serve::run(options))?;
    Ok(OK)
}
