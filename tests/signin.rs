#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! Every grant of the sign-in engine against fakecloud over verified HTTPS, and the failures
//! the tenant model produces, each arriving as the right typed error.

mod common;

use fakecloud::Running;
use keyway::auth::{
    AssertionAlg, AuthError, ClientCertificate, EndpointVersion, SignIn, TransportKind,
};
use keyway::cloud::{Cloud, CustomEndpoints};
use keyway::secret::{CertificatePassword, ClientSecret, Password};
use keyway::validate::TenantUse;
use serde_json::{json, Value};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const CONTOSO: &str = "contoso.onmicrosoft.com";
const EMBED: &str = "11111111-1111-4111-8111-111111111111";
const EMBED_SECRET: &str = "Emb8Q~current.secret-value_0123456789abcdef";
const DESKTOP: &str = "33333333-3333-4333-8333-333333333333";

struct World {
    cloud: Running,
    custom: Cloud,
    http: reqwest::Client,
    control: reqwest::Client,
}

async fn world() -> World {
    let (cloud, custom, http) = common::emulator().await;
    World {
        cloud,
        custom,
        http,
        control: reqwest::Client::new(),
    }
}

impl World {
    fn app(&self) -> SignIn<'_> {
        SignIn::new(&self.http, &self.custom, CONTOSO, EMBED, TenantUse::App).unwrap()
    }
    fn user(&self) -> SignIn<'_> {
        let mut s =
            SignIn::new(&self.http, &self.custom, CONTOSO, DESKTOP, TenantUse::User).unwrap();
        s.scopes = vec!["Workspace.Read.All".into()];
        s
    }
    async fn post(&self, path: &str, body: Value) -> Value {
        self.control
            .post(format!("{}/_fakecloud/{path}", self.cloud.http_url))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
    async fn requests(&self) -> Vec<Value> {
        self.control
            .get(format!("{}/_fakecloud/requests", self.cloud.http_url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

fn entra(err: &AuthError) -> &keyway::auth::EntraError {
    match err {
        AuthError::Entra(e) => e,
        other => panic!("expected an Entra error, got {other:?}"),
    }
}

#[tokio::test]
async fn client_secret_v2_and_v1() {
    let w = world().await;
    let token = w
        .app()
        .client_secret(&ClientSecret::new(EMBED_SECRET))
        .await
        .unwrap();
    assert!(token.claims.app_only);
    assert_eq!(token.claims.app_id.as_deref(), Some(EMBED));
    assert_eq!(
        token.claims.audience.as_deref(),
        Some("https://analysis.windows.net/powerbi/api")
    );
    assert!(token.expires_on > keyway::clock::now() + 3000);
    let mut v1 = w.app();
    v1.version = EndpointVersion::V1;
    let token = v1
        .client_secret(&ClientSecret::new(EMBED_SECRET))
        .await
        .unwrap();
    assert!(
        token.expires_on > keyway::clock::now() + 3000,
        "v1's string numbers are read"
    );
    // One round trip each: no discovery first.
    assert_eq!(w.requests().await.len(), 2);
    w.cloud.stop();
}

#[tokio::test]
async fn secret_problems_are_caught_or_explained() {
    let w = world().await;
    let pasted_id = w
        .app()
        .client_secret(&ClientSecret::new("5ec1d000-0000-4000-8000-000000000001"))
        .await
        .unwrap_err();
    assert_eq!(pasted_id.code(), "SECRET_IS_SECRET_ID");
    assert!(w.requests().await.is_empty(), "nothing was sent");

    let wrong = w
        .app()
        .client_secret(&ClientSecret::new(
            "Emb8Q~wrong.secret-value_0123456789abcdef",
        ))
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), "AADSTS7000215");
    let e = entra(&wrong);
    assert_eq!(e.http_status, 401);
    assert!(e.trace_id.is_some() && e.correlation_id.is_some() && e.timestamp.is_some());
    assert!(!e.message.contains("Trace ID"), "first line only");

    let expired = w
        .app()
        .client_secret(&ClientSecret::new(
            "Emb8Q~expired.secret-value_0123456789abcdef",
        ))
        .await
        .unwrap_err();
    assert_eq!(expired.code(), "AADSTS7000222");

    let common = SignIn::new(&w.http, &w.custom, "common", EMBED, TenantUse::App).unwrap_err();
    assert_eq!(common.code(), "TENANT_COMMON_FOR_APP");
    w.cloud.stop();
}

fn write_certificate(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["keyway-test".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let both = dir.join("both.pem");
    std::fs::write(&both, format!("{}{}", cert.pem(), key.serialize_pem())).unwrap();
    let only_cert = dir.join("cert.pem");
    std::fs::write(&only_cert, cert.pem()).unwrap();
    // A PFX with a password, as Windows exports it.
    let pk = p12_keystore::PrivateKey::from_der(&key.serialize_der()).unwrap();
    let c = p12_keystore::Certificate::from_der(cert.der()).unwrap();
    let mut store = p12_keystore::KeyStore::new();
    store.add_entry(
        "keyway",
        p12_keystore::KeyStoreEntry::PrivateKeyChain(p12_keystore::PrivateKeyChain::new(
            b"1".to_vec(),
            pk,
            vec![c],
        )),
    );
    let pfx = store.writer("Pfx-Pass-1").write().unwrap();
    std::fs::write(dir.join("cert.pfx"), pfx).unwrap();
    (both, only_cert, cert.pem())
}

#[tokio::test]
async fn certificate_pem_and_pfx_with_both_assertion_forms() {
    let w = world().await;
    let dir = std::env::temp_dir().join(format!("keyway-cert-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let (both, only_cert, pem) = write_certificate(&dir);
    w.post(
        &format!("tenants/{CONTOSO}/apps/{EMBED}/certificates"),
        json!({"pem": pem}),
    )
    .await;
    let now = keyway::clock::now();

    let cert = ClientCertificate::load(&both, None, None, now).unwrap();
    assert_eq!(cert.thumbprint_sha1.len(), 40);
    for alg in [AssertionAlg::Ps256, AssertionAlg::Rs256] {
        let token = w.app().certificate(&cert, alg).await.unwrap();
        assert!(token.claims.app_only);
    }
    let pfx = ClientCertificate::load(
        &dir.join("cert.pfx"),
        None,
        Some(&CertificatePassword::new("Pfx-Pass-1")),
        now,
    )
    .unwrap();
    assert_eq!(pfx.thumbprint_sha1, cert.thumbprint_sha1);
    w.app()
        .certificate(&pfx, AssertionAlg::Ps256)
        .await
        .unwrap();

    let wrong_pw = ClientCertificate::load(
        &dir.join("cert.pfx"),
        None,
        Some(&CertificatePassword::new("nope")),
        now,
    )
    .unwrap_err();
    assert!(
        wrong_pw.to_string().contains("password is not right"),
        "{wrong_pw}"
    );
    let no_key = ClientCertificate::load(&only_cert, None, None, now).unwrap_err();
    assert!(no_key.to_string().contains("no private key"), "{no_key}");
    let later = ClientCertificate::load(&both, None, None, cert.not_after + 1).unwrap_err();
    assert!(later.to_string().contains("expired"), "{later}");
    std::fs::remove_dir_all(&dir).ok();
    w.cloud.stop();
}

#[tokio::test]
async fn password_v2_v1_and_refusals() {
    let w = world().await;
    let token = w
        .user()
        .password("ada@contoso.com", &Password::new("Correct-Horse-42"))
        .await
        .unwrap();
    assert_eq!(token.claims.who.as_deref(), Some("ada@contoso.com"));
    assert_eq!(token.claims.scopes, vec!["Workspace.Read.All"]);
    let rt = token.refresh_token.expect("a refresh token");

    let mut v1 = w.user();
    v1.version = EndpointVersion::V1;
    let token = v1
        .password("ada@contoso.com", &Password::new("Correct-Horse-42"))
        .await
        .unwrap();
    assert!(!token.claims.app_only);

    let mfa = w
        .user()
        .password("grace@contoso.com", &Password::new("Correct-Horse-42"))
        .await
        .unwrap_err();
    assert_eq!(mfa.code(), "AADSTS50076");
    assert_eq!(entra(&mfa).suberror.as_deref(), Some("basic_action"));
    let bad = w
        .user()
        .password("ada@contoso.com", &Password::new("wrong"))
        .await
        .unwrap_err();
    assert_eq!(bad.code(), "AADSTS50126");
    assert_eq!(
        w.user()
            .password("CONTOSO\\ada", &Password::new("x"))
            .await
            .unwrap_err()
            .code(),
        "USERNAME_NO_AT"
    );

    // Refresh, with rotation: the old refresh token is spent.
    let fresh = w.user().refresh(&rt).await.unwrap();
    assert!(fresh.refresh_token.is_some());
    assert_eq!(
        w.user().refresh(&rt).await.unwrap_err().code(),
        "AADSTS70008"
    );
    w.cloud.stop();
}

#[tokio::test]
async fn device_code_approved_declined_and_cancelled() {
    let w = world().await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let signin = w.user();
    let flow = signin.device_code(
        |info| tx.send(info.clone()).unwrap(),
        |_| tokio::task::yield_now(), // no waiting between polls in tests
        CancellationToken::new(),
    );
    let person = async {
        let info = rx.recv().await.unwrap();
        assert!(info.verification_uri.ends_with("/devicelogin"));
        assert_eq!(info.user_code.len(), 9);
        assert!(info
            .message
            .as_deref()
            .unwrap_or_default()
            .contains(&info.user_code));
        tokio::time::sleep(Duration::from_millis(100)).await;
        w.post(
            "device/approve",
            json!({"user_code": info.user_code, "upn": "ada@contoso.com"}),
        )
        .await;
    };
    let (token, ()) = tokio::join!(flow, person);
    assert_eq!(
        token.unwrap().claims.who.as_deref(),
        Some("ada@contoso.com")
    );
    let polls = w
        .requests()
        .await
        .into_iter()
        .filter(|r| r["path"].as_str().unwrap().ends_with("/token"))
        .count();
    assert!(polls >= 2, "it polled while pending ({polls})");

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let flow = signin.device_code(
        |info| tx.send(info.clone()).unwrap(),
        |_| tokio::task::yield_now(),
        CancellationToken::new(),
    );
    let person = async {
        let info = rx.recv().await.unwrap();
        w.post("device/decline", json!({"user_code": info.user_code}))
            .await;
    };
    let (declined, ()) = tokio::join!(flow, person);
    assert_eq!(declined.unwrap_err().code(), "SIGN_IN_DECLINED");

    let cancel = CancellationToken::new();
    let flow = signin.device_code(
        |_| {},
        |_| tokio::time::sleep(Duration::from_millis(20)),
        cancel.clone(),
    );
    let stopper = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        cancel.cancel();
    };
    let (cancelled, ()) = tokio::join!(flow, stopper);
    assert_eq!(cancelled.unwrap_err().code(), "SIGN_IN_CANCELLED");
    w.cloud.stop();
}

/// Plays the person in the browser: open the page, sign in, follow the redirect home.
fn person_in_browser(
    base: String,
    ca: String,
    user: &'static str,
    tamper_state: bool,
) -> impl FnOnce(&str) -> std::io::Result<()> {
    move |url: &str| {
        let url = url.to_string();
        tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .tls_certs_only([reqwest::Certificate::from_pem(ca.as_bytes()).unwrap()])
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let page = http.get(&url).send().await.unwrap().text().await.unwrap();
            let request = page
                .split("name=\"request\" value=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_string();
            let res = http
                .post(format!("{base}/_signin/login"))
                .form(&[
                    ("request", request.as_str()),
                    ("login", user),
                    ("passwd", "Correct-Horse-42"),
                ])
                .send()
                .await
                .unwrap();
            let home = res.headers()["location"].to_str().unwrap().to_string();
            let plain = reqwest::Client::new();
            if tamper_state {
                // Any program on this computer can call the loopback address: a wrong `state`
                // is answered with an error page and ignored, and the sign-in waits on.
                let forged = plain
                    .get(home.replace("state=", "state=forged"))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(forged.status(), 400);
                let page = forged.text().await.unwrap();
                assert!(page.contains("not the one Keyway is waiting for"), "{page}");
            }
            let _ = plain.get(home).send().await;
        });
        Ok(())
    }
}

#[tokio::test]
async fn browser_sign_in_with_pkce_and_a_checked_state() {
    let w = world().await;
    let signin = w.user();
    let token = signin
        .browser(
            person_in_browser(
                w.cloud.https_url.clone(),
                w.cloud.ca_pem.clone(),
                "ada@contoso.com",
                false,
            ),
            Duration::from_secs(20),
            CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(token.claims.who.as_deref(), Some("ada@contoso.com"));
    assert!(token.refresh_token.is_some());
    let log = w.requests().await;
    let exchange = log
        .iter()
        .find(|r| r["grant_type"] == "authorization_code")
        .unwrap();
    assert!(exchange["form_keys"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k == "code_verifier"));

    let after_forged = signin
        .browser(
            person_in_browser(
                w.cloud.https_url.clone(),
                w.cloud.ca_pem.clone(),
                "ada@contoso.com",
                true,
            ),
            Duration::from_secs(20),
            CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(after_forged.claims.who.as_deref(), Some("ada@contoso.com"));

    let closed = signin
        .browser(
            |_| Ok(()),
            Duration::from_millis(300),
            CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(closed.code(), "SIGN_IN_EXPIRED", "nobody came back");
    // No browser here: the person opens the address shown on another one, and it still works.
    let by_hand = person_in_browser(
        w.cloud.https_url.clone(),
        w.cloud.ca_pem.clone(),
        "ada@contoso.com",
        false,
    );
    let no_browser = signin
        .browser(
            |url: &str| {
                by_hand(url)?;
                Err(std::io::Error::other("no display"))
            },
            Duration::from_secs(20),
            CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(no_browser.claims.who.as_deref(), Some("ada@contoso.com"));
    w.cloud.stop();
}

#[tokio::test]
async fn only_microsoft_sign_in_pages_are_opened() {
    let http = reqwest::Client::new();
    let public = Cloud::builtin(keyway::CloudId::Public).unwrap();
    let s = SignIn::new(&http, &public, CONTOSO, DESKTOP, TenantUse::User).unwrap();
    assert!(s.may_open(
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?x=1"
    ));
    assert!(!s.may_open("http://login.microsoftonline.com/x"));
    assert!(!s.may_open("https://login.microsoftonline.com.evil.example/x"));
    assert!(
        !s.may_open("https://login.microsoftonline.us/x"),
        "another cloud's host"
    );
    assert!(!s.may_open("file:///etc/passwd"));
}

#[tokio::test]
async fn network_failures_are_classified() {
    let w = world().await;
    // TLS: a client that does not trust the test CA.
    let untrusting = keyway::http::client(None).unwrap();
    let s = SignIn::new(&untrusting, &w.custom, CONTOSO, EMBED, TenantUse::App).unwrap();
    let tls = s
        .client_secret(&ClientSecret::new(EMBED_SECRET))
        .await
        .unwrap_err();
    assert!(
        matches!(
            tls,
            AuthError::Transport {
                kind: TransportKind::TlsUnknownIssuer,
                ..
            }
        ),
        "{tls:?}"
    );
    let ctx = keyway::diagnose::Context::new(&w.custom, CONTOSO, EMBED);
    let x = keyway::diagnose::explain_auth_error(&tls, &ctx);
    assert_eq!(x.code, "TRANSPORT_TLS_UNKNOWN_ISSUER");
    assert!(x
        .fix
        .iter()
        .any(|f| f.contains("KEYWAY_CA_CERT") && f.contains("--ca-cert")));

    // TLS: a trusted certificate, but for 127.0.0.1 and localhost, reached by another name.
    let https = reqwest::Url::parse(&w.cloud.https_url).unwrap();
    let port = https.port().unwrap();
    let other_name = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(w.cloud.ca_pem.as_bytes()).unwrap()])
        .resolve("login.keyway-test.example", ([127, 0, 0, 1], port).into())
        .build()
        .unwrap();
    let renamed = Cloud::custom(CustomEndpoints {
        authority_host: format!("https://login.keyway-test.example:{port}"),
        powerbi_api: format!("https://login.keyway-test.example:{port}"),
        ..Default::default()
    })
    .unwrap();
    let s = SignIn::new(&other_name, &renamed, CONTOSO, EMBED, TenantUse::App).unwrap();
    let name = s
        .client_secret(&ClientSecret::new(EMBED_SECRET))
        .await
        .unwrap_err();
    assert_eq!(name.code(), "TRANSPORT_TLS_NAME", "{name:?}");
    let x = keyway::diagnose::explain_auth_error(&name, &ctx);
    assert_eq!(
        (x.code.as_str(), x.recognized),
        ("TRANSPORT_TLS_NAME", true)
    );

    // Refused: nothing listens.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let nowhere = Cloud::custom(CustomEndpoints {
        authority_host: format!("http://127.0.0.1:{closed}"),
        powerbi_api: format!("http://127.0.0.1:{closed}"),
        ..Default::default()
    })
    .unwrap();
    let s = SignIn::new(&w.http, &nowhere, CONTOSO, EMBED, TenantUse::App).unwrap();
    assert_eq!(
        s.client_secret(&ClientSecret::new(EMBED_SECRET))
            .await
            .unwrap_err()
            .code(),
        "TRANSPORT_REFUSED"
    );

    // DNS: a name that cannot exist (RFC 6761 reserves .invalid).
    let unknown = Cloud::custom(CustomEndpoints {
        authority_host: "https://login.keyway-test.invalid".into(),
        powerbi_api: "https://api.keyway-test.invalid".into(),
        ..Default::default()
    })
    .unwrap();
    let s = SignIn::new(&w.http, &unknown, CONTOSO, EMBED, TenantUse::App).unwrap();
    let dns = s
        .client_secret(&ClientSecret::new(EMBED_SECRET))
        .await
        .unwrap_err();
    assert_eq!(dns.code(), "TRANSPORT_DNS", "{dns:?}");

    // Timeout: the token endpoint hangs longer than the client waits.
    w.post(
        "faults",
        json!({"path": "/contoso.onmicrosoft.com/oauth2", "kind": "hang", "ms": 3000, "times": 1}),
    )
    .await;
    let impatient = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(w.cloud.ca_pem.as_bytes()).unwrap()])
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let s = SignIn::new(&impatient, &w.custom, CONTOSO, EMBED, TenantUse::App).unwrap();
    assert_eq!(
        s.client_secret(&ClientSecret::new(EMBED_SECRET))
            .await
            .unwrap_err()
            .code(),
        "TRANSPORT_TIMEOUT"
    );

    // Not JSON: a proxy's page, or a broken answer.
    w.post(
        "faults",
        json!({"path": "/contoso.onmicrosoft.com/oauth2", "kind": "malformed", "times": 1}),
    )
    .await;
    assert_eq!(
        w.app()
            .client_secret(&ClientSecret::new(EMBED_SECRET))
            .await
            .unwrap_err()
            .code(),
        "UNEXPECTED_RESPONSE"
    );
    w.cloud.stop();
}

#[tokio::test]
async fn device_code_slows_down_when_asked_and_stops_when_the_code_expires() {
    let w = world().await;
    let signin = w.user();
    w.post("device/settings", json!({"interval": 1, "slow_down": 2}))
        .await;
    let waits = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = waits.clone();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let flow = signin.device_code(
        |info| tx.send(info.clone()).unwrap(),
        move |d| {
            seen.lock().unwrap().push(d);
            tokio::task::yield_now()
        },
        CancellationToken::new(),
    );
    let person = async {
        let info = rx.recv().await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
        w.post(
            "device/approve",
            json!({"user_code": info.user_code, "upn": "ada@contoso.com"}),
        )
        .await;
    };
    let (token, ()) = tokio::join!(flow, person);
    token.unwrap();
    let waits = waits.lock().unwrap().clone();
    // The server's 1 s interval, plus 5 s for each slow_down (RFC 8628 §3.5).
    assert_eq!(
        waits[..2],
        [Duration::from_secs(6), Duration::from_secs(11)],
        "{waits:?}"
    );

    // The person never comes: the code expires on the server.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let cloud_state = w.cloud.state.clone();
    let flow = signin.device_code(
        move |_| tx.send(()).unwrap(),
        |_| tokio::time::sleep(Duration::from_millis(20)),
        CancellationToken::new(),
    );
    let clock = async {
        rx.recv().await.unwrap();
        for f in cloud_state.device_flows.lock().unwrap().iter_mut() {
            f.expires_at = 0;
        }
    };
    let (expired, ()) = tokio::join!(flow, clock);
    assert_eq!(expired.unwrap_err().code(), "SIGN_IN_EXPIRED");
    w.cloud.stop();
}

#[tokio::test]
async fn secret_expiry_comes_from_graph_without_the_values() {
    let w = world().await;
    let mut admin = SignIn::new(&w.http, &w.custom, CONTOSO, DESKTOP, TenantUse::User).unwrap();
    // A Graph token for an administrator: the same sign-in, another resource.
    let mut graph_cloud = w.custom.clone();
    graph_cloud.powerbi_resource = graph_cloud.graph_resource.clone();
    admin.cloud = &graph_cloud;
    admin.scopes = vec!["Application.ReadWrite.All".into()];
    let token = admin
        .password("ada@contoso.com", &Password::new("Correct-Horse-42"))
        .await
        .unwrap();
    let secrets = keyway::graph::app_secrets(&w.http, &w.custom, &token.access_token, EMBED)
        .await
        .unwrap();
    assert_eq!(secrets.len(), 2);
    assert_eq!(
        secrets[0].expiry_date(),
        "2024-06-30",
        "the expired one first"
    );
    assert_eq!(secrets[0].key_id, "5ec1d000-0000-4000-8000-000000000002");
    assert_eq!(secrets[1].hint.as_deref(), Some("Emb"));
    assert!(
        !format!("{secrets:?}").contains("secret-value"),
        "never the value"
    );
    w.cloud.stop();
}

/// A tenant's discovery document names its cloud: a GCC High tenant is found as GCC High, and
/// "Public" chosen for it is said before anything is sent, with the right cloud offered.
#[tokio::test(flavor = "multi_thread")]
async fn the_tenants_cloud_is_read_from_its_discovery_document() {
    let mut scenario = fakecloud::Scenario::contoso();
    scenario.tenants[1].cloud_instance = "microsoftonline.us".into();
    scenario.tenants[1].region_sub_scope = Some("DODCON".into());
    let (cloud, custom, http) = common::emulator_with(scenario).await;
    let contoso = keyway::cloud::tenant_cloud(&http, &custom, "contoso.onmicrosoft.com").await;
    assert_eq!(contoso, Some(keyway::cloud::CloudId::Public));
    let fabrikam = keyway::cloud::tenant_cloud(&http, &custom, "fabrikam.onmicrosoft.com").await;
    assert_eq!(fabrikam, Some(keyway::cloud::CloudId::GccHigh));
    let unknown = keyway::cloud::tenant_cloud(&http, &custom, "nobody.onmicrosoft.com").await;
    assert_eq!(
        unknown, None,
        "an unknown tenant is left to the sign-in to explain"
    );
    let x = keyway::diagnose::wrong_cloud(keyway::cloud::CloudId::Public, fabrikam.unwrap());
    let x = x.unwrap();
    assert_eq!(x.code, "CLOUD_MISMATCH");
    assert_eq!(x.instead.as_deref(), Some("cloud:gcchigh"));
    cloud.stop();
}
