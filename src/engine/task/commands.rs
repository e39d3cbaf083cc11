//! Requests from the UI and the CLI: run now, skip next, cancel, pause, schedule changes.

use super::*;

impl<R: Runner, M: RobotMonitor, T: Timer, Tz: Zone> Engine<R, M, T, Tz> {
    pub(super) fn command(&mut self, command: Command) {
        match command {
            Command::ScheduleChanged(id) => self.schedule_changed(id),
            Command::SettingsChanged => self.reread_if_changed(),
            Command::RunNow {
                schedule_id,
                actor,
                reply,
            } => {
                let _ = reply.send(self.run_now(schedule_id, &actor));
            }
            Command::SkipNext {
                schedule_id,
                actor,
                reply,
            } => {
                let _ = reply.send(self.skip_next(schedule_id, &actor));
            }
            Command::Abort {
                run_id,
                actor,
                reply,
            } => {
                let _ = reply.send(self.abort(run_id, &actor));
            }
            Command::Cancel {
                run_id,
                actor,
                reply,
            } => {
                let _ = reply.send(self.cancel(run_id, &actor));
            }
            Command::Replan { schedule_id, reply } => {
                self.schedule_changed(schedule_id);
                let _ = reply.send(Ok(()));
            }
            Command::Pause { actor, reply } => {
                let _ = reply.send(self.set_paused(true, &actor));
            }
            Command::Resume { actor, reply } => {
                let _ = reply.send(self.set_paused(false, &actor));
            }
            Command::Shutdown { .. } => unreachable!("handled by the loop"),
        }
    }

    pub(super) fn schedule_changed(&mut self, id: Uuid) {
        match self.store.get_schedule(id) {
            Ok(schedule)
                if schedule.active && !schedule.archived && schedule.recovery.is_none() =>
            {
                let now = self.now();
                let unchanged = self
                    .schedules
                    .get(&id)
                    .is_some_and(|t| t.schedule.recurrence == schedule.recurrence);
                if unchanged {
                    if let Some(tracked) = self.schedules.get_mut(&id) {
                        tracked.schedule = schedule.clone();
                    }
                } else {
                    // A new or re-timed schedule starts from its next slot from now on.
                    let mut schedule = schedule.clone();
                    schedule.next_run = None;
                    self.track(schedule, now);
                    let cursor = self.schedules.get(&id).and_then(|t| t.cursor);
                    if let Err(e) = self.store.set_run_times(id, cursor, None) {
                        self.problem("Could not save the next run", &e);
                    }
                }
                if let Ok(schedule) = self.store.get_schedule(id) {
                    self.emit(Event::Schedule { schedule });
                }
            }
            Ok(schedule) => {
                self.schedules.remove(&id);
                let why = if schedule.archived {
                    "its schedule was archived"
                } else if schedule.recovery.is_some() {
                    "its schedule needs recovery"
                } else {
                    "its schedule was paused"
                };
                self.drop_waiting_of(id, why);
                self.emit(Event::Schedule { schedule });
            }
            Err(_) => {
                self.schedules.remove(&id);
            }
        }
    }

    pub(super) fn run_now(&mut self, schedule_id: Uuid, actor: &str) -> Result<Run, EngineError> {
        let schedule = self.store.get_schedule(schedule_id)?;
        if schedule.archived {
            return Err(EngineError::Refused(format!(
                "'{}' is archived; unarchive it to run it.",
                schedule.name
            )));
        }
        if schedule.recovery.is_some() {
            return Err(EngineError::Refused(format!(
                "'{}' needs recovery; check the deck and resolve it before running it again.",
                schedule.name
            )));
        }
        self.store.record_audit(
            actor,
            AuditAction::RunRequested,
            AuditTarget::Schedule,
            Some(&schedule_id.to_string()),
            &format!("asked to run '{}' now", schedule.name),
        )?;
        let slot = crate::store::truncate_ms(self.now());
        self.create_and_start(&schedule, slot, RunOrigin::Manual)
            .ok_or_else(|| {
                EngineError::Refused(format!(
                    "'{}' has a run at this very moment already.",
                    schedule.name
                ))
            })
    }

    pub(super) fn skip_next(&mut self, schedule_id: Uuid, actor: &str) -> Result<Run, EngineError> {
        let Some(tracked) = self.schedules.get(&schedule_id) else {
            let schedule = self.store.get_schedule(schedule_id)?;
            return Err(EngineError::Refused(format!(
                "'{}' is not active, so it has no next run to skip.",
                schedule.name
            )));
        };
        let schedule = tracked.schedule.clone();
        let slot = tracked.cursor.ok_or_else(|| {
            EngineError::Refused(format!("'{}' has no more runs.", schedule.name))
        })?;
        let run = self.store.insert_run(&NewRun {
            schedule_id,
            slot,
            origin: RunOrigin::Schedule,
            status: RunStatus::Skipped,
            missed_count: None,
            error_message: Some(format!("Skipped by {actor}.")),
        })?;
        self.store.record_audit(
            actor,
            AuditAction::RunSkipped,
            AuditTarget::Run,
            Some(&run.id.to_string()),
            &format!("skipped the run of '{}' due {slot}", schedule.name),
        )?;
        let cursor = slots::after(&schedule.recurrence, slot, &self.tz);
        if let Some(tracked) = self.schedules.get_mut(&schedule_id) {
            tracked.cursor = cursor;
        }
        self.store.set_run_times(schedule_id, cursor, None)?;
        info!(
            "run {}: '{}' due {slot} skipped by {actor}",
            run.id, schedule.name
        );
        self.emit_run(&run);
        Ok(run)
    }

    pub(super) fn cancel(&mut self, run_id: Uuid, actor: &str) -> Result<Run, EngineError> {
        let run = self.store.get_run(run_id)?;
        if self.in_flight.contains_key(&run_id)
            || matches!(run.status, RunStatus::Running | RunStatus::Stuck)
        {
            return Err(EngineError::Refused(
                "This run has been launched; abort it instead of cancelling it.".to_owned(),
            ));
        }
        if !matches!(run.status, RunStatus::Pending | RunStatus::Waiting) {
            return Err(EngineError::Refused(format!(
                "This run is {}; only a waiting run can be cancelled.",
                run.status
            )));
        }
        let run = self.store.transition_run(
            run_id,
            RunStatus::Cancelled,
            &RunChanges {
                ended_at: Some(self.now()),
                error_message: Some(format!("Cancelled by {actor}.")),
                ..Default::default()
            },
        )?;
        // Only once the cancel is written: had it failed, the run would still wait.
        self.waiting.remove(&run_id);
        self.store.record_audit(
            actor,
            AuditAction::RunCancelled,
            AuditTarget::Run,
            Some(&run_id.to_string()),
            &format!("cancelled the run due {}", run.slot),
        )?;
        info!("run {run_id}: cancelled by {actor}");
        self.emit_run(&run);
        Ok(run)
    }

    pub(super) fn set_paused(&mut self, paused: bool, actor: &str) -> Result<(), EngineError> {
        // Written first: a pause that is not in the database would be forgotten at the next start.
        self.store.set_scheduler_paused(paused, actor)?;
        self.follow_pause(paused, actor);
        Ok(())
    }

    /// Takes the pause state as the database has it (set here or by another program).
    pub(super) fn follow_pause(&mut self, paused: bool, by: &str) {
        if self.paused == paused {
            return;
        }
        self.paused = paused;
        // Resumed: the queue's head may start now.
        self.kick = !paused;
        info!(
            "scheduler {} by {by}",
            if paused { "paused" } else { "resumed" }
        );
        self.emit_engine();
    }

    /// Ends a launched run's process tree; `finished` then records it as aborted by `actor`.
    pub(super) fn abort(&mut self, run_id: Uuid, actor: &str) -> Result<Run, EngineError> {
        let run = self.store.get_run(run_id)?;
        let actor = crate::validate::actor(actor).map_err(crate::store::StoreError::from)?;
        let pid = match self.in_flight.get(&run_id) {
            Some(Flight::Running { pid: Some(pid) }) => *pid,
            Some(_) => {
                return Err(EngineError::Refused(
                    "This run is starting right now; try again in a moment.".to_owned(),
                ));
            }
            None if matches!(run.status, RunStatus::Pending | RunStatus::Waiting) => {
                return Err(EngineError::Refused(
                    "This run has not been launched; cancel it instead.".to_owned(),
                ));
            }
            None => {
                return Err(EngineError::Refused(format!(
                    "This run is {}; there is nothing to abort.",
                    run.status
                )));
            }
        };
        // Known as aborting before the kill, so the outcome is recorded as this person's abort
        // (never retried) whatever happens next.
        self.aborting.insert(run_id, actor.clone());
        if let Err(e) = self.runner.abort(pid) {
            self.aborting.remove(&run_id);
            return Err(EngineError::Refused(format!(
                "Could not end HxRun (process {pid}): {e}"
            )));
        }
        warn!("run {run_id}: {actor} aborted it; ending process {pid} and its children");
        if let Err(e) = self.store.record_audit(
            &actor,
            AuditAction::RunAborted,
            AuditTarget::Run,
            Some(&run_id.to_string()),
            &format!("aborted the run due {} (process {pid})", run.slot),
        ) {
            // The run's record will still say who aborted it.
            self.problem("Could not write the abort to the audit log", &e);
        }
        Ok(run)
    }
}
