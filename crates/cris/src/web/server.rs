//! Serving: binds the listener (HTTPS with rustls when a certificate is configured, as R-AU-09
//! requires of a deployment; plain HTTP otherwise, for a loopback demo or behind a TLS-terminating
//! proxy), and shuts down gracefully: stop accepting, let requests in flight finish.
//!
//! Connections are bounded, so that idle or slow clients cannot take the server down: a client
//! has `header_read_timeout` to send its request headers (on every request of a kept-alive
//! connection), and the connections held at once are capped in all and per client address
//! (trusted proxies, which carry many customers, count only against the total). A connection
//! over a cap is closed at once. HTTP/1.1 only: HTTP/2 streams have no header deadline to hold a
//! silent client to.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum_server::Handle;
use axum_server::accept::Accept;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use super::client_addr::TrustedProxies;

/// Bounds on the connections the server holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnLimits {
    /// Connections held at once, in all.
    pub max_connections: usize,
    /// Connections held at once from one client address (trusted proxies excepted).
    pub max_per_address: usize,
    /// Time a client has to send a request's headers, from the connection's start or the end
    /// of its previous request.
    pub header_read_timeout: Duration,
}

impl Default for ConnLimits {
    fn default() -> Self {
        ConnLimits { max_connections: 2_048, max_per_address: 64, header_read_timeout: Duration::from_secs(10) }
    }
}

/// How to listen.
#[derive(Debug, Clone)]
pub struct Listen {
    /// Address (port 0 picks a free one).
    pub addr: SocketAddr,
    /// Certificate and key, PEM.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// How long requests in flight may take to finish at shutdown.
    pub grace: Duration,
    /// Bounds on connections.
    pub limits: ConnLimits,
    /// Proxies whose connections carry many clients (exempt from the per-address cap).
    pub trusted_proxies: TrustedProxies,
}

/// Counts the connections held, in all and per address.
#[derive(Debug)]
struct Counts {
    limits: ConnLimits,
    trusted: TrustedProxies,
    held: Mutex<(usize, HashMap<IpAddr, usize>)>,
}

/// One connection's place in the counts, given back when the connection ends.
#[derive(Debug)]
struct Slot {
    counts: Arc<Counts>,
    ip: Option<IpAddr>,
}

impl Counts {
    fn take(self: &Arc<Self>, ip: IpAddr) -> Option<Slot> {
        let per_address = !self.trusted.contains(ip);
        let mut held = self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if held.0 >= self.limits.max_connections {
            return None;
        }
        if per_address {
            let n = held.1.entry(ip).or_insert(0);
            if *n >= self.limits.max_per_address {
                return None;
            }
            *n += 1;
        }
        held.0 += 1;
        Some(Slot { counts: self.clone(), ip: per_address.then_some(ip) })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut held = self.counts.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        held.0 = held.0.saturating_sub(1);
        if let Some(ip) = self.ip
            && let Some(n) = held.1.get_mut(&ip)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                held.1.remove(&ip);
            }
        }
    }
}

/// The acceptor that applies the caps (under TLS when configured).
#[derive(Debug, Clone)]
struct Limited {
    counts: Arc<Counts>,
}

/// A connection holding its slot.
#[derive(Debug)]
pub struct Counted {
    inner: TcpStream,
    _slot: Slot,
}

impl<S: Send + 'static> Accept<TcpStream, S> for Limited {
    type Stream = Counted;
    type Service = S;
    type Future = Pin<Box<dyn Future<Output = io::Result<(Counted, S)>> + Send>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let slot = stream.peer_addr().ok().and_then(|peer| self.counts.take(peer.ip()));
        Box::pin(async move {
            match slot {
                Some(slot) => Ok((Counted { inner: stream, _slot: slot }, service)),
                // Dropping the stream closes the connection.
                None => Err(io::Error::other("connection limit reached")),
            }
        })
    }
}

impl AsyncRead for Counted {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Holds a new connection to the header deadline until its first bytes show an HTTP/1 request
/// (hyper's own deadline starts only once the version is known, so a client that sends nothing
/// would otherwise wait forever), and refuses HTTP/2. Runs the TLS handshake inside the deadline.
#[derive(Debug, Clone)]
struct FirstBytes<A> {
    inner: A,
    timeout: Duration,
}

/// The HTTP/2 connection preface.
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

impl<A, S> Accept<TcpStream, S> for FirstBytes<A>
where
    A: Accept<TcpStream, S> + Clone + Send + Sync + 'static,
    A::Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    A::Service: Send + 'static,
    A::Future: Send + 'static,
    S: Send + 'static,
{
    type Stream = Prefixed<A::Stream>;
    type Service = A::Service;
    type Future = Pin<Box<dyn Future<Output = io::Result<(Prefixed<A::Stream>, A::Service)>> + Send>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let (inner, timeout) = (self.inner.clone(), self.timeout);
        Box::pin(async move {
            let first = async move {
                let (mut s, service) = inner.accept(stream, service).await?;
                let mut seen = Vec::with_capacity(H2_PREFACE.len());
                while H2_PREFACE.starts_with(&seen) {
                    if seen.len() == H2_PREFACE.len() {
                        return Err(io::Error::other("HTTP/2 is not served"));
                    }
                    let mut chunk = [0_u8; 24];
                    let want = H2_PREFACE.len() - seen.len();
                    let n = tokio::io::AsyncReadExt::read(&mut s, chunk.get_mut(..want).unwrap_or_default()).await?;
                    if n == 0 {
                        return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
                    }
                    seen.extend_from_slice(chunk.get(..n).unwrap_or_default());
                }
                Ok((Prefixed { seen, at: 0, inner: s }, service))
            };
            tokio::time::timeout(timeout, first).await.map_err(|_| io::Error::from(io::ErrorKind::TimedOut))?
        })
    }
}

/// A stream whose first bytes were read to learn the protocol, and are given back first.
#[derive(Debug)]
pub struct Prefixed<T> {
    seen: Vec<u8>,
    at: usize,
    inner: T,
}

impl<T: AsyncRead + Unpin> AsyncRead for Prefixed<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some(rest) = this.seen.get(this.at..).filter(|r| !r.is_empty()) {
            let n = rest.len().min(buf.remaining());
            buf.put_slice(rest.get(..n).unwrap_or_default());
            this.at += n;
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Prefixed<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// The header deadline on every request of a connection.
fn configure(builder: &mut hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>, limits: ConnLimits) {
    builder.http1().timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
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
    let limited = Limited {
        counts: Arc::new(Counts {
            limits: listen.limits,
            trusted: listen.trusted_proxies.clone(),
            held: Mutex::default(),
        }),
    };
    let task = match &listen.tls {
        Some((cert, key)) => {
            crate::kernel::install_crypto_provider();
            let config = RustlsConfig::from_pem_file(cert, key)
                .await
                .map_err(|e| anyhow::anyhow!("cannot load TLS certificate or key: {e}"))?;
            // HTTP/1.1 only, so offer only it.
            let mut tls = (*config.get_inner()).clone();
            tls.alpn_protocols = vec![b"http/1.1".to_vec()];
            let config = RustlsConfig::from_config(Arc::new(tls));
            let acceptor = FirstBytes {
                inner: RustlsAcceptor::new(config).acceptor(limited),
                timeout: listen.limits.header_read_timeout,
            };
            let mut server = axum_server::bind(listen.addr).acceptor(acceptor).handle(handle.clone());
            configure(server.http_builder(), listen.limits);
            tokio::spawn(async move { server.serve(service).await })
        }
        None => {
            let acceptor = FirstBytes { inner: limited, timeout: listen.limits.header_read_timeout };
            let mut server = axum_server::bind(listen.addr).acceptor(acceptor).handle(handle.clone());
            configure(server.http_builder(), listen.limits);
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
