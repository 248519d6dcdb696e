//! Makers' applications, end to end on the registry binary, on SQLite and on PostgreSQL:
//! `POST /api/applications` and its refusals, the public status, the reviewers' decisions
//! in the console, CORS, and no acknowledged application lost to a killed registry.

mod common;

use common::*;
use iotmark_registry::loopback::{request, Reply};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn cookie_header(c: &str) -> String {
    format!("iotmark_session={c}")
}

fn post(server: &Server, path: &str, kind: &str, body: &[u8]) -> Reply {
    request(server.addr, "POST", path, &[("Content-Type", kind), ("Origin", "https://studio.example")], body).expect("POST answered")
}

/// The error's code and field, from `{"error": {"code", "message", "field"?}}`.
fn error_of(r: &Reply) -> (u16, String, Option<String>) {
    let j = r.json();
    let e = &j["error"];
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "a message: {}", r.text());
    (r.status, e["code"].as_str().unwrap_or("").to_owned(), e["field"].as_str().map(str::to_owned))
}

fn reference_of(r: &Reply) -> String {
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["reference"].as_str().expect("a reference").to_owned()
}

fn public(server: &Server, reference: &str) -> serde_json::Value {
    let r = server.get(&format!("/api/applications/{reference}"), &[]);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    r.json()
}

fn applications_on(db: &Db) {
    let fx = Fixture::new();
    db.seed(&fx);
    let server = Server::start(&fx, db, &[]);

    // Stored and readable.
    let r = server.apply(SPEAKER_SPEC);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(r.json()["status"], "received");
    let reference = reference_of(&r);
    let b = reference.as_bytes();
    assert!(reference.len() == 13 && reference.starts_with("APP-") && b[8] == b'-', "{reference}");
    let status = public(&server, &reference);
    assert_eq!((status["reference"].as_str(), status["status"].as_str()), (Some(reference.as_str()), Some("received")));
    assert!(status["received"].as_str().is_some_and(|t| t.len() == 20 && t.ends_with('Z')), "{status}");
    assert!(status.get("decided").is_none() && status.get("note").is_none(), "{status}");
    assert_eq!(public(&server, &reference.to_ascii_lowercase())["reference"], reference.as_str(), "read back in any case");
    let unknown = server.get("/api/applications/APP-0000-0000", &[]);
    assert_eq!(error_of(&unknown), (404, "unknown-application".into(), None));

    // Refusals, each typed.
    let toml = "application/toml";
    assert_eq!(error_of(&post(&server, "/api/applications", toml, b"assurance = \n[product")), (400, "not-toml".into(), None));
    let wrong_date = SPEAKER_SPEC.replace("updates_until = \"2031-06\"", "updates_until = \"June 2031\"");
    let r = post(&server, "/api/applications", toml, wrong_date.as_bytes());
    assert_eq!(error_of(&r), (422, "invalid-spec".into(), Some("lifecycle.updates_until".into())), "{}", r.text());
    assert!(r.json()["error"]["message"].as_str().is_some_and(|m| m.starts_with("lifecycle.updates_until")), "{}", r.text());
    let no_maker = SPEAKER_SPEC.replace("maker = \"Hearth Audio GmbH\"\n", "");
    let r = post(&server, "/api/applications", toml, no_maker.as_bytes());
    assert_eq!(error_of(&r), (422, "invalid-spec".into(), Some("product.maker".into())), "{}", r.text());
    let bad_gtin = SPEAKER_SPEC.replace("4006381333931", "12345");
    assert_eq!(error_of(&post(&server, "/api/applications", toml, bad_gtin.as_bytes())).2.as_deref(), Some("product.gtin"));
    let no_mark = SPEAKER_SPEC.replace("\n3 = \"met\"", "\n3 = \"not-met\"");
    assert_eq!(error_of(&post(&server, "/api/applications", toml, no_mark.as_bytes())).1, "no-mark");
    let padded = format!("{SPEAKER_SPEC}\n{}", "# padding\n".repeat(7000));
    let r = post(&server, "/api/applications", toml, padded.as_bytes());
    assert_eq!((error_of(&r).0, error_of(&r).1.as_str()), (413, "too-large"), "{}", r.text());
    assert_eq!(r.header("access-control-allow-origin"), Some("*"), "a refusal is readable by the studio too");
    for kind in ["application/json", "text/plain", "application/x-www-form-urlencoded", "application/toml; charset=latin1"] {
        let r = post(&server, "/api/applications", kind, SPEAKER_SPEC.as_bytes());
        assert_eq!(error_of(&r), (415, "wrong-content-type".into(), None), "{kind}");
    }
    let r = request(server.addr, "POST", "/api/applications", &[], SPEAKER_SPEC.as_bytes()).expect("answered");
    assert_eq!(error_of(&r).1, "wrong-content-type", "no content type at all");
    assert_eq!(reference_of(&post(&server, "/api/applications", "Application/TOML; charset=UTF-8", SPEAKER_SPEC.as_bytes())).len(), 13);
    // A retry with the same Idempotency-Key (the answer was lost) gets the same reference.
    let once = |key: &str| {
        let h = [("Content-Type", toml), ("Idempotency-Key", key)];
        request(server.addr, "POST", "/api/applications", &h, SPEAKER_SPEC.as_bytes()).expect("answered")
    };
    let first = reference_of(&once("0f8e2c1a-5b7d-4e3f-9a21-6c4d8b0e7f15"));
    let again = once("0f8e2c1a-5b7d-4e3f-9a21-6c4d8b0e7f15");
    assert_eq!((again.status, again.json()["reference"].as_str()), (200, Some(first.as_str())), "{}", again.text());
    assert_ne!(reference_of(&once("another-key")), first);
    assert_eq!(error_of(&once("not a key!")), (400, "bad-idempotency-key".into(), None));
    let r = post(&server, "/api/applications?region=mars", toml, SPEAKER_SPEC.as_bytes());
    assert_eq!(error_of(&r), (400, "unknown-region".into(), None));

    // CORS preflight, as a browser sends it for application/toml from another origin.
    let h = [
        ("Origin", "https://studio.example"),
        ("Access-Control-Request-Method", "POST"),
        ("Access-Control-Request-Headers", "content-type"),
    ];
    for path in ["/api/applications".to_owned(), format!("/api/applications/{reference}")] {
        let pre = request(server.addr, "OPTIONS", &path, &h, b"").expect("answered");
        assert_eq!(pre.status, 204, "{path}");
        assert_eq!(pre.header("access-control-allow-origin"), Some("*"));
        assert!(pre.header("access-control-allow-methods").is_some_and(|m| m.contains("POST") && m.contains("GET")));
        let allowed = pre.header("access-control-allow-headers").unwrap_or("").to_ascii_lowercase();
        assert!(allowed.contains("content-type") && allowed.contains("idempotency-key"), "{allowed}");
    }

    // The reviewers' side.
    let for_eu = reference_of(&post(&server, "/api/applications?region=eu", toml, SPEAKER_SPEC.as_bytes()));
    let (cookie, csrf) = server.login("reviewer@example.org", PASSWORD).expect("signed in");
    let page = |cookie: &str, path: &str| server.get(path, &[("Cookie", &cookie_header(cookie))]);
    let queue = page(&cookie, "/console/applications").text();
    assert!(queue.contains(&reference) && queue.contains(&for_eu) && queue.contains("Hearth Speaker Mini"), "{queue}");
    assert!(queue.find(&reference) < queue.find(&for_eu), "oldest first");
    let (outsider, outsider_csrf) = server.login("outsider@example.org", PASSWORD).expect("signed in");
    let theirs = page(&outsider, "/console/applications").text();
    assert!(theirs.contains(&reference) && !theirs.contains(&for_eu), "a US reviewer sees the open queue, not the EU body's");
    assert_eq!(page(&outsider, &format!("/console/applications/{for_eu}")).status, 403);
    assert!(page("forged", "/console/applications").text().contains("Sign in"), "signed out: the sign-in page");

    let one = page(&cookie, &format!("/console/applications/{reference}"));
    assert_eq!(one.status, 200);
    let one = one.text();
    for want in
        ["Hearth Speaker Mini", "Hearth Audio GmbH", "silver", "What the grade rests on", "updates_until = &quot;2031-06&quot;", "decide"]
    {
        assert!(one.contains(want), "the application page shows {want:?}");
    }
    assert!(
        one.contains("Gold would need principles 10, 12, 32 met, and 3 more of principles 11, 13, 14, 15, 16 met."),
        "what the next grade needs: {one}"
    );

    let decide = |cookie: &str, reference: &str, f: &[(&str, &str)]| {
        server.post_form(&format!("/console/applications/{reference}/decide"), cookie, f)
    };
    assert_eq!(decide(&cookie, &reference, &[("action", "accept-review")]).status, 403, "no CSRF token, refused");
    assert_eq!(decide(&cookie, &reference, &[("csrf", "00"), ("action", "accept-review")]).status, 403, "a wrong CSRF token, refused");
    assert_eq!(decide(&cookie, &reference, &[("csrf", &csrf), ("action", "ask-changes"), ("note", " ")]).status, 400, "a note is required");
    assert_eq!(decide(&cookie, &reference, &[("csrf", &csrf), ("action", "approve")]).status, 400);
    assert_eq!(decide(&outsider, &for_eu, &[("csrf", &outsider_csrf), ("action", "decline"), ("note", "No")]).status, 403);
    assert_eq!(public(&server, &reference)["status"], "received", "nothing was written");

    assert_eq!(decide(&cookie, &reference, &[("csrf", &csrf), ("action", "accept-review")]).status, 303);
    let status = public(&server, &reference);
    assert_eq!(status["status"], "in-review");
    assert!(status["decided"].as_str().is_some_and(|t| t.ends_with('Z')), "{status}");
    assert_eq!(decide(&cookie, &reference, &[("csrf", &csrf), ("action", "accept-review")]).status, 409, "already in review");
    let note = "Principle 29: say what happens to the cloud service if the company is sold.";
    assert_eq!(decide(&cookie, &reference, &[("csrf", &csrf), ("action", "ask-changes"), ("note", note)]).status, 303);
    let status = public(&server, &reference);
    assert_eq!((status["status"].as_str(), status["note"].as_str()), (Some("changes-requested"), Some(note)));
    let text = server.get(&format!("/api/applications/{reference}"), &[]).text();
    assert!(!text.contains("reviewer@") && !text.contains("user"), "no reviewer details in public: {text}");
    assert_eq!(decide(&cookie, &reference, &[("csrf", &csrf), ("action", "decline"), ("note", "late")]).status, 409, "decided");
    let history = page(&cookie, &format!("/console/applications/{reference}")).text();
    assert!(
        history.contains("accepted for review by reviewer@example.org") && history.contains("asked for changes by reviewer@example.org")
    );

    assert_eq!(decide(&cookie, &for_eu, &[("csrf", &csrf), ("action", "decline"), ("note", "Not a connected product")]).status, 303);
    assert_eq!(public(&server, &for_eu)["status"], "declined");
    let queue = page(&cookie, "/console/applications").text();
    assert!(!queue.contains(&reference) && !queue.contains(&for_eu), "decided applications leave the queue");

    // The administration command stores an application as the API does (the demo seeds so).
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../labels/examples/open-thermostat.toml");
    let added = db.admin(&["add-application", spec, "--region", "eu"]).trim().to_owned();
    assert_eq!(public(&server, &added)["status"], "received");
    assert!(page(&cookie, "/console/applications").text().contains(&added));

    // Phone width: the console's style keeps every field inside the screen.
    assert!(server.report("0000-0000-0000-1111", "phone-1").status == 201);
    let (operator, _) = {
        db.admin(&["add-user", "--email", "operator@example.org", "--role", "operator"]);
        server.login("operator@example.org", PASSWORD).expect("signed in")
    };
    let reports = page(&operator, "/console/");
    let (csp, html) = (reports.header("content-security-policy").unwrap_or("").to_owned(), reports.text());
    assert!(html.contains("name=\"public_reason\"") && !html.contains("size=\""), "no fixed-width fields: {html}");
    assert!(html.contains("input,select,textarea,button{font:inherit;max-width:100%"), "fields shrink to the screen");
    assert!(csp.contains("style-src 'sha256-") && csp.starts_with("default-src 'none'"), "{csp}");
}

#[test]
fn applications_on_both_databases() {
    for db in databases() {
        applications_on(&db);
    }
}

#[test]
fn applications_are_rate_limited_per_client() {
    let fx = Fixture::new();
    let db = Db::sqlite();
    let server = Server::start(&fx, &db, &["--application-limit", "2"]);
    assert_eq!(server.apply(SPEAKER_SPEC).status, 201);
    assert_eq!(server.apply("not = [toml").status, 400, "a refused application counts too");
    let r = server.apply(SPEAKER_SPEC);
    assert_eq!(error_of(&r), (429, "rate-limited".into(), None));
    assert!(r.header("retry-after").and_then(|s| s.parse::<u64>().ok()).is_some_and(|s| s >= 1));
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(server.report("0000-0000-0000-1111", "not-counted").status, 201, "reports are counted apart");
}

fn sigkill_on(db: &Db) {
    let fx = Fixture::new();
    db.seed(&fx);
    let mut server = Server::start(&fx, db, &[]);
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let addr = server.addr;
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let (acked, stop) = (acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                let Ok(mut conn) = iotmark_registry::loopback::Conn::connect(addr) else { return };
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let spec = SPEAKER_SPEC.replace("HS-200", &format!("HS-{w}-{i}"));
                    match conn.send("POST", "/api/applications", &[("Content-Type", "application/toml")], spec.as_bytes()) {
                        Ok(r) if r.status == 201 => acked
                            .lock()
                            .expect("lock")
                            .push((r.json()["reference"].as_str().unwrap_or("").to_owned(), format!("HS-{w}-{i}"))),
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();
    // Killed mid-burst, once it has got going (the machine may be busy: wait for 20).
    within(Duration::from_secs(20), || acknowledged.lock().map_or(0, |a| a.len()) >= 20);
    std::thread::sleep(Duration::from_millis(50));
    server.kill();
    stop.store(true, Ordering::Relaxed);
    workers.into_iter().for_each(|w| w.join().expect("worker"));
    let acked = acknowledged.lock().expect("lock").clone();
    assert!(acked.len() > 10, "the burst got going: {}", acked.len());
    let again = Server::start(&fx, db, &[]);
    let missing: Vec<&String> =
        acked.iter().map(|(r, _)| r).filter(|r| again.get(&format!("/api/applications/{r}"), &[]).status != 200).collect();
    assert!(missing.is_empty(), "{} of {} acknowledged applications lost: {missing:?}", missing.len(), acked.len());
    assert_eq!(acked.iter().map(|(r, _)| r).collect::<HashSet<_>>().len(), acked.len(), "every reference is new");
    // The spec is kept as received: the last one acknowledged is in the console, model and all.
    let (reference, model) = acked.last().expect("one");
    let (cookie, _) = again.login("reviewer@example.org", PASSWORD).expect("signed in");
    let one = again.get(&format!("/console/applications/{reference}"), &[("Cookie", &cookie_header(&cookie))]).text();
    assert!(one.contains(&format!("model = &quot;{model}&quot;")), "the spec text as received");
}

#[test]
fn sigkill_during_an_application_burst_loses_no_acknowledged_application() {
    for db in databases() {
        sigkill_on(&db);
    }
}
