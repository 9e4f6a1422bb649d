//! `xs:dateTime`, read as the XML Schema defines it, in UTC as SAML requires.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};

use super::SamlError;

/// XML Schema's whitespace: what the type's "collapse" facet removes around
/// the value.
fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Parses an `xs:dateTime` in UTC: `YYYY-MM-DDThh:mm:ss[.fraction]Z`.
///
/// As the schema defines the type: surrounding whitespace is collapsed away,
/// the fraction may have any number of digits (nanoseconds are kept, the
/// rest dropped), and `24:00:00` is the next day's midnight. SAML requires
/// UTC, so the value must end in `Z` (an offset is refused). chrono's RFC
/// 3339 parser accepts other forms (lower-case `t`/`z`, spaces, leap
/// seconds), so the lexical form is checked here first.
pub(crate) fn parse_datetime(text: &str) -> Result<DateTime<Utc>, SamlError> {
    let invalid = || SamlError::InvalidTime(text.into());
    let value = text.trim_matches(|c: char| c.is_ascii() && is_xml_space(c as u8));
    let b = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(range)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        part.iter().try_fold(0u32, |acc, d| acc.checked_mul(10)?.checked_add(u32::from(d - b'0')))
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return Err(invalid());
    }
    let (year, month, day) = (digits(0..4), digits(5..7), digits(8..10));
    let (hour, minute, second) = (digits(11..13), digits(14..16), digits(17..19));
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) =
        (year, month, day, hour, minute, second)
    else {
        return Err(invalid());
    };
    let fraction = match value[19..].strip_suffix('Z') {
        Some("") => "",
        Some(fraction) => fraction.strip_prefix('.').filter(|f| !f.is_empty()).ok_or_else(invalid)?,
        None => return Err(invalid()),
    };
    if !fraction.bytes().all(|c| c.is_ascii_digit()) {
        return Err(invalid());
    }
    // Nanoseconds from the first nine digits; the rest is below what chrono holds.
    let nanos = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(9)
        .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
    let year = i32::try_from(year).map_err(|_| invalid())?;
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(invalid)?;
    // 24:00:00 (with nothing after it) is the first instant of the next day.
    if hour == 24 {
        if minute != 0 || second != 0 || fraction.bytes().any(|d| d != b'0') {
            return Err(invalid());
        }
        let midnight = date.and_hms_opt(0, 0, 0).ok_or_else(invalid)?;
        let next = midnight.checked_add_signed(TimeDelta::days(1)).ok_or_else(invalid)?;
        return Ok(Utc.from_utc_datetime(&next));
    }
    let naive =
        date.and_hms_nano_opt(hour, minute, second, nanos).filter(|_| second < 60).ok_or_else(invalid)?;
    Ok(Utc.from_utc_datetime(&naive))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> String {
        parse_datetime(text).unwrap().to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }

    #[test]
    fn the_schema_forms_are_read() {
        assert_eq!(utc("2026-01-15T10:00:00Z"), "2026-01-15T10:00:00Z");
        assert_eq!(utc("2026-01-15T10:00:00.5Z"), "2026-01-15T10:00:00.500Z");
        // Whitespace collapsed away, as the type's facet says.
        assert_eq!(utc(" \t\r\n2026-01-15T10:00:00Z\n "), "2026-01-15T10:00:00Z");
        // Any number of fractional digits: nanoseconds kept, the rest dropped.
        assert_eq!(utc("2026-01-15T10:00:00.123456789999Z"), "2026-01-15T10:00:00.123456789Z");
        assert_eq!(utc("2026-01-15T10:00:00.0000000000000000001Z"), "2026-01-15T10:00:00Z");
        // 24:00:00 is the next day's midnight, across months and years.
        assert_eq!(utc("2026-01-15T24:00:00Z"), "2026-01-16T00:00:00Z");
        assert_eq!(utc("2026-12-31T24:00:00.000Z"), "2027-01-01T00:00:00Z");
    }

    #[test]
    fn everything_else_is_refused() {
        for bad in [
            "2026-01-15t10:00:00Z",
            "2026-01-15T10:00:00z",
            "2026-01-15 10:00:00Z",
            "2026-01-15T10:00:00+01:00",
            "2026-01-15T10:00:00+00:00",
            "2026-01-15T10:00:00",
            "2026-01-15T10:00:60Z",
            "2026-01-15T24:00:01Z",
            "2026-01-15T24:01:00Z",
            "2026-01-15T24:00:00.1Z",
            "2026-01-15T25:00:00Z",
            "2026-02-30T10:00:00Z",
            "2026-01-15T10:00:00.Z",
            "2026-01-15T10:00:00.1a2Z",
            "+2026-01-15T10:00:00Z",
            "２026-01-15T10:00:00Z",
            "2026-01-15T10:00:00Z\u{a0}",
            "",
            "   ",
        ] {
            assert!(parse_datetime(bad).is_err(), "{bad:?}");
        }
    }
}
