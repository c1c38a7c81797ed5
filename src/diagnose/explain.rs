//! From what a text holds to one explanation: the most specific code wins, the others are named,
//! and what the service said is quoted as its own sentence, not the rubbish around it.

use super::catalogue::{self, Entry};
use super::read::{reason_status, unescape, Clues};
use super::{clean_opt, Answer, Context, Explanation};

/// Service codes that say little on their own: a more specific one in the same text wins.
const GENERIC: [&str; 4] = [
    "UnknownError",
    "InvalidRequest",
    "InvalidParameter",
    "Error",
];

/// Explains an HTTP answer (or a bare body or message, or anything pasted).
pub fn explain_answer(answer: &Answer, ctx: &Context) -> Explanation {
    let c = Clues::gather(answer);
    let body = super::read::bounded(&answer.body);
    let message = said(&c, body);
    let by_status = c
        .status
        .and_then(|st| catalogue::find(&format!("HTTP_{st}")));
    let (mut x, seen) = if let Some((n, others)) = pick_aadsts(&c.aadsts) {
        let code = format!("AADSTS{n}");
        let x = match catalogue::find(&code) {
            Some(entry) => Explanation::from_entry(entry, ctx, Some(n)),
            None => Explanation::unknown(code, message.clone(), ctx, Some(n)),
        };
        (x, others.iter().map(|n| format!("AADSTS{n}")).collect())
    } else if let Some((entry, others)) = pick_code(&c.codes, c.status) {
        (Explanation::from_entry(entry, ctx, None), others)
    } else if let Some(code) = c.codes.first() {
        // A code only named in passing (a wrapper's, or a sentence the status says as well)
        // gives way to the status; a service's own code is kept, explained by its status.
        let loose = c.loose.contains(code) || catalogue::find(code).is_some_and(|e| e.phrase);
        match by_status.filter(|_| loose) {
            Some(entry) => (by_status_of(entry, &c, ctx), c.codes.clone()),
            None => {
                let others = c.codes[1..].to_vec();
                let x = fallback(code.clone(), by_status, message.clone(), ctx);
                (x, others)
            }
        }
    } else if let Some(error) = &c.oauth {
        let code = crate::auth::error::oauth_code(error);
        (fallback(code, by_status, message.clone(), ctx), vec![])
    } else if let Some(entry) = by_status {
        (by_status_of(entry, &c, ctx), vec![])
    } else {
        let code = c
            .status
            .map_or_else(|| "UNKNOWN".to_string(), |st| format!("HTTP_{st}"));
        (
            Explanation::unknown(code, message.clone(), ctx, None),
            vec![],
        )
    };
    // Only what is an error code: not a detail's name (`Server`, `Message`) that a body keeps
    // under `code` too, nor a sentence; a few, for support.
    let named = |s: &String| {
        let aadsts = s
            .strip_prefix("AADSTS")
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()));
        aadsts || catalogue::find(s).is_some_and(|e| !e.phrase)
    };
    x.also_seen = seen
        .into_iter()
        .filter(|s| !s.eq_ignore_ascii_case(&x.code) && named(s))
        .take(5)
        .collect();
    // What came from the text is cleaned like everything a service says.
    x.code = crate::text::clean_text(&x.code);
    x.cause = crate::text::clean_text(&x.cause);
    // The sentence of the object that holds the code explained, over a wrapper's.
    let own = c
        .said_with
        .iter()
        .filter(|(code, _)| code.eq_ignore_ascii_case(&x.code))
        .find_map(|(_, m)| quote(m));
    x.message = own.or(message);
    x.http_status = c.status;
    x.trace_id = c.trace_id.clone().or_else(|| line(&c, body, "Trace ID:"));
    x.correlation_id = c
        .correlation_id
        .clone()
        .or_else(|| line(&c, body, "Correlation ID:"));
    x.timestamp = c.timestamp.clone().or_else(|| line(&c, body, "Timestamp:"));
    x.request_id = clean_opt(c.request_id.clone());
    x.retry_after = c
        .retry_after
        .as_deref()
        .and_then(|v| crate::retry::retry_after_seconds(v, std::time::SystemTime::now()));
    x.trace_id = clean_opt(x.trace_id.take());
    x.correlation_id = clean_opt(x.correlation_id.take());
    x.timestamp = clean_opt(x.timestamp.take());
    x
}

/// The status's explanation, with what it usually means for the call named in the text.
fn by_status_of(entry: &Entry, c: &Clues, ctx: &Context) -> Explanation {
    let mut x = Explanation::from_entry(entry, ctx, None);
    if let Some(hint) = c.call.as_deref().and_then(|p| call_hint(p, c.status)) {
        x.cause = format!("{} {hint}", x.cause);
    }
    x
}

/// The most specific AADSTS number, and the others seen.
fn pick_aadsts(all: &[u32]) -> Option<(u32, Vec<u32>)> {
    let chosen = crate::auth::error::most_specific(all)?;
    Some((
        chosen,
        all.iter().copied().filter(|n| *n != chosen).collect(),
    ))
}

/// The first code Keyway has an entry for, a specific one before a generic one; and the others.
/// A code that is an HTTP reason phrase (`TooManyRequests`) is left to the status, which both
/// services share.
fn pick_code(codes: &[String], status: Option<u16>) -> Option<(&'static Entry, Vec<String>)> {
    // A sentence that only restates throttling adds nothing to a 429 and its Retry-After.
    let usable = |c: &&String| match catalogue::find(c) {
        Some(e) if e.phrase => !(status == Some(429) && e.status == Some(429)),
        Some(_) => status.is_none() || reason_status(c).is_none(),
        None => false,
    };
    // Specific codes first, then a service's sentence, then generic codes, then a detail of a
    // Power BI error.
    let rank = |c: &String| match catalogue::find(c) {
        Some(e) if e.detail => 3,
        _ if GENERIC.contains(&c.as_str()) || reason_status(c).is_some() => 2,
        Some(e) if e.phrase => 1,
        _ => 0,
    };
    let code = (0..4).find_map(|r| codes.iter().filter(usable).find(|c| rank(c) == r))?;
    let entry = catalogue::find(code)?;
    Some((
        entry,
        codes.iter().filter(|c| *c != code).cloned().collect(),
    ))
}

/// A code Keyway has no entry for, explained by its HTTP status when that is known.
pub(super) fn fallback(
    code: String,
    by_status: Option<&Entry>,
    message: Option<String>,
    ctx: &Context,
) -> Explanation {
    // A plain OAuth `error` value has an entry of its own; a reason phrase is the status's.
    let reason = reason_status(&code).is_some();
    if let Some(entry) = catalogue::find(&code).filter(|_| !reason) {
        return Explanation {
            message,
            ..Explanation::from_entry(entry, ctx, None)
        };
    }
    match by_status {
        Some(entry) => Explanation {
            code,
            recognized: false,
            ..Explanation::from_entry(entry, ctx, None)
        },
        None => Explanation::unknown(code, message, ctx, None),
    }
}

/// What a status usually means for the call named in the text.
fn call_hint(path: &str, status: Option<u16>) -> Option<String> {
    let p = path.to_ascii_lowercase();
    let what = if p.contains("generatetoken") {
        "generating an embed token"
    } else if p.contains("/admin/") {
        "a Power BI admin API"
    } else if p.contains("/refreshes") {
        "a dataset refresh"
    } else if p.contains("/rows") {
        "pushing rows into a dataset"
    } else if p.contains("/reports") {
        "reading reports"
    } else if p.contains("/datasets") {
        "a dataset call"
    } else if p.contains("/groups") || p.contains("/workspaces") {
        "a workspace call"
    } else {
        return None;
    };
    let hint = match (status?, what) {
        (401 | 403, "a Power BI admin API") => {
            "The admin APIs answer only a Fabric administrator, or an app allowed by \"Service \
             principals can access read-only admin APIs\" that has no Power BI application \
             permissions."
        }
        (401 | 403, "generating an embed token") => {
            "An embed token needs the caller to be Member or Admin of the workspace (an app: also \
             allowed by the tenant setting); on shared capacity the free embed tokens can run out."
        }
        (401 | 403, _) => {
            "Usually the caller is not a member of the workspace with a role that allows it, or \
             (an app) not allowed by the tenant setting for service principals."
        }
        (404, _) => {
            "Power BI says not found both when an ID is wrong and when the caller can't see the \
             workspace: check the ID, then the caller's access."
        }
        (429, "a dataset refresh") => {
            "Refreshes are limited per day (8 on shared capacity); wait before starting another."
        }
        (429, _) => "The service asked to slow down; wait for the time it gives, then retry.",
        _ => return None,
    };
    Some(format!("The failed call was {what} ({path}). {hint}"))
}

/// A line `Prefix: value` in an Entra description or the text.
fn line(c: &Clues, body: &str, prefix: &str) -> Option<String> {
    c.messages
        .iter()
        .map(String::as_str)
        .chain([body])
        .flat_map(|t| t.split(['\r', '\n']))
        .find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_string()))
}

/// What the service said: its own first sentence, unescaped and trimmed, never an HTML page or
/// the tail of escaped JSON.
fn said(c: &Clues, body: &str) -> Option<String> {
    let from_json = c.messages.iter().find_map(|m| quote(m));
    from_json.or_else(|| {
        let text = if looks_like_html(body) {
            html_text(body)
        } else {
            body.to_string()
        };
        match text.find("AADSTS") {
            Some(at) => quote(&text[at..]),
            None if c.codes.is_empty() || !text.trim_start().starts_with('{') => quote(&text),
            None => None,
        }
    })
}

/// The first meaningful line of a message, cleaned.
fn quote(text: &str) -> Option<String> {
    let text = if text.contains("\\r\\n") || text.contains("\\n") || text.contains("\\\"") {
        unescape(text)
    } else {
        text.to_string()
    };
    let text = if looks_like_html(&text) {
        html_text(&text)
    } else {
        text
    };
    let first = text
        .split(['\r', '\n'])
        .map(str::trim)
        .find(|l| !l.is_empty())?;
    let first = match first.split_once(": ") {
        Some((code, rest)) if code.starts_with("AADSTS") => rest,
        _ => first,
    };
    let first = first.trim_end_matches(['"', '}', ']', ',', '\\', '\'', ' ']);
    let mut out: String = first.chars().take(400).collect();
    if out.chars().count() == 400 {
        if let Some(cut) = out.rfind(' ') {
            out.truncate(cut);
        }
        out.push('…');
    }
    clean_opt(Some(out))
}

fn looks_like_html(text: &str) -> bool {
    let head = text.trim_start().get(..200).unwrap_or(text.trim_start());
    let head = head.to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<head>")
}

/// An HTML page's title (or first heading), as text.
fn html_text(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    for tag in ["title", "h1", "h2"] {
        if let Some(start) = lower.find(&format!("<{tag}")) {
            let open_end = lower[start..].find('>').map(|i| start + i + 1);
            let close = lower.find(&format!("</{tag}>"));
            if let (Some(a), Some(b)) = (open_end, close) {
                if a < b {
                    let inner = strip_tags(&html[a..b]);
                    if !inner.trim().is_empty() {
                        return inner.trim().to_string();
                    }
                }
            }
        }
    }
    strip_tags(html)
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for ch in html.chars() {
        match ch {
            '<' => inside = true,
            '>' => {
                inside = false;
                out.push(' ');
            }
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quote_is_the_sentence_of_the_object_that_holds_the_code() {
        // A Data Factory activity error around Power BI's (the shape of ADF's activity output).
        let text = r#"{"errorCode":"2011","message":"Failure happened on 'Source' side. Message={\"error\":{\"code\":\"PowerBINotAuthorizedException\",\"message\":\"The caller is not authorized\"}}","failureType":"UserError"}"#;
        let x = explain_answer(&Answer::parse(text), &Context::default());
        assert_eq!(x.code, "PowerBINotAuthorizedException");
        assert_eq!(x.message.as_deref(), Some("The caller is not authorized"));
    }

    #[test]
    fn a_wrapper_code_gives_way_to_the_specific_one() {
        assert_eq!(pick_aadsts(&[70002, 50126]), Some((50126, vec![70002])));
        assert_eq!(pick_aadsts(&[70002]), Some((70002, vec![])));
    }

    #[test]
    fn an_html_page_is_quoted_by_its_title() {
        let page = "<!DOCTYPE html><html><head><title>502 - Web server received an invalid response</title></head><body><h1>Server Error</h1></body></html>";
        assert_eq!(
            quote(page).as_deref(),
            Some("502 - Web server received an invalid response")
        );
    }

    #[test]
    fn escaped_line_breaks_and_the_tail_of_json_are_not_quoted() {
        let m = r#"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1\r\n\"}"#;
        assert_eq!(quote(m).as_deref(), Some("Invalid client secret provided."));
    }
}
