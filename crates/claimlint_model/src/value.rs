//! X12 values parsed from bytes: dates (CCYYMMDD, real calendar dates) and decimal numbers as
//! scaled integers. Money and quantities are never `f64`: `0.1 + 0.2` must equal `0.3`.

use nom::IResult;
use nom::bytes::complete::take_while_m_n;
use nom::character::complete::char;
use nom::combinator::all_consuming;
use nom::sequence::{pair, preceded};

/// A calendar date as YYYYMMDD in one integer (orderable, and the key the data tables use).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub u32);

impl Date {
    #[inline]
    pub fn year(self) -> u32 {
        self.0 / 10000
    }
    #[inline]
    pub fn month(self) -> u32 {
        self.0 / 100 % 100
    }
    #[inline]
    pub fn day(self) -> u32 {
        self.0 % 100
    }

    /// Parses CCYYMMDD and checks that the day exists (20230230 does not).
    ///
    /// The eight bytes are read as one word: every byte a digit when its high nibble is 3 and
    /// adding 6 leaves it so (no byte can carry into the next: at most 0x3F + 6); then each
    /// byte times ten plus the next gives the century, year, month and day in bytes 0, 2, 4
    /// and 6 (at most 99 each, no carry), with no division to take the number apart again
    /// (`parse_is_the_digit_loop` checks it against the byte loop).
    #[inline]
    pub fn parse(bytes: &[u8]) -> Option<Date> {
        const NIBBLES: u64 = 0xF0F0_F0F0_F0F0_F0F0;
        const ZEROS: u64 = 0x3030_3030_3030_3030;
        let word: [u8; 8] = bytes.try_into().ok()?;
        let w = u64::from_le_bytes(word);
        if w & NIBBLES != ZEROS || (w + 0x0606_0606_0606_0606) & NIBBLES != ZEROS {
            return None;
        }
        let v = w - ZEROS;
        let pairs = (v * 10 + (v >> 8)) & 0x00FF_00FF_00FF_00FF;
        let pair = |k: u32| (pairs >> (16 * k)) as u32 & 0xFF;
        let (year, month, day) = (pair(0) * 100 + pair(1), pair(2), pair(3));
        (year >= 1000
            && (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day))
        .then_some(Date(year * 10000 + month * 100 + day))
    }

    /// Days since 0000-03-01 (a proleptic Gregorian day number), for intervals.
    pub fn day_number(self) -> i64 {
        let (y, m, d) = (
            i64::from(self.year()),
            i64::from(self.month()),
            i64::from(self.day()),
        );
        let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
        365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d - 1
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.year(),
            self.month(),
            self.day()
        )
    }
}

pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

/// A date or a range, as DTP03 carries it (D8 `CCYYMMDD`, RD8 `CCYYMMDD-CCYYMMDD`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateRange {
    pub start: Date,
    pub end: Date,
}

impl DateRange {
    #[inline]
    pub fn parse(format: &[u8], value: &[u8]) -> Option<DateRange> {
        match format {
            b"RD8" => {
                let dash = memchr::memchr(b'-', value)?;
                Some(DateRange {
                    start: Date::parse(&value[..dash])?,
                    end: Date::parse(&value[dash + 1..])?,
                })
            }
            _ => Date::parse(value).map(|d| DateRange { start: d, end: d }),
        }
    }
}

/// An exact decimal: a whole number of 10^-18, in an `i128`. Every X12 R value fits exactly:
/// an R value has at most 18 digits, sign and point not counted (X12.6 §3.6.3; the TR3s give
/// amounts `R 1/18`), so at most 18 decimals and an integer part under 10^18. The range is
/// ±10^20, room for a sum of a hundred of the largest amounts; past it every operation is
/// `None`, and a rule that cannot add says so in a diagnostic rather than skipping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Dec {
    scaled: i128,
}

/// Decimal places held exactly.
pub const DEC_PLACES: u32 = 18;
/// The longest unsigned value [`Dec::parse`] reads in one pass: 19 bytes hold at most 19
/// digits, fewer than 10^19, so a `u64`, and with a point at most 18 places.
const SHORT: usize = 19;
const SCALE: i128 = 10_i128.pow(DEC_PLACES);
/// The largest magnitude, 10^20; a multiple of `SCALE`, so rounding up stays in range.
const LIMIT: i128 = 10_i128.pow(DEC_PLACES + 20);
/// Quotients are truncated to millionths, as they always were: X12 quantities have at most
/// three decimals, and a message should not print eighteen places of a third.
const QUOTIENT_PLACES: u32 = 6;

/// The value of the ASCII digits `digits`, or `None` for anything that is not a digit or for
/// overflow.
/// The value of at most 19 ASCII digits (empty: 0); `None` for more digits or a non-digit.
#[inline]
fn small_digits(digits: &[u8]) -> Option<u64> {
    if digits.len() > 19 {
        return None;
    }
    let mut v = 0u64;
    for &c in digits {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u64::from(d);
    }
    Some(v)
}

/// 10^k for k up to `DEC_PLACES`: a table, not `i128::pow`'s loop, for every value parsed.
const POW10: [i128; DEC_PLACES as usize + 1] = {
    let mut t = [1i128; DEC_PLACES as usize + 1];
    let mut k = 1;
    while k < t.len() {
        t[k] = t[k - 1] * 10;
        k += 1;
    }
    t
};

/// floor(n · 10^6 / d) by long division, one decimal at a time (the remainder stays below the
/// divisor); `None` where a step overflows.
fn long_quotient(n: u128, d: u128) -> Option<u128> {
    let mut q = n / d;
    let mut r = n % d;
    for _ in 0..QUOTIENT_PLACES {
        r = r.checked_mul(10)?;
        q = q.checked_mul(10)?.checked_add(r / d)?;
        r %= d;
    }
    Some(q)
}

fn digits_value(digits: &[u8], start: i128) -> Option<i128> {
    digits.iter().try_fold(start, |acc, &c| {
        let d = c.checked_sub(b'0').filter(|d| *d <= 9)?;
        acc.checked_mul(10)?.checked_add(i128::from(d))
    })
}

impl Dec {
    pub const ZERO: Dec = Dec { scaled: 0 };
    /// The largest value a `Dec` holds, 10^20.
    pub const MAX: Dec = Dec { scaled: LIMIT };

    /// `Some` when `scaled` is within ±10^20.
    fn new(scaled: i128) -> Option<Dec> {
        (scaled.unsigned_abs() <= LIMIT.unsigned_abs()).then_some(Dec { scaled })
    }

    /// Any `i64` fits: |i64| < 10^19.
    pub const fn from_int(n: i64) -> Dec {
        Dec {
            scaled: n as i128 * SCALE,
        }
    }

    /// A count of millionths, as the build script stores the crosswalk's numbers.
    pub const fn from_micros(micros: i64) -> Dec {
        Dec {
            scaled: micros as i128 * 10_i128.pow(DEC_PLACES - 6),
        }
    }

    /// Parses an X12 R (or N) value: optional minus, digits, optional point and decimals
    /// (`60`, `0.25`, `-1.5`, `.5`, `1.`). Up to 18 decimals, trailing zeros beyond are fine.
    /// Anything else (a plus, letters, two points, an exponent, spaces) or a magnitude past
    /// 10^20 is `None`.
    pub fn parse(bytes: &[u8]) -> Option<Dec> {
        let (neg, body) = match bytes.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, bytes),
        };
        if body.len() <= SHORT {
            let scaled = Dec::parse_short(body)?;
            return Some(Dec {
                scaled: if neg { -scaled } else { scaled },
            });
        }
        Dec::parse_long(neg, body)
    }

    /// [`Dec::parse`] of an unsigned body of at most [`SHORT`] bytes (nearly every value): one
    /// pass, the digits on both sides of the point read as one `u64` (fewer than 10^19), then
    /// scaled by the places it has. Its value is `parse_long`'s: digits `w` and fraction `f`
    /// of `p` places are w·10^p + f, times 10^(18 − p) is w·10^18 + f·10^(18 − p); trailing
    /// zeros of the fraction change neither, and at most 18 places fit. Below 10^37, so within
    /// range.
    #[inline]
    fn parse_short(body: &[u8]) -> Option<i128> {
        let mut v = 0u64;
        // The index of the point, once seen.
        let mut point = None;
        for (i, &c) in body.iter().enumerate() {
            let d = c.wrapping_sub(b'0');
            if d <= 9 {
                v = v * 10 + u64::from(d);
            } else if c == b'.' && point.is_none() {
                point = Some(i);
            } else {
                return None;
            }
        }
        let places = match point {
            // "" and "." hold no digit.
            _ if body.len() <= usize::from(point.is_some()) => return None,
            Some(p) => body.len() - p - 1,
            None => 0,
        };
        Some(i128::from(v) * POW10.get(DEC_PLACES as usize - places)?)
    }

    /// [`Dec::parse`] of a longer unsigned body (`neg`: its sign).
    fn parse_long(neg: bool, body: &[u8]) -> Option<Dec> {
        // Values are a few bytes: a plain scan, not memchr's set-up.
        let (int, frac) = match body.iter().position(|&c| c == b'.') {
            Some(p) => (body.get(..p)?, body.get(p + 1..)?),
            None => (body, &[][..]),
        };
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        let frac_len = frac.iter().rposition(|&c| c != b'0').map_or(0, |p| p + 1);
        let frac = frac.get(..frac_len)?;
        let places = u32::try_from(frac.len()).ok()?;
        if places > DEC_PLACES || !frac.iter().all(u8::is_ascii_digit) {
            return None;
        }
        if let (Some(w), Some(f)) = (small_digits(int), small_digits(frac)) {
            // Up to 19 digits each: whole < 10^19 and the fraction < 10^18 after scaling, so
            // the i128 arithmetic below cannot overflow, and needs no checked (slow) i128 ops.
            let part = i128::from(f) * POW10[(DEC_PLACES - places) as usize];
            let scaled = i128::from(w) * SCALE + part;
            return Dec::new(if neg { -scaled } else { scaled });
        }
        let whole = digits_value(int, 0)?.checked_mul(SCALE)?;
        let part = digits_value(frac, 0)?.checked_mul(POW10[(DEC_PLACES - places) as usize])?;
        let scaled = whole.checked_add(part)?;
        Dec::new(if neg { -scaled } else { scaled })
    }

    /// Parses a number written in a data file or a config: as [`Dec::parse`], but surrounding
    /// spaces and a leading plus are allowed.
    pub fn parse_text(s: &str) -> Option<Dec> {
        let s = s.trim();
        let body = s.strip_prefix('+').unwrap_or(s);
        if body.starts_with(['-', '+']) && s.starts_with('+') {
            return None;
        }
        Dec::parse(body.as_bytes())
    }

    #[inline]
    pub fn is_positive(self) -> bool {
        self.scaled > 0
    }

    pub fn abs(self) -> Dec {
        // The range is symmetric, so the magnitude is in it too.
        Dec {
            scaled: self.scaled.abs(),
        }
    }

    #[inline]
    pub fn checked_add(self, o: Dec) -> Option<Dec> {
        Dec::new(self.scaled.checked_add(o.scaled)?)
    }

    #[inline]
    pub fn checked_sub(self, o: Dec) -> Option<Dec> {
        Dec::new(self.scaled.checked_sub(o.scaled)?)
    }

    /// `self × other`, exact when the product has at most 18 decimals (else truncated toward
    /// zero); `None` past the range.
    pub fn checked_mul(self, o: Dec) -> Option<Dec> {
        // When the product of the scaled values fits (|a·b| < 170 in value: units times a
        // unit price or a ratio, not times a charge), it is `split_mul`'s sum before truncation: one division in
        // place of four. Exact: the sum's terms all share the product's sign, so truncating
        // the whole product truncates only the last term's fraction, as `split_mul` does.
        match self.scaled.checked_mul(o.scaled) {
            Some(product) => Dec::new(product / SCALE),
            None => self.split_mul(o),
        }
    }

    /// [`Dec::checked_mul`] for any operands: split at the point so no partial product
    /// overflows: (ai + af)(bi + bf) = ai·bi + ai·bf + af·bi + af·bf.
    fn split_mul(self, o: Dec) -> Option<Dec> {
        let (ai, af) = (self.scaled / SCALE, self.scaled % SCALE);
        let (bi, bf) = (o.scaled / SCALE, o.scaled % SCALE);
        // Every term has the sign of the product, so truncating the last truncates the sum.
        let scaled = ai
            .checked_mul(bi)?
            .checked_mul(SCALE)?
            .checked_add(ai.checked_mul(bf)?)?
            .checked_add(af.checked_mul(bi)?)?
            .checked_add(af.checked_mul(bf)? / SCALE)?;
        Dec::new(scaled)
    }

    /// `self ÷ other`, truncated toward zero to six decimals; `None` for division by zero
    /// or past the range.
    pub fn checked_div(self, o: Dec) -> Option<Dec> {
        if o.scaled == 0 {
            return None;
        }
        let (n, d) = (self.scaled.unsigned_abs(), o.scaled.unsigned_abs());
        // floor(n · 10^6 / d), which the long division below computes a decimal at a time;
        // in one division when n · 10^6 fits and the divisor is small enough that the long
        // division could not have overflowed either (`remainder · 10` < `d · 10`).
        let q = match n.checked_mul(10u128.pow(QUOTIENT_PLACES)) {
            Some(scaled_n) if d < u128::MAX / 10 => scaled_n / d,
            _ => long_quotient(n, d)?,
        };
        let q = i128::try_from(q)
            .ok()?
            .checked_mul(10_i128.pow(DEC_PLACES - QUOTIENT_PLACES))?;
        let neg = (self.scaled < 0) != (o.scaled < 0);
        Dec::new(if neg { -q } else { q })
    }

    #[inline]
    pub fn is_integer(self) -> bool {
        self.scaled % SCALE == 0
    }

    /// Rounds up to a whole number.
    pub fn ceil(self) -> Dec {
        let r = self.scaled.rem_euclid(SCALE);
        if r == 0 {
            self
        } else {
            // Below LIMIT, a multiple of SCALE, so the next whole number is within range.
            Dec {
                scaled: self.scaled - r + SCALE,
            }
        }
    }
}

/// Writes a sign, the whole part and the fraction (`frac` < 10^18), trailing zeros dropped.
fn write_decimal(
    f: &mut std::fmt::Formatter<'_>,
    neg: bool,
    whole: u128,
    frac: u128,
) -> std::fmt::Result {
    let sign = if neg && (whole, frac) != (0, 0) {
        "-"
    } else {
        ""
    };
    if frac == 0 {
        write!(f, "{sign}{whole}")
    } else {
        let s = format!("{frac:018}");
        write!(f, "{sign}{whole}.{}", s.trim_end_matches('0'))
    }
}

impl std::fmt::Display for Dec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let abs = self.scaled.unsigned_abs();
        let scale = SCALE.unsigned_abs();
        write_decimal(f, self.scaled < 0, abs / scale, abs % scale)
    }
}

/// A running sum of `Dec`s over a whole audit: whole units in an `i128` and the fraction apart
/// (0 ≤ `frac` < 10^18, so the value is `whole + frac·10^-18`, floored). Each `Dec` adds at
/// most 10^20, so reaching the `i128` limit of 1.7·10^38 takes over 10^18 additions, more
/// than any input has segments; the saturating adds can therefore not be reached.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Total {
    whole: i128,
    frac: i128,
}

impl Total {
    #[inline]
    pub fn of(d: Dec) -> Total {
        Total {
            whole: d.scaled.div_euclid(SCALE),
            frac: d.scaled.rem_euclid(SCALE),
        }
    }

    pub fn from_int(n: i128) -> Total {
        Total { whole: n, frac: 0 }
    }

    #[inline]
    pub fn add(&mut self, d: Dec) {
        self.plus(Total::of(d));
    }

    #[inline]
    pub fn plus(&mut self, o: Total) {
        // Both fractions are below 10^18, so their sum is below 2·10^18: at most one whole
        // unit carries, and no (128-bit, library-call) division is needed to find it.
        let frac = self.frac + o.frac;
        let carry = frac >= SCALE;
        self.frac = if carry { frac - SCALE } else { frac };
        self.whole = self
            .whole
            .saturating_add(o.whole)
            .saturating_add(i128::from(carry));
    }

    #[inline]
    pub fn minus(&mut self, o: Total) {
        // −(w + f) = (−w − 1) + (1 − f) when f > 0.
        let negated = if o.frac > 0 {
            Total {
                whole: o.whole.saturating_neg().saturating_sub(1),
                frac: SCALE - o.frac,
            }
        } else {
            Total {
                whole: o.whole.saturating_neg(),
                frac: 0,
            }
        };
        self.plus(negated);
    }

    #[inline]
    pub fn is_zero(self) -> bool {
        self.whole == 0 && self.frac == 0
    }

    fn is_negative(self) -> bool {
        self.whole < 0
    }

    /// The magnitude as (whole, fraction in 10^-18).
    fn magnitude(self) -> (u128, u128) {
        if self.whole < 0 && self.frac > 0 {
            // −(w + f) with w < 0: |w| − 1 whole units and 1 − f.
            let whole = self.whole.unsigned_abs() - 1;
            (whole, (SCALE - self.frac).unsigned_abs())
        } else {
            (self.whole.unsigned_abs(), self.frac.unsigned_abs())
        }
    }

    /// The value with exactly `places` decimals (at most 18), rounded half away from zero:
    /// `1234.56`, `-5.00`.
    pub fn to_fixed(self, places: u32) -> String {
        let places = places.min(DEC_PLACES);
        let (whole, frac) = self.magnitude();
        let unit = 10_u128.pow(DEC_PLACES - places);
        let mut digits = (frac + unit / 2) / unit;
        let mut whole = whole;
        if digits == 10_u128.pow(places) {
            digits = 0;
            whole = whole.saturating_add(1);
        }
        let sign = if self.is_negative() && (whole, digits) != (0, 0) {
            "-"
        } else {
            ""
        };
        match places {
            0 => format!("{sign}{whole}"),
            p => format!("{sign}{whole}.{digits:0width$}", width = p as usize),
        }
    }

    /// An approximation, only for drawing.
    pub fn as_f64(self) -> f64 {
        self.whole as f64 + self.frac as f64 / SCALE as f64
    }
}

impl std::fmt::Display for Total {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (whole, frac) = self.magnitude();
        write_decimal(f, self.is_negative(), whole, frac)
    }
}

/// Where a segment holds a date read by its format qualifier, as the TR3 segment notes say
/// (DTP02 then DTP03, DMG01 then DMG02): (qualifier element, date element).
pub fn qualified_date_at(id: &[u8]) -> Option<(usize, usize)> {
    match id {
        b"DTP" => Some((2, 3)),
        b"DMG" => Some((1, 2)),
        _ => None,
    }
}

/// Whether `value` is what format qualifier `format` says: `D8` one CCYYMMDD date, `RD8` a
/// CCYYMMDD-CCYYMMDD range, `DT` CCYYMMDDHHMM (a day and a time that exist), `TM` a time of
/// day HHMM (data element 1250 code TM, "Time Expressed in Format HHMM", as 837I 2300
/// `DTP*096*TM*1130` writes the discharge hour: eedi.net's 837 institutional guide pages,
/// DTP Discharge Hour); `None` for another qualifier, which says nothing of the form.
pub fn fits_date_format(format: &[u8], value: &[u8]) -> Option<bool> {
    let single = |v: &[u8]| Date::parse(v).is_some();
    Some(match format {
        b"D8" => single(value),
        b"RD8" => value
            .iter()
            .position(|&b| b == b'-')
            .and_then(|d| Some((value.get(..d)?, value.get(d + 1..)?)))
            .is_some_and(|(a, b)| single(a) && single(b)),
        b"DT" => is_date_time(value),
        b"TM" => is_hhmm(value),
        _ => return None,
    })
}

/// Is `t` HHMM, a time of day on the 24-hour clock?
fn is_hhmm(t: &[u8]) -> bool {
    t.len() == 4 && claimlint_ig::is_time(t)
}

/// Is `v` CCYYMMDDHHMM with a real date and time?
fn is_date_time(v: &[u8]) -> bool {
    let (Some(d), Some(t)) = (v.get(..8), v.get(8..)) else {
        return false;
    };
    Date::parse(d).is_some() && is_hhmm(t)
}

/// Is this an X12 date value in the form `pair(digits, digits)`? Used by `Date::parse` callers
/// that accept either D8 or RD8 without a qualifier.
pub fn looks_like_range(value: &[u8]) -> bool {
    fn eight(i: &[u8]) -> IResult<&[u8], &[u8]> {
        take_while_m_n(8, 8, |c: u8| c.is_ascii_digit())(i)
    }
    let parsed: IResult<&[u8], _> = all_consuming(pair(eight, preceded(char('-'), eight)))(value);
    parsed.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-division product agrees with the split one wherever it is taken, signs, fractions
    /// that truncate, and products at the edge of `i128` included (13.04² fits, 13.04 × 13.05
    /// does not).
    #[test]
    fn checked_mul_agrees_with_the_split_product() {
        let values = [
            "0",
            "1",
            "-1",
            "0.5",
            "-0.25",
            "1.000000000000000001",
            "-0.000000000000000001",
            "3.333333333333333333",
            "-7.777777777777777777",
            "12.5",
            "13.04",
            "-13.04",
            "13.05",
            "99.999999999999999999",
            "1000",
            "-123456.789",
            "100000000000000000000",
            "-100000000000000000000",
        ];
        let decs: Vec<Dec> = values
            .iter()
            .map(|v| Dec::parse(v.as_bytes()).unwrap())
            .collect();
        for &a in &decs {
            for &b in &decs {
                assert_eq!(a.checked_mul(b), a.split_mul(b), "{a} × {b}");
            }
        }
    }

    /// The word-at-a-time `Date::parse` answers as the byte loop it replaced, for every
    /// month and day (valid or not) of years around the edges, and for bytes next to the
    /// digits (`/`, `:`, `O`, a high byte) at each place.
    #[test]
    fn parse_is_the_digit_loop() {
        fn by_loop(bytes: &[u8]) -> Option<Date> {
            if bytes.len() != 8 || !bytes.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let n = bytes
                .iter()
                .fold(0u32, |n, &b| n * 10 + u32::from(b - b'0'));
            let d = Date(n);
            (d.year() >= 1000
                && (1..=12).contains(&d.month())
                && (1..=days_in_month(d.year(), d.month())).contains(&d.day()))
            .then_some(d)
        }
        let mut cases: Vec<Vec<u8>> = Vec::new();
        for year in [0u32, 999, 1000, 1900, 1999, 2000, 2023, 2024, 2100, 9999] {
            for month in 0..=13u32 {
                for day in 0..=32u32 {
                    cases.push(format!("{year:04}{month:02}{day:02}").into_bytes());
                }
            }
        }
        let base = b"20240229".to_vec();
        for at in 0..8 {
            for b in [b'/', b':', b'O', b' ', 0x00, 0x80, 0xff, b'0' - 1, b'9' + 1] {
                let mut v = base.clone();
                v[at] = b;
                cases.push(v);
            }
        }
        cases.extend([b"".to_vec(), b"2024022".to_vec(), b"202402290".to_vec()]);
        for c in cases {
            assert_eq!(
                Date::parse(&c),
                by_loop(&c),
                "{:?}",
                String::from_utf8_lossy(&c)
            );
        }
    }

    #[test]
    fn dates() {
        assert_eq!(Date::parse(b"20260115"), Some(Date(20260115)));
        assert_eq!(Date::parse(b"20230230"), None);
        assert_eq!(Date::parse(b"20240229"), Some(Date(20240229)));
        assert_eq!(Date::parse(b"20230229"), None);
        assert_eq!(Date::parse(b"2026011"), None);
        assert_eq!(Date::parse(b"2026O115"), None);
        assert_eq!(Date(20260115).to_string(), "2026-01-15");
        assert_eq!(Date(20260301).day_number() - Date(20260228).day_number(), 1);
        assert_eq!(
            Date(20250101).day_number() - Date(20240101).day_number(),
            366
        );
    }

    #[test]
    fn ranges() {
        let r = DateRange::parse(b"RD8", b"20260101-20260105").unwrap();
        assert_eq!((r.start, r.end), (Date(20260101), Date(20260105)));
        assert!(DateRange::parse(b"RD8", b"20260101").is_none());
        assert!(looks_like_range(b"20260101-20260105"));
    }

    #[test]
    fn decimals_are_exact() {
        let a = Dec::parse(b"0.1").unwrap();
        let b = Dec::parse(b"0.2").unwrap();
        assert_eq!(a.checked_add(b), Dec::parse(b"0.3"));
        assert_eq!(Dec::parse(b"-12.50").unwrap().to_string(), "-12.5");
        assert_eq!(Dec::parse(b"60").unwrap(), Dec::from_int(60));
        assert_eq!(Dec::parse(b".5").unwrap().to_string(), "0.5");
        for bad in [
            &b""[..],
            b"-",
            b".",
            b"1.2.3",
            b"1e3",
            b"12a",
            b"1.0000000000000000001",
            b" 1",
            b"+1",
            b"--1",
            b"1-",
        ] {
            assert_eq!(Dec::parse(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
        assert_eq!(Dec::parse(b"1.13").unwrap().ceil(), Dec::from_int(2));
        assert_eq!(Dec::parse(b"-1.13").unwrap().ceil(), Dec::from_int(-1));
        assert_eq!(
            Dec::from_int(60).checked_div(Dec::parse(b"0.25").unwrap()),
            Some(Dec::from_int(240))
        );
    }

    fn d(s: &str) -> Dec {
        Dec::parse(s.as_bytes()).unwrap()
    }

    /// The one-pass read of short values agrees with the general one (`parse_long`, the
    /// parse as it was before the short path) on every string of up to five bytes over
    /// digits, point, sign and a letter, and on values of 16 to 22 digits around the short
    /// path's limit (with a point, a sign and a trailing zero, up to 24 bytes).
    #[test]
    fn short_values_parse_as_long_ones_do() {
        let long = |b: &[u8]| match b.split_first() {
            Some((b'-', rest)) => Dec::parse_long(true, rest),
            _ => Dec::parse_long(false, b),
        };
        let alphabet = b"0159.-a";
        let mut texts: Vec<Vec<u8>> = vec![Vec::new()];
        let mut layer: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..5 {
            layer = layer
                .iter()
                .flat_map(|t| alphabet.iter().map(move |&c| [t.as_slice(), &[c]].concat()))
                .collect();
            texts.extend(layer.iter().cloned());
        }
        for digits in 16..=21 {
            let all = "9".repeat(digits);
            for point in 0..=digits {
                let (a, b) = all.split_at(point);
                for text in [format!("{a}.{b}"), format!("-{a}.{b}"), format!("{a}.{b}0")] {
                    texts.push(text.into_bytes());
                }
            }
            texts.push(all.clone().into_bytes());
            texts.push(format!("-{all}").into_bytes());
            texts.push(format!("1{}", "0".repeat(digits)).into_bytes());
        }
        for t in &texts {
            assert_eq!(Dec::parse(t), long(t), "{:?}", String::from_utf8_lossy(t));
        }
    }

    /// Issue 13: every R value of up to 18 digits parses exactly, the old `i64` of millionths
    /// held neither 9999999999999.99 nor a seventh decimal.
    #[test]
    fn eighteen_digit_extremes_are_exact() {
        for text in [
            "9999999999999.99",
            "999999999999999999",
            "-999999999999999999",
            ".999999999999999999",
            "-.000000000000000001",
            "123456789.123456789",
            "1.1234567",
        ] {
            let v = d(text);
            let shown = v.to_string();
            let canon = text.replace("-.", "-0.");
            let canon = if canon.starts_with('.') {
                format!("0{canon}")
            } else {
                canon
            };
            assert_eq!(shown, canon, "{text}");
            assert_eq!(Dec::parse(shown.as_bytes()), Some(v));
        }
        assert_eq!(
            d("0.000000000000000001000").to_string(),
            "0.000000000000000001"
        );
        assert_eq!(d("-0").to_string(), "0");
        // The smallest step is kept in a sum with the largest value.
        let big = d("999999999999999999");
        let tiny = d(".000000000000000001");
        assert_eq!(
            big.checked_add(tiny).unwrap().to_string(),
            "999999999999999999.000000000000000001"
        );
        // A hundred of the largest still add; past ±10^20 is None, never a wrapped value.
        let mut sum = Dec::ZERO;
        for _ in 0..100 {
            sum = sum.checked_add(big).unwrap();
        }
        assert_eq!(sum.to_string(), "99999999999999999900");
        assert_eq!(sum.checked_add(Dec::from_int(100)), Some(Dec::MAX));
        assert_eq!(sum.checked_add(Dec::from_int(101)), None);
        assert_eq!(
            Dec::ZERO.checked_sub(Dec::MAX).unwrap().checked_sub(tiny),
            None
        );
        assert_eq!(Dec::parse(b"100000000000000000000"), Some(Dec::MAX));
        assert_eq!(
            Dec::parse(b"100000000000000000000.000000000000000001"),
            None
        );
        assert_eq!(Dec::parse(b"1000000000000000000000"), None);
        assert_eq!(Dec::parse(&[b'9'; 60]), None);
        assert_eq!(Dec::MAX.ceil(), Dec::MAX);
    }

    #[test]
    fn products_and_quotients() {
        assert_eq!(d("1.5").checked_mul(d("-2.25")), Some(d("-3.375")));
        assert_eq!(d("-1.5").checked_mul(d("-2.25")), Some(d("3.375")));
        assert_eq!(
            d("999999999999999999").checked_mul(d("100")),
            Some(d("99999999999999999900"))
        );
        assert_eq!(d("999999999999999999").checked_mul(d("1000")), None);
        assert_eq!(
            d(".000000001").checked_mul(d(".000000001")),
            Some(d(".000000000000000001"))
        );
        // Below the last place: truncated toward zero.
        assert_eq!(
            d(".000000001").checked_mul(d("-.0000000001")),
            Some(Dec::ZERO)
        );
        assert_eq!(d("1").checked_div(d("3")), Some(d("0.333333")));
        assert_eq!(d("-2").checked_div(d("3")), Some(d("-0.666666")));
        assert_eq!(
            d("999999999999999999").checked_div(d(".5")),
            Some(d("1999999999999999998"))
        );
        assert_eq!(d("1").checked_div(Dec::ZERO), None);
        assert_eq!(Dec::MAX.checked_div(d(".01")), None);
        assert_eq!(Dec::from_micros(1_500_000), d("1.5"));
        assert_eq!(Dec::from_int(i64::MIN).to_string(), i64::MIN.to_string());
        assert_eq!(Dec::parse_text(" +2.50 "), Some(d("2.5")));
        assert_eq!(Dec::parse_text("+-2"), None);
        assert_eq!(d("-3.25").abs(), d("3.25"));
    }

    /// The one-division quotient is the long division's (`long_quotient`, kept for operands
    /// too large for one division), for small, huge and signed operands.
    #[test]
    fn division_agrees_with_long_division() {
        let values = [
            "0",
            "1",
            "-1",
            "3",
            "0.25",
            "60",
            "-7.5",
            "0.000001",
            ".000000000000000001",
            "999999999999999999",
            "123456789.123456789",
            "100000000000000000000",
            "-100000000000000000000",
            "340282366920938",
            "340282366920939",
            "12345678901234567",
        ];
        for a in values {
            for b in values {
                let (a, b) = (d(a), d(b));
                let long = (b.scaled != 0)
                    .then(|| long_quotient(a.scaled.unsigned_abs(), b.scaled.unsigned_abs()))
                    .flatten()
                    .and_then(|q| i128::try_from(q).ok())
                    .and_then(|q| q.checked_mul(10_i128.pow(DEC_PLACES - QUOTIENT_PLACES)))
                    .and_then(|q| {
                        Dec::new(if (a.scaled < 0) != (b.scaled < 0) {
                            -q
                        } else {
                            q
                        })
                    });
                assert_eq!(a.checked_div(b), long, "{a} / {b}");
            }
        }
    }

    /// A sum carries as the division by 10^18 would: whole and fraction of every pair.
    #[test]
    fn total_sums_carry_as_division_would() {
        let values = [
            "0",
            "1",
            "-1",
            "0.5",
            "-0.5",
            "0.999999999999999999",
            "-0.999999999999999999",
            "60",
            "-7.25",
            "100000000000000000000",
            "-100000000000000000000",
            ".000000000000000001",
        ];
        for a in values {
            for b in values {
                let (x, y) = (Total::of(d(a)), Total::of(d(b)));
                let mut sum = x;
                sum.plus(y);
                let frac = x.frac + y.frac;
                let want = Total {
                    whole: x.whole + y.whole + frac / SCALE,
                    frac: frac % SCALE,
                };
                assert_eq!(sum, want, "{a} + {b}");
            }
        }
    }

    #[test]
    fn totals_never_lose_a_digit() {
        let mut t = Total::default();
        t.add(d("-0.25"));
        assert_eq!(t.to_string(), "-0.25");
        assert_eq!(t.to_fixed(1), "-0.3");
        t.add(d("0.25"));
        assert!(t.is_zero());
        for _ in 0..10_000 {
            t.add(Dec::MAX);
        }
        assert_eq!(t.to_string(), format!("1{}", "0".repeat(24)));
        assert_eq!(Total::from_int(5).to_fixed(0), "5");
        let mut m = Total::of(d("1"));
        m.minus(Total::of(d("2.75")));
        assert_eq!(m.to_string(), "-1.75");
        m.minus(Total::of(d("-1.75")));
        assert!(m.is_zero());
        assert_eq!(Total::of(d("2.5")).to_fixed(0), "3");
    }

    /// Each format qualifier's form: D8, RD8, DT and TM (HHMM on the 24-hour clock); any
    /// other qualifier says nothing of the value.
    #[test]
    fn date_formats() {
        use super::fits_date_format as fits;
        assert_eq!(fits(b"D8", b"20260229"), Some(false));
        assert_eq!(fits(b"D8", b"20280229"), Some(true));
        assert_eq!(fits(b"RD8", b"20260101-20260115"), Some(true));
        assert_eq!(fits(b"DT", b"202601151130"), Some(true));
        assert_eq!(fits(b"DT", b"202601152400"), Some(false));
        for (t, ok) in [
            ("1130", true),
            ("0000", true),
            ("2359", true),
            ("2400", false),
        ] {
            assert_eq!(fits(b"TM", t.as_bytes()), Some(ok), "{t}");
        }
        for t in ["1160", "113", "11300", "X", "11:3"] {
            assert_eq!(fits(b"TM", t.as_bytes()), Some(false), "{t}");
        }
        assert_eq!(fits(b"CY", b"2026"), None);
    }
}
