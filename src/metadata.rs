//! The trust source: an IdP's entity ID and its pinned signing keys, built from
//! SAML metadata (as Microsoft Entra publishes it in FederationMetadata.xml)
//! or from PEM certificates.
//!
//! Signing keys are the `IDPSSODescriptor` KeyDescriptors with
//! `use="signing"` or no `use`; `use="encryption"` keys never sign. Several keys
//! are normal (Entra lists the old and the new one during rollover): a
//! signature verifies if any of them verifies it. Metadata without a signing key
//! is a configuration error, never "skip the check" (CVE-2026-16443, samael's
//! fail-open). Keys are parsed once, here.
//!
//! ```no_run
//! use samlguard::dsig::PublicKey;
//! use samlguard::metadata::{IdpTrust, MetadataOptions};
//!
//! let xml = std::fs::read("FederationMetadata.xml")?;
//! // Verify the metadata's own signature with a certificate obtained out of band:
//! let signer = PublicKey::from_pem(&std::fs::read("metadata-signer.pem")?)?;
//! let trust = IdpTrust::from_metadata(&xml, &MetadataOptions::default().with_signing_keys(signer))?;
//! println!("{} with {} signing keys", trust.entity_id(), trust.keys().len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::dsig::{self, Algorithms, DSIG_NS, KeyError, PublicKey, SignatureError};
use crate::xml::{self, Document, ElementRef, XmlError};

/// The SAML 2.0 metadata namespace.
pub const MD_NS: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const SAML2_PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";

/// Why a trust configuration could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The metadata is not well-formed XML (or breaks a parser rule).
    #[error("IdP metadata is not acceptable XML: {0}")]
    MetadataXml(#[from] XmlError),
    /// The root is not an EntityDescriptor / EntitiesDescriptor.
    #[error("not SAML 2.0 metadata (expected md:EntityDescriptor or md:EntitiesDescriptor)")]
    NotMetadata,
    /// No entity, several candidate entities, or the requested one is absent.
    #[error("metadata entity: {0}")]
    Entity(String),
    /// The entity has no SAML 2.0 IDPSSODescriptor.
    #[error("metadata has no IDPSSODescriptor for SAML 2.0")]
    NoIdpDescriptor,
    /// No `use="signing"` (or use-less) key: refusing to run without one.
    #[error(
        "no signing certificate: the IdP metadata lists no KeyDescriptor with use=\"signing\" (or without use); refusing to accept unsigned responses"
    )]
    NoSigningKey,
    /// A certificate could not be used as a key.
    #[error("signing certificate: {0}")]
    Certificate(#[from] KeyError),
    /// A KeyDescriptor certificate is not plain base64.
    #[error("signing certificate in metadata is not valid base64 DER")]
    CertificateEncoding,
    /// The caller asked for the metadata signature to be checked and it failed.
    #[error("metadata signature: {0}")]
    MetadataSignature(SignatureError),
    /// The caller supplied a metadata-signing key but the metadata is unsigned.
    #[error("metadata is not signed but a metadata-signing certificate was configured")]
    MetadataNotSigned,
    /// An empty or otherwise unusable entity ID was configured.
    #[error("the IdP entity ID is empty")]
    EmptyEntityId,
}

impl ConfigError {
    /// Stable snake_case name of the error kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::MetadataXml(_) => "metadata_xml",
            Self::NotMetadata => "not_metadata",
            Self::Entity(_) => "metadata_entity",
            Self::NoIdpDescriptor => "no_idp_descriptor",
            Self::NoSigningKey => "no_signing_key",
            Self::Certificate(_) => "invalid_certificate",
            Self::CertificateEncoding => "invalid_certificate",
            Self::MetadataSignature(_) => "metadata_signature",
            Self::MetadataNotSigned => "metadata_not_signed",
            Self::EmptyEntityId => "empty_entity_id",
        }
    }
}

/// How to read metadata.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct MetadataOptions {
    /// When non-empty, the metadata's own enveloped signature (on the root
    /// element) must verify under one of these keys.
    pub metadata_signing_keys: Vec<PublicKey>,
    /// Which entity to take from an EntitiesDescriptor (required when it holds
    /// more than one IdP).
    pub entity_id: Option<String>,
    /// Algorithms accepted for the metadata signature.
    pub algorithms: Algorithms,
}

impl MetadataOptions {
    /// Requires the metadata's own signature to verify under one of `keys`.
    pub fn with_signing_keys(mut self, keys: Vec<PublicKey>) -> Self {
        self.metadata_signing_keys = keys;
        self
    }

    /// Selects the entity with this ID from an EntitiesDescriptor.
    pub fn with_entity_id(mut self, entity_id: impl Into<String>) -> Self {
        self.entity_id = Some(entity_id.into());
        self
    }
}

/// An identity provider: its entity ID (the expected `Issuer`) and its pinned
/// signing keys. Never empty of keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpTrust {
    entity_id: String,
    keys: Vec<PublicKey>,
}

impl IdpTrust {
    /// A trust from certificates configured directly.
    pub fn from_keys(entity_id: impl Into<String>, keys: Vec<PublicKey>) -> Result<Self, ConfigError> {
        let entity_id = entity_id.into();
        if entity_id.is_empty() {
            return Err(ConfigError::EmptyEntityId);
        }
        if keys.is_empty() {
            return Err(ConfigError::NoSigningKey);
        }
        Ok(Self { entity_id, keys })
    }

    /// A trust from PEM certificates (every CERTIFICATE block is a key).
    pub fn from_pem(entity_id: impl Into<String>, pem: &[u8]) -> Result<Self, ConfigError> {
        Self::from_keys(entity_id, PublicKey::from_pem(pem)?)
    }

    /// A trust from SAML 2.0 IdP metadata.
    pub fn from_metadata(xml: &[u8], options: &MetadataOptions) -> Result<Self, ConfigError> {
        let doc = xml::parse(xml)?;
        let root = doc.element(doc.root()).ok_or(ConfigError::NotMetadata)?;
        if !options.metadata_signing_keys.is_empty() {
            let signature = dsig::signature_child(&doc, root.id())
                .map_err(ConfigError::MetadataSignature)?
                .ok_or(ConfigError::MetadataNotSigned)?;
            dsig::verify(&doc, signature, &options.metadata_signing_keys, options.algorithms)
                .map_err(ConfigError::MetadataSignature)?;
        }
        let entity = select_entity(&doc, root, options.entity_id.as_deref())?;
        let entity_id = entity.attribute("", "entityID").unwrap_or("").to_string();
        if entity_id.is_empty() {
            return Err(ConfigError::Entity("EntityDescriptor has no entityID".into()));
        }
        let descriptors: Vec<_> = doc
            .child_elements(entity.id())
            .filter(|e| e.is(MD_NS, "IDPSSODescriptor"))
            .filter(|e| {
                e.attribute("", "protocolSupportEnumeration")
                    .is_some_and(|p| p.split_ascii_whitespace().any(|p| p == SAML2_PROTOCOL))
            })
            .collect();
        if descriptors.is_empty() {
            return Err(ConfigError::NoIdpDescriptor);
        }
        let mut keys: Vec<PublicKey> = Vec::new();
        for descriptor in descriptors {
            for key_descriptor in doc.child_elements(descriptor.id()).filter(|e| e.is(MD_NS, "KeyDescriptor"))
            {
                if !matches!(key_descriptor.attribute("", "use"), None | Some("signing")) {
                    continue;
                }
                for certificate in certificates(&doc, key_descriptor) {
                    let der = certificate?;
                    let key = PublicKey::from_certificate_der(&der)?;
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
            }
        }
        Self::from_keys(entity_id, keys)
    }

    /// The IdP entity ID: the Issuer every accepted assertion must carry.
    pub fn entity_id(&self) -> &str {
        &self.entity_id
    }

    /// The pinned signing keys, in metadata order.
    pub fn keys(&self) -> &[PublicKey] {
        &self.keys
    }
}

fn select_entity<'d, 'a>(
    doc: &'d Document<'a>,
    root: ElementRef<'d, 'a>,
    wanted: Option<&str>,
) -> Result<ElementRef<'d, 'a>, ConfigError> {
    let candidates: Vec<ElementRef<'d, 'a>> = if root.is(MD_NS, "EntityDescriptor") {
        vec![root]
    } else if root.is(MD_NS, "EntitiesDescriptor") {
        doc.child_elements(root.id()).filter(|e| e.is(MD_NS, "EntityDescriptor")).collect()
    } else {
        return Err(ConfigError::NotMetadata);
    };
    match wanted {
        Some(id) => candidates
            .into_iter()
            .find(|e| e.attribute("", "entityID") == Some(id))
            .ok_or_else(|| ConfigError::Entity(format!("no EntityDescriptor with entityID {id:?}"))),
        None => {
            let mut idps = candidates
                .into_iter()
                .filter(|e| doc.child_elements(e.id()).any(|c| c.is(MD_NS, "IDPSSODescriptor")));
            match (idps.next(), idps.next()) {
                (Some(one), None) => Ok(one),
                (None, _) => Err(ConfigError::NoIdpDescriptor),
                (Some(_), Some(_)) => {
                    Err(ConfigError::Entity("several IdPs in metadata: choose one by entity ID".into()))
                }
            }
        }
    }
}

/// DER certificates under `KeyDescriptor/ds:KeyInfo/ds:X509Data/ds:X509Certificate`.
fn certificates<'d>(
    doc: &'d Document<'_>,
    key_descriptor: ElementRef<'d, '_>,
) -> impl Iterator<Item = Result<Vec<u8>, ConfigError>> + 'd {
    doc.child_elements(key_descriptor.id())
        .filter(|e| e.is(DSIG_NS, "KeyInfo"))
        .flat_map(move |info| doc.child_elements(info.id()).filter(|e| e.is(DSIG_NS, "X509Data")))
        .flat_map(move |data| doc.child_elements(data.id()).filter(|e| e.is(DSIG_NS, "X509Certificate")))
        .map(move |certificate| {
            dsig::decode_base64(doc, certificate.id(), "X509Certificate")
                .map_err(|_| ConfigError::CertificateEncoding)
        })
}
