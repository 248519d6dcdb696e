//! `registry-load`: a load benchmark of the registry on loopback, bounded in time and
//! requests. It sets up its own registry (keys, trust list, a SQLite file, and a throwaway
//! PostgreSQL cluster when PostgreSQL 15 is installed), then measures list fetches and 304
//! revalidations, report posts, the time from a strike-off to the list served, and the
//! server's peak resident memory. The last line of output is the figures as JSON.
//!
//! Usage: registry-load [--seconds N] [--connections N] [--max-requests N]

use iotmark_core::catalogue;
use iotmark_core::date::{Date, YearMonth};
use iotmark_core::grade::Grade;
use iotmark_core::label::*;
use iotmark_core::trust::{Issuer, RevocationList, TrustList};
use iotmark_core::SigningKey;
use iotmark_registry::clock::today;
use iotmark_registry::loopback::{request, Conn};
use iotmark_registry::secrets::sha256;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";
const PASSWORD: &str = "load-test-password";

type Fail = Box<dyn std::error::Error>;

struct Settings {
    seconds: f64,
    connections: usize,
    max_requests: u64,
}

fn settings() -> Settings {
    let args: Vec<String> = std::env::args().collect();
    let get = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse::<f64>().ok());
    Settings {
        seconds: get("--seconds").unwrap_or(3.0).clamp(0.5, 60.0),
        connections: get("--connections").unwrap_or(4.0).clamp(1.0, 64.0) as usize,
        max_requests: get("--max-requests").unwrap_or(200_000.0) as u64,
    }
}

fn key(name: &str) -> SigningKey {
    SigningKey::from_bytes(&sha256(format!("iotmark load key: {name}").as_bytes()).try_into().unwrap_or([7; 32]))
}

fn free_port() -> Result<u16, Fail> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A silver label of the June 2018 catalogue.
fn label(id: u64) -> Label {
    let mut principles = vec![Status::Met; catalogue::JUNE_2018.len()];
    for i in [9, 10, 13, 14, 15] {
        principles[i - 1] = Status::NotMet;
    }
    Label {
        id: LabelId(id),
        catalogue: 1,
        product: Product { maker: "Load Test Ltd".into(), name: "Load Speaker".into(), model: "LS-1".into(), gtin: None, serial: None },
        principles,
        grade: Grade::Silver,
        assurance: Assurance::Reviewed,
        issued: Date(today().0 - 10),
        valid_until: Date(today().0 + 700),
        facts: Facts {
            lifecycle: Lifecycle {
                updates_until: YearMonth::new(2031, 6).unwrap_or(YearMonth(0)),
                update_delivery: UpdateDelivery::Automatic,
                without_cloud: WithoutCloud::Works,
                repair: Repair::default(),
            },
            privacy: Privacy {
                sensors: Sensors::default(),
                processing: Processing::OnDevice,
                sharing: Sharing::default(),
                rights: DataRights::default(),
            },
            openness: Openness::default(),
        },
    }
}

/// Keys and a trust list naming the lab and the status key, in `dir`.
fn fixture(dir: &Path) -> Result<TrustList, Fail> {
    let issuer = Issuer {
        key: key("lab").verifying_key(),
        name: "Load Lab".into(),
        assurances: Assurance::ALL.to_vec(),
        from: Date(0),
        until: Date(today().0 + 3650),
    };
    let trust = TrustList {
        sequence: 1,
        issued: today(),
        expires: Date(today().0 + 180),
        issuers: vec![issuer],
        status_key: Some(key("status").verifying_key()),
    };
    std::fs::write(dir.join("trust.cose"), trust.sign(&key("root"))?)?;
    use iotmark_core::keys::{public_text, secret_text};
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(dir.join("root.pub"), public_text(&key("root").verifying_key()))?;
    std::fs::write(dir.join("status.key"), secret_text(&key("status")))?;
    // The registry refuses a status key others can read.
    std::fs::set_permissions(dir.join("status.key"), std::fs::Permissions::from_mode(0o600))?;
    std::fs::write(dir.join("lab.pub"), public_text(&key("lab").verifying_key()))?;
    Ok(trust)
}

fn run(c: &mut Command) -> Result<String, Fail> {
    let out = c.output()?;
    if !out.status.success() {
        return Err(format!("{c:?} failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn as_postgres(tool: &str) -> Command {
    let mut c = Command::new("runuser");
    c.args(["-u", "postgres", "--"]).arg(Path::new(PG_BIN).join(tool));
    c
}

/// A throwaway PostgreSQL cluster, stopped and removed when dropped.
struct Postgres {
    dir: PathBuf,
    port: u16,
}

impl Postgres {
    fn start() -> Result<Postgres, Fail> {
        let dir = std::env::temp_dir().join(format!("iotmark-load-pg-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        run(Command::new("chown").arg("-R").arg("postgres").arg(&dir))?;
        run(as_postgres("initdb").arg("-D").arg(dir.join("data")).args(["-A", "trust", "-U", "iotmark"]))?;
        let port = free_port()?;
        let opts = format!("-p {port} -k {} -c listen_addresses=127.0.0.1", dir.display());
        run(as_postgres("pg_ctl").arg("-D").arg(dir.join("data")).args(["-o", &opts, "-l"]).arg(dir.join("log")).args(["-w", "start"]))?;
        Ok(Postgres { dir, port })
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = as_postgres("pg_ctl").arg("-D").arg(self.dir.join("data")).args(["-m", "fast", "-w", "stop"]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn bin() -> Result<PathBuf, Fail> {
    Ok(std::env::current_exe()?.with_file_name("iotmark-registry"))
}

/// Seeds the database and starts a registry; returns it and the lab's token.
fn start(dir: &Path, database: &str) -> Result<(Server, String), Fail> {
    let admin = |args: &[&str]| run(Command::new(bin()?).args(args).args(["--database", database]).env("IOTMARK_PASSWORD", PASSWORD));
    admin(&["add-region", "--code", "eu", "--name", "EU"])?;
    let token = admin(&["add-issuer", "--name", "Load Lab", "--key", &dir.join("lab.pub").display().to_string(), "--region", "eu"])?
        .trim()
        .to_owned();
    admin(&["add-user", "--email", "reviewer@load.test", "--role", "reviewer", "--region", "eu"])?;
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()?).parse()?;
    let p = |n: &str| dir.join(n).display().to_string();
    let mut child = Command::new(bin()?)
        .args(["serve", "--listen", &addr.to_string(), "--database", database, "--report-limit", "100000000"])
        .args(["--status-key", &p("status.key"), "--trust", &p("trust.cose"), "--root", &p("root.pub")])
        .stdout(Stdio::piped())
        .spawn()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().ok_or("no stdout")?).read_line(&mut line)?;
    if !line.contains("listening") {
        return Err(format!("the registry did not start: {line}").into());
    }
    Ok((Server { child, addr }, token))
}

/// Latency figures of one phase.
fn figures(mut lat: Vec<Duration>, elapsed: Duration, errors: u64) -> Value {
    lat.sort_unstable();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1))).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
    };
    json!({"requests": lat.len(), "per_second": (lat.len() as f64 / elapsed.as_secs_f64()).round(), "p50_ms": pct(0.50), "p99_ms": pct(0.99), "errors": errors})
}

/// Runs `connections` kept-alive clients for at most `seconds` or `max_requests` in all.
fn hammer(addr: SocketAddr, s: &Settings, request: impl Fn(&mut Conn, u64) -> bool + Send + Sync + 'static) -> Value {
    let request = Arc::new(request);
    let (count, errors) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(s.seconds);
    let max = s.max_requests;
    let threads: Vec<_> = (0..s.connections)
        .map(|_| {
            let (request, count, errors) = (request.clone(), count.clone(), errors.clone());
            std::thread::spawn(move || {
                let mut lat = Vec::new();
                let Ok(mut conn) = Conn::connect(addr) else { return lat };
                while Instant::now() < deadline {
                    let n = count.fetch_add(1, Ordering::Relaxed);
                    if n >= max {
                        break;
                    }
                    let t = Instant::now();
                    if request(&mut conn, n) {
                        lat.push(t.elapsed());
                    } else {
                        errors.fetch_add(1, Ordering::Relaxed);
                        match Conn::connect(addr) {
                            Ok(c) => conn = c,
                            Err(_) => break,
                        }
                    }
                }
                lat
            })
        })
        .collect();
    let lat: Vec<Duration> = threads.into_iter().flat_map(|t| t.join().unwrap_or_default()).collect();
    figures(lat, start.elapsed(), errors.load(Ordering::Relaxed))
}

fn max_rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.split_whitespace().next()?.parse().ok()).unwrap_or(0)
}

fn form(fields: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes().map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") }).collect::<String>()
    };
    fields.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

/// Median and worst time from a strike-off decision to its list being served.
fn strike_off_latency(server: &Server, token: &str, trust: &TrustList, rounds: u64) -> Result<Value, Fail> {
    let addr = server.addr;
    let login = request(
        addr,
        "POST",
        "/console/login",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form(&[("email", "reviewer@load.test"), ("password", PASSWORD)]).as_bytes(),
    )?;
    let cookie = login.header("set-cookie").and_then(|c| c.split(';').next()).ok_or("sign-in failed")?.to_owned();
    let page = request(addr, "GET", "/console/", &[("Cookie", &cookie)], b"")?.text();
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()).ok_or("no CSRF token")?.to_owned();
    let mut times = Vec::new();
    for i in 0..rounds {
        let id = LabelId(0x5EED_0000 + i);
        let text = iotmark_core::issue::issue(&label(id.0), &key("lab"), None)?.text;
        let auth = format!("Bearer {token}");
        request(
            addr,
            "POST",
            "/api/labels",
            &[("Authorization", &auth), ("Content-Type", "application/json")],
            json!({"labels": [text]}).to_string().as_bytes(),
        )?;
        let r = request(
            addr,
            "POST",
            "/api/reports",
            &[("Content-Type", "application/json")],
            json!({"label": text, "reason": "copied"}).to_string().as_bytes(),
        )?;
        let reference = r.json()["reference"].as_str().ok_or("no reference")?.to_owned();
        let body = form(&[("csrf", &csrf), ("action", "strike-off"), ("public_reason", "load test")]);
        let t = Instant::now();
        request(
            addr,
            "POST",
            &format!("/console/reports/{reference}/decide"),
            &[("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", &cookie)],
            body.as_bytes(),
        )?;
        loop {
            let list = request(addr, "GET", "/lists/revocation.cose", &[], b"")?;
            let served = RevocationList::open(&list.body, &key("root").verifying_key(), trust).is_ok_and(|l| l.contains(id));
            if served || t.elapsed() > Duration::from_secs(5) {
                break;
            }
        }
        times.push(t.elapsed());
    }
    times.sort_unstable();
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    Ok(json!({"rounds": rounds, "median_ms": times.get(times.len() / 2).map(ms), "max_ms": times.last().map(ms)}))
}

fn bench(name: &str, database: &str, s: &Settings) -> Result<Value, Fail> {
    let dir = tempdir(name)?;
    let trust = fixture(&dir)?;
    let (server, token) = start(&dir, database)?;
    let addr = server.addr;
    let etag = request(addr, "GET", "/lists/revocation.cose", &[], b"")?.header("etag").unwrap_or("").to_owned();
    let fetches = hammer(addr, s, |c, _| c.send("GET", "/lists/revocation.cose", &[], b"").is_ok_and(|r| r.status == 200));
    let revalidations = hammer(addr, s, move |c, _| {
        c.send("GET", "/lists/revocation.cose", &[("If-None-Match", &etag)], b"").is_ok_and(|r| r.status == 304)
    });
    let reports = hammer(addr, s, |c, n| {
        let body =
            json!({"label": "ABCD-0000-0000-0001", "reason": "other", "text": "load", "client_ref": format!("load-{n}")}).to_string();
        c.send("POST", "/api/reports", &[("Content-Type", "application/json")], body.as_bytes()).is_ok_and(|r| r.status == 201)
    });
    let strike = strike_off_latency(&server, &token, &trust, 5)?;
    let rss = max_rss_kb(server.child.id());
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(
        json!({"list_fetches": fetches, "revalidations_304": revalidations, "report_posts": reports, "strike_off_to_served": strike, "max_rss_mb": (rss as f64 / 1024.0 * 10.0).round() / 10.0}),
    )
}

fn tempdir(name: &str) -> Result<PathBuf, Fail> {
    let dir = std::env::temp_dir().join(format!("iotmark-load-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn print(name: &str, v: &Value) {
    let line = |what: &str, f: &Value| {
        println!(
            "  {what:<22} {:>8}/s  p50 {:>6.2} ms  p99 {:>6.2} ms  ({} requests, {} errors)",
            f["per_second"],
            f["p50_ms"].as_f64().unwrap_or(0.0),
            f["p99_ms"].as_f64().unwrap_or(0.0),
            f["requests"],
            f["errors"]
        );
    };
    println!("registry on {name}:");
    line("list fetches", &v["list_fetches"]);
    line("304 revalidations", &v["revalidations_304"]);
    line("report posts", &v["report_posts"]);
    let s = &v["strike_off_to_served"];
    println!(
        "  strike-off to served   median {:.1} ms, max {:.1} ms over {} rounds",
        s["median_ms"].as_f64().unwrap_or(0.0),
        s["max_ms"].as_f64().unwrap_or(0.0),
        s["rounds"]
    );
    println!("  server max RSS         {} MB", v["max_rss_mb"]);
}

fn main() {
    let s = settings();
    let mut all = json!({});
    let result = (|| -> Result<(), Fail> {
        let dir = tempdir("sqlite-db")?;
        let sqlite = bench("sqlite", &format!("sqlite://{}", dir.join("registry.db").display()), &s)?;
        print("SQLite", &sqlite);
        all["sqlite"] = sqlite;
        let _ = std::fs::remove_dir_all(&dir);
        if Path::new(PG_BIN).join("initdb").exists() {
            let pg = Postgres::start()?;
            let v = bench("postgres", &format!("postgres://iotmark@127.0.0.1:{}/postgres", pg.port), &s)?;
            print("PostgreSQL", &v);
            all["postgres"] = v;
        } else {
            println!("registry on PostgreSQL: skipped (PostgreSQL 15 is not installed)");
        }
        Ok(())
    })();
    if let Err(e) = result {
        eprintln!("registry-load: {e}");
        std::process::exit(1);
    }
    println!("{all}");
}
