-- Why a finished run's deck counts as touched or not (issue 20): the evidence from its trace in
-- words ("May have been touched. The method started on the deck (line 5: …)."), so the run's
-- details show what decided whether it could be tried again. NULL for runs judged before this
-- and for runs that never reached a verdict.
ALTER TABLE runs ADD COLUMN deck_evidence TEXT;
ALTER TABLE runs_archive ADD COLUMN deck_evidence TEXT;
