//! Key transport: reading the EncryptedKey's RSA-OAEP parameters.
//!
//! Accepted (the EncryptedKey's EncryptionMethod):
//!
//! - `http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p`: the mask is MGF1 with
//!   SHA-1; the digest is SHA-1 unless a `ds:DigestMethod` child names
//!   another; an `xenc11:MGF` child is refused (the URI fixes the mask).
//! - `http://www.w3.org/2009/xmlenc11#rsa-oaep`: the digest from
//!   `ds:DigestMethod` (SHA-1 when absent), the mask from `xenc11:MGF`
//!   (`…xmlenc11#mgf1sha1`, `mgf1sha256`, `mgf1sha384`, `mgf1sha512`; MGF1
//!   with SHA-1 when absent).
//!
//! Digests: SHA-1 (`xmldsig#sha1`), SHA-256 (`xmlenc#sha256`), SHA-384
//! (`xmldsig-more#sha384`), SHA-512 (`xmlenc#sha512`). Both URIs take an
//! optional `xenc:OAEPparams`, the base64 OAEP label. Each child at most once.
//!
//! `http://www.w3.org/2001/04/xmlenc#rsa-1_5` (PKCS#1 v1.5, the padding of
//! Bleichenbacher's attack and its descendants) and every other URI are
//! refused while the document is read, before any private key is used.
//!
//! The unwrap itself, with every SP key, is the crypto stage's
//! ([`crypto::decryption`](crate::crypto::decryption)).

use super::error::XmlEncError;
use super::read::{self, DS, XENC, XENC11};
use crate::crypto::decryption::{OaepHash, OaepParams};
use crate::text::Untrusted;
use crate::xml::{Document, ElementRef};

const RSA_OAEP_MGF1P: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
const RSA_OAEP: &str = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
const RSA_1_5: &str = "http://www.w3.org/2001/04/xmlenc#rsa-1_5";

/// Reads the key transport EncryptionMethod; refuses rsa-1_5 and every
/// other algorithm first.
pub(crate) fn read_method(doc: &Document<'_>, method: ElementRef<'_, '_>) -> Result<OaepParams, XmlEncError> {
    let uri = method
        .attribute("", "Algorithm")
        .ok_or(XmlEncError::Structure("EncryptedKey EncryptionMethod without Algorithm"))?;
    let mgf1p = match uri {
        RSA_OAEP_MGF1P => true,
        RSA_OAEP => false,
        RSA_1_5 => return Err(XmlEncError::RsaV15KeyTransport),
        _ => {
            return Err(XmlEncError::UnsupportedAlgorithm {
                role: "key transport",
                uri: Untrusted::new(uri),
            });
        }
    };
    let mut oaep = OaepParams::default();
    let (mut seen_params, mut seen_digest, mut seen_mgf) = (false, false, false);
    for child in read::element_children(doc, method.id(), "text inside the key transport EncryptionMethod")? {
        if child.is(XENC, "OAEPparams") && !seen_params {
            seen_params = true;
            let text = read::plain_text(doc, child).ok_or(XmlEncError::CipherValueEncoding("OAEPparams"))?;
            if !text.trim_matches([' ', '\t', '\n', '\r']).is_empty() {
                oaep.label = Some(read::base64_value(doc, child, "OAEPparams")?);
            }
        } else if child.is(DS, "DigestMethod") && !seen_digest {
            seen_digest = true;
            let uri = algorithm_of(doc, child, "DigestMethod")?;
            oaep.digest = OaepHash::from_digest_uri(uri).ok_or_else(|| {
                XmlEncError::UnsupportedAlgorithm { role: "OAEP digest", uri: Untrusted::new(uri) }
            })?;
        } else if child.is(XENC11, "MGF") && !seen_mgf && !mgf1p {
            seen_mgf = true;
            let uri = algorithm_of(doc, child, "MGF")?;
            oaep.mgf = OaepHash::from_mgf_uri(uri).ok_or_else(|| XmlEncError::UnsupportedAlgorithm {
                role: "OAEP mask generation",
                uri: Untrusted::new(uri),
            })?;
        } else {
            return Err(XmlEncError::Structure(
                "unexpected or repeated element in the key transport EncryptionMethod",
            ));
        }
    }
    Ok(oaep)
}

/// The Algorithm of an empty DigestMethod / MGF element.
fn algorithm_of<'d>(
    doc: &Document<'_>,
    element: ElementRef<'d, '_>,
    what: &'static str,
) -> Result<&'d str, XmlEncError> {
    if doc.children(element.id()).any(|c| doc.element(c).is_some()) {
        return Err(XmlEncError::Structure(match what {
            "MGF" => "MGF with content",
            _ => "DigestMethod with content",
        }));
    }
    element.attribute("", "Algorithm").ok_or(XmlEncError::Structure(match what {
        "MGF" => "MGF without Algorithm",
        _ => "DigestMethod without Algorithm",
    }))
}
