//! Root queries, one module per area, merged into `QueryRoot`.

mod dso;
mod forbund;
pub mod insats;
mod me;

#[derive(async_graphql::MergedObject, Default)]
pub struct QueryRoot(
    me::MeQuery,
    forbund::ForbundQuery,
    dso::DsoQuery,
    insats::InsatsQuery,
);
