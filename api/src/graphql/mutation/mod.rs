//! Root mutations, one module per area, merged into `MutationRoot`, named
//! `Mutation` in the schema.

mod dso;
mod finance;
mod forbund;
mod indicator;
mod insats;
mod meeting;

#[derive(async_graphql::MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    forbund::ForbundMutation,
    dso::DsoMutation,
    insats::InsatsMutation,
    meeting::MeetingMutation,
    indicator::IndicatorMutation,
    finance::FinanceMutation,
);

/// Reads an `ID` argument naming a `kind` row: its global id, or its bare
/// key as earlier versions gave it (`record::id`).
pub(crate) fn parse_id(
    kind: crate::record::id::NodeKind,
    field: &str,
    id: &async_graphql::ID,
) -> crate::error::ApiResult<i32> {
    crate::record::id::key(kind, id)
        .ok_or_else(|| crate::error::ApiError::bad_input(field, crate::error::Rule::IdInvalid))
}

/// Reads an `ID` argument naming a part of a record (a goal of an insats),
/// which has no identity of its own outside it: its key.
pub(crate) fn parse_key(field: &str, id: &async_graphql::ID) -> crate::error::ApiResult<i32> {
    id.parse::<i32>()
        .map_err(|_| crate::error::ApiError::bad_input(field, crate::error::Rule::IdInvalid))
}

/// Every mutation is for signed-in callers (DESIGN.md, "Access"): checked
/// before a resolver reads any of its input, so an anonymous request is told
/// to sign in whatever it sent. The right to the particular change is the
/// service's to check, first thing, through the policy.
pub(crate) struct SignedIn;

impl async_graphql::Guard for SignedIn {
    async fn check(&self, ctx: &async_graphql::Context<'_>) -> async_graphql::Result<()> {
        let caller = crate::graphql::caller(ctx)?;
        crate::auth::policy::require_signed_in(&caller.principal)?;
        Ok(())
    }
}
