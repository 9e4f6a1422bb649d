//! Validations per second with the in-memory replay store and with Redis on
//! loopback, on one and on two threads, and the store's own cost per
//! validation (one `SET NX PX` round trip).
//!
//!     SAMLGUARD_REDIS_URL=redis://127.0.0.1:6379/0 cargo bench --features redis --bench replay
//!
//! Without `SAMLGUARD_REDIS_URL` only the memory store is measured. Each
//! validation is complete: the same signed response is validated again and
//! again, so after the first every record answers "replayed" — which costs
//! the store the same as a first use (one lookup, or one `SET NX` round trip).
//! On two threads, time per element is wall time over both threads' work, so
//! its elements/s is the throughput of the pair.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use samlguard::replay::{RedisReplayStore, ReplayKey};
use samlguard::trust::{IdpTrust, MetadataOptions};
use samlguard::{AwsConsole, Context, MemoryReplayStore, Policy, ReplayStore};

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{}/testdata/{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn now() -> DateTime<Utc> {
    "2026-01-15T10:01:00Z".parse().unwrap()
}

fn policy(store: Arc<dyn ReplayStore>) -> Arc<Policy<AwsConsole>> {
    let trust = IdpTrust::from_metadata(&fixture("metadata/entra.xml"), &MetadataOptions::default()).unwrap();
    Arc::new(Policy::<AwsConsole>::new(trust).with_replay_store(store))
}

/// One validation, accepted or refused as a replay; anything else is a bug.
fn validate(policy: &Policy<AwsConsole>, response: &[u8], context: &Context) {
    match policy.validate(response, context) {
        Ok(login) => drop(black_box(login)),
        Err(e) if e.kind() == samlguard::ErrorKind::ReplayedAssertion => drop(black_box(e)),
        Err(e) => panic!("validation failed: {e}"),
    }
}

/// `iters` validations split over `threads` threads: the wall time.
fn run_threads(
    policy: &Arc<Policy<AwsConsole>>,
    response: &Arc<Vec<u8>>,
    threads: u64,
    iters: u64,
) -> Duration {
    let barrier = Arc::new(std::sync::Barrier::new(threads as usize + 1));
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let (policy, response, barrier) =
                (Arc::clone(policy), Arc::clone(response), Arc::clone(&barrier));
            let share = iters / threads + u64::from(t < iters % threads);
            std::thread::spawn(move || {
                let context = Context::new(now());
                barrier.wait();
                for _ in 0..share {
                    validate(&policy, &response, &context);
                }
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    for worker in workers {
        worker.join().unwrap();
    }
    started.elapsed()
}

fn stores() -> Vec<(&'static str, Arc<dyn ReplayStore>)> {
    let mut stores: Vec<(&str, Arc<dyn ReplayStore>)> =
        vec![("memory", Arc::new(MemoryReplayStore::default()))];
    match std::env::var("SAMLGUARD_REDIS_URL") {
        Ok(url) => {
            let prefix = format!("samlguard-bench:{}:", std::process::id());
            stores.push(("redis", Arc::new(RedisReplayStore::open(&url).unwrap().with_prefix(prefix))));
        }
        Err(_) => eprintln!("replay bench: Redis skipped (SAMLGUARD_REDIS_URL is not set)"),
    }
    stores
}

fn validations(c: &mut Criterion) {
    let response = Arc::new(fixture("responses/aws-console.xml"));
    let mut group = c.benchmark_group("validate");
    group.throughput(Throughput::Elements(1));
    for (name, store) in stores() {
        let policy = policy(store);
        for threads in [1, 2] {
            group.bench_function(BenchmarkId::new(name, format!("{threads}-thread")), |b| {
                b.iter_custom(|iters| run_threads(&policy, &response, threads, iters))
            });
        }
    }
    group.finish();
}

/// The store alone: what it adds to each validation.
fn record_only(c: &mut Criterion) {
    let mut group = c.benchmark_group("record");
    let key = ReplayKey::new("https://sts.windows.net/tenant/", "_bench");
    let expires = now() + TimeDelta::minutes(5);
    for (name, store) in stores() {
        group.bench_function(BenchmarkId::new(name, "blocking"), |b| {
            b.iter(|| black_box(store.record(&key, expires, now())))
        });
    }
    if let Ok(url) = std::env::var("SAMLGUARD_REDIS_URL") {
        let store = RedisReplayStore::open(&url)
            .unwrap()
            .with_prefix(format!("samlguard-bench:{}:", std::process::id()));
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        group.bench_function(BenchmarkId::new("redis", "async"), |b| {
            b.iter_custom(|iters| {
                runtime.block_on(async {
                    let started = Instant::now();
                    for _ in 0..iters {
                        black_box(store.record_async(&key, expires, now()).await.unwrap());
                    }
                    started.elapsed()
                })
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    targets = validations, record_only
}
criterion_main!(benches);
