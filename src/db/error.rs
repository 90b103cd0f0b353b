//! Driver errors translated once into the few cases the rest of the code acts on.

use diesel::result::{DatabaseErrorInformation, DatabaseErrorKind, Error as DieselError};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("no such record")]
    NotFound,
    /// A unique constraint refused the write: the thing already exists.
    #[error("already exists ({0})")]
    AlreadyExists(Unique),
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
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                DbError::AlreadyExists(Unique::from_driver(info.as_ref()))
            }
            other => DbError::Query(other),
        }
    }
}

impl From<diesel::r2d2::Error> for DbError {
    fn from(e: diesel::r2d2::Error) -> Self {
        DbError::Task(e.to_string())
    }
}

/// Which unique rule refused a write, the same on both engines: its table and columns. PostgreSQL
/// names them in the error's table field and its detail (`Key (process_id, slug)=(…) already
/// exists.`), SQLite in its message (`UNIQUE constraint failed: budgets.process_id, budgets.slug`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unique {
    pub table: String,
    pub columns: Vec<String>,
}

impl Unique {
    /// Whether `column` is one of the rule's columns.
    pub fn covers(&self, column: &str) -> bool {
        self.columns.iter().any(|c| c == column)
    }

    fn from_driver(info: &(dyn DatabaseErrorInformation + Send + Sync)) -> Unique {
        if let Some(listed) = info.message().strip_prefix("UNIQUE constraint failed: ") {
            return Unique::from_sqlite(listed);
        }
        let columns = info
            .details()
            .and_then(|d| d.strip_prefix("Key ("))
            .and_then(|d| d.split_once(")="))
            .map(|(columns, _)| {
                columns
                    .split(", ")
                    .map(|c| c.trim_matches('"').to_string())
                    .collect()
            })
            .unwrap_or_default();
        Unique {
            table: info.table_name().unwrap_or_default().to_string(),
            columns,
        }
    }

    fn from_sqlite(listed: &str) -> Unique {
        let mut unique = Unique::default();
        for qualified in listed.split(", ") {
            let (table, column) = qualified.split_once('.').unwrap_or(("", qualified));
            unique.table = table.to_string();
            unique.columns.push(column.to_string());
        }
        unique
    }
}

impl std::fmt::Display for Unique {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.table, self.columns.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_names_table_and_columns() {
        let unique = Unique::from_sqlite("budgets.process_id, budgets.slug");
        assert_eq!(unique.table, "budgets");
        assert_eq!(unique.columns, ["process_id", "slug"]);
        assert!(unique.covers("slug"));
        assert!(!unique.covers("code"));
    }
}
