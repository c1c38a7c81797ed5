//! App management policies: the tenant's default one and the others, read as Graph answers
//! them, and the refusal of a credential that would outlast the policy.

use super::{admin_tenant, not_found, with_tenant, Answer, GraphError};
use crate::scenario::{AppPolicy, Tenant};
use crate::state::Shared;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};
use time::OffsetDateTime;
use uuid::Uuid;

const POLICY_READ: &[&str] = &[
    "Policy.Read.All",
    "Policy.ReadWrite.ApplicationConfiguration",
];

/// What a policy restricts, in Graph's `appManagementConfiguration` shape.
fn restrictions(p: &AppPolicy) -> Value {
    let rule = |kind: &str, days: Option<u32>| -> Vec<Value> {
        days.map(|d| {
            json!({ "restrictionType": kind, "maxLifetime": format!("P{d}D"),
            "restrictForAppsCreatedAfterDateTime": "2019-01-01T00:00:00Z", "state": "enabled" })
        })
        .into_iter()
        .collect()
    };
    json!({
        "passwordCredentials": rule("passwordLifetime", p.password_max_days),
        "keyCredentials": rule("asymmetricKeyLifetime", p.key_max_days),
    })
}

/// `GET /policies/defaultAppManagementPolicy` (a `tenantAppManagementPolicy`).
pub(super) async fn default_policy(State(state): State<Shared>, headers: HeaderMap) -> Answer {
    let tenant = admin_tenant(&state, &headers, POLICY_READ)?;
    with_tenant(&state, tenant, |t| {
        let none = AppPolicy {
            id: Uuid::nil(),
            password_max_days: None,
            key_max_days: None,
        };
        let p = t
            .app_policy
            .as_ref()
            .filter(|p| p.id.is_nil())
            .unwrap_or(&none);
        Ok(Json(json!({
            "id": Uuid::nil(), "displayName": "Default app management tenant policy",
            "isEnabled": t.app_policy.as_ref().is_some_and(|p| p.id.is_nil()),
            "applicationRestrictions": restrictions(p),
        }))
        .into_response())
    })
}

/// `GET /policies/appManagementPolicies/{id}` (an `appManagementPolicy`).
pub(super) async fn policy(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, POLICY_READ)?;
    with_tenant(&state, tenant, |t| {
        let p = t
            .app_policy
            .as_ref()
            .filter(|p| !p.id.is_nil() && p.id.to_string().eq_ignore_ascii_case(&id))
            .ok_or_else(|| not_found(&id))?;
        Ok(Json(json!({
            "id": p.id, "displayName": "Credential lifetimes", "isEnabled": true,
            "restrictions": restrictions(p),
        }))
        .into_response())
    })
}

/// Graph's refusal of a credential lasting until `end`, when the tenant's policy caps it
/// (`password` for a client secret, else a certificate). The body is the one seen in
/// github.com/OfficeDev/microsoft-365-agents-toolkit/issues/10998, status 400 as in
/// github.com/Azure/azure-cli/issues/28522.
pub(super) fn refuse_lifetime(
    t: &Tenant,
    password: bool,
    end: OffsetDateTime,
) -> Result<(), GraphError> {
    let Some(p) = &t.app_policy else {
        return Ok(());
    };
    let max = if password {
        p.password_max_days
    } else {
        p.key_max_days
    };
    let Some(days) = max else { return Ok(()) };
    if end <= OffsetDateTime::now_utc() + time::Duration::days(i64::from(days)) {
        return Ok(());
    }
    let message = format!(
        "Credential lifetime exceeds the max value allowed as per assigned policy '{}'.",
        p.id
    );
    Err(GraphError::with_details(
        StatusCode::BAD_REQUEST,
        "CredentialInvalidLifetimeAsPerAppPolicy",
        message.clone(),
        json!([{ "code": "InvalidKeyEndDate", "message": message, "target": "EndDate" }]),
    ))
}
