//! Every error of the core, as an [`Explanation`]: the one shape both shells show a person.
//!
//! The desktop commands and the CLI never map errors by hand; they use `?` and these
//! conversions, so a keyring, profile, sign-in or connection problem reads the same in the window
//! and in the terminal.

use super::{explain_auth_error, Context, Explanation};
use crate::auth::error::AuthError;
use crate::cloud::{CloudError, UnknownCloud};
use crate::http::ClientError;
use crate::profile::ProfileError;
use crate::validate::FieldProblem;
use crate::vault::VaultError;

impl From<AuthError> for Explanation {
    /// Without a context: links point at the cloud's generic pages. Callers that know the
    /// tenant and app use [`explain_auth_error`] for links to that app's own pages.
    fn from(e: AuthError) -> Self {
        explain_auth_error(&e, &Context::default())
    }
}

impl From<FieldProblem> for Explanation {
    fn from(p: FieldProblem) -> Self {
        explain_auth_error(&AuthError::Invalid(p), &Context::default())
    }
}

impl From<VaultError> for Explanation {
    fn from(e: VaultError) -> Self {
        Explanation {
            message: Some(e.detail.clone()),
            ..Explanation::new(e.code, e.message, e.detail, vec![e.fix])
        }
    }
}

impl From<ProfileError> for Explanation {
    fn from(e: ProfileError) -> Self {
        let (title, fix) = match &e {
            ProfileError::Unreadable { .. } => (
                "Your saved connections could not be read",
                "Set up the connections again; the old file is kept if your IT team needs it.",
            ),
            ProfileError::Io { .. } => (
                "Your saved connections could not be read or written",
                "Check that the folder exists and that you may write to it, then try again.",
            ),
            ProfileError::NotFound(_) => (
                "There is no saved connection of that name",
                "Check the name (keyway profile list shows them all).",
            ),
            ProfileError::Exists(_) => (
                "A connection with this name already exists",
                "Choose another name, or replace the saved one.",
            ),
        };
        Explanation::new(e.code(), title, e.to_string(), vec![fix.into()])
    }
}

impl From<ClientError> for Explanation {
    fn from(e: ClientError) -> Self {
        let fix = match e {
            ClientError::Start(_) => {
                "Restart Keyway; if it keeps happening, create a support report."
            }
            _ => concat!(
                "Check the certificate authority file (Settings, KEYWAY_CA_CERT or --ca-cert): ",
                "it must be readable and hold PEM certificates."
            ),
        };
        Explanation::new(
            e.code(),
            "Keyway can't set up secure connections",
            e.to_string(),
            vec![fix.into()],
        )
    }
}

impl From<CloudError> for Explanation {
    fn from(e: CloudError) -> Self {
        Explanation::new(
            "CUSTOM_CLOUD_INVALID",
            "The custom cloud's addresses are not usable",
            e.to_string(),
            vec!["Open Settings and correct the custom cloud's addresses.".into()],
        )
    }
}

impl From<UnknownCloud> for Explanation {
    fn from(e: UnknownCloud) -> Self {
        Explanation::new(
            "CLOUD_UNKNOWN",
            "This cloud is not one Keyway knows",
            e.to_string(),
            vec!["Choose public, gcc, gcchigh, dod, china or custom.".into()],
        )
    }
}

impl From<tokio::task::JoinError> for Explanation {
    /// A blocking task (the keyring) panicked or was cancelled.
    fn from(e: tokio::task::JoinError) -> Self {
        Explanation::new(
            "INTERNAL",
            "Keyway had an internal problem",
            e.to_string(),
            vec!["Try again; if it keeps happening, create a support report.".into()],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_core_error_keeps_its_code_and_says_what_to_do() {
        let vault = VaultError {
            code: "KEYRING_LOCKED",
            message: "Your keyring is locked.".into(),
            fix: "Unlock it.".into(),
            detail: "NoStorageAccess".into(),
        };
        let x = Explanation::from(vault);
        assert_eq!((x.code.as_str(), x.fix.len()), ("KEYRING_LOCKED", 1));
        assert_eq!(x.message.as_deref(), Some("NoStorageAccess"));
        let x = Explanation::from(ProfileError::Exists("Sales".into()));
        assert_eq!(x.code, "PROFILE_EXISTS");
        assert!(x.cause.contains("\"Sales\" already exists"), "{}", x.cause);
        let x = Explanation::from(ClientError::CaEmpty);
        assert_eq!(x.code, "CA_CERT_INVALID");
        let x = Explanation::from(crate::validate::client_id("nope").unwrap_err());
        assert_eq!(x.code, "CLIENT_ID_SHAPE");
        assert!(x.fix[0].contains("application (client) ID"), "{:?}", x.fix);
        let x = Explanation::from(CloudError::NoAddresses);
        assert_eq!(x.code, "CUSTOM_CLOUD_INVALID");
    }
}
