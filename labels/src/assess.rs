//! `iotmark assess`: a plain-language self-assessment that writes a label spec.
//!
//! One question per principle and per fact, each with what it means and what evidence to
//! keep. Question ids are the spec's own field paths (`product.maker`, `principles.7`,
//! `privacy.sensors`), so a file of answers for `--answers` is simply a (partial) spec in
//! TOML; anything it leaves out is asked on the terminal, or is an error without one.

use crate::failure::{Failure, Result};
use crate::{files, spec};
use clap::Args;
use iotmark_core::catalogue;
use iotmark_core::explain::Messages;
use iotmark_core::label::{DataRights, Openness, Repair, Sensors, Sharing};
use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

#[derive(Args)]
pub struct AssessArgs {
    /// Where to write the spec (`-` for stdout).
    #[arg(long, short)]
    out: PathBuf,
    /// Answers in a TOML file shaped like a spec; questions it answers are not asked.
    #[arg(long)]
    answers: Option<PathBuf>,
}

/// What evidence a maker should keep for each principle (June 2018 catalogue, by id).
const EVIDENCE: [&str; 33] = [
    "the page or form where users request their data, and a sample export",
    "the privacy notice, in plain language",
    "the deletion procedure and a record of a test deletion",
    "the export format (documented, machine-readable) and a sample",
    "the opt-out link or setting, and proof that it takes effect",
    "the settings that limit data use, with screenshots",
    "the way users correct their data",
    "a list of automated decisions, and how users stop them",
    "the public API documentation for third-party apps",
    "a comparison of third-party and first-party API access",
    "the documentation for third-party devices",
    "the local protocol documentation",
    "the firmware source repository and its licence",
    "the published hardware design files and licence",
    "the backend source repository and licence",
    "the app source repositories and licence",
    "the setting that turns off the cloud connection, and what still works",
    "the ownership transfer procedure",
    "the reset and transfer procedure that removes the previous owner's data",
    "the terms that explain changes of use",
    "the terms of service with their duration",
    "how users are asked before terms change",
    "the public firmware changelog",
    "the security contact (security.txt) and vulnerability disclosure policy",
    "the threat model and design review records",
    "the default settings: no default passwords, encryption on",
    "the risk assessment against a known baseline (ETSI EN 303 645, OWASP IoT Top 10)",
    "the factory reset instructions",
    "the published support period and end-of-life plan, including for bankruptcy or takeover",
    "the published support levels over the product's life",
    "release notes showing no core function was removed",
    "the published repair documentation",
    "the spare-parts ordering page and price list",
];

enum Kind {
    Text { optional: bool },
    Number,
    Month,
    Choice(&'static [&'static str]),
    Many(&'static [&'static str]),
}

struct Question {
    id: String,
    prompt: String,
    help: String,
    kind: Kind,
    default: Option<&'static str>,
}

fn q(id: &str, prompt: &str, help: &str, kind: Kind, default: Option<&'static str>) -> Question {
    Question { id: id.into(), prompt: prompt.into(), help: help.into(), kind, default }
}

const STATUSES: &[&str] = &["met", "partly", "not-met", "not-applicable"];

fn questions() -> Vec<Question> {
    let m = Messages::english();
    let mut qs = vec![
        q("product.maker", "Who makes the product?", "The company name as printed on the box. Shoppers compare it with the box, so a copied label is easy to spot.", Kind::Text { optional: false }, None),
        q("product.name", "What is the product called?", "The name on the box, up to 32 characters.", Kind::Text { optional: false }, None),
        q("product.model", "What is the model number?", "As printed on the product or box, up to 24 characters.", Kind::Text { optional: false }, None),
        q("product.gtin", "What is its GTIN (the barcode number)? Leave blank if none.", "The 8, 12, 13 or 14 digits under the barcode.", Kind::Text { optional: true }, Some("")),
        q("product.serial", "A serial number for this one label? Leave blank for a label per model.", "For labels per unit, use `iotmark batch` with a list of serials instead.", Kind::Text { optional: true }, Some("")),
        q("assurance", "How is this assessment backed?", "self-declared: you say so and publish the evidence; reviewed: someone checked your documents; audited: an approved body tested the product. Only an issuer allowed to sign that level can sign it.", Kind::Choice(&["self-declared", "reviewed", "audited"]), Some("self-declared")),
        q("valid_for_months", "For how many months should the label be valid?", "Labels are renewed; 12 to 36 months is usual.", Kind::Number, Some("24")),
    ];
    for p in catalogue::current().principles {
        let tier = match p.tier {
            catalogue::Tier::Essential => "essential: every marked product must meet it",
            catalogue::Tier::NiceToHave => "nice to have: good practice",
            catalogue::Tier::Open => "open: best practice in open development",
        };
        qs.push(q(
            &format!("principles.{}", p.id),
            &format!("Principle {}: {}", p.id, m.say(&format!("principle.{}", p.id), &[])),
            &format!("This is {tier}. Evidence to keep: {}.", EVIDENCE[usize::from(p.id) - 1]),
            Kind::Choice(STATUSES),
            None,
        ));
    }
    qs.extend([
        q(
            "lifecycle.updates_until",
            "Until when will you ship security updates (YYYY-MM)?",
            "The month and year you commit to, as the EU Cyber Resilience Act and UK PSTI require.",
            Kind::Month,
            None,
        ),
        q(
            "lifecycle.update_delivery",
            "How do updates arrive?",
            "automatic: installed without asking; prompted: offered, the user approves; manual: the user must find them.",
            Kind::Choice(&["automatic", "prompted", "manual"]),
            Some("automatic"),
        ),
        q(
            "lifecycle.without_cloud",
            "Do the core functions work without your online service?",
            "works: fully; partly: some main functions stop; fails: the product stops working.",
            Kind::Choice(&["works", "partly", "fails"]),
            None,
        ),
        q(
            "lifecycle.repair",
            "Which of these do you provide? (comma-separated, blank for none)",
            "Published repair documentation, spare parts on request, a published end-of-life plan.",
            Kind::Many(Repair::NAMES),
            Some(""),
        ),
        q(
            "privacy.sensors",
            "Which of these does it sense or collect? (comma-separated, blank for none)",
            "List everything the product can record, even if it is off by default.",
            Kind::Many(Sensors::NAMES),
            Some(""),
        ),
        q(
            "privacy.processing",
            "Where is the data processed?",
            "on-device: it never leaves the product; device-and-cloud: some goes to your servers; cloud: it is sent to your servers.",
            Kind::Choice(&["on-device", "device-and-cloud", "cloud"]),
            None,
        ),
        q(
            "privacy.sharing",
            "Is the data shared with or sold to other companies? (comma-separated, blank for neither)",
            "shared: passed to third parties; sold: sold to third parties.",
            Kind::Many(Sharing::NAMES),
            Some(""),
        ),
        q(
            "privacy.rights",
            "What can users do with their data? (comma-separated)",
            "see it for free, delete it, export it to another service, correct it.",
            Kind::Many(DataRights::NAMES),
            Some(""),
        ),
        q(
            "openness.open",
            "Which parts are open? (comma-separated, blank for none)",
            "Open-source firmware, open hardware design, open-source apps, open-source backend, a documented local API.",
            Kind::Many(Openness::NAMES),
            Some(""),
        ),
    ]);
    qs
}

/// Flattens a TOML table into dotted keys with string values.
fn flatten(prefix: &str, v: &toml::Value, out: &mut BTreeMap<String, String>) {
    match v {
        toml::Value::Table(t) => {
            t.iter().for_each(|(k, v)| flatten(&if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") }, v, out))
        }
        toml::Value::Array(a) => {
            out.insert(
                prefix.into(),
                a.iter().map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned)).collect::<Vec<_>>().join(","),
            );
        }
        toml::Value::String(s) => {
            out.insert(prefix.into(), s.clone());
        }
        other => {
            out.insert(prefix.into(), other.to_string());
        }
    }
}

/// Checks an answer; the error says what is expected.
fn check(q: &Question, answer: &str) -> std::result::Result<String, String> {
    let a = answer.trim();
    match &q.kind {
        Kind::Text { optional: true } if a.is_empty() => Ok(String::new()),
        Kind::Text { .. } if a.is_empty() => Err("an answer is needed".into()),
        Kind::Text { .. } => Ok(a.to_owned()),
        Kind::Number => a.parse::<u32>().map(|n| n.to_string()).map_err(|_| "a whole number of months is expected".into()),
        Kind::Month => a
            .parse::<iotmark_core::date::YearMonth>()
            .map(|m| m.to_string())
            .map_err(|_| "a month as YYYY-MM (2020 or later) is expected".into()),
        Kind::Choice(options) => options
            .iter()
            .find(|o| o.eq_ignore_ascii_case(a))
            .map(|o| (*o).to_owned())
            .ok_or_else(|| format!("one of {} is expected", options.join(", "))),
        Kind::Many(options) => {
            let items: Vec<&str> = a.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
            match items.iter().find(|i| !options.contains(i)) {
                Some(bad) => Err(format!("{bad:?} is not one of {}", options.join(", "))),
                None => Ok(items.join(",")),
            }
        }
    }
}

fn ask(q: &Question, input: &mut impl BufRead) -> Result<String> {
    let options = match &q.kind {
        Kind::Choice(o) | Kind::Many(o) => format!(" [{}]", o.join(", ")),
        _ => String::new(),
    };
    loop {
        eprintln!("\n{}\n  {}", q.prompt, q.help);
        eprint!("{}{}{}: ", q.id, options, q.default.map_or(String::new(), |d| format!(" (default {d:?})")));
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        if input.read_line(&mut line).map_err(|e| Failure::input(format!("cannot read the answer: {e}")))? == 0 {
            return Err(Failure::input(format!("the input ended before {} was answered", q.id)));
        }
        let line = if line.trim().is_empty() { q.default.unwrap_or("").to_owned() } else { line };
        match check(q, &line) {
            Ok(a) => return Ok(a),
            Err(why) => eprintln!("  {why}; please answer again."),
        }
    }
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn list(s: &str) -> String {
    format!("[{}]", s.split(',').filter(|x| !x.is_empty()).map(toml_str).collect::<Vec<_>>().join(", "))
}

fn render(a: &BTreeMap<String, String>, qs: &[Question]) -> String {
    let g = |k: &str| a.get(k).map_or("", String::as_str);
    let mut s = String::from("# iotmark label spec, written by `iotmark assess`. Check it with `iotmark check`.\n");
    s += &format!("assurance = {}\nvalid_for_months = {}\n\n[product]\n", toml_str(g("assurance")), g("valid_for_months"));
    for f in ["maker", "name", "model", "gtin", "serial"] {
        if !g(&format!("product.{f}")).is_empty() {
            s += &format!("{f} = {}\n", toml_str(g(&format!("product.{f}"))));
        }
    }
    s += "\n[principles]\n";
    for q in qs.iter().filter(|q| q.id.starts_with("principles.")) {
        s += &format!("# {}\n{} = {}\n", q.prompt, q.id.trim_start_matches("principles."), toml_str(g(&q.id)));
    }
    s += &format!(
        "\n[lifecycle]\nupdates_until = {}\nupdate_delivery = {}\nwithout_cloud = {}\nrepair = {}\n",
        toml_str(g("lifecycle.updates_until")),
        toml_str(g("lifecycle.update_delivery")),
        toml_str(g("lifecycle.without_cloud")),
        list(g("lifecycle.repair"))
    );
    s += &format!(
        "\n[privacy]\nsensors = {}\nprocessing = {}\nsharing = {}\nrights = {}\n\n[openness]\nopen = {}\n",
        list(g("privacy.sensors")),
        toml_str(g("privacy.processing")),
        list(g("privacy.sharing")),
        list(g("privacy.rights")),
        list(g("openness.open"))
    );
    s
}

pub fn run(a: &AssessArgs) -> Result<i32> {
    let qs = questions();
    let mut given = BTreeMap::new();
    if let Some(path) = &a.answers {
        let text = files::read_text(path)?;
        let value: toml::Value = toml::from_str(&text).map_err(|e| Failure::input(format!("{}: {}", path.display(), e.message())))?;
        flatten("", &value, &mut given);
    }
    let interactive = std::io::stdin().is_terminal() || a.answers.is_none();
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut answers = BTreeMap::new();
    for q in &qs {
        let answer = match given.get(&q.id) {
            Some(g) => check(q, g).map_err(|why| Failure::input(format!("answer {}: {why}", q.id)))?,
            None if interactive => ask(q, &mut input)?,
            None => match q.default.map(|d| check(q, d)) {
                Some(Ok(d)) => d,
                _ => return Err(Failure::input(format!("no answer for {} ({})", q.id, q.prompt))),
            },
        };
        answers.insert(q.id.clone(), answer);
    }
    let text = render(&answers, &qs);
    let parsed = spec::parse(&text, &a.out)?;
    files::write(&a.out, text.as_bytes())?;
    if a.out != std::path::Path::new("-") {
        let grade = parsed.statuses().ok().and_then(|s| iotmark_core::grade::grade(parsed.catalogue().ok()?, &s));
        eprintln!(
            "wrote {}: {}",
            a.out.display(),
            grade.map_or("no mark yet (run iotmark check to see what is missing)".to_owned(), |g| format!("earns {g}"))
        );
    }
    Ok(0)
}
