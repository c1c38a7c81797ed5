//! The administrator's calls: Microsoft Graph for the app, its service principal, its secret and
//! the group; Fabric's admin API for the tenant setting; Power BI for the workspace.

use super::{
    plan, Applied, Change, Created, Found, NewCredential, Request, Settings, Step, Stopped,
};
use crate::auth::device::DeviceCodeInfo;
use crate::auth::error::AuthError;
use crate::auth::SignIn;
use crate::cloud::Cloud;
use crate::diagnose::{self, Answer, Context, Explanation, Page};
use crate::goal::Goal;
use crate::secret::AccessToken;
use crate::validate::TenantUse;
use reqwest::Method;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

/// An administrator, signed in once: a Graph token and, from the same sign-in's refresh token, a
/// Power BI token (which Fabric's admin API accepts too).
pub struct Admin {
    http: reqwest::Client,
    cloud: Cloud,
    ctx: Context,
    graph: AccessToken,
    powerbi: AccessToken,
}

/// A workspace the administrator belongs to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Workspace {
    /// Its ID (a GUID).
    pub id: String,
    /// Its name.
    pub name: String,
}

/// Where a workspace's seats are: the workspace's own users, or (for a Power BI administrator
/// who is not a member of it) the admin API's.
fn seat_path(workspace: &str, as_admin: bool) -> String {
    if as_admin {
        format!("admin/groups/{workspace}/users")
    } else {
        format!("groups/{workspace}/users")
    }
}

/// An OData string literal: quotes doubled (OData ABNF `SQUOTE-in-string`).
fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

impl Admin {
    /// Signs the administrator in with a device code for the public client `client_id` (by
    /// default Microsoft's Azure CLI), then gets the Power BI token silently.
    pub async fn sign_in(
        http: &reqwest::Client,
        cloud: &Cloud,
        tenant: &str,
        client_id: &str,
        on_code: impl FnOnce(&DeviceCodeInfo),
        cancel: CancellationToken,
    ) -> Result<Admin, Explanation> {
        let ctx = Context::new(cloud, tenant, client_id);
        let graph_cloud = cloud.for_graph();
        let graph = Self::graph_sign_in(http, &graph_cloud, tenant, client_id, &ctx)?;
        let first = graph
            .device_code(on_code, tokio::time::sleep, cancel)
            .await
            .map_err(|e| diagnose::explain_auth_error(&e, &ctx))?;
        Self::signed_in(http, cloud, tenant, client_id, ctx, first).await
    }

    /// The same, in the administrator's browser on this computer (authorization code with PKCE,
    /// back to a loopback address); `open` opens the sign-in page.
    pub async fn sign_in_in_browser(
        http: &reqwest::Client,
        cloud: &Cloud,
        tenant: &str,
        client_id: &str,
        open: impl FnOnce(&str) -> std::io::Result<()>,
        cancel: CancellationToken,
    ) -> Result<Admin, Explanation> {
        let ctx = Context::new(cloud, tenant, client_id);
        let graph_cloud = cloud.for_graph();
        let graph = Self::graph_sign_in(http, &graph_cloud, tenant, client_id, &ctx)?;
        let first = graph
            .browser(open, crate::limits::browser_wait(), cancel)
            .await
            .map_err(|e| diagnose::explain_auth_error(&e, &ctx))?;
        Self::signed_in(http, cloud, tenant, client_id, ctx, first).await
    }

    /// The Graph sign-in, with the scopes every step needs.
    fn graph_sign_in<'h>(
        http: &'h reqwest::Client,
        graph_cloud: &'h Cloud,
        tenant: &str,
        client_id: &str,
        ctx: &Context,
    ) -> Result<SignIn<'h>, Explanation> {
        let mut graph = SignIn::new(http, graph_cloud, tenant, client_id, TenantUse::User)
            .map_err(|e| diagnose::explain_auth_error(&e, ctx))?;
        graph.scopes = vec![
            "Application.ReadWrite.All".into(),
            "Group.ReadWrite.All".into(),
            // To read the limit of an app management policy that refuses a lifetime.
            "Policy.Read.All".into(),
            // The delegated goal's consent for everyone, and the admin goal's removal of
            // Power BI application permissions.
            "DelegatedPermissionGrant.ReadWrite.All".into(),
            "AppRoleAssignment.ReadWrite.All".into(),
        ];
        Ok(graph)
    }

    /// From the Graph sign-in, the Power BI token by its refresh token: one sign-in for both.
    async fn signed_in(
        http: &reqwest::Client,
        cloud: &Cloud,
        tenant: &str,
        client_id: &str,
        ctx: Context,
        first: crate::auth::Token,
    ) -> Result<Admin, Explanation> {
        let explain = |e: AuthError| diagnose::explain_auth_error(&e, &ctx);
        let rt =
            first.refresh_token.clone().ok_or_else(|| {
                Explanation::new(
                "SETUP_NO_REFRESH_TOKEN",
                "The sign-in gave no refresh token",
                "Keyway needs one sign-in for Graph and Power BI alike; this one can't be reused.",
                vec!["Use Microsoft's Azure CLI client (the default) or a public client app \
                      that may keep a sign-in."
                    .into()],
            )
            })?;
        let mut powerbi =
            SignIn::new(http, cloud, tenant, client_id, TenantUse::User).map_err(explain)?;
        powerbi.scopes = vec![
            "Tenant.ReadWrite.All".into(),
            "Workspace.ReadWrite.All".into(),
        ];
        let second = powerbi.refresh(&rt).await.map_err(explain)?;
        Ok(Admin {
            http: http.clone(),
            cloud: cloud.clone(),
            ctx,
            graph: first.access_token,
            powerbi: second.access_token,
        })
    }

    pub(super) async fn call(
        &self,
        method: Method,
        url: &str,
        query: &[(&str, String)],
        body: Option<Value>,
        graph: bool,
    ) -> Result<Value, Explanation> {
        let token = if graph { &self.graph } else { &self.powerbi };
        let mut req = self.http.request(method, url).bearer_auth(token.expose());
        if !query.is_empty() {
            req = req.query(query);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let transport = |e: reqwest::Error| {
            diagnose::explain_auth_error(&AuthError::transport(&e, url), &self.ctx)
        };
        let res = req.send().await.map_err(transport)?;
        let answer = Answer::read(res).await.map_err(transport)?;
        if !answer.status.is_some_and(|s| (200..300).contains(&s)) {
            return Err(diagnose::explain_answer(&answer, &self.ctx));
        }
        Ok(serde_json::from_str(&answer.body).unwrap_or(Value::Null))
    }

    pub(super) fn graph_url(&self, path: &str) -> String {
        format!("{}/v1.0/{path}", self.cloud.graph.trim_end_matches('/'))
    }

    fn powerbi_url(&self, path: &str) -> String {
        format!(
            "{}/v1.0/myorg/{path}",
            self.cloud.powerbi_api.trim_end_matches('/')
        )
    }

    fn fabric_url(&self, path: &str) -> Option<String> {
        let fabric = self.cloud.fabric_api.as_deref()?;
        Some(format!("{}/{path}", fabric.trim_end_matches('/')))
    }

    /// The first object of a Graph collection filtered by `property eq 'value'`.
    pub(super) async fn find(
        &self,
        set: &str,
        property: &str,
        value: &str,
    ) -> Result<Option<Value>, Explanation> {
        let filter = format!("{property} eq {}", literal(value));
        let found = self
            .call(
                Method::GET,
                &self.graph_url(set),
                &[("$filter", filter)],
                None,
                true,
            )
            .await?;
        Ok(found["value"].get(0).cloned())
    }

    /// Reads what exists for this request. Nothing is changed.
    pub async fn discover(&self, request: &Request) -> Result<Found, Explanation> {
        super::check_request(request)?;
        let mut found = Found::default();
        let id = |v: &Value, k: &str| v[k].as_str().map(str::to_string);
        if let Some(app) = self
            .find("applications", "displayName", &request.app_name)
            .await?
        {
            found.app = id(&app, "id").zip(id(&app, "appId"));
            let count = |k: &str| app[k].as_array().map_or(0, Vec::len);
            found.credentials = count("passwordCredentials") + count("keyCredentials");
            found.requested_roles = super::access::requested_roles(&app["requiredResourceAccess"]);
        }
        if let Some((_, app_id)) = &found.app {
            let sp = self.find("servicePrincipals", "appId", app_id).await?;
            found.service_principal = sp.and_then(|s| id(&s, "id"));
        }
        let group = self.find("groups", "displayName", &request.group).await?;
        found.group = group.and_then(|g| id(&g, "id"));
        if let (Some(g), Some(sp)) = (&found.group, &found.service_principal) {
            let url = self.graph_url(&format!("groups/{g}/members"));
            let members = self.call(Method::GET, &url, &[], None, true).await?;
            found.member = members["value"]
                .as_array()
                .is_some_and(|m| m.iter().any(|m| m["id"].as_str() == Some(sp.as_str())));
        }
        if let Some(url) = self.fabric_url("admin/tenantsettings") {
            let all = match self.call(Method::GET, &url, &[], None, false).await {
                Ok(all) => all,
                // Not a Fabric administrator: the plan names who turns the settings on, and
                // where.
                Err(x) if matches!(x.http_status, Some(401 | 403)) => {
                    found.settings = Settings::Refused;
                    found.settings_page = Page::TenantSettings.url(&self.ctx, None);
                    Value::Null
                }
                Err(x) => return Err(x),
            };
            // Listed under `value` today, under `tenantSettings` in the first version.
            let list = all["value"].as_array().or(all["tenantSettings"].as_array());
            let settings = list.into_iter().flatten().filter_map(|s| {
                let groups = s["enabledSecurityGroups"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|g| {
                        id(g, "graphId").map(|i| (i, id(g, "name").unwrap_or_default()))
                    })
                    .collect();
                Some((id(s, "settingName")?, (s["enabled"] == true, groups)))
            });
            if found.settings != Settings::Refused {
                found.settings = Settings::Read(settings.collect());
            }
        }
        self.discover_access(request, &mut found).await?;
        let seat = matches!(request.goal, Goal::Embed | Goal::Data);
        if let (Some(name), true) = (&request.new_workspace, seat) {
            let filter = format!("name eq {}", literal(name.trim()));
            let url = self.powerbi_url("groups");
            let mine = self
                .call(Method::GET, &url, &[("$filter", filter)], None, false)
                .await?;
            found.named_workspace = mine["value"].as_array().and_then(|w| {
                w.iter()
                    .find(|w| {
                        w["name"]
                            .as_str()
                            .is_some_and(|n| n.eq_ignore_ascii_case(name.trim()))
                    })
                    .and_then(|w| id(w, "id"))
            });
        }
        let workspace = request.workspace.clone().or(found.named_workspace.clone());
        if let (Some(ws), true) = (&workspace, seat) {
            let ws = crate::validate::workspace_id(ws)?;
            let users = self.workspace_users(&ws, &mut found).await?;
            let sp = found.service_principal.clone().unwrap_or_default();
            found.workspace_role = users.as_array().and_then(|u| {
                u.iter()
                    .find(|u| {
                        u["identifier"]
                            .as_str()
                            .is_some_and(|i| i.eq_ignore_ascii_case(&sp))
                    })
                    .and_then(|u| id(u, "groupUserAccessRight"))
            });
        }
        Ok(found)
    }

    /// The administrator's own workspaces (ID and name, by name), to pick the app's seat from.
    pub async fn workspaces(&self) -> Result<Vec<Workspace>, Explanation> {
        let url = self.powerbi_url("groups");
        let mine = self
            .call(Method::GET, &url, &[("$top", "5000".into())], None, false)
            .await?;
        let mut list: Vec<Workspace> = mine["value"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|w| {
                Some(Workspace {
                    id: w["id"].as_str()?.to_string(),
                    name: w["name"].as_str().unwrap_or_default().to_string(),
                })
            })
            .collect();
        list.sort_by_key(|w| w.name.to_lowercase());
        Ok(list)
    }

    /// A workspace's users. An administrator who is not a member of it reads them with the Power
    /// BI admin API instead (Admin - Groups GetGroupsAsAdmin with `$expand=users`), and the seat
    /// is then given with the admin API too.
    async fn workspace_users(&self, ws: &str, found: &mut Found) -> Result<Value, Explanation> {
        let url = self.powerbi_url(&format!("groups/{ws}/users"));
        match self.call(Method::GET, &url, &[], None, false).await {
            Ok(users) => Ok(users["value"].clone()),
            Err(x) if matches!(x.http_status, Some(401 | 403 | 404)) => {
                let query = [
                    ("$filter", format!("id eq '{ws}'")),
                    ("$expand", "users".to_string()),
                    ("$top", "1".to_string()),
                ];
                let url = self.powerbi_url("admin/groups");
                // When the admin API refuses too, the first refusal says more.
                let all = self
                    .call(Method::GET, &url, &query, None, false)
                    .await
                    .map_err(|_| x)?;
                found.workspace_as_admin = true;
                Ok(all["value"][0]["users"].clone())
            }
            Err(x) => Err(x),
        }
    }

    /// Applies the plan for what was found, step by step; `on` hears of each step as it is done.
    pub async fn apply(
        &self,
        request: &Request,
        found: &Found,
        on: impl Fn(&Step),
    ) -> Result<Applied, Stopped> {
        let mut done: Vec<Step> = vec![];
        let mut created: Vec<Created> = vec![];
        let mut state = found.clone();
        let mut credential = None;
        for step in plan(request, found) {
            if matches!(step.change, Change::Create | Change::Update) {
                let result = self
                    .apply_step(request, &step, &mut state, &mut credential, &mut created)
                    .await;
                if let Err(explanation) = result {
                    return Err(Stopped {
                        created,
                        done,
                        explanation,
                    });
                }
            }
            on(&step);
            done.push(step);
        }
        let (object_id, client_id) = state.app.unwrap_or_default();
        let ids = super::Ids {
            client_id: client_id.clone(),
            object_id,
            service_principal_id: state.service_principal,
        };
        // A re-run for an app that keeps its credentials makes none.
        let (credential, secret_expires) = credential.unzip();
        let seat = done.iter().any(|s| s.id == "workspace");
        let workspace = request.workspace.clone().or(state.named_workspace);
        Ok(Applied {
            client_id,
            ids,
            credential,
            secret_expires,
            workspace: workspace.filter(|_| seat),
            done,
        })
    }

    async fn apply_step(
        &self,
        request: &Request,
        step: &Step,
        state: &mut Found,
        credential: &mut Option<(NewCredential, String)>,
        created: &mut Vec<Created>,
    ) -> Result<(), Explanation> {
        let id = |v: &Value, k: &str| v[k].as_str().map(str::to_string).unwrap_or_default();
        let missing = || {
            Explanation::new(
                "SETUP_OUT_OF_ORDER",
                "A step needs one before it",
                "An object this step needs was not created.",
                vec!["Run the setup again: it reads what exists first.".into()],
            )
        };
        match step.id {
            "app" => {
                let body = super::access::register_body(request, state)?;
                let app = self
                    .call(
                        Method::POST,
                        &self.graph_url("applications"),
                        &[],
                        Some(body),
                        true,
                    )
                    .await?;
                state.app = Some((id(&app, "id"), id(&app, "appId")));
                created.push(Created::App {
                    object_id: id(&app, "id"),
                });
            }
            "service-principal" => {
                let (_, app_id) = state.app.clone().ok_or_else(missing)?;
                let body = json!({ "appId": app_id });
                let sp = self
                    .call(
                        Method::POST,
                        &self.graph_url("servicePrincipals"),
                        &[],
                        Some(body),
                        true,
                    )
                    .await?;
                state.service_principal = Some(id(&sp, "id"));
            }
            "secret" => {
                let (object_id, _) = state.app.clone().ok_or_else(missing)?;
                let (value, expires, _) =
                    self.add_password(&object_id, request.secret_months).await?;
                *credential = Some((NewCredential::Secret(value), expires));
            }
            "certificate" => {
                let (object_id, _) = state.app.clone().ok_or_else(missing)?;
                let now = time::OffsetDateTime::now_utc();
                let made = super::make_certificate(&request.app_name, request.secret_months, now)?;
                self.set_certificate(&object_id, &made).await?;
                *credential = Some((NewCredential::Certificate(made.kept), made.expires));
            }
            "group" => {
                let nickname: String = request
                    .group
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect();
                let body = json!({ "displayName": request.group, "mailEnabled": false,
                    "mailNickname": if nickname.is_empty() { "powerbiapps".into() } else { nickname },
                    "securityEnabled": true });
                let group = self
                    .call(
                        Method::POST,
                        &self.graph_url("groups"),
                        &[],
                        Some(body),
                        true,
                    )
                    .await?;
                state.group = Some(id(&group, "id"));
                created.push(Created::Group {
                    id: id(&group, "id"),
                });
            }
            "membership" => {
                let (group, sp) = state
                    .group
                    .clone()
                    .zip(state.service_principal.clone())
                    .ok_or_else(missing)?;
                let member = format!(
                    "{}/directoryObjects/{sp}",
                    self.graph_url("").trim_end_matches('/')
                );
                let url = self.graph_url(&format!("groups/{group}/members/$ref"));
                self.call(
                    Method::POST,
                    &url,
                    &[],
                    Some(json!({ "@odata.id": member })),
                    true,
                )
                .await?;
                state.member = true;
                created.push(Created::Member { group, member: sp });
            }
            "tenant-setting" | "admin-setting" | "metadata-setting" | "expressions-setting" => {
                let group = state.group.clone().ok_or_else(missing)?;
                let (_, name, _) = super::SETTINGS
                    .iter()
                    .find(|(i, ..)| *i == step.id)
                    .ok_or_else(missing)?;
                let url = self
                    .fabric_url(&format!("admin/tenantsettings/{name}/update"))
                    .ok_or_else(missing)?;
                let before = state.settings.get(name).cloned().unwrap_or_default();
                // The groups it already allows stay allowed.
                let mut groups: Vec<Value> = match &before {
                    (true, g) => g
                        .iter()
                        .map(|(i, n)| json!({ "graphId": i, "name": n }))
                        .collect(),
                    _ => vec![],
                };
                groups.push(json!({ "graphId": group, "name": request.group }));
                let body = json!({ "enabled": true, "enabledSecurityGroups": groups });
                self.call(Method::POST, &url, &[], Some(body), false)
                    .await?;
                created.push(Created::Setting {
                    name: name.to_string(),
                    enabled: before.0,
                    groups: before.1,
                });
            }
            "consent" => self.consent(request, state, created).await?,
            "app-permissions" => self.remove_app_permissions(state).await?,
            "new-workspace" => {
                let name = request.new_workspace.clone().ok_or_else(missing)?;
                let body = json!({ "name": name.trim() });
                let url = self.powerbi_url("groups");
                let made = self
                    .call(
                        Method::POST,
                        &url,
                        &[("workspaceV2", "True".into())],
                        Some(body),
                        false,
                    )
                    .await?;
                state.named_workspace = Some(id(&made, "id"));
                created.push(Created::Workspace {
                    id: id(&made, "id"),
                });
            }
            "workspace" => {
                let sp = state.service_principal.clone().ok_or_else(missing)?;
                let ws = request.workspace.clone().or(state.named_workspace.clone());
                let ws = ws.ok_or_else(missing)?;
                let ws = crate::validate::workspace_id(&ws)?;
                let body = json!({ "identifier": sp, "groupUserAccessRight": request.role,
                    "principalType": "App" });
                let mut as_admin = state.workspace_as_admin;
                let url = self.powerbi_url(&seat_path(&ws, as_admin));
                match self
                    .call(Method::POST, &url, &[], Some(body.clone()), false)
                    .await
                {
                    Ok(_) => {}
                    // A member who is not the workspace's admin may not add anyone: a Power BI
                    // administrator can, with the admin API.
                    Err(x) if !as_admin && matches!(x.http_status, Some(401 | 403)) => {
                        let url = self.powerbi_url(&seat_path(&ws, true));
                        self.call(Method::POST, &url, &[], Some(body), false)
                            .await
                            .map_err(|_| x)?;
                        as_admin = true;
                    }
                    Err(x) => return Err(x),
                }
                created.push(Created::Seat {
                    workspace: ws,
                    principal: sp,
                    as_admin,
                });
            }
            _ => {}
        }
        Ok(())
    }

    /// Takes back what a failed run created or changed, newest first, and nothing else: the
    /// workspace seat, the setting as it was, the membership, the group, the app (its service
    /// principal and secret go with it). Says what it removed.
    pub async fn undo(&self, created: &[Created]) -> Result<Vec<String>, Explanation> {
        let mut undone = vec![];
        for c in created.iter().rev() {
            match c {
                Created::Seat {
                    workspace,
                    principal,
                    as_admin,
                } => {
                    let seats = seat_path(workspace, *as_admin);
                    let url = self.powerbi_url(&format!("{seats}/{principal}"));
                    self.call(Method::DELETE, &url, &[], None, false).await?;
                    undone.push(format!("Removed the app from workspace {workspace}."));
                }
                Created::Setting {
                    name,
                    enabled,
                    groups,
                } => {
                    let Some(url) = self.fabric_url(&format!("admin/tenantsettings/{name}/update"))
                    else {
                        continue;
                    };
                    let groups: Vec<Value> = groups
                        .iter()
                        .map(|(i, n)| json!({ "graphId": i, "name": n }))
                        .collect();
                    let body = json!({ "enabled": enabled, "enabledSecurityGroups": groups });
                    self.call(Method::POST, &url, &[], Some(body), false)
                        .await?;
                    undone.push(format!("Put the tenant setting {name} back as it was."));
                }
                Created::Workspace { id } => {
                    let url = self.powerbi_url(&format!("groups/{id}"));
                    self.call(Method::DELETE, &url, &[], None, false).await?;
                    undone.push(format!("Deleted the workspace Keyway created ({id})."));
                }
                Created::Consent { id } => {
                    let url = self.graph_url(&format!("oauth2PermissionGrants/{id}"));
                    self.call(Method::DELETE, &url, &[], None, true).await?;
                    undone.push("Took back the consent given for everyone.".into());
                }
                Created::Member { group, member } => {
                    let url = self.graph_url(&format!("groups/{group}/members/{member}/$ref"));
                    self.call(Method::DELETE, &url, &[], None, true).await?;
                    undone.push("Took the app out of the group.".into());
                }
                Created::Group { id } => {
                    self.call(
                        Method::DELETE,
                        &self.graph_url(&format!("groups/{id}")),
                        &[],
                        None,
                        true,
                    )
                    .await?;
                    undone.push("Deleted the group Keyway created.".into());
                }
                Created::App { object_id } => {
                    let url = self.graph_url(&format!("applications/{object_id}"));
                    self.call(Method::DELETE, &url, &[], None, true).await?;
                    undone.push("Deleted the app registration Keyway created, with its service principal and secret.".into());
                }
            }
        }
        Ok(undone)
    }
}
