//! Root queries, one module per area, merged into `QueryRoot`, named
//! `Query` in the schema as every GraphQL tool and registry expects.

mod audit;
mod dso;
mod federation;
mod finance;
mod forbund;
mod indicator;
mod insats;
mod me;
mod meeting;
mod node;

#[derive(async_graphql::MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    me::MeQuery,
    forbund::ForbundQuery,
    dso::DsoQuery,
    insats::InsatsQuery,
    meeting::MeetingQuery,
    indicator::IndicatorQuery,
    finance::FinanceQuery,
    audit::AuditQuery,
    federation::EntityQuery,
    node::NodeQuery,
);
