//! Keyset order for insats lists: the sort fields, the cursor a page ends
//! on, and the condition for the rows after it (empty keys last, the id as
//! the tie-breaker; every column named with its table).

use chrono::NaiveDate;
use finsam_entity::insats;
use sea_orm::sea_query::{Expr, ExprTrait, Order, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, QueryOrder, Select};
use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::{ApiError, ApiResult, Rule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderField {
    Name,
    StartDate,
    Budget,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Direction {
    Asc,
    Desc,
}

/// Where a page ends: the sort key and id of its last row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InsatsCursor {
    pub field: OrderField,
    pub direction: Direction,
    pub key: Option<String>,
    pub id: i32,
}

impl InsatsCursor {
    pub fn of(row: &insats::Model, field: OrderField, direction: Direction) -> Self {
        let key = match field {
            OrderField::Name => Some(row.name.clone()),
            OrderField::StartDate => row.starts_on.map(|d| d.to_string()),
            OrderField::Budget => row.budget_total_sek.map(|b| b.to_string()),
        };
        InsatsCursor {
            field,
            direction,
            key,
            id: row.id,
        }
    }
}

pub(super) fn order_column(field: OrderField) -> insats::Column {
    match field {
        OrderField::Name => insats::Column::Name,
        OrderField::StartDate => insats::Column::StartsOn,
        OrderField::Budget => insats::Column::BudgetTotalSek,
    }
}

/// Whether a sort key can be empty (NULL): names cannot, dates and budgets can.
pub(super) fn nullable(field: OrderField) -> bool {
    field != OrderField::Name
}

pub(super) fn sql_order(direction: Direction) -> Order {
    match direction {
        Direction::Asc => Order::Asc,
        Direction::Desc => Order::Desc,
    }
}

/// An order reveals the values it sorts by: by budget only for callers who
/// may see money (and never through the cursor, which is sealed).
pub(super) fn check_order(principal: &Principal, field: OrderField) -> ApiResult<()> {
    if field == OrderField::Budget && !policy::allows(principal, Action::OrderInsatserByMoney) {
        return Err(ApiError::ForbiddenInput {
            field: "orderBy.field".into(),
            broken: Rule::OrderNeedsSignIn.into(),
        });
    }
    Ok(())
}

/// `query` in the list's order: the sort key, then the id. Empty keys go
/// last, a term added only for keys that can be empty: `name` cannot (NOT
/// NULL), and without the extra term its order is the (name, id) index's,
/// so a page stops after its rows instead of sorting them all.
pub(super) fn in_list_order(
    query: Select<insats::Entity>,
    field: OrderField,
    direction: Direction,
) -> Select<insats::Entity> {
    let col = order_column(field);
    let query = if nullable(field) {
        query.order_by(Expr::col((insats::Entity, col)).is_null(), Order::Asc)
    } else {
        query
    };
    query
        .order_by(col, sql_order(direction))
        .order_by_asc(insats::Column::Id)
}

fn key_value(field: OrderField, key: &str) -> ApiResult<sea_orm::Value> {
    let bad = || ApiError::bad_input("after", Rule::CursorInvalid);
    Ok(match field {
        OrderField::Name => key.to_string().into(),
        OrderField::StartDate => NaiveDate::parse_from_str(key, "%Y-%m-%d")
            .map_err(|_| bad())?
            .into(),
        OrderField::Budget => key.parse::<i64>().map_err(|_| bad())?.into(),
    })
}

/// Rows after the cursor in (sort key, id) order, with empty keys last.
pub(super) fn keyset(after: &InsatsCursor) -> ApiResult<Condition> {
    let col = order_column(after.field);
    let after_id = insats::Column::Id.gt(after.id);
    Ok(match &after.key {
        None => Condition::all().add(col.is_null()).add(after_id),
        Some(key) => {
            let v = key_value(after.field, key)?;
            let beyond: SimpleExpr = match after.direction {
                Direction::Asc => Expr::col((insats::Entity, col)).gt(v.clone()),
                Direction::Desc => Expr::col((insats::Entity, col)).lt(v.clone()),
            };
            let rest = Condition::any().add(beyond).add(
                Condition::all()
                    .add(Expr::col((insats::Entity, col)).eq(v))
                    .add(after_id),
            );
            if nullable(after.field) {
                rest.add(col.is_null())
            } else {
                rest
            }
        }
    })
}
