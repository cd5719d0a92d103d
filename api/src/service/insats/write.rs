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

use super::{InsatsFields, InsatsRow, apply, check_optional_text, visible};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::db::begin_write;
use crate::domain::insats::{self as rules, Status, Visibility};
use crate::error::{ApiError, ApiResult};
use crate::service::audit::{self, Change};
use crate::service::{AppState, check_version, now};

/// createInsats: the owning förbund's editor or admin, or network_admin.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    forbund_slug: &str,
    fields: InsatsFields,
) -> ApiResult<InsatsRow> {
    let txn = begin_write(&state.db).await?;
    let owner = crate::service::forbund::require_slug(&txn, forbund_slug, "forbund").await?;
    policy::require(
        &caller.principal,
        Action::EditForbundContent {
            forbund: &owner.slug,
        },
    )?;
    if fields.name.is_none() {
        return Err(ApiError::bad_input("name", "must not be empty"));
    }
    let at = now();
    let mut row = insats::Model {
        id: 0,
        forbund_id: owner.id,
        name: String::new(),
        description: None,
        orientation: None,
        category: None,
        owner_organisation: None,
        executor_organisation: None,
        target_group: None,
        age_min: None,
        age_max: None,
        capacity_year_places: None,
        target_participants: None,
        starts_on: None,
        original_ends_on: None,
        ends_on: None,
        status: Status::Planned.as_str().into(),
        visibility: Visibility::Private.as_str().into(),
        allocated_sek: None,
        budget_total_sek: None,
        carried_over_from_id: None,
        search_text: String::new(),
        version: 1,
        created_at: at,
        updated_at: at,
    };
    apply(&mut row, &fields)?;
    let taken = insats::Entity::find()
        .filter(insats::Column::ForbundId.eq(owner.id))
        .filter(insats::Column::Name.eq(&row.name))
        .count(&txn)
        .await?;
    if taken > 0 {
        return Err(ApiError::bad_input(
            "name",
            "the förbund already has an insats with this name",
        ));
    }
    let mut active: insats::ActiveModel = row.into();
    active.id = sea_orm::ActiveValue::NotSet;
    let row = active.insert(&txn).await.map_err(|e| {
        ApiError::from_db_unique(e, "the förbund already has an insats with this name")
    })?;
    audit::commit(
        txn,
        caller,
        Change::created("createInsats", "Insats", row.id, Some(owner.id), &row),
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
) -> ApiResult<(insats::Model, forbund::Model)> {
    let row = insats::Entity::find_by_id(id)
        .filter(visible(&caller.principal))
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::not_found("insats"))?;
    let owner = forbund::Entity::find_by_id(row.forbund_id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::not_found("förbund"))?;
    policy::require(
        &caller.principal,
        Action::EditForbundContent {
            forbund: &owner.slug,
        },
    )?;
    check_version("insats", row.version, version)?;
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
        "the förbund already has an insats with this name",
    )
    .await?;
    Ok(after)
}

pub(super) async fn finish<A: Serialize>(
    txn: DatabaseTransaction,
    caller: &Caller,
    operation: &str,
    before: &insats::Model,
    after: &A,
) -> ApiResult<()> {
    audit::commit(
        txn,
        caller,
        Change::updated(
            operation,
            "Insats",
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
    state: &AppState,
    caller: &Caller,
    id: i32,
    version: i32,
    fields: InsatsFields,
) -> ApiResult<InsatsRow> {
    let txn = begin_write(&state.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version).await?;
    if fields.ends_on.is_some() && before.original_ends_on != before.ends_on {
        return Err(ApiError::bad_input(
            "endsOn",
            "the insats has been extended; use extendInsats",
        ));
    }
    let mut row = before.clone();
    apply(&mut row, &fields)?;
    let after = save(&txn, &before, row).await?;
    finish(txn, caller, "updateInsats", &before, &after).await?;
    Ok((after, owner.into()))
}

/// extendInsats: a new end, keeping the original end visible.
pub async fn extend(
    state: &AppState,
    caller: &Caller,
    id: i32,
    version: i32,
    new_ends_on: NaiveDate,
    decided_on: Option<NaiveDate>,
    note: Option<String>,
) -> ApiResult<InsatsRow> {
    let txn = begin_write(&state.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version).await?;
    if before.ends_on.is_some_and(|e| new_ends_on <= e) {
        return Err(ApiError::bad_input(
            "newEndsOn",
            "an extension ends after the current end",
        ));
    }
    rules::check_period(before.starts_on, Some(new_ends_on))
        .map_err(|e| ApiError::bad_input("newEndsOn", e.message))?;
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
    finish(txn, caller, "extendInsats", &before, &after).await?;
    Ok((after, owner.into()))
}

/// setInsatsBudget: the budget (and spending) of one year.
#[allow(clippy::too_many_arguments)]
pub async fn set_budget(
    state: &AppState,
    caller: &Caller,
    id: i32,
    version: i32,
    year: i32,
    budget_sek: i64,
    spent_sek: Option<i64>,
    spent_through: Option<NaiveDate>,
) -> ApiResult<InsatsRow> {
    if !(1990..=2100).contains(&year) {
        return Err(ApiError::bad_input("year", "a year from 1990 to 2100"));
    }
    rules::check_money("budgetSek", Some(budget_sek))?;
    rules::check_money("spentSek", spent_sek)?;
    let txn = begin_write(&state.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version).await?;
    let at = now();
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
        "setInsatsBudget",
        &before,
        &(&after, &budget_row),
    )
    .await?;
    Ok((after, owner.into()))
}
