//! What a finished method means for its run and schedule.

use super::*;

impl<R: Runner, M: RobotMonitor, T: Timer, Tz: Zone> Engine<R, M, T, Tz> {
    pub(super) fn finished(&mut self, run_id: Uuid, outcome: Outcome) {
        self.in_flight.remove(&run_id);
        // Its capacity slot is free: the queue's head starts at this turn of the loop.
        self.kick = true;
        let aborting = self.aborting.get(&run_id).cloned();
        let look = self.look_meanwhile();
        let recorded = self.record_finished(run_id, outcome.clone());
        if let Some(foreign) = look.and_then(|look| look.recv().ok()) {
            self.end_look = Some(EndLook {
                foreign,
                scanned_at: self.now(),
            });
        }
        if let Err(e) = recorded
            && matches!(e, StoreError::Busy(_) | StoreError::Database(_))
        {
            // The database was locked or could not write: the outcome is not lost, it is
            // written again shortly (as due runs are), not left `running` until a restart.
            if let Some(actor) = aborting {
                self.aborting.insert(run_id, actor);
            }
            warn!("run {run_id}: its outcome could not be written; trying again shortly");
            let outbox = self.outbox.clone();
            let wait = WRITE_RETRY.to_std().unwrap_or_default();
            tokio::spawn(async move {
                tokio::time::sleep(wait).await;
                let _ = outbox.send(Msg::Finished { run_id, outcome });
            });
        }
    }

    /// When a run waits for the freed slot: the look at the robot's processes its start needs,
    /// made on another thread while the outcome is written, so the next run starts that much
    /// sooner (the look and the write take about half a millisecond each).
    fn look_meanwhile(&mut self) -> Option<std::sync::mpsc::Receiver<Option<String>>> {
        if self.paused || !self.waiting.values().any(|q| !q.backing_off) {
            return None;
        }
        self.read_robot_names();
        let (names, ours) = (self.robot_names.clone(), self.own_pids());
        self.looker.ask(names, ours)
    }

    /// Writes a finished method's outcome: its run's status and, after an abort or a stuck
    /// run, its schedule's recovery mark.
    fn record_finished(&mut self, run_id: Uuid, outcome: Outcome) -> Result<(), StoreError> {
        if let Some(start) = self.unrecorded_starts.get(&run_id).cloned() {
            self.try_transition(run_id, RunStatus::Running, &start)?;
            self.unrecorded_starts.remove(&run_id);
        }
        let run = self.store.get_run(run_id)?;
        let schedule = self.store.get_schedule(run.schedule_id).ok();
        let name = schedule
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let mut changes = RunChanges {
            ended_at: Some(self.now()),
            exit_code: outcome.exit_code,
            trace_file: outcome.trace_file.clone(),
            outcome_detail: outcome.deciding_line.clone(),
            error_message: outcome.error.clone(),
            deck_evidence: outcome.deck.clone(),
            ..Default::default()
        };
        if let Some(actor) = self.aborting.remove(&run_id) {
            return self.aborted_by(run, &actor, changes);
        }
        let status = match outcome.verdict {
            Verdict::Completed => RunStatus::Completed,
            Verdict::Failed if !outcome.touched_deck => {
                // The method ended before it started: nothing was done on the deck, so the
                // run may be tried again within its budget.
                // Only a run that is still `running` (not stuck, not aborted by a person) of a
                // schedule that may run goes back to waiting.
                let may_retry = |s: &&Schedule| {
                    run.attempt < s.retry.max_attempts
                        && run.status == RunStatus::Running
                        && !s.archived
                        && s.recovery.is_none()
                        && (s.active || run.origin == RunOrigin::Manual)
                };
                if let Some(schedule) = schedule.as_ref().filter(may_retry) {
                    let retry_at = self.now() + backoff::delay(&schedule.retry, run.attempt);
                    warn!(
                        "run {run_id}: the method ended before it started; trying again at {retry_at}"
                    );
                    changes.ended_at = None;
                    changes.error_message = Some(format!(
                        "The method ended before it started ({}); trying again.",
                        outcome.error.as_deref().unwrap_or("no reason given")
                    ));
                    let run = self.try_transition(run_id, RunStatus::Waiting, &changes)?;
                    self.requeue(&run, retry_at, true);
                    self.emit_engine();
                    return Ok(());
                }
                RunStatus::Failed
            }
            Verdict::Failed => RunStatus::Failed,
            Verdict::Aborted => RunStatus::Aborted,
            Verdict::Stuck => RunStatus::Stuck,
        };
        // The words that decided it, so the log alone explains the outcome.
        let why = match (&outcome.deciding_line, &outcome.error) {
            (Some(line), _) => format!(" (the trace says “{}”)", line.trim()),
            (None, Some(error)) => format!(" ({})", error.trim()),
            (None, None) => String::new(),
        };
        info!("run {run_id}: '{name}' {status}{why}");
        if status == RunStatus::Failed
            && let Some(why) = &outcome.deck_unknown
        {
            // Nothing tells what the failed method did on the deck: a person looks first.
            let note = format!(
                "The run due {} failed. {why}. Check the deck, then resolve.",
                self.local(run.slot)
            );
            self.finish_with_recovery(&run, status, &changes, &note, ENGINE)?;
        } else if matches!(status, RunStatus::Aborted | RunStatus::Stuck) {
            let what = if status == RunStatus::Aborted {
                "aborted"
            } else {
                "stuck"
            };
            // The trace's own words, quoted, so its punctuation does not run into ours.
            let detail = match (outcome.deciding_line, outcome.error) {
                (Some(line), _) => format!(". The trace says: “{}”", line.trim()),
                (None, Some(error)) => format!(": {}", error.trim().trim_end_matches('.')),
                (None, None) => String::new(),
            };
            let note = format!(
                "The run due {} {what}{detail}. Check the deck, then resolve.",
                self.local(run.slot)
            );
            self.finish_with_recovery(&run, status, &changes, &note, ENGINE)?;
        } else {
            self.try_transition(run_id, status, &changes)?;
        }
        self.emit_engine();
        Ok(())
    }

    /// Cancels the not-yet-launched runs of a schedule that stopped being runnable.
    pub(super) fn drop_waiting_of(&mut self, schedule_id: Uuid, why: &str) {
        let runs: Vec<Uuid> = self
            .waiting
            .iter()
            .filter(|(_, q)| q.schedule_id == schedule_id)
            .map(|(id, _)| *id)
            .collect();
        for run_id in runs {
            {
                self.waiting.remove(&run_id);
                self.transition(
                    run_id,
                    RunStatus::Cancelled,
                    &RunChanges {
                        ended_at: Some(self.now()),
                        error_message: Some(format!("Cancelled: {why}.")),
                        ..Default::default()
                    },
                );
            }
        }
    }

    /// News from a running method.
    pub(super) fn progress(&mut self, run_id: Uuid, progress: Progress) {
        let Ok(run) = self.store.get_run(run_id) else {
            return;
        };
        match progress {
            Progress::TraceFound(path) => {
                info!("run {run_id}: following trace {path}");
                self.transition(
                    run_id,
                    run.status,
                    &RunChanges {
                        trace_file: Some(path),
                        ..Default::default()
                    },
                );
            }
            Progress::MethodStarted => {
                info!("run {run_id}: the method started (the deck may be touched from now on)")
            }
            Progress::Stuck { silent_for } => {
                let minutes = silent_for.as_secs() / 60;
                let message = format!(
                    "No trace output for {minutes} minutes while HxRun is still running: VENUS is probably waiting on an error dialog. Go to the robot."
                );
                warn!("run {run_id}: stuck: {message}");
                let changes = RunChanges {
                    error_message: Some(message.clone()),
                    ..Default::default()
                };
                let note = format!("The run due {} is stuck: {message}", self.local(run.slot));
                let _ = self.finish_with_recovery(&run, RunStatus::Stuck, &changes, &note, ENGINE);
            }
            Progress::Resumed => {
                info!("run {run_id}: the trace grows again");
                self.transition(run_id, RunStatus::Running, &RunChanges::default());
            }
            Progress::Overrun { expected } => {
                let minutes = expected.as_secs() / 60;
                warn!("run {run_id}: running longer than the expected {minutes} minutes");
                if let Err(e) = self.store.record_overrun(run_id, minutes as u32) {
                    self.problem(&format!("Could not record that run {run_id} overran"), &e);
                }
                self.emit(Event::Overrun {
                    run,
                    expected_minutes: minutes as u32,
                });
            }
        }
    }

    /// A run a person aborted from Deckhand: `aborted`, and its schedule needs recovery, both
    /// in that person's name.
    fn aborted_by(
        &mut self,
        run: Run,
        actor: &str,
        mut changes: RunChanges,
    ) -> Result<(), StoreError> {
        changes.error_message = Some(format!("Aborted from Deckhand by {actor}."));
        warn!("run {}: aborted by {actor}", run.id);
        let note = format!(
            "{actor} aborted the run due {} from Deckhand. Check the deck, then resolve.",
            self.local(run.slot)
        );
        self.finish_with_recovery(&run, RunStatus::Aborted, &changes, &note, actor)?;
        self.emit_engine();
        Ok(())
    }

    /// Moves the run and marks its schedule as needing recovery in one transaction, then
    /// stops running the schedule and tells everyone.
    fn finish_with_recovery(
        &mut self,
        run: &Run,
        to: RunStatus,
        changes: &RunChanges,
        note: &str,
        actor: &str,
    ) -> Result<(), StoreError> {
        match self
            .store
            .finish_run_needing_recovery(run.id, to, changes, note, actor)
        {
            Ok((run, schedule)) => {
                warn!("run {}: '{}' needs recovery: {note}", run.id, schedule.name);
                self.emit_run(&run);
                self.schedules.remove(&schedule.id);
                self.drop_waiting_of(schedule.id, "its schedule needs recovery");
                self.emit(Event::Schedule { schedule });
                Ok(())
            }
            Err(e) => {
                self.problem(
                    &format!(
                        "Could not record run {} as {to} with its schedule needing recovery",
                        run.id
                    ),
                    &e,
                );
                Err(e)
            }
        }
    }
}
