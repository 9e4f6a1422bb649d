//! The top-level error: one variant per pipeline stage.

use crate::dsig::SignatureError;
use crate::input::InputError;
use crate::metadata::ConfigError;
use crate::policy::PolicyError;
use crate::xml::XmlError;

/// Why a response was refused, or a configuration could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input could not be decoded into XML bytes.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The XML was refused by the strict parser.
    #[error("invalid XML: {0}")]
    Xml(#[from] XmlError),
    /// A signature failed the profile or the cryptography.
    #[error("{element} signature: {source}")]
    Signature {
        /// `Response` or `Assertion`.
        element: &'static str,
        /// What went wrong.
        source: SignatureError,
    },
    /// A signed response broke a policy rule.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The trust configuration is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

impl Error {
    /// Stable snake_case name of the error kind (the CLI's JSON `kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Input(e) => e.kind(),
            Self::Xml(e) => e.kind().as_str(),
            Self::Signature { source, .. } => source.kind(),
            Self::Policy(e) => e.kind(),
            Self::Config(e) => e.kind(),
        }
    }

    /// What to change, when the refusal typically stems from an Entra / AWS
    /// misconfiguration.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::Policy(e) => e.hint(),
            Self::Signature { source, .. } => match source {
                SignatureError::UnknownSigningKey => Some(
                    "the IdP signs with a certificate that is not pinned (certificate rollover?): download the current Federation Metadata from Entra and update the trust",
                ),
                SignatureError::DigestMismatch => Some(
                    "the response was modified after signing (or re-encoded on the way): send it byte for byte",
                ),
                SignatureError::Sha1NotAllowed => Some(
                    "in Entra set the Signing Algorithm to SHA-256, or allow SHA-1 explicitly for this legacy IdP",
                ),
                SignatureError::SignatureInvalid => Some(
                    "the signature does not verify with the pinned keys: check that the metadata is this application's",
                ),
                _ => None,
            },
            Self::Input(_) => {
                Some("paste the SAMLResponse as XML, its base64, or the whole form body (SAMLResponse=...)")
            }
            _ => None,
        }
    }
}
