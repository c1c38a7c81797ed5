//! fakecloud: a local, faithful stand-in for Microsoft Entra ID (and, as it grows, Power BI
//! REST, Fabric and Graph), for Keyway's tests. No Microsoft host is reachable from the
//! machines Keyway is tested on, so every sign-in is proven here, and the official MSAL
//! clients are run against it to show it answers as Entra does.
//!
//! Behaviour comes from a tenant model ([`scenario::Scenario`]): a test changes what the
//! emulator says by changing the model.

pub mod assertion;
pub mod authorize;
pub mod control;
pub mod entra;
pub mod entra_error;
pub mod graph;
pub mod powerbi;
pub mod scenario;
pub mod state;
pub mod tls;
pub mod tokens;

use axum::Router;
use axum_server::tls_rustls::RustlsConfig;
use std::net::SocketAddr;
use std::path::PathBuf;

pub use scenario::Scenario;
pub use state::Shared;

/// How to start.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Loopback address to listen on; 127.0.0.1 when absent. Any 127.x.y.z works, which lets
    /// a test answer on port 443 (where MSAL asks the user realm) without clashing with others.
    pub host: Option<std::net::IpAddr>,
    /// HTTPS port on 127.0.0.1; 0 picks a free one.
    pub https_port: u16,
    /// Plain HTTP port on 127.0.0.1; 0 picks a free one.
    pub http_port: u16,
    /// Where to write the CA certificate (PEM); a temporary file when absent.
    pub ca_path: Option<PathBuf>,
}

/// A running emulator. Dropping it does not stop it; call [`Running::stop`].
pub struct Running {
    /// `https://127.0.0.1:PORT`
    pub https_url: String,
    /// `http://127.0.0.1:PORT`
    pub http_url: String,
    /// The CA certificate file clients must trust.
    pub ca_path: PathBuf,
    /// The CA certificate, PEM.
    pub ca_pem: String,
    /// The shared state, for tests that inspect or change the model directly.
    pub state: Shared,
    handle: axum_server::Handle<SocketAddr>,
    http_task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops both listeners.
    pub fn stop(self) {
        self.handle.shutdown();
        self.http_task.abort();
    }
}

fn url(scheme: &str, addr: SocketAddr) -> String {
    match (scheme, addr.port()) {
        ("https", 443) | ("http", 80) => format!("{scheme}://{}", addr.ip()),
        _ => format!("{scheme}://{addr}"),
    }
}

/// The full router for one scheme.
pub fn router(state: Shared, scheme: &'static str) -> Router {
    Router::new()
        .merge(entra::routes())
        .merge(authorize::routes())
        .merge(powerbi::routes())
        .merge(graph::routes())
        .merge(control::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            control::observe,
        ))
        .layer(axum::Extension(entra::Scheme(scheme)))
        .with_state(state)
}

/// Starts the emulator on 127.0.0.1 over HTTPS and HTTP.
pub async fn start(scenario: Scenario, options: Options) -> anyhow::Result<Running> {
    // Several crates may each enable a rustls crypto provider; pick one for the process.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let state = state::State::new(scenario)?;
    let host = options
        .host
        .unwrap_or(std::net::IpAddr::from([127, 0, 0, 1]));
    anyhow::ensure!(
        host.is_loopback(),
        "fakecloud listens on loopback addresses only"
    );
    let pki = tls::TestPki::generate(host)?;
    let ca_path = match options.ca_path {
        Some(p) => p,
        None => std::env::temp_dir().join(format!("fakecloud-ca-{}.pem", uuid::Uuid::new_v4())),
    };
    std::fs::write(&ca_path, &pki.ca_pem)?;

    let tls = RustlsConfig::from_pem(
        pki.server_cert_pem.clone().into_bytes(),
        pki.server_key_pem.clone().into_bytes(),
    )
    .await?;
    let https_listener = std::net::TcpListener::bind((host, options.https_port))?;
    https_listener.set_nonblocking(true)?;
    let https_addr = https_listener.local_addr()?;
    let handle = axum_server::Handle::new();
    let https_app = router(state.clone(), "https");
    let server = axum_server::from_tcp_rustls(https_listener, tls)?.handle(handle.clone());
    tokio::spawn(async move {
        let _ = server.serve(https_app.into_make_service()).await;
    });

    let http_listener = tokio::net::TcpListener::bind((host, options.http_port)).await?;
    let http_addr = http_listener.local_addr()?;
    let http_app = router(state.clone(), "http");
    let http_task = tokio::spawn(async move {
        let _ = axum::serve(http_listener, http_app).await;
    });

    Ok(Running {
        https_url: url("https", https_addr),
        http_url: url("http", http_addr),
        ca_path,
        ca_pem: pki.ca_pem,
        state,
        handle,
        http_task,
    })
}
