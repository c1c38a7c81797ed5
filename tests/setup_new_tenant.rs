#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! "Set it up for me" from nothing: Northwind has an administrator and a workspace with a report,
//! and no app, no group, no setting for apps. For each goal, and for a secret and a certificate,
//! one run makes everything the plan said, the new connection passes the whole check ladder, and a
//! second run changes nothing.

mod common;

use common::setup::{administrator_as, changes, person_signs_in, request, session_at};
use keyway::powerbi::ladder::Plan;
use keyway::setup::{plan, Change, Credential};
use keyway::wizard::SignInEvent;
use keyway::{Goal, Method};

const NORTHWIND: &str = "northwind.onmicrosoft.com";
const MEGAN: &str = "megan@northwind.onmicrosoft.com";
/// Northwind Sales, with its report.
const WORKSPACE: &str = "f0f0f0f0-3333-4333-8333-000000000001";

use Change::{Create, Nothing, Update};

async fn from_nothing(goal: Goal, credential: Credential, expected: &[(&str, Change)]) {
    let (cloud, custom, _) = common::emulator().await;
    let admin = administrator_as(&cloud, &custom, MEGAN).await;
    let mut request = request();
    request.app_name = format!("Northwind {goal:?} app");
    request.goal = goal;
    request.credential = credential;
    request.workspace = matches!(goal, Goal::Embed | Goal::Data).then(|| WORKSPACE.into());
    let found = admin.discover(&request).await.unwrap();
    let planned = plan(&request, &found);
    assert_eq!(changes(&planned), expected, "{planned:#?}");
    let applied = admin.apply(&request, &found, |_| {}).await.unwrap();
    assert_eq!(applied.done, planned, "the plan is what was applied");
    // The three IDs are the registration's, as the tenant holds them, each in its place.
    {
        let world = cloud.state.scenario.read().unwrap();
        let t = world.tenant(NORTHWIND).unwrap();
        let app = t
            .apps
            .iter()
            .find(|a| a.client_id.to_string() == applied.client_id);
        let app = app.expect("the app is registered");
        let ids = &applied.ids;
        assert_eq!(ids.object_id, app.object_id.to_string());
        let sp = app.service_principal_id.to_string();
        assert_eq!(ids.service_principal_id.as_deref(), Some(sp.as_str()));
        let seated = t.workspaces.iter().flat_map(|w| &w.members);
        let seated: Vec<String> = seated.map(|m| m.principal.to_string()).collect();
        let grouped = t.groups.iter().flat_map(|g| &g.members);
        let grouped: Vec<String> = grouped.map(|m| m.to_string()).collect();
        for other in [&applied.client_id, &ids.object_id] {
            assert!(
                !seated.contains(other) && !grouped.contains(other),
                "{other}"
            );
        }
        if request.workspace.is_some() {
            assert!(seated.contains(&sp), "the seat is the service principal's");
        }
        if goal != Goal::Delegated {
            assert!(
                grouped.contains(&sp),
                "the group holds the service principal"
            );
        }
        assert_eq!(ids.uses().len(), 3);
    }

    // The new connection, as the window goes on with it: the app itself, or (delegated) Megan
    // in her browser.
    let (session, mut draft) = session_at(&cloud, &custom, NORTHWIND);
    draft.client_id = applied.client_id.clone();
    draft.goal = Some(goal);
    draft.workspace = request.workspace.clone();
    let mut checks = Plan::new(goal);
    checks.workspace = request.workspace.clone();
    match applied.credential {
        Some(c) => {
            let method = session.hold_credential(c).unwrap();
            draft.certificate_in_keyring = method == Method::Certificate;
            draft.method = Some(method);
            let who = session
                .sign_in(draft, |_: SignInEvent| {}, |_: &str| Ok(()))
                .await
                .unwrap();
            assert!(who.app_only);
        }
        None => {
            draft.method = Some(Method::Browser);
            draft.scopes = keyway::setup::scopes_of(&request);
            checks.scopes = draft.scopes.clone();
            let who = person_signs_in(&cloud, &session, draft, MEGAN).await;
            assert_eq!(who.unwrap().who, MEGAN);
        }
    }
    let outcome = session.check(checks, &|_| {}).await.unwrap();
    assert!(outcome.ok, "{}", outcome.to_text());

    // Run again: everything is found, nothing changes.
    let again = plan(&request, &admin.discover(&request).await.unwrap());
    let changing: Vec<_> = again.iter().filter(|s| s.change != Nothing).collect();
    assert!(changing.is_empty(), "{changing:#?}");
    cloud.stop();
}

/// An app that signs in as itself and has a seat: app, identity, credential, group, setting, seat.
fn with_a_seat(credential: &'static str) -> [(&'static str, Change); 7] {
    [
        ("app", Create),
        ("service-principal", Create),
        (credential, Create),
        ("group", Create),
        ("membership", Create),
        ("tenant-setting", Update),
        ("workspace", Create),
    ]
}

/// The admin APIs: no seat; the three settings they need (detailed metadata too: the checks
/// fail scans without tables and columns); no Power BI application permissions to remove.
fn for_the_admin_apis(credential: &'static str) -> [(&'static str, Change); 9] {
    [
        ("app", Create),
        ("service-principal", Create),
        (credential, Create),
        ("group", Create),
        ("membership", Create),
        ("tenant-setting", Update),
        ("admin-setting", Update),
        ("metadata-setting", Update),
        ("app-permissions", Nothing),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_with_a_secret() {
    from_nothing(Goal::Embed, Credential::Secret, &with_a_seat("secret")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_with_a_certificate() {
    let expected = with_a_seat("certificate");
    from_nothing(Goal::Embed, Credential::Certificate, &expected).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn data_with_a_secret() {
    from_nothing(Goal::Data, Credential::Secret, &with_a_seat("secret")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn data_with_a_certificate() {
    let expected = with_a_seat("certificate");
    from_nothing(Goal::Data, Credential::Certificate, &expected).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_apis_with_a_secret() {
    let expected = for_the_admin_apis("secret");
    from_nothing(Goal::Admin, Credential::Secret, &expected).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_apis_with_a_certificate() {
    let expected = for_the_admin_apis("certificate");
    from_nothing(Goal::Admin, Credential::Certificate, &expected).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn people_signing_in_as_themselves() {
    let expected = [
        ("app", Create),
        ("service-principal", Create),
        ("consent", Create),
    ];
    from_nothing(Goal::Delegated, Credential::Secret, &expected).await;
}
