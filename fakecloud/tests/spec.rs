#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! fakecloud held to Microsoft's published description of the Power BI REST API, not to
//! Keyway's client: every object it answers with has the properties the description requires,
//! no property it does not define, and values of the described type and enumeration.
//! `spec/powerbi-definitions.json` is copied from the Power BI swagger (its source is inside);
//! `spec/fabric-shapes.json` from Fabric's admin swagger (microsoft/fabric-rest-api-specs).

mod common;

use fakecloud::Scenario;
use serde_json::{json, Map, Value};

const CONTOSO: &str = "contoso.onmicrosoft.com";
const SALES: &str = "f0f0f0f0-1111-4111-8111-000000000001";

fn definitions() -> Map<String, Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/powerbi-definitions.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["definitions"].as_object().unwrap().clone()
}

/// The definition a `$ref` names, in this file or another (`../common/definitions.json#/…`).
fn ref_name(r: &str) -> &str {
    r.rsplit("#/definitions/").next().unwrap_or(r)
}

/// A definition's properties and required names, `allOf` and `$ref` followed.
fn shape(defs: &Map<String, Value>, name: &str) -> (Map<String, Value>, Vec<String>) {
    let def = &defs[name];
    let mut props = def["properties"].as_object().cloned().unwrap_or_default();
    let mut required: Vec<String> = def["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_str().map(str::to_string))
        .collect();
    for part in def["allOf"].as_array().into_iter().flatten() {
        if let Some(r) = part["$ref"].as_str() {
            let (p, req) = shape(defs, ref_name(r));
            props.extend(p);
            required.extend(req);
        }
        if let Some(inline) = part["properties"].as_object() {
            props.extend(inline.clone());
        }
    }
    (props, required)
}

fn check_value(
    defs: &Map<String, Value>,
    schema: &Value,
    value: &Value,
    at: &str,
    problems: &mut Vec<String>,
) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = ref_name(r);
        if defs[name]["enum"].is_array() {
            return check_value(defs, &defs[name], value, at, problems);
        }
        return check_object(defs, name, value, at, problems);
    }
    let ok = match schema["type"].as_str() {
        Some("string") => value.is_string(),
        Some("boolean") => value.is_boolean(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("array") => {
            for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                check_value(
                    defs,
                    &schema["items"],
                    item,
                    &format!("{at}[{i}]"),
                    problems,
                );
            }
            value.is_array()
        }
        _ => true,
    };
    if !ok {
        problems.push(format!("{at}: {value} is not a {}", schema["type"]));
    }
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(value) {
            problems.push(format!("{at}: {value} is not one of {}", schema["enum"]));
        }
    }
    if schema["format"] == "uuid"
        && value
            .as_str()
            .is_some_and(|s| s.parse::<uuid::Uuid>().is_err())
    {
        problems.push(format!("{at}: {value} is not a UUID"));
    }
}

fn check_object(
    defs: &Map<String, Value>,
    name: &str,
    value: &Value,
    at: &str,
    problems: &mut Vec<String>,
) {
    let (props, required) = shape(defs, name);
    let Some(object) = value.as_object() else {
        problems.push(format!("{at}: not an object ({name})"));
        return;
    };
    for r in &required {
        if !object.keys().any(|k| k.eq_ignore_ascii_case(r)) {
            problems.push(format!("{at}: {name} requires {r}"));
        }
    }
    // The swagger spells some names in PascalCase (`IsRefreshable`) where the service and its
    // documentation's examples answer in camelCase; JSON readers match them either way.
    let find = |k: &str| {
        props
            .iter()
            .find(|(p, _)| p.eq_ignore_ascii_case(k))
            .map(|(_, s)| s)
    };
    for (k, v) in object {
        match find(k) {
            Some(schema) => check_value(defs, schema, v, &format!("{at}.{k}"), problems),
            None => problems.push(format!("{at}: {name} defines no property {k}")),
        }
    }
}

#[tokio::test]
async fn power_bi_answers_match_the_published_description() {
    let (cloud, http) = common::start_with(Scenario::contoso()).await;
    let base = cloud.https_url.clone();
    let token = common::access_token(
        &http,
        &base,
        CONTOSO,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "11111111-1111-4111-8111-111111111111"),
            (
                "client_secret",
                "Emb8Q~current.secret-value_0123456789abcdef",
            ),
            ("scope", "https://analysis.windows.net/powerbi/api/.default"),
        ],
    )
    .await;
    let defs = definitions();
    let mut problems = vec![];
    for (path, definition) in [
        ("groups".to_string(), "Group"),
        (format!("groups/{SALES}/users"), "GroupUser"),
        (format!("groups/{SALES}/reports"), "Report"),
        (format!("groups/{SALES}/datasets"), "Dataset"),
        ("capacities".to_string(), "Capacity"),
    ] {
        let answer: Value = http
            .get(format!("{base}/v1.0/myorg/{path}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let items = answer["value"]
            .as_array()
            .unwrap_or_else(|| panic!("{path}: {answer}"));
        assert!(!items.is_empty(), "{path}: nothing to check");
        for (i, item) in items.iter().enumerate() {
            check_object(
                &defs,
                definition,
                item,
                &format!("{path}[{i}]"),
                &mut problems,
            );
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    cloud.stop();
}

#[tokio::test]
async fn fabric_tenant_settings_match_fabrics_published_description() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/fabric-shapes.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let defs = doc["definitions"].as_object().unwrap().clone();
    let (cloud, http) = common::start_with(Scenario::contoso()).await;
    let base = cloud.https_url.clone();
    let token_for = |scope: &'static str| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            common::access_token(
                &http,
                &base,
                CONTOSO,
                &[
                    ("grant_type", "password"),
                    ("client_id", "04b07795-8ddb-461a-bbee-02f9e1bf7b46"),
                    ("username", "ada@contoso.com"),
                    ("password", "Correct-Horse-42"),
                    ("scope", scope),
                ],
            )
            .await
        }
    };
    let writer = token_for("https://analysis.windows.net/powerbi/api/Tenant.ReadWrite.All").await;
    let reader = token_for("https://analysis.windows.net/powerbi/api/Tenant.Read.All").await;
    let mut problems = vec![];
    let list: Value = http
        .get(format!("{base}/v1/admin/tenantsettings"))
        .bearer_auth(&writer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        list["value"].as_array().is_some_and(|v| !v.is_empty()),
        "{list}"
    );
    check_object(&defs, "TenantSettings", &list, "list", &mut problems);
    let group =
        json!({ "graphId": "a1a1a1a1-0000-4000-8000-000000000001", "name": "Power BI API apps" });
    let update = |token: String| {
        http.post(format!(
            "{base}/v1/admin/tenantsettings/ServicePrincipalAccessPermissionAPIs/update"
        ))
        .bearer_auth(token)
        .json(&json!({ "enabled": true, "enabledSecurityGroups": [group.clone()] }))
        .send()
    };
    let updated = update(writer.clone()).await.unwrap();
    assert_eq!(updated.status(), 200);
    let updated: Value = updated.json().await.unwrap();
    check_object(
        &defs,
        "UpdateTenantSettingResponse",
        &updated,
        "update",
        &mut problems,
    );
    // A token without Tenant.ReadWrite.All is refused in Fabric's error shape.
    let refused = update(reader).await.unwrap();
    assert_eq!(refused.status(), 403);
    let refused: Value = refused.json().await.unwrap();
    check_object(&defs, "ErrorResponse", &refused, "refusal", &mut problems);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    cloud.stop();
}
