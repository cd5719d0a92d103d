//! The first page of insatser of many förbund in one statement: a list of
//! förbund each with `insatser(first: n)` (a directory with each förbund's
//! newest work) is one query, not one per förbund; and their counts one
//! `GROUP BY`.
//!
//! The query is, on SQLite, a `UNION ALL` of one `ORDER BY … LIMIT n` per
//! förbund and, on PostgreSQL, the same page joined laterally to each förbund
//! of an array: each walks the (forbund_id, name) index and stops after its
//! page, so it costs förbund × page whatever the catalogue's size. (A window function,
//! `ROW_NUMBER() OVER (PARTITION BY forbund_id …)`, numbers every matching
//! row before any is dropped: at ten times the insatser the directory took
//! seven times as long.)

use std::collections::HashMap;

use finsam_entity::insats;
use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait, Func, JoinType, Order, Query, SelectStatement, SimpleExpr,
    UnionType,
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult, IdenStatic,
    QueryFilter, QuerySelect, QueryTrait, StatementBuilder,
};

use super::{
    Direction, InsatsFilter, Listed, OrderField, check_order, in_list_order, nullable,
    order_column, sql_order, visible,
};
use crate::auth::Principal;
use crate::error::ApiResult;

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
    check_order(principal, field)?;
    let col = order_column(field);
    let backend = db.get_database_backend();
    let condition = filter.condition(backend)?;
    // One förbund's page, its förbund named by `owner`.
    let page = |owner: SimpleExpr| {
        let page = insats::Entity::find()
            .filter(visible(principal))
            .filter(condition.clone())
            .filter(Expr::col((insats::Entity, insats::Column::ForbundId)).eq(owner));
        in_list_order(page, field, direction)
            .limit(limit)
            .into_query()
    };
    let Some(pages) = (match backend {
        DbBackend::Postgres => lateral_pages(forbund_ids, page),
        _ => union_of_pages(forbund_ids, page),
    }) else {
        return Ok(HashMap::new());
    };
    // The pages in the list's order, by the database's own collation.
    let pages_col = |c: &str| Expr::col((Alias::new("pages"), Alias::new(c)));
    let key = col.as_str();
    let mut outer = pages;
    outer.order_by_expr(pages_col("forbund_id"), Order::Asc);
    if nullable(field) {
        outer.order_by_expr(pages_col(key).is_null(), Order::Asc);
    }
    outer
        .order_by_expr(pages_col(key), sql_order(direction))
        .order_by_expr(pages_col("id"), Order::Asc);
    let statement = StatementBuilder::build(&outer, &backend);
    // Every member selects `find()`'s columns and the outer `*` keeps their
    // order, so the rows read by position (`Listed`).
    let rows = Listed::find_by_statement(statement).all(db).await?;
    let mut pages: HashMap<i32, Vec<insats::Model>> = HashMap::new();
    for Listed(row) in rows {
        pages.entry(row.forbund_id).or_default().push(row);
    }
    Ok(pages)
}

/// SQLite: `SELECT * FROM (page of the first UNION ALL page of the second
/// …) AS pages`, each förbund's page a subquery of its own (a member with
/// its own ORDER BY and LIMIT must be one).
fn union_of_pages(
    forbund_ids: &[i32],
    page: impl Fn(SimpleExpr) -> SelectStatement,
) -> Option<SelectStatement> {
    let mut members = forbund_ids.iter().enumerate().map(|(i, id)| {
        Query::select()
            .column(Asterisk)
            .from_subquery(page(Expr::val(*id)), Alias::new(format!("page_{i}")))
            .to_owned()
    });
    let mut pages = members.next()?;
    pages.unions(members.map(|m| (UnionType::All, m)));
    Some(
        Query::select()
            .column(Asterisk)
            .from_subquery(pages, Alias::new("pages"))
            .to_owned(),
    )
}

/// PostgreSQL: `SELECT pages.* FROM unnest($1) AS wanted JOIN LATERAL (the
/// page of förbund wanted) AS pages ON TRUE`. One short statement whatever
/// the number of förbund, planned once: the union of twenty pages took
/// 1.5 ms to plan on every execution, where PostgreSQL kept custom plans
/// for it, five times what running it took (the directory at the network's
/// size ran at a fifth of its floor).
fn lateral_pages(
    forbund_ids: &[i32],
    page: impl Fn(SimpleExpr) -> SelectStatement,
) -> Option<SelectStatement> {
    if forbund_ids.is_empty() {
        return None;
    }
    let wanted = Alias::new("wanted");
    Some(
        Query::select()
            .column((Alias::new("pages"), Asterisk))
            .from_function(
                Func::cust(Alias::new("unnest")).arg(Expr::val(forbund_ids.to_vec())),
                wanted.clone(),
            )
            .join_lateral(
                JoinType::InnerJoin,
                page(Expr::col((wanted.clone(), wanted))),
                Alias::new("pages"),
                Expr::cust("TRUE"),
            )
            .to_owned(),
    )
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
