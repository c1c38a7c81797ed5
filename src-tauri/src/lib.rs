//! The Keyway desktop shell: thin commands over the `keyway` core.
//!
//! Each command deserializes its input, calls the core and maps the error. Nothing about
//! protocols lives here; that keeps every rule testable without a window.

mod commands;
mod practice;

/// Starts the desktop app.
pub fn run() {
    // Without a writable log folder the window still opens: the log is for support only.
    let _ = keyway::log::init();
    #[allow(clippy::expect_used)] // Nothing useful can happen if the window cannot start.
    let state = commands::AppState::new().expect("Keyway could not prepare its HTTP client");
    #[allow(clippy::expect_used)]
    tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            practice::practice_requested,
            practice::start_practice,
            practice::practice_device_code,
            practice::practice_fix,
            commands::list_profiles,
            commands::open_profile,
            commands::delete_profile,
            commands::set_secret_expiry,
            commands::validate_draft,
            commands::remember_secret,
            commands::sign_in,
            commands::sign_in_saved,
            commands::cancel_sign_in,
            commands::forget_session,
            commands::run_checks,
            commands::save_connection,
            commands::snippets,
            commands::copy_access_token,
            commands::support_report,
            commands::portal_link,
            commands::open_link,
            commands::read_preset,
            commands::trust_preset_cloud,
            commands::set_custom_cloud,
            commands::company_ca,
            commands::set_company_ca,
            commands::setup_sign_in,
            commands::renew_connection,
            commands::setup_workspaces,
            commands::setup_plan,
            commands::setup_apply,
            commands::setup_undo,
        ])
        .build(tauri::generate_context!())
        .expect("Keyway could not start its window")
        .run(|app, event| {
            // Leaving leaves nothing behind: the practice organisation stops, and its
            // connections folder and certificate authority file go with it.
            if let tauri::RunEvent::Exit = event {
                practice::leave(app);
            }
        });
}
