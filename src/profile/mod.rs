//! Profiles: everything about a connection except its secrets, in one file in the platform's
//! configuration folder; and presets, the same without any secret, for a help desk to send.
//!
//! The file itself, its lock and its permissions are in [`store`].

use crate::cloud::{CloudId, CustomEndpoints};
use crate::goal::{Goal, Method};
use crate::validate::{self, FieldProblem, TenantUse};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::PathBuf;

mod store;
pub use store::{config_dir, replace_config_file, ProfileStore};

/// The version of the profiles file this Keyway writes.
pub const SCHEMA: u32 = 1;
/// The version of preset files this Keyway writes.
pub const PRESET_SCHEMA: u32 = 1;
/// Largest preset file read (a real one is well under 2 KB).
pub const MAX_PRESET_BYTES: usize = 64 * 1024;
const MAX_FIELD: usize = 512;

/// One saved connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// Its name, unique.
    pub name: String,
    /// The cloud.
    pub cloud: CloudId,
    /// The endpoints of a custom cloud.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<CustomEndpoints>,
    /// Tenant ID or domain.
    pub tenant: String,
    /// Application (client) ID.
    pub client_id: String,
    /// How it signs in.
    pub method: Method,
    /// The user, for password, browser or device-code sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The certificate file, for certificate sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_path: Option<PathBuf>,
    /// The certificate's SHA-1 thumbprint, as the portal shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_thumbprint: Option<String>,
    /// The certificate is one Keyway made, kept with its key in the keyring (no file).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub certificate_in_keyring: bool,
    /// What it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<Goal>,
    /// The workspace the checks use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// Delegated scopes to ask for (user sign-ins).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// When the client secret or certificate expires (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_expires: Option<String>,
    /// Where the secret was saved, in words ("your keyring (Secret Service)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_location: Option<String>,
    /// The latest sign-in or check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_check: Option<LastCheck>,
}

impl Profile {
    /// The sign-in host its secrets are bound to (none when its cloud is not usable).
    pub fn authority(&self) -> Option<String> {
        crate::cloud::Cloud::resolve(self.cloud, self.custom.as_ref())
            .ok()
            .map(|c| c.authority_host)
    }

    /// A profile with a name and a method, everything else empty (public cloud).
    pub fn new(name: impl Into<String>, method: Method) -> Profile {
        Profile {
            name: name.into(),
            cloud: CloudId::Public,
            custom: None,
            tenant: String::new(),
            client_id: String::new(),
            method,
            username: None,
            certificate_path: None,
            certificate_thumbprint: None,
            certificate_in_keyring: false,
            goal: None,
            workspace: None,
            scopes: vec![],
            secret_expires: None,
            secret_location: None,
            last_check: None,
        }
    }
}

/// The outcome of the latest sign-in or check, with what support needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LastCheck {
    /// When (Unix seconds).
    pub at: i64,
    /// Whether it worked.
    pub ok: bool,
    /// The error code when it did not (`AADSTS7000215`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// One line.
    pub summary: String,
    /// HTTP status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Trace ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// Correlation ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    /// The service's timestamp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ProfilesFile {
    schema: u32,
    #[serde(default)]
    profiles: Vec<Profile>,
}

/// Why the profiles could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// The file could not be read; it was moved aside.
    #[error(
        "Your saved profiles could not be read ({reason}). The file was kept as {} and Keyway \
         started a new one; nothing was deleted.",
        kept.display()
    )]
    Unreadable {
        /// Why.
        reason: String,
        /// Where the old file is now.
        kept: PathBuf,
    },
    /// Reading or writing failed.
    #[error("The profiles file {} could not be {action}: {reason}", path.display())]
    Io {
        /// Which file.
        path: PathBuf,
        /// read or written.
        action: &'static str,
        /// Why.
        reason: String,
    },
    /// No profile of that name.
    #[error("There is no profile named \"{0}\".")]
    NotFound(String),
    /// A profile of that name exists.
    #[error("A profile named \"{0}\" already exists. Choose another name, or replace it.")]
    Exists(String),
}

impl ProfileError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ProfileError::Unreadable { .. } => "PROFILES_UNREADABLE",
            ProfileError::Io { .. } => "PROFILES_IO",
            ProfileError::NotFound(_) => "PROFILE_NOT_FOUND",
            ProfileError::Exists(_) => "PROFILE_EXISTS",
        }
    }
}

/// Days until a `YYYY-MM-DD` date, from `now` (Unix seconds); negative when past.
pub fn days_until(date: &str, now: i64) -> Option<i64> {
    let d = time::Date::parse(
        date.trim(),
        &time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()?;
    let at = d.midnight().assume_utc().unix_timestamp();
    Some((at - now).div_euclid(86_400))
}

// ---------------------------------------------------------------------------------------------
// Presets

/// A profile without secrets, results or local paths: what a help desk sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preset {
    /// Always [`PRESET_SCHEMA`].
    pub keyway_preset: u32,
    /// The rest.
    #[serde(flatten)]
    pub profile: Profile,
}

impl Preset {
    /// The preset of a profile: no secret location, check results or certificate path.
    pub fn from_profile(p: &Profile) -> Preset {
        let mut profile = p.clone();
        profile.secret_location = None;
        profile.last_check = None;
        profile.certificate_path = None;
        profile.certificate_in_keyring = false;
        Preset {
            keyway_preset: PRESET_SCHEMA,
            profile,
        }
    }

    /// Reads a preset, checking every field; lists every problem at once.
    pub fn parse(bytes: &[u8]) -> Result<Profile, Vec<FieldProblem>> {
        let one = |field: &'static str, code: &'static str, message: String| {
            vec![FieldProblem {
                field,
                code,
                message,
            }]
        };
        if bytes.len() > MAX_PRESET_BYTES {
            return Err(one(
                "file",
                "PRESET_TOO_LARGE",
                format!(
                    "This file is {} KB; a Keyway preset is a few hundred bytes. It is not a \
                     preset.",
                    bytes.len() / 1024
                ),
            ));
        }
        let v: Value = serde_json::from_slice(bytes).map_err(|e| {
            one(
                "file",
                "PRESET_NOT_JSON",
                format!("This is not a Keyway preset (not JSON: {e})."),
            )
        })?;
        let Some(obj) = v.as_object() else {
            return Err(one(
                "file",
                "PRESET_NOT_OBJECT",
                "This is not a Keyway preset.".into(),
            ));
        };
        let mut problems = vec![];
        let mut bad = |field: &'static str, code: &'static str, message: String| {
            problems.push(FieldProblem {
                field,
                code,
                message,
            })
        };
        match obj.get("keywayPreset").and_then(Value::as_u64) {
            Some(n) if n <= u64::from(PRESET_SCHEMA) => {}
            Some(n) => bad(
                "keywayPreset",
                "PRESET_NEWER",
                format!(
                    "This preset was made by a newer Keyway (format {n}). Update Keyway to open \
                     it."
                ),
            ),
            None => bad(
                "keywayPreset",
                "PRESET_NOT_KEYWAY",
                "This file has no keywayPreset marker, so it is not a Keyway preset.".into(),
            ),
        }
        const KNOWN: [&str; 12] = [
            "keywayPreset",
            "name",
            "cloud",
            "custom",
            "tenant",
            "clientId",
            "method",
            "username",
            "certificateThumbprint",
            "goal",
            "workspace",
            "scopes",
        ];
        const SECRET_LIKE: [&str; 6] = [
            "clientSecret",
            "secret",
            "password",
            "refreshToken",
            "accessToken",
            "secretExpires",
        ];
        for key in obj.keys() {
            if SECRET_LIKE.iter().any(|s| key.eq_ignore_ascii_case(s)) && key != "secretExpires" {
                bad(
                    "file",
                    "PRESET_HAS_SECRET",
                    format!(
                        "The preset contains \"{}\". Presets never carry secrets; it was ignored \
                         — ask your help desk for a new preset.",
                        truncate(key)
                    ),
                );
            } else if !KNOWN.contains(&key.as_str()) && key != "secretExpires" {
                bad(
                    "file",
                    "PRESET_UNKNOWN_FIELD",
                    format!(
                        "The preset has a field Keyway doesn't know: \"{}\".",
                        truncate(key)
                    ),
                );
            }
        }
        let field_text =
            |k: &'static str, required: bool, problems: &mut Vec<FieldProblem>| -> Option<String> {
                match obj.get(k) {
                    None | Some(Value::Null) if required => {
                        problems.push(FieldProblem {
                            field: k,
                            code: "PRESET_MISSING",
                            message: format!("The preset has no {k}."),
                        });
                        None
                    }
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) if s.len() > MAX_FIELD => {
                        problems.push(FieldProblem {
                            field: k,
                            code: "PRESET_TOO_LONG",
                            message: format!(
                                "The preset's {k} is {} characters long; that can't be right.",
                                s.len()
                            ),
                        });
                        None
                    }
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(_) => {
                        problems.push(FieldProblem {
                            field: k,
                            code: "PRESET_WRONG_TYPE",
                            message: format!("The preset's {k} should be text."),
                        });
                        None
                    }
                }
            };
        let name = field_text("name", true, &mut problems);
        let tenant = field_text("tenant", true, &mut problems);
        let client_id = field_text("clientId", true, &mut problems);
        let method_text = field_text("method", true, &mut problems);
        let cloud_text = field_text("cloud", false, &mut problems);
        let username = field_text("username", false, &mut problems);
        let thumb = field_text("certificateThumbprint", false, &mut problems);
        let goal_text = field_text("goal", false, &mut problems);
        let workspace = field_text("workspace", false, &mut problems);

        let method: Option<Method> = method_text.as_deref().and_then(|m| {
            let parsed = serde_json::from_value(Value::String(m.into())).ok();
            if parsed.is_none() {
                problems.push(FieldProblem {
                    field: "method",
                    code: "PRESET_METHOD",
                    message: format!("\"{}\" is not a sign-in method Keyway knows.", truncate(m)),
                });
            }
            parsed
        });
        let usage = if method.is_some_and(Method::is_app_only) {
            TenantUse::App
        } else {
            TenantUse::User
        };
        let tenant = tenant.and_then(|t| {
            validate::tenant(&t, usage)
                .map_err(|p| problems.push(p))
                .ok()
        });
        let client_id =
            client_id.and_then(|c| validate::client_id(&c).map_err(|p| problems.push(p)).ok());
        let username =
            username.and_then(|u| validate::username(&u).map_err(|p| problems.push(p)).ok());
        // The workspace goes into API paths: only a GUID may come in from a file.
        let workspace = workspace.filter(|w| !w.trim().is_empty()).and_then(|w| {
            validate::workspace_id(&w)
                .map_err(|p| problems.push(p))
                .ok()
        });
        let cloud = match cloud_text {
            None => Some(CloudId::Public),
            Some(c) => c
                .parse::<CloudId>()
                .map_err(|e| {
                    problems.push(FieldProblem {
                        field: "cloud",
                        code: "PRESET_CLOUD",
                        message: e.to_string(),
                    })
                })
                .ok(),
        };
        let custom = match obj.get("custom") {
            None | Some(Value::Null) => None,
            Some(c) => match serde_json::from_value::<CustomEndpoints>(c.clone()) {
                Ok(ep) => crate::cloud::Cloud::custom(ep.clone())
                    .map(|_| ep)
                    .map_err(|e| {
                        problems.push(FieldProblem {
                            field: "custom",
                            code: "PRESET_CUSTOM_CLOUD",
                            message: e.to_string(),
                        })
                    })
                    .ok(),
                Err(e) => {
                    problems.push(FieldProblem {
                        field: "custom",
                        code: "PRESET_CUSTOM_CLOUD",
                        message: format!("The custom cloud can't be read: {e}"),
                    });
                    None
                }
            },
        };
        if cloud == Some(CloudId::Custom)
            && custom.is_none()
            && !problems.iter().any(|p| p.field == "custom")
        {
            problems.push(FieldProblem {
                field: "custom",
                code: "PRESET_CUSTOM_CLOUD",
                message: "The preset says \"custom\" cloud but gives no addresses.".into(),
            });
        }
        let goal = goal_text.and_then(|g| {
            g.parse::<Goal>()
                .map_err(|e| {
                    problems.push(FieldProblem {
                        field: "goal",
                        code: "PRESET_GOAL",
                        message: e.to_string(),
                    })
                })
                .ok()
        });
        let scopes: Vec<String> = match obj.get("scopes") {
            None | Some(Value::Null) => vec![],
            Some(Value::Array(a))
                if a.len() <= 50
                    && a.iter().all(|s| {
                        s.as_str()
                            .is_some_and(|t| t.len() <= 100 && !t.contains(char::is_whitespace))
                    }) =>
            {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            }
            Some(_) => {
                problems.push(FieldProblem {
                    field: "scopes",
                    code: "PRESET_SCOPES",
                    message: "The preset's scopes should be a short list of permission names."
                        .into(),
                });
                vec![]
            }
        };
        if let Some(n) = &name {
            if n.trim().is_empty() || n.len() > 80 || n.chars().any(char::is_control) {
                problems.push(FieldProblem {
                    field: "name",
                    code: "PRESET_NAME",
                    message: "The profile name must be 1 to 80 ordinary characters.".into(),
                });
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        match (name, tenant, client_id, method, cloud) {
            (Some(name), Some(tenant), Some(client_id), Some(method), Some(cloud)) => Ok(Profile {
                name: name.trim().to_string(),
                cloud,
                custom,
                tenant,
                client_id,
                method,
                username,
                certificate_path: None,
                certificate_thumbprint: thumb,
                certificate_in_keyring: false,
                goal,
                workspace,
                scopes,
                secret_expires: None,
                secret_location: None,
                last_check: None,
            }),
            _ => Err(vec![FieldProblem {
                field: "file",
                code: "PRESET_INCOMPLETE",
                message: "The preset is incomplete.".into(),
            }]),
        }
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Profile {
        Profile {
            name: "Sales embed".into(),
            cloud: CloudId::Public,
            custom: None,
            tenant: "contoso.onmicrosoft.com".into(),
            client_id: "11111111-1111-4111-8111-111111111111".into(),
            method: Method::ClientSecret,
            username: None,
            certificate_path: Some("/secret/place.pfx".into()),
            certificate_thumbprint: None,
            certificate_in_keyring: true,
            goal: Some(Goal::Embed),
            workspace: Some("f0f0f0f0-1111-4111-8111-000000000001".into()),
            scopes: vec![],
            secret_expires: Some("2027-01-31".into()),
            secret_location: Some("keyring".into()),
            last_check: Some(LastCheck {
                at: 1,
                ok: false,
                code: Some("AADSTS7000215".into()),
                summary: "x".into(),
                http_status: Some(401),
                trace_id: None,
                correlation_id: None,
                timestamp: None,
            }),
        }
    }

    fn temp() -> PathBuf {
        std::env::temp_dir()
            .join(format!("keyway-profiles-{}", uuid::Uuid::new_v4()))
            .join("profiles.json")
    }

    #[test]
    fn profiles_round_trip_and_refuse_silent_overwrite() {
        let store = ProfileStore::at(temp());
        assert!(store.load().unwrap().is_empty());
        store.put(sample(), false).unwrap();
        assert_eq!(store.get("Sales embed").unwrap(), sample());
        assert_eq!(
            store.put(sample(), false).unwrap_err().code(),
            "PROFILE_EXISTS"
        );
        store.put(sample(), true).unwrap();
        store.remove("Sales embed").unwrap();
        assert_eq!(
            store.remove("Sales embed").unwrap_err().code(),
            "PROFILE_NOT_FOUND"
        );
        let dir = store.path().parent().unwrap();
        let mut left: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        left.sort();
        // The lock file stays: deleting it would let two Keyways lock different files.
        assert_eq!(
            left,
            ["profiles.json", "profiles.json.lock"],
            "no temporary file left behind"
        );
    }

    #[test]
    fn damaged_and_newer_files_are_kept_aside() {
        for text in [
            "{ not json",
            r#"{"schema": 99, "profiles": []}"#,
            r#"{"schema": 1, "profiles": [{"name": 3}]}"#,
        ] {
            let store = ProfileStore::at(temp());
            std::fs::create_dir_all(store.path().parent().unwrap()).unwrap();
            std::fs::write(store.path(), text).unwrap();
            let err = store.load().unwrap_err();
            let ProfileError::Unreadable { kept, reason } = &err else {
                panic!("{err:?}")
            };
            assert_eq!(
                std::fs::read_to_string(kept).unwrap(),
                text,
                "kept as it was"
            );
            assert!(err.to_string().contains("nothing was deleted"));
            if text.contains("99") {
                assert!(reason.contains("newer Keyway"));
            }
            assert!(store.load().unwrap().is_empty(), "a fresh start afterwards");
        }
    }

    #[test]
    fn presets_carry_no_secret_location_path_or_results_and_round_trip() {
        let preset = Preset::from_profile(&sample());
        let text = serde_json::to_string(&preset).unwrap();
        for gone in ["keyring", "/secret/place.pfx", "AADSTS7000215", "lastCheck"] {
            assert!(!text.contains(gone), "{gone} in {text}");
        }
        let back = Preset::parse(text.as_bytes()).unwrap();
        assert_eq!(back.name, "Sales embed");
        assert_eq!(back.workspace, sample().workspace);
        assert_eq!(back.secret_location, None);
    }

    #[test]
    fn hostile_presets_are_refused_with_every_problem_listed() {
        let hostile = serde_json::json!({
            "keywayPreset": 1, "name": 7, "tenant": "common", "clientId": "x".repeat(600),
            "method": "telepathy", "cloud": "germany", "clientSecret": "leak", "exploit": true,
            "scopes": ["a b"], "username": "CONTOSO\\ada",
        });
        let problems = Preset::parse(hostile.to_string().as_bytes()).unwrap_err();
        let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
        for want in [
            "PRESET_WRONG_TYPE",
            "PRESET_TOO_LONG",
            "PRESET_METHOD",
            "PRESET_CLOUD",
            "PRESET_HAS_SECRET",
            "PRESET_UNKNOWN_FIELD",
            "PRESET_SCOPES",
            "USERNAME_NO_AT",
        ] {
            assert!(codes.contains(&want), "{want} missing from {codes:?}");
        }
        assert_eq!(
            Preset::parse(&vec![b' '; MAX_PRESET_BYTES + 1]).unwrap_err()[0].code,
            "PRESET_TOO_LARGE"
        );
        assert_eq!(
            Preset::parse(b"[1,2]").unwrap_err()[0].code,
            "PRESET_NOT_OBJECT"
        );
        assert_eq!(
            Preset::parse(br#"{"keywayPreset": 9}"#).unwrap_err()[0].code,
            "PRESET_NEWER"
        );
    }

    #[test]
    fn days_until_expiry() {
        let now = time::macros::datetime!(2026-11-23 12:00 UTC).unix_timestamp();
        assert_eq!(days_until("2026-12-23", now), Some(29));
        assert_eq!(days_until("2026-11-01", now), Some(-23));
        assert_eq!(days_until("soon", now), None);
    }
}
