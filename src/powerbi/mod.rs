//! The Power BI REST API as Keyway uses it: a few calls, each answer kept whole as evidence.

pub mod ladder;
mod path;

pub use path::ApiPath;

use crate::auth::error::AuthError;
use crate::cloud::Cloud;
use crate::diagnose::{self, clean_opt, Answer, Context, Explanation};
use crate::retry::{self, OnWait, RetryPolicy};
use crate::secret::AccessToken;
use serde::Serialize;
use serde_json::Value;

/// Asks whoever signed in for a new access token (`None`: none can be had without a person).
pub type RenewRequest = tokio::sync::oneshot::Sender<Option<AccessToken>>;

/// A signed-in caller of the Power BI and Fabric APIs. Clones share the token: when Power BI
/// says it has expired (403 `TokenExpired`) in the middle of the checks, one new token is asked
/// for, every call goes on with it, and the call that hit the expiry is sent once more.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    powerbi: String,
    fabric: Option<String>,
    /// The token, with a generation that counts renewals.
    token: std::sync::Arc<std::sync::Mutex<(u64, AccessToken)>>,
    renewing: std::sync::Arc<tokio::sync::Mutex<()>>,
    renew: Option<tokio::sync::mpsc::Sender<RenewRequest>>,
    retry: RetryPolicy,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api")
            .field("powerbi", &self.powerbi)
            .field("fabric", &self.fabric)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// One call and what came back.
#[derive(Debug, Clone)]
pub struct Probe {
    /// `GET /v1.0/myorg/groups`.
    pub request: String,
    /// The answer, when one came.
    pub answer: Option<Answer>,
    /// Why no answer came.
    pub transport: Option<AuthError>,
}

/// What a probe shows, for a person and a support report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// Method and path (no host, no token).
    pub request: String,
    /// HTTP status, or none when the network failed.
    pub http_status: Option<u16>,
    /// Power BI's, Fabric's or Entra's error code, or the transport failure's code.
    pub code: Option<String>,
    /// Power BI's request ID.
    pub request_id: Option<String>,
    /// Power BI's `X-PowerBI-Error-Info` header.
    pub error_info: Option<String>,
}

impl Probe {
    /// Whether the call succeeded (2xx).
    pub fn ok(&self) -> bool {
        self.status().is_some_and(|s| (200..300).contains(&s))
    }

    /// The HTTP status, when an answer came.
    pub fn status(&self) -> Option<u16> {
        self.answer.as_ref().and_then(|a| a.status)
    }

    /// The answer's body as JSON (`Null` when none or not JSON).
    pub fn json(&self) -> Value {
        self.answer
            .as_ref()
            .and_then(|a| serde_json::from_str(&a.body).ok())
            .unwrap_or(Value::Null)
    }

    /// A response header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.answer.as_ref().and_then(|a| a.header(name))
    }

    /// Power BI said the access token has expired (403 `TokenExpired`; Power BI uses 403 here,
    /// not 401).
    pub fn token_expired(&self) -> bool {
        self.status() == Some(403)
            && (self.json()["error"]["code"] == "TokenExpired"
                || self.header("X-PowerBI-Error-Info") == Some("TokenExpired"))
    }

    /// Power BI refused because of the service-principal tenant switch.
    pub fn refused_by_switch(&self) -> bool {
        self.status() == Some(401)
            && (self.header("X-PowerBI-Error-Info")
                == Some("ServicePrincipalIsNotAllowedByTenantAdminSwitch")
                || self.json()["error"]["code"]
                    == "ServicePrincipalIsNotAllowedByTenantAdminSwitch")
    }

    /// The failure explained from the catalogue.
    pub fn explain(&self, ctx: &Context) -> Explanation {
        match (&self.answer, &self.transport) {
            (Some(a), _) => diagnose::explain_answer(a, ctx),
            (None, Some(e)) => diagnose::explain_auth_error(e, ctx),
            (None, None) => diagnose::explain_text("", ctx),
        }
    }

    /// The evidence to show.
    pub fn evidence(&self) -> Evidence {
        let code = match (&self.answer, &self.transport) {
            (_, Some(e)) => Some(e.code()),
            (Some(_), None) if self.ok() => None,
            (Some(_), None) => {
                let j = self.json();
                j["error"]["code"]
                    .as_str()
                    .or_else(|| j["errorCode"].as_str())
                    .map(str::to_string)
            }
            (None, None) => None,
        };
        // The server's words, cleaned of control characters before anyone prints them.
        let header = |name| clean_opt(self.header(name).map(str::to_string));
        Evidence {
            request: self.request.clone(),
            http_status: self.status(),
            code: clean_opt(code),
            request_id: header("RequestId"),
            error_info: header("X-PowerBI-Error-Info"),
        }
    }
}

impl Api {
    /// A caller of this cloud's APIs with this access token.
    pub fn new(http: &reqwest::Client, cloud: &Cloud, token: AccessToken) -> Api {
        Api {
            http: http.clone(),
            powerbi: cloud.powerbi_api.trim_end_matches('/').to_string(),
            fabric: cloud
                .fabric_api
                .as_ref()
                .map(|f| f.trim_end_matches('/').to_string()),
            token: std::sync::Arc::new(std::sync::Mutex::new((0, token))),
            renewing: std::sync::Arc::default(),
            renew: None,
            retry: RetryPolicy::default(),
        }
    }

    /// The same caller, asking `renew` for a new token when Power BI says it has expired.
    pub fn renewing_with(mut self, renew: tokio::sync::mpsc::Sender<RenewRequest>) -> Api {
        self.renew = Some(renew);
        self
    }

    fn current_token(&self) -> (u64, AccessToken) {
        self.token.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Replaces the token that expired (generation `stale`), unless another call already did.
    /// Whether there is a newer token to try.
    async fn renew_token(&self, stale: u64) -> bool {
        let Some(renew) = &self.renew else {
            return false;
        };
        let _one_at_a_time = self.renewing.lock().await;
        if self.current_token().0 != stale {
            return true;
        }
        let (reply, answer) = tokio::sync::oneshot::channel();
        if renew.send(reply).await.is_err() {
            return false;
        }
        let Ok(Some(fresh)) = answer.await else {
            return false;
        };
        tracing::info!("access token renewed after Power BI said it had expired");
        let mut token = self.token.lock().unwrap_or_else(|e| e.into_inner());
        *token = (stale + 1, fresh);
        true
    }

    /// The same caller, waiting out 429 and 503 by this policy (tests inject their sleep).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Api {
        self.retry = retry;
        self
    }

    /// The same caller, telling `on_wait` before each wait.
    pub fn on_wait(mut self, on_wait: OnWait) -> Api {
        self.retry.on_wait = Some(on_wait);
        self
    }

    /// A Power BI call: `path` starts with `/v1.0/myorg/`. GETs are repeated after 429 or 503
    /// (see [`crate::retry`]); other methods are sent once, as they may create something.
    /// Values in the path are each one encoded segment ([`ApiPath`]); a path with a value that
    /// can't be one is not sent, and the probe says why.
    pub async fn powerbi(
        &self,
        method: reqwest::Method,
        path: impl Into<ApiPath>,
        body: Option<Value>,
    ) -> Probe {
        let repeat = method == reqwest::Method::GET;
        self.powerbi_call(method, path.into(), body, repeat).await
    }

    /// A Power BI call the caller knows is safe to repeat even though it is a POST, such as
    /// GenerateToken (it only issues a token): repeated after 429 or 503 like a GET.
    pub async fn powerbi_repeatable(
        &self,
        method: reqwest::Method,
        path: impl Into<ApiPath>,
        body: Option<Value>,
    ) -> Probe {
        self.powerbi_call(method, path.into(), body, true).await
    }

    async fn powerbi_call(
        &self,
        method: reqwest::Method,
        path: ApiPath,
        body: Option<Value>,
        repeat: bool,
    ) -> Probe {
        match path.as_result() {
            Ok(path) => {
                let url = format!("{}{path}", self.powerbi);
                self.call(method, &url, path, body, repeat, "Power BI")
                    .await
            }
            Err(problem) => Probe {
                request: format!("{method} (not sent)"),
                answer: None,
                transport: Some(AuthError::Invalid(problem.clone())),
            },
        }
    }

    /// A Fabric call: `path` is under the Fabric API base, e.g. `/admin/tenantsettings`.
    pub async fn fabric(&self, path: &str) -> Option<Probe> {
        let base = self.fabric.as_ref()?;
        let url = format!("{base}{path}");
        let shown = reqwest::Url::parse(&url)
            .map(|u| u.path().to_string())
            .unwrap_or_else(|_| path.to_string());
        Some(
            self.call(reqwest::Method::GET, &url, &shown, None, true, "Fabric")
                .await,
        )
    }

    async fn call(
        &self,
        method: reqwest::Method,
        url: &str,
        shown: &str,
        body: Option<Value>,
        repeat: bool,
        what: &str,
    ) -> Probe {
        let (generation, token) = self.current_token();
        let probe = self
            .send(&method, url, shown, body.as_ref(), repeat, what, &token)
            .await;
        if probe.token_expired() && self.renew_token(generation).await {
            let (_, token) = self.current_token();
            return self
                .send(&method, url, shown, body.as_ref(), repeat, what, &token)
                .await;
        }
        probe
    }

    #[allow(clippy::too_many_arguments)]
    async fn send(
        &self,
        method: &reqwest::Method,
        url: &str,
        shown: &str,
        body: Option<&Value>,
        repeat: bool,
        what: &str,
        token: &AccessToken,
    ) -> Probe {
        let request = format!("{method} {shown}");
        let build = || {
            let req = self
                .http
                .request(method.clone(), url)
                .bearer_auth(token.expose());
            match body {
                Some(b) => req.json(b),
                None => req,
            }
        };
        let result = async {
            let res = if repeat {
                retry::send(&self.retry, what, || build().send()).await?
            } else {
                build().send().await?
            };
            Answer::read(res).await
        }
        .await;
        match result {
            Ok(answer) => Probe {
                request,
                answer: Some(answer),
                transport: None,
            },
            Err(e) => Probe {
                request,
                answer: None,
                transport: Some(AuthError::transport(&e, url)),
            },
        }
    }
}
