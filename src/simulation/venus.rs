//! The VENUS simulator: takes HxRun's arguments and writes a realistic trace file step by
//! step into its log folder, ending as the method file directs.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Local;

use super::script::{Ending, Script, TraceEncoding};

/// What the simulator was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub method: PathBuf,
    pub log_folder: PathBuf,
}

/// Reads HxRun-style arguments: `<method> [-r] [-t] [--log-folder DIR]`.
pub fn parse_args(args: &[String]) -> Result<Invocation, String> {
    let mut method = None;
    let mut log_folder = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-r" | "-t" => {}
            "--log-folder" => log_folder = args.next().map(PathBuf::from),
            other if method.is_none() => method = Some(PathBuf::from(other)),
            other => return Err(format!("unexpected argument '{other}'")),
        }
    }
    let method = method.ok_or("no method file given")?;
    let log_folder = log_folder
        .or_else(|| std::env::var_os("DECKHAND_SIM_LOG_FOLDER").map(PathBuf::from))
        .ok_or("no log folder: pass --log-folder DIR")?;
    Ok(Invocation { method, log_folder })
}

/// Writes trace lines as VENUS does: local time stamp, `> `, source, message; CRLF; flushed
/// at once so a follower sees each line as it happens.
struct Trace {
    file: File,
    encoding: TraceEncoding,
}

impl Trace {
    fn new(mut file: File, encoding: TraceEncoding) -> Trace {
        if encoding == TraceEncoding::Utf16 {
            let _ = file.write_all(&[0xFF, 0xFE]);
        }
        Trace { file, encoding }
    }

    fn line(&mut self, source: &str, message: &str) {
        let stamp = Local::now().format("%Y-%m-%d %H:%M:%S");
        let text = format!("{stamp}> {source} : {message}\r\n");
        let bytes: Vec<u8> = match self.encoding {
            TraceEncoding::Utf8 => text.into_bytes(),
            TraceEncoding::Utf16 => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
            TraceEncoding::Windows1252 => encoding_rs::WINDOWS_1252.encode(&text).0.into_owned(),
        };
        // A write error cannot be reported anywhere better than by the missing line itself.
        let _ = self.file.write_all(&bytes);
        let _ = self.file.flush();
    }
}

// Six steps, so with the default six the halfway step (where errors and aborts happen) is Aspirate.
const STEPS: [&str; 6] = [
    "Tip pick up",
    "Move plate",
    "Read barcode",
    "Aspirate",
    "Dispense",
    "Tip eject",
];

/// Runs the simulated method; returns the process exit code.
pub fn run(invocation: &Invocation) -> i32 {
    let text = std::fs::read(&invocation.method)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    let script = text.as_deref().map(Script::parse).unwrap_or_default();
    let stem = invocation
        .method
        .file_stem()
        .map_or("method".into(), |s| s.to_string_lossy().into_owned());
    let name = format!("{stem}_{}_Trace.trc", uuid::Uuid::new_v4().simple());
    if let Err(e) = std::fs::create_dir_all(&invocation.log_folder) {
        eprintln!(
            "deckhand-sim: cannot create {}: {e}",
            invocation.log_folder.display()
        );
        return 2;
    }
    let file = match File::create(invocation.log_folder.join(&name)) {
        Ok(file) => file,
        Err(e) => {
            eprintln!("deckhand-sim: cannot write the trace: {e}");
            return 2;
        }
    };
    let mut trace = Trace::new(file, script.trace);
    let method = invocation.method.display().to_string();
    trace.line(
        "SYSTEM",
        &format!("Analyze method - start; Method file {method}"),
    );
    if text.is_none() {
        trace.line(
            "SYSTEM",
            &format!("Analyze method - error; Method file {method} could not be opened"),
        );
        return 1;
    }
    trace.line("SYSTEM", "Analyze method - complete; ");
    if script.ending == Ending::NotStarted {
        trace.line(
            "SYSTEM",
            "Start method - error; The method could not be loaded (simulated)",
        );
        return script.exit_code.max(1);
    }
    trace.line("SYSTEM", "Start method - complete; ");
    trace.line(
        "SYSTEM",
        &format!("Execute method - start; Method file {method}"),
    );
    if script.helper {
        let pid_file = invocation.log_folder.join(format!("{name}.helper-pid"));
        if let Err(e) = start_helper(&pid_file) {
            eprintln!("deckhand-sim: cannot start the helper process: {e}");
        }
    }
    let pause = script.duration / (script.steps * 2).max(1);
    let halfway = script.steps / 2;
    for step in 0..script.steps {
        let name = STEPS[step as usize % STEPS.len()];
        trace.line("ML_STAR", &format!("{name} - start; "));
        std::thread::sleep(pause);
        if step == halfway {
            match script.ending {
                Ending::StepError => {
                    trace.line("ML_STAR", &format!("{name} - error; Not enough liquid (channel 3): error code 4/12 (simulated)"));
                    trace.line("SYSTEM", "End method - complete; ");
                    return script.exit_code;
                }
                Ending::Aborted => {
                    trace.line("SYSTEM", "Abort command - start; ");
                    trace.line("SYSTEM", "Method has been aborted by the user - complete; ");
                    trace.line("SYSTEM", "Abort command - complete; ");
                    trace.line("SYSTEM", "End method - complete; ");
                    return script.exit_code;
                }
                Ending::Stuck => loop {
                    // An error dialog waits for a person: alive, silent, until killed.
                    std::thread::sleep(Duration::from_secs(3600));
                },
                Ending::Crashed => return 3,
                Ending::Completed | Ending::NotStarted => {}
            }
        }
        trace.line("ML_STAR", &format!("{name} - complete; "));
        std::thread::sleep(pause);
    }
    trace.line("SYSTEM", "End method - complete; ");
    script.exit_code
}

/// The argument that makes the simulator a helper process: it waits until it is ended.
pub const HELPER: &str = "--helper";

/// Starts this program again as a helper process and writes its pid to `pid_file`.
fn start_helper(pid_file: &Path) -> std::io::Result<()> {
    let helper = std::process::Command::new(std::env::current_exe()?)
        .arg(HELPER)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    std::fs::write(pid_file, helper.id().to_string())
}

/// What a helper process does: nothing, until it is ended.
pub fn hold() -> ! {
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

/// The trace files in `folder`, for tests and the demo.
pub fn traces_in(folder: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().ends_with("_Trace.trc"))
                .collect()
        })
        .unwrap_or_default()
}
