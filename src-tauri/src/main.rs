// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    deckhand::host::limit_malloc_arenas();
    #[cfg(target_os = "linux")]
    without_javascript_jit();
    deckhand_desktop::run();
}

/// The page runs only Deckhand's own bundled script, on small data, so WebKitGTK's JavaScript
/// JIT buys nothing a person would notice and costs about 120 MB of the web process's memory
/// once every page has been opened (measured: docs/implementation-notes.md, issue 6). Without
/// it the interpreter runs the page; it also leaves less for a hostile page to exploit.
/// `JSC_useJIT` set by the person starting the app wins.
#[cfg(target_os = "linux")]
fn without_javascript_jit() {
    const OPTION: &str = "JSC_useJIT";
    if std::env::var_os(OPTION).is_none() {
        // SAFETY: first thing in `main`, before any thread exists that could read the
        // environment; WebKit's processes inherit it when they start later.
        unsafe { std::env::set_var(OPTION, "0") };
    }
}
