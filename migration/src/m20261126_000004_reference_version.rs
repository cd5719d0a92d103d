//! A counter every change to the reference data (förbund, their members, the
//! DSO-ring) increments in its own transaction, so every server process on
//! the database can tell within a second that its in-memory copy is stale.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000004_reference_version"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("reference_version")
                    .if_not_exists()
                    .col(integer("id").primary_key())
                    .col(big_integer("value").default(0))
                    .take(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared("INSERT INTO reference_version (id, value) VALUES (1, 0)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("reference_version").if_exists().take())
            .await
    }
}
