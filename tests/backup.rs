//! Backups of the embedded database: taken while the server serves and
//! writes, they restore to a database that passes SQLite's integrity check
//! and holds every write acknowledged before the backup began; a restore
//! under a running server is refused.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::TestApp;
use finsam_api::auth::Role;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use serde_json::json;

#[tokio::test]
async fn a_backup_during_writes_restores_every_acknowledged_write() {
    if std::env::var("FINSAM_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        // PostgreSQL: the commands say to use pg_dump and pg_restore.
        let mut settings = finsam_api::Settings::load(None).expect("settings");
        settings.database.url = "postgres://finsam:secret@localhost/finsam".into();
        let err = finsam_api::backup::backup(&settings.database, std::path::Path::new("/tmp/x"))
            .await
            .expect_err("no SQLite backup of PostgreSQL");
        assert!(err.to_string().contains("pg_dump") && !err.to_string().contains("secret"));
        return;
    }
    let app = TestApp::spawn().await;
    let editor = app.token(&[Role::Editor], Some("varend"));
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..4 {
        let (client, address, token) = (app.client.clone(), app.address.clone(), editor.clone());
        let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let body: serde_json::Value = client
                    .post(format!("{address}/graphql"))
                    .bearer_auth(&token)
                    .json(&json!({ "query": "mutation($n: String!) { createInsats(input: { forbund: \"varend\", name: $n }) { id } }",
                                   "variables": { "n": format!("Säkerhetskopia {writer}-{n}") } }))
                    .send()
                    .await
                    .expect("send")
                    .json()
                    .await
                    .expect("json");
                if let Some(id) = body["data"]["createInsats"]["id"].as_str() {
                    acknowledged.lock().expect("lock").push(id.to_string());
                }
                n += 1;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    let before: Vec<String> = acknowledged.lock().expect("lock").clone();
    assert!(
        before.len() > 10,
        "the writers are writing ({})",
        before.len()
    );
    let dir = std::env::temp_dir().join(format!("finsam-backup-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("finsam.backup.db");
    let report = finsam_api::backup::backup(&app.settings.database, &file)
        .await
        .expect("a backup while serving");
    assert!(report.contains("integrity ok"), "{report}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in writers {
        w.await.expect("writer");
    }
    assert!(
        acknowledged.lock().expect("lock").len() > before.len(),
        "writes went on during the backup"
    );

    // Not under the running server.
    let refused = finsam_api::backup::restore(&app.settings.database, &file)
        .await
        .expect_err("a server holds the database");
    assert!(refused.to_string().contains("stop it first"), "{refused}");

    // Into a database no server holds: restored, whole, with every write
    // acknowledged before the backup began.
    let mut target = app.settings.database.clone();
    let restored = dir.join("restored.db");
    target.url = format!("sqlite://{}", restored.display());
    let report = finsam_api::backup::restore(&target, &file)
        .await
        .expect("restore");
    assert!(report.contains("restored"), "{report}");
    let db = Database::connect(target.url.as_str())
        .await
        .expect("open the restore");
    let check = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await
        .expect("check")
        .expect("a row")
        .try_get_by_index::<String>(0)
        .expect("text");
    assert_eq!(check, "ok");
    let ids = before
        .iter()
        .map(|id| crate::common::row_key(id))
        .collect::<Vec<_>>()
        .join(",");
    let present = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            format!("SELECT count(*) FROM insats WHERE id IN ({ids})"),
        ))
        .await
        .expect("count")
        .expect("a row")
        .try_get_by_index::<i64>(0)
        .expect("n");
    assert_eq!(
        present as usize,
        before.len(),
        "every acknowledged write is in the backup"
    );
    db.close().await.ok();
    let _ = std::fs::remove_dir_all(&dir);
}
