//! Signing in to Entra ID for Power BI: every grant Keyway offers, on v2 and (where it exists)
//! v1 endpoints, in every cloud.
//!
//! [`SignIn`] holds what every grant needs (HTTP client, cloud, tenant, app); each method is one
//! grant. Token requests are built and read by pure functions ([`token::parse_token_response`]),
//! so parsing is tested on bytes; the browser and device-code flows use the `oauth2` crate for
//! PKCE, `state` and polling, with Entra's quirks kept in Keyway's own types.

pub mod browser;
pub mod callback;
pub mod certificate;
pub mod device;
pub mod error;
pub mod token;

use crate::clock::now;
use crate::cloud::Cloud;
use crate::retry::{self, RetryPolicy};
use crate::secret::{ClientSecret, Password, RefreshToken};
use crate::validate::{self, TenantUse};
use base64::Engine;
pub use certificate::{AssertionAlg, ClientCertificate};
pub use error::{AuthError, EntraError, TransportKind};
pub use token::{Claims, Token};

/// Which generation of Entra's endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EndpointVersion {
    /// `/oauth2/v2.0/…` with scopes: the current one.
    #[default]
    V2,
    /// `/oauth2/…` with `resource=`: what older guides and ADAL used.
    V1,
}

/// Scopes that make a user sign-in return a refresh token and an ID token.
const USER_OIDC_SCOPES: &str = "offline_access openid profile";

/// What every grant needs.
#[derive(Debug, Clone)]
pub struct SignIn<'a> {
    /// The HTTP client ([`crate::http::client`]).
    pub http: &'a reqwest::Client,
    /// The cloud, for its sign-in host and Power BI resource.
    pub cloud: &'a Cloud,
    /// Tenant ID or domain (or `organizations` for user sign-ins).
    pub tenant: String,
    /// Application (client) ID.
    pub client_id: String,
    /// v2 or v1.
    pub version: EndpointVersion,
    /// Delegated Power BI permissions to ask for, e.g. `Workspace.Read.All`; empty asks for
    /// everything consented (`.default`). Not used by app-only grants.
    pub scopes: Vec<String>,
    /// Send a client secret as HTTP Basic authentication (RFC 6749 §2.3.1) instead of in the
    /// body. Entra accepts both; some other servers only one.
    pub secret_in_header: bool,
    /// Where the browser is sent back to on this computer.
    pub loopback: Loopback,
    /// How token requests wait out 429 and 503 (a token request is safe to repeat), and who
    /// hears about each wait.
    pub retry: RetryPolicy,
}

/// Who asked Keyway to wait, in words: "Microsoft's sign-in service" for a built-in cloud's
/// host, otherwise that service named by its host, since it is not Microsoft's.
pub(crate) fn sign_in_service(url: &str) -> String {
    let host = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    let microsoft = crate::cloud::CloudId::BUILT_IN
        .iter()
        .filter_map(|id| Cloud::builtin(*id))
        .filter_map(|c| reqwest::Url::parse(&c.authority_host).ok())
        .any(|u| u.host_str() == Some(host.as_str()));
    if microsoft {
        "Microsoft's sign-in service".into()
    } else {
        format!("The sign-in service at {host}")
    }
}

/// The loopback redirect address: `http://{host}:{random port}{path}`. Entra's desktop apps
/// usually register `http://localhost`; RFC 8252 prefers `127.0.0.1`. Keyway always listens on
/// 127.0.0.1 only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loopback {
    /// `localhost` or `127.0.0.1`.
    pub host: String,
    /// The path, starting with `/`.
    pub path: String,
}

impl Default for Loopback {
    fn default() -> Self {
        Loopback {
            host: "localhost".into(),
            path: "/".into(),
        }
    }
}

impl<'a> SignIn<'a> {
    /// Checks the tenant and client ID as typed, for an app sign-in or a user sign-in.
    pub fn new(
        http: &'a reqwest::Client,
        cloud: &'a Cloud,
        tenant: &str,
        client_id: &str,
        usage: TenantUse,
    ) -> Result<Self, AuthError> {
        Ok(SignIn {
            http,
            cloud,
            tenant: validate::tenant(tenant, usage).map_err(AuthError::Invalid)?,
            client_id: validate::client_id(client_id).map_err(AuthError::Invalid)?,
            version: EndpointVersion::V2,
            scopes: vec![],
            secret_in_header: false,
            loopback: Loopback::default(),
            retry: RetryPolicy::default(),
        })
    }

    /// The token endpoint.
    pub fn token_url(&self) -> String {
        match self.version {
            EndpointVersion::V2 => format!(
                "{}/{}/oauth2/v2.0/token",
                self.cloud.authority_host, self.tenant
            ),
            EndpointVersion::V1 => {
                format!("{}/{}/oauth2/token", self.cloud.authority_host, self.tenant)
            }
        }
    }

    /// The v2 `scope` value for a user sign-in.
    pub fn user_scope(&self) -> String {
        let resource = &self.cloud.powerbi_resource;
        let asked: Vec<String> = if self.scopes.is_empty() {
            vec![format!("{resource}/.default")]
        } else {
            self.scopes
                .iter()
                .map(|s| format!("{resource}/{}", s.trim()))
                .collect()
        };
        format!("{} {USER_OIDC_SCOPES}", asked.join(" "))
    }

    /// The target of a request: `scope` on v2, `resource` on v1.
    fn target(&self, app_only: bool) -> (&'static str, String) {
        match (self.version, app_only) {
            (EndpointVersion::V1, _) => ("resource", self.cloud.powerbi_resource.clone()),
            (EndpointVersion::V2, true) => ("scope", self.cloud.powerbi_default_scope()),
            (EndpointVersion::V2, false) => ("scope", self.user_scope()),
        }
    }

    /// Sends a token request and reads the answer.
    async fn post_token(&self, form: &[(&str, &str)]) -> Result<Token, AuthError> {
        self.post_token_with(form, None).await
    }

    /// Sends a token request, with HTTP Basic client authentication when `basic` is given.
    async fn post_token_with(
        &self,
        form: &[(&str, &str)],
        basic: Option<(&str, &str)>,
    ) -> Result<Token, AuthError> {
        let url = self.token_url();
        let request_id = uuid::Uuid::new_v4().to_string();
        let build = || {
            let req = self
                .http
                .post(&url)
                .header("client-request-id", &request_id);
            match basic {
                Some((id, secret)) => {
                    req.header(reqwest::header::AUTHORIZATION, basic_auth(id, secret))
                }
                None => req,
            }
            .form(form)
        };
        let res = retry::send(&self.retry, &sign_in_service(&url), || build().send())
            .await
            .map_err(|e| AuthError::transport(&e, &url))?;
        let status = res.status().as_u16();
        // Still there when the answer is 429 or 503: the wait was longer than Keyway's limit.
        let retry_after = res
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry::retry_after_seconds(v, std::time::SystemTime::now()));
        let body = res
            .bytes()
            .await
            .map_err(|e| AuthError::transport(&e, &url))?;
        token::parse_token_response(status, &body, now())
            .map_err(|e| e.from_host(&url))
            .map_err(|e| match e {
                AuthError::Entra(mut entra) => {
                    entra.retry_after = retry_after;
                    AuthError::Entra(entra)
                }
                other => other,
            })
    }

    /// An app signs in as itself with a client secret (client credentials).
    pub async fn client_secret(&self, secret: &ClientSecret) -> Result<Token, AuthError> {
        validate::client_secret(secret.expose()).map_err(AuthError::Invalid)?;
        let (key, target) = self.target(true);
        let value = secret.expose().trim();
        if self.secret_in_header {
            return self
                .post_token_with(
                    &[("grant_type", "client_credentials"), (key, &target)],
                    Some((&self.client_id, value)),
                )
                .await;
        }
        self.post_token(&[
            ("grant_type", "client_credentials"),
            ("client_id", &self.client_id),
            ("client_secret", value),
            (key, &target),
        ])
        .await
    }

    /// An app signs in as itself with a certificate (a signed client assertion).
    pub async fn certificate(
        &self,
        cert: &ClientCertificate,
        alg: AssertionAlg,
    ) -> Result<Token, AuthError> {
        let assertion = cert.assertion(&self.client_id, &self.token_url(), alg, now())?;
        let (key, target) = self.target(true);
        self.post_token(&[
            ("grant_type", "client_credentials"),
            ("client_id", &self.client_id),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &assertion),
            (key, &target),
        ])
        .await
    }

    /// A user's name and password sent by the program (the "master user" of older guides).
    /// Fails for accounts that need multi-factor sign-in.
    pub async fn password(&self, username: &str, password: &Password) -> Result<Token, AuthError> {
        let username = validate::username(username).map_err(AuthError::Invalid)?;
        if self.tenant == "common" {
            return Err(AuthError::Invalid(validate::FieldProblem {
                field: "tenant",
                code: "TENANT_COMMON_FOR_PASSWORD",
                message: "Signing in with a password needs your organisation's tenant (or \
                          \"organizations\"), not \"common\"."
                    .into(),
            }));
        }
        let (key, target) = self.target(false);
        self.post_token(&[
            ("grant_type", "password"),
            ("client_id", &self.client_id),
            ("username", &username),
            ("password", password.expose()),
            (key, &target),
        ])
        .await
    }

    /// A new access token from a refresh token; the answer carries the refresh token to keep.
    pub async fn refresh(&self, refresh_token: &RefreshToken) -> Result<Token, AuthError> {
        let (key, target) = self.target(false);
        self.post_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", &self.client_id),
            ("refresh_token", refresh_token.expose()),
            (key, &target),
        ])
        .await
    }

    /// A new access token for the scope first granted, asking for no scope at all (RFC 6749 §6:
    /// an omitted scope means the original one). For servers that keep per-resource grants.
    pub async fn refresh_original_scope(
        &self,
        refresh_token: &RefreshToken,
    ) -> Result<Token, AuthError> {
        self.post_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", &self.client_id),
            ("refresh_token", refresh_token.expose()),
        ])
        .await
    }

    /// Whether a URL may be opened in the browser: https on this cloud's sign-in host (or its
    /// configured host, for a custom cloud).
    pub fn may_open(&self, url: &str) -> bool {
        let (Ok(u), Ok(allowed)) = (
            url::Url::parse(url),
            url::Url::parse(&self.cloud.authority_host),
        ) else {
            return false;
        };
        // Same origin as parsed (scheme, host, port), and private on the way there.
        u.origin() == allowed.origin() && crate::cloud::secure_transport(&u)
    }
}

/// HTTP Basic client authentication; RFC 6749 §2.3.1: both parts form-urlencoded before Base64.
fn basic_auth(id: &str, secret: &str) -> String {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let pair = format!("{}:{}", enc(id), enc(secret));
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_microsofts_hosts_are_called_microsofts() {
        let name = super::sign_in_service;
        assert_eq!(
            name("https://login.microsoftonline.us/t/oauth2/v2.0/token"),
            "Microsoft's sign-in service"
        );
        assert_eq!(
            name("https://login.microsoftonline.com.evil.example/t/oauth2/v2.0/token"),
            "The sign-in service at login.microsoftonline.com.evil.example"
        );
    }
}
