//! Running the ladder: every call starts as soon as what it needs is known, and each item is
//! reported the moment its own evidence is in. Also the ladder for a failed sign-in, and the
//! helpers every rung uses to build its item.

use super::plan::title;
use super::{items_for, rungs, Event, Item, Outcome, Plan, Status};
use crate::auth::token::Claims;
use crate::diagnose::{Context, Explanation, Page};
use crate::goal::Goal;
use crate::powerbi::{Api, ApiPath, Probe};
use crate::retry::Waiting;
use futures_util::future::{BoxFuture, FutureExt, Shared};
use futures_util::stream::{FuturesUnordered, StreamExt};
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::Arc;

pub(super) type Pending<T> = Shared<BoxFuture<'static, T>>;

#[derive(Debug, Clone)]
pub(super) struct Workspace {
    pub(super) id: String,
    pub(super) name: Option<String>,
}

#[derive(Debug, Clone)]
pub(super) enum NoWorkspace {
    /// Listing workspaces failed: that item says why.
    ListFailed,
    /// The caller sees no workspace.
    NoneVisible,
    /// Several, and none was chosen.
    Several(Vec<(String, String)>),
}

/// What every rung shares: the caller, the plan, and the calls, each started once so that all
/// the rungs that need one await the same answer.
pub(super) struct Run {
    pub(super) api: Api,
    pub(super) ctx: Context,
    pub(super) plan: Plan,
    pub(super) claims: Claims,
    pub(super) app_only: bool,
    pub(super) settings: Pending<Option<Arc<Probe>>>,
    /// The call that shows whether the tenant switch lets the app in.
    pub(super) gate: Pending<Arc<Probe>>,
    pub(super) groups: Pending<Arc<Probe>>,
    pub(super) admin_groups: Pending<Arc<Probe>>,
    pub(super) workspace: Pending<Result<Workspace, NoWorkspace>>,
    pub(super) users: Pending<Option<(Workspace, Arc<Probe>)>>,
    pub(super) reports: Pending<Option<(Workspace, Arc<Probe>)>>,
    pub(super) datasets: Pending<Option<(Workspace, Arc<Probe>)>>,
    pub(super) scan: Pending<Result<ScanProbes, &'static str>>,
}

/// The scan's start, its status polls, and its result (when it finished).
pub(super) type ScanProbes = (Arc<Probe>, Vec<Arc<Probe>>, Option<Arc<Probe>>);

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
                ApiPath::new("/v1.0/myorg/groups").id(&ws.id).then(what),
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
) -> Pending<Result<ScanProbes, &'static str>> {
    let (api, admin_groups, chosen) = (api.clone(), admin_groups.clone(), plan.workspace.clone());
    let (interval, tries) = (plan.scan_poll, plan.scan_polls.max(1));
    async move {
        let target = match chosen {
            Some(w) => w,
            None => {
                let groups = admin_groups.await;
                if !groups.ok() {
                    return Err("Skipped: the admin API did not answer (see above).");
                }
                groups.json()["value"]
                    .as_array()
                    .and_then(|a| a.first())
                    .and_then(|w| w["id"].as_str().map(str::to_string))
                    .ok_or("Skipped: the organisation has no workspace to scan.")?
            }
        };
        let start = Arc::new(
            api.powerbi(
                Method::POST,
                concat!(
                    "/v1.0/myorg/admin/workspaces/getInfo",
                    "?lineage=True&datasourceDetails=True",
                    "&datasetSchema=True&datasetExpressions=True",
                ),
                Some(json!({ "workspaces": [target] })),
            )
            .await,
        );
        let Some(id) = start.json()["id"]
            .as_str()
            .map(str::to_string)
            .filter(|_| start.ok())
        else {
            return Ok((start, vec![], None));
        };
        let mut polls = vec![];
        for _ in 0..tries {
            tokio::time::sleep(interval).await;
            let p = Arc::new(
                api.powerbi(
                    Method::GET,
                    ApiPath::new("/v1.0/myorg/admin/workspaces/scanStatus").id(&id),
                    None,
                )
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
                    .powerbi(
                        Method::GET,
                        ApiPath::new("/v1.0/myorg/admin/workspaces/scanResult").id(&id),
                        None,
                    )
                    .await;
                return Ok((start, polls, Some(Arc::new(r))));
            }
        }
        Ok((start, polls, None))
    }
    .boxed()
    .shared()
}

fn probe(
    api: &Api,
    method: Method,
    path: &'static str,
    body: Option<Value>,
) -> Pending<Arc<Probe>> {
    let api = api.clone();
    async move { Arc::new(api.powerbi(method, path, body).await) }
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
    // Calls run in shared futures that outlive any borrow of `on`, so their waits come back
    // through a channel and are passed on here, between items.
    let (waits, mut waiting) = tokio::sync::mpsc::unbounded_channel::<Waiting>();
    let api = api.on_wait(Arc::new(move |w| drop(waits.send(w))));
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
    let groups = probe(&api, Method::GET, "/v1.0/myorg/groups", None);
    let admin_groups = probe(&api, Method::GET, "/v1.0/myorg/admin/groups?$top=100", None);
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
    let users = in_workspace_probe(&api, &workspace, "/users");
    let reports = in_workspace_probe(&api, &workspace, "/reports");
    let datasets = in_workspace_probe(&api, &workspace, "/datasets");
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
        futures.push(rungs::start(run.clone(), p.id));
    }
    let mut items = Vec::with_capacity(order.len());
    if plan.sequential {
        // Each in ladder order, to completion, before the next starts.
        for (p, f) in order.iter().zip(futures) {
            let item = passing_on_waits(f, &mut waiting, on).await;
            debug_assert_eq!(item.id, p.id);
            on(Event::Finished {
                item: Box::new(item.clone()),
            });
            items.push(item);
        }
        return Outcome::new(plan.goal, plan.workspace.clone(), items, &order);
    }
    let mut pending: FuturesUnordered<BoxFuture<'static, Item>> = futures.into_iter().collect();
    loop {
        let item = tokio::select! {
            next = pending.next() => match next {
                Some(item) => item,
                None => break,
            },
            Some(w) = waiting.recv() => {
                on(waiting_event(w));
                continue;
            }
        };
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

fn waiting_event(w: Waiting) -> Event {
    Event::Waiting {
        seconds: w.seconds,
        what: w.what,
    }
}

/// Awaits one item, passing on the waits announced meanwhile.
async fn passing_on_waits(
    item: BoxFuture<'static, Item>,
    waiting: &mut tokio::sync::mpsc::UnboundedReceiver<Waiting>,
    on: &(dyn Fn(Event) + Send + Sync),
) -> Item {
    let mut item = item;
    loop {
        tokio::select! {
            done = &mut item => return done,
            Some(w) = waiting.recv() => on(waiting_event(w)),
        }
    }
}

/// The ladder when signing in itself failed: the first rung explains, the rest wait for it.
pub fn sign_in_failed(problem: Explanation, plan: &Plan, app_only: bool) -> Outcome {
    let order = items_for(plan, app_only);
    let mut problem = Some(problem);
    let items = order
        .iter()
        .map(|p| {
            if let Some(problem) = problem.take_if(|_| p.id == "token") {
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

    pub(super) fn pass(
        &self,
        id: &'static str,
        summary: impl Into<String>,
        evidence: &[&Probe],
    ) -> Item {
        Item {
            // Summaries name workspaces, reports and datasets as the service sent them.
            summary: crate::text::clean_text(&summary.into()),
            evidence: evidence.iter().map(|p| p.evidence()).collect(),
            ..self.item(id)
        }
    }

    pub(super) fn skip(&self, id: &'static str, why: impl Into<String>) -> Item {
        Item {
            status: Status::Skipped,
            summary: crate::text::clean_text(&why.into()),
            ..self.item(id)
        }
    }

    /// The call worked but saw nothing: not a success, and not a failure of the goal either
    /// (yellow): the problem says which role or setting is usually missing.
    pub(super) fn saw_nothing(
        &self,
        id: &'static str,
        problem: Explanation,
        evidence: &[&Probe],
    ) -> Item {
        Item {
            optional: true,
            ..self.fail(id, problem, evidence)
        }
    }

    pub(super) fn fail(&self, id: &'static str, problem: Explanation, evidence: &[&Probe]) -> Item {
        Item {
            status: Status::Fail,
            summary: problem.title.clone(),
            evidence: evidence.iter().map(|p| p.evidence()).collect(),
            problem: Some(problem),
            ..self.item(id)
        }
    }

    /// A failed probe, explained from the catalogue.
    pub(super) fn failed_probe(&self, id: &'static str, p: &Probe) -> Item {
        self.fail(id, p.explain(&self.ctx), &[p])
    }

    /// A ladder-specific explanation.
    pub(super) fn problem(
        &self,
        code: &str,
        title: &str,
        cause: String,
        fix: Vec<String>,
        page: Option<Page>,
    ) -> Explanation {
        Explanation::new(code, title, cause, fix).on_page(page, &self.ctx, None)
    }

    /// Two things at once (one after the other when measuring the sequential ladder).
    pub(super) async fn both<A, B>(
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
}
