//! A small XML writer for Atom documents (RFC 4287).
//!
//! Element and attribute names are `&'static str`, chosen by our code; every value that may come
//! from a person (titles, names, HTML content) goes through [`escape`], so no text can close an
//! element or open a new one. Characters XML 1.0 forbids (most C0 controls, lone surrogates cannot
//! occur in a `str`, U+FFFE/U+FFFF) are dropped: one such character would make a feed reader
//! refuse the whole document.

use std::fmt::Write as _;

/// The Atom namespace.
pub const NAMESPACE: &str = "http://www.w3.org/2005/Atom";

/// An Atom document being written, element by element.
pub struct AtomWriter {
    out: String,
    open: Vec<&'static str>,
}

impl AtomWriter {
    /// Starts a `<feed>` in language `lang`.
    pub fn feed(lang: &str) -> AtomWriter {
        let mut writer = AtomWriter {
            out: String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"),
            open: Vec::new(),
        };
        writer.start("feed", &[("xmlns", NAMESPACE), ("xml:lang", lang)]);
        writer
    }

    /// Opens an element with attributes.
    pub fn start(&mut self, name: &'static str, attributes: &[(&'static str, &str)]) {
        self.tag_with(name, attributes);
        self.out.push('>');
        self.open.push(name);
    }

    /// Closes the innermost open element.
    pub fn end(&mut self) {
        if let Some(name) = self.open.pop() {
            let _ = write!(self.out, "</{name}>");
        }
    }

    /// An element holding only text.
    pub fn text(&mut self, name: &'static str, attributes: &[(&'static str, &str)], text: &str) {
        self.tag_with(name, attributes);
        self.out.push('>');
        escape(text, &mut self.out);
        let _ = write!(self.out, "</{name}>");
    }

    /// An element with attributes and no content (`<link href="…"/>`).
    pub fn empty(&mut self, name: &'static str, attributes: &[(&'static str, &str)]) {
        self.tag_with(name, attributes);
        self.out.push_str("/>");
    }

    /// The finished document (any element left open is closed).
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.end();
        }
        self.out.push('\n');
        self.out
    }

    fn tag_with(&mut self, name: &'static str, attributes: &[(&'static str, &str)]) {
        let _ = write!(self.out, "<{name}");
        for (attribute, value) in attributes {
            let _ = write!(self.out, " {attribute}=\"");
            escape(value, &mut self.out);
            self.out.push('"');
        }
    }
}

/// Appends `text` with XML's special characters escaped and forbidden characters removed. Safe in
/// element content and in double- or single-quoted attribute values.
pub fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Kept as references: a parser would otherwise fold them into spaces in attributes.
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if allowed_in_xml(c) => out.push(c),
            _ => {}
        }
    }
}

/// XML 1.0's `Char` production (tab, newline and carriage return are handled by [`escape`]).
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// A time as Atom wants it (RFC 3339, UTC).
pub fn time(at: &chrono::NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_values_is_escaped_and_forbidden_characters_dropped() {
        let mut w = AtomWriter::feed("fr");
        w.text("title", &[], "<b>Tom & \"Jerry\"</b>\u{0}\u{1b}]]>");
        w.empty("link", &[("href", "https://x.test/?a=1&b=\"2\"")]);
        let xml = w.finish();
        assert!(
            xml.contains("<title>&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;]]&gt;</title>"),
            "{xml}"
        );
        assert!(
            xml.contains("href=\"https://x.test/?a=1&amp;b=&quot;2&quot;\""),
            "{xml}"
        );
        assert!(!xml.contains('\u{0}') && !xml.contains('\u{1b}'));
        assert!(xml.trim_end().ends_with("</feed>"));
    }

    #[test]
    fn times_are_rfc3339_in_utc() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 9)
            .and_then(|d| d.and_hms_opt(8, 5, 0))
            .expect("a date");
        assert_eq!(time(&at), "2026-03-09T08:05:00Z");
    }
}
