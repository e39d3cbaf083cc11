//! Telling people: what a notification says (`message`; for chat and webhooks `chat`), sending
//! it by email (`email`), to the desktop (`desktop`) and to chat and webhook URLs (`post`), the
//! destinations themselves (`destinations`), and the outbox task that delivers what state
//! changes queued (`outbox`), once, surviving restarts and outages.

mod chat;
mod desktop;
pub mod destinations;
mod email;
mod message;
mod outbox;
mod post;
mod test_email;

pub use chat::{Envelope, WEBHOOK_SCHEMA, WEBHOOK_VERSION, body as chat_body};
pub use desktop::{DesktopNotifications, desktop_session};
pub use email::{MailError, send, send_with_id};
pub use message::{Facts, Rendered, pc_name, render, render_desktop};
pub use outbox::{Delivering, DeliveryPolicy, DesktopNotifier, Mailer, Outbox, Smtp, start};
pub use post::{PostError, Poster, retry_after};
pub use test_email::{TestEmailError, TestEmailResult, send_test_email};
