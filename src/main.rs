//! The `finsam` binary: everything lives in the finsam-api crate.

use std::process::ExitCode;

/// jemalloc for Rust's allocations and, with its unprefixed `malloc`, for
/// the C allocations of the embedded SQLite too (every column of every row
/// read is copied into a fresh allocation on a connection's thread and freed
/// on a request's). With glibc's allocator a third of a page of insatser
/// went to `_int_malloc`, `malloc_consolidate` and `_int_free` on both
/// threads at once; mimalloc took the page from 834 to about 1 000 req/s but
/// then spent a tenth of the CPU collecting the other threads' frees on the
/// connections' threads; jemalloc, in paired runs against it, served 1.06–1.15×
/// the pages with 6 % less CPU each (docs/speed.md).
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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
