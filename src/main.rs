// glibc's allocator spends much of a validation in its bins: a workbook is
// thousands of small strings made and freed together. mimalloc makes
// `cstd validate` about a sixth faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cstd::cli::main()
}
