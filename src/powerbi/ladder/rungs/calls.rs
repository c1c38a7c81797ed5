//! The calls the embed and data goals make in their workspace: reports and an embed token,
//! datasets, and (when changes are allowed) a refresh and a push dataset.

use crate::diagnose::{Explanation, Page};
use crate::powerbi::ladder::run::Run;
use crate::powerbi::ladder::Item;
use crate::powerbi::ApiPath;
use reqwest::Method;
use serde_json::json;

impl Run {
    pub(super) async fn list_reports(&self) -> Item {
        match self.in_workspace("list-reports", &self.reports).await {
            Err(item) => item,
            Ok((ws, p)) if p.ok() => {
                let n = p.json()["value"].as_array().map_or(0, Vec::len);
                let name = ws.name.unwrap_or(ws.id);
                if n == 0 {
                    return self.saw_nothing("list-reports", self.empty("reports", &name), &[&p]);
                }
                self.pass(
                    "list-reports",
                    format!("{n} report(s) in \"{name}\"."),
                    &[&p],
                )
            }
            Ok((_, p)) => self.failed_probe("list-reports", &p),
        }
    }

    pub(super) async fn embed_token(&self) -> Item {
        let (ws, reports) = match self.in_workspace("embed-token", &self.reports).await {
            Err(item) => return item,
            Ok(x) => x,
        };
        if !reports.ok() {
            return self.skip(
                "embed-token",
                "Skipped: the reports could not be listed (see above).",
            );
        }
        let Some(report) = reports.json()["value"]
            .as_array()
            .and_then(|a| a.first())
            .and_then(|r| {
                Some((
                    r["id"].as_str()?.to_string(),
                    r["name"].as_str().unwrap_or_default().to_string(),
                ))
            })
        else {
            let p = self.problem(
                "NO_REPORT",
                "The workspace has no report to embed",
                "There is nothing to embed yet, so Keyway can't try an embed token.".into(),
                vec![
                    "Publish a report to this workspace from Power BI Desktop (File → Publish)."
                        .into(),
                    "Choose \"Check again\".".into(),
                ],
                Some(Page::Workspace),
            );
            return self.fail("embed-token", p, &[&reports]);
        };
        // GenerateToken only issues a token, so a throttled one may be sent again.
        let p = self
            .api
            .powerbi_repeatable(
                Method::POST,
                ApiPath::new("/v1.0/myorg/groups")
                    .id(&ws.id)
                    .then("/reports")
                    .id(&report.0)
                    .then("/GenerateToken"),
                Some(json!({ "accessLevel": "View" })),
            )
            .await;
        if !p.ok() {
            return self.failed_probe("embed-token", &p);
        }
        let until = p.json()["expiration"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        self.pass(
            "embed-token",
            format!(
                "An embed token for \"{}\" was created (valid until {until}).",
                report.1
            ),
            &[&p],
        )
    }

    pub(super) async fn list_datasets(&self) -> Item {
        match self.in_workspace("list-datasets", &self.datasets).await {
            Err(item) => item,
            Ok((ws, p)) if p.ok() => {
                let n = p.json()["value"].as_array().map_or(0, Vec::len);
                let name = ws.name.unwrap_or(ws.id);
                if n == 0 {
                    let nothing = self.empty("datasets (semantic models)", &name);
                    return self.saw_nothing("list-datasets", nothing, &[&p]);
                }
                self.pass(
                    "list-datasets",
                    format!("{n} dataset(s) in \"{name}\"."),
                    &[&p],
                )
            }
            Ok((_, p)) => self.failed_probe("list-datasets", &p),
        }
    }

    /// A workspace that lists no reports or datasets: empty, or hidden from this caller.
    fn empty(&self, what: &str, workspace: &str) -> Explanation {
        self.problem(
            "SAW_NOTHING",
            &format!("The call worked, but listed no {what}"),
            format!(
                "Power BI answered \"{workspace}\" with an empty list. That is not a success: \
                 the workspace may be empty, or the role this sign-in has there does not show \
                 them (a Viewer of a workspace app, or an app added with too low a role)."
            ),
            vec![
                format!("Open \"{workspace}\" in Power BI and check that it has {what}."),
                "If it has, ask a workspace admin to give this sign-in the Member or \
                 Contributor role there (Manage access)."
                    .into(),
                "Choose \"Check again\".".into(),
            ],
            Some(Page::Workspace),
        )
    }

    fn not_opted_in(&self, id: &'static str, what: &str) -> Item {
        Item {
            optional: true,
            ..self.skip(
                id,
                format!("Not run: it would {what}. Allow changes to include it."),
            )
        }
    }

    pub(super) async fn refresh(&self) -> Item {
        if !self.plan.allow_changes {
            return self.not_opted_in("refresh", "start a real refresh of a dataset");
        }
        let (ws, datasets) = match self.in_workspace("refresh", &self.datasets).await {
            Err(item) => return item,
            Ok(x) => x,
        };
        if !datasets.ok() {
            return self.skip(
                "refresh",
                "Skipped: the datasets could not be listed (see above).",
            );
        }
        let Some((id, name)) = datasets.json()["value"].as_array().and_then(|a| {
            a.iter()
                .find(|d| d["isRefreshable"].as_bool().unwrap_or(false))
                .and_then(|d| {
                    Some((
                        d["id"].as_str()?.to_string(),
                        d["name"].as_str().unwrap_or_default().to_string(),
                    ))
                })
        }) else {
            return self.skip(
                "refresh",
                "Skipped: the workspace has no dataset that can be refreshed.",
            );
        };
        let p = self
            .api
            .powerbi(
                Method::POST,
                ApiPath::new("/v1.0/myorg/groups")
                    .id(&ws.id)
                    .then("/datasets")
                    .id(&id)
                    .then("/refreshes"),
                Some(json!({ "notifyOption": "NoNotification" })),
            )
            .await;
        if !p.ok() {
            return self.failed_probe("refresh", &p);
        }
        self.pass(
            "refresh",
            format!("A refresh of \"{name}\" was started."),
            &[&p],
        )
    }

    pub(super) async fn push_dataset(&self) -> Item {
        if !self.plan.allow_changes {
            return self.not_opted_in(
                "push-dataset",
                "create a small test dataset and delete it again",
            );
        }
        let ws = match self.chosen("push-dataset").await {
            Ok(w) => w,
            Err(item) => return item,
        };
        let name = "Keyway check (safe to delete)";
        let created = self
            .api
            .powerbi(
                Method::POST,
                ApiPath::new("/v1.0/myorg/groups")
                    .id(&ws.id)
                    .then("/datasets?defaultRetentionPolicy=None"),
                Some(json!({
                    "name": name, "defaultMode": "Push",
                    "tables": [{
                        "name": "Check",
                        "columns": [{ "name": "At", "dataType": "DateTime" }],
                    }],
                })),
            )
            .await;
        if !created.ok() {
            return self.failed_probe("push-dataset", &created);
        }
        let Some(id) = created.json()["id"].as_str().map(str::to_string) else {
            return self.pass(
                "push-dataset",
                "A push dataset was created (Power BI did not return its ID, so remove it by \
                 hand).",
                &[&created],
            );
        };
        let removed = self
            .api
            .powerbi(
                Method::DELETE,
                ApiPath::new("/v1.0/myorg/groups")
                    .id(&ws.id)
                    .then("/datasets")
                    .id(&id),
                None,
            )
            .await;
        let summary = if removed.ok() {
            "A test push dataset was created and deleted again.".to_string()
        } else {
            format!(
                "A push dataset was created, but Keyway could not delete it: remove \"{name}\" \
                 from the workspace by hand."
            )
        };
        self.pass("push-dataset", summary, &[&created, &removed])
    }
}
