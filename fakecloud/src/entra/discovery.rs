//! Discovery: the OpenID configuration (v1 and v2), instance discovery, the user realm MSAL
//! asks for, and the signing keys.

use super::*;

/// The tenant ID (or Entra's `{tenantid}` placeholder for `common`) and our base URL, for
/// a discovery document.
pub(super) fn discovery_context(
    state: &Shared,
    tenant: &str,
    headers: &HeaderMap,
    scheme: &str,
) -> Result<(String, String), EntraError> {
    let scenario = state.scenario();
    let tid = match resolve_tenant(&scenario, tenant)? {
        Some(t) => t.id.to_string(),
        None => "{tenantid}".to_string(),
    };
    Ok((tid, base_url(headers, scheme)))
}

/// The cloud a tenant's discovery document names, as Entra words it: the instance, the region
/// sub-scope of a US Government tenant, and the Graph host of that cloud.
fn cloud_of(state: &Shared, tenant: &str) -> (String, Option<String>, &'static str) {
    let scenario = state.scenario();
    let t = resolve_tenant(&scenario, tenant).ok().flatten();
    let instance = t.map_or("microsoftonline.com".into(), |t| t.cloud_instance.clone());
    let sub = t.and_then(|t| t.region_sub_scope.clone());
    let graph = match instance.as_str() {
        "microsoftonline.us" if sub.as_deref() == Some("DOD") => "dod-graph.microsoft.us",
        "microsoftonline.us" => "graph.microsoft.us",
        "partner.microsoftonline.cn" => "microsoftgraph.chinacloudapi.cn",
        _ => "graph.microsoft.com",
    };
    (instance, sub, graph)
}

pub(super) async fn openid_configuration_v2(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    axum::Extension(Scheme(scheme)): axum::Extension<Scheme>,
) -> Response {
    let (tid, base) = match discovery_context(&state, &tenant, &headers, scheme) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let (instance, sub, graph) = cloud_of(&state, &tenant);
    let mut doc = json!({
        "token_endpoint": format!("{base}/{tenant}/oauth2/v2.0/token"),
        "token_endpoint_auth_methods_supported":
            ["client_secret_post", "private_key_jwt", "client_secret_basic"],
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
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "nonce", "name", "oid", "tid", "preferred_username"
        ],
        "tenant_region_scope": if instance == "microsoftonline.us" { "USGov" } else { "NA" },
        "cloud_instance_name": instance,
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": graph,
        "rbac_url": "https://pas.windows.net",
    });
    // Only a US Government tenant has a sub-scope (GCC, DODCON, DOD).
    if let Some(sub) = sub {
        doc["tenant_region_sub_scope"] = json!(sub);
    }
    Json(doc).into_response()
}

pub(super) async fn openid_configuration_v1(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    axum::Extension(Scheme(scheme)): axum::Extension<Scheme>,
) -> Response {
    let (tid, base) = match discovery_context(&state, &tenant, &headers, scheme) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    Json(json!({
        "token_endpoint": format!("{base}/{tenant}/oauth2/token"),
        "token_endpoint_auth_methods_supported":
            ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": format!("{base}/common/discovery/keys"),
        "issuer": format!("https://sts.windows.net/{tid}/"),
        "authorization_endpoint": format!("{base}/{tenant}/oauth2/authorize"),
        "device_authorization_endpoint": format!("{base}/{tenant}/oauth2/devicecode"),
    }))
    .into_response()
}

pub(super) async fn instance_discovery(
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
        "tenant_discovery_endpoint":
            format!("https://{host}/{tenant}/v2.0/.well-known/openid-configuration"),
        "api-version": "1.1",
        "metadata": [{ "preferred_network": host, "preferred_cache": host, "aliases": [host] }],
    }))
}

pub(super) async fn user_realm(
    State(state): State<Shared>,
    Path(upn): Path<String>,
) -> Json<Value> {
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

pub(super) async fn keys(State(state): State<Shared>) -> Json<Value> {
    Json(state.key.jwks())
}
