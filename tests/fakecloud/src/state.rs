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
    /// Refresh tokens in circulation, each once.
    pub refresh_tokens: Mutex<HashMap<String, crate::tokens::Grant>>,
    /// Every request seen, in order (no secret values).
    pub log: Mutex<Vec<LoggedRequest>>,
    /// Added delay before every answer.
    pub latency: RwLock<Duration>,
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
            log: Mutex::new(Vec::new()),
            latency: RwLock::new(Duration::ZERO),
        }))
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
