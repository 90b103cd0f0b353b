//! A real `plenum serve` process on loopback, and what it costs: resident memory and CPU read
//! from `/proc` while a scenario runs.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One `plenum serve`, or several on one database behind HAProxy (`base` is then the balancer's
/// address, and memory and CPU are those of every node and the balancer together).
pub struct Server {
    nodes: Vec<Child>,
    balancer: Option<Child>,
    pub base: String,
    /// On PostgreSQL, the database the nodes use: the CPU of their server-side backends is
    /// measured too, since on two cores it is taken from the same budget as Plenum's.
    database_url: Option<String>,
}

/// The `application_name` the nodes' PostgreSQL connections carry, so that their backends can be
/// told apart from any other client of the same server.
const BACKEND_NAME: &str = "plenum-bench-node";

/// The nodes' database address: on PostgreSQL, with their connections named.
fn node_database_url(database_url: &str) -> String {
    if database_url.starts_with("postgres") {
        let separator = if database_url.contains('?') { '&' } else { '?' };
        format!("{database_url}{separator}application_name={BACKEND_NAME}")
    } else {
        database_url.to_string()
    }
}

fn postgres_url(database_url: &str) -> Option<String> {
    database_url
        .starts_with("postgres")
        .then(|| database_url.to_string())
}

/// The process ids of the PostgreSQL backends serving the nodes' connections now; None when
/// the database cannot be asked (the row then shows no database figure rather than 0).
fn backend_pids(database_url: &str) -> Option<Vec<u32>> {
    use diesel::{Connection, RunQueryDsl};
    #[derive(diesel::QueryableByName)]
    struct Backend {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        pid: i32,
    }
    let mut conn = diesel::PgConnection::establish(database_url).ok()?;
    diesel::sql_query("SELECT pid FROM pg_stat_activity WHERE application_name = $1")
        .bind::<diesel::sql_types::Text, _>(BACKEND_NAME)
        .load::<Backend>(&mut conn)
        .map(|rows| rows.into_iter().map(|b| b.pid as u32).collect())
        .ok()
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
        let node = start_node(binary, database_url, log, port, &base)?;
        let server = Server {
            nodes: vec![node],
            balancer: None,
            base,
            database_url: postgres_url(database_url),
        };
        wait_for_port(port, log)?;
        Ok(server)
    }

    /// `count` nodes on one database behind HAProxy (Debian's `haproxy`, round robin, as
    /// `docs/operations.md` configures it): every node calls itself by the balancer's address.
    pub fn cluster(binary: &Path, database_url: &str, log: &Path, count: usize) -> anyhow::Result<Server> {
        let port = free_port();
        let base = format!("http://localhost:{port}");
        let ports: Vec<u16> = (0..count).map(|_| free_port()).collect();
        let mut server = Server {
            nodes: Vec::new(),
            balancer: None,
            base,
            database_url: postgres_url(database_url),
        };
        for (i, node_port) in ports.iter().enumerate() {
            server
                .nodes
                .push(start_node(binary, database_url, log, *node_port, &server.base)?);
            // The first applies the migrations; the others start on a database that has them.
            if i == 0 {
                wait_for_port(*node_port, log)?;
            }
        }
        for node_port in &ports {
            wait_for_port(*node_port, log)?;
        }
        let servers: String = ports
            .iter()
            .enumerate()
            .map(|(i, p)| format!("    server n{} 127.0.0.1:{p} check\n", i + 1))
            .collect();
        let config = format!(
            "global\n    maxconn 8192\ndefaults\n    mode http\n    timeout connect 2s\n    timeout client 60s\n    \
             timeout server 60s\n    retries 3\n    option redispatch 1\n    retry-on conn-failure\n    \
             option http-keep-alive\nfrontend town\n    bind 127.0.0.1:{port}\n    default_backend nodes\n\
             backend nodes\n    balance roundrobin\n    option httpchk GET /health\n    \
             http-check expect status 200\n    default-server inter 1s fall 2 rise 2\n{servers}"
        );
        let config_path = log.with_extension("haproxy.cfg");
        std::fs::write(&config_path, config)?;
        let log_file = std::fs::OpenOptions::new().create(true).append(true).open(log)?;
        let haproxy = if Path::new("/usr/sbin/haproxy").exists() {
            "/usr/sbin/haproxy"
        } else {
            "haproxy"
        };
        server.balancer = Some(
            Command::new(haproxy)
                .args(["-db", "-f"])
                .arg(&config_path)
                .stdout(Stdio::from(log_file.try_clone()?))
                .stderr(Stdio::from(log_file))
                .spawn()
                .map_err(|e| {
                    anyhow::anyhow!("haproxy did not start ({e}); Debian: apt-get install haproxy")
                })?,
        );
        wait_for_port(port, log)?;
        // Until its first health checks pass HAProxy has no node to send to.
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if answers_ok(port, "/health") {
                return Ok(server);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        anyhow::bail!(
            "HAProxy sent no request to a node within 30 s (see {})",
            log.display()
        )
    }

    pub fn is_cluster(&self) -> bool {
        self.nodes.len() > 1
    }

    pub fn port(&self) -> u16 {
        self.base
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0)
    }

    /// The first node's process (the one a profile follows).
    pub fn pid(&self) -> u32 {
        self.nodes[0].id()
    }

    /// Every process the setup runs: the nodes, and the balancer if there is one.
    pub fn pids(&self) -> Vec<u32> {
        self.nodes
            .iter()
            .chain(self.balancer.iter())
            .map(|c| c.id())
            .collect()
    }

    /// What the server holds now, for rows measured at rest (no CPU counted).
    pub fn cost_at_rest(&self) -> Cost {
        let memory = memory_of_all(&self.pids());
        Cost {
            peak_rss_mb: memory.rss as f64 / 1_048_576.0,
            peak_private_mb: memory.private as f64 / 1_048_576.0,
            cpu_cores: 0.0,
            database_cores: None,
        }
    }

    pub fn kill9(&mut self) {
        for child in self.nodes.iter_mut().chain(self.balancer.iter_mut()) {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn start_node(
    binary: &Path,
    database_url: &str,
    log: &Path,
    port: u16,
    public: &str,
) -> anyhow::Result<Child> {
    let log_file = std::fs::OpenOptions::new().create(true).append(true).open(log)?;
    let mut command = Command::new(binary);
    command
        .arg("serve")
        .env("DATABASE_URL", node_database_url(database_url))
        .env("PLENUM_BIND", format!("127.0.0.1:{port}"))
        .env("PLENUM_PUBLIC_URL", public)
        .env("PLENUM_SECRET_KEY", "benchmark-secret-key-0123456789abcdef0123")
        .env("PLENUM_DEFAULT_LOCALE", "en")
        .env("PLENUM_LOG", "warn")
        .env("PLENUM_FEDERATION_ALLOW_PRIVATE", "*")
        .stdout(Stdio::from(log_file.try_clone()?))
        .stderr(Stdio::from(log_file));
    Ok(command.spawn()?)
}

/// Whether `GET path` on the port answers 200 (one plain HTTP/1.0 request).
fn answers_ok(port: u16, path: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(format!("GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").as_bytes())
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.ends_with(b" 200")
}

fn wait_for_port(port: u16, log: &Path) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    anyhow::bail!(
        "nothing listens on port {port} after 60 s (see {})",
        log.display()
    )
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

/// The memory of several processes, added up.
fn memory_of_all(pids: &[u32]) -> Memory {
    pids.iter()
        .map(|pid| memory_of(*pid))
        .fold(Memory::default(), |a, m| Memory {
            rss: a.rss + m.rss,
            private: a.private + m.private,
        })
}

fn cpu_ticks_of_all(pids: &[u32]) -> u64 {
    pids.iter().map(|pid| cpu_ticks(*pid)).sum()
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

/// Samples the memory of a server's processes every 50 ms while a scenario runs.
pub struct Usage {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    peak_private: Arc<AtomicU64>,
    started: Instant,
    ticks_before: u64,
    pids: Vec<u32>,
    /// On PostgreSQL: the database, and its backends' CPU ticks at the start.
    database: Option<(String, std::collections::HashMap<u32, u64>)>,
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
    /// The same for the PostgreSQL backends serving the nodes (None on SQLite, where the
    /// database's work is inside Plenum's own CPU time).
    pub database_cores: Option<f64>,
}

impl Usage {
    pub fn watch(server: &Server) -> Usage {
        let mut usage = Usage::watch_pids(server.pids());
        usage.database = server.database_url.as_ref().and_then(|url| {
            let ticks = backend_pids(url)?
                .into_iter()
                .map(|pid| (pid, cpu_ticks(pid)))
                .collect();
            Some((url.clone(), ticks))
        });
        usage
    }

    pub fn watch_pids(pids: Vec<u32>) -> Usage {
        let stop = Arc::new(AtomicBool::new(false));
        let now = memory_of_all(&pids);
        let peak = Arc::new(AtomicU64::new(now.rss));
        let peak_private = Arc::new(AtomicU64::new(now.private));
        let (s, p, pp, watched) = (stop.clone(), peak.clone(), peak_private.clone(), pids.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                let now = memory_of_all(&watched);
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
            ticks_before: cpu_ticks_of_all(&pids),
            pids,
            database: None,
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
        let cpu = (cpu_ticks_of_all(&self.pids).saturating_sub(self.ticks_before)) as f64 / ticks_per_sec;
        let now = memory_of_all(&self.pids);
        // A backend that started within the window counts from its start (a connection opened
        // under load); one that ended within it is missed (the pool keeps its connections).
        let database_cores = self.database.as_ref().and_then(|(url, before)| {
            let ticks: u64 = backend_pids(url)?
                .into_iter()
                .map(|pid| cpu_ticks(pid).saturating_sub(before.get(&pid).copied().unwrap_or(0)))
                .sum();
            Some(if wall > 0.0 {
                ticks as f64 / ticks_per_sec / wall
            } else {
                0.0
            })
        });
        Cost {
            database_cores,
            peak_rss_mb: self.peak.load(Ordering::Relaxed).max(now.rss) as f64 / 1_048_576.0,
            peak_private_mb: self.peak_private.load(Ordering::Relaxed).max(now.private) as f64 / 1_048_576.0,
            cpu_cores: if wall > 0.0 { cpu / wall } else { 0.0 },
        }
    }
}
