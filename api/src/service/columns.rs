//! Reading a row's columns by their position in the select, for the rows a
//! page reads by the hundred.
//!
//! sea-orm's derived decoders look every column up by name (a hash of the
//! name per value), and decode an `Option` column by asking for the value,
//! failing on NULL with an error that formats the column's name, and turning
//! that error into `None`: a page of 50 insatser, most of whose optional
//! columns are empty, formatted 550 column names to throw them away. On
//! SQLite this reads each column by position through sqlx, which decodes
//! NULL into `None` directly; other databases go through sea-orm as before.
//!
//! Position is only safe where the select's columns are known: a decoder
//! here lists the names it expects in order, and its test holds them
//! against the entity's columns (`Column::iter()`, the order `find()`
//! selects them in).

use sea_orm::sqlx::sqlite::{Sqlite, SqliteRow};
use sea_orm::sqlx::{self, Row};
use sea_orm::{DbErr, QueryResult, TryGetable};

/// The columns of one row, read in select order.
pub(crate) struct Columns<'a> {
    result: &'a QueryResult,
    sqlite: Option<&'a SqliteRow>,
    at: usize,
}

impl<'a> Columns<'a> {
    pub(crate) fn of(result: &'a QueryResult) -> Self {
        Columns {
            result,
            sqlite: result.try_as_sqlite_row(),
            at: 0,
        }
    }

    /// The next column's value.
    pub(crate) fn next<T>(&mut self) -> Result<T, DbErr>
    where
        T: TryGetable + for<'r> sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite>,
    {
        let at = self.at;
        self.at += 1;
        match self.sqlite {
            Some(row) => row
                .try_get::<T, usize>(at)
                .map_err(|err| DbErr::Type(format!("column {at}: {err}"))),
            None => self.result.try_get_by_index::<T>(at),
        }
    }
}
