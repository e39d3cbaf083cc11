//! Reading what people type on the command line, and showing times back to them.

use chrono::{DateTime, Local, LocalResult, NaiveDateTime, TimeZone, Utc};
use comfy_table::{Table, presets::NOTHING};
use deckhand::validate::shown;

/// Parses an instant: RFC 3339 (`2026-12-01T08:00:00Z`, any offset) or local wall time
/// (`2026-12-01 08:00`, `2026-12-01T08:00`, with optional seconds) on this PC's clock.
pub fn instant(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    let formats = [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ];
    let naive = formats
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .ok_or_else(|| {
            format!(
                "'{}' is not a date and time; write it like 2026-12-01 08:00 (local time) or 2026-12-01T07:00:00Z",
                shown(text)
            )
        })?;
    match Local.from_local_datetime(&naive) {
        LocalResult::Single(at) => Ok(at.with_timezone(&Utc)),
        // A wall time that happens twice (clocks go back): the first one, as the time rule says.
        LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        LocalResult::None => Err(format!(
            "{text} does not exist on this PC's clock (the clocks skip it when summer time starts); choose another time"
        )),
    }
}

/// An instant as local wall time, for people.
pub fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub fn local_opt(at: Option<DateTime<Utc>>) -> String {
    at.map(local).unwrap_or_else(|| "—".to_owned())
}

/// A borderless table with a header row.
pub fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_style(NOTHING).set_header(header.to_vec());
    table
}

/// The next whole minute: the default first slot of a new interval schedule.
pub fn next_minute(now: DateTime<Utc>) -> DateTime<Utc> {
    let seconds = now.timestamp();
    DateTime::from_timestamp(seconds - seconds.rem_euclid(60) + 60, 0).unwrap_or(now)
}

/// The one item whose id starts with `id` (at least 4 characters of it, as the list commands
/// show ids): `what` names the kind of thing, `list` the command that lists them.
pub fn by_id_prefix<T>(
    items: Vec<T>,
    id_of: impl Fn(&T) -> uuid::Uuid,
    what: &'static str,
    list: &str,
    id: &str,
) -> Result<T, super::Failure> {
    use super::Failure;
    let id = id.trim().to_ascii_lowercase();
    if id.len() < 4 || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(Failure::Input(format!(
            "'{}' is not a {what} id; give the id (or its first 4 or more characters) as `{list}` shows it",
            shown(&id)
        )));
    }
    let mut matches: Vec<T> = items
        .into_iter()
        .filter(|item| id_of(item).to_string().starts_with(&id))
        .collect();
    match matches.len() {
        1 => Ok(matches.remove(0)),
        0 => Err(Failure::Store(deckhand::StoreError::NotFound { what, id })),
        n => Err(Failure::Input(format!(
            "{n} {what}s have ids starting with '{id}'; give more characters"
        ))),
    }
}
