//! The embed goal's check ladder with 100 ms added to every answer: Keyway's parallel ladder
//! against the same probes run one after another. Prints medians, the critical path (the longest
//! chain of calls that must wait for each other: list reports, then create an embed token) and
//! the ratio of the parallel ladder to it (target <= 1.2).
//!
//!   cargo bench --bench ladder

use keyway::auth::SignIn;
use keyway::diagnose::Context;
use keyway::powerbi::ladder::{self, Plan};
use keyway::powerbi::Api;
use keyway::secret::ClientSecret;
use keyway::validate::TenantUse;
use keyway::Goal;
use std::time::Instant;

const RUNS: usize = 7;
const LATENCY_MS: f64 = 100.0;
const TENANT: &str = "contoso.onmicrosoft.com";
const CLIENT: &str = "11111111-1111-4111-8111-111111111111";
const SECRET: &str = "Emb8Q~current.secret-value_0123456789abcdef";
const SALES: &str = "f0f0f0f0-1111-4111-8111-000000000001";
/// Calls on the longest chain: the report list, then the embed token for a report in it.
const CRITICAL_CALLS: f64 = 2.0;

mod support;
use support::median;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (cloud, custom) = support::emulator().await?;
    let http = keyway::http::client(Some(cloud.ca_pem.as_bytes()))?;
    let token = SignIn::new(&http, &custom, TENANT, CLIENT, TenantUse::App)?
        .client_secret(&ClientSecret::new(SECRET))
        .await?;
    support::set_latency(&cloud, LATENCY_MS as u64).await?;

    let mut timings = [vec![], vec![]];
    let mut calls = 0;
    for _ in 0..RUNS {
        for (i, sequential) in [false, true].into_iter().enumerate() {
            let mut plan = Plan::new(Goal::Embed);
            plan.workspace = Some(SALES.into());
            plan.sequential = sequential;
            let api = Api::new(&http, &custom, token.access_token.clone());
            let ctx = Context::new(&custom, TENANT, CLIENT);
            let start = Instant::now();
            let outcome = ladder::run(api, ctx, plan, token.claims.clone(), &|_| {}).await;
            timings[i].push(start.elapsed().as_secs_f64() * 1000.0);
            if !outcome.ok {
                return Err(
                    format!("the ladder did not pass: {:?}", outcome.first_problem()).into(),
                );
            }
            calls = outcome
                .items
                .iter()
                .map(|i| i.evidence.len())
                .sum::<usize>();
        }
    }
    let [parallel, sequential] = timings.map(median);
    let critical = CRITICAL_CALLS * LATENCY_MS;
    println!(
        "embed ladder, {LATENCY_MS} ms per answer, median of {RUNS} runs ({calls} pieces of \
         evidence per run)"
    );
    println!("  parallel (Keyway):     {parallel:7.1} ms");
    println!("  one after another:     {sequential:7.1} ms");
    println!("  critical path:         {critical:7.1} ms");
    println!(
        "  parallel / critical:   {:.2} (target <= 1.20)",
        parallel / critical
    );
    println!("  sequential / parallel: {:.2}x", sequential / parallel);
    Ok(())
}
