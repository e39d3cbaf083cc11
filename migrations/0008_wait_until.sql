-- Until when a run waiting for the robot may wait (issue 17): the instant of its last try
-- within the schedule's attempt budget, after which it is skipped. The dashboard shows it. NULL
-- for runs that never waited, and for runs written before this.
ALTER TABLE runs ADD COLUMN wait_until INTEGER;
ALTER TABLE runs_archive ADD COLUMN wait_until INTEGER;
