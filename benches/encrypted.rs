//! Encrypted aws-console responses (feature `xmlenc`) against their floor,
//! measured in the same run: what any verifier must compute for them, the
//! RSA private-key operation that unwraps the content key, the AES pass
//! over the ciphertext, then the RSA verification and the SHA-256 digests of
//! the decrypted Assertion's signature.
//!
//!     cargo bench --features xmlenc --bench encrypted
//!
//! The policy holds one SP key, so validation runs one private-key
//! operation, like the floor (with several keys it runs one per key, on
//! purpose: see `crypto::decryption`).
//!
//! After criterion's groups, the same work is timed in alternating batches
//! (validate, floor, RSA private-key operation alone) and the median of the
//! per-batch ratios printed: on a shared machine, where the speed changes
//! from one second to the next, ratios of neighbouring batches are steadier
//! than ratios of separately measured means.

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use samlguard::crypto::cipher::decrypt_content;
use samlguard::crypto::decryption::{DecryptionKey, DecryptionKeys};
use samlguard::crypto::{Algorithms, PublicKey};
use samlguard::dsig;
use samlguard::saml::SAML_NS;
use samlguard::trust::{IdpTrust, MetadataOptions};
use samlguard::xml;
use samlguard::xmlenc::{self, DecryptionOptions, ParsedEncryptedAssertion};
use samlguard::{AwsConsole, Context, Policy};

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{}/testdata/{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn trust() -> IdpTrust {
    IdpTrust::from_metadata(&fixture("metadata/entra.xml"), &MetadataOptions::default()).unwrap()
}

fn sp_key() -> DecryptionKey {
    DecryptionKey::from_pem(&fixture("keys/sp.key")).unwrap()
}

/// One signature's floor: a SHA-256 over the signed element's canonical
/// bytes (minus the Signature) and an RSA verification over SignedInfo.
struct SignatureFloor {
    referenced: Vec<u8>,
    signed_info: Vec<u8>,
    signature: Vec<u8>,
    public_key: PublicKey,
}

impl SignatureFloor {
    fn all(doc: &xml::Document<'_>, trust: &IdpTrust) -> Vec<Self> {
        dsig::all_signatures(doc)
            .into_iter()
            .map(|signature| {
                let parsed = dsig::ParsedSignature::read(doc, signature).unwrap();
                let verified = dsig::verify(doc, signature, trust.keys(), Algorithms::STRICT).unwrap();
                Self {
                    referenced: parsed.canonical_reference().unwrap(),
                    signed_info: parsed.canonical_signed_info().unwrap(),
                    signature: parsed.signature_value().to_vec(),
                    public_key: trust.keys()[verified.key_index()].clone(),
                }
            })
            .collect()
    }

    fn run(&self) -> bool {
        black_box(ring::digest::digest(&ring::digest::SHA256, black_box(&self.referenced)));
        let key = ring::signature::UnparsedPublicKey::new(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            self.public_key.public_key_bytes(),
        );
        key.verify(black_box(&self.signed_info), &self.signature).is_ok()
    }
}

/// The floor's inputs, prepared once from the fixture.
struct Floor {
    key: DecryptionKey,
    parts: ParsedEncryptedAssertion,
    /// The Response's signature (if any), then the decrypted Assertion's.
    signatures: Vec<SignatureFloor>,
}

impl Floor {
    fn new(bytes: &[u8]) -> Self {
        let doc = xml::parse(bytes).unwrap();
        let node = doc.child_elements(doc.root()).find(|e| e.is(SAML_NS, "EncryptedAssertion")).unwrap().id();
        let options = DecryptionOptions::default();
        let parts = ParsedEncryptedAssertion::read(&doc, node, &options).unwrap();
        let keys = DecryptionKeys::new([sp_key()]).unwrap();
        let decrypted = xmlenc::decrypt_assertion(&doc, node, &keys, &options).unwrap();
        let inner =
            xml::parse_with_scope(decrypted.plaintext(), &xml::Limits::default(), decrypted.namespaces())
                .unwrap();
        let trust = trust();
        let mut signatures = SignatureFloor::all(&doc, &trust);
        signatures.extend(SignatureFloor::all(&inner, &trust));
        let floor = Self { key: sp_key(), parts, signatures };
        assert!(floor.unwrap_key().is_some() && floor.run());
        floor
    }

    fn unwrap_key(&self) -> Option<samlguard::crypto::cipher::Secret> {
        self.key.decrypt_oaep(self.parts.key_transport(), black_box(self.parts.encrypted_key()))
    }

    fn aes(&self, key: &[u8]) -> bool {
        decrypt_content(self.parts.content_encryption(), key, black_box(self.parts.encrypted_content()))
            .is_some()
    }

    fn signature(&self) -> bool {
        self.signatures.iter().all(SignatureFloor::run)
    }

    /// Everything: unwrap, AES pass, signature.
    fn run(&self) -> bool {
        self.unwrap_key().is_some_and(|key| self.aes(key.as_bytes())) && self.signature()
    }
}

fn bench_encrypted(c: &mut Criterion, label: &str, rel: &str) {
    let bytes = fixture(rel);
    let floor = Floor::new(&bytes);
    let content_key = floor.unwrap_key().unwrap();
    let policy = Policy::<AwsConsole>::new(trust())
        .with_decryption_keys(DecryptionKeys::new([sp_key()]).unwrap())
        .without_replay_store();
    let context = Context::new("2026-01-15T10:01:00Z".parse().unwrap());
    assert!(policy.validate(&bytes, &context).unwrap().encrypted());

    let mut group = c.benchmark_group(label);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("floor (RSA private key + AES + RSA verify + SHA-256)", |b| {
        b.iter(|| assert!(floor.run()))
    });
    group.bench_function("floor: RSA-OAEP private-key operation", |b| b.iter(|| floor.unwrap_key().unwrap()));
    group.bench_function("floor: AES pass", |b| b.iter(|| assert!(floor.aes(content_key.as_bytes()))));
    group.bench_function("floor: RSA verifications + SHA-256", |b| b.iter(|| assert!(floor.signature())));
    group.bench_function("validate", |b| b.iter(|| policy.validate(black_box(&bytes), &context).unwrap()));
    group.finish();
}

const FIXTURES: [(&str, &str); 3] = [
    ("aws-console encrypted aes256-cbc (Entra-shaped)", "xmlenc/entra-shaped-aes256-cbc.xml"),
    ("aws-console encrypted aes256-gcm", "xmlenc/inline-aes256-gcm.xml"),
    ("aws-console encrypted aes256-cbc, Response signed too", "xmlenc/doubly-signed-aes256-cbc.xml"),
];

fn benches(c: &mut Criterion) {
    for (label, rel) in FIXTURES {
        bench_encrypted(c, label, rel);
    }
}

/// Seconds per run of `f`, over `n` runs.
fn time(n: u32, mut f: impl FnMut()) -> f64 {
    let start = std::time::Instant::now();
    for _ in 0..n {
        f();
    }
    start.elapsed().as_secs_f64() / f64::from(n)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// validate / floor and RSA private-key operation / floor, batch by batch.
fn interleaved_ratios() {
    for (label, rel) in FIXTURES {
        let bytes = fixture(rel);
        let floor = Floor::new(&bytes);
        let policy = Policy::<AwsConsole>::new(trust())
            .with_decryption_keys(DecryptionKeys::new([sp_key()]).unwrap())
            .without_replay_store();
        let context = Context::new("2026-01-15T10:01:00Z".parse().unwrap());
        let (mut ratios, mut shares, mut floors) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..15 {
            let validate = time(30, || {
                black_box(policy.validate(black_box(&bytes), &context).unwrap());
            });
            let whole = time(30, || assert!(floor.run()));
            let rsa = time(30, || {
                black_box(floor.unwrap_key().unwrap());
            });
            ratios.push(validate / whole);
            shares.push(rsa / whole);
            floors.push(whole);
        }
        println!(
            "{label}: validate / floor = {:.3} (median of 15 alternating batches), RSA private-key operation = {:.1} % of the floor (floor median {:.2} ms)",
            median(ratios),
            100.0 * median(shares),
            1e3 * median(floors)
        );
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
    interleaved_ratios();
}
