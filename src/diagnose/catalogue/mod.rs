//! Keyway's own explanations, one per error a person can meet on the way to Power BI.
//!
//! Written for someone who has never heard of OAuth: what happened, why, and what to do, in that
//! order. Facts come from `shared/reference/entra-powerbi-facts.json`; the words are ours.

use super::pages::Page;

/// One explanation.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// `AADSTS7000215`, `PowerBINotAuthorizedException`, `HTTP_429`, `TRANSPORT_TIMEOUT`, …
    pub code: &'static str,
    /// What happened, in a few words.
    pub title: &'static str,
    /// Why it usually happens.
    pub cause: &'static str,
    /// What to do, step by step.
    pub fix: &'static [&'static str],
    /// Where the fix is made.
    pub page: Option<Page>,
    /// Who can fix it, when the entry says (the brief ones do).
    pub who: Option<Who>,
    /// A sentence a service says with no code of its own: found by its words in a text.
    pub phrase: bool,
    /// A code found only among a Power BI error's details: the error's own code says more.
    pub detail: bool,
    /// The service that answers with it (`powerbi`, `powerbi-embed`, `powerbi-refresh`,
    /// `fabric`), for the brief ones.
    pub service: Option<&'static str>,
    /// The HTTP status it comes with, when known.
    pub status: Option<u16>,
}

/// Who can fix an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Who {
    /// The person signing in or making the call.
    You,
    /// Whoever manages the app registration, or owns the workspace or item.
    Owner,
    /// An administrator of the organisation (Entra, Power BI or Fabric).
    Admin,
    /// Microsoft: a fault on its side.
    Microsoft,
}

impl Who {
    /// In words, for "Who can fix it".
    pub fn words(self) -> &'static str {
        match self {
            Who::You => "you",
            Who::Owner => "whoever manages the app, workspace or item",
            Who::Admin => "your organisation's administrator",
            Who::Microsoft => "Microsoft",
        }
    }
}

const fn e(
    code: &'static str,
    title: &'static str,
    cause: &'static str,
    fix: &'static [&'static str],
    page: Option<Page>,
) -> Entry {
    Entry {
        code,
        title,
        cause,
        fix,
        page,
        who: None,
        phrase: false,
        detail: false,
        service: None,
        status: None,
    }
}

const SIGN_IN_AGAIN: &[&str] = &[
    "Sign in again in Keyway.",
    "If it keeps happening, create a support report and send it to your IT team.",
];

mod brief;
mod entra;
mod local;
mod oauth;
mod services;

pub use entra::ENTRA;
pub use local::LOCAL;
pub use oauth::OAUTH;
pub use services::{FABRIC, GRAPH, HTTP, POWERBI};

/// Every entry Keyway has: the written ones first (they win), then the brief ones.
pub fn all() -> impl Iterator<Item = &'static Entry> {
    written().chain(brief::BRIEF.iter())
}

/// The entries written out in full, each with its steps.
pub fn written() -> impl Iterator<Item = &'static Entry> {
    ENTRA
        .iter()
        .chain(POWERBI)
        .chain(FABRIC)
        .chain(HTTP)
        .chain(LOCAL)
        .chain(OAUTH)
        .chain(GRAPH)
}

/// Sentences a service says without a code, that a written entry explains under a name.
const SAID_AS: [(&str, &str); 1] = [(
    "API is not accessible for application",
    "ApiNotAccessibleForApplication",
)];

/// Every entry by its code in lower case, built once: a written entry wins over a brief one of
/// the same code.
static BY_CODE: std::sync::LazyLock<std::collections::HashMap<String, &'static Entry>> =
    std::sync::LazyLock::new(|| {
        let mut index = std::collections::HashMap::new();
        for entry in all() {
            index.entry(entry.code.to_lowercase()).or_insert(entry);
        }
        index
    });

/// The entry for a code, in any case (or a sentence a written entry explains).
pub fn find(code: &str) -> Option<&'static Entry> {
    let code = SAID_AS
        .iter()
        .find(|(said, _)| said.eq_ignore_ascii_case(code))
        .map_or(code, |(_, name)| name);
    BY_CODE.get(&code.to_lowercase()).copied()
}
