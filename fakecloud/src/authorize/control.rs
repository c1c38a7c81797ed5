//! Control routes: tests play the person (approve, decline, device-code settings).

use super::*;

// ---------------------------------------------------------------------------------------------
// Control routes: the person's answer, without the pages.

#[derive(Deserialize)]
pub(super) struct Approve {
    user_code: Option<String>,
    state: Option<String>,
    upn: String,
    #[serde(default = "yes")]
    consent: bool,
}

pub(super) fn yes() -> bool {
    true
}

pub(super) fn control_target_user(state: &Shared, upn: &str, tenant: Option<Uuid>) -> Option<Uuid> {
    state
        .scenario()
        .tenants
        .iter()
        .filter(|t| tenant.is_none_or(|id| id == t.id))
        .find(|t| t.user(upn).is_some())
        .map(|t| t.id)
}

pub(super) async fn control_device_approve(
    State(state): State<Shared>,
    Json(a): Json<Approve>,
) -> (StatusCode, Json<Value>) {
    let Some(code) = a.user_code.as_deref() else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "user_code is required" })),
        );
    };
    let flow = {
        let flows = state.device_flows.lock().unwrap_or_else(|e| e.into_inner());
        flows
            .iter()
            .find(|f| f.user_code.eq_ignore_ascii_case(code))
            .cloned()
    };
    let Some(flow) = flow else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "no such user code" })),
        );
    };
    let Some(tenant) = control_target_user(&state, &a.upn, flow.tenant) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "no such user in the flow's tenant" })),
        );
    };
    if a.consent {
        record_consent(&state, tenant, flow.client_id, &a.upn, &flow.scopes);
    }
    let ok = set_device_answer(&state, code, DeviceAnswer::Approved(a.upn), Some(tenant));
    (
        if ok {
            StatusCode::OK
        } else {
            StatusCode::CONFLICT
        },
        Json(json!({ "ok": ok })),
    )
}

#[derive(Deserialize)]
pub(super) struct Decline {
    user_code: String,
}

pub(super) async fn control_device_decline(
    State(state): State<Shared>,
    Json(d): Json<Decline>,
) -> (StatusCode, Json<Value>) {
    let ok = set_device_answer(&state, &d.user_code, DeviceAnswer::Declined, None);
    (
        if ok {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        },
        Json(json!({ "ok": ok })),
    )
}

#[derive(Deserialize)]
pub(super) struct DeviceSettings {
    #[serde(default)]
    interval: Option<u64>,
    #[serde(default)]
    slow_down: Option<u32>,
}

pub(super) async fn control_device_settings(
    State(state): State<Shared>,
    Json(s): Json<DeviceSettings>,
) -> Json<Value> {
    if let (Some(v), Ok(mut i)) = (s.interval, state.device_interval.write()) {
        *i = v;
    }
    if let (Some(n), Ok(mut sd)) = (s.slow_down, state.slow_downs.lock()) {
        *sd = n;
    }
    Json(json!({ "ok": true }))
}

/// Signs a person in to the pending browser sign-in with this `state`, as if they had used
/// the pages; answers with the URL the browser would be sent to.
pub(super) async fn control_authorize_approve(
    State(state): State<Shared>,
    Json(a): Json<Approve>,
) -> (StatusCode, Json<Value>) {
    let pending = {
        let reqs = state
            .auth_requests
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        reqs.iter()
            .rev()
            .find(|r| r.code.is_none() && (a.state.is_none() || r.state == a.state))
            .map(|r| {
                (
                    r.id.clone(),
                    r.client_id,
                    r.scopes.clone(),
                    r.tenant_name.clone(),
                )
            })
    };
    let Some((id, client_id, scopes, tenant_name)) = pending else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "no pending sign-in" })),
        );
    };
    let only = state.scenario().tenant(&tenant_name).map(|t| t.id);
    let Some(tenant) = control_target_user(&state, &a.upn, only) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "no such user" })),
        );
    };
    if a.consent {
        record_consent(&state, tenant, client_id, &a.upn, &scopes);
    }
    match issue_code(&state, &id, tenant, &a.upn) {
        Some(location) => (StatusCode::OK, Json(json!({ "location": location }))),
        None => (
            StatusCode::CONFLICT,
            Json(json!({ "error": "already answered" })),
        ),
    }
}
