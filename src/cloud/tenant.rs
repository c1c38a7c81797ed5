//! Which cloud a tenant lives in, as Entra's own discovery document says: its
//! `cloud_instance_name` (`microsoftonline.com`, `microsoftonline.us`,
//! `partner.microsoftonline.cn`) and, for a US Government tenant, its `tenant_region_sub_scope`
//! (`GCC`, `DODCON` for GCC High, `DOD`). Read before signing in, so that "Public" chosen for a
//! GCC High tenant (or the reverse) is said before any secret is sent.
//!
//! Values as public tools read them from live tenants (GCC: microsoftonline.com with `GCC`;
//! GCC High: microsoftonline.us with `DODCON`; DoD: microsoftonline.us with `DOD`; China:
//! partner.microsoftonline.cn).

use super::{Cloud, CloudId};
use serde_json::Value;

/// The cloud a discovery document names, if Keyway knows it.
pub fn cloud_named(instance: &str, sub_scope: Option<&str>) -> Option<CloudId> {
    let sub = sub_scope.map(str::to_ascii_uppercase);
    match (instance.to_ascii_lowercase().as_str(), sub.as_deref()) {
        ("microsoftonline.com", Some("GCC")) => Some(CloudId::Gcc),
        ("microsoftonline.com", _) => Some(CloudId::Public),
        ("microsoftonline.us", Some("DOD")) => Some(CloudId::Dod),
        ("microsoftonline.us", Some("DODCON")) => Some(CloudId::GccHigh),
        // GCC High or DoD, it does not say which: no verdict.
        ("microsoftonline.us", _) => None,
        ("partner.microsoftonline.cn", _) => Some(CloudId::China),
        _ => None,
    }
}

/// Reads the tenant's discovery document at `cloud`'s sign-in service and says which cloud it
/// names. `None` when it can't be read (an unknown tenant, no network): the sign-in that
/// follows explains those.
pub async fn tenant_cloud(http: &reqwest::Client, cloud: &Cloud, tenant: &str) -> Option<CloudId> {
    let tenant = tenant.trim();
    // `organizations` and the like are no tenant: their document names no one's cloud.
    let shared = ["common", "organizations", "consumers"];
    if tenant.is_empty()
        || shared.iter().any(|s| s.eq_ignore_ascii_case(tenant))
        || tenant.contains(['/', '?', '#', '\\'])
    {
        return None;
    }
    let mut url = url::Url::parse(&cloud.authority_host).ok()?;
    url.path_segments_mut().ok()?.pop_if_empty().extend([
        tenant,
        "v2.0",
        ".well-known",
        "openid-configuration",
    ]);
    let wait = std::time::Duration::from_secs(5);
    let res = http.get(url).timeout(wait).send().await.ok()?;
    if !res.status().is_success() {
        return None;
    }
    let doc: Value = res.json().await.ok()?;
    cloud_named(
        doc["cloud_instance_name"].as_str()?,
        doc["tenant_region_sub_scope"].as_str(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cloud_is_named_by_its_instance_and_sub_scope() {
        assert_eq!(
            cloud_named("microsoftonline.com", None),
            Some(CloudId::Public)
        );
        assert_eq!(
            cloud_named("microsoftonline.com", Some("GCC")),
            Some(CloudId::Gcc)
        );
        assert_eq!(
            cloud_named("microsoftonline.us", Some("DODCON")),
            Some(CloudId::GccHigh)
        );
        assert_eq!(
            cloud_named("microsoftonline.us", Some("DOD")),
            Some(CloudId::Dod)
        );
        assert_eq!(
            cloud_named("partner.microsoftonline.cn", None),
            Some(CloudId::China)
        );
        assert_eq!(cloud_named("microsoftonline.us", None), None);
        assert_eq!(cloud_named("example.com", None), None);
    }
}
