//! Entra ID error responses, in the exact body shape and status real clients parse.
//!
//! `{ error,
//!    error_description: "AADSTSn: msg\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …",
//!    error_codes: [n], timestamp, trace_id, correlation_id, error_uri, suberror? }`
//! (shared/reference/entra-powerbi-facts.json, `error_format`).

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use time::OffsetDateTime;
use uuid::Uuid;

/// One Entra error, ready to send.
#[derive(Debug, Clone)]
pub struct EntraError {
    /// HTTP status.
    pub status: StatusCode,
    /// OAuth `error` value.
    pub error: &'static str,
    /// The AADSTS number.
    pub code: u32,
    /// The message after `AADSTSn: `.
    pub message: String,
    /// Optional `suberror`.
    pub suberror: Option<&'static str>,
    /// Correlation ID to echo (the client's `client-request-id`), else a new one.
    pub correlation_id: Option<String>,
}

impl EntraError {
    /// An error with a status, an OAuth error value, an AADSTS code and a message.
    pub fn new(status: u16, error: &'static str, code: u32, message: impl Into<String>) -> Self {
        EntraError {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            error,
            code,
            message: message.into(),
            suberror: None,
            correlation_id: None,
        }
    }

    /// Adds a `suberror`.
    pub fn suberror(mut self, s: &'static str) -> Self {
        self.suberror = Some(s);
        self
    }

    /// The JSON body, with fresh trace ID and timestamp.
    pub fn body(&self) -> Value {
        let now = OffsetDateTime::now_utc();
        let timestamp = format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}Z",
            now.year(),
            u8::from(now.month()),
            now.day(),
            now.hour(),
            now.minute(),
            now.second()
        );
        let trace_id = Uuid::new_v4().to_string();
        let correlation_id = self
            .correlation_id
            .clone()
            .unwrap_or_else(|| Uuid::new_v4().to_string());
        let mut body = json!({
            "error": self.error,
            "error_description": format!(
                "AADSTS{}: {}\r\nTrace ID: {trace_id}\r\n\
                 Correlation ID: {correlation_id}\r\nTimestamp: {timestamp}",
                self.code, self.message
            ),
            "error_codes": [self.code],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": format!("https://login.microsoftonline.com/error?code={}", self.code),
        });
        if let Some(s) = self.suberror {
            body["suberror"] = json!(s);
        }
        body
    }

    /// Takes the correlation ID a client sent, as Entra echoes it.
    pub fn correlated(mut self, headers: &HeaderMap) -> Self {
        self.correlation_id = headers
            .get("client-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        self
    }
}

impl IntoResponse for EntraError {
    fn into_response(self) -> Response {
        let mut res = (self.status, Json(self.body())).into_response();
        res.headers_mut().insert(
            "cache-control",
            HeaderValue::from_static("no-store, no-cache"),
        );
        res
    }
}

/// The errors the model produces, by name, so handlers read like the rules they apply.
pub mod aadsts {
    use super::EntraError;

    pub fn tenant_not_found(tenant: &str) -> EntraError {
        EntraError::new(
            400,
            "invalid_tenant",
            90002,
            format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID \
                 and are signing into the correct cloud. Check with your subscription \
                 administrator, this may happen if there are no active subscriptions for the \
                 tenant."
            ),
        )
    }
    pub fn tenant_identifier_invalid(tenant: &str) -> EntraError {
        EntraError::new(
            400,
            "invalid_request",
            900023,
            format!(
                "Specified tenant identifier '{tenant}' is neither a valid DNS name, nor a valid \
                 external domain."
            ),
        )
    }
    pub fn app_not_found(client_id: &str, tenant: &str) -> EntraError {
        EntraError::new(
            400,
            "unauthorized_client",
            700016,
            format!(
                "Application with identifier '{client_id}' was not found in the directory \
                 '{tenant}'. This can happen if the application has not been installed by the \
                 administrator of the tenant or consented to by any user in the tenant. You may \
                 have sent your authentication request to the wrong tenant."
            ),
        )
    }
    pub fn invalid_secret(client_id: &str) -> EntraError {
        EntraError::new(
            401,
            "invalid_client",
            7000215,
            format!(
                "Invalid client secret provided. Ensure the secret being sent in the request is \
                 the client secret value, not the client secret ID, for a secret added to app \
                 '{client_id}'."
            ),
        )
    }
    pub fn expired_secret(client_id: &str) -> EntraError {
        EntraError::new(
            401,
            "invalid_client",
            7000222,
            format!("The provided client secret keys for app '{client_id}' are expired."),
        )
    }
    pub fn missing_credential() -> EntraError {
        EntraError::new(
            401,
            "invalid_client",
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or \
             'client_secret'.",
        )
    }
    pub fn app_disabled(client_id: &str, name: &str) -> EntraError {
        EntraError::new(
            400,
            "unauthorized_client",
            7000112,
            format!("Application '{client_id}'({name}) is disabled."),
        )
    }
    pub fn assertion_time(detail: &str) -> EntraError {
        EntraError::new(
            401,
            "invalid_client",
            700024,
            format!("Client assertion is not within its valid time range. {detail}"),
        )
    }
    pub fn assertion_signature() -> EntraError {
        EntraError::new(
            401,
            "invalid_client",
            700027,
            "Client assertion failed signature validation.",
        )
    }
    pub fn assertion_issuer() -> EntraError {
        EntraError::new(
            401,
            "invalid_client",
            700021,
            "Client assertion application identifier doesn't match 'client_id' parameter.",
        )
    }
    pub fn assertion_audience() -> EntraError {
        EntraError::new(
            401,
            "invalid_client",
            700023,
            "Client assertion audience claim does not match Realm issuer.",
        )
    }
    pub fn assertion_replayed() -> EntraError {
        EntraError::new(
            401,
            "invalid_client",
            700025,
            "Client assertion contains a token identifier (jti) that was already used.",
        )
    }
    pub fn invalid_scope(scope: &str) -> EntraError {
        EntraError::new(
            400,
            "invalid_scope",
            70011,
            format!(
                "The provided value for the input parameter 'scope' isn't valid. The scope \
                 {scope} isn't valid."
            ),
        )
    }
    pub fn resource_not_found(resource: &str, tenant: &str) -> EntraError {
        EntraError::new(
            400,
            "invalid_resource",
            500011,
            format!(
                "The resource principal named {resource} was not found in the tenant named \
                 {tenant}. This can happen if the application has not been installed by the \
                 administrator of the tenant or consented to by any user in the tenant."
            ),
        )
    }
    pub fn bad_password() -> EntraError {
        EntraError::new(
            400,
            "invalid_grant",
            50126,
            "Error validating credentials due to invalid username or password.",
        )
    }
    pub fn user_not_in_tenant(upn: &str) -> EntraError {
        EntraError::new(
            400,
            "invalid_grant",
            50034,
            format!(
                "The user account {upn} does not exist in the directory. To sign into this \
                 application, the account must be added to the directory."
            ),
        )
    }
    pub fn mfa_required() -> EntraError {
        EntraError::new(
            400,
            "invalid_grant",
            50076,
            "Due to a configuration change made by your administrator, or because you moved to \
             a new location, you must use multi-factor authentication to access \
             '00000009-0000-0000-c000-000000000000'.",
        )
        .suberror("basic_action")
    }
    pub fn locked() -> EntraError {
        EntraError::new(
            400,
            "invalid_grant",
            50053,
            "Your account is locked because you've tried to sign in too many times with an \
             incorrect user ID or password.",
        )
    }
    pub fn password_expired() -> EntraError {
        EntraError::new(400, "invalid_grant", 50055, "The password is expired.")
            .suberror("user_password_expired")
    }
    pub fn conditional_access() -> EntraError {
        EntraError::new(
            400,
            "interaction_required",
            53003,
            "Access has been blocked by Conditional Access policies. The access policy does not \
             allow token issuance.",
        )
        .suberror("message_only")
    }
    pub fn consent_required(client_id: &str, name: &str) -> EntraError {
        EntraError::new(
            400,
            "invalid_grant",
            65001,
            format!(
                "The user or administrator has not consented to use the application with ID \
                 '{client_id}' named '{name}'. Send an interactive authorization request for \
                 this user and resource."
            ),
        )
        .suberror("consent_required")
    }
    pub fn ropc_on_common() -> EntraError {
        EntraError::new(
            400,
            "invalid_request",
            9001023,
            "The grant type isn't supported over the /common or /consumers endpoints. Please \
             use the /organizations or tenant-specific endpoint.",
        )
    }
    pub fn missing_param(name: &str) -> EntraError {
        EntraError::new(
            400,
            "invalid_request",
            900144,
            format!("The request body must contain the following parameter: '{name}'."),
        )
    }
    pub fn unsupported_grant(grant: &str) -> EntraError {
        EntraError::new(
            400,
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{grant}'."),
        )
    }
    pub fn resource_on_v2() -> EntraError {
        EntraError::new(
            400,
            "invalid_request",
            901002,
            "The 'resource' request parameter is not supported.",
        )
    }
    pub fn bad_code() -> EntraError {
        EntraError::new(
            400,
            "invalid_grant",
            70008,
            "The provided authorization code or refresh token has expired due to inactivity. \
             Send a new interactive authorization request for this user and resource.",
        )
    }
    pub fn code_redeemed() -> EntraError {
        EntraError::new(
            400,
            "invalid_grant",
            54005,
            "OAuth2 Authorization code was already redeemed, please retry with a new valid \
             code or use an existing refresh token.",
        )
    }
    pub fn pkce_mismatch() -> EntraError {
        EntraError::new(
            400,
            "invalid_grant",
            501481,
            "The Code_Verifier does not match the code_challenge supplied in the authorization \
             request.",
        )
    }
    pub fn redirect_mismatch(uri: &str, client_id: &str) -> EntraError {
        EntraError::new(
            400,
            "invalid_request",
            50011,
            format!(
                "The redirect URI '{uri}' specified in the request does not match the redirect \
                 URIs configured for the application '{client_id}'. Make sure the redirect URI \
                 sent in the request matches one added to your application in the Azure portal."
            ),
        )
    }
    pub fn authorization_pending() -> EntraError {
        EntraError::new(
            400,
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        )
    }
    pub fn authorization_declined() -> EntraError {
        EntraError::new(
            400,
            "authorization_declined",
            70000,
            "The user declined to authorize the request.",
        )
    }
    pub fn device_code_expired() -> EntraError {
        EntraError::new(
            400,
            "expired_token",
            70020,
            "The provided value for the input parameter 'device_code' is not valid. This device \
             code has expired.",
        )
    }
    pub fn bad_device_code() -> EntraError {
        EntraError::new(
            400,
            "bad_verification_code",
            70019,
            "Verification code expired or not recognised.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_entras_shape() {
        let e = aadsts::invalid_secret("abc").body();
        assert_eq!(e["error"], "invalid_client");
        assert_eq!(e["error_codes"], json!([7000215]));
        let desc = e["error_description"].as_str().unwrap();
        assert!(desc.starts_with("AADSTS7000215: Invalid client secret provided."));
        let lines: Vec<&str> = desc.split("\r\n").collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(
            lines[1],
            format!("Trace ID: {}", e["trace_id"].as_str().unwrap())
        );
        assert!(lines[3].starts_with("Timestamp: ") && lines[3].ends_with('Z'));
        let ts = e["timestamp"].as_str().unwrap();
        assert_eq!(ts.len(), "2023-05-06 06:03:00Z".len());
        assert_eq!(&ts[10..11], " ");
        assert!(e.get("suberror").is_none());
        assert_eq!(aadsts::mfa_required().body()["suberror"], "basic_action");
    }
}
