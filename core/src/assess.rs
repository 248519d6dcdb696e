//! The self-assessment: the questions a maker answers to write a label spec, and what the
//! answers so far mean. One rule for every front end: the `iotmark assess` command asks
//! these questions on a terminal, the label studio in a browser page (through the
//! WebAssembly studio module); neither grades nor warns by itself.
//!
//! * [`questions`]: one per principle of the catalogue and one per fact. A question's id
//!   is the spec's own field path (`product.maker`, `principles.7`, `privacy.sensors`), so
//!   a set of answers is a partial spec.
//! * [`read`]: one answer checked and put in its one written form.
//! * [`progress`]: the grade the answers so far earn, the best still reachable, and what
//!   the next grade needs (the grading rule of [`crate::grade`]).
//! * [`warnings`]: impossible values, dates in the past, and answers that contradict each
//!   other (a principle marked met while the facts the scanner shows say otherwise), each
//!   with a stable code and a sentence in the reader's language.
//! * [`spec`]: the answers as a [`Spec`], which writes the TOML `iotmark sign` reads.
//!
//! Words come from two language files read together: the scanner's (`core/lang/<tag>.json`:
//! principles, statuses, what the scanner tells shoppers) and the studio's own
//! (`core/lang/studio/<tag>.json`: questions, evidence, warnings), so that a warning can
//! quote the very sentence a shopper would read.

use crate::catalogue::{Catalogue, Category, Tier};
use crate::date::{Date, YearMonth};
use crate::explain::{BadLanguageFile, Messages, ENGLISH};
use crate::grade::{self, Grade};
use crate::issue::{self, IssueError, Issued};
use crate::label::*;
use crate::spec::{self, Spec, SpecError, SpecLifecycle, SpecOpenness, SpecPrivacy, Word};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The studio's English words, compiled in as the fallback.
pub const STUDIO_ENGLISH: &str = include_str!("../lang/studio/en.json");

/// The scanner's and the studio's language files of one language, read as one set of
/// messages. Both must be flat JSON objects of strings with no key in common.
pub fn words(core: &str, studio: &str) -> Result<Messages, BadLanguageFile> {
    let body = |json: &str| -> Result<String, BadLanguageFile> {
        let inner = json.trim().strip_prefix('{').and_then(|j| j.strip_suffix('}'));
        // Not an object: let the reader say why.
        inner.map(|i| i.trim().to_owned()).ok_or_else(|| Messages::from_json(json).err().unwrap_or(BadLanguageFile("not an object".into())))
    };
    let (a, b) = (body(core)?, body(studio)?);
    let joined = match (a.is_empty(), b.is_empty()) {
        (true, _) => format!("{{{b}}}"),
        (_, true) => format!("{{{a}}}"),
        _ => format!("{{{a},{b}}}"),
    };
    Messages::from_json(&joined)
}

/// The studio's words in English.
pub fn english() -> Messages {
    words(ENGLISH, STUDIO_ENGLISH).unwrap_or_else(|_| Messages::english())
}

/// The studio's language file of a shipped language ([`crate::explain::LANGUAGES`]), all
/// six compiled in: for the command line. The browser page loads them as files instead.
pub fn studio_bundled(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "en" => STUDIO_ENGLISH,
        "de" => include_str!("../lang/studio/de.json"),
        "fr" => include_str!("../lang/studio/fr.json"),
        "es" => include_str!("../lang/studio/es.json"),
        "pt" => include_str!("../lang/studio/pt.json"),
        "sw" => include_str!("../lang/studio/sw.json"),
        _ => return None,
    })
}

/// The studio's words in the shipped language that serves `tag` best (see
/// [`crate::explain::shipped`]); `None` when iotmark does not ship it.
pub fn bundled_words(tag: &str) -> Option<Messages> {
    let tag = crate::explain::shipped(tag)?;
    words(crate::explain::bundled(tag)?, studio_bundled(tag)?).ok()
}

/// The parts of the form, in the order a maker goes through them: the product, then the
/// facts and principles of each category (lifecycle, privacy and openness first, as
/// shoppers read them), then how the claims are backed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum FormSection {
    Product,
    Lifecycle,
    Privacy,
    Openness,
    Security,
    Ownership,
    Transparency,
    Interoperability,
    Assurance,
}

impl FormSection {
    /// Every section, in the form's order.
    pub const ALL: [FormSection; 9] = [
        FormSection::Product,
        FormSection::Lifecycle,
        FormSection::Privacy,
        FormSection::Openness,
        FormSection::Security,
        FormSection::Ownership,
        FormSection::Transparency,
        FormSection::Interoperability,
        FormSection::Assurance,
    ];

    /// The section a category's principles are asked in.
    pub fn of(category: Category) -> FormSection {
        match category {
            Category::Lifecycle => FormSection::Lifecycle,
            Category::Privacy => FormSection::Privacy,
            Category::Openness => FormSection::Openness,
            Category::Security => FormSection::Security,
            Category::Ownership => FormSection::Ownership,
            Category::Transparency => FormSection::Transparency,
            Category::Interoperability => FormSection::Interoperability,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            FormSection::Product => "product",
            FormSection::Lifecycle => "lifecycle",
            FormSection::Privacy => "privacy",
            FormSection::Openness => "openness",
            FormSection::Security => "security",
            FormSection::Ownership => "ownership",
            FormSection::Transparency => "transparency",
            FormSection::Interoperability => "interoperability",
            FormSection::Assurance => "assurance",
        }
    }

    /// The section's title: a category's own name for the categories.
    pub fn title(self, m: &Messages) -> String {
        match self {
            FormSection::Product | FormSection::Assurance => m.say(&format!("studio.section.{}", self.key()), &[]),
            _ => m.say(&format!("category.{}", self.key()), &[]),
        }
    }
}

/// What kind of answer a question takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A line of text, up to `max` bytes.
    Text,
    /// A GTIN: 8, 12, 13 or 14 digits (spaces allowed) with a valid check digit.
    Gtin,
    /// A whole number of months.
    Months,
    /// A month, written `YYYY-MM`.
    Month,
    /// One of `options`.
    Choice,
    /// Any of `options`, none included.
    Many,
}

/// One question, without words (see [`ask`] for the words in a language).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Question {
    /// The spec's field path: `product.maker`, `principles.7`, `privacy.sensors`.
    pub id: String,
    pub section: FormSection,
    pub kind: Kind,
    /// The values a choice takes, as the spec writes them.
    pub options: Vec<&'static str>,
    /// Whether the spec needs an answer (one without a default must be answered).
    pub required: bool,
    /// The answer taken when none is given, as text (`""` for none of a [`Kind::Many`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<&'static str>,
    /// For text, the longest answer in UTF-8 bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<usize>,
    /// For a principle, its id and tier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principle: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
}

/// The statuses a principle takes, as the spec writes them.
pub const STATUSES: &[&str] = &["met", "partly", "not-met", "not-applicable"];
const ASSURANCES: &[&str] = &["self-declared", "reviewed", "audited"];
const DELIVERIES: &[&str] = &["automatic", "prompted", "manual"];
const WITHOUT_CLOUD: &[&str] = &["works", "partly", "fails"];
const PROCESSING: &[&str] = &["on-device", "device-and-cloud", "cloud"];

fn question(id: &str, section: FormSection, kind: Kind, options: &[&'static str], default: Option<&'static str>) -> Question {
    Question { id: id.into(), section, kind, options: options.to_vec(), required: true, default, max: None, principle: None, tier: None }
}

fn text(id: &str, max: usize, required: bool) -> Question {
    Question { max: Some(max), required, default: (!required).then_some(""), ..question(id, FormSection::Product, Kind::Text, &[], None) }
}

/// Every question for `catalogue`, in the order the command line asks them: the product,
/// how the claims are backed, each principle in id order, then the facts. The studio
/// shows them by [`FormSection`].
pub fn questions(catalogue: &Catalogue) -> Vec<Question> {
    use FormSection::*;
    let mut qs = vec![
        text("product.maker", MAX_MAKER, true),
        text("product.name", MAX_NAME, true),
        text("product.model", MAX_MODEL, true),
        Question { required: false, ..question("product.gtin", Product, Kind::Gtin, &[], Some("")) },
        text("product.serial", MAX_SERIAL, false),
        question("assurance", Assurance, Kind::Choice, ASSURANCES, Some("self-declared")),
        question("valid_for_months", Assurance, Kind::Months, &[], Some("24")),
    ];
    qs.extend(catalogue.principles.iter().map(|p| Question {
        principle: Some(p.id),
        tier: Some(p.tier),
        ..question(&format!("principles.{}", p.id), FormSection::of(p.category), Kind::Choice, STATUSES, None)
    }));
    qs.extend([
        question("lifecycle.updates_until", Lifecycle, Kind::Month, &[], None),
        question("lifecycle.update_delivery", Lifecycle, Kind::Choice, DELIVERIES, Some("automatic")),
        question("lifecycle.without_cloud", Lifecycle, Kind::Choice, WITHOUT_CLOUD, None),
        question("lifecycle.repair", Lifecycle, Kind::Many, Repair::NAMES, Some("")),
        question("privacy.sensors", Privacy, Kind::Many, Sensors::NAMES, Some("")),
        question("privacy.processing", Privacy, Kind::Choice, PROCESSING, None),
        question("privacy.sharing", Privacy, Kind::Many, Sharing::NAMES, Some("")),
        question("privacy.rights", Privacy, Kind::Many, DataRights::NAMES, Some("")),
        question("openness.open", Openness, Kind::Many, crate::label::Openness::NAMES, Some("")),
    ]);
    qs
}

/// One option of a choice, with its words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Choice {
    pub value: &'static str,
    pub text: String,
}

/// A question with its words in one language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Asked {
    #[serde(flatten)]
    pub question: Question,
    /// The question itself; for a principle, the principle as shoppers read it.
    pub prompt: String,
    /// What it means, in plain words; for a principle, what its tier means.
    pub help: String,
    /// For a principle: the evidence to keep, should anyone ask.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    pub choices: Vec<Choice>,
}

/// The words of an option: principle statuses are the scanner's, sensors as the scanner
/// names them, every other option the studio's.
fn option_text(q: &Question, value: &str, m: &Messages) -> String {
    if q.principle.is_some() {
        m.say(&format!("status.{value}"), &[])
    } else {
        m.say(&format!("studio.option.{}.{value}", q.id), &[])
    }
}

/// Every question with its words in the language of `m` (see [`words`]).
pub fn ask(catalogue: &Catalogue, m: &Messages) -> Vec<Asked> {
    questions(catalogue)
        .into_iter()
        .map(|q| {
            let (prompt, help, evidence) = match (q.principle, q.tier) {
                (Some(id), Some(tier)) => (
                    m.say(&format!("principle.{id}"), &[]),
                    m.say(&format!("studio.tier.{}", tier.key()), &[]),
                    Some(m.say(&format!("studio.evidence.{id}"), &[])),
                ),
                _ => (m.say(&format!("studio.q.{}", q.id), &[]), m.say(&format!("studio.help.{}", q.id), &[]), None),
            };
            let choices = q.options.iter().map(|v| Choice { value: v, text: option_text(&q, v, m) }).collect();
            Asked { question: q, prompt, help, evidence, choices }
        })
        .collect()
}

/// An answer: one value, or several for a [`Kind::Many`] question. In JavaScript a string
/// or an array of strings; in a TOML file of answers, a value or an array.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    One(String),
    Many(Vec<String>),
}

/// Answers by question id. Ids that are not questions are ignored.
pub type Answers = BTreeMap<String, Answer>;

/// What is wrong with an answer or between answers. The codes are stable: front ends and
/// tests may branch on them, and the words are `studio.warning.<code>` in the studio's
/// language files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum WarningCode {
    /// A needed answer is empty (the maker, the product name, the model).
    Empty,
    /// Text longer than its field allows.
    TooLong,
    /// Text with control or invisible characters, which could make one name look like another.
    BadCharacters,
    /// A GTIN that is not 8, 12, 13 or 14 digits.
    GtinLength,
    /// A GTIN whose last digit is not its check digit.
    GtinCheckDigit,
    /// Not a whole number (of months).
    NotANumber,
    /// A validity of 0 months, or over 5 years: labels are renewed, usually every 1 to 3.
    MonthsRange,
    /// Not a month written `YYYY-MM` (2020 or later).
    NotAMonth,
    /// The security updates end before this month.
    UpdatesPast,
    /// The security updates end before the label would expire.
    UpdatesEndBeforeLabel,
    /// Not one of the options.
    NotAnOption,
    /// A principle marked met while the facts say the opposite to shoppers.
    ClaimWithoutFact,
    /// A fact stated while the principle that asks for it is marked not met.
    FactWithoutClaim,
    /// A principle about working without the maker's service, marked met, while the
    /// product stops working without it.
    FailsWithoutCloud,
    /// Data processed only on the device, yet shared with or sold to others.
    OnDeviceButShared,
    /// The signed label would not fit the largest QR code a label may use.
    TooLarge,
}

impl WarningCode {
    /// The code as written in language keys and in JavaScript.
    pub fn key(self) -> &'static str {
        match self {
            WarningCode::Empty => "empty",
            WarningCode::TooLong => "too-long",
            WarningCode::BadCharacters => "bad-characters",
            WarningCode::GtinLength => "gtin-length",
            WarningCode::GtinCheckDigit => "gtin-check-digit",
            WarningCode::NotANumber => "not-a-number",
            WarningCode::MonthsRange => "months-range",
            WarningCode::NotAMonth => "not-a-month",
            WarningCode::UpdatesPast => "updates-past",
            WarningCode::UpdatesEndBeforeLabel => "updates-end-before-label",
            WarningCode::NotAnOption => "not-an-option",
            WarningCode::ClaimWithoutFact => "claim-without-fact",
            WarningCode::FactWithoutClaim => "fact-without-claim",
            WarningCode::FailsWithoutCloud => "fails-without-cloud",
            WarningCode::OnDeviceButShared => "on-device-but-shared",
            WarningCode::TooLarge => "too-large",
        }
    }

    /// Every code, for language-file tests and TypeScript.
    pub const ALL: [WarningCode; 16] = [
        WarningCode::Empty,
        WarningCode::TooLong,
        WarningCode::BadCharacters,
        WarningCode::GtinLength,
        WarningCode::GtinCheckDigit,
        WarningCode::NotANumber,
        WarningCode::MonthsRange,
        WarningCode::NotAMonth,
        WarningCode::UpdatesPast,
        WarningCode::UpdatesEndBeforeLabel,
        WarningCode::NotAnOption,
        WarningCode::ClaimWithoutFact,
        WarningCode::FactWithoutClaim,
        WarningCode::FailsWithoutCloud,
        WarningCode::OnDeviceButShared,
        WarningCode::TooLarge,
    ];

    /// Whether `iotmark sign` would refuse the spec while this holds. The others it would
    /// sign, but shoppers would be told something the maker surely did not mean.
    pub fn blocks(self) -> bool {
        matches!(
            self,
            WarningCode::Empty
                | WarningCode::TooLong
                | WarningCode::BadCharacters
                | WarningCode::GtinLength
                | WarningCode::GtinCheckDigit
                | WarningCode::NotANumber
                | WarningCode::NotAMonth
                | WarningCode::NotAnOption
                | WarningCode::TooLarge
        )
    }
}

/// A problem found in one answer, before it has words: its code and the values its
/// sentence names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub code: WarningCode,
    pub args: Vec<(&'static str, String)>,
}

impl Problem {
    fn new(code: WarningCode) -> Problem {
        Problem { code, args: Vec::new() }
    }

    fn with(mut self, name: &'static str, value: impl ToString) -> Problem {
        self.args.push((name, value.to_string()));
        self
    }

    /// The problem in one sentence of `m`'s language.
    pub fn say(&self, m: &Messages) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        m.say(&format!("studio.warning.{}", self.code.key()), &args)
    }
}

/// One answer checked and written in its one form: text trimmed, a GTIN without spaces,
/// months as a number, a choice as the spec writes it (any case accepted), several choices
/// in the options' order without repeats. An empty optional answer reads as `""` (none).
/// A [`Kind::Many`] answer may be one comma-separated string, as typed on a terminal.
pub fn read(q: &Question, answer: &Answer) -> Result<Answer, Problem> {
    let one = |a: &Answer| match a {
        Answer::One(s) => Ok(s.trim().to_owned()),
        Answer::Many(v) if v.len() == 1 => Ok(v[0].trim().to_owned()),
        Answer::Many(_) => Err(Problem::new(WarningCode::NotAnOption)),
    };
    match q.kind {
        Kind::Many => {
            let items: Vec<String> = match answer {
                Answer::One(s) => s.split(',').map(|i| i.trim().to_owned()).collect(),
                Answer::Many(v) => v.iter().map(|i| i.trim().to_owned()).collect(),
            };
            if let Some(bad) = items.iter().find(|i| !i.is_empty() && !q.options.contains(&i.as_str())) {
                return Err(Problem::new(WarningCode::NotAnOption).with("value", bad));
            }
            Ok(Answer::Many(q.options.iter().filter(|o| items.iter().any(|i| i == *o)).map(|o| (*o).to_owned()).collect()))
        }
        Kind::Text => {
            let a = one(answer)?;
            let max = q.max.unwrap_or(usize::MAX);
            if a.is_empty() {
                return if q.required { Err(Problem::new(WarningCode::Empty)) } else { Ok(Answer::One(a)) };
            }
            if a.len() > max {
                return Err(Problem::new(WarningCode::TooLong).with("max", max).with("length", a.len()));
            }
            if !is_shown_text(&a) {
                return Err(Problem::new(WarningCode::BadCharacters));
            }
            Ok(Answer::One(a))
        }
        Kind::Gtin => {
            let a: String = one(answer)?.chars().filter(|c| !c.is_whitespace()).collect();
            match spec::check_written_gtin(&a) {
                _ if a.is_empty() => Ok(Answer::One(a)),
                Ok(()) => Ok(Answer::One(a)),
                Err(SpecError::GtinCheckDigit(_)) => Err(Problem::new(WarningCode::GtinCheckDigit)),
                Err(_) => Err(Problem::new(WarningCode::GtinLength).with("length", a.chars().count())),
            }
        }
        Kind::Months => one(answer)?.parse::<u32>().map(|n| Answer::One(n.to_string())).map_err(|_| Problem::new(WarningCode::NotANumber)),
        Kind::Month => {
            one(answer)?.parse::<YearMonth>().map(|m| Answer::One(m.to_string())).map_err(|_| Problem::new(WarningCode::NotAMonth))
        }
        Kind::Choice => {
            let a = one(answer)?;
            q.options
                .iter()
                .find(|o| o.eq_ignore_ascii_case(&a))
                .map(|o| Answer::One((*o).to_owned()))
                .ok_or_else(|| Problem::new(WarningCode::NotAnOption).with("value", a))
        }
    }
}

/// A warning, in words, beside the field it is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Warning {
    pub code: WarningCode,
    /// The question the warning is shown beside.
    pub field: String,
    /// The other questions it involves (the other side of a contradiction).
    pub related: Vec<String>,
    /// `iotmark sign` would refuse the spec until this is mended.
    pub blocks: bool,
    /// One sentence: what is wrong and what to do.
    pub text: String,
}

/// The answers that [`read`] accepts, by id, in their written form.
fn accepted(catalogue: &Catalogue, answers: &Answers) -> BTreeMap<String, Answer> {
    let qs = questions(catalogue);
    qs.iter().filter_map(|q| Some((q.id.clone(), read(q, answers.get(&q.id)?).ok()?))).collect()
}

fn as_one(a: Option<&Answer>) -> Option<&str> {
    match a {
        Some(Answer::One(s)) => Some(s),
        _ => None,
    }
}

fn as_many(a: Option<&Answer>) -> Option<&[String]> {
    match a {
        Some(Answer::Many(v)) => Some(v),
        _ => None,
    }
}

/// The principle statuses answered, by id.
fn statuses(catalogue: &Catalogue, ok: &BTreeMap<String, Answer>) -> Vec<Option<Status>> {
    catalogue
        .principles
        .iter()
        .map(|p| {
            let s = as_one(ok.get(&format!("principles.{}", p.id)))?;
            Status::ALL.into_iter().find(|st| st.key() == s)
        })
        .collect()
}

/// A principle that says the same as one fact flag: marked met, the fact must be stated,
/// or the scanner tells shoppers the opposite (its sentence `said` ends in `.no`).
struct Pair {
    principle: u8,
    field: &'static str,
    flag: &'static str,
    said: &'static str,
}

/// The pairs in the June 2018 catalogue (by principle id; the facts are the label's).
const PAIRS: &[Pair] = &[
    Pair { principle: 1, field: "privacy.rights", flag: "see", said: "privacy.rights.see.no" },
    Pair { principle: 3, field: "privacy.rights", flag: "delete", said: "privacy.rights.delete.no" },
    Pair { principle: 4, field: "privacy.rights", flag: "export", said: "privacy.rights.export.no" },
    Pair { principle: 7, field: "privacy.rights", flag: "correct", said: "privacy.rights.correct.no" },
    Pair { principle: 12, field: "openness.open", flag: "local_api", said: "openness.local_api.no" },
    Pair { principle: 13, field: "openness.open", flag: "firmware", said: "openness.firmware.no" },
    Pair { principle: 14, field: "openness.open", flag: "hardware", said: "openness.hardware.no" },
    Pair { principle: 15, field: "openness.open", flag: "backend", said: "openness.backend.no" },
    Pair { principle: 16, field: "openness.open", flag: "apps", said: "openness.apps.no" },
    Pair { principle: 29, field: "lifecycle.repair", flag: "end_of_life_plan", said: "lifecycle.repair.end_of_life_plan.no" },
    Pair { principle: 32, field: "lifecycle.repair", flag: "repair_docs", said: "lifecycle.repair.repair_docs.no" },
    Pair { principle: 33, field: "lifecycle.repair", flag: "spare_parts", said: "lifecycle.repair.spare_parts.no" },
];

/// Principles that a product which stops without the maker's online service cannot meet:
/// 12 (others talk to the device without the maker's service) and 17 (the connection to
/// the maker's service can be switched off).
const NEEDS_OFFLINE: &[u8] = &[12, 17];

/// Every warning about `answers`, judged on `today` (the UTC date): each answer's own
/// problems ([`read`]), then dates, then contradictions between answers. Unanswered
/// questions raise nothing here (see [`Progress::missing`]). In the language of `m`.
pub fn warnings(catalogue: &Catalogue, answers: &Answers, today: Date, m: &Messages) -> Vec<Warning> {
    let mut out = Vec::new();
    let mut add = |problem: Problem, field: &str, related: &[&str]| {
        out.push(Warning {
            code: problem.code,
            field: field.to_owned(),
            related: related.iter().map(|r| (*r).to_owned()).collect(),
            blocks: problem.code.blocks(),
            text: problem.say(m),
        })
    };
    let qs = questions(catalogue);
    for q in &qs {
        if let Some(Err(problem)) = answers.get(&q.id).map(|a| read(q, a)) {
            add(problem, &q.id, &[]);
        }
    }
    let ok = accepted(catalogue, answers);
    let months = as_one(ok.get("valid_for_months")).and_then(|s| s.parse::<u32>().ok());
    if let Some(n) = months.filter(|n| *n == 0 || *n > 60) {
        add(Problem::new(WarningCode::MonthsRange).with("n", n), "valid_for_months", &[]);
    }
    if let Some(until) = as_one(ok.get("lifecycle.updates_until")).and_then(|s| s.parse::<YearMonth>().ok()) {
        let shown = m.month(until);
        if until < today.month() {
            add(Problem::new(WarningCode::UpdatesPast).with("until", &shown), "lifecycle.updates_until", &[]);
        } else if let Some(expires) = today.plus_months(months.unwrap_or(spec::default_months())).filter(|e| until < e.month()) {
            let problem = Problem::new(WarningCode::UpdatesEndBeforeLabel).with("until", &shown).with("expires", m.month(expires.month()));
            add(problem, "lifecycle.updates_until", &["valid_for_months"]);
        }
    }
    let status = statuses(catalogue, &ok);
    let status_of = |id: u8| catalogue.principle(id).and_then(|_| status.get(usize::from(id) - 1).copied().flatten());
    for pair in PAIRS.iter().filter(|p| catalogue.principle(p.principle).is_some()) {
        let (Some(s), Some(facts)) = (status_of(pair.principle), as_many(ok.get(pair.field))) else { continue };
        let stated = facts.iter().any(|f| f == pair.flag);
        let field = format!("principles.{}", pair.principle);
        let fact = m.say(&format!("studio.option.{}.{}", pair.field, pair.flag), &[]);
        let id = pair.principle.to_string();
        if s == Status::Met && !stated {
            let said = m.say(pair.said, &[]);
            add(Problem::new(WarningCode::ClaimWithoutFact).with("id", &id).with("fact", &fact).with("said", said), &field, &[pair.field]);
        } else if s == Status::NotMet && stated {
            add(Problem::new(WarningCode::FactWithoutClaim).with("id", &id).with("fact", &fact), pair.field, &[&field]);
        }
    }
    if as_one(ok.get("lifecycle.without_cloud")) == Some("fails") {
        for id in NEEDS_OFFLINE.iter().filter(|id| status_of(**id) == Some(Status::Met)) {
            let said = m.say("lifecycle.cloud.fails", &[]);
            let field = format!("principles.{id}");
            add(Problem::new(WarningCode::FailsWithoutCloud).with("id", id).with("said", said), &field, &["lifecycle.without_cloud"]);
        }
    }
    let shares = as_many(ok.get("privacy.sharing")).is_some_and(|s| !s.is_empty());
    if shares && as_one(ok.get("privacy.processing")) == Some("on-device") {
        add(Problem::new(WarningCode::OnDeviceButShared), "privacy.sharing", &["privacy.processing"]);
    }
    out
}

/// A principle named by what the next grade needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Needed {
    pub id: u8,
    /// The principle, as shoppers read it.
    pub text: String,
    /// Its answer so far; absent when not answered yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
}

/// What the next grade needs, from the grading rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct NextGrade {
    pub grade: Grade,
    /// Principles that must all be met (for bronze, at least partly).
    pub must_meet: Vec<Needed>,
    /// How many more of `of` must be met.
    pub more: usize,
    pub of: Vec<Needed>,
    /// The same in one sentence, in the scanner's words.
    pub text: String,
}

/// Principles of one tier: how many are met, answered and apply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct TierProgress {
    pub tier: Tier,
    pub total: usize,
    pub answered: usize,
    pub met: usize,
    /// Principles of the tier that apply (answered, and not "does not apply").
    pub applicable: usize,
    pub text: String,
}

/// Where a partial set of answers stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Progress {
    /// The grade earned so far, counting each unanswered principle as not met; absent for
    /// no mark.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
    /// "Silver", or "No mark yet".
    pub grade_text: String,
    /// The best grade still possible if every unanswered principle were met; absent when
    /// no grade is (an essential principle is answered not met).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub best: Option<Grade>,
    /// The grade so far and the best still possible, in one sentence.
    pub summary: String,
    pub tiers: Vec<TierProgress>,
    /// The next grade above the one earned so far; absent at gold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<NextGrade>,
    /// Questions the spec needs that have no accepted answer yet, in the command line's order.
    pub missing: Vec<String>,
    /// How many questions need an answer (those without a default: the product's maker,
    /// name and model, every principle, and the facts with no usual value), and how many of
    /// them have an accepted one. Questions with a default count as neither.
    pub questions: usize,
    pub answered: usize,
}

fn needed(ids: &[u8], status: &[Option<Status>], m: &Messages) -> Vec<Needed> {
    ids.iter()
        .map(|id| Needed {
            id: *id,
            text: m.say(&format!("principle.{id}"), &[]),
            status: status.get(usize::from(*id).wrapping_sub(1)).copied().flatten(),
        })
        .collect()
}

/// The grade so far, the best still possible and what the next grade needs, for any set
/// of answers (none, some, or all). In the language of `m`.
pub fn progress(catalogue: &Catalogue, answers: &Answers, m: &Messages) -> Progress {
    let qs = questions(catalogue);
    let ok = accepted(catalogue, answers);
    let status = statuses(catalogue, &ok);
    let so_far: Vec<Status> = status.iter().map(|s| s.unwrap_or(Status::NotMet)).collect();
    let hoped: Vec<Status> = status.iter().map(|s| s.unwrap_or(Status::Met)).collect();
    let grade = grade::grade(catalogue, &so_far);
    let best = grade::grade(catalogue, &hoped);
    let name = |g: Option<Grade>| g.map_or_else(|| m.say("studio.grade.none", &[]), |g| m.say(&format!("grade.{}", g.key()), &[]));
    let all_answered = status.iter().all(Option::is_some);
    let summary = match (grade, best) {
        (_, None) => m.say("studio.progress.blocked", &[]),
        (None, Some(b)) => m.say("studio.progress.none", &[("best", &name(Some(b)))]),
        (g, Some(b)) if g == Some(b) && all_answered => m.say("studio.progress.done", &[("grade", &name(g))]),
        (g, Some(b)) if g == Some(b) => m.say("studio.progress.reached", &[("grade", &name(g))]),
        (g, Some(b)) => m.say("studio.progress.so-far", &[("grade", &name(g)), ("best", &name(Some(b)))]),
    };
    let tiers = Tier::ALL
        .iter()
        .map(|t| {
            let of: Vec<Option<Status>> = catalogue.principles.iter().zip(&status).filter(|(p, _)| p.tier == *t).map(|(_, s)| *s).collect();
            let answered = of.iter().flatten().count();
            let met = of.iter().filter(|s| **s == Some(Status::Met)).count();
            let applicable = of.iter().flatten().filter(|s| **s != Status::NotApplicable).count();
            let args = [
                ("tier", m.say(&format!("tier.{}", t.key()), &[])),
                ("met", met.to_string()),
                ("answered", answered.to_string()),
                ("total", of.len().to_string()),
            ];
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            TierProgress { tier: *t, total: of.len(), answered, met, applicable, text: m.say("studio.progress.tier", &args) }
        })
        .collect();
    let next = grade::next_grade(catalogue, &so_far).map(|(target, short)| {
        let ids = |ids: &[u8]| ids.iter().map(u8::to_string).collect::<Vec<_>>().join(", ");
        let mut parts = Vec::new();
        if !short.must_meet.is_empty() {
            parts.push(m.say("next.must-meet", &[("list", &ids(&short.must_meet))]));
        }
        let (more, of) = short.more_of.clone().unwrap_or_default();
        if more > 0 {
            parts.push(m.say("next.more-of", &[("n", &more.to_string()), ("list", &ids(&of))]));
        }
        let text = m.say("next.grade", &[("grade", &name(Some(target))), ("needs", &parts.join(m.say("next.and", &[]).as_str()))]);
        NextGrade { grade: target, must_meet: needed(&short.must_meet, &status, m), more, of: needed(&of, &status, m), text }
    });
    let needs = |q: &&Question| q.required && q.default.is_none();
    let needed_count = qs.iter().filter(needs).count();
    let missing: Vec<String> = qs.iter().filter(needs).filter(|q| !ok.contains_key(&q.id)).map(|q| q.id.clone()).collect();
    let missing_count = missing.len();
    Progress {
        grade,
        grade_text: name(grade),
        best,
        summary,
        tiers,
        next,
        missing,
        questions: needed_count,
        answered: needed_count - missing_count,
    }
}

/// Why the answers do not make a spec yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Unfinished {
    /// Needed questions with no answer and no default.
    pub missing: Vec<String>,
    /// Questions whose answer [`read`] refuses.
    pub invalid: Vec<String>,
}

/// The answers as a spec for `catalogue`; an unanswered question takes its default. The
/// spec writes the TOML `iotmark sign` reads ([`Spec::to_toml`]).
pub fn spec(catalogue: &Catalogue, answers: &Answers) -> Result<Spec, Unfinished> {
    let qs = questions(catalogue);
    let mut got = BTreeMap::new();
    let mut unfinished = Unfinished { missing: Vec::new(), invalid: Vec::new() };
    for q in &qs {
        let given = answers.get(&q.id).cloned().or_else(|| q.default.map(|d| Answer::One(d.to_owned())));
        match given.map(|a| read(q, &a)) {
            None => unfinished.missing.push(q.id.clone()),
            Some(Err(_)) => unfinished.invalid.push(q.id.clone()),
            Some(Ok(a)) => {
                got.insert(q.id.as_str(), a);
            }
        }
    }
    if !unfinished.missing.is_empty() || !unfinished.invalid.is_empty() {
        return Err(unfinished);
    }
    let one = |id: &str| as_one(got.get(id)).unwrap_or_default().to_owned();
    let many = |id: &str| as_many(got.get(id)).map(<[String]>::to_vec).unwrap_or_default();
    let optional = |id: &str| Some(one(id)).filter(|s| !s.is_empty());
    // Every value below passed `read`, so each parses; a failure here is a bug, reported
    // as the question it concerns rather than a panic.
    let parsed = |id: &str| Unfinished { missing: Vec::new(), invalid: vec![id.to_owned()] };
    Ok(Spec {
        catalogue: (catalogue.version != crate::catalogue::current().version).then_some(catalogue.version),
        assurance: pick_as(&got, "assurance", &Assurance::ALL)?,
        valid_for_months: one("valid_for_months").parse().map_err(|_| parsed("valid_for_months"))?,
        link: spec::default_link(),
        product: Product {
            maker: one("product.maker"),
            name: one("product.name"),
            model: one("product.model"),
            gtin: optional("product.gtin"),
            serial: optional("product.serial"),
        },
        principles: catalogue
            .principles
            .iter()
            .map(|p| {
                let id = format!("principles.{}", p.id);
                Ok((p.id.to_string(), pick_as(&got, &id, &Status::ALL)?))
            })
            .collect::<Result<_, Unfinished>>()?,
        lifecycle: SpecLifecycle {
            updates_until: one("lifecycle.updates_until").parse().map_err(|_| parsed("lifecycle.updates_until"))?,
            update_delivery: pick_as(&got, "lifecycle.update_delivery", &spec::DELIVERIES)?,
            without_cloud: pick_as(&got, "lifecycle.without_cloud", &spec::WITHOUT_CLOUD)?,
            repair: many("lifecycle.repair"),
        },
        privacy: SpecPrivacy {
            sensors: many("privacy.sensors"),
            processing: pick_as(&got, "privacy.processing", &spec::PROCESSING)?,
            sharing: many("privacy.sharing"),
            rights: many("privacy.rights"),
        },
        openness: SpecOpenness { open: many("openness.open") },
    })
}

/// A one-value answer read as the enum value whose word it is ([`spec::Word`]).
fn pick_as<T: Word + Copy>(got: &BTreeMap<&str, Answer>, id: &str, all: &[T]) -> Result<T, Unfinished> {
    as_one(got.get(id))
        .and_then(|w| spec::from_word(all, w))
        .ok_or_else(|| Unfinished { missing: Vec::new(), invalid: vec![id.to_owned()] })
}

/// The answers a spec gives, one per question: the way back from a spec file to the form.
pub fn answers_of(spec: &Spec) -> Answers {
    let mut a = Answers::new();
    let mut one = |id: &str, v: String| {
        a.insert(id.to_owned(), Answer::One(v));
    };
    one("product.maker", spec.product.maker.clone());
    one("product.name", spec.product.name.clone());
    one("product.model", spec.product.model.clone());
    one("product.gtin", spec.product.gtin.clone().unwrap_or_default());
    one("product.serial", spec.product.serial.clone().unwrap_or_default());
    one("assurance", word(&spec.assurance));
    one("valid_for_months", spec.valid_for_months.to_string());
    for (id, s) in &spec.principles {
        one(&format!("principles.{id}"), s.key().to_owned());
    }
    one("lifecycle.updates_until", spec.lifecycle.updates_until.to_string());
    one("lifecycle.update_delivery", word(&spec.lifecycle.update_delivery));
    one("lifecycle.without_cloud", word(&spec.lifecycle.without_cloud));
    one("privacy.processing", word(&spec.privacy.processing));
    for (id, v) in [
        ("lifecycle.repair", &spec.lifecycle.repair),
        ("privacy.sensors", &spec.privacy.sensors),
        ("privacy.sharing", &spec.privacy.sharing),
        ("privacy.rights", &spec.privacy.rights),
        ("openness.open", &spec.openness.open),
    ] {
        a.insert(id.to_owned(), Answer::Many(v.clone()));
    }
    a
}

fn word(v: &impl Word) -> String {
    v.word().to_owned()
}

/// Signs the spec's label with a throwaway key, issued `today`: every rule `iotmark sign`
/// applies (text, GTIN, grade, dates, QR fit), so a spec that passes is one that signs.
/// The label it gives is for previews only: no verifier trusts its key.
pub fn trial(spec: &Spec, today: Date) -> Result<(Label, Issued), TrialError> {
    let label = spec.label(LabelId(0), today, None).map_err(TrialError::Spec)?;
    let key = crate::SigningKey::from_bytes(&[1; 32]);
    let issued = issue::issue(&label, &key, spec.link()).map_err(TrialError::Issue)?;
    Ok((label, issued))
}

/// Why a trial signature failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrialError {
    Spec(SpecError),
    Issue(IssueError),
}

impl std::fmt::Display for TrialError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TrialError::Spec(e) => e.fmt(f),
            TrialError::Issue(e) => e.fmt(f),
        }
    }
}

/// The warning a failed trial gives, if it is one a maker can act on from the form.
pub fn trial_warning(e: &TrialError, m: &Messages) -> Option<Warning> {
    match e {
        TrialError::Issue(IssueError::TooLarge { bytes }) => Some(Warning {
            code: WarningCode::TooLarge,
            field: "product.name".into(),
            related: vec!["product.maker".into(), "product.model".into(), "product.serial".into()],
            blocks: true,
            text: Problem::new(WarningCode::TooLarge).with("bytes", bytes).say(m),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::JUNE_2018;
    use std::collections::BTreeSet;

    const SPEAKER: &str = include_str!("../../labels/examples/smart-speaker.toml");
    const THERMOSTAT: &str = include_str!("../../labels/examples/open-thermostat.toml");
    const DOORBELL: &str = include_str!("../../labels/examples/video-doorbell.toml");
    /// 1 December 2026.
    const TODAY: Date = Date(20_788);

    fn full(text: &str) -> Answers {
        answers_of(&spec::parse(text).unwrap())
    }

    fn one(v: &str) -> Answer {
        Answer::One(v.into())
    }

    fn many(v: &[&str]) -> Answer {
        Answer::Many(v.iter().map(|s| (*s).to_owned()).collect())
    }

    fn with(mut a: Answers, changes: &[(&str, Answer)]) -> Answers {
        for (k, v) in changes {
            a.insert((*k).to_owned(), v.clone());
        }
        a
    }

    fn codes(a: &Answers) -> Vec<(WarningCode, String)> {
        warnings(&JUNE_2018, a, TODAY, &english()).into_iter().map(|w| (w.code, w.field)).collect()
    }

    #[test]
    fn question_ids_are_spec_field_paths_from_the_catalogue() {
        let qs = questions(&JUNE_2018);
        assert_eq!(qs.len(), 7 + 33 + 9);
        assert_eq!(qs.iter().filter(|q| q.principle.is_some()).count(), JUNE_2018.len());
        let spec = spec::parse(SPEAKER).unwrap();
        let a = answers_of(&spec);
        let ids: BTreeSet<&str> = qs.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(a.keys().map(String::as_str).collect::<BTreeSet<_>>(), ids, "one question per field of the spec");
        assert_eq!(self::spec(&JUNE_2018, &a), Ok(spec));
        for s in FormSection::ALL {
            assert!(qs.iter().any(|q| q.section == s), "{s:?} has questions");
        }
    }

    #[test]
    fn answers_are_read_into_their_written_form() {
        let qs = questions(&JUNE_2018);
        let q = |id: &str| qs.iter().find(|q| q.id == id).unwrap();
        assert_eq!(read(q("privacy.sensors"), &one(" usage, microphone ")), Ok(many(&["microphone", "usage"])));
        assert_eq!(read(q("privacy.sensors"), &one("")), Ok(many(&[])));
        assert_eq!(read(q("assurance"), &one("Reviewed")), Ok(one("reviewed")));
        assert_eq!(read(q("product.gtin"), &one("4006381 333931")), Ok(one("4006381333931")));
        assert_eq!(read(q("product.gtin"), &one("")), Ok(one("")));
        assert_eq!(read(q("product.serial"), &one("  ")), Ok(one("")));
        assert_eq!(read(q("valid_for_months"), &one("12")), Ok(one("12")));
        assert_eq!(read(q("lifecycle.updates_until"), &one("2031-6")).map_err(|p| p.code), Err(WarningCode::NotAMonth));
        assert_eq!(read(q("principles.3"), &many(&["met", "partly"])).map_err(|p| p.code), Err(WarningCode::NotAnOption));
    }

    #[test]
    fn a_complete_consistent_assessment_has_no_warnings() {
        assert_eq!(codes(&full(SPEAKER)), []);
        assert_eq!(codes(&full(THERMOSTAT)), []);
        assert_eq!(codes(&Answers::new()), [], "unanswered questions are missing, not wrong");
    }

    #[test]
    fn every_impossible_value_is_named_beside_its_field() {
        let a = full(SPEAKER);
        let cases: &[(&str, &str, WarningCode)] = &[
            ("product.maker", "  ", WarningCode::Empty),
            ("product.name", "A product name that is far too long to print", WarningCode::TooLong),
            ("product.model", "HS\u{200B}200", WarningCode::BadCharacters),
            ("product.gtin", "12345", WarningCode::GtinLength),
            ("product.gtin", "40063813339x1", WarningCode::GtinLength),
            ("product.gtin", "4006381333932", WarningCode::GtinCheckDigit),
            ("valid_for_months", "two years", WarningCode::NotANumber),
            ("valid_for_months", "0", WarningCode::MonthsRange),
            ("lifecycle.updates_until", "June 2031", WarningCode::NotAMonth),
            ("lifecycle.updates_until", "2019-12", WarningCode::NotAMonth),
            ("lifecycle.updates_until", "2026-11", WarningCode::UpdatesPast),
            ("lifecycle.updates_until", "2027-06", WarningCode::UpdatesEndBeforeLabel),
            ("privacy.processing", "somewhere", WarningCode::NotAnOption),
        ];
        for (field, value, code) in cases {
            let got = codes(&with(a.clone(), &[(field, one(value))]));
            assert_eq!(got, [(*code, (*field).to_owned())], "{field} = {value:?}");
            assert_eq!(code.blocks(), spec(&JUNE_2018, &with(a.clone(), &[(field, one(value))])).is_err(), "{code:?}");
        }
        assert_eq!(
            codes(&with(a.clone(), &[("privacy.rights", many(&["see", "smell"]))])),
            [(WarningCode::NotAnOption, "privacy.rights".into())]
        );
        // Ten years: unusual, and past the updates too.
        let long = codes(&with(a.clone(), &[("valid_for_months", one("120"))]));
        assert_eq!(
            long,
            [(WarningCode::MonthsRange, "valid_for_months".into()), (WarningCode::UpdatesEndBeforeLabel, "lifecycle.updates_until".into())]
        );
        // This month still has its updates (but the label outlives them).
        let now = codes(&with(a.clone(), &[("lifecycle.updates_until", one("2026-12")), ("valid_for_months", one("1"))]));
        assert_eq!(now, [(WarningCode::UpdatesEndBeforeLabel, "lifecycle.updates_until".into())]);
    }

    #[test]
    fn a_past_updates_date_says_the_month_in_the_readers_words() {
        let a = with(full(SPEAKER), &[("lifecycle.updates_until", one("2025-03"))]);
        let w = &warnings(&JUNE_2018, &a, TODAY, &english())[0];
        assert_eq!((w.code, w.blocks), (WarningCode::UpdatesPast, false));
        assert!(w.text.starts_with("March 2025 has already passed"), "{}", w.text);
    }

    #[test]
    fn the_example_labels_contradict_themselves_nowhere() {
        // The demo shows shoppers these labels: a principle met beside a fact that says
        // otherwise would show them both ("You cannot correct your data" and "Met: 7").
        for example in [SPEAKER, THERMOSTAT, DOORBELL] {
            let spec = spec::parse(example).unwrap();
            let w: Vec<_> = warnings(spec.catalogue().unwrap(), &answers_of(&spec), TODAY, &english())
                .into_iter()
                .filter(|w| !matches!(w.code, WarningCode::UpdatesPast | WarningCode::UpdatesEndBeforeLabel))
                .map(|w| w.text)
                .collect();
            assert!(w.is_empty(), "{w:?}");
        }
    }

    #[test]
    fn contradictions_between_principles_and_facts() {
        let a = full(SPEAKER);
        // The issue's case: principle 29 met, no end-of-life plan in the facts.
        let no_plan = with(a.clone(), &[("lifecycle.repair", many(&["spare_parts"]))]);
        let w = warnings(&JUNE_2018, &no_plan, TODAY, &english());
        assert_eq!(w.len(), 1);
        assert_eq!(
            (w[0].code, w[0].field.as_str(), w[0].related.as_slice()),
            (WarningCode::ClaimWithoutFact, "principles.29", &["lifecycle.repair".to_owned()][..])
        );
        assert!(w[0].text.contains("The maker does not say what happens when support ends."), "{}", w[0].text);
        // A fact stated while its principle is marked not met (32: repair docs).
        let docs = with(a.clone(), &[("lifecycle.repair", many(&["spare_parts", "end_of_life_plan", "repair_docs"]))]);
        assert_eq!(codes(&docs), [(WarningCode::FactWithoutClaim, "lifecycle.repair".into())]);
        // Every pair of the table, both ways.
        for pair in PAIRS {
            let field = format!("principles.{}", pair.principle);
            let met_without = with(a.clone(), &[(&field, one("met")), (pair.field, many(&[]))]);
            assert!(codes(&met_without).contains(&(WarningCode::ClaimWithoutFact, field.clone())), "{}", pair.principle);
            let fact_without = with(a.clone(), &[(&field, one("not-met")), (pair.field, many(&[pair.flag]))]);
            assert!(codes(&fact_without).contains(&(WarningCode::FactWithoutClaim, pair.field.to_owned())), "{}", pair.principle);
            let partly = with(a.clone(), &[(&field, one("partly")), (pair.field, many(&[]))]);
            assert!(!codes(&partly).iter().any(|(c, f)| *c == WarningCode::ClaimWithoutFact && *f == field), "partly claims nothing whole");
        }
        // Works without the maker's cloud: principles 12 and 17 against a product that fails.
        let fails = with(a.clone(), &[("lifecycle.without_cloud", one("fails"))]);
        assert_eq!(codes(&fails), [(WarningCode::FailsWithoutCloud, "principles.17".into())]);
        let fails12 = with(fails, &[("principles.12", one("met")), ("openness.open", many(&["local_api"]))]);
        assert_eq!(
            codes(&fails12),
            [(WarningCode::FailsWithoutCloud, "principles.12".into()), (WarningCode::FailsWithoutCloud, "principles.17".into())]
        );
        // Kept on the device, yet shared.
        let shared = with(a, &[("privacy.processing", one("on-device")), ("privacy.sharing", many(&["shared"]))]);
        assert_eq!(codes(&shared), [(WarningCode::OnDeviceButShared, "privacy.sharing".into())]);
    }

    #[test]
    fn partial_answers_have_a_grade_so_far_and_a_best_still_possible() {
        let m = english();
        let p = progress(&JUNE_2018, &Answers::new(), &m);
        assert_eq!((p.grade, p.best, p.answered), (None, Some(Grade::Gold), 0));
        assert_eq!(p.next.as_ref().map(|n| (n.grade, n.must_meet.len())), Some((Grade::Bronze, 20)));
        assert!(p.next.as_ref().unwrap().must_meet.iter().all(|n| n.status.is_none()));
        assert_eq!(p.missing.len(), 3 + 33 + 3, "maker, name, model, every principle, updates, cloud, processing");
        // Every essential principle met, nothing else answered: bronze so far, gold possible.
        let essentials: Answers = JUNE_2018
            .principles
            .iter()
            .filter(|p| p.tier == Tier::Essential)
            .map(|p| (format!("principles.{}", p.id), one("met")))
            .collect();
        let p = progress(&JUNE_2018, &essentials, &m);
        assert_eq!((p.grade, p.best), (Some(Grade::Bronze), Some(Grade::Gold)));
        assert_eq!(p.summary, "Bronze so far; Gold is still possible.");
        let next = p.next.unwrap();
        assert_eq!((next.grade, next.more), (Grade::Silver, 4));
        assert_eq!(next.text, "For Silver it would need 4 more of principles 9, 10, 12, 17, 26, 31, 32, 33 met.");
        // One essential not met: no mark, and no grade possible.
        let blocked = with(essentials.clone(), &[("principles.3", one("not-met"))]);
        let p = progress(&JUNE_2018, &blocked, &m);
        assert_eq!((p.grade, p.best), (None, None));
        assert_eq!(p.next.unwrap().must_meet.iter().map(|n| (n.id, n.status)).collect::<Vec<_>>(), [(3, Some(Status::NotMet))]);
        // A partly met essential caps the best at bronze.
        let partly = with(essentials, &[("principles.24", one("partly"))]);
        assert_eq!(progress(&JUNE_2018, &partly, &m).best, Some(Grade::Bronze));
        // A complete assessment: the grade is reached and nothing is missing.
        let p = progress(&JUNE_2018, &full(SPEAKER), &m);
        assert_eq!((p.grade, p.best, p.missing.len(), p.answered), (Some(Grade::Silver), Some(Grade::Silver), 0, p.questions));
        assert_eq!(progress(&JUNE_2018, &full(THERMOSTAT), &m).next, None);
        // Wrong answers do not count.
        let wrong = with(full(SPEAKER), &[("principles.3", one("yes"))]);
        assert_eq!(progress(&JUNE_2018, &wrong, &m).grade, None);
    }

    #[test]
    fn a_spec_needs_every_answer_without_a_default() {
        let mut a = full(SPEAKER);
        a.remove("product.maker");
        a.remove("privacy.sensors");
        a.insert("product.gtin".into(), one("123"));
        let e = spec(&JUNE_2018, &a).unwrap_err();
        assert_eq!((e.missing, e.invalid), (vec!["product.maker".to_owned()], vec!["product.gtin".to_owned()]));
    }

    #[test]
    fn the_trial_signature_is_what_sign_would_do() {
        let s = spec::parse(SPEAKER).unwrap();
        let (label, issued) = trial(&s, TODAY).unwrap();
        assert_eq!(label.grade, Grade::Silver);
        assert!(crate::qr::fits_version_10(&issued.text));
        let mut no_mark = s.clone();
        no_mark.principles.insert("3".into(), Status::NotMet);
        assert_eq!(trial(&no_mark, TODAY).unwrap_err(), TrialError::Spec(SpecError::NoMark));
        assert!(trial_warning(&TrialError::Issue(IssueError::TooLarge { bytes: 300 }), &english()).is_some_and(|w| w.blocks));
    }

    const STUDIO: &[(&str, &str, &str)] = &[
        ("en", include_str!("../lang/en.json"), STUDIO_ENGLISH),
        ("fr", include_str!("../lang/fr.json"), include_str!("../lang/studio/fr.json")),
        ("de", include_str!("../lang/de.json"), include_str!("../lang/studio/de.json")),
        ("es", include_str!("../lang/es.json"), include_str!("../lang/studio/es.json")),
        ("pt", include_str!("../lang/pt.json"), include_str!("../lang/studio/pt.json")),
        ("sw", include_str!("../lang/sw.json"), include_str!("../lang/studio/sw.json")),
    ];

    fn keys(json: &str) -> BTreeSet<String> {
        serde_json::from_str::<BTreeMap<String, String>>(json).unwrap().into_keys().collect()
    }

    fn placeholders(s: &str) -> BTreeSet<String> {
        s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned())).collect()
    }

    #[test]
    fn every_studio_word_is_in_six_languages_with_the_same_placeholders() {
        let en: BTreeMap<String, String> = serde_json::from_str(STUDIO_ENGLISH).unwrap();
        for (tag, core, studio) in STUDIO {
            assert!(keys(core).is_disjoint(&keys(studio)), "{tag}: the studio's keys are its own");
            let own: BTreeMap<String, String> = serde_json::from_str(studio).unwrap_or_else(|e| panic!("{tag}: {e}"));
            let missing: Vec<_> = en.keys().filter(|k| !own.contains_key(*k)).collect();
            let extra: Vec<_> = own.keys().filter(|k| !en.contains_key(*k)).collect();
            assert!(missing.is_empty() && extra.is_empty(), "{tag}: missing {missing:?}, extra {extra:?}");
            for (k, v) in &own {
                assert_eq!(placeholders(v), placeholders(&en[k]), "{tag}: {k}");
            }
            let m = words(core, studio).unwrap();
            // Every key the questions, options, evidence and warnings ask for exists.
            for a in ask(&JUNE_2018, &m) {
                for text in [&a.prompt, &a.help].into_iter().chain(a.evidence.as_ref()).chain(a.choices.iter().map(|c| &c.text)) {
                    assert!(
                        !text.starts_with("studio.") && !text.starts_with("status.") && !text.is_empty(),
                        "{tag}: {} {text}",
                        a.question.id
                    );
                }
            }
            for code in WarningCode::ALL {
                assert!(en.contains_key(&format!("studio.warning.{}", code.key())), "{code:?}");
            }
            for s in FormSection::ALL {
                assert!(!s.title(&m).contains('.'), "{tag}: {s:?}");
            }
        }
        assert!(words("[1]", "{}").is_err() && words("{}", "{}").is_ok());
        for (tag, _, studio) in STUDIO {
            assert_eq!(studio_bundled(tag), Some(*studio));
            assert!(bundled_words(tag).is_some_and(|m| m.say("studio.ui.back", &[]) != "studio.ui.back"), "{tag}");
        }
        assert_eq!(bundled_words("pt-BR").map(|m| m.say("studio.ui.back", &[])).as_deref(), Some("Voltar"));
        assert!(bundled_words("xx").is_none());
    }

    #[test]
    fn warnings_speak_every_language_without_leftover_placeholders() {
        let a = with(
            full(SPEAKER),
            &[("lifecycle.updates_until", one("2025-03")), ("lifecycle.repair", many(&[])), ("product.gtin", one("12345"))],
        );
        for (tag, core, studio) in STUDIO {
            let m = words(core, studio).unwrap();
            let w = warnings(&JUNE_2018, &a, TODAY, &m);
            assert!(w.len() >= 4, "{tag}");
            for w in w {
                assert!(!w.text.contains('{') && !w.text.starts_with("studio."), "{tag}: {}", w.text);
            }
        }
    }
}
