//! The practice organisation: Keyway's emulator of Entra ID, Power BI, Fabric and Graph
//! (`fakecloud`) running inside Keyway on 127.0.0.1, on a free port, with a certificate authority
//! of its own that only the practice session trusts. Every flow works against it on a machine
//! that reaches no Microsoft host; nothing in it touches a real connection.
//!
//! The practice credentials are those of the shipped scenario (`fakecloud/scenarios/`), listed
//! in the README.

mod other_side;

pub use other_side::{Control, Fix, PERSON};

use crate::cloud::CustomEndpoints;
use crate::diagnose::Explanation;
use crate::profile::ProfileStore;
use crate::vault::Vault;
use crate::wizard::Session;
use std::path::PathBuf;

/// Contoso, the practice organisation that has a working embed app.
pub const TENANT: &str = "contoso.onmicrosoft.com";

/// A practice organisation, running for as long as this lives (or until [`Practice::stop`]).
pub struct Practice {
    running: Option<fakecloud::Running>,
    /// Every address of the practice cloud: all on 127.0.0.1.
    pub endpoints: CustomEndpoints,
    /// Practice connections: a folder of their own, removed when practice ends.
    dir: PathBuf,
    /// Practice secrets: in memory only, never in the system's keyring.
    vault: Vault,
}

impl Practice {
    /// Starts the practice organisation.
    pub async fn start() -> Result<Practice, Explanation> {
        let options = fakecloud::Options::default();
        let running = fakecloud::start(fakecloud::Scenario::contoso(), options)
            .await
            .map_err(|e| {
                Explanation::new(
                    "PRACTICE_NOT_STARTED",
                    "The practice organisation could not start",
                    e.to_string(),
                    vec!["Try again; if it keeps failing, create a support report.".into()],
                )
            })?;
        let endpoints = CustomEndpoints {
            authority_host: running.https_url.clone(),
            powerbi_api: running.https_url.clone(),
            fabric_api: Some(format!("{}/v1", running.https_url)),
            ..Default::default()
        };
        let dir = std::env::temp_dir().join(format!("keyway-practice-{}", uuid::Uuid::new_v4()));
        Ok(Practice {
            running: Some(running),
            endpoints,
            dir,
            vault: Vault::session_only(),
        })
    }

    fn running(&self) -> Result<&fakecloud::Running, Explanation> {
        self.running.as_ref().ok_or_else(|| {
            Explanation::new(
                "PRACTICE_STOPPED",
                "Practice has ended",
                "The practice organisation is no longer running.",
                vec!["Start practice again from the home screen.".into()],
            )
        })
    }

    /// The practice certificate authority's file (removed when practice ends).
    pub fn ca_path(&self) -> Option<&std::path::Path> {
        self.running.as_ref().map(|r| r.ca_path.as_path())
    }

    /// Every address the practice session may reach: the practice cloud's own, on 127.0.0.1.
    pub fn addresses(&self) -> Vec<String> {
        let e = &self.endpoints;
        let mut all = vec![e.authority_host.clone(), e.powerbi_api.clone()];
        all.extend(e.fabric_api.clone());
        all
    }

    /// Where practice connections are saved: never the real profile file.
    pub fn store(&self) -> ProfileStore {
        ProfileStore::at(self.dir.join("profiles.json"))
    }

    /// Where practice secrets are kept: in memory, never the system's keyring.
    pub fn vault(&self) -> Vault {
        self.vault.clone()
    }

    /// A session that trusts the practice cloud's authority and addresses, and nothing else
    /// extra.
    pub fn session(&self) -> Result<Session, Explanation> {
        let ca = self.running.as_ref().map(|r| r.ca_pem.as_bytes());
        let session = Session::new(ca)?;
        session.trust_custom_cloud(self.endpoints.clone())?;
        Ok(session)
    }

    /// Stops it and removes what it wrote: its certificate authority's file and the practice
    /// connections.
    pub fn stop(mut self) {
        self.leave();
    }

    fn leave(&mut self) {
        if let Some(r) = self.running.take() {
            let ca = r.ca_path.clone();
            r.stop();
            let _ = std::fs::remove_file(ca);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Drop for Practice {
    fn drop(&mut self) {
        self.leave();
    }
}
