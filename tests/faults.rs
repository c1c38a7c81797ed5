#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! The fault matrix: one table, each row a fault a person really meets, injected through
//! fakecloud's control API or the environment of the `keyway` command. Every row checks the
//! specific code and words Keyway answers with, that `profiles.json` and the keyring are
//! byte-for-byte what they were, and that the next attempt, with the fault gone, works.
//!
//! It needs the real keyring: the test command runs it inside `scripts/headless-session.sh`
//! (an Xvfb display, a session bus and an unlocked gnome-keyring) with
//! `KEYWAY_TEST_SECRET_SERVICE=1`; outside one it does nothing.

mod common;

use serde_json::{json, Value};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

const CONTOSO: &str = "contoso.onmicrosoft.com";
const EMBED: &str = "11111111-1111-4111-8111-111111111111";
const EMBED_SECRET: &str = "Emb8Q~current.secret-value_0123456789abcdef";
/// fakecloud's public client (a desktop app that signs people in).
const DESKTOP: &str = "33333333-3333-4333-8333-333333333333";
const SALES_WORKSPACE: &str = "f0f0f0f0-1111-4111-8111-000000000001";
const TOKEN_PATH: &str = "/contoso.onmicrosoft.com/oauth2";

/// What the row runs.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Action {
    /// `keyway token --profile Sales` (client secret from the keyring).
    SavedSecret,
    /// `keyway token --profile Cert` (a certificate file).
    SavedCertificate,
    /// `keyway token` with the app's details as options and the secret on standard input.
    TypedSecret,
    /// `keyway check --goal embed --workspace …`, the secret on standard input.
    Check,
    /// `keyway token --browser`; the test plays the person in the browser.
    Browser,
    /// `keyway token --device-code`; the test plays the person on the other device.
    DeviceCode,
    /// `keyway status`.
    Status,
}

/// How the fault is brought about.
#[derive(Clone)]
enum Inject {
    /// A fault for fakecloud (`POST /_fakecloud/faults`).
    Fault(Value),
    /// Environment for the `keyway` command.
    Env(&'static str, &'static str),
    /// A fault and a shorter request timeout.
    Hang,
    /// The sign-in host replaced (`{port}` is fakecloud's HTTPS port).
    Host(&'static str),
    /// No `--ca-cert`: fakecloud's authority is unknown to this computer.
    NoCa,
    /// The token endpoint's clock moved by this many seconds.
    Clock(i64),
    /// fakecloud answers `slow_down` to this many device-code polls.
    SlowDown(u32),
    /// The keyring locked, and its unlock prompt dismissed.
    LockKeyring,
    /// The loopback port set in `KEYWAY_LOOPBACK_PORT` held by another program.
    PortTaken,
    /// `profiles.json` replaced by these bytes.
    Profiles(&'static [u8]),
    /// What the person does instead of signing in.
    Person(Person),
}

/// The person's part in a browser or device-code sign-in.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Person {
    SignsIn,
    /// A local program sends a forged callback first; then the person signs in.
    ForgedCallbackFirst,
    /// Never comes back.
    WalksAway,
    Declines,
}

/// What must come back.
enum Expect {
    /// Exit status 1 with this code, and these words in the message.
    Fails(&'static str, &'static str),
    /// Exit status 0, and these words on standard error or output.
    Recovers(&'static str),
}

struct Row {
    name: &'static str,
    action: Action,
    inject: Inject,
    expect: Expect,
}

fn fault(kind: &str) -> Inject {
    Inject::Fault(json!({ "path": TOKEN_PATH, "kind": kind, "times": 1 }))
}

fn throttled(kind: &str, secs: u32, date: bool) -> Inject {
    Inject::Fault(json!({ "path": TOKEN_PATH, "kind": kind, "times": 1,
        "retry_after": secs, "retry_after_date": date }))
}

#[rustfmt::skip] // One row a line or two: the table reads as a table.
fn rows() -> Vec<Row> {
    use Action::*;
    use Expect::*;
    let row = |name, action, inject, expect| Row { name, action, inject, expect };
    let skew = "AADSTS700024";
    vec![
        row("429, Retry-After in seconds, waited out", TypedSecret, throttled("429", 1, false),
            Recovers("asked Keyway to wait")),
        row("429, Retry-After as a date, waited out", TypedSecret, throttled("429", 2, true),
            Recovers("asked Keyway to wait")),
        row("429, Retry-After in seconds, too long to wait", SavedSecret,
            throttled("429", 120, false),
            Fails("OAUTH_TEMPORARILY_UNAVAILABLE", "asked to wait 120 s")),
        row("429, Retry-After as a date, too long to wait", SavedSecret,
            throttled("429", 120, true),
            Fails("OAUTH_TEMPORARILY_UNAVAILABLE", "longer than Keyway waits")),
        row("500 from the sign-in service", SavedSecret, fault("500"),
            Fails("OAUTH_TEMPORARILY_UNAVAILABLE", "busy")),
        row("503, waited out", TypedSecret, fault("503"), Recovers("asked Keyway to wait")),
        row("no answer (timeout)", SavedSecret, Inject::Hang,
            Fails("TRANSPORT_TIMEOUT", "did not answer in time")),
        row("connection reset", SavedSecret, fault("reset"),
            Fails("TRANSPORT_CLOSED", "closed before the whole answer came")),
        row("body cut off half-way", SavedSecret, fault("truncated"),
            Fails("TRANSPORT_CLOSED", "closed before the whole answer came")),
        row("malformed JSON", SavedSecret, fault("malformed"),
            Fails("UNEXPECTED_RESPONSE", "could not be read")),
        row("an HTML error page from a proxy", SavedSecret, fault("html"),
            Fails("UNEXPECTED_RESPONSE", "502 Bad Gateway")),
        row("connection refused", TypedSecret, Inject::Host("https://127.0.0.1:1"),
            Fails("TRANSPORT_REFUSED", "refused")),
        row("unknown host", TypedSecret, Inject::Host("https://login.keyway-test.invalid"),
            Fails("TRANSPORT_DNS", "login.keyway-test.invalid could not be found")),
        row("TLS: unknown issuer", SavedSecret, Inject::NoCa,
            Fails("TRANSPORT_TLS_UNKNOWN_ISSUER", "KEYWAY_CA_CERT")),
        row("TLS: certificate for another name", TypedSecret,
            Inject::Host("https://[::ffff:127.0.0.1]:{port}"),
            Fails("TRANSPORT_TLS_NAME", "is for another name")),
        row("keyring absent (no session bus)", SavedSecret,
            Inject::Env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/keyway-bus"),
            Fails("KEYRING_NO_SESSION", "this session only")),
        row("keyring locked, unlock prompt dismissed", SavedSecret, Inject::LockKeyring,
            Fails("KEYRING_LOCKED", "Unlock your keyring")),
        row("browser opener fails", Browser, Inject::Person(Person::SignsIn),
            Recovers("could not be opened")),
        row("browser abandoned (timeout)", Browser, Inject::Person(Person::WalksAway),
            Fails("SIGN_IN_EXPIRED", "not finished in time")),
        row("wrong-state callback", Browser, Inject::Person(Person::ForgedCallbackFirst),
            Recovers("ada@contoso.com")),
        row("loopback port taken", Browser, Inject::PortTaken,
            Fails("LOOPBACK_PORT_IN_USE", "KEYWAY_LOOPBACK_PORT")),
        row("device code declined", DeviceCode, Inject::Person(Person::Declines),
            Fails("SIGN_IN_DECLINED", "AADSTS70000")),
        row("device code expired", DeviceCode, Inject::Clock(1000),
            Fails("SIGN_IN_EXPIRED", "not finished in time")),
        row("slow_down while polling", DeviceCode, Inject::SlowDown(1),
            Recovers("ada@contoso.com")),
        row("clock skew on the certificate assertion", SavedCertificate, Inject::Clock(1200),
            Fails(skew, "")),
        row("TokenExpired in the middle of the checks", Check,
            Inject::Fault(json!({ "path": "/v1.0/myorg/groups", "kind": "token-expired",
                "times": 1 })),
            Recovers("embed token")),
        row("damaged profiles.json", Status, Inject::Profiles(b"{\"version\":1,\"profiles\":[{"),
            Recovers("was kept as")),
        row("profiles.json that is not UTF-8", Status,
            Inject::Profiles(b"{\"version\":1,\"profiles\":[\xff\xfe]}"),
            Recovers("not UTF-8")),
    ]
}

struct World {
    cloud: fakecloud::Running,
    config: PathBuf,
    ca: String,
    no_openers: PathBuf,
    certificate: PathBuf,
}

impl World {
    async fn control(&self, method: reqwest::Method, path: &str, body: Value) {
        let url = format!("{}/_fakecloud/{path}", self.cloud.http_url);
        let res = reqwest::Client::new()
            .request(method, url)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
    }

    async fn reset(&self) {
        self.control(reqwest::Method::DELETE, "faults", json!({}))
            .await;
        self.control(
            reqwest::Method::POST,
            "clock",
            json!({ "offsetSeconds": 0 }),
        )
        .await;
        self.control(
            reqwest::Method::POST,
            "device/settings",
            json!({ "interval": 1, "slow_down": 0 }),
        )
        .await;
    }

    fn keyway(&self, args: &[&str], env: &[(&str, String)], stdin: &str) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_keyway"));
        cmd.args(args)
            .env("KEYWAY_CONFIG_DIR", &self.config)
            .env("KEYWAY_LOG_DIR", self.config.join("logs"))
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(if stdin.is_empty() {
                Stdio::null()
            } else {
                Stdio::piped()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    fn profiles(&self) -> Option<Vec<u8>> {
        std::fs::read(self.config.join("profiles.json")).ok()
    }
}

/// Everything the Secret Service holds for Keyway, as `secret-tool` prints it.
fn keyring() -> Vec<u8> {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "service", "keyway"])
        .output()
        .unwrap();
    assert!(out.status.success());
    // gnome-keyring lists an item's schema once it has read the collection back from disk (after
    // a lock and an unlock, say) and not before: its own bookkeeping, not a change to the item.
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with("schema = "))
        .collect::<Vec<_>>()
        .join("\n")
        .into_bytes()
}

fn secret_service() -> zbus::blocking::Connection {
    zbus::blocking::Connection::session().unwrap()
}

const LOGIN: &str = "/org/freedesktop/secrets/collection/login";

fn lock_keyring() {
    let coll = zbus::zvariant::ObjectPath::try_from(LOGIN).unwrap();
    secret_service()
        .call_method(
            Some("org.freedesktop.secrets"),
            "/org/freedesktop/secrets",
            Some("org.freedesktop.Secret.Service"),
            "Lock",
            &(vec![coll],),
        )
        .unwrap();
}

/// Unlocks with the session's password (`scripts/headless-session.sh`), as gnome-keyring's own
/// unlock dialog would.
fn unlock_keyring() {
    let c = secret_service();
    let reply = c
        .call_method(
            Some("org.freedesktop.secrets"),
            "/org/freedesktop/secrets",
            Some("org.freedesktop.Secret.Service"),
            "OpenSession",
            &("plain", zbus::zvariant::Value::from("")),
        )
        .unwrap();
    let (_, session): (zbus::zvariant::OwnedValue, zbus::zvariant::OwnedObjectPath) =
        reply.body().deserialize().unwrap();
    let coll = zbus::zvariant::ObjectPath::try_from(LOGIN).unwrap();
    let secret = (
        session.as_ref(),
        Vec::<u8>::new(),
        b"keyway-test".to_vec(),
        "text/plain",
    );
    c.call_method(
        Some("org.freedesktop.secrets"),
        "/org/freedesktop/secrets",
        Some("org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface"),
        "UnlockWithMasterPassword",
        &(coll, secret),
    )
    .unwrap();
}

/// Dismisses gnome-keyring's unlock prompt as soon as it appears (as a person pressing Cancel).
fn dismiss_prompt() -> std::thread::JoinHandle<bool> {
    std::thread::spawn(|| {
        for _ in 0..200 {
            let killed = Command::new("pkill").args(["-f", "gcr-prompter"]).status();
            if killed.is_ok_and(|s| s.success()) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    })
}

/// Runs `keyway` as the row says, playing the person where one is needed; exit status,
/// standard output and standard error.
async fn attempt(w: &World, action: Action, inject: &Inject) -> (i32, String, String) {
    let port = reqwest::Url::parse(&w.cloud.https_url)
        .unwrap()
        .port()
        .unwrap()
        .to_string();
    let host = match inject {
        Inject::Host(h) => h.replace("{port}", &port),
        _ => w.cloud.https_url.clone(),
    };
    let mut env: Vec<(&str, String)> = vec![];
    let mut args: Vec<String> = vec![];
    let ca = || vec!["--ca-cert".to_string(), w.ca.clone()];
    let typed = |client: &str| {
        [
            "--cloud",
            "custom",
            "--authority-host",
            &host,
            "--powerbi-api",
            &host,
            "--tenant",
            CONTOSO,
            "--client-id",
            client,
        ]
        .map(String::from)
        .to_vec()
    };
    let mut stdin = String::new();
    match action {
        Action::SavedSecret => {
            args.extend(["token", "--profile", "Sales", "--json"].map(String::from))
        }
        Action::SavedCertificate => {
            args.extend(["token", "--profile", "Cert", "--json"].map(String::from))
        }
        Action::TypedSecret | Action::Check => {
            let verb = if action == Action::Check {
                "check"
            } else {
                "token"
            };
            args.push(verb.into());
            args.extend(typed(EMBED));
            args.extend(["--client-secret-stdin", "--json"].map(String::from));
            if action == Action::Check {
                args.extend(["--goal", "embed", "--workspace", SALES_WORKSPACE].map(String::from));
            }
            stdin = format!("{EMBED_SECRET}\n");
        }
        Action::Browser | Action::DeviceCode => {
            args.push("token".into());
            args.extend(typed(DESKTOP));
            let how = if action == Action::Browser {
                "--browser"
            } else {
                "--device-code"
            };
            args.extend([how, "--json"].map(String::from));
            // No browser on this machine: the address is shown, and the test is the person.
            env.push(("PATH", w.no_openers.display().to_string()));
        }
        Action::Status => args.extend(["status", "--json"].map(String::from)),
    }
    if !matches!(inject, Inject::NoCa) && action != Action::Status {
        args.extend(ca());
    }
    let mut holder = None;
    let mut dismissed = None;
    match inject {
        Inject::Fault(f) => w.control(reqwest::Method::POST, "faults", f.clone()).await,
        Inject::Hang => {
            let f = json!({ "path": TOKEN_PATH, "kind": "hang", "times": 1, "ms": 5000 });
            w.control(reqwest::Method::POST, "faults", f).await;
            env.push(("KEYWAY_HTTP_TIMEOUT", "1".into()));
        }
        Inject::Env(k, v) => env.push((k, (*v).into())),
        Inject::Clock(s) => {
            w.control(
                reqwest::Method::POST,
                "clock",
                json!({ "offsetSeconds": s }),
            )
            .await
        }
        Inject::SlowDown(n) => {
            let s = json!({ "slow_down": n });
            w.control(reqwest::Method::POST, "device/settings", s).await
        }
        Inject::LockKeyring => {
            lock_keyring();
            dismissed = Some(dismiss_prompt());
        }
        Inject::PortTaken => {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            env.push((
                "KEYWAY_LOOPBACK_PORT",
                l.local_addr().unwrap().port().to_string(),
            ));
            holder = Some(l);
        }
        Inject::Profiles(bytes) => std::fs::write(w.config.join("profiles.json"), bytes).unwrap(),
        Inject::Host(_) | Inject::NoCa | Inject::Person(_) => {}
    }
    let person = match inject {
        Inject::Person(p) => *p,
        _ => Person::SignsIn,
    };
    if person == Person::WalksAway {
        env.push(("KEYWAY_BROWSER_WAIT", "2".into()));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = w.keyway(&args, &env, &stdin).spawn().unwrap();
    if !stdin.is_empty() {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
    }
    // Standard error is read to its end on a thread, handing on the first line the person acts
    // on: the browser address, or the device code.
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let (cue_tx, cue) = tokio::sync::oneshot::channel::<String>();
    let said = std::thread::spawn(move || {
        let mut cue_tx = Some(cue_tx);
        let mut all = vec![];
        for line in stderr.lines().map_while(Result::ok) {
            let is_cue = line.starts_with("https://") || line.contains("enter the code ");
            if is_cue {
                if let Some(tx) = cue_tx.take() {
                    let _ = tx.send(line.clone());
                }
            }
            all.push(line);
        }
        all.join("\n")
    });
    if matches!(action, Action::Browser | Action::DeviceCode) {
        if let Ok(Ok(line)) = tokio::time::timeout(Duration::from_secs(20), cue).await {
            play_person(w, action, person, &line).await;
        }
    }
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    drop(holder);
    if let Some(d) = dismissed {
        assert!(d.join().unwrap(), "the unlock prompt appeared");
    }
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        said.join().unwrap(),
    )
}

/// The person's part, from the line Keyway showed them.
async fn play_person(w: &World, action: Action, person: Person, line: &str) {
    if action == Action::DeviceCode {
        let code = line
            .split("enter the code ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap()
            .to_string();
        let (path, body) = match person {
            Person::Declines => ("device/decline", json!({ "user_code": code })),
            _ => (
                "device/approve",
                json!({ "user_code": code, "upn": "ada@contoso.com" }),
            ),
        };
        w.control(reqwest::Method::POST, path, body).await;
        return;
    }
    if person == Person::WalksAway {
        return;
    }
    let url = reqwest::Url::parse(line.trim()).unwrap();
    if person == Person::ForgedCallbackFirst {
        let redirect = url
            .query_pairs()
            .find(|(k, _)| k == "redirect_uri")
            .unwrap()
            .1
            .to_string();
        let forged = reqwest::Client::new()
            .get(format!("{redirect}?code=forged&state=not-the-one"))
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), 400, "a forged callback is refused");
        let page = forged.text().await.unwrap();
        assert!(page.contains("not the one Keyway is waiting for"), "{page}");
    }
    common::sign_in_in_browser(&w.cloud, url.as_str()).await;
}

async fn world() -> World {
    let cloud = fakecloud::start(
        fakecloud::Scenario::contoso(),
        fakecloud::Options::default(),
    )
    .await
    .unwrap();
    let dir = std::env::temp_dir().join(format!("keyway-faults-{}", uuid::Uuid::new_v4()));
    let no_openers = dir.join("no-openers");
    std::fs::create_dir_all(&no_openers).unwrap();
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["keyway-faults".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let certificate = dir.join("app.pem");
    std::fs::write(
        &certificate,
        format!("{}{}", cert.pem(), key.serialize_pem()),
    )
    .unwrap();
    let w = World {
        ca: cloud.ca_path.display().to_string(),
        cloud,
        config: dir.join("config"),
        no_openers,
        certificate,
    };
    let path = format!("tenants/{CONTOSO}/apps/{EMBED}/certificates");
    w.control(reqwest::Method::POST, &path, json!({ "pem": cert.pem() }))
        .await;
    w.reset().await;
    w
}

/// Saves the two connections the rows use: one with its secret in the keyring, one with a
/// certificate file.
fn save_profiles(w: &World) {
    let url = w.cloud.https_url.as_str();
    let common = [
        "--cloud",
        "custom",
        "--authority-host",
        url,
        "--powerbi-api",
        url,
        "--tenant",
        CONTOSO,
        "--client-id",
        EMBED,
        "--goal",
        "embed",
    ];
    let cert = w.certificate.display().to_string();
    for (name, extra, stdin) in [
        (
            "Sales",
            vec!["--method", "client-secret", "--secret-stdin"],
            format!("{EMBED_SECRET}\n"),
        ),
        (
            "Cert",
            vec!["--method", "certificate", "--certificate", cert.as_str()],
            String::new(),
        ),
    ] {
        let mut args = vec!["profile", "save", name, "--replace"];
        args.extend(common);
        args.extend(extra);
        let env = [("KEYWAY_CONFIG_DIR", w.config.as_os_str())];
        let (code, out, err) = common::keyway(&args, &env, &stdin);
        assert_eq!(code, 0, "{name}: {out}{err}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_fault_is_named_leaves_nothing_changed_and_the_next_attempt_works() {
    if std::env::var_os("KEYWAY_TEST_SECRET_SERVICE").is_none() {
        return; // needs the real keyring; run by the test command inside a session
    }
    let w = world().await;
    save_profiles(&w);
    let table = rows();
    assert!(table.len() >= 24, "{} rows", table.len());
    let mut failures = vec![];
    for row in &table {
        w.reset().await;
        let good = w.profiles().expect("profiles saved");
        let kept = keyring();
        let (code, out, err) = attempt(&w, row.action, &row.inject).await;
        let said = format!("{out}\n{err}");
        let json: Value = serde_json::from_str(&out).unwrap_or(Value::Null);
        eprintln!("row {:?}: exit {code}, {}", row.name, json["error"]["code"]);
        let verdict = match &row.expect {
            Expect::Fails(want, words) => {
                let got = json["error"]["code"].as_str().unwrap_or_default();
                if code != 1 || !got.starts_with(want) || !said.contains(words) {
                    Some(format!(
                        "wanted exit 1 and {want} saying {words:?}; got {code} {got}"
                    ))
                } else {
                    None
                }
            }
            Expect::Recovers(words) => {
                let ok = json.get("ok").is_none_or(|ok| ok == true);
                (code != 0 || !ok || !said.contains(words))
                    .then(|| format!("wanted exit 0 saying {words:?}; got {code}"))
            }
        };
        if let Some(v) = verdict {
            failures.push(format!("{}: {v}\n{said}", row.name));
        }
        w.reset().await;
        if matches!(row.inject, Inject::LockKeyring) {
            unlock_keyring();
        }
        // Nothing the person had is changed: the keyring as it was, and the settings file as it
        // was (a damaged one is moved aside whole, and its bytes kept).
        let now = keyring();
        if now != kept {
            failures.push(format!(
                "{}: the keyring changed\n{}\n---\n{}",
                row.name,
                String::from_utf8_lossy(&kept),
                String::from_utf8_lossy(&now)
            ));
        }
        match row.inject {
            Inject::Profiles(bytes) => {
                let aside = std::fs::read_dir(&w.config)
                    .unwrap()
                    .filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().contains("unreadable"))
                    .map(|e| std::fs::read(e.path()).unwrap())
                    .collect::<Vec<_>>();
                if !aside.iter().any(|a| a == bytes) {
                    failures.push(format!("{}: the damaged file was not kept aside", row.name));
                }
                std::fs::write(w.config.join("profiles.json"), &good).unwrap();
            }
            _ if w.profiles().as_ref() != Some(&good) => {
                let now = String::from_utf8_lossy(&w.profiles().unwrap_or_default()).to_string();
                let was = String::from_utf8_lossy(&good).to_string();
                failures.push(format!("{}: profiles.json changed\n{was}\n{now}", row.name));
                std::fs::write(w.config.join("profiles.json"), &good).unwrap();
            }
            _ => {}
        }
        // The next attempt, with the fault gone, works.
        let (code, out, err) = attempt(&w, row.action, &Inject::Person(Person::SignsIn)).await;
        if code != 0 {
            failures.push(format!(
                "{}: the next attempt failed ({code})\n{out}{err}",
                row.name
            ));
        }
        std::fs::write(w.config.join("profiles.json"), &good).unwrap();
    }
    println!(
        "fault matrix: {} rows, {} failures",
        table.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let _ = std::fs::remove_dir_all(w.config.parent().unwrap());
    w.cloud.stop();
}
