//! An index a member's catalogue count reads instead of the table. What a
//! member may see is an `OR` — public or network, their own förbund's, or
//! shared with it (`service::insats::visibility`) — which no index
//! searches, so its `totalCount` read every row of `insats`, wide with
//! descriptions and search text: 1.9 ms at the network's 10 000. This one
//! holds every column that condition reads (the id is the row's key), so
//! SQLite counts from it: 0.6 ms.

use sea_orm_migration::prelude::*;

use crate::spec::run;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000013_member_count_index"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(
            manager,
            &["CREATE INDEX IF NOT EXISTS ix_insats_forbund_id_visibility ON insats (forbund_id, visibility)"],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(
            manager,
            &["DROP INDEX IF EXISTS ix_insats_forbund_id_visibility"],
        )
        .await
    }
}
