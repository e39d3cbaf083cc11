//! Posting a message to a chat or webhook URL (reqwest, native TLS like the email). The URL
//! is a secret: no error, answer or log line made here contains it (only its host).

use std::time::Duration;

use chrono::{DateTime, Utc};
use log::debug;

/// How long one post may take, all told.
const TIMEOUT: Duration = Duration::from_secs(20);
/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The most of a service's answer kept for the log.
const ANSWER_CHARS: usize = 200;

/// Why a post did not go through.
#[derive(Debug, Clone, PartialEq)]
pub struct PostError {
    pub message: String,
    /// Worth trying again later (the service is down or busy, the network is out).
    pub temporary: bool,
    /// The service could not be reached at all (not an answer from it).
    pub unreachable: bool,
    /// The service asked to be left alone this long (`Retry-After`).
    pub retry_after: Option<Duration>,
}

impl PostError {
    fn permanent(message: String) -> Self {
        PostError {
            message,
            temporary: false,
            unreachable: false,
            retry_after: None,
        }
    }
}

/// An HTTP client, made again only when the proxy setting changes.
#[derive(Default)]
pub struct Poster {
    client: Option<(String, reqwest::Client)>,
}

impl Poster {
    pub fn new() -> Self {
        Poster::default()
    }

    /// The client for `proxy` (empty: the system's proxy settings and the environment's).
    fn client(&mut self, proxy: &str) -> Result<&reqwest::Client, PostError> {
        if self.client.as_ref().is_none_or(|(p, _)| p != proxy) {
            let mut builder = reqwest::Client::builder()
                .timeout(TIMEOUT)
                .connect_timeout(CONNECT_TIMEOUT)
                // A redirected POST turns into a GET on most services: never follow one.
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(concat!("Deckhand/", env!("CARGO_PKG_VERSION")));
            if !proxy.is_empty() {
                let proxy = reqwest::Proxy::all(proxy)
                    .map_err(|e| {
                        PostError::permanent(format!(
                            "the proxy setting '{proxy}' cannot be used: {}",
                            chain(&e)
                        ))
                    })?
                    // A receiver on this PC is reached directly.
                    .no_proxy(reqwest::NoProxy::from_string("localhost,127.0.0.1,::1"));
                builder = builder.proxy(proxy);
            }
            let client = builder.build().map_err(|e| PostError {
                message: format!("no HTTP client could be made: {}", chain(&e)),
                temporary: true,
                unreachable: true,
                retry_after: None,
            })?;
            self.client = Some((proxy.to_owned(), client));
        }
        Ok(&self.client.as_ref().expect("made above").1)
    }

    /// Posts `body` as JSON to `url`, with an `Idempotency-Key` header when given. Returns
    /// the service's answer in words ("HTTP 200 OK: ok").
    pub async fn post(
        &mut self,
        proxy: &str,
        url: &str,
        body: &serde_json::Value,
        idempotency_key: Option<&str>,
    ) -> Result<String, PostError> {
        let host = host_of(url);
        let scrub = |text: String| scrub(&text, url, &host);
        let client = self.client(proxy)?;
        let mut request = client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => {
                let e = e.without_url();
                let why = if e.is_timeout() {
                    format!("{host} did not answer within {} s", TIMEOUT.as_secs())
                } else if e.is_connect() {
                    format!("could not connect to {host}: {}", chain(&e))
                } else {
                    format!("the post to {host} failed: {}", chain(&e))
                };
                return Err(PostError {
                    message: scrub(why),
                    temporary: true,
                    unreachable: true,
                    retry_after: None,
                });
            }
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after(v, Utc::now()));
        let answer = response.text().await.unwrap_or_default();
        let answer: String = answer.trim().chars().take(ANSWER_CHARS).collect();
        let said = if answer.is_empty() {
            format!("HTTP {status}")
        } else {
            format!("HTTP {status}: {answer}")
        };
        let said = scrub(said);
        debug!("posted to {host}: {said}");
        if status.is_success() {
            return Ok(said);
        }
        let code = status.as_u16();
        let temporary = code == 408 || code == 425 || code == 429 || status.is_server_error();
        let message = match code {
            429 => format!("{host} asked Deckhand to slow down ({said})"),
            401 | 403 => format!(
                "{host} refused the message ({said}); the URL may have been revoked: enter a new one"
            ),
            404 | 410 => format!(
                "{host} does not know this URL ({said}); the channel or workflow may have been deleted: enter a new URL"
            ),
            300..=399 => format!(
                "{host} answered with a redirect ({said}); enter the URL the service gives you, not a short link"
            ),
            _ => format!("{host} answered {said}"),
        };
        Err(PostError {
            message,
            temporary,
            unreachable: false,
            retry_after: if temporary { retry_after } else { None },
        })
    }
}

/// A URL's host (and port), or "the destination" when it cannot be read.
pub fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(port) => format!("{h}:{port}"),
                None => h.to_owned(),
            })
        })
        .unwrap_or_else(|| "the destination".to_owned())
}

/// `text` with the URL, and its path and query (where the token is), replaced by the host.
fn scrub(text: &str, url: &str, host: &str) -> String {
    let mut text = text.replace(url, host);
    if let Ok(parsed) = url::Url::parse(url) {
        let path = parsed.path();
        if path.len() > 1 {
            text = text.replace(path, "/…");
        }
        if let Some(query) = parsed.query().filter(|q| !q.is_empty()) {
            text = text.replace(query, "…");
        }
    }
    text
}

/// An error with its causes, in one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let said = cause.to_string();
        if !text.contains(&said) {
            text = format!("{text}: {said}");
        }
        source = cause.source();
    }
    text
}

/// A `Retry-After` value: seconds, or an HTTP date. At most a day is honoured.
pub fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    let wait = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => {
            let at = DateTime::parse_from_rfc2822(value).ok()?;
            (at.with_timezone(&Utc) - now)
                .to_std()
                .unwrap_or(Duration::ZERO)
        }
    };
    Some(wait.min(Duration::from_secs(24 * 3600)))
}
