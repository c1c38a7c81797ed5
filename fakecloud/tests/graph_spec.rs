#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! fakecloud's Microsoft Graph held to Graph's own v1.0 metadata (CSDL), not to Keyway's client:
//! every object it answers with has only properties its type defines, of the defined type, no
//! null where the metadata forbids one; collections carry `@odata.context`; the `appId`
//! alternate key the metadata declares is served at its real path. `spec/graph-shapes.json` is
//! extracted from microsoftgraph/msgraph-metadata (its source and commit are inside).

mod common;

use base64::Engine;
use fakecloud::Scenario;
use reqwest::Client;
use serde_json::{json, Value};

const CONTOSO: &str = "contoso.onmicrosoft.com";
const GRAPH: &str = "https://graph.microsoft.com";
const AZURE_CLI: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

fn shapes() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/graph-shapes.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Checks `value` against the CSDL type named `ty` (`Edm.*`, `microsoft.graph.*`,
/// `Collection(…)`), adding what is wrong to `problems`.
fn check(shapes: &Value, ty: &str, nullable: bool, value: &Value, at: &str, out: &mut Vec<String>) {
    if value.is_null() {
        if !nullable {
            out.push(format!("{at}: null where {ty} may not be null"));
        }
        return;
    }
    if let Some(inner) = ty
        .strip_prefix("Collection(")
        .and_then(|t| t.strip_suffix(')'))
    {
        match value.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    check(shapes, inner, false, item, &format!("{at}[{i}]"), out);
                }
            }
            None => out.push(format!("{at}: {value} is not a collection of {inner}")),
        }
        return;
    }
    let text = value.as_str();
    let ok = match ty {
        "Edm.String" => text.is_some(),
        "Edm.Boolean" => value.is_boolean(),
        "Edm.Int32" | "Edm.Int64" => value.is_i64() || value.is_u64(),
        "Edm.Guid" => text.is_some_and(|t| t.parse::<uuid::Uuid>().is_ok()),
        "Edm.DateTimeOffset" => text.is_some_and(|t| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).is_ok()
        }),
        "Edm.Binary" => {
            text.is_some_and(|t| base64::engine::general_purpose::STANDARD.decode(t).is_ok())
        }
        "Edm.Duration" => text.is_some_and(|t| t.starts_with('P')),
        _ => {
            let name = ty.trim_start_matches("microsoft.graph.");
            if shapes["types"].get(name).is_some() {
                object(shapes, name, value, at, out);
            } else if shapes["enumTypes"].get(name).is_some()
                && text.is_none_or(|t| shapes["enumTypes"][name]["members"].get(t).is_none())
            {
                out.push(format!("{at}: {value} is not a member of {name}"));
            }
            // A type the extract does not describe is not checked further.
            true
        }
    };
    if !ok {
        out.push(format!("{at}: {value} is not an {ty}"));
    }
}

/// Checks an object against an entity or complex type: each property defined, of its type.
fn object(shapes: &Value, name: &str, value: &Value, at: &str, out: &mut Vec<String>) {
    let Some(fields) = value.as_object() else {
        out.push(format!("{at}: not an object ({name})"));
        return;
    };
    // A derived type named by the object itself (`@odata.type`), as a group's members are.
    let name = fields
        .get("@odata.type")
        .and_then(Value::as_str)
        .map(|t| t.trim_start_matches("#microsoft.graph."))
        .unwrap_or(name);
    let props = &shapes["types"][name]["properties"];
    for (k, v) in fields {
        if k.starts_with('@') {
            continue; // OData annotations (`@odata.context`, `@odata.type`).
        }
        match props.get(k) {
            Some(p) => check(
                shapes,
                p["type"].as_str().unwrap_or_default(),
                p["nullable"] != false,
                v,
                &format!("{at}.{k}"),
                out,
            ),
            None => out.push(format!("{at}: {name} defines no property {k}")),
        }
    }
}

struct Graph {
    http: Client,
    base: String,
    token: String,
}

impl Graph {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .http
            .request(method, format!("{}/v1.0/{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }
}

#[tokio::test]
async fn graph_answers_match_graphs_own_metadata() {
    let mut scenario = Scenario::contoso();
    scenario.tenants[0].app_policy = Some(fakecloud::scenario::AppPolicy {
        id: "538f1913-366a-440a-95a0-e195cb55b282".parse().unwrap(),
        password_max_days: Some(800),
        key_max_days: Some(800),
    });
    let (cloud, http) = common::start_with(scenario).await;
    let base = cloud.https_url.clone();
    let scopes = [
        "Application.ReadWrite.All",
        "Group.ReadWrite.All",
        "Policy.Read.All",
        "DelegatedPermissionGrant.ReadWrite.All",
        "AppRoleAssignment.ReadWrite.All",
    ]
    .map(|s| format!("{GRAPH}/{s}"))
    .join(" ");
    let token = common::access_token(
        &http,
        &base,
        CONTOSO,
        &[
            ("grant_type", "password"),
            ("client_id", AZURE_CLI),
            ("username", "ada@contoso.com"),
            ("password", "Correct-Horse-42"),
            ("scope", &scopes),
        ],
    )
    .await;
    let g = Graph { http, base, token };
    use reqwest::Method as M;
    let shapes = shapes();
    let mut out = vec![];
    let mut answers: Vec<(&str, String, Value)> = vec![];

    let app = g
        .call(
            M::POST,
            "applications",
            Some(json!({ "displayName": "Spec check", "signInAudience": "AzureADMyOrg",
                "isFallbackPublicClient": true,
                "publicClient": { "redirectUris": ["http://localhost"] },
                "requiredResourceAccess": [{ "resourceAppId": "00000009-0000-0000-c000-000000000000",
                    "resourceAccess": [{ "id": "4ae1bf56-f562-4747-b7bc-2fa0874ed46f", "type": "Scope" }] }] })),
        )
        .await;
    let (object_id, app_id) = (
        app["id"].as_str().unwrap().to_string(),
        app["appId"].as_str().unwrap().to_string(),
    );
    answers.push(("application", "POST applications".into(), app));
    let secret = g
        .call(
            M::POST,
            &format!("applications/{object_id}/addPassword"),
            Some(json!({ "passwordCredential": { "displayName": "Keyway" } })),
        )
        .await;
    answers.push(("passwordCredential", "addPassword".into(), secret));
    let sp = g
        .call(
            M::POST,
            "servicePrincipals",
            Some(json!({ "appId": app_id })),
        )
        .await;
    let sp_id = sp["id"].as_str().unwrap().to_string();
    answers.push(("servicePrincipal", "POST servicePrincipals".into(), sp));
    let mut params = rcgen::CertificateParams::new(vec!["spec".to_string()]).unwrap();
    params.not_after = time::OffsetDateTime::now_utc() + time::Duration::days(30);
    let cert = params
        .self_signed(&rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap())
        .unwrap();
    let key = base64::engine::general_purpose::STANDARD.encode(cert.der());
    g.call(
        M::PATCH,
        &format!("applications/{object_id}"),
        Some(
            json!({ "keyCredentials": [{ "type": "AsymmetricX509Cert", "usage": "Verify",
            "key": key, "displayName": "spec" }] }),
        ),
    )
    .await;
    let pbi = g
        .call(
            M::GET,
            "servicePrincipals?$filter=appId eq '00000009-0000-0000-c000-000000000000'",
            None,
        )
        .await;
    let pbi_id = pbi["value"][0]["id"].as_str().unwrap().to_string();
    let grant = g
        .call(
            M::POST,
            "oauth2PermissionGrants",
            Some(json!({ "clientId": sp_id, "consentType": "AllPrincipals",
                "resourceId": pbi_id, "scope": "Report.Read.All" })),
        )
        .await;
    answers.push((
        "oAuth2PermissionGrant",
        "POST oauth2PermissionGrants".into(),
        grant,
    ));
    cloud.state.scenario.write().unwrap().tenants[0]
        .apps
        .iter_mut()
        .find(|a| a.display_name == "Spec check")
        .unwrap()
        .application_permissions = vec!["Tenant.Read.All".into()];
    let group = "a1a1a1a1-0000-4000-8000-000000000001";

    // The answers and the collections, which all carry `@odata.context`.
    for (ty, path) in [
        ("application", format!("applications(appId='{app_id}')")),
        ("application", format!("applications/{object_id}")),
        (
            "servicePrincipal",
            format!("servicePrincipals(appId='{app_id}')"),
        ),
        ("servicePrincipal", format!("servicePrincipals/{sp_id}")),
        (
            "tenantAppManagementPolicy",
            "policies/defaultAppManagementPolicy".into(),
        ),
        (
            "appManagementPolicy",
            "policies/appManagementPolicies/538f1913-366a-440a-95a0-e195cb55b282".into(),
        ),
    ] {
        let one = g.call(M::GET, &path, None).await;
        answers.push((ty, path, one));
    }
    for (ty, path) in [
        (
            "application",
            "applications?$filter=displayName eq 'Spec check'".to_string(),
        ),
        (
            "servicePrincipal",
            format!("servicePrincipals?$filter=appId eq '{app_id}'"),
        ),
        (
            "servicePrincipal",
            "servicePrincipals?$filter=appId eq '00000009-0000-0000-c000-000000000000'".into(),
        ),
        (
            "group",
            "groups?$filter=displayName eq 'Power BI API apps'".into(),
        ),
        ("directoryObject", format!("groups/{group}/members")),
        (
            "oAuth2PermissionGrant",
            format!("oauth2PermissionGrants?$filter=clientId eq '{sp_id}'"),
        ),
        (
            "appRoleAssignment",
            format!("servicePrincipals/{sp_id}/appRoleAssignments"),
        ),
    ] {
        let list = g.call(M::GET, &path, None).await;
        if !list["@odata.context"].is_string() {
            out.push(format!("{path}: no @odata.context"));
        }
        let items = list["value"]
            .as_array()
            .unwrap_or_else(|| panic!("{path}: {list}"));
        assert!(!items.is_empty(), "{path}: nothing to check");
        for (i, item) in items.iter().enumerate() {
            answers.push((ty, format!("{path}[{i}]"), item.clone()));
        }
    }
    for (ty, at, value) in &answers {
        object(&shapes, ty, value, at, &mut out);
    }
    // The read-back lists the certificate with its public details and no key.
    let read = g
        .call(M::GET, &format!("applications/{object_id}"), None)
        .await;
    assert_eq!(read["keyCredentials"].as_array().unwrap().len(), 1);
    assert!(read["keyCredentials"][0]["key"].is_null());
    assert!(out.is_empty(), "{}", out.join("\n"));
    cloud.stop();
}

#[test]
fn the_check_finds_what_the_metadata_does_not_allow() {
    let shapes = shapes();
    let mut out = vec![];
    let bad = json!({ "keyId": "not-a-guid", "thumbprint": "AB", "endDateTime": "tomorrow",
        "@odata.type": "#microsoft.graph.keyCredential" });
    object(&shapes, "keyCredential", &bad, "key", &mut out);
    assert_eq!(out.len(), 3, "{out:#?}");
    let mut out = vec![];
    object(
        &shapes,
        "application",
        &json!({ "keyCredentials": null }),
        "app",
        &mut out,
    );
    assert_eq!(out.len(), 1, "a collection may not be null: {out:#?}");
}
