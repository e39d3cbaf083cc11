-- Deckhand's first schema. Forward-only: never edit an applied migration, add a new file.
-- Instants are INTEGER milliseconds since the Unix epoch, UTC. Ids are 16-byte UUID blobs.
-- Statuses and kinds are TEXT, checked against the Rust enums' spellings.

CREATE TABLE schedules (
    id                        BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    name                      TEXT NOT NULL,
    method_path               TEXT NOT NULL,
    recurrence_kind           TEXT NOT NULL
        CHECK (recurrence_kind IN ('once', 'interval', 'hourly', 'daily', 'weekly', 'weekdays')),
    interval_hours            REAL,            -- interval only
    starts_at                 INTEGER,         -- once: the instant; interval kinds: the first slot
    weekdays                  TEXT,            -- weekdays only: 'mon,wed,fri'
    time_of_day               TEXT,            -- weekdays only: 'HH:MM' local time
    retry_max_attempts        INTEGER NOT NULL,
    retry_delay_minutes       INTEGER NOT NULL,
    retry_backoff             TEXT NOT NULL CHECK (retry_backoff IN ('fixed', 'linear', 'exponential')),
    retry_max_delay_minutes   INTEGER NOT NULL,
    missed_catch_up           INTEGER NOT NULL CHECK (missed_catch_up IN (0, 1)),
    missed_grace_minutes      INTEGER NOT NULL,
    expected_duration_minutes INTEGER,
    active                    INTEGER NOT NULL CHECK (active IN (0, 1)),
    archived                  INTEGER NOT NULL CHECK (archived IN (0, 1)),
    recovery_required         INTEGER NOT NULL DEFAULT 0 CHECK (recovery_required IN (0, 1)),
    recovery_note             TEXT,
    recovery_actor            TEXT,
    recovery_at               INTEGER,
    next_run                  INTEGER,         -- background field: never moves updated_at
    last_run                  INTEGER,         -- background field: never moves updated_at
    created_at                INTEGER NOT NULL,
    updated_at                INTEGER NOT NULL -- the optimistic-concurrency token
);
-- The engine's question: which schedules are due next?
CREATE INDEX schedules_due ON schedules (next_run)
    WHERE active = 1 AND archived = 0 AND recovery_required = 0;

-- Texts that repeat across many runs (a schedule's HxRun command line, the trace folder),
-- stored once: a run refers to them by id. Keeps a million runs well under 400 MB.
CREATE TABLE text_pool (
    id   INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE
);

-- `seq` orders runs that share a slot; AUTOINCREMENT so a value is never reused and an
-- archived run keeps its place in history.
CREATE TABLE runs (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
    schedule_id    BLOB NOT NULL REFERENCES schedules (id),
    slot           INTEGER NOT NULL,
    origin         TEXT NOT NULL CHECK (origin IN ('schedule', 'manual', 'catch_up')),
    status         TEXT NOT NULL CHECK (status IN ('pending', 'waiting', 'running', 'completed',
                       'failed', 'aborted', 'stuck', 'missed', 'skipped', 'interrupted', 'cancelled')),
    attempt        INTEGER NOT NULL DEFAULT 0,
    missed_count   INTEGER,
    queued_at      INTEGER NOT NULL,
    started_at     INTEGER,
    ended_at       INTEGER,
    command_line   INTEGER REFERENCES text_pool (id),  -- the HxRun command line
    pid            INTEGER,
    exit_code      INTEGER,
    trace_folder   INTEGER REFERENCES text_pool (id),  -- the trace file's folder, separator kept
    trace_name     TEXT,                               -- the trace file's name
    outcome_detail TEXT,
    error_message  TEXT,
    -- At most one run per schedule per slot, ever. Also serves "history of one schedule".
    UNIQUE (schedule_id, slot)
);
CREATE INDEX runs_by_slot ON runs (slot);
-- Most runs complete: "completed, newest first" walks runs_by_slot; the index keeps the rest.
CREATE INDEX runs_by_status ON runs (status, slot) WHERE status <> 'completed';

-- Runs of deleted schedules, with the schedule's name and method path as they were.
CREATE TABLE runs_archive (
    seq            INTEGER PRIMARY KEY,        -- copied from runs.seq
    id             BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
    schedule_id    BLOB NOT NULL,              -- the deleted schedule's id; no foreign key
    schedule_name  TEXT NOT NULL,
    method_path    TEXT NOT NULL,
    archived_at    INTEGER NOT NULL,
    slot           INTEGER NOT NULL,
    origin         TEXT NOT NULL,
    status         TEXT NOT NULL,
    attempt        INTEGER NOT NULL,
    missed_count   INTEGER,
    queued_at      INTEGER NOT NULL,
    started_at     INTEGER,
    ended_at       INTEGER,
    command_line   INTEGER REFERENCES text_pool (id),
    pid            INTEGER,
    exit_code      INTEGER,
    trace_folder   INTEGER REFERENCES text_pool (id),
    trace_name     TEXT,
    outcome_detail TEXT,
    error_message  TEXT
);
CREATE INDEX runs_archive_by_schedule ON runs_archive (schedule_id, slot);
CREATE INDEX runs_archive_by_slot ON runs_archive (slot);
CREATE INDEX runs_archive_by_status ON runs_archive (status, slot) WHERE status <> 'completed';

CREATE TABLE notification_contacts (
    id         BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    name       TEXT NOT NULL,
    email      TEXT NOT NULL,
    email_key  TEXT NOT NULL UNIQUE,           -- lower-cased address: one contact per mailbox
    enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    events     TEXT NOT NULL,                  -- 'run_failed,run_aborted,...'
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- One row at most. The password is never here: it lives in the OS keyring.
CREATE TABLE smtp_settings (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    host         TEXT NOT NULL,
    port         INTEGER NOT NULL,
    tls_mode     TEXT NOT NULL CHECK (tls_mode IN ('none', 'starttls', 'tls')),
    username     TEXT,
    from_address TEXT NOT NULL,
    updated_at   INTEGER NOT NULL
);

-- Every delivery, once: the dedupe key is event + subject (run or schedule) + contact + channel.
CREATE TABLE notification_log (
    id          INTEGER PRIMARY KEY,
    dedupe_key  TEXT NOT NULL UNIQUE,
    event       TEXT NOT NULL,
    run_id      BLOB,
    schedule_id BLOB,
    contact_id  BLOB,
    channel     TEXT NOT NULL CHECK (channel IN ('email', 'desktop')),
    status      TEXT NOT NULL CHECK (status IN ('sent', 'failed')),
    error       TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX notification_log_by_time ON notification_log (created_at);

-- Messages waiting to go out; survives restarts. Same dedupe key as the log.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    dedupe_key      TEXT NOT NULL UNIQUE,
    event           TEXT NOT NULL,
    run_id          BLOB,
    schedule_id     BLOB,
    contact_id      BLOB,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'desktop')),
    payload         TEXT NOT NULL,             -- JSON facts the message is rendered from
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';

CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id   TEXT,
    detail      TEXT NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (at);
CREATE INDEX audit_log_by_target ON audit_log (target_id, at);
