//! Why a signed node could not be read as SAML.

use crate::kind::ErrorKind;
use crate::text::Untrusted;

/// Why a signed Assertion or Response envelope could not be read: structure
/// the SAML schema or samlguard's strict reading refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SamlError {
    /// The node is not covered by the proof given with it.
    #[error("the node is not covered by a verified signature")]
    NotCovered,
    /// `Version` is not `2.0`.
    #[error("only SAML Version 2.0 is supported")]
    Version,
    /// A required XML attribute is missing.
    #[error("{element} has no {attribute} attribute")]
    MissingAttribute {
        /// The SAML element.
        element: &'static str,
        /// The attribute it lacks.
        attribute: &'static str,
    },
    /// An element that may appear once appears again.
    #[error("more than one {0}")]
    Duplicate(&'static str),
    /// An element the schema does not allow in its parent.
    #[error("unexpected element {found} in {parent}")]
    UnexpectedElement {
        /// The parent element.
        parent: &'static str,
        /// The child's qualified name as written.
        found: Untrusted,
    },
    /// Non-whitespace text between elements.
    #[error("unexpected text between the elements of {0}")]
    UnexpectedText(Untrusted),
    /// A SAML construct samlguard does not support.
    #[error("{0} is not supported")]
    Unsupported(Untrusted),
    /// The Assertion has no Issuer.
    #[error("the Assertion has no Issuer")]
    MissingIssuer,
    /// The Assertion has no Subject.
    #[error("the Assertion has no Subject")]
    NoSubject,
    /// An AudienceRestriction without an Audience.
    #[error("an AudienceRestriction holds no Audience")]
    EmptyAudienceRestriction,
    /// SubjectConfirmation shape problems.
    #[error("subject confirmation: {0}")]
    SubjectConfirmation(ConfirmationProblem),
    /// An element inside a text value.
    #[error("{0} must contain text only")]
    MixedContent(Untrusted),
    /// Two Attributes with the same Name.
    #[error("attribute {0} appears more than once")]
    DuplicateAttribute(Untrusted),
    /// A date that is not a UTC xs:dateTime.
    #[error("invalid time {0}: SAML times are xs:dateTime in UTC, ending in Z (like 2026-01-15T10:00:00Z)")]
    InvalidTime(Untrusted),
}

/// What is wrong with a SubjectConfirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfirmationProblem {
    /// Not exactly one SubjectConfirmation.
    Count(usize),
    /// No SubjectConfirmationData.
    NoData,
    /// Elements inside SubjectConfirmationData (holder-of-key KeyInfo, or
    /// smuggled Assertions and Signatures).
    ElementsInData,
    /// A NameID, BaseID or EncryptedID inside the SubjectConfirmation.
    Identifier,
}

impl std::fmt::Display for ConfirmationProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Count(n) => write!(f, "exactly one SubjectConfirmation is required, found {n}"),
            Self::NoData => f.write_str("SubjectConfirmationData is missing"),
            Self::ElementsInData => f.write_str("SubjectConfirmationData must not contain elements"),
            Self::Identifier => f.write_str("identifiers inside SubjectConfirmation are not supported"),
        }
    }
}

impl SamlError {
    /// The stable kind.
    pub fn kind(&self) -> ErrorKind {
        use ErrorKind as K;
        match self {
            Self::NotCovered => K::NotCovered,
            Self::Version => K::UnsupportedVersion,
            Self::MissingAttribute { .. } => K::MissingSamlAttribute,
            Self::Duplicate(_) => K::DuplicateElement,
            Self::UnexpectedElement { .. } => K::UnexpectedElement,
            Self::UnexpectedText(_) => K::UnexpectedText,
            Self::Unsupported(_) => K::UnsupportedElement,
            Self::MissingIssuer => K::MissingIssuer,
            Self::NoSubject => K::NoSubject,
            Self::EmptyAudienceRestriction => K::EmptyAudienceRestriction,
            Self::SubjectConfirmation(_) => K::SubjectConfirmation,
            Self::MixedContent(_) => K::MixedContent,
            Self::DuplicateAttribute(_) => K::DuplicateAttribute,
            Self::InvalidTime(_) => K::InvalidTime,
        }
    }
}
