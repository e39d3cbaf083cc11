//! `deckhand-sim`: stands in for HxRun.exe on machines without VENUS. Takes HxRun's
//! arguments (`<method> -r -t`) plus `--log-folder DIR`, writes a trace file there step by
//! step, and ends as the method file's `sim:` lines direct.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args == [deckhand::simulation::venus::HELPER] {
        deckhand::simulation::venus::hold();
    }
    match deckhand::simulation::venus::parse_args(&args) {
        Ok(invocation) => {
            let code = deckhand::simulation::venus::run(&invocation);
            std::process::ExitCode::from(u8::try_from(code.clamp(0, 255)).unwrap_or(1))
        }
        Err(message) => {
            eprintln!(
                "deckhand-sim: {message}\nusage: deckhand-sim METHOD [-r] [-t] --log-folder DIR"
            );
            std::process::ExitCode::from(2)
        }
    }
}
