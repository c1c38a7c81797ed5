#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! Keyway's sign-in engine against an independent OAuth server: the npm package
//! `oidc-provider`, set up with Entra's paths (tests/peer/oidc-provider.mjs). Nothing here was
//! written to agree with Keyway, so each passing grant is evidence the protocol is right.

use keyway::auth::{AssertionAlg, ClientCertificate, Loopback, SignIn};
use keyway::cloud::{Cloud, CustomEndpoints};
use keyway::secret::ClientSecret;
use keyway::validate::TenantUse;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

struct Peer {
    child: Child,
    info: Value,
    cloud: Cloud,
    cert: ClientCertificate,
    dir: std::path::PathBuf,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn peer() -> Peer {
    let dir = std::env::temp_dir().join(format!("keyway-peer-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["keyway-peer".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let pem = dir.join("both.pem");
    std::fs::write(&pem, format!("{}{}", cert.pem(), key.serialize_pem())).unwrap();
    let cert = ClientCertificate::load(&pem, None, None, keyway::clock::now()).unwrap();
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peer/oidc-provider.mjs");
    let mut child = Command::new("node")
        .arg(script)
        .arg(&pem)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node runs");
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    // Keep reading: the peer prints notices later, and a closed pipe would stop it.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let info: Value = serde_json::from_str(&line).unwrap_or_else(|_| panic!("peer said: {line}"));
    let url = info["url"].as_str().unwrap().to_string();
    let cloud = Cloud::custom(CustomEndpoints {
        authority_host: url.clone(),
        powerbi_api: url,
        ..Default::default()
    })
    .unwrap();
    Peer {
        child,
        info,
        cloud,
        cert,
        dir,
    }
}

impl Peer {
    fn client(&self, name: &str) -> String {
        self.info["clients"][name].as_str().unwrap().to_string()
    }
    fn secret(&self) -> ClientSecret {
        ClientSecret::new(self.info["secret"].as_str().unwrap())
    }
}

fn http() -> reqwest::Client {
    keyway::http::client(None).unwrap()
}

#[tokio::test]
async fn client_secret_in_the_body_and_as_basic_auth() {
    let p = peer();
    let http = http();
    let post = SignIn::new(
        &http,
        &p.cloud,
        "contoso.onmicrosoft.com",
        &p.client("post"),
        TenantUse::App,
    )
    .unwrap();
    let token = post.client_secret(&p.secret()).await.unwrap();
    assert_eq!(
        token.claims.audience.as_deref(),
        Some("https://analysis.windows.net/powerbi/api")
    );
    assert!(token.expires_on > keyway::clock::now());

    let mut basic = SignIn::new(
        &http,
        &p.cloud,
        "contoso.onmicrosoft.com",
        &p.client("basic"),
        TenantUse::App,
    )
    .unwrap();
    basic.secret_in_header = true;
    basic.client_secret(&p.secret()).await.unwrap();
    // A wrong secret sent as Basic is refused in the standard shape.
    let refused = basic
        .client_secret(&ClientSecret::new("Peer8Q~wrong.secret-value_0123456789"))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "OAUTH_INVALID_CLIENT", "{refused:?}");
}

#[tokio::test]
async fn certificate_assertions_ps256_and_rs256() {
    let p = peer();
    let http = http();
    let s = SignIn::new(
        &http,
        &p.cloud,
        "contoso.onmicrosoft.com",
        &p.client("jwt"),
        TenantUse::App,
    )
    .unwrap();
    for alg in [AssertionAlg::Ps256, AssertionAlg::Rs256] {
        let token = s
            .certificate(&p.cert, alg)
            .await
            .unwrap_or_else(|e| panic!("{alg:?}: {e:?}"));
        assert!(!token.access_token.expose().is_empty());
    }
}

/// The `name="…" value="…"` pairs of a page's hidden inputs.
fn hidden_inputs(page: &str) -> Vec<(String, String)> {
    page.split("<input")
        .skip(1)
        .filter_map(|tag| {
            let tag = tag.split('>').next()?;
            if !tag.contains("hidden") {
                return None;
            }
            let attr = |n: &str| {
                tag.split(&format!("{n}=\""))
                    .nth(1)
                    .and_then(|v| v.split('"').next())
                    .map(str::to_string)
            };
            Some((attr("name")?, attr("value").unwrap_or_default()))
        })
        .collect()
}

/// Answers the peer's login and consent pages until it lets go.
async fn sign_in_and_consent(browser: &reqwest::Client, mut res: reqwest::Response) -> String {
    for _ in 0..5 {
        let url = res.url().clone();
        let page = res.text().await.unwrap();
        let fields = hidden_inputs(&page);
        let prompt = fields
            .iter()
            .find(|(n, _)| n == "prompt")
            .map(|(_, v)| v.clone());
        let mut form: Vec<(String, String)> = fields;
        let mut target = url.to_string();
        match prompt.as_deref() {
            Some("login") => {
                form.push(("login".into(), "ada@contoso.com".into()));
                form.push(("password".into(), "anything".into()));
            }
            Some("consent") => {}
            // The device flow asks the person to confirm the device first.
            _ if page.contains("op.deviceConfirmForm") => {
                let action = page
                    .split("action=\"")
                    .nth(1)
                    .and_then(|a| a.split('"').next())
                    .unwrap();
                target = url.join(action).unwrap().to_string();
            }
            _ => return page,
        }
        res = browser.post(target).form(&form).send().await.unwrap();
    }
    panic!("the peer kept asking");
}

#[tokio::test]
async fn browser_sign_in_with_pkce_then_refresh_with_rotation() {
    let p = peer();
    let http = http();
    let mut s = SignIn::new(
        &http,
        &p.cloud,
        "contoso.onmicrosoft.com",
        &p.client("native"),
        TenantUse::User,
    )
    .unwrap();
    s.scopes = vec!["Workspace.Read.All".into()];
    s.loopback = Loopback {
        host: "127.0.0.1".into(),
        path: "/callback".into(),
    };
    let opener = |url: &str| {
        let url = url.to_string();
        tokio::spawn(async move {
            let browser = reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap();
            let first = browser.get(url).send().await.unwrap();
            sign_in_and_consent(&browser, first).await;
        });
        Ok(())
    };
    let token = s
        .browser(opener, Duration::from_secs(30), CancellationToken::new())
        .await
        .unwrap();
    let rt = token.refresh_token.expect("a refresh token");
    // This server keeps resource scopes per resource (RFC 8707) and refuses to have them asked
    // for again on refresh; the standard form (no scope: the one first granted) works.
    let asked_again = s.refresh(&rt).await.unwrap_err();
    assert_eq!(asked_again.code(), "OAUTH_INVALID_SCOPE", "{asked_again:?}");
    let again = s.refresh_original_scope(&rt).await.unwrap();
    let rotated = again.refresh_token.expect("a new refresh token");
    assert_ne!(rotated.expose(), rt.expose(), "rotated");
    let spent = s.refresh_original_scope(&rt).await.unwrap_err();
    assert_eq!(spent.code(), "OAUTH_INVALID_GRANT", "{spent:?}");
}

#[tokio::test]
async fn device_code_with_the_person_on_another_device() {
    let p = peer();
    let http = http();
    let mut s = SignIn::new(
        &http,
        &p.cloud,
        "contoso.onmicrosoft.com",
        &p.client("native"),
        TenantUse::User,
    )
    .unwrap();
    s.scopes = vec!["Report.Read.All".into()];
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let flow = s.device_code(
        |info| tx.send(info.clone()).unwrap(),
        |_| tokio::time::sleep(Duration::from_millis(50)),
        CancellationToken::new(),
    );
    let person = async {
        let info = rx.recv().await.unwrap();
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let page = browser.get(&info.verification_uri).send().await.unwrap();
        let url = page.url().clone();
        let mut form = hidden_inputs(&page.text().await.unwrap());
        form.push(("user_code".into(), info.user_code.clone()));
        let res = browser.post(url).form(&form).send().await.unwrap();
        let done = sign_in_and_consent(&browser, res).await;
        assert!(done.contains("Sign-in Success"), "{done}");
    };
    let (token, ()) = tokio::join!(flow, person);
    assert!(token.unwrap().refresh_token.is_some());
}
