#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! "Set it up for me" for each goal, against fakecloud: the admin goal's settings and the Power BI
//! application permissions it removes, the delegated goal's public client and consent, a
//! workspace made by name, and an account that is not an administrator.

mod common;

use common::setup::{
    administrator, changes, person_signs_in, request, session_for, signed_in_app,
    try_administrator_as,
};
use keyway::powerbi::ladder::Plan;
use keyway::setup::{plan, Change, Created, Credential, NewCredential};
use keyway::wizard::SignInEvent;
use keyway::{Goal, Method};

#[tokio::test(flavor = "multi_thread")]
async fn the_admin_goal_turns_on_the_admin_settings_and_removes_power_bi_app_permissions() {
    let mut scenario = fakecloud::Scenario::contoso();
    scenario.tenants[0].settings.service_principals_admin_apis = false;
    scenario.tenants[0].settings.detailed_metadata = false;
    let (cloud, custom, _) = common::emulator_with(scenario).await;
    let admin = administrator(&cloud, &custom).await;
    let mut request = request();
    request.app_name = "Lineage scanner".into();
    request.goal = Goal::Admin;
    let found = admin.discover(&request).await.unwrap();
    let planned = plan(&request, &found);
    assert_eq!(
        changes(&planned),
        [
            ("app", Change::Create),
            ("service-principal", Change::Create),
            ("secret", Change::Create),
            ("group", Change::Nothing),
            ("membership", Change::Create),
            ("tenant-setting", Change::Nothing),
            ("admin-setting", Change::Update),
            ("metadata-setting", Change::Update),
            ("app-permissions", Change::Nothing),
        ],
        "no workspace seat: the admin APIs need none; {planned:#?}"
    );
    let applied = admin.apply(&request, &found, |_| {}).await.unwrap();
    assert_eq!(applied.done, planned);

    // Someone then gives the app Power BI's Tenant.Read.All as an application permission, as
    // many guides say to: the admin APIs refuse it.
    {
        let mut s = cloud.state.scenario.write().unwrap();
        let app = s.tenants[0]
            .apps
            .iter_mut()
            .find(|a| a.display_name == "Lineage scanner")
            .unwrap();
        app.application_permissions = vec!["Tenant.Read.All".into()];
        app.required_resource_access = vec![serde_json::json!({
            "resourceAppId": "00000009-0000-0000-c000-000000000000",
            "resourceAccess": [{ "id": "654b31ae-d941-4e22-8798-7add8fdf049f", "type": "Role" }]
        })];
    }
    let (session, draft) = signed_in_app(&cloud, &custom, &applied, Goal::Admin).await;
    let before = session
        .check(Plan::new(Goal::Admin), &|_| {})
        .await
        .unwrap();
    assert!(!before.ok, "{before:#?}");

    // A re-run finds the permission by name and takes it off, and the app asks for it no more.
    let found = admin.discover(&request).await.unwrap();
    assert_eq!(found.requested_roles, 1);
    let planned = plan(&request, &found);
    let step = planned.iter().find(|s| s.id == "app-permissions").unwrap();
    assert_eq!(step.change, Change::Update);
    assert!(step.summary.contains("Tenant.Read.All"), "{}", step.summary);
    let rerun = admin.apply(&request, &found, |_| {}).await.unwrap();
    assert!(rerun.credential.is_none(), "the app keeps its secret");
    let app = admin.read_app(&applied.client_id).await.unwrap();
    assert_eq!(app["requiredResourceAccess"], serde_json::json!([]));
    // A new token no longer carries the role.
    session
        .sign_in(draft, |_: SignInEvent| {}, |_: &str| Ok(()))
        .await
        .unwrap();
    let after = session
        .check(Plan::new(Goal::Admin), &|_| {})
        .await
        .unwrap();
    assert!(after.ok, "{after:#?}");
    let again = plan(&request, &admin.discover(&request).await.unwrap());
    assert!(
        again.iter().all(|s| s.change == Change::Nothing),
        "{again:#?}"
    );
    cloud.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_delegated_goal_registers_a_public_client_with_consent_so_nobody_is_asked() {
    let (cloud, custom, _) = common::emulator().await;
    let admin = administrator(&cloud, &custom).await;
    let mut request = request();
    request.app_name = "Finance notebooks".into();
    request.goal = Goal::Delegated;
    request.workspace = None;
    let found = admin.discover(&request).await.unwrap();
    let planned = plan(&request, &found);
    assert_eq!(
        changes(&planned),
        [
            ("app", Change::Create),
            ("service-principal", Change::Create),
            ("consent", Change::Create),
        ],
        "no secret, group, setting or seat: people sign in as themselves"
    );
    let applied = admin.apply(&request, &found, |_| {}).await.unwrap();
    assert!(applied.credential.is_none());
    let app = admin.read_app(&applied.client_id).await.unwrap();
    assert_eq!(app["publicClient"]["redirectUris"][0], "http://localhost");
    assert_eq!(app["isFallbackPublicClient"], true);
    let ids: Vec<&str> = app["requiredResourceAccess"][0]["resourceAccess"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    // Workspace.Read.All, Report.Read.All and Dataset.Read.All, as Power BI numbers them.
    assert_eq!(
        ids,
        [
            "b2f1b2fa-f35c-407c-979c-a858a808ba85",
            "4ae1bf56-f562-4747-b7bc-2fa0874ed46f",
            "7f33e027-4039-419b-938e-2f8ca153e68e"
        ]
    );

    // A person signs in in the browser: no consent page comes (sign_in_in_browser follows a
    // redirect and would fail on one), and the delegated checks pass.
    let (session, mut draft) = session_for(&cloud, &custom);
    draft.client_id = applied.client_id.clone();
    draft.method = Some(Method::Browser);
    draft.goal = Some(Goal::Delegated);
    draft.scopes = keyway::setup::scopes_of(&request);
    let signed = person_signs_in(&cloud, &session, draft.clone(), "ada@contoso.com").await;
    assert_eq!(signed.unwrap().who, "ada@contoso.com");
    let mut checks = Plan::new(Goal::Delegated);
    checks.scopes = draft.scopes.clone();
    let outcome = session.check(checks, &|_| {}).await.unwrap();
    assert!(outcome.ok, "{outcome:#?}");

    // Asking for one more permission later adds it to the consent, and nothing else changes.
    request.scopes = vec!["Dataset.ReadWrite.All".into()];
    let found = admin.discover(&request).await.unwrap();
    let planned = plan(&request, &found);
    assert_eq!(
        changes(&planned),
        [
            ("app", Change::Nothing),
            ("service-principal", Change::Nothing),
            ("consent", Change::Update),
        ]
    );
    admin.apply(&request, &found, |_| {}).await.unwrap();
    let consent = admin.discover(&request).await.unwrap().consent.unwrap().1;
    assert_eq!(
        consent,
        [
            "Workspace.Read.All",
            "Report.Read.All",
            "Dataset.Read.All",
            "Dataset.ReadWrite.All"
        ]
    );

    // A permission Power BI does not have is refused before anything changes.
    request.scopes = vec!["Report.Delete.All".into()];
    let refused = admin.discover(&request).await.unwrap_err();
    assert_eq!(refused.code, "SETUP_UNKNOWN_SCOPE");
    cloud.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_workspace_named_is_created_once_then_found_and_can_be_taken_back() {
    let (cloud, custom, _) = common::emulator().await;
    let admin = administrator(&cloud, &custom).await;
    let mut request = request();
    request.app_name = "Partner portal app".into();
    request.workspace = None;
    request.new_workspace = Some("Partner portal".into());
    // The administrator's own workspaces, to pick from: not that one yet.
    let before = admin.workspaces().await.unwrap();
    assert!(
        !before.iter().any(|w| w.name == "Partner portal"),
        "{before:?}"
    );
    let found = admin.discover(&request).await.unwrap();
    let planned = plan(&request, &found);
    let tail: Vec<_> = changes(&planned).into_iter().rev().take(2).collect();
    assert_eq!(
        tail,
        [
            ("workspace", Change::Create),
            ("new-workspace", Change::Create)
        ],
        "{planned:#?}"
    );
    let applied = admin.apply(&request, &found, |_| {}).await.unwrap();
    let ws = applied.workspace.clone().expect("the new workspace's ID");
    keyway::validate::workspace_id(&ws).unwrap();
    let after = admin.workspaces().await.unwrap();
    let made = keyway::setup::Workspace {
        id: ws.clone(),
        name: "Partner portal".into(),
    };
    assert_eq!(after.len(), before.len() + 1, "{after:?}");
    assert!(after.contains(&made), "{after:?}");
    let names: Vec<String> = after.iter().map(|w| w.name.to_lowercase()).collect();
    assert!(
        names.windows(2).all(|p| p[0] <= p[1]),
        "sorted by name: {names:?}"
    );

    // The new app works in it: it signs in and passes the embed checks there.
    let (session, _) = signed_in_app(&cloud, &custom, &applied, Goal::Data).await;
    let mut checks = Plan::new(Goal::Data);
    checks.workspace = Some(ws.clone());
    let outcome = session.check(checks, &|_| {}).await.unwrap();
    let seat = outcome.items.iter().find(|i| i.id == "workspace").unwrap();
    assert_eq!(
        seat.status,
        keyway::powerbi::ladder::Status::Pass,
        "{outcome:#?}"
    );
    // The whole ladder for the data goal passes: the empty tenant to a working connection.
    assert!(outcome.ok, "{}", outcome.to_text());

    // Found again by name: nothing to create.
    let again = admin.discover(&request).await.unwrap();
    assert_eq!(again.named_workspace.as_deref(), Some(ws.as_str()));
    assert!(plan(&request, &again)
        .iter()
        .all(|s| s.change == Change::Nothing));

    // Taken back, it is gone, and a plan would create it again.
    let undone = admin
        .undo(&[Created::Workspace { id: ws.clone() }])
        .await
        .unwrap();
    assert!(undone[0].contains(&ws), "{undone:?}");
    let gone = admin.discover(&request).await.unwrap();
    assert_eq!(gone.named_workspace, None);
    cloud.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn someone_who_is_not_an_administrator_is_told_who_can_do_it() {
    let (cloud, custom, _) = common::emulator().await;
    let signed = try_administrator_as(&cloud, &custom, "nolicense@contoso.com").await;
    let x = match signed {
        Ok(admin) => admin.discover(&request()).await.unwrap_err(),
        Err(x) => x,
    };
    assert_eq!(x.code, "Authorization_RequestDenied", "{x:#?}");
    assert_eq!(x.http_status, Some(403));
    assert!(
        x.fix
            .iter()
            .any(|f| f.contains("Cloud Application Administrator")),
        "{:#?}",
        x.fix
    );
    cloud.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_administrator_can_sign_in_in_the_browser_instead_of_with_a_code() {
    use std::io::BufRead;
    let (cloud, _, _) = common::emulator().await;
    let url = cloud.https_url.as_str();
    // No browser opener on PATH: Keyway prints the address, and the person opens it.
    let no_openers = std::env::temp_dir().join(format!("keyway-setup-nob-{}", std::process::id()));
    std::fs::create_dir_all(&no_openers).unwrap();
    let config = no_openers.join("config");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_keyway"))
        .args([
            "setup",
            "--cloud",
            "custom",
            "--authority-host",
            url,
            "--powerbi-api",
            url,
        ])
        .args(["--ca-cert", cloud.ca_path.to_str().unwrap()])
        .args([
            "--tenant",
            common::setup::CONTOSO,
            "--name",
            "Browser admin app",
        ])
        .args(["--admin-browser", "--plan", "--json"])
        .env("PATH", &no_openers)
        .env_remove("BROWSER")
        .env("KEYWAY_CONFIG_DIR", &config)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
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
    let Ok(address) = address.await else {
        let _ = child.kill();
        panic!("no address on stderr: {}", said.join().unwrap());
    };
    common::sign_in_in_browser(&cloud, &address).await;
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let said = said.join().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("stdout: {:?}; stderr: {said}", out.stdout));
    assert_eq!(json["ok"], true, "{json}");
    assert_eq!(json["plan"][0]["id"], "app");
    assert_eq!(json["plan"][0]["change"], "create");
    assert!(!said.contains("enter the code"), "no device code: {said}");
    let _ = std::fs::remove_dir_all(&no_openers);
    cloud.stop();
}

/// An app management policy caps credential lifetimes. Graph's refusal names the policy, not
/// its limit: Keyway reads the policy and says how many months it allows; a run with that
/// lifetime then goes on from where the first one stopped (the app exists, with no credential).
#[tokio::test(flavor = "multi_thread")]
async fn a_lifetime_the_policy_refuses_names_the_longest_allowed_and_a_rerun_goes_on() {
    let mut scenario = fakecloud::Scenario::contoso();
    scenario.tenants[0].app_policy = Some(fakecloud::scenario::AppPolicy {
        // The policy ID in github.com/Azure/azure-cli/issues/28522.
        id: "538f1913-366a-440a-95a0-e195cb55b282".parse().unwrap(),
        password_max_days: Some(90),
        key_max_days: Some(45),
    });
    let (cloud, custom, _) = common::emulator_with(scenario).await;
    let admin = administrator(&cloud, &custom).await;
    let mut request = request();
    request.app_name = "Short-lived".into();
    request.workspace = None;
    let found = admin.discover(&request).await.unwrap();
    let stopped = admin.apply(&request, &found, |_| {}).await.unwrap_err();
    let x = &stopped.explanation;
    assert_eq!(x.code, "CredentialInvalidLifetimeAsPerAppPolicy", "{x:#?}");
    assert_eq!(x.http_status, Some(400));
    assert!(
        x.fix[0].contains("at most 90 days: choose 2 months or less"),
        "{:#?}",
        x.fix
    );
    let done: Vec<&str> = stopped.done.iter().map(|s| s.id).collect();
    assert_eq!(done, ["app", "service-principal"]);

    // Run again with what the policy allows: the app is found, and only a secret is added.
    request.secret_months = 2;
    let found = admin.discover(&request).await.unwrap();
    assert_eq!(found.credentials, 0);
    let planned = plan(&request, &found);
    let creating: Vec<&str> = planned
        .iter()
        .filter(|s| s.change == Change::Create)
        .map(|s| s.id)
        .collect();
    assert_eq!(creating, ["secret", "membership"], "{planned:#?}");
    let applied = admin.apply(&request, &found, |_| {}).await.unwrap();
    assert!(matches!(applied.credential, Some(NewCredential::Secret(_))));

    // A certificate for another app: the same refusal, read from the certificates' limit.
    request.app_name = "Short-lived certificate".into();
    request.credential = Credential::Certificate;
    request.secret_months = 3;
    let found = admin.discover(&request).await.unwrap();
    let stopped = admin.apply(&request, &found, |_| {}).await.unwrap_err();
    assert!(
        stopped.explanation.fix[0]
            .contains("a certificate last at most 45 days: choose 1 month or less"),
        "{:#?}",
        stopped.explanation.fix
    );
    cloud.stop();
}

/// Power BI applies a changed tenant setting only after a while (up to 15 minutes): the first
/// check right after the setup says so, and a check once it has applied passes.
#[tokio::test(flavor = "multi_thread")]
async fn a_setting_that_takes_time_is_explained_then_passes_on_a_later_check() {
    let mut scenario = fakecloud::Scenario::contoso();
    scenario.tenants[0].settings.service_principals_enabled = false;
    scenario.tenants[0].settings_delay_seconds = 3;
    let (cloud, custom, _) = common::emulator_with(scenario).await;
    let admin = administrator(&cloud, &custom).await;
    let mut request = request();
    request.app_name = "Patient app".into();
    request.workspace = None;
    let found = admin.discover(&request).await.unwrap();
    let planned = plan(&request, &found);
    let setting = planned.iter().find(|s| s.id == "tenant-setting").unwrap();
    assert_eq!(setting.change, Change::Update);
    let applied = admin.apply(&request, &found, |_| {}).await.unwrap();
    let (session, _) = signed_in_app(&cloud, &custom, &applied, Goal::Embed).await;
    let first = session
        .check(Plan::new(Goal::Embed), &|_| {})
        .await
        .unwrap();
    assert!(!first.ok, "{first:#?}");
    // Power BI refuses the app while the settings read back show it allowed: the failing check
    // says a change can take a while to reach Power BI.
    let failed = first
        .items
        .iter()
        .find(|i| i.status == keyway::powerbi::ladder::Status::Fail)
        .unwrap();
    let fix = failed.problem.as_ref().unwrap().fix.join(" ");
    assert!(fix.contains("can take up to"), "{fix}");
    // The administrator's read-back already shows it on: the re-run plans nothing.
    let again = plan(&request, &admin.discover(&request).await.unwrap());
    assert!(
        again.iter().all(|s| s.change == Change::Nothing),
        "{again:#?}"
    );
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    let later = session
        .check(Plan::new(Goal::Embed), &|_| {})
        .await
        .unwrap();
    // Now Power BI lets the app in. It has no workspace yet (none was asked for): listing them
    // works and sees nothing, a yellow item.
    let listed = later
        .items
        .iter()
        .find(|i| i.id == "list-workspaces")
        .unwrap();
    assert!(listed.optional, "{listed:#?}");
    assert_eq!(listed.problem.as_ref().unwrap().code, "NO_WORKSPACE");
    for id in ["tenant-switch", "security-group"] {
        let item = later.items.iter().find(|i| i.id == id).unwrap();
        assert_eq!(
            item.status,
            keyway::powerbi::ladder::Status::Pass,
            "{item:#?}"
        );
    }
    cloud.stop();
}

/// A Power BI administrator who is not a member of the workspace: Keyway reads its users and
/// gives the app its seat with the admin API, and can take that seat back the same way. One who is
/// a member but not its admin gets the seat given with the admin API too.
#[tokio::test(flavor = "multi_thread")]
async fn an_administrator_outside_the_workspace_seats_the_app_with_the_admin_api() {
    const ADA: &str = "aaaaaaaa-0000-4000-8000-00000000ada0";
    const OTHER: &str = "f0f0f0f0-1111-4111-8111-000000000002";
    let mut scenario = fakecloud::Scenario::contoso();
    for w in &mut scenario.tenants[0].workspaces {
        if w.id.to_string() == common::setup::SALES {
            w.members.retain(|m| m.principal.to_string() != ADA);
        } else if w.id.to_string() == OTHER {
            for m in &mut w.members {
                if m.principal.to_string() == ADA {
                    m.role = "Member".into();
                }
            }
        }
    }
    let (cloud, custom, _) = common::emulator_with(scenario).await;
    let admin = administrator(&cloud, &custom).await;
    let mut request = request();
    request.app_name = "Seated by an admin".into();
    let found = admin.discover(&request).await.unwrap();
    assert!(found.workspace_as_admin, "Ada is not a member of Sales");
    let planned = plan(&request, &found);
    let seat = planned.iter().find(|s| s.id == "workspace").unwrap();
    assert_eq!(seat.change, Change::Create);
    assert!(seat.summary.contains("admin API"), "{}", seat.summary);
    let applied = admin.apply(&request, &found, |_| {}).await.unwrap();
    let again = admin.discover(&request).await.unwrap();
    assert_eq!(again.workspace_role.as_deref(), Some("Member"));
    // The app then passes the embed checks in that workspace.
    let (session, _) = signed_in_app(&cloud, &custom, &applied, Goal::Embed).await;
    let mut checks = Plan::new(Goal::Embed);
    checks.workspace = Some(common::setup::SALES.into());
    let outcome = session.check(checks, &|_| {}).await.unwrap();
    assert!(outcome.ok, "{outcome:#?}");
    // Taken back with the admin API as well.
    let sp = again.service_principal.clone().unwrap();
    admin
        .undo(&[Created::Seat {
            workspace: common::setup::SALES.into(),
            principal: sp,
            as_admin: true,
        }])
        .await
        .unwrap();
    let after = admin.discover(&request).await.unwrap();
    assert_eq!(after.workspace_role, None);

    // A member who may not add anyone there: the workspace's own call is refused, and the seat
    // is given with the admin API.
    request.workspace = Some(OTHER.into());
    let found = admin.discover(&request).await.unwrap();
    assert!(
        !found.workspace_as_admin,
        "a member reads the users herself"
    );
    admin.apply(&request, &found, |_| {}).await.unwrap();
    let seated = admin.discover(&request).await.unwrap();
    assert_eq!(seated.workspace_role.as_deref(), Some("Member"));
    cloud.stop();
}

/// An administrator who may register apps and groups but is not a Fabric administrator: the plan
/// says who turns the tenant setting on and where, and the rest is done.
#[tokio::test(flavor = "multi_thread")]
async fn a_setting_the_administrator_may_not_change_is_left_to_a_fabric_administrator() {
    let mut scenario = fakecloud::Scenario::contoso();
    let t = &mut scenario.tenants[0];
    t.settings.service_principals_enabled = false;
    t.users
        .iter_mut()
        .find(|u| u.upn == "ada@contoso.com")
        .unwrap()
        .fabric_admin = false;
    let (cloud, custom, _) = common::emulator_with(scenario).await;
    let admin = administrator(&cloud, &custom).await;
    let mut request = request();
    request.app_name = "Half-done app".into();
    request.workspace = None;
    let found = admin.discover(&request).await.unwrap();
    assert_eq!(found.settings, keyway::setup::Settings::Refused);
    let planned = plan(&request, &found);
    let setting = planned.iter().find(|s| s.id == "tenant-setting").unwrap();
    assert_eq!(setting.change, Change::Manual);
    // With the page where it is done: the admin portal of this cloud (fakecloud's Power BI).
    let page = setting.link.as_deref().unwrap();
    assert!(page.ends_with("/admin-portal/tenantSettings"), "{page}");
    assert!(custom.may_open(page), "{page}");
    assert!(
        setting.summary.contains("A Fabric administrator turns on"),
        "{}",
        setting.summary
    );
    let applied = admin.apply(&request, &found, |_| {}).await.unwrap();
    assert!(applied.credential.is_some());
    assert_eq!(applied.done, planned);
    // Nothing was changed in the tenant settings.
    let on = cloud.state.scenario.read().unwrap().tenants[0]
        .settings
        .service_principals_enabled;
    assert!(!on);
    cloud.stop();
}
