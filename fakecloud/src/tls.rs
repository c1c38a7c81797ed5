//! A throwaway certificate authority and a server certificate for 127.0.0.1 and localhost, so
//! clients talk to the emulator over real, verified TLS (MSAL refuses plain http authorities).

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SanType};

/// The CA (its certificate, for clients to trust) and the server's certificate and key.
pub struct TestPki {
    /// The CA certificate, PEM: what clients add to their trust store.
    pub ca_pem: String,
    /// The server certificate, PEM, followed by nothing else (the CA is a trust anchor).
    pub server_cert_pem: String,
    /// The server's private key, PEM (PKCS#8).
    pub server_key_pem: String,
}

impl TestPki {
    /// A new CA and a certificate for `host`, 127.0.0.1, ::1 and localhost.
    pub fn generate(host: std::net::IpAddr) -> anyhow::Result<TestPki> {
        let mut ca = CertificateParams::new(Vec::<String>::new())?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "Keyway fakecloud test CA");
        ca.distinguished_name
            .push(DnType::OrganizationName, "Keyway tests");
        let ca_key = KeyPair::generate()?;
        let ca_cert = ca.self_signed(&ca_key)?;
        let issuer = Issuer::new(ca, ca_key);

        let mut server = CertificateParams::new(vec!["localhost".to_string()])?;
        server
            .distinguished_name
            .push(DnType::CommonName, "fakecloud");
        server
            .subject_alt_names
            .push(SanType::IpAddress("127.0.0.1".parse()?));
        server
            .subject_alt_names
            .push(SanType::IpAddress("::1".parse()?));
        if host != std::net::IpAddr::from([127, 0, 0, 1]) {
            server.subject_alt_names.push(SanType::IpAddress(host));
        }
        let server_key = KeyPair::generate()?;
        let server_cert = server.signed_by(&server_key, &issuer)?;
        Ok(TestPki {
            ca_pem: ca_cert.pem(),
            server_cert_pem: server_cert.pem(),
            server_key_pem: server_key.serialize_pem(),
        })
    }
}
