//! Mutations on a förbund's finances. The records come from
//! `record::finance`; `service::finance::write` applies policy, rules and
//! audit.

use std::sync::Arc;

use async_graphql::{Context, ID, Object};

use super::{SignedIn, parse_key};
use crate::graphql::types::finance::{BudgetLine, FinanceYear};
use crate::graphql::types::finance_report::FinanceReport;
use crate::graphql::{caller, services};
use crate::record::finance::{BudgetLineInput, FinanceReportInput, FinanceYearInput};
use crate::service;

#[derive(Default)]
pub struct FinanceMutation;

/// The year's finances as the caller now reads them, after a change.
async fn year_after(
    ctx: &Context<'_>,
    forbund_id: i32,
    year: i32,
) -> async_graphql::Result<FinanceYear> {
    let owner = crate::graphql::types::Forbund::referred(ctx, forbund_id).await?;
    let finances = service::finance::load(&services(ctx)?.db, &owner.0, year).await?;
    Ok(FinanceYear(Arc::new(finances)))
}

#[Object]
impl FinanceMutation {
    /// A förbund's budget of a year with its plan for the two years after,
    /// and its members' contributions (its editor or admin). Without
    /// `version` it is created; with it, replaced.
    #[graphql(guard = "SignedIn")]
    async fn save_finance_year(
        &self,
        ctx: &Context<'_>,
        input: FinanceYearInput,
        version: Option<i32>,
    ) -> async_graphql::Result<FinanceYear> {
        let row = service::finance::write::save_year(services(ctx)?, caller(ctx)?, input, version)
            .await?;
        year_after(ctx, row.forbund_id, row.year).await
    }

    /// A line of a förbund's budget of a year.
    #[graphql(guard = "SignedIn")]
    async fn create_budget_line(
        &self,
        ctx: &Context<'_>,
        input: BudgetLineInput,
    ) -> async_graphql::Result<BudgetLine> {
        let row = service::finance::lines::create_line(services(ctx)?, caller(ctx)?, input).await?;
        line_after(ctx, row).await
    }

    /// Corrects a budget line (all its fields; its förbund stays), based
    /// on the `version` read.
    #[graphql(guard = "SignedIn")]
    async fn update_budget_line(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: BudgetLineInput,
    ) -> async_graphql::Result<BudgetLine> {
        let id = parse_key("id", &id)?;
        let row =
            service::finance::lines::update_line(services(ctx)?, caller(ctx)?, id, version, input)
                .await?;
        line_after(ctx, row).await
    }

    /// Removes a budget line, based on the `version` read; returns it as it
    /// was.
    #[graphql(guard = "SignedIn")]
    async fn delete_budget_line(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
    ) -> async_graphql::Result<ID> {
        let key = parse_key("id", &id)?;
        let row = service::finance::lines::delete_line(services(ctx)?, caller(ctx)?, key, version)
            .await?;
        Ok(ID(row.id.to_string()))
    }

    /// A report on a förbund's finances for a period, with the figures its
    /// paper states. Without `version` it is created; with it, replaced.
    /// `publishedOn` makes it a public document, and it stays one.
    #[graphql(guard = "SignedIn")]
    async fn save_finance_report(
        &self,
        ctx: &Context<'_>,
        input: FinanceReportInput,
        version: Option<i32>,
    ) -> async_graphql::Result<FinanceReport> {
        let slug = input.forbund.clone();
        let row =
            service::finance::publish::save_report(services(ctx)?, caller(ctx)?, input, version)
                .await?;
        let report = service::finance::report::report(
            services(ctx)?,
            &services(ctx)?.db,
            &caller(ctx)?.principal,
            &slug,
            row.year,
            Some(row.through),
        )
        .await?
        .ok_or_else(|| async_graphql::Error::new("the report is not readable"))?;
        Ok(FinanceReport::new(report))
    }
}

/// The line as its year's finances resolve it (an insats line's amounts
/// are its insats's).
async fn line_after(
    ctx: &Context<'_>,
    row: finsam_entity::budget_line::Model,
) -> async_graphql::Result<BudgetLine> {
    let year = year_after(ctx, row.forbund_id, row.year).await?;
    year.0
        .lines
        .iter()
        .find(|l| l.row.id == row.id)
        .cloned()
        .map(BudgetLine)
        .ok_or_else(|| async_graphql::Error::new("the line is gone"))
}
