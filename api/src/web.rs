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
pub const APP_ROUTES: [&str; 19] = [
    "/",
    "/insatser",
    "/forbund",
    "/insatser/{id}",
    "/insatser/{id}/{action}",
    "/forbund/{slug}",
    "/forbund/{slug}/{action}",
    "/indikatorer/{code}",
    "/indikatorer/{code}/{action}",
    "/dso",
    "/dso/{action}",
    "/comparisons",
    "/comparisons/{slug}",
    "/meetings",
    "/meetings/{id}",
    "/meetings/{id}/{action}",
    "/login",
    "/tillganglighet",
    "/auth/callback",
];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/inputs.json", get_or_head().to(inputs));
    cfg.route("/app/{path:.*}", get_or_head().to(asset));
    cfg.route("/favicon.ico", get_or_head().to(favicon));
    cfg.route("/calendar/{file}", get_or_head().to(calendar));
    cfg.route("/auth/providers", get_or_head().to(providers));
    for route in APP_ROUTES {
        cfg.route(route, get_or_head().to(app_page));
    }
}

/// A route for GET that answers HEAD the same way, without the body (RFC
/// 9110 § 9.3.2: a server answering GET should answer HEAD; actix sends
/// HEAD's headers and leaves the body out).
pub fn get_or_head() -> actix_web::Route {
    use actix_web::guard;
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// The icon browsers ask for at the root, whatever the page names.
async fn favicon(req: HttpRequest) -> HttpResponse {
    serve(&req, "favicon.svg", false)
}

/// Any address nothing answers: for a browser, the app's page with status
/// 404 (the app says in Swedish that the page does not exist and links to
/// the start page); for other clients, 404 in plain text.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    if crate::endpoint::media::wants_html(&req) {
        let mut page = serve(&req, "index.html", false);
        if page.status() == actix_web::http::StatusCode::OK {
            *page.status_mut() = actix_web::http::StatusCode::NOT_FOUND;
            // Not a page to keep: the next answer there may be a real one.
            page.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
            page.headers_mut().remove(header::ETAG);
        }
        return page;
    }
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("not found")
}

/// The schema's input types, enums and mutations' arguments, which the
/// app's forms are built from (`graphql::inputs`); made once per process.
async fn inputs(schema: web::Data<crate::graphql::FinsamSchema>) -> HttpResponse {
    static JSON: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    let json = JSON.get_or_init(|| {
        crate::graphql::inputs::describe(&crate::graphql::sdl(&schema)).map(|v| v.to_string())
    });
    match json {
        Ok(json) => HttpResponse::Ok()
            .content_type("application/json")
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(json.clone()),
        Err(err) => {
            tracing::error!(error = %err, "the schema's SDL did not parse");
            HttpResponse::InternalServerError().body("the forms' definitions are not available")
        }
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

/// The build's content hash: one hash over every embedded file's, so any
/// changed asset gives every asset a new address. Pages name their assets
/// under `/app/v/{build}/…`, and relative imports between the modules stay
/// inside that folder; such an address always means the same bytes, so it
/// may be kept for a year.
fn build() -> &'static str {
    static BUILD: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BUILD.get_or_init(|| {
        use sha2::{Digest, Sha256};
        let mut names: Vec<_> = Assets::iter().collect();
        names.sort();
        let mut all = Sha256::new();
        for name in names {
            if let Some(file) = Assets::get(&name) {
                all.update(name.as_bytes());
                all.update(file.metadata.sha256_hash());
            }
        }
        hex(&all.finalize()[..8])
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How long a browser may keep an asset: a versioned address of this build
/// for a year without asking (`immutable`); anything else is revalidated
/// by its ETag each time. Debug builds read `web/` from disk, where a file
/// changes under the same build hash, so they never say immutable.
fn cache_control(versioned: bool) -> &'static str {
    if versioned && !cfg!(debug_assertions) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// How an asset may travel, best first: brotli, gzip, as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Packing {
    Brotli,
    Gzip,
}

impl Packing {
    fn name(self) -> &'static str {
        match self {
            Packing::Brotli => "br",
            Packing::Gzip => "gzip",
        }
    }

    /// What the client accepts best, for an asset worth packing: text
    /// (scripts, styles, SVG, the operations) of a kilobyte or more; images
    /// that are compressed already go as they are.
    fn for_request(req: &HttpRequest, path: &str, size: usize) -> Option<Packing> {
        use actix_web::http::header::{AcceptEncoding, ContentEncoding, Encoding, Header};
        let text = content_type(path).starts_with("text/")
            || path.ends_with(".svg")
            || path.ends_with(".graphql");
        if !text || size < 1024 {
            return None;
        }
        let accepted = AcceptEncoding::parse(req).ok()?;
        let supported = [
            Encoding::Known(ContentEncoding::Brotli),
            Encoding::Known(ContentEncoding::Gzip),
            Encoding::identity(),
        ];
        match accepted.negotiate(supported.iter())? {
            Encoding::Known(ContentEncoding::Brotli) => Some(Packing::Brotli),
            Encoding::Known(ContentEncoding::Gzip) => Some(Packing::Gzip),
            _ => None,
        }
    }

    /// The file packed at a high level, once per process, on the first
    /// request that wants it (so a process that starts under load spends
    /// nothing on files nobody asks for): every later answer is these bytes.
    /// GraphiQL's 3.5 MB script goes out as about 0.6 MB of brotli, where
    /// packing each answer afresh at a fast level gave 1 MB of gzip.
    /// Brotli's level 10 costs seconds on a file of megabytes, so such a
    /// file gets level 9.
    fn packed(self, path: &str, data: &[u8]) -> std::sync::Arc<[u8]> {
        use std::collections::HashMap;
        use std::sync::{Arc, Mutex, OnceLock};
        type Slot = Arc<OnceLock<Arc<[u8]>>>;
        static PACKED: OnceLock<Mutex<HashMap<(String, Packing), Slot>>> = OnceLock::new();
        let slot = {
            let mut packed = PACKED
                .get_or_init(Default::default)
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            packed.entry((path.to_string(), self)).or_default().clone()
        };
        // Requests for the same file wait for the one packing it.
        slot.get_or_init(|| match self {
            Packing::Brotli => {
                let params = brotli::enc::BrotliEncoderParams {
                    quality: if data.len() > 1 << 20 { 9 } else { 10 },
                    lgwin: 22,
                    ..Default::default()
                };
                let mut out = Vec::with_capacity(data.len() / 4);
                let _ = brotli::BrotliCompress(&mut &data[..], &mut out, &params);
                out.into()
            }
            Packing::Gzip => {
                use std::io::Write;
                let mut gz = flate2::write::GzEncoder::new(
                    Vec::with_capacity(data.len() / 3),
                    flate2::Compression::best(),
                );
                let _ = gz.write_all(data);
                gz.finish().unwrap_or_default().into()
            }
        })
        .clone()
    }
}

/// An embedded file with an ETag from its content hash; `If-None-Match`
/// with the same tag answers 304. A page's HTML names its assets by the
/// build's versioned addresses. Text assets go packed for clients that
/// accept it (`Packing`), with their own tag per packing.
fn serve(req: &HttpRequest, path: &str, versioned: bool) -> HttpResponse {
    let providers = req
        .app_data::<web::Data<crate::endpoint::state::AppState>>()
        .map(|state| state.settings.auth.providers.clone())
        .unwrap_or_default();
    let Some(file) = Assets::get(path) else {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("not found");
    };
    let page = path.ends_with(".html");
    // Pages are small and made per request; the middleware packs them.
    let packing = (!page)
        .then(|| Packing::for_request(req, path, file.data.len()))
        .flatten();
    // A page's body depends on the build too (its asset addresses).
    let etag = match (page, packing) {
        (true, _) => format!("\"{}-{}\"", hex(&file.metadata.sha256_hash()[..8]), build()),
        (false, None) => format!("\"{}\"", hex(&file.metadata.sha256_hash()[..12])),
        (false, Some(packing)) => format!(
            "\"{}-{}\"",
            hex(&file.metadata.sha256_hash()[..12]),
            packing.name()
        ),
    };
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
        .insert_header((header::CACHE_CONTROL, cache_control(versioned && !page)))
        .insert_header(("X-Content-Type-Options", "nosniff"));
    if !page {
        response.insert_header((header::VARY, "Accept-Encoding"));
    }
    if page {
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
    response.content_type(content_type(path));
    if page {
        let html = String::from_utf8_lossy(&file.data)
            .replace("\"/app/", &format!("\"/app/v/{}/", build()));
        return response.body(html);
    }
    if let Some(packing) = packing {
        // Set here, so the middleware passes the bytes on as they are.
        return response
            .insert_header((header::CONTENT_ENCODING, packing.name()))
            .body(actix_web::web::Bytes::from_owner(
                packing.packed(path, &file.data),
            ));
    }
    response.body(file.data.into_owned())
}

async fn asset(
    req: HttpRequest,
    state: web::Data<crate::endpoint::state::AppState>,
    path: web::Path<String>,
) -> HttpResponse {
    let path = path.into_inner();
    // index.html is only ever the answer to an app URL.
    if path.contains("..") || path == "index.html" {
        return HttpResponse::NotFound().finish();
    }
    // GraphiQL and its assets are not served at all when it is off.
    if !state.settings.server.graphiql && is_graphiql(&path) {
        return HttpResponse::NotFound().finish();
    }
    // `v/{build}/…`: the long-lived address, when it is this build's. An
    // older build's address (a page loaded before an upgrade) still gets
    // today's file, but only to revalidate.
    if let Some(rest) = path.strip_prefix("v/")
        && let Some((version, inner)) = rest.split_once('/')
    {
        return serve(&req, inner, version == build());
    }
    serve(&req, &path, false)
}

async fn app_page(req: HttpRequest) -> HttpResponse {
    serve(&req, "index.html", false)
}

/// Whether an asset is GraphiQL's, under any build's address.
fn is_graphiql(path: &str) -> bool {
    let inner = path
        .strip_prefix("v/")
        .and_then(|rest| rest.split_once('/'))
        .map_or(path, |(_, inner)| inner);
    inner.starts_with("graphiql") || inner.starts_with("vendor/graphiql")
}

/// GET /graphql: GraphiQL for a browser asking for a page without a
/// GraphQL request in it (when `server.graphiql` is on); everything else
/// is the endpoint's (a query, a WebSocket upgrade).
pub async fn graphql_get(
    schema: web::Data<crate::graphql::Schemas>,
    state: web::Data<crate::endpoint::state::AppState>,
    req: HttpRequest,
    request_id: tracing_actix_web::RequestId,
    body: web::Payload,
) -> HttpResponse {
    use crate::endpoint::{has_request, media, ws};
    if state.settings.server.graphiql
        && !ws::is_upgrade(&req)
        && !has_request(&req)
        && media::wants_html(&req)
    {
        return serve(&req, "graphiql.html", false);
    }
    crate::endpoint::get(schema, state, req, request_id, body).await
}

/// A calendar feed: `dso.ics` for the whole ring, `{slug}.ics` for a
/// förbund. Public data only, so any calendar client may subscribe without
/// signing in; cacheable like any public answer, and rate limited like one.
async fn calendar(
    req: HttpRequest,
    state: web::Data<crate::endpoint::state::AppState>,
    file: web::Path<String>,
) -> HttpResponse {
    use sha2::{Digest, Sha256};
    let Some(name) = file.strip_suffix(".ics") else {
        return HttpResponse::NotFound().finish();
    };
    if let Some(client) = state.rate_limits.address_of(&req)
        && let Err(wait) = state
            .rate_limits
            .check(crate::rate_limit::Client::Address(client))
    {
        return HttpResponse::TooManyRequests()
            .insert_header((header::RETRY_AFTER, wait.as_secs().max(1).to_string()))
            .body("too many requests");
    }
    let today = state.service().clock.today();
    let feed = if name == "dso" {
        crate::service::calendar::ring_feed(state.reads.route(None, None).1, today)
            .await
            .map(|entries| Some(crate::ics::render("DSO-ringen", &entries)))
    } else {
        crate::service::calendar::forbund_feed(state.reads.route(None, None).1, name, today)
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
async fn providers(state: web::Data<crate::endpoint::state::AppState>) -> HttpResponse {
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
