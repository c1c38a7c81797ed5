//! Microsoft Graph: reading an app registration's secrets (never their values) to learn when
//! they expire, so Keyway can warn before a connection stops working.

use crate::auth::AuthError;
use crate::cloud::Cloud;
use crate::secret::AccessToken;
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

/// The secrets of the app with this client ID, soonest expiry first. Needs a Graph token with
/// Application.Read.All (or an owner's access).
pub async fn app_secrets(
    http: &reqwest::Client,
    cloud: &Cloud,
    token: &AccessToken,
    client_id: &str,
) -> Result<Vec<SecretInfo>, AuthError> {
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
