//! `samlguard verify`: one response, one verdict.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Args;
use samlguard::crypto::PublicKey;
use samlguard::policy::SkippedCheck;
use samlguard::{AwsConsoleLogin, ClientVpnLogin, IdentityCenterLogin, Login, Policy, Profile};
use serde::Serialize;

use crate::Format;
use crate::authorization::{Authorization, DecisionJson, ReachJson};
use crate::capture::{self, CaptureArgs};
use crate::diagnose::{self, Source};
use crate::failure::Failure;
use crate::output::{emit, emit_json, hex, rfc3339, show};
use crate::replay_store;
use crate::report::Report;
use crate::setup::{AnyPolicy, PolicyArgs, Setup, setup};
use crate::style::Style;

/// Groups listed one by one in the text report; JSON always lists all.
const MAX_SHOWN_GROUPS: usize = 20;

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    policy: PolicyArgs,
    /// Shared replay store, e.g. redis://127.0.0.1:6379/0: a response
    /// accepted by any run or gateway using it is refused as a replay; when
    /// it cannot be reached the response is refused. Default: nothing is
    /// remembered between runs.
    #[arg(long, value_name = "URL")]
    replay_store: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    #[command(flatten)]
    capture: CaptureArgs,
    /// The response: a file path, or `-` for stdin. Raw XML, base64, a form
    /// body with `SAMLResponse=`, a URL-encoded value, a browser HAR export or
    /// a SAML-tracer export.
    #[arg(value_name = "INPUT")]
    input: OsString,
}

pub(crate) fn run(args: &VerifyArgs) -> Result<ExitCode, Failure> {
    let mut setup = setup(&args.policy, true)?;
    if let Some(url) = &args.replay_store {
        setup.policy = setup.policy.with_replay_store(replay_store::open(url)?);
    }
    let captured = capture::read(&args.input, &args.capture)?;
    let raw = captured.bytes;
    let source = Source { path: &args.input, origin: captured.origin.as_ref() };
    let refusal = |e: samlguard::Error| diagnose::refusal(&setup, &args.policy, &raw, &e, &source);
    match &setup.policy {
        AnyPolicy::ClientVpn(policy) => {
            let login = policy.validate(&raw, &setup.context).map_err(refusal)?;
            let authorization = setup
                .authorization
                .as_ref()
                .map(|(rules, destinations)| Authorization::new(rules, &login, destinations));
            Ok(report(policy, &login, &setup, args.format, authorization.as_ref()))
        }
        AnyPolicy::AwsConsole(policy) => verify_with(policy, &raw, &setup, args.format, refusal),
        AnyPolicy::IdentityCenter(policy) => verify_with(policy, &raw, &setup, args.format, refusal),
        AnyPolicy::Generic(policy) => verify_with(policy, &raw, &setup, args.format, refusal),
    }
}

#[derive(Serialize)]
struct AcceptedJson<'a, L: Serialize> {
    valid: bool,
    profile: &'static str,
    #[serde(flatten)]
    login: &'a L,
    #[serde(skip_serializing_if = "Option::is_none")]
    authorization: Option<Vec<DecisionJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reachable: Option<Vec<ReachJson<'a>>>,
}

fn verify_with<P: Profile>(
    policy: &Policy<P>,
    raw: &[u8],
    setup: &Setup,
    format: Format,
    refusal: impl FnOnce(samlguard::Error) -> Failure,
) -> Result<ExitCode, Failure>
where
    P::Login: Claims + Serialize,
{
    let login = policy.validate(raw, &setup.context).map_err(refusal)?;
    Ok(report(policy, &*login, setup, format, None))
}

/// Prints an accepted login (and the authorization decisions); exit 1 when a
/// requested destination is denied.
fn report<'a, P: Profile>(
    policy: &Policy<P>,
    login: &'a P::Login,
    setup: &Setup,
    format: Format,
    authorization: Option<&Authorization<'a>>,
) -> ExitCode
where
    P::Login: Claims + Serialize,
{
    match format {
        Format::Json => emit_json(&AcceptedJson {
            valid: true,
            profile: policy.profile_name(),
            login,
            authorization: authorization.map(Authorization::json),
            reachable: authorization.map(Authorization::reachable_json),
        }),
        Format::Text => {
            let trust = policy.trust();
            let mut text = accepted_text(policy.profile_name(), login, trust.keys(), setup);
            if let Some(authorization) = authorization {
                let mut report = Report::default();
                report.raw("AUTHORIZATION (AWS Client VPN rules: the longest matching prefix decides)\n");
                authorization.text(&mut report);
                text.push_str(&report.into_text());
            }
            emit(&text);
        }
    }
    if authorization.is_some_and(|a| !a.all_allowed()) { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// The profile-specific part of an accepted login's text report. Every
/// value comes from the verified login's accessors.
pub(crate) trait Claims: AsRef<Login> {
    fn text(&self, report: &mut Report);
    /// Attributes already reported as claims (left out of "other attributes").
    fn is_claim(&self, attribute: &str) -> bool;
}

impl Claims for ClientVpnLogin {
    fn text(&self, report: &mut Report) {
        let groups = self.groups();
        let mut shown: Vec<String> = groups.iter().take(MAX_SHOWN_GROUPS).map(show).collect();
        if groups.len() > MAX_SHOWN_GROUPS {
            shown.push(format!("… and {} more (--format json lists all)", groups.len() - MAX_SHOWN_GROUPS));
        }
        report.list(&format!("groups ({})", groups.len()), &shown);
        report.line("first name", self.first_name().map_or_else(|| "(not sent)".to_owned(), show));
        report.line("last name", self.last_name().map_or_else(|| "(not sent)".to_owned(), show));
    }

    fn is_claim(&self, attribute: &str) -> bool {
        Self::is_claim_attribute(attribute)
    }
}

impl Claims for AwsConsoleLogin {
    fn text(&self, report: &mut Report) {
        let roles: Vec<String> = self
            .roles()
            .iter()
            .map(|r| format!("{} via {}", show(r.role_arn.as_str()), show(r.provider_arn.as_str())))
            .collect();
        report.list(&format!("roles ({})", roles.len()), &roles);
        report.line("session name", show(self.role_session_name()));
        report.line(
            "duration",
            self.session_duration()
                .map_or_else(|| "(not sent: AWS default 1 h)".to_owned(), |s| format!("{s} s")),
        );
        if let Some(source) = self.source_identity() {
            report.line("source identity", show(source));
        }
        let tags: Vec<String> = self
            .principal_tags()
            .iter()
            .map(|tag| {
                let transitive = self.transitive_tag_keys().iter().any(|t| t.eq_ignore_ascii_case(&tag.key));
                format!(
                    "{}={}{}",
                    show(&tag.key),
                    show(&tag.value),
                    if transitive { " (transitive)" } else { "" }
                )
            })
            .collect();
        if !tags.is_empty() {
            report.list(&format!("tags ({})", tags.len()), &tags);
        }
    }

    fn is_claim(&self, attribute: &str) -> bool {
        Self::is_claim_attribute(attribute)
    }
}

impl Claims for IdentityCenterLogin {
    fn text(&self, report: &mut Report) {
        report.line("email", show(self.email()));
        let tags: Vec<String> = self
            .access_control_tags()
            .iter()
            .map(|tag| format!("{}={}", show(&tag.key), show(&tag.value)))
            .collect();
        if !tags.is_empty() {
            report.list(&format!("abac tags ({})", tags.len()), &tags);
        }
    }

    fn is_claim(&self, attribute: &str) -> bool {
        Self::is_claim_attribute(attribute)
    }
}

impl Claims for Login {
    fn text(&self, _report: &mut Report) {}

    fn is_claim(&self, _attribute: &str) -> bool {
        false
    }
}

/// `Assertion: rsa-sha256, key CN=… (verified) SHA-1 …` for each signature
/// the policy verified (the SHA-1 thumbprint is what Entra shows).
fn signature_summary(login: &Login, keys: &[PublicKey]) -> Vec<String> {
    login
        .signatures()
        .iter()
        .map(|part| {
            let key = keys.get(part.key_index);
            let subject = key.map_or("?", PublicKey::subject);
            let thumbprint = key.map(|k| format!(" SHA-1 {}", hex(&k.sha1_thumbprint(), true)));
            format!(
                "{}: {}, key {} (verified){}",
                part.element,
                part.algorithm.name(),
                show(subject),
                thumbprint.unwrap_or_default()
            )
        })
        .collect()
}

/// Why a check was skipped, for people.
fn skipped_text(check: SkippedCheck) -> String {
    match check {
        SkippedCheck::InResponseTo => {
            "in_response_to: InResponseTo not matched (no --in-response-to given)".into()
        }
        other => other.as_str().to_owned(),
    }
}

fn short_name_id_format(format: &str) -> &str {
    format.rsplit_once("nameid-format:").map_or(format, |(_, short)| short)
}

fn accepted_text<C: Claims>(profile: &str, claims: &C, keys: &[PublicKey], setup: &Setup) -> String {
    let login = claims.as_ref();
    let assertion = login.assertion();
    let confirmation = login.confirmation();
    let mut report = Report::default();
    report.raw(&format!("{} ({profile} profile)\n", Style::stdout().good("ACCEPTED")));
    report.line("issuer", format!("{} (the pinned IdP)", show(login.issuer())));
    // Never empty: a login exists only when a verified signature covers the Assertion.
    report.list("signatures", &signature_summary(login, keys));
    if login.envelope().is_none() {
        report.line("", "Response not signed (this profile allows it): nothing is reported from it");
    }
    if login.encrypted() {
        report.line(
            "encryption",
            "EncryptedAssertion, decrypted with the SP key; its own signature verified inside",
        );
    } else if setup.policy.decryption_keys().is_some() {
        report.line(
            "encryption",
            "none: the Assertion arrived in plaintext (allowed; --require-encryption refuses it)",
        );
    }
    report.line("audience", show(login.audience()));
    report.line("recipient", confirmation.recipient.as_deref().map_or_else(|| "(none)".to_owned(), show));
    if let Some(destination) = login.envelope().and_then(|e| e.destination.as_deref()) {
        report.line("destination", show(destination));
    }
    let in_response_to = confirmation
        .in_response_to
        .as_deref()
        .or_else(|| login.envelope().and_then(|e| e.in_response_to.as_deref()));
    let not_checked = login.skipped_checks().contains(&SkippedCheck::InResponseTo);
    report.line(
        "in response to",
        match in_response_to {
            None => "(none: IdP-initiated)".to_owned(),
            Some(id) if not_checked => format!("{} (NOT checked: no --in-response-to given)", show(id)),
            Some(id) => format!("{} (matches the request)", show(id)),
        },
    );
    let skipped: Vec<String> = login.skipped_checks().iter().map(|&c| skipped_text(c)).collect();
    if !skipped.is_empty() {
        report.list("skipped checks", &skipped);
    }
    let not_before = [assertion.conditions.as_ref().and_then(|c| c.not_before), confirmation.not_before]
        .into_iter()
        .flatten()
        .max();
    let window = match not_before {
        Some(start) => format!("{} .. {}", rfc3339(start), rfc3339(login.not_on_or_after())),
        None => format!("until {}", rfc3339(login.not_on_or_after())),
    };
    report.line(
        "valid",
        format!("{window} (checked at {}, skew {} s)", rfc3339(setup.context.now()), setup.clock_skew),
    );
    let format = login.name_id_format().map(|f| format!(" ({})", show(short_name_id_format(f))));
    report.line("subject", format!("{}{}", show(login.name_id()), format.unwrap_or_default()));
    if let Some(authn) = &assertion.authn {
        let class = authn.context_class_ref.as_deref().map(|c| format!(" ({})", show(c))).unwrap_or_default();
        report.line("authenticated", format!("{}{class}", rfc3339(authn.authn_instant)));
        if let Some(index) = &authn.session_index {
            report.line("session index", show(index));
        }
    }
    claims.text(&mut report);
    let others: Vec<_> = assertion.attributes.iter().filter(|a| !claims.is_claim(&a.name)).collect();
    if !others.is_empty() {
        report.raw(&format!("  attributes ({})\n", others.len()));
        for attribute in others {
            report.raw(&format!("    {}\n", show(&attribute.name)));
            for value in &attribute.values {
                report.raw(&format!("      {}\n", show(value)));
            }
        }
    }
    report.into_text()
}
