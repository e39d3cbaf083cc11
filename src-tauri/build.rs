fn main() {
    // Listing the app's commands makes Tauri generate `allow-<command>`
    // permissions for them and, more to the point, makes every command
    // unreachable from the web view unless a capability grants it
    // (see capabilities/main.json). Without a manifest all app commands are
    // allowed implicitly.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "list_schedules",
            "get_schedule",
            "create_schedule",
            "update_schedule",
            "set_schedule_active",
            "set_schedule_archived",
            "delete_schedule",
            "preview_recurrence",
            "resolve_recovery",
            "run_now",
            "skip_next",
            "cancel_run",
            "abort_run",
            "pick_method_file",
            "get_dashboard",
            "set_scheduler_paused",
            "get_host_status",
            "get_autostart",
            "set_autostart",
            "open_logs_folder",
            "get_history",
            "export_history_csv",
            "get_calendar",
            "list_contacts",
            "create_contact",
            "update_contact",
            "delete_contact",
            "get_smtp_settings",
            "set_smtp_settings",
            "set_smtp_password",
            "send_test_email",
            "list_destinations",
            "create_destination",
            "update_destination",
            "delete_destination",
            "send_test_post",
            "get_notification_log",
            "get_pending_notifications",
            "get_settings",
            "set_setting",
            "reset_setting",
            "get_audit_log",
            "run_diagnostics",
            "list_backups",
            "backup_now",
            "open_backups_folder",
        ]),
    ))
    .expect("tauri-build failed: check tauri.conf.json and capabilities/");
}
