//! A thread that looks at the robot's processes on request, so a look can be made beside the
//! engine's own work (writing a finished run's outcome) without starting a thread each time
//! (starting one took about 0.4 ms here, as long as the write it was to overlap).

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};

use crate::engine::effects::RobotMonitor;

/// One look: the robot's program names, Deckhand's own process ids, where to answer.
type Request = (Vec<String>, HashSet<u32>, Sender<Option<String>>);

/// Started at its first request; ends with the engine (its channel closes). Blocked on its
/// channel in between: no wake-ups while nothing is asked.
pub(super) struct Looker<M> {
    monitor: Arc<M>,
    requests: Option<Sender<Request>>,
}

impl<M: RobotMonitor> Looker<M> {
    pub(super) fn new(monitor: Arc<M>) -> Self {
        Looker {
            monitor,
            requests: None,
        }
    }

    /// Starts a look; its answer (as [`RobotMonitor::foreign_run`]) comes on the receiver.
    /// `None` when no thread could be started: the caller looks itself.
    pub(super) fn ask(
        &mut self,
        names: Vec<String>,
        ours: HashSet<u32>,
    ) -> Option<Receiver<Option<String>>> {
        let (answer, answered) = mpsc::channel();
        let request = (names, ours, answer);
        let request = match &self.requests {
            Some(requests) => match requests.send(request) {
                Ok(()) => return Some(answered),
                // The thread is gone (it panicked): start another.
                Err(mpsc::SendError(request)) => request,
            },
            None => request,
        };
        let (requests, incoming) = mpsc::channel::<Request>();
        let monitor = self.monitor.clone();
        std::thread::Builder::new()
            .name("deckhand-look".to_owned())
            .spawn(move || {
                for (names, ours, answer) in incoming {
                    let _ = answer.send(monitor.foreign_run(&names, &ours));
                }
            })
            .ok()?;
        requests.send(request).ok()?;
        self.requests = Some(requests);
        Some(answered)
    }
}
