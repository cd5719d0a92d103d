//! `me`: who the API takes the caller to be.

use async_graphql::{Context, Object};

use super::Forbund;
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
