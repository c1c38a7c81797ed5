#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! "Set it up for me" against fakecloud: an administrator signs in once with a device code,
//! Keyway plans, applies, and the new app passes the embed checks; a second run plans nothing.

mod common;

use common::setup::{administrator, request, secret, signed_in_app, CONTOSO, SALES};

use keyway::powerbi::ladder::Plan;
use keyway::setup::{plan, Change, Credential, NewCredential};
use keyway::wizard::{Draft, Session, SignInEvent, Typed};
use keyway::{Goal, Method};
use std::sync::Mutex;

#[tokio::test(flavor = "multi_thread")]
async fn from_no_app_to_passing_checks_and_a_second_run_that_changes_nothing() {
    let (cloud, custom, _) = common::emulator().await;
    // The administrator administers the workspace the app is for (Power BI lets a workspace's
    // admins add members; a tenant admin who is not one would use the admin API).
    reqwest::Client::new()
        .post(format!("{}/_fakecloud/workspaces/{SALES}/members", cloud.http_url))
        .json(&serde_json::json!({ "principal": "aaaaaaaa-0000-4000-8000-00000000ada0", "role": "Admin" }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let admin = administrator(&cloud, &custom).await;
    let request = request();

    let found = admin.discover(&request).await.unwrap();
    let planned = plan(&request, &found);
    let changes: Vec<(&str, Change)> = planned.iter().map(|s| (s.id, s.change)).collect();
    assert_eq!(
        changes,
        [
            ("app", Change::Create),
            ("service-principal", Change::Create),
            ("secret", Change::Create),
            ("group", Change::Nothing),
            ("membership", Change::Create),
            ("tenant-setting", Change::Nothing),
            ("workspace", Change::Create),
        ],
        "{planned:#?}"
    );

    let heard = Mutex::new(vec![]);
    let applied = admin
        .apply(&request, &found, |s| heard.lock().unwrap().push(s.id))
        .await
        .unwrap();
    assert_eq!(
        applied.done, planned,
        "what was applied is what was planned"
    );
    assert_eq!(heard.into_inner().unwrap().len(), planned.len());

    // The new app signs in with its new secret and passes every embed check.
    let (session, _) = signed_in_app(&cloud, &custom, &applied, Goal::Embed).await;
    let mut checks = Plan::new(Goal::Embed);
    checks.workspace = Some(SALES.into());
    let outcome = session.check(checks, &|_| {}).await.unwrap();
    assert!(outcome.ok, "{outcome:#?}");

    // A second run finds everything and plans no change.
    let again = plan(&request, &admin.discover(&request).await.unwrap());
    let changing: Vec<_> = again
        .iter()
        .filter(|s| s.change != Change::Nothing)
        .collect();
    assert!(changing.is_empty(), "{changing:#?}");
    cloud.stop();
}

/// A step that fails stops the run; Keyway says exactly what it had done by then.
#[tokio::test(flavor = "multi_thread")]
async fn a_failure_at_the_group_step_reports_what_was_created_before_it() {
    let (cloud, custom, _) = common::emulator().await;
    let admin = administrator(&cloud, &custom).await;
    let mut request = request();
    request.group = "Keyway apps".into();
    request.workspace = None;
    reqwest::Client::new()
        .post(format!("{}/_fakecloud/faults", cloud.http_url))
        .json(&serde_json::json!({ "path": "/v1.0/groups", "method": "POST", "kind": "500" }))
        .send()
        .await
        .unwrap();
    let found = admin.discover(&request).await.unwrap();
    let stopped = admin.apply(&request, &found, |_| {}).await.unwrap_err();
    let done: Vec<&str> = stopped.done.iter().map(|s| s.id).collect();
    assert_eq!(done, ["app", "service-principal", "secret"]);
    assert_eq!(
        stopped.explanation.http_status,
        Some(500),
        "{:?}",
        stopped.explanation
    );
    // The run stopped before the group: only the app was created, and that is what goes.
    assert!(matches!(
        stopped.created.as_slice(),
        [keyway::setup::Created::App { .. }]
    ));
    let undone = admin.undo(&stopped.created).await.unwrap();
    assert_eq!(undone.len(), 1, "{undone:?}");
    let after = admin.discover(&request).await.unwrap();
    assert_eq!(
        (after.app, after.group),
        (None, None),
        "nothing of the run is left"
    );
    cloud.stop();
}

/// `keyway setup` with the administrator's device code approved as it is shown.
async fn keyway_setup(cloud: &fakecloud::Running, extra: &[&str]) -> (i32, serde_json::Value) {
    use std::io::BufRead;
    let url = cloud.https_url.as_str();
    let mut args = vec![
        "setup",
        "--cloud",
        "custom",
        "--authority-host",
        url,
        "--powerbi-api",
        url,
        "--ca-cert",
        cloud.ca_path.to_str().unwrap(),
        "--tenant",
        CONTOSO,
        "--name",
        "Contoso CLI app",
        "--json",
    ];
    args.extend_from_slice(extra);
    let config = std::env::temp_dir().join(format!("keyway-setup-{}", uuid::Uuid::new_v4()));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_keyway"))
        .args(&args)
        .env("KEYWAY_CONFIG_DIR", &config)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let codes = std::sync::Arc::new(Mutex::new(vec![]));
    let seen = codes.clone();
    let reader = std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if let Some(code) = line.split("enter the code ").nth(1) {
                let code = code
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string();
                seen.lock().unwrap().push(code);
            }
        }
    });
    common::approve_device_code(cloud, &codes).await;
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    reader.join().unwrap();
    let _ = std::fs::remove_dir_all(&config);
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap_or(-1), json)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_plans_without_changing_anything_then_applies() {
    let (cloud, _, _) = common::emulator().await;
    // With no workspace named, the plan lists Ada's workspaces to choose from, by name: those
    // the tenant model seats her in (one more given here).
    let mine = {
        let mut s = cloud.state.scenario.write().unwrap();
        let t = &mut s.tenants[0];
        let ada = t.users.iter().find(|u| u.upn == "ada@contoso.com").unwrap();
        let member = fakecloud::scenario::WorkspaceMember {
            principal: ada.object_id,
            role: "Admin".into(),
        };
        let ada = member.principal;
        t.workspaces[0].members.push(member);
        let mut mine: Vec<(String, String)> = t
            .workspaces
            .iter()
            .filter(|w| w.members.iter().any(|m| m.principal == ada))
            .map(|w| (w.id.to_string(), w.name.clone()))
            .collect();
        mine.sort_by_key(|(_, name)| name.to_lowercase());
        mine
    };
    let (code, planned) = keyway_setup(&cloud, &["--plan"]).await;
    assert_eq!(code, 0, "{planned}");
    assert_eq!(planned["plan"][0]["change"], "create", "{planned}");
    let listed: Vec<(String, String)> = planned["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["id"].as_str().unwrap().into(),
                w["name"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(listed, mine, "{planned}");
    assert!(mine.len() >= 2, "{mine:?}");
    let (_, again) = keyway_setup(&cloud, &["--plan"]).await;
    assert_eq!(again["plan"], planned["plan"], "--plan changed nothing");
    let (code, applied) = keyway_setup(&cloud, &["--apply"]).await;
    assert_eq!(code, 0, "{applied}");
    assert_eq!(applied["done"].as_array().unwrap().len(), 6, "{applied}");
    let (_, after) = keyway_setup(&cloud, &["--plan"]).await;
    let changes: Vec<_> = after["plan"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["change"] != "nothing")
        .collect();
    assert!(changes.is_empty(), "{after}");
    cloud.stop();
}

/// Contoso where Ada administers apps and groups but not Power BI: she is a member, not an admin,
/// of Sales, and may not use Power BI's admin API, so she can't give anyone a seat there.
fn not_a_power_bi_admin() -> fakecloud::Scenario {
    let mut scenario = fakecloud::Scenario::contoso();
    for u in &mut scenario.tenants[0].users {
        if u.upn == "ada@contoso.com" {
            u.fabric_admin = false;
        }
    }
    scenario
}

/// A failure at the last step (the workspace seat) takes back the membership it added to a
/// group that existed, and the app; the group itself and the setting stay as they were.
#[tokio::test(flavor = "multi_thread")]
async fn undo_takes_back_exactly_what_the_run_made() {
    let (cloud, custom, _) = common::emulator_with(not_a_power_bi_admin()).await;
    let admin = administrator(&cloud, &custom).await;
    let request = request(); // Sales: the administrator is not its admin, so the seat fails
    let found = admin.discover(&request).await.unwrap();
    let stopped = admin.apply(&request, &found, |_| {}).await.unwrap_err();
    let kinds: Vec<String> = stopped
        .created
        .iter()
        .map(|c| {
            serde_json::to_value(c).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(kinds, ["app", "member"], "{:?}", stopped.explanation);
    admin.undo(&stopped.created).await.unwrap();
    let after = admin.discover(&request).await.unwrap();
    assert_eq!(after.app, None);
    assert_eq!(after.group, found.group, "the group that existed stays");
    assert_eq!(
        after.settings, found.settings,
        "the setting was not touched"
    );
    cloud.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_takes_back_a_failed_run_when_asked() {
    let (cloud, _, _) = common::emulator_with(not_a_power_bi_admin()).await;
    // Sales: the administrator is not its admin, so the last step (the seat) fails.
    let failed = ["--workspace", SALES, "--apply", "--undo-on-failure"];
    let (code, out) = keyway_setup(&cloud, &failed).await;
    assert_eq!(code, 1, "{out}");
    assert_eq!(out["error"]["httpStatus"], 401, "{out}");
    let (_, after) = keyway_setup(&cloud, &["--plan"]).await;
    assert_eq!(
        after["plan"][0]["change"], "create",
        "the app was taken back: {after}"
    );
    assert_eq!(
        after["plan"][4]["change"], "create",
        "and its membership: {after}"
    );
    cloud.stop();
}

/// Renewing: a new secret is added, proved, kept; the old one (the only one the saved value can
/// be) is removed and no longer signs in.
#[tokio::test(flavor = "multi_thread")]
async fn a_secret_is_renewed_append_prove_remove() {
    use keyway::profile::{Profile, ProfileStore};
    use keyway::secret::ClientSecret;
    use keyway::vault::{SecretKind, Vault};
    let (cloud, custom, _) = common::emulator().await;
    let admin = administrator(&cloud, &custom).await;
    let mut request = request();
    request.app_name = "Renew me".into();
    request.workspace = None;
    let found = admin.discover(&request).await.unwrap();
    let applied = admin.apply(&request, &found, |_| {}).await.unwrap();

    // The connection as Keyway saved it: its secret in the keyring under its name and host.
    let dir = std::env::temp_dir().join(format!("keyway-renew-{}", uuid::Uuid::new_v4()));
    let store = ProfileStore::at(dir.join("profiles.json"));
    let mut profile = Profile::new("Renewed", Method::ClientSecret);
    profile.cloud = keyway::cloud::CloudId::Custom;
    profile.custom = Some(keyway::cloud::CustomEndpoints {
        authority_host: custom.authority_host.clone(),
        powerbi_api: custom.powerbi_api.clone(),
        ..Default::default()
    });
    profile.tenant = CONTOSO.into();
    profile.client_id = applied.client_id.clone();
    store.put(profile.clone(), false).unwrap();
    let vault = Vault::session_only();
    let key = keyway::wizard::secret_key("Renewed", &custom);
    vault
        .save(&key, SecretKind::ClientSecret, secret(&applied).expose())
        .unwrap();

    let session = Session::new(Some(cloud.ca_pem.as_bytes())).unwrap();
    let renewed = session
        .renew_credential(&admin, &profile, &vault, &store, 3)
        .await
        .unwrap();
    assert!(
        renewed.removed.is_some(),
        "the old secret was the only candidate"
    );
    let kept = vault.load::<ClientSecret>(&key).unwrap().unwrap();
    assert_ne!(
        kept.expose(),
        secret(&applied).expose(),
        "the keyring holds the new one"
    );
    assert_eq!(
        store.get("Renewed").unwrap().secret_expires.as_deref(),
        Some(renewed.expires.as_str())
    );

    // The old value no longer signs in; the new one does.
    let sign_in = |value: String| {
        let session = Session::new(Some(cloud.ca_pem.as_bytes())).unwrap();
        let profile = profile.clone();
        async move {
            session
                .trust_custom_cloud(profile.custom.clone().unwrap())
                .unwrap();
            session.remember(Typed::ClientSecret, &value).unwrap();
            let draft = keyway::wizard::Draft::from_profile(&profile);
            session
                .sign_in(draft, |_| {}, |_: &str| Ok(()))
                .await
                .map(drop)
                .map_err(|x| x.code)
        }
    };
    assert_eq!(
        sign_in(secret(&applied).expose().to_string()).await,
        Err("AADSTS7000215".into())
    );
    assert_eq!(sign_in(kept.expose().to_string()).await, Ok(()));
    let _ = std::fs::remove_dir_all(&dir);
    cloud.stop();
}

/// The certificate path: Keyway makes the certificate, the app gets only its public part, the
/// private key goes to the keyring (no file anywhere), and a fresh session signs in from the
/// saved connection alone and passes the embed checks.
#[tokio::test(flavor = "multi_thread")]
async fn a_certificate_keyway_makes_signs_in_from_the_keyring_alone() {
    use keyway::profile::ProfileStore;
    use keyway::secret::CertificateKey;
    use keyway::vault::Vault;
    use keyway::wizard::FromProfile;
    let (cloud, custom, _) = common::emulator().await;
    reqwest::Client::new()
        .post(format!("{}/_fakecloud/workspaces/{SALES}/members", cloud.http_url))
        .json(&serde_json::json!({ "principal": "aaaaaaaa-0000-4000-8000-00000000ada0", "role": "Admin" }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let admin = administrator(&cloud, &custom).await;
    let mut request = request();
    request.app_name = "Certified embed".into();
    request.credential = Credential::Certificate;
    let found = admin.discover(&request).await.unwrap();
    let planned = plan(&request, &found);
    assert!(planned
        .iter()
        .any(|s| s.id == "certificate" && s.change == Change::Create));
    assert!(!planned.iter().any(|s| s.id == "secret"), "{planned:#?}");
    let applied = admin.apply(&request, &found, |_| {}).await.unwrap();
    assert!(matches!(
        applied.credential,
        Some(NewCredential::Certificate(_))
    ));

    // Graph holds the public part only: its read-back lists one certificate, and no secret.
    let app = admin.read_app(&applied.client_id).await.unwrap();
    assert_eq!(
        app["keyCredentials"].as_array().unwrap().len(),
        1,
        "{app:#}"
    );
    assert!(app["keyCredentials"][0]["key"].is_null());
    assert_eq!(app["passwordCredentials"], serde_json::json!([]));

    let endpoints = keyway::cloud::CustomEndpoints {
        authority_host: custom.authority_host.clone(),
        powerbi_api: custom.powerbi_api.clone(),
        fabric_api: custom.fabric_api.clone(),
        ..Default::default()
    };
    let dir = std::env::temp_dir().join(format!("keyway-cert-{}", uuid::Uuid::new_v4()));
    let store = ProfileStore::at(dir.join("profiles.json"));
    let vault = Vault::session_only();
    let session = Session::new(Some(cloud.ca_pem.as_bytes())).unwrap();
    session.trust_custom_cloud(endpoints.clone()).unwrap();
    let method = session
        .hold_credential(applied.credential.unwrap())
        .unwrap();
    assert_eq!(method, Method::Certificate);
    let draft = Draft {
        cloud: keyway::cloud::CloudId::Custom,
        custom: Some(endpoints.clone()),
        tenant: CONTOSO.into(),
        client_id: applied.client_id.clone(),
        method: Some(method),
        certificate_in_keyring: true,
        goal: Some(Goal::Embed),
        workspace: Some(SALES.into()),
        ..Draft::default()
    };
    session
        .sign_in(draft, |_: SignInEvent| {}, |_: &str| Ok(()))
        .await
        .unwrap();
    let vault_for_save = vault.clone();
    let saved = session
        .save(
            "Certified",
            false,
            applied.secret_expires.clone(),
            &store,
            move || Ok(vault_for_save),
        )
        .unwrap();
    assert!(saved.secret_location.is_some());
    // The keyring has the certificate and its key; the folder has the profile file alone.
    let key = keyway::wizard::secret_key("Certified", &custom);
    let kept = vault.load::<CertificateKey>(&key).unwrap().unwrap();
    assert!(kept.expose().contains("BEGIN PRIVATE KEY"));
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|f| !f.starts_with("profiles.json"))
        .collect();
    assert!(files.is_empty(), "no key file: {files:?}");
    let text = std::fs::read_to_string(dir.join("profiles.json")).unwrap();
    assert!(!text.contains("PRIVATE"), "{text}");
    assert!(text.contains("certificateInKeyring"), "{text}");

    // A fresh session signs in from the saved connection alone and passes the embed checks.
    let profile = store.get("Certified").unwrap();
    let fresh = Session::new(Some(cloud.ca_pem.as_bytes())).unwrap();
    fresh.trust_custom_cloud(endpoints).unwrap();
    fresh
        .sign_in_saved(FromProfile::new(&profile, &vault), |_| {}, |_: &str| Ok(()))
        .await
        .unwrap();
    let mut checks = Plan::new(Goal::Embed);
    checks.workspace = Some(SALES.into());
    let outcome = fresh.check(checks, &|_| {}).await.unwrap();
    assert!(outcome.ok, "{outcome:#?}");

    // Renewed: a new certificate is added (proved by the saved one), signs in, is kept, and the
    // old one is removed (proved by the new one); the app lists only the new one.
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let old_thumbprint = keyway::auth::certificate::ClientCertificate::from_kept(&kept, now)
        .unwrap()
        .thumbprint_sha1;
    let renewed = fresh
        .renew_credential(&admin, &profile, &vault, &store, 3)
        .await
        .unwrap();
    let new_kept = vault.load::<CertificateKey>(&key).unwrap().unwrap();
    let new_thumbprint = keyway::auth::certificate::ClientCertificate::from_kept(&new_kept, now)
        .unwrap()
        .thumbprint_sha1;
    assert_ne!(new_thumbprint, old_thumbprint);
    let listed = admin.read_app(&applied.client_id).await.unwrap()["keyCredentials"].clone();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed:#}");
    assert_eq!(listed[0]["customKeyIdentifier"], new_thumbprint.as_str());
    assert!(renewed.removed.is_some());
    let profile = store.get("Certified").unwrap();
    assert_eq!(
        profile.secret_expires.as_deref(),
        Some(renewed.expires.as_str())
    );
    fresh
        .sign_in_saved(FromProfile::new(&profile, &vault), |_| {}, |_: &str| Ok(()))
        .await
        .unwrap();

    // Without the keyring's certificate, the saved connection says so plainly.
    let empty = Vault::session_only();
    let lost = Session::new(Some(cloud.ca_pem.as_bytes())).unwrap();
    lost.trust_custom_cloud(profile.custom.clone().unwrap())
        .unwrap();
    let err = lost
        .sign_in_saved(FromProfile::new(&profile, &empty), |_| {}, |_: &str| Ok(()))
        .await
        .unwrap_err();
    assert_eq!(err.code, "CERTIFICATE_NOT_SAVED");
    let _ = std::fs::remove_dir_all(&dir);
    cloud.stop();
}
