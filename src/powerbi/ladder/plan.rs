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

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(plan: &Plan, app_only: bool) -> Vec<&'static str> {
        items_for(plan, app_only)
            .into_iter()
            .map(|p| p.id)
            .collect()
    }

    #[test]
    fn embed_checks_the_reports_and_an_embed_token() {
        let plan = Plan::new(Goal::Embed);
        assert_eq!(
            ids(&plan, true),
            [
                "token",
                "consent",
                "tenant-switch",
                "security-group",
                "list-workspaces",
                "workspace",
                "list-reports",
                "embed-token",
            ]
        );
        // A person is not a service principal: the tenant switch and its group do not apply.
        assert_eq!(
            ids(&plan, false),
            [
                "token",
                "consent",
                "list-workspaces",
                "workspace",
                "list-reports",
                "embed-token",
            ]
        );
    }

    #[test]
    fn data_lists_its_changing_checks_whether_or_not_changes_are_allowed() {
        let mut plan = Plan::new(Goal::Data);
        let read_only = ids(&plan, true);
        assert_eq!(
            read_only,
            [
                "token",
                "consent",
                "tenant-switch",
                "security-group",
                "list-workspaces",
                "workspace",
                "list-datasets",
                "refresh",
                "push-dataset",
            ]
        );
        // Without changes allowed, refresh and push-dataset are still announced, so the person
        // sees them reported as not run rather than silently missing.
        plan.allow_changes = true;
        assert_eq!(ids(&plan, true), read_only);
        assert_eq!(
            ids(&plan, false),
            [
                "token",
                "consent",
                "list-workspaces",
                "workspace",
                "list-datasets",
                "refresh",
                "push-dataset",
            ]
        );
    }

    #[test]
    fn admin_checks_the_admin_apis_and_no_workspace_role() {
        let mut plan = Plan::new(Goal::Admin);
        plan.workspace = Some("4b9f2b4e-0000-0000-0000-000000000001".into());
        assert_eq!(
            ids(&plan, true),
            [
                "token",
                "consent",
                "tenant-switch",
                "security-group",
                "admin-workspaces",
                "scanner",
                "detailed-metadata",
                "expressions",
            ]
        );
        assert_eq!(
            ids(&plan, false),
            [
                "token",
                "consent",
                "admin-workspaces",
                "scanner",
                "detailed-metadata",
                "expressions",
            ]
        );
        let titles = items_for(&plan, true);
        assert_eq!(
            titles[1].title,
            "The app has no Power BI permissions that block admin APIs"
        );
        assert_eq!(
            titles[2].title,
            "Power BI lets apps use the read-only admin APIs"
        );
    }

    #[test]
    fn delegated_checks_a_workspace_only_when_one_was_chosen() {
        let mut plan = Plan::new(Goal::Delegated);
        assert_eq!(ids(&plan, false), ["token", "consent", "list-workspaces"]);
        plan.workspace = Some("4b9f2b4e-0000-0000-0000-000000000001".into());
        assert_eq!(
            ids(&plan, false),
            ["token", "consent", "list-workspaces", "workspace"]
        );
    }

    #[test]
    fn every_item_has_its_own_title() {
        for goal in Goal::ALL {
            for app_only in [true, false] {
                let mut plan = Plan::new(goal);
                plan.workspace = Some("4b9f2b4e-0000-0000-0000-000000000001".into());
                let items = items_for(&plan, app_only);
                for (n, p) in items.iter().enumerate() {
                    assert_ne!(p.title, "Check", "{goal} {}: no title of its own", p.id);
                    assert!(
                        items[..n].iter().all(|q| q.title != p.title),
                        "{goal} {}: title repeated",
                        p.id
                    );
                }
            }
        }
    }

    #[test]
    fn consent_and_switch_titles_follow_the_sign_in_and_goal() {
        assert_eq!(
            title("consent", false, false),
            "The permissions this goal needs were granted"
        );
        assert_eq!(
            title("consent", false, true),
            "No permissions needed for an app signing in as itself"
        );
        assert_eq!(
            title("tenant-switch", false, true),
            "Power BI lets apps (service principals) use its API"
        );
    }

    #[test]
    fn scopes_each_goal_needs() {
        let needed = |goal| needed_scopes(&Plan::new(goal));
        assert_eq!(
            needed(Goal::Embed),
            [
                vec!["Workspace.Read.All", "Workspace.ReadWrite.All"],
                vec!["Report.Read.All", "Report.ReadWrite.All"],
            ]
        );
        assert_eq!(
            needed(Goal::Data),
            [
                vec!["Workspace.Read.All", "Workspace.ReadWrite.All"],
                vec!["Dataset.ReadWrite.All"],
            ]
        );
        assert_eq!(
            needed(Goal::Admin),
            [vec!["Tenant.Read.All", "Tenant.ReadWrite.All"]]
        );
        assert!(needed(Goal::Delegated).is_empty());
    }

    #[test]
    fn delegated_needs_each_scope_the_person_picked() {
        let mut plan = Plan::new(Goal::Delegated);
        plan.scopes = vec![
            "https://analysis.windows.net/powerbi/api/Report.Read.All".into(),
            "Dataset.Read.All".into(),
        ];
        assert_eq!(
            needed_scopes(&plan),
            [vec!["Report.Read.All"], vec!["Dataset.Read.All"]]
        );
    }

    #[test]
    fn short_scope_keeps_the_permission_name() {
        assert_eq!(
            short_scope("https://analysis.windows.net/powerbi/api/Report.Read.All"),
            "Report.Read.All"
        );
        assert_eq!(
            short_scope("https://analysis.usgovcloudapi.net/powerbi/api/Tenant.Read.All"),
            "Tenant.Read.All"
        );
        assert_eq!(short_scope("Workspace.Read.All"), "Workspace.Read.All");
        assert_eq!(short_scope(""), "");
    }
}
