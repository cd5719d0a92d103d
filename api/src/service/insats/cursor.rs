//! Keyset order for insats lists: the sort fields, the cursor a page ends
//! on, and the condition for the rows after it (empty keys last, the id as
//! the tie-breaker; every column named with its table).

use chrono::NaiveDate;
use finsam_entity::insats;
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ColumnTrait, Condition};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderField {
    Name,
    StartDate,
    Budget,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

fn key_value(field: OrderField, key: &str) -> ApiResult<sea_orm::Value> {
    let bad = || ApiError::bad_input("after", "not a cursor this list gave out");
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
