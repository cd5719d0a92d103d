//! The benchmark's database: the demo dataset with its insatser copied to a
//! given total (each copy with three yearly budgets, every other with a
//! goal, each shared with two förbund — 429 insatser give 1 295 budgets,
//! 218 goals and 858 shares), written through the API itself by a server
//! in this process, which then stops, leaving the file (or PostgreSQL
//! database) for the servers under test.

use std::time::Duration;

use finsam_api::auth::Role;
use finsam_api::{Application, Settings};
use serde_json::{Value, json};

const FORBUND: [&str; 3] = ["varend", "vasteras", "sodra-dalarna"];

async fn batch(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    requests: Vec<Value>,
) -> anyhow::Result<Vec<Value>> {
    let mut answers = Vec::new();
    for chunk in requests.chunks(100) {
        let got: Vec<Value> = client
            .post(format!("{base}/graphql"))
            .bearer_auth(token)
            .json(&chunk)
            .send()
            .await?
            .json()
            .await?;
        anyhow::ensure!(
            got.iter().all(|a| a.get("errors").is_none()),
            "setup failed: {:?}",
            got.iter().find(|a| a.get("errors").is_some())
        );
        answers.extend(got);
    }
    Ok(answers)
}

/// Fills the database at `url` (migrated and seeded first) so it holds
/// `total` insatser; returns the ids of the generated ones.
pub async fn prepare(url: &str, total: usize) -> anyhow::Result<Vec<String>> {
    let mut settings = Settings::load(None)?;
    settings.server.port = 0;
    settings.database.url = url.to_string();
    settings.database.seed_on_empty = true;
    settings.rate_limit.enabled = false;
    settings.log.filter = "warn".into();
    settings.metrics.listen = None;
    let app = Application::build(settings.clone()).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    let server = tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let token = finsam_api::auth::jwt::mint_dev_token(
        &settings.auth,
        "bench",
        None,
        &[Role::NetworkAdmin],
        Duration::from_secs(3600),
    )?;
    let existing: Value = client
        .post(format!("{base}/graphql"))
        .bearer_auth(&token)
        .json(&json!({ "query": "{ insatser(first: 0) { totalCount } }" }))
        .send()
        .await?
        .json()
        .await?;
    let have = existing["data"]["insatser"]["totalCount"]
        .as_u64()
        .unwrap_or(0) as usize;
    let create = r#"mutation($input: CreateInsatsInput!) { createInsats(input: $input) { id } }"#;
    let creates: Vec<Value> = (have..total)
        .map(|i| {
            json!({ "query": create, "variables": { "input": {
                // Numbered from 0 whatever the database held before (the
                // national network too), so a search finds the same rows.
                "forbund": FORBUND[i % 3], "name": format!("Benchmark insats {:05}", i - have),
                "description": "Generated for the benchmark", "targetGroup": "unga vuxna",
                "ageMin": 18, "ageMax": 29, "visibility": "NETWORK", "status": "ACTIVE"
            } } })
        })
        .collect();
    let ids: Vec<String> = batch(&client, &base, &token, creates)
        .await?
        .iter()
        .filter_map(|a| a["data"]["createInsats"]["id"].as_str().map(str::to_string))
        .collect();
    // Version 1 after create: three budgets (2, 3, 4), a goal on every
    // other (5), then the shares.
    let mut details = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        for (k, year) in [2024, 2025, 2026].iter().enumerate() {
            details.push(json!({ "query": "mutation($id: ID!, $v: Int!, $y: Int!, $b: Int!) { setInsatsBudget(id: $id, version: $v, year: $y, budgetSek: $b, spentSek: 1000) { id } }",
                "variables": { "id": id, "v": 1 + k, "y": year, "b": 100_000 + 1_000 * ((n * 7 + k) % 97) } }));
        }
        let mut version = 4;
        if n % 2 == 0 {
            details.push(json!({ "query": "mutation($id: ID!, $v: Int!) { addInsatsGoal(id: $id, version: $v, description: \"Deltagare närmare arbete\", targetPercent: 60) { id } }",
                "variables": { "id": id, "v": version } }));
            version += 1;
        }
        let with = [FORBUND[(n + 1) % 3], FORBUND[(n + 2) % 3]];
        details.push(json!({ "query": "mutation($id: ID!, $v: Int!, $with: [String!]!) { shareInsats(id: $id, version: $v, visibility: NETWORK, with: $with) { id } }",
            "variables": { "id": id, "v": version, "with": with } }));
    }
    batch(&client, &base, &token, details).await?;
    handle.stop(true).await;
    server.await??;
    Ok(ids)
}
