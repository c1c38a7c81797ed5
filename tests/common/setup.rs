//! What the "set it up for me" tests share: the administrator's device-code sign-in, a request,
//! and Keyway's session with fakecloud as a custom cloud.

use keyway::setup::{Admin, Change, Credential, NewCredential, Request};
use keyway::wizard::{Draft, Session};
use keyway::Goal;
use std::sync::Mutex;
use tokio_util::sync::CancellationToken;

pub const CONTOSO: &str = "contoso.onmicrosoft.com";
pub const AZURE_CLI: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
/// The Sales workspace of the contoso scenario.
pub const SALES: &str = "f0f0f0f0-1111-4111-8111-000000000001";

/// Ada, an administrator, signed in with a device code.
pub async fn administrator(cloud: &fakecloud::Running, custom: &keyway::Cloud) -> Admin {
    administrator_as(cloud, custom, "ada@contoso.com").await
}

/// An administrator (or someone who is not one) signed in with a device code as `upn`.
pub async fn administrator_as(
    cloud: &fakecloud::Running,
    custom: &keyway::Cloud,
    upn: &str,
) -> Admin {
    try_administrator_as(cloud, custom, upn).await.unwrap()
}

/// The same sign-in, its refusal kept.
pub async fn try_administrator_as(
    cloud: &fakecloud::Running,
    custom: &keyway::Cloud,
    upn: &str,
) -> Result<Admin, keyway::diagnose::Explanation> {
    let http = keyway::http::client(Some(cloud.ca_pem.as_bytes())).unwrap();
    let codes = Mutex::new(vec![]);
    let shown =
        |i: &keyway::auth::device::DeviceCodeInfo| codes.lock().unwrap().push(i.user_code.clone());
    // Signed in at the person's own organisation, named by the domain of their address.
    let tenant = upn.split('@').nth(1).unwrap_or(CONTOSO);
    let signed = Admin::sign_in(
        &http,
        custom,
        tenant,
        AZURE_CLI,
        shown,
        CancellationToken::new(),
    );
    let (admin, ()) = tokio::join!(signed, super::approve_device_code_as(cloud, &codes, upn));
    admin
}

pub fn request() -> Request {
    Request {
        app_name: "Contoso's embed app".into(),
        group: keyway::setup::DEFAULT_GROUP.into(),
        workspace: Some(SALES.into()),
        new_workspace: None,
        role: "Member".into(),
        secret_months: 6,
        credential: Credential::Secret,
        goal: Goal::Embed,
        scopes: vec![],
        expressions: false,
    }
}

pub fn secret(applied: &keyway::setup::Applied) -> &keyway::secret::ClientSecret {
    match applied.credential.as_ref().expect("a credential") {
        NewCredential::Secret(s) => s,
        other => panic!("not a secret: {other:?}"),
    }
}

/// Keyway's session with fakecloud as a custom cloud, for Contoso.
pub fn session_for(cloud: &fakecloud::Running, custom: &keyway::Cloud) -> (Session, Draft) {
    session_at(cloud, custom, CONTOSO)
}

/// The same, for `tenant`.
pub fn session_at(
    cloud: &fakecloud::Running,
    custom: &keyway::Cloud,
    tenant: &str,
) -> (Session, Draft) {
    let session = Session::new(Some(cloud.ca_pem.as_bytes())).unwrap();
    let endpoints = keyway::cloud::CustomEndpoints {
        authority_host: custom.authority_host.clone(),
        powerbi_api: custom.powerbi_api.clone(),
        fabric_api: custom.fabric_api.clone(),
        ..Default::default()
    };
    session.trust_custom_cloud(endpoints.clone()).unwrap();
    let draft = Draft {
        cloud: keyway::cloud::CloudId::Custom,
        custom: Some(endpoints),
        tenant: tenant.into(),
        ..Draft::default()
    };
    (session, draft)
}

pub fn changes(steps: &[keyway::setup::Step]) -> Vec<(&str, Change)> {
    steps.iter().map(|s| (s.id, s.change)).collect()
}

/// Keyway's session signed in as the new app with its new secret, for `goal`.
pub async fn signed_in_app(
    cloud: &fakecloud::Running,
    custom: &keyway::Cloud,
    applied: &keyway::setup::Applied,
    goal: Goal,
) -> (Session, Draft) {
    let (session, mut draft) = session_for(cloud, custom);
    session
        .remember(
            keyway::wizard::Typed::ClientSecret,
            secret(applied).expose(),
        )
        .unwrap();
    draft.client_id = applied.client_id.clone();
    draft.method = Some(keyway::Method::ClientSecret);
    draft.goal = Some(goal);
    let who = session
        .sign_in(draft.clone(), |_| {}, |_: &str| Ok(()))
        .await
        .unwrap();
    assert!(who.app_only, "signed in as the app itself");
    (session, draft)
}

/// A person signs in to `draft`'s app in the browser: the session opens fakecloud's sign-in page
/// and `upn` signs in there.
pub async fn person_signs_in(
    cloud: &fakecloud::Running,
    session: &Session,
    draft: Draft,
    upn: &str,
) -> Result<keyway::wizard::TokenSummary, keyway::diagnose::Explanation> {
    let opened = Mutex::new(None::<String>);
    let signing = session.sign_in(
        draft,
        |_: keyway::wizard::SignInEvent| {},
        |url: &str| {
            *opened.lock().unwrap() = Some(url.to_string());
            Ok(())
        },
    );
    let person = async {
        for _ in 0..200 {
            let url = opened.lock().unwrap().clone();
            if let Some(url) = url {
                return super::sign_in_in_browser_as(cloud, &url, upn).await;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    };
    tokio::join!(signing, person).0
}
