//! The signed lists the registry serves: the root-signed trust list (given to it, never
//! made here) and the revocation list, which it builds from the database and signs with
//! the status key.
//!
//! The signed revocation list is stored in the database with its sequence number, and the
//! sequence is incremented in the same transaction as the change it publishes. So the
//! sequence only grows, across restarts and across processes, and every process sharing
//! one database serves byte-identical lists: each polls the stored sequence and reloads
//! the bytes when another process published a newer one.

use crate::clock::today;
use crate::secrets::{hex, sha256};
use crate::store::{Store, StoreError};
use axum::body::Bytes;
use iotmark_core::date::Date;
use iotmark_core::label::LabelId;
use iotmark_core::trust::{Fingerprint, Reason, RevocationList, Revoked, RootRotation, Suspension, TrustList};
use iotmark_core::wire::cose;
use iotmark_core::{SigningKey, VerifyingKey};
use sqlx::{AnyConnection, Row};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Days a revocation list stays valid; verifiers refuse status-signed lists valid for
/// more than 7, and the registry re-signs daily, so 3 leaves two days of slack.
pub const VALID_DAYS: u32 = 3;
/// How often each process looks for a list published by another process.
pub const POLL: Duration = Duration::from_millis(250);

/// One signed list as served: its bytes and the validator clients revalidate with.
#[derive(Clone, Debug)]
pub struct Served {
    pub bytes: Bytes,
    pub etag: String,
    pub sequence: u64,
}

impl Served {
    fn new(kind: &str, sequence: u64, bytes: Vec<u8>) -> Served {
        let etag = format!("\"{kind}{sequence}-{}\"", hex(&sha256(&bytes)[..6]));
        Served { bytes: Bytes::from(bytes), etag, sequence }
    }
}

pub struct Lists {
    /// The current root: the pinned one, or where its rotations led.
    pub root: VerifyingKey,
    pub trust: TrustList,
    /// The root rotations verifiers follow, oldest first (`/lists/rotations/1.cose`, …).
    rotations: Vec<Arc<Served>>,
    trust_served: Arc<Served>,
    status_key: SigningKey,
    revocation: RwLock<Arc<Served>>,
    publish_dir: Option<PathBuf>,
}

fn db_err(what: &str) -> StoreError {
    StoreError(what.to_owned())
}

impl Lists {
    /// Follows `rotations` (oldest first) from `root`, then checks that the trust list is
    /// signed by the root they lead to and names `status_key`'s public half.
    pub fn new(
        root: VerifyingKey,
        rotations: Vec<Vec<u8>>,
        trust_bytes: Vec<u8>,
        status_key: SigningKey,
        publish_dir: Option<PathBuf>,
    ) -> Result<Lists, String> {
        let mut root = root;
        for (n, bytes) in rotations.iter().enumerate() {
            root = RootRotation::open(bytes, &root).map_err(|e| format!("root rotation {}: {e}", n + 1))?.to;
        }
        let rotations = rotations.into_iter().enumerate().map(|(n, b)| Arc::new(Served::new("r", n as u64 + 1, b))).collect();
        let trust = TrustList::open(&trust_bytes, &root)
            .map_err(|e| format!("the trust list cannot be used (it must be signed by the newest root): {e}"))?;
        if trust.status_key != Some(status_key.verifying_key()) {
            return Err(
                "the trust list does not name this status key (iotmark trust set-status-key), so verifiers would refuse its lists".into()
            );
        }
        let trust_served = Arc::new(Served::new("t", trust.sequence, trust_bytes));
        let empty = Arc::new(Served { bytes: Bytes::new(), etag: String::new(), sequence: 0 });
        Ok(Lists { root, trust, rotations, trust_served, status_key, revocation: RwLock::new(empty), publish_dir })
    }

    /// Root rotation `n` (counted from 1), if there is one.
    pub fn rotation(&self, n: usize) -> Option<Arc<Served>> {
        n.checked_sub(1).and_then(|i| self.rotations.get(i)).cloned()
    }

    pub fn trust(&self) -> Arc<Served> {
        self.trust_served.clone()
    }

    pub fn revocation(&self) -> Arc<Served> {
        self.revocation.read().map(|r| r.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Makes `served` the current revocation list unless a newer one is already served.
    pub fn install(&self, served: Served) {
        let mut current = self.revocation.write().unwrap_or_else(|p| p.into_inner());
        if served.sequence <= current.sequence {
            return;
        }
        *current = Arc::new(served);
        let published = current.clone();
        drop(current);
        if let Some(dir) = &self.publish_dir {
            if let Err(e) = publish(dir, &self.trust_served.bytes, &published.bytes) {
                eprintln!("iotmark-registry: could not publish the lists to {}: {e}", dir.display());
            }
        }
    }

    /// Builds, signs and stores a new revocation list inside the caller's transaction, so
    /// that the change and the list that publishes it commit together. Install the result
    /// after the commit.
    pub async fn resign(&self, conn: &mut AnyConnection) -> Result<Served, StoreError> {
        let row = sqlx::query("UPDATE lists SET sequence = sequence + 1 WHERE name = 'revocation' RETURNING sequence")
            .fetch_one(&mut *conn)
            .await?;
        let sequence = u64::try_from(row.try_get::<i64, _>(0)?).map_err(|_| db_err("negative list sequence"))?;
        let issued = today();
        let list = RevocationList {
            sequence,
            issued,
            expires: issued.plus_days(VALID_DAYS).ok_or_else(|| db_err("the list would expire after 9999-12-31"))?,
            labels: struck_off(conn).await?,
            suspended: suspensions(conn).await?,
        };
        let bytes = list.sign(&self.status_key).map_err(|e| StoreError(format!("cannot sign the revocation list: {e}")))?;
        sqlx::query("UPDATE lists SET issued = $1, bytes = $2 WHERE name = 'revocation'")
            .bind(i64::from(issued.0))
            .bind(bytes.clone())
            .execute(&mut *conn)
            .await?;
        Ok(Served::new("r", sequence, bytes))
    }

    /// Loads the stored list when it is newer than the one served.
    pub async fn reload(&self, store: &Store) -> Result<(), StoreError> {
        let row = sqlx::query("SELECT sequence FROM lists WHERE name = 'revocation'").fetch_optional(&store.pool).await?;
        let Some(row) = row else { return Ok(()) };
        let sequence = row.try_get::<i64, _>(0)? as u64;
        if sequence <= self.revocation().sequence {
            return Ok(());
        }
        let row = sqlx::query("SELECT sequence, bytes FROM lists WHERE name = 'revocation'").fetch_one(&store.pool).await?;
        let bytes: Vec<u8> = row.try_get(1)?;
        if !bytes.is_empty() {
            self.install(Served::new("r", row.try_get::<i64, _>(0)? as u64, bytes));
        }
        Ok(())
    }

    /// At start: stores the trust list for `publish`, and signs a fresh revocation list, so
    /// that a changed status key or imported strike-offs are published at once.
    pub async fn start(&self, store: &Store) -> Result<(), StoreError> {
        let mut tx = store.begin().await?;
        let trust = self.trust_served.bytes.to_vec();
        let conn = tx.conn();
        sqlx::query("INSERT INTO lists (name, sequence, issued, bytes) VALUES ('trust', $1, $2, $3) ON CONFLICT (name) DO UPDATE SET sequence = excluded.sequence, issued = excluded.issued, bytes = excluded.bytes")
            .bind(self.trust.sequence as i64)
            .bind(i64::from(self.trust.issued.0))
            .bind(trust)
            .execute(&mut *conn)
            .await?;
        sqlx::query("INSERT INTO lists (name, sequence, issued, bytes) VALUES ('revocation', 0, 0, $1) ON CONFLICT (name) DO NOTHING")
            .bind(Vec::<u8>::new())
            .execute(&mut *conn)
            .await?;
        let served = self.resign(conn).await?;
        tx.commit().await?;
        self.install(served);
        self.reload(store).await
    }

    /// Re-signs when the served list was issued before today, so it never nears expiry.
    pub async fn refresh_daily(&self, store: &Store) -> Result<(), StoreError> {
        let mut tx = store.begin().await?;
        let row = sqlx::query("SELECT issued FROM lists WHERE name = 'revocation'").fetch_one(tx.conn()).await?;
        if row.try_get::<i64, _>(0)? >= i64::from(today().0) {
            return Ok(());
        }
        let served = self.resign(tx.conn()).await?;
        tx.commit().await?;
        self.install(served);
        Ok(())
    }
}

/// Polls for lists published by other processes, and re-signs daily, until the process ends.
pub fn spawn_background(lists: Arc<Lists>, store: Arc<Store>) {
    tokio::spawn(async move {
        let mut ticks: u64 = 0;
        loop {
            tokio::time::sleep(POLL).await;
            ticks += 1;
            if let Err(e) = lists.reload(&store).await {
                eprintln!("iotmark-registry: reloading the revocation list failed: {e}");
            }
            // Every ten minutes.
            if ticks.is_multiple_of(2400) {
                if let Err(e) = lists.refresh_daily(&store).await {
                    eprintln!("iotmark-registry: the daily re-signing failed: {e}");
                }
            }
        }
    });
}

/// The registry's own strike-offs, then imported ones for ids it did not strike off itself.
async fn struck_off(conn: &mut AnyConnection) -> Result<Vec<Revoked>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, struck_off_on, strike_reason, public_reason FROM labels WHERE struck_off_on IS NOT NULL \
         UNION ALL SELECT s.id, s.struck_off_on, s.strike_reason, s.public_reason FROM imported_strikes s \
         WHERE NOT EXISTS (SELECT 1 FROM labels l WHERE l.id = s.id AND l.struck_off_on IS NOT NULL)",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get(0)?;
        let id: LabelId = id.parse().map_err(|_| db_err("a stored label id is malformed"))?;
        let on = Date(u32::try_from(row.try_get::<i64, _>(1)?).unwrap_or(0));
        let reason = Reason::from_code(&row.try_get::<Option<String>, _>(2)?.unwrap_or_default()).unwrap_or(Reason::Other);
        let note = row.try_get::<Option<String>, _>(3)?.unwrap_or_default();
        out.push(Revoked { id, on, reason, note });
    }
    out.sort_by_key(|r| r.id);
    Ok(out)
}

/// Each suspended issuer with the fingerprints of its labels recorded as issued before
/// the suspension date and not struck off: those keep verifying, nothing else does.
async fn suspensions(conn: &mut AnyConnection) -> Result<Vec<Suspension>, StoreError> {
    let issuers =
        sqlx::query("SELECT id, public_key, suspended_from FROM issuers WHERE suspended_from IS NOT NULL").fetch_all(&mut *conn).await?;
    let mut out = Vec::with_capacity(issuers.len());
    for row in issuers {
        let (id, key, from): (i64, Vec<u8>, i64) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        let key: [u8; 32] = key.try_into().map_err(|_| db_err("a stored issuer key is not 32 bytes"))?;
        let key = VerifyingKey::from_bytes(&key).map_err(|_| db_err("a stored issuer key is not an Ed25519 key"))?;
        let rows = sqlx::query("SELECT fingerprint FROM labels WHERE issuer = $1 AND issued < $2 AND struck_off_on IS NULL")
            .bind(id)
            .bind(from)
            .fetch_all(&mut *conn)
            .await?;
        let mut recorded = Vec::with_capacity(rows.len());
        for r in rows {
            let f: Vec<u8> = r.try_get(0)?;
            recorded.push(Fingerprint(f.try_into().map_err(|_| db_err("a stored fingerprint has the wrong length"))?));
        }
        recorded.sort_unstable();
        recorded.dedup();
        let from = Date(u32::try_from(from).unwrap_or(0));
        out.push(Suspension { kid: cose::key_id(&key), from, recorded });
    }
    out.sort_by_key(|s| s.kid);
    Ok(out)
}

/// Writes both lists into `dir`, each by writing a temporary file and renaming it, so a
/// static host never serves half a file.
pub fn publish(dir: &Path, trust: &[u8], revocation: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, bytes) in [("trust.cose", trust), ("revocation.cose", revocation)] {
        let tmp = dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, bytes)?;
        std::fs::File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, dir.join(name))?;
    }
    Ok(())
}
