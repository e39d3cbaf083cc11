//! Trace benchmark: how long classifying a large trace file takes (issue 20: the reader that
//! copes with every encoding and layout must stay within 10% of the plain reader's time).
//!
//! `cargo bench --bench trace` writes a 34 MB trace (400,000 lines, ASCII with CRLF, as VENUS
//! writes it) into a temporary folder and classifies it seven times with
//! `trace::classify_file`; it prints the median and the fastest. `-- --utf16` writes the same
//! trace as UTF-16 LE with a byte-order mark (68 MB).

use std::io::Write;
use std::time::{Duration, Instant};

use deckhand::trace;

const LINES: usize = 400_000;
const ROUNDS: usize = 7;

fn trace_text() -> String {
    let mut text = String::with_capacity(LINES * 90);
    text.push_str(
        "2026-06-16 22:15:01> SYSTEM : Analyze method - start; Method file C:\\Methods\\Prep.med\r\n",
    );
    text.push_str("2026-06-16 22:15:04> SYSTEM : Execute method - start; Method file C:\\Methods\\Prep.med\r\n");
    for _ in 0..LINES - 3 {
        text.push_str("2026-06-16 22:16:05> ML_STAR : Tip pick up - complete; channel 1: ok, channel 2: ok\r\n");
    }
    text.push_str("2026-06-16 23:59:59> SYSTEM : End method - complete; \r\n");
    text
}

fn main() {
    let utf16 = std::env::args().any(|a| a == "--utf16");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("Prep_0123_Trace.trc");
    let text = trace_text();
    let bytes: Vec<u8> = if utf16 {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    } else {
        text.into_bytes()
    };
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(&bytes))
        .expect("the trace is written");
    let size = bytes.len() as f64 / 1e6;

    let mut times: Vec<Duration> = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let c = trace::classify_file(&path).expect("the trace is read");
        times.push(started.elapsed());
        assert_eq!(c.lines, LINES as u64, "every line read");
    }
    times.sort();
    let median = times[ROUNDS / 2];
    println!(
        "classify_file, {size:.0} MB trace ({}, {LINES} lines): median {:.0} ms ({:.0} MB/s), fastest {:.0} ms, over {ROUNDS} runs",
        if utf16 {
            "UTF-16 LE with a BOM"
        } else {
            "ASCII, CRLF"
        },
        median.as_secs_f64() * 1e3,
        size / median.as_secs_f64(),
        times[0].as_secs_f64() * 1e3,
    );
}
