//! The one HTTP client Keyway uses: verified TLS, timeouts, no redirects followed.
//!
//! Token requests must never follow a redirect (a 302 from a sign-in host is a sign of a proxy
//! or a wrong URL, not something to chase with a secret in the body), so the client is built
//! with redirects off for everything; Power BI calls do not need them either.

use std::path::Path;
use std::time::Duration;

/// The environment variable naming one more certificate authority to trust (PEM file).
pub const CA_CERT_ENV: &str = "KEYWAY_CA_CERT";

/// How long to wait for a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the HTTP client could not be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The extra CA file could not be read.
    #[error("The certificate authority file {path} can't be read: {reason}")]
    CaUnreadable {
        /// The file, as given.
        path: String,
        /// Why.
        reason: String,
    },
    /// The extra CA file is not PEM.
    #[error("The extra CA certificate can't be read: {0}")]
    CaInvalid(String),
    /// The extra CA file has no certificate in it.
    #[error("The extra CA certificate file holds no certificate.")]
    CaEmpty,
    /// The TLS stack refused to start.
    #[error("The HTTP client could not start: {0}")]
    Start(String),
}

impl ClientError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ClientError::CaUnreadable { .. } => "CA_CERT_UNREADABLE",
            ClientError::CaInvalid(_) | ClientError::CaEmpty => "CA_CERT_INVALID",
            ClientError::Start(_) => "HTTP_CLIENT",
        }
    }
}

/// The file in Keyway's configuration folder holding the company's certificate authority, as
/// trusted in Settings.
pub const COMPANY_CA_FILE: &str = "company-ca.pem";

/// Where the one more certificate authority comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaSource {
    /// `--ca-cert FILE`.
    Option,
    /// `KEYWAY_CA_CERT`.
    Environment,
    /// Trusted in Settings ([`COMPANY_CA_FILE`]).
    Settings,
}

/// Which file holds the one more certificate authority to trust: the one given (`--ca-cert`),
/// else the one `KEYWAY_CA_CERT` names, else the one trusted in Settings, if any.
pub fn extra_ca_file(explicit: Option<&Path>) -> Option<(std::path::PathBuf, CaSource)> {
    if let Some(p) = explicit {
        return Some((p.to_path_buf(), CaSource::Option));
    }
    match std::env::var_os(CA_CERT_ENV) {
        Some(p) if !p.is_empty() => Some((p.into(), CaSource::Environment)),
        _ => {
            let saved = crate::profile::config_dir().join(COMPANY_CA_FILE);
            saved.is_file().then_some((saved, CaSource::Settings))
        }
    }
}

/// The one more certificate authority to trust, as PEM ([`extra_ca_file`]). The desktop app and
/// the CLI both read it here.
pub fn extra_ca(explicit: Option<&Path>) -> Result<Option<Vec<u8>>, ClientError> {
    let Some((path, _)) = extra_ca_file(explicit) else {
        return Ok(None);
    };
    std::fs::read(&path)
        .map(Some)
        .map_err(|e| ClientError::CaUnreadable {
            path: path.to_string_lossy().into_owned(),
            reason: e.to_string(),
        })
}

/// Builds the client. `extra_ca_pem`: one more trusted CA (PEM), for a custom cloud behind a
/// private CA (and for the emulator in tests).
pub fn client(extra_ca_pem: Option<&[u8]>) -> Result<reqwest::Client, ClientError> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(crate::limits::request_timeout())
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Keyway/", env!("CARGO_PKG_VERSION")));
    if let Some(pem) = extra_ca_pem {
        let certs = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| ClientError::CaInvalid(e.to_string()))?;
        if certs.is_empty() {
            return Err(ClientError::CaEmpty);
        }
        builder = builder.tls_certs_merge(certs);
    }
    builder
        .build()
        .map_err(|e| ClientError::Start(e.to_string()))
}
