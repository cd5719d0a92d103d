//! Root queries, one module per area, merged into `QueryRoot`.

mod audit;
mod dso;
mod federation;
mod forbund;
mod indicator;
mod insats;
mod me;
mod meeting;

#[derive(async_graphql::MergedObject, Default)]
pub struct QueryRoot(
    me::MeQuery,
    forbund::ForbundQuery,
    dso::DsoQuery,
    insats::InsatsQuery,
    meeting::MeetingQuery,
    indicator::IndicatorQuery,
    audit::AuditQuery,
    federation::EntityQuery,
);
