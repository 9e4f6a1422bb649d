//! From "refused" to the setting to change: what `verify` adds to a refusal.
//!
//! - `digest_mismatch`: the DigestValue, the digest computed here, the signed
//!   element's ID, and the `samlguard c14n` command that prints the bytes
//!   that were digested.
//! - `unknown_signing_key`, `signature_invalid`: the KeyInfo certificate
//!   (UNTRUSTED) beside the pinned ones, and whether the response would
//!   verify (and be accepted) if that certificate were pinned: the IdP rolled
//!   its key and the metadata is stale, or someone else signed it.
//! - any refusal: the first other profile that accepts the response.
//!
//! Everything here reads the response without trusting it; nothing changes
//! the verdict.

use std::ffi::OsString;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use samlguard::crypto::PublicKey;
use samlguard::dsig::{self, ParsedSignature};
use samlguard::input::{self, InputLimits};
use samlguard::policy::SignedElement;
use samlguard::saml::{SAML_NS, SAMLP_NS};
use samlguard::xml::{self, Document, NodeId};
use samlguard::{Error, ErrorKind, IdpTrust};
use serde_json::{Value, json};

use crate::capture::{Origin, shown_path};
use crate::certificate;
use crate::failure::Failure;
use crate::output::{shell_quote, show};
use crate::report::Report;
use crate::setup::{PolicyArgs, ProfileName, Setup, accepting_profile, profile_name, with_extra_key};
use crate::style::Style;

/// Where INPUT came from, to write commands that read it again.
pub(crate) struct Source<'a> {
    pub(crate) path: &'a OsString,
    pub(crate) origin: Option<&'a Origin>,
}

/// The refusal of `raw`, with everything the CLI can add to it.
pub(crate) fn refusal(
    setup: &Setup,
    args: &PolicyArgs,
    raw: &[u8],
    error: &Error,
    source: &Source<'_>,
) -> Failure {
    let mut failure = setup.refusal(error);
    let trust = setup.policy.trust();
    if let Error::Signature { element, .. } = error {
        let kind = error.kind();
        if let Some((text, key, json)) = signature(*element, kind, raw, &trust, args, setup, source) {
            failure = failure.with_diagnosis(&text, key, json);
        }
    }
    if let Some(profile) = accepting_profile(args, &trust, raw, &setup.context) {
        let name = profile_name(profile);
        let what = match profile {
            ProfileName::Clientvpn => "this is an AWS Client VPN response",
            ProfileName::AwsConsole => "this is an AWS console response",
            _ => "the generic profile accepts it with these --audience and --acs-url",
        };
        failure = failure.with_cli_hint(format!("{what}: --profile {name}")).with_diagnosis(
            &format!("  the {name} profile accepts this response (same keys, clock and request ID)\n"),
            "accepted_by_profile",
            Value::from(name),
        );
    }
    failure
}

type Finding = (String, &'static str, Value);

/// The diagnosis of a signature refusal, when there is one to make.
fn signature(
    element: SignedElement,
    kind: ErrorKind,
    raw: &[u8],
    trust: &IdpTrust,
    args: &PolicyArgs,
    setup: &Setup,
    source: &Source<'_>,
) -> Option<Finding> {
    if !matches!(kind, ErrorKind::DigestMismatch | ErrorKind::UnknownSigningKey | ErrorKind::SignatureInvalid)
    {
        return None;
    }
    let bytes = input::decode(raw, &InputLimits::default()).ok()?;
    let doc = xml::parse(&bytes).ok()?;
    let signature = signature_of(&doc, element)?;
    if kind == ErrorKind::DigestMismatch {
        return digest(element, &signature, source);
    }
    Some(keys(element, &signature, trust, |key| with_extra_key(args, trust, key, raw, &setup.context)))
}

/// The ds:Signature that signs the Response or its Assertion.
fn signature_of<'d>(doc: &'d Document<'_>, element: SignedElement) -> Option<ParsedSignature<'d>> {
    let root = doc.element(doc.root()).filter(|r| r.is(SAMLP_NS, "Response"))?;
    let signed: NodeId = match element {
        SignedElement::Response => root.id(),
        SignedElement::Assertion => doc.child_elements(root.id()).find(|e| e.is(SAML_NS, "Assertion"))?.id(),
    };
    let node = dsig::signature_child(doc, signed).ok()??;
    ParsedSignature::read(doc, node).ok()
}

fn digest(element: SignedElement, signature: &ParsedSignature<'_>, source: &Source<'_>) -> Option<Finding> {
    let computed = signature.computed_digest().ok()?;
    let id = signature.reference_uri().strip_prefix('#').unwrap_or(signature.reference_uri());
    let options = signature.reference_options();
    let mut command = format!("samlguard c14n --id {} --omit-signature", shell_quote(&show(id)));
    if options.with_comments {
        command.push_str(" --with-comments");
    }
    if !options.inclusive_prefixes.is_empty() {
        let list = show(&options.inclusive_prefixes.join(" "));
        command.push_str(&format!(" --inclusive-namespaces {}", shell_quote(&list)));
    }
    if let Some(pick) = source.origin.and_then(Origin::pick_flag) {
        command.push_str(&format!(" {pick}"));
    }
    command.push(' ');
    command.push_str(&shown_path(source.path));
    let algorithm = signature.digest_algorithm().name();
    let (claimed, computed) = (STANDARD.encode(signature.digest_value()), STANDARD.encode(computed));
    let style = Style::stdout();
    let mut report = Report::with_label_width(18);
    report.line("signed element", format!("{element} ID {}", show(id)));
    report.line("DigestValue", format!("{claimed} ({algorithm}, what the IdP signed)"));
    report.line("computed", format!("{computed} ({algorithm} of the element as received)"));
    report.line("canonical bytes", style.action(&command));
    if source.path == "-" {
        report.line("", "(feed the same input on stdin; `| sha256sum` or `| diff` against a good response)");
    }
    report.paragraph(
        2,
        "the element changed after it was signed: an edited value, or whitespace, line endings or \
         encoding rewritten on the way (a proxy, a copy and paste); compare its canonical bytes with \
         those of a response that verifies",
    );
    let json = json!({
        "element": element.name(),
        "id": id,
        "digest_algorithm": algorithm,
        "digest_value": claimed,
        "computed_digest": computed,
        "c14n_command": command,
    });
    Some((report.into_text(), "digest", json))
}

/// Why a certificate would help or not, for people and for scripts.
enum Cause {
    /// The KeyInfo certificate verifies the signature: a rollover, or a forgery.
    KeyRollover,
    /// It verifies SignedInfo but the response would still be refused.
    StillRefused(ErrorKind),
    /// It verifies SignedInfo; the whole verdict could not be tried.
    Verifies,
    /// The certificate is pinned, yet the signature does not verify.
    SignedInfoModified,
    /// The certificate does not verify the signature either.
    NotSignedByKeyInfo,
    /// No (usable) certificate in KeyInfo.
    NoCertificate,
}

impl Cause {
    fn name(&self) -> &'static str {
        match self {
            Self::KeyRollover => "idp_key_rollover",
            Self::StillRefused(_) => "refused_with_key_info_certificate",
            Self::Verifies => "signed_by_key_info_certificate",
            Self::SignedInfoModified => "signed_info_modified",
            Self::NotSignedByKeyInfo => "not_signed_by_key_info_certificate",
            Self::NoCertificate => "no_key_info_certificate",
        }
    }

    fn explain(&self) -> String {
        match self {
            Self::KeyRollover => {
                "with the KeyInfo certificate the signature verifies and the response WOULD be \
                 accepted: the IdP has most likely rolled its signing key and the pinned metadata is \
                 stale. Compare the SHA-1 thumbprint above with Entra (Enterprise application > Single \
                 sign-on > SAML Certificates): if it is the active certificate, download the current \
                 Federation Metadata and update the trust (and the IAM identity provider AWS holds); if \
                 it is not, someone else signed this response and it must stay refused"
                    .to_owned()
            }
            Self::StillRefused(kind) => format!(
                "the signature verifies with the KeyInfo certificate: the IdP has most likely rolled its \
                 signing key and the pinned metadata is stale (compare the SHA-1 thumbprint above with \
                 Entra's active certificate; if it is not Entra's, someone else signed this response). \
                 Even with that certificate pinned the response would still be refused: {kind}"
            ),
            Self::Verifies => "the signature verifies with the KeyInfo certificate: the IdP has most likely \
                 rolled its signing key (compare the SHA-1 thumbprint above with Entra's active \
                 certificate), or someone else signed this response"
                .to_owned(),
            Self::SignedInfoModified => "the KeyInfo certificate is pinned, yet the SignatureValue does not \
                 verify with it: SignedInfo was changed after signing, or the signature was corrupted"
                .to_owned(),
            Self::NotSignedByKeyInfo => "the signature does not verify with the KeyInfo certificate either: \
                 the response was changed after signing, or KeyInfo names another key than the one \
                 that signed"
                .to_owned(),
            Self::NoCertificate => "the response carries no usable certificate in KeyInfo: nothing tells \
                 which key signed it; check that the pinned metadata is this application's"
                .to_owned(),
        }
    }
}

/// The KeyInfo certificate beside the pinned ones, and what pinning it would do.
fn keys(
    element: SignedElement,
    signature: &ParsedSignature<'_>,
    trust: &IdpTrust,
    trial: impl FnOnce(PublicKey) -> Option<Result<(), Error>>,
) -> Finding {
    let style = Style::stdout();
    let offered = signature.key_info_certificate().and_then(|text| certificate::from_base64(text).ok());
    let pinned_index = offered.as_ref().and_then(|key| trust.keys().iter().position(|k| k == key));
    let verifies = offered.as_ref().is_some_and(|key| {
        signature.canonical_signed_info().is_ok_and(|signed_info| {
            key.verify(signature.algorithm(), &signed_info, signature.signature_value()).is_ok()
        })
    });
    let cause = match (&offered, pinned_index, verifies) {
        (None, _, _) => Cause::NoCertificate,
        (Some(_), Some(_), _) => Cause::SignedInfoModified,
        (Some(_), None, false) => Cause::NotSignedByKeyInfo,
        (Some(key), None, true) => match trial(key.clone()) {
            Some(Ok(())) => Cause::KeyRollover,
            Some(Err(e)) => Cause::StillRefused(e.kind()),
            None => Cause::Verifies,
        },
    };
    let mut report = Report::with_label_width(18);
    match &offered {
        Some(key) => {
            let trusted = match pinned_index {
                Some(i) => format!("pinned #{}", i + 1),
                None => {
                    format!("{}: taken from the response, never used to accept it", style.bad("UNTRUSTED"))
                }
            };
            report.raw(&format!("  KeyInfo certificate of the {element} signature ({trusted})\n"));
            certificate::lines(&mut report, 4, "", key, None);
        }
        None => report.raw(&format!("  the {element} signature has no certificate in KeyInfo\n")),
    }
    report
        .raw(&format!("  pinned certificates ({}, from --idp-metadata / --idp-cert)\n", trust.keys().len()));
    for (i, key) in trust.keys().iter().enumerate() {
        certificate::lines(&mut report, 4, &format!("#{} ", i + 1), key, None);
    }
    let explanation = cause.explain();
    let explanation = if matches!(cause, Cause::KeyRollover) {
        explanation.replacen("WOULD be accepted", &style.warn("WOULD be accepted"), 1)
    } else {
        explanation
    };
    report.paragraph(2, &explanation);
    let json = json!({
        "element": element.name(),
        "key_info_certificate": offered.as_ref().map(|key| {
            let mut value = certificate::json(key);
            value["pinned"] = Value::from(pinned_index.is_some());
            value
        }),
        "pinned_certificates": trust.keys().iter().map(certificate::json).collect::<Vec<_>>(),
        "verifies_with_key_info_certificate": verifies,
        "accepted_with_key_info_certificate": matches!(cause, Cause::KeyRollover),
        "refused_with_key_info_certificate": match &cause { Cause::StillRefused(k) => Some(k.as_str()), _ => None },
        "likely_cause": cause.name(),
    });
    (report.into_text(), "signing_key", json)
}
