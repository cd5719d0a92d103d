//! A version of everything stored, on SQLite: one counter that a trigger on
//! every table moves in the transaction that changes it, so a commit by any
//! process, the command line or a hand at the `sqlite3` prompt moves it with
//! its rows. The server keeps answers that read storage under it and serves
//! one again only while it has not moved (`graphql::answers`,
//! `db::data_version`). SQLite has no such number of its own: `PRAGMA
//! data_version` is each connection's, not comparable across a pool.
//!
//! PostgreSQL needs nothing here: its version is the transaction snapshot.
//!
//! A table a later migration adds is watched with `watch`; a test holds
//! every table to it (`tests/migrations.rs`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::spec::run;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000014_data_version"
    }
}

const KINDS: [&str; 3] = ["insert", "update", "delete"];

/// The three triggers that move the counter on every change to `table`
/// (SQLite only).
pub(crate) async fn watch(manager: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    for kind in KINDS {
        let sql = format!(
            "CREATE TRIGGER IF NOT EXISTS data_version_{kind}_{table} AFTER {} ON \"{table}\" \
             BEGIN UPDATE data_version SET value = value + 1 WHERE id = 1; END",
            kind.to_uppercase()
        );
        run(manager, &[&sql]).await?;
    }
    Ok(())
}

/// The tables of the schema, without SQLite's own, virtual tables and
/// their shadow tables (written only through a watched table's triggers).
async fn tables(manager: &SchemaManager<'_>) -> Result<Vec<String>, DbErr> {
    let db = manager.get_connection();
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name NOT IN ('seaql_migrations', 'data_version') \
             ORDER BY name",
        ))
        .await?;
    rows.iter().map(|r| r.try_get_by_index(0)).collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        run(
            manager,
            &[
                "CREATE TABLE IF NOT EXISTS data_version (id INTEGER PRIMARY KEY, value INTEGER NOT NULL DEFAULT 0)",
                "INSERT OR IGNORE INTO data_version (id, value) VALUES (1, 0)",
            ],
        )
        .await?;
        for table in tables(manager).await? {
            watch(manager, &table).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        for table in tables(manager).await? {
            for kind in KINDS {
                let sql = format!("DROP TRIGGER IF EXISTS data_version_{kind}_{table}");
                run(manager, &[&sql]).await?;
            }
        }
        run(manager, &["DROP TABLE IF EXISTS data_version"]).await
    }
}
