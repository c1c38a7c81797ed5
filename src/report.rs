//! The support report: what a help desk needs to see why a connection fails, and nothing a
//! thief could use. Built only from non-secret values (secret types can't be serialized), with
//! tenant and client IDs masked unless the person chooses to show them.

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
            last_check: p.last_check.clone(),
        }
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
             <h2>Latest sign-in or check</h2>{check}</body></html>",
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
}
