//! `Forbund` and its parties, predecessors and successor.

use std::sync::Arc;

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use finsam_entity::{forbund, forbund_member};

use super::Date;
use crate::domain;
use crate::graphql::loaders;

/// The kind of party that is a member of a förbund.
pub use crate::record::forbund::MemberKind;

/// A party of a förbund and its share of the funding, where reported.
pub struct ForbundMember(pub forbund_member::Model);

#[Object]
impl ForbundMember {
    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn kind(&self) -> Option<MemberKind> {
        Some(self.0.kind.into())
    }

    /// Percent of the förbund's funding this party pays, when reported.
    async fn funding_share_percent(&self) -> Option<f64> {
        self.0.funding_share_percent
    }
}

/// A funding group's statutory share (law 2003:1210 § 7) and its parties.
#[derive(SimpleObject)]
pub struct FundingGroupShare {
    /// STATE, REGION or MUNICIPALITIES.
    group: String,
    /// The share the law gives the group, in percent.
    statutory_percent: f64,
    /// The sum of the reported shares of the group's parties, when any are reported.
    reported_percent: Option<f64>,
}

/// Money allocated to a förbund for a year (medelstilldelning).
pub struct ForbundAllocation(pub finsam_entity::forbund_allocation::Model);

/// What a yearly allocation is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "finsam_entity::value::AllocationKind")]
pub enum AllocationKind {
    /// All parties together.
    Total,
    /// The state's preliminary share.
    StatePreliminary,
}

#[Object]
impl ForbundAllocation {
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// Whole SEK.
    async fn amount_sek(&self) -> i64 {
        self.0.amount_sek
    }

    async fn kind(&self) -> AllocationKind {
        self.0.kind.into()
    }

    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

/// The changes the caller may make in one förbund (`Forbund.viewerCan`).
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ForbundViewerCan {
    #[graphql(skip)]
    pub forbund: Arc<forbund::Model>,
    /// `updateForbund`.
    pub update: bool,
    /// `createInsats` for this förbund.
    pub create_insats: bool,
    /// `createMeeting` (and its decisions) for this förbund.
    pub create_meeting: bool,
    /// `upsertIndicatorResults` for this förbund.
    pub write_indicator_results: bool,
    /// Joining, leaving and answering DSO-ring proposals for this förbund.
    pub manage_dso_membership: bool,
    /// The förbund's budget, its lines and its reports
    /// (`saveFinanceYear`, `createBudgetLine`, `saveFinanceReport`).
    pub edit_finances: bool,
    /// Its finances of years no report has published.
    pub read_finances: bool,
}

#[async_graphql::ComplexObject]
impl ForbundViewerCan {
    /// Its history: its own audit log (`auditLog` with `entityId`).
    async fn read_history(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        super::audit::may_read_history(ctx, &self.forbund).await
    }
}

/// A samordningsförbund.
#[derive(Clone)]
pub struct Forbund(pub Arc<forbund::Model>);

impl From<forbund::Model> for Forbund {
    fn from(row: forbund::Model) -> Self {
        Forbund(Arc::new(row))
    }
}

/// Förbund are read from the request's snapshot of the reference data (one
/// read per request, not one per field).
impl Forbund {
    pub(crate) async fn by_id(ctx: &Context<'_>, id: i32) -> async_graphql::Result<Option<Self>> {
        Ok(crate::graphql::reference(ctx)
            .await?
            .forbund_by_id(id)
            .cloned()
            .map(Forbund))
    }

    pub(crate) async fn by_slug(
        ctx: &Context<'_>,
        slug: &str,
    ) -> async_graphql::Result<Option<Self>> {
        Ok(crate::graphql::reference(ctx)
            .await?
            .forbund_by_slug(slug)
            .cloned()
            .map(Forbund))
    }

    /// The förbund a row refers to by foreign key: it exists.
    pub(crate) async fn referred(ctx: &Context<'_>, id: i32) -> async_graphql::Result<Self> {
        Self::by_id(ctx, id)
            .await?
            .ok_or_else(|| async_graphql::Error::new("förbund not found"))
    }
}

#[Object]
impl Forbund {
    /// The förbund's global id (`node(id:)`); other subgraphs know förbund
    /// by `slug`, their key.
    pub(crate) async fn id(&self) -> ID {
        ID(crate::record::id::global(
            crate::record::id::NodeKind::Forbund,
            self.0.id,
        ))
    }

    /// Stable key for URLs and queries, e.g. `vasteras`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The förbund's name; other subgraphs of a federated graph may
    /// resolve it too.
    #[graphql(shareable)]
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Organisation number `NNNNNN-NNNN`, when known.
    async fn org_number(&self) -> Option<&str> {
        self.0.org_number.as_deref()
    }

    /// The county (län).
    async fn county(&self) -> &str {
        &self.0.county
    }

    async fn founded_on(&self) -> Option<Date> {
        self.0.founded_on.map(Date)
    }

    async fn dissolved_on(&self) -> Option<Date> {
        self.0.dissolved_on.map(Date)
    }

    /// Whether the förbund exists on `on` (default today).
    async fn active(&self, ctx: &Context<'_>, on: Option<Date>) -> async_graphql::Result<bool> {
        let day = match on {
            Some(d) => d.0,
            None => crate::graphql::today(ctx)?,
        };
        Ok(self.0.founded_on.is_none_or(|f| f <= day)
            && self.0.dissolved_on.is_none_or(|d| d >= day))
    }

    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    /// Optimistic-concurrency version; pass it back to `updateForbund`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// What the caller may do in this förbund, by the rules the mutations
    /// check: an app offers the forms that will work, and only those.
    async fn viewer_can(&self, ctx: &Context<'_>) -> async_graphql::Result<ForbundViewerCan> {
        use crate::auth::policy::{Action, allows};
        let principal = &crate::graphql::caller(ctx)?.principal;
        let forbund = self.0.slug.as_str();
        let content = allows(principal, Action::EditForbundContent { forbund });
        Ok(ForbundViewerCan {
            forbund: self.0.clone(),
            update: allows(principal, Action::ManageNetwork),
            create_insats: content,
            create_meeting: content,
            write_indicator_results: allows(principal, Action::WriteIndicatorResults { forbund }),
            manage_dso_membership: allows(principal, Action::ManageDsoMembership { forbund }),
            edit_finances: content,
            read_finances: allows(
                principal,
                Action::ReadFinances {
                    forbund,
                    published: false,
                },
            ),
        })
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// The parties: kommuner, region, Försäkringskassan, Arbetsförmedlingen.
    async fn members(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ForbundMember>> {
        let snapshot = crate::graphql::reference(ctx).await?;
        Ok(snapshot
            .members_of(self.0.id)
            .iter()
            .cloned()
            .map(ForbundMember)
            .collect())
    }

    /// Money allocated per year; null for anonymous callers, like all money.
    async fn allocations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<ForbundAllocation>>> {
        let principal = &crate::graphql::caller(ctx)?.principal;
        let allowed = crate::auth::policy::allows(
            principal,
            crate::auth::policy::Action::ReadInsatsMoney {
                owner: &self.0.slug,
            },
        );
        if !allowed {
            return Ok(None);
        }
        let rows = loaders(ctx)?.allocations.load_one(self.0.id).await?;
        Ok(Some(
            rows.unwrap_or_default()
                .into_iter()
                .map(ForbundAllocation)
                .collect(),
        ))
    }

    /// The förbund's budget of `year` with its plan for the two years
    /// after; null when there is none or the year is not the caller's to
    /// read (a published report makes it public; DESIGN.md, "Finances").
    async fn finances(
        &self,
        ctx: &Context<'_>,
        year: i32,
    ) -> async_graphql::Result<Option<super::finance::FinanceYear>> {
        // A year the finances can hold, before anything counts from it (the
        // forecast's two plan years follow it).
        crate::record::finance::check_year("year", year)?;
        let finances = &loaders(ctx)?.finances;
        finances.loader().0.owner(&self.0);
        let found = finances.load_one((self.0.id, year)).await?;
        Ok(found.map(super::finance::FinanceYear))
    }

    /// The stored reports on the förbund's finances from `fromYear` to
    /// `toYear` (at most ten years) that the caller may read, newest first.
    async fn finance_reports(
        &self,
        ctx: &Context<'_>,
        from_year: i32,
        to_year: i32,
    ) -> async_graphql::Result<Vec<super::finance::FinanceReportListed>> {
        crate::service::finance::check_report_years(from_year, to_year)?;
        let reports = &loaders(ctx)?.finance_reports;
        reports.loader().0.owner(&self.0);
        let found = reports
            .load_one((self.0.id, from_year, to_year))
            .await?
            .unwrap_or_default();
        Ok(found
            .iter()
            .cloned()
            .map(|r| super::finance::FinanceReportListed::new(&self.0.slug, r))
            .collect())
    }

    /// The three statutory funding groups with the shares reported for them.
    async fn funding(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<FundingGroupShare>> {
        use domain::forbund::FundingGroup;
        let snapshot = crate::graphql::reference(ctx).await?;
        let rows = snapshot.members_of(self.0.id);
        Ok(FundingGroup::ALL
            .iter()
            .map(|group| {
                let shares: Vec<f64> = rows
                    .iter()
                    .filter(|m| domain::forbund::funding_group(m.kind) == *group)
                    .filter_map(|m| m.funding_share_percent)
                    .collect();
                FundingGroupShare {
                    group: match group {
                        FundingGroup::State => "STATE",
                        FundingGroup::Region => "REGION",
                        FundingGroup::Municipalities => "MUNICIPALITIES",
                    }
                    .to_string(),
                    statutory_percent: group.statutory_percent(),
                    reported_percent: (!shares.is_empty()).then(|| shares.iter().sum()),
                }
            })
            .collect())
    }

    /// Who is this förbund's data protection officer on `on` (default
    /// today); null when it has none.
    async fn dso(
        &self,
        ctx: &Context<'_>,
        on: Option<Date>,
    ) -> async_graphql::Result<Option<super::dso::DsoAssignment>> {
        let day = super::dso::today(ctx, on).await?;
        Ok(crate::graphql::reference(ctx)
            .await?
            .assignment_on(self.0.id, day, true)
            .cloned()
            .map(super::dso::DsoAssignment))
    }

    /// Whom this förbund's DSO serves on `on` (default today).
    async fn dso_serves(
        &self,
        ctx: &Context<'_>,
        on: Option<Date>,
    ) -> async_graphql::Result<Option<super::dso::DsoAssignment>> {
        let day = super::dso::today(ctx, on).await?;
        Ok(crate::graphql::reference(ctx)
            .await?
            .assignment_on(self.0.id, day, false)
            .cloned()
            .map(super::dso::DsoAssignment))
    }

    /// The insatser of this förbund the caller may see (a `forbund` in the
    /// filter is replaced by this one).
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn insatser(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "Also the insatser of the förbund that merged into this one."
        )]
        include_predecessors: bool,
        filter: Option<crate::graphql::insats_list::InsatsFilter>,
        order_by: Option<crate::graphql::insats_list::InsatsOrder>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<super::insats::InsatsConnection> {
        let mut filter = filter.unwrap_or_default().parse()?;
        filter.forbund = Some(vec![self.0.slug.clone()]);
        filter.include_predecessors = include_predecessors;
        crate::graphql::insats_list::insats_page(ctx, filter, order_by, first, after, Some(&self.0))
            .await
    }

    /// Key figures per year (participants, closures, share to work or studies).
    async fn key_figures(
        &self,
        ctx: &Context<'_>,
        year: Option<i32>,
    ) -> async_graphql::Result<Vec<super::statistics::KeyFigures>> {
        let rows = loaders(ctx)?
            .key_figures
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .filter(|k| year.is_none_or(|y| k.year == y))
            .map(super::statistics::KeyFigures::from)
            .collect())
    }

    /// The förbund this one merged into.
    async fn successor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forbund>> {
        match self.0.successor_id {
            Some(id) => Forbund::by_id(ctx, id).await,
            None => Ok(None),
        }
    }

    /// The förbund that merged into this one.
    async fn predecessors(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Forbund>> {
        let snapshot = crate::graphql::reference(ctx).await?;
        Ok(snapshot
            .predecessors_of(self.0.id)
            .into_iter()
            .cloned()
            .map(Forbund)
            .collect())
    }
}

/// The count behind a `forbundList`, computed only when asked for.
pub struct ForbundListTotal {
    pub county: Option<String>,
}

#[Object]
impl ForbundListTotal {
    /// How many förbund match, on all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let snapshot = crate::graphql::reference(ctx).await?;
        Ok(snapshot
            .forbund
            .iter()
            .filter(|f| self.county.as_ref().is_none_or(|c| &f.county == c))
            .count() as u64)
    }
}

pub type ForbundConnection = Connection<String, Forbund, ForbundListTotal, EmptyFields>;
