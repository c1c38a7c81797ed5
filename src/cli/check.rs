//! `keyway check`: sign in, then run the check ladder for the goal and print each item.

use super::token::SignInArgs;
use super::{finish, to_json, Failure};
use clap::Args;
use keyway::diagnose::Explanation;
use keyway::powerbi::ladder::Plan;
use keyway::profile::ProfileStore;
use keyway::Goal;
use std::process::ExitCode;

/// What `keyway check` checks.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    sign_in: SignInArgs,
    /// What the credential is for (default: the profile's goal).
    #[arg(long)]
    goal: Option<Goal>,
    /// The workspace to check (default: the profile's, or the only one visible).
    #[arg(long)]
    workspace: Option<String>,
    /// Also run the checks that change something: start a refresh, create and delete a push
    /// dataset.
    #[arg(long)]
    allow_changes: bool,
}

/// `keyway check`: exit status 0 only when every needed item passes.
pub async fn run(args: CheckArgs) -> ExitCode {
    let json = args.sign_in.json;
    match check(args).await {
        Ok(outcome) => {
            if json {
                println!("{}", to_json(&outcome));
            } else {
                println!("{}", outcome.to_text());
            }
            ExitCode::from(if outcome.ok { 0 } else { 1 })
        }
        Err(f) => finish(Err(f), json),
    }
}

/// What a terminal shows while the checks run: only the waits, as the result follows.
fn show_check(event: keyway::powerbi::ladder::Event) {
    if let keyway::powerbi::ladder::Event::Waiting { seconds, what } = event {
        let wait = keyway::retry::Waiting { seconds, what };
        eprintln!("{}...", wait.to_text());
    }
}

async fn check(args: CheckArgs) -> Result<keyway::powerbi::ladder::Outcome, Failure> {
    // A workspace typed here goes into API paths: only a GUID is accepted, before signing in.
    let typed = args
        .workspace
        .as_deref()
        .map(keyway::validate::workspace_id)
        .transpose()
        .map_err(Failure::usage)?;
    let prepared = args.sign_in.prepare().await?;
    let draft = &prepared.draft;
    let goal = args.goal.or(draft.goal).ok_or_else(|| {
        Failure::usage(Explanation::new(
            "GOAL_MISSING",
            "Say what the credential is for",
            "Say what the credential is for: --goal embed, data, admin or delegated.",
            vec![],
        ))
    })?;
    let mut plan = Plan::new(goal);
    plan.workspace = typed.or_else(|| draft.workspace.clone());
    plan.allow_changes = args.allow_changes;
    plan.scopes = draft.scopes.clone();
    let session = &prepared.session;
    let outcome = match prepared.sign_in().await {
        Ok(_) => session.check(plan, &show_check).await?,
        Err(problem) => session.check_without_token(draft, &plan, problem),
    };
    if let (Some(name), Some(last)) = (&args.sign_in.profile, session.last_check()) {
        // The checks' own result matters more than a failure to note it.
        let _ = ProfileStore::default_location().record_check(name, last);
    }
    Ok(outcome)
}
