//! The control API tests use (`/_fakecloud/...`), and the layer that records every request
//! and adds latency.

use crate::state::{Fault, FaultKind, LoggedRequest, Shared};
use axum::body::{to_bytes, Body};
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;
use uuid::Uuid;

/// Largest request body the emulator reads (token requests are small).
const MAX_BODY: usize = 1 << 20;

/// Control routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/_fakecloud/health",
            get(|| async { Json(json!({ "ok": true })) }),
        )
        .route("/_fakecloud/requests", get(requests).delete(clear_requests))
        .route("/_fakecloud/latency", post(set_latency))
        .route("/_fakecloud/clock", post(set_clock))
        .route("/_fakecloud/faults", post(add_fault).delete(clear_faults))
        .route(
            "/_fakecloud/tenants/{tenant}/apps/{client_id}/certificates",
            post(add_certificate),
        )
        .route(
            "/_fakecloud/workspaces/{workspace}/members",
            post(add_workspace_member),
        )
        .route("/_fakecloud/tenants/{tenant}/settings", post(set_settings))
}

/// What a test changes in a tenant's Power BI settings.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SettingsChange {
    /// "Service principals can call Fabric public APIs", on or off (for the groups it names).
    service_principals_enabled: Option<bool>,
    /// How long a later change takes to reach API calls.
    delay_seconds: Option<u64>,
}

/// `POST /_fakecloud/tenants/{tenant}/settings`: at once, whatever the delay.
async fn set_settings(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    Json(change): Json<SettingsChange>,
) -> (StatusCode, Json<Value>) {
    let mut scenario = state.scenario.write().unwrap_or_else(|e| e.into_inner());
    let Some(t) = scenario.tenants.iter_mut().find(|t| t.matches(&tenant)) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "no such tenant" })),
        );
    };
    if let Some(on) = change.service_principals_enabled {
        t.settings.service_principals_enabled = on;
    }
    if let Some(d) = change.delay_seconds {
        t.settings_delay_seconds = d;
    }
    (StatusCode::OK, Json(json!({ "ok": true })))
}

#[derive(Deserialize)]
struct NewMember {
    principal: uuid::Uuid,
    role: String,
}

/// Gives a user, app or group a role in a workspace, as its admin would in Power BI.
async fn add_workspace_member(
    State(state): State<Shared>,
    Path(workspace): Path<uuid::Uuid>,
    Json(m): Json<NewMember>,
) -> (StatusCode, Json<Value>) {
    let mut scenario = state.scenario.write().unwrap_or_else(|e| e.into_inner());
    let ws = scenario
        .tenants
        .iter_mut()
        .flat_map(|t| t.workspaces.iter_mut())
        .find(|w| w.id == workspace);
    match ws {
        Some(ws) => {
            ws.members.push(crate::scenario::WorkspaceMember {
                principal: m.principal,
                role: m.role,
            });
            (StatusCode::OK, Json(json!({ "ok": true })))
        }
        None => (StatusCode::NOT_FOUND, Json(json!({ "ok": false }))),
    }
}

#[derive(Deserialize)]
struct NewCertificate {
    pem: String,
    #[serde(default, with = "time::serde::rfc3339::option")]
    expires: Option<time::OffsetDateTime>,
}

/// Registers a certificate's public part on an app, as uploading it in the portal does.
async fn add_certificate(
    State(state): State<Shared>,
    Path((tenant, client_id)): Path<(String, String)>,
    Json(cert): Json<NewCertificate>,
) -> (StatusCode, Json<Value>) {
    if crate::assertion::pem_to_der(&cert.pem).is_none() {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "not a PEM certificate" })),
        );
    }
    let mut scenario = state.scenario.write().unwrap_or_else(|e| e.into_inner());
    let app = scenario
        .tenants
        .iter_mut()
        .filter(|t| t.matches(&tenant))
        .flat_map(|t| t.apps.iter_mut())
        .find(|a| a.client_id.to_string().eq_ignore_ascii_case(&client_id));
    match app {
        Some(app) => {
            app.certificates.push(crate::scenario::Certificate {
                key_id: uuid::Uuid::new_v4(),
                display_name: String::new(),
                pem: cert.pem,
                expires: cert
                    .expires
                    .unwrap_or(time::macros::datetime!(2099-01-01 0:00 UTC)),
            });
            (StatusCode::CREATED, Json(json!({ "ok": true })))
        }
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "no such tenant or app" })),
        ),
    }
}

async fn requests(State(state): State<Shared>) -> Json<Value> {
    let log = state.log.lock().map(|l| l.clone()).unwrap_or_default();
    Json(json!(log))
}

async fn clear_requests(State(state): State<Shared>) -> Json<Value> {
    if let Ok(mut log) = state.log.lock() {
        log.clear();
    }
    Json(json!({ "ok": true }))
}

async fn add_fault(State(state): State<Shared>, Json(f): Json<Fault>) -> Json<Value> {
    state
        .faults
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(f);
    Json(json!({ "ok": true }))
}

async fn clear_faults(State(state): State<Shared>) -> Json<Value> {
    state
        .faults
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clear();
    Json(json!({ "ok": true }))
}

/// Takes the first fault matching a request, counting it down.
fn take_fault(state: &Shared, method: &str, path: &str) -> Option<Fault> {
    let mut faults = state.faults.lock().unwrap_or_else(|e| e.into_inner());
    let i = faults.iter().position(|f| {
        path.starts_with(&f.path)
            && f.method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && f.times != Some(0)
    })?;
    let f = faults[i].clone();
    if let Some(t) = faults[i].times.as_mut() {
        *t -= 1;
    }
    Some(f)
}

/// The answer a fault gives, in the shape of the service the path belongs to.
async fn fault_response(fault: &Fault, path: &str) -> Option<Response> {
    let service_body = |code: &str, message: &str| -> Value {
        if path.starts_with("/v1.0/") {
            json!({ "error": { "code": code, "message": message } })
        } else if path.starts_with("/v1/") {
            json!({
                "requestId": Uuid::new_v4(),
                "errorCode": code,
                "message": message,
                "isRetriable": true,
            })
        } else {
            json!({
                "error": "temporarily_unavailable",
                "error_description": message,
                "error_codes": [],
                "trace_id": Uuid::new_v4(),
                "correlation_id": Uuid::new_v4(),
            })
        }
    };
    let with_retry = |mut res: Response| {
        if let Some(secs) = fault.retry_after {
            let value = if fault.retry_after_date {
                let at = std::time::SystemTime::now() + Duration::from_secs(secs.into());
                httpdate::fmt_http_date(at)
            } else {
                secs.to_string()
            };
            if let Ok(v) = HeaderValue::from_str(&value) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res
    };
    Some(match fault.kind {
        FaultKind::TooMany => with_retry(
            (
                StatusCode::TOO_MANY_REQUESTS,
                Json(service_body(
                    "TooManyRequests",
                    "You have exceeded the amount of requests allowed in the current time frame \
                     and further requests will fail.",
                )),
            )
                .into_response(),
        ),
        FaultKind::ServerError => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(service_body(
                "InternalServerError",
                "An internal error occurred.",
            )),
        )
            .into_response(),
        FaultKind::Unavailable => with_retry(
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(service_body(
                    "ServiceUnavailable",
                    "The service is temporarily unavailable.",
                )),
            )
                .into_response(),
        ),
        FaultKind::Hang => {
            tokio::time::sleep(Duration::from_millis(fault.ms.unwrap_or(60_000))).await;
            return None;
        }
        // nginx's default 502 page (src/http/ngx_http_special_response.c), what a reverse proxy
        // in front of a service answers when the service is down.
        FaultKind::Html => Response::builder()
            .status(StatusCode::BAD_GATEWAY)
            .header(header::CONTENT_TYPE, "text/html")
            .body(Body::from(
                "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                 <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
                 </body>\r\n</html>\r\n",
            ))
            .ok()?,
        // The body Power BI sends (shared/reference/entra-powerbi-facts.json, TokenExpired).
        FaultKind::TokenExpired => (
            StatusCode::FORBIDDEN,
            Json(json!({ "error": { "code": "TokenExpired",
                "message": "Access token has expired, resubmit with a new access token" } })),
        )
            .into_response(),
        FaultKind::Malformed => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{\"access_token\": \"eyJ0eXAi, <html>"))
            .ok()?,
        FaultKind::Truncated | FaultKind::Reset => {
            let first: &'static [u8] = if fault.kind == FaultKind::Truncated {
                b"{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_tok"
            } else {
                b""
            };
            let chunks: Vec<Result<&'static [u8], std::io::Error>> = vec![
                Ok(first),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "fault: connection closed",
                )),
            ];
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CONTENT_LENGTH, "2048")
                .body(Body::from_stream(futures_util::stream::iter(chunks)))
                .ok()?
        }
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Clock {
    offset_seconds: i64,
}

async fn set_clock(State(state): State<Shared>, Json(c): Json<Clock>) -> Json<Value> {
    if let Ok(mut o) = state.clock_offset.write() {
        *o = c.offset_seconds;
    }
    Json(json!({ "ok": true, "offsetSeconds": c.offset_seconds }))
}

#[derive(Deserialize)]
struct Latency {
    ms: u64,
}

async fn set_latency(State(state): State<Shared>, Json(l): Json<Latency>) -> Json<Value> {
    if let Ok(mut d) = state.latency.write() {
        *d = Duration::from_millis(l.ms);
    }
    Json(json!({ "ok": true, "ms": l.ms }))
}

/// Records each request (names of fields, never values, except `grant_type`) and applies the
/// configured latency. Control routes are neither delayed nor logged.
pub async fn observe(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/_fakecloud/") {
        return next.run(req).await;
    }
    if let Some(fault) = take_fault(&state, req.method().as_str(), &path) {
        if let Some(res) = fault_response(&fault, &path).await {
            state.record(LoggedRequest {
                id: Uuid::new_v4(),
                method: req.method().to_string(),
                path,
                query_keys: vec![],
                form_keys: vec![],
                grant_type: None,
                basic_auth: false,
                status: res.status().as_u16(),
            });
            return res;
        }
    }
    let delay = state.latency.read().map(|d| *d).unwrap_or_default();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let method = req.method().to_string();
    let query_keys = req
        .uri()
        .query()
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, _)| k.into_owned())
                .collect()
        })
        .unwrap_or_default();
    let basic_auth = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Basic "));
    let is_form = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_BODY).await.unwrap_or_default();
    let mut form_keys = vec![];
    let mut grant_type = None;
    if is_form {
        for (k, v) in form_urlencoded::parse(&bytes) {
            if k == "grant_type" {
                grant_type = Some(v.into_owned());
            }
            form_keys.push(k.into_owned());
        }
    }
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    state.record(LoggedRequest {
        id: Uuid::new_v4(),
        method,
        path,
        query_keys,
        form_keys,
        grant_type,
        basic_auth,
        status: response.status().as_u16(),
    });
    response
}
