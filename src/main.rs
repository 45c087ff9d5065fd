fn main() {
    std::process::exit(disclint::cli::main());
}
