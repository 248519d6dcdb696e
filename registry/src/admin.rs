//! The administration subcommands: regions, issuers, users, and writing the lists out.
//! Each change is logged with who made it ("admin" and the operating-system user).

use crate::console::{hash_password, Role};
use crate::secrets::{hex, random, sha256};
use crate::store::{log, Store};
use sqlx::Row;
use std::path::Path;

fn who() -> String {
    format!("admin:{}", std::env::var("USER").unwrap_or_else(|_| "unknown".into()))
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

pub async fn add_region(db: &str, code: &str, name: &str) -> Result<(), String> {
    let store = Store::open(db).await.map_err(err)?;
    let mut tx = store.begin().await.map_err(err)?;
    sqlx::query("INSERT INTO regions (code, name) VALUES ($1, $2)").bind(code).bind(name).execute(tx.conn()).await.map_err(err)?;
    log(tx.conn(), &who(), &format!("added region {code}")).await.map_err(err)?;
    tx.commit().await.map_err(err)?;
    println!("region {code} added");
    Ok(())
}

/// Adds an issuer and returns its API token, which is stored only as a hash.
pub async fn add_issuer(db: &str, name: &str, key: &Path, region: &str) -> Result<String, String> {
    let key = crate::keys::read_public(key)?;
    let token = format!("imk_{}", hex(&random::<24>().map_err(err)?));
    let store = Store::open(db).await.map_err(err)?;
    let mut tx = store.begin().await.map_err(err)?;
    sqlx::query("INSERT INTO issuers (name, public_key, region, token_hash) VALUES ($1, $2, $3, $4)")
        .bind(name)
        .bind(key.as_bytes().to_vec())
        .bind(region)
        .bind(sha256(token.as_bytes()))
        .execute(tx.conn())
        .await
        .map_err(err)?;
    log(tx.conn(), &who(), &format!("added issuer {name} in region {region}")).await.map_err(err)?;
    tx.commit().await.map_err(err)?;
    Ok(token)
}

pub async fn add_user(db: &str, email: &str, role: &str, region: Option<&str>, password: &str) -> Result<(), String> {
    let parsed = Role::parse(role).ok_or("the role must be reviewer, regional-admin or operator")?;
    if parsed != Role::Operator && region.is_none() {
        return Err("a reviewer or regional admin needs --region".into());
    }
    if password.chars().count() < 10 {
        return Err("the password must be at least 10 characters".into());
    }
    let hash = hash_password(password)?;
    let store = Store::open(db).await.map_err(err)?;
    let mut tx = store.begin().await.map_err(err)?;
    sqlx::query("INSERT INTO users (email, password_hash, role, region) VALUES ($1, $2, $3, $4)")
        .bind(email.trim().to_ascii_lowercase())
        .bind(hash)
        .bind(role)
        .bind(region.map(str::to_owned))
        .execute(tx.conn())
        .await
        .map_err(err)?;
    log(tx.conn(), &who(), &format!("added user {email} as {role}")).await.map_err(err)?;
    tx.commit().await.map_err(err)?;
    println!("user {email} added");
    Ok(())
}

/// Writes the lists last stored by a running (or earlier) server.
pub async fn publish(db: &str, out: &Path) -> Result<(), String> {
    let store = Store::open(db).await.map_err(err)?;
    let mut bytes = Vec::new();
    for name in ["trust", "revocation"] {
        let row = sqlx::query("SELECT bytes FROM lists WHERE name = $1").bind(name).fetch_optional(&store.pool).await.map_err(err)?;
        let b: Vec<u8> = row.ok_or("no lists are stored yet: run serve once first")?.try_get(0).map_err(err)?;
        bytes.push(b);
    }
    crate::lists::publish(out, &bytes[0], &bytes[1]).map_err(err)?;
    println!("trust.cose and revocation.cose written to {}", out.display());
    Ok(())
}

/// Imports the strike-offs of an earlier revocation list (say, one `iotmark revoke` made),
/// checked with the root key and the trust list; the next start publishes them.
pub async fn import_revocations(db: &str, list: &Path, trust: &Path, root: &Path) -> Result<(), String> {
    use iotmark_core::trust::{RevocationList, TrustList};
    let root = crate::keys::read_public(root)?;
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let trust = TrustList::open(&read(trust)?, &root).map_err(err)?;
    let list = RevocationList::open(&read(list)?, &root, &trust).map_err(err)?;
    let store = Store::open(db).await.map_err(err)?;
    let mut tx = store.begin().await.map_err(err)?;
    for r in &list.labels {
        sqlx::query("INSERT INTO imported_strikes (id, struck_off_on, strike_reason, public_reason) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING")
            .bind(r.id.to_string())
            .bind(i64::from(r.on.0))
            .bind(r.reason.code())
            .bind(&r.note)
            .execute(tx.conn())
            .await
            .map_err(err)?;
    }
    // Verifiers take only lists numbered higher than the one they hold, so the registry's
    // own lists must go on from the imported list's number.
    sqlx::query(
        "INSERT INTO lists (name, sequence, issued, bytes) VALUES ('revocation', $1, 0, $2) \
         ON CONFLICT (name) DO UPDATE SET sequence = CASE WHEN lists.sequence < excluded.sequence THEN excluded.sequence ELSE lists.sequence END",
    )
    .bind(i64::try_from(list.sequence).map_err(err)?)
    .bind(Vec::<u8>::new())
    .execute(tx.conn())
    .await
    .map_err(err)?;
    log(tx.conn(), &who(), &format!("imported {} strike-offs of revocation list {}", list.labels.len(), list.sequence))
        .await
        .map_err(err)?;
    tx.commit().await.map_err(err)?;
    println!("{} strike-offs imported", list.labels.len());
    Ok(())
}

/// Stores a maker's application from a spec file, checked as `POST /api/applications`
/// checks it (the demo seeds its queue this way); returns the reference.
pub async fn add_application(db: &str, spec: &Path, region: Option<&str>) -> Result<String, String> {
    let text = std::fs::read_to_string(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let store = Store::open(db).await.map_err(err)?;
    crate::applications::receive(&store, &who(), &text, region, None)
        .await
        .map(|kept| kept.reference)
        .map_err(|e| format!("{}: {} ({})", spec.display(), e.message, e.code))
}
