//! The public register page `/labels/{id}`: a label's status in plain words, in six
//! languages. One self-contained HTML page: no scripts, no external resources, no cookies,
//! a strict Content-Security-Policy, and no log of which label was looked up.

use crate::clock::today;
use crate::html::{esc, style_hash};
use crate::http::Shared;
use crate::labels::{parse_id, record, Record};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use iotmark_core::explain::Messages;
use serde::Deserialize;
use std::sync::LazyLock;

pub const LANGUAGES: [&str; 6] = ["en", "de", "fr", "es", "pt", "sw"];

/// The page's words, in the core's language files (`register.*`), with grades, assurance
/// levels and dates in the core's own wording for each language.
fn words(lang: &str) -> Messages {
    iotmark_core::explain::bundled(lang).and_then(|json| Messages::from_json(json).ok()).unwrap_or_else(Messages::english)
}

/// `?lang=` first, then the first supported language of `Accept-Language`, then English.
pub fn language(query: Option<&str>, headers: &HeaderMap) -> &'static str {
    let pick = |tag: &str| LANGUAGES.into_iter().find(|l| tag.trim().to_ascii_lowercase().starts_with(l));
    if let Some(l) = query.and_then(pick) {
        return l;
    }
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    accept.split(',').filter_map(|part| pick(part.split(';').next().unwrap_or(""))).next().unwrap_or("en")
}

const STYLE: &str = "body{font:1.1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem;color:#111;background:#fff}\
h1{font-size:1.4rem}.status{font-size:1.25rem;font-weight:600;padding:.75rem;border:3px solid}\
.valid{border-color:#176b2c}.bad{border-color:#a4161a}dt{font-weight:600}dd{margin:0 0 .5rem 0}nav a{margin-right:.75rem}";

/// The one Content-Security-Policy: nothing may load, only the page's own style runs.
static CSP: LazyLock<String> = LazyLock::new(|| {
    format!("default-src 'none'; style-src {}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'", style_hash(STYLE))
});

fn status_line(w: &Messages, status: &str) -> String {
    let known = ["valid", "expired", "struck-off", "suspended", "renewed"];
    w.say(&format!("register.status.{}", if known.contains(&status) { status } else { "unknown" }), &[])
}

fn details(w: &Messages, r: &Record) -> String {
    let say = |k: &str| w.say(&format!("register.{k}"), &[]);
    let mut rows = vec![
        (say("product"), r.product.clone()),
        (say("maker"), r.maker.clone()),
        (say("model"), r.model.clone()),
        (say("grade"), w.say(&format!("grade.{}", r.grade), &[])),
        (say("assurance"), say(&format!("assurance.{}", r.assurance))),
        (say("issuer"), r.issuer.clone()),
        (say("issued"), w.date(r.issued)),
        (say("valid-until"), w.date(r.valid_until)),
    ];
    if let Some(on) = r.struck_off_on {
        rows.push((say("struck-off-on"), w.date(on)));
        rows.push((say("reason"), r.public_reason.clone().unwrap_or_default()));
    }
    if let Some(by) = &r.replaced_by {
        rows.push((say("replaced-by"), by.clone()));
    }
    rows.iter().map(|(k, v)| format!("<dt>{}</dt><dd>{}</dd>", esc(k), esc(v))).collect()
}

fn page(lang: &str, id: &str, body: &str) -> String {
    let w = words(lang);
    let nav: String = LANGUAGES.iter().map(|l| format!("<a href=\"?lang={l}\" hreflang=\"{l}\" lang=\"{l}\">{l}</a>")).collect();
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\"><title>{} {}</title><style>{STYLE}</style></head>\
         <body><nav aria-label=\"language\">{nav}</nav><main><h1>{}: {}</h1>{body}</main></body></html>",
        esc(&w.say("register.title", &[])),
        esc(id),
        esc(&w.say("register.title", &[])),
        esc(id)
    )
}

#[derive(Deserialize)]
pub struct Lang {
    lang: Option<String>,
}

pub async fn label_page(State(app): State<Shared>, Path(id): Path<String>, Query(q): Query<Lang>, headers: HeaderMap) -> Response {
    let lang = language(q.lang.as_deref(), &headers);
    let w = words(lang);
    let (status, body) = match parse_id(&id) {
        Err(_) => (
            StatusCode::BAD_REQUEST,
            page(lang, "", &format!("<p class=\"status bad\" role=\"status\">{}</p>", esc(&w.say("register.bad-id", &[])))),
        ),
        Ok(label) => {
            let found = match app.store.pool.acquire().await {
                Ok(mut conn) => record(&mut conn, label).await,
                Err(e) => Err(e),
            };
            match found {
                Err(e) => {
                    eprintln!("iotmark-registry: database: {e}");
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        page(lang, &label.to_string(), "<p>The register is not available. Try again later.</p>"),
                    )
                }
                Ok(None) => (
                    StatusCode::NOT_FOUND,
                    page(
                        lang,
                        &label.to_string(),
                        &format!("<p class=\"status bad\" role=\"status\">{}</p>", esc(&w.say("register.status.unknown", &[]))),
                    ),
                ),
                Ok(Some(r)) => {
                    let status = r.status(today());
                    let class = if status == "valid" { "valid" } else { "bad" };
                    let body = format!(
                        "<p class=\"status {class}\" role=\"status\">{}</p><dl>{}</dl>",
                        esc(&status_line(&w, status)),
                        details(&w, &r)
                    );
                    (StatusCode::OK, page(lang, &r.id, &body))
                }
            }
        }
    };
    let mut resp = (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&CSP).unwrap_or(HeaderValue::from_static("default-src 'none'")));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    resp
}
