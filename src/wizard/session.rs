//! One person's run through the wizard (or one `keyway` command): the secret typed once, the
//! sign-in, the token, the checks and saving. The desktop window and the CLI call the same
//! methods, so each sign-in rule exists once.
//!
//! Typed secrets live here only as long as they are needed: a successful save, a cancel and
//! [`Session::forget`] drop them, and dropping a secret wipes its memory. What happens is
//! logged ([`crate::log`]) with codes, hosts and masked IDs, never a secret.

use super::record::{last_check_of, says_something_about_the_connection};
use super::record::{last_check_of_sign_in, log_outcome, log_sign_in, log_signed_in};
use super::trust::{load_kept, secret_key};
use super::{Draft, SignInEvent, TokenSummary, Typed};
use crate::auth::{AssertionAlg, AuthError, ClientCertificate, EndpointVersion, SignIn, Token};
use crate::clock::now;
use crate::cloud::{Cloud, CloudId, CustomEndpoints};
use crate::diagnose::{self, Context, Explanation};
use crate::goal::Method;
use crate::powerbi::ladder::{self, Event, Outcome, Plan, Status};
use crate::powerbi::{Api, RenewRequest};
use crate::profile::{LastCheck, Profile, ProfileStore};
use crate::retry::{RetryPolicy, Waiting};
use crate::secret::{
    AccessToken, CertificateKey, CertificatePassword, ClientSecret, Password, RefreshToken,
};
use crate::validate::{self, FieldProblem, TenantUse};
use crate::vault::{SecretKind, Vault};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_util::sync::CancellationToken;

/// What [`Session::remember`] gives for a password: that one is kept, and no character of it.
const KEPT: &str = "…";

#[derive(Default)]
pub(super) struct Inner {
    pub(super) client_secret: Option<ClientSecret>,
    pub(super) password: Option<Password>,
    pub(super) certificate_password: Option<CertificatePassword>,
    /// A certificate Keyway made ("set it up for me"), with its key.
    pub(super) certificate_key: Option<CertificateKey>,
    pub(super) draft: Option<Draft>,
    pub(super) token: Option<Token>,
    pub(super) cancel: Option<CancellationToken>,
    pub(super) last_check: Option<LastCheck>,
    /// A custom cloud the person typed (Settings, the CLI's options) or confirmed (a preset's).
    pub(super) trusted_custom: Option<CustomEndpoints>,
    /// A preset's custom cloud, shown to the person and not yet confirmed.
    pub(super) pending_custom: Option<CustomEndpoints>,
    /// "Set it up for me": the signed-in administrator and what the plan was made from.
    pub(super) setup: Option<super::setup::SetupState>,
    /// Tenants whose cloud was read and found right, so a sign-in asks only once.
    pub(super) cloud_checked: Vec<(CloudId, String)>,
}

impl Inner {
    /// Drops the secrets the person typed (each wipes its memory as it goes).
    pub(super) fn drop_typed(&mut self) {
        self.client_secret = None;
        self.password = None;
        self.certificate_password = None;
        self.certificate_key = None;
    }
}

/// One person's run through the wizard.
pub struct Session {
    pub(super) http: reqwest::Client,
    retry: RetryPolicy,
    inner: Mutex<Inner>,
}

/// Runs `work`, passing on to `on` the waits announced through `waiting` meanwhile: the calls
/// announce them on a channel because they cannot borrow `on` themselves.
async fn passing_on_waits<T>(
    work: impl std::future::Future<Output = T>,
    waiting: &mut UnboundedReceiver<Waiting>,
    on: &impl Fn(SignInEvent),
) -> T {
    tokio::pin!(work);
    loop {
        tokio::select! {
            done = &mut work => return done,
            Some(wait) = waiting.recv() => on(SignInEvent::Waiting { wait }),
        }
    }
}

/// A channel for waits, and the policy that announces on it.
fn announced(policy: &RetryPolicy) -> (RetryPolicy, UnboundedReceiver<Waiting>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let policy = RetryPolicy {
        on_wait: Some(Arc::new(move |w| drop(tx.send(w)))),
        ..policy.clone()
    };
    (policy, rx)
}

/// Signing in with a saved connection.
pub struct FromProfile<'a> {
    /// The connection.
    pub profile: &'a Profile,
    /// Where its secrets are.
    pub vault: &'a Vault,
    /// Use the older v1 endpoint (not kept in the profile).
    pub v1: bool,
    /// Sign a certificate assertion RS256 (not kept in the profile).
    pub rs256: bool,
    /// Record the outcome as the profile's last check in this store.
    pub record_in: Option<&'a ProfileStore>,
}

impl<'a> FromProfile<'a> {
    /// A saved connection, signed in with its own settings, nothing recorded.
    pub fn new(profile: &'a Profile, vault: &'a Vault) -> Self {
        FromProfile {
            profile,
            vault,
            v1: false,
            rs256: false,
            record_in: None,
        }
    }
}

/// Who signs in to Microsoft Graph to read an app's secrets: an administrator or the app's
/// owner, through a public client app.
pub struct GraphSignIn<'a> {
    /// The public client (Microsoft's Azure CLI, present in every tenant, by default).
    pub client_id: &'a str,
    /// A user and password; a device code otherwise.
    pub password: Option<(&'a str, Password)>,
}

/// A certificate Keyway made is neither in this session nor in the keyring.
pub(super) fn no_kept_certificate() -> Explanation {
    Explanation::new(
        "CERTIFICATE_NOT_SAVED",
        "The certificate Keyway made for this connection is not here",
        "Its private key lives only in the keyring of the computer where it was set up, and \
         the keyring has none for this connection.",
        vec![
            "On that computer, use the saved connection there; here, renew the connection's \
             credential or run \"Set it up for me\" again."
                .into(),
        ],
    )
}

pub(super) fn missing(what: &str) -> Explanation {
    Explanation::new(
        "SECRET_MISSING",
        format!("Type the {what} first"),
        format!("Keyway has no {what} for this sign-in."),
        vec![format!(
            "Type the {what} on the app details step (with the keyway command: pipe it in on \
             standard input)."
        )],
    )
}

impl Session {
    /// A session whose HTTP client also trusts `extra_ca` (PEM), for a company proxy or a
    /// private cloud ([`crate::http::extra_ca`] reads it from a file or `KEYWAY_CA_CERT`).
    pub fn new(extra_ca: Option<&[u8]>) -> Result<Session, Explanation> {
        Ok(Session {
            http: crate::http::client(extra_ca)?,
            retry: RetryPolicy::default(),
            inner: Mutex::new(Inner::default()),
        })
    }

    /// The same session, waiting out 429 and 503 by this policy (tests inject their sleep).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Session {
        self.retry = retry;
        self
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps a typed secret in memory for this session; returns what the UI may show of it: the
    /// last characters of a client secret (`…cdef`), and only `…` for a password or a
    /// certificate password, of which no character is ever shown.
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
                inner.password = Some(Password::new(value));
                Ok(KEPT.into())
            }
            Typed::CertificatePassword => {
                inner.certificate_password = Some(CertificatePassword::new(value));
                Ok(KEPT.into())
            }
        }
    }

    /// Stops a sign-in that is waiting for the person, and drops the secrets they typed: they
    /// type them again when they start over.
    pub fn cancel(&self) {
        let mut inner = self.lock();
        if let Some(c) = inner.cancel.take() {
            c.cancel();
        }
        inner.drop_typed();
    }

    /// Forgets everything this run kept but the trusted custom cloud: typed secrets, token,
    /// answers, last check and an unconfirmed preset cloud. The window calls it when a new
    /// connection is started or a saved one opened, so nothing of the previous one stays in
    /// memory.
    pub fn forget(&self) {
        let mut inner = self.lock();
        if let Some(c) = inner.cancel.take() {
            c.cancel();
        }
        // The custom cloud the person typed or confirmed stays theirs: it is not a secret, and
        // Settings would otherwise have to be filled in again.
        let trusted_custom = inner.trusted_custom.take();
        *inner = Inner {
            trusted_custom,
            ..Inner::default()
        };
        tracing::info!("session forgotten");
    }

    /// The sign-in for a draft: tenant and client ID checked, scopes and endpoint version set.
    fn signin<'a>(&'a self, draft: &Draft, cloud: &'a Cloud) -> Result<SignIn<'a>, AuthError> {
        let mut signin = SignIn::new(
            &self.http,
            cloud,
            &draft.tenant,
            &draft.client_id,
            draft.tenant_use(),
        )?;
        signin.scopes = draft.scopes.clone();
        signin.retry = self.retry.clone();
        if draft.v1 {
            signin.version = EndpointVersion::V1;
        }
        Ok(signin)
    }

    /// Signs in with the draft and the secret typed earlier. `on` hears about device codes and
    /// the browser; `open` shows a web page (normally [`super::open_page`]).
    pub async fn sign_in(
        &self,
        draft: Draft,
        on: impl Fn(SignInEvent) + Send,
        open: impl FnOnce(&str) -> std::io::Result<()> + Send,
    ) -> Result<TokenSummary, Explanation> {
        let hint = self.lock().client_secret.as_ref().map(ClientSecret::hint);
        let hint = hint.filter(|_| draft.method == Some(Method::ClientSecret));
        let draft = self.adopt(draft)?;
        log_sign_in("typed", &draft, draft.method);
        let token = self.sign_in_token(&draft, on, open).await;
        log_signed_in(&token);
        let token = token?;
        let summary = TokenSummary::of(&token, hint);
        self.keep(draft, token);
        Ok(summary)
    }

    fn keep(&self, draft: Draft, token: Token) {
        let mut inner = self.lock();
        inner.draft = Some(draft);
        inner.token = Some(token);
        inner.cancel = None;
    }

    /// A built-in cloud that is not the tenant's is said before anything is sent; a tenant found
    /// right is not asked again.
    async fn check_cloud(&self, cloud: &Cloud, tenant: &str) -> Result<(), Explanation> {
        let key = (cloud.id, tenant.trim().to_ascii_lowercase());
        if cloud.id == CloudId::Custom || self.lock().cloud_checked.contains(&key) {
            return Ok(());
        }
        let found = crate::cloud::tenant_cloud(&self.http, cloud, tenant).await;
        if let Some(x) = found.and_then(|f| diagnose::wrong_cloud(cloud.id, f)) {
            return Err(x);
        }
        if found.is_some() {
            self.lock().cloud_checked.push(key);
        }
        Ok(())
    }

    async fn sign_in_token(
        &self,
        draft: &Draft,
        on: impl Fn(SignInEvent) + Send,
        open: impl FnOnce(&str) -> std::io::Result<()> + Send,
    ) -> Result<Token, Explanation> {
        let cloud = self.cloud(draft.cloud)?;
        let method = draft.method()?;
        self.check_cloud(&cloud, &draft.tenant).await?;
        let mut ctx = Context::new(&cloud, &draft.tenant, &draft.client_id);
        ctx.password = method == Method::Password;
        let explain = |e: AuthError| diagnose::explain_auth_error(&e, &ctx);
        let mut signin = self.signin(draft, &cloud).map_err(explain)?;
        let (retry, mut waiting) = announced(&signin.retry);
        signin.retry = retry;
        let cancel = CancellationToken::new();
        let (secret, password, cert_password, kept) = {
            let mut inner = self.lock();
            inner.cancel = Some(cancel.clone());
            (
                inner.client_secret.clone(),
                inner.password.clone(),
                inner.certificate_password.clone(),
                inner.certificate_key.clone(),
            )
        };
        // What is missing here is explained as it is; what the sign-in says, below.
        let work = async {
            let signed_in: Result<Token, AuthError> = match method {
                Method::ClientSecret => {
                    let s = secret.ok_or_else(|| missing("client secret"))?;
                    signin.client_secret(&s).await
                }
                Method::Certificate => {
                    let cert = if draft.certificate_in_keyring {
                        let kept = kept.ok_or_else(no_kept_certificate)?;
                        ClientCertificate::from_kept(&kept, now())
                    } else {
                        let path = draft.certificate_path.as_deref();
                        let path = path.ok_or_else(|| missing("certificate file"))?;
                        let key = draft.certificate_key.as_deref();
                        ClientCertificate::load(path, key, cert_password.as_ref(), now())
                    };
                    let cert = cert.map_err(explain)?;
                    let alg = if draft.rs256 {
                        AssertionAlg::Rs256
                    } else {
                        AssertionAlg::Ps256
                    };
                    signin.certificate(&cert, alg).await
                }
                Method::Password => {
                    let p = password.ok_or_else(|| missing("password"))?;
                    let user = draft.username.clone().unwrap_or_default();
                    signin.password(&user, &p).await
                }
                Method::DeviceCode => {
                    let shown = |i: &crate::auth::device::DeviceCodeInfo| {
                        on(SignInEvent::DeviceCode { info: i.clone() })
                    };
                    signin.device_code(shown, tokio::time::sleep, cancel).await
                }
                Method::Browser => {
                    let opened = |url: &str| {
                        let r = open(url);
                        on(match &r {
                            Ok(()) => SignInEvent::BrowserOpened { url: url.into() },
                            Err(e) => SignInEvent::BrowserNotOpened {
                                url: url.into(),
                                reason: e.to_string(),
                            },
                        });
                        r
                    };
                    signin
                        .browser(opened, crate::limits::browser_wait(), cancel)
                        .await
                }
            };
            Ok::<_, Explanation>(signed_in)
        };
        let result = passing_on_waits(work, &mut waiting, &on).await?;
        result.map_err(explain)
    }

    /// Signs in with a saved connection, its secret from the keyring. A saved refresh token
    /// signs a person in silently (and its rotated successor is saved back); otherwise they sign
    /// in again. With `record_in`, the outcome becomes the profile's last check.
    pub async fn sign_in_saved(
        &self,
        from: FromProfile<'_>,
        on: impl Fn(SignInEvent) + Send,
        open: impl FnOnce(&str) -> std::io::Result<()> + Send,
    ) -> Result<TokenSummary, Explanation> {
        let profile = from.profile;
        self.cloud_of(profile)?;
        let mut draft = Draft::from_profile(profile);
        draft.v1 = from.v1;
        draft.rs256 = from.rs256;
        log_sign_in("saved", &draft, Some(profile.method));
        let result = self.saved_token(&from, &draft, on, open).await;
        log_signed_in(&result);
        if let Some(store) = from.record_in {
            // Only a result about the connection itself replaces its last check; the sign-in's
            // own result matters more than a failure to note it.
            let telling = match &result {
                Ok(_) => true,
                Err(x) => says_something_about_the_connection(&x.code),
            };
            if telling {
                let _ = store.record_check(&profile.name, last_check_of_sign_in(&result));
            }
        }
        let token = result?;
        if matches!(profile.method, Method::Browser | Method::DeviceCode) {
            if let Some(rt) = token.refresh_token.clone() {
                let key = secret_key(&profile.name, &self.cloud(profile.cloud)?);
                let (vault, name) = (from.vault.clone(), key);
                let kind = SecretKind::RefreshToken;
                // Best effort: the old refresh token still works if this one can't be kept.
                let kept =
                    tokio::task::spawn_blocking(move || vault.save(&name, kind, rt.expose())).await;
                match kept {
                    Ok(Ok(())) => tracing::info!("rotated refresh token kept"),
                    Ok(Err(e)) => tracing::warn!(code = e.code, "rotated refresh token not kept"),
                    Err(_) => tracing::warn!("rotated refresh token not kept"),
                }
            }
        }
        let hint = self.lock().client_secret.as_ref().map(ClientSecret::hint);
        let hint = hint.filter(|_| profile.method == Method::ClientSecret);
        let summary = TokenSummary::of(&token, hint);
        self.keep(draft, token);
        Ok(summary)
    }

    async fn saved_token(
        &self,
        from: &FromProfile<'_>,
        draft: &Draft,
        on: impl Fn(SignInEvent) + Send,
        open: impl FnOnce(&str) -> std::io::Result<()> + Send,
    ) -> Result<Token, Explanation> {
        let (vault, name) = (from.vault, from.profile.name.as_str());
        let cloud = self.cloud(draft.cloud)?;
        match from.profile.method {
            Method::ClientSecret => {
                let s = load_kept::<ClientSecret>(vault, name, &cloud)
                    .await?
                    .ok_or_else(|| {
                        Explanation::new(
                            "SECRET_NOT_SAVED",
                            "No client secret is saved for this connection",
                            format!("The keyring has no secret for \"{name}\"."),
                            vec![
                                "Edit the connection and type the secret again (with the keyway \
                             command: keyway profile save ... --secret-stdin --replace)."
                                    .into(),
                            ],
                        )
                    })?;
                self.lock().client_secret = Some(s);
            }
            Method::Password => {
                if let Some(p) = load_kept::<Password>(vault, name, &cloud).await? {
                    self.lock().password = Some(p);
                }
            }
            Method::Certificate if from.profile.certificate_in_keyring => {
                let kept = load_kept::<CertificateKey>(vault, name, &cloud).await?;
                self.lock().certificate_key = kept;
            }
            Method::Certificate => {
                if let Some(p) = load_kept::<CertificatePassword>(vault, name, &cloud).await? {
                    self.lock().certificate_password = Some(p);
                }
            }
            Method::Browser | Method::DeviceCode => {
                if let Some(rt) = load_kept::<RefreshToken>(vault, name, &cloud).await? {
                    if let Ok(mut signin) = self.signin(draft, &cloud) {
                        let (retry, mut waiting) = announced(&signin.retry);
                        signin.retry = retry;
                        let refresh = signin.refresh(&rt);
                        if let Ok(token) = passing_on_waits(refresh, &mut waiting, &on).await {
                            return Ok(token);
                        }
                    }
                }
            }
        }
        self.sign_in_token(draft, on, open).await
    }

    /// Runs the check ladder with the current token, streaming each item to `on`. The outcome
    /// is kept as the connection's last check, for [`Session::save`].
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
        // Whatever shell or file it came from, a workspace goes into API paths only as a GUID.
        plan.workspace = match plan.workspace.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(w) => Some(validate::workspace_id(w)?),
        };
        let (renew, mut asked) = tokio::sync::mpsc::channel::<RenewRequest>(1);
        let api = Api::new(&self.http, &cloud, token.access_token.clone())
            .with_retry(self.retry.clone())
            .renewing_with(renew);
        let ctx = Context::new(&cloud, &draft.tenant, &draft.client_id);
        tracing::info!(goal = %plan.goal, "checks started");
        let checks = ladder::run(api, ctx, plan, token.claims.clone(), on);
        // Power BI may say the token expired half-way: it is renewed once, without a person
        // (refresh token, or the secret this session holds), and the checks go on.
        let renewals = async {
            let mut renewed = false;
            while let Some(reply) = asked.recv().await {
                let fresh = if renewed {
                    None
                } else {
                    renewed = true;
                    self.renew(&draft).await
                };
                let _ = reply.send(fresh);
            }
        };
        let (outcome, ()) = tokio::join!(checks, renewals);
        log_outcome(&outcome);
        self.lock().last_check = Some(last_check_of(&outcome));
        Ok(outcome)
    }

    /// A new access token without asking the person: the refresh token, else the secret,
    /// certificate or password this session holds. Kept as the session's token.
    async fn renew(&self, draft: &Draft) -> Option<AccessToken> {
        let refresh = self.token().and_then(|t| t.refresh_token);
        let token = match (refresh, draft.method) {
            (Some(rt), _) => {
                let cloud = self.cloud(draft.cloud).ok()?;
                self.signin(draft, &cloud).ok()?.refresh(&rt).await.ok()?
            }
            (None, Some(Method::ClientSecret | Method::Certificate | Method::Password)) => {
                let no_person = |_: &str| Err(std::io::Error::other("no person to ask"));
                self.sign_in_token(draft, |_| {}, no_person).await.ok()?
            }
            _ => return None,
        };
        let access = token.access_token.clone();
        self.lock().token = Some(token);
        Some(access)
    }

    /// The ladder when signing in failed: the token rung explains why, the rest wait for it.
    pub fn check_without_token(&self, draft: &Draft, plan: &Plan, problem: Explanation) -> Outcome {
        let app_only = draft.tenant_use() == TenantUse::App;
        let outcome = ladder::sign_in_failed(problem, plan, app_only);
        log_outcome(&outcome);
        debug_assert!(outcome.items.iter().all(|i| i.status != Status::Pass));
        self.lock().last_check = Some(last_check_of(&outcome));
        outcome
    }

    /// The last check's result in a profile's form, if checks ran in this session.
    pub fn last_check(&self) -> Option<LastCheck> {
        self.lock().last_check.clone()
    }

    /// The current token (for `keyway token`'s output). Only on the person's request.
    pub fn token(&self) -> Option<Token> {
        self.lock().token.clone()
    }

    /// The current access token, for "Copy access token". Only on the person's request.
    pub fn access_token(&self) -> Option<String> {
        self.lock()
            .token
            .as_ref()
            .map(|t| t.access_token.expose().to_string())
    }

    /// Reads, from Microsoft Graph, when the connection's saved client secret expires (matched
    /// by the first characters Graph shows; the soonest when none matches).
    pub async fn secret_expiry_from_graph(
        &self,
        profile: &Profile,
        vault: Option<&Vault>,
        who: GraphSignIn<'_>,
        on: impl Fn(SignInEvent) + Send,
    ) -> Result<String, Explanation> {
        let cloud = Cloud::resolve(profile.cloud, profile.custom.as_ref())?;
        let graph_cloud = cloud.for_graph();
        let ctx = Context::new(&cloud, &profile.tenant, who.client_id);
        let explain = |e: AuthError| diagnose::explain_auth_error(&e, &ctx);
        let mut signin = SignIn::new(
            &self.http,
            &graph_cloud,
            &profile.tenant,
            who.client_id,
            TenantUse::User,
        )
        .map_err(explain)?;
        signin.scopes = vec!["Application.Read.All".into()];
        let token = match &who.password {
            Some((user, password)) => signin.password(user, password).await,
            None => {
                let shown = |i: &crate::auth::device::DeviceCodeInfo| {
                    on(SignInEvent::DeviceCode { info: i.clone() })
                };
                let cancel = CancellationToken::new();
                self.lock().cancel = Some(cancel.clone());
                signin.device_code(shown, tokio::time::sleep, cancel).await
            }
        }
        .map_err(explain)?;
        let secrets =
            crate::graph::app_secrets(&self.http, &cloud, &token.access_token, &profile.client_id)
                .await
                .map_err(explain)?;
        let saved = match vault {
            Some(v) => load_kept::<ClientSecret>(v, &profile.name, &cloud)
                .await
                .ok()
                .flatten(),
            None => None,
        };
        let chosen = crate::graph::matching_secret(&secrets, saved.as_ref()).ok_or_else(|| {
            Explanation::new(
                "NO_SECRETS",
                "The app has no client secret",
                "Graph lists no client secret for this app.",
                vec!["Add one under Certificates & secrets in the app registration.".into()],
            )
        })?;
        Ok(chosen.expiry_date())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goal::Goal;

    /// The desktop shell runs these on a multi-threaded runtime: they must be `Send`.
    #[test]
    fn sign_in_and_checks_can_run_on_any_thread() {
        fn is_send<T: Send>(_: T) {}
        if let Ok(s) = Session::new(None) {
            let s = std::sync::Arc::new(s);
            let (a, b, c) = (s.clone(), s.clone(), s);
            is_send(async move { a.sign_in(Draft::default(), |_| {}, |_: &str| Ok(())).await });
            is_send(async move { b.check(Plan::new(Goal::Embed), &|_| {}).await });
            let vault = Vault::session_only();
            let p = Profile::new("p", Method::DeviceCode);
            is_send(async move {
                c.sign_in_saved(FromProfile::new(&p, &vault), |_| {}, |_: &str| Ok(()))
                    .await
            });
        }
    }
}
