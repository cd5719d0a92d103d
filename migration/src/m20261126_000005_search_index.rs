//! An index for the catalogue's folded substring search (`search_text LIKE
//! '%term%'`), so a search costs what its matches cost, not what the whole
//! catalogue costs.
//!
//! - SQLite: an FTS5 table with the trigram tokenizer over `insats.search_text`
//!   as external content (no second copy of the text), kept in step by
//!   triggers. A quoted phrase of three or more characters matches exactly the
//!   rows whose text contains it; the service asks it for candidate ids and
//!   keeps its LIKE as the definition.
//! - PostgreSQL: a GIN index with `pg_trgm`'s operator class, which serves
//!   `LIKE '%term%'` as it stands. Creating the extension needs a privilege
//!   a production role may lack; then the migration notes it and the search
//!   scans, as before, rather than failing the deployment.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::spec::run;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000005_search_index"
    }
}

const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE insats_search USING fts5(search_text, content = 'insats', content_rowid = 'id', tokenize = 'trigram')",
    // External content: the index is told the old text on every change,
    // or it would keep trigrams for text no row has (FTS5 documentation,
    // "External Content Tables").
    "CREATE TRIGGER insats_search_insert AFTER INSERT ON insats BEGIN \
       INSERT INTO insats_search (rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER insats_search_delete AFTER DELETE ON insats BEGIN \
       INSERT INTO insats_search (insats_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER insats_search_update AFTER UPDATE OF search_text ON insats BEGIN \
       INSERT INTO insats_search (insats_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); \
       INSERT INTO insats_search (rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO insats_search (insats_search) VALUES ('rebuild')",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS insats_search_update",
    "DROP TRIGGER IF EXISTS insats_search_delete",
    "DROP TRIGGER IF EXISTS insats_search_insert",
    "DROP TABLE IF EXISTS insats_search",
];

const POSTGRES_UP: &[&str] = &[
    "DO $$ BEGIN
       CREATE EXTENSION IF NOT EXISTS pg_trgm;
     EXCEPTION WHEN OTHERS THEN
       RAISE NOTICE 'pg_trgm is not available (%); insatser search scans', SQLERRM;
     END $$",
    "DO $$ BEGIN
       IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
         CREATE INDEX IF NOT EXISTS ix_insats_search_trgm ON insats USING gin (search_text gin_trgm_ops);
       END IF;
     END $$",
];

// The extension stays: other schemas of the database may use it.
const POSTGRES_DOWN: &[&str] = &["DROP INDEX IF EXISTS ix_insats_search_trgm"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Sqlite => run(manager, SQLITE_UP).await,
            DbBackend::Postgres => run(manager, POSTGRES_UP).await,
            _ => Ok(()),
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Sqlite => run(manager, SQLITE_DOWN).await,
            DbBackend::Postgres => run(manager, POSTGRES_DOWN).await,
            _ => Ok(()),
        }
    }
}
