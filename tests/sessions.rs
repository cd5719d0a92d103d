//! The web app's session cookie: set only for a valid token from a page of
//! this site, `HttpOnly` and `SameSite=Lax` (and `Secure` outside
//! development), ended by `DELETE /auth/session`; and every way another
//! site could make a browser send it is refused and changes nothing
//! (OWASP's cross-site request forgery cheat sheet).

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, SET_COOKIE};
use serde_json::{Value, json};

use crate::common::{self, TestApp};
use finsam_api::auth::Role;

const RENAME: &str = r#"mutation($id: ID!, $v: Int!) { updateInsats(id: $id, version: $v, input: { name: "Omdöpt av en annan webbplats" }) { name } }"#;

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("finsam_session="))
        .map(str::to_string)
}

async fn start(app: &TestApp, origin: Option<&str>, token: &str) -> reqwest::Response {
    let mut request = app
        .client
        .post(format!("{}/auth/session", app.address))
        .json(&json!({ "token": token }));
    if let Some(origin) = origin {
        request = request.header("Origin", origin);
    }
    request.send().await.expect("send")
}

/// An insats of Värend, its id and version.
async fn an_insats(app: &TestApp) -> (String, i64) {
    let editor = app.token(&[Role::Editor], Some("varend"));
    let page = app
        .data_as(
            Some(&editor),
            r#"{ insatser(filter: { forbund: "varend" }, first: 1) { edges { node { id version } } } }"#,
            json!({}),
        )
        .await;
    let node = &page["insatser"]["edges"][0]["node"];
    (
        node["id"].as_str().expect("id").to_string(),
        node["version"].as_i64().expect("version"),
    )
}

async fn name_of(app: &TestApp, id: &str) -> Value {
    let editor = app.token(&[Role::Editor], Some("varend"));
    app.data_as(
        Some(&editor),
        "query($id: ID!) { insats(id: $id) { name version } }",
        json!({ "id": id }),
    )
    .await["insats"]
        .clone()
}

#[tokio::test]
async fn a_valid_token_from_this_site_becomes_a_cookie_no_script_reads() {
    let app = TestApp::spawn().await;
    let token = app.token(&[Role::Editor], Some("varend"));
    let response = start(&app, Some(&app.address), &token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = session_cookie(response.headers()).expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP in development: {cookie}"
    );
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["principal"]["forbund"], "varend", "{body}");
    assert!(body["expiresInSeconds"].as_i64().unwrap_or(0) > 0, "{body}");

    // Signed in by the cookie, as the app's pages are.
    let me = app
        .gql_in_session(Some(&token), "{ me { sub roles } }", json!({}))
        .await;
    assert_eq!(me["data"]["me"]["roles"], json!(["EDITOR"]), "{me}");

    // Signing out clears it.
    let ended = app
        .client
        .delete(format!("{}/auth/session", app.address))
        .header("Origin", &app.address)
        .send()
        .await
        .expect("send");
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    let cleared = session_cookie(ended.headers()).expect("a cleared cookie");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
}

#[tokio::test]
async fn outside_development_the_cookie_is_secure() {
    let app = TestApp::spawn_with(common::Spawn {
        configure: Some(Box::new(|s| s.server.secure_cookies = true)),
        ..Default::default()
    })
    .await;
    let token = app.token(&[Role::Member], Some("varend"));
    let response = start(&app, Some(&app.address), &token).await;
    let cookie = session_cookie(response.headers()).expect("a session cookie");
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn no_session_for_a_bad_token_or_another_site() {
    let app = TestApp::spawn().await;
    let refused = start(&app, Some(&app.address), "not.a.token").await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(refused.headers()).is_none());
    let token = app.token(&[Role::Admin], Some("varend"));
    for origin in [Some("https://evil.example"), None] {
        let refused = start(&app, origin, &token).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{origin:?}");
        assert!(session_cookie(refused.headers()).is_none(), "{origin:?}");
        let body: Value = refused.json().await.expect("json");
        assert_eq!(
            body["errors"][0]["extensions"]["rule"], "SESSION_CROSS_SITE",
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_forged_request_with_the_cookie_changes_nothing() {
    let app = TestApp::spawn().await;
    let (id, version) = an_insats(&app).await;
    let before = name_of(&app, &id).await;
    let token = app.token(&[Role::Editor], Some("varend"));
    let cookie = format!("finsam_session={token}");
    let variables = json!({ "id": id, "v": version });
    let url = format!("{}/graphql", app.address);

    // A JSON post from another site, and one without any Origin.
    for origin in [Some("https://evil.example"), None] {
        let mut request = app
            .client
            .post(&url)
            .header("Cookie", &cookie)
            .json(&json!({ "query": RENAME, "variables": variables }));
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        let response = request.send().await.expect("send");
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{origin:?}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{body}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["rule"],
            "SESSION_CROSS_SITE"
        );
    }

    // What an HTML form can send: urlencoded, multipart or text/plain
    // bodies, which no GraphQL POST takes.
    let body =
        serde_json::to_string(&json!({ "query": RENAME, "variables": variables })).expect("json");
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        for origin in ["https://evil.example", app.address.as_str()] {
            let response = app
                .client
                .post(&url)
                .header("Cookie", &cookie)
                .header("Origin", origin)
                .header("Content-Type", content_type)
                .body(body.clone())
                .send()
                .await
                .expect("send");
            assert_eq!(
                response.status(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{content_type} from {origin}"
            );
        }
    }

    // A link's GET carries the cookie, but a GET is never signed in by it
    // (and never changes anything).
    let me = app
        .client
        .get(format!("{url}?query=%7Bme%7Bsub%7D%7D"))
        .header("Cookie", &cookie)
        .send()
        .await
        .expect("send")
        .json::<Value>()
        .await
        .expect("json");
    assert!(me["data"]["me"].is_null(), "{me}");

    // A WebSocket opened by another site's page.
    let upgrade = app
        .client
        .get(&url)
        .header("Cookie", &cookie)
        .header("Origin", "https://evil.example")
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .header("Sec-WebSocket-Protocol", "graphql-transport-ws")
        .send()
        .await
        .expect("send");
    assert_eq!(upgrade.status(), StatusCode::FORBIDDEN);

    assert_eq!(name_of(&app, &id).await, before, "nothing changed");
    // The same change from the app's own page goes through.
    let renamed = app.gql_in_session(Some(&token), RENAME, variables).await;
    assert_eq!(
        renamed["data"]["updateInsats"]["name"], "Omdöpt av en annan webbplats",
        "{renamed}"
    );
}
