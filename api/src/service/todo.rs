//! What waits for the signed-in caller (`me.todo`, the app's "Att göra"):
//! DSO-ring proposals that wait for its förbund's answer and those its
//! förbund made that others have not yet answered (for its admin), and the
//! half-year outcome reports not yet made for the förbund's running
//! insatser (for its editors). Each list is what the caller may act on,
//! by the same rules the mutations check.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use finsam_entity::value::{ProposalAnswer, ProposalStatus, Status};
use finsam_entity::{insats, insats_outcome};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::auth::Caller;
use crate::auth::policy::{Action, allows};
use crate::error::ApiResult;
use crate::service::dso::ProposalView;
use crate::service::insats::InsatsRow;

/// A half-year's report not yet made for a running insats.
pub struct ReportDue {
    pub insats: InsatsRow,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
}

#[derive(Default)]
pub struct Todo {
    /// Proposals that change the förbund's DSO and wait for its answer.
    pub to_answer: Vec<ProposalView>,
    /// The förbund's own proposals, still waiting for other parties.
    pub waiting_for_others: Vec<ProposalView>,
    pub reports_due: Vec<ReportDue>,
}

/// The half-year (January–June or July–December) that ended last before
/// `today`: the period a förbund reports its insatser's outcomes for.
pub fn last_half_year(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a day of the calendar");
    if today.month() >= 7 {
        (day(today.year(), 1, 1), day(today.year(), 6, 30))
    } else {
        (day(today.year() - 1, 7, 1), day(today.year() - 1, 12, 31))
    }
}

/// Whether an outcome reported for `from`–`to` covers the half-year ending
/// on `end` (a half-year's report, or a longer one that includes it).
fn covers(from: Option<NaiveDate>, to: NaiveDate, end: NaiveDate) -> bool {
    to >= end && from.is_none_or(|f| f <= end)
}

pub async fn of(
    conn: &sea_orm::DatabaseConnection,
    caller: &Caller,
    today: NaiveDate,
) -> ApiResult<Todo> {
    let Some(slug) = caller.principal.forbund.as_deref() else {
        return Ok(Todo::default());
    };
    let Some(own) = crate::service::forbund::by_slug(conn, slug).await? else {
        return Ok(Todo::default());
    };
    // After its last day a förbund is an archive: its staff's write roles
    // end with it, and nothing waits for them.
    if !crate::domain::forbund::alive_on(own.founded_on, own.dissolved_on, today) {
        return Ok(Todo::default());
    }
    let mut todo = Todo::default();
    if allows(
        &caller.principal,
        Action::ManageDsoMembership { forbund: slug },
    ) {
        // Open proposals are few: the newest hundred hold every one.
        let (views, _) =
            crate::service::dso::proposals(conn, caller, Some(slug), None, 100).await?;
        for view in views {
            if view.status(today) != ProposalStatus::Pending {
                continue;
            }
            let ours = view.parties.iter().find(|p| p.forbund_id == own.id);
            if ours.is_some_and(|p| p.answer == ProposalAnswer::Pending) {
                todo.to_answer.push(view);
            } else if view.proposal.proposed_by_forbund_id == Some(own.id) {
                todo.waiting_for_others.push(view);
            }
        }
    }
    if allows(
        &caller.principal,
        Action::EditForbundContent { forbund: slug },
    ) {
        let (from, to) = last_half_year(today);
        let running = insats::Entity::find()
            .filter(insats::Column::ForbundId.eq(own.id))
            .filter(insats::Column::Status.eq(Status::Active))
            .filter(insats::Column::StartsOn.lte(to))
            .order_by_asc(insats::Column::Name)
            .all(conn)
            .await?;
        let running: Vec<insats::Model> = running
            .into_iter()
            .filter(|i| i.ends_on.is_none_or(|e| e >= from))
            .collect();
        let reported: Vec<(i32, Option<NaiveDate>, NaiveDate)> = insats_outcome::Entity::find()
            .filter(insats_outcome::Column::InsatsId.is_in(running.iter().map(|i| i.id)))
            .filter(insats_outcome::Column::PeriodTo.gte(to))
            .all(conn)
            .await?
            .into_iter()
            .map(|o| (o.insats_id, o.period_from, o.period_to))
            .collect();
        let owner = Arc::new(own);
        for row in running {
            let done = reported
                .iter()
                .any(|(id, f, t)| *id == row.id && covers(*f, *t, to));
            if !done {
                todo.reports_due.push(ReportDue {
                    insats: (row, owner.clone()),
                    period_from: from,
                    period_to: to,
                });
            }
        }
    }
    Ok(todo)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_half_year_reported_for_is_the_last_that_ended() {
        assert_eq!(
            last_half_year(day("2026-12-05")),
            (day("2026-01-01"), day("2026-06-30"))
        );
        assert_eq!(
            last_half_year(day("2026-07-01")),
            (day("2026-01-01"), day("2026-06-30"))
        );
        assert_eq!(
            last_half_year(day("2027-06-30")),
            (day("2026-07-01"), day("2026-12-31"))
        );
    }

    #[test]
    fn a_longer_report_covers_the_half_year_it_holds() {
        let end = day("2026-06-30");
        assert!(covers(Some(day("2026-01-01")), end, end));
        assert!(covers(Some(day("2025-07-01")), day("2026-06-30"), end));
        assert!(covers(None, day("2026-12-31"), end));
        assert!(!covers(Some(day("2026-07-01")), day("2026-12-31"), end));
        assert!(!covers(Some(day("2025-07-01")), day("2025-12-31"), end));
    }
}
