//! The first page of insatser of many förbund in one statement: a list of
//! förbund each with `insatser(first: n)` (a directory with each förbund's
//! newest work) is one window-function query — `ROW_NUMBER() OVER
//! (PARTITION BY forbund_id ORDER BY …)`, which SQLite and PostgreSQL both
//! have — not one query per förbund; and their counts one `GROUP BY`.

use std::collections::HashMap;

use finsam_entity::insats;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Order, Query, WindowStatement};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
    QueryTrait, StatementBuilder,
};

use super::{Direction, InsatsFilter, OrderField, order_column, visible};
use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::{ApiError, ApiResult};

fn order(direction: Direction) -> Order {
    match direction {
        Direction::Asc => Order::Asc,
        Direction::Desc => Order::Desc,
    }
}

/// Up to `limit` insatser of each of `forbund_ids` that `principal` may see
/// and `filter` lets through, each förbund's in the list's order.
pub async fn first_pages(
    db: &DatabaseConnection,
    principal: &Principal,
    filter: &InsatsFilter,
    field: OrderField,
    direction: Direction,
    forbund_ids: &[i32],
    limit: u64,
) -> ApiResult<HashMap<i32, Vec<insats::Model>>> {
    if field == OrderField::Budget && !policy::allows(principal, Action::OrderInsatserByMoney) {
        return Err(ApiError::ForbiddenInput {
            field: "orderBy.field".into(),
            message: "ordering by BUDGET needs a signed-in caller: budgets are not public".into(),
        });
    }
    let col = order_column(field);
    let mut window = WindowStatement::partition_by((insats::Entity, insats::Column::ForbundId));
    window
        .order_by_expr(Expr::col((insats::Entity, col)).is_null(), Order::Asc)
        .order_by((insats::Entity, col), order(direction))
        .order_by((insats::Entity, insats::Column::Id), Order::Asc);
    let mut inner = insats::Entity::find()
        .filter(visible(principal))
        .filter(filter.condition(db.get_database_backend())?)
        .filter(insats::Column::ForbundId.is_in(forbund_ids.iter().copied()))
        .into_query();
    inner.expr_window_as(
        Func::cust(Alias::new("ROW_NUMBER")),
        window,
        Alias::new("row_in_page"),
    );
    let outer = Query::select()
        .column(sea_orm::sea_query::Asterisk)
        .from_subquery(inner, Alias::new("pages"))
        .and_where(Expr::col(Alias::new("row_in_page")).lte(limit as i64))
        .order_by((Alias::new("pages"), Alias::new("forbund_id")), Order::Asc)
        .order_by(Alias::new("row_in_page"), Order::Asc)
        .to_owned();
    let statement = StatementBuilder::build(&outer, &db.get_database_backend());
    let rows = insats::Model::find_by_statement(statement).all(db).await?;
    let mut pages: HashMap<i32, Vec<insats::Model>> = HashMap::new();
    for row in rows {
        pages.entry(row.forbund_id).or_default().push(row);
    }
    Ok(pages)
}

#[derive(FromQueryResult)]
struct Count {
    forbund_id: i32,
    total: i64,
}

/// How many insatser of each of `forbund_ids` match, in one statement.
pub async fn counts(
    db: &DatabaseConnection,
    principal: &Principal,
    filter: &InsatsFilter,
    forbund_ids: &[i32],
) -> ApiResult<HashMap<i32, u64>> {
    let rows = insats::Entity::find()
        .select_only()
        .column(insats::Column::ForbundId)
        .column_as(
            Expr::col((insats::Entity, insats::Column::Id)).count(),
            "total",
        )
        .filter(visible(principal))
        .filter(filter.condition(db.get_database_backend())?)
        .filter(insats::Column::ForbundId.is_in(forbund_ids.iter().copied()))
        .group_by(insats::Column::ForbundId)
        .into_model::<Count>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|c| (c.forbund_id, u64::try_from(c.total).unwrap_or(0)))
        .collect())
}
