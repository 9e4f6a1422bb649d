//! Signature verification on the real-IdP vectors (`SAMLGUARD_VECTORS`):
//! every signature libxmlsec1 verified with a pinned certificate verifies here
//! with the same key (SHA-1 ones only with the opt-in), unless it uses a
//! canonicalization outside the SAML profile samlguard implements; every
//! signature libxmlsec1 refused is refused here too.

mod common;

use samlguard::crypto::Algorithms;
use samlguard::dsig;
use samlguard::xml;

const EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";

/// Exactly the SAML profile's transform chain and canonicalization.
fn in_profile(signature: &serde_json::Value) -> bool {
    let refs = signature["refs"].as_array().map_or(&[][..], |v| v);
    signature["c14n"].as_str() == Some(EXC)
        && refs.len() == 1
        && refs[0]["transforms"]
            == serde_json::json!(["http://www.w3.org/2000/09/xmldsig#enveloped-signature", EXC])
        && refs[0]["URI"].as_str().is_some_and(|u| u.starts_with('#'))
}

/// The documented rules under which samlguard refuses what libxmlsec1 (which
/// checks cryptography only) accepts.
fn stricter_rule(
    entry: &serde_json::Value,
    signature: &serde_json::Value,
    error: &dsig::SignatureError,
) -> Option<&'static str> {
    let uri = signature["refs"][0]["URI"].as_str().unwrap_or("");
    match error.kind().as_str() {
        // Profile rules (Reference to a non-parent, ds:Object, ...) on attack samples.
        _ if !entry["malicious"].is_null() => Some("attack sample refused by the signature profile"),
        "reference_uri" if !xml::is_ncname(uri.trim_start_matches('#')) => Some("ID is not an NCName"),
        "key_too_small" => Some("RSA key under 2048 bits without SHA-1"),
        _ => None,
    }
}

#[test]
fn real_idp_signatures_agree_with_libxmlsec1() {
    let Some(dir) = common::vectors_dir("real_idp_signatures_agree_with_libxmlsec1") else { return };
    let (mut verified, mut refused_as_expected, mut out_of_profile, mut sha1_gated) = (0, 0, Vec::new(), 0);
    let mut stricter = Vec::new();
    let mut failures = Vec::new();
    for entry in common::manifest(&dir) {
        if !matches!(entry["kind"].as_str(), Some("response" | "metadata" | "dsig")) {
            continue;
        }
        let Some(signatures) = entry["signatures"].as_array() else { continue };
        let file = common::entry_file(&entry);
        let Some(bytes) = common::document_bytes(&dir, &entry) else { continue };
        let doc = match xml::parse(&bytes) {
            Ok(doc) => doc,
            Err(e) => {
                // Refused at parse time: only acceptable when xmlsec1 verified nothing
                // with a pinned key, or the parser refusal is a documented rule.
                let any_ok =
                    signatures.iter().any(|s| !s["verified_by"].as_array().is_none_or(|v| v.is_empty()));
                if any_ok {
                    failures.push(format!("{file}: xmlsec1 verified it but the parser refused it: {e}"));
                }
                continue;
            }
        };
        let all = dsig::all_signatures(&doc);
        for signature in signatures {
            let index = signature["index"].as_u64().unwrap() as usize;
            let Some(&node) = all.get(index - 1) else {
                failures.push(format!("{file}: signature {index} not found"));
                continue;
            };
            let trusted = signature["xmlsec_trusted"].as_object().cloned().unwrap_or_default();
            for (spec, result) in trusted {
                let Some(keys) = common::trusted_keys(&dir, &spec) else { continue };
                let xmlsec_ok = result[0] == "OK";
                let label = format!("{file} sig{index} with {spec}");
                let outcome = dsig::verify(&doc, node, &keys, Algorithms::ALLOW_SHA1);
                match (xmlsec_ok, &outcome) {
                    (true, Ok(_)) => {
                        verified += 1;
                        if common::signature_uses_sha1(signature) {
                            // The opt-in is what made it pass.
                            match dsig::verify(&doc, node, &keys, Algorithms::STRICT) {
                                Err(e) if e.kind() == "sha1_not_allowed" => sha1_gated += 1,
                                other => failures
                                    .push(format!("{label}: SHA-1 accepted without opt-in: {other:?}")),
                            }
                        }
                    }
                    (true, Err(e)) if !in_profile(signature) => {
                        out_of_profile.push(format!("{label}: {}", e.kind()))
                    }
                    (true, Err(e)) => match stricter_rule(&entry, signature, e) {
                        Some(rule) => stricter.push(format!("{label}: {} ({rule})", e.kind())),
                        None => failures.push(format!("{label}: xmlsec1 OK, samlguard refused: {e}")),
                    },
                    (false, Ok(_)) => failures
                        .push(format!("{label}: xmlsec1 FAILED ({}) but samlguard accepted", result[1])),
                    (false, Err(_)) => refused_as_expected += 1,
                }
            }
        }
    }
    eprintln!(
        "verified {verified} signatures (of which {sha1_gated} SHA-1 ones need the opt-in), refused {refused_as_expected} that libxmlsec1 refused; {} verified by libxmlsec1 but outside the SAML profile:\n  {}",
        out_of_profile.len(),
        out_of_profile.join("\n  ")
    );
    eprintln!("{} refused by a deliberate stricter rule:\n  {}", stricter.len(), stricter.join("\n  "));
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
    assert!(verified >= 40, "only {verified} signatures verified");
}
