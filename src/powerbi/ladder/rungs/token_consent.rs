//! The first two rungs: a token for Power BI, and the permissions (scopes or app roles) it
//! carries for the goal.

use crate::diagnose::Page;
use crate::goal::Goal;
use crate::powerbi::ladder::plan::{needed_scopes, short_scope};
use crate::powerbi::ladder::run::Run;
use crate::powerbi::ladder::Item;

impl Run {
    pub(super) fn token(&self) -> Item {
        let c = &self.claims;
        let now = crate::clock::now();
        let expires = c.expires_on.unwrap_or(now + 3600);
        let who = if c.app_only {
            format!("the app {}", c.app_id.clone().unwrap_or_default())
        } else {
            c.who.clone().unwrap_or_else(|| "a person".into())
        };
        let cloud_resource = self
            .ctx
            .cloud
            .as_ref()
            .map(|c| c.powerbi_resource.trim_end_matches('/').to_string());
        let audience = c.audience.as_deref().map(|a| a.trim_end_matches('/'));
        const POWERBI_APP_ID: &str = "00000009-0000-0000-c000-000000000000";
        let audience_ok = match (audience, cloud_resource.as_deref()) {
            (Some(a), Some(r)) => a.eq_ignore_ascii_case(r) || a == POWERBI_APP_ID,
            _ => true,
        };
        if !audience_ok {
            let p = self.problem(
                "TOKEN_WRONG_AUDIENCE",
                "The token is for another service",
                format!(
                    "The token was issued for {} instead of Power BI ({}), so Power BI will \
                     refuse it.",
                    audience.unwrap_or_default(),
                    cloud_resource.unwrap_or_default()
                ),
                vec![
                    "Check the cloud chosen in Keyway: each cloud has its own Power BI address."
                        .into(),
                    "Sign in again.".into(),
                ],
                None,
            );
            return self.fail("token", p, &[]);
        }
        if expires <= now {
            let p = self.problem(
                "TokenExpired",
                "The token has already expired",
                "Access tokens last about an hour, and this one has run out.".into(),
                vec!["Sign in again (\"Check again\" does this).".into()],
                None,
            );
            return self.fail("token", p, &[]);
        }
        self.pass(
            "token",
            format!(
                "Signed in as {who}; the token works for {} more minutes.",
                (expires - now) / 60
            ),
            &[],
        )
    }

    pub(super) fn consent(&self) -> Item {
        let c = &self.claims;
        if self.app_only {
            if self.plan.goal != Goal::Admin {
                return self.pass(
                    "consent",
                    "An app signing in as itself gets its Power BI access from the tenant setting \
                     and the workspace, not from API permissions.",
                    &[],
                );
            }
            if c.roles.is_empty() {
                return self.pass(
                    "consent",
                    "The app has no Power BI application permissions, as the admin APIs require.",
                    &[],
                );
            }
            let p = self.problem(
                "APP_HAS_POWERBI_PERMISSIONS",
                "The app's Power BI permissions block the admin APIs",
                format!(
                    "The app has Power BI application permissions with admin consent ({}). Power \
                     BI refuses the read-only admin APIs to such apps.",
                    c.roles.join(", ")
                ),
                vec![
                    "Open the app's API permissions page.".into(),
                    "Remove every \"Power BI Service\" permission of type Application (or revoke \
                     its admin consent)."
                        .into(),
                    "Sign in again in Keyway and check again.".into(),
                ],
                Some(Page::AppPermissions),
            );
            return self.fail("consent", p, &[]);
        }
        let granted: Vec<&str> = c.scopes.iter().map(|s| short_scope(s)).collect();
        let missing: Vec<String> = needed_scopes(&self.plan)
            .into_iter()
            .filter(|any| {
                !any.iter()
                    .any(|s| granted.iter().any(|g| g.eq_ignore_ascii_case(s)))
            })
            .map(|any| any.join(" or "))
            .collect();
        if missing.is_empty() {
            return self.pass(
                "consent",
                format!(
                    "Granted: {}.",
                    if granted.is_empty() {
                        "none needed".to_string()
                    } else {
                        granted.join(", ")
                    }
                ),
                &[],
            );
        }
        let p = self.problem(
            "SCOPES_MISSING",
            "Permissions this goal needs were not granted",
            format!(
                "The token does not carry {}. Without it, Power BI answers 401 to the calls this \
                 goal makes.",
                missing.join(", ")
            ),
            vec![
                "Open the app's API permissions page.".into(),
                format!(
                    "Add the delegated \"Power BI Service\" permission(s): {}.",
                    missing.join(", ")
                ),
                "Choose \"Grant admin consent\" (or ask an administrator to).".into(),
                "Sign in again in Keyway, so the new token carries them.".into(),
            ],
            Some(Page::AppPermissions),
        );
        self.fail("consent", p, &[])
    }
}
