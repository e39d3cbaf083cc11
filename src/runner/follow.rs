//! Following a launched method: finding its trace file, reading it as it grows, watching for
//! a stuck or overrunning run, and judging the outcome when the process ends.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::engine::{Outcome, Progress, Verdict};
use crate::trace::{self, Classification, LineReader, TraceOutcome, TraceState};

/// How often a running method's trace and process are looked at.
pub const POLL: Duration = Duration::from_millis(250);

/// Trace files already being followed, so two runs never read the same one.
/// Traces taken by a run: `None` while it follows it, `Some(when)` once it finished with it.
/// A finished trace stays taken for a while, so a run launched right after cannot mistake
/// it (fresh, same method) for its own.
pub type Claimed = Arc<Mutex<HashMap<PathBuf, Option<Instant>>>>;

/// How long a finished run's trace stays taken: well past the 2 s freshness slack of
/// [`find`], after which its creation time rules it out anyway.
const KEEP_FINISHED: Duration = Duration::from_secs(60);

/// What the follower needs to know.
pub struct Watch {
    pub method: PathBuf,
    pub log_folder: PathBuf,
    /// Traces older than this are not this run's.
    pub launched_at: SystemTime,
    pub stuck_after: Duration,
    pub expected: Option<Duration>,
    pub claimed: Claimed,
    pub progress: mpsc::UnboundedSender<Progress>,
    /// A trace already known (after a restart).
    pub known_trace: Option<PathBuf>,
}

/// How the process is waited for: our own child, or (after a restart) a pid.
pub enum Process {
    /// Boxed: on Windows a child's handles make it hundreds of bytes.
    Child(Box<tokio::process::Child>),
    Pid(u32),
}

/// The trace being followed.
struct Follower {
    path: PathBuf,
    lines: LineReader<File>,
    state: TraceState,
}

impl Follower {
    /// Reads the complete lines that arrived; true if any did.
    fn pump(&mut self) -> bool {
        let before = self.state.lines();
        while let Ok(Some(line)) = self.lines.next_line() {
            self.state.feed(&line);
        }
        self.state.lines() > before
    }

    fn finish(mut self) -> Classification {
        self.pump();
        for rest in self.lines.take_rest() {
            self.state.feed(&rest);
        }
        self.state.set_encoding(self.lines.encoding());
        self.state.classification()
    }
}

fn open(path: &Path) -> Option<Follower> {
    Some(Follower {
        path: path.to_path_buf(),
        lines: LineReader::new(File::open(path).ok()?),
        state: TraceState::new(),
    })
}

/// Looks for this run's trace: a `*_Trace.trc` in the log folder, written since the launch,
/// whose `Method file` line names this method, and not followed by another run.
fn find(watch: &Watch) -> Option<Follower> {
    let earliest = watch.launched_at - Duration::from_secs(2);
    let entries = std::fs::read_dir(&watch.log_folder).ok()?;
    let method = watch.method.to_string_lossy();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if !name.ends_with("_trace.trc") {
            continue;
        }
        // Created since the launch (where the file system knows creation times; else
        // modified): a trace another run finished just before is not this run's.
        let fresh = entry
            .metadata()
            .and_then(|m| m.created().or_else(|_| m.modified()))
            .is_ok_and(|at| at >= earliest);
        let taken = {
            let mut claimed = watch.claimed.lock().unwrap_or_else(|e| e.into_inner());
            claimed.retain(|_, done| done.is_none_or(|at| at.elapsed() < KEEP_FINISHED));
            claimed.contains_key(&path)
        };
        if !fresh || taken {
            continue;
        }
        let Some(mut follower) = open(&path) else {
            continue;
        };
        follower.pump();
        let ours = follower
            .state
            .method_file()
            .is_some_and(|named| trace::same_method(named, &method));
        if ours {
            let mut claimed = watch.claimed.lock().unwrap_or_else(|e| e.into_inner());
            if let std::collections::hash_map::Entry::Vacant(slot) = claimed.entry(path.clone()) {
                slot.insert(None);
                return Some(follower);
            }
        }
    }
    None
}

fn alive(pid: u32) -> bool {
    super::process_start(pid).is_some()
}

/// Follows the method until its process ends, then judges it.
pub async fn follow(process: Process, watch: Watch) -> Outcome {
    let started = Instant::now();
    let mut last_growth = Instant::now();
    let mut follower = watch.known_trace.as_deref().and_then(open);
    if let Some(f) = &follower {
        watch
            .claimed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(f.path.clone(), None);
    }
    let (mut stuck, mut overrun, mut announced_start) = (false, false, false);
    let mut process = process;
    let exit = loop {
        let exited = match &mut process {
            Process::Child(child) => tokio::select! {
                status = child.wait() => Some(status.ok().and_then(|s| s.code())),
                () = tokio::time::sleep(POLL) => None,
            },
            Process::Pid(pid) => {
                tokio::time::sleep(POLL).await;
                (!alive(*pid)).then_some(None)
            }
        };
        if follower.is_none() {
            follower = find(&watch);
            if let Some(f) = &follower {
                let _ = watch
                    .progress
                    .send(Progress::TraceFound(f.path.to_string_lossy().into_owned()));
                last_growth = Instant::now();
            }
        }
        if let Some(f) = follower.as_mut()
            && f.pump()
        {
            last_growth = Instant::now();
            if stuck {
                stuck = false;
                let _ = watch.progress.send(Progress::Resumed);
            }
            if !announced_start && f.state.method_started() {
                announced_start = true;
                let _ = watch.progress.send(Progress::MethodStarted);
            }
        }
        if let Some(code) = exited {
            break code;
        }
        if !stuck && last_growth.elapsed() >= watch.stuck_after {
            stuck = true;
            let _ = watch.progress.send(Progress::Stuck {
                silent_for: last_growth.elapsed(),
            });
        }
        if let Some(expected) = watch.expected
            && !overrun
            && started.elapsed() > expected
        {
            overrun = true;
            let _ = watch.progress.send(Progress::Overrun { expected });
        }
    };
    let path = follower.as_ref().map(|f| f.path.clone());
    let classification = follower.map(Follower::finish);
    if let Some(path) = &path {
        watch
            .claimed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.clone(), Some(Instant::now()));
    }
    judge(classification, path, exit, &watch.log_folder)
}

/// Why a run without a trace file counts as having touched the deck.
const NO_TRACE: &str =
    "No trace file was found, so Deckhand cannot tell whether the method started on the deck";

/// The outcome: from the trace; from the exit code only when there is no trace.
pub fn judge(
    classification: Option<Classification>,
    path: Option<PathBuf>,
    exit: Option<i32>,
    log_folder: &Path,
) -> Outcome {
    let exit_text = exit.map_or("no exit code".to_owned(), |c| format!("exit code {c}"));
    let Some(c) = classification else {
        let (verdict, error) = match exit {
            Some(0) => (
                Verdict::Completed,
                format!(
                    "No trace file for this run was found in {}; judged by HxRun's exit code 0, which is not reliable. Check the deck.",
                    log_folder.display()
                ),
            ),
            _ => (
                Verdict::Failed,
                format!(
                    "No trace file for this run was found in {}; HxRun ended with {exit_text}.",
                    log_folder.display()
                ),
            ),
        };
        // Without a trace there is no telling whether the deck was touched.
        return Outcome {
            verdict,
            touched_deck: true,
            deck_unknown: Some(NO_TRACE.to_owned()),
            deck: Some(format!("May have been touched. {NO_TRACE}.")),
            exit_code: exit,
            trace_file: None,
            deciding_line: None,
            error: Some(error),
        };
    };
    let (verdict, error) = match c.outcome {
        TraceOutcome::Completed => (Verdict::Completed, None),
        TraceOutcome::Aborted => (
            Verdict::Aborted,
            Some("The method was aborted in VENUS.".to_owned()),
        ),
        TraceOutcome::Error => (
            Verdict::Failed,
            Some(match &c.step {
                Some(step) => format!("{step} reported an error."),
                None => "A step reported an error.".to_owned(),
            }),
        ),
        TraceOutcome::Unknown => (
            Verdict::Failed,
            Some(format!(
                "The trace has no end line: VENUS stopped without finishing (crashed or was killed; HxRun {exit_text})."
            )),
        ),
    };
    // Why the deck counts as touched or not, where it is not plain from the trace (a method
    // that started, a device at work): the reason a failed run is, or is not, tried again.
    let error = error.map(|e| {
        if c.deck.unknown() {
            format!("{e} {}. Check the deck.", c.deck.explain())
        } else if !c.touched_deck {
            format!("{e} {}.", c.deck.explain())
        } else {
            e
        }
    });
    let deck_unknown = c.deck.unknown().then(|| c.deck.explain());
    let deck = format!(
        "{}. {}.",
        if c.touched_deck {
            "May have been touched"
        } else {
            "Not touched"
        },
        c.deck.explain()
    );
    Outcome {
        verdict,
        touched_deck: c.touched_deck,
        deck_unknown,
        deck: Some(deck),
        exit_code: exit,
        trace_file: path.map(|p| p.to_string_lossy().into_owned()),
        deciding_line: c.deciding_line,
        error,
    }
}
