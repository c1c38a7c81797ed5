//! The tenant model: who exists, what they may do, and what is in Power BI.
//!
//! A scenario file (TOML or JSON) describes one or more tenants. Every answer fakecloud gives
//! is derived from this model, so a test changes behaviour by changing the model, not by
//! scripting responses.

use serde::{Deserialize, Serialize};
use std::path::Path;
use time::OffsetDateTime;
use uuid::Uuid;

/// Everything the emulator knows.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The tenants, each a separate directory.
    #[serde(default)]
    pub tenants: Vec<Tenant>,
}

/// One Entra ID tenant (directory) and its Power BI content.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tenant {
    /// The tenant GUID.
    pub id: Uuid,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Verified domains, e.g. `contoso.onmicrosoft.com`.
    #[serde(default)]
    pub domains: Vec<String>,
    /// Power BI / Fabric tenant settings.
    #[serde(default)]
    pub settings: TenantSettings,
    /// App registrations (and their service principals) in this tenant.
    #[serde(default)]
    pub apps: Vec<App>,
    /// Users.
    #[serde(default)]
    pub users: Vec<User>,
    /// Security groups.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Power BI workspaces.
    #[serde(default)]
    pub workspaces: Vec<Workspace>,
    /// Conditional Access: block every sign-in from outside a compliant device (AADSTS53003).
    #[serde(default)]
    pub conditional_access_blocks: bool,
    /// The cloud its discovery document names: `cloud_instance_name` (`microsoftonline.com`,
    /// `microsoftonline.us`, `partner.microsoftonline.cn`).
    #[serde(default = "worldwide")]
    pub cloud_instance: String,
    /// Its `tenant_region_sub_scope`: `GCC`, `DODCON` (GCC High), `DOD`, or none.
    #[serde(default)]
    pub region_sub_scope: Option<String>,
    /// An app management policy that caps how long new credentials may last.
    #[serde(default)]
    pub app_policy: Option<AppPolicy>,
    /// How long a changed tenant setting takes to reach API calls (Power BI says up to 15
    /// minutes); the settings read back show the change at once.
    #[serde(default)]
    pub settings_delay_seconds: u64,
    /// The settings API calls still see while a change waits out that delay, and when it was made.
    #[serde(skip)]
    pub settings_before: Option<(TenantSettings, OffsetDateTime)>,
}

/// An app management policy applied to every app: Graph refuses a client secret or certificate
/// that would last longer (`CredentialInvalidLifetimeAsPerAppPolicy`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppPolicy {
    /// Its ID; the nil UUID is the tenant's default policy.
    #[serde(default)]
    pub id: Uuid,
    /// The longest a client secret may last, in days (Graph shows `P{days}D`).
    #[serde(default)]
    pub password_max_days: Option<u32>,
    /// The longest a certificate may last, in days.
    #[serde(default)]
    pub key_max_days: Option<u32>,
}

/// The Power BI admin portal switches that decide what apps may do.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantSettings {
    /// "Service principals can call Fabric public APIs" (formerly "Allow service principals
    /// to use Power BI APIs").
    #[serde(default = "yes")]
    pub service_principals_enabled: bool,
    /// The security groups the switch above is limited to; none means the whole organisation.
    #[serde(default)]
    pub service_principals_groups: Vec<Uuid>,
    /// "Service principals can access read-only admin APIs".
    #[serde(default)]
    pub service_principals_admin_apis: bool,
    /// The security groups that switch is limited to; none means the whole organisation.
    #[serde(default)]
    pub service_principals_admin_apis_groups: Vec<Uuid>,
    /// "Enhance admin APIs responses with detailed metadata".
    #[serde(default)]
    pub detailed_metadata: bool,
    /// "Enhance admin APIs responses with DAX and mashup expressions".
    #[serde(default)]
    pub dax_expressions: bool,
}

fn yes() -> bool {
    true
}

impl Default for TenantSettings {
    fn default() -> Self {
        TenantSettings {
            service_principals_enabled: true,
            service_principals_groups: vec![],
            service_principals_admin_apis: false,
            service_principals_admin_apis_groups: vec![],
            detailed_metadata: false,
            dax_expressions: false,
        }
    }
}

/// An app registration, with its service principal in this tenant.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct App {
    /// Application (client) ID.
    pub client_id: Uuid,
    /// Object ID of the application object.
    #[serde(default = "Uuid::new_v4")]
    pub object_id: Uuid,
    /// Object ID of its service principal.
    #[serde(default = "Uuid::new_v4")]
    pub service_principal_id: Uuid,
    /// False for an app registered elsewhere that nobody consented to here: it has no service
    /// principal in this tenant (AADSTS700016).
    #[serde(default = "yes")]
    pub has_service_principal: bool,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// "Allow public client flows" (device code and password sign-in without a secret).
    #[serde(default)]
    pub public_client: bool,
    /// Redirect URIs; a loopback one matches any port, as Entra does.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Sign-in disabled by an administrator (AADSTS7000112).
    #[serde(default)]
    pub disabled: bool,
    /// Client secrets.
    #[serde(default)]
    pub secrets: Vec<Secret>,
    /// Certificates (public part, PEM).
    #[serde(default)]
    pub certificates: Vec<Certificate>,
    /// Delegated Power BI permissions consented for the whole organisation.
    #[serde(default)]
    pub admin_consented_scopes: Vec<String>,
    /// Application Power BI permissions (app roles) consented by an administrator.
    #[serde(default)]
    pub application_permissions: Vec<String>,
    /// The API permissions the registration asks for (Graph's `requiredResourceAccess`).
    #[serde(default)]
    pub required_resource_access: Vec<serde_json::Value>,
}

/// A client secret: what the portal shows as Secret ID and Value.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secret {
    /// The Secret ID (key ID), which people often paste by mistake.
    #[serde(default = "Uuid::new_v4")]
    pub key_id: Uuid,
    /// The secret value.
    pub value: String,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// When it stops working.
    #[serde(with = "time::serde::rfc3339", default = "far_future")]
    pub expires: OffsetDateTime,
}

/// A certificate credential.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// Its key ID, as Graph lists it.
    #[serde(default = "Uuid::new_v4")]
    pub key_id: Uuid,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// The certificate, PEM.
    pub pem: String,
    /// When it stops being accepted.
    #[serde(with = "time::serde::rfc3339", default = "far_future")]
    pub expires: OffsetDateTime,
}

fn worldwide() -> String {
    "microsoftonline.com".into()
}

fn far_future() -> OffsetDateTime {
    time::macros::datetime!(2099-01-01 0:00 UTC)
}

/// A user account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// User principal name, e.g. `ada@contoso.com`.
    pub upn: String,
    /// Object ID.
    #[serde(default = "Uuid::new_v4")]
    pub object_id: Uuid,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// Password.
    pub password: String,
    /// Multi-factor sign-in required (password sign-in fails with AADSTS50076).
    #[serde(default)]
    pub mfa_required: bool,
    /// Locked after too many attempts (AADSTS50053).
    #[serde(default)]
    pub locked: bool,
    /// Password expired (AADSTS50055).
    #[serde(default)]
    pub password_expired: bool,
    /// A Global Administrator, who may register apps and grant consent through Graph.
    #[serde(default)]
    pub global_admin: bool,
    /// A Fabric (Power BI) administrator, who may call the admin APIs.
    #[serde(default)]
    pub fabric_admin: bool,
    /// Whether the user has a Power BI licence.
    #[serde(default = "yes")]
    pub powerbi_license: bool,
    /// Delegated scopes this user consented to, per client ID.
    #[serde(default)]
    pub consents: Vec<UserConsent>,
}

/// Scopes one user consented to for one app.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConsent {
    /// The app.
    pub client_id: Uuid,
    /// Power BI scope names, e.g. `Workspace.Read.All`.
    pub scopes: Vec<String>,
}

/// A security group.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Object ID.
    pub object_id: Uuid,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// Object IDs of members (users or service principals).
    #[serde(default)]
    pub members: Vec<Uuid>,
}

/// A Power BI workspace.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workspace {
    /// Workspace (group) ID.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// On a dedicated capacity (needed to embed for customers in production).
    #[serde(default)]
    pub capacity_id: Option<Uuid>,
    /// Who has access, and how much.
    #[serde(default)]
    pub members: Vec<WorkspaceMember>,
    /// Reports.
    #[serde(default)]
    pub reports: Vec<Report>,
    /// Datasets (semantic models).
    #[serde(default)]
    pub datasets: Vec<Dataset>,
}

/// Access to a workspace.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceMember {
    /// Object ID of a user, a service principal or a group.
    pub principal: Uuid,
    /// Admin, Member, Contributor or Viewer.
    pub role: String,
}

/// A report.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Report ID.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// The dataset it reads.
    pub dataset_id: Uuid,
}

/// A dataset (semantic model).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    /// Dataset ID.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Whether a refresh can be started.
    #[serde(default = "yes")]
    pub refreshable: bool,
    /// Whether rows can be pushed into it.
    #[serde(default)]
    pub push: bool,
    /// Tables (push datasets).
    #[serde(default)]
    pub tables: Vec<String>,
    /// Rows pushed so far (push datasets).
    #[serde(default)]
    pub rows: u64,
    /// Refreshes started through the API.
    #[serde(default)]
    pub refreshes: Vec<Refresh>,
}

/// One dataset refresh.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refresh {
    /// The request ID the refresh was started with.
    pub request_id: Uuid,
    /// When it started.
    #[serde(with = "time::serde::rfc3339")]
    pub started: OffsetDateTime,
}

impl Scenario {
    /// Reads a scenario from a `.toml` or `.json` file.
    pub fn load(path: &Path) -> anyhow::Result<Scenario> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read scenario {}: {e}", path.display()))?;
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            Ok(serde_json::from_str(&text)?)
        } else {
            Ok(toml::from_str(&text)?)
        }
    }

    /// The rich scenario that ships with the crate.
    pub fn contoso() -> Scenario {
        #[allow(clippy::expect_used)] // Shipped with the crate and tested below.
        toml::from_str(include_str!("../scenarios/contoso.toml")).expect("contoso.toml parses")
    }

    /// The tenant named by a GUID or one of its domains (case-insensitive).
    pub fn tenant(&self, name: &str) -> Option<&Tenant> {
        self.tenants.iter().find(|t| t.matches(name))
    }
}

impl Tenant {
    /// The settings API calls see now: the last change only once its delay has passed.
    pub fn enforced_settings(&self) -> &TenantSettings {
        match &self.settings_before {
            Some((before, at))
                if OffsetDateTime::now_utc()
                    < *at + time::Duration::seconds(self.settings_delay_seconds as i64) =>
            {
                before
            }
            _ => &self.settings,
        }
    }

    /// Changes the settings; API calls see the change after the tenant's delay.
    pub fn change_settings(&mut self, change: impl FnOnce(&mut TenantSettings)) {
        if self.settings_delay_seconds > 0 {
            let seen = self.enforced_settings().clone();
            self.settings_before = Some((seen, OffsetDateTime::now_utc()));
        }
        change(&mut self.settings);
    }

    /// Whether `name` (GUID or domain) names this tenant.
    pub fn matches(&self, name: &str) -> bool {
        name.parse::<Uuid>()
            .map(|id| id == self.id)
            .unwrap_or(false)
            || self.domains.iter().any(|d| d.eq_ignore_ascii_case(name))
    }

    /// The app registration with this client ID.
    pub fn app(&self, client_id: &str) -> Option<&App> {
        let id = client_id.trim().parse::<Uuid>().ok()?;
        self.apps.iter().find(|a| a.client_id == id)
    }

    /// The user with this UPN (case-insensitive).
    pub fn user(&self, upn: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.upn.eq_ignore_ascii_case(upn.trim()))
    }

    /// Whether a principal is a member of a group.
    pub fn in_group(&self, group: Uuid, principal: Uuid) -> bool {
        self.groups
            .iter()
            .any(|g| g.object_id == group && g.members.contains(&principal))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_scenario_parses_and_is_rich() {
        let s = Scenario::contoso();
        let t = s.tenant("contoso.onmicrosoft.com").unwrap();
        assert_eq!(s.tenant(&t.id.to_string()).unwrap().id, t.id);
        assert!(t.apps.len() >= 3);
        assert!(t.users.iter().any(|u| u.mfa_required));
        assert!(t.workspaces.iter().any(|w| !w.reports.is_empty()));
        assert!(t.apps.iter().any(|a| a
            .secrets
            .iter()
            .any(|s| s.expires < OffsetDateTime::now_utc())));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = toml::from_str::<Scenario>(
            "[[tenants]]\nid = \"00000000-0000-0000-0000-000000000001\"\nbogus = 1\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("bogus"), "{err}");
    }
}
