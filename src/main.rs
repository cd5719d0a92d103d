//! The `finsam` binary: everything lives in the finsam-api crate.

use std::process::ExitCode;

#[actix_web::main]
async fn main() -> ExitCode {
    match finsam_api::cli::run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // The error chain, without a backtrace: this is for people.
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
