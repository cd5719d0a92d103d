//! Backups of the embedded database, and restoring one.
//!
//! `backup` takes a consistent copy while the server keeps serving and
//! writing: SQLite's `VACUUM INTO` reads one snapshot (WAL readers never wait
//! for the writer) into a new, compact file, which is then checked with
//! `PRAGMA integrity_check`. `restore` replaces the database with a checked
//! backup, and refuses while a server holds the database: every server on an
//! SQLite file keeps a shared lock on `<file>.lock` while it runs (several
//! servers may share a file), and a restore needs that lock exclusively.
//! PostgreSQL has its own tools for both; for it these say which.

use std::fs::File;
use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

use crate::config::DatabaseSettings;

/// The SQLite file a database URL names, if it names one.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    crate::db::sqlite_path(url).map(PathBuf::from)
}

fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Held by a running server: while it lives, `restore` refuses.
pub struct ServerLock {
    _file: File,
}

fn lock_file(db: &Path) -> anyhow::Result<File> {
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    Ok(File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path(db))?)
}

/// Takes a server's shared lock on an SQLite database (nothing for
/// PostgreSQL); fails while a restore replaces the file.
pub fn lock_for_server(settings: &DatabaseSettings) -> anyhow::Result<Option<ServerLock>> {
    let Some(db) = sqlite_file(&settings.url) else {
        return Ok(None);
    };
    let file = lock_file(&db)?;
    match file.try_lock_shared() {
        Ok(()) => Ok(Some(ServerLock { _file: file })),
        Err(std::fs::TryLockError::WouldBlock) => {
            anyhow::bail!(
                "{} is being restored; start the server when that is done",
                db.display()
            )
        }
        Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
    }
}

/// The lock a restore holds: exclusive, so no server runs on the file.
fn lock_for_restore(db: &Path) -> anyhow::Result<File> {
    let file = lock_file(db)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "cannot restore: a finsam server is using {}; stop it first",
            db.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
    }
}

fn postgres_help(url: &str, what: &str) -> anyhow::Error {
    let safe = match url.split_once('@') {
        Some((scheme_user, host)) => {
            let scheme_user = scheme_user
                .rsplit_once(':')
                .filter(|(scheme, _)| !scheme.ends_with('/') && scheme.contains("//"))
                .map_or(scheme_user.to_string(), |(user, _)| format!("{user}:****"));
            format!("{scheme_user}@{host}")
        }
        None => url.to_string(),
    };
    let command = match what {
        "backup" => format!("pg_dump --format=custom --file=finsam.dump '{safe}'"),
        _ => format!("pg_restore --clean --if-exists --dbname='{safe}' finsam.dump"),
    };
    anyhow::anyhow!(
        "the database is PostgreSQL: use its own tools, which take consistent online copies:\n  {command}"
    )
}

async fn integrity(file: &Path) -> anyhow::Result<(String, i64)> {
    let db = Database::connect(format!("sqlite://{}?mode=ro", file.display())).await?;
    let check = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await?
        .ok_or_else(|| anyhow::anyhow!("no answer to the integrity check"))?
        .try_get_by_index::<String>(0)?;
    let migrations = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT count(*) FROM seaql_migrations",
        ))
        .await
        .map_err(|_| {
            anyhow::anyhow!(
                "{} is not a finsam database (no migrations table)",
                file.display()
            )
        })?
        .ok_or_else(|| anyhow::anyhow!("no answer"))?
        .try_get_by_index::<i64>(0)?;
    db.close().await?;
    Ok((check, migrations))
}

/// A consistent copy of the database in `target`, taken while it serves.
pub async fn backup(settings: &DatabaseSettings, target: &Path) -> anyhow::Result<String> {
    let Some(_) = sqlite_file(&settings.url) else {
        return Err(postgres_help(&settings.url, "backup"));
    };
    anyhow::ensure!(
        !target.exists(),
        "{} exists already; choose a new file",
        target.display()
    );
    let db = crate::db::connect(settings, None).await?;
    let quoted = target.display().to_string().replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{quoted}'"))
        .await?;
    db.close().await?;
    let (check, migrations) = integrity(target).await?;
    anyhow::ensure!(
        check == "ok",
        "the copy failed its integrity check: {check}"
    );
    let size = std::fs::metadata(target)?.len();
    Ok(format!(
        "backup written to {} ({size} bytes, {migrations} migrations, integrity ok)",
        target.display()
    ))
}

/// Replaces the database with the backup in `source`, after checking it;
/// refuses while a server holds the database.
pub async fn restore(settings: &DatabaseSettings, source: &Path) -> anyhow::Result<String> {
    let Some(db) = sqlite_file(&settings.url) else {
        return Err(postgres_help(&settings.url, "restore"));
    };
    let _held = lock_for_restore(&db)?;
    let (check, _) = integrity(source).await?;
    anyhow::ensure!(
        check == "ok",
        "{} failed its integrity check: {check}",
        source.display()
    );
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    // Copy beside the database, then swap it in whole; the old file's
    // write-ahead log belongs to the old file and goes with it.
    let staged = {
        let mut name = db.as_os_str().to_owned();
        name.push(".restoring");
        PathBuf::from(name)
    };
    std::fs::copy(source, &staged)?;
    for suffix in ["-wal", "-shm"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
    std::fs::rename(&staged, &db)?;
    Ok(format!(
        "{} restored from {}",
        db.display(),
        source.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_files_are_read_from_urls() {
        assert_eq!(
            sqlite_file("sqlite://data/finsam.db"),
            Some(PathBuf::from("data/finsam.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://u:p@h/db"), None);
    }

    #[test]
    fn postgres_help_names_the_tool_without_the_password() {
        let help =
            postgres_help("postgres://finsam:secret@db.internal/finsam", "backup").to_string();
        assert!(help.contains("pg_dump"), "{help}");
        assert!(!help.contains("secret"), "{help}");
        let help =
            postgres_help("postgres://finsam:secret@db.internal/finsam", "restore").to_string();
        assert!(help.contains("pg_restore"), "{help}");
    }
}
