//! What the desktop wizard does between its screens, without any window: the answers so far, the
//! secret typed once (kept in memory until it goes to the keyring), the token, the checks, saving
//! and the usage snippets. The desktop shell only turns these calls into commands.
// Errors here are whole explanations for a person (a few hundred bytes), returned once per click;
// boxing them would only add noise.
#![allow(clippy::result_large_err)]

use crate::auth::device::DeviceCodeInfo;
use crate::auth::{AssertionAlg, AuthError, ClientCertificate, EndpointVersion, SignIn, Token};
use crate::cloud::{Cloud, CloudId, CustomEndpoints};
use crate::diagnose::{self, Context, Explanation};
use crate::goal::{Goal, Method};
use crate::powerbi::ladder::{self, Event, Outcome, Plan};
use crate::powerbi::Api;
use crate::profile::{LastCheck, Profile, ProfileError, ProfileStore};
use crate::secret::{CertificatePassword, ClientSecret, Password, RefreshToken};
use crate::validate::{self, FieldProblem, TenantUse};
use crate::vault::{SecretKind, Vault, VaultError};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The answers so far, as the UI holds them. No secret is ever in here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Draft {
    /// What it is for.
    pub goal: Option<Goal>,
    /// The cloud.
    pub cloud: CloudId,
    /// A custom cloud's endpoints.
    pub custom: Option<CustomEndpoints>,
    /// Tenant ID or domain.
    pub tenant: String,
    /// Application (client) ID.
    pub client_id: String,
    /// How it signs in.
    pub method: Option<Method>,
    /// The user, for password sign-in (and as a hint for the others).
    pub username: Option<String>,
    /// The certificate file.
    pub certificate_path: Option<PathBuf>,
    /// The workspace the checks use.
    pub workspace: Option<String>,
    /// Delegated scopes for "call the API as myself".
    pub scopes: Vec<String>,
    /// Use the older v1 sign-in endpoint.
    pub v1: bool,
}

impl Draft {
    /// The method, or the problem that none was chosen.
    fn method(&self) -> Result<Method, Explanation> {
        self.method.ok_or_else(|| {
            Explanation::new(
                "METHOD_MISSING",
                "Choose how to sign in",
                "No sign-in method was chosen.",
                vec!["Go back to the sign-in method step and pick one.".into()],
            )
        })
    }

    /// The cloud's addresses.
    pub fn cloud(&self) -> Result<Cloud, Explanation> {
        let bad = |m: String| {
            Explanation::new(
                "CUSTOM_CLOUD_INVALID",
                "The custom cloud's addresses are not usable",
                m,
                vec!["Open Settings and correct the custom cloud's addresses.".into()],
            )
        };
        match self.cloud {
            CloudId::Custom => Cloud::custom(self.custom.clone().unwrap_or_default())
                .map_err(|e| bad(e.to_string())),
            id => Cloud::builtin(id).ok_or_else(|| bad(format!("{id:?} is not a known cloud"))),
        }
    }

    /// Every field's problem, checked the way sign-in will check it.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let usage = match self.method {
            Some(m) if m.is_app_only() => TenantUse::App,
            _ => TenantUse::User,
        };
        let mut out = vec![];
        if let Err(p) = validate::tenant(&self.tenant, usage) {
            out.push(p);
        }
        if let Err(p) = validate::client_id(&self.client_id) {
            out.push(p);
        }
        if self.method == Some(Method::Password) {
            if let Err(p) = validate::username(self.username.as_deref().unwrap_or_default()) {
                out.push(p);
            }
        }
        if self.method == Some(Method::Certificate) && self.certificate_path.is_none() {
            out.push(FieldProblem {
                field: "certificate",
                code: "CERTIFICATE_MISSING",
                message: "Choose the certificate file (.pfx, or .pem with its private key).".into(),
            });
        }
        out
    }

    /// A draft from a saved profile.
    pub fn from_profile(p: &Profile) -> Draft {
        Draft {
            goal: p.goal,
            cloud: p.cloud,
            custom: p.custom.clone(),
            tenant: p.tenant.clone(),
            client_id: p.client_id.clone(),
            method: Some(p.method),
            username: p.username.clone(),
            certificate_path: p.certificate_path.clone(),
            workspace: p.workspace.clone(),
            scopes: p.scopes.clone(),
            v1: false,
        }
    }
}

/// What the token says, for the token summary screen. No token in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenSummary {
    /// "the app …" or the person's sign-in name.
    pub who: String,
    /// The person's display name.
    pub name: Option<String>,
    /// Tenant ID.
    pub tenant_id: Option<String>,
    /// The app's client ID.
    pub app_id: Option<String>,
    /// The API the token is for.
    pub audience: Option<String>,
    /// Delegated permissions, or application permissions for an app.
    pub permissions: Vec<String>,
    /// Whether the app signed in as itself.
    pub app_only: bool,
    /// Expiry, Unix seconds.
    pub expires_on: i64,
    /// The secret's masked hint (`…cdef`), when one was used.
    pub secret_hint: Option<String>,
}

impl TokenSummary {
    /// What a token says, with the hint of the secret used (if any).
    fn of(token: &Token, secret_hint: Option<String>) -> TokenSummary {
        let c = &token.claims;
        TokenSummary {
            who: if c.app_only {
                format!("the app {}", c.app_id.clone().unwrap_or_default())
            } else {
                c.who.clone().unwrap_or_default()
            },
            name: c.name.clone(),
            tenant_id: c.tenant_id.clone(),
            app_id: c.app_id.clone(),
            audience: c.audience.clone(),
            permissions: if c.app_only {
                c.roles.clone()
            } else {
                c.scopes.clone()
            },
            app_only: c.app_only,
            expires_on: token.expires_on,
            secret_hint,
        }
    }
}

/// Progress of a sign-in that needs the person.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum SignInEvent {
    /// Show this code and where to type it.
    DeviceCode {
        /// The code, the address, and how long it lasts.
        #[serde(flatten)]
        info: DeviceCodeInfo,
    },
    /// The sign-in page was opened in the browser.
    BrowserOpened,
}

/// Where a saved profile's secret went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Saved {
    /// The profile's name.
    pub name: String,
    /// Where its secret lives, in words; none when nothing secret was needed.
    pub secret_location: Option<String>,
    /// The profile file.
    pub profile_file: String,
}

#[derive(Default)]
struct Inner {
    client_secret: Option<ClientSecret>,
    password: Option<Password>,
    certificate_password: Option<CertificatePassword>,
    draft: Option<Draft>,
    token: Option<Token>,
    cancel: Option<CancellationToken>,
}

/// One person's run through the wizard.
pub struct Session {
    http: reqwest::Client,
    inner: Mutex<Inner>,
}

/// Which secret the person typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Typed {
    /// The app's client secret.
    ClientSecret,
    /// The user's password.
    Password,
    /// The certificate file's password.
    CertificatePassword,
}

fn vault_problem(e: VaultError) -> Explanation {
    Explanation::new(
        e.code,
        e.message.clone(),
        e.detail.clone(),
        vec![e.fix.to_string()],
    )
}

fn profile_problem(e: ProfileError) -> Explanation {
    Explanation::new(e.code(), e.to_string(), e.to_string(), vec![])
}

impl Session {
    /// A session whose HTTP client also trusts `extra_ca` (PEM), for a company proxy or a
    /// private cloud.
    pub fn new(extra_ca: Option<&[u8]>) -> Result<Session, String> {
        Ok(Session {
            http: crate::http::client(extra_ca)?,
            inner: Mutex::new(Inner::default()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps a typed secret in memory for this session; returns the hint the UI may show.
    pub fn remember(&self, kind: Typed, value: &str) -> Result<String, FieldProblem> {
        let mut inner = self.lock();
        match kind {
            Typed::ClientSecret => {
                let s = ClientSecret::new(validate::client_secret(value)?);
                let hint = s.hint();
                inner.client_secret = Some(s);
                Ok(hint)
            }
            Typed::Password => {
                if value.is_empty() {
                    return Err(FieldProblem {
                        field: "password",
                        code: "PASSWORD_EMPTY",
                        message: "Type the password.".into(),
                    });
                }
                let p = Password::new(value);
                let hint = p.hint();
                inner.password = Some(p);
                Ok(hint)
            }
            Typed::CertificatePassword => {
                let p = CertificatePassword::new(value);
                let hint = p.hint();
                inner.certificate_password = Some(p);
                Ok(hint)
            }
        }
    }

    /// Stops a sign-in that is waiting for the person.
    pub fn cancel(&self) {
        if let Some(c) = self.lock().cancel.take() {
            c.cancel();
        }
    }

    /// Signs in with the draft and the secret typed earlier. `on` hears about device codes and
    /// the browser; `open` shows a web page (the system browser, normally).
    pub async fn sign_in(
        &self,
        draft: Draft,
        on: impl Fn(SignInEvent) + Send,
        open: impl FnOnce(&str) -> Result<(), String> + Send,
    ) -> Result<TokenSummary, Explanation> {
        let cloud = draft.cloud()?;
        let method = draft.method()?;
        let ctx = Context::new(&cloud, &draft.tenant, &draft.client_id);
        let explain = |e: AuthError| diagnose::explain_auth_error(&e, &ctx);
        let usage = if method.is_app_only() {
            TenantUse::App
        } else {
            TenantUse::User
        };
        let mut signin = SignIn::new(&self.http, &cloud, &draft.tenant, &draft.client_id, usage)
            .map_err(explain)?;
        signin.scopes = draft.scopes.clone();
        if draft.v1 {
            signin.version = EndpointVersion::V1;
        }
        let cancel = CancellationToken::new();
        let (secret, password, cert_password) = {
            let mut inner = self.lock();
            inner.cancel = Some(cancel.clone());
            (
                inner.client_secret.clone(),
                inner.password.clone(),
                inner.certificate_password.clone(),
            )
        };
        let missing = |what: &str| {
            Explanation::new(
                "SECRET_MISSING",
                format!("Type the {what} first"),
                format!("Keyway has no {what} for this sign-in yet."),
                vec![format!("Go back to the app details and type the {what}.")],
            )
        };
        let mut hint = None;
        let result = match method {
            Method::ClientSecret => {
                let s = secret.ok_or_else(|| missing("client secret"))?;
                hint = Some(s.hint());
                signin.client_secret(&s).await
            }
            Method::Certificate => {
                let path = draft
                    .certificate_path
                    .clone()
                    .ok_or_else(|| missing("certificate file"))?;
                let cert = ClientCertificate::load(
                    &path,
                    None,
                    cert_password.as_ref(),
                    crate::auth::now(),
                )
                .map_err(explain)?;
                signin.certificate(&cert, AssertionAlg::Ps256).await
            }
            Method::Password => {
                let p = password.ok_or_else(|| missing("password"))?;
                let user = draft.username.clone().unwrap_or_default();
                signin.password(&user, &p).await
            }
            Method::DeviceCode => {
                signin
                    .device_code(
                        |i| on(SignInEvent::DeviceCode { info: i.clone() }),
                        tokio::time::sleep,
                        cancel,
                    )
                    .await
            }
            Method::Browser => {
                let opened = |url: &str| {
                    let r = open(url);
                    if r.is_ok() {
                        on(SignInEvent::BrowserOpened);
                    }
                    r
                };
                signin
                    .browser(opened, Duration::from_secs(300), cancel)
                    .await
            }
        };
        let token = result.map_err(explain)?;
        let summary = TokenSummary::of(&token, hint);
        let mut inner = self.lock();
        inner.draft = Some(draft);
        inner.token = Some(token);
        inner.cancel = None;
        Ok(summary)
    }

    /// Signs in with a saved profile, its secret from the keyring (a saved refresh token signs
    /// a person in silently; otherwise they sign in again).
    pub async fn sign_in_saved(
        &self,
        profile: &Profile,
        vault: &Vault,
        on: impl Fn(SignInEvent) + Send,
        open: impl FnOnce(&str) -> Result<(), String> + Send,
    ) -> Result<TokenSummary, Explanation> {
        let load = |kind| vault.load(&profile.name, kind).map_err(vault_problem);
        match profile.method {
            Method::ClientSecret => {
                let s = load(SecretKind::ClientSecret)?.ok_or_else(|| {
                    Explanation::new(
                        "SECRET_NOT_SAVED",
                        "No client secret is saved for this connection",
                        "The keyring has no secret under this name.",
                        vec!["Edit the connection and type the secret again.".into()],
                    )
                })?;
                self.lock().client_secret = Some(ClientSecret::new(s));
            }
            Method::Password => {
                if let Some(p) = load(SecretKind::Password)? {
                    self.lock().password = Some(Password::new(p));
                }
            }
            Method::Certificate => {
                if let Some(p) = load(SecretKind::CertificatePassword)? {
                    self.lock().certificate_password = Some(CertificatePassword::new(p));
                }
            }
            Method::Browser | Method::DeviceCode => {
                if let Some(rt) = load(SecretKind::RefreshToken)? {
                    let draft = Draft::from_profile(profile);
                    let cloud = draft.cloud()?;
                    if let Ok(mut signin) = SignIn::new(
                        &self.http,
                        &cloud,
                        &draft.tenant,
                        &draft.client_id,
                        TenantUse::User,
                    ) {
                        signin.scopes = draft.scopes.clone();
                        if let Ok(token) = signin.refresh(&RefreshToken::new(rt)).await {
                            let summary = TokenSummary::of(&token, None);
                            let mut inner = self.lock();
                            inner.draft = Some(draft);
                            inner.token = Some(token);
                            return Ok(summary);
                        }
                    }
                }
            }
        }
        self.sign_in(Draft::from_profile(profile), on, open).await
    }

    /// Runs the check ladder with the current token, streaming each item to `on`.
    pub async fn check(
        &self,
        mut plan: Plan,
        on: &(dyn Fn(Event) + Send + Sync),
    ) -> Result<Outcome, Explanation> {
        let (draft, token) = {
            let inner = self.lock();
            (inner.draft.clone(), inner.token.clone())
        };
        let (Some(draft), Some(token)) = (draft, token) else {
            return Err(Explanation::new(
                "NOT_SIGNED_IN",
                "Sign in first",
                "The checks need a token, and there is none yet.",
                vec!["Go back and get a token.".into()],
            ));
        };
        let cloud = draft.cloud()?;
        if plan.scopes.is_empty() {
            plan.scopes = draft.scopes.clone();
        }
        let api = Api::new(&self.http, &cloud, token.access_token.clone());
        let ctx = Context::new(&cloud, &draft.tenant, &draft.client_id);
        Ok(ladder::run(api, ctx, plan, token.claims.clone(), on).await)
    }

    /// The current access token, for "Copy access token". Only on the person's request.
    pub fn access_token(&self) -> Option<String> {
        self.lock()
            .token
            .as_ref()
            .map(|t| t.access_token.expose().to_string())
    }

    /// Saves the connection: the secret (or refresh token) to the keyring, the rest to the
    /// profile file. Blocking (the keyring): call from a blocking task.
    pub fn save(
        &self,
        name: &str,
        replace: bool,
        secret_expires: Option<String>,
        last_check: Option<LastCheck>,
        store: &ProfileStore,
        vault: impl FnOnce() -> Result<Vault, VaultError>,
    ) -> Result<Saved, Explanation> {
        let name = name.trim();
        if name.is_empty() || name.len() > 80 || name.contains(['/', '\\', '\n']) {
            return Err(Explanation::new(
                "NAME_INVALID",
                "Give the connection a short name",
                "The name is empty, too long, or has a slash or a line break in it.",
                vec!["Use a few words, such as \"Sales embed\".".into()],
            ));
        }
        if let Some(d) = &secret_expires {
            crate::profile::days_until(d, 0).ok_or_else(|| {
                Explanation::new(
                    "DATE_INVALID",
                    "The expiry date is not a date",
                    format!("\"{d}\" is not a date like 2027-01-31."),
                    vec!["Pick the date from the calendar, or leave it empty.".into()],
                )
            })?;
        }
        let inner = self.lock();
        let draft = inner.draft.clone().ok_or_else(|| {
            Explanation::new(
                "NOT_SIGNED_IN",
                "Sign in first",
                "Keyway saves a connection once it has signed in with it.",
                vec!["Go back and get a token.".into()],
            )
        })?;
        let method = draft.method()?;
        let mut secrets: Vec<(SecretKind, String)> = vec![];
        match method {
            Method::ClientSecret => {
                if let Some(s) = &inner.client_secret {
                    secrets.push((SecretKind::ClientSecret, s.expose().to_string()));
                }
            }
            Method::Certificate => {
                if let Some(p) = &inner.certificate_password {
                    secrets.push((SecretKind::CertificatePassword, p.expose().to_string()));
                }
            }
            Method::Password => {
                if let Some(p) = &inner.password {
                    secrets.push((SecretKind::Password, p.expose().to_string()));
                }
            }
            Method::Browser | Method::DeviceCode => {
                if let Some(rt) = inner.token.as_ref().and_then(|t| t.refresh_token.as_ref()) {
                    secrets.push((SecretKind::RefreshToken, rt.expose().to_string()));
                }
            }
        }
        drop(inner);
        // A name in use is refused before anything is written, so no saved secret is replaced.
        if !replace && store.get(name).is_ok() {
            return Err(Explanation::new(
                "PROFILE_EXISTS",
                format!("A connection named \"{name}\" already exists"),
                "Saving would replace it and its secret.",
                vec!["Choose another name, or replace the saved one.".into()],
            ));
        }
        // The keyring first: if it is locked or missing, nothing is half-saved.
        let vault = if secrets.is_empty() {
            None
        } else {
            Some(vault().map_err(vault_problem)?)
        };
        if let Some(v) = &vault {
            for (kind, value) in &secrets {
                v.save(name, *kind, value).map_err(vault_problem)?;
            }
        }
        let profile = Profile {
            name: name.to_string(),
            cloud: draft.cloud,
            custom: draft.custom.clone(),
            tenant: draft.tenant.trim().to_string(),
            client_id: draft.client_id.trim().to_string(),
            method,
            username: draft.username.clone().filter(|u| !u.trim().is_empty()),
            certificate_path: draft.certificate_path.clone(),
            certificate_thumbprint: None,
            goal: draft.goal,
            workspace: draft.workspace.clone().filter(|w| !w.trim().is_empty()),
            scopes: draft.scopes.clone(),
            secret_expires,
            secret_location: vault.as_ref().map(Vault::place),
            last_check,
        };
        store.put(profile, replace).map_err(profile_problem)?;
        Ok(Saved {
            name: name.to_string(),
            secret_location: vault.as_ref().map(Vault::place),
            profile_file: store.path().display().to_string(),
        })
    }
}

/// Notes (or clears) when a saved connection's secret expires, so Keyway can warn in time.
pub fn set_secret_expiry(
    store: &ProfileStore,
    name: &str,
    date: Option<&str>,
) -> Result<(), Explanation> {
    let date = date.map(str::trim).filter(|d| !d.is_empty());
    if let Some(d) = date {
        crate::profile::days_until(d, 0).ok_or_else(|| {
            Explanation::new(
                "DATE_INVALID",
                "The expiry date is not a date",
                format!("\"{d}\" is not a date like 2027-01-31."),
                vec!["Pick the date from the calendar, or leave it empty.".into()],
            )
        })?;
    }
    let mut p = store.get(name).map_err(profile_problem)?;
    p.secret_expires = date.map(str::to_string);
    store.put(p, true).map_err(profile_problem)
}

/// A saved connection on the home screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileCard {
    /// Its name.
    pub name: String,
    /// What it is for.
    pub goal: Option<String>,
    /// How it signs in.
    pub method: String,
    /// The cloud's name.
    pub cloud: String,
    /// Tenant.
    pub tenant: String,
    /// App.
    pub client_id: String,
    /// `working`, `failing`, `expiring`, `expired` or `unchecked`.
    pub badge: &'static str,
    /// The badge in words.
    pub badge_text: String,
    /// The last check in one line.
    pub last_summary: Option<String>,
    /// When the secret expires (`YYYY-MM-DD`), as noted.
    pub secret_expires: Option<String>,
    /// Days until the secret expires.
    pub days_left: Option<i64>,
}

/// The home screen's cards, most urgent first.
pub fn profile_cards(profiles: &[Profile], now: i64) -> Vec<ProfileCard> {
    let mut cards: Vec<ProfileCard> = profiles
        .iter()
        .map(|p| {
            let days = p
                .secret_expires
                .as_deref()
                .and_then(|d| crate::profile::days_until(d, now));
            let (badge, text) = match (days, &p.last_check) {
                (Some(d), _) if d < 0 => ("expired", "Secret expired".to_string()),
                (_, Some(c)) if !c.ok => ("failing", "Failing".to_string()),
                (Some(d), _) if d <= 30 => ("expiring", format!("Secret expires in {d} days")),
                (_, Some(_)) => ("working", "Working".to_string()),
                (_, None) => ("unchecked", "Not checked yet".to_string()),
            };
            ProfileCard {
                name: p.name.clone(),
                goal: p.goal.map(|g| g.title().to_string()),
                method: p.method.title().to_string(),
                cloud: Cloud::builtin(p.cloud).map_or_else(|| "Custom".into(), |c| c.name),
                tenant: p.tenant.clone(),
                client_id: p.client_id.clone(),
                badge,
                badge_text: text,
                last_summary: p.last_check.as_ref().map(|c| c.summary.clone()),
                secret_expires: p.secret_expires.clone(),
                days_left: days,
            }
        })
        .collect();
    let urgency = |b: &str| match b {
        "expired" | "failing" => 0,
        "expiring" => 1,
        "unchecked" => 2,
        _ => 3,
    };
    cards.sort_by(|a, b| {
        urgency(a.badge)
            .cmp(&urgency(b.badge))
            .then(a.name.cmp(&b.name))
    });
    cards
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The desktop shell runs these on a multi-threaded runtime: they must be `Send`.
    #[test]
    fn sign_in_and_checks_can_run_on_any_thread() {
        fn is_send<T: Send>(_: T) {}
        if let Ok(s) = Session::new(None) {
            let s = std::sync::Arc::new(s);
            let (a, b) = (s.clone(), s);
            is_send(async move { a.sign_in(Draft::default(), |_| {}, |_: &str| Ok(())).await });
            is_send(async move { b.check(Plan::new(Goal::Embed), &|_| {}).await });
        }
    }

    #[test]
    fn cards_put_what_needs_attention_first() {
        let base = Profile {
            name: "b".into(),
            cloud: CloudId::Public,
            custom: None,
            tenant: "t".into(),
            client_id: "c".into(),
            method: Method::ClientSecret,
            username: None,
            certificate_path: None,
            certificate_thumbprint: None,
            goal: Some(Goal::Embed),
            workspace: None,
            scopes: vec![],
            secret_expires: None,
            secret_location: None,
            last_check: None,
        };
        let check = |ok| {
            Some(LastCheck {
                at: 0,
                ok,
                code: None,
                summary: "s".into(),
                http_status: None,
                trace_id: None,
                correlation_id: None,
                timestamp: None,
            })
        };
        let now = 1_800_000_000; // 2027-01-15 08:00 UTC
        let profiles = vec![
            Profile {
                name: "working".into(),
                last_check: check(true),
                ..base.clone()
            },
            Profile {
                name: "failing".into(),
                last_check: check(false),
                ..base.clone()
            },
            Profile {
                name: "soon".into(),
                last_check: check(true),
                secret_expires: Some("2027-02-01".into()),
                ..base.clone()
            },
            Profile {
                name: "never".into(),
                ..base.clone()
            },
            Profile {
                name: "gone".into(),
                secret_expires: Some("2027-01-01".into()),
                ..base
            },
        ];
        let cards = profile_cards(&profiles, now);
        let order: Vec<(&str, &str)> = cards.iter().map(|c| (c.name.as_str(), c.badge)).collect();
        assert_eq!(
            order,
            [
                ("failing", "failing"),
                ("gone", "expired"),
                ("soon", "expiring"),
                ("never", "unchecked"),
                ("working", "working")
            ]
        );
        assert_eq!(cards[2].badge_text, "Secret expires in 16 days");
    }
}
