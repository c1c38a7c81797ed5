#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! The company's certificate authority, trusted once (Settings, or `keyway ca trust`) and then
//! used by every sign-in; a file that holds no certificate is refused and nothing is saved.

mod common;

use serde_json::Value;
use std::ffi::OsStr;

fn run(config: &std::path::Path, args: &[&str], extra: &[(&str, &OsStr)]) -> (i32, Value, String) {
    let mut env = vec![("KEYWAY_CONFIG_DIR", config.as_os_str())];
    env.extend_from_slice(extra);
    let (code, out, err) = common::keyway(args, &env, "");
    (
        code,
        serde_json::from_str(&out).unwrap_or(Value::Null),
        format!("{out}{err}"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_company_authority_trusted_once_is_used_by_every_sign_in() {
    let (cloud, _, _) = common::emulator().await;
    let config = std::env::temp_dir().join(format!("keyway-ca-{}", uuid::Uuid::new_v4()));
    let url = cloud.https_url.as_str();
    let sign_in = [
        "token",
        "--cloud",
        "custom",
        "--authority-host",
        url,
        "--powerbi-api",
        url,
        "--tenant",
        "contoso.onmicrosoft.com",
        "--client-id",
        "11111111-1111-4111-8111-111111111111",
        "--client-secret-stdin",
        "--json",
    ];
    let token = |extra: &[(&str, &OsStr)]| {
        let mut env = vec![("KEYWAY_CONFIG_DIR", config.as_os_str())];
        env.extend_from_slice(extra);
        let (code, out, _) = common::keyway(
            &sign_in,
            &env,
            "Emb8Q~current.secret-value_0123456789abcdef\n",
        );
        (
            code,
            serde_json::from_str::<Value>(&out).unwrap_or(Value::Null),
        )
    };

    // Behind a proxy with its own authority, the sign-in says so, and how to trust it.
    let (code, out) = token(&[]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out["error"]["code"], "TRANSPORT_TLS_UNKNOWN_ISSUER");
    assert!(
        out["error"]["fix"].to_string().contains("keyway ca trust"),
        "{out}"
    );

    // A file with no certificate in it (a key, as people attach by mistake) is refused.
    std::fs::create_dir_all(&config).unwrap();
    let key = config.join("not-a-ca.pem");
    std::fs::write(
        &key,
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let (code, out, said) = run(
        &config,
        &["ca", "trust", key.to_str().unwrap(), "--json"],
        &[],
    );
    assert_eq!(code, 2, "{said}");
    assert_eq!(out["error"]["code"], "CA_CERT_INVALID");
    assert!(!config.join("company-ca.pem").exists(), "nothing saved");

    // Trusted: named, kept privately, and every sign-in from now on uses it.
    let ca = cloud.ca_path.to_str().unwrap();
    let (code, out, said) = run(&config, &["ca", "trust", ca, "--json"], &[]);
    assert_eq!(code, 0, "{said}");
    assert_eq!(out["source"], "settings");
    assert!(!out["names"].as_array().unwrap().is_empty(), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(config.join("company-ca.pem"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let (code, out) = token(&[]);
    assert_eq!((code, &out["ok"]), (0, &Value::Bool(true)), "{out}");

    // KEYWAY_CA_CERT (a script's choice) comes first, and says so.
    let other = OsStr::new(ca);
    let (_, out, _) = run(
        &config,
        &["ca", "show", "--json"],
        &[("KEYWAY_CA_CERT", other)],
    );
    assert_eq!(out["source"], "environment");

    // Forgotten: back to this computer's authorities only.
    let (code, out, _) = run(&config, &["ca", "forget", "--json"], &[]);
    assert_eq!((code, &out["source"]), (0, &Value::Null));
    assert_eq!(token(&[]).0, 1);
    let _ = std::fs::remove_dir_all(&config);
    cloud.stop();
}
