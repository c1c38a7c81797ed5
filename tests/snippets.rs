//! The usage snippets hold values from a custom cloud, a preset and a form. These tests feed
//! hostile values in and RUN the bash and Python snippets against stubs (a fake `curl` and `jq`
//! first on PATH; fake `msal` and `requests` modules on PYTHONPATH): nothing in a value may run,
//! and each value must reach the stub verbatim, as data.

use keyway::cloud::{Cloud, CustomEndpoints};
use keyway::goal::Method;
use keyway::snippets::for_draft;
use keyway::wizard::Draft;
use keyway::CloudId;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Breaks out of a double-quoted or unquoted bash word, a bash single-quoted word, a Python
/// string (either quote), a PowerShell string (plain or typographic quotes), and a line.
const HOSTILE: &str = "x$(touch pwned-dollar)`touch pwned-tick`'; touch pwned-quote; '\
                       \"+__import__('os').system('touch pwned-py')+\"\
                       '+__import__('os').system('touch pwned-py1')+'\
                       \u{2019}+(New-Item pwned-ps)+\u{2019}\\\n; touch pwned-line #";
/// No single quote: a `.env` file can hold it, in single quotes.
const HOSTILE_ENV: &str = "$(touch pwned-env) `touch pwned-env2` \"; touch pwned-env3";
/// A path WHATWG keeps as typed (`$`, `(`, `)` and `'` are not percent-encoded in a path), so a
/// custom cloud's checked address can still carry it.
const API: &str = "https://api.example.invalid/$(touch$IFS'pwned-url')";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("keyway-snippets-{name}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn hostile_cloud() -> Cloud {
    let cloud = Cloud::custom(CustomEndpoints {
        authority_host: "https://login.example.invalid".into(),
        powerbi_api: API.into(),
        // The resource is an identifier, not an address Keyway calls: only trimmed, never parsed.
        powerbi_resource: Some(format!("api://{HOSTILE}")),
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cloud.powerbi_api, API, "the checked address keeps its text");
    cloud
}

fn hostile_draft(method: Method) -> Draft {
    Draft {
        cloud: CloudId::Custom,
        tenant: HOSTILE.into(),
        client_id: HOSTILE.into(),
        method: Some(method),
        workspace: Some(HOSTILE_ENV.into()),
        ..Draft::default()
    }
}

fn snippet(method: Method, id: &str) -> String {
    for_draft(&hostile_draft(method), &hostile_cloud())
        .into_iter()
        .find(|s| s.id == id)
        .map(|s| s.text)
        .unwrap_or_else(|| panic!("no {id} snippet"))
}

/// The values as the person meant them, which the stubs must receive verbatim.
fn expected() -> Vec<String> {
    let cloud = hostile_cloud();
    let authority = format!("https://login.example.invalid/{HOSTILE}");
    vec![
        HOSTILE.to_string(),
        authority.clone(),
        format!("{authority}/oauth2/v2.0/token"),
        cloud.powerbi_default_scope(),
        format!("{API}/v1.0/myorg/groups"),
    ]
}

fn no_marker(dir: &Path) {
    let made: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.contains("pwned"))
        .collect();
    assert!(made.is_empty(), "a snippet ran a value as code: {made:?}");
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every string in the JSON lines a stub logged.
fn logged_strings(log: &Path) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let text = std::fs::read_to_string(log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
    let mut out = vec![];
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        walk(&v, &mut out);
    }
    out
}

const CURL_STUB: &str = "#!/usr/bin/env python3
import json, os, sys
with open(os.environ['STUB_LOG'], 'a') as f:
    f.write(json.dumps(sys.argv[1:]) + '\\n')
print(json.dumps({'access_token': 't'}))
";

const JQ_STUB: &str = "#!/bin/sh
cat >/dev/null
echo t
";

#[test]
fn the_bash_snippet_passes_hostile_values_to_curl_as_data() {
    let dir = scratch("bash");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap_or_else(|e| panic!("{e}"));
    for (name, text) in [("curl", CURL_STUB), ("jq", JQ_STUB)] {
        let path = bin.join(name);
        write(&path, text);
        run(Command::new("chmod").arg("+x").arg(&path));
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for method in [Method::ClientSecret, Method::DeviceCode] {
        let script = dir.join("snippet.sh");
        write(&script, &snippet(method, "curl"));
        run(Command::new("bash").arg("-n").arg(&script));
        let log = dir.join(format!("curl-{method:?}.log"));
        run(Command::new("bash")
            .arg(&script)
            .current_dir(&dir)
            .env("PATH", &path)
            .env("STUB_LOG", &log)
            .env("POWERBI_CLIENT_SECRET", "s3cret")
            .env("TOKEN", "t"));
        no_marker(&dir);
        let args = logged_strings(&log);
        let groups = format!("{API}/v1.0/myorg/groups");
        assert!(args.contains(&groups), "{method:?}: {args:?}");
        if method == Method::ClientSecret {
            let [_, authority, token_url, scope, _] = &expected()[..] else {
                unreachable!()
            };
            assert!(authority.contains(HOSTILE));
            assert!(args.contains(token_url), "{args:?}");
            assert!(args.contains(&format!("client_id={HOSTILE}")), "{args:?}");
            assert!(args.contains(&format!("scope={scope}")), "{args:?}");
            assert!(
                args.contains(&"client_secret=s3cret".to_string()),
                "{args:?}"
            );
        }
    }
    // A payload that is valid bash on its own (in an ordinary cloud, with an ordinary app),
    // so that only quoting can keep it from running.
    let simple = Draft {
        tenant: "contoso$(touch pwned-simple)".into(),
        client_id: "11111111-1111-4111-8111-111111111111".into(),
        method: Some(Method::ClientSecret),
        ..Draft::default()
    };
    let public = Cloud::builtin(CloudId::Public).unwrap_or_else(|| unreachable!());
    let text = for_draft(&simple, &public)
        .into_iter()
        .find(|s| s.id == "curl")
        .map(|s| s.text)
        .unwrap_or_default();
    let script = dir.join("simple.sh");
    write(&script, &text);
    let log = dir.join("curl-simple.log");
    run(Command::new("bash")
        .arg(&script)
        .current_dir(&dir)
        .env("PATH", &path)
        .env("STUB_LOG", &log));
    no_marker(&dir);
    let token_url =
        "https://login.microsoftonline.com/contoso$(touch pwned-simple)/oauth2/v2.0/token";
    assert!(logged_strings(&log).contains(&token_url.to_string()));
    let _ = std::fs::remove_dir_all(&dir);
}

const MSAL_STUB: &str = "import json, os
def _log(*args, **kwargs):
    with open(os.environ['STUB_LOG'], 'a') as f:
        f.write(json.dumps({'args': args, 'kwargs': kwargs}, default=str) + '\\n')
class ConfidentialClientApplication:
    def __init__(self, *args, **kwargs):
        _log(*args, **kwargs)
    def acquire_token_for_client(self, scopes):
        _log(scopes=scopes)
        return {'access_token': 't'}
class PublicClientApplication(ConfidentialClientApplication):
    def initiate_device_flow(self, scopes):
        _log(scopes=scopes)
        return {'message': 'stub'}
    def acquire_token_by_device_flow(self, flow):
        return {'access_token': 't'}
";

const REQUESTS_STUB: &str = "from msal import _log
class _Answer:
    def json(self):
        return {}
def get(url, headers=None):
    _log(url)
    return _Answer()
";

#[test]
fn the_python_snippet_compiles_and_passes_hostile_values_as_data() {
    let dir = scratch("python");
    let stubs = dir.join("stubs");
    std::fs::create_dir_all(&stubs).unwrap_or_else(|e| panic!("{e}"));
    write(&stubs.join("msal.py"), MSAL_STUB);
    write(&stubs.join("requests.py"), REQUESTS_STUB);
    write(&dir.join("key.pem"), "key");
    write(&dir.join("cert.pem"), "cert");
    for method in [
        Method::ClientSecret,
        Method::Certificate,
        Method::DeviceCode,
    ] {
        let script = dir.join("snippet.py");
        write(&script, &snippet(method, "python"));
        run(Command::new("python3")
            .arg("-c")
            .arg("import sys; compile(open(sys.argv[1], encoding='utf-8').read(), 's', 'exec')")
            .arg(&script));
        let log = dir.join(format!("py-{method:?}.log"));
        run(Command::new("python3")
            .arg(&script)
            .current_dir(&dir)
            .env("PYTHONPATH", &stubs)
            .env("PYTHONIOENCODING", "utf-8")
            .env("STUB_LOG", &log)
            .env("POWERBI_CLIENT_SECRET", "s3cret"));
        no_marker(&dir);
        let got = logged_strings(&log);
        for want in expected() {
            if want.ends_with("/token") {
                continue; // MSAL builds the token address itself.
            }
            assert!(got.contains(&want), "{method:?}: {want:?} not in {got:?}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_env_file_holds_values_literally_or_leaves_them_out() {
    let dir = scratch("env");
    let text = snippet(Method::ClientSecret, "env");
    // A value with a single quote can't be written safely: it is left out, with a note.
    assert!(text.contains("# POWERBI_TENANT_ID is left out"), "{text}");
    assert!(
        !text.lines().any(|l| l.starts_with("POWERBI_TENANT_ID=")),
        "{text}"
    );
    let file = dir.join("keyway.env");
    write(&file, &text);
    // `set -a; . file` is how a shell reads a .env file; the values must come out as written.
    let out = run(Command::new("bash")
        .arg("-c")
        .arg("set -a; . ./keyway.env; printf '%s' \"$POWERBI_WORKSPACE_ID\"")
        .current_dir(&dir));
    assert_eq!(out, HOSTILE_ENV);
    no_marker(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn postman_carries_hostile_values_verbatim() {
    let text = snippet(Method::ClientSecret, "postman");
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let values: Vec<&str> = v["values"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["value"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(values[0], HOSTILE);
    assert_eq!(values[1], HOSTILE);
    assert_eq!(v["name"], format!("Power BI ({HOSTILE})"));
}

/// PowerShell is not installed where these tests run; the quoting itself is unit-tested in
/// `src/snippets/quote.rs`. Here: each value appears only as one verbatim literal.
#[test]
fn powershell_values_are_verbatim_literals() {
    let literal = |v: &str| {
        let mut out = String::from("'");
        for c in v.chars() {
            if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
                out.push(c);
            }
            out.push(c);
        }
        out + "'"
    };
    let text = snippet(Method::ClientSecret, "powershell");
    assert!(
        text.contains(&format!("-Tenant {} ", literal(HOSTILE))),
        "{text}"
    );
    assert!(
        text.contains(&format!("PSCredential({}, ", literal(HOSTILE))),
        "{text}"
    );
    let text = snippet(Method::Certificate, "powershell");
    assert!(
        text.contains(&format!("-ApplicationId {} ", literal(HOSTILE))),
        "{text}"
    );
    if which("pwsh") {
        // Where PowerShell exists, its own parser must find no error in the snippet.
        let dir = scratch("pwsh");
        let file = dir.join("snippet.ps1");
        write(&file, &text);
        let out = run(Command::new("pwsh")
            .arg("-NoProfile")
            .arg("-Command")
            .arg(format!(
                "$e = $null; $null = [System.Management.Automation.Language.Parser]::ParseFile(\
             '{}', [ref]$null, [ref]$e); $e.Count",
                file.display()
            )));
        assert_eq!(out.trim(), "0", "{text}");
        no_marker(&dir);
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        eprintln!("pwsh is not installed: the PowerShell snippet is not parsed here");
    }
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
        .unwrap_or(false)
}
