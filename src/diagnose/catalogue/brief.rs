//! The rest of Microsoft's published codes: every AADSTS code in Microsoft Entra's error
//! reference, and the Power BI, Fabric, refresh and gateway codes collected in
//! `tests/reference/`, each in Keyway's own words, in `data/*.jsonl` (one entry a line).
//!
//! Entries a Power BI connection commonly meets carry numbered steps and a page; the others a
//! short explanation of Microsoft's meaning, and steps chosen by who can fix it.

use super::{Entry, Who};
use crate::diagnose::pages::Page;
use serde::Deserialize;
use std::sync::LazyLock;

const DATA: [&str; 5] = [
    include_str!("data/aadsts-1.jsonl"),
    include_str!("data/aadsts-2.jsonl"),
    include_str!("data/aadsts-3.jsonl"),
    include_str!("data/services-1.jsonl"),
    include_str!("data/services-2.jsonl"),
];

/// One line of a data file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    code: String,
    who: Who,
    title: String,
    cause: String,
    #[serde(default)]
    fix: Vec<String>,
    #[serde(default)]
    page: Option<Page>,
    /// Power BI, Power BI Embedded, refresh or Fabric: the service that answers with it.
    #[serde(default)]
    service: Option<String>,
    /// `code`, `header-value`, `detail-code`, or `message` (a sentence with no code of its own,
    /// found by its words).
    #[serde(default)]
    kind: Option<String>,
    /// The HTTP status it comes with, when a source says.
    #[serde(default)]
    status: Option<u16>,
}

/// What to do, by who can fix it, for an entry with no steps of its own.
fn steps(who: Who) -> &'static [&'static str] {
    match who {
        Who::You => &[
            "Read what happened above, correct it, and try again.",
            "If it keeps happening, create a support report in Keyway and send it to your IT \
             team.",
        ],
        Who::Owner => &[
            "Send this explanation to whoever manages the app or the item it names: the fix is \
             in its settings or its access, not on this computer.",
            "Try again once they have changed it.",
        ],
        Who::Admin => &[
            "Ask your organisation's administrator: the fix is a setting, policy or account only \
             they can change.",
            "Give them the error code and the IDs below, so they can find this attempt.",
            "Try again once they have changed it.",
        ],
        Who::Microsoft => &[
            "This is on Microsoft's side: wait a few minutes and try again.",
            "If it lasts, check Microsoft's service health page, or open a support request with \
             Microsoft, giving the IDs below.",
        ],
    }
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The entries, read once. Static for the life of the process, as the written ones are.
pub static BRIEF: LazyLock<Vec<Entry>> = LazyLock::new(|| {
    DATA.iter()
        .flat_map(|file| file.lines().filter(|l| !l.trim().is_empty()))
        .filter_map(|l| serde_json::from_str::<Line>(l).ok())
        .map(|l| {
            let fix: &'static [&'static str] = if l.fix.is_empty() {
                steps(l.who)
            } else {
                Box::leak(
                    l.fix
                        .into_iter()
                        .map(leak)
                        .collect::<Vec<_>>()
                        .into_boxed_slice(),
                )
            };
            let aadsts = l.code.starts_with("AADSTS");
            Entry {
                code: leak(l.code),
                title: leak(l.title),
                cause: leak(l.cause),
                fix,
                page: l.page.or(aadsts.then_some(Page::ErrorLookup)),
                who: Some(l.who),
                phrase: l.kind.as_deref() == Some("message"),
                detail: l.kind.as_deref() == Some("detail-code"),
                service: l.service.map(leak),
                status: l.status,
            }
        })
        .collect()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_every_data_file_is_an_entry() {
        let lines: usize = DATA
            .iter()
            .map(|f| f.lines().filter(|l| !l.trim().is_empty()).count())
            .sum();
        for file in DATA {
            for l in file.lines().filter(|l| !l.trim().is_empty()) {
                if let Err(e) = serde_json::from_str::<Line>(l) {
                    panic!("{e}: {l}");
                }
            }
        }
        assert_eq!(BRIEF.len(), lines);
        for e in BRIEF.iter() {
            assert!(!e.title.is_empty() && !e.cause.is_empty(), "{}", e.code);
            // Microsoft's texts have placeholders ('{appId}'); Keyway's words have none.
            let aadsts = e.code.starts_with("AADSTS");
            assert!(
                !(aadsts && e.cause.contains('{')),
                "{}: {}",
                e.code,
                e.cause
            );
            assert!(!e.fix.is_empty(), "{}", e.code);
        }
    }
}
