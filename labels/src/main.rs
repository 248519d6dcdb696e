//! `iotmark`: the manufacturers' and operators' tool. Run `iotmark --help`.

use iotmark_labels::{assess, batch, check, demo, failure, keygen, lists, scan, sign, verify};

use clap::{Parser, Subcommand};
use std::path::PathBuf;

const EXIT_CODES: &str = "Exit codes: 0 success; 2 wrong usage; 3 invalid or unreadable input (spec, key, list, image); \
4 an output could not be written; 5 refused (a label or list does not verify, or a print rule would be broken); \
6 scan found no code in an image; 7 verify: valid, but without a current revocation list (none, expired, or older than one already seen).";

#[derive(Parser)]
#[command(name = "iotmark", version, about = "Signed, offline-verifiable trust labels for connected products", after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a signing key: the private key file is readable by you only and never printed.
    Keygen {
        /// Where to write the private key; the public key goes beside it with `.pub` added.
        #[arg(long, short)]
        out: PathBuf,
        /// Replace an existing key file (the old key is then lost for good).
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
    /// A plain-language self-assessment, one question per principle and fact, writing a spec.
    Assess(assess::AssessArgs),
    /// Check a label spec: is it valid, what grade it earns, and what the next grade needs.
    Check {
        spec: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Sign a label from a spec and write its text and print-ready artwork (SVG, PDF, PNG).
    Sign(sign::SignArgs),
    /// Sign one label per unit (from a CSV of serials or a count) as files or PDF sticker sheets.
    Batch(batch::BatchArgs),
    /// Verify label text (or the QR codes in an image) against a trust list.
    Verify(verify::VerifyArgs),
    /// Print the text of every QR code in each image (any QR code, not only labels).
    Scan {
        #[arg(required = true)]
        images: Vec<PathBuf>,
        /// One JSON line per image: {"image", "codes": [{"text", …}]}.
        #[arg(long)]
        json: bool,
    },
    /// Manage the trust list of issuers (mark operators only: needs the root key).
    #[command(subcommand)]
    Trust(lists::TrustCommand),
    /// Manage the revocation list of struck-off labels (mark operators only).
    #[command(subcommand)]
    Revoke(lists::RevokeCommand),
    /// Make a demo root, issuers, lists and labels (DEMO keys from fixed seeds: not secret).
    Demo {
        #[arg(long, short)]
        out: PathBuf,
        /// Scanner address for the labels' URL form.
        #[arg(long, default_value = "HTTP://LOCALHOST:8080/")]
        link: String,
        /// The language of the labels' words: en, fr, de, es, pt or sw.
        #[arg(long, default_value = "en")]
        lang: String,
    },
}

fn run(cli: Cli) -> failure::Result<i32> {
    match cli.command {
        Command::Keygen { out, force, json } => keygen::keygen(&out, force, json),
        Command::Assess(args) => assess::run(&args),
        Command::Check { spec, json } => check::check(&spec, json),
        Command::Sign(args) => sign::sign(&args),
        Command::Batch(args) => batch::run(&args),
        Command::Verify(args) => verify::verify(&args),
        Command::Scan { images, json } => scan::scan(&images, json),
        Command::Trust(c) => lists::trust(c),
        Command::Revoke(c) => lists::revoke(c),
        Command::Demo { out, link, lang } => demo::run(&out, &link, &lang),
    }
}

fn main() {
    // rqrr panics on some images and the core catches that: keep those quiet, report others.
    std::panic::set_hook(Box::new(|info| {
        // Output piped into a reader that stops early (`| head`): end quietly, as Unix
        // tools do, instead of reporting the closed pipe as an internal error.
        let message = info.payload().downcast_ref::<String>().map_or("", String::as_str);
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        if !info.location().is_some_and(|l| l.file().contains("rqrr")) {
            eprintln!("iotmark: internal error: {info}");
        }
    }));
    let code = match run(Cli::parse()) {
        Ok(code) => code,
        Err(f) => {
            eprintln!("iotmark: {f}");
            f.code
        }
    };
    std::process::exit(code);
}
