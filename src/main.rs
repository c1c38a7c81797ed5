//! The `keyway` command: the same checks as the desktop wizard, for help desks and scripts.

use clap::{Args, Parser, Subcommand, ValueEnum};
use keyway::auth::{AssertionAlg, AuthError, ClientCertificate, EndpointVersion, SignIn, Token};
use keyway::cloud::{Cloud, CloudId, CustomEndpoints};
use keyway::powerbi::ladder::{self, Outcome, Plan};
use keyway::powerbi::Api;
use keyway::profile::{LastCheck, Preset, Profile, ProfileError, ProfileStore};
use keyway::secret::{CertificatePassword, ClientSecret, Password};
use keyway::validate::TenantUse;
use keyway::vault::{SecretKind, Vault};
use keyway::{Goal, Method};
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
    /// Sign in, then check everything the goal needs: consent, tenant setting, security group,
    /// workspace role and each Power BI call. Exit status 0 only when every needed item passes.
    Check(Box<CheckArgs>),
    /// Explain an error: an Entra or Power BI error body, text with an AADSTS code, or a whole
    /// HTTP response (status line, headers, body), from a file or standard input.
    Explain {
        /// The file to read; `-` or nothing reads standard input.
        file: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Saved connections: list, show, save, delete, export and import presets.
    Profile {
        #[command(subcommand)]
        action: ProfileAction,
    },
    /// Every saved connection at a glance: method, tenant, app, secret, expiry, last result.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write a support report (HTML, and JSON beside it) with no secret in it.
    Report {
        /// The profile to report on.
        #[arg(long)]
        profile: String,
        /// The HTML file to write; the JSON goes next to it.
        #[arg(long)]
        out: PathBuf,
        /// Show tenant and client IDs in full (they are masked otherwise).
        #[arg(long)]
        unmask_ids: bool,
    },
}

#[derive(Debug, Subcommand)]
enum ProfileAction {
    /// List saved profiles.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one profile (never its secret).
    Show {
        /// The profile.
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Save a profile; its secret is read from standard input and goes to the keyring.
    Save(Box<SaveArgs>),
    /// Delete a profile and its secrets.
    Delete {
        /// The profile.
        name: String,
    },
    /// Write a preset (the profile without any secret) for someone else to import.
    Export {
        /// The profile.
        name: String,
        /// The preset file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Record when the profile's secret expires: a date from the portal, or read from Graph.
    Expiry {
        /// The profile.
        name: String,
        /// The date (YYYY-MM-DD) the portal shows.
        #[arg(long, conflicts_with = "from_graph")]
        date: Option<String>,
        /// Ask Microsoft Graph (an administrator or the app's owner signs in with a device code,
        /// or with --username and --password-stdin).
        #[arg(long)]
        from_graph: bool,
        /// Sign in to Graph as this user with a password from standard input.
        #[arg(long, requires = "from_graph")]
        username: Option<String>,
        /// Read that password from standard input.
        #[arg(long, requires = "username")]
        password_stdin: bool,
        /// A further certificate authority to trust (PEM), for a custom cloud.
        #[arg(long)]
        ca_cert: Option<PathBuf>,
        /// The public client app the administrator signs in to Graph with (default: Microsoft's
        /// Azure CLI, present in every tenant).
        #[arg(long, default_value = "04b07795-8ddb-461a-bbee-02f9e1bf7b46")]
        graph_client_id: String,
    },
    /// Import a preset; every problem in it is listed.
    Import {
        /// The preset file.
        file: PathBuf,
        /// Replace a profile of the same name.
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Debug, Args)]
struct SaveArgs {
    /// The profile's name.
    name: String,
    /// The Microsoft cloud.
    #[arg(long, value_enum, default_value = "public")]
    cloud: CloudArg,
    /// Custom cloud: the sign-in service.
    #[arg(long, required_if_eq("cloud", "custom"))]
    authority_host: Option<String>,
    /// Custom cloud: the Power BI API.
    #[arg(long, required_if_eq("cloud", "custom"))]
    powerbi_api: Option<String>,
    /// Tenant ID or domain.
    #[arg(long)]
    tenant: String,
    /// Application (client) ID.
    #[arg(long)]
    client_id: String,
    /// client-secret, certificate, password, browser or device-code.
    #[arg(long)]
    method: String,
    /// Read the client secret (or, with --save-password, the password) from standard input.
    #[arg(long)]
    secret_stdin: bool,
    /// For password sign-in: also keep the password in the keyring.
    #[arg(long)]
    save_password: bool,
    /// The certificate file (certificate sign-in).
    #[arg(long)]
    certificate: Option<PathBuf>,
    /// Read the .pfx password from standard input and keep it in the keyring.
    #[arg(long)]
    certificate_password_stdin: bool,
    /// The user (password, browser or device-code sign-in).
    #[arg(long)]
    username: Option<String>,
    /// When the secret or certificate expires (YYYY-MM-DD), as the portal shows it.
    #[arg(long)]
    secret_expires: Option<String>,
    /// embed, data, admin or delegated.
    #[arg(long)]
    goal: Option<String>,
    /// The workspace (ID) the checks use.
    #[arg(long)]
    workspace: Option<String>,
    /// Delegated permission to ask for (repeat).
    #[arg(long = "scope")]
    scopes: Vec<String>,
    /// Replace a profile of the same name.
    #[arg(long)]
    replace: bool,
}

/// What `keyway check` checks.
#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    sign_in: TokenArgs,
    /// What the credential is for (default: the profile's goal).
    #[arg(long)]
    goal: Option<Goal>,
    /// The workspace to check (default: the profile's, or the only one visible).
    #[arg(long)]
    workspace: Option<String>,
    /// Also run the checks that change something: start a refresh, create and delete a push
    /// dataset.
    #[arg(long)]
    allow_changes: bool,
}

/// Where and as whom to sign in.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("method").args([
    "client_secret_stdin", "certificate", "username", "device_code", "browser"])))]
struct TokenArgs {
    /// Use a saved profile (its secret comes from the keyring).
    #[arg(long, conflicts_with_all = ["tenant", "client_id", "method"])]
    profile: Option<String>,
    /// The Microsoft cloud.
    #[arg(long, value_enum, default_value = "public")]
    cloud: CloudArg,
    /// Custom cloud: the sign-in service, e.g. https://login.example.com.
    #[arg(long, required_if_eq("cloud", "custom"))]
    authority_host: Option<String>,
    /// Custom cloud: the Power BI API, e.g. https://api.example.com.
    #[arg(long, required_if_eq("cloud", "custom"))]
    powerbi_api: Option<String>,
    /// Custom cloud: the Fabric API, e.g. https://api.example.com/v1.
    #[arg(long)]
    fabric_api: Option<String>,
    /// Custom cloud: one more certificate authority to trust (PEM file).
    #[arg(long)]
    ca_cert: Option<PathBuf>,
    /// Tenant ID or domain.
    #[arg(long, required_unless_present = "profile")]
    tenant: Option<String>,
    /// Application (client) ID.
    #[arg(long, required_unless_present = "profile")]
    client_id: Option<String>,
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
    let command = match cli.command {
        Command::Token(args) => return token_command(*args),
        Command::Check(args) => return check_command(*args),
        Command::Explain { file, json } => return explain_command(file.as_deref(), json),
        Command::Profile { action } => return profile_command(action),
        Command::Status { json } => return status_command(json),
        Command::Report {
            profile,
            out,
            unmask_ids,
        } => return report_command(&profile, &out, unmask_ids),
        other => other,
    };
    let info = keyway::app_info();
    let out = match command {
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
        Command::Token(_)
        | Command::Check(_)
        | Command::Explain { .. }
        | Command::Profile { .. }
        | Command::Status { .. }
        | Command::Report { .. } => {
            unreachable!("handled above")
        }
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
    /// The sign-in failure behind it, for `keyway check` to explain.
    auth: Option<Box<AuthError>>,
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
            auth: Some(Box::new(e)),
        }
    }
}

fn usage(code: &str, message: impl Into<String>) -> Failure {
    Failure {
        status: 2,
        code: code.into(),
        message: message.into(),
        details: serde_json::Value::Null,
        auth: None,
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
    let result = tokio::runtime::Runtime::new()
        .map_err(|e| usage("INTERNAL", format!("could not start: {e}")))
        .and_then(|runtime| runtime.block_on(sign_in(args)))
        .map(|token| describe_token(&token, json_out, print_token));
    finish(result, json_out)
}

/// What `keyway token` prints for a token.
fn describe_token(token: &Token, json_out: bool, print_token: bool) -> String {
    let c = &token.claims;
    if json_out {
        let mut out = json!({ "ok": true, "token_type": token.token_type, "expires_on": token.expires_on, "claims": c });
        if print_token {
            out["access_token"] = json!(token.access_token.expose());
        }
        return out.to_string();
    }
    let who = if c.app_only {
        format!("the app {}", c.app_id.clone().unwrap_or_default())
    } else {
        c.who.clone().unwrap_or_default()
    };
    let perms = if c.app_only { &c.roles } else { &c.scopes };
    let perms = if perms.is_empty() {
        "none".to_string()
    } else {
        perms.join(", ")
    };
    let mut lines = vec![
        format!(
            "Signed in as {who} (tenant {}).",
            c.tenant_id.clone().unwrap_or_default()
        ),
        format!(
            "Token for {}, {} permissions: {perms}.",
            c.audience.clone().unwrap_or_default(),
            if c.app_only {
                "application"
            } else {
                "delegated"
            }
        ),
        format!(
            "Expires in {} minutes.",
            (token.expires_on - keyway::auth::now()).max(0) / 60
        ),
    ];
    if print_token {
        lines.push(token.access_token.expose().to_string());
    }
    lines.join("\n")
}

async fn sign_in(args: TokenArgs) -> Result<Token, Failure> {
    if let Some(name) = args.profile.clone() {
        return sign_in_profile(&name, args).await;
    }
    let (Some(tenant), Some(client_id)) = (args.tenant.clone(), args.client_id.clone()) else {
        return Err(usage(
            "MISSING_ARGUMENTS",
            "Give --profile NAME, or --tenant and --client-id with a sign-in method.",
        ));
    };
    if !(args.client_secret_stdin
        || args.certificate.is_some()
        || args.username.is_some()
        || args.device_code
        || args.browser)
    {
        return Err(usage("MISSING_METHOD",
            "Choose how to sign in: --client-secret-stdin, --certificate FILE, --username U --password-stdin, --device-code or --browser."));
    }
    let cloud = cloud_from_args(&args)?;
    let http = http_from_args(&args)?;
    let app_only = args.app_only();
    let usage_kind = if app_only {
        TenantUse::App
    } else {
        TenantUse::User
    };
    let mut signin = SignIn::new(&http, &cloud, &tenant, &client_id, usage_kind)?;
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

impl TokenArgs {
    fn app_only(&self) -> bool {
        self.client_secret_stdin || self.certificate.is_some()
    }
}

/// The cloud named on the command line.
fn cloud_from_args(args: &TokenArgs) -> Result<Cloud, Failure> {
    match args.cloud {
        CloudArg::Custom => Cloud::custom(CustomEndpoints {
            authority_host: args.authority_host.clone().unwrap_or_default(),
            powerbi_api: args.powerbi_api.clone().unwrap_or_default(),
            fabric_api: args.fabric_api.clone(),
            ..Default::default()
        })
        .map_err(|e| usage("CUSTOM_CLOUD_INVALID", e.to_string())),
        other => {
            let id: CloudId = format!("{other:?}")
                .parse()
                .map_err(|e: keyway::cloud::UnknownCloud| usage("CLOUD_UNKNOWN", e.to_string()))?;
            Cloud::builtin(id).ok_or_else(|| usage("CLOUD_UNKNOWN", "unknown cloud"))
        }
    }
}

/// The HTTP client, trusting `--ca-cert` too when given.
fn http_from_args(args: &TokenArgs) -> Result<reqwest::Client, Failure> {
    let ca = match &args.ca_cert {
        Some(path) => Some(
            std::fs::read(path)
                .map_err(|e| usage("CA_CERT_UNREADABLE", format!("{}: {e}", path.display())))?,
        ),
        None => None,
    };
    keyway::http::client(ca.as_deref()).map_err(|m| usage("HTTP_CLIENT", m))
}

fn cloud_of(profile: &Profile) -> Result<Cloud, Failure> {
    match (profile.cloud, &profile.custom) {
        (CloudId::Custom, Some(ep)) => {
            Cloud::custom(ep.clone()).map_err(|e| usage("CUSTOM_CLOUD_INVALID", e.to_string()))
        }
        (CloudId::Custom, None) => Err(usage(
            "CUSTOM_CLOUD_INVALID",
            "The profile says custom cloud but has no addresses.",
        )),
        (id, _) => Cloud::builtin(id).ok_or_else(|| usage("CLOUD_UNKNOWN", "unknown cloud")),
    }
}

fn vault_failure(e: keyway::vault::VaultError) -> Failure {
    Failure {
        status: 1,
        code: e.code.to_string(),
        message: format!("{} {}", e.message, e.fix),
        details: json!({ "detail": e.detail }),
        auth: None,
    }
}

fn profile_failure(e: ProfileError) -> Failure {
    Failure {
        status: 1,
        code: e.code().to_string(),
        message: e.to_string(),
        details: serde_json::Value::Null,
        auth: None,
    }
}

/// Signs in with a saved profile; its secret comes from the keyring, and the outcome is
/// recorded in the profile.
async fn sign_in_profile(name: &str, args: TokenArgs) -> Result<Token, Failure> {
    let store = ProfileStore::default_location();
    let profile = store.get(name).map_err(profile_failure)?;
    let cloud = cloud_of(&profile)?;
    let http = http_from_args(&args)?;
    let usage_kind = if profile.method.is_app_only() {
        TenantUse::App
    } else {
        TenantUse::User
    };
    let mut signin = SignIn::new(
        &http,
        &cloud,
        &profile.tenant,
        &profile.client_id,
        usage_kind,
    )?;
    signin.scopes = profile.scopes.clone();
    if args.v1 {
        signin.version = EndpointVersion::V1;
    }
    let vault = tokio::task::spawn_blocking(Vault::system)
        .await
        .map_err(|e| usage("INTERNAL", e.to_string()))?
        .map_err(vault_failure)?;
    let secret = |kind: SecretKind| {
        let vault = vault.clone();
        let name = profile.name.clone();
        async move {
            tokio::task::spawn_blocking(move || vault.load(&name, kind))
                .await
                .map_err(|e| usage("INTERNAL", e.to_string()))?
                .map_err(vault_failure)
        }
    };
    let result = match profile.method {
        Method::ClientSecret => match secret(SecretKind::ClientSecret).await? {
            Some(s) => signin.client_secret(&ClientSecret::new(s)).await,
            None => return Err(usage("SECRET_NOT_SAVED", format!(
                "No client secret is saved for \"{name}\". Save one with: keyway profile save {name} ... --secret-stdin --replace"))),
        },
        Method::Certificate => {
            let path = profile.certificate_path.clone().ok_or_else(|| usage("CERTIFICATE_MISSING", "The profile has no certificate file."))?;
            let password = secret(SecretKind::CertificatePassword).await?.map(CertificatePassword::new);
            let cert = ClientCertificate::load(&path, None, password.as_ref(), keyway::auth::now())?;
            signin.certificate(&cert, if args.rs256 { AssertionAlg::Rs256 } else { AssertionAlg::Ps256 }).await
        }
        Method::Password => {
            let user = profile.username.clone().unwrap_or_default();
            let password = match secret(SecretKind::Password).await? {
                Some(p) => p,
                None if args.password_stdin => read_stdin("password")?,
                None => return Err(usage("PASSWORD_NOT_SAVED", "The password is not saved: pipe it in with --password-stdin.")),
            };
            signin.password(&user, &Password::new(password)).await
        }
        Method::Browser | Method::DeviceCode => {
            // A saved refresh token signs in silently; otherwise the person signs in again.
            let saved = secret(SecretKind::RefreshToken).await?;
            let refreshed = match saved {
                Some(rt) => signin.refresh(&keyway::secret::RefreshToken::new(rt)).await.ok(),
                None => None,
            };
            match refreshed {
                Some(t) => Ok(t),
                None if profile.method == Method::DeviceCode => {
                    signin.device_code(|i| eprintln!("{}", i.message.clone().unwrap_or_else(|| format!("Open {} and enter {}", i.verification_uri, i.user_code))),
                        tokio::time::sleep, tokio_util::sync::CancellationToken::new()).await
                }
                None => signin.browser(keyway::auth::browser::open_system_browser, Duration::from_secs(300),
                    tokio_util::sync::CancellationToken::new()).await,
            }
        }
        _ => return Err(usage("METHOD_UNKNOWN", "This profile's sign-in method is not known to this Keyway.")),
    };
    let check = match &result {
        Ok(t) => LastCheck {
            at: keyway::auth::now(),
            ok: true,
            code: None,
            summary: format!("Signed in; token valid until {}.", t.expires_on),
            http_status: Some(200),
            trace_id: None,
            correlation_id: None,
            timestamp: None,
        },
        Err(e) => {
            let entra = match e {
                AuthError::Entra(x) => Some(x.as_ref().clone()),
                _ => None,
            };
            LastCheck {
                at: keyway::auth::now(),
                ok: false,
                code: Some(e.code()),
                summary: e.to_string(),
                http_status: entra.as_ref().map(|x| x.http_status),
                trace_id: entra.as_ref().and_then(|x| x.trace_id.clone()),
                correlation_id: entra.as_ref().and_then(|x| x.correlation_id.clone()),
                timestamp: entra.and_then(|x| x.timestamp),
            }
        }
    };
    let _ = store.record_check(name, check);
    let token = result?;
    if let Some(rt) = &token.refresh_token {
        let (vault, name, rt) = (vault.clone(), profile.name.clone(), rt.expose().to_string());
        let _ =
            tokio::task::spawn_blocking(move || vault.save(&name, SecretKind::RefreshToken, &rt))
                .await;
    }
    Ok(token)
}

fn finish(result: Result<String, Failure>, json_out: bool) -> ExitCode {
    match result {
        Ok(text) => {
            if !text.is_empty() {
                println!("{text}");
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

fn load_profiles(store: &ProfileStore) -> Result<Vec<Profile>, Failure> {
    match store.load() {
        Ok(p) => Ok(p),
        // The damaged file was moved aside; say so once, and carry on with none.
        Err(e @ ProfileError::Unreadable { .. }) => {
            eprintln!("keyway: {e}");
            Ok(vec![])
        }
        Err(e) => Err(profile_failure(e)),
    }
}

fn profile_command(action: ProfileAction) -> ExitCode {
    let store = ProfileStore::default_location();
    let json_out = matches!(
        action,
        ProfileAction::List { json: true } | ProfileAction::Show { json: true, .. }
    );
    let result = (|| -> Result<String, Failure> {
        match action {
            ProfileAction::List { json } => {
                let all = load_profiles(&store)?;
                if json {
                    return Ok(to_json(&all));
                }
                if all.is_empty() {
                    return Ok(
                        "No saved profiles yet. Save one with `keyway profile save NAME ...`."
                            .into(),
                    );
                }
                Ok(all
                    .iter()
                    .map(|p| format!("{:<24} {:<13} {}", p.name, p.method.as_str(), p.tenant))
                    .collect::<Vec<_>>()
                    .join("\n"))
            }
            ProfileAction::Show { name, json } => {
                let p = store.get(&name).map_err(profile_failure)?;
                Ok(if json {
                    to_json(&p)
                } else {
                    serde_json::to_string_pretty(&p).unwrap_or_default()
                })
            }
            ProfileAction::Save(args) => save_profile(&store, *args),
            ProfileAction::Delete { name } => {
                store.remove(&name).map_err(profile_failure)?;
                let removed = Vault::system().and_then(|v| v.delete_profile(&name));
                Ok(match removed {
                    Ok(()) => format!("Deleted \"{name}\" and its saved secrets."),
                    Err(e) => format!(
                        "Deleted \"{name}\". Its secrets could not be removed from the keyring: {}",
                        e.message
                    ),
                })
            }
            ProfileAction::Export { name, out } => {
                let p = store.get(&name).map_err(profile_failure)?;
                let text =
                    serde_json::to_string_pretty(&Preset::from_profile(&p)).unwrap_or_default();
                std::fs::write(&out, text)
                    .map_err(|e| usage("WRITE_FAILED", format!("{}: {e}", out.display())))?;
                Ok(format!(
                    "Wrote the preset to {} (no secret is in it).",
                    out.display()
                ))
            }
            ProfileAction::Expiry {
                name,
                date,
                from_graph,
                username,
                password_stdin: _,
                ca_cert,
                graph_client_id,
            } => {
                let mut all = load_profiles(&store)?;
                let p = all
                    .iter_mut()
                    .find(|p| p.name == name)
                    .ok_or_else(|| profile_failure(ProfileError::NotFound(name.clone())))?;
                let date = match (date, from_graph) {
                    (Some(d), _) => {
                        keyway::profile::days_until(&d, 0).ok_or_else(|| {
                            usage(
                                "DATE_INVALID",
                                format!("\"{d}\" is not a date like 2027-01-31."),
                            )
                        })?;
                        d
                    }
                    (None, true) => expiry_from_graph(
                        p,
                        &graph_client_id,
                        username.as_deref(),
                        ca_cert.as_deref(),
                    )?,
                    (None, false) => {
                        return Err(usage(
                            "EXPIRY_SOURCE",
                            "Give --date YYYY-MM-DD, or --from-graph.",
                        ))
                    }
                };
                p.secret_expires = Some(date.clone());
                store.save_all(&all).map_err(profile_failure)?;
                let days =
                    keyway::profile::days_until(&date, keyway::auth::now()).unwrap_or_default();
                Ok(format!(
                    "\"{name}\": the secret expires on {date} ({days} days).{}",
                    if days <= 30 { " Renew it soon." } else { "" }
                ))
            }
            ProfileAction::Import { file, replace } => {
                let bytes = std::fs::read(&file)
                    .map_err(|e| usage("READ_FAILED", format!("{}: {e}", file.display())))?;
                let profile = Preset::parse(&bytes).map_err(|problems| Failure {
                    status: 2,
                    code: "PRESET_INVALID".into(),
                    message: format!(
                        "The preset can't be used:\n{}",
                        problems
                            .iter()
                            .map(|p| format!("  - {p}"))
                            .collect::<Vec<_>>()
                            .join("\n")
                    ),
                    details: serde_json::to_value(&problems).unwrap_or_default(),
                    auth: None,
                })?;
                let name = profile.name.clone();
                store.put(profile, replace).map_err(profile_failure)?;
                Ok(format!("Imported \"{name}\". Add its secret with `keyway profile save` or sign in with `keyway token --profile \"{name}\"`."))
            }
        }
    })();
    finish(result, json_out)
}

fn save_profile(store: &ProfileStore, a: SaveArgs) -> Result<String, Failure> {
    let method: Method = serde_json::from_value(json!(a.method))
        .map_err(|_| usage("METHOD_UNKNOWN", format!("\"{}\" is not a method; use client-secret, certificate, password, browser or device-code.", a.method)))?;
    let cloud = match a.cloud {
        CloudArg::Custom => CloudId::Custom,
        other => format!("{other:?}")
            .parse()
            .map_err(|e: keyway::cloud::UnknownCloud| usage("CLOUD_UNKNOWN", e.to_string()))?,
    };
    let custom = (cloud == CloudId::Custom).then(|| CustomEndpoints {
        authority_host: a.authority_host.clone().unwrap_or_default(),
        powerbi_api: a.powerbi_api.clone().unwrap_or_default(),
        ..Default::default()
    });
    if let Some(ep) = &custom {
        Cloud::custom(ep.clone()).map_err(|e| usage("CUSTOM_CLOUD_INVALID", e.to_string()))?;
    }
    let invalid = |p: keyway::validate::FieldProblem| Failure::from(AuthError::Invalid(p));
    let usage_kind = if method.is_app_only() {
        TenantUse::App
    } else {
        TenantUse::User
    };
    let tenant = keyway::validate::tenant(&a.tenant, usage_kind).map_err(invalid)?;
    let client_id = keyway::validate::client_id(&a.client_id).map_err(invalid)?;
    let username = a
        .username
        .as_deref()
        .map(keyway::validate::username)
        .transpose()
        .map_err(invalid)?;
    let goal = a
        .goal
        .as_deref()
        .map(str::parse::<keyway::Goal>)
        .transpose()
        .map_err(|e| usage("GOAL_UNKNOWN", e.to_string()))?;
    if let Some(d) = &a.secret_expires {
        keyway::profile::days_until(d, 0).ok_or_else(|| {
            usage(
                "DATE_INVALID",
                format!("\"{d}\" is not a date like 2027-01-31."),
            )
        })?;
    }
    // Secrets, read before anything is written so a mistake leaves nothing half-saved.
    let mut secrets: Vec<(SecretKind, String)> = vec![];
    match method {
        Method::ClientSecret => {
            if !a.secret_stdin {
                return Err(usage(
                    "SECRET_REQUIRED",
                    "A client-secret profile needs its secret: add --secret-stdin and pipe it in.",
                ));
            }
            let s = read_stdin("client secret")?;
            keyway::validate::client_secret(&s).map_err(invalid)?;
            secrets.push((SecretKind::ClientSecret, s.trim().to_string()));
        }
        Method::Certificate => {
            let path = a.certificate.clone().ok_or_else(|| {
                usage(
                    "CERTIFICATE_REQUIRED",
                    "A certificate profile needs --certificate FILE.",
                )
            })?;
            let password = if a.certificate_password_stdin {
                Some(read_stdin("certificate password")?)
            } else {
                None
            };
            ClientCertificate::load(
                &path,
                None,
                password.clone().map(CertificatePassword::new).as_ref(),
                keyway::auth::now(),
            )?;
            if let Some(p) = password {
                secrets.push((SecretKind::CertificatePassword, p));
            }
        }
        Method::Password if a.save_password => {
            secrets.push((SecretKind::Password, read_stdin("password")?))
        }
        _ => {}
    }
    let vault = if secrets.is_empty() {
        None
    } else {
        Some(Vault::system().map_err(vault_failure)?)
    };
    let profile = Profile {
        name: a.name.clone(),
        cloud,
        custom,
        tenant,
        client_id,
        method,
        username,
        certificate_path: a
            .certificate
            .clone()
            .map(|p| std::fs::canonicalize(&p).unwrap_or(p)),
        certificate_thumbprint: None,
        goal,
        workspace: a.workspace.clone(),
        scopes: a.scopes.clone(),
        secret_expires: a.secret_expires.clone(),
        secret_location: vault.as_ref().map(Vault::place),
        last_check: None,
    };
    store.put(profile, a.replace).map_err(profile_failure)?;
    if let Some(v) = &vault {
        for (kind, value) in &secrets {
            v.save(&a.name, *kind, value).map_err(vault_failure)?;
        }
    }
    Ok(match vault {
        Some(v) => format!("Saved \"{}\"; its secret is in {}.", a.name, v.place()),
        None => format!("Saved \"{}\".", a.name),
    })
}

fn status_command(json_out: bool) -> ExitCode {
    let store = ProfileStore::default_location();
    let result = load_profiles(&store).map(|all| {
        let now = keyway::auth::now();
        let rows: Vec<serde_json::Value> = all.iter().map(|p| {
            let days = p.secret_expires.as_deref().and_then(|d| keyway::profile::days_until(d, now));
            json!({
                "name": p.name, "method": p.method.as_str(), "tenant": p.tenant, "clientId": p.client_id,
                "secretLocation": p.secret_location, "secretExpires": p.secret_expires, "daysLeft": days,
                "expiringSoon": days.is_some_and(|d| d <= 30),
                "lastCheck": p.last_check,
            })
        }).collect();
        if json_out {
            return to_json(&rows);
        }
        if rows.is_empty() {
            return "No saved profiles yet.".into();
        }
        all.iter().zip(&rows).map(|(p, r)| {
            let mut lines = vec![format!("{}", p.name),
                format!("  method:  {}", p.method.title()),
                format!("  tenant:  {}   app: {}", p.tenant, p.client_id),
                format!("  secret:  {}", p.secret_location.clone().unwrap_or_else(|| "not saved".into()))];
            if let (Some(date), Some(days)) = (&p.secret_expires, r["daysLeft"].as_i64()) {
                let warn = if days < 0 { "  ! EXPIRED" } else if days <= 30 { "  ! expires soon: renew it" } else { "" };
                lines.push(format!("  expires: {date} ({days} days){warn}"));
            }
            lines.push(match &p.last_check {
                Some(c) if c.ok => "  last:    worked".to_string(),
                Some(c) => format!("  last:    failed: {} [{}]", c.summary, c.code.clone().unwrap_or_default()),
                None => "  last:    never checked".to_string(),
            });
            lines.join("\n")
        }).collect::<Vec<_>>().join("\n\n")
    });
    finish(result, json_out)
}

fn report_command(name: &str, out: &std::path::Path, unmask_ids: bool) -> ExitCode {
    let store = ProfileStore::default_location();
    let result = store.get(name).map_err(profile_failure).and_then(|p| {
        let report =
            keyway::report::SupportReport::for_profile(&p, unmask_ids, keyway::auth::now());
        let json_path = out.with_extension("json");
        std::fs::write(out, report.to_html())
            .map_err(|e| usage("WRITE_FAILED", format!("{}: {e}", out.display())))?;
        std::fs::write(&json_path, report.to_json())
            .map_err(|e| usage("WRITE_FAILED", format!("{}: {e}", json_path.display())))?;
        Ok(format!(
            "Wrote {} and {}. They hold no secret, token or password.",
            out.display(),
            json_path.display()
        ))
    });
    finish(result, false)
}

/// Signs in to Graph and reads the expiry of the profile's saved secret (matched by the first
/// characters Graph shows), or the soonest one.
fn expiry_from_graph(
    p: &Profile,
    graph_client_id: &str,
    username: Option<&str>,
    ca_cert: Option<&std::path::Path>,
) -> Result<String, Failure> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| usage("INTERNAL", e.to_string()))?;
    runtime.block_on(async {
        let cloud = cloud_of(p)?;
        let mut graph_cloud = cloud.clone();
        graph_cloud.powerbi_resource = cloud.graph_resource.clone();
        let ca = match ca_cert {
            Some(path) => Some(
                std::fs::read(path)
                    .map_err(|e| usage("CA_CERT_UNREADABLE", format!("{}: {e}", path.display())))?,
            ),
            None => None,
        };
        let http = keyway::http::client(ca.as_deref()).map_err(|m| usage("HTTP_CLIENT", m))?;
        let mut signin = SignIn::new(
            &http,
            &graph_cloud,
            &p.tenant,
            graph_client_id,
            TenantUse::User,
        )?;
        signin.scopes = vec!["Application.Read.All".into()];
        let token = match username {
            Some(u) => {
                signin
                    .password(u, &Password::new(read_stdin("password")?))
                    .await?
            }
            None => {
                signin
                    .device_code(
                        |i| {
                            eprintln!(
                                "{}",
                                i.message.clone().unwrap_or_else(|| format!(
                                    "Open {} and enter {}",
                                    i.verification_uri, i.user_code
                                ))
                            )
                        },
                        tokio::time::sleep,
                        tokio_util::sync::CancellationToken::new(),
                    )
                    .await?
            }
        };
        let secrets =
            keyway::graph::app_secrets(&http, &cloud, &token.access_token, &p.client_id).await?;
        let saved = Vault::system()
            .ok()
            .and_then(|v| v.load(&p.name, SecretKind::ClientSecret).ok().flatten());
        let chosen = saved
            .as_deref()
            .and_then(|value| {
                secrets.iter().find(|s| {
                    s.hint
                        .as_deref()
                        .is_some_and(|h| !h.is_empty() && value.starts_with(h))
                })
            })
            .or_else(|| secrets.first())
            .ok_or_else(|| usage("NO_SECRETS", "Graph lists no client secret for this app."))?;
        Ok(chosen.expiry_date())
    })
}

fn check_command(args: CheckArgs) -> ExitCode {
    let json_out = args.sign_in.json;
    let result = tokio::runtime::Runtime::new()
        .map_err(|e| usage("INTERNAL", format!("could not start: {e}")))
        .and_then(|runtime| runtime.block_on(check(args)));
    match result {
        Ok(outcome) => {
            if json_out {
                println!("{}", to_json(&outcome));
            } else {
                println!("{}", outcome.to_text());
            }
            if outcome.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(f) => finish(Err(f), json_out),
    }
}

async fn check(args: CheckArgs) -> Result<Outcome, Failure> {
    let token_args = &args.sign_in;
    let profile = match &token_args.profile {
        Some(name) => Some(
            ProfileStore::default_location()
                .get(name)
                .map_err(profile_failure)?,
        ),
        None => None,
    };
    let (cloud, tenant, client_id, app_only) = match &profile {
        Some(p) => (
            cloud_of(p)?,
            p.tenant.clone(),
            p.client_id.clone(),
            p.method.is_app_only(),
        ),
        None => (
            cloud_from_args(token_args)?,
            token_args.tenant.clone().unwrap_or_default(),
            token_args.client_id.clone().unwrap_or_default(),
            token_args.app_only(),
        ),
    };
    let goal = args
        .goal
        .or(profile.as_ref().and_then(|p| p.goal))
        .ok_or_else(|| {
            usage(
                "GOAL_MISSING",
                "Say what the credential is for: --goal embed, data, admin or delegated.",
            )
        })?;
    let mut plan = Plan::new(goal);
    plan.workspace = args
        .workspace
        .clone()
        .or_else(|| profile.as_ref().and_then(|p| p.workspace.clone()));
    plan.allow_changes = args.allow_changes;
    plan.scopes = if token_args.scopes.is_empty() {
        profile
            .as_ref()
            .map(|p| p.scopes.clone())
            .unwrap_or_default()
    } else {
        token_args.scopes.clone()
    };
    let http = http_from_args(token_args)?;
    let ctx = keyway::diagnose::Context::new(&cloud, &tenant, &client_id);
    let name = token_args.profile.clone();
    let outcome = match sign_in(args.sign_in).await {
        Ok(token) => {
            let api = Api::new(&http, &cloud, token.access_token.clone());
            ladder::run(api, ctx, plan, token.claims.clone(), &|_| {}).await
        }
        Err(Failure { auth: Some(e), .. }) => ladder::sign_in_failed(&e, &ctx, &plan, app_only),
        Err(f) => return Err(f),
    };
    if let Some(name) = name {
        let _ = ProfileStore::default_location().record_check(&name, outcome.last_check());
    }
    Ok(outcome)
}

fn explain_command(file: Option<&std::path::Path>, json_out: bool) -> ExitCode {
    let text = match file {
        Some(path) if path.as_os_str() != "-" => std::fs::read(path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| usage("FILE_UNREADABLE", format!("{}: {e}", path.display()))),
        _ => {
            let mut buf = vec![];
            std::io::stdin()
                .read_to_end(&mut buf)
                .map(|_| String::from_utf8_lossy(&buf).into_owned())
                .map_err(|e| usage("STDIN_UNREADABLE", e.to_string()))
        }
    };
    let result = text.and_then(|t| {
        if t.trim().is_empty() {
            return Err(usage(
                "NOTHING_TO_EXPLAIN",
                "Nothing to explain: paste an error message, an error body or an HTTP response.",
            ));
        }
        let x = keyway::diagnose::explain_text(&t, &keyway::diagnose::Context::default());
        Ok(if json_out { to_json(&x) } else { x.to_text() })
    });
    finish(result, json_out)
}
