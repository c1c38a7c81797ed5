//! What a pasted text holds, wherever it is: an Entra or OAuth body, a Power BI or Fabric body,
//! JSON escaped inside JSON or a string (log lines, .NET and PowerShell errors, Python reprs,
//! Data Factory and DevOps wrappers), headers anywhere (`x-ms-public-api-error-code`,
//! `X-PowerBI-Error-Info`, `RequestId`), code names in plain text, an HTTP status in any of the
//! ways tools print one, and the address of the call that failed.

use super::catalogue;
use super::Answer;
use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

/// The most text read, and the most JSON objects tried in it: a pasted log can be long.
const MOST_TEXT: usize = 256 * 1024;
const MOST_OBJECTS: usize = 400;

/// Everything found, in the order found (outer before inner, header before body).
#[derive(Debug, Default)]
pub struct Clues {
    /// AADSTS numbers: those of an `error_codes` list first, then those in the text.
    pub aadsts: Vec<u32>,
    /// Power BI, Fabric and Graph codes: headers first, then bodies, then names in plain text.
    pub codes: Vec<String>,
    /// Those of them found only in plain text (`ErrorCode=…` of a wrapper, a name in a log).
    pub loose: Vec<String>,
    /// An OAuth `error` value (`invalid_grant`, …).
    pub oauth: Option<String>,
    /// The HTTP status.
    pub status: Option<u16>,
    /// What the service said, best first.
    pub messages: Vec<String>,
    /// A code and the message of the same object: the service's own sentence for that code.
    pub said_with: Vec<(String, String)>,
    /// Power BI's or Fabric's request ID.
    pub request_id: Option<String>,
    /// Entra's trace ID.
    pub trace_id: Option<String>,
    /// Entra's correlation ID.
    pub correlation_id: Option<String>,
    /// When the service answered.
    pub timestamp: Option<String>,
    /// The `Retry-After` header's value.
    pub retry_after: Option<String>,
    /// The path of the Power BI or Fabric call named in the text.
    pub call: Option<String>,
}

/// The most codes, messages and AADSTS numbers kept from one text: enough for any real error,
/// and a bound on the work a pasted log can cause.
const MOST_KEPT: usize = 32;

fn push(list: &mut Vec<String>, value: &str) {
    let value = value.trim();
    if !value.is_empty() && list.len() < MOST_KEPT && !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
}

fn push_number(list: &mut Vec<u32>, n: u32) {
    if list.len() < MOST_KEPT && !list.contains(&n) {
        list.push(n);
    }
}

/// The text read: at most [`MOST_TEXT`] characters of it.
pub fn bounded(text: &str) -> &str {
    match text.char_indices().nth(MOST_TEXT) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

fn first(slot: &mut Option<String>, value: Option<&str>) {
    if slot.is_none() {
        *slot = value
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string);
    }
}

/// Undoes one level of JSON string escaping (`\"`, `\\`, `\n`, `\u0027`, …).
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => out.push_str(&hex),
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// HTTP reason phrases as identifiers: in plain text they are a status, not a service's code.
/// HTTP reason phrases as identifiers, with their status: in plain text they are a status, not
/// a service's code; as a code they say no more than the status.
const REASONS: [(&str, u16); 12] = [
    ("BadRequest", 400),
    ("Unauthorized", 401),
    ("Forbidden", 403),
    ("NotFound", 404),
    ("RequestTimeout", 408),
    ("Conflict", 409),
    ("PreconditionFailed", 412),
    ("TooManyRequests", 429),
    ("InternalServerError", 500),
    ("BadGateway", 502),
    ("ServiceUnavailable", 503),
    ("GatewayTimeout", 504),
];

/// The status a reason phrase stands for (`Too Many Requests`, `TooManyRequests`: 429).
pub fn reason_status(reason: &str) -> Option<u16> {
    let squeezed: String = reason.chars().filter(|c| c.is_ascii_alphabetic()).collect();
    REASONS
        .iter()
        .find(|(r, _)| r.eq_ignore_ascii_case(&squeezed))
        .map(|(_, status)| *status)
}

static LINKED: LazyLock<Regex> = LazyLock::new(|| re(r"\[(\d+)\]\([^)\s]*\)"));
static AADSTS: LazyLock<Regex> = LazyLock::new(|| re(r"AADSTS(\d{5,8})"));
static STATUS: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?ix)
        (?:status(?:[\s_-]?code)?|http(?:/\d(?:\.\d)?)?|response\scode|error\scode)
        [\s:=\x22'(]{0,4}(4\d\d|5\d\d)\b
      | \((4\d\d|5\d\d)\)
      | \b(4\d\d|5\d\d)\s*\(\)
      | (?:returns?|returned|got|getting|received?|gives?|throws?)\s+(?:an?\s+|the\s+)?(4\d\d|5\d\d)\b
      | \b(4\d\d|5\d\d)\s+(?:error|response|status)\b
      | \b(4\d\d|5\d\d)\s+(?:client|server)\serror
      | \b(4\d\d|5\d\d)\s*[-:(]?\s*(?:unauthorized|forbidden|not\sfound|bad\srequest|too\smany\srequests|conflict|internal\sserver\serror|service\sunavailable)
      ")
});
static REASON: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:invalid status code|statuscode[:=]?)\s*'?([A-Za-z]+)'?"));
static HEADER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?im)^[\s<>|*\x22']*(x-ms-public-api-error-code|x-powerbi-error-info|requestid|x-ms-request-id|request-id|retry-after)\s*[:=]\s*\x22?([^\s\x22,;]+)",
    )
});
static CALL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:https?://[a-z0-9.-]+)?(/v1(?:\.0)?/(?:myorg|workspaces|admin|groups|capacities|operations)[A-Za-z0-9/._~%=?&$\{\}-]{0,200})",
    )
});
static NAMED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:error[\s_]?code|errorcode|code)\x22?\s*[:=]\s*[\x22']?([A-Za-z][A-Za-z0-9_.]{3,80})",
    )
});
static TOKEN: LazyLock<Regex> = LazyLock::new(|| re(r"[A-Za-z][A-Za-z0-9_.]{3,80}"));

#[allow(clippy::expect_used)] // The patterns are constants, tested below.
fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a valid pattern")
}

impl Clues {
    /// Reads an answer (status and headers as given) and everything inside its body.
    pub fn gather(answer: &Answer) -> Clues {
        let mut c = Clues {
            status: answer.status,
            ..Clues::default()
        };
        for (name, value) in &answer.headers {
            c.header(name, value);
        }
        let body = bounded(&answer.body);
        // The text as given, then unescaped once or twice: JSON inside a string inside JSON.
        let mut texts = vec![body.to_string()];
        for _ in 0..2 {
            let last = texts.last().map(String::as_str).unwrap_or_default();
            if !last.contains('\\') {
                break;
            }
            let next = unescape(last);
            if next == last {
                break;
            }
            texts.push(next);
        }
        let mut tried = 0;
        for text in &texts {
            c.json_in(text, &mut tried);
        }
        for text in &texts {
            c.plain(text);
        }
        c
    }

    fn loosely(&mut self, code: &str) {
        if !self.codes.iter().any(|c| c == code) {
            push(&mut self.loose, code);
        }
        push(&mut self.codes, code);
    }

    fn header(&mut self, name: &str, value: &str) {
        match name.to_ascii_lowercase().as_str() {
            "x-ms-public-api-error-code" | "x-powerbi-error-info" if is_code(value) => {
                push(&mut self.codes, value)
            }
            "requestid" | "x-ms-request-id" | "request-id" => {
                first(&mut self.request_id, Some(value))
            }
            "retry-after" => first(&mut self.retry_after, Some(value)),
            _ => {}
        }
    }

    /// Every JSON object in the text, the whole text first.
    fn json_in(&mut self, text: &str, tried: &mut usize) {
        if let Ok(v) = serde_json::from_str::<Value>(text.trim()) {
            if v.is_object() || v.is_array() {
                self.walk(&v, 0);
                return;
            }
        }
        let mut at = 0;
        while let Some(offset) = text[at..].find('{') {
            let start = at + offset;
            *tried += 1;
            if *tried > MOST_OBJECTS {
                return;
            }
            let mut stream =
                serde_json::Deserializer::from_str(&text[start..]).into_iter::<Value>();
            match stream.next() {
                Some(Ok(v)) if v.is_object() => {
                    self.walk(&v, 0);
                    at = start + stream.byte_offset().max(1);
                }
                _ => at = start + 1,
            }
        }
    }

    fn walk(&mut self, v: &Value, depth: usize) {
        if depth > 12 {
            return;
        }
        match v {
            Value::Array(items) => items.iter().for_each(|i| self.walk(i, depth + 1)),
            Value::Object(map) => {
                let text = |k: &str| map.get(k).and_then(Value::as_str);
                if let Some(codes) = map.get("error_codes").and_then(Value::as_array) {
                    for n in codes.iter().filter_map(Value::as_u64) {
                        if let Ok(n) = u32::try_from(n) {
                            push_number(&mut self.aadsts, n);
                        }
                    }
                }
                if let Some(e) = text("error").filter(|e| is_oauth(e)) {
                    first(&mut self.oauth, Some(e));
                }
                for key in ["errorCode", "code", "ErrorCode", "Code", "error_code"] {
                    if let Some(code) = text(key).filter(|c| is_code(c)) {
                        push(&mut self.codes, code);
                    }
                }
                for key in ["error_description", "message", "Message", "errorMessage"] {
                    if let Some(m) = text(key) {
                        push(&mut self.messages, m);
                    }
                }
                let code = ["errorCode", "code", "ErrorCode", "Code", "error_code"]
                    .iter()
                    .find_map(|k| text(k).filter(|c| is_code(c)));
                let said = ["message", "Message", "errorMessage"]
                    .iter()
                    .find_map(|k| text(k));
                if let (Some(code), Some(said), true) =
                    (code, said, self.said_with.len() < MOST_KEPT)
                {
                    self.said_with.push((code.to_string(), said.to_string()));
                }
                first(&mut self.request_id, text("requestId"));
                first(&mut self.request_id, text("RequestId"));
                first(&mut self.request_id, text("request-id"));
                first(&mut self.trace_id, text("trace_id"));
                first(&mut self.correlation_id, text("correlation_id"));
                first(&mut self.correlation_id, text("client-request-id"));
                first(&mut self.timestamp, text("timestamp"));
                for value in map.values() {
                    match value {
                        // A body kept as a string (`serviceExceptionJson`), read as JSON too.
                        Value::String(s) if s.trim_start().starts_with('{') => {
                            if let Ok(inner) = serde_json::from_str::<Value>(s) {
                                self.walk(&inner, depth + 1);
                            }
                        }
                        Value::Object(_) | Value::Array(_) => self.walk(value, depth + 1),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    /// What plain text says: AADSTS numbers, headers written out, code names, a status, the call.
    fn plain(&mut self, text: &str) {
        // GitHub Actions logs turn digits into links: `AADSTS700[21](https://…)1`.
        let text = &LINKED.replace_all(text, "$1");
        for m in AADSTS.captures_iter(text) {
            if let Some(n) = m.get(1).and_then(|d| d.as_str().parse().ok()) {
                push_number(&mut self.aadsts, n);
            }
        }
        for m in HEADER.captures_iter(text) {
            if let (Some(name), Some(value)) = (m.get(1), m.get(2)) {
                self.header(name.as_str(), value.as_str());
            }
        }
        for m in NAMED.captures_iter(text) {
            match m.get(1).map(|c| c.as_str().trim_end_matches('.')) {
                Some(code) if OAUTH_ERRORS.iter().any(|e| e == code) => {
                    first(&mut self.oauth, Some(code))
                }
                Some(code) if !is_oauth(code) && !code.starts_with("AADSTS") => self.loosely(code),
                _ => {}
            }
        }
        for token in TOKEN.find_iter(text).map(|m| m.as_str()) {
            let token = token.trim_end_matches('.');
            if known_code(token) {
                self.loosely(token);
            }
        }
        let lower = text.to_lowercase();
        for entry in catalogue::all().filter(|e| e.phrase) {
            if says(&lower, entry.code) {
                push(&mut self.codes, entry.code);
            }
        }
        if self.status.is_none() {
            self.status = STATUS
                .captures(text)
                .and_then(|m| m.iter().skip(1).flatten().next())
                .and_then(|d| d.as_str().parse().ok())
                .or_else(|| {
                    REASON
                        .captures(text)
                        .and_then(|m| m.get(1))
                        .and_then(|r| reason_status(r.as_str()))
                });
        }
        if self.call.is_none() {
            self.call = CALL
                .captures(text)
                .and_then(|m| m.get(1))
                .map(|p| p.as_str().trim_end_matches(['.', ':']).to_string());
        }
        if self.oauth.is_none() {
            // The one the text says first.
            self.oauth = OAUTH_ERRORS
                .iter()
                .filter_map(|e| word_at(text, e).map(|at| (at, e)))
                .min()
                .map(|(_, e)| e.clone());
        }
    }
}

/// The OAuth `error` values Keyway explains by name when no AADSTS code is given.
/// The OAuth `error` values Keyway explains by name when no AADSTS code is given: those of the
/// catalogue's OAuth entries, one list.
static OAUTH_ERRORS: LazyLock<Vec<String>> = LazyLock::new(|| {
    catalogue::OAUTH
        .iter()
        .filter_map(|e| e.code.strip_prefix("OAUTH_"))
        .map(str::to_ascii_lowercase)
        .collect()
});

/// Where a word first stands alone in a text (not inside a longer name).
fn word_at(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word).map(|(at, _)| at).find(|&at| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let edge = |c: Option<char>| !c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        edge(before) && edge(after)
    })
}

fn is_oauth(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 40
        && value.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// A code as services write them: a letter, then letters, digits, `_`, `.` or `-` (never a
/// control character that would reach a terminal).
fn is_code(value: &str) -> bool {
    let v = value.trim();
    v.len() <= 100
        && v.starts_with(|c: char| c.is_ascii_alphabetic())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

/// A service's sentence in a text: its words in order, a `{placeholder}` standing for anything.
/// Sentences of fewer than five words ("An error has occurred") say too little to be recognised.
fn says(lower_text: &str, sentence: &str) -> bool {
    if sentence.split_whitespace().count() < 5 {
        return false;
    }
    let lower = sentence.to_lowercase();
    let mut at = 0;
    for part in PLACEHOLDER
        .split(&lower)
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match lower_text[at..].find(part) {
            Some(i) => at += i + part.len(),
            None => return false,
        }
    }
    true
}

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| re(r"\{[^}]*\}"));

/// A token of plain text that names one of the services' codes: distinctive enough not to be an
/// ordinary word (two capitals, or an underscore) and not an HTTP reason phrase.
fn known_code(token: &str) -> bool {
    if token.starts_with("AADSTS") || token.starts_with("HTTP_") || reason_status(token).is_some() {
        return false;
    }
    let capitals = token.chars().filter(char::is_ascii_uppercase).count();
    if !(capitals >= 2 || token.contains('_')) || token.len() < 8 {
        return false;
    }
    // Exactly as written: a code is a name, not an ordinary word in other capitals.
    catalogue::find(token).is_some_and(|e| !e.phrase && e.code == token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clues(text: &str) -> Clues {
        Clues::gather(&Answer::parse(text))
    }

    #[test]
    fn the_patterns_compile_and_find_what_tools_print() {
        for (text, status) in [
            (
                "Response status code does not indicate success: 401 (Unauthorized).",
                401,
            ),
            ("Operation returned an invalid status code 'Forbidden'", 403),
            ("The remote server returned an error: (404) Not Found.", 404),
            (
                "requests.exceptions.HTTPError: 429 Client Error: Too Many Requests for url",
                429,
            ),
            ("StatusCode: 403, ReasonPhrase: 'Forbidden'", 403),
        ] {
            assert_eq!(clues(text).status, Some(status), "{text}");
        }
    }

    #[test]
    fn json_escaped_inside_a_string_is_read() {
        let text = r#"ErrorCode=UserErrorFailed,'Message=Failed: {\"error\":{\"code\":\"PowerBINotAuthorizedException\",\"pbi.error\":{\"code\":\"PowerBINotAuthorizedException\"}}}'"#;
        let c = clues(text);
        assert_eq!(
            c.codes.first().map(String::as_str),
            Some("PowerBINotAuthorizedException")
        );
    }

    #[test]
    fn every_aadsts_number_is_kept_in_order() {
        let c = clues(
            "AADSTS70002: Error validating credentials. AADSTS50126: Invalid username or password.",
        );
        assert_eq!(c.aadsts, [70002, 50126]);
    }

    #[test]
    fn a_header_line_anywhere_names_the_code_and_request() {
        let c = clues(
            "request failed\n< x-ms-public-api-error-code: TokenExpired\n< RequestId: 1b2c\n",
        );
        assert_eq!(c.codes, ["TokenExpired"]);
        assert_eq!(c.request_id.as_deref(), Some("1b2c"));
    }

    #[test]
    fn unescaping_keeps_unicode_and_quotes() {
        assert_eq!(unescape(r#"it\u0027s \"here\"\r\n"#), "it's \"here\"\r\n");
    }
}
