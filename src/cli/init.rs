//! `cstd init`: a working folder for a secretariat that starts from scratch.

use anyhow::bail;

use super::OK;
use super::args::InitArgs;

pub fn run(args: InitArgs) -> anyhow::Result<u8> {
    let dir = &args.dir;
    let settings = dir.join(crate::config::FILE);
    if settings.exists() {
        bail!(
            "{} exists already: this folder is set up",
            settings.display()
        );
    }
    let files: [(&str, &[u8]); 2] = [
        ("register.csv", crate::register::BUILTIN.as_bytes()),
        ("submissions/README.md", SUBMISSIONS_README.as_bytes()),
    ];
    for (name, bytes) in files {
        let path = dir.join(name);
        if !path.exists() {
            crate::durable::write(&path, bytes)?;
        }
    }
    if !dir.join("report-template/report.md").exists() {
        crate::report::write_template(&dir.join("report-template"))?;
    }
    crate::durable::write(&settings, crate::config::INIT.as_bytes())?;
    super::emit(&format!(
        "Set up {}: settings in cstd.toml, the register of invited organizations in register.csv,\n\
         received files go in submissions/, the report's template is report-template/report.md.\n\
         Next: save the files received in submissions/, then run `cstd run` there.\n",
        dir.display()
    ))?;
    Ok(OK)
}

const SUBMISSIONS_README: &str = "Save here every file received from an organization, as received \
(workbooks, JSON, zips, folders of CSV files), in a folder per reporting year if you like \
(`2026/itu.xlsx`). `cstd ingest` (or `cstd run`) reads them all; a file read before is not read \
again.\n";
