//! Sending one message by SMTP (lettre), and reporting the server's answer.

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::message::Rendered;
use crate::model::{SmtpSettings, TlsMode};

/// Why a message did not go out. `temporary` errors are worth retrying.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct MailError {
    pub message: String,
    /// The server may accept it later (connection refused, 4xx): retry with backoff.
    pub temporary: bool,
    /// The server could not be reached or talked to at all (refused, timed out, TLS failed):
    /// no other message would get through now either.
    pub unreachable: bool,
}

fn permanent(message: String) -> MailError {
    MailError {
        message,
        temporary: false,
        unreachable: false,
    }
}

/// Sends `rendered` to `to` (name and address) through `settings`; returns the server's
/// answer to the message, e.g. `250 OK`.
pub async fn send(
    settings: &SmtpSettings,
    password: Option<&str>,
    to_name: &str,
    to_address: &str,
    rendered: &Rendered,
) -> Result<String, MailError> {
    send_with_id(settings, password, to_name, to_address, rendered, None).await
}

/// [`send`] with a given Message-ID (`<id@domain>`); `None` lets lettre make one up.
pub async fn send_with_id(
    settings: &SmtpSettings,
    password: Option<&str>,
    to_name: &str,
    to_address: &str,
    rendered: &Rendered,
    message_id: Option<&str>,
) -> Result<String, MailError> {
    let from: Mailbox = format!("Deckhand <{}>", settings.from_address)
        .parse()
        .map_err(|e| {
            permanent(format!(
                "the sender address {} is not valid: {e}",
                settings.from_address
            ))
        })?;
    let to = Mailbox::new(
        Some(to_name.to_owned()),
        to_address
            .parse()
            .map_err(|e| permanent(format!("the address {to_address} is not valid: {e}")))?,
    );
    // lettre adds the Date header; without a given Message-ID it makes one from this host's
    // name.
    let message = Message::builder()
        .message_id(message_id.map(str::to_owned))
        .from(from)
        .to(to)
        .subject(&rendered.subject)
        .multipart(MultiPart::alternative_plain_html(
            rendered.text.clone(),
            rendered.html.clone(),
        ))
        .map_err(|e| permanent(format!("the message could not be built: {e}")))?;
    let builder = match settings.tls {
        TlsMode::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host),
        TlsMode::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)
            .map_err(|e| {
            permanent(format!(
                "STARTTLS to {} cannot be set up: {e}",
                settings.host
            ))
        })?,
        TlsMode::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host)
            .map_err(|e| permanent(format!("TLS to {} cannot be set up: {e}", settings.host)))?,
    };
    let mut builder = builder
        .port(settings.port)
        .timeout(Some(std::time::Duration::from_secs(30)));
    if let Some(user) = &settings.username {
        builder = builder.credentials(Credentials::new(
            user.clone(),
            password.unwrap_or_default().to_owned(),
        ));
    }
    let response = builder.build().send(message).await.map_err(|e| MailError {
        temporary: e.is_transient() || e.is_timeout() || !e.is_permanent(),
        // Not an answer to this message (4xx / 5xx) but no conversation at all.
        unreachable: e.is_timeout() || !(e.is_transient() || e.is_permanent()),
        message: format!(
            "{}:{} did not take the message: {e}",
            settings.host, settings.port
        ),
    })?;
    let code = response.code().to_string();
    let text: Vec<&str> = response.message().collect();
    Ok(format!("{code} {}", text.join(" ")).trim().to_owned())
}
