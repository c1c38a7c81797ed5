//! Why a sign-in failed, as one typed error with a stable machine code.
//!
//! Entra's error body (RFC 6749 §5.2 plus Microsoft's fields) is kept whole: the AADSTS number,
//! the first line of the description, and the trace and correlation IDs a help desk needs.

use crate::text::{clean_opt, clean_text};
use crate::validate::FieldProblem;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Entra's error body, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntraErrorBody {
    /// OAuth `error`, e.g. `invalid_client`.
    #[serde(default)]
    pub error: String,
    /// `AADSTSn: message\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …`.
    #[serde(default)]
    pub error_description: Option<String>,
    /// The AADSTS numbers.
    #[serde(default)]
    pub error_codes: Vec<u32>,
    /// `YYYY-MM-DD HH:MM:SSZ`.
    #[serde(default)]
    pub timestamp: Option<String>,
    /// Trace ID.
    #[serde(default)]
    pub trace_id: Option<String>,
    /// Correlation ID.
    #[serde(default)]
    pub correlation_id: Option<String>,
    /// e.g. `basic_action`, `consent_required`.
    #[serde(default)]
    pub suberror: Option<String>,
    /// Link to the error lookup page.
    #[serde(default)]
    pub error_uri: Option<String>,
}

/// A refusal from Entra ID, reduced to what people and support need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntraError {
    /// HTTP status of the answer.
    pub http_status: u16,
    /// OAuth `error` value.
    pub error: String,
    /// The AADSTS number, from `error_codes` or the description.
    pub aadsts: Option<u32>,
    /// The first line of the description (the message, without trace lines).
    pub message: String,
    /// Trace ID.
    pub trace_id: Option<String>,
    /// Correlation ID.
    pub correlation_id: Option<String>,
    /// When Entra answered.
    pub timestamp: Option<String>,
    /// Suberror.
    pub suberror: Option<String>,
    /// The sign-in service that answered (its host), so no message claims Microsoft refused
    /// when a custom cloud or a proxy did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Seconds the service asked to wait (`Retry-After`), when it was longer than Keyway waits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl EntraError {
    /// From the body, reading IDs from the description when the fields are missing (device-code
    /// errors reach us as a standard OAuth error with only the description). Every text is
    /// cleaned of control characters here, where it enters Keyway ([`crate::text`]).
    pub fn from_body(http_status: u16, body: &EntraErrorBody) -> Self {
        let description = body.error_description.clone().unwrap_or_default();
        let line = |prefix: &str| {
            clean_opt(
                description
                    .split(['\r', '\n'])
                    .find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_string())),
            )
        };
        let first = description
            .split(['\r', '\n'])
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        let aadsts = most_specific(&body.error_codes).or_else(|| aadsts_in(&first));
        let message = match first.split_once(": ") {
            Some((code, rest)) if code.starts_with("AADSTS") => clean_text(rest),
            _ => clean_text(&first),
        };
        EntraError {
            http_status,
            error: clean_text(&body.error),
            aadsts,
            message,
            trace_id: clean_opt(body.trace_id.clone()).or_else(|| line("Trace ID:")),
            correlation_id: clean_opt(body.correlation_id.clone())
                .or_else(|| line("Correlation ID:")),
            timestamp: clean_opt(body.timestamp.clone()).or_else(|| line("Timestamp:")),
            suberror: clean_opt(body.suberror.clone()),
            host: None,
            retry_after: None,
        }
    }
}

/// "The sign-in service at login.microsoftonline.com refused: …", naming the host that answered.
fn refusal(e: &EntraError) -> String {
    match &e.host {
        Some(host) => format!("The sign-in service at {host} refused: {}", e.message),
        None => format!("The sign-in service refused: {}", e.message),
    }
}

/// The code of a plain OAuth error (RFC 6749 §5.2, RFC 8628 §3.5) that carries no AADSTS
/// number, as a custom cloud, a proxy or another OAuth server sends it: `OAUTH_INVALID_CLIENT`.
pub fn oauth_code(error: &str) -> String {
    let clean: String = error
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(64)
        .collect();
    format!("OAUTH_{}", clean.to_ascii_uppercase())
}

/// Entra codes that wrap a more specific one ("AADSTS70002: Error validating credentials.
/// AADSTS50126: …" is a wrong password): the specific one wins when both are there.
pub const WRAPPERS: [u32; 2] = [70002, 50000];

/// The most specific of several AADSTS numbers: the first that is not a wrapper, else the first.
pub fn most_specific(codes: &[u32]) -> Option<u32> {
    let specific = codes.iter().copied().find(|n| !WRAPPERS.contains(n));
    specific.or_else(|| codes.first().copied())
}

/// The first `AADSTSnnnn` number in a text.
pub fn aadsts_in(text: &str) -> Option<u32> {
    let at = text.find("AADSTS")?;
    let digits: String = text[at + 6..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// What kind of network failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum TransportKind {
    /// No answer in time.
    Timeout,
    /// The host name could not be found.
    Dns,
    /// Nothing listens there, or a firewall said no.
    Refused,
    /// The server's certificate was not trusted (often a company proxy).
    Tls,
    /// The server's certificate is for another name: a wrong address, or a proxy.
    TlsName,
    /// The server's certificate comes from an authority this computer does not trust: a company
    /// proxy's own authority, most often.
    TlsUnknownIssuer,
    /// The connection closed before the whole answer came (reset, or cut off half-way).
    Closed,
    /// Anything else on the way.
    Other,
}

/// Why a sign-in failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// Something typed is not right; nothing was sent.
    #[error("{0}")]
    Invalid(FieldProblem),
    /// Entra ID refused, with its reason.
    #[error("{}", refusal(.0))]
    Entra(Box<EntraError>),
    /// The network failed before an answer came.
    #[error("{message}")]
    Transport {
        /// Which kind of failure.
        kind: TransportKind,
        /// Plain description, with the host.
        message: String,
    },
    /// An answer came, but not one a sign-in service gives.
    #[error("Unexpected answer (HTTP {status}): {detail}")]
    Unexpected {
        /// HTTP status.
        status: u16,
        /// What was wrong with it.
        detail: String,
    },
    /// The certificate or its key could not be used.
    #[error("{0}")]
    Certificate(String),
    /// The person said no in the browser or on the device page.
    #[error("The sign-in was declined: {0}")]
    Declined(String),
    /// The person did not finish in time (device code expired, browser left open).
    #[error("The sign-in was not finished in time.")]
    Expired,
    /// Cancelled here.
    #[error("The sign-in was cancelled.")]
    Cancelled,
    /// The browser came back with a `state` that was not ours: possibly a forged request.
    #[error(
        "The answer from the browser did not match this sign-in, so it was ignored for safety."
    )]
    StateMismatch,
    /// The browser could not be opened, or a URL was not on the allowlist.
    #[error("{0}")]
    Browser(String),
    /// The loopback port set for the browser's answer (`KEYWAY_LOOPBACK_PORT`) is taken.
    #[error("Another program is using port {0} on this computer, where the browser's answer must arrive.")]
    PortInUse(u16),
}

impl AuthError {
    /// A stable code the UI and scripts branch on: `AADSTS7000215`, `TRANSPORT_TIMEOUT`, …
    pub fn code(&self) -> String {
        match self {
            AuthError::Invalid(p) => p.code.to_string(),
            AuthError::Entra(e) => match e.aadsts {
                Some(n) => format!("AADSTS{n}"),
                None => oauth_code(&e.error),
            },
            AuthError::Transport { kind, .. } => format!(
                "TRANSPORT_{}",
                serde_json::to_value(kind)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default()
            ),
            AuthError::Unexpected { .. } => "UNEXPECTED_RESPONSE".into(),
            AuthError::Certificate(_) => "CERTIFICATE_UNUSABLE".into(),
            AuthError::Declined(_) => "SIGN_IN_DECLINED".into(),
            AuthError::Expired => "SIGN_IN_EXPIRED".into(),
            AuthError::Cancelled => "SIGN_IN_CANCELLED".into(),
            AuthError::StateMismatch => "STATE_MISMATCH".into(),
            AuthError::Browser(_) => "BROWSER_FAILED".into(),
            AuthError::PortInUse(_) => "LOOPBACK_PORT_IN_USE".into(),
        }
    }

    /// The same error, naming the sign-in service (the host of `url`) that refused.
    pub fn from_host(self, url: &str) -> Self {
        match self {
            AuthError::Entra(mut e) => {
                e.host = reqwest::Url::parse(url)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_string));
                AuthError::Entra(e)
            }
            other => other,
        }
    }

    /// A network failure, classified from reqwest's error.
    pub fn transport(err: &reqwest::Error, url: &str) -> Self {
        let host = reqwest::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        let chain = error_chain(err);
        let lower = chain.to_ascii_lowercase();
        // Read from the TLS library's own error first: its text names a "DnsName", which the
        // text tests below would take for a failed look-up.
        let certificate = certificate_problem(err);
        let (kind, message) = if err.is_timeout() {
            (
                TransportKind::Timeout,
                format!("{host} did not answer in time."),
            )
        } else if certificate == Some(TransportKind::TlsName) {
            (
                TransportKind::TlsName,
                format!(
                    "The certificate {host} presented is for another name, so the secure \
                     connection was refused. A wrong address, or a company proxy, is the usual \
                     cause."
                ),
            )
        } else if certificate == Some(TransportKind::TlsUnknownIssuer) {
            (
                TransportKind::TlsUnknownIssuer,
                format!(
                    "The certificate {host} presented was issued by an authority this computer \
                     does not trust. A company proxy that inspects traffic is the usual cause."
                ),
            )
        } else if lower.contains("dns")
            || lower.contains("failed to lookup")
            || lower.contains("name or service not known")
        {
            (
                TransportKind::Dns,
                format!(
                    "The name {host} could not be found. Check the network, or the cloud you \
                     chose."
                ),
            )
        } else if err.is_body()
            || err.is_decode()
            || lower.contains("close_notify")
            || lower.contains("connection reset")
            || lower.contains("connection closed")
            || lower.contains("unexpected eof")
            || lower.contains("incomplete message")
        {
            (
                TransportKind::Closed,
                format!("The connection to {host} closed before the whole answer came."),
            )
        } else if lower.contains("certificate")
            || lower.contains("tls")
            || lower.contains("handshake")
        {
            (
                TransportKind::Tls,
                format!(
                    "The secure connection to {host} was not trusted ({chain}). A company proxy \
                     that inspects traffic is the usual cause."
                ),
            )
        } else if lower.contains("refused") || err.is_connect() {
            (
                TransportKind::Refused,
                format!("Could not connect to {host}: the connection was refused."),
            )
        } else {
            (
                TransportKind::Other,
                format!("The request to {host} failed: {chain}"),
            )
        };
        AuthError::Transport { kind, message }
    }
}

/// What the TLS library said about the certificate, found in the error chain by type. An
/// `io::Error` hides what it wraps from `source()` (reqwest's connector nests two), so it is
/// opened with `get_ref()` instead.
fn certificate_problem(err: &(dyn std::error::Error + 'static)) -> Option<TransportKind> {
    use rustls::CertificateError as C;
    let mut source = Some(err);
    while let Some(s) = source {
        if let Some(rustls::Error::InvalidCertificate(c)) = s.downcast_ref::<rustls::Error>() {
            return match c {
                C::NotValidForName | C::NotValidForNameContext { .. } => {
                    Some(TransportKind::TlsName)
                }
                C::UnknownIssuer => Some(TransportKind::TlsUnknownIssuer),
                _ => None,
            };
        }
        source = match s.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => s.source(),
        };
    }
    None
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

impl fmt::Display for EntraError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.aadsts {
            Some(n) => write!(f, "AADSTS{n}: {}", self.message),
            None => write!(f, "{}: {}", self.error, self.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_entra_body_and_a_bare_description() {
        let json = concat!(
            r#"{"error":"invalid_client","#,
            r#""error_description":"AADSTS7000215: Invalid client secret provided.\r\n"#,
            r#"Trace ID: t-1\r\nCorrelation ID: c-1\r\nTimestamp: 2023-05-06 06:03:00Z","#,
            r#""error_codes":[7000215],"timestamp":"2023-05-06 06:03:00Z","#,
            r#""trace_id":"t-1","correlation_id":"c-1"}"#,
        );
        let body: EntraErrorBody = serde_json::from_str(json).unwrap();
        let e = EntraError::from_body(401, &body);
        assert_eq!(e.aadsts, Some(7000215));
        assert_eq!(e.message, "Invalid client secret provided.");
        assert_eq!(e.trace_id.as_deref(), Some("t-1"));
        assert_eq!(AuthError::Entra(Box::new(e)).code(), "AADSTS7000215");

        let bare = EntraErrorBody {
            error: "authorization_declined".into(),
            error_description: Some(
                "AADSTS70000: The user declined.\r\nTrace ID: t-2\r\n\
                 Correlation ID: c-2\r\nTimestamp: 2026-01-01 00:00:00Z"
                    .into(),
            ),
            ..Default::default()
        };
        let e = EntraError::from_body(400, &bare);
        assert_eq!(
            (e.aadsts, e.correlation_id.as_deref()),
            (Some(70000), Some("c-2"))
        );
        assert_eq!(aadsts_in("x AADSTS50076: y"), Some(50076));
        assert_eq!(aadsts_in("nothing"), None);
    }
}
