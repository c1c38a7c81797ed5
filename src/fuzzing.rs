//! Fuzz target bodies with their property checks, shared by `fuzz/` (cargo fuzz, nightly) and
//! `tests/fuzz_corpus.rs` (replays the committed corpora on stable), so both check the same.
//!
//! Each function takes raw bytes and panics when a property fails. Not part of the API.

use crate::auth::callback;
use crate::auth::token::{parse_token_response, Claims};
use crate::diagnose::{explain_text, Answer, Context, Explanation};
use crate::profile::Preset;

/// The `now` every token answer is read at: fixed, so a crash replays.
const NOW: i64 = 1_700_000_000;

/// Splits `STATUS\nBODY`; input without a numeric first line is a body answered with 200.
/// The status is taken modulo 1000 so every HTTP-shaped status is reachable.
fn status_and_body(data: &[u8]) -> (u16, &[u8]) {
    let Some(nl) = data.iter().position(|&b| b == b'\n') else {
        return (200, data);
    };
    match std::str::from_utf8(&data[..nl])
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
    {
        Some(n) => ((n % 1000) as u16, &data[nl + 1..]),
        None => (200, data),
    }
}

/// Properties every explanation keeps, whatever the input.
///
/// Not asserted yet: that no field holds a control character other than ordinary whitespace.
/// Server text (`message`, the IDs, a Power BI or Fabric `errorCode` taken as `code`) is passed
/// on as sent, e.g. an ESC or NUL in `error_description` reaches `message`: cleaning it is
/// separate work (noted in the fuzzing report of "Trust and hardening").
fn check_explanation(e: &Explanation) {
    assert!(!e.code.trim().is_empty(), "empty code: {e:?}");
    assert!(!e.title.trim().is_empty(), "empty title: {e:?}");
    // Serialising for the UI and `--json` must not fail.
    serde_json::to_string(e).expect("an explanation serialises");
}

/// The token endpoint's answer: `STATUS\nBODY` (see [`status_and_body`]).
pub fn token_response(data: &[u8]) {
    let (status, body) = status_and_body(data);
    match parse_token_response(status, body, NOW) {
        Ok(token) => {
            assert!((200..300).contains(&status), "Ok for HTTP {status}");
            assert!(!token.token_type.is_empty());
        }
        Err(e) => check_explanation(&Explanation::from(e)),
    }
}

/// Pasted text for `keyway explain`: an HTTP dump, a body or a message.
pub fn explain(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let answer = Answer::parse(&text);
    if let Some(status) = answer.status {
        assert!(
            text.trim_start_matches('\u{feff}')
                .trim()
                .starts_with("HTTP/"),
            "{status}"
        );
    }
    check_explanation(&explain_text(&text, &Context::default()));
}

/// An access token's payload, decoded for display.
pub fn claims(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let c = Claims::decode(&text);
    if !text.contains('.') {
        assert_eq!(
            c,
            Claims::default(),
            "claims from a string that is not a JWT"
        );
    }
    serde_json::to_string(&c).expect("claims serialise");
}

/// A preset file as imported.
pub fn preset(data: &[u8]) {
    match Preset::parse(data) {
        Ok(profile) => {
            // What Keyway accepted, it exports again; and that export imports to the same.
            let again = serde_json::to_vec(&Preset::from_profile(&profile)).expect("serialises");
            let back = Preset::parse(&again).expect("an exported preset imports");
            assert_eq!(back, Preset::from_profile(&profile).profile, "round trip");
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "Err without a problem");
            for p in &problems {
                assert!(!p.code.is_empty() && !p.message.trim().is_empty(), "{p:?}");
            }
        }
    }
}

/// The loopback callback's query string.
pub fn callback_query(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let map = callback::parse_query(&text);
    // Encoding the map and reading it back gives the same map.
    let encoded = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(map.iter())
        .finish();
    assert_eq!(
        callback::parse_query(&encoded),
        map,
        "round trip of {encoded:?}"
    );
}
