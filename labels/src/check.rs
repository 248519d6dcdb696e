//! `iotmark check`: is a spec valid, what grade it earns, what the next grade needs.

use crate::failure::{exit, Failure, Result};
use crate::spec;
use crate::today;
use iotmark_core::explain::Messages;
use iotmark_core::grade;
use iotmark_core::issue::issue;
use iotmark_core::label::LabelId;
use iotmark_core::SigningKey;
use serde_json::json;
use std::path::Path;

pub fn check(path: &Path, json_out: bool) -> Result<i32> {
    let spec = spec::load(path)?;
    let cat = spec.catalogue().map_err(Failure::input)?;
    let statuses = spec.statuses().map_err(Failure::input)?;
    let earned = grade::grade(cat, &statuses);
    let next = grade::next_grade(cat, &statuses);
    // The rules `sign` applies, all of them (text fields, GTIN, dates, QR fit), with a
    // throwaway key: a spec that checks is one that signs.
    if earned.is_some() {
        let label = spec.label(LabelId(0), today(), None).map_err(|f| Failure::input(format!("{}: {f}", path.display())))?;
        issue(&label, &SigningKey::from_bytes(&[1; 32]), spec.link()).map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
    }
    let m = Messages::english();
    let principle = |id: &u8| format!("{id}. {}", m.say(&format!("principle.{id}"), &[]));
    if json_out {
        println!(
            "{}",
            json!({"file": path, "valid": true, "grade": earned, "next": next.as_ref().map(|(g, s)| json!({"grade": g, "shortfall": s}))})
        );
    } else {
        println!("{}: valid spec", path.display());
        match earned {
            Some(g) => println!("grade: {g}"),
            None => println!("grade: no mark (an applicable essential principle is not met)"),
        }
        if let Some((target, short)) = &next {
            println!("for {target}:");
            for id in &short.must_meet {
                println!("  - meet principle {}", principle(id));
            }
            if let Some((n, candidates)) = &short.more_of {
                println!("  - meet {n} more of:");
                for id in candidates {
                    println!("      {}", principle(id));
                }
            }
        }
    }
    Ok(if earned.is_some() { 0 } else { exit::REFUSED })
}
