//! `kill -9` of a `plenum serve` process while mail is queued: after a restart every mail
//! arrives exactly once at a real SMTP server (the lease of the killed node's claims expires,
//! and what it had sent is marked so).

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use diesel::prelude::*;

use plenum::db::schema::mails;
use plenum::mail::{self, Mail};

use crate::common::TestApp;
use crate::mail_sink::{free_port, SmtpSink};

const MAILS: usize = 12;

/// A node of the town, on its database, sending to `sink` (1 s timeout: a claim's lease is 8 s).
fn serve(database_url: &str, sink: &SmtpSink) -> Child {
    Command::new(env!("CARGO_BIN_EXE_plenum"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("PLENUM_BIND", format!("127.0.0.1:{}", free_port()))
        .env("PLENUM_SECRET_KEY", "k".repeat(40))
        .env("PLENUM_SMTP_URL", sink.url())
        .env("PLENUM_MAIL_TIMEOUT_SECS", "1")
        .env("PLENUM_MAIL_POLL_MS", "100")
        .env("PLENUM_MAIL_RETRY_BASE_SECS", "1")
        .env("PLENUM_DIGEST_HOUR", "off")
        .env_remove("PLENUM_MAIL_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("target/debug/plenum starts")
}

#[tokio::test]
async fn mail_queued_when_a_node_is_killed_is_delivered_exactly_once_after_restart() {
    let sink = SmtpSink::start();
    // Slow answers, so the kill lands while mail is still queued or on its way.
    sink.set_mode("slow:400");
    let app = TestApp::new().await;
    for i in 0..MAILS {
        let mail = Mail {
            to: format!("person{i}@example.org"),
            to_name: None,
            user_id: None,
            locale: "en".into(),
            kind: "test".into(),
            subject: format!("Mail {i}"),
            text: "Hello".into(),
            html: "<p>Hello</p>".into(),
            list_unsubscribe: None,
            dedupe_key: format!("restart:{i}"),
        };
        app.state
            .db
            .write(move |c| mail::queue(c, &mail))
            .await
            .expect("queued");
    }
    let url = app.state.config.database_url.clone();
    let mut node = serve(&url, &sink);
    let before = sink.wait_for(2, Duration::from_secs(60)).len();
    // Past the instant those were marked sent, while the next ones wait for their answer.
    std::thread::sleep(Duration::from_millis(150));
    node.kill().expect("SIGKILL");
    node.wait().expect("reaped");
    let at_kill = sink.messages().len();
    assert!(before >= 2, "the first node sent some mail before it was killed");
    assert!(
        at_kill < MAILS,
        "killed while mail was still queued ({at_kill} sent)"
    );

    sink.set_mode("ok");
    let mut node = serve(&url, &sink);
    let got = sink.wait_for(MAILS, Duration::from_secs(60));
    // Long enough for a repeat to show, were there one.
    std::thread::sleep(Duration::from_secs(2));
    let got = if got.len() >= MAILS { sink.messages() } else { got };
    node.kill().expect("SIGKILL");
    node.wait().expect("reaped");

    let mut arrivals: BTreeMap<String, usize> = BTreeMap::new();
    for m in &got {
        *arrivals.entry(m.subject.clone()).or_default() += 1;
    }
    assert_eq!(arrivals.len(), MAILS, "every mail arrived: {arrivals:?}");
    assert!(arrivals.values().all(|n| *n == 1), "each once: {arrivals:?}");
    let states: Vec<String> = app
        .state
        .db
        .read(|c| Ok::<_, plenum::domain::Error>(mails::table.select(mails::state).load(c)?))
        .await
        .expect("states");
    assert!(states.iter().all(|s| s == "sent"), "{states:?}");
}
