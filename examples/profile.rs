//! Loops one stage for profiling:
//! `cargo run --release --example profile -- parse|c14n|validate N [FILE]`.
use samlguard::trust::{IdpTrust, MetadataOptions};
use samlguard::{ClientVpn, Context, Policy};

/// SHA-256 of the canonical bytes as c14n streams them.
struct Sha256Sink(ring::digest::Context);

impl samlguard::c14n::Sink for Sha256Sink {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "validate".into());
    let n: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let file = args.next().unwrap_or_else(|| "testdata/responses/clientvpn.xml".into());
    let bytes = std::fs::read(&file).unwrap();
    let trust = IdpTrust::from_metadata(
        &std::fs::read("testdata/metadata/entra.xml").unwrap(),
        &MetadataOptions::default(),
    )
    .unwrap();
    let policy = Policy::<ClientVpn>::new(trust).without_replay_store();
    let context = Context::new("2026-01-15T10:01:00Z".parse().unwrap())
        .expecting_request("id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c");
    let start = std::time::Instant::now();
    for _ in 0..n {
        match what.as_str() {
            "parse" => drop(std::hint::black_box(samlguard::xml::parse(&bytes).unwrap())),
            "c14n" => {
                let doc = samlguard::xml::parse(&bytes).unwrap();
                for signature in samlguard::dsig::all_signatures(&doc) {
                    let options = samlguard::c14n::Options { omit: Some(signature), ..Default::default() };
                    let mut sink = Sha256Sink(ring::digest::Context::new(&ring::digest::SHA256));
                    samlguard::c14n::canonicalize(&doc, doc.parent(signature).unwrap(), &options, &mut sink)
                        .unwrap();
                    std::hint::black_box(sink.0.finish());
                }
            }
            _ => drop(std::hint::black_box(policy.validate(&bytes, &context).unwrap())),
        }
    }
    eprintln!("{what}: {:.1} µs each", start.elapsed().as_secs_f64() * 1e6 / n as f64);
}
