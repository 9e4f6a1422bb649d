//! `verify`, `inspect` and `c14n` on what operators have: browser HAR exports,
//! SAML-tracer exports and copied values (testdata/captures/, made by
//! testdata/generate-captures.sh around the signed fixtures).
#![cfg(feature = "cli")]

mod common;

use std::process::Output;

use common::{samlguard, stderr};
use serde_json::{Value, json};

const NOW: &str = "2026-01-15T10:01:00Z";
const VPN_REQUEST: &str = "id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c";

fn path(rel: &str) -> String {
    common::testdata_path(rel).to_str().unwrap().to_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn verify(profile: &str, extra: &[&str], input: &str) -> Vec<String> {
    let mut args: Vec<String> = ["verify", "--profile", profile, "--idp-metadata"].map(String::from).into();
    args.push(path("metadata/entra.xml"));
    args.extend(["--now", NOW].map(String::from));
    args.extend(extra.iter().map(|s| s.to_string()));
    args.push(input.to_owned());
    args
}

fn run(args: &[String], code: i32) -> Output {
    let out = samlguard(args, None);
    assert_eq!(out.status.code(), Some(code), "{args:?}\nstdout: {}\nstderr: {}", stdout(&out), stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    out
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

/// The clientvpn login every capture of clientvpn.xml must give.
fn assert_clientvpn_login(v: &Value) {
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["profile"], "clientvpn");
    assert_eq!(v["name_id"], "alice@example.com");
    assert_eq!(v["groups"].as_array().unwrap().len(), 20);
}

#[test]
fn har_export_takes_the_acs_post_among_other_posts() {
    let out = run(&verify("clientvpn", &["--format", "json"], &path("captures/clientvpn-signin.har")), 0);
    assert_clientvpn_login(&json_of(&out));
    assert_eq!(
        stderr(&out),
        "note: SAMLResponse from the HAR export: 2026-01-15T10:00:00.418Z  POST http://127.0.0.1:35001/\n"
    );
    // The same in text, with the request ID matched.
    let out = run(
        &verify("clientvpn", &["--in-response-to", VPN_REQUEST], &path("captures/clientvpn-signin.har")),
        0,
    );
    assert!(stdout(&out).starts_with("ACCEPTED (clientvpn profile)\n"), "{}", stdout(&out));
}

#[test]
fn har_with_two_responses_lists_them_and_takes_the_last_unless_picked() {
    let har = path("captures/two-signins.har");
    let out = run(&verify("clientvpn", &["--format", "json"], &har), 0);
    assert_clientvpn_login(&json_of(&out));
    assert_eq!(
        stderr(&out),
        "note: the HAR export holds 2 POSTs with a SAMLResponse; using #2, the last (--pick N chooses another):\n  \
         #1   2026-01-15T10:00:01.250Z  POST https://signin.aws.amazon.com/saml\n \
         *#2   2026-01-15T10:00:04.915Z  POST http://127.0.0.1:35001/\n"
    );
    // --pick 1: the AWS console response.
    let out = run(&verify("aws-console", &["--format", "json", "--pick", "1"], &har), 0);
    let v = json_of(&out);
    assert_eq!(v["profile"], "aws-console");
    assert_eq!(v["role_session_name"], "alice@example.com");
    assert!(
        stderr(&out).contains(" *#1   2026-01-15T10:00:01.250Z  POST https://signin.aws.amazon.com/saml\n")
    );
}

#[test]
fn pick_out_of_range_or_without_an_export_is_a_usage_error() {
    for pick in ["3", "0", "x"] {
        let out = run(&verify("clientvpn", &["--pick", pick], &path("captures/two-signins.har")), 2);
        assert!(out.stdout.is_empty());
    }
    let out = run(&verify("clientvpn", &["--pick", "3"], &path("captures/two-signins.har")), 2);
    let err = stderr(&out);
    assert!(
        err.starts_with("error: usage_error: --pick 3: the HAR export holds 2 POST(s) with a SAMLResponse"),
        "{err}"
    );
    assert!(err.contains("POST http://127.0.0.1:35001/"), "{err}");
    let out = run(&verify("clientvpn", &["--pick", "1"], &path("responses/clientvpn.xml")), 2);
    assert!(stderr(&out).contains("--pick applies to a HAR or SAML-tracer export"), "{}", stderr(&out));
}

#[test]
fn saml_tracer_export_gives_the_login_and_names_the_request() {
    let out = run(
        &verify("clientvpn", &["--format", "json"], &path("captures/clientvpn-signin.saml-tracer.json")),
        0,
    );
    assert_clientvpn_login(&json_of(&out));
    assert_eq!(
        stderr(&out),
        "note: SAMLResponse from the SAML-tracer export: POST http://127.0.0.1:35001/\n"
    );
}

#[test]
fn saml_tracer_export_with_hashed_values_uses_the_decoded_message() {
    let input = path("captures/clientvpn-signin.saml-tracer-hashed.json");
    let text = std::fs::read_to_string(&input).unwrap();
    assert!(text.contains("{hash:") && !text.contains("PHNhbWxw"), "the POST values are hashed");
    let out = run(&verify("clientvpn", &["--format", "json"], &input), 0);
    assert_clientvpn_login(&json_of(&out));
}

#[test]
fn url_encoded_and_copied_values_are_read() {
    for (file, note) in [
        ("captures/clientvpn.urlencoded.txt", "a URL-encoded SAMLResponse value"),
        ("captures/clientvpn.form-value.txt", ""),
    ] {
        let out = run(&verify("clientvpn", &["--format", "json"], &path(file)), 0);
        assert_clientvpn_login(&json_of(&out));
        assert!(stderr(&out).contains(note), "{file}: {}", stderr(&out));
    }
    let out = run(
        &verify("aws-console", &["--format", "json"], &path("captures/aws-console.decoded-value.txt")),
        0,
    );
    assert_eq!(json_of(&out)["role_session_name"], "alice@example.com");
    assert!(stderr(&out).contains("copied decoded"), "{}", stderr(&out));
}

#[test]
fn inspect_and_c14n_read_exports() {
    let out = run(&["inspect".into(), "--pick".into(), "1".into(), path("captures/two-signins.har")], 0);
    let text = stdout(&out);
    assert!(
        text.contains(
            "input: 5172 bytes of XML (decoded from base64), from POST https://signin.aws.amazon.com/saml (request #1 with a SAMLResponse)"
        ),
        "{text}"
    );
    assert!(text.contains("Audience") && text.contains("https://signin.aws.amazon.com/saml"), "{text}");
    let out = run(&["c14n".into(), path("captures/clientvpn-signin.saml-tracer.json")], 0);
    let xml = run(&["c14n".into(), path("responses/clientvpn.xml")], 0);
    assert_eq!(out.stdout, xml.stdout);
}

fn temp(contents: &str) -> String {
    common::temp_file("cli-capture", contents.as_bytes()).to_str().unwrap().to_owned()
}

fn refused(input: &str, kind: &str) -> Value {
    let out = run(&verify("clientvpn", &["--format", "json"], input), 1);
    let v = json_of(&out);
    assert_eq!(v["valid"], false, "{v}");
    assert_eq!(v["error"]["kind"], kind, "{v}");
    v
}

#[test]
fn exports_without_a_response_or_ambiguous_are_refused() {
    let no_response = json!({"log": {"entries": [
        {"request": {"method": "POST", "url": "https://login.microsoftonline.com/x/login", "postData": {"text": "login=alice"}}},
        {"request": {"method": "GET", "url": "http://127.0.0.1:35001/?SAMLResponse=abc"}}
    ]}});
    let v = refused(&temp(&no_response.to_string()), "missing_saml_response");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("holds 2 requests, none a POST with a SAMLResponse"),
        "{v}"
    );
    refused(&temp(r#"{"log": {"entries": []}, "requests": []}"#), "invalid_capture");
    refused(&temp(r#"{"log": {"entries": [}"#), "invalid_capture");
    refused(&temp(r#"{"log": {"entries": 5}}"#), "invalid_capture");
    refused(&temp(r#"{"something": "else"}"#), "not_xml");
    let two = json!({"requests": [{"method": "POST", "url": "https://a/", "post": [["SAMLResponse", "PHA+"], ["SAMLResponse", "PHE+"]]}]});
    refused(&temp(&two.to_string()), "duplicate_saml_response");
    // A decorated field name in a HAR body reaches the library, which refuses it.
    let decorated = json!({"log": {"entries": [
        {"request": {"method": "POST", "url": "https://a/", "postData": {"text": "SAMLResponse%5B%5D=PHA%2B"}}}
    ]}});
    refused(&temp(&decorated.to_string()), "decorated_saml_response");
    // Deep nesting: serde_json's recursion limit, not a stack overflow.
    let deep = format!("{{\"log\":{}0{}}}", "[".repeat(100_000), "]".repeat(100_000));
    refused(&temp(&deep), "invalid_capture");
}

#[test]
fn the_response_in_an_export_keeps_the_input_limits() {
    // A response of more than 1 MiB inside a HAR: the library's limit still applies.
    let big = "A".repeat(2 * 1024 * 1024);
    let har = json!({"log": {"entries": [
        {"request": {"method": "POST", "url": "https://a/", "postData": {"text": format!("SAMLResponse={big}")}}}
    ]}});
    refused(&temp(&har.to_string()), "input_too_large");
}
