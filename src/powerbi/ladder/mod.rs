//! The check ladder: is everything in place for the person's goal, and if not, what is missing?
//!
//! Token → consent → tenant switch → security group → workspace role → each call the goal
//! needs.
//! Every HTTP probe starts as soon as what it needs is known, so independent probes run at the
//! same time; each item is reported the moment its own evidence is in. Items are then read in
//! ladder order: when a lower rung fails, the rungs that depend on it say "skipped" and why,
//! instead of repeating the same refusal.
//!
//! The parts: `plan` says which items a goal needs, `run` starts the calls and streams the
//! items, and `rungs` holds what each item checks and how it explains a failure.

use super::Evidence;
use crate::diagnose::Explanation;
use crate::goal::Goal;
use serde::Serialize;
use std::time::Duration;

mod plan;
mod run;
mod rungs;

pub use plan::items_for;
pub use run::{run, sign_in_failed};

/// What to check.
#[derive(Debug, Clone)]
pub struct Plan {
    /// What the person wants to do.
    pub goal: Goal,
    /// The workspace the goal uses; when absent, the only one the caller can see.
    pub workspace: Option<String>,
    /// Also run the probes that change something (start a refresh, make and remove a dataset).
    pub allow_changes: bool,
    /// For "call the API as myself": the delegated permissions the person picked.
    pub scopes: Vec<String>,
    /// How long to wait between scan status polls.
    pub scan_poll: Duration,
    /// How many times to poll a scan before giving up.
    pub scan_polls: u32,
    /// Run one item (and one call) at a time, for measuring what the parallel ladder saves.
    pub sequential: bool,
}

impl Plan {
    /// A read-only plan for a goal.
    pub fn new(goal: Goal) -> Plan {
        Plan {
            goal,
            workspace: None,
            allow_changes: false,
            scopes: vec![],
            scan_poll: Duration::from_secs(2),
            scan_polls: 15,
            sequential: false,
        }
    }
}

/// An item's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// In place.
    Pass,
    /// Missing or refused; `problem` says why and what to do.
    Fail,
    /// Not run; `summary` says why.
    Skipped,
}

/// One rung of the ladder.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// Stable ID: `token`, `consent`, `tenant-switch`, …
    pub id: &'static str,
    /// What is checked, as a statement: "Power BI allows this app".
    pub title: String,
    /// The result.
    pub status: Status,
    /// Not needed for the goal to work (advice, or a change the person did not opt in to).
    pub optional: bool,
    /// What was found, in one line.
    pub summary: String,
    /// The calls behind the verdict.
    pub evidence: Vec<Evidence>,
    /// When failed: cause, fix steps and the page to fix it on.
    pub problem: Option<Explanation>,
}

/// Progress, item by item.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// The ladder for this goal: every item, in order, before any runs.
    Planned {
        /// Item IDs and titles.
        items: Vec<Planned>,
    },
    /// One item is done.
    Finished {
        /// The result.
        item: Box<Item>,
    },
    /// A service asked Keyway to slow down, and it is waiting before asking again.
    Waiting {
        /// How long, in whole seconds.
        seconds: u64,
        /// Who asked: "Power BI" or "Fabric".
        what: String,
    },
}

/// An item announced before it runs.
#[derive(Debug, Clone, Serialize)]
pub struct Planned {
    /// Item ID.
    pub id: &'static str,
    /// Item title.
    pub title: String,
}

/// The whole ladder's result.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// The goal checked.
    pub goal: Goal,
    /// Every needed item passed.
    pub ok: bool,
    /// The workspace checked, when there was one.
    pub workspace: Option<String>,
    /// Every item, in ladder order.
    pub items: Vec<Item>,
}

impl Outcome {
    fn new(goal: Goal, workspace: Option<String>, mut items: Vec<Item>, order: &[Planned]) -> Self {
        items.sort_by_key(|i| order.iter().position(|p| p.id == i.id));
        let ok = items.iter().all(|i| i.optional || i.status == Status::Pass);
        Outcome {
            goal,
            ok,
            workspace,
            items,
        }
    }

    /// The result as text for a terminal: one line per item, and under each problem its cause,
    /// numbered fix steps, page and evidence.
    pub fn to_text(&self) -> String {
        let mut out = vec![format!("Checks for \"{}\":", self.goal.title())];
        for i in &self.items {
            let mark = match (i.status, i.optional) {
                (Status::Pass, _) => "[ok]  ",
                (Status::Fail, false) => "[FAIL]",
                (Status::Fail, true) => "[warn]",
                (Status::Skipped, _) => "[skip]",
            };
            out.push(format!("{mark} {}: {}", i.title, i.summary));
            if let Some(p) = &i.problem {
                out.push(format!("       Why: {}", p.cause));
                out.extend(
                    p.fix
                        .iter()
                        .enumerate()
                        .map(|(n, step)| format!("       {}. {step}", n + 1)),
                );
                if let Some(link) = &p.link {
                    out.push(format!(
                        "       Open {}: {link}",
                        p.link_label.as_deref().unwrap_or("the page")
                    ));
                }
                for e in &i.evidence {
                    let mut line = format!("       Evidence: {}", e.request);
                    if let Some(s) = e.http_status {
                        line.push_str(&format!(" -> {s}"));
                    }
                    for v in [&e.code, &e.error_info].into_iter().flatten() {
                        line.push_str(&format!(" {v}"));
                    }
                    if let Some(r) = &e.request_id {
                        line.push_str(&format!(" (request ID {r})"));
                    }
                    out.push(line);
                }
                let ids: Vec<String> = [
                    ("Trace ID", &p.trace_id),
                    ("Correlation ID", &p.correlation_id),
                ]
                .into_iter()
                .filter_map(|(k, v)| Some(format!("{k}: {}", v.as_ref()?)))
                .collect();
                if !ids.is_empty() {
                    out.push(format!("       {}", ids.join("; ")));
                }
            }
        }
        let count = |s: Status| {
            self.items
                .iter()
                .filter(|i| !i.optional && i.status == s)
                .count()
        };
        let (failed, waiting) = (count(Status::Fail), count(Status::Skipped));
        out.push(match (failed, waiting) {
            (0, 0) => "Everything this goal needs is in place.".to_string(),
            (1, 0) => "1 problem to fix.".to_string(),
            (f, 0) => format!("{f} problems to fix."),
            (f, w) => format!("{f} problem(s) to fix; {w} check(s) could not run until then."),
        });
        out.join("\n")
    }

    /// The first needed item that did not pass.
    pub fn first_problem(&self) -> Option<&Item> {
        self.items
            .iter()
            .find(|i| !i.optional && i.status != Status::Pass)
    }
}
