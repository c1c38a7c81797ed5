//! Values that must never be shown, logged, saved to a file or sent to the UI.
//!
//! Each is a newtype whose `Debug` prints a fixed placeholder and which has no `Serialize` and
//! no `Display`: the compiler keeps it out of JSON, reports and log lines. The one way to the
//! value is each type's `expose`, named so every use stands out in review. Like oauth2-rs's
//! secret types they have no `PartialEq`: a comparison that is needed compares digests
//! ([`ClientSecret::digest`]), so no code path compares secret text directly.
//!
//! Each also wipes its memory when dropped (`zeroize`), so a secret does not linger in freed
//! memory once the session lets go of it. A plain-`String` copy that some API needs (standard
//! input, a keyring read, an IPC argument) is held in [`Zeroizing`] for the same reason. Only
//! the client secret has a [`ClientSecret::hint`]: even four characters of a password are too
//! many to show.

use std::fmt;
pub use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Defines a secret newtype over `String`.
macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Zeroize, ZeroizeOnDrop)]
        pub struct $name(String);

        impl $name {
            /// Wraps a value.
            pub fn new(value: impl Into<String>) -> Self {
                $name(value.into())
            }
            /// The value itself. Only for the wire and the keyring.
            pub fn expose(&self) -> &str {
                &self.0
            }
            /// SHA-256 of the value: what to compare when two secrets must be told apart.
            pub fn digest(&self) -> [u8; 32] {
                use sha2::Digest;
                sha2::Sha256::digest(self.0.as_bytes()).into()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_type!(
    /// An app registration's client secret value.
    ClientSecret
);
impl ClientSecret {
    /// A hint safe to show: the last four characters, as `…Q8~x`. Client secrets are long
    /// random values, so four characters tell two apart without helping anyone guess one.
    pub fn hint(&self) -> String {
        let count = self.0.chars().count();
        let tail: String = self.0.chars().skip(count.saturating_sub(4)).collect();
        if count <= 8 {
            "…".to_string()
        } else {
            format!("…{tail}")
        }
    }
}

secret_type!(
    /// A user's password.
    Password
);
secret_type!(
    /// An OAuth access token.
    AccessToken
);
secret_type!(
    /// An OAuth refresh token.
    RefreshToken
);
secret_type!(
    /// The password protecting a certificate's private key (PFX).
    CertificatePassword
);
secret_type!(
    /// A certificate Keyway made, with its private key, as PEM: kept only in the keyring, so no
    /// key file ever exists.
    CertificateKey
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = ClientSecret::new("Emb8Q~current.secret-value_0123456789abcdef");
        let shown = format!("{s:?} {:?}", Some(&s));
        assert!(!shown.contains("Emb8Q"), "{shown}");
        assert!(!shown.contains("cdef"), "{shown}");
        assert_eq!(s.hint(), "…cdef");
        assert_eq!(ClientSecret::new("short").hint(), "…");
        assert_eq!(s.digest(), ClientSecret::new(s.expose()).digest());
        assert_ne!(s.digest(), ClientSecret::new("Emb8Q~other").digest());
    }

    #[test]
    fn zeroize_wipes_the_value() {
        // What drop does (`ZeroizeOnDrop`), called by hand so the wiped value can be read.
        let mut p = Password::new("correct horse battery staple");
        p.zeroize();
        assert_eq!(p.expose(), "");
        let mut copy = Zeroizing::new(String::from("Emb8Q~copy"));
        copy.zeroize();
        assert!(copy.is_empty());
    }
}
