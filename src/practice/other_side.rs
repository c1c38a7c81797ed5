//! Playing the other side of practice: the person on another device who approves or declines a
//! device code, and the administrator who fixes what a red check found — so that a check can be
//! fixed and checked again on screen.

use super::Practice;
use crate::diagnose::Explanation;
use serde::Deserialize;

/// The person who approves practice device codes.
pub const PERSON: &str = "ada@contoso.com";

/// A fix an administrator makes in the practice organisation.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "fix")]
pub enum Fix {
    /// Adds the app (by client ID) to the security group the setting for apps allows.
    AddToGroup {
        /// The practice tenant.
        tenant: String,
        /// The app's client ID.
        #[serde(rename = "clientId")]
        client_id: String,
    },
    /// Turns on "Service principals can call Fabric public APIs" (for the groups it names, or
    /// everyone).
    SwitchOn {
        /// The practice tenant.
        tenant: String,
    },
}

fn practice_problem(cause: String) -> Explanation {
    Explanation::new(
        "PRACTICE_FIX_FAILED",
        "The practice organisation can't do that",
        cause,
        vec!["Check the tenant and the app ID: they must be the practice organisation's.".into()],
    )
}

/// The practice cloud's control address: what plays the person on the other device, held
/// without holding the practice itself.
#[derive(Debug, Clone)]
pub struct Control {
    http_url: String,
}

impl Control {
    /// The person on the other device approves (or declines) the code shown.
    pub async fn answer_device_code(
        &self,
        user_code: &str,
        approve: bool,
    ) -> Result<(), Explanation> {
        let what = if approve { "approve" } else { "decline" };
        let url = format!("{}/_fakecloud/device/{what}", self.http_url);
        let body = serde_json::json!({ "user_code": user_code.trim(), "upn": PERSON });
        let res = reqwest::Client::new().post(url).json(&body).send().await;
        match res {
            Ok(r) if r.status().is_success() => Ok(()),
            Ok(r) => Err(practice_problem(r.text().await.unwrap_or_default())),
            Err(e) => Err(practice_problem(e.to_string())),
        }
    }
}

impl Practice {
    /// Its control address, for [`Control::answer_device_code`].
    pub fn control(&self) -> Result<Control, Explanation> {
        let http_url = self.running()?.http_url.clone();
        Ok(Control { http_url })
    }

    /// Makes an administrator's fix; says what was done.
    pub fn fix(&self, fix: &Fix) -> Result<String, Explanation> {
        let running = self.running()?;
        let mut world = running
            .state
            .scenario
            .write()
            .unwrap_or_else(|e| e.into_inner());
        let tenant_name = match fix {
            Fix::AddToGroup { tenant, .. } | Fix::SwitchOn { tenant } => tenant,
        };
        let tenant = world
            .tenants
            .iter_mut()
            .find(|t| t.matches(tenant_name))
            .ok_or_else(|| practice_problem(format!("No practice tenant \"{tenant_name}\".")))?;
        match fix {
            Fix::AddToGroup { client_id, .. } => {
                let app = tenant
                    .apps
                    .iter()
                    .find(|a| {
                        a.client_id
                            .to_string()
                            .eq_ignore_ascii_case(client_id.trim())
                    })
                    .ok_or_else(|| practice_problem(format!("No practice app {client_id}.")))?;
                let sp = app.service_principal_id;
                let allowed = tenant.settings.service_principals_groups.first().copied();
                let group = tenant
                    .groups
                    .iter_mut()
                    .find(|g| Some(g.object_id) == allowed)
                    .ok_or_else(|| practice_problem("The setting names no group.".into()))?;
                if !group.members.contains(&sp) {
                    group.members.push(sp);
                }
                Ok(format!("Added the app to \"{}\".", group.display_name))
            }
            Fix::SwitchOn { .. } => {
                tenant.change_settings(|s| s.service_principals_enabled = true);
                Ok("Turned on \"Service principals can call Fabric public APIs\".".into())
            }
        }
    }
}
