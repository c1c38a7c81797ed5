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

fn not_practising() -> Explanation {
    Explanation::new(
        "NOT_PRACTISING",
        "This works in practice mode only",
        "There is no practice organisation running.",
        vec!["Choose \"Try it with a practice organisation\" on the home screen.".into()],
    )
}

/// The practice person on the other device approves (or declines) the code shown.
#[tauri::command]
pub async fn practice_device_code(
    state: State<'_, AppState>,
    user_code: String,
    approve: bool,
) -> Result<(), Explanation> {
    // The lock is not held across the call: the answer goes to the practice cloud's own port.
    let control = {
        let p = state.practice.lock().unwrap_or_else(|e| e.into_inner());
        p.as_ref().ok_or_else(not_practising)?.control()?
    };
    control.answer_device_code(&user_code, approve).await
}

/// An administrator's fix in the practice organisation; says what was done.
#[tauri::command]
pub fn practice_fix(
    state: State<'_, AppState>,
    fix: keyway::practice::Fix,
) -> Result<String, Explanation> {
    let p = state.practice.lock().unwrap_or_else(|e| e.into_inner());
    p.as_ref().ok_or_else(not_practising)?.fix(&fix)
}

/// Ends practice mode, if it runs: the practice organisation stops and what it wrote is removed.
pub fn leave(app: &tauri::AppHandle) {
    use tauri::Manager;
    let state = app.state::<AppState>();
    let practice = state
        .practice
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    if let Some(p) = practice {
        p.stop();
    }
}
