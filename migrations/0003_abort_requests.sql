-- A person asked (from another program, such as the CLI) to abort a running run; the engine
-- sees the request through its database watch, ends HxRun and clears it.
ALTER TABLE runs ADD COLUMN abort_requested_by TEXT;
