//! Checks of what a person types, before anything is sent anywhere.
//!
//! Each check trims what it can, and otherwise returns one specific problem in plain words:
//! what is wrong, and what to do. The wizard shows it next to the field; the CLI prints it.

use serde::Serialize;
use std::fmt;

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldProblem {
    /// Which field: `tenant`, `clientId`, `clientSecret`, `username`, `certificate`,
    /// `workspace`.
    pub field: &'static str,
    /// Stable machine code, e.g. `TENANT_COMMON_FOR_APP`.
    pub code: &'static str,
    /// The problem and the fix, in one or two sentences.
    pub message: String,
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FieldProblem {}

fn problem(field: &'static str, code: &'static str, message: impl Into<String>) -> FieldProblem {
    FieldProblem {
        field,
        code,
        message: message.into(),
    }
}

/// Whether text has the 8-4-4-4-12 shape of a GUID.
pub fn is_guid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Strips what copying from a web page adds: spaces, quotes, braces and angle brackets.
fn clean(text: &str) -> String {
    text.trim()
        .trim_matches(|c| matches!(c, '"' | '\'' | '{' | '}' | '<' | '>'))
        .trim()
        .to_string()
}

/// Whether the tenant is for a user sign-in or an app signing in as itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantUse {
    /// A person signs in (`organizations` is fine).
    User,
    /// An app signs in as itself: needs one specific tenant.
    App,
}

/// A tenant: its ID (GUID) or a verified domain such as `contoso.onmicrosoft.com`.
pub fn tenant(input: &str, usage: TenantUse) -> Result<String, FieldProblem> {
    let t = clean(input);
    if t.is_empty() {
        return Err(problem(
            "tenant",
            "TENANT_EMPTY",
            "Enter your tenant: its ID (a GUID) or a domain such as contoso.onmicrosoft.com.",
        ));
    }
    let lower = t.to_ascii_lowercase();
    let pasted = url::Url::parse(&lower)
        .ok()
        .filter(|u| matches!(u.scheme(), "https" | "http"));
    if let Some(u) = pasted {
        // A pasted sign-in URL: take the tenant segment (the first of the path) if there is one.
        let first = u.path_segments().and_then(|mut s| s.next());
        if let Some(seg) = first.filter(|s| !s.is_empty()) {
            return tenant(seg, usage);
        }
        return Err(problem(
            "tenant",
            "TENANT_IS_URL",
            "That is a web address. Enter only the tenant ID or domain, without https://.",
        ));
    }
    if matches!(lower.as_str(), "common" | "organizations" | "consumers") {
        return match usage {
            TenantUse::User if lower != "consumers" => Ok(lower),
            TenantUse::User => Err(problem(
                "tenant",
                "TENANT_CONSUMERS",
                "Power BI needs a work or school account; \"consumers\" is for personal Microsoft \
                 accounts.",
            )),
            TenantUse::App => Err(problem(
                "tenant",
                "TENANT_COMMON_FOR_APP",
                format!(
                    "\"{lower}\" can't be used when an app signs in as itself: Microsoft must \
                     know which organisation the app belongs to. Enter your tenant ID or domain \
                     instead."
                ),
            )),
        };
    }
    if is_guid(&lower) {
        return Ok(lower);
    }
    if t.contains('-') && t.len() >= 30 && !t.contains('.') {
        return Err(problem(
            "tenant",
            "TENANT_GUID_SHAPE",
            "This looks like a tenant ID with a character missing or extra. A tenant ID has 32 \
             letters and digits in groups of 8-4-4-4-12.",
        ));
    }
    if t.contains('@') {
        return Err(problem(
            "tenant",
            "TENANT_IS_EMAIL",
            "That is an email address. Enter the part after @ (for example contoso.com), or the \
             tenant ID.",
        ));
    }
    let labels: Vec<&str> = lower.split('.').collect();
    let dns = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    if dns {
        return Ok(lower);
    }
    Err(problem(
        "tenant",
        "TENANT_SHAPE",
        "This is neither a tenant ID (a GUID) nor a domain such as contoso.onmicrosoft.com.",
    ))
}

/// An Application (client) ID: a GUID.
pub fn client_id(input: &str) -> Result<String, FieldProblem> {
    let c = clean(input).to_ascii_lowercase();
    if c.is_empty() {
        return Err(problem(
            "clientId",
            "CLIENT_ID_EMPTY",
            "Enter the Application (client) ID from your app registration's Overview page.",
        ));
    }
    if is_guid(&c) {
        return Ok(c);
    }
    let hex: String = c.chars().filter(char::is_ascii_hexdigit).collect();
    if hex.len() == 32 && c.chars().all(|ch| ch.is_ascii_hexdigit() || ch == '-') {
        return Err(problem(
            "clientId",
            "CLIENT_ID_DASHES",
            "The dashes are in the wrong places. Copy the Application (client) ID again with the \
             copy button.",
        ));
    }
    Err(problem(
        "clientId",
        "CLIENT_ID_SHAPE",
        format!(
            "An Application (client) ID has 32 letters and digits in groups of 8-4-4-4-12; this \
             has {} characters. Copy it from your app registration's Overview page.",
            c.chars().count()
        ),
    ))
}

/// A client secret's value. Refuses a Secret ID pasted by mistake, and text a copy added.
pub fn client_secret(input: &str) -> Result<String, FieldProblem> {
    let s = input.trim();
    if s.is_empty() {
        return Err(problem(
            "clientSecret",
            "SECRET_EMPTY",
            "Enter the client secret's Value, shown once when the secret was created.",
        ));
    }
    if is_guid(&s.to_ascii_lowercase()) {
        return Err(problem(
            "clientSecret",
            "SECRET_IS_SECRET_ID",
            "This looks like the Secret ID, not the secret's Value. In Certificates & secrets, \
             each secret has both; copy the Value (visible only right after you create it). If \
             you no longer have it, create a new secret.",
        ));
    }
    if (s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')) {
        return Err(problem(
            "clientSecret",
            "SECRET_QUOTED",
            "The secret starts and ends with quotation marks. Paste only the value, without the \
             quotes.",
        ));
    }
    if s.chars().any(char::is_whitespace) {
        return Err(problem(
            "clientSecret",
            "SECRET_WHITESPACE",
            "The secret has a space or line break inside it, which a real secret never has. Copy \
             it again.",
        ));
    }
    if s.chars().count() < 16 {
        return Err(problem(
            "clientSecret",
            "SECRET_TOO_SHORT",
            "This is shorter than any client secret Azure creates (they are about 40 characters). \
             Copy the whole Value.",
        ));
    }
    Ok(s.to_string())
}

/// A workspace ID: a GUID, as in the workspace's address in Power BI (`/groups/<ID>/…`).
///
/// It goes into API paths (`/v1.0/myorg/groups/<ID>/…`), so anything else is refused here,
/// where it enters, rather than sent: text such as `../../admin/groups` would otherwise call a
/// different API than the one the check is about.
pub fn workspace_id(input: &str) -> Result<String, FieldProblem> {
    let w = clean(input);
    if w.is_empty() {
        return Err(problem(
            "workspace",
            "WORKSPACE_EMPTY",
            "Enter the workspace ID: open the workspace in Power BI and copy the part of its \
             address after /groups/.",
        ));
    }
    if is_guid(&w) {
        return Ok(w);
    }
    Err(problem(
        "workspace",
        "WORKSPACE_ID_SHAPE",
        format!(
            "A workspace ID has 32 letters and digits in groups of 8-4-4-4-12; this has {} \
             characters. Open the workspace in Power BI and copy the part of its address after \
             /groups/ (up to the next /).",
            w.chars().count()
        ),
    ))
}

/// A user principal name such as `ada@contoso.com`.
pub fn username(input: &str) -> Result<String, FieldProblem> {
    let u = clean(input);
    if u.is_empty() {
        return Err(problem(
            "username",
            "USERNAME_EMPTY",
            "Enter the account's sign-in name, such as ada@contoso.com.",
        ));
    }
    let Some((local, domain)) = u.split_once('@') else {
        return Err(problem(
            "username",
            "USERNAME_NO_AT",
            "Enter the full sign-in name with its domain, such as ada@contoso.com (not \
             DOMAIN\\name).",
        ));
    };
    let ok = !local.is_empty()
        && !local.contains(char::is_whitespace)
        && domain.contains('.')
        && domain.split('.').all(|l| !l.is_empty())
        && !domain.contains(['@', ' ']);
    if !ok {
        return Err(problem(
            "username",
            "USERNAME_SHAPE",
            "This doesn't look like a sign-in name such as ada@contoso.com.",
        ));
    }
    Ok(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenants() {
        let ok = [
            (
                " 7B0C3A4E-1F2D-4C5B-9A8E-0D1C2B3A4F5E ",
                "7b0c3a4e-1f2d-4c5b-9a8e-0d1c2b3a4f5e",
            ),
            ("Contoso.onmicrosoft.com", "contoso.onmicrosoft.com"),
            ("\"contoso.com\"", "contoso.com"),
            (
                "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token",
                "contoso.com",
            ),
        ];
        for (input, want) in ok {
            assert_eq!(
                tenant(input, TenantUse::App).as_deref(),
                Ok(want),
                "{input}"
            );
        }
        assert_eq!(
            tenant("organizations", TenantUse::User).as_deref(),
            Ok("organizations")
        );
        let bad = [
            ("", "TENANT_EMPTY"),
            ("common", "TENANT_COMMON_FOR_APP"),
            ("organizations", "TENANT_COMMON_FOR_APP"),
            ("7b0c3a4e-1f2d-4c5b-9a8e-0d1c2b3a4f5", "TENANT_GUID_SHAPE"),
            ("ada@contoso.com", "TENANT_IS_EMAIL"),
            ("contoso", "TENANT_SHAPE"),
            ("https://portal.azure.com", "TENANT_IS_URL"),
        ];
        for (input, code) in bad {
            assert_eq!(
                tenant(input, TenantUse::App).map_err(|e| e.code),
                Err(code),
                "{input}"
            );
        }
        assert!(tenant("common", TenantUse::App)
            .unwrap_err()
            .message
            .contains("which organisation"));
    }

    #[test]
    fn client_ids() {
        assert_eq!(
            client_id("{11111111-1111-4111-8111-111111111111}").as_deref(),
            Ok("11111111-1111-4111-8111-111111111111")
        );
        assert_eq!(client_id("").map_err(|e| e.code), Err("CLIENT_ID_EMPTY"));
        assert_eq!(
            client_id("111111111111-4111-8111-1111-11111111").map_err(|e| e.code),
            Err("CLIENT_ID_DASHES")
        );
        let e = client_id("my-app").unwrap_err();
        assert_eq!(e.code, "CLIENT_ID_SHAPE");
        assert!(e.message.contains("6 characters"));
    }

    #[test]
    fn secrets() {
        assert!(client_secret("  Emb8Q~current.secret-value_0123456789abcdef\n").is_ok());
        let cases = [
            (
                "5ec1d000-0000-4000-8000-000000000001",
                "SECRET_IS_SECRET_ID",
            ),
            (
                "\"Emb8Q~current.secret-value_0123456789abcdef\"",
                "SECRET_QUOTED",
            ),
            (
                "Emb8Q~current secret-value_0123456789abcdef",
                "SECRET_WHITESPACE",
            ),
            ("abc", "SECRET_TOO_SHORT"),
            ("   ", "SECRET_EMPTY"),
        ];
        for (input, code) in cases {
            assert_eq!(
                client_secret(input).map_err(|e| e.code),
                Err(code),
                "{input}"
            );
        }
    }

    #[test]
    fn workspace_ids_must_be_guids() {
        assert_eq!(
            workspace_id(" {F0F0F0F0-1111-4111-8111-000000000001} ").as_deref(),
            Ok("F0F0F0F0-1111-4111-8111-000000000001")
        );
        let bad = [
            ("", "WORKSPACE_EMPTY"),
            ("../../admin/groups?$top=1", "WORKSPACE_ID_SHAPE"),
            (
                "f0f0f0f0-1111-4111-8111-000000000001/../../admin",
                "WORKSPACE_ID_SHAPE",
            ),
            (
                "f0f0f0f0-1111-4111-8111-00000000000%31",
                "WORKSPACE_ID_SHAPE",
            ),
            ("me", "WORKSPACE_ID_SHAPE"),
        ];
        for (input, code) in bad {
            let e = workspace_id(input).unwrap_err();
            assert_eq!((e.field, e.code), ("workspace", code), "{input}");
        }
        assert!(workspace_id("../../admin/groups?$top=1")
            .unwrap_err()
            .message
            .contains("after /groups/"));
    }

    #[test]
    fn usernames() {
        assert_eq!(
            username(" ada@contoso.com ").as_deref(),
            Ok("ada@contoso.com")
        );
        assert_eq!(
            username("CONTOSO\\ada").map_err(|e| e.code),
            Err("USERNAME_NO_AT")
        );
        assert_eq!(
            username("ada@contoso").map_err(|e| e.code),
            Err("USERNAME_SHAPE")
        );
        assert_eq!(
            username("a da@contoso.com").map_err(|e| e.code),
            Err("USERNAME_SHAPE")
        );
    }
}
