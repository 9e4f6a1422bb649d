//! `xs:dateTime`, read strictly.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::SamlError;

/// Parses an `xs:dateTime` in UTC (`YYYY-MM-DDThh:mm:ss[.fraction]Z`), as SAML
/// requires. chrono's RFC 3339 parser accepts more (lower-case `t`/`z`, spaces,
/// offsets, leap seconds), so the lexical form is checked here first.
pub(crate) fn parse_datetime(text: &str) -> Result<DateTime<Utc>, SamlError> {
    let invalid = || SamlError::InvalidTime(text.into());
    let b = text.as_bytes();
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
    let rest = &text[19..];
    let nanos = match rest.strip_suffix('Z') {
        Some("") => 0,
        Some(fraction) => {
            let digits_part = fraction.strip_prefix('.').ok_or_else(invalid)?;
            if digits_part.is_empty()
                || digits_part.len() > 9
                || !digits_part.bytes().all(|c| c.is_ascii_digit())
            {
                return Err(invalid());
            }
            let value: u32 = digits_part.parse().map_err(|_| invalid())?;
            value * 10u32.pow(9 - u32::try_from(digits_part.len()).map_err(|_| invalid())?)
        }
        None => return Err(invalid()),
    };
    let year = i32::try_from(year).map_err(|_| invalid())?;
    let naive = NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_nano_opt(hour, minute, second, nanos))
        .filter(|_| second < 60)
        .ok_or_else(invalid)?;
    Ok(Utc.from_utc_datetime(&naive))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_are_strict_utc() {
        let t = parse_datetime("2026-01-15T10:00:00.5Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-01-15T10:00:00.500+00:00");
        assert!(parse_datetime("2026-01-15T10:00:00Z").is_ok());
        for bad in [
            "2026-01-15t10:00:00Z",
            "2026-01-15T10:00:00z",
            "2026-01-15 10:00:00Z",
            "2026-01-15T10:00:00+01:00",
            "2026-01-15T10:00:00",
            "2026-01-15T10:00:60Z",
            "2026-01-15T24:00:00Z",
            "2026-02-30T10:00:00Z",
            "2026-01-15T10:00:00.Z",
            "2026-01-15T10:00:00.1234567890Z",
            "+2026-01-15T10:00:00Z",
            "２026-01-15T10:00:00Z",
        ] {
            assert!(parse_datetime(bad).is_err(), "{bad}");
        }
    }
}
