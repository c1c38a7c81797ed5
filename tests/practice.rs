#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! The practice organisation from the command line: `keyway token --practice` and `keyway check
//! --practice` with the credentials the README documents, on a machine that reaches no Microsoft
//! host, touching neither the keyring nor the saved connections.

mod common;

/// The README's practice credentials: Contoso's working embed app.
const TENANT: &str = "contoso.onmicrosoft.com";
const CLIENT: &str = "11111111-1111-4111-8111-111111111111";
const SECRET: &str = "Emb8Q~current.secret-value_0123456789abcdef";
const SALES: &str = "f0f0f0f0-1111-4111-8111-000000000001";

fn practice(args: &[&str], stdin: &str) -> (i32, serde_json::Value, std::path::PathBuf) {
    let config = std::env::temp_dir().join(format!("keyway-practice-{}", uuid::Uuid::new_v4()));
    // No desktop session: a keyring, were it asked, could not answer.
    let no_bus = std::ffi::OsStr::new("unix:path=/nonexistent/keyway-test-bus");
    let (code, out, err) = common::keyway(
        args,
        &[
            ("KEYWAY_CONFIG_DIR", config.as_os_str()),
            ("DBUS_SESSION_BUS_ADDRESS", no_bus),
        ],
        stdin,
    );
    let json = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}\n{err}"));
    (code, json, config)
}

#[test]
fn token_and_check_work_against_the_practice_organisation() {
    let id = [
        "--tenant",
        TENANT,
        "--client-id",
        CLIENT,
        "--client-secret-stdin",
    ];
    let mut token = vec!["token", "--practice", "--json"];
    token.extend(id);
    let (code, json, config) = practice(&token, SECRET);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["claims"]["appOnly"], true, "{json}");
    assert_eq!(json["claims"]["appId"], CLIENT);
    let mut check = vec![
        "check",
        "--practice",
        "--goal",
        "embed",
        "--workspace",
        SALES,
        "--json",
    ];
    check.extend(id);
    let (code, json, _) = practice(&check, SECRET);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["ok"], true, "{json}");
    // Nothing was saved: no profile file, no connection.
    assert!(!config.join("profiles.json").exists());
}

#[test]
fn a_wrong_practice_secret_is_explained_as_a_real_one_would_be() {
    let args = [
        "token",
        "--practice",
        "--json",
        "--tenant",
        TENANT,
        "--client-id",
        CLIENT,
        "--client-secret-stdin",
    ];
    let (code, json, _) = practice(&args, "Emb8Q~not.the.right.value_0123456789abcdef");
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["error"]["code"], "AADSTS7000215", "{json}");
}

#[test]
fn practice_and_a_saved_connection_do_not_mix() {
    let args = ["token", "--practice", "--profile", "Sales", "--json"];
    let (code, _, err) = common::keyway(&args, &[], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--practice"), "{err}");
}

/// Every app secret in the README's practice table signs in as the README says: the expired one
/// is refused as expired, the others get a token.
#[test]
fn the_readmes_practice_credentials_are_the_practice_organisations() {
    let readme = include_str!("../README.md");
    let rows: Vec<Vec<&str>> = readme
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains("8Q~"))
        .map(|l| l.split('|').map(|c| c.trim().trim_matches('`')).collect())
        .collect();
    assert!(rows.len() >= 5, "{rows:?}");
    for row in rows {
        let (what, tenant, client, secret) = (row[1], row[2], row[3], row[4]);
        let args = [
            "token",
            "--practice",
            "--json",
            "--tenant",
            tenant,
            "--client-id",
            client,
            "--client-secret-stdin",
        ];
        let (code, json, _) = practice(&args, secret);
        if what.contains("expired") {
            assert_eq!(json["error"]["code"], "AADSTS7000222", "{what}: {json}");
        } else {
            assert_eq!(code, 0, "{what}: {json}");
        }
    }
}

fn practice_draft(
    p: &keyway::practice::Practice,
    client: &str,
    method: keyway::Method,
) -> keyway::wizard::Draft {
    keyway::wizard::Draft {
        goal: Some(keyway::Goal::Embed),
        cloud: keyway::cloud::CloudId::Custom,
        custom: Some(p.endpoints.clone()),
        tenant: TENANT.into(),
        client_id: client.into(),
        method: Some(method),
        ..Default::default()
    }
}

/// A red check fixed from the practice side: the app outside the allowed group fails, the
/// administrator's fix adds it, and the same checks then pass.
#[tokio::test(flavor = "multi_thread")]
async fn a_red_check_is_fixed_from_the_practice_side_and_passes_again() {
    use keyway::powerbi::ladder::{Plan, Status};
    let p = keyway::practice::Practice::start().await.unwrap();
    let session = p.session().unwrap();
    const OUTSIDE: &str = "44444444-4444-4444-8444-444444444444";
    let typed = keyway::wizard::Typed::ClientSecret;
    session
        .remember(typed, "Out8Q~outside.secret-value_0123456789abcdef")
        .unwrap();
    let draft = practice_draft(&p, OUTSIDE, keyway::Method::ClientSecret);
    session
        .sign_in(draft, |_| {}, |_: &str| Ok(()))
        .await
        .unwrap();
    let mut plan = Plan::new(keyway::Goal::Embed);
    plan.workspace = Some(SALES.into());
    let before = session.check(plan.clone(), &|_| {}).await.unwrap();
    // Power BI refuses the app: the first red check.
    let switch = before.items.iter().find(|i| i.id == "tenant-switch");
    assert_eq!(switch.unwrap().status, Status::Fail, "{}", before.to_text());
    let fix = keyway::practice::Fix::AddToGroup {
        tenant: TENANT.into(),
        client_id: OUTSIDE.into(),
    };
    let said = p.fix(&fix).unwrap();
    assert!(said.contains("Power BI API apps"), "{said}");
    let after = session.check(plan, &|_| {}).await.unwrap();
    for id in ["tenant-switch", "security-group"] {
        let item = after.items.iter().find(|i| i.id == id).unwrap();
        assert_eq!(item.status, Status::Pass, "{}", after.to_text());
    }
    p.stop();
}

/// The person on the other device, played from practice: the code shown is approved and the
/// sign-in completes as that person.
#[tokio::test(flavor = "multi_thread")]
async fn a_device_code_is_approved_from_the_practice_side() {
    let p = keyway::practice::Practice::start().await.unwrap();
    let session = p.session().unwrap();
    let desktop = "33333333-3333-4333-8333-333333333333";
    let mut draft = practice_draft(&p, desktop, keyway::Method::DeviceCode);
    draft.goal = Some(keyway::Goal::Delegated);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let signing = session.sign_in(
        draft,
        move |e| {
            if let keyway::wizard::SignInEvent::DeviceCode { info } = e {
                let _ = tx.send(info.user_code);
            }
        },
        |_: &str| Ok(()),
    );
    let person = async {
        let code = rx.recv().await.unwrap();
        let control = p.control().unwrap();
        control.answer_device_code(&code, true).await.unwrap();
    };
    let (signed, ()) = tokio::join!(signing, person);
    assert_eq!(signed.unwrap().who, keyway::practice::PERSON);
}

/// Practice talks to 127.0.0.1 only, saves only to its own folder and memory, and ending it
/// leaves nothing behind: the folder and the certificate authority's file are gone.
#[tokio::test(flavor = "multi_thread")]
async fn practice_stays_on_this_computer_and_leaves_nothing_behind() {
    let p = keyway::practice::Practice::start().await.unwrap();
    for address in p.addresses() {
        let url = url::Url::parse(&address).unwrap();
        assert_eq!(url.host_str(), Some("127.0.0.1"), "{address}");
    }
    let session = p.session().unwrap();
    let typed = keyway::wizard::Typed::ClientSecret;
    session.remember(typed, SECRET).unwrap();
    let draft = practice_draft(&p, CLIENT, keyway::Method::ClientSecret);
    session
        .sign_in(draft, |_| {}, |_: &str| Ok(()))
        .await
        .unwrap();
    let (store, vault) = (p.store(), p.vault());
    let saved = session
        .save("Practice", false, None, &store, || Ok(vault.clone()))
        .unwrap();
    assert!(store.path().exists());
    assert!(!store.path().starts_with(keyway::profile::config_dir()));
    assert_eq!(
        saved.secret_location.as_deref(),
        Some(vault.place().as_str())
    );
    let (folder, ca) = (
        store.path().parent().unwrap().to_path_buf(),
        p.ca_path().unwrap().to_path_buf(),
    );
    assert!(ca.exists());
    p.stop();
    assert!(!folder.exists(), "the practice connections are gone");
    assert!(!ca.exists(), "the practice certificate authority is gone");
}
