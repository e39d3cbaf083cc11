//! The same runs written every way VENUS and a PC's locale write traces (issue 20): every
//! encoding × time stamp style × line ending, each classified whole and followed as it grows,
//! with its expected outcome and whether the deck may have been touched. And the safety rule
//! as a property: a trace with a device's line, or arbitrary bytes, never reads "not touched".

use std::io::Read;

use deckhand::trace::{self, Classification, DeckEvidence, LineReader, TraceOutcome, TraceState};
use encoding_rs::WINDOWS_1252;
use proptest::prelude::*;

/// A method path with the characters a Western European lab's Windows-1252 PC writes as
/// single bytes.
const METHOD: &str = r"C:\Méthodes\Lösung 5 µl\Prep.med";

/// A run as VENUS traces it: (source, message) lines.
struct Run {
    name: &'static str,
    lines: Vec<(&'static str, String)>,
    outcome: TraceOutcome,
    touched: bool,
}

fn runs() -> Vec<Run> {
    let file = |what: &str| format!("{what}; Method file {METHOD}");
    let head = || {
        vec![
            ("SYSTEM", file("Analyze method - start")),
            ("SYSTEM", "Analyze method - complete; ".to_owned()),
            ("SYSTEM", "Start method - start; ".to_owned()),
            ("SYSTEM", "Start method - complete; ".to_owned()),
        ]
    };
    let started = || {
        let mut lines = head();
        lines.push(("SYSTEM", file("Execute method - start")));
        lines.push(("ML_STAR", "Initialize - start; ".to_owned()));
        lines.push(("ML_STAR", "Initialize - complete; ".to_owned()));
        lines.push(("ML_STAR", "Aspirate - start; ".to_owned()));
        lines
    };
    let end = ("SYSTEM", "End method - complete; ".to_owned());
    let with = |mut lines: Vec<(&'static str, String)>, more: Vec<(&'static str, String)>| {
        lines.extend(more);
        lines
    };
    vec![
        Run {
            name: "completed",
            lines: with(
                started(),
                vec![("ML_STAR", "Aspirate - complete; ".to_owned()), end.clone()],
            ),
            outcome: TraceOutcome::Completed,
            touched: true,
        },
        Run {
            name: "step error",
            lines: with(
                started(),
                vec![
                    (
                        "ML_STAR",
                        "Aspirate - error; Not enough liquid (channel 3)".to_owned(),
                    ),
                    end.clone(),
                ],
            ),
            outcome: TraceOutcome::Error,
            touched: true,
        },
        Run {
            // The run of the issue: a pipetting step started and failed, no execute start line.
            name: "step error without an execute start",
            lines: with(
                head(),
                vec![
                    ("ML_STAR", "Aspirate - start; ".to_owned()),
                    ("ML_STAR", "Aspirate - error; Clot detected".to_owned()),
                    end.clone(),
                ],
            ),
            outcome: TraceOutcome::Error,
            touched: true,
        },
        Run {
            name: "aborted",
            lines: with(
                started(),
                vec![
                    ("SYSTEM", "Abort command - start; ".to_owned()),
                    (
                        "SYSTEM",
                        "Method has been aborted by the user - complete; ".to_owned(),
                    ),
                    ("SYSTEM", "Abort command - complete; ".to_owned()),
                    end.clone(),
                ],
            ),
            outcome: TraceOutcome::Aborted,
            touched: true,
        },
        Run {
            name: "cut short",
            lines: started(),
            outcome: TraceOutcome::Unknown,
            touched: true,
        },
        Run {
            name: "cut short before it started",
            lines: head(),
            outcome: TraceOutcome::Unknown,
            touched: true,
        },
        Run {
            name: "never started",
            lines: vec![
                ("SYSTEM", file("Analyze method - start")),
                ("SYSTEM", "Analyze method - complete; ".to_owned()),
                (
                    "SYSTEM",
                    "Start method - error; The method could not be loaded".to_owned(),
                ),
            ],
            outcome: TraceOutcome::Error,
            touched: false,
        },
        Run {
            name: "never started, then the end line",
            lines: vec![
                ("SYSTEM", file("Analyze method - start")),
                (
                    "SYSTEM",
                    "Analyze method - error; Syntax error in line 12".to_owned(),
                ),
                end,
            ],
            outcome: TraceOutcome::Error,
            touched: false,
        },
    ]
}

/// How the time stamp is written before `source : message`: the styles of VENUS in several
/// locales. None is ever read for the outcome.
const STAMPS: &[&str] = &[
    "2026-06-16 22:17:32> ",
    "2026-06-16 22:17:32.125> ",
    "2026-06-16 22:17:32 ",
    "2026-06-16 22:17:32\t",
    "2026-06-16 22:17:32>\t",
    "16.06.2026 22:17:32> ",
    "16.06.2026 22:17:32,125\t",
    "06/16/2026 10:17:32 PM> ",
    "16/06/2026 22:17:32 ",
    "2026/06/16 22:17:32.5> ",
    "2026-06-16T22:17:32> ",
];

const BREAKS: &[(&str, &str)] = &[("CRLF", "\r\n"), ("LF", "\n"), ("CR", "\r")];

#[derive(Debug, Clone, Copy)]
enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16LeBom,
    Utf16BeBom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

const ENCODINGS: &[Encoding] = &[
    Encoding::Utf8,
    Encoding::Utf8Bom,
    Encoding::Utf16LeBom,
    Encoding::Utf16BeBom,
    Encoding::Utf16Le,
    Encoding::Utf16Be,
    Encoding::Windows1252,
];

fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    let utf16 = |little: bool, bom: bool| {
        let mut bytes = Vec::new();
        for unit in (if bom { "\u{feff}" } else { "" })
            .encode_utf16()
            .chain(text.encode_utf16())
        {
            bytes.extend(if little {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        bytes
    };
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        Encoding::Utf16LeBom => utf16(true, true),
        Encoding::Utf16BeBom => utf16(false, true),
        Encoding::Utf16Le => utf16(true, false),
        Encoding::Utf16Be => utf16(false, false),
        Encoding::Windows1252 => {
            let (bytes, _, unmappable) = WINDOWS_1252.encode(text);
            assert!(
                !unmappable,
                "the corpus is written in Windows-1252's characters"
            );
            bytes.into_owned()
        }
    }
}

fn text_of(lines: &[(&str, String)], stamp: &str, line_break: &str) -> String {
    lines
        .iter()
        .map(|(source, message)| format!("{stamp}{source} : {message}{line_break}"))
        .collect()
}

/// Hands out `step` bytes at a time, and nothing every other time it is asked, as a file that
/// VENUS is still writing.
struct Growing {
    data: Vec<u8>,
    at: usize,
    step: usize,
    pause: bool,
}

impl Read for Growing {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.pause = !self.pause;
        if self.pause {
            return Ok(0);
        }
        let n = self.step.min(buf.len()).min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Follows the bytes as they arrive, the way the runner follows a live trace.
fn follow(data: &[u8], step: usize) -> Classification {
    let mut lines = LineReader::new(Growing {
        data: data.to_vec(),
        at: 0,
        step,
        pause: false,
    });
    let mut state = TraceState::new();
    loop {
        while let Some(line) = lines.next_line().unwrap() {
            state.feed(&line);
        }
        if lines.get_ref().at == data.len() {
            break;
        }
    }
    for rest in lines.take_rest() {
        state.feed(&rest);
    }
    state.set_encoding(lines.encoding());
    state.classification()
}

#[test]
fn every_run_in_every_encoding_stamp_and_line_break_reads_the_same() {
    let mut checked = 0;
    for run in runs() {
        for stamp in STAMPS {
            for (break_name, line_break) in BREAKS {
                for encoding in ENCODINGS {
                    let what = format!("{} ({encoding:?}, {stamp:?}, {break_name})", run.name);
                    let bytes = encode(&text_of(&run.lines, stamp, line_break), *encoding);
                    let whole = trace::classify(bytes.as_slice()).unwrap();
                    assert_eq!(whole.outcome, run.outcome, "{what}: outcome");
                    assert_eq!(
                        whole.touched_deck, run.touched,
                        "{what}: touched: {:?}",
                        whole.deck
                    );
                    assert_eq!(whole.lines, run.lines.len() as u64, "{what}: lines");
                    assert_eq!(
                        whole.method_file.as_deref(),
                        Some(METHOD),
                        "{what}: the method path comes out right, so it matches the schedule's"
                    );
                    if !run.touched {
                        assert!(
                            matches!(whole.deck, DeckEvidence::NotTouched { .. }),
                            "{what}: {:?}",
                            whole.deck
                        );
                    }
                    // Followed while it grows: a UTF-16 file two bytes (and an odd three) at a
                    // time, never splitting a character; CR and LF in separate reads.
                    for step in [1, 2, 3, 4096] {
                        let live = follow(&bytes, step);
                        assert_eq!(
                            (
                                live.outcome,
                                live.touched_deck,
                                live.lines,
                                &live.method_file
                            ),
                            (
                                whole.outcome,
                                whole.touched_deck,
                                whole.lines,
                                &whole.method_file
                            ),
                            "{what}: followed {step} bytes at a time"
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 8 * STAMPS.len() * BREAKS.len() * ENCODINGS.len());
}

#[test]
fn a_file_that_is_not_a_trace_is_unknown_touched_and_said_in_words() {
    let random: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    for (what, bytes) in [
        ("an empty file", Vec::new()),
        ("random bytes", random),
        (
            "a text that is not a trace",
            b"Dear colleagues,\r\nthe robot is booked on Friday.\r\n".to_vec(),
        ),
        (
            "a CSV export",
            b"Well;Volume;Result\r\nA1;50;OK\r\n".to_vec(),
        ),
    ] {
        let c = trace::classify(bytes.as_slice()).unwrap();
        assert_eq!(c.outcome, TraceOutcome::Unknown, "{what}");
        assert!(c.touched_deck, "{what}: {:?}", c.deck);
        let words = c.deck.explain();
        assert!(
            words.contains("may have been touched") && !words.contains('\u{fffd}'),
            "{what}: {words}"
        );
    }
}

#[test]
fn a_line_in_an_unknown_layout_makes_an_otherwise_clean_trace_touched() {
    let text = "2026-06-16 22:15:01> SYSTEM : Analyze method - start; Method file C:\\M\\A.med\r\n\
                22:15:02 SYSTEM : Start method - error; The method could not be loaded\r\n";
    let c = trace::classify(text.as_bytes()).unwrap();
    assert!(
        c.touched_deck,
        "a line without a date is not read: {:?}",
        c.deck
    );
    assert!(
        matches!(c.deck, DeckEvidence::Unreadable { number: 2, .. }),
        "{:?}",
        c.deck
    );
    assert!(
        c.deck
            .explain()
            .contains("could not read this trace's format")
    );
}

fn any_encoding() -> impl Strategy<Value = Encoding> {
    prop::sample::select(ENCODINGS)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A trace with a device's line, in any variant, with any SYSTEM lines and any bytes
    /// around it: the deck is never "not touched".
    #[test]
    fn a_device_line_always_means_touched(
        before in prop::collection::vec(0usize..4, 0..6),
        after in prop::collection::vec(0usize..4, 0..6),
        device in "[A-Z][A-Z_]{1,10}",
        step in "[A-Za-z ]{1,12}",
        status in prop::sample::select(vec!["start", "complete", "error"]),
        stamp in prop::sample::select(STAMPS.to_vec()),
        line_break in prop::sample::select(vec!["\r\n", "\n", "\r"]),
        encoding in any_encoding(),
        noise in prop::collection::vec(any::<u8>(), 0..40),
        noise_at in 0usize..3,
    ) {
        prop_assume!(!device.eq_ignore_ascii_case("SYSTEM"));
        let system = [
            "Analyze method - start; ",
            "Analyze method - complete; ",
            "Start method - error; could not be loaded",
            "End method - complete; ",
        ];
        let mut lines: Vec<(&str, String)> =
            before.iter().map(|i| ("SYSTEM", system[*i].to_owned())).collect();
        lines.push((device.as_str(), format!("{} - {status}; ", step.trim())));
        lines.extend(after.iter().map(|i| ("SYSTEM", system[*i].to_owned())));
        let mut bytes = encode(&text_of(&lines, stamp, line_break), encoding);
        match noise_at {
            0 => bytes.splice(0..0, noise.iter().copied()),
            1 => bytes.splice(bytes.len() / 2..bytes.len() / 2, noise.iter().copied()),
            _ => bytes.splice(bytes.len()..bytes.len(), noise.iter().copied()),
        };
        let c = trace::classify(bytes.as_slice()).unwrap();
        prop_assert!(c.touched_deck, "{:?}", c.deck);
        let live = follow(&bytes, 3);
        prop_assert!(live.touched_deck, "followed: {:?}", live.deck);
    }

    /// Whatever the bytes: no panic, and never "not touched".
    #[test]
    fn arbitrary_bytes_are_never_not_touched(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let c = trace::classify(bytes.as_slice()).unwrap();
        prop_assert!(c.touched_deck, "{:?}", c.deck);
        prop_assert!(follow(&bytes, 7).touched_deck);
    }
}
