//! Man pages and shell completions, made from the argument definitions.
//!
//! `build.rs` includes this file and `args.rs` as modules of its own, so it
//! must use nothing of the library but the arguments.

use std::path::Path;

use clap::CommandFactory as _;
use clap_complete::Shell;
use clap_mangen::Man;

use super::args::Cli;

/// Writes `cstd.1`, a `cstd-<command>.1` for each subcommand, and a completion
/// script for every shell clap_complete knows into `dir`.
pub fn write(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let cmd = Cli::command();
    render(Man::new(cmd.clone()), &dir.join("cstd.1"))?;
    for sub in cmd.get_subcommands() {
        let name = format!("cstd-{}", sub.get_name());
        let page = Man::new(sub.clone().name(name.clone())).title(name.clone());
        render(page, &dir.join(format!("{name}.1")))?;
    }
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        clap_complete::generate_to(shell, &mut cmd.clone(), "cstd", dir)?;
    }
    Ok(())
}

fn render(page: Man, path: &Path) -> std::io::Result<()> {
    let mut out = Vec::new();
    page.render(&mut out)?;
    std::fs::write(path, out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn man_pages_and_completions_cover_every_subcommand() {
        let dir = tempfile::tempdir().unwrap();
        super::write(dir.path()).unwrap();
        let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
        let main = read("cstd.1");
        let bash = read("cstd.bash");
        for sub in [
            "validate", "template", "ingest", "status", "export", "report", "run", "serve",
        ] {
            assert!(main.contains(sub), "cstd.1 lacks {sub}");
            assert!(bash.contains(sub), "cstd.bash lacks {sub}");
            assert!(read(&format!("cstd-{sub}.1")).contains(".TH cstd-"));
        }
        assert!(read("cstd-validate.1").contains("Exit status"));
        for script in ["_cstd", "cstd.fish", "_cstd.ps1", "cstd.elv"] {
            assert!(!read(script).is_empty(), "{script} is empty");
        }
    }
}
