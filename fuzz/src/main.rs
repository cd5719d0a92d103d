//! Fuzzes the whole request pipeline for a bounded time: the real server
//! (HTTP, body and header handling, authentication, parsing, validation,
//! limits, execution) on an in-memory SQLite database with the demo dataset,
//! fed documents generated from its own schema, mutated corpus documents,
//! documents nested at every depth and bodies and headers it must refuse.
//!
//! It fails (exit 1) on a panic on any server thread, an answer that is not
//! JSON or is a 5xx, an error without `extensions.code` or with `INTERNAL`,
//! or a server that stops answering. Before each request the input is
//! written to `target/fuzz/last-input`, so an abort, which ends the process
//! itself, leaves behind what caused it.
//!
//! `cargo run -p finsam-fuzz -- --seconds 60`

mod corpus;
mod generate;
mod ring;
mod schema_model;
mod socket;

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use clap::Parser;
use finsam_api::auth::Role;
use finsam_api::{Application, Settings};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use generate::{Generator, Input};

/// The signed-in callers the fuzzer sends as, beside anonymous and a
/// garbage token.
pub const PRINCIPALS: [(&[Role], Option<&str>); 7] = [
    (&[Role::Member], Some("varend")),
    (&[Role::Editor], Some("varend")),
    (&[Role::Admin], Some("vasteras")),
    (&[Role::Dso], Some("vasteras")),
    (&[Role::Analyst], None),
    (&[Role::NetworkAdmin], None),
    (&[Role::Editor, Role::Admin], Some("sodra-dalarna")),
];

/// The codes DESIGN.md lists; anything else is an answer without a code.
const CODES: [&str; 10] = [
    "BAD_USER_INPUT",
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "CONFLICT",
    "DSO_RING_INVALID",
    "QUERY_TOO_COMPLEX",
    "PERSISTED_QUERY_NOT_FOUND",
    "RATE_LIMITED",
    "SERVICE_UNAVAILABLE",
];

#[derive(Parser)]
struct Args {
    /// How long to run.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// The random seed (printed at the start, so a run can be repeated).
    #[arg(long)]
    seed: Option<u64>,
    /// Where the last input and any failing input are written.
    #[arg(long, default_value = "target/fuzz")]
    out: PathBuf,
}

/// Panics on the server's threads, recorded by the panic hook.
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let seed = args.seed.unwrap_or_else(|| rand::thread_rng().r#gen());
    std::fs::create_dir_all(&args.out)?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Ok(mut panics) = PANICS.lock() {
            panics.push(info.to_string());
        }
        previous(info);
    }));

    let mut settings = Settings::load(None)?;
    settings.server.port = 0;
    // Its own listener is not what is fuzzed (and a fixed port could clash).
    settings.metrics.listen = None;
    settings.server.request_timeout_secs = 10;
    // One in-memory database shared by the pool (sqlx names it per pool).
    settings.database.url = "sqlite::memory:".into();
    settings.database.max_connections = 4;
    settings.database.seed_on_empty = true;
    settings.log.filter = "error".into();
    // One client asking as fast as it can is the point here, not a fault.
    settings.rate_limit.enabled = false;
    // Nor is one client's many abandoned streams (an SSE client that goes
    // away is noticed at the next comment line).
    settings.live.max_connections_per_client = 10_000;
    let app = Application::build(settings.clone()).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let app_metrics = app.state().metrics.clone();
    tokio::spawn(app.run_until_stopped());

    let mut tokens: Vec<String> = PRINCIPALS
        .iter()
        .map(|(roles, forbund)| {
            finsam_api::auth::jwt::mint_dev_token(
                &settings.auth,
                "fuzz",
                *forbund,
                roles,
                Duration::from_secs(24 * 3600),
            )
        })
        .collect::<anyhow::Result<_>>()?;
    tokens.push("eyJhbGciOiJub25lIn0.e30.".into());
    let mint = |roles: &[Role], forbund: Option<&str>| {
        finsam_api::auth::jwt::mint_dev_token(
            &settings.auth,
            "fuzz-ring",
            forbund,
            roles,
            Duration::from_secs(24 * 3600),
        )
    };
    let ring_tokens = ring::RingTokens {
        admin: ring::FORBUND
            .iter()
            .map(|f| mint(&[Role::Admin], Some(f)))
            .collect::<anyhow::Result<_>>()?,
        dso: ring::FORBUND
            .iter()
            .map(|f| mint(&[Role::Dso], Some(f)))
            .collect::<anyhow::Result<_>>()?,
        network: mint(&[Role::NetworkAdmin], None)?,
    };
    let mut ring_rng = StdRng::seed_from_u64(seed ^ 0x5eed);
    let mut ring_steps = 0u64;

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let sdl = client
        .get(format!("{base}/schema.graphql"))
        .send()
        .await?
        .text()
        .await?;
    let model = schema_model::Model::from_sdl(&sdl)?;
    let mut generator = Generator {
        model: &model,
        rng: StdRng::seed_from_u64(seed),
        observed: Vec::new(),
    };
    let mut corpus = corpus::seeds();
    println!(
        "fuzzing the request pipeline for {} s (seed {seed}, {} corpus documents)",
        args.seconds,
        corpus.len()
    );

    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let mut stats = Stats::default();
    while Instant::now() < deadline {
        let input = next_input(&mut generator, &corpus);
        std::fs::write(args.out.join("last-input"), describe(&input))?;
        let outcome = send(&client, &base, &tokens, &input).await;
        stats.count(&outcome);
        if let Err(failure) = check(&input, &outcome) {
            return fail(&args.out, &input, &failure, seed);
        }
        if let Ok((_, body)) = &outcome {
            generator.observe(&body["data"]);
        }
        // Documents the server answered without errors join the corpus, so
        // mutations start from valid deep documents more often.
        if let Ok((_, body)) = &outcome
            && body.get("errors").is_none()
            && corpus.len() < 5_000
            && let Ok(request) = serde_json::from_slice::<Value>(&input.body)
            && let Some(query) = request["query"].as_str()
        {
            corpus.push(query.to_string());
        }
        // Now and then a request with a made-up method: refused, and no new
        // metric series for it (labels come from closed sets).
        if stats.documents % 25 == 0
            && let Err(failure) = made_up_method(&client, &base, &mut generator, &app_metrics).await
        {
            return fail(&args.out, &input, &failure, seed);
        }
        // Now and then a WebSocket session and an SSE stream.
        if stats.documents % 10 == 0 {
            match socket::session(&mut generator, &tokens, &base, &CODES).await {
                Ok(_) => stats.sockets += 1,
                Err(failure) => {
                    return fail(&args.out, &input, &format!("websocket: {failure}"), seed);
                }
            }
            if let Err(failure) =
                socket::stream(&mut generator, &tokens, &client, &base, &CODES).await
            {
                return fail(&args.out, &input, &format!("sse: {failure}"), seed);
            }
            if let Ok(panics) = PANICS.lock()
                && !panics.is_empty()
            {
                return fail(
                    &args.out,
                    &input,
                    &format!("the server panicked: {panics:?}"),
                    seed,
                );
            }
        }
        // Now and then a change to the DSO-ring, and the consent rules' checks.
        if stats.documents % 40 == 0 {
            // The server's today: its zone's calendar, not UTC's.
            let today = finsam_api::service::Clock::System(settings.server.time_zone).today();
            if let Err(failure) =
                ring::step(&client, &base, &ring_tokens, &mut ring_rng, today).await
            {
                return fail(&args.out, &input, &format!("ring: {failure}"), seed);
            }
            ring_steps += 1;
        }
        if stats.documents % 500 == 0 {
            let probe = Input::query("{ forbund(slug: \"varend\") { slug } }", json!({}), None);
            let answer = send(&client, &base, &tokens, &probe).await;
            let alive =
                matches!(&answer, Ok((200, body)) if body["data"]["forbund"]["slug"] == "varend");
            if !alive {
                return fail(
                    &args.out,
                    &input,
                    &format!("the server stopped answering: {answer:?}"),
                    seed,
                );
            }
        }
    }
    println!(
        "fuzzed {} documents in {} s: {} answered with data, {} refused with a code, {} refused by HTTP; {} WebSocket sessions and as many SSE streams; no panic, no abort, no error without a code; {ring_steps} changes to the DSO-ring, each keeping the ring one cycle and changing no förbund's DSO without its consent",
        stats.documents, args.seconds, stats.data, stats.coded, stats.http_refusals, stats.sockets
    );
    Ok(())
}

/// A request with a method nobody defined: a client error, never a crash,
/// and the method never becomes a metric label.
async fn made_up_method(
    client: &reqwest::Client,
    base: &str,
    generator: &mut Generator<'_>,
    metrics: &finsam_api::metrics::Metrics,
) -> Result<(), String> {
    let length = generator.rng.gen_range(1..200);
    let name: String = (0..length)
        .map(|_| char::from(generator.rng.gen_range(b'A'..=b'Z')))
        .collect();
    let method =
        reqwest::Method::from_bytes(name.as_bytes()).map_err(|e| format!("a method token: {e}"))?;
    let response = client
        .request(method, format!("{base}/graphql"))
        .body("{}")
        .send()
        .await
        .map_err(|e| format!("made-up method {name}: no answer: {e}"))?;
    if !response.status().is_client_error() {
        return Err(format!("made-up method {name}: {}", response.status()));
    }
    let text = metrics.render();
    if text.contains(&format!("method=\"{name}\"")) {
        return Err(format!("made-up method {name} became a metric label"));
    }
    Ok(())
}

#[derive(Default)]
struct Stats {
    documents: u64,
    data: u64,
    coded: u64,
    http_refusals: u64,
    sockets: u64,
}

impl Stats {
    fn count(&mut self, outcome: &Result<(u16, Value), String>) {
        self.documents += 1;
        match outcome {
            Ok((status, body)) if *status < 300 && body.get("errors").is_none() => self.data += 1,
            Ok((status, _)) if [405, 406, 413, 415].contains(status) => self.http_refusals += 1,
            _ => self.coded += 1,
        }
    }
}

fn next_input(generator: &mut Generator<'_>, corpus: &[String]) -> Input {
    let roll = generator.rng.gen_range(0..100);
    let principal = generator.principal();
    match roll {
        0..40 => {
            let query = generator.document();
            Input::query(&query, json!({}), principal)
        }
        40..65 => {
            let seed = &corpus[generator.rng.gen_range(0..corpus.len())];
            let query = generator.mutate(seed);
            Input::query(&query, json!({}), principal)
        }
        65..75 => {
            let query = generator.deep();
            Input::query(&query, json!({}), principal)
        }
        75..85 => {
            let query = generator.document();
            let variables = generator.variables();
            let mut input = Input::query(&query, variables, principal);
            if let Ok(mut body) = serde_json::from_slice::<Value>(&input.body) {
                body["query"] = json!(format!(
                    "query($a: [[Int]], $s: String, $id: ID, $first: Int) {}",
                    query.trim_start_matches("mutation ")
                ));
                input = Input::json(&body, principal);
            }
            input
        }
        85..92 => {
            let query = corpus[generator.rng.gen_range(0..corpus.len())].clone();
            generator.raw(&query)
        }
        92..96 => {
            // Over GET, sometimes as a persisted query by hash only.
            let query = if generator.rng.gen_bool(0.5) {
                generator.document()
            } else {
                let seed = &corpus[generator.rng.gen_range(0..corpus.len())];
                generator.mutate(seed)
            };
            let hash = json!({ "persistedQuery": { "version": 1, "sha256Hash": format!("{:064x}", generator.rng.r#gen::<u128>()) } });
            let extensions = generator.rng.gen_bool(0.2).then_some(&hash);
            Input::as_get(&query, &json!({}), extensions, principal)
        }
        _ => {
            let query = corpus[generator.rng.gen_range(0..corpus.len())].clone();
            Input::query(&query, json!({}), principal)
        }
    }
}

async fn send(
    client: &reqwest::Client,
    base: &str,
    tokens: &[String],
    input: &Input,
) -> Result<(u16, Value), String> {
    let mut request = match &input.get {
        Some(query_string) => client.get(format!("{base}/graphql?{query_string}")),
        None => client
            .post(format!("{base}/graphql"))
            .body(input.body.clone()),
    };
    for (name, value) in &input.headers {
        request = request.header(name, value);
    }
    if let Some(token) = input.principal.and_then(|i| tokens.get(i)) {
        request = request.bearer_auth(token);
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("no answer: {e}"))?;
    let status = response.status().as_u16();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| format!("no body: {e}"))?;
    let body = serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "status {status}, a body that is not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
        )
    })?;
    Ok((status, body))
}

/// The oracle: what every answer must be.
fn check(input: &Input, outcome: &Result<(u16, Value), String>) -> Result<(), String> {
    if let Ok(panics) = PANICS.lock()
        && !panics.is_empty()
    {
        return Err(format!("the server panicked: {panics:?}"));
    }
    let (status, body) = outcome.as_ref().map_err(Clone::clone)?;
    // A mutation over GET is refused with 405, in GraphQL's shape.
    if *status >= 500 {
        return Err(format!("status {status}: {body}"));
    }
    if !input.graphql_answer_due && *status == 415 {
        return Ok(());
    }
    let answers: Vec<&Value> = match body {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for answer in answers {
        let Some(errors) = answer.get("errors") else {
            if answer.get("data").is_none() {
                return Err(format!("an answer with neither data nor errors: {answer}"));
            }
            continue;
        };
        let errors = errors.as_array().ok_or("errors is not a list")?;
        if errors.is_empty() {
            return Err("an empty errors list".into());
        }
        for error in errors {
            let code = error["extensions"]["code"].as_str().unwrap_or("none");
            if !CODES.contains(&code) {
                return Err(format!("an error with code {code}: {error}"));
            }
            if error["message"].as_str().is_none_or(str::is_empty) {
                return Err(format!("an error without a message: {error}"));
            }
        }
    }
    Ok(())
}

/// The input as a reader (or a rerun) needs it: headers, caller, body.
fn describe(input: &Input) -> Vec<u8> {
    let mut text = format!(
        "principal: {:?}\nheaders: {:?}\n\n",
        input.principal.map(|i| PRINCIPALS
            .get(i)
            .map_or("garbage token".to_string(), |p| format!("{p:?}"))),
        input.headers
    )
    .into_bytes();
    if let Some(query_string) = &input.get {
        text.extend_from_slice(format!("GET /graphql?{query_string}\n").as_bytes());
    }
    text.extend_from_slice(&input.body);
    text
}

fn fail(out: &std::path::Path, input: &Input, failure: &str, seed: u64) -> anyhow::Result<()> {
    let path = out.join("failure");
    std::fs::write(&path, describe(input))?;
    let body = String::from_utf8_lossy(&input.body);
    eprintln!(
        "fuzzing found a fault (seed {seed}): {failure}\ninput written to {}\nbody starts: {}",
        path.display(),
        &body.chars().take(500).collect::<String>()
    );
    std::process::exit(1);
}
