//! Crypto values inside a Signature: plain base64 text, nothing else.

use std::borrow::Cow;

use base64::Engine as _;

use super::SignatureError;
use crate::xml::{Document, NodeId, NodeKind};

/// The text of a crypto value element: text nodes only, no comment, PI or
/// element (CVE-2025-29775: a DigestValue read from a comment).
pub(crate) fn crypto_text<'d>(
    doc: &'d Document<'_>,
    node: NodeId,
    what: &'static str,
) -> Result<Cow<'d, str>, SignatureError> {
    if doc.children(node).any(|c| !matches!(doc.node(c).kind(), NodeKind::Text(_))) {
        return Err(SignatureError::CryptoText(what));
    }
    doc.text_content(node).ok_or(SignatureError::CryptoText(what))
}

/// Base64 text without the whitespace XML-DSig allows inside it (borrowed
/// when there is none, as in Entra's certificates and signature values).
pub(crate) fn compact_base64(text: &str) -> Cow<'_, [u8]> {
    let is_space = |b: u8| (b == b' ') | (b == b'\t') | (b == b'\n') | (b == b'\r');
    if !crate::bytes::any_byte(text.as_bytes(), is_space) {
        return Cow::Borrowed(text.as_bytes());
    }
    Cow::Owned(text.bytes().filter(|&b| !is_space(b)).collect())
}

/// Decodes compact base64; empty is refused.
pub(crate) fn decode_compact(compact: &[u8], what: &'static str) -> Result<Vec<u8>, SignatureError> {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|_| SignatureError::Base64(what))?;
    if decoded.is_empty() {
        return Err(SignatureError::Base64(what));
    }
    Ok(decoded)
}

/// The decoded base64 text of a crypto value element (whitespace allowed,
/// nothing but text inside).
pub(crate) fn decode_base64(
    doc: &Document<'_>,
    node: NodeId,
    what: &'static str,
) -> Result<Vec<u8>, SignatureError> {
    decode_compact(&compact_base64(&crypto_text(doc, node, what)?), what)
}

/// Compares in time independent of where the first difference is.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_accepts_whitespace_and_refuses_comments() {
        let doc = crate::xml::parse(b"<a><v> QUJD\r\n REVG </v><w>QUJD<!--x-->REVG</w></a>").unwrap();
        let mut children = doc.child_elements(doc.root());
        let v = children.next().unwrap().id();
        let w = children.next().unwrap().id();
        assert_eq!(decode_base64(&doc, v, "DigestValue").unwrap(), b"ABCDEF");
        assert_eq!(decode_base64(&doc, w, "DigestValue"), Err(SignatureError::CryptoText("DigestValue")));
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
