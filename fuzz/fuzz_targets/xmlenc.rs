//! The decryption stage and the encrypted pipeline with a fixed SP key (seed
//! it with testdata/xmlenc). Two kinds of input, told apart by their start:
//!
//! - a whole response (`<?xml` or `<samlp:Response`): every EncryptedAssertion
//!   in it is decrypted with the SP key, and the response validated by an
//!   aws-console policy holding that key;
//! - anything else is a plaintext: it is encrypted (AES-256-GCM, with the
//!   content key of `inline-aes256-gcm.xml`, unwrapped once at start with the
//!   SP key) into that response in place of its ciphertext, so that every
//!   input reaches the parser and the signature check of the decrypted
//!   Assertion (the `.plain.xml` seeds are the genuine plaintexts).
//!
//! Refusals are fine; panics are not. A decryption failure is only ever the
//! one opaque refusal, and an accepted login is the IdP-signed one.
#![no_main]
#![forbid(unsafe_code)]

use std::sync::LazyLock;

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use samlguard::crypto::decryption::{DecryptionKey, DecryptionKeys};
use samlguard::saml::SAML_NS;
use samlguard::trust::{IdpTrust, MetadataOptions};
use samlguard::xml;
use samlguard::xmlenc::{self, DecryptionOptions, ParsedEncryptedAssertion, XmlEncError};
use samlguard::{AwsConsole, Context, ErrorKind, Policy};

const SP_KEY: &[u8] = include_bytes!("../../testdata/keys/sp.key");
const TEMPLATE: &str = include_str!("../../testdata/xmlenc/inline-aes256-gcm.xml");
const GENUINE_NAME_ID: &str = "k3vQ9XnW2bYp7sLr1cTfHd8uJmA0eZoGiE5yR4qP6hN";

fn sp_keys() -> DecryptionKeys {
    DecryptionKeys::new([DecryptionKey::from_pem(SP_KEY).expect("fixture SP key")]).expect("one key")
}

static KEYS: LazyLock<DecryptionKeys> = LazyLock::new(sp_keys);
static CONSOLE: LazyLock<Policy<AwsConsole>> = LazyLock::new(|| {
    let trust = IdpTrust::from_metadata(
        include_bytes!("../../testdata/metadata/entra.xml"),
        &MetadataOptions::default(),
    )
    .expect("fixture metadata");
    Policy::<AwsConsole>::new(trust).with_decryption_keys(sp_keys()).without_replay_store()
});

/// The template's content key, and where its content CipherValue text is.
static CONTENT: LazyLock<(Vec<u8>, std::ops::Range<usize>)> = LazyLock::new(|| {
    let doc = xml::parse(TEMPLATE.as_bytes()).expect("template parses");
    let node =
        doc.child_elements(doc.root()).find(|e| e.is(SAML_NS, "EncryptedAssertion")).expect("encrypted");
    let parts =
        ParsedEncryptedAssertion::read(&doc, node.id(), &DecryptionOptions::default()).expect("readable");
    let key = KEYS.keys()[0]
        .decrypt_oaep(parts.key_transport(), parts.encrypted_key())
        .expect("the SP key unwraps");
    // Inline placement: the EncryptedKey's CipherValue comes first, the content's last.
    let open = "<xenc:CipherValue>";
    let start = TEMPLATE.rfind(open).expect("content CipherValue") + open.len();
    let end = start + TEMPLATE[start..].find('<').expect("closed");
    (key.into_vec(), start..end)
});

fn context() -> Context {
    Context::new("2026-01-15T10:01:00Z".parse().expect("fixed clock"))
}

/// The template response with `plaintext` as its encrypted Assertion.
fn encrypted_response(plaintext: &[u8]) -> String {
    let (key, range) = &*CONTENT;
    let key = ring::aead::LessSafeKey::new(
        ring::aead::UnboundKey::new(&ring::aead::AES_256_GCM, key).expect("AES-256 key"),
    );
    let nonce = [7u8; 12];
    let mut sealed = plaintext.to_vec();
    key.seal_in_place_append_tag(
        ring::aead::Nonce::assume_unique_for_key(nonce),
        ring::aead::Aad::empty(),
        &mut sealed,
    )
    .expect("sealed");
    let value = base64::engine::general_purpose::STANDARD.encode([nonce.as_slice(), &sealed].concat());
    format!("{}{value}{}", &TEMPLATE[..range.start], &TEMPLATE[range.end..])
}

fn check_validation(response: &[u8]) {
    match CONSOLE.validate(response, &context()) {
        Ok(login) => {
            assert_eq!(login.issuer(), CONSOLE.trust().entity_id());
            if login.encrypted() {
                assert_eq!(login.name_id(), GENUINE_NAME_ID, "only the IdP-signed Assertion can come out");
                assert_eq!(login.signatures()[0].element.name(), "Assertion");
            }
        }
        Err(e) if e.kind() == ErrorKind::DecryptionFailed => {
            // The one opaque refusal: nothing about the cause.
            assert_eq!(e.to_string(), "decryption failed");
            assert!(std::error::Error::source(&e).is_none());
        }
        Err(_) => {}
    }
}

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"<?xml") || data.starts_with(b"<samlp:Response") {
        if let Ok(doc) = xml::parse(data) {
            for node in doc.descendants(doc.root()) {
                if doc.element(node).is_some_and(|e| e.is(SAML_NS, "EncryptedAssertion")) {
                    match xmlenc::decrypt_assertion(&doc, node, &KEYS, &DecryptionOptions::default()) {
                        Ok(decrypted) => {
                            let _ = xml::parse_with_scope(
                                decrypted.plaintext(),
                                &xml::Limits::default(),
                                decrypted.namespaces(),
                            );
                        }
                        Err(XmlEncError::DecryptionFailed) => {}
                        Err(e) => assert_ne!(e.kind(), ErrorKind::DecryptionFailed),
                    }
                }
            }
        }
        check_validation(data);
    } else {
        check_validation(encrypted_response(data).as_bytes());
    }
});
