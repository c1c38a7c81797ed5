//! "Set it up for me": an administrator signs in once, Keyway reads what exists, shows a plan
//! of every change, and applies it when the administrator confirms — the app registration, its
//! service principal, a client secret straight into the keyring, the security group and its
//! membership, the tenant setting for that group, and the app's seat in the workspace.
//!
//! Running it again finds what exists and plans nothing for it. What is applied is recorded step
//! by step, so a failure says exactly what was created before it.
//!
//! Each goal gets what it needs: an app that signs in as itself (embed, data) gets a credential,
//! the group, the setting and a workspace seat; the admin goal gets the admin API settings and
//! loses any Power BI application permissions; the delegated goal gets a public-client app with
//! Power BI's delegated permissions and the administrator's consent, and no credential. The
//! calls are in [`calls`] and [`access`].

mod access;
mod calls;
mod credential;
mod renew;

pub use access::{scopes_of, PowerBi, DEFAULT_SCOPES, POWERBI_APP_ID};
pub use calls::{Admin, Workspace};
pub use credential::{make_certificate, Credential, MadeCertificate, NewCredential};
pub use renew::{old_secret, NewCertificate, NewSecret};

use crate::diagnose::Explanation;
use crate::goal::Goal;
use serde::Serialize;
use std::collections::BTreeMap;

/// Microsoft's Azure CLI: a public client in every tenant that may get Graph, Power BI and
/// Fabric tokens for an administrator; the one the administrator signs in with by default.
pub const AZURE_CLI_CLIENT: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

/// The security group Keyway creates or reuses when none is named.
pub const DEFAULT_GROUP: &str = "Power BI API apps";
/// The tenant setting that lets service principals call Power BI and Fabric.
pub const SP_SETTING: &str = "ServicePrincipalAccessPermissionAPIs";

/// The tenant settings a run may turn on: the plan's step ID, Fabric's setting name, and the
/// title the admin portal shows.
pub const SETTINGS: [(&str, &str, &str); 4] = [
    (
        "tenant-setting",
        SP_SETTING,
        "Service principals can call Fabric public APIs",
    ),
    (
        "admin-setting",
        "AllowServicePrincipalsUseReadAdminAPIs",
        "Service principals can access read-only admin APIs",
    ),
    (
        "metadata-setting",
        "AdminApisIncludeDetailedMetadata",
        "Enhance admin APIs responses with detailed metadata",
    ),
    (
        "expressions-setting",
        "AdminApisIncludeExpressions",
        "Enhance admin APIs responses with DAX and mashup expressions",
    ),
];

fn embed() -> Goal {
    Goal::Embed
}

/// What the administrator asked for.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// The app registration's display name.
    pub app_name: String,
    /// The security group's display name.
    pub group: String,
    /// The workspace (a GUID) the app gets a seat in; none skips that step.
    pub workspace: Option<String>,
    /// Or a workspace by name, created when the administrator has none by that name.
    #[serde(default)]
    pub new_workspace: Option<String>,
    /// Its role there: Admin, Member, Contributor or Viewer.
    pub role: String,
    /// How long the client secret or certificate lasts, in months.
    pub secret_months: u32,
    /// A client secret (the default) or a certificate Keyway makes.
    #[serde(default)]
    pub credential: Credential,
    /// What the app is for (embed when not said).
    #[serde(default = "embed")]
    pub goal: Goal,
    /// The delegated goal's Power BI permissions; none: [`DEFAULT_SCOPES`].
    #[serde(default)]
    pub scopes: Vec<String>,
    /// The admin goal: also turn on DAX and mashup expressions in them.
    #[serde(default)]
    pub expressions: bool,
}

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// Creates something new.
    Create,
    /// Changes something that exists.
    Update,
    /// Already as needed: nothing is done.
    Nothing,
    /// Someone else must do it (the step says who and where); Keyway changes nothing.
    Manual,
}

/// One step of the plan, in plain words, naming the object it creates, changes or reuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// `app`, `service-principal`, `secret` or `certificate`, `group`, `membership`, a setting
    /// of [`SETTINGS`], `app-permissions`, `workspace`, `consent`.
    pub id: &'static str,
    /// What happens.
    pub change: Change,
    /// The sentence shown.
    pub summary: String,
    /// A page where the step is done by hand (a [`Change::Manual`] step), if there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

impl Step {
    /// A step with no page to open.
    pub fn new(id: &'static str, change: Change, summary: String) -> Step {
        Step {
            id,
            change,
            summary,
            link: None,
        }
    }
}

/// What Keyway knows of Power BI's tenant settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "settings")]
pub enum Settings {
    /// This cloud has no Fabric API to read them from.
    #[default]
    Unreadable,
    /// Fabric refused to show them to this administrator (not a Fabric administrator): a
    /// Fabric administrator turns them on.
    Refused,
    /// By name: on, and the groups they are limited to (none: everyone).
    Read(BTreeMap<String, SettingState>),
}

impl Settings {
    /// A setting as read (off and for nobody when it is not listed or can't be read).
    pub fn get(&self, name: &str) -> Option<&SettingState> {
        match self {
            Settings::Read(all) => all.get(name),
            _ => None,
        }
    }
}

/// A tenant setting: on or off, and the groups (ID, name) it is limited to (none: everyone).
pub type SettingState = (bool, Vec<(String, String)>);

/// What exists before anything changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Found {
    /// The app's object ID and application (client) ID.
    pub app: Option<(String, String)>,
    /// How many client secrets and certificates the app has.
    pub credentials: usize,
    /// The service principal's object ID.
    pub service_principal: Option<String>,
    /// The group's object ID.
    pub group: Option<String>,
    /// The service principal is in the group.
    pub member: bool,
    /// Power BI's tenant settings.
    pub settings: Settings,
    /// The Power BI admin portal's tenant settings page in this cloud, where a step left for a
    /// Fabric administrator is done.
    pub settings_page: Option<String>,
    /// The service principal's role in the workspace.
    pub workspace_role: Option<String>,
    /// The ID of the workspace named by `new_workspace`, when the administrator has one.
    pub named_workspace: Option<String>,
    /// The administrator is not a member of the workspace: its seat is given with the Power BI
    /// admin API.
    pub workspace_as_admin: bool,
    /// Power BI's service principal in this organisation.
    pub powerbi: Option<PowerBi>,
    /// The consent for everyone to Power BI's delegated permissions: its ID and scopes.
    pub consent: Option<(String, Vec<String>)>,
    /// Power BI application permissions consented for the app: assignment ID and name.
    pub app_permissions: Vec<(String, String)>,
    /// How many Power BI application permissions the registration asks for.
    pub requested_roles: usize,
}

/// The plan for what was found: every step, including those with nothing to do.
pub fn plan(request: &Request, found: &Found) -> Vec<Step> {
    let step = Step::new;
    let name = &request.app_name;
    let group = &request.group;
    let mut steps = vec![
        match &found.app {
            Some((_, app_id)) => step(
                "app",
                Change::Nothing,
                format!("Use the app registration “{name}” that exists (client ID {app_id})."),
            ),
            None => step("app", Change::Create, access::register_summary(request)),
        },
        match &found.service_principal {
            Some(id) => step(
                "service-principal",
                Change::Nothing,
                format!("Use its service principal (object ID {id})."),
            ),
            None => step(
                "service-principal",
                Change::Create,
                "Create its service principal, the app's identity in this organisation.".into(),
            ),
        },
    ];
    if request.goal == Goal::Delegated {
        // People sign in as themselves: no credential, group, setting or seat.
        steps.push(access::consent_step(request, found));
        return steps;
    }
    steps.push(credential_step(request, found));
    steps.push(match &found.group {
        Some(id) => step(
            "group",
            Change::Nothing,
            format!("Use the security group “{group}” that exists (object ID {id})."),
        ),
        None => step(
            "group",
            Change::Create,
            format!("Create the security group “{group}”."),
        ),
    });
    steps.push(if found.member {
        step(
            "membership",
            Change::Nothing,
            format!("The app is already in “{group}”."),
        )
    } else {
        step(
            "membership",
            Change::Create,
            format!("Add the app to “{group}”."),
        )
    });
    let wanted = |id: &str| match id {
        "tenant-setting" => true,
        "admin-setting" => request.goal == Goal::Admin,
        // Scans without tables and columns fail the admin goal's checks: always turned on.
        "metadata-setting" => request.goal == Goal::Admin,
        "expressions-setting" => request.goal == Goal::Admin && request.expressions,
        _ => false,
    };
    for (id, name, title) in SETTINGS.iter().filter(|(id, ..)| wanted(id)) {
        steps.push(setting_step(id, name, title, group, found));
    }
    if request.goal == Goal::Admin {
        // The admin APIs need no workspace seat; they need the app to have no application
        // permissions of Power BI.
        steps.push(access::app_permissions_step(found));
    } else if let Some(ws) = workspace_of(request, found) {
        let (named, ws) = ws;
        steps.extend(named);
        steps.push(match &found.workspace_role {
            Some(role) => step(
                "workspace",
                Change::Nothing,
                format!("The app is already {role} of workspace {ws}."),
            ),
            None if found.workspace_as_admin => step(
                "workspace",
                Change::Create,
                format!(
                    "Add the app as {} of workspace {ws}, with the Power BI admin API (you are \
                     not a member of that workspace).",
                    request.role
                ),
            ),
            None => step(
                "workspace",
                Change::Create,
                format!("Add the app as {} of workspace {ws}.", request.role),
            ),
        });
    }
    steps
}

/// The workspace the seat is in: the one named by ID, or by name (with the step that finds or
/// creates it).
fn workspace_of(request: &Request, found: &Found) -> Option<(Option<Step>, String)> {
    if let Some(ws) = &request.workspace {
        return Some((None, ws.clone()));
    }
    let name = request.new_workspace.as_ref()?;
    let step = match &found.named_workspace {
        Some(id) => Step::new(
            "new-workspace",
            Change::Nothing,
            format!("Use the workspace “{name}” that exists (ID {id})."),
        ),
        None => Step::new(
            "new-workspace",
            Change::Create,
            format!("Create the workspace “{name}”; you become its admin."),
        ),
    };
    Some((Some(step), format!("“{name}”")))
}

/// The step for one tenant setting: nothing when it already lets the group in.
fn setting_step(id: &'static str, name: &str, title: &str, group: &str, found: &Found) -> Step {
    let step = |change, summary| Step::new(id, change, summary);
    let settings = match &found.settings {
        Settings::Read(settings) => settings,
        Settings::Refused => {
            let mut manual = step(
                Change::Manual,
                format!(
                    "A Fabric administrator turns on “{title}” for “{group}” in the Power BI \
                     admin portal (Tenant settings): you may not change Power BI's tenant \
                     settings."
                ),
            );
            manual.link = found.settings_page.clone();
            return manual;
        }
        Settings::Unreadable => {
            return step(
                Change::Nothing,
                format!(
                    "Keyway can't read the tenant settings in this cloud (no Fabric API address): \
                 check that “{title}” lets “{group}” in, in the Power BI admin portal."
                ),
            )
        }
    };
    let setting = settings.get(name);
    let allowed = match setting {
        Some((true, groups)) => {
            groups.is_empty()
                || found
                    .group
                    .as_ref()
                    .is_some_and(|g| groups.iter().any(|(id, _)| id == g))
        }
        _ => false,
    };
    if allowed {
        return step(
            Change::Nothing,
            format!("“{title}” already lets “{group}” in."),
        );
    }
    let kept = match setting {
        Some((true, groups)) if !groups.is_empty() => format!(
            " (the groups it already allows stay: {})",
            groups
                .iter()
                .map(|(_, n)| format!("“{n}”"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => String::new(),
    };
    step(
        Change::Update,
        format!("Turn on “{title}” for “{group}”{kept}."),
    )
}

fn credential_step(request: &Request, found: &Found) -> Step {
    let months = request.secret_months;
    // An app with a credential keeps it (a saved connection renews its own); one without, such
    // as an app whose run stopped at this step, gets one.
    let has = found.app.is_some() && found.credentials > 0;
    let (id, change, summary) = match (request.credential, has) {
        (Credential::Secret, true) => (
            "secret",
            Change::Nothing,
            "Keep the app's secrets (a saved connection renews its own).".into(),
        ),
        (Credential::Certificate, true) => (
            "certificate",
            Change::Nothing,
            "Keep the app's certificates (a saved connection renews its own).".into(),
        ),
        (Credential::Secret, false) => (
            "secret",
            Change::Create,
            format!(
                "Add a client secret valid for {months} months. Its value goes straight into \
                 this computer's keyring; nobody sees it."
            ),
        ),
        (Credential::Certificate, false) => (
            "certificate",
            Change::Create,
            format!(
                "Make a certificate valid for {months} months and give the app its public \
                 part. Its private key goes straight into this computer's keyring: no key \
                 file is ever written."
            ),
        ),
    };
    Step::new(id, change, summary)
}

/// What applying made: the connection's details and credential, and every step done.
#[derive(Debug)]
pub struct Applied {
    /// The application (client) ID.
    pub client_id: String,
    /// The app's three IDs, and what each is used for.
    pub ids: Ids,
    /// The new client secret or certificate (for the keyring); none for the delegated goal,
    /// whose people sign in as themselves.
    pub credential: Option<NewCredential>,
    /// The credential's expiry date, `YYYY-MM-DD`.
    pub secret_expires: Option<String>,
    /// The workspace the app has its seat in (by ID), if any.
    pub workspace: Option<String>,
    /// The steps, as done.
    pub done: Vec<Step>,
}

/// An app's three IDs, which portals and guides mix up: each is used in its own place.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ids {
    /// The application (client) ID: what a connection signs in with.
    pub client_id: String,
    /// The application object ID: what Graph changes the registration by (its secrets and
    /// certificates).
    pub object_id: String,
    /// The service principal's object ID: the app's identity in this organisation, which the
    /// security group holds and Power BI gives the workspace seat to.
    pub service_principal_id: Option<String>,
}

/// One of an app's IDs, named, with where it is used: for the window and the CLI alike.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdUse {
    /// What the Azure portal calls it.
    pub name: &'static str,
    /// The ID.
    pub value: String,
    /// Where it is used.
    pub used_for: &'static str,
}

impl Ids {
    /// The IDs, each named and with where it is used.
    pub fn uses(&self) -> Vec<IdUse> {
        let mut all = vec![
            IdUse {
                name: "Application (client) ID",
                value: self.client_id.clone(),
                used_for: "The connection signs in with it; code and tools ask for it.",
            },
            IdUse {
                name: "Object ID (of the app registration)",
                value: self.object_id.clone(),
                used_for: "Microsoft Graph changes the registration by it: its secrets and \
                           certificates.",
            },
        ];
        if let Some(sp) = &self.service_principal_id {
            all.push(IdUse {
                name: "Object ID (of the service principal, under Enterprise applications)",
                value: sp.clone(),
                used_for: "The app's identity in this organisation: the security group holds \
                           it, and Power BI gives the workspace seat to it.",
            });
        }
        all
    }
}

/// Something a run created or changed, so that a failed run can take back exactly that.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Created {
    /// An app registration (its service principal and secrets go with it), by object ID.
    App { object_id: String },
    /// A security group, by object ID.
    Group { id: String },
    /// A member added to a group that existed.
    Member { group: String, member: String },
    /// A tenant setting, by name, as it was before.
    Setting {
        name: String,
        enabled: bool,
        groups: Vec<(String, String)>,
    },
    /// A consent for everyone to Power BI's delegated permissions, by ID.
    Consent { id: String },
    /// A workspace, by ID.
    Workspace { id: String },
    /// A seat in a workspace (given with the admin API when `as_admin`).
    Seat {
        workspace: String,
        principal: String,
        as_admin: bool,
    },
}

/// Why applying stopped, and what it had done by then.
#[derive(Debug)]
pub struct Stopped {
    /// What was created or changed before the failure, in order; [`Admin::undo`] takes it back.
    pub created: Vec<Created>,
    /// The steps done before the failure.
    pub done: Vec<Step>,
    /// The failure, explained.
    pub explanation: Explanation,
}

/// Why there is no new secret to sign in with: the app existed and keeps its credentials.
pub fn no_new_credential() -> Explanation {
    Explanation::new(
        "SETUP_NO_SECRET",
        "No new secret or certificate was made",
        "The app existed, and Keyway keeps the credentials it has; the other changes were made.",
        vec!["Renew the credential of the saved connection that uses this app instead.".into()],
    )
}

/// Checks a request before anything is read or sent.
pub fn check_request(request: &Request) -> Result<(), Explanation> {
    let bad = |what: &str, why: String| {
        Err(Explanation::new(
            "SETUP_REQUEST_INVALID",
            format!("The {what} can't be used"),
            why,
            vec![format!("Correct the {what} and try again.")],
        ))
    };
    for (what, value) in [
        ("app name", &request.app_name),
        ("group name", &request.group),
    ] {
        let v = value.trim();
        if v.is_empty() || v.len() > 120 || v.chars().any(char::is_control) {
            return bad(
                what,
                format!("“{v}” is empty, too long, or has a line break in it."),
            );
        }
    }
    if !["Admin", "Member", "Contributor", "Viewer"].contains(&request.role.as_str()) {
        return bad(
            "role",
            format!(
                "“{}” is not Admin, Member, Contributor or Viewer.",
                request.role
            ),
        );
    }
    if !(1..=24).contains(&request.secret_months) {
        return bad(
            "credential's lifetime",
            "Choose between 1 and 24 months.".into(),
        );
    }
    if let Some(ws) = &request.workspace {
        crate::validate::workspace_id(ws)?;
        if request.new_workspace.is_some() {
            return bad(
                "workspace",
                "Name a workspace by its ID or a new one by its name, not both.".into(),
            );
        }
    }
    if let Some(name) = &request.new_workspace {
        let n = name.trim();
        if n.is_empty() || n.len() > 256 || n.chars().any(char::is_control) {
            return bad(
                "workspace name",
                format!("“{n}” is empty, too long, or has a line break in it."),
            );
        }
    }
    if let Some(s) = request.scopes.iter().find(|s| {
        s.is_empty() || s.len() > 60 || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
    }) {
        return bad(
            "permission",
            format!("“{s}” is not a Power BI permission name such as Report.Read.All."),
        );
    }
    Ok(())
}
