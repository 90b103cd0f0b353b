//! Reading a census file: CSV lines normalised and hashed one at a time, with a report of what
//! was found. No database: only the hashes leave this module.

use std::collections::HashMap;
use std::io::Read;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::domain::{Error, Msg, Result};

/// How many lines a report lists at most (the counts are always complete).
const REPORT_LIMIT: usize = 50;

/// The longest value a census column may hold.
pub const MAX_VALUE_CHARS: usize = 200;

/// One value as the census and the citizen's form both reduce it: lower case, no accents, no
/// spaces or punctuation inside, and dates written `YYYY-MM-DD` whatever the input format.
pub fn normalise(value: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let trimmed = value.trim();
    if let Some(date) = as_date(trimmed) {
        return date;
    }
    trimmed
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// `31/12/1980`, `31-12-1980`, `31.12.1980`, `1980-12-31` and `19801231` are one date.
fn as_date(text: &str) -> Option<String> {
    use chrono::NaiveDate;
    const FORMATS: &[&str] = &[
        "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%Y%m%d",
    ];
    if text.len() < 8 || !text.chars().all(|c| c.is_ascii_digit() || "/-.".contains(c)) {
        return None;
    }
    FORMATS
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// The keyed hash of one person's identifiers (already in column order).
pub fn entry_hash(key: &[u8], values: &[&str]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(b"census\0");
    for value in values {
        mac.update(normalise(value).as_bytes());
        mac.update(&[0x1f]);
    }
    mac.finalize().into_bytes().into()
}

/// What an import found, line by line (line 1 is the header).
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub columns: Vec<String>,
    pub lines: usize,
    pub entries: usize,
    /// (line, line it repeats): kept once.
    pub duplicates: Vec<(usize, usize)>,
    pub duplicate_count: usize,
    /// (line, what is wrong): any of these and nothing is imported.
    pub errors: Vec<(usize, Msg)>,
    pub error_count: usize,
}

/// A census read and hashed, ready to replace the stored one.
pub struct ReadCensus {
    pub report: ImportReport,
    pub(super) hashes: Vec<[u8; 32]>,
}

/// Reads a CSV census (header line with the column names; `,` or `;` between fields) one line
/// at a time, keeping only the hashes. `progress` is called every 10,000 lines.
pub fn read<R: Read>(input: R, key: &[u8], mut progress: impl FnMut(usize)) -> Result<ReadCensus> {
    let mut input = std::io::BufReader::with_capacity(1 << 16, input);
    // The separator is whichever of `;` and `,` the header uses (French spreadsheets write `;`).
    let mut header = String::new();
    std::io::BufRead::read_line(&mut input, &mut header)
        .map_err(|_| Error::invalid("file", Msg::new("census-not-text")))?;
    let delimiter = if header.contains(';') { b';' } else { b',' };
    let header_line = header.clone();
    let chained = std::io::Read::chain(header_line.as_bytes(), input);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(chained);
    let columns: Vec<String> = reader
        .headers()
        .map_err(|_| Error::invalid("file", Msg::new("census-not-text")))?
        .iter()
        .map(|c| c.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let mut report = ImportReport {
        columns: columns.clone(),
        ..ImportReport::default()
    };
    if columns.is_empty() || columns.iter().any(|c| c.is_empty()) {
        report.errors.push((1, Msg::new("census-header")));
        report.error_count = 1;
        return Ok(ReadCensus {
            report,
            hashes: Vec::new(),
        });
    }
    let mut seen: HashMap<[u8; 32], usize> = HashMap::new();
    let mut record = csv::StringRecord::new();
    let mut line = 1;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(_) => {
                line += 1;
                report.error_count += 1;
                if report.errors.len() < REPORT_LIMIT {
                    report.errors.push((line, Msg::new("census-not-text")));
                }
                continue;
            }
        }
        line = record.position().map(|p| p.line() as usize).unwrap_or(line + 1);
        report.lines += 1;
        if report.lines.is_multiple_of(10_000) {
            progress(report.lines);
        }
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let problem = if record.len() != columns.len() {
            Some(
                Msg::new("census-field-count")
                    .arg("expected", columns.len())
                    .arg("found", record.len()),
            )
        } else if let Some((_, c)) = record
            .iter()
            .zip(&columns)
            .find(|(v, _)| v.chars().count() > MAX_VALUE_CHARS)
        {
            // No identifier, date or postcode is this long: a wrong file, or a hostile one.
            Some(
                Msg::new("census-value-too-long")
                    .arg("column", c.as_str())
                    .arg("max", MAX_VALUE_CHARS),
            )
        } else {
            record
                .iter()
                .zip(&columns)
                .find(|(v, _)| normalise(v).is_empty())
                .map(|(_, c)| Msg::new("census-empty-value").arg("column", c))
        };
        if let Some(msg) = problem {
            report.error_count += 1;
            if report.errors.len() < REPORT_LIMIT {
                report.errors.push((line, msg));
            }
            continue;
        }
        let values: Vec<&str> = record.iter().collect();
        let hash = entry_hash(key, &values);
        match seen.get(&hash) {
            Some(first) => {
                report.duplicate_count += 1;
                if report.duplicates.len() < REPORT_LIMIT {
                    report.duplicates.push((line, *first));
                }
            }
            None => {
                seen.insert(hash, line);
            }
        }
    }
    let hashes: Vec<[u8; 32]> = seen.into_keys().collect();
    report.entries = hashes.len();
    if report.entries == 0 && report.error_count == 0 {
        report.errors.push((1, Msg::new("census-empty")));
        report.error_count = 1;
    }
    Ok(ReadCensus { report, hashes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_normalised_before_hashing() {
        assert_eq!(normalise("  Élodie-Marie "), "elodiemarie");
        assert_eq!(normalise("AB 12 34 56"), "ab123456");
        assert_eq!(normalise("31/12/1980"), "1980-12-31");
        assert_eq!(normalise("31.12.1980"), "1980-12-31");
        assert_eq!(normalise("1980-12-31"), "1980-12-31");
        assert_eq!(
            entry_hash(b"k", &["AB 12", "31/12/1980"]),
            entry_hash(b"k", &["ab12", "1980-12-31"])
        );
        assert_ne!(
            entry_hash(b"k", &["ab12", "1980-12-31"]),
            entry_hash(b"other key", &["ab12", "1980-12-31"])
        );
        // Column boundaries matter: ("ab", "c") is not ("a", "bc").
        assert_ne!(entry_hash(b"k", &["ab", "c"]), entry_hash(b"k", &["a", "bc"]));
    }

    #[test]
    fn reading_reports_duplicates_and_malformed_lines_by_number() {
        let text = "document;birth_date;postcode\nAB1;01/02/1990;31000\nab 1;1990-02-01;31000\nCD2;03/04/1985\nEF3;;31000\nGH4;05/06/1970;31100\n";
        let census = read(text.as_bytes(), b"key", |_| {}).expect("readable");
        let r = &census.report;
        assert_eq!(r.columns, vec!["document", "birth_date", "postcode"]);
        assert_eq!(r.lines, 5);
        assert_eq!(r.entries, 2);
        assert_eq!(r.duplicates, vec![(3, 2)]);
        assert_eq!(
            r.errors.iter().map(|(l, m)| (*l, m.key)).collect::<Vec<_>>(),
            vec![(4, "census-field-count"), (5, "census-empty-value")]
        );
        let comma = read("a,b\n1,2\n".as_bytes(), b"key", |_| {}).expect("readable");
        assert_eq!(comma.report.entries, 1);
    }
}
