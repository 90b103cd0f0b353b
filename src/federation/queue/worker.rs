//! The delivery workers: claim due deliveries, sign and send them, record how each ended, and
//! retry with backoff.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use activitypub_federation::activity_sending::SendActivityTask;
use activitypub_federation::config::Data;
use activitypub_federation::traits::Activity;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use futures::StreamExt;
use serde_json::Value;
use url::Url;

use super::{CLAIM_SECS, CONCURRENT_SENDS, MAX_ATTEMPTS, STATE_REFUSED, STATE_SKIPPED};
use crate::app::AppState;
use crate::db::queue::{self, LeasedQueue};
use crate::db::schema::{deliveries, outbound_activities};
use crate::db::AnyConnection;
use crate::domain::{now, Result};
use crate::federation::actors::LocalSigner;
use crate::federation::deliver::{self, SigningKey};
use crate::federation::error::FedError;
use crate::federation::keys::{self, Owner};
use crate::federation::FedState;

/// Delay before attempt `attempts + 1`: base × 3^(attempts − 1), at most a day.
pub fn backoff(base_secs: u64, attempts: i32) -> Duration {
    let factor = 3u64.saturating_pow((attempts.max(1) - 1) as u32);
    Duration::from_secs(base_secs.saturating_mul(factor).min(86_400))
}

#[derive(Debug, Clone)]
struct Claimed {
    id: String,
    inbox: String,
    attempts: i32,
    body: String,
    ap_id: String,
    signer_kind: String,
    signer_id: String,
    /// The peers this activity is for ([`super::forms`]); `None` for every peer.
    form: Option<String>,
}

/// A delivery is due while pending (a claimed one keeps that state until it ends).
pub(super) const QUEUE: LeasedQueue = LeasedQueue {
    table: "deliveries",
    due_states: "'pending'",
};

/// Reserves up to `limit` due deliveries for this worker.
fn claim(conn: &mut AnyConnection, limit: i64) -> Result<Vec<Claimed>> {
    let at = now();
    let ids = queue::due_ids(conn, &QUEUE, at, limit)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(deliveries::table.filter(deliveries::id.eq_any(&ids)))
        .set(deliveries::locked_until.eq(at + chrono::Duration::seconds(CLAIM_SECS)))
        .execute(conn)?;
    type ClaimedRow = (
        String,
        String,
        i32,
        String,
        String,
        String,
        String,
        Option<String>,
    );
    let rows: Vec<ClaimedRow> = deliveries::table
        .inner_join(outbound_activities::table)
        .filter(deliveries::id.eq_any(&ids))
        .select((
            deliveries::id,
            deliveries::inbox,
            deliveries::attempts,
            outbound_activities::body,
            outbound_activities::ap_id,
            outbound_activities::signer_kind,
            outbound_activities::signer_id,
            outbound_activities::form,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, inbox, attempts, body, ap_id, signer_kind, signer_id, form)| Claimed {
                id,
                inbox,
                attempts,
                body,
                ap_id,
                signer_kind,
                signer_id,
                form,
            },
        )
        .collect())
}

fn mark_delivered(conn: &mut AnyConnection, id: &str) -> Result<()> {
    diesel::update(deliveries::table.filter(deliveries::id.eq(id)))
        .set((
            deliveries::state.eq("delivered"),
            deliveries::delivered_at.eq(Some(now())),
            deliveries::locked_until.eq(None::<NaiveDateTime>),
            deliveries::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// A delivery that was not sent because its peer takes the activity's other form: nothing
/// went wrong, and nothing is retried.
fn mark_skipped(conn: &mut AnyConnection, id: &str, reason: &str) -> Result<()> {
    diesel::update(deliveries::table.filter(deliveries::id.eq(id)))
        .set((
            deliveries::state.eq(STATE_SKIPPED),
            deliveries::locked_until.eq(None::<NaiveDateTime>),
            deliveries::last_error.eq(Some(reason)),
        ))
        .execute(conn)?;
    Ok(())
}

/// How one send ended.
#[derive(Debug)]
enum Outcome {
    Delivered,
    /// Not sent: the peer takes the other form.
    Skipped(String),
    Failed(deliver::Failed),
}

fn mark_failed(
    conn: &mut AnyConnection,
    id: &str,
    attempts: i32,
    failed: &deliver::Failed,
    base_secs: u64,
) -> Result<()> {
    let attempts = attempts + 1;
    let give_up = failed.permanent || attempts >= MAX_ATTEMPTS;
    let next = now() + chrono::Duration::from_std(backoff(base_secs, attempts)).unwrap_or_default();
    let error: String = failed.reason.chars().take(500).collect();
    let state = if failed.refused {
        STATE_REFUSED
    } else if give_up {
        "failed"
    } else {
        "pending"
    };
    diesel::update(deliveries::table.filter(deliveries::id.eq(id)))
        .set((
            deliveries::state.eq(state),
            deliveries::attempts.eq(attempts),
            deliveries::next_attempt_at.eq(next),
            deliveries::locked_until.eq(None::<NaiveDateTime>),
            deliveries::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    Ok(())
}

/// An activity as stored, handed to the crate to sign and send.
#[derive(Debug)]
struct StoredActivity {
    id: Url,
    actor: Url,
    body: Value,
}

impl serde::Serialize for StoredActivity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.body.serialize(s)
    }
}

#[async_trait::async_trait]
impl Activity for StoredActivity {
    type DataType = FedState;
    type Error = FedError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        &self.actor
    }

    async fn verify(&self, _data: &Data<FedState>) -> std::result::Result<(), FedError> {
        Err(FedError::bad("outgoing activity"))
    }

    async fn receive(self, _data: &Data<FedState>) -> std::result::Result<(), FedError> {
        Err(FedError::bad("outgoing activity"))
    }
}

/// Starts this node's delivery worker.
pub fn spawn_worker(state: Arc<AppState>) {
    tokio::spawn(async move {
        loop {
            match run_once(&state).await {
                Ok(0) => {
                    tokio::select! {
                        _ = state.deliveries_queued.notified() => {}
                        _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "delivery worker: cannot read the queue");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
            }
        }
    });
}

/// Claims and sends one batch; returns how many deliveries it handled.
pub async fn run_once(state: &Arc<AppState>) -> anyhow::Result<usize> {
    let batch = state
        .db
        .write(|conn| claim(conn, CONCURRENT_SENDS as i64 * 2))
        .await?;
    if batch.is_empty() {
        return Ok(0);
    }
    let data = crate::federation::data(state).await?;
    let mut signers: HashMap<(String, String), (LocalSigner, SigningKey)> = HashMap::new();
    for item in &batch {
        let key = (item.signer_kind.clone(), item.signer_id.clone());
        if signers.contains_key(&key) {
            continue;
        }
        if let Some(signer) = load_signer(state, &item.signer_kind, &item.signer_id, &item.body).await? {
            signers.insert(key, signer);
        }
    }
    let count = batch.len();
    let base_secs = state.config.delivery_retry_base_secs;
    futures::stream::iter(batch)
        .for_each_concurrent(CONCURRENT_SENDS, |item| {
            let signer = signers
                .get(&(item.signer_kind.clone(), item.signer_id.clone()))
                .cloned();
            let data = &data;
            async move {
                let outcome = match &item.form {
                    Some(form) => {
                        let takes = crate::federation::forms::form_of_inbox(state, &item.inbox).await;
                        if takes == form {
                            None
                        } else {
                            Some(Outcome::Skipped(format!(
                                "not sent: this peer takes the {takes} form, this is the {form} one"
                            )))
                        }
                    }
                    None => None,
                };
                let outcome = match outcome {
                    Some(skipped) => skipped,
                    None => match send(data, state, signer, &item).await {
                        Ok(()) => Outcome::Delivered,
                        Err(failed) => Outcome::Failed(failed),
                    },
                };
                crate::metrics::record_delivery(match &outcome {
                    Outcome::Delivered => "delivered",
                    Outcome::Skipped(_) => "skipped",
                    Outcome::Failed(failed) if failed.refused => "refused",
                    Outcome::Failed(_) => "failed",
                });
                let id = item.id.clone();
                let attempts = item.attempts;
                let result = state
                    .db
                    .write(move |conn| match &outcome {
                        Outcome::Delivered => mark_delivered(conn, &id),
                        Outcome::Skipped(reason) => mark_skipped(conn, &id, reason),
                        Outcome::Failed(failed) => mark_failed(conn, &id, attempts, failed, base_secs),
                    })
                    .await;
                if let Err(e) = result {
                    tracing::warn!(error = %e, delivery = %item.id, "cannot record a delivery outcome");
                }
            }
        })
        .await;
    Ok(count)
}

async fn load_signer(
    state: &Arc<AppState>,
    kind: &str,
    owner_id: &str,
    body: &str,
) -> anyhow::Result<Option<(LocalSigner, SigningKey)>> {
    let Some(owner) = Owner::parse(kind) else {
        return Ok(None);
    };
    let actor: Value = serde_json::from_str(body)?;
    let Some(actor_id) = actor["actor"].as_str().and_then(|a| Url::parse(a).ok()) else {
        return Ok(None);
    };
    let owner_id = owner_id.to_string();
    let pair = state
        .db
        .write(move |conn| keys::for_owner(conn, owner, &owner_id))
        .await?;
    let key = SigningKey::from_pem(actor_id.clone(), &pair.private_pem).map_err(anyhow::Error::msg)?;
    Ok(Some((
        LocalSigner {
            id: actor_id,
            public_pem: pair.public_pem,
            private_pem: pair.private_pem,
        },
        key,
    )))
}

fn given_up(reason: impl ToString) -> deliver::Failed {
    deliver::Failed {
        reason: reason.to_string(),
        permanent: true,
        refused: false,
    }
}

/// Signs and sends one delivery. The error says whether retrying could help.
async fn send(
    data: &Data<FedState>,
    state: &AppState,
    signer: Option<(LocalSigner, SigningKey)>,
    item: &Claimed,
) -> std::result::Result<(), deliver::Failed> {
    let (signer, key) = signer.ok_or_else(|| given_up("no key to sign with"))?;
    let inbox = Url::parse(&item.inbox).map_err(|e| given_up(format!("bad inbox address: {e}")))?;
    let body: Value = serde_json::from_str(&item.body).map_err(given_up)?;
    let id = Url::parse(&item.ap_id).map_err(given_up)?;
    let activity = StoredActivity {
        id,
        actor: signer.id.clone(),
        body,
    };
    // The crate decides whether this inbox may be sent to at all (local, private, refused).
    let tasks = SendActivityTask::prepare(&activity, &signer, vec![inbox.clone()], data)
        .await
        .map_err(given_up)?;
    if tasks.is_empty() {
        return Err(given_up("inbox address refused (private, local or invalid)"));
    }
    deliver::post(state, &key, &inbox, item.body.clone().into_bytes()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_threefold_to_a_day_and_gives_up_after_about_four_days() {
        assert_eq!(backoff(10, 1), Duration::from_secs(10));
        assert_eq!(backoff(10, 2), Duration::from_secs(30));
        assert_eq!(backoff(10, 3), Duration::from_secs(90));
        assert_eq!(backoff(10, 30), Duration::from_secs(86_400));
        let total: u64 = (1..MAX_ATTEMPTS).map(|n| backoff(10, n).as_secs()).sum();
        assert!(total >= 2 * 86_400, "retries span at least two days: {total} s");
        assert!(total <= 5 * 86_400, "and give up within five: {total} s");
    }
}
