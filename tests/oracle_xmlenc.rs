//! Differential test of decryption against the xmlsec1 and openssl command
//! lines (features `xmlsec-oracle` and `xmlenc`; needs the `xmlsec1` and
//! `openssl` programs): on every encrypted fixture and on mutated copies,
//! whenever samlguard accepts an encrypted response, an independent
//! decryption gives the same Assertion:
//!
//! - `xmlsec1 --decrypt --privkey-pem` on the whole response, when xmlsec1
//!   can resolve the key itself (it cannot unwrap XML Encryption 1.1
//!   `rsa-oaep` with SHA-256, nor follow a `KeyName` to a `CarriedKeyName`):
//!   its Assertion, canonicalized, equals the one samlguard verified;
//! - always: openssl unwraps the content key (`pkeyutl -decrypt`, the OAEP
//!   parameters read with roxmltree, not samlguard), and `xmlsec1 --decrypt
//!   --aeskey` decrypts the EncryptedData alone to exactly the plaintext
//!   bytes samlguard decrypted.
#![cfg(all(feature = "xmlsec-oracle", feature = "xmlenc"))]

mod common;

use std::path::PathBuf;
use std::process::Command;

use base64::Engine as _;
use samlguard::c14n::{self, Options};
use samlguard::crypto::decryption::{DecryptionKey, DecryptionKeys};
use samlguard::xml;
use samlguard::xmlenc::{DecryptionOptions, decrypt_assertion};
use samlguard::{AwsConsole, Context, Generic, Policy};

const XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
const XENC11: &str = "http://www.w3.org/2009/xmlenc11#";
const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const SP_KEYS: [&str; 2] = ["sp", "sp-next"];

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

fn scratch(name: &str) -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("oracle-xmlenc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn fixtures() -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(common::testdata_path("xmlenc"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "xml") && !p.to_string_lossy().ends_with(".plain.xml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// Deterministic edits: some keep the meaning (re-wrapped base64,
/// whitespace, comments), most break the ciphertexts.
fn mutations(text: &str) -> Vec<String> {
    let mut out = vec![text.to_string()];
    let values: Vec<std::ops::Range<usize>> = text
        .match_indices("CipherValue>")
        .filter(|(i, _)| text[..*i].rfind('<').is_some_and(|lt| !text[lt..].starts_with("</")))
        .map(|(i, m)| i + m.len()..i + m.len() + text[i + m.len()..].find("</").unwrap())
        .collect();
    for range in &values {
        let compact: String = text[range.clone()].split_whitespace().collect();
        let bytes = b64().decode(&compact).unwrap();
        let wrapped: Vec<String> =
            compact.as_bytes().chunks(76).map(|c| String::from_utf8_lossy(c).into()).collect();
        out.push(format!("{}\n{}\n{}", &text[..range.start], wrapped.join("\r\n "), &text[range.end..]));
        for position in [0, 5, 12, 16, bytes.len() / 2, bytes.len() - 17, bytes.len() - 1] {
            let mut flipped = bytes.clone();
            if let Some(b) = flipped.get_mut(position) {
                *b ^= 0x01;
            }
            out.push(format!("{}{}{}", &text[..range.start], b64().encode(&flipped), &text[range.end..]));
        }
    }
    if let Some(at) = text.find("<xenc:EncryptedData") {
        out.push(format!("{}<!-- c -->\n  {}", &text[..at], &text[at..]));
    }
    out
}

fn sp_keys() -> DecryptionKeys {
    DecryptionKeys::new(
        SP_KEYS.iter().map(|k| DecryptionKey::from_pem(&common::testdata(&format!("keys/{k}.key"))).unwrap()),
    )
    .unwrap()
}

/// The aws-console and generic policies, with the SP keys.
struct Policies {
    console: Policy<AwsConsole>,
    generic: Policy<Generic>,
    context: Context,
}

impl Policies {
    fn new() -> Self {
        let trust = common::entra_trust();
        Self {
            console: Policy::<AwsConsole>::new(trust.clone())
                .with_decryption_keys(sp_keys())
                .without_replay_store(),
            generic: Policy::<Generic>::new(
                trust,
                ["https://sp.example.com/metadata"],
                ["https://sp.example.com/acs"],
            )
            .with_decryption_keys(sp_keys())
            .without_replay_store(),
            context: Context::new("2026-01-15T10:01:00Z".parse().unwrap()),
        }
    }
}

/// samlguard's verdict: the decrypted plaintext when a policy accepts.
fn samlguard_accepts(text: &str, policies: &Policies, keys: &DecryptionKeys) -> Option<Vec<u8>> {
    let (bytes, context) = (text.as_bytes(), &policies.context);
    let accepted = policies.console.validate(bytes, context).is_ok_and(|l| l.encrypted())
        || policies.generic.validate(bytes, context).is_ok_and(|l| l.encrypted());
    if !accepted {
        return None;
    }
    let doc = xml::parse(text.as_bytes()).unwrap();
    let node = doc.child_elements(doc.root()).find(|e| e.is(SAML, "EncryptedAssertion")).unwrap().id();
    Some(decrypt_assertion(&doc, node, keys, &DecryptionOptions::default()).unwrap().into_plaintext())
}

/// The exclusive canonical form of `node`.
fn canonical(doc: &xml::Document<'_>, node: xml::NodeId) -> Vec<u8> {
    struct Bytes(Vec<u8>);
    impl c14n::Sink for Bytes {
        fn write(&mut self, bytes: &[u8]) {
            self.0.extend_from_slice(bytes);
        }
    }
    let mut sink = Bytes(Vec::new());
    c14n::canonicalize(doc, node, &Options::default(), &mut sink).unwrap();
    sink.0
}

fn run(command: &mut Command) -> bool {
    command.output().is_ok_and(|o| o.status.success())
}

/// xmlsec1 decrypting the whole response with an SP key: the canonical
/// Assertion it puts in place of the EncryptedData, or `None` when it
/// cannot decrypt it.
fn xmlsec1_whole(text: &str) -> Option<Vec<u8>> {
    let input = scratch("whole.xml");
    std::fs::write(&input, text).unwrap();
    for key in SP_KEYS {
        let output = scratch("whole.out.xml");
        let _ = std::fs::remove_file(&output);
        let ok = run(Command::new("xmlsec1")
            .arg("--decrypt")
            .arg("--privkey-pem")
            .arg(common::testdata_path(&format!("keys/{key}.key")))
            .args(["--id-attr:Id", &format!("{XENC}:EncryptedKey")])
            .arg("--output")
            .arg(&output)
            .arg(&input));
        if !ok {
            continue;
        }
        let bytes = std::fs::read(&output).ok()?;
        let doc = xml::parse(&bytes).ok()?;
        let encrypted = doc.child_elements(doc.root()).find(|e| e.is(SAML, "EncryptedAssertion"))?;
        let assertion = doc.child_elements(encrypted.id()).find(|e| e.is(SAML, "Assertion"))?;
        return Some(canonical(&doc, assertion.id()));
    }
    None
}

/// openssl unwraps the content key with an SP key, xmlsec1 decrypts the
/// EncryptedData alone with it: the plaintext bytes, or `None`.
fn openssl_then_xmlsec1(text: &str) -> Option<Vec<u8>> {
    let doc = roxmltree::Document::parse(text).ok()?;
    let data = doc.descendants().find(|n| n.has_tag_name((XENC, "EncryptedData")))?;
    let key_info = data.children().find(|n| n.has_tag_name((DS, "KeyInfo")));
    let encrypted_key = key_info
        .and_then(|k| k.children().find(|n| n.has_tag_name((XENC, "EncryptedKey"))))
        .or_else(|| {
            let siblings: Vec<_> =
                data.parent()?.children().filter(|n| n.has_tag_name((XENC, "EncryptedKey"))).collect();
            (siblings.len() == 1).then(|| siblings[0])
        })?;
    let method = encrypted_key.children().find(|n| n.has_tag_name((XENC, "EncryptionMethod")))?;
    let mgf1p = match method.attribute("Algorithm")? {
        a if a == format!("{XENC}rsa-oaep-mgf1p") => true,
        a if a == format!("{XENC11}rsa-oaep") => false,
        _ => return None,
    };
    let digest = match method
        .children()
        .find(|n| n.has_tag_name((DS, "DigestMethod")))
        .and_then(|d| d.attribute("Algorithm"))
    {
        None => "sha1",
        Some(uri) => uri.rsplit('#').next()?,
    };
    let mgf = match method
        .children()
        .find(|n| n.has_tag_name((XENC11, "MGF")))
        .and_then(|d| d.attribute("Algorithm"))
    {
        Some(_) if mgf1p => return None,
        None => "sha1",
        Some(uri) => uri.rsplit("#mgf1").next()?,
    };
    let label = method.children().find(|n| n.has_tag_name((XENC, "OAEPparams"))).and_then(|n| n.text());
    let cipher = |node: roxmltree::Node<'_, '_>| -> Option<Vec<u8>> {
        let value = node.descendants().find(|n| n.has_tag_name((XENC, "CipherValue")))?;
        let compact: String = value.text()?.split_whitespace().collect();
        b64().decode(compact).ok()
    };
    let wrapped = cipher(encrypted_key)?;
    std::fs::write(scratch("wrapped.bin"), &wrapped).unwrap();

    // The EncryptedData alone, without Type (xmlsec1 then writes the raw
    // bytes) and without its KeyInfo (the key is given).
    let range = data.range();
    let mut alone = text[range.clone()].to_string();
    if let Some(key_info) = key_info {
        let r = key_info.range();
        alone.replace_range(r.start - range.start..r.end - range.start, "");
    }
    let alone = alone.replacen(&format!(" Type=\"{XENC}Element\""), "", 1);
    std::fs::write(scratch("data.xml"), alone).unwrap();

    for key in SP_KEYS {
        let mut openssl = Command::new("openssl");
        openssl
            .args(["pkeyutl", "-decrypt", "-inkey"])
            .arg(common::testdata_path(&format!("keys/{key}.key")))
            .args(["-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", &format!("rsa_oaep_md:{digest}")])
            .args(["-pkeyopt", &format!("rsa_mgf1_md:{mgf}")])
            .arg("-in")
            .arg(scratch("wrapped.bin"))
            .arg("-out")
            .arg(scratch("content.key"));
        if let Some(label) = label {
            let bytes = b64().decode(label.split_whitespace().collect::<String>()).ok()?;
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            openssl.args(["-pkeyopt", &format!("rsa_oaep_label:{hex}")]);
        }
        if !run(&mut openssl) {
            continue;
        }
        let output = scratch("plain.out");
        let _ = std::fs::remove_file(&output);
        let ok = run(Command::new("xmlsec1")
            .arg("--decrypt")
            .arg("--aeskey")
            .arg(scratch("content.key"))
            .arg("--output")
            .arg(&output)
            .arg(scratch("data.xml")));
        if ok {
            return std::fs::read(&output).ok();
        }
    }
    None
}

fn tools_present() -> bool {
    ["xmlsec1", "openssl"].iter().all(|tool| Command::new(tool).arg("version").output().is_ok())
}

#[test]
fn what_samlguard_decrypts_xmlsec1_decrypts_alike() {
    assert!(tools_present(), "the xmlsec1 and openssl programs are needed");
    let keys = sp_keys();
    let policies = Policies::new();
    let (mut documents, mut accepted, mut whole, mut refused) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for (name, original) in fixtures() {
        for (variant, text) in mutations(&original).into_iter().enumerate() {
            documents += 1;
            let Some(ours) = samlguard_accepts(&text, &policies, &keys) else {
                refused += 1;
                continue;
            };
            accepted += 1;
            match openssl_then_xmlsec1(&text) {
                Some(theirs) if theirs == ours => {}
                Some(_) => failures.push(format!("{name} variant {variant}: xmlsec1 decrypts other bytes")),
                None => {
                    failures.push(format!("{name} variant {variant}: openssl + xmlsec1 cannot decrypt it"))
                }
            }
            if let Some(theirs) = xmlsec1_whole(&text) {
                whole += 1;
                let doc = xml::parse(text.as_bytes()).unwrap();
                let node = doc.child_elements(doc.root()).find(|e| e.is(SAML, "EncryptedAssertion")).unwrap();
                let decrypted =
                    decrypt_assertion(&doc, node.id(), &keys, &DecryptionOptions::default()).unwrap();
                let inner = xml::parse_with_scope(
                    decrypted.plaintext(),
                    &xml::Limits::default(),
                    decrypted.namespaces(),
                )
                .unwrap();
                if canonical(&inner, inner.root()) != theirs {
                    failures.push(format!("{name} variant {variant}: xmlsec1's Assertion differs"));
                }
            }
        }
    }
    eprintln!(
        "{documents} documents: samlguard accepted {accepted} (xmlsec1 decrypted {whole} of them whole, openssl + xmlsec1 all), refused {refused}"
    );
    assert!(failures.is_empty(), "disagreements:\n{}", failures.join("\n"));
    assert!(accepted >= 30 && whole >= 20, "the oracle must see accepted documents ({accepted}, {whole})");
}
