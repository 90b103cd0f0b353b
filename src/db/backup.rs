//! Consistent copies of the database while the instance runs.

use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::Connection;

use super::{sqlite_path, Backend};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("the file {0} already exists; choose a new name so no backup is overwritten")]
    Exists(String),
    #[error("PostgreSQL databases are backed up with pg_dump (see docs/operations.md)")]
    Postgres,
    #[error("backup failed: {0}")]
    Sqlite(String),
}

/// SQLite: `VACUUM INTO` writes a consistent, compact copy without stopping the server.
pub fn backup(url: &str, to: &Path) -> Result<(), BackupError> {
    if Backend::of_url(url) == Backend::Postgres {
        return Err(BackupError::Postgres);
    }
    if to.exists() {
        return Err(BackupError::Exists(to.display().to_string()));
    }
    let mut conn = diesel::SqliteConnection::establish(sqlite_path(url))
        .map_err(|e| BackupError::Sqlite(e.to_string()))?;
    let target = to.display().to_string().replace('\'', "''");
    conn.batch_execute(&format!("PRAGMA busy_timeout = 10000; VACUUM INTO '{target}'"))
        .map_err(|e| BackupError::Sqlite(e.to_string()))
}
