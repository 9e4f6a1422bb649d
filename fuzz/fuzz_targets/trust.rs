//! Any bytes as IdP metadata (with and without a required metadata signature)
//! and as a PEM or DER certificate (seed it with testdata/metadata and
//! testdata/keys; fuzz/seeds/trust holds DER certificates). Configuration
//! input never panics; a metadata signer only ever removes acceptances; a
//! key read from a certificate reads back the same from its own DER.
#![no_main]
#![forbid(unsafe_code)]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use samlguard::crypto::PublicKey;
use samlguard::trust::{IdpTrust, MetadataOptions};

static METADATA_SIGNER: LazyLock<Vec<PublicKey>> = LazyLock::new(|| {
    PublicKey::from_pem(include_bytes!("../../testdata/keys/metadata-signer.crt")).expect("fixture key")
});

fuzz_target!(|data: &[u8]| {
    let unsigned = IdpTrust::from_metadata(data, &MetadataOptions::default());
    let signed =
        IdpTrust::from_metadata(data, &MetadataOptions::default().with_signing_keys(METADATA_SIGNER.clone()));
    if let Ok(signed) = &signed {
        let unsigned = unsigned.as_ref().expect("metadata accepted with a signer is accepted without");
        assert_eq!(signed.entity_id(), unsigned.entity_id());
        assert_eq!(signed.keys(), unsigned.keys());
    }
    for trust in [&unsigned, &signed].into_iter().flatten() {
        assert!(!trust.entity_id().is_empty() && !trust.keys().is_empty(), "a trust always has keys");
        trust.keys().iter().for_each(round_trips);
    }

    if let Ok(keys) = PublicKey::from_pem(data) {
        keys.iter().for_each(round_trips);
    }
    if let Ok(key) = PublicKey::from_certificate_der(data) {
        assert_eq!(key.certificate_der(), data);
        round_trips(&key);
    }
});

/// A key reads back the same from its certificate's DER.
fn round_trips(key: &PublicKey) {
    let again =
        PublicKey::from_certificate_der(key.certificate_der()).expect("a key's own certificate reads");
    assert!(again == *key, "certificate does not read back the same key");
    assert_eq!(again.sha256_thumbprint(), key.sha256_thumbprint());
}
