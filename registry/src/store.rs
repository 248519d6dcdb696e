//! The database: one query layer over SQLite or PostgreSQL (`sqlx::any`), so that every
//! query is written once, with `$n` placeholders that both accept.
//!
//! SQLite allows one writer at a time; its writes go through one async lock here so that
//! concurrent transactions queue instead of failing with "database is locked".
//! PostgreSQL needs no such lock: its row locks order concurrent writers, also across
//! processes.

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, Executor, Transaction};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// The default database: a SQLite file beside the working directory.
pub const DEFAULT_URL: &str = "sqlite://iotmark-registry.db";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database failure. The message is for the operator's log, never for the public.
#[derive(Debug)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "database: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError(format!("migration failed: {e}"))
    }
}

pub struct Store {
    pub pool: AnyPool,
    pub backend: Backend,
    writer: Mutex<()>,
}

/// A write transaction; for SQLite it also holds the one writer's turn.
pub struct Tx<'a> {
    pub tx: Transaction<'static, Any>,
    _turn: Option<MutexGuard<'a, ()>>,
}

impl Tx<'_> {
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        Ok(self.tx.commit().await?)
    }
}

/// Whether a failed statement broke a unique index (both back ends' codes).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            let code = d.code().unwrap_or_default();
            code == "23505" || code == "2067" || code == "1555" || d.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

fn backend_of(url: &str) -> Result<Backend, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(StoreError(format!("{url:?} is neither a sqlite:// nor a postgres:// URL")))
    }
}

/// A SQLite URL that creates the file when missing.
fn with_create(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

impl Store {
    /// Connects and brings the schema up to date.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url)?;
        let url = if backend == Backend::Sqlite { with_create(url) } else { url.to_owned() };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 8 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL with synchronous=FULL: a commit is on disk before it returns,
                        // so an acknowledged report survives a crash or power loss.
                        conn.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON")
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        match backend {
            Backend::Sqlite => SQLITE.run(&pool).await?,
            Backend::Postgres => POSTGRES.run(&pool).await?,
        }
        Ok(Store { pool, backend, writer: Mutex::new(()) })
    }

    pub async fn begin(&self) -> Result<Tx<'_>, StoreError> {
        let turn = match self.backend {
            Backend::Sqlite => Some(self.writer.lock().await),
            Backend::Postgres => None,
        };
        Ok(Tx { tx: self.pool.begin().await?, _turn: turn })
    }
}

/// Appends to the change log, inside the transaction that makes the change.
pub async fn log(conn: &mut AnyConnection, who: &str, what: &str) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO log (at, who, what) VALUES ($1, $2, $3)").bind(crate::clock::now()).bind(who).bind(what).execute(conn).await?;
    Ok(())
}
