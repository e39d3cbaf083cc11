-- When the engine is about to start a run's method. A run still pending or waiting with this
-- set was being started when Deckhand stopped: its method may be on the deck, so the next
-- start asks a person to check instead of calling it "not launched".
ALTER TABLE runs ADD COLUMN launching_at INTEGER;
