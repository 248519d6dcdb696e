//! `iotmark keygen`: a new signing key, the private half readable by its owner only.

use crate::failure::Result;
use crate::{files, keys};
use iotmark_core::wire::cose;
use serde_json::json;
use std::path::{Path, PathBuf};

pub fn keygen(out: &Path, force: bool, json_out: bool) -> Result<i32> {
    files::refuse_overwrite(out, force, "a key (replacing it would lose that key for good)")?;
    let key = keys::generate()?;
    let public = key.verifying_key();
    let pub_path = PathBuf::from(format!("{}.pub", out.display()));
    keys::write_secret(out, &key)?;
    // Both files or neither: a private key without its public half is no use to anyone.
    if let Err(f) = files::write(&pub_path, keys::public_text(&public).as_bytes()) {
        let _ = std::fs::remove_file(out);
        return Err(f);
    }
    let kid = keys::hex(&cose::key_id(&public));
    if json_out {
        println!(
            "{}",
            json!({"private_key_file": out, "public_key_file": pub_path, "public_key": keys::hex(public.as_bytes()), "kid": kid})
        );
    } else {
        println!("private key: {} (readable by you only; keep it secret)", out.display());
        println!("public key:  {} ({})", pub_path.display(), keys::hex(public.as_bytes()));
        println!("key id:      {kid}");
    }
    Ok(0)
}
