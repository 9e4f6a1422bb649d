//! The top-level error: one variant per pipeline stage.

use crate::c14n::C14nError;
use crate::dsig::SignatureError;
use crate::input::InputError;
use crate::kind::ErrorKind;
use crate::policy::{PolicyError, SignedElement};
use crate::profile::ClaimError;
use crate::profile::authorization::RulesError;
use crate::replay::ReplayError;
use crate::saml::SamlError;
use crate::trust::ConfigError;
use crate::xml::XmlError;
#[cfg(feature = "xmlenc")]
use crate::xmlenc::XmlEncError;

/// Why a response was refused, or a configuration could not be built.
///
/// Match on [`kind`](Self::kind) for a stable, flat answer; the variants say
/// which stage refused. Display shows the message once (a `{:#}` chain never
/// repeats it), with received text escaped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input could not be decoded into XML bytes.
    #[error(transparent)]
    Input(InputError),
    /// The XML was refused by the strict parser.
    #[error("invalid XML: {0}")]
    Xml(XmlError),
    /// A signature failed the profile or the cryptography.
    #[error("{element} signature: {error}")]
    Signature {
        /// The element the signature belongs to.
        element: SignedElement,
        /// What went wrong.
        error: SignatureError,
    },
    /// An EncryptedAssertion was not decrypted into one Assertion signed by
    /// the IdP (feature `xmlenc`): a structural refusal with its own kind,
    /// or the one opaque `decryption_failed` for every failure from the key
    /// unwrap to the decrypted Assertion's signature.
    #[cfg(feature = "xmlenc")]
    #[error(transparent)]
    Encryption(XmlEncError),
    /// A signed element could not be read as SAML.
    #[error("malformed SAML: {0}")]
    Saml(SamlError),
    /// A signed response broke a policy rule.
    #[error(transparent)]
    Policy(PolicyError),
    /// The profile refused the signed claims.
    #[error(transparent)]
    Claim(ClaimError),
    /// The replay store could not answer (the response is refused).
    #[error(transparent)]
    Replay(ReplayError),
    /// The trust configuration is unusable.
    #[error(transparent)]
    Config(ConfigError),
    /// Client VPN authorization rules could not be read.
    #[error(transparent)]
    Authorization(RulesError),
}

impl Error {
    /// The stable kind (the CLI's JSON `kind`).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Input(e) => e.kind(),
            Self::Xml(e) => e.kind(),
            Self::Signature { error, .. } => error.kind(),
            #[cfg(feature = "xmlenc")]
            Self::Encryption(e) => e.kind(),
            Self::Saml(e) => e.kind(),
            Self::Policy(e) => e.kind(),
            Self::Claim(e) => e.kind(),
            Self::Replay(e) => e.kind(),
            Self::Config(e) => e.kind(),
            Self::Authorization(e) => e.kind(),
        }
    }

    /// What to change, in Entra and AWS terms, when the refusal typically
    /// stems from a misconfiguration.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::Policy(e) => e.hint(),
            Self::Claim(e) => e.hint(),
            Self::Authorization(e) => e.hint(),
            Self::Signature { error, .. } => signature_hint(error),
            #[cfg(feature = "xmlenc")]
            Self::Encryption(e) => encryption_hint(e),
            Self::Input(_) => {
                Some("send the SAMLResponse as XML, its base64, or the whole form body (SAMLResponse=...)")
            }
            Self::Replay(e) if e.kind() == ErrorKind::ReplayStoreUnavailable => {
                Some("the shared replay store is unreachable: responses are refused until it answers again")
            }
            _ => None,
        }
    }

    /// Kind, message and hint: what a log line or an API answer carries.
    pub fn view(&self) -> ErrorView {
        ErrorView { kind: self.kind(), message: self.to_string(), hint: self.hint() }
    }
}

fn signature_hint(error: &SignatureError) -> Option<&'static str> {
    Some(match error {
        SignatureError::UnknownSigningKey => {
            "the IdP signs with a certificate that is not pinned (certificate rollover?): download the current Federation Metadata from Entra and update the trust"
        }
        SignatureError::DigestMismatch => {
            "the response was modified after signing (or re-encoded on the way): send it byte for byte"
        }
        SignatureError::Sha1NotAllowed => {
            "in Entra set the Signing Algorithm to SHA-256 (Enterprise application > Single sign-on > SAML Certificates)"
        }
        SignatureError::SignatureInvalid => {
            "the signature does not verify with the pinned keys: check that the metadata is this application's"
        }
        _ => return None,
    })
}

#[cfg(feature = "xmlenc")]
fn encryption_hint(error: &XmlEncError) -> Option<&'static str> {
    Some(match error {
        // One hint for every cause: it must not tell them apart.
        XmlEncError::DecryptionFailed => {
            "the encrypted assertion did not decrypt into one Assertion signed by the IdP: check that the SP private key is the one whose certificate Entra encrypts to (Token encryption; during a rotation configure both keys), that Entra signs the assertion, and that the trusted metadata is current"
        }
        XmlEncError::RsaV15KeyTransport => {
            "the IdP wraps the content key with RSA PKCS#1 v1.5: configure it to use RSA-OAEP"
        }
        XmlEncError::CbcNotAllowed => {
            "the IdP encrypts with AES-CBC while this policy accepts AES-GCM only: allow AES-CBC, or configure the IdP for AES-GCM"
        }
        _ => return None,
    })
}

/// An error as data: kind, message and hint.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ErrorView {
    /// The stable kind.
    pub kind: ErrorKind,
    /// The message (received text escaped).
    pub message: String,
    /// What to change, when known.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub hint: Option<&'static str>,
}

macro_rules! from_stage {
    ($($variant:ident($error:ty)),*) => {
        $(impl From<$error> for Error {
            fn from(e: $error) -> Self {
                Self::$variant(e)
            }
        })*
    };
}

from_stage!(
    Input(InputError),
    Xml(XmlError),
    Saml(SamlError),
    Policy(PolicyError),
    Claim(ClaimError),
    Replay(ReplayError),
    Config(ConfigError),
    Authorization(RulesError)
);

impl From<C14nError> for Error {
    /// Canonicalization outside a signature (tools): reported as the
    /// Response's, the element canonicalized is the document.
    fn from(e: C14nError) -> Self {
        Self::Signature { element: SignedElement::Response, error: SignatureError::Canonicalization(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Untrusted;

    #[test]
    fn a_message_appears_once_in_a_chain() {
        let errors: Vec<Error> = vec![
            PolicyError::Status(Untrusted::new("urn:x")).into(),
            Error::Signature { element: SignedElement::Assertion, error: SignatureError::DigestMismatch },
            SamlError::NoSubject.into(),
            ConfigError::NoSigningKey.into(),
        ];
        for error in errors {
            let mut chain = error.to_string();
            let mut source = std::error::Error::source(&error);
            while let Some(inner) = source {
                chain.push_str(&format!(": {inner}"));
                source = inner.source();
            }
            let message = error.to_string();
            assert_eq!(chain, message, "a source repeats the message of {error:?}");
        }
    }

    /// Each kind names the errors of one stage only: a user matching on a
    /// kind knows which stage refused.
    #[test]
    fn no_kind_is_shared_by_two_stages() {
        use crate::crypto::KeyError;
        use crate::profile::{NameIdProblem, RoleProblem, TagProblem};
        use crate::saml::ConfirmationProblem;
        use crate::xml::XmlErrorKind as X;
        use std::collections::BTreeMap;

        let u = || Untrusted::new("x");
        let xml = [
            X::InputTooLarge,
            X::Encoding,
            X::InvalidCharacter,
            X::DoctypeNotAllowed,
            X::UnknownEntity,
            X::InvalidCharacterReference,
            X::XmlDeclaration,
            X::NoRootElement,
            X::MultipleRootElements,
            X::TextOutsideRoot,
            X::UnclosedElement,
            X::MismatchedTag,
            X::DuplicateAttribute,
            X::UnboundPrefix,
            X::EmptyPrefixBinding,
            X::RelativeNamespaceUri,
            X::ReservedNamespace,
            X::LessThanInAttribute,
            X::CdataEndInText,
            X::InvalidName,
            X::Syntax("x"),
            X::DepthLimit,
            X::NodeLimit,
            X::AttributeLimit,
            X::AttributeValueLimit,
            X::NamespaceLimit,
            X::DuplicateId,
        ]
        .map(|k| ErrorKind::from_name(k.as_str()).expect("an ErrorKind"));
        let c14n = [
            C14nError::NotAnElement,
            C14nError::OmitOutsideSubtree,
            C14nError::InvalidPrefix("x".into()),
            C14nError::RelativeNamespace("x".into()),
        ]
        .map(|e| e.kind());
        let input: Vec<ErrorKind> = crate::input::every_error().iter().map(InputError::kind).collect();
        let keys =
            [KeyError::Certificate, KeyError::NoCertificate, KeyError::UnsupportedKeyType].map(|e| e.kind());
        let signature = [
            SignatureError::Missing,
            SignatureError::NotEnveloped,
            SignatureError::SeveralSignatures,
            SignatureError::Malformed(""),
            SignatureError::ReferenceCount(0),
            SignatureError::ReferenceUri,
            SignatureError::Transforms,
            SignatureError::CanonicalizationMethod,
            SignatureError::ForbiddenElement(""),
            SignatureError::CryptoText(""),
            SignatureError::Base64(""),
            SignatureError::UnsupportedAlgorithm(u()),
            SignatureError::Sha1NotAllowed,
            SignatureError::KeyTooSmall { bits: 0 },
            SignatureError::AlgorithmKeyMismatch,
            SignatureError::NoKeys,
            SignatureError::UnknownSigningKey,
            SignatureError::SignatureInvalid,
            SignatureError::DigestMismatch,
        ]
        .map(|e| e.kind());
        let saml = [
            SamlError::NotCovered,
            SamlError::Version,
            SamlError::MissingAttribute { element: "", attribute: "" },
            SamlError::Duplicate(""),
            SamlError::UnexpectedElement { parent: "", found: u() },
            SamlError::UnexpectedText(u()),
            SamlError::Unsupported(u()),
            SamlError::MissingIssuer,
            SamlError::NoSubject,
            SamlError::EmptyAudienceRestriction,
            SamlError::SubjectConfirmation(ConfirmationProblem::NoData),
            SamlError::MixedContent(u()),
            SamlError::DuplicateAttribute(u()),
            SamlError::InvalidTime(u()),
        ]
        .map(|e| e.kind());
        let t = chrono::DateTime::<chrono::Utc>::MIN_UTC;
        let policy = [
            PolicyError::NotAResponse,
            PolicyError::Status(u()),
            PolicyError::MalformedStatus(crate::policy::StatusProblem::Missing),
            PolicyError::AssertionCount(0),
            PolicyError::AssertionPosition,
            PolicyError::EncryptedAssertion,
            PolicyError::UnexpectedSignature(u()),
            PolicyError::ResponseNotSigned,
            PolicyError::AssertionNotSigned,
            PolicyError::Issuer { expected: String::new(), found: u() },
            PolicyError::Destination { found: u(), profile: "" },
            PolicyError::Recipient { found: None, profile: "" },
            PolicyError::NotBearer(u()),
            PolicyError::MissingNotOnOrAfter,
            PolicyError::EmptyWindow { not_before: t, not_on_or_after: t },
            PolicyError::NotYetValid(t),
            PolicyError::Expired(t),
            PolicyError::IssuedInFuture(t),
            PolicyError::TooOld { issued: t, max_age_seconds: 0 },
            PolicyError::SessionExpired(t),
            PolicyError::NoAudienceRestriction,
            PolicyError::Audience { found: Vec::new(), profile: "" },
            PolicyError::OtherIdentityCenter {
                field: crate::policy::SpField::Recipient,
                found: u(),
                expected: String::new(),
                differs: crate::policy::InstancePart::Region,
            },
            PolicyError::UnsupportedCondition(u()),
            PolicyError::InResponseToMissing,
            PolicyError::InResponseTo { expected: u(), found: u() },
            PolicyError::RequestIdRequired,
            PolicyError::Replayed(u()),
            PolicyError::DecryptionKeyNotConfigured,
            PolicyError::EncryptionRequired,
        ]
        .map(|e| e.kind());
        let claims = [
            ClaimError::NameId(NameIdProblem::Missing),
            ClaimError::MissingGroups,
            ClaimError::GroupOverage,
            ClaimError::TooManyGroups(0),
            ClaimError::GroupLength(u()),
            ClaimError::GroupCharacters(u()),
            ClaimError::NotSingleValued { name: "", count: 0 },
            ClaimError::MissingRole,
            ClaimError::Role { value: u(), problem: RoleProblem::NotAPair },
            ClaimError::RoleSessionName(None),
            ClaimError::SessionDuration(u()),
            ClaimError::SourceIdentity(u()),
            ClaimError::SessionTags(TagProblem::TooMany(0)),
            ClaimError::AccessControlTags(TagProblem::TooMany(0)),
        ]
        .map(|e| e.kind());
        let replay = [ReplayError::full().kind(), ErrorKind::ReplayStoreUnavailable];
        let config = [
            ConfigError::MetadataXml(crate::xml::parse(b"").unwrap_err()),
            ConfigError::NotMetadata,
            ConfigError::EntityNotFound(u()),
            ConfigError::SeveralEntities,
            ConfigError::MissingEntityId,
            ConfigError::NoIdpDescriptor,
            ConfigError::NoSigningKey,
            ConfigError::CertificateEncoding,
            ConfigError::MetadataSignature(SignatureError::DigestMismatch),
            ConfigError::MetadataNotSigned,
            ConfigError::EmptyEntityId,
            ConfigError::NoSpDescriptor { found: Vec::new() },
            ConfigError::SeveralSpDescriptors(2),
            ConfigError::NoPostAcs,
            ConfigError::IdpMetadataTooLarge { chars: 0, limit: 0 },
        ]
        .map(|e| e.kind());

        let stages: [(&str, &[ErrorKind]); 10] = [
            ("xml", &xml),
            ("c14n", &c14n),
            ("input", &input),
            ("keys", &keys),
            ("signature", &signature),
            ("saml", &saml),
            ("policy", &policy),
            ("claims", &claims),
            ("replay", &replay),
            ("config", &config),
        ];
        let mut owner: BTreeMap<ErrorKind, &str> = BTreeMap::new();
        for (stage, kinds) in stages {
            for &kind in kinds {
                if let Some(other) = owner.insert(kind, stage) {
                    assert_eq!(other, stage, "{kind} is produced by {other} and by {stage}");
                }
            }
        }
        // Every kind is produced somewhere (a kind nobody produces is a stale name).
        // The authorization rules' kinds are checked by that module's own
        // coverage test (every `authorization_rules_*` kind produced there).
        let unproduced: Vec<_> = ErrorKind::ALL
            .iter()
            .filter(|k| !owner.contains_key(k) && !k.as_str().starts_with("authorization_rules_"))
            .collect();
        assert!(unproduced.iter().all(|k| KINDS_OF_OPTIONAL_STAGES.contains(k)), "{unproduced:?}");
    }

    /// Kinds of stages behind a feature (decryption), checked where they live.
    const KINDS_OF_OPTIONAL_STAGES: &[ErrorKind] = &[
        ErrorKind::InvalidPrivateKey,
        ErrorKind::DecryptionKeyTooSmall,
        ErrorKind::DecryptionCertificate,
        ErrorKind::NoDecryptionKeys,
        ErrorKind::EncryptionStructure,
        ErrorKind::UnsupportedEncryptionAlgorithm,
        ErrorKind::RsaV15KeyTransport,
        ErrorKind::CbcNotAllowed,
        ErrorKind::EncryptedKeyReference,
        ErrorKind::CipherValueEncoding,
        ErrorKind::DecryptionFailed,
    ];

    #[test]
    fn received_text_cannot_forge_a_log_line() {
        let error = Error::from(PolicyError::Status(Untrusted::new("urn:x\nERROR admin logged in\u{202e}")));
        let shown = error.to_string();
        assert!(!shown.contains('\n') && !shown.contains('\u{202e}'), "{shown}");
        assert!(shown.contains(r"\nERROR admin logged in\u{202e}"), "{shown}");
    }
}
