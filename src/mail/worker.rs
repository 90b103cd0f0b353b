//! The mail worker of a node: turns notifications into mail (at once, and digests at the hour),
//! notices phase dates, and sends what is due, with backoff on what can be retried. Every step
//! is a short transaction of its own and may run on several nodes at once: claims are leased,
//! and every mail has a unique key.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;

use super::notify::{self, Writer};
use super::store::{self, Claimed};
use super::transport::{self, Transport};
use crate::app::AppState;

/// Mails sent at the same time by one node.
const CONCURRENT_SENDS: usize = 4;
/// Notifications turned into mail per pass.
const NOTIFICATIONS_PER_PASS: i64 = 200;

/// Starts this node's mail worker. Without a transport configured, mail is still queued (staff
/// see it waiting) but not sent.
pub fn spawn_worker(state: Arc<AppState>) {
    let transport = match Transport::from_config(&state.config) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "mail: the transport cannot be set up; mail waits in the queue");
            None
        }
    };
    if transport.is_none() {
        tracing::warn!("mail: neither PLENUM_SMTP_URL nor PLENUM_MAIL_DIR is set; mail waits in the queue");
    }
    tokio::spawn(async move {
        let mut last_minute = None;
        loop {
            let at = Utc::now();
            // Digests and phase dates once a minute; notifications and sending every poll.
            let minute = at.timestamp() / 60;
            if last_minute != Some(minute) {
                last_minute = Some(minute);
                if let Err(e) = clock_passes(&state, at).await {
                    tracing::warn!(error = %e, "mail worker: a timed pass failed");
                }
            }
            if let Err(e) = notifications_pass(&state).await {
                tracing::warn!(error = %e, "mail worker: cannot read the notifications");
            }
            let sent = match &transport {
                Some(t) => send_due(&state, t).await.unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "mail worker: cannot read the queue");
                    0
                }),
                None => 0,
            };
            if sent == 0 {
                tokio::select! {
                    _ = state.mail_queued.notified() => {}
                    _ = tokio::time::sleep(state.config.mail.poll) => {}
                }
            }
        }
    });
}

/// The passes that depend on the clock, at `at`: phase dates, and digests when
/// `PLENUM_DIGEST_HOUR` is set.
async fn clock_passes(state: &Arc<AppState>, at: DateTime<Utc>) -> anyhow::Result<()> {
    phase_dates(state, at).await?;
    if let Some(hour) = state.config.mail.digest_hour {
        digests(state, at, hour).await?;
    }
    Ok(())
}

/// Raises the notifications of phase dates passed since the last pass (see [`super::schedule`]).
pub async fn phase_dates(state: &Arc<AppState>, at: DateTime<Utc>) -> anyhow::Result<usize> {
    let naive = at.naive_utc();
    Ok(state
        .db
        .write(move |conn| super::schedule::pass(conn, naive))
        .await?)
}

/// Queues a mail for each notification of people who want them at once.
pub async fn notifications_pass(state: &Arc<AppState>) -> anyhow::Result<usize> {
    let w = Writer::of(state);
    Ok(state
        .db
        .write(move |conn| notify::immediate(conn, &w, NOTIFICATIONS_PER_PASS))
        .await?)
}

/// Queues the digests due at `at` (the town's clock, after `hour`); one transaction per person.
/// Returns how many were queued. `plenum admin send-digests --at` and the tests call it with
/// their own clock.
pub async fn digests(state: &Arc<AppState>, at: DateTime<Utc>, hour: u32) -> anyhow::Result<usize> {
    let zone = state.config.timezone;
    let due = state
        .db
        .read(move |conn| notify::due_digests(conn, at, zone, hour))
        .await?;
    let mut queued = 0;
    for one in due {
        let w = Writer::of(state);
        let naive = at.naive_utc();
        if state
            .db
            .write(move |conn| notify::digest(conn, &w, &one, naive))
            .await?
        {
            queued += 1;
        }
    }
    if queued > 0 {
        state.mail_ready();
    }
    Ok(queued)
}

/// Sends one batch of due mails with the configured transport (for tests and the command
/// line; the worker keeps its transport). Returns how many it tried.
pub async fn run_once(state: &Arc<AppState>) -> anyhow::Result<usize> {
    notifications_pass(state).await?;
    match Transport::from_config(&state.config)? {
        Some(t) => send_due(state, &t).await,
        None => Ok(0),
    }
}

/// Claims due mails and sends them; records how each ended. Returns how many it tried.
pub async fn send_due(state: &Arc<AppState>, transport: &Transport) -> anyhow::Result<usize> {
    let lease = chrono::Duration::from_std(state.config.mail.timeout * 3 + Duration::from_secs(5))?;
    let batch = state
        .db
        .write(move |conn| store::claim(conn, CONCURRENT_SENDS as i64 * 4, lease))
        .await?;
    if batch.is_empty() {
        return Ok(0);
    }
    let from = transport::sender(&state.config)?;
    let domain = state.config.domain();
    let count = batch.len();
    futures::stream::iter(batch)
        .for_each_concurrent(CONCURRENT_SENDS, |mail| {
            let from = &from;
            let domain = &domain;
            async move {
                let outcome = transport.send(from, domain, &mail).await;
                if let Err(e) = record(state, &mail, outcome).await {
                    tracing::warn!(error = %e, mail = %mail.id, "cannot record how a mail's send ended");
                }
            }
        })
        .await;
    Ok(count)
}

async fn record(
    state: &Arc<AppState>,
    mail: &Claimed,
    outcome: Result<(), transport::Failed>,
) -> anyhow::Result<()> {
    let id = mail.id.clone();
    let attempts = mail.attempts;
    let base = state.config.mail.retry_base_secs;
    match &outcome {
        Ok(()) => tracing::info!(mail = %id, "mail sent"),
        Err(f) => {
            tracing::warn!(mail = %id, attempts, permanent = f.permanent, reason = %f.reason, "mail not sent")
        }
    }
    crate::metrics::record_mail(match &outcome {
        Ok(()) => "sent",
        Err(f) if f.permanent => "failed",
        Err(_) => "retried",
    });
    state
        .db
        .write(move |conn| match outcome {
            Ok(()) => store::mark_sent(conn, &id),
            Err(f) => {
                let delay = crate::federation::queue::backoff(base, attempts);
                let retry_at = crate::domain::now() + chrono::Duration::from_std(delay).unwrap_or_default();
                store::mark_failed(conn, &id, attempts, &f.reason, f.permanent, retry_at)
            }
        })
        .await?;
    Ok(())
}
