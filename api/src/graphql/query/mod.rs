//! Root queries, one module per area, merged into `QueryRoot`.

mod audit;
mod dso;
mod federation;
mod forbund;
mod indicator;
pub mod insats;
mod me;

#[derive(async_graphql::MergedObject, Default)]
pub struct QueryRoot(
    me::MeQuery,
    forbund::ForbundQuery,
    dso::DsoQuery,
    insats::InsatsQuery,
    indicator::IndicatorQuery,
    audit::AuditQuery,
    federation::EntityQuery,
);
