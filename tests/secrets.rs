#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! The `keyway` binary's handling of what it must not pass on: standard input is bounded, a
//! server's control characters never reach the terminal, and the log holds codes and hosts but
//! never a secret or an unmasked ID.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const SECRET: &str = "Emb8Q~current.secret-value_0123456789abcdef";
const WRONG: &str = "Emb8Q~wrong.secret-value_0123456789abcdef";
const CLIENT: &str = "11111111-1111-4111-8111-111111111111";

/// A real Entra refusal (Microsoft Learn, "Microsoft identity platform error responses": the
/// `error`, `error_description`, `error_codes`, `trace_id` and `correlation_id` fields, and
/// AADSTS7000215's text from "Microsoft Entra authentication and authorization error codes"),
/// with a screen clear, a window-title change ended by BEL and a cursor move (CSI) written into
/// the description and the IDs, as a hostile or broken server might.
const HOSTILE: &str = concat!(
    r#"{"error":"invalid_client","#,
    r#""error_description":"AADSTS7000215: Invalid client secret provided. \u001b[2J"#,
    r#"\u001b]0;pwned\u0007Ensure the secret being sent in the request is the client secret "#,
    r#"value, not the client secret ID.\u001b[1;1H\r\nTrace ID: 0c9f1e2a-7b3d-4e6f-8a1b-"#,
    r#"2c3d4e5f6a7b\u001b[31m\r\nCorrelation ID: 4b5c6d7e-8f90-4a1b-9c2d-3e4f5a6b7c8d\r\n"#,
    r#"Timestamp: 2024-05-06 06:03:00Z","error_codes":[7000215],"#,
    r#""timestamp":"2024-05-06 06:03:00Z\u001b[2K","#,
    r#""trace_id":"0c9f1e2a-7b3d-4e6f-8a1b-2c3d4e5f6a7b\u0007","#,
    r#""correlation_id":"4b5c6d7e-8f90-4a1b-9c2d-3e4f5a6b7c8d\u001b]2;x\u0007","#,
    r#""error_uri":"https://login.microsoftonline.com/error?code=7000215"}"#,
);

/// Runs `keyway ARGS`, writing `stdin` from another thread and ignoring a closed pipe: a
/// command that stops reading early must not make the test fail for the wrong reason.
fn keyway_fed(args: &[&str], env: &[(&str, &Path)], stdin: Vec<u8>) -> (i32, Vec<u8>, Vec<u8>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_keyway"))
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_os_str())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&stdin);
    });
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    (out.status.code().unwrap_or(-1), out.stdout, out.stderr)
}

fn no_control_bytes(what: &str, out: &[u8]) {
    for (byte, name) in [(0x1b, "ESC"), (0x07, "BEL"), (0x9b, "CSI")] {
        assert!(
            !out.contains(&byte),
            "{what} has an {name} byte: {:?}",
            String::from_utf8_lossy(out)
        );
    }
    let text = String::from_utf8_lossy(out);
    assert!(
        !text.contains('\u{9b}') && !text.contains('\u{9d}'),
        "{what}: {text:?}"
    );
}

#[test]
fn more_than_64_kib_on_standard_input_is_refused_without_reading_it_all() {
    // 200 MB was once accepted whole. Now reading stops one byte past 64 KiB.
    let big = vec![b'x'; 200 * 1024 * 1024];
    let (code, out, err) = keyway_fed(
        &[
            "token",
            "--tenant",
            "contoso.onmicrosoft.com",
            "--client-id",
            CLIENT,
            "--client-secret-stdin",
            "--json",
        ],
        &[],
        big,
    );
    let out = String::from_utf8_lossy(&out);
    assert_eq!(code, 2, "{out}{}", String::from_utf8_lossy(&err));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["error"]["code"], "STDIN_TOO_LARGE");
    assert!(json["error"]["cause"].as_str().unwrap().contains("64 KiB"));

    let (code, _, err) = keyway_fed(&["explain"], &[], vec![b'a'; 64 * 1024 + 1]);
    let err = String::from_utf8_lossy(&err);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("STDIN_TOO_LARGE"), "{err}");
    // Exactly 64 KiB is still read.
    let mut at_limit = b"AADSTS7000215: Invalid client secret provided.\n".to_vec();
    at_limit.resize(64 * 1024, b' ');
    let (code, out, _) = keyway_fed(&["explain", "--json"], &[], at_limit);
    assert_eq!(code, 0);
    assert!(String::from_utf8_lossy(&out).contains("AADSTS7000215"));
}

#[test]
fn keyway_explain_prints_no_escape_sequence_from_the_body() {
    for json in [false, true] {
        let args: &[&str] = if json {
            &["explain", "--json"]
        } else {
            &["explain"]
        };
        let (code, out, err) = keyway_fed(args, &[], HOSTILE.as_bytes().to_vec());
        assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
        no_control_bytes("explain stdout", &out);
        no_control_bytes("explain stderr", &err);
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains("AADSTS7000215"), "{text}");
        assert!(
            text.contains("0c9f1e2a-7b3d-4e6f-8a1b-2c3d4e5f6a7b"),
            "{text}"
        );
        if json {
            let x: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(
                x["message"],
                "Invalid client secret provided. Ensure the secret being sent in the request \
                 is the client secret value, not the client secret ID."
            );
            assert_eq!(x["traceId"], "0c9f1e2a-7b3d-4e6f-8a1b-2c3d4e5f6a7b");
        }
    }
}

/// A token endpoint on this computer that refuses every request with [`HOSTILE`].
async fn hostile_entra() -> String {
    use axum::http::{header, StatusCode};
    let app = axum::Router::new().fallback(|| async {
        (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            HOSTILE,
        )
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test(flavor = "multi_thread")]
async fn keyway_token_prints_no_escape_sequence_from_entra() {
    let host = hostile_entra().await;
    for json in [false, true] {
        let mut args = vec![
            "token",
            "--cloud",
            "custom",
            "--authority-host",
            &host,
            "--powerbi-api",
            &host,
            "--tenant",
            "contoso.onmicrosoft.com",
            "--client-id",
            CLIENT,
            "--client-secret-stdin",
        ];
        if json {
            args.push("--json");
        }
        let (code, out, err) = keyway_fed(&args, &[], WRONG.as_bytes().to_vec());
        assert_eq!(code, 1, "{}", String::from_utf8_lossy(&err));
        no_control_bytes("token stdout", &out);
        no_control_bytes("token stderr", &err);
        let said = String::from_utf8_lossy(if json { &out } else { &err }).to_string();
        assert!(said.contains("AADSTS7000215"), "{said}");
        assert!(said.contains("not the client secret ID."), "{said}");
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_is_logged_with_codes_and_hosts_never_the_secret() {
    let cloud = fakecloud::start(
        fakecloud::Scenario::contoso(),
        fakecloud::Options::default(),
    )
    .await
    .unwrap();
    let base = std::env::temp_dir().join(format!("keyway-log-{}", uuid::Uuid::new_v4()));
    let (logs, config) = (base.join("logs"), base.join("config"));
    let env: Vec<(&str, &Path)> = vec![("KEYWAY_LOG_DIR", &logs), ("KEYWAY_CONFIG_DIR", &config)];
    let ca = cloud.ca_path.to_str().unwrap().to_string();
    let url = cloud.https_url.clone();
    let token = |secret: &str| {
        keyway_fed(
            &[
                "token",
                "--cloud",
                "custom",
                "--authority-host",
                &url,
                "--powerbi-api",
                &url,
                "--ca-cert",
                &ca,
                "--tenant",
                "contoso.onmicrosoft.com",
                "--client-id",
                CLIENT,
                "--client-secret-stdin",
                "--print-token",
                "--json",
            ],
            &env,
            format!("{secret}\n").into_bytes(),
        )
    };
    let (code, out, _) = token(SECRET);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&out));
    let issued: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let access = issued["accessToken"].as_str().unwrap().to_string();
    assert_eq!(token(WRONG).0, 1);

    let files = files_under(&logs);
    assert!(!files.is_empty(), "a log file in {}", logs.display());
    let log: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let host = url.trim_start_matches("https://");
    assert!(log.contains("sign-in started"), "{log}");
    assert!(log.contains(host), "the sign-in host: {log}");
    assert!(log.contains("1111…1111"), "the masked client ID: {log}");
    assert!(log.contains("sign-in succeeded"), "{log}");
    assert!(log.contains("AADSTS7000215"), "the failure's code: {log}");
    for needle in [SECRET, WRONG, "Emb8Q", CLIENT, access.as_str()] {
        assert!(!log.contains(needle), "the log holds {needle}: {log}");
    }

    // The support report can carry the log's end, scrubbed the same way.
    let run = |args: &[&str]| keyway_fed(args, &env, vec![]);
    let saved = run(&[
        "profile",
        "save",
        "Me",
        "--cloud",
        "custom",
        "--authority-host",
        &url,
        "--powerbi-api",
        &url,
        "--tenant",
        "contoso.onmicrosoft.com",
        "--client-id",
        CLIENT,
        "--method",
        "device-code",
        "--goal",
        "delegated",
    ]);
    assert_eq!(saved.0, 0, "{}", String::from_utf8_lossy(&saved.2));
    let html = base.join("report.html");
    let html_arg = html.to_str().unwrap();
    let (code, _, err) = run(&["report", "--profile", "Me", "--out", html_arg, "--with-log"]);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    let report = std::fs::read_to_string(&html).unwrap();
    let json = std::fs::read_to_string(html.with_extension("json")).unwrap();
    assert!(report.contains("Keyway&#39;s log") || report.contains("Keyway's log"));
    assert!(report.contains("AADSTS7000215"), "{report}");
    let lines: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        lines["log"].as_array().is_some_and(|l| !l.is_empty()),
        "{json}"
    );
    for text in [&report, &json] {
        for needle in [SECRET, WRONG, CLIENT, access.as_str()] {
            assert!(!text.contains(needle), "the report holds {needle}");
        }
    }
    let (_, _, _) = run(&["report", "--profile", "Me", "--out", html_arg]);
    let plain = std::fs::read_to_string(html.with_extension("json")).unwrap();
    assert!(!plain.contains("\"log\""), "no log unless asked: {plain}");
    let _ = std::fs::remove_dir_all(&base);
    cloud.stop();
}
