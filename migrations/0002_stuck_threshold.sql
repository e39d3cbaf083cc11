-- Per-schedule stuck threshold: minutes without trace output (while HxRun is alive) before a
-- run is flagged stuck. NULL means the app-wide setting `stuck_threshold_minutes`.
ALTER TABLE schedules ADD COLUMN stuck_minutes INTEGER;
