//! The trigram index's vocabulary, readable (SQLite only): each trigram with
//! the number of insatser whose search text holds it. A search asks the
//! index for its rarest trigrams only (`service::insats::search`), and these
//! counts say which are rarest. An `fts5vocab` table stores nothing of its
//! own; it reads the index it names.
//!
//! PostgreSQL's `pg_trgm` index weighs its trigrams itself; nothing to add.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000007_search_vocabulary"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Sqlite {
            manager
                .get_connection()
                .execute_unprepared(
                    "CREATE VIRTUAL TABLE insats_search_vocab USING fts5vocab(insats_search, row)",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Sqlite {
            manager
                .get_connection()
                .execute_unprepared("DROP TABLE IF EXISTS insats_search_vocab")
                .await?;
        }
        Ok(())
    }
}
