//! The national network at its real size, generated (`finsam demo
//! --national`): about 80 förbund in the 21 counties with their kommuner,
//! region, Försäkringskassan and Arbetsförmedlingen and their funding
//! shares; ten years of insatser (individual, structural, staff training)
//! with budgets, outcomes by gender and kommun, goals and shares, carried
//! over through a few mergers; board meetings and decisions; two DSO-rings
//! of a dozen members, one of which loses a member to a merger; the 15
//! indicators for every förbund, year and gender with national averages;
//! and key figures.
//!
//! Every generated value is marked: a förbund's name and notes, an insats's
//! description, a meeting's note and a decision's text say "exempeldata",
//! and every indicator value and key figure has a `synthetic` source (what
//! the app marks "exempeldata"). The same seed gives the same data. It is
//! written as the demo's own files are (`files`), and loaded by the same
//! loaders through the same records and checks as the API.

use chrono::{Datelike, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

mod details;
use details::{national_averages, outcome, rings};

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub forbund: usize,
    /// Years of insatser, meetings and indicators, up to last year.
    pub years: i32,
    /// The last year generated (the year before today's).
    pub last_year: i32,
}

impl Size {
    pub fn national(last_year: i32) -> Self {
        Size {
            forbund: 80,
            years: 10,
            last_year,
        }
    }
}

const COUNTIES: [&str; 21] = [
    "Stockholm",
    "Uppsala",
    "Södermanland",
    "Östergötland",
    "Jönköping",
    "Kronoberg",
    "Kalmar",
    "Gotland",
    "Blekinge",
    "Skåne",
    "Halland",
    "Västra Götaland",
    "Värmland",
    "Örebro",
    "Västmanland",
    "Dalarna",
    "Gävleborg",
    "Västernorrland",
    "Jämtland",
    "Västerbotten",
    "Norrbotten",
];

const PREFIXES: [&str; 20] = [
    "Norr", "Sör", "Öster", "Väster", "Ny", "Gam", "Stor", "Lill", "Berg", "Sjö", "Ek", "Björk",
    "Lin", "Ås", "Hag", "Sand", "Hol", "Mal", "Kung", "Dal",
];
const SUFFIXES: [&str; 20] = [
    "by", "vik", "köping", "hamn", "stad", "sala", "torp", "holm", "berga", "ås", "fors", "sjö",
    "dal", "näs", "å", "lund", "mo", "bro", "tuna", "hult",
];

const KINDS: [(&str, &str, &str); 6] = [
    ("Samverkansteam", "INDIVIDUAL", "TEAM"),
    ("Arbetslivsinriktad rehabilitering", "INDIVIDUAL", "PROJECT"),
    ("Unga vuxna i arbete", "INDIVIDUAL", "PROJECT"),
    (
        "Kompetensutveckling för personal",
        "STRUCTURAL",
        "STAFF_TRAINING",
    ),
    ("Kartläggning av behov", "STRUCTURAL", "STUDY"),
    (
        "Metodutveckling i samverkan",
        "STRUCTURAL",
        "METHOD_DEVELOPMENT",
    ),
];

/// The marker every generated record carries.
pub const MARKER: &str = "exempeldata";

pub(super) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

pub(super) fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// One generated förbund, as the rest of the generation needs it.
pub(super) struct Generated {
    slug: String,
    kommuner: Vec<String>,
    founded: NaiveDate,
    dissolved: Option<NaiveDate>,
}

/// The demo's files, generated: (förbund, insatser, DSO, meetings,
/// indicator values, key figures), as JSON in the files' own shapes.
pub struct Files {
    pub forbund: Value,
    pub insatser: Value,
    pub dso: Value,
    pub meetings: Value,
    pub indicators: Value,
    pub statistics: Value,
}

/// Generates the national network for `seed`; the same seed and size give
/// the same files.
pub fn generate(seed: u64, size: Size) -> Files {
    let mut rng = StdRng::seed_from_u64(seed);
    let first_year = size.last_year - size.years + 1;
    let source =
        format!("synthetic example: the national network, generated (seed {seed}), {MARKER}");

    // Kommun names, none twice.
    let mut names: Vec<String> = PREFIXES
        .iter()
        .flat_map(|p| SUFFIXES.iter().map(move |s| format!("{p}{s}")))
        .collect();
    names.shuffle(&mut rng);
    let mut names = names.into_iter();

    let mut forbund = Vec::new();
    let mut made: Vec<Generated> = Vec::new();
    for n in 0..size.forbund {
        let county = COUNTIES[n % COUNTIES.len()];
        let count = rng.gen_range(1..=8usize);
        let kommuner: Vec<String> = (0..count)
            .map(|_| names.next().unwrap_or_else(|| format!("Kommun{n}")))
            .collect();
        let weights: Vec<u32> = kommuner.iter().map(|_| rng.gen_range(1..=10)).collect();
        let total: u32 = weights.iter().sum();
        let mut members = vec![
            json!({ "name": "Försäkringskassan", "kind": "SOCIAL_INSURANCE", "funding_share_percent": 50.0 }),
            json!({ "name": "Arbetsförmedlingen", "kind": "EMPLOYMENT_SERVICE" }),
            json!({ "name": format!("Region {county}"), "kind": "REGION", "funding_share_percent": 25.0 }),
        ];
        for (k, w) in kommuner.iter().zip(&weights) {
            // Tenths of a percent, rounded down: the shares never pass 100.
            let share = (f64::from(*w) * 250.0 / f64::from(total)).floor() / 10.0;
            members.push(json!({ "name": format!("{k} kommun"), "kind": "MUNICIPALITY", "funding_share_percent": share }));
        }
        let founded = day(
            rng.gen_range(2005..=first_year - 1).min(first_year - 1),
            1,
            1,
        );
        let slug = format!("exempel-{:02}", n + 1);
        let allocations: Vec<Value> = (first_year..=size.last_year)
            .map(|y| {
                let amount = 1_000_000 * i64::from(count as u32 + 2) + rng.gen_range(0..2_000_000);
                json!({ "year": y, "amount_sek": amount, "kind": "TOTAL", "note": MARKER })
            })
            .collect();
        forbund.push(json!({
            "slug": slug,
            "name": format!("Samordningsförbundet {} ({MARKER})", kommuner[0]),
            "county": county,
            "founded_on": iso(founded),
            "notes": format!("{MARKER}: genererat förbund (frö {seed}), inte ett verkligt."),
            "members": members,
            "allocations": allocations,
        }));
        made.push(Generated {
            slug,
            kommuner,
            founded,
            dissolved: None,
        });
    }
    // A few mergers: a förbund ends with a year and its neighbour in the
    // list takes it over, insatser running at the end carried over.
    let mergers = (size.forbund / 25).max(1);
    for m in 0..mergers {
        let (from, to) = (3 + m * 7, 4 + m * 7);
        if to >= made.len() {
            break;
        }
        let end = day(first_year + size.years / 2 + m as i32, 12, 31);
        made[from].dissolved = Some(end);
        forbund[from]["dissolved_on"] = json!(iso(end));
        forbund[from]["successor"] = json!(made[to].slug);
        if let Some(a) = forbund[from]["allocations"].as_array_mut() {
            a.retain(|x| {
                x["year"]
                    .as_i64()
                    .is_some_and(|y| y <= i64::from(end.year()))
            });
        }
    }

    let mut insatser = Vec::new();
    let mut meetings = Vec::new();
    let mut results = Vec::new();
    let mut key_figures = Vec::new();
    for (n, f) in made.iter().enumerate() {
        let last = f.dissolved.map_or(size.last_year, |d| d.year());
        let successor = forbund[n]["successor"].as_str().map(str::to_string);
        let mut numbered = 0;
        for year in first_year..=last {
            for _ in 0..rng.gen_range(3..=22) {
                numbered += 1;
                let (word, orientation, category) = KINDS[rng.gen_range(0..KINDS.len())];
                let kommun = f.kommuner[rng.gen_range(0..f.kommuner.len())].clone();
                let start = day(year, rng.gen_range(1..=12), 1);
                let months = rng.gen_range(6..=36);
                let mut end = start + chrono::Months::new(months) - chrono::Days::new(1);
                if let Some(d) = f.dissolved {
                    end = end.min(d);
                }
                let carried = successor.is_some() && f.dissolved.is_some_and(|d| end == d);
                let status = if carried {
                    "CARRIED_OVER"
                } else if end.year() > size.last_year {
                    "ACTIVE"
                } else {
                    "COMPLETED"
                };
                let visibility = match rng.gen_range(0..10) {
                    0 => "PRIVATE",
                    1..=3 => "NETWORK",
                    _ => "PUBLIC",
                };
                let name = format!("{word} {kommun} {year}:{numbered}");
                let budgets: Vec<Value> = (start.year()..=end.year().min(size.last_year))
                    .map(|y| {
                        let budget = rng.gen_range(10..=300) * 10_000i64;
                        let spent = budget * rng.gen_range(70..=105) / 100;
                        json!({ "year": y, "budget_sek": budget, "spent_sek": spent, "spent_through": iso(day(y, 12, 31)) })
                    })
                    .collect();
                let outcomes: Vec<Value> = (start.year()..=end.year().min(size.last_year))
                    .filter(|_| orientation == "INDIVIDUAL")
                    .map(|y| outcome(&mut rng, y, start, end, &f.kommuner))
                    .collect();
                let goals: Vec<Value> = (0..rng.gen_range(1..=2))
                    .map(|g| {
                        json!({
                            "description": if g == 0 { "Deltagare som går till arbete eller studier" } else { "Deltagare som gör en stegförflyttning" },
                            "target_percent": f64::from(rng.gen_range(30..=80)),
                        })
                    })
                    .collect();
                let mut insats = json!({
                    "forbund": f.slug,
                    "name": name,
                    "visibility": visibility,
                    "orientation": orientation,
                    "category": category,
                    "owner_organisation": format!("{kommun} kommun"),
                    "target_group": format!("Personer 16–64 år i {kommun} som behöver samordnat stöd"),
                    "age_min": 16,
                    "age_max": 64,
                    "target_participants": rng.gen_range(10..=120),
                    "starts_on": iso(start),
                    "ends_on": iso(end),
                    "status": status,
                    "description": format!("{MARKER}: genererad insats (frö {seed})."),
                    "budgets": budgets,
                    "goals": goals,
                    "outcomes": outcomes,
                });
                if orientation == "STRUCTURAL" {
                    insats["age_min"] = Value::Null;
                    insats["age_max"] = Value::Null;
                }
                insatser.push(insats.clone());
                if carried && let Some(to) = &successor {
                    // The successor's record goes on from the day after.
                    let next_start = f.dissolved.map_or(end, |d| d + chrono::Days::new(1));
                    let next_end = next_start + chrono::Months::new(12) - chrono::Days::new(1);
                    let mut next = insats.clone();
                    next["forbund"] = json!(to);
                    next["starts_on"] = json!(iso(next_start));
                    next["ends_on"] = json!(iso(next_end));
                    next["status"] = json!(if next_end.year() > size.last_year {
                        "ACTIVE"
                    } else {
                        "COMPLETED"
                    });
                    next["carried_over_from"] =
                        json!({ "forbund": f.slug, "name": insats["name"] });
                    next["budgets"] = json!([]);
                    next["outcomes"] = json!([]);
                    insatser.push(next);
                }
            }
            // The board meets four times a year.
            for (i, month) in [2u32, 4, 9, 11].iter().enumerate() {
                let held = day(year, *month, rng.gen_range(1..=27));
                if f.dissolved.is_some_and(|d| held > d) || held < f.founded {
                    continue;
                }
                let decisions: Vec<Value> = (0..rng.gen_range(1..=3))
                    .map(|k| {
                        json!({
                            "paragraph": (i * 10 + k + 1) as i32,
                            "text": format!("Styrelsen beslutade i ärende {} ({MARKER}).", k + 1),
                        })
                    })
                    .collect();
                meetings.push(json!({
                    "forbund": f.slug,
                    "held_on": iso(held),
                    "paragraph_from": (i * 10 + 1) as i32,
                    "paragraph_to": (i * 10 + 9) as i32,
                    "note": MARKER,
                    "decisions": decisions,
                }));
            }
            for indicator in 1..=15 {
                let base = f64::from(rng.gen_range(450..=900)) / 10.0;
                let respondents = rng.gen_range(20..=200);
                let women = respondents * rng.gen_range(40..=60) / 100;
                for (gender, value, answered) in [
                    ("TOTAL", base, respondents),
                    (
                        "WOMEN",
                        (base + f64::from(rng.gen_range(-50..=50)) / 10.0).clamp(0.0, 100.0),
                        women,
                    ),
                    (
                        "MEN",
                        (base + f64::from(rng.gen_range(-50..=50)) / 10.0).clamp(0.0, 100.0),
                        respondents - women,
                    ),
                ] {
                    results.push(json!({
                        "forbund": f.slug,
                        "indicator": indicator.to_string(),
                        "year": year,
                        "gender": gender,
                        "value": (value * 10.0).round() / 10.0,
                        "respondents": answered,
                        "source": source,
                    }));
                }
            }
            let participants = rng.gen_range(30..=400);
            key_figures.push(json!({
                "forbund": f.slug,
                "year": year,
                "participants": participants,
                "closures": participants * rng.gen_range(20..=60) / 100,
                "share_to_work_or_studies_percent": f64::from(rng.gen_range(200..=700)) / 10.0,
                "mean_months_in_insats": f64::from(rng.gen_range(60..=240)) / 10.0,
                "source": source,
            }));
        }
    }
    let averages = national_averages(&results);
    Files {
        forbund: json!({ "forbund": forbund }),
        insatser: json!({ "insats": insatser }),
        dso: json!({ "agreement": rings(&made, first_year, size.last_year) }),
        meetings: json!({ "meeting": meetings }),
        indicators: json!({
            "example_source": source,
            "averages": averages,
            "results": results,
        }),
        statistics: json!({ "areas": [], "population": [], "key_figure": key_figures }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_network_and_another_seed_another() {
        let size = Size {
            forbund: 12,
            years: 3,
            last_year: 2025,
        };
        let a = generate(7, size);
        let b = generate(7, size);
        let c = generate(8, size);
        for (x, y) in [
            (&a.forbund, &b.forbund),
            (&a.insatser, &b.insatser),
            (&a.indicators, &b.indicators),
            (&a.meetings, &b.meetings),
            (&a.dso, &b.dso),
        ] {
            assert_eq!(x, y);
        }
        assert_ne!(a.insatser, c.insatser);
    }

    #[test]
    fn the_national_size_is_the_networks() {
        let files = generate(1, Size::national(2025));
        let forbund = files.forbund["forbund"].as_array().map_or(0, Vec::len);
        let insatser = files.insatser["insats"].as_array().map_or(0, Vec::len);
        assert_eq!(forbund, 80);
        assert!((8_000..=12_000).contains(&insatser), "{insatser} insatser");
        let results = files.indicators["results"].as_array().map_or(0, Vec::len);
        assert!(results > 30_000, "{results} indicator values");
        // Every generated record carries the marker.
        for f in files.forbund["forbund"].as_array().into_iter().flatten() {
            assert!(f["name"].as_str().is_some_and(|n| n.contains(MARKER)));
        }
        for i in files.insatser["insats"].as_array().into_iter().flatten() {
            assert!(
                i["description"]
                    .as_str()
                    .is_some_and(|d| d.contains(MARKER))
            );
        }
        let rings = files.dso["agreement"].as_array().expect("rings");
        assert_eq!(rings.len(), 2);
        // Each ring gains members after it begins.
        for ring in rings {
            let joined_later = ring["members"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|m| m["joined_on"] != ring["starts_on"])
                .count();
            assert_eq!(joined_later, 2, "{ring}");
        }
    }
}
