//! Indicator results per förbund and national averages, written in
//! all-or-nothing batches of upserts (one statement per 500 rows) that name
//! the row and column at fault.

use std::collections::HashMap;

use finsam_entity::{forbund, indicator, indicator_result, national_average};
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use super::{BatchError, row_error};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::db::begin_write;
use crate::error::{ApiResult, Rule};
use crate::record::indicator::{IndicatorResult, NationalAverage};
use crate::service::audit::{self, Change, Operation, RecordKind};
use crate::service::{ServiceContext, now};

/// Inserts `models`, or where a row with the same `key` exists, updates its
/// `update` columns and bumps its version: one statement per 500 rows (an
/// import of thousands of rows does not read each row first).
async fn upsert<A, K, U>(
    txn: &sea_orm::DatabaseTransaction,
    models: Vec<A>,
    key: K,
    update: U,
    version: <A::Entity as sea_orm::EntityTrait>::Column,
) -> ApiResult<()>
where
    A: sea_orm::ActiveModelTrait + Send,
    K: IntoIterator<Item = <A::Entity as sea_orm::EntityTrait>::Column> + Clone,
    U: IntoIterator<Item = <A::Entity as sea_orm::EntityTrait>::Column> + Clone,
{
    use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
    let mut models = models;
    while !models.is_empty() {
        let rest = models.split_off(models.len().min(500));
        let mut conflict = OnConflict::columns(key.clone());
        conflict
            .update_columns(update.clone())
            .value(version, Expr::col((A::Entity::default(), version)).add(1));
        <A::Entity as sea_orm::EntityTrait>::insert_many(models)
            .on_conflict(conflict)
            .exec_without_returning(txn)
            .await?;
        models = rest;
    }
    Ok(())
}

pub(super) fn check_year(row: usize, year: i32) -> Result<(), BatchError> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(row_error(
            row,
            "year",
            Rule::YearRange.with("min", 2000).with("max", 2100),
        ))
    }
}

fn check_value(row: usize, value: f64) -> Result<(), BatchError> {
    if value.is_finite() && (0.0..=100.0).contains(&value) {
        Ok(())
    } else {
        Err(row_error(row, "value", Rule::PercentRange))
    }
}

pub(super) fn check_source(row: usize, source: &str) -> Result<String, BatchError> {
    let s = source.trim();
    if s.is_empty() {
        return Err(row_error(row, "source", Rule::SourceRequired));
    }
    if s.chars().count() > 200 {
        return Err(row_error(row, "source", Rule::TextTooLong.with("max", 200)));
    }
    Ok(s.to_string())
}

/// The rules of row `row`'s result: a year, a value 0–100, a count that is
/// not negative and a source; returns the source as stored (upserts, the
/// import and the seed alike).
pub fn check_result(row: usize, r: &IndicatorResult) -> Result<String, BatchError> {
    check_year(row, r.year)?;
    check_value(row, r.value)?;
    if r.respondents.is_some_and(|n| n < 0) {
        return Err(row_error(row, "respondents", Rule::Negative));
    }
    check_source(row, &r.source)
}

/// The rules of row `row`'s national average (see `check_result`).
pub fn check_average(row: usize, r: &NationalAverage) -> Result<String, BatchError> {
    check_year(row, r.year)?;
    check_value(row, r.value)?;
    if r.forbund_count.is_some_and(|n| n < 1) {
        return Err(row_error(row, "forbundCount", Rule::AtLeastOne));
    }
    check_source(row, &r.source)
}

async fn indicator_ids<C: ConnectionTrait>(conn: &C) -> ApiResult<HashMap<String, i32>> {
    Ok(indicator::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|i| (i.code, i.id))
        .collect())
}

async fn forbund_ids<C: ConnectionTrait>(conn: &C) -> ApiResult<HashMap<String, forbund::Model>> {
    Ok(forbund::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|f| (f.slug.clone(), f))
        .collect())
}

/// The right to record `forbund`'s results, for an entry point that names
/// the förbund apart from its rows (the mutation's argument: an empty batch
/// is refused to a caller who may not write there, like any other).
pub fn require_writer(caller: &Caller, forbund: &str) -> ApiResult<()> {
    policy::require(&caller.principal, Action::WriteIndicatorResults { forbund })
}

/// upsertIndicatorResults: all rows or none. Each förbund's admin may record
/// its own; network_admin (and the command line) any.
pub async fn upsert_results(
    cx: &ServiceContext,
    caller: &Caller,
    rows: &[IndicatorResult],
) -> Result<usize, BatchError> {
    // The right to every förbund named, before anything is read (an empty
    // batch names none, and is still a write: signed-in callers only).
    policy::require_signed_in(&caller.principal)?;
    for r in rows {
        policy::require(
            &caller.principal,
            Action::WriteIndicatorResults {
                forbund: &r.forbund,
            },
        )?;
    }
    let txn = begin_write(&cx.db).await?;
    let indicators = indicator_ids(&txn).await?;
    let forbund = forbund_ids(&txn).await?;
    let mut seen = HashMap::new();
    let mut checked = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let f = forbund.get(&r.forbund).ok_or_else(|| {
            row_error(i, "forbund", Rule::ForbundUnknown.with("slug", &r.forbund))
        })?;
        policy::require(
            &caller.principal,
            Action::WriteIndicatorResults { forbund: &f.slug },
        )?;
        // A dissolved förbund is an archive: no year after its last, and
        // only the network corrects the years before.
        if let Some(end) = f.dissolved_on
            && r.year > chrono::Datelike::year(&end)
        {
            return Err(row_error(
                i,
                "year",
                Rule::ForbundDissolvedYear
                    .with("forbund", &f.name)
                    .with("day", end),
            ));
        }
        crate::service::forbund::require_open(&txn, caller, f, cx.clock.today(), None).await?;
        let ind = indicator_of(&indicators, i, &r.indicator)?;
        let source = check_result(i, r)?;
        if let Some(first) = seen.insert((f.id, ind, r.year, r.gender), i) {
            return Err(row_error(
                i,
                "indicator",
                Rule::RowDuplicate.with("row", first),
            ));
        }
        checked.push((f.id, ind, r, source));
    }
    let at = now();
    let models: Vec<indicator_result::ActiveModel> = checked
        .iter()
        .map(|(forbund_id, indicator_id, r, source)| {
            let mut row = indicator_result::ActiveModel {
                forbund_id: Set(*forbund_id),
                indicator_id: Set(*indicator_id),
                year: Set(r.year),
                gender: Set(r.gender.into()),
                value: Set(r.value),
                respondents: Set(r.respondents),
                source: Set(source.clone()),
                ..Default::default()
            };
            crate::service::stamp_new(&mut row, at);
            row
        })
        .collect();
    use indicator_result::Column as R;
    upsert(
        &txn,
        models,
        [R::ForbundId, R::IndicatorId, R::Year, R::Gender],
        [R::Value, R::Respondents, R::Source, R::UpdatedAt],
        R::Version,
    )
    .await?;
    // One audit entry per förbund whose results changed.
    let mut by_forbund: HashMap<i32, Vec<&IndicatorResult>> = HashMap::new();
    for (forbund_id, _, r, _) in &checked {
        by_forbund.entry(*forbund_id).or_default().push(r);
    }
    for (forbund_id, rows) in by_forbund {
        audit::record(
            &txn,
            caller,
            Change::created(
                Operation::UpsertIndicatorResults,
                RecordKind::IndicatorResult,
                format!("{} rows", rows.len()),
                Some(forbund_id),
                &rows,
            ),
        )
        .await?;
    }
    crate::service::audit::committed(txn).await?;
    Ok(checked.len())
}

/// The id of the indicator row `i` names by its code.
fn indicator_of(
    indicators: &HashMap<String, i32>,
    i: usize,
    code: &str,
) -> Result<i32, BatchError> {
    indicators
        .get(code)
        .copied()
        .ok_or_else(|| row_error(i, "indicator", Rule::IndicatorUnknown.with("code", code)))
}

/// upsertNationalAverages (network_admin): all rows or none.
pub async fn upsert_averages(
    cx: &ServiceContext,
    caller: &Caller,
    rows: &[NationalAverage],
) -> Result<usize, BatchError> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    let txn = begin_write(&cx.db).await?;
    let indicators = indicator_ids(&txn).await?;
    let mut seen = HashMap::new();
    let mut checked = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let ind = indicator_of(&indicators, i, &r.indicator)?;
        let source = check_average(i, r)?;
        if let Some(first) = seen.insert((ind, r.year, r.gender), i) {
            return Err(row_error(
                i,
                "indicator",
                Rule::RowDuplicate.with("row", first),
            ));
        }
        checked.push((ind, r, source));
    }
    let at = now();
    let models: Vec<national_average::ActiveModel> = checked
        .iter()
        .map(|(indicator_id, r, source)| {
            let mut row = national_average::ActiveModel {
                indicator_id: Set(*indicator_id),
                year: Set(r.year),
                gender: Set(r.gender.into()),
                value: Set(r.value),
                forbund_count: Set(r.forbund_count),
                source: Set(source.clone()),
                ..Default::default()
            };
            crate::service::stamp_new(&mut row, at);
            row
        })
        .collect();
    use national_average::Column as N;
    upsert(
        &txn,
        models,
        [N::IndicatorId, N::Year, N::Gender],
        [N::Value, N::ForbundCount, N::Source, N::UpdatedAt],
        N::Version,
    )
    .await?;
    let logged: Vec<&NationalAverage> = checked.iter().map(|(_, r, _)| *r).collect();
    audit::commit(
        txn,
        caller,
        Change::created(
            Operation::UpsertNationalAverages,
            RecordKind::NationalAverage,
            format!("{} rows", logged.len()),
            None,
            &logged,
        ),
    )
    .await?;
    Ok(checked.len())
}
