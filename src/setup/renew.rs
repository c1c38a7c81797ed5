//! Renewing a saved connection's client secret: add a new one, prove it signs in, keep it, and
//! only then remove the old one — append, prove, remove — so the connection never stops working.

use super::calls::Admin;
use crate::diagnose::Explanation;
use crate::graph::SecretInfo;
use crate::secret::ClientSecret;
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

impl Admin {
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
