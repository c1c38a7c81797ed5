#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! Every entry of the diagnosis catalogue, reached from a realistic input: Entra bodies made by
//! fakecloud's error builder, Power BI and Fabric bodies and HTTP dumps in the services' shapes,
//! and the engine's own errors. Then `keyway explain` on each input form.

mod common;

use common::keyway;
use keyway::auth::error::{AuthError, TransportKind};
use keyway::diagnose::{self, catalogue, Context, Explanation};
use serde_json::{json, Value};
use std::collections::HashMap;

/// AADSTS number, OAuth error, HTTP status and Microsoft's message (from the reference facts).
const ENTRA: &[(u32, &str, u16, &str)] = &[
    (
        7000215,
        "invalid_client",
        401,
        "Invalid client secret provided.",
    ),
    (
        7000222,
        "invalid_client",
        401,
        "The provided client secret keys for app '{appId}' are expired.",
    ),
    (
        700016,
        "unauthorized_client",
        400,
        "Application with identifier '{appId}' was not found in the directory '{tenant}'.",
    ),
    (
        90002,
        "invalid_request",
        400,
        "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are \
         signing into the correct cloud.",
    ),
    (
        900023,
        "invalid_request",
        400,
        "Specified tenant identifier '{x}' is neither a valid DNS name, nor a valid external \
         domain.",
    ),
    (
        7000218,
        "invalid_client",
        401,
        "The request body must contain the following parameter: 'client_assertion' or \
         'client_secret'.",
    ),
    (
        700025,
        "invalid_client",
        400,
        "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    ),
    (
        50126,
        "invalid_grant",
        400,
        "Error validating credentials due to invalid username or password.",
    ),
    (
        50076,
        "invalid_grant",
        400,
        "Due to a configuration change made by your administrator, or because you moved to a new \
         location, you must use multi-factor authentication to access '{resource}'.",
    ),
    (
        50079,
        "invalid_grant",
        400,
        "User must register for multifactor authentication.",
    ),
    (
        50158,
        "interaction_required",
        400,
        "External security challenge was not satisfied.",
    ),
    (
        53003,
        "interaction_required",
        400,
        "Access has been blocked by Conditional Access policies. The access policy does not allow \
         token issuance.",
    ),
    (
        530035,
        "invalid_request",
        400,
        "Access has been blocked by security defaults (legacy auth or unsafe request).",
    ),
    (
        65001,
        "invalid_grant",
        400,
        "The user or administrator has not consented to use the application with ID '{appId}' \
         named '{name}'.",
    ),
    (
        500011,
        "invalid_resource",
        400,
        "The resource principal named {name} was not found in the tenant named {tenant}.",
    ),
    (
        50001,
        "invalid_resource",
        400,
        "The resource is disabled or doesn't exist (v1 message: 'The application named {resource} \
         was not found in the tenant named {tenant}').",
    ),
    (
        70011,
        "invalid_scope",
        400,
        "The provided value for the input parameter 'scope' isn't valid.",
    ),
    (
        700022,
        "invalid_scope",
        400,
        "The provided value for the input parameter scope isn't valid because it contains more \
         than one resource.",
    ),
    (
        901002,
        "invalid_request",
        400,
        "The 'resource' request parameter isn't supported (v2 endpoint).",
    ),
    (
        90014,
        "invalid_request",
        400,
        "The required field '{field}' is missing from the credential. Ensure that you have all \
         the necessary parameters for the login request.",
    ),
    (
        900144,
        "invalid_request",
        400,
        "The request body must contain the following parameter: '{name}'.",
    ),
    (
        50059,
        "invalid_request",
        400,
        "Tenant-identifying information wasn't found in either the request or implied by any \
         provided credentials.",
    ),
    (
        9001023,
        "invalid_request",
        400,
        "The grant type isn't supported over the /common or /consumers endpoints. Please use the \
         /organizations or tenant-specific endpoint.",
    ),
    (
        50194,
        "invalid_request",
        400,
        "Application '{appId}' isn't configured as a multitenant application. Usage of the \
         /common endpoint isn't supported for such applications created after '{time}'.",
    ),
    (
        50034,
        "invalid_grant",
        400,
        "To sign into this application, the account must be added to the directory (user mistyped \
         username or isn't in the tenant).",
    ),
    (
        50020,
        "invalid_grant",
        400,
        "User account '{email}' from identity provider '{idp}' does not exist in tenant \
         '{tenant}' and cannot access the application.",
    ),
    (
        50053,
        "invalid_grant",
        400,
        "Account locked after too many failed sign-ins, or sign-in blocked because it came from \
         an IP with malicious activity.",
    ),
    (50055, "invalid_grant", 400, "The password is expired."),
    (50057, "invalid_grant", 400, "The user account is disabled."),
    (
        50173,
        "invalid_grant",
        400,
        "The provided grant has expired due to it being revoked, a fresh auth token is needed. \
         The user might have changed or reset their password.",
    ),
    (
        700082,
        "invalid_grant",
        400,
        "The refresh token has expired due to inactivity. The token was issued on {date} and was \
         inactive for 90.00:00:00.",
    ),
    (
        70008,
        "invalid_grant",
        400,
        "The refresh token/authorization code has expired or been revoked.",
    ),
    (
        70043,
        "invalid_grant",
        400,
        "Refresh token expired/invalid due to Conditional Access sign-in frequency.",
    ),
    (
        54005,
        "invalid_grant",
        400,
        "OAuth2 Authorization code was already redeemed.",
    ),
    (
        501481,
        "invalid_grant",
        400,
        "The Code_Verifier doesn't match the code_challenge supplied in the authorization request.",
    ),
    (
        50011,
        "invalid_request",
        400,
        "The redirect URI specified in the request does not match the redirect URIs configured \
         for the application.",
    ),
    (
        700054,
        "unsupported_response_type",
        400,
        "Response_type 'id_token' isn't enabled for the application.",
    ),
    (
        9002327,
        "invalid_request",
        400,
        "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via \
         cross-origin requests.",
    ),
    (
        9002326,
        "invalid_request",
        400,
        "Cross-origin token redemption is permitted only for the 'Single-Page Application' \
         client-type.",
    ),
    (
        7000112,
        "unauthorized_client",
        400,
        "Application '{appId}'({name}) is disabled.",
    ),
    (
        700024,
        "invalid_client",
        401,
        "Client assertion is not within its valid time range. Current time: ..., assertion valid \
         from ..., expiry time of assertion ...",
    ),
    (
        700027,
        "invalid_client",
        401,
        "Client assertion failed signature validation.",
    ),
    (
        700021,
        "invalid_client",
        401,
        "Client assertion application identifier doesn't match 'client_id' parameter.",
    ),
    (
        700023,
        "invalid_client",
        401,
        "Client assertion audience claim does not match Realm issuer.",
    ),
    (
        90094,
        "invalid_request",
        400,
        "Administrator consent is required ('The grant requires admin permission').",
    ),
    (
        65004,
        "access_denied",
        400,
        "User declined to consent to access the app.",
    ),
    (
        50105,
        "invalid_request",
        400,
        "The signed in user isn't assigned to a role for the signed in app.",
    ),
    (
        90038,
        "invalid_request",
        400,
        "The specified tenant belongs to another National Cloud.",
    ),
    (
        70016,
        "authorization_pending",
        400,
        "Device flow: authorization pending.",
    ),
    (70019, "expired_token", 400, "Verification code expired."),
    (
        50196,
        "invalid_request",
        400,
        "A client loop has been detected (too many identical requests).",
    ),
    (
        90055,
        "invalid_request",
        429,
        "Too many incoming requests (blocked tenant).",
    ),
    (
        70002,
        "invalid_client",
        401,
        // Alone: with a second code in the text, the second one is explained (see below).
        "Error validating credentials.",
    ),
    (50012, "invalid_client", 401, "Authentication failed."),
    (
        700011,
        "unauthorized_client",
        400,
        "Application with identifier was not found in the directory.",
    ),
    (
        70000,
        "invalid_grant",
        400,
        "Provided grant is invalid or malformed.",
    ),
];

fn entra_body(n: u32, error: &'static str, status: u16, message: &str) -> String {
    fakecloud::entra_error::EntraError::new(status, error, n, message)
        .body()
        .to_string()
}

fn dump(status: u16, headers: &[(&str, &str)], body: &Value) -> String {
    let mut s = format!("HTTP/1.1 {status} Whatever\r\nContent-Type: application/json\r\n");
    for (k, v) in headers {
        s.push_str(&format!("{k}: {v}\r\n"));
    }
    format!("{s}\r\n{body}")
}

fn pbi_body(code: &str) -> Value {
    json!({
        "error": {
            "code": code,
            "pbi.error": { "code": code, "parameters": {}, "details": [], "exceptionCulprit": 1 },
        }
    })
}

/// A realistic input for each code that arrives as text.
fn samples() -> HashMap<String, String> {
    let mut m = HashMap::new();
    for (n, error, status, message) in ENTRA {
        m.insert(
            format!("AADSTS{n}"),
            entra_body(*n, error, *status, message),
        );
    }
    // Plain OAuth refusals with no AADSTS number, by the `error` values RFC 6749 §5.2 and
    // §4.1.2.1, RFC 8628 §3.5 and RFC 8707 §2 define, as a non-Microsoft server sends them.
    for (error, status) in [
        ("invalid_request", 400),
        ("invalid_client", 401),
        ("invalid_grant", 400),
        ("unauthorized_client", 400),
        ("unsupported_grant_type", 400),
        ("invalid_scope", 400),
        ("invalid_target", 400),
        ("access_denied", 400),
        ("expired_token", 400),
        ("server_error", 500),
        ("temporarily_unavailable", 503),
        ("invalid_resource", 400),
        ("interaction_required", 400),
        ("authorization_pending", 400),
        // What ADAL said for RFC 8628's expired_token.
        ("code_expired", 400),
    ] {
        let body = json!({ "error": error, "error_description": "as the server words it" });
        m.insert(
            format!("OAUTH_{}", error.to_ascii_uppercase()),
            dump(status, &[], &body),
        );
    }
    // MSAL.js, as VS Code's Azure sign-in printed it (tests/explain_corpus/oauth-plain).
    m.insert(
        "OAUTH_USER_CANCELED".into(),
        "Error Message: user_canceled: See https://aka.ms/msal.js.errors#user_canceled for details"
            .into(),
    );
    let rid = [("RequestId", "0f7c6a0e-1111-4111-8111-000000000001")];
    m.insert(
        "ServicePrincipalIsNotAllowedByTenantAdminSwitch".into(),
        dump(
            401,
            &[
                rid[0],
                (
                    "X-PowerBI-Error-Info",
                    "ServicePrincipalIsNotAllowedByTenantAdminSwitch",
                ),
            ],
            &pbi_body("PowerBINotAuthorizedException"),
        ),
    );
    m.insert(
        "PowerBINotAuthorizedException".into(),
        dump(401, &rid, &pbi_body("PowerBINotAuthorizedException")),
    );
    m.insert(
        "PowerBIEntityNotFound".into(),
        dump(404, &rid, &pbi_body("PowerBIEntityNotFound")),
    );
    m.insert(
        "TokenExpired".into(),
        dump(
            403,
            &rid,
            &json!({ "error": {
                "code": "TokenExpired",
                "message": "Access token has expired, resubmit with a new access token",
            } }),
        ),
    );
    let load_failed = json!({ "error": {
        "code": "LoadReportFailed",
        "message": "Fail to initialize - Could not resolve cluster",
    } });
    m.insert("LoadReportFailed".into(), load_failed.to_string());
    m.insert(
        "ApiNotAccessibleForApplication".into(),
        dump(
            403,
            &rid,
            &json!({ "Message": "API is not accessible for application" }),
        ),
    );
    for code in [
        "InsufficientPrivileges",
        "PrincipalTypeNotSupported",
        "ItemNotFound",
        "EntityNotFound",
        "WorkspaceNotFound",
        "InvalidParameter",
        "UnknownError",
        "InvalidRequest",
    ] {
        let body = json!({
            "requestId": "5b1e0c2a-0000-4000-8000-000000000001",
            "errorCode": code,
            "message": "The caller does not have the rights.",
            "isRetriable": false,
        });
        m.insert(code.into(), dump(400, &[], &body));
    }
    // A bare body, as a log keeps it without its status: the code alone says not found.
    let body =
        json!({ "errorCode": "NotFound", "message": "The requested resource could not be found." });
    m.insert("NotFound".into(), body.to_string());
    // Graph's refusal of a too-long secret, as github.com/Azure/azure-cli/issues/28522 quotes it.
    let lifetime = "Credential lifetime exceeds the max value allowed as per assigned policy \
                    '538f1913-366a-440a-95a0-e195cb55b282'.";
    m.insert(
        "CredentialInvalidLifetimeAsPerAppPolicy".into(),
        dump(
            400,
            &[],
            &json!({ "error": { "code": "CredentialInvalidLifetimeAsPerAppPolicy",
                "message": lifetime, "details": [{ "code": "InvalidKeyEndDate",
                "message": lifetime, "target": "EndDate" }] } }),
        ),
    );
    // Graph's refusal of an account without the role, as github.com/pulumi/pulumi-azuread/issues/246
    // quotes it.
    m.insert(
        "Authorization_RequestDenied".into(),
        dump(
            403,
            &[("request-id", "aaff5926-456a-ad1c-d4f6-7026cebe0853")],
            &json!({ "error": { "code": "Authorization_RequestDenied",
                "message": "Insufficient privileges to complete the operation.",
                "innerError": { "request-id": "aaff5926-456a-ad1c-d4f6-7026cebe0853" } } }),
        ),
    );
    for status in [400u16, 401, 403, 404, 408, 429, 500, 502, 503, 504] {
        m.insert(
            format!("HTTP_{status}"),
            dump(status, &[("Retry-After", "5")], &json!("")).replace("\r\n\r\n\"\"", "\r\n\r\n"),
        );
    }
    m
}

/// The engine's own failures, as the engine reports them.
fn engine_errors() -> Vec<AuthError> {
    let t = |kind, message: &str| AuthError::Transport {
        kind,
        message: message.into(),
    };
    vec![
        t(
            TransportKind::Timeout,
            "login.microsoftonline.com did not answer in time.",
        ),
        t(
            TransportKind::Dns,
            "The name login.example.invalid could not be found.",
        ),
        t(
            TransportKind::Refused,
            "Could not connect to 127.0.0.1: the connection was refused.",
        ),
        t(
            TransportKind::Tls,
            "The secure connection to login.microsoftonline.com was not trusted.",
        ),
        t(
            TransportKind::TlsName,
            "The certificate login.microsoftonline.com presented is for another name, so the \
             secure connection was refused.",
        ),
        t(
            TransportKind::TlsUnknownIssuer,
            "The certificate login.microsoftonline.com presented was issued by an authority \
             this computer does not trust.",
        ),
        t(
            TransportKind::Closed,
            "The connection to login.microsoftonline.com closed before the whole answer came.",
        ),
        t(
            TransportKind::Other,
            "The request failed: connection reset.",
        ),
        AuthError::Unexpected {
            status: 200,
            detail: "the body is not JSON: <html>".into(),
        },
        AuthError::Certificate("The .pfx password is wrong.".into()),
        AuthError::Declined("The user declined.".into()),
        AuthError::Expired,
        AuthError::Cancelled,
        AuthError::StateMismatch,
        AuthError::Browser("No browser could be started.".into()),
        AuthError::PortInUse(8400),
    ]
}

fn check(x: &Explanation, code: &str) {
    assert_eq!(x.code, code, "{x:#?}");
    assert!(x.recognized, "{code} not recognised: {x:#?}");
    let entry = catalogue::find(code).unwrap();
    assert_eq!(x.title, entry.title);
    assert_eq!(x.fix.len(), entry.fix.len());
    if entry.page.is_some() {
        assert!(
            x.link.as_deref().is_some_and(|l| l.starts_with("https://")),
            "{code}: no link"
        );
    }
}

#[test]
fn every_catalogue_entry_is_reached_from_a_realistic_input() {
    let samples = samples();
    let engine: HashMap<String, AuthError> =
        engine_errors().into_iter().map(|e| (e.code(), e)).collect();
    let ctx = Context::default();
    let mut reached = 0;
    for entry in catalogue::written() {
        let x = if let Some(text) = samples.get(entry.code) {
            diagnose::explain_text(text, &ctx)
        } else if let Some(e) = engine.get(entry.code) {
            diagnose::explain_auth_error(e, &ctx)
        } else {
            panic!("no realistic sample for {}", entry.code);
        };
        check(&x, entry.code);
        reached += 1;
    }
    assert!(reached >= 53 + 6 + 7 + 10 + 12, "{reached}");
}

#[test]
fn entra_bodies_keep_their_ids_and_message() {
    for (n, error, status, message) in ENTRA {
        let x = diagnose::explain_text(
            &entra_body(*n, error, *status, message),
            &Context::default(),
        );
        assert!(
            x.trace_id.is_some() && x.correlation_id.is_some() && x.timestamp.is_some(),
            "{n}"
        );
        assert_eq!(x.message.as_deref(), Some(*message), "{n}");
    }
}

#[test]
fn explain_reads_the_four_input_forms() {
    let dir = std::env::temp_dir().join(format!("keyway-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // 1. An Entra body, from a file.
    let file = dir.join("entra.json");
    std::fs::write(
        &file,
        entra_body(
            7000222,
            "invalid_client",
            401,
            "The provided client secret keys for app '1111' are expired.",
        ),
    )
    .unwrap();
    let (status, out, _) = keyway(&["explain", file.to_str().unwrap(), "--json"], &[], "");
    assert_eq!(status, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["code"], "AADSTS7000222");
    assert_eq!(v["recognized"], true);
    assert!(v["fix"].as_array().unwrap().len() >= 3);
    assert!(v["traceId"].is_string() && v["correlationId"].is_string());
    assert!(v["link"]
        .as_str()
        .unwrap()
        .starts_with("https://portal.azure.com/"));

    // 2. A Power BI body on standard input.
    let (_, out, _) = keyway(
        &["explain", "--json"],
        &[],
        &pbi_body("PowerBIEntityNotFound").to_string(),
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["code"], "PowerBIEntityNotFound");

    // 3. Raw text with an AADSTS code, from "-".
    let text = "MsalUiRequiredException: AADSTS50076: Due to a configuration change made by your \
                administrator, you must use multi-factor authentication.\n\
                Trace ID: 1b2c\nCorrelation ID: 3d4e\nTimestamp: 2026-11-23 10:00:00Z";
    let (_, out, _) = keyway(&["explain", "-", "--json"], &[], text);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (v["code"].as_str(), v["correlationId"].as_str()),
        (Some("AADSTS50076"), Some("3d4e"))
    );

    // 4. A whole HTTP response, as text for a person.
    let d = dump(
        401,
        &[
            ("RequestId", "9a9a"),
            (
                "X-PowerBI-Error-Info",
                "ServicePrincipalIsNotAllowedByTenantAdminSwitch",
            ),
        ],
        &pbi_body("PowerBINotAuthorizedException"),
    );
    let (status, out, _) = keyway(&["explain"], &[], &d);
    assert_eq!(status, 0);
    assert!(
        out.starts_with(
            "Power BI does not allow this app yet \
             [ServicePrincipalIsNotAllowedByTenantAdminSwitch]"
        ),
        "{out}"
    );
    assert!(out.contains("  1. Ask a Power BI administrator"));
    assert!(out.contains("Request ID: 9a9a"));

    // Unknown codes: still the message and the IDs, and recognized=false.
    let (_, out, _) = keyway(
        &["explain", "--json"],
        &[],
        &entra_body(9999999, "invalid_request", 400, "A brand new failure."),
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (v["code"].as_str(), v["recognized"].as_bool()),
        (Some("AADSTS9999999"), Some(false))
    );
    assert!(v["cause"]
        .as_str()
        .unwrap()
        .contains("A brand new failure."));
    assert!(v["correlationId"].is_string());

    // Nothing to explain is a usage error.
    let (status, _, err) = keyway(&["explain"], &[], "  \n");
    assert_eq!(status, 2);
    assert!(err.contains("Nothing to explain"));
    std::fs::remove_dir_all(&dir).ok();
}

/// A plain OAuth refusal from a server that is not Microsoft's (no AADSTS number): explained by
/// its `error` value, and the host that answered is named, never "Microsoft".
#[tokio::test(flavor = "multi_thread")]
async fn a_plain_oauth_error_is_explained_and_its_host_named() {
    // oidc-provider's answer to a wrong client secret (node-oidc-provider
    // lib/helpers/errors.js, InvalidClientAuth), as an HTTP dump someone pastes.
    let dump = "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n\r\n\
                {\"error\":\"invalid_client\",\"error_description\":\"client authentication \
                failed\"}";
    let (status, out, _) = keyway(&["explain", "-", "--json"], &[], dump);
    assert_eq!(status, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (v["code"].as_str(), v["recognized"].as_bool()),
        (Some("OAUTH_INVALID_CLIENT"), Some(true))
    );
    assert!(
        v["cause"].as_str().unwrap().contains("invalid_client"),
        "{out}"
    );

    // A refusal from fakecloud, a host that is not Microsoft's: the CLI names it.
    let (cloud, _, _) = common::emulator().await;
    let host = reqwest::Url::parse(&cloud.https_url).unwrap();
    let host = host.host_str().unwrap().to_string();
    let ca = cloud.ca_path.to_str().unwrap().to_string();
    let args = [
        "token",
        "--cloud",
        "custom",
        "--authority-host",
        &cloud.https_url,
        "--powerbi-api",
        &cloud.https_url,
        "--ca-cert",
        &ca,
        "--tenant",
        "contoso.onmicrosoft.com",
        "--client-id",
        "11111111-1111-4111-8111-111111111111",
        "--client-secret-stdin",
    ];
    let (status, _, err) = keyway(&args, &[], "Emb8Q~not.the.right.value_0123456789abcdef");
    assert_eq!(status, 1, "{err}");
    assert!(err.contains(&format!("What {host} said:")), "{err}");
    assert!(
        !err.contains("Microsoft's sign-in service refused"),
        "{err}"
    );
    let (_, out, _) = keyway(
        &[&args[..], &["--json"]].concat(),
        &[],
        "Emb8Q~not.the.right.value_0123456789abcdef",
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["error"]["service"], host.as_str(), "{out}");
    cloud.stop();
}
