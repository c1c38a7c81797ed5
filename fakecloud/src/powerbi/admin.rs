//! The admin APIs (Power BI and Fabric), and who may call them.

use super::*;

// ---------------------------------------------------------------------------------------------
// Admin APIs

/// Admin APIs: a Fabric administrator with Tenant.Read.All, or a service principal the admin
/// API switch allows that has no Power BI application permissions consented.
pub(super) fn ensure_admin(state: &Shared, who: &Caller, fabric: bool) -> Result<(), PbiError> {
    let scenario = state.scenario();
    let tenant = scenario
        .tenants
        .iter()
        .find(|t| t.id == who.tenant())
        .ok_or_else(PbiError::not_authorized)?;
    let mut refuse = PbiError::not_authorized();
    refuse.fabric = fabric;
    match who {
        Caller::App { sp, client_id, .. } => {
            let s = tenant.enforced_settings();
            let groups = &s.service_principals_admin_apis_groups;
            let allowed = s.service_principals_admin_apis
                && (groups.is_empty() || groups.iter().any(|g| tenant.in_group(*g, *sp)));
            if !allowed {
                refuse.error_info = Some("ServicePrincipalIsNotAllowedByTenantAdminSwitch");
                return Err(refuse);
            }
            let has_app_permissions = tenant
                .app(&client_id.to_string())
                .is_some_and(|a| !a.application_permissions.is_empty());
            if has_app_permissions {
                return Err(refuse.message_if_fabric(
                    "An app with Power BI application permissions can't call the read-only admin \
                     APIs.",
                ));
            }
            Ok(())
        }
        Caller::User { oid, scopes, .. } => {
            let admin = tenant
                .users
                .iter()
                .any(|u| u.object_id == *oid && u.fabric_admin);
            let scoped = TENANT_READ.iter().any(|s| scopes.iter().any(|g| g == s));
            if admin && scoped {
                Ok(())
            } else {
                Err(refuse)
            }
        }
    }
}

impl PbiError {
    fn message_if_fabric(self, m: &str) -> Self {
        if self.fabric {
            self.message(m)
        } else {
            self
        }
    }
}

pub(super) async fn admin_groups(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let who = caller(&state, &headers, false)?;
    ensure_admin(&state, &who, false)?;
    let top: usize = q
        .get("$top")
        .and_then(|t| t.parse().ok())
        .filter(|t| (1..=5000).contains(t))
        .ok_or_else(|| {
            PbiError::bad_request("The $top parameter is required and must be between 1 and 5000.")
        })?;
    let scenario = state.scenario();
    let tenant = scenario
        .tenants
        .iter()
        .find(|t| t.id == who.tenant())
        .ok_or_else(PbiError::not_authorized)?;
    // `$filter=id eq '…'` (the one form Keyway sends) and `$expand=users`.
    let filter = q.get("$filter").map(|f| f.to_ascii_lowercase());
    let users = q
        .get("$expand")
        .is_some_and(|e| e.split(',').any(|x| x.trim() == "users"));
    let value = tenant
        .workspaces
        .iter()
        .filter(|w| {
            filter
                .as_ref()
                .is_none_or(|f| f.contains(&format!("'{}'", w.id)))
        })
        .take(top)
        .map(|w| {
            let mut v = workspace_json(w);
            v["state"] = json!("Active");
            if users {
                v["users"] = w.members.iter().map(|m| member_json(tenant, m)).collect();
            }
            v
        })
        .collect();
    Ok(collection(&base(&headers), "groups", value))
}

/// A Power BI administrator's write through the admin API: Tenant.ReadWrite.All.
fn admin_writer(state: &Shared, headers: &HeaderMap) -> Result<Caller, PbiError> {
    let who = caller(state, headers, false)?;
    ensure_admin(state, &who, false)?;
    ensure_scope(&who, &["Tenant.ReadWrite.All"])?;
    Ok(who)
}

/// Runs `f` on workspace `group` for a Power BI administrator writing through the admin API,
/// member of it or not.
fn as_admin_in(
    state: &Shared,
    headers: &HeaderMap,
    group: &str,
    f: impl FnOnce(&mut Tenant, usize) -> Result<(), PbiError>,
) -> Answer {
    let who = admin_writer(state, headers)?;
    let mut scenario = state.scenario.write().unwrap_or_else(|e| e.into_inner());
    let tenant = caller_tenant(&mut scenario, &who)?;
    let i = tenant
        .workspaces
        .iter()
        .position(|w| w.id.to_string().eq_ignore_ascii_case(group))
        .ok_or_else(PbiError::not_found)?;
    f(tenant, i)?;
    Ok(ok(StatusCode::OK, json!({})))
}

/// `POST /v1.0/myorg/admin/groups/{groupId}/users` (Admin - Groups AddUserAsAdmin): a Power BI
/// administrator gives someone a role in a workspace they are not a member of.
pub(super) async fn add_user_as_admin(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(group): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    as_admin_in(&state, &headers, &group, |t, i| seat(t, i, &body))
}

/// `DELETE /v1.0/myorg/admin/groups/{groupId}/users/{user}` (Admin - Groups DeleteUserAsAdmin).
pub(super) async fn delete_user_as_admin(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((group, user)): Path<(String, String)>,
) -> Answer {
    as_admin_in(&state, &headers, &group, |t, i| unseat(t, i, &user))
}

pub(super) async fn scan_get_info(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> Answer {
    let who = caller(&state, &headers, false)?;
    ensure_admin(&state, &who, false)?;
    let workspaces: Vec<Uuid> = body["workspaces"]
        .as_array()
        .map(|a| a.iter().filter_map(|w| w.as_str()?.parse().ok()).collect())
        .unwrap_or_default();
    if workspaces.is_empty() || workspaces.len() > 100 {
        return Err(PbiError::bad_request(
            "Give between 1 and 100 workspace IDs.",
        ));
    }
    let flag = |k: &str| q.get(k).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let scan = crate::state::Scan {
        id: Uuid::new_v4(),
        tenant: who.tenant(),
        workspaces,
        schema: flag("datasetSchema"),
        expressions: flag("datasetExpressions"),
        lineage: flag("lineage"),
        polls: 0,
    };
    let id = scan.id;
    state
        .scans
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(scan);
    Ok(ok(
        StatusCode::ACCEPTED,
        json!({ "id": id, "createdDateTime": now_text(), "status": "NotStarted" }),
    ))
}

pub(super) async fn scan_status(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(scan): Path<String>,
) -> Answer {
    let who = caller(&state, &headers, false)?;
    ensure_admin(&state, &who, false)?;
    let mut scans = state.scans.lock().unwrap_or_else(|e| e.into_inner());
    let s = scans
        .iter_mut()
        .find(|s| s.id.to_string() == scan && s.tenant == who.tenant())
        .ok_or_else(PbiError::not_found)?;
    s.polls += 1;
    // The first poll finds it running, as a real scan usually is.
    let status = if s.polls > 1 { "Succeeded" } else { "Running" };
    Ok(ok(
        StatusCode::OK,
        json!({ "id": s.id, "createdDateTime": now_text(), "status": status }),
    ))
}

pub(super) async fn scan_result(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(scan): Path<String>,
) -> Answer {
    let who = caller(&state, &headers, false)?;
    ensure_admin(&state, &who, false)?;
    let s = state
        .scans
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|s| s.id.to_string() == scan && s.tenant == who.tenant())
        .cloned()
        .ok_or_else(PbiError::not_found)?;
    if s.polls < 2 {
        return Err(PbiError::bad_request("The scan has not finished yet."));
    }
    let scenario = state.scenario();
    let tenant = scenario
        .tenants
        .iter()
        .find(|t| t.id == s.tenant)
        .ok_or_else(PbiError::not_authorized)?;
    let detailed = tenant.enforced_settings().detailed_metadata;
    let expressions = tenant.enforced_settings().dax_expressions;
    let workspaces: Vec<Value> = tenant
        .workspaces
        .iter()
        .filter(|w| s.workspaces.contains(&w.id))
        .map(|w| {
            let datasets: Vec<Value> = w
                .datasets
                .iter()
                .map(|d| {
                    let mut v = json!({
                        "id": d.id,
                        "name": d.name,
                        "configuredBy": "ada@contoso.com",
                    });
                    if s.schema && detailed {
                        let tables: Vec<Value> = d
                            .tables
                            .iter()
                            .map(|t| json!({ "name": t, "columns": [] }))
                            .collect();
                        v["tables"] = json!(tables);
                    }
                    if s.expressions && detailed && expressions {
                        let source = "let Source = Sql.Database(\"sql\", \"db\") in Source";
                        v["expressions"] = json!([{ "name": "Source", "expression": source }]);
                    }
                    v
                })
                .collect();
            let reports: Vec<Value> = w
                .reports
                .iter()
                .map(|r| json!({ "id": r.id, "name": r.name, "datasetId": r.dataset_id }))
                .collect();
            json!({
                "id": w.id, "name": w.name, "type": "Workspace", "state": "Active",
                "isOnDedicatedCapacity": w.capacity_id.is_some(),
                "reports": reports, "datasets": datasets,
            })
        })
        .collect();
    Ok(ok(
        StatusCode::OK,
        json!({ "workspaces": workspaces, "datasourceInstances": [] }),
    ))
}

/// Fabric `GET /v1/admin/tenantsettings`, from the tenant's switches.
pub(super) async fn tenant_settings(State(state): State<Shared>, headers: HeaderMap) -> Answer {
    let who = caller(&state, &headers, true)?;
    ensure_admin(&state, &who, true)?;
    let scenario = state.scenario();
    let tenant = scenario
        .tenants
        .iter()
        .find(|t| t.id == who.tenant())
        .ok_or_else(PbiError::not_authorized)?;
    let s = &tenant.settings;
    let group = |ids: Vec<Uuid>| -> Value {
        ids.iter()
            .filter_map(|id| tenant.groups.iter().find(|x| x.object_id == *id))
            .map(|x| json!({ "graphId": x.object_id, "name": x.display_name }))
            .collect()
    };
    let setting = |name: &str, title: &str, enabled: bool, groups: Value, section: &str| {
        let mut v = json!({ "settingName": name, "title": title, "enabled": enabled,
                            "canSpecifySecurityGroups": true, "tenantSettingGroup": section });
        if groups.as_array().is_some_and(|a| !a.is_empty()) {
            v["enabledSecurityGroups"] = groups;
        }
        v
    };
    let settings = [
        setting(
            "ServicePrincipalAccessPermissionAPIs",
            "Service principals can call Fabric public APIs",
            s.service_principals_enabled,
            group(s.service_principals_groups.clone()),
            "DeveloperSettings",
        ),
        setting(
            "AllowServicePrincipalsUseReadAdminAPIs",
            "Service principals can access read-only admin APIs",
            s.service_principals_admin_apis,
            group(s.service_principals_admin_apis_groups.clone()),
            "AdminApiSettings",
        ),
        setting(
            "AdminApisIncludeDetailedMetadata",
            "Enhance admin APIs responses with detailed metadata",
            s.detailed_metadata,
            json!([]),
            "AdminApiSettings",
        ),
        setting(
            "AdminApisIncludeExpressions",
            "Enhance admin APIs responses with DAX and mashup expressions",
            s.dax_expressions,
            json!([]),
            "AdminApiSettings",
        ),
    ];
    Ok(ok(StatusCode::OK, json!({ "value": settings })))
}

/// `POST /v1/admin/tenantsettings/{name}/update` (Fabric, Tenants - Update Tenant Setting):
/// a Fabric administrator with Tenant.ReadWrite.All turns a service-principal switch on or off,
/// for the whole organisation or the security groups named. Answers with the setting as it is
/// now, in `tenantSettings` (UpdateTenantSettingResponse).
pub(super) async fn update_tenant_setting(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(name): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let who = caller(&state, &headers, true)?;
    ensure_admin(&state, &who, true)?;
    let writes = match &who {
        Caller::User { scopes, .. } => scopes.iter().any(|s| s == "Tenant.ReadWrite.All"),
        Caller::App { .. } => true,
    };
    if !writes {
        let mut e = PbiError::new(403, "InsufficientScopes")
            .message("The caller does not have sufficient scopes to perform this operation");
        e.fabric = true;
        return Err(e);
    }
    let enabled = body["enabled"].as_bool().ok_or_else(|| {
        let mut e = PbiError::new(400, "InvalidRequest").message("The enabled field is required.");
        e.fabric = true;
        e
    })?;
    let groups: Vec<Uuid> = body["enabledSecurityGroups"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|g| g["graphId"].as_str().and_then(|id| id.parse().ok()))
                .collect()
        })
        .unwrap_or_default();
    {
        let mut scenario = state.scenario.write().unwrap_or_else(|e| e.into_inner());
        let tenant = caller_tenant(&mut scenario, &who)?;
        if let Some(g) = groups
            .iter()
            .find(|g| !tenant.groups.iter().any(|x| x.object_id == **g))
        {
            let mut e = PbiError::new(400, "InvalidSecurityGroup")
                .message(format!("The security group {g} was not found."));
            e.fabric = true;
            return Err(e);
        }
        // The settings fakecloud models; any other name is not found.
        type Change = fn(&mut crate::scenario::TenantSettings, bool, Vec<Uuid>);
        let change: Change = match name.as_str() {
            "ServicePrincipalAccessPermissionAPIs" => |s, on, groups| {
                s.service_principals_enabled = on;
                s.service_principals_groups = groups;
            },
            "AllowServicePrincipalsUseReadAdminAPIs" => |s, on, groups| {
                s.service_principals_admin_apis = on;
                s.service_principals_admin_apis_groups = groups;
            },
            // These two can't be limited to groups in fakecloud: on is on for everyone.
            "AdminApisIncludeDetailedMetadata" => |s, on, _| s.detailed_metadata = on,
            "AdminApisIncludeExpressions" => |s, on, _| s.dax_expressions = on,
            _ => {
                let mut e = PbiError::new(404, "TenantSettingNotFound")
                    .message(format!("The tenant setting {name} was not found."));
                e.fabric = true;
                return Err(e);
            }
        };
        tenant.change_settings(|s| change(s, enabled, groups));
    }
    let now = tenant_settings(State(state), headers).await?;
    let body = axum::body::to_bytes(now.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let all: Value = serde_json::from_slice(&body).unwrap_or_default();
    let one: Vec<Value> = all["value"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["settingName"] == name.as_str())
        .cloned()
        .collect();
    Ok(ok(StatusCode::OK, json!({ "tenantSettings": one })))
}
