//! The scheduler inside the desktop app: started with the window (unless another program runs
//! it on this database), its events forwarded to the UI and the tray, stopped on quit.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use deckhand::clock::SystemClock;
use deckhand::engine::EngineHandle;
use deckhand::host::{self, Hosted};
use deckhand::secrets::Secrets;
use deckhand::status::{self, Overview};
use deckhand::store::{Store, StoreError};
use tauri::{AppHandle, Emitter, Manager};

/// The name of the Tauri event that carries every engine event to the UI.
pub const ENGINE_EVENT: &str = "deckhand://engine";

/// The scheduler as the app hosts it.
pub struct HostState {
    hosted: Mutex<Option<Hosted>>,
    engine: Option<EngineHandle>,
    /// Why the scheduler does not run in this app, when it does not.
    pub not_here: Option<String>,
    reader: Option<Mutex<Store>>,
    pub secrets: Arc<Secrets>,
}

impl HostState {
    /// Starts the scheduler on the database at `path` (on Tauri's tokio runtime).
    pub fn start(path: Option<PathBuf>) -> HostState {
        let secrets = Arc::new(Secrets::probe());
        let reader = path
            .as_ref()
            .and_then(|p| Store::open(p, Arc::new(SystemClock)).ok())
            .map(Mutex::new);
        let started = match &path {
            None => Err("the database could not be found".to_owned()),
            Some(path) => tauri::async_runtime::block_on({
                let secrets = secrets.clone();
                let path = path.clone();
                async move { host::start(&path, true, secrets).map_err(|e| e.to_string()) }
            }),
        };
        match started {
            Ok(hosted) => HostState {
                engine: Some(hosted.engine.clone()),
                hosted: Mutex::new(Some(hosted)),
                not_here: None,
                reader,
                secrets,
            },
            Err(why) => {
                log::warn!("the scheduler does not run in this window: {why}");
                HostState {
                    engine: None,
                    hosted: Mutex::new(None),
                    not_here: Some(why),
                    reader,
                    secrets,
                }
            }
        }
    }

    pub fn engine_here(&self) -> bool {
        self.engine.is_some()
    }

    /// The engine, or why this window cannot reach it.
    pub fn engine(&self) -> Result<EngineHandle, deckhand::error::IpcError> {
        self.engine.clone().ok_or_else(|| {
            deckhand::error::IpcError::new(
                "scheduler_elsewhere",
                format!(
                    "The scheduler does not run in this window, so it cannot do that: {}",
                    self.not_here.as_deref().unwrap_or("it did not start")
                ),
            )
        })
    }

    /// The outbox bell, when the scheduler (and so the delivery task) runs here.
    pub fn outbox_bell(&self) -> Option<Arc<tokio::sync::Notify>> {
        self.hosted
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(Hosted::outbox_bell)
    }

    /// Pauses or resumes the scheduler in `actor`'s name. Where it runs here, through the
    /// engine; where it runs in another program (`deckhand run`), in the database, which that
    /// program follows within a second.
    pub async fn set_paused(
        &self,
        paused: bool,
        actor: &str,
    ) -> Result<(), deckhand::error::IpcError> {
        if let Some(engine) = &self.engine {
            return Ok(if paused {
                engine.pause(actor).await
            } else {
                engine.resume(actor).await
            }?);
        }
        let Some(store) = &self.reader else {
            return Err(self.engine().err().unwrap_or_else(|| {
                deckhand::error::IpcError::new("internal", "The database is not open.")
            }));
        };
        let mut store = store.lock().unwrap_or_else(|p| p.into_inner());
        store.set_scheduler_paused(paused, actor)?;
        Ok(())
    }

    /// What runs, what needs a person, what is next (blocking: call off the UI thread).
    pub fn overview(&self) -> Result<Overview, StoreError> {
        match &self.reader {
            Some(store) => status::overview(&store.lock().unwrap_or_else(|p| p.into_inner())),
            None => Ok(Overview::default()),
        }
    }

    /// Stops the scheduler (methods on the deck keep running).
    pub async fn shutdown(&self) {
        let hosted = self.hosted.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(hosted) = hosted {
            hosted.shutdown().await;
        }
    }
}

/// Forwards engine events to the UI and keeps the tray up to date.
pub fn forward_events(app: &AppHandle) {
    let host = app.state::<Arc<HostState>>().inner().clone();
    crate::tray::refresh(app);
    let Some(engine) = host.engine.clone() else {
        return;
    };
    let mut events = engine.subscribe();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if let deckhand::engine::Event::Settings { settings } = &event {
                        // Changed by another program (or saved here, then already followed).
                        app.state::<crate::state::LogState>()
                            .follow(settings.log_level, None);
                    }
                    let _ = app.emit(ENGINE_EVENT, &event);
                    crate::tray::refresh(&app);
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    crate::tray::refresh(&app);
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    });
}

/// Pauses a running scheduler, resumes a paused one, in the logged-in person's name.
pub fn toggle_pause(app: &AppHandle) {
    let host = app.state::<Arc<HostState>>().inner().clone();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let actor = deckhand::host::login_name().unwrap_or_else(|| "desktop".to_owned());
        let state = tauri::async_runtime::spawn_blocking({
            let host = host.clone();
            move || host.overview().map(|o| o.scheduler.paused)
        })
        .await;
        let result = match state {
            Ok(Ok(paused)) => host
                .set_paused(!paused, &actor)
                .await
                .map_err(|e| e.message),
            Ok(Err(e)) => Err(e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = result {
            log::warn!("could not pause or resume the scheduler: {e}");
        }
        crate::tray::refresh(&app);
    });
}
