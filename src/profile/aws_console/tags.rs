//! Session tags: `PrincipalTag:{key}` attributes and TransitiveTagKeys.

use crate::profile::{ClaimError, TagProblem, values};
use crate::saml::Assertion;

use super::{AWS_ATTR_PRINCIPAL_TAG as PRINCIPAL_TAG, AWS_ATTR_TRANSITIVE_TAG_KEYS as TRANSITIVE_TAG_KEYS};

/// AWS's session-tag limits.
const MAX_TAGS: usize = 50;
const MAX_KEY_CHARS: usize = 128;
const MAX_VALUE_CHARS: usize = 256;

/// One session tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionTag {
    /// The key (after `PrincipalTag:`).
    pub key: String,
    /// The value.
    pub value: String,
}

/// Session tags serialized as one JSON object, key to value, in order.
#[cfg(feature = "serde")]
pub(in crate::profile) struct TagMap<'a>(pub(in crate::profile) &'a [SessionTag]);

#[cfg(feature = "serde")]
impl serde::Serialize for TagMap<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|t| (&t.key, &t.value)))
    }
}

/// Letters, digits, spaces and `_ . : / = + - @` (AWS's tag characters).
fn is_tag_text(s: &str) -> bool {
    s.chars().all(|c| c.is_alphanumeric() || " _.:/=+-@".contains(c))
}

/// The `PrincipalTag:{key}` attributes, in order.
pub(super) fn principal_tags(assertion: &Assertion) -> Result<Vec<SessionTag>, ClaimError> {
    prefixed_tags(assertion, PRINCIPAL_TAG).map_err(ClaimError::SessionTags)
}

/// The `{prefix}{key}` attributes as session tags, in order, under AWS's
/// session-tag rules: one value each, keys 1 to 128 and values at most 256
/// of AWS's tag characters, no `aws:` key prefix, keys unique regardless of
/// case, at most 50.
pub(in crate::profile) fn prefixed_tags(
    assertion: &Assertion,
    prefix: &str,
) -> Result<Vec<SessionTag>, TagProblem> {
    // Counted first: the duplicate check below is quadratic in the count.
    let count = assertion.attributes.iter().filter(|a| a.name.starts_with(prefix)).count();
    if count > MAX_TAGS {
        return Err(TagProblem::TooMany(count));
    }
    let mut tags: Vec<SessionTag> = Vec::with_capacity(count);
    for attribute in &assertion.attributes {
        let Some(key) = attribute.name.strip_prefix(prefix) else { continue };
        let (1, Some(value)) = (attribute.values.len(), attribute.values.get(0)) else {
            return Err(TagProblem::NotSingleValued(key.into()));
        };
        if key.is_empty()
            || key.chars().count() > MAX_KEY_CHARS
            || !is_tag_text(key)
            || key.to_ascii_lowercase().starts_with("aws:")
        {
            return Err(TagProblem::InvalidKey(key.into()));
        }
        if value.chars().count() > MAX_VALUE_CHARS || !is_tag_text(value) {
            return Err(TagProblem::InvalidValue(key.into()));
        }
        if tags.iter().any(|t| t.key.eq_ignore_ascii_case(key)) {
            return Err(TagProblem::DuplicateKey(key.into()));
        }
        tags.push(SessionTag { key: key.to_string(), value: value.to_string() });
    }
    Ok(tags)
}

/// TransitiveTagKeys: each must name a session tag (case-insensitively).
pub(super) fn transitive_tag_keys(
    assertion: &Assertion,
    tags: &[SessionTag],
) -> Result<Vec<String>, ClaimError> {
    let keys: Vec<String> = values(assertion, TRANSITIVE_TAG_KEYS).iter().map(str::to_string).collect();
    if let Some(k) = keys.iter().find(|k| !tags.iter().any(|t| t.key.eq_ignore_ascii_case(k))) {
        return Err(ClaimError::SessionTags(TagProblem::UnknownTransitiveKey(k.as_str().into())));
    }
    Ok(keys)
}
