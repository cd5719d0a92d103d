//! The `finsam` binary: everything lives in the finsam-api crate.

use std::process::ExitCode;

/// mimalloc for Rust's allocations and, through its `override` feature, for
/// the C allocations of the embedded SQLite too (every column of every row
/// read is copied into a fresh allocation). With glibc's allocator a third
/// of a page of insatser went to `_int_malloc`, `malloc_consolidate` and
/// `_int_free` on the worker and connection threads at once; mimalloc's
/// per-thread heaps took the page from 834 to about 1 000 req/s (README,
/// "Speed").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
