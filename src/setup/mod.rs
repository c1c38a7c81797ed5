//! "Set it up for me": an administrator signs in once, Keyway reads what exists, shows a plan
//! of every change, and applies it when the administrator confirms — the app registration, its
//! service principal, a client secret straight into the keyring, the security group and its
//! membership, the tenant setting for that group, and the app's seat in the workspace.
//!
//! Running it again finds what exists and plans nothing for it. What is applied is recorded step
//! by step, so a failure says exactly what was created before it.
//!
//! This first part covers an app that signs in as itself with a client secret (the embed and
//! automation goals). The calls are in [`calls`].

mod calls;
mod credential;
mod renew;

pub use calls::Admin;
pub use credential::{make_certificate, Credential, MadeCertificate, NewCredential};
pub use renew::{old_secret, NewSecret};

use crate::diagnose::Explanation;
use serde::Serialize;

/// Microsoft's Azure CLI: a public client in every tenant that may get Graph, Power BI and
/// Fabric tokens for an administrator; the one the administrator signs in with by default.
pub const AZURE_CLI_CLIENT: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

/// The security group Keyway creates or reuses when none is named.
pub const DEFAULT_GROUP: &str = "Power BI API apps";
/// The tenant setting that lets service principals call Power BI and Fabric.
pub const SP_SETTING: &str = "ServicePrincipalAccessPermissionAPIs";

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
    /// Its role there: Admin, Member, Contributor or Viewer.
    pub role: String,
    /// How long the client secret or certificate lasts, in months.
    pub secret_months: u32,
    /// A client secret (the default) or a certificate Keyway makes.
    #[serde(default)]
    pub credential: Credential,
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
}

/// One step of the plan, in plain words, naming the object it creates, changes or reuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// `app`, `service-principal`, `secret` or `certificate`, `group`, `membership`,
    /// `tenant-setting`, `workspace`.
    pub id: &'static str,
    /// What happens.
    pub change: Change,
    /// The sentence shown.
    pub summary: String,
}

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
    /// The tenant setting: on, and the groups it is limited to (none: everyone).
    pub setting: Option<(bool, Vec<(String, String)>)>,
    /// The service principal's role in the workspace.
    pub workspace_role: Option<String>,
}

/// The plan for what was found: every step, including those with nothing to do.
pub fn plan(request: &Request, found: &Found) -> Vec<Step> {
    let step = |id, change, summary: String| Step {
        id,
        change,
        summary,
    };
    let name = &request.app_name;
    let group = &request.group;
    let mut steps = vec![
        match &found.app {
            Some((_, app_id)) => step(
                "app",
                Change::Nothing,
                format!("Use the app registration “{name}” that exists (client ID {app_id})."),
            ),
            None => step(
                "app",
                Change::Create,
                format!(
                    "Register the app “{name}” in this organisation only, with no API \
                     permissions: it signs in as itself."
                ),
            ),
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
        credential_step(request, found),
        match &found.group {
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
        },
        if found.member {
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
        },
    ];
    let allowed = match &found.setting {
        Some((true, groups)) => {
            groups.is_empty()
                || found
                    .group
                    .as_ref()
                    .is_some_and(|g| groups.iter().any(|(id, _)| id == g))
        }
        _ => false,
    };
    steps.push(if found.setting.is_none() {
        step(
            "tenant-setting",
            Change::Nothing,
            format!(
                "Keyway can't read the tenant settings in this cloud (no Fabric API address): \
                 check that “Service principals can call Fabric public APIs” lets “{group}” in, \
                 in the Power BI admin portal."
            ),
        )
    } else if allowed {
        step(
            "tenant-setting",
            Change::Nothing,
            format!("“Service principals can call Fabric public APIs” already lets “{group}” in."),
        )
    } else {
        let kept = match &found.setting {
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
            "tenant-setting",
            Change::Update,
            format!(
                "Turn on “Service principals can call Fabric public APIs” for “{group}”{kept}."
            ),
        )
    });
    if let Some(ws) = &request.workspace {
        steps.push(match &found.workspace_role {
            Some(role) => step(
                "workspace",
                Change::Nothing,
                format!("The app is already {role} of workspace {ws}."),
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
    Step {
        id,
        change,
        summary,
    }
}

/// What applying made: the connection's details and credential, and every step done.
#[derive(Debug)]
pub struct Applied {
    /// The application (client) ID.
    pub client_id: String,
    /// The new client secret or certificate (for the keyring).
    pub credential: NewCredential,
    /// The credential's expiry date, `YYYY-MM-DD`.
    pub secret_expires: String,
    /// The steps, as done.
    pub done: Vec<Step>,
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
    /// The tenant setting as it was before.
    Setting {
        enabled: bool,
        groups: Vec<(String, String)>,
    },
    /// A seat in a workspace.
    Seat {
        workspace: String,
        principal: String,
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
    }
    Ok(())
}
