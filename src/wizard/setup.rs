//! "Set it up for me" in the window: the administrator's sign-in, the plan and the changes run
//! through the session, which keeps the administrator and, at the end, the new app's secret —
//! the window never sees it, and goes on to the usual sign-in and checks.

use super::{Session, SignInEvent, Typed};
use crate::cloud::CloudId;
use crate::diagnose::Explanation;
use crate::setup::{plan, Admin, Found, Request, Step};
use serde::Serialize;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// The administrator and the plan's inputs, between the screens.
pub(super) struct SetupState {
    admin: Arc<Admin>,
    tenant: String,
    planned: Option<(Request, Found)>,
    /// What a failed run created, for [`Session::setup_undo`].
    created: Vec<crate::setup::Created>,
}

/// What was set up, for the window to go on with (no secret in it).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupDone {
    /// The tenant.
    pub tenant: String,
    /// The new app's client ID.
    pub client_id: String,
    /// When its secret expires, `YYYY-MM-DD`.
    pub secret_expires: String,
    /// Every step, as done.
    pub done: Vec<Step>,
}

fn not_signed_in() -> Explanation {
    Explanation::new(
        "SETUP_NOT_SIGNED_IN",
        "An administrator signs in first",
        "The plan is made from what the administrator's sign-in can read.",
        vec!["Choose \"Sign in as an administrator\".".into()],
    )
}

impl Session {
    /// Signs an administrator in with a device code for `admin_client` (a public client).
    pub async fn setup_sign_in(
        &self,
        cloud: CloudId,
        tenant: &str,
        admin_client: &str,
        on: impl Fn(SignInEvent) + Send,
    ) -> Result<(), Explanation> {
        let cloud = self.cloud(cloud)?;
        let cancel = CancellationToken::new();
        self.lock().cancel = Some(cancel.clone());
        let shown = |info: &crate::auth::device::DeviceCodeInfo| {
            on(SignInEvent::DeviceCode { info: info.clone() });
        };
        let admin = Admin::sign_in(&self.http, &cloud, tenant, admin_client, shown, cancel).await?;
        self.lock().setup = Some(SetupState {
            admin: Arc::new(admin),
            tenant: tenant.trim().to_string(),
            planned: None,
            created: vec![],
        });
        Ok(())
    }

    /// Reads what exists and plans the changes; nothing is changed.
    pub async fn setup_plan(&self, request: Request) -> Result<Vec<Step>, Explanation> {
        let admin = self.lock().setup.as_ref().map(|s| s.admin.clone());
        let admin = admin.ok_or_else(not_signed_in)?;
        let found = admin.discover(&request).await?;
        let steps = plan(&request, &found);
        if let Some(s) = self.lock().setup.as_mut() {
            s.planned = Some((request, found));
        }
        Ok(steps)
    }

    /// Makes the planned changes, telling `on` of each step; the new secret stays in the session
    /// for the sign-in that follows.
    pub async fn setup_apply(&self, on: impl Fn(&Step)) -> Result<SetupDone, Explanation> {
        let (admin, tenant, planned) = {
            let inner = self.lock();
            let s = inner.setup.as_ref().ok_or_else(not_signed_in)?;
            (s.admin.clone(), s.tenant.clone(), s.planned.clone())
        };
        let (request, found) = planned.ok_or_else(not_signed_in)?;
        let result = admin.apply(&request, &found, on).await;
        if let (Err(stopped), Some(s)) = (&result, self.lock().setup.as_mut()) {
            s.created = stopped.created.clone();
        }
        let applied = result.map_err(|stopped| {
            let mut x = stopped.explanation;
            let done: Vec<String> = stopped.done.iter().map(|s| s.summary.clone()).collect();
            if !done.is_empty() {
                x.fix
                    .push(format!("Already done before this: {}", done.join(" ")));
            }
            x
        })?;
        self.remember(Typed::ClientSecret, applied.secret.expose())?;
        if let Some(s) = self.lock().setup.as_mut() {
            s.planned = None;
        }
        Ok(SetupDone {
            tenant,
            client_id: applied.client_id,
            secret_expires: applied.secret_expires,
            done: applied.done,
        })
    }

    /// Takes back what the failed run created, and nothing else; says what it removed.
    pub async fn setup_undo(&self) -> Result<Vec<String>, Explanation> {
        let (admin, created) = {
            let inner = self.lock();
            let s = inner.setup.as_ref().ok_or_else(not_signed_in)?;
            (s.admin.clone(), s.created.clone())
        };
        let undone = admin.undo(&created).await?;
        if let Some(s) = self.lock().setup.as_mut() {
            s.created.clear();
        }
        Ok(undone)
    }
}
