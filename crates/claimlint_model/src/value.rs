//! X12 values parsed from bytes: dates (CCYYMMDD, real calendar dates) and decimal numbers as
//! scaled integers. Money and quantities are never `f64`: `0.1 + 0.2` must equal `0.3`.

use nom::IResult;
use nom::bytes::complete::take_while_m_n;
use nom::character::complete::char;
use nom::combinator::{all_consuming, opt, recognize};
use nom::sequence::{pair, preceded, tuple};

/// A calendar date as YYYYMMDD in one integer (orderable, and the key the data tables use).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub u32);

impl Date {
    pub fn year(self) -> u32 {
        self.0 / 10000
    }
    pub fn month(self) -> u32 {
        self.0 / 100 % 100
    }
    pub fn day(self) -> u32 {
        self.0 % 100
    }

    /// Parses CCYYMMDD and checks that the day exists (20230230 does not).
    pub fn parse(bytes: &[u8]) -> Option<Date> {
        if bytes.len() != 8 || !bytes.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let n = std::str::from_utf8(bytes).ok()?.parse::<u32>().ok()?;
        let d = Date(n);
        (d.year() >= 1000
            && (1..=12).contains(&d.month())
            && (1..=days_in_month(d.year(), d.month())).contains(&d.day()))
        .then_some(d)
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

/// An exact decimal scaled by 10^6: enough for X12 money (2 places) and drug quantities (up to
/// 3 places in CTP04) with no rounding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Dec {
    pub micros: i64,
}

const SCALE: i64 = 1_000_000;

fn number(input: &[u8]) -> IResult<&[u8], &[u8]> {
    let digits = |i| take_while_m_n(0, 18, |c: u8| c.is_ascii_digit())(i);
    recognize(tuple((
        opt(char('-')),
        digits,
        opt(preceded(char('.'), digits)),
    )))(input)
}

impl Dec {
    pub const ZERO: Dec = Dec { micros: 0 };

    pub const fn from_int(n: i64) -> Dec {
        Dec {
            micros: n.saturating_mul(SCALE),
        }
    }

    /// Parses `60`, `0.25`, `-1.5`, `.5`; at most 6 decimals (trailing zeros beyond are fine).
    /// Anything else, or a value that overflows, is `None`.
    pub fn parse_text(s: &str) -> Option<Dec> {
        let s = s.trim();
        let (neg, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let frac = frac.trim_end_matches('0');
        if frac.len() > 6 {
            return None;
        }
        let mut micros: i64 = 0;
        for b in int.bytes() {
            micros = micros.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
        }
        micros = micros.checked_mul(SCALE)?;
        let mut scale = SCALE / 10;
        for b in frac.bytes() {
            micros = micros.checked_add(i64::from(b - b'0') * scale)?;
            scale /= 10;
        }
        Some(Dec {
            micros: if neg { -micros } else { micros },
        })
    }

    /// Parses an X12 R (or N) value: optional minus, digits, optional point and up to six
    /// decimals. Anything else (letters, two points, exponent, more precision) is `None`.
    pub fn parse(bytes: &[u8]) -> Option<Dec> {
        let (_, text) = all_consuming(number)(bytes).ok()?;
        let (neg, body) = match text.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, text),
        };
        let (int, frac) = match memchr::memchr(b'.', body) {
            Some(p) => (&body[..p], &body[p + 1..]),
            None => (body, &[][..]),
        };
        if (int.is_empty() && frac.is_empty()) || frac.len() > 6 {
            return None;
        }
        let mut micros: i64 = 0;
        for &c in int {
            micros = micros.checked_mul(10)?.checked_add(i64::from(c - b'0'))?;
        }
        micros = micros.checked_mul(SCALE)?;
        let mut place = SCALE / 10;
        for &c in frac {
            micros = micros.checked_add(i64::from(c - b'0') * place)?;
            place /= 10;
        }
        Some(Dec {
            micros: if neg { -micros } else { micros },
        })
    }

    pub fn is_positive(self) -> bool {
        self.micros > 0
    }

    pub fn checked_add(self, o: Dec) -> Option<Dec> {
        self.micros
            .checked_add(o.micros)
            .map(|micros| Dec { micros })
    }

    pub fn checked_sub(self, o: Dec) -> Option<Dec> {
        self.micros
            .checked_sub(o.micros)
            .map(|micros| Dec { micros })
    }

    /// `self × other`, exact when the product has at most six decimals (else truncated).
    pub fn checked_mul(self, o: Dec) -> Option<Dec> {
        let p = i128::from(self.micros) * i128::from(o.micros) / i128::from(SCALE);
        i64::try_from(p).ok().map(|micros| Dec { micros })
    }

    /// `self ÷ other`, truncated to six decimals; `None` for division by zero.
    pub fn checked_div(self, o: Dec) -> Option<Dec> {
        if o.micros == 0 {
            return None;
        }
        let q = i128::from(self.micros) * i128::from(SCALE) / i128::from(o.micros);
        i64::try_from(q).ok().map(|micros| Dec { micros })
    }

    pub fn is_integer(self) -> bool {
        self.micros % SCALE == 0
    }

    /// Rounds up to a whole number.
    pub fn ceil(self) -> Dec {
        let r = self.micros.rem_euclid(SCALE);
        if r == 0 {
            self
        } else {
            Dec {
                micros: self.micros - r + SCALE,
            }
        }
    }
}

impl std::fmt::Display for Dec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.micros < 0 { "-" } else { "" };
        let abs = self.micros.unsigned_abs();
        let int = abs / SCALE as u64;
        let frac = abs % SCALE as u64;
        if frac == 0 {
            write!(f, "{sign}{int}")
        } else {
            let s = format!("{frac:06}");
            write!(f, "{sign}{int}.{}", s.trim_end_matches('0'))
        }
    }
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
            b"1.1234567",
            b" 1",
        ] {
            assert_eq!(Dec::parse(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
        assert_eq!(Dec::parse(b"1.13").unwrap().ceil(), Dec::from_int(2));
        assert_eq!(
            Dec::from_int(60).checked_div(Dec::parse(b"0.25").unwrap()),
            Some(Dec::from_int(240))
        );
    }
}
