//! The `keyway` command: the wizard's checks for help desks and scripts. One module per
//! command, each a `run(args)` over the same core calls the desktop window makes
//! (`keyway::wizard::Session` and friends); this module holds what they share: the arguments
//! for where and how to sign in, reading standard input, and printing results and failures.

pub mod ca;
pub mod check;
pub mod explain;
pub mod profile;
pub mod report;
pub mod setup;
pub mod status;
pub mod tenant;
pub mod token;

use clap::{Args, Parser, Subcommand};
use keyway::cloud::{CloudId, CustomEndpoints};
use keyway::diagnose::Explanation;
use keyway::secret::Zeroizing;
use keyway::wizard::{Session, SignInEvent};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use tokio::io::AsyncReadExt;

/// Set up and verify Power BI REST API credentials.
#[derive(Debug, Parser)]
#[command(name = "keyway", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show Keyway's version and everything the wizard offers (goals, methods, clouds).
    Info(JsonFlag),
    /// List the Microsoft clouds Keyway knows, with their sign-in and Power BI addresses.
    Clouds(JsonFlag),
    /// List the goals Keyway can check credentials for.
    Goals(JsonFlag),
    /// Sign in and show who the token is for. Secrets are read from standard input only.
    Token(Box<token::TokenArgs>),
    /// Sign in, then check everything the goal needs: consent, tenant setting, security group,
    /// workspace role and each Power BI call. Exit status 0 only when every needed item passes.
    Check(Box<check::CheckArgs>),
    /// Explain an error: an Entra or Power BI error body, text with an AADSTS code, or a whole
    /// HTTP response (status line, headers, body), from a file or standard input.
    Explain(explain::ExplainArgs),
    /// Say which Microsoft cloud a tenant lives in, from its sign-in discovery document.
    TenantCloud(tenant::TenantCloudArgs),
    /// Saved connections: list, show, save, delete, export and import presets.
    Profile {
        #[command(subcommand)]
        action: profile::ProfileAction,
    },
    /// Every saved connection at a glance: method, tenant, app, secret, expiry, last result.
    Status(JsonFlag),
    /// Write a support report (HTML, and JSON beside it) with no secret in it.
    Report(report::ReportArgs),
    /// "Set it up for me": an administrator signs in once; Keyway registers the app, its
    /// secret, the group, the tenant setting and the workspace seat. --plan changes nothing.
    Setup(Box<setup::SetupArgs>),
    /// The company's certificate authority, for a network whose proxy inspects secure
    /// connections: show, trust or forget it (the window's Settings does the same).
    Ca {
        #[command(subcommand)]
        action: ca::CaAction,
    },
}

/// `--json`.
#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Which cloud, and a custom cloud's addresses.
#[derive(Debug, Clone, Args)]
pub struct CloudArgs {
    /// The Microsoft cloud: public, gcc, gcchigh, dod, china or custom.
    #[arg(long, default_value = "public")]
    pub cloud: CloudId,
    /// Custom cloud: the sign-in service, e.g. https://login.example.com.
    #[arg(long, required_if_eq("cloud", "custom"))]
    pub authority_host: Option<String>,
    /// Custom cloud: the Power BI API, e.g. https://api.example.com.
    #[arg(long, required_if_eq("cloud", "custom"))]
    pub powerbi_api: Option<String>,
    /// Custom cloud: the Fabric API, e.g. https://api.example.com/v1.
    #[arg(long)]
    pub fabric_api: Option<String>,
}

impl CloudArgs {
    /// The custom cloud's addresses, when the cloud is custom.
    pub fn custom(&self) -> Option<CustomEndpoints> {
        (self.cloud == CloudId::Custom).then(|| CustomEndpoints {
            authority_host: self.authority_host.clone().unwrap_or_default(),
            powerbi_api: self.powerbi_api.clone().unwrap_or_default(),
            fabric_api: self.fabric_api.clone(),
            ..Default::default()
        })
    }
}

/// What went wrong, with the exit status it gives: 2 when something typed is wrong, 1 when
/// Microsoft refused or could not be reached.
#[derive(Debug)]
pub struct Failure {
    status: u8,
    explanation: Box<Explanation>,
}

impl Failure {
    /// Something typed is wrong (exit status 2).
    pub fn usage(explanation: impl Into<Explanation>) -> Failure {
        Failure {
            status: 2,
            explanation: Box::new(explanation.into()),
        }
    }

    /// A usage problem of the command line itself.
    pub fn usage_text(code: &str, title: &str, cause: impl Into<String>) -> Failure {
        Failure::usage(Explanation::new(code, title, cause, vec![]))
    }
}

macro_rules! failure_from {
    ($status:literal: $($t:ty),*) => {$(
        impl From<$t> for Failure {
            fn from(e: $t) -> Self {
                Failure { status: $status, explanation: Box::new(e.into()) }
            }
        }
    )*};
}
failure_from!(1: Explanation, keyway::vault::VaultError, keyway::profile::ProfileError,
    tokio::task::JoinError);
failure_from!(2: keyway::validate::FieldProblem, keyway::http::ClientError,
    keyway::cloud::CloudError);

/// What a command prints on success.
pub type Outcome = Result<String, Failure>;

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> ExitCode {
    let (result, json) = match cli.command {
        Command::Info(f) => (Ok(info(f.json)), f.json),
        Command::Clouds(f) => (Ok(clouds(f.json)), f.json),
        Command::Goals(f) => (Ok(goals(f.json)), f.json),
        Command::Token(args) => {
            let json = args.sign_in.json;
            (token::run(*args).await, json)
        }
        Command::Check(args) => return check::run(*args).await,
        Command::Explain(args) => {
            let json = args.json;
            (explain::run(args).await, json)
        }
        Command::TenantCloud(args) => {
            let json = args.json;
            (tenant::run(args).await, json)
        }
        Command::Profile { action } => {
            let json = action.json();
            (profile::run(action).await, json)
        }
        Command::Status(f) => (status::run(f.json), f.json),
        Command::Report(args) => (report::run(args), false),
        Command::Setup(args) => {
            let json = args.json;
            (setup::run(*args).await, json)
        }
        Command::Ca { action } => {
            let json = action.json();
            (ca::run(action), json)
        }
    };
    finish(result, json)
}

/// Prints the result or the failure, and gives the exit status.
pub fn finish(result: Outcome, json: bool) -> ExitCode {
    match result {
        Ok(text) => {
            if !text.is_empty() {
                println!("{text}");
            }
            ExitCode::SUCCESS
        }
        Err(f) => {
            if json {
                let out = serde_json::json!({ "ok": false, "error": f.explanation });
                println!("{out}");
            } else {
                eprintln!("keyway: {}", f.explanation.to_text());
            }
            ExitCode::from(f.status)
        }
    }
}

/// Pretty JSON.
pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// The most Keyway reads from standard input: a secret, a password or a pasted error is a few
/// kilobytes at most, and an endless pipe must not fill the memory.
pub const STDIN_LIMIT: usize = 64 * 1024;

/// Reads standard input whole, refusing more than [`STDIN_LIMIT`] bytes; reads no further than
/// one byte past it. The buffer is wiped when dropped (it may hold a secret), and allocated once
/// at its full size so no partial copy is left behind in freed memory.
pub async fn read_stdin_bytes(what: &str) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let mut buf = Zeroizing::new(Vec::with_capacity(STDIN_LIMIT + 1));
    tokio::io::stdin()
        .take(STDIN_LIMIT as u64 + 1)
        .read_to_end(&mut buf)
        .await
        .map_err(|e| {
            Failure::usage_text(
                "STDIN_UNREADABLE",
                "Standard input could not be read",
                format!("The {what} could not be read from standard input: {e}"),
            )
        })?;
    if buf.len() > STDIN_LIMIT {
        return Err(Failure::usage(Explanation::new(
            "STDIN_TOO_LARGE",
            "Too much arrived on standard input",
            format!(
                "More than {} KiB arrived on standard input; a {what} is far shorter, so Keyway \
                 stopped reading.",
                STDIN_LIMIT / 1024
            ),
            vec![format!(
                "Pipe in only the {what}, e.g. `keyway token ... < secret.txt`, not a whole \
                 file or a stream."
            )],
        )));
    }
    Ok(buf)
}

/// Reads a secret (or a file's text) from standard input, without the final line break.
pub async fn read_stdin(what: &str) -> Result<Zeroizing<String>, Failure> {
    let bytes = read_stdin_bytes(what).await?;
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        Failure::usage_text(
            "STDIN_UNREADABLE",
            "Standard input could not be read",
            format!("The {what} on standard input is not UTF-8 text."),
        )
    })?;
    let value = Zeroizing::new(text.trim_end_matches(['\r', '\n']).to_string());
    if value.is_empty() {
        return Err(Failure::usage_text(
            "STDIN_EMPTY",
            "Nothing arrived on standard input",
            format!(
                "No {what} arrived on standard input. Pipe it in, e.g. \
                 `keyway token ... < secret.txt`."
            ),
        ));
    }
    Ok(value)
}

/// A session trusting `--ca-cert` (or `KEYWAY_CA_CERT`), which Ctrl-C cancels.
pub fn session(ca_cert: Option<&Path>) -> Result<Arc<Session>, Failure> {
    let ca = keyway::http::extra_ca(ca_cert)?;
    let session = Arc::new(Session::new(ca.as_deref())?);
    let on_ctrl_c = session.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.cancel();
        }
    });
    Ok(session)
}

/// What a terminal shows of a sign-in that needs the person.
pub fn show_sign_in(event: SignInEvent) {
    match event {
        SignInEvent::DeviceCode { info } => {
            let text = info.message.clone().unwrap_or_else(|| {
                format!(
                    "Open {} and enter the code {}.",
                    info.verification_uri, info.user_code
                )
            });
            eprintln!("{text}");
        }
        SignInEvent::BrowserNotOpened { reason, .. } => eprintln!(
            "The browser could not be opened ({reason}). Open the address above yourself; \
             Keyway is waiting."
        ),
        SignInEvent::Waiting { wait } => eprintln!("{}...", wait.to_text()),
        _ => {}
    }
}

/// The path as given, made absolute when it exists.
pub fn absolute(path: PathBuf) -> PathBuf {
    std::fs::canonicalize(&path).unwrap_or(path)
}

fn info(json: bool) -> String {
    let info = keyway::app_info();
    if json {
        return to_json(&info);
    }
    let ids = |v: Vec<&str>| v.join(", ");
    format!(
        "Keyway {} on {}\ngoals:   {}\nmethods: {}\nclouds:  {}",
        info.version,
        info.os,
        ids(info.goals.iter().map(|g| g.id.as_str()).collect()),
        ids(info.methods.iter().map(|m| m.id.as_str()).collect()),
        ids(info.clouds.iter().map(|c| c.id.as_str()).collect()),
    )
}

fn clouds(json: bool) -> String {
    let clouds = keyway::app_info().clouds;
    if json {
        return to_json(&clouds);
    }
    clouds
        .iter()
        .map(|c| {
            let (id, name) = (c.id.as_str(), &c.name);
            format!("{id:<8} {name:<26} {}  {}", c.authority_host, c.powerbi_api)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn goals(json: bool) -> String {
    let goals = keyway::app_info().goals;
    if json {
        return to_json(&goals);
    }
    goals
        .iter()
        .map(|g| format!("{:<10} {}", g.id.as_str(), g.title))
        .collect::<Vec<_>>()
        .join("\n")
}
