//! Device-code sign-in (RFC 8628): the person types a short code on any device while Keyway
//! polls. Polling, `slow_down` and expiry are handled by the `oauth2` crate; the sleep is
//! injected so tests do not wait, and the flow can be cancelled.

use super::error::{AuthError, EntraError, EntraErrorBody};
use super::token::{Claims, Token};
use super::SignIn;
use crate::clock::now;
use crate::retry::RetryPolicy;
use crate::secret::{AccessToken, RefreshToken};
use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, ClientId, DeviceAuthorizationUrl, RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use oauth2::{
    DeviceAuthorizationResponse, DeviceCodeErrorResponseType, ExtraDeviceAuthorizationFields,
};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// What to show the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCodeInfo {
    /// The code to type.
    pub user_code: String,
    /// Where to type it.
    pub verification_uri: String,
    /// Seconds until the code expires.
    pub expires_in: u64,
    /// Microsoft's own instruction text.
    pub message: Option<String>,
}

/// Entra adds a ready-made `message` to the device authorization response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EntraDeviceFields {
    #[serde(default)]
    message: Option<String>,
}
impl ExtraDeviceAuthorizationFields for EntraDeviceFields {}

/// Adapts Keyway's reqwest client to the `oauth2` crate. Every request it sends is a token or
/// device-code request, safe to repeat after 429 or 503.
pub(crate) async fn send(
    http: reqwest::Client,
    retry: RetryPolicy,
    req: oauth2::HttpRequest,
) -> Result<oauth2::HttpResponse, reqwest::Error> {
    let (parts, body) = req.into_parts();
    let build = || {
        http.request(parts.method.clone(), parts.uri.to_string())
            .headers(parts.headers.clone())
            .body(body.clone())
    };
    let what = super::sign_in_service(&parts.uri.to_string());
    let res = crate::retry::send(&retry, &what, || build().send()).await?;
    let status = res.status();
    let mut out = oauth2::HttpResponse::new(res.bytes().await?.to_vec());
    *out.status_mut() = status;
    Ok(out)
}

/// Turns an `oauth2` token response into Keyway's.
pub(crate) fn from_oauth2<T: TokenResponse>(t: &T) -> Token {
    let access = t.access_token().secret().to_string();
    let claims = Claims::decode(&access);
    Token {
        token_type: "Bearer".into(),
        expires_on: t
            .expires_in()
            .map(|d| now() + d.as_secs() as i64)
            .or(claims.expires_on)
            .unwrap_or_else(now),
        access_token: AccessToken::new(access),
        refresh_token: t.refresh_token().map(|r| RefreshToken::new(r.secret())),
        claims,
    }
}

/// Maps the `oauth2` crate's error, keeping Entra's AADSTS code and IDs from the description.
pub(crate) fn from_request_error<RE: std::error::Error + 'static, T: oauth2::ErrorResponse>(
    err: RequestTokenError<RE, T>,
    url: &str,
) -> AuthError {
    match err {
        RequestTokenError::ServerResponse(body) => {
            let json = serde_json::to_value(&body).unwrap_or_default();
            let parsed: EntraErrorBody = serde_json::from_value(json).unwrap_or_default();
            AuthError::Entra(Box::new(EntraError::from_body(400, &parsed))).from_host(url)
        }
        RequestTokenError::Request(e) => {
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            while let Some(s) = source {
                if let Some(re) = s.downcast_ref::<reqwest::Error>() {
                    return AuthError::transport(re, url);
                }
                source = s.source();
            }
            AuthError::Transport {
                kind: super::TransportKind::Other,
                message: e.to_string(),
            }
        }
        RequestTokenError::Parse(e, body) => AuthError::Unexpected {
            status: 200,
            detail: format!(
                "{e}: {}",
                String::from_utf8_lossy(&body[..body.len().min(200)])
            ),
        },
        RequestTokenError::Other(s) => AuthError::Unexpected {
            status: 0,
            detail: s,
        },
    }
}

impl SignIn<'_> {
    /// The device-code endpoint.
    pub fn device_code_url(&self) -> String {
        format!(
            "{}/{}/oauth2/v2.0/devicecode",
            self.cloud.authority_host, self.tenant
        )
    }

    /// Signs a person in with a device code: `on_code` gets the code to show; then polls until
    /// the person finishes, declines, the code expires, or `cancel` fires.
    pub async fn device_code<S, SF>(
        &self,
        on_code: impl FnOnce(&DeviceCodeInfo),
        sleep: S,
        cancel: CancellationToken,
    ) -> Result<Token, AuthError>
    where
        S: Fn(Duration) -> SF,
        SF: Future<Output = ()>,
    {
        let bad_url = |e: oauth2::url::ParseError| AuthError::Unexpected {
            status: 0,
            detail: e.to_string(),
        };
        let client = BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_auth_type(AuthType::RequestBody)
            .set_device_authorization_url(
                DeviceAuthorizationUrl::new(self.device_code_url()).map_err(bad_url)?,
            )
            .set_token_uri(TokenUrl::new(self.token_url()).map_err(bad_url)?);
        let (reqwest_client, retry) = (self.http.clone(), self.retry.clone());
        let http = move |req| send(reqwest_client.clone(), retry.clone(), req);
        let scopes = self
            .user_scope()
            .split_whitespace()
            .map(|s| Scope::new(s.to_string()))
            .collect::<Vec<_>>();
        let start = client
            .exchange_device_code()
            .add_scopes(scopes)
            .request_async(&http);
        let details: DeviceAuthorizationResponse<EntraDeviceFields> = tokio::select! {
            r = start => r.map_err(|e| from_request_error(e, &self.device_code_url()))?,
            _ = cancel.cancelled() => return Err(AuthError::Cancelled),
        };
        let expires_in = details.expires_in();
        on_code(&DeviceCodeInfo {
            user_code: details.user_code().secret().to_string(),
            verification_uri: details.verification_uri().to_string(),
            expires_in: expires_in.as_secs(),
            // Entra's own sentence, printed as it is: cleaned of control characters first.
            message: crate::text::clean_opt(details.extra_fields().message.clone()),
        });
        let poll = client.exchange_device_access_token(&details).request_async(
            &http,
            sleep,
            Some(expires_in),
        );
        let result = tokio::select! {
            r = poll => r,
            _ = cancel.cancelled() => return Err(AuthError::Cancelled),
        };
        match result {
            Ok(t) => Ok(from_oauth2(&t)),
            Err(RequestTokenError::ServerResponse(body)) => match body.error() {
                DeviceCodeErrorResponseType::ExpiredToken => Err(AuthError::Expired),
                DeviceCodeErrorResponseType::AccessDenied => Err(AuthError::Declined(
                    body.error_description().cloned().unwrap_or_default(),
                )),
                DeviceCodeErrorResponseType::Basic(
                    oauth2::basic::BasicErrorResponseType::Extension(e),
                ) if e == "authorization_declined" => Err(AuthError::Declined(
                    body.error_description()
                        .and_then(|d| d.split(['\r', '\n']).next().map(str::to_string))
                        .unwrap_or_default(),
                )),
                _ => Err(from_request_error(
                    RequestTokenError::<reqwest::Error, _>::ServerResponse(body),
                    &self.token_url(),
                )),
            },
            Err(RequestTokenError::Other(s))
                if s.to_ascii_lowercase().contains("timed out") || s.contains("expired") =>
            {
                Err(AuthError::Expired)
            }
            Err(e) => Err(from_request_error(e, &self.token_url())),
        }
    }
}
