//! `samlguard metadata` on the bundled metadata files: certificates and their
//! expiry (with `--now`), signed, unsigned and tampered files, not metadata.
#![cfg(feature = "cli")]

mod common;

use std::process::Output;

use common::{samlguard, stderr};
use serde_json::Value;

const NOW: &str = "2026-01-15T10:01:00Z";
const ISSUER: &str = "https://sts.windows.net/6f2a1c1e-0000-4000-8000-5a4d1e2f3a4b/";

fn path(rel: &str) -> String {
    common::testdata_path(rel).to_str().unwrap().to_owned()
}

fn metadata(now: &str, extra: &[&str], file: &str, code: i32) -> Output {
    let mut args = vec!["metadata".to_owned(), "--now".to_owned(), now.to_owned()];
    args.extend(extra.iter().map(|s| s.to_string()));
    args.push(file.to_owned());
    let out = samlguard(&args, None);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    out
}

fn text_of(now: &str, rel: &str) -> String {
    String::from_utf8(metadata(now, &[], &path(rel), 0).stdout).unwrap()
}

fn json(now: &str, rel: &str) -> Value {
    serde_json::from_slice(&metadata(now, &["--format", "json"], &path(rel), 0).stdout).unwrap()
}

#[test]
fn entra_metadata_text_report_lists_certificates_and_signature() {
    let text = text_of(NOW, "metadata/entra.xml");
    let expected = format!(
        "METADATA checked at {NOW} (certificates expiring within 30 days are flagged)\n\
         ENTITY {ISSUER}\n  \
         roles            IdP\n  \
         certificates (2)\n    \
         #1 IdP signing, pinned by samlguard verify\n       \
         subject     CN=samlguard test IdP next (rollover)\n       \
         SHA-256     953306F200D3D0662BA0DBF692A238284F2AA92361A40F58CBE562C4E4978A7A\n       \
         SHA-1       10EE81F17548A7771362F9AB5C4C2B1BDBCA610C\n       \
         valid       2025-01-01T00:00:00Z .. 2045-01-01T00:00:00Z (6925 days left)\n    \
         #2 IdP signing, pinned by samlguard verify\n       \
         subject     CN=samlguard test IdP current\n       \
         SHA-256     0D45FFD7BFEC979F0C7A2EF45626AF5FBD170D09371509D3813484944E4B7E7C\n       \
         SHA-1       C0DD51A0BF97754B88C6FCD7EBA6F896583C14C6\n       \
         valid       2025-01-01T00:00:00Z .. 2045-01-01T00:00:00Z (6925 days left)\n\
         SIGNATURE\n  \
         signed           yes, by the certificate in its KeyInfo:\n    \
         subject        CN=samlguard test metadata signer\n    \
         SHA-256        0B812D18D24F8A69AB7C058224E0073843D5743B480BF053568FE93DE0533EAF\n    \
         SHA-1          DFEE62850EE16488D3AE88BEC8104818B4909F8B\n    \
         valid          2025-01-01T00:00:00Z .. 2045-01-01T00:00:00Z (6925 days left)\n  \
         self-check       verifies with that certificate\n  \
         self-consistency only:"
    );
    assert!(text.starts_with(&expected), "{text}");
    assert!(text.ends_with("--metadata-signer PEMFILE\nno warnings\n"), "{text}");
}

#[test]
fn entra_metadata_json_reports_certificates_and_signature() {
    let v = json(NOW, "metadata/entra.xml");
    assert_eq!(v["checked_at"], NOW);
    let entity = &v["entities"][0];
    assert_eq!(entity["entity_id"], ISSUER);
    assert_eq!(entity["roles"], serde_json::json!(["IdP"]));
    let certificates = entity["certificates"].as_array().unwrap();
    assert_eq!(certificates.len(), 2);
    let next = &certificates[0];
    assert_eq!(next["subject"], "CN=samlguard test IdP next (rollover)");
    assert_eq!(next["sha1"], "10ee81f17548a7771362f9ab5c4c2b1bdbca610c");
    assert_eq!(next["sha256"], "953306f200d3d0662ba0dbf692a238284f2aa92361a40f58cbe562c4e4978a7a");
    assert_eq!(next["not_before"], "2025-01-01T00:00:00Z");
    assert_eq!(next["not_after"], "2045-01-01T00:00:00Z");
    assert_eq!(next["use"], "signing");
    assert_eq!(next["role"], "IdP");
    assert_eq!(next["pinned"], true);
    assert_eq!(next["status"], "valid");
    assert_eq!(next["days_left"], 6925);
    let signature = &v["signature"];
    assert_eq!(signature["signed"], true);
    assert_eq!(signature["verifies_with_signer"], true);
    assert_eq!(signature["error"], Value::Null);
    assert_eq!(signature["signer"]["subject"], "CN=samlguard test metadata signer");
    assert!(signature["note"].as_str().unwrap().starts_with("self-consistency only"));
    assert_eq!(v["warnings"], serde_json::json!([]));
}

#[test]
fn certificates_expiring_within_30_days_are_warned_about() {
    let now = "2044-12-20T00:00:00Z";
    let text = text_of(now, "metadata/entra.xml");
    assert!(
        text.contains(
            "       valid       2025-01-01T00:00:00Z .. 2045-01-01T00:00:00Z (EXPIRES in 12 days)\n"
        ),
        "{text}"
    );
    assert!(text.contains(
        "warning: certificate_expiring: IdP signing certificate #1 CN=samlguard test IdP next (rollover) of\n         \
         https://sts.windows.net/6f2a1c1e-0000-4000-8000-5a4d1e2f3a4b/ expires at\n         \
         2045-01-01T00:00:00Z (in 12 days, under 30): in Entra (Enterprise application > Single\n"
    ), "{text}");
    let v = json(now, "metadata/entra.xml");
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "{v}");
    assert!(warnings.iter().all(|w| w["kind"] == "certificate_expiring"), "{v}");
    assert_eq!(v["entities"][0]["certificates"][1]["status"], "expiring");
    assert_eq!(v["entities"][0]["certificates"][1]["days_left"], 12);
    // 31 days before: no warning.
    assert_eq!(json("2044-12-01T00:00:00Z", "metadata/entra.xml")["warnings"], serde_json::json!([]));
}

#[test]
fn expired_certificates_are_warned_about_and_still_exit_0() {
    let now = "2045-03-01T00:00:00Z";
    let text = text_of(now, "metadata/entra-unsigned.xml");
    assert!(text.contains("(EXPIRED 59 days ago)"), "{text}");
    assert!(
        text.contains(
            "warning: certificate_expired: IdP signing certificate #2 CN=samlguard test IdP current of"
        ),
        "{text}"
    );
    let v = json(now, "metadata/entra-unsigned.xml");
    assert_eq!(v["entities"][0]["certificates"][0]["status"], "expired");
    assert_eq!(v["entities"][0]["certificates"][0]["days_left"], -59);
    // Exit 0: it is metadata; the warnings say what is wrong.
    metadata(now, &[], &path("metadata/entra-unsigned.xml"), 0);
}

#[test]
fn unsigned_and_tampered_metadata_are_reported_as_such() {
    let text = text_of(NOW, "metadata/entra-unsigned.xml");
    assert!(
        text.contains(
            "SIGNATURE\n  signed           no: nothing in the file shows where it came from; download it from Entra over HTTPS\n"
        ),
        "{text}"
    );
    assert_eq!(json(NOW, "metadata/entra-unsigned.xml")["signature"], serde_json::json!({"signed": false}));
    let text = text_of(NOW, "metadata/entra-tampered.xml");
    assert!(
        text.contains("  self-check       does NOT verify with that certificate (digest_mismatch)\n"),
        "{text}"
    );
    assert!(text.contains("warning: metadata_signature: the metadata's signature does not verify (digest_mismatch): the file\n"), "{text}");
    let v = json(NOW, "metadata/entra-tampered.xml");
    assert_eq!(v["signature"]["signed"], true);
    assert_eq!(v["signature"]["verifies_with_signer"], false);
    assert_eq!(v["signature"]["error"], "digest_mismatch");
    assert_eq!(v["warnings"][0]["kind"], "metadata_signature");
}

#[test]
fn keys_samlguard_does_not_pin_are_said_so() {
    let v = json(NOW, "metadata/only-encryption-key.xml");
    let certificate = &v["entities"][0]["certificates"][0];
    assert_eq!(certificate["use"], "encryption");
    assert_eq!(certificate["pinned"], false);
    assert_eq!(v["warnings"][0]["kind"], "no_signing_key", "{v}");
    let v = json(NOW, "metadata/no-use-attribute.xml");
    assert_eq!(v["entities"][0]["certificates"][0]["use"], "signing and encryption");
    assert_eq!(v["entities"][0]["certificates"][0]["pinned"], true);
    let v = json(NOW, "metadata/entra-stale.xml");
    assert_eq!(v["entities"][0]["certificates"].as_array().unwrap().len(), 1);
    assert_eq!(v["signature"]["verifies_with_signer"], true);
}

#[test]
fn not_metadata_exits_1_and_usage_errors_exit_2() {
    for (file, kind) in [("responses/clientvpn.xml", "not_metadata"), ("keys/idp.crt", "not_xml")] {
        let out = metadata(NOW, &[], &path(file), 1);
        assert!(out.stdout.is_empty());
        let err = stderr(&out);
        assert!(err.starts_with("error: "), "{err}");
        let out = metadata(NOW, &["--format", "json"], &path(file), 1);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["valid"], false);
        assert!(v["error"]["kind"] == kind || file.ends_with(".crt"), "{v}");
    }
    let out = metadata(NOW, &[], &path("metadata/roledescriptor-keys-only.xml"), 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("warning: no_signing_key"));
    metadata("yesterday", &[], &path("metadata/entra.xml"), 2);
    metadata(NOW, &[], "/nonexistent/metadata.xml", 2);
}
