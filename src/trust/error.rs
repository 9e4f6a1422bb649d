//! Why a trust configuration could not be built.

use crate::crypto::KeyError;
use crate::dsig::SignatureError;
use crate::kind::ErrorKind;
use crate::text::Untrusted;
use crate::xml::XmlError;

/// Why a trust configuration could not be built. Every one is a
/// configuration error: the service must not start with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The metadata is not well-formed XML (or breaks a parser rule).
    #[error("the metadata is not acceptable XML: {0}")]
    MetadataXml(XmlError),
    /// The root is not an EntityDescriptor / EntitiesDescriptor.
    #[error("not SAML 2.0 metadata (expected md:EntityDescriptor or md:EntitiesDescriptor)")]
    NotMetadata,
    /// The requested entity is not in the metadata.
    #[error("the metadata has no EntityDescriptor with entityID {0}")]
    EntityNotFound(Untrusted),
    /// Several IdPs and none chosen.
    #[error("the metadata holds several IdPs: choose one by entity ID")]
    SeveralEntities,
    /// An EntityDescriptor without an entityID.
    #[error("the EntityDescriptor has no entityID")]
    MissingEntityId,
    /// The entity has no SAML 2.0 IDPSSODescriptor.
    #[error("the metadata has no IDPSSODescriptor for SAML 2.0")]
    NoIdpDescriptor,
    /// No `use="signing"` (or use-less) key: refusing to run without one.
    #[error(
        "no signing certificate: the IdP metadata lists no KeyDescriptor with use=\"signing\" (or without use); refusing to accept unsigned responses"
    )]
    NoSigningKey,
    /// A certificate could not be used as a key.
    #[error("signing certificate: {0}")]
    Certificate(KeyError),
    /// A KeyDescriptor certificate is not plain base64.
    #[error("a signing certificate in the metadata is not valid base64 DER")]
    CertificateEncoding,
    /// The caller asked for the metadata signature to be checked and it failed.
    #[error("metadata signature: {0}")]
    MetadataSignature(SignatureError),
    /// The caller supplied a metadata-signing key but the metadata is unsigned.
    #[error("the metadata is not signed but a metadata-signing certificate was configured")]
    MetadataNotSigned,
    /// An empty entity ID was configured.
    #[error("the IdP entity ID is empty")]
    EmptyEntityId,
    /// SP metadata without a SAML 2.0 SPSSODescriptor (IdP metadata passed
    /// by mistake, for example).
    #[error("not SP metadata: no SAML 2.0 SPSSODescriptor, {}", holds(found))]
    NoSpDescriptor {
        /// The role descriptors the document holds instead.
        found: Vec<Untrusted>,
    },
    /// SP metadata with more than one SAML 2.0 SPSSODescriptor: which one
    /// is the service is not said.
    #[error("the SP metadata holds {0} SAML 2.0 SPSSODescriptors: exactly one is needed")]
    SeveralSpDescriptors(usize),
    /// The SPSSODescriptor has no HTTP-POST AssertionConsumerService (or one
    /// without a Location).
    #[error("the SPSSODescriptor has no HTTP-POST AssertionConsumerService with a Location")]
    NoPostAcs,
    /// IdP metadata longer than IAM Identity Center imports.
    #[error("the IdP metadata is {chars} characters long: IAM Identity Center refuses metadata over {limit}")]
    IdpMetadataTooLarge {
        /// Its length in characters.
        chars: usize,
        /// The limit.
        limit: usize,
    },
}

/// What a document without an SPSSODescriptor holds instead.
fn holds(found: &[Untrusted]) -> String {
    if found.is_empty() {
        return "and no other role descriptor".to_string();
    }
    let list = found.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
    if found.iter().any(|f| f.as_str_less_safe() == "IDPSSODescriptor") {
        format!(
            "it holds {list}: this is an IdP's metadata (such as Entra's Federation Metadata), not the service provider's"
        )
    } else {
        format!("it holds {list}")
    }
}

impl ConfigError {
    /// The stable kind.
    pub fn kind(&self) -> ErrorKind {
        use ErrorKind as K;
        match self {
            Self::MetadataXml(_) => K::MetadataXml,
            Self::NotMetadata => K::NotMetadata,
            Self::EntityNotFound(_) | Self::SeveralEntities | Self::MissingEntityId => K::MetadataEntity,
            Self::NoIdpDescriptor => K::NoIdpDescriptor,
            Self::NoSigningKey => K::NoSigningKey,
            Self::Certificate(e) => e.kind(),
            Self::CertificateEncoding => K::CertificateEncoding,
            Self::MetadataSignature(_) => K::MetadataSignature,
            Self::MetadataNotSigned => K::MetadataNotSigned,
            Self::EmptyEntityId => K::EmptyEntityId,
            Self::NoSpDescriptor { .. } => K::NoSpDescriptor,
            Self::SeveralSpDescriptors(_) => K::SeveralSpDescriptors,
            Self::NoPostAcs => K::NoPostAcs,
            Self::IdpMetadataTooLarge { .. } => K::IdpMetadataTooLarge,
        }
    }
}

impl From<KeyError> for ConfigError {
    fn from(e: KeyError) -> Self {
        Self::Certificate(e)
    }
}

impl From<XmlError> for ConfigError {
    fn from(e: XmlError) -> Self {
        Self::MetadataXml(e)
    }
}
