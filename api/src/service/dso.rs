//! The DSO-ring: lookups (public, GDPR art. 37(7)) and changes to the ring.
//! Every change re-derives the assignments from its day on, checks the whole
//! schedule with `domain::dso_ring::check_schedule`, and writes all of it in
//! one transaction — or nothing, with DSO_RING_INVALID naming the member.

use std::collections::HashMap;

use chrono::NaiveDate;
use finsam_entity::{dso_agreement, dso_assignment, dso_member, forbund};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde::Serialize;

use super::audit::{self, Change};
use super::{AppState, now};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::db::begin_write;
use crate::domain::dso_ring::{self, Id, JoinError, LeaveError, Link, Member};
use crate::error::{ApiError, ApiResult};

/// Every agreement, oldest first (a handful: one per ring).
pub async fn agreements(db: &DatabaseConnection) -> ApiResult<Vec<dso_agreement::Model>> {
    Ok(dso_agreement::Entity::find()
        .order_by_asc(dso_agreement::Column::StartsOn)
        .order_by_asc(dso_agreement::Column::Id)
        .all(db)
        .await?)
}

/// The agreement asked for, or the one in force on `day` (the latest to have
/// started), or the first.
pub async fn resolve_agreement<C: ConnectionTrait>(
    conn: &C,
    id: Option<i32>,
    day: NaiveDate,
) -> ApiResult<Option<dso_agreement::Model>> {
    if let Some(id) = id {
        return Ok(dso_agreement::Entity::find_by_id(id).one(conn).await?);
    }
    let started = dso_agreement::Entity::find()
        .filter(dso_agreement::Column::StartsOn.lte(day))
        .order_by_desc(dso_agreement::Column::StartsOn)
        .one(conn)
        .await?;
    match started {
        Some(a) => Ok(Some(a)),
        None => Ok(dso_agreement::Entity::find()
            .order_by_asc(dso_agreement::Column::Id)
            .one(conn)
            .await?),
    }
}

async fn require_agreement<C: ConnectionTrait>(
    conn: &C,
    id: Option<i32>,
    forbund_id: Option<i32>,
) -> ApiResult<dso_agreement::Model> {
    if let Some(id) = id {
        return dso_agreement::Entity::find_by_id(id)
            .one(conn)
            .await?
            .ok_or_else(|| ApiError::bad_input("agreement", "no such DSO agreement"));
    }
    // Without an id: the one agreement the förbund belongs to, if there is one.
    let memberships = match forbund_id {
        Some(f) => {
            dso_member::Entity::find()
                .filter(dso_member::Column::ForbundId.eq(f))
                .all(conn)
                .await?
        }
        None => vec![],
    };
    match memberships.as_slice() {
        [one] => dso_agreement::Entity::find_by_id(one.agreement_id)
            .one(conn)
            .await?
            .ok_or_else(|| ApiError::bad_input("agreement", "no such DSO agreement")),
        _ => Err(ApiError::bad_input("agreement", "name the DSO agreement")),
    }
}

/// The agreement asked for, or the one in force on `day`.
async fn agreement_on<C: ConnectionTrait>(
    conn: &C,
    id: Option<i32>,
    day: NaiveDate,
) -> ApiResult<dso_agreement::Model> {
    match id {
        Some(id) => require_agreement(conn, Some(id), None).await,
        None => resolve_agreement(conn, None, day)
            .await?
            .ok_or_else(|| ApiError::bad_input("agreement", "there is no DSO agreement")),
    }
}

/// Everything about one agreement that the rules need.
pub struct RingData {
    pub agreement: dso_agreement::Model,
    pub members: Vec<dso_member::Model>,
    pub assignments: Vec<dso_assignment::Model>,
}

impl RingData {
    pub async fn load<C: ConnectionTrait>(
        conn: &C,
        agreement: dso_agreement::Model,
    ) -> ApiResult<Self> {
        let members = dso_member::Entity::find()
            .filter(dso_member::Column::AgreementId.eq(agreement.id))
            .order_by_asc(dso_member::Column::Id)
            .all(conn)
            .await?;
        let assignments = dso_assignment::Entity::find()
            .filter(dso_assignment::Column::AgreementId.eq(agreement.id))
            .order_by_asc(dso_assignment::Column::ValidFrom)
            .order_by_asc(dso_assignment::Column::Id)
            .all(conn)
            .await?;
        Ok(RingData {
            agreement,
            members,
            assignments,
        })
    }

    /// A new agreement: nothing stored under it yet.
    pub fn empty(agreement: dso_agreement::Model) -> Self {
        RingData {
            agreement,
            members: vec![],
            assignments: vec![],
        }
    }

    pub fn domain_members(&self) -> Vec<Member> {
        self.members.iter().map(to_domain_member).collect()
    }

    pub fn domain_links(&self) -> Vec<Link> {
        self.assignments.iter().map(to_link).collect()
    }

    pub fn period_end(&self, day: NaiveDate) -> NaiveDate {
        dso_ring::period_end(
            self.agreement.initial_ends_on,
            months(self.agreement.renewal_months),
            day,
        )
    }

    pub fn notice_deadline(&self, day: NaiveDate) -> NaiveDate {
        dso_ring::notice_deadline(self.period_end(day), months(self.agreement.notice_months))
    }
}

fn months(m: i32) -> u32 {
    u32::try_from(m).unwrap_or(0)
}

fn to_domain_member(m: &dso_member::Model) -> Member {
    Member {
        forbund: m.forbund_id,
        joined_on: m.joined_on,
        last_day: m.last_day,
        notice_received_on: m.notice_received_on,
        withdrew: m.withdrew_before_start,
        position: m.ring_position.unwrap_or(f64::from(m.id)),
        contact: m.contact.clone().unwrap_or_default(),
        scope: m.scope_percent.unwrap_or(0.0),
    }
}

fn to_link(a: &dso_assignment::Model) -> Link {
    Link {
        provider: a.provider_id,
        recipient: a.recipient_id,
        from: a.valid_from,
        to: a.valid_to,
        scope: a.scope_percent,
        contact: a.contact.clone(),
    }
}

/// The ring of an agreement on a day.
pub struct RingView {
    pub data: RingData,
    pub on: NaiveDate,
    /// Members in ring order; each serves the next, the last the first.
    pub order: Vec<Id>,
    /// The assignments of the day, in ring order of their providers.
    pub assignments: Vec<dso_assignment::Model>,
    /// Set when the stored ring is broken on this day (it should never be).
    pub problem: Option<String>,
}

pub async fn ring(
    db: &DatabaseConnection,
    agreement: Option<i32>,
    on: NaiveDate,
    start: Option<&str>,
) -> ApiResult<Option<RingView>> {
    let Some(agreement) = resolve_agreement(db, agreement, on).await? else {
        return Ok(None);
    };
    let data = RingData::load(db, agreement).await?;
    let (mut order, problem) =
        match dso_ring::check_day(&data.domain_members(), &data.domain_links(), on) {
            Ok(order) => (order, None),
            Err(v) => {
                let names = names(db, &[v.forbund()]).await?;
                let name = names.get(&v.forbund()).cloned().unwrap_or_default();
                (vec![], Some(v.describe(&name)))
            }
        };
    if let Some(slug) = start {
        let from = super::forbund::require_slug(db, slug, "from").await?;
        if let Some(pos) = order.iter().position(|id| *id == from.id) {
            order.rotate_left(pos);
        }
    }
    let mut assignments: Vec<dso_assignment::Model> = data
        .assignments
        .iter()
        .filter(|a| to_link(a).active_on(on))
        .cloned()
        .collect();
    assignments.sort_by_key(|a| order.iter().position(|id| *id == a.provider_id));
    Ok(Some(RingView {
        data,
        on,
        order,
        assignments,
        problem,
    }))
}

async fn names<C: ConnectionTrait>(conn: &C, ids: &[Id]) -> ApiResult<HashMap<Id, String>> {
    Ok(forbund::Entity::find()
        .filter(forbund::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|f| (f.id, f.name))
        .collect())
}

fn active_on_condition(on: NaiveDate) -> Condition {
    Condition::all()
        .add(dso_assignment::Column::ValidFrom.lte(on))
        .add(
            Condition::any()
                .add(dso_assignment::Column::ValidTo.is_null())
                .add(dso_assignment::Column::ValidTo.gte(on)),
        )
}

/// Who serves `forbund_id` on `on` (its DSO), in any agreement.
pub async fn dso_for(
    db: &DatabaseConnection,
    forbund_id: i32,
    on: NaiveDate,
) -> ApiResult<Option<dso_assignment::Model>> {
    Ok(dso_assignment::Entity::find()
        .filter(dso_assignment::Column::RecipientId.eq(forbund_id))
        .filter(active_on_condition(on))
        .order_by_asc(dso_assignment::Column::Id)
        .one(db)
        .await?)
}

/// Whom `forbund_id`'s DSO serves on `on`.
pub async fn served_by(
    db: &DatabaseConnection,
    forbund_id: i32,
    on: NaiveDate,
) -> ApiResult<Option<dso_assignment::Model>> {
    Ok(dso_assignment::Entity::find()
        .filter(dso_assignment::Column::ProviderId.eq(forbund_id))
        .filter(active_on_condition(on))
        .order_by_asc(dso_assignment::Column::Id)
        .one(db)
        .await?)
}

/// The DSO assignments active on `on` for a batch of recipients (or
/// providers): one statement for a whole page of förbund.
pub async fn active_for_many<C: ConnectionTrait>(
    conn: &C,
    by_provider: bool,
    ids: &[Id],
    on: NaiveDate,
) -> ApiResult<Vec<dso_assignment::Model>> {
    let column = if by_provider {
        dso_assignment::Column::ProviderId
    } else {
        dso_assignment::Column::RecipientId
    };
    Ok(dso_assignment::Entity::find()
        .filter(column.is_in(ids.iter().copied()))
        .filter(active_on_condition(on))
        .order_by_asc(dso_assignment::Column::Id)
        .all(conn)
        .await?)
}

/// A stretch of days in which the ring stays the same.
pub struct SchedulePeriod {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub order: Vec<Id>,
    pub assignments: Vec<dso_assignment::Model>,
}

/// The periods between `from` and `to` (both included) in which the ring of
/// the agreement stays the same.
pub async fn schedule(
    db: &DatabaseConnection,
    agreement: Option<i32>,
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<Vec<SchedulePeriod>> {
    if to < from {
        return Err(ApiError::bad_input("to", "must not be before from"));
    }
    let Some(agreement) = resolve_agreement(db, agreement, from).await? else {
        return Ok(vec![]);
    };
    let data = RingData::load(db, agreement).await?;
    let members = data.domain_members();
    let links = data.domain_links();
    let mut starts: Vec<NaiveDate> = std::iter::once(from)
        .chain(
            dso_ring::breakpoints(&members, &links)
                .into_iter()
                .filter(|d| *d > from && *d <= to),
        )
        .collect();
    starts.dedup();
    let mut periods = Vec::with_capacity(starts.len());
    for (i, start) in starts.iter().enumerate() {
        let end = match starts.get(i + 1) {
            Some(next) => next.pred_opt(),
            None => Some(to),
        };
        let order = dso_ring::check_day(&members, &links, *start).unwrap_or_default();
        let mut assignments: Vec<dso_assignment::Model> = data
            .assignments
            .iter()
            .filter(|a| to_link(a).active_on(*start))
            .cloned()
            .collect();
        assignments.sort_by_key(|a| order.iter().position(|id| *id == a.provider_id));
        periods.push(SchedulePeriod {
            from: *start,
            to: end,
            order,
            assignments,
        });
    }
    Ok(periods)
}

/// What a change does to the ring: the member's dates and the assignments
/// that end or begin.
#[derive(Debug, Clone, Serialize)]
pub struct RingChange {
    pub agreement_id: i32,
    pub forbund_id: i32,
    pub joined_on: Option<NaiveDate>,
    pub notice_received_on: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    /// Assignments cut short, with their new last day.
    #[serde(skip)]
    pub ended: Vec<Link>,
    /// Assignments that begin.
    #[serde(skip)]
    pub started: Vec<Link>,
    /// For a leave: who serves the leaver's recipient from the day after.
    pub taken_over_by: Option<Id>,
    pub handed_over: Option<Id>,
    pub period_ends_on: NaiveDate,
    pub notice_deadline: NaiveDate,
    /// False for a preview.
    pub applied: bool,
}

fn ring_invalid(err: dso_ring::RingError, names: &HashMap<Id, String>) -> ApiError {
    let name = names
        .get(&err.violation.forbund())
        .cloned()
        .unwrap_or_else(|| format!("förbund {}", err.violation.forbund()));
    ApiError::DsoRingInvalid(format!("{} from {}", err.violation.describe(&name), err.on))
}

/// Diffs the new assignments against the stored ones and writes the
/// difference; unchanged assignments keep their rows.
pub(crate) async fn write_links<C: ConnectionTrait>(
    conn: &C,
    data: &RingData,
    new: &[Link],
) -> ApiResult<(Vec<Link>, Vec<Link>)> {
    let at = now();
    let mut ended = Vec::new();
    let mut started = Vec::new();
    let mut matched = vec![false; new.len()];
    for row in &data.assignments {
        let old = to_link(row);
        let same_start = new.iter().enumerate().find(|(i, l)| {
            !matched[*i]
                && l.provider == old.provider
                && l.recipient == old.recipient
                && l.from == old.from
        });
        match same_start {
            Some((i, l)) => {
                matched[i] = true;
                if *l != old {
                    if l.to != old.to {
                        ended.push(l.clone());
                    }
                    let mut active: dso_assignment::ActiveModel = row.clone().into();
                    active.valid_to = Set(l.to);
                    active.scope_percent = Set(l.scope);
                    active.contact = Set(l.contact.clone());
                    active.version = Set(row.version + 1);
                    active.updated_at = Set(at);
                    active.update(conn).await?;
                }
            }
            None => {
                dso_assignment::Entity::delete_by_id(row.id)
                    .exec(conn)
                    .await?;
            }
        }
    }
    for (link, _) in new.iter().zip(&matched).filter(|(_, m)| !**m) {
        started.push(link.clone());
        dso_assignment::ActiveModel {
            agreement_id: Set(data.agreement.id),
            provider_id: Set(link.provider),
            recipient_id: Set(link.recipient),
            valid_from: Set(link.from),
            valid_to: Set(link.to),
            scope_percent: Set(link.scope),
            contact: Set(link.contact.clone()),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok((ended, started))
}

/// Checks the derived schedule from `from` on; refuses with the member at fault.
async fn check<C: ConnectionTrait>(
    conn: &C,
    members: &[Member],
    links: &[Link],
    from: NaiveDate,
) -> ApiResult<()> {
    if let Err(err) = dso_ring::check_schedule(members, links, from) {
        let names = names(conn, &[err.violation.forbund()]).await?;
        return Err(ring_invalid(err, &names));
    }
    Ok(())
}

fn check_scope(scope: f64, agreement: &dso_agreement::Model) -> ApiResult<()> {
    if !scope.is_finite() || scope <= 0.0 || scope > agreement.max_scope_percent {
        return Err(ApiError::bad_input(
            "scopePercent",
            format!(
                "scope must be above 0 and at most {} % of a full-time position",
                agreement.max_scope_percent
            ),
        ));
    }
    Ok(())
}

fn check_contact(contact: &str) -> ApiResult<String> {
    let c = contact.trim();
    if c.is_empty() || c.chars().count() > 300 {
        return Err(ApiError::bad_input(
            "contact",
            "give the DSO function's address, at most 300 characters",
        ));
    }
    Ok(c.to_string())
}

/// leaveDsoRing and its preview: notice received on `notice_on`.
pub async fn leave(
    state: &AppState,
    caller: &Caller,
    agreement_id: Option<i32>,
    slug: &str,
    notice_on: NaiveDate,
    apply: bool,
) -> ApiResult<RingChange> {
    // A preview only reads: it takes no write lock and is rolled back.
    let txn = if apply {
        begin_write(&state.db).await?
    } else {
        state.db.begin().await?
    };
    let leaver = super::forbund::require_slug(&txn, slug, "forbund").await?;
    if apply {
        policy::require(
            &caller.principal,
            Action::ManageDsoMembership {
                forbund: &leaver.slug,
            },
        )?;
    }
    let agreement = require_agreement(&txn, agreement_id, Some(leaver.id)).await?;
    let data = RingData::load(&txn, agreement).await?;
    let mut members = data.domain_members();
    let last = dso_ring::leave(
        &mut members,
        leaver.id,
        notice_on,
        months(data.agreement.notice_months),
    )
    .map_err(|e| match e {
        LeaveError::NotAMember => ApiError::bad_input(
            "forbund",
            format!("{} is not a member of this DSO-ring", leaver.name),
        ),
        LeaveError::AlreadyGaveNotice(day) => ApiError::bad_input(
            "noticeReceivedOn",
            format!("{} has already given notice (last day {day})", leaver.name),
        ),
        LeaveError::NoticeBeforeJoining(joined) => ApiError::bad_input(
            "noticeReceivedOn",
            format!("notice cannot be received before the member joined on {joined}"),
        ),
    })?;
    let day_after = last
        .succ_opt()
        .ok_or_else(|| ApiError::bad_input("noticeReceivedOn", "date out of range"))?;
    let new_links = dso_ring::regenerate(&data.domain_links(), &members, day_after);
    check(
        &txn,
        &members,
        &new_links,
        data.agreement.starts_on.min(notice_on),
    )
    .await?;

    let provider_on_last = data
        .domain_links()
        .into_iter()
        .find(|l| l.recipient == leaver.id && l.active_on(last))
        .map(|l| l.provider);
    let takeover = new_links
        .iter()
        .find(|l| l.from == day_after && Some(l.provider) == provider_on_last);
    let mut change = RingChange {
        agreement_id: data.agreement.id,
        forbund_id: leaver.id,
        joined_on: members
            .iter()
            .find(|m| m.forbund == leaver.id)
            .and_then(|m| m.joined_on),
        notice_received_on: Some(notice_on),
        last_day: Some(last),
        ended: vec![],
        started: vec![],
        taken_over_by: takeover.map(|l| l.provider),
        handed_over: takeover.map(|l| l.recipient),
        period_ends_on: data.period_end(notice_on),
        notice_deadline: data.notice_deadline(notice_on),
        applied: apply,
    };
    if !apply {
        let (ended, started) = diff_only(&data, &new_links);
        change.ended = ended;
        change.started = started;
        txn.rollback().await?;
        return Ok(change);
    }
    let row = data
        .members
        .iter()
        .find(|m| m.forbund_id == leaver.id)
        .cloned()
        .ok_or_else(|| ApiError::bad_input("forbund", "not a member"))?;
    let mut active: dso_member::ActiveModel = row.clone().into();
    active.notice_received_on = Set(Some(notice_on));
    active.last_day = Set(Some(last));
    active.version = Set(row.version + 1);
    active.updated_at = Set(now());
    let after = active.update(&txn).await?;
    let (ended, started) = write_links(&txn, &data, &new_links).await?;
    change.ended = ended;
    change.started = started;
    audit::record(
        &txn,
        caller,
        Change {
            operation: "leaveDsoRing",
            entity: "DsoMember",
            entity_id: row.id.to_string(),
            forbund_id: Some(leaver.id),
            before: Some(&row),
            after: Some(&(&after, &change)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(change)
}

/// The assignments that would end and begin, without writing.
fn diff_only(data: &RingData, new: &[Link]) -> (Vec<Link>, Vec<Link>) {
    let old = data.domain_links();
    let ended = new
        .iter()
        .filter(|l| {
            old.iter().any(|o| {
                o.provider == l.provider
                    && o.recipient == l.recipient
                    && o.from == l.from
                    && o.to != l.to
            })
        })
        .cloned()
        .collect();
    let started = new
        .iter()
        .filter(|l| {
            !old.iter()
                .any(|o| o.provider == l.provider && o.recipient == l.recipient && o.from == l.from)
        })
        .cloned()
        .collect();
    (ended, started)
}

pub struct JoinInput {
    pub agreement: Option<i32>,
    pub forbund: String,
    pub from: NaiveDate,
    pub after: Option<String>,
    pub contact: String,
    pub scope_percent: Option<f64>,
}

/// joinDsoRing: the förbund joins on `from`, placed after `after`.
pub async fn join(state: &AppState, caller: &Caller, input: JoinInput) -> ApiResult<RingChange> {
    let txn = begin_write(&state.db).await?;
    let joiner = super::forbund::require_slug(&txn, &input.forbund, "forbund").await?;
    policy::require(
        &caller.principal,
        Action::ManageDsoMembership {
            forbund: &joiner.slug,
        },
    )?;
    let agreement = agreement_on(&txn, input.agreement, input.from).await?;
    let data = RingData::load(&txn, agreement).await?;
    let scope = input
        .scope_percent
        .unwrap_or(data.agreement.max_scope_percent);
    check_scope(scope, &data.agreement)?;
    let contact = check_contact(&input.contact)?;
    if input.from < data.agreement.starts_on {
        return Err(ApiError::bad_input(
            "from",
            format!("the agreement starts on {}", data.agreement.starts_on),
        ));
    }
    let after = match &input.after {
        Some(slug) => Some(super::forbund::require_slug(&txn, slug, "after").await?),
        None => None,
    };
    let mut members = data.domain_members();
    let joiner_member = Member {
        forbund: joiner.id,
        joined_on: Some(input.from),
        last_day: None,
        notice_received_on: None,
        withdrew: false,
        position: 0.0,
        contact: contact.clone(),
        scope,
    };
    dso_ring::join(&mut members, joiner_member, after.as_ref().map(|a| a.id)).map_err(
        |e| match e {
            JoinError::AlreadyMember => ApiError::bad_input(
                "forbund",
                format!("{} is already a member of the ring", joiner.name),
            ),
            JoinError::AfterNotActive(_) => ApiError::bad_input(
                "after",
                "that förbund is not an active member on the joining day",
            ),
            JoinError::AfterRequired => {
                ApiError::bad_input("after", "name the member after which to join")
            }
        },
    )?;
    let new_links = dso_ring::regenerate(&data.domain_links(), &members, input.from);
    check(&txn, &members, &new_links, data.agreement.starts_on).await?;
    let position = members
        .iter()
        .find(|m| m.forbund == joiner.id)
        .map(|m| m.position);
    let at = now();
    let existing = data
        .members
        .iter()
        .find(|m| m.forbund_id == joiner.id)
        .cloned();
    let row = match &existing {
        Some(old) => {
            let mut active: dso_member::ActiveModel = old.clone().into();
            active.joined_on = Set(Some(input.from));
            active.notice_received_on = Set(None);
            active.last_day = Set(None);
            active.withdrew_before_start = Set(false);
            active.ring_position = Set(position);
            active.contact = Set(Some(contact.clone()));
            active.scope_percent = Set(Some(scope));
            active.version = Set(old.version + 1);
            active.updated_at = Set(at);
            active.update(&txn).await?
        }
        None => {
            dso_member::ActiveModel {
                agreement_id: Set(data.agreement.id),
                forbund_id: Set(joiner.id),
                signed: Set(true),
                joined_on: Set(Some(input.from)),
                notice_received_on: Set(None),
                last_day: Set(None),
                withdrew_before_start: Set(false),
                ring_position: Set(position),
                contact: Set(Some(contact.clone())),
                scope_percent: Set(Some(scope)),
                version: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    let (ended, started) = write_links(&txn, &data, &new_links).await?;
    let change = RingChange {
        agreement_id: data.agreement.id,
        forbund_id: joiner.id,
        joined_on: Some(input.from),
        notice_received_on: None,
        last_day: None,
        ended,
        started,
        taken_over_by: None,
        handed_over: None,
        period_ends_on: data.period_end(input.from),
        notice_deadline: data.notice_deadline(input.from),
        applied: true,
    };
    audit::record(
        &txn,
        caller,
        Change {
            operation: "joinDsoRing",
            entity: "DsoMember",
            entity_id: row.id.to_string(),
            forbund_id: Some(joiner.id),
            before: existing.as_ref(),
            after: Some(&(&row, &change)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(change)
}

/// setDsoAssignmentScope: the scope of what `slug` provides, from `from` on.
pub async fn set_scope(
    state: &AppState,
    caller: &Caller,
    agreement_id: Option<i32>,
    slug: &str,
    scope: f64,
    from: NaiveDate,
) -> ApiResult<RingChange> {
    let txn = begin_write(&state.db).await?;
    let provider = super::forbund::require_slug(&txn, slug, "forbund").await?;
    policy::require(
        &caller.principal,
        Action::ManageDsoMembership {
            forbund: &provider.slug,
        },
    )?;
    let agreement = require_agreement(&txn, agreement_id, Some(provider.id)).await?;
    let data = RingData::load(&txn, agreement).await?;
    check_scope(scope, &data.agreement)?;
    let row = data
        .members
        .iter()
        .find(|m| m.forbund_id == provider.id && m.joined_on.is_some())
        .cloned()
        .ok_or_else(|| {
            ApiError::bad_input(
                "forbund",
                format!("{} is not a member of this DSO-ring", provider.name),
            )
        })?;
    let mut members = data.domain_members();
    if let Some(m) = members.iter_mut().find(|m| m.forbund == provider.id) {
        m.scope = scope;
    }
    let new_links = dso_ring::regenerate(&data.domain_links(), &members, from);
    check(&txn, &members, &new_links, data.agreement.starts_on).await?;
    let mut active: dso_member::ActiveModel = row.clone().into();
    active.scope_percent = Set(Some(scope));
    active.version = Set(row.version + 1);
    active.updated_at = Set(now());
    let after = active.update(&txn).await?;
    let (ended, started) = write_links(&txn, &data, &new_links).await?;
    let change = RingChange {
        agreement_id: data.agreement.id,
        forbund_id: provider.id,
        joined_on: row.joined_on,
        notice_received_on: row.notice_received_on,
        last_day: row.last_day,
        ended,
        started,
        taken_over_by: None,
        handed_over: None,
        period_ends_on: data.period_end(from),
        notice_deadline: data.notice_deadline(from),
        applied: true,
    };
    audit::record(
        &txn,
        caller,
        Change {
            operation: "setDsoAssignmentScope",
            entity: "DsoMember",
            entity_id: row.id.to_string(),
            forbund_id: Some(provider.id),
            before: Some(&row),
            after: Some(&after),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(change)
}

/// rearrangeDsoRing (network_admin): from `from`, the members serve each
/// other in `order` (each the next, the last the first). An order that leaves
/// a member out, names one twice or names a non-member is refused with
/// DSO_RING_INVALID.
pub async fn rearrange(
    state: &AppState,
    caller: &Caller,
    agreement_id: Option<i32>,
    from: NaiveDate,
    order: &[String],
) -> ApiResult<dso_agreement::Model> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    let txn = begin_write(&state.db).await?;
    let agreement = agreement_on(&txn, agreement_id, from).await?;
    let data = RingData::load(&txn, agreement).await?;
    let mut ids = Vec::with_capacity(order.len());
    for (i, slug) in order.iter().enumerate() {
        ids.push(
            super::forbund::require_slug(&txn, slug, &format!("order[{i}]"))
                .await?
                .id,
        );
    }
    let mut members = data.domain_members();
    if members
        .iter()
        .any(|m| m.joined_on.is_some_and(|j| j > from) && !m.withdrew)
    {
        return Err(ApiError::bad_input(
            "from",
            "a member joins after this day; rearrange from that day instead",
        ));
    }
    // The ring the order describes, checked as it stands on `from`.
    let proposed: Vec<Link> = ids
        .iter()
        .enumerate()
        .map(|(i, p)| Link {
            provider: *p,
            recipient: ids[(i + 1) % ids.len()],
            from,
            to: None,
            scope: 0.0,
            contact: String::new(),
        })
        .collect();
    if let Err(violation) = dso_ring::check_day(&members, &proposed, from) {
        let names = names(&txn, &[violation.forbund()]).await?;
        return Err(ring_invalid(
            dso_ring::RingError {
                on: from,
                violation,
            },
            &names,
        ));
    }
    for m in members.iter_mut() {
        if let Some(pos) = ids.iter().position(|id| *id == m.forbund) {
            m.position = pos as f64 + 1.0;
        }
    }
    let new_links = dso_ring::regenerate(&data.domain_links(), &members, from);
    check(&txn, &members, &new_links, data.agreement.starts_on).await?;
    for row in &data.members {
        if let Some(pos) = ids.iter().position(|id| *id == row.forbund_id) {
            let mut active: dso_member::ActiveModel = row.clone().into();
            active.ring_position = Set(Some(pos as f64 + 1.0));
            active.version = Set(row.version + 1);
            active.updated_at = Set(now());
            active.update(&txn).await?;
        }
    }
    write_links(&txn, &data, &new_links).await?;
    audit::record(
        &txn,
        caller,
        Change::<(), _> {
            operation: "rearrangeDsoRing",
            entity: "DsoAgreement",
            entity_id: data.agreement.id.to_string(),
            forbund_id: None,
            before: None,
            after: Some(&serde_json::json!({ "from": from, "order": order })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(data.agreement)
}

pub struct NewAgreementMember {
    pub forbund: String,
    pub contact: String,
    pub scope_percent: Option<f64>,
}

pub struct NewAgreement {
    pub name: String,
    pub starts_on: NaiveDate,
    pub initial_ends_on: NaiveDate,
    pub renewal_months: i32,
    pub notice_months: i32,
    pub max_scope_percent: f64,
    /// In ring order: each serves the next, the last the first.
    pub members: Vec<NewAgreementMember>,
}

/// createDsoAgreement (network_admin): the agreement and its first ring.
pub async fn create_agreement(
    state: &AppState,
    caller: &Caller,
    input: NewAgreement,
) -> ApiResult<dso_agreement::Model> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::bad_input(
            "name",
            "give a name of at most 200 characters",
        ));
    }
    if input.initial_ends_on < input.starts_on {
        return Err(ApiError::bad_input(
            "initialEndsOn",
            "must not be before startsOn",
        ));
    }
    if !(1..=120).contains(&input.renewal_months) {
        return Err(ApiError::bad_input(
            "renewalMonths",
            "must be 1 to 120 months",
        ));
    }
    if !(0..=60).contains(&input.notice_months) {
        return Err(ApiError::bad_input(
            "noticeMonths",
            "must be 0 to 60 months",
        ));
    }
    if !input.max_scope_percent.is_finite()
        || !(0.0..=100.0).contains(&input.max_scope_percent)
        || input.max_scope_percent == 0.0
    {
        return Err(ApiError::bad_input(
            "maxScopePercent",
            "a percentage above 0 and at most 100",
        ));
    }
    let txn = begin_write(&state.db).await?;
    let at = now();
    let agreement = dso_agreement::ActiveModel {
        name: Set(name.to_string()),
        decided_on: Set(None),
        starts_on: Set(input.starts_on),
        initial_ends_on: Set(input.initial_ends_on),
        renewal_months: Set(input.renewal_months),
        notice_months: Set(input.notice_months),
        max_scope_percent: Set(input.max_scope_percent),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut members = Vec::new();
    for (i, m) in input.members.iter().enumerate() {
        let f = super::forbund::require_slug(&txn, &m.forbund, &format!("members[{i}].forbund"))
            .await?;
        if members.iter().any(|x: &Member| x.forbund == f.id) {
            return Err(ApiError::DsoRingInvalid(format!(
                "{} would serve two förbund",
                f.name
            )));
        }
        let scope = m.scope_percent.unwrap_or(input.max_scope_percent);
        if !scope.is_finite() || scope <= 0.0 || scope > input.max_scope_percent {
            return Err(ApiError::bad_input(
                format!("members[{i}].scopePercent"),
                "above 0 and at most the agreement's maximum",
            ));
        }
        let contact = check_contact(&m.contact).map_err(|_| {
            ApiError::bad_input(
                format!("members[{i}].contact"),
                "give the DSO function's address",
            )
        })?;
        members.push(Member {
            forbund: f.id,
            joined_on: Some(input.starts_on),
            last_day: None,
            notice_received_on: None,
            withdrew: false,
            position: i as f64 + 1.0,
            contact,
            scope,
        });
    }
    let links = dso_ring::derive(&members, input.starts_on);
    check(&txn, &members, &links, input.starts_on).await?;
    for m in &members {
        dso_member::ActiveModel {
            agreement_id: Set(agreement.id),
            forbund_id: Set(m.forbund),
            signed: Set(true),
            joined_on: Set(m.joined_on),
            notice_received_on: Set(None),
            last_day: Set(None),
            withdrew_before_start: Set(false),
            ring_position: Set(Some(m.position)),
            contact: Set(Some(m.contact.clone())),
            scope_percent: Set(Some(m.scope)),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    write_links(&txn, &RingData::empty(agreement.clone()), &links).await?;
    audit::record(
        &txn,
        caller,
        Change::<(), _> {
            operation: "createDsoAgreement",
            entity: "DsoAgreement",
            entity_id: agreement.id.to_string(),
            forbund_id: None,
            before: None,
            after: Some(&agreement),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(agreement)
}
