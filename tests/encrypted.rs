//! Encrypted assertions through the whole pipeline (feature `xmlenc`): the
//! Entra-shaped encrypted responses of `testdata/xmlenc/` (made by xmlsec1
//! and openssl through `testdata/generate-xmlenc.sh`, never by samlguard)
//! and every attack on them, each with its exact refusal, through the
//! library and (feature `cli`) through `samlguard verify`.
#![cfg(feature = "xmlenc")]

mod common;

use base64::Engine as _;
use samlguard::crypto::decryption::{DecryptionKey, DecryptionKeys};
use samlguard::policy::EncryptionMode;
use samlguard::xmlenc::DecryptionOptions;
use samlguard::{AwsConsole, ClientVpn, Context, Error, ErrorKind, Generic, Policy};

const NOW: &str = "2026-01-15T10:01:00Z";
const VPN_REQUEST: &str = "id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c";
const CONSOLE_NAME_ID: &str = "k3vQ9XnW2bYp7sLr1cTfHd8uJmA0eZoGiE5yR4qP6hN";
const FORGED_NAME_ID: &str = "m4ll0ryPersistentIdOfTheAttacker000000000";
const GENERIC_AUDIENCE: &str = "https://sp.example.com/metadata";
const GENERIC_ACS: &str = "https://sp.example.com/acs";

/// Every encrypted aws-console fixture that must be accepted, and the SP key
/// it was encrypted to.
const VALID: &[(&str, &str)] = &[
    ("entra-shaped-aes256-cbc", "sp"),
    ("entra-aes256-cbc", "sp"),
    ("inline-aes128-cbc", "sp"),
    ("inline-aes128-gcm", "sp"),
    ("inline-aes256-gcm", "sp"),
    ("oaep-params-aes256-gcm", "sp"),
    ("rotation-next", "sp-next"),
    ("rotation-next-no-hint", "sp-next"),
    ("rsa-oaep11-sha256", "sp"),
    ("rsa-oaep11-sha256-label", "sp"),
    ("rsa-oaep11-sha256-mgf1sha1", "sp"),
    ("sibling-retrieval-method", "sp"),
    ("sibling-key-name", "sp"),
    ("outer-namespace", "sp"),
    ("doubly-signed-aes256-cbc", "sp"),
    ("doubly-signed-aes128-gcm", "sp-next"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Profile {
    Console,
    Generic,
    Vpn,
}

/// One validation: the input (a fixture, maybe edited), the profile and its
/// SP keys, and the expected outcome: `valid` or an error kind.
struct Case {
    name: &'static str,
    fixture: &'static str,
    edit: fn(String) -> String,
    profile: Profile,
    keys: &'static [&'static str],
    require_encryption: bool,
    expect: &'static str,
}

fn same(text: String) -> String {
    text
}

const BOTH: &[&str] = &["sp", "sp-next"];

fn case(name: &'static str, fixture: &'static str, expect: &'static str) -> Case {
    Case {
        name,
        fixture,
        edit: same,
        profile: Profile::Console,
        keys: BOTH,
        require_encryption: false,
        expect,
    }
}

fn fixture_text(name: &str) -> String {
    let rel = if name.contains('/') { format!("{name}.xml") } else { format!("xmlenc/{name}.xml") };
    String::from_utf8(common::testdata(&rel)).unwrap()
}

/// `text` with its only occurrence of `from` replaced.
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
    text.replacen(from, to, 1)
}

/// The byte range of the `nth` CipherValue's text (whatever its prefix).
fn cipher_value(text: &str, nth: usize) -> std::ops::Range<usize> {
    let (at, open) = text
        .match_indices("CipherValue>")
        .filter(|(i, _)| text[..*i].rfind('<').is_some_and(|lt| !text[lt..].starts_with("</")))
        .nth(nth)
        .unwrap();
    let start = at + open.len();
    start..start + text[start..].find("</").unwrap()
}

/// `text` with byte `index(len)` of the `nth` CipherValue (decoded) XORed with `mask`.
fn flip(text: &str, nth: usize, index: fn(usize) -> usize, mask: u8) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let range = cipher_value(text, nth);
    let compact: String = text[range.clone()].split_whitespace().collect();
    let mut bytes = b64.decode(compact).unwrap();
    let i = index(bytes.len());
    bytes[i] ^= mask;
    format!("{}{}{}", &text[..range.start], b64.encode(bytes), &text[range.end..])
}

/// The EncryptedKey comes first in the inline placement (inside
/// EncryptedData/KeyInfo, before the content's CipherValue).
const KEY: usize = 0;
const CONTENT: usize = 1;

/// The EncryptedAssertion element of a fixture, as written.
fn encrypted_assertion(text: &str) -> &str {
    let start = text.find("<saml:EncryptedAssertion").or_else(|| text.find("<EncryptedAssertion")).unwrap();
    let close =
        text.find("</saml:EncryptedAssertion>").or_else(|| text.find("</EncryptedAssertion>")).unwrap();
    let end = close + text[close..].find('>').unwrap() + 1;
    &text[start..end]
}

/// The (unsigned) Response under another ID than the fixtures' fixed one,
/// so that a decrypted element keeping that fixed ID shares none with it.
fn other_response_id(text: String) -> String {
    replace_once(&text, "ID=\"_r4d9c2f1e-6b7a-4c58-9e03-2a1f0b3c4d5e\"", "ID=\"_outer_response\"")
}

fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = VALID.iter().map(|(name, _)| case(name, name, "valid")).collect();
    cases.extend([
        Case {
            profile: Profile::Generic,
            ..case("generic SP, doubly signed", "generic-doubly-signed", "valid")
        },
        Case { keys: &["sp"], ..case("the one SP key it was made for", "entra-shaped-aes256-cbc", "valid") },
        Case { keys: &["sp-pkcs1"], ..case("the SP key in PKCS#1", "entra-shaped-aes256-cbc", "valid") },
        // Rotation: the key order does not matter, every key is tried.
        Case {
            keys: &["sp-next", "sp"],
            ..case("rotation, keys in the other order", "rotation-next", "valid")
        },
        Case {
            keys: &["attacker", "sp-next"],
            ..case("rotation, the new key second of two", "rotation-next-no-hint", "valid")
        },
        case("plaintext Assertion with SP keys configured (mode Allowed)", "responses/aws-console", "valid"),
        // --- refusals ---
        Case {
            require_encryption: true,
            ..case("encryption required, plaintext sent", "responses/aws-console", "encryption_required")
        },
        Case {
            require_encryption: true,
            ..case("encryption required, encrypted sent", "entra-shaped-aes256-cbc", "valid")
        },
        Case {
            keys: &[],
            ..case("no SP key configured", "entra-shaped-aes256-cbc", "decryption_key_not_configured")
        },
        Case {
            keys: &[],
            ..case(
                "no SP key configured, doubly signed",
                "doubly-signed-aes256-cbc",
                "decryption_key_not_configured",
            )
        },
        Case {
            profile: Profile::Vpn,
            keys: &[],
            ..case(
                "Client VPN given an encrypted assertion",
                "clientvpn-doubly-signed",
                "encrypted_assertion",
            )
        },
        Case {
            keys: &["attacker"],
            ..case("the wrong SP key", "entra-shaped-aes256-cbc", "decryption_failed")
        },
        Case { keys: &["sp"], ..case("rotation: only the old key", "rotation-next", "decryption_failed") },
        case("RSA PKCS#1 v1.5 key transport", "rsa-1_5", "rsa_v15_key_transport"),
        case(
            "assertion signed by the attacker's key, encrypted to the SP",
            "attack-attacker-signed",
            "decryption_failed",
        ),
        case("genuine assertion edited, then re-encrypted", "attack-edited-reencrypted", "decryption_failed"),
        case("unsigned assertion encrypted", "attack-unsigned", "decryption_failed"),
        case("decrypted bytes with a DOCTYPE", "attack-doctype", "decryption_failed"),
        case("decrypted bytes holding two Assertions", "attack-two-assertions", "decryption_failed"),
        case("forged Assertion wrapping the genuine one", "attack-wrapped-assertion", "decryption_failed"),
        case("the genuine Assertion inside another root", "attack-wrapped-other-root", "decryption_failed"),
        case("decrypted bytes that are not XML", "attack-not-xml", "decryption_failed"),
        case(
            "IdP-signed Assertion holding another Assertion",
            "attack-nested-assertion",
            "decryption_failed",
        ),
        case(
            "IdP-signed Assertion holding another Signature",
            "attack-nested-signature",
            "decryption_failed",
        ),
        case(
            "a whole IdP-signed Response as the plaintext",
            "attack-response-as-plaintext",
            "decryption_failed",
        ),
        Case {
            edit: other_response_id,
            ..case(
                "a whole IdP-signed Response as the plaintext, IDs apart",
                "attack-response-as-plaintext",
                "decryption_failed",
            )
        },
        Case {
            edit: other_response_id,
            ..case(
                "an IdP-signed error Response (no Assertion) as the plaintext",
                "attack-signed-error-response",
                "decryption_failed",
            )
        },
        Case {
            edit: |t| flip(&t, CONTENT, |len| len - 17, 0x80),
            ..case("CBC: padding broken", "entra-shaped-aes256-cbc", "decryption_failed")
        },
        Case {
            edit: |t| flip(&t, CONTENT, |_| 0, 0x01),
            ..case(
                "CBC: IV flipped (valid padding, garbled first block)",
                "entra-shaped-aes256-cbc",
                "decryption_failed",
            )
        },
        Case {
            edit: |t| flip(&t, CONTENT, |len| len / 2, 0x01),
            ..case("CBC: a middle block flipped", "entra-shaped-aes256-cbc", "decryption_failed")
        },
        Case {
            edit: |t| flip(&t, KEY, |len| len / 2, 0x01),
            ..case("CBC: a bit of the wrapped key flipped", "entra-shaped-aes256-cbc", "decryption_failed")
        },
        Case {
            edit: |t| flip(&t, CONTENT, |len| len - 1, 0x01),
            ..case("GCM: tag flipped", "inline-aes256-gcm", "decryption_failed")
        },
        Case {
            edit: |t| flip(&t, CONTENT, |len| len / 2, 0x01),
            ..case("GCM: ciphertext flipped", "inline-aes128-gcm", "decryption_failed")
        },
        Case {
            edit: |t| flip(&t, CONTENT, |_| 0, 0x01),
            ..case("GCM: IV flipped", "inline-aes256-gcm", "decryption_failed")
        },
        Case {
            edit: |t| flip(&t, KEY, |_| 0, 0x80),
            ..case("GCM: a bit of the wrapped key flipped", "inline-aes256-gcm", "decryption_failed")
        },
        Case {
            edit: |t| t.replacen("URI=\"#_k1\"", "URI=\"https://idp.example/keys.xml#_k1\"", 1),
            ..case(
                "RetrievalMethod to another document",
                "sibling-retrieval-method",
                "encrypted_key_reference",
            )
        },
        Case {
            edit: |t| {
                let plain = fixture_text("responses/aws-console");
                let start = plain.find("<Assertion ").unwrap();
                let end = plain.find("</Assertion>").unwrap() + "</Assertion>".len();
                replace_once(&t, "<samlp:Status>", &format!("{}<samlp:Status>", &plain[start..end]))
            },
            ..case(
                "EncryptedAssertion beside a signed plaintext Assertion",
                "entra-shaped-aes256-cbc",
                "assertion_count",
            )
        },
        Case {
            edit: |t| {
                let twice = encrypted_assertion(&t).to_string();
                replace_once(&t, &twice, &format!("{twice}{twice}"))
            },
            ..case("two EncryptedAssertions", "entra-aes256-cbc", "assertion_count")
        },
        Case {
            edit: |t| {
                let encrypted = encrypted_assertion(&t).to_string();
                replace_once(&t, &encrypted, "").replacen(
                    "<samlp:Status>",
                    &format!("<samlp:Extensions>{encrypted}</samlp:Extensions><samlp:Status>"),
                    1,
                )
            },
            ..case(
                "the EncryptedAssertion not a child of the Response",
                "entra-aes256-cbc",
                "assertion_position",
            )
        },
        Case {
            edit: |t| {
                let decoy = "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/>";
                t.replacen("<xenc:EncryptedData", &format!("{decoy}<xenc:EncryptedData"), 1)
            },
            ..case("a ds:Signature inside the EncryptedAssertion", "entra-aes256-cbc", "unexpected_signature")
        },
        Case {
            // The Response signature covers the ciphertext: a flipped byte is
            // refused by it, before anything is decrypted.
            edit: |t| flip(&t, CONTENT, |len| len / 2, 0x01),
            ..case("doubly signed, ciphertext tampered", "doubly-signed-aes256-cbc", "digest_mismatch")
        },
        Case {
            // The decrypted Assertion's ID must not also be an element ID of
            // the Response: the two documents are one response.
            edit: |t| {
                replace_once(
                    &t,
                    "ID=\"_r4d9c2f1e-6b7a-4c58-9e03-2a1f0b3c4d5e\"",
                    "ID=\"_a8f3e6d21-0c4b-4a97-b5e8-6d7c1f2a3b4c\"",
                )
            },
            ..case(
                "the Response takes the decrypted Assertion's ID",
                "entra-shaped-aes256-cbc",
                "decryption_failed",
            )
        },
        Case {
            edit: |t| t.replacen("https://signin.aws.amazon.com/saml\"", "https://evil.example/saml\"", 1),
            ..case(
                "unsigned Response Destination edited (checked before decrypting)",
                "entra-shaped-aes256-cbc",
                "destination_mismatch",
            )
        },
    ]);
    cases
}

fn decryption_key(name: &str) -> DecryptionKey {
    let pem = |file: &str| common::testdata(&format!("keys/{file}"));
    match name {
        "sp-pkcs1" => DecryptionKey::from_pem(&pem("sp.pkcs1.key")).unwrap(),
        name => DecryptionKey::from_pem(&pem(&format!("{name}.key"))).unwrap(),
    }
}

fn keys(names: &[&str]) -> DecryptionKeys {
    DecryptionKeys::new(names.iter().map(|n| decryption_key(n))).unwrap()
}

fn context() -> Context {
    Context::new(NOW.parse().unwrap())
}

/// What a validation reported: NameID, `encrypted()`, the signed elements; or the error.
type Outcome = Result<(String, bool, Vec<String>), Error>;

fn validate(case: &Case, input: &[u8]) -> Outcome {
    let trust = common::entra_trust();
    let mode = if case.require_encryption { EncryptionMode::Required } else { EncryptionMode::Allowed };
    let report = |login: &samlguard::Login| {
        let parts = login.signatures().iter().map(|s| s.element.name().to_string()).collect();
        (login.name_id().to_string(), login.encrypted(), parts)
    };
    match case.profile {
        Profile::Console => {
            let mut policy = Policy::<AwsConsole>::new(trust).with_encryption_mode(mode);
            if !case.keys.is_empty() {
                policy = policy.with_decryption_keys(keys(case.keys));
            }
            policy.validate(input, &context()).map(|l| report(&l))
        }
        Profile::Generic => {
            let mut policy =
                Policy::<Generic>::new(trust, [GENERIC_AUDIENCE], [GENERIC_ACS]).with_encryption_mode(mode);
            if !case.keys.is_empty() {
                policy = policy.with_decryption_keys(keys(case.keys));
            }
            policy.validate(input, &context()).map(|l| report(&l))
        }
        Profile::Vpn => Policy::<ClientVpn>::new(trust)
            .validate(input, &context().expecting_request(VPN_REQUEST))
            .map(|l| report(&l)),
    }
}

#[test]
fn every_case_through_the_library() {
    let mut failures = Vec::new();
    let cases = cases();
    for case in &cases {
        let input = (case.edit)(fixture_text(case.fixture));
        match (validate(case, input.as_bytes()), case.expect) {
            (Ok((name_id, encrypted, signed)), "valid") => {
                let plaintext = case.fixture.starts_with("responses/");
                if name_id == FORGED_NAME_ID
                    || encrypted == plaintext
                    || signed.first().map(String::as_str) != Some("Assertion")
                {
                    failures.push(format!(
                        "{}: accepted with {name_id} encrypted={encrypted} {signed:?}",
                        case.name
                    ));
                }
            }
            (Ok(_), expected) => failures.push(format!("{}: accepted, expected {expected}", case.name)),
            (Err(e), expected) if e.kind() == expected => {}
            (Err(e), expected) => {
                failures.push(format!("{}: {} ({e}), expected {expected}", case.name, e.kind()))
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(cases.len() >= 50, "{} cases", cases.len());
}

#[test]
fn an_encrypted_login_reports_what_it_verified() {
    let policy = Policy::<AwsConsole>::new(common::entra_trust())
        .with_decryption_keys(keys(&["sp"]))
        .without_replay_store();
    let login = policy.validate(fixture_text("doubly-signed-aes256-cbc").as_bytes(), &context()).unwrap();
    assert!(login.encrypted());
    assert_eq!(login.name_id(), CONSOLE_NAME_ID);
    assert_eq!(login.roles()[0].role_arn, "arn:aws:iam::123456789012:role/Admin");
    let signed: Vec<_> = login.signatures().iter().map(|s| s.element.name()).collect();
    assert_eq!(signed, ["Assertion", "Response"]);
    assert!(login.envelope().is_some(), "the Response signature verified: its envelope is reported");
    // Assertion-only (Entra's default signing option): nothing from the envelope.
    let login = policy.validate(fixture_text("entra-shaped-aes256-cbc").as_bytes(), &context()).unwrap();
    assert!(login.envelope().is_none() && login.encrypted());
    // Replay is per assertion, encrypted or not: the same Assertion again,
    // in another encryption or in plaintext, is refused.
    let policy = Policy::<AwsConsole>::new(common::entra_trust()).with_decryption_keys(keys(&["sp"]));
    policy.validate(fixture_text("entra-shaped-aes256-cbc").as_bytes(), &context()).unwrap();
    let again = policy.validate(fixture_text("inline-aes128-gcm").as_bytes(), &context()).unwrap_err();
    assert_eq!(again.kind(), "replayed_assertion");
    let plaintext = policy.validate(&common::testdata("responses/aws-console.xml"), &context());
    assert_eq!(plaintext.unwrap_err().kind(), "replayed_assertion");
}

#[cfg(feature = "serde")]
#[test]
fn serialized_logins_say_whether_the_assertion_was_encrypted() {
    let policy = Policy::<AwsConsole>::new(common::entra_trust())
        .with_decryption_keys(keys(&["sp"]))
        .without_replay_store();
    let encrypted = policy.validate(fixture_text("inline-aes256-gcm").as_bytes(), &context()).unwrap();
    assert_eq!(serde_json::to_value(&encrypted).unwrap()["encrypted"], true);
    let plain = policy.validate(&common::testdata("responses/aws-console.xml"), &context()).unwrap();
    assert_eq!(serde_json::to_value(&plain).unwrap()["encrypted"], false);
}

#[test]
fn gcm_only_refuses_cbc_before_decrypting() {
    let policy = Policy::<AwsConsole>::new(common::entra_trust())
        .with_decryption_keys(keys(BOTH))
        .with_decryption_options(DecryptionOptions::default().with_gcm_only(true))
        .without_replay_store();
    for (name, _) in VALID {
        let result = policy.validate(fixture_text(name).as_bytes(), &context());
        if fixture_text(name).contains("-cbc\"") {
            assert_eq!(result.unwrap_err().kind(), "cbc_not_allowed", "{name}");
        } else {
            assert!(result.is_ok(), "{name}");
        }
    }
}

/// The refusals of every failure between the key unwrap and the decrypted
/// Assertion's signature cannot be told apart through the public API.
#[test]
fn decryption_failures_are_indistinguishable() {
    let policy = Policy::<AwsConsole>::new(common::entra_trust())
        .with_decryption_keys(keys(&["sp"]))
        .without_replay_store();
    let cbc = fixture_text("entra-shaped-aes256-cbc");
    let gcm = fixture_text("inline-aes256-gcm");
    let inputs = [
        ("CBC padding", flip(&cbc, CONTENT, |len| len - 17, 0x80)),
        ("CBC plaintext garbled", flip(&cbc, CONTENT, |_| 3, 0x20)),
        ("GCM tag", flip(&gcm, CONTENT, |len| len - 1, 0x01)),
        ("key unwrap (CBC)", flip(&cbc, KEY, |len| len / 2, 0x01)),
        ("key unwrap (GCM)", flip(&gcm, KEY, |len| len - 1, 0x40)),
        ("not XML", fixture_text("attack-not-xml")),
        ("DOCTYPE", fixture_text("attack-doctype")),
        ("two Assertions", fixture_text("attack-two-assertions")),
        ("wrapped Assertion", fixture_text("attack-wrapped-other-root")),
        ("inner signature missing", fixture_text("attack-unsigned")),
        ("inner signature digest", fixture_text("attack-edited-reencrypted")),
        ("inner signature by another key", fixture_text("attack-attacker-signed")),
    ];
    let errors: Vec<(&str, Error)> = inputs
        .iter()
        .map(|(name, input)| (*name, policy.validate(input.as_bytes(), &context()).unwrap_err()))
        .collect();
    let (first_name, first) = &errors[0];
    assert_eq!(first.kind(), ErrorKind::DecryptionFailed);
    assert_eq!(first.to_string(), "decryption failed");
    for (name, error) in &errors {
        assert_eq!(error, first, "{name} vs {first_name}");
        assert_eq!(error.kind(), first.kind(), "{name}");
        assert_eq!(error.to_string(), first.to_string(), "{name}");
        assert_eq!(format!("{error:?}"), format!("{first:?}"), "{name}");
        assert_eq!(format!("{error:#}"), format!("{first:#}"), "{name}");
        assert_eq!(error.hint(), first.hint(), "{name}");
        assert_eq!(error.view(), first.view(), "{name}");
        assert!(std::error::Error::source(error).is_none(), "{name} has a source");
    }
    assert!(first.hint().is_some_and(|h| h.contains("SP private key")));
}

/// The decrypted document is parsed with the policy's own XML limits.
#[test]
fn the_decrypted_assertion_is_parsed_under_the_policy_limits() {
    let text = fixture_text("entra-shaped-aes256-cbc");
    let outer = samlguard::xml::parse(text.as_bytes()).unwrap().len();
    let inner = common::testdata("xmlenc/entra-shaped-aes256-cbc.plain.xml");
    let inner = samlguard::xml::parse(&inner).unwrap().len();
    assert!(inner > outer, "the Assertion ({inner} nodes) is larger than the encrypted response ({outer})");
    let mut limits = samlguard::xml::Limits::default();
    limits.max_nodes = outer;
    let policy = |limits| {
        Policy::<AwsConsole>::new(common::entra_trust())
            .with_decryption_keys(keys(&["sp"]))
            .with_xml_limits(limits)
            .without_replay_store()
    };
    let refused = policy(limits).validate(text.as_bytes(), &context()).unwrap_err();
    assert_eq!(refused.kind(), "decryption_failed", "{refused}");
    assert!(policy(samlguard::xml::Limits::default()).validate(text.as_bytes(), &context()).is_ok());
}

#[test]
fn the_decryption_setters_exist_only_where_encryption_is_accepted() {
    let policy = Policy::<Generic>::new(common::entra_trust(), [GENERIC_AUDIENCE], [GENERIC_ACS]);
    assert!(policy.decryption_keys().is_none());
    let policy = policy.with_decryption_keys(keys(BOTH));
    assert_eq!(policy.decryption_keys().unwrap().keys().len(), 2);
    assert!(format!("{policy:?}").contains("bits: 2048"), "Debug names the keys, never their material");
    fn decrypting<P: samlguard::policy::Decrypting>() {}
    decrypting::<AwsConsole>();
    decrypting::<Generic>();
}

#[test]
fn client_vpn_hint_says_to_turn_token_encryption_off() {
    let error = Policy::<ClientVpn>::new(common::entra_trust())
        .validate(
            fixture_text("clientvpn-doubly-signed").as_bytes(),
            &context().expecting_request(VPN_REQUEST),
        )
        .unwrap_err();
    assert_eq!(error.kind(), "encrypted_assertion");
    assert!(error.hint().unwrap().contains("turn off token encryption"));
    let missing = Policy::<AwsConsole>::new(common::entra_trust())
        .validate(fixture_text("entra-shaped-aes256-cbc").as_bytes(), &context())
        .unwrap_err();
    assert!(missing.hint().unwrap().contains("IAM SAML provider"), "{:?}", missing.hint());
}

#[cfg(feature = "cli")]
mod cli {
    use super::*;

    fn key_path(name: &str) -> std::ffi::OsString {
        let file = if name == "sp-pkcs1" { "sp.pkcs1.key".to_string() } else { format!("{name}.key") };
        common::testdata_path(&format!("keys/{file}")).into()
    }

    fn verify(case: &Case, input: &str) -> std::process::Output {
        let profile = match case.profile {
            Profile::Console => "aws-console",
            Profile::Generic => "generic",
            Profile::Vpn => "clientvpn",
        };
        let path = common::temp_file("encrypted", input.as_bytes());
        let mut args: Vec<std::ffi::OsString> =
            ["verify", "--profile", profile, "--format", "json", "--now", NOW]
                .into_iter()
                .map(Into::into)
                .collect();
        args.extend(["--idp-metadata".into(), common::testdata_path("metadata/entra.xml").into()]);
        if case.profile == Profile::Vpn {
            args.extend(["--in-response-to".into(), VPN_REQUEST.into()]);
        }
        if case.profile == Profile::Generic {
            args.extend([
                "--audience".into(),
                GENERIC_AUDIENCE.into(),
                "--acs-url".into(),
                GENERIC_ACS.into(),
            ]);
        }
        for key in case.keys {
            args.extend(["--sp-key".into(), key_path(key)]);
        }
        if case.require_encryption {
            args.push("--require-encryption".into());
        }
        args.push(path.into());
        common::samlguard(&args, None)
    }

    #[test]
    fn every_case_through_the_cli() {
        let mut failures = Vec::new();
        let cases = cases();
        for case in &cases {
            let input = (case.edit)(fixture_text(case.fixture));
            let output = verify(case, &input);
            let json: serde_json::Value = match serde_json::from_slice(&output.stdout) {
                Ok(json) => json,
                Err(e) => {
                    failures.push(format!("{}: no JSON ({e}): {}", case.name, common::stderr(&output)));
                    continue;
                }
            };
            let (code, kind) = (output.status.code(), json["error"]["kind"].as_str().unwrap_or("valid"));
            let expected_code = if case.expect == "valid" { 0 } else { 1 };
            if code != Some(expected_code) || kind != case.expect {
                failures.push(format!(
                    "{}: exit {code:?} {kind}, expected {expected_code} {}",
                    case.name, case.expect
                ));
            }
            if case.expect == "valid" {
                let encrypted = !case.fixture.starts_with("responses/");
                if json["encrypted"] != encrypted || json["name_id"] == FORGED_NAME_ID {
                    failures.push(format!("{}: {json}", case.name));
                }
            }
        }
        assert!(failures.is_empty(), "{} CLI cases failed:\n{}", failures.len(), failures.join("\n"));
    }

    #[test]
    fn usage_and_key_errors_exit_2() {
        let run = |args: &[&std::ffi::OsStr]| common::samlguard(args, None);
        let metadata = common::testdata_path("metadata/entra.xml");
        let input = common::testdata_path("xmlenc/entra-shaped-aes256-cbc.xml");
        let base = |profile: &'static str| -> Vec<std::ffi::OsString> {
            ["verify", "--profile", profile, "--format", "json", "--now", NOW, "--idp-metadata"]
                .into_iter()
                .map(Into::into)
                .chain([metadata.clone().into()])
                .collect()
        };
        let with_key: Vec<std::ffi::OsString> = vec!["--sp-key".into(), key_path("sp")];
        for (extra, kind) in [(with_key, "usage_error"), (vec!["--require-encryption".into()], "usage_error")]
        {
            let mut args = base("clientvpn");
            args.extend(extra);
            args.push(input.clone().into());
            let out = run(&args.iter().map(|a| a.as_os_str()).collect::<Vec<_>>());
            assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
            let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(json["error"]["kind"], kind);
        }
        let mut args = base("aws-console");
        args.extend(["--require-encryption".into(), input.clone().into()]);
        let out = run(&args.iter().map(|a| a.as_os_str()).collect::<Vec<_>>());
        assert_eq!(out.status.code(), Some(2));
        for (key, kind) in
            [("keys/idp.crt", "invalid_private_key"), ("keys/legacy1024.key", "decryption_key_too_small")]
        {
            let mut args = base("aws-console");
            args.extend(["--sp-key".into(), common::testdata_path(key).into(), input.clone().into()]);
            let out = run(&args.iter().map(|a| a.as_os_str()).collect::<Vec<_>>());
            assert_eq!(out.status.code(), Some(2), "{key}");
            let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(json["error"]["kind"], kind, "{key}");
        }
    }

    #[test]
    fn text_report_says_the_assertion_was_encrypted_and_hints_at_sp_key() {
        let input = common::testdata_path("xmlenc/entra-shaped-aes256-cbc.xml");
        let metadata = common::testdata_path("metadata/entra.xml");
        let args = |keys: &[&str]| {
            let mut args: Vec<std::ffi::OsString> =
                ["verify", "--profile", "aws-console", "--now", NOW].into_iter().map(Into::into).collect();
            args.extend(["--idp-metadata".into(), metadata.clone().into()]);
            for key in keys {
                args.extend(["--sp-key".into(), key_path(key)]);
            }
            args.push(input.clone().into());
            args
        };
        let out = common::samlguard(&args(&["sp"]), None);
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(0), "{text}");
        assert!(text.contains("encryption") && text.contains("EncryptedAssertion, decrypted"), "{text}");
        let out = common::samlguard(&args(&[]), None);
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(text.starts_with("REJECTED: decryption_key_not_configured"), "{text}");
        assert!(text.contains("try: --sp-key PEMFILE"), "{text}");
    }

    #[test]
    fn inspect_decrypts_and_still_trusts_nothing() {
        let input = common::testdata_path("xmlenc/attack-wrapped-assertion.xml");
        let out = common::samlguard(
            &[std::ffi::OsString::from("inspect"), "--sp-key".into(), key_path("sp"), input.clone().into()],
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("UNVERIFIED: the decrypted content below has not been checked"), "{text}");
        assert!(text.contains(FORGED_NAME_ID), "inspect shows what was decrypted, marked unverified");
        assert!(text.contains("1 more Assertion element(s) inside the decrypted content"), "{text}");
        assert!(text.contains("content                aes256-cbc"), "{text}");
        let out = common::samlguard(&[std::ffi::OsString::from("inspect"), input.into()], None);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("pass --sp-key PEMFILE"), "{text}");
        assert!(!text.contains(FORGED_NAME_ID));
        let wrong = common::samlguard(
            &[
                std::ffi::OsString::from("inspect"),
                "--sp-key".into(),
                key_path("attacker"),
                common::testdata_path("xmlenc/inline-aes256-gcm.xml").into(),
            ],
            None,
        );
        let text = String::from_utf8(wrong.stdout).unwrap();
        assert!(text.contains("not decrypted") && text.contains("decryption_failed"), "{text}");
    }

    #[test]
    fn bench_measures_an_encrypted_response_against_its_floor() {
        let mut args: Vec<std::ffi::OsString> =
            ["bench", "--profile", "aws-console", "--now", NOW, "--iterations", "20", "--format", "json"]
                .into_iter()
                .map(Into::into)
                .collect();
        args.extend(["--idp-metadata".into(), common::testdata_path("metadata/entra.xml").into()]);
        args.extend(["--sp-key".into(), key_path("sp")]);
        args.push(common::testdata_path("xmlenc/doubly-signed-aes256-cbc.xml").into());
        let out = common::samlguard(&args, None);
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["accepted"], true);
        assert!(json["floor_us"]["median"].as_f64().unwrap() > 0.0);
    }
}
