//! End-to-end tests of the registry binary, on SQLite and on PostgreSQL.

mod common;

use common::*;
use iotmark_core::label::LabelId;
use iotmark_core::verify::{verify, Context, Invalid, Verdict};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn cookie_header(c: &str) -> String {
    format!("iotmark_session={c}")
}

#[test]
fn lists_are_served_with_etags_and_304() {
    let fx = Fixture::new();
    let db = Db::sqlite();
    let server = Server::start(&fx, &db, &[]);
    for path in ["/lists/trust.cose", "/lists/revocation.cose"] {
        let r = server.get(path, &[]);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("cache-control"), Some("public, max-age=60"));
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        let etag = r.header("etag").expect("an ETag").to_owned();
        let again = server.get(path, &[("If-None-Match", &etag)]);
        assert_eq!(again.status, 304, "{path} revalidates");
        assert!(again.body.is_empty());
        assert_eq!(server.get(path, &[("If-None-Match", "\"other\"")]).status, 200);
    }
    let list = server.revocation(&fx);
    assert!(list.labels.is_empty() && list.suspended.is_empty());
    assert_eq!(list.expires.0 - list.issued.0, 3);
}

#[test]
fn root_rotations_are_served_in_order_and_the_trust_list_must_follow_them() {
    use iotmark_core::trust::{RootRotation, TrustList};
    let fx = Fixture::new();
    let db = Db::sqlite();
    let (old, new) = (key("root"), key("new root"));
    let statement = RootRotation { to: new.verifying_key(), on: today() }.sign(&old).expect("signs");
    std::fs::write(fx.path("rotation.cose"), &statement).expect("written");
    // Under the new root the old root's trust list is refused at start-up.
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_iotmark-registry"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database", &db.url(), "--status-key"])
        .arg(fx.path("status.key"))
        .arg("--trust")
        .arg(fx.path("trust.cose"))
        .arg("--root")
        .arg(fx.path("root.pub"))
        .arg("--rotation")
        .arg(fx.path("rotation.cose"))
        .output()
        .expect("runs");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("newest root"), "{}", String::from_utf8_lossy(&refused.stderr));
    let resigned = TrustList { sequence: fx.trust.sequence + 1, ..fx.trust.clone() }.sign(&new).expect("signs");
    std::fs::write(fx.path("trust.cose"), resigned).expect("written");
    let rotation = fx.path("rotation.cose").display().to_string();
    let server = Server::start(&fx, &db, &["--rotation", &rotation]);
    let first = server.get("/lists/rotations/1.cose", &[]);
    assert_eq!((first.status, first.header("access-control-allow-origin")), (200, Some("*")));
    assert_eq!(first.body, statement);
    assert_eq!(RootRotation::open(&first.body, &old.verifying_key()).expect("a verifier follows it").to, new.verifying_key());
    for missing in ["/lists/rotations/2.cose", "/lists/rotations/0.cose", "/lists/rotations/x"] {
        assert_eq!(server.get(missing, &[]).status, 404, "{missing}");
    }
    assert!(TrustList::open(&server.get("/lists/trust.cose", &[]).body, &new.verifying_key()).is_ok());
}

#[test]
fn sequence_grows_across_restarts_and_publish_writes_files() {
    let fx = Fixture::new();
    let db = Db::sqlite();
    let out = fx.path("published");
    let first = Server::start(&fx, &db, &["--publish-dir", &out.display().to_string()]).revocation(&fx).sequence;
    assert!(std::fs::read(out.join("revocation.cose")).is_ok_and(|b| fx.open_revocation(&b).sequence == first));
    let again = Server::start(&fx, &db, &[]).revocation(&fx).sequence;
    assert!(again >= first);
    let dir = fx.path("out");
    db.admin(&["publish", "--out", &dir.display().to_string()]);
    assert!(std::fs::read(dir.join("trust.cose")).is_ok());
    assert_eq!(fx.open_revocation(&std::fs::read(dir.join("revocation.cose")).expect("written")).sequence, again);
}

fn reports_on(db: &Db) {
    let fx = Fixture::new();
    let token = db.seed(&fx);
    let server = Server::start(&fx, db, &[]);
    let text = sign(&label(0x1111), &lab());
    assert_eq!(server.register(&token, std::slice::from_ref(&text)).status, 200);

    let r = server.report(&text, "ref-1");
    assert_eq!(r.status, 201, "{}", r.text());
    let reference = r.json()["reference"].as_str().expect("a reference").to_owned();
    assert!(reference.len() == 11 && reference.starts_with("R-") && reference.as_bytes()[6] == b'-', "{reference}");
    let state = server.get(&format!("/api/reports/{reference}"), &[]).json();
    assert_eq!(state["state"], "received");
    let retry = server.report(&text, "ref-1");
    assert_eq!(retry.status, 200);
    assert_eq!(retry.json()["reference"], reference.as_str(), "the same client_ref gives the same reference");

    let bad = |body: &str| server.post_json("/api/reports", &[], body);
    let r = bad("{\"label\": ");
    assert_eq!((r.status, r.json()["error"].as_str()), (400, Some("malformed-json")));
    let r = bad(r#"{"label": "0000-0000-0000-1111", "reason": "ugly"}"#);
    assert_eq!((r.status, r.json()["error"].as_str()), (400, Some("unknown-reason")));
    let r = bad(r#"{"label": "not a label", "reason": "other"}"#);
    assert_eq!((r.status, r.json()["error"].as_str()), (400, Some("bad-label")));
    let long = serde_json::json!({"label": "0000-0000-0000-1111", "reason": "other", "text": "x".repeat(1001)}).to_string();
    let r = bad(&long);
    assert_eq!((r.status, r.json()["error"].as_str()), (413, Some("too-large")));
    let r = bad(&serde_json::json!({"label": "0000-0000-0000-1111", "reason": "other", "contact": "x".repeat(201)}).to_string());
    assert_eq!(r.status, 413);
    let r = bad(&serde_json::json!({"label": "0000-0000-0000-1111", "reason": "other", "text": "x".repeat(40_000)}).to_string());
    assert_eq!((r.status, r.json()["error"].as_str()), (413, Some("too-large")), "an oversized body");
    // An id the register does not know is still a report.
    let r = server.report("ABCD-0000-0000-0001", "ref-2");
    assert_eq!(r.status, 201);
    assert_eq!(server.get("/api/reports/R-0000-0000", &[]).status, 404);
    let pre = iotmark_registry::loopback::request(server.addr, "OPTIONS", "/api/reports", &[("Origin", "https://x.example")], b"")
        .expect("preflight");
    assert_eq!(pre.header("access-control-allow-origin"), Some("*"));
}

#[test]
fn reports_on_both_databases() {
    for db in databases() {
        reports_on(&db);
    }
}

#[test]
fn reports_are_rate_limited_per_client() {
    let fx = Fixture::new();
    let db = Db::sqlite();
    let server = Server::start(&fx, &db, &["--report-limit", "3"]);
    for i in 0..3 {
        assert_eq!(server.report("ABCD-0000-0000-0001", &format!("r{i}")).status, 201);
    }
    let r = server.report("ABCD-0000-0000-0001", "r9");
    assert_eq!((r.status, r.json()["error"].as_str()), (429, Some("rate-limited")));
    assert!(r.header("retry-after").and_then(|s| s.parse::<u64>().ok()).is_some_and(|s| s >= 1));
}

fn issuers_api_on(db: &Db) {
    let fx = Fixture::new();
    let token = db.seed(&fx);
    let server = Server::start(&fx, db, &[]);
    let texts: Vec<String> = (1..=3).map(|i| sign(&label(0x2000 + i), &lab())).collect();
    let r = server.register(&token, &texts);
    assert_eq!((r.status, r.json()["registered"].as_u64()), (200, Some(3)), "{}", r.text());
    assert_eq!(server.register(&token, &texts).json()["already"], 3);
    assert_eq!(server.register("wrong-token", &texts).status, 401);
    assert_eq!(server.post_json("/api/labels", &[], "{\"labels\": []}").status, 401);
    // Signed with a key that is not this issuer's: refused, and nothing registered.
    let forged = sign(&label(0x2100), &key("someone else"));
    let r = server.register(&token, &[sign(&label(0x2101), &lab()), forged]);
    assert_eq!((r.status, r.json()["error"].as_str()), (422, Some("bad-label")));
    assert_eq!(server.get("/api/labels/0000-0000-0000-2101", &[]).status, 404, "a refused batch registers nothing");
    // Another label under a registered id.
    let mut other = label(0x2001);
    other.product.model = "HS-201".into();
    assert_eq!(server.register(&token, &[sign(&other, &lab())]).status, 409);

    let record = server.get("/api/labels/0000-0000-0000-2001", &[]).json();
    assert_eq!((record["status"].as_str(), record["model"].as_str()), (Some("valid"), Some("HS-200")));
    let auth = format!("Bearer {token}");
    let mut soon = label(0x3000);
    soon.valid_until = iotmark_core::date::Date(today().0 + 30);
    assert_eq!(server.register(&token, &[sign(&soon, &lab())]).status, 200);
    let expiring = server.get("/api/labels/expiring?days=90", &[("Authorization", &auth)]).json();
    let ids: Vec<&str> = expiring["labels"].as_array().expect("a list").iter().filter_map(|l| l["id"].as_str()).collect();
    assert_eq!(ids, ["0000-0000-0000-3000"]);
    let renewal = serde_json::json!({"label": sign(&label(0x3001), &lab())}).to_string();
    let r = server.post_json("/api/labels/0000-0000-0000-3000/renew", &[("Authorization", &auth)], &renewal);
    assert_eq!(r.status, 200, "{}", r.text());
    let old = server.get("/api/labels/0000-0000-0000-3000", &[]).json();
    assert_eq!((old["status"].as_str(), old["replaced_by"].as_str()), (Some("renewed"), Some("0000-0000-0000-3001")));
    let page = server.get("/labels/0000-0000-0000-3001?lang=de", &[]);
    assert!(page.text().contains("Gültig") && page.header("content-security-policy").is_some_and(|c| c.starts_with("default-src 'none'")));
    assert_eq!(server.get("/labels/0000-0000-0000-9999", &[("Accept-Language", "sw")]).status, 404);
}

#[test]
fn issuers_api_on_both_databases() {
    for db in databases() {
        issuers_api_on(&db);
    }
}

fn console_on(db: &Db) {
    let fx = Fixture::new();
    let token = db.seed(&fx);
    let server = Server::start(&fx, db, &[]);
    let id = LabelId(0x4000);
    let text = sign(&label(id.0), &lab());
    assert_eq!(server.register(&token, std::slice::from_ref(&text)).status, 200);
    let reference = server.report(&text, "c-1").json()["reference"].as_str().expect("reference").to_owned();
    let decide = format!("/console/reports/{reference}/decide");
    let state = || server.get(&format!("/api/reports/{reference}"), &[]).json()["state"].as_str().unwrap_or("").to_owned();
    let sequence = || server.revocation(&fx).sequence;

    assert!(server.login("reviewer@example.org", "wrong password!").is_none(), "a wrong password is refused");
    let (cookie, csrf) = server.login("reviewer@example.org", PASSWORD).expect("signed in");
    let queue = server.get("/console/", &[("Cookie", &cookie_header(&cookie))]).text();
    assert!(queue.contains(&reference) && queue.contains("Hearth Speaker Mini"), "the queue shows the report and the label record");
    let before = sequence();

    let fields = |csrf: &str| {
        vec![
            ("csrf", csrf.to_owned()),
            ("action", "strike-off".into()),
            ("strike_reason", "wrong-product".into()),
            ("public_reason", "Used on another product".into()),
        ]
    };
    let post = |cookie: &str, f: Vec<(&str, String)>| {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        server.post_form(&decide, cookie, &f)
    };
    let no_csrf: Vec<(&str, String)> = fields("").into_iter().filter(|(k, _)| *k != "csrf").collect();
    assert_eq!(post(&cookie, no_csrf).status, 403, "a missing CSRF token is refused");
    assert_eq!(post(&cookie, fields("0123")).status, 403, "a wrong CSRF token is refused");
    assert_eq!(post("forged0000", fields(&csrf)).status, 401, "a forged cookie is refused");
    let (outsider, outsider_csrf) = server.login("outsider@example.org", PASSWORD).expect("signed in");
    assert_eq!(post(&outsider, fields(&outsider_csrf)).status, 403, "a reviewer of another region is refused");
    assert_eq!((state(), sequence()), ("received".to_owned(), before), "nothing was written");
    assert_eq!(server.get("/api/labels/0000-0000-0000-4000", &[]).json()["status"], "valid");

    let r = post(&cookie, fields(&csrf));
    assert_eq!(r.status, 303, "{}", r.text());
    let served = within(Duration::from_secs(1), || server.revocation(&fx).contains(id));
    assert!(served.is_some(), "the strike-off is served within a second");
    let list = server.revocation(&fx);
    let struck = list.revoked(id).expect("struck off");
    assert_eq!((struck.note.as_str(), struck.on, struck.reason.code()), ("Used on another product", today(), "wrong-product"));
    assert!(list.sequence > before);
    let ctx = Context { trust: &fx.trust, revoked: Some(&list), today: today() };
    assert_eq!(verify(&text, &ctx).verdict, Verdict::Revoked);
    assert_eq!(state(), "upheld");
    let record = server.get("/api/labels/0000-0000-0000-4000", &[]).json();
    assert_eq!((record["status"].as_str(), record["reason"].as_str()), (Some("struck-off"), Some("Used on another product")));

    let other = server.report(&text, "c-2").json()["reference"].as_str().expect("reference").to_owned();
    let f = [("csrf", csrf.as_str()), ("action", "dismiss"), ("public_reason", "Already handled")];
    assert_eq!(server.post_form(&format!("/console/reports/{other}/decide"), &cookie, &f).status, 303);
    let dismissed = server.get(&format!("/api/reports/{other}"), &[]).json();
    assert_eq!((dismissed["state"].as_str(), dismissed["public_reason"].as_str()), (Some("dismissed"), Some("Already handled")));
    let f = [("csrf", csrf.as_str()), ("action", "dismiss"), ("public_reason", "")];
    assert_eq!(server.post_form(&format!("/console/reports/{other}/decide"), &cookie, &f).status, 400, "a public reason is required");

    let logout = server.post_form("/console/logout", &cookie, &[("csrf", &csrf)]);
    assert_eq!(logout.status, 303);
    let replayed = server.post_form("/console/logout", &cookie, &[("csrf", &csrf)]);
    assert_eq!(replayed.status, 401, "a cookie replayed after sign-out is refused");
    assert!(!server.get("/console/", &[("Cookie", &cookie_header(&cookie))]).text().contains(&reference));
}

#[test]
fn console_on_both_databases() {
    for db in databases() {
        console_on(&db);
    }
}

#[test]
fn two_processes_on_one_postgres_serve_each_others_decisions() {
    let Some(pg) = Postgres::start() else { return };
    let db = Db::Postgres(pg);
    let fx = Fixture::new();
    let token = db.seed(&fx);
    let a = Server::start(&fx, &db, &[]);
    let b = Server::start(&fx, &db, &[]);
    let id = LabelId(0x5000);
    let text = sign(&label(id.0), &lab());
    assert_eq!(a.register(&token, std::slice::from_ref(&text)).status, 200);
    let reference = b.report(&text, "two-1").json()["reference"].as_str().expect("reference").to_owned();
    let (cookie, csrf) = a.login("reviewer@example.org", PASSWORD).expect("signed in");
    let f = [("csrf", csrf.as_str()), ("action", "strike-off"), ("public_reason", "Copied label")];
    assert_eq!(a.post_form(&format!("/console/reports/{reference}/decide"), &cookie, &f).status, 303);
    let took = within(Duration::from_secs(1), || b.revocation(&fx).contains(id));
    assert!(took.is_some(), "the other process serves the strike-off within a second");
    assert_eq!(a.get("/lists/revocation.cose", &[]).body, b.get("/lists/revocation.cose", &[]).body, "identical bytes");
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
                let mut conn = match iotmark_registry::loopback::Conn::connect(addr) {
                    Ok(c) => c,
                    Err(_) => return,
                };
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let body = serde_json::json!({"label": "ABCD-0000-0000-0001", "reason": "other", "client_ref": format!("k{w}-{i}")})
                        .to_string();
                    match conn.send("POST", "/api/reports", &[("Content-Type", "application/json")], body.as_bytes()) {
                        Ok(r) if r.status == 201 => {
                            acked.lock().expect("lock").push(r.json()["reference"].as_str().unwrap_or("").to_owned())
                        }
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(700));
    server.kill();
    stop.store(true, Ordering::Relaxed);
    workers.into_iter().for_each(|w| w.join().expect("worker"));
    let acked = acknowledged.lock().expect("lock").clone();
    assert!(acked.len() > 20, "the burst got going: {}", acked.len());
    let again = Server::start(&fx, db, &[]);
    let missing: Vec<&String> = acked.iter().filter(|r| again.get(&format!("/api/reports/{r}"), &[]).status != 200).collect();
    assert!(missing.is_empty(), "{} of {} acknowledged reports lost: {missing:?}", missing.len(), acked.len());
    assert_eq!(acked.iter().collect::<HashSet<_>>().len(), acked.len());
}

#[test]
fn sigkill_during_a_report_burst_loses_no_acknowledged_report() {
    for db in databases() {
        sigkill_on(&db);
    }
}

#[test]
fn suspension_refuses_backdated_labels_but_keeps_recorded_ones() {
    let fx = Fixture::new();
    let db = Db::sqlite();
    let token = db.seed(&fx);
    let server = Server::start(&fx, &db, &[]);
    let recorded = sign(&label(0x6000), &lab());
    assert_eq!(server.register(&token, std::slice::from_ref(&recorded)).status, 200);
    let (cookie, csrf) = server.login("reviewer@example.org", PASSWORD).expect("signed in");
    let f = [("csrf", csrf.as_str()), ("from", "2026-06-01"), ("public_reason", "Key leaked")];
    assert_eq!(server.post_form("/console/issuers/1/suspend", &cookie, &f).status, 403, "a reviewer may not suspend");
    let (admin, admin_csrf) = server.login("admin@example.org", PASSWORD).expect("signed in");
    let from = today().to_string();
    let f = [("csrf", admin_csrf.as_str()), ("from", from.as_str()), ("public_reason", "Key leaked")];
    assert_eq!(server.post_form("/console/issuers/1/suspend", &admin, &f).status, 303);
    // The thief signs a label dated in the past with the leaked key.
    let backdated = sign(&label(0x6001), &lab());
    assert_eq!(server.register(&token, std::slice::from_ref(&backdated)).status, 403, "a suspended issuer registers nothing");
    let list = server.revocation(&fx);
    assert_eq!(list.suspended.len(), 1);
    let ctx = Context { trust: &fx.trust, revoked: Some(&list), today: today() };
    assert_eq!(verify(&recorded, &ctx).verdict, Verdict::Valid, "a recorded label still verifies");
    assert_eq!(verify(&backdated, &ctx).verdict, Verdict::Invalid(Invalid::IssuerSuspended), "the backdated label is refused");
    let page = server.get("/console/issuers/1/expiring", &[("Cookie", &cookie_header(&admin))]);
    assert_eq!(page.status, 200);
    the_command_line_refuses_the_backdated_label(&fx, &server, &recorded);
}

/// The attack as the issue tells it, with the project's own command: `iotmark sign
/// --issued` (a date before the suspension) with the leaked key, then `iotmark verify`
/// from the registry's lists, and offline from the saved lists.
fn the_command_line_refuses_the_backdated_label(fx: &Fixture, server: &Server, recorded: &str) {
    use std::os::unix::fs::PermissionsExt;
    use std::process::Command;
    let iotmark = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/iotmark");
    assert!(iotmark.exists(), "cargo test --release --workspace builds the iotmark command first");
    let leaked = fx.path("leaked.key");
    std::fs::write(&leaked, iotmark_core::keys::secret_text(&lab())).expect("key written");
    std::fs::set_permissions(&leaked, std::fs::Permissions::from_mode(0o600)).expect("key private");
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../labels/examples/smart-speaker.toml");
    let out = fx.path("forged");
    let signed = Command::new(&iotmark)
        .args(["sign", spec, "--key", &leaked.display().to_string(), "--out", &out.display().to_string()])
        .args(["--issued", "2026-01-15", "--format", "sticker", "--dpi", "200", "--json"])
        .output()
        .expect("iotmark runs");
    assert!(signed.status.success(), "{}", String::from_utf8_lossy(&signed.stderr));
    let forged: serde_json::Value = serde_json::from_slice(&signed.stdout).expect("json");
    let url = format!("http://{}", server.addr);
    let root = fx.path("root.pub").display().to_string();
    let verify = |text: &str, lists: &[&str]| {
        let o = Command::new(&iotmark)
            .args(["verify", "--root", &root, "--json", text])
            .args(lists)
            .env("IOTMARK_STATE_DIR", fx.path("state"))
            .output()
            .expect("iotmark runs");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
        (o.status.code(), v["verification"]["verdict"].as_str().unwrap_or("").to_owned())
    };
    let forged_text = forged["text"].as_str().expect("text");
    assert_eq!(verify(forged_text, &["--lists-url", &url]), (Some(5), "issuer-suspended".to_owned()));
    assert_eq!(verify(recorded, &["--lists-url", &url]), (Some(0), "valid".to_owned()));
    // Offline: the lists saved from the registry, no network.
    let revoked = fx.path("revocation.cose");
    std::fs::write(&revoked, &server.get("/lists/revocation.cose", &[]).body).expect("saved");
    let trust = fx.path("trust.cose").display().to_string();
    let offline = ["--trust", trust.as_str(), "--revoked", &revoked.display().to_string()].map(str::to_owned);
    let offline: Vec<&str> = offline.iter().map(String::as_str).collect();
    assert_eq!(verify(forged_text, &offline), (Some(5), "issuer-suspended".to_owned()));
    assert_eq!(verify(recorded, &offline).1, "valid");
}

#[test]
fn imported_strike_offs_are_published() {
    use iotmark_core::trust::{Reason, RevocationList, Revoked};
    let fx = Fixture::new();
    let db = Db::sqlite();
    let token = db.seed(&fx);
    let id = LabelId(0x7000);
    let earlier = RevocationList {
        sequence: 1,
        issued: today(),
        expires: iotmark_core::date::Date(today().0 + 30),
        labels: vec![Revoked { id, on: today(), reason: Reason::Copied, note: "Demo strike-off".into() }],
        suspended: vec![],
    };
    let file = fx.path("earlier.cose");
    std::fs::write(&file, earlier.sign(&key("root")).expect("signs")).expect("written");
    let p = |n: &str| fx.path(n).display().to_string();
    db.admin(&["import-revocations", &file.display().to_string(), "--trust", &p("trust.cose"), "--root", &p("root.pub")]);
    let server = Server::start(&fx, &db, &[]);
    assert_eq!(server.revocation(&fx).revoked(id).map(|r| r.note.as_str()), Some("Demo strike-off"));
    assert_eq!(server.register(&token, &[sign(&label(id.0), &lab())]).status, 200);
    assert_eq!(server.get("/api/labels/0000-0000-0000-7000", &[]).json()["status"], "struck-off");
}
