//! Saving a connection: its secret (or refresh token, or the certificate Keyway made) to the
//! keyring first, then the rest to the profile file, with the session's last check.

use super::session::no_kept_certificate;
use super::trust::secret_key;
use super::{Draft, Saved, Session};
use crate::auth::ClientCertificate;
use crate::clock::now;
use crate::diagnose::Explanation;
use crate::goal::Method;
use crate::profile::{Profile, ProfileStore};
use crate::report::mask;
use crate::secret::{CertificateKey, CertificatePassword, ClientSecret, Password, Zeroizing};
use crate::vault::{SecretKind, Vault, VaultError};

impl Session {
    /// Saves the connection: the secret (or refresh token) to the keyring, the rest to the
    /// profile file, with the last check of this session. Blocking (the keyring): call from a
    /// blocking task.
    pub fn save(
        &self,
        name: &str,
        replace: bool,
        secret_expires: Option<String>,
        store: &ProfileStore,
        vault: impl FnOnce() -> Result<Vault, VaultError>,
    ) -> Result<Saved, Explanation> {
        let draft = self.lock().draft.clone().ok_or_else(|| {
            Explanation::new(
                "NOT_SIGNED_IN",
                "Sign in first",
                "Keyway saves a connection once it has signed in with it.",
                vec!["Go back and get a token.".into()],
            )
        })?;
        self.save_draft(draft, name, replace, secret_expires, store, vault)
    }

    /// Saves answers that were not signed in with (`keyway profile save`), with the secrets
    /// typed in this session. A certificate must load. Blocking (the keyring).
    pub fn save_draft(
        &self,
        draft: Draft,
        name: &str,
        replace: bool,
        secret_expires: Option<String>,
        store: &ProfileStore,
        vault: impl FnOnce() -> Result<Vault, VaultError>,
    ) -> Result<Saved, Explanation> {
        let name = name.trim();
        if name.is_empty() || name.len() > 80 || name.contains(['/', '\\', '\n']) {
            return Err(Explanation::new(
                "NAME_INVALID",
                "Give the connection a short name",
                "The name is empty, too long, or has a slash or a line break in it.",
                vec!["Use a few words, such as \"Sales embed\".".into()],
            ));
        }
        if let Some(d) = &secret_expires {
            super::cards::check_date(d)?;
        }
        let inner = self.lock();
        if let (Some(path), None) = (&draft.certificate_path, &inner.token) {
            let key = draft.certificate_key.as_deref();
            ClientCertificate::load(path, key, inner.certificate_password.as_ref(), now())?;
        }
        if draft.certificate_in_keyring && inner.certificate_key.is_none() {
            return Err(no_kept_certificate());
        }
        let method = draft.method()?;
        // Copies for the keyring, wiped when this returns.
        let mut secrets: Vec<(SecretKind, Zeroizing<String>)> = vec![];
        let mut keep = |kind, value: Option<&str>| {
            if let Some(v) = value {
                secrets.push((kind, Zeroizing::new(v.to_string())));
            }
        };
        match method {
            Method::ClientSecret => keep(
                SecretKind::ClientSecret,
                inner.client_secret.as_ref().map(ClientSecret::expose),
            ),
            Method::Certificate if draft.certificate_in_keyring => keep(
                SecretKind::CertificateKey,
                inner.certificate_key.as_ref().map(CertificateKey::expose),
            ),
            Method::Certificate => keep(
                SecretKind::CertificatePassword,
                inner
                    .certificate_password
                    .as_ref()
                    .map(CertificatePassword::expose),
            ),
            Method::Password => keep(
                SecretKind::Password,
                inner.password.as_ref().map(Password::expose),
            ),
            Method::Browser | Method::DeviceCode => keep(
                SecretKind::RefreshToken,
                inner
                    .token
                    .as_ref()
                    .and_then(|t| t.refresh_token.as_ref())
                    .map(|t| t.expose()),
            ),
        }
        let last_check = inner.last_check.clone();
        drop(inner);
        let draft = self.adopt(draft)?;
        let cloud = self.cloud(draft.cloud)?;
        let old = store.get(name).ok();
        // A name in use is refused before anything is written, so no saved secret is replaced.
        if !replace && old.is_some() {
            return Err(Explanation::new(
                "PROFILE_EXISTS",
                format!("A connection named \"{name}\" already exists"),
                "Saving would replace it and its secret.",
                vec!["Choose another name, or replace the saved one.".into()],
            ));
        }
        // Replacing a connection on another sign-in host: its old secrets go, so none of them
        // can ever be sent to the new host.
        let old = old.filter(|o| o.authority().as_ref() != Some(&cloud.authority_host));
        let forget = old.as_ref().is_some_and(|o| o.secret_location.is_some());
        // The keyring first: if it is locked or missing, nothing is half-saved.
        let vault = if secrets.is_empty() && !forget {
            None
        } else {
            Some(vault()?)
        };
        if let (Some(old), Some(v)) = (&old, &vault) {
            super::cards::forget_secrets(old, v)?;
        }
        let vault = vault.filter(|_| !secrets.is_empty());
        if let Some(v) = &vault {
            for (kind, value) in &secrets {
                v.save(&secret_key(name, &cloud), *kind, value)?;
            }
        }
        let profile = Profile {
            name: name.to_string(),
            cloud: draft.cloud,
            custom: draft.custom.clone(),
            tenant: draft.tenant.trim().to_string(),
            client_id: draft.client_id.trim().to_string(),
            method,
            username: draft.username.clone().filter(|u| !u.trim().is_empty()),
            certificate_path: draft.certificate_path.clone(),
            certificate_thumbprint: None,
            certificate_in_keyring: draft.certificate_in_keyring,
            goal: draft.goal,
            workspace: draft.workspace.clone().filter(|w| !w.trim().is_empty()),
            scopes: draft.scopes.clone(),
            secret_expires,
            secret_location: vault.as_ref().map(Vault::place),
            last_check,
        };
        store.put(profile, replace)?;
        // Saved: the typed secrets are in the keyring now and need not stay in memory.
        self.lock().drop_typed();
        tracing::info!(
            method = method.as_str(),
            secrets = secrets.len(),
            client_id = mask(&draft.client_id),
            "connection saved"
        );
        Ok(Saved {
            name: name.to_string(),
            secret_location: vault.as_ref().map(Vault::place),
            profile_file: store.path().display().to_string(),
        })
    }
}
