//! The device-code flow (RFC 8628): codes, the page where they are entered, and answers.

use super::*;

// ---------------------------------------------------------------------------------------------
// Device code (RFC 8628)

pub(super) async fn devicecode_v2(
    state: State<Shared>,
    tenant: Path<String>,
    headers: HeaderMap,
    axum::Extension(scheme): axum::Extension<crate::entra::Scheme>,
    form: Form<HashMap<String, String>>,
) -> Response {
    devicecode(Version::V2, state, tenant, headers, scheme, form)
}

pub(super) async fn devicecode_v1(
    state: State<Shared>,
    tenant: Path<String>,
    headers: HeaderMap,
    axum::Extension(scheme): axum::Extension<crate::entra::Scheme>,
    form: Form<HashMap<String, String>>,
) -> Response {
    devicecode(Version::V1, state, tenant, headers, scheme, form)
}

pub(super) fn devicecode(
    version: Version,
    State(state): State<Shared>,
    Path(tenant_name): Path<String>,
    headers: HeaderMap,
    crate::entra::Scheme(scheme): crate::entra::Scheme,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let result = (|| {
        let scenario = state.scenario();
        let tenant = crate::entra::resolve_tenant(&scenario, &tenant_name)?;
        let client_id = form
            .get("client_id")
            .ok_or_else(|| aadsts::missing_param("client_id"))?;
        let app = scenario
            .tenants
            .iter()
            .filter(|t| tenant.is_none_or(|only| only.id == t.id))
            .find_map(|t| t.app(client_id).filter(|a| a.has_service_principal))
            .ok_or_else(|| aadsts::app_not_found(client_id, &tenant_name))?;
        if app.disabled {
            return Err(aadsts::app_disabled(client_id, &app.display_name));
        }
        let target = parse_target(version, &form)?.ok_or_else(|| {
            aadsts::missing_param(if version == Version::V1 {
                "resource"
            } else {
                "scope"
            })
        })?;
        let user_code = user_code();
        let flow = DeviceFlow {
            device_code: random_token(64),
            user_code: user_code.clone(),
            tenant: tenant.map(|t| t.id),
            client_id: app.client_id,
            resource: target.resource,
            scopes: target.scopes,
            expires_at: OffsetDateTime::now_utc().unix_timestamp() + DEVICE_CODE_LIFETIME,
            answer: DeviceAnswer::Pending,
        };
        Ok::<_, EntraError>(flow)
    })();
    let flow = match result {
        Ok(f) => f,
        Err(e) => return e.correlated(&headers).into_response(),
    };
    let interval = state.device_interval.read().map(|i| *i).unwrap_or(5);
    let uri = format!("{}/devicelogin", crate::entra::base_url(&headers, scheme));
    let message = format!(
        "To sign in, use a web browser to open the page {uri} and enter the code {} to \
         authenticate.",
        flow.user_code
    );
    let body = match version {
        Version::V2 => json!({
            "user_code": flow.user_code, "device_code": flow.device_code,
            "verification_uri": uri, "expires_in": DEVICE_CODE_LIFETIME,
            "interval": interval, "message": message,
        }),
        // v1 says verification_url and sends numbers as strings.
        Version::V1 => json!({
            "user_code": flow.user_code, "device_code": flow.device_code,
            "verification_url": uri, "expires_in": DEVICE_CODE_LIFETIME.to_string(),
            "interval": interval.to_string(), "message": message,
        }),
    };
    state
        .device_flows
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(flow);
    Json(body).into_response()
}

/// Nine letters and digits, as Entra's codes look (no easily confused characters).
pub(super) fn user_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..9)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

pub(super) fn random_token(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    rand::rng().fill(bytes.as_mut_slice());
    B64.encode(bytes)
}

pub(super) fn set_device_answer(
    state: &Shared,
    user_code: &str,
    answer: DeviceAnswer,
    tenant: Option<Uuid>,
) -> bool {
    let mut flows = state.device_flows.lock().unwrap_or_else(|e| e.into_inner());
    match flows
        .iter_mut()
        .find(|f| f.user_code.eq_ignore_ascii_case(user_code) && f.answer == DeviceAnswer::Pending)
    {
        Some(f) => {
            f.answer = answer;
            if tenant.is_some() {
                f.tenant = tenant;
            }
            true
        }
        None => false,
    }
}

pub(super) async fn device_page() -> Response {
    page(
        StatusCode::OK,
        "Enter code",
        r#"<p>Enter the code displayed on your app or device.</p>
<form method="post" action="/devicelogin">
  <label for="otc">Code</label>
  <input id="otc" name="otc" autocomplete="off" required>
  <button type="submit" id="next">Next</button>
</form>"#,
    )
}

#[derive(Deserialize)]
pub(super) struct CodeForm {
    otc: String,
}

pub(super) async fn device_code_entered(
    State(state): State<Shared>,
    Form(f): Form<CodeForm>,
) -> Response {
    let code = f.otc.trim().to_ascii_uppercase();
    let client = {
        let flows = state.device_flows.lock().unwrap_or_else(|e| e.into_inner());
        flows
            .iter()
            .find(|fl| fl.user_code == code && fl.answer == DeviceAnswer::Pending)
            .map(|fl| fl.client_id)
    };
    let Some(client_id) = client else {
        return page(
            StatusCode::OK,
            "Enter code",
            "<p role=\"alert\" id=\"error\">That code didn't work. Check the code and try \
             again.</p>",
        );
    };
    let app_name = state
        .scenario()
        .tenants
        .iter()
        .find_map(|t| t.app(&client_id.to_string()))
        .map(|a| a.display_name.clone())
        .unwrap_or_default();
    login_page(&format!("device:{code}"), &app_name, None, None)
}
