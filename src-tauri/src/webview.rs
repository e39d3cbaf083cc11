//! The window's web view. On Windows it is Microsoft's WebView2 runtime, which a PC may lack
//! (an older Windows 10 kept offline). Deckhand then still schedules, alerts and shows the
//! robot's state in the tray; instead of silently showing no window it says so, in words, in
//! a native message box (a terminal's standard error elsewhere).

#[cfg(windows)]
#[path = "webview/windows.rs"]
mod platform;
#[cfg(not(windows))]
#[path = "webview/other.rs"]
mod platform;

/// The message box's title.
pub const TITLE: &str = "Deckhand cannot show its window";

/// What a person is told when the window cannot be shown, `why` being the web view's error
/// (last, for whoever helps them: it is technical).
pub fn missing_message(why: &str) -> String {
    format!(
        "This PC does not have the Microsoft Edge WebView2 Runtime, which Deckhand's window \
         needs.\n\n\
         Deckhand is running all the same: scheduled methods run, alerts are sent, and the \
         tray icon shows whether the robot is busy. The command-line program deckhand.exe, \
         beside Deckhand in its installation folder, works as usual.\n\n\
         To get the window, install the WebView2 Runtime (on a PC without internet, Microsoft's \
         \"Evergreen Standalone Installer\"; your IT team can help), then start Deckhand \
         again.\n\n\
         Technical detail: {why}"
    )
}

/// Checks that a web view can be made. When it cannot, logs why and tells the person (without
/// waiting for them: the scheduler starts meanwhile). Whether there is a web view.
pub fn check() -> bool {
    match tauri::webview_version() {
        Ok(version) => {
            log::info!("the window's web view: {version}");
            true
        }
        Err(e) => {
            let text = missing_message(&e.to_string());
            log::error!("{TITLE}: {text}");
            platform::tell(TITLE, &text);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_says_what_still_works_and_what_to_do() {
        let text = missing_message("the WebView2 loader found no runtime");
        assert!(text.contains("the WebView2 loader found no runtime"));
        assert!(text.contains("scheduled methods run"));
        assert!(text.contains("Evergreen Standalone Installer"));
        assert!(
            !text.contains("  "),
            "no doubled spaces from the line joins: {text}"
        );
    }

    /// This machine has a web view (WebKitGTK on Linux): the check passes and tells nobody.
    #[cfg(not(windows))]
    #[test]
    fn a_web_view_is_found_here() {
        assert!(check());
    }
}
