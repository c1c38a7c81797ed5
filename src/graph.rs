//! Microsoft Graph: reading an app registration's secrets (never their values) to learn when
//! they expire, so Keyway can warn before a connection stops working.

use crate::auth::AuthError;
use crate::cloud::Cloud;
use crate::secret::{AccessToken, ClientSecret};
use serde::{Deserialize, Serialize};

/// One client secret of an app registration, as Graph describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretInfo {
    /// The Secret ID.
    pub key_id: String,
    /// Its name in the portal.
    #[serde(default)]
    pub display_name: Option<String>,
    /// The first characters of the value, as the portal shows them.
    #[serde(default)]
    pub hint: Option<String>,
    /// When it expires (ISO 8601).
    pub end_date_time: String,
}

impl SecretInfo {
    /// The expiry date, `YYYY-MM-DD`.
    pub fn expiry_date(&self) -> String {
        self.end_date_time.chars().take(10).collect()
    }
}

/// The secret that is the saved one (Graph shows a value's first characters as its hint), or
/// the soonest to expire when none matches or nothing is saved.
pub fn matching_secret<'a>(
    secrets: &'a [SecretInfo],
    saved: Option<&ClientSecret>,
) -> Option<&'a SecretInfo> {
    saved
        .and_then(|value| {
            secrets.iter().find(|s| {
                s.hint
                    .as_deref()
                    .is_some_and(|h| !h.is_empty() && value.expose().starts_with(h))
            })
        })
        .or_else(|| secrets.first())
}

/// The secrets of the app with this client ID, soonest expiry first. Needs a Graph token with
/// Application.Read.All (or an owner's access).
pub async fn app_secrets(
    http: &reqwest::Client,
    cloud: &Cloud,
    token: &AccessToken,
    client_id: &str,
) -> Result<Vec<SecretInfo>, AuthError> {
    // The ID goes inside an OData string literal: only a GUID may, so no quote can end it.
    let client_id = crate::validate::client_id(client_id).map_err(AuthError::Invalid)?;
    let url = format!("{}/v1.0/applications", cloud.graph);
    let res = http
        .get(&url)
        .query(&[
            ("$filter", format!("appId eq '{client_id}'")),
            ("$select", "appId,passwordCredentials".into()),
        ])
        .bearer_auth(token.expose())
        .send()
        .await
        .map_err(|e| AuthError::transport(&e, &url))?;
    let status = res.status().as_u16();
    let body: serde_json::Value = res
        .json()
        .await
        .map_err(|e| AuthError::transport(&e, &url))?;
    if status != 200 {
        return Err(AuthError::Unexpected {
            status,
            detail: body["error"]["message"]
                .as_str()
                .unwrap_or("Graph refused")
                .to_string(),
        });
    }
    let mut secrets: Vec<SecretInfo> = body["value"]
        .get(0)
        .and_then(|app| app["passwordCredentials"].as_array())
        .map(|a| {
            a.iter()
                .filter_map(|c| serde_json::from_value(c.clone()).ok())
                .collect()
        })
        .unwrap_or_default();
    secrets.sort_by(|a, b| a.end_date_time.cmp(&b.end_date_time));
    Ok(secrets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(key: &str, hint: Option<&str>, end: &str) -> SecretInfo {
        SecretInfo {
            key_id: key.into(),
            display_name: None,
            hint: hint.map(str::to_string),
            end_date_time: end.into(),
        }
    }

    #[test]
    fn the_saved_secret_is_found_by_its_hint_else_the_soonest() {
        let secrets = [
            info("a", Some("Ab1"), "2027-01-31T10:00:00Z"),
            info("b", Some("Emb"), "2027-06-30T10:00:00Z"),
            info("c", None, "2028-01-01T00:00:00Z"),
        ];
        let saved = ClientSecret::new("Emb8Q~current.secret-value");
        let found = matching_secret(&secrets, Some(&saved)).map(|s| s.key_id.as_str());
        assert_eq!(found, Some("b"));
        let other = ClientSecret::new("Zz9Q~another");
        let found = matching_secret(&secrets, Some(&other)).map(|s| s.key_id.as_str());
        assert_eq!(found, Some("a"), "none matches: the soonest");
        assert_eq!(
            matching_secret(&secrets, None)
                .map(SecretInfo::expiry_date)
                .as_deref(),
            Some("2027-01-31")
        );
        assert!(matching_secret(&[], Some(&saved)).is_none());
    }
}
