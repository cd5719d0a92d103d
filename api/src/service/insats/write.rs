//! Creating and changing insatser: create, update, extend and yearly
//! budgets; each change checks visibility, the caller's right and the
//! `version`, and is audited in its transaction.

use chrono::NaiveDate;
use finsam_entity::{forbund, insats, insats_budget, insats_extension};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};
use serde::Serialize;

use super::{InsatsRow, check, check_optional_text, new_row, visible};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::db::begin_write;
use crate::domain::insats as rules;
use crate::error::{ApiError, ApiResult, Rule};
use crate::record::insats::{BudgetYear, InsatsPatch, NewInsats};
use crate::service::audit::{self, Change, Operation, RecordKind};
use crate::service::{ServiceContext, now};

/// createInsats: the owning förbund's editor or admin, or network_admin.
pub async fn create(cx: &ServiceContext, caller: &Caller, new: NewInsats) -> ApiResult<InsatsRow> {
    // The right first, on the slug as given: nothing is looked up for a
    // caller who may not write there.
    policy::require(
        &caller.principal,
        Action::EditForbundContent {
            forbund: &new.forbund,
        },
    )?;
    let txn = begin_write(&cx.db).await?;
    let owner = crate::service::forbund::require_slug(&txn, &new.forbund, "forbund").await?;
    let dated = new.starts_on.map(|d| (d.0, "startsOn"));
    crate::service::forbund::require_open(&txn, caller, &owner, cx.clock.today(), dated).await?;
    let row = new_row(owner.id, &new, now())?;
    let taken = insats::Entity::find()
        .filter(insats::Column::ForbundId.eq(owner.id))
        .filter(insats::Column::Name.eq(&row.name))
        .count(&txn)
        .await?;
    if taken > 0 {
        return Err(ApiError::bad_input(
            "name",
            Rule::InsatsNameTaken.with("forbund", &owner.name),
        ));
    }
    let mut active: insats::ActiveModel = row.into();
    active.id = sea_orm::ActiveValue::NotSet;
    let row = active.insert(&txn).await.map_err(|e| {
        ApiError::from_db_unique(e, Rule::InsatsNameTaken.with("forbund", &owner.name))
    })?;
    audit::commit(
        txn,
        caller,
        Change::created(
            Operation::CreateInsats,
            RecordKind::Insats,
            row.id,
            Some(owner.id),
            &row,
        ),
    )
    .await?;
    Ok((row, owner.into()))
}

/// The insats to change, checked: visible (else NOT_FOUND, as if missing),
/// editable by the caller, and at the version the change is based on.
pub(super) async fn load_for_edit(
    txn: &DatabaseTransaction,
    caller: &Caller,
    id: i32,
    version: i32,
    today: chrono::NaiveDate,
) -> ApiResult<(insats::Model, forbund::Model)> {
    policy::require_signed_in(&caller.principal)?;
    let row = insats::Entity::find_by_id(id)
        .filter(visible(&caller.principal))
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::not_found("insats"))?;
    let owner = crate::service::forbund::permit_edit(
        txn,
        caller,
        row.forbund_id,
        today,
        ("insats", row.version, version),
    )
    .await?;
    Ok((row, owner))
}

/// Writes the row with its version bumped; the version in the WHERE clause
/// makes a concurrent writer's change a CONFLICT instead of an overwrite.
pub(super) async fn save(
    txn: &DatabaseTransaction,
    before: &insats::Model,
    mut after: insats::Model,
) -> ApiResult<insats::Model> {
    after.version = before.version + 1;
    after.updated_at = now();
    // Every column is written (not only those a diff would mark changed),
    // except the key.
    let mut active: insats::ActiveModel = insats::ActiveModel::from(after.clone()).reset_all();
    active.not_set(insats::Column::Id);
    crate::service::write_versioned(
        txn,
        "insats",
        active,
        before.id,
        before.version,
        Rule::InsatsNameTaken,
    )
    .await?;
    Ok(after)
}

pub(super) async fn finish<A: Serialize>(
    txn: DatabaseTransaction,
    caller: &Caller,
    operation: Operation,
    before: &insats::Model,
    after: &A,
) -> ApiResult<()> {
    audit::commit(
        txn,
        caller,
        Change::updated(
            operation,
            RecordKind::Insats,
            before.id,
            Some(before.forbund_id),
            before,
            after,
        ),
    )
    .await?;
    Ok(())
}

/// updateInsats: a stale `version` is CONFLICT and changes nothing.
pub async fn update(
    cx: &ServiceContext,
    caller: &Caller,
    id: i32,
    version: i32,
    patch: InsatsPatch,
) -> ApiResult<InsatsRow> {
    let sets_end = !patch.ends_on.is_undefined();
    let txn = begin_write(&cx.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version, cx.clock.today()).await?;
    if sets_end && before.original_ends_on != before.ends_on {
        return Err(ApiError::bad_input("endsOn", Rule::InsatsExtended));
    }
    let mut row = before.clone();
    patch.onto(&mut row);
    if sets_end {
        // Not yet extended (checked above): the planned end is the original.
        row.original_ends_on = row.ends_on;
    }
    check(&mut row)?;
    let after = save(&txn, &before, row).await?;
    finish(txn, caller, Operation::UpdateInsats, &before, &after).await?;
    Ok((after, owner.into()))
}

/// extendInsats: a new end, keeping the original end visible.
pub async fn extend(
    cx: &ServiceContext,
    caller: &Caller,
    id: i32,
    version: i32,
    new_ends_on: NaiveDate,
    decided_on: Option<NaiveDate>,
    note: Option<String>,
) -> ApiResult<InsatsRow> {
    let txn = begin_write(&cx.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version, cx.clock.today()).await?;
    if before.ends_on.is_some_and(|e| new_ends_on <= e) {
        return Err(ApiError::bad_input("newEndsOn", Rule::ExtensionNotLater));
    }
    rules::check_period(before.starts_on, Some(new_ends_on))
        .map_err(|e| ApiError::bad_input("newEndsOn", e.broken))?;
    let note = check_optional_text("note", &note, 2_000)?;
    insats_extension::ActiveModel {
        insats_id: Set(id),
        previous_ends_on: Set(before.ends_on),
        new_ends_on: Set(new_ends_on),
        decided_on: Set(decided_on),
        note: Set(note),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut row = before.clone();
    row.ends_on = Some(new_ends_on);
    let after = save(&txn, &before, row).await?;
    finish(txn, caller, Operation::ExtendInsats, &before, &after).await?;
    Ok((after, owner.into()))
}

/// setInsatsBudget: the budget (and spending) of one year.
pub async fn set_budget(
    cx: &ServiceContext,
    caller: &Caller,
    id: i32,
    version: i32,
    budget: BudgetYear,
) -> ApiResult<InsatsRow> {
    let txn = begin_write(&cx.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version, cx.clock.today()).await?;
    budget.check()?;
    let at = now();
    let BudgetYear {
        year,
        budget_sek,
        spent_sek,
        spent_through,
    } = budget;
    let spent_through = spent_through.map(NaiveDate::from);
    let existing = insats_budget::Entity::find()
        .filter(insats_budget::Column::InsatsId.eq(id))
        .filter(insats_budget::Column::Year.eq(year))
        .one(&txn)
        .await?;
    let budget_row = match existing {
        Some(b) => {
            let mut active: insats_budget::ActiveModel = b.clone().into();
            active.budget_sek = Set(budget_sek);
            active.spent_sek = Set(spent_sek);
            active.spent_through = Set(spent_through);
            active.version = Set(b.version + 1);
            active.updated_at = Set(at);
            active.update(&txn).await?
        }
        None => {
            crate::service::insert_new(
                &txn,
                at,
                insats_budget::ActiveModel {
                    insats_id: Set(id),
                    year: Set(year),
                    budget_sek: Set(budget_sek),
                    spent_sek: Set(spent_sek),
                    spent_through: Set(spent_through),
                    ..Default::default()
                },
            )
            .await?
        }
    };
    let total: Option<i64> = insats_budget::Entity::find()
        .filter(insats_budget::Column::InsatsId.eq(id))
        .all(&txn)
        .await?
        .iter()
        .map(|b| b.budget_sek)
        .reduce(|a, b| a.saturating_add(b));
    let mut row = before.clone();
    row.budget_total_sek = total;
    let after = save(&txn, &before, row).await?;
    finish(
        txn,
        caller,
        Operation::SetInsatsBudget,
        &before,
        &(&after, &budget_row),
    )
    .await?;
    Ok((after, owner.into()))
}
