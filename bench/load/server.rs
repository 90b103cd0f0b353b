//! A real `plenum serve` process on loopback, and what it costs: resident memory and CPU read
//! from `/proc` while a scenario runs.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Server {
    child: Child,
    pub base: String,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on loopback")
}

impl Server {
    /// Starts `plenum serve` on `database_url` (on `port`, or a free one) and waits until it
    /// accepts connections.
    pub fn start(binary: &Path, database_url: &str, log: &Path, port: Option<u16>) -> anyhow::Result<Server> {
        let port = port.unwrap_or_else(free_port);
        let base = format!("http://localhost:{port}");
        let log_file = std::fs::OpenOptions::new().create(true).append(true).open(log)?;
        let mut command = Command::new(binary);
        command
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("PLENUM_BIND", format!("127.0.0.1:{port}"))
            .env("PLENUM_PUBLIC_URL", &base)
            .env("PLENUM_SECRET_KEY", "benchmark-secret-key-0123456789abcdef0123")
            .env("PLENUM_DEFAULT_LOCALE", "en")
            .env("PLENUM_LOG", "warn")
            .env("PLENUM_FEDERATION_ALLOW_PRIVATE", "*")
            .stdout(Stdio::from(log_file.try_clone()?))
            .stderr(Stdio::from(log_file));
        let child = command.spawn()?;
        let server = Server { child, base };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(server);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        anyhow::bail!("plenum did not start within 60 s (see {})", log.display())
    }

    pub fn port(&self) -> u16 {
        self.base
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory now, in bytes.
    /// What the server holds now, for rows measured at rest (no CPU counted).
    pub fn cost_at_rest(&self) -> Cost {
        let memory = memory_of(self.pid());
        Cost {
            peak_rss_mb: memory.rss as f64 / 1_048_576.0,
            peak_private_mb: memory.private as f64 / 1_048_576.0,
            cpu_cores: 0.0,
        }
    }

    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A process's memory, in bytes, from one read of `/proc/PID/status`.
#[derive(Default)]
struct Memory {
    /// `VmRSS`.
    rss: u64,
    /// `RssAnon`: RSS without mapped files (the binary, and SQLite's memory-mapped database
    /// pages, which are the operating system's page cache).
    private: u64,
}

fn memory_of(pid: u32) -> Memory {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return Memory::default();
    };
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map(|kb| kb * 1024)
            .unwrap_or(0)
    };
    Memory {
        rss: field("VmRSS:"),
        private: field("RssAnon:"),
    }
}

/// CPU time (user + system) of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            // Fields after the command name (which may contain spaces) start after ") ".
            let rest = s.rsplit_once(") ")?.1;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let utime: u64 = fields.get(11)?.parse().ok()?;
            let stime: u64 = fields.get(12)?.parse().ok()?;
            Some(utime + stime)
        })
        .unwrap_or(0)
}

/// Samples a process's memory every 50 ms while a scenario runs.
pub struct Usage {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    peak_private: Arc<AtomicU64>,
    started: Instant,
    ticks_before: u64,
    pid: u32,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// What a scenario cost the server.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Cost {
    pub peak_rss_mb: f64,
    /// Peak of the process's own memory (RSS without mapped files).
    pub peak_private_mb: f64,
    /// CPU time over wall time: 2.0 = both cores busy.
    pub cpu_cores: f64,
}

impl Usage {
    pub fn watch(pid: u32) -> Usage {
        let stop = Arc::new(AtomicBool::new(false));
        let now = memory_of(pid);
        let peak = Arc::new(AtomicU64::new(now.rss));
        let peak_private = Arc::new(AtomicU64::new(now.private));
        let (s, p, pp) = (stop.clone(), peak.clone(), peak_private.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                let now = memory_of(pid);
                p.fetch_max(now.rss, Ordering::Relaxed);
                pp.fetch_max(now.private, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        Usage {
            stop,
            peak,
            peak_private,
            started: Instant::now(),
            ticks_before: cpu_ticks(pid),
            pid,
            thread: Some(thread),
        }
    }

    pub fn finish(mut self) -> Cost {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let wall = self.started.elapsed().as_secs_f64();
        let ticks_per_sec = 100.0; // USER_HZ on Linux
        let cpu = (cpu_ticks(self.pid).saturating_sub(self.ticks_before)) as f64 / ticks_per_sec;
        let now = memory_of(self.pid);
        Cost {
            peak_rss_mb: self.peak.load(Ordering::Relaxed).max(now.rss) as f64 / 1_048_576.0,
            peak_private_mb: self.peak_private.load(Ordering::Relaxed).max(now.private) as f64 / 1_048_576.0,
            cpu_cores: if wall > 0.0 { cpu / wall } else { 0.0 },
        }
    }
}
