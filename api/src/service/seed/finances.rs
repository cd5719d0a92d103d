//! Förbund finances: budget years with their lines, and the reports their
//! boards received with the figures the papers state, each meeting the rules
//! the API applies (`record::finance`).

use async_graphql::ID;
use finsam_entity::{budget_line, finance_report, finance_year, reported_figure};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, Set};

use super::files::FinanceFile;
use super::insatser::Insatser;
use super::loader::Loader;
use super::{Slugs, id_of, refused};
use crate::record::finance::BudgetLineInput;
use crate::record::id::{NodeKind, global};

pub(super) async fn load<C: ConnectionTrait>(
    loader: &mut Loader<'_, C>,
    file: &FinanceFile,
    slugs: &Slugs,
    insatser: &Insatser,
) -> anyhow::Result<()> {
    for y in &file.year {
        let input = &y.year;
        let forbund_id = id_of(slugs, &input.forbund)?;
        input
            .check()
            .map_err(refused(format!("{} {}", input.forbund, input.year)))?;
        anyhow::ensure!(
            input.contributions_sek.is_none() && input.member_contributions.is_empty(),
            "seed finance year {} {}: contributions are the year's allocation (forbund.toml)",
            input.forbund,
            input.year
        );
        loader
            .row(
                "finance years",
                input,
                |i| {
                    Ok(finance_year::Column::ForbundId
                        .eq(forbund_id)
                        .and(finance_year::Column::Year.eq(i.year)))
                },
                |i| {
                    Ok(finance_year::ActiveModel {
                        forbund_id: Set(forbund_id),
                        year: Set(i.year),
                        contributions_plan1_sek: Set(i.contributions_plan1_sek),
                        contributions_plan2_sek: Set(i.contributions_plan2_sek),
                        equity_brought_forward_sek: Set(i.equity_brought_forward_sek),
                        equity_ceiling_sek: Set(i.equity_ceiling_sek),
                        note: Set(i.note.clone()),
                        ..Default::default()
                    })
                },
            )
            .await?;
        let mut lines = Vec::new();
        for (n, l) in y.lines.iter().enumerate() {
            let insats_id = match &l.insats {
                Some(name) => {
                    Some(*insatser.get(&(forbund_id, name.clone())).ok_or_else(|| {
                        anyhow::anyhow!("seed budget line refers to unknown insats {name:?}")
                    })?)
                }
                None => None,
            };
            let line = BudgetLineInput {
                forbund: input.forbund.clone(),
                year: input.year,
                group: l.group,
                name: l.name.clone(),
                insats: insats_id.map(|i| ID(global(NodeKind::Insats, i))),
                budget_sek: l.budget_sek,
                outcome_sek: l.outcome_sek,
                outcome_through: l.outcome_through,
                plan1_sek: l.plan1_sek,
                plan2_sek: l.plan2_sek,
                position: Some(n as i32 + 1),
            };
            let name = line.check().map_err(refused(&l.name))?;
            lines.push((line, name, insats_id));
        }
        loader
            .rows(
                "budget lines",
                &lines,
                |(line, name, _)| {
                    Ok(budget_line::Column::ForbundId
                        .eq(forbund_id)
                        .and(budget_line::Column::Year.eq(line.year))
                        .and(
                            budget_line::Column::LineGroup
                                .eq(finsam_entity::value::BudgetGroup::from(line.group)),
                        )
                        .and(budget_line::Column::Name.eq(name.as_str())))
                },
                |(line, name, insats_id)| {
                    Ok(budget_line::ActiveModel {
                        forbund_id: Set(forbund_id),
                        year: Set(line.year),
                        line_group: Set(line.group.into()),
                        name: Set(name.clone()),
                        insats_id: Set(*insats_id),
                        budget_sek: Set(line.budget_sek),
                        outcome_sek: Set(line.outcome_sek),
                        outcome_through: Set(line.outcome_through.as_ref().map(|d| d.0)),
                        plan1_sek: Set(line.plan1_sek),
                        plan2_sek: Set(line.plan2_sek),
                        position: Set(line.position.unwrap_or(0)),
                        ..Default::default()
                    })
                },
            )
            .await?;
    }
    for r in &file.report {
        let forbund_id = id_of(slugs, &r.forbund)?;
        let title = r
            .check()
            .map_err(refused(format!("{} {}", r.forbund, r.through.0)))?;
        let (report_id, _) = loader
            .row(
                "finance reports",
                r,
                |r| {
                    Ok(finance_report::Column::ForbundId
                        .eq(forbund_id)
                        .and(finance_report::Column::Year.eq(r.year))
                        .and(finance_report::Column::Through.eq(r.through.0)))
                },
                |r| {
                    Ok(finance_report::ActiveModel {
                        forbund_id: Set(forbund_id),
                        year: Set(r.year),
                        through: Set(r.through.0),
                        title: Set(title.clone()),
                        published: Set(r.publishes()),
                        published_on: Set(r.published_on.as_ref().map(|d| d.0)),
                        decision_id: Set(None),
                        ..Default::default()
                    })
                },
            )
            .await?;
        loader
            .rows(
                "reported figures",
                &r.reported_figures,
                |f| {
                    Ok(reported_figure::Column::ReportId
                        .eq(report_id)
                        .and(
                            reported_figure::Column::Figure
                                .eq(finsam_entity::value::FinanceFigure::from(f.figure)),
                        )
                        .and(reported_figure::Column::Year.eq(f.year)))
                },
                |f| {
                    Ok(reported_figure::ActiveModel {
                        report_id: Set(report_id),
                        figure: Set(f.figure.into()),
                        year: Set(f.year),
                        value: Set(f.value),
                        ..Default::default()
                    })
                },
            )
            .await?;
    }
    Ok(())
}
