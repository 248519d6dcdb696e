//! Fixtures shared by the conformance vectors and the cross-component tests: fixed keys,
//! a fixed trust list and sample labels, so that every run produces the same bytes.

pub mod scenes;
pub mod vectors;

use iotmark_core::catalogue;
use iotmark_core::date::{Date, YearMonth};
use iotmark_core::grade::{self, Grade};
use iotmark_core::label::*;
use iotmark_core::trust::{Fingerprint, Issuer, Reason, RevocationList, Revoked, Suspension, TrustList};
use iotmark_core::SigningKey;
use sha2::{Digest, Sha256};

/// A key derived from a name, so that fixtures are reproducible.
pub fn key(name: &str) -> SigningKey {
    SigningKey::from_bytes(&Sha256::digest(format!("iotmark test key: {name}")).into())
}

pub fn date(s: &str) -> Date {
    s.parse().expect("fixture dates are valid")
}

/// The day the vectors are verified on, unless a vector names another.
pub const TODAY: &str = "2026-11-22";

/// Issuers: a lab that may sign everything, a self-declaration registry, a retired lab,
/// and a lab whose key leaked (suspended in the revocation list); and the status key.
pub fn trust_list() -> TrustList {
    let issuer = |name: &str, assurances: &[Assurance], from: &str, until: &str| Issuer {
        key: key(name).verifying_key(),
        name: name.to_owned(),
        assurances: assurances.to_vec(),
        from: date(from),
        until: date(until),
    };
    TrustList {
        sequence: 7,
        issued: date("2026-11-01"),
        expires: date("2027-05-01"),
        issuers: vec![
            issuer("Example Test Lab", &Assurance::ALL, "2025-01-01", "2030-12-31"),
            issuer("Example Self-Declaration Registry", &[Assurance::SelfDeclared], "2025-01-01", "2030-12-31"),
            issuer("Retired Lab", &Assurance::ALL, "2024-01-01", "2025-06-30"),
            issuer(LEAKED_LAB, &Assurance::ALL, "2025-01-01", "2030-12-31"),
        ],
        status_key: Some(key(STATUS).verifying_key()),
    }
}

/// The issuer whose key leaked, and the registry's online status key.
pub const LEAKED_LAB: &str = "Leaked Lab";
pub const STATUS: &str = "Example Registry status key";

/// The one label the registry had recorded for the leaked lab before its suspension.
pub fn recorded_leaked_label() -> Vec<u8> {
    let label = Label { id: LabelId(0x1EA4_0000_0000_0001), ..sample(0, Grade::Gold, Assurance::Audited) };
    iotmark_core::wire::cose::sign(&key(LEAKED_LAB), &iotmark_core::wire::encode_claims(&label))
}

/// Signed by the status key, valid for 3 days: one struck-off label, one suspended key.
pub fn revocation_list() -> RevocationList {
    let struck = Revoked {
        id: LabelId(0xDEAD_0000_0000_0001),
        on: date("2026-11-14"),
        reason: Reason::WrongProduct,
        note: "Printed on a kettle it was not issued for".into(),
    };
    let payload = iotmark_core::wire::cose::open(&recorded_leaked_label()).map(|e| e.payload.to_vec()).unwrap_or_default();
    let leaked = Suspension {
        kid: iotmark_core::wire::cose::key_id(&key(LEAKED_LAB).verifying_key()),
        from: date("2026-11-10"),
        recorded: vec![Fingerprint::of_payload(&payload)],
    };
    RevocationList { sequence: 3, issued: date("2026-11-21"), expires: date("2026-11-24"), labels: vec![struck], suspended: vec![leaked] }
}

/// Statuses that earn `grade` (or no mark for `None`) under the June 2018 catalogue.
pub fn statuses(grade: Option<Grade>) -> Vec<Status> {
    let mut s = vec![Status::Met; 33];
    let mut set = |ids: &[usize], st: Status| ids.iter().for_each(|i| s[i - 1] = st);
    match grade {
        Some(Grade::Gold) => set(&[11, 14], Status::NotMet),
        Some(Grade::Silver) => set(&[9, 10, 13, 14, 15], Status::NotMet),
        Some(Grade::Bronze) => {
            set(&[24], Status::Partly);
            set(&[9, 10, 11, 12, 13, 14, 15, 16, 17], Status::NotMet);
        }
        None => set(&[3], Status::NotMet),
    }
    s
}

/// A realistic label with every fact filled in.
pub fn sample(id: u64, grade: Grade, assurance: Assurance) -> Label {
    let principles = statuses(Some(grade));
    debug_assert_eq!(grade::grade(&catalogue::JUNE_2018, &principles), Some(grade));
    Label {
        id: LabelId(id),
        catalogue: 1,
        product: Product {
            maker: "Hearth Audio GmbH".into(),
            name: "Hearth Speaker Mini".into(),
            model: "HS-200".into(),
            gtin: Some("4006381333931".into()),
            serial: Some("HS2-0012345".into()),
        },
        principles,
        grade,
        assurance,
        issued: date("2026-03-01"),
        valid_until: date("2028-02-29"),
        facts: Facts {
            lifecycle: Lifecycle {
                updates_until: YearMonth::new(2031, 6).expect("valid month"),
                update_delivery: UpdateDelivery::Automatic,
                without_cloud: WithoutCloud::Partly,
                repair: Repair { repair_docs: true, spare_parts: true, end_of_life_plan: true },
            },
            privacy: Privacy {
                sensors: Sensors { microphone: true, presence: true, usage: true, ..Default::default() },
                processing: Processing::DeviceAndCloud,
                sharing: Sharing::default(),
                rights: DataRights { see: true, delete: true, export: true, correct: true },
            },
            openness: Openness { apps: true, local_api: true, firmware: true, ..Default::default() },
        },
    }
}
