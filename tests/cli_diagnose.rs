//! What `verify` adds to a refusal: the digest diagnosis with a ready
//! `samlguard c14n` command, the KeyInfo certificate beside the pinned ones
//! (the stale-metadata rollover), and the profile that would accept.
#![cfg(feature = "cli")]

mod common;

use std::process::{Command, Output};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::{samlguard, stderr};
use samlguard::crypto::DigestAlgorithm;
use serde_json::Value;

const NOW: &str = "2026-01-15T10:01:00Z";
const ISSUER: &str = "https://sts.windows.net/6f2a1c1e-0000-4000-8000-5a4d1e2f3a4b/";
const ASSERTION_ID: &str = "_a8f3e6d21-0c4b-4a97-b5e8-6d7c1f2a3b4c";
const IDP_SHA1: &str = "C0DD51A0BF97754B88C6FCD7EBA6F896583C14C6";
const IDP_SHA256: &str = "0D45FFD7BFEC979F0C7A2EF45626AF5FBD170D09371509D3813484944E4B7E7C";
const NEXT_SHA1: &str = "10EE81F17548A7771362F9AB5C4C2B1BDBCA610C";
const NEXT_SHA256: &str = "953306F200D3D0662BA0DBF692A238284F2AA92361A40F58CBE562C4E4978A7A";

fn path(rel: &str) -> String {
    common::testdata_path(rel).to_str().unwrap().to_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// `verify --profile generic` pinned to idp.crt.
fn generic(extra: &[&str], input: &str) -> Vec<String> {
    let mut args = strings(&["verify", "--profile", "generic", "--idp-cert"]);
    args.push(path("keys/idp.crt"));
    args.extend(strings(&[
        "--idp-entity-id",
        ISSUER,
        "--audience",
        "https://sp.example.com/metadata",
        "--acs-url",
        "https://sp.example.com/acs",
        "--now",
        NOW,
    ]));
    args.extend(strings(extra));
    args.push(input.to_owned());
    args
}

fn with_metadata(profile: &str, metadata: &str, extra: &[&str], input: &str) -> Vec<String> {
    let mut args = strings(&["verify", "--profile", profile, "--idp-metadata"]);
    args.push(path(metadata));
    if !extra.contains(&"--now") {
        args.extend(strings(&["--now", NOW]));
    }
    args.extend(strings(extra));
    args.push(input.to_owned());
    args
}

fn refused(args: &[String]) -> (String, Value) {
    let text = samlguard(args, None);
    assert_eq!(text.status.code(), Some(1), "{}{}", stdout(&text), stderr(&text));
    let mut json_args = args.to_vec();
    json_args.splice(1..1, strings(&["--format", "json"]));
    let json = samlguard(&json_args, None);
    assert_eq!(json.status.code(), Some(1), "{}", stdout(&json));
    let value: Value = serde_json::from_slice(&json.stdout).expect("one JSON object");
    assert_eq!(value["valid"], false);
    (stdout(&text), value)
}

// ---------------------------------------------------------------------------
// digest_mismatch

#[test]
fn digest_mismatch_shows_both_digests_and_the_c14n_command() {
    let input = path("dsig/tampered-assertion.xml");
    let (text, v) = refused(&generic(&[], &input));
    let expected = format!(
        "REJECTED: digest_mismatch\n\
         Assertion signature: digest mismatch: the signed content was modified\n  \
         signed element   Assertion ID {ASSERTION_ID}\n  \
         DigestValue      7XELNccYqdis2/g0L2Sy476ejmlPcN3A7cc+gvbjyqA= (sha256, what the IdP signed)\n  \
         computed         tpsi94V1GW7XDe/jiJhtCE1nR+/uYxtuDSqHt51tl3Y= (sha256 of the element as received)\n  \
         canonical bytes  samlguard c14n --id {ASSERTION_ID} --omit-signature {input}\n"
    );
    assert!(text.starts_with(&expected), "{text}");
    assert!(text.contains("\n  the element changed after it was signed: an edited value"), "{text}");
    assert!(text.ends_with("\nfix: the response was modified after signing (or re-encoded on the way): send it byte for byte\n"), "{text}");
    let digest = &v["diagnosis"]["digest"];
    assert_eq!(v["error"]["kind"], "digest_mismatch");
    assert_eq!(digest["element"], "Assertion");
    assert_eq!(digest["id"], ASSERTION_ID);
    assert_eq!(digest["digest_algorithm"], "sha256");
    assert_eq!(digest["digest_value"], "7XELNccYqdis2/g0L2Sy476ejmlPcN3A7cc+gvbjyqA=");
    assert_eq!(digest["computed_digest"], "tpsi94V1GW7XDe/jiJhtCE1nR+/uYxtuDSqHt51tl3Y=");
    assert_eq!(
        digest["c14n_command"],
        format!("samlguard c14n --id {ASSERTION_ID} --omit-signature {input}")
    );
    assert_eq!(run_command(digest), digest["computed_digest"]);
}

/// Runs a printed `samlguard c14n …` command with this build's binary and
/// returns the base64 SHA-256 of what it prints.
fn run_command(digest: &Value) -> String {
    let command = digest["c14n_command"].as_str().unwrap();
    let binary = env!("CARGO_BIN_EXE_samlguard");
    let command = command.replacen("samlguard", &format!("'{binary}'"), 1);
    let out = Command::new("sh").arg("-c").arg(&command).output().expect("sh runs");
    assert_eq!(out.status.code(), Some(0), "{command}: {}", stderr(&out));
    STANDARD.encode(DigestAlgorithm::Sha256.digest(&out.stdout))
}

#[test]
fn digest_mismatch_command_carries_the_signature_transform_parameters() {
    // generic-inclusive-namespaces.xml with the Assertion edited after signing.
    let xml = String::from_utf8(common::testdata("responses/generic-inclusive-namespaces.xml")).unwrap();
    let edited = xml.replacen(">Alice<", ">Mallory<", 1);
    assert_ne!(xml, edited);
    let input = common::temp_file("cli-diagnose", edited.as_bytes()).to_str().unwrap().to_owned();
    let (text, v) = refused(&generic(&[], &input));
    let command = format!(
        "samlguard c14n --id {ASSERTION_ID} --omit-signature --inclusive-namespaces 'xs xsi' {input}"
    );
    assert!(text.contains(&format!("  canonical bytes  {command}\n")), "{text}");
    let digest = &v["diagnosis"]["digest"];
    assert_eq!(digest["c14n_command"], command);
    assert_eq!(run_command(digest), digest["computed_digest"]);
}

#[test]
fn digest_mismatch_in_a_capture_picks_the_same_request() {
    // The clientvpn response inside a HAR with two responses, its NameID edited.
    let har = String::from_utf8(common::testdata("captures/two-signins.har")).unwrap();
    let xml = common::testdata("responses/clientvpn.xml");
    let good = common::form_encode(&STANDARD.encode(&xml));
    let edited = String::from_utf8(xml).unwrap().replacen("alice@example.com", "mallory@example.com", 1);
    let bad = common::form_encode(&STANDARD.encode(edited));
    let tampered = har.replace(&good, &bad);
    assert_ne!(har, tampered);
    let input = common::temp_file("cli-diagnose-har", tampered.as_bytes()).to_str().unwrap().to_owned();
    let (_, v) = refused(&with_metadata("clientvpn", "metadata/entra.xml", &["--pick", "2"], &input));
    let digest = &v["diagnosis"]["digest"];
    assert_eq!(digest["element"], "Assertion", "{v}");
    let command = digest["c14n_command"].as_str().unwrap();
    assert!(command.ends_with(&format!("--omit-signature --pick 2 {input}")), "{command}");
    assert_eq!(run_command(digest), digest["computed_digest"]);
}

// ---------------------------------------------------------------------------
// unknown_signing_key, signature_invalid

#[test]
fn stale_metadata_names_the_rollover_without_accepting() {
    // entra-stale.xml lists idp.crt only; the IdP now signs with idp-next.
    let args = with_metadata(
        "clientvpn",
        "metadata/entra-stale.xml",
        &[],
        &path("responses/clientvpn-next-key.xml"),
    );
    let (text, v) = refused(&args);
    let expected = format!(
        "REJECTED: unknown_signing_key\n\
         Assertion signature: signed with a certificate that is not in the trusted IdP metadata\n  \
         KeyInfo certificate of the Assertion signature (UNTRUSTED: taken from the response, never used to accept it)\n    \
         subject        CN=samlguard test IdP next (rollover)\n    \
         SHA-256        {NEXT_SHA256}\n    \
         SHA-1          {NEXT_SHA1}\n    \
         valid          2025-01-01T00:00:00Z .. 2045-01-01T00:00:00Z\n  \
         pinned certificates (1, from --idp-metadata / --idp-cert)\n    \
         #1 subject     CN=samlguard test IdP current\n       \
         SHA-256     {IDP_SHA256}\n       \
         SHA-1       {IDP_SHA1}\n       \
         valid       2025-01-01T00:00:00Z .. 2045-01-01T00:00:00Z\n  \
         with the KeyInfo certificate the signature verifies and the response WOULD be accepted: the IdP\n  \
         has most likely rolled its signing key and the pinned metadata is stale."
    );
    assert!(text.starts_with(&expected), "{text}");
    assert!(text.contains("\ntry: --idp-metadata with the Federation Metadata downloaded today\n"), "{text}");
    assert!(!text.contains("ACCEPTED"), "{text}");
    let key = &v["diagnosis"]["signing_key"];
    assert_eq!(v["error"]["kind"], "unknown_signing_key");
    assert_eq!(key["element"], "Assertion");
    assert_eq!(key["likely_cause"], "idp_key_rollover");
    assert_eq!(key["verifies_with_key_info_certificate"], true);
    assert_eq!(key["accepted_with_key_info_certificate"], true);
    assert_eq!(key["refused_with_key_info_certificate"], Value::Null);
    assert_eq!(key["key_info_certificate"]["subject"], "CN=samlguard test IdP next (rollover)");
    assert_eq!(key["key_info_certificate"]["sha1"], NEXT_SHA1.to_lowercase());
    assert_eq!(key["key_info_certificate"]["sha256"], NEXT_SHA256.to_lowercase());
    assert_eq!(key["key_info_certificate"]["not_after"], "2045-01-01T00:00:00Z");
    assert_eq!(key["key_info_certificate"]["pinned"], false);
    let pinned = key["pinned_certificates"].as_array().unwrap();
    assert_eq!(pinned.len(), 1);
    assert_eq!(pinned[0]["sha1"], IDP_SHA1.to_lowercase());
    // The same from the browser's HAR export of the sign-in.
    let har = path("captures/clientvpn-rollover-signin.har");
    let (text, v) = refused(&with_metadata("clientvpn", "metadata/entra-stale.xml", &[], &har));
    assert!(text.starts_with(&expected), "{text}");
    assert_eq!(v["diagnosis"]["signing_key"]["likely_cause"], "idp_key_rollover");
    // With the current metadata it is accepted.
    let args =
        with_metadata("clientvpn", "metadata/entra.xml", &[], &path("responses/clientvpn-next-key.xml"));
    assert_eq!(samlguard(&args, None).status.code(), Some(0));
}

#[test]
fn a_foreign_key_is_never_accepted_and_a_trial_can_still_refuse() {
    // Signed by attacker.key with its own certificate in KeyInfo: exit 1 like
    // any refusal; the diagnosis compares, it never trusts.
    let args =
        with_metadata("clientvpn", "metadata/entra.xml", &[], &path("responses/clientvpn-attacker-key.xml"));
    let (text, v) = refused(&args);
    assert!(text.starts_with("REJECTED: unknown_signing_key\n"), "{text}");
    assert!(text.contains("CN=samlguard test attacker"), "{text}");
    assert!(
        text.contains("if it is not, someone else signed this response and it must stay\n  refused\n"),
        "{text}"
    );
    assert_eq!(
        v["diagnosis"]["signing_key"]["key_info_certificate"]["subject"],
        "CN=samlguard test attacker"
    );
    // The same key, but the clock says expired: with the certificate it would
    // still be refused, and the diagnosis says why.
    let args = with_metadata(
        "clientvpn",
        "metadata/entra-stale.xml",
        &["--now", "2026-01-16T10:00:00Z"],
        &path("responses/clientvpn-next-key.xml"),
    );
    let (text, v) = refused(&args);
    assert!(text.contains("  the signature verifies with the KeyInfo certificate: the IdP has most likely rolled its signing\n"), "{text}");
    assert!(
        text.contains(" Even with that certificate\n  pinned the response would still be refused: expired\n"),
        "{text}"
    );
    let key = &v["diagnosis"]["signing_key"];
    assert_eq!(key["likely_cause"], "refused_with_key_info_certificate");
    assert_eq!(key["refused_with_key_info_certificate"], "expired");
    assert_eq!(key["accepted_with_key_info_certificate"], false);
}

#[test]
fn signature_invalid_with_a_pinned_keyinfo_certificate_blames_signed_info() {
    let (text, v) = refused(&generic(&[], &path("dsig/tampered-signedinfo.xml")));
    assert!(text.starts_with(
        "REJECTED: signature_invalid\nAssertion signature: signature is invalid\n  \
         KeyInfo certificate of the Assertion signature (pinned #1)\n    subject        CN=samlguard test IdP current\n"
    ), "{text}");
    assert!(text.contains(
        "  the KeyInfo certificate is pinned, yet the SignatureValue does not verify with it: SignedInfo was\n  \
         changed after signing, or the signature was corrupted\n"
    ), "{text}");
    let key = &v["diagnosis"]["signing_key"];
    assert_eq!(key["likely_cause"], "signed_info_modified");
    assert_eq!(key["key_info_certificate"]["pinned"], true);
    assert_eq!(key["verifies_with_key_info_certificate"], false);
}

#[test]
fn signature_invalid_without_keyinfo_lists_the_pinned_certificates() {
    let args =
        with_metadata("aws-console", "metadata/entra.xml", &[], &path("attacks/attacker-no-keyinfo.xml"));
    let (text, v) = refused(&args);
    assert!(text.contains("  the Assertion signature has no certificate in KeyInfo\n  pinned certificates (2, from --idp-metadata / --idp-cert)\n"), "{text}");
    let key = &v["diagnosis"]["signing_key"];
    assert_eq!(key["likely_cause"], "no_key_info_certificate");
    assert_eq!(key["key_info_certificate"], Value::Null);
    assert_eq!(key["pinned_certificates"].as_array().unwrap().len(), 2);
}

// ---------------------------------------------------------------------------
// another profile accepts

#[test]
fn an_aws_console_response_checked_as_client_vpn_suggests_aws_console() {
    let args = with_metadata("clientvpn", "metadata/entra.xml", &[], &path("responses/aws-console.xml"));
    let (text, v) = refused(&args);
    assert_eq!(
        text,
        "REJECTED: response_not_signed\n\
         the Response is not signed\n  \
         the aws-console profile accepts this response (same keys, clock and request ID)\n\
         fix: in Entra (Enterprise application > Single sign-on > SAML Certificates) set Signing Option to 'Sign SAML response and assertion'\n\
         try: this is an AWS console response: --profile aws-console\n"
    );
    assert_eq!(v["diagnosis"]["accepted_by_profile"], "aws-console");
}

#[test]
fn a_client_vpn_response_checked_as_aws_console_suggests_clientvpn() {
    let args = with_metadata("aws-console", "metadata/entra.xml", &[], &path("responses/clientvpn.xml"));
    let (text, v) = refused(&args);
    assert!(text.starts_with("REJECTED: destination_mismatch\n"), "{text}");
    assert!(
        text.contains("\n  the clientvpn profile accepts this response (same keys, clock and request ID)\n"),
        "{text}"
    );
    assert!(text.ends_with("try: this is an AWS Client VPN response: --profile clientvpn\n"), "{text}");
    assert_eq!(v["diagnosis"]["accepted_by_profile"], "clientvpn");
}

#[test]
fn the_generic_profile_is_suggested_only_with_audience_and_acs_flags() {
    let mut args = with_metadata("clientvpn", "metadata/entra.xml", &[], &path("responses/generic.xml"));
    let (text, v) = refused(&args);
    assert!(!text.contains("accepts"), "{text}");
    assert_eq!(v.get("diagnosis"), None, "{v}");
    args.splice(
        args.len() - 1..args.len() - 1,
        strings(&[
            "--audience",
            "https://sp.example.com/metadata",
            "--acs-url",
            "https://sp.example.com/acs",
        ]),
    );
    let (text, v) = refused(&args);
    assert!(
        text.ends_with(
            "try: the generic profile accepts it with these --audience and --acs-url: --profile generic\n"
        ),
        "{text}"
    );
    assert_eq!(v["diagnosis"]["accepted_by_profile"], "generic");
}

#[test]
fn no_suggestion_when_no_profile_accepts() {
    let args = with_metadata(
        "aws-console",
        "metadata/entra.xml",
        &["--now", "2026-02-01T00:00:00Z"],
        &path("responses/clientvpn.xml"),
    );
    let (text, v) = refused(&args);
    assert!(text.starts_with("REJECTED: destination_mismatch\n"), "{text}");
    assert!(!text.contains("accepts") && !text.contains("this is an"), "{text}");
    assert_eq!(v.get("diagnosis"), None, "{v}");
}
