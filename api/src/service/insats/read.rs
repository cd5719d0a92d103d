//! Reading insatser: a page in keyset order, the count for a filter, one
//! row, and rows by id for the loaders. A page comes without its owners
//! (the caller pairs them from the reference snapshot, `Snapshot::forbund_for`);
//! a single row and the loaders' rows come with theirs, joined.

use std::sync::Arc;

use chrono::NaiveDate;
use finsam_entity::{forbund, insats, insats_budget, insats_goal};
use sea_orm::{
    Condition, DatabaseConnection, DbErr, DerivePartialModel, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QueryResult, QuerySelect,
};

use super::{
    Direction, InsatsCursor, InsatsFilter, InsatsRow, OrderField, check_order, in_list_order,
    keyset, visible, with_owner,
};
use crate::auth::Principal;
use crate::auth::policy::InsatsScope;
use crate::domain::insats::Visibility;
use crate::error::{ApiError, ApiResult, Rule};
use finsam_entity::columns::Columns;

pub async fn list(
    db: &DatabaseConnection,
    principal: &Principal,
    filter: &InsatsFilter,
    field: OrderField,
    direction: Direction,
    after: Option<&InsatsCursor>,
    limit: u64,
) -> ApiResult<Vec<insats::Model>> {
    check_order(principal, field)?;
    let mut query = insats::Entity::find()
        .filter(visible(principal))
        .filter(filter.condition(db.get_database_backend())?);
    if let Some(after) = after {
        if after.field != field || after.direction != direction {
            return Err(ApiError::bad_input("after", Rule::CursorInvalid));
        }
        query = query.filter(keyset(after)?);
    }
    let rows = in_list_order(query, field, direction)
        .limit(limit)
        .into_model::<Listed>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

pub async fn count(
    db: &DatabaseConnection,
    principal: &Principal,
    filter: &InsatsFilter,
) -> ApiResult<u64> {
    Ok(insats::Entity::find()
        .filter(visible(principal))
        .filter(filter.condition(db.get_database_backend())?)
        .count(db)
        .await?)
}

/// One insats, if the caller may see it; a hidden one is `None` like a missing one.
pub async fn get(
    db: &DatabaseConnection,
    principal: &Principal,
    id: i32,
) -> ApiResult<Option<InsatsRow>> {
    let row = insats::Entity::find_by_id(id)
        .filter(visible(principal))
        .find_also_related(forbund::Entity)
        .one(db)
        .await?;
    Ok(row.and_then(|(i, f)| f.map(|f| (i, f.into()))))
}

/// Insatser by id, or by the insats they were carried over from, that
/// `visible` lets through; with their owners. One statement (loaders).
pub async fn visible_by<C: sea_orm::ConnectionTrait>(
    conn: &C,
    visible: Condition,
    by_carried_over_from: bool,
    keys: &[i32],
) -> ApiResult<Vec<InsatsRow>> {
    let column = if by_carried_over_from {
        insats::Column::CarriedOverFromId
    } else {
        insats::Column::Id
    };
    let rows = insats::Entity::find()
        .filter(visible)
        .filter(crate::service::one_of(
            column,
            keys,
            conn.get_database_backend(),
        ))
        .order_by_asc(insats::Column::Id)
        .find_also_related(forbund::Entity)
        .all(conn)
        .await?;
    Ok(with_owner(rows))
}

/// An insats as a page reads it: the whole row, its columns by position
/// (`finsam_entity::columns`).
pub struct Listed(pub insats::Model);

impl FromQueryResult for Listed {
    fn from_query_result(res: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        if !pre.is_empty() {
            // Joined under a prefix: positions are not ours to know.
            return insats::Model::from_query_result(res, pre).map(Listed);
        }
        insats::Model::read_in_order(&mut Columns::of(res)).map(Listed)
    }
}

/// A year's budget as readers see it: the columns the API shows, without the
/// row's id, version and timestamps (a page of 50 insatser reads 150 of
/// these; the two timestamps alone were parsed 300 times a page for
/// nothing), read by position in the order of its fields.
#[derive(Debug, Clone, PartialEq, DerivePartialModel)]
#[sea_orm(entity = "insats_budget::Entity", from_query_result = "false")]
pub struct BudgetLine {
    pub insats_id: i32,
    pub year: i32,
    pub budget_sek: i64,
    pub spent_sek: Option<i64>,
    pub spent_through: Option<NaiveDate>,
}

impl FromQueryResult for BudgetLine {
    fn from_query_result(res: &QueryResult, _pre: &str) -> Result<Self, DbErr> {
        let mut c = Columns::of(res);
        Ok(BudgetLine {
            insats_id: c.next_value()?,
            year: c.next_value()?,
            budget_sek: c.next_value()?,
            spent_sek: c.next_value()?,
            spent_through: c.next_value()?,
        })
    }
}

/// A goal as readers see it (as `BudgetLine`).
#[derive(Debug, Clone, PartialEq, DerivePartialModel)]
#[sea_orm(entity = "insats_goal::Entity", from_query_result = "false")]
pub struct GoalLine {
    pub id: i32,
    pub insats_id: i32,
    pub description: String,
    pub target_percent: Option<f64>,
    pub horizon_months: Option<i32>,
}

impl FromQueryResult for GoalLine {
    fn from_query_result(res: &QueryResult, _pre: &str) -> Result<Self, DbErr> {
        let mut c = Columns::of(res);
        Ok(GoalLine {
            id: c.next_value()?,
            insats_id: c.next_value()?,
            description: c.next_value()?,
            target_percent: c.next_value()?,
            horizon_months: c.next_value()?,
        })
    }
}

/// An insats's owner and visibility before a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenBefore {
    pub forbund_id: i32,
    pub visibility: Visibility,
}

impl SeenBefore {
    /// From the record as the log keeps it (JSON), if it says both.
    pub fn of(before: &str) -> Option<Self> {
        #[derive(serde::Deserialize)]
        struct Row {
            forbund_id: i32,
            visibility: Visibility,
        }
        let row: Row = serde_json::from_str(before).ok()?;
        Some(SeenBefore {
            forbund_id: row.forbund_id,
            visibility: row.visibility,
        })
    }
}

/// The reads of one change's insats, shared between the subscribers who see
/// insatser alike (the same `InsatsScope`): a change followed by many
/// subscriptions of one kind of caller is read once, not once each; those
/// who ask while the read runs wait for it. The most recent `capacity`
/// (change, scope) pairs are kept, then dropped oldest first.
pub struct SharedReads {
    cells: std::sync::Mutex<lru::LruCache<(i32, InsatsScope), SharedRead>>,
}

type SharedRead = Arc<tokio::sync::OnceCell<Option<InsatsRow>>>;

impl SharedReads {
    pub fn new(capacity: usize) -> Self {
        let capacity = std::num::NonZeroUsize::new(capacity).unwrap_or(std::num::NonZeroUsize::MIN);
        SharedReads {
            cells: std::sync::Mutex::new(lru::LruCache::new(capacity)),
        }
    }

    /// Insats `id` as change `event` left it, if `principal` may see it
    /// (`get`), read once for every subscriber who sees insatser alike.
    pub async fn get(
        &self,
        db: &DatabaseConnection,
        principal: &Principal,
        event: i32,
        id: i32,
    ) -> ApiResult<Option<InsatsRow>> {
        let key = (event, crate::auth::policy::insats_scope(principal));
        let cell = {
            let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
            cells
                .get_or_insert(key, || Arc::new(tokio::sync::OnceCell::new()))
                .clone()
        };
        Ok(cell
            .get_or_try_init(|| get(db, principal, id))
            .await?
            .clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An insats's earlier state is kept as who could see it, whatever its
    /// size: an event's size is bounded by construction.
    #[test]
    fn only_who_could_see_an_insats_is_kept_of_its_earlier_state() {
        let description = "x".repeat(1_000_000);
        let before = serde_json::json!({
            "id": 7, "forbund_id": 3, "visibility": "PRIVATE", "description": description,
        })
        .to_string();
        assert_eq!(
            SeenBefore::of(&before),
            Some(SeenBefore {
                forbund_id: 3,
                visibility: Visibility::Private
            })
        );
        let odd = serde_json::json!({ "forbund_id": 3, "visibility": description }).to_string();
        assert_eq!(SeenBefore::of(&odd), None);
        assert_eq!(SeenBefore::of("not json"), None);
    }
}
