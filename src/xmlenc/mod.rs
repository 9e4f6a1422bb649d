//! Decrypting `saml:EncryptedAssertion` (XML Encryption 1.1) with the SP's
//! private keys — feature `xmlenc`.
//!
//! A building block: [`decrypt_assertion`] turns one EncryptedAssertion of a
//! parsed document into the plaintext bytes of the element it hides, plus the
//! namespace bindings in scope where it stood (the plaintext may use prefixes
//! declared around it; the parser reads it with those as its starting
//! scope). Decryption proves nothing about the sender — anyone can encrypt to
//! the SP's public certificate — so the plaintext must be parsed on its own
//! and trusted only under its own signature from the pinned IdP; when the
//! Response is signed, that signature (which covers the ciphertext) is
//! verified before anything is decrypted.
//!
//! ```no_run
//! use samlguard::crypto::decryption::{DecryptionKey, DecryptionKeys};
//! use samlguard::xmlenc::{decrypt_assertion, DecryptionOptions};
//!
//! let keys = DecryptionKeys::new([
//!     DecryptionKey::from_pem(&std::fs::read("sp.key")?)?.with_certificate_pem(&std::fs::read("sp.crt")?)?,
//!     DecryptionKey::from_pem(&std::fs::read("sp-next.key")?)?,
//! ])?;
//! let bytes = std::fs::read("response.xml")?;
//! let doc = samlguard::xml::parse(&bytes)?;
//! let encrypted = doc
//!     .child_elements(doc.root())
//!     .find(|e| e.local_name() == "EncryptedAssertion")
//!     .ok_or("no EncryptedAssertion")?;
//! let decrypted = decrypt_assertion(&doc, encrypted.id(), &keys, &DecryptionOptions::default())?;
//! println!("{} bytes, scope {:?}", decrypted.plaintext().len(), decrypted.namespaces());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What is read
//!
//! Exactly one `xenc:EncryptedData` (its `Type`, when present, is
//! `http://www.w3.org/2001/04/xmlenc#Element`; SAML only says it SHOULD be
//! there, so its absence is accepted), and one `xenc:EncryptedKey`, either
//! inside `EncryptedData/ds:KeyInfo` or beside the EncryptedData and named by
//! a same-document `ds:RetrievalMethod` or a `ds:KeyName`; see
//! [the reading rules](#where-the-content-key-may-be). Content
//! algorithms: [`ContentEncryption`]; key transport: RSA-OAEP only (see
//! below). [`DecryptionOptions::gcm_only`] refuses AES-CBC.
//!
//! ## Where the content key may be
//!
//! - inside `EncryptedData/ds:KeyInfo`, which then holds only EncryptedKey
//!   elements (Entra ID, Okta, xmlsec1's templates);
//! - beside the EncryptedData, named by exactly one `ds:RetrievalMethod`
//!   (`Type="http://www.w3.org/2001/04/xmlenc#EncryptedKey"`, `URI="#id"`
//!   naming a sibling's `Id`) or exactly one `ds:KeyName` (matching the
//!   siblings' `CarriedKeyName`).
//!
//! Nothing outside the EncryptedAssertion is looked up; external URIs,
//! XPointer, Transforms, CipherReference, unnamed sibling keys and several
//! EncryptedKeys that the [recipient](DecryptionOptions::recipient) cannot
//! tell apart are refused. The EncryptedKey's own `KeyInfo` (X509Data,
//! KeyName) only decides which SP key is tried first.
//!
//! # Key transport
//!
//! `http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p` and
//! `http://www.w3.org/2009/xmlenc11#rsa-oaep`, with SHA-1/256/384/512
//! digests, MGF1 with SHA-1/256/384/512 and an optional OAEP label
//! (`xenc:OAEPparams`). `rsa-1_5` is refused with its own kind before any
//! private key is touched, like every other URI.
//!
//! # One opaque failure
//!
//! Errors split in two (see [`XmlEncError`]):
//!
//! - **structural refusals** while the document is read — wrong shape,
//!   unknown or refused algorithm URIs (rsa-1_5 included), unresolvable or
//!   ambiguous key references, CipherValue that is not plain base64, CBC when
//!   only GCM is accepted. They come before any private-key operation and
//!   depend only on what anyone can read in the document, so they carry
//!   their own kinds and messages;
//! - **[`XmlEncError::DecryptionFailed`]** for everything after: the
//!   RSA-OAEP unwrap with each SP key, the length of the unwrapped key, the
//!   AES pass, the CBC padding, the GCM tag. One unit variant, kind
//!   `decryption_failed`, one fixed message: kind, `Display` and `Debug` are
//!   identical whichever step failed, and nothing about the key or the
//!   plaintext is in them. A caller parsing the plaintext must turn its parse
//!   failures into the same refusal (the padding-oracle attack of Jager and
//!   Somorovsky, "How To Break XML Encryption", CCS 2011, used exactly those
//!   differences).
//!
//! # Timing
//!
//! Every decryption runs the same steps to the end, and failure is decided
//! once, from a mask: the RSA-OAEP unwrap with **every** configured SP key (in
//! hint order, so the number of private-key operations is the number of keys
//! whatever happens), a branch-free choice of the first key that unwrapped to
//! the right length, otherwise a random key, then the whole AES pass with that
//! key and a branch-free CBC padding check (a bad pad removes nothing).
//!
//! What still differs, as far as this module can tell:
//!
//! - the structural refusals (public input only);
//! - inside the `rsa` crate, its `Result` (a branch at the very end of OAEP
//!   decoding, after the constant-time checks) and the allocation of the
//!   unwrapped key; our handling of that result is a few instructions and one
//!   small allocation on either path;
//! - lengths, which are public: a CipherValue too short or not whole blocks
//!   fails at once; GCM and CBC take different paths (the algorithm is
//!   public); the plaintext length after a valid pad;
//! - after a success, whatever the caller does with the plaintext. With
//!   AES-CBC an attacker can change plaintext blocks without breaking the
//!   padding, so the time the XML parser or the signature check takes on the
//!   result depends on attacker-chosen plaintext: prefer GCM
//!   ([`DecryptionOptions::gcm_only`]) when the IdP allows it, and sign the
//!   Response too, so that tampered ciphertext is refused before decryption.
//!
//! # Crypto crates
//!
//! RSA-OAEP is RustCrypto `rsa` 0.10.0 (pure Rust, released November 2026).
//! That release replaced the variable-time big integers behind the "Marvin"
//! timing attack with `crypto-bigint`'s constant-time arithmetic, blinds every
//! private-key operation with the system RNG, decodes OAEP with constant-time
//! comparisons, and wipes private keys on drop; its maintainers now call
//! earlier versions vulnerable and ask users to move to 0.10. The RustSec
//! advisory for that attack, RUSTSEC-2023-0071, still listed no patched
//! version in the copies checked for this module (December 2026): its last
//! amendment found, in September 2026, recorded the 0.10 release candidates
//! as still affected, and no change marking 0.10.0 as fixed was found. Until
//! it is, `cargo audit` may flag any build that links `rsa`.
//!
//! Hence the `xmlenc` feature: builds that never decrypt (Client VPN and
//! Identity Center refuse encrypted assertions) link no RSA private-key code
//! and stay clear of that advisory, and the default build refuses
//! EncryptedAssertion as before. Turning the feature on is the operator's
//! explicit choice of `rsa` 0.10 (the `cli` feature turns it on: the tool
//! decrypts with `--sp-key`). A C-backed RSA (aws-lc-rs) was not needed;
//! nothing here links C crypto, libxml2, libxmlsec1 or OpenSSL.
//!
//! AES-CBC is RustCrypto `aes` + `cbc` (AES-NI, or a constant-time bitsliced
//! fallback), with their key schedules wiped on drop; AES-GCM is ring's,
//! already the crate's signature verifier. Content keys and plaintexts are
//! held in zeroizing buffers.
//!
//! This module names none of those crates: it reads the XML, and the
//! primitives are the crypto stage's — the RSA-OAEP unwrap with every SP key
//! in [`crypto::decryption`](crate::crypto::decryption), AES-CBC and
//! AES-GCM in [`crypto::cipher`](crate::crypto::cipher), which also offer
//! them one by one ([`DecryptionKey::decrypt_oaep`](crate::crypto::decryption::DecryptionKey::decrypt_oaep),
//! [`decrypt_content`](crate::crypto::cipher::decrypt_content)) to tools
//! and benchmarks that measure them, on the parts [`ParsedEncryptedAssertion`]
//! reads.
//!
//! # In a policy
//!
//! [`Policy`](crate::Policy) (AWS console and generic profiles, with SP keys)
//! calls [`decrypt_assertion`], parses the plaintext with
//! [`xml::parse_with_scope`](crate::xml::parse_with_scope) and requires the
//! decrypted Assertion's own signature from the pinned IdP; every failure of
//! those steps is the same [`XmlEncError::DecryptionFailed`] (the manual's
//! [decryption is not an oracle](crate::manual::invariants#decryption-is-not-an-oracle)
//! invariant).

mod content;
mod error;
mod key_transport;
mod read;

pub use crate::crypto::cipher::ContentEncryption;
pub use error::XmlEncError;

use std::fmt;

use crate::crypto::cipher::{self, Secret};
use crate::crypto::decryption::{DecryptionKeys, OaepParams};
use crate::xml::{Document, NodeId};

/// Options of [`decrypt_assertion`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecryptionOptions {
    /// Refuse AES-CBC content encryption (kind `cbc_not_allowed`): AES-GCM
    /// only. CBC has no integrity of its own, and the XML Encryption URIs are
    /// not authenticated, so a key used with GCM can be replayed under CBC
    /// (Jager, Paterson, Somorovsky, NDSS 2013). Turn this on when the IdP
    /// encrypts with GCM.
    pub gcm_only: bool,
    /// This SP's entity ID. When set, EncryptedKeys whose `Recipient` names
    /// another party are skipped, which tells apart the keys of an
    /// assertion encrypted to several recipients. EncryptedKeys without
    /// `Recipient` stay candidates.
    pub recipient: Option<String>,
}

impl DecryptionOptions {
    /// Sets [`gcm_only`](Self::gcm_only).
    #[must_use]
    pub fn with_gcm_only(mut self, gcm_only: bool) -> Self {
        self.gcm_only = gcm_only;
        self
    }

    /// Sets [`recipient`](Self::recipient).
    #[must_use]
    pub fn with_recipient(mut self, recipient: impl Into<String>) -> Self {
        self.recipient = Some(recipient.into());
        self
    }
}

/// A decrypted EncryptedAssertion: the plaintext bytes (wiped on drop) and
/// the namespace bindings in scope at the EncryptedAssertion.
pub struct Decrypted {
    plaintext: Secret,
    namespaces: Vec<(String, String)>,
    content: ContentEncryption,
}

impl fmt::Debug for Decrypted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decrypted")
            .field("plaintext_len", &self.plaintext.len())
            .field("namespaces", &self.namespaces)
            .field("content", &self.content)
            .finish()
    }
}

impl Decrypted {
    /// The plaintext: the serialized element the EncryptedData hid, not yet
    /// parsed and not yet trusted.
    pub fn plaintext(&self) -> &[u8] {
        self.plaintext.as_bytes()
    }

    /// The namespace bindings in scope at the EncryptedAssertion, as
    /// `(prefix, namespace name)` pairs sorted by prefix: the default
    /// namespace has the empty prefix (absent when none is in effect, or
    /// when `xmlns=""` undeclared it); the implicit `xml` prefix is not
    /// listed.
    pub fn namespaces(&self) -> &[(String, String)] {
        &self.namespaces
    }

    /// The content encryption algorithm that was used.
    pub fn content_encryption(&self) -> ContentEncryption {
        self.content
    }

    /// The plaintext, moved out; the caller becomes responsible for wiping it.
    pub fn into_plaintext(self) -> Vec<u8> {
        self.plaintext.into_vec()
    }
}

/// Decrypts the EncryptedAssertion `encrypted_assertion` of `doc` with the
/// SP's `keys`.
///
/// Structural refusals have their own kinds; every failure once the keys are
/// used is [`XmlEncError::DecryptionFailed`] (see the
/// [module docs](crate::xmlenc#one-opaque-failure)).
pub fn decrypt_assertion(
    doc: &Document<'_>,
    encrypted_assertion: NodeId,
    keys: &DecryptionKeys,
    options: &DecryptionOptions,
) -> Result<Decrypted, XmlEncError> {
    let parts = read::read(doc, encrypted_assertion, options)?;
    let namespaces = scope(doc, encrypted_assertion);
    let (content_key, unwrapped) = keys
        .unwrap_content_key(&parts.hint, &parts.transport, &parts.key_cipher, parts.content.key_len())
        .ok_or(XmlEncError::DecryptionFailed)?;
    let (plaintext, decrypted) =
        cipher::decrypt_masked(parts.content, content_key.as_bytes(), &parts.content_cipher);
    if unwrapped & decrypted != 0xff {
        return Err(XmlEncError::DecryptionFailed);
    }
    Ok(Decrypted { plaintext, namespaces, content: parts.content })
}

/// An EncryptedAssertion read and checked, not decrypted: what a benchmark
/// or a tool needs to repeat the cryptography ([`DecryptionKey::decrypt_oaep`]
/// on [`encrypted_key`](Self::encrypted_key), then
/// [`decrypt_content`](crate::crypto::cipher::decrypt_content) on
/// [`encrypted_content`](Self::encrypted_content)).
///
/// [`DecryptionKey::decrypt_oaep`]: crate::crypto::decryption::DecryptionKey::decrypt_oaep
pub struct ParsedEncryptedAssertion {
    parts: read::EncryptedParts,
}

impl fmt::Debug for ParsedEncryptedAssertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedEncryptedAssertion")
            .field("content", &self.parts.content)
            .field("key_transport", &self.parts.transport)
            .finish_non_exhaustive()
    }
}

impl ParsedEncryptedAssertion {
    /// Reads the EncryptedAssertion `encrypted_assertion` of `doc`: the same
    /// reading, and the same structural refusals, as [`decrypt_assertion`].
    pub fn read(
        doc: &Document<'_>,
        encrypted_assertion: NodeId,
        options: &DecryptionOptions,
    ) -> Result<Self, XmlEncError> {
        read::read(doc, encrypted_assertion, options).map(|parts| Self { parts })
    }

    /// The content encryption algorithm.
    pub fn content_encryption(&self) -> ContentEncryption {
        self.parts.content
    }

    /// The EncryptedData's decoded CipherValue (IV, ciphertext, and the tag for GCM).
    pub fn encrypted_content(&self) -> &[u8] {
        &self.parts.content_cipher
    }

    /// The RSA-OAEP parameters of the EncryptedKey.
    pub fn key_transport(&self) -> &OaepParams {
        &self.parts.transport
    }

    /// The EncryptedKey's decoded CipherValue (the wrapped content key).
    pub fn encrypted_key(&self) -> &[u8] {
        &self.parts.key_cipher
    }
}

/// The bindings in scope at `node`: the nearest declaration of each prefix,
/// from `node` up to the root; `xmlns=""` leaves the default unbound.
fn scope(doc: &Document<'_>, node: NodeId) -> Vec<(String, String)> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let mut current = Some(node);
    while let Some(id) = current {
        if let Some(element) = doc.element(id) {
            for decl in element.namespace_declarations() {
                if !seen.iter().any(|(p, _)| *p == decl.prefix()) {
                    seen.push((decl.prefix(), decl.uri()));
                }
            }
        }
        current = doc.parent(id);
    }
    let mut bindings: Vec<(String, String)> = seen
        .into_iter()
        .filter(|(_, uri)| !uri.is_empty())
        .map(|(prefix, uri)| (prefix.to_owned(), uri.to_owned()))
        .collect();
    bindings.sort();
    bindings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::decryption::DecryptionKey;

    fn testdata(rel: &str) -> Vec<u8> {
        std::fs::read(format!("{}/testdata/{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn keys(names: &[&str]) -> DecryptionKeys {
        DecryptionKeys::new(
            names.iter().map(|n| DecryptionKey::from_pem(&testdata(&format!("keys/{n}.key"))).unwrap()),
        )
        .unwrap()
    }

    /// The result and the number of RSA private-key operations it took.
    fn run(
        fixture: &str,
        edit: impl Fn(String) -> String,
        keys: &DecryptionKeys,
        options: &DecryptionOptions,
    ) -> (Result<Decrypted, XmlEncError>, usize) {
        let text = edit(String::from_utf8(testdata(&format!("xmlenc/{fixture}.xml"))).unwrap());
        let doc = crate::xml::parse(text.as_bytes()).unwrap();
        let node =
            doc.child_elements(doc.root()).find(|e| e.local_name() == "EncryptedAssertion").unwrap().id();
        crate::crypto::PRIVATE_KEY_OPERATIONS.with(|n| n.set(0));
        let result = decrypt_assertion(&doc, node, keys, options);
        (result, crate::crypto::PRIVATE_KEY_OPERATIONS.with(std::cell::Cell::get))
    }

    #[test]
    fn every_key_is_used_once_whatever_the_outcome() {
        let same = |t: String| t;
        let options = DecryptionOptions::default();
        for (fixture, names, ok) in [
            ("entra-aes256-cbc", &["sp", "sp-next", "attacker"][..], true), // the first key unwraps
            ("rotation-next", &["sp", "sp-next", "attacker"], true),        // the second one does
            ("rotation-next", &["attacker", "sp", "sp-next"], true),        // the last one does
            ("inline-aes256-gcm", &["attacker", "sp-next", "idp"], false),  // none does
        ] {
            let (result, operations) = run(fixture, same, &keys(names), &options);
            assert_eq!((result.is_ok(), operations), (ok, 3), "{fixture} {names:?}");
        }
    }

    #[test]
    fn structural_refusals_come_before_any_private_key_operation() {
        let keys = keys(&["sp", "sp-next"]);
        let options = DecryptionOptions::default();
        type Edit = fn(String) -> String;
        let cases: [(&str, Edit, XmlEncError); 4] = [
            ("rsa-1_5", |t| t, XmlEncError::RsaV15KeyTransport),
            (
                "entra-aes256-cbc",
                |t| t.replace("xmlenc#aes256-cbc", "xmlenc#tripledes-cbc"),
                XmlEncError::UnsupportedAlgorithm {
                    role: "content encryption",
                    uri: "http://www.w3.org/2001/04/xmlenc#tripledes-cbc".into(),
                },
            ),
            (
                "sibling-retrieval-method",
                |t| t.replace("URI=\"#_k1\"", "URI=\"https://idp.example/k\""),
                XmlEncError::KeyReference("RetrievalMethod URI is not a same-document reference #id"),
            ),
            (
                "inline-aes128-gcm",
                |t| t.replacen("<xenc:CipherValue>", "<xenc:CipherValue><!---->", 1),
                XmlEncError::CipherValueEncoding("EncryptedKey CipherValue"),
            ),
        ];
        for (fixture, edit, expected) in cases {
            let (result, operations) = run(fixture, edit, &keys, &options);
            assert_eq!((result.unwrap_err(), operations), (expected, 0), "{fixture}");
        }
        let gcm_only = DecryptionOptions::default().with_gcm_only(true);
        let (result, operations) = run("entra-aes256-cbc", |t| t, &keys, &gcm_only);
        assert_eq!((result.unwrap_err(), operations), (XmlEncError::CbcNotAllowed, 0));
    }
}
