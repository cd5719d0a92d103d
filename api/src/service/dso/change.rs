//! What a change does to the ring (the member's dates, the assignments
//! that end and begin) and the checks every change passes: the whole
//! derived schedule, the scope limit and the contact address.

use std::collections::HashMap;

use chrono::NaiveDate;
use finsam_entity::{dso_agreement, dso_assignment};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend,
    EntityTrait, Set,
};
use serde::Serialize;

use super::{RingData, names, to_link};
use crate::domain::dso_ring::{self, Id, Link, Member};
use crate::error::{ApiError, ApiResult, Rule};
use crate::service::now;

/// What a change does to the ring: the member's dates and the assignments
/// that end or begin.
#[derive(Debug, Clone, Serialize)]
pub struct RingChange {
    pub agreement_id: i32,
    /// The förbund the change is about (for a new order, the first of it).
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

impl RingChange {
    /// A change written from `from` on by `forbund_id`'s request: the
    /// assignments it ended and began, and the agreement period it falls in.
    /// The member's own dates are the caller's to add.
    pub(super) fn written(
        data: &RingData,
        forbund_id: i32,
        from: NaiveDate,
        (ended, started): (Vec<Link>, Vec<Link>),
    ) -> Self {
        RingChange {
            agreement_id: data.agreement.id,
            forbund_id,
            joined_on: None,
            notice_received_on: None,
            last_day: None,
            ended,
            started,
            taken_over_by: None,
            handed_over: None,
            period_ends_on: data.period_end(from),
            notice_deadline: data.notice_deadline(from),
            applied: true,
        }
    }
}

/// A ring change written in its transaction, not yet committed, with what
/// the audit log keeps of it (`consent` decides whether it is committed or
/// becomes a proposal).
pub struct Applied {
    pub change: RingChange,
    pub operation: crate::service::audit::Operation,
    pub entity: crate::service::audit::RecordKind,
    pub entity_id: i32,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

pub(super) fn ring_invalid(err: dso_ring::RingError, names: &HashMap<Id, String>) -> ApiError {
    let name = names
        .get(&err.violation.forbund())
        .cloned()
        .unwrap_or_else(|| format!("förbund {}", err.violation.forbund()));
    ApiError::DsoRingInvalid(err.violation.broken(&name, err.on))
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
                    // The same assignment on new terms from its first day:
                    // the recipient's DSO changes as surely as with a new
                    // assignment, so it is one that begins (and its
                    // recipient a party whose consent it needs).
                    if (l.scope - old.scope).abs() > 1e-9 || l.contact != old.contact {
                        started.push(l.clone());
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
        crate::service::insert_new(
            conn,
            at,
            dso_assignment::ActiveModel {
                agreement_id: Set(data.agreement.id),
                provider_id: Set(link.provider),
                recipient_id: Set(link.recipient),
                valid_from: Set(link.from),
                valid_to: Set(link.to),
                scope_percent: Set(link.scope),
                contact: Set(link.contact.clone()),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok((ended, started))
}

/// The ring after a member's place ends on `last`, checked from `check_from`
/// on: the assignments regenerated from the next day, and the assignment
/// that takes over its recipient then (who served it serves whom it
/// served). `field` names the argument a refusal is about.
pub(super) async fn closed_around<C: ConnectionTrait>(
    conn: &C,
    data: &RingData,
    members: &[dso_ring::Member],
    leaver: i32,
    last: NaiveDate,
    check_from: NaiveDate,
    field: &str,
) -> ApiResult<(Vec<Link>, Option<Link>)> {
    let day_after = last.succ_opt().ok_or_else(|| {
        ApiError::bad_input(
            field,
            Rule::DateOutOfRange
                .with("value", last)
                .with("first", crate::record::Date::FIRST)
                .with("last", crate::record::Date::LAST),
        )
    })?;
    let new_links = dso_ring::regenerate(&data.domain_links(), members, day_after);
    check(conn, members, &new_links, check_from).await?;
    let provider_on_last = data
        .domain_links()
        .into_iter()
        .find(|l| l.recipient == leaver && l.active_on(last))
        .map(|l| l.provider);
    let takeover = new_links
        .iter()
        .find(|l| l.from == day_after && Some(l.provider) == provider_on_last)
        .cloned();
    Ok((new_links, takeover))
}

/// Begins a transaction for a change to the ring (or an answer to a
/// proposal), one at a time: the checks that a change fits hold only against
/// a ring nobody else is changing meanwhile. SQLite's write transactions
/// already run one at a time (`BEGIN IMMEDIATE`); PostgreSQL's READ COMMITTED
/// lets two run side by side, so each first takes a transaction-scoped
/// advisory lock, and every statement after it reads the ring as the other
/// left it (DESIGN.md, "Consent").
pub(super) async fn begin_ring_change(db: &DatabaseConnection) -> ApiResult<DatabaseTransaction> {
    let txn = crate::db::begin_write(db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({RING_LOCK})"))
            .await?;
    }
    Ok(txn)
}

/// The advisory lock key of ring changes ("DSO" in ASCII).
const RING_LOCK: i64 = 0x44_53_4f;

/// Checks the derived schedule from `from` on; refuses with the member at fault.
pub(super) async fn check<C: ConnectionTrait>(
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

pub(super) fn check_scope(scope: f64, agreement: &dso_agreement::Model) -> ApiResult<()> {
    if !scope.is_finite() || scope <= 0.0 || scope > agreement.max_scope_percent {
        return Err(ApiError::bad_input(
            "scopePercent",
            Rule::ScopeRange.with("max", agreement.max_scope_percent),
        ));
    }
    Ok(())
}

/// The DSO function's address (not a person's: DESIGN.md, "DSO-ring").
pub(super) fn check_contact(field: &str, contact: &str) -> ApiResult<String> {
    crate::record::text(field, contact, 300)
}
