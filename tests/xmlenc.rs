//! Decryption of EncryptedAssertion (feature `xmlenc`) against fixtures made
//! by xmlsec1 and openssl (`testdata/generate-xmlenc.sh`): every fixture
//! decrypts to the plaintext xmlsec1 decrypted, and every attack gets its
//! exact refusal. The tests only read files; they never run xmlsec1.
#![cfg(feature = "xmlenc")]

use base64::Engine as _;
use samlguard::ErrorKind;
use samlguard::crypto::decryption::{DecryptionKey, DecryptionKeys};
use samlguard::xmlenc::{ContentEncryption, Decrypted, DecryptionOptions, XmlEncError, decrypt_assertion};

const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const AWS: &str = "https://signin.aws.amazon.com/saml";

/// Every fixture that must decrypt, with the SP key it was made for and its
/// content algorithm.
const VALID: &[(&str, &str, ContentEncryption)] = &[
    ("entra-aes256-cbc", "sp", ContentEncryption::Aes256Cbc),
    ("inline-aes128-cbc", "sp", ContentEncryption::Aes128Cbc),
    ("inline-aes128-gcm", "sp", ContentEncryption::Aes128Gcm),
    ("inline-aes256-gcm", "sp", ContentEncryption::Aes256Gcm),
    ("oaep-params-aes256-gcm", "sp", ContentEncryption::Aes256Gcm),
    ("rotation-next", "sp-next", ContentEncryption::Aes256Cbc),
    ("rotation-next-no-hint", "sp-next", ContentEncryption::Aes256Gcm),
    ("rsa-oaep11-sha256", "sp", ContentEncryption::Aes256Gcm),
    ("rsa-oaep11-sha256-label", "sp", ContentEncryption::Aes128Cbc),
    ("rsa-oaep11-sha256-mgf1sha1", "sp", ContentEncryption::Aes256Cbc),
    ("sibling-retrieval-method", "sp", ContentEncryption::Aes256Cbc),
    ("sibling-key-name", "sp", ContentEncryption::Aes128Gcm),
    ("outer-namespace", "sp", ContentEncryption::Aes256Gcm),
];

fn testdata(rel: &str) -> Vec<u8> {
    let path = format!("{}/testdata/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn fixture(name: &str) -> String {
    String::from_utf8(testdata(&format!("xmlenc/{name}.xml"))).unwrap()
}

/// One SP key: `sp` (PKCS#8 + certificate), `sp-pkcs1` (the same key in
/// PKCS#1, no certificate), `sp-next` (PKCS#1 + certificate), `attacker`
/// (an unrelated RSA key).
fn key(name: &str) -> DecryptionKey {
    let pem = |file: &str| testdata(&format!("keys/{file}"));
    match name {
        "sp" => {
            DecryptionKey::from_pem(&pem("sp.key")).unwrap().with_certificate_pem(&pem("sp.crt")).unwrap()
        }
        "sp-pkcs1" => DecryptionKey::from_pem(&pem("sp.pkcs1.key")).unwrap(),
        "sp-next" => DecryptionKey::from_pem(&pem("sp-next.key"))
            .unwrap()
            .with_certificate_pem(&pem("sp-next.crt"))
            .unwrap(),
        "attacker" => DecryptionKey::from_pem(&pem("attacker.key")).unwrap(),
        _ => unreachable!("{name}"),
    }
}

fn keys(names: &[&str]) -> DecryptionKeys {
    DecryptionKeys::new(names.iter().map(|n| key(n))).unwrap()
}

fn decrypt_with(
    text: &str,
    keys: &DecryptionKeys,
    options: &DecryptionOptions,
) -> Result<Decrypted, XmlEncError> {
    let doc = samlguard::xml::parse(text.as_bytes()).expect("the fixture parses");
    let encrypted = doc
        .child_elements(doc.root())
        .find(|e| e.is(SAML, "EncryptedAssertion"))
        .expect("an EncryptedAssertion under the Response");
    decrypt_assertion(&doc, encrypted.id(), keys, options)
}

fn decrypt(text: &str, key_names: &[&str]) -> Result<Decrypted, XmlEncError> {
    decrypt_with(text, &keys(key_names), &DecryptionOptions::default())
}

fn kind(result: Result<Decrypted, XmlEncError>) -> ErrorKind {
    result.expect_err("must be refused").kind()
}

/// `text` with its `nth` occurrence of `from` replaced (must exist).
fn replace_nth(text: &str, from: &str, to: &str, nth: usize) -> String {
    let (at, _) = text.match_indices(from).nth(nth).unwrap_or_else(|| panic!("{from:?} #{nth} not found"));
    format!("{}{to}{}", &text[..at], &text[at + from.len()..])
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
    replace_nth(text, from, to, 0)
}

/// The byte ranges of the CipherValue texts: (content, key).
fn cipher_values(text: &str) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
    let key_span = {
        let start = text.find("<xenc:EncryptedKey").unwrap();
        start..text[start..].find("</xenc:EncryptedKey>").unwrap() + start
    };
    let mut content = None;
    let mut key = None;
    for (at, open) in text.match_indices("<xenc:CipherValue>") {
        let start = at + open.len();
        let range = start..start + text[start..].find("</xenc:CipherValue>").unwrap();
        if key_span.contains(&at) { key = Some(range) } else { content = Some(range) }
    }
    (content.unwrap(), key.unwrap())
}

/// `text` with `edit` applied to the decoded bytes of the CipherValue in `range`.
fn edit_cipher(text: &str, range: std::ops::Range<usize>, edit: impl FnOnce(&mut Vec<u8>)) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let compact: String = text[range.clone()].split_whitespace().collect();
    let mut bytes = b64.decode(compact).unwrap();
    edit(&mut bytes);
    format!("{}{}{}", &text[..range.start], b64.encode(bytes), &text[range.end..])
}

fn flip(text: &str, range: std::ops::Range<usize>, index: impl FnOnce(usize) -> usize, mask: u8) -> String {
    edit_cipher(text, range, |bytes| {
        let i = index(bytes.len());
        bytes[i] ^= mask;
    })
}

// ---------------------------------------------------------------------------
// What must decrypt

#[test]
fn every_fixture_decrypts_to_what_xmlsec1_decrypted() {
    let all = keys(&["sp", "sp-next"]);
    for &(name, sp_key, algorithm) in VALID {
        let expected = testdata(&format!("xmlenc/{name}.plain.xml"));
        let text = fixture(name);
        for keys in [&all, &keys(&[sp_key])] {
            let decrypted = decrypt_with(&text, keys, &DecryptionOptions::default())
                .unwrap_or_else(|e| panic!("{name}: {e} ({:?})", e.kind()));
            assert_eq!(decrypted.plaintext(), expected.as_slice(), "{name}");
            assert_eq!(decrypted.content_encryption(), algorithm, "{name}");
        }
    }
}

#[test]
fn pkcs1_and_pkcs8_forms_of_the_key_decrypt_alike() {
    for name in ["entra-aes256-cbc", "rsa-oaep11-sha256-label", "sibling-key-name"] {
        let text = fixture(name);
        let pkcs8 = decrypt(&text, &["sp"]).unwrap();
        let pkcs1 = decrypt(&text, &["sp-pkcs1"]).unwrap();
        assert_eq!(pkcs8.plaintext(), pkcs1.plaintext(), "{name}");
    }
}

#[test]
fn rotation_tries_every_key_whatever_the_hint() {
    for name in ["rotation-next", "rotation-next-no-hint"] {
        let text = fixture(name);
        for order in [["sp", "sp-next"], ["sp-next", "sp"]] {
            assert!(decrypt(&text, &order).is_ok(), "{name} with {order:?}");
        }
        assert_eq!(kind(decrypt(&text, &["sp"])), ErrorKind::DecryptionFailed, "{name}");
    }
    // A hint that names the wrong key only changes the order.
    let text = fixture("rotation-next");
    let sp_cert: String = String::from_utf8(testdata("keys/sp.crt"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let start = text.find("<ds:X509Certificate>").unwrap() + "<ds:X509Certificate>".len();
    let end = text.find("</ds:X509Certificate>").unwrap();
    let misnamed = format!("{}{sp_cert}{}", &text[..start], &text[end..]);
    assert!(decrypt(&misnamed, &["sp", "sp-next"]).is_ok());
}

#[test]
fn plaintext_comes_with_the_namespaces_in_scope_at_the_encrypted_assertion() {
    let decrypted = decrypt(&fixture("outer-namespace"), &["sp"]).unwrap();
    // The Assertion itself declares no namespace: it relies on the default
    // namespace declared on the EncryptedAssertion.
    assert!(decrypted.plaintext().starts_with(b"<Assertion ID="));
    let expected = [("", SAML), ("saml", SAML), ("samlp", SAMLP)];
    let got: Vec<(&str, &str)> =
        decrypted.namespaces().iter().map(|(p, u)| (p.as_str(), u.as_str())).collect();
    assert_eq!(got, expected);

    let decrypted = decrypt(&fixture("entra-aes256-cbc"), &["sp"]).unwrap();
    let got: Vec<(&str, &str)> =
        decrypted.namespaces().iter().map(|(p, u)| (p.as_str(), u.as_str())).collect();
    assert_eq!(got, [("saml", SAML), ("samlp", SAMLP)]);
    assert!(format!("{decrypted:?}").contains("plaintext_len"), "Debug shows the length, not the text");
    assert!(!format!("{decrypted:?}").contains("alice"));
}

#[test]
fn recipient_tells_apart_keys_for_several_recipients() {
    // Two inline EncryptedKeys: one for another SP (a copy, so it would even
    // work), one for this SP.
    let text = fixture("entra-aes256-cbc");
    let start = text.find("<xenc:EncryptedKey>").unwrap();
    let end = text.find("</xenc:EncryptedKey>").unwrap() + "</xenc:EncryptedKey>".len();
    let key = &text[start..end];
    let other =
        key.replacen("<xenc:EncryptedKey>", "<xenc:EncryptedKey Recipient=\"https://other.example/sp\">", 1);
    let ours = key.replacen("<xenc:EncryptedKey>", &format!("<xenc:EncryptedKey Recipient=\"{AWS}\">"), 1);
    let two = format!("{}{other}{ours}{}", &text[..start], &text[end..]);
    assert_eq!(
        decrypt(&two, &["sp"]).unwrap_err(),
        XmlEncError::KeyReference("several EncryptedKeys could carry the content key")
    );
    let options = DecryptionOptions::default().with_recipient(AWS);
    assert!(decrypt_with(&two, &keys(&["sp"]), &options).is_ok());

    let named = fixture("sibling-key-name");
    assert!(decrypt_with(&named, &keys(&["sp"]), &options).is_ok());
    let elsewhere = DecryptionOptions::default().with_recipient("https://other.example/sp");
    assert_eq!(
        decrypt_with(&named, &keys(&["sp"]), &elsewhere).unwrap_err(),
        XmlEncError::KeyReference("no EncryptedKey is addressed to this recipient")
    );
}

#[test]
fn gcm_only_refuses_cbc_before_any_key_is_used() {
    let options = DecryptionOptions::default().with_gcm_only(true);
    let sp = keys(&["sp"]);
    for &(name, sp_key, algorithm) in VALID {
        let result = decrypt_with(&fixture(name), &keys(&[sp_key]), &options);
        if algorithm.is_cbc() {
            assert_eq!(result.unwrap_err(), XmlEncError::CbcNotAllowed, "{name}");
        } else {
            assert!(result.is_ok(), "{name}");
        }
    }
    // Refused even with a key that could not decrypt: the check is structural.
    assert_eq!(
        decrypt_with(&fixture("rotation-next"), &sp, &options).unwrap_err(),
        XmlEncError::CbcNotAllowed
    );
}

// ---------------------------------------------------------------------------
// Tampering after encryption: one opaque refusal

#[test]
fn wrong_sp_key_is_the_opaque_refusal() {
    for &(name, _, _) in VALID {
        assert_eq!(
            decrypt(&fixture(name), &["attacker"]).unwrap_err(),
            XmlEncError::DecryptionFailed,
            "{name}"
        );
    }
}

#[test]
fn bit_flips_in_the_encrypted_key_are_the_opaque_refusal() {
    for name in ["entra-aes256-cbc", "inline-aes128-gcm", "rsa-oaep11-sha256", "sibling-retrieval-method"] {
        let text = fixture(name);
        let (_, key_range) = cipher_values(&text);
        for (index, mask) in [(0usize, 0x01u8), (1, 0x80), (100, 0x10), (255, 0x01)] {
            let tampered = flip(&text, key_range.clone(), |len| index.min(len - 1), mask);
            assert_eq!(
                decrypt(&tampered, &["sp", "sp-next"]).unwrap_err(),
                XmlEncError::DecryptionFailed,
                "{name}: byte {index} ^ {mask:#x}"
            );
        }
        let shorter = edit_cipher(&text, key_range, |bytes| {
            bytes.pop();
        });
        assert_eq!(decrypt(&shorter, &["sp"]).unwrap_err(), XmlEncError::DecryptionFailed, "{name}: short");
    }
}

#[test]
fn bit_flips_in_gcm_content_are_the_opaque_refusal() {
    for name in ["inline-aes128-gcm", "inline-aes256-gcm", "rsa-oaep11-sha256", "sibling-key-name"] {
        let text = fixture(name);
        let (content, _) = cipher_values(&text);
        let positions: [fn(usize) -> usize; 5] = [|_| 0, |_| 11, |_| 12, |len| len / 2, |len| len - 1];
        for (i, position) in positions.into_iter().enumerate() {
            let tampered = flip(&text, content.clone(), position, 0x04);
            assert_eq!(
                decrypt(&tampered, &["sp"]).unwrap_err(),
                XmlEncError::DecryptionFailed,
                "{name} #{i}"
            );
        }
        let truncated = edit_cipher(&text, content, |bytes| bytes.truncate(20));
        assert_eq!(decrypt(&truncated, &["sp"]).unwrap_err(), XmlEncError::DecryptionFailed, "{name}: short");
    }
}

#[test]
fn cbc_content_flips_break_the_padding_or_the_plaintext() {
    for name in
        ["entra-aes256-cbc", "inline-aes128-cbc", "rsa-oaep11-sha256-label", "sibling-retrieval-method"]
    {
        let text = fixture(name);
        let expected = testdata(&format!("xmlenc/{name}.plain.xml"));
        let (content, _) = cipher_values(&text);
        // The pad byte is the last byte of the last block: flipping its top
        // bit in the block before makes it 128 or more, never a valid pad.
        let bad_pad = flip(&text, content.clone(), |len| len - 17, 0x80);
        assert_eq!(decrypt(&bad_pad, &["sp"]).unwrap_err(), XmlEncError::DecryptionFailed, "{name}");
        // Not whole blocks.
        let ragged = edit_cipher(&text, content.clone(), |bytes| {
            bytes.pop();
        });
        assert_eq!(decrypt(&ragged, &["sp"]).unwrap_err(), XmlEncError::DecryptionFailed, "{name}");
        // CBC has no integrity: a flip in the IV changes the first plaintext
        // block and nothing else. Decryption cannot see it; the signature
        // inside the Assertion must (which is why it is required).
        let changed = flip(&text, content, |_| 0, 0x01);
        let decrypted = decrypt(&changed, &["sp"]).unwrap();
        assert_ne!(decrypted.plaintext(), expected.as_slice(), "{name}");
        assert_eq!(decrypted.plaintext()[16..], expected[16..], "{name}");
    }
}

#[test]
fn padding_tag_and_unwrap_failures_are_indistinguishable() {
    let cbc = fixture("entra-aes256-cbc");
    let gcm = fixture("inline-aes256-gcm");
    let (cbc_content, cbc_key) = cipher_values(&cbc);
    let (gcm_content, gcm_key) = cipher_values(&gcm);
    let aes128 = fixture("inline-aes128-cbc");
    let cases = [
        ("CBC padding", decrypt(&flip(&cbc, cbc_content, |len| len - 17, 0x80), &["sp"])),
        ("GCM tag", decrypt(&flip(&gcm, gcm_content.clone(), |len| len - 1, 0x01), &["sp"])),
        ("GCM ciphertext", decrypt(&flip(&gcm, gcm_content, |len| len / 2, 0x01), &["sp"])),
        ("CBC key unwrap", decrypt(&flip(&cbc, cbc_key, |len| len / 2, 0x01), &["sp"])),
        ("GCM key unwrap", decrypt(&flip(&gcm, gcm_key, |len| len / 2, 0x01), &["sp"])),
        ("wrong SP key", decrypt(&cbc, &["attacker"])),
        ("two wrong SP keys", decrypt(&gcm, &["attacker", "sp-next"])),
        (
            // 16-byte key unwrapped where AES-256 needs 32.
            "unwrapped key length",
            decrypt(&replace_nth(&aes128, "xmlenc#aes128-cbc", "xmlenc#aes256-cbc", 0), &["sp"]),
        ),
    ];
    let (first_name, first) = &cases[0];
    let first = first.as_ref().unwrap_err();
    assert_eq!(first.kind(), ErrorKind::DecryptionFailed);
    assert_eq!(first.kind().as_str(), "decryption_failed");
    assert_eq!(first.to_string(), "decryption failed");
    for (name, result) in &cases {
        let error = result.as_ref().unwrap_err();
        assert_eq!(error, first, "{name} vs {first_name}");
        assert_eq!(error.kind(), first.kind(), "{name}");
        assert_eq!(error.to_string(), first.to_string(), "{name}");
        assert_eq!(format!("{error:?}"), format!("{first:?}"), "{name}");
        assert_eq!(format!("{error:#}"), format!("{first:#}"), "{name}");
        assert!(std::error::Error::source(error).is_none(), "{name}");
    }
}

#[test]
fn gcm_ciphertext_relabelled_as_cbc_never_yields_the_plaintext() {
    // The algorithm URI is not authenticated: the same key and bytes under
    // CBC. Either the padding fails, or the output is garbage (the signature
    // inside catches it); it never decrypts to the Assertion.
    let text = fixture("inline-aes256-gcm");
    let expected = testdata("xmlenc/inline-aes256-gcm.plain.xml");
    let relabelled = replace_once(
        &text,
        "http://www.w3.org/2009/xmlenc11#aes256-gcm",
        "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
    );
    match decrypt(&relabelled, &["sp"]) {
        Err(e) => assert_eq!(e, XmlEncError::DecryptionFailed),
        Ok(d) => assert_ne!(d.plaintext(), expected.as_slice()),
    }
}

// ---------------------------------------------------------------------------
// Structural refusals, before any private key is used

#[test]
fn rsa_v15_key_transport_is_refused() {
    let text = fixture("rsa-1_5");
    // xmlsec1 decrypted it (generate-xmlenc.sh checks that): the key is right.
    assert_eq!(decrypt(&text, &["sp"]).unwrap_err(), XmlEncError::RsaV15KeyTransport);
    assert_eq!(decrypt(&text, &["sp"]).unwrap_err().kind().as_str(), "rsa_v15_key_transport");
}

#[test]
fn retrieval_method_must_name_a_sibling_of_this_document() {
    let text = fixture("sibling-retrieval-method");
    for (uri, message) in [
        ("https://idp.example/keys.xml#_k1", "RetrievalMethod URI is not a same-document reference #id"),
        ("keys.xml#_k1", "RetrievalMethod URI is not a same-document reference #id"),
        ("#xpointer(id('_k1'))", "RetrievalMethod URI is not a same-document reference #id"),
        ("", "RetrievalMethod URI is not a same-document reference #id"),
        ("#_other", "RetrievalMethod names no EncryptedKey beside the EncryptedData"),
        (
            "#_r4d9c2f1e-6b7a-4c58-9e03-2a1f0b3c4d5e",
            "RetrievalMethod names no EncryptedKey beside the EncryptedData",
        ),
    ] {
        let tampered = replace_once(&text, "URI=\"#_k1\"", &format!("URI=\"{uri}\""));
        assert_eq!(decrypt(&tampered, &["sp"]).unwrap_err(), XmlEncError::KeyReference(message), "{uri}");
    }
    let untyped = replace_once(&text, " Type=\"http://www.w3.org/2001/04/xmlenc#EncryptedKey\"", "");
    assert_eq!(kind(decrypt(&untyped, &["sp"])), ErrorKind::EncryptedKeyReference);
    let transforms = text.replacen(
        "Type=\"http://www.w3.org/2001/04/xmlenc#EncryptedKey\"/>",
        "Type=\"http://www.w3.org/2001/04/xmlenc#EncryptedKey\"><ds:Transforms/></ds:RetrievalMethod>",
        1,
    );
    assert_eq!(
        decrypt(&transforms, &["sp"]).unwrap_err(),
        XmlEncError::KeyReference("RetrievalMethod with Transforms or content")
    );
    // Two siblings with the Id named: cannot be told apart.
    let start = text.find("<xenc:EncryptedKey").unwrap();
    let end = text.find("</xenc:EncryptedKey>").unwrap() + "</xenc:EncryptedKey>".len();
    let twice = format!("{}{}{}", &text[..end], &text[start..end], &text[end..]);
    assert_eq!(
        decrypt(&twice, &["sp"]).unwrap_err(),
        XmlEncError::KeyReference("several EncryptedKeys could carry the content key")
    );
}

#[test]
fn key_name_must_match_exactly_the_siblings() {
    let text = fixture("sibling-key-name");
    let renamed =
        replace_once(&text, "<ds:KeyName>session-key-1</ds:KeyName>", "<ds:KeyName>other</ds:KeyName>");
    assert_eq!(
        decrypt(&renamed, &["sp"]).unwrap_err(),
        XmlEncError::KeyReference("no EncryptedKey carries the KeyName of the EncryptedData")
    );
    let start = text.find("<xenc:EncryptedKey").unwrap();
    let end = text.find("</xenc:EncryptedKey>").unwrap() + "</xenc:EncryptedKey>".len();
    let twice = format!("{}{}{}", &text[..end], &text[start..end], &text[end..]);
    assert_eq!(
        decrypt(&twice, &["sp"]).unwrap_err(),
        XmlEncError::KeyReference("several EncryptedKeys could carry the content key")
    );
    let stray = text[start..end].replace("session-key-1", "session-key-2");
    let with_stray = format!("{}{stray}{}", &text[..end], &text[end..]);
    assert_eq!(
        decrypt(&with_stray, &["sp"]).unwrap_err(),
        XmlEncError::KeyReference("an EncryptedKey beside the EncryptedData is not the one named")
    );
}

#[test]
fn inline_key_with_a_stray_sibling_or_no_key_is_refused() {
    let text = fixture("entra-aes256-cbc");
    let start = text.find("<xenc:EncryptedKey>").unwrap();
    let end = text.find("</xenc:EncryptedKey>").unwrap() + "</xenc:EncryptedKey>".len();
    let sibling = text[start..end].replacen(
        "<xenc:EncryptedKey>",
        "<xenc:EncryptedKey xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">",
        1,
    );
    let stray = replace_once(&text, "</xenc:EncryptedData>", &format!("</xenc:EncryptedData>{sibling}"));
    assert_eq!(kind(decrypt(&stray, &["sp"])), ErrorKind::EncryptedKeyReference);

    let no_key_info = format!(
        "{}{}",
        &text[..text.find("<ds:KeyInfo").unwrap()],
        &text[text.rfind("</ds:KeyInfo>").unwrap() + 13..]
    );
    assert_eq!(
        decrypt(&no_key_info, &["sp"]).unwrap_err(),
        XmlEncError::KeyReference("EncryptedData has no KeyInfo naming its key")
    );
    let x509_only = fixture("inline-aes128-gcm").replacen(
        "<ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><xenc:EncryptedKey>",
        "<ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data/><xenc:EncryptedKey>",
        1,
    );
    assert_eq!(kind(decrypt(&x509_only, &["sp"])), ErrorKind::EncryptedKeyReference);
}

#[test]
fn two_encrypted_data_are_refused() {
    let text = fixture("inline-aes256-gcm");
    let start = text.find("<xenc:EncryptedData").unwrap();
    let end = text.find("</xenc:EncryptedData>").unwrap() + "</xenc:EncryptedData>".len();
    let twice = format!("{}{}{}", &text[..end], &text[start..end], &text[end..]);
    assert_eq!(
        decrypt(&twice, &["sp"]).unwrap_err(),
        XmlEncError::Structure("more than one EncryptedData in the EncryptedAssertion")
    );
    let none = format!("{}{}", &text[..start], &text[end..]);
    assert_eq!(kind(decrypt(&none, &["sp"])), ErrorKind::EncryptionStructure);
}

#[test]
fn unknown_algorithms_are_refused_by_name() {
    let unsupported = |text: &str, role: &str, uri: &str| match decrypt(text, &["sp"]).unwrap_err() {
        XmlEncError::UnsupportedAlgorithm { role: r, uri: u } => {
            assert_eq!((r, u.as_str_less_safe()), (role, uri));
        }
        other => panic!("{role} {uri}: {other:?}"),
    };
    let cbc = fixture("entra-aes256-cbc");
    for uri in [
        "http://www.w3.org/2001/04/xmlenc#tripledes-cbc",
        "http://www.w3.org/2001/04/xmlenc#aes192-cbc",
        "http://www.w3.org/2009/xmlenc11#aes192-gcm",
        "http://www.w3.org/2001/04/xmlenc#aes256-CBC",
    ] {
        unsupported(
            &replace_once(&cbc, "http://www.w3.org/2001/04/xmlenc#aes256-cbc", uri),
            "content encryption",
            uri,
        );
    }
    for uri in ["http://www.w3.org/2001/04/xmlenc#kw-aes256", "http://www.w3.org/2001/04/xmlenc#rsa-oaep"] {
        unsupported(
            &replace_once(&cbc, "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p", uri),
            "key transport",
            uri,
        );
    }
    let md5 = "http://www.w3.org/2001/04/xmldsig-more#md5";
    unsupported(&replace_once(&cbc, "http://www.w3.org/2000/09/xmldsig#sha1", md5), "OAEP digest", md5);
    let oaep11 = fixture("rsa-oaep11-sha256");
    let mgf = "http://www.w3.org/2009/xmlenc11#mgf1sha224";
    unsupported(
        &replace_once(&oaep11, "http://www.w3.org/2009/xmlenc11#mgf1sha256", mgf),
        "OAEP mask generation",
        mgf,
    );
    // rsa-oaep-mgf1p fixes the mask: an MGF element there is refused.
    let with_mgf = replace_once(
        &cbc,
        "xmldsig#sha1\"/>",
        "xmldsig#sha1\"/><xenc11:MGF xmlns:xenc11=\"http://www.w3.org/2009/xmlenc11#\" Algorithm=\"http://www.w3.org/2009/xmlenc11#mgf1sha1\"/>",
    );
    assert_eq!(kind(decrypt(&with_mgf, &["sp"])), ErrorKind::EncryptionStructure);
}

#[test]
fn cipher_values_must_be_plain_base64() {
    let text = fixture("inline-aes128-gcm");
    let (content, key) = cipher_values(&text);
    for (range, what) in [(content, "EncryptedData CipherValue"), (key, "EncryptedKey CipherValue")] {
        let middle = range.start + 8;
        for insert in ["<!-- x -->", "<?pi x?>", "<b/>", "!", "&#x41;="] {
            let tampered = format!("{}{insert}{}", &text[..middle], &text[middle..]);
            assert_eq!(
                decrypt(&tampered, &["sp"]).unwrap_err(),
                XmlEncError::CipherValueEncoding(what),
                "{what} with {insert}"
            );
        }
        let empty = format!("{}{}", &text[..range.start], &text[range.end..]);
        assert_eq!(decrypt(&empty, &["sp"]).unwrap_err(), XmlEncError::CipherValueEncoding(what));
    }
    let params = fixture("oaep-params-aes256-gcm");
    let commented = replace_once(&params, "<xenc:OAEPparams>", "<xenc:OAEPparams><!---->");
    assert_eq!(decrypt(&commented, &["sp"]).unwrap_err(), XmlEncError::CipherValueEncoding("OAEPparams"));
}

#[test]
fn oaep_label_is_part_of_the_key_transport() {
    let text = fixture("oaep-params-aes256-gcm");
    let start = text.find("<xenc:OAEPparams>").unwrap();
    let end = text.find("</xenc:OAEPparams>").unwrap() + "</xenc:OAEPparams>".len();
    let without = format!("{}{}", &text[..start], &text[end..]);
    assert_eq!(decrypt(&without, &["sp"]).unwrap_err(), XmlEncError::DecryptionFailed);
    let other = format!("{}<xenc:OAEPparams>b3RoZXI=</xenc:OAEPparams>{}", &text[..start], &text[end..]);
    assert_eq!(decrypt(&other, &["sp"]).unwrap_err(), XmlEncError::DecryptionFailed);
}

#[test]
fn encrypted_data_shape_is_checked() {
    let text = fixture("inline-aes256-gcm");
    let typ = " Type=\"http://www.w3.org/2001/04/xmlenc#Element\"";
    assert!(decrypt(&replace_once(&text, typ, ""), &["sp"]).is_ok(), "Type may be absent");
    let content = replace_once(&text, typ, " Type=\"http://www.w3.org/2001/04/xmlenc#Content\"");
    assert_eq!(
        decrypt(&content, &["sp"]).unwrap_err(),
        XmlEncError::Structure("EncryptedData Type is not …xmlenc#Element")
    );
    let properties = replace_once(
        &text,
        "</xenc:CipherData></xenc:EncryptedData>",
        "</xenc:CipherData><xenc:EncryptionProperties/></xenc:EncryptedData>",
    );
    assert_eq!(kind(decrypt(&properties, &["sp"])), ErrorKind::EncryptionStructure);
    let text_inside = replace_once(&text, "</xenc:EncryptedData>", "text</xenc:EncryptedData>");
    assert_eq!(kind(decrypt(&text_inside, &["sp"])), ErrorKind::EncryptionStructure);
    let (content_range, _) = cipher_values(&text);
    let reference = format!(
        "{}{}",
        &text[..content_range.start - "<xenc:CipherValue>".len()],
        &text[content_range.end + "</xenc:CipherValue>".len()..]
    )
    .replacen("<xenc:CipherData></xenc:CipherData></xenc:EncryptedData>", "<xenc:CipherData><xenc:CipherReference URI=\"https://idp.example/data\"/></xenc:CipherData></xenc:EncryptedData>", 1);
    assert_eq!(
        decrypt(&reference, &["sp"]).unwrap_err(),
        XmlEncError::Structure("CipherReference (ciphertext stored elsewhere) is not supported")
    );
    let key_size = "<xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#aes256-gcm\"/>";
    let sized = |bits: u32| {
        replace_once(
            &text,
            key_size,
            &format!(
                "<xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#aes256-gcm\"><xenc:KeySize>{bits}</xenc:KeySize></xenc:EncryptionMethod>"
            ),
        )
    };
    assert!(decrypt(&sized(256), &["sp"]).is_ok());
    assert_eq!(
        decrypt(&sized(128), &["sp"]).unwrap_err(),
        XmlEncError::Structure("KeySize does not match the content encryption algorithm")
    );
}

#[test]
fn encrypted_key_shape_is_checked() {
    let text = fixture("entra-aes256-cbc");
    let pointing = replace_once(
        &text,
        "<ds:KeyInfo><ds:X509Data>",
        "<ds:KeyInfo><ds:RetrievalMethod URI=\"https://idp.example/cert\"/><ds:X509Data>",
    );
    assert_eq!(
        decrypt(&pointing, &["sp"]).unwrap_err(),
        XmlEncError::Structure(
            "EncryptedKey KeyInfo points elsewhere for the SP key (RetrievalMethod, EncryptedKey...)"
        )
    );
    // Other ways of naming the SP key are hints that are not read.
    let token_reference = replace_once(
        &text,
        "<ds:KeyInfo><ds:X509Data>",
        "<ds:KeyInfo><o:SecurityTokenReference xmlns:o=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\"><ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>CN=x</ds:X509IssuerName><ds:X509SerialNumber>1</ds:X509SerialNumber></ds:X509IssuerSerial></ds:X509Data></o:SecurityTokenReference><ds:KeyValue/><ds:X509Data>",
    );
    assert!(decrypt(&token_reference, &["sp"]).is_ok());
    let properties = replace_once(
        &text,
        "</xenc:CipherData></xenc:EncryptedKey>",
        "</xenc:CipherData><xenc:EncryptionProperties/></xenc:EncryptedKey>",
    );
    assert_eq!(kind(decrypt(&properties, &["sp"])), ErrorKind::EncryptionStructure);
    let twice = replace_once(
        &text,
        "xmldsig#sha1\"/>",
        "xmldsig#sha1\"/><ds:DigestMethod Algorithm=\"http://www.w3.org/2000/09/xmldsig#sha1\"/>",
    );
    assert_eq!(kind(decrypt(&twice, &["sp"])), ErrorKind::EncryptionStructure);
    // A ReferenceList must name this EncryptedData.
    let list = |uri: &str| {
        replace_once(&text, "</xenc:CipherData></xenc:EncryptedKey>", &format!("</xenc:CipherData><xenc:ReferenceList><xenc:DataReference URI=\"{uri}\"/></xenc:ReferenceList></xenc:EncryptedKey>"))
            .replacen("<xenc:EncryptedData ", "<xenc:EncryptedData Id=\"_d1\" ", 1)
    };
    assert!(decrypt(&list("#_d1"), &["sp"]).is_ok());
    assert_eq!(
        decrypt(&list("#_elsewhere"), &["sp"]).unwrap_err(),
        XmlEncError::Structure("the EncryptedKey's ReferenceList does not name the EncryptedData")
    );
}

#[test]
fn only_an_encrypted_assertion_is_read() {
    let text = fixture("inline-aes256-gcm");
    let doc = samlguard::xml::parse(text.as_bytes()).unwrap();
    assert_eq!(
        decrypt_assertion(&doc, doc.root(), &keys(&["sp"]), &DecryptionOptions::default()).unwrap_err(),
        XmlEncError::Structure("the node is not a saml:EncryptedAssertion")
    );
}

#[test]
fn structural_refusals_have_their_own_kinds() {
    let kinds = [
        XmlEncError::Structure("x").kind(),
        XmlEncError::UnsupportedAlgorithm { role: "key transport", uri: "u".into() }.kind(),
        XmlEncError::RsaV15KeyTransport.kind(),
        XmlEncError::CbcNotAllowed.kind(),
        XmlEncError::KeyReference("x").kind(),
        XmlEncError::CipherValueEncoding("x").kind(),
        XmlEncError::DecryptionFailed.kind(),
    ];
    let names: std::collections::BTreeSet<_> = kinds.iter().map(|k| k.as_str()).collect();
    assert_eq!(names.len(), kinds.len());
    assert!(names.contains("decryption_failed"));
}

// ---------------------------------------------------------------------------
// No panic on any input

mod mutations {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::{FileFailurePersistence, RngSeed};

    proptest! {
        // A fixed seed: every run tries the same cases; a failure's seed is also
        // appended to proptest-regressions/xmlenc.txt (commit it) and replays first.
        #![proptest_config(ProptestConfig {
            cases: 64,
            rng_seed: RngSeed::Fixed(0x0e2c_a5e5),
            failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/proptest-regressions/xmlenc.txt"
            )))),
            ..ProptestConfig::default()
        })]

        /// Random byte edits anywhere in a fixture: a parse error, a refusal
        /// or (for edits that change nothing that matters) a plaintext, never
        /// a panic.
        #[test]
        fn random_edits_never_panic(
            fixture_index in 0..VALID.len(),
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        ) {
            let mut bytes = fixture(VALID[fixture_index].0).into_bytes();
            for (at, value) in edits {
                let i = at.index(bytes.len());
                bytes[i] = value;
            }
            if let Ok(doc) = samlguard::xml::parse(&bytes) {
                let keys = keys(&["sp", "sp-next"]);
                for node in doc.descendants(doc.root()) {
                    if doc.element(node).is_some_and(|e| e.local_name() == "EncryptedAssertion") {
                        let _ = decrypt_assertion(&doc, node, &keys, &DecryptionOptions::default());
                    }
                }
            }
        }

        /// Any bytes in place of either ciphertext (any length, including
        /// longer than the modulus or not whole blocks): the one opaque
        /// refusal, never a panic. (Random AES-CBC content has a valid pad
        /// byte one time in sixteen: that decrypts to noise, which only the
        /// signature inside can refuse.)
        #[test]
        fn arbitrary_ciphertexts_are_refused_opaquely(
            fixture_index in 0..VALID.len(),
            in_key in any::<bool>(),
            bytes in proptest::collection::vec(any::<u8>(), 1..600),
        ) {
            let (name, sp_key, algorithm) = VALID[fixture_index];
            let text = fixture(name);
            let (content, key) = cipher_values(&text);
            let tampered = edit_cipher(&text, if in_key { key } else { content }, |b| *b = bytes);
            match decrypt(&tampered, &[sp_key]) {
                Ok(noise) => {
                    prop_assert!(!in_key && algorithm.is_cbc(), "{} decrypted", name);
                    let expected = testdata(&format!("xmlenc/{name}.plain.xml"));
                    prop_assert_ne!(noise.plaintext(), expected.as_slice());
                }
                Err(e) => prop_assert_eq!(e, XmlEncError::DecryptionFailed),
            }
        }
    }
}
