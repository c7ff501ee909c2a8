fn main() -> std::process::ExitCode {
    tworg::cli::main()
}
