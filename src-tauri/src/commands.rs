//! The commands the UI may call. Each is granted to the main window in `capabilities/`, and
//! each only turns its arguments into a call on the core (`keyway::wizard` and friends).
//! Errors reach the UI as `keyway::diagnose::Explanation`: code, title, cause, fix, link.
// Errors here are whole explanations for a person (a few hundred bytes), returned once per click;
// boxing them would only add noise.
#![allow(clippy::result_large_err)]

use keyway::diagnose::{Context, Explanation, Page};
use keyway::powerbi::ladder::{Event, Outcome, Plan};
use keyway::profile::{Preset, ProfileStore};
use keyway::validate::FieldProblem;
use keyway::vault::Vault;
use keyway::wizard::{Draft, ProfileCard, Saved, Session, SignInEvent, TokenSummary, Typed};
use keyway::Goal;
use std::sync::{Arc, Mutex};
use tauri::ipc::Channel;
use tauri::State;

/// Everything the window's commands share.
pub struct AppState {
    session: Arc<Session>,
    store: ProfileStore,
    last_outcome: Mutex<Option<Outcome>>,
}

impl AppState {
    /// The state for one window. `KEYWAY_CA_CERT` names one more certificate authority to trust
    /// (a company proxy's, or a private cloud's).
    pub fn new() -> Result<AppState, String> {
        let ca = match std::env::var_os("KEYWAY_CA_CERT") {
            Some(path) => Some(std::fs::read(&path).map_err(|e| {
                format!(
                    "KEYWAY_CA_CERT ({}) can't be read: {e}",
                    path.to_string_lossy()
                )
            })?),
            None => None,
        };
        Ok(AppState {
            session: Arc::new(Session::new(ca.as_deref())?),
            store: ProfileStore::default_location(),
            last_outcome: Mutex::new(None),
        })
    }
}

type Answer<T> = Result<T, Explanation>;

fn problem(code: &str, title: &str, cause: impl Into<String>) -> Explanation {
    Explanation::new(code, title, cause, vec![])
}

fn store_problem(e: keyway::profile::ProfileError) -> Explanation {
    Explanation::new(
        e.code(),
        "Saved connections can't be read",
        e.to_string(),
        vec![],
    )
}

/// What the first wizard step shows: version, goals and clouds.
#[tauri::command]
pub fn app_info() -> keyway::AppInfo {
    keyway::app_info()
}

/// The saved connections, most urgent first.
#[tauri::command]
pub fn list_profiles(state: State<'_, AppState>) -> Answer<Vec<ProfileCard>> {
    let profiles = match state.store.load() {
        Ok(p) => p,
        // A damaged file was moved aside; start with none rather than refuse.
        Err(keyway::profile::ProfileError::Unreadable { .. }) => vec![],
        Err(e) => return Err(store_problem(e)),
    };
    Ok(keyway::wizard::profile_cards(
        &profiles,
        keyway::auth::now(),
    ))
}

/// A saved connection's answers, to check again or edit.
#[tauri::command]
pub fn open_profile(state: State<'_, AppState>, name: String) -> Answer<Draft> {
    let p = state.store.get(&name).map_err(store_problem)?;
    Ok(Draft::from_profile(&p))
}

/// Forgets a saved connection and its secrets.
#[tauri::command]
pub async fn delete_profile(state: State<'_, AppState>, name: String) -> Answer<()> {
    let n = name.clone();
    let vault = tauri::async_runtime::spawn_blocking(move || {
        Vault::system().and_then(|v| v.delete_profile(&n))
    })
    .await;
    if let Ok(Err(e)) = vault {
        return Err(Explanation::new(e.code, e.message, e.detail, vec![e.fix]));
    }
    state.store.remove(&name).map_err(store_problem)
}

/// Notes when a saved connection's secret expires (or clears it).
#[tauri::command]
pub fn set_secret_expiry(
    state: State<'_, AppState>,
    name: String,
    date: Option<String>,
) -> Answer<()> {
    keyway::wizard::set_secret_expiry(&state.store, &name, date.as_deref())
}

/// Every field's problem, as the person types.
#[tauri::command]
pub fn validate_draft(draft: Draft) -> Vec<FieldProblem> {
    draft.problems()
}

/// Takes a secret typed once; only its masked hint comes back.
#[tauri::command]
pub fn remember_secret(
    state: State<'_, AppState>,
    kind: Typed,
    value: String,
) -> Result<String, FieldProblem> {
    state.session.remember(kind, &value)
}

/// Signs in with the answers so far, telling the window about device codes and the browser.
#[tauri::command]
pub async fn sign_in(
    state: State<'_, AppState>,
    draft: Draft,
    events: Channel<SignInEvent>,
) -> Answer<TokenSummary> {
    let cloud = draft.cloud()?;
    let open = move |url: &str| open_if_allowed(&cloud, url);
    state
        .session
        .sign_in(draft, move |e| drop(events.send(e)), open)
        .await
}

/// Signs in with a saved connection (its secret from the keyring).
#[tauri::command]
pub async fn sign_in_saved(
    state: State<'_, AppState>,
    name: String,
    events: Channel<SignInEvent>,
) -> Answer<TokenSummary> {
    let profile = state.store.get(&name).map_err(store_problem)?;
    let cloud = Draft::from_profile(&profile).cloud()?;
    let vault = tauri::async_runtime::spawn_blocking(Vault::system)
        .await
        .map_err(|e| problem("INTERNAL", "Keyway had an internal problem", e.to_string()))?
        .map_err(|e| Explanation::new(e.code, e.message, e.detail, vec![e.fix]))?;
    let open = move |url: &str| open_if_allowed(&cloud, url);
    state
        .session
        .sign_in_saved(&profile, &vault, move |e| drop(events.send(e)), open)
        .await
}

/// Stops a sign-in that waits for the person.
#[tauri::command]
pub fn cancel_sign_in(state: State<'_, AppState>) {
    state.session.cancel();
}

/// Runs the checks for the goal, streaming each item.
#[tauri::command]
pub async fn run_checks(
    state: State<'_, AppState>,
    goal: Goal,
    workspace: Option<String>,
    allow_changes: bool,
    events: Channel<Event>,
) -> Answer<Outcome> {
    let mut plan = Plan::new(goal);
    plan.workspace = workspace.filter(|w| !w.trim().is_empty());
    plan.allow_changes = allow_changes;
    let outcome = state.session.check(plan, &|e| drop(events.send(e))).await?;
    *state.last_outcome.lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome.clone());
    Ok(outcome)
}

/// Saves the connection: its secret to the keyring, the rest to the profile file.
#[tauri::command]
pub async fn save_connection(
    state: State<'_, AppState>,
    name: String,
    replace: bool,
    secret_expires: Option<String>,
) -> Answer<Saved> {
    let last = state
        .last_outcome
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .map(Outcome::last_check);
    let expires = secret_expires.filter(|d| !d.trim().is_empty());
    // The keyring is reached by blocking calls; they run off the window's thread.
    let (session, store) = (state.session.clone(), ProfileStore::at(state.store.path()));
    tauri::async_runtime::spawn_blocking(move || {
        session.save(&name, replace, expires, last, &store, Vault::system)
    })
    .await
    .map_err(|e| problem("INTERNAL", "Keyway had an internal problem", e.to_string()))?
}

/// Usage examples for the answers so far (no secret in any).
#[tauri::command]
pub fn snippets(draft: Draft) -> Answer<Vec<keyway::snippets::Snippet>> {
    let cloud = draft.cloud()?;
    Ok(keyway::snippets::for_draft(&draft, &cloud))
}

/// The access token, only when the person asks to copy it.
#[tauri::command]
pub fn copy_access_token(state: State<'_, AppState>) -> Answer<String> {
    state
        .session
        .access_token()
        .ok_or_else(|| problem("NOT_SIGNED_IN", "Sign in first", "There is no token yet."))
}

/// Writes a support report (HTML and JSON, no secret) and returns where.
#[tauri::command]
pub fn support_report(state: State<'_, AppState>, name: String) -> Answer<String> {
    let p = state.store.get(&name).map_err(store_problem)?;
    let report = keyway::report::SupportReport::for_profile(&p, false, keyway::auth::now());
    let dir = directories::UserDirs::new()
        .and_then(|d| {
            d.download_dir()
                .or(d.document_dir())
                .map(|p| p.to_path_buf())
        })
        .unwrap_or_else(keyway::profile::config_dir);
    let safe: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let html = dir.join(format!("keyway-report-{safe}.html"));
    let write = |path: &std::path::Path, text: String| {
        std::fs::create_dir_all(&dir)
            .and_then(|_| std::fs::write(path, text))
            .map_err(|e| {
                problem(
                    "WRITE_FAILED",
                    "The report could not be written",
                    format!("{}: {e}", path.display()),
                )
            })
    };
    write(&html, report.to_html())?;
    write(&html.with_extension("json"), report.to_json())?;
    Ok(html.display().to_string())
}

/// The web page where a field's value is found or a fix is made, for this cloud and app.
#[tauri::command]
pub fn portal_link(draft: Draft, page: Page) -> Answer<Option<String>> {
    let cloud = draft.cloud()?;
    let mut ctx = Context::new(&cloud, &draft.tenant, &draft.client_id);
    ctx.workspace = draft.workspace.clone();
    Ok(page.url(&ctx, None))
}

/// Opens a Microsoft page in the system browser (only this cloud's Microsoft pages).
#[tauri::command]
pub fn open_link(draft: Draft, url: String) -> Answer<()> {
    let cloud = draft.cloud()?;
    open_if_allowed(&cloud, &url)
        .map_err(|m| problem("BROWSER_FAILED", "The page could not be opened", m))
}

fn open_if_allowed(cloud: &keyway::Cloud, url: &str) -> Result<(), String> {
    if !cloud.may_open(url) {
        return Err(format!(
            "{url} is not one of Microsoft's pages for this cloud, so Keyway did not open it."
        ));
    }
    keyway::auth::browser::open_system_browser(url)
}

/// Reads a preset file's text (the window reads the file the person picked).
#[tauri::command]
pub fn read_preset(text: String) -> Answer<Draft> {
    Preset::parse(text.as_bytes())
        .map(|p| Draft::from_profile(&p))
        .map_err(|problems| {
            Explanation::new(
                "PRESET_INVALID",
                "This preset can't be used",
                "Some of its values are missing or not in the right form.",
                problems.iter().map(|p| p.message.clone()).collect(),
            )
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn app_info_lists_every_cloud_and_goal() {
        let info = super::app_info();
        assert_eq!(info.clouds.len(), 5);
        assert_eq!(info.goals.len(), 4);
        let json = serde_json::to_value(&info).unwrap();
        assert_eq!(json["clouds"][0]["id"], "public");
        assert!(
            json["clouds"][0]["authorityHost"].is_string(),
            "camelCase for the UI"
        );
    }
}
