//! The highest list sequence numbers this computer has seen, per root key, so that
//! `verify` notices when it is handed an older revocation list than one it already had
//! (a strike-off rolled back). Kept in `$IOTMARK_STATE_DIR`, else
//! `$XDG_STATE_HOME/iotmark`, else `~/.local/state/iotmark`, as `seen-lists.json`.

use crate::{files, keys};
use iotmark_core::date::Date;
use iotmark_core::trust::{RevocationList, TrustList};
use iotmark_core::VerifyingKey;
use serde::Serialize;
use serde_json::{json, Value};
use std::path::PathBuf;

/// How current the revocation list used for a verification is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Current,
    /// No revocation list was given.
    None,
    /// Past its expiry date.
    Expired,
    /// Older than a revocation list this computer verified with before.
    OlderThanSeen,
}

fn state_file() -> Option<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    let dir = var("IOTMARK_STATE_DIR")
        .or_else(|| var("XDG_STATE_HOME").map(|d| d.join("iotmark")))
        .or_else(|| var("HOME").map(|h| h.join(".local/state/iotmark")))?;
    Some(dir.join("seen-lists.json"))
}

/// Compares the lists with the highest sequence numbers seen before, and remembers the
/// new highest. The memory is best effort: when it cannot be read or written, verifying
/// goes on as if nothing had been seen.
pub fn check(root: &VerifyingKey, trust: &TrustList, revoked: Option<&RevocationList>, today: Date) -> Status {
    let key = keys::hex(root.as_bytes());
    let file = state_file();
    let mut seen: Value =
        file.as_ref().and_then(|f| std::fs::read(f).ok()).and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or(json!({}));
    let before = |kind: &str| seen[&key][kind].as_u64().unwrap_or(0);
    let (trust_seen, revocation_seen) = (before("trust"), before("revocation"));
    let status = match revoked {
        None => Status::None,
        Some(r) if r.sequence < revocation_seen => Status::OlderThanSeen,
        Some(r) if r.expires < today => Status::Expired,
        Some(_) => Status::Current,
    };
    let highest = json!({"trust": trust.sequence.max(trust_seen), "revocation": revoked.map_or(0, |r| r.sequence).max(revocation_seen)});
    if seen[&key] != highest {
        seen[&key] = highest;
        if let Some(f) = &file {
            let _ = f.parent().map(std::fs::create_dir_all);
            let _ = files::write(f, serde_json::to_string_pretty(&seen).unwrap_or_default().as_bytes());
        }
    }
    status
}
