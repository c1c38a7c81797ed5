//! The company's certificate authority, trusted in Settings: for a network whose proxy opens
//! secure connections with the company's own authority (Keyway then says
//! `TRANSPORT_TLS_UNKNOWN_ISSUER`), or a private cloud behind one. The file lives in Keyway's
//! configuration folder ([`crate::http::COMPANY_CA_FILE`]); `--ca-cert` and `KEYWAY_CA_CERT`
//! come first, so a script's choice is never overridden by the window's.

use super::Session;
use crate::diagnose::Explanation;
use crate::http::{self, CaSource, ClientError};
use serde::Serialize;

/// The largest file taken: a bundle of a few dozen certificates is far smaller.
const MAX_PEM: usize = 1 << 20;

/// The certificate authority Keyway trusts besides the system's, as Settings shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyCa {
    /// Where it comes from; `None` when there is none.
    pub source: Option<CaSource>,
    /// Its file.
    pub path: Option<String>,
    /// Each certificate's name (its subject's common name, or the whole subject).
    pub names: Vec<String>,
}

/// What Keyway trusts besides the system's authorities now.
pub fn company_ca() -> Result<CompanyCa, Explanation> {
    let Some((path, source)) = http::extra_ca_file(None) else {
        return Ok(CompanyCa {
            source: None,
            path: None,
            names: vec![],
        });
    };
    let pem = http::extra_ca(Some(&path))?.unwrap_or_default();
    Ok(CompanyCa {
        source: Some(source),
        path: Some(path.display().to_string()),
        names: names(&pem)?,
    })
}

/// Trusts the authority in `pem` (the text of a .pem or .crt file the person chose), after
/// checking it holds certificates the HTTP client accepts; `None` stops trusting the one saved.
pub fn set_company_ca(pem: Option<&str>) -> Result<CompanyCa, Explanation> {
    let file = crate::profile::config_dir().join(http::COMPANY_CA_FILE);
    let written = match pem {
        Some(pem) => {
            if pem.len() > MAX_PEM {
                return Err(ClientError::CaInvalid("the file is larger than 1 MiB".into()).into());
            }
            names(pem.as_bytes())?;
            http::client(Some(pem.as_bytes()))?;
            crate::profile::replace_config_file(&file, pem.as_bytes())
        }
        None => match std::fs::remove_file(&file) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => other,
        },
    };
    written.map_err(|e| {
        Explanation::new(
            "CA_CERT_NOT_SAVED",
            "The certificate authority could not be saved",
            format!("Keyway could not write {}: {e}.", file.display()),
            vec!["Check that Keyway's settings folder can be written, then try again.".into()],
        )
    })?;
    company_ca()
}

/// The names of the certificates in a PEM text; an error when there is none.
fn names(pem: &[u8]) -> Result<Vec<String>, ClientError> {
    let mut names = vec![];
    for block in x509_parser::pem::Pem::iter_from_buffer(pem) {
        let block = block.map_err(|e| ClientError::CaInvalid(e.to_string()))?;
        if block.label != "CERTIFICATE" {
            continue; // a key or a request beside the certificates
        }
        let cert = block
            .parse_x509()
            .map_err(|e| ClientError::CaInvalid(e.to_string()))?;
        let subject = cert.subject();
        let cn = subject
            .iter_common_name()
            .next()
            .and_then(|c| c.as_str().ok());
        names.push(crate::text::clean_text(
            &cn.map_or_else(|| subject.to_string(), str::to_string),
        ));
    }
    if names.is_empty() {
        return Err(ClientError::CaEmpty);
    }
    Ok(names)
}

impl Session {
    /// A new session that trusts the certificate authority as it is now ([`set_company_ca`]),
    /// keeping the custom cloud the person typed or confirmed. The window swaps to it.
    pub fn with_current_ca(&self) -> Result<Session, Explanation> {
        let ca = http::extra_ca(None)?;
        let fresh = Session::new(ca.as_deref())?;
        fresh.lock().trusted_custom = self.lock().trusted_custom.clone();
        Ok(fresh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_certificates_are_trusted_and_named() {
        let key = rcgen_free_pem();
        assert_eq!(names(key.as_bytes()).unwrap_err(), ClientError::CaEmpty);
        assert!(names(b"not a certificate").is_err());
    }

    /// A PEM block that is not a certificate (a key's header), as people attach by mistake.
    fn rcgen_free_pem() -> String {
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n\
         -----END PUBLIC KEY-----\n"
            .into()
    }
}
