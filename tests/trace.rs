//! Reading VENUS trace files and deciding outcomes.

use std::io::{Read, Write};
use std::path::PathBuf;

use deckhand::trace::{self, LineReader, TraceOutcome, TraceState};
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/traces")
        .join(name)
}

/// Each fixture: outcome, (line number, text the deciding line contains), method started, step.
#[test]
fn every_fixture_is_classified_with_its_deciding_line() {
    type Case = (
        &'static str,
        TraceOutcome,
        Option<(u64, &'static str)>,
        bool,
        Option<&'static str>,
    );
    let cases: &[Case] = &[
        (
            "completed.trc",
            TraceOutcome::Completed,
            Some((11, "End method - complete")),
            true,
            None,
        ),
        (
            "step_error.trc",
            TraceOutcome::Error,
            Some((10, "Not enough liquid (channel 3)")),
            true,
            Some("ML_STAR : Aspirate"),
        ),
        (
            "aborted.trc",
            TraceOutcome::Aborted,
            Some((11, "aborted by the user - complete")),
            true,
            None,
        ),
        (
            "error_then_abort.trc",
            TraceOutcome::Aborted,
            Some((11, "aborted by the user")),
            true,
            None,
        ),
        ("crashed.trc", TraceOutcome::Unknown, None, true, None),
        (
            "not_started.trc",
            TraceOutcome::Error,
            Some((5, "could not be loaded")),
            false,
            Some("SYSTEM : Execute method"),
        ),
        (
            "crlf.trc",
            TraceOutcome::Completed,
            Some((10, "End method - complete;")),
            true,
            None,
        ),
        (
            "partial_last_line.trc",
            TraceOutcome::Unknown,
            None,
            true,
            None,
        ),
        (
            "no_final_newline.trc",
            TraceOutcome::Completed,
            Some((10, "End method - complete")),
            true,
            None,
        ),
        (
            "latin1.trc",
            TraceOutcome::Completed,
            Some((10, "End method")),
            true,
            None,
        ),
        ("empty.trc", TraceOutcome::Unknown, None, false, None),
        // "- error" and "Abort command - complete" inside free text decide nothing.
        (
            "error_words_in_text.trc",
            TraceOutcome::Completed,
            Some((5, "End method - complete")),
            true,
            None,
        ),
        ("garbage.trc", TraceOutcome::Unknown, None, false, None),
    ];
    for (name, outcome, deciding, started, step) in cases {
        let c = trace::classify_file(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(c.outcome, *outcome, "{name}");
        match deciding {
            Some((number, text)) => {
                assert_eq!(
                    c.line_number,
                    Some(*number),
                    "{name}: the deciding line's number"
                );
                let line = c.deciding_line.as_deref().unwrap();
                assert!(
                    line.contains(text),
                    "{name}: deciding line {line:?} should contain {text:?}"
                );
                assert!(!line.ends_with('\r'), "{name}: no CR left on the line");
            }
            None => assert_eq!(c.deciding_line, None, "{name}"),
        }
        assert_eq!(c.method_started, *started, "{name}: method started");
        assert_eq!(c.step.as_deref(), *step, "{name}: step");
    }
}

#[test]
fn the_method_file_is_read_and_windows_1252_is_decoded() {
    let c = trace::classify_file(&fixture("completed.trc")).unwrap();
    assert_eq!(c.method_file.as_deref(), Some(r"C:\Methods\Prep.med"));
    let latin = trace::classify_file(&fixture("latin1.trc")).unwrap();
    assert_eq!(
        latin.method_file.as_deref(),
        Some("C:\\Methods\\Präp.med"),
        "not UTF-8: Windows-1252, so the path still matches the schedule's method"
    );
    assert_eq!(latin.encoding.as_deref(), Some("Windows-1252"));
}

#[test]
fn method_paths_compare_without_case_and_with_either_separator() {
    assert!(trace::same_method(
        r"C:\Methods\Prep.med",
        "c:/methods/PREP.MED"
    ));
    assert!(trace::same_method(
        r" C:\Methods\Prep.med ",
        r"C:\Methods\Prep.med"
    ));
    assert!(!trace::same_method(
        r"C:\Methods\Prep.med",
        r"C:\Methods\Prep2.med"
    ));
}

/// A file still being written: only complete lines are taken; the rest waits.
#[test]
fn a_growing_file_is_followed_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("growing_Trace.trc");
    let mut writer = std::fs::File::create(&path).unwrap();
    let mut lines = LineReader::new(std::fs::File::open(&path).unwrap());
    let mut state = TraceState::new();
    let pump = |lines: &mut LineReader<std::fs::File>, state: &mut TraceState| {
        while let Some(line) = lines.next_line().unwrap() {
            state.feed(&line);
        }
    };
    writer.write_all(b"2026-06-16 22:15:04> SYSTEM : Execute method - start; Method file C:\\M\\A.med\r\n2026-06-16 22:17:32> SYSTEM : End me").unwrap();
    pump(&mut lines, &mut state);
    assert!(state.method_started());
    assert_eq!(state.lines(), 1, "the half-written line is held back");
    assert!(!state.ended());
    writer.write_all(b"thod - complete; \r\n").unwrap();
    pump(&mut lines, &mut state);
    assert!(state.ended());
    assert_eq!(state.classification().outcome, TraceOutcome::Completed);
}

/// A reader that produces a big trace without holding it in memory.
struct Endless {
    lines_left: u64,
    pending: Vec<u8>,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            if self.lines_left == 0 {
                return Ok(0);
            }
            self.lines_left -= 1;
            self.pending = if self.lines_left == 0 {
                b"2026-06-16 23:59:59> SYSTEM : End method - complete; \r\n".to_vec()
            } else {
                b"2026-06-16 22:16:05> ML_STAR : Tip pick up - complete; channel 1: ok, channel 2: ok\r\n".to_vec()
            };
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

#[test]
fn a_huge_trace_is_streamed() {
    let lines = 400_000; // about 34 MB
    let c = trace::classify(Endless {
        lines_left: lines,
        pending: Vec::new(),
    })
    .unwrap();
    assert_eq!(c.outcome, TraceOutcome::Completed);
    assert_eq!(c.lines, lines);
    assert_eq!(c.line_number, Some(lines));
}

#[test]
fn an_overlong_line_is_cut_not_kept() {
    let mut data = vec![b'x'; 3 * 1024 * 1024];
    data.extend_from_slice(b"\n2026-06-16 23:59:59> SYSTEM : End method - complete; \n");
    let c = trace::classify(data.as_slice()).unwrap();
    assert_eq!(
        c.outcome,
        TraceOutcome::Completed,
        "reading goes on after a 3 MB line"
    );
}

/// Reads `data` in chunks of the given sizes, as a growing file delivers it.
struct Chunked {
    data: Vec<u8>,
    sizes: Vec<usize>,
    at: usize,
    turn: usize,
}

impl Read for Chunked {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let size = self
            .sizes
            .get(self.turn % self.sizes.len().max(1))
            .copied()
            .unwrap_or(1)
            .max(1);
        self.turn += 1;
        let n = size.min(buf.len()).min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn trace_bytes() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        Just(
            b"2026-06-16 22:15:04> SYSTEM : Execute method - start; Method file C:\\M\\A.med"
                .to_vec()
        ),
        Just(b"2026-06-16 22:16:30> ML_STAR : Aspirate - error; Not enough liquid".to_vec()),
        Just(
            b"2026-06-16 22:16:41> SYSTEM : Method has been aborted by the user - complete; "
                .to_vec()
        ),
        Just(b"2026-06-16 22:17:32> SYSTEM : End method - complete; ".to_vec()),
        prop::collection::vec(any::<u8>(), 0..80),
    ];
    prop::collection::vec((line, prop::bool::ANY), 0..30).prop_map(|lines| {
        let mut out = Vec::new();
        for (line, crlf) in lines {
            out.extend(line);
            out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
        }
        out
    })
}

/// Found by the property below: four bytes that look like UTF-16 on their own, but not with the
/// two after them, were read as UTF-16 when they arrived one by one and as UTF-8 when whole.
#[test]
fn the_encoding_is_told_from_the_same_bytes_however_they_arrive() {
    let bytes = vec![0, 1, 1, 1, b'\r', b'\n'];
    let whole = trace::classify(bytes.as_slice()).unwrap();
    for size in 1..=bytes.len() {
        let chunked = trace::classify(Chunked {
            data: bytes.clone(),
            sizes: vec![size],
            at: 0,
            turn: 0,
        })
        .unwrap();
        assert_eq!(whole, chunked, "{size} byte(s) at a time");
    }
}

/// Found by CI's property test after the reader waited for its whole sniffing window: a trace
/// shorter than that, decided only at its end, kept only its first line.
#[test]
fn a_trace_shorter_than_the_sniffing_window_is_read_whole() {
    let c = trace::classify("\r\nSYSTEM : é - error\r\n".as_bytes()).unwrap();
    assert_eq!(c.lines, 2);
    assert_eq!(c.deciding_line.as_deref(), Some("SYSTEM : é - error"));
}

proptest! {
    /// Any bytes at all: no panic, and a verdict.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let c = trace::classify(bytes.as_slice()).unwrap();
        prop_assert!(c.lines <= bytes.len() as u64 + 1);
    }

    /// However the bytes arrive (a file growing in odd-sized pieces), the verdict is the same.
    #[test]
    fn chunking_does_not_change_the_verdict(bytes in trace_bytes(), sizes in prop::collection::vec(1usize..70, 1..8)) {
        let whole = trace::classify(bytes.as_slice()).unwrap();
        let chunked = trace::classify(Chunked { data: bytes, sizes, at: 0, turn: 0 }).unwrap();
        prop_assert_eq!(whole, chunked);
    }
}
