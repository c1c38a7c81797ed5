//! Where secrets may go. The built-in clouds' hosts are fixed in code; a custom cloud is used
//! only once the person typed it (Settings, the CLI's options) or confirmed a preset's hosts on
//! a screen that shows each one in full. The session holds that choice in Rust: the window
//! names a cloud by its ID, and never hands the core a set of addresses to send a secret to.

use super::{Draft, Session};
use crate::cloud::{Cloud, CloudId, CustomEndpoints};
use crate::diagnose::Explanation;
use crate::profile::{Profile, ProfileStore};
use crate::vault::{Kept, Vault, VaultError};
use serde::Serialize;

/// A preset as read: its answers, and the hosts of its custom cloud that the person must
/// confirm before anything is sent there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PresetRead {
    /// The answers (no secret).
    pub draft: Draft,
    /// Each address of the preset's custom cloud, in full; empty for a built-in cloud.
    pub custom_hosts: Vec<String>,
}

/// Every address a custom cloud makes Keyway contact, in full, the sign-in service (where a
/// secret goes) first, for a person to confirm.
pub fn custom_hosts(cloud: &Cloud) -> Vec<String> {
    let mut hosts = vec![cloud.authority_host.clone(), cloud.powerbi_api.clone()];
    hosts.extend(cloud.fabric_api.clone());
    hosts.push(cloud.graph.clone());
    let mut seen = std::collections::HashSet::new();
    hosts.retain(|h| seen.insert(h.clone()));
    hosts
}

fn not_confirmed() -> Explanation {
    Explanation::new(
        "CUSTOM_CLOUD_NOT_CONFIRMED",
        "The custom cloud's addresses were not confirmed",
        "Keyway sends a secret only to Microsoft's clouds, or to addresses you typed in \
         Settings or confirmed when you opened a preset.",
        vec![
            "Open Settings and type the addresses, or open the preset again and confirm them."
                .into(),
        ],
    )
}

impl Session {
    /// The cloud with this ID: a built-in one, or the custom cloud this session was given.
    pub fn cloud(&self, id: CloudId) -> Result<Cloud, Explanation> {
        match id {
            CloudId::Custom => {
                let trusted = self.lock().trusted_custom.clone();
                Ok(Cloud::custom(trusted.ok_or_else(not_confirmed)?)?)
            }
            id => Ok(Cloud::resolve(id, None)?),
        }
    }

    /// The draft with the session's own addresses for its cloud: whatever custom addresses
    /// the window sent are replaced by the ones typed or confirmed.
    pub fn adopt(&self, mut draft: Draft) -> Result<Draft, Explanation> {
        draft.custom = match draft.cloud {
            CloudId::Custom => Some(
                self.lock()
                    .trusted_custom
                    .clone()
                    .ok_or_else(not_confirmed)?,
            ),
            _ => None,
        };
        Ok(draft)
    }

    /// A custom cloud the person typed (Settings, or the CLI's options).
    pub fn trust_custom_cloud(&self, endpoints: CustomEndpoints) -> Result<Cloud, Explanation> {
        let cloud = Cloud::custom(endpoints.clone())?;
        self.lock().trusted_custom = Some(endpoints);
        Ok(cloud)
    }

    /// A saved connection's cloud, which becomes this session's: a custom one was typed or
    /// confirmed when the connection was saved or imported.
    pub(super) fn cloud_of(&self, profile: &Profile) -> Result<Cloud, Explanation> {
        if profile.cloud == CloudId::Custom {
            self.lock().trusted_custom = profile.custom.clone();
        }
        self.cloud(profile.cloud)
    }

    /// Reads a preset. A custom cloud in it is held back until the person confirms its hosts
    /// ([`Session::trust_preset_cloud`]).
    pub fn read_preset(&self, bytes: &[u8]) -> Result<PresetRead, Explanation> {
        let profile = super::read_preset(bytes)?;
        let (custom, custom_hosts) = match (profile.cloud, &profile.custom) {
            (CloudId::Custom, Some(ep)) => {
                (Some(ep.clone()), custom_hosts(&Cloud::custom(ep.clone())?))
            }
            _ => (None, vec![]),
        };
        self.lock().pending_custom = custom;
        Ok(PresetRead {
            draft: Draft::from_profile(&profile),
            custom_hosts,
        })
    }

    /// The person confirmed the preset's hosts: its custom cloud becomes this session's.
    pub fn trust_preset_cloud(&self) -> Result<(), Explanation> {
        let mut inner = self.lock();
        let pending = inner.pending_custom.take().ok_or_else(not_confirmed)?;
        inner.trusted_custom = Some(pending);
        Ok(())
    }

    /// Opens a page of this cloud in the system browser (only its own Microsoft pages).
    pub fn open_page(&self, id: CloudId, url: &str) -> Result<(), Explanation> {
        let cloud = self.cloud(id)?;
        super::open_page(&cloud, url).map_err(|e| {
            Explanation::new(
                "BROWSER_FAILED",
                "The page could not be opened",
                e.to_string(),
                vec![format!("Open this address in your browser yourself: {url}")],
            )
        })
    }
}

/// Imports a preset as a saved connection. A custom cloud is refused, naming its hosts, unless
/// `trust_custom_cloud` says the person confirmed them. Replacing a connection that signed in
/// elsewhere drops its old secrets. Blocking (the keyring, when secrets must go).
pub fn import_preset(
    store: &ProfileStore,
    bytes: &[u8],
    replace: bool,
    trust_custom_cloud: bool,
    vault: impl FnOnce() -> Result<Vault, VaultError>,
) -> Result<Profile, Explanation> {
    let profile = super::read_preset(bytes)?;
    let custom = (profile.cloud == CloudId::Custom && !trust_custom_cloud)
        .then(|| Cloud::custom(profile.custom.clone().unwrap_or_default()))
        .transpose()?;
    if let Some(cloud) = custom {
        let hosts = custom_hosts(&cloud);
        return Err(Explanation::new(
            "PRESET_CUSTOM_CLOUD",
            "This preset sends secrets to a custom cloud",
            format!(
                "The preset names its own addresses, not Microsoft's: {}. A secret used with it \
                 would be sent there.",
                hosts.join(", ")
            ),
            vec![
                "Check with your help desk that these addresses are your organisation's.".into(),
                "Then import it again with --trust-custom-cloud.".into(),
            ],
        ));
    }
    let old = store.get(&profile.name).ok();
    if !replace && old.is_some() {
        return Err(crate::profile::ProfileError::Exists(profile.name).into());
    }
    if let Some(old) = old.filter(|o| o.authority() != profile.authority()) {
        if old.secret_location.is_some() {
            super::cards::forget_secrets(&old, &vault()?)?;
        }
    }
    store.put(profile.clone(), replace)?;
    Ok(profile)
}

/// Where a connection's secrets live in the keyring: under its name AND the sign-in host they
/// were saved for, so a secret is never read for (and sent to) another host — not after a
/// preset replaced the connection, nor after its file was edited.
pub fn secret_key(name: &str, cloud: &Cloud) -> String {
    format!("{name}@{}", cloud.authority_host)
}

/// Reads one secret from the keyring off the async runtime (keyring calls block). Secrets saved
/// before they were bound to a host are read only for a built-in cloud, whose hosts are fixed.
pub(super) async fn load_kept<S: Kept + Send + 'static>(
    vault: &Vault,
    name: &str,
    cloud: &Cloud,
) -> Result<Option<S>, Explanation> {
    let (vault, key, legacy) = (vault.clone(), secret_key(name, cloud), name.to_string());
    let builtin = cloud.id != CloudId::Custom;
    super::blocking(move || match vault.load::<S>(&key)? {
        None if builtin => Ok(vault.load::<S>(&legacy)?),
        found => Ok(found),
    })
    .await
}
