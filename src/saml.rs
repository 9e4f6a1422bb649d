//! Typed, read-only SAML 2.0 values, extracted only from nodes a
//! [`VerifiedSignature`] covers (security invariant 7).
//!
//! [`read_assertion`] and [`read_envelope`] take the proofs returned by the
//! signature stage and refuse any node those proofs do not cover, so nothing
//! unsigned can be read through this module. Shapes are checked strictly:
//! duplicated singletons (Issuer, Subject, Conditions, NameID...), encrypted
//! identifiers or attributes, and element children inside value elements are
//! refused. A text value is the concatenation of all its text and CDATA
//! (invariant 8): `user@corp.com<!---->.evil.com` reads
//! `user@corp.com.evil.com`, never `user@corp.com`.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use crate::dsig::{DSIG_NS, VerifiedSignature};
use crate::policy::PolicyError;
use crate::xml::{Document, ElementRef, NodeId};

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

/// The (single, bearer) SubjectConfirmation's data.
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

    fn with_capacity(values: usize, bytes: usize) -> Self {
        Self { text: String::with_capacity(bytes), ends: Vec::with_capacity(values) }
    }

    fn push(&mut self, value: &str) {
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
    /// The subject confirmation.
    pub subject_confirmation: SubjectConfirmation,
    /// The Conditions.
    pub conditions: Conditions,
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

/// True when a verified signature's coverage includes `node`: the node is the
/// signed element or inside it, and not inside the omitted Signature.
pub fn covers(doc: &Document<'_>, proof: &VerifiedSignature, node: NodeId) -> bool {
    doc.contains(proof.signed_element(), node) && !doc.contains(proof.signature_element(), node)
}

/// Reads the Assertion element `assertion`, which one of `proofs` must cover.
pub fn read_assertion(
    doc: &Document<'_>,
    assertion: NodeId,
    proofs: &[&VerifiedSignature],
) -> Result<Assertion, PolicyError> {
    if !proofs.iter().any(|p| covers(doc, p, assertion)) {
        return Err(PolicyError::AssertionNotSigned);
    }
    let element = doc
        .element(assertion)
        .filter(|e| e.is(SAML_NS, "Assertion"))
        .ok_or_else(|| malformed("not an Assertion"))?;
    if element.attribute("", "Version") != Some("2.0") {
        return Err(PolicyError::Version);
    }
    let id = required_attribute(element, "ID", "Assertion ID")?;
    let issue_instant =
        parse_datetime(required_attribute(element, "IssueInstant", "Assertion IssueInstant")?)?;

    let (mut issuer, mut subject, mut conditions, mut attributes, mut authn) = (None, None, None, None, None);
    for child in children(doc, assertion)? {
        match (child.namespace(), child.local_name()) {
            (SAML_NS, "Issuer") => set_once(&mut issuer, text(doc, child)?, "Issuer")?,
            (DSIG_NS, "Signature") => {}
            (SAML_NS, "Subject") => set_once(&mut subject, read_subject(doc, child)?, "Subject")?,
            (SAML_NS, "Conditions") => set_once(&mut conditions, read_conditions(doc, child)?, "Conditions")?,
            (SAML_NS, "Advice") => {}
            (SAML_NS, "AttributeStatement") => {
                set_once(&mut attributes, read_attributes(doc, child)?, "AttributeStatement")?;
            }
            (SAML_NS, "AuthnStatement") => set_once(&mut authn, read_authn(doc, child)?, "AuthnStatement")?,
            (SAML_NS, "AuthzDecisionStatement" | "Statement") => {
                return Err(PolicyError::Malformed(format!("unsupported statement {}", child.qname())));
            }
            _ => {
                return Err(PolicyError::Malformed(format!(
                    "unexpected element {} in Assertion",
                    child.qname()
                )));
            }
        }
    }
    let issuer = issuer.ok_or_else(|| malformed("the Assertion has no Issuer"))?;
    let (name_id, subject_confirmation) = subject.ok_or(PolicyError::NoSubject)?;
    Ok(Assertion {
        id: id.to_string(),
        issue_instant,
        issuer,
        name_id,
        subject_confirmation,
        conditions: conditions.ok_or(PolicyError::NoAudienceRestriction)?,
        attributes: attributes.unwrap_or_default(),
        authn,
    })
}

/// Reads the Response envelope; `proof` must be the Response's own signature.
pub fn read_envelope(doc: &Document<'_>, proof: &VerifiedSignature) -> Result<Envelope, PolicyError> {
    let response = doc.root();
    if proof.signed_element() != response {
        return Err(PolicyError::ResponseNotSigned);
    }
    let element = doc.element(response).ok_or_else(|| malformed("no Response"))?;
    let issuer = doc
        .child_elements(response)
        .filter(|c| c.is(SAML_NS, "Issuer"))
        .map(|c| text(doc, c))
        .next()
        .transpose()?;
    Ok(Envelope {
        id: required_attribute(element, "ID", "Response ID")?.to_string(),
        issue_instant: parse_datetime(required_attribute(element, "IssueInstant", "Response IssueInstant")?)?,
        destination: element.attribute("", "Destination").map(str::to_string),
        in_response_to: element.attribute("", "InResponseTo").map(str::to_string),
        issuer,
    })
}

fn malformed(what: &str) -> PolicyError {
    PolicyError::Malformed(what.to_string())
}

fn required_attribute<'d>(
    element: ElementRef<'d, '_>,
    name: &str,
    what: &str,
) -> Result<&'d str, PolicyError> {
    element.attribute("", name).ok_or_else(|| PolicyError::Malformed(format!("{what} is missing")))
}

fn set_once<T>(slot: &mut Option<T>, value: T, what: &str) -> Result<(), PolicyError> {
    if slot.is_some() {
        return Err(PolicyError::Malformed(format!("more than one {what}")));
    }
    *slot = Some(value);
    Ok(())
}

/// Element children; non-whitespace text between them is refused.
pub(crate) fn children<'d, 'a>(
    doc: &'d Document<'a>,
    node: NodeId,
) -> Result<impl Iterator<Item = ElementRef<'d, 'a>> + use<'d, 'a>, PolicyError> {
    doc.element_only_children(node)
        .ok_or_else(|| PolicyError::Malformed("unexpected text between elements".into()))
}

/// The full text of a value element; an element child is refused (invariant 8).
pub(crate) fn text(doc: &Document<'_>, element: ElementRef<'_, '_>) -> Result<String, PolicyError> {
    text_of(doc, element).map(std::borrow::Cow::into_owned)
}

/// [`text`], borrowed when the value is one text node.
fn text_of<'d>(
    doc: &'d Document<'_>,
    element: ElementRef<'_, '_>,
) -> Result<std::borrow::Cow<'d, str>, PolicyError> {
    doc.text_content(element.id()).ok_or_else(|| PolicyError::MixedContent(element.qname().to_string()))
}

fn read_subject(
    doc: &Document<'_>,
    subject: ElementRef<'_, '_>,
) -> Result<(Option<NameId>, SubjectConfirmation), PolicyError> {
    let mut name_id = None;
    let mut confirmations = Vec::new();
    for child in children(doc, subject.id())? {
        match (child.namespace(), child.local_name()) {
            (SAML_NS, "NameID") => set_once(
                &mut name_id,
                NameId {
                    value: text(doc, child)?,
                    format: child.attribute("", "Format").map(str::to_string),
                },
                "NameID",
            )?,
            (SAML_NS, "EncryptedID" | "BaseID") => {
                return Err(PolicyError::Malformed(format!("{} is not supported", child.qname())));
            }
            (SAML_NS, "SubjectConfirmation") => confirmations.push(child),
            _ => {
                return Err(PolicyError::Malformed(format!(
                    "unexpected element {} in Subject",
                    child.qname()
                )));
            }
        }
    }
    let [confirmation] = confirmations.as_slice() else {
        return Err(PolicyError::SubjectConfirmation(format!(
            "exactly one SubjectConfirmation is required, found {}",
            confirmations.len()
        )));
    };
    let method = confirmation.attribute("", "Method").unwrap_or("").to_string();
    let mut data = None;
    for child in children(doc, confirmation.id())? {
        match (child.namespace(), child.local_name()) {
            (SAML_NS, "SubjectConfirmationData") => set_once(&mut data, child, "SubjectConfirmationData")?,
            (SAML_NS, "NameID" | "BaseID" | "EncryptedID") => {
                return Err(PolicyError::SubjectConfirmation(
                    "identifiers inside SubjectConfirmation are not supported".into(),
                ));
            }
            _ => {
                return Err(PolicyError::Malformed(format!(
                    "unexpected element {} in SubjectConfirmation",
                    child.qname()
                )));
            }
        }
    }
    let data =
        data.ok_or_else(|| PolicyError::SubjectConfirmation("SubjectConfirmationData is missing".into()))?;
    if doc.child_elements(data.id()).next().is_some() {
        // KeyInfo holder-of-key data or smuggled Assertions/Signatures (samlify).
        return Err(PolicyError::SubjectConfirmation(
            "SubjectConfirmationData must not contain elements".into(),
        ));
    }
    let optional_time = |name| data.attribute("", name).map(parse_datetime).transpose();
    Ok((
        name_id,
        SubjectConfirmation {
            method,
            recipient: data.attribute("", "Recipient").map(str::to_string),
            not_before: optional_time("NotBefore")?,
            not_on_or_after: optional_time("NotOnOrAfter")?,
            in_response_to: data.attribute("", "InResponseTo").map(str::to_string),
        },
    ))
}

fn read_conditions(doc: &Document<'_>, element: ElementRef<'_, '_>) -> Result<Conditions, PolicyError> {
    let optional_time = |name| element.attribute("", name).map(parse_datetime).transpose();
    let mut conditions = Conditions {
        not_before: optional_time("NotBefore")?,
        not_on_or_after: optional_time("NotOnOrAfter")?,
        ..Conditions::default()
    };
    for child in children(doc, element.id())? {
        match (child.namespace(), child.local_name()) {
            (SAML_NS, "AudienceRestriction") => {
                let mut audiences = Vec::new();
                for audience in children(doc, child.id())? {
                    if !audience.is(SAML_NS, "Audience") {
                        return Err(malformed("unexpected element in AudienceRestriction"));
                    }
                    audiences.push(text(doc, audience)?);
                }
                if audiences.is_empty() {
                    return Err(malformed("empty AudienceRestriction"));
                }
                conditions.audience_restrictions.push(audiences);
            }
            (SAML_NS, "OneTimeUse") => conditions.one_time_use = true,
            (SAML_NS, "ProxyRestriction") => conditions.proxy_restriction = true,
            _ => conditions.unknown.push(child.qname().to_string()),
        }
    }
    Ok(conditions)
}

fn read_attributes(doc: &Document<'_>, statement: ElementRef<'_, '_>) -> Result<Vec<Attribute>, PolicyError> {
    let mut attributes: Vec<Attribute> = Vec::new();
    for child in children(doc, statement.id())? {
        if child.is(SAML_NS, "EncryptedAttribute") {
            return Err(malformed("EncryptedAttribute is not supported"));
        }
        if !child.is(SAML_NS, "Attribute") {
            return Err(PolicyError::Malformed(format!(
                "unexpected element {} in AttributeStatement",
                child.qname()
            )));
        }
        let name = required_attribute(child, "Name", "Attribute Name")?.to_string();
        if attributes.iter().any(|a| a.name == name) {
            return Err(PolicyError::DuplicateAttribute(name));
        }
        // Sized once: the values cannot be longer than the Attribute as written.
        let mut values =
            Values::with_capacity(doc.child_elements(child.id()).count(), doc.subtree_span(child.id()).len());
        for value in children(doc, child.id())? {
            if !value.is(SAML_NS, "AttributeValue") {
                return Err(malformed("unexpected element in Attribute"));
            }
            values.push(&text_of(doc, value)?);
        }
        attributes.push(Attribute {
            name,
            friendly_name: child.attribute("", "FriendlyName").map(str::to_string),
            values,
        });
    }
    Ok(attributes)
}

fn read_authn(doc: &Document<'_>, statement: ElementRef<'_, '_>) -> Result<AuthnStatement, PolicyError> {
    let mut context_class_ref = None;
    for child in children(doc, statement.id())? {
        match (child.namespace(), child.local_name()) {
            (SAML_NS, "SubjectLocality") => {}
            (SAML_NS, "AuthnContext") => {
                for part in children(doc, child.id())? {
                    if part.is(SAML_NS, "AuthnContextClassRef") {
                        set_once(&mut context_class_ref, text(doc, part)?, "AuthnContextClassRef")?;
                    }
                }
            }
            _ => {
                return Err(PolicyError::Malformed(format!(
                    "unexpected element {} in AuthnStatement",
                    child.qname()
                )));
            }
        }
    }
    Ok(AuthnStatement {
        authn_instant: parse_datetime(required_attribute(statement, "AuthnInstant", "AuthnInstant")?)?,
        session_index: statement.attribute("", "SessionIndex").map(str::to_string),
        session_not_on_or_after: statement
            .attribute("", "SessionNotOnOrAfter")
            .map(parse_datetime)
            .transpose()?,
        context_class_ref,
    })
}

/// Parses an `xs:dateTime` in UTC (`YYYY-MM-DDThh:mm:ss[.fraction]Z`), as SAML
/// requires. chrono's RFC 3339 parser accepts more (lower-case `t`/`z`, spaces,
/// offsets, leap seconds), so the lexical form is checked here first.
pub fn parse_datetime(text: &str) -> Result<DateTime<Utc>, PolicyError> {
    let invalid = || PolicyError::InvalidTime(text.chars().take(64).collect());
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
