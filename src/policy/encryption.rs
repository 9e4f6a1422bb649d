//! Encrypted assertions: which policies accept them, with which SP keys, and
//! the step that turns an EncryptedAssertion into a verified Assertion
//! (feature `xmlenc`; without it every profile refuses EncryptedAssertion
//! anywhere, `encrypted_assertion`).
//!
//! The step, in order (the Response signature, when present, has been
//! verified before: it covers the ciphertext):
//!
//! 1. read the EncryptedAssertion; its structural refusals (shape, algorithm
//!    URIs, RSA PKCS#1 v1.5, CBC under GCM-only, key references) depend only
//!    on what anyone can read, and keep their own kinds;
//! 2. unwrap the content key with **every** configured SP key and decrypt;
//! 3. parse the plaintext as its own document, with the policy's XML limits
//!    and the namespace bindings in scope at the EncryptedAssertion;
//! 4. require exactly one `saml:Assertion`, the root, with no other
//!    Assertion, EncryptedAssertion or `ds:Signature` inside it than its own
//!    Signature, and no `ID` that the Response also has;
//! 5. verify that Signature with the pinned IdP keys, in the new document.
//!
//! Every failure from step 2 to step 5 is the same refusal,
//! [`XmlEncError::DecryptionFailed`] (`decryption_failed`): one kind, one
//! message, no detail and no source, so that the answer never says whether
//! the padding, the tag, the key, the XML or the signature was wrong (the
//! manual's [decryption is not an oracle] invariant). Only then is the
//! Assertion read, through its own proof, by the usual rules.
//!
//! [decryption is not an oracle]: crate::manual::invariants#decryption-is-not-an-oracle

#[cfg(feature = "xmlenc")]
use std::sync::Arc;

use super::Profile;
#[cfg(feature = "xmlenc")]
use {
    super::settings::Settings,
    super::{Policy, PolicyError, SignedElement, SignedPart, signatures},
    crate::Error,
    crate::crypto::PublicKey,
    crate::crypto::decryption::DecryptionKeys,
    crate::dsig::{self, DSIG_NS},
    crate::saml::{self, Assertion, SAML_NS},
    crate::xml::{self, Document, NodeId},
    crate::xmlenc::{self, DecryptionOptions, XmlEncError},
};

/// Whether an Assertion must arrive encrypted (AWS IAM SAML providers call
/// this the assertion encryption mode).
#[cfg(feature = "xmlenc")]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncryptionMode {
    /// Plaintext and encrypted Assertions are both accepted (the default).
    #[default]
    Allowed,
    /// A plaintext Assertion is refused (`encryption_required`).
    Required,
}

/// The profiles whose policies can decrypt assertions: [`AwsConsole`] and
/// [`Generic`]. Client VPN does not accept encrypted assertions, and its
/// policy has no decryption setters:
///
/// ```compile_fail
/// # fn keys() -> samlguard::crypto::decryption::DecryptionKeys { todo!() }
/// # fn trust() -> samlguard::IdpTrust { todo!() }
/// let policy = samlguard::Policy::<samlguard::ClientVpn>::new(trust()).with_decryption_keys(keys());
/// ```
///
/// [`AwsConsole`]: crate::AwsConsole
/// [`Generic`]: crate::Generic
pub trait Decrypting: Profile {}

/// What a policy does with EncryptedAssertion.
#[derive(Debug, Clone, Default)]
pub(crate) struct Encryption {
    /// The profile accepts encrypted assertions (with the feature, and keys).
    pub(crate) accepted: bool,
    #[cfg(feature = "xmlenc")]
    pub(crate) keys: Option<Arc<DecryptionKeys>>,
    #[cfg(feature = "xmlenc")]
    pub(crate) mode: EncryptionMode,
    #[cfg(feature = "xmlenc")]
    pub(crate) options: DecryptionOptions,
}

impl Encryption {
    /// Encrypted assertions are refused wherever they are
    /// (`encrypted_assertion`): by this profile, or by a build without the
    /// `xmlenc` feature.
    pub(crate) fn refused(&self) -> bool {
        !cfg!(feature = "xmlenc") || !self.accepted
    }

    /// Refusals that need no cryptography: an encrypted assertion without
    /// keys, a plaintext one where encryption is required.
    #[cfg(feature = "xmlenc")]
    pub(crate) fn check(&self, encrypted: bool) -> Result<(), PolicyError> {
        match (encrypted, &self.keys, self.mode) {
            (true, None, _) => Err(PolicyError::DecryptionKeyNotConfigured),
            (false, _, EncryptionMode::Required) => Err(PolicyError::EncryptionRequired),
            _ => Ok(()),
        }
    }
}

#[cfg(feature = "xmlenc")]
impl<P: Decrypting> Policy<P> {
    /// Decrypts EncryptedAssertion with the SP's private `keys` (several
    /// during a rotation: every one is used on every decryption, so that
    /// which one worked does not show in the time taken). With keys set and
    /// the default [`EncryptionMode::Allowed`], plaintext Assertions are
    /// still accepted.
    ///
    /// ```
    /// use samlguard::crypto::decryption::{DecryptionKey, DecryptionKeys};
    /// use samlguard::policy::EncryptionMode;
    /// use samlguard::{AwsConsole, Context, IdpTrust, MetadataOptions, Policy};
    ///
    /// let trust = IdpTrust::from_metadata(&std::fs::read("testdata/metadata/entra.xml")?, &MetadataOptions::default())?;
    /// // The IAM SAML provider's private key(s): during a rotation, both.
    /// let keys = DecryptionKeys::new([DecryptionKey::from_pem(&std::fs::read("testdata/keys/sp.key")?)?])?;
    /// let policy = Policy::<AwsConsole>::new(trust)
    ///     .with_decryption_keys(keys)
    ///     .with_encryption_mode(EncryptionMode::Required);
    /// let response = std::fs::read("testdata/xmlenc/entra-shaped-aes256-cbc.xml")?;
    /// let login = policy.validate(&response, &Context::new("2026-01-15T10:01:00Z".parse()?))?;
    /// assert!(login.encrypted());
    /// assert_eq!(login.roles()[0].role_arn, "arn:aws:iam::123456789012:role/Admin");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_decryption_keys(mut self, keys: DecryptionKeys) -> Self {
        self.settings_mut().encryption.keys = Some(Arc::new(keys));
        self
    }

    /// Sets whether the Assertion must arrive encrypted.
    pub fn with_encryption_mode(mut self, mode: EncryptionMode) -> Self {
        self.settings_mut().encryption.mode = mode;
        self
    }

    /// Sets the decryption options, for example
    /// [`DecryptionOptions::with_gcm_only`] to refuse AES-CBC.
    pub fn with_decryption_options(mut self, options: DecryptionOptions) -> Self {
        self.settings_mut().encryption.options = options;
        self
    }

    /// The configured SP decryption keys.
    pub fn decryption_keys(&self) -> Option<&DecryptionKeys> {
        self.settings().encryption.keys.as_deref()
    }
}

/// The Assertion an EncryptedAssertion hides, read under its own verified
/// signature, and that signature as a login reports it.
#[cfg(feature = "xmlenc")]
pub(crate) fn open(
    doc: &Document<'_>,
    encrypted_assertion: NodeId,
    settings: &Settings,
    idp_keys: &[PublicKey],
) -> Result<(Assertion, SignedPart), Error> {
    let encryption = &settings.encryption;
    let keys = encryption.keys.as_deref().ok_or(PolicyError::DecryptionKeyNotConfigured)?;
    let decrypted = xmlenc::decrypt_assertion(doc, encrypted_assertion, keys, &encryption.options)
        .map_err(Error::Encryption)?;
    // From here to the verified signature, every failure is the one refusal.
    let inner = xml::parse_with_scope(decrypted.plaintext(), &settings.xml_limits, decrypted.namespaces())
        .map_err(opaque)?;
    let signature = one_signed_assertion(&inner, doc).ok_or(()).map_err(opaque)?;
    let proof = dsig::verify(&inner, signature, idp_keys, settings.algorithms).map_err(opaque)?;
    let assertion = saml::read_assertion(&proof, inner.root()).map_err(|e| match e {
        saml::SamlError::NotCovered => Error::from(PolicyError::AssertionNotSigned),
        e => e.into(),
    })?;
    Ok((assertion, signatures::signed_part(SignedElement::Assertion, &proof, idp_keys)))
}

/// The one refusal for every failure between the key unwrap and the
/// verified signature of the decrypted Assertion: what went wrong is dropped
/// here, unread.
#[cfg(feature = "xmlenc")]
fn opaque<E>(_: E) -> Error {
    Error::Encryption(XmlEncError::DecryptionFailed)
}

/// The Signature of the decrypted document's root when the document is
/// exactly one `saml:Assertion` holding no other Assertion,
/// EncryptedAssertion or Signature, and none of its IDs is also an ID of the
/// Response (`outer`): the two documents are one response.
#[cfg(feature = "xmlenc")]
fn one_signed_assertion(inner: &Document<'_>, outer: &Document<'_>) -> Option<NodeId> {
    let root = inner.root();
    if !inner.element(root)?.is(SAML_NS, "Assertion") {
        return None;
    }
    let signature = dsig::signature_child(inner, root).ok()??;
    for node in inner.descendants(root) {
        let Some(element) = inner.element(node) else { continue };
        let nested = match element.local_name() {
            "Assertion" | "EncryptedAssertion" => node != root && element.namespace() == SAML_NS,
            "Signature" => node != signature && element.namespace() == DSIG_NS,
            _ => false,
        };
        let shared_id = element.attribute("", "ID").is_some_and(|id| outer.element_by_id(id).is_some());
        if nested || shared_id {
            return None;
        }
    }
    Some(signature)
}
