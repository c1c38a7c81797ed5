//! Power BI's permissions in Graph: its service principal with the delegated permissions and
//! app roles it offers, the organisation-wide consent to delegated ones
//! (`oauth2PermissionGrants`), and the application permissions consented to an app
//! (`appRoleAssignments` of its service principal).
//!
//! The permission IDs are Power BI's real ones (the list of first-party app permissions in
//! github.com/maciejporebski/azure-ad-first-party-apps-permissions, "Power BI Service").

use super::{admin_tenant, bad, collection, matches_filter, not_found, with_tenant, Answer};
use super::{POWERBI_APP_ID, POWERBI_SP_ID};
use crate::scenario::App;
use crate::state::Shared;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;
use uuid::Uuid;

/// Power BI's delegated permissions and their IDs.
pub(crate) const POWERBI_SCOPES: &[(&str, &str)] = &[
    ("App.Read.All", "8b01a991-5a5a-47f8-91a2-84d6bfd72c02"),
    ("Capacity.Read.All", "76e2ebd5-0dfb-4a5b-93c7-ed89e0362834"),
    (
        "Capacity.ReadWrite.All",
        "4eabc3d1-b762-40ff-9da5-0e18fdf11230",
    ),
    ("Content.Create", "f3076109-ca66-412a-be10-d4ee1be95d47"),
    ("Dashboard.Read.All", "2448370f-f988-42cd-909c-6528efd67c1a"),
    (
        "Dashboard.ReadWrite.All",
        "b271f05e-8329-4b97-baa4-91cf15b99cf1",
    ),
    ("Dataflow.Read.All", "f9759906-80a4-4f4a-b010-24b832bc6a30"),
    (
        "Dataflow.ReadWrite.All",
        "ddd37690-e119-40c5-a821-3746ea6125c4",
    ),
    ("Dataset.Read.All", "7f33e027-4039-419b-938e-2f8ca153e68e"),
    (
        "Dataset.ReadWrite.All",
        "322b68b2-0804-416e-86a5-d772c567b6e6",
    ),
    ("Gateway.Read.All", "d2e42f6b-2baf-4ff4-83ef-51e66321516e"),
    (
        "Gateway.ReadWrite.All",
        "ddb3ca45-a192-477d-acb2-46bf9dc586de",
    ),
    ("Pipeline.Deploy", "652d7d02-6ff0-4cf7-9516-cf77d33a3ae4"),
    ("Pipeline.Read.All", "dbe6434c-63f0-42bb-be8e-122ec1bad4d2"),
    (
        "Pipeline.ReadWrite.All",
        "199f155b-cccd-4be4-bbe6-ca9a867b24b4",
    ),
    ("Report.Read.All", "4ae1bf56-f562-4747-b7bc-2fa0874ed46f"),
    (
        "Report.ReadWrite.All",
        "7504609f-c495-4c64-8542-686125a5a36f",
    ),
    (
        "StorageAccount.Read.All",
        "e677843f-76d8-44d3-bcdb-ec40dea919e7",
    ),
    (
        "StorageAccount.ReadWrite.All",
        "27789c5b-aca8-4cb6-94b8-bcc8964dd8ad",
    ),
    ("Tenant.Read.All", "01944dba-21df-426f-bb8c-796488be96ad"),
    (
        "Tenant.ReadWrite.All",
        "d594897b-76e7-4b2b-984b-b4adff35e109",
    ),
    (
        "UserState.ReadWrite.All",
        "b43e1ada-25ee-416f-bd5c-512976ddc74b",
    ),
    ("Workspace.Read.All", "b2f1b2fa-f35c-407c-979c-a858a808ba85"),
    (
        "Workspace.ReadWrite.All",
        "445002fb-a6f2-4dc1-a81e-4254a111cd29",
    ),
];

/// Power BI's application permissions (app roles) and their IDs.
pub(crate) const POWERBI_ROLES: &[(&str, &str)] = &[
    ("Tenant.Read.All", "654b31ae-d941-4e22-8798-7add8fdf049f"),
    (
        "Tenant.ReadWrite.All",
        "28379fa9-8596-4fd9-869e-cb60a93b5d84",
    ),
];

const GRANT_READ: &[&str] = &[
    "DelegatedPermissionGrant.Read.All",
    "DelegatedPermissionGrant.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const GRANT_WRITE: &[&str] = &[
    "DelegatedPermissionGrant.ReadWrite.All",
    "Directory.ReadWrite.All",
];
const ASSIGNMENT_READ: &[&str] = &[
    "Application.Read.All",
    "AppRoleAssignment.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const ASSIGNMENT_WRITE: &[&str] = &["AppRoleAssignment.ReadWrite.All", "Directory.ReadWrite.All"];

/// Power BI's service principal, as Graph lists it.
pub(super) fn powerbi_service_principal() -> Value {
    let scopes: Vec<Value> = POWERBI_SCOPES
        .iter()
        .map(|(v, id)| json!({ "id": id, "value": v, "type": "User", "isEnabled": true }))
        .collect();
    let roles: Vec<Value> = POWERBI_ROLES
        .iter()
        .map(|(v, id)| {
            json!({ "id": id, "value": v, "allowedMemberTypes": ["Application"],
                    "isEnabled": true })
        })
        .collect();
    json!({ "id": POWERBI_SP_ID, "appId": POWERBI_APP_ID, "appDisplayName": "Power BI Service",
            "servicePrincipalType": "Application", "oauth2PermissionScopes": scopes,
            "appRoles": roles })
}

/// Graph's ID of an organisation-wide grant: the client's and the resource's object IDs,
/// base64url (43 characters, as real grant IDs are).
fn grant_id(client_sp: Uuid) -> String {
    let resource: Uuid = POWERBI_SP_ID.parse().unwrap_or_default();
    let mut bytes = client_sp.as_bytes().to_vec();
    bytes.extend_from_slice(resource.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// An app role assignment's ID: the service principal's and the role's IDs, base64url.
fn assignment_id(sp: Uuid, role_id: &str) -> String {
    let role: Uuid = role_id.parse().unwrap_or_default();
    let mut bytes = sp.as_bytes().to_vec();
    bytes.extend_from_slice(role.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn grant_json(a: &App) -> Value {
    json!({ "id": grant_id(a.service_principal_id), "clientId": a.service_principal_id,
            "consentType": "AllPrincipals", "principalId": null, "resourceId": POWERBI_SP_ID,
            "scope": a.admin_consented_scopes.join(" ") })
}

fn scopes_in(body: &Value) -> Result<Vec<String>, super::GraphError> {
    let scopes: Vec<String> = body["scope"]
        .as_str()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    if let Some(unknown) = scopes
        .iter()
        .find(|s| !POWERBI_SCOPES.iter().any(|(v, _)| v == s))
    {
        return Err(bad(&format!(
            "Permission entry '{unknown}' is not a valid Power BI permission."
        )));
    }
    Ok(scopes)
}

/// `GET /oauth2PermissionGrants?$filter=clientId eq '…'`.
pub(super) async fn list_grants(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, GRANT_READ)?;
    let filter = q.get("$filter").cloned().unwrap_or_default();
    with_tenant(&state, tenant, |t| {
        let value: Vec<Value> = t
            .apps
            .iter()
            .filter(|a| a.has_service_principal && !a.admin_consented_scopes.is_empty())
            .filter(|a| {
                matches_filter(
                    &filter,
                    &[
                        ("clientId", a.service_principal_id.to_string()),
                        ("resourceId", POWERBI_SP_ID.to_string()),
                        ("consentType", "AllPrincipals".into()),
                    ],
                )
            })
            .map(grant_json)
            .collect();
        Ok(collection(&headers, "oauth2PermissionGrants", value))
    })
}

/// `POST /oauth2PermissionGrants`: consent for everyone in the organisation.
pub(super) async fn grant_consent(
    State(state): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, GRANT_WRITE)?;
    if body["consentType"] != "AllPrincipals" {
        return Err(bad("Only consentType AllPrincipals is supported here."));
    }
    if body["resourceId"] != POWERBI_SP_ID {
        return Err(not_found(body["resourceId"].as_str().unwrap_or_default()));
    }
    let client_sp = body["clientId"]
        .as_str()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let scopes = scopes_in(&body)?;
    with_tenant(&state, tenant, |t| {
        let app = t
            .apps
            .iter_mut()
            .find(|a| a.has_service_principal && a.service_principal_id.to_string() == client_sp)
            .ok_or_else(|| not_found(&client_sp))?;
        for s in &scopes {
            if !app.admin_consented_scopes.contains(s) {
                app.admin_consented_scopes.push(s.clone());
            }
        }
        Ok((StatusCode::CREATED, Json(grant_json(app))).into_response())
    })
}

fn app_with_grant<'t>(
    t: &'t mut crate::scenario::Tenant,
    id: &str,
) -> Result<&'t mut App, super::GraphError> {
    t.apps
        .iter_mut()
        .find(|a| {
            a.has_service_principal
                && !a.admin_consented_scopes.is_empty()
                && grant_id(a.service_principal_id) == id
        })
        .ok_or_else(|| not_found(id))
}

/// `PATCH /oauth2PermissionGrants/{id}`: the scopes replaced.
pub(super) async fn update_grant(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, GRANT_WRITE)?;
    let scopes = scopes_in(&body)?;
    with_tenant(&state, tenant, |t| {
        app_with_grant(t, &id)?.admin_consented_scopes = scopes;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}

/// `DELETE /oauth2PermissionGrants/{id}`.
pub(super) async fn delete_grant(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, GRANT_WRITE)?;
    with_tenant(&state, tenant, |t| {
        app_with_grant(t, &id)?.admin_consented_scopes.clear();
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}

fn app_of_sp<'t>(
    t: &'t mut crate::scenario::Tenant,
    sp: &str,
) -> Result<&'t mut App, super::GraphError> {
    t.apps
        .iter_mut()
        .find(|a| {
            a.has_service_principal && a.service_principal_id.to_string().eq_ignore_ascii_case(sp)
        })
        .ok_or_else(|| not_found(sp))
}

/// `GET /servicePrincipals/{id}/appRoleAssignments`: the Power BI application permissions
/// consented to the app.
pub(super) async fn list_assignments(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(sp): Path<String>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, ASSIGNMENT_READ)?;
    with_tenant(&state, tenant, |t| {
        let app = app_of_sp(t, &sp)?;
        let value: Vec<Value> = app
            .application_permissions
            .iter()
            .filter_map(|name| POWERBI_ROLES.iter().find(|(n, _)| n == name))
            .map(|(_, role)| {
                json!({ "id": assignment_id(app.service_principal_id, role),
                        "appRoleId": role, "principalId": app.service_principal_id,
                        "principalType": "ServicePrincipal",
                        "principalDisplayName": app.display_name,
                        "resourceId": POWERBI_SP_ID, "resourceDisplayName": "Power BI Service" })
            })
            .collect();
        Ok(collection(&headers, "appRoleAssignments", value))
    })
}

/// `DELETE /servicePrincipals/{id}/appRoleAssignments/{assignment}`.
pub(super) async fn delete_assignment(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((sp, assignment)): Path<(String, String)>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, ASSIGNMENT_WRITE)?;
    with_tenant(&state, tenant, |t| {
        let app = app_of_sp(t, &sp)?;
        let sp_id = app.service_principal_id;
        let before = app.application_permissions.len();
        app.application_permissions.retain(|name| {
            !POWERBI_ROLES
                .iter()
                .any(|(n, role)| n == name && assignment_id(sp_id, role) == assignment)
        });
        if app.application_permissions.len() == before {
            return Err(not_found(&assignment));
        }
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}
