//! Deckhand's core: runs Hamilton VENUS methods on a schedule, unattended.
//!
//! No Tauri, GTK or WebKit in here: the desktop shell (`src-tauri`) and the `deckhand` CLI are
//! thin layers over this crate. See `ARCHITECTURE.md` for the map.

pub mod backup;
pub mod clock;
pub mod config;
pub mod disk_space;
pub mod doctor;
pub mod engine;
pub mod error;
pub mod host;
pub mod logging;
pub mod model;
pub mod notify;
pub mod processes;
pub mod runner;
pub mod secrets;
pub mod simulation;
pub mod slots;
pub mod status;
pub mod store;
pub mod trace;
pub mod validate;

pub use model::*;
pub use store::{Store, StoreError};
