//! Keyway's core: everything the desktop wizard and the `keyway` CLI share.
//!
//! Nothing here depends on Tauri, so every piece of protocol logic is tested with plain
//! `cargo test`. The desktop shell (`src-tauri/`) only turns these functions into commands.

pub mod auth;
pub mod clock;
pub mod cloud;
pub mod diagnose;
#[doc(hidden)]
pub mod fuzzing;
pub mod goal;
pub mod graph;
pub mod http;
pub mod limits;
pub mod log;
pub mod powerbi;
pub mod practice;
pub mod profile;
pub mod report;
pub mod retry;
pub mod secret;
pub mod setup;
pub mod snippets;
pub mod text;
pub mod validate;
pub mod vault;
pub mod wizard;

use serde::Serialize;

pub use cloud::{Cloud, CloudId};
pub use goal::{Goal, GoalInfo, Method, MethodInfo};

/// Keyway's version, from the package.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the first wizard step needs: who we are, and the choices it offers.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// Keyway's version.
    pub version: String,
    /// The operating system family, as Rust names it (`linux`, `windows`, `macos`).
    pub os: String,
    /// Goals, in the order they are offered.
    pub goals: Vec<GoalInfo>,
    /// Sign-in methods, in the order they are offered.
    pub methods: Vec<MethodInfo>,
    /// Built-in clouds, most common first.
    pub clouds: Vec<Cloud>,
    /// Where saved secrets go on this system, in words.
    pub keyring: String,
}

/// The data behind the first wizard step (and `keyway clouds`).
pub fn app_info() -> AppInfo {
    AppInfo {
        version: VERSION.to_string(),
        os: std::env::consts::OS.to_string(),
        keyring: vault::system_keyring_name().to_string(),
        goals: Goal::ALL.into_iter().map(GoalInfo::from).collect(),
        methods: Method::ALL.into_iter().map(MethodInfo::from).collect(),
        clouds: Cloud::all(),
    }
}
