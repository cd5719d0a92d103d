//! Reads and writes per aggregate. Every function asks `auth::policy` first,
//! writes in one transaction, and records the change in the audit log within
//! that same transaction — the API and the command line both come through here.

pub mod audit;
pub mod audit_log;
pub mod calendar;
pub mod changes;
pub mod dso;
pub mod finance;
pub mod forbund;
pub mod indicator;
pub mod insats;
pub mod meeting;
pub mod population;
pub mod reference;
mod rows;
pub mod seed;
pub mod todo;

use chrono::{DateTime, Utc};
pub(crate) use rows::{insert_new, stamp_new};

/// `column` is one of `keys`: on PostgreSQL `column = ANY($1)` with the keys
/// as one array parameter, elsewhere `column IN (…)`. PostgreSQL binds and
/// plans an IN list of fifty parameters afresh each time (a goal lookup for
/// a page of 50 took 0.19 ms against 0.13 ms with the array and 0.09 ms for
/// `SELECT 1`, pgbench on loopback); the array form keeps one generic plan.
pub(crate) fn one_of<C: sea_orm::ColumnTrait>(
    column: C,
    keys: &[i32],
    backend: sea_orm::DbBackend,
) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Expr, ExprTrait, extension::postgres::PgFunc};
    match backend {
        sea_orm::DbBackend::Postgres => {
            Expr::col((column.entity_name(), column)).eq(PgFunc::any(Expr::val(keys.to_vec())))
        }
        _ => column.is_in(keys.iter().copied()),
    }
}

/// What the service floor is given, and all it is given: the database, the
/// clock, the reference snapshot, the search vocabulary and the privacy rule's
/// cell size. The endpoint's caches, cursor key and limits live above it
/// (`app::ServiceContext`), out of a service's reach.
pub struct ServiceContext {
    /// The primary: every write. Reads go through the connection each
    /// request is given (`replica::Reads` above this floor decides which).
    pub db: sea_orm::DatabaseConnection,
    pub clock: Clock,
    /// The förbund directory, members and DSO-ring, from memory.
    pub reference: std::sync::Arc<reference::Reference>,
    /// How many insatser hold each trigram: which of a search's to look up.
    pub trigrams: std::sync::Arc<insats::TrigramCounts>,
    /// Counts under this are small cells (DESIGN.md, "Access").
    pub min_cell: i64,
    /// Committed changes, for subscriptions.
    pub changes: std::sync::Arc<changes::Changes>,
}

/// Today's date for rules that depend on it (the DSO serving a förbund
/// today). Fixed in tests so they can set the day.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    /// The system's clock, read as a calendar in a zone (`server.time_zone`,
    /// Europe/Stockholm): a day begins at midnight there, not in UTC.
    System(chrono_tz::Tz),
    Fixed(chrono::NaiveDate),
}

impl Clock {
    pub fn today(&self) -> chrono::NaiveDate {
        self.day_of(Utc::now())
    }

    /// The day it is at `at`.
    pub fn day_of(&self, at: DateTime<Utc>) -> chrono::NaiveDate {
        match self {
            Clock::System(zone) => at.with_timezone(zone).date_naive(),
            Clock::Fixed(day) => *day,
        }
    }

    /// When the day after `at`'s begins (its first second, in UTC).
    pub fn next_day_starts(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        use chrono::TimeZone;
        let Clock::System(zone) = self else {
            return DateTime::<Utc>::MAX_UTC;
        };
        let next = self.day_of(at) + chrono::Days::new(1);
        next.and_hms_opt(0, 0, 1)
            .and_then(|t| zone.from_local_datetime(&t).earliest())
            .map_or(at + chrono::Duration::hours(1), |t| t.with_timezone(&Utc))
    }
}

#[cfg(test)]
mod clock_tests {
    use super::Clock;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    /// A Swedish day begins at midnight in Sweden: 23:30 UTC on 5 December
    /// is already the 6th (CET), and 22:30 UTC on 30 June the 1st of July
    /// (CEST).
    #[test]
    fn today_is_the_day_in_stockholm() {
        let clock = Clock::System(chrono_tz::Europe::Stockholm);
        let at = Utc.with_ymd_and_hms(2026, 12, 5, 23, 30, 0).unwrap();
        assert_eq!(clock.day_of(at), day("2026-12-06"));
        let at = Utc.with_ymd_and_hms(2026, 6, 30, 22, 30, 0).unwrap();
        assert_eq!(clock.day_of(at), day("2026-07-01"));
        let at = Utc.with_ymd_and_hms(2026, 12, 5, 22, 59, 0).unwrap();
        assert_eq!(clock.day_of(at), day("2026-12-05"));
        // The next day begins at Swedish midnight: 23:00 UTC in winter.
        assert_eq!(
            clock.next_day_starts(at),
            Utc.with_ymd_and_hms(2026, 12, 5, 23, 0, 1).unwrap()
        );
    }
}

pub(crate) fn now() -> DateTime<Utc> {
    Utc::now()
}

/// The `version` check of optimistic concurrency (DESIGN.md, "Storage").
pub(crate) fn check_version(entity: &str, stored: i32, given: i32) -> crate::error::ApiResult<()> {
    if stored != given {
        return Err(crate::error::ApiError::conflict(
            crate::error::Rule::VersionStale
                .with("entity", entity)
                .with("given", given)
                .with("stored", stored),
        ));
    }
    Ok(())
}

/// Entities whose rows carry `version` for optimistic concurrency.
pub(crate) trait Versioned: sea_orm::EntityTrait {
    fn id_column() -> Self::Column;
    fn version_column() -> Self::Column;
}

macro_rules! versioned {
    ($($module:ident),* $(,)?) => {$(
        impl Versioned for finsam_entity::$module::Entity {
            fn id_column() -> Self::Column {
                finsam_entity::$module::Column::Id
            }
            fn version_column() -> Self::Column {
                finsam_entity::$module::Column::Version
            }
        }
    )*};
}
versioned!(
    forbund,
    insats,
    meeting,
    indicator,
    dso_proposal,
    finance_year,
    budget_line,
    finance_report,
);

/// Writes `row` (which sets the bumped version) over row `id` only while the
/// stored row is still at `version`. Check and write are one statement, so of
/// two concurrent writers exactly one matches and the other is a CONFLICT,
/// never a silent overwrite (DESIGN.md, "Storage"). A unique-key clash is a
/// CONFLICT saying `unique`.
pub(crate) async fn write_versioned<A, C>(
    conn: &C,
    entity: &str,
    row: A,
    id: i32,
    version: i32,
    unique: impl Into<crate::error::Broken>,
) -> crate::error::ApiResult<()>
where
    A: sea_orm::ActiveModelTrait + Send,
    A::Entity: Versioned,
    C: sea_orm::ConnectionTrait,
{
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let result = A::Entity::update_many()
        .set(row)
        .filter(<A::Entity as Versioned>::id_column().eq(id))
        .filter(<A::Entity as Versioned>::version_column().eq(version))
        .exec(conn)
        .await
        .map_err(|e| crate::error::ApiError::from_db_unique(e, unique))?;
    if result.rows_affected != 1 {
        return Err(crate::error::ApiError::conflict(
            crate::error::Rule::VersionStale.with("entity", entity),
        ));
    }
    Ok(())
}

/// `write_versioned`, then the row as stored, for the answer and the audit
/// log's `after`.
pub(crate) async fn write_versioned_then_read<A, C>(
    conn: &C,
    entity: &str,
    row: A,
    id: i32,
    version: i32,
    unique: impl Into<crate::error::Broken>,
) -> crate::error::ApiResult<<A::Entity as sea_orm::EntityTrait>::Model>
where
    A: sea_orm::ActiveModelTrait + Send,
    A::Entity: Versioned,
    C: sea_orm::ConnectionTrait,
{
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    write_versioned(conn, entity, row, id, version, unique).await?;
    A::Entity::find()
        .filter(<A::Entity as Versioned>::id_column().eq(id))
        .one(conn)
        .await?
        .ok_or_else(|| crate::error::ApiError::not_found(entity))
}
