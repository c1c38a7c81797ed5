//! Waiting out "too many requests" (429) and "service unavailable" (503) on calls that are safe
//! to repeat: token requests, GETs, and Power BI's GenerateToken.
//!
//! The server says how long to wait in `Retry-After`, as seconds or as an HTTP date
//! (RFC 9110 §10.2.3); without it Keyway backs off 1 s, 2 s, 4 s… Waiting is bounded per call
//! ([`RetryPolicy::max_wait`], 30 s): when the server asks for more than is left, Keyway stops
//! and reports the answer, with the wait it asked for, instead of hanging. Every wait is
//! announced first ([`Waiting`]) so a person sees why nothing moves. Calls that create
//! something are never sent through here: repeating them could create it twice.

use futures_util::future::BoxFuture;
use serde::Serialize;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// How long a call may spend waiting in all, by default.
pub const MAX_WAIT: Duration = Duration::from_secs(30);

/// How many times a call is sent at most (a server answering `Retry-After: 0` forever must not
/// keep Keyway busy).
const MAX_ATTEMPTS: u32 = 5;

/// The sleep a policy waits with: `tokio::time::sleep` normally, a recorder in tests.
pub type SleepFn = Arc<dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync>;

/// Who hears about a wait before it starts.
pub type OnWait = Arc<dyn Fn(Waiting) + Send + Sync>;

/// How a call waits out 429 and 503.
#[derive(Clone)]
pub struct RetryPolicy {
    /// The most one call may wait in all; zero turns retrying off.
    pub max_wait: Duration,
    /// How to wait.
    pub sleep: SleepFn,
    /// Told before each wait starts.
    pub on_wait: Option<OnWait>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_wait: MAX_WAIT,
            sleep: Arc::new(|d| Box::pin(tokio::time::sleep(d))),
            on_wait: None,
        }
    }
}

impl std::fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_wait", &self.max_wait)
            .finish_non_exhaustive()
    }
}

/// A wait about to start, for the window and the terminal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Waiting {
    /// How long, in whole seconds (rounded up).
    pub seconds: u64,
    /// Who asked: "Power BI", "Microsoft's sign-in service", "Fabric".
    pub what: String,
}

impl Waiting {
    /// "Power BI asked Keyway to wait 20 s".
    pub fn to_text(&self) -> String {
        format!("{} asked Keyway to wait {} s", self.what, self.seconds)
    }
}

/// A `Retry-After` value as a wait from `now`: delay-seconds or an HTTP date (RFC 9110
/// §10.2.3). A date in the past means no wait; anything else unreadable means none was given.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or_default())
}

/// [`retry_after`] in whole seconds (rounded up), as explanations show it.
pub fn retry_after_seconds(value: &str, now: SystemTime) -> Option<u64> {
    retry_after(value, now).map(whole_seconds)
}

/// Whole seconds, rounded up, so "wait 0.4 s" is not shown as 0.
fn whole_seconds(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// Sends with `send` until the answer is neither 429 nor 503, or waiting more would pass the
/// policy's limit; then returns the last answer (or the network failure) as it came.
pub async fn send<F, Fut>(
    policy: &RetryPolicy,
    what: &str,
    send: F,
) -> Result<reqwest::Response, reqwest::Error>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<reqwest::Response, reqwest::Error>>,
{
    let mut waited = Duration::ZERO;
    let mut attempt = 1;
    loop {
        let res = send().await?;
        let status = res.status().as_u16();
        let done = !matches!(status, 429 | 503) || attempt >= MAX_ATTEMPTS;
        if done || policy.max_wait.is_zero() {
            return Ok(res);
        }
        let asked = res
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after(v, SystemTime::now()));
        let wait = asked.unwrap_or(Duration::from_secs(1 << (attempt - 1)));
        if waited + wait > policy.max_wait {
            return Ok(res);
        }
        if let Some(tell) = &policy.on_wait {
            tell(Waiting {
                seconds: whole_seconds(wait),
                what: what.to_string(),
            });
        }
        (policy.sleep)(wait).await;
        waited += wait;
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_forms_of_retry_after() {
        // RFC 9110 §10.2.3's own examples: "Retry-After: Fri, 31 Dec 1999 23:59:59 GMT" and
        // "Retry-After: 120".
        let now = httpdate::parse_http_date("Fri, 31 Dec 1999 23:59:39 GMT").unwrap();
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Fri, 31 Dec 1999 23:59:59 GMT", now),
            Some(Duration::from_secs(20))
        );
        // A date already past: go at once.
        assert_eq!(
            retry_after("Fri, 31 Dec 1999 23:59:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-5", now), None);
        assert_eq!(whole_seconds(Duration::from_millis(400)), 1);
    }
}
