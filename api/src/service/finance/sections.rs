//! The report as one document (`document`), and its money sections: the
//! budget and its outcome, line by line with the groups' sums; the
//! contributions and the equity with the forecast; the figures the paper
//! stated against the computed ones.

use chrono::NaiveDate;

use super::document::{
    Cell, ColumnKind, Document, Row, RowKind, Section, Table, col, day, figure_name, group_name,
    money, percent, share, tkr,
};
use super::report::Report;
use crate::domain::finance::EquityWarning;

/// The report as a document.
pub fn document(r: &Report) -> Document {
    let y = r.year();
    let period = if r.through == NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(r.through) {
        format!("år {y}")
    } else {
        format!("1 januari–{}", day(r.through))
    };
    let title = r
        .stored
        .as_ref()
        .and_then(|s| s.title.clone())
        .unwrap_or_else(|| format!("Ekonomisk rapport {period}"));
    let status = match (r.published(), r.published_on()) {
        (true, Some(d)) => format!("Publicerad {}, allmän handling", d.format("%Y-%m-%d")),
        (true, None) => "Publicerad, allmän handling".into(),
        (false, _) => "Ej publicerad: läses av förbundets medarbetare".into(),
    };
    use super::activity;
    let mut sections = vec![budget_section(r), means_section(r)];
    if !r.stated.is_empty() {
        sections.push(stated_section(r));
    }
    sections.push(activity::insatser_section(r));
    sections.push(activity::indicator_section(r));
    sections.push(activity::population_section(r));
    Document {
        title,
        forbund: r.forbund().name.clone(),
        period,
        status,
        sections,
    }
}

pub(super) fn budget_section(r: &Report) -> Section {
    let y = r.year();
    let f = &r.finances;
    let mut rows = Vec::new();
    let line_cells = |name: String, t: &crate::domain::finance::LineAmounts| {
        vec![
            Cell::Text(name),
            money(t.budget),
            money(t.outcome),
            share(crate::domain::finance::share_used(t.budget, t.outcome)),
            money(t.plan1),
            money(t.plan2),
        ]
    };
    let sum_cells = |name: String, t: crate::domain::finance::Totals| {
        vec![
            Cell::Text(name),
            Cell::Money(t.budget),
            Cell::Money(t.outcome),
            share(t.share_used()),
            Cell::Money(t.plan1),
            Cell::Money(t.plan2),
        ]
    };
    for g in f.groups() {
        rows.push(Row {
            kind: RowKind::Heading,
            cells: vec![Cell::Text(group_name(g).into())],
        });
        for l in f.lines.iter().filter(|l| l.row.line_group == g) {
            rows.push(Row {
                kind: RowKind::Line,
                cells: line_cells(l.row.name.clone(), &l.amounts),
            });
        }
        rows.push(Row {
            kind: RowKind::Subtotal,
            cells: sum_cells(
                format!("Summa {}", group_name(g).to_lowercase()),
                f.group_totals(g),
            ),
        });
    }
    let mut paragraphs = Vec::new();
    if f.lines.is_empty() {
        paragraphs.push("Budgetens rader för året är inte registrerade.".into());
    } else {
        rows.push(Row {
            kind: RowKind::Total,
            cells: sum_cells("Summa".into(), f.totals()),
        });
        if let Some(s) = f.totals().share_used() {
            paragraphs.push(format!(
                "Nyttjandegraden av medlen t.o.m. {} är {}.",
                day(f.outcome_through().unwrap_or(r.through)),
                percent(s)
            ));
        }
        if f.lines.iter().any(|l| l.row.insats_id.is_some()) {
            paragraphs.push(
                "En rad som är en insats visar insatsens egen budget och förbrukning för året."
                    .into(),
            );
        }
    }
    let through = f.outcome_through().unwrap_or(r.through);
    Section {
        key: "budget",
        heading: format!("Budget och utfall t.o.m. {}", day(r.through)),
        paragraphs,
        tables: vec![Table {
            key: "budget",
            caption: format!("Budget {y} och utfall t.o.m. {} (tkr)", day(through)),
            columns: vec![
                col("Rad", ColumnKind::Text),
                col(format!("Budget {y}"), ColumnKind::Money),
                col(
                    format!("Utfall t.o.m. {}", through.format("%Y-%m-%d")),
                    ColumnKind::Money,
                ),
                col("Nyttjat", ColumnKind::Percent),
                col(format!("Budget {}", y + 1), ColumnKind::Money),
                col(format!("Budget {}", y + 2), ColumnKind::Money),
            ],
            rows,
        }],
    }
}

pub(super) fn means_section(r: &Report) -> Section {
    let y = r.year();
    let f = &r.finances;
    let forecast = f.forecast();
    let rows = forecast
        .iter()
        .map(|e| Row {
            kind: RowKind::Line,
            cells: vec![
                Cell::Text(format!(
                    "{}{}",
                    y + e.offset,
                    if e.offset == 0 { "" } else { " (plan)" }
                )),
                money(e.contributions),
                money(e.brought_forward),
                money(e.available),
                Cell::Money(e.budget),
                money(e.used),
                money(e.after),
                Cell::Text(
                    match e.warning {
                        Some(EquityWarning::RunsOut) => "Eget kapital tar slut",
                        Some(EquityWarning::AboveCeiling) => "Över förbundets tak",
                        None => "",
                    }
                    .into(),
                ),
            ],
        })
        .collect();
    let mut paragraphs: Vec<String> = forecast
        .iter()
        .filter_map(|e| {
            let (c, b, a) = (e.contributions?, e.brought_forward?, e.available?);
            Some(format!(
                "Prognos {}: {} tkr + eget kapital {} tkr = {} tkr.",
                y + e.offset,
                tkr(c),
                tkr(b),
                tkr(a)
            ))
        })
        .collect();
    if let Some(c) = f.row.as_ref().and_then(|r| r.equity_ceiling_sek) {
        paragraphs.push(format!("Förbundets tak för eget kapital: {} tkr.", tkr(c)));
    }
    let mut tables = vec![Table {
        key: "eget-kapital",
        caption: "Medlemsbidrag och eget kapital (tkr)".into(),
        columns: vec![
            col("År", ColumnKind::Text),
            col("Parternas medel", ColumnKind::Money),
            col("Eget kapital, ingående", ColumnKind::Money),
            col("Medel inkl. eget kapital", ColumnKind::Money),
            col("Budget", ColumnKind::Money),
            col("Förbrukat av eget kapital", ColumnKind::Money),
            col("Eget kapital, utgående", ColumnKind::Money),
            col("Varning", ColumnKind::Text),
        ],
        rows,
    }];
    if !f.contributions.is_empty() {
        let total: i64 = f.contributions.iter().map(|c| c.amount_sek).sum();
        let mut rows: Vec<Row> = f
            .contributions
            .iter()
            .map(|c| Row {
                kind: RowKind::Line,
                cells: vec![
                    Cell::Text(c.member.name.clone()),
                    Cell::Money(c.amount_sek),
                    share((total > 0).then(|| c.amount_sek as f64 * 100.0 / total as f64)),
                ],
            })
            .collect();
        rows.push(Row {
            kind: RowKind::Total,
            cells: vec![
                Cell::Text("Summa".into()),
                Cell::Money(total),
                Cell::Percent(100.0),
            ],
        });
        tables.push(Table {
            key: "medlemsbidrag",
            caption: format!("Medlemmarnas bidrag {y} (tkr)"),
            columns: vec![
                col("Medlem", ColumnKind::Text),
                col("Bidrag", ColumnKind::Money),
                col("Andel", ColumnKind::Percent),
            ],
            rows,
        });
        if let Some(s) = f.shares() {
            paragraphs.push(format!(
                "Staten (Försäkringskassan och Arbetsförmedlingen) står för {}, regionen för {} och kommunerna för {}.{}",
                percent(s.state_percent),
                percent(s.region_percent),
                percent(s.municipalities_percent),
                if s.departs {
                    " Fördelningen avviker från lagens: staten ska stå för hälften (lag (2003:1210) om finansiell samordning av rehabiliteringsinsatser, 7 §)."
                } else {
                    ""
                }
            ));
        }
    }
    Section {
        key: "medel",
        heading: "Medlemsbidrag och eget kapital".into(),
        paragraphs,
        tables,
    }
}

pub(super) fn stated_section(r: &Report) -> Section {
    let figures = r.figures();
    let rows: Vec<Row> = figures
        .iter()
        .filter(|f| f.reported.is_some())
        .map(|f| {
            let value = |v: Option<i64>| match v {
                Some(v) if f.figure.is_percent() => Cell::Percent(v as f64),
                Some(v) => Cell::Money(v),
                None => Cell::Empty,
            };
            Row {
                kind: RowKind::Line,
                cells: vec![
                    Cell::Text(figure_name(f.figure).into()),
                    Cell::Text(f.year.to_string()),
                    value(f.computed),
                    value(f.reported),
                    value(f.difference()),
                ],
            }
        })
        .collect();
    let differing = figures.iter().filter(|f| f.difference().is_some()).count();
    Section {
        key: "redovisat",
        heading: "Redovisade och beräknade belopp".into(),
        paragraphs: vec![if differing == 0 {
            "Rapportens redovisade belopp stämmer med de beräknade.".into()
        } else {
            format!(
                "{differing} av rapportens redovisade belopp skiljer sig från de beräknade; båda visas."
            )
        }],
        tables: vec![Table {
            key: "redovisat",
            caption: "Redovisat i rapporten mot beräknat ur uppgifterna (tkr)".into(),
            columns: vec![
                col("Belopp", ColumnKind::Text),
                col("År", ColumnKind::Text),
                col("Beräknat", ColumnKind::Money),
                col("Redovisat", ColumnKind::Money),
                col("Skillnad", ColumnKind::Money),
            ],
            rows,
        }],
    }
}
