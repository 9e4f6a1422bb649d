//! The verified values every profile reports.

use chrono::{DateTime, Utc};

use crate::crypto::{DigestAlgorithm, SignatureAlgorithm};
use crate::saml::{Assertion, Envelope, SubjectConfirmation};

/// Which element a signature covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignedElement {
    /// The `samlp:Response` (it then covers the Assertion inside it too).
    Response,
    /// The `saml:Assertion`.
    Assertion,
}

impl SignedElement {
    /// `Response` or `Assertion`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Response => "Response",
            Self::Assertion => "Assertion",
        }
    }
}

impl std::fmt::Display for SignedElement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One signature that verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedPart {
    /// What it covered.
    pub element: SignedElement,
    /// The signature algorithm.
    pub algorithm: SignatureAlgorithm,
    /// The digest algorithm.
    pub digest: DigestAlgorithm,
    /// Index into the trust's keys of the key that verified it.
    pub key_index: usize,
    /// SHA-256 thumbprint of that key's certificate.
    pub key_sha256: [u8; 32],
}

/// A check that could not be made with what the caller gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SkippedCheck {
    /// No request ID was expected, so InResponseTo was not matched with one.
    InResponseTo,
}

impl SkippedCheck {
    /// Stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InResponseTo => "in_response_to",
        }
    }
}

/// The verified values every profile reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    pub(crate) assertion: Assertion,
    /// Index of the bearer SubjectConfirmation that satisfied every rule.
    pub(crate) confirmation: usize,
    pub(crate) audience: String,
    pub(crate) envelope: Option<Envelope>,
    pub(crate) signatures: Vec<SignedPart>,
    pub(crate) skipped: Vec<SkippedCheck>,
    /// The Assertion arrived as an EncryptedAssertion.
    pub(crate) encrypted: bool,
}

impl Login {
    /// The Assertion's Issuer (equal to the IdP entity ID).
    pub fn issuer(&self) -> &str {
        &self.assertion.issuer
    }

    /// The NameID value (empty when the assertion has none and the profile allows it).
    pub fn name_id(&self) -> &str {
        self.assertion.name_id.as_ref().map_or("", |n| n.value.as_str())
    }

    /// The NameID Format, when present.
    pub fn name_id_format(&self) -> Option<&str> {
        self.assertion.name_id.as_ref().and_then(|n| n.format.as_deref())
    }

    /// The accepted audience.
    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// The bearer SubjectConfirmation that satisfied every rule.
    pub fn confirmation(&self) -> &SubjectConfirmation {
        &self.assertion.subject_confirmations[self.confirmation]
    }

    /// The earliest NotOnOrAfter that bounded this assertion.
    pub fn not_on_or_after(&self) -> DateTime<Utc> {
        earliest_not_on_or_after(&self.assertion, self.confirmation).unwrap_or(self.assertion.issue_instant)
    }

    /// The AuthnStatement's SessionIndex.
    pub fn session_index(&self) -> Option<&str> {
        self.assertion.authn.as_ref().and_then(|a| a.session_index.as_deref())
    }

    /// The whole verified assertion.
    pub fn assertion(&self) -> &Assertion {
        &self.assertion
    }

    /// The Response envelope, present only when the Response was signed.
    pub fn envelope(&self) -> Option<&Envelope> {
        self.envelope.as_ref()
    }

    /// The signatures that verified (Assertion first).
    pub fn signatures(&self) -> &[SignedPart] {
        &self.signatures
    }

    /// Checks that were not made because the context did not allow them.
    pub fn skipped_checks(&self) -> &[SkippedCheck] {
        &self.skipped
    }

    /// Whether the Assertion arrived encrypted (an EncryptedAssertion
    /// decrypted with the SP's key; its own signature verified inside).
    pub fn encrypted(&self) -> bool {
        self.encrypted
    }
}

impl AsRef<Self> for Login {
    fn as_ref(&self) -> &Self {
        self
    }
}

/// The earlier of the chosen SubjectConfirmationData's and the Conditions'
/// NotOnOrAfter.
pub(crate) fn earliest_not_on_or_after(assertion: &Assertion, confirmation: usize) -> Option<DateTime<Utc>> {
    assertion
        .subject_confirmations
        .get(confirmation)
        .and_then(|c| c.not_on_or_after)
        .into_iter()
        .chain(assertion.conditions.as_ref().and_then(|c| c.not_on_or_after))
        .min()
}

#[cfg(feature = "serde")]
mod serialize {
    use serde::ser::{Serialize, SerializeMap, Serializer};

    use super::{Login, SignedPart, SkippedCheck};
    use crate::saml::Attribute;

    impl Login {
        /// Writes the fields every login has into `map` (profiles add theirs).
        pub(crate) fn serialize_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
            map.serialize_entry("issuer", self.issuer())?;
            map.serialize_entry("name_id", self.name_id())?;
            map.serialize_entry("name_id_format", &self.name_id_format())?;
            map.serialize_entry("audience", self.audience())?;
            map.serialize_entry(
                "not_on_or_after",
                &self.not_on_or_after().to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            )?;
            map.serialize_entry("session_index", &self.session_index())?;
            map.serialize_entry("attributes", &Attributes(&self.assertion.attributes))?;
            map.serialize_entry("signatures", &self.signatures)?;
            map.serialize_entry("skipped_checks", &self.skipped)?;
            map.serialize_entry("encrypted", &self.encrypted)?;
            Ok(())
        }
    }

    /// The attributes as `{"name": ["v1", "v2"]}`, in document order.
    struct Attributes<'a>(&'a [Attribute]);

    impl Serialize for Attributes<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(self.0.len()))?;
            for attribute in self.0 {
                map.serialize_entry(&attribute.name, &attribute.values)?;
            }
            map.end()
        }
    }

    impl Serialize for SignedPart {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(4))?;
            map.serialize_entry("element", self.element.name())?;
            map.serialize_entry("algorithm", &self.algorithm)?;
            map.serialize_entry("digest", &self.digest)?;
            let hex: String = self.key_sha256.iter().map(|b| format!("{b:02x}")).collect();
            map.serialize_entry("key_sha256", &hex)?;
            map.end()
        }
    }

    impl Serialize for SkippedCheck {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(self.as_str())
        }
    }

    impl Serialize for Login {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(None)?;
            self.serialize_fields(&mut map)?;
            map.end()
        }
    }
}
