//! `iotmark assess`: a plain-language self-assessment that writes a label spec.
//!
//! The questions, their words, how answers are read, the warnings and the grade are the
//! core's ([`iotmark_core::assess`]), the same as the label studio's in the browser: this
//! module only asks them on a terminal. Question ids are the spec's own field paths
//! (`product.maker`, `principles.7`, `privacy.sensors`), so a file of answers for
//! `--answers` is simply a (partial) spec in TOML; anything it leaves out is asked on the
//! terminal, or is an error without one.

use crate::failure::{Failure, Result};
use crate::{files, spec, today};
use clap::Args;
use iotmark_core::assess::{self, Answer, Answers, Asked, Kind};
use iotmark_core::catalogue;
use iotmark_core::explain::Messages;
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
    /// The language of the questions and warnings: en, de, fr, es, pt or sw. Answers are
    /// typed as the spec writes them (the values in brackets), whatever the language.
    #[arg(long, default_value = "en")]
    lang: String,
}

/// A TOML file of answers as answers by field path: tables become dotted paths, arrays
/// answers of several values, anything else its text.
fn flatten(prefix: &str, v: &toml::Value, out: &mut Answers) {
    match v {
        toml::Value::Table(t) => {
            t.iter().for_each(|(k, v)| flatten(&if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") }, v, out))
        }
        toml::Value::Array(a) => {
            let items = a.iter().map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned)).collect();
            out.insert(prefix.into(), Answer::Many(items));
        }
        toml::Value::String(s) => {
            out.insert(prefix.into(), Answer::One(s.clone()));
        }
        other => {
            out.insert(prefix.into(), Answer::One(other.to_string()));
        }
    }
}

/// The question as the terminal shows it: the prompt, its help (for a principle, the tier
/// and the evidence to keep), and the field path with its options and default.
fn show(q: &Asked, m: &Messages) -> String {
    let help = match &q.evidence {
        Some(evidence) => format!("{} {}: {evidence}.", q.help, m.say("studio.ui.evidence", &[])),
        None => q.help.clone(),
    };
    let prompt = match q.question.principle {
        Some(id) => format!("{id}. {}", q.prompt),
        None => q.prompt.clone(),
    };
    let options = match q.question.kind {
        Kind::Choice => format!(" [{}]", q.question.options.join(", ")),
        Kind::Many => format!(" [{}] (comma-separated, blank for none)", q.question.options.join(", ")),
        _ => String::new(),
    };
    let default = q.question.default.map_or(String::new(), |d| format!(" (default {d:?})"));
    format!("\n{prompt}\n  {help}\n{}{options}{default}: ", q.question.id)
}

fn ask(q: &Asked, m: &Messages, input: &mut impl BufRead) -> Result<Answer> {
    loop {
        eprint!("{}", show(q, m));
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        if input.read_line(&mut line).map_err(|e| Failure::input(format!("cannot read the answer: {e}")))? == 0 {
            return Err(Failure::input(format!("the input ended before {} was answered", q.question.id)));
        }
        let line = if line.trim().is_empty() { q.question.default.unwrap_or("").to_owned() } else { line };
        match assess::read(&q.question, &Answer::One(line)) {
            Ok(a) => return Ok(a),
            Err(problem) => eprintln!("  {} Not taken: please answer again.", problem.say(m)),
        }
    }
}

pub fn run(a: &AssessArgs) -> Result<i32> {
    let cat = catalogue::current();
    let m = assess::bundled_words(&a.lang)
        .ok_or_else(|| Failure::input(format!("--lang {:?}: iotmark speaks {}", a.lang, iotmark_core::explain::LANGUAGES.join(", "))))?;
    let mut given = Answers::new();
    if let Some(path) = &a.answers {
        let text = files::read_text(path)?;
        let value: toml::Value = toml::from_str(&text).map_err(|e| Failure::input(format!("{}: {}", path.display(), e.message())))?;
        flatten("", &value, &mut given);
    }
    let interactive = std::io::stdin().is_terminal() || a.answers.is_none();
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut answers = Answers::new();
    for q in assess::ask(cat, &m) {
        let id = q.question.id.clone();
        let answer = match given.get(&id) {
            Some(g) => assess::read(&q.question, g).map_err(|p| Failure::input(format!("answer {id}: {}", p.say(&m))))?,
            None if interactive => ask(&q, &m, &mut input)?,
            None => match q.question.default.map(|d| assess::read(&q.question, &Answer::One(d.to_owned()))) {
                Some(Ok(d)) => d,
                _ => return Err(Failure::input(format!("no answer for {id} ({})", q.prompt))),
            },
        };
        answers.insert(id, answer);
    }
    let made = assess::spec(cat, &answers)
        .map_err(|u| Failure::input(format!("the answers do not make a spec: missing {:?}, invalid {:?}", u.missing, u.invalid)))?;
    let text = made.to_toml();
    // Read back by the tool's own reader: what is written is what `sign` accepts.
    let parsed = spec::parse(&text, &a.out)?;
    files::write(&a.out, text.as_bytes())?;
    for w in assess::warnings(cat, &answers, today(), &m) {
        eprintln!("warning ({}): {}: {}", w.code.key(), w.field, w.text);
    }
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
