//! The person-facing parts of Entra: the browser sign-in (authorization code with PKCE, RFC
//! 7636) and the device-code page, each a plain HTML form a test or WebDriver can submit, with
//! a consent page when the app asks for permissions the person has not granted yet.

use crate::entra::{parse_target, Version};
use crate::entra_error::{aadsts, EntraError};
use crate::scenario::{Tenant, UserConsent};
use crate::state::{AuthRequest, DeviceAnswer, DeviceFlow, Shared};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use rand::Rng;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// How long a device code or an authorization code stays valid, in seconds.
const DEVICE_CODE_LIFETIME: i64 = 900;
const AUTH_CODE_LIFETIME: i64 = 600;

/// Sign-in pages, the device-code endpoints, and their control routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/{tenant}/oauth2/v2.0/authorize", get(authorize_v2))
        .route("/{tenant}/oauth2/authorize", get(authorize_v1))
        .route("/{tenant}/oauth2/v2.0/devicecode", post(devicecode_v2))
        .route("/{tenant}/oauth2/devicecode", post(devicecode_v1))
        .route("/_signin/login", post(login))
        .route("/_signin/consent", post(consent))
        .route("/devicelogin", get(device_page).post(device_code_entered))
        .route("/_fakecloud/device/approve", post(control_device_approve))
        .route("/_fakecloud/device/decline", post(control_device_decline))
        .route("/_fakecloud/device/settings", post(control_device_settings))
        .route(
            "/_fakecloud/authorize/approve",
            post(control_authorize_approve),
        )
}

// ---------------------------------------------------------------------------------------------
// Authorization code

async fn authorize_v2(
    state: State<Shared>,
    tenant: Path<String>,
    query: Query<HashMap<String, String>>,
) -> Response {
    authorize(Version::V2, state, tenant, query)
}

async fn authorize_v1(
    state: State<Shared>,
    tenant: Path<String>,
    query: Query<HashMap<String, String>>,
) -> Response {
    authorize(Version::V1, state, tenant, query)
}

/// Whether a requested redirect URI matches a registered one. For loopback addresses the port
/// is ignored, as Entra does for native apps (RFC 8252 §7.3).
pub fn redirect_matches(registered: &str, requested: &str) -> bool {
    fn split(u: &str) -> Option<(String, String, Option<String>, String)> {
        let (scheme, rest) = u.split_once("://")?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => {
                (h.to_string(), Some(p.to_string()))
            }
            _ => (authority.to_string(), None),
        };
        Some((
            scheme.to_ascii_lowercase(),
            host.to_ascii_lowercase(),
            port,
            path.to_string(),
        ))
    }
    let (Some(a), Some(b)) = (split(registered), split(requested)) else {
        return false;
    };
    let loopback = a.0 == "http" && matches!(a.1.as_str(), "localhost" | "127.0.0.1" | "[::1]");
    a.0 == b.0 && a.1 == b.1 && a.3 == b.3 && (loopback || a.2 == b.2)
}

fn error_page(status: StatusCode, e: &EntraError) -> Response {
    let body = e.body();
    let text = body["error_description"]
        .as_str()
        .unwrap_or_default()
        .replace("\r\n", "\n");
    page(
        status,
        "Sign-in problem",
        &format!(
            "<p role=\"alert\" id=\"error\">{}</p>",
            escape(&text).replace('\n', "<br>")
        ),
    )
}

fn authorize(
    version: Version,
    State(state): State<Shared>,
    Path(tenant_name): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let scenario = state.scenario();
    let client_id = q.get("client_id").cloned().unwrap_or_default();
    let tenant = match crate::entra::resolve_tenant(&scenario, &tenant_name) {
        Ok(t) => t,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, &e),
    };
    let app = scenario
        .tenants
        .iter()
        .filter(|t| tenant.is_none_or(|only| only.id == t.id))
        .find_map(|t| t.app(&client_id).filter(|a| a.has_service_principal));
    let Some(app) = app else {
        let tid = tenant
            .map(|t| t.id.to_string())
            .unwrap_or_else(|| tenant_name.clone());
        return error_page(
            StatusCode::BAD_REQUEST,
            &aadsts::app_not_found(&client_id, &tid),
        );
    };
    let redirect_uri = q.get("redirect_uri").cloned().unwrap_or_default();
    if !app
        .redirect_uris
        .iter()
        .any(|r| redirect_matches(r, &redirect_uri))
    {
        return error_page(
            StatusCode::BAD_REQUEST,
            &aadsts::redirect_mismatch(&redirect_uri, &client_id),
        );
    }
    // From here on, errors go back to the app on its redirect URI (RFC 6749 §4.1.2.1).
    let back = |error: &str, description: &str| {
        redirect_with(
            &redirect_uri,
            &[("error", error), ("error_description", description)],
            q.get("state"),
        )
    };
    if q.get("response_type").map(String::as_str) != Some("code") {
        return back(
            "unsupported_response_type",
            "AADSTS700054: response_type must be 'code'.",
        );
    }
    let target = match parse_target(version, &q) {
        Ok(Some(t)) => t,
        Ok(None) => {
            return back(
                "invalid_request",
                "AADSTS900144: The request body must contain the following parameter: 'scope'.",
            )
        }
        Err(e) => return back(e.error, &format!("AADSTS{}: {}", e.code, e.message)),
    };
    let challenge = match (q.get("code_challenge"), q.get("code_challenge_method")) {
        (Some(c), m) => Some((c.clone(), m.cloned().unwrap_or_else(|| "plain".into()))),
        (None, _) => None,
    };
    let request = AuthRequest {
        id: Uuid::new_v4().simple().to_string(),
        tenant_name,
        client_id: app.client_id,
        redirect_uri,
        state: q.get("state").cloned(),
        code_challenge: challenge,
        nonce: q.get("nonce").cloned(),
        resource: target.resource,
        scopes: target.scopes,
        code: None,
        upn: None,
        tenant: None,
        redeemed: false,
        code_expires_at: 0,
    };
    let id = request.id.clone();
    let app_name = app.display_name.clone();
    drop(scenario);
    state
        .auth_requests
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(request);
    login_page(
        &id,
        &app_name,
        q.get("login_hint").map(String::as_str),
        None,
    )
}

fn login_page(request: &str, app: &str, hint: Option<&str>, problem: Option<&str>) -> Response {
    let problem = problem
        .map(|p| {
            format!(
                "<p role=\"alert\" id=\"error\" class=\"error\">{}</p>",
                escape(p)
            )
        })
        .unwrap_or_default();
    page(
        StatusCode::OK,
        "Sign in",
        &format!(
            r#"<p>to continue to <strong id="app">{app}</strong></p>{problem}
<form method="post" action="/_signin/login">
  <input type="hidden" name="request" value="{request}">
  <label for="login">Email</label>
  <input id="login" name="login" type="email" autocomplete="username" value="{hint}" required>
  <label for="passwd">Password</label>
  <input id="passwd" name="passwd" type="password" autocomplete="current-password" required>
  <button type="submit" id="signin">Sign in</button>
</form>"#,
            app = escape(app),
            hint = escape(hint.unwrap_or_default()),
        ),
    )
}

#[derive(Deserialize)]
struct LoginForm {
    request: String,
    login: String,
    passwd: String,
}

/// The sign-in form, for a browser sign-in or a device code (whose request ID is `device:`
/// followed by the user code).
async fn login(State(state): State<Shared>, Form(f): Form<LoginForm>) -> Response {
    let Some((client_id, tenant_filter)) = pending_client(&state, &f.request) else {
        return page(
            StatusCode::BAD_REQUEST,
            "Sign-in problem",
            "<p role=\"alert\" id=\"error\">This sign-in has expired. Start again from the \
             app.</p>",
        );
    };
    let scenario = state.scenario();
    let app_name = scenario
        .tenants
        .iter()
        .find_map(|t| t.app(&client_id.to_string()))
        .map(|a| a.display_name.clone())
        .unwrap_or_default();
    let tenant = scenario
        .tenants
        .iter()
        .filter(|t| {
            tenant_filter.as_deref().is_none_or(|n| {
                n.eq_ignore_ascii_case("common")
                    || n.eq_ignore_ascii_case("organizations")
                    || t.matches(n)
            })
        })
        .find(|t| t.user(&f.login).is_some());
    let Some(tenant) = tenant else {
        return login_page(
            &f.request,
            &app_name,
            Some(&f.login),
            Some("We couldn't find an account with that username."),
        );
    };
    let Some(user) = tenant.user(&f.login) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    // A browser or device sign-in can do MFA, so only the password and account state count.
    if let Err(e) = crate::entra::check_password(tenant, user, &f.passwd, false) {
        return login_page(
            &f.request,
            &app_name,
            Some(&f.login),
            Some(&format!("AADSTS{}: {}", e.code, e.message)),
        );
    }
    let (tid, upn) = (tenant.id, user.upn.clone());
    let missing = missing_consent(
        tenant,
        client_id,
        &upn,
        &requested_scopes(&state, &f.request),
    );
    drop(scenario);
    if missing.is_empty() {
        return finish(&state, &f.request, tid, &upn);
    }
    consent_page(&f.request, &app_name, &upn, tid, &missing)
}

/// The client and requested tenant of a pending sign-in.
fn pending_client(state: &Shared, request: &str) -> Option<(Uuid, Option<String>)> {
    if let Some(user_code) = request.strip_prefix("device:") {
        let flows = state.device_flows.lock().unwrap_or_else(|e| e.into_inner());
        let f = flows
            .iter()
            .find(|f| f.user_code == user_code && f.answer == DeviceAnswer::Pending)?;
        return Some((f.client_id, f.tenant.map(|t| t.to_string())));
    }
    let reqs = state
        .auth_requests
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let r = reqs.iter().find(|r| r.id == request && r.code.is_none())?;
    Some((r.client_id, Some(r.tenant_name.clone())))
}

fn requested_scopes(state: &Shared, request: &str) -> Vec<String> {
    if let Some(user_code) = request.strip_prefix("device:") {
        let flows = state.device_flows.lock().unwrap_or_else(|e| e.into_inner());
        return flows
            .iter()
            .find(|f| f.user_code == user_code)
            .map(|f| f.scopes.clone())
            .unwrap_or_default();
    }
    let reqs = state
        .auth_requests
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    reqs.iter()
        .find(|r| r.id == request)
        .map(|r| r.scopes.clone())
        .unwrap_or_default()
}

/// Scopes asked for that neither an admin nor this user has consented to.
fn missing_consent(tenant: &Tenant, client_id: Uuid, upn: &str, scopes: &[String]) -> Vec<String> {
    let Some(app) = tenant.app(&client_id.to_string()) else {
        return scopes.to_vec();
    };
    let user = tenant.user(upn);
    let granted = |s: &String| {
        app.admin_consented_scopes.contains(s)
            || user.is_some_and(|u| {
                u.consents
                    .iter()
                    .any(|c| c.client_id == client_id && c.scopes.contains(s))
            })
    };
    scopes.iter().filter(|s| !granted(s)).cloned().collect()
}

fn consent_page(request: &str, app: &str, upn: &str, tenant: Uuid, scopes: &[String]) -> Response {
    let items: String = scopes
        .iter()
        .map(|s| format!("<li>{}</li>", escape(s)))
        .collect();
    let body = format!(
        r#"<p><strong id="app">{app}</strong> wants permission to:</p><ul id="scopes">{items}</ul>
<p>Signed in as {upn}.</p>
<form method="post" action="/_signin/consent">
  <input type="hidden" name="request" value="{request}">
  <input type="hidden" name="upn" value="{upn}">
  <input type="hidden" name="tenant" value="{tenant}">
  <button type="submit" name="accept" value="yes" id="accept">Accept</button>
  <button type="submit" name="accept" value="no" id="cancel">Cancel</button>
</form>"#,
        app = escape(app),
        upn = escape(upn),
    );
    page(StatusCode::OK, "Permissions requested", &body)
}

#[derive(Deserialize)]
struct ConsentForm {
    request: String,
    upn: String,
    tenant: Uuid,
    accept: String,
}

async fn consent(State(state): State<Shared>, Form(f): Form<ConsentForm>) -> Response {
    if f.accept != "yes" {
        return decline(&state, &f.request);
    }
    let Some((client_id, _)) = pending_client(&state, &f.request) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    record_consent(
        &state,
        f.tenant,
        client_id,
        &f.upn,
        &requested_scopes(&state, &f.request),
    );
    finish(&state, &f.request, f.tenant, &f.upn)
}

fn record_consent(state: &Shared, tenant: Uuid, client_id: Uuid, upn: &str, scopes: &[String]) {
    let mut scenario = state.scenario.write().unwrap_or_else(|e| e.into_inner());
    let user = scenario
        .tenants
        .iter_mut()
        .filter(|t| t.id == tenant)
        .flat_map(|t| t.users.iter_mut())
        .find(|u| u.upn.eq_ignore_ascii_case(upn));
    if let Some(user) = user {
        match user.consents.iter_mut().find(|c| c.client_id == client_id) {
            Some(c) => {
                for s in scopes {
                    if !c.scopes.contains(s) {
                        c.scopes.push(s.clone());
                    }
                }
            }
            None => user.consents.push(UserConsent {
                client_id,
                scopes: scopes.to_vec(),
            }),
        }
    }
}

/// The person said no: the app hears `access_denied` (browser) or `authorization_declined`
/// (device code).
fn decline(state: &Shared, request: &str) -> Response {
    if let Some(user_code) = request.strip_prefix("device:") {
        set_device_answer(state, user_code, DeviceAnswer::Declined, None);
        return page(
            StatusCode::OK,
            "Sign-in cancelled",
            "<p id=\"done\">You cancelled the sign-in. You can close this window.</p>",
        );
    }
    let mut reqs = state
        .auth_requests
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let Some(pos) = reqs.iter().position(|r| r.id == request) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let r = reqs.remove(pos);
    redirect_with(
        &r.redirect_uri,
        &[
            ("error", "access_denied"),
            (
                "error_description",
                "AADSTS65004: User declined to consent to access the app.",
            ),
        ],
        r.state.as_ref(),
    )
}

/// The person signed in (and consented): send them back with a code, or tell the device
/// flow it may finish.
fn finish(state: &Shared, request: &str, tenant: Uuid, upn: &str) -> Response {
    if let Some(user_code) = request.strip_prefix("device:") {
        set_device_answer(
            state,
            user_code,
            DeviceAnswer::Approved(upn.to_string()),
            Some(tenant),
        );
        return page(
            StatusCode::OK,
            "You're signed in",
            "<p id=\"done\">You have signed in. You can close this window and return to the \
             app.</p>",
        );
    }
    match issue_code(state, request, tenant, upn) {
        Some(location) => Redirect::to(&location).into_response(),
        None => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// Gives a pending browser sign-in its code; returns where to send the browser.
fn issue_code(state: &Shared, request: &str, tenant: Uuid, upn: &str) -> Option<String> {
    let mut reqs = state
        .auth_requests
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let r = reqs
        .iter_mut()
        .find(|r| r.id == request && r.code.is_none())?;
    let code = format!("1.fc.{}", random_token(48));
    r.code = Some(code.clone());
    r.upn = Some(upn.to_string());
    r.tenant = Some(tenant);
    r.code_expires_at = OffsetDateTime::now_utc().unix_timestamp() + AUTH_CODE_LIFETIME;
    Some(location(
        &r.redirect_uri,
        &[
            ("code", &code),
            ("session_state", &Uuid::new_v4().to_string()),
        ],
        r.state.as_ref(),
    ))
}

fn location(redirect_uri: &str, params: &[(&str, &str)], state: Option<&String>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        query.append_pair(k, v);
    }
    if let Some(s) = state {
        query.append_pair("state", s);
    }
    let sep = if redirect_uri.contains('?') { '&' } else { '?' };
    format!("{redirect_uri}{sep}{}", query.finish())
}

fn redirect_with(redirect_uri: &str, params: &[(&str, &str)], state: Option<&String>) -> Response {
    Redirect::to(&location(redirect_uri, params, state)).into_response()
}

/// Exchanges an authorization code, checking it is fresh, unused, for this client and redirect
/// URI, and that the PKCE verifier matches the challenge (RFC 7636 §4.6).
pub fn redeem_code(
    state: &Shared,
    code: &str,
    client_id: &str,
    form: &HashMap<String, String>,
    now: OffsetDateTime,
) -> Result<AuthRequest, EntraError> {
    let mut reqs = state
        .auth_requests
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let r = reqs
        .iter_mut()
        .find(|r| r.code.as_deref() == Some(code))
        .ok_or_else(aadsts::bad_code)?;
    if r.redeemed {
        return Err(aadsts::code_redeemed());
    }
    if now.unix_timestamp() > r.code_expires_at
        || r.client_id.to_string() != client_id.to_ascii_lowercase()
    {
        return Err(aadsts::bad_code());
    }
    if let Some(uri) = form.get("redirect_uri") {
        if uri != &r.redirect_uri {
            return Err(aadsts::redirect_mismatch(uri, client_id));
        }
    }
    if let Some((challenge, method)) = &r.code_challenge {
        let verifier = form
            .get("code_verifier")
            .ok_or_else(aadsts::pkce_mismatch)?;
        let computed = if method.eq_ignore_ascii_case("S256") {
            B64.encode(Sha256::digest(verifier.as_bytes()))
        } else {
            verifier.clone()
        };
        if &computed != challenge {
            return Err(aadsts::pkce_mismatch());
        }
    }
    r.redeemed = true;
    Ok(r.clone())
}

// ---------------------------------------------------------------------------------------------

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{title} - fakecloud</title>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <style>body{{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto;\
         padding:0 1rem;color:#1b1b1b}}\n\
         label{{display:block;margin-top:1rem;font-weight:600}}\
         input{{font:inherit;width:100%;padding:.5rem;box-sizing:border-box}}\n\
         button{{font:inherit;margin-top:1.25rem;margin-right:.5rem;padding:.5rem 1.25rem}}\
         .error,[role=alert]{{color:#a4262c}}\n\
         .banner{{background:#fff4ce;padding:.5rem .75rem;font-size:.9rem}}</style></head>\n\
         <body><p class=\"banner\">Practice sign-in served by fakecloud, Keyway's test emulator. \
         This is not Microsoft.</p>\n\
         <h1>{title}</h1>{body}</body></html>",
        title = escape(title),
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_ignore_the_port_and_nothing_else() {
        assert!(redirect_matches(
            "http://localhost",
            "http://localhost:53123"
        ));
        assert!(redirect_matches(
            "http://localhost",
            "http://localhost:53123/"
        ));
        assert!(redirect_matches(
            "http://127.0.0.1/callback",
            "http://127.0.0.1:8400/callback"
        ));
        assert!(!redirect_matches(
            "http://127.0.0.1/callback",
            "http://127.0.0.1:8400/other"
        ));
        assert!(!redirect_matches(
            "http://localhost",
            "http://127.0.0.1:8400"
        ));
        assert!(!redirect_matches(
            "https://app.example.com/cb",
            "https://app.example.com:8443/cb"
        ));
        assert!(redirect_matches(
            "https://app.example.com/cb",
            "https://app.example.com/cb"
        ));
    }

    #[test]
    fn user_codes_are_nine_unambiguous_characters() {
        for _ in 0..50 {
            let c = user_code();
            assert_eq!(c.len(), 9);
            assert!(!c.contains(['0', 'O', '1', 'I']), "{c}");
        }
    }
}

mod control;
mod device;
use control::*;
use device::*;
