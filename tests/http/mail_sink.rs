//! A real SMTP server for the mail tests: `federation-tests/mail/smtp_sink.py` (aiosmtpd) on a
//! free port of loopback, storing what it accepts in a temporary folder, told by a file how to
//! answer (accept, 4xx, 5xx, hang, slow). Messages are read back with `mail-parser`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mail_parser::MessageParser;

/// The Python with aiosmtpd: Debian's `python3-aiosmtpd` lives beside `/usr/bin/python3`
/// (`.ci/setup` installs it); `PLENUM_TEST_PYTHON` names another.
fn python() -> String {
    std::env::var("PLENUM_TEST_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into())
}

pub struct SmtpSink {
    pub port: u16,
    pub dir: PathBuf,
    child: Option<Child>,
}

/// One message as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    pub raw: String,
    /// The envelope's recipients, as the server saw them.
    pub rcpt_to: String,
    pub subject: String,
    pub to: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
    /// Every header name, as written.
    pub header_names: Vec<String>,
    pub list_unsubscribe: Option<String>,
    pub list_unsubscribe_post: Option<String>,
}

/// A free port on loopback (bound, read, released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl SmtpSink {
    /// A sink listening now.
    pub fn start() -> SmtpSink {
        let mut sink = SmtpSink::stopped();
        sink.up();
        sink
    }

    /// A sink with its port and folder chosen but not listening yet (the server is down).
    pub fn stopped() -> SmtpSink {
        let dir = std::env::temp_dir().join(format!("plenum-sink-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("sink folder");
        SmtpSink {
            port: free_port(),
            dir,
            child: None,
        }
    }

    /// Starts listening (again) on the same port and folder.
    pub fn up(&mut self) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("federation-tests/mail/smtp_sink.py");
        let mut child = Command::new(python())
            .arg(script)
            .arg(self.port.to_string())
            .arg(&self.dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the SMTP sink (Debian: python3-aiosmtpd)");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).expect("sink output");
        assert_eq!(line.trim(), "ready", "the SMTP sink did not start");
        self.child = Some(child);
    }

    /// Stops listening: connections are refused.
    pub fn down(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// How the sink answers from now on: `ok`, `4xx`, `5xx`, `hang`, `slow:300`.
    pub fn set_mode(&self, mode: &str) {
        std::fs::write(self.dir.join("mode"), mode).expect("sink mode");
    }

    /// `smtp://127.0.0.1:PORT`: plain SMTP on loopback.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message stored so far, in arrival order.
    pub fn messages(&self) -> Vec<Received> {
        read_folder(&self.dir)
    }

    /// Waits (polling, up to `within`) until at least `count` messages arrived.
    pub fn wait_for(&self, count: usize, within: Duration) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let got = self.messages();
            if got.len() >= count || start.elapsed() > within {
                return got;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.down();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The `.eml` files of a folder (the sink's, or `PLENUM_MAIL_DIR`), parsed, by name.
pub fn read_folder(dir: &Path) -> Vec<Received> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
        .iter()
        .map(|p| parse(&std::fs::read(p).expect("read a message")))
        .collect()
}

pub fn parse(bytes: &[u8]) -> Received {
    let message = MessageParser::default().parse(bytes).expect("a parsable message");
    let header = |name: &str| message.header_raw(name).map(|v| v.trim().to_string());
    Received {
        raw: String::from_utf8_lossy(bytes).to_string(),
        rcpt_to: header("X-Sink-Rcpt-To").unwrap_or_default(),
        subject: message.subject().unwrap_or_default().to_string(),
        to: message
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_string(),
        message_id: message.message_id().unwrap_or_default().to_string(),
        text: message.body_text(0).map(|t| t.to_string()).unwrap_or_default(),
        html: message.body_html(0).map(|t| t.to_string()).unwrap_or_default(),
        header_names: message.headers().iter().map(|h| h.name().to_string()).collect(),
        list_unsubscribe: header("List-Unsubscribe"),
        list_unsubscribe_post: header("List-Unsubscribe-Post"),
    }
}
