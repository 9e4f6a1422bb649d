//! `samlguard verify --authorization-rules FILE --destination IP`: what AWS
//! Client VPN lets a verified login reach, through the binary.
#![cfg(feature = "cli")]

mod common;

use common::{samlguard, stderr};
use serde_json::Value;

const NOW: &str = "2026-01-15T10:01:00Z";
const ENGINEERING: &str = "a0783c06-a6c7-4cfe-b3f5-aec5cc0e2258";

fn path(rel: &str) -> String {
    common::testdata_path(rel).to_str().unwrap().to_owned()
}

/// `verify --profile clientvpn` of the bundled response with the bundled rules.
fn args(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> =
        ["verify", "--profile", "clientvpn", "--idp-metadata"].map(String::from).into();
    args.push(path("metadata/entra.xml"));
    args.extend(["--now", NOW, "--authorization-rules"].map(String::from));
    args.push(path("authorization/rules.json"));
    args.extend(extra.iter().map(|s| s.to_string()));
    args.push(path("responses/clientvpn.xml"));
    args
}

fn json(args: &[String], code: i32) -> Value {
    let out = samlguard(args, None);
    assert_eq!(out.status.code(), Some(code), "{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn an_allowed_destination_names_the_granting_rule() {
    let v = json(&args(&["--destination", "10.1.9.9", "--format", "json"]), 0);
    assert_eq!(v["valid"], true);
    let entry = &v["authorization"][0];
    assert_eq!(entry["destination"], "10.1.9.9");
    assert_eq!(entry["allowed"], true);
    assert_eq!(entry["rule"]["destination_cidr"], "10.1.0.0/16");
    assert_eq!(entry["rule"]["group_id"], ENGINEERING);
    assert_eq!(entry["rule"]["access_all"], false);
}

#[test]
fn a_denied_destination_exits_1_and_says_why() {
    // 10.1.2.0/24 is more specific than the engineering /16 and the default route.
    let v = json(&args(&["--destination", "10.1.2.3", "--destination", "10.1.9.9", "--format", "json"]), 1);
    assert_eq!(v["valid"], true, "the login itself is valid");
    let denied = &v["authorization"][0];
    assert_eq!(denied["allowed"], false);
    assert!(denied["rule"].is_null());
    let reason = denied["reason"].as_str().unwrap();
    assert!(reason.contains("decided by 10.1.2.0/24"), "{reason}");
    assert!(reason.ends_with("10.1.0.0/16 and 0.0.0.0/0 would allow but are less specific"), "{reason}");
    assert_eq!(v["authorization"][1]["allowed"], true);
}

#[test]
fn the_text_report_lists_what_the_user_can_reach() {
    let out = samlguard(&args(&["--destination", "10.1.2.3"]), None);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("AUTHORIZATION"), "{text}");
    assert!(text.contains("10.1.2.3       denied: 10.1.2.3 is decided by 10.1.2.0/24"), "{text}");
    assert!(text.contains("can reach (2)  0.0.0.0/0 via AuthorizationRules[2]"), "{text}");
    assert!(text.contains("10.1.0.0/16 via AuthorizationRules[0]"), "{text}");
    assert!(text.contains("except 10.1.2.0/24"), "{text}");
}

#[test]
fn rules_without_destinations_list_the_reachable_networks() {
    let v = json(&args(&["--format", "json"]), 0);
    assert_eq!(v["authorization"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["reachable"][1]["destination_cidr"], "10.1.0.0/16");
    assert_eq!(v["reachable"][1]["except"][0], "10.1.2.0/24");
}

#[test]
fn usage_and_configuration_errors_exit_2() {
    // --destination without rules.
    let mut no_rules: Vec<String> =
        ["verify", "--profile", "clientvpn", "--idp-metadata"].map(String::from).into();
    no_rules.push(path("metadata/entra.xml"));
    no_rules.extend(["--now", NOW, "--destination", "10.0.0.1", "--format", "json"].map(String::from));
    no_rules.push(path("responses/clientvpn.xml"));
    assert_eq!(json(&no_rules, 2)["error"]["kind"], "usage_error");
    // A destination that is not an address.
    let out = samlguard(&args(&["--destination", "10.0.0.300"]), None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // Rules for another profile.
    let mut console = args(&["--format", "json"]);
    console[2] = "aws-console".into();
    assert_eq!(json(&console, 2)["error"]["kind"], "usage_error");
    // A rules file that is not the AWS output.
    let bad = common::temp_file("rules", br#"{"AuthorizationRules": [{"DestinationCidr": "10.1.2.3/16"}]}"#);
    let mut bad_rules = args(&["--format", "json"]);
    let file = bad_rules.iter().position(|a| a == "--authorization-rules").unwrap() + 1;
    bad_rules[file] = bad.to_str().unwrap().into();
    let kind = json(&bad_rules, 2)["error"]["kind"].as_str().unwrap().to_owned();
    assert!(kind.starts_with("authorization_rules_"), "{kind}");
}
