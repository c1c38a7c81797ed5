//! Which items a goal needs, in ladder order, with their titles, and which delegated
//! permissions a person signing in for it must have granted.

use super::{Plan, Planned};
use crate::goal::Goal;

const WS_SCOPES: &[&str] = &["Workspace.Read.All", "Workspace.ReadWrite.All"];
const REPORT_SCOPES: &[&str] = &["Report.Read.All", "Report.ReadWrite.All"];
const DATASET_WRITE: &[&str] = &["Dataset.ReadWrite.All"];
const TENANT_SCOPES: &[&str] = &["Tenant.Read.All", "Tenant.ReadWrite.All"];

/// Delegated permissions a goal needs: each inner list is "one of these".
pub(super) fn needed_scopes(plan: &Plan) -> Vec<Vec<String>> {
    let own = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
    match plan.goal {
        Goal::Embed => vec![own(WS_SCOPES), own(REPORT_SCOPES)],
        Goal::Data => vec![own(WS_SCOPES), own(DATASET_WRITE)],
        Goal::Admin => vec![own(TENANT_SCOPES)],
        Goal::Delegated => plan
            .scopes
            .iter()
            .map(|s| vec![short_scope(s).to_string()])
            .collect(),
    }
}

/// `https://analysis.windows.net/powerbi/api/Report.Read.All` → `Report.Read.All`.
pub(super) fn short_scope(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

/// The items for a goal, in order.
pub fn items_for(plan: &Plan, app_only: bool) -> Vec<Planned> {
    let admin = plan.goal == Goal::Admin;
    let mut ids: Vec<&'static str> = vec!["token", "consent"];
    if app_only {
        ids.extend(["tenant-switch", "security-group"]);
    }
    match plan.goal {
        Goal::Embed => ids.extend([
            "list-workspaces",
            "workspace",
            "list-reports",
            "embed-token",
        ]),
        Goal::Data => ids.extend([
            "list-workspaces",
            "workspace",
            "list-datasets",
            "refresh",
            "push-dataset",
        ]),
        Goal::Admin => ids.extend([
            "admin-workspaces",
            "scanner",
            "detailed-metadata",
            "expressions",
        ]),
        Goal::Delegated => {
            ids.push("list-workspaces");
            if plan.workspace.is_some() {
                ids.push("workspace");
            }
        }
    }
    ids.into_iter()
        .map(|id| Planned {
            id,
            title: title(id, admin, app_only).to_string(),
        })
        .collect()
}

pub(super) fn title(id: &str, admin: bool, app_only: bool) -> &'static str {
    match id {
        "token" => "Signed in, with a token for Power BI",
        "consent" if app_only && admin => {
            "The app has no Power BI permissions that block admin APIs"
        }
        "consent" if app_only => "No permissions needed for an app signing in as itself",
        "consent" => "The permissions this goal needs were granted",
        "tenant-switch" if admin => "Power BI lets apps use the read-only admin APIs",
        "tenant-switch" => "Power BI lets apps (service principals) use its API",
        "security-group" => "This app is in a security group Power BI allows",
        "list-workspaces" => "Can list workspaces",
        "workspace" => "Has the right role in the workspace",
        "list-reports" => "Can list the workspace's reports",
        "embed-token" => "Can create an embed token for a report",
        "list-datasets" => "Can list the workspace's datasets",
        "refresh" => "Can start a dataset refresh",
        "push-dataset" => "Can create a push dataset",
        "admin-workspaces" => "Can list all workspaces (admin API)",
        "scanner" => "Can scan workspace metadata (scanner API)",
        "detailed-metadata" => "Scans include detailed metadata (tables and columns)",
        "expressions" => "Scans include DAX and mashup expressions",
        _ => "Check",
    }
}
