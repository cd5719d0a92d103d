//! The parts of the generated network that follow from the rest: a year's
//! outcome of an insats (by gender, reason and kommun, each part within its
//! whole), the national averages of the generated indicator values, and
//! the two DSO-rings.

use chrono::{Datelike, NaiveDate};
use rand::Rng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

use super::{Generated, MARKER, day, iso};
use crate::domain::dso_ring::{self, Member};

/// A year's outcome of an individual insats: by gender, closures by
/// reason, and by kommun, each part within its whole.
pub(super) fn outcome(
    rng: &mut StdRng,
    year: i32,
    start: NaiveDate,
    end: NaiveDate,
    kommuner: &[String],
) -> Value {
    let from = start.max(day(year, 1, 1));
    let to = end.min(day(year, 12, 31));
    let participants: i32 = rng.gen_range(0..=80);
    let women = participants * rng.gen_range(30..=70) / 100;
    let closures = participants * rng.gen_range(10..=70) / 100;
    let work = closures * rng.gen_range(0..=40) / 100;
    let studies = (closures - work) * rng.gen_range(0..=30) / 100;
    let other = closures - work - studies;
    let shown: Vec<&String> = kommuner.iter().take(3).collect();
    // Each kommun's women and men from those not yet placed: no column of
    // the kommuner adds up to more than the whole's.
    let (mut women_left, mut men_left) = (women, participants - women);
    let municipalities: Vec<Value> = shown
        .iter()
        .map(|k| {
            let w = women_left * rng.gen_range(0..=60) / 100;
            let m = men_left * rng.gen_range(0..=60) / 100;
            women_left -= w;
            men_left -= m;
            json!({ "municipality": format!("{k} kommun"), "participants": w + m, "participants_women": w, "participants_men": m })
        })
        .collect();
    json!({
        "period_from": iso(from),
        "period_to": iso(to),
        "participants": participants,
        "participants_women": women,
        "participants_men": participants - women,
        "closures": closures,
        "closures_work": work,
        "closures_studies": studies,
        "closures_other": other,
        "share_reached_goal_percent": f64::from(rng.gen_range(200..=800)) / 10.0,
        "note": MARKER,
        "municipalities": municipalities,
    })
}

/// Each indicator, year and gender: the mean over the förbund measured.
pub(super) fn national_averages(results: &[Value]) -> Vec<Value> {
    let mut sums: std::collections::BTreeMap<(i64, i64, String), (f64, usize)> =
        std::collections::BTreeMap::new();
    for r in results {
        let key = (
            r["year"].as_i64().unwrap_or(0),
            r["indicator"]
                .as_str()
                .and_then(|i| i.parse().ok())
                .unwrap_or(0),
            r["gender"].as_str().unwrap_or("").to_string(),
        );
        let entry = sums.entry(key).or_insert((0.0, 0));
        entry.0 += r["value"].as_f64().unwrap_or(0.0);
        entry.1 += 1;
    }
    sums.into_iter()
        .map(|((year, indicator, gender), (sum, n))| {
            json!({
                "indicator": indicator.to_string(),
                "year": year,
                "gender": gender,
                "value": (sum / n as f64 * 10.0).round() / 10.0,
                "forbund_count": n,
                "source": results[0]["source"],
            })
        })
        .collect()
}

/// Two DSO-rings of a dozen members each, from förbund alive when each
/// begins: each provides to the next on the list, the last to the first.
/// Two more join each ring later (after a year and a half and after three
/// years), each placed after a member, and the ring closes around them from
/// that day; a member that a merger dissolves leaves its ring on its last
/// day, and the ring closes around it (`dso::close_at_dissolution`). The
/// assignments are the ones the ring's own rule derives from its members
/// (`dso_ring::derive`), so the loader's check against them holds.
pub(super) fn rings(made: &[Generated], first: i32, last: i32) -> Vec<Value> {
    let mut out = Vec::new();
    let starts = [day(first + 2, 1, 1), day(first + 6, 7, 1)];
    let alive =
        |f: &Generated, on: NaiveDate| f.founded <= on && f.dissolved.is_none_or(|d| d > on);
    let mut used: Vec<&str> = Vec::new();
    for (r, starts_on) in starts.into_iter().enumerate() {
        if starts_on.year() > last {
            continue;
        }
        let mut ring: Vec<(&Generated, NaiveDate)> = made
            .iter()
            .filter(|f| alive(f, starts_on) && !used.contains(&f.slug.as_str()))
            .take(12)
            .map(|f| (f, starts_on))
            .collect();
        if ring.len() < 3 {
            continue;
        }
        used.extend(ring.iter().map(|(f, _)| f.slug.as_str()));
        for (k, months) in [18, 36].into_iter().enumerate() {
            let on = starts_on
                .checked_add_months(chrono::Months::new(months))
                .unwrap_or(starts_on);
            if on.year() > last {
                continue;
            }
            // A joiner lives on after it joins: none that a merger ends.
            let Some(joiner) = made.iter().find(|f| {
                alive(f, on) && f.dissolved.is_none() && !used.contains(&f.slug.as_str())
            }) else {
                continue;
            };
            used.push(joiner.slug.as_str());
            ring.insert((3 + 5 * k).min(ring.len()), (joiner, on));
        }
        let members: Vec<Member> = ring
            .iter()
            .enumerate()
            .map(|(i, (f, joined))| Member {
                forbund: i as i32,
                joined_on: Some(*joined),
                last_day: None,
                notice_received_on: None,
                withdrew: false,
                position: i as f64 + 1.0,
                contact: format!("Dataskyddsombud, {} ({MARKER})", f.slug),
                scope: 2.5,
            })
            .collect();
        let slug = |id: i32| ring[id as usize].0.slug.as_str();
        let assignments: Vec<Value> = dso_ring::derive(&members, starts_on)
            .iter()
            .map(|l| {
                json!({
                    "provider": slug(l.provider), "recipient": slug(l.recipient),
                    "valid_from": iso(l.from), "valid_to": l.to.map(iso),
                    "scope_percent": l.scope, "contact": l.contact,
                })
            })
            .collect();
        out.push(json!({
            "name": format!("DSO-ring {} ({MARKER})", r + 1),
            "starts_on": iso(starts_on),
            "initial_ends_on": iso(day(starts_on.year() + 1, 12, 31)),
            "renewal_months": 12,
            "notice_months": 4,
            "max_scope_percent": 2.5,
            "members": ring.iter().map(|(f, joined)| json!({ "forbund": f.slug, "joined_on": iso(*joined) })).collect::<Vec<_>>(),
            "assignments": assignments,
        }));
    }
    out
}
