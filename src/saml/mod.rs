//! Typed, read-only SAML 2.0 values, extracted only from nodes a
//! [`VerifiedSignature`](crate::dsig::VerifiedSignature) covers.
//!
//! The readers are private to the crate and take the signature proofs, not a
//! document: values come from the document the signature was verified in
//! and only from nodes it covers (the manual's [one assertion] and
//! [proofs bound to their document] invariants). Shapes are checked
//! strictly: duplicated singletons (Issuer, Subject, Conditions, NameID...),
//! encrypted identifiers or attributes, and element children inside value
//! elements are refused. A text value is the concatenation of all its text
//! and CDATA: `user@corp.com<!---->.evil.com` reads `user@corp.com.evil.com`,
//! never `user@corp.com`.
//!
//! What is public here is the data a verified login carries.
//!
//! [one assertion]: crate::manual::invariants#one-assertion
//! [proofs bound to their document]: crate::manual::invariants#proofs-bound-to-their-document

mod error;
mod model;
mod read;
mod time;

pub use error::{ConfirmationProblem, SamlError};
pub(crate) use model::NO_VALUES;
pub use model::{
    Assertion, Attribute, AuthnStatement, BEARER, Conditions, Envelope, NameId, SAML_NS, SAMLP_NS,
    STATUS_SUCCESS, SubjectConfirmation, Values, ValuesIter,
};
pub(crate) use read::{read_assertion, read_envelope, text};
pub(crate) use time::parse_datetime;
