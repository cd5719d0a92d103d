//! Board meetings and their decisions: a public calendar across förbund
//! (board minutes are public documents), kept by each förbund's editors.

use chrono::NaiveDate;
use finsam_entity::{decision, forbund, insats, meeting};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use super::audit::{self, Change};
use super::{ServiceContext, now};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Rule};
use crate::record::meeting::{MeetingFields, NewDecision, NewMeeting};
use crate::service::audit::{Operation, RecordKind};

/// The longest range one calendar request may span.
const MAX_YEARS: i64 = 10;

/// Meetings from `from` to `to` (both included), of the given förbund or all,
/// by day and time.
/// One meeting by id (public, like the calendar), or `None`.
pub async fn by_id(db: &DatabaseConnection, id: i32) -> ApiResult<Option<meeting::Model>> {
    Ok(meeting::Entity::find_by_id(id).one(db).await?)
}

pub async fn calendar(
    db: &DatabaseConnection,
    from: NaiveDate,
    to: NaiveDate,
    forbund_slugs: Option<Vec<String>>,
) -> ApiResult<Vec<meeting::Model>> {
    if to < from {
        return Err(ApiError::bad_input(
            "to",
            Rule::BeforeStart.with("other", "from"),
        ));
    }
    if (to - from).num_days() > MAX_YEARS * 366 {
        return Err(ApiError::bad_input(
            "to",
            Rule::RangeTooLong.with("max", MAX_YEARS),
        ));
    }
    let mut query = meeting::Entity::find()
        .filter(meeting::Column::HeldOn.gte(from))
        .filter(meeting::Column::HeldOn.lte(to));
    if let Some(slugs) = forbund_slugs {
        query = query.filter(
            meeting::Column::ForbundId.in_subquery(
                Query::select()
                    .column(forbund::Column::Id)
                    .from(forbund::Entity)
                    .and_where(forbund::Column::Slug.is_in(slugs))
                    .to_owned(),
            ),
        );
    }
    Ok(query
        .order_by_asc(meeting::Column::HeldOn)
        .order_by_asc(meeting::Column::StartsAt)
        .order_by_asc(meeting::Column::Id)
        .all(db)
        .await?)
}

/// The row a checked meeting of förbund `forbund_id` is stored as
/// (createMeeting and the seed alike).
pub fn meeting_row(forbund_id: i32, m: MeetingFields) -> meeting::ActiveModel {
    meeting::ActiveModel {
        forbund_id: Set(forbund_id),
        held_on: Set(m.held_on),
        starts_at: Set(m.starts_at),
        ends_at: Set(m.ends_at),
        place: Set(m.place),
        paragraph_from: Set(m.paragraph_from),
        paragraph_to: Set(m.paragraph_to),
        body: Set(m.body),
        note: Set(m.note),
        ..Default::default()
    }
}

/// createMeeting: the förbund's editor or admin.
pub async fn create(
    cx: &ServiceContext,
    caller: &Caller,
    input: NewMeeting,
) -> ApiResult<meeting::Model> {
    policy::require(
        &caller.principal,
        Action::EditForbundContent {
            forbund: &input.forbund,
        },
    )?;
    let txn = begin_write(&cx.db).await?;
    let owner = super::forbund::require_slug(&txn, &input.forbund, "forbund").await?;
    let fields = input.checked()?;
    let dated = Some((fields.held_on, "heldOn"));
    super::forbund::require_open(&txn, caller, &owner, cx.clock.today(), dated).await?;
    let taken = meeting::Entity::find()
        .filter(meeting::Column::ForbundId.eq(owner.id))
        .filter(meeting::Column::HeldOn.eq(fields.held_on))
        .count(&txn)
        .await?;
    if taken > 0 {
        return Err(ApiError::bad_input("heldOn", Rule::MeetingDayTaken));
    }
    let at = now();
    let row = crate::service::insert_new(&txn, at, meeting_row(owner.id, fields))
        .await
        .map_err(|e| ApiError::from_db_unique(e, Rule::MeetingDayTaken))?;
    audit::commit(
        txn,
        caller,
        Change::created(
            Operation::CreateMeeting,
            RecordKind::Meeting,
            row.id,
            Some(owner.id),
            &row,
        ),
    )
    .await?;
    Ok(row)
}

/// recordDecision: a decision of a meeting, optionally funding an insats of
/// the same förbund.
pub async fn record_decision(
    cx: &ServiceContext,
    caller: &Caller,
    meeting_id: i32,
    version: i32,
    input: NewDecision,
) -> ApiResult<decision::Model> {
    let txn = begin_write(&cx.db).await?;
    let (m, _) = load_for_edit(&txn, caller, meeting_id, version, cx.clock.today()).await?;
    let (text, insats_id) = check_decision(&txn, &m, &input).await?;
    let at = now();
    let row = crate::service::insert_new(
        &txn,
        at,
        decision::ActiveModel {
            meeting_id: Set(meeting_id),
            paragraph: Set(input.paragraph),
            text: Set(text),
            amount_sek: Set(input.amount_sek),
            insats_id: Set(insats_id),
            ..Default::default()
        },
    )
    .await?;
    bump(&txn, &m, version).await?;
    audit::commit(
        txn,
        caller,
        Change::created(
            Operation::RecordDecision,
            RecordKind::Decision,
            row.id,
            Some(m.forbund_id),
            &row,
        ),
    )
    .await?;
    Ok(row)
}

/// A decision is part of its meeting's minutes: recording or correcting one
/// moves the meeting to its next version, against the version read (a
/// stale one is a CONFLICT and changes nothing).
async fn bump(
    txn: &sea_orm::DatabaseTransaction,
    m: &meeting::Model,
    version: i32,
) -> ApiResult<()> {
    let row = meeting::ActiveModel {
        version: Set(m.version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    crate::service::write_versioned(txn, "meeting", row, m.id, version, Rule::MeetingDayTaken).await
}

/// A decision's rules within its meeting: its text, a paragraph of the
/// meeting's, and an insats of the meeting's förbund. Returns the text as
/// stored and the insats's id.
async fn check_decision(
    txn: &sea_orm::DatabaseTransaction,
    m: &meeting::Model,
    input: &NewDecision,
) -> ApiResult<(String, Option<i32>)> {
    let text = input.checked_text()?;
    let insats_id = input
        .insats
        .as_ref()
        .map(|i| {
            crate::record::id::key(crate::record::id::NodeKind::Insats, i)
                .ok_or_else(|| ApiError::bad_input("insats", Rule::IdInvalid))
        })
        .transpose()?;
    if let Some(p) = input.paragraph {
        let outside =
            m.paragraph_from.is_some_and(|f| p < f) || m.paragraph_to.is_some_and(|t| p > t);
        if outside {
            return Err(ApiError::bad_input("paragraph", Rule::ParagraphOutside));
        }
    }
    if let Some(insats_id) = insats_id {
        let funded = insats::Entity::find_by_id(insats_id).one(txn).await?;
        if funded.is_none_or(|i| i.forbund_id != m.forbund_id) {
            return Err(ApiError::bad_input("insats", Rule::InsatsNotOwn));
        }
    }
    Ok((text, insats_id))
}

/// updateDecision: corrects a decision of the meeting, based on the
/// meeting's `version` (a decision is part of its meeting's minutes, so the
/// meeting's version guards it); logged with the decision before and after.
pub async fn update_decision(
    cx: &ServiceContext,
    caller: &Caller,
    meeting_id: i32,
    version: i32,
    decision_id: i32,
    input: NewDecision,
) -> ApiResult<decision::Model> {
    use sea_orm::ActiveModelTrait;
    let txn = begin_write(&cx.db).await?;
    let (m, _) = load_for_edit(&txn, caller, meeting_id, version, cx.clock.today()).await?;
    let old = decision::Entity::find_by_id(decision_id)
        .filter(decision::Column::MeetingId.eq(meeting_id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::bad_input("decision", Rule::DecisionUnknown))?;
    let (text, insats_id) = check_decision(&txn, &m, &input).await?;
    let mut row: decision::ActiveModel = old.clone().into();
    row.paragraph = Set(input.paragraph);
    row.text = Set(text);
    row.amount_sek = Set(input.amount_sek);
    row.insats_id = Set(insats_id);
    row.version = Set(old.version + 1);
    row.updated_at = Set(now());
    let new = row.update(&txn).await?;
    bump(&txn, &m, version).await?;
    audit::commit(
        txn,
        caller,
        Change::updated(
            Operation::UpdateDecision,
            RecordKind::Decision,
            new.id,
            Some(m.forbund_id),
            &old,
            &new,
        ),
    )
    .await?;
    Ok(new)
}

/// The meeting to change with its förbund, checked: the caller may edit the
/// förbund's content, and the meeting is at the version the change is based
/// on.
async fn load_for_edit(
    txn: &sea_orm::DatabaseTransaction,
    caller: &Caller,
    id: i32,
    version: i32,
    today: chrono::NaiveDate,
) -> ApiResult<(meeting::Model, forbund::Model)> {
    policy::require_signed_in(&caller.principal)?;
    let meeting = meeting::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::not_found("meeting"))?;
    let owner = super::forbund::permit_edit(
        txn,
        caller,
        meeting.forbund_id,
        today,
        ("meeting", meeting.version, version),
    )
    .await?;
    Ok((meeting, owner))
}

/// updateMeeting: corrects a meeting (all its fields; the förbund stays),
/// based on the `version` read.
pub async fn update(
    cx: &ServiceContext,
    caller: &Caller,
    id: i32,
    version: i32,
    input: NewMeeting,
) -> ApiResult<meeting::Model> {
    let txn = begin_write(&cx.db).await?;
    let today = cx.clock.today();
    let (before, owner) = load_for_edit(&txn, caller, id, version, today).await?;
    let fields = input.checked()?;
    let dated = Some((fields.held_on, "heldOn"));
    super::forbund::require_open(&txn, caller, &owner, today, dated).await?;
    if input.forbund != owner.slug {
        return Err(ApiError::bad_input("forbund", Rule::MeetingMoves));
    }
    let clash = meeting::Entity::find()
        .filter(meeting::Column::ForbundId.eq(owner.id))
        .filter(meeting::Column::HeldOn.eq(fields.held_on))
        .filter(meeting::Column::Id.ne(id))
        .count(&txn)
        .await?;
    if clash > 0 {
        return Err(ApiError::bad_input("heldOn", Rule::MeetingDayTaken));
    }
    let mut row = meeting_row(owner.id, fields);
    row.version = Set(before.version + 1);
    row.updated_at = Set(now());
    let after = crate::service::write_versioned_then_read(
        &txn,
        "meeting",
        row,
        id,
        version,
        Rule::MeetingDayTaken,
    )
    .await?;
    audit::commit(
        txn,
        caller,
        Change::updated(
            Operation::UpdateMeeting,
            RecordKind::Meeting,
            id,
            Some(owner.id),
            &before,
            &after,
        ),
    )
    .await?;
    Ok(after)
}
