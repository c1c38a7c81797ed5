//! `keyway token`: sign in (typed options or a saved profile) and say who the token is for.

use super::{absolute, read_stdin, session, show_sign_in, CloudArgs, Failure, Outcome};
use clap::Args;
use keyway::diagnose::Explanation;
use keyway::goal::Method;
use keyway::profile::ProfileStore;
use keyway::wizard::{open_page, Draft, FromProfile, Session, TokenSummary, Typed};
use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;

/// What `keyway token` takes.
#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(flatten)]
    pub sign_in: SignInArgs,
}

/// Where and as whom to sign in.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("method").args([
    "client_secret_stdin", "certificate", "username", "device_code", "browser"])))]
pub struct SignInArgs {
    /// Use a saved profile (its secret comes from the keyring).
    #[arg(long, conflicts_with_all = ["tenant", "client_id", "method"])]
    pub profile: Option<String>,
    /// Against the practice organisation, inside Keyway on 127.0.0.1 (its credentials are in
    /// the README): nothing reaches Microsoft, the keyring or the saved connections.
    #[arg(long, conflicts_with_all = ["profile", "ca_cert", "authority_host"])]
    pub practice: bool,
    #[command(flatten)]
    pub cloud: CloudArgs,
    /// One more certificate authority to trust (PEM file); `KEYWAY_CA_CERT` does the same.
    #[arg(long)]
    pub ca_cert: Option<PathBuf>,
    /// Tenant ID or domain.
    #[arg(long, required_unless_present = "profile")]
    pub tenant: Option<String>,
    /// Application (client) ID.
    #[arg(long, required_unless_present = "profile")]
    pub client_id: Option<String>,
    /// Read the client secret from standard input.
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// Sign in with this certificate (PEM with its key, or .pfx).
    #[arg(long)]
    pub certificate: Option<PathBuf>,
    /// The certificate's private key, when it is in a separate PEM file.
    #[arg(long, requires = "certificate")]
    pub certificate_key: Option<PathBuf>,
    /// Read the .pfx password from standard input.
    #[arg(long, requires = "certificate")]
    pub certificate_password_stdin: bool,
    /// Sign the certificate assertion RS256 with a SHA-1 thumbprint (older form).
    #[arg(long)]
    pub rs256: bool,
    /// Sign in as this user with a password (read from standard input).
    #[arg(long, requires = "password_stdin")]
    pub username: Option<String>,
    /// Read the user's password from standard input.
    #[arg(long)]
    pub password_stdin: bool,
    /// Sign in with a code typed on another device.
    #[arg(long)]
    pub device_code: bool,
    /// Sign in in the system browser.
    #[arg(long)]
    pub browser: bool,
    /// Use the older v1 endpoint (resource= instead of scopes).
    #[arg(long)]
    pub v1: bool,
    /// Delegated Power BI permission to ask for (repeat); all consented ones when absent.
    #[arg(long = "scope")]
    pub scopes: Vec<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Also print the access token itself.
    #[arg(long)]
    pub print_token: bool,
}

/// A session ready to sign in: the answers, and the secrets already read from standard input.
pub struct Prepared {
    /// The session holding the secrets.
    pub session: Arc<Session>,
    /// The answers (from the options, or the saved profile).
    pub draft: Draft,
    /// The saved profile, with `--profile`.
    saved: Option<(keyway::profile::Profile, ProfileStore)>,
    /// The practice organisation, running while this lives.
    _practice: Option<keyway::practice::Practice>,
    v1: bool,
    rs256: bool,
}

impl SignInArgs {
    fn method(&self) -> Option<Method> {
        if self.client_secret_stdin {
            Some(Method::ClientSecret)
        } else if self.certificate.is_some() {
            Some(Method::Certificate)
        } else if self.username.is_some() {
            Some(Method::Password)
        } else if self.device_code {
            Some(Method::DeviceCode)
        } else if self.browser {
            Some(Method::Browser)
        } else {
            None
        }
    }

    /// Checks the options and reads the secrets they name from standard input.
    pub async fn prepare(&self) -> Result<Prepared, Failure> {
        let practice = match self.practice {
            true => Some(keyway::practice::Practice::start().await?),
            false => None,
        };
        let session = match &practice {
            Some(p) => Arc::new(p.session()?),
            None => session(self.ca_cert.as_deref())?,
        };
        if let Some(name) = &self.profile {
            let store = ProfileStore::default_location();
            let profile = store.get(name)?;
            if self.password_stdin && profile.method == Method::Password {
                session.remember(Typed::Password, &read_stdin("password").await?)?;
            }
            return Ok(Prepared {
                session,
                draft: Draft::from_profile(&profile),
                saved: Some((profile, store)),
                _practice: None,
                v1: self.v1,
                rs256: self.rs256,
            });
        }
        let Some(method) = self.method() else {
            return Err(Failure::usage_text(
                "MISSING_METHOD",
                "Choose how to sign in",
                "Choose how to sign in: --client-secret-stdin, --certificate FILE, --username U \
                 --password-stdin, --device-code or --browser.",
            ));
        };
        let (cloud, custom) = match &practice {
            Some(p) => (keyway::cloud::CloudId::Custom, Some(p.endpoints.clone())),
            None => (self.cloud.cloud, self.cloud.custom()),
        };
        let draft = Draft {
            cloud,
            custom,
            tenant: self.tenant.clone().unwrap_or_default(),
            client_id: self.client_id.clone().unwrap_or_default(),
            method: Some(method),
            username: self.username.clone(),
            certificate_path: self.certificate.clone().map(absolute),
            certificate_key: self.certificate_key.clone().map(absolute),
            scopes: self.scopes.clone(),
            v1: self.v1,
            rs256: self.rs256,
            ..Draft::default()
        };
        if let Some(custom) = draft.custom.clone() {
            // Typed on the command line by the person: this cloud is theirs to choose.
            session.trust_custom_cloud(custom).map_err(Failure::usage)?;
        }
        if let Some(problem) = draft.problems().into_iter().next() {
            return Err(problem.into());
        }
        let typed = match method {
            Method::ClientSecret => Some((Typed::ClientSecret, "client secret")),
            Method::Password => Some((Typed::Password, "password")),
            Method::Certificate if self.certificate_password_stdin => {
                Some((Typed::CertificatePassword, "certificate password"))
            }
            _ => None,
        };
        if let Some((kind, what)) = typed {
            session.remember(kind, &read_stdin(what).await?)?;
        }
        Ok(Prepared {
            session,
            draft,
            saved: None,
            _practice: practice,
            v1: self.v1,
            rs256: self.rs256,
        })
    }
}

impl Prepared {
    /// Signs in; with a saved profile, its secret comes from the keyring and the result is
    /// recorded in the profile.
    pub async fn sign_in(&self) -> Result<TokenSummary, Explanation> {
        let cloud = match &self.saved {
            Some((p, _)) => keyway::Cloud::resolve(p.cloud, p.custom.as_ref())?,
            None => self.session.cloud(self.draft.cloud)?,
        };
        let open = move |url: &str| {
            // Shown before the browser is tried: on a computer without a desktop the opener may
            // "succeed" and show nothing, and the person needs the address either way.
            eprintln!(
                "Opening your browser to sign in. If it does not open, open this address \
                 yourself:\n{url}"
            );
            open_page(&cloud, url)
        };
        let Some((profile, store)) = &self.saved else {
            return self
                .session
                .sign_in(self.draft.clone(), show_sign_in, open)
                .await;
        };
        let vault = keyway::wizard::system_vault().await?;
        let from = FromProfile {
            v1: self.v1,
            rs256: self.rs256,
            record_in: Some(store),
            ..FromProfile::new(profile, &vault)
        };
        self.session.sign_in_saved(from, show_sign_in, open).await
    }
}

/// `keyway token`.
pub async fn run(args: TokenArgs) -> Outcome {
    let a = &args.sign_in;
    let prepared = a.prepare().await?;
    let summary = prepared.sign_in().await?;
    let token = prepared.session.token();
    let token = token.as_ref();
    if a.json {
        let mut out = json!({
            "ok": true,
            "tokenType": token.map(|t| t.token_type.clone()),
            "expiresOn": summary.expires_on,
            "claims": token.map(|t| &t.claims),
        });
        if a.print_token {
            out["accessToken"] = json!(prepared.session.access_token());
        }
        return Ok(out.to_string());
    }
    let mut text = summary.to_text(keyway::clock::now());
    if let (true, Some(t)) = (a.print_token, prepared.session.access_token()) {
        text.push('\n');
        text.push_str(&t);
    }
    Ok(text)
}
