//! An index for one record's history (`auditLog(entity:, entityId:)`, the
//! history on an insats's page): its entries, newest first, without reading
//! the rest of the log.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000009_record_history"
    }
}

const NAME: &str = "ix_audit_log_record";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table("audit_log")
                    .col("entity")
                    .col("entity_id")
                    .col("id")
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(NAME).table("audit_log").to_owned())
            .await
    }
}
