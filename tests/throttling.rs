#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! 429 and 503 waited out on calls that are safe to repeat (token requests, GETs, Power BI's
//! GenerateToken), within 30 s per call, each wait announced; calls that create something sent
//! once. The sleep is recorded instead of slept, so no test waits.

mod common;

use keyway::auth::{SignIn, Token};
use keyway::cloud::{Cloud, CloudId};
use keyway::diagnose::Context;
use keyway::powerbi::ladder::{self, Event, Item, Outcome, Plan, Status};
use keyway::powerbi::Api;
use keyway::retry::RetryPolicy;
use keyway::secret::ClientSecret;
use keyway::validate::TenantUse;
use keyway::wizard::{Draft, Session, SignInEvent, Typed};
use keyway::{Goal, Method};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CONTOSO: &str = "contoso.onmicrosoft.com";
const EMBED: (&str, &str) = (
    "11111111-1111-4111-8111-111111111111",
    "Emb8Q~current.secret-value_0123456789abcdef",
);
const SALES: &str = "f0f0f0f0-1111-4111-8111-000000000001";

struct World {
    cloud: fakecloud::Running,
    custom: Cloud,
    http: reqwest::Client,
    /// Every wait the policy was asked to sleep.
    slept: Arc<Mutex<Vec<Duration>>>,
}

async fn world() -> World {
    let (cloud, custom, http) = common::emulator().await;
    World {
        cloud,
        custom,
        http,
        slept: Arc::default(),
    }
}

impl World {
    /// The default limit (30 s), with a sleep that only records.
    fn policy(&self) -> RetryPolicy {
        let slept = self.slept.clone();
        RetryPolicy {
            sleep: Arc::new(move |d| {
                slept.lock().unwrap().push(d);
                Box::pin(async {})
            }),
            ..RetryPolicy::default()
        }
    }

    fn slept(&self) -> Vec<Duration> {
        self.slept.lock().unwrap().clone()
    }

    async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/_fakecloud/{path}", self.cloud.http_url);
        let mut req = reqwest::Client::new().request(method, url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap_or(Value::Null)
    }

    async fn fault(&self, body: Value) {
        self.control(reqwest::Method::POST, "faults", Some(body))
            .await;
    }

    /// How many logged requests had this method and path.
    async fn count(&self, method: &str, path: &str) -> usize {
        let log = self.control(reqwest::Method::GET, "requests", None).await;
        log.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["method"] == method && r["path"] == path)
            .count()
    }

    async fn token(&self) -> Token {
        SignIn::new(&self.http, &self.custom, CONTOSO, EMBED.0, TenantUse::App)
            .unwrap()
            .client_secret(&ClientSecret::new(EMBED.1))
            .await
            .unwrap()
    }

    /// Runs the ladder with the recording policy; returns the outcome and the waits announced.
    async fn check(&self, plan: Plan) -> (Outcome, Vec<(u64, String)>) {
        let token = self.token().await;
        let api = Api::new(&self.http, &self.custom, token.access_token.clone())
            .with_retry(self.policy());
        let waits = Mutex::new(vec![]);
        let on = |e: Event| {
            if let Event::Waiting { seconds, what } = e {
                waits.lock().unwrap().push((seconds, what));
            }
        };
        let ctx = Context::new(&self.custom, CONTOSO, EMBED.0);
        let outcome = ladder::run(api, ctx, plan, token.claims, &on).await;
        (outcome, waits.into_inner().unwrap())
    }
}

fn item<'a>(o: &'a Outcome, id: &str) -> &'a Item {
    o.items.iter().find(|i| i.id == id).unwrap()
}

fn plan(goal: Goal) -> Plan {
    let mut p = Plan::new(goal);
    p.scan_poll = Duration::from_millis(10);
    p
}

#[tokio::test]
async fn a_429_with_seconds_is_waited_out_once_and_the_item_passes() {
    let w = world().await;
    let path = format!("/v1.0/myorg/groups/{SALES}/reports");
    w.fault(json!({ "path": path, "method": "GET", "kind": "429", "retry_after": 7, "times": 1 }))
        .await;
    let (o, waits) = w.check(plan(Goal::Embed)).await;
    assert_eq!(item(&o, "list-reports").status, Status::Pass, "{o:#?}");
    assert_eq!(item(&o, "embed-token").status, Status::Pass);
    assert_eq!(w.slept(), [Duration::from_secs(7)]);
    assert_eq!(waits, [(7, "Power BI".to_string())]);
    assert_eq!(w.count("GET", &path).await, 2);
}

#[tokio::test]
async fn a_429_with_an_http_date_is_waited_out_until_that_date() {
    let w = world().await;
    let path = format!("/v1.0/myorg/groups/{SALES}/reports");
    w.fault(json!({
        "path": path, "method": "GET", "kind": "429",
        "retry_after": 20, "retry_after_date": true, "times": 1,
    }))
    .await;
    let (o, waits) = w.check(plan(Goal::Embed)).await;
    assert_eq!(item(&o, "list-reports").status, Status::Pass, "{o:#?}");
    // An HTTP date has whole seconds, so the wait is up to a second short of 20.
    let slept = w.slept();
    assert_eq!(slept.len(), 1);
    assert!(
        slept[0] > Duration::from_secs(18) && slept[0] <= Duration::from_secs(20),
        "{slept:?}"
    );
    assert!(matches!(waits.as_slice(), [(19 | 20, _)]), "{waits:?}");
}

#[tokio::test]
async fn a_wait_longer_than_keyway_allows_is_reported_not_waited() {
    let w = world().await;
    let path = format!("/v1.0/myorg/groups/{SALES}/reports");
    w.fault(json!({ "path": path, "method": "GET", "kind": "429", "retry_after": 120 }))
        .await;
    let (o, waits) = w.check(plan(Goal::Embed)).await;
    let p = item(&o, "list-reports").problem.clone().unwrap();
    assert_eq!((p.http_status, p.retry_after), (Some(429), Some(120)));
    assert!(w.slept().is_empty() && waits.is_empty());
    assert_eq!(w.count("GET", &path).await, 1);
}

#[tokio::test]
async fn generate_token_is_repeated_but_calls_that_create_are_not() {
    let w = world().await;
    let embed = format!("/v1.0/myorg/groups/{SALES}/reports/");
    w.fault(
        json!({ "path": embed, "method": "POST", "kind": "503", "retry_after": 1, "times": 1 }),
    )
    .await;
    let (o, _) = w.check(plan(Goal::Embed)).await;
    assert_eq!(item(&o, "embed-token").status, Status::Pass, "{o:#?}");
    assert_eq!(w.slept(), [Duration::from_secs(1)]);

    // A push dataset and a refresh are each sent once, whatever the answer.
    let datasets = format!("/v1.0/myorg/groups/{SALES}/datasets");
    w.control(reqwest::Method::DELETE, "requests", None).await;
    w.fault(json!({ "path": datasets, "method": "POST", "kind": "429", "retry_after": 1 }))
        .await;
    let mut p = plan(Goal::Data);
    p.allow_changes = true;
    let (o, _) = w.check(p).await;
    for id in ["push-dataset", "refresh"] {
        assert_eq!(item(&o, id).status, Status::Fail, "{id}: {o:#?}");
        assert_eq!(
            item(&o, id).problem.as_ref().unwrap().http_status,
            Some(429)
        );
    }
    assert_eq!(w.slept(), [Duration::from_secs(1)], "no further wait");
    let log = w.control(reqwest::Method::GET, "requests", None).await;
    let posts = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["method"] == "POST" && r["path"].as_str().unwrap().starts_with(&datasets))
        .count();
    assert_eq!(posts, 2, "one push dataset and one refresh: {log:#}");
}

#[tokio::test]
async fn a_503_on_the_token_endpoint_is_waited_out_and_announced() {
    let w = world().await;
    // Entra's token endpoint, unavailable once, with no Retry-After: Keyway backs off 1 s.
    w.fault(json!({ "path": "/contoso.onmicrosoft.com/oauth2", "kind": "503", "times": 1 }))
        .await;
    let session = Session::new(Some(w.cloud.ca_pem.as_bytes()))
        .unwrap()
        .with_retry(w.policy());
    session.remember(Typed::ClientSecret, EMBED.1).unwrap();
    let endpoints = keyway::cloud::CustomEndpoints {
        authority_host: w.cloud.https_url.clone(),
        powerbi_api: w.cloud.https_url.clone(),
        ..Default::default()
    };
    // Typed in Settings by the person: the session may send the secret there.
    session.trust_custom_cloud(endpoints.clone()).unwrap();
    let draft = Draft {
        cloud: CloudId::Custom,
        custom: Some(endpoints),
        tenant: CONTOSO.into(),
        client_id: EMBED.0.into(),
        method: Some(Method::ClientSecret),
        ..Draft::default()
    };
    let events = Mutex::new(vec![]);
    let summary = session
        .sign_in(draft, |e| events.lock().unwrap().push(e), |_| Ok(()))
        .await
        .unwrap();
    assert!(summary.app_only);
    assert_eq!(w.slept(), [Duration::from_secs(1)]);
    let events = events.into_inner().unwrap();
    assert!(
        matches!(events.as_slice(), [SignInEvent::Waiting { wait }]
            if wait.seconds == 1 && wait.what == "The sign-in service at 127.0.0.1"),
        "{events:?}"
    );
    assert_eq!(
        serde_json::to_value(&events[0]).unwrap(),
        json!({ "event": "waiting", "seconds": 1, "what": "The sign-in service at 127.0.0.1" })
    );
}
