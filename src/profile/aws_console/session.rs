//! The session attributes: RoleSessionName, SessionDuration, SourceIdentity.

use crate::profile::{ClaimError, single};
use crate::saml::Assertion;

use super::AWS_ATTR_ROLE_SESSION_NAME as ROLE_SESSION_NAME;
use super::AWS_ATTR_SESSION_DURATION as SESSION_DURATION;
use super::AWS_ATTR_SOURCE_IDENTITY as SOURCE_IDENTITY;

/// `[\w+=,.@-]{2,64}` with `\w` = ASCII letters, digits and `_` (AWS's
/// pattern; ASCII only, so nothing invisible fits).
pub(crate) fn is_aws_name(value: &str) -> bool {
    (2..=64).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
}

/// RoleSessionName: required, one value, AWS's pattern.
pub(super) fn role_session_name(assertion: &Assertion) -> Result<String, ClaimError> {
    let name = single(assertion, ROLE_SESSION_NAME)
        .map_err(|_| ClaimError::RoleSessionName(None))?
        .ok_or(ClaimError::RoleSessionName(None))?;
    if !is_aws_name(name) {
        return Err(ClaimError::RoleSessionName(Some(name.into())));
    }
    Ok(name.to_string())
}

/// SessionDuration: optional, one integer from 900 to 43200 seconds.
pub(super) fn session_duration(assertion: &Assertion) -> Result<Option<u32>, ClaimError> {
    let Some(text) =
        single(assertion, SESSION_DURATION).map_err(|_| ClaimError::SessionDuration("".into()))?
    else {
        return Ok(None);
    };
    let seconds = text
        .parse::<u32>()
        .ok()
        .filter(|s| (900..=43200).contains(s) && text.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| ClaimError::SessionDuration(text.into()))?;
    Ok(Some(seconds))
}

/// SourceIdentity: optional, one value, AWS's pattern, not starting with `aws:`.
pub(super) fn source_identity(assertion: &Assertion) -> Result<Option<String>, ClaimError> {
    match single(assertion, SOURCE_IDENTITY).map_err(|_| ClaimError::SourceIdentity("".into()))? {
        None => Ok(None),
        Some(s) if is_aws_name(s) && !s.to_ascii_lowercase().starts_with("aws:") => Ok(Some(s.to_string())),
        Some(s) => Err(ClaimError::SourceIdentity(s.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_names() {
        assert!(is_aws_name("alice@example.com"));
        assert!(!is_aws_name("a"));
        assert!(!is_aws_name("alice example"));
        assert!(!is_aws_name(&"a".repeat(65)));
        assert!(!is_aws_name("ali\u{200b}ce"));
    }
}
