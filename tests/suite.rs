//! The policy and adversarial suites (`testdata/cases.json`, fixtures signed
//! by xmlsec1 through `testdata/generate.sh`): every case through the library
//! and, with the `cli` feature, through the `samlguard verify` binary. Each
//! case records its expected verdict and error kind; for comment/CDATA/PI
//! splitting, acceptance is allowed only with the full signed text.

mod common;

use std::collections::BTreeMap;

use samlguard::crypto::{Algorithms, PublicKey};
use samlguard::trust::{ConfigError, IdpTrust, MetadataOptions, SpMetadata};
use samlguard::{AwsConsole, ClientVpn, Context, Generic, IdentityCenter, Policy};

const ISSUER: &str = "https://sts.windows.net/6f2a1c1e-0000-4000-8000-5a4d1e2f3a4b/";

fn cases() -> Vec<serde_json::Value> {
    serde_json::from_slice(&common::testdata("cases.json")).expect("cases.json")
}

fn text(case: &serde_json::Value, key: &str) -> Option<String> {
    case[key].as_str().map(str::to_string)
}

fn strings(case: &serde_json::Value, key: &str) -> Vec<String> {
    case[key].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string)).collect()
}

/// The input bytes: the fixture, or the DoS input its recipe describes.
fn input(case: &serde_json::Value) -> Vec<u8> {
    let bytes = common::testdata(case["file"].as_str().unwrap());
    if case["generated"] != true {
        return bytes;
    }
    let original = String::from_utf8(bytes).expect("generated cases start from a UTF-8 fixture");
    let description = case["description"].as_str().unwrap();
    let before_status =
        |insert: String| original.replacen("<samlp:Status>", &format!("{insert}<samlp:Status>"), 1);
    let declarations = |n: usize| {
        let decls: String = (0..n).map(|i| format!(" xmlns:n{i}=\"urn:n:{i}\"")).collect();
        original.replacen("<samlp:Response", &format!("<samlp:Response{decls}"), 1)
    };
    let pad_to = |len: usize| format!("{original}{}", " ".repeat(len.saturating_sub(original.len())));
    let generated = match description {
        d if d.starts_with("10,000-deep nesting") => {
            before_status(format!("{}{}", "<x>".repeat(10_000), "</x>".repeat(10_000)))
        }
        d if d.starts_with("100,000 namespace declarations") => declarations(100_000),
        d if d.starts_with("5,000 namespace declarations on 5,000 elements") => before_status(format!(
            "<samlp:Extensions>{}</samlp:Extensions>",
            "<x xmlns:n=\"urn:n\"/>".repeat(5_000)
        )),
        d if d.starts_with("5,000 ds:Signature elements") => before_status(format!(
            "<samlp:Extensions xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">{}</samlp:Extensions>",
            "<ds:Signature/>".repeat(5_000)
        )),
        d if d.starts_with("100,001 elements") => {
            before_status(format!("<samlp:Extensions>{}</samlp:Extensions>", "<x/>".repeat(100_001)))
        }
        d if d.starts_with("10 MiB input") => format!("{original}{}", " ".repeat(10 * 1024 * 1024)),
        d if d.starts_with("XML over Client VPN's 128 KiB") => pad_to(131_073),
        d if d.starts_with("XML over the AWS console's") => pad_to(75_001),
        other => panic!("no generator for {other:?} (recipe {})", case["recipe"]),
    };
    generated.into_bytes()
}

fn metadata_options(case: &serde_json::Value) -> MetadataOptions {
    let mut options = MetadataOptions::default();
    if let Some(signer) = case["metadata_signer"].as_str() {
        options = options.with_signing_keys(PublicKey::from_pem(&common::testdata(signer)).unwrap());
    }
    options
}

/// The SP metadata a case configures audience and ACS from, when it has one.
fn sp_metadata(case: &serde_json::Value) -> Result<Option<SpMetadata>, ConfigError> {
    case["sp_metadata"].as_str().map(|path| SpMetadata::from_xml(&common::testdata(path))).transpose()
}

fn trust(case: &serde_json::Value) -> Result<IdpTrust, ConfigError> {
    let path = case["trust"].as_str().unwrap();
    let bytes = common::testdata(path);
    if path.ends_with(".xml") {
        IdpTrust::from_metadata(&bytes, &metadata_options(case))
    } else {
        IdpTrust::from_pem(text(case, "entity_id").unwrap_or_else(|| ISSUER.to_string()), &bytes)
    }
}

/// What a validation reported: the verdict, and on acceptance every reported
/// value (NameID first).
type Outcome = Result<Vec<String>, &'static str>;

fn validate(case: &serde_json::Value) -> Outcome {
    // Identity Center is built from the metadata bytes: the profile's own
    // configuration checks (the IdP metadata's size) run there.
    let identity_center = match case["profile"].as_str() {
        Some("identity-center") if case["trust"].as_str().is_some_and(|t| t.ends_with(".xml")) => Some(
            Policy::<IdentityCenter>::from_metadata(
                &common::testdata(case["trust"].as_str().unwrap()),
                &metadata_options(case),
                &common::testdata(
                    case["sp_metadata"].as_str().expect("identity-center cases name their SP metadata"),
                ),
            )
            .map_err(|e| e.kind().as_str())?,
        ),
        _ => None,
    };
    let sp = sp_metadata(case).map_err(|e| e.kind().as_str())?;
    let trust = trust(case).map_err(|e| e.kind().as_str())?;
    let algorithms = if case["allow_sha1"] == true { Algorithms::ALLOW_SHA1 } else { Algorithms::STRICT };
    let now = case["now"].as_str().unwrap_or("2026-01-15T10:01:00Z").parse().unwrap();
    // Like the CLI: without a request ID, InResponseTo is not matched (and
    // Client VPN, SP-initiated only, must be told so explicitly).
    let context = match case["request_id"].as_str() {
        Some(id) => Context::new(now).expecting_request(id),
        None => Context::new(now).accepting_unsolicited(),
    };
    let bytes = input(case);
    let times = if case["validate_twice"] == true { 2 } else { 1 };
    // NameID first, then whether the Response envelope was reported, then every attribute value.
    let values = |login: &samlguard::Login| -> Vec<String> {
        [login.name_id().to_string(), format!("envelope={}", login.envelope().is_some())]
            .into_iter()
            .chain(login.assertion().attributes.iter().flat_map(|a| a.values.iter().map(str::to_string)))
            .collect()
    };
    let mut last = Err("never ran");
    match case["profile"].as_str().unwrap() {
        "clientvpn" => {
            let policy = Policy::<ClientVpn>::new(trust).with_algorithms(algorithms);
            for _ in 0..times {
                last = policy.validate(&bytes, &context).map(|l| values(&l)).map_err(|e| e.kind().as_str());
            }
        }
        "aws-console" => {
            let policy = Policy::<AwsConsole>::new(trust).with_algorithms(algorithms);
            let policy = match &sp {
                Some(sp) => policy.with_sp_metadata(sp),
                None => policy,
            };
            for _ in 0..times {
                last = policy.validate(&bytes, &context).map(|l| values(&l)).map_err(|e| e.kind().as_str());
            }
        }
        "identity-center" => {
            let policy = match (identity_center, &sp) {
                (Some(policy), _) => policy,
                (None, Some(sp)) => Policy::<IdentityCenter>::new(trust, sp),
                (None, None) => panic!("identity-center cases name their SP metadata"),
            }
            .with_algorithms(algorithms);
            for _ in 0..times {
                last = policy.validate(&bytes, &context).map(|l| values(&l)).map_err(|e| e.kind().as_str());
            }
        }
        "generic" => {
            let policy = match &sp {
                Some(sp) => Policy::<Generic>::from_sp_metadata(trust, sp),
                None => Policy::<Generic>::new(trust, strings(case, "audiences"), strings(case, "acs_urls")),
            }
            .with_algorithms(algorithms);
            for _ in 0..times {
                last = policy.validate(&bytes, &context).map(|l| values(&l)).map_err(|e| e.kind().as_str());
            }
        }
        other => panic!("unknown profile {other}"),
    }
    last
}

/// Compares an outcome with the case's expectation; `None` when it matches.
/// With the `xmlenc` feature a case may expect otherwise (`expect_xmlenc`).
fn judge(case: &serde_json::Value, outcome: &Outcome) -> Option<String> {
    let expected = case["expect_xmlenc"].as_str().filter(|_| cfg!(feature = "xmlenc"));
    let expected = expected.unwrap_or_else(|| case["expect"].as_str().unwrap());
    let forbidden = strings(case, "forbidden_values");
    match outcome {
        Ok(values) => {
            if let Some(v) = values.iter().find(|v| forbidden.contains(v)) {
                return Some(format!("reported the forbidden value {v:?}"));
            }
            if expected != "valid" {
                return Some(format!("accepted, expected {expected}"));
            }
            match text(case, "expect_name_id") {
                Some(name_id) if values[0] != name_id => {
                    Some(format!("NameID {:?}, expected {name_id:?}", values[0]))
                }
                _ => None,
            }
        }
        Err(kind) if *kind == expected => None,
        // Splitting attacks may also be refused: what must never happen is
        // the truncated value coming out.
        Err(_) if expected == "valid" && !forbidden.is_empty() => None,
        Err(kind) => Some(format!("refused with {kind}, expected {expected}")),
    }
}

#[test]
fn every_case_through_the_library() {
    let cases = cases();
    let mut failures = Vec::new();
    let mut per_class: BTreeMap<String, usize> = BTreeMap::new();
    let mut per_kind: BTreeMap<String, usize> = BTreeMap::new();
    for case in &cases {
        let outcome = validate(case);
        *per_class.entry(format!("{} {}", case["suite"].as_str().unwrap(), case["class"])).or_default() += 1;
        *per_kind.entry(outcome.as_ref().map_or_else(|k| k.to_string(), |_| "valid".into())).or_default() +=
            1;
        if let Some(problem) = judge(case, &outcome) {
            failures.push(format!(
                "{} ({}): {problem}",
                case["file"].as_str().unwrap(),
                case["description"].as_str().unwrap()
            ));
        }
    }
    eprintln!("{} cases; per class: {per_class:?}\noutcomes: {per_kind:?}", cases.len());
    // Every attack class of the manual's attacks chapter has at least one case.
    for class in 1..=37 {
        assert!(per_class.contains_key(&format!("attack {class}")), "no case for attack class {class}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[cfg(feature = "cli")]
#[test]
fn every_case_through_the_cli() {
    let cases = cases();
    let mut failures = Vec::new();
    let mut ran = 0;
    let dir = std::env::temp_dir().join(format!("samlguard-suite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (index, case) in cases.iter().enumerate() {
        // One process is one Policy, so replays cannot be shown through the
        // CLI; nor can a metadata-signing certificate be given to it.
        if case["validate_twice"] == true || case["metadata_signer"].is_string() {
            continue;
        }
        let path = dir.join(format!("case-{index}.xml"));
        std::fs::write(&path, input(case)).unwrap();
        let trust = case["trust"].as_str().unwrap();
        let mut args: Vec<std::ffi::OsString> =
            ["verify", "--profile", case["profile"].as_str().unwrap(), "--format", "json"]
                .into_iter()
                .map(Into::into)
                .collect();
        let mut flag = |name: &str, value: std::ffi::OsString| {
            args.push(name.into());
            args.push(value);
        };
        if trust.ends_with(".xml") {
            flag("--idp-metadata", common::testdata_path(trust).into());
        } else {
            flag("--idp-cert", common::testdata_path(trust).into());
            flag("--idp-entity-id", case["entity_id"].as_str().unwrap_or(ISSUER).into());
        }
        flag("--now", case["now"].as_str().unwrap_or("2026-01-15T10:01:00Z").into());
        if let Some(id) = case["request_id"].as_str() {
            flag("--in-response-to", id.into());
        }
        for audience in strings(case, "audiences") {
            flag("--audience", audience.into());
        }
        for url in strings(case, "acs_urls") {
            flag("--acs-url", url.into());
        }
        if let Some(sp) = case["sp_metadata"].as_str() {
            flag("--sp-metadata", common::testdata_path(sp).into());
        }
        if case["allow_sha1"] == true {
            args.push("--allow-sha1".into());
        }
        args.push(path.clone().into());
        let output = common::samlguard(&args, None);
        ran += 1;
        let json: serde_json::Value = match serde_json::from_slice(&output.stdout) {
            Ok(json) => json,
            Err(e) => {
                failures.push(format!("{}: no JSON on stdout ({e})", case["description"]));
                continue;
            }
        };
        let outcome: Outcome = if json["valid"] == true {
            // The CLI does not report the envelope: no marker to compare.
            let mut values =
                vec![json["name_id"].as_str().unwrap_or_default().to_string(), "envelope=?".to_string()];
            for list in json["attributes"].as_object().into_iter().flat_map(|m| m.values()) {
                values.extend(
                    list.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string)),
                );
            }
            Ok(values)
        } else {
            Err(Box::leak(json["error"]["kind"].as_str().unwrap_or("?").to_string().into_boxed_str()))
        };
        let code = output.status.code();
        let expected_code = match &outcome {
            Ok(_) => 0,
            Err(_) if case["stage"] == "config" => 2,
            Err(_) => 1,
        };
        if code != Some(expected_code) {
            failures.push(format!("{}: exit {code:?}, expected {expected_code}", case["description"]));
        }
        if let Some(problem) = judge(case, &outcome) {
            failures.push(format!(
                "{} ({}): {problem}",
                case["file"].as_str().unwrap(),
                case["description"].as_str().unwrap()
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("{ran} cases through the CLI");
    assert!(failures.is_empty(), "{} CLI cases failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn replay_error_names_the_assertion_id() {
    let policy = Policy::<AwsConsole>::new(common::entra_trust());
    let context = Context::new("2026-01-15T10:01:00Z".parse().unwrap());
    let response = common::testdata("responses/aws-console.xml");
    policy.validate(&response, &context).unwrap();
    let replay = policy.validate(&response, &context).unwrap_err();
    assert_eq!(replay.kind(), "replayed_assertion");
    assert_eq!(replay.to_string(), "assertion \"_a8f3e6d21-0c4b-4a97-b5e8-6d7c1f2a3b4c\" was already used");
}
