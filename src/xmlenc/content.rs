//! The content encryption method of an EncryptedData.
//!
//! Accepted: `http://www.w3.org/2001/04/xmlenc#aes128-cbc`, `…#aes256-cbc`,
//! `http://www.w3.org/2009/xmlenc11#aes128-gcm`, `…#aes256-gcm` (see
//! [`ContentEncryption`]), with an optional `xenc:KeySize` that must agree
//! with the algorithm. The decryption itself is the crypto stage's
//! ([`crypto::cipher`](crate::crypto::cipher)).

use super::error::XmlEncError;
use super::read::{Cursor, XENC, element_children, plain_text};
use crate::crypto::cipher::ContentEncryption;
use crate::text::Untrusted;
use crate::xml::{Document, ElementRef};

/// Reads an EncryptedData's EncryptionMethod: the Algorithm, and an
/// optional `xenc:KeySize` that must agree with it.
pub(crate) fn read_method(
    doc: &Document<'_>,
    method: ElementRef<'_, '_>,
) -> Result<ContentEncryption, XmlEncError> {
    let uri = method
        .attribute("", "Algorithm")
        .ok_or(XmlEncError::Structure("EncryptionMethod without Algorithm"))?;
    let algorithm = ContentEncryption::from_uri(uri).ok_or_else(|| XmlEncError::UnsupportedAlgorithm {
        role: "content encryption",
        uri: Untrusted::new(uri),
    })?;
    let mut children = Cursor::new(element_children(doc, method.id(), "text inside EncryptionMethod")?);
    if let Some(size) = children.take(XENC, "KeySize") {
        let bits = plain_text(doc, size).and_then(|t| t.trim().parse::<usize>().ok());
        if bits != Some(algorithm.key_len() * 8) {
            return Err(XmlEncError::Structure("KeySize does not match the content encryption algorithm"));
        }
    }
    children.end("unexpected element in the content EncryptionMethod")?;
    Ok(algorithm)
}
