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
//! **Whether the deck was touched is decided on proof** ([`DeckEvidence`]): "not touched" only
//! when the whole trace was read, every line in a recognised layout, up to VENUS's end of the
//! method, with neither an execute start nor a line from a device. Anything else — an execute
//! start, a device's line, a line that could not be read, a trace cut short — means the deck
//! may have been touched, so the run is never repeated automatically.
//!
//! Reading ([`LineReader`]): any encoding VENUS and its locales write (UTF-8, UTF-16 with or
//! without a byte-order mark, Windows-1252), CRLF, LF or CR, time stamps in any locale's order,
//! with or without fractions, `>`, a space or a tab (the time stamp never decides anything), a
//! last line still being written (held back until its line break arrives), and files of any
//! size (streamed line by line).

mod lines;

use std::io::Read;
use std::path::Path;

use serde::Serialize;
use strum::{Display, EnumString};
use ts_rs::TS;

pub use lines::{Line, LineReader};

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
    /// Whether the deck may have been touched: false only on proof (see [`DeckEvidence`]).
    pub touched_deck: bool,
    /// What decided `touched_deck`.
    pub deck: DeckEvidence,
    /// The encoding the trace was read in (`None` for an empty file).
    pub encoding: Option<String>,
    /// Lines read.
    pub lines: u64,
}

/// What decides whether a run's deck may have been touched. Only [`DeckEvidence::NotTouched`]
/// is proof that it was not; every other kind means it may have been, so the run is never
/// repeated automatically. When several kinds are present, the first listed here is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum DeckEvidence {
    /// `SYSTEM : Execute method - start`: the method began on the deck.
    ExecuteStart { number: u64, line: String },
    /// A line from a device (any source but `SYSTEM`): a step started, completed or failed.
    DeviceStep { number: u64, line: String },
    /// A line Deckhand could not read: not in a trace line's layout, or text that could not be
    /// decoded (the file is in another format or encoding, or damaged).
    Unreadable { number: u64, line: String },
    /// No end-of-method line: the trace is empty or stops short (VENUS crashed or was killed,
    /// or the file is not complete), so nothing proves the method never started.
    NoEnd { lines: u64 },
    /// Proof that the deck was not touched: every line was read in a recognised layout, up to
    /// VENUS's end of the method (`End method - complete`, or an `Analyze`, `Start` or `Execute
    /// method - error` of `SYSTEM`), and none was an execute start or a device's line.
    NotTouched { number: u64, line: String },
}

impl DeckEvidence {
    /// Whether the deck may have been touched.
    pub fn touched(&self) -> bool {
        !matches!(self, DeckEvidence::NotTouched { .. })
    }

    /// Whether nothing says what happened on the deck: the trace could not be read, or it
    /// stops before it says.
    pub fn unknown(&self) -> bool {
        matches!(
            self,
            DeckEvidence::Unreadable { .. } | DeckEvidence::NoEnd { .. }
        )
    }

    /// The evidence in words a scientist understands: one sentence, without its full stop.
    pub fn explain(&self) -> String {
        match self {
            DeckEvidence::ExecuteStart { number, line } => {
                format!("The method started on the deck (line {number}: “{line}”)")
            }
            DeckEvidence::DeviceStep { number, line } => {
                format!("A device worked on the deck (line {number}: “{line}”)")
            }
            DeckEvidence::Unreadable { number, line } => format!(
                "Deckhand could not read this trace's format (line {number}: “{}”), so it assumes the deck may have been touched",
                shorten(line)
            ),
            DeckEvidence::NoEnd { lines: 0 } => {
                "The trace is empty, so Deckhand cannot tell whether the method started and assumes the deck may have been touched".to_owned()
            }
            DeckEvidence::NoEnd { .. } => {
                "The trace stops before VENUS ended the method, so Deckhand cannot tell whether it started and assumes the deck may have been touched".to_owned()
            }
            DeckEvidence::NotTouched { number, line } => format!(
                "VENUS ended the method before it started (line {number}: “{line}”), and every line before was read: the deck was not touched"
            ),
        }
    }
}

/// A line as quoted in a message: at most 80 characters, without control characters.
fn shorten(line: &str) -> String {
    let clean: String = line
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match clean.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &clean[..at]),
        None => clean,
    }
}

/// One parsed line: `source : message`, after the time stamp.
struct Parsed<'a> {
    source: &'a str,
    message: &'a str,
}

/// A line's `source : message`, read leniently (the time stamp, if any, up to the first `> `
/// is skipped), so that no deciding line is missed; and whether the line is in a recognised
/// layout — a time stamp, then `source : message` — which only a line in that layout is.
///
/// The time stamp is only recognised, never read: a date of three numbers joined by `-`, `.`
/// or `/` in any order, a space or `T`, a time `H:MM:SS` with or without a fraction (`.` or
/// `,`) and AM/PM, then `>` or not, then spaces or tabs.
fn parse(line: &str) -> (Option<Parsed<'_>>, bool) {
    let stamped = after_time_stamp(line);
    let body = stamped.unwrap_or_else(|| line.split_once("> ").map_or(line, |(_, body)| body));
    let parsed = body.split_once(" : ").map(|(source, message)| Parsed {
        source: source.trim(),
        message: message.trim(),
    });
    let recognised = stamped.is_some()
        && parsed.as_ref().is_some_and(|p| {
            !p.source.is_empty() && p.source.len() <= 64 && !p.source.contains(char::is_control)
        });
    (parsed, recognised)
}

/// What follows a recognised time stamp and its separator, or `None`.
fn after_time_stamp(line: &str) -> Option<&str> {
    let bytes = line.as_bytes();
    // The date: three groups of 1–4 digits joined by `-`, `.` or `/`.
    let mut at = digit_groups(bytes, 0, 4, b"-./")?;
    if bytes.get(at) == Some(&b'.') {
        at += 1; // "16.06.2026." in some locales
    }
    // Between date and time: spaces, or ISO's `T`.
    match bytes.get(at) {
        Some(b' ') => at += run_of(bytes, at, |b| b == b' '),
        Some(b'T') => at += 1,
        _ => return None,
    }
    // The time: H:MM:SS, a fraction, AM/PM.
    at = digit_groups(bytes, at, 2, b":")?;
    if matches!(bytes.get(at), Some(b'.' | b',')) {
        let digits = run_of(bytes, at + 1, |b| b.is_ascii_digit());
        if digits == 0 {
            return None;
        }
        at += 1 + digits;
    }
    let spaces = run_of(bytes, at, |b| b == b' ');
    if let Some(marker) = bytes.get(at + spaces..at + spaces + 2)
        && (marker.eq_ignore_ascii_case(b"AM") || marker.eq_ignore_ascii_case(b"PM"))
    {
        at += spaces + 2;
    }
    // Then `>` or not, and at least one space or tab unless `>` was there.
    let arrow = bytes.get(at) == Some(&b'>');
    if arrow {
        at += 1;
    }
    let blank = run_of(bytes, at, |b| matches!(b, b' ' | b'\t'));
    if blank == 0 && !arrow {
        return None;
    }
    line.get(at + blank..)
}

/// Three groups of 1 to `max` digits from `at`, joined by one of `separators` (the same one
/// both times); where they end.
fn digit_groups(bytes: &[u8], mut at: usize, max: usize, separators: &[u8]) -> Option<usize> {
    let mut separator = None;
    for group in 0..3 {
        let digits = run_of(bytes, at, |b| b.is_ascii_digit());
        if !(1..=max).contains(&digits) {
            return None;
        }
        at += digits;
        if group < 2 {
            let sep = *bytes.get(at)?;
            if !separators.contains(&sep) || separator.is_some_and(|s| s != sep) {
                return None;
            }
            separator = Some(sep);
            at += 1;
        }
    }
    Some(at)
}

/// How many bytes from `at` on satisfy `keep`.
fn run_of(bytes: &[u8], at: usize, keep: impl Fn(u8) -> bool) -> usize {
    bytes[at..].iter().take_while(|b| keep(**b)).count()
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
    encoding: Option<String>,
    /// The first `Execute method - start`.
    started: Option<Decided>,
    /// The first line from a device.
    device: Option<Decided>,
    /// The first line that could not be read.
    unreadable: Option<Decided>,
    aborted: Option<Decided>,
    error: Option<(u64, String, String)>,
    ended: Option<Decided>,
    /// The first `SYSTEM` end of the method before it ran: `Analyze`, `Start` or `Execute method
    /// - error`.
    ended_before_start: Option<Decided>,
}

impl TraceState {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes in one complete line (without its line break).
    pub fn feed(&mut self, line: &Line) {
        self.lines += 1;
        let number = self.lines;
        let text = line.text.as_str();
        if text.trim().is_empty() && !line.damaged {
            return; // a blank line says nothing, and hides nothing
        }
        let (parsed, recognised) = parse(text);
        if (line.damaged || !recognised) && self.unreadable.is_none() {
            self.unreadable = Some((number, text.to_owned()));
        }
        if line.damaged {
            return; // part of it is missing: it decides nothing (but the deck may be touched)
        }
        let Some(Parsed { source, message }) = parsed else {
            return;
        };
        if self.method_file.is_none() {
            self.method_file = method_file(message);
        }
        let system = source.eq_ignore_ascii_case("SYSTEM");
        // A line not in a trace's layout is evidence as it stands (unreadable), whatever it
        // seems to say.
        if recognised && !system && self.device.is_none() {
            self.device = Some((number, text.to_owned()));
        }
        // The status is what comes before the first `;` ("Aspirate - error"); what follows is
        // free text (a method file's name, a message) and decides nothing.
        let status = message.split(';').next().unwrap_or(message).trim();
        if system && starts_with_ignore_case(status, "Execute method - start") {
            if recognised {
                self.started
                    .get_or_insert_with(|| (number, text.to_owned()));
            }
        } else if status.eq_ignore_ascii_case("Method has been aborted by the user - complete")
            || status.eq_ignore_ascii_case("Abort command - complete")
        {
            self.aborted
                .get_or_insert_with(|| (number, text.to_owned()));
        } else if let Some(step) = strip_suffix_ignore_case(status, " - error") {
            let step = step.trim();
            if system
                && ["Analyze method", "Start method", "Execute method"]
                    .iter()
                    .any(|phase| step.eq_ignore_ascii_case(phase))
            {
                self.ended_before_start
                    .get_or_insert_with(|| (number, text.to_owned()));
            }
            self.error
                .get_or_insert_with(|| (number, text.to_owned(), format!("{source} : {step}")));
        } else if system && status.eq_ignore_ascii_case("End method - complete") {
            self.ended.get_or_insert_with(|| (number, text.to_owned()));
        }
    }

    /// Notes the encoding the reader found, for the classification to say.
    pub fn set_encoding(&mut self, encoding: Option<&str>) {
        self.encoding = encoding.map(str::to_owned);
    }

    /// Whether the method has started on the deck: an execute start, or a device at work.
    pub fn method_started(&self) -> bool {
        self.started.is_some() || self.device.is_some()
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

    /// What decides whether the deck may have been touched, from what has been read.
    pub fn deck(&self) -> DeckEvidence {
        let quote = |(number, line): &Decided| (*number, line.clone());
        if let Some((number, line)) = self.started.as_ref().map(quote) {
            DeckEvidence::ExecuteStart { number, line }
        } else if let Some((number, line)) = self.device.as_ref().map(quote) {
            DeckEvidence::DeviceStep { number, line }
        } else if let Some((number, line)) = self.unreadable.as_ref().map(quote) {
            DeckEvidence::Unreadable { number, line }
        } else if let Some((number, line)) = self
            .ended_before_start
            .as_ref()
            .or(self.ended.as_ref())
            .map(quote)
        {
            DeckEvidence::NotTouched { number, line }
        } else {
            DeckEvidence::NoEnd { lines: self.lines }
        }
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
        let deck = self.deck();
        Classification {
            outcome,
            line_number: decided.as_ref().map(|(n, _)| *n),
            deciding_line: decided.map(|(_, line)| line),
            step,
            method_file: self.method_file.clone(),
            method_started: self.started.is_some(),
            touched_deck: deck.touched(),
            deck,
            encoding: self.encoding.clone(),
            lines: self.lines,
        }
    }
}

/// `text` without `suffix` at its end, ignoring ASCII case.
fn strip_suffix_ignore_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let at = text.len().checked_sub(suffix.len())?;
    (at > 0 && text.is_char_boundary(at) && text[at..].eq_ignore_ascii_case(suffix))
        .then(|| &text[..at])
}

/// Classifies a whole trace from a reader (the last line counts even without a line break).
pub fn classify(reader: impl Read) -> std::io::Result<Classification> {
    let mut lines = LineReader::new(reader);
    let mut state = TraceState::new();
    while let Some(line) = lines.next_line()? {
        state.feed(&line);
    }
    for rest in lines.take_rest() {
        state.feed(&rest);
    }
    state.set_encoding(lines.encoding());
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
