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

/// The HTTP clients, made again only when the proxy setting changes: one through the proxy,
/// one without any (for a receiver on this PC: a loopback URL through a proxy would put the
/// URL, token and all, on the network in clear text).
#[derive(Default)]
pub struct Poster {
    proxied: Option<(String, reqwest::Client)>,
    direct: Option<reqwest::Client>,
}

fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        // A redirected POST turns into a GET on most services: never follow one.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Deckhand/", env!("CARGO_PKG_VERSION")))
}

fn no_client(e: &reqwest::Error) -> PostError {
    PostError {
        message: format!("no HTTP client could be made: {}", chain(e)),
        temporary: true,
        unreachable: true,
        retry_after: None,
    }
}

impl Poster {
    pub fn new() -> Self {
        Poster::default()
    }

    /// The client for `url`: without a proxy for this PC, else through `proxy` (empty: the
    /// system's proxy settings and the environment's).
    fn client(&mut self, proxy: &str, url: &str) -> Result<&reqwest::Client, PostError> {
        if is_loopback(url) {
            if self.direct.is_none() {
                self.direct = Some(builder().no_proxy().build().map_err(|e| no_client(&e))?);
            }
            return Ok(self.direct.as_ref().expect("made above"));
        }
        if self.proxied.as_ref().is_none_or(|(p, _)| p != proxy) {
            let mut builder = builder();
            if !proxy.is_empty() {
                let proxy = reqwest::Proxy::all(proxy).map_err(|e| {
                    PostError::permanent(format!(
                        "the proxy setting '{proxy}' cannot be used: {}",
                        chain(&e)
                    ))
                })?;
                builder = builder.proxy(proxy);
            }
            let client = builder.build().map_err(|e| no_client(&e))?;
            self.proxied = Some((proxy.to_owned(), client));
        }
        Ok(&self.proxied.as_ref().expect("made above").1)
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
        let secret = secret_parts(url);
        let scrub = |text: String| scrub(&text, url, &secret, &host);
        let client = self.client(proxy, url)?;
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
        let answer = read_some(response).await;
        // Scrubbed whole, then cut: a cut through an echoed token would leave part of it.
        let answer = scrub(answer);
        let answer: String = answer.trim().chars().take(ANSWER_CHARS).collect();
        let said = if answer.is_empty() {
            format!("HTTP {status}")
        } else {
            format!("HTTP {status}: {answer}")
        };
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

/// The most of a service's answer read (a receiver may send a lot).
const ANSWER_BYTES: usize = 8 * 1024;

/// The start of an answer's body, as text.
async fn read_some(mut response: reqwest::Response) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < ANSWER_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            _ => break,
        }
    }
    bytes.truncate(ANSWER_BYTES);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Whether `url` is a receiver on this PC (`localhost`, 127.0.0.0/8, ::1).
fn is_loopback(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| match u.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    })
}

/// Every form in which `url`'s secret part may come back in an answer or error: the URL, its
/// path and query, and each path segment and query value of 8 characters or more — as sent,
/// percent-decoded, and with `/` escaped as JSON may write it. Longest first.
fn secret_parts(url: &str) -> Vec<String> {
    let mut parts = vec![url.to_owned()];
    // (The URL itself is replaced by its host first, in `scrub`.)
    if let Ok(parsed) = url::Url::parse(url) {
        let path = parsed.path();
        if path.len() > 1 {
            parts.push(path.to_owned());
        }
        if let Some(query) = parsed.query().filter(|q| !q.is_empty()) {
            parts.push(query.to_owned());
        }
        if let Some(segments) = parsed.path_segments() {
            parts.extend(segments.map(str::to_owned));
        }
        for (name, value) in parsed.query_pairs() {
            parts.push(name.into_owned());
            parts.push(value.into_owned());
        }
        if let Some(query) = parsed.query() {
            parts.extend(
                query
                    .split('&')
                    .flat_map(|pair| pair.split('='))
                    .map(str::to_owned),
            );
        }
    }
    let mut forms: Vec<String> = Vec::new();
    for part in parts.into_iter().filter(|p| p.chars().count() >= 8) {
        let decoded = url::form_urlencoded::parse(format!("x={part}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let escaped = part.replace('/', "\\/");
        forms.extend([part, decoded, escaped]);
    }
    forms.retain(|f| f.chars().count() >= 8);
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms.dedup();
    forms
}

/// `text` with the URL replaced by its host, and every other secret form of it by "…".
fn scrub(text: &str, url: &str, secret: &[String], host: &str) -> String {
    let mut text = text.replace(url, host);
    for form in secret {
        text = text.replace(form.as_str(), "…");
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
