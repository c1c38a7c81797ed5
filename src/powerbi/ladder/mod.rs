//! The check ladder: is everything in place for the person's goal, and if not, what is missing?
//!
//! Token → consent → tenant switch → security group → workspace role → each call the goal needs.
//! Every HTTP probe starts as soon as what it needs is known, so independent probes run at the
//! same time; each item is reported the moment its own evidence is in. Items are then read in
//! ladder order: when a lower rung fails, the rungs that depend on it say "skipped" and why,
//! instead of repeating the same refusal.

use super::{Api, Evidence, Probe};
use crate::auth::error::AuthError;
use crate::auth::token::Claims;
use crate::diagnose::{self, Context, Explanation, Page};
use crate::goal::Goal;
use futures_util::future::{BoxFuture, FutureExt, Shared};
use futures_util::stream::{FuturesUnordered, StreamExt};
use reqwest::Method;
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// What to check.
#[derive(Debug, Clone)]
pub struct Plan {
    /// What the person wants to do.
    pub goal: Goal,
    /// The workspace the goal uses; when absent, the only one the caller can see.
    pub workspace: Option<String>,
    /// Also run the probes that change something (start a refresh, make and remove a dataset).
    pub allow_changes: bool,
    /// For "call the API as myself": the delegated permissions the person picked.
    pub scopes: Vec<String>,
    /// How long to wait between scan status polls.
    pub scan_poll: Duration,
    /// How many times to poll a scan before giving up.
    pub scan_polls: u32,
    /// Run one item (and one call) at a time, for measuring what the parallel ladder saves.
    pub sequential: bool,
}

impl Plan {
    /// A read-only plan for a goal.
    pub fn new(goal: Goal) -> Plan {
        Plan {
            goal,
            workspace: None,
            allow_changes: false,
            scopes: vec![],
            scan_poll: Duration::from_secs(2),
            scan_polls: 15,
            sequential: false,
        }
    }
}

/// An item's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// In place.
    Pass,
    /// Missing or refused; `problem` says why and what to do.
    Fail,
    /// Not run; `summary` says why.
    Skipped,
}

/// One rung of the ladder.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// Stable ID: `token`, `consent`, `tenant-switch`, …
    pub id: &'static str,
    /// What is checked, as a statement: "Power BI allows this app".
    pub title: String,
    /// The result.
    pub status: Status,
    /// Not needed for the goal to work (advice, or a change the person did not opt in to).
    pub optional: bool,
    /// What was found, in one line.
    pub summary: String,
    /// The calls behind the verdict.
    pub evidence: Vec<Evidence>,
    /// When failed: cause, fix steps and the page to fix it on.
    pub problem: Option<Explanation>,
}

/// Progress, item by item.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// The ladder for this goal: every item, in order, before any runs.
    Planned {
        /// Item IDs and titles.
        items: Vec<Planned>,
    },
    /// One item is done.
    Finished {
        /// The result.
        item: Box<Item>,
    },
}

/// An item announced before it runs.
#[derive(Debug, Clone, Serialize)]
pub struct Planned {
    /// Item ID.
    pub id: &'static str,
    /// Item title.
    pub title: String,
}

/// The whole ladder's result.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// The goal checked.
    pub goal: Goal,
    /// Every needed item passed.
    pub ok: bool,
    /// The workspace checked, when there was one.
    pub workspace: Option<String>,
    /// Every item, in ladder order.
    pub items: Vec<Item>,
}

impl Outcome {
    fn new(goal: Goal, workspace: Option<String>, mut items: Vec<Item>, order: &[Planned]) -> Self {
        items.sort_by_key(|i| order.iter().position(|p| p.id == i.id));
        let ok = items.iter().all(|i| i.optional || i.status == Status::Pass);
        Outcome {
            goal,
            ok,
            workspace,
            items,
        }
    }

    /// The result as text for a terminal: one line per item, and under each problem its cause,
    /// numbered fix steps, page and evidence.
    pub fn to_text(&self) -> String {
        let mut out = vec![format!("Checks for \"{}\":", self.goal.title())];
        for i in &self.items {
            let mark = match (i.status, i.optional) {
                (Status::Pass, _) => "[ok]  ",
                (Status::Fail, false) => "[FAIL]",
                (Status::Fail, true) => "[warn]",
                (Status::Skipped, _) => "[skip]",
            };
            out.push(format!("{mark} {}: {}", i.title, i.summary));
            if let Some(p) = &i.problem {
                out.push(format!("       Why: {}", p.cause));
                out.extend(
                    p.fix
                        .iter()
                        .enumerate()
                        .map(|(n, step)| format!("       {}. {step}", n + 1)),
                );
                if let Some(link) = &p.link {
                    out.push(format!(
                        "       Open {}: {link}",
                        p.link_label.as_deref().unwrap_or("the page")
                    ));
                }
                for e in &i.evidence {
                    let mut line = format!("       Evidence: {}", e.request);
                    if let Some(s) = e.http_status {
                        line.push_str(&format!(" -> {s}"));
                    }
                    for v in [&e.code, &e.error_info].into_iter().flatten() {
                        line.push_str(&format!(" {v}"));
                    }
                    if let Some(r) = &e.request_id {
                        line.push_str(&format!(" (request ID {r})"));
                    }
                    out.push(line);
                }
                let ids: Vec<String> = [
                    ("Trace ID", &p.trace_id),
                    ("Correlation ID", &p.correlation_id),
                ]
                .into_iter()
                .filter_map(|(k, v)| Some(format!("{k}: {}", v.as_ref()?)))
                .collect();
                if !ids.is_empty() {
                    out.push(format!("       {}", ids.join("; ")));
                }
            }
        }
        let count = |s: Status| {
            self.items
                .iter()
                .filter(|i| !i.optional && i.status == s)
                .count()
        };
        let (failed, waiting) = (count(Status::Fail), count(Status::Skipped));
        out.push(match (failed, waiting) {
            (0, 0) => "Everything this goal needs is in place.".to_string(),
            (1, 0) => "1 problem to fix.".to_string(),
            (f, 0) => format!("{f} problems to fix."),
            (f, w) => format!("{f} problem(s) to fix; {w} check(s) could not run until then."),
        });
        out.join("\n")
    }

    /// The result in a profile's "last check" form.
    pub fn last_check(&self) -> crate::profile::LastCheck {
        let first = self.first_problem();
        let problem = first.and_then(|i| i.problem.as_ref());
        crate::profile::LastCheck {
            at: crate::auth::now(),
            ok: self.ok,
            code: problem.map(|p| p.code.clone()),
            summary: match first {
                Some(i) => format!("{}: {}", i.title, i.summary),
                None => "Every check passed.".into(),
            },
            http_status: problem.and_then(|p| p.http_status),
            trace_id: problem.and_then(|p| p.trace_id.clone()),
            correlation_id: problem.and_then(|p| p.correlation_id.clone()),
            timestamp: problem.and_then(|p| p.timestamp.clone()),
        }
    }

    /// The first needed item that did not pass.
    pub fn first_problem(&self) -> Option<&Item> {
        self.items
            .iter()
            .find(|i| !i.optional && i.status != Status::Pass)
    }
}

// ---------------------------------------------------------------------------------------------
// Which items a goal needs

const WS_SCOPES: &[&str] = &["Workspace.Read.All", "Workspace.ReadWrite.All"];
const REPORT_SCOPES: &[&str] = &["Report.Read.All", "Report.ReadWrite.All"];
const DATASET_WRITE: &[&str] = &["Dataset.ReadWrite.All"];
const TENANT_SCOPES: &[&str] = &["Tenant.Read.All", "Tenant.ReadWrite.All"];

/// Delegated permissions a goal needs: each inner list is "one of these".
fn needed_scopes(plan: &Plan) -> Vec<Vec<String>> {
    let own = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
    match plan.goal {
        Goal::Embed => vec![own(WS_SCOPES), own(REPORT_SCOPES)],
        Goal::Data => vec![own(WS_SCOPES), own(DATASET_WRITE)],
        Goal::Admin => vec![own(TENANT_SCOPES)],
        Goal::Delegated => plan
            .scopes
            .iter()
            .map(|s| vec![short_scope(s).to_string()])
            .collect(),
    }
}

/// `https://analysis.windows.net/powerbi/api/Report.Read.All` → `Report.Read.All`.
fn short_scope(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

/// The items for a goal, in order.
pub fn items_for(plan: &Plan, app_only: bool) -> Vec<Planned> {
    let admin = plan.goal == Goal::Admin;
    let mut ids: Vec<&'static str> = vec!["token", "consent"];
    if app_only {
        ids.extend(["tenant-switch", "security-group"]);
    }
    match plan.goal {
        Goal::Embed => ids.extend([
            "list-workspaces",
            "workspace",
            "list-reports",
            "embed-token",
        ]),
        Goal::Data => ids.extend([
            "list-workspaces",
            "workspace",
            "list-datasets",
            "refresh",
            "push-dataset",
        ]),
        Goal::Admin => ids.extend([
            "admin-workspaces",
            "scanner",
            "detailed-metadata",
            "expressions",
        ]),
        Goal::Delegated => {
            ids.push("list-workspaces");
            if plan.workspace.is_some() {
                ids.push("workspace");
            }
        }
    }
    ids.into_iter()
        .map(|id| Planned {
            id,
            title: title(id, admin, app_only).to_string(),
        })
        .collect()
}

fn title(id: &str, admin: bool, app_only: bool) -> &'static str {
    match id {
        "token" => "Signed in, with a token for Power BI",
        "consent" if app_only && admin => {
            "The app has no Power BI permissions that block admin APIs"
        }
        "consent" if app_only => "No permissions needed for an app signing in as itself",
        "consent" => "The permissions this goal needs were granted",
        "tenant-switch" if admin => "Power BI lets apps use the read-only admin APIs",
        "tenant-switch" => "Power BI lets apps (service principals) use its API",
        "security-group" => "This app is in a security group Power BI allows",
        "list-workspaces" => "Can list workspaces",
        "workspace" => "Has the right role in the workspace",
        "list-reports" => "Can list the workspace's reports",
        "embed-token" => "Can create an embed token for a report",
        "list-datasets" => "Can list the workspace's datasets",
        "refresh" => "Can start a dataset refresh",
        "push-dataset" => "Can create a push dataset",
        "admin-workspaces" => "Can list all workspaces (admin API)",
        "scanner" => "Can scan workspace metadata (scanner API)",
        "detailed-metadata" => "Scans include detailed metadata (tables and columns)",
        "expressions" => "Scans include DAX and mashup expressions",
        _ => "Check",
    }
}

// ---------------------------------------------------------------------------------------------
// Running it

type Pending<T> = Shared<BoxFuture<'static, T>>;

#[derive(Debug, Clone)]
struct Workspace {
    id: String,
    name: Option<String>,
}

#[derive(Debug, Clone)]
enum NoWorkspace {
    /// Listing workspaces failed: that item says why.
    ListFailed,
    /// The caller sees no workspace.
    NoneVisible,
    /// Several, and none was chosen.
    Several(Vec<(String, String)>),
}

struct Run {
    api: Api,
    ctx: Context,
    plan: Plan,
    claims: Claims,
    app_only: bool,
    settings: Pending<Option<Arc<Probe>>>,
    /// The call that shows whether the tenant switch lets the app in.
    gate: Pending<Arc<Probe>>,
    groups: Pending<Arc<Probe>>,
    admin_groups: Pending<Arc<Probe>>,
    workspace: Pending<Result<Workspace, NoWorkspace>>,
    users: Pending<Option<(Workspace, Arc<Probe>)>>,
    reports: Pending<Option<(Workspace, Arc<Probe>)>>,
    datasets: Pending<Option<(Workspace, Arc<Probe>)>>,
    scan: Pending<Result<ScanProbes, String>>,
}

/// The scan's start, its status polls, and its result (when it finished).
type ScanProbes = (Arc<Probe>, Vec<Arc<Probe>>, Option<Arc<Probe>>);

/// A call in the chosen workspace, once that is known.
fn in_workspace_probe(
    api: &Api,
    workspace: &Pending<Result<Workspace, NoWorkspace>>,
    what: &'static str,
) -> Pending<Option<(Workspace, Arc<Probe>)>> {
    let (api, workspace) = (api.clone(), workspace.clone());
    async move {
        let ws = workspace.await.ok()?;
        let p = api
            .powerbi(
                Method::GET,
                &format!("/v1.0/myorg/groups/{}/{what}", ws.id),
                None,
            )
            .await;
        Some((ws, Arc::new(p)))
    }
    .boxed()
    .shared()
}

/// Starts a scan of one workspace and follows it to its result.
fn scan_probe(
    api: &Api,
    admin_groups: &Pending<Arc<Probe>>,
    plan: &Plan,
) -> Pending<Result<ScanProbes, String>> {
    let (api, admin_groups, chosen) = (api.clone(), admin_groups.clone(), plan.workspace.clone());
    let (interval, tries) = (plan.scan_poll, plan.scan_polls.max(1));
    async move {
        let target = match chosen {
            Some(w) => w,
            None => {
                let groups = admin_groups.await;
                if !groups.ok() {
                    return Err("Skipped: the admin API did not answer (see above).".to_string());
                }
                groups.json()["value"]
                    .as_array()
                    .and_then(|a| a.first())
                    .and_then(|w| w["id"].as_str().map(str::to_string))
                    .ok_or_else(|| "Skipped: the organisation has no workspace to scan.".to_string())?
            }
        };
        let start = Arc::new(
            api.powerbi(
                Method::POST,
                "/v1.0/myorg/admin/workspaces/getInfo?lineage=True&datasourceDetails=True&datasetSchema=True&datasetExpressions=True",
                Some(json!({ "workspaces": [target] })),
            )
            .await,
        );
        let Some(id) = start.json()["id"].as_str().map(str::to_string).filter(|_| start.ok()) else {
            return Ok((start, vec![], None));
        };
        let mut polls = vec![];
        for _ in 0..tries {
            tokio::time::sleep(interval).await;
            let p = Arc::new(
                api.powerbi(Method::GET, &format!("/v1.0/myorg/admin/workspaces/scanStatus/{id}"), None)
                    .await,
            );
            let done = p.json()["status"] == "Succeeded";
            let failed = !p.ok() || p.json()["status"] == "Failed";
            polls.push(p);
            if failed {
                return Ok((start, polls, None));
            }
            if done {
                let r = api
                    .powerbi(Method::GET, &format!("/v1.0/myorg/admin/workspaces/scanResult/{id}"), None)
                    .await;
                return Ok((start, polls, Some(Arc::new(r))));
            }
        }
        Ok((start, polls, None))
    }
    .boxed()
    .shared()
}

fn probe(api: &Api, method: Method, path: String, body: Option<Value>) -> Pending<Arc<Probe>> {
    let api = api.clone();
    async move { Arc::new(api.powerbi(method, &path, body).await) }
        .boxed()
        .shared()
}

/// Runs the ladder for a signed-in caller, reporting each item as soon as it is known.
pub async fn run(
    api: Api,
    mut ctx: Context,
    plan: Plan,
    claims: Claims,
    on: &(dyn Fn(Event) + Send + Sync),
) -> Outcome {
    let app_only = claims.app_only;
    let order = items_for(&plan, app_only);
    on(Event::Planned {
        items: order.clone(),
    });
    ctx.workspace = plan.workspace.clone();

    let settings: Pending<Option<Arc<Probe>>> = {
        let api = api.clone();
        let wanted = app_only || plan.goal == Goal::Admin;
        async move {
            if wanted {
                api.fabric("/admin/tenantsettings").await.map(Arc::new)
            } else {
                None
            }
        }
        .boxed()
        .shared()
    };
    let groups = probe(&api, Method::GET, "/v1.0/myorg/groups".into(), None);
    let admin_groups = probe(
        &api,
        Method::GET,
        "/v1.0/myorg/admin/groups?$top=100".into(),
        None,
    );
    let gate = if plan.goal == Goal::Admin {
        admin_groups.clone()
    } else {
        groups.clone()
    };
    let workspace = {
        let chosen = plan.workspace.clone();
        let groups = groups.clone();
        async move {
            if let Some(id) = chosen {
                return Ok(Workspace {
                    id: id.trim().to_string(),
                    name: None,
                });
            }
            let g = groups.await;
            if !g.ok() {
                return Err(NoWorkspace::ListFailed);
            }
            let all: Vec<(String, String)> = g.json()["value"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|w| {
                            Some((
                                w["id"].as_str()?.to_string(),
                                w["name"].as_str().unwrap_or_default().to_string(),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default();
            match all.as_slice() {
                [] => Err(NoWorkspace::NoneVisible),
                [(id, name)] => Ok(Workspace {
                    id: id.clone(),
                    name: Some(name.clone()),
                }),
                _ => Err(NoWorkspace::Several(all)),
            }
        }
        .boxed()
        .shared()
    };
    let users = in_workspace_probe(&api, &workspace, "users");
    let reports = in_workspace_probe(&api, &workspace, "reports");
    let datasets = in_workspace_probe(&api, &workspace, "datasets");
    let scan = scan_probe(&api, &admin_groups, &plan);
    let run = Arc::new(Run {
        api,
        ctx,
        plan: plan.clone(),
        claims,
        app_only,
        settings,
        gate,
        groups,
        admin_groups,
        workspace,
        users,
        reports,
        datasets,
        scan,
    });

    let mut futures: Vec<BoxFuture<'static, Item>> = Vec::with_capacity(order.len());
    for p in &order {
        let r = run.clone();
        futures.push(match p.id {
            "token" => async move { r.token() }.boxed(),
            "consent" => async move { r.consent() }.boxed(),
            "tenant-switch" => async move { r.tenant_switch().await }.boxed(),
            "security-group" => async move { r.security_group().await }.boxed(),
            "list-workspaces" => async move { r.list_workspaces().await }.boxed(),
            "workspace" => async move { r.workspace_role().await }.boxed(),
            "list-reports" => async move { r.list_reports().await }.boxed(),
            "embed-token" => async move { r.embed_token().await }.boxed(),
            "list-datasets" => async move { r.list_datasets().await }.boxed(),
            "refresh" => async move { r.refresh().await }.boxed(),
            "push-dataset" => async move { r.push_dataset().await }.boxed(),
            "admin-workspaces" => async move { r.admin_workspaces().await }.boxed(),
            "scanner" => async move { r.scanner().await }.boxed(),
            "detailed-metadata" => async move { r.admin_setting(false).await }.boxed(),
            _ => async move { r.admin_setting(true).await }.boxed(),
        });
    }
    let mut items = Vec::with_capacity(order.len());
    if plan.sequential {
        // Each in ladder order, to completion, before the next starts.
        for (p, f) in order.iter().zip(futures) {
            let item = f.await;
            debug_assert_eq!(item.id, p.id);
            on(Event::Finished {
                item: Box::new(item.clone()),
            });
            items.push(item);
        }
        return Outcome::new(plan.goal, plan.workspace.clone(), items, &order);
    }
    let mut pending: FuturesUnordered<BoxFuture<'static, Item>> = futures.into_iter().collect();
    while let Some(item) = pending.next().await {
        on(Event::Finished {
            item: Box::new(item.clone()),
        });
        items.push(item);
    }
    let ws = match run.workspace.clone().now_or_never() {
        Some(Ok(w)) => Some(w.id),
        _ => plan.workspace.clone(),
    };
    Outcome::new(plan.goal, ws, items, &order)
}

/// The ladder when signing in itself failed: the first rung explains, the rest wait for it.
pub fn sign_in_failed(error: &AuthError, ctx: &Context, plan: &Plan, app_only: bool) -> Outcome {
    let order = items_for(plan, app_only);
    let items = order
        .iter()
        .map(|p| {
            if p.id == "token" {
                let problem = diagnose::explain_auth_error(error, ctx);
                Item {
                    id: p.id,
                    title: p.title.clone(),
                    status: Status::Fail,
                    optional: false,
                    summary: problem.title.clone(),
                    evidence: vec![],
                    problem: Some(problem),
                }
            } else {
                skipped(p.id, &p.title, "Needs a token first.")
            }
        })
        .collect();
    Outcome::new(plan.goal, plan.workspace.clone(), items, &order)
}

fn skipped(id: &'static str, title: &str, why: &str) -> Item {
    Item {
        id,
        title: title.to_string(),
        status: Status::Skipped,
        optional: false,
        summary: why.to_string(),
        evidence: vec![],
        problem: None,
    }
}

/// A setting from Fabric's tenant settings list.
#[derive(Debug, Clone)]
struct Setting {
    enabled: bool,
    groups: Vec<(String, String)>,
}

fn find_setting(settings: &Value, names: &[&str], titles: &[&str]) -> Option<Setting> {
    let list = settings["value"].as_array()?;
    let s = list.iter().find(|s| {
        let name = s["settingName"].as_str().unwrap_or_default();
        let t = s["title"].as_str().unwrap_or_default().to_ascii_lowercase();
        names.iter().any(|n| n.eq_ignore_ascii_case(name)) || titles.iter().any(|x| t == *x)
    })?;
    let groups = s["enabledSecurityGroups"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|g| {
                    (
                        g["graphId"].as_str().unwrap_or_default().to_string(),
                        g["name"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Setting {
        enabled: s["enabled"].as_bool().unwrap_or(false),
        groups,
    })
}

/// What the switch looks like from here.
#[derive(Debug, Clone)]
enum Switch {
    /// The gate call went through.
    Allowed(Option<Setting>),
    /// The setting is off (`true` when the settings said so; `false` when only inferred).
    Off(bool),
    /// On, but only for groups this app is not in.
    NotInGroup(Vec<(String, String)>),
    /// The gate call failed for another reason; the probe explains.
    Other,
}

impl Run {
    fn item(&self, id: &'static str) -> Item {
        Item {
            id,
            title: title(id, self.plan.goal == Goal::Admin, self.app_only).to_string(),
            status: Status::Pass,
            optional: false,
            summary: String::new(),
            evidence: vec![],
            problem: None,
        }
    }

    fn pass(&self, id: &'static str, summary: impl Into<String>, evidence: &[&Probe]) -> Item {
        Item {
            summary: summary.into(),
            evidence: evidence.iter().map(|p| p.evidence()).collect(),
            ..self.item(id)
        }
    }

    fn skip(&self, id: &'static str, why: impl Into<String>) -> Item {
        Item {
            status: Status::Skipped,
            summary: why.into(),
            ..self.item(id)
        }
    }

    fn fail(&self, id: &'static str, problem: Explanation, evidence: &[&Probe]) -> Item {
        Item {
            status: Status::Fail,
            summary: problem.title.clone(),
            evidence: evidence.iter().map(|p| p.evidence()).collect(),
            problem: Some(problem),
            ..self.item(id)
        }
    }

    /// A failed probe, explained from the catalogue.
    fn failed_probe(&self, id: &'static str, p: &Probe) -> Item {
        self.fail(id, p.explain(&self.ctx), &[p])
    }

    /// A ladder-specific explanation.
    fn problem(
        &self,
        code: &str,
        title: &str,
        cause: String,
        fix: Vec<String>,
        page: Option<Page>,
    ) -> Explanation {
        Explanation::new(code, title, cause, fix).on_page(page, &self.ctx, None)
    }

    async fn switch(&self) -> (Switch, Arc<Probe>, Option<Arc<Probe>>) {
        let (gate, settings) = self.both(self.gate.clone(), self.settings.clone()).await;
        let admin = self.plan.goal == Goal::Admin;
        let setting = settings.as_ref().filter(|s| s.ok()).and_then(|s| {
            let json = s.json();
            if admin {
                find_setting(
                    &json,
                    &["AllowServicePrincipalsUseReadAdminAPIs"],
                    &[
                        "service principals can access read-only admin apis",
                        "allow service principals to use read-only power bi admin apis",
                    ],
                )
            } else {
                find_setting(
                    &json,
                    &[
                        "ServicePrincipalAccessPermissionAPIs",
                        "ServicePrincipalAccess",
                    ],
                    &[
                        "service principals can call fabric public apis",
                        "service principals can use fabric apis",
                        "allow service principals to use power bi apis",
                    ],
                )
            }
        });
        let verdict = if gate.ok() {
            Switch::Allowed(setting)
        } else if gate.refused_by_switch() {
            match setting {
                Some(s) if s.enabled && !s.groups.is_empty() => Switch::NotInGroup(s.groups),
                Some(s) if !s.enabled => Switch::Off(true),
                _ => Switch::Off(false),
            }
        } else {
            Switch::Other
        };
        (verdict, gate, settings)
    }

    /// Whether app-only calls are blocked by the switch (dependent items then skip).
    async fn blocked(&self) -> Option<String> {
        if !self.app_only {
            return None;
        }
        match self.switch().await.0 {
            Switch::Off(_) | Switch::NotInGroup(_) => {
                Some("Skipped: Power BI does not let this app in yet (see above).".into())
            }
            _ => None,
        }
    }

    fn token(&self) -> Item {
        let c = &self.claims;
        let now = crate::auth::now();
        let expires = c.expires_on.unwrap_or(now + 3600);
        let who = if c.app_only {
            format!("the app {}", c.app_id.clone().unwrap_or_default())
        } else {
            c.who.clone().unwrap_or_else(|| "a person".into())
        };
        let cloud_resource = self
            .ctx
            .cloud
            .as_ref()
            .map(|c| c.powerbi_resource.trim_end_matches('/').to_string());
        let audience = c.audience.as_deref().map(|a| a.trim_end_matches('/'));
        const POWERBI_APP_ID: &str = "00000009-0000-0000-c000-000000000000";
        let audience_ok = match (audience, cloud_resource.as_deref()) {
            (Some(a), Some(r)) => a.eq_ignore_ascii_case(r) || a == POWERBI_APP_ID,
            _ => true,
        };
        if !audience_ok {
            let p = self.problem(
                "TOKEN_WRONG_AUDIENCE",
                "The token is for another service",
                format!(
                    "The token was issued for {} instead of Power BI ({}), so Power BI will refuse it.",
                    audience.unwrap_or_default(),
                    cloud_resource.unwrap_or_default()
                ),
                vec![
                    "Check the cloud chosen in Keyway: each cloud has its own Power BI address.".into(),
                    "Sign in again.".into(),
                ],
                None,
            );
            return self.fail("token", p, &[]);
        }
        if expires <= now {
            let p = self.problem(
                "TokenExpired",
                "The token has already expired",
                "Access tokens last about an hour, and this one has run out.".into(),
                vec!["Sign in again (\"Check again\" does this).".into()],
                None,
            );
            return self.fail("token", p, &[]);
        }
        self.pass(
            "token",
            format!(
                "Signed in as {who}; the token works for {} more minutes.",
                (expires - now) / 60
            ),
            &[],
        )
    }

    fn consent(&self) -> Item {
        let c = &self.claims;
        if self.app_only {
            if self.plan.goal != Goal::Admin {
                return self.pass(
                    "consent",
                    "An app signing in as itself gets its Power BI access from the tenant setting and the workspace, not from API permissions.",
                    &[],
                );
            }
            if c.roles.is_empty() {
                return self.pass(
                    "consent",
                    "The app has no Power BI application permissions, as the admin APIs require.",
                    &[],
                );
            }
            let p = self.problem(
                "APP_HAS_POWERBI_PERMISSIONS",
                "The app's Power BI permissions block the admin APIs",
                format!(
                    "The app has Power BI application permissions with admin consent ({}). Power BI refuses the read-only admin APIs to such apps.",
                    c.roles.join(", ")
                ),
                vec![
                    "Open the app's API permissions page.".into(),
                    "Remove every \"Power BI Service\" permission of type Application (or revoke its admin consent).".into(),
                    "Sign in again in Keyway and check again.".into(),
                ],
                Some(Page::AppPermissions),
            );
            return self.fail("consent", p, &[]);
        }
        let granted: Vec<&str> = c.scopes.iter().map(|s| short_scope(s)).collect();
        let missing: Vec<String> = needed_scopes(&self.plan)
            .into_iter()
            .filter(|any| {
                !any.iter()
                    .any(|s| granted.iter().any(|g| g.eq_ignore_ascii_case(s)))
            })
            .map(|any| any.join(" or "))
            .collect();
        if missing.is_empty() {
            return self.pass(
                "consent",
                format!(
                    "Granted: {}.",
                    if granted.is_empty() {
                        "none needed".to_string()
                    } else {
                        granted.join(", ")
                    }
                ),
                &[],
            );
        }
        let p = self.problem(
            "SCOPES_MISSING",
            "Permissions this goal needs were not granted",
            format!(
                "The token does not carry {}. Without it, Power BI answers 401 to the calls this goal makes.",
                missing.join(", ")
            ),
            vec![
                "Open the app's API permissions page.".into(),
                format!("Add the delegated \"Power BI Service\" permission(s): {}.", missing.join(", ")),
                "Choose \"Grant admin consent\" (or ask an administrator to).".into(),
                "Sign in again in Keyway, so the new token carries them.".into(),
            ],
            Some(Page::AppPermissions),
        );
        self.fail("consent", p, &[])
    }

    async fn tenant_switch(&self) -> Item {
        let (verdict, gate, settings) = self.switch().await;
        let evidence = switch_evidence(&gate, settings.as_deref());
        let setting_name = if self.plan.goal == Goal::Admin {
            "Service principals can access read-only admin APIs"
        } else {
            "Service principals can call Fabric public APIs"
        };
        match verdict {
            Switch::Allowed(Some(s)) if !s.groups.is_empty() => self.pass(
                "tenant-switch",
                format!("\"{setting_name}\" is on, for: {}.", names(&s.groups)),
                &evidence,
            ),
            Switch::Allowed(_) => self.pass(
                "tenant-switch",
                format!("\"{setting_name}\" lets this app in."),
                &evidence,
            ),
            Switch::NotInGroup(groups) => self.pass(
                "tenant-switch",
                format!(
                    "\"{setting_name}\" is on, but only for: {}.",
                    names(&groups)
                ),
                &evidence,
            ),
            Switch::Off(known) => {
                let cause = if known {
                    format!("The Power BI setting \"{setting_name}\" is off, so Power BI refuses every app that signs in as itself.")
                } else {
                    format!("Power BI refused this app because of the setting \"{setting_name}\": it is either off, or limited to security groups this app is not in. Keyway can't read the tenant settings to tell which.")
                };
                let mut fix = vec![
                    "Ask a Power BI (Fabric) administrator to open Power BI tenant settings.".to_string(),
                    format!("Find \"{setting_name}\" and turn it on."),
                    "Either allow the whole organisation, or pick a security group and add this app's service principal to it.".into(),
                    "Settings can take up to 15 minutes to apply; then choose \"Check again\".".into(),
                ];
                if self.plan.goal != Goal::Admin {
                    fix[1] = format!("Find \"{setting_name}\" (older names: \"Service principals can use Fabric APIs\", \"Allow service principals to use Power BI APIs\") and turn it on.");
                }
                let mut p = self.problem(
                    "ServicePrincipalIsNotAllowedByTenantAdminSwitch",
                    "Power BI does not let apps in yet",
                    cause,
                    fix,
                    Some(Page::TenantSettings),
                );
                let ev = gate.evidence();
                p.http_status = ev.http_status;
                p.request_id = ev.request_id;
                self.fail("tenant-switch", p, &evidence)
            }
            Switch::Other => self.failed_probe("tenant-switch", &gate),
        }
    }

    async fn security_group(&self) -> Item {
        let (verdict, gate, settings) = self.switch().await;
        match verdict {
            Switch::Allowed(Some(s)) if !s.groups.is_empty() => self.pass(
                "security-group",
                format!("This app is in an allowed group ({}).", names(&s.groups)),
                &[&gate],
            ),
            Switch::Allowed(Some(_)) => self.pass(
                "security-group",
                "The setting applies to the whole organisation, so no group is needed.",
                &[&gate],
            ),
            Switch::Allowed(None) => self.pass(
                "security-group",
                "Power BI accepted this app, so it is in an allowed group (or none is required).",
                &[&gate],
            ),
            Switch::NotInGroup(groups) => {
                let mut ctx = self.ctx.clone();
                ctx.group = groups.first().map(|g| g.0.clone());
                let sp = self.claims.object_id.clone().unwrap_or_default();
                let fix = vec![
                    format!("Open the members of the security group \"{}\".", groups.first().map(|g| g.1.clone()).unwrap_or_default()),
                    format!("Choose \"Add members\" and add this app's service principal (search for its name or object ID {sp})."),
                    "Group changes can take up to an hour to reach Power BI; then choose \"Check again\".".into(),
                ];
                let p = self.problem(
                    "SERVICE_PRINCIPAL_NOT_IN_GROUP",
                    "This app is not in the allowed security group",
                    format!(
                        "Power BI lets apps in only when they are in: {}. This app is not in any of them.",
                        names(&groups)
                    ),
                    fix,
                    None,
                )
                .on_page(Some(Page::GroupMembers), &ctx, None);
                self.fail("security-group", p, &switch_evidence(&gate, settings.as_deref()))
            }
            Switch::Off(true) => self.skip("security-group", "Skipped: the setting itself is off (see above)."),
            Switch::Off(false) => self.skip(
                "security-group",
                "Skipped: without access to the tenant settings, Keyway can't tell a switched-off setting from a missing group (see above).",
            ),
            Switch::Other => self.skip("security-group", "Skipped: the call that shows this failed (see above)."),
        }
    }

    async fn list_workspaces(&self) -> Item {
        let g = self.groups.clone().await;
        if let Some(why) = self.blocked().await {
            return self.skip("list-workspaces", why);
        }
        if !g.ok() {
            return self.failed_probe("list-workspaces", &g);
        }
        let n = g.json()["value"].as_array().map_or(0, Vec::len);
        let summary = match n {
            0 => "The call works, but no workspace is shared with this sign-in yet.".to_string(),
            1 => "The call works; 1 workspace is visible.".to_string(),
            n => format!("The call works; {n} workspaces are visible."),
        };
        self.pass("list-workspaces", summary, &[&g])
    }

    /// The workspace to use, or the item that says why there is none.
    async fn chosen(&self, id: &'static str) -> Result<Workspace, Item> {
        if let Some(why) = self.blocked().await {
            return Err(self.skip(id, why));
        }
        match self.workspace.clone().await {
            Ok(w) => Ok(w),
            Err(NoWorkspace::ListFailed) => Err(self.skip(
                id,
                "Skipped: the workspaces could not be listed (see above).",
            )),
            Err(NoWorkspace::NoneVisible) if id == "workspace" => {
                Err(self.fail(id, self.no_workspace_problem(), &[]))
            }
            Err(NoWorkspace::NoneVisible) => {
                Err(self.skip(id, "Skipped: no workspace to check (see above)."))
            }
            Err(NoWorkspace::Several(all)) if id == "workspace" => {
                let list = all
                    .iter()
                    .map(|(id, name)| format!("{name} ({id})"))
                    .collect::<Vec<_>>()
                    .join("; ");
                let p = self.problem(
                    "WORKSPACE_NOT_CHOSEN",
                    "Choose the workspace this goal uses",
                    format!("This sign-in can see {} workspaces: {list}.", all.len()),
                    vec![
                        "Pick the workspace your reports or datasets are in, and check again."
                            .into(),
                    ],
                    None,
                );
                Err(self.fail(id, p, &[]))
            }
            Err(NoWorkspace::Several(_)) => {
                Err(self.skip(id, "Skipped: choose a workspace first (see above)."))
            }
        }
    }

    fn no_workspace_problem(&self) -> Explanation {
        let who = if self.app_only { "this app" } else { "you" };
        self.problem(
            "NO_WORKSPACE",
            "No workspace is shared with this sign-in",
            format!("Power BI answered, but {who} is not a member of any workspace."),
            self.add_member_steps(),
            Some(Page::Workspace),
        )
    }

    fn needed_role(&self) -> &'static str {
        match (self.plan.goal, self.app_only) {
            (Goal::Embed, true) => "Member",
            (Goal::Data, _) => "Contributor",
            _ => "Viewer",
        }
    }

    fn add_member_steps(&self) -> Vec<String> {
        let role = self.needed_role();
        if self.app_only {
            vec![
                "Ask a workspace admin to open the workspace in Power BI and choose \"Manage access\".".into(),
                format!("Add this app by its name (its service principal), with the role {role} or higher."),
                "Choose \"Check again\".".into(),
            ]
        } else {
            vec![
                "Ask a workspace admin to open the workspace in Power BI and choose \"Manage access\".".into(),
                format!("Add your account with the role {role} or higher."),
                "Choose \"Check again\".".into(),
            ]
        }
    }

    async fn workspace_role(&self) -> Item {
        let (ws, users) = match self.in_workspace("workspace", &self.users).await {
            Ok(x) => x,
            Err(item) => return item,
        };
        let mut ctx = self.ctx.clone();
        ctx.workspace = Some(ws.id.clone());
        let shown = ws.name.clone().unwrap_or_else(|| ws.id.clone());
        let needed = self.needed_role();
        if users.ok() {
            let me = self.claims.object_id.clone().unwrap_or_default();
            let upn = self.claims.who.clone().unwrap_or_default();
            let role = users.json()["value"].as_array().and_then(|a| {
                a.iter().find_map(|u| {
                    let id = u["identifier"].as_str().unwrap_or_default();
                    let graph = u["graphId"].as_str().unwrap_or_default();
                    let mine = (!me.is_empty()
                        && (graph.eq_ignore_ascii_case(&me) || id.eq_ignore_ascii_case(&me)))
                        || (!upn.is_empty() && id.eq_ignore_ascii_case(&upn));
                    mine.then(|| {
                        u["groupUserAccessRight"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string()
                    })
                })
            });
            return match role {
                Some(r) if rank(&r) >= rank(needed) => self.pass(
                    "workspace",
                    format!("{r} in \"{shown}\" (this goal needs {needed} or higher)."),
                    &[&users],
                ),
                Some(r) => {
                    let p = self.problem(
                        "WORKSPACE_ROLE_TOO_LOW",
                        "The role in the workspace is too low",
                        format!("The role in \"{shown}\" is {r}; this goal needs {needed} or higher."),
                        self.add_member_steps(),
                        None,
                    )
                    .on_page(Some(Page::Workspace), &ctx, None);
                    self.fail("workspace", p, &[&users])
                }
                None => self.pass(
                    "workspace",
                    format!("Access to \"{shown}\" through a group (Keyway can't see the role; the calls below show whether it is enough)."),
                    &[&users],
                ),
            };
        }
        match users.status() {
            Some(401 | 403 | 404) => {
                let mut p = self.problem(
                    "NOT_A_WORKSPACE_MEMBER",
                    "No access to this workspace",
                    format!(
                        "Power BI refused to show the workspace {shown}: {} not a member of it, or the ID is wrong.",
                        if self.app_only { "this app is" } else { "you are" }
                    ),
                    {
                        let mut steps = vec!["Check the workspace ID: open the workspace in Power BI and copy the ID after /groups/ in the address.".to_string()];
                        steps.extend(self.add_member_steps());
                        steps
                    },
                    None,
                )
                .on_page(Some(Page::Workspace), &ctx, None);
                let ev = users.evidence();
                p.http_status = ev.http_status;
                p.request_id = ev.request_id;
                self.fail("workspace", p, &[&users])
            }
            _ => self.failed_probe("workspace", &users),
        }
    }

    /// Two things at once (one after the other when measuring the sequential ladder).
    async fn both<A, B>(
        &self,
        a: impl std::future::Future<Output = A>,
        b: impl std::future::Future<Output = B>,
    ) -> (A, B) {
        if self.plan.sequential {
            let a = a.await;
            (a, b.await)
        } else {
            futures_util::join!(a, b)
        }
    }

    /// A read-only call in the workspace, made while the rungs below are still being checked
    /// (it only reads, and saves a round trip when they pass).
    async fn in_workspace(
        &self,
        id: &'static str,
        call: &Pending<Option<(Workspace, Arc<Probe>)>>,
    ) -> Result<(Workspace, Arc<Probe>), Item> {
        let (chosen, probe) = self.both(self.chosen(id), call.clone()).await;
        chosen?;
        probe.ok_or_else(|| self.skip(id, "Skipped: no workspace to check (see above)."))
    }

    async fn list_reports(&self) -> Item {
        match self.in_workspace("list-reports", &self.reports).await {
            Err(item) => item,
            Ok((ws, p)) if p.ok() => {
                let n = p.json()["value"].as_array().map_or(0, Vec::len);
                self.pass(
                    "list-reports",
                    format!("{n} report(s) in \"{}\".", ws.name.unwrap_or(ws.id)),
                    &[&p],
                )
            }
            Ok((_, p)) => self.failed_probe("list-reports", &p),
        }
    }

    async fn embed_token(&self) -> Item {
        let (ws, reports) = match self.in_workspace("embed-token", &self.reports).await {
            Err(item) => return item,
            Ok(x) => x,
        };
        if !reports.ok() {
            return self.skip(
                "embed-token",
                "Skipped: the reports could not be listed (see above).",
            );
        }
        let Some(report) = reports.json()["value"]
            .as_array()
            .and_then(|a| a.first())
            .and_then(|r| {
                Some((
                    r["id"].as_str()?.to_string(),
                    r["name"].as_str().unwrap_or_default().to_string(),
                ))
            })
        else {
            let p = self.problem(
                "NO_REPORT",
                "The workspace has no report to embed",
                "There is nothing to embed yet, so Keyway can't try an embed token.".into(),
                vec![
                    "Publish a report to this workspace from Power BI Desktop (File → Publish)."
                        .into(),
                    "Choose \"Check again\".".into(),
                ],
                Some(Page::Workspace),
            );
            return self.fail("embed-token", p, &[&reports]);
        };
        let p = self
            .api
            .powerbi(
                Method::POST,
                &format!(
                    "/v1.0/myorg/groups/{}/reports/{}/GenerateToken",
                    ws.id, report.0
                ),
                Some(json!({ "accessLevel": "View" })),
            )
            .await;
        if !p.ok() {
            return self.failed_probe("embed-token", &p);
        }
        let until = p.json()["expiration"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        self.pass(
            "embed-token",
            format!(
                "An embed token for \"{}\" was created (valid until {until}).",
                report.1
            ),
            &[&p],
        )
    }

    async fn list_datasets(&self) -> Item {
        match self.in_workspace("list-datasets", &self.datasets).await {
            Err(item) => item,
            Ok((ws, p)) if p.ok() => {
                let n = p.json()["value"].as_array().map_or(0, Vec::len);
                self.pass(
                    "list-datasets",
                    format!("{n} dataset(s) in \"{}\".", ws.name.unwrap_or(ws.id)),
                    &[&p],
                )
            }
            Ok((_, p)) => self.failed_probe("list-datasets", &p),
        }
    }

    fn not_opted_in(&self, id: &'static str, what: &str) -> Item {
        Item {
            optional: true,
            ..self.skip(
                id,
                format!("Not run: it would {what}. Allow changes to include it."),
            )
        }
    }

    async fn refresh(&self) -> Item {
        if !self.plan.allow_changes {
            return self.not_opted_in("refresh", "start a real refresh of a dataset");
        }
        let (ws, datasets) = match self.in_workspace("refresh", &self.datasets).await {
            Err(item) => return item,
            Ok(x) => x,
        };
        if !datasets.ok() {
            return self.skip(
                "refresh",
                "Skipped: the datasets could not be listed (see above).",
            );
        }
        let Some((id, name)) = datasets.json()["value"].as_array().and_then(|a| {
            a.iter()
                .find(|d| d["isRefreshable"].as_bool().unwrap_or(false))
                .and_then(|d| {
                    Some((
                        d["id"].as_str()?.to_string(),
                        d["name"].as_str().unwrap_or_default().to_string(),
                    ))
                })
        }) else {
            return self.skip(
                "refresh",
                "Skipped: the workspace has no dataset that can be refreshed.",
            );
        };
        let p = self
            .api
            .powerbi(
                Method::POST,
                &format!("/v1.0/myorg/groups/{}/datasets/{id}/refreshes", ws.id),
                Some(json!({ "notifyOption": "NoNotification" })),
            )
            .await;
        if !p.ok() {
            return self.failed_probe("refresh", &p);
        }
        self.pass(
            "refresh",
            format!("A refresh of \"{name}\" was started."),
            &[&p],
        )
    }

    async fn push_dataset(&self) -> Item {
        if !self.plan.allow_changes {
            return self.not_opted_in(
                "push-dataset",
                "create a small test dataset and delete it again",
            );
        }
        let ws = match self.chosen("push-dataset").await {
            Ok(w) => w,
            Err(item) => return item,
        };
        let name = "Keyway check (safe to delete)";
        let created = self
            .api
            .powerbi(
                Method::POST,
                &format!("/v1.0/myorg/groups/{}/datasets?defaultRetentionPolicy=None", ws.id),
                Some(json!({
                    "name": name, "defaultMode": "Push",
                    "tables": [{ "name": "Check", "columns": [{ "name": "At", "dataType": "DateTime" }] }],
                })),
            )
            .await;
        if !created.ok() {
            return self.failed_probe("push-dataset", &created);
        }
        let Some(id) = created.json()["id"].as_str().map(str::to_string) else {
            return self.pass("push-dataset", "A push dataset was created (Power BI did not return its ID, so remove it by hand).", &[&created]);
        };
        let removed = self
            .api
            .powerbi(
                Method::DELETE,
                &format!("/v1.0/myorg/groups/{}/datasets/{id}", ws.id),
                None,
            )
            .await;
        let summary = if removed.ok() {
            "A test push dataset was created and deleted again.".to_string()
        } else {
            format!("A push dataset was created, but Keyway could not delete it: remove \"{name}\" from the workspace by hand.")
        };
        self.pass("push-dataset", summary, &[&created, &removed])
    }

    async fn admin_workspaces(&self) -> Item {
        let p = self.admin_groups.clone().await;
        if let Some(why) = self.blocked().await {
            return self.skip("admin-workspaces", why);
        }
        if p.ok() {
            let n = p.json()["value"].as_array().map_or(0, Vec::len);
            return self.pass(
                "admin-workspaces",
                format!("The admin API answered ({n} workspace(s) in the first page)."),
                &[&p],
            );
        }
        if !self.app_only && p.status() == Some(401) {
            let prob = self.problem(
                "NOT_FABRIC_ADMIN",
                "You are not a Fabric administrator",
                "The admin APIs answer only Fabric (Power BI) administrators, and Power BI refused this account.".into(),
                vec![
                    "Ask a Global or Fabric administrator to give your account the Fabric Administrator role.".into(),
                    "Or use an app (service principal) that the admin API setting allows.".into(),
                    "Sign in again and choose \"Check again\".".into(),
                ],
                Some(Page::TenantSettings),
            );
            return self.fail("admin-workspaces", prob, &[&p]);
        }
        self.failed_probe("admin-workspaces", &p)
    }

    async fn scan(&self) -> Result<(Arc<Probe>, Vec<Arc<Probe>>, Option<Arc<Probe>>), Item> {
        self.scan
            .clone()
            .await
            .map_err(|why| self.skip("scanner", why))
    }

    async fn scanner(&self) -> Item {
        if let Some(why) = self.blocked().await {
            return self.skip("scanner", why);
        }
        let (start, polls, result) = match self.scan().await {
            Ok(x) => x,
            Err(item) => return item,
        };
        if !start.ok() {
            return self.failed_probe("scanner", &start);
        }
        let last = polls.last().cloned();
        if let Some(bad) = polls.iter().find(|p| !p.ok()) {
            return self.failed_probe("scanner", bad);
        }
        let mut evidence: Vec<&Probe> = vec![&start];
        if let Some(l) = last.as_deref() {
            evidence.push(l);
        }
        match result {
            Some(r) if r.ok() => {
                evidence.push(&r);
                self.pass(
                    "scanner",
                    format!(
                        "A scan finished after {} status check(s), and its result was read.",
                        polls.len()
                    ),
                    &evidence,
                )
            }
            Some(r) => self.failed_probe("scanner", &r),
            None => {
                let p = self.problem(
                    "SCAN_NOT_FINISHED",
                    "The scan did not finish in time",
                    format!(
                        "The scan was accepted but was still running after {} status checks.",
                        polls.len()
                    ),
                    vec!["Power BI may be busy: choose \"Check again\" in a few minutes.".into()],
                    None,
                );
                self.fail("scanner", p, &evidence)
            }
        }
    }

    /// An admin API setting; expressions are advice (optional), detailed metadata is needed.
    async fn admin_setting(&self, expressions: bool) -> Item {
        Item {
            optional: expressions,
            ..self.admin_setting_found(expressions).await
        }
    }

    async fn admin_setting_found(&self, expressions: bool) -> Item {
        let id = if expressions {
            "expressions"
        } else {
            "detailed-metadata"
        };
        let (names, title, setting_title) = if expressions {
            (
                ["AdminApisIncludeExpressions"],
                "enhance admin apis responses with dax and mashup expressions",
                "Enhance admin APIs responses with DAX and mashup expressions",
            )
        } else {
            (
                ["AdminApisIncludeDetailedMetadata"],
                "enhance admin apis responses with detailed metadata",
                "Enhance admin APIs responses with detailed metadata",
            )
        };
        let settings = self.settings.clone().await;
        let from_settings = settings
            .as_ref()
            .filter(|s| s.ok())
            .and_then(|s| find_setting(&s.json(), &names, &[title]));
        let off = |evidence: &[&Probe]| {
            let p = self.problem(
                if expressions {
                    "EXPRESSIONS_OFF"
                } else {
                    "DETAILED_METADATA_OFF"
                },
                if expressions {
                    "Scans leave out DAX and mashup expressions"
                } else {
                    "Scans leave out tables and columns"
                },
                format!(
                    "The Power BI setting \"{setting_title}\" is off, so scan results {}.",
                    if expressions {
                        "have no DAX or Power Query expressions"
                    } else {
                        "list datasets without their tables, columns and lineage details"
                    }
                ),
                vec![
                    "Ask a Power BI (Fabric) administrator to open Power BI tenant settings."
                        .into(),
                    format!("Under \"Admin API settings\", turn on \"{setting_title}\"."),
                    "Choose \"Check again\" after about 15 minutes.".into(),
                ],
                Some(Page::TenantSettings),
            );
            self.fail(id, p, evidence)
        };
        if let (Some(s), Some(probe)) = (from_settings, settings.as_deref()) {
            return if s.enabled {
                self.pass(id, format!("\"{setting_title}\" is on."), &[probe])
            } else {
                off(&[probe])
            };
        }
        // Without the settings, the scan result itself shows it.
        let Ok((_, _, Some(result))) = self.scan.clone().await else {
            return self.skip(
                id,
                "Skipped: neither the tenant settings nor a scan result could be read (see above).",
            );
        };
        if !result.ok() {
            return self.skip(
                id,
                "Skipped: the scan result could not be read (see above).",
            );
        }
        let datasets: Vec<Value> = result.json()["workspaces"]
            .as_array()
            .map(|w| {
                w.iter()
                    .flat_map(|w| w["datasets"].as_array().cloned().unwrap_or_default())
                    .collect()
            })
            .unwrap_or_default();
        if datasets.is_empty() {
            return self.skip(
                id,
                "Skipped: the scanned workspace has no dataset to tell from.",
            );
        }
        let key = if expressions { "expressions" } else { "tables" };
        if datasets.iter().any(|d| d.get(key).is_some()) {
            self.pass(id, format!("The scan result includes {key}."), &[&result])
        } else {
            off(&[&result])
        }
    }
}

/// What shows the switch: the tenant settings (when they were read), then the call it let in or not.
fn switch_evidence<'a>(gate: &'a Probe, settings: Option<&'a Probe>) -> Vec<&'a Probe> {
    settings.into_iter().chain([gate]).collect()
}

fn names(groups: &[(String, String)]) -> String {
    groups
        .iter()
        .map(|(id, name)| {
            if name.is_empty() {
                id.clone()
            } else {
                format!("\"{name}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn rank(role: &str) -> u8 {
    match role.to_ascii_lowercase().as_str() {
        "admin" => 4,
        "member" => 3,
        "contributor" => 2,
        "viewer" => 1,
        _ => 0,
    }
}
