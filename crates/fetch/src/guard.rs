//! The SSRF guard: which addresses, ports and URLs the fetcher refuses, as pure functions.
//!
//! `refusal` classifies one IP address. It refuses everything that is not a globally routable unicast address,
//! and looks inside the IPv6 forms that carry an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4), so
//! `::ffff:10.0.0.1` is refused as the private address it is. IPv6 outside `2000::/3` is refused by default
//! (default deny), so an unlisted special range cannot slip through.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

/// Why an address is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// `0.0.0.0`, `::`.
    Unspecified,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// RFC 1918: `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`.
    Private,
    /// Carrier-grade NAT, RFC 6598: `100.64.0.0/10`.
    SharedAddressSpace,
    /// `169.254.0.0/16`, `fe80::/10`.
    LinkLocal,
    /// A cloud provider's instance metadata or platform service (`169.254.169.254`, `fd00:ec2::254`, …).
    CloudMetadata,
    /// `224.0.0.0/4`, `ff00::/8`.
    Multicast,
    /// `255.255.255.255`.
    Broadcast,
    /// `192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24`, `2001:db8::/32`, `3fff::/20`.
    Documentation,
    /// `198.18.0.0/15`, `2001:2::/48`.
    Benchmarking,
    /// Unique local addresses, `fc00::/7`.
    UniqueLocal,
    /// Deprecated site-local addresses, `fec0::/10`.
    SiteLocal,
    /// Teredo tunnels, `2001::/32`.
    Teredo,
    /// Any other special-purpose or unallocated range (`0.0.0.0/8`, `240.0.0.0/4`, `192.0.0.0/24`, IPv6 outside
    /// `2000::/3`, …).
    Reserved,
}

impl Reason {
    fn describe(self) -> &'static str {
        match self {
            Reason::Unspecified => "an unspecified address",
            Reason::Loopback => "a loopback address",
            Reason::Private => "a private address",
            Reason::SharedAddressSpace => "a carrier-grade NAT address",
            Reason::LinkLocal => "a link-local address",
            Reason::CloudMetadata => "a cloud metadata address",
            Reason::Multicast => "a multicast address",
            Reason::Broadcast => "the broadcast address",
            Reason::Documentation => "a documentation address",
            Reason::Benchmarking => "a benchmarking address",
            Reason::UniqueLocal => "a unique-local address",
            Reason::SiteLocal => "a site-local address",
            Reason::Teredo => "a Teredo tunnel address",
            Reason::Reserved => "a reserved address",
        }
    }
}

/// How an IPv6 address carries an IPv4 one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Embedding {
    /// `::ffff:a.b.c.d`.
    Mapped,
    /// `::a.b.c.d` (deprecated; always refused).
    Compatible,
    /// The well-known NAT64 prefix `64:ff9b::/96`.
    Nat64,
    /// The local-use NAT64 prefix `64:ff9b:1::/48` (always refused; the IPv4 address is read from the last 32 bits).
    LocalNat64,
    /// 6to4, `2002:AABB:CCDD::/48`.
    SixToFour,
}

impl fmt::Display for Embedding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Embedding::Mapped => "IPv4-mapped",
            Embedding::Compatible => "IPv4-compatible",
            Embedding::Nat64 => "NAT64",
            Embedding::LocalNat64 => "local-use NAT64",
            Embedding::SixToFour => "6to4",
        })
    }
}

/// Why the guard refuses an address: the reason, and the IPv4 address it was found in when an IPv6 address
/// carries one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Refusal {
    pub reason: Reason,
    pub embedded: Option<(Embedding, Ipv4Addr)>,
}

impl Refusal {
    fn plain(reason: Reason) -> Self {
        Refusal { reason, embedded: None }
    }
}

impl fmt::Display for Refusal {
    /// "a private address", "a loopback address (IPv4-mapped 127.0.0.1)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason.describe())?;
        if let Some((form, v4)) = self.embedded {
            write!(f, " ({form} {v4})")?;
        }
        Ok(())
    }
}

/// Why `ip` must not be fetched from, or `None` for a globally routable unicast address.
pub fn refusal(ip: IpAddr) -> Option<Refusal> {
    match ip {
        IpAddr::V4(v4) => refusal_v4(v4).map(Refusal::plain),
        IpAddr::V6(v6) => refusal_v6(v6),
    }
}

/// `(network, prefix length, reason)`; the first match wins, so the single metadata addresses come first.
const V4_TABLE: &[([u8; 4], u8, Reason)] = &[
    ([169, 254, 169, 254], 32, Reason::CloudMetadata), // AWS, GCP, Azure, OpenStack, DigitalOcean, …
    ([169, 254, 169, 253], 32, Reason::CloudMetadata), // AWS DNS
    ([169, 254, 169, 123], 32, Reason::CloudMetadata), // AWS time sync
    ([169, 254, 170, 2], 32, Reason::CloudMetadata),   // AWS ECS task metadata
    ([169, 254, 170, 23], 32, Reason::CloudMetadata),  // AWS EKS pod identity
    ([100, 100, 100, 200], 32, Reason::CloudMetadata), // Alibaba Cloud
    ([192, 0, 0, 192], 32, Reason::CloudMetadata),     // Oracle Cloud
    ([168, 63, 129, 16], 32, Reason::CloudMetadata),   // Azure WireServer (a public address)
    ([0, 0, 0, 0], 32, Reason::Unspecified),
    ([0, 0, 0, 0], 8, Reason::Reserved), // "this network"
    ([10, 0, 0, 0], 8, Reason::Private),
    ([100, 64, 0, 0], 10, Reason::SharedAddressSpace),
    ([127, 0, 0, 0], 8, Reason::Loopback),
    ([169, 254, 0, 0], 16, Reason::LinkLocal),
    ([172, 16, 0, 0], 12, Reason::Private),
    ([192, 0, 0, 0], 24, Reason::Reserved), // IETF protocol assignments
    ([192, 0, 2, 0], 24, Reason::Documentation),
    ([192, 88, 99, 0], 24, Reason::Reserved), // deprecated 6to4 relay anycast
    ([192, 168, 0, 0], 16, Reason::Private),
    ([198, 18, 0, 0], 15, Reason::Benchmarking),
    ([198, 51, 100, 0], 24, Reason::Documentation),
    ([203, 0, 113, 0], 24, Reason::Documentation),
    ([224, 0, 0, 0], 4, Reason::Multicast),
    ([255, 255, 255, 255], 32, Reason::Broadcast),
    ([240, 0, 0, 0], 4, Reason::Reserved),
];

fn refusal_v4(ip: Ipv4Addr) -> Option<Reason> {
    let n = u32::from(ip);
    V4_TABLE
        .iter()
        .find(|(net, len, _)| in_v4(n, u32::from_be_bytes(*net), *len))
        .map(|&(_, _, reason)| reason)
}

fn in_v4(n: u32, net: u32, len: u8) -> bool {
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - u32::from(len)) };
    n & mask == net & mask
}

fn in_v6(n: u128, net: u128, len: u8) -> bool {
    let mask = if len == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(len))
    };
    n & mask == net & mask
}

const fn v6(segments: [u16; 8]) -> u128 {
    let mut n = 0u128;
    let mut i = 0;
    while i < 8 {
        n = (n << 16) | segments[i] as u128;
        i += 1;
    }
    n
}

/// Plain IPv6 ranges, checked after the IPv4-carrying forms; the first match wins.
const V6_TABLE: &[(u128, u8, Reason)] = &[
    (v6([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254]), 128, Reason::CloudMetadata), // AWS IMDS over IPv6
    (v6([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x253]), 128, Reason::CloudMetadata), // AWS DNS
    (v6([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x123]), 128, Reason::CloudMetadata), // AWS time sync
    (v6([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23]), 128, Reason::CloudMetadata),  // AWS EKS pod identity
    (v6([0, 0, 0, 0, 0, 0, 0, 0]), 128, Reason::Unspecified),
    (v6([0, 0, 0, 0, 0, 0, 0, 1]), 128, Reason::Loopback),
    (v6([0x100, 0, 0, 0, 0, 0, 0, 0]), 64, Reason::Reserved), // discard-only
    (v6([0x2001, 0, 0, 0, 0, 0, 0, 0]), 32, Reason::Teredo),
    (v6([0x2001, 2, 0, 0, 0, 0, 0, 0]), 48, Reason::Benchmarking),
    (v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]), 32, Reason::Documentation),
    (v6([0x3fff, 0, 0, 0, 0, 0, 0, 0]), 20, Reason::Documentation),
    (v6([0x5f00, 0, 0, 0, 0, 0, 0, 0]), 16, Reason::Reserved), // SRv6 segment identifiers
    (v6([0xfc00, 0, 0, 0, 0, 0, 0, 0]), 7, Reason::UniqueLocal),
    (v6([0xfe80, 0, 0, 0, 0, 0, 0, 0]), 10, Reason::LinkLocal),
    (v6([0xfec0, 0, 0, 0, 0, 0, 0, 0]), 10, Reason::SiteLocal),
    (v6([0xff00, 0, 0, 0, 0, 0, 0, 0]), 8, Reason::Multicast),
];

/// The globally reachable parts of the IETF protocol assignments block `2001::/23` (IANA's special-purpose
/// registry); the rest of it is refused as reserved.
const V6_IETF_GLOBAL: &[(u128, u8)] = &[
    (v6([0x2001, 1, 0, 0, 0, 0, 0, 1]), 128),    // PCP anycast
    (v6([0x2001, 1, 0, 0, 0, 0, 0, 2]), 128),    // TURN anycast
    (v6([0x2001, 1, 0, 0, 0, 0, 0, 3]), 128),    // DNS-SD SRP anycast
    (v6([0x2001, 3, 0, 0, 0, 0, 0, 0]), 32),     // AMT
    (v6([0x2001, 4, 0x112, 0, 0, 0, 0, 0]), 48), // AS112-v6
    (v6([0x2001, 0x20, 0, 0, 0, 0, 0, 0]), 28),  // ORCHIDv2
    (v6([0x2001, 0x30, 0, 0, 0, 0, 0, 0]), 28),  // drone remote ID
];

fn refusal_v6(ip: Ipv6Addr) -> Option<Refusal> {
    let n = u128::from(ip);
    let low32 = Ipv4Addr::from((n & 0xffff_ffff) as u32);
    // Forms that carry an IPv4 address: the IPv4 rules decide.
    let carried = |form: Embedding, v4: Ipv4Addr| {
        refusal_v4(v4).map(|reason| Refusal {
            reason,
            embedded: Some((form, v4)),
        })
    };
    if in_v6(n, v6([0, 0, 0, 0, 0, 0xffff, 0, 0]), 96) {
        return carried(Embedding::Mapped, low32);
    }
    if in_v6(n, v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0]), 96) {
        return carried(Embedding::Nat64, low32);
    }
    if in_v6(n, v6([0x2002, 0, 0, 0, 0, 0, 0, 0]), 16) {
        return carried(Embedding::SixToFour, Ipv4Addr::from(((n >> 80) & 0xffff_ffff) as u32));
    }
    // Always refused, but say so in terms of the IPv4 address when that is itself refused.
    if in_v6(n, v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0]), 48) {
        return Some(carried(Embedding::LocalNat64, low32).unwrap_or(Refusal {
            reason: Reason::Reserved,
            embedded: Some((Embedding::LocalNat64, low32)),
        }));
    }
    if n > 1 && in_v6(n, 0, 96) {
        return Some(carried(Embedding::Compatible, low32).unwrap_or(Refusal {
            reason: Reason::Reserved,
            embedded: Some((Embedding::Compatible, low32)),
        }));
    }
    if let Some(&(_, _, reason)) = V6_TABLE.iter().find(|(net, len, _)| in_v6(n, *net, *len)) {
        return Some(Refusal::plain(reason));
    }
    if in_v6(n, v6([0x2001, 0, 0, 0, 0, 0, 0, 0]), 23) && !V6_IETF_GLOBAL.iter().any(|(net, len)| in_v6(n, *net, *len))
    {
        return Some(Refusal::plain(Reason::Reserved));
    }
    // Global unicast is 2000::/3; everything else is unallocated or special.
    if !in_v6(n, v6([0x2000, 0, 0, 0, 0, 0, 0, 0]), 3) {
        return Some(Refusal::plain(Reason::Reserved));
    }
    None
}

/// Ports that belong to other protocols (the WHATWG Fetch standard's "bad ports", plus 0): a URL on one of them
/// is refused, since a crafted request to a mail or chat server is an attack, not a feed.
const BAD_PORTS: &[u16] = &[
    0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109,
    110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531,
    532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060,
    5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
];

/// Whether the guard refuses `port` (one that belongs to another protocol).
pub fn is_bad_port(port: u16) -> bool {
    BAD_PORTS.binary_search(&port).is_ok()
}

/// One entry of the allow list: a network in CIDR form, optionally with a port. An address it matches is exempt
/// from the guard (address and port checks).
///
/// Syntax: `127.0.0.1`, `127.0.0.1/32`, `127.0.0.1:8091`, `10.0.0.0/8:8080`; IPv6 in brackets when a port
/// follows: `::1`, `fd00::/8`, `[::1]:8091`, `[fd00::/8]:443`. A missing prefix length means one address; host
/// bits past the prefix are cleared. Rules match the address family as written: `127.0.0.1/32` does not cover
/// `::ffff:127.0.0.1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AllowRule {
    net: IpAddr,
    prefix: u8,
    port: Option<u16>,
}

impl AllowRule {
    /// A rule for `net/prefix`, any port or one port. Host bits past the prefix are cleared; `None` for a prefix
    /// longer than the address.
    pub fn new(net: IpAddr, prefix: u8, port: Option<u16>) -> Option<Self> {
        let net = match net {
            IpAddr::V4(a) if prefix <= 32 => {
                let mask = if prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - u32::from(prefix))
                };
                IpAddr::V4(Ipv4Addr::from(u32::from(a) & mask))
            }
            IpAddr::V6(a) if prefix <= 128 => {
                let mask = if prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - u32::from(prefix))
                };
                IpAddr::V6(Ipv6Addr::from(u128::from(a) & mask))
            }
            _ => return None,
        };
        Some(AllowRule { net, prefix, port })
    }

    /// Whether the rule covers a connection to `addr`.
    /// The one port the rule allows, if it names one.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    pub fn matches(&self, addr: SocketAddr) -> bool {
        if self.port.is_some_and(|p| p != addr.port()) {
            return false;
        }
        match (self.net, addr.ip()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => in_v4(u32::from(ip), u32::from(net), self.prefix),
            (IpAddr::V6(net), IpAddr::V6(ip)) => in_v6(u128::from(ip), u128::from(net), self.prefix),
            _ => false,
        }
    }
}

impl fmt::Display for AllowRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.net, self.port) {
            (IpAddr::V4(a), None) => write!(f, "{a}/{}", self.prefix),
            (IpAddr::V4(a), Some(p)) => write!(f, "{a}/{}:{p}", self.prefix),
            (IpAddr::V6(a), None) => write!(f, "{a}/{}", self.prefix),
            (IpAddr::V6(a), Some(p)) => write!(f, "[{a}/{}]:{p}", self.prefix),
        }
    }
}

/// An allow rule that does not parse; the message names the expected forms.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not an allow rule: {input:?} (expected a network like 127.0.0.1/32, 127.0.0.1:8091 or [::1]:8091)")]
pub struct AllowRuleError {
    pub input: String,
}

impl FromStr for AllowRule {
    type Err = AllowRuleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || AllowRuleError { input: s.to_owned() };
        let t = s.trim();
        let (net, port) = if let Some(rest) = t.strip_prefix('[') {
            let (inner, after) = rest.split_once(']').ok_or_else(err)?;
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':').ok_or_else(err)?.parse::<u16>().map_err(|_| err())?),
            };
            (inner, port)
        } else if t.matches(':').count() == 1 {
            // IPv4 with a port (IPv6 has at least two colons).
            let (net, p) = t.split_once(':').ok_or_else(err)?;
            (net, Some(p.parse::<u16>().map_err(|_| err())?))
        } else {
            (t, None)
        };
        let (addr, prefix) = match net.split_once('/') {
            Some((a, len)) => (
                a.parse::<IpAddr>().map_err(|_| err())?,
                Some(len.parse::<u8>().map_err(|_| err())?),
            ),
            None => (net.parse::<IpAddr>().map_err(|_| err())?, None),
        };
        let prefix = prefix.unwrap_or(if addr.is_ipv4() { 32 } else { 128 });
        AllowRule::new(addr, prefix, port).ok_or_else(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_ports_are_sorted_for_the_binary_search() {
        assert!(BAD_PORTS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn v6_const_builds_the_address() {
        assert_eq!(
            v6([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254]),
            u128::from("fd00:ec2::254".parse::<Ipv6Addr>().unwrap())
        );
    }
}
