//! Input validation: every value a person types is checked here before anything is written.
//!
//! Each check returns a [`FieldError`] naming the field (for the UI to place the message) and
//! saying in plain words what is wrong and what would be right. Validators also normalise
//! (trim names, sort weekdays) so the store keeps one spelling.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use email_address::{EmailAddress, Options};
use serde::Serialize;
use ts_rs::TS;

use crate::model::{
    ContactDraft, DestinationDraft, EventKind, Recurrence, ScheduleDraft, SettingKey, SmtpSettings,
};

/// Longest schedule or contact name.
pub const MAX_NAME_CHARS: usize = 120;
/// Longest path (methods, folders, executables).
pub const MAX_PATH_CHARS: usize = 1024;
/// Longest free-text note (recovery notes).
pub const MAX_NOTE_CHARS: usize = 2000;
/// Longest email address (RFC 5321's limit for a path).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Longest actor name.
pub const MAX_ACTOR_CHARS: usize = 100;
/// Longest interval: one year.
pub const MAX_INTERVAL_HOURS: f64 = 24.0 * 365.0;
/// Shortest interval: one minute.
pub const MIN_INTERVAL_HOURS: f64 = 1.0 / 60.0;

/// One thing wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FieldError {
    /// The field's name as the UI and CLI know it (`name`, `methodPath`, `email`, …).
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Everything wrong with one input, in the order the fields appear.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Invalid(pub Vec<FieldError>);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<&str> = self.0.iter().map(|e| e.message.as_str()).collect();
        f.write_str(&messages.join(" "))
    }
}

impl std::error::Error for Invalid {}

impl From<FieldError> for Invalid {
    fn from(error: FieldError) -> Self {
        Invalid(vec![error])
    }
}

/// Collects field errors; `finish` turns them into a result.
#[derive(Default)]
struct Checks(Vec<FieldError>);

impl Checks {
    fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|e| self.0.push(e)).ok()
    }

    fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Invalid> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(Invalid(self.0))
        }
    }
}

/// Longest piece of a typed value quoted back in a message.
const MAX_SHOWN_CHARS: usize = 60;

/// A line break, tab or other control character, or a Unicode line or paragraph separator.
fn is_line_break_or_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// The invisible characters that change the direction text is shown in (embeddings,
/// overrides and isolates): they can make `x.exe` look like `x.med` on screen.
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take up no space: zero-width spaces and joiners, direction marks, the
/// byte-order mark, the soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{034F}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    ) || is_direction_control(c)
}

/// Nothing a person could see: only white space and invisible characters.
fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

fn has_control(text: &str) -> bool {
    text.chars().any(is_line_break_or_control)
}

/// A typed value as a message quotes it: control and invisible characters written out as
/// `\u{…}` (so they cannot rewrite a terminal or a log line, and the person sees them), and
/// cut after a few dozen characters.
pub fn shown(value: &str) -> String {
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if i == MAX_SHOWN_CHARS {
            out.push('…');
            break;
        }
        if is_line_break_or_control(c) || is_invisible(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Refuses direction controls, naming `label`.
fn no_direction_control(field: &str, label: &str, value: &str) -> Result<(), FieldError> {
    if value.chars().any(is_direction_control) {
        return Err(FieldError::new(
            field,
            format!(
                "{label} contains an invisible character that changes the direction text is shown in (so what is shown is not what is saved); type it again without it."
            ),
        ));
    }
    Ok(())
}

/// A trimmed, non-empty, single-line text of at most `max` characters.
fn text(field: &str, label: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if is_blank(trimmed) {
        return Err(FieldError::new(field, format!("{label} is empty.")));
    }
    let chars = trimmed.chars().count();
    if chars > max {
        return Err(FieldError::new(
            field,
            format!("{label} is {chars} characters long; at most {max} are allowed."),
        ));
    }
    if has_control(trimmed) {
        return Err(FieldError::new(
            field,
            format!("{label} contains a line break, tab or other control character."),
        ));
    }
    no_direction_control(field, label, trimmed)?;
    Ok(trimmed.to_owned())
}

/// A schedule or contact name.
pub fn name(field: &str, value: &str) -> Result<String, FieldError> {
    text(field, "The name", value, MAX_NAME_CHARS)
}

/// Who did something: a person's name or login, or `engine`.
pub fn actor(value: &str) -> Result<String, FieldError> {
    text("actor", "Who did it (the actor)", value, MAX_ACTOR_CHARS)
}

/// A note, such as what was done to recover the robot. Line breaks are allowed.
pub fn note(value: &str) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if is_blank(trimmed) {
        return Err(FieldError::new(
            "note",
            "The note is empty; say what happened or what was done.",
        ));
    }
    let chars = trimmed.chars().count();
    if chars > MAX_NOTE_CHARS {
        return Err(FieldError::new(
            "note",
            format!("The note is {chars} characters long; at most {MAX_NOTE_CHARS} are allowed."),
        ));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(FieldError::new(
            "note",
            "The note contains control characters.",
        ));
    }
    no_direction_control("note", "The note", trimmed)?;
    Ok(trimmed.to_owned())
}

/// A VENUS method path: a `.med` or `.hsl` file. Whether it exists is checked when a run is
/// prepared, since the methods folder may be on a drive that is not mounted right now.
pub fn method_path(value: &str) -> Result<String, FieldError> {
    let path = text("methodPath", "The method path", value, MAX_PATH_CHARS)?;
    let lower = path.to_lowercase();
    if !(lower.ends_with(".med") || lower.ends_with(".hsl")) {
        return Err(FieldError::new(
            "methodPath",
            format!(
                "'{}' is not a VENUS method: the file name must end in .med or .hsl.",
                shown(&path)
            ),
        ));
    }
    Ok(path)
}

/// A folder or executable path setting.
fn path_setting(field: &str, label: &str, value: &str) -> Result<String, FieldError> {
    text(field, label, value, MAX_PATH_CHARS)
}

fn instant_in_range(
    field: &str,
    label: &str,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), FieldError> {
    let earliest = DateTime::parse_from_rfc3339("2000-01-01T00:00:00Z")
        .expect("a valid constant")
        .with_timezone(&Utc);
    let latest = now + Duration::days(366 * 10);
    if at < earliest || at > latest {
        return Err(FieldError::new(
            field,
            format!(
                "{label} {at} is out of range: it must lie between the year 2000 and ten years from now."
            ),
        ));
    }
    Ok(())
}

/// A number of hours as a message shows it: plainly when it is of a size people use, else in
/// scientific notation (a tiny `f64` written out in full is hundreds of digits long).
fn shown_hours(hours: f64) -> String {
    if (0.001..1e7).contains(&hours.abs()) {
        format!("{}", (hours * 10_000.0).round() / 10_000.0)
    } else {
        format!("{hours:e}")
    }
}

/// A recurrence. `previous` is the schedule's recurrence before an edit: an unchanged `once`
/// time may lie in the past (it already ran); a new one may not.
pub fn recurrence(
    value: &Recurrence,
    previous: Option<&Recurrence>,
    now: DateTime<Utc>,
) -> Result<Recurrence, FieldError> {
    let field = "recurrence";
    match value {
        Recurrence::Once { at } => {
            instant_in_range(field, "The run time", *at, now)?;
            let unchanged = previous == Some(value);
            if !unchanged && *at < now - Duration::minutes(1) {
                return Err(FieldError::new(
                    field,
                    format!("The run time {at} is in the past; choose a time from now on."),
                ));
            }
            Ok(value.clone())
        }
        Recurrence::Interval { hours, start } => {
            if !hours.is_finite() || *hours <= 0.0 {
                return Err(FieldError::new(
                    field,
                    "The interval must be a positive number of hours.",
                ));
            }
            if *hours < MIN_INTERVAL_HOURS - 1e-9 {
                return Err(FieldError::new(
                    field,
                    format!(
                        "An interval of {} hours is shorter than one minute; use at least 0.0167 hours.",
                        shown_hours(*hours)
                    ),
                ));
            }
            if *hours > MAX_INTERVAL_HOURS {
                return Err(FieldError::new(
                    field,
                    format!(
                        "An interval of {} hours is longer than one year ({MAX_INTERVAL_HOURS} hours).",
                        shown_hours(*hours)
                    ),
                ));
            }
            instant_in_range(field, "The first run", *start, now)?;
            Ok(value.clone())
        }
        Recurrence::Hourly { start }
        | Recurrence::Daily { start }
        | Recurrence::Weekly { start } => {
            instant_in_range(field, "The first run", *start, now)?;
            Ok(value.clone())
        }
        Recurrence::Weekdays { days, time } => {
            let mut days = days.clone();
            days.sort();
            days.dedup();
            if days.is_empty() {
                return Err(FieldError::new(field, "Choose at least one weekday."));
            }
            Ok(Recurrence::Weekdays { days, time: *time })
        }
    }
}

/// A whole schedule draft, every field checked; all problems are reported at once.
pub fn schedule(
    draft: &ScheduleDraft,
    previous: Option<&Recurrence>,
    now: DateTime<Utc>,
) -> Result<ScheduleDraft, Invalid> {
    let mut checks = Checks::default();
    let name = checks.check(name("name", &draft.name));
    let method_path = checks.check(method_path(&draft.method_path));
    let recurrence = checks.check(recurrence(&draft.recurrence, previous, now));
    let retry = &draft.retry;
    if !(1..=20).contains(&retry.max_attempts) {
        checks.0.push(FieldError::new(
            "retry.maxAttempts",
            format!(
                "{} attempts is out of range: allow 1 to 20.",
                retry.max_attempts
            ),
        ));
    }
    if !(1..=1440).contains(&retry.delay_minutes) {
        checks.0.push(FieldError::new(
            "retry.delayMinutes",
            format!(
                "A retry delay of {} minutes is out of range: use 1 to 1440 (one day).",
                retry.delay_minutes
            ),
        ));
    }
    if retry.max_delay_minutes < retry.delay_minutes || retry.max_delay_minutes > 1440 {
        checks.0.push(FieldError::new(
            "retry.maxDelayMinutes",
            format!(
                "The longest retry delay ({} minutes) must be at least the retry delay ({} minutes) and at most 1440.",
                retry.max_delay_minutes, retry.delay_minutes
            ),
        ));
    }
    if draft.missed_runs.grace_minutes > 1440 {
        checks.0.push(FieldError::new(
            "missedRuns.graceMinutes",
            format!(
                "A grace window of {} minutes is longer than one day (1440).",
                draft.missed_runs.grace_minutes
            ),
        ));
    }
    if let Some(minutes) = draft.expected_duration_minutes
        && !(1..=10080).contains(&minutes)
    {
        checks.0.push(FieldError::new(
            "expectedDurationMinutes",
            format!("An expected duration of {minutes} minutes is out of range: use 1 to 10080 (one week)."),
        ));
    }
    if let Some(minutes) = draft.stuck_minutes
        && !(1..=1440).contains(&minutes)
    {
        checks.0.push(FieldError::new(
            "stuckMinutes",
            format!(
                "A stuck threshold of {minutes} minutes is out of range: use 1 to 1440 (one day)."
            ),
        ));
    }
    checks.finish(|| ScheduleDraft {
        name: name.unwrap_or_default(),
        method_path: method_path.unwrap_or_default(),
        recurrence: recurrence.expect("checked above"),
        retry: draft.retry.clone(),
        missed_runs: draft.missed_runs.clone(),
        expected_duration_minutes: draft.expected_duration_minutes,
        stuck_minutes: draft.stuck_minutes,
        active: draft.active,
    })
}

/// An email address, checked by a real RFC 5322 parser (`email_address`): a bare address,
/// no display name, and a domain with at least one dot.
pub fn email(field: &str, value: &str) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if is_blank(trimmed) {
        return Err(FieldError::new(field, "The email address is empty."));
    }
    let chars = trimmed.chars().count();
    if chars > MAX_EMAIL_CHARS {
        return Err(FieldError::new(
            field,
            format!(
                "The email address is {chars} characters long; an address has at most {MAX_EMAIL_CHARS}."
            ),
        ));
    }
    if trimmed
        .chars()
        .any(|c| is_line_break_or_control(c) || is_invisible(c))
    {
        return Err(FieldError::new(
            field,
            format!(
                "'{}' is not a valid email address: it contains a line break, control or invisible character; write it like name@example.org.",
                shown(trimmed)
            ),
        ));
    }
    let options = Options::default()
        .with_required_tld()
        .without_display_text()
        .without_domain_literal();
    match EmailAddress::parse_with_options(trimmed, options) {
        Ok(address) => Ok(address.to_string()),
        Err(error) => Err(FieldError::new(
            field,
            format!(
                "'{}' is not a valid email address ({error}); write it like name@example.org.",
                shown(trimmed)
            ),
        )),
    }
}

/// A contact draft.
pub fn contact(draft: &ContactDraft) -> Result<ContactDraft, Invalid> {
    let mut checks = Checks::default();
    let name = checks.check(name("name", &draft.name));
    let email = checks.check(email("email", &draft.email));
    let mut events: Vec<EventKind> = draft.events.clone();
    events.sort();
    events.dedup();
    checks.finish(|| ContactDraft {
        name: name.unwrap_or_default(),
        email: email.unwrap_or_default(),
        enabled: draft.enabled,
        events,
    })
}

/// Longest destination URL: Teams Workflows URLs run to about 500 characters; Windows'
/// credential store keeps at most 2,560 bytes of UTF-16 (1,280 characters).
pub const MAX_URL_CHARS: usize = 1200;

/// Whether `host` is this PC (a test receiver): `localhost`, 127.0.0.0/8 or ::1.
fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// A URL checked for posting messages to: https (http only to this PC), a host, no user name
/// or password. The messages never quote the URL: it carries the channel's token.
#[derive(Clone, PartialEq, Eq)]
pub struct PostUrl {
    pub url: String,
    /// What the screens show of it.
    pub host: String,
}

impl fmt::Debug for PostUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostUrl")
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

/// A destination's URL.
pub fn post_url(field: &str, value: &str) -> Result<PostUrl, FieldError> {
    let value = value.trim();
    let fail = |message: &str| Err(FieldError::new(field, message));
    if value.is_empty() {
        return fail(
            "The URL is empty: paste the address the channel's webhook or workflow gives you (it starts with https://).",
        );
    }
    if value.chars().count() > MAX_URL_CHARS {
        return fail(&format!(
            "The URL is {} characters long; at most {MAX_URL_CHARS} are allowed.",
            value.chars().count()
        ));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return fail(
            "The URL contains a space, line break or control character: paste it again, in one piece.",
        );
    }
    let Ok(url) = url::Url::parse(value) else {
        return fail("This is not a web address: paste the whole address, starting with https://.");
    };
    let Some(host) = url.host() else {
        return fail("The URL has no host: paste the whole address, starting with https://.");
    };
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => {
            return fail(
                "The URL must start with https://: messages about runs are not sent unencrypted (only a test receiver on this PC may use http://).",
            );
        }
        _ => {
            return fail("The URL must start with https://.");
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return fail(
            "The URL has a user name or password before its host (user:password@…); Deckhand does not send credentials in addresses. Use the address the service gives you.",
        );
    }
    let host = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    // As kept: non-ASCII characters percent-encoded, which may make it longer.
    let url = url.to_string();
    if url.chars().count() > MAX_URL_CHARS {
        return fail(&format!(
            "The URL is {} characters long once encoded; at most {MAX_URL_CHARS} are allowed.",
            url.chars().count()
        ));
    }
    Ok(PostUrl { url, host })
}

/// A destination draft. `creating`: a new destination needs its URL; an edit without one
/// keeps the URL it has. Gives back the draft (name trimmed, events in order, no URL) and the
/// checked URL, if one was given.
pub fn destination(
    draft: &DestinationDraft,
    creating: bool,
) -> Result<(DestinationDraft, Option<PostUrl>), Invalid> {
    let mut checks = Checks::default();
    let name = checks.check(name("name", &draft.name));
    let given = draft.url.as_deref().filter(|u| !u.trim().is_empty());
    let url = match given {
        Some(url) => checks.check(post_url("url", url)),
        None if creating => {
            checks.check::<()>(Err(FieldError::new(
                "url",
                "The URL is empty: paste the address the channel's webhook or workflow gives you (it starts with https://).",
            )));
            None
        }
        None => None,
    };
    let mut events: Vec<EventKind> = draft.events.clone();
    events.sort();
    events.dedup();
    events.retain(|e| *e != EventKind::Test);
    if events.is_empty() && draft.enabled {
        checks.0.push(FieldError::new(
            "events",
            "Choose at least one event for this destination to hear about (or turn it off).",
        ));
    }
    checks.finish(|| {
        (
            DestinationDraft {
                name: name.unwrap_or_default(),
                kind: draft.kind,
                url: None,
                enabled: draft.enabled,
                events,
            },
            url,
        )
    })
}

/// The proxy setting: empty (the system's), or `http(s)://host[:port]` without a user name or
/// password.
fn proxy(field: &str, value: &str) -> Result<String, FieldError> {
    if value.trim().is_empty() {
        return Ok(String::new());
    }
    // No control characters, direction controls or line breaks (which URL parsing would
    // silently drop), and not absurdly long.
    let value = text(field, "The proxy address", value, 300)?;
    let bad = |message: &str| Err(FieldError::new(field, message));
    let Ok(url) = url::Url::parse(&value) else {
        return bad(
            "This is not a proxy address: write it as http://host:port, e.g. http://proxy.lab.example:3128, or leave it empty to use the system's proxy.",
        );
    };
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return bad(
            "This is not a proxy address: write it as http://host:port, e.g. http://proxy.lab.example:3128.",
        );
    }
    if !url.username().is_empty() || url.password().is_some() {
        return bad(
            "A proxy that needs a user name and password cannot be set here (it would be stored in plain text); ask IT for a proxy address the lab PC may use without one.",
        );
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return bad("A proxy address is just http://host:port, with nothing after the port.");
    }
    let host = url.host_str().unwrap_or_default();
    Ok(match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    })
}

/// A mail server's host name or IP address: no scheme, port, path or spaces.
fn host(value: &str) -> Result<String, FieldError> {
    let host = text("host", "The mail server's host name", value, 253)?;
    let bad = |c: char| c.is_whitespace() || matches!(c, '/' | '@' | '\\' | '?' | '#');
    if host.chars().any(bad) || host.contains("://") {
        return Err(FieldError::new(
            "host",
            format!(
                "'{host}' is not a host name: write just the server's name, e.g. smtp.example.org, and the port separately."
            ),
        ));
    }
    Ok(host)
}

/// SMTP settings.
pub fn smtp(settings: &SmtpSettings) -> Result<SmtpSettings, Invalid> {
    let mut checks = Checks::default();
    let host = checks.check(host(&settings.host));
    if settings.port == 0 {
        checks.0.push(FieldError::new(
            "port",
            "Port 0 is not a mail server port; use e.g. 25, 465 or 587.",
        ));
    }
    let username = match settings.username.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(user) => checks.check(text("username", "The user name", user, 256)),
    };
    let from_address = checks.check(email("fromAddress", &settings.from_address));
    checks.finish(|| SmtpSettings {
        host: host.unwrap_or_default(),
        port: settings.port,
        tls: settings.tls,
        username,
        from_address: from_address.unwrap_or_default(),
    })
}

/// A setting's value as typed, checked and normalised to its stored spelling.
pub fn setting(key: SettingKey, value: &str) -> Result<String, FieldError> {
    let field: &'static str = key.into();
    let number = |low: u32, high: u32, unit: &str| -> Result<String, FieldError> {
        let trimmed = value.trim();
        match trimmed.parse::<u32>() {
            Ok(n) if (low..=high).contains(&n) => Ok(n.to_string()),
            _ => Err(FieldError::new(
                field,
                format!(
                    "'{}' is not allowed for {field}: give a whole number of {unit} from {low} to {high}.",
                    shown(trimmed)
                ),
            )),
        }
    };
    match key {
        SettingKey::HxrunPath => path_setting(field, "The HxRun path", value),
        SettingKey::MethodsFolder => path_setting(field, "The methods folder", value),
        SettingKey::LogFolder => path_setting(field, "The log folder", value),
        SettingKey::HxrunArgs => {
            let args = text(field, "The HxRun arguments", value, MAX_PATH_CHARS)?;
            if !args.contains("{method}") {
                return Err(FieldError::new(
                    field,
                    "The HxRun arguments must contain {method}, which stands for the method file (the default is '{method} -r -t').",
                ));
            }
            Ok(args)
        }
        SettingKey::MaxConcurrentRuns => number(1, 32, "runs"),
        SettingKey::StuckThresholdMinutes => number(1, 1440, "minutes"),
        SettingKey::BackupKeep => number(1, 365, "backups"),
        SettingKey::LogLevel => {
            let trimmed = value.trim();
            match trimmed.parse::<crate::model::LogLevel>() {
                Ok(level) => Ok(level.to_string()),
                Err(_) => Err(FieldError::new(
                    field,
                    format!(
                        "'{}' is not a log level: say error, warn, info, debug or trace.",
                        shown(trimmed)
                    ),
                )),
            }
        }
        SettingKey::Simulation | SettingKey::MethodsFolderOnly => {
            match value.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" => Ok("true".to_owned()),
                "false" | "no" | "off" => Ok("false".to_owned()),
                other => Err(FieldError::new(
                    field,
                    format!(
                        "'{}' is not allowed for {key}: say true or false.",
                        shown(other)
                    ),
                )),
            }
        }
        SettingKey::HttpsProxy => proxy(field, value),
        SettingKey::RobotProcessNames => {
            let mut names = Vec::new();
            for part in value.split(',') {
                names.push(text(field, "A process name", part, 260)?);
            }
            Ok(names.join(","))
        }
    }
}
