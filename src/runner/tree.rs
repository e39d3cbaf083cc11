//! A launched method's whole process tree, so an abort ends HxRun and everything it started
//! (VENUS starts helper processes of its own). Closing Deckhand never ends it: a method on
//! the deck runs on without Deckhand.
//!
//! - Unix: HxRun leads its own process group; an abort sends the group `SIGKILL`.
//! - Windows: HxRun starts suspended, is put into a Job Object and only then resumed, so every
//!   process it starts is in the job from its first instruction; an abort ends the job
//!   (`TerminateJobObject`). A run re-attached after a restart gets a new job holding the
//!   tree as it is then. Without a job (one could not be made), an abort ends the process
//!   and its descendants as the process list shows them.

#[cfg(unix)]
#[path = "tree/unix.rs"]
mod platform;
#[cfg(windows)]
#[path = "tree/windows.rs"]
mod platform;

pub use platform::{Tree, adopt, adopt_running, end_unheld, prepare};
