//! `input::decode`: every accepted form, every error kind, and a round-trip
//! property over base64 wrapping and form encoding.

mod common;

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::form_encode;
use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, RngSeed};
use samlguard::input::{self, InputError, InputLimits};

const XML: &[u8] = br#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1"/>"#;

fn decode(input: &[u8]) -> Result<Vec<u8>, InputError> {
    input::decode(input, &InputLimits::default()).map(Cow::into_owned)
}

fn kind(input: &[u8]) -> &'static str {
    match decode(input) {
        Ok(bytes) => panic!("accepted: {:?}", String::from_utf8_lossy(&bytes)),
        Err(e) => e.kind().as_str(),
    }
}

fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

#[test]
fn raw_xml_is_returned_borrowed_and_unchanged() {
    for input in [XML.to_vec(), [b"\xEF\xBB\xBF".as_slice(), XML].concat(), [b"\r\n \t", XML, b"\n"].concat()]
    {
        let out = input::decode(&input, &InputLimits::default()).unwrap();
        assert!(matches!(out, Cow::Borrowed(_)));
        assert_eq!(&*out, &input[..]);
    }
}

#[test]
fn base64_on_one_line_is_decoded() {
    assert_eq!(decode(b64(XML).as_bytes()).unwrap(), XML);
}

#[test]
fn base64_wrapped_with_crlf_tabs_and_blanks_is_decoded() {
    let text = b64(XML);
    let wrapped: Vec<String> =
        text.as_bytes().chunks(16).map(|c| String::from_utf8_lossy(c).into()).collect();
    let input = format!("\r\n\t  {}\t \r\n\r\n", wrapped.join("\r\n\t "));
    assert_eq!(decode(input.as_bytes()).unwrap(), XML);
}

#[test]
fn base64_after_a_bom_is_decoded() {
    let input = format!("\u{FEFF}{}\n", b64(XML));
    assert_eq!(decode(input.as_bytes()).unwrap(), XML);
}

#[test]
fn base64_of_xml_with_bom_and_leading_whitespace_keeps_them() {
    let xml = [b"\xEF\xBB\xBF\n ".as_slice(), XML].concat();
    assert_eq!(decode(b64(&xml).as_bytes()).unwrap(), xml);
}

#[test]
fn form_body_field_order_and_extra_fields_do_not_matter() {
    let value = form_encode(&b64(XML));
    for body in [
        format!("SAMLResponse={value}"),
        format!("SAMLResponse={value}&RelayState=https%3A%2F%2Fconsole.aws.amazon.com%2F"),
        format!("RelayState=abc+def&SAMLResponse={value}"),
        format!("a=1&RelayState=&SAMLResponse={value}&b=%7E\r\n"),
        format!("&&SAMLResponse={value}&"),
    ] {
        assert_eq!(decode(body.as_bytes()).unwrap(), XML, "{body}");
    }
}

#[test]
fn form_body_with_lowercase_escapes_and_encoded_line_breaks_is_decoded() {
    let wrapped: String =
        b64(XML).as_bytes().chunks(8).map(|c| String::from_utf8_lossy(c) + "\r\n").collect();
    let body =
        format!("SAMLResponse={}", form_encode(&wrapped).replace("%2B", "%2b").replace("%0D%0A", "%0d%0a"));
    assert_eq!(decode(body.as_bytes()).unwrap(), XML);
}

#[test]
fn form_key_may_be_percent_encoded() {
    let body = format!("SAML%52esponse={}", form_encode(&b64(XML)));
    assert_eq!(decode(body.as_bytes()).unwrap(), XML);
}

#[test]
fn blank_input_is_input_empty() {
    assert_eq!(kind(b""), "input_empty");
    assert_eq!(kind(b"\r\n\t "), "input_empty");
    assert_eq!(kind(b"\xEF\xBB\xBF  "), "input_empty");
}

#[test]
fn input_too_large_is_checked_before_anything_else() {
    let limits = InputLimits::new(10, 1000);
    // Not even base64, but the size is refused before anything is looked at.
    let e = input::decode(b"@@@@@@@@@@@", &limits).unwrap_err();
    assert_eq!(e, InputError::TooLarge { len: 11, limit: 10 });
    assert_eq!(e.kind(), "input_too_large");
    assert!(input::decode(b"<a>x</a>", &limits).is_ok());
}

#[test]
fn decoded_too_large_above_the_limit_and_accepted_at_it() {
    let limits = InputLimits::new(1000, 10);
    let e = input::decode(b64(XML).as_bytes(), &limits).unwrap_err();
    assert_eq!(e, InputError::DecodedTooLarge { len: XML.len(), limit: 10 });
    assert_eq!(e.kind(), "decoded_too_large");
    assert_eq!(input::decode(XML, &limits).unwrap_err().kind(), "decoded_too_large");
    // Exactly at the limit is fine.
    let limits = InputLimits::new(1000, XML.len());
    assert_eq!(&*input::decode(b64(XML).as_bytes(), &limits).unwrap(), XML);
}

#[test]
fn aws_console_limit_is_100000_base64_characters() {
    let limits = InputLimits::aws_console();
    let xml_of = |n: usize| {
        let mut xml = b"<a>".to_vec();
        xml.resize(n - 4, b'x');
        xml.extend_from_slice(b"</a>");
        xml
    };
    let at = b64(&xml_of(75_000));
    assert_eq!(at.len(), 100_000);
    assert!(input::decode(at.as_bytes(), &limits).is_ok());
    let over = b64(&xml_of(75_001));
    assert_eq!(over.len(), 100_004);
    assert_eq!(input::decode(over.as_bytes(), &limits).unwrap_err().kind(), "decoded_too_large");
    // The quota counts base64 characters, so wrapping or form encoding does not change it.
    let body = format!("RelayState=x&SAMLResponse={}", form_encode(&at));
    assert!(body.len() > 100_000);
    assert!(input::decode(body.as_bytes(), &limits).is_ok());
}

#[test]
fn client_vpn_limit_is_128_kib_of_xml() {
    let limits = InputLimits::client_vpn();
    let mut xml = b"<a>".to_vec();
    xml.resize(131_072 - 4, b'x');
    xml.extend_from_slice(b"</a>");
    assert!(input::decode(&xml, &limits).is_ok());
    assert!(input::decode(b64(&xml).as_bytes(), &limits).is_ok());
    xml.insert(1, b'a');
    assert_eq!(input::decode(&xml, &limits).unwrap_err().kind(), "decoded_too_large");
    assert_eq!(input::decode(b64(&xml).as_bytes(), &limits).unwrap_err().kind(), "decoded_too_large");
}

#[test]
fn truncated_url_safe_padded_inside_or_non_canonical_base64_is_invalid() {
    let good = b64(XML);
    assert!(good.ends_with('='), "the fixture must need padding");
    // Missing padding (truncated copy).
    assert_eq!(kind(good.trim_end_matches('=').as_bytes()), "invalid_base64");
    // URL-safe alphabet: "PGE+PC9hPg==" is "<a></a>".
    assert_eq!(decode(b"PGE+PC9hPg==").unwrap(), b"<a></a>");
    assert_eq!(kind(b"PGE-PC9hPg=="), "invalid_base64");
    // Padding in the middle.
    assert_eq!(kind(format!("{good}{good}").as_bytes()), "invalid_base64");
    // Non-canonical trailing bits: "PGEvPg==" is "<a/>"; "PGEvPh==" differs only in unused bits.
    assert_eq!(decode(b"PGEvPg==").unwrap(), b"<a/>");
    assert_eq!(kind(b"PGEvPh=="), "invalid_base64");
    // Non-ASCII inside.
    assert_eq!(kind("PGEv\u{e9}Pg==".as_bytes()), "invalid_base64");
    // An empty SAMLResponse field.
    assert_eq!(kind(b"SAMLResponse=&RelayState=x"), "invalid_base64");
}

#[test]
fn invalid_base64_messages_say_what_was_expected() {
    let e = decode(b"PGEvPg").unwrap_err();
    assert!(e.to_string().contains("padding"), "{e}");
    let e = decode(b"PGEv_g==").unwrap_err();
    assert!(e.to_string().contains("'_'") && e.to_string().contains("URL-safe"), "{e}");
    // A raw '+' in a form body is a space; the message says so.
    let e = decode(b"SAMLResponse=PGE+PC9hPg==").unwrap_err();
    assert!(e.to_string().contains("%2B"), "{e}");
}

#[test]
fn bad_percent_escapes_and_empty_keys_are_invalid_form_encoding() {
    let value = form_encode(&b64(XML));
    for body in [
        format!("SAMLResponse={value}%"),
        format!("SAMLResponse={value}%4"),
        format!("SAMLResponse={value}&RelayState=%G0"),
        format!("RelayState=%%&SAMLResponse={value}"),
        format!("SAML%5response={value}"),
        format!("=x&SAMLResponse={value}"),
    ] {
        assert_eq!(kind(body.as_bytes()), "invalid_form_encoding", "{body}");
    }
    let e = decode(b"SAMLResponse=PGEvPg%3D%3D&RelayState=%zz").unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid form body (application/x-www-form-urlencoded) at byte 37: '%' must be followed by two hexadecimal digits"
    );
}

#[test]
fn forms_without_an_exact_saml_response_key_are_refused() {
    assert_eq!(kind(b"RelayState=abc"), "missing_saml_response");
    assert_eq!(kind(b"samlresponse=PGEvPg%3D%3D"), "decorated_saml_response");
    assert_eq!(kind(b"SAMLRequest=PGEvPg%3D%3D&RelayState=x"), "missing_saml_response");
}

/// A key that differs from SAMLResponse only by decoration is refused, so
/// that the embedding application's own form parser (which may trim, stop at
/// a NUL or build arrays from `[]`) cannot pick a different value than ours.
#[test]
fn decorated_saml_response_keys_are_refused() {
    let value = form_encode(&b64(XML));
    for key in [
        "SAMLResponse[]",
        "SAMLResponse[0]",
        "SAMLResponse%00",
        "SAMLResponse%20",
        "SAMLResponse+",
        "%20SAMLResponse",
        "SAML%00Response",
        "SAMLRESPONSE",
        "SAMLResponse%0A",
    ] {
        // Alone, and beside a genuine field in either order.
        for body in [
            format!("{key}={value}"),
            format!("SAMLResponse={value}&{key}={value}"),
            format!("{key}={value}&SAMLResponse={value}"),
        ] {
            assert_eq!(kind(body.as_bytes()), "decorated_saml_response", "{body}");
        }
    }
    // Names that merely start alike are other fields.
    for key in ["SAMLResponseX", "SAMLRequest", "RelayState"] {
        let body = format!("SAMLResponse={value}&{key}=x");
        assert!(input::decode(body.as_bytes(), &InputLimits::default()).is_ok(), "{body}");
    }
}

#[test]
fn two_saml_response_fields_are_refused_even_percent_encoded() {
    let value = form_encode(&b64(XML));
    let body = format!("SAMLResponse={value}&RelayState=x&SAMLResponse={value}");
    assert_eq!(kind(body.as_bytes()), "duplicate_saml_response");
    // Also when the second spelling is percent-encoded.
    let body = format!("SAMLResponse={value}&SAMLRespons%65={value}");
    assert_eq!(kind(body.as_bytes()), "duplicate_saml_response");
}

#[test]
fn json_utf16_and_binary_payloads_are_not_xml() {
    assert_eq!(kind(br#"{"SAMLResponse":"x"}"#), "not_xml");
    assert_eq!(kind(b"\xFF\xFE<\0a\0/\0>\0"), "not_xml");
    // Base64 of something that is not XML (e.g. DEFLATE-compressed).
    assert_eq!(kind(b64(b"\x8b\x0e\x00hello").as_bytes()), "not_xml");
    assert_eq!(kind(b64(b"hello <a/>").as_bytes()), "not_xml");
}

#[test]
fn error_messages_say_what_was_expected() {
    let cases: [&[u8]; 4] =
        [b"", b"RelayState=x", b"SAMLResponse=PGEvPg%3D%3D&SAMLResponse=PGEvPg%3D%3D", b"{"];
    let expected = ["expected a SAML Response", "expected `SAMLResponse=", "exactly one", "expected XML"];
    for (input, needle) in cases.iter().zip(expected) {
        let message = decode(input).unwrap_err().to_string();
        assert!(message.contains(needle), "{message:?} should contain {needle:?}");
    }
}

#[test]
fn never_panics_on_garbage() {
    let mut state = 0x2545_f491_u32;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state
    };
    let alphabet = b"SAMLRespons=&%+/=<aAzZ09 \r\n\t\xEF\xBB\xBF\xFF";
    for _ in 0..20_000 {
        let len = (next() % 40) as usize;
        let input: Vec<u8> = (0..len).map(|_| alphabet[next() as usize % alphabet.len()]).collect();
        let _ = input::decode(&input, &InputLimits::new(30, 20));
    }
}

/// How a base64 text is laid out in the round-trip property.
#[derive(Debug, Clone)]
struct Layout {
    width: usize,
    crlf: bool,
    indent: &'static str,
    leading: &'static str,
    trailing: &'static str,
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        prop_oneof![Just(0usize), Just(64usize), Just(76usize)],
        any::<bool>(),
        prop_oneof![Just(""), Just("\t"), Just("  ")],
        prop_oneof![Just(""), Just(" "), Just("\r\n"), Just("\n\t ")],
        prop_oneof![Just(""), Just("\n"), Just("\r\n"), Just(" \t\r\n\r\n")],
    )
        .prop_map(|(width, crlf, indent, leading, trailing)| Layout {
            width,
            crlf,
            indent,
            leading,
            trailing,
        })
}

fn lay_out(text: &str, layout: &Layout) -> String {
    let newline = if layout.crlf { "\r\n" } else { "\n" };
    let lines: Vec<&str> = if layout.width == 0 {
        vec![text]
    } else {
        text.as_bytes().chunks(layout.width).map(|c| std::str::from_utf8(c).unwrap()).collect()
    };
    let body = lines.iter().map(|l| format!("{}{l}", layout.indent)).collect::<Vec<_>>().join(newline);
    format!("{}{body}{}", layout.leading, layout.trailing)
}

proptest! {
    // A fixed seed: every run tries the same cases; a failure's seed is also
    // appended to proptest-regressions/input.txt (commit it) and replays first.
    #![proptest_config(ProptestConfig {
        cases: 512,
        rng_seed: RngSeed::Fixed(0x0b64_f0e1),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/proptest-regressions/input.txt"
        )))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_base64_layout_or_form_body_decodes_to_the_original(
        tail in proptest::collection::vec(any::<u8>(), 0..600),
        layout in layout(),
        form in 0u8..4,
        relay in "[ -~]{0,20}",
        lowercase_hex in any::<bool>(),
    ) {
        let mut xml = vec![b'<'];
        xml.extend_from_slice(&tail);
        let text = lay_out(&b64(&xml), &layout);
        let input = if form == 0 {
            text
        } else {
            let mut value = form_encode(&text);
            if lowercase_hex {
                value = value.replace("%2B", "%2b").replace("%2F", "%2f").replace("%3D", "%3d");
            }
            let relay = form_encode(&relay);
            match form {
                1 => format!("SAMLResponse={value}"),
                2 => format!("RelayState={relay}&SAMLResponse={value}"),
                _ => format!("SAMLResponse={value}&RelayState={relay}"),
            }
        };
        let decoded = input::decode(input.as_bytes(), &InputLimits::default());
        prop_assert_eq!(decoded.map(Cow::into_owned), Ok(xml));
    }

    #[test]
    fn raw_xml_with_leading_whitespace_is_returned_borrowed(
        lead in "[ \t\r\n]{0,4}",
        tail in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut input = lead.into_bytes();
        input.push(b'<');
        input.extend_from_slice(&tail);
        let out = input::decode(&input, &InputLimits::default()).unwrap();
        prop_assert!(matches!(out, Cow::Borrowed(_)));
        prop_assert_eq!(&*out, &input[..]);
    }
}
