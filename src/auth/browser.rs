//! Browser sign-in: authorization code with PKCE (RFC 7636) and a loopback redirect (RFC 8252
//! §7.3). Keyway listens on 127.0.0.1 at a random port for exactly one callback, opens the
//! system browser at Microsoft's sign-in page, checks the `state` it gets back, and exchanges
//! the code with the PKCE verifier. The code is never logged.

use super::device::{from_oauth2, from_request_error, send};
use super::error::{AuthError, EntraError, EntraErrorBody};
use super::token::Token;
use super::SignIn;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;
use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, CsrfToken, PkceCodeChallenge, RedirectUrl,
    Scope, TokenUrl,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

/// What came back to the loopback address.
type Callback = HashMap<String, String>;

#[derive(Clone)]
struct Listener {
    tx: Arc<Mutex<Option<oneshot::Sender<Callback>>>>,
    /// The `state` this sign-in sent; any other callback is answered and ignored, so that no
    /// other program on this computer can end the sign-in by calling the loopback address.
    state: Arc<str>,
}

const PAGE_STYLE: &str = concat!(
    "body{font:17px system-ui,sans-serif;max-width:32rem;margin:4rem auto;",
    "padding:0 1rem;color:#1b2130}",
    "h1{font-size:1.5rem}",
);

fn page(title: &str, text: &str) -> Html<String> {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{t} - Keyway</title><style>{PAGE_STYLE}</style></head>\
         <body><h1>{t}</h1><p>{x}</p></body></html>",
        t = esc(title),
        x = esc(text)
    ))
}

async fn callback(State(l): State<Listener>, Query(q): Query<Callback>) -> impl IntoResponse {
    if q.get("state").map(String::as_str) != Some(&*l.state) {
        return (
            StatusCode::BAD_REQUEST,
            page(
                "Not this sign-in",
                "This sign-in link is not the one Keyway is waiting for. Go back to Keyway and \
                 sign in from there.",
            ),
        );
    }
    let sender = l.tx.lock().ok().and_then(|mut s| s.take());
    let Some(tx) = sender else {
        return (
            StatusCode::OK,
            page(
                "Already done",
                "This sign-in has already finished. You can close this tab.",
            ),
        );
    };
    let failed = q.get("error").cloned();
    let _ = tx.send(q);
    let shown = match failed {
        None => page(
            "You're signed in",
            "You can close this tab and go back to Keyway.",
        ),
        Some(_) => page(
            "Sign-in didn't finish",
            "Go back to Keyway to see what happened and what to do next.",
        ),
    };
    (StatusCode::OK, shown)
}

/// Opens a URL in the person's browser.
pub fn open_system_browser(url: &str) -> std::io::Result<()> {
    open::that_detached(url)
}

impl SignIn<'_> {
    /// The authorize endpoint.
    pub fn authorize_url(&self) -> String {
        format!(
            "{}/{}/oauth2/v2.0/authorize",
            self.cloud.authority_host, self.tenant
        )
    }

    /// Signs a person in through their browser. `open` shows the sign-in page (normally
    /// [`open_system_browser`]); when it fails, the wait goes on all the same, as the person
    /// can open the address themselves (the caller shows it). Gives up after `timeout` or when
    /// `cancel` fires.
    pub async fn browser(
        &self,
        open: impl FnOnce(&str) -> std::io::Result<()>,
        timeout: Duration,
        cancel: CancellationToken,
    ) -> Result<Token, AuthError> {
        let wanted = crate::limits::loopback_port();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", wanted))
            .await
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AddrInUse => AuthError::PortInUse(wanted),
                _ => AuthError::Browser(format!(
                    "Keyway could not listen for the browser's answer on this computer ({e})."
                )),
            })?;
        let port = listener
            .local_addr()
            .map_err(|e| AuthError::Browser(e.to_string()))?
            .port();
        let redirect = format!("http://{}:{port}{}", self.loopback.host, self.loopback.path);

        let bad_url = |e: oauth2::url::ParseError| AuthError::Unexpected {
            status: 0,
            detail: e.to_string(),
        };
        let client = BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_auth_type(AuthType::RequestBody)
            .set_auth_uri(AuthUrl::new(self.authorize_url()).map_err(bad_url)?)
            .set_token_uri(TokenUrl::new(self.token_url()).map_err(bad_url)?)
            .set_redirect_uri(RedirectUrl::new(redirect).map_err(bad_url)?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let scopes = self
            .user_scope()
            .split_whitespace()
            .map(|s| Scope::new(s.to_string()))
            .collect::<Vec<_>>();
        let (url, state) = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(scopes)
            .set_pkce_challenge(challenge)
            .url();
        if !self.may_open(url.as_str()) {
            return Err(AuthError::Browser(format!(
                "Keyway only opens Microsoft's sign-in pages for this cloud; {} is not one.",
                url.host_str().unwrap_or_default()
            )));
        }

        let (tx, rx) = oneshot::channel();
        let app = Router::new()
            .route(&self.loopback.path, get(callback))
            .with_state(Listener {
                tx: Arc::new(Mutex::new(Some(tx))),
                state: Arc::from(state.secret().as_str()),
            });
        let stop = CancellationToken::new();
        let server_stop = stop.clone();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(server_stop.cancelled_owned())
                .await;
        });
        let outcome = async {
            // A browser that fails to open (no desktop, no default browser) is not the end: the
            // caller was told and shows the address; the person may open it by hand.
            let _ = open(url.as_str());
            tokio::select! {
                r = rx => r.map_err(|_| AuthError::Cancelled),
                _ = tokio::time::sleep(timeout) => Err(AuthError::Expired),
                _ = cancel.cancelled() => Err(AuthError::Cancelled),
            }
        }
        .await;
        stop.cancel();
        let _ = server.await;
        let answer = outcome?;

        // The state must be ours before anything else in the answer is believed.
        if answer.get("state").map(String::as_str) != Some(state.secret().as_str()) {
            return Err(AuthError::StateMismatch);
        }
        if let Some(error) = answer.get("error") {
            let description = answer.get("error_description").cloned().unwrap_or_default();
            if error == "access_denied" {
                return Err(AuthError::Declined(description));
            }
            let body = EntraErrorBody {
                error: error.clone(),
                error_description: Some(description),
                ..Default::default()
            };
            let refused = AuthError::Entra(Box::new(EntraError::from_body(400, &body)));
            return Err(refused.from_host(&self.cloud.authority_host));
        }
        let code = answer
            .get("code")
            .cloned()
            .ok_or_else(|| AuthError::Unexpected {
                status: 0,
                detail: "the browser came back without a code".into(),
            })?;
        let (reqwest_client, retry) = (self.http.clone(), self.retry.clone());
        let http = move |req| send(reqwest_client.clone(), retry.clone(), req);
        let token = client
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(verifier)
            .request_async(&http)
            .await
            .map_err(|e| from_request_error(e, &self.token_url()))?;
        Ok(from_oauth2(&token))
    }
}
