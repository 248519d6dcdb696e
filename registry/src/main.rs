//! `iotmark-registry`: the registry server and its administration commands
//! (see `docs/registry.md`).

use clap::{Parser, Subcommand};
use iotmark_registry::{admin, serve, store};
use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "iotmark-registry",
    version,
    about = "The iotmark registry: recorded labels, public reports, reviewers' decisions and signed lists"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the lists, register pages, reports, the issuers' API and the console.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8081")]
        listen: SocketAddr,
        #[arg(long, default_value = store::DEFAULT_URL)]
        database: String,
        /// The status key (an `iotmark keygen` private key) that signs revocation lists.
        #[arg(long)]
        status_key: PathBuf,
        /// The root-signed trust list, which must name the status key.
        #[arg(long)]
        trust: PathBuf,
        /// The root's public key, to check the trust list with [default: root.pub beside
        /// the trust list].
        #[arg(long)]
        root: Option<PathBuf>,
        /// A root rotation statement (`iotmark trust rotate-root`), oldest first when
        /// repeated: served at /lists/rotations/<n>.cose; the trust list must then be
        /// signed by the newest root.
        #[arg(long = "rotation")]
        rotations: Vec<PathBuf>,
        /// Also write trust.cose and revocation.cose here after every change.
        #[arg(long)]
        publish_dir: Option<PathBuf>,
        /// The registry's public address, for links (informational).
        #[arg(long)]
        public_url: Option<String>,
        /// Public reports one client address may send per minute (and in a burst).
        #[arg(long, default_value_t = 10)]
        report_limit: u32,
        /// Makers' applications one client address may send per minute (and in a burst).
        #[arg(long, default_value_t = 3)]
        application_limit: u32,
    },
    /// Adds a regional certifying body.
    AddRegion {
        #[arg(long, default_value = store::DEFAULT_URL)]
        database: String,
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
    },
    /// Adds an issuer and prints its API token (once: only its hash is stored).
    AddIssuer {
        #[arg(long, default_value = store::DEFAULT_URL)]
        database: String,
        #[arg(long)]
        name: String,
        /// The issuer's public key file (or its private key file).
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        region: String,
    },
    /// Adds a console user; the password comes from IOTMARK_PASSWORD or standard input.
    AddUser {
        #[arg(long, default_value = store::DEFAULT_URL)]
        database: String,
        #[arg(long)]
        email: String,
        /// reviewer, regional-admin or operator.
        #[arg(long)]
        role: String,
        #[arg(long)]
        region: Option<String>,
    },
    /// Adds a maker's application from a label spec (TOML), checked as the API checks it;
    /// prints its reference.
    AddApplication {
        #[arg(long, default_value = store::DEFAULT_URL)]
        database: String,
        /// The label spec, as `iotmark sign` takes it.
        spec: PathBuf,
        /// The certifying body (region code) it is for; any reviewer's when absent.
        #[arg(long)]
        region: Option<String>,
    },
    /// Imports the strike-offs of an earlier revocation list (checked with the root key).
    ImportRevocations {
        #[arg(long, default_value = store::DEFAULT_URL)]
        database: String,
        /// The revocation list (COSE).
        list: PathBuf,
        #[arg(long)]
        trust: PathBuf,
        #[arg(long)]
        root: PathBuf,
    },
    /// Writes the stored lists (trust.cose, revocation.cose) to a folder.
    Publish {
        #[arg(long, default_value = store::DEFAULT_URL)]
        database: String,
        #[arg(long)]
        out: PathBuf,
    },
}

fn password() -> Result<String, String> {
    if let Ok(p) = std::env::var("IOTMARK_PASSWORD") {
        return Ok(p);
    }
    let mut p = String::new();
    std::io::stdin().read_to_string(&mut p).map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    Ok(p.trim_end_matches(['\r', '\n']).to_owned())
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve {
            listen,
            database,
            status_key,
            trust,
            root,
            rotations,
            publish_dir,
            public_url: _,
            report_limit,
            application_limit,
        } => {
            let root = root.unwrap_or_else(|| trust.with_file_name("root.pub"));
            serve::run(serve::Options {
                listen,
                database,
                root,
                status_key,
                trust,
                rotations,
                publish_dir,
                report_limit,
                application_limit,
            })
            .await
        }
        Command::AddRegion { database, code, name } => admin::add_region(&database, &code, &name).await,
        Command::AddIssuer { database, name, key, region } => {
            let token = admin::add_issuer(&database, &name, &key, &region).await?;
            println!("{token}");
            eprintln!("issuer {name} added; the line above is its API token, shown only this once");
            Ok(())
        }
        Command::AddUser { database, email, role, region } => {
            admin::add_user(&database, &email, &role, region.as_deref(), &password()?).await
        }
        Command::AddApplication { database, spec, region } => {
            println!("{}", admin::add_application(&database, &spec, region.as_deref()).await?);
            Ok(())
        }
        Command::ImportRevocations { database, list, trust, root } => admin::import_revocations(&database, &list, &trust, &root).await,
        Command::Publish { database, out } => admin::publish(&database, &out).await,
    }
}

fn main() {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("iotmark-registry: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(run(cli)) {
        eprintln!("iotmark-registry: {e}");
        std::process::exit(1);
    }
}
