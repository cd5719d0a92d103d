//! Root queries on the DSO-ring: the ring on a day, the agreements, who is a
//! förbund's DSO and whom it serves, and the schedule of changes. Public
//! (GDPR art. 37(7): a DSO's contact is published).

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, Object};

use super::super::mutation::parse_id;
use crate::graphql::pagination::page_args;
use crate::graphql::types::Date;
use crate::graphql::types::dso::{
    DsoAgreement, DsoAssignment, DsoChange, DsoRing, DsoRingPeriod, today,
};
use crate::graphql::types::dso_proposal::{DsoProposal, DsoProposalConnection, DsoProposalTotal};
use crate::graphql::{reader, services};
use crate::record::id::NodeKind;
use crate::service;

#[derive(Default)]
pub struct DsoQuery;

fn optional_id(id: Option<ID>) -> crate::error::ApiResult<Option<i32>> {
    id.map(|i| parse_id(NodeKind::DsoAgreement, "agreement", &i))
        .transpose()
}

/// The assignment that serves the förbund (its DSO), or that its DSO serves.
async fn assignment(
    ctx: &Context<'_>,
    slug: &str,
    on: Option<Date>,
    as_provider: bool,
) -> async_graphql::Result<Option<DsoAssignment>> {
    let day = today(ctx, on).await?;
    let snapshot = crate::graphql::reference(ctx).await?;
    let Some(f) = snapshot.forbund_by_slug(slug) else {
        return Ok(None);
    };
    Ok(snapshot
        .assignment_on(f.id, day, !as_provider)
        .cloned()
        .map(DsoAssignment))
}

#[Object]
impl DsoQuery {
    /// The ring of an agreement on `on` (default today): members in ring
    /// order, the day's assignments, the period end and the notice deadline.
    /// Without `agreement`, the agreement in force that day.
    async fn dso_ring(
        &self,
        ctx: &Context<'_>,
        agreement: Option<ID>,
        on: Option<Date>,
        #[graphql(desc = "Slug of the member to list first.")] from: Option<String>,
    ) -> async_graphql::Result<Option<DsoRing>> {
        let day = today(ctx, on).await?;
        let view =
            service::dso::ring(reader(ctx)?, optional_id(agreement)?, day, from.as_deref()).await?;
        Ok(view.map(DsoRing))
    }

    /// The DSO-ring agreements, oldest first.
    async fn dso_agreements(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DsoAgreement>> {
        let rows = service::dso::agreements(reader(ctx)?).await?;
        Ok(rows.into_iter().map(DsoAgreement).collect())
    }

    /// Who is this förbund's DSO on `on` (default today); null if none.
    async fn dso_for(
        &self,
        ctx: &Context<'_>,
        forbund: String,
        on: Option<Date>,
    ) -> async_graphql::Result<Option<DsoAssignment>> {
        assignment(ctx, &forbund, on, false).await
    }

    /// Whom this förbund's DSO serves on `on` (default today); null if nobody.
    async fn dso_served_by(
        &self,
        ctx: &Context<'_>,
        forbund: String,
        on: Option<Date>,
    ) -> async_graphql::Result<Option<DsoAssignment>> {
        assignment(ctx, &forbund, on, true).await
    }

    /// The periods between `from` and `to` in which the ring stays the same.
    async fn dso_schedule(
        &self,
        ctx: &Context<'_>,
        agreement: Option<ID>,
        from: Date,
        to: Date,
    ) -> async_graphql::Result<Vec<DsoRingPeriod>> {
        let periods =
            service::dso::schedule(reader(ctx)?, optional_id(agreement)?, from.0, to.0).await?;
        Ok(periods.into_iter().map(DsoRingPeriod).collect())
    }

    /// What leaving would mean if notice were received on
    /// `noticeReceivedOn`: the last day, who takes over the förbund served,
    /// and the notice deadline for the current period. Nothing is written.
    async fn dso_leave_preview(
        &self,
        ctx: &Context<'_>,
        agreement: Option<ID>,
        forbund: String,
        notice_received_on: Date,
    ) -> async_graphql::Result<DsoChange> {
        let change = service::dso::leave_preview(
            services(ctx)?,
            optional_id(agreement)?,
            &forbund,
            notice_received_on.0,
        )
        .await?;
        Ok(DsoChange(change, None))
    }

    /// The DSO-ring proposals that concern a förbund — it is a party, or it
    /// asked — newest first: for anyone of that förbund, and network_admin.
    /// Without `forbund`, every proposal (network_admin only).
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn dso_proposals(
        &self,
        ctx: &Context<'_>,
        forbund: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<DsoProposalConnection> {
        let cursors = &crate::graphql::context(ctx)?.cursors;
        let page = page_args::<i32>(cursors, "dsoProposals", first, after)?;
        let caller = crate::graphql::caller(ctx)?;
        let (mut rows, total) = service::dso::proposals(
            reader(ctx)?,
            caller,
            forbund.as_deref(),
            page.after,
            page.limit + 1,
        )
        .await?;
        let has_next = rows.len() as u64 > page.limit;
        rows.truncate(page.limit as usize);
        let mut connection = Connection::with_additional_fields(
            page.after.is_some(),
            has_next,
            DsoProposalTotal {
                total_count: i32::try_from(total).unwrap_or(i32::MAX),
            },
        );
        let wanted = crate::graphql::pagination::EdgeCursors::of(ctx, rows.len());
        connection
            .edges
            .extend(rows.into_iter().enumerate().map(|(i, view)| {
                let id = view.proposal.id;
                Edge::new(
                    wanted.seal(cursors, "dsoProposals", i, || id),
                    DsoProposal(view),
                )
            }));
        Ok(connection)
    }

    /// One DSO-ring proposal; null when it does not exist or the caller may
    /// not see it.
    async fn dso_proposal(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<DsoProposal>> {
        let Some(id) = crate::record::id::key(NodeKind::DsoProposal, &id) else {
            return Ok(None);
        };
        let caller = crate::graphql::caller(ctx)?;
        Ok(service::dso::proposal(reader(ctx)?, caller, id)
            .await?
            .map(DsoProposal))
    }
}
