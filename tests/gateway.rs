//! The example gateway (examples/gateway.rs) served on 127.0.0.1 and driven
//! over a real socket with plain HTTP/1.1: acceptance, replay before and
//! after a metadata refresh, and the status of each kind of refusal. With
//! `SAMLGUARD_REDIS_URL` (and the `redis` feature), two gateways share Redis.

mod common;
#[allow(dead_code)] // the example's main and flags are not used here
#[path = "../examples/gateway.rs"]
mod gateway;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use base64::Engine as _;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use gateway::{Clock, Gateway};

const NOW: &str = "2026-01-15T10:01:00Z";

fn fixed_clock() -> Clock {
    let now = NOW.parse().expect("fixed time");
    Arc::new(move || now)
}

/// The form body a browser posts for the fixture at `rel`.
fn form(rel: &str) -> Vec<u8> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(common::testdata(rel));
    format!("SAMLResponse={}&RelayState=x", common::form_encode(&encoded)).into_bytes()
}

/// A private copy of the bundled metadata, so a test can break and restore it.
fn metadata_copy(name: &str) -> PathBuf {
    common::temp_file(name, &common::testdata("metadata/entra.xml"))
}

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
    address
}

struct Reply {
    status: u16,
    headers: String,
    json: Value,
}

/// One POST over a fresh connection (`Connection: close`, so the body ends
/// with the stream).
async fn post(address: SocketAddr, path: &str, body: &[u8]) -> Reply {
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("write head");
    stream.write_all(body).await.expect("write body");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read reply");
    let text = String::from_utf8(raw).expect("UTF-8 reply");
    let (headers, body) = text.split_once("\r\n\r\n").expect("end of headers");
    let status = headers.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status line");
    let json = serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    Reply { status, headers: headers.to_ascii_lowercase(), json }
}

/// A gateway's public and admin addresses.
struct Served {
    acs: SocketAddr,
    admin: SocketAddr,
}

async fn start(gateway: Gateway) -> Served {
    let gateway = Arc::new(gateway);
    Served { acs: serve(gateway::app(gateway.clone())).await, admin: serve(gateway::admin(gateway)).await }
}

fn kind(reply: &Reply) -> &str {
    reply.json["error"]["kind"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn accepts_once_and_still_refuses_the_replay_after_a_metadata_refresh() {
    let metadata = metadata_copy("gateway-refresh");
    let served = start(Gateway::new(metadata.clone(), fixed_clock()).unwrap()).await;

    let first = post(served.acs, "/saml/acs", &form("responses/aws-console.xml")).await;
    assert_eq!(first.status, 200, "{}", first.json);
    assert!(first.headers.contains("content-type: application/json"), "{}", first.headers);
    assert_eq!(first.json["name_id"], "k3vQ9XnW2bYp7sLr1cTfHd8uJmA0eZoGiE5yR4qP6hN");
    assert_eq!(first.json["roles"][0]["role_arn"], "arn:aws:iam::123456789012:role/Admin");

    let replay = post(served.acs, "/saml/acs", &form("responses/aws-console.xml")).await;
    assert_eq!((replay.status, kind(&replay)), (409, "replayed_assertion"), "{}", replay.json);

    let refreshed = post(served.admin, "/admin/refresh-metadata", b"").await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.json);
    assert_eq!(refreshed.json["signing_keys"], 2);
    let replay = post(served.acs, "/saml/acs", &form("responses/aws-console.xml")).await;
    assert_eq!((replay.status, kind(&replay)), (409, "replayed_assertion"), "after refresh: {}", replay.json);
    let other = post(served.acs, "/saml/acs", &form("fleet/aws-console-1.xml")).await;
    assert_eq!(other.status, 200, "a new assertion after refresh: {}", other.json);

    // Metadata that does not load leaves the current trust in place.
    std::fs::write(&metadata, b"<not-metadata/>").unwrap();
    let failed = post(served.admin, "/admin/refresh-metadata", b"").await;
    assert_eq!((failed.status, &failed.json["refreshed"]), (500, &Value::Bool(false)), "{}", failed.json);
    let still = post(served.acs, "/saml/acs", &form("fleet/aws-console-2.xml")).await;
    assert_eq!(still.status, 200, "trust kept after a failed refresh: {}", still.json);
    // The admin routes are not on the public listener.
    let hidden = post_raw_status(served.acs, "/admin/refresh-metadata").await;
    assert_eq!(hidden, 404);
}

/// The status of a POST whose answer is not JSON (axum's 404).
async fn post_raw_status(address: SocketAddr, path: &str) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head =
        format!("POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    String::from_utf8_lossy(&raw).split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap()
}

#[tokio::test]
async fn refusals_map_to_statuses() {
    let served = start(Gateway::new(metadata_copy("gateway-status"), fixed_clock()).unwrap()).await;
    let cases: &[(&[u8], u16, &str)] = &[
        (b"SAMLResponse=%zz", 400, "invalid_form_encoding"),
        (b"RelayState=only", 400, "missing_saml_response"),
        (b"<samlp:Response", 400, "xml_syntax"),
        (&form("responses/clientvpn-attacker-key.xml"), 401, "unknown_signing_key"),
        (&form("responses/clientvpn.xml"), 403, "destination_mismatch"),
    ];
    for (body, status, expected) in cases {
        let reply = post(served.acs, "/saml/acs", body).await;
        assert_eq!((reply.status, kind(&reply)), (*status, *expected), "{}", reply.json);
        assert_eq!(reply.json["valid"], false);
        assert!(reply.json["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let huge = vec![b'A'; 200_000];
    let reply = post(served.acs, "/saml/acs", &huge).await;
    assert_eq!((reply.status, kind(&reply)), (413, "decoded_too_large"), "{}", reply.json);
}

#[cfg(feature = "redis")]
mod redis {
    use super::*;
    use samlguard::replay::RedisReplayStore;

    /// A key prefix no other test or run uses.
    fn unique_prefix(test: &str) -> String {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        format!("samlguard-test:{test}:{}:{nanos}:", std::process::id())
    }

    fn store(url: &str, test: &str) -> RedisReplayStore {
        RedisReplayStore::open(url).unwrap().with_prefix(unique_prefix(test))
    }

    #[tokio::test]
    async fn an_unreachable_store_answers_503_and_retry_after() {
        // A loopback port nobody listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let gateway = Gateway::new(metadata_copy("gateway-503"), fixed_clock())
            .unwrap()
            .with_redis(store(&format!("redis://127.0.0.1:{port}/0"), "503"));
        let served = start(gateway).await;
        let reply = post(served.acs, "/saml/acs", &form("responses/aws-console.xml")).await;
        assert_eq!((reply.status, kind(&reply)), (503, "replay_store_unavailable"), "{}", reply.json);
        assert!(reply.headers.contains("retry-after: 1"), "{}", reply.headers);
        // The backend's error stays in the operator's log.
        assert!(!reply.json.to_string().contains("os error"), "{}", reply.json);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_gateways_share_redis_across_a_refresh() {
        let Ok(url) = std::env::var("SAMLGUARD_REDIS_URL") else {
            eprintln!("two_gateways_share_redis_across_a_refresh: skipped (SAMLGUARD_REDIS_URL is not set)");
            return;
        };
        // Two gateways: two stores (own connections), one Redis, one prefix.
        let prefix = unique_prefix("gateways");
        let gateway = |name: &str| {
            let store = RedisReplayStore::open(&url).unwrap().with_prefix(prefix.clone());
            Gateway::new(metadata_copy(name), fixed_clock()).unwrap().with_redis(store)
        };
        let a = start(gateway("gateway-a")).await;
        let b = start(gateway("gateway-b")).await;

        let first = post(a.acs, "/saml/acs", &form("responses/aws-console.xml")).await;
        assert_eq!(first.status, 200, "{}", first.json);
        let replay = post(b.acs, "/saml/acs", &form("responses/aws-console.xml")).await;
        assert_eq!((replay.status, kind(&replay)), (409, "replayed_assertion"), "{}", replay.json);
        assert_eq!(post(b.admin, "/admin/refresh-metadata", b"").await.status, 200);
        let replay = post(b.acs, "/saml/acs", &form("responses/aws-console.xml")).await;
        assert_eq!(
            (replay.status, kind(&replay)),
            (409, "replayed_assertion"),
            "after refresh: {}",
            replay.json
        );
        let other = post(b.acs, "/saml/acs", &form("fleet/aws-console-1.xml")).await;
        assert_eq!(other.status, 200, "{}", other.json);
        let replay = post(a.acs, "/saml/acs", &form("fleet/aws-console-1.xml")).await;
        assert_eq!(replay.status, 409, "{}", replay.json);
    }
}
