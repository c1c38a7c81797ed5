//! Checking an endpoint address the way reqwest will read it.
//!
//! reqwest parses every URL with the `url` crate (the WHATWG URL standard), so that is the only
//! parser whose answer counts: a check that splits the text by hand can see one host while the
//! request goes to another (`http://example.invalid\@127.0.0.1` looks like loopback, but WHATWG
//! reads the backslash as a slash and connects to `example.invalid`). Every decision here is
//! made on the parsed [`Url`], never on the text.

use std::net::IpAddr;
use url::{Host, Url};

/// Why an endpoint address is refused, in plain words (shown after "can't be used: ").
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UrlProblem {
    /// Nothing was given.
    #[error("it is empty")]
    Empty,
    /// Whitespace or a control character inside: WHATWG silently drops tabs and line breaks,
    /// which would join the text around them into a different host.
    #[error("it contains a space, tab or line break")]
    Whitespace,
    /// A backslash: WHATWG reads it as `/` in web addresses, so the host ends earlier than the
    /// text suggests.
    #[error("it contains a backslash (\\)")]
    Backslash,
    /// Not a web address, or not an https one.
    #[error("it must start with https://")]
    NotHttps,
    /// No host name after the scheme.
    #[error("it has no host name")]
    NoHost,
    /// Not a valid web address for another reason.
    #[error("it is not a valid web address")]
    Invalid,
    /// A user name or password before the host (`user@host`): it hides where the request goes.
    #[error("it contains a user name or password (text before @); give only the address")]
    UserInfo,
    /// A `?query`: an endpoint is a base that Keyway adds paths to.
    #[error("it contains a query (?…); give only the address")]
    Query,
    /// A `#fragment`.
    #[error("it contains a fragment (#…); give only the address")]
    Fragment,
    /// Plain http to a host that is not this computer: secrets would cross a network in clear.
    #[error("plain http:// is only allowed for this computer (127.0.0.1 or [::1]); use https://")]
    PlainHttp,
}

/// Checks an endpoint URL and returns it normalised: as reqwest will read it (host lowercased,
/// default port dropped, dot segments resolved), without a trailing slash.
///
/// Accepted: `https://` to any host; `http://` only to a loopback IP literal (127.0.0.0/8 or
/// `[::1]`), decided on the parsed host so that no spelling can smuggle another one in. Refused:
/// user names or passwords, queries, fragments, backslashes and any whitespace.
pub fn check_endpoint_url(value: &str) -> Result<String, UrlProblem> {
    let v = value.trim();
    if v.is_empty() {
        return Err(UrlProblem::Empty);
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UrlProblem::Whitespace);
    }
    if v.contains('\\') {
        return Err(UrlProblem::Backslash);
    }
    let url = Url::parse(v).map_err(|e| match e {
        url::ParseError::RelativeUrlWithoutBase => UrlProblem::NotHttps,
        url::ParseError::EmptyHost => UrlProblem::NoHost,
        _ => UrlProblem::Invalid,
    })?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(UrlProblem::NotHttps);
    }
    if url.host().is_none() {
        return Err(UrlProblem::NoHost);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlProblem::UserInfo);
    }
    if url.query().is_some() {
        return Err(UrlProblem::Query);
    }
    if url.fragment().is_some() {
        return Err(UrlProblem::Fragment);
    }
    if !secure_transport(&url) {
        return Err(UrlProblem::PlainHttp);
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// Whether the parsed host is a loopback IP literal (127.0.0.0/8 or `::1`): nothing sent there
/// crosses a network. A name such as `localhost` does not count: what it resolves to is up to
/// the resolver, not to Keyway.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        _ => false,
    }
}

/// Whether a request to this URL keeps its content private: https, or http to a loopback IP.
pub fn secure_transport(url: &Url) -> bool {
    url.scheme() == "https" || (url.scheme() == "http" && is_loopback(url))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where reqwest connects: host and port.
    type Target = Option<(&'static str, u16)>;

    /// Where reqwest would connect for this text: the host and port of its own parse.
    fn reqwest_target(text: &str) -> Option<(String, u16)> {
        let u = reqwest::Url::parse(text).ok()?;
        Some((u.host_str()?.to_string(), u.port_or_known_default()?))
    }

    #[test]
    fn hostile_addresses_are_refused_where_reqwest_would_go_elsewhere() {
        // (input, where reqwest would really connect, why Keyway refuses it)
        let table: &[(&str, Target, UrlProblem)] = &[
            // WHATWG reads `\` as `/`: the host is example.invalid, "@127.0.0.1" is the path.
            (
                "http://example.invalid\\@127.0.0.1",
                Some(("example.invalid", 80)),
                UrlProblem::Backslash,
            ),
            (
                "https://example.invalid\\@login.microsoftonline.com",
                Some(("example.invalid", 443)),
                UrlProblem::Backslash,
            ),
            // Text before @ is a user name: the host is after it.
            (
                "http://127.0.0.1@example.invalid",
                Some(("example.invalid", 80)),
                UrlProblem::UserInfo,
            ),
            (
                "http://127.0.0.1:80@example.invalid/",
                Some(("example.invalid", 80)),
                UrlProblem::UserInfo,
            ),
            (
                "https://login.microsoftonline.com@example.invalid",
                Some(("example.invalid", 443)),
                UrlProblem::UserInfo,
            ),
            (
                "http://user:pw@127.0.0.1:8443",
                Some(("127.0.0.1", 8443)),
                UrlProblem::UserInfo,
            ),
            // A fragment or query ends the host early.
            (
                "http://example.invalid#@127.0.0.1",
                Some(("example.invalid", 80)),
                UrlProblem::Fragment,
            ),
            (
                "https://example.invalid#@127.0.0.1",
                Some(("example.invalid", 443)),
                UrlProblem::Fragment,
            ),
            (
                "https://example.invalid?@127.0.0.1",
                Some(("example.invalid", 443)),
                UrlProblem::Query,
            ),
            (
                "https://api.example.com/?",
                Some(("api.example.com", 443)),
                UrlProblem::Query,
            ),
            // Names that start like loopback but are ordinary DNS names.
            (
                "http://localhost.evil.example",
                Some(("localhost.evil.example", 80)),
                UrlProblem::PlainHttp,
            ),
            (
                "http://127.0.0.1.nip.io:8080",
                Some(("127.0.0.1.nip.io", 8080)),
                UrlProblem::PlainHttp,
            ),
            // %2e is a dot in a host: still a DNS name, not the IP it spells.
            (
                "http://127.0.0.1%2enip.io",
                Some(("127.0.0.1.nip.io", 80)),
                UrlProblem::PlainHttp,
            ),
            // `localhost` is a name; only IP literals are trusted with plain http.
            (
                "http://localhost:8080",
                Some(("localhost", 8080)),
                UrlProblem::PlainHttp,
            ),
            // An IPv4-mapped IPv6 address is not `::1`.
            (
                "http://[::ffff:127.0.0.1]",
                Some(("[::ffff:7f00:1]", 80)),
                UrlProblem::PlainHttp,
            ),
            (
                "http://0.0.0.0",
                Some(("0.0.0.0", 80)),
                UrlProblem::PlainHttp,
            ),
            (
                "HTTP://Example.invalid",
                Some(("example.invalid", 80)),
                UrlProblem::PlainHttp,
            ),
            // WHATWG drops tabs and line breaks, joining the text into another host.
            (
                "http://127.0.0.1\t.nip.io",
                Some(("127.0.0.1.nip.io", 80)),
                UrlProblem::Whitespace,
            ),
            (
                "http://127.0.0.1\n.evil.example",
                Some(("127.0.0.1.evil.example", 80)),
                UrlProblem::Whitespace,
            ),
            ("https://exa mple.com", None, UrlProblem::Whitespace),
            (
                "ftp://127.0.0.1",
                Some(("127.0.0.1", 21)),
                UrlProblem::NotHttps,
            ),
            ("javascript:alert(1)", None, UrlProblem::NotHttps),
            ("file:///etc/passwd", None, UrlProblem::NotHttps),
            ("login.example.com", None, UrlProblem::NotHttps),
            ("https://", None, UrlProblem::NoHost),
            ("  ", None, UrlProblem::Empty),
            ("https://[::1", None, UrlProblem::Invalid),
        ];
        for (input, target, why) in table {
            let want = target.map(|(h, p)| (h.to_string(), p));
            assert_eq!(
                reqwest_target(input),
                want,
                "where reqwest goes for {input:?}"
            );
            assert_eq!(check_endpoint_url(input), Err(*why), "{input:?}");
        }
    }

    #[test]
    fn accepted_addresses_are_normalised_to_what_reqwest_calls() {
        // (input, Keyway's normalised value, where reqwest connects)
        let table = [
            (
                "http://127.0.0.1:8443/",
                "http://127.0.0.1:8443",
                ("127.0.0.1", 8443),
            ),
            (
                " https://api.powerbi.com/ ",
                "https://api.powerbi.com",
                ("api.powerbi.com", 443),
            ),
            (
                "HTTPS://API.PowerBI.com:443",
                "https://api.powerbi.com",
                ("api.powerbi.com", 443),
            ),
            ("http://[::1]:9000", "http://[::1]:9000", ("[::1]", 9000)),
            (
                "http://127.1:8080",
                "http://127.0.0.1:8080",
                ("127.0.0.1", 8080),
            ),
            ("http://0x7f000001", "http://127.0.0.1", ("127.0.0.1", 80)),
            ("http://127.9.9.9", "http://127.9.9.9", ("127.9.9.9", 80)),
            // https to any host is fine; the host is whatever WHATWG decodes.
            (
                "https://127.0.0.1.nip.io",
                "https://127.0.0.1.nip.io",
                ("127.0.0.1.nip.io", 443),
            ),
            (
                "https://exa%2emple.com",
                "https://exa.mple.com",
                ("exa.mple.com", 443),
            ),
            (
                "https://fake.example/tenant/%2e%2e/v1.0/",
                "https://fake.example/v1.0",
                ("fake.example", 443),
            ),
            (
                "https://localhost:9000",
                "https://localhost:9000",
                ("localhost", 9000),
            ),
        ];
        for (input, normalised, (host, port)) in table {
            assert_eq!(
                check_endpoint_url(input).as_deref(),
                Ok(normalised),
                "{input:?}"
            );
            let target = Some((host.to_string(), port));
            assert_eq!(reqwest_target(input), target, "{input:?}");
            assert_eq!(reqwest_target(normalised), target, "{normalised:?}");
        }
    }

    #[test]
    fn loopback_is_decided_on_the_parsed_host() {
        for u in [
            "http://127.0.0.1",
            "http://127.1.2.3:1",
            "http://[::1]",
            "http://2130706433",
        ] {
            let url = Url::parse(u).unwrap_or_else(|e| panic!("{u}: {e}"));
            assert!(is_loopback(&url), "{u}");
        }
        for u in [
            "http://localhost",
            "http://localhost.example.com",
            "http://10.0.0.1",
            "http://127.0.0.1.nip.io",
            "http://[::ffff:127.0.0.1]",
        ] {
            let url = Url::parse(u).unwrap_or_else(|e| panic!("{u}: {e}"));
            assert!(!is_loopback(&url), "{u}");
        }
    }
}
