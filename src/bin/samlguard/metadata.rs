//! `samlguard metadata FILE`: IdP (or SP) metadata as an operator checks it
//! before an outage: the entity ID, every certificate of the SAML 2.0 role
//! descriptors with thumbprints and validity, warnings for certificates that
//! expired or expire within 30 days, and who signed the file.
//!
//! The certificates `samlguard verify --idp-metadata` pins are the library's
//! (`IdpTrust::from_metadata`); this command reads the file with the public
//! `xml` and `dsig` APIs only to show it. Whether the metadata's signature
//! verifies with the certificate in its own KeyInfo is self-consistency, not
//! trust: anyone can sign a file with their own certificate.

use std::ffi::OsString;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Args;
use samlguard::crypto::{Algorithms, PublicKey};
use samlguard::dsig::{self, DSIG_NS, ParsedSignature};
use samlguard::trust::{IdpTrust, MD_NS, MetadataOptions};
use samlguard::xml::{self, Document, ElementRef};
use samlguard::{Error, ErrorKind};
use serde_json::{Value, json};

use crate::Format;
use crate::certificate::{self, EXPIRY_WARNING_DAYS, Validity, days_between};
use crate::failure::Failure;
use crate::output::{emit, emit_json, rfc3339, show, show_message};
use crate::report::Report;
use crate::setup::read_input;
use crate::style::Style;

/// Metadata files are read up to this size (Entra's are a few KiB).
const MAX_METADATA_BYTES: usize = 16 * 1024 * 1024;
/// Entities reported from an aggregate (EntitiesDescriptor).
const MAX_ENTITIES: usize = 100;

#[derive(Debug, Args)]
pub(crate) struct MetadataArgs {
    /// The time to check the certificates at, RFC 3339 (e.g.
    /// 2026-01-15T10:01:00Z). Default: the system clock.
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// The metadata (Entra's FederationMetadata.xml, or an SP's), or `-` for stdin.
    #[arg(value_name = "FILE")]
    file: OsString,
}

/// One certificate of a KeyDescriptor.
struct Certificate {
    /// `IdP` or `SP`.
    role: &'static str,
    /// `signing`, `encryption`, or `signing and encryption` (no `use`).
    usage: &'static str,
    key: PublicKey,
    /// Whether `verify --idp-metadata` pins it.
    pinned: bool,
}

struct Entity {
    id: String,
    roles: Vec<&'static str>,
    certificates: Vec<Certificate>,
}

struct Warning {
    kind: &'static str,
    message: String,
}

/// The metadata's own signature, read without trusting it.
enum Signature {
    Absent,
    Unreadable(ErrorKind),
    Signed { signer: Option<PublicKey>, self_check: Result<(), ErrorKind> },
}

pub(crate) fn run(args: &MetadataArgs) -> Result<ExitCode, Failure> {
    let now = crate::setup::now(args.now.as_deref())?;
    let bytes = read_input(&args.file, MAX_METADATA_BYTES)?;
    if bytes.len() > MAX_METADATA_BYTES {
        return Err(Failure::new(
            2,
            "input_too_large",
            format!("the file is larger than {MAX_METADATA_BYTES} bytes"),
        ));
    }
    let doc =
        xml::parse(&bytes).map_err(|e| Failure::rejected(e.kind().as_str(), format!("not metadata: {e}")))?;
    let root = doc.element(doc.root()).ok_or_else(|| Failure::rejected("not_metadata", "no root element"))?;
    let entities: Vec<ElementRef<'_, '_>> = if root.is(MD_NS, "EntityDescriptor") {
        vec![root]
    } else if root.is(MD_NS, "EntitiesDescriptor") {
        doc.child_elements(root.id()).filter(|e| e.is(MD_NS, "EntityDescriptor")).collect()
    } else {
        return Err(Failure::rejected(
            "not_metadata",
            format!(
                "the root element {} is not a SAML 2.0 md:EntityDescriptor or md:EntitiesDescriptor",
                show(root.qname())
            ),
        ));
    };
    let mut warnings = Vec::new();
    let entities: Vec<Entity> =
        entities.iter().take(MAX_ENTITIES).filter_map(|e| entity(&doc, *e, &bytes, &mut warnings)).collect();
    if entities.is_empty() {
        return Err(Failure::rejected(
            "not_metadata",
            "the metadata has no entity with a SAML 2.0 IDPSSODescriptor or SPSSODescriptor",
        ));
    }
    for entity in &entities {
        for (i, certificate) in entity.certificates.iter().enumerate() {
            if let Some(warning) = expiry_warning(entity, i, certificate, now) {
                warnings.push(warning);
            }
        }
    }
    let signature = signature(&doc, root);
    if let Signature::Signed { self_check: Err(kind), .. } | Signature::Unreadable(kind) = &signature
        && *kind != ErrorKind::NoKeys
    {
        warnings.push(Warning {
            kind: "metadata_signature",
            message: format!(
                "the metadata's signature does not verify ({kind}): the file was changed after it was \
                 signed; download it again from Entra"
            ),
        });
    }
    match args.format {
        Format::Json => emit_json(&to_json(&entities, &signature, &warnings, now)),
        Format::Text => emit(&text(&entities, &signature, &warnings, now)),
    }
    Ok(ExitCode::SUCCESS)
}

fn entity(
    doc: &Document<'_>,
    element: ElementRef<'_, '_>,
    bytes: &[u8],
    warnings: &mut Vec<Warning>,
) -> Option<Entity> {
    let id = element.attribute("", "entityID").unwrap_or("").to_owned();
    let mut roles = Vec::new();
    let mut certificates = Vec::new();
    for descriptor in doc.child_elements(element.id()) {
        let role = match descriptor.local_name() {
            "IDPSSODescriptor" if descriptor.is(MD_NS, "IDPSSODescriptor") => "IdP",
            "SPSSODescriptor" if descriptor.is(MD_NS, "SPSSODescriptor") => "SP",
            _ => continue,
        };
        roles.push(role);
        for key_descriptor in doc.child_elements(descriptor.id()).filter(|e| e.is(MD_NS, "KeyDescriptor")) {
            let usage = match key_descriptor.attribute("", "use") {
                None => "signing and encryption",
                Some("signing") => "signing",
                Some("encryption") => "encryption",
                Some(_) => "unknown use",
            };
            for text in x509_certificates(doc, key_descriptor) {
                match certificate::from_base64(&text) {
                    Ok(key) => certificates.push(Certificate { role, usage, key, pinned: false }),
                    Err(e) => warnings.push(Warning {
                        kind: "invalid_certificate",
                        message: format!("{}: a {role} certificate cannot be read: {}", show(&id), show(&e)),
                    }),
                }
            }
        }
    }
    if roles.is_empty() {
        return None;
    }
    if roles.contains(&"IdP") {
        let options = MetadataOptions::default().with_entity_id(id.clone());
        match IdpTrust::from_metadata(bytes, &options) {
            Ok(trust) => {
                for certificate in certificates.iter_mut().filter(|c| c.role == "IdP") {
                    certificate.pinned = trust.keys().contains(&certificate.key);
                }
            }
            Err(e) => {
                let e = Error::from(e);
                warnings.push(Warning {
                    kind: e.kind().as_str(),
                    message: format!("samlguard verify refuses this IdP metadata: {e}"),
                });
            }
        }
    }
    Some(Entity { id, roles, certificates })
}

/// The text of every `ds:KeyInfo/ds:X509Data/ds:X509Certificate` of a KeyDescriptor.
fn x509_certificates(doc: &Document<'_>, key_descriptor: ElementRef<'_, '_>) -> Vec<String> {
    doc.child_elements(key_descriptor.id())
        .filter(|e| e.is(DSIG_NS, "KeyInfo"))
        .flat_map(|info| {
            doc.child_elements(info.id()).filter(|e| e.is(DSIG_NS, "X509Data")).collect::<Vec<_>>()
        })
        .flat_map(|data| {
            doc.child_elements(data.id()).filter(|e| e.is(DSIG_NS, "X509Certificate")).collect::<Vec<_>>()
        })
        .map(|c| doc.text_content(c.id()).map(|t| t.into_owned()).unwrap_or_default())
        .collect()
}

fn expiry_warning(
    entity: &Entity,
    index: usize,
    certificate: &Certificate,
    now: DateTime<Utc>,
) -> Option<Warning> {
    let key = &certificate.key;
    let which = format!(
        "{} {} certificate #{} {} of {}",
        certificate.role,
        certificate.usage,
        index + 1,
        show(key.subject()),
        show(&entity.id)
    );
    let renew = "in Entra (Enterprise application > Single sign-on > SAML Certificates) add a new \
                 certificate, make it active, then give AWS the new Federation Metadata (IAM identity \
                 provider / Client VPN endpoint) and refresh the trust";
    Some(match Validity::at(key, now) {
        Validity::Valid => return None,
        Validity::Expiring => Warning {
            kind: "certificate_expiring",
            message: format!(
                "{which} expires at {} (in {} days, under {EXPIRY_WARNING_DAYS}): {renew}",
                rfc3339(key.not_after()),
                days_between(now, key.not_after())
            ),
        },
        Validity::Expired => Warning {
            kind: "certificate_expired",
            message: format!(
                "{which} expired at {} ({} days ago): {renew}",
                rfc3339(key.not_after()),
                -days_between(now, key.not_after())
            ),
        },
        Validity::NotYetValid => Warning {
            kind: "certificate_not_yet_valid",
            message: format!("{which} is valid only from {}", rfc3339(key.not_before())),
        },
    })
}

fn signature(doc: &Document<'_>, root: ElementRef<'_, '_>) -> Signature {
    let node = match dsig::signature_child(doc, root.id()) {
        Ok(Some(node)) => node,
        Ok(None) => return Signature::Absent,
        Err(e) => return Signature::Unreadable(e.kind()),
    };
    let parsed = match ParsedSignature::read(doc, node) {
        Ok(parsed) => parsed,
        Err(e) => return Signature::Unreadable(e.kind()),
    };
    let signer = parsed.key_info_certificate().and_then(|text| certificate::from_base64(text).ok());
    let self_check = match &signer {
        Some(key) => dsig::verify(doc, node, std::slice::from_ref(key), Algorithms::ALLOW_SHA1)
            .map(drop)
            .map_err(|e| e.kind()),
        None => Err(ErrorKind::NoKeys),
    };
    Signature::Signed { signer, self_check }
}

const SELF_CONSISTENCY: &str = "self-consistency only: it shows the file is unchanged since the holder \
     of that certificate signed it, not who that is; to require a known signer, pass its certificate to \
     samlguard verify --metadata-signer PEMFILE";

fn text(entities: &[Entity], signature: &Signature, warnings: &[Warning], now: DateTime<Utc>) -> String {
    let style = Style::stdout();
    let mut report = Report::with_label_width(18);
    report.raw(&format!(
        "{} at {} (certificates expiring within {EXPIRY_WARNING_DAYS} days are flagged)\n",
        style.heading("METADATA checked"),
        rfc3339(now)
    ));
    for entity in entities {
        report.raw(&format!("{} {}\n", style.heading("ENTITY"), show(&entity.id)));
        report.line("roles", entity.roles.join(", "));
        report.raw(&format!("  certificates ({})\n", entity.certificates.len()));
        for (i, certificate) in entity.certificates.iter().enumerate() {
            let pinned = if certificate.pinned { ", pinned by samlguard verify" } else { "" };
            report.raw(&format!("    #{} {} {}{pinned}\n", i + 1, certificate.role, certificate.usage));
            certificate::lines(&mut report, 7, "", &certificate.key, Some(now));
        }
    }
    report.raw(&format!("{}\n", style.heading("SIGNATURE")));
    match signature {
        Signature::Absent => report.line(
            "signed",
            "no: nothing in the file shows where it came from; download it from Entra over HTTPS",
        ),
        Signature::Unreadable(kind) => {
            report.line("signed", format!("yes, but the signature is unusable ({kind})"))
        }
        Signature::Signed { signer, self_check } => {
            match signer {
                Some(key) => {
                    report.line("signed", "yes, by the certificate in its KeyInfo:");
                    certificate::lines(&mut report, 4, "", key, Some(now));
                }
                None => report.line("signed", "yes, with no certificate in KeyInfo"),
            }
            let verdict = match self_check {
                Ok(()) => "verifies with that certificate".to_owned(),
                Err(ErrorKind::NoKeys) => "cannot be checked without a certificate".to_owned(),
                Err(kind) => style.bad(&format!("does NOT verify with that certificate ({kind})")),
            };
            report.line("self-check", verdict);
            report.paragraph(2, SELF_CONSISTENCY);
        }
    }
    if warnings.is_empty() {
        report.raw(&format!("{}\n", style.good("no warnings")));
    }
    for warning in warnings {
        let text = format!("{}: {}", warning.kind, show_message(&warning.message));
        let mut lines = crate::report::wrap(&text, crate::report::WRAP_COLUMNS - 9).into_iter();
        report.raw(&format!("{} {}\n", style.warn("warning:"), lines.next().unwrap_or_default()));
        for line in lines {
            report.raw(&format!("         {line}\n"));
        }
    }
    report.into_text()
}

fn to_json(entities: &[Entity], signature: &Signature, warnings: &[Warning], now: DateTime<Utc>) -> Value {
    let entities: Vec<Value> = entities
        .iter()
        .map(|entity| {
            let certificates: Vec<Value> = entity
                .certificates
                .iter()
                .map(|c| {
                    let mut value = certificate::json(&c.key);
                    value["role"] = Value::from(c.role);
                    value["use"] = Value::from(c.usage);
                    value["pinned"] = Value::from(c.pinned);
                    value["status"] = Value::from(Validity::at(&c.key, now).name());
                    value["days_left"] = Value::from(days_between(now, c.key.not_after()));
                    value
                })
                .collect();
            json!({"entity_id": entity.id, "roles": entity.roles, "certificates": certificates})
        })
        .collect();
    let signature = match signature {
        Signature::Absent => json!({"signed": false}),
        Signature::Unreadable(kind) => json!({"signed": true, "error": kind.as_str()}),
        Signature::Signed { signer, self_check } => json!({
            "signed": true,
            "signer": signer.as_ref().map(certificate::json),
            "verifies_with_signer": self_check.is_ok(),
            "error": self_check.err().map(ErrorKind::as_str),
            "note": SELF_CONSISTENCY,
        }),
    };
    let warnings: Vec<Value> =
        warnings.iter().map(|w| json!({"kind": w.kind, "message": w.message})).collect();
    json!({"checked_at": rfc3339(now), "entities": entities, "signature": signature, "warnings": warnings})
}
