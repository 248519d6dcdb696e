//! Trust list and revocation list management, for the mark's operators. Every change is
//! signed with the root key at once and bumps the sequence number, so that verifiers
//! always take the newest list and never go back to an older one.

use crate::failure::{Failure, Result};
use crate::today;
use crate::{files, keys};
use clap::Subcommand;
use iotmark_core::date::Date;
use iotmark_core::label::{Assurance, LabelId};
use iotmark_core::trust::{Edition, Issuer, Reason, RevocationList, Revoked, RootRotation, TrustError, TrustList};
use iotmark_core::wire::cose;
use iotmark_core::VerifyingKey;
use serde_json::json;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum TrustCommand {
    /// Start an empty trust list.
    New {
        #[arg(long)]
        root: PathBuf,
        #[arg(long, short)]
        out: PathBuf,
        /// Days until verifiers start warning that the list is old.
        #[arg(long, default_value_t = 180)]
        valid_days: u32,
        /// The registry's online status key (public key file): it may sign revocation
        /// lists, valid for at most 7 days each, and nothing else.
        #[arg(long)]
        status_key: Option<PathBuf>,
        /// Replace an existing list at `--out`.
        #[arg(long)]
        force: bool,
    },
    /// Name (or replace) the online status key that may sign revocation lists.
    SetStatusKey {
        list: PathBuf,
        #[arg(long)]
        root: PathBuf,
        /// The status key's public key file.
        #[arg(long)]
        key: PathBuf,
        #[arg(long, default_value_t = 180)]
        valid_days: u32,
    },
    /// Admit an issuer, or change an existing one's name, rights and window.
    AddIssuer {
        list: PathBuf,
        #[arg(long)]
        root: PathBuf,
        /// The issuer's public key file.
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        name: String,
        /// Assurance levels it may sign: self-declared, reviewed, audited.
        #[arg(long, value_delimiter = ',', required = true)]
        assurance: Vec<String>,
        /// First issue date accepted (YYYY-MM-DD); today when absent.
        #[arg(long)]
        from: Option<String>,
        /// Last issue date accepted (YYYY-MM-DD).
        #[arg(long, default_value = "2099-12-31")]
        until: String,
        #[arg(long, default_value_t = 180)]
        valid_days: u32,
    },
    /// Retire an issuer: labels it issued after `--on` stop verifying; earlier ones stay.
    RetireIssuer {
        list: PathBuf,
        #[arg(long)]
        root: PathBuf,
        /// Key id (hex) of the issuer.
        #[arg(long)]
        kid: String,
        /// Last day it may issue (YYYY-MM-DD); yesterday when absent.
        #[arg(long)]
        on: Option<String>,
        #[arg(long, default_value_t = 180)]
        valid_days: u32,
    },
    /// Move an issuer to a new key: the new one (same name and rights) may issue from
    /// `--on`, the old one until `--on` (a day of overlap, for the hand-over). Labels the
    /// old key issued stay valid.
    RotateIssuer {
        list: PathBuf,
        #[arg(long)]
        root: PathBuf,
        /// Key id (hex) of the issuer's current key.
        #[arg(long)]
        kid: String,
        /// The issuer's new public key file.
        #[arg(long)]
        key: PathBuf,
        /// First day of the new key (YYYY-MM-DD); today when absent.
        #[arg(long)]
        on: Option<String>,
        #[arg(long, default_value_t = 180)]
        valid_days: u32,
    },
    /// Move the mark's root to a new key: writes the rotation statement, signed by the old
    /// root, that verifiers follow, and signs the next edition of the trust list with the
    /// new root. Publish both; keep the old root key offline until every verifier has
    /// followed.
    RotateRoot {
        list: PathBuf,
        /// The current root key (private).
        #[arg(long)]
        root: PathBuf,
        /// The new root key (private; made with `iotmark keygen`).
        #[arg(long)]
        to: PathBuf,
        /// Where to write the rotation statement.
        #[arg(long, short)]
        out: PathBuf,
        #[arg(long, default_value_t = 180)]
        valid_days: u32,
    },
    /// Show a trust list in readable form, after checking its signature.
    Show(ShowArgs),
}

/// Which list to show, and the root key that must have signed it.
#[derive(clap::Args)]
pub struct ShowArgs {
    list: PathBuf,
    /// Root public (or private) key file.
    #[arg(long)]
    root: PathBuf,
    /// The trust list naming the status key (for a revocation list the status key signed).
    #[arg(long)]
    trust: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum RevokeCommand {
    /// Start an empty revocation list.
    New {
        #[arg(long)]
        root: PathBuf,
        #[arg(long, short)]
        out: PathBuf,
        #[arg(long, default_value_t = 30)]
        valid_days: u32,
        /// Replace an existing list at `--out`.
        #[arg(long)]
        force: bool,
    },
    /// Strike labels off the mark.
    Add {
        list: PathBuf,
        #[arg(long)]
        root: PathBuf,
        /// Label ids (XXXX-XXXX-XXXX-XXXX).
        #[arg(required = true)]
        labels: Vec<String>,
        /// Why: wrong-product, false-claims, copied, withdrawn or other.
        #[arg(long, default_value = "other")]
        reason: String,
        /// The public note verifiers show beside the strike-off (at most 200 bytes).
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long, default_value_t = 30)]
        valid_days: u32,
    },
    /// Show a revocation list, after checking its signature.
    Show(ShowArgs),
}

fn refused(e: TrustError) -> Failure {
    Failure::refused(e.to_string())
}

fn date(s: &str) -> Result<Date> {
    s.parse().map_err(|e: iotmark_core::date::DateError| Failure::input(e.to_string()))
}

pub fn open_trust(path: &Path, root: &VerifyingKey) -> Result<TrustList> {
    TrustList::open(&files::read(path)?, root).map_err(|e| Failure::refused(format!("{}: {e}", path.display())))
}

/// Opens a revocation list signed by the root, or by the status key `trust` names.
pub fn open_revocation(path: &Path, root: &VerifyingKey, trust: Option<&TrustList>) -> Result<RevocationList> {
    let none = TrustList { sequence: 0, issued: Date(0), expires: Date(0), issuers: vec![], status_key: None };
    RevocationList::open(&files::read(path)?, root, trust.unwrap_or(&none))
        .map_err(|e| Failure::refused(format!("{}: {e}", path.display())))
}

fn assurance(name: &str) -> Result<Assurance> {
    Assurance::ALL
        .into_iter()
        .find(|a| a.key() == name)
        .ok_or_else(|| Failure::input(format!("{name:?} is not an assurance level (self-declared, reviewed, audited)")))
}

fn hex_kid(s: &str) -> String {
    s.to_ascii_lowercase()
}

/// An edit to a trust list, applied before it is signed again.
type Change = Box<dyn FnOnce(&mut TrustList) -> Result<()>>;

pub fn trust(c: TrustCommand) -> Result<i32> {
    let (path, root, valid_days, change): (PathBuf, PathBuf, u32, Change) = match c {
        TrustCommand::Show(ShowArgs { list, root, json, .. }) => return show_trust(&list, &root, json),
        TrustCommand::New { root, out, valid_days, status_key, force } => {
            files::refuse_overwrite(&out, force, "a trust list (starting again at sequence 1 would make verifiers refuse every update)")?;
            let key = keys::read_secret(&root)?;
            let status_key = status_key.as_deref().map(keys::read_public).transpose()?;
            let e = Edition::first(today(), valid_days).map_err(refused)?;
            let list = TrustList { sequence: e.sequence, issued: e.issued, expires: e.expires, issuers: vec![], status_key };
            write_trust(&out, &list, &key)?;
            println!("{}: new trust list, sequence 1", out.display());
            return Ok(0);
        }
        TrustCommand::SetStatusKey { list, root, key, valid_days } => {
            let status = keys::read_public(&key)?;
            let change = move |l: &mut TrustList| {
                l.status_key = Some(status);
                Ok(())
            };
            (list, root, valid_days, Box::new(change))
        }
        TrustCommand::AddIssuer { list, root, key, name, assurance: levels, from, until, valid_days } => {
            let issuer_key = keys::read_public(&key)?;
            let assurances = levels.iter().map(|l| assurance(l)).collect::<Result<Vec<_>>>()?;
            let from = from.as_deref().map_or(Ok(today()), date)?;
            let until = date(&until)?;
            let change = move |l: &mut TrustList| {
                l.issuers.retain(|i| i.key != issuer_key);
                l.issuers.push(Issuer { key: issuer_key, name, assurances, from, until });
                Ok(())
            };
            (list, root, valid_days, Box::new(change))
        }
        TrustCommand::RotateIssuer { list, root, kid, key, on, valid_days } => {
            let new_key = keys::read_public(&key)?;
            let on = on.as_deref().map_or(Ok(today()), date)?;
            let change = move |l: &mut TrustList| {
                let old = l
                    .issuers
                    .iter_mut()
                    .find(|i| keys::hex(&cose::key_id(&i.key)) == hex_kid(&kid))
                    .ok_or_else(|| Failure::input(format!("no issuer has key id {kid}")))?;
                if on < old.from || on > old.until {
                    return Err(Failure::input(format!("--on must fall in the old key's window, {} to {}", old.from, old.until)));
                }
                let next = Issuer { key: new_key, name: old.name.clone(), assurances: old.assurances.clone(), from: on, until: old.until };
                old.until = on;
                l.issuers.push(next);
                Ok(())
            };
            (list, root, valid_days, Box::new(change))
        }
        TrustCommand::RotateRoot { list, root, to, out, valid_days } => return rotate_root(&list, &root, &to, &out, valid_days),
        TrustCommand::RetireIssuer { list, root, kid, on, valid_days } => {
            let on = on.as_deref().map_or(Ok(Date(today().0.saturating_sub(1))), date)?;
            let change = move |l: &mut TrustList| {
                let issuer = l
                    .issuers
                    .iter_mut()
                    .find(|i| keys::hex(&cose::key_id(&i.key)) == hex_kid(&kid))
                    .ok_or_else(|| Failure::input(format!("no issuer has key id {kid}")))?;
                issuer.until = on.max(issuer.from);
                Ok(())
            };
            (list, root, valid_days, Box::new(change))
        }
    };
    let key = keys::read_secret(&root)?;
    let mut list = open_trust(&path, &key.verifying_key())?;
    change(&mut list)?;
    list.set_edition(Edition::after(list.sequence, today(), valid_days).map_err(refused)?);
    write_trust(&path, &list, &key)?;
    println!("{}: trust list updated, sequence {}", path.display(), list.sequence);
    Ok(0)
}

/// The rotation statement, then the trust list's next edition under the new root (each
/// written atomically; the statement first, so a trust list the old root's verifiers
/// cannot yet take never stands alone).
fn rotate_root(path: &Path, root: &Path, to: &Path, out: &Path, valid_days: u32) -> Result<i32> {
    files::refuse_overwrite(out, false, "a rotation statement")?;
    let (old, new) = (keys::read_secret(root)?, keys::read_secret(to)?);
    let mut list = open_trust(path, &old.verifying_key())?;
    let rotation = RootRotation { to: new.verifying_key(), on: today() }.sign(&old).map_err(refused)?;
    list.set_edition(Edition::after(list.sequence, today(), valid_days).map_err(refused)?);
    let signed = list.sign(&new).map_err(refused)?;
    files::write(out, &rotation)?;
    files::write(path, &signed)?;
    println!("{}: the root moves to key [{}]", out.display(), keys::hex(&cose::key_id(&new.verifying_key())));
    println!("{}: trust list signed by the new root, sequence {}", path.display(), list.sequence);
    Ok(0)
}

fn write_trust(path: &Path, list: &TrustList, key: &iotmark_core::SigningKey) -> Result<()> {
    let bytes = list.sign(key).map_err(|e| Failure::refused(e.to_string()))?;
    files::write(path, &bytes)
}

fn show_trust(path: &Path, root: &Path, json_out: bool) -> Result<i32> {
    let list = open_trust(path, &keys::read_public(root)?)?;
    let issuers: Vec<_> = list
        .issuers
        .iter()
        .map(|i| {
            json!({"name": i.name, "kid": keys::hex(&i.kid()), "public_key": keys::hex(i.key.as_bytes()),
                   "assurances": i.assurances, "from": i.from, "until": i.until})
        })
        .collect();
    if json_out {
        let status = list.status_key.map(|k| keys::hex(k.as_bytes()));
        println!(
            "{}",
            json!({"sequence": list.sequence, "issued": list.issued, "expires": list.expires, "issuers": issuers, "status_key": status})
        );
    } else {
        println!("trust list {} (sequence {}), issued {}, expires {}", path.display(), list.sequence, list.issued, list.expires);
        if let Some(k) = &list.status_key {
            println!("  status key [{}] may sign revocation lists", keys::hex(&cose::key_id(k)));
        }
        for i in &list.issuers {
            let levels: Vec<&str> = i.assurances.iter().map(|a| a.key()).collect();
            println!("  {} [{}] may sign {} labels issued {} to {}", i.name, keys::hex(&i.kid()), levels.join(", "), i.from, i.until);
        }
    }
    Ok(0)
}

pub fn revoke(c: RevokeCommand) -> Result<i32> {
    match c {
        RevokeCommand::Show(ShowArgs { list, root, trust, json }) => {
            let root = keys::read_public(&root)?;
            let trust = trust.as_deref().map(|t| open_trust(t, &root)).transpose()?;
            let l = open_revocation(&list, &root, trust.as_ref())?;
            let suspended: Vec<_> =
                l.suspended.iter().map(|s| json!({"kid": keys::hex(&s.kid), "from": s.from, "recorded": s.recorded.len()})).collect();
            if json {
                println!(
                    "{}",
                    json!({"sequence": l.sequence, "issued": l.issued, "expires": l.expires, "labels": l.labels, "suspended": suspended})
                );
            } else {
                println!("revocation list {} (sequence {}), issued {}, expires {}", list.display(), l.sequence, l.issued, l.expires);
                l.labels.iter().for_each(|r| println!("  {} struck off on {} ({}) {}", r.id, r.on, r.reason.code(), r.note));
                l.suspended.iter().for_each(|s| {
                    println!("  issuer key [{}] suspended from {}: {} labels recorded", keys::hex(&s.kid), s.from, s.recorded.len())
                });
            }
            Ok(0)
        }
        RevokeCommand::New { root, out, valid_days, force } => {
            files::refuse_overwrite(
                &out,
                force,
                "a revocation list (starting again at sequence 1 would make verifiers refuse every update)",
            )?;
            let key = keys::read_secret(&root)?;
            let mut list = RevocationList::default();
            list.set_edition(Edition::first(today(), valid_days).map_err(refused)?);
            files::write(&out, &list.sign(&key).map_err(|e| Failure::refused(e.to_string()))?)?;
            println!("{}: new revocation list, sequence 1", out.display());
            Ok(0)
        }
        RevokeCommand::Add { list, root, labels, reason, note, valid_days } => {
            let key = keys::read_secret(&root)?;
            let reason = Reason::from_code(&reason).ok_or_else(|| {
                Failure::input(format!("{reason:?} is not a reason (wrong-product, false-claims, copied, withdrawn, other)"))
            })?;
            let mut l = open_revocation(&list, &key.verifying_key(), None)?;
            for id in &labels {
                let id: LabelId = id.parse().map_err(|e: iotmark_core::label::LabelError| Failure::input(e.to_string()))?;
                l.strike_off(Revoked { id, on: today(), reason, note: note.clone() });
            }
            l.set_edition(Edition::after(l.sequence, today(), valid_days).map_err(refused)?);
            files::write(&list, &l.sign(&key).map_err(|e| Failure::refused(e.to_string()))?)?;
            println!("{}: {} labels struck off, sequence {}", list.display(), l.labels.len(), l.sequence);
            Ok(0)
        }
    }
}
