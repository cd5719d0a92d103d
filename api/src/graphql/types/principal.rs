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
}
