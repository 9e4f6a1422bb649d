//! The trust source: an IdP's entity ID and its pinned signing keys, built from
//! SAML metadata (as Microsoft Entra publishes it in FederationMetadata.xml)
//! or from PEM certificates; and the service provider's own metadata
//! ([`SpMetadata`]: the audience and ACS URLs a response must name).
//!
//! Signing keys are the `IDPSSODescriptor` KeyDescriptors with
//! `use="signing"` or no `use`; `use="encryption"` keys never sign. Several keys
//! are normal (Entra lists the old and the new one during rollover): a
//! signature verifies if any of them verifies it. Metadata without a signing key
//! is a configuration error, never "skip the check" (CVE-2026-16443, samael's
//! fail-open). Keys are parsed once, here.
//!
//! ```no_run
//! use samlguard::crypto::PublicKey;
//! use samlguard::trust::{IdpTrust, MetadataOptions};
//!
//! let xml = std::fs::read("FederationMetadata.xml")?;
//! // Verify the metadata's own signature with a certificate obtained out of band:
//! let signer = PublicKey::from_pem(&std::fs::read("metadata-signer.pem")?)?;
//! let trust = IdpTrust::from_metadata(&xml, &MetadataOptions::default().with_signing_keys(signer))?;
//! println!("{} with {} signing keys", trust.entity_id(), trust.keys().len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod idp;
mod metadata;
pub(crate) mod platform_url;
mod sp_metadata;

pub use error::ConfigError;
pub use idp::IdpTrust;
pub use metadata::{MD_NS, MetadataOptions};
pub use sp_metadata::SpMetadata;
