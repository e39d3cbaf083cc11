//! VENUS trace files: reading them robustly and deciding a run's outcome from them.
//!
//! A trace line looks like `2026-06-16 22:17:32> SYSTEM : Execute method - start; Method file
//! C:\Methods\Prep.med`. The lines that decide (DESIGN.md §1):
//! - `SYSTEM : Execute method - start` — the method really started (the deck may be touched);
//! - `Method has been aborted by the user - complete` / `Abort command - complete` — aborted;
//! - `<device> : <step> - error; <text>` — a step error;
//! - `SYSTEM : End method - complete` with no abort and no error — completed;
//! - no end line — unknown (crashed, killed, or still running).
//!
//! Reading is byte-based: CRLF or LF, bytes that are not UTF-8 (replaced, never an error),
//! a last line still being written (held back until its newline arrives), and files of any
//! size (streamed line by line).

mod lines;

use std::io::Read;
use std::path::Path;

use serde::Serialize;
use strum::{Display, EnumString};
use ts_rs::TS;

pub use lines::LineReader;

/// What a trace says about how the method ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS, Display, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[ts(export)]
pub enum TraceOutcome {
    Completed,
    Aborted,
    /// A step reported an error.
    Error,
    /// No end line: crashed, killed, or still running.
    Unknown,
}

/// The verdict on a trace, with the line that decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Classification {
    pub outcome: TraceOutcome,
    /// The line that decided the outcome, as written (None for `unknown`).
    pub deciding_line: Option<String>,
    /// Its line number, from 1.
    pub line_number: Option<u64>,
    /// For an error: the device and step, e.g. `ML_STAR : Aspirate`.
    pub step: Option<String>,
    /// The method file the trace names.
    pub method_file: Option<String>,
    /// Whether `Execute method - start` was seen: the deck may have been touched.
    pub method_started: bool,
    /// Lines read.
    pub lines: u64,
}

/// One parsed line: `source : message`, after the time stamp.
struct Parsed<'a> {
    source: &'a str,
    message: &'a str,
}

fn parse(line: &str) -> Option<Parsed<'_>> {
    // The body follows the first "> " (after the time stamp); tolerate its absence.
    let body = line.split_once("> ").map_or(line, |(_, body)| body);
    let (source, message) = body.split_once(" : ")?;
    Some(Parsed {
        source: source.trim(),
        message: message.trim(),
    })
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.is_char_boundary(prefix.len())
        && text[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn find_ignore_case(text: &str, needle: &str) -> Option<usize> {
    text.to_ascii_lowercase().find(&needle.to_ascii_lowercase())
}

/// The path after `Method file` in a line, if there is one.
fn method_file(message: &str) -> Option<String> {
    let at = find_ignore_case(message, "method file")?;
    let path = message[at + "method file".len()..]
        .trim()
        .trim_end_matches(';')
        .trim();
    (!path.is_empty()).then(|| path.to_owned())
}

/// A decided line: its text and number.
type Decided = (u64, String);

/// Builds a [`Classification`] one line at a time, so a trace can be followed while it grows.
#[derive(Debug, Clone, Default)]
pub struct TraceState {
    lines: u64,
    method_file: Option<String>,
    started: bool,
    aborted: Option<Decided>,
    error: Option<(u64, String, String)>,
    ended: Option<Decided>,
}

impl TraceState {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes in one complete line (without its line break).
    pub fn feed(&mut self, line: &str) {
        self.lines += 1;
        let number = self.lines;
        let Some(Parsed { source, message }) = parse(line) else {
            return;
        };
        if self.method_file.is_none() {
            self.method_file = method_file(message);
        }
        let system = source.eq_ignore_ascii_case("SYSTEM");
        // The status is what comes before the first `;` ("Aspirate - error"); what follows is
        // free text (a method file's name, a message) and decides nothing.
        let status = message.split(';').next().unwrap_or(message).trim();
        if system && starts_with_ignore_case(status, "Execute method - start") {
            self.started = true;
        } else if status.eq_ignore_ascii_case("Method has been aborted by the user - complete")
            || status.eq_ignore_ascii_case("Abort command - complete")
        {
            self.aborted
                .get_or_insert_with(|| (number, line.to_owned()));
        } else if status.len() > " - error".len()
            && status.is_char_boundary(status.len() - " - error".len())
            && status[status.len() - " - error".len()..].eq_ignore_ascii_case(" - error")
        {
            let step = format!(
                "{source} : {}",
                status[..status.len() - " - error".len()].trim()
            );
            self.error
                .get_or_insert_with(|| (number, line.to_owned(), step));
        } else if system && status.eq_ignore_ascii_case("End method - complete") {
            self.ended.get_or_insert_with(|| (number, line.to_owned()));
        }
    }

    /// Whether the method has started (the deck may have been touched).
    pub fn method_started(&self) -> bool {
        self.started
    }

    /// The method file the trace names, once seen.
    pub fn method_file(&self) -> Option<&str> {
        self.method_file.as_deref()
    }

    /// Lines taken in so far.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// Whether the trace has reached its end line.
    pub fn ended(&self) -> bool {
        self.ended.is_some()
    }

    /// The verdict on what has been read. An abort outranks an error (an abort often follows
    /// the error that caused it, and it is what the person did); an error outranks the end.
    pub fn classification(&self) -> Classification {
        let (outcome, decided, step) = if let Some((n, line)) = &self.aborted {
            (TraceOutcome::Aborted, Some((*n, line.clone())), None)
        } else if let Some((n, line, step)) = &self.error {
            (
                TraceOutcome::Error,
                Some((*n, line.clone())),
                Some(step.clone()),
            )
        } else if let Some((n, line)) = &self.ended {
            (TraceOutcome::Completed, Some((*n, line.clone())), None)
        } else {
            (TraceOutcome::Unknown, None, None)
        };
        Classification {
            outcome,
            line_number: decided.as_ref().map(|(n, _)| *n),
            deciding_line: decided.map(|(_, line)| line),
            step,
            method_file: self.method_file.clone(),
            method_started: self.started,
            lines: self.lines,
        }
    }
}

/// Classifies a whole trace from a reader (the last line counts even without a line break).
pub fn classify(reader: impl Read) -> std::io::Result<Classification> {
    let mut lines = LineReader::new(reader);
    let mut state = TraceState::new();
    while let Some(line) = lines.next_line()? {
        state.feed(&line);
    }
    if let Some(rest) = lines.take_partial() {
        state.feed(&rest);
    }
    Ok(state.classification())
}

/// Classifies a trace file. Opened for reading only, so VENUS may keep writing it.
pub fn classify_file(path: &Path) -> std::io::Result<Classification> {
    classify(std::fs::File::open(path)?)
}

/// Whether two method paths name the same file: compared without case and with either
/// separator, as Windows does.
pub fn same_method(a: &str, b: &str) -> bool {
    let normal = |p: &str| p.trim().replace('/', "\\").to_lowercase();
    normal(a) == normal(b)
}
