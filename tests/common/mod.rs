//! What the root integration tests share: running the `keyway` binary as a person or a script
//! does, with secrets on standard input.
#![allow(dead_code, clippy::unwrap_used)] // Each test file uses part of it; a panic is the report.

use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `keyway ARGS` with `env` added, feeding `stdin`; returns exit status, stdout, stderr.
pub fn keyway(
    args: &[&str],
    env: &[(&str, &std::ffi::OsStr)],
    stdin: &str,
) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_keyway"))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// fakecloud with the Contoso scenario, a custom cloud pointing every address at it, and an
/// HTTP client that trusts its certificate authority.
pub async fn emulator() -> (fakecloud::Running, keyway::cloud::Cloud, reqwest::Client) {
    let cloud = fakecloud::start(
        fakecloud::Scenario::contoso(),
        fakecloud::Options::default(),
    )
    .await
    .unwrap();
    let custom = keyway::cloud::Cloud::custom(keyway::cloud::CustomEndpoints {
        authority_host: cloud.https_url.clone(),
        powerbi_api: cloud.https_url.clone(),
        fabric_api: Some(format!("{}/v1", cloud.https_url)),
        ..Default::default()
    })
    .unwrap();
    let http = keyway::http::client(Some(cloud.ca_pem.as_bytes())).unwrap();
    (cloud, custom, http)
}
