//! The trusted IdP: its entity ID and pinned signing keys.

use super::ConfigError;
use crate::crypto::PublicKey;

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

    /// The IdP entity ID: the Issuer every accepted assertion must carry.
    pub fn entity_id(&self) -> &str {
        &self.entity_id
    }

    /// The pinned signing keys, in metadata order.
    pub fn keys(&self) -> &[PublicKey] {
        &self.keys
    }
}
