//! The report's sections on what the money did: the insatser of the
//! period (their budgets, participants and closures with small cells
//! hidden, goals against outcomes), the national indicators against the
//! national average, and the population on benefits against the county
//! and the country.

use super::document::{Cell, ColumnKind, Row, RowKind, Section, Table, col, money, share};
use super::report::{InsatsAccount, Report};
use crate::domain::suppression::suppress;

/// The counts of an insats's outcome, small cells hidden unless in full.
fn counts(a: &InsatsAccount, min_cell: i64) -> (Vec<Cell>, Vec<Cell>) {
    let Some(o) = &a.outcome else {
        return (vec![Cell::Empty; 3], vec![Cell::Empty; 4]);
    };
    let n = |v: Option<i32>| v.map(i64::from);
    let people = vec![
        n(o.participants),
        n(o.participants_women),
        n(o.participants_men),
    ];
    let closures = vec![
        n(o.closures),
        n(o.closures_work),
        n(o.closures_studies),
        n(o.closures_labour_market_training),
        n(o.closures_completed),
        n(o.closures_not_influenceable),
        n(o.closures_other),
    ];
    let shown = |row: &[Option<i64>]| -> Vec<Cell> {
        let hidden = if a.in_full {
            vec![vec![false; row.len()]]
        } else {
            suppress(&[row.to_vec()], None, min_cell)
        };
        row.iter()
            .zip(&hidden[0])
            .map(|(v, h)| match (v, h) {
                (_, true) => Cell::Hidden,
                (Some(v), false) => Cell::Count(*v),
                (None, false) => Cell::Empty,
            })
            .collect()
    };
    let closures = shown(&closures);
    // Work and studies apart; the other reasons together.
    let others = closures[3..]
        .iter()
        .try_fold(0i64, |sum, c| match c {
            Cell::Count(v) => Some(sum + v),
            Cell::Empty => Some(sum),
            _ => None,
        })
        .map_or(Cell::Hidden, Cell::Count);
    (
        shown(&people),
        vec![
            closures[0].clone(),
            closures[1].clone(),
            closures[2].clone(),
            others,
        ],
    )
}

pub(super) fn insatser_section(r: &Report) -> Section {
    let mut rows = Vec::new();
    let mut people = Vec::new();
    let mut goals = Vec::new();
    for a in &r.insatser {
        let i = &a.insats;
        rows.push(Row {
            kind: RowKind::Line,
            cells: vec![
                Cell::Text(i.name.clone()),
                Cell::Text(format!(
                    "{}–{}",
                    i.starts_on.map(|d| d.to_string()).unwrap_or_default(),
                    i.ends_on.map(|d| d.to_string()).unwrap_or_default()
                )),
                Cell::Text(i.target_group.clone().unwrap_or_default()),
                money(a.budget.as_ref().map(|b| b.budget_sek)),
                money(a.budget.as_ref().and_then(|b| b.spent_sek)),
            ],
        });
        if a.outcome.is_some() {
            let (counted, closures) = counts(a, r.min_cell);
            let mut cells = vec![Cell::Text(i.name.clone())];
            cells.extend(counted);
            cells.extend(closures);
            people.push(Row {
                kind: RowKind::Line,
                cells,
            });
        }
        for g in &a.goals {
            goals.push(Row {
                kind: RowKind::Line,
                cells: vec![
                    Cell::Text(i.name.clone()),
                    Cell::Text(g.description.clone()),
                    share(g.target_percent),
                    share(
                        a.outcome
                            .as_ref()
                            .and_then(|o| o.share_reached_goal_percent),
                    ),
                ],
            });
        }
    }
    let hidden = people.iter().any(|r| r.cells.contains(&Cell::Hidden));
    let mut paragraphs = vec![format!(
        "{} insatser var igång under perioden; {} redovisade deltagare för den.",
        r.insatser.len(),
        people.len()
    )];
    if hidden {
        paragraphs.push(format!(
            "– : färre än {} personer, eller ett tal som skulle avslöja ett sådant; visas inte.",
            r.min_cell
        ));
    }
    let mut tables = vec![Table {
        key: "insatser",
        caption: "Insatser under perioden".into(),
        columns: vec![
            col("Insats", ColumnKind::Text),
            col("Period", ColumnKind::Text),
            col("Målgrupp", ColumnKind::Text),
            col(format!("Budget {} (tkr)", r.year()), ColumnKind::Money),
            col("Förbrukat (tkr)", ColumnKind::Money),
        ],
        rows,
    }];
    if !people.is_empty() {
        tables.push(Table {
            key: "deltagare",
            caption: "Deltagare och avslut under perioden".into(),
            columns: vec![
                col("Insats", ColumnKind::Text),
                col("Deltagare", ColumnKind::Count),
                col("Kvinnor", ColumnKind::Count),
                col("Män", ColumnKind::Count),
                col("Avslut", ColumnKind::Count),
                col("Till arbete", ColumnKind::Count),
                col("Till studier", ColumnKind::Count),
                col("Andra skäl", ColumnKind::Count),
            ],
            rows: people,
        });
    }
    if !goals.is_empty() {
        tables.push(Table {
            key: "mal",
            caption: "Mål och utfall".into(),
            columns: vec![
                col("Insats", ColumnKind::Text),
                col("Mål", ColumnKind::Text),
                col("Målvärde", ColumnKind::Percent),
                col("Utfall", ColumnKind::Percent),
            ],
            rows: goals,
        });
    }
    Section {
        key: "insatser",
        heading: "Insatsredovisning".into(),
        paragraphs,
        tables,
    }
}

pub(super) fn indicator_section(r: &Report) -> Section {
    let Some(c) = &r.indicators else {
        return Section {
            key: "indikatorer",
            heading: "Nationella indikatorer".into(),
            paragraphs: vec![format!(
                "Inga indikatorvärden för {} är registrerade.",
                r.year()
            )],
            tables: vec![],
        };
    };
    let s = &c.summary;
    let mut paragraphs = vec![format!(
        "På eller över riksgenomsnittet på {} av {} indikatorer {}.",
        s.at_or_above_national,
        s.with_national_average,
        r.year()
    )];
    if s.with_previous_year > 0 {
        paragraphs.push(format!(
            "Jämfört med {} lägre på {} av {}.",
            r.year() - 1,
            s.lower_than_previous_year,
            s.with_previous_year
        ));
    }
    if c.rows.iter().any(|row| row.shown.synthetic) {
        paragraphs.push("Värden märkta exempeldata är påhittade exempel, inte mätningar.".into());
    }
    let rows = c
        .rows
        .iter()
        .map(|row| Row {
            kind: RowKind::Line,
            cells: vec![
                Cell::Text(format!(
                    "{}{}",
                    row.indicator.name,
                    if row.shown.synthetic {
                        " (exempeldata)"
                    } else {
                        ""
                    }
                )),
                row.shown.value.map_or(Cell::Hidden, Cell::Percent),
                share(row.row.and_then(|x| x.national)),
                share(row.previous.and_then(|p| p.value)),
            ],
        })
        .collect();
    Section {
        key: "indikatorer",
        heading: "Nationella indikatorer".into(),
        paragraphs,
        tables: vec![Table {
            key: "indikatorer",
            caption: format!("Indikatorer {} mot riksgenomsnittet", r.year()),
            columns: vec![
                col("Indikator", ColumnKind::Text),
                col("Förbundet", ColumnKind::Percent),
                col("Riket", ColumnKind::Percent),
                col(format!("Förbundet {}", r.year() - 1), ColumnKind::Percent),
            ],
            rows,
        }],
    }
}

pub(super) fn population_section(r: &Report) -> Section {
    let rows: Vec<Row> = r
        .population
        .iter()
        .map(|s| Row {
            kind: RowKind::Line,
            cells: vec![
                Cell::Text(s.area.name.clone()),
                Cell::Text(s.year.to_string()),
                s.total
                    .total
                    .map_or(Cell::Empty, |v| Cell::Count(v.round() as i64)),
                s.population_20_64
                    .map_or(Cell::Empty, |v| Cell::Count(i64::from(v))),
                share(s.share_percent()),
            ],
        })
        .collect();
    Section {
        key: "befolkning",
        heading: "Befolkning med ersättning".into(),
        paragraphs: vec![if rows.is_empty() {
            "Inga uppgifter om befolkning med ersättning för förbundets kommuner.".into()
        } else {
            "Helårsekvivalenter 20–64 år med sjukpenning, sjuk- och aktivitetsersättning, arbetslöshetsersättning, arbetsmarknadsstöd, ekonomiskt bistånd och etableringsersättning, mot länet och riket.".into()
        }],
        tables: vec![Table {
            key: "befolkning",
            caption: "Befolkning 20–64 år med ersättning".into(),
            columns: vec![
                col("Område", ColumnKind::Text),
                col("År", ColumnKind::Text),
                col("Helårsekvivalenter", ColumnKind::Count),
                col("Befolkning 20–64", ColumnKind::Count),
                col("Andel", ColumnKind::Percent),
            ],
            rows,
        }],
    }
}
