//! `samlguard verify --profile identity-center` and `--sp-metadata`, run as
//! a process (every suite case also goes through the CLI in tests/suite.rs).
#![cfg(feature = "cli")]

mod common;

use common::{samlguard, stderr};

use serde_json::Value;

const NOW: &str = "2026-01-15T10:01:00Z";
const ENTITY: &str = "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-93677a1b2c";

fn fixture(rel: &str) -> String {
    common::testdata_path(rel).to_str().unwrap().to_owned()
}

fn args(profile: &str, extra: &[&str], input: &str) -> Vec<String> {
    let mut args: Vec<String> =
        ["verify", "--profile", profile, "--idp-metadata"].iter().map(|s| (*s).to_owned()).collect();
    args.push(fixture("metadata/entra.xml"));
    args.extend(["--now", NOW].iter().map(|s| (*s).to_owned()));
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args.push(fixture(input));
    args
}

fn run(args: &[String], json: bool) -> (Option<i32>, String, String) {
    let mut all = args.to_vec();
    if json {
        all.insert(1, "--format".into());
        all.insert(2, "json".into());
    }
    let out = samlguard(&all, None);
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    let err = stderr(&out);
    (out.status.code(), String::from_utf8(out.stdout).unwrap(), err)
}

fn json(args: &[String]) -> (Option<i32>, Value) {
    let (code, stdout, _) = run(args, true);
    (code, serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}")))
}

const SP: &str = "metadata/identity-center-sp.xml";
const VALID: &str = "policy/identity-center-idp-initiated.xml";

#[test]
fn accepted_json_has_the_email_and_the_tags() {
    let (code, v) = json(&args("identity-center", &["--sp-metadata", &fixture(SP)], VALID));
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["valid"], true);
    assert_eq!(v["profile"], "identity-center");
    assert_eq!(v["name_id"], "alice@example.com");
    assert_eq!(v["email"], "alice@example.com");
    assert_eq!(v["audience"], ENTITY);
    assert_eq!(v["access_control_tags"]["Department"], "Engineering");
    assert_eq!(v["access_control_tags"]["CostCenter"], "1234");
    assert_eq!(v["attributes"]["https://aws.amazon.com/SAML/Attributes/AccessControl:CostCenter"][0], "1234");
}

#[test]
fn accepted_text_lists_the_tags() {
    let (code, stdout, _) = run(&args("identity-center", &["--sp-metadata", &fixture(SP)], VALID), false);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.starts_with("ACCEPTED (identity-center profile)"), "{stdout}");
    assert!(stdout.contains("abac tags (2)"), "{stdout}");
    assert!(stdout.contains("Department=Engineering"), "{stdout}");
    // Reported as claims, not again under the other attributes.
    assert_eq!(stdout.matches("AccessControl:Department").count(), 0, "{stdout}");
}

#[test]
fn identity_center_needs_sp_metadata() {
    let (code, v) = json(&args("identity-center", &[], VALID));
    assert_eq!(code, Some(2));
    assert_eq!(v["error"]["kind"], "usage_error");
    assert!(v["error"]["message"].as_str().unwrap().contains("--sp-metadata"), "{v}");
}

#[test]
fn client_vpn_takes_no_sp_metadata() {
    let (code, v) = json(&args("clientvpn", &["--sp-metadata", &fixture(SP)], "responses/clientvpn.xml"));
    assert_eq!(code, Some(2));
    assert_eq!(v["error"]["kind"], "usage_error");
}

#[test]
fn generic_takes_sp_metadata_instead_of_audience_and_acs_url() {
    let (code, v) = json(&args("generic", &["--sp-metadata", &fixture(SP)], VALID));
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["audience"], ENTITY);
    // --audience, when also given, replaces the metadata's.
    let (code, v) = json(&args(
        "generic",
        &["--sp-metadata", &fixture(SP), "--audience", "https://other.example.com"],
        VALID,
    ));
    assert_eq!(code, Some(1));
    assert_eq!(v["error"]["kind"], "audience_mismatch");
}

#[test]
fn configuration_errors_exit_2() {
    let (code, v) = json(&args("identity-center", &["--sp-metadata", &fixture("metadata/entra.xml")], VALID));
    assert_eq!(code, Some(2));
    assert_eq!(v["error"]["kind"], "no_sp_descriptor");
    assert!(v["error"]["message"].as_str().unwrap().contains("IDPSSODescriptor"), "{v}");

    let mut large = args("identity-center", &["--sp-metadata", &fixture(SP)], VALID);
    let at = large.iter().position(|a| a.ends_with("metadata/entra.xml")).unwrap();
    large[at] = fixture("metadata/entra-large.xml");
    let (code, v) = json(&large);
    assert_eq!(code, Some(2));
    assert_eq!(v["error"]["kind"], "idp_metadata_too_large");
    assert!(v["error"]["message"].as_str().unwrap().contains("75000"), "{v}");
}

#[test]
fn another_region_is_refused_with_the_part_that_differs() {
    let (code, stdout, _) = run(
        &args(
            "identity-center",
            &["--sp-metadata", &fixture(SP)],
            "policy/identity-center-audience-other-region.xml",
        ),
        false,
    );
    assert_eq!(code, Some(1));
    assert!(stdout.contains("another AWS Region, same instance ID"), "{stdout}");
    assert!(stdout.contains("--sp-metadata"), "the CLI's own hint names its flags: {stdout}");
}

#[test]
fn aws_console_takes_sp_metadata() {
    // The console response names AWS sign-in; the SP metadata replaced the
    // console's ACS URLs with Identity Center's.
    let (code, v) = json(&args("aws-console", &["--sp-metadata", &fixture(SP)], "responses/aws-console.xml"));
    assert_eq!(code, Some(1));
    assert_eq!(v["error"]["kind"], "destination_mismatch");
    let (code, v) = json(&args("aws-console", &[], "responses/aws-console.xml"));
    assert_eq!(code, Some(0), "{v}");
}
