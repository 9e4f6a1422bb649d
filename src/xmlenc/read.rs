//! Reading `saml:EncryptedAssertion`: its one `xenc:EncryptedData`, the one
//! `xenc:EncryptedKey` that carries the content key, and their ciphertexts.
//!
//! Everything here depends only on the document, which anyone can read, and
//! happens before any private key is used; every refusal names what is wrong.
//!
//! Where the content key may be (SAML core §6.2, XML Encryption 1.1 §3.5):
//!
//! - inside `EncryptedData/ds:KeyInfo` (Entra ID, Okta, most IdPs; xmlsec1's
//!   templates): `KeyInfo` then holds only `xenc:EncryptedKey` elements, and
//!   the EncryptedAssertion holds no other EncryptedKey;
//! - beside the EncryptedData, as a child of the EncryptedAssertion (what
//!   Shibboleth calls the "peer" placement), named from `EncryptedData/KeyInfo`
//!   by exactly one `ds:RetrievalMethod` with
//!   `Type="http://www.w3.org/2001/04/xmlenc#EncryptedKey"` and `URI="#id"`
//!   (the sibling with `Id="id"`), or by exactly one `ds:KeyName` (the
//!   siblings whose `CarriedKeyName` is that name). Every sibling must be one
//!   of those named.
//!
//! Nothing outside the EncryptedAssertion is ever looked up: a RetrievalMethod
//! to another document, to an element elsewhere in this one, or with
//! Transforms is refused, as is a `CipherReference`. When several
//! EncryptedKeys remain (several recipients), the options' recipient picks
//! the one whose `Recipient` is this SP; if that does not leave exactly one,
//! the document is refused rather than guessed at.

use std::borrow::Cow;

use base64::Engine as _;

use super::error::XmlEncError;
use super::{DecryptionOptions, content, key_transport};
use crate::crypto::cipher::ContentEncryption;
use crate::crypto::decryption::{KeyHint, OaepParams};
use crate::xml::{Document, ElementRef, NodeId, NodeKind};

pub(crate) const XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
pub(crate) const XENC11: &str = "http://www.w3.org/2009/xmlenc11#";
pub(crate) const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const DSIG11: &str = "http://www.w3.org/2009/xmldsig11#";
const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const TYPE_ELEMENT: &str = "http://www.w3.org/2001/04/xmlenc#Element";
const TYPE_ENCRYPTED_KEY: &str = "http://www.w3.org/2001/04/xmlenc#EncryptedKey";

type El<'d, 'a> = ElementRef<'d, 'a>;

/// What decryption needs, read and checked.
pub(crate) struct EncryptedParts {
    pub(crate) content: ContentEncryption,
    pub(crate) content_cipher: Vec<u8>,
    pub(crate) transport: OaepParams,
    pub(crate) key_cipher: Vec<u8>,
    pub(crate) hint: KeyHint,
}

/// Reads the EncryptedAssertion `node`.
pub(crate) fn read(
    doc: &Document<'_>,
    node: NodeId,
    options: &DecryptionOptions,
) -> Result<EncryptedParts, XmlEncError> {
    let assertion = doc
        .element(node)
        .filter(|e| e.is(SAML, "EncryptedAssertion"))
        .ok_or(XmlEncError::Structure("the node is not a saml:EncryptedAssertion"))?;
    let mut children = Cursor::new(element_children(doc, assertion.id(), "text inside EncryptedAssertion")?);
    let data = children
        .take(XENC, "EncryptedData")
        .ok_or(XmlEncError::Structure("EncryptedAssertion does not start with xenc:EncryptedData"))?;
    let mut siblings = Vec::new();
    while let Some(key) = children.take(XENC, "EncryptedKey") {
        siblings.push(key);
    }
    if children.next_is(XENC, "EncryptedData") {
        return Err(XmlEncError::Structure("more than one EncryptedData in the EncryptedAssertion"));
    }
    children.end("EncryptedAssertion holds something other than EncryptedData and EncryptedKey")?;

    // EncryptedData: EncryptionMethod, KeyInfo, CipherData (no EncryptionProperties).
    match data.attribute("", "Type") {
        None | Some(TYPE_ELEMENT) => {}
        Some(_) => return Err(XmlEncError::Structure("EncryptedData Type is not …xmlenc#Element")),
    }
    let mut parts = Cursor::new(element_children(doc, data.id(), "text inside EncryptedData")?);
    let method = parts
        .take(XENC, "EncryptionMethod")
        .ok_or(XmlEncError::Structure("EncryptedData without EncryptionMethod"))?;
    let key_info = parts.take(DS, "KeyInfo");
    let cipher_data =
        parts.take(XENC, "CipherData").ok_or(XmlEncError::Structure("EncryptedData without CipherData"))?;
    parts.end("unexpected or repeated element in EncryptedData")?;
    let content = content::read_method(doc, method)?;
    if content.is_cbc() && options.gcm_only {
        return Err(XmlEncError::CbcNotAllowed);
    }
    let content_cipher = cipher_value(doc, cipher_data, "EncryptedData CipherValue")?;

    let key_info =
        key_info.ok_or(XmlEncError::KeyReference("EncryptedData has no KeyInfo naming its key"))?;
    let key = content_key(doc, key_info, &siblings, options)?;
    read_encrypted_key(doc, key, data, content, content_cipher)
}

/// The one EncryptedKey `EncryptedData/KeyInfo` leads to.
fn content_key<'d, 'a>(
    doc: &'d Document<'a>,
    key_info: El<'d, 'a>,
    siblings: &[El<'d, 'a>],
    options: &DecryptionOptions,
) -> Result<El<'d, 'a>, XmlEncError> {
    let references = element_children(doc, key_info.id(), "text inside EncryptedData KeyInfo")?;
    let mut candidates = match references.as_slice() {
        [] => return Err(XmlEncError::KeyReference("EncryptedData KeyInfo is empty")),
        inline if inline.iter().all(|e| e.is(XENC, "EncryptedKey")) => {
            if !siblings.is_empty() {
                return Err(XmlEncError::KeyReference(
                    "an EncryptedKey beside the EncryptedData while its KeyInfo holds the key",
                ));
            }
            inline.to_vec()
        }
        [method] if method.is(DS, "RetrievalMethod") => {
            let id = retrieval_target(doc, *method)?;
            let named: Vec<_> =
                siblings.iter().copied().filter(|k| k.attribute("", "Id") == Some(id)).collect();
            if named.is_empty() {
                return Err(XmlEncError::KeyReference(
                    "RetrievalMethod names no EncryptedKey beside the EncryptedData",
                ));
            }
            named
        }
        [name] if name.is(DS, "KeyName") => {
            let name = plain_text(doc, *name).ok_or(XmlEncError::Structure("KeyName holds markup"))?;
            let named: Vec<_> = siblings
                .iter()
                .copied()
                .filter(|k| carried_key_name(doc, *k).as_deref() == Some(name.as_ref()))
                .collect();
            if named.is_empty() {
                return Err(XmlEncError::KeyReference(
                    "no EncryptedKey carries the KeyName of the EncryptedData",
                ));
            }
            named
        }
        _ => {
            return Err(XmlEncError::KeyReference(
                "EncryptedData KeyInfo must hold EncryptedKey elements, or one RetrievalMethod or KeyName",
            ));
        }
    };
    if candidates.len() != siblings.len() && !siblings.is_empty() {
        return Err(XmlEncError::KeyReference(
            "an EncryptedKey beside the EncryptedData is not the one named",
        ));
    }
    if let Some(recipient) = &options.recipient {
        candidates.retain(|k| k.attribute("", "Recipient").is_none_or(|r| r == recipient));
    }
    match candidates.as_slice() {
        [key] => Ok(*key),
        [] => Err(XmlEncError::KeyReference("no EncryptedKey is addressed to this recipient")),
        _ => Err(XmlEncError::KeyReference("several EncryptedKeys could carry the content key")),
    }
}

/// The id a `ds:RetrievalMethod` names: `URI="#id"` with the EncryptedKey type.
fn retrieval_target<'d>(doc: &'d Document<'_>, method: El<'d, '_>) -> Result<&'d str, XmlEncError> {
    if method.attribute("", "Type") != Some(TYPE_ENCRYPTED_KEY) {
        return Err(XmlEncError::KeyReference("RetrievalMethod Type is not …xmlenc#EncryptedKey"));
    }
    if doc.children(method.id()).next().is_some() {
        return Err(XmlEncError::KeyReference("RetrievalMethod with Transforms or content"));
    }
    method
        .attribute("", "URI")
        .and_then(|uri| uri.strip_prefix('#'))
        .filter(|id| crate::xml::is_ncname(id))
        .ok_or(XmlEncError::KeyReference("RetrievalMethod URI is not a same-document reference #id"))
}

fn carried_key_name<'d>(doc: &'d Document<'_>, key: El<'d, '_>) -> Option<Cow<'d, str>> {
    let name = doc.child_elements(key.id()).filter(|e| e.is(XENC, "CarriedKeyName")).last()?;
    plain_text(doc, name)
}

/// Reads the EncryptedKey: EncryptionMethod, KeyInfo?, CipherData,
/// ReferenceList?, CarriedKeyName? (no EncryptionProperties).
fn read_encrypted_key(
    doc: &Document<'_>,
    key: El<'_, '_>,
    data: El<'_, '_>,
    content: ContentEncryption,
    content_cipher: Vec<u8>,
) -> Result<EncryptedParts, XmlEncError> {
    let mut parts = Cursor::new(element_children(doc, key.id(), "text inside EncryptedKey")?);
    let method = parts
        .take(XENC, "EncryptionMethod")
        .ok_or(XmlEncError::Structure("EncryptedKey without EncryptionMethod"))?;
    let transport = key_transport::read_method(doc, method)?;
    let key_info = parts.take(DS, "KeyInfo");
    let cipher_data =
        parts.take(XENC, "CipherData").ok_or(XmlEncError::Structure("EncryptedKey without CipherData"))?;
    let reference_list = parts.take(XENC, "ReferenceList");
    parts.take(XENC, "CarriedKeyName");
    parts.end("unexpected or repeated element in EncryptedKey")?;
    if let Some(list) = reference_list {
        check_reference_list(doc, list, data)?;
    }
    let hint = match key_info {
        Some(info) => read_hint(doc, info)?,
        None => KeyHint::default(),
    };
    let key_cipher = cipher_value(doc, cipher_data, "EncryptedKey CipherValue")?;
    Ok(EncryptedParts { content, content_cipher, transport, key_cipher, hint })
}

/// A ReferenceList, when present, must name this EncryptedData (`#` + its Id)
/// with DataReference elements only.
fn check_reference_list(doc: &Document<'_>, list: El<'_, '_>, data: El<'_, '_>) -> Result<(), XmlEncError> {
    let references = element_children(doc, list.id(), "text inside ReferenceList")?;
    let own = data.attribute("", "Id");
    let mut names_data = false;
    for reference in references {
        if !reference.is(XENC, "DataReference") {
            return Err(XmlEncError::Structure("ReferenceList holds something other than DataReference"));
        }
        let uri = reference.attribute("", "URI").and_then(|u| u.strip_prefix('#'));
        names_data |= uri.is_some() && uri == own;
    }
    if !names_data {
        return Err(XmlEncError::Structure(
            "the EncryptedKey's ReferenceList does not name the EncryptedData",
        ));
    }
    Ok(())
}

/// What the EncryptedKey's KeyInfo says about the SP key: X509Data
/// (X509Certificate, X509SKI, X509IssuerSerial) and KeyName are read; other
/// ways of naming a key (KeyValue, a WS-Security SecurityTokenReference, ...)
/// are ignored, and so are unreadable values, since a hint decides nothing.
/// What would make the SP key itself come from elsewhere (RetrievalMethod,
/// KeyInfoReference, a nested EncryptedKey, AgreementMethod, DerivedKey) is
/// refused: it is never followed.
fn read_hint(doc: &Document<'_>, key_info: El<'_, '_>) -> Result<KeyHint, XmlEncError> {
    let mut hint = KeyHint::default();
    for child in element_children(doc, key_info.id(), "text inside EncryptedKey KeyInfo")? {
        if child.is(DS, "KeyName") {
            hint.names.extend(plain_text(doc, child).map(|t| t.trim().to_owned()));
        } else if child.is(DS, "X509Data") {
            for item in doc.child_elements(child.id()) {
                if item.is(DS, "X509Certificate") {
                    hint.certificates.extend(plain_text(doc, item).map(|t| compact(&t)));
                } else if item.is(DS, "X509SKI") {
                    hint.subject_key_ids
                        .extend(plain_text(doc, item).and_then(|t| decode(&compact(&t)).ok()));
                } else if item.is(DS, "X509IssuerSerial") {
                    let serial = doc.child_elements(item.id()).find(|e| e.is(DS, "X509SerialNumber"));
                    hint.serials.extend(serial.and_then(|s| plain_text(doc, s)).map(|t| t.trim().to_owned()));
                }
            }
        } else if child.is(DS, "RetrievalMethod")
            || child.is(DSIG11, "KeyInfoReference")
            || child.is(XENC, "EncryptedKey")
            || child.is(XENC, "AgreementMethod")
            || child.is(XENC11, "DerivedKey")
        {
            return Err(XmlEncError::Structure(
                "EncryptedKey KeyInfo points elsewhere for the SP key (RetrievalMethod, EncryptedKey...)",
            ));
        }
    }
    Ok(hint)
}

/// The decoded base64 of the one CipherValue in `cipher_data` (a
/// CipherReference is refused).
fn cipher_value(
    doc: &Document<'_>,
    cipher_data: El<'_, '_>,
    what: &'static str,
) -> Result<Vec<u8>, XmlEncError> {
    match element_children(doc, cipher_data.id(), "text inside CipherData")?.as_slice() {
        [value] if value.is(XENC, "CipherValue") => base64_value(doc, *value, what),
        [reference] if reference.is(XENC, "CipherReference") => {
            Err(XmlEncError::Structure("CipherReference (ciphertext stored elsewhere) is not supported"))
        }
        _ => Err(XmlEncError::Structure("CipherData must hold exactly one CipherValue")),
    }
}

/// The decoded base64 text of a crypto value: text only (no comment, PI or
/// element), XML whitespace allowed, standard padded base64, not empty.
pub(crate) fn base64_value(
    doc: &Document<'_>,
    node: El<'_, '_>,
    what: &'static str,
) -> Result<Vec<u8>, XmlEncError> {
    let text = plain_text(doc, node).ok_or(XmlEncError::CipherValueEncoding(what))?;
    match decode(&compact(&text)) {
        Ok(bytes) if !bytes.is_empty() => Ok(bytes),
        _ => Err(XmlEncError::CipherValueEncoding(what)),
    }
}

/// The text of an element that holds nothing but text.
pub(crate) fn plain_text<'d>(doc: &'d Document<'_>, node: El<'d, '_>) -> Option<Cow<'d, str>> {
    if doc.children(node.id()).any(|c| !matches!(doc.node(c).kind(), NodeKind::Text(_))) {
        return None;
    }
    doc.text_content(node.id())
}

fn compact(text: &str) -> Vec<u8> {
    text.bytes().filter(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r')).collect()
}

fn decode(compact: &[u8]) -> Result<Vec<u8>, base64::DecodeError> {
    base64::engine::general_purpose::STANDARD.decode(compact)
}

/// Element children of a structure element; non-whitespace text is refused.
pub(crate) fn element_children<'d, 'a>(
    doc: &'d Document<'a>,
    node: NodeId,
    what: &'static str,
) -> Result<Vec<El<'d, 'a>>, XmlEncError> {
    doc.element_only_children(node).map(Iterator::collect).ok_or(XmlEncError::Structure(what))
}

/// Reads a sequence of child elements in schema order.
pub(crate) struct Cursor<'d, 'a> {
    items: Vec<El<'d, 'a>>,
    next: usize,
}

impl<'d, 'a> Cursor<'d, 'a> {
    pub(crate) fn new(items: Vec<El<'d, 'a>>) -> Self {
        Self { items, next: 0 }
    }

    pub(crate) fn next_is(&self, namespace: &str, local: &str) -> bool {
        self.items.get(self.next).is_some_and(|e| e.is(namespace, local))
    }

    /// The next element when it is `namespace:local`.
    pub(crate) fn take(&mut self, namespace: &str, local: &str) -> Option<El<'d, 'a>> {
        let item = self.items.get(self.next).filter(|e| e.is(namespace, local)).copied()?;
        self.next += 1;
        Some(item)
    }

    /// Refuses anything left.
    pub(crate) fn end(&self, what: &'static str) -> Result<(), XmlEncError> {
        if self.next == self.items.len() { Ok(()) } else { Err(XmlEncError::Structure(what)) }
    }
}
