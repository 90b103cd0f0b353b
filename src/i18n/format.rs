//! Numbers, amounts, percentages, dates and times as a reader of each language writes them.
//!
//! The separators and patterns come from the Fluent files (`number-group`, `money-symbol`,
//! `date-format`, …), as CLDR has them for French and English. Amounts arrive as the exact
//! decimal text the database stores and are formatted digit by digit: no `f64`, so a cost of
//! `106165.64` reads `106 165,64 €`, never `106 165,63 €`.

use chrono::{Datelike, NaiveDateTime, TimeZone, Timelike};
use fluent_bundle::{FluentArgs, FluentValue};

use super::{AsCount, Tr};

/// The time zone of a town that sets none (`PLENUM_TIMEZONE`).
pub const DEFAULT_ZONE: chrono_tz::Tz = chrono_tz::Europe::Paris;

/// A plain decimal text taken apart: `-1234.50` is negative, `1234`, `50`.
struct Plain<'a> {
    negative: bool,
    whole: &'a str,
    fraction: &'a str,
}

/// Reads what the database and the counting rules write: an optional minus sign, digits, and at
/// most one decimal point (or comma, as some `.pb` files have it). Anything else is not a number.
fn plain(text: &str) -> Option<Plain<'_>> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = match digits.find(['.', ',']) {
        Some(at) => (&digits[..at], &digits[at + 1..]),
        None => (digits, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    // `007` is 7; a lone `0` stays.
    let whole = match whole.trim_start_matches('0') {
        "" => "0",
        significant => significant,
    };
    Some(Plain {
        negative,
        whole,
        fraction,
    })
}

/// `1234567` with `separator` between each group of three digits from the right.
fn grouped(whole: &str, separator: &str) -> String {
    let mut out = String::with_capacity(whole.len() + whole.len() / 3 * separator.len());
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(digit);
    }
    out
}

/// Symbols people know; other currencies are written with their ISO code (`CHF 12`, `12 SEK`).
fn currency_symbol(code: &str) -> Option<&'static str> {
    match code {
        "EUR" => Some("€"),
        "USD" => Some("$"),
        "GBP" => Some("£"),
        _ => None,
    }
}

/// The UTC moment an RFC 3339 text names (`2026-12-02T18:00:00Z`, `…+01:00`), or a naive
/// `2026-12-02T18:00:00` taken as UTC: what other towns send and what settings keep.
pub fn moment(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|at| at.naive_utc())
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok())
}

/// `part` as a percentage of `whole` with one decimal at most (`45.3`, `100`, `0`): for display,
/// where the last digit of a float does not matter; decisions never read it.
pub fn percent_of(part: f64, whole: f64) -> String {
    if whole.is_nan() || whole <= 0.0 || !part.is_finite() {
        return "0".to_string();
    }
    let text = format!("{:.1}", 100.0 * part / whole);
    match text.strip_suffix(".0") {
        Some(whole_number) => whole_number.to_string(),
        None => text,
    }
}

impl Tr {
    /// The town's time zone, for a translator built before the settings were read.
    pub fn in_zone(mut self, zone: chrono_tz::Tz) -> Tr {
        self.zone = zone;
        self
    }

    /// The IANA name of the town's time zone (`Europe/Paris`).
    pub fn zone_name(&self) -> &'static str {
        self.zone.name()
    }

    /// A message whose arguments are all texts, already formatted (a `05` of minutes stays `05`).
    fn t_text(&self, id: &str, args: &[(&str, String)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, FluentValue::from(value.clone()));
        }
        self.i18n.format(self.lang, id, Some(&fluent_args))
    }

    /// Whole digits and fraction with this language's separators.
    fn figure(&self, whole: &str, fraction: &str) -> String {
        let mut out = grouped(whole, &self.t("number-group"));
        if !fraction.is_empty() {
            out.push_str(&self.t("number-decimal"));
            out.push_str(fraction);
        }
        out
    }

    /// A count (`1 234` in French, `1,234` in English).
    pub fn integer(&self, n: impl AsCount) -> String {
        self.number(n.as_count().to_string())
    }

    /// A decimal number written as text (`1234.5` → `1 234,5`), every digit kept; a text that is
    /// not a number is returned as it is.
    pub fn number(&self, text: impl AsRef<str>) -> String {
        let text = text.as_ref();
        match plain(text) {
            Some(p) => {
                let sign = if p.negative { "-" } else { "" };
                format!("{sign}{}", self.figure(p.whole, p.fraction))
            }
            None => text.to_string(),
        }
    }

    /// An amount of money (`130 000 €`, `€130,000`): cents only when it is not whole
    /// (`1 234,50 €`), every stored digit kept beyond them; the symbol of EUR, USD and GBP, the
    /// ISO code of any other currency. A text that is not a number keeps its raw form.
    pub fn amount(&self, text: impl AsRef<str>, currency: impl AsRef<str>) -> String {
        let (text, currency) = (text.as_ref(), currency.as_ref());
        let code = currency.trim().to_ascii_uppercase();
        let Some(p) = plain(text) else {
            return format!("{} {code}", text.trim()).trim().to_string();
        };
        let significant = p.fraction.trim_end_matches('0');
        let fraction = match significant.len() {
            0 => String::new(),
            1 => format!("{significant}0"),
            _ => significant.to_string(),
        };
        let figure = self.figure(p.whole, &fraction);
        let written = match currency_symbol(&code) {
            Some(symbol) => self.t_text(
                "money-symbol",
                &[("number", figure), ("symbol", symbol.to_string())],
            ),
            None => self.t_text("money-code", &[("number", figure), ("code", code)]),
        };
        let is_zero = p.whole == "0" && fraction.is_empty();
        if p.negative && !is_zero {
            format!("-{written}")
        } else {
            written
        }
    }

    /// A percentage given as a decimal text (`45.3` → `45,3 %` in French, `45.3%` in English).
    pub fn percent(&self, text: impl AsRef<str>) -> String {
        self.t_text("percent", &[("number", self.number(text.as_ref()))])
    }

    /// `at` (UTC) on the town's clock.
    fn local(&self, at: &NaiveDateTime) -> NaiveDateTime {
        self.zone.from_utc_datetime(at).naive_local()
    }

    /// The day in the town of the moment `at` (UTC): `2 décembre 2026`, `2 December 2026`.
    pub fn date(&self, at: &NaiveDateTime) -> String {
        let local = self.local(at);
        self.t_with(
            "date-format",
            &[
                ("day", local.day().to_string()),
                ("month", self.t(&format!("month-{}", local.month()))),
                ("year", local.year().to_string()),
            ],
        )
    }

    /// The time on the town's clock: `18 h`, `18 h 30`; `6 pm`, `6:30 pm`.
    pub fn time(&self, at: &NaiveDateTime) -> String {
        let local = self.local(at);
        let (pm, hour12) = local.hour12();
        let args = [
            ("hour", local.hour().to_string()),
            ("hour12", hour12.to_string()),
            ("minute", format!("{:02}", local.minute())),
            ("period", self.t(if pm { "time-pm" } else { "time-am" })),
        ];
        if local.minute() == 0 {
            self.t_text("time-whole-hour", &args)
        } else {
            self.t_text("time-with-minutes", &args)
        }
    }

    /// The day of a moment written as text (see [`moment`]); a text that names no moment is
    /// shown as it is.
    pub fn date_text(&self, text: &str) -> String {
        moment(text).map_or_else(|| text.to_string(), |at| self.date(&at))
    }

    /// Day and time of a moment written as text (see [`moment`]), else the text itself.
    pub fn datetime_text(&self, text: &str) -> String {
        moment(text).map_or_else(|| text.to_string(), |at| self.datetime(&at))
    }

    /// Day and time in the town: `2 décembre 2026 à 18 h`, `2 December 2026, 6 pm`.
    pub fn datetime(&self, at: &NaiveDateTime) -> String {
        self.t_text(
            "datetime-format",
            &[("date", self.date(at)), ("time", self.time(at))],
        )
    }
}

#[cfg(test)]
#[path = "format_tests.rs"]
mod tests;
