//! Plain-language explanations of a verification, the same in every front end.
//!
//! All wording lives in language files (`core/lang/<tag>.json`: flat maps from message
//! key to a template with `{name}` placeholders). This module only chooses which messages
//! to say and fills them in; a missing key falls back to English, then to the key itself,
//! so a partial translation still says everything.

use crate::catalogue::{self, Category, Tier};
use crate::date::{Date, YearMonth};
use crate::grade::Grade;
use crate::label::{Assurance, Label, Processing, Status, UpdateDelivery, WithoutCloud};
use crate::trust::Freshness;
use crate::verify::{Verdict, Verification};
use serde::Serialize;

/// English, compiled in as the fallback for every other language (natively: the
/// WebAssembly verifier carries no language and loads English as a file like any other).
pub const ENGLISH: &str = include_str!("../lang/en.json");

/// The language tags whose files ship with iotmark.
pub const LANGUAGES: &[&str] = &["en", "de", "fr", "es", "pt", "sw"];

/// Each shipped language's name in that language, for a language switch (the same as its
/// file's `language.name`).
pub fn language_name(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "en" => "English",
        "de" => "Deutsch",
        "fr" => "Français",
        "es" => "Español",
        "pt" => "Português",
        "sw" => "Kiswahili",
        _ => return None,
    })
}

/// The language file of a language the core ships ([`LANGUAGES`]).
pub fn bundled(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "en" => ENGLISH,
        "de" => include_str!("../lang/de.json"),
        "fr" => include_str!("../lang/fr.json"),
        "es" => include_str!("../lang/es.json"),
        "pt" => include_str!("../lang/pt.json"),
        "sw" => include_str!("../lang/sw.json"),
        _ => return None,
    })
}

/// The shipped language ([`LANGUAGES`]) for one tag, matched on the whole tag and then on
/// its primary subtag (`pt-BR` is served by `pt`), ignoring case; `None` when iotmark does
/// not ship it.
pub fn shipped(tag: &str) -> Option<&'static str> {
    let tag = tag.trim().to_ascii_lowercase();
    let primary = tag.split(['-', '_']).next().unwrap_or_default();
    LANGUAGES.iter().find(|l| **l == tag).or_else(|| LANGUAGES.iter().find(|l| **l == primary)).copied()
}

/// The shipped language that best serves a reader who prefers `tags`, most preferred
/// first (as `navigator.languages` gives them): the first one iotmark ships ([`shipped`]),
/// English when none is.
pub fn negotiate<'a>(tags: impl IntoIterator<Item = &'a str>) -> &'static str {
    tags.into_iter().find_map(shipped).unwrap_or("en")
}

/// One language's messages.
#[derive(Clone, Debug, Default)]
pub struct Messages {
    own: Words,
    fallback: Words,
}

/// A language file that is not a flat JSON object of strings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLanguageFile(pub String);

impl std::fmt::Display for BadLanguageFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the language file is not a JSON object of strings: {}", self.0)
    }
}

impl std::error::Error for BadLanguageFile {}

/// Reads a language file: one JSON object whose values are all strings (RFC 8259, with
/// every string escape). Written out rather than through serde_json, whose generic
/// machinery would be most of the WebAssembly verifier's size for this one flat shape.
fn parse(json: &str) -> Result<Words, BadLanguageFile> {
    let mut p = Flat { s: json.as_bytes(), at: 0 };
    let mut out = Words::default();
    p.expect(b'{')?;
    if !p.eat(b'}') {
        loop {
            let key = p.string()?;
            p.expect(b':')?;
            let value = p.string()?;
            if out.insert(key, value).is_some() {
                return Err(p.error("a key appears twice"));
            }
            if p.eat(b'}') {
                break;
            }
            p.expect(b',')?;
        }
    }
    p.space();
    if p.at != p.s.len() {
        return Err(p.error("text after the object"));
    }
    Ok(out)
}

/// The [`Messages::stamp`] of this version's English keys, which every shipped language
/// file has exactly. A file that stamps otherwise is from another version of iotmark (a
/// cached copy outliving an update): it may lack a message this version says, so a front
/// end that loads languages as files refuses it ([`Messages::alone_of_this_version`]).
/// When the keys change, `keys_stamp_is_englishs` fails and prints the new value.
pub const KEYS_STAMP: u64 = 0xa112_504f_a7ff_b87f;

/// A language file's messages by key, in file order. Searched one by one: a file holds a
/// couple of hundred, and a hash map's code would be a sizeable share of the WebAssembly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Words(Vec<(String, String)>);

impl Words {
    fn get(&self, key: &str) -> Option<&String> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A stamp of the set of keys, whatever their order: the wrapping sum of each key's
    /// 64-bit FNV-1a hash. Order-free, so that no sorting code is needed to compute it.
    fn stamp(&self) -> u64 {
        let fnv = |k: &str| k.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
        self.0.iter().fold(0u64, |sum, (k, _)| sum.wrapping_add(fnv(k)))
    }

    /// Adds `key`; `Some` when it was there already.
    fn insert(&mut self, key: String, value: String) -> Option<()> {
        if self.get(&key).is_some() {
            return Some(());
        }
        self.0.push((key, value));
        None
    }
}

/// A cursor over a flat JSON object of strings.
struct Flat<'a> {
    s: &'a [u8],
    at: usize,
}

impl Flat<'_> {
    fn error(&self, what: &str) -> BadLanguageFile {
        BadLanguageFile(format!("{what} at byte {}", self.at))
    }

    fn space(&mut self) {
        while self.s.get(self.at).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.space();
        let hit = self.s.get(self.at) == Some(&byte);
        self.at += usize::from(hit);
        hit
    }

    fn expect(&mut self, byte: u8) -> Result<(), BadLanguageFile> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(self.error(&format!("expected '{}'", char::from(byte))))
        }
    }

    fn hex4(&mut self) -> Result<u32, BadLanguageFile> {
        let digits = self
            .s
            .get(self.at..self.at + 4)
            .and_then(|d| std::str::from_utf8(d).ok())
            .ok_or_else(|| self.error("a cut-short \\u escape"))?;
        let n = u32::from_str_radix(digits, 16).map_err(|_| self.error("a bad \\u escape"))?;
        self.at += 4;
        Ok(n)
    }

    fn string(&mut self) -> Result<String, BadLanguageFile> {
        self.expect(b'"')?;
        let mut out = String::new();
        loop {
            let start = self.at;
            while self.s.get(self.at).is_some_and(|b| *b != b'"' && *b != b'\\' && *b >= 0x20) {
                self.at += 1;
            }
            // The input is a &str and the run stops only at ASCII bytes: a whole UTF-8 slice.
            out.push_str(std::str::from_utf8(&self.s[start..self.at]).map_err(|_| self.error("bad UTF-8"))?);
            match self.s.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let c = self.escape()?;
                    out.push(c);
                }
                Some(_) => return Err(self.error("a control character in a string")),
                None => return Err(self.error("an unterminated string")),
            }
        }
    }

    fn escape(&mut self) -> Result<char, BadLanguageFile> {
        let b = *self.s.get(self.at).ok_or_else(|| self.error("a cut-short escape"))?;
        self.at += 1;
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&hi) {
                    if self.s.get(self.at..self.at + 2) != Some(b"\\u") {
                        return Err(self.error("a lone surrogate"));
                    }
                    self.at += 2;
                    let lo = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(self.error("a lone surrogate"));
                    }
                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                } else {
                    hi
                };
                char::from_u32(code).ok_or_else(|| self.error("a lone surrogate"))?
            }
            _ => return Err(self.error("an unknown escape")),
        })
    }
}

impl Messages {
    /// English only.
    pub fn english() -> Messages {
        Messages { own: parse(ENGLISH).unwrap_or_default(), fallback: Words::default() }
    }

    /// A language file's messages, falling back to English.
    pub fn from_json(json: &str) -> Result<Messages, BadLanguageFile> {
        Ok(Messages { own: parse(json)?, fallback: parse(ENGLISH).unwrap_or_default() })
    }

    /// A language file's messages alone, falling back to nothing but the key until
    /// [`Messages::fall_back_to`] gives them English: for a front end that loads English as
    /// a file (the WebAssembly verifier), so that [`ENGLISH`] is not compiled into it.
    pub fn alone(json: &str) -> Result<Messages, BadLanguageFile> {
        Ok(Messages { own: parse(json)?, fallback: Words::default() })
    }

    /// [`Messages::alone`], refusing a file whose keys are not this version's
    /// ([`KEYS_STAMP`]).
    pub fn alone_of_this_version(json: &str) -> Result<Messages, BadLanguageFile> {
        let messages = Messages::alone(json)?;
        if messages.own.stamp() != KEYS_STAMP {
            return Err(BadLanguageFile("the file is from another version of iotmark: its messages are not this version's".into()));
        }
        Ok(messages)
    }

    /// Falls back to `english`'s own messages for every key this language lacks.
    pub fn fall_back_to(&mut self, english: &Messages) {
        self.fallback = english.own.clone();
    }

    /// The message for `key` with `{name}` placeholders filled from `args`, in one pass:
    /// a value is never read again for placeholders (a product named `{maker}` stays so).
    pub fn say(&self, key: &str, args: &[(&str, &str)]) -> String {
        let template = self.own.get(key).or_else(|| self.fallback.get(key)).map_or(key, String::as_str);
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let value = after.find('}').and_then(|close| args.iter().find(|(n, _)| *n == &after[..close]).map(|(_, v)| (close, v)));
            match value {
                Some((close, v)) => {
                    out.push_str(v);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn plural(&self, key: &str, n: i64) -> String {
        let one = n == 1 || (n == 0 && self.say("plural.zero-is-one", &[]) == "true");
        self.say(&format!("{key}.{}", if one { "one" } else { "other" }), &[("n", &n.to_string())])
    }

    pub fn month(&self, m: YearMonth) -> String {
        self.say("date.month-year", &[("month", &self.say(&format!("month.{}", m.month()), &[])), ("year", &m.year().to_string())])
    }

    pub fn date(&self, d: Date) -> String {
        let (y, m, day) = d.ymd();
        let month = self.say(&format!("month.{m}"), &[]);
        self.say("date.full", &[("day", &day.to_string()), ("month", &month), ("year", &y.to_string())])
    }

    /// "4 years and 7 months", in this language.
    pub fn span(&self, months: i64) -> String {
        let (years, rest) = (months / 12, months % 12);
        match (years, rest) {
            (0, m) => self.plural("span.months", m),
            (y, 0) => self.plural("span.years", y),
            (y, m) => self.say("span.and", &[("a", &self.plural("span.years", y)), ("b", &self.plural("span.months", m))]),
        }
    }
}

/// A titled list of plain sentences.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Section {
    pub key: &'static str,
    pub title: String,
    pub lines: Vec<String>,
}

/// One principle as shown on demand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct PrincipleLine {
    pub id: u8,
    pub status: Status,
    pub status_text: String,
    pub text: String,
}

/// The principles of one category.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct PrincipleGroup {
    pub category: Category,
    pub title: String,
    pub principles: Vec<PrincipleLine>,
}

/// How a verdict is shown: its colour and how much weight the shopper may give it. Every
/// front end draws the tone the core gives and never works it out from the verdict code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Tone {
    /// Rely on it: genuine and in force.
    Valid,
    /// Genuine but not to be relied on as it stands: expired, dated after today, or
    /// checked with no list of struck-off labels.
    Caution,
    /// Do not rely on it: struck off, or not genuine.
    Invalid,
    /// Not an iotmark label at all, so neither good nor bad news about a label.
    Neutral,
}

impl Tone {
    pub fn of(standing: Standing) -> Tone {
        match standing {
            Standing::Valid | Standing::SelfDeclared => Tone::Valid,
            Standing::Unconfirmed | Standing::Expired | Standing::NotYetValid => Tone::Caution,
            Standing::StruckOff | Standing::NotGenuine => Tone::Invalid,
            Standing::NotALabel => Tone::Neutral,
        }
    }
}

/// Where a verdict leaves the shopper: eight states, each drawn in its own colour and
/// words, so that none can be taken for another (a self-declared label is not a checked
/// one; a struck-off label is not an expired one; another QR code is not a forgery).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    /// Genuine, in force, and its claims checked by a reviewer or an auditor.
    Valid,
    /// Genuine and in force, but the maker's own claim: nobody has checked it.
    SelfDeclared,
    /// Genuine and in force by its dates, but checked with no list of struck-off labels,
    /// so whether the mark was withdrawn is unknown: never shown as valid.
    Unconfirmed,
    /// Genuine, but past its valid-until date.
    Expired,
    /// Genuine, but dated after today (or the device's clock is behind).
    NotYetValid,
    /// Genuine, but the mark was withdrawn from this product.
    StruckOff,
    /// Not genuine: nothing from it is shown.
    NotGenuine,
    /// Another QR code, not an iotmark label.
    NotALabel,
}

impl Standing {
    pub fn of(v: &Verification) -> Standing {
        match &v.verdict {
            Verdict::Valid if v.revocation_list.is_none() => Standing::Unconfirmed,
            Verdict::Valid if v.label.as_ref().is_some_and(|l| l.assurance == Assurance::SelfDeclared) => Standing::SelfDeclared,
            Verdict::Valid => Standing::Valid,
            Verdict::Expired => Standing::Expired,
            Verdict::NotYetValid => Standing::NotYetValid,
            Verdict::Revoked => Standing::StruckOff,
            Verdict::Invalid(i) if i.code() == "not-a-label" => Standing::NotALabel,
            Verdict::Invalid(_) => Standing::NotGenuine,
        }
    }

    /// The key used in language files (`standing.<key>.headline`, `.summary`).
    pub fn key(self) -> &'static str {
        match self {
            Standing::Valid => "valid",
            Standing::SelfDeclared => "self-declared",
            Standing::Unconfirmed => "unconfirmed",
            Standing::Expired => "expired",
            Standing::NotYetValid => "not-yet-valid",
            Standing::StruckOff => "struck-off",
            Standing::NotGenuine => "not-genuine",
            Standing::NotALabel => "not-a-label",
        }
    }
}

/// One step of the three-step grade scale, as the sticker and the screen both draw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Step {
    pub grade: Grade,
    pub text: String,
    /// This label's grade.
    pub current: bool,
}

/// One line of the primary layer about what the product does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Fact {
    /// `lifecycle`, `privacy` or `openness`.
    pub key: &'static str,
    pub title: String,
    pub text: String,
}

/// How many principles of one tier the product meets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct TierCount {
    pub tier: Tier,
    pub met: usize,
    /// Principles of the tier partly met.
    pub partly: usize,
    /// Principles of the tier that apply to this product.
    pub applicable: usize,
    /// Principles of the tier that do not apply: with `applicable`, the whole tier.
    pub not_applicable: usize,
    pub text: String,
}

/// A grade's place on the three-step scale, drawn as filled and empty stars: "★★☆".
pub fn stars(grade: Grade) -> String {
    let level = usize::from(grade.level());
    "★".repeat(level) + &"☆".repeat(usize::from(Grade::STEPS) - level)
}

/// Everything a front end says about one verification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Explanation {
    pub verdict: Verdict,
    pub tone: Tone,
    pub standing: Standing,
    /// "Genuine label", "Not genuine", …
    pub headline: String,
    /// One sentence on what the verdict means for the shopper.
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade_text: Option<String>,
    /// The grade's step on the scale, 1 (bronze) to 3 (gold).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade_level: Option<u8>,
    /// The same step as stars: "★★☆".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade_stars: Option<String>,
    /// The three grades, this label's marked: the scale the sticker prints too.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scale: Vec<Step>,
    /// The grade's place in words: "Silver: the middle of three grades."
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_text: Option<String>,
    /// Who checked the claims, in words; never reads as the maker vouching for itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checked_by: Option<String>,
    /// "GTIN 4006381333931", when the label names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gtin: Option<String>,
    /// One line each on lifecycle, privacy and openness: the primary layer.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<Fact>,
    /// How many principles of each tier are met.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<TierCount>,
    /// Why this grade: what the next grade would need (from the grading rule).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_grade: Option<String>,
    /// Whose product this is, and the reminder to compare it with the box.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_box: Option<String>,
    /// For a struck-off label: when and why, and the reviewers' public note.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub struck_off: Vec<String>,
    /// Lifecycle, privacy, openness, and who vouches for it, in that order.
    pub sections: Vec<Section>,
    pub principles: Vec<PrincipleGroup>,
    /// For a QR code that is not a label: "It says: …", its text as plain text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub said: Option<String>,
    /// Which lists this verdict was reached with, and how old they are.
    pub lists: Vec<String>,
    /// Things the shopper should know about the verifier itself (an old trust list, a
    /// device clock set back).
    pub warnings: Vec<String>,
}

/// Explains a verification in the language of `m`.
pub fn explain(v: &Verification, m: &Messages) -> Explanation {
    let standing = Standing::of(v);
    let mut e = Explanation {
        verdict: v.verdict.clone(),
        tone: Tone::of(standing),
        standing,
        headline: m.say(&format!("standing.{}.headline", standing.key()), &[]),
        summary: m.say(&format!("standing.{}.summary", standing.key()), &[("date", &standing_date(v, m))]),
        grade: None,
        grade_text: None,
        grade_level: None,
        grade_stars: None,
        scale: Vec::new(),
        scale_text: None,
        checked_by: None,
        gtin: None,
        facts: Vec::new(),
        tiers: Vec::new(),
        next_grade: None,
        product: None,
        check_box: None,
        struck_off: struck_off(v, m),
        sections: Vec::new(),
        principles: Vec::new(),
        said: v.other_text.as_ref().map(|text| m.say("verdict.not-a-label.said", &[("text", text)])),
        lists: lists(&v.trust_list, v.revocation_list.as_ref(), v.today, m),
        warnings: warnings(v, m),
    };
    if let (Verdict::Invalid(reason), Standing::NotGenuine) = (&v.verdict, standing) {
        // What is wrong, then what the shopper can do about it.
        let why = m.say(&format!("reason.{}", reason.code()), &[]);
        e.summary = format!("{} {why} {}", e.summary, m.say("standing.not-genuine.next", &[]));
        return e;
    }
    let Some(label) = &v.label else { return e };
    let p = &label.product;
    e.gtin = p.gtin.as_deref().map(|g| m.say("product.gtin", &[("gtin", printed_gtin(g))]));
    e.product = Some(m.say("product.line", &[("name", &p.name), ("model", &p.model), ("maker", &p.maker)]));
    e.grade = Some(label.grade);
    e.scale = scale(label.grade, m);
    let grade_text = m.say(&format!("grade.{}", label.grade.key()), &[]);
    if standing == Standing::StruckOff {
        // The mark was withdrawn: its grade, who checked it and what it claimed no longer
        // count. Only the product it was withdrawn from and the grade it claimed, struck
        // through, are shown, so that no screen lists them as if they held.
        e.scale_text = Some(m.say("scale.struck-off", &[("grade", &grade_text)]));
        return e;
    }
    // Only a mark that counts is worth comparing with the box: beside a struck-off one,
    // "check that this matches the box" reads as "if it matches, it is fine".
    let mut check = m.say("product.check", &[]);
    if let Some(serial) = &p.serial {
        check = format!("{check} {}", m.say("product.serial", &[("serial", serial)]));
    }
    e.check_box = Some(check);
    e.grade_text = Some(grade_text);
    e.grade_level = Some(label.grade.level());
    e.grade_stars = Some(stars(label.grade));
    e.scale_text = Some(m.say(&format!("scale.{}", label.grade.key()), &[]));
    e.checked_by = Some(checked_by(v, label, m));
    e.sections = vec![lifecycle(label, v.today, m), privacy(label, m), openness(label, m), vouch(v, label, m)];
    e.facts = facts(label, &e.sections, m);
    e.principles = principles(label, m);
    if let Some(cat) = catalogue::by_version(label.catalogue) {
        e.tiers = tiers(cat, label, m);
        e.next_grade = Some(next_grade(cat, label, m));
    }
    e
}

/// The three-step scale with `grade` marked, lowest first: what the screen and the printed
/// mark both draw, so that they show the same steps in the same order.
pub fn scale(grade: Grade, m: &Messages) -> Vec<Step> {
    Grade::ALL.iter().map(|g| Step { grade: *g, text: m.say(&format!("grade.{}", g.key()), &[]), current: *g == grade }).collect()
}

/// Who checked the claims, short enough for a printed mark: "Reviewed by {issuer}". The
/// issuer's name comes from the trust list; without it the line says to scan for it. A
/// self-declaration never names the maker as if it vouched for itself.
pub fn mark_checked_by(assurance: Assurance, issuer: Option<&str>, m: &Messages) -> String {
    match issuer.filter(|i| !i.trim().is_empty()) {
        _ if assurance == Assurance::SelfDeclared => m.say("mark.checked.self-declared", &[]),
        Some(issuer) => m.say(&format!("mark.checked.{}", assurance.key()), &[("issuer", issuer)]),
        None => m.say(&format!("mark.checked.{}.unnamed", assurance.key()), &[]),
    }
}

/// The printed mark's three lines on lifecycle, privacy and openness: short forms of the
/// screen's facts that do not depend on the day they are read.
pub fn mark_facts(label: &Label, m: &Messages) -> Vec<Fact> {
    let until = m.month(label.facts.lifecycle.updates_until);
    let pr = &label.facts.privacy;
    let (place, sharing) = (processing_key(pr.processing), sharing_key(pr.sharing));
    let privacy = m.say(
        "mark.privacy",
        &[("where", &m.say(&format!("mark.privacy.{place}"), &[])), ("sharing", &m.say(&format!("mark.privacy.{sharing}"), &[]))],
    );
    let open: Vec<String> = label.facts.openness.set().iter().map(|n| m.say(&format!("openness.short.{n}"), &[])).collect();
    let openness =
        if open.is_empty() { m.say("openness.short.none", &[]) } else { m.say("openness.short.list", &[("list", &open.join(", "))]) };
    [("lifecycle", m.say("mark.lifecycle", &[("until", &until)])), ("privacy", privacy), ("openness", openness)]
        .into_iter()
        .map(|(key, text)| Fact { key, title: m.say(&format!("section.{key}"), &[]), text })
        .collect()
}

/// The day a standing's summary names: the day an expired label ran out, the day a label
/// dated after today was issued; empty for the others.
fn standing_date(v: &Verification, m: &Messages) -> String {
    match (&v.verdict, &v.label) {
        (Verdict::Expired, Some(label)) => m.date(label.valid_until),
        (Verdict::NotYetValid, Some(label)) => m.date(label.issued),
        _ => String::new(),
    }
}

/// A GTIN as it is printed under the product's barcode: a GTIN-13 that starts with 0 is a
/// UPC-A, printed as its 12 digits; any other as it is.
pub fn printed_gtin(gtin: &str) -> &str {
    match gtin.strip_prefix('0') {
        Some(upc) if gtin.len() == 13 => upc,
        _ => gtin,
    }
}

fn checked_by(v: &Verification, label: &Label, m: &Messages) -> String {
    let signer = v.signer.as_ref().map_or("", |s| s.name.as_str());
    m.say(&format!("checked.{}", label.assurance.key()), &[("issuer", signer)])
}

/// The primary layer's three lines: the first sentence of the lifecycle section, the first
/// three of the privacy section (what is collected, where it is processed, and whether it
/// is shared or sold: never the first two alone), and what is open in a few words.
fn facts(label: &Label, sections: &[Section], m: &Messages) -> Vec<Fact> {
    let first = |key: &str| sections.iter().find(|s| s.key == key).and_then(|s| s.lines.first()).cloned().unwrap_or_default();
    let privacy = sections
        .iter()
        .find(|s| s.key == "privacy")
        .map(|s| s.lines.iter().take(3).cloned().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let open: Vec<String> = label.facts.openness.set().iter().map(|n| m.say(&format!("openness.short.{n}"), &[])).collect();
    let openness =
        if open.is_empty() { m.say("openness.short.none", &[]) } else { m.say("openness.short.list", &[("list", &open.join(", "))]) };
    [("lifecycle", first("lifecycle")), ("privacy", privacy), ("openness", openness)]
        .into_iter()
        .map(|(key, text)| Fact { key, title: m.say(&format!("section.{key}"), &[]), text })
        .collect()
}

fn tiers(cat: &catalogue::Catalogue, label: &Label, m: &Messages) -> Vec<TierCount> {
    Tier::ALL
        .iter()
        .map(|t| {
            let statuses: Vec<Status> =
                cat.principles.iter().zip(&label.principles).filter(|(p, _)| p.tier == *t).map(|(_, s)| *s).collect();
            let applicable = statuses.iter().filter(|s| **s != Status::NotApplicable).count();
            let met = statuses.iter().filter(|s| **s == Status::Met).count();
            let partly = statuses.iter().filter(|s| **s == Status::Partly).count();
            let (met_s, partly_s, applicable_s) = (met.to_string(), partly.to_string(), applicable.to_string());
            // "14 of 19 met" beside a bronze grade reads as failing: the partly met are counted too.
            let key = if partly > 0 { "tiers.line-partly" } else { "tiers.line" };
            let tier = m.say(&format!("tier.{}", t.key()), &[]);
            let mut text = m.say(key, &[("tier", &tier), ("met", &met_s), ("partly", &partly_s), ("applicable", &applicable_s)]);
            // The three lines add up to "All 33 principles" only with those that do not apply.
            let not_applicable = statuses.len() - applicable;
            if not_applicable > 0 {
                text = format!("{text} {}", m.plural("tiers.not-applicable", not_applicable as i64));
            }
            TierCount { tier: *t, met, partly, applicable, not_applicable, text }
        })
        .collect()
}

/// What the next grade would need, from the grading rule: the principles to meet, and how
/// many more of a tier.
fn next_grade(cat: &catalogue::Catalogue, label: &Label, m: &Messages) -> String {
    let Some((target, short)) = crate::grade::next_grade(cat, &label.principles) else {
        return m.say("next.top", &[]);
    };
    let ids = |ids: &[u8]| ids.iter().map(u8::to_string).collect::<Vec<_>>().join(", ");
    let mut parts = Vec::new();
    if !short.must_meet.is_empty() {
        parts.push(m.say("next.must-meet", &[("list", &ids(&short.must_meet))]));
    }
    if let Some((n, of)) = &short.more_of {
        parts.push(m.say("next.more-of", &[("n", &n.to_string()), ("list", &ids(of))]));
    }
    let grade = m.say(&format!("grade.{}", target.key()), &[]);
    m.say("next.grade", &[("grade", &grade), ("needs", &parts.join(m.say("next.and", &[]).as_str()))])
}

fn struck_off(v: &Verification, m: &Messages) -> Vec<String> {
    let Some(r) = &v.struck_off else { return Vec::new() };
    let mut lines = vec![m.say(&format!("struck-off.{}", r.reason.code()), &[("date", &m.date(r.on))])];
    if !r.note.is_empty() {
        lines.push(m.say("struck-off.note", &[("note", &r.note)]));
    }
    lines
}

/// One line per list: which edition, when it was signed and how long ago, whether it is
/// out of date, and where it came from when that is known. `today` is the verifier's UTC
/// date.
pub fn lists(trust: &Freshness, revocation: Option<&Freshness>, today: Date, m: &Messages) -> Vec<String> {
    let line = |key: &str, f: &Freshness| {
        let age = if f.issued > today {
            m.say("lists.age.future", &[])
        } else if f.age_days == 0 {
            m.say("lists.age.today", &[])
        } else {
            m.plural("lists.age.days", i64::from(f.age_days))
        };
        let sequence = f.sequence.to_string();
        let mut text = m.say(key, &[("sequence", &sequence), ("date", &m.date(f.issued)), ("age", &age)]);
        if f.expired {
            text = format!("{text} {}", m.say("lists.expired", &[("date", &m.date(f.expires))]));
        }
        if let Some(origin) = f.origin {
            let on = origin.on().map(|d| m.date(d)).unwrap_or_default();
            text = format!("{text} {}", m.say(&format!("lists.from.{}", origin.key()), &[("date", &on)]));
        }
        text
    };
    let mut out = vec![line("lists.trust", trust)];
    out.extend(revocation.map(|r| line("lists.revocation", r)));
    out
}

/// What became of a list file offered to the verifier, in one sentence.
pub fn offered(kind: Option<crate::trust::ListKind>, offered: crate::trust::Offered, m: &Messages) -> String {
    let which = match kind {
        Some(crate::trust::ListKind::Trust) => m.say("offer.kind.trust", &[]),
        Some(crate::trust::ListKind::Revocation) => m.say("offer.kind.revocation", &[]),
        // A root rotation is no list: its own sentences.
        Some(crate::trust::ListKind::Root) if matches!(offered, crate::trust::Offered::Taken | crate::trust::Offered::Same) => {
            return m.say(&format!("offer.root.{}", offered.key()), &[]);
        }
        Some(crate::trust::ListKind::Root) | None => String::new(),
    };
    m.say(&format!("offer.{}", offered.key()), &[("list", &which)])
}

/// The device's clock is behind when today comes before a list was signed: the lists are
/// signed with the real date, so expiry and validity cannot be judged until it is set right.
pub fn clock_behind(v: &Verification) -> bool {
    v.today < v.trust_list.issued || v.revocation_list.is_some_and(|r| v.today < r.issued)
}

fn warnings(v: &Verification, m: &Messages) -> Vec<String> {
    let mut out = Vec::new();
    if clock_behind(v) {
        let signed = v.revocation_list.map_or(v.trust_list.issued, |r| r.issued.max(v.trust_list.issued));
        out.push(m.say("warning.clock-behind", &[("today", &m.date(v.today)), ("date", &m.date(signed))]));
    }
    if v.trust_list.expired {
        out.push(m.say("warning.trust-expired", &[("date", &m.date(v.trust_list.expires))]));
    }
    if v.revocation_list.is_some_and(|r| r.expired) {
        out.push(m.say("warning.revocation-expired", &[]));
    }
    out
}

fn section(key: &'static str, m: &Messages, lines: Vec<String>) -> Section {
    Section { key, title: m.say(&format!("section.{key}"), &[]), lines }
}

fn lifecycle(label: &Label, today: Date, m: &Messages) -> Section {
    let l = &label.facts.lifecycle;
    let left = today.month().months_until(l.updates_until);
    let until = m.month(l.updates_until);
    let updates = if left > 0 {
        m.say("lifecycle.updates-until", &[("until", &until), ("left", &m.span(left))])
    } else if left == 0 {
        m.say("lifecycle.updates-end-this-month", &[("until", &until)])
    } else {
        m.say("lifecycle.updates-ended", &[("until", &until)])
    };
    let delivery = match l.update_delivery {
        UpdateDelivery::Automatic => "automatic",
        UpdateDelivery::Prompted => "prompted",
        UpdateDelivery::Manual => "manual",
    };
    let cloud = match l.without_cloud {
        WithoutCloud::Works => "works",
        WithoutCloud::Partly => "partly",
        WithoutCloud::Fails => "fails",
    };
    let mut lines = vec![updates, m.say(&format!("lifecycle.delivery.{delivery}"), &[]), m.say(&format!("lifecycle.cloud.{cloud}"), &[])];
    lines.extend(flag_lines("lifecycle.repair", &l.repair.set(), crate::label::Repair::NAMES, m));
    section("lifecycle", m, lines)
}

/// One sentence per flag: `<prefix>.<name>.yes` or `.no`.
fn flag_lines(prefix: &str, set: &[&str], names: &[&str], m: &Messages) -> Vec<String> {
    names.iter().map(|n| m.say(&format!("{prefix}.{n}.{}", if set.contains(n) { "yes" } else { "no" }), &[])).collect()
}

/// Where data is processed, as the language files' keys name it.
fn processing_key(p: Processing) -> &'static str {
    match p {
        Processing::OnDevice => "on-device",
        Processing::DeviceAndCloud => "device-and-cloud",
        Processing::Cloud => "cloud",
    }
}

/// Whether data is kept, shared or sold, as the language files' keys name it.
fn sharing_key(s: crate::label::Sharing) -> &'static str {
    match (s.shared, s.sold) {
        (_, true) => "sold",
        (true, false) => "shared",
        (false, false) => "kept",
    }
}

fn privacy(label: &Label, m: &Messages) -> Section {
    let pr = &label.facts.privacy;
    let sensors: Vec<String> = pr.sensors.set().iter().map(|s| m.say(&format!("privacy.sensor.{s}"), &[])).collect();
    let collects = if sensors.is_empty() {
        m.say("privacy.collects-nothing", &[])
    } else {
        m.say("privacy.collects", &[("list", &sensors.join(", "))])
    };
    let (processing, sharing) = (processing_key(pr.processing), sharing_key(pr.sharing));
    let mut lines =
        vec![collects, m.say(&format!("privacy.processing.{processing}"), &[]), m.say(&format!("privacy.sharing.{sharing}"), &[])];
    lines.extend(flag_lines("privacy.rights", &pr.rights.set(), crate::label::DataRights::NAMES, m));
    section("privacy", m, lines)
}

fn openness(label: &Label, m: &Messages) -> Section {
    let o = &label.facts.openness;
    section("openness", m, flag_lines("openness", &o.set(), crate::label::Openness::NAMES, m))
}

fn vouch(v: &Verification, label: &Label, m: &Messages) -> Section {
    let signer = v.signer.as_ref().map_or("", |s| s.name.as_str());
    let lines = vec![
        m.say(&format!("vouch.{}", label.assurance.key()), &[("issuer", signer), ("maker", &label.product.maker)]),
        m.say("vouch.dates", &[("issued", &m.date(label.issued)), ("until", &m.date(label.valid_until))]),
        m.say("vouch.label-id", &[("id", &label.id.to_string())]),
    ];
    section("vouch", m, lines)
}

fn principles(label: &Label, m: &Messages) -> Vec<PrincipleGroup> {
    let Some(cat) = catalogue::by_version(label.catalogue) else {
        return Vec::new();
    };
    Category::ALL
        .iter()
        .map(|c| PrincipleGroup {
            category: *c,
            title: m.say(&format!("category.{}", c.key()), &[]),
            principles: cat
                .principles
                .iter()
                .zip(&label.principles)
                .filter(|(p, _)| p.category == *c)
                .map(|(p, s)| PrincipleLine {
                    id: p.id,
                    status: *s,
                    status_text: m.say(&format!("status.{}", s.key()), &[]),
                    text: m.say(&format!("principle.{}", p.id), &[]),
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::Origin;
    use std::collections::{BTreeMap, BTreeSet};

    /// A language file's words by key, to compare.
    fn map(words: Words) -> BTreeMap<String, String> {
        words.0.into_iter().collect()
    }

    const FILES: &[(&str, &str)] = &[
        ("de", include_str!("../lang/de.json")),
        ("fr", include_str!("../lang/fr.json")),
        ("es", include_str!("../lang/es.json")),
        ("pt", include_str!("../lang/pt.json")),
        ("sw", include_str!("../lang/sw.json")),
    ];

    /// A genuine verification of the video doorbell example (self-declared, bronze, GTIN
    /// 0036000291452, shares data) with `verdict`, read on `today`.
    fn doorbell(verdict: Verdict, today: Date) -> Verification {
        let spec = crate::spec::parse(include_str!("../../labels/examples/video-doorbell.toml")).expect("the example parses");
        let issued = Date::from_ymd(2026, 1, 10).unwrap();
        let label = spec.label(crate::label::LabelId(0x1234_5678_9abc_def0), issued, None).expect("the example makes a label");
        let struck_off = (verdict == Verdict::Revoked).then(|| crate::trust::Revoked {
            id: label.id,
            on: Date::from_ymd(2026, 3, 2).unwrap(),
            reason: crate::trust::Reason::WrongProduct,
            note: String::new(),
        });
        let list = Freshness::of(1, issued, Date::from_ymd(2027, 1, 1).unwrap(), today);
        Verification {
            verdict,
            reason: None,
            label: Some(label),
            signer: Some(crate::verify::Signer { name: "Demo Test Lab".into(), kid: "00".into() }),
            struck_off,
            link: None,
            other_text: None,
            trust_list: list,
            revocation_list: Some(list),
            today,
        }
    }

    fn english() -> Messages {
        Messages::from_json(bundled("en").unwrap()).unwrap()
    }

    #[test]
    fn a_struck_off_label_shows_no_grade_checker_or_claims_as_if_they_held() {
        let today = Date::from_ymd(2026, 6, 1).unwrap();
        let x = explain(&doorbell(Verdict::Revoked, today), &english());
        assert_eq!((x.tone, x.standing), (Tone::Invalid, Standing::StruckOff));
        assert!(x.product.is_some(), "the product the mark was withdrawn from");
        assert_eq!(x.check_box, None, "no prompt to match the box: a match would read as fine");
        assert_eq!(x.grade, Some(Grade::Bronze), "the grade it claimed, for the scale drawn struck through");
        assert_eq!(x.scale.iter().filter(|s| s.current).count(), 1);
        assert_eq!(x.scale_text.as_deref(), Some("It claimed Bronze; that no longer counts."));
        assert_eq!((x.grade_text, x.grade_level, x.grade_stars, x.checked_by), (None, None, None, None));
        assert!(x.facts.is_empty() && x.sections.is_empty() && x.principles.is_empty() && x.tiers.is_empty());
        assert!(x.struck_off[0].contains("2 March 2026"), "{:?}", x.struck_off);
        // The same label in force shows them all.
        let valid = explain(&doorbell(Verdict::Valid, today), &english());
        assert_eq!(valid.grade_stars.as_deref(), Some("★☆☆"));
        assert!(valid.checked_by.is_some() && !valid.facts.is_empty() && !valid.sections.is_empty());
    }

    #[test]
    fn a_label_checked_with_no_list_of_struck_off_labels_is_never_shown_as_valid() {
        let today = Date::from_ymd(2026, 6, 1).unwrap();
        let mut v = doorbell(Verdict::Valid, today);
        v.revocation_list = None;
        let x = explain(&v, &english());
        assert_eq!((x.verdict, x.tone, x.standing), (Verdict::Valid, Tone::Caution, Standing::Unconfirmed));
        assert_eq!(x.headline, "Genuine, but it may be struck off");
        assert!(x.summary.contains("no list of struck-off labels"), "{}", x.summary);
        assert!(x.warnings.is_empty(), "the summary says it once: {:?}", x.warnings);
        // What it claims is still shown, to compare with the box.
        assert_eq!(x.grade_stars.as_deref(), Some("★☆☆"));
        assert!(x.checked_by.is_some() && !x.facts.is_empty());
        // A label the dates or the signature already condemn keeps that standing.
        let mut expired = doorbell(Verdict::Expired, today);
        expired.revocation_list = None;
        assert_eq!(explain(&expired, &english()).standing, Standing::Expired);
    }

    #[test]
    fn a_gtin_is_shown_as_printed_under_the_barcode() {
        assert_eq!(printed_gtin("0036000291452"), "036000291452", "a UPC-A keeps its own leading zero");
        assert_eq!(printed_gtin("4006381333931"), "4006381333931");
        assert_eq!(printed_gtin("00012345600012"), "00012345600012", "a GTIN-14 as it is");
        let x = explain(&doorbell(Verdict::Valid, Date::from_ymd(2026, 6, 1).unwrap()), &english());
        assert_eq!(x.gtin.as_deref(), Some("GTIN 036000291452"));
    }

    #[test]
    fn the_privacy_fact_says_whether_data_is_shared() {
        let x = explain(&doorbell(Verdict::Valid, Date::from_ymd(2026, 6, 1).unwrap()), &english());
        let privacy = &x.facts.iter().find(|f| f.key == "privacy").unwrap().text;
        assert!(privacy.contains(&english().say("privacy.sharing.shared", &[])), "{privacy}");
    }

    #[test]
    fn expired_and_future_labels_name_their_day_in_the_summary() {
        let m = english();
        let expired = explain(&doorbell(Verdict::Expired, Date::from_ymd(2027, 6, 1).unwrap()), &m);
        assert!(expired.summary.contains("ran out on 10 January 2027"), "{}", expired.summary);
        let early = explain(&doorbell(Verdict::NotYetValid, Date::from_ymd(2025, 6, 1).unwrap()), &m);
        assert!(early.summary.contains("dated 10 January 2026"), "{}", early.summary);
        let valid = explain(&doorbell(Verdict::Valid, Date::from_ymd(2026, 6, 1).unwrap()), &m);
        assert!(!valid.summary.contains('{'), "{}", valid.summary);
    }

    #[test]
    fn a_forgery_says_what_is_wrong_and_what_to_do() {
        let mut v = doorbell(Verdict::Invalid(crate::verify::Invalid::BadSignature), Date::from_ymd(2026, 6, 1).unwrap());
        v.label = None;
        let x = explain(&v, &english());
        assert_eq!(
            x.summary,
            "Do not trust this label. Someone changed or forged it: its signature does not match what it says. Tell the shop where you found it."
        );
        assert!(x.product.is_none() && x.scale.is_empty(), "nothing from a forgery is shown");
    }

    #[test]
    fn tier_lines_count_the_partly_met() {
        let x = explain(&doorbell(Verdict::Valid, Date::from_ymd(2026, 6, 1).unwrap()), &english());
        let essential = &x.tiers[0];
        assert_eq!((essential.met, essential.partly), (14, 5));
        assert_eq!(essential.text, "Essential: 14 met and 5 partly met, of 19 (1 does not apply)");
        // With those that do not apply, the three lines count every principle of the catalogue.
        let counted: usize = x.tiers.iter().map(|t| t.applicable + t.not_applicable).sum();
        assert_eq!(counted, x.principles.iter().map(|g| g.principles.len()).sum::<usize>());
    }

    #[test]
    fn every_language_offered_is_bundled() {
        for tag in LANGUAGES {
            assert!(bundled(tag).is_some_and(|j| Messages::from_json(j).is_ok()), "{tag}");
        }
        assert!(bundled("xx").is_none());
        for tag in LANGUAGES {
            let m = Messages::from_json(bundled(tag).unwrap()).unwrap();
            assert_eq!(language_name(tag), Some(m.say("language.name", &[]).as_str()), "{tag}");
        }
    }

    fn placeholders(s: &str) -> BTreeSet<String> {
        s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(name, _)| name.to_owned())).collect()
    }

    #[test]
    fn every_language_has_every_message_with_the_same_placeholders() {
        let en = map(parse(ENGLISH).unwrap());
        let tags: Vec<&str> = std::iter::once("en").chain(FILES.iter().map(|(tag, _)| *tag)).collect();
        assert_eq!(tags, LANGUAGES, "one language file for each language offered, in order");
        for (tag, json) in FILES {
            let own = map(parse(json).unwrap_or_else(|e| panic!("{tag}: {e}")));
            let missing: Vec<_> = en.keys().filter(|k| !own.contains_key(*k)).collect();
            let extra: Vec<_> = own.keys().filter(|k| !en.contains_key(*k)).collect();
            assert!(missing.is_empty() && extra.is_empty(), "{tag}: missing {missing:?}, extra {extra:?}");
            for (key, text) in &own {
                assert_eq!(placeholders(text), placeholders(&en[key]), "{tag}: {key}");
            }
        }
    }

    #[test]
    fn keys_stamp_is_englishs() {
        let stamp = parse(ENGLISH).unwrap().stamp();
        assert_eq!(stamp, KEYS_STAMP, "the English keys changed: set KEYS_STAMP to {stamp:#018x}");
    }

    #[test]
    fn a_file_of_another_version_is_refused() {
        for (tag, json) in FILES.iter().copied().chain([("en", ENGLISH)]) {
            assert!(Messages::alone_of_this_version(json).is_ok(), "{tag}");
        }
        // One message fewer, one renamed, the same keys in another order.
        let fewer = ENGLISH.replacen("\"language.name\": \"English\",", "", 1);
        let renamed = ENGLISH.replacen("\"language.name\"", "\"language.title\"", 1);
        for json in [fewer, renamed] {
            let e = Messages::alone_of_this_version(&json).unwrap_err();
            assert!(e.0.contains("another version"), "{e:?}");
        }
        let mut pairs = map(parse(ENGLISH).unwrap()).into_iter().collect::<Vec<_>>();
        pairs.reverse();
        let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{k:?}: {v:?}")).collect();
        assert!(Messages::alone_of_this_version(&format!("{{{}}}", body.join(","))).is_ok());
    }

    #[test]
    fn spans_and_dates_read_naturally() {
        let en = Messages::english();
        assert_eq!(en.span(55), "4 years and 7 months");
        assert_eq!(en.span(1), "1 month");
        assert_eq!(en.span(24), "2 years");
        assert_eq!(en.date(Date(20_779)), "22 November 2026");
        let de = Messages::from_json(FILES[0].1).unwrap();
        assert_eq!(de.span(13), "1 Jahr und 1 Monat");
        assert_eq!(de.month(YearMonth::new(2031, 6).unwrap()), "Juni 2031");
        let fr = Messages::from_json(FILES[1].1).unwrap();
        assert_eq!(fr.plural("span.days", 0), "0 jour");
        assert!(Messages::from_json("[1]").is_err());
    }

    #[test]
    fn languages_are_negotiated_from_the_readers_preferences() {
        assert_eq!(negotiate(["pt-BR", "en-US"]), "pt");
        assert_eq!(negotiate(["ja", "SW-tz"]), "sw");
        assert_eq!(negotiate(["de_CH"]), "de");
        assert_eq!(negotiate(["xx", ""]), "en");
        assert_eq!(negotiate([]), "en");
        assert_eq!(negotiate(["FR"]), "fr");
        assert_eq!(shipped("en-GB"), Some("en"));
        assert_eq!(shipped("eng"), None);
    }

    #[test]
    fn tones_and_stars_follow_the_standing_and_grade() {
        assert_eq!(Tone::of(Standing::Valid), Tone::Valid);
        assert_eq!(Tone::of(Standing::SelfDeclared), Tone::Valid);
        assert_eq!(Tone::of(Standing::Unconfirmed), Tone::Caution);
        assert_eq!(Tone::of(Standing::Expired), Tone::Caution);
        assert_eq!(Tone::of(Standing::NotYetValid), Tone::Caution);
        assert_eq!(Tone::of(Standing::StruckOff), Tone::Invalid);
        assert_eq!(Tone::of(Standing::NotGenuine), Tone::Invalid);
        assert_eq!(Tone::of(Standing::NotALabel), Tone::Neutral);
        assert_eq!(stars(Grade::Bronze), "★☆☆");
        assert_eq!(stars(Grade::Silver), "★★☆");
        assert_eq!(stars(Grade::Gold), "★★★");
    }

    fn fresh(sequence: u64, issued: u32, expires: u32, today: u32) -> Freshness {
        Freshness::of(sequence, Date(issued), Date(expires), Date(today))
    }

    #[test]
    fn list_lines_say_the_age_in_words_in_every_language() {
        let en = Messages::english();
        let today = Date(20_779);
        let lines = lists(&fresh(4, 20_779, 20_800, 20_779), Some(&fresh(9, 20_778, 20_781, 20_779)), today, &en);
        assert_eq!(
            lines,
            [
                "Trusted signers: list 4, signed 22 November 2026 (today).",
                "Struck-off labels: list 9, signed 21 November 2026 (1 day ago)."
            ]
        );
        let old = lists(&fresh(4, 20_700, 20_770, 20_779), None, today, &en);
        assert_eq!(old, ["Trusted signers: list 4, signed 4 September 2026 (79 days ago). Out of date since 13 November 2026."]);
        let came = |origin| Freshness { origin: Some(origin), ..fresh(4, 20_779, 20_800, 20_779) };
        let said = |origin| lists(&came(origin), None, today, &en).remove(0);
        assert_eq!(said(Origin::Shipped), "Trusted signers: list 4, signed 22 November 2026 (today). It came with this checker.");
        assert!(said(Origin::Publisher(today)).ends_with("(today). Fetched from the publisher on 22 November 2026."));
        assert!(said(Origin::File(today)).ends_with("(today). Taken from a file passed to this device on 22 November 2026."));
        for (tag, json) in FILES {
            let m = Messages::from_json(json).unwrap();
            let file = Freshness { origin: Some(Origin::File(today)), ..fresh(1, 20_779, 20_781, 20_779) };
            for line in lists(&fresh(4, 20_700, 20_800, 20_779), Some(&file), today, &m) {
                assert!(
                    !line.contains('{')
                        && !line.contains("lists.")
                        && line.contains("79") != line.contains(m.say("lists.age.today", &[]).as_str()),
                    "{tag}: {line}"
                );
            }
        }
    }

    #[test]
    fn language_files_are_read_as_json_reads_them() {
        for (tag, json) in FILES.iter().copied().chain([("en", ENGLISH)]) {
            let theirs: BTreeMap<String, String> = serde_json::from_str(json).unwrap();
            assert_eq!(map(parse(json).unwrap()), theirs, "{tag}");
        }
        let escapes = r#" { "a" : "q\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00" , "b":"" } "#;
        let theirs: BTreeMap<String, String> = serde_json::from_str(escapes).unwrap();
        assert_eq!(map(parse(escapes).unwrap()), theirs);
        assert_eq!(parse("{}").unwrap(), Words::default());
        for bad in [
            "",
            "[1]",
            "{\"a\":1}",
            "{\"a\":\"x\"",
            "{\"a\":\"x\",}",
            "{\"a\":\"\\ud800\"}",
            "{\"a\":\"\\q\"}",
            "{\"a\":\"\n\"}",
            "{\"a\":\"x\"} x",
            "{\"a\":\"x\",\"a\":\"y\"}",
            "{\"a\":\"\\u12\"}",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
            assert!(serde_json::from_str::<BTreeMap<String, String>>(bad).is_err() || bad.contains("\"a\":\"y\""), "{bad:?}");
        }
    }

    #[test]
    fn values_are_never_read_for_placeholders() {
        let m = Messages::english();
        let line = m.say("product.line", &[("name", "{maker}"), ("model", "M-1"), ("maker", "Acme")]);
        assert!(line.contains("{maker}") && line.contains("Acme"), "{line}");
        assert_eq!(m.say("no.such.key {x}", &[("x", "1")]), "no.such.key 1");
    }

    #[test]
    fn a_missing_message_falls_back_to_english_then_to_its_key() {
        let partial = Messages::from_json(r#"{"grade.gold": "Oro"}"#).unwrap();
        assert_eq!(partial.say("grade.gold", &[]), "Oro");
        assert_eq!(partial.say("grade.silver", &[]), "Silver");
        assert_eq!(partial.say("no.such.key", &[]), "no.such.key");
    }

    #[test]
    fn a_language_alone_falls_back_to_its_keys_until_given_english() {
        let mut partial = Messages::alone(r#"{"grade.gold": "Oro"}"#).unwrap();
        assert_eq!(partial.say("grade.silver", &[]), "grade.silver");
        partial.fall_back_to(&Messages::alone(ENGLISH).unwrap());
        assert_eq!((partial.say("grade.gold", &[]), partial.say("grade.silver", &[])), ("Oro".into(), "Silver".into()));
        assert!(Messages::alone("[]").is_err());
    }
}
