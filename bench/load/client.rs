//! The load generator: `clients` concurrent connections, each sending its next request as soon as
//! the previous answer is read (closed loop), for a bounded time or a bounded number of requests.
//! Every request's latency is kept (microseconds), so percentiles are exact.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Client, Method};

#[derive(Clone)]
pub struct Req {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Vec<u8>>,
}

impl Req {
    pub fn get(url: String) -> Req {
        Req {
            method: Method::GET,
            url,
            headers: Vec::new(),
            body: None,
        }
    }
}

/// Builds request number `i` of client `client`; `None` when that client has nothing more to send.
pub type Make = Arc<dyn Fn(usize, u64) -> Option<Req> + Send + Sync>;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Outcome {
    pub requests: u64,
    pub errors: u64,
    pub seconds: f64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// The first unexpected answer, to tell what went wrong.
    pub first_error: Option<String>,
}

pub fn http_client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(1024)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}

/// Runs `make` from `clients` concurrent clients until `duration` has passed or every client is
/// done. A status in `expect` counts as success; anything else (or no answer) as an error.
pub async fn run(clients: usize, duration: Duration, expect: &'static [u16], make: Make) -> Outcome {
    run_paced(clients, duration, expect, make, None).await
}

/// The same, at a fixed total rate (`per_second`, spread evenly over the clients) when given:
/// each request has a planned send time and its latency is counted from that time, so a slow
/// answer that delays the next requests is charged to them too (no "coordinated omission").
pub async fn run_paced(
    clients: usize,
    duration: Duration,
    expect: &'static [u16],
    make: Make,
    per_second: Option<f64>,
) -> Outcome {
    let http = http_client();
    let started = Instant::now();
    let deadline = started + duration;
    let errors = Arc::new(AtomicU64::new(0));
    let first_error = Arc::new(std::sync::Mutex::new(None::<String>));
    let mut tasks = Vec::with_capacity(clients);
    for client in 0..clients {
        let (http, make, errors, first_error) =
            (http.clone(), make.clone(), errors.clone(), first_error.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(4096);
            let mut i = 0u64;
            // Paced clients start spread over one interval, not all at once.
            let interval = per_second.map(|r| Duration::from_secs_f64(clients as f64 / r));
            let first =
                started + interval.map_or(Duration::ZERO, |d| d.mul_f64(client as f64 / clients as f64));
            while Instant::now() < deadline {
                let planned = interval.map(|d| first + d.mul_f64(i as f64));
                if let Some(at) = planned {
                    if at >= deadline {
                        break;
                    }
                    tokio::time::sleep_until(at.into()).await;
                }
                let Some(req) = make(client, i) else { break };
                i += 1;
                let mut builder = http.request(req.method, &req.url);
                for (name, value) in req.headers {
                    builder = builder.header(name, value);
                }
                if let Some(body) = req.body {
                    builder = builder.body(body);
                }
                let sent = planned.unwrap_or_else(Instant::now);
                let answer = builder.send().await;
                let outcome = match answer {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        let body = response.bytes().await;
                        if expect.contains(&status) && body.is_ok() {
                            Ok(())
                        } else {
                            Err(format!(
                                "{status} {}",
                                String::from_utf8_lossy(&body.unwrap_or_default())
                                    .chars()
                                    .take(160)
                                    .collect::<String>()
                            ))
                        }
                    }
                    Err(e) => Err(e.to_string()),
                };
                latencies.push(sent.elapsed().as_micros().min(u32::MAX as u128) as u32);
                if let Err(e) = outcome {
                    errors.fetch_add(1, Ordering::Relaxed);
                    first_error.lock().unwrap().get_or_insert(e);
                }
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap_or_default());
    }
    let seconds = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| -> f64 {
        if all.is_empty() {
            return 0.0;
        }
        let idx = ((all.len() as f64 - 1.0) * p).round() as usize;
        all[idx] as f64 / 1000.0
    };
    let errors = errors.load(Ordering::Relaxed);
    let requests = all.len() as u64;
    let first_error = first_error.lock().map(|e| e.clone()).unwrap_or(None);
    Outcome {
        requests,
        errors,
        seconds,
        per_second: (requests - errors) as f64 / seconds,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        max_ms: all.last().map(|m| *m as f64 / 1000.0).unwrap_or(0.0),
        first_error,
    }
}
