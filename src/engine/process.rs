//! A runner that starts a program as a child process and judges the run by its exit code.
//! The HxRun runner builds on it with the trace file; on its own, the exit code is the only
//! verdict it has, so it never claims a run did not touch the deck.

use std::process::Stdio;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::effects::{LaunchError, LaunchRequest, Launched, Outcome, Runner, Verdict};
use crate::clock::Clock;

/// Starts `program` with `arguments`, where the argument `{method}` is replaced by the
/// method path — passed as one argument, never through a shell, whatever it contains.
pub struct ProcessRunner {
    program: String,
    arguments: Vec<String>,
    clock: Arc<dyn Clock>,
}

impl ProcessRunner {
    /// `argument_template` is split at white space, e.g. `{method} -r -t`.
    pub fn new(program: &str, argument_template: &str, clock: Arc<dyn Clock>) -> Self {
        ProcessRunner {
            program: program.to_owned(),
            arguments: argument_template
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            clock,
        }
    }

    fn arguments_for(&self, method: &str) -> Vec<String> {
        self.arguments
            .iter()
            .map(|a| a.replace("{method}", method))
            .collect()
    }
}

/// A command line as a person would type it: arguments with spaces or quotes are quoted.
pub fn display_command(program: &str, arguments: &[String]) -> String {
    std::iter::once(program)
        .chain(arguments.iter().map(String::as_str))
        .map(|part| {
            if part.is_empty() || part.contains([' ', '\t', '"', '\'']) {
                format!("\"{}\"", part.replace('"', "\\\""))
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Runner for ProcessRunner {
    async fn launch(&self, request: LaunchRequest) -> Result<Launched, LaunchError> {
        let arguments = self.arguments_for(&request.method_path);
        let command_line = display_command(&self.program, &arguments);
        let started_at: DateTime<Utc> = self.clock.now();
        let mut child = tokio::process::Command::new(&self.program)
            .args(&arguments)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Closing Deckhand must not end a method on the deck.
            .kill_on_drop(false)
            .spawn()
            .map_err(|e| LaunchError(format!("could not start {}: {e}", self.program)))?;
        let pid = child.id();
        Ok(Launched {
            pid,
            command_line,
            started_at,
            finished: Box::pin(async move {
                let status = child.wait().await;
                let (verdict, exit_code, error) = match status {
                    Ok(status) if status.success() => (Verdict::Completed, status.code(), None),
                    Ok(status) => (
                        Verdict::Failed,
                        status.code(),
                        Some(match status.code() {
                            Some(code) => {
                                format!("The method's process ended with exit code {code}.")
                            }
                            None => "The method's process was killed.".to_owned(),
                        }),
                    ),
                    Err(e) => (
                        Verdict::Failed,
                        None,
                        Some(format!("Could not wait for the method's process: {e}")),
                    ),
                };
                // Without a trace file there is no telling whether the deck was touched.
                Outcome {
                    verdict,
                    touched_deck: true,
                    exit_code,
                    trace_file: None,
                    deciding_line: None,
                    error,
                }
            }),
        })
    }

    fn reattach(&self, _run_id: Uuid, _pid: u32, _started_at: DateTime<Utc>) -> Option<Launched> {
        // Without the process's start time there is no proof a live pid is still our method.
        None
    }
}
