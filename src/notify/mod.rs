//! Telling people: what a notification says (`message`) and sending it by email (`email`).
//! The outbox that makes delivery survive restarts and outages, desktop notifications and
//! the tray come next (issue 5).

mod email;
mod message;

pub use email::{MailError, send};
pub use message::{Facts, Rendered, render};
