//! The signature profile on targeted mutations of a valid xmlsec1 signature
//! (`testdata/dsig/no-keyinfo.xml`, assertion-only): each mutation is one
//! named trial with the exact error kind it must get, so removing a rule
//! turns its trial into an acceptance or a different kind, and it fails.
//! `cargo test --test dsig_mutations -- --list` shows them;
//! `cargo test signature_value_twice` runs one.
//!
//! A `harness = false` test (libtest-mimic). The xmlsec1-signed cases and the
//! other rule-by-rule checks are in `tests/dsig_profile.rs`.

mod common;

use std::collections::BTreeSet;
use std::process::ExitCode;

use libtest_mimic::{Arguments, Failed, Trial};
use samlguard::crypto::{Algorithms, PublicKey};
use samlguard::dsig::{self, SignatureError};
use samlguard::xml;

const ASSERTION_ID: &str = "_a8f3e6d21-0c4b-4a97-b5e8-6d7c1f2a3b4c";

/// The fixture every mutation starts from.
const FIXTURE: &str = "dsig/no-keyinfo.xml";

fn idp_key() -> Vec<PublicKey> {
    PublicKey::from_pem(&common::testdata("keys/idp.crt")).unwrap()
}

/// Verifies every ds:Signature of the document with the IdP key: the first
/// error's kind, or `valid`.
fn verify_all(bytes: &[u8]) -> &'static str {
    let doc = xml::parse(bytes).expect("fixture parses");
    let signatures = dsig::all_signatures(&doc);
    assert!(!signatures.is_empty(), "fixture has a signature");
    let result: Result<Vec<_>, SignatureError> =
        signatures.into_iter().map(|s| dsig::verify(&doc, s, &idp_key(), Algorithms::STRICT)).collect();
    match result {
        Ok(_) => "valid",
        Err(e) => e.kind().as_str(),
    }
}

fn once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} occurs once");
    text.replacen(from, to, 1)
}

/// The fixture's whole `ds:SignatureValue` element.
fn signature_value(t: &str) -> &str {
    &t[t.find("<SignatureValue>").unwrap()..t.find("</SignatureValue>").unwrap() + "</SignatureValue>".len()]
}

/// The fixture's whole `ds:Signature` element.
fn signature(t: &str) -> &str {
    &t[t.find("<Signature ").unwrap()..t.find("</Signature>").unwrap() + "</Signature>".len()]
}

/// One edit of the fixture's text.
type Edit = fn(&str) -> String;

/// Each mutation: its name, the edit, and the kind it must be refused with.
const MUTATIONS: &[(&str, Edit, &str)] = &[
    // Unsigned parts of the Signature (SignatureValue, KeyInfo) can be
    // duplicated without breaking the cryptography: only the shape rule stops them.
    (
        "signature_value_twice",
        |t| once(t, signature_value(t), &format!("{0}{0}", signature_value(t))),
        "malformed_signature",
    ),
    (
        "key_info_twice",
        |t| once(t, "</SignatureValue>", "</SignatureValue><KeyInfo/><KeyInfo/>"),
        "malformed_signature",
    ),
    (
        "object_in_signature",
        |t| once(t, "</SignatureValue>", "</SignatureValue><Object/>"),
        "forbidden_element",
    ),
    (
        "signature_inside_key_info",
        |t| once(t, "</SignatureValue>", "</SignatureValue><KeyInfo><Signature/></KeyInfo>"),
        "forbidden_element",
    ),
    (
        "retrieval_method_in_key_info",
        |t| once(t, "</SignatureValue>", "</SignatureValue><KeyInfo><RetrievalMethod URI=\"#x\"/></KeyInfo>"),
        "forbidden_element",
    ),
    (
        "comment_inside_key_info_certificate",
        |t| {
            once(
                t,
                "</SignatureValue>",
                "</SignatureValue><KeyInfo><X509Data><X509Certificate>AAAA<!---->AAAA</X509Certificate></X509Data></KeyInfo>",
            )
        },
        "crypto_text",
    ),
    // A KeyInfo certificate that is no pinned key must still be valid base64.
    (
        "key_info_certificate_not_base64",
        |t| {
            once(
                t,
                "</SignatureValue>",
                "</SignatureValue><KeyInfo><X509Data><X509Certificate>AA!A</X509Certificate></X509Data></KeyInfo>",
            )
        },
        "crypto_base64",
    ),
    (
        "element_inside_signature_value",
        |t| once(t, "<SignatureValue>", "<SignatureValue><b/>"),
        "malformed_signature",
    ),
    ("signature_value_not_base64", |t| once(t, "<SignatureValue>", "<SignatureValue>!"), "crypto_base64"),
    (
        "text_after_signature_value",
        |t| once(t, "</SignatureValue>", "</SignatureValue>text"),
        "malformed_signature",
    ),
    // A second Signature on the same element.
    (
        "second_signature_on_the_same_element",
        |t| once(t, signature(t), &format!("{0}{0}", signature(t))),
        "signature_position",
    ),
    // Shape of SignedInfo: these edits also break the signature, so the kind
    // tells which rule fired first.
    ("text_inside_signed_info", |t| once(t, "<SignedInfo>", "<SignedInfo> x "), "malformed_signature"),
    (
        "canonicalization_method_after_the_reference",
        |t| {
            once(
                t,
                "</SignedInfo>",
                "<CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></SignedInfo>",
            )
        },
        "malformed_signature",
    ),
    (
        "signature_method_rsa_md5",
        |t| t.replacen("xmldsig-more#rsa-sha256", "xmldsig-more#rsa-md5", 1),
        "unsupported_algorithm",
    ),
    (
        "signature_method_hmac_sha1",
        |t| t.replacen("xmldsig-more#rsa-sha256", "xmldsig#hmac-sha1", 1),
        "unsupported_algorithm",
    ),
    (
        "digest_method_ripemd160",
        |t| t.replacen("xmlenc#sha256", "xmlenc#ripemd160", 1),
        "unsupported_algorithm",
    ),
    (
        "enveloped_transform_with_inclusive_namespaces",
        |t| {
            once(
                t,
                "xmldsig#enveloped-signature\"/>",
                "xmldsig#enveloped-signature\"><InclusiveNamespaces xmlns=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"\"/></Transform>",
            )
        },
        "transforms",
    ),
    // Crypto text.
    ("comment_inside_digest_value", |t| once(t, "<DigestValue>", "<DigestValue><!--x-->"), "crypto_text"),
    ("pi_inside_digest_value", |t| once(t, "<DigestValue>", "<DigestValue><?pi?>"), "crypto_text"),
    ("digest_value_of_the_wrong_length", |t| once(t, "<DigestValue>", "<DigestValue>AAAA"), "crypto_base64"),
    // Reference URI: an ID that is not an NCName is read (real IdPs send
    // them; this one then fails the signature), one with other characters is
    // not; not the parent; wrong form.
    ("reference_uri_not_an_ncname_is_read", |t| t.replace(ASSERTION_ID, "1abc"), "signature_invalid"),
    ("reference_uri_with_a_colon", |t| t.replace(ASSERTION_ID, "a:b"), "reference_uri"),
    ("reference_uri_element_scheme", |t| t.replace(ASSERTION_ID, "element(/1/3)"), "reference_uri"),
    (
        "reference_uri_xpointer_root",
        |t| once(t, &format!("URI=\"#{ASSERTION_ID}\""), "URI=\"#xpointer(/)\""),
        "reference_uri",
    ),
    (
        "reference_uri_without_hash",
        |t| once(t, &format!("URI=\"#{ASSERTION_ID}\""), &format!("URI=\"{ASSERTION_ID}\"")),
        "reference_uri",
    ),
    // An ID attribute in a foreign namespace on the parent does not count.
    (
        "reference_to_a_foreign_namespace_id",
        |t| {
            once(
                t,
                &format!(" ID=\"{ASSERTION_ID}\""),
                &format!(" xmlns:f=\"urn:f\" f:ID=\"{ASSERTION_ID}\""),
            )
        },
        "reference_uri",
    ),
    // Content edits after signing.
    (
        "name_id_edited_after_signing",
        |t| once(t, "alice@example.com</NameID>", "mallory@example.com</NameID>"),
        "digest_mismatch",
    ),
];

/// Applies one edit to the fixture and checks the kind it gets.
fn refused(edit: Edit, expected: &str) -> Result<(), Failed> {
    let original = String::from_utf8(common::testdata(FIXTURE)).unwrap();
    if verify_all(original.as_bytes()) != "valid" {
        return Err(format!("{FIXTURE} itself is refused").into());
    }
    let changed = edit(&original);
    if changed == original {
        return Err("the edit must apply".into());
    }
    match verify_all(changed.as_bytes()) {
        kind if kind == expected => Ok(()),
        kind => Err(format!("got {kind}, expected {expected}").into()),
    }
}

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let mut names = BTreeSet::new();
    for (name, _, _) in MUTATIONS {
        assert!(names.insert(*name), "two mutations are named {name}");
    }
    // Every mutation starts from a valid signature: a broken fixture would
    // make every refusal meaningless.
    let mut trials =
        vec![Trial::test("unmutated_fixture_verifies", || match verify_all(&common::testdata(FIXTURE)) {
            "valid" => Ok(()),
            kind => Err(format!("{FIXTURE} is refused with {kind}").into()),
        })];
    trials.extend(
        MUTATIONS.iter().map(|&(name, edit, expected)| Trial::test(name, move || refused(edit, expected))),
    );
    libtest_mimic::run(&args, trials).exit_code()
}
