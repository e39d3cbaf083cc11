//! Splitting a trace's bytes into lines of text, whatever encoding and line breaks VENUS and
//! the PC's locale wrote them with.
//!
//! The encoding is found from the first bytes: a byte-order mark (UTF-8, UTF-16 LE or BE), else
//! UTF-16 recognised by its zero bytes (a trace starts with ASCII digits, so every other byte is
//! zero), else 8-bit text: UTF-8 where the bytes are valid UTF-8, and Windows-1252 from the
//! first line that is not (VENUS on a Western European PC writes `é` and `µ` as single bytes).
//! Decoding is `encoding_rs`'s. A line ends at CR LF, LF or a lone CR.
//!
//! A file may still be growing: a line is handed out only once its line break has arrived,
//! a character split across two reads (UTF-16 two bytes at a time) is kept until it is whole,
//! and the encoding is decided only once enough bytes are there to tell.

use std::io::{self, Read};

use encoding_rs::{Decoder, UTF_16BE, UTF_16LE, WINDOWS_1252};

const CHUNK: usize = 64 * 1024;
/// A line longer than this is cut (a trace line is a few hundred bytes; this guards memory).
const MAX_LINE: usize = 1024 * 1024;
/// How many of the first bytes are looked at to recognise UTF-16 without a byte-order mark.
const SNIFF: usize = 64;

/// One line of a trace, without its line break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    /// Part of it could not be read: bytes that are not text in the file's encoding (shown as
    /// U+FFFD), or a line so long that it was cut. Such a line decides nothing.
    pub damaged: bool,
}

impl Line {
    /// A line as read: damaged if it holds U+FFFD, what decoding puts for bytes it cannot read.
    pub fn new(text: String) -> Line {
        let damaged = text.contains(char::REPLACEMENT_CHARACTER);
        Line { text, damaged }
    }
}

/// The encoding, once the first bytes have told it.
enum Form {
    /// Not enough bytes yet to tell.
    Undecided,
    /// UTF-8 (or ASCII); Windows-1252 once a line was not valid UTF-8.
    Bytes { windows_1252: bool },
    /// UTF-16, decoded as it arrives into `LineReader::text`.
    Utf16(Box<Decoder>),
}

/// Reads complete lines from a stream that may still be growing.
pub struct LineReader<R> {
    inner: R,
    form: Form,
    /// Bytes read and not yet made into lines (8-bit text, or the first bytes while undecided).
    raw: Vec<u8>,
    /// UTF-16 text decoded and not yet made into lines.
    text: String,
    /// Where the next line starts in `raw` (8-bit) or `text` (UTF-16).
    start: usize,
    /// Where reads land before they join `raw`.
    scratch: Box<[u8]>,
    /// The last line ended at a CR: an LF right after it is part of that line break.
    after_cr: bool,
    /// The line being read is over-long: its text is being dropped.
    cutting: bool,
}

impl<R: Read> LineReader<R> {
    pub fn new(inner: R) -> Self {
        LineReader {
            inner,
            form: Form::Undecided,
            raw: Vec::with_capacity(CHUNK),
            text: String::new(),
            start: 0,
            scratch: vec![0; CHUNK].into_boxed_slice(),
            after_cr: false,
            cutting: false,
        }
    }

    /// The reader, for seeking or checking its length.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The encoding the trace was found to be in, in words (`None` while undecided).
    pub fn encoding(&self) -> Option<&'static str> {
        match &self.form {
            Form::Undecided => None,
            Form::Bytes {
                windows_1252: false,
            } => Some("UTF-8"),
            Form::Bytes { windows_1252: true } => Some("Windows-1252"),
            Form::Utf16(decoder) => Some(decoder.encoding().name()),
        }
    }

    /// The next complete line, or `None` when the stream has no more complete lines for now
    /// (a growing file may have more later: call again).
    pub fn next_line(&mut self) -> io::Result<Option<Line>> {
        loop {
            if let Some(line) = self.split(false) {
                return Ok(Some(line));
            }
            let read = loop {
                match self.inner.read(&mut self.scratch) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other?,
                }
            };
            if read == 0 {
                return Ok(None);
            }
            self.take_in(read, false);
        }
    }

    /// What is left of a stream that has ended, decided and decoded: the lines not handed out
    /// yet (a stream shorter than the sniffing window is decided only at its end) and the
    /// unfinished last line, whole.
    pub fn take_rest(&mut self) -> Vec<Line> {
        self.take_in(0, true);
        std::iter::from_fn(|| self.split(true)).collect()
    }

    /// Adds `read` bytes from `scratch`: to `raw`, or decoded into `text`.
    fn take_in(&mut self, read: usize, last: bool) {
        match &mut self.form {
            Form::Utf16(decoder) => {
                let bytes = &self.scratch[..read];
                decode_into(decoder, bytes, &mut self.text, last);
            }
            _ => self.raw.extend_from_slice(&self.scratch[..read]),
        }
        if matches!(self.form, Form::Undecided) {
            self.decide(last);
        }
    }

    /// Decides the encoding from the first bytes, once there are enough (or the stream ended).
    fn decide(&mut self, last: bool) {
        let head = &self.raw[..];
        // An empty file has no encoding to tell. Otherwise the same first bytes always decide,
        // however the file arrived: all of the sniffed window, or all there is at its end.
        if head.is_empty() || (!last && head.len() < SNIFF) {
            return;
        }
        let (form, bom) = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
            (
                Form::Bytes {
                    windows_1252: false,
                },
                3,
            )
        } else if head.starts_with(&[0xFF, 0xFE]) {
            (
                Form::Utf16(Box::new(UTF_16LE.new_decoder_without_bom_handling())),
                2,
            )
        } else if head.starts_with(&[0xFE, 0xFF]) {
            (
                Form::Utf16(Box::new(UTF_16BE.new_decoder_without_bom_handling())),
                2,
            )
        } else {
            // ASCII in UTF-16 has a zero in every other byte; 8-bit text has none at all.
            let sniffed = &head[..head.len().min(SNIFF)];
            let zeros_at = |parity: usize| {
                sniffed
                    .iter()
                    .skip(parity)
                    .step_by(2)
                    .filter(|b| **b == 0)
                    .count()
            };
            let (even, odd) = (zeros_at(0), zeros_at(1));
            let pairs = sniffed.len() / 2;
            if odd > 0 && even == 0 && odd * 2 >= pairs {
                (
                    Form::Utf16(Box::new(UTF_16LE.new_decoder_without_bom_handling())),
                    0,
                )
            } else if even > 0 && odd == 0 && even * 2 >= pairs {
                (
                    Form::Utf16(Box::new(UTF_16BE.new_decoder_without_bom_handling())),
                    0,
                )
            } else {
                (
                    Form::Bytes {
                        windows_1252: false,
                    },
                    0,
                )
            }
        };
        self.form = form;
        let rest = self.raw.split_off(bom);
        self.raw.clear();
        if let Form::Utf16(decoder) = &mut self.form {
            decode_into(decoder, &rest, &mut self.text, last);
        } else {
            self.raw = rest;
        }
    }

    /// The bytes not yet made into lines: 8-bit text, or the decoded UTF-16 as UTF-8.
    fn pending(&self) -> &[u8] {
        match self.form {
            Form::Utf16(_) => self.text.as_bytes(),
            _ => &self.raw,
        }
    }

    /// The next line whose break has arrived; with `end`, also what is left after the last one.
    fn split(&mut self, end: bool) -> Option<Line> {
        if matches!(self.form, Form::Undecided) {
            return None;
        }
        let utf16 = matches!(self.form, Form::Utf16(_));
        if self.after_cr && self.start < self.pending().len() {
            self.after_cr = false;
            if self.pending()[self.start] == b'\n' {
                self.start += 1;
            }
        }
        // CR and LF are single bytes in UTF-8 (the decoded UTF-16) and never part of another
        // character there; in Windows-1252 they are themselves.
        let pending = self.pending();
        let found = pending[self.start..]
            .iter()
            .position(|b| *b == b'\n' || *b == b'\r')
            .map(|at| (self.start + at, pending[self.start + at] == b'\r'));
        let (end_at, next) = match found {
            Some((at, cr)) => {
                self.after_cr = cr;
                (at, at + 1)
            }
            None if end && self.start < pending.len() => (pending.len(), pending.len()),
            None => {
                self.compact(utf16);
                return None;
            }
        };
        let mut line = if utf16 {
            Line::new(self.text[self.start..end_at].to_owned())
        } else {
            let Form::Bytes { windows_1252 } = &mut self.form else {
                unreachable!("8-bit text");
            };
            Line::new(decode_8bit(&self.raw[self.start..end_at], windows_1252))
        };
        self.start = next;
        // The end of an over-long line is handed out cut, and says so.
        line.damaged |= std::mem::take(&mut self.cutting);
        Some(line)
    }

    /// Drops the lines already handed out; keeps an over-long line from growing without bound.
    fn compact(&mut self, utf16: bool) {
        if utf16 {
            self.text.drain(..self.start);
            if self.text.len() > MAX_LINE {
                self.text.clear();
                self.cutting = true;
            }
        } else {
            self.raw.drain(..self.start);
            if self.raw.len() > MAX_LINE && !matches!(self.form, Form::Undecided) {
                self.raw.clear();
                self.cutting = true;
            }
        }
        self.start = 0;
    }
}

/// Decodes UTF-16 bytes onto the end of `text`, keeping a character split across reads.
fn decode_into(decoder: &mut Decoder, bytes: &[u8], text: &mut String, last: bool) {
    let mut input = bytes;
    loop {
        let room = decoder
            .max_utf8_buffer_length(input.len())
            .unwrap_or(input.len() * 3 + 16);
        text.reserve(room);
        let (result, read, _) = decoder.decode_to_string(input, text, last);
        input = &input[read..];
        if result == encoding_rs::CoderResult::InputEmpty {
            return;
        }
    }
}

/// A line of 8-bit text: UTF-8 if it is valid UTF-8 and no earlier line was not; else
/// Windows-1252 (from then on, for the rest of the file).
fn decode_8bit(bytes: &[u8], windows_1252: &mut bool) -> String {
    if !*windows_1252 {
        if let Ok(text) = std::str::from_utf8(bytes) {
            return text.to_owned();
        }
        *windows_1252 = true;
    }
    WINDOWS_1252
        .decode_without_bom_handling(bytes)
        .0
        .into_owned()
}
