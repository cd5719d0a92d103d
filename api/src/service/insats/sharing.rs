//! Who an insats is for: its visibility and the förbund it is shared with,
//! and carrying it over to a successor förbund (the new insats links to
//! the old one, which keeps its history).

use finsam_entity::{forbund, insats, insats_share};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use super::{InsatsRow, finish, load_for_edit, save, visible};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::db::begin_write;
use crate::domain::insats::{Status, Visibility};
use crate::error::{ApiError, ApiResult, Rule};
use crate::service::audit::Operation;
use crate::service::{ServiceContext, check_version, now};

/// shareInsats: the visibility, and the förbund it is shared with by name.
pub async fn share(
    cx: &ServiceContext,
    caller: &Caller,
    id: i32,
    version: i32,
    visibility: Visibility,
    with: &[String],
) -> ApiResult<InsatsRow> {
    let txn = begin_write(&cx.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version, cx.clock.today()).await?;
    let mut ids = Vec::new();
    for (i, slug) in with.iter().enumerate() {
        let f = crate::service::forbund::require_slug(&txn, slug, &format!("with[{i}]")).await?;
        if f.id != before.forbund_id && !ids.contains(&f.id) {
            ids.push(f.id);
        }
    }
    insats_share::Entity::delete_many()
        .filter(insats_share::Column::InsatsId.eq(id))
        .exec(&txn)
        .await?;
    let at = now();
    for f in &ids {
        insats_share::ActiveModel {
            insats_id: Set(id),
            forbund_id: Set(*f),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let mut row = before.clone();
    row.visibility = visibility;
    let after = save(&txn, &before, row).await?;
    finish(
        txn,
        caller,
        Operation::ShareInsats,
        &before,
        &(&after, &ids),
    )
    .await?;
    Ok((after, owner.into()))
}

/// carryOverInsats: the successor förbund takes the insats over; the new
/// insats links to the old one, which keeps its history.
pub async fn carry_over(
    cx: &ServiceContext,
    caller: &Caller,
    id: i32,
    version: i32,
    to: &str,
) -> ApiResult<InsatsRow> {
    let txn = begin_write(&cx.db).await?;
    let before = insats::Entity::find_by_id(id)
        .filter(visible(&caller.principal))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("insats"))?;
    let owner = forbund::Entity::find_by_id(before.forbund_id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("förbund"))?;
    let target = crate::service::forbund::require_slug(&txn, to, "to").await?;
    if owner.successor_id != Some(target.id) {
        return Err(ApiError::bad_input(
            "to",
            Rule::NotSuccessor
                .with("to", &target.name)
                .with("from", &owner.name),
        ));
    }
    // The old förbund's staff (while it exists: after its last day their
    // write roles end with it) or the successor's may move it.
    let old_staff_may = owner.dissolved_on.is_none_or(|end| cx.clock.today() <= end);
    let may = (old_staff_may
        && policy::allows(
            &caller.principal,
            Action::EditForbundContent {
                forbund: &owner.slug,
            },
        ))
        || policy::allows(
            &caller.principal,
            Action::EditForbundContent {
                forbund: &target.slug,
            },
        );
    if !may {
        policy::require(
            &caller.principal,
            Action::EditForbundContent {
                forbund: &target.slug,
            },
        )?;
    }
    check_version("insats", before.version, version)?;
    let already = insats::Entity::find()
        .filter(insats::Column::CarriedOverFromId.eq(id))
        .count(&txn)
        .await?;
    if already > 0 {
        return Err(ApiError::bad_input("id", Rule::InsatsCarriedOver));
    }
    let at = now();
    let mut copy = before.clone();
    copy.forbund_id = target.id;
    copy.carried_over_from_id = Some(id);
    copy.starts_on = target.founded_on.or(Some(cx.clock.today()));
    copy.original_ends_on = None;
    copy.ends_on = None;
    copy.status = Status::Active;
    copy.allocated_sek = None;
    copy.budget_total_sek = None;
    copy.version = 1;
    copy.created_at = at;
    copy.updated_at = at;
    let mut active: insats::ActiveModel = copy.into();
    active.id = sea_orm::ActiveValue::NotSet;
    let created = active.insert(&txn).await.map_err(|e| {
        ApiError::from_db_unique(e, Rule::InsatsNameTaken.with("forbund", &target.name))
    })?;
    let mut old = before.clone();
    old.status = Status::CarriedOver;
    if old.ends_on.is_none() {
        old.ends_on = owner.dissolved_on;
    }
    let old_after = save(&txn, &before, old).await?;
    finish(
        txn,
        caller,
        Operation::CarryOverInsats,
        &before,
        &(&old_after, &created),
    )
    .await?;
    Ok((created, target.into()))
}
