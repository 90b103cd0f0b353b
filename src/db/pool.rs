//! The connection pools' manager: a connection is tested with a ping only when it may be stale.
//!
//! r2d2's default tests every connection it hands out with `SELECT 1`: on PostgreSQL one more
//! round trip to the server for every request (a tenth of a list page's statements). A
//! connection returned a moment ago by a request that went well is as alive as that request
//! found it, so it is handed out as it is. It is pinged before use when it sat idle longer than
//! [`TRUSTED_FOR`] (one second) (the server may have closed it: a restart, an idle timeout), and when it is
//! given back after a failure, since the failure may have been the connection itself; a
//! connection that fails that ping is closed by the pool instead of failing the next request.

use std::ops::{Deref, DerefMut};
use std::time::{Duration, Instant};

use diesel::r2d2::{ConnectionManager, ManageConnection};

use super::AnyConnection;

/// How long a connection given back in good order is used without a ping.
pub const TRUSTED_FOR: Duration = Duration::from_secs(1);

/// A pooled connection with what the pool needs to know to trust it.
pub struct Checked {
    conn: AnyConnection,
    returned_at: Instant,
    /// The last use ended in an error: ping before it is trusted again.
    suspect: bool,
}

impl Checked {
    /// Runs `work` on the connection; a failure (a query error, a constraint, a missing row… or
    /// the connection itself) has it pinged when it is given back. Every use of a pooled
    /// connection goes through here, so none can skip that.
    pub fn run<T, E>(&mut self, work: impl FnOnce(&mut AnyConnection) -> Result<T, E>) -> Result<T, E> {
        let result = work(&mut self.conn);
        if result.is_err() {
            self.suspect = true;
        }
        result
    }

    fn trusted(&self, trusted_for: Duration) -> bool {
        !self.suspect && self.returned_at.elapsed() < trusted_for
    }
}

impl Deref for Checked {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl DerefMut for Checked {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }
}

/// Diesel's manager, with the ping kept for connections that may be stale.
pub struct Manager {
    diesel: ConnectionManager<AnyConnection>,
    trusted_for: Duration,
}

impl Manager {
    pub fn new(url: &str) -> Manager {
        Manager::trusting_for(url, TRUSTED_FOR)
    }

    /// With another trust period (tests make it long, so that what they check does not depend
    /// on the machine's speed).
    pub fn trusting_for(url: &str, trusted_for: Duration) -> Manager {
        Manager {
            diesel: ConnectionManager::new(url),
            trusted_for,
        }
    }
}

impl ManageConnection for Manager {
    type Connection = Checked;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<Checked, Self::Error> {
        Ok(Checked {
            conn: self.diesel.connect()?,
            returned_at: Instant::now(),
            suspect: false,
        })
    }

    fn is_valid(&self, checked: &mut Checked) -> Result<(), Self::Error> {
        if checked.trusted(self.trusted_for) {
            return Ok(());
        }
        self.diesel.is_valid(&mut checked.conn)?;
        checked.suspect = false;
        Ok(())
    }

    fn has_broken(&self, checked: &mut Checked) -> bool {
        if self.diesel.has_broken(&mut checked.conn) {
            return true;
        }
        if checked.suspect {
            if self.diesel.is_valid(&mut checked.conn).is_err() {
                return true;
            }
            checked.suspect = false;
        }
        checked.returned_at = Instant::now();
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::{test_backend, TestDatabase};
    use crate::db::{sqlite_path, Backend};
    use diesel::r2d2::Pool;
    use diesel::sql_types::Integer;
    use diesel::RunQueryDsl;

    fn one_connection_pool(url: &str) -> Pool<Manager> {
        Pool::builder()
            .max_size(1)
            .build(Manager::trusting_for(sqlite_path(url), Duration::from_secs(3600)))
            .expect("pool")
    }

    /// A use that failed for a reason of its own (here a missing table) leaves a live
    /// connection: the ping on its return finds it well and the pool keeps it (the temporary
    /// table, which lives as long as the connection, is still there).
    #[test]
    fn a_live_connection_is_kept_after_a_failed_query() {
        let database = TestDatabase::fresh_on(test_backend());
        let pool = one_connection_pool(&database.url);
        {
            let mut conn = pool.get().expect("conn");
            diesel::sql_query("CREATE TEMPORARY TABLE kept (n INTEGER)")
                .execute(&mut **conn)
                .expect("temporary table");
            let failed = conn.run(|c| diesel::sql_query("SELECT * FROM no_such_table").execute(c));
            assert!(failed.is_err());
        }
        let mut conn = pool.get().expect("conn again");
        diesel::sql_query("SELECT * FROM kept")
            .execute(&mut **conn)
            .expect("the same connection, with its temporary table");
    }

    /// A connection whose server side went away is not handed out again after the request that
    /// found it broken: the ping on its return closes it, and the next request gets a new one.
    /// PostgreSQL only (an SQLite file cannot go away under its connection), in both suites.
    #[test]
    fn a_connection_found_broken_is_replaced_not_handed_out_again() {
        let database = TestDatabase::fresh_on(Backend::Postgres);
        let pool = one_connection_pool(&database.url);
        let backend_pid = |conn: &mut AnyConnection| -> i32 {
            diesel::select(diesel::dsl::sql::<Integer>("pg_backend_pid()"))
                .get_result(conn)
                .expect("pid")
        };
        let pid = backend_pid(&mut pool.get().expect("conn"));
        // The server ends that backend, as a restart or an operator would.
        let mut other = Manager::new(&database.url).connect().expect("second connection");
        diesel::sql_query(format!("SELECT pg_terminate_backend({pid})"))
            .execute(&mut *other)
            .expect("terminate");
        {
            let mut conn = pool.get().expect("handed out without a ping: it was trusted");
            let failed = conn.run(|c| diesel::sql_query("SELECT 1").execute(c));
            assert!(failed.is_err(), "the terminated backend cannot answer");
        }
        let new_pid = backend_pid(&mut pool.get().expect("a new connection"));
        assert_ne!(new_pid, pid);
    }
}
