//! Certificates as operators compare them: subject, SHA-256 and SHA-1
//! thumbprints (the SHA-1 one is what the Entra portal shows), validity.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use samlguard::crypto::PublicKey;
use serde_json::{Value, json};

use crate::output::{hex, rfc3339, show};
use crate::report::Report;
use crate::style::Style;

/// Days before expiry from which a certificate is reported as expiring.
pub(crate) const EXPIRY_WARNING_DAYS: i64 = 30;

/// A certificate from its base64 text (whitespace allowed), as KeyInfo and
/// metadata carry it.
pub(crate) fn from_base64(text: &str) -> Result<PublicKey, String> {
    let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let der = STANDARD.decode(compact).map_err(|_| "not valid base64".to_owned())?;
    PublicKey::from_certificate_der(&der).map_err(|e| e.to_string())
}

/// Where a certificate stands at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Validity {
    NotYetValid,
    Valid,
    /// Valid, but for fewer than [`EXPIRY_WARNING_DAYS`] days.
    Expiring,
    Expired,
}

impl Validity {
    pub(crate) fn at(key: &PublicKey, now: DateTime<Utc>) -> Self {
        if now < key.not_before() {
            Self::NotYetValid
        } else if now >= key.not_after() {
            Self::Expired
        } else if key.not_after() - now < chrono::TimeDelta::days(EXPIRY_WARNING_DAYS) {
            Self::Expiring
        } else {
            Self::Valid
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::NotYetValid => "not_yet_valid",
            Self::Valid => "valid",
            Self::Expiring => "expiring",
            Self::Expired => "expired",
        }
    }
}

/// Whole days from `now` to `then` (negative when `then` is past).
pub(crate) fn days_between(now: DateTime<Utc>, then: DateTime<Utc>) -> i64 {
    (then - now).num_days()
}

/// `subject`, `SHA-256`, `SHA-1` and `valid` lines, at `indent`, the first
/// label after `prefix` (`#1 `); with `now`, the validity line says how long
/// is left.
pub(crate) fn lines(
    report: &mut Report,
    indent: usize,
    prefix: &str,
    key: &PublicKey,
    now: Option<DateTime<Utc>>,
) {
    report.indented(indent, &format!("{prefix}subject"), show(key.subject()));
    let indent = indent + prefix.chars().count();
    report.indented(indent, "SHA-256", hex(&key.sha256_thumbprint(), true));
    report.indented(indent, "SHA-1", hex(&key.sha1_thumbprint(), true));
    let window = format!("{} .. {}", rfc3339(key.not_before()), rfc3339(key.not_after()));
    let style = Style::stdout();
    let status = now.map(|now| match Validity::at(key, now) {
        Validity::NotYetValid => {
            style.warn(&format!(" (NOT YET VALID: starts in {} days)", days_between(now, key.not_before())))
        }
        Validity::Expired => {
            style.bad(&format!(" (EXPIRED {} days ago)", -days_between(now, key.not_after())))
        }
        Validity::Expiring => {
            style.warn(&format!(" (EXPIRES in {} days)", days_between(now, key.not_after())))
        }
        Validity::Valid => format!(" ({} days left)", days_between(now, key.not_after())),
    });
    report.indented(indent, "valid", format!("{window}{}", status.unwrap_or_default()));
}

/// The same fields as JSON (thumbprints in lower-case hex, like `key_sha256`).
pub(crate) fn json(key: &PublicKey) -> Value {
    json!({
        "subject": key.subject(),
        "sha256": hex(&key.sha256_thumbprint(), false),
        "sha1": hex(&key.sha1_thumbprint(), false),
        "not_before": rfc3339(key.not_before()),
        "not_after": rfc3339(key.not_after()),
    })
}
