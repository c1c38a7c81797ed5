//! The admin goal's rungs: the admin APIs, a scan of one workspace, and the admin API settings
//! that decide what a scan includes (read from the tenant settings, or else from a scan result).

use super::tenant::find_setting;
use crate::diagnose::Page;
use crate::powerbi::ladder::run::Run;
use crate::powerbi::ladder::Item;
use crate::powerbi::Probe;
use serde_json::Value;
use std::sync::Arc;

impl Run {
    pub(super) async fn admin_workspaces(&self) -> Item {
        let p = self.admin_groups.clone().await;
        if let Some(why) = self.blocked().await {
            return self.skip("admin-workspaces", why);
        }
        if p.ok() {
            let n = p.json()["value"].as_array().map_or(0, Vec::len);
            return self.pass(
                "admin-workspaces",
                format!("The admin API answered ({n} workspace(s) in the first page)."),
                &[&p],
            );
        }
        if !self.app_only && p.status() == Some(401) {
            let prob = self.problem(
                "NOT_FABRIC_ADMIN",
                "You are not a Fabric administrator",
                "The admin APIs answer only Fabric (Power BI) administrators, and Power BI \
                 refused this account."
                    .into(),
                vec![
                    "Ask a Global or Fabric administrator to give your account the Fabric \
                     Administrator role."
                        .into(),
                    "Or use an app (service principal) that the admin API setting allows.".into(),
                    "Sign in again and choose \"Check again\".".into(),
                ],
                Some(Page::TenantSettings),
            );
            return self.fail("admin-workspaces", prob, &[&p]);
        }
        self.failed_probe("admin-workspaces", &p)
    }

    async fn scan(&self) -> Result<(Arc<Probe>, Vec<Arc<Probe>>, Option<Arc<Probe>>), Item> {
        self.scan
            .clone()
            .await
            .map_err(|why| self.skip("scanner", why))
    }

    pub(super) async fn scanner(&self) -> Item {
        if let Some(why) = self.blocked().await {
            return self.skip("scanner", why);
        }
        let (start, polls, result) = match self.scan().await {
            Ok(x) => x,
            Err(item) => return item,
        };
        if !start.ok() {
            return self.failed_probe("scanner", &start);
        }
        let last = polls.last().cloned();
        if let Some(bad) = polls.iter().find(|p| !p.ok()) {
            return self.failed_probe("scanner", bad);
        }
        let mut evidence: Vec<&Probe> = vec![&start];
        if let Some(l) = last.as_deref() {
            evidence.push(l);
        }
        match result {
            Some(r) if r.ok() => {
                evidence.push(&r);
                self.pass(
                    "scanner",
                    format!(
                        "A scan finished after {} status check(s), and its result was read.",
                        polls.len()
                    ),
                    &evidence,
                )
            }
            Some(r) => self.failed_probe("scanner", &r),
            None => {
                let p = self.problem(
                    "SCAN_NOT_FINISHED",
                    "The scan did not finish in time",
                    format!(
                        "The scan was accepted but was still running after {} status checks.",
                        polls.len()
                    ),
                    vec!["Power BI may be busy: choose \"Check again\" in a few minutes.".into()],
                    None,
                );
                self.fail("scanner", p, &evidence)
            }
        }
    }

    /// An admin API setting; expressions are advice (optional), detailed metadata is needed.
    pub(super) async fn admin_setting(&self, expressions: bool) -> Item {
        Item {
            optional: expressions,
            ..self.admin_setting_found(expressions).await
        }
    }

    async fn admin_setting_found(&self, expressions: bool) -> Item {
        let id = if expressions {
            "expressions"
        } else {
            "detailed-metadata"
        };
        let (names, title, setting_title) = if expressions {
            (
                ["AdminApisIncludeExpressions"],
                "enhance admin apis responses with dax and mashup expressions",
                "Enhance admin APIs responses with DAX and mashup expressions",
            )
        } else {
            (
                ["AdminApisIncludeDetailedMetadata"],
                "enhance admin apis responses with detailed metadata",
                "Enhance admin APIs responses with detailed metadata",
            )
        };
        let settings = self.settings.clone().await;
        let from_settings = settings
            .as_ref()
            .filter(|s| s.ok())
            .and_then(|s| find_setting(&s.json(), &names, &[title]));
        let off = |evidence: &[&Probe]| {
            let p = self.problem(
                if expressions {
                    "EXPRESSIONS_OFF"
                } else {
                    "DETAILED_METADATA_OFF"
                },
                if expressions {
                    "Scans leave out DAX and mashup expressions"
                } else {
                    "Scans leave out tables and columns"
                },
                format!(
                    "The Power BI setting \"{setting_title}\" is off, so scan results {}.",
                    if expressions {
                        "have no DAX or Power Query expressions"
                    } else {
                        "list datasets without their tables, columns and lineage details"
                    }
                ),
                vec![
                    "Ask a Power BI (Fabric) administrator to open Power BI tenant settings."
                        .into(),
                    format!("Under \"Admin API settings\", turn on \"{setting_title}\"."),
                    "Choose \"Check again\" after about 15 minutes.".into(),
                ],
                Some(Page::TenantSettings),
            );
            self.fail(id, p, evidence)
        };
        if let (Some(s), Some(probe)) = (from_settings, settings.as_deref()) {
            return if s.enabled {
                self.pass(id, format!("\"{setting_title}\" is on."), &[probe])
            } else {
                off(&[probe])
            };
        }
        // Without the settings, the scan result itself shows it.
        let Ok((_, _, Some(result))) = self.scan.clone().await else {
            return self.skip(
                id,
                "Skipped: neither the tenant settings nor a scan result could be read (see above).",
            );
        };
        if !result.ok() {
            return self.skip(
                id,
                "Skipped: the scan result could not be read (see above).",
            );
        }
        let datasets: Vec<Value> = result.json()["workspaces"]
            .as_array()
            .map(|w| {
                w.iter()
                    .flat_map(|w| w["datasets"].as_array().cloned().unwrap_or_default())
                    .collect()
            })
            .unwrap_or_default();
        if datasets.is_empty() {
            return self.skip(
                id,
                "Skipped: the scanned workspace has no dataset to tell from.",
            );
        }
        let key = if expressions { "expressions" } else { "tables" };
        if datasets.iter().any(|d| d.get(key).is_some()) {
            self.pass(id, format!("The scan result includes {key}."), &[&result])
        } else {
            off(&[&result])
        }
    }
}
