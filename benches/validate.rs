//! samlguard against the crypto floor (and libxmlsec1 with `--features
//! xmlsec-oracle`) on Entra-shaped responses, all in one run so that ratios,
//! not absolute times, are compared.
//!
//!     cargo bench --bench validate [--features xmlsec-oracle]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use samlguard::c14n::{self, Options, Sink};
use samlguard::crypto::Algorithms;
use samlguard::dsig;
use samlguard::trust::{IdpTrust, MetadataOptions};
use samlguard::xml;
use samlguard::{AwsConsole, ClientVpn, Context, Generic, Policy};

/// SHA-256 of the canonical bytes as c14n streams them, as the signature stage digests them.
struct Sha256Sink(ring::digest::Context);

impl Sink for Sha256Sink {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{}/testdata/{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The bundled Entra metadata's trust, parsed once per run.
fn trust() -> &'static IdpTrust {
    static TRUST: std::sync::LazyLock<IdpTrust> = std::sync::LazyLock::new(|| {
        IdpTrust::from_metadata(&fixture("metadata/entra.xml"), &MetadataOptions::default()).unwrap()
    });
    &TRUST
}

/// What any verifier must compute for this document: per signature, one
/// SHA-256 over the referenced element's canonical bytes and one RSA
/// verification over the canonical SignedInfo.
struct Floor {
    digests: Vec<Vec<u8>>,
    /// Per signature: canonical SignedInfo, signature value, the key that signed it.
    signed_infos: Vec<(Vec<u8>, Vec<u8>, &'static [u8])>,
}

fn floor(bytes: &[u8]) -> Floor {
    let doc = xml::parse(bytes).unwrap();
    let (mut digests, mut signed_infos) = (Vec::new(), Vec::new());
    for signature in dsig::all_signatures(&doc) {
        let parsed = dsig::ParsedSignature::read(&doc, signature).unwrap();
        digests.push(parsed.canonical_reference().unwrap());
        // The key the verifier found, so that the floor verifies with the same one.
        let keys = trust().keys();
        let key = &keys[dsig::verify(&doc, signature, keys, Algorithms::STRICT).unwrap().key_index()];
        signed_infos.push((
            parsed.canonical_signed_info().unwrap(),
            parsed.signature_value().to_vec(),
            key.public_key_bytes(),
        ));
    }
    Floor { digests, signed_infos }
}

fn run_floor(floor: &Floor) {
    for bytes in &floor.digests {
        black_box(ring::digest::digest(&ring::digest::SHA256, bytes));
    }
    for (message, signature, key) in &floor.signed_infos {
        let key = ring::signature::UnparsedPublicKey::new(&ring::signature::RSA_PKCS1_2048_8192_SHA256, key);
        key.verify(message, signature).unwrap();
    }
}

fn bench_document(c: &mut Criterion, label: &str, rel: &str, validate: &dyn Fn(&[u8])) {
    let bytes = fixture(rel);
    let floor = floor(&bytes);
    let mut group = c.benchmark_group(label);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("floor (ring RSA + SHA-256 only)", |b| b.iter(|| run_floor(&floor)));
    group.bench_function("parse", |b| b.iter(|| xml::parse(black_box(&bytes)).unwrap()));
    let doc = xml::parse(&bytes).unwrap();
    let signatures = dsig::all_signatures(&doc);
    group.bench_function("c14n into SHA-256", |b| {
        b.iter(|| {
            for &signature in &signatures {
                let mut sink = Sha256Sink(ring::digest::Context::new(&ring::digest::SHA256));
                let options = Options { omit: Some(signature), ..Options::default() };
                c14n::canonicalize(&doc, doc.parent(signature).unwrap(), &options, &mut sink).unwrap();
                black_box(sink.0.finish());
            }
        })
    });
    group.bench_function("verify signatures", |b| {
        b.iter(|| {
            for &signature in &signatures {
                dsig::verify(&doc, signature, trust().keys(), Algorithms::STRICT).unwrap();
            }
        })
    });
    group.bench_function("validate", |b| b.iter(|| validate(black_box(&bytes))));
    #[cfg(feature = "xmlsec-oracle")]
    oracle::bench(&mut group, &bytes, signatures.len());
    group.finish();
}

fn benches(c: &mut Criterion) {
    let now = "2026-01-15T10:01:00Z".parse().unwrap();
    let vpn = Policy::<ClientVpn>::new(trust().clone()).without_replay_store();
    let context = Context::new(now).expecting_request("id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c");
    let validate_vpn = |bytes: &[u8]| {
        black_box(vpn.validate(bytes, &context).unwrap());
    };
    bench_document(c, "clientvpn 20 groups", "responses/clientvpn.xml", &validate_vpn);
    bench_document(c, "clientvpn 200 groups", "responses/clientvpn-200-groups.xml", &validate_vpn);
    let console = Policy::<AwsConsole>::new(trust().clone()).without_replay_store();
    let console_context = Context::new(now);
    let validate_console = |bytes: &[u8]| {
        black_box(console.validate(bytes, &console_context).unwrap());
    };
    bench_document(c, "aws-console", "responses/aws-console.xml", &validate_console);

    // ~100 KB (1300 groups: over Client VPN's 200-group rule, so a generic
    // policy with Client VPN's audience and ACS), for the cost-per-KB line.
    let large = Policy::<Generic>::new(
        trust().clone(),
        ["urn:amazon:webservices:clientvpn"],
        ["http://127.0.0.1:35001"],
    )
    .without_replay_store();
    let validate_large = |bytes: &[u8]| {
        black_box(large.validate(bytes, &context).unwrap());
    };
    bench_document(c, "large 1300 groups", "responses/large-1300-groups.xml", &validate_large);

    // Throughput of one Policy shared by 1 and 2 threads: the time reported
    // is wall time per validation, so 1 thread / 2 threads is the speed-up.
    let bytes = fixture("responses/clientvpn.xml");
    let mut group = c.benchmark_group("throughput clientvpn 20 groups");
    for threads in [1u64, 2] {
        group.bench_function(format!("{threads} thread(s)"), |b| {
            b.iter_custom(|iterations| {
                let per_thread = iterations.div_ceil(threads);
                let start = std::time::Instant::now();
                std::thread::scope(|scope| {
                    for _ in 0..threads {
                        scope.spawn(|| {
                            for _ in 0..per_thread {
                                black_box(vpn.validate(&bytes, &context).unwrap());
                            }
                        });
                    }
                });
                start.elapsed()
            })
        });
    }
    group.finish();
}

#[cfg(feature = "xmlsec-oracle")]
mod oracle {
    use criterion::BenchmarkGroup;
    use criterion::measurement::WallTime;
    use xmlsec::{XmlSecDocumentExt, XmlSecKey, XmlSecKeyFormat, XmlSecSignatureContext};

    /// libxmlsec1 parsing the document and verifying every signature with the
    /// pinned certificate (loaded once, as a gateway would).
    pub(super) fn bench(group: &mut BenchmarkGroup<'_, WallTime>, bytes: &[u8], signatures: usize) {
        let text = std::str::from_utf8(bytes).unwrap().to_string();
        let pem = super::fixture("keys/idp.crt");
        group.bench_function("libxmlsec1 (parse + verify)", |b| {
            b.iter(|| {
                let doc = libxml::parser::Parser::default().parse_string(&text).unwrap();
                let ns = [
                    ("samlp", "urn:oasis:names:tc:SAML:2.0:protocol"),
                    ("saml", "urn:oasis:names:tc:SAML:2.0:assertion"),
                ];
                doc.specify_idattr("//samlp:Response", "ID", Some(&ns)).unwrap();
                doc.specify_idattr("//saml:Assertion", "ID", Some(&ns)).unwrap();
                let context = libxml::xpath::Context::new(&doc).unwrap();
                context.register_namespace("ds", "http://www.w3.org/2000/09/xmldsig#").unwrap();
                let nodes = context.evaluate("//ds:Signature").unwrap().get_nodes_as_vec();
                assert_eq!(nodes.len(), signatures);
                for node in &nodes {
                    let key = XmlSecKey::from_memory(&pem, XmlSecKeyFormat::CertPem, None).unwrap();
                    let mut signature_context = XmlSecSignatureContext::new();
                    signature_context.insert_key(key);
                    assert!(signature_context.verify_node(node).unwrap());
                }
            })
        });
    }
}

criterion_group!(validate_benches, benches);
criterion_main!(validate_benches);
