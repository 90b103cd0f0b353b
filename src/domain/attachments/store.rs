//! The files of attachments on disk: `{upload dir}/{id}/{size}`, where `id` is the attachment's
//! id (a UUID we made) and `size` one of the names [`super::inspect`] gives (`400`, `1200`,
//! `file`). Nothing a person sent is ever part of a path. A new attachment's files are written in
//! a folder of their own and renamed into place whole, so a reader never sees half of them, and
//! several nodes can share the folder (a network mount that keeps `rename` atomic).

use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder uploads live in.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

/// An attachment id as we make them (a UUID: hex digits and dashes), so safe as a path segment.
fn is_id(text: &str) -> bool {
    text.len() >= 32 && text.len() <= 64 && text.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

fn is_size_name(text: &str) -> bool {
    text == "file" || super::inspect::WIDTHS.iter().any(|w| w.to_string() == text)
}

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where one stored file is; `None` for a name we never make (a path in disguise).
    pub fn path(&self, id: &str, size: &str) -> Option<PathBuf> {
        if !is_id(id) || !is_size_name(size) {
            return None;
        }
        Some(self.root.join(id).join(size))
    }

    /// Writes an attachment's files (name, bytes) and puts them in place at once.
    pub fn put(&self, id: &str, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
        let invalid = || std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a stored name");
        if !is_id(id) {
            return Err(invalid());
        }
        std::fs::create_dir_all(&self.root)?;
        let staging = self.root.join(format!(".new-{id}"));
        std::fs::create_dir_all(&staging)?;
        let written = files.iter().try_for_each(|(name, bytes)| {
            if !is_size_name(name) {
                return Err(invalid());
            }
            let mut file = std::fs::File::create(staging.join(name))?;
            file.write_all(bytes)?;
            file.sync_all()
        });
        let placed = written.and_then(|()| std::fs::rename(&staging, self.root.join(id)));
        if placed.is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        placed
    }

    /// Removes an attachment's files (done after the row is gone; a file already missing is fine).
    pub fn remove(&self, id: &str) {
        if !is_id(id) {
            return;
        }
        match std::fs::remove_dir_all(self.root.join(id)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::warn!(attachment = %id, error = %e, "could not remove an attachment's files"),
        }
    }

    /// Every file under the folder (tests and the operator's checks: nothing left behind).
    pub fn count_files(&self) -> usize {
        fn walk(dir: &Path) -> usize {
            std::fs::read_dir(dir).map_or(0, |entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| {
                        let path = e.path();
                        if path.is_dir() {
                            walk(&path)
                        } else {
                            1
                        }
                    })
                    .sum()
            })
        }
        walk(&self.root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_name_from_outside_becomes_a_path() {
        let store = Store::new("/srv/uploads");
        assert!(store.path("../../etc", "400").is_none());
        assert!(store.path("0190-abc", "../passwd").is_none());
        assert!(store.path("/etc/passwd", "file").is_none());
        assert!(store.path("file", "file").is_none());
        let id = "0190abcd-0000-7000-8000-000000000000";
        assert_eq!(
            store.path(id, "1200"),
            Some(PathBuf::from(format!("/srv/uploads/{id}/1200")))
        );
    }
}
