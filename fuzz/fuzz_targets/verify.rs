//! Any bytes through the signature stage with a fixed pinned key (seed it with
//! testdata/responses and testdata/dsig). A verified signature must name an
//! element that encloses it, and that element must carry the referenced ID.
#![no_main]
#![forbid(unsafe_code)]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use samlguard::crypto::{Algorithms, PublicKey};
use samlguard::dsig::{self, Canonicalizations};
use samlguard::xml;

static KEYS: LazyLock<Vec<PublicKey>> = LazyLock::new(|| {
    PublicKey::from_pem(include_bytes!("../../testdata/keys/idp.crt")).expect("fixture key")
});

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = xml::parse(data) else { return };
    for signature in dsig::all_signatures(&doc) {
        for (algorithms, canonicalizations) in [
            (Algorithms::STRICT, Canonicalizations::EXCLUSIVE),
            (Algorithms::ALLOW_SHA1, Canonicalizations::EXCLUSIVE_OR_INCLUSIVE),
        ] {
            let verified =
                dsig::verify_with_canonicalizations(&doc, signature, &KEYS, algorithms, canonicalizations);
            if let Ok(proof) = verified {
                assert_eq!(proof.signature_element(), signature);
                assert_eq!(doc.parent(signature), Some(proof.signed_element()));
                let signed = doc.element(proof.signed_element()).expect("signed node is an element");
                let id = signed.attribute("", "ID").expect("signed element has an ID");
                assert_eq!(doc.element_by_id(id), Some(proof.signed_element()));
            }
        }
    }
});
