//! Reading SAML values from nodes a verified signature covers.
//!
//! Every reader takes the proofs ([`VerifiedSignature`]) instead of a
//! document: values are read from the document the signature was verified
//! in, and only from nodes it covers, so nothing unsigned (or from another
//! document) can be read through this module.

use std::borrow::Cow;

use super::model::{
    Assertion, Attribute, AuthnStatement, Conditions, Envelope, NameId, SAML_NS, SubjectConfirmation, Values,
};
use super::{SamlError, parse_datetime};
use crate::dsig::{DSIG_NS, VerifiedSignature};
use crate::xml::{Document, ElementRef, NodeId};

/// Reads the Assertion element `assertion` of the document `proof` was
/// verified in, which `proof` must cover: the Assertion's own signature, or
/// the Response's around it. A decrypted Assertion is its own document, read
/// through the proof of its own signature.
pub(crate) fn read_assertion(
    proof: &VerifiedSignature<'_>,
    assertion: NodeId,
) -> Result<Assertion, SamlError> {
    if !proof.covers(assertion) {
        return Err(SamlError::NotCovered);
    }
    let doc = proof.document();
    let element =
        doc.element(assertion).filter(|e| e.is(SAML_NS, "Assertion")).ok_or(SamlError::NotCovered)?;
    if element.attribute("", "Version") != Some("2.0") {
        return Err(SamlError::Version);
    }
    let id = required_attribute(element, "Assertion", "ID")?;
    let issue_instant = parse_datetime(required_attribute(element, "Assertion", "IssueInstant")?)?;

    let (mut issuer, mut subject, mut conditions, mut authn) = (None, None, None, None);
    let mut attributes = Vec::new();
    for child in children(doc, element)? {
        match (child.namespace(), child.local_name()) {
            (SAML_NS, "Issuer") => set_once(&mut issuer, text(doc, child)?, "Issuer")?,
            (DSIG_NS, "Signature") => {}
            (SAML_NS, "Subject") => set_once(&mut subject, read_subject(doc, child)?, "Subject")?,
            (SAML_NS, "Conditions") => set_once(&mut conditions, read_conditions(doc, child)?, "Conditions")?,
            (SAML_NS, "Advice") => {}
            // Several AttributeStatements are one attribute set.
            (SAML_NS, "AttributeStatement") => read_attributes(doc, child, &mut attributes)?,
            (SAML_NS, "AuthnStatement") => set_once(&mut authn, read_authn(doc, child)?, "AuthnStatement")?,
            (SAML_NS, "AuthzDecisionStatement" | "Statement") => {
                return Err(SamlError::Unsupported(child.qname().into()));
            }
            _ => return Err(unexpected("Assertion", child)),
        }
    }
    let issuer = issuer.ok_or(SamlError::MissingIssuer)?;
    let (name_id, subject_confirmations) = subject.ok_or(SamlError::NoSubject)?;
    Ok(Assertion {
        id: id.to_string(),
        issue_instant,
        issuer,
        name_id,
        subject_confirmations,
        conditions,
        attributes,
        authn,
    })
}

/// Reads the Response envelope; `proof` must be the signature of the
/// document's root.
pub(crate) fn read_envelope(proof: &VerifiedSignature<'_>) -> Result<Envelope, SamlError> {
    let doc = proof.document();
    let response = doc.root();
    if proof.signed_element() != response {
        return Err(SamlError::NotCovered);
    }
    let element = doc.element(response).ok_or(SamlError::NotCovered)?;
    let issuer = doc
        .child_elements(response)
        .filter(|c| c.is(SAML_NS, "Issuer"))
        .map(|c| text(doc, c))
        .next()
        .transpose()?;
    Ok(Envelope {
        id: required_attribute(element, "Response", "ID")?.to_string(),
        issue_instant: parse_datetime(required_attribute(element, "Response", "IssueInstant")?)?,
        destination: element.attribute("", "Destination").map(str::to_string),
        in_response_to: element.attribute("", "InResponseTo").map(str::to_string),
        issuer,
    })
}

fn unexpected(parent: &'static str, child: ElementRef<'_, '_>) -> SamlError {
    SamlError::UnexpectedElement { parent, found: child.qname().into() }
}

fn required_attribute<'d>(
    element: ElementRef<'d, '_>,
    element_name: &'static str,
    attribute: &'static str,
) -> Result<&'d str, SamlError> {
    element.attribute("", attribute).ok_or(SamlError::MissingAttribute { element: element_name, attribute })
}

fn set_once<T>(slot: &mut Option<T>, value: T, what: &'static str) -> Result<(), SamlError> {
    if slot.is_some() {
        return Err(SamlError::Duplicate(what));
    }
    *slot = Some(value);
    Ok(())
}

/// Element children; non-whitespace text between them is refused.
pub(crate) fn children<'d, 'a>(
    doc: &'d Document<'a>,
    element: ElementRef<'_, '_>,
) -> Result<impl Iterator<Item = ElementRef<'d, 'a>> + use<'d, 'a>, SamlError> {
    doc.element_only_children(element.id()).ok_or_else(|| SamlError::UnexpectedText(element.qname().into()))
}

/// The full text of a value element; an element child is refused (the
/// manual's whole-text invariant).
pub(crate) fn text(doc: &Document<'_>, element: ElementRef<'_, '_>) -> Result<String, SamlError> {
    text_of(doc, element).map(Cow::into_owned)
}

/// [`text`], borrowed when the value is one text node.
fn text_of<'d>(doc: &'d Document<'_>, element: ElementRef<'_, '_>) -> Result<Cow<'d, str>, SamlError> {
    doc.text_content(element.id()).ok_or_else(|| SamlError::MixedContent(element.qname().into()))
}

fn read_subject(
    doc: &Document<'_>,
    subject: ElementRef<'_, '_>,
) -> Result<(Option<NameId>, Vec<SubjectConfirmation>), SamlError> {
    let mut name_id = None;
    let mut confirmations = Vec::new();
    for child in children(doc, subject)? {
        match (child.namespace(), child.local_name()) {
            (SAML_NS, "NameID") => set_once(
                &mut name_id,
                NameId {
                    value: text(doc, child)?,
                    format: child.attribute("", "Format").map(str::to_string),
                },
                "NameID",
            )?,
            (SAML_NS, "EncryptedID" | "BaseID") => return Err(SamlError::Unsupported(child.qname().into())),
            (SAML_NS, "SubjectConfirmation") => confirmations.push(read_confirmation(doc, child)?),
            _ => return Err(unexpected("Subject", child)),
        }
    }
    Ok((name_id, confirmations))
}

fn read_confirmation(
    doc: &Document<'_>,
    confirmation: ElementRef<'_, '_>,
) -> Result<SubjectConfirmation, SamlError> {
    use super::ConfirmationProblem as Problem;
    let method = confirmation.attribute("", "Method").unwrap_or("").to_string();
    let mut data = None;
    for child in children(doc, confirmation)? {
        match (child.namespace(), child.local_name()) {
            (SAML_NS, "SubjectConfirmationData") => set_once(&mut data, child, "SubjectConfirmationData")?,
            (SAML_NS, "NameID" | "BaseID" | "EncryptedID") => {
                return Err(SamlError::SubjectConfirmation(Problem::Identifier));
            }
            _ => return Err(unexpected("SubjectConfirmation", child)),
        }
    }
    let data = data.ok_or(SamlError::SubjectConfirmation(Problem::NoData))?;
    if doc.child_elements(data.id()).next().is_some() {
        // KeyInfo holder-of-key data or smuggled Assertions/Signatures (samlify).
        return Err(SamlError::SubjectConfirmation(Problem::ElementsInData));
    }
    let optional_time = |name| data.attribute("", name).map(parse_datetime).transpose();
    Ok(SubjectConfirmation {
        method,
        recipient: data.attribute("", "Recipient").map(str::to_string),
        not_before: optional_time("NotBefore")?,
        not_on_or_after: optional_time("NotOnOrAfter")?,
        in_response_to: data.attribute("", "InResponseTo").map(str::to_string),
    })
}

fn read_conditions(doc: &Document<'_>, element: ElementRef<'_, '_>) -> Result<Conditions, SamlError> {
    let optional_time = |name| element.attribute("", name).map(parse_datetime).transpose();
    let mut conditions = Conditions {
        not_before: optional_time("NotBefore")?,
        not_on_or_after: optional_time("NotOnOrAfter")?,
        ..Conditions::default()
    };
    for child in children(doc, element)? {
        match (child.namespace(), child.local_name()) {
            (SAML_NS, "AudienceRestriction") => {
                let mut audiences = Vec::new();
                for audience in children(doc, child)? {
                    if !audience.is(SAML_NS, "Audience") {
                        return Err(unexpected("AudienceRestriction", audience));
                    }
                    audiences.push(text(doc, audience)?);
                }
                if audiences.is_empty() {
                    return Err(SamlError::EmptyAudienceRestriction);
                }
                conditions.audience_restrictions.push(audiences);
            }
            (SAML_NS, "OneTimeUse") => conditions.one_time_use = true,
            (SAML_NS, "ProxyRestriction") => conditions.proxy_restriction = true,
            _ => conditions.unknown.push(child.qname().to_string()),
        }
    }
    Ok(conditions)
}

/// Adds the statement's Attributes; a Name already read (here or in an
/// earlier statement) is refused.
fn read_attributes(
    doc: &Document<'_>,
    statement: ElementRef<'_, '_>,
    attributes: &mut Vec<Attribute>,
) -> Result<(), SamlError> {
    for child in children(doc, statement)? {
        if child.is(SAML_NS, "EncryptedAttribute") {
            return Err(SamlError::Unsupported(child.qname().into()));
        }
        if !child.is(SAML_NS, "Attribute") {
            return Err(unexpected("AttributeStatement", child));
        }
        let name = required_attribute(child, "Attribute", "Name")?.to_string();
        if attributes.iter().any(|a| a.name == name) {
            return Err(SamlError::DuplicateAttribute(name.into()));
        }
        // Sized once: the values cannot be longer than the Attribute as written.
        let mut values =
            Values::with_capacity(doc.child_elements(child.id()).count(), doc.subtree_span(child.id()).len());
        for value in children(doc, child)? {
            if !value.is(SAML_NS, "AttributeValue") {
                return Err(unexpected("Attribute", value));
            }
            values.push(&text_of(doc, value)?);
        }
        attributes.push(Attribute {
            name,
            friendly_name: child.attribute("", "FriendlyName").map(str::to_string),
            values,
        });
    }
    Ok(())
}

fn read_authn(doc: &Document<'_>, statement: ElementRef<'_, '_>) -> Result<AuthnStatement, SamlError> {
    let mut context_class_ref = None;
    for child in children(doc, statement)? {
        match (child.namespace(), child.local_name()) {
            (SAML_NS, "SubjectLocality") => {}
            (SAML_NS, "AuthnContext") => {
                for part in children(doc, child)? {
                    if part.is(SAML_NS, "AuthnContextClassRef") {
                        set_once(&mut context_class_ref, text(doc, part)?, "AuthnContextClassRef")?;
                    }
                }
            }
            _ => return Err(unexpected("AuthnStatement", child)),
        }
    }
    Ok(AuthnStatement {
        authn_instant: parse_datetime(required_attribute(statement, "AuthnStatement", "AuthnInstant")?)?,
        session_index: statement.attribute("", "SessionIndex").map(str::to_string),
        session_not_on_or_after: statement
            .attribute("", "SessionNotOnOrAfter")
            .map(parse_datetime)
            .transpose()?,
        context_class_ref,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{Algorithms, PublicKey};

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/testdata/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    /// A proof made on one document reads that document, whatever node ID it
    /// is given: a tampered copy of the response cannot be read through the
    /// genuine response's proof.
    #[test]
    fn a_proof_reads_only_its_own_document() {
        let keys = PublicKey::from_pem(&fixture("keys/idp.crt")).unwrap();
        let genuine = fixture("responses/aws-console.xml");
        let tampered = String::from_utf8(genuine.clone()).unwrap().replace("role/Admin", "role/OwnedByMe");
        let genuine_doc = crate::xml::parse(&genuine).unwrap();
        let tampered_doc = crate::xml::parse(tampered.as_bytes()).unwrap();
        let signature = crate::dsig::all_signatures(&genuine_doc)[0];
        let proof = crate::dsig::verify(&genuine_doc, signature, &keys, Algorithms::STRICT).unwrap();
        let assertion = proof.signed_element();
        // The same node index in the tampered document names the tampered Assertion...
        assert!(tampered_doc.element(assertion).is_some_and(|e| e.local_name() == "Assertion"));
        // ...but reading goes through the proof, hence through the genuine document.
        let read = read_assertion(&proof, assertion).unwrap();
        let roles: Vec<&str> = read.attributes.iter().flat_map(|a| a.values.iter()).collect();
        assert!(roles.iter().any(|r| r.contains("role/Admin")));
        assert!(!roles.iter().any(|r| r.contains("OwnedByMe")));
        // The tampered document's own signature does not verify: it has no proof to read through.
        let tampered_signature = crate::dsig::all_signatures(&tampered_doc)[0];
        assert!(crate::dsig::verify(&tampered_doc, tampered_signature, &keys, Algorithms::STRICT).is_err());
    }

    /// A decrypted Assertion is a document of its own, read through the
    /// proof of its own signature; the proof of the Response around the
    /// EncryptedAssertion reads nothing of it.
    #[test]
    fn a_document_of_its_own_is_read_through_its_own_proof() {
        let keys = PublicKey::from_pem(&fixture("keys/idp.crt")).unwrap();
        let response = fixture("responses/aws-console.xml");
        let text = String::from_utf8(response).unwrap();
        let start = text.find("<Assertion ").unwrap();
        let end = text.find("</Assertion>").unwrap() + "</Assertion>".len();
        let inner = crate::xml::parse(&text.as_bytes()[start..end]).unwrap();
        let proof =
            crate::dsig::verify(&inner, crate::dsig::all_signatures(&inner)[0], &keys, Algorithms::STRICT)
                .unwrap();
        assert_eq!(proof.signed_element(), inner.root());
        assert_eq!(
            read_assertion(&proof, inner.root()).unwrap().id,
            "_a8f3e6d21-0c4b-4a97-b5e8-6d7c1f2a3b4c"
        );
        // The same node index in the whole response is the samlp:Response:
        // not what this proof covers, so nothing is read.
        let outer = crate::xml::parse(text.as_bytes()).unwrap();
        assert!(outer.element(inner.root()).is_some_and(|e| e.local_name() == "Response"));
        let outer_proof =
            crate::dsig::verify(&outer, crate::dsig::all_signatures(&outer)[0], &keys, Algorithms::STRICT)
                .unwrap();
        assert_eq!(read_assertion(&outer_proof, outer.root()), Err(SamlError::NotCovered));
    }

    #[test]
    fn a_node_outside_the_proof_is_not_read() {
        let keys = PublicKey::from_pem(&fixture("keys/idp.crt")).unwrap();
        let bytes = fixture("responses/aws-console.xml");
        let doc = crate::xml::parse(&bytes).unwrap();
        let proof =
            crate::dsig::verify(&doc, crate::dsig::all_signatures(&doc)[0], &keys, Algorithms::STRICT)
                .unwrap();
        assert_eq!(read_assertion(&proof, doc.root()), Err(SamlError::NotCovered));
        assert_eq!(read_envelope(&proof), Err(SamlError::NotCovered));
        assert!(read_assertion(&proof, proof.signed_element()).is_ok());
    }
}
