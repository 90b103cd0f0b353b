//! Database access: one connection type over SQLite and PostgreSQL, chosen at run time from the URL.
//!
//! Everything backend-specific lives in this folder. The rest of the code sees [`Db`], which runs
//! closures on a pooled [`AnyConnection`] off the async runtime (diesel is blocking).

pub mod backup;
pub mod error;
mod group_commit;
mod pool;
pub mod queue;
pub mod schema;
pub mod testing;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{CustomizeConnection, Pool};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub use error::DbError;

/// A connection to whichever backend `DATABASE_URL` names.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Which engine a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// `sqlite://path`, `sqlite:path` and a bare path all name an SQLite file.
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

type AnyPool = Pool<pool::Manager>;

/// Settings applied to every SQLite connection: WAL lets readers run beside the writer, the busy
/// timeout makes a second process (CLI, backup) wait instead of failing, and foreign keys are off
/// by default in SQLite.
///
/// Reads go through a memory map of the database file (`mmap_size`, `PLENUM_SQLITE_MMAP_MB`,
/// 256 by default, 0 to turn it off). In WAL mode every commit empties each reading
/// connection's own page cache, and a list page then reads its twenty rows again with `pread`
/// (a third of the server's time in the list profile); mapped, they are read in place from the
/// operating system's page cache. The mapped pages count in the process's RSS (once per
/// connection that touched them) though they are the file's cached pages, shared and
/// reclaimable; `docs/performance.md` shows both figures.
#[derive(Debug, Clone)]
struct SqlitePragmas {
    mmap_bytes: u64,
}

impl SqlitePragmas {
    fn from_env() -> SqlitePragmas {
        let mb = std::env::var("PLENUM_SQLITE_MMAP_MB")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(256);
        SqlitePragmas {
            mmap_bytes: mb * 1024 * 1024,
        }
    }
}

impl CustomizeConnection<pool::Checked, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut pool::Checked) -> Result<(), diesel::r2d2::Error> {
        if let AnyConnection::Sqlite(c) = &mut **conn {
            c.batch_execute(&format!(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA mmap_size = {}; \
                 PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;",
                self.mmap_bytes
            ))
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// The database handle shared by every request.
///
/// SQLite allows one writer at a time: writes go through a pool of one connection so they queue in
/// the process instead of failing with `SQLITE_BUSY`; reads use a larger pool. On PostgreSQL both
/// are the same pool.
#[derive(Clone)]
pub struct Db {
    readers: AnyPool,
    writers: AnyPool,
    /// SQLite only: the thread that owns the writing connection and commits queued writes
    /// together (see `group_commit`).
    group: Option<group_commit::GroupWriter>,
    backend: Backend,
}

impl Db {
    /// Opens the pools and applies pending migrations.
    pub fn connect(url: &str) -> Result<Db, DbError> {
        let backend = Backend::of_url(url);
        let db = match backend {
            Backend::Postgres => {
                let pool = Pool::builder()
                    .max_size(16)
                    .connection_timeout(Duration::from_secs(10))
                    .build(pool::Manager::new(url))?;
                // Each node's writes go straight to PostgreSQL, which commits concurrent
                // transactions side by side.
                Db {
                    readers: pool.clone(),
                    writers: pool,
                    group: None,
                    backend,
                }
            }
            Backend::Sqlite => {
                configure_sqlite_library();
                let pragmas = SqlitePragmas::from_env();
                let manager = || pool::Manager::new(sqlite_path(url));
                // The writer pool is built first so that it creates the file and switches it to WAL
                // before readers open it.
                let writers = Pool::builder()
                    .max_size(1)
                    .connection_timeout(Duration::from_secs(30))
                    .connection_customizer(Box::new(pragmas.clone()))
                    .build(manager())?;
                // Four readers keep both cores busy (a read holds its connection only while
                // SQLite runs), and each reader maps the file once more (see `SqlitePragmas`).
                let readers = Pool::builder()
                    .max_size(4)
                    .min_idle(Some(1))
                    .connection_timeout(Duration::from_secs(10))
                    .connection_customizer(Box::new(pragmas))
                    .build(manager())?;
                Db {
                    readers,
                    group: Some(group_commit::GroupWriter::start(writers.clone())),
                    writers,
                    backend,
                }
            }
        };
        db.migrate()?;
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether this node can serve: the database answers and has every migration this binary
    /// knows (a node started before an upgrade's migration ran is not ready for the new code's
    /// queries, nor the new node for an old schema).
    pub async fn ready(&self) -> Result<(), DbError> {
        self.read(|conn| {
            let pending = match conn {
                AnyConnection::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
                AnyConnection::Postgresql(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
            }
            .map_err(|e| DbError::Migration(e.to_string()))?;
            if pending {
                return Err(DbError::Migration("migrations not applied yet".into()));
            }
            Ok(())
        })
        .await
    }

    /// Each pool's size and idle connections, for the metrics: `(pool, connections, idle)`.
    /// On PostgreSQL readers and writers are one pool.
    pub fn pool_state(&self) -> Vec<(&'static str, u32, u32)> {
        let readers = self.readers.state();
        let mut pools = vec![("readers", readers.connections, readers.idle_connections)];
        if self.backend == Backend::Sqlite {
            let writers = self.writers.state();
            pools.push(("writer", writers.connections, writers.idle_connections));
        }
        pools
    }

    fn migrate(&self) -> Result<(), DbError> {
        let mut conn = self.writers.get()?;
        let result = match &mut **conn {
            AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
            AnyConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
        };
        result.map_err(|e| DbError::Migration(e.to_string()))
    }

    /// Runs `f` on a reading connection, off the async runtime.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
    {
        let pool = self.readers.clone();
        run_blocking(move || pool.get().map_err(DbError::from)?.run(f)).await
    }

    /// Runs `f` inside one transaction on a writing connection, off the async runtime.
    /// The transaction commits when `f` returns `Ok` and rolls back otherwise; `Ok` is returned
    /// once it is committed.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
    {
        if let Some(group) = &self.group {
            return group.write(f).await;
        }
        let pool = self.writers.clone();
        run_blocking(move || {
            pool.get()
                .map_err(DbError::from)?
                .run(|c| c.transaction(|c| f(c)))
        })
        .await
    }

    /// Blocking variant of [`Db::write`] for the command line and tests outside a runtime.
    pub fn write_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        E: From<DbError> + From<diesel::result::Error>,
        F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    {
        self.writers
            .get()
            .map_err(DbError::from)?
            .run(|c| c.transaction(|c| f(c)))
    }

    /// Blocking variant of [`Db::read`].
    pub fn read_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        E: From<DbError>,
        F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    {
        self.readers.get().map_err(DbError::from)?.run(f)
    }
}

/// Process-wide SQLite settings, applied once before the first connection opens (SQLite refuses
/// them afterwards, and then keeps its defaults: slower, never wrong).
///
/// - Multi-thread mode instead of serialized: a diesel connection is only ever used by one
///   thread at a time, so SQLite's lock around every call on a connection is pure cost.
/// - No memory statistics: with them on (the bundled build's default) every allocation SQLite
///   makes takes one global mutex, which the reading threads of a busy list page fight over.
/// - Every connection opened from then on gets [`stable_query_plans`].
fn configure_sqlite_library() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use libsqlite3_sys::{
            sqlite3_auto_extension, sqlite3_config, SQLITE_CONFIG_MEMSTATUS, SQLITE_CONFIG_MULTITHREAD,
            SQLITE_OK,
        };
        // SAFETY: both options take the documented arguments (none; one int). Inside
        // `call_once` on the first SQLite `connect`, before any connection is opened: the server
        // uses SQLite only through `Db` (the `backup` command opens its own, in its own process).
        let (threads, memstatus) = unsafe {
            (
                sqlite3_config(SQLITE_CONFIG_MULTITHREAD),
                sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0 as std::os::raw::c_int),
            )
        };
        if threads != SQLITE_OK || memstatus != SQLITE_OK {
            tracing::info!(
                threads,
                memstatus,
                "SQLite was already in use: its default settings stay"
            );
        }
        // SAFETY: `stable_query_plans` has the signature SQLite calls an extension with.
        let registered = unsafe { sqlite3_auto_extension(Some(stable_query_plans)) };
        if registered != SQLITE_OK {
            tracing::warn!(registered, "SQLite refused the per-connection settings");
        }
    });
}

/// Run by SQLite on each new connection: turns on the query planner stability guarantee.
///
/// Without it, SQLite 3.50 plans a statement with `LIMIT ?` (every diesel `.first()`) for the
/// value bound at the time, and marks the statement stale whenever the value is bound again, so
/// each execution of a cached statement parsed and planned it anew: the largest part of SQLite's
/// time in the inbound profile. Our plans never depend on a bound value (`LIKE` searches start
/// with `%`, so no index could serve them anyway).
unsafe extern "C" fn stable_query_plans(
    db: *mut libsqlite3_sys::sqlite3,
    _error: *mut *mut std::os::raw::c_char,
    _api: *const libsqlite3_sys::sqlite3_api_routines,
) -> std::os::raw::c_int {
    use libsqlite3_sys::{sqlite3_db_config, SQLITE_DBCONFIG_ENABLE_QPSG, SQLITE_OK};
    // SAFETY: `db` is the connection SQLite is opening; the option takes an int and an int
    // pointer that may be null.
    let set = unsafe {
        sqlite3_db_config(
            db,
            SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as std::os::raw::c_int,
            std::ptr::null_mut::<std::os::raw::c_int>(),
        )
    };
    if set != SQLITE_OK {
        tracing::warn!(set, "SQLite refused the query planner stability guarantee");
    }
    // Never fail the connection over a speed setting.
    SQLITE_OK
}

async fn run_blocking<T, E, F>(f: F) -> Result<T, E>
where
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
    F: FnOnce() -> Result<T, E> + Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => result,
        Err(join_error) => Err(DbError::Task(join_error.to_string()).into()),
    }
}
