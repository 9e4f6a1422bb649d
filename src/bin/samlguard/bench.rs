//! `samlguard bench`: validation time per response against the crypto
//! floor measured in the same process on the same bytes. For an encrypted
//! assertion the floor also holds the RSA private-key operations (one per
//! configured SP key, as validation runs them) and the AES pass, and the
//! decrypted Assertion's signature.

use std::ffi::OsString;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use samlguard::crypto::cipher::decrypt_content;
use samlguard::crypto::decryption::DecryptionKeys;
use samlguard::crypto::{DigestAlgorithm, PublicKey, SignatureAlgorithm};
use samlguard::dsig::{self, ParsedSignature};
use samlguard::input::{self, InputLimits};
use samlguard::saml::SAML_NS;
use samlguard::xml::{self, Document};
use samlguard::xmlenc::{self, DecryptionOptions, ParsedEncryptedAssertion};
use samlguard::{Policy, Profile};
use serde::Serialize;

use crate::Format;
use crate::failure::{Failure, parse_decoded};
use crate::output::{emit, emit_json};
use crate::report::Report;
use crate::setup::{AnyPolicy, PolicyArgs, Setup, read_input, setup};

#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    #[command(flatten)]
    policy: PolicyArgs,
    /// Number of timed validations (after a warm-up of a tenth as many).
    #[arg(long, value_name = "N", default_value_t = 2000)]
    iterations: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// The response: a file path, or `-` for stdin.
    #[arg(value_name = "INPUT")]
    input: OsString,
}

pub(crate) fn run(args: &BenchArgs) -> Result<ExitCode, Failure> {
    if args.iterations == 0 {
        return Err(Failure::usage("--iterations must be at least 1"));
    }
    // The same response is validated over and over: with a replay cache every
    // validation after the first would be refused as a replay.
    let setup = setup(&args.policy, false)?;
    let raw = read_input(&args.input, InputLimits::default().max_encoded_bytes)?;
    let keys = setup.policy.decryption_keys();
    match &setup.policy {
        AnyPolicy::ClientVpn(policy) => bench_with(policy, &raw, &setup, keys, args),
        AnyPolicy::AwsConsole(policy) => bench_with(policy, &raw, &setup, keys, args),
        AnyPolicy::IdentityCenter(policy) => bench_with(policy, &raw, &setup, keys, args),
        AnyPolicy::Generic(policy) => bench_with(policy, &raw, &setup, keys, args),
    }
}

fn bench_with<P: Profile>(
    policy: &Policy<P>,
    raw: &[u8],
    setup: &Setup,
    keys: Option<&DecryptionKeys>,
    args: &BenchArgs,
) -> Result<ExitCode, Failure> {
    policy.validate(raw, &setup.context).map_err(|e| setup.refusal(&e))?;
    let floor = Floor::new(raw, policy, keys)?;
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
                format!(
                    "median {:.1} µs ({}signature verifications + digests)",
                    floor_stats.median,
                    if floor.decryption.is_some() { "RSA-OAEP unwraps + AES pass + " } else { "ring " }
                ),
            );
            report.line("ratio", format!("{ratio:.2} (validate / floor)"));
            emit(&report.into_text());
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
/// SignedInfo, with the pinned key that verified it; for an encrypted
/// assertion, first the RSA-OAEP unwrap with every SP key and the AES pass.
struct Floor<'k> {
    decryption: Option<Decryption<'k>>,
    items: Vec<FloorItem>,
    xml_bytes: usize,
}

/// The cryptography of one EncryptedAssertion.
struct Decryption<'k> {
    parts: ParsedEncryptedAssertion,
    keys: &'k DecryptionKeys,
}

impl Decryption<'_> {
    /// One private-key operation per SP key, then the AES pass with the
    /// content key that came out.
    fn run(&self) -> bool {
        let oaep = self.parts.key_transport();
        let mut content_key = None;
        for key in self.keys.keys() {
            let unwrapped = key.decrypt_oaep(oaep, black_box(self.parts.encrypted_key()));
            if content_key.is_none() {
                content_key = unwrapped;
            }
        }
        content_key.is_some_and(|key| {
            let algorithm = self.parts.content_encryption();
            decrypt_content(algorithm, key.as_bytes(), black_box(self.parts.encrypted_content())).is_some()
        })
    }
}

struct FloorItem {
    digest: DigestAlgorithm,
    /// The signed element's canonical bytes, minus the Signature.
    referenced: Vec<u8>,
    signed_info: Vec<u8>,
    signature: Vec<u8>,
    algorithm: SignatureAlgorithm,
    key: PublicKey,
}

impl<'k> Floor<'k> {
    /// Parses once and prepares the bytes with the library's signature
    /// reader; the floor must reproduce the verifier's digests and
    /// signatures exactly, or it is refused.
    fn new<P: Profile>(
        raw: &[u8],
        policy: &Policy<P>,
        keys: Option<&'k DecryptionKeys>,
    ) -> Result<Self, Failure> {
        let bytes = input::decode(raw, &InputLimits::default())?;
        let doc = parse_decoded(&bytes)?;
        let mut items = signature_items(&doc, policy)?;
        let encrypted = doc.child_elements(doc.root()).find(|e| e.is(SAML_NS, "EncryptedAssertion"));
        let decryption = match (encrypted, keys) {
            (Some(encrypted), Some(keys)) => {
                let options = DecryptionOptions::default();
                let parts = ParsedEncryptedAssertion::read(&doc, encrypted.id(), &options)
                    .map_err(|e| unavailable(&e.to_string()))?;
                let decryption = Decryption { parts, keys };
                if !decryption.run() {
                    return Err(unavailable("the floor does not decrypt the EncryptedAssertion"));
                }
                // The decrypted Assertion's signature, in its own document.
                let decrypted = xmlenc::decrypt_assertion(&doc, encrypted.id(), keys, &options)
                    .map_err(|e| unavailable(&e.to_string()))?;
                let inner = xml::parse_with_scope(
                    decrypted.plaintext(),
                    &xml::Limits::default(),
                    decrypted.namespaces(),
                )
                .map_err(|e| unavailable(&e.to_string()))?;
                items.extend(signature_items(&inner, policy)?);
                Some(decryption)
            }
            _ => None,
        };
        Ok(Self { decryption, items, xml_bytes: bytes.len() })
    }

    fn run(&self) -> bool {
        self.decryption.as_ref().is_none_or(Decryption::run) && self.items.iter().all(FloorItem::run)
    }

    fn describe(&self) -> String {
        let names: Vec<&str> = self.items.iter().map(|i| i.algorithm.name()).collect();
        let mut text = format!("{} signature(s): {}", names.len(), names.join(", "));
        if let Some(decryption) = &self.decryption {
            text.push_str(&format!(
                "; EncryptedAssertion: RSA-OAEP with {} SP key(s), {}",
                decryption.keys.keys().len(),
                decryption.parts.content_encryption().name()
            ));
        }
        text
    }
}

fn unavailable(why: &str) -> Failure {
    Failure::rejected("floor_unavailable", format!("cannot measure the floor: {why}"))
}

/// The floor of every signature of `doc`.
fn signature_items<P: Profile>(doc: &Document<'_>, policy: &Policy<P>) -> Result<Vec<FloorItem>, Failure> {
    let trust = policy.trust();
    let mut items = Vec::new();
    for signature in dsig::all_signatures(doc) {
        let parsed = ParsedSignature::read(doc, signature).map_err(|e| unavailable(&e.to_string()))?;
        let verified = dsig::verify(doc, signature, trust.keys(), samlguard::crypto::Algorithms::ALLOW_SHA1)
            .map_err(|e| unavailable(&e.to_string()))?;
        let key =
            trust.keys().get(verified.key_index()).ok_or_else(|| unavailable("key index out of range"))?;
        let error = |e: dsig::SignatureError| unavailable(&e.to_string());
        let item = FloorItem {
            digest: parsed.digest_algorithm(),
            referenced: parsed.canonical_reference().map_err(error)?,
            signed_info: parsed.canonical_signed_info().map_err(error)?,
            signature: parsed.signature_value().to_vec(),
            algorithm: parsed.algorithm(),
            key: key.clone(),
        };
        // The floor must compute exactly what the verifier computed.
        if item.digest.digest(&item.referenced) != parsed.digest_value() {
            return Err(unavailable("the canonical bytes do not match DigestValue"));
        }
        if !item.run() {
            return Err(unavailable("the signature does not verify over the canonical SignedInfo"));
        }
        items.push(item);
    }
    Ok(items)
}

impl FloorItem {
    fn run(&self) -> bool {
        black_box(self.digest.digest(black_box(&self.referenced)));
        self.key.verify(self.algorithm, black_box(&self.signed_info), &self.signature).is_ok()
    }
}
