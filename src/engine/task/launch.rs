//! The queue for the robot, the gates (capacity, a busy robot), the attempt budget, and
//! launching.

use super::*;

impl<R: Runner, M: RobotMonitor, T: Timer, Tz: Zone> Engine<R, M, T, Tz> {
    /// Puts a `pending` run in the queue, in the order it fell due; the next look at the
    /// queue starts it if the robot is free and nothing waits before it.
    pub(super) fn enqueue(&mut self, run: &Run) {
        self.requeue(run, self.now(), false);
        self.kick = true;
    }

    /// Starts queued runs, oldest due first, while the robot is free; a run that cannot start
    /// holds every run after it. A run whose try is due and that still cannot start uses one
    /// attempt. Looks at the queue only when something may have changed: a slot freed, a run
    /// joined, a try is due, or it is time to look for the end of a run Deckhand did not start.
    /// While the scheduler is paused only a run a person asked for just now (Run now) may
    /// start, as before the queue; the others wait for the resume, using no attempts.
    pub(super) fn dispatch(&mut self, now: DateTime<Utc>) {
        if self.paused {
            self.foreign_watch_at = None;
            let asked: Vec<Uuid> = self
                .waiting
                .iter()
                .filter(|(_, q)| q.manual && q.next_try <= now && !q.backing_off)
                .map(|(id, _)| *id)
                .collect();
            if self.kick {
                for run_id in asked {
                    self.try_start(run_id);
                }
            }
            self.kick = false;
            return;
        }
        if self.waiting.is_empty() {
            self.kick = false;
            self.foreign_watch_at = None;
            return;
        }
        let watch_due = self.foreign_watch_at.is_some_and(|at| at <= now);
        let try_due = self.waiting.values().any(|q| q.next_try <= now);
        if !(self.kick || watch_due || try_due) {
            return;
        }
        self.kick = false;
        self.foreign_watch_at = None;
        let mut queue: Vec<(DateTime<Utc>, Uuid)> = self
            .waiting
            .iter()
            .filter(|(_, q)| !q.backing_off || q.next_try <= now)
            .map(|(id, q)| (q.due, *id))
            .collect();
        // Ties (runs due at the same millisecond) go by run id, as the store lists them.
        queue.sort();
        let mut held_by_foreign = false;
        for (_, run_id) in queue {
            let Some(next_try) = self.waiting.get(&run_id).map(|q| q.next_try) else {
                continue;
            };
            match self.gate() {
                None => self.try_start(run_id),
                Some(gate) => {
                    held_by_foreign |= gate.foreign;
                    if next_try <= now {
                        self.try_start(run_id);
                    }
                }
            }
        }
        if held_by_foreign && self.waiting.values().any(|q| !q.backing_off) {
            self.foreign_watch_at = Some(now + FOREIGN_WATCH);
        }
    }

    /// Why a run cannot start now, or `None` when the robot is free: Deckhand at its capacity,
    /// or the robot busy with a run Deckhand did not start. Read at most once per wake-up.
    pub(super) fn gate(&mut self) -> Option<Gate> {
        let capacity = match self.view.capacity {
            Some(capacity) => capacity,
            None => {
                let capacity = self
                    .store
                    .settings()
                    .map(|s| s.max_concurrent_runs)
                    .unwrap_or(1) as usize;
                *self.view.capacity.insert(capacity)
            }
        };
        if self.in_flight.len() >= capacity {
            return Some(Gate {
                reason: format!("Deckhand is at capacity ({capacity} run(s) in progress)"),
                foreign: false,
            });
        }
        let foreign = match &self.view.foreign {
            Some(foreign) => foreign.clone(),
            None => {
                let foreign = self.foreign_run();
                self.view.foreign.insert(foreign).clone()
            }
        };
        foreign.map(|what| Gate {
            reason: format!("the robot is busy with a run Deckhand did not start ({what})"),
            foreign: true,
        })
    }

    pub(super) fn own_pids(&self) -> HashSet<u32> {
        self.in_flight
            .values()
            .filter_map(|f| match f {
                Flight::Running { pid } => *pid,
                Flight::Launching => None,
            })
            .collect()
    }

    /// Loads a queued run and tries to start it.
    pub(super) fn try_start(&mut self, run_id: Uuid) {
        let Some(queued) = self.waiting.remove(&run_id) else {
            return;
        };
        // Kept in its place in the queue when the run cannot be read.
        let keep = |engine: &mut Self| {
            let next_try = queued.next_try.max(engine.now() + WRITE_RETRY);
            engine.waiting.insert(run_id, Queued { next_try, ..queued });
        };
        let run = match self.store.get_run(run_id) {
            Ok(run) => run,
            Err(StoreError::NotFound { .. }) => return,
            Err(e) => {
                // Not forgotten: tried again shortly.
                keep(self);
                return self.problem(
                    &format!("Could not read run {run_id}; trying again shortly"),
                    &e,
                );
            }
        };
        match self.store.get_schedule(run.schedule_id) {
            Ok(schedule) => self.try_start_with(run, &schedule),
            Err(StoreError::NotFound { .. }) => {}
            Err(e) => {
                keep(self);
                self.problem(
                    &format!("Could not read the schedule of run {run_id}; trying again shortly"),
                    &e,
                );
            }
        }
    }

    /// Launches the run if the gates are open; otherwise counts an attempt and waits, or
    /// skips the run when its attempts are used up.
    pub(super) fn try_start_with(&mut self, run: Run, schedule: &Schedule) {
        if !matches!(run.status, RunStatus::Pending | RunStatus::Waiting) {
            return;
        }
        // The schedule may have changed since the run was written or last waited.
        let why_not = if schedule.archived {
            Some("its schedule was archived")
        } else if schedule.recovery.is_some() {
            Some("its schedule needs recovery")
        } else if !schedule.active && run.origin != RunOrigin::Manual {
            Some("its schedule was paused")
        } else {
            None
        };
        if let Some(why) = why_not {
            info!("run {}: not started: {why}", run.id);
            self.transition(
                run.id,
                RunStatus::Cancelled,
                &RunChanges {
                    ended_at: Some(self.now()),
                    error_message: Some(format!("Cancelled: {why}.")),
                    ..Default::default()
                },
            );
            return;
        }
        match self.gate() {
            Some(gate) => self.gated(run, schedule, gate.reason),
            None => self.launch(run, schedule),
        }
    }

    /// One try of a run that cannot start: it uses an attempt and waits in the queue until
    /// the robot frees or its next try; with no attempt left, it is skipped.
    pub(super) fn gated(&mut self, run: Run, schedule: &Schedule, reason: String) {
        let attempt = run.attempt + 1;
        if attempt >= schedule.retry.max_attempts {
            warn!("run {}: skipped after {attempt} attempts: {reason}", run.id);
            self.transition(
                run.id,
                RunStatus::Skipped,
                &RunChanges {
                    attempt: Some(attempt),
                    ended_at: Some(self.now()),
                    error_message: Some(format!("Skipped after {attempt} attempts: {reason}.")),
                    ..Default::default()
                },
            );
            return;
        }
        let now = self.now();
        let retry_at = now + backoff::delay(&schedule.retry, attempt);
        // The instant of its last try: the budget's remaining delays from now.
        let wait_until = (attempt..schedule.retry.max_attempts)
            .fold(now, |at, a| at + backoff::delay(&schedule.retry, a));
        if run.status != RunStatus::Waiting {
            // One line when the run starts waiting; each further try only at debug level.
            info!(
                "run {}: waiting, {reason}; it starts when the robot is free, or is skipped at {wait_until}",
                run.id
            );
        } else {
            debug!(
                "run {}: still waiting (try {attempt} of {}), {reason}; next try at {retry_at}",
                run.id, schedule.retry.max_attempts
            );
        }
        if self
            .transition(
                run.id,
                RunStatus::Waiting,
                &RunChanges {
                    attempt: Some(attempt),
                    error_message: Some(format!("Waiting: {reason}.")),
                    wait_until: Some(wait_until),
                    ..Default::default()
                },
            )
            .is_some()
        {
            self.requeue(&run, retry_at, false);
        }
    }

    /// Puts `run` back in the queue, in its place by due time, with its next try at
    /// `next_try`. `backing_off`: its launch failed (or its method ended before it started), so
    /// it is not started again before then.
    pub(super) fn requeue(&mut self, run: &Run, next_try: DateTime<Utc>, backing_off: bool) {
        self.waiting.insert(
            run.id,
            Queued {
                schedule_id: run.schedule_id,
                due: run.slot,
                next_try,
                backing_off,
                manual: run.origin == RunOrigin::Manual,
            },
        );
    }

    /// What the runner needs to start (or re-attach to) a run of `schedule`.
    pub(super) fn request_for(&self, run_id: Uuid, schedule: &Schedule) -> LaunchRequest {
        let settings = self.store.settings().unwrap_or_default();
        let minutes = |m: u32| std::time::Duration::from_secs(u64::from(m) * 60);
        LaunchRequest {
            run_id,
            schedule_id: schedule.id,
            schedule_name: schedule.name.clone(),
            method_path: schedule.method_path.clone(),
            expected_duration: schedule.expected_duration_minutes.map(minutes),
            stuck_after: minutes(
                schedule
                    .stuck_minutes
                    .unwrap_or(settings.stuck_threshold_minutes),
            ),
            settings,
        }
    }

    pub(super) fn launch(&mut self, run: Run, schedule: &Schedule) {
        self.in_flight.insert(run.id, Flight::Launching);
        // Written before the spawn: killed between the two, the next start knows the method
        // may be on the deck. Unwritable (busy or full database), the run starts all the same:
        // a method late for a database hiccup would cost the scientist more.
        if let Err(e) = self.store.mark_launching(run.id) {
            self.problem(
                &format!("Could not note that run {} is starting", run.id),
                &e,
            );
        }
        let request = self.request_for(run.id, schedule);
        let runner = self.runner.clone();
        let outbox = self.outbox.clone();
        let run_id = run.id;
        tokio::spawn(async move {
            let result = runner.launch(request).await;
            let _ = outbox.send(Msg::Launched { run_id, result });
        });
    }

    pub(super) fn launched(&mut self, run_id: Uuid, result: Result<Launched, LaunchError>) {
        let Ok(run) = self.store.get_run(run_id) else {
            return;
        };
        let attempt = run.attempt + 1;
        match result {
            Ok(method) => {
                info!(
                    "run {run_id}: launched as process {}: {}",
                    method.pid.map_or("?".to_owned(), |p| p.to_string()),
                    method.command_line
                );
                self.in_flight
                    .insert(run_id, Flight::Running { pid: method.pid });
                let changes = RunChanges {
                    attempt: Some(attempt),
                    started_at: Some(method.started_at),
                    command_line: Some(method.command_line.clone()),
                    pid: method.pid,
                    ..Default::default()
                };
                if self
                    .transition(run_id, RunStatus::Running, &changes)
                    .is_none()
                {
                    // The method runs all the same: say so before its outcome.
                    self.unrecorded_starts.insert(run_id, changes);
                }
                if let Err(e) = self.store.set_run_times(
                    run.schedule_id,
                    self.schedules.get(&run.schedule_id).and_then(|t| t.cursor),
                    Some(run.slot),
                ) {
                    self.problem("Could not save the last run time", &e);
                }
                self.emit_engine();
                self.watch(run_id, method);
            }
            Err(error) => {
                self.in_flight.remove(&run_id);
                // Its capacity slot is free again for the queue.
                self.kick = true;
                // The method never started: a later crash must not be taken for one on the deck.
                if let Err(e) = self.store.clear_launching(run_id) {
                    self.problem(
                        &format!("Could not note that run {run_id} did not start"),
                        &e,
                    );
                }
                let Ok(schedule) = self.store.get_schedule(run.schedule_id) else {
                    return;
                };
                // A launch that failed never touched the deck: retry within the budget.
                if attempt < schedule.retry.max_attempts {
                    let retry_at = self.now() + backoff::delay(&schedule.retry, attempt);
                    warn!(
                        "run {run_id}: could not start the method ({error}); trying again at {retry_at}"
                    );
                    if self
                        .transition(
                            run_id,
                            RunStatus::Waiting,
                            &RunChanges {
                                attempt: Some(attempt),
                                error_message: Some(format!(
                                    "Could not start the method: {error}. Trying again."
                                )),
                                ..Default::default()
                            },
                        )
                        .is_some()
                    {
                        self.requeue(&run, retry_at, true);
                    }
                } else {
                    error!(
                        "run {run_id}: could not start the method after {attempt} attempts: {error}"
                    );
                    self.transition(
                        run_id,
                        RunStatus::Failed,
                        &RunChanges {
                            attempt: Some(attempt),
                            ended_at: Some(self.now()),
                            error_message: Some(format!(
                                "Could not start the method after {attempt} attempts: {error}"
                            )),
                            ..Default::default()
                        },
                    );
                }
                self.emit_engine();
            }
        }
    }

    /// Waits for a launched method in its own task, passing on its progress and then its
    /// outcome.
    pub(super) fn watch(&self, run_id: Uuid, method: Launched) {
        let outbox = self.outbox.clone();
        let Launched {
            finished, progress, ..
        } = method;
        // One task, so every piece of progress reaches the engine before the outcome does.
        tokio::spawn(async move {
            let mut finished = finished;
            let outcome = match progress {
                None => finished.await,
                Some(mut progress) => loop {
                    tokio::select! {
                        biased;
                        news = progress.recv() => match news {
                            Some(news) => { let _ = outbox.send(Msg::Progress { run_id, progress: news }); }
                            None => break finished.await,
                        },
                        outcome = &mut finished => {
                            while let Ok(news) = progress.try_recv() {
                                let _ = outbox.send(Msg::Progress { run_id, progress: news });
                            }
                            break outcome;
                        }
                    }
                },
            };
            let _ = outbox.send(Msg::Finished { run_id, outcome });
        });
    }
}
