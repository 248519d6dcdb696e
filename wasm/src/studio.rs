//! The label studio: the self-assessment of the core ([`iotmark_core::assess`]) for a
//! browser page. The page sends the answers as they stand; the core says what they earn,
//! what is wrong with them, what the spec says and what the sticker would look like. The
//! page decides nothing: it draws what it is given.
//!
//! Built as its own module (`--features studio`), so that the scanner never downloads it.
//! Errors are thrown as `Error`s with a stable `code` (see [`CODES`]).

use crate::{pairs, to_js};
use iotmark_core::assess::{self, Answers, Asked, FormSection, Progress, Unfinished, Warning};
use iotmark_core::catalogue::{self, Catalogue};
use iotmark_core::date::Date;
use iotmark_core::explain::{self, Messages, LANGUAGES};
use iotmark_core::label::Assurance;
use iotmark_core::preview::{self, Sketch};
use iotmark_core::qr;
use serde::Serialize;
use std::collections::HashMap;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

/// Every `code` an error from the studio can carry.
pub const CODES: &[&str] = &["bad-answers", "bad-options", "unfinished", "bad-language-file", "unknown-language", "internal"];

/// The TypeScript declarations of what crosses that tsify does not derive.
pub const TS_STUDIO: &str = r#"
/** Answers by question id (a spec field path): one value, or several for a "many" question. */
export type Answers = Record<string, string | string[]>;
/** How to answer: the language (a shipped tag, loaded) and the time (`Date.now()` by default). */
export interface StudioOptions { lang?: string; now?: number }
/** An error thrown by the studio: `code` says what is wrong, `message` says it in a sentence. */
export interface StudioError extends Error {
    code: "bad-answers" | "bad-options" | "unfinished" | "bad-language-file" | "unknown-language" | "internal";
    /** For `unfinished`: the questions with no answer, and those whose answer is refused. */
    missing?: string[];
    invalid?: string[];
}
"#;

#[wasm_bindgen(typescript_custom_section)]
const TS_STUDIO_SECTION: &'static str = TS_STUDIO;

/// A JavaScript `Error` with `code` set; `code` must be one of [`CODES`].
fn error(code: &'static str, message: impl std::fmt::Display) -> JsValue {
    debug_assert!(CODES.contains(&code));
    let e = js_sys::Error::new(&message.to_string());
    let _ = js_sys::Reflect::set(&e, &"code".into(), &code.into());
    e.into()
}

fn unfinished(u: &Unfinished) -> JsValue {
    let e = error("unfinished", format!("the answers do not make a spec yet: {} missing, {} refused", u.missing.len(), u.invalid.len()));
    let list = |ids: &[String]| ids.iter().map(JsValue::from).collect::<js_sys::Array>();
    let _ = js_sys::Reflect::set(&e, &"missing".into(), &list(&u.missing));
    let _ = js_sys::Reflect::set(&e, &"invalid".into(), &list(&u.invalid));
    e
}

/// One part of the form, with its title and its questions in order.
#[derive(Clone, Debug, Serialize, Tsify)]
pub struct Part {
    pub section: FormSection,
    pub title: String,
    pub questions: Vec<Asked>,
}

/// The sticker preview.
#[derive(Clone, Debug, Serialize, Tsify)]
pub struct Preview {
    /// An SVG document, 30 x 40 mm.
    pub svg: String,
    /// Its words, for a text alternative.
    pub alt: String,
    /// Whether it carries the QR code of a trial signature (every answer given and valid).
    pub complete: bool,
}

/// Everything the page shows about the answers as they stand.
#[derive(Clone, Debug, Serialize, Tsify)]
pub struct Assessment {
    pub progress: Progress,
    pub warnings: Vec<Warning>,
    pub preview: Preview,
    /// The spec as TOML, once the answers make one.
    #[tsify(optional)]
    pub toml: Option<String>,
    /// What is still missing or refused, until they do.
    #[tsify(optional)]
    pub unfinished: Option<Unfinished>,
    /// The language the words are in.
    pub lang: String,
}

/// The studio: the questions and the rules, in every language loaded (English always).
#[wasm_bindgen]
pub struct Studio {
    languages: HashMap<&'static str, Messages>,
}

struct Options {
    lang: Option<String>,
    now: Option<f64>,
}

/// Reads `{lang, now}` by hand (both optional).
fn options(value: &JsValue) -> Result<Options, JsValue> {
    let bad = |what: &str| error("bad-options", format!("the options are not valid: {what}"));
    let mut out = Options { lang: None, now: None };
    if value.is_undefined() || value.is_null() {
        return Ok(out);
    }
    let object = value.dyn_ref::<js_sys::Object>().ok_or_else(|| bad("they must be an object"))?;
    for entry in js_sys::Object::entries(object).iter() {
        let entry = js_sys::Array::from(&entry);
        let (key, v) = (entry.get(0).as_string().unwrap_or_default(), entry.get(1));
        match key.as_str() {
            _ if v.is_undefined() => {}
            "lang" => out.lang = Some(v.as_string().ok_or_else(|| bad("`lang` must be a string"))?),
            "now" => out.now = Some(v.as_f64().ok_or_else(|| bad("`now` must be a number"))?),
            other => return Err(bad(&format!("unknown option {other:?}"))),
        }
    }
    Ok(out)
}

fn today(o: &Options) -> Result<Date, JsValue> {
    Date::from_unix_millis(o.now.unwrap_or_else(js_sys::Date::now))
        .ok_or_else(|| error("bad-options", "`now` must be a time between 1970 and 9999, in milliseconds"))
}

fn answers(value: JsValue) -> Result<Answers, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Answers::new());
    }
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| error("bad-answers", format!("the answers must be an object of strings or arrays of strings: {e}")))
}

fn cat() -> &'static Catalogue {
    catalogue::current()
}

#[wasm_bindgen]
impl Studio {
    /// A studio with English loaded.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Studio {
        Studio { languages: HashMap::from([("en", assess::english())]) }
    }

    /// Loads a shipped language: the scanner's language file and the studio's, as JSON text.
    #[wasm_bindgen(js_name = addLanguage)]
    pub fn add_language(&mut self, tag: &str, core: &str, studio: &str) -> Result<(), JsValue> {
        let Some(tag) = LANGUAGES.iter().find(|l| **l == tag) else {
            return Err(error("unknown-language", format!("iotmark does not ship a language {tag:?}; it ships {}", LANGUAGES.join(", "))));
        };
        let m = assess::words(core, studio).map_err(|e| error("bad-language-file", e))?;
        self.languages.insert(tag, m);
        Ok(())
    }

    /// Whether the language `tag` is loaded (English always is).
    #[wasm_bindgen(js_name = hasLanguage)]
    pub fn has_language(&self, tag: &str) -> bool {
        self.languages.contains_key(tag)
    }

    /// The form: every section in order, each with its questions and their words (in a
    /// section, the facts before the principles).
    #[wasm_bindgen(unchecked_return_type = "Part[]")]
    pub fn parts(&self, #[wasm_bindgen(unchecked_param_type = "StudioOptions")] options: JsValue) -> Result<JsValue, JsValue> {
        let (_, m) = self.messages(&self::options(&options)?)?;
        let mut asked = assess::ask(cat(), m);
        let parts: Vec<Part> = FormSection::ALL
            .iter()
            .map(|s| {
                let (mut mine, rest): (Vec<Asked>, Vec<Asked>) =
                    std::mem::take(&mut asked).into_iter().partition(|a| a.question.section == *s);
                asked = rest;
                // The facts first (what the product does), then the principles they bear on.
                mine.sort_by_key(|a| a.question.principle.is_some());
                Part { section: *s, title: s.title(m), questions: mine }
            })
            .collect();
        to_js(&parts)
    }

    /// Where the answers stand: the grade so far, what the next grade needs, the warnings,
    /// the sticker preview, and the spec once complete. Never throws for odd answers (they
    /// are warnings); throws `bad-answers` only for a value that is not answers at all.
    #[wasm_bindgen(unchecked_return_type = "Assessment")]
    pub fn assess(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Answers")] answers: JsValue,
        #[wasm_bindgen(unchecked_param_type = "StudioOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let o = self::options(&options)?;
        let (lang, m) = self.messages(&o)?;
        let a = self::answers(answers)?;
        let today = today(&o)?;
        let progress = assess::progress(cat(), &a, m);
        let mut warnings = assess::warnings(cat(), &a, today, m);
        let made = assess::spec(cat(), &a);
        let mut sketch = sketch(&a);
        sketch.grade = progress.grade;
        let mut code = None;
        if let Ok(s) = &made {
            match assess::trial(s, today) {
                Ok((label, issued)) => {
                    sketch.grade = Some(label.grade);
                    code = qr::encode(&issued.text).ok();
                }
                Err(e) => warnings.extend(assess::trial_warning(&e, m)),
            }
        }
        let preview =
            Preview { svg: preview::sticker(&sketch, code.as_ref()), alt: preview::words(&sketch).join(". "), complete: code.is_some() };
        let (toml, unfinished) = match made {
            Ok(s) => (Some(s.to_toml()), None),
            Err(u) => (None, Some(u)),
        };
        to_js(&Assessment { progress, warnings, preview, toml, unfinished, lang: lang.to_owned() })
    }

    /// The spec the answers make, as the TOML `iotmark sign` reads; throws `unfinished`
    /// (with `missing` and `invalid`) until every needed answer is given and valid.
    pub fn toml(&self, #[wasm_bindgen(unchecked_param_type = "Answers")] answers: JsValue) -> Result<String, JsValue> {
        let a = self::answers(answers)?;
        assess::spec(cat(), &a).map(|s| s.to_toml()).map_err(|u| unfinished(&u))
    }

    /// The message `key` in the language of `options`, with `{name}` placeholders filled
    /// from `args` (an object of strings): the words of the page's own controls.
    pub fn say(
        &self,
        key: &str,
        #[wasm_bindgen(unchecked_param_type = "StudioOptions")] options: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, string | number>")] args: JsValue,
    ) -> Result<String, JsValue> {
        let (_, m) = self.messages(&self::options(&options)?)?;
        let pairs = pairs(&args);
        let args: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        Ok(m.say(key, &args))
    }
}

impl Default for Studio {
    fn default() -> Self {
        Studio::new()
    }
}

impl Studio {
    /// The language `options` ask for (English by default), which must be loaded.
    fn messages(&self, o: &Options) -> Result<(&'static str, &Messages), JsValue> {
        let lang = explain::negotiate(o.lang.as_deref());
        let m = self.languages.get(lang).ok_or_else(|| {
            error("unknown-language", format!("the language {lang:?} is not loaded: call addLanguage({lang:?}, core, studio) first"))
        })?;
        Ok((lang, m))
    }
}

/// The languages iotmark ships, by tag, for a language switch.
#[wasm_bindgen(js_name = studioLanguages)]
pub fn studio_languages() -> Vec<String> {
    LANGUAGES.iter().map(|s| s.to_string()).collect()
}

/// A shipped language's name in that language ("Deutsch").
#[wasm_bindgen(js_name = studioLanguageName)]
pub fn studio_language_name(tag: &str) -> Option<String> {
    explain::language_name(tag).map(str::to_owned)
}

/// The shipped language that best serves a reader preferring `tags` (most preferred
/// first); English when none fits.
#[wasm_bindgen(js_name = studioNegotiate)]
pub fn studio_negotiate(tags: Vec<String>) -> String {
    explain::negotiate(tags.iter().map(String::as_str)).to_owned()
}

/// What the sticker shows from the answers so far (each as [`assess::read`] accepts it).
fn sketch(a: &Answers) -> Sketch {
    let qs = assess::questions(cat());
    let text = |id: &str| {
        let q = qs.iter().find(|q| q.id == id)?;
        match assess::read(q, a.get(id)?) {
            Ok(assess::Answer::One(s)) => Some(s),
            _ => None,
        }
    };
    let assurance = text("assurance");
    Sketch {
        maker: text("product.maker").unwrap_or_default(),
        name: text("product.name").unwrap_or_default(),
        model: text("product.model").unwrap_or_default(),
        grade: None,
        assurance: Assurance::ALL.into_iter().find(|x| Some(x.key()) == assurance.as_deref()),
        updates_until: text("lifecycle.updates_until").and_then(|m| m.parse().ok()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_declared_codes_are_the_codes() {
        for code in super::CODES {
            assert!(super::TS_STUDIO.contains(&format!("\"{code}\"")), "{code}");
        }
        assert_eq!(super::TS_STUDIO.matches("\" | \"").count() + 1, super::CODES.len());
    }
}
