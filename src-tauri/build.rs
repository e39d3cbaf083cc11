fn main() {
    // Listing the app's commands makes Tauri generate `allow-<command>`
    // permissions for them and, more to the point, makes every command
    // unreachable from the web view unless a capability grants it
    // (see capabilities/main.json). Without a manifest all app commands are
    // allowed implicitly.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "list_schedules",
            "get_settings",
            "get_host_status",
        ]),
    ))
    .expect("tauri-build failed: check tauri.conf.json and capabilities/");
}
