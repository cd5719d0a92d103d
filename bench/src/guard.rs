//! The speed guard (`--guard README.md`): a short paired run of the ratios
//! the README states — a lookup against `{ __typename }`, and finsam against
//! the generated server on a lookup and on a page of 50, kept and made
//! afresh — failing when one falls more than `--margin` below its stated
//! figure. The figures are read from the README's own table, so what it
//! claims is what CI holds.
//!
//! Ratios, not req/s: both sides of a ratio run alternately on the same
//! machine in the same minute, so a slow or busy machine moves both. A ratio
//! found below its bound is measured once more, with twice the rounds,
//! before it fails: one bad round on a shared machine is not a regression.

use std::path::Path;

use crate::throughput;
use crate::versus::{self, Run};

/// The README's marker: the table that follows it holds the guarded ratios.
const MARKER: &str = "<!-- speed guard -->";

/// What each guarded row of the README measures; its first cell, exactly.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Ratio {
    LookupOverTypename,
    LookupOverGenerated,
    PageOverGenerated,
    PageAfreshOverGenerated,
}

impl Ratio {
    const ALL: [Ratio; 4] = [
        Ratio::LookupOverTypename,
        Ratio::LookupOverGenerated,
        Ratio::PageOverGenerated,
        Ratio::PageAfreshOverGenerated,
    ];

    fn label(self) -> &'static str {
        match self {
            Ratio::LookupOverTypename => "lookup ÷ `{ __typename }`",
            Ratio::LookupOverGenerated => "lookup ÷ seaography's",
            Ratio::PageOverGenerated => "page of 50 ÷ seaography's",
            Ratio::PageAfreshOverGenerated => "page of 50 made afresh ÷ seaography's",
        }
    }
}

/// The README's stated ratio for each guarded row: the table after the
/// marker, its rows' first cell the label and last cell the ratio ("0.84×").
fn stated(readme: &str) -> anyhow::Result<Vec<(Ratio, f64)>> {
    let after = readme
        .split_once(MARKER)
        .ok_or_else(|| anyhow::anyhow!("the README has no {MARKER} table"))?
        .1;
    let rows: Vec<Vec<&str>> = after
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect()
        })
        .collect();
    Ratio::ALL
        .into_iter()
        .map(|ratio| {
            let row = rows
                .iter()
                .find(|cells| cells.first() == Some(&ratio.label()))
                .ok_or_else(|| anyhow::anyhow!("the README states no \"{}\"", ratio.label()))?;
            let cell = row.last().copied().unwrap_or_default();
            let figure: f64 =
                cell.trim_end_matches('×').trim().parse().map_err(|_| {
                    anyhow::anyhow!("\"{}\": {cell:?} is not a ratio", ratio.label())
                })?;
            Ok((ratio, figure))
        })
        .collect()
}

/// One measurement of `ratio` over `run.rounds` alternating rounds.
async fn measure(ratio: Ratio, finsam: &Path, generated: &Path, run: &Run) -> anyhow::Result<f64> {
    let (a, b) = match ratio {
        Ratio::LookupOverTypename => lookup_and_typename(finsam, run).await?,
        Ratio::LookupOverGenerated => {
            versus::against_generated(finsam, generated, run, "forbund(slug) { members }").await?
        }
        Ratio::PageOverGenerated => {
            versus::against_generated(finsam, generated, run, "page of 50 insatser with relations")
                .await?
        }
        Ratio::PageAfreshOverGenerated => {
            versus::against_generated(finsam, generated, run, versus::PAGE_AFRESH).await?
        }
    };
    println!("  {}: {a:.0} and {b:.0} req/s", ratio.label());
    Ok(a / b)
}

/// The lookup and `{ __typename }` back to back on one server per round,
/// the order alternating: the median req/s of each.
async fn lookup_and_typename(finsam: &Path, run: &Run) -> anyhow::Result<(f64, f64)> {
    let scenarios = versus::finsam_scenarios();
    let find = |name: &str| {
        scenarios
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| anyhow::anyhow!("no scenario {name}"))
    };
    let (lookup, typename) = (find("forbund(slug) { members }")?, find("{ __typename }")?);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for round in 0..run.rounds {
        let server = versus::start_finsam(finsam, &run.url).await?;
        let order = if round % 2 == 0 {
            [lookup, typename]
        } else {
            [typename, lookup]
        };
        for scenario in order {
            let report = throughput::run(
                &server,
                Some(&run.token),
                &[],
                scenario,
                run.clients,
                run.duration(),
            )
            .await?;
            anyhow::ensure!(report.failures == 0, "{}: wrong answers", scenario.name);
            if std::ptr::eq(scenario, lookup) {
                a.push(report);
            } else {
                b.push(report);
            }
        }
    }
    Ok((
        versus::median_of(&mut a).per_second,
        versus::median_of(&mut b).per_second,
    ))
}

/// `--guard README --versus GENERATED`: every stated ratio measured; an
/// error naming each that stays below its bound on a second measurement.
pub async fn check(
    readme: &Path,
    finsam: &Path,
    generated: &Path,
    run: &Run,
    margin: f64,
) -> anyhow::Result<()> {
    let stated = stated(&std::fs::read_to_string(readme)?)?;
    let mut failed = Vec::new();
    println!("| ratio | stated | bound | measured |\n|---|---|---|---|");
    for (ratio, figure) in stated {
        let bound = figure * (1.0 - margin);
        let mut got = measure(ratio, finsam, generated, run).await?;
        if got < bound {
            println!(
                "| {} | {figure:.2}× | {bound:.2}× | {got:.2}× (again) |",
                ratio.label()
            );
            let again = Run {
                rounds: run.rounds * 2,
                ..run.clone()
            };
            got = measure(ratio, finsam, generated, &again).await?;
        }
        println!(
            "| {} | {figure:.2}× | {bound:.2}× | {got:.2}× |",
            ratio.label()
        );
        if got < bound {
            failed.push(format!(
                "{}: {got:.2}×, more than {:.0} % below the README's {figure:.2}×",
                ratio.label(),
                margin * 100.0
            ));
        }
    }
    anyhow::ensure!(
        failed.is_empty(),
        "slower than stated: {}",
        failed.join("; ")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stated_ratios_are_read_from_the_marked_table() {
        let readme = "# x\n| a | 1× |\n\n<!-- speed guard -->\n\n| ratio | finsam | other | ratio |\n|---|---|---|---|\n| lookup ÷ `{ __typename }` | 61 977 | 73 000 | 0.84× |\n| lookup ÷ seaography's | 30 139 | 6 374 | 4.73× |\n| page of 50 ÷ seaography's | 1 150 | 200 | 5.74× |\n| page of 50 made afresh ÷ seaography's | 1 | 1 | 5.2× |\n\n| lookup ÷ seaography's | 1 | 1 | 99× |\n";
        let got = stated(readme).expect("stated");
        assert_eq!(
            got,
            vec![
                (Ratio::LookupOverTypename, 0.84),
                (Ratio::LookupOverGenerated, 4.73),
                (Ratio::PageOverGenerated, 5.74),
                (Ratio::PageAfreshOverGenerated, 5.2),
            ]
        );
        assert!(stated("no table here").is_err());
        assert!(stated("<!-- speed guard -->\n| lookup ÷ seaography's | x |\n").is_err());
    }

    /// The README in the repository states every guarded ratio.
    #[test]
    fn the_readme_states_every_guarded_ratio() {
        let readme = include_str!("../../README.md");
        let got = stated(readme).expect("the README's table");
        assert!(got.iter().all(|(_, figure)| *figure > 0.0), "{got:?}");
    }
}
