//! Splitting a byte stream into lines, whatever it holds.

use std::io::{self, Read};

const CHUNK: usize = 64 * 1024;
/// A line longer than this is cut (a trace line is a few hundred bytes; this guards memory).
const MAX_LINE: usize = 1024 * 1024;

/// Reads complete lines from a stream that may still be growing: LF or CRLF, bytes that are
/// not UTF-8 replaced by U+FFFD, and an unfinished last line kept until its line break comes.
pub struct LineReader<R> {
    inner: R,
    buffer: Vec<u8>,
    /// Where reads land before they join `buffer`.
    scratch: Box<[u8]>,
    /// Where the next line starts in `buffer`.
    start: usize,
    /// Bytes of an over-long line already dropped.
    truncating: bool,
}

impl<R: Read> LineReader<R> {
    pub fn new(inner: R) -> Self {
        LineReader {
            inner,
            buffer: Vec::with_capacity(CHUNK),
            scratch: vec![0; CHUNK].into_boxed_slice(),
            start: 0,
            truncating: false,
        }
    }

    /// The reader, for seeking or checking its length.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    fn take_line(&mut self, end: usize) -> String {
        let mut line = &self.buffer[self.start..end];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        let text = String::from_utf8_lossy(line).into_owned();
        self.start = end + 1;
        text
    }

    /// The next complete line, or `None` when the stream has no more complete lines for now
    /// (a growing file may have more later: call again).
    pub fn next_line(&mut self) -> io::Result<Option<String>> {
        loop {
            if let Some(at) = self.buffer[self.start..].iter().position(|b| *b == b'\n') {
                let line = self.take_line(self.start + at);
                if self.truncating {
                    self.truncating = false;
                    continue; // the tail of an over-long line
                }
                return Ok(Some(line));
            }
            // No line break buffered: compact, guard the length, read more.
            self.buffer.drain(..self.start);
            self.start = 0;
            if self.buffer.len() > MAX_LINE {
                self.buffer.clear();
                self.truncating = true;
            }
            let read = loop {
                match self.inner.read(&mut self.scratch) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other?,
                }
            };
            self.buffer.extend_from_slice(&self.scratch[..read]);
            if read == 0 {
                return Ok(None);
            }
        }
    }

    /// The unfinished last line, if any (for a stream that has ended).
    pub fn take_partial(&mut self) -> Option<String> {
        if self.start >= self.buffer.len() || self.truncating {
            return None;
        }
        let end = self.buffer.len();
        self.buffer.push(b'\n');
        Some(self.take_line(end))
    }
}
