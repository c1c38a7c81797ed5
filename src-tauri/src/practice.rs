//! Practice mode in the window: the practice organisation starts inside the app, and its session,
//! connections (a folder of their own) and in-memory keyring replace the real ones until the
//! app closes. `keyway-app --practice` opens straight into it.

use crate::commands::AppState;
use keyway::cloud::CustomEndpoints;
use keyway::diagnose::Explanation;
use keyway::practice::Practice;
use std::sync::Arc;
use tauri::State;

/// What the window needs to know of the practice organisation.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PracticeInfo {
    /// The practice cloud's addresses (all on 127.0.0.1), for the answers' custom cloud.
    endpoints: CustomEndpoints,
    /// The practice organisation with a working embed app.
    tenant: &'static str,
}

/// Whether the app was started with `--practice`.
#[tauri::command]
pub fn practice_requested() -> bool {
    std::env::args().skip(1).any(|a| a == "--practice")
}

/// Starts practice mode (or says where it runs, when it already does).
#[tauri::command]
pub async fn start_practice(
    state: State<'_, AppState>,
    window: tauri::WebviewWindow,
) -> Result<PracticeInfo, Explanation> {
    let info = |p: &Practice| PracticeInfo {
        endpoints: p.endpoints.clone(),
        tenant: keyway::practice::TENANT,
    };
    if let Some(p) = state
        .practice
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
    {
        return Ok(info(p));
    }
    let practice = Practice::start().await?;
    let session = Arc::new(practice.session()?);
    *state.session.write().unwrap_or_else(|e| e.into_inner()) = session;
    *state.store.write().unwrap_or_else(|e| e.into_inner()) = practice.store();
    let answer = info(&practice);
    *state.practice.lock().unwrap_or_else(|e| e.into_inner()) = Some(practice);
    // Unmissable: the title says it too.
    let _ = window.set_title("Keyway (Practice)");
    Ok(answer)
}
