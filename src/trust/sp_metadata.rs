//! A service provider's own SAML 2.0 metadata as configuration: its entity
//! ID is the audience a response to it must name, its HTTP-POST
//! AssertionConsumerService Locations the Destination and Recipient.
//!
//! AWS hands such a file out for IAM Identity Center (IAM Identity Center
//! console > Settings > Identity source: the service provider metadata): one
//! `EntityDescriptor` whose entityID is
//! `https://<region>.signin.aws.amazon.com/platform/saml/<id>`, with one
//! `SPSSODescriptor` whose HTTP-POST AssertionConsumerService is
//! `https://<region>.signin.aws.amazon.com/platform/saml/acs/<id>`. Entra's
//! application for IAM Identity Center takes the same two values as its
//! Identifier (Entity ID) and Reply URL.
//!
//! ```
//! use samlguard::trust::SpMetadata;
//!
//! let sp = SpMetadata::from_xml(&std::fs::read("testdata/metadata/identity-center-sp.xml")?)?;
//! assert!(sp.entity_id().starts_with("https://eu-west-1.signin.aws.amazon.com/platform/saml/"));
//! assert_eq!(sp.acs_urls().len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::{ConfigError, MD_NS};
use crate::text::Untrusted;
use crate::xml::{self, Document, ElementRef};

const SAML2_PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const HTTP_POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/// What a service provider's own metadata says a response to it must name.
/// Never empty: an entity ID and at least one HTTP-POST ACS URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpMetadata {
    entity_id: String,
    acs_urls: Vec<String>,
}

impl SpMetadata {
    /// Reads SAML 2.0 metadata holding exactly one SAML 2.0 `SPSSODescriptor`
    /// (in an `EntityDescriptor`, or in one of an `EntitiesDescriptor`'s).
    ///
    /// IdP metadata passed by mistake (Entra's Federation Metadata, which
    /// has an `IDPSSODescriptor`) is [`ConfigError::NoSpDescriptor`] and says
    /// what the document holds instead; several SP descriptors are
    /// [`ConfigError::SeveralSpDescriptors`]; a descriptor without an
    /// HTTP-POST AssertionConsumerService (the binding Entra answers with)
    /// is [`ConfigError::NoPostAcs`].
    pub fn from_xml(xml: &[u8]) -> Result<Self, ConfigError> {
        let doc = xml::parse(xml)?;
        let root = doc.element(doc.root()).ok_or(ConfigError::NotMetadata)?;
        let entities: Vec<ElementRef<'_, '_>> = if root.is(MD_NS, "EntityDescriptor") {
            vec![root]
        } else if root.is(MD_NS, "EntitiesDescriptor") {
            doc.child_elements(root.id()).filter(|e| e.is(MD_NS, "EntityDescriptor")).collect()
        } else {
            return Err(ConfigError::NotMetadata);
        };
        let descriptors: Vec<_> = entities
            .iter()
            .flat_map(|entity| {
                doc.child_elements(entity.id())
                    .filter(|e| e.is(MD_NS, "SPSSODescriptor") && supports_saml2(e))
                    .map(move |descriptor| (*entity, descriptor))
            })
            .collect();
        let (entity, descriptor) = match descriptors.as_slice() {
            [one] => *one,
            [] => return Err(ConfigError::NoSpDescriptor { found: roles(&doc, &entities) }),
            several => return Err(ConfigError::SeveralSpDescriptors(several.len())),
        };
        let entity_id = entity.attribute("", "entityID").unwrap_or("").to_string();
        if entity_id.is_empty() {
            return Err(ConfigError::MissingEntityId);
        }
        let mut acs_urls: Vec<String> = Vec::new();
        for acs in doc
            .child_elements(descriptor.id())
            .filter(|e| e.is(MD_NS, "AssertionConsumerService"))
            .filter(|e| e.attribute("", "Binding") == Some(HTTP_POST))
        {
            let location = acs.attribute("", "Location").unwrap_or("");
            if location.is_empty() {
                return Err(ConfigError::NoPostAcs);
            }
            if !acs_urls.iter().any(|u| u == location) {
                acs_urls.push(location.to_string());
            }
        }
        if acs_urls.is_empty() {
            return Err(ConfigError::NoPostAcs);
        }
        Ok(Self { entity_id, acs_urls })
    }

    /// The SP's entity ID: the audience its responses must name.
    pub fn entity_id(&self) -> &str {
        &self.entity_id
    }

    /// The HTTP-POST AssertionConsumerService Locations, in document order:
    /// the accepted Destination and Recipient values.
    pub fn acs_urls(&self) -> &[String] {
        &self.acs_urls
    }
}

fn supports_saml2(descriptor: &ElementRef<'_, '_>) -> bool {
    descriptor
        .attribute("", "protocolSupportEnumeration")
        .is_some_and(|p| p.split_ascii_whitespace().any(|p| p == SAML2_PROTOCOL))
}

/// The role descriptors the entities hold instead (their element names,
/// each once, in document order).
fn roles(doc: &Document<'_>, entities: &[ElementRef<'_, '_>]) -> Vec<Untrusted> {
    let mut found: Vec<Untrusted> = Vec::new();
    for entity in entities {
        for role in doc.child_elements(entity.id()).filter(|e| e.namespace() == MD_NS) {
            let name = role.local_name();
            if name.ends_with("Descriptor") && !found.iter().any(|f| f.as_str_less_safe() == name) {
                found.push(name.into());
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::ErrorKind;

    fn entity(body: &str) -> String {
        format!(
            r#"<md:EntityDescriptor xmlns:md="{MD_NS}" entityID="https://eu-west-1.signin.aws.amazon.com/platform/saml/d-1">{body}</md:EntityDescriptor>"#
        )
    }

    fn sp(acs: &str) -> String {
        format!(
            r#"<md:SPSSODescriptor protocolSupportEnumeration="{SAML2_PROTOCOL}">{acs}</md:SPSSODescriptor>"#
        )
    }

    fn post(location: &str) -> String {
        format!(r#"<md:AssertionConsumerService Binding="{HTTP_POST}" Location="{location}" index="0"/>"#)
    }

    const ACS: &str = "https://eu-west-1.signin.aws.amazon.com/platform/saml/acs/1";

    fn kind(xml: &str) -> ErrorKind {
        SpMetadata::from_xml(xml.as_bytes()).unwrap_err().kind()
    }

    #[test]
    fn reads_the_entity_id_and_the_post_acs_urls() {
        let redirect = r#"<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://x/redirect" index="1"/>"#;
        let xml = entity(&sp(&format!("{}{redirect}{}{}", post(ACS), post("https://x/second"), post(ACS))));
        let sp = SpMetadata::from_xml(xml.as_bytes()).unwrap();
        assert_eq!(sp.entity_id(), "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-1");
        assert_eq!(sp.acs_urls(), [ACS, "https://x/second"]);
    }

    #[test]
    fn idp_metadata_is_refused_saying_what_it_holds() {
        let idp = format!(
            r#"<EntityDescriptor xmlns="{MD_NS}" entityID="https://sts.windows.net/t/"><RoleDescriptor/><IDPSSODescriptor protocolSupportEnumeration="{SAML2_PROTOCOL}"/></EntityDescriptor>"#
        );
        let error = SpMetadata::from_xml(idp.as_bytes()).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::NoSpDescriptor);
        let message = error.to_string();
        assert!(message.contains("\"RoleDescriptor\", \"IDPSSODescriptor\""), "{message}");
        assert!(message.contains("IdP's metadata"), "{message}");
        assert_eq!(kind(&entity("")), ErrorKind::NoSpDescriptor);
        // An SPSSODescriptor that is not for SAML 2.0 does not count.
        let saml1 =
            r#"<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:1.1:protocol"/>"#;
        assert_eq!(kind(&entity(saml1)), ErrorKind::NoSpDescriptor);
    }

    #[test]
    fn exactly_one_sp_descriptor() {
        let two = entity(&format!("{}{}", sp(&post(ACS)), sp(&post(ACS))));
        assert_eq!(kind(&two), ErrorKind::SeveralSpDescriptors);
        let entities = format!(
            r#"<md:EntitiesDescriptor xmlns:md="{MD_NS}">{}{}</md:EntitiesDescriptor>"#,
            entity(&sp(&post(ACS))).replace(&format!(r#" xmlns:md="{MD_NS}""#), ""),
            entity(&sp(&post(ACS))).replace(&format!(r#" xmlns:md="{MD_NS}""#), "")
        );
        assert_eq!(kind(&entities), ErrorKind::SeveralSpDescriptors);
        let one_of_two = format!(
            r#"<md:EntitiesDescriptor xmlns:md="{MD_NS}">{}{}</md:EntitiesDescriptor>"#,
            entity("").replace(&format!(r#" xmlns:md="{MD_NS}""#), ""),
            entity(&sp(&post(ACS))).replace(&format!(r#" xmlns:md="{MD_NS}""#), "")
        );
        assert_eq!(SpMetadata::from_xml(one_of_two.as_bytes()).unwrap().acs_urls(), [ACS]);
    }

    #[test]
    fn an_http_post_acs_with_a_location_is_required() {
        let redirect = r#"<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://x" index="0"/>"#;
        assert_eq!(kind(&entity(&sp(redirect))), ErrorKind::NoPostAcs);
        assert_eq!(kind(&entity(&sp(""))), ErrorKind::NoPostAcs);
        assert_eq!(kind(&entity(&sp(&post("")))), ErrorKind::NoPostAcs);
    }

    #[test]
    fn other_documents() {
        assert_eq!(kind("<x/>"), ErrorKind::NotMetadata);
        assert_eq!(kind("<md:EntityDescriptor"), ErrorKind::MetadataXml);
        let no_id = entity(&sp(&post(ACS)))
            .replace(r#" entityID="https://eu-west-1.signin.aws.amazon.com/platform/saml/d-1""#, "");
        assert_eq!(kind(&no_id), ErrorKind::MetadataEntity);
    }
}
