//! API paths built from fixed text and values, each value exactly one path segment.
//!
//! IDs come from people, preset files and API answers. Pasted into a path with `format!`, an ID
//! such as `../../admin/groups?$top=1` would call another API than the one meant. Here every
//! value is percent-encoded as one segment (RFC 3986 §3.3: only unreserved characters stay), and
//! the few values that no encoding can keep to one segment are refused before anything is sent
//! (an empty value, or one of only dots): WHATWG URL parsing (what reqwest does) treats `.`,
//! `..` and their percent-encoded spellings (`%2e`, `.%2E`, …) as "this" and "parent" segments,
//! and servers may merge an empty segment away. `url`'s own `path_segments_mut` is no help
//! here: it skips `..` silently and lets `%2e%2e` through to be read as `..`.

use crate::validate::FieldProblem;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is encoded: `/`, `?`,
/// `#` and `%` above all, so that a value can neither end its segment nor decode to a dot.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path under an API base (`/v1.0/myorg/groups/<id>/users`), or why one value can't be in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiPath(Result<String, FieldProblem>);

impl ApiPath {
    /// A path that starts with fixed text the code spells (may hold a fixed `?query`).
    pub fn new(fixed: &'static str) -> ApiPath {
        ApiPath(Ok(fixed.to_string()))
    }

    /// Adds `/` and one value as one segment.
    pub fn id(self, value: &str) -> ApiPath {
        ApiPath(self.0.and_then(|mut p| {
            p.push('/');
            p.push_str(&segment(value)?);
            Ok(p)
        }))
    }

    /// Adds fixed text the code spells (starting with `/`, may end with a fixed `?query`).
    pub fn then(self, fixed: &'static str) -> ApiPath {
        ApiPath(self.0.map(|p| p + fixed))
    }

    /// The path, or the problem with one of its values.
    pub fn as_result(&self) -> Result<&str, &FieldProblem> {
        self.0.as_deref()
    }
}

impl From<&'static str> for ApiPath {
    fn from(fixed: &'static str) -> ApiPath {
        ApiPath::new(fixed)
    }
}

/// One value as one percent-encoded path segment.
fn segment(value: &str) -> Result<String, FieldProblem> {
    if value.is_empty() || value.chars().all(|c| c == '.') {
        return Err(FieldProblem {
            field: "id",
            code: "ID_NOT_A_SEGMENT",
            message: format!(
                "An ID from Power BI or from the settings can't be used in an address: \"{value}\" \
                 would change which API is called."
            ),
        });
    }
    Ok(utf8_percent_encode(value, SEGMENT).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path reqwest would request for `base` + `path`.
    fn requested(path: &ApiPath) -> String {
        let p = path.as_result().unwrap_or_else(|e| panic!("{e}"));
        let url = reqwest::Url::parse(&format!("https://api.powerbi.com{p}"))
            .unwrap_or_else(|e| panic!("{p}: {e}"));
        assert_eq!(url.host_str(), Some("api.powerbi.com"));
        url.path().to_string()
    }

    fn users_of(id: &str) -> ApiPath {
        ApiPath::new("/v1.0/myorg/groups").id(id).then("/users")
    }

    #[test]
    fn an_id_is_one_segment_whatever_it_holds() {
        let ok = users_of("f0f0f0f0-1111-4111-8111-000000000001");
        assert_eq!(
            requested(&ok),
            "/v1.0/myorg/groups/f0f0f0f0-1111-4111-8111-000000000001/users"
        );
        for hostile in [
            "../../admin/groups?$top=1",
            "..%2f..%2fadmin",
            "%2e%2e",
            ".%2E",
            "x/../../admin#",
            "a\\..\\..\\admin",
            "@example.invalid",
            "?$top=1",
            "\t..",
        ] {
            let path = requested(&users_of(hostile));
            let segments: Vec<&str> = path.split('/').collect();
            // The structure is the fixed one, with the value whole in its own segment.
            assert_eq!(segments.len(), 6, "{hostile}: {path}");
            assert_eq!(
                (segments[1], segments[2], segments[3], segments[5]),
                ("v1.0", "myorg", "groups", "users"),
                "{hostile}: {path}"
            );
            let decoded = percent_encoding::percent_decode_str(segments[4]).decode_utf8_lossy();
            assert_eq!(decoded, hostile, "{path}");
        }
    }

    #[test]
    fn values_no_encoding_keeps_in_place_are_refused() {
        for v in ["", ".", "..", "..."] {
            let e = users_of(v)
                .as_result()
                .map(str::to_string)
                .unwrap_err()
                .clone();
            assert_eq!(e.code, "ID_NOT_A_SEGMENT", "{v:?}");
        }
        // The refusal sticks through later pieces.
        let later = ApiPath::new("/a").id("..").then("/b").id("ok");
        assert!(later.as_result().is_err());
    }
}
