//! `keyway setup`: "set it up for me" for an administrator — the same plan and steps as the
//! window's path, printed. `--plan` changes nothing; `--apply` makes the changes and, with
//! `--save-as`, saves the connection with its new secret in the keyring.

use super::{session, show_sign_in, to_json, CloudArgs, Failure, Outcome};
use clap::Args;
use keyway::cloud::Cloud;
use keyway::goal::Goal;
use keyway::profile::ProfileStore;
use keyway::setup::{
    plan, Admin, Change, Credential, Request, Step, AZURE_CLI_CLIENT, DEFAULT_GROUP,
};
use keyway::vault::Vault;
use keyway::wizard::{blocking, Draft, SignInEvent};
use keyway::Method;
use std::path::PathBuf;
use tokio_util::sync::CancellationToken;

/// `keyway setup`.
#[derive(Debug, Args)]
pub struct SetupArgs {
    #[command(flatten)]
    cloud: CloudArgs,
    /// One more certificate authority to trust (PEM file).
    #[arg(long)]
    ca_cert: Option<PathBuf>,
    /// Tenant ID or domain.
    #[arg(long)]
    tenant: String,
    /// What the app is for: embed, data, admin (the read-only admin APIs) or delegated (people
    /// sign in as themselves).
    #[arg(long, default_value = "embed")]
    goal: Goal,
    /// The delegated goal's Power BI permissions, e.g. Report.Read.All (repeat or separate with
    /// commas; default: Workspace.Read.All, Report.Read.All, Dataset.Read.All).
    #[arg(long = "scope", value_delimiter = ',')]
    scopes: Vec<String>,
    /// The admin goal: also turn on DAX and mashup expressions in them.
    #[arg(long)]
    expressions: bool,
    /// The app registration's name (reused when it exists).
    #[arg(long = "name")]
    app_name: String,
    /// The security group the app joins (created when missing).
    #[arg(long, default_value = DEFAULT_GROUP)]
    group: String,
    /// The workspace the app gets a seat in.
    #[arg(long)]
    workspace: Option<String>,
    /// Or a workspace by name: the administrator's workspace of that name, or a new one.
    #[arg(long, conflicts_with = "workspace")]
    new_workspace: Option<String>,
    /// Its role there: Admin, Member, Contributor or Viewer.
    #[arg(long, default_value = "Member")]
    role: String,
    /// How long the new client secret or certificate lasts, in months (1 to 24).
    #[arg(long, default_value_t = 6)]
    secret_months: u32,
    /// How the new app proves who it is: a client secret, or a certificate Keyway makes (its
    /// private key stays in the keyring; no file is written).
    #[arg(long, value_enum, default_value = "secret")]
    credential: CredentialArg,
    /// The public client the administrator signs in with.
    #[arg(long, default_value = AZURE_CLI_CLIENT)]
    admin_client_id: String,
    /// The administrator signs in with a code on any device (the default: a help desk can guide
    /// them from afar).
    #[arg(long, conflicts_with = "admin_browser")]
    admin_device_code: bool,
    /// The administrator signs in in the browser on this computer instead.
    #[arg(long)]
    admin_browser: bool,
    /// Show the plan and change nothing (the default).
    #[arg(long, conflicts_with = "apply")]
    plan: bool,
    /// Make the changes.
    #[arg(long)]
    apply: bool,
    /// With --apply: if a step fails, take back what this run created (and nothing else).
    #[arg(long, requires = "apply")]
    undo_on_failure: bool,
    /// With --apply: save the connection under this name, its secret in the keyring.
    #[arg(long, requires = "apply")]
    save_as: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `--credential`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum CredentialArg {
    Secret,
    Certificate,
}

fn line(step: &Step) -> String {
    let mark = match step.change {
        Change::Create => "create",
        Change::Update => "change",
        Change::Nothing => "as is ",
        Change::Manual => "by hand",
    };
    match &step.link {
        Some(link) => format!("  [{mark}] {}\n            Open: {link}", step.summary),
        None => format!("  [{mark}] {}", step.summary),
    }
}

/// `keyway setup …`.
pub async fn run(a: SetupArgs) -> Outcome {
    let request = Request {
        app_name: a.app_name.trim().to_string(),
        group: a.group.trim().to_string(),
        workspace: a.workspace.clone(),
        new_workspace: a.new_workspace.clone(),
        role: a.role.clone(),
        secret_months: a.secret_months,
        credential: match a.credential {
            CredentialArg::Secret => Credential::Secret,
            CredentialArg::Certificate => Credential::Certificate,
        },
        goal: a.goal,
        scopes: a.scopes.clone(),
        expressions: a.expressions,
    };
    keyway::setup::check_request(&request).map_err(Failure::usage)?;
    let custom = a.cloud.custom();
    let cloud = Cloud::resolve(a.cloud.cloud, custom.as_ref())?;
    let ca = keyway::http::extra_ca(a.ca_cert.as_deref())?;
    let http = keyway::http::client(ca.as_deref())?;
    let shown = |info: &keyway::auth::device::DeviceCodeInfo| {
        show_sign_in(SignInEvent::DeviceCode { info: info.clone() });
    };
    eprintln!("An administrator signs in once; nothing changes before the plan is confirmed.");
    let cancel = CancellationToken::new();
    let admin = if a.admin_browser {
        let open = |url: &str| {
            eprintln!("Opening the browser for the administrator. If it does not open, open this address yourself:\n{url}");
            keyway::wizard::open_page(&cloud, url)
        };
        let client = &a.admin_client_id;
        Admin::sign_in_in_browser(&http, &cloud, &a.tenant, client, open, cancel).await?
    } else {
        Admin::sign_in(&http, &cloud, &a.tenant, &a.admin_client_id, shown, cancel).await?
    };
    let found = admin.discover(&request).await?;
    let steps = plan(&request, &found);
    if !a.apply {
        // No workspace named for an app that needs a seat: the administrator's own, to choose
        // from.
        let seat = matches!(a.goal, Goal::Embed | Goal::Data);
        let unnamed = request.workspace.is_none() && request.new_workspace.is_none();
        let workspaces = match seat && unnamed {
            true => admin.workspaces().await?,
            false => vec![],
        };
        if a.json {
            return Ok(to_json(
                &serde_json::json!({ "ok": true, "plan": steps, "found": found, "workspaces": workspaces }),
            ));
        }
        let mut lines: Vec<String> = steps.iter().map(line).collect();
        if seat && unnamed {
            lines.push("No workspace was named, so the app gets no seat in one. Your workspaces (name one with --workspace ID, or --new-workspace NAME):".into());
            lines.extend(workspaces.iter().map(|w| format!("  {}  {}", w.id, w.name)));
        }
        return Ok(format!("The plan (nothing has changed yet):\n{}\nRun again with --apply to make these changes.", lines.join("\n")));
    }
    let applied = match admin
        .apply(&request, &found, |s| eprintln!("{}", line(s)))
        .await
    {
        Ok(applied) => applied,
        Err(stopped) => {
            let done: Vec<String> = stopped.done.iter().map(line).collect();
            eprintln!("Done before the failure:\n{}", done.join("\n"));
            if a.undo_on_failure && !stopped.created.is_empty() {
                match admin.undo(&stopped.created).await {
                    Ok(undone) => eprintln!("Taken back:\n  {}", undone.join("\n  ")),
                    Err(x) => eprintln!("Could not take it back: {}", x.to_text()),
                }
            } else if !stopped.created.is_empty() {
                eprintln!("Run again with --undo-on-failure to take back what this run created.");
            }
            return Err(Failure::from(stopped.explanation));
        }
    };
    if !a.json {
        eprintln!("The app's IDs, and where each is used:");
        for id in applied.ids.uses() {
            eprintln!("  {}: {}\n      {}", id.name, id.value, id.used_for);
        }
    }
    let made_credential = applied.credential.is_some();
    let mut saved = None;
    if let Some(name) = a.save_as.clone() {
        let session = session(a.ca_cert.as_deref())?;
        if let Some(c) = custom.clone() {
            session.trust_custom_cloud(c).map_err(Failure::usage)?;
        }
        let delegated = a.goal == Goal::Delegated;
        let method = match applied.credential {
            Some(c) => session.hold_credential(c)?,
            None if delegated => Method::Browser,
            None => return Err(Failure::from(keyway::setup::no_new_credential())),
        };
        let draft = Draft {
            cloud: a.cloud.cloud,
            custom,
            tenant: a.tenant.clone(),
            client_id: applied.client_id.clone(),
            method: Some(method),
            certificate_in_keyring: method == Method::Certificate,
            goal: Some(a.goal),
            workspace: applied.workspace.clone(),
            scopes: if delegated {
                keyway::setup::scopes_of(&request)
            } else {
                vec![]
            },
            ..Draft::default()
        };
        let store = ProfileStore::default_location();
        let expires = applied.secret_expires.clone();
        let s = blocking(move || {
            session.save_draft(draft, &name, false, expires, &store, Vault::system)
        })
        .await?;
        saved = Some(s);
    }
    if a.json {
        return Ok(to_json(
            &serde_json::json!({ "ok": true, "clientId": applied.client_id, "ids": applied.ids.uses(),
            "secretExpires": applied.secret_expires, "done": applied.done,
            "workspace": applied.workspace,
            "savedAs": saved.as_ref().map(|s| s.name.clone()) }),
        ));
    }
    if a.goal == Goal::Delegated {
        return Ok(match saved {
            Some(s) => format!("Set up the app {} and saved \"{}\": people sign in as themselves, with no question of consent. Try it: keyway token --profile \"{}\".", applied.client_id, s.name, s.name),
            None => format!("Set up the app {}: people sign in to it as themselves (browser or device code), with no question of consent.", applied.client_id),
        });
    }
    if !made_credential {
        return Ok(format!(
            "The app {} is set up; it keeps the credentials it had (no new one was made).",
            applied.client_id
        ));
    }
    Ok(match saved {
        Some(s) => format!("Set up the app {} and saved \"{}\"; its secret is in {}. Power BI can take up to 15 minutes to apply the tenant setting: then run keyway check --profile \"{}\".", applied.client_id, s.name, s.secret_location.unwrap_or_default(), s.name),
        None => format!("Set up the app {}. Its secret was not saved: run again with --save-as NAME to keep one.", applied.client_id),
    })
}
