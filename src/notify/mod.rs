//! Telling people: what a notification says (`message`), sending it by email (`email`) and to
//! the desktop (`desktop`), and the outbox task that delivers what state changes queued
//! (`outbox`), once, surviving restarts and mail-server outages.

mod desktop;
mod email;
mod message;
mod outbox;
mod test_email;

pub use desktop::{DesktopNotifications, desktop_session};
pub use email::{MailError, send, send_with_id};
pub use message::{Facts, Rendered, render, render_desktop};
pub use outbox::{Delivering, DeliveryPolicy, DesktopNotifier, Mailer, Outbox, Smtp, start};
pub use test_email::{TestEmailError, TestEmailResult, send_test_email};
