use super::*;

fn ctx() -> Context {
    Context::default()
}

#[test]
fn an_entra_body_by_its_error_codes() {
    let body = concat!(
        r#"{"error":"invalid_client","#,
        r#""error_description":"AADSTS7000215: Invalid client secret provided. "#,
        r#"Ensure the secret being sent in the request is the client secret value, "#,
        r#"not the client secret ID.\r\n"#,
        r#"Trace ID: 0d7c-trace\r\nCorrelation ID: 5a1e-corr\r\n"#,
        r#"Timestamp: 2026-11-23 10:00:00Z","#,
        r#""error_codes":[7000215],"timestamp":"2026-11-23 10:00:00Z","#,
        r#""trace_id":"0d7c-trace","correlation_id":"5a1e-corr"}"#,
    );
    let x = explain_text(body, &ctx());
    assert_eq!(x.code, "AADSTS7000215");
    assert!(x.recognized);
    assert_eq!(x.trace_id.as_deref(), Some("0d7c-trace"));
    assert_eq!(x.correlation_id.as_deref(), Some("5a1e-corr"));
    assert!(x
        .message
        .as_deref()
        .is_some_and(|m| m.starts_with("Invalid client secret")));
    assert!(x.fix.len() >= 3);
    assert!(x
        .link
        .as_deref()
        .is_some_and(|l| l.starts_with("https://portal.azure.com/")));
}

#[test]
fn raw_text_with_a_code_and_ids() {
    let text = "Exception: MsalServiceException: AADSTS50076: Due to a configuration change made \
                by your administrator, you must use multi-factor authentication.\n\
                Trace ID: t-9\nCorrelation ID: c-9\nTimestamp: 2026-01-01 00:00:00Z";
    let x = explain_text(text, &ctx());
    assert_eq!(x.code, "AADSTS50076");
    assert_eq!(x.correlation_id.as_deref(), Some("c-9"));
    assert!(x
        .message
        .as_deref()
        .is_some_and(|m| m.starts_with("Due to a configuration change")));
}

#[test]
fn an_http_dump_with_the_power_bi_header() {
    let dump = "HTTP/1.1 401 Unauthorized\r\n\
                Content-Type: application/json\r\n\
                RequestId: 9f0c-req\r\n\
                X-PowerBI-Error-Info: ServicePrincipalIsNotAllowedByTenantAdminSwitch\r\n\
                \r\n\
                {\"error\":{\"code\":\"PowerBINotAuthorizedException\",\
                \"pbi.error\":{\"code\":\"PowerBINotAuthorizedException\",\
                \"parameters\":{},\"details\":[],\"exceptionCulprit\":1}}}";
    let x = explain_text(dump, &ctx());
    assert_eq!(x.code, "ServicePrincipalIsNotAllowedByTenantAdminSwitch");
    assert_eq!(x.http_status, Some(401));
    assert_eq!(x.request_id.as_deref(), Some("9f0c-req"));
    assert!(x
        .link
        .as_deref()
        .is_some_and(|l| l.ends_with("/admin-portal/tenantSettings")));
    // Without the header, the body's code decides.
    let plain = dump.replace(
        "X-PowerBI-Error-Info: ServicePrincipalIsNotAllowedByTenantAdminSwitch\r\n",
        "",
    );
    assert_eq!(
        explain_text(&plain, &ctx()).code,
        "PowerBINotAuthorizedException"
    );
}

#[test]
fn a_fabric_body_and_a_bare_status() {
    let x = explain_text(
        concat!(
            r#"{"requestId":"r-1","errorCode":"InsufficientPrivileges","#,
            r#""message":"The caller does not have sufficient permissions.","isRetriable":false}"#,
        ),
        &ctx(),
    );
    assert_eq!(
        (x.code.as_str(), x.request_id.as_deref()),
        ("InsufficientPrivileges", Some("r-1"))
    );
    let x = explain_text(
        "HTTP/1.1 429 Too Many Requests\nRetry-After: 30\n\n",
        &ctx(),
    );
    assert_eq!((x.code.as_str(), x.retry_after), ("HTTP_429", Some(30)));
    assert!(x.recognized);
    // The other form RFC 9110 §10.2.3 allows, an HTTP date (its own example): long past, so
    // no wait is left; a date ahead is a wait.
    let x = explain_text(
        "HTTP/1.1 503 Service Unavailable\nRetry-After: Fri, 31 Dec 1999 23:59:59 GMT\n\n",
        &ctx(),
    );
    assert_eq!((x.http_status, x.retry_after), (Some(503), Some(0)));
    let ahead =
        httpdate::fmt_http_date(std::time::SystemTime::now() + std::time::Duration::from_secs(600));
    let x = explain_text(
        &format!("HTTP/1.1 429 Too Many Requests\nRetry-After: {ahead}\n\n"),
        &ctx(),
    );
    assert!(
        x.retry_after.is_some_and(|s| (590..=600).contains(&s)),
        "{x:?}"
    );
}

#[test]
fn unknown_codes_keep_the_message_and_ids() {
    let body = concat!(
        r#"{"error":"invalid_request","#,
        r#""error_description":"AADSTS123456: Something new happened.\r\n"#,
        r#"Trace ID: t-1\r\nCorrelation ID: c-1","error_codes":[123456]}"#,
    );
    let x = explain_text(body, &ctx());
    assert!(!x.recognized);
    assert_eq!(x.code, "AADSTS123456");
    assert_eq!(x.message.as_deref(), Some("Something new happened."));
    assert_eq!(x.correlation_id.as_deref(), Some("c-1"));
    assert_eq!(
        x.link.as_deref(),
        Some("https://login.microsoftonline.com/error?code=123456")
    );
    assert!(x.cause.contains("Something new happened."));

    let x = explain_text(
        "HTTP/1.1 401 Unauthorized\n\n{\"error\":{\"code\":\"SomethingElse\",\"message\":\"No.\"}}",
        &ctx(),
    );
    assert_eq!((x.code.as_str(), x.recognized), ("SomethingElse", false));
    assert_eq!(
        x.title,
        catalogue::find("HTTP_401")
            .map(|e| e.title)
            .unwrap_or_default()
    );

    let x = explain_text("the printer is on fire", &ctx());
    assert_eq!((x.code.as_str(), x.recognized), ("UNKNOWN", false));
    assert_eq!(x.message.as_deref(), Some("the printer is on fire"));
}

#[test]
fn codes_are_unique_and_every_entry_has_a_fix() {
    // Written entries are unique; a brief one for the same code (and service) is never reached.
    let mut seen = std::collections::HashSet::new();
    for e in catalogue::written() {
        assert!(seen.insert(e.code), "{} twice", e.code);
    }
    let mut brief = std::collections::HashSet::new();
    for e in catalogue::all().skip(seen.len()) {
        assert!(brief.insert((e.code, e.service)), "{} twice", e.code);
    }
    for e in catalogue::all() {
        assert!(!e.fix.is_empty() && !e.cause.is_empty(), "{}", e.code);
        assert!(e.title.len() < 70, "{}: title too long", e.code);
    }
}

#[test]
fn engine_errors_are_explained_too() {
    let e = AuthError::Transport {
        kind: crate::auth::error::TransportKind::Timeout,
        message: "login.microsoftonline.com did not answer in time.".into(),
    };
    let x = explain_auth_error(&e, &ctx());
    assert_eq!((x.code.as_str(), x.recognized), ("TRANSPORT_TIMEOUT", true));
    assert!(x.message.as_deref().is_some_and(|m| m.contains("in time")));
}
