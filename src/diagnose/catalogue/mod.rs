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
    }
}

const SIGN_IN_AGAIN: &[&str] = &[
    "Sign in again in Keyway.",
    "If it keeps happening, create a support report and send it to your IT team.",
];

mod entra;
mod local;
mod oauth;
mod services;

pub use entra::ENTRA;
pub use local::LOCAL;
pub use oauth::OAUTH;
pub use services::{FABRIC, GRAPH, HTTP, POWERBI};

/// Every entry, for listing and tests.
pub fn all() -> impl Iterator<Item = &'static Entry> {
    ENTRA
        .iter()
        .chain(POWERBI)
        .chain(FABRIC)
        .chain(HTTP)
        .chain(LOCAL)
        .chain(OAUTH)
        .chain(GRAPH)
}

/// The entry for an exact code.
pub fn find(code: &str) -> Option<&'static Entry> {
    all().find(|e| e.code.eq_ignore_ascii_case(code))
}
