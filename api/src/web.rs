//! The web app, served by the same binary: its HTML, CSS, JavaScript modules
//! and GraphQL operations (`web/`, embedded at build time, so `cargo run
//! --release` on a fresh machine serves it and nothing comes from another
//! host), the page every app URL answers with, GraphiQL from the embedded
//! copies of its assets, and the calendar feeds (`/calendar/{slug}.ics`,
//! `/calendar/dso.ics`).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use rust_embed::RustEmbed;

/// `web/` at build time. In debug builds rust-embed reads the folder from
/// disk, so a changed page shows on reload while developing.
#[derive(RustEmbed)]
#[folder = "../web/"]
struct Assets;

/// What a browser may load on the app's pages: only this origin (scripts,
/// styles, data, fonts), never a frame or another host; it may talk to the
/// configured identity providers' token endpoints (signing in) and nothing
/// else.
fn content_security_policy(providers: &[crate::config::ProviderSettings]) -> String {
    let origins: Vec<String> = providers
        .iter()
        .filter_map(|p| url::Url::parse(&p.issuer).ok())
        .map(|u| u.origin().ascii_serialization())
        .collect();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; font-src 'self' data:; connect-src 'self'{}; frame-ancestors 'none'; \
         base-uri 'self'; form-action 'self'",
        origins.iter().map(|o| format!(" {o}")).collect::<String>()
    )
}

/// The app's own URLs; each answers with the app, which renders the page.
pub const APP_ROUTES: [&str; 9] = [
    "/",
    "/insatser",
    "/insatser/{id}",
    "/forbund/{slug}",
    "/dso",
    "/comparisons/{slug}",
    "/meetings",
    "/login",
    "/auth/callback",
];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{path:.*}", web::get().to(asset));
    cfg.route("/calendar/{file}", web::get().to(calendar));
    cfg.route("/auth/providers", web::get().to(providers));
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
    let providers = req
        .app_data::<web::Data<crate::app::AppState>>()
        .map(|state| state.settings.auth.providers.clone())
        .unwrap_or_default();
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
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                content_security_policy(&providers),
            ))
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

/// A calendar feed: `dso.ics` for the whole ring, `{slug}.ics` for a
/// förbund. Public data only, so any calendar client may subscribe without
/// signing in; cacheable like any public answer, and rate limited like one.
async fn calendar(
    req: HttpRequest,
    state: web::Data<crate::app::AppState>,
    file: web::Path<String>,
) -> HttpResponse {
    use sha2::{Digest, Sha256};
    let Some(name) = file.strip_suffix(".ics") else {
        return HttpResponse::NotFound().finish();
    };
    let peer = req.peer_addr().map(|a| a.ip());
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    if let Some(client) = state.rate_limits.client_address(peer, forwarded)
        && let Err(wait) = state
            .rate_limits
            .check(crate::rate_limit::Client::Address(client))
    {
        return HttpResponse::TooManyRequests()
            .insert_header((header::RETRY_AFTER, wait.as_secs().max(1).to_string()))
            .body("too many requests");
    }
    let today = state.service.clock.today();
    let feed = if name == "dso" {
        crate::service::calendar::ring_feed(&state.service.read_db, today)
            .await
            .map(|entries| Some(crate::ics::render("DSO-ringen", &entries)))
    } else {
        crate::service::calendar::forbund_feed(&state.service.read_db, name, today)
            .await
            .map(|found| found.map(|(f, entries)| crate::ics::render(&f.name, &entries)))
    };
    match feed {
        Ok(Some(text)) => {
            let hex = format!("{:x}", Sha256::digest(text.as_bytes()));
            let etag = format!("\"{}\"", &hex[..32]);
            let unchanged = req
                .headers()
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag));
            let mut response = if unchanged {
                HttpResponse::NotModified()
            } else {
                HttpResponse::Ok()
            };
            response.insert_header((header::ETAG, etag)).insert_header((
                header::CACHE_CONTROL,
                format!(
                    "public, max-age={}",
                    state.settings.server.public_max_age_secs
                ),
            ));
            if unchanged {
                return response.finish();
            }
            response
                .content_type("text/calendar; charset=utf-8")
                .insert_header((
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"{name}.ics\""),
                ))
                .body(text)
        }
        Ok(None) => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("no such förbund"),
        Err(err) => {
            let unavailable = matches!(err, crate::error::ApiError::ServiceUnavailable);
            tracing::error!(error = ?err, "a calendar feed failed");
            if unavailable {
                HttpResponse::ServiceUnavailable()
                    .insert_header((header::RETRY_AFTER, "5"))
                    .body("the database is not answering")
            } else {
                HttpResponse::InternalServerError().body("internal error")
            }
        }
    }
}

/// The identity providers the web app offers for signing in, from config
/// with their discovered endpoints (null while a provider has not answered),
/// and whether development tokens may be pasted.
async fn providers(state: web::Data<crate::app::AppState>) -> HttpResponse {
    let mut list = Vec::new();
    for p in state.tokens.providers.all() {
        let Some(client_id) = &p.settings.client_id else {
            continue;
        };
        let metadata = p.metadata().await;
        list.push(serde_json::json!({
            "name": p.settings.name,
            "issuer": p.settings.issuer,
            "clientId": client_id,
            "authorizationEndpoint": metadata.as_ref().and_then(|m| m.authorization_endpoint.clone()),
            "tokenEndpoint": metadata.as_ref().and_then(|m| m.token_endpoint.clone()),
            "endSessionEndpoint": metadata.as_ref().and_then(|m| m.end_session_endpoint.clone()),
        }));
    }
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(serde_json::json!({ "devTokens": state.settings.auth.dev_tokens, "providers": list }))
}
