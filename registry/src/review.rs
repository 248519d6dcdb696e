//! Makers' applications in the reviewers' console: the queue (`/console/applications`),
//! one application with what its claimed grade rests on, and the decision on it.
//!
//! The queue is oldest first: makers are answered in the order they applied, and the
//! application that has waited longest is the one most overdue. An application names a
//! certifying body (region) or none; one that names none is in every reviewer's queue.
//! A decision is one of accept for review, ask for changes (with a note) or decline (with a
//! note); it is recorded with the reviewer and the time, logged in the same transaction,
//! and the public status (`GET /api/applications/{reference}`) shows it with its note, never
//! who decided.

use crate::applications::{check, normalise_reference, CHANGES_REQUESTED, DECLINED, IN_REVIEW, RECEIVED};
use crate::clock::{now, rfc3339};
use crate::console::{csrf_field, header_nav, html, login_page, poster, redirect, refuse, user, Fields, Refusal, Role, User};
use crate::html::esc;
use crate::http::Shared;
use crate::store::log;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use iotmark_core::catalogue::Tier;
use iotmark_core::explain::Messages;
use iotmark_core::grade;
use iotmark_core::label::Status;
use sqlx::Row;

/// A note to the maker: at most this many characters.
pub const MAX_NOTE: usize = 1000;

/// Whether `user` may see and decide an application for `region`.
fn covers(user: &User, region: Option<&str>) -> bool {
    region.is_none() || user.covers(region)
}

/// A time for people, kept on one line: `2026-12-02 03:16 UTC`.
fn when(unix: i64) -> String {
    let t = rfc3339(unix);
    format!("<span class=\"nw\">{} {} UTC</span>", &t[..10], &t[11..16])
}

fn status_words(status: &str) -> &'static str {
    match status {
        RECEIVED => "received, not yet looked at",
        IN_REVIEW => "accepted for review",
        CHANGES_REQUESTED => "changes asked for",
        DECLINED => "declined",
        _ => "unknown",
    }
}

fn action_words(action: &str) -> &'static str {
    match action {
        "accept-review" => "accepted for review",
        "ask-changes" => "asked for changes",
        "decline" => "declined",
        _ => "decided",
    }
}

pub async fn queue(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, Refusal> {
    let Some(user) = user(&app, &headers).await? else { return Ok(login_page(StatusCode::OK, "")) };
    let rows = sqlx::query(
        "SELECT reference, product, model, maker, grade, assurance, status, received_at, region FROM applications \
         WHERE status IN ('received', 'in-review') AND ($1 = 1 OR region IS NULL OR region = $2) ORDER BY received_at, id LIMIT 200",
    )
    .bind(i64::from(user.role == Role::Operator))
    .bind(user.region.clone().unwrap_or_default())
    .fetch_all(&app.store.pool)
    .await?;
    let mut body = header_nav(&user);
    body.push_str(&format!("<h2>Applications ({} open, oldest first)</h2>", rows.len()));
    if rows.is_empty() {
        body.push_str("<p>No application is waiting.</p>");
    }
    for row in rows {
        let reference: String = row.try_get(0)?;
        let region: Option<String> = row.try_get(8)?;
        body.push_str(&format!(
            "<section><h3><a href=\"/console/applications/{r}\">{r}</a> · {}</h3><p>{} {} by {}</p>\
             <p>Claimed: {}, {} · received {} · {}</p></section>",
            esc(status_words(&row.try_get::<String, _>(6)?)),
            esc(&row.try_get::<String, _>(1)?),
            esc(&row.try_get::<String, _>(2)?),
            esc(&row.try_get::<String, _>(3)?),
            esc(&row.try_get::<String, _>(4)?),
            esc(&row.try_get::<String, _>(5)?),
            when(row.try_get(7)?),
            esc(&region.map(|r| format!("for {r}")).unwrap_or_else(|| "for any certifying body".into())),
            r = esc(&reference),
        ));
    }
    Ok(html(StatusCode::OK, "Applications", &body))
}

/// A value's wire word (`"device-and-cloud"`), as the spec writes it.
fn word<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_else(|| "?".into())
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// What the claimed grade rests on: the answers per tier under the core's grading rule,
/// what the next grade would need, the facts the label will carry, and every principle.
fn rests_on(text: &str) -> String {
    let c = match check(text) {
        Ok(c) => c,
        Err(e) => return format!("<p role=\"alert\">The spec no longer passes the checks: {}</p>", esc(&e.message)),
    };
    let words = Messages::english();
    let tiers: String = Tier::ALL
        .iter()
        .map(|tier| {
            let of: Vec<Status> =
                c.catalogue.principles.iter().zip(&c.statuses).filter(|(p, _)| p.tier == *tier).map(|(_, s)| *s).collect();
            let count = |s: Status| of.iter().filter(|x| **x == s).count();
            format!(
                "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&words.say(&format!("tier.{}", tier.key()), &[])),
                count(Status::Met),
                count(Status::Partly),
                count(Status::NotMet),
                count(Status::NotApplicable)
            )
        })
        .collect();
    let next = match grade::next_grade(c.catalogue, &c.statuses) {
        None => "Gold is the highest grade.".to_owned(),
        Some((target, short)) => {
            let ids = |v: &[u8]| v.iter().map(u8::to_string).collect::<Vec<_>>().join(", ");
            let mut needs = Vec::new();
            if !short.must_meet.is_empty() {
                needs.push(format!("principles {} met", ids(&short.must_meet)));
            }
            if let Some((n, of)) = &short.more_of {
                needs.push(format!("{n} more of principles {} met", ids(of)));
            }
            let target = target.key();
            format!("{}{} would need {}.", target[..1].to_ascii_uppercase(), &target[1..], needs.join(", and "))
        }
    };
    let s = &c.spec;
    let facts = format!(
        "<dl><dt>Security updates until</dt><dd>{}</dd><dt>Updates arrive</dt><dd>{}</dd><dt>Without the maker's cloud</dt><dd>{}</dd>\
         <dt>Repair</dt><dd>{}</dd><dt>Sensors and data</dt><dd>{}</dd><dt>Processing</dt><dd>{}</dd><dt>Shared with</dt><dd>{}</dd>\
         <dt>Users can</dt><dd>{}</dd><dt>Open</dt><dd>{}</dd><dt>Valid for</dt><dd>{} months</dd></dl>",
        s.lifecycle.updates_until,
        esc(&word(&s.lifecycle.update_delivery)),
        esc(&word(&s.lifecycle.without_cloud)),
        esc(&list(&s.lifecycle.repair)),
        esc(&list(&s.privacy.sensors)),
        esc(&word(&s.privacy.processing)),
        esc(&list(&s.privacy.sharing)),
        esc(&list(&s.privacy.rights)),
        esc(&list(&s.openness.open)),
        s.valid_for_months
    );
    let principles: String = c
        .catalogue
        .principles
        .iter()
        .zip(&c.statuses)
        .map(|(p, st)| {
            format!(
                "<li><strong>{}</strong> ({}, {}): {} <em>{}</em></li>",
                p.id,
                esc(p.category.key()),
                esc(&words.say(&format!("tier.{}", p.tier.key()), &[])),
                esc(&words.say(&format!("principle.{}", p.id), &[])),
                esc(&words.say(&format!("status.{}", st.key()), &[]))
            )
        })
        .collect();
    format!(
        "<h2>What the grade rests on</h2><p>The core's grading rule gives these answers <strong>{}</strong> (catalogue version {}). {}</p>\
         <table><tr><th>Tier</th><th>met</th><th>partly</th><th>not met</th><th><abbr title=\"not applicable\">n/a</abbr></th></tr>{tiers}</table>\
         <h3>Facts the label will carry</h3>{facts}<h3>Every principle</h3><ul>{principles}</ul>",
        c.grade,
        c.catalogue.version,
        esc(&next)
    )
}

fn decision_form(user: &User, reference: &str, status: &str) -> String {
    let accept = if status == RECEIVED { "<option value=\"accept-review\">Accept for review</option>" } else { "" };
    format!(
        "<h2>Decide</h2><form method=\"post\" action=\"/console/applications/{}/decide\">{}\
         <p><label>Decision <select name=\"action\">{accept}<option value=\"ask-changes\">Ask for changes</option><option value=\"decline\">Decline</option></select></label></p>\
         <p><label class=\"wide\">Note to the maker (shown with the public status; required to ask for changes or to decline; at most {MAX_NOTE} characters) \
         <textarea name=\"note\" rows=\"4\" maxlength=\"{MAX_NOTE}\"></textarea></label></p><p><button>Decide</button></p></form>",
        esc(reference),
        csrf_field(user)
    )
}

pub async fn application(State(app): State<Shared>, headers: HeaderMap, Path(reference): Path<String>) -> Result<Response, Refusal> {
    let Some(user) = user(&app, &headers).await? else { return Ok(login_page(StatusCode::OK, "")) };
    let reference = normalise_reference(&reference);
    let row = sqlx::query(
        "SELECT id, spec, product, model, maker, gtin, grade, assurance, catalogue, region, status, note, received_at, decided_at \
         FROM applications WHERE reference = $1",
    )
    .bind(&reference)
    .fetch_optional(&app.store.pool)
    .await?;
    let row = row.ok_or_else(|| refuse(StatusCode::NOT_FOUND, "No application has this reference."))?;
    let region: Option<String> = row.try_get(9)?;
    if !covers(&user, region.as_deref()) {
        return Err(refuse(StatusCode::FORBIDDEN, "This application is for another certifying body."));
    }
    let (id, spec, status): (i64, String, String) = (row.try_get(0)?, row.try_get(1)?, row.try_get(10)?);
    let decisions = sqlx::query(
        "SELECT d.action, d.note, d.at, u.email FROM application_decisions d JOIN users u ON u.id = d.user_id \
         WHERE d.application_id = $1 ORDER BY d.at, d.id",
    )
    .bind(id)
    .fetch_all(&app.store.pool)
    .await?;
    let mut body = header_nav(&user);
    body.push_str(&format!(
        "<dl><dt>Reference</dt><dd>{}</dd><dt>Status</dt><dd>{}</dd><dt>Product</dt><dd>{} {}</dd><dt>Maker</dt><dd>{}</dd>\
         <dt>GTIN</dt><dd>{}</dd><dt>Claimed grade</dt><dd>{}</dd><dt>Claimed assurance</dt><dd>{}</dd><dt>Catalogue</dt><dd>version {}</dd>\
         <dt>For</dt><dd>{}</dd><dt>Received</dt><dd>{}</dd></dl>",
        esc(&reference),
        esc(status_words(&status)),
        esc(&row.try_get::<String, _>(2)?),
        esc(&row.try_get::<String, _>(3)?),
        esc(&row.try_get::<String, _>(4)?),
        esc(&row.try_get::<Option<String>, _>(5)?.unwrap_or_else(|| "not given".into())),
        esc(&row.try_get::<String, _>(6)?),
        esc(&row.try_get::<String, _>(7)?),
        row.try_get::<i64, _>(8)?,
        esc(&region.map(|r| format!("the {r} certifying body")).unwrap_or_else(|| "any certifying body".into())),
        when(row.try_get(12)?),
    ));
    if !decisions.is_empty() {
        body.push_str("<h2>Decisions</h2><ul>");
        for d in decisions {
            let note: String = d.try_get(1)?;
            body.push_str(&format!(
                "<li>{} by {}, {}{}</li>",
                esc(action_words(&d.try_get::<String, _>(0)?)),
                esc(&d.try_get::<String, _>(3)?),
                when(d.try_get(2)?),
                if note.is_empty() { String::new() } else { format!(": “{}”", esc(&note)) }
            ));
        }
        body.push_str("</ul>");
    }
    if status == RECEIVED || status == IN_REVIEW {
        body.push_str(&decision_form(&user, &reference, &status));
    }
    body.push_str(&rests_on(&spec));
    body.push_str(&format!("<h2>The spec as received</h2><pre>{}</pre>", esc(&spec)));
    Ok(html(StatusCode::OK, &format!("Application {reference}"), &body))
}

pub async fn decide(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path(reference): Path<String>,
    form: Fields,
) -> Result<Response, Refusal> {
    let (user, fields) = poster(&app, &headers, form).await?;
    let reference = normalise_reference(&reference);
    let action = fields.get("action").map(String::as_str).unwrap_or("");
    let note = fields.get("note").map(|n| n.replace("\r\n", "\n").trim().to_owned()).unwrap_or_default();
    let to = match action {
        "accept-review" => IN_REVIEW,
        "ask-changes" => CHANGES_REQUESTED,
        "decline" => DECLINED,
        _ => return Err(refuse(StatusCode::BAD_REQUEST, "The decision must be accept-review, ask-changes or decline.")),
    };
    if note.chars().count() > MAX_NOTE || note.chars().any(|c| c.is_control() && c != '\n') {
        return Err(refuse(StatusCode::BAD_REQUEST, "A note to the maker is at most 1000 characters of text."));
    }
    if to != IN_REVIEW && note.is_empty() {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            "Say what the maker should change, or why the application is declined: a note is required.",
        ));
    }
    let mut tx = app.store.begin().await?;
    let row =
        sqlx::query("SELECT id, region, status FROM applications WHERE reference = $1").bind(&reference).fetch_optional(tx.conn()).await?;
    let row = row.ok_or_else(|| refuse(StatusCode::NOT_FOUND, "No application has this reference."))?;
    let (id, region, from): (i64, Option<String>, String) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    if !covers(&user, region.as_deref()) {
        return Err(refuse(StatusCode::FORBIDDEN, "This application is for another certifying body."));
    }
    let open = from == RECEIVED || (from == IN_REVIEW && to != IN_REVIEW);
    if !open {
        return Err(refuse(StatusCode::CONFLICT, &format!("This application is already {}.", status_words(&from))));
    }
    let at = now();
    let updated = sqlx::query("UPDATE applications SET status = $1, note = $2, decided_at = $3 WHERE id = $4 AND status = $5")
        .bind(to)
        .bind(Some(note.clone()).filter(|n| !n.is_empty()))
        .bind(at)
        .bind(id)
        .bind(&from)
        .execute(tx.conn())
        .await?;
    if updated.rows_affected() != 1 {
        return Err(refuse(StatusCode::CONFLICT, "Another reviewer decided this application just now; reload it."));
    }
    sqlx::query("INSERT INTO application_decisions (application_id, user_id, action, note, at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(user.id)
        .bind(action)
        .bind(&note)
        .bind(at)
        .execute(tx.conn())
        .await?;
    log(tx.conn(), &user.email, &format!("decided application {reference}: {action}")).await?;
    tx.commit().await?;
    Ok(redirect("/console/applications", None))
}
