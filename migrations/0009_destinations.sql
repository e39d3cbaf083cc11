-- Chat and webhook destinations (issue 18): Microsoft Teams, Slack, or a plain webhook that
-- receives Deckhand's own JSON. The URL is a secret (whoever has it can post to the channel):
-- it lives in the OS keyring, never here. `host` is what the screens show of it.
CREATE TABLE notification_destinations (
    id         BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL UNIQUE,           -- lower-cased name: one destination per name
    kind       TEXT NOT NULL CHECK (kind IN ('teams', 'slack', 'webhook')),
    host       TEXT NOT NULL,
    enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    events     TEXT NOT NULL,                  -- 'run_failed,run_aborted,...'
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The outbox and the notification log take the new channels and say which destination a
-- message is for. SQLite cannot widen a CHECK in place: each table is copied into a new one.
CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    dedupe_key      TEXT NOT NULL UNIQUE,
    event           TEXT NOT NULL,
    run_id          BLOB,
    schedule_id     BLOB,
    contact_id      BLOB,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'desktop', 'teams', 'slack', 'webhook')),
    payload         TEXT NOT NULL,             -- JSON facts the message is rendered from
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    destination_id  BLOB
);
INSERT INTO outbox_new (id, dedupe_key, event, run_id, schedule_id, contact_id, channel, payload,
        status, attempts, next_attempt_at, last_error, created_at, sent_at)
    SELECT id, dedupe_key, event, run_id, schedule_id, contact_id, channel, payload, status,
        attempts, next_attempt_at, last_error, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';

CREATE TABLE notification_log_new (
    id             INTEGER PRIMARY KEY,
    dedupe_key     TEXT NOT NULL UNIQUE,
    event          TEXT NOT NULL,
    run_id         BLOB,
    schedule_id    BLOB,
    contact_id     BLOB,
    channel        TEXT NOT NULL CHECK (channel IN ('email', 'desktop', 'teams', 'slack', 'webhook')),
    status         TEXT NOT NULL CHECK (status IN ('sent', 'failed')),
    error          TEXT,
    created_at     INTEGER NOT NULL,
    destination_id BLOB
);
INSERT INTO notification_log_new (id, dedupe_key, event, run_id, schedule_id, contact_id,
        channel, status, error, created_at)
    SELECT id, dedupe_key, event, run_id, schedule_id, contact_id, channel, status, error,
        created_at FROM notification_log;
DROP TABLE notification_log;
ALTER TABLE notification_log_new RENAME TO notification_log;
CREATE INDEX notification_log_by_time ON notification_log (created_at);
