//! The support report: what a help desk needs to see why a connection fails, and nothing a
//! thief could use. Built only from non-secret values (secret types can't be serialized), with
//! tenant and client IDs masked unless the person chooses to show them. The last check's
//! summary is the service's own sentence, which can name the user (`ada@contoso.com`) or the
//! app: its e-mail addresses and GUIDs are masked the same way ([`scrub`]). With the log's last
//! lines (`keyway report --with-log`), those are scrubbed alike.

use crate::diagnose::Explanation;
use crate::profile::{days_until, LastCheck, Profile};
use serde::Serialize;

/// One report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SupportReport {
    /// Keyway's version.
    pub keyway_version: String,
    /// Operating system and architecture.
    pub os: String,
    /// When it was made (Unix seconds).
    pub generated_at: i64,
    /// The connection.
    pub profile: ReportProfile,
    /// The latest sign-in or check.
    pub last_check: Option<LastCheck>,
    /// The log's last lines, scrubbed, when asked for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub log: Vec<String>,
}

/// The connection, as the report shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportProfile {
    /// Profile name.
    pub name: String,
    /// Cloud.
    pub cloud: String,
    /// Sign-in method.
    pub method: String,
    /// Tenant (masked unless asked).
    pub tenant: String,
    /// Client ID (masked unless asked).
    pub client_id: String,
    /// Goal.
    pub goal: Option<String>,
    /// Where the secret lives.
    pub secret_location: Option<String>,
    /// Secret expiry date and days left.
    pub secret_expires: Option<String>,
    /// Days until the secret expires (negative: expired).
    pub secret_days_left: Option<i64>,
}

/// `7b0c…4f5e`: enough to tell two IDs apart, not enough to use one.
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "…".into();
    }
    format!(
        "{}…{}",
        chars[..4].iter().collect::<String>(),
        chars[chars.len() - 4..].iter().collect::<String>()
    )
}

/// `ada@contoso.com` as `a…@cont….com`: the first letter of the name, the domain masked like an
/// ID.
pub fn mask_email(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}…@{}", mask(domain))
        }
        None => mask(address),
    }
}

/// Text for a report or a log excerpt: control characters removed and, unless `unmask_ids`,
/// every e-mail address (a user principal name) and GUID (a tenant, app or object ID) masked.
pub fn scrub(text: &str, unmask_ids: bool) -> String {
    let text = crate::text::clean_text(text);
    if unmask_ids {
        return text;
    }
    mask_emails(&mask_guids(&text))
}

/// Whether `b` starts with a GUID (`8-4-4-4-12` hex digits).
fn guid_at(b: &[u8]) -> bool {
    const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];
    let mut at = 0;
    for (i, len) in GROUPS.iter().enumerate() {
        if b.len() < at + len || !b[at..at + len].iter().all(u8::is_ascii_hexdigit) {
            return false;
        }
        at += len;
        if i < 4 {
            if b.get(at) != Some(&b'-') {
                return false;
            }
            at += 1;
        }
    }
    !b.get(at).is_some_and(u8::is_ascii_alphanumeric)
}

fn mask_guids(text: &str) -> String {
    let b = text.as_bytes();
    let (mut out, mut i, mut from) = (String::with_capacity(text.len()), 0, 0);
    while i < b.len() {
        let starts = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        // Only at ASCII hex digits, so `i` is always a character boundary when it matches.
        if starts && guid_at(&b[i..]) {
            out.push_str(&text[from..i]);
            out.push_str(&mask(&text[i..i + 36]));
            i += 36;
            from = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[from..]);
    out
}

fn mask_emails(text: &str) -> String {
    let b = text.as_bytes();
    let local = |c: u8| c.is_ascii_alphanumeric() || b"._%+-'".contains(&c);
    let domain = |c: u8| c.is_ascii_alphanumeric() || c == b'.' || c == b'-';
    let (mut out, mut from) = (String::with_capacity(text.len()), 0);
    for at in text.match_indices('@').map(|(i, _)| i) {
        if at < from {
            continue;
        }
        let mut start = at;
        while start > from && local(b[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < b.len() && domain(b[end]) {
            end += 1;
        }
        while end > at + 1 && matches!(b[end - 1], b'.' | b'-') {
            end -= 1;
        }
        let host = &text[at + 1..end];
        if start == at || !host.contains('.') || host.split('.').any(str::is_empty) {
            continue;
        }
        out.push_str(&text[from..start]);
        out.push_str(&mask_email(&text[start..end]));
        from = end;
    }
    out.push_str(&text[from..]);
    out
}

impl SupportReport {
    /// The report for a profile.
    pub fn for_profile(p: &Profile, unmask_ids: bool, now: i64) -> SupportReport {
        let id = |v: &str| if unmask_ids { v.to_string() } else { mask(v) };
        SupportReport {
            keyway_version: crate::VERSION.to_string(),
            os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
            generated_at: now,
            profile: ReportProfile {
                name: p.name.clone(),
                cloud: p.cloud.to_string(),
                method: p.method.as_str().to_string(),
                tenant: id(&p.tenant),
                client_id: id(&p.client_id),
                goal: p.goal.map(|g| g.to_string()),
                secret_location: p.secret_location.clone(),
                secret_expires: p.secret_expires.clone(),
                secret_days_left: p.secret_expires.as_deref().and_then(|d| days_until(d, now)),
            },
            last_check: p.last_check.clone().map(|mut c| {
                c.summary = scrub(&c.summary, unmask_ids);
                c
            }),
            log: vec![],
        }
    }

    /// Adds the log's last lines (from [`crate::log::last_lines`], already scrubbed).
    pub fn with_log(mut self, lines: Vec<String>) -> SupportReport {
        self.log = lines;
        self
    }

    /// Writes the report as HTML to `html` and as JSON beside it; returns the JSON's path.
    pub fn write(&self, html: &std::path::Path) -> Result<std::path::PathBuf, Explanation> {
        let json = html.with_extension("json");
        let write = |path: &std::path::Path, text: String| {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
            dir.map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|_| std::fs::write(path, text))
                .map_err(|e| {
                    Explanation::new(
                        "WRITE_FAILED",
                        "The report could not be written",
                        format!("{}: {e}", path.display()),
                        vec!["Choose a folder you may write to, then try again.".into()],
                    )
                })
        };
        write(html, self.to_html())?;
        write(&json, self.to_json())?;
        Ok(json)
    }

    /// The report as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// One self-contained HTML page (no scripts, nothing loaded from anywhere).
    pub fn to_html(&self) -> String {
        let e = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        };
        let row =
            |k: &str, v: &str| format!("<tr><th scope=\"row\">{}</th><td>{}</td></tr>", e(k), e(v));
        let p = &self.profile;
        let mut rows = vec![
            row("Profile", &p.name),
            row("Cloud", &p.cloud),
            row("Sign-in method", &p.method),
            row("Tenant", &p.tenant),
            row("Application (client) ID", &p.client_id),
            row("Goal", p.goal.as_deref().unwrap_or("—")),
            row(
                "Secret stored in",
                p.secret_location.as_deref().unwrap_or("not saved"),
            ),
        ];
        if let (Some(date), Some(days)) = (&p.secret_expires, p.secret_days_left) {
            rows.push(row("Secret expires", &format!("{date} ({days} days)")));
        }
        let check = match &self.last_check {
            None => "<p>No sign-in or check has been recorded yet.</p>".to_string(),
            Some(c) => {
                let mut r = vec![
                    row("Result", if c.ok { "worked" } else { "failed" }),
                    row("Summary", &c.summary),
                ];
                for (k, v) in [
                    ("Error code", &c.code),
                    ("Trace ID", &c.trace_id),
                    ("Correlation ID", &c.correlation_id),
                    ("Timestamp", &c.timestamp),
                ] {
                    if let Some(v) = v {
                        r.push(row(k, v));
                    }
                }
                if let Some(s) = c.http_status {
                    r.push(row("HTTP status", &s.to_string()));
                }
                format!("<table>{}</table>", r.join(""))
            }
        };
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>Keyway support report: {name}</title>\
             <meta http-equiv=\"Content-Security-Policy\" \
             content=\"default-src 'none'; style-src 'unsafe-inline'\">\
             <style>body{{font:15px system-ui,sans-serif;max-width:46rem;margin:2rem auto;\
             padding:0 1rem;color:#1b2130}}\
             th{{text-align:left;padding:.3rem 1rem .3rem 0;vertical-align:top}}\
             td{{padding:.3rem 0;word-break:break-all}}</style></head>\
             <body><h1>Keyway support report</h1>\
             <p>Keyway {ver} on {os}. This report holds no secret, token or password.</p>\
             <h2>Connection</h2><table>{rows}</table>\
             <h2>Latest sign-in or check</h2>{check}{log}</body></html>",
            log = if self.log.is_empty() {
                String::new()
            } else {
                format!(
                    "<h2>Keyway's log (last lines)</h2><pre>{}</pre>",
                    e(&self.log.join("\n"))
                )
            },
            name = e(&p.name),
            ver = e(&self.keyway_version),
            os = e(&self.os),
            rows = rows.join(""),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_masked_unless_asked() {
        assert_eq!(mask("7b0c3a4e-1f2d-4c5b-9a8e-0d1c2b3a4f5e"), "7b0c…4f5e");
        assert_eq!(mask("short"), "…");
    }

    #[test]
    fn a_summary_naming_the_user_is_masked_unless_asked() {
        // AADSTS50034's text names the account (Microsoft Learn, "Microsoft Entra
        // authentication and authorization error codes"); AADSTS700016 names the app.
        let said = "The user account ada.lovelace@contoso.com does not exist in the \
                    '7b0c3a4e-1f2d-4c5b-9a8e-0d1c2b3a4f5e' directory. Mail ada@contoso.com.";
        let mut p = Profile::new("Sales", crate::goal::Method::Password);
        p.last_check = Some(LastCheck {
            at: 0,
            ok: false,
            code: Some("AADSTS50034".into()),
            summary: said.into(),
            http_status: Some(400),
            trace_id: None,
            correlation_id: None,
            timestamp: None,
        });
        let masked = SupportReport::for_profile(&p, false, 0);
        let summary = &masked.last_check.as_ref().map(|c| c.summary.clone());
        assert_eq!(
            summary.as_deref(),
            Some(
                "The user account a…@cont….com does not exist in the '7b0c…4f5e' directory. \
                 Mail a…@cont….com."
            )
        );
        for out in [masked.to_json(), masked.to_html()] {
            assert!(
                !out.contains("ada@contoso") && !out.contains("lovelace"),
                "{out}"
            );
        }
        let shown = SupportReport::for_profile(&p, true, 0);
        assert!(shown.to_json().contains("ada.lovelace@contoso.com"));
        assert_eq!(
            scrub("no address @ here, x@y, a@b.c.", false),
            "no address @ here, x@y, a…@…."
        );
        assert_eq!(
            scrub("ID 7b0c3a4e-1f2d-4c5b-9a8e-0d1c2b3a4f5ex", false),
            "ID 7b0c3a4e-1f2d-4c5b-9a8e-0d1c2b3a4f5ex"
        );
    }
}
