//! `keyway profile`: saved connections — list, show, save, delete, export and import presets,
//! and when a secret expires.

use super::{absolute, read_stdin, session, show_sign_in, to_json, CloudArgs, Failure, Outcome};
use clap::{Args, Subcommand};
use keyway::goal::{Goal, Method};
use keyway::profile::{Preset, ProfileStore};
use keyway::secret::Password;
use keyway::vault::Vault;
use keyway::wizard::{
    blocking, check_date, delete_connection, import_preset, saved_profiles, set_secret_expiry,
    system_vault, Draft, GraphSignIn, Typed, EXPIRING_WITHIN_DAYS,
};
use std::path::PathBuf;

/// What `keyway profile` does.
#[derive(Debug, Subcommand)]
pub enum ProfileAction {
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
    Expiry(ExpiryArgs),
    /// Renew the profile's client secret: an administrator (or the app's owner) signs in with a
    /// device code; a new secret is added, proved, kept, and then the old one removed.
    Renew {
        /// The profile.
        name: String,
        /// How long the new secret lasts, in months (1 to 24).
        #[arg(long, default_value_t = 6)]
        secret_months: u32,
        /// The public client to sign in with.
        #[arg(long, default_value = keyway::setup::AZURE_CLI_CLIENT)]
        admin_client_id: String,
        /// One more certificate authority to trust (PEM file).
        #[arg(long)]
        ca_cert: Option<PathBuf>,
    },
    /// Import a preset; every problem in it is listed.
    Import {
        /// The preset file.
        file: PathBuf,
        /// Replace a profile of the same name (its secrets go when it signed in elsewhere).
        #[arg(long)]
        replace: bool,
        /// Accept a preset whose custom cloud names its own addresses: secrets used with it are
        /// sent there, not to Microsoft. Only for addresses your organisation confirmed.
        #[arg(long)]
        trust_custom_cloud: bool,
    },
}

impl ProfileAction {
    /// Whether the output is JSON (failures too).
    pub fn json(&self) -> bool {
        matches!(
            self,
            ProfileAction::List { json: true } | ProfileAction::Show { json: true, .. }
        )
    }
}

/// `keyway profile save`.
#[derive(Debug, Args)]
pub struct SaveArgs {
    /// The profile's name.
    name: String,
    #[command(flatten)]
    cloud: CloudArgs,
    /// Tenant ID or domain.
    #[arg(long)]
    tenant: String,
    /// Application (client) ID.
    #[arg(long)]
    client_id: String,
    /// client-secret, certificate, password, browser or device-code.
    #[arg(long)]
    method: Method,
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
    goal: Option<Goal>,
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

/// `keyway profile expiry`.
#[derive(Debug, Args)]
pub struct ExpiryArgs {
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
    /// One more certificate authority to trust (PEM); `KEYWAY_CA_CERT` does the same.
    #[arg(long)]
    ca_cert: Option<PathBuf>,
    /// The public client app the administrator signs in to Graph with (default: Microsoft's
    /// Azure CLI, present in every tenant).
    #[arg(long, default_value = "04b07795-8ddb-461a-bbee-02f9e1bf7b46")]
    graph_client_id: String,
}

/// `keyway profile …`.
pub async fn run(action: ProfileAction) -> Outcome {
    let store = ProfileStore::default_location();
    match action {
        ProfileAction::List { json } => {
            let (all, notice) = saved_profiles(&store)?;
            if let Some(n) = notice {
                eprintln!("keyway: {}", n.to_text());
            }
            if json {
                return Ok(to_json(&all));
            }
            if all.is_empty() {
                return Ok(
                    "No saved profiles yet. Save one with `keyway profile save NAME ...`.".into(),
                );
            }
            Ok(all
                .iter()
                .map(|p| format!("{:<24} {:<13} {}", p.name, p.method.as_str(), p.tenant))
                .collect::<Vec<_>>()
                .join("\n"))
        }
        ProfileAction::Show { name, .. } => Ok(to_json(&store.get(&name)?)),
        ProfileAction::Save(args) => save(&store, *args).await,
        ProfileAction::Delete { name } => {
            let (s, n) = (store.clone(), name.clone());
            blocking(move || delete_connection(&s, &n, Vault::system)).await?;
            Ok(format!("Deleted \"{name}\" and its saved secrets."))
        }
        ProfileAction::Export { name, out } => {
            let p = store.get(&name)?;
            let text = to_json(&Preset::from_profile(&p));
            std::fs::write(&out, text).map_err(|e| {
                Failure::usage_text(
                    "WRITE_FAILED",
                    "The preset could not be written",
                    format!("{}: {e}", out.display()),
                )
            })?;
            Ok(format!(
                "Wrote the preset to {} (no secret is in it).",
                out.display()
            ))
        }
        ProfileAction::Expiry(args) => expiry(&store, args).await,
        ProfileAction::Renew {
            name,
            secret_months,
            admin_client_id,
            ca_cert,
        } => renew(&store, &name, secret_months, &admin_client_id, ca_cert).await,
        ProfileAction::Import {
            file,
            replace,
            trust_custom_cloud,
        } => {
            let bytes = std::fs::read(&file).map_err(|e| {
                Failure::usage_text(
                    "READ_FAILED",
                    "The preset could not be read",
                    format!("{}: {e}", file.display()),
                )
            })?;
            let s = store.clone();
            let profile = blocking(move || {
                import_preset(&s, &bytes, replace, trust_custom_cloud, Vault::system)
            })
            .await
            .map_err(|x| match x.code.starts_with("PRESET_") {
                true => Failure::usage(x),
                false => x.into(),
            })?;
            let name = profile.name;
            Ok(format!(
                "Imported \"{name}\". Add its secret with `keyway profile save` or sign in with \
                 `keyway token --profile \"{name}\"`."
            ))
        }
    }
}

async fn save(store: &ProfileStore, a: SaveArgs) -> Outcome {
    if let Some(d) = &a.secret_expires {
        check_date(d).map_err(Failure::usage)?;
    }
    let draft = Draft {
        goal: a.goal,
        cloud: a.cloud.cloud,
        custom: a.cloud.custom(),
        tenant: a.tenant.clone(),
        client_id: a.client_id.clone(),
        method: Some(a.method),
        username: a.username.clone(),
        certificate_path: a.certificate.clone().map(absolute),
        workspace: a.workspace.clone(),
        scopes: a.scopes.clone(),
        ..Draft::default()
    };
    let session = session(None)?;
    if let Some(custom) = draft.custom.clone() {
        // Typed on the command line by the person: this cloud is theirs to choose.
        session.trust_custom_cloud(custom).map_err(Failure::usage)?;
    }
    if let Some(problem) = draft.problems().into_iter().next() {
        return Err(problem.into());
    }
    // Secrets are read before anything is written, so a mistake leaves nothing half-saved.
    match a.method {
        Method::ClientSecret if !a.secret_stdin => {
            return Err(Failure::usage_text(
                "SECRET_REQUIRED",
                "The client secret is needed",
                "A client-secret profile needs its secret: add --secret-stdin and pipe it in.",
            ));
        }
        Method::ClientSecret => {
            let s = read_stdin("client secret").await?;
            session.remember(Typed::ClientSecret, &s)?;
        }
        Method::Certificate if a.certificate_password_stdin => {
            let p = read_stdin("certificate password").await?;
            session.remember(Typed::CertificatePassword, &p)?;
        }
        Method::Password if a.save_password => {
            session.remember(Typed::Password, &read_stdin("password").await?)?;
        }
        _ => {}
    }
    let (name, replace, expires) = (a.name.clone(), a.replace, a.secret_expires.clone());
    let store = store.clone();
    let saved =
        blocking(move || session.save_draft(draft, &name, replace, expires, &store, Vault::system))
            .await?;
    Ok(match saved.secret_location {
        Some(place) => format!("Saved \"{}\"; its secret is in {place}.", saved.name),
        None => format!("Saved \"{}\".", saved.name),
    })
}

async fn expiry(store: &ProfileStore, a: ExpiryArgs) -> Outcome {
    let date = match (a.date, a.from_graph) {
        (Some(d), _) => {
            check_date(&d).map_err(Failure::usage)?;
            d
        }
        (None, true) => {
            let profile = store.get(&a.name)?;
            let password = match &a.username {
                Some(u) => Some((
                    u.as_str(),
                    Password::new(read_stdin("password").await?.as_str()),
                )),
                None => None,
            };
            let who = GraphSignIn {
                client_id: &a.graph_client_id,
                password,
            };
            let vault = system_vault().await.ok();
            let session = session(a.ca_cert.as_deref())?;
            session
                .secret_expiry_from_graph(&profile, vault.as_ref(), who, show_sign_in)
                .await?
        }
        (None, false) => {
            return Err(Failure::usage_text(
                "EXPIRY_SOURCE",
                "Say where the date comes from",
                "Give --date YYYY-MM-DD, or --from-graph.",
            ))
        }
    };
    set_secret_expiry(store, &a.name, Some(&date))?;
    let days = keyway::profile::days_until(&date, keyway::clock::now()).unwrap_or_default();
    let soon = if days <= EXPIRING_WITHIN_DAYS {
        " Renew it soon."
    } else {
        ""
    };
    Ok(format!(
        "\"{}\": the secret expires on {date} ({days} days).{soon}",
        a.name
    ))
}

/// `keyway profile renew`: append a secret, prove it, keep it, remove the old one.
async fn renew(
    store: &ProfileStore,
    name: &str,
    months: u32,
    admin_client_id: &str,
    ca_cert: Option<PathBuf>,
) -> Outcome {
    if !(1..=24).contains(&months) {
        return Err(Failure::usage_text(
            "SETUP_REQUEST_INVALID",
            "The secret lifetime can't be used",
            "Choose between 1 and 24 months.",
        ));
    }
    let profile = store.get(name)?;
    let cloud = keyway::Cloud::resolve(profile.cloud, profile.custom.as_ref())?;
    let ca = keyway::http::extra_ca(ca_cert.as_deref())?;
    let http = keyway::http::client(ca.as_deref())?;
    let shown = |info: &keyway::auth::device::DeviceCodeInfo| {
        super::show_sign_in(keyway::wizard::SignInEvent::DeviceCode { info: info.clone() });
    };
    let admin = keyway::setup::Admin::sign_in(
        &http,
        &cloud,
        &profile.tenant,
        admin_client_id,
        shown,
        tokio_util::sync::CancellationToken::new(),
    )
    .await?;
    let session = session(ca_cert.as_deref())?;
    let vault = system_vault().await?;
    let renewed = session
        .renew_credential(&admin, &profile, &vault, store, months)
        .await?;
    let (what, id) = if profile.method == keyway::Method::Certificate {
        ("certificate", "key ID")
    } else {
        ("secret", "Secret ID")
    };
    Ok(match renewed.removed {
        Some(key) => format!(
            "Renewed \"{name}\": the new {what} works, is in the keyring and expires on {}; the \
             old one ({id} {key}) was removed.",
            renewed.expires
        ),
        None => format!(
            "Renewed \"{name}\": the new {what} works, is in the keyring and expires on {}. The \
             old one was kept: Keyway could not tell which of the app's credentials it was. \
             Remove it in the portal once nothing uses it.",
            renewed.expires
        ),
    })
}
