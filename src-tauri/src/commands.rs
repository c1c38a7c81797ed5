//! The commands the UI may call. Each is granted to the main window in `capabilities/`, and
//! each only turns its arguments into a call on the core (`keyway::wizard` and friends) — the
//! same calls the `keyway` CLI makes. Errors reach the UI as `keyway::diagnose::Explanation`:
//! code, title, cause, fix, link.

use keyway::cloud::{CloudId, CustomEndpoints};
use keyway::diagnose::{Context, Explanation, Page};
use keyway::powerbi::ladder::{Event, Outcome, Plan};
use keyway::profile::ProfileStore;
use keyway::secret::Zeroizing;
use keyway::setup::{Request as SetupRequest, Step};
use keyway::validate::FieldProblem;
use keyway::vault::Vault;
use keyway::wizard::{
    open_page, CompanyCa, Draft, FromProfile, PresetRead, ProfileCard, Saved, Session, SetupDone,
    SignInEvent, TokenSummary, Typed,
};
use keyway::Goal;
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::State;

/// Everything the window's commands share.
pub struct AppState {
    /// Replaced whole when the trusted certificate authority changes (Settings), and in
    /// practice mode.
    pub(crate) session: std::sync::RwLock<Arc<Session>>,
    /// The saved connections: the real file, or practice's own.
    pub(crate) store: std::sync::RwLock<ProfileStore>,
    /// Practice mode: the practice organisation, whose in-memory vault replaces the keyring.
    pub(crate) practice: std::sync::Mutex<Option<keyway::practice::Practice>>,
}

impl AppState {
    /// The state for one window. `KEYWAY_CA_CERT` names one more certificate authority to trust
    /// (a company proxy's, or a private cloud's).
    pub fn new() -> Result<AppState, Explanation> {
        let ca = keyway::http::extra_ca(None)?;
        Ok(AppState {
            session: std::sync::RwLock::new(Arc::new(Session::new(ca.as_deref())?)),
            store: std::sync::RwLock::new(ProfileStore::default_location()),
            practice: std::sync::Mutex::new(None),
        })
    }
}

impl AppState {
    /// This window's session, as it is now.
    fn session(&self) -> Arc<Session> {
        self.session
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Where connections are saved: the real profile file, or practice's own.
    fn store(&self) -> ProfileStore {
        self.store.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Practice's in-memory vault, when practising.
    fn practice_vault(&self) -> Option<Vault> {
        let p = self.practice.lock().unwrap_or_else(|e| e.into_inner());
        p.as_ref().map(keyway::practice::Practice::vault)
    }

    /// The keyring to use: the system's, or practice's in memory (never the real one).
    fn vault_maker(
        &self,
    ) -> impl FnOnce() -> Result<Vault, keyway::vault::VaultError> + Send + 'static {
        let practice = self.practice_vault();
        move || practice.map_or_else(Vault::system, Ok)
    }

    async fn vault(&self) -> Answer<Vault> {
        match self.practice_vault() {
            Some(v) => Ok(v),
            None => keyway::wizard::system_vault().await,
        }
    }
}

type Answer<T> = Result<T, Explanation>;

/// What the first wizard step shows: version, goals and clouds.
#[tauri::command]
pub fn app_info() -> keyway::AppInfo {
    keyway::app_info()
}

/// The saved connections, and the notice to show above them once.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileList {
    /// Most urgent first.
    cards: Vec<ProfileCard>,
    /// The file could not be read and was moved aside (where it is kept): the person must
    /// hear it, or their connections just vanish.
    notice: Option<Explanation>,
}

/// The saved connections, most urgent first.
#[tauri::command]
pub fn list_profiles(state: State<'_, AppState>) -> Answer<ProfileList> {
    // A damaged file was moved aside; start with none rather than refuse, and say so.
    let (profiles, notice) = keyway::wizard::saved_profiles(&state.store())?;
    Ok(ProfileList {
        cards: keyway::wizard::profile_cards(&profiles, keyway::clock::now()),
        notice,
    })
}

/// A saved connection's answers, to check again or edit.
#[tauri::command]
pub fn open_profile(state: State<'_, AppState>, name: String) -> Answer<Draft> {
    let profile = state.store().get(&name)?;
    if let Some(custom) = &profile.custom {
        // A saved connection's cloud was typed or confirmed when it was saved.
        state.session().trust_custom_cloud(custom.clone())?;
    }
    Ok(Draft::from_profile(&profile))
}

/// Forgets a saved connection and its secrets.
#[tauri::command]
pub async fn delete_profile(state: State<'_, AppState>, name: String) -> Answer<()> {
    let (store, vault) = (state.store(), state.vault_maker());
    keyway::wizard::blocking(move || keyway::wizard::delete_connection(&store, &name, vault)).await
}

/// Notes when a saved connection's secret expires (or clears it).
#[tauri::command]
pub fn set_secret_expiry(
    state: State<'_, AppState>,
    name: String,
    date: Option<String>,
) -> Answer<()> {
    keyway::wizard::set_secret_expiry(&state.store(), &name, date.as_deref())
}

/// Every field's problem, as the person types.
#[tauri::command]
pub fn validate_draft(draft: Draft) -> Vec<FieldProblem> {
    draft.problems()
}

/// Takes a secret typed once; only its masked hint comes back (`…` for a password).
#[tauri::command]
pub fn remember_secret(
    state: State<'_, AppState>,
    kind: Typed,
    value: String,
) -> Result<String, FieldProblem> {
    // The IPC copy is wiped once the session holds its own.
    let value = Zeroizing::new(value);
    state.session().remember(kind, &value)
}

/// Signs in with the answers so far, telling the window about device codes and the browser.
#[tauri::command]
pub async fn sign_in(
    state: State<'_, AppState>,
    draft: Draft,
    events: Channel<SignInEvent>,
) -> Answer<TokenSummary> {
    // The cloud is the session's: built in, or typed in Settings or confirmed from a preset.
    let cloud = state.session().cloud(draft.cloud)?;
    let open = move |url: &str| open_page(&cloud, url);
    state
        .session()
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
    let profile = state.store().get(&name)?;
    let cloud = keyway::Cloud::resolve(profile.cloud, profile.custom.as_ref())?;
    let vault = state.vault().await?;
    let open = move |url: &str| open_page(&cloud, url);
    let from = FromProfile::new(&profile, &vault);
    state
        .session()
        .sign_in_saved(from, move |e| drop(events.send(e)), open)
        .await
}

/// Stops a sign-in that waits for the person (and drops the secrets typed for it).
#[tauri::command]
pub fn cancel_sign_in(state: State<'_, AppState>) {
    state.session().cancel();
}

/// Forgets the secrets, token and answers of the connection in progress: the window starts a
/// new one or opens a saved one.
#[tauri::command]
pub fn forget_session(state: State<'_, AppState>) {
    state.session().forget();
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
    state.session().check(plan, &|e| drop(events.send(e))).await
}

/// Saves the connection: its secret to the keyring, the rest to the profile file.
#[tauri::command]
pub async fn save_connection(
    state: State<'_, AppState>,
    name: String,
    replace: bool,
    secret_expires: Option<String>,
) -> Answer<Saved> {
    let expires = secret_expires.filter(|d| !d.trim().is_empty());
    // The keyring is reached by blocking calls; they run off the window's thread.
    let (session, store, vault) = (state.session(), state.store(), state.vault_maker());
    keyway::wizard::blocking(move || session.save(&name, replace, expires, &store, vault)).await
}

/// Usage examples for the answers so far (no secret in any), with the session's addresses.
#[tauri::command]
pub fn snippets(
    state: State<'_, AppState>,
    draft: Draft,
) -> Answer<Vec<keyway::snippets::Snippet>> {
    let draft = state.session().adopt(draft)?;
    let cloud = state.session().cloud(draft.cloud)?;
    Ok(keyway::snippets::for_draft(&draft, &cloud))
}

/// The access token, only when the person asks to copy it.
#[tauri::command]
pub fn copy_access_token(state: State<'_, AppState>) -> Answer<String> {
    state.session().access_token().ok_or_else(|| {
        Explanation::new(
            "NOT_SIGNED_IN",
            "Sign in first",
            "There is no token yet.",
            vec![],
        )
    })
}

/// Writes a support report (HTML and JSON, no secret) and returns where.
#[tauri::command]
pub fn support_report(state: State<'_, AppState>, name: String) -> Answer<String> {
    let p = state.store().get(&name)?;
    let report = keyway::report::SupportReport::for_profile(&p, false, keyway::clock::now());
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
    report.write(&html)?;
    Ok(html.display().to_string())
}

/// The web page where a field's value is found or a fix is made, for this cloud and app.
#[tauri::command]
pub fn portal_link(state: State<'_, AppState>, draft: Draft, page: Page) -> Answer<Option<String>> {
    let cloud = state.session().cloud(draft.cloud)?;
    let mut ctx = Context::new(&cloud, &draft.tenant, &draft.client_id);
    ctx.workspace = draft.workspace.clone();
    Ok(page.url(&ctx, None))
}

/// Opens a Microsoft page of the chosen cloud in the system browser (nothing else opens).
#[tauri::command]
pub fn open_link(state: State<'_, AppState>, cloud: CloudId, url: String) -> Answer<()> {
    state.session().open_page(cloud, &url)
}

/// Reads a preset file's text (the window reads the file the person picked). A custom cloud in
/// it comes back as its hosts, to be confirmed before anything is sent there.
#[tauri::command]
pub fn read_preset(state: State<'_, AppState>, text: String) -> Answer<PresetRead> {
    state.session().read_preset(text.as_bytes())
}

/// The person confirmed the preset's custom cloud, after seeing each of its hosts.
#[tauri::command]
pub fn trust_preset_cloud(state: State<'_, AppState>) -> Answer<()> {
    state.session().trust_preset_cloud()
}

/// A custom cloud the person typed in Settings.
#[tauri::command]
pub fn set_custom_cloud(state: State<'_, AppState>, custom: CustomEndpoints) -> Answer<()> {
    state.session().trust_custom_cloud(custom).map(drop)
}

/// "Set it up for me": an administrator signs in (with Microsoft's Azure CLI client, or the
/// organisation's own public client) with a device code, telling the window the code, or in the
/// browser on this computer.
#[tauri::command]
pub async fn setup_sign_in(
    state: State<'_, AppState>,
    cloud: CloudId,
    tenant: String,
    admin_client: Option<String>,
    in_browser: Option<bool>,
    events: Channel<SignInEvent>,
) -> Answer<()> {
    let client = admin_client
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let client = client.unwrap_or(keyway::setup::AZURE_CLI_CLIENT);
    let browser = in_browser.unwrap_or(false);
    state
        .session()
        .setup_sign_in(cloud, &tenant, client, browser, move |e| {
            drop(events.send(e))
        })
        .await
}

/// Renews a saved connection's secret or certificate: an administrator signs in (device code,
/// or the browser here), a new one is added and proved, then the old one removed.
#[tauri::command]
pub async fn renew_connection(
    state: State<'_, AppState>,
    name: String,
    months: u32,
    in_browser: Option<bool>,
    events: Channel<SignInEvent>,
) -> Answer<keyway::wizard::Renewed> {
    let vault = state.vault().await?;
    state
        .session()
        .renew_saved(
            &name,
            months,
            in_browser.unwrap_or(false),
            &state.store(),
            &vault,
            move |e| drop(events.send(e)),
        )
        .await
}

/// The signed-in administrator's workspaces, to choose the app's seat from.
#[tauri::command]
pub async fn setup_workspaces(state: State<'_, AppState>) -> Answer<Vec<keyway::setup::Workspace>> {
    state.session().setup_workspaces().await
}

/// The plan: what exists, and every change, in words. Nothing changes.
#[tauri::command]
pub async fn setup_plan(state: State<'_, AppState>, request: SetupRequest) -> Answer<Vec<Step>> {
    state.session().setup_plan(request).await
}

/// Makes the planned changes, telling the window of each step; the new secret stays in Rust.
#[tauri::command]
pub async fn setup_apply(state: State<'_, AppState>, events: Channel<Step>) -> Answer<SetupDone> {
    state
        .session()
        .setup_apply(move |s| drop(events.send(s.clone())))
        .await
}

/// Takes back what a failed "set it up for me" run created, and nothing else.
#[tauri::command]
pub async fn setup_undo(state: State<'_, AppState>) -> Answer<Vec<String>> {
    state.session().setup_undo().await
}

/// The certificate authority trusted besides the system's, for Settings.
#[tauri::command]
pub fn company_ca() -> Answer<CompanyCa> {
    keyway::wizard::company_ca()
}

/// Trusts the company's certificate authority (the text of the file the person chose), or stops
/// trusting it (`None`); calls from now on use a session that trusts it.
#[tauri::command]
pub fn set_company_ca(state: State<'_, AppState>, pem: Option<String>) -> Answer<CompanyCa> {
    let pem = pem.map(Zeroizing::new);
    let now = keyway::wizard::set_company_ca(pem.as_deref().map(String::as_str))?;
    let fresh = Arc::new(state.session().with_current_ca()?);
    *state.session.write().unwrap_or_else(|e| e.into_inner()) = fresh;
    Ok(now)
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
