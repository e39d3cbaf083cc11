//! `deckhand`: scriptable access to Deckhand's store. See `deckhand --help`.

mod cli;

fn main() -> std::process::ExitCode {
    deckhand::host::limit_malloc_arenas();
    cli::main()
}
