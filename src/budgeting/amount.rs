//! Exact decimal amounts as written in `.pb` files (costs, budgets).
//!
//! Pabulib writes money as plain decimals (`200000`, `200000.0`, `106165.64`, sometimes with a
//! decimal comma). We keep the digits exactly as an integer plus a count of decimal places, so a
//! file written back out says what it said before, and the rules can move every amount of an
//! election onto one common integer scale (see [`Decimal::rescale`]).

use std::fmt;
use std::str::FromStr;

/// Largest number of decimal places we accept: keeps every rescaled amount inside `u128`.
pub const MAX_DECIMAL_PLACES: u32 = 12;

/// A non-negative decimal number: `units / 10^places`, kept as written (`2.50` stays `2.50`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    units: u128,
    places: u32,
}

/// Why a text is not an amount; the parser words it for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    /// Empty field.
    #[error("is empty")]
    Empty,
    /// Anything but digits with at most one decimal point or comma.
    #[error("is not a number")]
    NotANumber,
    /// A minus sign: costs and budgets cannot be negative.
    #[error("is negative")]
    Negative,
    /// More digits than we can hold exactly.
    #[error("has too many digits")]
    TooLarge,
}

impl Decimal {
    /// A whole number.
    pub fn from_units(units: u128) -> Self {
        Decimal { units, places: 0 }
    }

    /// Number of digits after the decimal point, as written.
    pub fn places(&self) -> u32 {
        self.places
    }

    /// The value multiplied by `10^places`, e.g. `106165.64` at 2 places is `10616564`.
    /// `None` if `places` is smaller than the written precision or the result overflows.
    pub fn rescale(&self, places: u32) -> Option<u128> {
        let extra = places.checked_sub(self.places)?;
        10u128.checked_pow(extra).and_then(|f| self.units.checked_mul(f))
    }

    /// Builds the amount `value / 10^places` (the inverse of [`Decimal::rescale`]).
    pub fn from_scaled(value: u128, places: u32) -> Self {
        Decimal { units: value, places }
    }

    /// `self − other`, exact, at the finer of the two precisions; `None` when `other` is larger
    /// (or the digits would not fit).
    pub fn checked_sub(&self, other: &Decimal) -> Option<Decimal> {
        let places = self.places.max(other.places);
        let difference = self.rescale(places)?.checked_sub(other.rescale(places)?)?;
        Some(Decimal::from_scaled(difference, places))
    }

    /// Nearest `f64`, for percentages and display only, never for decisions.
    pub fn to_f64(&self) -> f64 {
        self.units as f64 / 10f64.powi(self.places as i32)
    }

    /// True when the value is zero.
    pub fn is_zero(&self) -> bool {
        self.units == 0
    }
}

impl FromStr for Decimal {
    type Err = DecimalError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DecimalError::Empty);
        }
        if text.starts_with('-') {
            return Err(DecimalError::Negative);
        }
        let text = text.strip_prefix('+').unwrap_or(text);
        // Pabulib files from some countries write a decimal comma; pabutools accepts it too.
        let (whole, frac) = match text.find(['.', ',']) {
            Some(pos) => (&text[..pos], &text[pos + 1..]),
            None => (text, ""),
        };
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && frac.is_empty()) || !digits_only(whole) || !digits_only(frac) {
            return Err(DecimalError::NotANumber);
        }
        let places = u32::try_from(frac.len()).map_err(|_| DecimalError::TooLarge)?;
        if places > MAX_DECIMAL_PLACES {
            return Err(DecimalError::TooLarge);
        }
        let mut units: u128 = 0;
        for b in whole.bytes().chain(frac.bytes()) {
            units = units
                .checked_mul(10)
                .and_then(|u| u.checked_add(u128::from(b - b'0')))
                .ok_or(DecimalError::TooLarge)?;
        }
        // Keep every rescaled amount well inside u128 (products with vote counts stay exact).
        if units > 1u128 << 80 {
            return Err(DecimalError::TooLarge);
        }
        Ok(Decimal { units, places })
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.places == 0 {
            return write!(f, "{}", self.units);
        }
        let scale = 10u128.pow(self.places);
        write!(
            f,
            "{}.{:0width$}",
            self.units / scale,
            self.units % scale,
            width = self.places as usize
        )
    }
}

impl serde::Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_written_precision() {
        let d: Decimal = "200000.0".parse().unwrap();
        assert_eq!(d.to_string(), "200000.0");
        assert_eq!(d.rescale(2), Some(20_000_000));
        let d: Decimal = "106165.64".parse().unwrap();
        assert_eq!(d.rescale(2), Some(10_616_564));
        assert_eq!(d.rescale(1), None);
        assert_eq!(Decimal::from_scaled(10_616_564, 2).to_string(), "106165.64");
        assert_eq!(Decimal::from_scaled(5, 3).to_string(), "0.005");
    }

    #[test]
    fn accepts_a_decimal_comma() {
        let d: Decimal = "12,5".parse().unwrap();
        assert_eq!(d.rescale(1), Some(125));
    }

    #[test]
    fn subtracts_exactly_at_the_finer_precision() {
        let a = |t: &str| t.parse::<Decimal>().unwrap();
        assert_eq!(a("100").checked_sub(&a("40.25")).unwrap().to_string(), "59.75");
        assert_eq!(a("0.5").checked_sub(&a("0.50")).unwrap().to_string(), "0.00");
        assert_eq!(a("40").checked_sub(&a("40.01")), None);
    }

    #[test]
    fn rejects_what_is_not_an_amount() {
        assert_eq!("".parse::<Decimal>(), Err(DecimalError::Empty));
        assert_eq!("12a".parse::<Decimal>(), Err(DecimalError::NotANumber));
        assert_eq!("1.2.3".parse::<Decimal>(), Err(DecimalError::NotANumber));
        assert_eq!(".".parse::<Decimal>(), Err(DecimalError::NotANumber));
        assert_eq!("-5".parse::<Decimal>(), Err(DecimalError::Negative));
        assert_eq!(
            "99999999999999999999999999999999999999999".parse::<Decimal>(),
            Err(DecimalError::TooLarge)
        );
    }
}
