//! Reading a row's columns by their position in the select, for the rows a
//! page reads by the hundred.
//!
//! sea-orm's derived decoders look every column up by name (a hash of the
//! name per value), and decode an `Option` column by asking for the value,
//! failing on NULL with an error that formats the column's name, and turning
//! that error into `None`: a page of 50 insatser, most of whose optional
//! columns are empty, formatted 550 column names to throw them away. On
//! SQLite and PostgreSQL this reads each column by position through sqlx,
//! which decodes NULL into `None` directly; any other backend goes through
//! sea-orm by index.
//!
//! Position is only safe where the select's columns are known. A whole
//! entity row is read with `read_by_position!`: each field's position is
//! looked up once in the entity's own column list (`Column::iter()`, the
//! order `find()` selects them in), and the row is built as a struct literal,
//! which fails to compile when the entity gains a field the reader lacks.
//! Nothing is listed twice, so nothing can drift.

use sea_orm::sqlx::postgres::{PgRow, Postgres};
use sea_orm::sqlx::sqlite::{Sqlite, SqliteRow};
use sea_orm::sqlx::{self, Row};
use sea_orm::{DbErr, QueryResult, TryGetable};

/// A value both drivers decode by position.
pub(crate) trait Column:
    TryGetable
    + for<'r> sqlx::Decode<'r, Sqlite>
    + sqlx::Type<Sqlite>
    + for<'r> sqlx::Decode<'r, Postgres>
    + sqlx::Type<Postgres>
{
}

impl<T> Column for T where
    T: TryGetable
        + for<'r> sqlx::Decode<'r, Sqlite>
        + sqlx::Type<Sqlite>
        + for<'r> sqlx::Decode<'r, Postgres>
        + sqlx::Type<Postgres>
{
}

enum Driver<'a> {
    Sqlite(&'a SqliteRow),
    Postgres(&'a PgRow),
    Other,
}

/// The columns of one row, read in select order.
pub(crate) struct Columns<'a> {
    result: &'a QueryResult,
    row: Driver<'a>,
    at: usize,
}

impl<'a> Columns<'a> {
    pub(crate) fn of(result: &'a QueryResult) -> Self {
        let row = if let Some(row) = result.try_as_sqlite_row() {
            Driver::Sqlite(row)
        } else if let Some(row) = result.try_as_pg_row() {
            Driver::Postgres(row)
        } else {
            Driver::Other
        };
        Columns { result, row, at: 0 }
    }

    /// The next column's value.
    pub(crate) fn next<T: Column>(&mut self) -> Result<T, DbErr> {
        let at = self.at;
        self.at += 1;
        self.at(at)
    }

    /// The value of the column at position `at`.
    pub(crate) fn at<T: Column>(&self, at: usize) -> Result<T, DbErr> {
        let failed = |err: sqlx::Error| DbErr::Type(format!("column {at}: {err}"));
        match self.row {
            Driver::Sqlite(row) => row.try_get::<T, usize>(at).map_err(failed),
            Driver::Postgres(row) => row.try_get::<T, usize>(at).map_err(failed),
            Driver::Other => self.result.try_get_by_index::<T>(at),
        }
    }
}

/// Where each of `names` stands among `E`'s columns as `find()` selects them;
/// a name the entity lacks is an error, never a wrong column.
pub(crate) fn positions_of<E: sea_orm::EntityTrait>(names: &[&str]) -> Result<Vec<usize>, DbErr> {
    use sea_orm::{IdenStatic, Iterable};
    let columns: Vec<&str> = E::Column::iter().map(|c| c.as_str()).collect();
    names
        .iter()
        .map(|name| {
            columns.iter().position(|c| c == name).ok_or_else(|| {
                DbErr::Type(format!("no column {name} in {}", E::default().as_str()))
            })
        })
        .collect()
}

/// Reads a whole row of `$entity` into `$model` by column position: every
/// field of the model is named once, here, and read from the position the
/// entity's column list gives it (computed once per reader).
macro_rules! read_by_position {
    ($res:expr, $entity:ty, $model:path { $($field:ident),* $(,)? }) => {{
        static POSITIONS: std::sync::OnceLock<Result<Vec<usize>, String>> =
            std::sync::OnceLock::new();
        let positions = POSITIONS
            .get_or_init(|| {
                crate::service::columns::positions_of::<$entity>(&[$(stringify!($field)),*])
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| sea_orm::DbErr::Type(e.clone()))?;
        let columns = crate::service::columns::Columns::of($res);
        let mut next = positions.iter().copied();
        let mut at = || next.next().unwrap_or(usize::MAX);
        $model { $($field: columns.at(at())?),* }
    }};
}
pub(crate) use read_by_position;
