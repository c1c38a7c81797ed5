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
        .route(
            "/v1.0/myorg/groups",
            get(list_groups).post(create_workspace),
        )
        .route(g, delete(delete_workspace))
        .route(&format!("{g}/reports"), get(list_reports))
        .route(
            &format!("{g}/datasets"),
            get(list_datasets).post(create_push_dataset),
        )
        .route(&format!("{g}/datasets/{{dataset}}"), delete(delete_dataset))
        .route(&format!("{g}/users"), get(list_users).post(add_user))
        .route(&format!("{g}/users/{{user}}"), delete(delete_user))
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
        .route(
            "/v1.0/myorg/admin/groups/{group}/users",
            post(add_user_as_admin),
        )
        .route(
            "/v1.0/myorg/admin/groups/{group}/users/{user}",
            delete(delete_user_as_admin),
        )
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
        .route(
            "/v1/admin/tenantsettings/{name}/update",
            post(update_tenant_setting),
        )
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
        let s = tenant.enforced_settings();
        let in_group = s.service_principals_groups.is_empty()
            || s.service_principals_groups
                .iter()
                .any(|g| tenant.in_group(*g, *sp));
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
/// The caller's tenant, to change.
fn caller_tenant<'s>(
    scenario: &'s mut crate::scenario::Scenario,
    who: &Caller,
) -> Result<&'s mut Tenant, PbiError> {
    scenario
        .tenants
        .iter_mut()
        .find(|t| t.id == who.tenant())
        .ok_or_else(PbiError::not_authorized)
}

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
    let tenant = caller_tenant(&mut scenario, &who)?;
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

mod admin;
mod content;
use admin::*;
use content::*;
