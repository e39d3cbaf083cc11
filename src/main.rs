//! `deckhand`: scriptable access to Deckhand's store. See `deckhand --help`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
