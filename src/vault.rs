//! Secrets in the operating system's keyring, and nowhere else.
//!
//! Windows Credential Manager, the macOS Keychain, or the Secret Service on Linux (GNOME
//! Keyring, KWallet), through the `keyring-core` crate and one store crate per platform. Entries
//! are under the service `keyway`, one per profile and kind. Values longer than Windows allows
//! in one entry (2,560 bytes; refresh tokens often are) are split over several entries.
//!
//! When the keyring cannot be used, the error says which of the usual reasons it is and what to
//! do; the caller can then offer [`Vault::session_only`], which keeps secrets in memory for this
//! run. Keyway never falls back to a file.

use crate::secret::{
    CertificateKey, CertificatePassword, ClientSecret, Password, RefreshToken, Zeroizing,
};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The keyring service name for every Keyway entry.
pub const SERVICE: &str = "keyway";
/// Longest value stored in one entry; longer ones are split (Windows refuses over 2,560 bytes).
const CHUNK: usize = 2000;
const CHUNK_MARK: &str = "keyway-chunks:";

/// What a secret is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SecretKind {
    /// An app registration's client secret.
    ClientSecret,
    /// The password of a .pfx certificate.
    CertificatePassword,
    /// A refresh token from a user sign-in.
    RefreshToken,
    /// A master user's password (only when the person asks for it to be saved).
    Password,
    /// A certificate Keyway made and its private key (PEM), instead of a file.
    CertificateKey,
}

impl SecretKind {
    fn as_str(self) -> &'static str {
        match self {
            SecretKind::ClientSecret => "client-secret",
            SecretKind::CertificatePassword => "certificate-password",
            SecretKind::RefreshToken => "refresh-token",
            SecretKind::Password => "password",
            SecretKind::CertificateKey => "certificate-key",
        }
    }
}

/// A secret type the keyring keeps, and the kind it is kept as.
pub trait Kept: Sized {
    /// The kind of entry.
    const KIND: SecretKind;
    /// Wraps a value read from the keyring.
    fn from_kept(value: String) -> Self;
}

macro_rules! kept {
    ($($t:ty => $kind:ident),*) => {$(
        impl Kept for $t {
            const KIND: SecretKind = SecretKind::$kind;
            fn from_kept(value: String) -> Self {
                <$t>::new(value)
            }
        }
    )*};
}
kept!(
    ClientSecret => ClientSecret,
    CertificatePassword => CertificatePassword,
    RefreshToken => RefreshToken,
    Password => Password,
    CertificateKey => CertificateKey
);

/// Why the keyring could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct VaultError {
    /// Stable code: `KEYRING_NO_SESSION`, `KEYRING_NO_SERVICE`, `KEYRING_LOCKED`, `KEYRING_FAILED`.
    pub code: &'static str,
    /// What happened, in plain words.
    pub message: String,
    /// What to do.
    pub fix: String,
    /// The platform's own words, for support.
    pub detail: String,
}

impl VaultError {
    /// Classifies a keyring error (texts as the Secret Service, Keychain and Credential
    /// Manager give them).
    fn from_keyring(err: &keyring_core::Error) -> Self {
        let detail = err.to_string();
        let lower = detail.to_ascii_lowercase();
        let (code, message, fix) =
            if matches!(err, keyring_core::Error::NoStorageAccess(_)) || lower.contains("locked") {
                (
                    "KEYRING_LOCKED",
                    "Your keyring is locked, and nothing could ask you to unlock it.",
                    "Unlock your keyring (on Linux: open Passwords and Keys, or sign in to the \
                     desktop), then try again. Or use the credential for this session only, \
                     without saving it.",
                )
            } else if lower.contains("serviceunknown")
                || lower.contains("org.freedesktop.secrets")
                || lower.contains("no such secret service")
            {
                (
                    "KEYRING_NO_SERVICE",
                    "No keyring service is running on this computer.",
                    "Install and start a keyring (for example GNOME Keyring: the gnome-keyring \
                     package), then try again. Or use the credential for this session only, \
                     without saving it.",
                )
            } else if lower.contains("failed to connect")
                || lower.contains("dbus_session_bus_address")
                || lower.contains("no such file")
                || lower.contains("session bus")
            {
                (
                    "KEYRING_NO_SESSION",
                    "Keyway can't reach your desktop session's keyring (there is no session bus, \
                     as over SSH or in a container).",
                    "Run Keyway inside a desktop session, or start one (for example with \
                     dbus-run-session). Or use the credential for this session only, without \
                     saving it.",
                )
            } else {
                (
                    "KEYRING_FAILED",
                    "The keyring refused to store or read the secret.",
                    "Try again; if it keeps failing, restart your keyring or your session. You \
                     can use the credential for this session only in the meantime.",
                )
            };
        VaultError {
            code,
            message: message.into(),
            fix: fix.into(),
            detail,
        }
    }
}

/// Where secrets go.
pub trait SecretStore: Send + Sync {
    /// Stores a value under a name.
    fn set(&self, name: &str, value: &str) -> Result<(), VaultError>;
    /// Reads a value; `None` when there is none.
    fn get(&self, name: &str) -> Result<Option<String>, VaultError>;
    /// Removes a value; removing a missing one is fine.
    fn delete(&self, name: &str) -> Result<(), VaultError>;
    /// Where the secrets live, in words a person recognises.
    fn place(&self) -> String;
}

/// The operating system's keyring.
pub struct KeyringStore;

/// The keyring entry for a name under Keyway's service.
fn entry(name: &str) -> Result<keyring_core::Entry, VaultError> {
    keyring_core::Entry::new(SERVICE, name).map_err(|e| VaultError::from_keyring(&e))
}

impl SecretStore for KeyringStore {
    fn set(&self, name: &str, value: &str) -> Result<(), VaultError> {
        entry(name)?
            .set_password(value)
            .map_err(|e| VaultError::from_keyring(&e))
    }
    fn get(&self, name: &str) -> Result<Option<String>, VaultError> {
        match entry(name)?.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(VaultError::from_keyring(&e)),
        }
    }
    fn delete(&self, name: &str) -> Result<(), VaultError> {
        match entry(name)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(VaultError::from_keyring(&e)),
        }
    }
    fn place(&self) -> String {
        system_keyring_name().to_string()
    }
}

/// The name of this platform's keyring.
pub fn system_keyring_name() -> &'static str {
    if cfg!(target_os = "windows") {
        "Windows Credential Manager"
    } else if cfg!(target_os = "macos") {
        "macOS Keychain"
    } else {
        "your keyring (Secret Service)"
    }
}

/// Secrets kept in memory for this run only, wiped when replaced or removed.
#[derive(Default)]
pub struct SessionStore(Mutex<HashMap<String, Zeroizing<String>>>);

impl SecretStore for SessionStore {
    fn set(&self, name: &str, value: &str) -> Result<(), VaultError> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.into(), Zeroizing::new(value.into()));
        Ok(())
    }
    fn get(&self, name: &str) -> Result<Option<String>, VaultError> {
        Ok(self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .map(|v| v.to_string()))
    }
    fn delete(&self, name: &str) -> Result<(), VaultError> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(name);
        Ok(())
    }
    fn place(&self) -> String {
        "memory, for this session only (not saved)".into()
    }
}

/// Connects the platform's keyring once per process. Blocking.
fn install_platform_store() -> Result<(), VaultError> {
    static INSTALLED: Mutex<bool> = Mutex::new(false);
    let mut done = INSTALLED.lock().unwrap_or_else(|e| e.into_inner());
    if *done {
        return Ok(());
    }
    #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
    let store = zbus_secret_service_keyring_store::Store::new()
        .map_err(|e| VaultError::from_keyring(&e))?;
    #[cfg(target_os = "macos")]
    let store = apple_native_keyring_store::keychain::Store::new()
        .map_err(|e| VaultError::from_keyring(&e))?;
    #[cfg(target_os = "windows")]
    let store =
        windows_native_keyring_store::Store::new().map_err(|e| VaultError::from_keyring(&e))?;
    keyring_core::set_default_store(store);
    *done = true;
    Ok(())
}

/// Keyway's secrets, by profile and kind.
#[derive(Clone)]
pub struct Vault {
    store: Arc<dyn SecretStore>,
}

impl Vault {
    /// The operating system's keyring, checked by reading a name that does not exist. Blocking:
    /// call it from `spawn_blocking` in async code.
    pub fn system() -> Result<Vault, VaultError> {
        install_platform_store()?;
        let store = KeyringStore;
        store.get("keyway-probe")?;
        Ok(Vault {
            store: Arc::new(store),
        })
    }

    /// Secrets in memory for this run: the choice when the keyring can't be used.
    pub fn session_only() -> Vault {
        Vault {
            store: Arc::new(SessionStore::default()),
        }
    }

    /// Any store (tests, or an embedding app).
    pub fn with_store(store: Arc<dyn SecretStore>) -> Vault {
        Vault { store }
    }

    /// Where the secrets live, in words.
    pub fn place(&self) -> String {
        self.store.place()
    }

    fn name(profile: &str, kind: SecretKind) -> String {
        format!("{profile}/{}", kind.as_str())
    }

    /// Saves a secret, replacing any earlier one. Blocking.
    pub fn save(&self, profile: &str, kind: SecretKind, value: &str) -> Result<(), VaultError> {
        let name = Vault::name(profile, kind);
        let old_parts = self.parts(&name)?;
        if value.len() <= CHUNK {
            self.store.set(&name, value)?;
        } else {
            let chunks: Vec<&str> = split_at_char_boundaries(value, CHUNK);
            for (i, chunk) in chunks.iter().enumerate() {
                self.store.set(&format!("{name}#{}", i + 1), chunk)?;
            }
            self.store
                .set(&name, &format!("{CHUNK_MARK}{}", chunks.len()))?;
        }
        let new_parts = self.parts(&name)?;
        for i in (new_parts + 1)..=old_parts {
            self.store.delete(&format!("{name}#{i}"))?;
        }
        Ok(())
    }

    /// How many parts a stored value has (0 when stored whole or absent).
    fn parts(&self, name: &str) -> Result<usize, VaultError> {
        // A value stored whole is the secret itself: wiped once looked at.
        let head = self.store.get(name)?.map(Zeroizing::new);
        Ok(head
            .and_then(|v| v.strip_prefix(CHUNK_MARK).and_then(|n| n.parse().ok()))
            .unwrap_or(0))
    }

    /// Reads a secret of type `S` (`vault.load::<ClientSecret>(name)`); `None` when none is
    /// saved. Blocking.
    pub fn load<S: Kept>(&self, profile: &str) -> Result<Option<S>, VaultError> {
        Ok(self.load_text(profile, S::KIND)?.map(S::from_kept))
    }

    fn load_text(&self, profile: &str, kind: SecretKind) -> Result<Option<String>, VaultError> {
        let name = Vault::name(profile, kind);
        let Some(head) = self.store.get(&name)? else {
            return Ok(None);
        };
        let Some(count) = head
            .strip_prefix(CHUNK_MARK)
            .and_then(|n| n.parse::<usize>().ok())
        else {
            return Ok(Some(head));
        };
        // Each part is wiped once copied, and the whole is allocated once, at its full size, so
        // growing it leaves no stray copies of the first parts behind in freed memory.
        let mut parts = Vec::with_capacity(count);
        for i in 1..=count {
            match self.store.get(&format!("{name}#{i}"))? {
                Some(part) => parts.push(Zeroizing::new(part)),
                None => return Ok(None),
            }
        }
        let mut value = String::with_capacity(parts.iter().map(|p| p.len()).sum());
        for part in &parts {
            value.push_str(part);
        }
        Ok(Some(value))
    }

    /// Removes a secret and its parts; removing a missing one is fine. Blocking.
    pub fn delete(&self, profile: &str, kind: SecretKind) -> Result<(), VaultError> {
        let name = Vault::name(profile, kind);
        for i in 1..=self.parts(&name)? {
            self.store.delete(&format!("{name}#{i}"))?;
        }
        self.store.delete(&name)
    }

    /// Removes every secret of a profile. Blocking.
    pub fn delete_profile(&self, profile: &str) -> Result<(), VaultError> {
        for kind in [
            SecretKind::ClientSecret,
            SecretKind::CertificatePassword,
            SecretKind::RefreshToken,
            SecretKind::Password,
            SecretKind::CertificateKey,
        ] {
            self.delete(profile, kind)?;
        }
        Ok(())
    }
}

fn split_at_char_boundaries(s: &str, max: usize) -> Vec<&str> {
    let mut out = vec![];
    let mut rest = s;
    while !rest.is_empty() {
        let mut end = rest.len().min(max);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_split_and_joined_and_leftovers_removed() {
        let store = Arc::new(SessionStore::default());
        let vault = Vault::with_store(store.clone());
        // Over 2,000 bytes, with multi-byte characters.
        let long: String = "é0123456789".repeat(700);
        vault.save("p", SecretKind::RefreshToken, &long).unwrap();
        let load = || {
            let token = vault.load::<RefreshToken>("p").unwrap();
            token.map(|t| t.expose().to_string())
        };
        assert_eq!(load().as_deref(), Some(long.as_str()));
        assert!(store.0.lock().unwrap().values().all(|v| v.len() <= CHUNK));
        vault.save("p", SecretKind::RefreshToken, "short").unwrap();
        assert_eq!(load().as_deref(), Some("short"));
        assert_eq!(store.0.lock().unwrap().len(), 1, "old parts are gone");
        vault.delete("p", SecretKind::RefreshToken).unwrap();
        vault.delete("p", SecretKind::RefreshToken).unwrap();
        assert_eq!(load(), None);
    }

    #[test]
    fn keyring_errors_get_their_own_explanation() {
        let bus = keyring_core::Error::PlatformFailure(Box::new(std::io::Error::other(
            "Failed to connect to address unix:path=/run/user/0/bus",
        )));
        assert_eq!(VaultError::from_keyring(&bus).code, "KEYRING_NO_SESSION");
        let service = keyring_core::Error::PlatformFailure(Box::new(std::io::Error::other(
            "org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not \
             provided",
        )));
        assert_eq!(
            VaultError::from_keyring(&service).code,
            "KEYRING_NO_SERVICE"
        );
        let locked = keyring_core::Error::NoStorageAccess(Box::new(std::io::Error::other(
            "prompt dismissed",
        )));
        let e = VaultError::from_keyring(&locked);
        assert_eq!(e.code, "KEYRING_LOCKED");
        assert!(e.fix.contains("this session only"));
    }
}
