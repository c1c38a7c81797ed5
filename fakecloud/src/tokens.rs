//! The emulator's signing key, its JWKS, and the access and ID tokens it issues.
//!
//! Access tokens for Power BI, Graph and Fabric are v1-format (issuer `sts.windows.net`, `appid`,
//! `appidacr`, `ver` 1.0) whichever endpoint issued them, because those APIs accept v1 tokens;
//! ID tokens are v2-format (`preferred_username`, issuer `…/{tid}/v2.0`). All are signed RS256
//! with a key published at the JWKS URI, as Entra does.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use sha1::{Digest, Sha1};
use time::OffsetDateTime;
use uuid::Uuid;

/// Power BI's resource in every cloud, and its application ID: the audiences of its tokens.
pub const POWERBI_RESOURCES: &[&str] = &[
    "https://analysis.windows.net/powerbi/api",
    "https://analysis.usgovcloudapi.net/powerbi/api",
    "https://high.analysis.usgovcloudapi.net/powerbi/api",
    "https://mil.analysis.usgovcloudapi.net/powerbi/api",
    "https://analysis.chinacloudapi.cn/powerbi/api",
    "00000009-0000-0000-c000-000000000000",
];
/// Microsoft Graph in every cloud, and its application ID.
pub const GRAPH_RESOURCES: &[&str] = &[
    "https://graph.microsoft.com",
    "https://graph.microsoft.us",
    "https://dod-graph.microsoft.us",
    "https://microsoftgraph.chinacloudapi.cn",
    "00000003-0000-0000-c000-000000000000",
];
/// The Fabric API.
pub const FABRIC_RESOURCE: &str = "https://api.fabric.microsoft.com";

/// How long access tokens live, in seconds (Entra's default is 60–90 minutes; MSAL shows 3599).
pub const LIFETIME: i64 = 3599;

/// The RSA key tokens are signed with.
pub struct SigningKey {
    encoding: EncodingKey,
    decoding: jsonwebtoken::DecodingKey,
    kid: String,
    n: String,
    e: String,
}

impl SigningKey {
    /// A fresh 2048-bit RSA key.
    pub fn generate() -> anyhow::Result<SigningKey> {
        let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256)?;
        let encoding = EncodingKey::from_rsa_pem(pair.serialize_pem().as_bytes())?;
        let (n, e) = rsa_public_parts(pair.public_key_raw())
            .ok_or_else(|| anyhow::anyhow!("unexpected RSA public key encoding"))?;
        let kid = B64.encode(Sha1::digest(pair.public_key_raw()));
        let decoding = jsonwebtoken::DecodingKey::from_rsa_raw_components(&n, &e);
        Ok(SigningKey {
            encoding,
            decoding,
            kid,
            n: B64.encode(n),
            e: B64.encode(e),
        })
    }

    /// The key set published at `/common/discovery/keys` and friends.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [{
            "kty": "RSA", "use": "sig", "alg": "RS256",
            "kid": self.kid, "x5t": self.kid, "n": self.n, "e": self.e,
        }]})
    }

    /// Checks a token this emulator issued and returns its claims. Expiry is left to the
    /// caller, which answers it in the service's own way.
    pub fn verify(&self, token: &str) -> Option<Value> {
        let mut v = jsonwebtoken::Validation::new(Algorithm::RS256);
        v.validate_exp = false;
        v.validate_aud = false;
        v.required_spec_claims.clear();
        jsonwebtoken::decode::<Value>(token, &self.decoding, &v)
            .ok()
            .map(|d| d.claims)
    }

    /// Signs claims as a JWT with Entra's header (`typ`, `alg`, `kid`, and `x5t` as v1 tokens
    /// carry it).
    pub fn sign(&self, claims: &Value) -> anyhow::Result<String> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        header.x5t = Some(self.kid.clone());
        Ok(jsonwebtoken::encode(&header, claims, &self.encoding)?)
    }
}

/// Reads `n` and `e` from a PKCS#1 RSAPublicKey (SEQUENCE { INTEGER n, INTEGER e }).
fn rsa_public_parts(der: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    fn read(der: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
        let (&t, rest) = der.split_first()?;
        if t != tag {
            return None;
        }
        let (&first, mut rest) = rest.split_first()?;
        let len = if first < 0x80 {
            first as usize
        } else {
            let n = (first & 0x7f) as usize;
            let (bytes, tail) = rest.split_at_checked(n)?;
            rest = tail;
            bytes.iter().fold(0usize, |acc, b| (acc << 8) | *b as usize)
        };
        rest.split_at_checked(len)
    }
    let (seq, _) = read(der, 0x30)?;
    let (n, rest) = read(seq, 0x02)?;
    let (e, _) = read(rest, 0x02)?;
    let strip = |v: &[u8]| {
        v.iter()
            .skip_while(|b| **b == 0)
            .copied()
            .collect::<Vec<u8>>()
    };
    Some((strip(n), strip(e)))
}

/// Who a token is for.
#[derive(Debug, Clone)]
pub enum Subject {
    /// An app signing in as itself.
    App {
        /// Service principal object ID.
        sp_id: Uuid,
        /// Application permissions (app roles).
        roles: Vec<String>,
    },
    /// A user, through an app.
    User {
        /// User object ID.
        oid: Uuid,
        /// UPN.
        upn: String,
        /// Display name.
        name: String,
        /// Delegated scopes granted (short names).
        scopes: Vec<String>,
    },
}

/// What a token is being issued for.
#[derive(Debug, Clone)]
pub struct Grant {
    /// Tenant GUID.
    pub tenant: Uuid,
    /// Client ID of the app.
    pub client_id: Uuid,
    /// The resource (audience), e.g. `https://analysis.windows.net/powerbi/api`.
    pub resource: String,
    /// App or user.
    pub subject: Subject,
    /// `appidacr`: 0 public client, 1 secret, 2 certificate.
    pub client_auth: u8,
}

/// Claims of a v1-format access token.
pub fn access_claims(grant: &Grant, now: OffsetDateTime) -> Value {
    let iat = now.unix_timestamp();
    let tid = grant.tenant.to_string();
    let mut claims = json!({
        "aud": grant.resource,
        "iss": format!("https://sts.windows.net/{tid}/"),
        "iat": iat, "nbf": iat, "exp": iat + LIFETIME,
        "appid": grant.client_id.to_string(),
        "appidacr": grant.client_auth.to_string(),
        "idp": format!("https://sts.windows.net/{tid}/"),
        "tid": tid,
        "ver": "1.0",
        "uti": B64.encode(Uuid::new_v4().as_bytes()),
    });
    match &grant.subject {
        Subject::App { sp_id, roles } => {
            claims["oid"] = json!(sp_id.to_string());
            claims["sub"] = json!(sp_id.to_string());
            claims["idtyp"] = json!("app");
            if !roles.is_empty() {
                claims["roles"] = json!(roles);
            }
        }
        Subject::User {
            oid,
            upn,
            name,
            scopes,
        } => {
            claims["oid"] = json!(oid.to_string());
            claims["sub"] = json!(B64.encode(Sha1::digest(format!("{oid}{}", grant.client_id))));
            claims["upn"] = json!(upn);
            claims["unique_name"] = json!(upn);
            claims["name"] = json!(name);
            claims["scp"] = json!(scopes.join(" "));
            claims["amr"] = json!(["pwd"]);
            claims["idtyp"] = json!("user");
        }
    }
    claims
}

/// Claims of a v2 ID token for a user.
pub fn id_token_claims(
    issuer_base: &str,
    grant: &Grant,
    nonce: Option<&str>,
    now: OffsetDateTime,
) -> Option<Value> {
    let Subject::User { oid, upn, name, .. } = &grant.subject else {
        return None;
    };
    let iat = now.unix_timestamp();
    let mut c = json!({
        "aud": grant.client_id.to_string(),
        "iss": format!("{issuer_base}/{}/v2.0", grant.tenant),
        "iat": iat, "nbf": iat, "exp": iat + LIFETIME,
        "name": name, "oid": oid.to_string(), "preferred_username": upn,
        "sub": B64.encode(Sha1::digest(format!("{oid}{}", grant.client_id))),
        "tid": grant.tenant.to_string(), "ver": "2.0",
    });
    if let Some(n) = nonce {
        c["nonce"] = json!(n);
    }
    Some(c)
}

/// MSAL's `client_info`: base64url of `{"uid": oid, "utid": tid}`.
pub fn client_info(oid: Uuid, tenant: Uuid) -> String {
    B64.encode(json!({ "uid": oid.to_string(), "utid": tenant.to_string() }).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{DecodingKey, Validation};

    #[test]
    fn issued_tokens_verify_against_the_published_key() {
        let key = SigningKey::generate().unwrap();
        let grant = Grant {
            tenant: Uuid::new_v4(),
            client_id: Uuid::new_v4(),
            resource: "https://analysis.windows.net/powerbi/api".into(),
            subject: Subject::App {
                sp_id: Uuid::new_v4(),
                roles: vec![],
            },
            client_auth: 1,
        };
        let token = key
            .sign(&access_claims(&grant, OffsetDateTime::now_utc()))
            .unwrap();
        let jwk = &key.jwks()["keys"][0];
        let dk = DecodingKey::from_rsa_components(
            jwk["n"].as_str().unwrap(),
            jwk["e"].as_str().unwrap(),
        )
        .unwrap();
        let mut v = Validation::new(Algorithm::RS256);
        v.set_audience(&["https://analysis.windows.net/powerbi/api"]);
        let data = jsonwebtoken::decode::<Value>(&token, &dk, &v).unwrap();
        assert_eq!(data.claims["idtyp"], "app");
        assert_eq!(data.claims["appidacr"], "1");
        assert!(
            data.claims.get("roles").is_none(),
            "no roles when none are consented"
        );
        assert_eq!(
            data.header.kid.as_deref(),
            Some(jwk["kid"].as_str().unwrap())
        );
    }
}
