//! The root `financeReport` query: a förbund's report on its finances for
//! a period, as its board receives it.

use async_graphql::{Context, Object};

use crate::graphql::types::Date;
use crate::graphql::types::finance_report::FinanceReport;
use crate::graphql::{caller, reader, services};
use crate::service;

#[derive(Default)]
pub struct FinanceQuery;

#[Object]
impl FinanceQuery {
    /// The report on förbund `forbund`'s finances for `year` through
    /// `through` (the year's latest stored report, or the whole year, when
    /// not given). Null when the förbund does not exist or the period is
    /// not the caller's to read: a published report is read by anyone, any
    /// other period by the förbund's own staff and the network.
    async fn finance_report(
        &self,
        ctx: &Context<'_>,
        forbund: String,
        year: i32,
        through: Option<Date>,
    ) -> async_graphql::Result<Option<FinanceReport>> {
        crate::record::finance::check_year("year", year)?;
        crate::record::finance::check_in_year("through", through.as_ref(), year)?;
        let found = service::finance::report::report(
            services(ctx)?,
            reader(ctx)?,
            &caller(ctx)?.principal,
            &forbund,
            year,
            through.map(|d| d.0),
        )
        .await?;
        Ok(found.map(FinanceReport::new))
    }
}
