//! The `keyway` command: the same checks as the desktop wizard, for help desks and scripts.

use clap::{Args, Parser, Subcommand, ValueEnum};
use keyway::auth::{AssertionAlg, AuthError, ClientCertificate, EndpointVersion, SignIn, Token};
use keyway::cloud::{Cloud, CloudId, CustomEndpoints};
use keyway::secret::{CertificatePassword, ClientSecret, Password};
use keyway::validate::TenantUse;
use serde_json::json;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Set up and verify Power BI REST API credentials.
#[derive(Debug, Parser)]
#[command(name = "keyway", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show Keyway's version and everything the wizard offers (goals, methods, clouds).
    Info {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List the Microsoft clouds Keyway knows, with their sign-in and Power BI addresses.
    Clouds {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// List the goals Keyway can check credentials for.
    Goals {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Sign in and show who the token is for. Secrets are read from standard input only.
    Token(Box<TokenArgs>),
}

/// Where and as whom to sign in.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("method").required(true).args([
    "client_secret_stdin", "certificate", "username", "device_code", "browser"])))]
struct TokenArgs {
    /// The Microsoft cloud.
    #[arg(long, value_enum, default_value = "public")]
    cloud: CloudArg,
    /// Custom cloud: the sign-in service, e.g. https://login.example.com.
    #[arg(long, required_if_eq("cloud", "custom"))]
    authority_host: Option<String>,
    /// Custom cloud: the Power BI API, e.g. https://api.example.com.
    #[arg(long, required_if_eq("cloud", "custom"))]
    powerbi_api: Option<String>,
    /// Custom cloud: one more certificate authority to trust (PEM file).
    #[arg(long)]
    ca_cert: Option<PathBuf>,
    /// Tenant ID or domain.
    #[arg(long)]
    tenant: String,
    /// Application (client) ID.
    #[arg(long)]
    client_id: String,
    /// Read the client secret from standard input.
    #[arg(long)]
    client_secret_stdin: bool,
    /// Sign in with this certificate (PEM with its key, or .pfx).
    #[arg(long)]
    certificate: Option<PathBuf>,
    /// The certificate's private key, when it is in a separate PEM file.
    #[arg(long, requires = "certificate")]
    certificate_key: Option<PathBuf>,
    /// Read the .pfx password from standard input.
    #[arg(long, requires = "certificate")]
    certificate_password_stdin: bool,
    /// Sign the certificate assertion RS256 with a SHA-1 thumbprint (older form).
    #[arg(long, requires = "certificate")]
    rs256: bool,
    /// Sign in as this user with a password (read from standard input).
    #[arg(long, requires = "password_stdin")]
    username: Option<String>,
    /// Read the user's password from standard input.
    #[arg(long, requires = "username")]
    password_stdin: bool,
    /// Sign in with a code typed on another device.
    #[arg(long)]
    device_code: bool,
    /// Sign in in the system browser.
    #[arg(long)]
    browser: bool,
    /// Use the older v1 endpoint (resource= instead of scopes).
    #[arg(long)]
    v1: bool,
    /// Delegated Power BI permission to ask for (repeat); all consented ones when absent.
    #[arg(long = "scope")]
    scopes: Vec<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Also print the access token itself.
    #[arg(long)]
    print_token: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CloudArg {
    Public,
    Gcc,
    Gcchigh,
    Dod,
    China,
    Custom,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Token(args) = cli.command {
        return token_command(*args);
    }
    let info = keyway::app_info();
    let out = match cli.command {
        Command::Info { json: true } => to_json(&info),
        Command::Info { json: false } => format!(
            "Keyway {} on {}\ngoals:   {}\nmethods: {}\nclouds:  {}",
            info.version,
            info.os,
            info.goals
                .iter()
                .map(|g| g.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            info.methods
                .iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            info.clouds
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Command::Clouds { json: true } => to_json(&info.clouds),
        Command::Clouds { json: false } => info
            .clouds
            .iter()
            .map(|c| {
                format!(
                    "{:<8} {:<26} {}  {}",
                    c.id, c.name, c.authority_host, c.powerbi_api
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Command::Goals { json: true } => to_json(&info.goals),
        Command::Token(_) => unreachable!("handled above"),
        Command::Goals { json: false } => info
            .goals
            .iter()
            .map(|g| format!("{:<10} {}", g.id.as_str(), g.title))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    println!("{out}");
    ExitCode::SUCCESS
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// What went wrong in `keyway token`, with the exit status it gives.
struct Failure {
    status: u8,
    code: String,
    message: String,
    details: serde_json::Value,
}

impl From<AuthError> for Failure {
    fn from(e: AuthError) -> Self {
        let details = match &e {
            AuthError::Entra(x) => serde_json::to_value(x).unwrap_or_default(),
            AuthError::Invalid(p) => serde_json::to_value(p).unwrap_or_default(),
            _ => serde_json::Value::Null,
        };
        let status = if matches!(e, AuthError::Invalid(_)) {
            2
        } else {
            1
        };
        Failure {
            status,
            code: e.code(),
            message: e.to_string(),
            details,
        }
    }
}

fn usage(code: &str, message: impl Into<String>) -> Failure {
    Failure {
        status: 2,
        code: code.into(),
        message: message.into(),
        details: serde_json::Value::Null,
    }
}

fn read_stdin(what: &str) -> Result<String, Failure> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).map_err(|e| {
        usage(
            "STDIN_UNREADABLE",
            format!("The {what} could not be read from standard input: {e}"),
        )
    })?;
    let value = text.trim_end_matches(['\r', '\n']).to_string();
    if value.is_empty() {
        return Err(usage("STDIN_EMPTY", format!("No {what} arrived on standard input. Pipe it in, e.g. `keyway token ... < secret.txt`.")));
    }
    Ok(value)
}

fn token_command(args: TokenArgs) -> ExitCode {
    let json_out = args.json;
    let print_token = args.print_token;
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("keyway: could not start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(sign_in(args)) {
        Ok(token) => {
            if json_out {
                let mut out = json!({ "ok": true, "token_type": token.token_type, "expires_on": token.expires_on, "claims": token.claims });
                if print_token {
                    out["access_token"] = json!(token.access_token.expose());
                }
                println!("{out}");
            } else {
                let c = &token.claims;
                let who = if c.app_only {
                    format!("the app {}", c.app_id.clone().unwrap_or_default())
                } else {
                    c.who.clone().unwrap_or_default()
                };
                println!(
                    "Signed in as {who} (tenant {}).",
                    c.tenant_id.clone().unwrap_or_default()
                );
                let perms = if c.app_only { &c.roles } else { &c.scopes };
                let perms = if perms.is_empty() {
                    "none".to_string()
                } else {
                    perms.join(", ")
                };
                println!(
                    "Token for {}, {} permissions: {perms}.",
                    c.audience.clone().unwrap_or_default(),
                    if c.app_only {
                        "application"
                    } else {
                        "delegated"
                    }
                );
                println!(
                    "Expires in {} minutes.",
                    (token.expires_on - keyway::auth::now()).max(0) / 60
                );
                if print_token {
                    println!("{}", token.access_token.expose());
                }
            }
            ExitCode::SUCCESS
        }
        Err(f) => {
            if json_out {
                println!(
                    "{}",
                    json!({ "ok": false, "error": { "code": f.code, "message": f.message, "details": f.details } })
                );
            } else {
                eprintln!("keyway: {} [{}]", f.message, f.code);
            }
            ExitCode::from(f.status)
        }
    }
}

async fn sign_in(args: TokenArgs) -> Result<Token, Failure> {
    let cloud = match args.cloud {
        CloudArg::Custom => Cloud::custom(CustomEndpoints {
            authority_host: args.authority_host.clone().unwrap_or_default(),
            powerbi_api: args.powerbi_api.clone().unwrap_or_default(),
            ..Default::default()
        })
        .map_err(|e| usage("CUSTOM_CLOUD_INVALID", e.to_string()))?,
        other => {
            let id: CloudId = format!("{other:?}")
                .parse()
                .map_err(|e: keyway::cloud::UnknownCloud| usage("CLOUD_UNKNOWN", e.to_string()))?;
            Cloud::builtin(id).ok_or_else(|| usage("CLOUD_UNKNOWN", "unknown cloud"))?
        }
    };
    let ca = match &args.ca_cert {
        Some(path) => Some(
            std::fs::read(path)
                .map_err(|e| usage("CA_CERT_UNREADABLE", format!("{}: {e}", path.display())))?,
        ),
        None => None,
    };
    let http = keyway::http::client(ca.as_deref()).map_err(|m| usage("HTTP_CLIENT", m))?;
    let app_only = args.client_secret_stdin || args.certificate.is_some();
    let usage_kind = if app_only {
        TenantUse::App
    } else {
        TenantUse::User
    };
    let mut signin = SignIn::new(&http, &cloud, &args.tenant, &args.client_id, usage_kind)?;
    signin.scopes = args.scopes.clone();
    if args.v1 {
        signin.version = EndpointVersion::V1;
    }
    if args.client_secret_stdin {
        let secret = ClientSecret::new(read_stdin("client secret")?);
        return Ok(signin.client_secret(&secret).await?);
    }
    if let Some(path) = &args.certificate {
        let password = if args.certificate_password_stdin {
            Some(CertificatePassword::new(read_stdin(
                "certificate password",
            )?))
        } else {
            None
        };
        let cert = ClientCertificate::load(
            path,
            args.certificate_key.as_deref(),
            password.as_ref(),
            keyway::auth::now(),
        )?;
        let alg = if args.rs256 {
            AssertionAlg::Rs256
        } else {
            AssertionAlg::Ps256
        };
        return Ok(signin.certificate(&cert, alg).await?);
    }
    if let Some(user) = &args.username {
        let password = Password::new(read_stdin("password")?);
        return Ok(signin.password(user, &password).await?);
    }
    let cancel = tokio_util::sync::CancellationToken::new();
    let ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            ctrl_c.cancel();
        }
    });
    if args.device_code {
        let token = signin
            .device_code(
                |info| {
                    let text = info.message.clone().unwrap_or_else(|| {
                        format!(
                            "Open {} and enter the code {}.",
                            info.verification_uri, info.user_code
                        )
                    });
                    eprintln!("{text}");
                    let _ = std::io::stderr().flush();
                },
                tokio::time::sleep,
                cancel,
            )
            .await?;
        return Ok(token);
    }
    if std::io::stderr().is_terminal() {
        eprintln!("Opening your browser to sign in...");
    }
    Ok(signin
        .browser(
            keyway::auth::browser::open_system_browser,
            Duration::from_secs(300),
            cancel,
        )
        .await?)
}
