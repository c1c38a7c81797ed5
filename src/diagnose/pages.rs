//! The exact web page where a fix is made, for this cloud and this app.

use crate::cloud::{Cloud, CloudId};
use serde::{Deserialize, Serialize};

/// What Keyway knows about the setup an error came from; every field is optional.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The cloud; Public when unknown.
    pub cloud: Option<Cloud>,
    /// Tenant ID or domain.
    pub tenant: Option<String>,
    /// The app's client ID.
    pub client_id: Option<String>,
    /// The Power BI workspace the goal uses.
    pub workspace: Option<String>,
    /// The security group the Power BI administrator allowed.
    pub group: Option<String>,
    /// The sign-in sent a person's user name and password (a "master user").
    pub password: bool,
}

impl Context {
    /// A context for one cloud and app.
    pub fn new(cloud: &Cloud, tenant: &str, client_id: &str) -> Context {
        Context {
            cloud: Some(cloud.clone()),
            tenant: Some(tenant.to_string()),
            client_id: Some(client_id.to_string()),
            ..Context::default()
        }
    }

    fn cloud(&self) -> Option<Cloud> {
        self.cloud
            .clone()
            .or_else(|| Cloud::builtin(CloudId::Public))
    }
}

/// A page in the Azure portal, the Power BI admin portal, or Microsoft's account pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Page {
    /// The app registration's overview (client and tenant IDs).
    AppOverview,
    /// Certificates & secrets.
    AppCredentials,
    /// API permissions, with "Grant admin consent".
    AppPermissions,
    /// Authentication: redirect URIs, public client flows.
    AppAuthentication,
    /// The app's enterprise application (service principal): enabled, assignment.
    EnterpriseApp,
    /// The tenant's overview, where the tenant ID is shown.
    TenantOverview,
    /// Sign-in logs, where an administrator finds a failed sign-in by its correlation ID.
    SignInLogs,
    /// Members of the security group the Power BI administrator allowed.
    GroupMembers,
    /// Power BI admin portal, tenant settings.
    TenantSettings,
    /// The workspace, where "Manage access" is.
    Workspace,
    /// Security info (multi-factor registration).
    SecurityInfo,
    /// The person's account page (password change).
    MyAccount,
    /// Microsoft's page for one AADSTS code.
    ErrorLookup,
}

impl Page {
    /// The address, or `None` when this cloud has no such page or an ID it needs is unknown.
    pub fn url(self, ctx: &Context, aadsts: Option<u32>) -> Option<String> {
        let cloud = ctx.cloud()?;
        let azure = cloud.azure_portal.trim_end_matches('/');
        let pbi = cloud.powerbi_portal.trim_end_matches('/');
        let app = || {
            ctx.client_id
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
        };
        let registered = |blade: &str| match app() {
            Some(id) => format!(
                "{azure}/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/{blade}\
                 /appId/{id}"
            ),
            None => format!("{azure}/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade"),
        };
        let public = cloud.id == CloudId::Public;
        Some(match self {
            Page::AppOverview => registered("Overview"),
            Page::AppCredentials => registered("Credentials"),
            Page::AppPermissions => registered("CallAnAPI"),
            Page::AppAuthentication => registered("Authentication"),
            Page::EnterpriseApp => match app() {
                Some(id) => format!(
                    "{azure}/#view/Microsoft_AAD_IAM/ManagedAppMenuBlade/~/Properties/appId/{id}"
                ),
                None => format!(
                    "{azure}/#view/Microsoft_AAD_IAM/StartboardApplicationsMenuBlade\
                     /~/AppAppsPreview"
                ),
            },
            Page::TenantOverview => {
                format!("{azure}/#view/Microsoft_AAD_IAM/ActiveDirectoryMenuBlade/~/Overview")
            }
            Page::SignInLogs => {
                format!("{azure}/#view/Microsoft_AAD_IAM/ActiveDirectoryMenuBlade/~/SignIns")
            }
            Page::GroupMembers => match ctx.group.as_deref() {
                Some(g) => {
                    format!(
                        "{azure}/#view/Microsoft_AAD_IAM/GroupDetailsMenuBlade/~/Members\
                         /groupId/{g}"
                    )
                }
                None => {
                    format!("{azure}/#view/Microsoft_AAD_IAM/GroupsManagementMenuBlade/~/AllGroups")
                }
            },
            Page::TenantSettings => format!("{pbi}/admin-portal/tenantSettings"),
            Page::Workspace => match ctx.workspace.as_deref() {
                Some(w) => format!("{pbi}/groups/{w}/list"),
                None => format!("{pbi}/groups"),
            },
            Page::SecurityInfo if public => "https://mysignins.microsoft.com/security-info".into(),
            Page::MyAccount if public => "https://myaccount.microsoft.com".into(),
            Page::SecurityInfo | Page::MyAccount => return None,
            Page::ErrorLookup => {
                format!("https://login.microsoftonline.com/error?code={}", aadsts?)
            }
        })
    }

    /// What the page is called, for a button: "Open Certificates & secrets".
    pub fn label(self) -> &'static str {
        match self {
            Page::AppOverview => "the app's overview in the Azure portal",
            Page::AppCredentials => "Certificates & secrets",
            Page::AppPermissions => "API permissions",
            Page::AppAuthentication => "the app's Authentication page",
            Page::EnterpriseApp => "the app's enterprise application properties",
            Page::TenantOverview => "your organisation's overview",
            Page::SignInLogs => "the sign-in logs",
            Page::GroupMembers => "the security group's members",
            Page::TenantSettings => "Power BI tenant settings",
            Page::Workspace => "the workspace",
            Page::SecurityInfo => "your security info",
            Page::MyAccount => "your account page",
            Page::ErrorLookup => "Microsoft's page for this error",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_the_cloud_and_the_app() {
        let gov = Cloud::builtin(CloudId::GccHigh).map(|c| Context::new(&c, "t", "abc"));
        let gov = gov.unwrap_or_default();
        assert_eq!(
            Page::AppCredentials.url(&gov, None).as_deref(),
            Some(
                "https://portal.azure.us/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade\
                 /~/Credentials/appId/abc"
            )
        );
        assert_eq!(
            Page::TenantSettings.url(&gov, None).as_deref(),
            Some("https://app.high.powerbigov.us/admin-portal/tenantSettings")
        );
        assert_eq!(Page::SecurityInfo.url(&gov, None), None);
        let none = Context::default();
        assert!(Page::AppCredentials
            .url(&none, None)
            .is_some_and(|u| u.ends_with("ApplicationsListBlade")));
        assert_eq!(
            Page::ErrorLookup.url(&none, Some(50076)).as_deref(),
            Some("https://login.microsoftonline.com/error?code=50076")
        );
        assert_eq!(Page::ErrorLookup.url(&none, None), None);
    }
}
