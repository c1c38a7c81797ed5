//! Signing in with a certificate: loading it (PEM or PFX), checking it, and the client
//! assertion JWT sent instead of a secret (RFC 7523 §2.2, as Entra describes it).

use super::error::AuthError;
use crate::secret::{CertificateKey, CertificatePassword};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;
use sha1::{Digest, Sha1};
use sha2::Sha256;
use std::path::Path;
use uuid::Uuid;

/// How the assertion is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AssertionAlg {
    /// PS256 with an `x5t#S256` header: what Entra now asks for.
    #[default]
    Ps256,
    /// RS256 with an `x5t` (SHA-1) header: the older form, still accepted.
    Rs256,
}

/// A certificate with its private key, ready to sign.
pub struct ClientCertificate {
    key: EncodingKey,
    /// SHA-1 thumbprint, hex (what the portal shows).
    pub thumbprint_sha1: String,
    /// SHA-256 thumbprint, hex.
    pub thumbprint_sha256: String,
    sha1: Vec<u8>,
    sha256: Vec<u8>,
    /// Subject, for display.
    pub subject: String,
    /// Expiry (Unix seconds).
    pub not_after: i64,
}

impl std::fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("thumbprint_sha1", &self.thumbprint_sha1)
            .field("subject", &self.subject)
            .field("key", &"[redacted]")
            .finish()
    }
}

fn cert_problem(msg: impl Into<String>) -> AuthError {
    AuthError::Certificate(msg.into())
}

fn pem_blocks(text: &str, label: &str) -> Vec<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut out = vec![];
    let mut rest = text;
    while let Some(start) = rest.find(&begin) {
        let after = &rest[start + begin.len()..];
        let Some(stop) = after.find(&end) else { break };
        let b64: String = after[..stop]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if let Ok(der) = STANDARD.decode(b64) {
            out.push(der);
        }
        rest = &after[stop + end.len()..];
    }
    out
}

fn pem_wrap(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

/// The certificate (DER) from a PEM text, and the private key (PEM) from `key_text`.
fn pem_parts(text: &str, key_text: &str) -> Result<(Vec<u8>, String), AuthError> {
    let cert = pem_blocks(text, "CERTIFICATE")
        .into_iter()
        .next()
        .ok_or_else(|| {
            cert_problem("The file holds no certificate (no BEGIN CERTIFICATE block).")
        })?;
    if key_text.contains("ENCRYPTED PRIVATE KEY") {
        return Err(cert_problem(
            "The private key is encrypted. Export it without a password, or use the .pfx \
             file with its password.",
        ));
    }
    let key = ["PRIVATE KEY", "RSA PRIVATE KEY"]
        .iter()
        .find_map(|l| {
            pem_blocks(key_text, l)
                .into_iter()
                .next()
                .map(|d| pem_wrap(l, &d))
        })
        .ok_or_else(|| {
            cert_problem(
                "The certificate has no private key with it. Keyway needs the private key \
                 to sign in: choose the .pfx file, or the PEM file that holds both the \
                 certificate and the key.",
            )
        })?;
    Ok((cert, key))
}

impl ClientCertificate {
    /// Loads a certificate: a PFX/P12 file (with its password), or PEM text holding the
    /// certificate and its private key (in one file, or `key_path` for the key).
    pub fn load(
        path: &Path,
        key_path: Option<&Path>,
        password: Option<&CertificatePassword>,
        now: i64,
    ) -> Result<Self, AuthError> {
        let bytes = std::fs::read(path).map_err(|e| {
            cert_problem(format!(
                "The certificate file {} can't be read: {e}.",
                path.display()
            ))
        })?;
        let is_pem =
            bytes.starts_with(b"-----") || String::from_utf8_lossy(&bytes).contains("-----BEGIN");
        let (cert_der, key_pem) = if is_pem {
            let text = String::from_utf8_lossy(&bytes).to_string();
            let key_text = match key_path {
                Some(k) => std::fs::read_to_string(k).map_err(|e| {
                    cert_problem(format!("The key file {} can't be read: {e}.", k.display()))
                })?,
                None => text.clone(),
            };
            pem_parts(&text, &key_text)?
        } else {
            // p12-keystore wants a `&str`; the copy is wiped when this block ends.
            let pw = crate::secret::Zeroizing::new(
                password.map(|p| p.expose().to_string()).unwrap_or_default(),
            );
            let store = p12_keystore::KeyStore::from_pkcs12(
                &bytes,
                &pw,
                p12_keystore::Pkcs12ImportPolicy::Relaxed,
            )
            .map_err(|e| match e {
                p12_keystore::error::Error::MacError(_) => {
                    cert_problem("The certificate password is not right for this .pfx file.")
                }
                other => cert_problem(format!("The .pfx file can't be read ({other}).")),
            })?;
            let (_, chain) = store
                .private_key_chain()
                .ok_or_else(|| cert_problem("The .pfx file has no private key in it."))?;
            let cert = chain
                .certs()
                .first()
                .ok_or_else(|| cert_problem("The .pfx file has a key but no certificate."))?;
            (
                cert.as_der().to_vec(),
                pem_wrap("PRIVATE KEY", chain.key().as_der()),
            )
        };
        Self::ready(&cert_der, &key_pem, now)
    }

    /// A certificate Keyway made, from the keyring (its PEM holds the key too).
    pub fn from_kept(kept: &CertificateKey, now: i64) -> Result<Self, AuthError> {
        let (cert_der, key_pem) = pem_parts(kept.expose(), kept.expose())?;
        Self::ready(&cert_der, &key_pem, now)
    }

    /// Checks the certificate (dates, an RSA key) and readies its key for signing.
    fn ready(cert_der: &[u8], key_pem: &str, now: i64) -> Result<Self, AuthError> {
        let (_, parsed) = x509_parser::parse_x509_certificate(cert_der)
            .map_err(|_| cert_problem("The certificate can't be read."))?;
        let not_after = parsed.validity().not_after.timestamp();
        let not_before = parsed.validity().not_before.timestamp();
        if not_after < now {
            return Err(cert_problem(format!(
                "This certificate expired on {}. Create a new one and upload it to the app \
                 registration.",
                parsed.validity().not_after
            )));
        }
        if not_before > now + 300 {
            return Err(cert_problem(
                "This certificate is not valid yet. Check this computer's clock.",
            ));
        }
        if !matches!(
            parsed.public_key().parsed(),
            Ok(x509_parser::public_key::PublicKey::RSA(_))
        ) {
            return Err(cert_problem(
                "Entra needs an RSA certificate for app sign-in; this one uses another key type.",
            ));
        }
        let key = EncodingKey::from_rsa_pem(key_pem.as_bytes())
            .map_err(|_| cert_problem("The private key can't be used (it must be an RSA key)."))?;
        let sha1 = Sha1::digest(cert_der).to_vec();
        let sha256 = Sha256::digest(cert_der).to_vec();
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02X}")).collect::<String>();
        Ok(ClientCertificate {
            key,
            thumbprint_sha1: hex(&sha1),
            thumbprint_sha256: hex(&sha256),
            sha1,
            sha256,
            subject: parsed.subject().to_string(),
            not_after,
        })
    }

    /// A proof that the app holds this certificate's key, for Graph's `addKey` and `removeKey`
    /// on the application with object ID `app_object_id`: RS256 with `x5t`, audience
    /// 00000002-0000-0000-c000-000000000000, valid for ten minutes (Microsoft Graph,
    /// "application: addKey").
    pub fn proof_of_possession(&self, app_object_id: &str, now: i64) -> Result<String, AuthError> {
        let mut header = Header::new(Algorithm::RS256);
        header.x5t = Some(URL_SAFE_NO_PAD.encode(&self.sha1));
        let claims = json!({ "aud": "00000002-0000-0000-c000-000000000000",
            "iss": app_object_id, "nbf": now, "exp": now + 600 });
        jsonwebtoken::encode(&header, &claims, &self.key)
            .map_err(|e| cert_problem(format!("Signing failed: {e}")))
    }

    /// The signed assertion for `client_id` at `token_url` (the audience).
    pub fn assertion(
        &self,
        client_id: &str,
        token_url: &str,
        alg: AssertionAlg,
        now: i64,
    ) -> Result<String, AuthError> {
        let mut header = match alg {
            AssertionAlg::Ps256 => Header::new(Algorithm::PS256),
            AssertionAlg::Rs256 => Header::new(Algorithm::RS256),
        };
        match alg {
            AssertionAlg::Ps256 => header.x5t_s256 = Some(URL_SAFE_NO_PAD.encode(&self.sha256)),
            AssertionAlg::Rs256 => header.x5t = Some(URL_SAFE_NO_PAD.encode(&self.sha1)),
        }
        let claims = json!({
            "aud": token_url, "iss": client_id, "sub": client_id, "jti": Uuid::new_v4().to_string(),
            "nbf": now, "iat": now, "exp": now + 600,
        });
        jsonwebtoken::encode(&header, &claims, &self.key)
            .map_err(|e| cert_problem(format!("Signing failed: {e}")))
    }
}
