//! "Set it up for me" in the window: the administrator's sign-in, the plan and the changes run
//! through the session, which keeps the administrator and, at the end, the new app's secret —
//! the window never sees it, and goes on to the usual sign-in and checks.

use super::trust::{load_kept, secret_key};
use super::{blocking, set_secret_expiry, Draft, Session, SignInEvent, Typed};
use crate::cloud::CloudId;
use crate::diagnose::Explanation;
use crate::goal::Method;
use crate::profile::{Profile, ProfileStore};
use crate::secret::{CertificateKey, ClientSecret, Zeroizing};
use crate::setup::old_secret;
use crate::setup::{plan, Admin, Found, NewCredential, Request, Step};
use crate::vault::{SecretKind, Vault};
use serde::Serialize;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// The administrator and the plan's inputs, between the screens.
pub(super) struct SetupState {
    admin: Arc<Admin>,
    tenant: String,
    planned: Option<(Request, Found)>,
    /// What a failed run created, for [`Session::setup_undo`].
    created: Vec<crate::setup::Created>,
}

/// What was set up, for the window to go on with (no secret in it).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupDone {
    /// The tenant.
    pub tenant: String,
    /// The new app's client ID.
    pub client_id: String,
    /// How it signs in: with its client secret, the certificate Keyway made, or (the delegated
    /// goal) each person in the browser.
    pub method: Method,
    /// When its secret or certificate expires, `YYYY-MM-DD`; none without one.
    pub secret_expires: Option<String>,
    /// Every step, as done.
    pub done: Vec<Step>,
    /// The delegated goal's Power BI permissions, consented for everyone (else none).
    pub scopes: Vec<String>,
    /// The workspace the app has its seat in (by ID), if any.
    pub workspace: Option<String>,
    /// The app's three IDs, and what each is used for.
    pub ids: Vec<crate::setup::IdUse>,
}

fn not_signed_in() -> Explanation {
    Explanation::new(
        "SETUP_NOT_SIGNED_IN",
        "An administrator signs in first",
        "The plan is made from what the administrator's sign-in can read.",
        vec!["Choose \"Sign in as an administrator\".".into()],
    )
}

impl Session {
    /// Signs an administrator in for `admin_client` (a public client): with a device code, or
    /// `in_browser` on this computer (the page opened only on the cloud's own sign-in host).
    pub async fn setup_sign_in(
        &self,
        cloud: CloudId,
        tenant: &str,
        admin_client: &str,
        in_browser: bool,
        on: impl Fn(SignInEvent) + Send,
    ) -> Result<(), Explanation> {
        let cloud = self.cloud(cloud)?;
        let admin = self
            .admin_sign_in(&cloud, tenant, admin_client, in_browser, on)
            .await?;
        self.lock().setup = Some(SetupState {
            admin: Arc::new(admin),
            tenant: tenant.trim().to_string(),
            planned: None,
            created: vec![],
        });
        Ok(())
    }

    async fn admin_sign_in(
        &self,
        cloud: &crate::cloud::Cloud,
        tenant: &str,
        admin_client: &str,
        in_browser: bool,
        on: impl Fn(SignInEvent) + Send,
    ) -> Result<Admin, Explanation> {
        let cancel = CancellationToken::new();
        self.lock().cancel = Some(cancel.clone());
        if in_browser {
            let open = |url: &str| {
                let r = super::open_page(cloud, url);
                on(match &r {
                    Ok(()) => SignInEvent::BrowserOpened { url: url.into() },
                    Err(e) => SignInEvent::BrowserNotOpened {
                        url: url.into(),
                        reason: e.to_string(),
                    },
                });
                r
            };
            Admin::sign_in_in_browser(&self.http, cloud, tenant, admin_client, open, cancel).await
        } else {
            let shown = |info: &crate::auth::device::DeviceCodeInfo| {
                on(SignInEvent::DeviceCode { info: info.clone() });
            };
            Admin::sign_in(&self.http, cloud, tenant, admin_client, shown, cancel).await
        }
    }

    /// Renews the saved connection `name` from the window: an administrator (or the app's owner)
    /// signs in for its tenant, then [`Session::renew_credential`].
    pub async fn renew_saved(
        &self,
        name: &str,
        months: u32,
        in_browser: bool,
        store: &ProfileStore,
        vault: &Vault,
        on: impl Fn(SignInEvent) + Send,
    ) -> Result<Renewed, Explanation> {
        if !(1..=24).contains(&months) {
            return Err(Explanation::new(
                "SETUP_REQUEST_INVALID",
                "The lifetime can't be used",
                "Choose between 1 and 24 months.",
                vec!["Choose between 1 and 24 months.".into()],
            ));
        }
        let profile = store.get(name)?;
        let cloud = self.cloud_of(&profile)?;
        let client = crate::setup::AZURE_CLI_CLIENT;
        let admin = self
            .admin_sign_in(&cloud, &profile.tenant, client, in_browser, on)
            .await?;
        self.renew_credential(&admin, &profile, vault, store, months)
            .await
    }

    /// The signed-in administrator's workspaces, to choose the app's seat from.
    pub async fn setup_workspaces(&self) -> Result<Vec<crate::setup::Workspace>, Explanation> {
        let admin = self.lock().setup.as_ref().map(|s| s.admin.clone());
        admin.ok_or_else(not_signed_in)?.workspaces().await
    }

    /// Reads what exists and plans the changes; nothing is changed.
    pub async fn setup_plan(&self, request: Request) -> Result<Vec<Step>, Explanation> {
        let admin = self.lock().setup.as_ref().map(|s| s.admin.clone());
        let admin = admin.ok_or_else(not_signed_in)?;
        let found = admin.discover(&request).await?;
        let steps = plan(&request, &found);
        if let Some(s) = self.lock().setup.as_mut() {
            s.planned = Some((request, found));
        }
        Ok(steps)
    }

    /// Makes the planned changes, telling `on` of each step; the new secret stays in the session
    /// for the sign-in that follows.
    pub async fn setup_apply(&self, on: impl Fn(&Step)) -> Result<SetupDone, Explanation> {
        let (admin, tenant, planned) = {
            let inner = self.lock();
            let s = inner.setup.as_ref().ok_or_else(not_signed_in)?;
            (s.admin.clone(), s.tenant.clone(), s.planned.clone())
        };
        let (request, found) = planned.ok_or_else(not_signed_in)?;
        let result = admin.apply(&request, &found, on).await;
        if let (Err(stopped), Some(s)) = (&result, self.lock().setup.as_mut()) {
            s.created = stopped.created.clone();
        }
        let applied = result.map_err(|stopped| {
            let mut x = stopped.explanation;
            let done: Vec<String> = stopped.done.iter().map(|s| s.summary.clone()).collect();
            if !done.is_empty() {
                x.fix
                    .push(format!("Already done before this: {}", done.join(" ")));
            }
            x
        })?;
        let method = match applied.credential {
            Some(c) => self.hold_credential(c)?,
            None if request.goal == crate::goal::Goal::Delegated => Method::Browser,
            None => return Err(crate::setup::no_new_credential()),
        };
        if let Some(s) = self.lock().setup.as_mut() {
            s.planned = None;
        }
        Ok(SetupDone {
            tenant,
            client_id: applied.client_id,
            method,
            secret_expires: applied.secret_expires,
            done: applied.done,
            workspace: applied.workspace,
            ids: applied.ids.uses(),
            scopes: if request.goal == crate::goal::Goal::Delegated {
                crate::setup::scopes_of(&request)
            } else {
                vec![]
            },
        })
    }

    /// Holds a new app's credential for the sign-in and the save that follow (in the window and
    /// the CLI alike); says how the app signs in with it. A certificate's draft sets
    /// `certificate_in_keyring`.
    pub fn hold_credential(&self, credential: NewCredential) -> Result<Method, Explanation> {
        Ok(match credential {
            NewCredential::Secret(s) => {
                self.remember(Typed::ClientSecret, s.expose())?;
                Method::ClientSecret
            }
            NewCredential::Certificate(kept) => {
                self.lock().certificate_key = Some(kept);
                Method::Certificate
            }
        })
    }

    /// Takes back what the failed run created, and nothing else; says what it removed.
    pub async fn setup_undo(&self) -> Result<Vec<String>, Explanation> {
        let (admin, created) = {
            let inner = self.lock();
            let s = inner.setup.as_ref().ok_or_else(not_signed_in)?;
            (s.admin.clone(), s.created.clone())
        };
        let undone = admin.undo(&created).await?;
        if let Some(s) = self.lock().setup.as_mut() {
            s.created.clear();
        }
        Ok(undone)
    }

    /// Renews a saved connection's credential: its client secret, or the certificate Keyway made
    /// for it (kept in the keyring). A certificate file chosen by the person is theirs to renew.
    pub async fn renew_credential(
        &self,
        admin: &Admin,
        profile: &Profile,
        vault: &Vault,
        store: &ProfileStore,
        months: u32,
    ) -> Result<Renewed, Explanation> {
        match profile.method {
            Method::Certificate if profile.certificate_in_keyring => {
                self.renew_certificate(admin, profile, vault, store, months)
                    .await
            }
            Method::Certificate => Err(Explanation::new(
                "RENEW_CERTIFICATE_FILE",
                "This certificate is a file Keyway does not manage",
                format!(
                    "“{}” signs in with a certificate file chosen by hand.",
                    profile.name
                ),
                vec![
                    "Upload a new certificate to the app in the portal, then choose its file \
                     in the connection's details."
                        .into(),
                ],
            )),
            _ => {
                self.renew_secret(admin, profile, vault, store, months)
                    .await
            }
        }
    }

    /// Renews the certificate Keyway made: a new one is added (proved by the saved one), signs
    /// in, is kept in the keyring with its expiry date, and only then is the old one removed
    /// (proved by the new one).
    async fn renew_certificate(
        &self,
        admin: &Admin,
        profile: &Profile,
        vault: &Vault,
        store: &ProfileStore,
        months: u32,
    ) -> Result<Renewed, Explanation> {
        let cloud = self.cloud_of(profile)?;
        let old = load_kept::<CertificateKey>(vault, &profile.name, &cloud)
            .await?
            .ok_or_else(super::session::no_kept_certificate)?;
        let new = admin
            .add_certificate(&profile.client_id, &old, months)
            .await?;
        self.lock().certificate_key = Some(new.kept.clone());
        if let Err(mut x) = self.prove(profile).await {
            let _ = admin
                .remove_certificate(&new.object_id, &new.key_id, &old)
                .await;
            self.lock().certificate_key = None;
            x.fix
                .push("The new certificate was removed again; the saved one is unchanged.".into());
            return Err(x);
        }
        let kept = (SecretKind::CertificateKey, new.kept.expose());
        self.keep_renewed(vault, store, profile, kept, &new.expires)
            .await?;
        let removed = match &new.old_key_id {
            Some(old_id) => {
                admin
                    .remove_certificate(&new.object_id, old_id, &new.kept)
                    .await?;
                Some(old_id.clone())
            }
            None => None,
        };
        Ok(Renewed {
            expires: new.expires,
            removed,
        })
    }

    /// Signs the saved connection in with the new credential the session holds, asking nobody.
    async fn prove(&self, profile: &Profile) -> Result<(), Explanation> {
        let no_person = |_: &str| Err(std::io::Error::other("no person to ask"));
        self.sign_in(Draft::from_profile(profile), |_| {}, no_person)
            .await
            .map(drop)
    }

    /// Keeps a proved credential in the keyring for the saved connection, with its expiry date.
    async fn keep_renewed(
        &self,
        vault: &Vault,
        store: &ProfileStore,
        profile: &Profile,
        (kind, value): (SecretKind, &str),
        expires: &str,
    ) -> Result<(), Explanation> {
        let cloud = self.cloud_of(profile)?;
        let (v, key) = (vault.clone(), secret_key(&profile.name, &cloud));
        let value = Zeroizing::new(value.to_string());
        blocking(move || Ok(v.save(&key, kind, &value)?)).await?;
        set_secret_expiry(store, &profile.name, Some(expires))
    }

    /// Renews a saved connection's client secret: a new one is added, proved by signing in with
    /// it, kept in the keyring with its expiry date, and only then is the old one removed — when
    /// exactly one of the app's secrets can be it (another may serve another system).
    async fn renew_secret(
        &self,
        admin: &Admin,
        profile: &Profile,
        vault: &Vault,
        store: &ProfileStore,
        months: u32,
    ) -> Result<Renewed, Explanation> {
        if profile.method != Method::ClientSecret {
            return Err(Explanation::new(
                "RENEW_NOT_A_SECRET",
                "Only a client secret is renewed this way",
                format!("“{}” does not sign in with a client secret.", profile.name),
                vec!["Choose a connection that uses a client secret.".into()],
            ));
        }
        let cloud = self.cloud_of(profile)?;
        let old = load_kept::<ClientSecret>(vault, &profile.name, &cloud).await?;
        let new = admin.add_secret(&profile.client_id, months).await?;
        self.remember(Typed::ClientSecret, new.secret.expose())?;
        if let Err(mut x) = self.prove(profile).await {
            let _ = admin.remove_secret(&new.object_id, &new.key_id).await;
            x.fix
                .push("The new secret was removed again; the saved one is unchanged.".into());
            return Err(x);
        }
        let kept = (SecretKind::ClientSecret, new.secret.expose());
        self.keep_renewed(vault, store, profile, kept, &new.expires)
            .await?;
        let removed = match old.as_ref().and_then(|o| old_secret(&new.before, o)) {
            Some(s) => {
                admin.remove_secret(&new.object_id, &s.key_id).await?;
                Some(s.key_id.clone())
            }
            None => None,
        };
        Ok(Renewed {
            expires: new.expires,
            removed,
        })
    }
}

/// What renewing a secret did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Renewed {
    /// When the new secret expires, `YYYY-MM-DD`.
    pub expires: String,
    /// The Secret ID (or key ID) of the old secret or certificate removed; none when Keyway
    /// could not tell which it was.
    pub removed: Option<String>,
}
