#![allow(clippy::unwrap_used)] // Helpers of a test file: a panic is the failure report.
//! "Register the app for me": the Graph calls an administrator's sign-in makes, end to end,
//! until the new app reads Power BI with its new secret.

mod common;

use fakecloud::Scenario;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const CONTOSO: &str = "contoso.onmicrosoft.com";
const GRAPH: &str = "https://graph.microsoft.com";
const PBI: &str = "https://analysis.windows.net/powerbi/api";
const ALLOWED_GROUP: &str = "a1a1a1a1-0000-4000-8000-000000000001";
const SALES: &str = "f0f0f0f0-1111-4111-8111-000000000001";

async fn token(http: &Client, base: &str, form: &[(&str, &str)]) -> String {
    common::access_token(http, base, CONTOSO, form).await
}

#[tokio::test]
async fn an_administrator_registers_an_app_that_then_reads_power_bi() {
    let (cloud, http) = common::start_with(Scenario::contoso()).await;
    let base = cloud.https_url.clone();

    let scopes = format!(
        "{GRAPH}/Application.ReadWrite.All {GRAPH}/DelegatedPermissionGrant.ReadWrite.All \
         {GRAPH}/Group.ReadWrite.All"
    );
    let admin = token(
        &http,
        &base,
        &[
            ("grant_type", "password"),
            ("client_id", "33333333-3333-4333-8333-333333333333"),
            ("username", "ada@contoso.com"),
            ("password", "Correct-Horse-42"),
            ("scope", &scopes),
        ],
    )
    .await;
    let graph = |method: &str, path: &str, body: Option<Value>| {
        let url = format!("{base}/v1.0/{path}");
        let req = match method {
            "POST" => http.post(url).json(&body.unwrap_or(json!({}))),
            _ => http.get(url),
        };
        req.bearer_auth(&admin).send()
    };

    let res = graph(
        "POST",
        "applications",
        Some(json!({"displayName": "Sales exporter", "signInAudience": "AzureADMyOrg"})),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let app: Value = res.json().await.unwrap();
    let (object_id, app_id) = (
        app["id"].as_str().unwrap().to_string(),
        app["appId"].as_str().unwrap().to_string(),
    );

    let secret: Value = graph(
        "POST",
        &format!("applications/{object_id}/addPassword"),
        Some(json!({"passwordCredential": {"displayName": "Keyway"}})),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let value = secret["secretText"].as_str().unwrap().to_string();
    assert_eq!(secret["hint"], &value[..3]);

    // Read back: the Secret ID and hint are there, the value never is.
    let read: Value = graph("GET", &format!("applications/{object_id}"), None)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["passwordCredentials"][0]["keyId"], secret["keyId"]);
    assert_eq!(read["passwordCredentials"][0]["secretText"], Value::Null);
    assert!(!read.to_string().contains(&value));

    // No service principal yet: Entra does not know the app in this directory.
    let early = http
        .post(format!("{base}/{CONTOSO}/oauth2/v2.0/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", app_id.as_str()),
            ("client_secret", value.as_str()),
            ("scope", &format!("{PBI}/.default")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        early.json::<Value>().await.unwrap()["error_codes"],
        json!([700016])
    );

    let res = graph("POST", "servicePrincipals", Some(json!({"appId": app_id})))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let sp: Value = res.json().await.unwrap();
    let sp_id = sp["id"].as_str().unwrap().to_string();

    let pbi: Value = graph(
        "GET",
        "servicePrincipals?$filter=appId eq '00000009-0000-0000-c000-000000000000'",
        None,
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let pbi_sp = pbi["value"][0]["id"].as_str().unwrap().to_string();
    assert!(pbi["value"][0]["oauth2PermissionScopes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["value"] == "Dataset.Read.All"));
    let grant = json!({
        "clientId": sp_id,
        "consentType": "AllPrincipals",
        "principalId": null,
        "resourceId": pbi_sp,
        "scope": "Workspace.Read.All Dataset.Read.All",
    });
    let res = graph("POST", "oauth2PermissionGrants", Some(grant))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    let member =
        json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/directoryObjects/{sp_id}")});
    let res = graph(
        "POST",
        &format!("groups/{ALLOWED_GROUP}/members/$ref"),
        Some(member.clone()),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let again = graph(
        "POST",
        &format!("groups/{ALLOWED_GROUP}/members/$ref"),
        Some(member),
    )
    .await
    .unwrap();
    assert_eq!(again.status(), StatusCode::BAD_REQUEST, "already a member");

    // The embed app (Admin of Sales) gives the new app a seat in the workspace.
    let embed = token(
        &http,
        &base,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "11111111-1111-4111-8111-111111111111"),
            (
                "client_secret",
                "Emb8Q~current.secret-value_0123456789abcdef",
            ),
            ("scope", &format!("{PBI}/.default")),
        ],
    )
    .await;
    let res = http
        .post(format!("{base}/v1.0/myorg/groups/{SALES}/users"))
        .bearer_auth(&embed)
        .json(
            &json!({"identifier": sp_id, "groupUserAccessRight": "Member", "principalType": "App"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let new_app = token(
        &http,
        &base,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &app_id),
            ("client_secret", &value),
            ("scope", &format!("{PBI}/.default")),
        ],
    )
    .await;
    let groups: Value = http
        .get(format!("{base}/v1.0/myorg/groups"))
        .bearer_auth(&new_app)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(groups["value"][0]["name"], "Sales Analytics");

    // A Power BI token is not a Graph token.
    let res = http
        .get(format!("{base}/v1.0/applications"))
        .bearer_auth(&embed)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "InvalidAuthenticationToken"
    );
    cloud.stop();
}

/// What a second run of "set it up for me" reads before it changes anything: the app by its
/// name, its service principal, the group by its name and its members, and the tenant setting,
/// which a Fabric administrator then limits to that group.
#[tokio::test]
async fn a_re_run_reads_back_what_exists_and_the_setting_is_limited_to_the_group() {
    let (cloud, http) = common::start_with(Scenario::contoso()).await;
    let base = cloud.https_url.clone();
    let admin = |scope: String| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            token(
                &http,
                &base,
                &[
                    ("grant_type", "password"),
                    ("client_id", "04b07795-8ddb-461a-bbee-02f9e1bf7b46"),
                    ("username", "ada@contoso.com"),
                    ("password", "Correct-Horse-42"),
                    ("scope", &scope),
                ],
            )
            .await
        }
    };
    let graph_token = admin(format!(
        "{GRAPH}/Application.ReadWrite.All {GRAPH}/Group.ReadWrite.All"
    ))
    .await;
    let get = |path: String| {
        let (http, base, t) = (http.clone(), base.clone(), graph_token.clone());
        async move {
            let res = http
                .get(format!("{base}/v1.0/{path}"))
                .bearer_auth(t)
                .send()
                .await;
            res.unwrap().json::<Value>().await.unwrap()
        }
    };
    let created: Value = http
        .post(format!("{base}/v1.0/applications"))
        .bearer_auth(&graph_token)
        .json(&json!({ "displayName": "Contoso's exporter" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    // By name, a quote doubled as OData wants; other names do not match.
    let found = get("applications?$filter=displayName eq 'Contoso''s exporter'".into()).await;
    assert_eq!(found["value"].as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found["value"][0]["appId"], created["appId"]);
    assert!(found["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("/v1.0/$metadata#applications"));
    let none = get("applications?$filter=displayName eq 'Contoso'".into()).await;
    assert_eq!(none["value"], json!([]));

    let app_id = created["appId"].as_str().unwrap();
    let sp: Value = http
        .post(format!("{base}/v1.0/servicePrincipals"))
        .bearer_auth(&graph_token)
        .json(&json!({ "appId": app_id }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let by_app = get(format!("servicePrincipals?$filter=appId eq '{app_id}'")).await;
    assert_eq!(by_app["value"][0]["id"], sp["id"]);

    let groups = get("groups?$filter=displayName eq 'Power BI API apps'".into()).await;
    assert_eq!(groups["value"][0]["id"], ALLOWED_GROUP);
    let member = json!({ "@odata.id": format!("{GRAPH}/v1.0/directoryObjects/{}", sp["id"]
        .as_str().unwrap()) });
    let res = http
        .post(format!("{base}/v1.0/groups/{ALLOWED_GROUP}/members/$ref"))
        .bearer_auth(&graph_token)
        .json(&member)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let members = get(format!("groups/{ALLOWED_GROUP}/members")).await;
    assert!(
        members["value"].as_array().unwrap().iter().any(
            |m| m["appId"] == app_id && m["@odata.type"] == "#microsoft.graph.servicePrincipal"
        ),
        "{members}"
    );

    // The setting, limited to the group: Tenant.ReadWrite.All for a Fabric administrator.
    let fabric = "https://api.fabric.microsoft.com";
    let update =
        format!("{base}/v1/admin/tenantsettings/ServicePrincipalAccessPermissionAPIs/update");
    let body = json!({ "enabled": true,
        "enabledSecurityGroups": [{ "graphId": ALLOWED_GROUP, "name": "Power BI API apps" }] });
    let reader = admin(format!("{fabric}/Tenant.Read.All")).await;
    let res = http
        .post(&update)
        .bearer_auth(&reader)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "reading is not writing"
    );
    let writer = admin(format!("{fabric}/Tenant.ReadWrite.All")).await;
    let res = http
        .post(&update)
        .bearer_auth(&writer)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let now: Value = res.json().await.unwrap();
    let setting = &now["tenantSettings"][0];
    assert_eq!(setting["enabled"], true, "{now}");
    assert_eq!(
        setting["enabledSecurityGroups"][0]["graphId"],
        ALLOWED_GROUP
    );
    let unknown = json!({ "enabled": true,
        "enabledSecurityGroups": [{ "graphId": "99999999-0000-4000-8000-000000000009" }] });
    let res = http
        .post(&update)
        .bearer_auth(&writer)
        .json(&unknown)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    cloud.stop();
}
