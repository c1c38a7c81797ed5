#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! The vault against a real keyring, and the CLI's profile life cycle end to end.
//!
//! Inside a desktop session with a Secret Service (`scripts/headless-session.sh` starts
//! gnome-keyring; the test command sets `KEYWAY_TEST_SECRET_SERVICE=1` there) these use the real
//! keyring. Outside one, the same binary proves the other half: no session bus gives its own
//! plain explanation, and the session-only vault still works.

mod common;

use keyway::secret::{ClientSecret, RefreshToken};
use keyway::vault::{SecretKind, Vault};

fn client_secret(vault: &Vault, profile: &str) -> Option<String> {
    let s = vault.load::<ClientSecret>(profile).unwrap();
    s.map(|s| s.expose().to_string())
}

fn refresh_token(vault: &Vault, profile: &str) -> Option<String> {
    let s = vault.load::<RefreshToken>(profile).unwrap();
    s.map(|s| s.expose().to_string())
}
use std::process::Command;

fn in_session() -> bool {
    std::env::var_os("KEYWAY_TEST_SECRET_SERVICE").is_some()
}

#[test]
fn the_keyring_round_trips_or_explains_why_it_cannot() {
    if !in_session() {
        // SAFETY of intent: this test binary runs this one test that touches the environment.
        std::env::set_var(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/keyway-test-bus",
        );
        let err = Vault::system()
            .err()
            .expect("no keyring without a session bus");
        assert_eq!(err.code, "KEYRING_NO_SESSION", "{err:?}");
        assert!(err.fix.contains("this session only"));
        let session = Vault::session_only();
        session
            .save("p", SecretKind::ClientSecret, "value-1")
            .unwrap();
        assert_eq!(client_secret(&session, "p").as_deref(), Some("value-1"));
        assert!(session.place().contains("not saved"));
        return;
    }
    let vault = Vault::system().expect("the session's Secret Service");
    let profile = format!("test-{}", uuid::Uuid::new_v4());
    assert_eq!(
        client_secret(&vault, &profile).as_deref(),
        None,
        "NoEntry is None"
    );
    vault
        .save(&profile, SecretKind::ClientSecret, "first-value")
        .unwrap();
    assert_eq!(
        client_secret(&vault, &profile).as_deref(),
        Some("first-value")
    );
    vault
        .save(&profile, SecretKind::ClientSecret, "second-value")
        .unwrap();
    assert_eq!(
        client_secret(&vault, &profile).as_deref(),
        Some("second-value")
    );
    // A refresh token longer than Windows allows in one entry.
    let long = "0.AXoA".to_string() + &"rt-part-".repeat(900);
    vault
        .save(&profile, SecretKind::RefreshToken, &long)
        .unwrap();
    assert_eq!(
        refresh_token(&vault, &profile).as_deref(),
        Some(long.as_str())
    );
    vault.delete_profile(&profile).unwrap();
    vault.delete_profile(&profile).unwrap();
    assert_eq!(refresh_token(&vault, &profile).as_deref(), None);
    // The secret really is in the Secret Service, under service "keyway".
    vault
        .save(&profile, SecretKind::ClientSecret, "look-for-me")
        .unwrap();
    let out = Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            "keyway",
            "username",
            &format!("{profile}/client-secret"),
        ])
        .output();
    if let Ok(out) = out {
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "look-for-me");
    }
    vault.delete_profile(&profile).unwrap();
}

fn keyway(config: &std::path::Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    common::keyway(args, &[("KEYWAY_CONFIG_DIR", config.as_os_str())], stdin)
}

#[tokio::test(flavor = "multi_thread")]
async fn profiles_from_save_to_report_and_no_secret_in_any_file() {
    if !in_session() {
        return; // needs the real keyring; run by the test command inside a session
    }
    const SECRET: &str = "Emb8Q~current.secret-value_0123456789abcdef";
    let cloud = fakecloud::start(
        fakecloud::Scenario::contoso(),
        fakecloud::Options::default(),
    )
    .await
    .unwrap();
    let config = std::env::temp_dir().join(format!("keyway-config-{}", uuid::Uuid::new_v4()));
    let name = format!("sales-{}", uuid::Uuid::new_v4().simple());
    let ca = cloud.ca_path.to_str().unwrap().to_string();

    let (code, out, err) = keyway(
        &config,
        &[
            "profile",
            "save",
            &name,
            "--cloud",
            "custom",
            "--authority-host",
            &cloud.https_url,
            "--powerbi-api",
            &cloud.https_url,
            "--tenant",
            "contoso.onmicrosoft.com",
            "--client-id",
            "11111111-1111-4111-8111-111111111111",
            "--method",
            "client-secret",
            "--secret-stdin",
            "--secret-expires",
            "2026-12-01",
            "--goal",
            "embed",
        ],
        &format!("{SECRET}\n"),
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Secret Service"), "{out}");

    let (code, out, err) = keyway(
        &config,
        &["token", "--profile", &name, "--ca-cert", &ca, "--json"],
        "",
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("\"appOnly\":true"));

    let (code, out, _) = keyway(&config, &["status", "--json"], "");
    assert_eq!(code, 0);
    let status: serde_json::Value = serde_json::from_str(&out).unwrap();
    let row = status
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name.as_str())
        .unwrap();
    assert_eq!(row["lastCheck"]["ok"], true);
    assert!(row["secretLocation"]
        .as_str()
        .unwrap()
        .contains("Secret Service"));

    let report = config.join("report.html");
    let (code, _, err) = keyway(
        &config,
        &[
            "report",
            "--profile",
            &name,
            "--out",
            report.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("1111…1111"), "masked client ID");
    assert!(!html.contains("11111111-1111-4111-8111-111111111111"));

    let preset = config.join("preset.json");
    assert_eq!(
        keyway(
            &config,
            &[
                "profile",
                "export",
                &name,
                "--out",
                preset.to_str().unwrap()
            ],
            ""
        )
        .0,
        0
    );
    let preset_path = preset.to_str().unwrap();
    // The preset names its own cloud: refused, naming the host, until the person trusts it.
    let (code, _, err) = keyway(&config, &["profile", "import", preset_path], "");
    assert_eq!(code, 2, "a custom cloud is confirmed first: {err}");
    assert!(err.contains("--trust-custom-cloud"), "{err}");
    let trusted = ["profile", "import", preset_path, "--trust-custom-cloud"];
    let (code, _, err) = keyway(&config, &trusted, "");
    assert_eq!(code, 1, "no silent overwrite");
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(
        keyway(&config, &[&trusted[..], &["--replace"]].concat(), "").0,
        0
    );

    // A wrong secret is recorded with what support needs.
    keyway(
        &config,
        &[
            "profile",
            "save",
            &name,
            "--cloud",
            "custom",
            "--authority-host",
            &cloud.https_url,
            "--powerbi-api",
            &cloud.https_url,
            "--tenant",
            "contoso.onmicrosoft.com",
            "--client-id",
            "11111111-1111-4111-8111-111111111111",
            "--method",
            "client-secret",
            "--secret-stdin",
            "--replace",
        ],
        "Emb8Q~wrong.secret-value_0123456789abcdef",
    );
    let (code, out, _) = keyway(
        &config,
        &["token", "--profile", &name, "--ca-cert", &ca, "--json"],
        "",
    );
    assert_eq!(code, 1);
    assert!(out.contains("AADSTS7000215"));
    let (_, out, _) = keyway(&config, &["status", "--json"], "");
    assert!(out.contains("\"traceId\""), "{out}");

    // The leak scan: no file Keyway wrote holds a secret or a token.
    for entry in std::fs::read_dir(&config).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        for needle in [SECRET, "Emb8Q~wrong", "eyJ0eXAi"] {
            assert!(
                !text.contains(needle),
                "a secret leaked into a file: {needle}"
            );
        }
    }
    assert_eq!(keyway(&config, &["profile", "delete", &name], "").0, 0);
    let _ = std::fs::remove_dir_all(&config);
    cloud.stop();
}
