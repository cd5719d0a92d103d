//! Writing the lines of a förbund's budget of a year: created, corrected
//! and removed against the version read. A line that is an insats names
//! it, and takes no amounts of its own for the year.

use finsam_entity::{budget_line, forbund, insats};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};

use super::write::{permit, year_end};
use crate::auth::Caller;
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Rule};
use crate::record::finance::BudgetLineInput;
use crate::record::id::{NodeKind, key};
use crate::service::audit::{self, Change, Operation, RecordKind};
use crate::service::indicator::{BatchError, row_error};
use crate::service::{ServiceContext, check_version, insert_new, now};

/// The insats a line is: one of the förbund's own.
async fn line_insats<C: ConnectionTrait>(
    conn: &C,
    owner: &forbund::Model,
    input: &BudgetLineInput,
) -> ApiResult<Option<i32>> {
    let Some(id) = &input.insats else {
        return Ok(None);
    };
    let found = match key(NodeKind::Insats, id) {
        Some(k) => insats::Entity::find_by_id(k).one(conn).await?,
        None => None,
    };
    match found {
        Some(i) if i.forbund_id == owner.id => Ok(Some(i.id)),
        _ => Err(ApiError::bad_input("insats", Rule::InsatsNotOwn)),
    }
}

fn line_row(
    mut row: budget_line::ActiveModel,
    input: &BudgetLineInput,
    name: String,
    insats_id: Option<i32>,
    position: i32,
) -> budget_line::ActiveModel {
    row.year = Set(input.year);
    row.line_group = Set(input.group.into());
    row.name = Set(name);
    row.insats_id = Set(insats_id);
    row.budget_sek = Set(input.budget_sek);
    row.outcome_sek = Set(input.outcome_sek);
    row.outcome_through = Set(input.outcome_through.as_ref().map(|d| d.0));
    row.plan1_sek = Set(input.plan1_sek);
    row.plan2_sek = Set(input.plan2_sek);
    row.position = Set(position);
    row
}

/// A line's position when none is given: after the year's others.
async fn next_position<C: ConnectionTrait>(conn: &C, owner: i32, year: i32) -> ApiResult<i32> {
    Ok(budget_line::Entity::find()
        .filter(budget_line::Column::ForbundId.eq(owner))
        .filter(budget_line::Column::Year.eq(year))
        .all(conn)
        .await?
        .iter()
        .map(|l| l.position)
        .max()
        .map_or(1, |p| p + 1))
}

/// Checks a line and writes it (a new one, or over `stored`), in `txn`.
pub(crate) async fn write_line(
    txn: &DatabaseTransaction,
    owner: &forbund::Model,
    input: &BudgetLineInput,
    stored: Option<&budget_line::Model>,
) -> ApiResult<budget_line::Model> {
    let name = input.check()?;
    let insats_id = line_insats(txn, owner, input).await?;
    if let Some(i) = insats_id {
        let twice = budget_line::Entity::find()
            .filter(budget_line::Column::ForbundId.eq(owner.id))
            .filter(budget_line::Column::Year.eq(input.year))
            .filter(budget_line::Column::InsatsId.eq(i))
            .all(txn)
            .await?
            .into_iter()
            .any(|l| Some(l.id) != stored.map(|s| s.id));
        if twice {
            return Err(ApiError::bad_input("insats", Rule::BudgetLineTaken));
        }
    }
    let at = now();
    let position = match input.position {
        Some(p) => p,
        None => match stored {
            Some(s) if s.year == input.year => s.position,
            _ => next_position(txn, owner.id, input.year).await?,
        },
    };
    match stored {
        None => {
            let row = line_row(
                budget_line::ActiveModel {
                    forbund_id: Set(owner.id),
                    ..Default::default()
                },
                input,
                name,
                insats_id,
                position,
            );
            insert_new(txn, at, row)
                .await
                .map_err(|e| ApiError::from_db_unique(e, Rule::BudgetLineTaken))
        }
        Some(s) => {
            let mut row = line_row(s.clone().into(), input, name, insats_id, position);
            row.version = Set(s.version + 1);
            row.updated_at = Set(at);
            crate::service::write_versioned_then_read(
                txn,
                "budget line",
                row,
                s.id,
                s.version,
                Rule::BudgetLineTaken,
            )
            .await
        }
    }
}

/// createBudgetLine.
pub async fn create_line(
    cx: &ServiceContext,
    caller: &Caller,
    input: BudgetLineInput,
) -> ApiResult<budget_line::Model> {
    let txn = begin_write(&cx.db).await?;
    let owner = permit(&txn, cx, caller, &input.forbund, year_end(input.year)).await?;
    let row = write_line(&txn, &owner, &input, None).await?;
    audit::commit(
        txn,
        caller,
        Change::created(
            Operation::CreateBudgetLine,
            RecordKind::BudgetLine,
            row.id,
            Some(owner.id),
            &row,
        ),
    )
    .await?;
    Ok(row)
}

/// The stored line and its förbund, the caller's right checked first.
async fn load_line(
    txn: &DatabaseTransaction,
    cx: &ServiceContext,
    caller: &Caller,
    id: i32,
    version: i32,
) -> ApiResult<(forbund::Model, budget_line::Model)> {
    let stored = budget_line::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::not_found("budget line"))?;
    let owner = forbund::Entity::find_by_id(stored.forbund_id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::not_found("budget line"))?;
    if !super::readable(txn, &caller.principal, &owner, stored.year).await? {
        // A line the caller may not see answers as a missing one.
        return Err(ApiError::not_found("budget line"));
    }
    let owner = permit(txn, cx, caller, &owner.slug, year_end(stored.year)).await?;
    check_version("budget line", stored.version, version)?;
    Ok((owner, stored))
}

/// updateBudgetLine: the whole line, against the version read; it stays
/// with its förbund.
pub async fn update_line(
    cx: &ServiceContext,
    caller: &Caller,
    id: i32,
    version: i32,
    input: BudgetLineInput,
) -> ApiResult<budget_line::Model> {
    let txn = begin_write(&cx.db).await?;
    let (owner, stored) = load_line(&txn, cx, caller, id, version).await?;
    if input.forbund != owner.slug {
        return Err(ApiError::bad_input("forbund", Rule::MeetingMoves));
    }
    let row = write_line(&txn, &owner, &input, Some(&stored)).await?;
    audit::commit(
        txn,
        caller,
        Change::updated(
            Operation::UpdateBudgetLine,
            RecordKind::BudgetLine,
            row.id,
            Some(owner.id),
            &stored,
            &row,
        ),
    )
    .await?;
    Ok(row)
}

/// deleteBudgetLine: against the version read.
pub async fn delete_line(
    cx: &ServiceContext,
    caller: &Caller,
    id: i32,
    version: i32,
) -> ApiResult<budget_line::Model> {
    let txn = begin_write(&cx.db).await?;
    let (owner, stored) = load_line(&txn, cx, caller, id, version).await?;
    let gone = budget_line::Entity::delete_many()
        .filter(budget_line::Column::Id.eq(id))
        .filter(budget_line::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if gone.rows_affected != 1 {
        return Err(ApiError::conflict(
            Rule::VersionStale.with("entity", "budget line"),
        ));
    }
    audit::commit(
        txn,
        caller,
        Change {
            operation: Operation::DeleteBudgetLine,
            entity: RecordKind::BudgetLine,
            entity_id: stored.id.to_string(),
            forbund_id: Some(owner.id),
            before: Some(&stored),
            after: None::<&()>,
        },
    )
    .await?;
    Ok(stored)
}

/// The column of a budget line's field, as the CSV file and the API name it.
fn column(field: &str) -> &'static str {
    const COLUMNS: [&str; 11] = [
        "forbund",
        "year",
        "group",
        "name",
        "insats",
        "budgetSek",
        "outcomeSek",
        "outcomeThrough",
        "plan1Sek",
        "plan2Sek",
        "position",
    ];
    COLUMNS.into_iter().find(|c| *c == field).unwrap_or("name")
}

/// `finsam import budget FILE.csv`: budget lines, all or none, through the
/// same checks as `createBudgetLine`. A line the year's budget already has
/// (the same group and name) is replaced; the insats may be named by its
/// id or by its name within the förbund. Returns how many were written.
pub async fn import(
    cx: &ServiceContext,
    caller: &Caller,
    rows: &[BudgetLineInput],
) -> Result<usize, BatchError> {
    let txn = begin_write(&cx.db).await?;
    for (i, input) in rows.iter().enumerate() {
        let at = |e: ApiError| match e {
            ApiError::BadUserInput { field, broken } => row_error(i, column(&field), broken),
            other => BatchError::Other(other),
        };
        let owner = permit(&txn, cx, caller, &input.forbund, year_end(input.year))
            .await
            .map_err(at)?;
        let mut input = input.clone();
        if let Some(named) = &input.insats
            && key(NodeKind::Insats, named).is_none()
        {
            let found = insats::Entity::find()
                .filter(insats::Column::ForbundId.eq(owner.id))
                .filter(insats::Column::Name.eq(named.trim()))
                .one(&txn)
                .await?
                .ok_or_else(|| row_error(i, "insats", Rule::InsatsNotOwn))?;
            input.insats = Some(async_graphql::ID(crate::record::id::global(
                NodeKind::Insats,
                found.id,
            )));
        }
        let name = input.check().map_err(at)?;
        let stored = budget_line::Entity::find()
            .filter(budget_line::Column::ForbundId.eq(owner.id))
            .filter(budget_line::Column::Year.eq(input.year))
            .filter(
                budget_line::Column::LineGroup
                    .eq(finsam_entity::value::BudgetGroup::from(input.group)),
            )
            .filter(budget_line::Column::Name.eq(name.as_str()))
            .one(&txn)
            .await?;
        let row = write_line(&txn, &owner, &input, stored.as_ref())
            .await
            .map_err(at)?;
        audit::record(
            &txn,
            caller,
            Change::upserted(
                Operation::ImportBudget,
                RecordKind::BudgetLine,
                row.id,
                Some(owner.id),
                stored.as_ref(),
                &row,
            ),
        )
        .await?;
    }
    audit::committed(txn).await?;
    Ok(rows.len())
}
