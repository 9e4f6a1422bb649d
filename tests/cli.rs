//! The `samlguard` binary, run as a process: `samlguard c14n`.
#![cfg(feature = "cli")]

mod common;

use common::{samlguard, stderr};

use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

const DOC: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!--before-->
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="_resp" Version="2.0">
  <saml:Issuer>https://sts.windows.net/t/</saml:Issuer>
  <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>
  <saml:Assertion ID="_assert" b="2" a='1'><!--inner--><saml:Issuer>x</saml:Issuer><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignatureValue>AA==</ds:SignatureValue></ds:Signature><saml:AttributeValue>v &amp; w&#x41;</saml:AttributeValue></saml:Assertion>
</samlp:Response>
<!--after-->
"#;

const SIGNATURE: &str = r#"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo></ds:SignedInfo></ds:Signature>"#;
const ASSERTION_SIGNATURE: &str = r#"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignatureValue>AA==</ds:SignatureValue></ds:Signature>"#;

fn assertion(comments: bool, signature: bool, extra_ns: &str) -> String {
    format!(
        r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"{extra_ns} ID="_assert" a="1" b="2">{}<saml:Issuer>x</saml:Issuer>{}<saml:AttributeValue>v &amp; wA</saml:AttributeValue></saml:Assertion>"#,
        if comments { "<!--inner-->" } else { "" },
        if signature { ASSERTION_SIGNATURE } else { "" },
    )
}

fn response(comments: bool, signature: bool) -> String {
    format!(
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_resp\" Version=\"2.0\">\n  \
         <saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">https://sts.windows.net/t/</saml:Issuer>\n  \
         {}\n  {}\n</samlp:Response>",
        if signature { SIGNATURE } else { "" },
        assertion(comments, true, ""),
    )
}

fn temp_file(contents: &[u8]) -> PathBuf {
    common::temp_file("cli", contents)
}

fn c14n_ok(args: &[&str], input: &[u8]) -> String {
    let path = temp_file(input);
    let mut all = vec!["c14n"];
    all.extend_from_slice(args);
    all.push(path.to_str().unwrap());
    let out = samlguard(&all, None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{args:?}: stderr {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn whole_document_is_canonicalized_without_comments_by_default() {
    let out = c14n_ok(&[], DOC.as_bytes());
    assert_eq!(out, response(false, true));
}

#[test]
fn whole_document_with_comments_joins_top_level_comments_by_newlines() {
    let out = c14n_ok(&["--with-comments"], DOC.as_bytes());
    assert_eq!(out, format!("<!--before-->\n{}\n<!--after-->", response(true, true)));
}

#[test]
fn output_has_no_trailing_newline() {
    for args in [&[][..], &["--with-comments"], &["--id", "_assert"]] {
        let out = c14n_ok(args, DOC.as_bytes());
        assert!(out.ends_with('>'), "{args:?}: {out:?}");
    }
}

#[test]
fn id_selects_the_element_to_canonicalize() {
    assert_eq!(c14n_ok(&["--id", "_assert"], DOC.as_bytes()), assertion(false, true, ""));
    assert_eq!(c14n_ok(&["--id", "_assert", "--with-comments"], DOC.as_bytes()), assertion(true, true, ""));
}

#[test]
fn omit_signature_drops_only_the_selected_elements_own_signature() {
    let out = c14n_ok(&["--id", "_assert", "--omit-signature"], DOC.as_bytes());
    assert_eq!(out, assertion(false, false, ""));
    // Only the direct child is left out: the Response's own Signature goes,
    // the Assertion's stays.
    let out = c14n_ok(&["--id", "_resp", "--omit-signature"], DOC.as_bytes());
    assert_eq!(out, response(false, false));
    assert!(out.contains(ASSERTION_SIGNATURE));
    // Without --id it is the root element's Signature.
    assert_eq!(c14n_ok(&["--omit-signature"], DOC.as_bytes()), response(false, false));
}

#[test]
fn omit_signature_without_one_omits_nothing() {
    let doc = br#"<r ID="x"><a/></r>"#;
    let path = temp_file(doc);
    let out = samlguard(&["c14n", "--omit-signature", "--id", "x", path.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, b"<r ID=\"x\"><a></a></r>");
    assert!(stderr(&out).contains("nothing was omitted"));
}

#[test]
fn inclusive_namespaces_render_the_listed_prefixes() {
    let out = c14n_ok(&["--id", "_assert", "--inclusive-namespaces", "xs samlp"], DOC.as_bytes());
    assert_eq!(
        out,
        assertion(
            false,
            true,
            r#" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:xs="http://www.w3.org/2001/XMLSchema""#
        )
    );
    // #default with no default namespace in scope adds nothing.
    assert_eq!(
        c14n_ok(&["--id", "_assert", "--inclusive-namespaces", "#default"], DOC.as_bytes()),
        assertion(false, true, "")
    );
}

#[test]
fn inclusive_namespaces_default_renders_the_default_namespace() {
    let doc = br#"<r xmlns="urn:d" xmlns:p="urn:p"><p:e ID="e"><p:f/></p:e></r>"#;
    assert_eq!(c14n_ok(&["--id", "e"], doc), r#"<p:e xmlns:p="urn:p" ID="e"><p:f></p:f></p:e>"#);
    assert_eq!(
        c14n_ok(&["--id", "e", "--inclusive-namespaces", "#default"], doc),
        r#"<p:e xmlns="urn:d" xmlns:p="urn:p" ID="e"><p:f></p:f></p:e>"#
    );
}

#[test]
fn inclusive_c14n() {
    // `xmllint --c14n` of DOC (whole document, with comments); without
    // comments the same bytes minus the comments.
    let expected = r#"<!--before-->
<samlp:Response xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="_resp" Version="2.0">
  <saml:Issuer>https://sts.windows.net/t/</saml:Issuer>
  <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo></ds:SignedInfo></ds:Signature>
  <saml:Assertion ID="_assert" a="1" b="2"><!--inner--><saml:Issuer>x</saml:Issuer><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignatureValue>AA==</ds:SignatureValue></ds:Signature><saml:AttributeValue>v &amp; wA</saml:AttributeValue></saml:Assertion>
</samlp:Response>
<!--after-->"#;
    assert_eq!(c14n_ok(&["--inclusive", "--with-comments"], DOC.as_bytes()), expected);
    let without =
        expected.replace("<!--before-->\n", "").replace("<!--inner-->", "").replace("\n<!--after-->", "");
    assert_eq!(c14n_ok(&["--inclusive"], DOC.as_bytes()), without);
    // An element renders every namespace in scope (libxml2 on the subtree's node-set).
    assert_eq!(
        c14n_ok(&["--inclusive", "--id", "_assert"], DOC.as_bytes()),
        assertion(
            false,
            true,
            r#" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:xs="http://www.w3.org/2001/XMLSchema""#
        )
    );
    let path = temp_file(DOC.as_bytes());
    let out =
        samlguard(&["c14n", "--inclusive", "--inclusive-namespaces", "xs", path.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn dash_reads_the_document_from_stdin() {
    let out = samlguard(&["c14n", "--id", "_assert", "-"], Some(DOC.as_bytes()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), assertion(false, true, ""));
}

#[test]
fn base64_input_wrapped_with_crlf_is_decoded() {
    let encoded = STANDARD.encode(DOC);
    let wrapped: Vec<&str> = encoded.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect();
    let input = format!("\n{}\r\n", wrapped.join("\r\n"));
    assert_eq!(c14n_ok(&["--id", "_assert"], input.as_bytes()), assertion(false, true, ""));
}

#[test]
fn form_body_on_stdin_is_decoded() {
    let value = common::form_encode(&STANDARD.encode(DOC));
    let body = format!("RelayState=https%3A%2F%2Fexample.com%2F&SAMLResponse={value}");
    let out = samlguard(&["c14n", "--omit-signature", "--id", "_assert", "-"], Some(body.as_bytes()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), assertion(false, false, ""));
}

#[test]
fn malformed_xml_exits_1_with_kind_and_position() {
    let path = temp_file(b"<a>\n  <b></a>");
    let out = samlguard(&["c14n", path.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.starts_with("error: mismatched_tag at 2:6: "), "{err}");
    assert!(err.contains("end tag does not match start tag"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn duplicate_id_exits_1() {
    let out = samlguard(&["c14n", "-"], Some(br#"<a ID="x"><b ID="x"/></a>"#));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error: duplicate_id at 1:"), "{}", stderr(&out));
}

#[test]
fn undecodable_input_exits_1_with_kind() {
    let out = samlguard(&["c14n", "-"], Some(b"RelayState=x"));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error: missing_saml_response: "), "{}", stderr(&out));
    let out = samlguard(&["c14n", "-"], Some(b"PGEvPg"));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error: invalid_base64: "), "{}", stderr(&out));
}

#[test]
fn unknown_id_exits_1() {
    let path = temp_file(DOC.as_bytes());
    let out = samlguard(&["c14n", "--id", "_nope", path.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.starts_with("error: id_not_found: ") && err.contains("_nope"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let path = temp_file(DOC.as_bytes());
    let path = path.to_str().unwrap();
    for args in [
        &["c14n", "--no-such-flag", path][..],
        &["c14n"],
        &["c14n", "--id"],
        &["c14n", "--inclusive-namespaces", "ok 1bad", path],
        &["frobnicate", path],
        &[],
    ] {
        let out = samlguard(args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn unreadable_input_exits_2() {
    let missing = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("does-not-exist.xml");
    let out = samlguard(&["c14n", missing.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("error: input_unreadable: "), "{}", stderr(&out));
}

#[test]
fn nesting_128_and_200_levels_canonicalizes_declaring_the_prefix_once() {
    for depth in [128usize, 200] {
        let mut doc = String::new();
        for i in 0..depth {
            doc.push_str(&format!("<p:e{i} xmlns:p=\"urn:p\" ID=\"n{i}\">"));
        }
        doc.push_str("leaf");
        for i in (0..depth).rev() {
            doc.push_str(&format!("</p:e{i}>"));
        }
        // The root renders the declaration once; descendants do not repeat it.
        let mut expected = String::new();
        for i in 0..depth {
            let ns = if i == 0 { " xmlns:p=\"urn:p\"" } else { "" };
            expected.push_str(&format!("<p:e{i}{ns} ID=\"n{i}\">"));
        }
        expected.push_str("leaf");
        for i in (0..depth).rev() {
            expected.push_str(&format!("</p:e{i}>"));
        }
        assert_eq!(c14n_ok(&[], doc.as_bytes()), expected, "depth {depth}");
        let inner = format!("n{}", depth - 1);
        assert_eq!(
            c14n_ok(&["--id", &inner], doc.as_bytes()),
            format!("<p:e{0} xmlns:p=\"urn:p\" ID=\"n{0}\">leaf</p:e{0}>", depth - 1),
            "depth {depth}"
        );
    }
}
