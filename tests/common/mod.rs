//! Shared helpers for integration tests: locating the third-party vectors
//! (never copied into the repository) and decoding them.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

use base64::Engine;

/// The vectors directory from `SAMLGUARD_VECTORS`, or `None` (after saying the
/// test was skipped) when the variable is unset. When it is set, a missing
/// directory or manifest fails the test: CI must not silently skip.
pub fn vectors_dir(test: &str) -> Option<PathBuf> {
    match std::env::var_os("SAMLGUARD_VECTORS") {
        None => {
            eprintln!("{test}: skipped (SAMLGUARD_VECTORS is not set)");
            None
        }
        Some(dir) => {
            let dir = PathBuf::from(dir);
            assert!(
                dir.join("manifest.json").is_file(),
                "SAMLGUARD_VECTORS={} but manifest.json is missing there",
                dir.display()
            );
            Some(dir)
        }
    }
}

/// The parsed `manifest.json`.
pub fn manifest(dir: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).expect("read manifest.json");
    serde_json::from_str(&text).expect("parse manifest.json")
}

/// Reads a vector file, must exist.
pub fn read(dir: &Path, rel: &str) -> Vec<u8> {
    let path = dir.join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("vector {} is missing: {e}", path.display()))
}

/// The XML bytes of a manifest entry, decoded per its `encoding` field.
/// `None` for encodings these tests do not handle (raw DEFLATE).
pub fn document_bytes(dir: &Path, entry: &serde_json::Value) -> Option<Vec<u8>> {
    let rel = entry["file"].as_str().or_else(|| entry["dest"].as_str())?;
    let raw = read(dir, rel);
    match entry["encoding"].as_str() {
        None | Some("xml") => Some(raw),
        Some("base64") | Some("base64+BOM") => {
            let raw = raw.strip_prefix(b"\xEF\xBB\xBF").map(<[u8]>::to_vec).unwrap_or(raw);
            let text: Vec<u8> = raw.into_iter().filter(|b| !b.is_ascii_whitespace()).collect();
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(&text)
                .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(text.trim_ascii_end()))
                .unwrap_or_else(|e| panic!("{rel}: base64: {e}"));
            Some(decoded)
        }
        Some(_) => None,
    }
}

/// Path of a manifest entry relative to the vectors directory.
pub fn entry_file(entry: &serde_json::Value) -> String {
    entry["file"].as_str().or_else(|| entry["dest"].as_str()).unwrap_or_default().to_string()
}

/// Path of one of the repository's own generated fixtures.
pub fn testdata_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata").join(rel)
}

/// The repository's own generated fixtures.
pub fn testdata(rel: &str) -> Vec<u8> {
    let path = testdata_path(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {} is missing: {e}", path.display()))
}

/// The trust of the bundled Entra-shaped metadata (`testdata/metadata/entra.xml`).
pub fn entra_trust() -> samlguard::trust::IdpTrust {
    samlguard::trust::IdpTrust::from_metadata(
        &testdata("metadata/entra.xml"),
        &samlguard::trust::MetadataOptions::default(),
    )
    .expect("bundled metadata")
}

/// A fresh file holding `contents` under the target's scratch directory.
pub fn temp_file(prefix: &str, contents: &[u8]) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{prefix}-{}-{n}.in", std::process::id()));
    std::fs::write(&path, contents).expect("write scratch file");
    path
}

/// A finished process's stderr, as text.
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Percent-encodes everything but unreserved characters, as browsers encode
/// form values (a base64 `+`, `/`, `=` become `%2B`, `%2F`, `%3D`).
pub fn form_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else if b == b' ' {
            out.push('+');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The pinned keys named by a manifest trust entry (`path`, `path#i`), or
/// `None` for trust that is not a pinned certificate (KeyValue in the
/// document, HMAC keys, bare RSA public keys).
pub fn trusted_keys(dir: &Path, spec: &str) -> Option<Vec<samlguard::crypto::PublicKey>> {
    use samlguard::crypto::PublicKey;
    use samlguard::trust::{IdpTrust, MetadataOptions};
    let (rel, index) = match spec.split_once('#') {
        Some((rel, i)) => (rel, Some(i.parse::<usize>().ok()?)),
        None => (spec, None),
    };
    if !dir.join(rel).is_file() {
        return None;
    }
    let bytes = read(dir, rel);
    let keys = if rel.ends_with(".xml") {
        match IdpTrust::from_metadata(&bytes, &MetadataOptions::default()) {
            Ok(trust) => trust.keys().to_vec(),
            // A bare ds:KeyInfo document: take its certificates.
            Err(_) => {
                let doc = samlguard::xml::parse(&bytes).ok()?;
                doc.descendants(samlguard::xml::NodeId::DOCUMENT)
                    .filter(|&n| doc.element(n).is_some_and(|e| e.local_name() == "X509Certificate"))
                    .filter_map(|n| {
                        let text: String = doc.text_content(n)?.split_whitespace().collect();
                        let der = base64::engine::general_purpose::STANDARD.decode(text).ok()?;
                        PublicKey::from_certificate_der(&der).ok()
                    })
                    .collect()
            }
        }
    } else if rel.ends_with(".der") {
        vec![PublicKey::from_certificate_der(&bytes).ok()?]
    } else {
        PublicKey::from_pem(&bytes).ok()?
    };
    match index {
        Some(i) => keys.get(i).cloned().map(|k| vec![k]),
        None => (!keys.is_empty()).then_some(keys),
    }
}

/// Runs the `samlguard` binary with `args`, feeding it `stdin` when given.
#[cfg(feature = "cli")]
pub fn samlguard<S: AsRef<std::ffi::OsStr>>(args: &[S], stdin: Option<&[u8]>) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_samlguard"))
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn samlguard");
    if let Some(bytes) = stdin {
        child.stdin.take().expect("stdin is piped").write_all(bytes).expect("write stdin");
    }
    child.wait_with_output().expect("samlguard runs")
}

/// Whether a manifest signature entry uses SHA-1 (signature or digest).
pub fn signature_uses_sha1(signature: &serde_json::Value) -> bool {
    signature["sigalg"].as_str().is_some_and(|a| a.ends_with("sha1"))
        || signature["refs"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|r| r["digest"].as_str().is_some_and(|d| d.ends_with("sha1")))
}

/// Whether `input` holds a hexadecimal character reference that libxml2
/// (2.9 to at least 2.14) refuses although XML 1.0 allows it: libxml2 counts
/// the digits of `&#x…;` in a way that refuses a letter digit (`a`-`f`,
/// `A`-`F`) at the 11th, 22nd, 33rd… position, which only zero-padded
/// references reach (`&#x0000000000A;`). samlguard reads the character.
pub fn libxml2_refuses_long_hex_reference(input: &[u8]) -> bool {
    let mut rest = input;
    while let Some(at) = rest.windows(3).position(|w| w == b"&#x") {
        let digits: Vec<u8> = rest[at + 3..].iter().copied().take_while(u8::is_ascii_hexdigit).collect();
        if digits.iter().enumerate().any(|(i, d)| (i + 1) % 11 == 0 && d.is_ascii_alphabetic()) {
            return true;
        }
        rest = &rest[at + 3..];
    }
    false
}
