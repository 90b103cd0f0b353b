//! Driver errors translated once into the few cases the rest of the code acts on.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("no such record")]
    NotFound,
    /// A unique constraint refused the write: the thing already exists.
    #[error("already exists")]
    AlreadyExists,
    #[error("database error: {0}")]
    Query(DieselError),
    #[error("database connection error: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("database task failed: {0}")]
    Task(String),
}

impl From<DieselError> for DbError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => DbError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => DbError::AlreadyExists,
            other => DbError::Query(other),
        }
    }
}

impl From<diesel::r2d2::Error> for DbError {
    fn from(e: diesel::r2d2::Error) -> Self {
        DbError::Task(e.to_string())
    }
}
