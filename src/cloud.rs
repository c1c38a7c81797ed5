//! The Microsoft clouds Keyway can talk to, and every host each one uses.
//!
//! A tenant lives in exactly one cloud, and a token from one cloud's sign-in service is useless
//! at another cloud's Power BI API. Getting the cloud wrong is one of the most common reasons a
//! correct client ID and secret still fail (AADSTS90002 "tenant not found", or a 401 from Power
//! BI), so the hosts are kept here in one place, per cloud, and nothing else in Keyway spells a
//! Microsoft host name.
//!
//! Hosts come from Microsoft's national-cloud pages for Power BI, Entra ID and Graph (see
//! `shared/reference/entra-powerbi-facts.json`, key `clouds`). A [`Cloud::custom`] cloud points
//! every endpoint somewhere else: that is how the emulator in tests plugs in, and how an
//! administrator with an unusual environment can too.

mod endpoint;
mod tenant;

pub use endpoint::{check_endpoint_url, is_loopback, secure_transport, UrlProblem};
pub use tenant::{cloud_named, tenant_cloud};

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use url::{Host, Url};

/// Which cloud a tenant lives in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CloudId {
    /// The worldwide commercial cloud, where almost every tenant lives.
    #[default]
    Public,
    /// US Government Community Cloud: commercial sign-in, government Power BI.
    Gcc,
    /// US Government GCC High (also Power BI's "DoDCON" for military contractors).
    GccHigh,
    /// US Department of Defense.
    Dod,
    /// China, operated by 21Vianet.
    China,
    /// Every endpoint given by hand (tests, emulators, unusual environments).
    Custom,
}

impl CloudId {
    /// The built-in clouds, in the order a person should see them (most common first).
    pub const BUILT_IN: [CloudId; 5] = [
        CloudId::Public,
        CloudId::Gcc,
        CloudId::GccHigh,
        CloudId::Dod,
        CloudId::China,
    ];

    /// The stable short name used in profiles, presets and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            CloudId::Public => "public",
            CloudId::Gcc => "gcc",
            CloudId::GccHigh => "gcchigh",
            CloudId::Dod => "dod",
            CloudId::China => "china",
            CloudId::Custom => "custom",
        }
    }
}

impl fmt::Display for CloudId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A cloud name that Keyway does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{0}\" is not a cloud Keyway knows; use one of: public, gcc, gcchigh, dod, china, custom"
)]
pub struct UnknownCloud(pub String);

impl FromStr for CloudId {
    type Err = UnknownCloud;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_'))
            .collect::<String>()
            .to_ascii_lowercase();
        match key.as_str() {
            "public" | "commercial" | "global" | "globalcloud" | "worldwide" => Ok(CloudId::Public),
            "gcc" | "usgov" | "usgovcloud" => Ok(CloudId::Gcc),
            "gcchigh" | "usgovhigh" | "dodcon" => Ok(CloudId::GccHigh),
            "dod" | "usgovmil" => Ok(CloudId::Dod),
            "china" | "21vianet" | "chinacloud" => Ok(CloudId::China),
            "custom" => Ok(CloudId::Custom),
            _ => Err(UnknownCloud(s.trim().to_string())),
        }
    }
}

/// Every address Keyway needs for one cloud.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cloud {
    /// Which cloud this is.
    pub id: CloudId,
    /// The name a person recognises.
    pub name: String,
    /// One plain sentence: who this cloud is for.
    pub description: String,
    /// Entra ID sign-in service, e.g. `https://login.microsoftonline.com`.
    pub authority_host: String,
    /// Power BI REST API base, e.g. `https://api.powerbi.com`.
    pub powerbi_api: String,
    /// The Power BI resource (v1 `resource=`; v2 scopes are this plus `/.default`).
    pub powerbi_resource: String,
    /// Microsoft Graph, for app registration help.
    pub graph: String,
    /// The Graph resource that tokens name (the Graph address itself in Microsoft's clouds).
    pub graph_resource: String,
    /// Fabric REST API base, where Microsoft publishes one for this cloud.
    pub fabric_api: Option<String>,
    /// The Azure portal, where app registrations are managed.
    pub azure_portal: String,
    /// The Power BI web app, where admins change tenant settings and workspace access.
    pub powerbi_portal: String,
}

impl Cloud {
    /// The cloud a saved or typed choice names: a built-in one, or the custom addresses given.
    /// The one place a cloud ID and its custom addresses become a cloud.
    pub fn resolve(id: CloudId, custom: Option<&CustomEndpoints>) -> Result<Cloud, CloudError> {
        match (id, custom) {
            (CloudId::Custom, Some(ep)) => Cloud::custom(ep.clone()),
            (CloudId::Custom, None) => Err(CloudError::NoAddresses),
            (id, _) => Cloud::builtin(id).ok_or(CloudError::NoAddresses),
        }
    }

    /// The built-in definition of a cloud. `Custom` has no built-in hosts: use [`Cloud::custom`].
    pub fn builtin(id: CloudId) -> Option<Cloud> {
        let (name, description, authority, api, resource, graph, fabric, azure, powerbi) = match id
        {
            CloudId::Public => (
                "Public (worldwide)",
                "Most organisations. Choose this unless your IT team said otherwise.",
                "https://login.microsoftonline.com",
                "https://api.powerbi.com",
                "https://analysis.windows.net/powerbi/api",
                "https://graph.microsoft.com",
                Some("https://api.fabric.microsoft.com/v1"),
                "https://portal.azure.com",
                "https://app.powerbi.com",
            ),
            CloudId::Gcc => (
                "US Government (GCC)",
                "US government agencies on the Government Community Cloud.",
                "https://login.microsoftonline.com",
                "https://api.powerbigov.us",
                "https://analysis.usgovcloudapi.net/powerbi/api",
                "https://graph.microsoft.com",
                None,
                "https://portal.azure.com",
                "https://app.powerbigov.us",
            ),
            CloudId::GccHigh => (
                "US Government (GCC High)",
                "US government and contractors on GCC High (also called DoDCON).",
                "https://login.microsoftonline.us",
                "https://api.high.powerbigov.us",
                "https://high.analysis.usgovcloudapi.net/powerbi/api",
                "https://graph.microsoft.us",
                None,
                "https://portal.azure.us",
                "https://app.high.powerbigov.us",
            ),
            CloudId::Dod => (
                "US Government (DoD)",
                "US Department of Defense.",
                "https://login.microsoftonline.us",
                "https://api.mil.powerbigov.us",
                "https://mil.analysis.usgovcloudapi.net/powerbi/api",
                "https://dod-graph.microsoft.us",
                None,
                "https://portal.azure.us",
                "https://app.mil.powerbigov.us",
            ),
            CloudId::China => (
                "China (21Vianet)",
                "Organisations using Microsoft's cloud in China, operated by 21Vianet.",
                "https://login.chinacloudapi.cn",
                "https://api.powerbi.cn",
                "https://analysis.chinacloudapi.cn/powerbi/api",
                "https://microsoftgraph.chinacloudapi.cn",
                None,
                "https://portal.azure.cn",
                "https://app.powerbi.cn",
            ),
            CloudId::Custom => return None,
        };
        Some(Cloud {
            id,
            name: name.into(),
            description: description.into(),
            authority_host: authority.into(),
            powerbi_api: api.into(),
            powerbi_resource: resource.into(),
            graph: graph.into(),
            graph_resource: graph.into(),
            fabric_api: fabric.map(Into::into),
            azure_portal: azure.into(),
            powerbi_portal: powerbi.into(),
        })
    }

    /// Every built-in cloud, most common first.
    pub fn all() -> Vec<Cloud> {
        CloudId::BUILT_IN
            .iter()
            .filter_map(|id| Cloud::builtin(*id))
            .collect()
    }

    /// A cloud whose endpoints are all given by hand.
    ///
    /// Each URL must be `https://`, except that plain `http://` is allowed for a loopback IP
    /// (127.0.0.0/8, `[::1]`), where nothing leaves the machine; see [`check_endpoint_url`].
    pub fn custom(endpoints: CustomEndpoints) -> Result<Cloud, CloudError> {
        let check = |field: &'static str, value: &str| -> Result<String, CloudError> {
            check_endpoint_url(value).map_err(|reason| CloudError::BadUrl {
                field,
                value: value.trim().to_string(),
                reason: reason.to_string(),
            })
        };
        let authority_host = check("authority host", &endpoints.authority_host)?;
        let powerbi_api = check("Power BI API", &endpoints.powerbi_api)?;
        let powerbi_resource = match endpoints.powerbi_resource {
            Some(r) if !r.trim().is_empty() => r.trim().trim_end_matches('/').to_string(),
            _ => "https://analysis.windows.net/powerbi/api".to_string(),
        };
        let graph = match endpoints.graph {
            Some(g) if !g.trim().is_empty() => check("Graph", &g)?,
            _ => powerbi_api.clone(),
        };
        let graph_resource = match endpoints.graph_resource {
            Some(r) if !r.trim().is_empty() => r.trim().trim_end_matches('/').to_string(),
            _ => "https://graph.microsoft.com".to_string(),
        };
        let fabric_api = match endpoints.fabric_api {
            Some(f) if !f.trim().is_empty() => Some(check("Fabric API", &f)?),
            _ => None,
        };
        let azure_portal = match endpoints.azure_portal {
            Some(p) if !p.trim().is_empty() => check("Azure portal", &p)?,
            _ => "https://portal.azure.com".to_string(),
        };
        Ok(Cloud {
            id: CloudId::Custom,
            name: "Custom".into(),
            description: "Every address given by hand.".into(),
            authority_host,
            powerbi_api,
            powerbi_resource,
            graph,
            graph_resource,
            fabric_api,
            azure_portal,
            powerbi_portal: "https://app.powerbi.com".into(),
        })
    }

    /// Whether Keyway may open this address in the browser: https on one of this cloud's
    /// Microsoft hosts (sign-in, Azure portal, Power BI), or Microsoft's account and error pages.
    /// A custom cloud's own hosts count too (plain http only on loopback, as everywhere).
    pub fn may_open(&self, url: &str) -> bool {
        let Ok(u) = Url::parse(url) else {
            return false;
        };
        // Same origin (scheme, host, port) as parsed: never a prefix or suffix of the text.
        let own = [
            &self.authority_host,
            &self.azure_portal,
            &self.powerbi_portal,
        ]
        .into_iter()
        .filter_map(|b| Url::parse(b).ok())
        .any(|b| b.origin() == u.origin());
        let microsoft = u.scheme() == "https"
            && matches!(
                u.host(),
                Some(Host::Domain(
                    "login.microsoftonline.com"
                        | "mysignins.microsoft.com"
                        | "myaccount.microsoft.com"
                ))
            );
        (own && secure_transport(&u)) || microsoft || self.is_device_login_page(&u)
    }

    /// Whether a URL is exactly this cloud's device-code page, the `verification_uri` Entra
    /// returns (`https://microsoft.com/devicelogin` worldwide, per Microsoft's device-code
    /// documentation; `…/deviceloginus` and `…/deviceloginchina` in the national clouds). A
    /// custom cloud's own page is on its sign-in host, which [`Cloud::may_open`] already allows.
    fn is_device_login_page(&self, u: &reqwest::Url) -> bool {
        let pages: &[&str] = match self.id {
            CloudId::Public | CloudId::Gcc => &["https://microsoft.com/devicelogin"],
            CloudId::GccHigh | CloudId::Dod => &["https://microsoft.com/deviceloginus"],
            CloudId::China => &["https://microsoft.com/deviceloginchina"],
            CloudId::Custom => &[],
        };
        // Compared as parsed URLs, so only the exact page matches: no other path, port, user
        // or query rides along.
        pages
            .iter()
            .filter_map(|p| reqwest::Url::parse(p).ok())
            .any(|p| {
                (u.scheme(), u.host_str(), u.port(), u.path())
                    == (p.scheme(), p.host_str(), p.port(), p.path())
                    && u.username().is_empty()
                    && u.password().is_none()
                    && u.query().is_none()
                    && u.fragment().is_none()
            })
    }

    /// The same cloud with Microsoft Graph as the resource tokens are asked for (a sign-in asks
    /// for the `powerbi_resource`'s scopes), for an administrator's or owner's Graph calls.
    pub fn for_graph(&self) -> Cloud {
        let mut graph = self.clone();
        graph.powerbi_resource = self.graph_resource.clone();
        graph
    }

    /// The v2 scope that asks for every Power BI permission the app was granted.
    pub fn powerbi_default_scope(&self) -> String {
        format!("{}/.default", self.powerbi_resource)
    }
}

/// The endpoints of a custom cloud, as a person or a test gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomEndpoints {
    /// Sign-in service base URL.
    pub authority_host: String,
    /// Power BI REST API base URL.
    pub powerbi_api: String,
    /// Power BI resource identifier; the public one when absent.
    pub powerbi_resource: Option<String>,
    /// Microsoft Graph base URL; the Power BI API base when absent (an emulator serves both).
    pub graph: Option<String>,
    /// The Graph resource tokens are asked for; Microsoft's when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph_resource: Option<String>,
    /// Fabric REST API base URL.
    pub fabric_api: Option<String>,
    /// Azure portal URL.
    pub azure_portal: Option<String>,
}

/// Why a cloud definition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CloudError {
    /// A URL that is not a usable endpoint.
    #[error("The {field} address \"{value}\" can't be used: {reason}")]
    BadUrl {
        /// Which endpoint.
        field: &'static str,
        /// What was given.
        value: String,
        /// Why it is refused, in plain words.
        reason: String,
    },
    /// A custom cloud was chosen, but no addresses were given for it.
    #[error("A custom cloud was chosen, but its addresses are missing.")]
    NoAddresses,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_cloud_has_https_hosts_and_a_distinct_api() {
        let clouds = Cloud::all();
        assert_eq!(clouds.len(), 5);
        let mut apis: Vec<&str> = clouds.iter().map(|c| c.powerbi_api.as_str()).collect();
        apis.sort();
        apis.dedup();
        assert_eq!(apis.len(), 5, "each cloud has its own Power BI API host");
        for c in &clouds {
            for url in [
                &c.authority_host,
                &c.powerbi_api,
                &c.powerbi_resource,
                &c.graph,
            ] {
                assert!(url.starts_with("https://"), "{url}");
                assert!(!url.ends_with('/'), "{url}");
            }
        }
    }

    #[test]
    fn gcc_signs_in_commercially_but_calls_government_power_bi() {
        let gcc = Cloud::builtin(CloudId::Gcc).unwrap();
        let public = Cloud::builtin(CloudId::Public).unwrap();
        assert_eq!(gcc.authority_host, public.authority_host);
        assert_ne!(gcc.powerbi_api, public.powerbi_api);
        assert_eq!(
            gcc.powerbi_default_scope(),
            "https://analysis.usgovcloudapi.net/powerbi/api/.default"
        );
    }

    #[test]
    fn cloud_names_parse_from_common_spellings() {
        let table = [
            ("public", CloudId::Public),
            (" Public ", CloudId::Public),
            ("GlobalCloud", CloudId::Public),
            ("GCC", CloudId::Gcc),
            ("gcc-high", CloudId::GccHigh),
            ("GCC High", CloudId::GccHigh),
            ("USGovHigh", CloudId::GccHigh),
            ("dod", CloudId::Dod),
            ("china", CloudId::China),
            ("custom", CloudId::Custom),
        ];
        for (text, id) in table {
            assert_eq!(text.parse::<CloudId>(), Ok(id), "{text}");
        }
        let err = "germany".parse::<CloudId>().unwrap_err();
        assert!(err.to_string().contains("\"germany\""));
    }

    #[test]
    fn short_names_round_trip() {
        for id in CloudId::BUILT_IN.into_iter().chain([CloudId::Custom]) {
            assert_eq!(id.as_str().parse::<CloudId>(), Ok(id));
            let json = serde_json::to_string(&id).unwrap();
            assert_eq!(json, format!("\"{}\"", id.as_str()));
        }
    }

    #[test]
    fn custom_cloud_allows_http_only_on_loopback() {
        let ok = Cloud::custom(CustomEndpoints {
            authority_host: "http://127.0.0.1:8443/".into(),
            powerbi_api: "https://localhost:9000".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(ok.authority_host, "http://127.0.0.1:8443");
        assert_eq!(ok.graph, "https://localhost:9000");

        for (url, expect) in [
            ("http://login.example.com", "only allowed for this computer"),
            ("ftp://127.0.0.1", "must start with https://"),
            ("login.example.com", "must start with https://"),
            ("", "empty"),
            ("https://", "no host"),
            ("https://exa mple.com", "space"),
            ("http://example.invalid\\@127.0.0.1", "backslash"),
            ("http://127.0.0.1@example.invalid", "user name or password"),
            ("https://user@login.example.com", "user name or password"),
        ] {
            let err = Cloud::custom(CustomEndpoints {
                authority_host: url.into(),
                powerbi_api: "https://api.example.com".into(),
                ..Default::default()
            })
            .unwrap_err();
            assert!(err.to_string().contains(expect), "{url}: {err}");
        }
    }
}

#[cfg(test)]
mod open_tests {
    use super::*;

    #[test]
    fn only_this_clouds_microsoft_pages_may_be_opened() {
        let gov = Cloud::builtin(CloudId::GccHigh).unwrap_or_else(|| unreachable!());
        assert!(gov.may_open("https://portal.azure.us/#view/x"));
        assert!(gov.may_open("https://app.high.powerbigov.us/admin-portal/tenantSettings"));
        assert!(gov.may_open("https://login.microsoftonline.us/common/oauth2/deviceauth"));
        assert!(gov.may_open("https://login.microsoftonline.com/error?code=50076"));
        assert!(!gov.may_open("https://portal.azure.com.evil.example/"));
        assert!(!gov.may_open("http://portal.azure.us/"));
        assert!(!gov.may_open("file:///etc/passwd"));
        assert!(!gov.may_open("javascript:alert(1)"));
        // What the browser would open is the parsed host, not the text's start.
        assert!(!gov.may_open("https://portal.azure.us@example.invalid/"));
        assert!(!gov.may_open("https://login.microsoftonline.com.example.invalid/"));
        assert!(!gov.may_open("https://portal.azure.us:8443/"));
    }

    #[test]
    fn a_custom_clouds_plain_http_pages_open_only_on_a_loopback_ip() {
        let local = Cloud::custom(CustomEndpoints {
            authority_host: "http://127.0.0.1:8443".into(),
            powerbi_api: "http://127.0.0.1:8444".into(),
            ..Default::default()
        })
        .unwrap_or_else(|e| unreachable!("{e}"));
        assert!(local.may_open("http://127.0.0.1:8443/t/oauth2/v2.0/authorize?x=1"));
        assert!(!local.may_open("http://127.0.0.1:9999/"));
        assert!(!local.may_open("http://127.0.0.1:8443@example.invalid/"));
    }

    #[test]
    fn each_clouds_device_code_page_may_be_opened() {
        // The verification_uri Entra returns: "https://microsoft.com/devicelogin" (Microsoft's
        // device-code flow documentation; shared/reference/entra-powerbi-facts.json).
        let cloud = |id| Cloud::builtin(id).unwrap();
        assert!(cloud(CloudId::Public).may_open("https://microsoft.com/devicelogin"));
        assert!(cloud(CloudId::Gcc).may_open("https://microsoft.com/devicelogin"));
        assert!(cloud(CloudId::GccHigh).may_open("https://microsoft.com/deviceloginus"));
        assert!(cloud(CloudId::Dod).may_open("https://microsoft.com/deviceloginus"));
        assert!(cloud(CloudId::China).may_open("https://microsoft.com/deviceloginchina"));
        // Another cloud's page, or anything more than the exact page, is not opened.
        let public = cloud(CloudId::Public);
        for url in [
            "https://microsoft.com/deviceloginus",
            "http://microsoft.com/devicelogin",
            "https://microsoft.com/devicelogin/../evil",
            "https://microsoft.com/other",
            "https://microsoft.com:8443/devicelogin",
            "https://user@microsoft.com/devicelogin",
            "https://microsoft.com/devicelogin?next=https://evil.example",
            "https://microsoft.com.evil.example/devicelogin",
        ] {
            assert!(!public.may_open(url), "{url}");
        }
        assert!(!cloud(CloudId::China).may_open("https://microsoft.com/devicelogin"));
        // A custom cloud: the page its own sign-in host returned, and no Microsoft one.
        let custom = Cloud::custom(CustomEndpoints {
            authority_host: "https://127.0.0.1:8443".into(),
            powerbi_api: "https://127.0.0.1:8443".into(),
            ..Default::default()
        })
        .unwrap();
        assert!(custom.may_open("https://127.0.0.1:8443/devicelogin"));
        assert!(!custom.may_open("https://microsoft.com/devicelogin"));
        assert!(!custom.may_open("https://127.0.0.1:9443/devicelogin"));
    }
}
