//! Slots that came due: the missed-run policy, and writing the due runs in one go.

use super::*;

impl<R: Runner, M: RobotMonitor, T: Timer, Tz: Zone> Engine<R, M, T, Tz> {
    /// Handles every schedule whose next slot has come: decides for each, writes all the new
    /// rows and next-run times in one transaction, then starts the runs. Cursors move only
    /// once the write has landed; if it fails, the engine tries again a few seconds later.
    pub(super) fn handle_due(&mut self, now: DateTime<Utc>) {
        if self.paused || self.write_retry_at.is_some_and(|at| now < at) {
            return;
        }
        let mut plans: Vec<DuePlan> = self
            .schedules
            .values()
            .filter(|t| t.cursor.is_some_and(|c| c <= now))
            .filter_map(|t| self.plan(t, now))
            .collect();
        if plans.is_empty() {
            return;
        }
        // Oldest slot first, so the longest-waiting schedule gets the capacity.
        plans.sort_by_key(|p| p.start.as_ref().map(|r| r.slot));
        let mut runs: Vec<NewRun> = Vec::new();
        for plan in &plans {
            runs.extend(plan.missed.iter().cloned());
            runs.extend(plan.start.iter().cloned());
        }
        let next_runs: Vec<(Uuid, Option<DateTime<Utc>>)> =
            plans.iter().map(|p| (p.schedule.id, p.cursor)).collect();
        let written = match self.store.record_due(&runs, &next_runs) {
            Ok(written) => written,
            Err(e) => {
                self.write_retry_at = Some(now + WRITE_RETRY);
                return self.problem(
                    "Could not write the runs that are due; trying again shortly",
                    &e,
                );
            }
        };
        self.write_retry_at = None;
        let mut written = written.into_iter();
        for plan in plans {
            if let Some(tracked) = self.schedules.get_mut(&plan.schedule.id) {
                tracked.cursor = plan.cursor;
            }
            if let Some(missed) = &plan.missed {
                let count = missed.missed_count.unwrap_or(1);
                let row = written.next().flatten();
                warn!(
                    "{}'{}': {count} slot(s) missed, the latest at {}",
                    row.as_ref()
                        .map_or(String::new(), |run| format!("run {}: ", run.id)),
                    plan.schedule.name,
                    missed.slot
                );
                if let Some(run) = row {
                    self.emit_run(&run);
                    self.emit(Event::Missed {
                        schedule_id: plan.schedule.id,
                        schedule_name: plan.schedule.name.clone(),
                        latest: missed.slot,
                        count,
                    });
                }
            }
            if let Some(start) = &plan.start {
                match written.next().flatten() {
                    Some(run) => {
                        if start.origin == RunOrigin::CatchUp {
                            info!(
                                "run {}: '{}' due {}, late: running one catch-up",
                                run.id, plan.schedule.name, start.slot
                            );
                        } else {
                            info!(
                                "run {}: '{}' due {} ({})",
                                run.id, plan.schedule.name, start.slot, start.origin
                            );
                        }
                        self.emit_run(&run);
                        // Behind the runs already waiting: the loop's look at the queue,
                        // right after this, starts it if its turn has come.
                        self.enqueue(&run);
                    }
                    None => info!(
                        "'{}': slot {} already has a run; not running it again",
                        plan.schedule.name, start.slot
                    ),
                }
            }
        }
    }

    /// One schedule's slots up to `now`: the latest runs (on time, or as a catch-up within
    /// the grace window), the others are recorded as one `missed` row with a count. Never a
    /// burst.
    pub(super) fn plan(&self, tracked: &Tracked, now: DateTime<Utc>) -> Option<DuePlan> {
        let schedule = &tracked.schedule;
        let first = tracked.cursor?;
        // The latest slot at or before now, and how many there were since the cursor.
        let (mut latest, mut count, mut previous) = (first, 1u32, None);
        while let Some(next) =
            slots::after(&schedule.recurrence, latest, &self.tz).filter(|n| *n <= now)
        {
            previous = Some(latest);
            latest = next;
            count = count.saturating_add(1);
        }
        let late = now - latest;
        let policy = &schedule.missed_runs;
        let origin = if late <= ON_TIME {
            Some(RunOrigin::Schedule)
        } else if policy.catch_up && late <= Duration::minutes(i64::from(policy.grace_minutes)) {
            Some(RunOrigin::CatchUp)
        } else {
            None
        };
        let (missed_count, missed_latest) = match origin {
            Some(_) => (count - 1, previous),
            None => (count, Some(latest)),
        };
        let missed = missed_latest.filter(|_| missed_count > 0).map(|slot| NewRun {
            schedule_id: schedule.id,
            slot,
            origin: RunOrigin::Schedule,
            status: RunStatus::Missed,
            missed_count: Some(missed_count),
            error_message: Some(if missed_count == 1 {
                "Deckhand was not running (or the PC was asleep) at this time.".to_owned()
            } else {
                format!("Deckhand was not running (or the PC was asleep) for {missed_count} runs; this is the latest of them.")
            }),
        });
        Some(DuePlan {
            schedule: schedule.clone(),
            missed,
            start: origin.map(|origin| NewRun::pending(schedule.id, latest, origin)),
            cursor: slots::after(&schedule.recurrence, latest, &self.tz),
        })
    }

    /// Writes the run row, then tries to start it. A slot that already has a run (after a
    /// crash or a clock jump) is left alone.
    pub(super) fn create_and_start(
        &mut self,
        schedule: &Schedule,
        slot: DateTime<Utc>,
        origin: RunOrigin,
    ) -> Option<Run> {
        match self
            .store
            .insert_run(&NewRun::pending(schedule.id, slot, origin))
        {
            Ok(run) => {
                info!("run {}: '{}' due {slot} ({origin})", run.id, schedule.name);
                self.emit_run(&run);
                let id = run.id;
                // In the queue in the order it was asked for: it starts now if the robot is
                // free and nothing waits before it.
                self.enqueue(&run);
                self.dispatch(self.now());
                self.store.get_run(id).ok()
            }
            Err(StoreError::DuplicateRun { .. }) => {
                info!(
                    "'{}': slot {slot} already has a run; not running it again",
                    schedule.name
                );
                None
            }
            Err(e) => {
                self.problem(
                    &format!("Could not write the run of '{}' due {slot}", schedule.name),
                    &e,
                );
                None
            }
        }
    }
}
