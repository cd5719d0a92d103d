//! An insats's goals: adding, correcting and removing them. A goal is part
//! of its insats: each change bumps the insats's version (a stale one is a
//! CONFLICT) and is logged on the insats with the goal before and after.

use finsam_entity::insats_goal;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::{InsatsRow, finish, load_for_edit, save};
use crate::auth::Caller;
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Rule};
use crate::record::insats::NewGoal;
use crate::service::audit::Operation;
use crate::service::{ServiceContext, now};

/// addInsatsGoal.
pub async fn add_goal(
    cx: &ServiceContext,
    caller: &Caller,
    id: i32,
    version: i32,
    goal: NewGoal,
) -> ApiResult<InsatsRow> {
    let txn = begin_write(&cx.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version, cx.clock.today()).await?;
    let NewGoal {
        description,
        target_percent,
        horizon_months,
    } = goal.checked()?;
    let at = now();
    let goal = crate::service::insert_new(
        &txn,
        at,
        insats_goal::ActiveModel {
            insats_id: Set(id),
            description: Set(description),
            target_percent: Set(target_percent),
            horizon_months: Set(horizon_months),
            ..Default::default()
        },
    )
    .await?;
    let after = save(&txn, &before, before.clone()).await?;
    finish(
        txn,
        caller,
        Operation::AddInsatsGoal,
        &before,
        &(&after, &goal),
    )
    .await?;
    Ok((after, owner.into()))
}

/// updateInsatsGoal: corrects one of the insats's goals.
pub async fn update_goal(
    cx: &ServiceContext,
    caller: &Caller,
    id: i32,
    version: i32,
    goal_id: i32,
    goal: NewGoal,
) -> ApiResult<InsatsRow> {
    let txn = begin_write(&cx.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version, cx.clock.today()).await?;
    let old = insats_goal::Entity::find_by_id(goal_id)
        .filter(insats_goal::Column::InsatsId.eq(id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::bad_input("goal", Rule::GoalUnknown))?;
    let NewGoal {
        description,
        target_percent,
        horizon_months,
    } = goal.checked()?;
    let mut row: insats_goal::ActiveModel = old.clone().into();
    row.description = Set(description);
    row.target_percent = Set(target_percent);
    row.horizon_months = Set(horizon_months);
    let new = row.update(&txn).await?;
    let after = save(&txn, &before, before.clone()).await?;
    crate::service::audit::commit(
        txn,
        caller,
        crate::service::audit::Change::updated(
            Operation::UpdateInsatsGoal,
            crate::service::audit::RecordKind::Insats,
            id,
            Some(before.forbund_id),
            &(&before, &old),
            &(&after, &new),
        ),
    )
    .await?;
    Ok((after, owner.into()))
}

/// removeInsatsGoal: drops one of the insats's goals.
pub async fn remove_goal(
    cx: &ServiceContext,
    caller: &Caller,
    id: i32,
    version: i32,
    goal_id: i32,
) -> ApiResult<InsatsRow> {
    let txn = begin_write(&cx.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version, cx.clock.today()).await?;
    let goal = insats_goal::Entity::find_by_id(goal_id)
        .filter(insats_goal::Column::InsatsId.eq(id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::bad_input("goal", Rule::GoalUnknown))?;
    insats_goal::Entity::delete_by_id(goal.id)
        .exec(&txn)
        .await?;
    let after = save(&txn, &before, before.clone()).await?;
    finish(
        txn,
        caller,
        Operation::RemoveInsatsGoal,
        &before,
        &(&after, &goal),
    )
    .await?;
    Ok((after, owner.into()))
}
