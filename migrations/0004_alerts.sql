-- Alerts go out on state changes: the first bad outcome of a schedule opens its alert (and is
-- sent); later bad outcomes while it is open are not sent again; a completed run or a resolved
-- recovery closes it (and says so).
ALTER TABLE schedules ADD COLUMN alert_open INTEGER NOT NULL DEFAULT 0 CHECK (alert_open IN (0, 1));
