//! Ring changes at random: joins, notices, scopes and new orders asked by
//! random förbund's admins (now and then the network's) with random days
//! around today, and random answers to the proposals they become. After each
//! step the fuzzer checks what the consent rules promise (DESIGN.md,
//! "DSO-ring"): the ring is one cycle on every day looked at; no förbund's
//! DSO changes unless that förbund asked, accepted an applied proposal, or
//! the network decided; and a DSO reads exactly the logs of the förbund its
//! förbund serves that day.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use rand::Rng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

/// The förbund that are on the demo ring, and some that may join it.
pub const FORBUND: [&str; 9] = [
    "sodra-dalarna",
    "norra-dalarna",
    "vasteras",
    "sollentuna",
    "sodertalje",
    "sundbyberg",
    "vasterdalarna",
    "varend",
    "vastmanland",
];

/// Tokens: an admin and a DSO of each förbund of `FORBUND`, and the network.
pub struct RingTokens {
    pub admin: Vec<String>,
    pub dso: Vec<String>,
    pub network: String,
}

/// Days the fuzzer looks at the ring on, from today on.
const LOOK_AHEAD: [i64; 4] = [0, 45, 200, 420];

async fn gql(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> Result<Value, String> {
    let response = client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .map_err(|e| format!("ring step: {e}"))?;
    let status = response.status().as_u16();
    let body: Value = response
        .json()
        .await
        .map_err(|e| format!("ring step: not JSON ({status}): {e}"))?;
    if status >= 500 {
        return Err(format!("ring step: {status}: {body}"));
    }
    if let Some(errors) = body["errors"].as_array() {
        for e in errors {
            let code = e["extensions"]["code"].as_str().unwrap_or("");
            if code.is_empty() || code == "INTERNAL" {
                return Err(format!("ring step: an error without a code: {body}"));
            }
        }
    }
    Ok(body)
}

/// Each förbund's DSO provider on each day looked at (one request a day:
/// the aliases of a request are limited).
async fn providers(
    client: &reqwest::Client,
    base: &str,
    tokens: &RingTokens,
    today: NaiveDate,
) -> Result<BTreeMap<(usize, i64), Option<String>>, String> {
    let mut out = BTreeMap::new();
    for ahead in LOOK_AHEAD {
        let day = today + Duration::days(ahead);
        let fields: String = FORBUND
            .iter()
            .enumerate()
            .map(|(i, slug)| {
                format!(
                    "f{i}: dsoFor(forbund: \"{slug}\", on: \"{day}\") {{ provider {{ slug }} }}\n"
                )
            })
            .collect();
        let body = gql(
            client,
            base,
            &tokens.network,
            &format!("{{ {fields} }}"),
            json!({}),
        )
        .await?;
        if body.get("errors").is_some() {
            return Err(format!(
                "ring step: the providers could not be read: {body}"
            ));
        }
        for i in 0..FORBUND.len() {
            let provider = body["data"][format!("f{i}")]["provider"]["slug"]
                .as_str()
                .map(str::to_string);
            out.insert((i, ahead), provider);
        }
    }
    if out.values().all(Option::is_none) {
        return Err("ring step: no förbund has a DSO on any day looked at".into());
    }
    Ok(out)
}

/// Who acted in a step, and how.
enum Actor {
    Network,
    /// Asked for a change as the admin of `FORBUND[i]`.
    Asked(usize),
    /// Accepted these proposals as a party's admin (several at the same
    /// moment, now and then: ring changes must hold under concurrency).
    Accepted(Vec<String>),
    /// Declined, or asked for nothing that was applied.
    Nothing,
}

fn day(rng: &mut StdRng, today: NaiveDate) -> NaiveDate {
    // Mostly ahead, sometimes in the past (to be refused).
    today + Duration::days(rng.gen_range(-40..460))
}

/// What an applied proposal showed a party it would do: `provider` is its
/// DSO from `on`.
struct Shown {
    slug: String,
    on: String,
    provider: Value,
}

/// The parties of proposal `id` and what it showed each, if it was applied
/// (every party having accepted it).
async fn applied_parties(
    client: &reqwest::Client,
    base: &str,
    tokens: &RingTokens,
    id: &str,
) -> Result<(Vec<usize>, Vec<Shown>), String> {
    let p = gql(
        client,
        base,
        &tokens.network,
        "query($id: ID!) { dsoProposal(id: $id) { status parties { forbund { slug } answer newDso { slug } begins { provider { slug } recipient { slug } validFrom } } } }",
        json!({ "id": id }),
    )
    .await?;
    let p = &p["data"]["dsoProposal"];
    if p["status"] != "APPLIED" {
        return Ok((vec![], vec![]));
    }
    let parties = p["parties"].as_array().cloned().unwrap_or_default();
    if parties.iter().any(|party| party["answer"] != "ACCEPTED") {
        return Err(format!("a proposal was applied without every party: {p}"));
    }
    let shown = parties
        .iter()
        .filter_map(|party| {
            let slug = party["forbund"]["slug"].as_str()?;
            let begins = party["begins"].as_array()?;
            let shown = begins.iter().find(|b| b["recipient"]["slug"] == slug)?;
            Some(Shown {
                slug: slug.to_string(),
                on: shown["validFrom"].as_str()?.to_string(),
                provider: shown["provider"]["slug"].clone(),
            })
        })
        .collect();
    let indices = parties
        .iter()
        .filter_map(|party| party["forbund"]["slug"].as_str())
        .filter_map(|s| FORBUND.iter().position(|f| *f == s))
        .collect();
    Ok((indices, shown))
}

/// Each party of the applied proposals got, from the day shown, the DSO the
/// proposal showed it: a proposal is applied only as it was accepted. When
/// proposals applied at the same moment both name a party, the one applied
/// last decides from its day on, so the DSO on a day may be what another
/// of them showed that party from that day or earlier — a change the party
/// accepted too — and nothing else.
async fn check_shown(
    client: &reqwest::Client,
    base: &str,
    tokens: &RingTokens,
    shown: &[Shown],
) -> Result<(), String> {
    for s in shown {
        let now = gql(
            client,
            base,
            &tokens.network,
            "query($f: String!, $on: Date) { dsoFor(forbund: $f, on: $on) { provider { slug } } }",
            json!({ "f": s.slug, "on": s.on }),
        )
        .await?;
        let provider = &now["data"]["dsoFor"]["provider"]["slug"];
        let accepted = shown
            .iter()
            .any(|t| t.slug == s.slug && t.on <= s.on && t.provider == *provider);
        if !accepted {
            return Err(format!(
                "{} accepted {} as its DSO from {}, and got {provider}",
                s.slug, s.provider, s.on
            ));
        }
    }
    Ok(())
}

/// One random step, then the checks. `Err` is a broken promise.
pub async fn step(
    client: &reqwest::Client,
    base: &str,
    tokens: &RingTokens,
    rng: &mut StdRng,
    today: NaiveDate,
) -> Result<(), String> {
    let before = providers(client, base, tokens, today).await?;
    let who = rng.gen_range(0..FORBUND.len());
    let network = rng.gen_bool(0.1);
    let token = if network {
        &tokens.network
    } else {
        &tokens.admin[who]
    };
    let slug = FORBUND[who];
    let actor = if rng.gen_bool(0.5) {
        let on = day(rng, today);
        let (query, vars) = match rng.gen_range(0..4) {
            0 => (
                "mutation($f: String!, $d: Date!, $a: String) { joinDsoRing(forbund: $f, from: $d, after: $a, contact: \"dso@example.se\") { applied } }",
                json!({ "f": slug, "d": on, "a": FORBUND[rng.gen_range(0..FORBUND.len())] }),
            ),
            1 => (
                "mutation($f: String!, $d: Date!) { leaveDsoRing(forbund: $f, noticeReceivedOn: $d) { applied } }",
                json!({ "f": slug, "d": on }),
            ),
            2 => (
                "mutation($f: String!, $d: Date!, $s: Float!) { setDsoAssignmentScope(forbund: $f, scopePercent: $s, from: $d) { applied } }",
                json!({ "f": slug, "d": on, "s": rng.gen_range(1..=25) as f64 / 10.0 }),
            ),
            _ => {
                let mut order: Vec<&str> = FORBUND[..6].to_vec();
                for i in (1..order.len()).rev() {
                    order.swap(i, rng.gen_range(0..=i));
                }
                (
                    "mutation($d: Date!, $o: [String!]!) { rearrangeDsoRing(from: $d, order: $o) { complete } }",
                    json!({ "d": on, "o": order }),
                )
            }
        };
        gql(client, base, token, query, vars).await?;
        if network {
            Actor::Network
        } else {
            Actor::Asked(who)
        }
    } else {
        // An answer to a proposal that concerns the förbund, if there is one.
        let listed = gql(
            client,
            base,
            &tokens.admin[who],
            "query($f: String!) { dsoProposals(forbund: $f, first: 10) { edges { node { id status parties { forbund { slug } answer } } } } }",
            json!({ "f": slug }),
        )
        .await?;
        let pending: Vec<String> = listed["data"]["dsoProposals"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter(|e| e["node"]["status"] == "PENDING")
            .filter_map(|e| e["node"]["id"].as_str().map(str::to_string))
            .collect();
        match pending.first() {
            None => Actor::Nothing,
            Some(_) if !network && pending.len() > 1 && rng.gen_bool(0.4) => {
                // Every pending proposal accepted at once.
                let answers = futures_util::future::join_all(pending.iter().map(|id| {
                    gql(
                        client,
                        base,
                        token,
                        "mutation($id: ID!, $f: String!) { acceptDsoProposal(id: $id, forbund: $f) { status } }",
                        json!({ "id": id, "f": slug }),
                    )
                }))
                .await;
                for answer in answers {
                    answer?;
                }
                Actor::Accepted(pending.clone())
            }
            Some(id) if network => {
                gql(
                    client,
                    base,
                    &tokens.network,
                    "mutation($id: ID!, $a: Boolean!) { decideDsoProposal(id: $id, apply: $a) { status } }",
                    json!({ "id": id, "a": rng.gen_bool(0.5) }),
                )
                .await?;
                Actor::Network
            }
            Some(id) => {
                let accept = rng.gen_bool(0.7);
                let mutation = if accept {
                    "mutation($id: ID!, $f: String!) { acceptDsoProposal(id: $id, forbund: $f) { status } }"
                } else {
                    "mutation($id: ID!, $f: String!) { declineDsoProposal(id: $id, forbund: $f) { status } }"
                };
                gql(
                    client,
                    base,
                    token,
                    mutation,
                    json!({ "id": id, "f": slug }),
                )
                .await?;
                if accept {
                    Actor::Accepted(vec![id.clone()])
                } else {
                    Actor::Nothing
                }
            }
        }
    };

    // The ring is one cycle on every day looked at.
    for ahead in LOOK_AHEAD {
        let on = today + Duration::days(ahead);
        let ring = gql(
            client,
            base,
            &tokens.network,
            "query($on: Date) { dsoRing(on: $on) { complete dissolved problem } }",
            json!({ "on": on }),
        )
        .await?;
        let r = &ring["data"]["dsoRing"];
        // One cycle, or fewer than two members left (no ring at all).
        if !r.is_null() && !r["problem"].is_null() {
            return Err(format!("the ring is not one cycle on {on}: {r}"));
        }
    }

    // No förbund's DSO changed without its consent.
    let after = providers(client, base, tokens, today).await?;
    let consented: Vec<usize> = match &actor {
        Actor::Network => (0..FORBUND.len()).collect(),
        Actor::Asked(i) => vec![*i],
        Actor::Accepted(ids) => {
            let (mut consented, mut shown) = (Vec::new(), Vec::new());
            for id in ids {
                let (parties, showed) = applied_parties(client, base, tokens, id).await?;
                consented.extend(parties);
                shown.extend(showed);
            }
            check_shown(client, base, tokens, &shown).await?;
            consented
        }
        Actor::Nothing => vec![],
    };
    for ((i, ahead), provider) in &after {
        if before.get(&(*i, *ahead)) != Some(provider) && !consented.contains(i) {
            return Err(format!(
                "{}'s DSO on today+{ahead} changed from {:?} to {provider:?} without its consent",
                FORBUND[*i],
                before.get(&(*i, *ahead))
            ));
        }
    }

    // A DSO reads a förbund's log exactly when its förbund serves it today.
    let reader = rng.gen_range(0..FORBUND.len());
    let read = rng.gen_range(0..FORBUND.len());
    if reader != read {
        let body = gql(
            client,
            base,
            &tokens.dso[reader],
            "query($f: String) { auditLog(forbund: $f, first: 1) { totalCount } }",
            json!({ "f": FORBUND[read] }),
        )
        .await?;
        let may = body.get("errors").is_none();
        let serves = after.get(&(read, 0)).cloned().flatten().as_deref() == Some(FORBUND[reader]);
        if may != serves {
            let again = gql(
                client,
                base,
                &tokens.network,
                "query($f: String!, $p: String!) { dsoFor(forbund: $f) { provider { slug } validFrom validTo } dsoServedBy(forbund: $p) { recipient { slug } validFrom validTo } }",
                json!({ "f": FORBUND[read], "p": FORBUND[reader] }),
            )
            .await?;
            return Err(format!(
                "{}'s DSO {} {}'s log, which its förbund {} today (the ring says {again})",
                FORBUND[reader],
                if may { "reads" } else { "may not read" },
                FORBUND[read],
                if serves { "serves" } else { "does not serve" }
            ));
        }
    }
    Ok(())
}
