//! Peak heap of one validation, in bytes per input byte, measured with dhat:
//! `cargo run --release --example heap`.
use samlguard::trust::{IdpTrust, MetadataOptions};
use samlguard::{ClientVpn, Context, Generic, Policy};

/// Validates one response with the right policy.
type Validate<'p> = &'p dyn Fn(&[u8]);

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn main() {
    let trust = IdpTrust::from_metadata(
        &std::fs::read("testdata/metadata/entra.xml").unwrap(),
        &MetadataOptions::default(),
    )
    .unwrap();
    let context = Context::new("2026-01-15T10:01:00Z".parse().unwrap())
        .expecting_request("id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c");
    let vpn = Policy::<ClientVpn>::new(trust.clone()).without_replay_store();
    let large =
        Policy::<Generic>::new(trust, ["urn:amazon:webservices:clientvpn"], ["http://127.0.0.1:35001"])
            .without_replay_store();
    println!("| response | bytes | peak heap during validate | bytes per input byte | allocations |");
    println!("|---|---|---|---|---|");
    let validate_vpn = |bytes: &[u8]| drop(vpn.validate(bytes, &context).unwrap());
    let validate_large = |bytes: &[u8]| drop(large.validate(bytes, &context).unwrap());
    let cases: [(&str, &str, Validate<'_>); 3] = [
        ("clientvpn 20 groups", "testdata/responses/clientvpn.xml", &validate_vpn),
        ("clientvpn 200 groups", "testdata/responses/clientvpn-200-groups.xml", &validate_vpn),
        ("1300 groups", "testdata/responses/large-1300-groups.xml", &validate_large),
    ];
    for (name, file, validate) in cases {
        let bytes = std::fs::read(file).unwrap();
        let profiler = dhat::Profiler::builder().testing().build();
        let before = dhat::HeapStats::get();
        validate(&bytes);
        let after = dhat::HeapStats::get();
        drop(profiler);
        let peak = after.max_bytes.saturating_sub(before.curr_bytes);
        println!(
            "| {name} | {} | {peak} | {:.2} | {} |",
            bytes.len(),
            peak as f64 / bytes.len() as f64,
            after.total_blocks - before.total_blocks
        );
    }
}
