//! Outbound fan-out: one new proposal delivered to `followers` distinct inboxes (no shared inbox,
//! so one signed request per inbox and activity), received by several loopback processes (this
//! same binary in `--receiver` mode) that count every arrival and every repeat. Then the same with
//! a `kill -9` of the sender in the middle and a restart: nothing may be lost, and a repeat is
//! counted (a real receiver applies it once, by id).

use std::collections::{HashMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::Router;

/// What one receiver process has seen.
#[derive(Debug, Default, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct Seen {
    pub arrivals: u64,
    pub distinct: u64,
}

#[derive(Default)]
struct Inboxes {
    ids: HashMap<u32, HashSet<String>>,
    arrivals: u64,
}

/// `plenum-bench --receiver PORT`: answers 202 to every POST on `/inbox/{n}` and keeps the
/// activity ids; `GET /seen` tells how many arrived and how many were distinct.
pub async fn serve_receiver(port: u16) -> anyhow::Result<()> {
    let state = Arc::new(Mutex::new(Inboxes::default()));
    let app = Router::new()
        .route(
            "/inbox/{n}",
            post(|State(s): State<Arc<Mutex<Inboxes>>>, Path(n): Path<u32>, body: axum::body::Bytes| async move {
                let id = serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v["id"].as_str().map(str::to_string))
                    .unwrap_or_default();
                let mut inboxes = s.lock().unwrap_or_else(|e| e.into_inner());
                inboxes.arrivals += 1;
                inboxes.ids.entry(n).or_default().insert(id);
                axum::http::StatusCode::ACCEPTED
            }),
        )
        .route(
            "/seen",
            get(|State(s): State<Arc<Mutex<Inboxes>>>| async move {
                let inboxes = s.lock().unwrap_or_else(|e| e.into_inner());
                let seen = Seen {
                    arrivals: inboxes.arrivals,
                    distinct: inboxes.ids.values().map(|v| v.len() as u64).sum(),
                };
                axum::Json(seen)
            }),
        )
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await?;
    Ok(())
}

/// The receiver processes and the inbox of each follower.
pub struct Receivers {
    children: Vec<Child>,
    ports: Vec<u16>,
}

impl Receivers {
    pub async fn start(count: usize) -> anyhow::Result<Receivers> {
        let exe = std::env::current_exe()?;
        let mut children = Vec::new();
        let mut ports = Vec::new();
        for _ in 0..count {
            let port = crate::server::free_port();
            children.push(
                Command::new(&exe)
                    .args(["--receiver", &port.to_string()])
                    .stdout(Stdio::null())
                    .stderr(Stdio::inherit())
                    .spawn()?,
            );
            ports.push(port);
        }
        let receivers = Receivers { children, ports };
        let deadline = Instant::now() + Duration::from_secs(20);
        while receivers.seen().await.is_err() {
            if Instant::now() > deadline {
                anyhow::bail!("the receiver processes did not start");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(receivers)
    }

    /// Follower `n`'s actor id and inbox, spread over the receiver processes.
    pub fn follower(&self, n: usize) -> (String, String) {
        let port = self.ports[n % self.ports.len()];
        (
            format!("http://localhost:{port}/actors/{n}"),
            format!("http://localhost:{port}/inbox/{n}"),
        )
    }

    pub async fn seen(&self) -> anyhow::Result<Seen> {
        let http = crate::client::http_client();
        let mut total = Seen::default();
        for port in &self.ports {
            let seen: Seen = serde_json::from_slice(
                &http
                    .get(format!("http://127.0.0.1:{port}/seen"))
                    .send()
                    .await?
                    .bytes()
                    .await?,
            )?;
            total.arrivals += seen.arrivals;
            total.distinct += seen.distinct;
        }
        Ok(total)
    }

    /// Waits until `distinct` activities have arrived (or `timeout`); returns the time it took.
    pub async fn wait_for(&self, distinct: u64, timeout: Duration) -> (Duration, Seen) {
        let started = Instant::now();
        loop {
            let seen = self.seen().await.unwrap_or_default();
            if seen.distinct >= distinct || started.elapsed() > timeout {
                return (started.elapsed(), seen);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Receivers {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// RSA-2048 signatures per second on this machine, from `openssl speed` (one core), or `None`
/// when openssl is not there.
pub fn openssl_rsa2048_signs_per_sec() -> Option<f64> {
    let out = Command::new("openssl")
        .args(["speed", "-seconds", "2", "rsa2048"])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    // "rsa 2048 bits 0.000712s 0.000021s   1404.5  47619.0"
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("rsa 2048 bits"))?;
    line.split_whitespace().nth(5)?.parse().ok()
}

/// The same with the pure-Rust `rsa` crate (PKCS#1 v1.5, SHA-256), the federation library's signer.
pub fn rsa_crate_rsa2048_signs_per_sec() -> f64 {
    use sha2::Digest;
    let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("RSA key");
    let started = Instant::now();
    let mut n = 0u32;
    while started.elapsed() < Duration::from_secs(2) {
        let digest = sha2::Sha256::digest(n.to_be_bytes());
        let _ = key.sign(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &digest);
        n += 1;
    }
    f64::from(n) / started.elapsed().as_secs_f64()
}
