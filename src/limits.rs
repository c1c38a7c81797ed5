//! How long Keyway waits, and where the browser's answer arrives: the defaults, and the
//! environment variables that change them for unusual networks (a slow proxy, a firewall that
//! lets only one local port through, a person who needs more time to sign in).
//!
//! | variable | default | what it sets |
//! |---|---|---|
//! | `KEYWAY_HTTP_TIMEOUT` | 30 | seconds one request to a service may take in all |
//! | `KEYWAY_BROWSER_WAIT` | 300 | seconds the browser sign-in waits for the person |
//! | `KEYWAY_LOOPBACK_PORT` | any free | the local port the browser's answer comes back to |
//!
//! A value that is not a positive whole number is ignored (and logged), so a typo never stops
//! a sign-in.

use std::time::Duration;

/// Seconds one HTTP request may take in all.
pub const HTTP_TIMEOUT_ENV: &str = "KEYWAY_HTTP_TIMEOUT";
/// Seconds the browser sign-in waits.
pub const BROWSER_WAIT_ENV: &str = "KEYWAY_BROWSER_WAIT";
/// The fixed loopback port for the browser's answer.
pub const LOOPBACK_PORT_ENV: &str = "KEYWAY_LOOPBACK_PORT";

/// How long one request may take in all.
pub fn request_timeout() -> Duration {
    Duration::from_secs(positive(HTTP_TIMEOUT_ENV).unwrap_or(30))
}

/// How long the browser sign-in waits for the person.
pub fn browser_wait() -> Duration {
    Duration::from_secs(positive(BROWSER_WAIT_ENV).unwrap_or(300))
}

/// The loopback port to listen on; `0` (any free port) unless one is set.
pub fn loopback_port() -> u16 {
    positive(LOOPBACK_PORT_ENV)
        .and_then(|p| u16::try_from(p).ok())
        .unwrap_or(0)
}

fn positive(var: &str) -> Option<u64> {
    let raw = std::env::var(var).ok()?;
    match raw.trim().parse::<u64>() {
        Ok(n) if n > 0 => Some(n),
        _ => {
            tracing::warn!(variable = var, "ignored: not a positive whole number");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_positive_whole_numbers_count() {
        // Each variable is read where it is used; these names are touched by no other test.
        std::env::set_var(BROWSER_WAIT_ENV, " 7 ");
        assert_eq!(browser_wait(), Duration::from_secs(7));
        for bad in ["0", "-5", "ten", "1.5", ""] {
            std::env::set_var(BROWSER_WAIT_ENV, bad);
            assert_eq!(browser_wait(), Duration::from_secs(300), "{bad:?}");
        }
        std::env::remove_var(BROWSER_WAIT_ENV);
        std::env::set_var(LOOPBACK_PORT_ENV, "70000");
        assert_eq!(loopback_port(), 0, "not a port");
        std::env::set_var(LOOPBACK_PORT_ENV, "8400");
        assert_eq!(loopback_port(), 8400);
        std::env::remove_var(LOOPBACK_PORT_ENV);
    }
}
