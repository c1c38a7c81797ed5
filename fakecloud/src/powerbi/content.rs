//! Workspaces, reports, datasets, embed tokens, refreshes and push datasets.

use super::*;

// ---------------------------------------------------------------------------------------------
// Workspaces, reports, datasets

pub(super) const WS_READ: &[&str] = &["Workspace.Read.All", "Workspace.ReadWrite.All"];
pub(super) const REPORT_READ: &[&str] = &["Report.Read.All", "Report.ReadWrite.All"];
pub(super) const DATASET_READ: &[&str] = &["Dataset.Read.All", "Dataset.ReadWrite.All"];
pub(super) const DATASET_WRITE: &[&str] = &["Dataset.ReadWrite.All"];
pub(super) const TENANT_READ: &[&str] = &["Tenant.Read.All", "Tenant.ReadWrite.All"];

pub(super) fn workspace_json(ws: &Workspace) -> Value {
    let mut v = json!({
        "id": ws.id, "name": ws.name, "isReadOnly": false,
        "isOnDedicatedCapacity": ws.capacity_id.is_some(),
    });
    if let Some(c) = ws.capacity_id {
        v["capacityId"] = json!(c);
    }
    v
}

pub(super) fn dataset_json(ws: &Workspace, d: &Dataset, base: &str) -> Value {
    json!({
        "id": d.id, "name": d.name, "addRowsAPIEnabled": d.push,
        "configuredBy": "ada@contoso.com", "isRefreshable": d.refreshable,
        "isEffectiveIdentityRequired": false, "isEffectiveIdentityRolesRequired": false,
        "isOnPremGatewayRequired": false,
        "targetStorageMode": if d.push { "PushStreaming" } else { "Abf" },
        "webUrl": format!("{base}/groups/{}/datasets/{}", ws.id, d.id),
        "createReportEmbedURL": format!("{base}/reportEmbed?config=&datasetId={}", d.id),
    })
}

pub(super) async fn list_groups(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let who = caller(&state, &headers, false)?;
    let scenario = state.scenario();
    let tenant = scenario
        .tenants
        .iter()
        .find(|t| t.id == who.tenant())
        .ok_or_else(PbiError::not_authorized)?;
    ensure_app_allowed(tenant, &who)?;
    ensure_scope(&who, WS_READ)?;
    let filter = q.get("$filter").map(|f| f.to_ascii_lowercase());
    let mut value: Vec<Value> = tenant
        .workspaces
        .iter()
        .filter(|w| role(tenant, w, who.principal()).is_some())
        .filter(|w| match &filter {
            Some(f) => {
                f.contains(&format!("'{}'", w.name.to_ascii_lowercase()))
                    || f.contains(&w.id.to_string())
            }
            None => true,
        })
        .map(workspace_json)
        .collect();
    let skip = q.get("$skip").and_then(|s| s.parse().ok()).unwrap_or(0);
    let top = q
        .get("$top")
        .and_then(|s| s.parse().ok())
        .unwrap_or(usize::MAX);
    value = value.into_iter().skip(skip).take(top).collect();
    Ok(collection(&base(&headers), "groups", value))
}

/// `POST /v1.0/myorg/groups?workspaceV2=True` (Groups - Create Group): a new workspace, its
/// creator its admin. A name in use is refused as Power BI refuses it (400
/// `PowerBIEntityAlreadyExists`, the body public Power BI clients match on).
pub(super) async fn create_workspace(
    State(state): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Answer {
    let who = caller(&state, &headers, false)?;
    ensure_scope(&who, &["Workspace.ReadWrite.All"])?;
    let name = body["name"]
        .as_str()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| PbiError::bad_request("The name is required"))?
        .to_string();
    let mut scenario = state.scenario.write().unwrap_or_else(|e| e.into_inner());
    let tenant = caller_tenant(&mut scenario, &who)?;
    ensure_app_allowed(tenant, &who)?;
    if tenant
        .workspaces
        .iter()
        .any(|w| w.name.eq_ignore_ascii_case(&name))
    {
        return Err(PbiError::new(400, "PowerBIEntityAlreadyExists"));
    }
    let ws = Workspace {
        id: Uuid::new_v4(),
        name,
        capacity_id: None,
        members: vec![crate::scenario::WorkspaceMember {
            principal: who.principal(),
            role: "Admin".into(),
        }],
        reports: vec![],
        datasets: vec![],
    };
    let out = workspace_json(&ws);
    tenant.workspaces.push(ws);
    Ok(ok(StatusCode::OK, out))
}

/// `DELETE /v1.0/myorg/groups/{groupId}` (Groups - Delete Group), by one of its admins.
pub(super) async fn delete_workspace(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(group): Path<String>,
) -> Answer {
    in_workspace(
        &state,
        &headers,
        &group,
        &["Workspace.ReadWrite.All"],
        "Admin",
        |_, t, i| {
            t.workspaces.remove(i);
            Ok(ok(StatusCode::OK, json!({})))
        },
    )
}

pub(super) async fn list_reports(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(group): Path<String>,
) -> Answer {
    let b = base(&headers);
    in_workspace(
        &state,
        &headers,
        &group,
        REPORT_READ,
        "Viewer",
        |_, t, i| {
            let ws = &t.workspaces[i];
            let value = ws
                .reports
                .iter()
                .map(|r| {
                    json!({
                        "id": r.id, "name": r.name, "datasetId": r.dataset_id,
                        "reportType": "PowerBIReport",
                        "webUrl": format!("{b}/groups/{}/reports/{}", ws.id, r.id),
                        "embedUrl": format!("{b}/reportEmbed?reportId={}&groupId={}", r.id, ws.id),
                    })
                })
                .collect();
            Ok(collection(
                &b,
                &format!("groups('{}')/reports", ws.id),
                value,
            ))
        },
    )
}

pub(super) async fn list_datasets(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(group): Path<String>,
) -> Answer {
    let b = base(&headers);
    in_workspace(
        &state,
        &headers,
        &group,
        DATASET_READ,
        "Viewer",
        |_, t, i| {
            let ws = &t.workspaces[i];
            let value = ws
                .datasets
                .iter()
                .map(|d| dataset_json(ws, d, &b))
                .collect();
            Ok(collection(
                &b,
                &format!("groups('{}')/datasets", ws.id),
                value,
            ))
        },
    )
}

pub(super) async fn list_users(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(group): Path<String>,
) -> Answer {
    let b = base(&headers);
    in_workspace(&state, &headers, &group, WS_READ, "Viewer", |_, t, i| {
        let value = t.workspaces[i]
            .members
            .iter()
            .map(|m| member_json(t, m))
            .collect();
        Ok(collection(&b, "groups/users", value))
    })
}

/// A workspace member as Power BI lists it (a `GroupUser`).
pub(super) fn member_json(t: &Tenant, m: &crate::scenario::WorkspaceMember) -> Value {
    let user = t.users.iter().find(|u| u.object_id == m.principal);
    let app = t
        .apps
        .iter()
        .find(|a| a.service_principal_id == m.principal);
    let (kind, name, id) = match (user, app) {
        (Some(u), _) => ("User", u.display_name.clone(), u.upn.clone()),
        (_, Some(a)) => ("App", a.display_name.clone(), m.principal.to_string()),
        _ => ("Group", String::new(), m.principal.to_string()),
    };
    json!({ "identifier": id, "displayName": name, "principalType": kind,
            "groupUserAccessRight": m.role, "graphId": m.principal })
}

/// Gives the principal a body names (`identifier`, `principalType`, `groupUserAccessRight`) its
/// role in workspace `i`.
pub(super) fn seat(t: &mut Tenant, i: usize, body: &Value) -> Result<(), PbiError> {
    let right = body["groupUserAccessRight"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if !["Admin", "Member", "Contributor", "Viewer"].contains(&right.as_str()) {
        return Err(PbiError::bad_request(
            "groupUserAccessRight must be Admin, Member, Contributor or Viewer",
        ));
    }
    let identifier = body["identifier"].as_str().unwrap_or_default();
    let principal = match body["principalType"].as_str() {
        Some("User") => t.user(identifier).map(|u| u.object_id),
        Some("App") | Some("Group") => identifier.parse::<Uuid>().ok(),
        _ => {
            return Err(PbiError::bad_request(
                "principalType must be User, App or Group",
            ))
        }
    }
    .ok_or_else(|| PbiError::bad_request("The identifier was not found"))?;
    let ws = &mut t.workspaces[i];
    ws.members.retain(|m| m.principal != principal);
    ws.members.push(crate::scenario::WorkspaceMember {
        principal,
        role: right,
    });
    Ok(())
}

/// Takes `user` (a UPN or an object ID) out of workspace `i`.
pub(super) fn unseat(t: &mut Tenant, i: usize, user: &str) -> Result<(), PbiError> {
    let principal = t
        .user(user)
        .map(|u| u.object_id)
        .or_else(|| user.parse::<Uuid>().ok())
        .ok_or_else(|| PbiError::bad_request("The user was not found"))?;
    let ws = &mut t.workspaces[i];
    let before = ws.members.len();
    ws.members.retain(|m| m.principal != principal);
    if ws.members.len() == before {
        return Err(PbiError::bad_request("The user is not in this workspace"));
    }
    Ok(())
}

pub(super) async fn add_user(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(group): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    in_workspace(
        &state,
        &headers,
        &group,
        &["Workspace.ReadWrite.All"],
        "Admin",
        |_, t, i| {
            seat(t, i, &body)?;
            Ok(ok(StatusCode::OK, json!({})))
        },
    )
}

pub(super) async fn my_workspace_datasets(
    State(state): State<Shared>,
    headers: HeaderMap,
) -> Answer {
    let who = caller(&state, &headers, false)?;
    if let Caller::App { .. } = who {
        // "My workspace" belongs to a person; an app has none.
        let mut e = PbiError::new(403, "Forbidden");
        e.raw = Some(json!({ "Message": "API is not accessible for application" }));
        return Err(e);
    }
    ensure_scope(&who, DATASET_READ)?;
    Ok(collection(&base(&headers), "datasets", vec![]))
}

pub(super) async fn capacities(State(state): State<Shared>, headers: HeaderMap) -> Answer {
    let who = caller(&state, &headers, false)?;
    let scenario = state.scenario();
    let tenant = scenario
        .tenants
        .iter()
        .find(|t| t.id == who.tenant())
        .ok_or_else(PbiError::not_authorized)?;
    ensure_app_allowed(tenant, &who)?;
    ensure_scope(&who, &["Capacity.Read.All", "Capacity.ReadWrite.All"])?;
    let mut ids: Vec<Uuid> = tenant
        .workspaces
        .iter()
        .filter(|w| role(tenant, w, who.principal()).is_some())
        .filter_map(|w| w.capacity_id)
        .collect();
    ids.dedup();
    let value = ids
        .into_iter()
        .map(|id| {
            json!({
                "id": id, "displayName": "Embedded capacity", "sku": "A1",
                "state": "Active", "region": "West Europe",
                // Seen through a workspace on it, not as a capacity admin or assigner.
                "capacityUserAccessRight": "None",
            })
        })
        .collect();
    Ok(collection(&base(&headers), "capacities", value))
}

// ---------------------------------------------------------------------------------------------
// Embed tokens

pub(super) fn embed_token(expiry_minutes: i64) -> Value {
    let expiration = OffsetDateTime::now_utc() + time::Duration::minutes(expiry_minutes);
    json!({
        "token": format!("H4sIAAAAAAAEAC.fakecloud.{}", Uuid::new_v4().simple()),
        "tokenId": Uuid::new_v4(),
        "expiration": expiration.format(&Rfc3339).unwrap_or_default(),
    })
}

pub(super) async fn generate_token_report(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((group, report)): Path<(String, String)>,
) -> Answer {
    in_workspace(
        &state,
        &headers,
        &group,
        REPORT_READ,
        "Viewer",
        |who, t, i| {
            if matches!(who, Caller::App { .. })
                && !at_least(
                    role(t, &t.workspaces[i], who.principal()).unwrap_or("Viewer"),
                    "Member",
                )
            {
                return Err(PbiError::not_authorized());
            }
            let rid = report.parse::<Uuid>().map_err(|_| PbiError::not_found())?;
            t.workspaces[i]
                .reports
                .iter()
                .find(|r| r.id == rid)
                .ok_or_else(PbiError::not_found)?;
            Ok(ok(StatusCode::OK, embed_token(60)))
        },
    )
}

pub(super) async fn generate_token_multi(
    State(state): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Answer {
    let who = caller(&state, &headers, false)?;
    let scenario = state.scenario();
    let tenant = scenario
        .tenants
        .iter()
        .find(|t| t.id == who.tenant())
        .ok_or_else(PbiError::not_authorized)?;
    ensure_app_allowed(tenant, &who)?;
    let ids = |k: &str| -> Vec<Uuid> {
        body[k]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x["id"].as_str()?.parse().ok())
                    .collect()
            })
            .unwrap_or_default()
    };
    let (reports, datasets) = (ids("reports"), ids("datasets"));
    if reports.is_empty() && datasets.is_empty() {
        return Err(PbiError::bad_request(
            "At least one report or dataset is required",
        ));
    }
    if !reports.is_empty() {
        ensure_scope(&who, REPORT_READ)?;
    }
    ensure_scope(&who, DATASET_READ)?;
    for id in reports.iter().chain(&datasets) {
        let ws = tenant
            .workspaces
            .iter()
            .find(|w| {
                w.reports.iter().any(|r| r.id == *id) || w.datasets.iter().any(|d| d.id == *id)
            })
            .ok_or_else(PbiError::not_found)?;
        role(tenant, ws, who.principal()).ok_or_else(PbiError::not_authorized)?;
    }
    Ok(ok(StatusCode::OK, embed_token(60)))
}

// ---------------------------------------------------------------------------------------------
// Refresh and push datasets

pub(super) async fn refresh(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((group, dataset)): Path<(String, String)>,
) -> Answer {
    in_workspace(
        &state,
        &headers,
        &group,
        DATASET_WRITE,
        "Contributor",
        |_, t, i| {
            let did = dataset.parse::<Uuid>().map_err(|_| PbiError::not_found())?;
            let d = t.workspaces[i]
                .datasets
                .iter_mut()
                .find(|d| d.id == did)
                .ok_or_else(PbiError::not_found)?;
            if !d.refreshable {
                return Err(PbiError::bad_request(
                    "This dataset can't be refreshed: it is a push dataset.",
                ));
            }
            let request_id = Uuid::new_v4();
            d.refreshes.push(Refresh {
                request_id,
                started: OffsetDateTime::now_utc(),
            });
            // 202 Accepted with an empty body; the refresh's ID is the RequestId header.
            let mut res = StatusCode::ACCEPTED.into_response();
            if let Ok(v) = HeaderValue::from_str(&request_id.to_string()) {
                res.headers_mut().insert("RequestId", v);
            }
            Ok(res)
        },
    )
}

pub(super) async fn refresh_history(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((group, dataset)): Path<(String, String)>,
) -> Answer {
    let b = base(&headers);
    in_workspace(
        &state,
        &headers,
        &group,
        DATASET_READ,
        "Viewer",
        |_, t, i| {
            let did = dataset.parse::<Uuid>().map_err(|_| PbiError::not_found())?;
            let d = t.workspaces[i]
                .datasets
                .iter()
                .find(|d| d.id == did)
                .ok_or_else(PbiError::not_found)?;
            let value = d
                .refreshes
                .iter()
                .rev()
                .map(|r| {
                    json!({
                        "requestId": r.request_id, "refreshType": "ViaApi", "status": "Completed",
                        "startTime": r.started.format(&Rfc3339).unwrap_or_default(),
                        "endTime": now_text(),
                    })
                })
                .collect();
            Ok(collection(&b, "refreshes", value))
        },
    )
}

pub(super) async fn create_push_dataset(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(group): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let b = base(&headers);
    in_workspace(
        &state,
        &headers,
        &group,
        DATASET_WRITE,
        "Contributor",
        |_, t, i| {
            let name = body["name"]
                .as_str()
                .filter(|n| !n.trim().is_empty())
                .ok_or_else(|| PbiError::bad_request("The dataset needs a name"))?;
            let tables: Vec<String> = body["tables"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t["name"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            if tables.is_empty() {
                return Err(PbiError::bad_request(
                    "A push dataset needs at least one table",
                ));
            }
            let d = Dataset {
                id: Uuid::new_v4(),
                name: name.to_string(),
                refreshable: false,
                push: true,
                tables,
                rows: 0,
                refreshes: vec![],
            };
            let ws = &mut t.workspaces[i];
            let out = dataset_json(ws, &d, &b);
            ws.datasets.push(d);
            Ok(ok(StatusCode::CREATED, out))
        },
    )
}

pub(super) async fn push_rows(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((group, dataset, table)): Path<(String, String, String)>,
    Json(body): Json<Value>,
) -> Answer {
    in_workspace(
        &state,
        &headers,
        &group,
        DATASET_WRITE,
        "Contributor",
        |_, t, i| {
            let did = dataset.parse::<Uuid>().map_err(|_| PbiError::not_found())?;
            let d = t.workspaces[i]
                .datasets
                .iter_mut()
                .find(|d| d.id == did)
                .ok_or_else(PbiError::not_found)?;
            if !d.push || !d.tables.iter().any(|n| n.eq_ignore_ascii_case(&table)) {
                return Err(PbiError::not_found());
            }
            let rows = body["rows"]
                .as_array()
                .ok_or_else(|| PbiError::bad_request("rows must be an array"))?;
            d.rows += rows.len() as u64;
            Ok(ok(StatusCode::OK, json!({})))
        },
    )
}

pub(super) async fn delete_dataset(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((group, dataset)): Path<(String, String)>,
) -> Answer {
    in_workspace(
        &state,
        &headers,
        &group,
        DATASET_WRITE,
        "Contributor",
        |_, t, i| {
            let did = dataset.parse::<Uuid>().map_err(|_| PbiError::not_found())?;
            let ws = &mut t.workspaces[i];
            let before = ws.datasets.len();
            ws.datasets.retain(|d| d.id != did);
            if ws.datasets.len() == before {
                return Err(PbiError::not_found());
            }
            Ok(ok(StatusCode::OK, json!({})))
        },
    )
}

/// `DELETE groups/{group}/users/{user}` (Groups - Delete User In Group): a workspace admin
/// takes a user, app or group out of the workspace.
pub(super) async fn delete_user(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((group, user)): Path<(String, String)>,
) -> Answer {
    in_workspace(
        &state,
        &headers,
        &group,
        &["Workspace.ReadWrite.All"],
        "Admin",
        |_, t, i| {
            unseat(t, i, &user)?;
            Ok(ok(StatusCode::OK, json!({})))
        },
    )
}
