-- The scheduler's pause is kept in the database: it survives a restart (a PC rebooted for
-- updates while someone works on the deck must not start methods), and every program on this
-- database sees it (the window pauses a scheduler running as `deckhand run`, and the reverse).
CREATE TABLE scheduler_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    -- Who paused or resumed it last, and when (milliseconds since 1970, UTC); NULL: never.
    changed_at INTEGER,
    changed_by TEXT
);
INSERT INTO scheduler_state (id, paused) VALUES (1, 0);
