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

/// A signed-in caller of the Power BI and Fabric APIs.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    powerbi: String,
    fabric: Option<String>,
    token: AccessToken,
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
            token,
            retry: RetryPolicy::default(),
        }
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
        let request = format!("{method} {shown}");
        let build = || {
            let req = self
                .http
                .request(method.clone(), url)
                .bearer_auth(self.token.expose());
            match &body {
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
            let status = res.status().as_u16();
            let headers = res
                .headers()
                .iter()
                .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
                .collect();
            let body = res.text().await?;
            Ok::<_, reqwest::Error>(Answer {
                status: Some(status),
                headers,
                body,
            })
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
