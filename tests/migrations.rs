//! The migrations run up, down and up again, on SQLite and (in `.ci/run`)
//! PostgreSQL, and leave every table of the domain in place.

use crate::common;

use finsam_migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};

/// Tables of the schema, without the migrations' own bookkeeping (and, on
/// SQLite, without the search index's virtual and shadow tables and the
/// data's version).
async fn tables(db: &sea_orm::DatabaseConnection) -> i64 {
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            "SELECT count(*) AS n FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('seaql_migrations', 'data_version')"
        }
        _ => {
            "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'seaql_migrations'"
        }
    };
    count(db, sql).await
}

/// The search index: SQLite's trigram table, or PostgreSQL's pg_trgm index
/// (the server CI starts has the extension).
async fn search_indexes(db: &sea_orm::DatabaseConnection) -> i64 {
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'insats_search'"
        }
        _ => "SELECT count(*) AS n FROM pg_indexes WHERE indexname = 'ix_insats_search_trgm'",
    };
    count(db, sql).await
}

async fn count(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    let statement = Statement::from_string(db.get_database_backend(), sql);
    let row = db
        .query_one_raw(statement)
        .await
        .expect("count")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("n")
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    let url = common::fresh_database_url().await;
    let mut settings = finsam_api::Settings::load(None).expect("settings");
    settings.database.url = url.clone();
    let db = finsam_api::db::connect(&settings.database, None)
        .await
        .expect("connect");
    Migrator::up(&db, None).await.expect("up");
    assert_eq!(tables(&db).await, 31, "the whole domain");
    assert_eq!(search_indexes(&db).await, 1, "the search index");
    Migrator::down(&db, None).await.expect("down");
    assert_eq!(tables(&db).await, 0, "down removes every table");
    assert_eq!(search_indexes(&db).await, 0);
    Migrator::up(&db, None).await.expect("up again");
    assert_eq!(tables(&db).await, 31);
    assert_eq!(search_indexes(&db).await, 1);
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        // Every table moves the data's version on every change (kept
        // answers are served only while it stands): a table a migration
        // adds without `watch` fails here.
        let unwatched = count(
            &db,
            "SELECT count(*) AS n FROM pragma_table_list t WHERE t.schema = 'main' AND t.type = 'table' \
             AND t.name NOT LIKE 'sqlite_%' AND t.name NOT IN ('seaql_migrations', 'data_version') \
             AND (SELECT count(*) FROM sqlite_master g WHERE g.type = 'trigger' AND g.tbl_name = t.name \
                  AND g.name IN ('data_version_insert_' || t.name, 'data_version_update_' || t.name, 'data_version_delete_' || t.name)) < 3",
        )
        .await;
        assert_eq!(
            unwatched, 0,
            "tables whose changes do not move the data's version"
        );
        let before = finsam_api::db::data_version(&db).await.expect("a version");
        for no_row in [
            "UPDATE forbund SET notes = notes WHERE id < 0",
            "DELETE FROM insats_goal WHERE id < 0",
        ] {
            db.execute_unprepared(no_row)
                .await
                .expect("a change of no row");
        }
        assert_eq!(
            finsam_api::db::data_version(&db).await.expect("a version"),
            before,
            "no row changed"
        );
        db.execute_unprepared("INSERT INTO reference_version (id, value) VALUES (2, 0)")
            .await
            .expect("an insert");
        assert_ne!(
            finsam_api::db::data_version(&db).await.expect("a version"),
            before,
            "a row inserted"
        );
    }
    let pending = Migrator::get_pending_migrations(&db).await.expect("status");
    assert!(pending.is_empty());
    if let Some(path) = url.strip_prefix("sqlite://") {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }
}
