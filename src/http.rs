//! The one HTTP client Keyway uses: verified TLS, timeouts, no redirects followed.
//!
//! Token requests must never follow a redirect (a 302 from a sign-in host is a sign of a proxy
//! or a wrong URL, not something to chase with a secret in the body), so the client is built
//! with redirects off for everything; Power BI calls do not need them either.

use std::time::Duration;

/// How long to wait for a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one request may take in all.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Builds the client. `extra_ca_pem`: one more trusted CA (PEM), for a custom cloud behind a
/// private CA (and for the emulator in tests).
pub fn client(extra_ca_pem: Option<&[u8]>) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Keyway/", env!("CARGO_PKG_VERSION")));
    if let Some(pem) = extra_ca_pem {
        let certs = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| format!("The extra CA certificate can't be read: {e}"))?;
        if certs.is_empty() {
            return Err("The extra CA certificate file holds no certificate.".into());
        }
        builder = builder.tls_certs_merge(certs);
    }
    builder
        .build()
        .map_err(|e| format!("The HTTP client could not start: {e}"))
}
