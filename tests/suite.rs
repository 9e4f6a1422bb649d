//! The policy and adversarial suites (`testdata/cases.json`, fixtures signed
//! by xmlsec1 through `testdata/generate.sh`): every case through the library
//! and, with the `cli` feature, through the `samlguard verify` binary. Each
//! case records its expected verdict and error kind; for comment/CDATA/PI
//! splitting, acceptance is allowed only with the full signed text.
//!
//! A `harness = false` test (libtest-mimic): one named trial per case and
//! route, `library::<name>` and `cli::<name>`, so `cargo test xsw3` runs one
//! case both ways and `cargo test -- --list` shows them all. A name is the
//! case's class (`attack03`, or the policy class such as `time_window`) and
//! its file name; when several cases share both, the first words of the
//! description tell them apart (see [`case_names`]). The CLI route leaves
//! out only the replay cases (one process is one Policy).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;
use std::sync::Mutex;

use libtest_mimic::{Arguments, Failed, Trial};

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
/// value (NameID first); on refusal the error kind.
type Outcome = Result<Vec<String>, String>;

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
            .map_err(|e| e.kind().to_string())?,
        ),
        _ => None,
    };
    let sp = sp_metadata(case).map_err(|e| e.kind().to_string())?;
    let trust = trust(case).map_err(|e| e.kind().to_string())?;
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
    let mut last = Err("never ran".to_string());
    match case["profile"].as_str().unwrap() {
        "clientvpn" => {
            let policy = Policy::<ClientVpn>::new(trust).with_algorithms(algorithms);
            for _ in 0..times {
                last =
                    policy.validate(&bytes, &context).map(|l| values(&l)).map_err(|e| e.kind().to_string());
            }
        }
        "aws-console" => {
            let policy = Policy::<AwsConsole>::new(trust).with_algorithms(algorithms);
            let policy = match &sp {
                Some(sp) => policy.with_sp_metadata(sp),
                None => policy,
            };
            for _ in 0..times {
                last =
                    policy.validate(&bytes, &context).map(|l| values(&l)).map_err(|e| e.kind().to_string());
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
                last =
                    policy.validate(&bytes, &context).map(|l| values(&l)).map_err(|e| e.kind().to_string());
            }
        }
        "generic" => {
            let policy = match &sp {
                Some(sp) => Policy::<Generic>::from_sp_metadata(trust, sp),
                None => Policy::<Generic>::new(trust, strings(case, "audiences"), strings(case, "acs_urls")),
            }
            .with_algorithms(algorithms);
            for _ in 0..times {
                last =
                    policy.validate(&bytes, &context).map(|l| values(&l)).map_err(|e| e.kind().to_string());
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

// ---------------------------------------------------------------------------
// Trial names

/// Words that say little in a name; dropped from description variants.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "is", "it", "its", "of", "on", "one",
    "or", "s", "same", "still", "the", "then", "to", "with",
];

/// Lower-case snake_case words of `text`: split on anything but ASCII
/// letters and digits, and at camelCase humps (`NotOnOrAfter` gives
/// `not_on_or_after`); digits grouped by `:` or `,` stay one word
/// (`10:03:00Z` gives `100300`, `10,000` gives `10000`).
fn words(text: &str, drop_stop_words: bool) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut joined = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let between_digits = |i: usize| {
            i > 0 && chars[i - 1].is_ascii_digit() && chars.get(i + 1).is_some_and(char::is_ascii_digit)
        };
        let time_zone = c == 'Z'
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && !chars.get(i + 1).is_some_and(char::is_ascii_alphanumeric);
        if (matches!(c, ':' | ',') && between_digits(i)) || time_zone {
            continue;
        }
        joined.push(c);
    }
    joined
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|token| !token.is_empty())
        .filter(|token| !drop_stop_words || !STOP_WORDS.contains(&token.to_ascii_lowercase().as_str()))
        .map(|token| {
            let token: Vec<char> = token.chars().collect();
            let mut word = String::new();
            for (i, &c) in token.iter().enumerate() {
                let hump = c.is_ascii_uppercase()
                    && i > 0
                    && (token[i - 1].is_ascii_lowercase() || token[i - 1].is_ascii_digit())
                    && token.get(i + 1).is_some_and(char::is_ascii_lowercase);
                if hump {
                    word.push('_');
                }
                word.push(c.to_ascii_lowercase());
            }
            word
        })
        .collect()
}

/// The class part of a name: `attack03` for attack class 3 (two digits, so
/// `attack03` does not also select `attack30`..`attack37`), or the policy
/// class itself (`time_window`).
fn class_name(case: &serde_json::Value) -> String {
    match &case["class"] {
        serde_json::Value::Number(n) => format!("attack{:02}", n.as_u64().expect("attack class number")),
        serde_json::Value::String(s) => words(s, false).join("_"),
        other => panic!("class {other} is neither a number nor a name"),
    }
}

/// One unique snake_case name per case: `<class>_<file stem>`, plus the
/// first five words of the description (stop words left out) when other
/// cases share the class and the file. Panics, failing the whole test
/// binary, when two cases still get the same name.
fn case_names(cases: &[serde_json::Value]) -> Vec<String> {
    let key = |case: &serde_json::Value| (class_name(case), case["file"].as_str().unwrap().to_string());
    let mut sharing: BTreeMap<(String, String), usize> = BTreeMap::new();
    for case in cases {
        *sharing.entry(key(case)).or_default() += 1;
    }
    let names: Vec<String> = cases
        .iter()
        .map(|case| {
            let (class, file) = key(case);
            let stem = std::path::Path::new(&file).file_stem().unwrap().to_string_lossy().into_owned();
            let mut name = format!("{class}_{}", words(&stem, false).join("_"));
            if sharing[&(class, file)] > 1 {
                let variant = words(case["description"].as_str().unwrap(), true);
                name = format!("{name}_{}", variant[..variant.len().min(5)].join("_"));
            }
            name
        })
        .collect();
    let mut seen = BTreeSet::new();
    let duplicates: Vec<&String> = names.iter().filter(|n| !seen.insert(n.as_str())).collect();
    assert!(duplicates.is_empty(), "cases.json gives several cases the same trial name: {duplicates:?}");
    names
}

fn describe(case: &serde_json::Value, problem: &str) -> Failed {
    format!("{} ({}): {problem}", case["file"].as_str().unwrap(), case["description"].as_str().unwrap())
        .into()
}

// ---------------------------------------------------------------------------
// Routes

/// Outcome kinds seen by the library trials, printed after the run.
static OUTCOMES: Mutex<BTreeMap<String, usize>> = Mutex::new(BTreeMap::new());

fn through_the_library(case: &serde_json::Value) -> Result<(), Failed> {
    let outcome = validate(case);
    let kind = outcome.as_ref().map_or_else(Clone::clone, |_| "valid".to_string());
    *OUTCOMES.lock().unwrap_or_else(std::sync::PoisonError::into_inner).entry(kind).or_default() += 1;
    if let Some(problem) = judge(case, &outcome) {
        return Err(describe(case, &problem));
    }
    // Only the library says whether the envelope was reported.
    if let (Some(expected), Ok(values)) = (case["expect_envelope"].as_bool(), &outcome)
        && values[1] != format!("envelope={expected}")
    {
        return Err(describe(case, &format!("{}, expected envelope={expected}", values[1])));
    }
    Ok(())
}

/// Whether the case can go through the CLI: one process is one Policy, so
/// replays cannot be shown through it.
fn cli_can_run(case: &serde_json::Value) -> bool {
    case["validate_twice"] != true
}

/// Scratch directory for the CLI's input files, removed after the run.
fn scratch_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("samlguard-suite-{}", std::process::id()))
}

#[cfg(feature = "cli")]
fn through_the_cli(name: &str, case: &serde_json::Value) -> Result<(), Failed> {
    let path = scratch_dir().join(format!("{name}.xml"));
    std::fs::create_dir_all(scratch_dir()).unwrap();
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
        if let Some(signer) = case["metadata_signer"].as_str() {
            flag("--metadata-signer", common::testdata_path(signer).into());
        }
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
    let _ = std::fs::remove_file(&path);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| describe(case, &format!("no JSON on stdout ({e})")))?;
    let outcome: Outcome = if json["valid"] == true {
        // The CLI does not report the envelope: no marker to compare.
        let mut values =
            vec![json["name_id"].as_str().unwrap_or_default().to_string(), "envelope=?".to_string()];
        for list in json["attributes"].as_object().into_iter().flat_map(|m| m.values()) {
            values
                .extend(list.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string)));
        }
        Ok(values)
    } else {
        Err(json["error"]["kind"].as_str().unwrap_or("?").to_string())
    };
    let mut problems = Vec::new();
    let code = output.status.code();
    let expected_code = match &outcome {
        Ok(_) => 0,
        Err(_) if case["stage"] == "config" => 2,
        Err(_) => 1,
    };
    if code != Some(expected_code) {
        problems.push(format!("exit {code:?}, expected {expected_code}"));
    }
    problems.extend(judge(case, &outcome));
    if problems.is_empty() { Ok(()) } else { Err(describe(case, &problems.join("; "))) }
}

// ---------------------------------------------------------------------------
// Whole-suite checks

/// Every attack class of the manual's attacks chapter has at least one case.
fn every_attack_class_has_a_case(cases: &[serde_json::Value]) -> Result<(), Failed> {
    let classes: BTreeSet<u64> =
        cases.iter().filter(|c| c["suite"] == "attack").filter_map(|c| c["class"].as_u64()).collect();
    let missing: Vec<u64> = (1..=37).filter(|class| !classes.contains(class)).collect();
    if missing.is_empty() { Ok(()) } else { Err(format!("no case for attack classes {missing:?}").into()) }
}

fn replay_error_names_the_assertion_id() {
    let policy = Policy::<AwsConsole>::new(common::entra_trust());
    let context = Context::new("2026-01-15T10:01:00Z".parse().unwrap());
    let response = common::testdata("responses/aws-console.xml");
    policy.validate(&response, &context).unwrap();
    let replay = policy.validate(&response, &context).unwrap_err();
    assert_eq!(replay.kind(), "replayed_assertion");
    assert_eq!(replay.to_string(), "assertion \"_a8f3e6d21-0c4b-4a97-b5e8-6d7c1f2a3b4c\" was already used");
}

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let cases = cases();
    let names = case_names(&cases);
    let mut trials = Vec::new();
    let all = cases.clone();
    trials.push(Trial::test("cases::every_attack_class_has_a_case", move || {
        every_attack_class_has_a_case(&all)
    }));
    trials.push(Trial::test("library::replay_error_names_the_assertion_id", || {
        replay_error_names_the_assertion_id();
        Ok(())
    }));
    for (case, name) in cases.iter().zip(&names) {
        let case = case.clone();
        trials.push(Trial::test(format!("library::{name}"), move || through_the_library(&case)));
    }
    // The CLI route skips only the cases that need one Policy for two
    // validations.
    let cli_cases = cases.iter().filter(|c| cli_can_run(c)).count();
    let replays = cases.iter().filter(|c| c["validate_twice"] == true).count();
    assert_eq!(cli_cases + replays, cases.len());
    #[cfg(feature = "cli")]
    {
        for (case, name) in cases.iter().zip(&names).filter(|(c, _)| cli_can_run(c)) {
            let (case, name) = (case.clone(), name.clone());
            trials.push(Trial::test(format!("cli::{name}"), move || through_the_cli(&name, &case)));
        }
        if !args.list {
            eprintln!("{} cases through the library, {cli_cases} cases through the CLI", cases.len());
        }
    }
    #[cfg(not(feature = "cli"))]
    if !args.list {
        eprintln!(
            "{} cases through the library; the CLI route ({cli_cases} cases) needs `--features cli`",
            cases.len()
        );
    }
    let conclusion = libtest_mimic::run(&args, trials);
    let _ = std::fs::remove_dir_all(scratch_dir());
    let outcomes = OUTCOMES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if !outcomes.is_empty() {
        eprintln!("library outcomes: {outcomes:?}");
    }
    conclusion.exit_code()
}
