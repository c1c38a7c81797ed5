//! `addKey` and `removeKey`: how an app's certificate is renewed without an administrator
//! rewriting its whole `keyCredentials` — each call carries a proof of possession signed with a
//! certificate the app already has (Microsoft Graph, "application: addKey" and "removeKey").

use super::applications::{certificate_from, find_app_mut, thumbprint, APP_WRITE};
use super::{admin_tenant, bad, iso, not_found, with_tenant, Answer};
use crate::state::Shared;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};
use time::OffsetDateTime;
use uuid::Uuid;

/// fakecloud's wording for a refused proof: our sources hold no text of Graph's own.
fn refused(why: String) -> super::GraphError {
    bad(&format!("Invalid proof of possession: {why}."))
}

/// `POST /applications/{id}/addKey` with `keyCredential`, `passwordCredential` (null for a
/// certificate) and `proof`; answers with the new key credential.
pub(super) async fn add_key(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, APP_WRITE)?;
    let proof = body["proof"].as_str().unwrap_or_default().to_string();
    let now = OffsetDateTime::now_utc();
    with_tenant(&state, tenant, |t| {
        let cert = certificate_from(t, &body["keyCredential"], None)?;
        let app = find_app_mut(t, &id).ok_or_else(|| not_found(&id))?;
        crate::assertion::verify_proof(app, &proof, now).map_err(refused)?;
        let out = json!({ "keyId": cert.key_id, "displayName": cert.display_name,
            "endDateTime": iso(cert.expires), "type": "AsymmetricX509Cert", "usage": "Verify",
            "key": null, "customKeyIdentifier": thumbprint(&cert) });
        app.certificates.push(cert);
        Ok((StatusCode::OK, Json(out)).into_response())
    })
}

/// `POST /applications/{id}/removeKey` with `keyId` and `proof`.
pub(super) async fn remove_key(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let tenant = admin_tenant(&state, &headers, APP_WRITE)?;
    let proof = body["proof"].as_str().unwrap_or_default().to_string();
    let key_id: Uuid = body["keyId"]
        .as_str()
        .and_then(|k| k.parse().ok())
        .ok_or_else(|| bad("keyId is required."))?;
    let now = OffsetDateTime::now_utc();
    with_tenant(&state, tenant, |t| {
        let app = find_app_mut(t, &id).ok_or_else(|| not_found(&id))?;
        crate::assertion::verify_proof(app, &proof, now).map_err(refused)?;
        let before = app.certificates.len();
        app.certificates.retain(|c| c.key_id != key_id);
        if app.certificates.len() == before {
            return Err(not_found(&key_id.to_string()));
        }
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}
