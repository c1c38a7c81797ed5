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
