//! The registry client (`docs/registry.md`): registering what an issuer signs, so that the
//! registry can keep each label's status true after printing, and fetching the published
//! lists for `verify --lists-url`.

use crate::failure::{exit, Failure, Result};
use clap::Args;
use serde_json::{json, Value};
use std::time::Duration;

/// The most labels one registration request carries (the registry refuses more).
pub const BATCH: usize = 1000;

/// Where to register signed labels, and the issuer's API token.
#[derive(Args, Clone, Debug, Default)]
pub struct RegistryArgs {
    /// The registry's address (e.g. https://registry.example.org); labels are registered
    /// there after signing. Needs the issuer's API token.
    #[arg(long)]
    pub registry: Option<String>,
    /// The issuer's API token (or the environment variable IOTMARK_REGISTRY_TOKEN).
    #[arg(long, env = "IOTMARK_REGISTRY_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

/// A connection to one registry.
pub struct Registry {
    base: String,
    token: Option<String>,
    agent: ureq::Agent,
}

/// What a registration request did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Registered {
    pub registered: u64,
    pub already: u64,
}

fn unreachable(base: &str, e: ureq::Error) -> Failure {
    Failure { message: format!("the registry at {base} cannot be reached: {e}"), code: exit::OUTPUT }
}

impl Registry {
    pub fn new(base: &str, token: Option<String>) -> Result<Registry> {
        let base = base.trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Failure::input(format!("{base:?} is not a registry address (http:// or https://)")));
        }
        let config = ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(60))).build();
        Ok(Registry { base: base.to_owned(), token, agent: config.into() })
    }

    /// The registry of `args`, when one is given; a token is then required.
    pub fn from_args(args: &RegistryArgs) -> Result<Option<Registry>> {
        let Some(base) = &args.registry else { return Ok(None) };
        if args.token.as_deref().is_none_or(str::is_empty) {
            return Err(Failure::input("--registry needs the issuer's API token: --token or IOTMARK_REGISTRY_TOKEN"));
        }
        Registry::new(base, args.token.clone()).map(Some)
    }

    /// Registers signed label texts, at most [`BATCH`] a request. Registering a label
    /// again is harmless, so an interrupted run can simply send everything again.
    pub fn register(&self, texts: &[String]) -> Result<Registered> {
        let mut total = Registered::default();
        for chunk in texts.chunks(BATCH) {
            let url = format!("{}/api/labels", self.base);
            let token = self.token.as_deref().unwrap_or("");
            let mut r = self
                .agent
                .post(&url)
                .header("Authorization", &format!("Bearer {token}"))
                .send_json(json!({ "labels": chunk }))
                .map_err(|e| unreachable(&self.base, e))?;
            let status = r.status().as_u16();
            let body: Value = r.body_mut().read_json().unwrap_or(Value::Null);
            if status != 200 {
                let why = body["message"].as_str().unwrap_or("no reason given");
                return Err(Failure::refused(format!("the registry refused the labels (HTTP {status}): {why}")));
            }
            total.registered += body["registered"].as_u64().unwrap_or(0);
            total.already += body["already"].as_u64().unwrap_or(0);
        }
        Ok(total)
    }

    /// The published trust list and revocation list, as signed bytes (checked by the caller).
    pub fn lists(&self) -> Result<(Vec<u8>, Vec<u8>)> {
        let get = |name: &str| -> Result<Vec<u8>> {
            let url = format!("{}/lists/{name}", self.base);
            let mut r = self.agent.get(&url).call().map_err(|e| unreachable(&self.base, e))?;
            if r.status().as_u16() != 200 {
                return Err(Failure::input(format!("{url}: HTTP {}", r.status().as_u16())));
            }
            r.body_mut().with_config().limit(16 << 20).read_to_vec().map_err(|e| Failure::input(format!("{url}: {e}")))
        };
        Ok((get("trust.cose")?, get("revocation.cose")?))
    }
}
