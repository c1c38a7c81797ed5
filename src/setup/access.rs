//! What each goal needs beyond an app and its credential: Power BI's delegated permissions and
//! the administrator's consent for an app people sign in to (the delegated goal), and, for an app
//! that calls the admin APIs, no Power BI application permissions — Microsoft documents that a
//! service principal with them can't call the read-only admin APIs.
//!
//! The permission IDs are read from the organisation's own Power BI service principal (its
//! `oauth2PermissionScopes` and `appRoles`), never written into Keyway.

use super::calls::Admin;
use super::{Change, Created, Found, Request, Step};
use crate::diagnose::Explanation;
use crate::goal::Goal;
use reqwest::Method;
use serde::Serialize;
use serde_json::{json, Value};

/// Power BI's application ID, the same in every organisation and cloud.
pub const POWERBI_APP_ID: &str = "00000009-0000-0000-c000-000000000000";

/// The delegated permissions an app for the delegated goal asks for when none are named: list
/// workspaces, read reports and datasets — what a person's script usually starts with.
pub const DEFAULT_SCOPES: [&str; 3] = ["Workspace.Read.All", "Report.Read.All", "Dataset.Read.All"];

/// Power BI's service principal in this organisation: its object ID, its delegated permissions
/// and its application permissions (app roles), each as (name, ID).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PowerBi {
    /// The service principal's object ID (the `resourceId` of grants and assignments).
    pub id: String,
    /// Delegated permissions.
    pub scopes: Vec<(String, String)>,
    /// Application permissions.
    pub roles: Vec<(String, String)>,
}

/// The delegated permissions the request asks for: its own, or [`DEFAULT_SCOPES`].
pub fn scopes_of(request: &Request) -> Vec<String> {
    if request.scopes.is_empty() {
        DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect()
    } else {
        request.scopes.clone()
    }
}

fn names(list: &[String]) -> String {
    list.join(", ")
}

/// The sentence of the "app" step for a new app.
pub(super) fn register_summary(request: &Request) -> String {
    let name = &request.app_name;
    match request.goal {
        Goal::Delegated => format!(
            "Register the app “{name}” in this organisation only, for people to sign in to with \
             their own accounts (in the browser, back to http://localhost on this computer, or \
             with a code), asking for the Power BI permissions {}.",
            names(&scopes_of(request))
        ),
        _ => format!(
            "Register the app “{name}” in this organisation only, with no API permissions: it \
             signs in as itself."
        ),
    }
}

/// The registration's body for the goal.
pub(super) fn register_body(request: &Request, found: &Found) -> Result<Value, Explanation> {
    let mut body = json!({ "displayName": request.app_name, "signInAudience": "AzureADMyOrg" });
    if request.goal == Goal::Delegated {
        let pbi = found.powerbi.as_ref().ok_or_else(no_powerbi)?;
        let access = scopes_of(request)
            .iter()
            .map(|s| Ok(json!({ "id": scope_id(pbi, s)?, "type": "Scope" })))
            .collect::<Result<Vec<_>, Explanation>>()?;
        body["isFallbackPublicClient"] = json!(true);
        body["publicClient"] = json!({ "redirectUris": ["http://localhost"] });
        body["requiredResourceAccess"] =
            json!([{ "resourceAppId": POWERBI_APP_ID, "resourceAccess": access }]);
    }
    Ok(body)
}

fn scope_id<'p>(pbi: &'p PowerBi, scope: &str) -> Result<&'p str, Explanation> {
    pbi.scopes
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(scope))
        .map(|(_, id)| id.as_str())
        .ok_or_else(|| {
            Explanation::new(
                "SETUP_UNKNOWN_SCOPE",
                "Power BI has no permission by that name",
                format!(
                    "“{scope}” is not one of the delegated permissions Power BI offers in this \
                     organisation."
                ),
                vec![format!(
                    "Use the names Power BI lists, such as {}.",
                    names(&DEFAULT_SCOPES.map(String::from))
                )],
            )
        })
}

fn no_powerbi() -> Explanation {
    Explanation::new(
        "SETUP_NO_POWERBI",
        "Power BI is not set up in this organisation yet",
        "Graph lists no service principal for Power BI (application ID \
         00000009-0000-0000-c000-000000000000): nobody in the organisation has used it.",
        vec![
            "Sign in to app.powerbi.com once with an account of this organisation, then run the \
             setup again."
                .into(),
        ],
    )
}

/// The consent step of the delegated goal.
pub(super) fn consent_step(request: &Request, found: &Found) -> Step {
    let wanted = scopes_of(request);
    let given = found.consent.as_ref().map(|(_, s)| s.clone());
    let missing: Vec<String> = wanted
        .iter()
        .filter(|w| !given.iter().flatten().any(|g| g.eq_ignore_ascii_case(w)))
        .cloned()
        .collect();
    let (change, summary) = match (&given, missing.is_empty()) {
        (_, true) => (
            Change::Nothing,
            format!(
                "An administrator already consented to {} for everyone.",
                names(&wanted)
            ),
        ),
        (Some(_), false) => (
            Change::Update,
            format!(
                "Add {} to the consent given for everyone in this organisation, so nobody is \
                 asked.",
                names(&missing)
            ),
        ),
        (None, false) => (
            Change::Create,
            format!(
                "Consent, for everyone in this organisation, to {}: nobody is asked when they \
                 sign in.",
                names(&wanted)
            ),
        ),
    };
    Step::new("consent", change, summary)
}

/// The admin goal's step that removes Power BI application permissions.
pub(super) fn app_permissions_step(found: &Found) -> Step {
    let granted: Vec<String> = found
        .app_permissions
        .iter()
        .map(|(_, n)| n.clone())
        .collect();
    let (change, summary) = if granted.is_empty() && found.requested_roles == 0 {
        (
            Change::Nothing,
            "The app has no Power BI application permissions (Microsoft documents that they \
             stop the admin APIs working for it)."
                .to_string(),
        )
    } else if granted.is_empty() {
        (
            Change::Update,
            "Take the Power BI application permissions off the app's list of permissions it \
             asks for (nobody consented to them yet): Microsoft documents that they stop the \
             admin APIs working for it."
                .to_string(),
        )
    } else {
        (
            Change::Update,
            format!(
                "Remove the Power BI application permissions {} an administrator consented to \
                 for the app: Microsoft documents that a service principal with them can't \
                 call the admin APIs.",
                names(&granted)
            ),
        )
    };
    Step::new("app-permissions", change, summary)
}

impl Admin {
    /// Reads Power BI's service principal, and for an existing service principal its consent
    /// and its Power BI application permissions.
    pub(super) async fn discover_access(
        &self,
        request: &Request,
        found: &mut Found,
    ) -> Result<(), Explanation> {
        let text = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
        let pbi = self
            .find("servicePrincipals", "appId", POWERBI_APP_ID)
            .await?;
        found.powerbi = pbi.map(|p| {
            let list = |k: &str| -> Vec<(String, String)> {
                p[k].as_array()
                    .into_iter()
                    .flatten()
                    .map(|s| (text(s, "value"), text(s, "id")))
                    .collect()
            };
            PowerBi {
                id: text(&p, "id"),
                scopes: list("oauth2PermissionScopes"),
                roles: list("appRoles"),
            }
        });
        if request.goal == Goal::Delegated {
            let pbi = found.powerbi.as_ref().ok_or_else(no_powerbi)?;
            for s in scopes_of(request) {
                scope_id(pbi, &s)?;
            }
        }
        let (Some(sp), Some(pbi)) = (found.service_principal.clone(), found.powerbi.clone()) else {
            return Ok(());
        };
        match request.goal {
            Goal::Delegated => {
                let grants = self
                    .call(
                        Method::GET,
                        &self.graph_url("oauth2PermissionGrants"),
                        &[("$filter", format!("clientId eq '{sp}'"))],
                        None,
                        true,
                    )
                    .await?;
                found.consent = grants["value"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|g| g["consentType"] == "AllPrincipals" && g["resourceId"] == *pbi.id)
                    .map(|g| {
                        let scopes = text(g, "scope")
                            .split_whitespace()
                            .map(str::to_string)
                            .collect();
                        (text(g, "id"), scopes)
                    });
            }
            Goal::Admin => {
                let url = self.graph_url(&format!("servicePrincipals/{sp}/appRoleAssignments"));
                let given = self.call(Method::GET, &url, &[], None, true).await?;
                found.app_permissions = given["value"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|a| a["resourceId"] == *pbi.id)
                    .map(|a| {
                        let role = text(a, "appRoleId");
                        let name = pbi
                            .roles
                            .iter()
                            .find(|(_, id)| *id == role)
                            .map_or(role.clone(), |(n, _)| n.clone());
                        (text(a, "id"), name)
                    })
                    .collect();
            }
            _ => {}
        }
        Ok(())
    }

    /// Consents for everyone to the delegated permissions, or adds the missing ones.
    pub(super) async fn consent(
        &self,
        request: &Request,
        state: &Found,
        created: &mut Vec<Created>,
    ) -> Result<(), Explanation> {
        let pbi = state.powerbi.as_ref().ok_or_else(no_powerbi)?;
        let sp = state.service_principal.clone().unwrap_or_default();
        let mut scopes = scopes_of(request);
        match &state.consent {
            Some((id, given)) => {
                for g in given.iter().rev() {
                    if !scopes.iter().any(|s| s.eq_ignore_ascii_case(g)) {
                        scopes.insert(0, g.clone());
                    }
                }
                let url = self.graph_url(&format!("oauth2PermissionGrants/{id}"));
                let body = json!({ "scope": scopes.join(" ") });
                self.call(Method::PATCH, &url, &[], Some(body), true)
                    .await?;
            }
            None => {
                let body = json!({ "clientId": sp, "consentType": "AllPrincipals",
                    "resourceId": pbi.id, "scope": scopes.join(" ") });
                let url = self.graph_url("oauth2PermissionGrants");
                let grant = self.call(Method::POST, &url, &[], Some(body), true).await?;
                created.push(Created::Consent {
                    id: grant["id"].as_str().unwrap_or_default().to_string(),
                });
            }
        }
        Ok(())
    }

    /// Removes the app's Power BI application permissions: the consented ones, and the app's
    /// request for any (so that nobody grants them again by a click in the portal).
    pub(super) async fn remove_app_permissions(&self, state: &Found) -> Result<(), Explanation> {
        let sp = state.service_principal.clone().unwrap_or_default();
        for (id, _) in &state.app_permissions {
            let url = self.graph_url(&format!("servicePrincipals/{sp}/appRoleAssignments/{id}"));
            self.call(Method::DELETE, &url, &[], None, true).await?;
        }
        if state.requested_roles > 0 {
            let (object_id, _) = state.app.clone().unwrap_or_default();
            let url = self.graph_url(&format!("applications/{object_id}"));
            let app = self.call(Method::GET, &url, &[], None, true).await?;
            let kept = without_powerbi_roles(&app["requiredResourceAccess"]);
            let body = json!({ "requiredResourceAccess": kept });
            self.call(Method::PATCH, &url, &[], Some(body), true)
                .await?;
        }
        Ok(())
    }
}

/// How many Power BI application permissions a registration asks for.
pub(super) fn requested_roles(required: &Value) -> usize {
    required
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["resourceAppId"] == POWERBI_APP_ID)
        .flat_map(|r| r["resourceAccess"].as_array().into_iter().flatten())
        .filter(|a| a["type"] == "Role")
        .count()
}

/// A registration's `requiredResourceAccess` without Power BI's application permissions.
fn without_powerbi_roles(required: &Value) -> Value {
    let kept: Vec<Value> = required
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let mut r = r.clone();
            if r["resourceAppId"] == POWERBI_APP_ID {
                let access: Vec<Value> = r["resourceAccess"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|a| a["type"] != "Role")
                    .cloned()
                    .collect();
                r["resourceAccess"] = json!(access);
            }
            r
        })
        .filter(|r| {
            r["resourceAppId"] != POWERBI_APP_ID
                || r["resourceAccess"]
                    .as_array()
                    .is_some_and(|a| !a.is_empty())
        })
        .collect();
    json!(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_power_bi_roles_are_taken_off_the_registration() {
        let graph = "00000003-0000-0000-c000-000000000000";
        let required = json!([
            { "resourceAppId": POWERBI_APP_ID, "resourceAccess": [
                { "id": "654b31ae-d941-4e22-8798-7add8fdf049f", "type": "Role" },
                { "id": "b2f1b2fa-f35c-407c-979c-a858a808ba85", "type": "Scope" } ] },
            { "resourceAppId": graph, "resourceAccess": [
                { "id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "type": "Role" } ] },
        ]);
        assert_eq!(requested_roles(&required), 1);
        let kept = without_powerbi_roles(&required);
        assert_eq!(requested_roles(&kept), 0);
        assert_eq!(kept[0]["resourceAccess"].as_array().unwrap().len(), 1);
        assert_eq!(kept[1], required[1]);
        let only_roles = json!([{ "resourceAppId": POWERBI_APP_ID, "resourceAccess": [
            { "id": "28379fa9-8596-4fd9-869e-cb60a93b5d84", "type": "Role" } ] }]);
        assert_eq!(without_powerbi_roles(&only_roles), json!([]));
    }
}
