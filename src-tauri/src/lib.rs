//! The Keyway desktop shell: thin commands over the `keyway` core.
//!
//! Each command deserializes its input, calls the core and maps the error. Nothing about
//! protocols lives here; that keeps every rule testable without a window.

mod commands;

/// Starts the desktop app.
pub fn run() {
    #[allow(clippy::expect_used)] // Nothing useful can happen if the window cannot start.
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![commands::app_info])
        .run(tauri::generate_context!())
        .expect("Keyway could not start its window");
}
