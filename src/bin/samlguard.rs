//! The `samlguard` command-line tool (contract: `cli-contract.md`).
//!
//! - `verify`: validates one SAML Response against a profile and pinned IdP
//!   keys; a report for people (text) or exactly one JSON object.
//! - `inspect`: decodes and pretty-prints a response without trusting any of
//!   it (every value is marked unverified).
//! - `bench`: validation time per response against the crypto floor measured
//!   in the same process on the same bytes.
//! - `c14n`: the exclusive canonical form of an element, to debug digests.
//!
//! Exit codes: 0 success (accepted); 1 the input was refused (undecodable,
//! unparseable, rejected by the policy, unknown ID, …); 2 usage and
//! configuration errors (bad flags, unreadable INPUT or trust files, metadata
//! without a signing key).

use std::borrow::Cow;
use std::ffi::OsString;
use std::fmt;
use std::hint::black_box;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use chrono::{DateTime, SecondsFormat, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use samlguard::Error;
use samlguard::c14n::{self, Options};
use samlguard::dsig::{self, Algorithms, DSIG_NS, DigestAlgorithm, PublicKey, SignatureAlgorithm};
use samlguard::input::{self, InputLimits};
use samlguard::metadata::{ConfigError, IdpTrust, MetadataOptions};
use samlguard::policy::{
    AwsConsole, AwsConsoleLogin, ClientVpn, ClientVpnLogin, Context, Generic, Login, Policy, Profile,
};
use samlguard::saml::{SAML_NS, SAMLP_NS};
use samlguard::xml::{self, Document, ElementRef, NodeId};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const EXC_C14N_WITH_COMMENTS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";
/// Largest `--clock-skew` (one day): beyond that a skew hides real clock
/// problems (use `--now` to look at an old response instead), and it keeps
/// `now ± skew` far from chrono's range limits.
const MAX_CLOCK_SKEW_SECONDS: u64 = 86_400;
/// Trust files (metadata, PEM) are read up to this size.
const MAX_CONFIG_BYTES: u64 = 16 * 1024 * 1024;
/// Longest value printed in text reports, in characters.
const MAX_SHOWN_CHARS: usize = 512;
/// Groups listed one by one in the text report; JSON always lists all.
const MAX_SHOWN_GROUPS: usize = 20;

#[derive(Debug, Parser)]
#[command(name = "samlguard", version, about = "Strict validation of SAML 2.0 Responses for AWS")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate one SAML Response against a profile and the pinned IdP keys.
    /// Exit 0 accepted, 1 rejected, 2 usage or configuration error.
    Verify(VerifyArgs),
    /// Decode and pretty-print a response WITHOUT checking anything: every
    /// value shown is unverified.
    Inspect(InspectArgs),
    /// Time the validation of one response against the crypto floor (the
    /// signature verifications and digests any verifier must compute).
    Bench(BenchArgs),
    /// Print the Exclusive XML Canonicalization 1.0 of an element (or the whole
    /// document), byte-exact and without a trailing newline, to debug digest
    /// mismatches.
    C14n(C14nArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ProfileName {
    /// AWS Client VPN.
    Clientvpn,
    /// AWS console / AssumeRoleWithSAML.
    AwsConsole,
    /// Any SP (needs --audience and --acs-url).
    Generic,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
enum Format {
    /// A report for people.
    #[default]
    Text,
    /// Exactly one JSON object on stdout.
    Json,
}

/// The flags shared by `verify` and `bench`: trust, profile and context.
#[derive(Debug, Args)]
struct PolicyArgs {
    /// The deployment profile.
    #[arg(long, value_enum)]
    profile: ProfileName,
    /// IdP federation metadata (Entra's FederationMetadata.xml); repeatable,
    /// the signing keys of all files are trusted.
    #[arg(long, value_name = "FILE")]
    idp_metadata: Vec<PathBuf>,
    /// PEM certificate(s) of the IdP's signing key; repeatable; needs
    /// --idp-entity-id.
    #[arg(long, value_name = "PEMFILE")]
    idp_cert: Vec<PathBuf>,
    /// Validation time, RFC 3339 (e.g. 2026-01-15T10:01:00Z). Default: the
    /// system clock.
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Clock skew allowed on every time bound, in seconds (at most 86400).
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    clock_skew: u64,
    /// Accepted audience; repeatable; replaces the profile's default
    /// (required for the generic profile).
    #[arg(long, value_name = "URI")]
    audience: Vec<String>,
    /// Accepted Destination / SubjectConfirmation Recipient; repeatable;
    /// replaces the profile's default (required for the generic profile).
    #[arg(long, value_name = "URL")]
    acs_url: Vec<String>,
    /// The IdP's entity ID, the expected Issuer. Default: the metadata's
    /// entityID; required with --idp-cert.
    #[arg(long, value_name = "URI")]
    idp_entity_id: Option<String>,
    /// The ID of the AuthnRequest the response must answer (SP-initiated).
    #[arg(long, value_name = "ID")]
    in_response_to: Option<String>,
    /// Accept SHA-1 signatures and digests (legacy IdPs only).
    #[arg(long)]
    allow_sha1: bool,
}

#[derive(Debug, Args)]
struct VerifyArgs {
    #[command(flatten)]
    policy: PolicyArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The response: a file path, or `-` for stdin. Raw XML, base64, or a form
    /// body with `SAMLResponse=`.
    #[arg(value_name = "INPUT")]
    input: OsString,
}

#[derive(Debug, Args)]
struct InspectArgs {
    /// The response: a file path, or `-` for stdin. Raw XML, base64, or a form
    /// body with `SAMLResponse=`.
    #[arg(value_name = "INPUT")]
    input: OsString,
}

#[derive(Debug, Args)]
struct BenchArgs {
    #[command(flatten)]
    policy: PolicyArgs,
    /// Number of timed validations (after a warm-up of a tenth as many).
    #[arg(long, value_name = "N", default_value_t = 2000)]
    iterations: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The response: a file path, or `-` for stdin.
    #[arg(value_name = "INPUT")]
    input: OsString,
}

#[derive(Debug, Args)]
struct C14nArgs {
    /// Keep comments (…xml-exc-c14n#WithComments).
    #[arg(long)]
    with_comments: bool,
    /// The InclusiveNamespaces PrefixList: whitespace-separated prefixes,
    /// `#default` for the default namespace.
    #[arg(long, value_name = "PREFIXES", value_parser = parse_prefix_list)]
    inclusive_namespaces: Option<String>,
    /// Canonicalize the element whose `ID` attribute has this value (default:
    /// the whole document, as `xmllint --exc-c14n` prints it).
    #[arg(long, value_name = "ID")]
    id: Option<String>,
    /// Leave out the ds:Signature that is a direct child of the element (of the
    /// root element without --id), as the enveloped-signature transform does.
    /// When there is none, nothing is left out (a note goes to stderr).
    #[arg(long)]
    omit_signature: bool,
    /// The response: a file path, or `-` for stdin. Raw XML, base64, or a form
    /// body with `SAMLResponse=`.
    #[arg(value_name = "INPUT")]
    input: OsString,
}

/// Validates a PrefixList at parse time so a bad one is a usage error (exit 2).
fn parse_prefix_list(list: &str) -> Result<String, String> {
    match list.split_ascii_whitespace().find(|p| *p != "#default" && !xml::is_ncname(p)) {
        Some(bad) => Err(format!("{bad:?} is neither a namespace prefix (an NCName) nor #default")),
        None => Ok(list.to_owned()),
    }
}

/// A failure: a usage or configuration error (exit 2), an input that could not
/// be read as XML (exit 1), or a policy refusal (exit 1).
#[derive(Debug)]
struct Failure {
    /// Process exit code.
    code: u8,
    /// Stable snake_case kind.
    kind: &'static str,
    /// `" at line:col"` for XML errors, else empty.
    position: String,
    message: String,
    /// What to change, for refusals that stem from a typical misconfiguration.
    hint: Option<&'static str>,
    /// A verdict of `verify`/`bench` (printed as `REJECTED:`), not a tool error.
    refusal: bool,
    /// Context for people (text only), e.g. the clock used.
    note: Option<String>,
}

impl Failure {
    fn new(code: u8, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            kind,
            position: String::new(),
            message: message.into(),
            hint: None,
            refusal: false,
            note: None,
        }
    }

    fn rejected(kind: &'static str, message: impl Into<String>) -> Self {
        Self::new(1, kind, message)
    }

    fn usage(message: impl Into<String>) -> Self {
        Self::new(2, "usage_error", message)
    }

    fn config(path: &Path, error: &ConfigError) -> Self {
        Self::new(2, error.kind(), format!("{}: {error}", path.display()))
    }

    /// The policy's verdict on the response.
    fn refusal(error: &Error) -> Self {
        Self { hint: error.hint(), refusal: true, ..Self::new(1, error.kind(), error.to_string()) }
    }

    /// The policy's verdict; for refusals about time, also which clock was used.
    fn refusal_at(error: &Error, setup: &Setup) -> Self {
        use samlguard::policy::PolicyError as P;
        let mut failure = Self::refusal(error);
        if matches!(
            error,
            Error::Policy(
                P::Expired(_)
                    | P::NotYetValid(_)
                    | P::IssuedInFuture(_)
                    | P::TooOld(_)
                    | P::SessionExpired(_)
            )
        ) {
            failure.note = Some(format!(
                "checked at {} with {} s clock skew (set the time with --now)",
                rfc3339(setup.context.now()),
                setup.clock_skew
            ));
        }
        failure
    }

    /// Prints the failure: JSON on stdout; in text, a refusal on stdout (it is
    /// the answer), a tool error on stderr.
    fn report(&self, format: Format) {
        match format {
            Format::Json => {
                let hint = self.hint;
                let message = format!("{}{}", self.message, self.position);
                emit_json(&RejectedJson {
                    valid: false,
                    error: ErrorJson { kind: self.kind, message: &message, hint },
                });
            }
            Format::Text if self.refusal => {
                let mut text = format!("REJECTED: {}\n{}\n", self.kind, show_all(&self.message));
                if let Some(note) = &self.note {
                    text.push_str(&format!("{note}\n"));
                }
                if let Some(hint) = self.hint {
                    text.push_str(&format!("fix: {hint}\n"));
                }
                emit(&text);
            }
            Format::Text => {
                let mut text = format!("{self}\n");
                if let Some(hint) = self.hint {
                    text.push_str(&format!("fix: {hint}\n"));
                }
                emit_stderr(&text);
            }
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}{}: {}", self.kind, self.position, show_all(&self.message))
    }
}

impl From<input::InputError> for Failure {
    fn from(e: input::InputError) -> Self {
        Self::rejected(e.kind(), e.to_string())
    }
}

impl From<c14n::C14nError> for Failure {
    fn from(e: c14n::C14nError) -> Self {
        Self::rejected(e.kind().as_str(), e.to_string())
    }
}

/// Parses decoded input; errors say when their position is in base64-decoded XML.
#[allow(clippy::ptr_arg)] // the Cow variant is what says whether the XML was decoded
fn parse_decoded<'a>(bytes: &'a Cow<'_, [u8]>) -> Result<Document<'a>, Failure> {
    xml::parse(bytes).map_err(|e| xml_failure(&e, matches!(bytes, Cow::Owned(_))))
}

fn xml_failure(e: &xml::XmlError, decoded: bool) -> Failure {
    let position = e.position();
    let mut message = e.message().to_owned();
    if decoded {
        message.push_str(" (position in the base64-decoded XML)");
    }
    Failure { position: format!(" at {position}"), ..Failure::rejected(e.kind().as_str(), message) }
}

#[derive(Serialize)]
struct RejectedJson<'a> {
    valid: bool,
    error: ErrorJson<'a>,
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    kind: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<&'a str>,
}

/// Writes to stdout; a closed stdout is not worth a panic.
fn emit(text: &str) {
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
}

fn emit_stderr(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// Prints one JSON object and a newline on stdout.
fn emit_json(value: &impl Serialize) {
    match serde_json::to_string(value) {
        Ok(json) => emit(&format!("{json}\n")),
        // Unreachable for these types (string keys, finite numbers); still one object.
        Err(e) => emit(&format!(
            "{{\"valid\":false,\"error\":{{\"kind\":\"output_failed\",\"message\":{:?}}}}}\n",
            e.to_string()
        )),
    }
}

/// Whether the command line asks for JSON, looked up in the raw arguments:
/// used only when clap itself refuses them, so that a script that asked for
/// JSON still gets one JSON object.
fn json_requested() -> bool {
    let args: Vec<OsString> = std::env::args_os().collect();
    args.windows(2).any(|w| w[0] == "--format" && w[1] == "json") || args.iter().any(|a| a == "--format=json")
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = u8::try_from(e.exit_code()).unwrap_or(2);
            if e.use_stderr() && json_requested() {
                let rendered = e.render().to_string();
                let first = rendered.lines().next().unwrap_or("invalid arguments");
                let message = first.strip_prefix("error: ").unwrap_or(first);
                Failure::usage(format!("{message} (see samlguard --help)")).report(Format::Json);
            }
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let (result, format) = match &cli.command {
        Command::Verify(args) => (run_verify(args), args.format),
        Command::Inspect(args) => (run_inspect(args), Format::Text),
        Command::Bench(args) => (run_bench(args), args.format),
        Command::C14n(args) => (run_c14n(args).map(|()| ExitCode::SUCCESS), Format::Text),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            failure.report(format);
            ExitCode::from(failure.code)
        }
    }
}

/// Reads INPUT, at most `limit + 1` bytes (enough for `input::decode` to
/// report the excess without holding an unbounded file in memory).
fn read_input(path: &OsString, limit: usize) -> Result<Vec<u8>, Failure> {
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let mut bytes = Vec::new();
    let result = if path == "-" {
        io::stdin().lock().take(cap).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(Path::new(path)).and_then(|f| f.take(cap).read_to_end(&mut bytes))
    };
    match result {
        Ok(_) => Ok(bytes),
        Err(e) => Err(Failure::new(
            2,
            "input_unreadable",
            format!("cannot read {}: {e}", Path::new(path).display()),
        )),
    }
}

/// Reads a trust file (metadata or PEM).
fn read_config(path: &Path) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| Failure::new(2, "config_unreadable", format!("cannot read {}: {e}", path.display())))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(Failure::new(
            2,
            "config_unreadable",
            format!("{} is larger than {MAX_CONFIG_BYTES} bytes", path.display()),
        ));
    }
    Ok(bytes)
}

// ---------------------------------------------------------------------------
// verify / bench: trust, policy and context from the flags

/// A policy for the profile chosen on the command line.
enum AnyPolicy {
    ClientVpn(Policy<ClientVpn>),
    AwsConsole(Policy<AwsConsole>),
    Generic(Policy<Generic>),
}

struct Setup {
    policy: AnyPolicy,
    context: Context,
    algorithms: Algorithms,
    clock_skew: u64,
}

/// The system clock, read here and only here (the library never reads it).
fn system_now() -> Result<DateTime<Utc>, Failure> {
    let clock_error =
        || Failure::new(2, "clock", "the system clock is before 1970 or out of range: pass --now");
    let since = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|_| clock_error())?;
    let seconds = i64::try_from(since.as_secs()).map_err(|_| clock_error())?;
    DateTime::from_timestamp(seconds, since.subsec_nanos()).ok_or_else(clock_error)
}

/// Checks the flags, loads the trust and builds the policy. `replay_cache`:
/// false only for `bench`, which validates the same response repeatedly.
fn setup(args: &PolicyArgs, replay_cache: bool) -> Result<Setup, Failure> {
    if args.idp_metadata.is_empty() && args.idp_cert.is_empty() {
        return Err(Failure::usage("the IdP's keys are required: --idp-metadata FILE or --idp-cert PEMFILE"));
    }
    if !args.idp_cert.is_empty() && args.idp_entity_id.is_none() {
        return Err(Failure::usage(
            "--idp-cert requires --idp-entity-id (the IdP's entity ID, which must be the responses' Issuer)",
        ));
    }
    let now = match &args.now {
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map_err(|e| {
                Failure::usage(format!(
                    "--now {text:?} is not an RFC 3339 time like 2026-01-15T10:01:00Z: {e}"
                ))
            })?
            .with_timezone(&Utc),
        None => system_now()?,
    };
    if args.clock_skew > MAX_CLOCK_SKEW_SECONDS {
        return Err(Failure::usage(format!(
            "--clock-skew {} is more than {MAX_CLOCK_SKEW_SECONDS} seconds (to check an old response, use --now)",
            args.clock_skew
        )));
    }
    if args.profile == ProfileName::Generic && (args.audience.is_empty() || args.acs_url.is_empty()) {
        return Err(Failure::usage(
            "the generic profile needs --audience URI (this SP's entity ID) and --acs-url URL (its ACS URL)",
        ));
    }
    let trust = load_trust(args)?;
    let algorithms = if args.allow_sha1 { Algorithms::ALLOW_SHA1 } else { Algorithms::STRICT };
    let policy = match args.profile {
        ProfileName::Clientvpn => {
            AnyPolicy::ClientVpn(configure(Policy::<ClientVpn>::new(trust), args, algorithms, replay_cache))
        }
        ProfileName::AwsConsole => {
            AnyPolicy::AwsConsole(configure(Policy::<AwsConsole>::new(trust), args, algorithms, replay_cache))
        }
        ProfileName::Generic => {
            let policy =
                Policy::<Generic>::new(trust, args.audience.iter().cloned(), args.acs_url.iter().cloned());
            AnyPolicy::Generic(configure(policy, args, algorithms, replay_cache))
        }
    };
    let mut context = Context::new(now);
    if let Some(id) = &args.in_response_to {
        context = context.expecting_request(id.clone());
    }
    Ok(Setup { policy, context, algorithms, clock_skew: args.clock_skew })
}

/// `--audience`/`--acs-url` replace the profile's defaults when given.
fn configure<P: Profile>(
    mut policy: Policy<P>,
    args: &PolicyArgs,
    algorithms: Algorithms,
    replay_cache: bool,
) -> Policy<P> {
    if !args.audience.is_empty() {
        policy = policy.with_audiences(args.audience.iter().cloned());
    }
    if !args.acs_url.is_empty() {
        policy = policy.with_acs_urls(args.acs_url.iter().cloned());
    }
    policy = policy.with_algorithms(algorithms).with_clock_skew(Duration::from_secs(args.clock_skew));
    if !replay_cache {
        policy = policy.without_replay_cache();
    }
    policy
}

/// The pinned keys: every signing key of every metadata file and PEM file.
/// The entity ID is --idp-entity-id, else the metadata's entityID (several
/// metadata files must then agree).
fn load_trust(args: &PolicyArgs) -> Result<IdpTrust, Failure> {
    let options = match &args.idp_entity_id {
        // Also selects this entity in an aggregate (EntitiesDescriptor), and
        // refuses metadata of another entity.
        Some(id) => MetadataOptions::default().with_entity_id(id.clone()),
        None => MetadataOptions::default(),
    };
    let mut entity_id = args.idp_entity_id.clone();
    let mut keys: Vec<PublicKey> = Vec::new();
    let mut add = |new: &[PublicKey]| {
        for key in new {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
    };
    for path in &args.idp_metadata {
        let bytes = read_config(path)?;
        let trust = IdpTrust::from_metadata(&bytes, &options).map_err(|e| Failure::config(path, &e))?;
        match &entity_id {
            None => entity_id = Some(trust.entity_id().to_owned()),
            Some(id) if id != trust.entity_id() => {
                return Err(Failure::new(
                    2,
                    "metadata_entity",
                    format!(
                        "{}: entityID {:?} differs from {id:?} of the other metadata; choose one with --idp-entity-id",
                        path.display(),
                        trust.entity_id()
                    ),
                ));
            }
            Some(_) => {}
        }
        add(trust.keys());
    }
    for path in &args.idp_cert {
        let bytes = read_config(path)?;
        let certificates =
            PublicKey::from_pem(&bytes).map_err(|e| Failure::config(path, &ConfigError::from(e)))?;
        add(&certificates);
    }
    IdpTrust::from_keys(entity_id.unwrap_or_default(), keys)
        .map_err(|e| Failure::new(2, e.kind(), e.to_string()))
}

// ---------------------------------------------------------------------------
// verify

fn run_verify(args: &VerifyArgs) -> Result<ExitCode, Failure> {
    let setup = setup(&args.policy, true)?;
    let raw = read_input(&args.input, InputLimits::default().max_encoded_bytes)?;
    match &setup.policy {
        AnyPolicy::ClientVpn(policy) => verify_with(policy, &raw, &setup, args.format),
        AnyPolicy::AwsConsole(policy) => verify_with(policy, &raw, &setup, args.format),
        AnyPolicy::Generic(policy) => verify_with(policy, &raw, &setup, args.format),
    }
}

fn verify_with<P: Profile>(
    policy: &Policy<P>,
    raw: &[u8],
    setup: &Setup,
    format: Format,
) -> Result<ExitCode, Failure>
where
    P::Login: Claims,
{
    let login = policy.validate(raw, &setup.context).map_err(|e| Failure::refusal_at(&e, setup))?;
    match format {
        Format::Json => emit_json(&accepted_json(policy.profile_name(), &*login)),
        Format::Text => {
            let signatures = signature_summary(login.login(), policy.trust().keys());
            emit(&accepted_text(policy.profile_name(), &*login, &signatures, setup));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The profile-specific part of an accepted login. Every value comes from the
/// verified login's accessors.
trait Claims {
    fn login(&self) -> &Login;
    fn json(&self) -> ProfileJson<'_>;
    fn text(&self, report: &mut Report);
    /// Attributes already reported as claims (left out of "other attributes").
    fn is_claim(&self, attribute: &str) -> bool;
}

impl Claims for ClientVpnLogin {
    fn login(&self) -> &Login {
        self
    }

    fn json(&self) -> ProfileJson<'_> {
        ProfileJson::ClientVpn {
            groups: ValuesJson(self.groups()),
            first_name: self.first_name(),
            last_name: self.last_name(),
        }
    }

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
        matches!(attribute, "memberOf" | "FirstName" | "LastName")
    }
}

impl Claims for AwsConsoleLogin {
    fn login(&self) -> &Login {
        self
    }

    fn json(&self) -> ProfileJson<'_> {
        ProfileJson::AwsConsole {
            roles: self
                .roles()
                .iter()
                .map(|r| RoleJson { role_arn: &r.role_arn, provider_arn: &r.provider_arn })
                .collect(),
            role_session_name: self.role_session_name(),
            session_duration: self.session_duration(),
            source_identity: self.source_identity(),
            principal_tags: Pairs(self.principal_tags()),
            transitive_tag_keys: self.transitive_tag_keys(),
        }
    }

    fn text(&self, report: &mut Report) {
        let roles: Vec<String> = self
            .roles()
            .iter()
            .map(|r| format!("{} via {}", show(&r.role_arn), show(&r.provider_arn)))
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
            .map(|(k, v)| {
                let transitive = self.transitive_tag_keys().iter().any(|t| t.eq_ignore_ascii_case(k));
                format!("{}={}{}", show(k), show(v), if transitive { " (transitive)" } else { "" })
            })
            .collect();
        if !tags.is_empty() {
            report.list(&format!("tags ({})", tags.len()), &tags);
        }
    }

    fn is_claim(&self, attribute: &str) -> bool {
        attribute.starts_with("https://aws.amazon.com/SAML/Attributes/")
    }
}

impl Claims for Login {
    fn login(&self) -> &Login {
        self
    }

    fn json(&self) -> ProfileJson<'_> {
        ProfileJson::Generic {}
    }

    fn text(&self, _report: &mut Report) {}

    fn is_claim(&self, _attribute: &str) -> bool {
        false
    }
}

#[derive(Serialize)]
struct AcceptedJson<'a> {
    valid: bool,
    profile: &'static str,
    issuer: &'a str,
    name_id: &'a str,
    name_id_format: Option<&'a str>,
    audience: &'a str,
    not_on_or_after: String,
    session_index: Option<&'a str>,
    attributes: Attributes<'a>,
    #[serde(flatten)]
    claims: ProfileJson<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum ProfileJson<'a> {
    ClientVpn {
        groups: ValuesJson<'a>,
        first_name: Option<&'a str>,
        last_name: Option<&'a str>,
    },
    AwsConsole {
        roles: Vec<RoleJson<'a>>,
        role_session_name: &'a str,
        session_duration: Option<u32>,
        source_identity: Option<&'a str>,
        principal_tags: Pairs<'a>,
        transitive_tag_keys: &'a [String],
    },
    Generic {},
}

#[derive(Serialize)]
struct RoleJson<'a> {
    role_arn: &'a str,
    provider_arn: &'a str,
}

/// The verified attributes as `{"name":["v1","v2"]}`, in document order
/// (names are unique in a verified assertion).
struct Attributes<'a>(&'a [samlguard::saml::Attribute]);

impl Serialize for Attributes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for attribute in self.0 {
            map.serialize_entry(&attribute.name, &ValuesJson(&attribute.values))?;
        }
        map.end()
    }
}

/// Attribute values as a JSON array of strings.
struct ValuesJson<'a>(&'a samlguard::saml::Values);

impl Serialize for ValuesJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter())
    }
}

/// Key/value pairs as a JSON object, in order.
struct Pairs<'a>(&'a [(String, String)]);

impl Serialize for Pairs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn accepted_json<'a, C: Claims>(profile: &'static str, claims: &'a C) -> AcceptedJson<'a> {
    let login = claims.login();
    AcceptedJson {
        valid: true,
        profile,
        issuer: login.issuer(),
        name_id: login.name_id(),
        name_id_format: login.name_id_format(),
        audience: login.audience(),
        not_on_or_after: rfc3339(login.not_on_or_after()),
        session_index: login.session_index(),
        attributes: Attributes(&login.assertion().attributes),
        claims: claims.json(),
    }
}

/// A text report: `  label          value` lines.
struct Report(String, usize);

impl Default for Report {
    fn default() -> Self {
        Self(String::new(), 16)
    }
}

impl Report {
    /// A report whose values start after `width` columns.
    fn with_label_width(width: usize) -> Self {
        Self(String::new(), width)
    }

    fn raw(&mut self, text: &str) {
        self.0.push_str(text);
    }

    fn line(&mut self, label: &str, value: impl fmt::Display) {
        self.indented(2, label, value);
    }

    fn indented(&mut self, indent: usize, label: &str, value: impl fmt::Display) {
        let width = self.1.saturating_sub(indent).max(1);
        let line = format!("{:indent$}{label:<width$} {value}", "");
        self.0.push_str(line.trim_end());
        self.0.push('\n');
    }

    /// A label with several values, one per line, aligned.
    fn list(&mut self, label: &str, values: &[String]) {
        match values.split_first() {
            None => self.line(label, "(none)"),
            Some((first, rest)) => {
                self.line(label, first);
                for value in rest {
                    self.line("", value);
                }
            }
        }
    }
}

/// `Assertion: rsa-sha256, key CN=…` for each signature the policy verified.
fn signature_summary(login: &Login, keys: &[PublicKey]) -> Vec<String> {
    login
        .signatures()
        .iter()
        .map(|part| {
            let key = keys.get(part.key_index).map_or("?", PublicKey::subject);
            format!("{}: {}, key {}", part.element, part.algorithm.name(), show(key))
        })
        .collect()
}

fn short_name_id_format(format: &str) -> &str {
    format.rsplit_once("nameid-format:").map_or(format, |(_, short)| short)
}

fn accepted_text<C: Claims>(profile: &str, claims: &C, signatures: &[String], setup: &Setup) -> String {
    let login = claims.login();
    let assertion = login.assertion();
    let confirmation = &assertion.subject_confirmation;
    let mut report = Report::default();
    report.raw(&format!("ACCEPTED ({profile} profile)\n"));
    report.line("issuer", format!("{} (the pinned IdP)", show(login.issuer())));
    // Never empty: a login exists only when a verified signature covers the Assertion.
    let verified: Vec<String> = signatures.iter().map(|s| format!("{s} (verified)")).collect();
    report.list("signatures", &verified);
    if login.envelope().is_none() {
        report.line("", "Response not signed (this profile allows it): nothing is reported from it");
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
    report.line("in response to", in_response_to.map_or_else(|| "(none: IdP-initiated)".to_owned(), show));
    let not_before = [assertion.conditions.not_before, confirmation.not_before].into_iter().flatten().max();
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
            let values: Vec<String> = attribute.values.iter().map(show).collect();
            report.raw(&format!("    {}\n", show(&attribute.name)));
            for value in values {
                report.raw(&format!("      {value}\n"));
            }
        }
    }
    report.0
}

/// A value for a terminal: control and bidi/invisible formatting characters
/// escaped (values are attacker-controlled in `inspect`), at most
/// [`MAX_SHOWN_CHARS`] characters.
fn show(value: &str) -> String {
    let mut out = String::with_capacity(value.len().min(MAX_SHOWN_CHARS));
    for (i, c) in value.chars().enumerate() {
        if i == MAX_SHOWN_CHARS {
            out.push_str(&format!("… ({} characters in all)", value.chars().count()));
            break;
        }
        push_visible(&mut out, c);
    }
    out
}

/// Like [`show`], never truncated (error messages).
fn show_all(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    value.chars().for_each(|c| push_visible(&mut out, c));
    out
}

fn push_visible(out: &mut String, c: char) {
    let invisible = c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}');
    if invisible {
        out.extend(c.escape_default());
    } else {
        out.push(c);
    }
}

// ---------------------------------------------------------------------------
// inspect: walks the parsed document directly; nothing is verified, nothing
// goes through the `saml` module (which only reads signed nodes).

fn run_inspect(args: &InspectArgs) -> Result<ExitCode, Failure> {
    let limits = InputLimits::default();
    let raw = read_input(&args.input, limits.max_encoded_bytes)?;
    let bytes = input::decode(&raw, &limits)?;
    let doc = parse_decoded(&bytes)?;

    let mut report = Report::with_label_width(24);
    report.raw("UNVERIFIED: nothing below has been checked; use 'samlguard verify'\n");
    report.raw(&format!(
        "input: {} bytes of XML{}\n",
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
        report.raw(&format!(
            "\nEncryptedAssertion at {} [unverified]: encrypted, not readable (samlguard does not support encrypted assertions)\n",
            path(&doc, encrypted.id())
        ));
    }
    inspect_signatures(&doc, &mut report);
    emit(&report.0);
    Ok(ExitCode::SUCCESS)
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

/// The parts of a `ds:Signature` that `inspect` and `bench` look at. Read
/// leniently: nothing here decides anything.
#[derive(Default)]
struct SignatureParts<'d> {
    signed_info: Option<NodeId>,
    signature_value: Option<NodeId>,
    canonicalization: Option<&'d str>,
    canonicalization_prefixes: Option<&'d str>,
    signature_method: Option<&'d str>,
    references: Vec<ReferenceParts<'d>>,
    certificates: Vec<NodeId>,
}

struct ReferenceParts<'d> {
    uri: Option<&'d str>,
    /// Each Transform's Algorithm and InclusiveNamespaces PrefixList.
    transforms: Vec<(&'d str, Option<&'d str>)>,
    digest_method: Option<&'d str>,
    digest_value: Option<NodeId>,
}

fn inclusive_prefixes<'d>(doc: &'d Document<'_>, method: NodeId) -> Option<&'d str> {
    doc.child_elements(method)
        .find(|e| e.is(EXC_C14N, "InclusiveNamespaces"))
        .and_then(|e| e.attribute("", "PrefixList"))
}

fn signature_parts<'d>(doc: &'d Document<'_>, signature: NodeId) -> SignatureParts<'d> {
    let mut parts = SignatureParts::default();
    for child in doc.child_elements(signature) {
        match (child.namespace(), child.local_name()) {
            (DSIG_NS, "SignedInfo") if parts.signed_info.is_none() => {
                parts.signed_info = Some(child.id());
                for item in doc.child_elements(child.id()).filter(|e| e.namespace() == DSIG_NS) {
                    match item.local_name() {
                        "CanonicalizationMethod" => {
                            parts.canonicalization = item.attribute("", "Algorithm");
                            parts.canonicalization_prefixes = inclusive_prefixes(doc, item.id());
                        }
                        "SignatureMethod" => parts.signature_method = item.attribute("", "Algorithm"),
                        "Reference" => parts.references.push(reference_parts(doc, item)),
                        _ => {}
                    }
                }
            }
            (DSIG_NS, "SignatureValue") if parts.signature_value.is_none() => {
                parts.signature_value = Some(child.id());
            }
            (DSIG_NS, "KeyInfo") => {
                for data in children(doc, child.id(), DSIG_NS, "X509Data") {
                    parts
                        .certificates
                        .extend(children(doc, data.id(), DSIG_NS, "X509Certificate").map(|c| c.id()));
                }
            }
            _ => {}
        }
    }
    parts
}

fn reference_parts<'d>(doc: &'d Document<'_>, reference: ElementRef<'d, '_>) -> ReferenceParts<'d> {
    let mut parts = ReferenceParts {
        uri: reference.attribute("", "URI"),
        transforms: Vec::new(),
        digest_method: None,
        digest_value: None,
    };
    for item in doc.child_elements(reference.id()).filter(|e| e.namespace() == DSIG_NS) {
        match item.local_name() {
            "Transforms" => {
                for transform in children(doc, item.id(), DSIG_NS, "Transform") {
                    let algorithm = transform.attribute("", "Algorithm").unwrap_or("");
                    parts.transforms.push((algorithm, inclusive_prefixes(doc, transform.id())));
                }
            }
            "DigestMethod" => parts.digest_method = item.attribute("", "Algorithm"),
            "DigestValue" => parts.digest_value = Some(item.id()),
            _ => {}
        }
    }
    parts
}

/// Base64 text of an element with its whitespace removed, decoded.
fn base64_text(doc: &Document<'_>, id: NodeId) -> Option<Vec<u8>> {
    let text = doc.text_content(id)?;
    let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(compact).ok()
}

/// Subject and SHA-1 thumbprint (what the Entra portal shows) of a KeyInfo
/// certificate.
fn certificate_summary(doc: &Document<'_>, id: NodeId) -> String {
    use x509_parser::prelude::FromDer;
    let Some(der) = base64_text(doc, id) else { return "(not valid base64)".to_owned() };
    let thumbprint: String = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &der)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    match x509_parser::certificate::X509Certificate::from_der(&der) {
        Ok((_, certificate)) => {
            format!("{} (thumbprint {thumbprint})", show(&certificate.subject().to_string()))
        }
        Err(_) => format!("(not an X.509 certificate; thumbprint {thumbprint})"),
    }
}

/// Short names for the usual algorithm URIs; anything else in full.
fn short_algorithm(uri: &str) -> String {
    match uri {
        EXC_C14N => "exc-c14n".to_owned(),
        EXC_C14N_WITH_COMMENTS => "exc-c14n#WithComments".to_owned(),
        "http://www.w3.org/2000/09/xmldsig#enveloped-signature" => "enveloped-signature".to_owned(),
        _ => match uri.split_once('#') {
            Some((
                "http://www.w3.org/2001/04/xmldsig-more"
                | "http://www.w3.org/2000/09/xmldsig"
                | "http://www.w3.org/2001/04/xmlenc",
                name,
            )) if !name.is_empty() => show(name),
            _ => show(uri),
        },
    }
}

fn inspect_signatures(doc: &Document<'_>, report: &mut Report) {
    let signatures = dsig::all_signatures(doc);
    if signatures.is_empty() {
        report.raw("\nSignatures: none (no ds:Signature element)\n");
        return;
    }
    report.raw(&format!(
        "\nSignatures: {} ds:Signature element(s) [unverified: not checked against any key]\n",
        signatures.len()
    ));
    for (i, &signature) in signatures.iter().enumerate() {
        let parent = doc.parent(signature).and_then(|p| doc.element(p));
        let parent_id = parent.and_then(|p| p.attribute("", "ID"));
        let parent_name = parent.map_or_else(|| "(document)".to_owned(), |p| show(p.qname()));
        let id_text = parent_id.map_or_else(|| "no ID".to_owned(), |id| format!("ID {}", show(id)));
        report.raw(&format!("  #{} in {parent_name} ({id_text}) at {}\n", i + 1, path(doc, signature)));
        let parts = signature_parts(doc, signature);
        let missing = || "(absent)".to_owned();
        report.indented(4, "Canonicalization", parts.canonicalization.map_or_else(missing, short_algorithm));
        report.indented(4, "SignatureMethod", parts.signature_method.map_or_else(missing, short_algorithm));
        if parts.references.is_empty() {
            report.indented(4, "Reference", "(none)");
        }
        for reference in &parts.references {
            let note = match (reference.uri, parent_id) {
                (Some(uri), Some(id)) if uri.strip_prefix('#') == Some(id) => " (the parent's ID)",
                _ => " (does not name the parent element: samlguard refuses this)",
            };
            let uri = reference.uri.map_or_else(missing, show);
            report.indented(4, "Reference URI", format!("{uri}{note}"));
            let transforms: Vec<String> = reference
                .transforms
                .iter()
                .map(|(algorithm, prefixes)| match prefixes {
                    Some(list) => format!("{} [{}]", short_algorithm(algorithm), show(list)),
                    None => short_algorithm(algorithm),
                })
                .collect();
            report.indented(6, "Transforms", transforms.join(", "));
            report.indented(6, "DigestMethod", reference.digest_method.map_or_else(missing, short_algorithm));
        }
        if parts.certificates.is_empty() {
            report.indented(4, "KeyInfo cert", "(none)");
        }
        for &certificate in &parts.certificates {
            report.indented(
                4,
                "KeyInfo cert",
                format!("{} — a hint only, never trusted", certificate_summary(doc, certificate)),
            );
        }
    }
}

// ---------------------------------------------------------------------------
// bench

fn run_bench(args: &BenchArgs) -> Result<ExitCode, Failure> {
    if args.iterations == 0 {
        return Err(Failure::usage("--iterations must be at least 1"));
    }
    // The same response is validated over and over: with a replay cache every
    // validation after the first would be refused as a replay.
    let setup = setup(&args.policy, false)?;
    let raw = read_input(&args.input, InputLimits::default().max_encoded_bytes)?;
    match &setup.policy {
        AnyPolicy::ClientVpn(policy) => bench_with(policy, &raw, &setup, args),
        AnyPolicy::AwsConsole(policy) => bench_with(policy, &raw, &setup, args),
        AnyPolicy::Generic(policy) => bench_with(policy, &raw, &setup, args),
    }
}

fn bench_with<P: Profile>(
    policy: &Policy<P>,
    raw: &[u8],
    setup: &Setup,
    args: &BenchArgs,
) -> Result<ExitCode, Failure> {
    policy.validate(raw, &setup.context).map_err(|e| Failure::refusal_at(&e, setup))?;
    let floor = Floor::new(raw, policy.trust().keys(), setup.algorithms)?;
    let validate = || black_box(policy.validate(black_box(raw), &setup.context)).is_ok();
    let stopped = || Failure::rejected("bench_failed", "a validation failed during the benchmark");

    let iterations = usize::try_from(args.iterations).unwrap_or(usize::MAX);
    let warm_up = (iterations / 10).max(1);
    for _ in 0..warm_up {
        if !validate() || !floor.run() {
            return Err(stopped());
        }
    }
    // Batches alternate between validation and floor so that both see the
    // same machine state (frequency scaling, other load).
    let batches = iterations.min(10);
    let (mut validate_us, mut floor_us) = (Vec::with_capacity(batches), Vec::with_capacity(batches));
    for batch in 0..batches {
        let size = iterations / batches + usize::from(batch < iterations % batches);
        let start = Instant::now();
        for _ in 0..size {
            if !validate() {
                return Err(stopped());
            }
        }
        validate_us.push(start.elapsed().as_secs_f64() * 1e6 / size as f64);
        let start = Instant::now();
        for _ in 0..size {
            if !floor.run() {
                return Err(stopped());
            }
        }
        floor_us.push(start.elapsed().as_secs_f64() * 1e6 / size as f64);
    }
    let validate = Stats::of(&mut validate_us);
    let floor_stats = Stats::of(&mut floor_us);
    let ratio = if floor_stats.median > 0.0 { validate.median / floor_stats.median } else { 0.0 };

    match args.format {
        Format::Json => emit_json(&BenchJson {
            iterations: args.iterations,
            validate_us: StatsJson {
                median: round(validate.median),
                min: round(validate.min),
                max: round(validate.max),
            },
            floor_us: MedianJson { median: round(floor_stats.median) },
            ratio: round(ratio),
            accepted: true,
        }),
        Format::Text => {
            let mut report = Report::default();
            report.raw(&format!(
                "bench: {} profile, {} bytes of XML, {}\n",
                policy.profile_name(),
                floor.xml_bytes,
                floor.describe()
            ));
            report.line("iterations", format!("{iterations} in {batches} batches (after {warm_up} warm-up)"));
            report.line(
                "validate",
                format!(
                    "median {:.1} µs, min {:.1} µs, max {:.1} µs ({:.0} validations/s)",
                    validate.median,
                    validate.min,
                    validate.max,
                    if validate.median > 0.0 { 1e6 / validate.median } else { 0.0 }
                ),
            );
            report.line(
                "floor",
                format!("median {:.1} µs (ring signature verifications + digests)", floor_stats.median),
            );
            report.line("ratio", format!("{ratio:.2} (validate / floor)"));
            emit(&report.0);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

struct Stats {
    median: f64,
    min: f64,
    max: f64,
}

impl Stats {
    fn of(samples: &mut [f64]) -> Self {
        samples.sort_by(f64::total_cmp);
        let n = samples.len();
        let median = match n {
            0 => 0.0,
            _ if n % 2 == 1 => samples[n / 2],
            _ => (samples[n / 2 - 1] + samples[n / 2]) / 2.0,
        };
        Self {
            median,
            min: samples.first().copied().unwrap_or(0.0),
            max: samples.last().copied().unwrap_or(0.0),
        }
    }
}

#[derive(Serialize)]
struct BenchJson {
    iterations: u32,
    validate_us: StatsJson,
    floor_us: MedianJson,
    ratio: f64,
    accepted: bool,
}

#[derive(Serialize)]
struct StatsJson {
    median: f64,
    min: f64,
    max: f64,
}

#[derive(Serialize)]
struct MedianJson {
    median: f64,
}

/// What any verifier must compute for this response (as in
/// `benches/validate.rs`): per signature, one digest over the signed element's
/// canonical bytes and one signature verification over the canonical
/// SignedInfo, with the pinned key that verified it.
struct Floor {
    items: Vec<FloorItem>,
    xml_bytes: usize,
}

struct FloorItem {
    digest: &'static ring::digest::Algorithm,
    /// The signed element's canonical bytes, minus the Signature.
    referenced: Vec<u8>,
    signed_info: Vec<u8>,
    signature: Vec<u8>,
    algorithm: &'static dyn ring::signature::VerificationAlgorithm,
    algorithm_name: &'static str,
    /// The key as ring wants it (PKCS#1 RSAPublicKey or the EC point).
    key: Vec<u8>,
}

impl Floor {
    /// Parses once and prepares the bytes; the floor must reproduce the
    /// verifier's digests and signatures exactly, or it is refused.
    fn new(raw: &[u8], keys: &[PublicKey], algorithms: Algorithms) -> Result<Self, Failure> {
        let unavailable =
            |why: &str| Failure::rejected("floor_unavailable", format!("cannot measure the floor: {why}"));
        let bytes = input::decode(raw, &InputLimits::default())?;
        let doc = parse_decoded(&bytes)?;
        let mut items = Vec::new();
        for signature in dsig::all_signatures(&doc) {
            let verified =
                dsig::verify(&doc, signature, keys, algorithms).map_err(|e| unavailable(&e.to_string()))?;
            let key = keys.get(verified.key_index()).ok_or_else(|| unavailable("key index out of range"))?;
            let (algorithm, algorithm_name) = ring_algorithm(verified.algorithm())
                .ok_or_else(|| unavailable("unknown signature algorithm"))?;
            let parts = signature_parts(&doc, signature);
            let [reference] = parts.references.as_slice() else {
                return Err(unavailable("not exactly one Reference"));
            };
            let digest = reference
                .digest_method
                .and_then(DigestAlgorithm::from_uri)
                .map(DigestAlgorithm::ring)
                .ok_or_else(|| unavailable("unknown digest algorithm"))?;
            let parent = verified.signed_element();
            let (c14n_transform, reference_prefixes) = reference
                .transforms
                .iter()
                .find(|(a, _)| a.starts_with(EXC_C14N))
                .copied()
                .ok_or_else(|| unavailable("no exclusive c14n transform"))?;
            let referenced = c14n::to_vec(
                &doc,
                parent,
                &Options {
                    with_comments: c14n_transform == EXC_C14N_WITH_COMMENTS,
                    omit: Some(signature),
                    ..Options::default()
                }
                .with_prefix_list(reference_prefixes.unwrap_or("")),
            )?;
            let signed_info_node = parts.signed_info.ok_or_else(|| unavailable("no SignedInfo"))?;
            let signed_info = c14n::to_vec(
                &doc,
                signed_info_node,
                &Options {
                    with_comments: parts.canonicalization == Some(EXC_C14N_WITH_COMMENTS),
                    ..Options::default()
                }
                .with_prefix_list(parts.canonicalization_prefixes.unwrap_or("")),
            )?;
            let signature_value = parts
                .signature_value
                .and_then(|v| base64_text(&doc, v))
                .ok_or_else(|| unavailable("unreadable SignatureValue"))?;
            let digest_value = reference
                .digest_value
                .and_then(|v| base64_text(&doc, v))
                .ok_or_else(|| unavailable("unreadable DigestValue"))?;
            let item = FloorItem {
                digest,
                referenced,
                signed_info,
                signature: signature_value,
                algorithm,
                algorithm_name,
                key: key.public_key_bytes().to_vec(),
            };
            // The floor must compute exactly what the verifier computed.
            if ring::digest::digest(item.digest, &item.referenced).as_ref() != digest_value.as_slice() {
                return Err(unavailable("the canonical bytes do not match DigestValue"));
            }
            if !item.run() {
                return Err(unavailable("the signature does not verify over the canonical SignedInfo"));
            }
            items.push(item);
        }
        Ok(Self { items, xml_bytes: bytes.len() })
    }

    fn run(&self) -> bool {
        self.items.iter().all(FloorItem::run)
    }

    fn describe(&self) -> String {
        let names: Vec<&str> = self.items.iter().map(|i| i.algorithm_name).collect();
        format!("{} signature(s): {}", names.len(), names.join(", "))
    }
}

impl FloorItem {
    fn run(&self) -> bool {
        black_box(ring::digest::digest(self.digest, black_box(&self.referenced)));
        ring::signature::UnparsedPublicKey::new(self.algorithm, &self.key)
            .verify(black_box(&self.signed_info), &self.signature)
            .is_ok()
    }
}

fn ring_algorithm(
    algorithm: SignatureAlgorithm,
) -> Option<(&'static dyn ring::signature::VerificationAlgorithm, &'static str)> {
    use ring::signature as sig;
    let ring: &'static dyn sig::VerificationAlgorithm = match algorithm {
        SignatureAlgorithm::RsaSha256 => &sig::RSA_PKCS1_2048_8192_SHA256,
        SignatureAlgorithm::RsaSha384 => &sig::RSA_PKCS1_2048_8192_SHA384,
        SignatureAlgorithm::RsaSha512 => &sig::RSA_PKCS1_2048_8192_SHA512,
        SignatureAlgorithm::EcdsaSha256 => &sig::ECDSA_P256_SHA256_FIXED,
        SignatureAlgorithm::EcdsaSha384 => &sig::ECDSA_P384_SHA384_FIXED,
        SignatureAlgorithm::RsaSha1 => &sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        _ => return None,
    };
    Some((ring, algorithm.name()))
}

// ---------------------------------------------------------------------------
// c14n

fn run_c14n(args: &C14nArgs) -> Result<(), Failure> {
    let limits = InputLimits::default();
    let raw = read_input(&args.input, limits.max_encoded_bytes)?;
    let bytes = input::decode(&raw, &limits)?;
    let doc = parse_decoded(&bytes)?;

    let apex = match &args.id {
        Some(id) => doc.element_by_id(id).ok_or_else(|| {
            Failure::rejected("id_not_found", format!("no element has an ID attribute {id:?}"))
        })?,
        None => NodeId::DOCUMENT,
    };
    let mut options = Options { with_comments: args.with_comments, ..Options::default() };
    if let Some(list) = &args.inclusive_namespaces {
        options = options.with_prefix_list(list);
    }
    if args.omit_signature {
        let parent = if apex == NodeId::DOCUMENT { doc.root() } else { apex };
        options.omit = dsig::signature_child(&doc, parent).map_err(|_| {
            Failure::rejected(
                "multiple_signatures",
                "the element has more than one ds:Signature child; --omit-signature needs at most one",
            )
        })?;
        if options.omit.is_none() {
            eprintln!("note: the element has no ds:Signature child; nothing was omitted");
        }
    }

    let canonical = c14n::to_vec(&doc, apex, &options)?;
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(&canonical)
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure::rejected("output_failed", format!("cannot write to stdout: {e}")))
}
