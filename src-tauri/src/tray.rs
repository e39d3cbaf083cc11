//! The tray icon: Deckhand's state at a glance (idle, running, needs attention, paused), a
//! status line, and a menu — open Deckhand, pause / resume the scheduler, quit.

use std::sync::{Arc, Mutex};

use chrono::Local;
use deckhand::status::Overview;
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Wry};

use crate::host::HostState;

const IDLE: &[u8] = include_bytes!("../../icons/tray-idle.png");
const RUNNING: &[u8] = include_bytes!("../../icons/tray-running.png");
const ATTENTION: &[u8] = include_bytes!("../../icons/tray-attention.png");
const PAUSED: &[u8] = include_bytes!("../../icons/tray-paused.png");

/// The tray icon and the menu items that change.
pub struct Tray {
    icon: TrayIcon,
    status: MenuItem<Wry>,
    pause: MenuItem<Wry>,
    shown: Mutex<Option<&'static [u8]>>,
}

/// The tray's words and picture for `overview`: needs attention (red) before paused (amber)
/// before running (blue) before idle (grey); the words say all that applies.
pub fn describe(overview: &Overview, engine_here: bool) -> (String, &'static [u8]) {
    let time = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&Local).format("%a %H:%M");
    let paused = overview.scheduler.paused;
    let mut parts = Vec::new();
    if !engine_here {
        parts.push("Scheduler runs in another program".to_owned());
    }
    if paused {
        parts.push("Scheduler paused".to_owned());
    }
    let stuck = overview
        .running
        .iter()
        .find(|r| r.status == deckhand::model::RunStatus::Stuck);
    if let Some(stuck) = stuck {
        parts.push(format!(
            "'{}' is stuck — go to the robot",
            stuck.schedule_name
        ));
    }
    match overview.needs_recovery.as_slice() {
        [] => {}
        [schedule] => parts.push(format!("'{}' needs recovery", schedule.name)),
        schedules => parts.push(format!("{} schedules need recovery", schedules.len())),
    }
    let running: Vec<_> = overview
        .running
        .iter()
        .filter(|r| r.status != deckhand::model::RunStatus::Stuck)
        .collect();
    if let Some(run) = running.first() {
        let since = run
            .started_at
            .map(|at| format!(" since {}", time(at)))
            .unwrap_or_default();
        let more = match running.len() {
            1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        parts.push(format!("Running '{}'{since}{more}", run.schedule_name));
    }
    match overview.waiting.as_slice() {
        [] => {}
        [run] => parts.push(format!("'{}' waits to start", run.schedule_name)),
        runs => parts.push(format!("{} runs wait to start", runs.len())),
    }
    if parts.is_empty() {
        parts.push("Idle".to_owned());
    }
    parts.push(
        overview
            .next()
            .map(|u| format!("next: '{}' {}", u.schedule_name, time(u.at)))
            .unwrap_or_else(|| "nothing planned".to_owned()),
    );
    let picture = if overview.needs_attention() {
        ATTENTION
    } else if paused {
        PAUSED
    } else if !running.is_empty() {
        RUNNING
    } else {
        IDLE
    };
    (parts.join(" · "), picture)
}

impl Tray {
    /// Builds the tray icon. Fails where the desktop has no tray (then closing the window
    /// quits instead of hiding it).
    pub fn build(app: &AppHandle) -> tauri::Result<Tray> {
        let status = MenuItem::with_id(app, "status", "Starting…", false, None::<&str>)?;
        let open = MenuItem::with_id(app, "open", "Open Deckhand", true, None::<&str>)?;
        let pause = MenuItem::with_id(app, "pause", "Pause scheduler", true, None::<&str>)?;
        let quit = MenuItem::with_id(app, "quit", "Quit Deckhand…", true, None::<&str>)?;
        let menu = Menu::with_items(
            app,
            &[
                &status,
                &PredefinedMenuItem::separator(app)?,
                &open,
                &pause,
                &PredefinedMenuItem::separator(app)?,
                &quit,
            ],
        )?;
        let icon = TrayIconBuilder::with_id("deckhand")
            .icon(Image::from_bytes(IDLE)?)
            .tooltip("Deckhand")
            .menu(&menu)
            .show_menu_on_left_click(false)
            .on_menu_event(|app, event| match event.id().as_ref() {
                "open" => crate::show_window(app),
                "pause" => crate::host::toggle_pause(app),
                "quit" => crate::quit(app),
                _ => {}
            })
            .on_tray_icon_event(|tray, event| {
                if let TrayIconEvent::Click {
                    button: MouseButton::Left,
                    button_state: MouseButtonState::Up,
                    ..
                } = event
                {
                    crate::show_window(tray.app_handle());
                }
            })
            .build(app)?;
        Ok(Tray {
            icon,
            status,
            pause,
            shown: Mutex::new(None),
        })
    }

    /// Shows `overview`.
    pub fn show(&self, overview: &Overview, engine_here: bool) {
        let paused = overview.scheduler.paused;
        let (text, picture) = describe(overview, engine_here);
        let _ = self.status.set_text(&text);
        let _ = self.icon.set_tooltip(Some(format!("Deckhand — {text}")));
        let _ = self.pause.set_text(if paused {
            "Resume scheduler"
        } else {
            "Pause scheduler"
        });
        let mut shown = self.shown.lock().unwrap_or_else(|p| p.into_inner());
        if *shown != Some(picture) {
            if let Ok(image) = Image::from_bytes(picture) {
                let _ = self.icon.set_icon(Some(image));
            }
            *shown = Some(picture);
        }
    }
}

/// Reads the overview (on a blocking thread) and shows it in the tray, if there is one.
pub fn refresh(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let host = app.state::<Arc<HostState>>().inner().clone();
        let Ok(Ok(overview)) = tauri::async_runtime::spawn_blocking({
            let host = host.clone();
            move || host.overview()
        })
        .await
        else {
            return;
        };
        if let Some(tray) = app.try_state::<Tray>() {
            tray.show(&overview, host.engine_here());
        }
    });
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use deckhand::model::{RunStatus, Schedule, SchedulerState};
    use deckhand::status::{Current, Overview, Upcoming, Waiting};
    use uuid::Uuid;

    use super::*;

    fn running(name: &str, status: RunStatus) -> Current {
        Current {
            run_id: Uuid::new_v4(),
            schedule_id: Uuid::new_v4(),
            schedule_name: name.to_owned(),
            status,
            started_at: Some(Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap()),
            expected_minutes: None,
        }
    }

    fn paused() -> SchedulerState {
        SchedulerState {
            paused: true,
            changed_at: Some(Utc.with_ymd_and_hms(2026, 6, 1, 7, 0, 0).unwrap()),
            changed_by: Some("Ann".into()),
        }
    }

    fn schedule(name: &str) -> Schedule {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::new_v4(), "name": name, "methodPath": "Prep.med",
            "recurrence": {"kind": "daily", "start": "2026-06-01T08:00:00Z"},
            "retry": {"maxAttempts": 5, "delayMinutes": 2, "backoff": "fixed", "maxDelayMinutes": 30},
            "missedRuns": {"catchUp": true, "graceMinutes": 15},
            "expectedDurationMinutes": null, "stuckMinutes": null, "active": false,
            "archived": false, "recovery": {"note": "aborted", "actor": "engine", "at": "2026-06-01T08:10:00Z"},
            "nextRun": null, "lastRun": null,
            "createdAt": "2026-06-01T07:00:00Z", "updatedAt": "2026-06-01T08:10:00Z"
        }))
        .expect("a schedule in its JSON form")
    }

    #[test]
    fn idle_says_what_comes_next() {
        let overview = Overview {
            upcoming: vec![Upcoming {
                schedule_id: Uuid::new_v4(),
                schedule_name: "Plate prep".into(),
                at: Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap(),
            }],
            ..Overview::default()
        };
        let (text, picture) = describe(&overview, true);
        assert!(text.starts_with("Idle · next: 'Plate prep'"), "{text}");
        assert_eq!(picture, IDLE);
    }

    #[test]
    fn a_stuck_run_or_a_recovery_needs_attention_before_anything_else() {
        let overview = Overview {
            running: vec![
                running("Assay", RunStatus::Stuck),
                running("Prep", RunStatus::Running),
            ],
            waiting: vec![Waiting {
                run_id: Uuid::new_v4(),
                schedule_id: Uuid::new_v4(),
                schedule_name: "Fill".into(),
                slot: Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap(),
                attempt: 2,
                reason: Some("Waiting: the robot is busy".into()),
                wait_until: None,
            }],
            needs_recovery: vec![schedule("Wash")],
            upcoming: Vec::new(),
            scheduler: paused(),
        };
        let (text, picture) = describe(&overview, true);
        assert_eq!(picture, ATTENTION);
        for part in [
            "Scheduler paused",
            "'Assay' is stuck — go to the robot",
            "'Wash' needs recovery",
            "Running 'Prep' since",
            "'Fill' waits to start",
            "nothing planned",
        ] {
            assert!(text.contains(part), "{part}: {text}");
        }
    }

    #[test]
    fn paused_shows_amber_and_running_blue() {
        let busy = Overview {
            running: vec![running("Prep", RunStatus::Running)],
            ..Overview::default()
        };
        assert_eq!(describe(&busy, true).1, RUNNING);
        let busy_paused = Overview {
            scheduler: paused(),
            ..busy
        };
        assert_eq!(describe(&busy_paused, true).1, PAUSED);
        let (text, _) = describe(&Overview::default(), false);
        assert!(
            text.starts_with("Scheduler runs in another program"),
            "{text}"
        );
        let (text, picture) = describe(&busy_paused, false);
        assert!(
            text.starts_with("Scheduler runs in another program · Scheduler paused"),
            "a pause made in another program shows here too: {text}"
        );
        assert_eq!(picture, PAUSED);
    }
}
