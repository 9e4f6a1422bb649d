//! What reaches the operator's terminal: received text never raw (responses,
//! HAR and SAML-tracer exports, metadata), colour only on a terminal and
//! never with NO_COLOR (checked in a real terminal with tmux), the accepted
//! report's signatures and skipped checks.
#![cfg(feature = "cli")]

mod common;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{samlguard, stderr};
use serde_json::{Value, json};

const NOW: &str = "2026-01-15T10:01:00Z";
const VPN_REQUEST: &str = "id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c";

/// Characters that must never reach a terminal as they are: a bidi
/// override, a word joiner (invisible), ESC and the 8-bit CSI.
const FORBIDDEN: [char; 4] = ['\u{202e}', '\u{2060}', '\u{1b}', '\u{9b}'];
/// Received text with all of them, a fake terminal colour and a newline
/// that would forge a line of the report.
const NASTY: &str = "\u{202e}moc.elpmaxe\u{2060}\u{1b}[31mRED\u{9b}0m\nACCEPTED forged";
/// The same in XML (ESC is not allowed there, even as a reference; the
/// 8-bit CSI is).
const NASTY_XML: &str = "&#x202e;moc.elpmaxe&#x2060;&#x9b;31mRED&#x9b;0m&#10;ACCEPTED forged";

fn path(rel: &str) -> String {
    common::testdata_path(rel).to_str().unwrap().to_owned()
}

fn temp(contents: &[u8]) -> String {
    common::temp_file("cli-output", contents).to_str().unwrap().to_owned()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// Fails when any received character or forged line shows in `out`.
fn assert_nothing_raw(what: &str, out: &Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        for c in FORBIDDEN {
            assert!(!text.contains(c), "{what}: {stream} holds {c:?} raw:\n{text}");
        }
        assert!(
            !text.lines().any(|l| l.starts_with("ACCEPTED forged")),
            "{what}: {stream} forged a line:\n{text}"
        );
        assert!(!text.contains("panicked"), "{what}: {text}");
    }
}

/// clientvpn.xml with received text planted where the CLI shows it.
fn nasty_response() -> String {
    let xml = String::from_utf8(common::testdata("responses/clientvpn.xml")).unwrap();
    let xml = xml.replacen(
        "Destination=\"http://127.0.0.1:35001\"",
        &format!("Destination=\"http://127.0.0.1:35001/{NASTY_XML}\""),
        1,
    );
    let xml = xml.replacen(">alice@example.com<", &format!(">alice{NASTY_XML}@example.com<"), 1);
    let xml = xml.replacen(">Alice<", &format!(">{NASTY_XML}<"), 1);
    // The Assertion's SignatureMethod: refused with the URI in the message.
    let method = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    let last = xml.rfind(method).unwrap();
    format!("{}urn:x:{NASTY_XML}{}", &xml[..last], &xml[last + method.len()..])
}

fn verify_args(profile: &str, metadata: &str, extra: &[&str], input: &str) -> Vec<String> {
    let mut args = strings(&["verify", "--profile", profile, "--idp-metadata", metadata, "--now", NOW]);
    args.extend(strings(extra));
    args.push(input.to_owned());
    args
}

fn every_format(what: &str, args: Vec<String>) {
    let out = samlguard(&args, None);
    assert_nothing_raw(what, &out);
    let mut json_args = args;
    json_args.splice(1..1, strings(&["--format", "json"]));
    let out = samlguard(&json_args, None);
    assert_nothing_raw(&format!("{what} (json)"), &out);
    assert!(out.stdout.is_ascii(), "{what}: JSON is ASCII");
}

#[test]
fn a_response_never_reaches_the_terminal_raw() {
    let response = temp(nasty_response().as_bytes());
    let entra = path("metadata/entra.xml");
    every_format("verify", verify_args("clientvpn", &entra, &[], &response));
    let out = samlguard(&strings(&["inspect", &response]), None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_nothing_raw("inspect", &out);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(r"\u{202e}moc.elpmaxe\u{2060}\u{9b}31mRED\u{9b}0m\nACCEPTED forged"), "{text}");
    // The refusal names the algorithm, escaped.
    let out = samlguard(&verify_args("clientvpn", &entra, &["--format", "json"], &response), None);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "unsupported_algorithm", "{v}");
}

#[test]
fn exports_never_reach_the_terminal_raw() {
    let body = format!("SAMLResponse={}", common::form_encode(&base64_of(nasty_response().as_bytes())));
    let good = format!(
        "SAMLResponse={}",
        common::form_encode(&base64_of(&common::testdata("responses/clientvpn.xml")))
    );
    let har = json!({"log": {"entries": [
        {"startedDateTime": NASTY, "request": {"method": "POST", "url": format!("https://a/{NASTY}"), "postData": {"text": good}}},
        {"startedDateTime": "2026-01-15T10:00:00Z", "request": {"method": "POST", "url": format!("https://b/{NASTY}"), "postData": {"text": body}}},
        {"request": {"method": "POST", "url": NASTY, "postData": {"text": NASTY}}}
    ]}});
    let har = temp(har.to_string().as_bytes());
    let entra = path("metadata/entra.xml");
    every_format("verify HAR", verify_args("clientvpn", &entra, &[], &har));
    every_format("verify HAR --pick 1", verify_args("clientvpn", &entra, &["--pick", "1"], &har));
    every_format("verify HAR --pick 9", verify_args("clientvpn", &entra, &["--pick", "9"], &har));
    for args in [vec!["inspect", har.as_str()], vec!["inspect", "--pick", "1", har.as_str()]] {
        let out = samlguard(&args, None);
        assert_nothing_raw("inspect HAR", &out);
    }
    let tracer = json!({"requests": [
        {"method": "POST", "url": format!("https://t/{NASTY}"), "post": [["SAMLResponse", base64_of(nasty_response().as_bytes())]]}
    ]});
    every_format(
        "verify SAML-tracer",
        verify_args("clientvpn", &entra, &[], &temp(tracer.to_string().as_bytes())),
    );
    // serde_json's own messages quote what they did not expect.
    let broken = format!(
        "{{\"log\": {{\"entries\": \"{}\"}}}}",
        NASTY.replace('\n', "\\n").replace('\u{1b}', "\\u001b")
    );
    every_format("broken HAR", verify_args("clientvpn", &entra, &[], &temp(broken.as_bytes())));
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn metadata_never_reaches_the_terminal_raw() {
    let xml = String::from_utf8(common::testdata("metadata/entra-unsigned.xml")).unwrap();
    let issuer = "https://sts.windows.net/6f2a1c1e-0000-4000-8000-5a4d1e2f3a4b/";
    let nasty = temp(xml.replace(issuer, &format!("{issuer}{NASTY_XML}")).as_bytes());
    for format in ["text", "json"] {
        let out = samlguard(&strings(&["metadata", "--now", NOW, "--format", format, &nasty]), None);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_nothing_raw("metadata", &out);
    }
    // JSON escapes the characters, it does not change them.
    let out =
        samlguard(&strings(&["metadata", "--now", "2045-02-01T00:00:00Z", "--format", "json", &nasty]), None);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let raw = NASTY.replace('\u{1b}', "\u{9b}").replacen("[31m", "31m", 1);
    assert_eq!(v["entities"][0]["entity_id"], format!("{issuer}{raw}"));
    // The entity ID becomes the expected Issuer: the refusal quotes it.
    every_format(
        "verify with the metadata",
        verify_args(
            "clientvpn",
            &nasty,
            &["--in-response-to", VPN_REQUEST],
            &path("responses/clientvpn.xml"),
        ),
    );
    let out = samlguard(&strings(&["explain", NASTY]), None);
    assert_eq!(out.status.code(), Some(2));
    assert_nothing_raw("explain", &out);
}

// ---------------------------------------------------------------------------
// The accepted report

#[test]
fn accepted_report_shows_signatures_and_skipped_checks() {
    let entra = path("metadata/entra.xml");
    let input = path("responses/clientvpn.xml");
    let out = samlguard(&verify_args("clientvpn", &entra, &[], &input), None);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for line in [
        "  signatures     Assertion: rsa-sha256, key CN=samlguard test IdP current (verified) SHA-1 C0DD51A0BF97754B88C6FCD7EBA6F896583C14C6\n",
        "                 Response: rsa-sha256, key CN=samlguard test IdP current (verified) SHA-1 C0DD51A0BF97754B88C6FCD7EBA6F896583C14C6\n",
        "  skipped checks in_response_to: InResponseTo not matched (no --in-response-to given)\n",
        "  valid          2026-01-15T09:55:00Z .. 2026-01-15T10:05:00Z (checked at 2026-01-15T10:01:00Z, skew 60 s)\n",
        "  authenticated  2026-01-15T09:59:58Z (urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport)\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    let out = samlguard(&verify_args("clientvpn", &entra, &["--format", "json"], &input), None);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let key = "0d45ffd7bfec979f0c7a2ef45626af5fbd170d09371509d3813484944e4b7e7c";
    assert_eq!(
        v["signatures"],
        json!([
            {"element": "Assertion", "algorithm": "rsa-sha256", "digest": "sha256", "key_sha256": key},
            {"element": "Response", "algorithm": "rsa-sha256", "digest": "sha256", "key_sha256": key},
        ])
    );
    assert_eq!(v["skipped_checks"], json!(["in_response_to"]));
    // With the request ID nothing is skipped.
    let out = samlguard(&verify_args("clientvpn", &entra, &["--in-response-to", VPN_REQUEST], &input), None);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("skipped checks"));
    let out = samlguard(
        &verify_args("clientvpn", &entra, &["--format", "json", "--in-response-to", VPN_REQUEST], &input),
        None,
    );
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap()["skipped_checks"], json!([]));
}

#[test]
fn pipes_get_no_colour() {
    // Not a terminal: plain text whatever NO_COLOR says.
    let entra = path("metadata/entra.xml");
    let out = Command::new(env!("CARGO_BIN_EXE_samlguard"))
        .args(verify_args("clientvpn", &entra, &[], &path("responses/aws-console.xml")))
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!out.stdout.contains(&0x1b) && !out.stderr.contains(&0x1b));
}

// ---------------------------------------------------------------------------
// A real terminal (tmux)

/// A private tmux server (its own socket), killed when dropped.
struct Tmux {
    socket: String,
    runs: std::cell::Cell<u32>,
}

impl Tmux {
    fn start() -> Option<Self> {
        if Command::new("tmux").arg("-V").output().is_err() {
            // CI installs tmux and sets this, so the test cannot vanish there.
            assert!(
                std::env::var_os("SAMLGUARD_REQUIRE_TOOLS").is_none(),
                "SAMLGUARD_REQUIRE_TOOLS is set but tmux is not installed"
            );
            eprintln!("colour_and_layout_in_a_terminal: skipped (tmux is not installed)");
            return None;
        }
        let tmux =
            Self { socket: format!("samlguard-test-{}", std::process::id()), runs: Default::default() };
        let out = tmux.run(&["new-session", "-d", "-s", "t", "-x", "200", "-y", "50", "env PS1='$ ' sh"]);
        assert!(out.status.success(), "tmux new-session: {}", stderr(&out));
        Some(tmux)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("tmux runs")
    }

    /// Types `command` in the pane and returns what the pane shows when it
    /// finished, with its escape sequences (`capture-pane -e`).
    fn show(&self, command: &str) -> String {
        // A marker of its own per run (typed split, so that the typed command
        // line never matches): the pane of the previous run is not this one.
        let run = self.runs.get() + 1;
        self.runs.set(run);
        let marker = format!("END{run}RUN");
        self.run(&["send-keys", "-t", "t", &format!("clear; {command}; echo END''{run}''RUN"), "Enter"]);
        let start = Instant::now();
        loop {
            let out = self.run(&["capture-pane", "-p", "-e", "-t", "t"]);
            let pane = String::from_utf8_lossy(&out.stdout).into_owned();
            if pane.lines().any(|l| strip(l).trim_end().ends_with(&marker)) {
                return pane;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "the command did not finish:\n{pane}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let socket = self.run(&["display-message", "-p", "#{socket_path}"]);
        self.run(&["kill-server"]);
        let socket = String::from_utf8_lossy(&socket.stdout);
        if socket.trim_end().ends_with(&self.socket) {
            let _ = std::fs::remove_file(socket.trim_end());
        }
    }
}

/// A line without its SGR escape sequences.
fn strip(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[test]
fn colour_and_layout_in_a_terminal() {
    let Some(tmux) = Tmux::start() else { return };
    let binary = shell_quote(env!("CARGO_BIN_EXE_samlguard"));
    let tampered = shell_quote(&path("dsig/tampered-assertion.xml"));
    let verify = format!(
        "{binary} verify --profile generic --idp-cert {} --idp-entity-id https://sts.windows.net/6f2a1c1e-0000-4000-8000-5a4d1e2f3a4b/ \
         --audience https://sp.example.com/metadata --acs-url https://sp.example.com/acs --now {NOW} {tampered}",
        shell_quote(&path("keys/idp.crt"))
    );

    // Colour on a terminal: the verdict and the hints are painted.
    let pane = tmux.show(&format!("env -u NO_COLOR TERM=xterm-256color {verify}"));
    let verdict = pane.lines().find(|l| strip(l).starts_with("REJECTED: digest_mismatch")).expect(&pane);
    assert!(verdict.contains("\u{1b}["), "no colour on the REJECTED line:\n{pane}");
    let fix = pane.lines().find(|l| strip(l).starts_with("fix: ")).expect(&pane);
    assert!(fix.contains("\u{1b}["), "no colour on the fix line:\n{pane}");
    // Layout: the diagnosis' values share one column, and the 200-column
    // pane wrapped nothing (every report line starts where it should).
    let lines: Vec<String> = pane.lines().map(strip).collect();
    for label in ["signed element", "DigestValue", "computed", "canonical bytes"] {
        let line = lines.iter().find(|l| l.starts_with(&format!("  {label} "))).expect(&pane);
        assert_eq!(line.find(|c: char| c != ' ').unwrap(), 2, "{line}");
        assert_eq!(
            line[2 + label.len()..].find(|c: char| c != ' ').unwrap() + 2 + label.len(),
            19,
            "{line:?}"
        );
    }
    assert!(lines.iter().any(|l| l.starts_with(
        "  canonical bytes  samlguard c14n --id _a8f3e6d21-0c4b-4a97-b5e8-6d7c1f2a3b4c --omit-signature "
    )));

    // NO_COLOR, set to anything (even empty): not one escape sequence.
    for value in ["1", ""] {
        let pane = tmux.show(&format!("NO_COLOR={value} TERM=xterm-256color {verify}"));
        assert!(pane.lines().any(|l| l.starts_with("REJECTED: digest_mismatch")), "{pane}");
        assert!(!pane.contains('\u{1b}'), "NO_COLOR={value:?} still painted:\n{pane:?}");
    }

    // metadata warnings are painted too, and NO_COLOR removes them.
    let metadata =
        format!("{binary} metadata --now 2044-12-20T00:00:00Z {}", shell_quote(&path("metadata/entra.xml")));
    let pane = tmux.show(&format!("env -u NO_COLOR {metadata}"));
    assert!(
        pane.lines().any(|l| l.contains("\u{1b}[") && strip(l).starts_with("warning: certificate_expiring")),
        "{pane}"
    );
    let pane = tmux.show(&format!("NO_COLOR=1 {metadata}"));
    assert!(!pane.contains('\u{1b}') && pane.contains("warning: certificate_expiring"), "{pane}");

    // c14n prints exact bytes to pipes, escaped text to a terminal.
    let nasty = temp(format!("<r ID=\"x\">{NASTY_XML}</r>").as_bytes());
    let pane = tmux.show(&format!("NO_COLOR=1 {binary} c14n {}", shell_quote(&nasty)));
    assert!(!pane.contains('\u{202e}') && !pane.contains('\u{9b}'), "{pane}");
    assert!(pane.contains(r"<r ID="), "{pane}");
    assert!(pane.contains(r"\u{202e}moc.elpmaxe\u{2060}\u{9b}31mRED\u{9b}0m"), "{pane}");
}
