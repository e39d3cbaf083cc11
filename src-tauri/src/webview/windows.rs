//! Telling a person about a missing web view on Windows: a native message box.

use windows_sys::Win32::UI::WindowsAndMessaging::{
    MB_ICONWARNING, MB_OK, MB_SETFOREGROUND, MessageBoxW,
};

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(std::iter::once(0)).collect()
}

/// Shows a warning message box on a thread of its own, so Deckhand carries on starting.
pub fn tell(title: &str, text: &str) {
    let (title, text) = (wide(title), wide(text));
    let shown = std::thread::Builder::new()
        .name("deckhand-no-webview".into())
        .spawn(move || {
            // SAFETY: both strings are NUL-terminated UTF-16 that outlive the call; no owner
            // window is a valid choice.
            unsafe {
                MessageBoxW(
                    std::ptr::null_mut(),
                    text.as_ptr(),
                    title.as_ptr(),
                    MB_OK | MB_ICONWARNING | MB_SETFOREGROUND,
                )
            };
        });
    if let Err(e) = shown {
        log::error!("could not show the message about the missing web view: {e}");
    }
}
