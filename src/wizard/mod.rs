//! What the desktop wizard and the `keyway` CLI do between a person's answers and a working,
//! saved connection, without any window: the answers so far ([`Draft`]), the secret typed once
//! (kept in memory until it goes to the keyring), the token, the checks, saving, the home
//! screen's cards and the usage snippets. Both shells only turn these calls into commands.
//!
//! Layers point down only: the shells → this module → checks (`powerbi`, `graph`, `report`) and
//! storage (`profile`, `vault`) → sign-in (`auth`, `http`) → basics (`cloud`, `goal`,
//! `validate`, `secret`, `clock`).

mod cards;
mod company_ca;
mod record;
mod save;
mod session;
mod setup;
mod trust;

pub use cards::{
    check_date, delete_connection, profile_cards, saved_profiles, set_secret_expiry, ProfileCard,
    EXPIRING_WITHIN_DAYS,
};
pub use company_ca::{company_ca, set_company_ca, CompanyCa};
pub use record::{last_check_of, says_something_about_the_connection};
pub use session::{FromProfile, GraphSignIn, Session};
pub use setup::{Renewed, SetupDone};
pub use trust::secret_key;
pub use trust::{custom_hosts, import_preset, PresetRead};

use crate::auth::device::DeviceCodeInfo;
use crate::auth::token::Token;
use crate::cloud::{Cloud, CloudId, CustomEndpoints};
use crate::diagnose::Explanation;
use crate::goal::{Goal, Method};
use crate::profile::Profile;
use crate::validate::{self, FieldProblem, TenantUse};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

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
    /// The certificate's private key, when it is in a separate PEM file.
    pub certificate_key: Option<PathBuf>,
    /// The certificate is one Keyway made, held by the session or kept in the keyring.
    pub certificate_in_keyring: bool,
    /// The workspace the checks use.
    pub workspace: Option<String>,
    /// Delegated scopes for "call the API as myself".
    pub scopes: Vec<String>,
    /// Use the older v1 sign-in endpoint.
    pub v1: bool,
    /// Sign a certificate assertion RS256 with a SHA-1 thumbprint (the older form).
    pub rs256: bool,
}

impl Draft {
    /// The method, or the problem that none was chosen.
    pub fn method(&self) -> Result<Method, Explanation> {
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
        Ok(Cloud::resolve(self.cloud, self.custom.as_ref())?)
    }

    /// How the tenant is used: an app signs in as itself, or a person signs in.
    pub fn tenant_use(&self) -> TenantUse {
        match self.method {
            Some(m) if m.is_app_only() => TenantUse::App,
            _ => TenantUse::User,
        }
    }

    /// Every field's problem, checked the way sign-in will check it.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut out = vec![];
        if let Err(p) = validate::tenant(&self.tenant, self.tenant_use()) {
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
        if self.method == Some(Method::Certificate)
            && self.certificate_path.is_none()
            && !self.certificate_in_keyring
        {
            out.push(FieldProblem {
                field: "certificate",
                code: "CERTIFICATE_MISSING",
                message: "Choose the certificate file (.pfx, or .pem with its private key).".into(),
            });
        }
        if let Some(ws) = self.workspace.as_deref().filter(|w| !w.trim().is_empty()) {
            if let Err(p) = validate::workspace_id(ws) {
                out.push(p);
            }
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
            certificate_in_keyring: p.certificate_in_keyring,
            workspace: p.workspace.clone(),
            scopes: p.scopes.clone(),
            ..Draft::default()
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
    pub fn of(token: &Token, secret_hint: Option<String>) -> TokenSummary {
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

    /// The summary as lines for a terminal.
    pub fn to_text(&self, now: i64) -> String {
        let perms = if self.permissions.is_empty() {
            "none".to_string()
        } else {
            self.permissions.join(", ")
        };
        let kind = if self.app_only {
            "application"
        } else {
            "delegated"
        };
        [
            format!(
                "Signed in as {} (tenant {}).",
                self.who,
                self.tenant_id.clone().unwrap_or_default()
            ),
            format!(
                "Token for {}, {kind} permissions: {perms}.",
                self.audience.clone().unwrap_or_default()
            ),
            format!(
                "Expires in {} minutes.",
                (self.expires_on - now).max(0) / 60
            ),
        ]
        .join("\n")
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
    /// The sign-in page was opened in the browser. The address is given too (it holds only the
    /// PKCE challenge and `state`, no secret) for when nothing visibly opened.
    BrowserOpened {
        /// The sign-in page.
        url: String,
    },
    /// The browser could not be opened; Keyway keeps waiting for the person to open the
    /// address themselves.
    BrowserNotOpened {
        /// The sign-in page to open by hand.
        url: String,
        /// Why the browser did not open.
        reason: String,
    },
    /// Microsoft's sign-in service asked Keyway to slow down; it waits, then asks again.
    Waiting {
        /// The wait and who asked.
        #[serde(flatten)]
        wait: crate::retry::Waiting,
    },
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

/// Opens a page in the system browser, only when it is one of this cloud's Microsoft pages.
/// What both shells hand the sign-in as its opener, and what "Open this page" calls.
pub fn open_page(cloud: &Cloud, url: &str) -> std::io::Result<()> {
    if !cloud.may_open(url) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!(
                "{url} is not one of Microsoft's pages for this cloud, so Keyway did not open it."
            ),
        ));
    }
    crate::auth::browser::open_system_browser(url)
}

/// Runs blocking work (the keyring, above all) off the async runtime, in both shells.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Explanation> + Send + 'static,
) -> Result<T, Explanation> {
    tokio::task::spawn_blocking(work).await?
}

/// The system keyring, reached off the async runtime.
pub async fn system_vault() -> Result<crate::vault::Vault, Explanation> {
    blocking(|| Ok(crate::vault::Vault::system()?)).await
}

/// Reads a preset (a help desk's connection, without secrets); every problem is listed.
pub fn read_preset(bytes: &[u8]) -> Result<Profile, Explanation> {
    crate::profile::Preset::parse(bytes).map_err(|problems| {
        Explanation::new(
            "PRESET_INVALID",
            "This preset can't be used",
            "Some of its values are missing or not in the right form.",
            problems.iter().map(|p| p.message.clone()).collect(),
        )
    })
}
