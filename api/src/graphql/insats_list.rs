//! An insats list as a client asks for it — the filter, the order and a
//! page — shared by the root `insatser` and `Forbund.insatser`: one
//! definition of the arguments, one way to a page.

use async_graphql::connection::{Connection, Edge};
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::{Context, Enum, InputObject};

use crate::domain::text::Search;
use crate::graphql::loaders::PageSpec;
use crate::graphql::pagination::page_args;
use crate::graphql::types::Date;
use crate::graphql::types::insats::{
    Category, Insats, InsatsConnection, InsatsListTotal, Orientation, Status,
};
use crate::graphql::{caller, reader};
use crate::service;
use crate::service::insats::{Direction, InsatsCursor, InsatsFilter as Filter, OrderField};

/// Which insatser to list; every given condition must hold.
#[derive(InputObject, Default)]
pub struct InsatsFilter {
    /// Slugs of the owning förbund.
    pub forbund: Option<Vec<String>>,
    /// With `forbund`: also the insatser of the förbund that merged into them.
    #[graphql(default)]
    pub include_predecessors: bool,
    pub orientation: Option<Vec<Orientation>>,
    pub category: Option<Vec<Category>>,
    pub status: Option<Vec<Status>>,
    /// Running on this day (extensions included).
    pub active_on: Option<Date>,
    /// A person of this age is in the stated target group.
    pub age: Option<i32>,
    /// Words in the name, description or target group; case, diacritics and
    /// Unicode normal form do not matter ("vasteras" finds "Västerås").
    pub search: Option<String>,
}

impl InsatsFilter {
    /// The service's filter: the search checked and folded here, once.
    pub fn parse(self) -> crate::error::ApiResult<Filter> {
        let f = self;
        let search = f
            .search
            .as_deref()
            .map(Search::parse)
            .transpose()
            .map_err(|why| crate::error::ApiError::bad_input("search", why))?;
        Ok(Filter {
            forbund: f.forbund,
            include_predecessors: f.include_predecessors,
            orientation: f
                .orientation
                .map(|v| v.into_iter().map(Into::into).collect()),
            category: f.category.map(|v| v.into_iter().map(Into::into).collect()),
            status: f.status.map(|v| v.into_iter().map(Into::into).collect()),
            active_on: f.active_on.map(|d| d.0),
            age: f.age,
            search,
            index_terms: None,
            forbund_ids: None,
        })
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum InsatsOrderField {
    Name,
    StartDate,
    /// The yearly budgets added up.
    Budget,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum OrderDirection {
    Asc,
    Desc,
}

/// Sort order; rows without a value (no start date, no budget) come last.
#[derive(InputObject)]
pub struct InsatsOrder {
    pub field: InsatsOrderField,
    #[graphql(default_with = "OrderDirection::Asc")]
    pub direction: OrderDirection,
}

/// One page of insatser the caller may see, as a connection. `parent` is
/// the förbund whose `insatser` these are, when asked through a förbund: its
/// first page is then loaded together with the other förbund's of the same
/// request (one window-function statement for a whole directory).
pub async fn insats_page(
    ctx: &Context<'_>,
    filter: Filter,
    order: Option<InsatsOrder>,
    first: Option<i32>,
    after: Option<String>,
    parent: Option<&std::sync::Arc<finsam_entity::forbund::Model>>,
) -> async_graphql::Result<InsatsConnection> {
    let cursors = crate::graphql::cursor_key(ctx)?;
    let page = page_args::<InsatsCursor>(cursors, "insatser", first, after)?;
    let mut filter = filter;
    filter.choose_index_terms(crate::graphql::trigrams(ctx)?);
    if filter.forbund.is_some() {
        let snapshot = crate::graphql::reference(ctx).await?;
        filter.resolve_forbund(&snapshot);
    }
    let (field, direction) = match order {
        Some(o) => (
            match o.field {
                InsatsOrderField::Name => OrderField::Name,
                InsatsOrderField::StartDate => OrderField::StartDate,
                InsatsOrderField::Budget => OrderField::Budget,
            },
            match o.direction {
                OrderDirection::Asc => Direction::Asc,
                OrderDirection::Desc => Direction::Desc,
            },
        ),
        None => (OrderField::Name, Direction::Asc),
    };
    let principal = &caller(ctx)?.principal;
    let batched = parent.filter(|_| page.after.is_none() && !filter.include_predecessors);
    let (mut rows, total) = match batched {
        Some(owner) => {
            let spec = PageSpec {
                filter: Filter {
                    forbund: None,
                    forbund_ids: None,
                    ..filter.clone()
                },
                field,
                direction,
                limit: page.limit + 1,
            };
            let loaders = crate::graphql::loaders(ctx)?;
            let key = loaders.first_pages.loader().register(&spec);
            loaders.forbund_counts.loader().0.register(&spec);
            let models = loaders
                .first_pages
                .load_one((owner.id, key))
                .await?
                .unwrap_or_default();
            let rows: Vec<service::insats::InsatsRow> =
                models.into_iter().map(|m| (m, owner.clone())).collect();
            // Every förbund's page of this batch at once: one statement per
            // relation for the whole directory (the rest hit the caches).
            let everyone = loaders.first_pages.loader().loaded(key);
            prefetch(ctx, &everyone.iter().collect::<Vec<_>>()).await?;
            (rows, Some((owner.id, key)))
        }
        None => {
            let db = reader(ctx)?;
            let models = service::insats::list(
                db,
                principal,
                &filter,
                field,
                direction,
                page.after.as_ref(),
                page.limit + 1,
            )
            .await?;
            // Owners from the reference snapshot rather than a join: the
            // join decoded every förbund column again for every row (and
            // sea-orm formats a prefixed name for each), a fifth of a page's
            // time in its profile.
            let snapshot = crate::graphql::reference(ctx).await?;
            let owners = snapshot
                .forbund_for(db, models.iter().map(|m| m.forbund_id))
                .await?;
            let rows = models
                .into_iter()
                .filter_map(|m| owners.get(m.forbund_id).cloned().map(|f| (m, f)))
                .collect();
            (rows, None)
        }
    };
    let has_next = rows.len() as u64 > page.limit;
    rows.truncate(page.limit as usize);
    if total.is_none() {
        prefetch(ctx, &rows.iter().map(|(i, _)| i).collect::<Vec<_>>()).await?;
    }
    let mut connection = Connection::with_additional_fields(
        page.after.is_some(),
        has_next,
        InsatsListTotal {
            filter,
            batched: total,
        },
    );
    let wanted = crate::graphql::pagination::EdgeCursors::of(ctx, rows.len());
    connection
        .edges
        .extend(rows.into_iter().enumerate().map(|(i, row)| {
            Edge::new(
                wanted.seal(cursors, "insatser", i, || {
                    InsatsCursor::of(&row.0, field, direction)
                }),
                Insats::from(row),
            )
        }));
    Ok(connection)
}

/// Loads the relations the query selects for the whole page at once, so each
/// is one statement however long the page (the items then read the loaders'
/// caches). Without this, batches depend on timing: a long page is resolved
/// in several polls and a loader may fire between them.
async fn prefetch(
    ctx: &Context<'_>,
    rows: &[&finsam_entity::insats::Model],
) -> async_graphql::Result<()> {
    let node = ctx.look_ahead().field("edges").field("node");
    let loaders = crate::graphql::loaders(ctx)?;
    let ids: Vec<i32> = rows.iter().map(|i| i.id).collect();
    let from: Vec<i32> = rows.iter().filter_map(|i| i.carried_over_from_id).collect();
    let wants = |name: &str| node.field(name).exists();
    futures_util::try_join!(
        warm(wants("budgets"), &loaders.budgets, &ids),
        warm(wants("goals"), &loaders.goals, &ids),
        warm(wants("outcomes"), &loaders.outcomes, &ids),
        warm(wants("extensions"), &loaders.extensions, &ids),
        warm(wants("sharedWith"), &loaders.shared_with, &ids),
        warm(wants("decisions"), &loaders.decisions_by_insats, &ids),
        warm(wants("carriedOverTo"), &loaders.carried_over_to, &ids),
        warm(wants("carriedOverFrom"), &loaders.insats, &from),
    )?;
    Ok(())
}

/// Loads `ids` into a loader's cache in one batch, when the field is wanted.
async fn warm<T>(
    wanted: bool,
    loader: &DataLoader<T, HashMapCache>,
    ids: &[i32],
) -> async_graphql::Result<()>
where
    T: Loader<i32, Error = async_graphql::Error>,
{
    if wanted && !ids.is_empty() {
        loader.load_many(ids.iter().copied()).await?;
    }
    Ok(())
}
