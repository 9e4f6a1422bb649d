//! IdP metadata (SAML 2.0, as Microsoft Entra publishes it in
//! FederationMetadata.xml) as the trust source.

use super::{ConfigError, IdpTrust};
use crate::crypto::{Algorithms, PublicKey};
use crate::dsig::{self, DSIG_NS};
use crate::xml::{self, Document, ElementRef};

/// The SAML 2.0 metadata namespace.
pub const MD_NS: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const SAML2_PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";

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

impl IdpTrust {
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
            return Err(ConfigError::MissingEntityId);
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
            .ok_or_else(|| ConfigError::EntityNotFound(id.into())),
        None => {
            let mut idps = candidates
                .into_iter()
                .filter(|e| doc.child_elements(e.id()).any(|c| c.is(MD_NS, "IDPSSODescriptor")));
            match (idps.next(), idps.next()) {
                (Some(one), None) => Ok(one),
                (None, _) => Err(ConfigError::NoIdpDescriptor),
                (Some(_), Some(_)) => Err(ConfigError::SeveralEntities),
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
