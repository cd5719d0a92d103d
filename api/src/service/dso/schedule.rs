//! The ring over time: the periods between two days in which it stays the
//! same.

use chrono::NaiveDate;
use finsam_entity::dso_assignment;
use sea_orm::DatabaseConnection;

use super::{RingData, resolve_agreement, to_link};
use crate::domain::dso_ring::{self, Id};
use crate::error::{ApiError, ApiResult, Rule};

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
        return Err(ApiError::bad_input(
            "to",
            Rule::BeforeStart.with("other", "from"),
        ));
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
