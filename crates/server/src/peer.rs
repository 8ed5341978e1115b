//! Who is at the other end: the client's address, as the listener saw it or, behind a trusted reverse
//! proxy, as the proxy reported it in `X-Forwarded-For`.
//!
//! Only a proxy listed in `trusted_proxies` is believed: any client can send `X-Forwarded-For`, so
//! reading it from anyone else would let a client choose the address it is rate-limited under.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;

/// An address or a network (`10.0.0.0/8`, `::1`, `fd00::/8`), as `trusted_proxies` lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(&n.octets(), &a.octets(), self.prefix),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(&n.octets(), &a.octets(), self.prefix),
            _ => false,
        }
    }
}

impl FromStr for Network {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not an address or network (e.g. 127.0.0.1, 10.0.0.0/8, fd00::/8)");
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let addr = canonical(addr.parse::<IpAddr>().map_err(|_| bad())?);
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Network { addr, prefix })
    }
}

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// Whether the first `prefix` bits of `a` and `b` agree.
fn prefix_eq(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let (bytes, bits) = ((prefix / 8) as usize, prefix % 8);
    if a[..bytes] != b[..bytes] {
        return false;
    }
    bits == 0 || {
        let mask = 0xffu8 << (8 - bits);
        a[bytes] & mask == b[bytes] & mask
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`, what a dual-stack listener reports) as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The client's address: the peer's, unless the peer is a trusted proxy; then the right-most address of
/// `X-Forwarded-For` that is not a trusted proxy (each proxy appends the address it received from, so the
/// entries left of the first untrusted one could have been written by the client). When every entry is
/// trusted, the left-most; when an entry is not an address, the trusted one right of it. `None` without a
/// peer (requests driven in-process).
pub fn client_addr(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[Network]) -> Option<IpAddr> {
    let mut client = canonical(peer?);
    if !is_trusted(client, trusted) {
        return Some(client);
    }
    let hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("").split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in hops.into_iter().rev().filter(|h| !h.is_empty()) {
        let Some(ip) = parse_hop(hop) else { break };
        client = canonical(ip);
        if !is_trusted(client, trusted) {
            break;
        }
    }
    Some(client)
}

fn is_trusted(ip: IpAddr, trusted: &[Network]) -> bool {
    trusted.iter().any(|n| n.contains(ip))
}

/// One `X-Forwarded-For` entry: an address, or an address with a port (`1.2.3.4:5678`, `[::1]:80`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// The client of a request: [`client_addr`] of its peer and headers.
pub fn client_of(parts: &axum::http::request::Parts, trusted: &[Network]) -> Option<IpAddr> {
    client_addr(peer_addr(&parts.extensions), &parts.headers, trusted)
}

/// The peer's address as the listener saw it (absent for in-process requests).
pub fn peer_addr(ext: &axum::http::Extensions) -> Option<IpAddr> {
    ext.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}

/// The key a client is counted under: its address, an IPv6 client by its /64 (one subscriber's
/// allocation, which a client can rotate within at will). "local" for in-process requests.
pub fn client_key(client: Option<IpAddr>) -> String {
    match client {
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(ip) => ip.to_string(),
        None => "local".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &[&str]) -> Vec<Network> {
        list.iter().map(|n| n.parse().expect("network")).collect()
    }

    fn client(peer: &str, xff: &[&str], trusted: &[&str]) -> String {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().expect("header"));
        }
        client_addr(Some(peer.parse().expect("ip")), &h, &nets(trusted))
            .map(|ip| ip.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn networks_parse_and_match() {
        let n: Network = "10.1.0.0/16".parse().expect("net");
        assert!(n.contains("10.1.200.3".parse().expect("ip")));
        assert!(!n.contains("10.2.0.1".parse().expect("ip")));
        assert!(
            n.contains("::ffff:10.1.0.9".parse().expect("ip")),
            "IPv4-mapped is IPv4"
        );
        let one: Network = "127.0.0.1".parse().expect("net");
        assert!(one.contains("127.0.0.1".parse().expect("ip")));
        assert!(!one.contains("127.0.0.2".parse().expect("ip")));
        let v6: Network = "fd00::/8".parse().expect("net");
        assert!(v6.contains("fd12::1".parse().expect("ip")));
        assert!(!v6.contains("fe80::1".parse().expect("ip")));
        let odd: Network = "192.168.1.128/25".parse().expect("net");
        assert!(odd.contains("192.168.1.200".parse().expect("ip")));
        assert!(!odd.contains("192.168.1.100".parse().expect("ip")));
        for bad in ["", "10.0.0.0/33", "::/129", "example.org", "10.0.0.0/x", "1.2.3"] {
            assert!(bad.parse::<Network>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        // No trusted proxies: the header is the client's word and is ignored.
        assert_eq!(client("203.0.113.9", &["198.51.100.1"], &[]), "203.0.113.9");
        // An untrusted peer is the client whatever it sends.
        assert_eq!(client("203.0.113.9", &["198.51.100.1"], &["127.0.0.1"]), "203.0.113.9");
        // A trusted proxy: the right-most untrusted entry, not what the client put in front.
        assert_eq!(
            client("127.0.0.1", &["6.6.6.6, 198.51.100.1"], &["127.0.0.1"]),
            "198.51.100.1"
        );
        assert_eq!(
            client(
                "127.0.0.1",
                &["6.6.6.6", "198.51.100.1, 10.0.0.2"],
                &["127.0.0.1", "10.0.0.0/8"]
            ),
            "198.51.100.1",
            "two proxies, two header lines"
        );
        // Every hop trusted: the left-most; no header: the proxy itself.
        assert_eq!(
            client("127.0.0.1", &["10.0.0.3, 10.0.0.2"], &["127.0.0.1", "10.0.0.0/8"]),
            "10.0.0.3"
        );
        assert_eq!(client("127.0.0.1", &[], &["127.0.0.1"]), "127.0.0.1");
        // Garbage stops the walk at the last trusted hop; ports are dropped.
        assert_eq!(
            client("127.0.0.1", &["nonsense, 10.0.0.2"], &["127.0.0.1", "10.0.0.0/8"]),
            "10.0.0.2"
        );
        assert_eq!(
            client("127.0.0.1", &["198.51.100.1:4711"], &["127.0.0.1"]),
            "198.51.100.1"
        );
        assert_eq!(
            client("127.0.0.1", &["[2001:db8::1]:80"], &["127.0.0.1"]),
            "2001:db8::1"
        );
    }

    #[test]
    fn ipv6_clients_count_by_their_64() {
        let a = client_key(Some("2001:db8:1:2:aaaa::1".parse().expect("ip")));
        let b = client_key(Some("2001:db8:1:2:bbbb::9".parse().expect("ip")));
        assert_eq!(a, b);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(client_key(Some("192.0.2.1".parse().expect("ip"))), "192.0.2.1");
        assert_eq!(client_key(None), "local");
    }
}
