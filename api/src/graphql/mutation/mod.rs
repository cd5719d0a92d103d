//! Root mutations, one module per area, merged into `MutationRoot`.

mod dso;
mod forbund;
mod indicator;
mod insats;
mod meeting;

#[derive(async_graphql::MergedObject, Default)]
pub struct MutationRoot(
    forbund::ForbundMutation,
    dso::DsoMutation,
    insats::InsatsMutation,
    meeting::MeetingMutation,
    indicator::IndicatorMutation,
);

/// Reads an `ID` argument as a row id.
pub(crate) fn parse_id(field: &str, id: &async_graphql::ID) -> crate::error::ApiResult<i32> {
    id.parse::<i32>()
        .map_err(|_| crate::error::ApiError::bad_input(field, "not an id"))
}
