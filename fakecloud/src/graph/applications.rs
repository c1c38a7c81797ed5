//! Graph's applications: create, read (one, or a `$filter`), `PATCH` its certificates, delete,
//! and add or remove client secrets.

use super::{admin_tenant, bad, collection, iso, matches_filter, not_found, with_tenant, Answer};
use crate::scenario::{App, Certificate, Secret, Tenant};
use crate::state::Shared;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use base64::Engine;
use rand::Rng;
use serde_json::{json, Value};
use std::collections::HashMap;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

pub(super) const APP_READ: &[&str] = &[
    "Application.Read.All",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];

pub(super) const APP_WRITE: &[&str] = &["Application.ReadWrite.All", "Directory.ReadWrite.All"];

fn application_json(a: &App) -> Value {
    let creds: Vec<Value> = a
        .secrets
        .iter()
        .map(|s| {
            json!({
                "keyId": s.key_id, "displayName": s.display_name, "endDateTime": iso(s.expires),
                "hint": s.value.chars().take(3).collect::<String>(), "secretText": null,
            })
        })
        .collect();
    // Graph never returns a certificate's key on a read.
    let keys: Vec<Value> = a
        .certificates
        .iter()
        .map(|c| {
            json!({
                "keyId": c.key_id, "displayName": c.display_name, "endDateTime": iso(c.expires),
                "type": "AsymmetricX509Cert", "usage": "Verify", "key": null,
                "customKeyIdentifier": thumbprint(c),
            })
        })
        .collect();
    json!({
        "keyCredentials": keys,
        "id": a.object_id, "appId": a.client_id, "displayName": a.display_name,
        "signInAudience": "AzureADMyOrg", "isFallbackPublicClient": a.public_client,
        "publicClient": { "redirectUris": a.redirect_uris }, "passwordCredentials": creds,
        "requiredResourceAccess": a.required_resource_access,
    })
}

pub(super) async fn create_application(
    State(state): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, APP_WRITE)?;
    let name = body["displayName"]
        .as_str()
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| bad("displayName is required."))?;
    with_tenant(&state, tenant, |t| {
        let redirects = body["publicClient"]["redirectUris"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|u| u.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let app = App {
            client_id: Uuid::new_v4(),
            object_id: Uuid::new_v4(),
            service_principal_id: Uuid::new_v4(),
            has_service_principal: false,
            display_name: name.to_string(),
            public_client: body["isFallbackPublicClient"].as_bool().unwrap_or(false),
            redirect_uris: redirects,
            disabled: false,
            secrets: vec![],
            certificates: vec![],
            admin_consented_scopes: vec![],
            application_permissions: vec![],
            required_resource_access: body["requiredResourceAccess"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        };
        let out = application_json(&app);
        t.apps.push(app);
        Ok((StatusCode::CREATED, Json(out)).into_response())
    })
}

/// `{id}` is the object ID, or `(appId='…')` as Graph's alternate key.
pub(super) fn find_app_mut<'t>(t: &'t mut Tenant, id: &str) -> Option<&'t mut App> {
    let by_app_id = id
        .strip_prefix("(appId='")
        .and_then(|s| s.strip_suffix("')"));
    t.apps.iter_mut().find(|a| match by_app_id {
        Some(app_id) => a.client_id.to_string().eq_ignore_ascii_case(app_id),
        None => a.object_id.to_string().eq_ignore_ascii_case(id),
    })
}

pub(super) async fn get_application(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, APP_READ)?;
    let context = format!(
        "{}/v1.0/$metadata#applications/$entity",
        crate::entra::base_url(&headers, "https")
    );
    with_tenant(&state, tenant, |t| {
        let app = find_app_mut(t, &id).ok_or_else(|| not_found(&id))?;
        let mut out = application_json(app);
        out["@odata.context"] = json!(context);
        Ok(Json(out).into_response())
    })
}

pub(super) async fn list_applications(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, APP_READ)?;
    let filter = q.get("$filter").map(String::as_str).unwrap_or_default();
    with_tenant(&state, tenant, |t| {
        let value: Vec<Value> = t
            .apps
            .iter()
            .filter(|a| {
                matches_filter(
                    filter,
                    &[
                        ("appId", a.client_id.to_string()),
                        ("displayName", a.display_name.clone()),
                    ],
                )
            })
            .map(application_json)
            .collect();
        Ok(collection(&headers, "applications", value))
    })
}

pub(super) async fn add_password(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, APP_WRITE)?;
    let cred = &body["passwordCredential"];
    let now = OffsetDateTime::now_utc();
    let expires = match cred["endDateTime"].as_str() {
        Some(text) => OffsetDateTime::parse(text, &Rfc3339)
            .map_err(|_| bad("endDateTime is not a valid date."))?,
        None => now + time::Duration::days(730),
    };
    with_tenant(&state, tenant, |t| {
        super::policies::refuse_lifetime(t, true, expires)?;
        let app = find_app_mut(t, &id).ok_or_else(|| not_found(&id))?;
        let mut raw = [0u8; 30];
        rand::rng().fill(&mut raw);
        let value = format!(
            "{}8Q~{}",
            &app.display_name
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(3)
                .collect::<String>(),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
        );
        let secret = Secret {
            key_id: Uuid::new_v4(),
            value: value.clone(),
            display_name: cred["displayName"].as_str().unwrap_or_default().to_string(),
            expires,
        };
        let out = json!({
            "customKeyIdentifier": null, "displayName": secret.display_name,
            "endDateTime": iso(expires),
            "hint": value.chars().take(3).collect::<String>(), "keyId": secret.key_id,
            "secretText": value, "startDateTime": iso(now),
        });
        app.secrets.push(secret);
        Ok(Json(out).into_response())
    })
}

/// `DELETE /applications/{id}`: the app goes, and with it its service principal in this
/// tenant (Entra deletes an application's service principal in its home tenant with it).
pub(super) async fn delete_application(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, APP_WRITE)?;
    with_tenant(&state, tenant, |t| {
        let app = find_app_mut(t, &id).ok_or_else(|| not_found(&id))?;
        let (object_id, sp) = (app.object_id, app.service_principal_id);
        t.apps.retain(|a| a.object_id != object_id);
        for g in &mut t.groups {
            g.members.retain(|m| *m != sp);
        }
        for w in &mut t.workspaces {
            w.members.retain(|m| m.principal != sp);
        }
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}

/// `POST /applications/{id}/removePassword` with `{"keyId": …}`: 204, or 404 for an unknown
/// Secret ID.
pub(super) async fn remove_password(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, APP_WRITE)?;
    let key = body["keyId"]
        .as_str()
        .and_then(|k| k.parse::<Uuid>().ok())
        .ok_or_else(|| bad("keyId is required."))?;
    with_tenant(&state, tenant, |t| {
        let app = find_app_mut(t, &id).ok_or_else(|| not_found(&id))?;
        let before = app.secrets.len();
        app.secrets.retain(|s| s.key_id != key);
        if app.secrets.len() == before {
            return Err(not_found(&key.to_string()));
        }
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}

/// `PATCH /applications/{id}`: only `keyCredentials`, which replaces the app's whole list, as in
/// Graph. An entry with a `key` (base64 DER) adds that certificate; one without a key keeps the
/// existing certificate with that `keyId`; any other is refused.
pub(super) async fn patch_application(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, APP_WRITE)?;
    if let Some(required) = body["requiredResourceAccess"].as_array() {
        with_tenant(&state, tenant, |t| {
            let app = find_app_mut(t, &id).ok_or_else(|| not_found(&id))?;
            app.required_resource_access = required.clone();
            Ok(())
        })?;
    }
    let Some(list) = body["keyCredentials"].as_array() else {
        if body["requiredResourceAccess"].is_array() {
            return Ok(StatusCode::NO_CONTENT.into_response());
        }
        return Err(bad(
            "fakecloud updates keyCredentials and requiredResourceAccess only.",
        ));
    };
    with_tenant(&state, tenant, |t| {
        let mut certificates = vec![];
        for k in list {
            let key_id = k["keyId"].as_str().and_then(|i| i.parse::<Uuid>().ok());
            match k["key"].as_str() {
                Some(_) => certificates.push(certificate_from(t, k, key_id)?),
                None => {
                    let app = find_app_mut(t, &id).ok_or_else(|| not_found(&id))?;
                    let kept = app
                        .certificates
                        .iter()
                        .find(|c| Some(c.key_id) == key_id)
                        .ok_or_else(|| {
                            bad("A key credential without a key must name one the app has.")
                        })?;
                    certificates.push(kept.clone());
                }
            }
        }
        let app = find_app_mut(t, &id).ok_or_else(|| not_found(&id))?;
        app.certificates = certificates;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}

/// A key credential's certificate (`key`: base64 DER), checked against the tenant's lifetime
/// policy.
pub(super) fn certificate_from(
    t: &Tenant,
    k: &Value,
    key_id: Option<Uuid>,
) -> Result<Certificate, super::GraphError> {
    let der = base64::engine::general_purpose::STANDARD
        .decode(k["key"].as_str().unwrap_or_default())
        .map_err(|_| bad("Invalid value specified for property 'key'."))?;
    let (_, cert) = x509_parser::parse_x509_certificate(&der)
        .map_err(|_| bad("Invalid value specified for property 'key'."))?;
    let expires = OffsetDateTime::from_unix_timestamp(cert.validity().not_after.timestamp())
        .map_err(|_| bad("Invalid certificate dates."))?;
    super::policies::refuse_lifetime(t, false, expires)?;
    Ok(Certificate {
        key_id: key_id.unwrap_or_else(Uuid::new_v4),
        display_name: k["displayName"].as_str().unwrap_or_default().into(),
        pem: pem(&der),
        expires,
    })
}

/// A certificate's SHA-1 thumbprint, upper-case hex: Graph's `customKeyIdentifier` for it.
pub(super) fn thumbprint(c: &Certificate) -> String {
    use sha1::Digest;
    let der = crate::assertion::pem_to_der(&c.pem).unwrap_or_default();
    sha1::Sha1::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

/// A certificate's DER as PEM, as a scenario keeps it.
fn pem(der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}
