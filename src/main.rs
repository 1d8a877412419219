fn main() -> std::process::ExitCode {
    cstd::cli::main()
}
