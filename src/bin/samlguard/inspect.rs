//! `samlguard inspect`: a response decoded and shown without trusting any
//! of it. It walks the parsed document directly and never goes through the
//! library's readers of signed values; signatures are read with the
//! library's signature-profile reader, and a refused one says why. With
//! `--sp-key`, an EncryptedAssertion is decrypted and the Assertion inside
//! shown the same way, still unverified.

use std::borrow::Cow;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use samlguard::crypto::decryption::{DecryptionKeys, OaepHash};
use samlguard::dsig::{self, DSIG_NS, ParsedSignature};
use samlguard::input::{self, InputLimits};
use samlguard::saml::{SAML_NS, SAMLP_NS};
use samlguard::xml::{self, Document, ElementRef, NodeId};
use samlguard::xmlenc::{self, DecryptionOptions, ParsedEncryptedAssertion};

use crate::capture::{self, CaptureArgs};
use crate::certificate;
use crate::failure::{Failure, parse_decoded};
use crate::output::{emit, hex, show};
use crate::report::Report;
use crate::setup::load_sp_keys;
use crate::style::Style;

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    #[command(flatten)]
    capture: CaptureArgs,
    /// The SP's RSA private key (PKCS#8 or PKCS#1 PEM) to decrypt an
    /// EncryptedAssertion and show the Assertion inside (still unverified:
    /// no signature is checked); repeatable.
    #[arg(long, value_name = "PEMFILE")]
    sp_key: Vec<PathBuf>,
    /// The response: a file path, or `-` for stdin. Raw XML, base64, a form
    /// body with `SAMLResponse=`, a URL-encoded value, a browser HAR export or
    /// a SAML-tracer export.
    #[arg(value_name = "INPUT")]
    input: OsString,
}

pub(crate) fn run(args: &InspectArgs) -> Result<ExitCode, Failure> {
    let keys = load_sp_keys(&args.sp_key)?;
    let limits = InputLimits::default();
    let captured = capture::read(&args.input, &args.capture)?;
    let bytes = input::decode(&captured.bytes, &limits)?;
    let doc = parse_decoded(&bytes)?;

    let mut report = Report::with_label_width(24);
    report.raw(&format!(
        "{}: nothing below has been checked; use 'samlguard verify'\n",
        Style::stdout().warn("UNVERIFIED")
    ));
    let from = match captured.origin.as_ref().and_then(|o| o.candidates.get(o.picked.wrapping_sub(1))) {
        Some(request) => format!(
            ", from {} {} (request #{} with a SAMLResponse)",
            request.method, request.url, request.index
        ),
        None => String::new(),
    };
    report.raw(&format!(
        "input: {} bytes of XML{}{from}\n",
        bytes.len(),
        if matches!(bytes, Cow::Owned(_)) { " (decoded from base64)" } else { "" }
    ));
    inspect_response(&doc, &mut report);

    let assertions: Vec<ElementRef<'_, '_>> = elements(&doc).filter(|e| e.is(SAML_NS, "Assertion")).collect();
    if assertions.is_empty() {
        report.raw("\nno saml:Assertion element\n");
    }
    for (i, assertion) in assertions.iter().enumerate() {
        inspect_assertion(&doc, *assertion, i + 1, assertions.len(), &mut report);
    }
    for encrypted in elements(&doc).filter(|e| e.is(SAML_NS, "EncryptedAssertion")) {
        inspect_encrypted(&doc, encrypted, keys.as_ref(), &mut report);
    }
    inspect_signatures(&doc, "Signatures", &mut report);
    emit(&report.into_text());
    Ok(ExitCode::SUCCESS)
}

/// An EncryptedAssertion: its algorithms, and with SP keys the Assertion
/// inside, parsed as its own document in the scope of the EncryptedAssertion
/// (as `verify` does) and shown unverified.
fn inspect_encrypted(
    doc: &Document<'_>,
    encrypted: ElementRef<'_, '_>,
    keys: Option<&DecryptionKeys>,
    report: &mut Report,
) {
    report.raw(&format!("\nEncryptedAssertion at {} [unverified]\n", path(doc, encrypted.id())));
    let options = DecryptionOptions::default();
    match ParsedEncryptedAssertion::read(doc, encrypted.id(), &options) {
        Ok(parts) => {
            let oaep = parts.key_transport();
            report.line("content", parts.content_encryption().name());
            report.line(
                "key transport",
                format!(
                    "RSA-OAEP, digest {}, mask MGF1-{}{}",
                    hash_name(oaep.digest),
                    hash_name(oaep.mgf),
                    if oaep.label.is_some() { ", with a label" } else { "" }
                ),
            );
        }
        Err(e) => report.line("refused", format!("{}: {}", e.kind(), show(&e.to_string()))),
    }
    let Some(keys) = keys else {
        report.line("", "encrypted: pass --sp-key PEMFILE (the SP's private key) to decrypt and show it");
        return;
    };
    let decrypted = match xmlenc::decrypt_assertion(doc, encrypted.id(), keys, &options) {
        Ok(decrypted) => decrypted,
        Err(e) => {
            report.line("not decrypted", format!("{}: {}", e.kind(), show(&e.to_string())));
            return;
        }
    };
    report.line("decrypted", format!("{} bytes with the SP key", decrypted.plaintext().len()));
    let limits = xml::Limits::default();
    let inner = match xml::parse_with_scope(decrypted.plaintext(), &limits, decrypted.namespaces()) {
        Ok(inner) => inner,
        Err(e) => {
            report.line("not XML", format!("{}: {}", e.kind(), show(&e.to_string())));
            return;
        }
    };
    report.raw("UNVERIFIED: the decrypted content below has not been checked (no signature verified); use 'samlguard verify --sp-key'\n");
    let root = inner.element(inner.root());
    match root.filter(|r| r.is(SAML_NS, "Assertion")) {
        Some(assertion) => inspect_assertion(&inner, assertion, 1, 1, report),
        None => report.line(
            "not an Assertion",
            format!(
                "the decrypted root is {}",
                root.map_or_else(|| "(none)".to_owned(), |r| show(r.qname()))
            ),
        ),
    }
    let nested = elements(&inner).filter(|e| e.is(SAML_NS, "Assertion") && e.id() != inner.root()).count();
    if nested > 0 {
        report.line("", format!("{nested} more Assertion element(s) inside the decrypted content"));
    }
    inspect_signatures(&inner, "Signatures in the decrypted content", report);
}

fn hash_name(hash: OaepHash) -> &'static str {
    match hash {
        OaepHash::Sha1 => "SHA-1",
        OaepHash::Sha256 => "SHA-256",
        OaepHash::Sha384 => "SHA-384",
        OaepHash::Sha512 => "SHA-512",
        _ => "another digest",
    }
}

fn elements<'d, 'a>(doc: &'d Document<'a>) -> impl Iterator<Item = ElementRef<'d, 'a>> + 'd {
    doc.descendants(NodeId::DOCUMENT).filter_map(|n| doc.element(n))
}

fn children<'d, 'a>(
    doc: &'d Document<'a>,
    parent: NodeId,
    namespace: &'static str,
    local: &'static str,
) -> impl Iterator<Item = ElementRef<'d, 'a>> + 'd {
    doc.child_elements(parent).filter(move |e| e.is(namespace, local))
}

/// `samlp:Response/saml:Assertion`: where an element sits.
fn path(doc: &Document<'_>, id: NodeId) -> String {
    let mut names = Vec::new();
    let mut current = Some(id);
    while let Some(node) = current {
        if let Some(element) = doc.element(node) {
            names.push(element.qname());
        }
        current = doc.parent(node);
    }
    names.reverse();
    show(&names.join("/"))
}

/// An element's text as the digest would cover it, or a marker.
fn text(doc: &Document<'_>, id: NodeId) -> String {
    doc.text_content(id).map_or_else(|| "(contains elements)".to_owned(), |t| show(&t))
}

fn attribute(element: ElementRef<'_, '_>, name: &str) -> String {
    element.attribute("", name).map_or_else(|| "(absent)".to_owned(), show)
}

/// Every attribute of an element, one line each.
fn all_attributes(report: &mut Report, indent: usize, element: ElementRef<'_, '_>) {
    for attr in element.attributes() {
        let name = if attr.prefix().is_empty() {
            attr.local_name().to_owned()
        } else {
            format!("{}:{}", attr.prefix(), attr.local_name())
        };
        report.indented(indent, &show(&name), show(attr.value()));
    }
}

fn inspect_response(doc: &Document<'_>, report: &mut Report) {
    let Some(root) = doc.element(doc.root()) else {
        report.raw("no root element\n");
        return;
    };
    if !root.is(SAMLP_NS, "Response") {
        report.raw(&format!(
            "\nthe root element {} (namespace {:?}) is not a samlp:Response\n",
            show(root.qname()),
            show(root.namespace())
        ));
        return;
    }
    report.raw("\nResponse [unverified]\n");
    for name in ["ID", "Version", "IssueInstant", "Destination", "InResponseTo"] {
        report.line(name, attribute(root, name));
    }
    for issuer in children(doc, root.id(), SAML_NS, "Issuer") {
        report.line("Issuer", text(doc, issuer.id()));
    }
    for status in children(doc, root.id(), SAMLP_NS, "Status") {
        let mut codes = children(doc, status.id(), SAMLP_NS, "StatusCode").collect::<Vec<_>>();
        let mut depth = 0;
        while let Some(code) = codes.pop() {
            let label = if depth == 0 { "Status" } else { "  sub-status" };
            report.line(label, attribute(code, "Value"));
            codes.extend(children(doc, code.id(), SAMLP_NS, "StatusCode"));
            depth += 1;
        }
        for message in children(doc, status.id(), SAMLP_NS, "StatusMessage") {
            report.line("StatusMessage", text(doc, message.id()));
        }
    }
}

fn inspect_assertion(
    doc: &Document<'_>,
    assertion: ElementRef<'_, '_>,
    index: usize,
    total: usize,
    report: &mut Report,
) {
    report.raw(&format!("\nAssertion {index} of {total} [unverified] at {}\n", path(doc, assertion.id())));
    for name in ["ID", "Version", "IssueInstant"] {
        report.line(name, attribute(assertion, name));
    }
    for child in doc.child_elements(assertion.id()) {
        match (child.namespace(), child.local_name()) {
            (SAML_NS, "Issuer") => report.line("Issuer", text(doc, child.id())),
            (DSIG_NS, "Signature") => report.line("Signature", "present (see Signatures below)"),
            (SAML_NS, "Subject") => inspect_subject(doc, child, report),
            (SAML_NS, "Conditions") => {
                report.raw("  Conditions\n");
                all_attributes(report, 4, child);
                for condition in doc.child_elements(child.id()) {
                    if condition.is(SAML_NS, "AudienceRestriction") {
                        for audience in doc.child_elements(condition.id()) {
                            report.indented(4, &show(audience.local_name()), text(doc, audience.id()));
                        }
                    } else {
                        report.indented(4, "condition", show(condition.qname()));
                    }
                }
            }
            (SAML_NS, "AttributeStatement") => inspect_attributes(doc, child, report),
            (SAML_NS, "AuthnStatement") => {
                report.raw("  AuthnStatement\n");
                all_attributes(report, 4, child);
                for class in elements_named(doc, child.id(), "AuthnContextClassRef") {
                    report.indented(4, "AuthnContextClassRef", text(doc, class.id()));
                }
            }
            _ => report.line("element", show(child.qname())),
        }
    }
}

/// Descendants of `id` in the SAML namespace with this local name.
fn elements_named<'d, 'a>(
    doc: &'d Document<'a>,
    id: NodeId,
    local: &'static str,
) -> impl Iterator<Item = ElementRef<'d, 'a>> + 'd {
    doc.descendants(id).filter_map(|n| doc.element(n)).filter(move |e| e.is(SAML_NS, local))
}

fn inspect_subject(doc: &Document<'_>, subject: ElementRef<'_, '_>, report: &mut Report) {
    report.raw("  Subject\n");
    for child in doc.child_elements(subject.id()) {
        match (child.namespace(), child.local_name()) {
            (SAML_NS, "NameID") => {
                report.indented(4, "NameID", text(doc, child.id()));
                report.indented(6, "Format", attribute(child, "Format"));
            }
            (SAML_NS, "SubjectConfirmation") => {
                report.indented(4, "Confirmation", attribute(child, "Method"));
                for data in doc.child_elements(child.id()) {
                    all_attributes(report, 6, data);
                }
            }
            _ => report.indented(4, "element", show(child.qname())),
        }
    }
}

fn inspect_attributes(doc: &Document<'_>, statement: ElementRef<'_, '_>, report: &mut Report) {
    let attributes: Vec<_> = doc.child_elements(statement.id()).collect();
    report.raw(&format!("  Attributes ({})\n", attributes.len()));
    for attribute in attributes {
        if !attribute.is(SAML_NS, "Attribute") {
            report.indented(4, "element", show(attribute.qname()));
            continue;
        }
        let values: Vec<String> =
            children(doc, attribute.id(), SAML_NS, "AttributeValue").map(|v| text(doc, v.id())).collect();
        let friendly = attribute
            .attribute("", "FriendlyName")
            .map(|f| format!(" (FriendlyName {})", show(f)))
            .unwrap_or_default();
        let count = if values.len() == 1 { String::new() } else { format!(" [{} values]", values.len()) };
        report.raw(&format!("    {}{friendly}{count}\n", attribute_name(attribute)));
        for value in values {
            report.raw(&format!("      {value}\n"));
        }
    }
}

fn attribute_name(attribute: ElementRef<'_, '_>) -> String {
    attribute.attribute("", "Name").map_or_else(|| "(no Name)".to_owned(), show)
}

fn inspect_signatures(doc: &Document<'_>, title: &str, report: &mut Report) {
    let signatures = dsig::all_signatures(doc);
    if signatures.is_empty() {
        report.raw(&format!("\n{title}: none (no ds:Signature element)\n"));
        return;
    }
    report.raw(&format!(
        "\n{title}: {} ds:Signature element(s) [unverified: not checked against any key]\n",
        signatures.len()
    ));
    for (i, &signature) in signatures.iter().enumerate() {
        let parent = doc.parent(signature).and_then(|p| doc.element(p));
        let parent_id = parent.and_then(|p| p.attribute("", "ID"));
        let parent_name = parent.map_or_else(|| "(document)".to_owned(), |p| show(p.qname()));
        let id_text = parent_id.map_or_else(|| "no ID".to_owned(), |id| format!("ID {}", show(id)));
        report.raw(&format!("  #{} in {parent_name} ({id_text}) at {}\n", i + 1, path(doc, signature)));
        match ParsedSignature::read(doc, signature) {
            Ok(parsed) => {
                report.indented(
                    4,
                    "Reference URI",
                    format!("{} (the parent's ID)", show(parsed.reference_uri())),
                );
                report.indented(4, "SignatureMethod", parsed.algorithm().name());
                report.indented(4, "DigestMethod", parsed.digest_algorithm().name());
                let certificate = parsed.key_info_certificate().map_or_else(
                    || "(none)".to_owned(),
                    |text| format!("{} — a hint only, never trusted", certificate_summary(text)),
                );
                report.indented(4, "KeyInfo cert", certificate);
            }
            Err(e) => {
                report.indented(4, "refused", format!("{}: {}", e.kind(), show(&e.to_string())));
            }
        }
    }
}

/// Subject and SHA-1 thumbprint (what the Entra portal shows) of a KeyInfo
/// certificate.
fn certificate_summary(text: &str) -> String {
    match certificate::from_base64(text) {
        Ok(key) => format!("{} (thumbprint {})", show(key.subject()), hex(&key.sha1_thumbprint(), true)),
        Err(e) => format!("({})", show(&e)),
    }
}
