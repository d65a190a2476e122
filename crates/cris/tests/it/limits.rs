//! What keeps the server up and its limits fair: connection bounds against slow and idle
//! clients, client addresses behind a trusted proxy, and who may read the metrics.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::support::TestApp;

async fn connect_from(source: &str, to: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(format!("{source}:0").parse().unwrap()).unwrap();
    socket.connect(to).await.unwrap()
}

/// Whether the server closed the connection within `within` (it may say 408 first).
async fn closed_within(s: &mut TcpStream, within: Duration) -> bool {
    let mut buf = Vec::new();
    tokio::time::timeout(within, s.read_to_end(&mut buf)).await.is_ok()
}

async fn healthz(addr: SocketAddr) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: cris\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_string(&mut answer)).await.unwrap().unwrap();
    answer
}

// Issue 16, point 12: a client that sends part of its headers and goes silent (or sends
// nothing) is dropped after the header deadline; one address cannot hold more than its share of
// connections; /healthz keeps answering all along.
#[tokio::test]
async fn a_slow_client_is_dropped_while_healthz_keeps_answering() {
    let app = TestApp::new().await;
    let limits = cris::web::server::ConnLimits {
        max_connections: 40,
        max_per_address: 10,
        header_read_timeout: Duration::from_secs(1),
    };
    let listen = cris::web::server::Listen {
        addr: "127.0.0.1:0".parse().unwrap(),
        tls: None,
        grace: Duration::from_secs(1),
        limits,
        trusted_proxies: Default::default(),
    };
    let (running, _task) = cris::web::server::start(app.router.clone(), &listen).await.unwrap();
    let addr = running.addr;

    // The attacker, at another address, opens its share, half with part of a request's headers.
    let mut slow = Vec::new();
    for i in 0..10 {
        let mut s = connect_from("127.0.0.2", addr).await;
        if i % 2 == 0 {
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: cris\r\nX-Slow: ").await.unwrap();
        }
        slow.push(s);
    }
    // One more from the same address is closed at once.
    let mut over = connect_from("127.0.0.2", addr).await;
    assert!(closed_within(&mut over, Duration::from_millis(500)).await, "the 11th connection is refused");
    // Everyone else is served meanwhile.
    assert!(healthz(addr).await.starts_with("HTTP/1.1 200"), "healthz answers while slow clients wait");
    // The slow ones are still held (their deadline has not come) ...
    assert!(!closed_within(&mut slow[0], Duration::from_millis(100)).await);
    // ... and dropped once it has, every one of them.
    for (i, s) in slow.iter_mut().enumerate() {
        assert!(closed_within(s, Duration::from_secs(3)).await, "slow client {i} is dropped after the header deadline");
    }
    // Their places are given back: the address may connect again and be served.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut again = connect_from("127.0.0.2", addr).await;
    again.write_all(b"GET /healthz HTTP/1.1\r\nHost: cris\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut answer = String::new();
    again.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(healthz(addr).await.starts_with("HTTP/1.1 200"));
    running.shutdown(Duration::from_millis(100));
}

// Issue 16, point 12: the total cap holds too, whatever the addresses.
#[tokio::test]
async fn connections_are_capped_in_all() {
    let app = TestApp::new().await;
    let listen = cris::web::server::Listen {
        addr: "127.0.0.1:0".parse().unwrap(),
        tls: None,
        grace: Duration::from_secs(1),
        limits: cris::web::server::ConnLimits {
            max_connections: 6,
            max_per_address: 4,
            header_read_timeout: Duration::from_secs(5),
        },
        trusted_proxies: Default::default(),
    };
    let (running, _task) = cris::web::server::start(app.router.clone(), &listen).await.unwrap();
    let mut held = Vec::new();
    for source in ["127.0.0.3", "127.0.0.3", "127.0.0.3", "127.0.0.4", "127.0.0.4", "127.0.0.4"] {
        held.push(connect_from(source, running.addr).await);
    }
    let mut over = connect_from("127.0.0.5", running.addr).await;
    assert!(closed_within(&mut over, Duration::from_millis(500)).await, "over the total, closed at once");
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(healthz(running.addr).await.starts_with("HTTP/1.1 200"));
    running.shutdown(Duration::from_millis(100));
}

// Issue 16, point 14: behind the declared proxy each customer has their own limit; nobody else
// can choose their address by writing X-Forwarded-For.
#[tokio::test]
async fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    let app = TestApp::new().await;
    let i18n = std::sync::Arc::new(cris::kernel::i18n::I18n::load().unwrap());
    let state = cris::web::AppState::new(app.db.clone(), app.catalog.clone(), i18n, app.clock.clone(), false)
        .with_trusted_proxies(cris::web::client_addr::TrustedProxies::parse("10.0.0.5").unwrap());
    let app = TestApp { router: cris::app::router(state.clone(), Duration::from_secs(30)), state, ..app };
    let (_, _, jwt) = app.get("/csol-api/ui-auth", &[]).await;
    let jwt: serde_json::Value = serde_json::from_str(&jwt).unwrap();
    let auth = format!("Bearer {}", jwt["JwtResponse"]["accessToken"].as_str().unwrap());
    // The public site's JSON allows a burst of 100 a client address.
    let burst = |peer: &'static str, forwarded: &'static str| {
        let (app, auth) = (&app, auth.clone());
        async move {
            let mut last = 0;
            // 50 a second after a burst of 100: well over either in a tight loop.
            for _ in 0..1_000 {
                if last == 429 {
                    break;
                }
                last = app
                    .get_from(
                        peer,
                        "/csol-api/case-statuses/EAC0000000001",
                        &[("authorization", &auth), ("x-forwarded-for", forwarded)],
                    )
                    .await
                    .0;
            }
            last
        }
    };
    // Through the proxy: one customer uses up their burst, the next customer is served.
    assert_eq!(burst("10.0.0.5", "198.51.100.1").await, 429);
    let next = app
        .get_from(
            "10.0.0.5",
            "/csol-api/case-statuses/EAC0000000001",
            &[("authorization", &auth), ("x-forwarded-for", "198.51.100.2")],
        )
        .await;
    assert_eq!(next.0, 200, "another customer behind the proxy has their own limit");
    // A stranger who writes the header is still one address.
    assert_eq!(burst("203.0.113.9", "198.51.100.3").await, 429);
    let forged = app
        .get_from(
            "203.0.113.9",
            "/csol-api/case-statuses/EAC0000000001",
            &[("authorization", &auth), ("x-forwarded-for", "198.51.100.4")],
        )
        .await;
    assert_eq!(forged.0, 429, "a forged X-Forwarded-For does not give a new limit");
}

// R-AU-09, issue 16 point 15: /metrics answers only to the configured token or network.
#[tokio::test]
async fn metrics_answer_only_to_the_token_or_network() {
    let app = TestApp::new().await;
    let i18n = std::sync::Arc::new(cris::kernel::i18n::I18n::load().unwrap());
    let access = cris::web::metrics::Access {
        token: Some("scrape-token".into()),
        networks: cris::web::client_addr::TrustedProxies::parse("10.9.0.0/16").unwrap(),
    };
    let state = cris::web::AppState::new(app.db.clone(), app.catalog.clone(), i18n, app.clock.clone(), false)
        .with_metrics_access(access);
    let app = TestApp { router: cris::app::router(state.clone(), Duration::from_secs(30)), state, ..app };
    assert_eq!(app.get_from("10.9.3.4", "/metrics", &[]).await.0, 200);
    assert_eq!(app.get_from("127.0.0.1", "/metrics", &[]).await.0, 403, "not in the configured networks");
    assert_eq!(app.get_from("203.0.113.9", "/metrics", &[("authorization", "Bearer scrape-token")]).await.0, 200);
    let (status, h, _) = app.get_from("203.0.113.9", "/metrics", &[("authorization", "Bearer wrong")]).await;
    assert_eq!((status, h.get("content-type").unwrap().to_str().unwrap()), (403, "application/problem+json"));
}
