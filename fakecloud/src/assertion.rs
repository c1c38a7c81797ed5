//! Client assertions: a JWT the app signs with its certificate's key instead of sending a
//! secret (RFC 7523 §2.2). Entra accepts RS256 with `x5t` (SHA-1 thumbprint) and PS256 with
//! `x5t#S256` (SHA-256 thumbprint); `aud` is the token endpoint, `iss` = `sub` = client ID,
//! `exp`/`nbf` checked with five minutes of skew, and a `jti` can be used only once.

use crate::entra_error::{aadsts, EntraError};
use crate::scenario::App;
use crate::state::Shared;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use sha1::{Digest, Sha1};
use sha2::Sha256;
use time::OffsetDateTime;

const SKEW_SECONDS: i64 = 300;

/// Checks an assertion for `app`; `audiences` are the token endpoint URLs that count as ours.
pub fn verify(
    state: &Shared,
    app: &App,
    assertion: &str,
    audiences: &[String],
    now: OffsetDateTime,
) -> Result<(), EntraError> {
    let header =
        jsonwebtoken::decode_header(assertion).map_err(|_| aadsts::assertion_signature())?;
    let (alg, thumb_is_sha256, thumb) = match (header.alg, &header.x5t_s256, &header.x5t) {
        (Algorithm::PS256 | Algorithm::RS256, Some(t), _) => (header.alg, true, t.clone()),
        (Algorithm::PS256 | Algorithm::RS256, None, Some(t)) => (header.alg, false, t.clone()),
        _ => return Err(aadsts::assertion_signature()),
    };
    let thumb = B64
        .decode(thumb.trim_end_matches('='))
        .map_err(|_| aadsts::assertion_signature())?;

    let cert = registered(app, thumb_is_sha256, &thumb).ok_or_else(|| {
        EntraError::new(
            401,
            "invalid_client",
            700027,
            format!(
                "Client assertion failed signature validation. The key was not found: no \
                     certificate with this thumbprint is registered for app '{}'.",
                app.client_id
            ),
        )
    })?;
    if cert.0.expires <= now {
        return Err(EntraError::new(
            401,
            "invalid_client",
            700027,
            "Client assertion contains an invalid signature. The certificate has expired.",
        ));
    }
    let key = decoding_key(&cert.1).ok_or_else(aadsts::assertion_signature)?;

    let mut validation = Validation::new(alg);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let data = jsonwebtoken::decode::<Value>(assertion, &key, &validation).map_err(|e| {
        eprintln!("fakecloud: client assertion refused: {e}");
        aadsts::assertion_signature()
    })?;
    let claims = data.claims;

    let client_id = app.client_id.to_string();
    let text = |k: &str| {
        claims
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    if !text("iss").eq_ignore_ascii_case(&client_id)
        || !text("sub").eq_ignore_ascii_case(&client_id)
    {
        return Err(aadsts::assertion_issuer());
    }
    let aud = text("aud");
    if !audiences.iter().any(|a| a.eq_ignore_ascii_case(&aud)) {
        return Err(aadsts::assertion_audience());
    }
    let t = now.unix_timestamp();
    // NumericDate may carry a fraction (RFC 7519 §2).
    let number = |k: &str| claims.get(k).and_then(Value::as_f64).map(|v| v as i64);
    let exp = number("exp");
    let nbf = number("nbf");
    let out_of_range =
        exp.is_none_or(|e| e + SKEW_SECONDS < t) || nbf.is_some_and(|n| n - SKEW_SECONDS > t);
    if out_of_range {
        return Err(aadsts::assertion_time(&format!(
            "Current time: {t}, assertion valid from {}, expiry time of assertion {}.",
            nbf.unwrap_or_default(),
            exp.unwrap_or_default()
        )));
    }
    let jti = text("jti");
    if jti.is_empty() {
        return Err(aadsts::missing_param("jti"));
    }
    let mut used = state.used_jtis.lock().unwrap_or_else(|e| e.into_inner());
    if !used.insert(format!("{client_id}/{jti}")) {
        return Err(aadsts::assertion_replayed());
    }
    Ok(())
}

/// The app's certificate with this SHA-1 or SHA-256 thumbprint, and its DER.
fn registered<'a>(
    app: &'a App,
    sha256: bool,
    thumb: &[u8],
) -> Option<(&'a crate::scenario::Certificate, Vec<u8>)> {
    app.certificates.iter().find_map(|c| {
        let der = pem_to_der(&c.pem)?;
        let matches = if sha256 {
            Sha256::digest(&der).as_slice() == thumb
        } else {
            Sha1::digest(&der).as_slice() == thumb
        };
        matches.then_some((c, der))
    })
}

/// Graph's proof of possession for `addKey` and `removeKey`: a JWT signed with the private key
/// of one of the app's valid certificates (named by `x5t`), `aud`
/// 00000002-0000-0000-c000-000000000000, `iss` the application's object ID, and `exp` at most
/// ten minutes after `nbf` (Microsoft Graph, "application: addKey"). Says why it is refused.
pub fn verify_proof(app: &App, proof: &str, now: OffsetDateTime) -> Result<(), String> {
    let header = jsonwebtoken::decode_header(proof).map_err(|e| e.to_string())?;
    let thumb = header.x5t.ok_or("the proof names no certificate (x5t)")?;
    let thumb = B64
        .decode(thumb.trim_end_matches('='))
        .map_err(|e| e.to_string())?;
    let (cert, der) =
        registered(app, false, &thumb).ok_or("no certificate of the app signed the proof")?;
    if cert.expires <= now {
        return Err("the certificate that signed the proof has expired".into());
    }
    let key = decoding_key(&der).ok_or("the certificate has no RSA key")?;
    let mut validation = Validation::new(header.alg);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<Value>(proof, &key, &validation)
        .map_err(|e| e.to_string())?
        .claims;
    if claims["aud"] != "00000002-0000-0000-c000-000000000000" {
        return Err("the proof's audience is not 00000002-0000-0000-c000-000000000000".into());
    }
    if !claims["iss"]
        .as_str()
        .is_some_and(|i| i.eq_ignore_ascii_case(&app.object_id.to_string()))
    {
        return Err("the proof's issuer is not the application's object ID".into());
    }
    let (nbf, exp) = (claims["nbf"].as_i64(), claims["exp"].as_i64());
    let t = now.unix_timestamp();
    match (nbf, exp) {
        (Some(n), Some(e)) if e - n <= 600 && n - SKEW_SECONDS <= t && t <= e + SKEW_SECONDS => {
            Ok(())
        }
        _ => Err("the proof is outside its time, or lasts more than ten minutes".into()),
    }
}

/// The DER bytes of the first certificate in a PEM text.
pub fn pem_to_der(pem: &str) -> Option<Vec<u8>> {
    let body: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .ok()
}

fn decoding_key(cert_der: &[u8]) -> Option<DecodingKey> {
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der).ok()?;
    let spki = cert.public_key();
    // For RSA, the subjectPublicKey bits are the PKCS#1 RSAPublicKey the decoder takes.
    matches!(
        spki.parsed().ok()?,
        x509_parser::public_key::PublicKey::RSA(_)
    )
    .then(|| DecodingKey::from_rsa_der(&spki.subject_public_key.data))
}
