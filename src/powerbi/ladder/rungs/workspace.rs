//! The workspace rungs: listing workspaces, choosing the one the goal uses, and the caller's
//! role in it.

use crate::diagnose::{Explanation, Page};
use crate::goal::Goal;
use crate::powerbi::ladder::run::{NoWorkspace, Pending, Run, Workspace};
use crate::powerbi::ladder::Item;
use crate::powerbi::Probe;
use std::sync::Arc;

impl Run {
    pub(super) async fn list_workspaces(&self) -> Item {
        let g = self.groups.clone().await;
        if let Some(why) = self.blocked().await {
            return self.skip("list-workspaces", why);
        }
        if !g.ok() {
            return self.failed_probe("list-workspaces", &g);
        }
        let n = g.json()["value"].as_array().map_or(0, Vec::len);
        let summary = match n {
            // Not a success: it saw nothing. The workspace rung says what to do.
            0 => {
                let mut p = self.no_workspace_problem();
                p.title = "The call worked, but listed no workspace".into();
                p.cause = format!(
                    "{} An empty list usually means a missing workspace role{}, not that all is \
                     well.",
                    p.cause,
                    if self.app_only {
                        " (an app sees only the workspaces it was added to)"
                    } else {
                        ""
                    }
                );
                return self.saw_nothing("list-workspaces", p, &[&g]);
            }
            1 => "The call works; 1 workspace is visible.".to_string(),
            n => format!("The call works; {n} workspaces are visible."),
        };
        self.pass("list-workspaces", summary, &[&g])
    }

    /// The workspace to use, or the item that says why there is none.
    pub(super) async fn chosen(&self, id: &'static str) -> Result<Workspace, Item> {
        if let Some(why) = self.blocked().await {
            return Err(self.skip(id, why));
        }
        match self.workspace.clone().await {
            Ok(w) => Ok(w),
            Err(NoWorkspace::ListFailed) => Err(self.skip(
                id,
                "Skipped: the workspaces could not be listed (see above).",
            )),
            Err(NoWorkspace::NoneVisible) if id == "workspace" => {
                Err(self.fail(id, self.no_workspace_problem(), &[]))
            }
            Err(NoWorkspace::NoneVisible) => {
                Err(self.skip(id, "Skipped: no workspace to check (see above)."))
            }
            Err(NoWorkspace::Several(all)) if id == "workspace" => {
                let list = all
                    .iter()
                    .map(|(id, name)| format!("{name} ({id})"))
                    .collect::<Vec<_>>()
                    .join("; ");
                let p = self.problem(
                    "WORKSPACE_NOT_CHOSEN",
                    "Choose the workspace this goal uses",
                    format!("This sign-in can see {} workspaces: {list}.", all.len()),
                    vec![
                        "Pick the workspace your reports or datasets are in, and check again."
                            .into(),
                    ],
                    None,
                );
                Err(self.fail(id, p, &[]))
            }
            Err(NoWorkspace::Several(_)) => {
                Err(self.skip(id, "Skipped: choose a workspace first (see above)."))
            }
        }
    }

    fn no_workspace_problem(&self) -> Explanation {
        let who = if self.app_only { "this app" } else { "you" };
        self.problem(
            "NO_WORKSPACE",
            "No workspace is shared with this sign-in",
            format!("Power BI answered, but {who} is not a member of any workspace."),
            self.add_member_steps(),
            Some(Page::Workspace),
        )
    }

    fn needed_role(&self) -> &'static str {
        match (self.plan.goal, self.app_only) {
            (Goal::Embed, true) => "Member",
            (Goal::Data, _) => "Contributor",
            _ => "Viewer",
        }
    }

    fn add_member_steps(&self) -> Vec<String> {
        let role = self.needed_role();
        if self.app_only {
            vec![
                "Ask a workspace admin to open the workspace in Power BI and choose \"Manage \
                 access\"."
                    .into(),
                format!(
                    "Add this app by its name (its service principal), with the role {role} or \
                     higher."
                ),
                "Choose \"Check again\".".into(),
            ]
        } else {
            vec![
                "Ask a workspace admin to open the workspace in Power BI and choose \"Manage \
                 access\"."
                    .into(),
                format!("Add your account with the role {role} or higher."),
                "Choose \"Check again\".".into(),
            ]
        }
    }

    pub(super) async fn workspace_role(&self) -> Item {
        let (ws, users) = match self.in_workspace("workspace", &self.users).await {
            Ok(x) => x,
            Err(item) => return item,
        };
        let mut ctx = self.ctx.clone();
        ctx.workspace = Some(ws.id.clone());
        let shown = ws.name.clone().unwrap_or_else(|| ws.id.clone());
        let needed = self.needed_role();
        if users.ok() {
            let me = self.claims.object_id.clone().unwrap_or_default();
            let upn = self.claims.who.clone().unwrap_or_default();
            let role = users.json()["value"].as_array().and_then(|a| {
                a.iter().find_map(|u| {
                    let id = u["identifier"].as_str().unwrap_or_default();
                    let graph = u["graphId"].as_str().unwrap_or_default();
                    let mine = (!me.is_empty()
                        && (graph.eq_ignore_ascii_case(&me) || id.eq_ignore_ascii_case(&me)))
                        || (!upn.is_empty() && id.eq_ignore_ascii_case(&upn));
                    mine.then(|| {
                        u["groupUserAccessRight"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string()
                    })
                })
            });
            return match role {
                Some(r) if rank(&r) >= rank(needed) => self.pass(
                    "workspace",
                    format!("{r} in \"{shown}\" (this goal needs {needed} or higher)."),
                    &[&users],
                ),
                Some(r) => {
                    let p = self
                        .problem(
                            "WORKSPACE_ROLE_TOO_LOW",
                            "The role in the workspace is too low",
                            format!(
                                "The role in \"{shown}\" is {r}; this goal needs {needed} or \
                                 higher."
                            ),
                            self.add_member_steps(),
                            None,
                        )
                        .on_page(Some(Page::Workspace), &ctx, None);
                    self.fail("workspace", p, &[&users])
                }
                None => self.pass(
                    "workspace",
                    format!(
                        "Access to \"{shown}\" through a group (Keyway can't see the role; the \
                         calls below show whether it is enough)."
                    ),
                    &[&users],
                ),
            };
        }
        match users.status() {
            Some(401 | 403 | 404) => {
                let mut p = self
                    .problem(
                        "NOT_A_WORKSPACE_MEMBER",
                        "No access to this workspace",
                        format!(
                            "Power BI refused to show the workspace {shown}: {} not a member of \
                             it, or the ID is wrong.",
                            if self.app_only {
                                "this app is"
                            } else {
                                "you are"
                            }
                        ),
                        {
                            let mut steps = vec![
                                "Check the workspace ID: open the workspace in Power BI and copy \
                                 the ID after /groups/ in the address."
                                    .to_string(),
                            ];
                            steps.extend(self.add_member_steps());
                            steps
                        },
                        None,
                    )
                    .on_page(Some(Page::Workspace), &ctx, None);
                let ev = users.evidence();
                p.http_status = ev.http_status;
                p.request_id = ev.request_id;
                self.fail("workspace", p, &[&users])
            }
            _ => self.failed_probe("workspace", &users),
        }
    }

    /// A read-only call in the workspace, made while the rungs below are still being checked
    /// (it only reads, and saves a round trip when they pass).
    pub(super) async fn in_workspace(
        &self,
        id: &'static str,
        call: &Pending<Option<(Workspace, Arc<Probe>)>>,
    ) -> Result<(Workspace, Arc<Probe>), Item> {
        let (chosen, probe) = self.both(self.chosen(id), call.clone()).await;
        chosen?;
        probe.ok_or_else(|| self.skip(id, "Skipped: no workspace to check (see above)."))
    }
}

fn rank(role: &str) -> u8 {
    match role.to_ascii_lowercase().as_str() {
        "admin" => 4,
        "member" => 3,
        "contributor" => 2,
        "viewer" => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_rank_admin_member_contributor_viewer_then_anything_else() {
        // Power BI's GroupUserAccessRight values, highest first; "None" and unknown rank lowest.
        let order = ["Admin", "Member", "Contributor", "Viewer", "None"];
        for pair in order.windows(2) {
            assert!(rank(pair[0]) > rank(pair[1]), "{} > {}", pair[0], pair[1]);
        }
        assert_eq!(rank("None"), 0);
        assert_eq!(rank("Owner"), 0);
        assert_eq!(rank(""), 0);
    }

    #[test]
    fn roles_compare_in_any_case() {
        assert_eq!(rank("admin"), rank("Admin"));
        assert_eq!(rank("CONTRIBUTOR"), rank("Contributor"));
        assert!(rank("member") >= rank("Contributor"));
    }
}
