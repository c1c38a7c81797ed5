//! Entra ID: discovery, keys, and the v1 and v2 token endpoints.

use crate::entra_error::{aadsts, EntraError};
use crate::scenario::{App, Tenant};
use crate::state::Shared;
use crate::tokens::{self, Grant, Subject, FABRIC_RESOURCE, GRAPH_RESOURCES, POWERBI_RESOURCES};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

const OIDC_SCOPES: &[&str] = &["openid", "profile", "offline_access", "email"];

/// The Entra routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(openid_configuration_v2),
        )
        .route(
            "/{tenant}/.well-known/openid-configuration",
            get(openid_configuration_v1),
        )
        .route("/common/discovery/instance", get(instance_discovery))
        .route("/common/userrealm/{upn}", get(user_realm))
        .route("/{tenant}/discovery/v2.0/keys", get(keys))
        .route("/{tenant}/discovery/keys", get(keys))
        .route("/{tenant}/oauth2/v2.0/token", post(token_v2))
        .route("/{tenant}/oauth2/token", post(token_v1))
}

/// The base URL clients used to reach us (`https://127.0.0.1:PORT`), from the Host header.
pub fn base_url(headers: &HeaderMap, scheme: &str) -> String {
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("{scheme}://{host}")
}

/// Which scheme this listener serves, put in request extensions by the server.
#[derive(Debug, Clone, Copy)]
pub struct Scheme(pub &'static str);

/// Resolves a tenant path segment. `common`/`organizations` resolve to `None` (any tenant).
pub(crate) fn resolve_tenant<'a>(
    scenario: &'a crate::scenario::Scenario,
    name: &str,
) -> Result<Option<&'a Tenant>, EntraError> {
    let lower = name.to_ascii_lowercase();
    if lower == "common" || lower == "organizations" {
        return Ok(None);
    }
    let is_guid = name.parse::<Uuid>().is_ok();
    let is_dns = name.contains('.')
        && name
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    if !is_guid && !is_dns {
        return Err(aadsts::tenant_identifier_invalid(name));
    }
    scenario
        .tenant(name)
        .map(Some)
        .ok_or_else(|| aadsts::tenant_not_found(name))
}

/// Which token endpoint version a request came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    V1,
    V2,
}

async fn token_v2(
    state: State<Shared>,
    tenant: Path<String>,
    headers: HeaderMap,
    scheme: axum::Extension<Scheme>,
    form: Form<HashMap<String, String>>,
) -> Response {
    token(Version::V2, state, tenant, headers, scheme, form).await
}

async fn token_v1(
    state: State<Shared>,
    tenant: Path<String>,
    headers: HeaderMap,
    scheme: axum::Extension<Scheme>,
    form: Form<HashMap<String, String>>,
) -> Response {
    token(Version::V1, state, tenant, headers, scheme, form).await
}

/// Client credentials taken from the body or the Authorization header.
struct ClientAuth {
    client_id: Option<String>,
    secret: Option<String>,
    assertion: Option<String>,
}

fn client_auth(headers: &HeaderMap, form: &HashMap<String, String>) -> ClientAuth {
    let mut auth = ClientAuth {
        client_id: form.get("client_id").cloned(),
        secret: form.get("client_secret").cloned(),
        assertion: form.get("client_assertion").cloned(),
    };
    // RFC 6749 §2.3.1: HTTP Basic with form-urlencoded id and secret.
    if let Some(basic) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    {
        if let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(basic.trim()) {
            if let Some((id, secret)) = String::from_utf8_lossy(&decoded).split_once(':') {
                let unescape = |s: &str| {
                    form_urlencoded::parse(format!("x={s}").as_bytes())
                        .next()
                        .map(|(_, v)| v.into_owned())
                        .unwrap_or_default()
                };
                auth.client_id.get_or_insert_with(|| unescape(id));
                auth.secret.get_or_insert_with(|| unescape(secret));
            }
        }
    }
    auth
}

/// What was asked for: one resource and the scope names on it.
/// One resource and the scope names asked for on it.
pub(crate) struct Target {
    pub(crate) resource: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) default: bool,
}

/// Reads the resource and scopes from a token, device-code or authorize request. `Ok(None)`:
/// none given (allowed where an earlier step already named them).
pub(crate) fn parse_target(
    version: Version,
    form: &HashMap<String, String>,
) -> Result<Option<Target>, EntraError> {
    if version == Version::V1 {
        return Ok(form.get("resource").map(|r| Target {
            resource: r.trim_end_matches('/').to_string(),
            scopes: vec![],
            default: true,
        }));
    }
    if form.contains_key("resource") {
        return Err(aadsts::resource_on_v2());
    }
    let Some(scope) = form.get("scope") else {
        return Ok(None);
    };
    let mut resource: Option<String> = None;
    let mut scopes = vec![];
    let mut default = false;
    for s in scope.split_whitespace() {
        if OIDC_SCOPES.contains(&s) {
            continue;
        }
        let (res, name) = match s.rsplit_once('/') {
            Some((r, n)) if !r.is_empty() => (r.to_string(), n.to_string()),
            _ => return Err(aadsts::invalid_scope(s)),
        };
        if resource.as_ref().is_some_and(|r| *r != res) {
            return Err(aadsts::invalid_scope(scope));
        }
        resource = Some(res);
        if name == ".default" {
            default = true;
        } else {
            scopes.push(name);
        }
    }
    let resource = resource.unwrap_or_else(|| "https://graph.microsoft.com".to_string());
    Ok(Some(Target {
        resource,
        scopes,
        default,
    }))
}

fn required_target(version: Version, form: &HashMap<String, String>) -> Result<Target, EntraError> {
    parse_target(version, form)?.ok_or_else(|| {
        aadsts::missing_param(if version == Version::V1 {
            "resource"
        } else {
            "scope"
        })
    })
}

fn known_resource(resource: &str) -> bool {
    POWERBI_RESOURCES.contains(&resource)
        || GRAPH_RESOURCES.contains(&resource)
        || resource == FABRIC_RESOURCE
}

async fn token(
    version: Version,
    State(state): State<Shared>,
    Path(tenant_name): Path<String>,
    headers: HeaderMap,
    axum::Extension(Scheme(scheme)): axum::Extension<Scheme>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    match issue(version, &state, &tenant_name, &headers, scheme, &form) {
        Ok(body) => {
            let mut res = (StatusCode::OK, Json(body)).into_response();
            res.headers_mut().insert(
                "cache-control",
                axum::http::HeaderValue::from_static("no-store, no-cache"),
            );
            res
        }
        Err(e) => e.correlated(&headers).into_response(),
    }
}

/// The device-code grant type, in the long form and the short one msal-node sends.
const DEVICE_GRANTS: &[&str] = &[
    "urn:ietf:params:oauth:grant-type:device_code",
    "device_code",
];

fn issue(
    version: Version,
    state: &Shared,
    tenant_name: &str,
    headers: &HeaderMap,
    scheme: &str,
    form: &HashMap<String, String>,
) -> Result<Value, EntraError> {
    let scenario = state.scenario();
    let tenant = resolve_tenant(&scenario, tenant_name)?;
    let grant_type = form
        .get("grant_type")
        .ok_or_else(|| aadsts::missing_param("grant_type"))?
        .as_str();
    let auth = client_auth(headers, form);
    let client_id = auth
        .client_id
        .clone()
        .ok_or_else(|| aadsts::missing_param("client_id"))?;
    let now = state.now();
    let ctx = ClientContext {
        state,
        auth: &auth,
        headers,
        scheme,
        tenant_name,
        version,
        now,
    };

    let (grant, nonce) = match grant_type {
        "client_credentials" => {
            let tenant = tenant.ok_or_else(|| {
                EntraError::new(
                    400,
                    "invalid_request",
                    50059,
                    "No tenant-identifying information found in either the request or implied by \
                     any provided credentials.",
                )
            })?;
            let target = required_target(version, form)?;
            let app = find_app(tenant, &client_id)?;
            let level = ctx
                .authenticate(tenant, app, false)?
                .ok_or_else(aadsts::missing_credential)?;
            if version == Version::V2 && !target.default {
                return Err(EntraError::new(
                    400,
                    "invalid_scope",
                    1002012,
                    format!(
                        "The provided value for scope {} is not valid. Client credential flows \
                         must have a scope value with /.default suffixed to the resource \
                         identifier (application ID URI).",
                        form.get("scope").map(String::as_str).unwrap_or_default()
                    ),
                ));
            }
            if !known_resource(&target.resource) {
                return Err(aadsts::resource_not_found(
                    &target.resource,
                    &tenant.id.to_string(),
                ));
            }
            let roles = if POWERBI_RESOURCES.contains(&target.resource.as_str()) {
                app.application_permissions.clone()
            } else {
                vec![]
            };
            let grant = Grant {
                tenant: tenant.id,
                client_id: app.client_id,
                resource: target.resource,
                subject: Subject::App {
                    sp_id: app.service_principal_id,
                    roles,
                },
                client_auth: level,
            };
            (grant, None)
        }
        "password" => {
            let username = form
                .get("username")
                .ok_or_else(|| aadsts::missing_param("username"))?;
            let password = form
                .get("password")
                .ok_or_else(|| aadsts::missing_param("password"))?;
            if tenant_name.eq_ignore_ascii_case("common") {
                return Err(aadsts::ropc_on_common());
            }
            let target = required_target(version, form)?;
            let tenant = match tenant {
                Some(t) => t,
                None => home_tenant(&scenario, username)?,
            };
            let app = find_app(tenant, &client_id)?;
            let level = ctx.authenticate(tenant, app, true)?;
            let user = tenant
                .user(username)
                .ok_or_else(|| aadsts::user_not_in_tenant(username))?;
            check_password(tenant, user, password, true)?;
            (user_grant(tenant, app, user, &target, level)?, None)
        }
        g if DEVICE_GRANTS.contains(&g) => {
            let code = form
                .get("device_code")
                .or_else(|| form.get("code"))
                .ok_or_else(|| aadsts::missing_param("device_code"))?;
            let flow = redeem_device_code(state, code, &client_id, now)?;
            let tenant = scenario
                .tenants
                .iter()
                .find(|t| Some(t.id) == flow.tenant)
                .ok_or_else(aadsts::bad_device_code)?;
            let app = find_app(tenant, &client_id)?;
            let level = ctx.authenticate(tenant, app, true)?;
            let crate::state::DeviceAnswer::Approved(upn) = &flow.answer else {
                return Err(aadsts::bad_device_code());
            };
            let user = tenant
                .user(upn)
                .ok_or_else(|| aadsts::user_not_in_tenant(upn))?;
            let target = Target {
                resource: flow.resource.clone(),
                default: flow.scopes.is_empty(),
                scopes: flow.scopes.clone(),
            };
            (user_grant(tenant, app, user, &target, level)?, None)
        }
        "authorization_code" => {
            let code = form
                .get("code")
                .ok_or_else(|| aadsts::missing_param("code"))?;
            let request = crate::authorize::redeem_code(state, code, &client_id, form, now)?;
            let tenant = scenario
                .tenants
                .iter()
                .find(|t| Some(t.id) == request.tenant)
                .ok_or_else(aadsts::bad_code)?;
            let app = find_app(tenant, &client_id)?;
            let level = ctx.authenticate(tenant, app, true)?;
            let upn = request.upn.clone().unwrap_or_default();
            let user = tenant
                .user(&upn)
                .ok_or_else(|| aadsts::user_not_in_tenant(&upn))?;
            let target = Target {
                resource: request.resource.clone(),
                default: request.scopes.is_empty(),
                scopes: request.scopes.clone(),
            };
            (
                user_grant(tenant, app, user, &target, level)?,
                request.nonce.clone(),
            )
        }
        "refresh_token" => {
            let token = form
                .get("refresh_token")
                .ok_or_else(|| aadsts::missing_param("refresh_token"))?;
            // Rotation: a refresh token works once; the answer carries its successor.
            let session = state
                .refresh_tokens
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(token)
                .ok_or_else(aadsts::bad_code)?;
            if session.client_id.to_string() != client_id.to_ascii_lowercase() {
                return Err(aadsts::bad_code());
            }
            let tenant = scenario
                .tenants
                .iter()
                .find(|t| t.id == session.tenant)
                .ok_or_else(aadsts::bad_code)?;
            let app = find_app(tenant, &client_id)?;
            let level = ctx.authenticate(tenant, app, true)?;
            let user = tenant
                .user(&session.upn)
                .ok_or_else(|| aadsts::user_not_in_tenant(&session.upn))?;
            if user.locked {
                return Err(aadsts::locked());
            }
            let target = parse_target(version, form)?.unwrap_or(Target {
                resource: session.resource.clone(),
                scopes: vec![],
                default: true,
            });
            (user_grant(tenant, app, user, &target, level)?, None)
        }
        other => return Err(aadsts::unsupported_grant(other)),
    };
    let base = base_url(headers, scheme);
    respond(state, version, &grant, form, nonce.as_deref(), &base, now)
}

/// The tenant a user belongs to, for `organizations` requests.
fn home_tenant<'s>(
    scenario: &'s crate::scenario::Scenario,
    upn: &str,
) -> Result<&'s Tenant, EntraError> {
    scenario
        .tenants
        .iter()
        .find(|t| t.user(upn).is_some())
        .ok_or_else(|| aadsts::user_not_in_tenant(upn))
}

/// Checks a user's password and account state. `interactive_mfa`: whether the sign-in is one
/// where MFA cannot be done (the password grant); browser and device sign-ins satisfy MFA.
pub(crate) fn check_password(
    tenant: &Tenant,
    user: &crate::scenario::User,
    password: &str,
    no_mfa_possible: bool,
) -> Result<(), EntraError> {
    if user.locked {
        return Err(aadsts::locked());
    }
    if user.password != password {
        return Err(aadsts::bad_password());
    }
    if user.password_expired {
        return Err(aadsts::password_expired());
    }
    if no_mfa_possible && user.mfa_required {
        return Err(aadsts::mfa_required());
    }
    if tenant.conditional_access_blocks {
        return Err(aadsts::conditional_access());
    }
    Ok(())
}

/// A delegated grant for a signed-in user, with the consented scopes.
fn user_grant(
    tenant: &Tenant,
    app: &App,
    user: &crate::scenario::User,
    target: &Target,
    level: Option<u8>,
) -> Result<Grant, EntraError> {
    let level = match level {
        Some(l) => l,
        None if app.public_client => 0,
        None => return Err(aadsts::missing_credential()),
    };
    let scopes = delegated_scopes(tenant, app, user, target)?;
    Ok(Grant {
        tenant: tenant.id,
        client_id: app.client_id,
        resource: target.resource.clone(),
        subject: Subject::User {
            oid: user.object_id,
            upn: user.upn.clone(),
            name: user.display_name.clone(),
            scopes,
        },
        client_auth: level,
    })
}

/// Takes a device code's answer, as a poll does: pending, declined and expired are errors.
fn redeem_device_code(
    state: &Shared,
    code: &str,
    client_id: &str,
    now: OffsetDateTime,
) -> Result<crate::state::DeviceFlow, EntraError> {
    use crate::state::DeviceAnswer;
    {
        let mut slow = state.slow_downs.lock().unwrap_or_else(|e| e.into_inner());
        if *slow > 0 {
            *slow -= 1;
            return Err(EntraError::new(
                400,
                "slow_down",
                70016,
                "OAuth 2.0 device flow error. Polling too fast: slow down.",
            ));
        }
    }
    let mut flows = state.device_flows.lock().unwrap_or_else(|e| e.into_inner());
    let flow = flows
        .iter_mut()
        .find(|f| {
            f.device_code == code && f.client_id.to_string() == client_id.to_ascii_lowercase()
        })
        .ok_or_else(aadsts::bad_device_code)?;
    if flow.answer == DeviceAnswer::Redeemed {
        return Err(aadsts::bad_device_code());
    }
    if now.unix_timestamp() > flow.expires_at {
        return Err(aadsts::device_code_expired());
    }
    match flow.answer {
        DeviceAnswer::Pending => Err(aadsts::authorization_pending()),
        DeviceAnswer::Declined => Err(aadsts::authorization_declined()),
        _ => {
            let taken = flow.clone();
            flow.answer = DeviceAnswer::Redeemed;
            Ok(taken)
        }
    }
}

fn find_app<'t>(tenant: &'t Tenant, client_id: &str) -> Result<&'t App, EntraError> {
    let app = tenant
        .app(client_id)
        .filter(|a| a.has_service_principal)
        .ok_or_else(|| aadsts::app_not_found(client_id, &tenant.id.to_string()))?;
    if app.disabled {
        return Err(aadsts::app_disabled(client_id, &app.display_name));
    }
    Ok(app)
}

/// Everything needed to authenticate the client of one token request.
struct ClientContext<'a> {
    state: &'a Shared,
    auth: &'a ClientAuth,
    headers: &'a HeaderMap,
    scheme: &'a str,
    tenant_name: &'a str,
    version: Version,
    now: OffsetDateTime,
}

impl ClientContext<'_> {
    /// Checks a secret or a certificate assertion, returning `appidacr` (1 secret, 2
    /// certificate). `Ok(None)`: the client sent neither, which only a public client may.
    /// `user_flow`: a sign-in on behalf of a user, where a public client needs no secret.
    fn authenticate(
        &self,
        tenant: &Tenant,
        app: &App,
        user_flow: bool,
    ) -> Result<Option<u8>, EntraError> {
        let client_id = app.client_id.to_string();
        if let Some(secret) = &self.auth.secret {
            let found = app.secrets.iter().find(|s| s.value == *secret);
            return match found {
                Some(s) if s.expires <= self.now => Err(aadsts::expired_secret(&client_id)),
                Some(_) => Ok(Some(1)),
                None => Err(aadsts::invalid_secret(&client_id)),
            };
        }
        if let Some(assertion) = &self.auth.assertion {
            let base = base_url(self.headers, self.scheme);
            let path = match self.version {
                Version::V2 => "oauth2/v2.0/token",
                Version::V1 => "oauth2/token",
            };
            let audiences = [
                format!("{base}/{}/{path}", self.tenant_name),
                format!("{base}/{}/{path}", tenant.id),
            ];
            crate::assertion::verify(self.state, app, assertion, &audiences, self.now)?;
            return Ok(Some(2));
        }
        if user_flow && !app.public_client {
            return Err(aadsts::missing_credential());
        }
        Ok(None)
    }
}

/// The delegated Power BI scopes a user gets: those asked for (or all consented for
/// `.default`), each consented by the user or an admin.
fn delegated_scopes(
    tenant: &Tenant,
    app: &App,
    user: &crate::scenario::User,
    target: &Target,
) -> Result<Vec<String>, EntraError> {
    let mut consented: Vec<String> = app.admin_consented_scopes.clone();
    for c in user
        .consents
        .iter()
        .filter(|c| c.client_id == app.client_id)
    {
        for s in &c.scopes {
            if !consented.contains(s) {
                consented.push(s.clone());
            }
        }
    }
    if !known_resource(&target.resource) {
        return Err(aadsts::resource_not_found(
            &target.resource,
            &tenant.id.to_string(),
        ));
    }
    if target.default || target.scopes.is_empty() {
        if consented.is_empty() {
            return Err(aadsts::consent_required(
                &app.client_id.to_string(),
                &app.display_name,
            ));
        }
        return Ok(consented);
    }
    if target.scopes.iter().any(|s| !consented.contains(s)) {
        return Err(aadsts::consent_required(
            &app.client_id.to_string(),
            &app.display_name,
        ));
    }
    Ok(target.scopes.clone())
}

/// Builds the success body in the shape of the endpoint version.
fn respond(
    state: &Shared,
    version: Version,
    grant: &Grant,
    form: &HashMap<String, String>,
    nonce: Option<&str>,
    base: &str,
    now: OffsetDateTime,
) -> Result<Value, EntraError> {
    let sign = |claims: &Value| {
        state
            .key
            .sign(claims)
            .map_err(|e| EntraError::new(500, "server_error", 50000, e.to_string()))
    };
    let access_token = sign(&tokens::access_claims(grant, now))?;
    let expires_on = now.unix_timestamp() + tokens::LIFETIME;
    let mut body = match version {
        Version::V2 => json!({
            "token_type": "Bearer",
            "expires_in": tokens::LIFETIME,
            "ext_expires_in": tokens::LIFETIME,
            "access_token": access_token,
        }),
        Version::V1 => json!({
            "token_type": "Bearer",
            "expires_in": tokens::LIFETIME.to_string(),
            "ext_expires_in": tokens::LIFETIME.to_string(),
            "expires_on": expires_on.to_string(),
            "not_before": now.unix_timestamp().to_string(),
            "resource": grant.resource,
            "access_token": access_token,
        }),
    };
    if let Subject::User { scopes, oid, .. } = &grant.subject {
        let scope_text = scopes
            .iter()
            .map(|s| format!("{}/{s}", grant.resource))
            .collect::<Vec<_>>()
            .join(" ");
        body["scope"] = json!(match version {
            Version::V2 => scope_text,
            Version::V1 => scopes.join(" "),
        });
        let refresh = format!("0.fakecloud.{}", Uuid::new_v4().simple());
        if let (Ok(mut rts), Subject::User { upn, .. }) =
            (state.refresh_tokens.lock(), &grant.subject)
        {
            rts.insert(
                refresh.clone(),
                crate::state::UserSession {
                    tenant: grant.tenant,
                    client_id: grant.client_id,
                    upn: upn.clone(),
                    resource: grant.resource.clone(),
                },
            );
        }
        body["refresh_token"] = json!(refresh);
        if let Some(claims) = tokens::id_token_claims(base, grant, nonce, now) {
            body["id_token"] = json!(sign(&claims)?);
        }
        if form.get("client_info").map(String::as_str) == Some("1") {
            body["client_info"] = json!(tokens::client_info(*oid, grant.tenant));
        }
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn v2_scopes_name_one_resource() {
        let t = parse_target(
            Version::V2,
            &form(&[("scope", "https://analysis.windows.net/powerbi/api/.default")]),
        )
        .unwrap()
        .unwrap();
        assert!(t.default);
        assert_eq!(t.resource, "https://analysis.windows.net/powerbi/api");
        let t = parse_target(
            Version::V2,
            &form(&[(
                "scope",
                "https://analysis.windows.net/powerbi/api/Workspace.Read.All openid offline_access",
            )]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(t.scopes, vec!["Workspace.Read.All"]);
        let mixed = parse_target(
            Version::V2,
            &form(&[(
                "scope",
                "https://graph.microsoft.com/.default \
                 https://analysis.windows.net/powerbi/api/.default",
            )]),
        );
        assert_eq!(mixed.err().map(|e| e.code), Some(70011));
        let resource = parse_target(
            Version::V2,
            &form(&[("resource", "x"), ("scope", "y/.default")]),
        );
        assert_eq!(resource.err().map(|e| e.code), Some(901002));
        assert!(parse_target(Version::V2, &form(&[])).unwrap().is_none());
    }

    #[test]
    fn tenant_names_are_checked_before_lookup() {
        let s = crate::scenario::Scenario::contoso();
        assert!(resolve_tenant(&s, "contoso.onmicrosoft.com")
            .unwrap()
            .is_some());
        assert!(resolve_tenant(&s, "organizations").unwrap().is_none());
        assert_eq!(
            resolve_tenant(&s, "not a tenant").err().map(|e| e.code),
            Some(900023)
        );
        assert_eq!(
            resolve_tenant(&s, "nobody.example").err().map(|e| e.code),
            Some(90002)
        );
    }
}

mod discovery;
use discovery::*;
