//! Public reports of misuse: `POST /api/reports` and `GET /api/reports/{reference}`.
//!
//! A report is acknowledged (201 with its reference) only after it is committed. A
//! `client_ref` makes retries idempotent: a phone that lost the answer sends again and gets
//! the same reference, and nothing new is stored.

use crate::clock::now;
use crate::http::{ApiError, Shared};
use crate::secrets::random;
use crate::store::{is_unique_violation, log};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use iotmark_core::label::LabelId;
use iotmark_core::wire::{self, cose};
use serde::Deserialize;
use serde_json::json;
use sqlx::Row;
use std::net::SocketAddr;

/// The reasons a shopper can pick.
pub const REASONS: [&str; 4] = ["wrong-product", "does-not-do", "copied", "other"];
pub const MAX_TEXT: usize = 1000;
pub const MAX_CONTACT: usize = 200;
pub const MAX_CLIENT_REF: usize = 64;
/// Label text (bare or URL form) fits a version-10 QR code, well under this.
pub const MAX_LABEL: usize = 4096;

#[derive(Deserialize)]
struct ReportIn {
    label: String,
    reason: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    contact: Option<String>,
    #[serde(default)]
    client_ref: Option<String>,
}

/// A report that passed every check, ready to store.
struct Report {
    label: String,
    label_id: LabelId,
    reason: String,
    text: String,
    contact: String,
    client_ref: Option<String>,
}

fn too_large(field: &str, max: usize, unit: &str) -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", format!("{field} may be at most {max} {unit}"))
}

fn body_error(e: BytesRejection) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large("the report", crate::http::REPORT_BODY_MAX, "bytes")
    } else {
        ApiError::bad("bad-body", "the report body could not be read")
    }
}

fn parse(body: &[u8]) -> Result<ReportIn, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        if e.is_data() {
            ApiError::bad("bad-field", format!("the report's fields are wrong: {e}"))
        } else {
            ApiError::bad("malformed-json", format!("the report is not valid JSON: {e}"))
        }
    })
}

/// The label id a report is about: the printed id, or the id inside label text. The label
/// need not verify: a forged or copied label is exactly what gets reported.
pub fn label_id_of(text: &str) -> Result<LabelId, ApiError> {
    let text = text.trim();
    if let Ok(id) = text.parse::<LabelId>() {
        return Ok(id);
    }
    let bad = |e: wire::FormatError| {
        ApiError::bad("bad-label", format!("the label is neither a label id (XXXX-XXXX-XXXX-XXXX) nor label text: {e}"))
    };
    let parsed = wire::parse_text(text).map_err(bad)?;
    let envelope = cose::open(&parsed.envelope).map_err(bad)?;
    Ok(wire::decode_claims(envelope.payload).map_err(bad)?.id)
}

fn check(r: ReportIn) -> Result<Report, ApiError> {
    if r.label.len() > MAX_LABEL {
        return Err(too_large("label", MAX_LABEL, "bytes"));
    }
    let text = r.text.unwrap_or_default();
    let contact = r.contact.unwrap_or_default();
    if text.chars().count() > MAX_TEXT {
        return Err(too_large("text", MAX_TEXT, "characters"));
    }
    if contact.chars().count() > MAX_CONTACT {
        return Err(too_large("contact", MAX_CONTACT, "characters"));
    }
    if let Some(c) = &r.client_ref {
        if c.chars().count() > MAX_CLIENT_REF {
            return Err(too_large("client_ref", MAX_CLIENT_REF, "characters"));
        }
        if c.is_empty() || !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_') {
            return Err(ApiError::bad("bad-client-ref", "client_ref must be letters, digits, - or _"));
        }
    }
    if !REASONS.contains(&r.reason.as_str()) {
        return Err(ApiError::bad("unknown-reason", format!("reason must be one of {}", REASONS.join(", "))));
    }
    let label_id = label_id_of(&r.label)?;
    Ok(Report { label: r.label.trim().to_owned(), label_id, reason: r.reason, text, contact, client_ref: r.client_ref })
}

/// `R-` and two groups of four characters from Crockford's base32 (no I, L, O, U).
fn new_reference() -> Result<String, ApiError> {
    const ABC: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bytes = random::<8>().map_err(|e| crate::store::StoreError(format!("random source: {e}")))?;
    let c: String = bytes.iter().map(|b| char::from(ABC[usize::from(b % 32)])).collect();
    Ok(format!("R-{}-{}", &c[..4], &c[4..]))
}

pub async fn create(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    if let Err(wait) = app.limiter.take(peer.ip()) {
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            format!("too many reports from this address; try again in {wait} s"),
        );
        e.retry_after = Some(wait);
        return Err(e);
    }
    let report = check(parse(&body.map_err(body_error)?)?)?;
    let (reference, state, new) = store(&app, &report).await?;
    let status = if new { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(json!({"reference": reference, "state": state}))).into_response())
}

/// Stores a report and returns (reference, state, whether it is new).
async fn store(app: &Shared, r: &Report) -> Result<(String, String, bool), ApiError> {
    for _ in 0..5 {
        let reference = new_reference()?;
        let mut tx = app.store.begin().await?;
        let conn = tx.conn();
        let id = r.label_id.to_string();
        let known = sqlx::query("SELECT i.region FROM labels l JOIN issuers i ON i.id = l.issuer WHERE l.id = $1")
            .bind(&id)
            .fetch_optional(&mut *conn)
            .await?;
        let region: Option<String> = known.as_ref().map(|row| row.try_get(0)).transpose()?;
        let inserted = sqlx::query(
            "INSERT INTO reports (reference, client_ref, label_text, label_id, region, reason, body, contact, state, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'received', $9) ON CONFLICT (client_ref) DO NOTHING",
        )
        .bind(&reference)
        .bind(r.client_ref.clone())
        .bind(&r.label)
        .bind(known.is_some().then_some(id))
        .bind(region)
        .bind(&r.reason)
        .bind(&r.text)
        .bind(&r.contact)
        .bind(now())
        .execute(&mut *conn)
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
            Ok(done) if done.rows_affected() == 0 => {
                let row = sqlx::query("SELECT reference, state FROM reports WHERE client_ref = $1")
                    .bind(r.client_ref.clone())
                    .fetch_one(&mut *conn)
                    .await?;
                return Ok((row.try_get(0)?, row.try_get(1)?, false));
            }
            Ok(_) => {}
        }
        log(conn, "public", &format!("report {reference} received")).await?;
        tx.commit().await?;
        return Ok((reference, "received".into(), true));
    }
    Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "no free reference could be drawn; try again"))
}

pub async fn state(State(app): State<Shared>, Path(reference): Path<String>) -> Result<Response, ApiError> {
    let reference = reference.trim().to_ascii_uppercase();
    let row = sqlx::query("SELECT reference, state, public_reason FROM reports WHERE reference = $1")
        .bind(&reference)
        .fetch_optional(&app.store.pool)
        .await?;
    let row = row.ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "unknown-report", "no report has this reference"))?;
    let (reference, state, reason): (String, String, Option<String>) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    let mut out = json!({"reference": reference, "state": state});
    if let Some(reason) = reason {
        out["public_reason"] = reason.into();
    }
    Ok(Json(out).into_response())
}
