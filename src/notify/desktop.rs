//! Desktop notifications through the platform's notification service (notify-rust: D-Bus
//! on Linux, toast notifications on Windows).

use super::outbox::DesktopNotifier;

/// The real desktop notifier.
pub struct DesktopNotifications;

impl DesktopNotifier for DesktopNotifications {
    fn show(&self, summary: &str, body: &str, urgent: bool) -> Result<(), String> {
        let mut notification = notify_rust::Notification::new();
        notification.appname("Deckhand").summary(summary).body(body);
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            notification
                .urgency(if urgent {
                    notify_rust::Urgency::Critical
                } else {
                    notify_rust::Urgency::Normal
                })
                .timeout(if urgent {
                    notify_rust::Timeout::Never
                } else {
                    notify_rust::Timeout::Default
                });
        }
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        let _ = urgent;
        notification
            .show()
            .map(|_| ())
            .map_err(|e| format!("no desktop notification service answered ({e})"))
    }
}

/// Whether this program runs in a desktop session that can show notifications: always on
/// Windows and macOS; on Linux when a D-Bus session bus is there to carry them.
pub fn desktop_session() -> bool {
    if cfg!(any(windows, target_os = "macos")) {
        return true;
    }
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty())
}
