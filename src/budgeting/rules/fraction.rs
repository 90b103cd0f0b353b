//! Exact fractions that stay in machine integers while they fit.
//!
//! MES settles near-ties exactly. With `num_rational::BigRational` every addition pays a
//! big-number gcd (half of the time of MES + add1 on a 400-voter election went there), yet
//! the numbers nearly always fit in 128 bits: a fraction is kept as two `i128` and moves to
//! `BigRational` only when an operation would overflow. The value is the same either way, so
//! which form holds it never changes a decision.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::ToPrimitive;

/// An exact rational number.
#[derive(Clone, Debug)]
pub(super) enum Fraction {
    /// `num / den`, `den > 0`, reduced.
    Small { num: i128, den: i128 },
    /// Too large for the small form.
    Big(BigRational),
}

impl Fraction {
    pub(super) fn zero() -> Fraction {
        Fraction::Small { num: 0, den: 1 }
    }

    /// `value / 1`.
    pub(super) fn int(value: u128) -> Fraction {
        Fraction::ratio(value, 1)
    }

    /// `numerator / denominator` (`denominator > 0`).
    pub(super) fn ratio(numerator: u128, denominator: u128) -> Fraction {
        match (i128::try_from(numerator), i128::try_from(denominator)) {
            (Ok(num), Ok(den)) => Fraction::small(num, den),
            _ => Fraction::Big(BigRational::new(
                BigInt::from(numerator),
                BigInt::from(denominator),
            )),
        }
    }

    /// A reduced small fraction (`den > 0`).
    fn small(num: i128, den: i128) -> Fraction {
        debug_assert!(den > 0, "a fraction's denominator is positive");
        let g = gcd(num.unsigned_abs(), den as u128) as i128;
        Fraction::Small {
            num: num / g,
            den: den / g,
        }
    }

    fn to_big(&self) -> BigRational {
        match self {
            Fraction::Small { num, den } => BigRational::new_raw(BigInt::from(*num), BigInt::from(*den)),
            Fraction::Big(v) => v.clone(),
        }
    }

    /// `self + sign × other`.
    fn combine(&self, other: &Fraction, negate: bool) -> Fraction {
        if let (Fraction::Small { num: a, den: b }, Fraction::Small { num: c, den: d }) = (self, other) {
            let g = gcd(*b as u128, *d as u128) as i128;
            let sum = (|| {
                let left = a.checked_mul(d / g)?;
                let right = c.checked_mul(b / g)?;
                let num = if negate {
                    left.checked_sub(right)?
                } else {
                    left.checked_add(right)?
                };
                Some((num, b.checked_mul(d / g)?))
            })();
            if let Some((num, den)) = sum {
                return Fraction::small(num, den);
            }
        }
        let (a, b) = (self.to_big(), other.to_big());
        Fraction::Big(if negate { a - b } else { a + b })
    }

    #[cfg(test)]
    fn add(&self, other: &Fraction) -> Fraction {
        self.combine(other, false)
    }

    pub(super) fn sub(&self, other: &Fraction) -> Fraction {
        self.combine(other, true)
    }

    /// `self × factor`.
    pub(super) fn times(&self, factor: u128) -> Fraction {
        if let (Fraction::Small { num, den }, Ok(factor)) = (self, i128::try_from(factor)) {
            let g = gcd(factor as u128, *den as u128) as i128;
            if let Some(num) = num.checked_mul(factor / g) {
                return Fraction::Small { num, den: den / g };
            }
        }
        Fraction::Big(self.to_big() * BigInt::from(factor))
    }

    /// `self / divisor` (`divisor > 0`).
    pub(super) fn over(&self, divisor: u128) -> Fraction {
        assert!(divisor > 0, "division of a fraction by zero");
        if let (Fraction::Small { num, den }, Ok(divisor)) = (self, i128::try_from(divisor)) {
            let g = gcd(num.unsigned_abs(), divisor as u128) as i128;
            if let Some(den) = den.checked_mul(divisor / g) {
                return Fraction::Small { num: num / g, den };
            }
        }
        Fraction::Big(self.to_big() / BigInt::from(divisor))
    }

    /// Nearest `f64` (to a few units in the last place: only used to search, never to decide).
    pub(super) fn to_f64(&self) -> f64 {
        match self {
            Fraction::Small { num, den } => *num as f64 / *den as f64,
            Fraction::Big(v) => v.to_f64().unwrap_or(f64::INFINITY),
        }
    }
}

impl Ord for Fraction {
    fn cmp(&self, other: &Fraction) -> Ordering {
        if let (Fraction::Small { num: a, den: b }, Fraction::Small { num: c, den: d }) = (self, other) {
            if let (Some(left), Some(right)) = (a.checked_mul(*d), c.checked_mul(*b)) {
                return left.cmp(&right);
            }
        }
        self.to_big().cmp(&other.to_big())
    }
}

impl PartialOrd for Fraction {
    fn partial_cmp(&self, other: &Fraction) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Fraction {
    fn eq(&self, other: &Fraction) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Fraction {}

/// Greatest common divisor (binary; `gcd(0, x) = x`, and 1 for `gcd(0, 0)` so dividing by it
/// is always safe).
fn gcd(mut a: u128, mut b: u128) -> u128 {
    if a == 0 || b == 0 {
        return (a | b).max(1);
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn big(n: i64, d: i64) -> BigRational {
        BigRational::new(BigInt::from(n), BigInt::from(d))
    }

    proptest! {
        /// Every operation gives the value BigRational gives, in either form.
        #[test]
        fn agrees_with_big_rationals(
            a in 0u64..1_000_000, b in 1u64..1_000, c in 0u64..1_000_000, d in 1u64..1_000,
            k in 1u64..1_000,
        ) {
            let x = Fraction::ratio(a.into(), b.into());
            let y = Fraction::ratio(c.into(), d.into());
            let (bx, by) = (big(a as i64, b as i64), big(c as i64, d as i64));
            prop_assert_eq!(x.add(&y).to_big(), &bx + &by);
            prop_assert_eq!(x.sub(&y).to_big(), &bx - &by);
            prop_assert_eq!(x.times(k.into()).to_big(), &bx * BigInt::from(k));
            prop_assert_eq!(x.over(k.into()).to_big(), &bx / BigInt::from(k));
            prop_assert_eq!(x.cmp(&y), bx.cmp(&by));
        }
    }

    #[test]
    fn overflow_moves_to_big_numbers_with_the_same_value() {
        let huge = Fraction::ratio(u128::MAX, 7);
        assert!(matches!(huge, Fraction::Big(_)));
        // i128::MAX is 1 modulo 3: the fraction stays irreducible and its double overflows.
        let near = Fraction::ratio(i128::MAX as u128, 3);
        let sum = near.add(&near);
        assert!(matches!(sum, Fraction::Big(_)));
        let expected = big(1, 1) * BigInt::from(i128::MAX) * BigInt::from(2) / BigInt::from(3);
        assert_eq!(sum.to_big(), expected);
        assert_eq!(sum.sub(&near), near);
        assert!(sum > near);
    }

    #[test]
    fn gcd_of_zero_is_safe_to_divide_by() {
        assert_eq!(gcd(0, 0), 1);
        assert_eq!(gcd(0, 12), 12);
        assert_eq!(gcd(12, 18), 6);
        assert_eq!(Fraction::ratio(0, 5), Fraction::zero());
    }
}
