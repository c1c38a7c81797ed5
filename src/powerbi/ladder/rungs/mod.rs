//! The rungs: what each item checks, and how it explains what is missing. Each file adds its
//! rungs to `Run` for one part of the ladder.

use super::run::Run;
use super::Item;
use futures_util::future::{BoxFuture, FutureExt};
use std::sync::Arc;

mod admin;
mod calls;
mod tenant;
mod token_consent;
mod workspace;

/// The check for item `id`, ready to run.
pub(super) fn start(r: Arc<Run>, id: &str) -> BoxFuture<'static, Item> {
    match id {
        "token" => async move { r.token() }.boxed(),
        "consent" => async move { r.consent() }.boxed(),
        "tenant-switch" => async move { r.tenant_switch().await }.boxed(),
        "security-group" => async move { r.security_group().await }.boxed(),
        "list-workspaces" => async move { r.list_workspaces().await }.boxed(),
        "workspace" => async move { r.workspace_role().await }.boxed(),
        "list-reports" => async move { r.list_reports().await }.boxed(),
        "embed-token" => async move { r.embed_token().await }.boxed(),
        "list-datasets" => async move { r.list_datasets().await }.boxed(),
        "refresh" => async move { r.refresh().await }.boxed(),
        "push-dataset" => async move { r.push_dataset().await }.boxed(),
        "admin-workspaces" => async move { r.admin_workspaces().await }.boxed(),
        "scanner" => async move { r.scanner().await }.boxed(),
        "detailed-metadata" => async move { r.admin_setting(false).await }.boxed(),
        _ => async move { r.admin_setting(true).await }.boxed(),
    }
}
