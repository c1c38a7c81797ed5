//! Microsoft Graph, the few calls that register an app for Power BI: create the application,
//! add a client secret (its value returned once), create the service principal, grant admin
//! consent, find the Power BI service principal, create a security group and add members, and
//! read an application's secrets (never their values).
//!
//! Callers are administrators signed in with delegated Graph scopes (the "Register the app for
//! me" path); Graph's error shape is `{ error: { code, message, innerError } }`.

mod applications;
mod keys;
mod permissions;
mod policies;

use crate::scenario::{App, Group, Tenant};
use crate::state::Shared;
use crate::tokens::GRAPH_RESOURCES;
use applications::{
    add_password, create_application, delete_application, find_app_mut, get_application,
    list_applications, patch_application, remove_password, APP_READ, APP_WRITE,
};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

/// Power BI's application ID, the same in every tenant.
pub const POWERBI_APP_ID: &str = "00000009-0000-0000-c000-000000000000";
/// The object ID fakecloud gives Power BI's service principal in every tenant.
pub const POWERBI_SP_ID: &str = "00000009-aaaa-4aaa-8aaa-00000000b1b1";
/// The routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/v1.0/applications",
            get(list_applications).post(create_application),
        )
        .route(
            "/v1.0/applications/{id}",
            get(get_application)
                .patch(patch_application)
                .delete(delete_application),
        )
        .route("/v1.0/applications/{id}/addPassword", post(add_password))
        .route("/v1.0/applications/{id}/addKey", post(keys::add_key))
        .route("/v1.0/applications/{id}/removeKey", post(keys::remove_key))
        .route(
            "/v1.0/applications/{id}/removePassword",
            post(remove_password),
        )
        .route(
            "/v1.0/servicePrincipals",
            get(list_service_principals).post(create_service_principal),
        )
        .route("/v1.0/servicePrincipals/{id}", get(get_service_principal))
        // `applications(appId='…')` and `servicePrincipals(appId='…')`: the alternate key
        // Graph's metadata declares, one path segment with the key inside.
        .route(
            "/v1.0/{keyed}",
            get(keyed_get).patch(keyed_patch).delete(keyed_delete),
        )
        .route(
            "/v1.0/oauth2PermissionGrants",
            get(permissions::list_grants).post(permissions::grant_consent),
        )
        .route(
            "/v1.0/oauth2PermissionGrants/{id}",
            patch(permissions::update_grant).delete(permissions::delete_grant),
        )
        .route(
            "/v1.0/servicePrincipals/{id}/appRoleAssignments",
            get(permissions::list_assignments),
        )
        .route(
            "/v1.0/servicePrincipals/{id}/appRoleAssignments/{assignment}",
            delete(permissions::delete_assignment),
        )
        .route(
            "/v1.0/policies/defaultAppManagementPolicy",
            get(policies::default_policy),
        )
        .route(
            "/v1.0/policies/appManagementPolicies/{id}",
            get(policies::policy),
        )
        .route("/v1.0/groups", get(list_groups).post(create_group))
        .route("/v1.0/groups/{id}/members", get(list_members))
        .route("/v1.0/groups/{id}", delete(delete_group))
        .route("/v1.0/groups/{id}/members/$ref", post(add_member))
        .route(
            "/v1.0/groups/{id}/members/{member}/$ref",
            delete(remove_member),
        )
}

pub(super) struct GraphError(StatusCode, &'static str, String, Option<Value>);

impl GraphError {
    pub(super) fn new(status: StatusCode, code: &'static str, message: String) -> GraphError {
        GraphError(status, code, message, None)
    }

    /// With Graph's `details` list.
    pub(super) fn with_details(
        status: StatusCode,
        code: &'static str,
        message: String,
        details: Value,
    ) -> GraphError {
        GraphError(status, code, message, Some(details))
    }
}

impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        let now = OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .unwrap_or_default();
        let mut error = json!({
            "code": self.1,
            "message": self.2,
            "innerError": {
                "date": now,
                "request-id": Uuid::new_v4(),
                "client-request-id": Uuid::new_v4(),
            },
        });
        if let Some(details) = self.3 {
            error["details"] = details;
        }
        (self.0, Json(json!({ "error": error }))).into_response()
    }
}

type Answer = Result<Response, GraphError>;

fn denied() -> GraphError {
    GraphError::new(
        StatusCode::FORBIDDEN,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.".into(),
    )
}

fn bad(message: &str) -> GraphError {
    GraphError::new(
        StatusCode::BAD_REQUEST,
        "Request_BadRequest",
        message.into(),
    )
}

fn not_found(what: &str) -> GraphError {
    GraphError::new(
        StatusCode::NOT_FOUND,
        "Request_ResourceNotFound",
        format!(
            "Resource '{what}' does not exist or one of its queried reference-property objects \
             are not present."
        ),
    )
}

/// The calling administrator's tenant, if the token is a Graph token for an administrator with
/// one of `scopes`.
fn admin_tenant(state: &Shared, headers: &HeaderMap, scopes: &[&str]) -> Result<Uuid, GraphError> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            GraphError::new(
                StatusCode::UNAUTHORIZED,
                "InvalidAuthenticationToken",
                "Access token is empty.".into(),
            )
        })?;
    let claims = state.key.verify(token).ok_or_else(|| {
        GraphError::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token validation failure. Invalid audience.".into(),
        )
    })?;
    if !GRAPH_RESOURCES.contains(&claims["aud"].as_str().unwrap_or_default()) {
        return Err(GraphError::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token validation failure. Invalid audience.".into(),
        ));
    }
    if claims["exp"].as_i64().unwrap_or(0) < OffsetDateTime::now_utc().unix_timestamp() {
        return Err(GraphError::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Lifetime validation failed, the token is expired.".into(),
        ));
    }
    let tenant = claims["tid"]
        .as_str()
        .and_then(|t| t.parse::<Uuid>().ok())
        .ok_or_else(denied)?;
    let scp: Vec<&str> = claims["scp"]
        .as_str()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    if !scopes.iter().any(|s| scp.contains(s)) {
        return Err(denied());
    }
    let oid = claims["oid"].as_str().and_then(|o| o.parse::<Uuid>().ok());
    let is_admin = state
        .scenario()
        .tenants
        .iter()
        .filter(|t| t.id == tenant)
        .flat_map(|t| t.users.iter())
        .any(|u| Some(u.object_id) == oid && u.global_admin);
    if !is_admin {
        return Err(denied());
    }
    Ok(tenant)
}

fn with_tenant<T>(
    state: &Shared,
    tenant: Uuid,
    f: impl FnOnce(&mut Tenant) -> Result<T, GraphError>,
) -> Result<T, GraphError> {
    let mut scenario = state.scenario.write().unwrap_or_else(|e| e.into_inner());
    let t = scenario
        .tenants
        .iter_mut()
        .find(|t| t.id == tenant)
        .ok_or_else(denied)?;
    f(t)
}

fn iso(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// Whether an object passes a `$filter` of the form `PROPERTY eq 'VALUE'` (the one form these
/// reads need); no filter passes everything. OData doubles a quote inside a literal.
fn matches_filter(filter: &str, properties: &[(&str, String)]) -> bool {
    let filter = filter.trim();
    if filter.is_empty() {
        return true;
    }
    let Some((property, literal)) = filter.split_once(" eq ") else {
        return false;
    };
    let Some(value) = literal
        .trim()
        .strip_prefix('\'')
        .and_then(|l| l.strip_suffix('\''))
    else {
        return false;
    };
    let value = value.replace("''", "'");
    properties
        .iter()
        .any(|(p, v)| p.eq_ignore_ascii_case(property.trim()) && v.eq_ignore_ascii_case(&value))
}

/// A Graph collection, with the `@odata.context` Graph puts on every answer.
fn collection(headers: &HeaderMap, set: &str, value: Vec<Value>) -> Response {
    let context = format!(
        "{}/v1.0/$metadata#{set}",
        crate::entra::base_url(headers, "https")
    );
    Json(json!({ "@odata.context": context, "value": value })).into_response()
}

/// A group by its object ID (any letter case, as Graph accepts).
fn group_mut<'g>(groups: &'g mut [Group], id: &str) -> Result<&'g mut Group, GraphError> {
    groups
        .iter_mut()
        .find(|g| g.object_id.to_string().eq_ignore_ascii_case(id))
        .ok_or_else(|| not_found(id))
}

fn group_json(g: &Group) -> Value {
    json!({ "id": g.object_id, "displayName": g.display_name, "securityEnabled": true,
            "mailEnabled": false, "mailNickname": g.display_name.replace(' ', "") })
}

const GROUP_READ: &[&str] = &[
    "Group.Read.All",
    "Group.ReadWrite.All",
    "GroupMember.Read.All",
    "GroupMember.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];

async fn list_groups(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, GROUP_READ)?;
    let filter = q.get("$filter").map(String::as_str).unwrap_or_default();
    with_tenant(&state, tenant, |t| {
        let value = t
            .groups
            .iter()
            .filter(|g| {
                matches_filter(
                    filter,
                    &[
                        ("displayName", g.display_name.clone()),
                        ("id", g.object_id.to_string()),
                    ],
                )
            })
            .map(group_json)
            .collect();
        Ok(collection(&headers, "groups", value))
    })
}

/// A group's members: users and service principals, each with its `@odata.type`.
async fn list_members(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, GROUP_READ)?;
    with_tenant(&state, tenant, |t| {
        let group = group_mut(&mut t.groups, &id)?;
        let value = group
            .members
            .iter()
            .filter_map(|m| {
                if let Some(u) = t.users.iter().find(|u| u.object_id == *m) {
                    return Some(json!({ "@odata.type": "#microsoft.graph.user",
                        "id": u.object_id, "userPrincipalName": u.upn }));
                }
                t.apps
                    .iter()
                    .find(|a| a.has_service_principal && a.service_principal_id == *m)
                    .map(|a| {
                        json!({ "@odata.type": "#microsoft.graph.servicePrincipal",
                        "id": a.service_principal_id, "appId": a.client_id,
                        "displayName": a.display_name })
                    })
            })
            .collect();
        Ok(collection(&headers, "directoryObjects", value))
    })
}

/// Splits `set(appId='…')` into the set and `(appId='…')`.
fn alternate_key(keyed: &str) -> Result<(&str, String), GraphError> {
    let open = keyed.find("(appId='").filter(|_| keyed.ends_with("')"));
    match open {
        Some(i) => Ok((&keyed[..i], keyed[i..].to_string())),
        None => Err(GraphError::new(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            format!("Resource not found for the segment '{keyed}'."),
        )),
    }
}

async fn keyed_get(state: State<Shared>, headers: HeaderMap, Path(keyed): Path<String>) -> Answer {
    match alternate_key(&keyed)? {
        ("applications", key) => get_application(state, headers, Path(key)).await,
        ("servicePrincipals", key) => get_service_principal(state, headers, Path(key)).await,
        _ => Err(not_found(&keyed)),
    }
}

async fn keyed_patch(
    state: State<Shared>,
    headers: HeaderMap,
    Path(keyed): Path<String>,
    body: Json<Value>,
) -> Answer {
    match alternate_key(&keyed)? {
        ("applications", key) => patch_application(state, headers, Path(key), body).await,
        _ => Err(not_found(&keyed)),
    }
}

async fn keyed_delete(
    state: State<Shared>,
    headers: HeaderMap,
    Path(keyed): Path<String>,
) -> Answer {
    match alternate_key(&keyed)? {
        ("applications", key) => delete_application(state, headers, Path(key)).await,
        _ => Err(not_found(&keyed)),
    }
}

/// `GET /servicePrincipals/{id}`, by object ID or `(appId='…')`.
async fn get_service_principal(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, APP_READ)?;
    let by_app_id = id
        .strip_prefix("(appId='")
        .and_then(|s| s.strip_suffix("')"))
        .map(str::to_string);
    let context = format!(
        "{}/v1.0/$metadata#servicePrincipals/$entity",
        crate::entra::base_url(&headers, "https")
    );
    with_tenant(&state, tenant, |t| {
        let app = t
            .apps
            .iter()
            .filter(|a| a.has_service_principal)
            .find(|a| match &by_app_id {
                Some(app_id) => a.client_id.to_string().eq_ignore_ascii_case(app_id),
                None => a.service_principal_id.to_string().eq_ignore_ascii_case(&id),
            })
            .ok_or_else(|| not_found(&id))?;
        let mut out = sp_json(app);
        out["@odata.context"] = json!(context);
        Ok(Json(out).into_response())
    })
}

fn sp_json(a: &App) -> Value {
    json!({ "id": a.service_principal_id, "appId": a.client_id, "appDisplayName": a.display_name,
            "accountEnabled": !a.disabled, "servicePrincipalType": "Application" })
}

async fn create_service_principal(
    State(state): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, APP_WRITE)?;
    let app_id = body["appId"]
        .as_str()
        .ok_or_else(|| bad("appId is required."))?
        .to_string();
    with_tenant(&state, tenant, |t| {
        let app =
            find_app_mut(t, &format!("(appId='{app_id}')")).ok_or_else(|| not_found(&app_id))?;
        if app.has_service_principal {
            return Err(GraphError::new(
                StatusCode::CONFLICT,
                "Request_MultipleObjectsWithSameKeyValue",
                "The service principal cannot be created, updated, or restored because the \
                 service principal name is already in use."
                    .into(),
            ));
        }
        app.has_service_principal = true;
        Ok((StatusCode::CREATED, Json(sp_json(app))).into_response())
    })
}

async fn list_service_principals(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, APP_READ)?;
    let filter = q
        .get("$filter")
        .cloned()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if filter.contains(POWERBI_APP_ID) {
        let value = vec![permissions::powerbi_service_principal()];
        return Ok(collection(&headers, "servicePrincipals", value));
    }
    with_tenant(&state, tenant, |t| {
        let value: Vec<Value> = t
            .apps
            .iter()
            .filter(|a| a.has_service_principal)
            .filter(|a| {
                matches_filter(
                    &filter,
                    &[
                        ("appId", a.client_id.to_string()),
                        ("id", a.service_principal_id.to_string()),
                        ("displayName", a.display_name.clone()),
                    ],
                )
            })
            .map(sp_json)
            .collect();
        Ok(collection(&headers, "servicePrincipals", value))
    })
}

async fn create_group(
    State(state): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Answer {
    let tenant = admin_tenant(
        &state,
        &headers,
        &["Group.ReadWrite.All", "Directory.ReadWrite.All"],
    )?;
    let name = body["displayName"]
        .as_str()
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| bad("displayName is required."))?;
    if body["securityEnabled"] != true || body["mailNickname"].as_str().is_none() {
        return Err(bad(
            "A security group needs securityEnabled true, mailEnabled false and a mailNickname.",
        ));
    }
    with_tenant(&state, tenant, |t| {
        let group = Group {
            object_id: Uuid::new_v4(),
            display_name: name.to_string(),
            members: vec![],
        };
        let out = json!({ "id": group.object_id, "displayName": group.display_name,
                          "securityEnabled": true, "mailEnabled": false });
        t.groups.push(group);
        Ok((StatusCode::CREATED, Json(out)).into_response())
    })
}

async fn add_member(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let tenant = admin_tenant(
        &state,
        &headers,
        &[
            "GroupMember.ReadWrite.All",
            "Group.ReadWrite.All",
            "Directory.ReadWrite.All",
        ],
    )?;
    let member = body["@odata.id"]
        .as_str()
        .and_then(|u| u.rsplit('/').next())
        .and_then(|m| m.parse::<Uuid>().ok())
        .ok_or_else(|| bad("@odata.id must name a directory object."))?;
    with_tenant(&state, tenant, |t| {
        let exists = t.users.iter().any(|u| u.object_id == member)
            || t.apps
                .iter()
                .any(|a| a.has_service_principal && a.service_principal_id == member);
        if !exists {
            return Err(not_found(&member.to_string()));
        }
        let group = group_mut(&mut t.groups, &id)?;
        if group.members.contains(&member) {
            return Err(bad("One or more added object references already exist \
                            for the following modified properties: 'members'."));
        }
        group.members.push(member);
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}

const GROUP_WRITE: &[&str] = &["Group.ReadWrite.All", "Directory.ReadWrite.All"];

/// `DELETE /groups/{id}`.
async fn delete_group(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, GROUP_WRITE)?;
    with_tenant(&state, tenant, |t| {
        let before = t.groups.len();
        t.groups
            .retain(|g| !g.object_id.to_string().eq_ignore_ascii_case(&id));
        if t.groups.len() == before {
            return Err(not_found(&id));
        }
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}

/// `DELETE /groups/{id}/members/{member}/$ref`.
async fn remove_member(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((id, member)): Path<(String, String)>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, GROUP_WRITE)?;
    with_tenant(&state, tenant, |t| {
        let group = group_mut(&mut t.groups, &id)?;
        let before = group.members.len();
        group
            .members
            .retain(|m| !m.to_string().eq_ignore_ascii_case(&member));
        if group.members.len() == before {
            return Err(not_found(&member));
        }
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}
