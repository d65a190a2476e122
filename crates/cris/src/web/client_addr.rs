//! The client's address. Behind a TLS-terminating proxy every connection comes from the proxy,
//! so per-address limits and the audit trail would see one client; the proxy names the real one
//! in `X-Forwarded-For`. That header is believed only on a connection from a proxy the operator
//! declared (`trusted_proxies`): anyone else could write any address into it.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request};
use axum::http::request::Parts;
use ipnet::IpNet;

use super::AppState;

/// The proxies whose `X-Forwarded-For` is believed: addresses or networks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Reads a comma-separated list of addresses (`10.0.0.5`) and networks (`10.0.0.0/24`).
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let net = match item.parse::<IpNet>() {
                Ok(net) => net,
                Err(_) => item
                    .parse::<IpAddr>()
                    .map(IpNet::from)
                    .map_err(|_| format!("{item:?} is not an IP address or network"))?,
            };
            nets.push(net);
        }
        Ok(TrustedProxies(nets))
    }

    /// Whether none is declared.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `ip` is one of the proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client behind a connection from `peer` that sent `forwarded_for`: the peer itself
    /// unless it is a trusted proxy; then the nearest address in the header, from the right, that
    /// is not a trusted proxy (proxies append the address they received from). An entry that is
    /// not an address stops the walk at the last trusted hop, which is then the client.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let mut client = canonical(peer);
        if !self.contains(client) {
            return client;
        }
        let hops = forwarded_for.iter().flat_map(|h| h.split(',')).map(str::trim).filter(|s| !s.is_empty());
        for hop in hops.collect::<Vec<_>>().into_iter().rev() {
            let Some(ip) = parse_hop(hop) else { break };
            client = ip;
            if !self.contains(ip) {
                break;
            }
        }
        client
    }
}

/// An IPv4 address seen through an IPv6 socket is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1` or `[2001:db8::1]:443`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    hop.parse::<SocketAddr>().ok().map(|s| canonical(s.ip()))
}

/// The client address of a request, found once by [`resolve`] (in the shell's layer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Finds the request's client address (see [`TrustedProxies::client`]) and keeps it in the
/// request's extensions for limits, sessions and the audit trail.
pub fn resolve(state: &AppState, req: &mut Request) {
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let forwarded: Vec<&str> =
            req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        let client = state.trusted_proxies().client(peer.ip(), &forwarded);
        req.extensions_mut().insert(ClientAddr(client));
    }
}

/// The client's address, when the request came over a connection.
pub fn client_addr(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ClientAddr>()
        .map(|c| c.0)
        .or_else(|| parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| canonical(c.0.ip())))
}

/// The client's address as text (`unknown` for a request that came in without a connection,
/// as in the in-process tests).
pub fn client_ip(parts: &Parts) -> String {
    client_addr(parts).map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    // Issue 16, point 14: forwarded addresses are read only from the declared proxies.
    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let trusted = TrustedProxies::parse("10.0.0.0/24, 192.0.2.7").unwrap_or_default();
        // From a stranger, the header is ignored.
        assert_eq!(trusted.client(ip("203.0.113.9"), &["198.51.100.1"]), ip("203.0.113.9"));
        // From the proxy, the client it names.
        assert_eq!(trusted.client(ip("10.0.0.5"), &["198.51.100.1"]), ip("198.51.100.1"));
        // A client that forged an entry before the proxy's own: the proxy's entry wins.
        assert_eq!(trusted.client(ip("10.0.0.5"), &["1.1.1.1, 198.51.100.1"]), ip("198.51.100.1"));
        // Two proxies in a row, and headers split over several lines.
        assert_eq!(trusted.client(ip("10.0.0.5"), &["198.51.100.1", "192.0.2.7"]), ip("198.51.100.1"));
        // Nothing forwarded, or nonsense: the proxy itself.
        assert_eq!(trusted.client(ip("10.0.0.5"), &[]), ip("10.0.0.5"));
        assert_eq!(trusted.client(ip("10.0.0.5"), &["not-an-address"]), ip("10.0.0.5"));
        assert_eq!(trusted.client(ip("10.0.0.5"), &["[2001:db8::1]:443"]), ip("2001:db8::1"));
        assert_eq!(trusted.client(ip("::ffff:10.0.0.5"), &["198.51.100.2:5000"]), ip("198.51.100.2"));
        // No proxy declared: never read.
        assert_eq!(TrustedProxies::default().client(ip("10.0.0.5"), &["198.51.100.1"]), ip("10.0.0.5"));
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err() && TrustedProxies::parse("proxy").is_err());
    }
}
