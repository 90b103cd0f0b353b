//! Fresh, throw-away databases for tests, on the backend named by `PLENUM_TEST_DB`.
//!
//! `PLENUM_TEST_DB=sqlite` (the default) gives a new SQLite file in a temporary folder;
//! `PLENUM_TEST_DB=postgres` gives a new schema in the database `PLENUM_TEST_PG_URL`
//! (default `postgres://postgres@127.0.0.1:5432/plenum_test`, created if missing). Either is
//! removed when the guard is dropped, so every test starts empty and tests can run in parallel.

use std::path::PathBuf;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

use super::Backend;

const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/plenum_test";

/// A database that exists for as long as this value lives.
pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile(PathBuf),
    PgSchema { base_url: String, schema: String },
}

/// The backend the test suite runs on.
pub fn test_backend() -> Backend {
    match std::env::var("PLENUM_TEST_DB").as_deref() {
        Ok("postgres") | Ok("postgresql") | Ok("pg") => Backend::Postgres,
        Ok("sqlite") | Err(_) => Backend::Sqlite,
        Ok(other) => panic!("PLENUM_TEST_DB must be 'sqlite' or 'postgres', not {other:?}"),
    }
}

impl TestDatabase {
    /// Creates an empty database on the test backend (migrations are applied by `Db::connect`).
    pub fn fresh() -> TestDatabase {
        TestDatabase::fresh_on(test_backend())
    }

    /// The same on a given backend, for the few tests of one engine's own behaviour (they then
    /// run in both suites).
    pub fn fresh_on(backend: Backend) -> TestDatabase {
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join("plenum-tests");
                std::fs::create_dir_all(&dir).expect("create the temporary test folder");
                let path = dir.join(format!("{name}.db"));
                TestDatabase {
                    url: format!("sqlite://{}", path.display()),
                    cleanup: Cleanup::SqliteFile(path),
                }
            }
            Backend::Postgres => {
                let base_url = std::env::var("PLENUM_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.into());
                let mut conn = connect_creating_database(&base_url);
                conn.batch_execute(&format!("CREATE SCHEMA {name}"))
                    .expect("create a test schema");
                let separator = if base_url.contains('?') { '&' } else { '?' };
                TestDatabase {
                    url: format!("{base_url}{separator}options=-csearch_path%3D{name}"),
                    cleanup: Cleanup::PgSchema {
                        base_url,
                        schema: name,
                    },
                }
            }
        }
    }
}

/// Connects to the test database, creating it first when the server does not have it yet.
fn connect_creating_database(base_url: &str) -> PgConnection {
    if let Ok(conn) = PgConnection::establish(base_url) {
        return conn;
    }
    let (server, db_name) = base_url
        .rsplit_once('/')
        .expect("PLENUM_TEST_PG_URL ends with /DATABASE");
    let db_name = db_name.split('?').next().unwrap_or(db_name);
    let mut admin = PgConnection::establish(&format!("{server}/postgres"))
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {server}: {e}"));
    // Several test processes may race to create it; losing that race is fine.
    let _ = admin.batch_execute(&format!("CREATE DATABASE {db_name}"));
    PgConnection::establish(base_url)
        .unwrap_or_else(|e| panic!("cannot open the test database {base_url}: {e}"))
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::PgSchema { base_url, schema } => {
                if let Ok(mut conn) = PgConnection::establish(base_url) {
                    let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
                }
            }
        }
    }
}
