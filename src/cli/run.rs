//! `cstd run`: the secretariat's main job, ingest then the latest year's report.

use super::FAILURE;
use super::args::RunArgs;
use crate::config::Config;
use crate::ingest::{Options, Silent, ingest};
use crate::store::Store;

pub fn run(args: RunArgs, config: &Config) -> anyhow::Result<u8> {
    let store = config.store(args.store.store.as_deref());
    let mut opts = Options::new(&store, &super::ingest::now());
    opts.register = config.register(args.register.as_deref());
    let given: Vec<std::path::PathBuf> = args.submissions.into_iter().collect();
    let summary = ingest(&config.submissions(&given), &opts, &Silent, |who| {
        eprintln!("{who} is writing to the store; waiting...")
    })?;
    super::ingest::report_inputs(&summary);
    super::emit(&super::ingest::text(&summary, &store.display().to_string()))?;
    let generation = Store::new(&store).require_current()?;
    let year = super::report::latest_year(&generation)?;
    let code = super::report::build(
        &generation,
        year,
        config.template(args.template.as_deref()).as_deref(),
        &config.output(args.output.as_deref()),
    )?;
    Ok(if summary.unreadable.is_empty() {
        code
    } else {
        FAILURE.max(code)
    })
}
