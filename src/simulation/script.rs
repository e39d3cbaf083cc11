//! What a simulated method does, read from `sim:` lines in the method file.

use std::time::Duration;

/// How a simulated method ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::Display)]
#[strum(serialize_all = "kebab-case", ascii_case_insensitive)]
pub enum Ending {
    /// Runs every step and ends cleanly.
    Completed,
    /// A step reports an error; the method then ends.
    StepError,
    /// The operator aborts it halfway.
    Aborted,
    /// An error dialog waits for a person: the process stays alive and the trace goes silent.
    Stuck,
    /// The process dies halfway: no end line.
    Crashed,
    /// The method never starts (it cannot be loaded): the deck is not touched.
    NotStarted,
}

/// The encoding the trace file is written in: VENUS writes UTF-8 or, on some systems and
/// locales, UTF-16 with a byte-order mark or Windows-1252.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::Display)]
#[strum(serialize_all = "kebab-case", ascii_case_insensitive)]
pub enum TraceEncoding {
    #[strum(serialize = "utf-8")]
    Utf8,
    /// UTF-16 little-endian with a byte-order mark.
    #[strum(serialize = "utf-16")]
    Utf16,
    #[strum(serialize = "windows-1252")]
    Windows1252,
}

/// A simulated method: `sim: outcome=step-error`, `sim: duration=30s`, `sim: steps=6`,
/// `sim: exit-code=0`, `sim: trace=utf-16`, `sim: helper=yes` lines anywhere in the file
/// (after `//`, `#` or nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub ending: Ending,
    pub duration: Duration,
    pub steps: u32,
    /// The process's exit code; HxRun's is not a reliable verdict, so by default even a step
    /// error exits 0, as the real one may.
    pub exit_code: i32,
    /// How the trace file is encoded.
    pub trace: TraceEncoding,
    /// Starts a helper process, as VENUS does, that lives until it is ended: an abort must
    /// end it too. Its pid is written beside the trace (`<trace>.helper-pid`).
    pub helper: bool,
}

impl Default for Script {
    fn default() -> Self {
        Script {
            ending: Ending::Completed,
            duration: Duration::from_secs(10),
            steps: 6,
            exit_code: 0,
            trace: TraceEncoding::Utf8,
            helper: false,
        }
    }
}

fn duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit() && c != '.')?);
    let value: f64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "ms" => value / 1000.0,
        "s" => value,
        "min" | "m" => value * 60.0,
        _ => return None,
    };
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
}

impl Script {
    /// Reads the `sim:` lines of a method file's text; anything else is ignored, and so are
    /// values that do not parse (the defaults stay).
    pub fn parse(text: &str) -> Script {
        let mut script = Script::default();
        for line in text.lines() {
            let line = line
                .trim()
                .trim_start_matches("//")
                .trim_start_matches('#')
                .trim();
            let Some(rest) = line.strip_prefix("sim:") else {
                continue;
            };
            for setting in rest.split_whitespace() {
                let Some((key, value)) = setting.split_once('=') else {
                    continue;
                };
                match key {
                    "outcome" => script.ending = value.parse().unwrap_or(script.ending),
                    "duration" => script.duration = duration(value).unwrap_or(script.duration),
                    "steps" => {
                        script.steps = value.parse::<u32>().unwrap_or(script.steps).clamp(1, 1000)
                    }
                    "exit-code" => script.exit_code = value.parse().unwrap_or(script.exit_code),
                    "trace" => script.trace = value.parse().unwrap_or(script.trace),
                    "helper" => script.helper = matches!(value, "yes" | "true" | "1"),
                    _ => {}
                }
            }
        }
        script
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_read_and_nonsense_keeps_the_defaults() {
        let script = Script::parse(
            "// A demo\n// sim: outcome=step-error duration=1.5s\n# sim: steps=3 exit-code=7 trace=UTF-16 helper=yes\n",
        );
        assert_eq!(
            script,
            Script {
                ending: Ending::StepError,
                duration: Duration::from_millis(1500),
                steps: 3,
                exit_code: 7,
                trace: TraceEncoding::Utf16,
                helper: true,
            }
        );
        assert_eq!(
            Script::parse("sim: outcome=explode duration=soon steps=-1 trace=ebcdic"),
            Script::default()
        );
        assert_eq!(
            Script::parse("sim: duration=2min").duration,
            Duration::from_secs(120)
        );
    }
}
