//! Writes the man pages and shell completions when `CSTD_GEN_ARTIFACTS` names
//! a folder, from the same argument definitions as the binary.

#[path = "src/cli/args.rs"]
#[allow(dead_code)]
mod args;
#[path = "src/cli/artifacts.rs"]
mod artifacts;

fn main() {
    println!("cargo:rerun-if-env-changed=CSTD_GEN_ARTIFACTS");
    println!("cargo:rerun-if-changed=src/cli/args.rs");
    println!("cargo:rerun-if-changed=src/cli/artifacts.rs");
    if let Some(dir) = std::env::var_os("CSTD_GEN_ARTIFACTS")
        && let Err(e) = artifacts::write(std::path::Path::new(&dir))
    {
        println!("cargo:warning=man pages and completions not written: {e}");
        std::process::exit(1);
    }
}
