//! Power BI REST (`/v1.0/myorg/...`) and the Fabric admin tenant-settings API.
//!
//! Every answer comes from the caller's token and the tenant model, under Power BI's rules:
//! a service principal needs the tenant switch (and membership of the group it is limited
//! to) and a role in each workspace; a user needs the delegated scope for the call; admin APIs
//! need a Fabric administrator, or a service principal allowed by the admin-API switch that has
//! no Power BI application permissions. Errors use Power BI's and Fabric's body shapes.

use crate::scenario::{Dataset, Refresh, Tenant, Workspace};
use crate::state::Shared;
use crate::tokens::{FABRIC_RESOURCE, POWERBI_RESOURCES};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

/// The routes.
pub fn routes() -> Router<Shared> {
    let g = "/v1.0/myorg/groups/{group}";
    Router::new()
        .route("/v1.0/myorg/groups", get(list_groups))
        .route(&format!("{g}/reports"), get(list_reports))
        .route(
            &format!("{g}/datasets"),
            get(list_datasets).post(create_push_dataset),
        )
        .route(&format!("{g}/datasets/{{dataset}}"), delete(delete_dataset))
        .route(&format!("{g}/users"), get(list_users).post(add_user))
        .route(
            &format!("{g}/reports/{{report}}/GenerateToken"),
            post(generate_token_report),
        )
        .route(
            &format!("{g}/datasets/{{dataset}}/refreshes"),
            post(refresh).get(refresh_history),
        )
        .route(
            &format!("{g}/datasets/{{dataset}}/tables/{{table}}/rows"),
            post(push_rows),
        )
        .route("/v1.0/myorg/datasets", get(my_workspace_datasets))
        .route("/v1.0/myorg/GenerateToken", post(generate_token_multi))
        .route("/v1.0/myorg/capacities", get(capacities))
        .route("/v1.0/myorg/admin/groups", get(admin_groups))
        .route("/v1.0/myorg/admin/workspaces/getInfo", post(scan_get_info))
        .route(
            "/v1.0/myorg/admin/workspaces/scanStatus/{scan}",
            get(scan_status),
        )
        .route(
            "/v1.0/myorg/admin/workspaces/scanResult/{scan}",
            get(scan_result),
        )
        .route("/v1/admin/tenantsettings", get(tenant_settings))
}

// ---------------------------------------------------------------------------------------------
// Errors

/// A refusal in Power BI's shape (or Fabric's, for Fabric routes).
#[derive(Debug)]
pub struct PbiError {
    status: StatusCode,
    code: &'static str,
    message: Option<String>,
    error_info: Option<&'static str>,
    fabric: bool,
    raw: Option<Value>,
}

impl PbiError {
    fn new(status: u16, code: &'static str) -> Self {
        PbiError {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            code,
            message: None,
            error_info: None,
            fabric: false,
            raw: None,
        }
    }
    fn message(mut self, m: impl Into<String>) -> Self {
        self.message = Some(m.into());
        self
    }
    fn not_authorized() -> Self {
        PbiError::new(401, "PowerBINotAuthorizedException")
    }
    fn not_found() -> Self {
        PbiError::new(404, "PowerBIEntityNotFound")
    }
    fn bad_request(message: &str) -> Self {
        PbiError::new(400, "InvalidRequest").message(message)
    }
}

impl IntoResponse for PbiError {
    fn into_response(self) -> Response {
        let request_id = Uuid::new_v4().to_string();
        let body = if let Some(raw) = self.raw {
            raw
        } else if self.fabric {
            json!({
                "requestId": request_id, "errorCode": self.code,
                "message": self.message.clone().unwrap_or_else(|| self.code.to_string()),
                "isRetriable": false,
            })
        } else if let Some(m) = &self.message {
            json!({ "error": { "code": self.code, "message": m } })
        } else {
            json!({ "error": { "code": self.code, "pbi.error": {
                "code": self.code, "parameters": {}, "details": [], "exceptionCulprit": 1 } } })
        };
        let mut res = (self.status, Json(body)).into_response();
        let h = res.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            h.insert("RequestId", v);
        }
        if let Some(info) = self.error_info {
            h.insert("X-PowerBI-Error-Info", HeaderValue::from_static(info));
        }
        res
    }
}

type Answer = Result<Response, PbiError>;

fn ok(status: StatusCode, body: Value) -> Response {
    let mut res = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&Uuid::new_v4().to_string()) {
        res.headers_mut().insert("RequestId", v);
    }
    res
}

fn collection(base: &str, what: &str, value: Vec<Value>) -> Response {
    ok(
        StatusCode::OK,
        json!({ "@odata.context": format!("{base}/v1.0/myorg/$metadata#{what}"), "value": value }),
    )
}

// ---------------------------------------------------------------------------------------------
// Who is calling

/// The caller, from a verified token.
#[derive(Debug, Clone)]
pub enum Caller {
    /// A service principal.
    App {
        /// Tenant GUID.
        tenant: Uuid,
        /// Service principal object ID.
        sp: Uuid,
        /// Client ID.
        client_id: Uuid,
    },
    /// A user through an app.
    User {
        /// Tenant GUID.
        tenant: Uuid,
        /// User object ID.
        oid: Uuid,
        /// Delegated scopes.
        scopes: Vec<String>,
    },
}

impl Caller {
    fn tenant(&self) -> Uuid {
        match self {
            Caller::App { tenant, .. } | Caller::User { tenant, .. } => *tenant,
        }
    }
    fn principal(&self) -> Uuid {
        match self {
            Caller::App { sp, .. } => *sp,
            Caller::User { oid, .. } => *oid,
        }
    }
}

fn caller(state: &Shared, headers: &HeaderMap, fabric: bool) -> Result<Caller, PbiError> {
    let refuse = |mut e: PbiError| {
        e.fabric = fabric;
        e
    };
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .ok_or_else(|| {
            refuse(PbiError::new(403, "Forbidden").message("No access token was sent."))
        })?;
    let claims = state
        .key
        .verify(token.trim())
        .ok_or_else(|| refuse(PbiError::not_authorized()))?;
    let aud = claims["aud"].as_str().unwrap_or_default();
    let audience_ok = POWERBI_RESOURCES.contains(&aud) || (fabric && aud == FABRIC_RESOURCE);
    if !audience_ok {
        return Err(refuse(PbiError::not_authorized()));
    }
    if claims["exp"].as_i64().unwrap_or(0) < OffsetDateTime::now_utc().unix_timestamp() {
        let mut e = PbiError::new(403, "TokenExpired")
            .message("Access token has expired, resubmit with a new access token");
        e.fabric = fabric;
        return Err(e);
    }
    let uuid = |k: &str| claims[k].as_str().and_then(|s| s.parse::<Uuid>().ok());
    let tenant = uuid("tid").ok_or_else(|| refuse(PbiError::not_authorized()))?;
    let oid = uuid("oid").ok_or_else(|| refuse(PbiError::not_authorized()))?;
    if claims["idtyp"] == "app" {
        let client_id = uuid("appid").unwrap_or_default();
        Ok(Caller::App {
            tenant,
            sp: oid,
            client_id,
        })
    } else {
        let scopes = claims["scp"]
            .as_str()
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        Ok(Caller::User {
            tenant,
            oid,
            scopes,
        })
    }
}

/// A service principal may call Power BI only when the tenant switch allows it.
fn ensure_app_allowed(tenant: &Tenant, who: &Caller) -> Result<(), PbiError> {
    if let Caller::App { sp, .. } = who {
        let s = &tenant.settings;
        let in_group = s
            .service_principals_group
            .is_none_or(|g| tenant.in_group(g, *sp));
        if !s.service_principals_enabled || !in_group {
            let mut e = PbiError::not_authorized();
            e.error_info = Some("ServicePrincipalIsNotAllowedByTenantAdminSwitch");
            return Err(e);
        }
    }
    Ok(())
}

/// A user needs one of these delegated scopes.
fn ensure_scope(who: &Caller, any_of: &[&str]) -> Result<(), PbiError> {
    match who {
        Caller::User { scopes, .. } if !any_of.iter().any(|s| scopes.iter().any(|g| g == s)) => {
            Err(PbiError::not_authorized())
        }
        _ => Ok(()),
    }
}

/// The caller's role in a workspace, directly or through a group.
fn role(tenant: &Tenant, ws: &Workspace, principal: Uuid) -> Option<&'static str> {
    let rank = |r: &str| match r.to_ascii_lowercase().as_str() {
        "admin" => 4,
        "member" => 3,
        "contributor" => 2,
        "viewer" => 1,
        _ => 0,
    };
    let best = ws
        .members
        .iter()
        .filter(|m| m.principal == principal || tenant.in_group(m.principal, principal))
        .map(|m| rank(&m.role))
        .max()?;
    Some(["", "Viewer", "Contributor", "Member", "Admin"][best])
}

fn at_least(role: &str, needed: &str) -> bool {
    let order = ["Viewer", "Contributor", "Member", "Admin"];
    order.iter().position(|r| *r == role) >= order.iter().position(|r| *r == needed)
}

/// Resolves caller, tenant and workspace, checking access; runs `f` on them.
fn in_workspace<T>(
    state: &Shared,
    headers: &HeaderMap,
    group: &str,
    scopes: &[&str],
    min_role: &str,
    f: impl FnOnce(&Caller, &mut Tenant, usize) -> Result<T, PbiError>,
) -> Result<T, PbiError> {
    let who = caller(state, headers, false)?;
    let mut scenario = state.scenario.write().unwrap_or_else(|e| e.into_inner());
    let tenant = scenario
        .tenants
        .iter_mut()
        .find(|t| t.id == who.tenant())
        .ok_or_else(PbiError::not_authorized)?;
    ensure_app_allowed(tenant, &who)?;
    ensure_scope(&who, scopes)?;
    let gid = group
        .parse::<Uuid>()
        .map_err(|_| PbiError::bad_request("Invalid group ID"))?;
    let index = tenant
        .workspaces
        .iter()
        .position(|w| w.id == gid)
        .ok_or_else(PbiError::not_found)?;
    let r = role(tenant, &tenant.workspaces[index], who.principal())
        .ok_or_else(PbiError::not_authorized)?;
    // Without a Power BI licence, a person reaches only workspaces on a dedicated capacity.
    if let Caller::User { oid, .. } = &who {
        let licensed = tenant
            .users
            .iter()
            .any(|u| u.object_id == *oid && u.powerbi_license);
        if !licensed && tenant.workspaces[index].capacity_id.is_none() {
            return Err(PbiError::not_authorized());
        }
    }
    if !at_least(r, min_role) {
        return Err(PbiError::not_authorized());
    }
    f(&who, tenant, index)
}

fn base(headers: &HeaderMap) -> String {
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("https://{host}")
}

fn now_text() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Workspaces, reports, datasets

const WS_READ: &[&str] = &["Workspace.Read.All", "Workspace.ReadWrite.All"];
const REPORT_READ: &[&str] = &["Report.Read.All", "Report.ReadWrite.All"];
const DATASET_READ: &[&str] = &["Dataset.Read.All", "Dataset.ReadWrite.All"];
const DATASET_WRITE: &[&str] = &["Dataset.ReadWrite.All"];
const TENANT_READ: &[&str] = &["Tenant.Read.All", "Tenant.ReadWrite.All"];

fn workspace_json(ws: &Workspace) -> Value {
    let mut v = json!({
        "id": ws.id, "name": ws.name, "isReadOnly": false,
        "isOnDedicatedCapacity": ws.capacity_id.is_some(), "type": "Workspace",
    });
    if let Some(c) = ws.capacity_id {
        v["capacityId"] = json!(c);
    }
    v
}

fn dataset_json(ws: &Workspace, d: &Dataset, base: &str) -> Value {
    json!({
        "id": d.id, "name": d.name, "addRowsAPIEnabled": d.push,
        "configuredBy": "ada@contoso.com", "isRefreshable": d.refreshable,
        "isEffectiveIdentityRequired": false, "isEffectiveIdentityRolesRequired": false,
        "isOnPremGatewayRequired": false,
        "targetStorageMode": if d.push { "PushStreaming" } else { "Abf" },
        "webUrl": format!("{base}/groups/{}/datasets/{}", ws.id, d.id),
        "createReportEmbedURL": format!("{base}/reportEmbed?config=&datasetId={}", d.id),
    })
}

async fn list_groups(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let who = caller(&state, &headers, false)?;
    let scenario = state.scenario();
    let tenant = scenario
        .tenants
        .iter()
        .find(|t| t.id == who.tenant())
        .ok_or_else(PbiError::not_authorized)?;
    ensure_app_allowed(tenant, &who)?;
    ensure_scope(&who, WS_READ)?;
    let filter = q.get("$filter").map(|f| f.to_ascii_lowercase());
    let mut value: Vec<Value> = tenant
        .workspaces
        .iter()
        .filter(|w| role(tenant, w, who.principal()).is_some())
        .filter(|w| match &filter {
            Some(f) => {
                f.contains(&format!("'{}'", w.name.to_ascii_lowercase()))
                    || f.contains(&w.id.to_string())
            }
            None => true,
        })
        .map(workspace_json)
        .collect();
    let skip = q.get("$skip").and_then(|s| s.parse().ok()).unwrap_or(0);
    let top = q
        .get("$top")
        .and_then(|s| s.parse().ok())
        .unwrap_or(usize::MAX);
    value = value.into_iter().skip(skip).take(top).collect();
    Ok(collection(&base(&headers), "groups", value))
}

async fn list_reports(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(group): Path<String>,
) -> Answer {
    let b = base(&headers);
    in_workspace(
        &state,
        &headers,
        &group,
        REPORT_READ,
        "Viewer",
        |_, t, i| {
            let ws = &t.workspaces[i];
            let value = ws
                .reports
                .iter()
                .map(|r| {
                    json!({
                        "id": r.id, "name": r.name, "datasetId": r.dataset_id,
                        "reportType": "PowerBIReport",
                        "webUrl": format!("{b}/groups/{}/reports/{}", ws.id, r.id),
                        "embedUrl": format!("{b}/reportEmbed?reportId={}&groupId={}", r.id, ws.id),
                    })
                })
                .collect();
            Ok(collection(
                &b,
                &format!("groups('{}')/reports", ws.id),
                value,
            ))
        },
    )
}

async fn list_datasets(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(group): Path<String>,
) -> Answer {
    let b = base(&headers);
    in_workspace(
        &state,
        &headers,
        &group,
        DATASET_READ,
        "Viewer",
        |_, t, i| {
            let ws = &t.workspaces[i];
            let value = ws
                .datasets
                .iter()
                .map(|d| dataset_json(ws, d, &b))
                .collect();
            Ok(collection(
                &b,
                &format!("groups('{}')/datasets", ws.id),
                value,
            ))
        },
    )
}

async fn list_users(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(group): Path<String>,
) -> Answer {
    let b = base(&headers);
    in_workspace(&state, &headers, &group, WS_READ, "Viewer", |_, t, i| {
        let value = t.workspaces[i]
            .members
            .iter()
            .map(|m| {
                let user = t.users.iter().find(|u| u.object_id == m.principal);
                let app = t
                    .apps
                    .iter()
                    .find(|a| a.service_principal_id == m.principal);
                let (kind, name, id) = match (user, app) {
                    (Some(u), _) => ("User", u.display_name.clone(), u.upn.clone()),
                    (_, Some(a)) => ("App", a.display_name.clone(), m.principal.to_string()),
                    _ => ("Group", String::new(), m.principal.to_string()),
                };
                json!({ "identifier": id, "displayName": name, "principalType": kind,
                        "groupUserAccessRight": m.role, "graphId": m.principal })
            })
            .collect();
        Ok(collection(&b, "groups/users", value))
    })
}

async fn add_user(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(group): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    in_workspace(
        &state,
        &headers,
        &group,
        &["Workspace.ReadWrite.All"],
        "Admin",
        |_, t, i| {
            let right = body["groupUserAccessRight"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            if !["Admin", "Member", "Contributor", "Viewer"].contains(&right.as_str()) {
                return Err(PbiError::bad_request(
                    "groupUserAccessRight must be Admin, Member, Contributor or Viewer",
                ));
            }
            let identifier = body["identifier"].as_str().unwrap_or_default();
            let principal = match body["principalType"].as_str() {
                Some("User") => t.user(identifier).map(|u| u.object_id),
                Some("App") | Some("Group") => identifier.parse::<Uuid>().ok(),
                _ => {
                    return Err(PbiError::bad_request(
                        "principalType must be User, App or Group",
                    ))
                }
            }
            .ok_or_else(|| PbiError::bad_request("The identifier was not found"))?;
            let ws = &mut t.workspaces[i];
            ws.members.retain(|m| m.principal != principal);
            ws.members.push(crate::scenario::WorkspaceMember {
                principal,
                role: right,
            });
            Ok(ok(StatusCode::OK, json!({})))
        },
    )
}

async fn my_workspace_datasets(State(state): State<Shared>, headers: HeaderMap) -> Answer {
    let who = caller(&state, &headers, false)?;
    if let Caller::App { .. } = who {
        // "My workspace" belongs to a person; an app has none.
        let mut e = PbiError::new(403, "Forbidden");
        e.raw = Some(json!({ "Message": "API is not accessible for application" }));
        return Err(e);
    }
    ensure_scope(&who, DATASET_READ)?;
    Ok(collection(&base(&headers), "datasets", vec![]))
}

async fn capacities(State(state): State<Shared>, headers: HeaderMap) -> Answer {
    let who = caller(&state, &headers, false)?;
    let scenario = state.scenario();
    let tenant = scenario
        .tenants
        .iter()
        .find(|t| t.id == who.tenant())
        .ok_or_else(PbiError::not_authorized)?;
    ensure_app_allowed(tenant, &who)?;
    ensure_scope(&who, &["Capacity.Read.All", "Capacity.ReadWrite.All"])?;
    let mut ids: Vec<Uuid> = tenant
        .workspaces
        .iter()
        .filter(|w| role(tenant, w, who.principal()).is_some())
        .filter_map(|w| w.capacity_id)
        .collect();
    ids.dedup();
    let value = ids
        .into_iter()
        .map(|id| {
            json!({
                "id": id, "displayName": "Embedded capacity", "sku": "A1",
                "state": "Active", "region": "West Europe",
            })
        })
        .collect();
    Ok(collection(&base(&headers), "capacities", value))
}

// ---------------------------------------------------------------------------------------------
// Embed tokens

fn embed_token(expiry_minutes: i64) -> Value {
    let expiration = OffsetDateTime::now_utc() + time::Duration::minutes(expiry_minutes);
    json!({
        "token": format!("H4sIAAAAAAAEAC.fakecloud.{}", Uuid::new_v4().simple()),
        "tokenId": Uuid::new_v4(),
        "expiration": expiration.format(&Rfc3339).unwrap_or_default(),
    })
}

async fn generate_token_report(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((group, report)): Path<(String, String)>,
) -> Answer {
    in_workspace(
        &state,
        &headers,
        &group,
        REPORT_READ,
        "Viewer",
        |who, t, i| {
            if matches!(who, Caller::App { .. })
                && !at_least(
                    role(t, &t.workspaces[i], who.principal()).unwrap_or("Viewer"),
                    "Member",
                )
            {
                return Err(PbiError::not_authorized());
            }
            let rid = report.parse::<Uuid>().map_err(|_| PbiError::not_found())?;
            t.workspaces[i]
                .reports
                .iter()
                .find(|r| r.id == rid)
                .ok_or_else(PbiError::not_found)?;
            Ok(ok(StatusCode::OK, embed_token(60)))
        },
    )
}

async fn generate_token_multi(
    State(state): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Answer {
    let who = caller(&state, &headers, false)?;
    let scenario = state.scenario();
    let tenant = scenario
        .tenants
        .iter()
        .find(|t| t.id == who.tenant())
        .ok_or_else(PbiError::not_authorized)?;
    ensure_app_allowed(tenant, &who)?;
    let ids = |k: &str| -> Vec<Uuid> {
        body[k]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x["id"].as_str()?.parse().ok())
                    .collect()
            })
            .unwrap_or_default()
    };
    let (reports, datasets) = (ids("reports"), ids("datasets"));
    if reports.is_empty() && datasets.is_empty() {
        return Err(PbiError::bad_request(
            "At least one report or dataset is required",
        ));
    }
    if !reports.is_empty() {
        ensure_scope(&who, REPORT_READ)?;
    }
    ensure_scope(&who, DATASET_READ)?;
    for id in reports.iter().chain(&datasets) {
        let ws = tenant
            .workspaces
            .iter()
            .find(|w| {
                w.reports.iter().any(|r| r.id == *id) || w.datasets.iter().any(|d| d.id == *id)
            })
            .ok_or_else(PbiError::not_found)?;
        role(tenant, ws, who.principal()).ok_or_else(PbiError::not_authorized)?;
    }
    Ok(ok(StatusCode::OK, embed_token(60)))
}

// ---------------------------------------------------------------------------------------------
// Refresh and push datasets

async fn refresh(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((group, dataset)): Path<(String, String)>,
) -> Answer {
    in_workspace(
        &state,
        &headers,
        &group,
        DATASET_WRITE,
        "Contributor",
        |_, t, i| {
            let did = dataset.parse::<Uuid>().map_err(|_| PbiError::not_found())?;
            let d = t.workspaces[i]
                .datasets
                .iter_mut()
                .find(|d| d.id == did)
                .ok_or_else(PbiError::not_found)?;
            if !d.refreshable {
                return Err(PbiError::bad_request(
                    "This dataset can't be refreshed: it is a push dataset.",
                ));
            }
            let request_id = Uuid::new_v4();
            d.refreshes.push(Refresh {
                request_id,
                started: OffsetDateTime::now_utc(),
            });
            // 202 Accepted with an empty body; the refresh's ID is the RequestId header.
            let mut res = StatusCode::ACCEPTED.into_response();
            if let Ok(v) = HeaderValue::from_str(&request_id.to_string()) {
                res.headers_mut().insert("RequestId", v);
            }
            Ok(res)
        },
    )
}

async fn refresh_history(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((group, dataset)): Path<(String, String)>,
) -> Answer {
    let b = base(&headers);
    in_workspace(
        &state,
        &headers,
        &group,
        DATASET_READ,
        "Viewer",
        |_, t, i| {
            let did = dataset.parse::<Uuid>().map_err(|_| PbiError::not_found())?;
            let d = t.workspaces[i]
                .datasets
                .iter()
                .find(|d| d.id == did)
                .ok_or_else(PbiError::not_found)?;
            let value = d
                .refreshes
                .iter()
                .rev()
                .map(|r| {
                    json!({
                        "requestId": r.request_id, "refreshType": "ViaApi", "status": "Completed",
                        "startTime": r.started.format(&Rfc3339).unwrap_or_default(),
                        "endTime": now_text(),
                    })
                })
                .collect();
            Ok(collection(&b, "refreshes", value))
        },
    )
}

async fn create_push_dataset(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(group): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let b = base(&headers);
    in_workspace(
        &state,
        &headers,
        &group,
        DATASET_WRITE,
        "Contributor",
        |_, t, i| {
            let name = body["name"]
                .as_str()
                .filter(|n| !n.trim().is_empty())
                .ok_or_else(|| PbiError::bad_request("The dataset needs a name"))?;
            let tables: Vec<String> = body["tables"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t["name"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            if tables.is_empty() {
                return Err(PbiError::bad_request(
                    "A push dataset needs at least one table",
                ));
            }
            let d = Dataset {
                id: Uuid::new_v4(),
                name: name.to_string(),
                refreshable: false,
                push: true,
                tables,
                rows: 0,
                refreshes: vec![],
            };
            let ws = &mut t.workspaces[i];
            let out = dataset_json(ws, &d, &b);
            ws.datasets.push(d);
            Ok(ok(StatusCode::CREATED, out))
        },
    )
}

async fn push_rows(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((group, dataset, table)): Path<(String, String, String)>,
    Json(body): Json<Value>,
) -> Answer {
    in_workspace(
        &state,
        &headers,
        &group,
        DATASET_WRITE,
        "Contributor",
        |_, t, i| {
            let did = dataset.parse::<Uuid>().map_err(|_| PbiError::not_found())?;
            let d = t.workspaces[i]
                .datasets
                .iter_mut()
                .find(|d| d.id == did)
                .ok_or_else(PbiError::not_found)?;
            if !d.push || !d.tables.iter().any(|n| n.eq_ignore_ascii_case(&table)) {
                return Err(PbiError::not_found());
            }
            let rows = body["rows"]
                .as_array()
                .ok_or_else(|| PbiError::bad_request("rows must be an array"))?;
            d.rows += rows.len() as u64;
            Ok(ok(StatusCode::OK, json!({})))
        },
    )
}

async fn delete_dataset(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((group, dataset)): Path<(String, String)>,
) -> Answer {
    in_workspace(
        &state,
        &headers,
        &group,
        DATASET_WRITE,
        "Contributor",
        |_, t, i| {
            let did = dataset.parse::<Uuid>().map_err(|_| PbiError::not_found())?;
            let ws = &mut t.workspaces[i];
            let before = ws.datasets.len();
            ws.datasets.retain(|d| d.id != did);
            if ws.datasets.len() == before {
                return Err(PbiError::not_found());
            }
            Ok(ok(StatusCode::OK, json!({})))
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Admin APIs

/// Admin APIs: a Fabric administrator with Tenant.Read.All, or a service principal the admin
/// API switch allows that has no Power BI application permissions consented.
fn ensure_admin(state: &Shared, who: &Caller, fabric: bool) -> Result<(), PbiError> {
    let scenario = state.scenario();
    let tenant = scenario
        .tenants
        .iter()
        .find(|t| t.id == who.tenant())
        .ok_or_else(PbiError::not_authorized)?;
    let mut refuse = PbiError::not_authorized();
    refuse.fabric = fabric;
    match who {
        Caller::App { sp, client_id, .. } => {
            let s = &tenant.settings;
            let allowed = s.service_principals_admin_apis
                && s.service_principals_admin_apis_group
                    .is_none_or(|g| tenant.in_group(g, *sp));
            if !allowed {
                refuse.error_info = Some("ServicePrincipalIsNotAllowedByTenantAdminSwitch");
                return Err(refuse);
            }
            let has_app_permissions = tenant
                .app(&client_id.to_string())
                .is_some_and(|a| !a.application_permissions.is_empty());
            if has_app_permissions {
                return Err(refuse.message_if_fabric(
                    "An app with Power BI application permissions can't call the read-only admin \
                     APIs.",
                ));
            }
            Ok(())
        }
        Caller::User { oid, scopes, .. } => {
            let admin = tenant
                .users
                .iter()
                .any(|u| u.object_id == *oid && u.fabric_admin);
            let scoped = TENANT_READ.iter().any(|s| scopes.iter().any(|g| g == s));
            if admin && scoped {
                Ok(())
            } else {
                Err(refuse)
            }
        }
    }
}

impl PbiError {
    fn message_if_fabric(self, m: &str) -> Self {
        if self.fabric {
            self.message(m)
        } else {
            self
        }
    }
}

async fn admin_groups(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let who = caller(&state, &headers, false)?;
    ensure_admin(&state, &who, false)?;
    let top: usize = q
        .get("$top")
        .and_then(|t| t.parse().ok())
        .filter(|t| (1..=5000).contains(t))
        .ok_or_else(|| {
            PbiError::bad_request("The $top parameter is required and must be between 1 and 5000.")
        })?;
    let scenario = state.scenario();
    let tenant = scenario
        .tenants
        .iter()
        .find(|t| t.id == who.tenant())
        .ok_or_else(PbiError::not_authorized)?;
    let value = tenant
        .workspaces
        .iter()
        .take(top)
        .map(|w| {
            let mut v = workspace_json(w);
            v["state"] = json!("Active");
            v
        })
        .collect();
    Ok(collection(&base(&headers), "groups", value))
}

async fn scan_get_info(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> Answer {
    let who = caller(&state, &headers, false)?;
    ensure_admin(&state, &who, false)?;
    let workspaces: Vec<Uuid> = body["workspaces"]
        .as_array()
        .map(|a| a.iter().filter_map(|w| w.as_str()?.parse().ok()).collect())
        .unwrap_or_default();
    if workspaces.is_empty() || workspaces.len() > 100 {
        return Err(PbiError::bad_request(
            "Give between 1 and 100 workspace IDs.",
        ));
    }
    let flag = |k: &str| q.get(k).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let scan = crate::state::Scan {
        id: Uuid::new_v4(),
        tenant: who.tenant(),
        workspaces,
        schema: flag("datasetSchema"),
        expressions: flag("datasetExpressions"),
        lineage: flag("lineage"),
        polls: 0,
    };
    let id = scan.id;
    state
        .scans
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(scan);
    Ok(ok(
        StatusCode::ACCEPTED,
        json!({ "id": id, "createdDateTime": now_text(), "status": "NotStarted" }),
    ))
}

async fn scan_status(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(scan): Path<String>,
) -> Answer {
    let who = caller(&state, &headers, false)?;
    ensure_admin(&state, &who, false)?;
    let mut scans = state.scans.lock().unwrap_or_else(|e| e.into_inner());
    let s = scans
        .iter_mut()
        .find(|s| s.id.to_string() == scan && s.tenant == who.tenant())
        .ok_or_else(PbiError::not_found)?;
    s.polls += 1;
    // The first poll finds it running, as a real scan usually is.
    let status = if s.polls > 1 { "Succeeded" } else { "Running" };
    Ok(ok(
        StatusCode::OK,
        json!({ "id": s.id, "createdDateTime": now_text(), "status": status }),
    ))
}

async fn scan_result(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(scan): Path<String>,
) -> Answer {
    let who = caller(&state, &headers, false)?;
    ensure_admin(&state, &who, false)?;
    let s = state
        .scans
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|s| s.id.to_string() == scan && s.tenant == who.tenant())
        .cloned()
        .ok_or_else(PbiError::not_found)?;
    if s.polls < 2 {
        return Err(PbiError::bad_request("The scan has not finished yet."));
    }
    let scenario = state.scenario();
    let tenant = scenario
        .tenants
        .iter()
        .find(|t| t.id == s.tenant)
        .ok_or_else(PbiError::not_authorized)?;
    let detailed = tenant.settings.detailed_metadata;
    let expressions = tenant.settings.dax_expressions;
    let workspaces: Vec<Value> = tenant
        .workspaces
        .iter()
        .filter(|w| s.workspaces.contains(&w.id))
        .map(|w| {
            let datasets: Vec<Value> = w
                .datasets
                .iter()
                .map(|d| {
                    let mut v = json!({
                        "id": d.id,
                        "name": d.name,
                        "configuredBy": "ada@contoso.com",
                    });
                    if s.schema && detailed {
                        let tables: Vec<Value> = d
                            .tables
                            .iter()
                            .map(|t| json!({ "name": t, "columns": [] }))
                            .collect();
                        v["tables"] = json!(tables);
                    }
                    if s.expressions && detailed && expressions {
                        let source = "let Source = Sql.Database(\"sql\", \"db\") in Source";
                        v["expressions"] = json!([{ "name": "Source", "expression": source }]);
                    }
                    v
                })
                .collect();
            let reports: Vec<Value> = w
                .reports
                .iter()
                .map(|r| json!({ "id": r.id, "name": r.name, "datasetId": r.dataset_id }))
                .collect();
            json!({
                "id": w.id, "name": w.name, "type": "Workspace", "state": "Active",
                "isOnDedicatedCapacity": w.capacity_id.is_some(),
                "reports": reports, "datasets": datasets,
            })
        })
        .collect();
    Ok(ok(
        StatusCode::OK,
        json!({ "workspaces": workspaces, "datasourceInstances": [] }),
    ))
}

/// Fabric `GET /v1/admin/tenantsettings`, from the tenant's switches.
async fn tenant_settings(State(state): State<Shared>, headers: HeaderMap) -> Answer {
    let who = caller(&state, &headers, true)?;
    ensure_admin(&state, &who, true)?;
    let scenario = state.scenario();
    let tenant = scenario
        .tenants
        .iter()
        .find(|t| t.id == who.tenant())
        .ok_or_else(PbiError::not_authorized)?;
    let s = &tenant.settings;
    let group = |g: Option<Uuid>| -> Value {
        match g.and_then(|id| tenant.groups.iter().find(|x| x.object_id == id)) {
            Some(x) => json!([{ "graphId": x.object_id, "name": x.display_name }]),
            None => json!([]),
        }
    };
    let setting = |name: &str, title: &str, enabled: bool, groups: Value, section: &str| {
        let mut v = json!({ "settingName": name, "title": title, "enabled": enabled,
                            "canSpecifySecurityGroups": true, "tenantSettingGroup": section });
        if groups.as_array().is_some_and(|a| !a.is_empty()) {
            v["enabledSecurityGroups"] = groups;
        }
        v
    };
    let settings = [
        setting(
            "ServicePrincipalAccessPermissionAPIs",
            "Service principals can call Fabric public APIs",
            s.service_principals_enabled,
            group(s.service_principals_group),
            "DeveloperSettings",
        ),
        setting(
            "AllowServicePrincipalsUseReadAdminAPIs",
            "Service principals can access read-only admin APIs",
            s.service_principals_admin_apis,
            group(s.service_principals_admin_apis_group),
            "AdminApiSettings",
        ),
        setting(
            "AdminApisIncludeDetailedMetadata",
            "Enhance admin APIs responses with detailed metadata",
            s.detailed_metadata,
            json!([]),
            "AdminApiSettings",
        ),
        setting(
            "AdminApisIncludeExpressions",
            "Enhance admin APIs responses with DAX and mashup expressions",
            s.dax_expressions,
            json!([]),
            "AdminApiSettings",
        ),
    ];
    Ok(ok(StatusCode::OK, json!({ "value": settings })))
}
