//! Differential test against libxmlsec1 (through the `xmlsec` crate, feature
//! `xmlsec-oracle`; needs libxmlsec1-dev and libclang-dev): on every signed
//! fixture and on many mutated copies, whenever samlguard accepts a signature,
//! libxmlsec1 accepts the same signature with the same key. Disagreements the
//! other way are samlguard's stricter profile; they are counted by error kind
//! and must all be kinds of that profile.
#![cfg(feature = "xmlsec-oracle")]

mod common;

use std::collections::BTreeMap;

use samlguard::crypto::{Algorithms, PublicKey};
use samlguard::dsig;
use xmlsec::{XmlSecDocumentExt, XmlSecKey, XmlSecKeyFormat, XmlSecSignatureContext};

const KEYS: [&str; 5] = ["idp", "idp-next", "ec-p256", "rsa3072", "legacy1024"];

/// Kinds that are samlguard's own profile rules (libxmlsec1 checks only the
/// cryptography): refusing where libxmlsec1 accepts is expected for these.
const STRICTER: &[&str] = &[
    "reference_count",
    "reference_uri",
    "signature_position",
    "transforms",
    "canonicalization_method",
    "forbidden_element",
    "crypto_text",
    "malformed_signature",
    "invalid_base64",
    "unsupported_algorithm",
    "key_too_small",
    "algorithm_key_mismatch",
    "unknown_signing_key",
    "sha1_not_allowed",
];

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in ["responses", "dsig", "policy", "attacks"] {
        let Ok(entries) = std::fs::read_dir(common::testdata_path(dir)) else { continue };
        let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for path in files.into_iter().filter(|p| p.extension().is_some_and(|e| e == "xml")) {
            let name = format!("{dir}/{}", path.file_name().unwrap().to_string_lossy());
            out.push((name, std::fs::read(&path).unwrap()));
        }
    }
    out
}

/// Deterministic mutations: byte edits, and structural edits that keep the
/// bytes well-formed (comments in values, duplicated elements, moved IDs).
fn mutations(seed: u64, original: &[u8]) -> Vec<Vec<u8>> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move |n: usize| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n.max(1)
    };
    let text = String::from_utf8_lossy(original).into_owned();
    let mut out = Vec::new();
    for _ in 0..12 {
        let mut bytes = original.to_vec();
        let at = next(bytes.len());
        match next(3) {
            0 => bytes[at] ^= 1 << next(8),
            1 => {
                bytes.remove(at);
            }
            _ => bytes.insert(at, b" <>=\"a/!-"[next(9)]),
        }
        out.push(bytes);
    }
    for (from, to) in [
        ("</NameID>", "<!---->x</NameID>"),
        ("<DigestValue>", "<DigestValue><!---->"),
        ("<SignatureValue>", "<SignatureValue>\n"),
        ("</SignedInfo>", "</SignedInfo><!-- c -->"),
        ("</Issuer>", "</Issuer>\n"),
        ("alice@example.com", "mallory@example.com"),
        ("<Transform ", "<Transform Extra=\"1\" "),
        ("</Audience>", " </Audience>"),
    ] {
        if text.contains(from) {
            out.push(text.replacen(from, to, 1).into_bytes());
        }
    }
    if let Some(start) = text.find("<Signature ")
        && let Some(end) = text[start..].find("</Signature>").map(|e| e + start)
    {
        let signature = &text[start..end + "</Signature>".len()];
        out.push(text.replacen(signature, &format!("{signature}{signature}"), 1).into_bytes());
        out.push(
            text.replacen(signature, "", 1)
                .replacen("</samlp:Response>", &format!("{signature}</samlp:Response>"), 1)
                .into_bytes(),
        );
    }
    out
}

/// libxmlsec1's verdict on the `index`-th ds:Signature with `key_pem`.
fn xmlsec_accepts(bytes: &[u8], index: usize, key_pem: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else { return false };
    let Ok(doc) = libxml::parser::Parser::default().parse_string(text) else { return false };
    let ns = [
        ("samlp", "urn:oasis:names:tc:SAML:2.0:protocol"),
        ("saml", "urn:oasis:names:tc:SAML:2.0:assertion"),
    ];
    for path in ["//samlp:Response", "//saml:Assertion"] {
        // Duplicate IDs and missing elements fail here: libxmlsec1 cannot
        // resolve references either way, which its verdict then shows.
        let _ = doc.specify_idattr(path, "ID", Some(&ns));
    }
    let Ok(context) = libxml::xpath::Context::new(&doc) else { return false };
    let _ = context.register_namespace("ds", dsig::DSIG_NS);
    let Ok(found) = context.evaluate("//ds:Signature") else { return false };
    let nodes = found.get_nodes_as_vec();
    let Some(node) = nodes.get(index) else { return false };
    let Ok(key) = XmlSecKey::from_memory(key_pem, XmlSecKeyFormat::CertPem, None) else { return false };
    let mut signature_context = XmlSecSignatureContext::new();
    signature_context.insert_key(key);
    matches!(signature_context.verify_node(node), Ok(true))
}

#[test]
fn samlguard_never_accepts_what_libxmlsec1_rejects() {
    let keys: Vec<(&str, Vec<u8>, Vec<PublicKey>)> = KEYS
        .iter()
        .map(|name| {
            let pem = common::testdata(&format!("keys/{name}.crt"));
            let key = PublicKey::from_pem(&pem).unwrap();
            (*name, pem, key)
        })
        .collect();
    let (mut documents, mut comparisons, mut both_accept, mut both_reject) = (0, 0, 0, 0);
    let mut stricter: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for (seed, (name, original)) in fixtures().into_iter().enumerate() {
        let variants = std::iter::once(original.clone()).chain(mutations(seed as u64, &original));
        for (variant, bytes) in variants.enumerate() {
            documents += 1;
            let Ok(doc) = samlguard::xml::parse(&bytes) else { continue };
            let signatures = dsig::all_signatures(&doc);
            for (index, &signature) in signatures.iter().enumerate() {
                for (key_name, pem, key) in &keys {
                    comparisons += 1;
                    let ours = dsig::verify(&doc, signature, key, Algorithms::ALLOW_SHA1);
                    let theirs = xmlsec_accepts(&bytes, index, pem);
                    match (&ours, theirs) {
                        (Ok(_), true) => both_accept += 1,
                        (Ok(_), false) => failures
                            .push(format!("{name} variant {variant} signature {index} key {key_name}")),
                        (Err(_), false) => both_reject += 1,
                        (Err(e), true) => {
                            *stricter.entry(e.kind().as_str()).or_default() += 1;
                            if !STRICTER.contains(&e.kind().as_str()) {
                                failures.push(format!(
                                    "{name} variant {variant} signature {index} key {key_name}: libxmlsec1 accepts, samlguard: {e}"
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    eprintln!(
        "{documents} documents, {comparisons} signature/key comparisons: {both_accept} both accept, {both_reject} both reject, samlguard stricter: {stricter:?}"
    );
    assert!(failures.is_empty(), "samlguard accepted what libxmlsec1 rejected:\n{}", failures.join("\n"));
    assert!(both_accept >= 30, "the oracle must see valid signatures too ({both_accept})");
}
