//! An index for the catalogue's default order (name, then id): the first
//! page of `insatser` walks it and stops after the page instead of sorting
//! every row the caller may see, so it costs the same however large the
//! catalogue grows. Each förbund's own list walks the unique
//! (forbund_id, name) index of the first migration.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000006_order_indexes"
    }
}

const NAME: &str = "ix_insats_name_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table("insats")
                    .col("name")
                    .col("id")
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(NAME).table("insats").to_owned())
            .await
    }
}
