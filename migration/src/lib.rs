//! The database schema of finsam-graph as SeaORM migrations. The same migrations
//! run on SQLite (embedded default) and PostgreSQL (production).

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_initial;
mod m20261123_000002_filter_indexes;
mod m20261126_000003_indicator_reports;
mod m20261126_000004_reference_version;
mod m20261126_000005_search_index;
mod m20261126_000006_order_indexes;
mod m20261126_000007_search_vocabulary;
mod m20261201_000008_dso_proposals;
mod m20261202_000009_record_history;
mod m20261205_000010_proposal_effects;
mod m20261206_000011_finances;
mod m20261206_000012_catalogue_order_indexes;
mod m20261206_000013_member_count_index;
mod m20261206_000014_data_version;
mod spec;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_initial::Migration),
            Box::new(m20261123_000002_filter_indexes::Migration),
            Box::new(m20261126_000003_indicator_reports::Migration),
            Box::new(m20261126_000004_reference_version::Migration),
            Box::new(m20261126_000005_search_index::Migration),
            Box::new(m20261126_000006_order_indexes::Migration),
            Box::new(m20261126_000007_search_vocabulary::Migration),
            Box::new(m20261201_000008_dso_proposals::Migration),
            Box::new(m20261202_000009_record_history::Migration),
            Box::new(m20261205_000010_proposal_effects::Migration),
            Box::new(m20261206_000011_finances::Migration),
            Box::new(m20261206_000012_catalogue_order_indexes::Migration),
            Box::new(m20261206_000013_member_count_index::Migration),
            Box::new(m20261206_000014_data_version::Migration),
        ]
    }
}
