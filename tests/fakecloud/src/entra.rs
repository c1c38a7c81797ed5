//! Entra ID: discovery, keys, and the v1 and v2 token endpoints.

use crate::entra_error::{aadsts, EntraError};
use crate::scenario::{App, Tenant};
use crate::state::Shared;
use crate::tokens::{self, Grant, Subject};
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

/// The resource ID of Power BI in every cloud, and its application ID.
const POWERBI_RESOURCES: &[&str] = &[
    "https://analysis.windows.net/powerbi/api",
    "https://analysis.usgovcloudapi.net/powerbi/api",
    "https://high.analysis.usgovcloudapi.net/powerbi/api",
    "https://mil.analysis.usgovcloudapi.net/powerbi/api",
    "https://analysis.chinacloudapi.cn/powerbi/api",
    "00000009-0000-0000-c000-000000000000",
];
const OTHER_RESOURCES: &[&str] = &[
    "https://graph.microsoft.com",
    "https://graph.microsoft.us",
    "https://dod-graph.microsoft.us",
    "https://microsoftgraph.chinacloudapi.cn",
    "https://api.fabric.microsoft.com",
    "00000003-0000-0000-c000-000000000000",
];
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
fn resolve_tenant<'a>(
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

async fn openid_configuration_v2(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    axum::Extension(Scheme(scheme)): axum::Extension<Scheme>,
) -> Response {
    let scenario = state.scenario();
    let tid = match resolve_tenant(&scenario, &tenant) {
        Ok(Some(t)) => t.id.to_string(),
        Ok(None) => "{tenantid}".to_string(),
        Err(e) => return e.into_response(),
    };
    let base = base_url(&headers, scheme);
    Json(json!({
        "token_endpoint": format!("{base}/{tenant}/oauth2/v2.0/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": format!("{base}/{tenant}/discovery/v2.0/keys"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": format!("{base}/{tid}/v2.0"),
        "request_uri_parameter_supported": false,
        "userinfo_endpoint": format!("{base}/oidc/userinfo"),
        "authorization_endpoint": format!("{base}/{tenant}/oauth2/v2.0/authorize"),
        "device_authorization_endpoint": format!("{base}/{tenant}/oauth2/v2.0/devicecode"),
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "end_session_endpoint": format!("{base}/{tenant}/oauth2/v2.0/logout"),
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "name", "oid", "tid", "preferred_username"],
        "tenant_region_scope": "NA",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
        "rbac_url": "https://pas.windows.net",
    }))
    .into_response()
}

async fn openid_configuration_v1(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    axum::Extension(Scheme(scheme)): axum::Extension<Scheme>,
) -> Response {
    let scenario = state.scenario();
    let tid = match resolve_tenant(&scenario, &tenant) {
        Ok(Some(t)) => t.id.to_string(),
        Ok(None) => "{tenantid}".to_string(),
        Err(e) => return e.into_response(),
    };
    let base = base_url(&headers, scheme);
    Json(json!({
        "token_endpoint": format!("{base}/{tenant}/oauth2/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": format!("{base}/common/discovery/keys"),
        "issuer": format!("https://sts.windows.net/{tid}/"),
        "authorization_endpoint": format!("{base}/{tenant}/oauth2/authorize"),
        "device_authorization_endpoint": format!("{base}/{tenant}/oauth2/devicecode"),
    }))
    .into_response()
}

async fn instance_discovery(
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Json<Value> {
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let tenant = q
        .get("authorization_endpoint")
        .and_then(|u| u.split('/').nth(3))
        .unwrap_or("common")
        .to_string();
    Json(json!({
        "tenant_discovery_endpoint": format!("https://{host}/{tenant}/v2.0/.well-known/openid-configuration"),
        "api-version": "1.1",
        "metadata": [{ "preferred_network": host, "preferred_cache": host, "aliases": [host] }],
    }))
}

async fn user_realm(State(state): State<Shared>, Path(upn): Path<String>) -> Json<Value> {
    let domain = upn.rsplit('@').next().unwrap_or_default().to_string();
    let known = state
        .scenario()
        .tenants
        .iter()
        .any(|t| t.user(&upn).is_some() || t.matches(&domain));
    Json(json!({
        "ver": "1.0",
        "account_type": if known { "Managed" } else { "Unknown" },
        "domain_name": domain,
        "cloud_instance_name": "microsoftonline.com",
        "cloud_audience_urn": "urn:federation:MicrosoftOnline",
    }))
}

async fn keys(State(state): State<Shared>) -> Json<Value> {
    Json(state.key.jwks())
}

/// Which token endpoint version a request came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
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
struct Target {
    resource: String,
    scopes: Vec<String>,
    default: bool,
}

fn parse_target(version: Version, form: &HashMap<String, String>) -> Result<Target, EntraError> {
    if version == Version::V1 {
        let resource = form
            .get("resource")
            .map(|r| r.trim_end_matches('/').to_string())
            .ok_or_else(|| aadsts::missing_param("resource"))?;
        return Ok(Target {
            resource,
            scopes: vec![],
            default: true,
        });
    }
    if form.contains_key("resource") {
        return Err(aadsts::resource_on_v2());
    }
    let scope = form
        .get("scope")
        .ok_or_else(|| aadsts::missing_param("scope"))?;
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
    Ok(Target {
        resource,
        scopes,
        default,
    })
}

fn known_resource(resource: &str) -> bool {
    POWERBI_RESOURCES.contains(&resource) || OTHER_RESOURCES.contains(&resource)
}

#[allow(clippy::too_many_lines)]
async fn token(
    version: Version,
    State(state): State<Shared>,
    Path(tenant_name): Path<String>,
    headers: HeaderMap,
    axum::Extension(Scheme(scheme)): axum::Extension<Scheme>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let result = issue(version, &state, &tenant_name, &headers, scheme, &form);
    match result {
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
    let target = parse_target(version, form)?;
    let now = OffsetDateTime::now_utc();

    let (tenant, app, subject, client_auth_level) = match grant_type {
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
            let app = find_app(tenant, &client_id)?;
            let level = authenticate_client(
                state,
                tenant,
                app,
                &auth,
                headers,
                scheme,
                tenant_name,
                version,
                now,
            )?
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
            (
                tenant,
                app,
                Subject::App {
                    sp_id: app.service_principal_id,
                    roles,
                },
                level,
            )
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
            let tenant = match tenant {
                Some(t) => t,
                None => scenario
                    .tenants
                    .iter()
                    .find(|t| t.user(username).is_some())
                    .ok_or_else(|| aadsts::user_not_in_tenant(username))?,
            };
            let app = find_app(tenant, &client_id)?;
            let level = authenticate_client(
                state,
                tenant,
                app,
                &auth,
                headers,
                scheme,
                tenant_name,
                version,
                now,
            )?;
            let level = match level {
                Some(l) => l,
                None if app.public_client => 0,
                None => return Err(aadsts::public_client_required()),
            };
            let user = tenant
                .user(username)
                .ok_or_else(|| aadsts::user_not_in_tenant(username))?;
            if user.locked {
                return Err(aadsts::locked());
            }
            if user.password != *password {
                return Err(aadsts::bad_password());
            }
            if user.password_expired {
                return Err(aadsts::password_expired());
            }
            if user.mfa_required {
                return Err(aadsts::mfa_required());
            }
            if tenant.conditional_access_blocks {
                return Err(aadsts::conditional_access());
            }
            let scopes = delegated_scopes(tenant, app, user, &target)?;
            let subject = Subject::User {
                oid: user.object_id,
                upn: user.upn.clone(),
                name: user.display_name.clone(),
                scopes,
            };
            (tenant, app, subject, level)
        }
        other => return Err(aadsts::unsupported_grant(other)),
    };

    let grant = Grant {
        tenant: tenant.id,
        client_id: app.client_id,
        resource: target.resource.clone(),
        subject,
        client_auth: client_auth_level,
    };
    let base = base_url(headers, scheme);
    respond(state, version, &grant, form, &base, now)
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

/// Checks a secret or a certificate assertion. `Ok(None)`: the client sent neither.
#[allow(clippy::too_many_arguments)]
fn authenticate_client(
    state: &Shared,
    tenant: &Tenant,
    app: &App,
    auth: &ClientAuth,
    headers: &HeaderMap,
    scheme: &str,
    tenant_name: &str,
    version: Version,
    now: OffsetDateTime,
) -> Result<Option<u8>, EntraError> {
    let client_id = app.client_id.to_string();
    if let Some(secret) = &auth.secret {
        let found = app.secrets.iter().find(|s| s.value == *secret);
        return match found {
            Some(s) if s.expires <= now => Err(aadsts::expired_secret(&client_id)),
            Some(_) => Ok(Some(1)),
            None => Err(aadsts::invalid_secret(&client_id)),
        };
    }
    if let Some(assertion) = &auth.assertion {
        let base = base_url(headers, scheme);
        let path = match version {
            Version::V2 => "oauth2/v2.0/token",
            Version::V1 => "oauth2/token",
        };
        let audiences = [
            format!("{base}/{tenant_name}/{path}"),
            format!("{base}/{}/{path}", tenant.id),
            format!("{base}/{tenant_name}/oauth2/v2.0/token"),
            format!("{base}/{tenant_name}/oauth2/token"),
        ];
        crate::assertion::verify(state, app, assertion, &audiences, now)?;
        return Ok(Some(2));
    }
    Ok(None)
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
        if let Ok(mut rts) = state.refresh_tokens.lock() {
            rts.insert(refresh.clone(), grant.clone());
        }
        body["refresh_token"] = json!(refresh);
        let nonce = form.get("nonce").map(String::as_str);
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
        .unwrap();
        assert_eq!(t.scopes, vec!["Workspace.Read.All"]);
        let mixed = parse_target(
            Version::V2,
            &form(&[("scope", "https://graph.microsoft.com/.default https://analysis.windows.net/powerbi/api/.default")]),
        );
        assert_eq!(mixed.err().map(|e| e.code), Some(70011));
        let resource = parse_target(
            Version::V2,
            &form(&[("resource", "x"), ("scope", "y/.default")]),
        );
        assert_eq!(resource.err().map(|e| e.code), Some(901002));
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
