//! Indexes for filters added after the first schema: the audit log by entity
//! (`auditLog(entity: …)`), insatser by age range (`insatser(filter: { age })`).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000002_filter_indexes"
    }
}

const INDEXES: [(&str, &str, &[&str]); 3] = [
    ("ix_audit_log_entity_id", "audit_log", &["entity", "id"]),
    ("ix_insats_age_min", "insats", &["age_min"]),
    ("ix_insats_age_max", "insats", &["age_max"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, columns) in INDEXES {
            let mut index = Index::create();
            index.name(name).table(table).if_not_exists();
            for c in columns {
                index.col(*c);
            }
            manager.create_index(index.take()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
