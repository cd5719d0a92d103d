//! Who is calling: a bearer token (API clients), or the web app's session,
//! a cookie holding the caller's token, so every tab of the browser is
//! signed in, and no script can read it (`HttpOnly`).
//!
//! `POST /auth/session` with `{"token": "…"}` (a provider's access token
//! after signing in, or a pasted development token) checks the token as any
//! bearer token is checked and sets the cookie until the token expires;
//! `DELETE /auth/session` ends it. API clients keep sending bearer tokens;
//! a request with one never looks at the cookie.
//!
//! Against cross-site request forgery (OWASP's CSRF cheat sheet: SameSite
//! cookies plus an Origin check), the cookie is `SameSite=Lax` and is taken
//! only where a browser cannot be made to send it from another site: a
//! GraphQL POST with a JSON body (already required: a form or `text/plain`
//! post is refused before the caller is known) whose `Origin` is this
//! site's, and a WebSocket whose `Origin` is this site's. A cookie on any
//! other request is not a session: a GET answers as to anyone.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::state::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, Rule};

/// The session cookie's name.
pub const COOKIE: &str = "finsam_session";

#[derive(Deserialize)]
pub struct Start {
    token: String,
}

/// Whether `req` comes from a page of this site: its `Origin` names the
/// host the request was sent to. Browsers send `Origin` on every POST,
/// DELETE and WebSocket; a request without one is not taken as the site's.
pub fn same_origin(req: &HttpRequest) -> bool {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .and_then(|o| url::Url::parse(o).ok());
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    match (origin, host) {
        (Some(origin), Some(host)) => {
            let authority = match (origin.host_str(), origin.port()) {
                (Some(h), Some(p)) => format!("{h}:{p}"),
                (Some(h), None) => h.to_string(),
                _ => return false,
            };
            authority.eq_ignore_ascii_case(host)
        }
        _ => false,
    }
}

/// The session's token, when the request carries the cookie.
pub fn cookie_token(req: &HttpRequest) -> Option<String> {
    req.cookie(COOKIE)
        .map(|c| c.value().to_string())
        .filter(|t| !t.is_empty())
}

/// The session's token for a request that may use it (a same-origin POST
/// or WebSocket); a cookie sent from another site is refused, so a forged
/// request changes nothing and learns nothing.
pub fn session_token(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(token) = cookie_token(req) else {
        return Ok(None);
    };
    if same_origin(req) {
        Ok(Some(token))
    } else {
        Err(cross_site())
    }
}

fn cross_site() -> ApiError {
    ApiError::ForbiddenInput {
        field: "Origin".into(),
        broken: Rule::SessionCrossSite.into(),
    }
}

fn cookie(state: &AppState, value: String, max_age: CookieDuration) -> Cookie<'static> {
    Cookie::build(COOKIE, value)
        .path("/")
        .http_only(true)
        .secure(state.settings.server.secure_cookies)
        .same_site(SameSite::Lax)
        .max_age(max_age)
        .finish()
}

fn refused(state: &AppState, status: StatusCode, err: ApiError) -> HttpResponse {
    super::refuse(state, status, err, super::media::Answer::Json)
}

/// `POST /auth/session`: a checked token becomes the session.
pub async fn start(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<Start>,
) -> HttpResponse {
    if !same_origin(&req) {
        return refused(&state, StatusCode::FORBIDDEN, cross_site());
    }
    let token = body.token.trim();
    let principal = match state.tokens.validate(token).await {
        Ok(p) if p.sub.is_some() => p,
        Ok(_) => {
            let err = ApiError::Unauthenticated("the token names no subject".into());
            return refused(&state, StatusCode::UNAUTHORIZED, err);
        }
        Err(reason) => {
            tracing::info!(%reason, "refused a token for a session");
            return refused(
                &state,
                StatusCode::UNAUTHORIZED,
                ApiError::Unauthenticated(reason.to_string()),
            );
        }
    };
    // The session lasts as long as the token, no longer.
    let left = crate::auth::jwt::expires_at(token)
        .map(|exp| exp.saturating_sub(chrono::Utc::now().timestamp()).max(0))
        .unwrap_or(0);
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .cookie(cookie(
            &state,
            token.to_string(),
            CookieDuration::seconds(left),
        ))
        .json(serde_json::json!({ "principal": principal, "expiresInSeconds": left }))
}

/// `DELETE /auth/session`: signs out every tab.
pub async fn end(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    if !same_origin(&req) {
        return refused(&state, StatusCode::FORBIDDEN, cross_site());
    }
    HttpResponse::NoContent()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .cookie(cookie(&state, String::new(), CookieDuration::ZERO))
        .finish()
}

/// The bearer token of the `Authorization` header, if one is sent; a header
/// that is not one is refused.
pub fn bearer(req: &HttpRequest) -> Result<Option<&str>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| ApiError::Unauthenticated("malformed authorization header".into()))?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or_else(|| ApiError::Unauthenticated("authorization must be a Bearer token".into()))?;
    Ok(Some(token.trim()))
}

/// The caller from the `Authorization` header, or on a POST without one
/// from the web app's session cookie (`session`, which refuses a cookie
/// sent from another site): none is anonymous; a bad one is refused with
/// the reason. The token itself is never logged.
pub(crate) async fn authenticate(
    state: &AppState,
    req: &HttpRequest,
) -> Result<Principal, ApiError> {
    let cookie;
    let token = match bearer(req)? {
        Some(token) => token,
        None if req.method() == actix_web::http::Method::POST => match session_token(req)? {
            Some(t) => {
                cookie = t;
                cookie.as_str()
            }
            None => return Ok(Principal::anonymous()),
        },
        None => return Ok(Principal::anonymous()),
    };
    state.tokens.validate(token).await.map_err(|reason| {
        tracing::info!(%reason, "refused a bearer token");
        ApiError::Unauthenticated(reason.to_string())
    })
}

/// The caller of a download (a report's PDF, spreadsheet or CSV file, a
/// GET that only reads): the bearer token, or the session cookie. The
/// cookie is `SameSite=Lax`, so another site's page can at most send the
/// person to the file in their own browser, never fetch it (no cross-site
/// subrequest carries the cookie, and CORS allows no credentials); a
/// browser that says the request comes from another site
/// (`Sec-Fetch-Site: cross-site` on a subrequest) is refused outright.
pub(crate) async fn download_caller(
    state: &AppState,
    req: &HttpRequest,
) -> Result<Principal, ApiError> {
    let token = match bearer(req)? {
        Some(token) => token.to_string(),
        None => {
            let Some(token) = cookie_token(req) else {
                return Ok(Principal::anonymous());
            };
            let fetch = |name: &str| {
                req.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
            };
            if fetch("sec-fetch-site") == "cross-site" && fetch("sec-fetch-mode") != "navigate" {
                return Err(cross_site());
            }
            token
        }
    };
    state.tokens.validate(&token).await.map_err(|reason| {
        tracing::info!(%reason, "refused a token for a download");
        ApiError::Unauthenticated(reason.to_string())
    })
}
