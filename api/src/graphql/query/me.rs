//! The root `me` query: the caller as its token describes it.

use async_graphql::{Context, Object};

use crate::graphql::caller;
use crate::graphql::types::PrincipalObject;

#[derive(Default)]
pub struct MeQuery;

#[Object]
impl MeQuery {
    /// The caller as the token describes it; null when not signed in.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PrincipalObject>> {
        let caller = caller(ctx)?;
        Ok((!caller.principal.is_anonymous()).then(|| PrincipalObject(caller.principal.clone())))
    }
}
