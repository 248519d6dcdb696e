//! The verifier: lists, verification and explanations, with no QR decoder.

use crate::fault::{bad_list, error};
use crate::{pairs, to_js};
use iotmark_core::date::Date;
use iotmark_core::explain::{self, clock_behind, explain, Explanation, Messages, LANGUAGES};
use iotmark_core::keys;
use iotmark_core::trust::{Freshness, ListKind, Lists, Offered, Origin};
use iotmark_core::verify::{against, Verdict, Verification};
use iotmark_core::VerifyingKey;
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

/// The TypeScript union of verdict codes (checked against the core's list).
pub const TS_VERDICT: &str = r#"
/** A verdict's code, as the wire format defines them (docs/wire-format.md). */
export type VerdictCode = "valid" | "expired" | "not-yet-valid" | "revoked" | "not-a-label" | "bad-digits" | "truncated" | "trailing-data" | "non-canonical" | "bad-structure" | "bad-header" | "wrong-algorithm" | "bad-claim" | "unknown-catalogue" | "unknown-issuer" | "bad-signature" | "issuer-not-valid" | "assurance-not-allowed" | "grade-mismatch" | "issuer-suspended";
"#;

#[wasm_bindgen(typescript_custom_section)]
const TS_VERDICT_SECTION: &'static str = TS_VERDICT;

#[wasm_bindgen(typescript_custom_section)]
const TS_LIST_ORIGIN: &'static str = r#"
/** Where an offered list came from: fetched from the publisher, or a file passed by hand,
 * on `on` (milliseconds since 1970; default now). Left out: fetched from the publisher now. */
export interface ListOrigin { from: "shipped" | "publisher" | "file"; on?: number }
"#;

/// How to verify: in which language to explain, and at what time. Read from the
/// JavaScript object by hand (no serde deserialiser: it would double this module's size).
#[derive(Clone, Debug, Default, Tsify)]
pub struct VerifyOptions {
    /// A language tag, or several in order of preference (as `navigator.languages`);
    /// negotiated against the shipped languages, English when none fits.
    #[tsify(optional, type = "string | readonly string[]")]
    pub lang: Option<Vec<String>>,
    /// The time, in milliseconds since 1970 (`Date.now()`, the default); its UTC date is
    /// the day labels are judged on.
    #[tsify(optional)]
    pub now: Option<f64>,
}

/// A verification and what it means, in one language.
#[derive(Clone, Debug, Serialize, Tsify)]
pub struct Checked {
    pub verification: Verification,
    pub explanation: Explanation,
    /// The language the explanation is in.
    pub lang: String,
    /// A language was asked for that iotmark does not ship, so English is used.
    pub lang_fallback: bool,
    /// The device's date is before the lists were signed: its clock is wrong.
    pub clock_behind: bool,
}

/// What became of a list file offered to the verifier.
#[derive(Clone, Debug, Serialize, Tsify)]
pub struct FileOffer {
    /// Which list the file held, when it was one.
    #[tsify(optional)]
    pub kind: Option<ListKind>,
    pub outcome: Offered,
    /// The outcome in one sentence, in the language asked for.
    pub message: String,
}

/// The lists a verifier holds and how old they are.
#[derive(Clone, Debug, Serialize, Tsify)]
pub struct ListsState {
    pub trust_list: Freshness,
    #[tsify(optional)]
    pub revocation_list: Option<Freshness>,
    /// One line per list, in the language asked for: which edition, signed when, how old.
    pub lines: Vec<String>,
    pub clock_behind: bool,
}

/// Verifies labels against a root key, a trust list and an optional revocation list, and
/// explains the verdicts in any language loaded into it. It carries no words of its own:
/// each language, English too, is loaded as a file (`addLanguage`), so that a page in one
/// language downloads that language only.
#[wasm_bindgen]
pub struct Verifier {
    lists: Lists,
    languages: Vec<(&'static str, Messages)>,
}

fn root_key(root: &JsValue) -> Result<VerifyingKey, JsValue> {
    let bytes: [u8; 32] = if let Some(text) = root.as_string() {
        let text = text.trim();
        if keys::is_secret(text) {
            return Err(error("bad-root-key", "this is a private key: it must never be put in a web page; give the root's public key"));
        }
        if text.contains("iotmark-public-key") {
            return keys::public_from_text(text).map_err(|e| error("bad-root-key", e));
        }
        keys::unhex32(text).ok_or_else(|| error("bad-root-key", "the root key must be 64 hex digits or an iotmark-public-key-1: text"))?
    } else if let Some(array) = root.dyn_ref::<js_sys::Uint8Array>() {
        let v = array.to_vec();
        v.try_into().map_err(|v: Vec<u8>| error("bad-root-key", format!("the root key must be 32 bytes, not {}", v.len())))?
    } else {
        return Err(error("bad-root-key", "the root key must be a string (hex or key text) or a Uint8Array"));
    };
    VerifyingKey::from_bytes(&bytes).map_err(|_| error("bad-root-key", "the root key is not an Ed25519 public key"))
}

fn options(value: JsValue) -> Result<VerifyOptions, JsValue> {
    let bad = |what: &str| error("bad-options", format!("the options are not valid: {what}"));
    if value.is_undefined() || value.is_null() {
        return Ok(VerifyOptions::default());
    }
    let object = value.dyn_ref::<js_sys::Object>().ok_or_else(|| bad("they must be an object"))?;
    let mut out = VerifyOptions::default();
    for entry in js_sys::Object::entries(object).iter() {
        let entry = js_sys::Array::from(&entry);
        let (key, v) = (entry.get(0).as_string().unwrap_or_default(), entry.get(1));
        match key.as_str() {
            _ if v.is_undefined() => {}
            "lang" if v.is_string() => out.lang = v.as_string().map(|t| vec![t]),
            "lang" if js_sys::Array::is_array(&v) => {
                let tags: Option<Vec<String>> = js_sys::Array::from(&v).iter().map(|t| t.as_string()).collect();
                out.lang = Some(tags.ok_or_else(|| bad("`lang` must hold strings only"))?);
            }
            "lang" => return Err(bad("`lang` must be a string or an array of strings")),
            "now" => out.now = Some(v.as_f64().ok_or_else(|| bad("`now` must be a number"))?),
            other => return Err(bad(&format!("unknown option {other:?}"))),
        }
    }
    Ok(out)
}

/// A [`ListOrigin`] from JavaScript, read by hand like the options; nothing given means
/// "fetched from the publisher just now".
fn origin(value: &JsValue) -> Result<Origin, JsValue> {
    let bad = || error("bad-options", "a list's origin must be { from: \"shipped\" | \"publisher\" | \"file\", on?: milliseconds }");
    if value.is_undefined() || value.is_null() {
        return Ok(Origin::Publisher(today(None)?));
    }
    let field = |name: &str| js_sys::Reflect::get(value, &JsValue::from_str(name)).map_err(|_| bad());
    let (from, on) = (field("from")?.as_string().ok_or_else(bad)?, field("on")?);
    let on = if on.is_undefined() { today(None)? } else { today(Some(on.as_f64().ok_or_else(bad)?))? };
    match from.as_str() {
        "shipped" => Ok(Origin::Shipped),
        "publisher" => Ok(Origin::Publisher(on)),
        "file" => Ok(Origin::File(on)),
        _ => Err(bad()),
    }
}

fn tags(options: &VerifyOptions) -> Vec<String> {
    options.lang.clone().unwrap_or_default()
}

fn today(now: Option<f64>) -> Result<Date, JsValue> {
    let millis = now.unwrap_or_else(js_sys::Date::now);
    // The message names no number: formatting an f64 would double this module's size.
    Date::from_unix_millis(millis).ok_or_else(|| error("bad-options", "`now` must be a time between 1970 and 9999, in milliseconds"))
}

#[wasm_bindgen]
impl Verifier {
    /// `root`: the mark's root public key, as 64 hex digits, the `iotmark-public-key-1:`
    /// text of a key file, or 32 bytes. The lists are their signed bytes; a trust list not
    /// signed by `root` is refused (`bad-list`). `rotations`: the root rotations this
    /// verifier followed before (kept on the device), oldest first; the first lists may
    /// then be signed by any root of that chain.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] root: JsValue,
        trust_list: &[u8],
        revocation_list: Option<Vec<u8>>,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array[] | undefined")] rotations: JsValue,
    ) -> Result<Verifier, JsValue> {
        let rotations: Vec<Vec<u8>> = if rotations.is_undefined() || rotations.is_null() {
            Vec::new()
        } else if js_sys::Array::is_array(&rotations) {
            js_sys::Array::from(&rotations).iter().map(|r| js_sys::Uint8Array::new(&r).to_vec()).collect()
        } else {
            return Err(error("bad-options", "the rotations must be an array of Uint8Arrays"));
        };
        let chain: Vec<&[u8]> = rotations.iter().map(Vec::as_slice).collect();
        let lists = Lists::after_rotations(root_key(&root)?, &chain, trust_list, revocation_list.as_deref()).map_err(|e| bad_list(&e))?;
        Ok(Verifier { lists, languages: Vec::new() })
    }

    /// Takes `bytes` as the trust list if they are signed by the root and newer than the
    /// list held. Returns whether it did; throws `bad-list` when they are not a valid list.
    #[wasm_bindgen(js_name = offerTrustList)]
    pub fn offer_trust_list(
        &mut self,
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "ListOrigin")] origin: JsValue,
    ) -> Result<bool, JsValue> {
        self.offer(ListKind::Trust, bytes, &origin)
    }

    /// Takes `bytes` as the revocation list if they are signed by the root or the trust
    /// list's status key and newer than the list held. Returns whether it did.
    #[wasm_bindgen(js_name = offerRevocationList)]
    pub fn offer_revocation_list(
        &mut self,
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "ListOrigin")] origin: JsValue,
    ) -> Result<bool, JsValue> {
        self.offer(ListKind::Revocation, bytes, &origin)
    }

    /// Records where the held list of `kind` (`"trust"` or `"revocation"`) came from, for
    /// lists given to the constructor that were not shipped with the page (fetched, or kept
    /// on the device from an earlier visit).
    #[wasm_bindgen(js_name = setOrigin)]
    pub fn set_origin(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "\"trust\" | \"revocation\"")] kind: &str,
        #[wasm_bindgen(unchecked_param_type = "ListOrigin")] origin: JsValue,
    ) -> Result<(), JsValue> {
        let kind = match kind {
            "trust" => ListKind::Trust,
            "revocation" => ListKind::Revocation,
            _ => return Err(error("bad-options", "a list's kind is \"trust\" or \"revocation\"")),
        };
        self.lists.came(kind, self::origin(&origin)?);
        Ok(())
    }

    /// Takes a list file of either kind, however it arrived (a file picker, a share, a
    /// message): taken only when validly signed and newer. Never throws for a bad file: the
    /// outcome says what it was.
    #[wasm_bindgen(js_name = offerFile, unchecked_return_type = "FileOffer")]
    pub fn offer_file(
        &mut self,
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "VerifyOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options = self::options(options)?;
        // The language and the time are checked first: a bad option takes no list.
        self.messages(&options)?;
        let on = today(options.now)?;
        let (kind, outcome) = self.lists.offer_file(bytes);
        if let (Some(kind), Offered::Taken) = (kind, outcome) {
            self.lists.came(kind, Origin::File(on));
        }
        let (_, messages) = self.messages(&options)?;
        to_js(&FileOffer { kind, outcome, message: explain::offered(kind, outcome, messages) })
    }

    /// Loads a shipped language's file (its JSON text), so that explanations can use it.
    /// Once English is loaded, a message another language lacks is said in English (the
    /// shipped files lack none); before, it is said as its key.
    #[wasm_bindgen(js_name = addLanguage)]
    pub fn add_language(&mut self, tag: &str, json: &str) -> Result<(), JsValue> {
        let tag = shipped_tag(tag)?;
        let mut messages = Messages::alone_of_this_version(json).map_err(|e| error("bad-language-file", e))?;
        if tag == "en" {
            for (_, other) in self.languages.iter_mut() {
                other.fall_back_to(&messages);
            }
        } else if let Some(english) = self.language("en") {
            messages.fall_back_to(english);
        }
        self.languages.retain(|(t, _)| *t != tag);
        self.languages.push((tag, messages));
        Ok(())
    }

    /// Whether the language `tag` is loaded.
    #[wasm_bindgen(js_name = hasLanguage)]
    pub fn has_language(&self, tag: &str) -> bool {
        self.language(tag).is_some()
    }

    /// The message `key` in the language of `options` (loaded), with `{name}` placeholders
    /// filled from `args` (an object of strings): the words of a front end's own controls,
    /// from the same language files as the verdicts.
    pub fn say(
        &self,
        key: &str,
        #[wasm_bindgen(unchecked_param_type = "VerifyOptions")] options: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, string | number>")] args: JsValue,
    ) -> Result<String, JsValue> {
        let (_, messages) = self.messages(&self::options(options)?)?;
        let pairs = pairs(&args);
        let args: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        Ok(messages.say(key, &args))
    }

    /// The UTC date of `millis` (milliseconds since 1970), written as the language of
    /// `options` writes dates ("1 December 2026", "1. Dezember 2026").
    #[wasm_bindgen(js_name = dateText)]
    pub fn date_text(
        &self,
        millis: f64,
        #[wasm_bindgen(unchecked_param_type = "VerifyOptions")] options: JsValue,
    ) -> Result<String, JsValue> {
        let (_, messages) = self.messages(&self::options(options)?)?;
        Ok(messages.date(today(Some(millis))?))
    }

    /// Verifies label text (bare or link form) and explains the verdict.
    #[wasm_bindgen(unchecked_return_type = "Checked")]
    pub fn verify(&self, text: &str, #[wasm_bindgen(unchecked_param_type = "VerifyOptions")] options: JsValue) -> Result<JsValue, JsValue> {
        to_js(&self.check(text, options)?)
    }

    /// The lists held and how old they are, in the language of `options`.
    #[wasm_bindgen(unchecked_return_type = "ListsState")]
    pub fn lists(&self, #[wasm_bindgen(unchecked_param_type = "VerifyOptions")] options: JsValue) -> Result<JsValue, JsValue> {
        let checked = self.check("", options)?;
        let v = &checked.verification;
        let state = ListsState {
            trust_list: v.trust_list,
            revocation_list: v.revocation_list,
            lines: checked.explanation.lists,
            clock_behind: checked.clock_behind,
        };
        to_js(&state)
    }
}

impl Verifier {
    /// The loaded language `tag`.
    fn language(&self, tag: &str) -> Option<&Messages> {
        self.languages.iter().find(|(t, _)| *t == tag).map(|(_, m)| m)
    }

    /// Offers a list of `kind` that came from `origin`, recorded when it is taken.
    fn offer(&mut self, kind: ListKind, bytes: &[u8], origin: &JsValue) -> Result<bool, JsValue> {
        let origin = self::origin(origin)?;
        let taken = match kind {
            ListKind::Trust => self.lists.offer_trust(bytes),
            _ => self.lists.offer_revocation(bytes),
        }
        .map_err(|e| bad_list(&e))?;
        if taken {
            self.lists.came(kind, origin);
        }
        Ok(taken)
    }

    /// The language `options` ask for (negotiated) and its messages, which must be loaded.
    fn messages(&self, options: &VerifyOptions) -> Result<(&'static str, &Messages), JsValue> {
        let lang = explain::negotiate(tags(options).iter().map(String::as_str));
        let messages = self.language(lang).ok_or_else(|| {
            error("unknown-language", format!("the language {lang:?} is not loaded: call addLanguage({lang:?}, text) first"))
        })?;
        Ok((lang, messages))
    }

    fn check(&self, text: &str, options: JsValue) -> Result<Checked, JsValue> {
        let options = self::options(options)?;
        let tags = tags(&options);
        let (lang, messages) = self.messages(&options)?;
        let verification = against(&self.lists, text, today(options.now)?);
        Ok(Checked {
            clock_behind: clock_behind(&verification),
            explanation: explain(&verification, messages),
            lang: lang.to_owned(),
            lang_fallback: !tags.is_empty() && tags.iter().all(|t| explain::shipped(t).is_none()),
            verification,
        })
    }
}

/// Checks a root key as the constructor reads it (`bad-root-key` when it is not one), so
/// that a page with a wrong key is told before any list is fetched.
#[wasm_bindgen(js_name = checkRoot)]
pub fn check_root(#[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] root: JsValue) -> Result<(), JsValue> {
    root_key(&root).map(|_| ())
}

/// The message `key` of a shipped language's file (its JSON text), with `{name}`
/// placeholders filled from `args`: for words needed when no verifier exists (one that
/// could not be set up).
#[wasm_bindgen(js_name = sayFrom)]
pub fn say_from(
    json: &str,
    key: &str,
    #[wasm_bindgen(unchecked_param_type = "Record<string, string | number>")] args: JsValue,
) -> Result<String, JsValue> {
    let messages = Messages::alone(json).map_err(|e| error("bad-language-file", e))?;
    let pairs = pairs(&args);
    let args: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Ok(messages.say(key, &args))
}

/// `tag` as one of the languages iotmark ships, or the error naming them.
fn shipped_tag(tag: &str) -> Result<&'static str, JsValue> {
    LANGUAGES
        .iter()
        .find(|l| **l == tag)
        .copied()
        .ok_or_else(|| error("unknown-language", format!("iotmark does not ship a language {tag:?}; it ships {}", LANGUAGES.join(", "))))
}

/// The languages iotmark ships, by tag.
#[wasm_bindgen]
pub fn languages() -> Vec<String> {
    LANGUAGES.iter().map(|s| s.to_string()).collect()
}

/// A shipped language's name in that language ("Deutsch"), for a language switch.
#[wasm_bindgen(js_name = languageName)]
pub fn language_name(tag: &str) -> Option<String> {
    explain::language_name(tag).map(str::to_owned)
}

/// The shipped language that best serves a reader preferring `tags` (most preferred
/// first); English when none fits.
#[wasm_bindgen]
pub fn negotiate(tags: Vec<String>) -> String {
    explain::negotiate(tags.iter().map(String::as_str)).to_owned()
}

/// Every verdict code a verifier can give.
#[wasm_bindgen(js_name = verdictCodes, unchecked_return_type = "VerdictCode[]")]
pub fn verdict_codes() -> Vec<String> {
    Verdict::CODES.iter().map(|s| s.to_string()).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_declared_verdict_codes_are_the_cores() {
        for code in iotmark_core::verify::Verdict::CODES {
            assert!(super::TS_VERDICT.contains(&format!("\"{code}\"")), "{code}");
        }
        assert_eq!(super::TS_VERDICT.matches(" | ").count() + 1, iotmark_core::verify::Verdict::CODES.len());
    }
}
