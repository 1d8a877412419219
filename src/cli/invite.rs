//! `cstd invite`: one secret link per organization, written for the
//! secretariat to send; the store keeps only their hashes.

use anyhow::Context as _;

use super::OK;
use super::args::InviteArgs;
use crate::config::Config;
use crate::store::Store;
use crate::text::escape_control;

pub fn run(args: InviteArgs, config: &Config) -> anyhow::Result<u8> {
    let store = Store::new(&config.store(args.store.store.as_deref()));
    // Links are usually issued before anything is received: no store yet is fine.
    let previous = if store.root.exists() {
        store.current()?
    } else {
        None
    };
    let named = config.register(args.register.as_deref());
    let (register, said) = crate::ingest::choose_register(named.as_deref(), previous.as_ref())?;
    drop(previous);
    let issued = crate::invite::issue(
        &store,
        &register,
        args.year,
        &args.only,
        &super::ingest::now(),
        |who| eprintln!("{who} is writing to the store; waiting for it to finish..."),
    )?;
    let base = args.url.trim_end_matches('/');
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["organization", "name", "year", "link"])?;
    for i in &issued {
        w.write_record([
            i.organization.as_str(),
            i.name.as_str(),
            &args.year.to_string(),
            &format!("{base}/send/{}", i.token),
        ])?;
    }
    let out = config.output(args.output.as_deref());
    let path = out.join(format!("invites-{}.csv", args.year));
    write_private(&path, &w.into_inner()?)
        .with_context(|| format!("cannot write the links to {}", path.display()))?;
    super::emit(&format!(
        "{} secret link(s) for {} written to {} (readable by you only), for the organizations of {said}.\n\
         Send each organization its own link; the store keeps only a hash of each, and a link issued again replaces the one before.\n\
         `cstd serve` receives what they send at {base}/send/...\n",
        issued.len(),
        args.year,
        escape_control(&path.display().to_string()),
    ))?;
    Ok(OK)
}

/// Writes a file of secrets atomically, readable by its owner only.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    crate::durable::write_with(path, crate::durable::Sync::Now, |f| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        std::io::Write::write_all(f, bytes)
    })?;
    Ok(())
}
