//! The wall clock, in the one unit Keyway stores and compares: Unix seconds.
//!
//! A basic every layer may use (tokens' expiry, profiles' "last check", days until a secret
//! expires), so it lives below them all rather than in the sign-in code.

/// The current time, Unix seconds (0 if the system clock is before 1970).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
