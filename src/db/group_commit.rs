//! Group commit for SQLite: the writes waiting at the same moment share one transaction.
//!
//! SQLite has one writer. Run one transaction per write and a busy inbox spends its time in
//! `BEGIN`/`COMMIT` and in writing the same B-tree pages to the WAL again and again, one request
//! after the other, while the second core waits. Here one thread owns the writing connection: it
//! takes every write queued when it becomes free (up to [`MAX_BATCH`]), runs each in its own
//! savepoint inside one transaction, commits once, and only then answers each caller.
//!
//! What a caller sees is what a transaction of its own would give: its closure's changes are
//! kept if it returns `Ok` and undone (rollback to its savepoint) if it returns `Err`, other
//! writes never see half of it, and `Ok` is reported only after the commit that made it durable.
//! If the commit itself fails, every write of the batch gets the error and none is kept.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;

use diesel::Connection;
use tokio::sync::oneshot;

use super::{AnyConnection, AnyPool, DbError};

/// Most writes one transaction carries: enough to absorb a burst, small enough that the first
/// caller of a batch does not wait long for the last one.
const MAX_BATCH: usize = 64;

/// What a job leaves to do once the batch's fate is known: answer its caller.
type Answer = Box<dyn FnOnce(Result<(), String>) + Send>;
type Job = Box<dyn FnOnce(&mut AnyConnection) -> Answer + Send>;

/// The queue in front of the writing thread. Dropping the last handle ends the thread.
#[derive(Clone)]
pub struct GroupWriter {
    jobs: mpsc::Sender<Job>,
}

impl GroupWriter {
    /// Starts the thread that owns `pool`'s connection for writing.
    pub fn start(pool: AnyPool) -> GroupWriter {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("plenum-writer".into())
            .spawn(move || run(pool, queue))
            .expect("starting the database writer thread");
        GroupWriter { jobs }
    }

    /// Runs `f` in a transaction of its own (a savepoint in the shared one), answered after the
    /// commit.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T, E>>();
        let job: Job = Box::new(move |conn| {
            // Nested in the batch's transaction, diesel makes this a savepoint.
            let result = conn.transaction(|c| f(c));
            Box::new(move |committed| {
                let _ = reply.send(match committed {
                    Ok(()) => result,
                    Err(why) => Err(DbError::Task(why).into()),
                });
            })
        });
        self.jobs
            .send(job)
            .map_err(|_| DbError::Task("the database writer has stopped".into()))?;
        answer.await.unwrap_or_else(|_| {
            Err(DbError::Task("the database write did not run (see the server log)".into()).into())
        })
    }
}

fn run(pool: AnyPool, queue: mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut conn = match pool.get() {
            Ok(conn) => conn,
            Err(e) => {
                // Nothing ran: dropping the batch answers each caller that its write did not run.
                tracing::error!(error = %e, writes = batch.len(), "no database connection for writing");
                continue;
            }
        };
        let mut answers: Vec<Answer> = Vec::with_capacity(batch.len());
        let outcome = conn.run(|conn| {
            conn.transaction::<(), DbError, _>(|c| {
                for job in batch {
                    match catch_unwind(AssertUnwindSafe(|| job(c))) {
                        Ok(answer) => answers.push(answer),
                        // The batch is abandoned; the connection, left inside a savepoint, is seen as
                        // broken by the pool and closed, which rolls everything back.
                        Err(_) => return Err(DbError::Task("a database write panicked".into())),
                    }
                }
                Ok(())
            })
        });
        let outcome = outcome.map_err(|e| {
            tracing::error!(error = %e, writes = answers.len(), "a batch of writes was not committed");
            e.to_string()
        });
        for answer in answers {
            answer(outcome.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::db::testing::TestDatabase;
    use crate::db::Db;
    use crate::domain::{settings, Error};

    /// Many writes at once (batched together on SQLite): each is kept or undone on its own, and
    /// each caller hears the truth about its own write.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writes_are_each_all_or_nothing() {
        let database = TestDatabase::fresh();
        let db = Db::connect(&database.url).expect("connect");
        let mut writes = Vec::new();
        for n in 0..200 {
            let db = db.clone();
            writes.push(tokio::spawn(async move {
                db.write(move |conn| {
                    settings::set(conn, &format!("k{n}"), "written")?;
                    // Every third write changes its mind after writing: its row must not stay.
                    if n % 3 == 0 {
                        return Err(Error::NotFound);
                    }
                    Ok::<_, Error>(n)
                })
                .await
            }));
        }
        let mut answered_ok = 0;
        for (n, write) in writes.into_iter().enumerate() {
            match write.await.expect("task") {
                Ok(got) => {
                    assert_eq!(got, n);
                    answered_ok += 1;
                }
                Err(Error::NotFound) => assert_eq!(n % 3, 0),
                Err(other) => panic!("write {n}: {other}"),
            }
        }
        assert_eq!(answered_ok, 133);
        let stored = db
            .read(|conn| {
                (0..200)
                    .map(|n| Ok::<_, Error>((n, settings::get(conn, &format!("k{n}"))?)))
                    .collect::<Result<Vec<_>, _>>()
            })
            .await
            .expect("read");
        for (n, value) in stored {
            assert_eq!(value.is_some(), n % 3 != 0, "k{n}");
        }
    }

    /// A write that panics answers its caller with an error, and the writer goes on serving.
    #[tokio::test]
    async fn a_panicking_write_does_not_stop_the_writer() {
        let database = TestDatabase::fresh();
        let db = Db::connect(&database.url).expect("connect");
        let failed = db
            .write(|_conn| -> Result<(), Error> { panic!("a bug in a write") })
            .await;
        assert!(failed.is_err());
        db.write(|conn| settings::set(conn, "after", "yes"))
            .await
            .expect("the next write");
        let value = db.read(|conn| settings::get(conn, "after")).await.expect("read");
        assert_eq!(value.as_deref(), Some("yes"));
    }
}
