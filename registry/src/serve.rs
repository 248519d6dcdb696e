//! `iotmark-registry serve`: loads the keys and lists, opens the database, and serves.

use crate::http::{router, App};
use crate::limiter::Limiter;
use crate::lists::{spawn_background, Lists};
use crate::store::Store;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub struct Options {
    pub listen: SocketAddr,
    pub database: String,
    pub root: PathBuf,
    pub status_key: PathBuf,
    pub trust: PathBuf,
    /// Root rotation statements to serve, oldest first.
    pub rotations: Vec<PathBuf>,
    pub publish_dir: Option<PathBuf>,
    /// Reports each client may send per minute (also the burst).
    pub report_limit: u32,
    /// Applications each client may send per minute (also the burst).
    pub application_limit: u32,
}

pub async fn run(o: Options) -> Result<(), String> {
    let root = crate::keys::read_public(&o.root)?;
    let status_key = crate::keys::read_secret(&o.status_key)?;
    let trust = std::fs::read(&o.trust).map_err(|e| format!("cannot read {}: {e}", o.trust.display()))?;
    let rotations =
        o.rotations.iter().map(|p| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))).collect::<Result<_, _>>()?;
    let lists = Arc::new(Lists::new(root, rotations, trust, status_key, o.publish_dir)?);
    let store = Arc::new(Store::open(&o.database).await.map_err(|e| e.to_string())?);
    lists.start(&store).await.map_err(|e| e.to_string())?;
    spawn_background(lists.clone(), store.clone());
    let app = Arc::new(App {
        store,
        lists,
        limiter: Limiter::new(o.report_limit, o.report_limit),
        applications: Limiter::new(o.application_limit, o.application_limit),
        secure_cookies: !o.listen.ip().is_loopback(),
    });
    let listener = tokio::net::TcpListener::bind(o.listen).await.map_err(|e| format!("cannot listen on {}: {e}", o.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("iotmark-registry listening on http://{addr}/");
    let service = router(app).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown()).await.map_err(|e| e.to_string())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
