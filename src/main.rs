//! The `finsam` binary: everything lives in the finsam-api crate.

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    finsam_api::cli::run().await
}
