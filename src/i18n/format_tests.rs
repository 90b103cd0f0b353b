use chrono::NaiveDate;

use super::*;
use crate::i18n::I18n;

const NNBSP: char = '\u{202F}';
const NBSP: char = '\u{A0}';

fn tr(lang: &str) -> Tr {
    I18n::shared().tr(lang)
}

/// French text written with plain spaces in the test, turned into the narrow no-break space
/// that groups digits.
fn fr(text: &str) -> String {
    text.replace(' ', &NNBSP.to_string())
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|day| day.and_hms_opt(h, min, 0))
        .expect("a real date")
}

#[test]
fn integers_are_grouped_by_thousands() {
    let (f, e) = (tr("fr"), tr("en"));
    for (n, in_fr, in_en) in [
        (0i64, "0", "0"),
        (5, "5", "5"),
        (1234, "1 234", "1,234"),
        (130000, "130 000", "130,000"),
        (-1234567, "-1 234 567", "-1,234,567"),
        (i64::MAX, "9 223 372 036 854 775 807", "9,223,372,036,854,775,807"),
        (
            i64::MIN,
            "-9 223 372 036 854 775 808",
            "-9,223,372,036,854,775,808",
        ),
    ] {
        assert_eq!(f.integer(n), fr(in_fr), "fr {n}");
        assert_eq!(e.integer(n), in_en, "en {n}");
    }
    assert_eq!(e.integer(u64::MAX), "9,223,372,036,854,775,807", "saturates");
}

#[test]
fn decimals_keep_every_digit_with_the_language_separator() {
    let (f, e) = (tr("fr"), tr("en"));
    assert_eq!(f.number("1234567.5"), fr("1 234 567,5"));
    assert_eq!(e.number("1234567.5"), "1,234,567.5");
    assert_eq!(e.number("0.005"), "0.005");
    assert_eq!(e.number("-12.25"), "-12.25");
    assert_eq!(e.number("007"), "7");
    assert_eq!(e.number("12,5"), "12.5", "a decimal comma from a .pb file");
    // Far beyond f64's 15 significant digits: nothing is rounded.
    assert_eq!(e.number("123456789012345678.99"), "123,456,789,012,345,678.99");
    assert_eq!(e.number("n/a"), "n/a");
    assert_eq!(e.number("1.2.3"), "1.2.3");
}

#[test]
fn amounts_in_euros_read_as_each_language_writes_them() {
    let (f, e) = (tr("fr"), tr("en"));
    let euros = |text: &str| format!("{text}{NBSP}€");
    for (text, in_fr, in_en) in [
        ("0", "0", "€0"),
        ("5", "5", "€5"),
        ("1234", "1 234", "€1,234"),
        ("130000", "130 000", "€130,000"),
        ("130000.0", "130 000", "€130,000"),
        ("148000.00", "148 000", "€148,000"),
        ("1234567.5", "1 234 567,50", "€1,234,567.50"),
        ("1234.50", "1 234,50", "€1,234.50"),
        ("0.005", "0,005", "€0.005"),
        (
            "9223372036854775807",
            "9 223 372 036 854 775 807",
            "€9,223,372,036,854,775,807",
        ),
    ] {
        assert_eq!(f.amount(text, "EUR"), euros(&fr(in_fr)), "fr {text}");
        assert_eq!(e.amount(text, "EUR"), in_en, "en {text}");
    }
    assert_eq!(f.amount("-1234.5", "EUR"), format!("-{}", euros(&fr("1 234,50"))));
    assert_eq!(e.amount("-1234.5", "EUR"), "-€1,234.50");
    assert_eq!(e.amount("-0.00", "EUR"), "€0", "no negative zero");
}

#[test]
fn other_currencies_use_their_symbol_or_their_code() {
    let (f, e) = (tr("fr"), tr("en"));
    assert_eq!(e.amount("2500", "usd"), "$2,500");
    assert_eq!(e.amount("2500", "GBP"), "£2,500");
    assert_eq!(e.amount("2500", "CHF"), format!("CHF{NBSP}2,500"));
    assert_eq!(f.amount("2500", "CHF"), format!("{}{NBSP}CHF", fr("2 500")));
    assert_eq!(f.amount("2500", "SEK"), format!("{}{NBSP}SEK", fr("2 500")));
    // Not a number: shown as stored rather than hidden.
    assert_eq!(e.amount("lots", "EUR"), "lots EUR");
}

#[test]
fn percentages_follow_the_language() {
    let (f, e) = (tr("fr"), tr("en"));
    assert_eq!(f.percent("45"), format!("45{NNBSP}%"));
    assert_eq!(e.percent("45"), "45%");
    assert_eq!(f.percent("99.5"), format!("99,5{NNBSP}%"));
    assert_eq!(e.percent("0"), "0%");
    assert_eq!(percent_of(45.0, 100.0), "45");
    assert_eq!(percent_of(1.0, 3.0), "33.3");
    assert_eq!(percent_of(3.0, 3.0), "100");
    assert_eq!(percent_of(5.0, 0.0), "0");
    assert_eq!(percent_of(f64::NAN, 2.0), "0");
}

#[test]
fn dates_are_the_day_in_the_town() {
    let (f, e) = (tr("fr"), tr("en"));
    // Midnight UTC in winter is 1 am in Paris, the same day.
    let midnight = utc(2026, 12, 2, 0, 0);
    assert_eq!(f.date(&midnight), "2 décembre 2026");
    assert_eq!(e.date(&midnight), "2 December 2026");
    assert_eq!(f.datetime(&midnight), "2 décembre 2026 à 1 h");
    assert_eq!(e.datetime(&midnight), "2 December 2026, 1 am");
    // 23:30 UTC on 30 November is already 1 December in Paris.
    let late = utc(2026, 11, 30, 23, 30);
    assert_eq!(f.date(&late), "1er décembre 2026");
    assert_eq!(e.date(&late), "1 December 2026");
    // In UTC itself, midnight is 12 am.
    assert_eq!(e.clone().in_zone(chrono_tz::UTC).time(&midnight), "12 am");
    assert_eq!(f.clone().in_zone(chrono_tz::UTC).time(&midnight), "0 h");
}

#[test]
fn times_follow_paris_winter_and_summer_time() {
    let (f, e) = (tr("fr"), tr("en"));
    // Winter: UTC+1.
    assert_eq!(f.datetime(&utc(2026, 12, 2, 17, 0)), "2 décembre 2026 à 18 h");
    assert_eq!(e.datetime(&utc(2026, 12, 2, 17, 0)), "2 December 2026, 6 pm");
    assert_eq!(f.time(&utc(2026, 12, 2, 18, 0)), "19 h");
    assert_eq!(e.time(&utc(2026, 12, 2, 18, 0)), "7 pm");
    assert_eq!(f.time(&utc(2026, 12, 2, 18, 30)), "19 h 30");
    assert_eq!(e.time(&utc(2026, 12, 2, 18, 30)), "7:30 pm");
    // Summer: UTC+2.
    assert_eq!(f.time(&utc(2026, 7, 14, 18, 0)), "20 h");
    assert_eq!(e.time(&utc(2026, 7, 14, 18, 0)), "8 pm");
    assert_eq!(f.time(&utc(2026, 7, 14, 18, 30)), "20 h 30");
    assert_eq!(e.time(&utc(2026, 7, 14, 18, 30)), "8:30 pm");
    assert_eq!(f.datetime(&utc(2026, 7, 14, 16, 5)), "14 juillet 2026 à 18 h 05");
    assert_eq!(e.datetime(&utc(2026, 7, 14, 16, 5)), "14 July 2026, 6:05 pm");
    // Another town's zone.
    let montreal = "America/Montreal".parse().expect("a known zone");
    assert_eq!(
        e.clone().in_zone(montreal).time(&utc(2026, 12, 2, 18, 30)),
        "1:30 pm"
    );
}
