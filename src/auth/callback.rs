//! The loopback callback's query string (`GET /callback?code=…&state=…`), read into a map.
//!
//! The browser sign-in's handler gets the same map from axum's `Query`; this function is the
//! sans-IO form of that reading, so it can be tested and fuzzed on bytes.

use std::collections::HashMap;

/// What came back to the loopback address: each `application/x-www-form-urlencoded` pair of
/// the query, decoded. A name sent twice keeps its last value, as axum's `Query` does (serde
/// fills a map in order). A leading `?` is not part of the query and is skipped.
pub fn parse_query(query: &str) -> HashMap<String, String> {
    let query = query.strip_prefix('?').unwrap_or(query);
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_code_state_and_errors_decoded() {
        // RFC 6749 §4.1.2 example redirect, and the error form of §4.1.2.1 as Entra sends it
        // (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
        // #error-response).
        let q = parse_query("?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz");
        assert_eq!(q["code"], "SplxlOBeZQQYbYS6WxSbIA");
        assert_eq!(q["state"], "xyz");
        let q = parse_query(
            "error=access_denied&error_description=the+user+canceled+the+authentication\
             &state=12345",
        );
        assert_eq!(q["error"], "access_denied");
        assert_eq!(
            q["error_description"],
            "the user canceled the authentication"
        );
        assert_eq!(parse_query("state=a&state=b")["state"], "b");
        assert!(parse_query("").is_empty());
    }
}
