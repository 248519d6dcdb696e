//! Recorded labels: the public record (`GET /api/labels/{id}`) and the issuers' API
//! (`POST /api/labels`, `GET /api/labels/expiring`, `POST /api/labels/{id}/renew`), which
//! authenticates issuers by a bearer token of which only the SHA-256 is stored.

use crate::clock::{now, today};
use crate::http::{ApiError, Shared};
use crate::secrets::sha256;
use crate::store::log;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use iotmark_core::date::Date;
use iotmark_core::label::{Label, LabelId};
use iotmark_core::trust::{Fingerprint, TrustList};
use iotmark_core::verify::{verify, Context, Verdict};
use iotmark_core::VerifyingKey;
use serde::Deserialize;
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// Most labels one request may register.
pub const MAX_BATCH: usize = 1000;

/// A label's record as the register keeps it.
#[derive(Clone, Debug)]
pub struct Record {
    pub id: String,
    pub issuer_id: i64,
    pub issuer: String,
    pub region: String,
    pub product: String,
    pub model: String,
    pub maker: String,
    pub grade: String,
    pub assurance: String,
    pub issued: Date,
    pub valid_until: Date,
    pub replaced_by: Option<String>,
    pub struck_off_on: Option<Date>,
    pub strike_reason: Option<String>,
    pub public_reason: Option<String>,
    pub suspended_from: Option<Date>,
}

fn date(v: i64) -> Date {
    Date(u32::try_from(v).unwrap_or(0))
}

/// A label's record; a strike-off imported from an earlier list counts when the registry
/// made none of its own.
const RECORD: &str = "SELECT l.id, l.issuer, i.name, i.region, l.product, l.model, l.maker, l.grade, l.assurance, l.issued, \
     l.valid_until, l.replaced_by, COALESCE(l.struck_off_on, s.struck_off_on), COALESCE(l.strike_reason, s.strike_reason), \
     COALESCE(l.public_reason, s.public_reason), i.suspended_from \
     FROM labels l JOIN issuers i ON i.id = l.issuer LEFT JOIN imported_strikes s ON s.id = l.id";

fn record_of(row: &AnyRow) -> Result<Record, sqlx::Error> {
    Ok(Record {
        id: row.try_get(0)?,
        issuer_id: row.try_get(1)?,
        issuer: row.try_get(2)?,
        region: row.try_get(3)?,
        product: row.try_get(4)?,
        model: row.try_get(5)?,
        maker: row.try_get(6)?,
        grade: row.try_get(7)?,
        assurance: row.try_get(8)?,
        issued: date(row.try_get(9)?),
        valid_until: date(row.try_get(10)?),
        replaced_by: row.try_get(11)?,
        struck_off_on: row.try_get::<Option<i64>, _>(12)?.map(date),
        strike_reason: row.try_get(13)?,
        public_reason: row.try_get(14)?,
        suspended_from: row.try_get::<Option<i64>, _>(15)?.map(date),
    })
}

/// The record of one label, if registered.
pub async fn record(conn: &mut AnyConnection, id: LabelId) -> Result<Option<Record>, sqlx::Error> {
    let row = sqlx::query(&format!("{RECORD} WHERE l.id = $1")).bind(id.to_string()).fetch_optional(conn).await?;
    row.as_ref().map(record_of).transpose()
}

/// The records of an issuer's labels expiring within `days` from today.
pub async fn expiring_of(conn: &mut AnyConnection, issuer: i64, days: u32) -> Result<Vec<Record>, sqlx::Error> {
    let t = i64::from(today().0);
    let rows = sqlx::query(&format!(
        "{RECORD} WHERE l.issuer = $1 AND l.valid_until >= $2 AND l.valid_until <= $3 AND l.retired = 0 AND l.struck_off_on IS NULL ORDER BY l.valid_until, l.id"
    ))
    .bind(issuer)
    .bind(t)
    .bind(t + i64::from(days))
    .fetch_all(conn)
    .await?;
    rows.iter().map(record_of).collect()
}

impl Record {
    /// `valid`, `expired`, `struck-off`, `suspended` (issued on or after its issuer's
    /// suspension, so not in its record), or `renewed`.
    pub fn status(&self, today: Date) -> &'static str {
        if self.struck_off_on.is_some() {
            "struck-off"
        } else if self.suspended_from.is_some_and(|from| self.issued >= from) {
            "suspended"
        } else if self.replaced_by.is_some() {
            "renewed"
        } else if self.valid_until < today {
            "expired"
        } else {
            "valid"
        }
    }

    pub fn json(&self) -> Value {
        let mut v = json!({"id": self.id, "status": self.status(today()), "product": self.product, "model": self.model,
            "maker": self.maker, "grade": self.grade, "assurance": self.assurance, "issuer": self.issuer,
            "issued": self.issued, "valid_until": self.valid_until});
        if let Some(on) = self.struck_off_on {
            v["struck_off_on"] = json!(on);
            v["reason"] = json!(self.public_reason.clone().unwrap_or_default());
            v["reason_code"] = json!(self.strike_reason.clone().unwrap_or_default());
        }
        if let Some(by) = &self.replaced_by {
            v["replaced_by"] = json!(by);
        }
        v
    }
}

pub fn parse_id(id: &str) -> Result<LabelId, ApiError> {
    id.parse().map_err(|_| ApiError::bad("bad-label-id", "a label id is 16 hex digits, written XXXX-XXXX-XXXX-XXXX"))
}

pub async fn public_record(State(app): State<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let mut conn = app.store.pool.acquire().await?;
    match record(&mut conn, id).await? {
        Some(r) => Ok(Json(r.json()).into_response()),
        None => Ok((StatusCode::NOT_FOUND, Json(json!({"id": id.to_string(), "status": "unknown"}))).into_response()),
    }
}

/// An issuer as its bearer token identifies it.
struct Caller {
    id: i64,
    name: String,
    key: VerifyingKey,
    suspended: bool,
}

async fn caller(app: &Shared, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let unauthorised =
        || ApiError::new(StatusCode::UNAUTHORIZED, "unauthorised", "an issuer's API token is needed: Authorization: Bearer TOKEN");
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(unauthorised)?;
    let row = sqlx::query("SELECT id, name, public_key, suspended_from FROM issuers WHERE token_hash = $1")
        .bind(sha256(token.as_bytes()))
        .fetch_optional(&app.store.pool)
        .await?
        .ok_or_else(unauthorised)?;
    let key: Vec<u8> = row.try_get(2)?;
    let key = <[u8; 32]>::try_from(key).ok().and_then(|k| VerifyingKey::from_bytes(&k).ok());
    let key = key.ok_or_else(|| crate::store::StoreError("a stored issuer key is malformed".into()))?;
    Ok(Caller { id: row.try_get(0)?, name: row.try_get(1)?, key, suspended: row.try_get::<Option<i64>, _>(3)?.is_some() })
}

/// A label checked against its issuer's key and rights.
struct Checked {
    label: Label,
    fingerprint: Fingerprint,
}

/// A trust list holding only the caller's entry of the served trust list, so that a label
/// verifies here only when this issuer signed it, within its rights and window.
fn own_trust(app: &Shared, caller: &Caller) -> Result<TrustList, ApiError> {
    let kid = iotmark_core::wire::cose::key_id(&caller.key);
    let entry = app.lists.trust.issuer(&kid).filter(|i| i.key == caller.key).cloned().ok_or_else(|| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "not-in-trust-list",
            format!("{} is not in the registry's trust list, so its labels would not verify", caller.name),
        )
    })?;
    Ok(TrustList { issuers: vec![entry], status_key: None, ..app.lists.trust.clone() })
}

fn check_label(trust: &TrustList, at: usize, text: &str) -> Result<Checked, ApiError> {
    let ctx = Context { trust, revoked: None, today: today() };
    let v = verify(text, &ctx);
    let refuse = |why: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad-label", format!("label {at}: {why}"));
    if let Verdict::Invalid(i) = &v.verdict {
        return Err(refuse(format!("{} ({})", i, i.code())));
    }
    let label = v.label.ok_or_else(|| refuse("no claims".into()))?;
    let fingerprint = Fingerprint::of_text(text).map_err(|e| refuse(e.to_string()))?;
    Ok(Checked { label, fingerprint })
}

/// Registers one checked label; `Ok(false)` when that very label was already registered.
async fn insert(conn: &mut AnyConnection, issuer: i64, c: &Checked) -> Result<bool, ApiError> {
    let id = c.label.id.to_string();
    let existing = sqlx::query("SELECT fingerprint FROM labels WHERE id = $1").bind(&id).fetch_optional(&mut *conn).await?;
    if let Some(row) = existing {
        let f: Vec<u8> = row.try_get(0)?;
        if f == c.fingerprint.0 {
            return Ok(false);
        }
        return Err(ApiError::new(StatusCode::CONFLICT, "id-taken", format!("another label is already registered under {id}")));
    }
    let l = &c.label;
    sqlx::query(
        "INSERT INTO labels (id, issuer, product, model, maker, gtin, grade, assurance, issued, valid_until, fingerprint, registered_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&id)
    .bind(issuer)
    .bind(&l.product.name)
    .bind(&l.product.model)
    .bind(&l.product.maker)
    .bind(l.product.gtin.clone())
    .bind(l.grade.key())
    .bind(l.assurance.key())
    .bind(i64::from(l.issued.0))
    .bind(i64::from(l.valid_until.0))
    .bind(c.fingerprint.0.to_vec())
    .bind(now())
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

#[derive(Deserialize)]
struct Batch {
    labels: Vec<String>,
}

fn json_body<T: serde::de::DeserializeOwned>(body: Result<Bytes, BytesRejection>) -> Result<T, ApiError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", "the request body is too large")
        } else {
            ApiError::bad("bad-body", "the request body could not be read")
        }
    })?;
    serde_json::from_slice(&body).map_err(|e| ApiError::bad("malformed-json", format!("the request is not the expected JSON: {e}")))
}

fn refuse_suspended(caller: &Caller) -> Result<(), ApiError> {
    if caller.suspended {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "issuer-suspended", "this issuer is suspended: it may register no labels"));
    }
    Ok(())
}

pub async fn register(State(app): State<Shared>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers).await?;
    refuse_suspended(&caller)?;
    let batch: Batch = json_body(body)?;
    if batch.labels.len() > MAX_BATCH {
        return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too-many", format!("at most {MAX_BATCH} labels per request")));
    }
    let trust = own_trust(&app, &caller)?;
    let checked = batch.labels.iter().enumerate().map(|(i, t)| check_label(&trust, i, t)).collect::<Result<Vec<_>, _>>()?;
    let mut tx = app.store.begin().await?;
    let (mut registered, mut already) = (0, 0);
    for c in &checked {
        if insert(tx.conn(), caller.id, c).await? {
            registered += 1;
        } else {
            already += 1;
        }
    }
    if registered > 0 {
        log(tx.conn(), &format!("issuer:{}", caller.name), &format!("registered {registered} labels")).await?;
    }
    tx.commit().await?;
    Ok(Json(json!({"registered": registered, "already": already})).into_response())
}

#[derive(Deserialize)]
pub struct Days {
    days: Option<u32>,
}

pub async fn expiring(State(app): State<Shared>, headers: HeaderMap, Query(q): Query<Days>) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers).await?;
    let days = q.days.unwrap_or(90).min(3660);
    let mut conn = app.store.pool.acquire().await?;
    let labels: Vec<Value> = expiring_of(&mut conn, caller.id, days)
        .await?
        .iter()
        .map(|r| json!({"id": r.id, "product": r.product, "model": r.model, "valid_until": r.valid_until}))
        .collect();
    Ok(Json(json!({"days": days, "labels": labels})).into_response())
}

#[derive(Deserialize)]
struct Renewal {
    label: String,
}

pub async fn renew(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers).await?;
    refuse_suspended(&caller)?;
    let old = parse_id(&id)?;
    let renewal: Renewal = json_body(body)?;
    let new = check_label(&own_trust(&app, &caller)?, 0, &renewal.label)?;
    if new.label.id == old {
        return Err(ApiError::bad("same-id", "a renewed label needs a new id"));
    }
    let mut tx = app.store.begin().await?;
    let current = record(tx.conn(), old).await?;
    let current = current
        .filter(|r| r.issuer_id == caller.id)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "unknown-label", "this issuer has no label with that id"))?;
    if current.struck_off_on.is_some() {
        return Err(ApiError::new(StatusCode::CONFLICT, "struck-off", "a struck-off label cannot be renewed"));
    }
    insert(tx.conn(), caller.id, &new).await?;
    let new_id = new.label.id.to_string();
    sqlx::query("UPDATE labels SET replaced_by = $1, retired = 1 WHERE id = $2")
        .bind(&new_id)
        .bind(old.to_string())
        .execute(tx.conn())
        .await?;
    log(tx.conn(), &format!("issuer:{}", caller.name), &format!("renewed {old} as {new_id}")).await?;
    tx.commit().await?;
    Ok(Json(json!({"renewed": old.to_string(), "replaced_by": new_id})).into_response())
}
