//! The Redis replay store against a real `redis-server` (never a mock).
//!
//! Most tests use the server at `SAMLGUARD_REDIS_URL` (CI starts one), each
//! under its own key prefix; the outage tests spawn their own `redis-server`
//! (from PATH) on a free loopback port to stop and start it. Without
//! `SAMLGUARD_REDIS_URL` every test says it was skipped; with it, a missing
//! `redis-server` binary fails.
#![cfg(feature = "redis")]

mod common;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use samlguard::replay::{RedisReplayStore, ReplayKey, ReplayVerdict};
use samlguard::{AwsConsole, Context, ErrorKind, Policy, ReplayStore};

const NOW: &str = "2026-01-15T10:01:00Z";
/// The fixtures' earliest NotOnOrAfter (SubjectConfirmationData) plus the
/// default 60 s clock skew: when their replay keys may go.
const EXPIRES: &str = "2026-01-15T10:06:00Z";
const RESPONSE: &str = "responses/aws-console.xml";
/// Leeway over a timeout for a loaded machine (and a debug build).
const SLACK: Duration = Duration::from_millis(900);
const FLEET: [&str; 3] = ["fleet/aws-console-1.xml", "fleet/aws-console-2.xml", "fleet/aws-console-3.xml"];

fn time(text: &str) -> DateTime<Utc> {
    text.parse().expect("RFC 3339")
}

/// `SAMLGUARD_REDIS_URL`, or `None` after saying the test was skipped.
fn redis_url(test: &str) -> Option<String> {
    let url = std::env::var("SAMLGUARD_REDIS_URL").ok();
    if url.is_none() {
        eprintln!("{test}: skipped (SAMLGUARD_REDIS_URL is not set)");
    }
    url
}

/// A key prefix no other test or run uses.
fn unique_prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("samlguard-test:{test}:{}:{nanos}:", std::process::id())
}

fn store(url: &str, prefix: &str) -> RedisReplayStore {
    RedisReplayStore::open(url).expect("Redis URL").with_prefix(prefix)
}

/// A gateway's policy recording in `store`.
fn policy(store: RedisReplayStore) -> Policy<AwsConsole> {
    Policy::<AwsConsole>::new(common::entra_trust()).with_replay_store(Arc::new(store))
}

fn validate(policy: &Policy<AwsConsole>, rel: &str, now: DateTime<Utc>) -> Result<(), ErrorKind> {
    policy.validate(&common::testdata(rel), &Context::new(now)).map(drop).map_err(|e| e.kind())
}

/// A raw connection for looking at what the store wrote.
fn inspect(url: &str) -> redis::Connection {
    redis::Client::open(url).unwrap().get_connection_with_timeout(Duration::from_secs(5)).unwrap()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A `redis-server` of this test's own, on loopback, without persistence.
struct Server {
    port: u16,
    child: Option<Child>,
}

impl Server {
    fn start(port: u16) -> Self {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("SAMLGUARD_REDIS_URL is set, so redis-server must be on PATH");
        let server = Self { port, child: Some(child) };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(server.address()).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not listen on port {port}");
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    fn address(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A loopback server that accepts connections and never answers.
fn silent_server() -> (SocketAddr, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        listener.set_nonblocking(true).unwrap();
        let mut held = Vec::new();
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until {
            if let Ok((stream, _)) = listener.accept() {
                held.push(stream);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    });
    (address, handle)
}

#[test]
fn two_gateways_share_one_store() {
    let Some(url) = redis_url("two_gateways_share_one_store") else { return };
    let prefix = unique_prefix("two-gateways");
    let (a, b) = (policy(store(&url, &prefix)), policy(store(&url, &prefix)));
    let now = time(NOW);
    assert_eq!(validate(&a, RESPONSE, now), Ok(()));
    assert_eq!(validate(&b, RESPONSE, now), Err(ErrorKind::ReplayedAssertion));
    assert_eq!(validate(&a, RESPONSE, now), Err(ErrorKind::ReplayedAssertion));
    // Different assertions both pass, each once, whichever gateway sees them.
    assert_eq!(validate(&b, FLEET[0], now), Ok(()));
    assert_eq!(validate(&a, FLEET[1], now), Ok(()));
    assert_eq!(validate(&a, FLEET[0], now), Err(ErrorKind::ReplayedAssertion));
    assert_eq!(validate(&b, FLEET[1], now), Err(ErrorKind::ReplayedAssertion));

    // What is stored: prefix + sha256(issuer) + ":" + sha256(ID), the
    // validation time, until the assertion expires.
    let mut redis = inspect(&url);
    let keys: Vec<String> = redis::cmd("KEYS").arg(format!("{prefix}*")).query(&mut redis).unwrap();
    assert_eq!(keys.len(), 3, "{keys:?}");
    let key = store(&url, &prefix).redis_key(&ReplayKey::new(
        "https://sts.windows.net/6f2a1c1e-0000-4000-8000-5a4d1e2f3a4b/",
        "_a8f3e6d21-0c4b-4a97-b5e8-6d7c1f2a3b4c",
    ));
    assert!(keys.contains(&key), "{key} not in {keys:?}");
    let value: String = redis::cmd("GET").arg(&key).query(&mut redis).unwrap();
    assert_eq!(value, "2026-01-15T10:01:00.000Z");
    let ttl: i64 = redis::cmd("PTTL").arg(&key).query(&mut redis).unwrap();
    let full = (time(EXPIRES) - now).num_milliseconds();
    assert!(ttl > full - 60_000 && ttl <= full, "PTTL {ttl} ms, expected about {full}");
}

#[test]
fn the_key_expires_with_the_assertion() {
    let Some(url) = redis_url("the_key_expires_with_the_assertion") else { return };
    let prefix = unique_prefix("expiry");
    let gateway = policy(store(&url, &prefix));
    // One second before the assertion stops being acceptable: the key lives 1 s.
    let now = time(EXPIRES) - TimeDelta::seconds(1);
    assert_eq!(validate(&gateway, RESPONSE, now), Ok(()));
    assert_eq!(validate(&gateway, RESPONSE, now), Err(ErrorKind::ReplayedAssertion));
    let key = store(&url, &prefix).redis_key(&ReplayKey::new(
        "https://sts.windows.net/6f2a1c1e-0000-4000-8000-5a4d1e2f3a4b/",
        "_a8f3e6d21-0c4b-4a97-b5e8-6d7c1f2a3b4c",
    ));
    let ttl: i64 = redis::cmd("PTTL").arg(&key).query(&mut inspect(&url)).unwrap();
    assert!(ttl > 0 && ttl <= 1000, "PTTL {ttl} ms");
    std::thread::sleep(Duration::from_millis(1300));
    let gone: i64 = redis::cmd("EXISTS").arg(&key).query(&mut inspect(&url)).unwrap();
    assert_eq!(gone, 0, "the key outlived the assertion");
    // At that frozen clock the assertion would still be valid, and is new again:
    // the store forgot it exactly when the assertion could no longer be used.
    assert_eq!(validate(&gateway, RESPONSE, now), Ok(()));

    // The store alone, with a 50 ms TTL.
    let store = store(&url, &prefix);
    let key = ReplayKey::new("urn:test", "_short");
    let now = time(NOW);
    let expires = now + TimeDelta::milliseconds(50);
    assert_eq!(store.record(&key, expires, now), Ok(ReplayVerdict::FirstUse));
    std::thread::sleep(Duration::from_millis(120));
    assert_eq!(store.record(&key, expires, now), Ok(ReplayVerdict::FirstUse));
}

#[test]
fn concurrent_validations_accept_exactly_once() {
    let Some(url) = redis_url("concurrent_validations_accept_exactly_once") else { return };
    const PER_THREAD: usize = 25;
    let prefix = unique_prefix("concurrent");
    // Two gateways, one thread each, all validating the same responses at once.
    let gateways = [Arc::new(policy(store(&url, &prefix))), Arc::new(policy(store(&url, &prefix)))];
    let barrier = Arc::new(Barrier::new(gateways.len()));
    let threads: Vec<_> = gateways
        .iter()
        .map(|gateway| {
            let (gateway, barrier) = (Arc::clone(gateway), Arc::clone(&barrier));
            std::thread::spawn(move || {
                let bytes: Vec<Vec<u8>> = FLEET.iter().map(|f| common::testdata(f)).collect();
                barrier.wait();
                let mut outcomes = Vec::new();
                for _ in 0..PER_THREAD {
                    for (i, response) in bytes.iter().enumerate() {
                        let result = gateway.validate(response, &Context::new(time(NOW)));
                        outcomes.push((i, result.map(drop).map_err(|e| e.kind())));
                    }
                }
                outcomes
            })
        })
        .collect();
    let outcomes: Vec<_> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
    for (i, rel) in FLEET.iter().enumerate() {
        let accepted = outcomes.iter().filter(|(j, r)| *j == i && r.is_ok()).count();
        let replayed =
            outcomes.iter().filter(|(j, r)| *j == i && *r == Err(ErrorKind::ReplayedAssertion)).count();
        assert_eq!((accepted, replayed), (1, 2 * PER_THREAD - 1), "{rel}");
    }
}

#[test]
fn issuers_and_crafted_ids_never_collide() {
    let Some(url) = redis_url("issuers_and_crafted_ids_never_collide") else { return };
    let store = store(&url, &unique_prefix("collide"));
    let (now, expires) = (time(NOW), time(EXPIRES));
    let keys = [
        ReplayKey::new("https://sts.windows.net/tenant-a/", "_1"),
        ReplayKey::new("https://sts.windows.net/tenant-b/", "_1"),
        // The key's own separator, and the prefix's, inside IDs and issuers.
        ReplayKey::new("urn:a", "b:c"),
        ReplayKey::new("urn:a:b", "c"),
        ReplayKey::new("urn:a:b:c", ""),
        ReplayKey::new("", "urn:a:b:c"),
        ReplayKey::new("urn:a", "samlguard:replay:x"),
        ReplayKey::new("urn:a\0b", "c"),
        ReplayKey::new("urn:a", "b\0c"),
    ];
    for key in &keys {
        assert_eq!(store.record(key, expires, now), Ok(ReplayVerdict::FirstUse), "{key:?}");
    }
    for key in &keys {
        assert_eq!(store.record(key, expires, now), Ok(ReplayVerdict::Replayed), "{key:?}");
    }
    // Each key is the prefix then two 64-digit digests.
    for key in &keys {
        let redis_key = store.redis_key(key);
        let (_, digests) = redis_key.split_at(redis_key.len() - 129);
        assert!(digests.bytes().enumerate().all(|(i, b)| if i == 64 {
            b == b':'
        } else {
            b.is_ascii_hexdigit()
        }));
    }
}

#[test]
fn an_outage_refuses_within_the_timeout_and_recovery_needs_no_restart() {
    let Some(_) = redis_url("an_outage_refuses_within_the_timeout_and_recovery_needs_no_restart") else {
        return;
    };
    let mut server = Server::start(free_port());
    let url = server.url();
    let gateway = policy(store(&url, "outage:"));
    let now = time(NOW);
    assert_eq!(validate(&gateway, FLEET[0], now), Ok(()));

    server.stop();
    for attempt in 0..3 {
        let started = Instant::now();
        assert_eq!(validate(&gateway, FLEET[1], now), Err(ErrorKind::ReplayStoreUnavailable));
        let took = started.elapsed();
        eprintln!("Redis stopped: refused in {took:?} (attempt {attempt})");
        assert!(took < Duration::from_millis(1000), "refusal took {took:?}");
    }

    // Same port, empty server (no persistence), same policy and store.
    let _server = Server::start(server.port);
    let started = Instant::now();
    assert_eq!(validate(&gateway, FLEET[1], now), Ok(()), "refused while down, so never recorded");
    eprintln!("Redis restarted: accepted in {:?}", started.elapsed());
    assert_eq!(validate(&gateway, FLEET[1], now), Err(ErrorKind::ReplayedAssertion));
}

#[test]
fn a_restart_between_requests_costs_no_refusal() {
    let Some(_) = redis_url("a_restart_between_requests_costs_no_refusal") else { return };
    let mut server = Server::start(free_port());
    let gateway = policy(store(&server.url(), "restart:"));
    let now = time(NOW);
    assert_eq!(validate(&gateway, FLEET[0], now), Ok(()));
    // The pooled connection now points at a dead server: it gets one fresh try.
    server.stop();
    let _server = Server::start(server.port);
    assert_eq!(validate(&gateway, FLEET[1], now), Ok(()));
    assert_eq!(validate(&gateway, FLEET[1], now), Err(ErrorKind::ReplayedAssertion));
}

#[test]
fn a_silent_server_is_refused_after_the_command_timeout() {
    // Needs no Redis: the server accepts and never answers.
    let (address, _holder) = silent_server();
    let timeout = Duration::from_millis(100);
    let store =
        RedisReplayStore::open(&format!("redis://{address}/0")).unwrap().with_command_timeout(timeout);
    let gateway = policy(store);
    let started = Instant::now();
    assert_eq!(validate(&gateway, RESPONSE, time(NOW)), Err(ErrorKind::ReplayStoreUnavailable));
    let took = started.elapsed();
    eprintln!("silent server: refused in {took:?} with a {timeout:?} command timeout");
    assert!(took >= timeout && took < timeout + SLACK, "refusal took {took:?}");

    // The error names the timeout, and the Redis error is its source.
    let error = gateway.validate(&common::testdata(RESPONSE), &Context::new(time(NOW))).unwrap_err();
    let mut chain = vec![error.to_string()];
    let mut source = std::error::Error::source(&error);
    while let Some(e) = source {
        chain.push(e.to_string());
        source = e.source();
    }
    assert!(chain.iter().any(|m| m.contains("did not answer SET within 100ms")), "{chain:?}");
}

mod async_path {
    use super::*;

    async fn record(
        policy: &Policy<AwsConsole>,
        store: &RedisReplayStore,
        rel: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ErrorKind> {
        let unrecorded =
            policy.validate_unrecorded(&common::testdata(rel), &Context::new(now)).map_err(|e| e.kind())?;
        let verdict = store
            .record_async(&unrecorded.replay_key(), unrecorded.expires(), now)
            .await
            .map_err(|e| e.kind())?;
        unrecorded.recorded(verdict).map(drop).map_err(|e| e.kind())
    }

    fn unrecorded_policy() -> Policy<AwsConsole> {
        // Records only through record_async: a sync record here would be a bug.
        Policy::<AwsConsole>::new(common::entra_trust()).without_replay_store()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn shares_keys_with_the_blocking_path_and_accepts_once_under_concurrency() {
        let Some(url) = redis_url("async: shares_keys_with_the_blocking_path") else { return };
        let prefix = unique_prefix("async");
        let (policy, store) = (Arc::new(unrecorded_policy()), Arc::new(store(&url, &prefix)));
        let now = time(NOW);
        assert_eq!(record(&policy, &store, RESPONSE, now).await, Ok(()));
        assert_eq!(record(&policy, &store, RESPONSE, now).await, Err(ErrorKind::ReplayedAssertion));
        // A blocking gateway on the same Redis sees it too, and the other way round.
        let blocking = super::policy(super::store(&url, &prefix));
        assert_eq!(validate(&blocking, RESPONSE, now), Err(ErrorKind::ReplayedAssertion));
        assert_eq!(validate(&blocking, FLEET[0], now), Ok(()));
        assert_eq!(record(&policy, &store, FLEET[0], now).await, Err(ErrorKind::ReplayedAssertion));

        // 2 × 25 tasks on one multiplexed connection, two responses: each accepted once.
        let tasks: Vec<_> = (0..50)
            .map(|i| {
                let (policy, store) = (Arc::clone(&policy), Arc::clone(&store));
                let rel = FLEET[1 + i % 2];
                tokio::spawn(async move { (rel, record(&policy, &store, rel, now).await) })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap());
        }
        for rel in &FLEET[1..] {
            let accepted = outcomes.iter().filter(|(r, o)| r == rel && o.is_ok()).count();
            let replayed =
                outcomes.iter().filter(|(r, o)| r == rel && *o == Err(ErrorKind::ReplayedAssertion)).count();
            assert_eq!((accepted, replayed), (1, 24), "{rel}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_outage_refuses_and_recovery_needs_no_restart() {
        let Some(_) = redis_url("async: an_outage_refuses_and_recovery_needs_no_restart") else { return };
        let mut server = Server::start(free_port());
        let (policy, store) = (unrecorded_policy(), store(&server.url(), "async-outage:"));
        let now = time(NOW);
        assert_eq!(record(&policy, &store, FLEET[0], now).await, Ok(()));
        server.stop();
        for attempt in 0..3 {
            let started = Instant::now();
            assert_eq!(record(&policy, &store, FLEET[1], now).await, Err(ErrorKind::ReplayStoreUnavailable));
            let took = started.elapsed();
            eprintln!("async, Redis stopped: refused in {took:?} (attempt {attempt})");
            assert!(took < Duration::from_millis(1000), "refusal took {took:?}");
        }
        let _server = Server::start(server.port);
        assert_eq!(record(&policy, &store, FLEET[1], now).await, Ok(()));
        assert_eq!(record(&policy, &store, FLEET[1], now).await, Err(ErrorKind::ReplayedAssertion));
        assert_eq!(record(&policy, &store, FLEET[0], now).await, Ok(()), "no persistence: forgotten");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_restart_between_requests_costs_no_refusal() {
        let Some(_) = redis_url("async: a_restart_between_requests_costs_no_refusal") else { return };
        let mut server = Server::start(free_port());
        let (policy, store) = (unrecorded_policy(), store(&server.url(), "async-restart:"));
        let now = time(NOW);
        assert_eq!(record(&policy, &store, FLEET[0], now).await, Ok(()));
        server.stop();
        let _server = Server::start(server.port);
        assert_eq!(record(&policy, &store, FLEET[1], now).await, Ok(()));
        assert_eq!(record(&policy, &store, FLEET[1], now).await, Err(ErrorKind::ReplayedAssertion));
    }

    #[tokio::test]
    async fn a_silent_server_is_refused_after_the_command_timeout() {
        let (address, _holder) = silent_server();
        let timeout = Duration::from_millis(100);
        let store = RedisReplayStore::open(&format!("redis://{address}/0"))
            .unwrap()
            .with_connect_timeout(timeout)
            .with_command_timeout(timeout);
        let started = Instant::now();
        let key = ReplayKey::new("urn:test", "_silent");
        let result = store.record_async(&key, time(EXPIRES), time(NOW)).await;
        let took = started.elapsed();
        eprintln!("async, silent server: refused in {took:?}");
        assert_eq!(result.map_err(|e| e.kind()), Err(ErrorKind::ReplayStoreUnavailable));
        assert!(took >= timeout && took < timeout + SLACK, "refusal took {took:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_server_that_never_accepts_is_refused_after_the_connect_timeout() {
        let (_listener, address, _queued) = full_listener();
        let timeout = Duration::from_millis(100);
        let store =
            RedisReplayStore::open(&format!("redis://{address}/0")).unwrap().with_connect_timeout(timeout);
        let store = Arc::new(store);
        let key = ReplayKey::new("urn:test", "_backlog");

        let started = Instant::now();
        let result = store.record_async(&key, time(EXPIRES), time(NOW)).await;
        let took = started.elapsed();
        eprintln!("async, connect never completes: refused in {took:?}");
        assert_eq!(result.map_err(|e| e.kind()), Err(ErrorKind::ReplayStoreUnavailable));
        assert!(took >= timeout && took < timeout + SLACK, "refusal took {took:?}");

        let blocking = Arc::clone(&store);
        let (result, took) = tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            (blocking.record(&key, time(EXPIRES), time(NOW)), started.elapsed())
        })
        .await
        .unwrap();
        eprintln!("blocking, connect never completes: refused in {took:?}");
        let error = result.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::ReplayStoreUnavailable);
        assert!(took >= timeout && took < timeout + SLACK, "refusal took {took:?}");
        let cause = std::error::Error::source(&error).map(ToString::to_string).unwrap_or_default();
        assert!(cause.contains("could not connect to Redis within 100ms"), "{cause}");
    }

    /// A loopback listener whose accept queue is full and never drained:
    /// the kernel drops further SYNs, so connecting hangs until the client
    /// gives up (what an unreachable host looks like).
    fn full_listener() -> (tokio::net::TcpListener, SocketAddr, Vec<TcpStream>) {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
        let listener = socket.listen(0).unwrap();
        let address = listener.local_addr().unwrap();
        let mut queued = Vec::new();
        while let Ok(stream) = TcpStream::connect_timeout(&address, Duration::from_millis(50)) {
            queued.push(stream);
            assert!(queued.len() < 64, "the accept queue never filled");
        }
        (listener, address, queued)
    }

    #[test]
    fn outside_a_runtime_it_refuses_instead_of_panicking() {
        let store = RedisReplayStore::open("redis://127.0.0.1:1/0").unwrap();
        let key = ReplayKey::new("urn:test", "_no_runtime");
        let future = store.record_async(&key, time(EXPIRES), time(NOW));
        // A minimal executor that is not tokio.
        let result = futures_lite_block_on(future);
        assert_eq!(result.map_err(|e| e.kind()), Err(ErrorKind::ReplayStoreUnavailable));
    }

    /// Polls a future to completion without any runtime (it must not need one).
    fn futures_lite_block_on<F: Future>(future: F) -> F::Output {
        use std::task::{Context, Poll, Waker};
        let mut future = std::pin::pin!(future);
        let mut context = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
                return output;
            }
        }
    }
}

#[cfg(feature = "cli")]
mod cli {
    use super::*;

    fn verify(url: &str, rel: &str) -> (i32, serde_json::Value) {
        let metadata = common::testdata_path("metadata/entra.xml");
        let input = common::testdata_path(rel);
        let out = common::samlguard(
            &[
                "verify",
                "--profile",
                "aws-console",
                "--idp-metadata",
                metadata.to_str().unwrap(),
                "--now",
                NOW,
                "--format",
                "json",
                "--replay-store",
                url,
                input.to_str().unwrap(),
            ],
            None,
        );
        let json =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", common::stderr(&out)));
        (out.status.code().unwrap_or(-1), json)
    }

    #[test]
    fn two_cli_processes_share_the_store() {
        let Some(_) = redis_url("cli: two_cli_processes_share_the_store") else { return };
        // A server of its own: the CLI uses the default key prefix.
        let server = Server::start(free_port());
        let (code, json) = verify(&server.url(), RESPONSE);
        assert_eq!((code, &json["valid"]), (0, &serde_json::Value::Bool(true)), "{json}");
        let (code, json) = verify(&server.url(), RESPONSE);
        assert_eq!((code, json["error"]["kind"].as_str()), (1, Some("replayed_assertion")), "{json}");
        let (code, _) = verify(&server.url(), FLEET[0]);
        assert_eq!(code, 0);
    }

    #[test]
    fn an_unreachable_store_refuses_with_exit_1() {
        // Needs no server: nobody listens on this port.
        let (code, json) = verify(&format!("redis://127.0.0.1:{}/0", free_port()), RESPONSE);
        assert_eq!((code, json["error"]["kind"].as_str()), (1, Some("replay_store_unavailable")), "{json}");
        let message = json["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains("Connection refused"), "{message}");
        let (code, json) = verify("http://127.0.0.1/", RESPONSE);
        assert_eq!((code, json["error"]["kind"].as_str()), (2, Some("usage_error")), "{json}");
    }
}
