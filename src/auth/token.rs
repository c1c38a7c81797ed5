//! A token and what it says, parsed from Entra's answer (sans-IO: bytes in, values out).

use super::error::{AuthError, EntraError, EntraErrorBody};
use crate::secret::{AccessToken, RefreshToken};
use base64::Engine;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// A signed-in result.
#[derive(Debug, Clone)]
pub struct Token {
    /// Normally `Bearer`.
    pub token_type: String,
    /// When the access token stops working (Unix seconds).
    pub expires_on: i64,
    /// The access token.
    pub access_token: AccessToken,
    /// The refresh token, for user sign-ins.
    pub refresh_token: Option<RefreshToken>,
    /// What the access token says, for display.
    pub claims: Claims,
}

/// What an access token says about who signed in, decoded for display, not trusted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Claims {
    /// The person (UPN) or, for an app, its display name when known.
    pub who: Option<String>,
    /// The person's name.
    pub name: Option<String>,
    /// Object ID of the user or service principal.
    pub object_id: Option<String>,
    /// Tenant ID.
    pub tenant_id: Option<String>,
    /// The app's client ID.
    pub app_id: Option<String>,
    /// The API the token is for.
    pub audience: Option<String>,
    /// Delegated permissions.
    pub scopes: Vec<String>,
    /// Application permissions.
    pub roles: Vec<String>,
    /// Whether the app signed in as itself.
    pub app_only: bool,
    /// `1.0` or `2.0`.
    pub version: Option<String>,
    /// Expiry (Unix seconds).
    pub expires_on: Option<i64>,
}

impl Claims {
    /// Decodes a JWT's payload. A token that is not a JWT gives empty claims.
    pub fn decode(jwt: &str) -> Claims {
        let Some(payload) = jwt.split('.').nth(1) else {
            return Claims::default();
        };
        let Ok(bytes) =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('='))
        else {
            return Claims::default();
        };
        let Ok(v) = serde_json::from_slice::<Value>(&bytes) else {
            return Claims::default();
        };
        // Names come from the directory as typed there: cleaned before they are printed.
        let s =
            |k: &str| crate::text::clean_opt(v.get(k).and_then(Value::as_str).map(str::to_string));
        // `idtyp` (an optional claim) says it outright; without it, a token with no delegated
        // scopes and no user name is an app's.
        let app_only = match v.get("idtyp").and_then(Value::as_str) {
            Some(t) => t.eq_ignore_ascii_case("app"),
            None => {
                v.get("scp").is_none()
                    && v.get("upn").is_none()
                    && v.get("preferred_username").is_none()
            }
        };
        Claims {
            who: s("upn")
                .or_else(|| s("preferred_username"))
                .or_else(|| s("unique_name")),
            name: s("name"),
            object_id: s("oid"),
            tenant_id: s("tid"),
            app_id: s("appid").or_else(|| s("azp")),
            audience: s("aud"),
            scopes: s("scp")
                .map(|x| x.split_whitespace().map(str::to_string).collect())
                .unwrap_or_default(),
            roles: v
                .get("roles")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|r| crate::text::clean_opt(r.as_str().map(str::to_string)))
                        .collect()
                })
                .unwrap_or_default(),
            app_only,
            version: s("ver"),
            expires_on: v.get("exp").and_then(Value::as_i64),
        }
    }
}

/// A number that v1 sends as a string and v2 as a number.
fn number_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        Int(i64),
        Float(f64),
        Text(String),
    }
    Ok(match Option::<N>::deserialize(d)? {
        Some(N::Int(i)) => Some(i),
        Some(N::Float(f)) => Some(f as i64),
        Some(N::Text(t)) => t.trim().parse().ok(),
        None => None,
    })
}

/// Entra's success body, v1 or v2.
#[derive(Debug, Deserialize)]
struct SuccessBody {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default, deserialize_with = "number_or_string")]
    expires_in: Option<i64>,
    #[serde(default, deserialize_with = "number_or_string")]
    expires_on: Option<i64>,
    #[serde(default)]
    refresh_token: Option<String>,
}

/// Reads a token endpoint's answer. `now`: Unix seconds, for the absolute expiry.
pub fn parse_token_response(status: u16, body: &[u8], now: i64) -> Result<Token, AuthError> {
    if (200..300).contains(&status) {
        let ok: SuccessBody = serde_json::from_slice(body).map_err(|e| AuthError::Unexpected {
            status,
            detail: format!("the token answer could not be read ({e})"),
        })?;
        let claims = Claims::decode(&ok.access_token);
        let expires_on = ok
            .expires_on
            .or_else(|| ok.expires_in.map(|s| now.saturating_add(s)))
            .or(claims.expires_on)
            .unwrap_or(now);
        return Ok(Token {
            token_type: ok.token_type.unwrap_or_else(|| "Bearer".into()),
            expires_on,
            access_token: AccessToken::new(ok.access_token),
            refresh_token: ok.refresh_token.map(RefreshToken::new),
            claims,
        });
    }
    match serde_json::from_slice::<EntraErrorBody>(body) {
        Ok(err) if !err.error.is_empty() => Err(AuthError::Entra(Box::new(EntraError::from_body(
            status, &err,
        )))),
        _ => Err(AuthError::Unexpected {
            status,
            detail: String::from_utf8_lossy(&body[..body.len().min(200)])
                .trim()
                .to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = concat!(
        "eyJhbGciOiJub25lIn0.",
        "eyJhdWQiOiJodHRwczovL2FuYWx5c2lzLndpbmRvd3MubmV0L3Bvd2VyYmkvYXBpIiwidXBuIjoiYWRh",
        "QGNvbnRvc28uY29tIiwic2NwIjoiV29ya3NwYWNlLlJlYWQuQWxsIFJlcG9ydC5SZWFkLkFsbCIsInRp",
        "ZCI6InQiLCJleHAiOjEwMCwidmVyIjoiMS4wIn0.",
    );

    #[test]
    fn v1_and_v2_bodies_give_the_same_token() {
        let v2 = format!(
            concat!(
                r#"{{"token_type":"Bearer","expires_in":3599,"#,
                r#""access_token":"{JWT}","refresh_token":"r"}}"#,
            ),
            JWT = JWT
        );
        let v1 = format!(
            concat!(
                r#"{{"token_type":"Bearer","expires_in":"3599","expires_on":"1003599","#,
                r#""resource":"x","access_token":"{JWT}"}}"#,
            ),
            JWT = JWT
        );
        let a = parse_token_response(200, v2.as_bytes(), 1_000_000).unwrap();
        let b = parse_token_response(200, v1.as_bytes(), 1_000_000).unwrap();
        assert_eq!(a.expires_on, 1_003_599);
        assert_eq!(b.expires_on, 1_003_599);
        assert!(a.refresh_token.is_some() && b.refresh_token.is_none());
        assert_eq!(a.claims.who.as_deref(), Some("ada@contoso.com"));
        assert_eq!(
            a.claims.scopes,
            vec!["Workspace.Read.All", "Report.Read.All"]
        );
        assert!(!a.claims.app_only);
        assert!(
            !format!("{a:?}").contains(JWT),
            "the token never shows in Debug"
        );
    }

    #[test]
    fn idtyp_says_who_the_token_is_for() {
        // {"aud":"https://analysis.windows.net/powerbi/api","idtyp":"user","oid":"o","tid":"t"}:
        // a user's token with no `scp` and no `upn` (an app with user-assigned roles, or a
        // guest) is a user's, because Entra's optional `idtyp` claim says so.
        let user = concat!(
            "eyJhbGciOiJub25lIn0.",
            "eyJhdWQiOiJodHRwczovL2FuYWx5c2lzLndpbmRvd3MubmV0L3Bvd2VyYmkvYXBpIiwiaWR0eXAiOiJ1",
            "c2VyIiwib2lkIjoibyIsInRpZCI6InQifQ.",
        );
        assert!(!Claims::decode(user).app_only);
        // {"aud":"…","idtyp":"app","scp":"x"}: `idtyp` wins over the heuristic the other way too.
        let app = concat!(
            "eyJhbGciOiJub25lIn0.",
            "eyJhdWQiOiJodHRwczovL2FuYWx5c2lzLndpbmRvd3MubmV0L3Bvd2VyYmkvYXBpIiwiaWR0eXAiOiJh",
            "cHAiLCJzY3AiOiJ4In0.",
        );
        assert!(Claims::decode(app).app_only);
    }

    #[test]
    fn an_absurd_lifetime_is_read_without_overflow() {
        // `expires_in` is the server's number (RFC 6749 §5.1); one near i64::MAX once overflowed
        // `now + expires_in` (a panic in debug builds; seen writing the token_response fuzzer).
        let body = r#"{"access_token":"x","expires_in":9223372036854775807}"#;
        let t = parse_token_response(200, body.as_bytes(), 1_700_000_000).unwrap();
        assert_eq!(t.expires_on, i64::MAX);
        let body = r#"{"access_token":"x","expires_in":-9223372036854775808}"#;
        let t = parse_token_response(200, body.as_bytes(), -1).unwrap();
        assert_eq!(t.expires_on, i64::MIN);
    }

    #[test]
    fn errors_and_garbage() {
        let body = concat!(
            r#"{"error":"invalid_client","#,
            r#""error_description":"AADSTS7000215: bad\r\nTrace ID: t","error_codes":[7000215]}"#,
        );
        let e = parse_token_response(401, body.as_bytes(), 0).unwrap_err();
        assert_eq!(e.code(), "AADSTS7000215");
        let named = e.from_host("https://login.example.com/contoso/oauth2/v2.0/token");
        assert_eq!(
            named.to_string(),
            "The sign-in service at login.example.com refused: bad"
        );
        // RFC 6749 §5.2 with no AADSTS number, as oidc-provider answers a wrong secret
        // (node-oidc-provider lib/helpers/errors.js: InvalidClientAuth).
        let plain =
            r#"{"error":"invalid_client","error_description":"client authentication failed"}"#;
        let e = parse_token_response(401, plain.as_bytes(), 0).unwrap_err();
        assert_eq!(e.code(), "OAUTH_INVALID_CLIENT");
        let e = parse_token_response(502, b"<html>Bad gateway</html>", 0).unwrap_err();
        assert!(
            matches!(e, AuthError::Unexpected { status: 502, .. }),
            "{e:?}"
        );
        let e = parse_token_response(200, b"{\"access_tok", 0).unwrap_err();
        assert_eq!(e.code(), "UNEXPECTED_RESPONSE");
    }
}
