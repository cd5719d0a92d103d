//! The generated server: seaography's schema over finsam-graph's tables,
//! served with actix-web as seaography's own examples do. No access rules,
//! no limits beyond seaography's defaults: the fastest a generated server
//! gets, for the side-by-side benchmark.
//!
//! `finsam-seaography-bench <port> <database-url>`

mod entities;

use actix_web::{App, HttpServer, web};
use async_graphql::dynamic::Schema;
use async_graphql_actix_web::{GraphQLRequest, GraphQLResponse};
use entities::*;
use seaography::{Builder, BuilderContext};

lazy_static::lazy_static! {
    static ref CONTEXT: BuilderContext = BuilderContext::default();
}

fn schema(database: sea_orm::DatabaseConnection) -> Result<Schema, async_graphql::dynamic::SchemaError> {
    let mut builder = Builder::new(&CONTEXT, database.clone());
    seaography::register_entities!(builder, [forbund, forbund_member, insats, insats_budget, insats_goal, insats_share]);
    builder.schema_builder().data(database).finish()
}

async fn graphql(schema: web::Data<Schema>, request: GraphQLRequest) -> GraphQLResponse {
    schema.execute(request.into_inner()).await.into()
}

async fn sdl(schema: web::Data<Schema>) -> String {
    schema.sdl()
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).expect("a port");
    let url = args.next().expect("a database URL");
    let mut options = sea_orm::ConnectOptions::new(url);
    options.max_connections(16).sqlx_logging(false);
    let database = sea_orm::Database::connect(options).await.expect("the database");
    let schema = schema(database).expect("the schema");
    HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(schema.clone()))
            .route("/graphql", web::post().to(graphql))
            .route("/schema", web::get().to(sdl))
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
