//! Media types, as the GraphQL-over-HTTP specification has them: what a POST
//! body may be (type, charset, encoding), and which of the two response
//! types a client accepts.

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::error::ApiError;

/// Media types a GraphQL POST body may have. `application/json` is what the
/// GraphQL-over-HTTP spec requires; `application/graphql-response+json` is
/// accepted from clients that send it for both directions. `text/plain` is
/// refused on purpose: it is the type a browser sends cross-origin without a
/// CORS preflight, and no GraphQL client needs it.
const BODY_TYPES: [&str; 2] = ["application/json", "application/graphql-response+json"];

/// Encodings the server decodes (actix-web's decoder handles gzip); anything
/// else would be read as if it were plain JSON.
const BODY_ENCODINGS: [&str; 3] = ["identity", "gzip", "x-gzip"];

/// The two response media types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// `application/graphql-response+json`: the status code tells a request
    /// error (400, no `data`) from a field error (200).
    GraphqlResponse,
    /// `application/json`, the legacy type: request errors are 200 too.
    Json,
}

impl Answer {
    pub fn content_type(self) -> &'static str {
        match self {
            Answer::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Answer::Json => "application/json; charset=utf-8",
        }
    }
}

/// The response type from `Accept`: `application/graphql-response+json` when
/// the client names it at least as highly as anything else it accepts;
/// `application/json` for `application/json`, `*/*`, `application/*` or no
/// `Accept` at all (older clients and proxies check for it); `None` when the
/// client accepts neither (406).
pub fn negotiate(req: &HttpRequest) -> Option<Answer> {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return Some(Answer::Json);
    };
    let mut graphql: Option<f32> = None;
    let mut json: Option<f32> = None;
    for item in accept.split(',').take(32) {
        let mut parts = item.split(';');
        let range = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if q <= 0.0 {
            continue;
        }
        let better = |current: Option<f32>| Some(current.map_or(q, |c| c.max(q)));
        match range.as_str() {
            "application/graphql-response+json" => graphql = better(graphql),
            "application/json" | "*/*" | "application/*" => json = better(json),
            _ => {}
        }
    }
    match (graphql, json) {
        (Some(g), Some(j)) if g >= j => Some(Answer::GraphqlResponse),
        (Some(_), None) => Some(Answer::GraphqlResponse),
        (_, Some(_)) => Some(Answer::Json),
        (None, None) => None,
    }
}

/// `415 Unsupported Media Type` for a body the server cannot read as
/// GraphQL: a missing or other `Content-Type`, a charset other than UTF-8,
/// or an unknown `Content-Encoding` (GraphQL over HTTP, "Media Types").
pub fn unsupported_body(req: &HttpRequest) -> Option<ApiError> {
    let Some(content_type) = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return Some(ApiError::request(
            "Content-Type",
            "a GraphQL POST needs Content-Type: application/json",
        ));
    };
    let mut parts = content_type.split(';');
    let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    if !BODY_TYPES.contains(&media.as_str()) {
        return Some(ApiError::request(
            "Content-Type",
            format!("unsupported Content-Type {media}: send application/json"),
        ));
    }
    for parameter in parts {
        if let Some(charset) = parameter
            .trim()
            .to_ascii_lowercase()
            .strip_prefix("charset=")
        {
            let charset = charset.trim_matches('"');
            if charset != "utf-8" && charset != "utf8" {
                return Some(ApiError::request(
                    "Content-Type",
                    format!("unsupported charset {charset}: send UTF-8"),
                ));
            }
        }
    }
    for value in req.headers().get_all(header::CONTENT_ENCODING) {
        let encodings = value.to_str().unwrap_or("?");
        for encoding in encodings.split(',').map(|e| e.trim().to_ascii_lowercase()) {
            if !BODY_ENCODINGS.contains(&encoding.as_str()) {
                return Some(ApiError::request(
                    "Content-Encoding",
                    format!("unsupported Content-Encoding {encoding}: send gzip or none"),
                ));
            }
        }
    }
    None
}

/// Whether the request is a browser asking for a page (HTML).
pub fn wants_html(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn with_accept(accept: Option<&str>) -> Option<Answer> {
        let mut req = TestRequest::default();
        if let Some(accept) = accept {
            req = req.insert_header((header::ACCEPT, accept));
        }
        negotiate(&req.to_http_request())
    }

    #[test]
    fn the_response_type_follows_accept() {
        assert_eq!(with_accept(None), Some(Answer::Json));
        assert_eq!(with_accept(Some("*/*")), Some(Answer::Json));
        assert_eq!(with_accept(Some("application/json")), Some(Answer::Json));
        assert_eq!(
            with_accept(Some("application/graphql-response+json")),
            Some(Answer::GraphqlResponse)
        );
        assert_eq!(
            with_accept(Some(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Some(Answer::GraphqlResponse)
        );
        assert_eq!(
            with_accept(Some(
                "application/json, application/graphql-response+json;q=0.5"
            )),
            Some(Answer::Json)
        );
        assert_eq!(with_accept(Some("text/html")), None);
        assert_eq!(with_accept(Some("application/json;q=0")), None);
    }
}
