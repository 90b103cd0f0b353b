//! Collects every problem of a form at once, so a person fixes them in one go.

use super::{Error, FieldError, Msg};

#[derive(Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Validator {
        Validator::default()
    }

    pub fn add(&mut self, field: &'static str, msg: Msg) {
        self.errors.push(FieldError { field, msg });
    }

    /// Text that must be present and between `min` and `max` characters once trimmed.
    pub fn text(&mut self, field: &'static str, value: &str, min: usize, max: usize) {
        let len = value.trim().chars().count();
        if has_control_characters(value) {
            self.add(field, Msg::new("error-control-characters"));
        } else if len == 0 {
            self.add(field, Msg::new("error-required"));
        } else if len < min {
            self.add(field, Msg::new("error-too-short").arg("min", min));
        } else if len > max {
            self.add(field, Msg::new("error-too-long").arg("max", max));
        }
    }

    /// Optional text: only the maximum applies.
    pub fn optional_text(&mut self, field: &'static str, value: &str, max: usize) {
        if has_control_characters(value) {
            self.add(field, Msg::new("error-control-characters"));
        } else if value.trim().chars().count() > max {
            self.add(field, Msg::new("error-too-long").arg("max", max));
        }
    }

    pub fn finish(self) -> Result<(), Error> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(self.errors))
        }
    }
}

/// Lowercase letters, digits, `-` and `_`, 3 to 40 characters: safe in URLs and `acct:` names.
/// Control characters other than line breaks and tabs: no one types them, PostgreSQL refuses
/// NUL in text (a 500 instead of a message), and some terminals and logs act on the others.
pub fn has_control_characters(value: &str) -> bool {
    value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

pub fn is_handle(value: &str) -> bool {
    (3..=40).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && value.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
}

/// A plausible e-mail address: one `@`, something on each side, a dot in the domain.
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(char::is_whitespace)
        && value.len() <= 254
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles() {
        assert!(is_handle("budget-2026"));
        assert!(!is_handle("Budget"));
        assert!(!is_handle("ab"));
        assert!(!is_handle("-abc"));
    }

    #[test]
    fn emails() {
        assert!(is_email("marie@example.fr"));
        assert!(!is_email("marie@example"));
        assert!(!is_email("marie example@x.fr"));
    }

    #[test]
    fn validator_collects_all_errors() {
        let mut v = Validator::new();
        v.text("title", "", 5, 10);
        v.text("body", "abc", 5, 10);
        match v.finish() {
            Err(Error::Invalid(errors)) => assert_eq!(errors.len(), 2),
            other => panic!("expected two errors, got {other:?}"),
        }
    }
}
