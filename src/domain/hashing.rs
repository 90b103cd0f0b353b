//! A bound on password hashing. Each argon2 run takes 19 MiB and a core for tens of
//! milliseconds: unbounded, a burst of sign-ins filled tokio's 512 blocking threads, pushed the
//! server past a gigabyte and starved every other request. Here at most `slots` run at once, each
//! in a working buffer that is reused rather than allocated anew, and a request that cannot get a
//! slot soon is told to come back (503) instead of queueing without end.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::Block;
use tokio::sync::Semaphore;

use super::{password, Error, Result};

#[derive(Clone)]
pub struct HashGate {
    inner: Arc<Inner>,
}

struct Inner {
    slots: usize,
    permits: Arc<Semaphore>,
    wait: Duration,
    /// Working memory of idle slots: never more buffers than slots.
    memory: Mutex<Vec<Vec<Block>>>,
    running: AtomicUsize,
    peak: AtomicUsize,
    completed: AtomicUsize,
}

impl HashGate {
    /// At most `slots` hashes at once (at least one); a request waits at most `wait` for a slot.
    pub fn new(slots: usize, wait: Duration) -> HashGate {
        let slots = slots.max(1);
        HashGate {
            inner: Arc::new(Inner {
                slots,
                permits: Arc::new(Semaphore::new(slots)),
                wait,
                memory: Mutex::new(Vec::with_capacity(slots)),
                running: AtomicUsize::new(0),
                peak: AtomicUsize::new(0),
                completed: AtomicUsize::new(0),
            }),
        }
    }

    /// A new password's hash.
    pub async fn hash(&self, password: String) -> Result<String> {
        self.run(move |memory| password::hash_with(&password, memory))
            .await
    }

    /// Whether `password` matches `stored`. With no stored hash (no such account) a hash is
    /// still computed, so that the time taken does not tell which addresses have accounts.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool> {
        self.run(move |memory| match stored {
            Some(hash) => password::verify_with(&password, &hash, memory),
            None => {
                password::verify_with(&password, &DUMMY_HASH, memory);
                false
            }
        })
        .await
    }

    /// How many hashing slots there are.
    pub fn slots(&self) -> usize {
        self.inner.slots
    }

    /// The most hashes that ran at the same moment since start (for tests and monitoring).
    pub fn peak(&self) -> usize {
        self.inner.peak.load(Ordering::SeqCst)
    }

    /// Hashes computed since start.
    pub fn completed(&self) -> usize {
        self.inner.completed.load(Ordering::SeqCst)
    }

    async fn run<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut [Block]) -> T + Send + 'static,
    {
        let acquire = self.inner.permits.clone().acquire_owned();
        let permit = match tokio::time::timeout(self.inner.wait, acquire).await {
            Ok(Ok(permit)) => permit,
            _ => {
                return Err(Error::Busy {
                    retry_after_secs: self.inner.wait.as_secs().max(1) as i64,
                })
            }
        };
        let inner = self.inner.clone();
        // The slot is held by the blocking task, not the request: a request abandoned while its
        // hash runs keeps the slot until the hash is done, so the bound holds for what runs.
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let _running = Running::start(&inner);
            let mut memory = inner
                .memory
                .lock()
                .map(|mut idle| idle.pop())
                .unwrap_or(None)
                .unwrap_or_else(password::memory);
            let out = job(&mut memory);
            if let Ok(mut idle) = inner.memory.lock() {
                idle.push(memory);
            }
            inner.completed.fetch_add(1, Ordering::SeqCst);
            out
        })
        .await
        .map_err(|e| Error::Db(crate::db::DbError::Task(e.to_string())))
    }
}

/// Counts a hash as running for as long as it lives (also when the hash panics).
struct Running<'a>(&'a Inner);

impl<'a> Running<'a> {
    fn start(inner: &'a Inner) -> Running<'a> {
        let now = inner.running.fetch_add(1, Ordering::SeqCst) + 1;
        inner.peak.fetch_max(now, Ordering::SeqCst);
        Running(inner)
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A real argon2id hash, verified against when the account does not exist, so that the answer
/// takes as long either way.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| password::hash(&super::sessions::new_secret()));

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_hashes_run_at_once_than_there_are_slots() {
        let gate = HashGate::new(2, Duration::from_secs(60));
        let stored = password::hash("correct horse battery");
        let checks: Vec<_> = (0..8)
            .map(|i| {
                let (gate, stored) = (gate.clone(), stored.clone());
                tokio::spawn(async move {
                    let guess = if i == 0 { "correct horse battery" } else { "wrong" };
                    gate.verify(guess.into(), Some(stored)).await
                })
            })
            .collect();
        let mut matched = 0;
        for check in checks {
            matched += check.await.unwrap().unwrap() as usize;
        }
        assert_eq!(matched, 1);
        assert_eq!(gate.completed(), 8);
        assert!(gate.peak() <= 2, "peak {}", gate.peak());
        assert!(
            gate.inner.memory.lock().unwrap().len() <= 2,
            "one buffer per slot at most"
        );
    }

    #[tokio::test]
    async fn a_request_that_waits_too_long_for_a_slot_is_told_to_retry() {
        let gate = HashGate::new(1, Duration::from_millis(50));
        let held = gate.inner.permits.clone().acquire_owned().await.unwrap();
        let refused = gate.hash("some long password".into()).await;
        assert!(matches!(refused, Err(Error::Busy { retry_after_secs: 1 })));
        drop(held);
        assert!(gate.hash("some long password".into()).await.is_ok());
    }
}
