//! What a run leaves behind: the log lines of sign-ins and checks, and a connection's "last
//! check" (its result, shown on the home screen and by `keyway status`).

use super::Draft;
use crate::auth::Token;
use crate::clock::now;
use crate::diagnose::Explanation;
use crate::powerbi::ladder::Outcome;
use crate::profile::LastCheck;
use crate::report::mask;
use crate::Method;

/// Notes each check's result in the log: its ID, status and code.
pub(super) fn log_outcome(outcome: &Outcome) {
    for i in &outcome.items {
        let code = i.problem.as_ref().map(|p| p.code.as_str());
        tracing::info!(item = i.id, status = ?i.status, code, "check");
    }
    tracing::info!(ok = outcome.ok, "checks finished");
}

/// Notes a sign-in's start in the log: method, sign-in host, masked tenant and app.
pub(super) fn log_sign_in(how: &str, draft: &Draft, method: Option<Method>) {
    let host = draft
        .cloud()
        .map(|c| crate::log::host(&c.authority_host))
        .unwrap_or_default();
    tracing::info!(
        how,
        method = method.map_or("none", Method::as_str),
        host,
        tenant = mask(&draft.tenant),
        client_id = mask(&draft.client_id),
        "sign-in started"
    );
}

/// Notes a sign-in's end in the log: the code and HTTP status when it failed.
pub(super) fn log_signed_in<T>(result: &Result<T, Explanation>) {
    match result {
        Ok(_) => tracing::info!("sign-in succeeded"),
        Err(x) => tracing::warn!(
            code = x.code.as_str(),
            http_status = x.http_status,
            "sign-in failed"
        ),
    }
}

/// The ladder's result in a profile's "last check" form.
pub fn last_check_of(outcome: &Outcome) -> LastCheck {
    let first = outcome.first_problem();
    let problem = first.and_then(|i| i.problem.as_ref());
    LastCheck {
        at: now(),
        ok: outcome.ok,
        code: problem.map(|p| p.code.clone()),
        summary: match first {
            Some(i) => format!("{}: {}", i.title, i.summary),
            None => "Every check passed.".into(),
        },
        ..last_check_from(problem)
    }
}

/// A sign-in's result in a profile's "last check" form.
pub(super) fn last_check_of_sign_in(result: &Result<Token, Explanation>) -> LastCheck {
    match result {
        Ok(t) => LastCheck {
            ok: true,
            summary: format!("Signed in; token valid until {}.", t.expires_on),
            http_status: Some(200),
            ..last_check_from(None)
        },
        Err(x) => LastCheck {
            code: Some(x.code.clone()),
            summary: x.message.clone().unwrap_or_else(|| x.title.clone()),
            ..last_check_from(Some(x))
        },
    }
}

fn last_check_from(problem: Option<&Explanation>) -> LastCheck {
    LastCheck {
        at: now(),
        ok: false,
        code: None,
        summary: String::new(),
        http_status: problem.and_then(|p| p.http_status),
        trace_id: problem.and_then(|p| p.trace_id.clone()),
        correlation_id: problem.and_then(|p| p.correlation_id.clone()),
        timestamp: problem.and_then(|p| p.timestamp.clone()),
    }
}

/// Whether a sign-in's failure says something about the connection itself, and so becomes its
/// "last check". The network, the keyring, this computer's clock, throttling and a person who
/// did not finish say nothing about it: the saved result stays what it was.
pub fn says_something_about_the_connection(code: &str) -> bool {
    const PASSING: &[&str] = &[
        "TRANSPORT_",
        "KEYRING_",
        "HTTP_",
        "LOOPBACK_",
        "BROWSER_",
        "SIGN_IN_",
        "STATE_MISMATCH",
        "UNEXPECTED_RESPONSE",
        "OAUTH_TEMPORARILY_UNAVAILABLE",
        "OAUTH_SERVER_ERROR",
        "OAUTH_SLOW_DOWN",
        "OAUTH_AUTHORIZATION_PENDING",
        "OAUTH_EXPIRED_TOKEN",
        // The client assertion's time window: this computer's clock, not the certificate.
        "AADSTS700024",
    ];
    !PASSING.iter().any(|p| code.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_sign_in_is_recorded_with_its_ids() {
        let mut x = Explanation::new("AADSTS7000215", "Wrong secret", "c", vec![]);
        x.message = Some("Invalid client secret provided.".into());
        x.http_status = Some(401);
        x.trace_id = Some("t".into());
        let c = last_check_of_sign_in(&Err(x));
        assert!(!c.ok);
        assert_eq!(c.code.as_deref(), Some("AADSTS7000215"));
        assert_eq!(c.summary, "Invalid client secret provided.");
        assert_eq!(
            (c.http_status, c.trace_id.as_deref()),
            (Some(401), Some("t"))
        );
    }

    #[test]
    fn only_failures_about_the_connection_are_recorded() {
        for code in [
            "AADSTS7000215",
            "AADSTS700016",
            "OAUTH_INVALID_CLIENT",
            "PowerBINotAuthorizedException",
        ] {
            assert!(says_something_about_the_connection(code), "{code}");
        }
        for code in [
            "TRANSPORT_TIMEOUT",
            "KEYRING_LOCKED",
            "AADSTS700024",
            "SIGN_IN_EXPIRED",
            "OAUTH_TEMPORARILY_UNAVAILABLE",
            "LOOPBACK_PORT_IN_USE",
        ] {
            assert!(!says_something_about_the_connection(code), "{code}");
        }
    }
}
