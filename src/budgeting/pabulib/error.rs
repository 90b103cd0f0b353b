//! The one error a `.pb` import can end with: where, and what is wrong, in plain words.

/// A `.pb` file could not be read. `Display` gives e.g.
/// `line 57: project 'x' has a cost that is not a number`.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// Something wrong at a given line.
    #[error("line {line}: {message}")]
    Line {
        /// 1-based line number in the file.
        line: usize,
        /// What is wrong, for a person.
        message: String,
    },
    /// Something missing from the file as a whole (e.g. no VOTES section).
    #[error("{0}")]
    File(String),
    /// The file could not be read at all.
    #[error("line {line}: cannot read the file: {source}")]
    Io {
        /// Line we were about to read.
        line: usize,
        /// The underlying error (also: text that is not UTF-8).
        source: std::io::Error,
    },
}

impl ParseError {
    /// An error at `line`.
    pub fn at(line: usize, message: impl Into<String>) -> Self {
        ParseError::Line {
            line,
            message: message.into(),
        }
    }

    /// An error about the file as a whole.
    pub fn file(message: impl Into<String>) -> Self {
        ParseError::File(message.into())
    }

    pub(super) fn io(line: usize, source: std::io::Error) -> Self {
        ParseError::Io { line, source }
    }

    /// The line the error is about, when there is one.
    pub fn line(&self) -> Option<usize> {
        match self {
            ParseError::Line { line, .. } | ParseError::Io { line, .. } => Some(*line),
            ParseError::File(_) => None,
        }
    }
}
