//! Makers' applications for the mark: `POST /api/applications` (a label spec, the TOML
//! that `iotmark sign` accepts) and `GET /api/applications/{reference}` (its public status).
//!
//! The spec is checked as strictly as `iotmark sign` checks it: the core's spec model
//! (`iotmark_core::spec`, which `iotmark sign` and the label studio read too), the grading
//! rule, and a dry run of issuing the label (with a throwaway key, nothing kept), so an
//! application the registry takes is one a certifying body can sign as it stands. An
//! application is acknowledged (201 with its reference) only after it is committed.
//! Errors are `{"error": {"code", "message", "field"?}}`.

use crate::clock::{now, rfc3339};
use crate::http::Shared;
use crate::secrets::random;
use crate::store::{is_unique_violation, log, Store, StoreError};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use iotmark_core::catalogue::Catalogue;
use iotmark_core::grade::{self, Grade};
use iotmark_core::label::{LabelId, Status};
use iotmark_core::spec::Spec;
use serde::Deserialize;
use serde_json::json;
use sqlx::Row;
use std::net::SocketAddr;

/// Largest application body. A full spec is about 1.5 KB; comments and long lists of
/// repair or sharing facts stay far below this.
pub const BODY_MAX: usize = 64 * 1024;

/// Where an application stands, as the public status says it.
pub const RECEIVED: &str = "received";
pub const IN_REVIEW: &str = "in-review";
pub const CHANGES_REQUESTED: &str = "changes-requested";
pub const DECLINED: &str = "declined";

/// The spec's top-level fields, to tell a field name from other words in a message.
const FIELDS: [&str; 9] =
    ["catalogue", "assurance", "valid_for_months", "link", "product", "principles", "lifecycle", "privacy", "openness"];

/// An application refused, as `{"error": {"code", "message", "field"?}}`.
#[derive(Debug)]
pub struct Refused {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    pub retry_after: Option<u64>,
}

impl Refused {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Refused {
        Refused { status, code, message: message.into(), field: None, retry_after: None }
    }

    fn spec(message: impl Into<String>, field: Option<String>) -> Refused {
        let message = message.into();
        let message = match &field {
            Some(f) if !message.starts_with(f.as_str()) => format!("{f}: {message}"),
            _ => message,
        };
        Refused { field, ..Refused::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-spec", message) }
    }
}

impl From<StoreError> for Refused {
    fn from(e: StoreError) -> Self {
        eprintln!("iotmark-registry: {e}");
        Refused::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the registry could not complete the request; nothing was changed")
    }
}

impl From<sqlx::Error> for Refused {
    fn from(e: sqlx::Error) -> Self {
        Refused::from(StoreError::from(e))
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let mut error = json!({"code": self.code, "message": self.message});
        if let Some(f) = self.field {
            error["field"] = f.into();
        }
        let mut r = (self.status, Json(json!({ "error": error }))).into_response();
        if let Some(s) = self.retry_after {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        r
    }
}

/// What the registry reads from an accepted spec.
pub struct Checked {
    pub spec: Spec,
    pub catalogue: &'static Catalogue,
    pub statuses: Vec<Status>,
    pub grade: Grade,
}

/// The dotted path of the field at byte `at` of a TOML document (`lifecycle.updates_until`,
/// `principles.7`), if there is one there.
fn field_at(text: &str, at: usize) -> Option<String> {
    use toml::de::{DeTable, DeValue};
    fn walk(table: &DeTable<'_>, at: usize, path: &mut Vec<String>) -> bool {
        for (k, v) in table.iter() {
            path.push(k.get_ref().to_string());
            let here = k.span().contains(&at) || v.span().contains(&at) || (v.span().start == at);
            let deeper = match v.get_ref() {
                DeValue::Table(t) => walk(t, at, path),
                DeValue::Array(items) => items.iter().enumerate().any(|(i, item)| {
                    if let DeValue::Table(t) = item.get_ref() {
                        path.push(i.to_string());
                        if walk(t, at, path) {
                            return true;
                        }
                        path.pop();
                    }
                    false
                }),
                _ => false,
            };
            if deeper || here {
                return true;
            }
            path.pop();
        }
        false
    }
    let doc = DeTable::parse(text).ok()?;
    let mut path = Vec::new();
    walk(doc.get_ref(), at, &mut path).then(|| path.join("."))
}

/// The field a message of the spec checks starts with (`product.gtin "123" is not…`).
/// The label's own checks say "product name must be…": that is `product.name`.
fn field_named(message: &str) -> Option<String> {
    let mut words = message.split([' ', ':', '=']).filter(|w| !w.is_empty());
    let first = words.next()?.trim();
    let top = first.split('.').next()?;
    if !(FIELDS.contains(&top) && first.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')) {
        return None;
    }
    match (first, words.next()) {
        ("product", Some(key @ ("maker" | "name" | "model" | "gtin" | "serial"))) => Some(format!("product.{key}")),
        _ => Some(first.to_owned()),
    }
}

/// The missing field a serde message names: "missing field `assurance`".
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// Checks spec text as `iotmark sign` would, without signing anything that is kept.
pub fn check(text: &str) -> Result<Checked, Refused> {
    if let Err(e) = toml::de::DeTable::parse(text) {
        let at = e.span().map_or(0, |s| s.start);
        let before = &text[..at.min(text.len())];
        let (line, col) = (before.matches('\n').count() + 1, before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1);
        return Err(Refused::new(
            StatusCode::BAD_REQUEST,
            "not-toml",
            format!("the body is not TOML: line {line}, column {col}: {}", e.message().trim()),
        ));
    }
    let spec: Spec = toml::from_str(text).map_err(|e| {
        let message = e.message().trim().to_owned();
        let mut field = e.span().and_then(|s| field_at(text, s.start));
        if let Some(missing) = missing_field(&message) {
            field = Some(match field {
                Some(table) => format!("{table}.{missing}"),
                None => missing.to_owned(),
            });
        }
        Refused::spec(message, field)
    })?;
    let catalogue = spec.catalogue().map_err(|m| Refused::spec(m, Some("catalogue".into())))?;
    let statuses = spec.statuses().map_err(|m| Refused::spec(m, Some("principles".into())))?;
    spec.facts().map_err(|m| {
        let m = m.to_string();
        let field = field_named(&m);
        Refused::spec(m, field)
    })?;
    let Some(grade) = grade::grade(catalogue, &statuses) else {
        let blockers = grade::shortfall(catalogue, &statuses, Grade::Bronze).must_meet;
        let ids: Vec<String> = blockers.iter().map(u8::to_string).collect();
        let mut e = Refused::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "no-mark",
            match ids.as_slice() {
                [one] => format!("the assessment earns no mark: essential principle {one} is not met"),
                many => format!("the assessment earns no mark: essential principles {} are not met", many.join(", ")),
            },
        );
        e.field = Some("principles".into());
        return Err(e);
    };
    // The same label `iotmark sign` would make, issued once with a throwaway key: every
    // check of the label itself (lengths, GTIN, dates, the size of the QR code) runs here.
    let label = spec.label(LabelId(0), crate::clock::today(), None).map_err(|f| {
        let m = f.to_string();
        let field = field_named(&m);
        Refused::spec(m, field)
    })?;
    let throwaway = iotmark_core::SigningKey::from_bytes(&random::<32>().map_err(|e| StoreError(format!("random source: {e}")))?);
    iotmark_core::issue::issue(&label, &throwaway, spec.link()).map_err(|e| {
        let m = e.to_string();
        let field = field_named(&m);
        Refused::spec(m, field)
    })?;
    Ok(Checked { spec, catalogue, statuses, grade })
}

fn is_toml(headers: &HeaderMap) -> bool {
    let kind = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mut parts = kind.split(';').map(str::trim);
    let mime = parts.next().unwrap_or("");
    let utf8 = parts.all(|p| match p.split_once('=') {
        Some((k, v)) if k.trim().eq_ignore_ascii_case("charset") => v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8"),
        _ => true,
    });
    mime.eq_ignore_ascii_case("application/toml") && utf8
}

/// Longest `Idempotency-Key`.
pub const MAX_KEY: usize = 64;

/// The `Idempotency-Key` header, if sent: 1 to 64 letters, digits, `-` or `_` (a UUID fits).
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, Refused> {
    let Some(v) = headers.get("idempotency-key") else { return Ok(None) };
    let key = v.to_str().unwrap_or("").trim();
    let ok = !key.is_empty() && key.len() <= MAX_KEY && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok {
        return Err(Refused::new(
            StatusCode::BAD_REQUEST,
            "bad-idempotency-key",
            format!("Idempotency-Key must be 1 to {MAX_KEY} letters, digits, - or _"),
        ));
    }
    Ok(Some(key.to_owned()))
}

fn body_error(e: BytesRejection) -> Refused {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Refused::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", format!("an application may be at most {BODY_MAX} bytes"))
    } else {
        Refused::new(StatusCode::BAD_REQUEST, "bad-body", "the application body could not be read")
    }
}

/// `APP-` and two groups of four characters from Crockford's base32 (no I, L, O, U): 40
/// random bits, read out in two breaths.
fn new_reference() -> Result<String, Refused> {
    const ABC: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bytes = random::<8>().map_err(|e| StoreError(format!("random source: {e}")))?;
    let c: String = bytes.iter().map(|b| char::from(ABC[usize::from(b % 32)])).collect();
    Ok(format!("APP-{}-{}", &c[..4], &c[4..]))
}

/// A reference as someone may type it back: any case, O for 0, I or L for 1.
pub fn normalise_reference(reference: &str) -> String {
    let upper = reference.trim().to_ascii_uppercase();
    match upper.strip_prefix("APP-") {
        Some(rest) => {
            let rest: String = rest
                .chars()
                .map(|c| match c {
                    'O' => '0',
                    'I' | 'L' => '1',
                    c => c,
                })
                .collect();
            format!("APP-{rest}")
        }
        None => upper,
    }
}

#[derive(Deserialize)]
pub struct ApplyQuery {
    /// The certifying body (region code) the application is for; any reviewer's when absent.
    region: Option<String>,
}

pub async fn create(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    query: Result<Query<ApplyQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Refused> {
    if let Err(wait) = app.applications.take(peer.ip()) {
        let mut e = Refused::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            format!("too many applications from this address; try again in {wait} s"),
        );
        e.retry_after = Some(wait);
        return Err(e);
    }
    if !is_toml(&headers) {
        return Err(Refused::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "wrong-content-type",
            "an application is sent as Content-Type: application/toml (UTF-8), the spec `iotmark sign` accepts",
        ));
    }
    let key = idempotency_key(&headers)?;
    let Query(query) = query.map_err(|_| Refused::new(StatusCode::BAD_REQUEST, "bad-query", "the query string could not be read"))?;
    let body = body.map_err(body_error)?;
    let text = std::str::from_utf8(&body).map_err(|_| Refused::new(StatusCode::BAD_REQUEST, "not-toml", "the body is not UTF-8 text"))?;
    let kept = receive(&app.store, "public", text, query.region.as_deref(), key.as_deref()).await?;
    let status = if kept.new { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(json!({"reference": kept.reference, "status": kept.status}))).into_response())
}

/// Checks an application, and stores it for `region` (a region code, or none) once; returns
/// its reference once committed. `who` is written to the change log. With a `key` already
/// stored, the application stored under it is returned and nothing new is stored.
pub async fn receive(store: &Store, who: &str, text: &str, region: Option<&str>, key: Option<&str>) -> Result<Kept, Refused> {
    let checked = check(text)?;
    let region = match region.map(str::trim).filter(|r| !r.is_empty()) {
        None => None,
        Some(code) => {
            let known = sqlx::query("SELECT code FROM regions WHERE code = $1").bind(code).fetch_optional(&store.pool).await?;
            if known.is_none() {
                return Err(Refused::new(StatusCode::BAD_REQUEST, "unknown-region", format!("no certifying body has the code {code:?}")));
            }
            Some(code.to_owned())
        }
    };
    keep(store, who, text, &checked, region, key).await
}

/// A stored application: its reference and status, and whether this request stored it.
pub struct Kept {
    pub reference: String,
    pub status: String,
    pub new: bool,
}

async fn keep(store: &Store, who: &str, text: &str, c: &Checked, region: Option<String>, key: Option<&str>) -> Result<Kept, Refused> {
    let p = &c.spec.product;
    for _ in 0..5 {
        let reference = new_reference()?;
        let mut tx = store.begin().await?;
        let conn = tx.conn();
        let inserted = sqlx::query(
            "INSERT INTO applications (reference, spec, product, model, maker, gtin, grade, assurance, catalogue, region, status, received_at, client_ref) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (client_ref) DO NOTHING",
        )
        .bind(&reference)
        .bind(text)
        .bind(&p.name)
        .bind(&p.model)
        .bind(&p.maker)
        .bind(p.gtin.clone())
        .bind(c.grade.key())
        .bind(c.spec.assurance.key())
        .bind(i64::from(c.catalogue.version))
        .bind(region.clone())
        .bind(RECEIVED)
        .bind(now())
        .bind(key)
        .execute(&mut *conn)
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
            Ok(done) if done.rows_affected() == 0 => {
                let row =
                    sqlx::query("SELECT reference, status FROM applications WHERE client_ref = $1").bind(key).fetch_one(&mut *conn).await?;
                return Ok(Kept { reference: row.try_get(0)?, status: row.try_get(1)?, new: false });
            }
            Ok(_) => {}
        }
        log(conn, who, &format!("application {reference} received")).await?;
        tx.commit().await?;
        return Ok(Kept { reference, status: RECEIVED.into(), new: true });
    }
    Err(Refused::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "no free reference could be drawn; try again"))
}

/// The public status: where the application stands, when it was received and decided, and
/// the note to the maker with a decision. Never who decided.
pub async fn status(State(app): State<Shared>, Path(reference): Path<String>) -> Result<Response, Refused> {
    let reference = normalise_reference(&reference);
    let row = sqlx::query("SELECT reference, status, received_at, decided_at, note FROM applications WHERE reference = $1")
        .bind(&reference)
        .fetch_optional(&app.store.pool)
        .await?;
    let row = row.ok_or_else(|| Refused::new(StatusCode::NOT_FOUND, "unknown-application", "no application has this reference"))?;
    let (reference, status, received): (String, String, i64) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    let mut out = json!({"reference": reference, "status": status, "received": rfc3339(received)});
    if let Some(decided) = row.try_get::<Option<i64>, _>(3)? {
        out["decided"] = rfc3339(decided).into();
    }
    if let Some(note) = row.try_get::<Option<String>, _>(4)?.filter(|n| !n.is_empty()) {
        out["note"] = note.into();
    }
    Ok(Json(out).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEAKER: &str = include_str!("../../labels/examples/smart-speaker.toml");

    #[test]
    fn the_example_spec_is_silver() {
        let c = check(SPEAKER).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((c.grade, c.spec.product.maker.as_str()), (Grade::Silver, "Hearth Audio GmbH"));
    }

    #[test]
    fn errors_name_the_field() {
        let field = |text: &str| check(text).err().map(|e| (e.code, e.field, e.message));
        let (code, f, m) = field("assurance = ").expect("refused");
        assert_eq!((code, f), ("not-toml", None), "{m}");
        let (code, f, m) = field(&SPEAKER.replace("updates_until = \"2031-06\"", "updates_until = \"June\"")).expect("refused");
        assert_eq!((code, f.as_deref()), ("invalid-spec", Some("lifecycle.updates_until")), "{m}");
        let (_, f, m) = field(&SPEAKER.replace("\n7 = \"met\"", "\n7 = \"maybe\"")).expect("refused");
        assert_eq!(f.as_deref(), Some("principles.7"), "{m}");
        let (_, f, m) = field(&SPEAKER.replace("update_delivery = \"automatic\"\n", "")).expect("refused");
        assert_eq!(f.as_deref(), Some("lifecycle.update_delivery"), "{m}");
        let (_, f, m) = field(&SPEAKER.replace("model = \"HS-200\"", "model = \"HS-200\"\ncolour = \"red\"")).expect("refused");
        assert_eq!(f.as_deref(), Some("product.colour"), "{m}");
        let (_, f, m) = field(&SPEAKER.replace("4006381333931", "4006381333932")).expect("refused");
        assert_eq!(f.as_deref(), Some("product.gtin"), "{m}");
        let (_, f, m) = field(&SPEAKER.replace("Hearth Speaker Mini", &"Hearth Speaker Mini ".repeat(3))).expect("refused");
        assert_eq!(f.as_deref(), Some("product.name"), "{m}");
        let (_, f, m) = field(&SPEAKER.replace("\"usage\"]", "\"smell\"]")).expect("refused");
        assert_eq!(f.as_deref(), Some("privacy.sensors"), "{m}");
        let (code, _, m) = field(&SPEAKER.replace("3 = \"met\"", "3 = \"not-met\"")).expect("refused");
        assert!(code == "no-mark" && m.contains('3'), "{m}");
    }

    #[test]
    fn references_are_read_back_forgivingly() {
        assert_eq!(normalise_reference(" app-o1il-abcd "), "APP-0111-ABCD");
        let r = new_reference().expect("random");
        assert!(r.len() == 13 && r.starts_with("APP-") && r.as_bytes()[8] == b'-', "{r}");
    }
}
