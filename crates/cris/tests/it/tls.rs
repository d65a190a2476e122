//! R-AU-09: with a certificate configured, CRIS serves HTTPS (rustls) and tells browsers to keep
//! to it (HSTS).

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use cris::kernel::clock::Clock;
use cris::kernel::i18n::I18n;
use cris::web::{self, AppState};

use crate::support::TestApp;

#[tokio::test]
async fn https_with_a_configured_certificate() {
    let app = TestApp::new().await;
    let dir = std::env::temp_dir().join(format!("cris-tls-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));

    let state =
        AppState::new(app.db.clone(), app.catalog.clone(), Arc::new(I18n::load().unwrap()), Clock::System, true);
    let listen = web::server::Listen {
        addr: "127.0.0.1:0".parse().unwrap(),
        tls: Some((cert.clone(), key.clone())),
        grace: Duration::from_secs(1),
        limits: Default::default(),
        trusted_proxies: Default::default(),
    };
    let (running, _task) = web::server::start(cris::app::router(state, Duration::from_secs(5)), &listen).await.unwrap();
    let url = format!("https://localhost:{}/?lang=es", running.addr.port());
    let out = tokio::task::spawn_blocking(move || {
        Command::new("curl")
            .args(["-s", "-D", "-", "-o", "/dev/null", "--cacert"])
            .arg(&cert)
            .args(["--resolve", &format!("localhost:{}:127.0.0.1", running.addr.port()), &url])
            .output()
            .expect("curl")
    })
    .await
    .unwrap();
    let headers = String::from_utf8_lossy(&out.stdout).to_lowercase();
    assert!(headers.starts_with("http/"), "{headers} {}", String::from_utf8_lossy(&out.stderr));
    assert!(headers.contains(" 200"), "{headers}");
    assert!(headers.contains("strict-transport-security: max-age=63072000"), "{headers}");
    assert!(headers.contains("set-cookie: cris_lang=es;") && headers.contains("; secure"), "{headers}");

    // A missing certificate file is a start-up error, not a panic.
    let bad = web::server::Listen { tls: Some((dir.join("none.pem"), key)), ..listen };
    let app2 = TestApp::new().await;
    let err = web::server::start(app2.router.clone(), &bad).await.unwrap_err();
    assert!(err.to_string().contains("TLS"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}
