#![allow(clippy::unwrap_used)] // Helpers of a test file: a panic is the failure report.
//! Power BI and Fabric answers, through a real HTTPS client, for callers the model allows and
//! refuses. Tokens come from fakecloud's own token endpoint, as a client would get them.

mod common;

use fakecloud::{Running, Scenario};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const CONTOSO: &str = "contoso.onmicrosoft.com";
const PBI: &str = "https://analysis.windows.net/powerbi/api";
const SALES: &str = "f0f0f0f0-1111-4111-8111-000000000001";
const FINANCE: &str = "f0f0f0f0-1111-4111-8111-000000000002";
const REVENUE_REPORT: &str = "e0e0e0e0-1111-4111-8111-000000000001";
const SALES_MODEL: &str = "d0d0d0d0-1111-4111-8111-000000000001";
const LIVE_ORDERS: &str = "d0d0d0d0-1111-4111-8111-000000000002";

struct Cloud {
    running: Running,
    http: Client,
}

async fn start() -> Cloud {
    let (running, http) = common::start_with(Scenario::contoso()).await;
    Cloud { running, http }
}

impl Cloud {
    async fn app_token(&self, tenant: &str, client_id: &str, secret: &str) -> String {
        let scope = format!("{PBI}/.default");
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("scope", scope.as_str()),
        ];
        common::access_token(&self.http, &self.running.https_url, tenant, &form).await
    }

    async fn user_token(&self, scopes: &str) -> String {
        self.user_token_for("ada@contoso.com", scopes).await
    }

    async fn user_token_for(&self, user: &str, scopes: &str) -> String {
        let form = [
            ("grant_type", "password"),
            ("client_id", "33333333-3333-4333-8333-333333333333"),
            ("username", user),
            ("password", "Correct-Horse-42"),
            ("scope", scopes),
        ];
        common::access_token(&self.http, &self.running.https_url, CONTOSO, &form).await
    }

    async fn embed_token(&self) -> String {
        self.app_token(
            CONTOSO,
            "11111111-1111-4111-8111-111111111111",
            "Emb8Q~current.secret-value_0123456789abcdef",
        )
        .await
    }

    async fn scanner_token(&self) -> String {
        self.app_token(
            CONTOSO,
            "22222222-2222-4222-8222-222222222222",
            "Scn8Q~scanner.secret-value_0123456789abcdef",
        )
        .await
    }

    async fn call(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let url = format!("{}{path}", self.running.https_url);
        let req = match method {
            "POST" => self.http.post(url).json(&body.unwrap_or(json!({}))),
            "DELETE" => self.http.delete(url),
            _ => self.http.get(url),
        };
        let res = req.bearer_auth(token).send().await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap();
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        };
        (status, headers, json)
    }
}

fn names(v: &Value) -> Vec<String> {
    v["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_service_principal_sees_only_its_workspaces_and_can_embed() {
    let cloud = start().await;
    let token = cloud.embed_token().await;
    let (status, headers, groups) = cloud.call("GET", "/v1.0/myorg/groups", &token, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.contains_key("requestid"));
    assert_eq!(names(&groups), vec!["Sales Analytics"]);
    assert!(groups["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("$metadata#groups"));

    let (status, _, reports) = cloud
        .call(
            "GET",
            &format!("/v1.0/myorg/groups/{SALES}/reports"),
            &token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&reports), vec!["Revenue by Region"]);

    let path = format!("/v1.0/myorg/groups/{SALES}/reports/{REVENUE_REPORT}/GenerateToken");
    let (status, _, embed) = cloud
        .call("POST", &path, &token, Some(json!({"accessLevel": "View"})))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(embed["token"].as_str().unwrap().starts_with("H4sI"));
    assert!(embed["expiration"].as_str().unwrap().ends_with('Z'));
    cloud.running.stop();
}

#[tokio::test]
async fn the_tenant_switch_and_its_group_decide_for_service_principals() {
    let cloud = start().await;
    // In Contoso, but not in the group the switch is limited to.
    let outside = cloud
        .app_token(
            CONTOSO,
            "44444444-4444-4444-8444-444444444444",
            "Out8Q~outside.secret-value_0123456789abcdef",
        )
        .await;
    // In Fabrikam, where the switch is off.
    let fabrikam = cloud
        .app_token(
            "fabrikam.onmicrosoft.com",
            "77777777-7777-4777-8777-777777777777",
            "Fab8Q~fabrikam.secret-value_0123456789abcdef",
        )
        .await;
    for token in [outside, fabrikam] {
        let (status, headers, body) = cloud.call("GET", "/v1.0/myorg/groups", &token, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["code"], "PowerBINotAuthorizedException");
        assert_eq!(
            body["error"]["pbi.error"]["code"],
            "PowerBINotAuthorizedException"
        );
        assert_eq!(
            headers["x-powerbi-error-info"],
            "ServicePrincipalIsNotAllowedByTenantAdminSwitch"
        );
    }
    cloud.running.stop();
}

#[tokio::test]
async fn workspace_access_is_checked_per_workspace() {
    let cloud = start().await;
    let token = cloud.embed_token().await;
    let (status, headers, body) = cloud
        .call(
            "GET",
            &format!("/v1.0/myorg/groups/{FINANCE}/reports"),
            &token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "not a member of Finance");
    assert_eq!(body["error"]["code"], "PowerBINotAuthorizedException");
    assert!(
        !headers.contains_key("x-powerbi-error-info"),
        "the switch is not the cause"
    );
    let missing = "f0f0f0f0-9999-4999-8999-000000000009";
    let (status, _, body) = cloud
        .call(
            "GET",
            &format!("/v1.0/myorg/groups/{missing}/reports"),
            &token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "PowerBIEntityNotFound");
    let (status, _, body) = cloud
        .call("GET", "/v1.0/myorg/datasets", &token, None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["Message"], "API is not accessible for application");
    cloud.running.stop();
}

#[tokio::test]
async fn refresh_and_push_datasets() {
    let cloud = start().await;
    let token = cloud.embed_token().await;
    let path = format!("/v1.0/myorg/groups/{SALES}/datasets/{SALES_MODEL}/refreshes");
    let (status, headers, body) = cloud.call("POST", &path, &token, None).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(body, Value::Null, "202 with an empty body");
    let request_id = headers["requestid"].to_str().unwrap().to_string();
    let (_, _, history) = cloud.call("GET", &path, &token, None).await;
    assert_eq!(history["value"][0]["requestId"], request_id.as_str());

    let push_refresh = format!("/v1.0/myorg/groups/{SALES}/datasets/{LIVE_ORDERS}/refreshes");
    assert_eq!(
        cloud.call("POST", &push_refresh, &token, None).await.0,
        StatusCode::BAD_REQUEST
    );

    let create = json!({"name": "Keyway check", "defaultMode": "Push",
        "tables": [{"name": "Probe", "columns": [{"name": "At", "dataType": "DateTime"}]}]});
    let (status, _, created) = cloud
        .call(
            "POST",
            &format!("/v1.0/myorg/groups/{SALES}/datasets"),
            &token,
            Some(create),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = created["id"].as_str().unwrap().to_string();
    let rows = json!({"rows": [{"At": "2026-11-23T10:00:00Z"}]});
    let rows_path = format!("/v1.0/myorg/groups/{SALES}/datasets/{id}/tables/Probe/rows");
    assert_eq!(
        cloud.call("POST", &rows_path, &token, Some(rows)).await.0,
        StatusCode::OK
    );
    let del = format!("/v1.0/myorg/groups/{SALES}/datasets/{id}");
    assert_eq!(
        cloud.call("DELETE", &del, &token, None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        cloud.call("DELETE", &del, &token, None).await.0,
        StatusCode::NOT_FOUND
    );
    cloud.running.stop();
}

#[tokio::test]
async fn admin_scanner_flow_and_tenant_settings() {
    let cloud = start().await;
    let token = cloud.scanner_token().await;
    let (status, _, body) = cloud
        .call("GET", "/v1.0/myorg/admin/groups", &token, None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "$top is required");
    assert!(body["error"]["message"].as_str().unwrap().contains("$top"));
    let (status, _, groups) = cloud
        .call("GET", "/v1.0/myorg/admin/groups?$top=100", &token, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&groups), vec!["Sales Analytics", "Finance"]);

    let (status, _, scan) = cloud
        .call(
            "POST",
            "/v1.0/myorg/admin/workspaces/getInfo?datasetSchema=True&datasetExpressions=True",
            &token,
            Some(json!({"workspaces": [SALES]})),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let id = scan["id"].as_str().unwrap();
    let status_path = format!("/v1.0/myorg/admin/workspaces/scanStatus/{id}");
    assert_eq!(
        cloud.call("GET", &status_path, &token, None).await.2["status"],
        "Running"
    );
    assert_eq!(
        cloud.call("GET", &status_path, &token, None).await.2["status"],
        "Succeeded"
    );
    let (status, _, result) = cloud
        .call(
            "GET",
            &format!("/v1.0/myorg/admin/workspaces/scanResult/{id}"),
            &token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let live = &result["workspaces"][0]["datasets"][1];
    assert_eq!(
        live["tables"][0]["name"], "Orders",
        "detailed metadata is on"
    );
    assert!(
        live.get("expressions").is_none(),
        "DAX and mashup expressions are off"
    );

    let (status, _, settings) = cloud
        .call("GET", "/v1/admin/tenantsettings", &token, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let sp = settings["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["settingName"] == "ServicePrincipalAccessPermissionAPIs")
        .unwrap();
    assert_eq!(sp["enabled"], true);
    assert_eq!(sp["enabledSecurityGroups"][0]["name"], "Power BI API apps");
    cloud.running.stop();
}

#[tokio::test]
async fn users_need_the_scope_for_each_call() {
    let cloud = start().await;
    let token = cloud.user_token(&format!("{PBI}/Workspace.Read.All")).await;
    let (status, _, groups) = cloud.call("GET", "/v1.0/myorg/groups", &token, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&groups), vec!["Sales Analytics", "Finance"]);
    // Report.Read.All was consented but not asked for, so this token lacks it.
    let (status, _, _) = cloud
        .call(
            "GET",
            &format!("/v1.0/myorg/groups/{SALES}/reports"),
            &token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // An administrator still needs Tenant.Read.All in the token for admin APIs.
    let (status, _, _) = cloud
        .call("GET", "/v1.0/myorg/admin/groups?$top=10", &token, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    cloud.running.stop();
}

#[tokio::test]
async fn expired_and_foreign_tokens() {
    let cloud = start().await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let expired = cloud
        .running
        .state
        .key
        .sign(
            &json!({"aud": PBI, "tid": "7b0c3a4e-1f2d-4c5b-9a8e-0d1c2b3a4f5e",
                      "oid": "11111111-aaaa-4aaa-8aaa-000000000001", "idtyp": "app",
                      "exp": now - 60, "nbf": now - 3660}),
        )
        .unwrap();
    let (status, _, body) = cloud
        .call("GET", "/v1.0/myorg/groups", &expired, None)
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "Power BI answers an expired token with 403"
    );
    assert_eq!(body["error"]["code"], "TokenExpired");

    let graph: Value = cloud
        .http
        .post(format!(
            "{}/{CONTOSO}/oauth2/v2.0/token",
            cloud.running.https_url
        ))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "11111111-1111-4111-8111-111111111111"),
            (
                "client_secret",
                "Emb8Q~current.secret-value_0123456789abcdef",
            ),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (status, _, _) = cloud
        .call(
            "GET",
            "/v1.0/myorg/groups",
            graph["access_token"].as_str().unwrap(),
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a Graph token is not for Power BI"
    );
    let (status, _, _) = cloud
        .call("GET", "/v1.0/myorg/groups", "not-a-token", None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    cloud.running.stop();
}

#[tokio::test]
async fn injected_faults_look_like_the_real_failures() {
    let cloud = start().await;
    let token = cloud.embed_token().await;
    let control = |body: Value| {
        cloud
            .http
            .post(format!("{}/_fakecloud/faults", cloud.running.https_url))
            .json(&body)
            .send()
    };
    control(json!({"path": "/v1.0/myorg/groups", "kind": "429", "times": 1, "retry_after": 7}))
        .await
        .unwrap();
    let (status, headers, body) = cloud.call("GET", "/v1.0/myorg/groups", &token, None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers["retry-after"], "7");
    assert_eq!(body["error"]["code"], "TooManyRequests");
    assert_eq!(
        cloud
            .call("GET", "/v1.0/myorg/groups", &token, None)
            .await
            .0,
        StatusCode::OK,
        "only once"
    );

    control(json!({"path": "/v1.0/myorg/capacities", "kind": "malformed", "times": 1}))
        .await
        .unwrap();
    let res = cloud
        .http
        .get(format!("{}/v1.0/myorg/capacities", cloud.running.https_url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(res.json::<Value>().await.is_err(), "not JSON");

    control(json!({"path": "/v1.0/myorg/capacities", "kind": "truncated", "times": 1}))
        .await
        .unwrap();
    let res = cloud
        .http
        .get(format!("{}/v1.0/myorg/capacities", cloud.running.https_url))
        .bearer_auth(&token)
        .send()
        .await;
    let body = match res {
        Ok(r) => r.bytes().await.map(|b| b.to_vec()),
        Err(e) => Err(e),
    };
    assert!(body.is_err(), "the body never completes");

    control(json!({"path": "/v1.0/myorg/capacities", "kind": "hang", "ms": 2000, "times": 1}))
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let res = cloud
        .http
        .get(format!("{}/v1.0/myorg/capacities", cloud.running.https_url))
        .bearer_auth(&token)
        .timeout(std::time::Duration::from_millis(200))
        .send()
        .await;
    assert!(res.unwrap_err().is_timeout());
    assert!(started.elapsed() < std::time::Duration::from_millis(1500));
    cloud.running.stop();
}

#[tokio::test]
async fn v1_token_endpoint_speaks_in_strings() {
    let cloud = start().await;
    let res: Value = cloud
        .http
        .post(format!(
            "{}/{CONTOSO}/oauth2/token",
            cloud.running.https_url
        ))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "11111111-1111-4111-8111-111111111111"),
            (
                "client_secret",
                "Emb8Q~current.secret-value_0123456789abcdef",
            ),
            ("resource", PBI),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res["expires_in"], "3599");
    assert!(res["expires_on"].as_str().unwrap().parse::<i64>().is_ok());
    assert_eq!(res["resource"], PBI);
    let (status, _, _) = cloud
        .call(
            "GET",
            "/v1.0/myorg/groups",
            res["access_token"].as_str().unwrap(),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "a v1 token works at Power BI");
    // A v2 request that names a resource is refused, as Entra does.
    let res = cloud
        .http
        .post(format!(
            "{}/{CONTOSO}/oauth2/v2.0/token",
            cloud.running.https_url
        ))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "11111111-1111-4111-8111-111111111111"),
            (
                "client_secret",
                "Emb8Q~current.secret-value_0123456789abcdef",
            ),
            ("resource", PBI),
        ])
        .header("client-request-id", "0f0f0f0f-1234-4321-8888-000000000001")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error_codes"], json!([901002]));
    assert_eq!(
        body["correlation_id"], "0f0f0f0f-1234-4321-8888-000000000001",
        "echoes client-request-id"
    );
    cloud.running.stop();
}

#[tokio::test]
async fn a_person_without_a_licence_reaches_only_capacity_workspaces() {
    let cloud = start().await;
    let scope = format!("{PBI}/Workspace.Read.All {PBI}/Report.Read.All");
    let token = cloud.user_token_for("nolicense@contoso.com", &scope).await;
    let (status, _, groups) = cloud.call("GET", "/v1.0/myorg/groups", &token, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&groups), vec!["Finance"]);
    let (status, _, _) = cloud
        .call(
            "GET",
            &format!("/v1.0/myorg/groups/{FINANCE}/reports"),
            &token,
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "Finance is on shared capacity"
    );
    cloud.running.stop();
}
