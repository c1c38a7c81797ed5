#![allow(clippy::unwrap_used)] // Helpers of a test file: a panic is the failure report.
//! Each AADSTS error the model can produce, from a request a client could really send, in
//! Entra's shape and status.

mod common;

use fakecloud::Scenario;
use serde_json::Value;

const PBI_DEFAULT: &str = "https://analysis.windows.net/powerbi/api/.default";
const EMBED: &str = "11111111-1111-4111-8111-111111111111";
const EMBED_SECRET: &str = "Emb8Q~current.secret-value_0123456789abcdef";
const DESKTOP: &str = "33333333-3333-4333-8333-333333333333";

/// Tenant, form, expected AADSTS code, `error` value and HTTP status.
type Case = (
    &'static str,
    Vec<(&'static str, &'static str)>,
    u32,
    &'static str,
    u16,
);

#[tokio::test]
async fn every_modelled_refusal() {
    let mut scenario = Scenario::contoso();
    // A second copy of Contoso's users in a tenant behind Conditional Access.
    let mut blocked = scenario.tenants[0].clone();
    blocked.id = "0c0c0c0c-0000-4000-8000-0000000000ca".parse().unwrap();
    blocked.domains = vec!["blocked.onmicrosoft.com".into()];
    blocked.conditional_access_blocks = true;
    scenario.tenants.push(blocked);
    let (cloud, http) = common::start_with(scenario).await;

    let secret = |client: &'static str, secret: &'static str| {
        vec![
            ("grant_type", "client_credentials"),
            ("client_id", client),
            ("client_secret", secret),
            ("scope", PBI_DEFAULT),
        ]
    };
    let password = |user: &'static str, scope: &'static str| {
        vec![
            ("grant_type", "password"),
            ("client_id", DESKTOP),
            ("username", user),
            ("password", "Correct-Horse-42"),
            ("scope", scope),
        ]
    };
    let cases: Vec<Case> = vec![
        (
            "not a tenant!",
            secret(EMBED, EMBED_SECRET),
            900023,
            "invalid_request",
            400,
        ),
        (
            "nobody.onmicrosoft.com",
            secret(EMBED, EMBED_SECRET),
            90002,
            "invalid_tenant",
            400,
        ),
        (
            "contoso.onmicrosoft.com",
            secret("66666666-6666-4666-8666-666666666666", "x"),
            700016,
            "unauthorized_client",
            400,
        ),
        (
            "contoso.onmicrosoft.com",
            secret(
                "55555555-5555-4555-8555-555555555555",
                "Dis8Q~disabled.secret-value_0123456789abcdef",
            ),
            7000112,
            "unauthorized_client",
            400,
        ),
        (
            "contoso.onmicrosoft.com",
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", EMBED),
                ("scope", PBI_DEFAULT),
            ],
            7000218,
            "invalid_client",
            401,
        ),
        (
            "contoso.onmicrosoft.com",
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", EMBED),
                ("client_secret", EMBED_SECRET),
                (
                    "scope",
                    "https://analysis.windows.net/powerbi/api/Report.Read.All",
                ),
            ],
            1002012,
            "invalid_scope",
            400,
        ),
        (
            "contoso.onmicrosoft.com",
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", EMBED),
                ("client_secret", EMBED_SECRET),
                ("scope", "Report.Read.All"),
            ],
            70011,
            "invalid_scope",
            400,
        ),
        (
            "contoso.onmicrosoft.com",
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", EMBED),
                ("client_secret", EMBED_SECRET),
                ("scope", "https://not-a-resource.example/.default"),
            ],
            500011,
            "invalid_resource",
            400,
        ),
        (
            "contoso.onmicrosoft.com",
            password(
                "ada@contoso.com",
                "https://analysis.windows.net/powerbi/api/Tenant.Read.All",
            ),
            65001,
            "invalid_grant",
            400,
        ),
        (
            "blocked.onmicrosoft.com",
            password(
                "ada@contoso.com",
                "https://analysis.windows.net/powerbi/api/Workspace.Read.All",
            ),
            53003,
            "interaction_required",
            400,
        ),
        (
            "common",
            password(
                "ada@contoso.com",
                "https://analysis.windows.net/powerbi/api/Workspace.Read.All",
            ),
            9001023,
            "invalid_request",
            400,
        ),
    ];
    for (tenant, form, code, error, status) in cases {
        let res = http
            .post(format!("{}/{tenant}/oauth2/v2.0/token", cloud.https_url))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), status, "AADSTS{code}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], error, "AADSTS{code}: {body}");
        assert_eq!(body["error_codes"][0], code, "{body}");
        let description = body["error_description"].as_str().unwrap();
        assert!(
            description.starts_with(&format!("AADSTS{code}: ")),
            "{description}"
        );
        assert!(
            description.contains("\r\nTrace ID: ") && description.contains("\r\nCorrelation ID: ")
        );
        assert!(body["timestamp"].is_string() && body["trace_id"].is_string());
    }

    // A client assertion outside its time range (AADSTS700024), signed by a registered key.
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["keyway".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let der = cert.der().to_vec();
    cloud.state.scenario.write().unwrap().tenants[0].apps[0]
        .certificates
        .push(fakecloud::scenario::Certificate {
            key_id: uuid::Uuid::new_v4(),
            display_name: String::new(),
            pem: cert.pem(),
            expires: time::macros::datetime!(2099-01-01 0:00 UTC),
        });
    use base64::Engine;
    use sha2::Digest;
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::PS256);
    header.x5t_s256 =
        Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(&der)));
    let encoding = jsonwebtoken::EncodingKey::from_rsa_pem(key.serialize_pem().as_bytes()).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let aud = format!(
        "{}/contoso.onmicrosoft.com/oauth2/v2.0/token",
        cloud.https_url
    );
    let assertion = |exp: i64, jti: &str| {
        jsonwebtoken::encode(
            &header,
            &serde_json::json!({"aud": aud, "iss": EMBED, "sub": EMBED, "jti": jti,
            "nbf": exp - 600, "exp": exp}),
            &encoding,
        )
        .unwrap()
    };
    let send = |a: String| {
        http.post(format!(
            "{}/contoso.onmicrosoft.com/oauth2/v2.0/token",
            cloud.https_url
        ))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", EMBED),
            ("scope", PBI_DEFAULT),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", a.as_str()),
        ])
        .send()
    };
    let stale: Value = send(assertion(now - 3600, "a"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stale["error_codes"][0], 700024, "{stale}");
    let fresh = send(assertion(now + 600, "b")).await.unwrap();
    assert_eq!(fresh.status(), 200);
    let replay: Value = send(assertion(now + 600, "b"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        replay["error"], "invalid_client",
        "a jti works once: {replay}"
    );

    // A redirect URI that is not registered is refused on the page, not sent back (AADSTS50011).
    let page = http
        .get(format!(
            "{}/contoso.onmicrosoft.com/oauth2/v2.0/authorize",
            cloud.https_url
        ))
        .query(&[
            ("client_id", DESKTOP),
            ("response_type", "code"),
            ("redirect_uri", "https://evil.example/cb"),
            (
                "scope",
                "https://analysis.windows.net/powerbi/api/Report.Read.All",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 400);
    assert!(page.text().await.unwrap().contains("AADSTS50011"));
    cloud.stop();
}

#[tokio::test]
async fn device_code_answers_in_every_state() {
    let (cloud, http) = common::start_with(Scenario::contoso()).await;

    let base = cloud.https_url.clone();
    let start_v1 = || {
        http.post(format!("{base}/contoso.onmicrosoft.com/oauth2/devicecode"))
            .form(&[
                ("client_id", DESKTOP),
                ("resource", "https://analysis.windows.net/powerbi/api"),
            ])
            .send()
    };
    // v1: verification_url, and numbers as strings.
    let flow: Value = start_v1().await.unwrap().json().await.unwrap();
    assert_eq!(flow["expires_in"], "900");
    assert_eq!(flow["interval"], "5");
    assert!(flow["verification_url"]
        .as_str()
        .unwrap()
        .ends_with("/devicelogin"));
    let poll = |code: String, field: &'static str, grant: &'static str| {
        http.post(format!("{base}/contoso.onmicrosoft.com/oauth2/token"))
            .form(&[
                ("grant_type", grant),
                ("client_id", DESKTOP),
                (field, code.as_str()),
                ("resource", "https://analysis.windows.net/powerbi/api"),
            ])
            .send()
    };
    let code = flow["device_code"].as_str().unwrap().to_string();
    let urn = "urn:ietf:params:oauth:grant-type:device_code";
    // The `code` field (as MSAL Python also sends it) works like `device_code`.
    let pending: Value = poll(code.clone(), "code", urn)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            pending["error"].as_str(),
            pending["error_codes"][0].as_u64()
        ),
        (Some("authorization_pending"), Some(70016))
    );
    http.post(format!("{base}/_fakecloud/device/decline"))
        .json(&serde_json::json!({"user_code": flow["user_code"]}))
        .send()
        .await
        .unwrap();
    let declined: Value = poll(code, "device_code", "device_code")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(declined["error"], "authorization_declined");

    let flow: Value = start_v1().await.unwrap().json().await.unwrap();
    for f in cloud.state.device_flows.lock().unwrap().iter_mut() {
        f.expires_at = 0;
    }
    let expired: Value = poll(
        flow["device_code"].as_str().unwrap().to_string(),
        "device_code",
        urn,
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(expired["error"], "expired_token");

    // The person's page: enter the code, sign in, and the poll succeeds with a v1 body.
    let flow: Value = start_v1().await.unwrap().json().await.unwrap();
    let page = http
        .post(format!("{base}/devicelogin"))
        .form(&[("otc", flow["user_code"].as_str().unwrap())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Contoso Desktop Tool"),
        "the sign-in form names the app"
    );
    let request = format!("device:{}", flow["user_code"].as_str().unwrap());
    let done = http
        .post(format!("{base}/_signin/login"))
        .form(&[
            ("request", request.as_str()),
            ("login", "ada@contoso.com"),
            ("passwd", "Correct-Horse-42"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(done.contains("You have signed in"), "{done}");
    let token: Value = poll(
        flow["device_code"].as_str().unwrap().to_string(),
        "device_code",
        urn,
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(token["expires_in"], "3599", "{token}");
    assert!(token["refresh_token"].is_string());
    cloud.stop();
}
