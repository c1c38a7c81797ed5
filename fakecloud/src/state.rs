//! What the running emulator remembers between requests.

use crate::scenario::Scenario;
use crate::tokens::SigningKey;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use uuid::Uuid;

/// Shared state behind every route.
pub struct State {
    /// The tenant model.
    pub scenario: RwLock<Scenario>,
    /// The token signing key.
    pub key: SigningKey,
    /// `jti`s of client assertions already used.
    pub used_jtis: Mutex<HashSet<String>>,
    /// Refresh tokens in circulation; each is replaced when used (rotation).
    pub refresh_tokens: Mutex<HashMap<String, UserSession>>,
    /// Device-code sign-ins waiting for, or given, the person's answer.
    pub device_flows: Mutex<Vec<DeviceFlow>>,
    /// Browser sign-ins between the authorize request and the code redemption.
    pub auth_requests: Mutex<Vec<AuthRequest>>,
    /// Faults to inject, first match wins.
    pub faults: Mutex<Vec<Fault>>,
    /// Admin scans (getInfo → scanStatus → scanResult).
    pub scans: Mutex<Vec<Scan>>,
    /// Seconds between device-code polls that the emulator asks for.
    pub device_interval: RwLock<u64>,
    /// How many coming device-code polls answer `slow_down` (RFC 8628 §3.5).
    pub slow_downs: Mutex<u32>,
    /// Every request seen, in order (no secret values).
    pub log: Mutex<Vec<LoggedRequest>>,
    /// Added delay before every answer.
    pub latency: RwLock<Duration>,
    /// Seconds the token endpoint's clock is ahead of this computer's (negative: behind), for
    /// clock skew on client assertions and device codes that run out.
    pub clock_offset: RwLock<i64>,
}

/// The handle routes receive.
pub type Shared = Arc<State>;

impl State {
    /// New state for a scenario.
    pub fn new(scenario: Scenario) -> anyhow::Result<Shared> {
        Ok(Arc::new(State {
            scenario: RwLock::new(scenario),
            key: SigningKey::generate()?,
            used_jtis: Mutex::new(HashSet::new()),
            refresh_tokens: Mutex::new(HashMap::new()),
            device_flows: Mutex::new(Vec::new()),
            auth_requests: Mutex::new(Vec::new()),
            device_interval: RwLock::new(5),
            slow_downs: Mutex::new(0),
            scans: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            latency: RwLock::new(Duration::ZERO),
            clock_offset: RwLock::new(0),
        }))
    }

    /// The token endpoint's time: this computer's, moved by the clock offset.
    pub fn now(&self) -> time::OffsetDateTime {
        let offset = self.clock_offset.read().map(|o| *o).unwrap_or_default();
        time::OffsetDateTime::now_utc() + time::Duration::seconds(offset)
    }

    /// Appends to the request log.
    pub fn record(&self, entry: LoggedRequest) {
        if let Ok(mut log) = self.log.lock() {
            log.push(entry);
        }
    }

    /// A read view of the scenario (a poisoned lock still yields the data).
    pub fn scenario(&self) -> std::sync::RwLockReadGuard<'_, Scenario> {
        self.scenario.read().unwrap_or_else(|e| e.into_inner())
    }
}

/// One request as the emulator saw it: enough to assert a client's sequence, never a secret.
#[derive(Debug, Clone, Serialize)]
pub struct LoggedRequest {
    /// Unique ID.
    pub id: Uuid,
    /// HTTP method.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Names of the query parameters.
    pub query_keys: Vec<String>,
    /// Names of the form fields.
    pub form_keys: Vec<String>,
    /// `grant_type`, when a token request.
    pub grant_type: Option<String>,
    /// Whether HTTP Basic client authentication was used.
    pub basic_auth: bool,
    /// The answer's status.
    pub status: u16,
}

/// A user signed in to an app: what a refresh token stands for.
#[derive(Debug, Clone)]
pub struct UserSession {
    /// Tenant GUID.
    pub tenant: Uuid,
    /// The app.
    pub client_id: Uuid,
    /// The user's UPN.
    pub upn: String,
    /// The resource the session was started for.
    pub resource: String,
}

/// What the person answered on the device-code page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceAnswer {
    /// Not yet.
    Pending,
    /// Signed in as this UPN.
    Approved(String),
    /// Said no.
    Declined,
    /// Already exchanged for tokens.
    Redeemed,
}

/// One device-code sign-in.
#[derive(Debug, Clone)]
pub struct DeviceFlow {
    /// The long code the client polls with.
    pub device_code: String,
    /// The short code the person types.
    pub user_code: String,
    /// Tenant GUID (resolved when the person signs in, for `organizations`).
    pub tenant: Option<Uuid>,
    /// The app.
    pub client_id: Uuid,
    /// Resource and scopes asked for.
    pub resource: String,
    /// Scope names asked for (empty: `.default`).
    pub scopes: Vec<String>,
    /// When it stops being valid (Unix seconds).
    pub expires_at: i64,
    /// The person's answer.
    pub answer: DeviceAnswer,
}

/// One browser sign-in, from the authorize request to the code.
#[derive(Debug, Clone)]
pub struct AuthRequest {
    /// Our ID for the pending sign-in (in the login form).
    pub id: String,
    /// Tenant path segment as requested.
    pub tenant_name: String,
    /// The app.
    pub client_id: Uuid,
    /// Where to send the person back.
    pub redirect_uri: String,
    /// The client's `state`, returned unchanged.
    pub state: Option<String>,
    /// PKCE challenge and method.
    pub code_challenge: Option<(String, String)>,
    /// OIDC nonce.
    pub nonce: Option<String>,
    /// Resource asked for.
    pub resource: String,
    /// Scope names asked for.
    pub scopes: Vec<String>,
    /// The authorization code, once the person signed in.
    pub code: Option<String>,
    /// Who signed in.
    pub upn: Option<String>,
    /// Tenant the person signed in to.
    pub tenant: Option<Uuid>,
    /// Whether the code was already redeemed.
    pub redeemed: bool,
    /// When the code stops being valid (Unix seconds).
    pub code_expires_at: i64,
}

/// One admin metadata scan.
#[derive(Debug, Clone)]
pub struct Scan {
    /// Scan ID.
    pub id: Uuid,
    /// Tenant that started it.
    pub tenant: Uuid,
    /// Workspaces asked for.
    pub workspaces: Vec<Uuid>,
    /// `datasetSchema=True`.
    pub schema: bool,
    /// `datasetExpressions=True`.
    pub expressions: bool,
    /// `lineage=True`.
    pub lineage: bool,
    /// How often its status was asked.
    pub polls: u32,
}

/// What goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FaultKind {
    /// 429 Too Many Requests with `Retry-After`.
    #[serde(rename = "429")]
    TooMany,
    /// 500 Internal Server Error.
    #[serde(rename = "500")]
    ServerError,
    /// 503 Service Unavailable.
    #[serde(rename = "503")]
    Unavailable,
    /// No answer for a long time (`ms`).
    Hang,
    /// A 200 whose body stops half-way and the connection closes.
    Truncated,
    /// A 200 whose body is not JSON.
    Malformed,
    /// The connection closes before any body arrives.
    Reset,
    /// 502 with an HTML page, as a proxy in front of the service sends (nginx's own page).
    Html,
    /// Power BI's 403 `TokenExpired`, as if the access token ran out between two calls.
    #[serde(rename = "token-expired")]
    TokenExpired,
}

/// A fault on the requests whose path starts with `path`.
#[derive(Debug, Clone, serde::Deserialize, Serialize)]
pub struct Fault {
    /// Path prefix to match, e.g. `/v1.0/myorg/groups` or `/contoso.onmicrosoft.com/oauth2`.
    pub path: String,
    /// Only this method, when given.
    #[serde(default)]
    pub method: Option<String>,
    /// What happens.
    pub kind: FaultKind,
    /// How many requests it hits; every one when absent.
    #[serde(default)]
    pub times: Option<u32>,
    /// `Retry-After` seconds for 429 and 503.
    #[serde(default)]
    pub retry_after: Option<u32>,
    /// Send `Retry-After` as the HTTP date `retry_after` seconds from now, the other form
    /// RFC 9110 §10.2.3 allows, instead of as seconds.
    #[serde(default)]
    pub retry_after_date: bool,
    /// How long a hang lasts, in milliseconds (default 60,000).
    #[serde(default)]
    pub ms: Option<u64>,
}
