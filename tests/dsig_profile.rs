//! The SAML signature profile, rule by rule, on fixtures signed by xmlsec1
//! (`testdata/dsig`, `testdata/responses`); the targeted mutations of a valid
//! signature are in `tests/dsig_mutations.rs`, one named trial each.
//! Each refused case asserts the exact error kind, so removing a rule turns
//! the case into an acceptance or into a different kind, and the test fails.

mod common;

use samlguard::crypto::{Algorithms, PublicKey};
use samlguard::dsig::{self, SignatureError};
use samlguard::trust::{IdpTrust, MetadataOptions};
use samlguard::xml::{self, NodeId};

fn key(name: &str) -> Vec<PublicKey> {
    PublicKey::from_pem(&common::testdata(&format!("keys/{name}.crt"))).unwrap()
}

/// Verifies every ds:Signature of the document: the first error, or the
/// index of the key that verified each.
fn verify_all(
    bytes: &[u8],
    keys: &[PublicKey],
    algorithms: Algorithms,
) -> Result<Vec<usize>, SignatureError> {
    let doc = xml::parse(bytes).expect("fixture parses");
    let signatures = dsig::all_signatures(&doc);
    assert!(!signatures.is_empty(), "fixture has a signature");
    signatures.into_iter().map(|s| dsig::verify(&doc, s, keys, algorithms).map(|p| p.key_index())).collect()
}

fn kind(result: &Result<Vec<usize>, SignatureError>) -> &'static str {
    match result {
        Ok(_) => "valid",
        Err(e) => e.kind().as_str(),
    }
}

#[test]
fn xmlsec1_signed_cases_get_their_expected_kind() {
    let cases: Vec<serde_json::Value> = serde_json::from_slice(&common::testdata("dsig/cases.json")).unwrap();
    assert!(cases.len() >= 20);
    let keys = key("idp");
    let mut failures = Vec::new();
    // The cases xmlsec1 itself accepts are those where only our rules stand
    // between the attacker and acceptance.
    let mut refused_by_our_rules_alone = Vec::new();
    for case in &cases {
        let file = case["file"].as_str().unwrap();
        let expected = case["expect"].as_str().unwrap();
        let result = verify_all(&common::testdata(&format!("dsig/{file}")), &keys, Algorithms::STRICT);
        if kind(&result) != expected {
            failures.push(format!(
                "{file} ({}): expected {expected}, got {:?}",
                case["rule"],
                result.map(|_| "valid")
            ));
        } else if case["xmlsec1"] == "OK" && expected != "valid" {
            refused_by_our_rules_alone.push(file);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(refused_by_our_rules_alone.len() >= 12, "{refused_by_our_rules_alone:?}");
}

/// The inclusive C14N 1.0 fixtures (signed by xmlsec1, which verifies them)
/// are refused by `verify` (exclusive only) with the rule each breaks, and
/// verify when the allow-list admits inclusive C14N.
#[test]
fn inclusive_c14n_only_where_allowed() {
    let keys = key("idp");
    for (file, exclusive_only) in [
        ("dsig/c14n10-transform.xml", "canonicalization_method"),
        ("dsig/c14n10-transform-only.xml", "transforms"),
        ("dsig/c14n10-signedinfo-only.xml", "canonicalization_method"),
        ("policy/generic-inclusive-c14n.xml", "canonicalization_method"),
    ] {
        let bytes = common::testdata(file);
        assert_eq!(kind(&verify_all(&bytes, &keys, Algorithms::STRICT)), exclusive_only, "{file}");
        let doc = xml::parse(&bytes).unwrap();
        for signature in dsig::all_signatures(&doc) {
            let verified = dsig::verify_with_canonicalizations(
                &doc,
                signature,
                &keys,
                Algorithms::STRICT,
                dsig::Canonicalizations::EXCLUSIVE_OR_INCLUSIVE,
            );
            assert!(verified.is_ok(), "{file}: {verified:?}");
            let refused = dsig::verify_with_canonicalizations(
                &doc,
                signature,
                &keys,
                Algorithms::STRICT,
                dsig::Canonicalizations::EXCLUSIVE,
            );
            assert!(refused.is_err(), "{file}");
        }
    }
}

#[test]
fn only_allowed_algorithms_with_matching_keys_verify() {
    let cases: &[(&str, &str, Algorithms, &str)] = &[
        ("generic.xml", "idp", Algorithms::STRICT, "valid"),
        ("generic-rsa-sha384.xml", "idp", Algorithms::STRICT, "valid"),
        ("generic-rsa-sha512.xml", "idp", Algorithms::STRICT, "valid"),
        ("generic-rsa3072.xml", "rsa3072", Algorithms::STRICT, "valid"),
        ("generic-ecdsa-sha256.xml", "ec-p256", Algorithms::STRICT, "valid"),
        // ecdsa-sha384 needs a P-384 key; the fixture used P-256.
        ("generic-ecdsa-sha384.xml", "ec-p256", Algorithms::STRICT, "algorithm_key_mismatch"),
        ("generic-ecdsa-sha256.xml", "idp", Algorithms::STRICT, "algorithm_key_mismatch"),
        ("generic.xml", "ec-p256", Algorithms::STRICT, "algorithm_key_mismatch"),
        ("generic-rsa-sha1.xml", "legacy1024", Algorithms::STRICT, "sha1_not_allowed"),
        ("generic-rsa-sha1.xml", "legacy1024", Algorithms::ALLOW_SHA1, "valid"),
        ("generic-rsa-sha1-2048.xml", "idp", Algorithms::STRICT, "sha1_not_allowed"),
        ("generic-rsa-sha1-2048.xml", "idp", Algorithms::ALLOW_SHA1, "valid"),
        ("generic-sha256-digest-sha1.xml", "idp", Algorithms::STRICT, "sha1_not_allowed"),
        ("generic-sha256-digest-sha1.xml", "idp", Algorithms::ALLOW_SHA1, "valid"),
        ("generic-rsa1024-sha256.xml", "legacy1024", Algorithms::ALLOW_SHA1, "key_too_small"),
        ("generic-hmac.xml", "idp", Algorithms::ALLOW_SHA1, "unsupported_algorithm"),
        ("generic-inclusive-namespaces.xml", "idp", Algorithms::STRICT, "valid"),
        ("generic-with-comments.xml", "idp", Algorithms::STRICT, "valid"),
    ];
    let mut failures = Vec::new();
    for &(file, signer, algorithms, expected) in cases {
        let result = verify_all(&common::testdata(&format!("responses/{file}")), &key(signer), algorithms);
        if kind(&result) != expected {
            failures
                .push(format!("{file} with {signer} {algorithms:?}: expected {expected}, got {result:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn keys_come_only_from_configuration() {
    let trust = common::entra_trust();
    // Rollover: both pinned keys are tried; the one that verified is reported.
    let proofs =
        verify_all(&common::testdata("responses/clientvpn-next-key.xml"), trust.keys(), Algorithms::STRICT)
            .unwrap();
    assert!(proofs.iter().all(|&i| trust.keys()[i] == key("idp-next")[0]));
    let proofs =
        verify_all(&common::testdata("responses/clientvpn.xml"), trust.keys(), Algorithms::STRICT).unwrap();
    assert!(proofs.iter().all(|&i| trust.keys()[i] == key("idp")[0]));
    // A new key the metadata does not know yet.
    let result =
        verify_all(&common::testdata("responses/clientvpn-next-key.xml"), &key("idp"), Algorithms::STRICT);
    assert_eq!(kind(&result), "unknown_signing_key");
    // An attacker's own certificate in KeyInfo is never trusted.
    let result = verify_all(
        &common::testdata("responses/clientvpn-attacker-key.xml"),
        trust.keys(),
        Algorithms::STRICT,
    );
    assert_eq!(kind(&result), "unknown_signing_key");
    // The attacker's signature with the IdP's certificate copied into KeyInfo.
    let attacker = String::from_utf8(common::testdata("responses/clientvpn-attacker-key.xml")).unwrap();
    let idp_b64 = pem_body("idp");
    let forged = replace_between(&attacker, "<X509Certificate>", "</X509Certificate>", &idp_b64);
    assert_eq!(kind(&verify_all(forged.as_bytes(), trust.keys(), Algorithms::STRICT)), "signature_invalid");
    assert_eq!(kind(&verify_all(forged.as_bytes(), &[], Algorithms::STRICT)), "no_keys");
}

fn pem_body(name: &str) -> String {
    let pem = String::from_utf8(common::testdata(&format!("keys/{name}.crt"))).unwrap();
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

/// Replaces the text between every `open`…`close` pair.
fn replace_between(text: &str, open: &str, close: &str, with: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(open) {
        let j = rest[i..].find(close).unwrap() + i;
        out.push_str(&rest[..i + open.len()]);
        out.push_str(with);
        rest = &rest[j..];
    }
    out.push_str(rest);
    out
}

fn once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} occurs once");
    text.replacen(from, to, 1)
}

#[test]
fn signature_as_root_or_top_level_is_refused() {
    let original = String::from_utf8(common::testdata("dsig/no-keyinfo.xml")).unwrap();
    let start = original.find("<Signature ").unwrap();
    let end = original.find("</Signature>").unwrap() + "</Signature>".len();
    let alone = &original[start..end];
    let doc = xml::parse(alone.as_bytes()).unwrap();
    let err = dsig::verify(&doc, doc.root(), &key("idp"), Algorithms::STRICT).unwrap_err();
    assert_eq!(err.kind(), "signature_position");
    assert_eq!(
        dsig::verify(&doc, NodeId::DOCUMENT, &key("idp"), Algorithms::STRICT).unwrap_err().kind(),
        "malformed_signature"
    );
}

#[test]
fn trust_verifies_required_metadata_signatures_and_refuses_no_signing_key() {
    let signer = key("metadata-signer");
    let signed = MetadataOptions::default().with_signing_keys(signer.clone());
    let trust = IdpTrust::from_metadata(&common::testdata("metadata/entra.xml"), &signed).unwrap();
    assert_eq!(trust.entity_id(), "https://sts.windows.net/6f2a1c1e-0000-4000-8000-5a4d1e2f3a4b/");
    assert_eq!(trust.keys(), &[key("idp-next")[0].clone(), key("idp")[0].clone()]);
    let err = |file: &str, options: &MetadataOptions| {
        IdpTrust::from_metadata(&common::testdata(&format!("metadata/{file}")), options).unwrap_err().kind()
    };
    assert_eq!(err("entra-tampered.xml", &signed), "metadata_signature");
    assert_eq!(err("entra-unsigned.xml", &signed), "metadata_not_signed");
    let wrong = MetadataOptions::default().with_signing_keys(key("attacker"));
    assert_eq!(err("entra.xml", &wrong), "metadata_signature");
    let plain = MetadataOptions::default();
    assert!(IdpTrust::from_metadata(&common::testdata("metadata/entra-unsigned.xml"), &plain).is_ok());
    assert_eq!(err("only-encryption-key.xml", &plain), "no_signing_key");
    assert_eq!(err("no-keys.xml", &plain), "no_signing_key");
    assert_eq!(err("roledescriptor-keys-only.xml", &plain), "no_signing_key");
    let no_use = IdpTrust::from_metadata(&common::testdata("metadata/no-use-attribute.xml"), &plain).unwrap();
    assert_eq!(no_use.keys(), key("idp").as_slice());
    assert_eq!(IdpTrust::from_keys("urn:idp", Vec::new()).unwrap_err().kind(), "no_signing_key");
    assert_eq!(
        IdpTrust::from_pem("", &common::testdata("keys/idp.crt")).unwrap_err().kind(),
        "empty_entity_id"
    );
    assert_eq!(IdpTrust::from_pem("urn:idp", b"not pem").unwrap_err().kind(), "no_certificate");
}

/// A doubly signed response has both digests computed in one canonicalization
/// pass; refusals still name the signature that separate verifications
/// (Assertion first, then Response) would name.
#[test]
fn doubly_signed_refusals_name_the_signature_checked_first() {
    use samlguard::Error;
    use samlguard::{ClientVpn, Context, Policy};

    let policy = Policy::<ClientVpn>::new(common::entra_trust()).without_replay_store();
    let context = Context::new("2026-01-15T10:01:00Z".parse().unwrap())
        .expecting_request("id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c");
    let original = String::from_utf8(common::testdata("responses/clientvpn.xml")).unwrap();
    let refusal = |text: &str| match policy.validate(text.as_bytes(), &context) {
        Ok(_) => "accepted".to_string(),
        Err(Error::Signature { element, error }) => format!("{element}: {}", error.kind()),
        Err(other) => format!("other: {}", other.kind()),
    };
    let group = "a0783c06-a6c7-4cfe-b3f5-aec5cc0e2258";
    let response_method = "<SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/><Reference URI=\"#_r";
    let unknown_method = "<SignatureMethod Algorithm=\"urn:unknown\"/><Reference URI=\"#_r";
    let response_issuer = "<Issuer xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">https://sts";

    assert_eq!(refusal(&original), "accepted");
    // An assertion edit breaks both digests; the Assertion's is checked first.
    let edited = once(&original, group, "b0783c06-a6c7-4cfe-b3f5-aec5cc0e2258");
    assert_eq!(refusal(&edited), "Assertion: digest_mismatch");
    // An edit outside the Assertion breaks only the Response's digest.
    let outside = once(&original, response_issuer, &format!("{response_issuer}x"));
    assert_eq!(refusal(&outside), "Response: digest_mismatch");
    // The Response's SignedInfo is refused before any digest: the Assertion,
    // verified completely first, still decides when it is broken too.
    let unknown = once(&original, response_method, unknown_method);
    assert_eq!(refusal(&unknown), "Response: unsupported_algorithm");
    assert_eq!(refusal(&once(&edited, response_method, unknown_method)), "Assertion: digest_mismatch");
}
