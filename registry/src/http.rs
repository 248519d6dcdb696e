//! The HTTP surface: the shared state, typed JSON errors, the signed lists and the router.
//!
//! Nothing here logs requests. Public paths (lists, register pages, reports) must leave no
//! trace of which label was looked up, so there is no request log at all; only failures of
//! the registry itself are written to standard error, without paths.

use crate::limiter::Limiter;
use crate::lists::{Lists, Served};
use crate::store::{Store, StoreError};
use crate::{applications, console, labels, pages, reports};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use serde_json::json;
use std::sync::Arc;

pub struct App {
    pub store: Arc<Store>,
    pub lists: Arc<Lists>,
    pub limiter: Limiter,
    /// The same per-client limit for makers' applications, counted apart from reports.
    pub applications: Limiter,
    /// Session cookies carry `Secure` unless the registry listens on loopback only.
    pub secure_cookies: bool,
}

pub type Shared = Arc<App>;

/// An error as the API reports it: `{"error": code, "message": text}` with a status.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), retry_after: None }
    }

    pub fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        eprintln!("iotmark-registry: {e}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the registry could not complete the request; nothing was changed")
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::from(StoreError::from(e))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, Json(json!({"error": self.code, "message": self.message}))).into_response();
        if let Some(s) = self.retry_after {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        r
    }
}

/// Serves a signed list, answering a matching `If-None-Match` with 304.
fn serve_list(list: Arc<Served>, headers: &HeaderMap) -> Response {
    if list.bytes.is_empty() {
        return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "no-list", "the list has not been signed yet").into_response();
    }
    let etag = HeaderValue::from_str(&list.etag).unwrap_or(HeaderValue::from_static("\"\""));
    let cache = HeaderValue::from_static("public, max-age=60");
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == list.etag || t == "*"));
    if matches {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag), (header::CACHE_CONTROL, cache)]).into_response();
    }
    let kind = HeaderValue::from_static("application/cose");
    (StatusCode::OK, [(header::ETAG, etag), (header::CACHE_CONTROL, cache), (header::CONTENT_TYPE, kind)], list.bytes.clone())
        .into_response()
}

async fn trust_list(State(app): State<Shared>, headers: HeaderMap) -> Response {
    serve_list(app.lists.trust(), &headers)
}

async fn revocation_list(State(app): State<Shared>, headers: HeaderMap) -> Response {
    serve_list(app.lists.revocation(), &headers)
}

/// `/lists/rotations/<n>.cose`: the root rotations in order; a verifier asks for the one
/// after those it has followed, until there is none.
async fn rotation(State(app): State<Shared>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let n = file.strip_suffix(".cose").and_then(|n| n.parse::<usize>().ok());
    match n.and_then(|n| app.lists.rotation(n)) {
        Some(statement) => serve_list(statement, &headers),
        None => ApiError::new(StatusCode::NOT_FOUND, "no-rotation", "the root has not been rotated this many times").into_response(),
    }
}

/// Public responses may be read by any origin, without credentials.
async fn cors(method: Method, mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("ETag, Retry-After"));
    if method == Method::OPTIONS {
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, OPTIONS"));
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("Content-Type, If-None-Match, Idempotency-Key"));
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
    }
    r
}

async fn preflight() -> StatusCode {
    StatusCode::NO_CONTENT
}

/// Largest public report body: the fields' limits with room for JSON escapes.
pub const REPORT_BODY_MAX: usize = 16 * 1024;
/// Largest issuer request: 1,000 labels of at most about 1 KB of text each.
pub const BATCH_BODY_MAX: usize = 4 * 1024 * 1024;

pub fn router(app: Shared) -> Router {
    let public = Router::new()
        .route("/lists/trust.cose", get(trust_list).options(preflight))
        .route("/lists/revocation.cose", get(revocation_list).options(preflight))
        .route("/lists/rotations/{file}", get(rotation).options(preflight))
        .route("/labels/{id}", get(pages::label_page))
        .route("/api/labels/{id}", get(labels::public_record).options(preflight))
        .route("/api/reports", post(reports::create).options(preflight))
        .route("/api/reports/{reference}", get(reports::state).options(preflight))
        .layer(DefaultBodyLimit::max(REPORT_BODY_MAX))
        .layer(middleware::map_response(cors));
    let makers = Router::new()
        .route("/api/applications", post(applications::create).options(preflight))
        .route("/api/applications/{reference}", get(applications::status).options(preflight))
        .layer(DefaultBodyLimit::max(applications::BODY_MAX))
        .layer(middleware::map_response(cors));
    let issuers = Router::new()
        .route("/api/labels", post(labels::register))
        .route("/api/labels/expiring", get(labels::expiring))
        .route("/api/labels/{id}/renew", post(labels::renew))
        .layer(DefaultBodyLimit::max(BATCH_BODY_MAX));
    public.merge(makers).merge(issuers).merge(console::router()).with_state(app)
}
