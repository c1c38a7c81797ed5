//! Values that must never be shown, logged, saved to a file or sent to the UI.
//!
//! Each is a newtype whose `Debug` prints a fixed placeholder and which has no `Serialize` and
//! no `Display`: the compiler keeps it out of JSON, reports and log lines. The one way to the
//! value is [`SecretText::expose`], named so every use stands out in review.

use std::fmt;

/// Defines a secret newtype over `String`.
macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
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
            /// A hint safe to show: the last four characters, as `…Q8~x`.
            pub fn hint(&self) -> String {
                let tail: String = self.0.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
                if self.0.chars().count() <= 8 {
                    "…".to_string()
                } else {
                    format!("…{tail}")
                }
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

/// Anything that holds secret text.
pub trait SecretText {
    /// The value itself.
    fn expose(&self) -> &str;
}

macro_rules! impl_secret_text {
    ($($t:ty),*) => { $(impl SecretText for $t { fn expose(&self) -> &str { &self.0 } })* };
}
impl_secret_text!(
    ClientSecret,
    Password,
    AccessToken,
    RefreshToken,
    CertificatePassword
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
        assert_eq!(Password::new("short").hint(), "…");
    }
}
