//! A förbund's report on its finances as files (DESIGN.md, "Finances"):
//! `GET /forbund/{slug}/rapport.pdf?ar=2019&tom=2019-08-31`, `….xlsx` and
//! `/forbund/{slug}/rapport/{table}.csv?…`, each drawn from the same
//! document as the page (`service::finance::sections::document`) and read
//! under the same rule: a published report by anyone, any other period by
//! the förbund's own staff and the network; any other caller gets 404, as
//! for a report that does not exist.

mod pdf;
mod xlsx;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::endpoint::state::AppState;
use crate::service::finance::document::Document;
use crate::service::finance::sections;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/forbund/{slug}/rapport.pdf",
        crate::web::get_or_head().to(pdf_file),
    );
    cfg.route(
        "/forbund/{slug}/rapport.xlsx",
        crate::web::get_or_head().to(xlsx_file),
    );
    cfg.route(
        "/forbund/{slug}/rapport/{table}.csv",
        crate::web::get_or_head().to(csv_file),
    );
}

/// The period, as the page's address names it.
#[derive(Deserialize)]
struct Period {
    ar: i32,
    tom: Option<String>,
}

fn plain(status: actix_web::http::StatusCode, text: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(text.to_string())
}

/// The report's document for the caller, or the answer that stands instead.
async fn document_for(
    state: &AppState,
    req: &HttpRequest,
    slug: &str,
    period: &Period,
) -> Result<(Document, bool), HttpResponse> {
    use actix_web::http::StatusCode;
    if let Some(client) = state.rate_limits.address_of(req)
        && let Err(wait) = state
            .rate_limits
            .check(crate::rate_limit::Client::Address(client))
    {
        return Err(HttpResponse::TooManyRequests()
            .insert_header((header::RETRY_AFTER, wait.as_secs().max(1).to_string()))
            .body("too many requests"));
    }
    let principal = crate::endpoint::session::download_caller(state, req)
        .await
        .map_err(|e| plain(StatusCode::UNAUTHORIZED, &e.message()))?;
    let through = match &period.tom {
        Some(t) => Some(
            NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .map_err(|_| plain(StatusCode::BAD_REQUEST, "tom: a date written YYYY-MM-DD"))?,
        ),
        None => None,
    };
    if !crate::record::finance::YEARS.contains(&period.ar) {
        return Err(plain(
            StatusCode::BAD_REQUEST,
            "ar: a year from 2004 to 2100",
        ));
    }
    let db = state.reads.route(None, None).1;
    let found = crate::service::finance::report::report(
        state.service(),
        db,
        &principal,
        slug,
        period.ar,
        through,
    )
    .await
    .map_err(|e| plain(StatusCode::INTERNAL_SERVER_ERROR, &e.message()))?;
    match found {
        Some(r) => Ok((sections::document(&r), r.published())),
        None => Err(plain(StatusCode::NOT_FOUND, "not found")),
    }
}

/// A file's answer: public files may be cached like any public answer;
/// a period not yet published is private to the caller.
fn file(bytes: Vec<u8>, content_type: &str, name: &str, public: bool) -> HttpResponse {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{ascii}\""),
        ))
        .insert_header((
            header::CACHE_CONTROL,
            if public {
                "public, max-age=300"
            } else {
                "private, no-store"
            },
        ))
        .insert_header((header::VARY, "Authorization, Cookie"))
        .body(bytes)
}

fn file_name(slug: &str, period: &Period, ending: &str) -> String {
    format!(
        "rapport-{slug}-{}{}.{ending}",
        period.ar,
        period
            .tom
            .as_deref()
            .map(|t| format!("-{t}"))
            .unwrap_or_default()
    )
}

/// A whole report drawn by `draw` off the server's threads (drawing is CPU
/// work), answered as a file of `content_type` ending in `ending`.
async fn drawn<E: Send + 'static>(
    state: &AppState,
    req: &HttpRequest,
    slug: &str,
    period: &Period,
    (content_type, ending): (&str, &str),
    draw: fn(&Document) -> Result<Vec<u8>, E>,
) -> HttpResponse {
    let (doc, public) = match document_for(state, req, slug, period).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    match web::block(move || draw(&doc)).await {
        Ok(Ok(bytes)) => file(
            bytes,
            content_type,
            &file_name(slug, period, ending),
            public,
        ),
        _ => plain(
            actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
            "the file could not be made",
        ),
    }
}

async fn pdf_file(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    period: web::Query<Period>,
) -> HttpResponse {
    drawn(
        &state,
        &req,
        &slug,
        &period,
        ("application/pdf", "pdf"),
        pdf::render,
    )
    .await
}

async fn xlsx_file(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    period: web::Query<Period>,
) -> HttpResponse {
    const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    drawn(&state, &req, &slug, &period, (XLSX, "xlsx"), xlsx::render).await
}

async fn csv_file(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    period: web::Query<Period>,
) -> HttpResponse {
    let (slug, table) = path.into_inner();
    let (doc, public) = match document_for(&state, &req, &slug, &period).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let Some(t) = doc.tables().find(|t| t.key == table) else {
        return plain(
            actix_web::http::StatusCode::NOT_FOUND,
            "no such table in the report",
        );
    };
    match xlsx::csv(t) {
        Ok(bytes) => file(
            bytes,
            "text/csv; charset=utf-8",
            &file_name(&slug, &period, &format!("{table}.csv")),
            public,
        ),
        Err(_) => plain(
            actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
            "the CSV could not be written",
        ),
    }
}
