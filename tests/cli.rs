#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! The `keyway` binary as a help desk runs it.

mod common;

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
    let mut args = vec![
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
    ];
    args.extend_from_slice(extra);
    let (status, out, _) = common::keyway(&args, &[], stdin);
    let json = serde_json::from_str(&out).unwrap_or_else(|_| panic!("JSON: {out}"));
    (status, json)
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
    assert!(out["error"]["traceId"].is_string());

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
    assert!(out["accessToken"].as_str().unwrap().starts_with("eyJ"));
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

#[tokio::test(flavor = "multi_thread")]
async fn a_preset_is_imported_and_its_expiry_set_by_hand_or_from_graph() {
    let cloud = fakecloud::start(
        fakecloud::Scenario::contoso(),
        fakecloud::Options::default(),
    )
    .await
    .unwrap();
    let config = std::env::temp_dir().join(format!("keyway-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&config).unwrap();
    let no_bus = std::ffi::OsStr::new("unix:path=/nonexistent/keyway-test-bus");
    let run = |args: &[&str], stdin: &str| {
        common::keyway(
            args,
            &[
                ("KEYWAY_CONFIG_DIR", config.as_os_str()),
                ("DBUS_SESSION_BUS_ADDRESS", no_bus),
            ],
            stdin,
        )
    };

    let preset = config.join("from-helpdesk.json");
    std::fs::write(
        &preset,
        serde_json::json!({
            "keywayPreset": 1, "name": "Embed", "cloud": "custom",
            "custom": {"authorityHost": cloud.https_url, "powerbiApi": cloud.https_url},
            "tenant": "contoso.onmicrosoft.com", "clientId": "11111111-1111-4111-8111-111111111111",
            "method": "client-secret", "goal": "embed"
        })
        .to_string(),
    )
    .unwrap();
    // Its own cloud is refused, naming the host a secret would go to, until the person says so.
    let (code, out, err) = run(&["profile", "import", preset.to_str().unwrap()], "");
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("PRESET_CUSTOM_CLOUD") && err.contains(&cloud.https_url),
        "{err}"
    );
    assert!(err.contains("--trust-custom-cloud"), "{err}");
    assert_eq!(run(&["profile", "list", "--json"], "").1.trim(), "[]");
    let trusted = [
        "profile",
        "import",
        preset.to_str().unwrap(),
        "--trust-custom-cloud",
    ];
    let (code, out, err) = run(&trusted, "");
    assert_eq!(code, 0, "{out}{err}");

    let (code, out, _) = run(&["profile", "expiry", "Embed", "--date", "2999-01-01"], "");
    assert_eq!(code, 0);
    assert!(out.contains("2999-01-01"));
    assert_eq!(
        run(&["profile", "expiry", "Embed", "--date", "soon"], "").0,
        2
    );

    let ca = cloud.ca_path.to_str().unwrap().to_string();
    let (code, out, err) = run(
        &[
            "profile",
            "expiry",
            "Embed",
            "--from-graph",
            "--graph-client-id",
            "33333333-3333-4333-8333-333333333333",
            "--username",
            "ada@contoso.com",
            "--password-stdin",
            "--ca-cert",
            &ca,
        ],
        "Correct-Horse-42\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("2024-06-30") && out.contains("Renew it soon"),
        "the soonest secret, already expired: {out}"
    );

    let (_, out, _) = run(&["status"], "");
    assert!(out.contains("EXPIRED"), "{out}");
    let (_, out, _) = run(&["status", "--json"], "");
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows[0]["expiringSoon"], true, "{out}");
    assert!(rows[0]["daysLeft"].as_i64().unwrap() < 0);
    let _ = std::fs::remove_dir_all(&config);
    cloud.stop();
}

/// A workspace ID goes into API paths (`/v1.0/myorg/groups/<ID>/users`): text that would climb
/// out of that path is refused where it enters, from the command line or from a preset.
#[test]
fn a_workspace_that_is_not_a_guid_is_refused_from_the_cli_and_from_a_preset() {
    let hostile = "../../admin/groups?$top=1";
    let config = std::env::temp_dir().join(format!("keyway-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&config).unwrap();
    let env = [("KEYWAY_CONFIG_DIR", config.as_os_str())];

    let (code, out, err) = common::keyway(
        &[
            "check",
            "--goal",
            "embed",
            "--workspace",
            hostile,
            "--tenant",
            "contoso.onmicrosoft.com",
            "--client-id",
            "11111111-1111-4111-8111-111111111111",
            "--json",
        ],
        &env,
        "",
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.contains("WORKSPACE_ID_SHAPE"), "{out}{err}");
    assert!(out.contains("after /groups/"), "{out}{err}");

    let preset = config.join("hostile.json");
    std::fs::write(
        &preset,
        serde_json::json!({
            "keywayPreset": 1, "name": "Embed", "tenant": "contoso.onmicrosoft.com",
            "clientId": "11111111-1111-4111-8111-111111111111", "method": "client-secret",
            "goal": "embed", "workspace": hostile
        })
        .to_string(),
    )
    .unwrap();
    let (code, out, err) =
        common::keyway(&["profile", "import", preset.to_str().unwrap()], &env, "");
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        format!("{out}{err}").contains("A workspace ID has 32 letters and digits"),
        "{out}{err}"
    );
    let (_, out, _) = common::keyway(&["status", "--json"], &env, "");
    assert_eq!(out.trim(), "[]", "nothing was imported");
    let _ = std::fs::remove_dir_all(&config);
}

/// A fresh configuration folder (not created: Keyway makes it) and the environment that points
/// the `keyway` binary at it, with no keyring reachable.
fn config_env() -> std::path::PathBuf {
    std::env::temp_dir()
        .join(format!("keyway-store-{}", uuid::Uuid::new_v4()))
        .join("keyway")
}

fn run_in(config: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let no_bus = std::ffi::OsStr::new("unix:path=/nonexistent/keyway-test-bus");
    common::keyway(
        args,
        &[
            ("KEYWAY_CONFIG_DIR", config.as_os_str()),
            ("DBUS_SESSION_BUS_ADDRESS", no_bus),
        ],
        "",
    )
}

fn preset(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let file = dir.join(format!("{name}.json"));
    let text = serde_json::json!({
        "keywayPreset": 1, "name": name, "tenant": "contoso.onmicrosoft.com",
        "clientId": "11111111-1111-4111-8111-111111111111", "method": "client-secret",
    });
    std::fs::write(&file, text.to_string()).unwrap();
    file
}

fn saved_names(config: &std::path::Path) -> Vec<String> {
    let (code, out, err) = run_in(config, &["profile", "list", "--json"]);
    assert_eq!(code, 0, "{out}{err}");
    let all: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut names: Vec<String> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn twelve_imports_at_once_all_survive() {
    const N: usize = 12;
    let config = config_env();
    let presets = config.parent().unwrap().join("presets");
    std::fs::create_dir_all(&presets).unwrap();
    let files: Vec<_> = (0..N)
        .map(|i| preset(&presets, &format!("Import {i:02}")))
        .collect();
    // Every process starts together, so their read-modify-writes overlap.
    let start = std::sync::Arc::new(std::sync::Barrier::new(N));
    let runs: Vec<_> = files
        .into_iter()
        .map(|file| {
            let (config, start) = (config.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                run_in(&config, &["profile", "import", file.to_str().unwrap()])
            })
        })
        .collect();
    for run in runs {
        let (code, out, err) = run.join().unwrap();
        assert_eq!(code, 0, "{out}{err}");
    }
    let names = saved_names(&config);
    let want: Vec<String> = (0..N).map(|i| format!("Import {i:02}")).collect();
    assert_eq!(names, want, "{} of {N} imports survived", names.len());
    let _ = std::fs::remove_dir_all(config.parent().unwrap());
}

#[cfg(unix)]
#[test]
fn the_profiles_file_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let config = config_env();
    let presets = config.parent().unwrap().join("presets");
    std::fs::create_dir_all(&presets).unwrap();
    let file = preset(&presets, "Private");
    let (code, out, err) = run_in(&config, &["profile", "import", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let mode = |p: &std::path::Path| {
        format!(
            "{:o}",
            std::fs::metadata(p).unwrap().permissions().mode() & 0o777
        )
    };
    assert_eq!(mode(&config.join("profiles.json")), "600", "the file");
    assert_eq!(mode(&config), "700", "the folder Keyway made");
    let _ = std::fs::remove_dir_all(config.parent().unwrap());
}

#[test]
fn a_profiles_file_that_is_not_utf8_is_moved_aside_and_the_next_command_works() {
    let config = config_env();
    std::fs::create_dir_all(&config).unwrap();
    // A file saved as UTF-16 ("Unicode" in Windows Notepad): a byte-order mark, then every
    // character followed by a zero byte. Not UTF-8, so today every command fails on it.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("{\"schema\": 1}".bytes().flat_map(|b| [b, 0]))
        .collect();
    std::fs::write(config.join("profiles.json"), &utf16).unwrap();

    let (code, out, err) = run_in(&config, &["status"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("PROFILES_UNREADABLE"), "{err}");
    assert!(err.contains("nothing was deleted"), "{err}");
    let kept: Vec<_> = std::fs::read_dir(&config)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("unreadable"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(std::fs::read(&kept[0]).unwrap(), utf16, "kept as it was");

    let presets = config.parent().unwrap().join("presets");
    std::fs::create_dir_all(&presets).unwrap();
    let file = preset(&presets, "After");
    let (code, out, err) = run_in(&config, &["profile", "import", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(saved_names(&config), ["After"]);
    let _ = std::fs::remove_dir_all(config.parent().unwrap());
}

/// Without a browser (no opener on PATH), `keyway token --browser` shows the address first and
/// keeps waiting, so the person can open it elsewhere and the sign-in still completes.
#[tokio::test(flavor = "multi_thread")]
async fn browser_sign_in_without_a_browser_shows_the_address_and_waits() {
    use std::io::BufRead;
    let cloud = fakecloud::start(
        fakecloud::Scenario::contoso(),
        fakecloud::Options::default(),
    )
    .await
    .unwrap();
    let no_openers = std::env::temp_dir().join(format!("keyway-no-openers-{}", std::process::id()));
    std::fs::create_dir_all(&no_openers).unwrap();
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
            cloud.ca_path.to_str().unwrap(),
            "--tenant",
            "contoso.onmicrosoft.com",
            "--client-id",
            "33333333-3333-4333-8333-333333333333",
            "--browser",
            "--json",
        ])
        .env("PATH", &no_openers)
        .env_remove("BROWSER")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read stderr to its end (a closed pipe would fail Keyway's next line), handing on the
    // address as soon as it is there.
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let (found, address) = tokio::sync::oneshot::channel();
    let said = std::thread::spawn(move || {
        let mut found = Some(found);
        let mut all = vec![];
        for line in stderr.lines().map_while(Result::ok) {
            if line.starts_with("https://") {
                if let Some(tx) = found.take() {
                    let _ = tx.send(line.clone());
                }
            }
            all.push(line);
        }
        all.join("\n")
    });
    let Ok(url) = address.await else {
        let _ = child.kill();
        panic!("no address on stderr");
    };
    // The person opens it in a browser elsewhere and signs in.
    common::sign_in_in_browser(&cloud, &url).await;
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let said = said.join().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("stdout: {:?}; stderr: {said}", out.stdout));
    assert_eq!(json["ok"], true, "{json}");
    // The address came first, then that no browser opened and Keyway waits.
    assert!(said.contains("could not be opened"), "{said}");
    assert_eq!(json["claims"]["who"], "ada@contoso.com");
    let _ = std::fs::remove_dir_all(&no_openers);
}
