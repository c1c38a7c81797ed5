#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! The check ladder against fakecloud's tenant model: each item seen red for its real cause,
//! then green once that cause is fixed in the model.

mod common;

use fakecloud::Running;
use keyway::auth::{SignIn, Token};
use keyway::cloud::Cloud;
use keyway::diagnose::Context;
use keyway::powerbi::ladder::{self, Event, Item, Outcome, Plan, Status};
use keyway::powerbi::Api;
use keyway::secret::{ClientSecret, Password};
use keyway::validate::TenantUse;
use keyway::Goal;
use serde_json::json;
use std::sync::Mutex;
use std::time::Duration;
use uuid::Uuid;

const CONTOSO: &str = "contoso.onmicrosoft.com";
const FABRIKAM: &str = "fabrikam.onmicrosoft.com";
const EMBED: (&str, &str) = (
    "11111111-1111-4111-8111-111111111111",
    "Emb8Q~current.secret-value_0123456789abcdef",
);
const SCANNER: (&str, &str) = (
    "22222222-2222-4222-8222-222222222222",
    "Scn8Q~scanner.secret-value_0123456789abcdef",
);
const OUTSIDE: (&str, &str) = (
    "44444444-4444-4444-8444-444444444444",
    "Out8Q~outside.secret-value_0123456789abcdef",
);
const FABRIKAM_APP: (&str, &str) = (
    "77777777-7777-4777-8777-777777777777",
    "Fab8Q~fabrikam.secret-value_0123456789abcdef",
);
const OUTSIDE_SP: &str = "44444444-aaaa-4aaa-8aaa-000000000004";
const DESKTOP: &str = "33333333-3333-4333-8333-333333333333";
const SALES: &str = "f0f0f0f0-1111-4111-8111-000000000001";
const API_GROUP: &str = "a1a1a1a1-0000-4000-8000-000000000001";

struct World {
    cloud: Running,
    custom: Cloud,
    http: reqwest::Client,
}

async fn world() -> World {
    let (cloud, custom, http) = common::emulator().await;
    World {
        cloud,
        custom,
        http,
    }
}

impl World {
    /// Changes the tenant model, as an administrator would in the portal.
    fn edit(&self, tenant: &str, f: impl FnOnce(&mut fakecloud::scenario::Tenant)) {
        let mut s = self.cloud.state.scenario.write().unwrap();
        let t = s
            .tenants
            .iter_mut()
            .find(|t| t.domains.iter().any(|d| d == tenant))
            .unwrap();
        f(t);
    }

    async fn fault(&self, body: serde_json::Value) {
        reqwest::Client::new()
            .post(format!("{}/_fakecloud/faults", self.cloud.http_url))
            .json(&body)
            .send()
            .await
            .unwrap();
    }

    async fn app_token(&self, tenant: &str, app: (&str, &str)) -> Token {
        SignIn::new(&self.http, &self.custom, tenant, app.0, TenantUse::App)
            .unwrap()
            .client_secret(&ClientSecret::new(app.1))
            .await
            .unwrap()
    }

    async fn run(&self, tenant: &str, client: &str, token: Token, plan: Plan) -> Outcome {
        let api = Api::new(&self.http, &self.custom, token.access_token.clone());
        let ctx = Context::new(&self.custom, tenant, client);
        ladder::run(api, ctx, plan, token.claims, &|_| {}).await
    }

    async fn check_app(&self, tenant: &str, app: (&str, &str), plan: Plan) -> Outcome {
        let token = self.app_token(tenant, app).await;
        self.run(tenant, app.0, token, plan).await
    }

    async fn check_ada(&self, plan: Plan) -> Outcome {
        let token = SignIn::new(&self.http, &self.custom, CONTOSO, DESKTOP, TenantUse::User)
            .unwrap()
            .password("ada@contoso.com", &Password::new("Correct-Horse-42"))
            .await
            .unwrap();
        self.run(CONTOSO, DESKTOP, token, plan).await
    }
}

fn item<'a>(o: &'a Outcome, id: &str) -> &'a Item {
    o.items
        .iter()
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("no item {id} in {:#?}", o.items))
}

fn status(o: &Outcome, id: &str) -> Status {
    item(o, id).status
}

fn code(o: &Outcome, id: &str) -> String {
    item(o, id)
        .problem
        .as_ref()
        .map(|p| p.code.clone())
        .unwrap_or_default()
}

fn all_pass(o: &Outcome) {
    for i in &o.items {
        assert!(
            i.status == Status::Pass || i.optional,
            "{} did not pass: {:#?}",
            i.id,
            i
        );
    }
    assert!(o.ok);
}

fn plan(goal: Goal) -> Plan {
    let mut p = Plan::new(goal);
    p.scan_poll = Duration::from_millis(10);
    p
}

#[tokio::test]
async fn embed_with_a_service_principal_all_green_and_streamed() {
    let w = world().await;
    let token = w.app_token(CONTOSO, EMBED).await;
    let api = Api::new(&w.http, &w.custom, token.access_token.clone());
    let events = Mutex::new(vec![]);
    let outcome = ladder::run(
        api,
        Context::new(&w.custom, CONTOSO, EMBED.0),
        plan(Goal::Embed),
        token.claims,
        &|e| events.lock().unwrap().push(e),
    )
    .await;
    all_pass(&outcome);
    let ids: Vec<&str> = outcome.items.iter().map(|i| i.id).collect();
    assert_eq!(
        ids,
        [
            "token",
            "consent",
            "tenant-switch",
            "security-group",
            "list-workspaces",
            "workspace",
            "list-reports",
            "embed-token"
        ]
    );
    assert_eq!(outcome.workspace.as_deref(), Some(SALES));
    assert!(item(&outcome, "workspace").summary.starts_with("Admin in"));
    // The plan first, then one event per item.
    let events = events.into_inner().unwrap();
    assert!(matches!(&events[0], Event::Planned { items } if items.len() == 8));
    assert_eq!(events.len(), 9);
    assert!(events[1..]
        .iter()
        .all(|e| matches!(e, Event::Finished { .. })));
    // Evidence names the call and Power BI's request ID, never the token.
    let ev = &item(&outcome, "embed-token").evidence[0];
    assert!(ev.request.starts_with("POST /v1.0/myorg/groups/"));
    assert!(ev.request_id.is_some());
    assert!(!serde_json::to_string(&outcome)
        .unwrap()
        .contains(token.access_token.expose()));
}

#[tokio::test]
async fn a_wrong_secret_fails_the_first_rung_and_the_rest_wait() {
    let w = world().await;
    let err = SignIn::new(&w.http, &w.custom, CONTOSO, EMBED.0, TenantUse::App)
        .unwrap()
        .client_secret(&ClientSecret::new(
            "Emb8Q~not.the.right.value_0123456789abcdef",
        ))
        .await
        .unwrap_err();
    let ctx = Context::new(&w.custom, CONTOSO, EMBED.0);
    let problem = keyway::diagnose::explain_auth_error(&err, &ctx);
    let o = ladder::sign_in_failed(problem, &plan(Goal::Embed), true);
    assert_eq!(status(&o, "token"), Status::Fail);
    assert_eq!(code(&o, "token"), "AADSTS7000215");
    let p = item(&o, "token").problem.clone().unwrap();
    assert!(p.correlation_id.is_some() && p.trace_id.is_some());
    assert!(p
        .link
        .unwrap()
        .contains(&format!("/Credentials/appId/{}", EMBED.0)));
    assert!(o.items[1..].iter().all(|i| i.status == Status::Skipped));
    assert!(!o.ok);
}

#[tokio::test]
async fn the_tenant_switch_off_read_from_the_settings_then_on() {
    let w = world().await;
    // Admin APIs open to every app, so the ladder can read the tenant settings.
    w.edit(CONTOSO, |t| {
        t.settings.service_principals_enabled = false;
        t.settings.service_principals_admin_apis_groups.clear();
    });
    let o = w.check_app(CONTOSO, EMBED, plan(Goal::Embed)).await;
    assert_eq!(status(&o, "tenant-switch"), Status::Fail);
    assert_eq!(
        code(&o, "tenant-switch"),
        "ServicePrincipalIsNotAllowedByTenantAdminSwitch"
    );
    let p = item(&o, "tenant-switch").problem.clone().unwrap();
    assert!(p.cause.contains("is off"), "{}", p.cause);
    assert!(p.link.unwrap().ends_with("/admin-portal/tenantSettings"));
    assert_eq!(p.http_status, Some(401));
    assert!(item(&o, "security-group")
        .summary
        .contains("setting itself is off"));
    for id in [
        "list-workspaces",
        "workspace",
        "list-reports",
        "embed-token",
    ] {
        assert_eq!(status(&o, id), Status::Skipped, "{id}");
    }
    w.edit(CONTOSO, |t| t.settings.service_principals_enabled = true);
    all_pass(&w.check_app(CONTOSO, EMBED, plan(Goal::Embed)).await);
}

#[tokio::test]
async fn the_switch_off_inferred_when_the_settings_are_closed() {
    let w = world().await;
    let o = w.check_app(FABRIKAM, FABRIKAM_APP, plan(Goal::Embed)).await;
    assert_eq!(status(&o, "tenant-switch"), Status::Fail);
    let p = item(&o, "tenant-switch").problem.clone().unwrap();
    assert!(p.cause.contains("either off, or limited"), "{}", p.cause);
    assert!(item(&o, "tenant-switch").evidence.iter().any(
        |e| e.error_info.as_deref() == Some("ServicePrincipalIsNotAllowedByTenantAdminSwitch")
    ));
    assert_eq!(status(&o, "security-group"), Status::Skipped);
    w.edit(FABRIKAM, |t| t.settings.service_principals_enabled = true);
    let o = w.check_app(FABRIKAM, FABRIKAM_APP, plan(Goal::Embed)).await;
    assert_eq!(status(&o, "tenant-switch"), Status::Pass);
    assert_eq!(status(&o, "security-group"), Status::Pass);
    assert_eq!(status(&o, "workspace"), Status::Pass);
}

#[tokio::test]
async fn not_in_the_allowed_group_then_added() {
    let w = world().await;
    w.edit(CONTOSO, |t| {
        t.settings.service_principals_admin_apis_groups.clear()
    });
    let o = w.check_app(CONTOSO, OUTSIDE, plan(Goal::Embed)).await;
    assert_eq!(status(&o, "tenant-switch"), Status::Pass);
    assert!(item(&o, "tenant-switch").summary.contains("only for"));
    assert_eq!(status(&o, "security-group"), Status::Fail);
    let p = item(&o, "security-group").problem.clone().unwrap();
    assert_eq!(p.code, "SERVICE_PRINCIPAL_NOT_IN_GROUP");
    assert!(p.cause.contains("Power BI API apps"));
    assert!(p.link.unwrap().contains(&format!("/groupId/{API_GROUP}")));
    assert!(p.fix.iter().any(|s| s.contains(OUTSIDE_SP)));

    w.edit(CONTOSO, |t| {
        t.groups[0].members.push(OUTSIDE_SP.parse().unwrap());
    });
    let o = w.check_app(CONTOSO, OUTSIDE, plan(Goal::Embed)).await;
    assert_eq!(status(&o, "security-group"), Status::Pass);
    // Now in, but not in any workspace: listing them works and sees nothing (yellow).
    let listed = item(&o, "list-workspaces");
    assert_eq!((listed.status, listed.optional), (Status::Fail, true));
    assert!(listed
        .problem
        .as_ref()
        .unwrap()
        .cause
        .contains("only the workspaces it was added to"));
    assert_eq!(status(&o, "workspace"), Status::Fail);
    assert_eq!(code(&o, "workspace"), "NO_WORKSPACE");
}

#[tokio::test]
async fn workspace_membership_and_role() {
    let w = world().await;
    w.edit(CONTOSO, |t| {
        t.groups[0].members.push(OUTSIDE_SP.parse().unwrap())
    });
    let mut p = plan(Goal::Embed);
    p.workspace = Some(SALES.into());
    let o = w.check_app(CONTOSO, OUTSIDE, p.clone()).await;
    assert_eq!(code(&o, "workspace"), "NOT_A_WORKSPACE_MEMBER");
    assert_eq!(status(&o, "list-reports"), Status::Fail);

    let sp: Uuid = OUTSIDE_SP.parse().unwrap();
    w.edit(CONTOSO, |t| {
        t.workspaces[0]
            .members
            .push(fakecloud::scenario::WorkspaceMember {
                principal: sp,
                role: "Viewer".into(),
            })
    });
    let o = w.check_app(CONTOSO, OUTSIDE, p.clone()).await;
    assert_eq!(code(&o, "workspace"), "WORKSPACE_ROLE_TOO_LOW");
    assert!(item(&o, "workspace")
        .problem
        .as_ref()
        .unwrap()
        .cause
        .contains("needs Member"));
    assert_eq!(status(&o, "embed-token"), Status::Fail);

    w.edit(CONTOSO, |t| {
        t.workspaces[0]
            .members
            .iter_mut()
            .filter(|m| m.principal == sp)
            .for_each(|m| m.role = "Member".into())
    });
    all_pass(&w.check_app(CONTOSO, OUTSIDE, p).await);
}

#[tokio::test]
async fn reports_throttled_and_a_workspace_without_reports() {
    let w = world().await;
    let path = format!("/v1.0/myorg/groups/{SALES}/reports");
    // Longer than Keyway waits for one call (30 s): reported at once, with the wait asked.
    w.fault(
        json!({ "path": path, "method": "GET", "kind": "429", "retry_after": 120, "times": 1 }),
    )
    .await;
    let o = w.check_app(CONTOSO, EMBED, plan(Goal::Embed)).await;
    // Power BI's own code is kept; the explanation comes from the status.
    let p = item(&o, "list-reports").problem.clone().unwrap();
    assert_eq!(
        (p.code.as_str(), p.http_status),
        ("TooManyRequests", Some(429))
    );
    assert_eq!(p.title, "Too many requests: wait, then try again");
    assert_eq!(p.retry_after, Some(120));
    assert_eq!(status(&o, "embed-token"), Status::Skipped);

    // Listing works but sees nothing: a yellow item that says why, not a pass.
    w.edit(CONTOSO, |t| t.workspaces[0].reports.clear());
    let o = w.check_app(CONTOSO, EMBED, plan(Goal::Embed)).await;
    let reports = item(&o, "list-reports");
    assert_eq!((reports.status, reports.optional), (Status::Fail, true));
    assert_eq!(code(&o, "list-reports"), "SAW_NOTHING");
    assert_eq!(code(&o, "embed-token"), "NO_REPORT");
}

#[tokio::test]
async fn data_goal_read_only_then_with_changes_cleaning_up() {
    let w = world().await;
    let o = w.check_app(CONTOSO, EMBED, plan(Goal::Data)).await;
    assert!(o.ok, "{o:#?}");
    for id in ["refresh", "push-dataset"] {
        let i = item(&o, id);
        assert!(i.status == Status::Skipped && i.optional, "{id}");
        assert!(i.summary.contains("Allow changes"));
    }
    let before = w.cloud.state.scenario().tenants[0].workspaces[0]
        .datasets
        .len();
    let mut p = plan(Goal::Data);
    p.allow_changes = true;
    let o = w.check_app(CONTOSO, EMBED, p.clone()).await;
    all_pass(&o);
    assert!(item(&o, "push-dataset").summary.contains("deleted again"));
    {
        let s = w.cloud.state.scenario();
        let sales = &s.tenants[0].workspaces[0];
        assert_eq!(sales.datasets.len(), before, "the test dataset was removed");
        assert_eq!(sales.datasets[0].refreshes.len(), 1, "one refresh started");
    }

    let path = format!("/v1.0/myorg/groups/{SALES}/datasets/");
    w.fault(json!({ "path": path, "method": "POST", "kind": "503", "times": 1 }))
        .await;
    let o = w.check_app(CONTOSO, EMBED, p).await;
    let p = item(&o, "refresh").problem.clone().unwrap();
    assert_eq!(p.http_status, Some(503));
    assert_eq!(p.title, "The service is busy or down for a moment");
    assert!(!o.ok);
}

#[tokio::test]
async fn admin_goal_scanner_and_its_settings() {
    let w = world().await;
    let o = w.check_app(CONTOSO, SCANNER, plan(Goal::Admin)).await;
    assert!(o.ok, "{o:#?}");
    assert_eq!(status(&o, "admin-workspaces"), Status::Pass);
    assert_eq!(status(&o, "scanner"), Status::Pass);
    assert_eq!(status(&o, "detailed-metadata"), Status::Pass);
    // Expressions are off in Contoso: reported, but optional.
    let e = item(&o, "expressions");
    assert!(e.status == Status::Fail && e.optional);
    assert_eq!(code(&o, "expressions"), "EXPRESSIONS_OFF");

    w.edit(CONTOSO, |t| {
        t.settings.dax_expressions = true;
        t.settings.detailed_metadata = false;
    });
    let o = w.check_app(CONTOSO, SCANNER, plan(Goal::Admin)).await;
    assert_eq!(status(&o, "expressions"), Status::Pass);
    assert_eq!(code(&o, "detailed-metadata"), "DETAILED_METADATA_OFF");
    assert!(!o.ok);

    w.fault(json!({ "path": "/v1.0/myorg/admin/workspaces/getInfo", "kind": "500", "times": 1 }))
        .await;
    let o = w.check_app(CONTOSO, SCANNER, plan(Goal::Admin)).await;
    assert_eq!(code(&o, "scanner"), "InternalServerError");
    assert_eq!(
        item(&o, "scanner").problem.as_ref().unwrap().title,
        "The service had an internal problem"
    );
}

#[tokio::test]
async fn admin_goal_refused_by_the_admin_switch_and_by_app_permissions() {
    let w = world().await;
    w.edit(CONTOSO, |t| {
        t.settings.service_principals_admin_apis = false
    });
    let o = w.check_app(CONTOSO, SCANNER, plan(Goal::Admin)).await;
    assert_eq!(status(&o, "tenant-switch"), Status::Fail);
    assert!(item(&o, "tenant-switch")
        .problem
        .as_ref()
        .unwrap()
        .cause
        .contains("read-only admin APIs"));
    assert_eq!(status(&o, "scanner"), Status::Skipped);

    w.edit(CONTOSO, |t| {
        t.settings.service_principals_admin_apis = true;
        t.apps[1].application_permissions = vec!["Tenant.Read.All".into()];
    });
    let o = w.check_app(CONTOSO, SCANNER, plan(Goal::Admin)).await;
    assert_eq!(code(&o, "consent"), "APP_HAS_POWERBI_PERMISSIONS");
    assert!(item(&o, "consent")
        .problem
        .as_ref()
        .unwrap()
        .cause
        .contains("Tenant.Read.All"));
    assert_eq!(status(&o, "admin-workspaces"), Status::Fail);

    w.edit(CONTOSO, |t| t.apps[1].application_permissions.clear());
    assert!(w.check_app(CONTOSO, SCANNER, plan(Goal::Admin)).await.ok);
}

#[tokio::test]
async fn a_person_missing_the_admin_scope_then_granted() {
    let w = world().await;
    let o = w.check_ada(plan(Goal::Admin)).await;
    assert_eq!(code(&o, "consent"), "SCOPES_MISSING");
    assert!(item(&o, "consent")
        .problem
        .as_ref()
        .unwrap()
        .cause
        .contains("Tenant.Read.All"));
    assert_eq!(code(&o, "admin-workspaces"), "NOT_FABRIC_ADMIN");
    assert!(
        !o.items.iter().any(|i| i.id == "tenant-switch"),
        "no app rungs for a person"
    );

    w.edit(CONTOSO, |t| {
        t.apps[2]
            .admin_consented_scopes
            .push("Tenant.Read.All".into())
    });
    let o = w.check_ada(plan(Goal::Admin)).await;
    assert_eq!(status(&o, "consent"), Status::Pass);
    assert_eq!(status(&o, "admin-workspaces"), Status::Pass);
    assert_eq!(status(&o, "scanner"), Status::Pass);
}

#[tokio::test]
async fn delegated_goal_checks_the_scopes_the_person_picked() {
    let w = world().await;
    let mut p = plan(Goal::Delegated);
    p.scopes = vec!["Workspace.Read.All".into(), "Dataset.ReadWrite.All".into()];
    let o = w.check_ada(p.clone()).await;
    all_pass(&o);
    assert!(item(&o, "list-workspaces").summary.contains("2 workspaces"));

    p.scopes.push("Capacity.Read.All".into());
    let o = w.check_ada(p.clone()).await;
    assert_eq!(code(&o, "consent"), "SCOPES_MISSING");
    assert!(item(&o, "consent")
        .problem
        .as_ref()
        .unwrap()
        .fix
        .iter()
        .any(|f| f.contains("Capacity.Read.All")));

    // With two workspaces and none chosen, the embed goal asks which one.
    let o = w.check_ada(plan(Goal::Embed)).await;
    assert_eq!(code(&o, "workspace"), "WORKSPACE_NOT_CHOSEN");
    assert!(item(&o, "workspace")
        .problem
        .as_ref()
        .unwrap()
        .cause
        .contains("Sales Analytics"));
    p = plan(Goal::Embed);
    p.workspace = Some(SALES.into());
    all_pass(&w.check_ada(p).await);
}

#[tokio::test]
async fn each_remaining_call_red_when_the_service_fails_it() {
    let w = world().await;
    w.fault(json!({ "path": "/v1.0/myorg/groups", "method": "GET", "kind": "500", "times": 1 }))
        .await;
    let mut p = plan(Goal::Delegated);
    p.scopes = vec!["Workspace.Read.All".into()];
    let o = w.check_ada(p).await;
    assert_eq!(
        item(&o, "list-workspaces")
            .problem
            .as_ref()
            .unwrap()
            .http_status,
        Some(500)
    );

    let mut p = plan(Goal::Data);
    p.allow_changes = true;
    let path = format!("/v1.0/myorg/groups/{SALES}/datasets");
    // Asking for a longer wait than Keyway gives one call, so it is reported, not waited out.
    w.fault(
        json!({ "path": path, "method": "GET", "kind": "503", "retry_after": 120, "times": 1 }),
    )
    .await;
    let o = w.check_app(CONTOSO, EMBED, p.clone()).await;
    assert_eq!(status(&o, "list-datasets"), Status::Fail);
    assert_eq!(status(&o, "refresh"), Status::Skipped);

    let path = format!("/v1.0/myorg/groups/{SALES}/datasets");
    w.fault(json!({ "path": path, "method": "POST", "kind": "429", "times": 1 }))
        .await;
    let o = w.check_app(CONTOSO, EMBED, p).await;
    assert_eq!(
        item(&o, "push-dataset")
            .problem
            .as_ref()
            .unwrap()
            .http_status,
        Some(429)
    );
}

#[tokio::test]
async fn keyway_check_from_the_command_line() {
    let w = world().await;
    let base = w.cloud.https_url.clone();
    let fabric = format!("{base}/v1");
    let ca = w.cloud.ca_path.to_str().unwrap().to_string();
    let run = |client: &'static str, secret: &'static str, extra: &'static [&'static str]| {
        let (base, fabric, ca) = (base.clone(), fabric.clone(), ca.clone());
        tokio::task::spawn_blocking(move || {
            let mut args = vec![
                "check",
                "--cloud",
                "custom",
                "--authority-host",
                &base,
                "--powerbi-api",
                &base,
                "--fabric-api",
                &fabric,
                "--ca-cert",
                &ca,
                "--tenant",
                CONTOSO,
                "--client-id",
                client,
                "--client-secret-stdin",
            ];
            args.extend_from_slice(extra);
            common::keyway(&args, &[], secret)
        })
    };
    let (status, out, _) = run(EMBED.0, EMBED.1, &["--goal", "embed", "--json"])
        .await
        .unwrap();
    assert_eq!(status, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["items"].as_array().unwrap().len(), 8);
    assert!(!out.contains(EMBED.1));

    let (status, out, _) = run(OUTSIDE.0, OUTSIDE.1, &["--goal", "embed"])
        .await
        .unwrap();
    assert_eq!(status, 1);
    assert!(
        out.contains("[FAIL] Power BI lets apps (service principals) use its API"),
        "{out}"
    );
    assert!(out.contains("Open Power BI tenant settings: https://"));
    assert!(out.contains("Evidence: GET /v1.0/myorg/groups -> 401"));

    let (status, out, _) = run(
        EMBED.0,
        "Emb8Q~wrong.secret-value_0123456789abcdef",
        &["--goal", "embed", "--json"],
    )
    .await
    .unwrap();
    assert_eq!(status, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["items"][0]["problem"]["code"], "AADSTS7000215");

    let (status, _, err) = run(EMBED.0, EMBED.1, &[]).await.unwrap();
    assert_eq!(status, 2);
    assert!(err.contains("--goal"), "{err}");
}
