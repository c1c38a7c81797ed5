//! The tenant's rungs: the Power BI setting that lets apps (service principals) in, and the
//! security group it may be limited to. Fabric's tenant settings list shows them when the caller
//! may read it; otherwise the answer of the call the setting governs does.

use crate::diagnose::Page;
use crate::goal::Goal;
use crate::powerbi::ladder::run::Run;
use crate::powerbi::ladder::Item;
use crate::powerbi::Probe;
use serde_json::Value;
use std::sync::Arc;

// Microsoft has renamed these settings more than once, and a tenant's list may still carry an
// older name or title: each is looked for under all of them (titles in lower case).

/// "Service principals can call Fabric public APIs", the switch that lets apps use the API.
const API_SWITCH_NAMES: &[&str] = &[
    "ServicePrincipalAccessPermissionAPIs",
    "ServicePrincipalAccess",
];
const API_SWITCH_TITLES: &[&str] = &[
    "service principals can call fabric public apis",
    "service principals can use fabric apis",
    "allow service principals to use power bi apis",
];

/// "Service principals can access read-only admin APIs", the switch for the admin APIs.
const ADMIN_SWITCH_NAMES: &[&str] = &["AllowServicePrincipalsUseReadAdminAPIs"];
const ADMIN_SWITCH_TITLES: &[&str] = &[
    "service principals can access read-only admin apis",
    "allow service principals to use read-only power bi admin apis",
];

/// A setting from Fabric's tenant settings list.
#[derive(Debug, Clone)]
pub(super) struct Setting {
    pub(super) enabled: bool,
    /// Graph ID and name of each security group the setting is limited to.
    groups: Vec<(String, String)>,
}

/// The first setting in a `GET /v1/admin/tenantsettings` answer with one of these names (in any
/// case) or titles (given in lower case).
pub(super) fn find_setting(settings: &Value, names: &[&str], titles: &[&str]) -> Option<Setting> {
    let list = settings["value"].as_array()?;
    let s = list.iter().find(|s| {
        let name = s["settingName"].as_str().unwrap_or_default();
        let t = s["title"].as_str().unwrap_or_default().to_ascii_lowercase();
        names.iter().any(|n| n.eq_ignore_ascii_case(name)) || titles.iter().any(|x| t == *x)
    })?;
    let groups = s["enabledSecurityGroups"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|g| {
                    (
                        g["graphId"].as_str().unwrap_or_default().to_string(),
                        g["name"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Setting {
        enabled: s["enabled"].as_bool().unwrap_or(false),
        groups,
    })
}

/// What the switch looks like from here.
#[derive(Debug, Clone)]
enum Switch {
    /// The gate call went through.
    Allowed(Option<Setting>),
    /// The setting is off (`true` when the settings said so; `false` when only inferred).
    Off(bool),
    /// On, but only for groups this app is not in.
    NotInGroup(Vec<(String, String)>),
    /// The gate call failed for another reason; the probe explains.
    Other,
}

impl Run {
    async fn switch(&self) -> (Switch, Arc<Probe>, Option<Arc<Probe>>) {
        let (gate, settings) = self.both(self.gate.clone(), self.settings.clone()).await;
        let admin = self.plan.goal == Goal::Admin;
        let setting = settings.as_ref().filter(|s| s.ok()).and_then(|s| {
            let json = s.json();
            if admin {
                find_setting(&json, ADMIN_SWITCH_NAMES, ADMIN_SWITCH_TITLES)
            } else {
                find_setting(&json, API_SWITCH_NAMES, API_SWITCH_TITLES)
            }
        });
        let verdict = if gate.ok() {
            Switch::Allowed(setting)
        } else if gate.refused_by_switch() {
            match setting {
                Some(s) if s.enabled && !s.groups.is_empty() => Switch::NotInGroup(s.groups),
                Some(s) if !s.enabled => Switch::Off(true),
                _ => Switch::Off(false),
            }
        } else {
            Switch::Other
        };
        (verdict, gate, settings)
    }

    /// Whether app-only calls are blocked by the switch (dependent items then skip).
    pub(super) async fn blocked(&self) -> Option<String> {
        if !self.app_only {
            return None;
        }
        match self.switch().await.0 {
            Switch::Off(_) | Switch::NotInGroup(_) => {
                Some("Skipped: Power BI does not let this app in yet (see above).".into())
            }
            _ => None,
        }
    }

    pub(super) async fn tenant_switch(&self) -> Item {
        let (verdict, gate, settings) = self.switch().await;
        let evidence = switch_evidence(&gate, settings.as_deref());
        let setting_name = if self.plan.goal == Goal::Admin {
            "Service principals can access read-only admin APIs"
        } else {
            "Service principals can call Fabric public APIs"
        };
        match verdict {
            Switch::Allowed(Some(s)) if !s.groups.is_empty() => self.pass(
                "tenant-switch",
                format!("\"{setting_name}\" is on, for: {}.", names(&s.groups)),
                &evidence,
            ),
            Switch::Allowed(_) => self.pass(
                "tenant-switch",
                format!("\"{setting_name}\" lets this app in."),
                &evidence,
            ),
            Switch::NotInGroup(groups) => self.pass(
                "tenant-switch",
                format!(
                    "\"{setting_name}\" is on, but only for: {}.",
                    names(&groups)
                ),
                &evidence,
            ),
            Switch::Off(known) => {
                let cause = if known {
                    format!(
                        "The Power BI setting \"{setting_name}\" is off, so Power BI refuses \
                         every app that signs in as itself."
                    )
                } else {
                    format!(
                        "Power BI refused this app because of the setting \"{setting_name}\": it \
                         is either off, or limited to security groups this app is not in. Keyway \
                         can't read the tenant settings to tell which."
                    )
                };
                let mut fix = vec![
                    "Ask a Power BI (Fabric) administrator to open Power BI tenant settings."
                        .to_string(),
                    format!("Find \"{setting_name}\" and turn it on."),
                    "Either allow the whole organisation, or pick a security group and add this \
                     app's service principal to it."
                        .into(),
                    "Settings can take up to 15 minutes to apply; then choose \"Check again\"."
                        .into(),
                ];
                if self.plan.goal != Goal::Admin {
                    fix[1] = format!(
                        "Find \"{setting_name}\" (older names: \"Service principals can use \
                         Fabric APIs\", \"Allow service principals to use Power BI APIs\") and \
                         turn it on."
                    );
                }
                let mut p = self.problem(
                    "ServicePrincipalIsNotAllowedByTenantAdminSwitch",
                    "Power BI does not let apps in yet",
                    cause,
                    fix,
                    Some(Page::TenantSettings),
                );
                let ev = gate.evidence();
                p.http_status = ev.http_status;
                p.request_id = ev.request_id;
                self.fail("tenant-switch", p, &evidence)
            }
            Switch::Other => self.failed_probe("tenant-switch", &gate),
        }
    }

    pub(super) async fn security_group(&self) -> Item {
        let (verdict, gate, settings) = self.switch().await;
        match verdict {
            Switch::Allowed(Some(s)) if !s.groups.is_empty() => self.pass(
                "security-group",
                format!("This app is in an allowed group ({}).", names(&s.groups)),
                &[&gate],
            ),
            Switch::Allowed(Some(_)) => self.pass(
                "security-group",
                "The setting applies to the whole organisation, so no group is needed.",
                &[&gate],
            ),
            Switch::Allowed(None) => self.pass(
                "security-group",
                "Power BI accepted this app, so it is in an allowed group (or none is required).",
                &[&gate],
            ),
            Switch::NotInGroup(groups) => {
                let mut ctx = self.ctx.clone();
                ctx.group = groups.first().map(|g| g.0.clone());
                let sp = self.claims.object_id.clone().unwrap_or_default();
                let fix = vec![
                    format!(
                        "Open the members of the security group \"{}\".",
                        groups.first().map(|g| g.1.clone()).unwrap_or_default()
                    ),
                    format!(
                        "Choose \"Add members\" and add this app's service principal (search for \
                         its name or object ID {sp})."
                    ),
                    "Group changes can take up to an hour to reach Power BI; then choose \
                     \"Check again\"."
                        .into(),
                ];
                let p = self
                    .problem(
                        "SERVICE_PRINCIPAL_NOT_IN_GROUP",
                        "This app is not in the allowed security group",
                        format!(
                            "Power BI lets apps in only when they are in: {}. This app is not in \
                             any of them.",
                            names(&groups)
                        ),
                        fix,
                        None,
                    )
                    .on_page(Some(Page::GroupMembers), &ctx, None);
                self.fail(
                    "security-group",
                    p,
                    &switch_evidence(&gate, settings.as_deref()),
                )
            }
            Switch::Off(true) => self.skip(
                "security-group",
                "Skipped: the setting itself is off (see above).",
            ),
            Switch::Off(false) => self.skip(
                "security-group",
                "Skipped: without access to the tenant settings, Keyway can't tell a switched-off \
                 setting from a missing group (see above).",
            ),
            Switch::Other => self.skip(
                "security-group",
                "Skipped: the call that shows this failed (see above).",
            ),
        }
    }
}

/// What shows the switch: the tenant settings (when they were read), then the call it let in or
/// not.
fn switch_evidence<'a>(gate: &'a Probe, settings: Option<&'a Probe>) -> Vec<&'a Probe> {
    settings.into_iter().chain([gate]).collect()
}

/// Security groups as a person knows them: by name, or by ID when the list gave no name.
fn names(groups: &[(String, String)]) -> String {
    groups
        .iter()
        .map(|(id, name)| {
            if name.is_empty() {
                id.clone()
            } else {
                format!("\"{name}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const GROUP_ID: &str = "8e4d7a9c-2f1b-4c3d-9a8e-5b6c7d8e9f01";

    /// One setting, shaped as in Fabric's `GET /v1/admin/tenantsettings` answer.
    fn setting(name: &str, title: &str, enabled: bool, groups: Value) -> Value {
        let mut s = json!({
            "settingName": name,
            "title": title,
            "enabled": enabled,
            "canSpecifySecurityGroups": true,
            "tenantSettingGroup": "DeveloperSettings",
        });
        if groups.as_array().is_some_and(|a| !a.is_empty()) {
            s["enabledSecurityGroups"] = groups;
        }
        s
    }

    fn list(settings: Vec<Value>) -> Value {
        json!({ "value": settings })
    }

    /// What fakecloud serves: the API switch on for one group, the admin switch off.
    fn tenant() -> Value {
        list(vec![
            setting(
                "ServicePrincipalAccessPermissionAPIs",
                "Service principals can call Fabric public APIs",
                true,
                json!([{ "graphId": GROUP_ID, "name": "Power BI API apps" }]),
            ),
            setting(
                "AllowServicePrincipalsUseReadAdminAPIs",
                "Service principals can access read-only admin APIs",
                false,
                json!([]),
            ),
            setting(
                "AdminApisIncludeDetailedMetadata",
                "Enhance admin APIs responses with detailed metadata",
                true,
                json!([]),
            ),
        ])
    }

    fn api_switch(settings: &Value) -> Option<Setting> {
        find_setting(settings, API_SWITCH_NAMES, API_SWITCH_TITLES)
    }

    fn admin_switch(settings: &Value) -> Option<Setting> {
        find_setting(settings, ADMIN_SWITCH_NAMES, ADMIN_SWITCH_TITLES)
    }

    #[test]
    fn each_switch_is_found_in_the_tenants_list_with_its_groups() {
        let settings = tenant();
        let api = api_switch(&settings).expect("the API switch");
        assert!(api.enabled);
        assert_eq!(
            api.groups,
            [(GROUP_ID.to_string(), "Power BI API apps".to_string())]
        );
        let admin = admin_switch(&settings).expect("the admin API switch");
        assert!(!admin.enabled);
        assert!(admin.groups.is_empty());
        let detailed = find_setting(
            &settings,
            &["AdminApisIncludeDetailedMetadata"],
            &["enhance admin apis responses with detailed metadata"],
        );
        assert!(detailed.is_some_and(|s| s.enabled));
    }

    #[test]
    fn the_api_switch_is_found_by_its_old_name() {
        let settings = list(vec![setting(
            "ServicePrincipalAccess",
            "Developer settings",
            true,
            json!([]),
        )]);
        assert!(api_switch(&settings).is_some_and(|s| s.enabled));
    }

    #[test]
    fn names_match_in_any_case() {
        let settings = list(vec![setting(
            "allowserviceprincipalsusereadadminapis",
            "",
            true,
            json!([]),
        )]);
        assert!(admin_switch(&settings).is_some_and(|s| s.enabled));
    }

    #[test]
    fn each_switch_is_found_by_its_current_and_older_titles() {
        let api_titles = [
            "Service principals can call Fabric public APIs",
            "Service principals can use Fabric APIs",
            "Allow service principals to use Power BI APIs",
        ];
        for title in api_titles {
            let settings = list(vec![setting("RenamedAgain", title, false, json!([]))]);
            assert!(api_switch(&settings).is_some(), "{title}");
            assert!(admin_switch(&settings).is_none(), "{title}");
        }
        let admin_titles = [
            "Service principals can access read-only admin APIs",
            "Allow service principals to use read-only Power BI admin APIs",
        ];
        for title in admin_titles {
            let settings = list(vec![setting("RenamedAgain", title, false, json!([]))]);
            assert!(admin_switch(&settings).is_some(), "{title}");
            assert!(api_switch(&settings).is_none(), "{title}");
        }
    }

    #[test]
    fn missing_settings_and_fields() {
        let others = list(vec![setting(
            "AdminApisIncludeExpressions",
            "Enhance admin APIs responses with DAX and mashup expressions",
            true,
            json!([]),
        )]);
        assert!(api_switch(&others).is_none());
        assert!(admin_switch(&others).is_none());
        assert!(api_switch(&Value::Null).is_none());
        assert!(api_switch(&json!({ "error": { "code": "Unauthorized" } })).is_none());

        // No "enabled" reads as off; a group without a name keeps its ID.
        let sparse = list(vec![json!({
            "settingName": "ServicePrincipalAccessPermissionAPIs",
            "enabledSecurityGroups": [{ "graphId": GROUP_ID }],
        })]);
        let s = api_switch(&sparse).expect("found by name alone");
        assert!(!s.enabled);
        assert_eq!(s.groups, [(GROUP_ID.to_string(), String::new())]);
    }

    #[test]
    fn groups_are_shown_by_name_or_else_by_id() {
        let groups = [
            ("1111".to_string(), "Power BI API apps".to_string()),
            ("2222".to_string(), String::new()),
        ];
        assert_eq!(names(&groups), "\"Power BI API apps\", 2222");
        assert_eq!(names(&[]), "");
    }

    #[test]
    fn the_switchs_evidence_is_the_settings_then_the_gate() {
        let probe = |request: &str| Probe {
            request: request.into(),
            answer: None,
            transport: None,
        };
        let (gate, settings) = (
            probe("GET /v1.0/myorg/groups"),
            probe("GET /v1/admin/tenantsettings"),
        );
        let requests = |e: Vec<&Probe>| e.iter().map(|p| p.request.clone()).collect::<Vec<_>>();
        assert_eq!(
            requests(switch_evidence(&gate, Some(&settings))),
            ["GET /v1/admin/tenantsettings", "GET /v1.0/myorg/groups"]
        );
        assert_eq!(
            requests(switch_evidence(&gate, None)),
            ["GET /v1.0/myorg/groups"]
        );
    }
}
