//! Subscriptions, through the reference clients a frontend would use (npm
//! graphql-ws over WebSocket, graphql-sse over Server-Sent Events) against
//! the real server: a change reaches its subscribers, read under each one's
//! access; tokens are checked at the start and at their expiry; a
//! subscriber resumes from the last event it saw; a change committed by
//! another server process reaches a subscriber on this one.
//!
//! Each subscriber starts `since` the newest event, so a change made right
//! after subscribing is never lost to the race between the subscription
//! starting and the change committing.

use crate::common;

use std::time::Duration;

use common::live::{Live, tools};
use common::{Spawn, TestApp, error_code};
use finsam_api::auth::Role;
use serde_json::{Value, json};

const INSATS_CHANGED: &str = "subscription($since: ID, $forbund: String) {
  insatsChanged(since: $since, forbund: $forbund) {
    eventId kind insatsId
    insats { id name version targetParticipants budgetTotalSek visibility forbund { slug } }
  }
}";

/// The newest event id: subscribe from here and miss nothing.
async fn newest_event(app: &TestApp) -> String {
    let data = app
        .data_as(
            Some(&app.network_admin()),
            "{ auditLog(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    data["auditLog"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap_or("0")
        .to_owned()
}

/// An insats of `slug` with `visibility`: (id, version).
async fn insats_of(app: &TestApp, slug: &str, visibility: &str) -> (String, i64) {
    let data = app
        .data_as(
            Some(&app.network_admin()),
            "query($f: [String!]) { insatser(filter: { forbund: $f }, first: 100) {
                edges { node { id version visibility } } } }",
            json!({ "f": [slug] }),
        )
        .await;
    let found = data["insatser"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| &e["node"])
        .find(|n| n["visibility"] == visibility)
        .unwrap_or_else(|| panic!("{slug} has a {visibility} insats in the demo"));
    (
        found["id"].as_str().expect("id").to_owned(),
        found["version"].as_i64().expect("version"),
    )
}

/// A new private insats of Västmanland: (id, version).
async fn create_private(app: &TestApp, editor: &str) -> (String, i64) {
    let data = app
        .data_as(
            Some(editor),
            "mutation { createInsats(input: { forbund: \"vastmanland\", name: \"Internt piloteringsarbete\" }) { id version visibility } }",
            json!({}),
        )
        .await;
    assert_eq!(data["createInsats"]["visibility"], "PRIVATE");
    (
        data["createInsats"]["id"].as_str().expect("id").to_owned(),
        data["createInsats"]["version"].as_i64().expect("version"),
    )
}

async fn set_participants(app: &TestApp, token: &str, id: &str, version: i64, n: i64) {
    let data = app
        .data_as(
            Some(token),
            "mutation($id: ID!, $v: Int!, $n: Int) {
                updateInsats(id: $id, version: $v, input: { targetParticipants: $n }) { id } }",
            json!({ "id": id, "v": version, "n": n }),
        )
        .await;
    assert_eq!(data["updateInsats"]["id"], id);
}

#[tokio::test]
async fn each_subscriber_gets_the_changes_it_may_see_and_money_by_its_role() {
    let Some(tools) = tools() else { return };
    let app = TestApp::spawn().await;
    let live = Live::of(&tools, &app);
    let editor = app.token(&[Role::Editor], Some("vastmanland"));
    let private = create_private(&app, &editor).await;
    let public = insats_of(&app, "vastmanland", "PUBLIC").await;
    // With money on it, which only those who may see budgets are sent.
    let budgeted = app
        .data_as(
            Some(&editor),
            "mutation($id: ID!, $v: Int!) { setInsatsBudget(id: $id, version: $v, year: 2026, budgetSek: 1200000) { version } }",
            json!({ "id": public.0, "v": public.1 }),
        )
        .await;
    let public = (
        public.0,
        budgeted["setInsatsBudget"]["version"]
            .as_i64()
            .expect("version"),
    );
    let since = newest_event(&app).await;

    let vars = json!({ "since": since });
    let mut anonymous = live.ws(INSATS_CHANGED, vars.clone(), None);
    let mut colleague = live.ws(INSATS_CHANGED, vars.clone(), Some(&editor));
    let mut over_sse = live.sse(INSATS_CHANGED, vars, None);
    anonymous.connected().await;
    colleague.connected().await;

    set_participants(&app, &editor, &private.0, private.1, 41).await;
    set_participants(&app, &editor, &public.0, public.1, 77).await;

    // The colleague sees both, in order, with money.
    let first = colleague.next_data().await["insatsChanged"].clone();
    assert_eq!(first["kind"], "UPDATED");
    assert_eq!(first["insats"]["id"], private.0.as_str());
    assert_eq!(first["insats"]["targetParticipants"], 41);
    assert_eq!(first["insats"]["version"], private.1 + 1);
    let second = colleague.next_data().await["insatsChanged"].clone();
    assert_eq!(second["insats"]["id"], public.0.as_str());
    assert!(second["insats"]["budgetTotalSek"].is_number(), "{second}");

    // The public, over either transport, see only the public insats (it
    // is their first message, though the private change came first), and no
    // money.
    for client in [&mut anonymous, &mut over_sse] {
        let change = client.next_data().await["insatsChanged"].clone();
        assert_eq!(change["insats"]["id"], public.0.as_str(), "{change}");
        assert_eq!(change["insats"]["targetParticipants"], 77);
        assert_eq!(change["insats"]["budgetTotalSek"], Value::Null);
        assert!(change["eventId"].as_str().is_some());
    }
}

#[tokio::test]
async fn an_insats_made_private_is_removed_from_the_view_of_those_who_no_longer_see_it() {
    let Some(tools) = tools() else { return };
    let app = TestApp::spawn().await;
    let live = Live::of(&tools, &app);
    let since = newest_event(&app).await;
    let editor = app.token(&[Role::Editor], Some("vastmanland"));
    let public = insats_of(&app, "vastmanland", "PUBLIC").await;
    let mut anonymous = live.ws(
        INSATS_CHANGED,
        json!({ "since": since, "forbund": "vastmanland" }),
        None,
    );
    app.data_as(
        Some(&editor),
        "mutation($id: ID!, $v: Int!) {
            shareInsats(id: $id, version: $v, visibility: PRIVATE) { id } }",
        json!({ "id": public.0, "v": public.1 }),
    )
    .await;
    let change = anonymous.next_data().await["insatsChanged"].clone();
    assert_eq!(change["kind"], "REMOVED_FROM_VIEW");
    assert_eq!(change["insatsId"], public.0.as_str());
    assert_eq!(change["insats"], Value::Null);
}

#[tokio::test]
async fn a_bad_token_is_refused_by_both_transports() {
    let Some(tools) = tools() else { return };
    let app = TestApp::spawn().await;
    let live = Live::of(&tools, &app);
    let mut ws = live.ws(INSATS_CHANGED, json!({}), Some("not.a.token"));
    let closed = ws.until("closed").await;
    assert_eq!(closed["closed"]["code"], 4403, "{closed}");

    let mut sse = live.sse(INSATS_CHANGED, json!({}), Some("not.a.token"));
    let failed = sse.until("error").await;
    assert!(failed.to_string().contains("401"), "{failed}");

    // Over HTTP, the refusal says why, with the code a query gets.
    let response = app
        .client
        .post(format!("{}/graphql/stream", app.address))
        .header("accept", "text/event-stream")
        .bearer_auth("not.a.token")
        .json(&json!({ "query": INSATS_CHANGED }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn delivery_stops_when_the_token_expires() {
    let Some(tools) = tools() else { return };
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| s.auth.leeway_secs = 0)),
        ..Spawn::default()
    })
    .await;
    let live = Live::of(&tools, &app);
    let short = finsam_api::auth::jwt::mint_dev_token(
        &app.settings.auth,
        "short-lived",
        Some("vastmanland"),
        &[Role::Editor],
        Duration::from_secs(3),
    )
    .expect("mint");
    let mut ws = live.ws(INSATS_CHANGED, json!({}), Some(&short));
    ws.connected().await;
    let closed = ws.until("closed").await;
    assert_eq!(closed["closed"]["code"], 4403, "{closed}");
    assert!(
        closed["closed"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("expired")),
        "{closed}"
    );

    let mut sse = live.sse(
        INSATS_CHANGED,
        json!({}),
        Some(
            &finsam_api::auth::jwt::mint_dev_token(
                &app.settings.auth,
                "short-lived",
                Some("vastmanland"),
                &[Role::Editor],
                Duration::from_secs(3),
            )
            .expect("mint"),
        ),
    );
    let ended = sse.until("next").await;
    assert_eq!(
        ended["next"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{ended}"
    );
    sse.until("complete").await;
}

#[tokio::test]
async fn a_subscriber_resumes_from_the_last_event_it_saw() {
    let Some(tools) = tools() else { return };
    // Two missed changes are replayed; more are a reload.
    let app = TestApp::spawn_with(Spawn {
        configure: Some(Box::new(|s| s.live.replay = 2)),
        ..Spawn::default()
    })
    .await;
    let live = Live::of(&tools, &app);
    let editor = app.token(&[Role::Editor], Some("vastmanland"));
    let public = insats_of(&app, "vastmanland", "PUBLIC").await;
    let before = newest_event(&app).await;
    // Two changes while nobody listens.
    set_participants(&app, &editor, &public.0, public.1, 10).await;
    set_participants(&app, &editor, &public.0, public.1 + 1, 11).await;
    let mut resumed = live.sse(INSATS_CHANGED, json!({ "since": before }), None);
    let first = resumed.next_data().await["insatsChanged"].clone();
    let second = resumed.next_data().await["insatsChanged"].clone();
    assert_eq!(first["kind"], "UPDATED");
    // Each is read now: both show the insats as it is.
    assert_eq!(second["insats"]["targetParticipants"], 11);
    // Event ids are opaque: not the log's numbers, whose gaps would tell of
    // the changes a subscriber may not see.
    let first_id = first["eventId"].as_str().expect("id").to_string();
    let second_id = second["eventId"].as_str().expect("id").to_string();
    assert_ne!(first_id, second_id);
    assert!(first_id.parse::<i64>().is_err(), "{first_id}");
    // Resuming after the first sends the second.
    let mut again = live.sse(INSATS_CHANGED, json!({ "since": first_id }), None);
    let next = again.next_data().await["insatsChanged"].clone();
    assert_eq!(next["insats"]["targetParticipants"], 11, "{next}");

    // From too far back (three missed): told to reload, then live.
    set_participants(&app, &editor, &public.0, public.1 + 2, 12).await;
    let mut stale = live.ws(INSATS_CHANGED, json!({ "since": before }), None);
    let reload = stale.next_data().await["insatsChanged"].clone();
    assert_eq!(reload["kind"], "RELOAD");
    assert_eq!(reload["eventId"], Value::Null);
    set_participants(&app, &editor, &public.0, public.1 + 3, 13).await;
    let live = stale.next_data().await["insatsChanged"].clone();
    assert_eq!(live["insats"]["targetParticipants"], 13);
}

#[tokio::test]
async fn an_audit_log_is_streamed_only_to_those_who_may_read_it() {
    let Some(tools) = tools() else { return };
    let app = TestApp::spawn().await;
    let live = Live::of(&tools, &app);
    let since = newest_event(&app).await;
    let query = "subscription($since: ID) {
        auditEvents(forbund: \"vastmanland\", since: $since) {
            eventId kind entry { operation entity entityId actor { sub } } } }";
    let admin = app.token(&[Role::Admin], Some("vastmanland"));
    let editor = app.token(&[Role::Editor], Some("vastmanland"));
    let mut refused = live.ws(query, json!({ "since": since }), Some(&editor));
    let error = refused.until("error").await;
    assert_eq!(
        error["error"][0]["extensions"]["code"], "FORBIDDEN",
        "{error}"
    );

    let mut anonymous = live.sse(query, json!({}), None);
    let error = anonymous.until("next").await;
    assert_eq!(
        error["next"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{error}"
    );

    let mut reader = live.ws(query, json!({ "since": since }), Some(&admin));
    let public = insats_of(&app, "vastmanland", "PUBLIC").await;
    set_participants(&app, &editor, &public.0, public.1, 12).await;
    let event = reader.next_data().await["auditEvents"].clone();
    assert_eq!(event["entry"]["operation"], "updateInsats");
    // The log holds the record's key; its global id names the same row.
    assert_eq!(
        event["entry"]["entityId"],
        crate::common::row_key(&public.0).as_str()
    );
    assert_eq!(event["entry"]["actor"]["sub"], "test-user");
}

#[tokio::test]
async fn a_form_hears_at_once_that_its_record_was_saved_by_someone_else() {
    let Some(tools) = tools() else { return };
    let app = TestApp::spawn().await;
    let live = Live::of(&tools, &app);
    let since = newest_event(&app).await;
    let editor = app.token(&[Role::Editor], Some("vastmanland"));
    let public = insats_of(&app, "vastmanland", "PUBLIC").await;
    let mut form = live.ws(
        "subscription($id: ID!, $since: ID) {
            recordChanged(entity: \"Insats\", id: $id, since: $since) {
                eventId id operation version changedByYou } }",
        json!({ "id": public.0, "since": since }),
        Some(&app.token(&[Role::Editor], Some("vastmanland"))),
    );
    form.connected().await;
    set_participants(&app, &editor, &public.0, public.1, 13).await;
    let change = form.next_data().await["recordChanged"].clone();
    assert_eq!(change["version"], public.1 + 1);
    assert_eq!(change["operation"], "updateInsats");
    // The same subject (every test token is "test-user").
    assert_eq!(change["changedByYou"], true);

    // A type the forms do not open is refused with the field at fault.
    let mut wrong = live.ws(
        "subscription { recordChanged(entity: \"Secret\", id: \"1\") { version } }",
        json!({}),
        None,
    );
    let error = wrong.until("error").await;
    assert_eq!(error["error"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(error["error"][0]["extensions"]["field"], "entity");
}

#[tokio::test]
async fn meetings_and_the_ring_are_followed_with_their_decisions() {
    let Some(tools) = tools() else { return };
    let app = TestApp::spawn().await;
    let live = Live::of(&tools, &app);
    let since = newest_event(&app).await;
    let mut meetings = live.ws(
        "subscription($since: ID) {
            meetingChanged(forbund: [\"vastmanland\"], since: $since) {
                kind meeting { heldOn decisions { text } } } }",
        json!({ "since": since }),
        None,
    );
    let editor = app.token(&[Role::Editor], Some("vastmanland"));
    let created = app
        .data_as(
            Some(&editor),
            "mutation { createMeeting(input: { forbund: \"vastmanland\", heldOn: \"2027-02-12\" }) { id version } }",
            json!({}),
        )
        .await;
    let meeting = created["createMeeting"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    app.data_as(
        Some(&editor),
        "mutation($m: ID!, $v: Int!) { recordDecision(meeting: $m, version: $v,
            input: { text: \"Budget 2027 fastställs\" }) { id } }",
        json!({ "m": meeting, "v": created["createMeeting"]["version"] }),
    )
    .await;
    let first = meetings.next_data().await["meetingChanged"].clone();
    assert_eq!(first["kind"], "CREATED");
    assert_eq!(first["meeting"]["heldOn"], "2027-02-12");
    let second = meetings.next_data().await["meetingChanged"].clone();
    assert_eq!(second["kind"], "DECISION_RECORDED");
    assert_eq!(
        second["meeting"]["decisions"][0]["text"],
        "Budget 2027 fastställs"
    );
}

/// A second server process on the same database: a change made through it
/// reaches a subscriber of this one (PostgreSQL: LISTEN/NOTIFY; SQLite: the
/// reader's poll of the log).
#[tokio::test]
async fn a_change_made_by_another_process_reaches_subscribers_here() {
    let Some(tools) = tools() else { return };
    let app = TestApp::spawn().await;
    let live = Live::of(&tools, &app);
    let since = newest_event(&app).await;
    let other = common::process::OtherProcess::start(&app);
    other.wait_ready(&app.client).await;
    let mut subscriber = live.ws(INSATS_CHANGED, json!({ "since": since }), None);
    subscriber.connected().await;
    let public = insats_of(&app, "vastmanland", "PUBLIC").await;
    let editor = app.token(&[Role::Editor], Some("vastmanland"));
    let body: Value = app
        .client
        .post(format!("{}/graphql", other.address))
        .bearer_auth(&editor)
        .json(&json!({
            "query": "mutation($id: ID!, $v: Int!) {
                updateInsats(id: $id, version: $v, input: { targetParticipants: 99 }) { id } }",
            "variables": { "id": public.0, "v": public.1 }
        }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert!(body.get("errors").is_none(), "{body}");
    let change = subscriber.next_data().await["insatsChanged"].clone();
    assert_eq!(change["insats"]["targetParticipants"], 99);
}

#[tokio::test]
async fn the_ring_is_followed_from_agreement_to_assignments_taking_effect() {
    let Some(tools) = tools() else { return };
    let app = TestApp::spawn().await;
    let live = Live::of(&tools, &app);
    let since = newest_event(&app).await;
    let mut ring = live.sse(
        "subscription($since: ID) { dsoRingChanged(since: $since) {
            eventId kind agreementId ring { members { slug } } } }",
        json!({ "since": since }),
        None,
    );
    let created = app
        .data_as(
            Some(&app.network_admin()),
            r#"mutation { createDsoAgreement(input: { name: "DSO-ring Kronoberg", startsOn: "2026-01-01", initialEndsOn: "2028-12-31", members: [{ forbund: "varend", contact: "dso@varend.example" }, { forbund: "sodertalje", contact: "dso@sodertalje.example" }] }) { id } }"#,
            json!({}),
        )
        .await;
    let agreement = created["createDsoAgreement"]["id"].clone();
    let change = ring.next_data().await["dsoRingChanged"].clone();
    assert_eq!(change["kind"], "AGREEMENT_CREATED");
    assert_eq!(change["agreementId"], agreement);
    assert!(change["eventId"].is_string());

    // The day its assignments begin (the server announces each day's at its
    // start; here the day is named).
    let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let announced = app
        .state
        .service()
        .changes
        .announce_day(day)
        .await
        .expect("announced");
    assert!(announced >= 1);
    let took = ring.next_data().await["dsoRingChanged"].clone();
    assert_eq!(took["kind"], "ASSIGNMENT_TOOK_EFFECT");
    assert_eq!(took["eventId"], Value::Null);
    assert!(took["agreementId"].is_string());
}

/// On PostgreSQL an entry's id was taken before its transaction committed,
/// so two writers could commit out of id order, and a subscriber resuming
/// after the higher id was never sent the lower. A second writer that
/// records while the first is still open now gets the later id and commits
/// after it: delivery is in id order, and resuming after any event yields
/// every later-committed change.
#[tokio::test]
async fn changes_commit_in_the_order_of_their_event_ids() {
    use finsam_api::service::audit::{Change, Operation, RecordKind, committed, record};
    let app = TestApp::spawn().await;
    let changes = app.state.service().changes.clone();
    let mut subscriber = changes.subscribe(None).await.expect("subscribe");
    let caller = finsam_api::auth::Caller::command_line();
    let db = app.state.service().db.clone();
    let note = json!({ "test": "commit order" });
    let first = finsam_api::db::begin_write(&db).await.expect("begin");
    record(
        &first,
        &caller,
        Change::created(
            Operation::SetKeyFigures,
            RecordKind::KeyFigure,
            1,
            None,
            &note,
        ),
    )
    .await
    .expect("record");
    // The second writer records and commits while the first is open.
    let second = {
        let db = db.clone();
        let caller = caller.clone();
        let note = note.clone();
        tokio::spawn(async move {
            let txn = finsam_api::db::begin_write(&db).await.expect("begin");
            record(
                &txn,
                &caller,
                Change::created(
                    Operation::SetKeyFigures,
                    RecordKind::KeyFigure,
                    2,
                    None,
                    &note,
                ),
            )
            .await
            .expect("record");
            committed(txn).await.expect("commit");
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    committed(first).await.expect("commit");
    second.await.expect("the second writer");
    let mut delivered = Vec::new();
    while delivered.len() < 2 {
        let event = tokio::time::timeout(std::time::Duration::from_secs(10), subscriber.next())
            .await
            .expect("delivered in time")
            .expect("open")
            .expect("not missed");
        // Nothing else of the demo writes key figures while this runs.
        if event.operation == Some(Operation::SetKeyFigures) {
            delivered.push((event.id, event.entity_id.clone()));
        }
    }
    assert_eq!(
        delivered
            .iter()
            .map(|(_, e)| e.as_str())
            .collect::<Vec<_>>(),
        ["1", "2"],
        "delivered in commit order"
    );
    assert!(
        delivered[0].0 < delivered[1].0,
        "ids in commit order: {delivered:?}"
    );
    // A subscriber resuming after the first is sent the second.
    let mut resumed = changes
        .subscribe(Some(delivered[0].0))
        .await
        .expect("resume");
    let next = resumed.next().await.expect("open").expect("not missed");
    assert_eq!(next.id, delivered[1].0);
}
