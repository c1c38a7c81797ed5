//! The new app's credential: a client secret Graph makes, or a certificate Keyway makes itself
//! (`rcgen`), of which only the public part leaves this computer; its private key goes straight
//! to the keyring, so no key file ever exists.

use super::calls::Admin;
use crate::diagnose::Explanation;
use crate::secret::{CertificateKey, ClientSecret, Zeroizing};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;

/// How the new app proves who it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Credential {
    /// A client secret: the simplest.
    #[default]
    Secret,
    /// A certificate Keyway makes: its private key never leaves the keyring.
    Certificate,
}

/// A credential just made, to keep in the keyring.
#[derive(Debug)]
pub enum NewCredential {
    /// A client secret's value.
    Secret(ClientSecret),
    /// A certificate with its private key.
    Certificate(CertificateKey),
}

/// The moment a credential made now for `months` months stops working.
fn end_of(now: OffsetDateTime, months: u32) -> OffsetDateTime {
    now + time::Duration::days(i64::from(months) * 365 / 12)
}

/// Graph's code for a credential refused by an app management policy.
const LIFETIME_REFUSED: &str = "CredentialInvalidLifetimeAsPerAppPolicy";

/// Whole days in an ISO 8601 duration as Graph writes a policy's `maxLifetime` (`P90D`,
/// `P1Y`, `P4DT12H30M5S`); a year is 365 days, a month 30. None when it is not one.
fn duration_days(text: &str) -> Option<u32> {
    let rest = text.strip_prefix('P')?;
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    let mut hours = 0u64;
    let mut read = |part: &str, units: &[(char, u64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
            } else {
                let (_, per) = units.iter().find(|(u, _)| *u == c)?;
                hours = hours.checked_add(number.parse::<u64>().ok()?.checked_mul(*per)?)?;
                number.clear();
            }
        }
        number.is_empty().then_some(())
    };
    read(
        date,
        &[('Y', 365 * 24), ('M', 30 * 24), ('W', 7 * 24), ('D', 24)],
    )?;
    read(time, &[('H', 1), ('M', 0), ('S', 0)])?;
    if rest.is_empty() || rest.ends_with('T') {
        return None;
    }
    u32::try_from(hours / 24).ok()
}

fn date(t: OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    t.format(&f).unwrap_or_default()
}

/// A certificate Keyway made: what the keyring keeps, and what the app is given.
pub struct MadeCertificate {
    /// The certificate and its private key, PEM.
    pub kept: CertificateKey,
    /// The certificate alone (DER): the public part.
    pub der: Vec<u8>,
    /// When it expires, `YYYY-MM-DD`.
    pub expires: String,
}

/// Makes a self-signed RSA certificate (2048 bits, SHA-256) named after the app, valid from five
/// minutes ago (clocks differ) for `months` months.
pub fn make_certificate(
    app_name: &str,
    months: u32,
    now: OffsetDateTime,
) -> Result<MadeCertificate, Explanation> {
    let failed = |e: rcgen::Error| {
        Explanation::new(
            "CERTIFICATE_NOT_MADE",
            "Keyway could not make the certificate",
            format!("Making a key pair or signing the certificate failed ({e})."),
            vec!["Try again, or choose a client secret instead.".into()],
        )
    };
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).map_err(failed)?;
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
    let mut name = rcgen::DistinguishedName::new();
    name.push(rcgen::DnType::CommonName, app_name.trim());
    params.distinguished_name = name;
    params.not_before = now - time::Duration::minutes(5);
    let end = end_of(now, months);
    params.not_after = end;
    let cert = params.self_signed(&key).map_err(failed)?;
    let private = Zeroizing::new(key.serialize_pem());
    Ok(MadeCertificate {
        kept: CertificateKey::new(format!("{}{}", cert.pem(), private.as_str())),
        der: cert.der().to_vec(),
        expires: date(end),
    })
}

impl Admin {
    /// Adds a client secret named "Keyway", valid for `months`, to the app with this object
    /// ID: its value, expiry date (`YYYY-MM-DD`) and Secret ID.
    pub(super) async fn add_password(
        &self,
        object_id: &str,
        months: u32,
    ) -> Result<(ClientSecret, String, String), Explanation> {
        let end = end_of(OffsetDateTime::now_utc(), months);
        let iso = end
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let body = json!({ "passwordCredential": { "displayName": "Keyway", "endDateTime": iso } });
        let url = self.graph_url(&format!("applications/{object_id}/addPassword"));
        let made = match self.call(Method::POST, &url, &[], Some(body), true).await {
            Ok(made) => made,
            Err(x) => return Err(self.with_longest_allowed(x, Credential::Secret).await),
        };
        let value = ClientSecret::new(made["secretText"].as_str().unwrap_or_default());
        let expires = made["endDateTime"]
            .as_str()
            .map_or_else(|| date(end), |d| d.chars().take(10).collect());
        let key_id = made["keyId"].as_str().unwrap_or_default().to_string();
        Ok((value, expires, key_id))
    }

    /// Gives the new app (object ID) the public part of a certificate. Graph's `PATCH` replaces
    /// the app's whole `keyCredentials` list, so this is only for an app Keyway just made, which
    /// has no other: adding to a list that exists takes `addKey` with a proof of possession.
    pub(super) async fn set_certificate(
        &self,
        object_id: &str,
        made: &MadeCertificate,
    ) -> Result<(), Explanation> {
        let key = json!({
            "type": "AsymmetricX509Cert",
            "usage": "Verify",
            "key": STANDARD.encode(&made.der),
            "displayName": "Keyway",
        });
        let url = self.graph_url(&format!("applications/{object_id}"));
        let body = json!({ "keyCredentials": [key] });
        match self.call(Method::PATCH, &url, &[], Some(body), true).await {
            Ok(_) => Ok(()),
            Err(x) => Err(self.with_longest_allowed(x, Credential::Certificate).await),
        }
    }

    /// A refusal by an app management policy names the policy, not its limit: Keyway reads the
    /// policy and says how many months it allows. Any other failure is returned as it is.
    pub(super) async fn with_longest_allowed(
        &self,
        mut x: Explanation,
        kind: Credential,
    ) -> Explanation {
        if x.code != LIFETIME_REFUSED {
            return x;
        }
        let Some(days) = self
            .policy_days(x.message.as_deref().unwrap_or_default(), kind)
            .await
        else {
            return x;
        };
        let what = match kind {
            Credential::Secret => "client secret",
            Credential::Certificate => "certificate",
        };
        let months = days.saturating_mul(12) / 365;
        x.fix.insert(
            0,
            if months == 0 {
                format!(
                    "This organisation's policy lets a {what} last at most {days} days, less than \
                     Keyway's shortest choice (1 month): ask for an exception for this app."
                )
            } else {
                format!(
                    "This organisation's policy lets a {what} last at most {days} days: choose \
                     {months} month{} or less.",
                    if months == 1 { "" } else { "s" }
                )
            },
        );
        x
    }

    /// The days the policy named in `message` (between single quotes) allows a credential of
    /// this kind; none when it can't be read. The nil ID is the tenant's default policy.
    async fn policy_days(&self, message: &str, kind: Credential) -> Option<u32> {
        let id: uuid::Uuid = message.split('\'').nth(1)?.parse().ok()?;
        let (path, restrictions) = if id.is_nil() {
            (
                "policies/defaultAppManagementPolicy".to_string(),
                "applicationRestrictions",
            )
        } else {
            (
                format!("policies/appManagementPolicies/{id}"),
                "restrictions",
            )
        };
        let policy = self
            .call(Method::GET, &self.graph_url(&path), &[], None, true)
            .await
            .ok()?;
        let (list, rule) = match kind {
            Credential::Secret => ("passwordCredentials", "passwordLifetime"),
            Credential::Certificate => ("keyCredentials", "asymmetricKeyLifetime"),
        };
        policy[restrictions][list]
            .as_array()?
            .iter()
            .find(|r| r["restrictionType"] == rule)
            .and_then(|r| r["maxLifetime"].as_str())
            .and_then(duration_days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::certificate::ClientCertificate;

    #[test]
    fn a_made_certificate_signs_in_from_the_keyring_text_alone() {
        let now = OffsetDateTime::now_utc();
        let made = make_certificate("Sales embed", 6, now).unwrap();
        assert!(made.kept.expose().contains("BEGIN CERTIFICATE"));
        assert!(made.kept.expose().contains("BEGIN PRIVATE KEY"));
        let cert = ClientCertificate::from_kept(&made.kept, now.unix_timestamp()).unwrap();
        assert_eq!(cert.subject, "CN=Sales embed");
        // Six months of 365/12 days, to the day.
        let days = (cert.not_after - now.unix_timestamp()) / 86_400;
        assert_eq!(days, 182, "{days}");
        assert_eq!(made.expires, date(end_of(now, 6)));
        // The public part alone carries no key.
        let public = String::from_utf8_lossy(&made.der);
        assert!(!public.contains("PRIVATE"));
        assert!(format!("{:?}", made.kept).contains("redacted"));
    }

    #[test]
    fn policy_lifetimes_read_as_days() {
        // maxLifetime values from Graph's own examples (tenantAppManagementPolicy update).
        assert_eq!(duration_days("P90D"), Some(90));
        assert_eq!(duration_days("P4DT12H30M5S"), Some(4));
        assert_eq!(duration_days("P30D"), Some(30));
        assert_eq!(duration_days("P1Y"), Some(365));
        assert_eq!(duration_days("P2W"), Some(14));
        assert_eq!(duration_days("PT36H"), Some(1));
        for bad in ["", "P", "90D", "P90", "PXD", "PT", "P1Q"] {
            assert_eq!(duration_days(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_certificate_without_its_key_is_refused() {
        let now = OffsetDateTime::now_utc();
        let made = make_certificate("x", 1, now).unwrap();
        let only = made
            .kept
            .expose()
            .split("-----BEGIN PRIVATE KEY")
            .next()
            .unwrap();
        let err = ClientCertificate::from_kept(&CertificateKey::new(only), now.unix_timestamp())
            .unwrap_err();
        assert!(err.to_string().contains("no private key"), "{err}");
    }
}
