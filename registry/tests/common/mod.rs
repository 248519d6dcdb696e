//! Test harness: the real `iotmark-registry` binary on a free loopback port, over a temp
//! SQLite file or a PostgreSQL cluster started here (initdb and pg_ctl as `postgres`).
#![allow(dead_code)]

use iotmark_core::date::Date;
use iotmark_core::grade::Grade;
use iotmark_core::label::{Assurance, Label};
use iotmark_core::trust::{RevocationList, TrustList};
use iotmark_core::{issue, SigningKey};
use iotmark_registry::loopback::{request, Reply};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_iotmark-registry");
pub const PASSWORD: &str = "correct horse battery";
const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

pub fn key(name: &str) -> SigningKey {
    iotmark_tests::key(name)
}

pub fn lab() -> SigningKey {
    key("Example Test Lab")
}

pub fn today() -> Date {
    iotmark_registry::clock::today()
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// The key files and lists a registry is started with.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub trust: TrustList,
}

fn write_key(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).expect("key file written");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("key file made private");
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = key("root");
        let mut trust = iotmark_tests::trust_list();
        trust.status_key = Some(key("status").verifying_key());
        trust.issued = today();
        trust.expires = Date(today().0 + 180);
        std::fs::write(dir.path().join("trust.cose"), trust.sign(&root).expect("trust list signs")).expect("trust written");
        use iotmark_core::keys::{public_text, secret_text};
        write_key(&dir.path().join("root.pub"), &public_text(&root.verifying_key()));
        write_key(&dir.path().join("status.key"), &secret_text(&key("status")));
        write_key(&dir.path().join("lab.pub"), &public_text(&lab().verifying_key()));
        write_key(&dir.path().join("other.pub"), &public_text(&key("Example Self-Declaration Registry").verifying_key()));
        Fixture { dir, trust }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Opens a revocation list with the core, as a verifier would.
    pub fn open_revocation(&self, bytes: &[u8]) -> RevocationList {
        RevocationList::open(bytes, &key("root").verifying_key(), &self.trust).expect("the revocation list verifies with the status key")
    }
}

/// A label signed by `signer`, from the shared sample.
pub fn label(id: u64) -> Label {
    iotmark_tests::sample(id, Grade::Silver, Assurance::Reviewed)
}

pub fn sign(label: &Label, signer: &SigningKey) -> String {
    issue::issue(label, signer, None).expect("the sample label issues").text
}

/// The example spec `iotmark sign` is documented with: Hearth Speaker Mini, silver.
pub const SPEAKER_SPEC: &str = include_str!("../../../labels/examples/smart-speaker.toml");

/// A PostgreSQL cluster in a temp folder on a free port, stopped when dropped.
pub struct Postgres {
    dir: PathBuf,
    pub port: u16,
}

impl Postgres {
    /// `None` (with a note) when PostgreSQL is not installed, unless
    /// IOTMARK_REQUIRE_POSTGRES=1, when that is a failure.
    pub fn start() -> Option<Postgres> {
        if !Path::new(PG_BIN).join("initdb").exists() {
            if std::env::var("IOTMARK_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("PostgreSQL 15 is not installed ({PG_BIN}) but IOTMARK_REQUIRE_POSTGRES=1");
            }
            eprintln!("note: PostgreSQL is not installed; skipping the PostgreSQL half of this test");
            return None;
        }
        let dir = std::env::temp_dir().join(format!("iotmark-pg-{}-{}", std::process::id(), free_port()));
        std::fs::create_dir_all(&dir).expect("pg dir");
        run(Command::new("chown").arg("-R").arg("postgres").arg(&dir));
        let pg = |tool: &str| {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(Path::new(PG_BIN).join(tool));
            c
        };
        run(pg("initdb").arg("-D").arg(dir.join("data")).args(["-A", "trust", "-U", "iotmark"]));
        let port = free_port();
        let opts = format!("-p {port} -k {} -c listen_addresses=127.0.0.1", dir.display());
        run(pg("pg_ctl").arg("-D").arg(dir.join("data")).args(["-o", &opts, "-l"]).arg(dir.join("log")).args(["-w", "start"]));
        Some(Postgres { dir, port })
    }

    pub fn url(&self) -> String {
        format!("postgres://iotmark@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(Path::new(PG_BIN).join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn run(c: &mut Command) -> String {
    let out = c.output().expect("command runs");
    assert!(out.status.success(), "{c:?} failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The database a test runs against.
pub enum Db {
    Sqlite(tempfile::TempDir),
    Postgres(Postgres),
}

impl Db {
    pub fn sqlite() -> Db {
        Db::Sqlite(tempfile::tempdir().expect("temp dir"))
    }

    pub fn url(&self) -> String {
        match self {
            Db::Sqlite(d) => format!("sqlite://{}", d.path().join("registry.db").display()),
            Db::Postgres(p) => p.url(),
        }
    }

    pub fn admin(&self, args: &[&str]) -> String {
        run(Command::new(BIN).args(args).args(["--database", &self.url()]).env("IOTMARK_PASSWORD", PASSWORD))
    }

    /// Regions eu and us, the lab in eu (its token returned), users for both regions.
    pub fn seed(&self, fx: &Fixture) -> String {
        self.admin(&["add-region", "--code", "eu", "--name", "EU body"]);
        self.admin(&["add-region", "--code", "us", "--name", "US body"]);
        let token =
            self.admin(&["add-issuer", "--name", "Example Test Lab", "--key", &fx.path("lab.pub").display().to_string(), "--region", "eu"]);
        self.admin(&["add-user", "--email", "reviewer@example.org", "--role", "reviewer", "--region", "eu"]);
        self.admin(&["add-user", "--email", "outsider@example.org", "--role", "reviewer", "--region", "us"]);
        self.admin(&["add-user", "--email", "admin@example.org", "--role", "regional-admin", "--region", "eu"]);
        token.trim().to_owned()
    }
}

/// A running registry, killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
}

impl Server {
    pub fn start(fx: &Fixture, db: &Db, extra: &[&str]) -> Server {
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().expect("address");
        let p = |n: &str| fx.path(n).display().to_string();
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", &addr.to_string(), "--database", &db.url()])
            .args(["--status-key", &p("status.key"), "--trust", &p("trust.cose"), "--root", &p("root.pub")])
            .args(if extra.contains(&"--report-limit") { &[][..] } else { &["--report-limit", "1000000"][..] })
            .args(if extra.contains(&"--application-limit") { &[][..] } else { &["--application-limit", "1000000"][..] })
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .expect("the registry starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("a start line");
        assert!(line.contains("listening"), "the registry did not start: {line:?}");
        Server { child, addr }
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        request(self.addr, "GET", path, headers, b"").expect("GET answered")
    }

    pub fn post_json(&self, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        let mut h = vec![("Content-Type", "application/json")];
        h.extend_from_slice(headers);
        request(self.addr, "POST", path, &h, body.as_bytes()).expect("POST answered")
    }

    /// Sends a label spec as a maker's application (`Content-Type: application/toml`).
    pub fn apply(&self, spec: &str) -> Reply {
        request(self.addr, "POST", "/api/applications", &[("Content-Type", "application/toml")], spec.as_bytes()).expect("POST answered")
    }

    pub fn post_form(&self, path: &str, cookie: &str, fields: &[(&str, &str)]) -> Reply {
        let body: Vec<String> = fields.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect();
        let cookie = format!("iotmark_session={cookie}");
        let h = [("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", cookie.as_str())];
        request(self.addr, "POST", path, &h, body.join("&").as_bytes()).expect("POST answered")
    }

    /// Signs in; returns the session cookie value and the CSRF token.
    pub fn login(&self, email: &str, password: &str) -> Option<(String, String)> {
        let r = self.post_form("/console/login", "", &[("email", email), ("password", password)]);
        let cookie = r.header("set-cookie")?.strip_prefix("iotmark_session=")?.split(';').next()?.to_owned();
        let page = self.get("/console/", &[("Cookie", &format!("iotmark_session={cookie}"))]).text();
        let csrf = page.split("name=\"csrf\" value=\"").nth(1)?.split('"').next()?.to_owned();
        Some((cookie, csrf))
    }

    pub fn register(&self, token: &str, labels: &[String]) -> Reply {
        let body = serde_json::json!({ "labels": labels }).to_string();
        self.post_json("/api/labels", &[("Authorization", &format!("Bearer {token}"))], &body)
    }

    pub fn report(&self, label: &str, client_ref: &str) -> Reply {
        let body =
            serde_json::json!({"label": label, "reason": "wrong-product", "text": "on a kettle", "client_ref": client_ref}).to_string();
        self.post_json("/api/reports", &[], &body)
    }

    pub fn revocation(&self, fx: &Fixture) -> RevocationList {
        let r = self.get("/lists/revocation.cose", &[]);
        assert_eq!(r.status, 200);
        fx.open_revocation(&r.body)
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Waits up to `limit` for `ok`, returning how long it took.
pub fn within(limit: Duration, mut ok: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if ok() {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// Both databases: SQLite always, PostgreSQL when available.
pub fn databases() -> Vec<Db> {
    let mut dbs = vec![Db::sqlite()];
    if let Some(pg) = Postgres::start() {
        dbs.push(Db::Postgres(pg));
    }
    dbs
}

pub fn flush() {
    let _ = std::io::stderr().flush();
}
