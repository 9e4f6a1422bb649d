//! From flags to a policy: trust, profile, clock and request.

use std::ffi::OsString;
use std::io::{self, Read};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use samlguard::authorization::AuthorizationRules;
use samlguard::crypto::decryption::{DecryptionKey, DecryptionKeys};
use samlguard::crypto::{Algorithms, PublicKey};
use samlguard::policy::{Decrypting, EncryptionMode};
use samlguard::trust::{IdpTrust, MetadataOptions, SpMetadata};
use samlguard::{AwsConsole, ClientVpn, Context, Error, Generic, IdentityCenter, Policy, Profile};

use crate::failure::Failure;

mod trial;
pub(crate) use trial::{accepting_profile, profile_name, with_extra_key};

/// Largest `--clock-skew` (one day): beyond that a skew hides real clock
/// problems (use `--now` to look at an old response instead), and it keeps
/// `now ± skew` far from chrono's range limits.
const MAX_CLOCK_SKEW_SECONDS: u64 = 86_400;
/// Trust files (metadata, PEM) are read up to this size.
const MAX_CONFIG_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ProfileName {
    /// AWS Client VPN.
    Clientvpn,
    /// AWS console / AssumeRoleWithSAML.
    AwsConsole,
    /// AWS IAM Identity Center (needs --sp-metadata).
    IdentityCenter,
    /// Any SP (needs --sp-metadata, or --audience and --acs-url).
    Generic,
}

/// The flags shared by `verify` and `bench`: trust, profile and context.
#[derive(Debug, Args)]
pub(crate) struct PolicyArgs {
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
    /// The SP's own SAML metadata (such as the file IAM Identity Center
    /// offers): audience = its entityID, ACS URLs = its HTTP-POST
    /// AssertionConsumerService Locations. Required by identity-center;
    /// with generic and aws-console it replaces their audience and ACS
    /// (--audience / --acs-url, when also given, replace it in turn).
    #[arg(long, value_name = "FILE")]
    sp_metadata: Option<PathBuf>,
    /// The IdP's entity ID, the expected Issuer. Default: the metadata's
    /// entityID; required with --idp-cert.
    #[arg(long, value_name = "URI")]
    idp_entity_id: Option<String>,
    /// The ID of the AuthnRequest the response must answer (SP-initiated).
    /// Without it InResponseTo is not matched (the report says so).
    #[arg(long, value_name = "ID")]
    in_response_to: Option<String>,
    /// Accept SHA-1 signatures and digests (legacy IdPs only).
    #[arg(long)]
    allow_sha1: bool,
    /// Require the metadata's own signature, by this certificate (PEM)
    /// obtained out of band.
    #[arg(long, value_name = "PEMFILE")]
    metadata_signer: Option<PathBuf>,
    /// Client VPN: the endpoint's authorization rules, as printed by
    /// `aws ec2 describe-client-vpn-authorization-rules` (JSON).
    #[arg(long, value_name = "FILE")]
    authorization_rules: Option<PathBuf>,
    /// Client VPN with --authorization-rules: decide access to this address;
    /// repeatable. Exit 1 when any is denied.
    #[arg(long, value_name = "IP")]
    destination: Vec<IpAddr>,
    /// The SP's RSA private key (PKCS#8 or PKCS#1 PEM, unencrypted) to
    /// decrypt an EncryptedAssertion (aws-console, generic); repeatable, for
    /// a rotation: every key is tried on every response.
    #[arg(long, value_name = "PEMFILE")]
    sp_key: Vec<PathBuf>,
    /// Refuse a plaintext Assertion (AWS's assertion encryption mode
    /// "Required"); needs --sp-key.
    #[arg(long)]
    require_encryption: bool,
}

/// A policy for the profile chosen on the command line.
pub(crate) enum AnyPolicy {
    ClientVpn(Policy<ClientVpn>),
    AwsConsole(Policy<AwsConsole>),
    IdentityCenter(Policy<IdentityCenter>),
    Generic(Policy<Generic>),
}

impl AnyPolicy {
    /// The SP decryption keys the policy was given (`--sp-key`).
    pub(crate) fn decryption_keys(&self) -> Option<&DecryptionKeys> {
        match self {
            Self::ClientVpn(_) | Self::IdentityCenter(_) => None,
            Self::AwsConsole(policy) => policy.decryption_keys(),
            Self::Generic(policy) => policy.decryption_keys(),
        }
    }
}

pub(crate) struct Setup {
    pub(crate) policy: AnyPolicy,
    pub(crate) context: Context,
    pub(crate) clock_skew: u64,
    /// Client VPN authorization rules and the destinations to decide.
    pub(crate) authorization: Option<(AuthorizationRules, Vec<IpAddr>)>,
}

impl Setup {
    /// The refusal of a response, with the clock used when it is about time.
    pub(crate) fn refusal(&self, error: &Error) -> Failure {
        let failure = crate::replay_store::with_cause(Failure::refusal(error), error);
        if crate::failure::is_about_time(error) {
            return failure.with_note(format!(
                "checked at {} with {} s clock skew",
                crate::output::rfc3339(self.context.now()),
                self.clock_skew
            ));
        }
        failure
    }
}

/// Reads INPUT, at most `limit + 1` bytes (enough for the decoder to report
/// the excess without holding an unbounded file in memory).
pub(crate) fn read_input(path: &OsString, limit: usize) -> Result<Vec<u8>, Failure> {
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

/// `--now`, or the system clock.
pub(crate) fn now(flag: Option<&str>) -> Result<DateTime<Utc>, Failure> {
    match flag {
        Some(text) => Ok(DateTime::parse_from_rfc3339(text)
            .map_err(|e| {
                Failure::usage(format!(
                    "--now {text:?} is not an RFC 3339 time like 2026-01-15T10:01:00Z: {e}"
                ))
            })?
            .with_timezone(&Utc)),
        None => system_now(),
    }
}

/// The system clock, read here and only here (the library never reads it).
fn system_now() -> Result<DateTime<Utc>, Failure> {
    let clock_error =
        || Failure::new(2, "clock", "the system clock is before 1970 or out of range: pass --now");
    let since = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|_| clock_error())?;
    let seconds = i64::try_from(since.as_secs()).map_err(|_| clock_error())?;
    DateTime::from_timestamp(seconds, since.subsec_nanos()).ok_or_else(clock_error)
}

/// Checks the flags, loads the trust and builds the policy. `replay`: false
/// only for `bench`, which validates the same response repeatedly.
pub(crate) fn setup(args: &PolicyArgs, replay: bool) -> Result<Setup, Failure> {
    if args.idp_metadata.is_empty() && args.idp_cert.is_empty() {
        return Err(Failure::usage("the IdP's keys are required: --idp-metadata FILE or --idp-cert PEMFILE"));
    }
    if !args.idp_cert.is_empty() && args.idp_entity_id.is_none() {
        return Err(Failure::usage(
            "--idp-cert requires --idp-entity-id (the IdP's entity ID, which must be the responses' Issuer)",
        ));
    }
    let now = now(args.now.as_deref())?;
    if args.clock_skew > MAX_CLOCK_SKEW_SECONDS {
        return Err(Failure::usage(format!(
            "--clock-skew {} is more than {MAX_CLOCK_SKEW_SECONDS} seconds (to check an old response, use --now)",
            args.clock_skew
        )));
    }
    if args.profile == ProfileName::Generic
        && args.sp_metadata.is_none()
        && (args.audience.is_empty() || args.acs_url.is_empty())
    {
        return Err(Failure::usage(
            "the generic profile needs --sp-metadata FILE (the SP's metadata), or --audience URI (this SP's entity ID) and --acs-url URL (its ACS URL)",
        ));
    }
    if matches!(args.profile, ProfileName::Clientvpn | ProfileName::IdentityCenter)
        && (!args.sp_key.is_empty() || args.require_encryption)
    {
        return Err(Failure::usage(
            "AWS Client VPN and IAM Identity Center do not accept encrypted assertions: --sp-key and --require-encryption are for the aws-console and generic profiles",
        ));
    }
    if args.require_encryption && args.sp_key.is_empty() {
        return Err(Failure::usage("--require-encryption needs --sp-key PEMFILE (the SP's private key)"));
    }
    if !args.destination.is_empty() && args.authorization_rules.is_none() {
        return Err(Failure::usage(
            "--destination needs --authorization-rules FILE (the endpoint's rules, from aws ec2 describe-client-vpn-authorization-rules)",
        ));
    }
    if args.authorization_rules.is_some() && args.profile != ProfileName::Clientvpn {
        return Err(Failure::usage("--authorization-rules applies to the clientvpn profile only"));
    }
    let authorization = match &args.authorization_rules {
        Some(path) => {
            let rules = AuthorizationRules::from_json(&read_config(path)?)
                .map_err(|e| Failure::config(path, &Error::from(e)))?;
            Some((rules, args.destination.clone()))
        }
        None => None,
    };
    match (args.profile, &args.sp_metadata) {
        (ProfileName::IdentityCenter, None) => {
            return Err(Failure::usage(
                "the identity-center profile needs --sp-metadata FILE: the SAML metadata IAM Identity Center offers for download (Settings > Identity source)",
            ));
        }
        (ProfileName::Clientvpn, Some(_)) => {
            return Err(Failure::usage(
                "--sp-metadata is for identity-center, aws-console and generic: AWS Client VPN's audience and ACS URLs are fixed",
            ));
        }
        _ => {}
    }
    let sp = args.sp_metadata.as_deref().map(load_sp_metadata).transpose()?;
    let trust = load_trust(args)?;
    let keys = load_sp_keys(&args.sp_key)?;
    let policy = match args.profile {
        ProfileName::Clientvpn => {
            AnyPolicy::ClientVpn(configure(Policy::<ClientVpn>::new(trust), args, replay))
        }
        ProfileName::AwsConsole => {
            let policy = Policy::<AwsConsole>::new(trust);
            let policy = match &sp {
                Some(sp) => policy.with_sp_metadata(sp),
                None => policy,
            };
            AnyPolicy::AwsConsole(decrypting(configure(policy, args, replay), keys, args.require_encryption))
        }
        ProfileName::IdentityCenter => match &sp {
            Some(sp) => {
                AnyPolicy::IdentityCenter(configure(Policy::<IdentityCenter>::new(trust, sp), args, replay))
            }
            None => return Err(Failure::usage("the identity-center profile needs --sp-metadata FILE")),
        },
        ProfileName::Generic => {
            let policy = match &sp {
                Some(sp) => Policy::<Generic>::from_sp_metadata(trust, sp),
                None => {
                    Policy::<Generic>::new(trust, args.audience.iter().cloned(), args.acs_url.iter().cloned())
                }
            };
            AnyPolicy::Generic(decrypting(configure(policy, args, replay), keys, args.require_encryption))
        }
    };
    // An operator rarely has the request ID: without it, InResponseTo is not
    // matched, and the report says so.
    let context = match &args.in_response_to {
        Some(id) => Context::new(now).expecting_request(id.clone()),
        None => Context::new(now).accepting_unsolicited(),
    };
    Ok(Setup { policy, context, clock_skew: args.clock_skew, authorization })
}

/// The SP's own metadata (`--sp-metadata`).
fn load_sp_metadata(path: &Path) -> Result<SpMetadata, Failure> {
    SpMetadata::from_xml(&read_config(path)?).map_err(|e| Failure::config(path, &Error::from(e)))
}

/// `--audience`/`--acs-url` replace the profile's defaults when given.
fn configure<P: Profile>(mut policy: Policy<P>, args: &PolicyArgs, replay: bool) -> Policy<P> {
    if !args.audience.is_empty() {
        policy = policy.with_audiences(args.audience.iter().cloned());
    }
    if !args.acs_url.is_empty() {
        policy = policy.with_acs_urls(args.acs_url.iter().cloned());
    }
    let algorithms = if args.allow_sha1 { Algorithms::ALLOW_SHA1 } else { Algorithms::STRICT };
    policy = policy.with_algorithms(algorithms).with_clock_skew(Duration::from_secs(args.clock_skew));
    if !replay {
        policy = policy.without_replay_store();
    }
    policy
}

/// `--sp-key` and `--require-encryption`.
fn decrypting<P: Decrypting>(policy: Policy<P>, keys: Option<DecryptionKeys>, require: bool) -> Policy<P> {
    let Some(keys) = keys else { return policy };
    let mode = if require { EncryptionMode::Required } else { EncryptionMode::Allowed };
    policy.with_decryption_keys(keys).with_encryption_mode(mode)
}

/// The SP's decryption keys, one PEM file each (`None` without `--sp-key`).
pub(crate) fn load_sp_keys(paths: &[PathBuf]) -> Result<Option<DecryptionKeys>, Failure> {
    if paths.is_empty() {
        return Ok(None);
    }
    let mut keys = Vec::with_capacity(paths.len());
    for path in paths {
        let key = DecryptionKey::from_pem(&read_config(path)?)
            .map_err(|e| Failure::new(2, e.kind().as_str(), format!("{}: {e}", path.display())))?;
        keys.push(key);
    }
    DecryptionKeys::new(keys).map(Some).map_err(|e| Failure::new(2, e.kind().as_str(), e.to_string()))
}

/// The pinned keys: every signing key of every metadata file and PEM file.
/// The entity ID is --idp-entity-id, else the metadata's entityID (several
/// metadata files must then agree).
fn load_trust(args: &PolicyArgs) -> Result<IdpTrust, Failure> {
    let mut options = match &args.idp_entity_id {
        // Also selects this entity in an aggregate (EntitiesDescriptor), and
        // refuses metadata of another entity.
        Some(id) => MetadataOptions::default().with_entity_id(id.clone()),
        None => MetadataOptions::default(),
    };
    if let Some(path) = &args.metadata_signer {
        if args.idp_metadata.is_empty() {
            return Err(Failure::usage("--metadata-signer needs --idp-metadata (the metadata it signed)"));
        }
        let signer = PublicKey::from_pem(&read_config(path)?)
            .map_err(|e| Failure::config(path, &Error::from(samlguard::trust::ConfigError::from(e))))?;
        options = options.with_signing_keys(signer);
    }
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
        // IAM Identity Center imports at most 75,000 characters: a larger
        // file is not the one it trusts.
        if args.profile == ProfileName::IdentityCenter {
            IdentityCenter::check_idp_metadata(&bytes).map_err(|e| Failure::config(path, &Error::from(e)))?;
        }
        let trust =
            IdpTrust::from_metadata(&bytes, &options).map_err(|e| Failure::config(path, &Error::from(e)))?;
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
        let certificates = PublicKey::from_pem(&bytes)
            .map_err(|e| Failure::config(path, &Error::from(samlguard::trust::ConfigError::from(e))))?;
        add(&certificates);
    }
    IdpTrust::from_keys(entity_id.unwrap_or_default(), keys).map_err(|e| {
        let e = Error::from(e);
        Failure::new(2, e.kind().as_str(), e.to_string())
    })
}
