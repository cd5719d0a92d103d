//! The GraphQL schema: building it with its limits, the context every
//! resolver reads, and the mapping of library errors to `extensions.code`.

pub mod answers;
pub mod context;
pub mod documents;
pub mod inputs;
pub mod insats_list;
pub(crate) mod limits;
pub mod loaders;
mod mutation;
pub mod nesting;
pub mod pagination;
pub(crate) mod query;
pub mod subscription;
pub mod types;

use std::sync::Arc;

use async_graphql::{Context, Schema};

use crate::auth::Caller;
pub use context::GraphqlContext;
pub use loaders::Loaders;

pub type FinsamSchema =
    Schema<query::QueryRoot, mutation::MutationRoot, subscription::SubscriptionRoot>;

/// The schema twice, over the same context: `strict` applies every
/// validation rule; `checked` only the limits (depth, complexity) and the
/// rules the executor needs, for a document that passed every rule before
/// and declares no variables (`documents::Kept::validated`).
#[derive(Clone)]
pub struct Schemas {
    pub strict: FinsamSchema,
    pub checked: FinsamSchema,
}

impl Schemas {
    pub fn new(context: Arc<GraphqlContext>) -> Self {
        let checked = builder(context.clone())
            .validation_mode(async_graphql::ValidationMode::Fast)
            .finish();
        Schemas {
            strict: build_schema(context),
            checked,
        }
    }

    /// The schema a request of this kept document runs on, and whether the
    /// document is known to pass every rule.
    pub fn for_query(&self, kept: Option<&documents::Kept>) -> (&FinsamSchema, bool) {
        match kept {
            Some(kept) if kept.validated() => (&self.checked, true),
            _ => (&self.strict, false),
        }
    }
}

/// Builds the schema with the limits from config (DESIGN.md, "API
/// conventions"; those beyond the library's own are `limits::Limits`, which
/// the endpoint applies around each execution). The SDL does not depend on
/// the context.
pub fn build_schema(context: Arc<GraphqlContext>) -> FinsamSchema {
    builder(context).finish()
}

fn builder(
    context: Arc<GraphqlContext>,
) -> async_graphql::SchemaBuilder<
    query::QueryRoot,
    mutation::MutationRoot,
    subscription::SubscriptionRoot,
> {
    let gql = context.settings.clone();
    let mut builder = Schema::build(
        query::QueryRoot::default(),
        mutation::MutationRoot::default(),
        subscription::SubscriptionRoot,
    )
    .limit_depth(gql.max_depth)
    .limit_complexity(gql.max_complexity)
    .limit_recursive_depth(64)
    .enable_federation()
    .data(context);
    if !gql.introspection {
        builder = builder.disable_introspection();
    }
    if !gql.suggestions {
        builder = builder.disable_suggestions();
    }
    builder
}

/// The SDL clients and `schema.graphql` see.
pub fn sdl(schema: &FinsamSchema) -> String {
    schema.sdl()
}

/// The Apollo Federation 2 subgraph SDL (`schema.federation.graphql`), as
/// `_service { sdl }` answers it: with `@key`, `@shareable` and
/// `@inaccessible`, for composing into a supergraph.
pub fn federation_sdl(schema: &FinsamSchema) -> String {
    schema.sdl_with_options(
        async_graphql::SDLExportOptions::new()
            .federation()
            .compose_directive(),
    )
}

/// The floor's own context (`GraphqlContext`). It reaches the clock's time
/// of day and state beside storage, so the answer is marked as read beyond
/// memory and storage, and is not kept (`answers`).
pub(crate) fn context<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Arc<GraphqlContext>> {
    beyond_memory(ctx);
    memory(ctx)
}

/// The context, unmarked: only for what a kept answer may be made from
/// (the reference snapshot, the day and the server's fixed settings).
fn memory<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Arc<GraphqlContext>> {
    ctx.data::<Arc<GraphqlContext>>()
}

/// The key page cursors are sealed with: fixed for the server's life.
pub(crate) fn cursor_key<'a>(
    ctx: &Context<'a>,
) -> async_graphql::Result<&'a pagination::CursorKey> {
    Ok(&memory(ctx)?.cursors)
}

/// How many insatser hold each trigram: which of a search's trigrams the
/// index is asked for. It decides how rows are found, not which.
pub(crate) fn trigrams<'a>(
    ctx: &Context<'a>,
) -> async_graphql::Result<&'a crate::service::insats::TrigramCounts> {
    Ok(&memory(ctx)?.service.trigrams)
}

/// The privacy rule's cell size (`privacy.min_cell`): fixed for the
/// server's life.
pub(crate) fn min_cell(ctx: &Context<'_>) -> async_graphql::Result<i64> {
    Ok(memory(ctx)?.service.min_cell)
}

/// Marks the request's answer as read beyond memory and storage: it is
/// not kept.
fn beyond_memory(ctx: &Context<'_>) {
    if let Some(sources) = ctx.data_opt::<Arc<answers::Sources>>() {
        sources.beyond_memory();
    }
}

/// Marks the request's answer as read from storage: it is kept with the
/// data's version.
fn from_storage(ctx: &Context<'_>) {
    if let Some(sources) = ctx.data_opt::<Arc<answers::Sources>>() {
        sources.storage();
    }
}

/// Today, by the server's clock (`service::Clock`).
pub(crate) fn today(ctx: &Context<'_>) -> async_graphql::Result<chrono::NaiveDate> {
    Ok(memory(ctx)?.service.clock.today())
}

/// What a service is given (the narrow context below the endpoint's state).
pub(crate) fn services<'a>(
    ctx: &Context<'a>,
) -> async_graphql::Result<&'a crate::service::ServiceContext> {
    Ok(&context(ctx)?.service)
}

pub(crate) fn caller<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Caller> {
    ctx.data::<Caller>()
}

/// The connection a request reads through: a replica for requests that only
/// read (when one is configured), else the primary.
#[derive(Clone)]
pub struct Reader(pub sea_orm::DatabaseConnection);

pub(crate) fn reader<'a>(
    ctx: &Context<'a>,
) -> async_graphql::Result<&'a sea_orm::DatabaseConnection> {
    from_storage(ctx);
    Ok(&ctx.data::<Reader>()?.0)
}

/// The reference data (förbund, members, DSO-ring) from memory, loaded
/// from the primary when stale: it is small and loaded only after a change,
/// and a snapshot from a lagging replica would be shared by every request of
/// the process, the writer's own too (`replica.rs`, read your writes).
pub(crate) async fn reference(
    ctx: &Context<'_>,
) -> async_graphql::Result<Arc<crate::service::reference::Snapshot>> {
    let services = &memory(ctx)?.service;
    Ok(services.reference.get(&services.db).await?)
}

/// The request's loaders: they read storage only, through the request's
/// reader.
pub(crate) fn loaders(ctx: &Context<'_>) -> async_graphql::Result<Arc<Loaders>> {
    from_storage(ctx);
    Ok(ctx.data::<Arc<loaders::LazyLoaders>>()?.get())
}
