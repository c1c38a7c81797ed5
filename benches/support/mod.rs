//! What the benches share: fakecloud pointed at by a custom cloud, with latency added, and the
//! median of a run.

use keyway::cloud::{Cloud, CustomEndpoints};

/// The median of some timings.
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// fakecloud (Contoso) and a custom cloud whose every address is it.
pub async fn emulator() -> Result<(fakecloud::Running, Cloud), Box<dyn std::error::Error>> {
    let cloud = fakecloud::start(
        fakecloud::Scenario::contoso(),
        fakecloud::Options::default(),
    )
    .await?;
    let custom = Cloud::custom(CustomEndpoints {
        authority_host: cloud.https_url.clone(),
        powerbi_api: cloud.https_url.clone(),
        fabric_api: Some(format!("{}/v1", cloud.https_url)),
        ..Default::default()
    })?;
    Ok((cloud, custom))
}

/// Adds `ms` to every answer fakecloud gives from now on.
pub async fn set_latency(cloud: &fakecloud::Running, ms: u64) -> Result<(), reqwest::Error> {
    reqwest::Client::new()
        .post(format!("{}/_fakecloud/latency", cloud.http_url))
        .json(&serde_json::json!({ "ms": ms }))
        .send()
        .await?;
    Ok(())
}
