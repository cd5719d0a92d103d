//! The web app, served by the same binary: its HTML, CSS, JavaScript modules
//! and GraphQL operations (`web/`, embedded at build time, so `cargo run
//! --release` on a fresh machine serves it and nothing comes from another
//! host), the page every app URL answers with, and GraphiQL from the
//! embedded copies of its assets.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use rust_embed::RustEmbed;

/// `web/` at build time. In debug builds rust-embed reads the folder from
/// disk, so a changed page shows on reload while developing.
#[derive(RustEmbed)]
#[folder = "../web/"]
struct Assets;

/// What a browser may load on the app's pages: only this origin (scripts,
/// styles, data, fonts), never a frame or another host.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
     base-uri 'self'; form-action 'self'";

/// The app's own URLs; each answers with the app, which renders the page.
pub const APP_ROUTES: [&str; 8] = [
    "/",
    "/insatser",
    "/insatser/{id}",
    "/forbund/{slug}",
    "/dso",
    "/comparisons/{slug}",
    "/meetings",
    "/login",
];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{path:.*}", web::get().to(asset));
    for route in APP_ROUTES {
        cfg.route(route, web::get().to(app_page));
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "graphql" => "application/graphql; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "md" => "text/markdown; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    }
}

/// An embedded file with an ETag from its content hash; `If-None-Match`
/// with the same tag answers 304. Browsers revalidate (`no-cache`), so a
/// new build is picked up at once.
fn serve(req: &HttpRequest, path: &str) -> HttpResponse {
    let Some(file) = Assets::get(path) else {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("not found");
    };
    let hash = file.metadata.sha256_hash();
    let etag = format!(
        "\"{}\"",
        hash[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let cached = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag));
    let mut response = if cached {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Content-Type-Options", "nosniff"));
    if path.ends_with(".html") {
        response
            .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
            .insert_header(("Referrer-Policy", "same-origin"));
    }
    if cached {
        return response.finish();
    }
    response
        .content_type(content_type(path))
        .body(file.data.into_owned())
}

async fn asset(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let path = path.into_inner();
    // index.html is only ever the answer to an app URL.
    if path.contains("..") || path == "index.html" {
        return HttpResponse::NotFound().finish();
    }
    serve(&req, &path)
}

async fn app_page(req: HttpRequest) -> HttpResponse {
    serve(&req, "index.html")
}

/// GraphiQL, for a browser asking for HTML.
pub fn graphiql(req: &HttpRequest) -> HttpResponse {
    serve(req, "graphiql.html")
}
