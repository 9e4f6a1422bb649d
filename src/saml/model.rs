//! The values samlguard reads from a signed Assertion: plain data, with no
//! way back to the document.

use chrono::{DateTime, Utc};

/// SAML 2.0 assertion namespace.
pub const SAML_NS: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
/// SAML 2.0 protocol namespace.
pub const SAMLP_NS: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
/// The bearer subject confirmation method.
pub const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
/// The top-level success status.
pub const STATUS_SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";

/// A NameID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameId {
    /// The identifier.
    pub value: String,
    /// The `Format` attribute, when present.
    pub format: Option<String>,
}

/// A SubjectConfirmation and its SubjectConfirmationData.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectConfirmation {
    /// `Method`.
    pub method: String,
    /// `Recipient` of SubjectConfirmationData.
    pub recipient: Option<String>,
    /// `NotBefore` of SubjectConfirmationData.
    pub not_before: Option<DateTime<Utc>>,
    /// `NotOnOrAfter` of SubjectConfirmationData.
    pub not_on_or_after: Option<DateTime<Utc>>,
    /// `InResponseTo` of SubjectConfirmationData.
    pub in_response_to: Option<String>,
}

/// Conditions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conditions {
    /// `NotBefore`.
    pub not_before: Option<DateTime<Utc>>,
    /// `NotOnOrAfter`.
    pub not_on_or_after: Option<DateTime<Utc>>,
    /// Each AudienceRestriction's audiences (restrictions are ANDed, audiences
    /// within one ORed).
    pub audience_restrictions: Vec<Vec<String>>,
    /// A OneTimeUse condition is present.
    pub one_time_use: bool,
    /// A ProxyRestriction condition is present.
    pub proxy_restriction: bool,
    /// Conditions samlguard does not understand (qualified names as written).
    pub unknown: Vec<String>,
}

/// One Attribute with its values in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// `Name`.
    pub name: String,
    /// `FriendlyName`, when present.
    pub friendly_name: Option<String>,
    /// The AttributeValue texts.
    pub values: Values,
}

/// The texts of an Attribute's AttributeValues, in document order, kept in
/// one buffer (a Client VPN login carries up to 200 group IDs: one allocation
/// instead of 200).
///
/// ```
/// # let values = samlguard::saml::Values::from_iter(["a", "b"]);
/// assert_eq!(values.len(), 2);
/// assert_eq!(&values[1], "b");
/// assert_eq!(values.iter().collect::<Vec<_>>(), ["a", "b"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values {
    text: String,
    /// End offset in `text` of each value.
    ends: Vec<usize>,
}

/// No values: what an absent attribute reads as where a reference is needed.
pub(crate) static NO_VALUES: Values = Values { text: String::new(), ends: Vec::new() };

impl Values {
    /// Number of values.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when the Attribute has no AttributeValue.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The value at `index`.
    pub fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        Some(&self.text[start..end])
    }

    /// The values in document order.
    pub fn iter(&self) -> ValuesIter<'_> {
        ValuesIter { values: self, front: 0, back: self.len() }
    }

    pub(crate) fn with_capacity(values: usize, bytes: usize) -> Self {
        Self { text: String::with_capacity(bytes), ends: Vec::with_capacity(values) }
    }

    pub(crate) fn push(&mut self, value: &str) {
        self.text.push_str(value);
        self.ends.push(self.text.len());
    }
}

impl std::ops::Index<usize> for Values {
    type Output = str;

    /// # Panics
    /// When `index` is out of range, like a slice.
    fn index(&self, index: usize) -> &str {
        match self.get(index) {
            Some(value) => value,
            None => panic!("value index {index} out of range for {} values", self.len()),
        }
    }
}

impl<'v> IntoIterator for &'v Values {
    type Item = &'v str;
    type IntoIter = ValuesIter<'v>;

    fn into_iter(self) -> ValuesIter<'v> {
        self.iter()
    }
}

/// Iterator over [`Values`].
#[derive(Debug, Clone)]
pub struct ValuesIter<'v> {
    values: &'v Values,
    front: usize,
    back: usize,
}

impl<'v> Iterator for ValuesIter<'v> {
    type Item = &'v str;

    fn next(&mut self) -> Option<&'v str> {
        if self.front == self.back {
            return None;
        }
        self.front += 1;
        self.values.get(self.front - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.back - self.front, Some(self.back - self.front))
    }
}

impl DoubleEndedIterator for ValuesIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front == self.back {
            return None;
        }
        self.back -= 1;
        self.values.get(self.back)
    }
}

impl ExactSizeIterator for ValuesIter<'_> {}

impl<S: AsRef<str>> FromIterator<S> for Values {
    fn from_iter<I: IntoIterator<Item = S>>(values: I) -> Self {
        let mut out = Self::default();
        for value in values {
            out.push(value.as_ref());
        }
        out
    }
}

impl<S: AsRef<str>> PartialEq<[S]> for Values {
    fn eq(&self, other: &[S]) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == b.as_ref())
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for Values {
    fn eq(&self, other: &[S; N]) -> bool {
        *self == other[..]
    }
}

/// The AuthnStatement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthnStatement {
    /// `AuthnInstant`.
    pub authn_instant: DateTime<Utc>,
    /// `SessionIndex`, when present.
    pub session_index: Option<String>,
    /// `SessionNotOnOrAfter`, when present.
    pub session_not_on_or_after: Option<DateTime<Utc>>,
    /// `AuthnContext/AuthnContextClassRef`, when present.
    pub context_class_ref: Option<String>,
}

/// Everything samlguard reads from a signed Assertion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assertion {
    /// `ID`.
    pub id: String,
    /// `IssueInstant`.
    pub issue_instant: DateTime<Utc>,
    /// The Issuer.
    pub issuer: String,
    /// The subject's NameID.
    pub name_id: Option<NameId>,
    /// The SubjectConfirmations, in document order.
    pub subject_confirmations: Vec<SubjectConfirmation>,
    /// The Conditions, when present.
    pub conditions: Option<Conditions>,
    /// Attributes, in document order (names unique).
    pub attributes: Vec<Attribute>,
    /// The AuthnStatement, when present.
    pub authn: Option<AuthnStatement>,
}

impl Assertion {
    /// The values of the attribute with exactly this `Name`.
    pub fn attribute(&self, name: &str) -> Option<&Values> {
        self.attributes.iter().find(|a| a.name == name).map(|a| &a.values)
    }
}

/// The Response envelope, read only when the Response signature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// `ID`.
    pub id: String,
    /// `IssueInstant`.
    pub issue_instant: DateTime<Utc>,
    /// `Destination`, when present.
    pub destination: Option<String>,
    /// `InResponseTo`, when present.
    pub in_response_to: Option<String>,
    /// The Issuer, when present.
    pub issuer: Option<String>,
}

#[cfg(feature = "serde")]
impl serde::Serialize for Values {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_each_text_and_the_order() {
        let values: Values = ["g1", "", "group-3"].into_iter().collect();
        assert_eq!(values.len(), 3);
        assert_eq!(values.get(1), Some(""));
        assert_eq!(values.get(3), None);
        assert_eq!(&values[2], "group-3");
        assert_eq!(values.iter().rev().collect::<Vec<_>>(), ["group-3", "", "g1"]);
        assert_eq!(values.iter().len(), 3);
        assert_eq!(values, ["g1", "", "group-3"]);
        assert_ne!(values, ["g1", "group-3"]);
        // Same concatenation, different split: not equal.
        assert_ne!(values, ["g1", "g", "roup-3"]);
        assert_ne!(Values::from_iter(["ab", "c"]), Values::from_iter(["a", "bc"]));
        assert!(Values::default().is_empty());
    }
}
