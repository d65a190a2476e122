//! Serving: binds the listener (HTTPS with rustls when a certificate is configured, as R-AU-09
//! requires of a deployment; plain HTTP otherwise, for a loopback demo or behind a TLS-terminating
//! proxy), and shuts down gracefully: stop accepting, let requests in flight finish.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;

/// How to listen.
#[derive(Debug, Clone)]
pub struct Listen {
    /// Address (port 0 picks a free one).
    pub addr: SocketAddr,
    /// Certificate and key, PEM.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// How long requests in flight may take to finish at shutdown.
    pub grace: Duration,
}

/// A running server.
#[derive(Debug, Clone)]
pub struct Running {
    handle: Handle,
    /// The bound address.
    pub addr: SocketAddr,
}

impl Running {
    /// Starts a graceful shutdown.
    pub fn shutdown(&self, grace: Duration) {
        self.handle.graceful_shutdown(Some(grace));
    }
}

/// Binds and serves `app` in the background; returns once the socket is listening.
pub async fn start(
    app: Router,
    listen: &Listen,
) -> anyhow::Result<(Running, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let handle = Handle::new();
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    let task = match &listen.tls {
        Some((cert, key)) => {
            crate::kernel::install_crypto_provider();
            let config = RustlsConfig::from_pem_file(cert, key)
                .await
                .map_err(|e| anyhow::anyhow!("cannot load TLS certificate or key: {e}"))?;
            let server = axum_server::bind_rustls(listen.addr, config).handle(handle.clone());
            tokio::spawn(async move { server.serve(service).await })
        }
        None => {
            let server = axum_server::bind(listen.addr).handle(handle.clone());
            tokio::spawn(async move { server.serve(service).await })
        }
    };
    let Some(addr) = handle.listening().await else {
        // The server task ended before listening: surface its error.
        let err = match task.await {
            Ok(Err(e)) => e.to_string(),
            Ok(Ok(())) => "server stopped".to_owned(),
            Err(e) => e.to_string(),
        };
        anyhow::bail!("cannot listen on {}: {err}", listen.addr);
    };
    Ok((Running { handle, addr }, task))
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}
