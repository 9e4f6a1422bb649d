//! The `samlguard` binary, run as a process: `verify`, `inspect` and `bench`
//! on the repository's signed fixtures (see testdata/README.md).
#![cfg(feature = "cli")]

mod common;

use common::{samlguard, stderr};

use std::process::Output;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

const NOW: &str = "2026-01-15T10:01:00Z";
const ISSUER: &str = "https://sts.windows.net/6f2a1c1e-0000-4000-8000-5a4d1e2f3a4b/";
const VPN_REQUEST: &str = "id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c";
const GENERIC_REQUEST: &str = "id-7e2d9c4b1a0f4e3d8c7b6a5f4e3d2c1b";
const GENERIC_AUDIENCE: &str = "https://sp.example.com/metadata";
const GENERIC_ACS: &str = "https://sp.example.com/acs";
const SESSION_INDEX: &str = "_a8f3e6d21-0c4b-4a97-b5e8-6d7c1f2a3b4c";

fn fixture(rel: &str) -> String {
    common::testdata_path(rel).to_str().unwrap().to_owned()
}

fn read(rel: &str) -> Vec<u8> {
    common::testdata(rel)
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_owned()).collect()
}

/// `verify --profile clientvpn` with the bundled metadata, clock and request ID.
fn clientvpn(extra: &[&str], input: &str) -> Vec<String> {
    let mut args = strings(&["verify", "--profile", "clientvpn", "--idp-metadata"]);
    args.push(fixture("metadata/entra.xml"));
    if !extra.contains(&"--now") {
        args.extend(strings(&["--now", NOW]));
    }
    args.extend(strings(&["--in-response-to", VPN_REQUEST]));
    args.extend(strings(extra));
    args.push(input.to_owned());
    args
}

fn generic(command: &str, extra: &[&str], input: &str) -> Vec<String> {
    let mut args = strings(&[command, "--profile", "generic", "--idp-cert"]);
    args.push(fixture("keys/idp.crt"));
    args.extend(strings(&[
        "--idp-entity-id",
        ISSUER,
        "--audience",
        GENERIC_AUDIENCE,
        "--acs-url",
        GENERIC_ACS,
        "--now",
        NOW,
        "--in-response-to",
        GENERIC_REQUEST,
    ]));
    args.extend(strings(extra));
    args.push(input.to_owned());
    args
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

/// The text with runs of spaces collapsed, so that checks ignore alignment.
fn squashed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

/// Stdout must hold exactly one JSON object.
fn json(out: &Output) -> Value {
    let values: Vec<Value> = serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", stdout(out)));
    assert_eq!(values.len(), 1, "expected one JSON object: {}", stdout(out));
    assert!(values[0].is_object(), "{}", stdout(out));
    values.into_iter().next().unwrap()
}

fn assert_code(out: &Output, code: i32) {
    assert_eq!(out.status.code(), Some(code), "stdout: {}\nstderr: {}", stdout(out), stderr(out));
    assert!(!stderr(out).contains("panicked"), "{}", stderr(out));
}

/// Runs with `--format json`; checks the exit code and a refusal's kind.
fn rejected(mut args: Vec<String>, code: i32, kind: &str) -> Value {
    args.insert(1, "--format".into());
    args.insert(2, "json".into());
    let out = samlguard(&args, None);
    assert_code(&out, code);
    let value = json(&out);
    assert_eq!(value["valid"], false, "{value}");
    assert_eq!(value["error"]["kind"], kind, "{value}");
    assert!(value["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{value}");
    value
}

fn accepted(mut args: Vec<String>, stdin: Option<&[u8]>) -> Value {
    args.insert(1, "--format".into());
    args.insert(2, "json".into());
    let out = samlguard(&args, stdin);
    assert_code(&out, 0);
    let value = json(&out);
    assert_eq!(value["valid"], true, "{value}");
    value
}

fn temp_file(contents: &[u8]) -> String {
    common::temp_file("cli-verify", contents).to_str().unwrap().to_owned()
}

// ---------------------------------------------------------------------------
// verify: accepted, one JSON shape per profile

#[test]
fn clientvpn_json_reports_every_claim() {
    let v = accepted(clientvpn(&[], &fixture("responses/clientvpn.xml")), None);
    assert_eq!(v["profile"], "clientvpn");
    assert_eq!(v["issuer"], ISSUER);
    assert_eq!(v["name_id"], "alice@example.com");
    assert_eq!(v["audience"], "urn:amazon:webservices:clientvpn");
    // The earlier of Conditions (11:05) and SubjectConfirmationData (10:05).
    assert_eq!(v["not_on_or_after"], "2026-01-15T10:05:00Z");
    assert_eq!(v["session_index"], SESSION_INDEX);
    assert_eq!(v["first_name"], "Alice");
    assert_eq!(v["last_name"], "Example");
    let groups = v["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 20);
    assert_eq!(v["attributes"]["memberOf"], v["groups"]);
    assert_eq!(v["attributes"]["FirstName"], serde_json::json!(["Alice"]));
    assert!(v["attributes"]["http://schemas.microsoft.com/identity/claims/tenantid"].is_array());
    assert!(v.get("roles").is_none(), "{v}");
}

#[test]
fn clientvpn_200_groups_json_lists_all() {
    let v = accepted(clientvpn(&[], &fixture("responses/clientvpn-200-groups.xml")), None);
    assert_eq!(v["groups"].as_array().unwrap().len(), 200);
}

#[test]
fn aws_console_json_reports_roles_session_and_tags() {
    let mut args = strings(&["verify", "--profile", "aws-console", "--idp-metadata"]);
    args.push(fixture("metadata/entra.xml"));
    args.extend(strings(&["--now", NOW]));
    args.push(fixture("responses/aws-console.xml"));
    let v = accepted(args, None);
    assert_eq!(v["profile"], "aws-console");
    assert_eq!(v["name_id"], "k3vQ9XnW2bYp7sLr1cTfHd8uJmA0eZoGiE5yR4qP6hN");
    assert_eq!(v["audience"], "https://signin.aws.amazon.com/saml");
    assert_eq!(
        v["roles"],
        serde_json::json!([
            {"role_arn": "arn:aws:iam::123456789012:role/Admin",
             "provider_arn": "arn:aws:iam::123456789012:saml-provider/EntraID"},
            // Sent as (provider,role): reported in the same role/provider shape.
            {"role_arn": "arn:aws:iam::123456789012:role/ReadOnly",
             "provider_arn": "arn:aws:iam::123456789012:saml-provider/EntraID"},
        ])
    );
    assert_eq!(v["role_session_name"], "alice@example.com");
    assert_eq!(v["session_duration"], 3600);
    assert_eq!(v["source_identity"], Value::Null);
    assert_eq!(v["principal_tags"], serde_json::json!({"Department": "Engineering"}));
    assert_eq!(v["transitive_tag_keys"], serde_json::json!(["Department"]));
    assert_eq!(v["session_index"], SESSION_INDEX);
    assert!(v.get("groups").is_none(), "{v}");
}

#[test]
fn generic_json_reports_attributes_but_no_profile_claims() {
    let v = accepted(generic("verify", &[], &fixture("responses/generic.xml")), None);
    assert_eq!(v["profile"], "generic");
    assert_eq!(v["issuer"], ISSUER);
    assert_eq!(v["audience"], GENERIC_AUDIENCE);
    assert_eq!(v["name_id"], "alice@example.com");
    assert_eq!(v["not_on_or_after"], "2026-01-15T10:05:00Z");
    let attributes = v["attributes"].as_object().unwrap();
    assert_eq!(
        attributes["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"],
        serde_json::json!(["Alice"])
    );
    assert_eq!(
        attributes["http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    for profile_only in ["groups", "roles", "first_name", "role_session_name"] {
        assert!(v.get(profile_only).is_none(), "{profile_only}: {v}");
    }
}

#[test]
fn accepted_text_report_shows_what_was_checked() {
    let out = samlguard(&clientvpn(&[], &fixture("responses/clientvpn.xml")), None);
    assert_code(&out, 0);
    let text = squashed(&stdout(&out));
    assert!(text.starts_with("ACCEPTED (clientvpn profile)\n"), "{text}");
    for expected in [
        "Response: rsa-sha256, key CN=samlguard test IdP current (verified)",
        "Assertion: rsa-sha256, key CN=samlguard test IdP current (verified)",
        "urn:amazon:webservices:clientvpn",
        "recipient http://127.0.0.1:35001",
        "2026-01-15T09:55:00Z .. 2026-01-15T10:05:00Z (checked at 2026-01-15T10:01:00Z, skew 60 s)",
        "alice@example.com (emailAddress)",
        "groups (20)",
        "first name Alice",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!text.contains("REJECTED"));
}

// ---------------------------------------------------------------------------
// verify: input forms

#[test]
fn dash_reads_the_response_from_stdin() {
    let v = accepted(clientvpn(&[], "-"), Some(&read("responses/clientvpn.xml")));
    assert_eq!(v["name_id"], "alice@example.com");
}

#[test]
fn form_body_on_stdin_is_decoded() {
    let value = common::form_encode(&STANDARD.encode(read("responses/clientvpn.xml")));
    let body = format!("RelayState=x&SAMLResponse={value}");
    let v = accepted(clientvpn(&[], "-"), Some(body.as_bytes()));
    assert_eq!(v["groups"].as_array().unwrap().len(), 20);
}

#[test]
fn base64_with_crlf_line_breaks_is_decoded() {
    let encoded = STANDARD.encode(read("responses/clientvpn.xml"));
    let lines: Vec<&str> = encoded.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect();
    let path = temp_file(format!("\r\n{}\r\n", lines.join("\r\n")).as_bytes());
    let v = accepted(clientvpn(&[], &path), None);
    assert_eq!(v["name_id"], "alice@example.com");
}

#[test]
fn undecodable_input_is_a_refusal() {
    let out = samlguard(&clientvpn(&["--format", "json"], "-"), Some(b"RelayState=x"));
    assert_code(&out, 1);
    assert_eq!(json(&out)["error"]["kind"], "missing_saml_response");
    let out = samlguard(&clientvpn(&[], "-"), Some(b"<a>"));
    assert_code(&out, 1);
    assert!(stdout(&out).starts_with("REJECTED: unclosed_element\n"), "{}", stdout(&out));
}

// ---------------------------------------------------------------------------
// verify: refusals (exit 1)

#[test]
fn response_not_signed_has_a_hint() {
    let v = rejected(
        clientvpn(&[], &fixture("responses/clientvpn-assertion-only.xml")),
        1,
        "response_not_signed",
    );
    assert!(v["error"]["hint"].as_str().unwrap().contains("Sign SAML response and assertion"), "{v}");
}

#[test]
fn rejected_text_report_gives_kind_reason_and_fix() {
    let out = samlguard(&clientvpn(&[], &fixture("responses/clientvpn-assertion-only.xml")), None);
    assert_code(&out, 1);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "REJECTED: response_not_signed", "{text}");
    assert_eq!(lines[1], "the Response is not signed", "{text}");
    assert!(lines[2].starts_with("fix: ") && lines[2].contains("Sign SAML response and assertion"), "{text}");
    assert!(!text.contains("ACCEPTED"));
}

#[test]
fn expired_response_is_refused_with_the_clock_used_and_a_fix() {
    rejected(
        clientvpn(&["--now", "2026-01-16T10:01:00Z"], &fixture("responses/clientvpn.xml")),
        1,
        "expired",
    );
    let out =
        samlguard(&clientvpn(&["--now", "2026-01-16T10:01:00Z"], &fixture("responses/clientvpn.xml")), None);
    assert_code(&out, 1);
    let text = stdout(&out);
    assert!(text.starts_with("REJECTED: expired\n"), "{text}");
    assert!(text.contains("checked at 2026-01-16T10:01:00Z"), "{text}");
    assert!(text.contains("\nfix: "), "{text}");
}

#[test]
fn zero_clock_skew_refuses_what_the_default_skew_accepts() {
    // SubjectConfirmationData NotOnOrAfter is 10:05:00; 30 s later is inside
    // the default 60 s skew, outside a zero skew.
    let later = "2026-01-15T10:05:30Z";
    accepted(clientvpn(&["--now", later], &fixture("responses/clientvpn.xml")), None);
    rejected(
        clientvpn(&["--now", later, "--clock-skew", "0"], &fixture("responses/clientvpn.xml")),
        1,
        "expired",
    );
}

#[test]
fn in_response_to_must_match() {
    let mut args = clientvpn(&[], &fixture("responses/clientvpn.xml"));
    let i = args.iter().position(|a| a == VPN_REQUEST).unwrap();
    args[i] = "id-other".into();
    rejected(args, 1, "in_response_to_mismatch");
}

#[test]
fn audience_and_acs_flags_replace_the_profile_defaults() {
    rejected(
        clientvpn(&["--audience", "urn:other"], &fixture("responses/clientvpn.xml")),
        1,
        "audience_mismatch",
    );
    let v = accepted(
        clientvpn(
            &["--audience", "urn:other", "--audience", "urn:amazon:webservices:clientvpn"],
            &fixture("responses/clientvpn.xml"),
        ),
        None,
    );
    assert_eq!(v["audience"], "urn:amazon:webservices:clientvpn");
    rejected(
        clientvpn(&["--acs-url", "https://other.example/acs"], &fixture("responses/clientvpn.xml")),
        1,
        "destination_mismatch",
    );
    accepted(clientvpn(&["--acs-url", "http://127.0.0.1:35001"], &fixture("responses/clientvpn.xml")), None);
}

#[test]
fn sha1_needs_allow_sha1() {
    rejected(generic("verify", &[], &fixture("responses/generic-rsa-sha1-2048.xml")), 1, "sha1_not_allowed");
    accepted(generic("verify", &["--allow-sha1"], &fixture("responses/generic-rsa-sha1-2048.xml")), None);
}

#[test]
fn only_pinned_keys_verify_and_cert_flags_add_to_metadata_keys() {
    // clientvpn-next-key.xml is signed by idp-next.key: idp.crt alone does not verify it...
    let mut args = strings(&["verify", "--profile", "clientvpn", "--idp-entity-id", ISSUER, "--idp-cert"]);
    args.push(fixture("keys/idp.crt"));
    args.extend(strings(&["--now", NOW, "--in-response-to", VPN_REQUEST]));
    args.push(fixture("responses/clientvpn-next-key.xml"));
    let v = rejected(args.clone(), 1, "unknown_signing_key");
    assert!(v["error"]["hint"].as_str().unwrap().contains("Federation Metadata"), "{v}");
    // ...both certificates together do.
    args.insert(args.len() - 1, "--idp-cert".into());
    args.insert(args.len() - 1, fixture("keys/idp-next.crt"));
    accepted(args.clone(), None);
    // Metadata plus a PEM certificate, keys merged.
    let mut args = clientvpn(&["--idp-cert", &fixture("keys/attacker.crt"), "--idp-entity-id", ISSUER], "");
    args.pop();
    args.push(fixture("responses/clientvpn-attacker-key.xml"));
    accepted(args, None);
    rejected(clientvpn(&[], &fixture("responses/clientvpn-attacker-key.xml")), 1, "unknown_signing_key");
}

#[test]
fn two_assertions_are_refused() {
    let path = temp_file(&two_assertions());
    rejected(clientvpn(&[], &path), 1, "assertion_count");
}

// ---------------------------------------------------------------------------
// verify: usage and configuration errors (exit 2)

#[test]
fn missing_profile_is_a_usage_error() {
    let mut args = strings(&["verify", "--idp-metadata"]);
    args.push(fixture("metadata/entra.xml"));
    args.push(fixture("responses/clientvpn.xml"));
    let out = samlguard(&args, None);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("--profile"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    // Asked for JSON: still one JSON object.
    rejected(args, 2, "usage_error");
}

#[test]
fn generic_needs_audience_and_acs_url() {
    let mut args = strings(&["verify", "--profile", "generic", "--idp-metadata"]);
    args.push(fixture("metadata/entra.xml"));
    args.extend(strings(&["--acs-url", GENERIC_ACS, "--now", NOW]));
    args.push(fixture("responses/generic.xml"));
    let v = rejected(args.clone(), 2, "usage_error");
    assert!(v["error"]["message"].as_str().unwrap().contains("--audience"), "{v}");
    let out = samlguard(&args, None);
    assert_code(&out, 2);
    assert!(stderr(&out).starts_with("error: usage_error: "), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let mut args = strings(&["verify", "--profile", "generic", "--idp-metadata"]);
    args.push(fixture("metadata/entra.xml"));
    args.extend(strings(&["--audience", GENERIC_AUDIENCE, "--now", NOW]));
    args.push(fixture("responses/generic.xml"));
    rejected(args, 2, "usage_error");
}

#[test]
fn idp_cert_needs_entity_id() {
    let mut args = strings(&["verify", "--profile", "clientvpn", "--idp-cert"]);
    args.push(fixture("keys/idp.crt"));
    args.extend(strings(&["--now", NOW]));
    args.push(fixture("responses/clientvpn.xml"));
    let v = rejected(args, 2, "usage_error");
    assert!(v["error"]["message"].as_str().unwrap().contains("--idp-entity-id"), "{v}");
}

#[test]
fn no_trust_is_a_usage_error() {
    let args =
        strings(&["verify", "--profile", "clientvpn", "--now", NOW, &fixture("responses/clientvpn.xml")]);
    rejected(args, 2, "usage_error");
}

#[test]
fn now_must_be_an_rfc3339_instant() {
    for bad in ["yesterday", "2026-01-15", "2026-01-15T10:01:00", "2026-13-15T10:01:00Z"] {
        let v = rejected(clientvpn(&["--now", bad], &fixture("responses/clientvpn.xml")), 2, "usage_error");
        assert!(v["error"]["message"].as_str().unwrap().contains("--now"), "{v}");
    }
    // An offset is RFC 3339 too: 11:01+01:00 is 10:01Z.
    accepted(clientvpn(&["--now", "2026-01-15T11:01:00+01:00"], &fixture("responses/clientvpn.xml")), None);
}

#[test]
fn clock_skew_out_of_range_is_a_usage_error() {
    rejected(
        clientvpn(&["--clock-skew", "100000000000"], &fixture("responses/clientvpn.xml")),
        2,
        "usage_error",
    );
    let out = samlguard(&clientvpn(&["--clock-skew", "-5"], &fixture("responses/clientvpn.xml")), None);
    assert_code(&out, 2);
}

#[test]
fn metadata_without_signing_key_is_a_configuration_error() {
    let mut args = strings(&["verify", "--profile", "clientvpn", "--idp-metadata"]);
    args.push(fixture("metadata/no-keys.xml"));
    args.extend(strings(&["--now", NOW]));
    args.push(fixture("responses/clientvpn.xml"));
    let v = rejected(args.clone(), 2, "no_signing_key");
    assert!(v["error"]["message"].as_str().unwrap().contains("no-keys.xml"), "{v}");
    let out = samlguard(&args, None);
    assert_code(&out, 2);
    assert!(stderr(&out).starts_with("error: no_signing_key: "), "{}", stderr(&out));
    // WS-Fed RoleDescriptor keys are not SAML keys.
    args[4] = fixture("metadata/roledescriptor-keys-only.xml");
    rejected(args, 2, "no_signing_key");
}

#[test]
fn unreadable_files_are_configuration_or_input_errors() {
    let mut args =
        strings(&["verify", "--profile", "clientvpn", "--idp-metadata", "/nonexistent/metadata.xml"]);
    args.push(fixture("responses/clientvpn.xml"));
    rejected(args, 2, "config_unreadable");
    let mut args = strings(&["verify", "--profile", "clientvpn", "--idp-entity-id", ISSUER, "--idp-cert"]);
    args.push(fixture("responses/clientvpn.xml")); // not a PEM certificate
    args.push(fixture("responses/clientvpn.xml"));
    rejected(args, 2, "no_certificate");
    rejected(clientvpn(&[], "/nonexistent/response.xml"), 2, "input_unreadable");
}

#[test]
fn metadata_entity_id_must_match_the_configured_one() {
    let args = clientvpn(
        &["--idp-entity-id", "https://sts.windows.net/other/"],
        &fixture("responses/clientvpn.xml"),
    );
    rejected(args, 2, "metadata_entity");
}

// ---------------------------------------------------------------------------
// inspect

/// clientvpn.xml with a forged second Assertion (other ID, other NameID)
/// inserted before the signed one: well-formed, never valid.
fn two_assertions() -> Vec<u8> {
    let xml = String::from_utf8(read("responses/clientvpn.xml")).unwrap();
    let start = xml.find("<Assertion ").unwrap();
    let end = xml.find("</Assertion>").unwrap() + "</Assertion>".len();
    let forged = xml[start..end]
        .replace("_a8f3e6d21-0c4b-4a97-b5e8-6d7c1f2a3b4c", "_forged")
        .replace("alice@example.com", "mallory@evil.example");
    // Its Signature would duplicate nothing (IDs changed) but still: drop it.
    let sig_start = forged.find("<Signature ").unwrap();
    let sig_end = forged.find("</Signature>").unwrap() + "</Signature>".len();
    let forged = format!("{}{}", &forged[..sig_start], &forged[sig_end..]);
    format!("{}{forged}{}", &xml[..start], &xml[start..]).into_bytes()
}

#[test]
fn inspect_is_marked_unverified_and_lists_signatures() {
    let out = samlguard(&strings(&["inspect", &fixture("responses/clientvpn.xml")]), None);
    assert_code(&out, 0);
    let text = squashed(&stdout(&out));
    assert!(
        text.starts_with("UNVERIFIED: nothing below has been checked; use 'samlguard verify'\n"),
        "{text}"
    );
    for expected in [
        "Response [unverified]",
        "Assertion 1 of 1 [unverified] at samlp:Response/Assertion",
        "InResponseTo id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c",
        "urn:oasis:names:tc:SAML:2.0:status:Success",
        "NameID alice@example.com",
        "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
        "Recipient http://127.0.0.1:35001",
        "Audience urn:amazon:webservices:clientvpn",
        "memberOf [20 values]",
        "SessionIndex _a8f3e6d21-0c4b-4a97-b5e8-6d7c1f2a3b4c",
        "Signatures: 2 ds:Signature element(s) [unverified",
        "#1 in samlp:Response (ID _r4d9c2f1e-6b7a-4c58-9e03-2a1f0b3c4d5e)",
        "#2 in Assertion (ID _a8f3e6d21-0c4b-4a97-b5e8-6d7c1f2a3b4c)",
        "#_r4d9c2f1e-6b7a-4c58-9e03-2a1f0b3c4d5e (the parent's ID)",
        "SignatureMethod rsa-sha256",
        "DigestMethod sha256",
        "CN=samlguard test IdP current",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn inspect_shows_every_assertion() {
    let out = samlguard(&strings(&["inspect", "-"]), Some(&two_assertions()));
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("Assertion 1 of 2 [unverified]"), "{text}");
    assert!(text.contains("Assertion 2 of 2 [unverified]"), "{text}");
    assert!(text.contains("mallory@evil.example"), "{text}");
    assert!(text.contains("Signatures: 2 ds:Signature"), "{text}");
}

#[test]
fn inspect_base64_and_reference_to_another_element() {
    let encoded = STANDARD.encode(read("dsig/reference-not-parent.xml"));
    let out = samlguard(&strings(&["inspect", "-"]), Some(encoded.as_bytes()));
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("(decoded from base64)"), "{text}");
    assert!(squashed(&text).contains("refused reference_uri: the Reference URI"), "{text}");
}

#[test]
fn inspect_escapes_control_characters() {
    // A C1 control (NEL) and a right-to-left override: legal XML, but they
    // must not reach the terminal as such.
    let doc = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"r\">\
               <saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">a&#x85;b\u{202e}c\td</saml:Issuer>\
               </samlp:Response>";
    let out = samlguard(&strings(&["inspect", "-"]), Some(doc.as_bytes()));
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(text.contains(r"a\u{85}b\u{202e}c\td"), "{text}");
    assert!(!text.contains('\u{85}') && !text.contains('\u{202e}') && !text.contains('\t'), "{text:?}");
    assert!(text.contains("no saml:Assertion element"), "{text}");
    assert!(text.contains("Signatures: none"), "{text}");
}

#[test]
fn inspect_refuses_what_does_not_parse() {
    let out = samlguard(&strings(&["inspect", "-"]), Some(b"<a><b></a>"));
    assert_code(&out, 1);
    assert!(stderr(&out).starts_with("error: mismatched_tag at 1:"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let out = samlguard(&strings(&["inspect", "-"]), Some(b"<!DOCTYPE a><a/>"));
    assert_code(&out, 1);
    let out = samlguard(&strings(&["inspect", "-"]), Some(b"   "));
    assert_code(&out, 1);
    assert!(stderr(&out).starts_with("error: input_empty"), "{}", stderr(&out));
}

// ---------------------------------------------------------------------------
// bench

fn bench_json(args: Vec<String>) -> Value {
    let out = samlguard(&args, None);
    assert_code(&out, 0);
    json(&out)
}

fn check_bench_shape(v: &Value, iterations: u64) {
    let object = v.as_object().unwrap();
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["accepted", "floor_us", "iterations", "ratio", "validate_us"], "{v}");
    assert_eq!(v["iterations"], iterations);
    assert_eq!(v["accepted"], true);
    let (median, min, max) = (
        v["validate_us"]["median"].as_f64().unwrap(),
        v["validate_us"]["min"].as_f64().unwrap(),
        v["validate_us"]["max"].as_f64().unwrap(),
    );
    assert!(0.0 < min && min <= median && median <= max, "{v}");
    assert_eq!(v["validate_us"].as_object().unwrap().len(), 3, "{v}");
    assert_eq!(v["floor_us"].as_object().unwrap().len(), 1, "{v}");
    assert!(v["floor_us"]["median"].as_f64().unwrap() > 0.0, "{v}");
    assert!(v["ratio"].as_f64().unwrap() > 0.0, "{v}");
}

#[test]
fn bench_json_reports_timings_in_a_fixed_shape() {
    let mut args =
        clientvpn(&["--iterations", "50", "--format", "json"], &fixture("responses/clientvpn.xml"));
    args[0] = "bench".into();
    check_bench_shape(&bench_json(args), 50);
}

#[test]
fn bench_runs_sha512_ecdsa_and_inclusive_namespaces() {
    // Few iterations: not fewer than the batches.
    let mut args = generic(
        "bench",
        &["--iterations", "3", "--format", "json"],
        &fixture("responses/generic-rsa-sha512.xml"),
    );
    check_bench_shape(&bench_json(args.clone()), 3);
    // ECDSA, with its own key; InclusiveNamespaces.
    let i = args.iter().position(|a| a.ends_with("idp.crt")).unwrap();
    args[i] = fixture("keys/ec-p256.crt");
    *args.last_mut().unwrap() = fixture("responses/generic-ecdsa-sha256.xml");
    check_bench_shape(&bench_json(args), 3);
    let args = generic(
        "bench",
        &["--iterations", "3", "--format", "json"],
        &fixture("responses/generic-inclusive-namespaces.xml"),
    );
    check_bench_shape(&bench_json(args), 3);
}

#[test]
fn bench_text_reports_rate_floor_and_ratio() {
    let mut args = clientvpn(&["--iterations", "20"], &fixture("responses/clientvpn.xml"));
    args[0] = "bench".into();
    let out = samlguard(&args, None);
    assert_code(&out, 0);
    let text = stdout(&out);
    for expected in ["2 signature(s): rsa-sha256, rsa-sha256", "validations/s", "floor", "ratio", "µs"] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn bench_refuses_what_does_not_validate() {
    let mut args = clientvpn(&["--iterations", "10"], &fixture("responses/clientvpn-assertion-only.xml"));
    args[0] = "bench".into();
    rejected(args.clone(), 1, "response_not_signed");
    let out = samlguard(&args, None);
    assert_code(&out, 1);
    assert!(stdout(&out).starts_with("REJECTED: response_not_signed\n"), "{}", stdout(&out));
    let mut args = clientvpn(&["--iterations", "0"], &fixture("responses/clientvpn.xml"));
    args[0] = "bench".into();
    rejected(args, 2, "usage_error");
}

#[test]
fn metadata_signer_requires_the_metadata_signature() {
    let with_signer = |metadata: &str| {
        let mut args = strings(&["verify", "--profile", "clientvpn", "--idp-metadata"]);
        args.push(fixture(metadata));
        args.push("--metadata-signer".into());
        args.push(fixture("keys/metadata-signer.crt"));
        args.extend(strings(&["--now", NOW, "--in-response-to", VPN_REQUEST]));
        args.push(fixture("responses/clientvpn.xml"));
        args
    };
    accepted(with_signer("metadata/entra.xml"), None);
    rejected(with_signer("metadata/entra-tampered.xml"), 2, "metadata_signature");
    rejected(with_signer("metadata/entra-unsigned.xml"), 2, "metadata_not_signed");
    // Not signed by this signer: the IdP's own key is not the metadata signer.
    let mut wrong = with_signer("metadata/entra.xml");
    let signer = wrong.iter().position(|a| a == "--metadata-signer").unwrap() + 1;
    wrong[signer] = fixture("keys/idp.crt");
    rejected(wrong, 2, "metadata_signature");
}
