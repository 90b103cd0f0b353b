//! Splits a `.pb` stream into `;`-separated records, one line at a time.
//!
//! Pabulib files are CSV with `;` as separator: fields may be quoted (`"a ""b"" c"`) and a quoted
//! field may, in principle, span lines. We read with one reusable line buffer so a large file is
//! never held in memory twice.

use std::io::BufRead;

use super::error::ParseError;

/// One record: its first line number (1-based) and its fields, trimmed like pabutools does.
#[derive(Debug)]
pub struct Record {
    /// Line on which the record starts.
    pub line: usize,
    /// Fields with surrounding whitespace removed.
    pub fields: Vec<String>,
}

impl Record {
    /// A record with no content (blank line, or only separators and spaces).
    pub fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.is_empty())
    }
}

/// Iterator over the records of a `.pb` stream.
pub struct Records<R> {
    input: R,
    buf: String,
    line: usize,
}

impl<R: BufRead> Records<R> {
    /// Wraps a buffered reader.
    pub fn new(input: R) -> Self {
        Records {
            input,
            buf: String::new(),
            line: 0,
        }
    }

    /// Reads one physical line into `self.buf` without its line end; `false` at end of input.
    fn read_line(&mut self) -> Result<bool, ParseError> {
        self.buf.clear();
        let n = self
            .input
            .read_line(&mut self.buf)
            .map_err(|e| ParseError::io(self.line + 1, e))?;
        if n == 0 {
            return Ok(false);
        }
        self.line += 1;
        if self.line == 1 {
            if let Some(rest) = self.buf.strip_prefix('\u{feff}') {
                self.buf = rest.to_string();
            }
        }
        // Handles both LF and CRLF files.
        while self.buf.ends_with(['\n', '\r']) {
            self.buf.pop();
        }
        Ok(true)
    }

    /// The next record, or `None` at end of input.
    pub fn next_record(&mut self) -> Result<Option<Record>, ParseError> {
        if !self.read_line()? {
            return Ok(None);
        }
        let start = self.line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut in_quotes = false;
        loop {
            let mut chars = self.buf.chars().peekable();
            while let Some(c) = chars.next() {
                if in_quotes {
                    if c == '"' {
                        if chars.peek() == Some(&'"') {
                            chars.next();
                            field.push('"');
                        } else {
                            in_quotes = false;
                        }
                    } else {
                        field.push(c);
                    }
                } else if c == '"' && field.trim().is_empty() {
                    field.clear();
                    in_quotes = true;
                } else if c == ';' {
                    fields.push(field.trim().to_string());
                    field.clear();
                } else {
                    field.push(c);
                }
            }
            if !in_quotes {
                break;
            }
            // A quoted field runs on to the next line: keep the line break inside the value.
            if !self.read_line()? {
                return Err(ParseError::at(start, "a quoted field is never closed"));
            }
            field.push('\n');
        }
        fields.push(field.trim().to_string());
        Ok(Some(Record { line: start, fields }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Vec<(usize, Vec<String>)> {
        let mut r = Records::new(text.as_bytes());
        let mut out = Vec::new();
        while let Some(rec) = r.next_record().unwrap() {
            out.push((rec.line, rec.fields));
        }
        out
    }

    #[test]
    fn splits_crlf_lines_and_trims_fields() {
        let got = records("a; b ;c\r\n\r\nd;e\r\n");
        assert_eq!(got[0], (1, vec!["a".into(), "b".into(), "c".into()]));
        assert_eq!(got[1], (2, vec!["".into()]));
        assert_eq!(got[2], (3, vec!["d".into(), "e".into()]));
    }

    #[test]
    fn reads_quoted_fields_with_separators_quotes_and_line_breaks() {
        let got = records("1;\"a;b \"\"c\"\"\";x\n2;\"two\nlines\";y\n3;z\n");
        assert_eq!(got[0].1, vec!["1", "a;b \"c\"", "x"]);
        assert_eq!(got[1], (2, vec!["2".into(), "two\nlines".into(), "y".into()]));
        assert_eq!(got[2].0, 4);
    }

    #[test]
    fn an_unclosed_quote_names_its_line() {
        let mut r = Records::new("ok\n1;\"open\n".as_bytes());
        r.next_record().unwrap();
        let err = r.next_record().unwrap_err();
        assert_eq!(err.to_string(), "line 2: a quoted field is never closed");
    }
}
