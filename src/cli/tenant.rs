//! `keyway tenant-cloud`: which Microsoft cloud a tenant lives in, from its sign-in discovery
//! document (the same reading the sign-in does first), for a help desk that must pick the cloud.

use super::{to_json, CloudArgs, Failure, Outcome};
use clap::Args;
use keyway::cloud::{tenant_cloud, Cloud, CloudId};
use std::path::PathBuf;

/// What `keyway tenant-cloud` reads.
#[derive(Debug, Args)]
pub struct TenantCloudArgs {
    /// Tenant ID or domain.
    #[arg(long)]
    tenant: String,
    #[command(flatten)]
    cloud: CloudArgs,
    /// One more certificate authority to trust (PEM file); `KEYWAY_CA_CERT` does the same.
    #[arg(long)]
    ca_cert: Option<PathBuf>,
    /// Fail, explained, unless the tenant lives in this cloud.
    #[arg(long)]
    expect: Option<CloudId>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `keyway tenant-cloud`.
pub async fn run(a: TenantCloudArgs) -> Outcome {
    let tenant = keyway::validate::tenant(&a.tenant, keyway::validate::TenantUse::App)?;
    let cloud = Cloud::resolve(a.cloud.cloud, a.cloud.custom().as_ref())?;
    let ca = keyway::http::extra_ca(a.ca_cert.as_deref())?;
    let http = keyway::http::client(ca.as_deref())?;
    let Some(found) = tenant_cloud(&http, &cloud, &tenant).await else {
        return Err(Failure::from(keyway::diagnose::Explanation::new(
            "TENANT_CLOUD_UNKNOWN",
            "Keyway could not tell which cloud this tenant is in",
            format!(
                "{}'s discovery document for \"{tenant}\" could not be read there: the tenant may \
                 not exist in that cloud, or the service could not be reached.",
                cloud.authority_host
            ),
            vec!["Check the tenant, then try with another --cloud.".into()],
        )));
    };
    if let Some(x) = a
        .expect
        .and_then(|e| keyway::diagnose::wrong_cloud(e, found))
    {
        return Err(Failure::from(x));
    }
    let name = Cloud::builtin(found).map_or_else(|| found.to_string(), |c| c.name);
    Ok(match a.json {
        true => to_json(
            &serde_json::json!({ "ok": true, "tenant": tenant, "cloud": found, "name": name }),
        ),
        false => format!("{tenant} lives in {name} (--cloud {found})."),
    })
}
