#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! The `keyway` binary as a help desk runs it.

use std::process::Command;

fn keyway(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_keyway"))
        .args(args)
        .output()
        .expect("keyway runs");
    (
        out.status.success(),
        String::from_utf8(out.stdout).expect("UTF-8 output"),
    )
}

#[test]
fn info_json_is_what_the_wizard_is_given() {
    let (ok, out) = keyway(&["info", "--json"]);
    assert!(ok);
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(json, serde_json::to_value(keyway::app_info()).unwrap());
    assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(json["clouds"].as_array().map(Vec::len), Some(5));
}

#[test]
fn clouds_table_lists_each_cloud_with_its_power_bi_host() {
    let (ok, out) = keyway(&["clouds"]);
    assert!(ok);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(lines[0].starts_with("public ") && lines[0].contains("https://api.powerbi.com"));
    assert!(lines[4].starts_with("china ") && lines[4].contains("https://api.powerbi.cn"));
}

#[test]
fn an_unknown_subcommand_fails_with_help() {
    let out = Command::new(env!("CARGO_BIN_EXE_keyway"))
        .arg("frobnicate")
        .output()
        .expect("keyway runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage"));
}

/// Runs `keyway token` against a fakecloud, feeding `stdin`.
fn token_cli(
    cloud: &fakecloud::Running,
    ca: &std::path::Path,
    extra: &[&str],
    stdin: &str,
) -> (i32, serde_json::Value) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_keyway"))
        .args([
            "token",
            "--cloud",
            "custom",
            "--authority-host",
            &cloud.https_url,
            "--powerbi-api",
            &cloud.https_url,
            "--ca-cert",
            ca.to_str().unwrap(),
            "--tenant",
            "contoso.onmicrosoft.com",
            "--json",
        ])
        .args(extra)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("keyway runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("JSON: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap_or(-1), json)
}

#[tokio::test(flavor = "multi_thread")]
async fn keyway_token_reads_secrets_from_stdin_and_reports_in_json() {
    let cloud = fakecloud::start(
        fakecloud::Scenario::contoso(),
        fakecloud::Options::default(),
    )
    .await
    .unwrap();
    let ca = cloud.ca_path.clone();
    let app = [
        "--client-id",
        "11111111-1111-4111-8111-111111111111",
        "--client-secret-stdin",
    ];
    let (status, out) = token_cli(
        &cloud,
        &ca,
        &app,
        "Emb8Q~current.secret-value_0123456789abcdef\n",
    );
    assert_eq!(status, 0, "{out}");
    assert_eq!(out["ok"], true);
    assert_eq!(out["claims"]["appOnly"], true);
    assert!(
        out.get("access_token").is_none(),
        "the token only with --print-token"
    );

    let (status, out) = token_cli(
        &cloud,
        &ca,
        &app,
        "Emb8Q~wrong.secret-value_0123456789abcdef",
    );
    assert_eq!(status, 1);
    assert_eq!(out["error"]["code"], "AADSTS7000215");
    assert!(out["error"]["details"]["traceId"].is_string());

    let (status, out) = token_cli(&cloud, &ca, &app, "5ec1d000-0000-4000-8000-000000000001");
    assert_eq!(status, 2, "bad input is a usage error");
    assert_eq!(out["error"]["code"], "SECRET_IS_SECRET_ID");

    let user = [
        "--client-id",
        "33333333-3333-4333-8333-333333333333",
        "--username",
        "ada@contoso.com",
        "--password-stdin",
        "--scope",
        "Workspace.Read.All",
        "--print-token",
    ];
    let (status, out) = token_cli(&cloud, &ca, &user, "Correct-Horse-42\n");
    assert_eq!(status, 0, "{out}");
    assert_eq!(out["claims"]["who"], "ada@contoso.com");
    assert!(out["access_token"].as_str().unwrap().starts_with("eyJ"));
    cloud.stop();
}

#[test]
fn secrets_are_never_taken_as_arguments() {
    let out = Command::new(env!("CARGO_BIN_EXE_keyway"))
        .args([
            "token",
            "--tenant",
            "contoso.com",
            "--client-id",
            "11111111-1111-4111-8111-111111111111",
            "--client-secret",
            "shh",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unexpected argument '--client-secret'"));
}
