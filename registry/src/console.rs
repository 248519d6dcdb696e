//! The reviewers' console, `/console/`: server-rendered pages behind a password sign-in.
//!
//! Sessions are random 32-byte ids in an `HttpOnly; SameSite=Strict` cookie; the database
//! keeps only their SHA-256, so a copy of it opens no session. Every form carries the
//! session's CSRF token and every POST checks it (and the role and region) before
//! anything is written. Every change is logged with who did it, in the same transaction.

use crate::clock::{now, today};
use crate::html::{esc, style_hash};
use crate::http::Shared;
use crate::labels::{expiring_of, record, Record};
use crate::secrets::{hex, random, same_secret, sha256};
use crate::store::{log, StoreError};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use iotmark_core::date::Date;
use iotmark_core::label::LabelId;
use iotmark_core::trust::Reason;
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;
use std::sync::LazyLock;

const COOKIE: &str = "iotmark_session";
/// Sessions last a working day.
const SESSION_SECONDS: i64 = 12 * 3600;
/// Public reasons are printed in revocation lists: at most 200 bytes.
pub const MAX_PUBLIC_REASON: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Reviewer,
    RegionalAdmin,
    Operator,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "reviewer" => Some(Role::Reviewer),
            "regional-admin" => Some(Role::RegionalAdmin),
            "operator" => Some(Role::Operator),
            _ => None,
        }
    }
}

/// A signed-in user.
pub struct User {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub region: Option<String>,
    csrf: String,
    session_hash: Vec<u8>,
}

impl User {
    /// Whether the user may act on something of `region` (`None`: of no known region).
    pub(crate) fn covers(&self, region: Option<&str>) -> bool {
        self.role == Role::Operator || (region.is_some() && region == self.region.as_deref())
    }
}

/// A console failure, shown as a short page with its status.
pub struct Refusal(pub StatusCode, pub String);

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        eprintln!("iotmark-registry: {e}");
        Refusal(StatusCode::INTERNAL_SERVER_ERROR, "The registry could not complete this; nothing was changed.".into())
    }
}

impl From<sqlx::Error> for Refusal {
    fn from(e: sqlx::Error) -> Self {
        Refusal::from(StoreError::from(e))
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = format!("<p role=\"alert\">{}</p><p><a href=\"/console/\">Back to the console</a></p>", esc(&self.1));
        html(self.0, "Refused", &body)
    }
}

pub(crate) fn refuse(status: StatusCode, why: &str) -> Refusal {
    Refusal(status, why.to_owned())
}

/// The start of a long scanned text (a label's digits run to hundreds): enough to recognise
/// it, short enough to fit a narrow screen.
fn shortened(text: &str) -> String {
    match text.char_indices().nth(36) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// The console's one style: readable at phone width (390 px) with nothing wider than the
/// screen: fields, selects and long text shrink or wrap, tables scroll on their own.
const STYLE: &str = "body{font:1rem/1.5 system-ui,sans-serif;max-width:48rem;margin:1rem auto;padding:0 1rem;color:#111;background:#fff}\
h1{font-size:1.4rem}h2{font-size:1.2rem}h3{font-size:1.05rem;overflow-wrap:anywhere}section{border-top:1px solid #999;padding:.5rem 0}\
label{display:inline-block;max-width:100%;margin:0 .5rem .25rem 0}input,select,textarea,button{font:inherit;max-width:100%;box-sizing:border-box}\
label.wide{display:block;margin-right:0}input.wide,textarea{display:block;width:100%}button{padding:.35rem .9rem}\
table{display:block;max-width:100%;overflow-x:auto;border-collapse:collapse}td,th{text-align:left;vertical-align:top;padding:.25rem .5rem .25rem 0}\
dt{font-weight:600}dd{margin:0 0 .4rem 0;overflow-wrap:anywhere}p,li{overflow-wrap:anywhere}\
.nw{white-space:nowrap}pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f4f4;padding:.5rem;font-size:.9rem}";

/// Nothing loads; only the console's own style applies; forms post to the console only.
static CSP: LazyLock<String> = LazyLock::new(|| {
    format!("default-src 'none'; style-src {}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'", style_hash(STYLE))
});

pub(crate) fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{} · iotmark registry</title><style>{STYLE}</style></head><body><main><h1>{}</h1>{body}</main></body></html>",
        esc(title),
        esc(title)
    );
    let mut r = (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&CSP).unwrap_or(HeaderValue::from_static("default-src 'none'; form-action 'self'; frame-ancestors 'none'")),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    r
}

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/console/", get(home))
        .route("/console/login", post(login))
        .route("/console/logout", post(logout))
        .route("/console/reports/{reference}/decide", post(decide))
        .route("/console/applications", get(crate::review::queue))
        .route("/console/applications/{reference}", get(crate::review::application))
        .route("/console/applications/{reference}/decide", post(crate::review::decide))
        .route("/console/issuers", get(issuers))
        .route("/console/issuers/{id}/suspend", post(suspend_form))
        .route("/console/issuers/{id}/expiring", get(expiring))
}

// ---- passwords and sessions ----

/// A hash no password is known for, checked when the e-mail is unknown.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password(&hex(&random::<16>().unwrap_or([7; 16]))).unwrap_or_default());

/// An argon2id hash (PHC string) of a password, with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = random::<16>().map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

fn cookie_value(headers: &HeaderMap) -> Option<String> {
    let cookies = headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).map(str::trim);
    cookies.filter_map(|c| c.strip_prefix(COOKIE).and_then(|r| r.strip_prefix('='))).map(str::to_owned).next()
}

/// The signed-in user, if the cookie names a live session.
pub(crate) async fn user(app: &Shared, headers: &HeaderMap) -> Result<Option<User>, Refusal> {
    let Some(cookie) = cookie_value(headers) else { return Ok(None) };
    let hash = sha256(cookie.as_bytes());
    let row = sqlx::query(
        "SELECT u.id, u.email, u.role, u.region, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.expires_at > $2",
    )
    .bind(hash.clone())
    .bind(now())
    .fetch_optional(&app.store.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let role = Role::parse(&row.try_get::<String, _>(2)?).ok_or_else(|| StoreError("a stored role is unknown".into()))?;
    Ok(Some(User { id: row.try_get(0)?, email: row.try_get(1)?, role, region: row.try_get(3)?, csrf: row.try_get(4)?, session_hash: hash }))
}

pub(crate) type Fields = Result<Form<HashMap<String, String>>, FormRejection>;

/// The user of a POST, after its session and CSRF token are checked.
pub(crate) async fn poster(app: &Shared, headers: &HeaderMap, form: Fields) -> Result<(User, HashMap<String, String>), Refusal> {
    let user = user(app, headers)
        .await?
        .ok_or_else(|| refuse(StatusCode::UNAUTHORIZED, "Sign in first: the session is missing, expired or ended."))?;
    let Form(fields) = form.map_err(|_| refuse(StatusCode::BAD_REQUEST, "The form could not be read."))?;
    let token = fields.get("csrf").map(String::as_str).unwrap_or("");
    if !same_secret(token.as_bytes(), user.csrf.as_bytes()) {
        return Err(refuse(StatusCode::FORBIDDEN, "The form's security token is missing or wrong; reload the page and try again."));
    }
    Ok((user, fields))
}

fn session_cookie(app: &Shared, value: &str, max_age: i64) -> HeaderValue {
    let secure = if app.secure_cookies { "; Secure" } else { "" };
    let c = format!("{COOKIE}={value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&c).unwrap_or(HeaderValue::from_static("iotmark_session=; Max-Age=0"))
}

pub(crate) fn redirect(to: &'static str, cookie: Option<HeaderValue>) -> Response {
    let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response();
    if let Some(c) = cookie {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r
}

pub(crate) fn login_page(status: StatusCode, message: &str) -> Response {
    let note = if message.is_empty() { String::new() } else { format!("<p role=\"alert\">{}</p>", esc(message)) };
    let body = format!(
        "{note}<form method=\"post\" action=\"/console/login\"><p><label>E-mail <input name=\"email\" type=\"email\" autocomplete=\"username\" required></label></p>\
         <p><label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label></p><p><button>Sign in</button></p></form>"
    );
    html(status, "Sign in", &body)
}

async fn login(State(app): State<Shared>, form: Fields) -> Result<Response, Refusal> {
    let Form(fields) = form.map_err(|_| refuse(StatusCode::BAD_REQUEST, "The form could not be read."))?;
    let email = fields.get("email").map(|e| e.trim().to_ascii_lowercase()).unwrap_or_default();
    let password = fields.get("password").cloned().unwrap_or_default();
    let row = sqlx::query("SELECT id, password_hash FROM users WHERE email = $1").bind(&email).fetch_optional(&app.store.pool).await?;
    let (id, hash) = match &row {
        Some(r) => (Some(r.try_get::<i64, _>(0)?), r.try_get::<String, _>(1)?),
        // Check against a real hash anyway, so that unknown and known e-mails take the same time.
        None => (None, DUMMY_HASH.clone()),
    };
    let ok = tokio::task::spawn_blocking(move || password_matches(&password, &hash)).await.unwrap_or(false);
    let Some(id) = id.filter(|_| ok) else {
        return Ok(login_page(StatusCode::UNAUTHORIZED, "Wrong e-mail or password."));
    };
    let secret = random::<32>().map_err(|e| StoreError(format!("random source: {e}")))?;
    let csrf = hex(&random::<16>().map_err(|e| StoreError(format!("random source: {e}")))?);
    let value = hex(&secret);
    let mut tx = app.store.begin().await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now()).execute(tx.conn()).await?;
    sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(sha256(value.as_bytes()))
        .bind(id)
        .bind(csrf)
        .bind(now() + SESSION_SECONDS)
        .execute(tx.conn())
        .await?;
    log(tx.conn(), &email, "signed in").await?;
    tx.commit().await?;
    Ok(redirect("/console/", Some(session_cookie(&app, &value, SESSION_SECONDS))))
}

async fn logout(State(app): State<Shared>, headers: HeaderMap, form: Fields) -> Result<Response, Refusal> {
    let (user, _) = poster(&app, &headers, form).await?;
    let mut tx = app.store.begin().await?;
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(user.session_hash.clone()).execute(tx.conn()).await?;
    log(tx.conn(), &user.email, "signed out").await?;
    tx.commit().await?;
    Ok(redirect("/console/", Some(session_cookie(&app, "", 0))))
}

// ---- pages ----

pub(crate) fn csrf_field(user: &User) -> String {
    format!("<input type=\"hidden\" name=\"csrf\" value=\"{}\">", esc(&user.csrf))
}

pub(crate) fn header_nav(user: &User) -> String {
    let region = user.region.as_deref().unwrap_or("every region");
    format!(
        "<p>Signed in as {} ({:?}, {}). <a href=\"/console/\">Reports</a> · <a href=\"/console/applications\">Applications</a> · <a href=\"/console/issuers\">Issuers</a></p>\
         <form method=\"post\" action=\"/console/logout\">{}<button>Sign out</button></form>",
        esc(&user.email),
        user.role,
        esc(region),
        csrf_field(user)
    )
}

fn record_html(r: &Record) -> String {
    let status = r.status(today());
    format!(
        "<dl><dt>Label</dt><dd>{} ({status})</dd><dt>Product</dt><dd>{} {} by {}</dd><dt>Grade</dt><dd>{}, {}</dd><dt>Issuer</dt><dd>{} ({})</dd><dt>Valid</dt><dd>{} to {}</dd></dl>",
        esc(&r.id),
        esc(&r.product),
        esc(&r.model),
        esc(&r.maker),
        esc(&r.grade),
        esc(&r.assurance),
        esc(&r.issuer),
        esc(&r.region),
        r.issued,
        r.valid_until
    )
}

fn decision_form(user: &User, reference: &str) -> String {
    let reasons: String = Reason::ALL.iter().map(|r| format!("<option>{}</option>", r.code())).collect();
    format!(
        "<form method=\"post\" action=\"/console/reports/{}/decide\">{}\
         <p><label>Decision <select name=\"action\"><option>dismiss</option><option>ask-maker</option><option>strike-off</option><option>suspend</option></select></label>\
         <label> Strike-off reason <select name=\"strike_reason\">{reasons}</select></label>\
         <label> Suspend from <input name=\"from\" placeholder=\"YYYY-MM-DD\"></label></p>\
         <p><label class=\"wide\">Public reason (required, 200 bytes) <input class=\"wide\" name=\"public_reason\" maxlength=\"200\" required></label></p><p><button>Decide</button></p></form>",
        esc(reference),
        csrf_field(user)
    )
}

async fn home(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, Refusal> {
    let Some(user) = user(&app, &headers).await? else { return Ok(login_page(StatusCode::OK, "")) };
    let mut conn = app.store.pool.acquire().await?;
    let all = user.role == Role::Operator;
    let rows = sqlx::query(
        "SELECT reference, label_text, label_id, region, reason, body, contact, state FROM reports \
         WHERE state IN ('received', 'asked-maker') AND ($1 = 1 OR region = $2) ORDER BY created_at LIMIT 200",
    )
    .bind(i64::from(all))
    .bind(user.region.clone().unwrap_or_default())
    .fetch_all(&mut *conn)
    .await?;
    let mut body = header_nav(&user);
    body.push_str(&format!("<h2>Queue ({} open)</h2>", rows.len()));
    for row in rows {
        let reference: String = row.try_get(0)?;
        let label_id: Option<String> = row.try_get(2)?;
        let rec = match label_id.as_deref().and_then(|l| l.parse::<LabelId>().ok()) {
            Some(id) => record(&mut conn, id).await?,
            None => None,
        };
        let rec = rec.as_ref().map(record_html).unwrap_or_else(|| "<p>The label is not in the register.</p>".into());
        body.push_str(&format!(
            "<section><h3>{} · {} · {}</h3><div><div><p>{}</p><p>Contact: {}</p><p><small>Scanned text: {}</small></p></div><div>{rec}</div></div>{}</section>",
            esc(&reference),
            esc(&row.try_get::<String, _>(4)?),
            esc(&row.try_get::<String, _>(7)?),
            esc(&row.try_get::<String, _>(5)?),
            esc(&Some(row.try_get::<String, _>(6)?).filter(|c| !c.is_empty()).unwrap_or_else(|| "not given".into())),
            esc(&shortened(&row.try_get::<String, _>(1)?)),
            decision_form(&user, &reference)
        ));
    }
    Ok(html(StatusCode::OK, "Reports", &body))
}

// ---- decisions ----

fn public_reason(fields: &HashMap<String, String>) -> Result<String, Refusal> {
    let reason = fields.get("public_reason").map(|r| r.trim().to_owned()).unwrap_or_default();
    if reason.is_empty() || reason.len() > MAX_PUBLIC_REASON || reason.chars().any(char::is_control) {
        return Err(refuse(StatusCode::BAD_REQUEST, "A public reason of 1 to 200 bytes, on one line, is required."));
    }
    Ok(reason)
}

fn from_date(fields: &HashMap<String, String>) -> Result<Date, Refusal> {
    match fields.get("from").map(|f| f.trim()).filter(|f| !f.is_empty()) {
        None => Ok(today()),
        Some(f) => f.parse().map_err(|_| refuse(StatusCode::BAD_REQUEST, "The suspension date must be YYYY-MM-DD.")),
    }
}

/// Suspends an issuer from a date, inside the caller's transaction.
async fn suspend(conn: &mut AnyConnection, user: &User, issuer: i64, from: Date, reason: &str) -> Result<(), Refusal> {
    if user.role == Role::Reviewer {
        return Err(refuse(StatusCode::FORBIDDEN, "Only a regional admin or an operator may suspend an issuer."));
    }
    let row = sqlx::query("SELECT name, region FROM issuers WHERE id = $1").bind(issuer).fetch_optional(&mut *conn).await?;
    let row = row.ok_or_else(|| refuse(StatusCode::NOT_FOUND, "No such issuer."))?;
    let (name, region): (String, String) = (row.try_get(0)?, row.try_get(1)?);
    if !user.covers(Some(&region)) {
        return Err(refuse(StatusCode::FORBIDDEN, "This issuer belongs to another region."));
    }
    sqlx::query("UPDATE issuers SET suspended_from = $1, suspended_reason = $2 WHERE id = $3")
        .bind(i64::from(from.0))
        .bind(reason)
        .bind(issuer)
        .execute(&mut *conn)
        .await?;
    log(conn, &user.email, &format!("suspended issuer {name} from {from}: {reason}")).await?;
    Ok(())
}

async fn strike_off(conn: &mut AnyConnection, user: &User, label: &str, code: Reason, reason: &str) -> Result<(), Refusal> {
    sqlx::query("UPDATE labels SET struck_off_on = $1, strike_reason = $2, public_reason = $3 WHERE id = $4 AND struck_off_on IS NULL")
        .bind(i64::from(today().0))
        .bind(code.code())
        .bind(reason)
        .bind(label)
        .execute(&mut *conn)
        .await?;
    log(conn, &user.email, &format!("struck off {label} ({}): {reason}", code.code())).await?;
    Ok(())
}

async fn decide(State(app): State<Shared>, headers: HeaderMap, Path(reference): Path<String>, form: Fields) -> Result<Response, Refusal> {
    let (user, fields) = poster(&app, &headers, form).await?;
    let reason = public_reason(&fields)?;
    let action = fields.get("action").map(String::as_str).unwrap_or("");
    let mut tx = app.store.begin().await?;
    let row =
        sqlx::query("SELECT id, label_id, region FROM reports WHERE reference = $1").bind(&reference).fetch_optional(tx.conn()).await?;
    let row = row.ok_or_else(|| refuse(StatusCode::NOT_FOUND, "No report has this reference."))?;
    let (report, label, region): (i64, Option<String>, Option<String>) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    if !user.covers(region.as_deref()) {
        return Err(refuse(StatusCode::FORBIDDEN, "This report belongs to another region."));
    }
    let needs_label = || refuse(StatusCode::CONFLICT, "The report names no registered label.");
    let (state, republish, issuer, from) = match action {
        "dismiss" => ("dismissed", false, None, None),
        "ask-maker" => ("asked-maker", false, None, None),
        "strike-off" => {
            let label = label.as_deref().ok_or_else(needs_label)?;
            let code = fields.get("strike_reason").and_then(|c| Reason::from_code(c)).unwrap_or(Reason::Other);
            strike_off(tx.conn(), &user, label, code, &reason).await?;
            ("upheld", true, None, None)
        }
        "suspend" => {
            let label = label.as_deref().ok_or_else(needs_label)?;
            let row = sqlx::query("SELECT issuer FROM labels WHERE id = $1").bind(label).fetch_one(tx.conn()).await?;
            let (issuer, from) = (row.try_get::<i64, _>(0)?, from_date(&fields)?);
            suspend(tx.conn(), &user, issuer, from, &reason).await?;
            ("upheld", true, Some(issuer), Some(i64::from(from.0)))
        }
        _ => return Err(refuse(StatusCode::BAD_REQUEST, "The decision must be dismiss, ask-maker, strike-off or suspend.")),
    };
    sqlx::query("UPDATE reports SET state = $1, public_reason = $2 WHERE id = $3")
        .bind(state)
        .bind(&reason)
        .bind(report)
        .execute(tx.conn())
        .await?;
    sqlx::query("INSERT INTO decisions (report_id, user_id, action, label_id, issuer_id, from_date, public_reason, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(report)
        .bind(user.id)
        .bind(action)
        .bind(label)
        .bind(issuer)
        .bind(from)
        .bind(&reason)
        .bind(now())
        .execute(tx.conn())
        .await?;
    log(tx.conn(), &user.email, &format!("decided {reference}: {action}")).await?;
    let served = if republish { Some(app.lists.resign(tx.conn()).await?) } else { None };
    tx.commit().await?;
    if let Some(s) = served {
        app.lists.install(s);
    }
    Ok(redirect("/console/", None))
}

// ---- issuers ----

async fn issuers(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, Refusal> {
    let user = user(&app, &headers).await?.ok_or_else(|| refuse(StatusCode::UNAUTHORIZED, "Sign in first."))?;
    let rows = sqlx::query("SELECT id, name, region, suspended_from FROM issuers WHERE ($1 = 1 OR region = $2) ORDER BY name")
        .bind(i64::from(user.role == Role::Operator))
        .bind(user.region.clone().unwrap_or_default())
        .fetch_all(&app.store.pool)
        .await?;
    let mut body = header_nav(&user);
    body.push_str("<table><tr><th>Issuer</th><th>Region</th><th>Status</th><th></th></tr>");
    for row in rows {
        let (id, name, region): (i64, String, String) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        let status = match row.try_get::<Option<i64>, _>(3)? {
            Some(from) => format!("suspended from {}", Date(u32::try_from(from).unwrap_or(0))),
            None => "active".into(),
        };
        let form = if user.role == Role::Reviewer {
            String::new()
        } else {
            format!(
                "<form method=\"post\" action=\"/console/issuers/{id}/suspend\">{}<input name=\"from\" placeholder=\"YYYY-MM-DD\" required> \
                 <input name=\"public_reason\" maxlength=\"200\" required placeholder=\"public reason\"> <button>Suspend</button></form>",
                csrf_field(&user)
            )
        };
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{status}</td><td><a href=\"/console/issuers/{id}/expiring\">expiring within 90 days</a>{form}</td></tr>",
            esc(&name),
            esc(&region)
        ));
    }
    body.push_str("</table>");
    Ok(html(StatusCode::OK, "Issuers", &body))
}

async fn suspend_form(State(app): State<Shared>, headers: HeaderMap, Path(issuer): Path<i64>, form: Fields) -> Result<Response, Refusal> {
    let (user, fields) = poster(&app, &headers, form).await?;
    let reason = public_reason(&fields)?;
    let from = from_date(&fields)?;
    let mut tx = app.store.begin().await?;
    suspend(tx.conn(), &user, issuer, from, &reason).await?;
    sqlx::query("INSERT INTO decisions (user_id, action, issuer_id, from_date, public_reason, at) VALUES ($1, 'suspend', $2, $3, $4, $5)")
        .bind(user.id)
        .bind(issuer)
        .bind(i64::from(from.0))
        .bind(&reason)
        .bind(now())
        .execute(tx.conn())
        .await?;
    let served = app.lists.resign(tx.conn()).await?;
    tx.commit().await?;
    app.lists.install(served);
    Ok(redirect("/console/issuers", None))
}

async fn expiring(State(app): State<Shared>, headers: HeaderMap, Path(issuer): Path<i64>) -> Result<Response, Refusal> {
    let user = user(&app, &headers).await?.ok_or_else(|| refuse(StatusCode::UNAUTHORIZED, "Sign in first."))?;
    let mut conn = app.store.pool.acquire().await?;
    let region = sqlx::query("SELECT region FROM issuers WHERE id = $1").bind(issuer).fetch_optional(&mut *conn).await?;
    let region: String = region.ok_or_else(|| refuse(StatusCode::NOT_FOUND, "No such issuer."))?.try_get(0)?;
    if !user.covers(Some(&region)) {
        return Err(refuse(StatusCode::FORBIDDEN, "This issuer belongs to another region."));
    }
    let rows: String = expiring_of(&mut conn, issuer, 90)
        .await?
        .iter()
        .map(|r| format!("<tr><td>{}</td><td>{} {}</td><td>{}</td></tr>", esc(&r.id), esc(&r.product), esc(&r.model), r.valid_until))
        .collect();
    let body = format!("{}<table><tr><th>Label</th><th>Product</th><th>Valid until</th></tr>{rows}</table>", header_nav(&user));
    Ok(html(StatusCode::OK, "Labels expiring within 90 days", &body))
}
