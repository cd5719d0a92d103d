//! `me`: who the API takes the caller to be.

use async_graphql::{Context, Object};

use super::dso_proposal::DsoProposal;
use super::{Forbund, Insats};
use crate::auth::{Principal, Role};
use crate::graphql::reader;
use crate::service;

pub struct PrincipalObject(pub Principal);

/// The signed-in caller as the token describes it.
#[Object(name = "Principal")]
impl PrincipalObject {
    /// The token's subject.
    async fn sub(&self) -> Option<&str> {
        self.0.sub.as_deref()
    }

    /// The förbund the caller's tenant roles apply to.
    async fn forbund(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forbund>> {
        let Some(slug) = &self.0.forbund else {
            return Ok(None);
        };
        Ok(service::forbund::by_slug(reader(ctx)?, slug)
            .await?
            .map(Forbund::from))
    }

    /// The roles the API recognised in the token (unknown ones are ignored).
    async fn roles(&self) -> &[Role] {
        &self.0.roles
    }

    /// What waits for the caller: proposals to answer, its förbund's own
    /// proposals waiting for others, reports due.
    async fn todo(&self, ctx: &Context<'_>) -> async_graphql::Result<Todo> {
        let caller = crate::graphql::caller(ctx)?;
        let today = crate::graphql::today(ctx)?;
        Ok(Todo(service::todo::of(reader(ctx)?, caller, today).await?))
    }

    /// The network-wide changes the caller may make, by the rules the
    /// mutations check (what a förbund's or an insats's `viewerCan` does not
    /// cover: there is no object to ask before it exists).
    async fn viewer_can(&self) -> NetworkViewerCan {
        use crate::auth::policy::{Action, allows};
        let network = allows(&self.0, Action::ManageNetwork);
        NetworkViewerCan {
            create_forbund: network,
            create_dso_agreement: network,
            define_indicator: network,
            upsert_national_averages: network,
            manage_dso_ring: network,
        }
    }
}

/// Changes across the network (`me.viewerCan`).
#[derive(async_graphql::SimpleObject)]
pub struct NetworkViewerCan {
    /// `createForbund`.
    pub create_forbund: bool,
    /// `createDsoAgreement`.
    pub create_dso_agreement: bool,
    /// `defineIndicator`.
    pub define_indicator: bool,
    /// `upsertNationalAverages`.
    pub upsert_national_averages: bool,
    /// `rearrangeDsoRing`, `correctDsoRingHistory` and `decideDsoProposal`.
    pub manage_dso_ring: bool,
}

/// What waits for the caller (`me.todo`): what its roles let it act on.
pub struct Todo(pub service::todo::Todo);

#[Object]
impl Todo {
    /// DSO-ring proposals that change the DSO of the caller's förbund and
    /// wait for its answer (for its admin, who answers them).
    async fn proposals_to_answer(&self) -> Vec<DsoProposal> {
        self.0.to_answer.iter().cloned().map(DsoProposal).collect()
    }

    /// The förbund's own proposals that other parties have not yet
    /// answered (for its admin, who may withdraw them).
    async fn own_proposals_waiting(&self) -> Vec<DsoProposal> {
        self.0
            .waiting_for_others
            .iter()
            .cloned()
            .map(DsoProposal)
            .collect()
    }

    /// Running insatser of the förbund without an outcome reported for the
    /// last half-year that ended (for its editors, who report them).
    async fn reports_due(&self) -> Vec<ReportDue> {
        self.0
            .reports_due
            .iter()
            .map(|r| ReportDue {
                insats: Insats::from(r.insats.clone()),
                period_from: r.period_from.into(),
                period_to: r.period_to.into(),
            })
            .collect()
    }

    /// How many things the caller can act on: proposals to answer and
    /// reports due (own proposals only wait, so they are not counted).
    async fn count(&self) -> i32 {
        i32::try_from(self.0.to_answer.len() + self.0.reports_due.len()).unwrap_or(i32::MAX)
    }
}

/// A half-year's outcome report not yet made for a running insats.
#[derive(async_graphql::SimpleObject)]
pub struct ReportDue {
    pub insats: Insats,
    pub period_from: crate::record::Date,
    pub period_to: crate::record::Date,
}
