//! Plain-language diagnosis: any error a person meets, turned into what happened, why, what to
//! do, and where.
//!
//! Reads Entra ID error bodies, Power BI and Fabric error bodies (and Power BI's
//! `X-PowerBI-Error-Info` header), raw text that mentions `AADSTSnnnn`, and whole HTTP response
//! dumps (status line, headers, body), plus Keyway's own sign-in errors.

pub mod catalogue;
mod cloud;
mod explain;
mod from;
pub mod pages;
mod read;

use crate::auth::error::{AuthError, EntraError};
pub use crate::text::{clean_opt, clean_text};
use catalogue::Entry;
pub use cloud::wrong_cloud;
pub use explain::explain_answer;
use explain::fallback;
pub use pages::{Context, Page};
pub use read::{unescape, Clues};
use serde::Serialize;

/// One error, explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// `AADSTS7000215`, a Power BI or Fabric error code, `HTTP_<status>`, `TRANSPORT_TIMEOUT`, …
    pub code: String,
    /// Whether a specific catalogue entry matched (not only a fallback by HTTP status).
    pub recognized: bool,
    /// What happened, in a few words.
    pub title: String,
    /// Why it usually happens.
    pub cause: String,
    /// What to do, step by step.
    pub fix: Vec<String>,
    /// The page where the fix is made.
    pub link: Option<String>,
    /// What that page is called.
    pub link_label: Option<String>,
    /// The first line of what the service said.
    pub message: Option<String>,
    /// HTTP status, when known.
    pub http_status: Option<u16>,
    /// Entra's trace ID.
    pub trace_id: Option<String>,
    /// Entra's correlation ID (what an administrator searches the sign-in logs for).
    pub correlation_id: Option<String>,
    /// Power BI's or Fabric's request ID.
    pub request_id: Option<String>,
    /// When the service answered, as it said.
    pub timestamp: Option<String>,
    /// Seconds the service asked to wait (HTTP 429 / 503).
    pub retry_after: Option<u64>,
    /// The field a person typed wrong (`tenant`, `clientId`, …), when that is the problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The host whose answer this explains (`login.microsoftonline.com`), when known: nothing
    /// says Microsoft refused when a custom cloud or a proxy did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Who can fix it, in words, when the entry says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_by: Option<String>,
    /// Other codes the text held (a wrapper such as AADSTS70002 around the one explained).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_seen: Vec<String>,
    /// Another way to connect that avoids this problem: `service-principal` when a person's
    /// password sign-in met multi-factor or Conditional Access.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instead: Option<String>,
}

impl Explanation {
    /// A recognised explanation with no link or IDs yet.
    pub fn new(
        code: impl Into<String>,
        title: impl Into<String>,
        cause: impl Into<String>,
        fix: Vec<String>,
    ) -> Explanation {
        Explanation {
            code: code.into(),
            recognized: true,
            title: title.into(),
            cause: cause.into(),
            fix,
            link: None,
            link_label: None,
            message: None,
            http_status: None,
            trace_id: None,
            correlation_id: None,
            request_id: None,
            timestamp: None,
            retry_after: None,
            field: None,
            service: None,
            fixed_by: None,
            also_seen: vec![],
            instead: None,
        }
    }

    /// Points at the page where the fix is made, for this context.
    pub fn on_page(mut self, page: Option<Page>, ctx: &Context, aadsts: Option<u32>) -> Self {
        self.link = page.and_then(|p| p.url(ctx, aadsts));
        self.link_label = page.map(|p| p.label().to_string());
        self
    }

    fn from_entry(entry: &Entry, ctx: &Context, aadsts: Option<u32>) -> Explanation {
        let mut x = Explanation::new(
            entry.code,
            entry.title,
            entry.cause,
            entry.fix.iter().map(|s| s.to_string()).collect(),
        )
        .on_page(entry.page, ctx, aadsts);
        x.fixed_by = entry.who.map(|w| w.words().to_string());
        x
    }

    /// No entry for this code: the first line of the message, the IDs and a sensible next step.
    fn unknown(code: String, message: Option<String>, ctx: &Context, aadsts: Option<u32>) -> Self {
        let said = message
            .as_deref()
            .map(|m| format!(" The service said: \"{m}\""))
            .unwrap_or_default();
        let mut fix = vec![];
        if aadsts.is_some() {
            fix.push("Open Microsoft's page for this error code to read what it means.".into());
        }
        fix.push(
            "Create a support report in Keyway and send it to your IT team: it includes the codes \
             and IDs they need to look this up."
                .into(),
        );
        Explanation {
            recognized: false,
            message,
            ..Explanation::new(
                code.clone(),
                "Keyway does not know this error yet",
                format!("There is no explanation for {code} in Keyway.{said}"),
                fix,
            )
            .on_page(Some(Page::ErrorLookup), ctx, aadsts)
        }
    }
}

impl Explanation {
    /// The explanation as plain text for a terminal, each part on its own lines.
    pub fn to_text(&self) -> String {
        let mut out = vec![format!("{} [{}]", self.title, self.code)];
        if let Some(m) = &self.message {
            let who = self.service.as_deref().unwrap_or("the service");
            out.push(format!("What {who} said: {m}"));
        }
        out.push(format!("Why: {}", self.cause));
        if let Some(who) = &self.fixed_by {
            out.push(format!("Who can fix it: {who}."));
        }
        out.push("What to do:".into());
        out.extend(
            self.fix
                .iter()
                .enumerate()
                .map(|(i, step)| format!("  {}. {step}", i + 1)),
        );
        if let Some(link) = &self.link {
            let label = self.link_label.as_deref().unwrap_or("Page");
            out.push(format!("Open {label}: {link}"));
        }
        let ids: Vec<String> = [
            ("HTTP status", self.http_status.map(|s| s.to_string())),
            ("Trace ID", self.trace_id.clone()),
            ("Correlation ID", self.correlation_id.clone()),
            ("Request ID", self.request_id.clone()),
            ("Timestamp", self.timestamp.clone()),
            (
                "Retry after (seconds)",
                self.retry_after.map(|s| s.to_string()),
            ),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some(format!("{k}: {}", v?)))
        .collect();
        if !ids.is_empty() {
            out.push(ids.join("; "));
        }
        if !self.also_seen.is_empty() {
            out.push(format!("Also in the text: {}.", self.also_seen.join(", ")));
        }
        if !self.recognized {
            out.push(
                "(Keyway has no specific explanation for this code; this is its best guess.)"
                    .into(),
            );
        }
        out.join("\n")
    }
}

/// An HTTP answer: status, headers and body, any of which may be unknown.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    /// HTTP status.
    pub status: Option<u16>,
    /// Headers, names as sent.
    pub headers: Vec<(String, String)>,
    /// Body text.
    pub body: String,
}

impl Answer {
    /// Reads a whole HTTP answer: status, headers (those that are text) and body.
    pub async fn read(res: reqwest::Response) -> Result<Answer, reqwest::Error> {
        let status = res.status().as_u16();
        let headers = res
            .headers()
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect();
        let body = res.text().await?;
        Ok(Answer {
            status: Some(status),
            headers,
            body,
        })
    }

    /// A header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// Reads pasted text: an HTTP response dump (`HTTP/1.1 401 Unauthorized`, headers, a blank
    /// line, the body), or just a body or message.
    pub fn parse(text: &str) -> Answer {
        let text = text.trim_start_matches('\u{feff}').trim();
        let Some(rest) = text.strip_prefix("HTTP/") else {
            return Answer {
                body: text.to_string(),
                ..Answer::default()
            };
        };
        let normalised = rest.replace("\r\n", "\n");
        let (head, body) = normalised
            .split_once("\n\n")
            .unwrap_or((normalised.as_str(), ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok());
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
            .collect();
        Answer {
            status,
            headers,
            body: body.trim().to_string(),
        }
    }
}

/// Explains pasted text in any of the forms [`Answer::parse`] reads.
pub fn explain_text(text: &str, ctx: &Context) -> Explanation {
    explain_answer(&Answer::parse(text), ctx)
}

/// Explains a sign-in failure from the engine.
pub fn explain_auth_error(error: &AuthError, ctx: &Context) -> Explanation {
    match error {
        AuthError::Entra(e) => explain_entra(e, ctx),
        AuthError::Invalid(p) => Explanation {
            message: Some(p.message.clone()),
            field: Some(p.field.to_string()),
            ..Explanation::new(
                p.code,
                "Something typed needs a second look",
                p.message.clone(),
                vec![format!(
                    "Correct the {} field and try again.",
                    field_name(p.field)
                )],
            )
        },
        other => {
            let code = other.code();
            let mut x = match catalogue::find(&code) {
                Some(entry) => Explanation::from_entry(entry, ctx, None),
                None => Explanation::unknown(code, None, ctx, None),
            };
            // An unexpected answer's body and a declined sign-in's reason are the server's words.
            x.message = Some(clean_text(&other.to_string()));
            if let AuthError::Unexpected { status, .. } = other {
                x.http_status = Some(*status);
            }
            x
        }
    }
}

/// Multi-factor, Conditional Access and security-default refusals: a person must be there.
const NEEDS_A_PERSON: [u32; 9] = [
    50074, 50076, 50079, 50158, 53000, 53001, 53003, 530035, 50072,
];

/// Explains Entra's refusal, keeping its IDs.
pub fn explain_entra(e: &EntraError, ctx: &Context) -> Explanation {
    let code = match e.aadsts {
        Some(n) => format!("AADSTS{n}"),
        None => crate::auth::error::oauth_code(&e.error),
    };
    let mut x = match catalogue::find(&code) {
        Some(entry) => Explanation::from_entry(entry, ctx, e.aadsts),
        None => fallback(
            code,
            catalogue::find(&format!("HTTP_{}", e.http_status)),
            Some(e.message.clone()),
            ctx,
        ),
    };
    if x.link.is_none() && !x.recognized {
        x.link = Page::ErrorLookup.url(ctx, e.aadsts);
    }
    if ctx.password && e.aadsts.is_some_and(|n| NEEDS_A_PERSON.contains(&n)) {
        x.cause.push_str(
            " With a password alone, this account can't sign in unattended (as a \"master \
             user\").",
        );
        x.fix.push(
            "For something that runs on its own, use an app that signs in as itself (a service \
             principal) instead: \"Set it up for me\" makes one with an administrator."
                .into(),
        );
        x.instead = Some("service-principal".into());
    }
    x.message = Some(e.message.clone());
    if let Some(secs) = e.retry_after {
        x.retry_after = Some(secs);
        x.fix.insert(
            0,
            format!(
                "The service asked to wait {secs} s, longer than Keyway waits on its own: \
                 try again after that."
            ),
        );
    }
    x.service = e.host.clone();
    x.http_status = Some(e.http_status);
    x.trace_id = e.trace_id.clone();
    x.correlation_id = e.correlation_id.clone();
    x.timestamp = e.timestamp.clone();
    x
}

fn field_name(field: &str) -> &str {
    match field {
        "clientId" => "application (client) ID",
        "clientSecret" => "client secret",
        "username" => "user name",
        other => other,
    }
}

#[cfg(test)]
mod tests;
