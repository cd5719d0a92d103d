//! Who is whose DSO: the ring of an agreement on a day, a förbund's DSO and
//! whom it serves, and the same for a page of förbund in one statement.

use std::collections::HashMap;

use chrono::NaiveDate;
use finsam_entity::{dso_assignment, forbund};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::{RingData, resolve_agreement, to_link};
use crate::domain::dso_ring::{self, Id};
use crate::error::ApiResult;

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
                (vec![], Some(v.broken(&name, on).message()))
            }
        };
    if let Some(slug) = start {
        let from = crate::service::forbund::require_slug(db, slug, "from").await?;
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
    // The read checks what it returns: a ring that names a förbund outside
    // its life that day is broken, however well its cycle closes.
    let problem = match problem {
        Some(problem) => Some(problem),
        None => outside_life(db, &assignments, on).await?,
    };
    Ok(Some(RingView {
        data,
        on,
        order,
        assignments,
        problem,
    }))
}

/// A sentence about the first förbund that `assignments` name on `on`
/// though it does not exist that day, if any.
async fn outside_life<C: ConnectionTrait>(
    conn: &C,
    assignments: &[dso_assignment::Model],
    on: NaiveDate,
) -> ApiResult<Option<String>> {
    let ids: Vec<Id> = assignments
        .iter()
        .flat_map(|a| [a.provider_id, a.recipient_id])
        .collect();
    let rows = forbund::Entity::find()
        .filter(forbund::Column::Id.is_in(ids))
        .order_by_asc(forbund::Column::Id)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .find(|f| !crate::domain::forbund::alive_on(f.founded_on, f.dissolved_on, on))
        .map(|f| match f.dissolved_on {
            Some(end) if end < on => format!(
                "{} is named on the ring on {on}, but it was dissolved on {end}",
                f.name
            ),
            _ => format!(
                "{} is named on the ring on {on}, before it was founded",
                f.name
            ),
        }))
}

pub(super) async fn names<C: ConnectionTrait>(
    conn: &C,
    ids: &[Id],
) -> ApiResult<HashMap<Id, String>> {
    Ok(forbund::Entity::find()
        .filter(forbund::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|f| (f.id, f.name))
        .collect())
}

/// Assignments active on `on` between two förbund that both exist that day:
/// a lookup never names a förbund outside its life, and a DSO never reads a
/// log through an assignment whose other side has ended (the writes keep
/// the ring so; `ring`'s `problem` says so if stored data ever does not).
fn active_on_condition(on: NaiveDate) -> Condition {
    use sea_orm::sea_query::Query;
    let alive = Query::select()
        .column(forbund::Column::Id)
        .from(forbund::Entity)
        .cond_where(
            Condition::all()
                .add(
                    Condition::any()
                        .add(forbund::Column::FoundedOn.is_null())
                        .add(forbund::Column::FoundedOn.lte(on)),
                )
                .add(
                    Condition::any()
                        .add(forbund::Column::DissolvedOn.is_null())
                        .add(forbund::Column::DissolvedOn.gte(on)),
                ),
        )
        .to_owned();
    Condition::all()
        .add(dso_assignment::Column::ValidFrom.lte(on))
        .add(
            Condition::any()
                .add(dso_assignment::Column::ValidTo.is_null())
                .add(dso_assignment::Column::ValidTo.gte(on)),
        )
        .add(dso_assignment::Column::ProviderId.in_subquery(alive.clone()))
        .add(dso_assignment::Column::RecipientId.in_subquery(alive))
}

/// Who serves `forbund_id` on `on` (its DSO), in any agreement.
pub async fn dso_for(
    db: &DatabaseConnection,
    forbund_id: i32,
    on: NaiveDate,
) -> ApiResult<Option<dso_assignment::Model>> {
    assignment_on(db, dso_assignment::Column::RecipientId, forbund_id, on).await
}

/// Whom `forbund_id`'s DSO serves on `on`.
pub async fn served_by(
    db: &DatabaseConnection,
    forbund_id: i32,
    on: NaiveDate,
) -> ApiResult<Option<dso_assignment::Model>> {
    assignment_on(db, dso_assignment::Column::ProviderId, forbund_id, on).await
}

/// The assignment active on `on` whose `side` (provider or recipient) is
/// `forbund_id`: in one ring a förbund provides once and receives once.
async fn assignment_on(
    db: &DatabaseConnection,
    side: dso_assignment::Column,
    forbund_id: i32,
    on: NaiveDate,
) -> ApiResult<Option<dso_assignment::Model>> {
    Ok(dso_assignment::Entity::find()
        .filter(side.eq(forbund_id))
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
