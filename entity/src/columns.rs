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
//! entity row is read in the order its fields are declared, which is the
//! order of its `Column` enum and so the order `find()` selects them in:
//! `read_in_order!` around an entity's `Model` gives it `read_in_order`,
//! built from the same field list, so nothing is listed twice.

use sea_orm::sqlx::postgres::{PgRow, Postgres};
use sea_orm::sqlx::sqlite::{Sqlite, SqliteRow};
use sea_orm::sqlx::{self, Row};
use sea_orm::{DbErr, QueryResult, TryGetable};

/// A value both drivers decode by position.
pub trait Column:
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
pub struct Columns<'a> {
    result: &'a QueryResult,
    row: Driver<'a>,
    at: usize,
}

impl<'a> Columns<'a> {
    pub fn of(result: &'a QueryResult) -> Self {
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
    pub fn next_value<T: Column>(&mut self) -> Result<T, DbErr> {
        let at = self.at;
        self.at += 1;
        self.at(at)
    }

    /// The value of the column at position `at`.
    pub fn at<T: Column>(&self, at: usize) -> Result<T, DbErr> {
        let failed = |err: sqlx::Error| DbErr::Type(format!("column {at}: {err}"));
        match self.row {
            Driver::Sqlite(row) => row.try_get::<T, usize>(at).map_err(failed),
            Driver::Postgres(row) => row.try_get::<T, usize>(at).map_err(failed),
            Driver::Other => self.result.try_get_by_index::<T>(at),
        }
    }
}

/// Declares an entity's `Model` and, from the same field list, its
/// `read_in_order`: the row read column by column in declaration order.
macro_rules! read_in_order {
    (
        $(#[$meta:meta])*
        pub struct Model {
            $($(#[$field_meta:meta])* pub $field:ident : $ty:ty),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct Model {
            $($(#[$field_meta])* pub $field: $ty),*
        }

        impl Model {
            /// The row of a select of the whole entity (`find()`'s columns,
            /// in their order), read by position.
            pub fn read_in_order(
                columns: &mut $crate::columns::Columns<'_>,
            ) -> Result<Self, sea_orm::DbErr> {
                Ok(Model {
                    $($field: columns.next_value()?),*
                })
            }
        }
    };
}
pub(crate) use read_in_order;
