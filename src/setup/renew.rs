//! Renewing a saved connection's client secret or certificate: add a new one, prove it signs
//! in, keep it, and only then remove the old one — append, prove, remove — so the connection
//! never stops working. A certificate is added and removed with Graph's `addKey` and
//! `removeKey`, each proved by a certificate the app already has.

use super::calls::Admin;
use crate::auth::certificate::ClientCertificate;
use crate::diagnose::Explanation;
use crate::graph::SecretInfo;
use crate::secret::{CertificateKey, ClientSecret};
use reqwest::Method;
use serde_json::{json, Value};

/// A new client secret, and what the app had before it.
#[derive(Debug)]
pub struct NewSecret {
    /// The app's object ID.
    pub object_id: String,
    /// The new secret's value.
    pub secret: ClientSecret,
    /// Its Secret ID.
    pub key_id: String,
    /// When it expires, `YYYY-MM-DD`.
    pub expires: String,
    /// The app's secrets before this one (never their values).
    pub before: Vec<SecretInfo>,
}

/// Which old secret is the saved one: the single one whose hint (its first characters, as Graph
/// shows them) the saved value starts with. None when no secret or more than one could be it:
/// then nothing is removed, as another system may be using it.
pub fn old_secret<'a>(before: &'a [SecretInfo], saved: &ClientSecret) -> Option<&'a SecretInfo> {
    let mut matching = before.iter().filter(|s| {
        s.hint
            .as_deref()
            .is_some_and(|h| !h.is_empty() && saved.expose().starts_with(h))
    });
    match (matching.next(), matching.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// A new certificate added to an app, and the old one it replaces.
#[derive(Debug)]
pub struct NewCertificate {
    /// The app's object ID.
    pub object_id: String,
    /// The new certificate and its private key.
    pub kept: CertificateKey,
    /// Its key ID in the app.
    pub key_id: String,
    /// When it expires, `YYYY-MM-DD`.
    pub expires: String,
    /// The key ID of the saved (old) certificate, found by its thumbprint; none if the app does
    /// not list it.
    pub old_key_id: Option<String>,
}

fn unusable(e: crate::auth::error::AuthError) -> Explanation {
    Explanation::new(
        "CERTIFICATE_NOT_SAVED",
        "The saved certificate can't be used",
        format!("The certificate kept in the keyring could not be read ({e})."),
        vec!["Set the connection up again, or sign it in with a certificate file.".into()],
    )
}

impl Admin {
    /// Adds a new certificate, valid for `months`, to the app with this client ID, proving
    /// possession with the saved certificate `old`.
    pub async fn add_certificate(
        &self,
        client_id: &str,
        old: &CertificateKey,
        months: u32,
    ) -> Result<NewCertificate, Explanation> {
        let app = self.read_app(client_id).await?;
        let object_id = app["id"].as_str().unwrap_or_default().to_string();
        let now = time::OffsetDateTime::now_utc();
        let signer = ClientCertificate::from_kept(old, now.unix_timestamp()).map_err(unusable)?;
        let old_key_id = app["keyCredentials"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|k| {
                k["customKeyIdentifier"]
                    .as_str()
                    .is_some_and(|t| t.eq_ignore_ascii_case(&signer.thumbprint_sha1))
            })
            .and_then(|k| k["keyId"].as_str().map(str::to_string));
        let name = app["displayName"].as_str().unwrap_or("Keyway app");
        let made = super::make_certificate(name, months, now)?;
        let proof = signer
            .proof_of_possession(&object_id, now.unix_timestamp())
            .map_err(unusable)?;
        let body = json!({ "keyCredential": { "type": "AsymmetricX509Cert", "usage": "Verify",
            "key": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &made.der),
            "displayName": "Keyway" }, "passwordCredential": null, "proof": proof });
        let url = self.graph_url(&format!("applications/{object_id}/addKey"));
        let added = match self.call(Method::POST, &url, &[], Some(body), true).await {
            Ok(v) => v,
            Err(x) => {
                return Err(self
                    .with_longest_allowed(x, super::Credential::Certificate)
                    .await)
            }
        };
        Ok(NewCertificate {
            object_id,
            kept: made.kept,
            key_id: added["keyId"].as_str().unwrap_or_default().to_string(),
            expires: made.expires,
            old_key_id,
        })
    }

    /// Removes one certificate, by its key ID, proving possession with `signer` (a certificate
    /// the app keeps).
    pub async fn remove_certificate(
        &self,
        object_id: &str,
        key_id: &str,
        signer: &CertificateKey,
    ) -> Result<(), Explanation> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let proof = ClientCertificate::from_kept(signer, now)
            .and_then(|c| c.proof_of_possession(object_id, now))
            .map_err(unusable)?;
        let url = self.graph_url(&format!("applications/{object_id}/removeKey"));
        let body = json!({ "keyId": key_id, "proof": proof });
        self.call(Method::POST, &url, &[], Some(body), true).await?;
        Ok(())
    }

    /// The app registration with this client ID, as Graph reads it (its secrets' and
    /// certificates' details, never their values or keys).
    pub async fn read_app(&self, client_id: &str) -> Result<Value, Explanation> {
        let client_id = crate::validate::client_id(client_id)?;
        self.find("applications", "appId", &client_id)
            .await?
            .ok_or_else(|| {
                Explanation::new(
                    "SETUP_APP_NOT_FOUND",
                    "The app registration was not found",
                    format!(
                        "No app with client ID {client_id} is registered in this organisation."
                    ),
                    vec!["Check the saved connection's tenant and client ID.".into()],
                )
            })
    }

    /// Adds a client secret valid for `months` to the app with this client ID.
    pub async fn add_secret(&self, client_id: &str, months: u32) -> Result<NewSecret, Explanation> {
        let app = self.read_app(client_id).await?;
        let object_id = app["id"].as_str().unwrap_or_default().to_string();
        let before: Vec<SecretInfo> = app["passwordCredentials"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| serde_json::from_value(c.clone()).ok())
            .collect();
        let (secret, expires, key_id) = self.add_password(&object_id, months).await?;
        Ok(NewSecret {
            object_id,
            secret,
            key_id,
            expires,
            before,
        })
    }

    /// Removes one client secret, by its Secret ID.
    pub async fn remove_secret(&self, object_id: &str, key_id: &str) -> Result<(), Explanation> {
        let url = self.graph_url(&format!("applications/{object_id}/removePassword"));
        let body: Value = json!({ "keyId": key_id });
        self.call(Method::POST, &url, &[], Some(body), true).await?;
        Ok(())
    }
}
