//! The address classifier, the port list and the allow-rule syntax: pure, tested as tables and as properties
//! over pseudo-random addresses (a fixed-seed generator, so a failure reproduces).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use livebrief_fetch::{AllowRule, Embedding, Reason, is_bad_port, refusal};

use crate::support::{rule, sa};

fn reason(ip: &str) -> Option<Reason> {
    refusal(ip.parse().expect("address")).map(|r| r.reason)
}

#[test]
fn ipv4_table() {
    use Reason::*;
    let table: &[(&str, Option<Reason>)] = &[
        ("0.0.0.0", Some(Unspecified)),
        ("0.1.2.3", Some(Reserved)),
        ("0.255.255.255", Some(Reserved)),
        ("1.0.0.0", None),
        ("1.1.1.1", None),
        ("8.8.8.8", None),
        ("9.255.255.255", None),
        ("10.0.0.0", Some(Private)),
        ("10.0.0.5", Some(Private)),
        ("10.255.255.255", Some(Private)),
        ("11.0.0.0", None),
        ("93.184.216.34", None),
        ("100.63.255.255", None),
        ("100.64.0.0", Some(SharedAddressSpace)),
        ("100.100.100.200", Some(CloudMetadata)),
        ("100.127.255.255", Some(SharedAddressSpace)),
        ("100.128.0.0", None),
        ("126.255.255.255", None),
        ("127.0.0.0", Some(Loopback)),
        ("127.0.0.1", Some(Loopback)),
        ("127.255.255.254", Some(Loopback)),
        ("128.0.0.0", None),
        ("168.63.129.16", Some(CloudMetadata)),
        ("168.63.129.17", None),
        ("169.253.255.255", None),
        ("169.254.0.0", Some(LinkLocal)),
        ("169.254.169.254", Some(CloudMetadata)),
        ("169.254.169.253", Some(CloudMetadata)),
        ("169.254.170.2", Some(CloudMetadata)),
        ("169.254.169.255", Some(LinkLocal)),
        ("169.254.255.255", Some(LinkLocal)),
        ("169.255.0.0", None),
        ("172.15.255.255", None),
        ("172.16.0.0", Some(Private)),
        ("172.31.255.255", Some(Private)),
        ("172.32.0.0", None),
        ("191.255.255.255", None),
        ("192.0.0.0", Some(Reserved)),
        ("192.0.0.192", Some(CloudMetadata)),
        ("192.0.0.255", Some(Reserved)),
        ("192.0.1.0", None),
        ("192.0.2.0", Some(Documentation)),
        ("192.0.2.255", Some(Documentation)),
        ("192.0.3.0", None),
        ("192.88.98.255", None),
        ("192.88.99.1", Some(Reserved)),
        ("192.88.100.0", None),
        ("192.167.255.255", None),
        ("192.168.0.0", Some(Private)),
        ("192.168.1.1", Some(Private)),
        ("192.168.255.255", Some(Private)),
        ("192.169.0.0", None),
        ("198.17.255.255", None),
        ("198.18.0.0", Some(Benchmarking)),
        ("198.19.255.255", Some(Benchmarking)),
        ("198.20.0.0", None),
        ("198.51.99.255", None),
        ("198.51.100.0", Some(Documentation)),
        ("198.51.100.255", Some(Documentation)),
        ("198.51.101.0", None),
        ("203.0.112.255", None),
        ("203.0.113.7", Some(Documentation)),
        ("203.0.114.0", None),
        ("223.255.255.255", None),
        ("224.0.0.0", Some(Multicast)),
        ("224.0.0.251", Some(Multicast)),
        ("239.255.255.255", Some(Multicast)),
        ("240.0.0.0", Some(Reserved)),
        ("250.1.2.3", Some(Reserved)),
        ("255.255.255.254", Some(Reserved)),
        ("255.255.255.255", Some(Broadcast)),
    ];
    for (ip, want) in table {
        assert_eq!(reason(ip), *want, "{ip}");
    }
}

#[test]
fn ipv6_table() {
    use Reason::*;
    let table: &[(&str, Option<Reason>)] = &[
        ("::", Some(Unspecified)),
        ("::1", Some(Loopback)),
        ("::2", Some(Reserved)),            // IPv4-compatible 0.0.0.2
        ("::ffff:0:a00:1", Some(Reserved)), // IPv4-translated: outside 2000::/3
        ("1::", Some(Reserved)),
        ("100::1", Some(Reserved)),       // discard-only
        ("100:0:0:1::1", Some(Reserved)), // dummy prefix
        ("1fff:ffff::", Some(Reserved)),
        ("2000::", None),
        ("2001::1", Some(Teredo)),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", Some(Teredo)),
        ("2001:1::1", None), // PCP anycast
        ("2001:1::4", Some(Reserved)),
        ("2001:2::1", Some(Benchmarking)),
        ("2001:3::1", None),     // AMT
        ("2001:4:112::1", None), // AS112
        ("2001:5::1", Some(Reserved)),
        ("2001:10::1", Some(Reserved)), // deprecated ORCHID
        ("2001:20::1", None),           // ORCHIDv2
        ("2001:1ff::1", Some(Reserved)),
        ("2001:200::1", None),
        ("2001:db8::1", Some(Documentation)),
        ("2001:db8:ffff::1", Some(Documentation)),
        ("2001:db9::1", None),
        ("2001:4860:4860::8888", None),
        ("2606:4700:4700::1111", None),
        ("2a00:1450:4001:80e::200e", None),
        ("3ffe::1", None),
        ("3fff::1", Some(Documentation)),
        ("3fff:fff::1", Some(Documentation)),
        ("3fff:1000::1", None),
        ("4000::1", Some(Reserved)),
        ("5f00::1", Some(Reserved)),
        ("fc00::1", Some(UniqueLocal)),
        ("fd00::1", Some(UniqueLocal)),
        ("fd00:ec2::254", Some(CloudMetadata)),
        ("fd00:ec2::253", Some(CloudMetadata)),
        ("fdff:ffff::1", Some(UniqueLocal)),
        ("fe00::1", Some(Reserved)),
        ("fe80::1", Some(LinkLocal)),
        ("febf::1", Some(LinkLocal)),
        ("fec0::1", Some(SiteLocal)),
        ("feff::1", Some(SiteLocal)),
        ("ff02::1", Some(Multicast)),
        ("ff0e::1", Some(Multicast)),
    ];
    for (ip, want) in table {
        assert_eq!(reason(ip), *want, "{ip}");
    }
}

#[test]
fn ipv6_forms_that_carry_ipv4_are_judged_by_the_ipv4_address() {
    use Embedding::*;
    use Reason::*;
    let v4 = |s: &str| s.parse::<Ipv4Addr>().expect("v4");
    type Row = (&'static str, Option<(Reason, Option<(Embedding, &'static str)>)>);
    let table: &[Row] = &[
        ("::ffff:10.0.0.1", Some((Private, Some((Mapped, "10.0.0.1"))))),
        ("::ffff:127.0.0.1", Some((Loopback, Some((Mapped, "127.0.0.1"))))),
        (
            "::ffff:169.254.169.254",
            Some((CloudMetadata, Some((Mapped, "169.254.169.254")))),
        ),
        ("::ffff:0.0.0.0", Some((Unspecified, Some((Mapped, "0.0.0.0"))))),
        ("::ffff:93.184.216.34", None),
        ("::10.0.0.1", Some((Private, Some((Compatible, "10.0.0.1"))))),
        ("::127.0.0.1", Some((Loopback, Some((Compatible, "127.0.0.1"))))),
        ("::93.184.216.34", Some((Reserved, Some((Compatible, "93.184.216.34"))))),
        ("64:ff9b::10.0.0.1", Some((Private, Some((Nat64, "10.0.0.1"))))),
        ("64:ff9b::127.0.0.1", Some((Loopback, Some((Nat64, "127.0.0.1"))))),
        (
            "64:ff9b::a9fe:a9fe",
            Some((CloudMetadata, Some((Nat64, "169.254.169.254")))),
        ),
        ("64:ff9b::93.184.216.34", None),
        ("64:ff9b:1::10.0.0.1", Some((Private, Some((LocalNat64, "10.0.0.1"))))),
        (
            "64:ff9b:1::93.184.216.34",
            Some((Reserved, Some((LocalNat64, "93.184.216.34")))),
        ),
        (
            "64:ff9b:1:ffff::1.2.3.4",
            Some((Reserved, Some((LocalNat64, "1.2.3.4")))),
        ),
        ("2002:a00:1::1", Some((Private, Some((SixToFour, "10.0.0.1"))))),
        ("2002:7f00:1::", Some((Loopback, Some((SixToFour, "127.0.0.1"))))),
        (
            "2002:a9fe:a9fe:1234::1",
            Some((CloudMetadata, Some((SixToFour, "169.254.169.254")))),
        ),
        ("2002:c0a8:101::1", Some((Private, Some((SixToFour, "192.168.1.1"))))),
        ("2002:5db8:d822::1", None), // 6to4 of 93.184.216.34
    ];
    for (ip, want) in table {
        let got = refusal(ip.parse().expect("v6"));
        let want = want.map(|(reason, embedded)| (reason, embedded.map(|(f, a)| (f, v4(a)))));
        assert_eq!(got.map(|r| (r.reason, r.embedded)), want, "{ip}");
    }
}

#[test]
fn refusals_read_as_sentences() {
    let r = |s: &str| refusal(s.parse().expect("address")).expect("refused").to_string();
    assert_eq!(r("10.0.0.5"), "a private address");
    assert_eq!(r("169.254.169.254"), "a cloud metadata address");
    assert_eq!(r("::ffff:127.0.0.1"), "a loopback address (IPv4-mapped 127.0.0.1)");
    assert_eq!(r("2002:a00:1::1"), "a private address (6to4 10.0.0.1)");
    assert_eq!(r("fd00::1"), "a unique-local address");
}

/// splitmix64: a tiny deterministic generator for the property tests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn v4(&mut self) -> Ipv4Addr {
        Ipv4Addr::from(self.next() as u32)
    }
    fn v6(&mut self) -> Ipv6Addr {
        Ipv6Addr::from((u128::from(self.next()) << 64) | u128::from(self.next()))
    }
}

const CASES: usize = 200_000;

#[test]
fn property_every_ipv4_in_an_embedding_gets_the_ipv4_verdict() {
    let mut rng = Rng(1);
    for _ in 0..CASES {
        let a = rng.v4();
        let n = u32::from(a);
        let plain = refusal(IpAddr::V4(a)).map(|r| r.reason);
        let mapped = Ipv6Addr::from((0xffffu128 << 32) | u128::from(n));
        let nat64 = Ipv6Addr::from((0x64_ff9bu128 << 96) | u128::from(n));
        let six_to_four = Ipv6Addr::from((0x2002u128 << 112) | (u128::from(n) << 80) | u128::from(rng.next()));
        for v6 in [mapped, nat64, six_to_four] {
            assert_eq!(refusal(IpAddr::V6(v6)).map(|r| r.reason), plain, "{v6} carrying {a}");
        }
        // Always refused, whatever they carry.
        let compatible = Ipv6Addr::from(u128::from(n));
        let local_nat64 =
            Ipv6Addr::from((0x64_ff9b_0001u128 << 80) | (u128::from(rng.next() as u16) << 64) | u128::from(n));
        for v6 in [compatible, local_nat64] {
            let r = refusal(IpAddr::V6(v6));
            assert!(r.is_some(), "{v6}");
            if let Some(p) = plain
                && n > 1
            {
                assert_eq!(r.map(|r| r.reason), Some(p), "{v6} carrying {a}");
            }
        }
    }
}

#[test]
fn property_ipv4_agrees_with_the_standard_library() {
    let mut rng = Rng(2);
    for _ in 0..CASES {
        let a = rng.v4();
        let std_says_special = a.is_private()
            || a.is_loopback()
            || a.is_link_local()
            || a.is_multicast()
            || a.is_broadcast()
            || a.is_documentation()
            || a.is_unspecified();
        if std_says_special {
            assert!(refusal(IpAddr::V4(a)).is_some(), "{a}");
        }
        if refusal(IpAddr::V4(a)).is_none() {
            let o = a.octets();
            assert!(o[0] != 0 && o[0] != 10 && o[0] != 127 && o[0] < 224, "{a}");
            assert!(!(o[0] == 100 && (64..128).contains(&o[1])), "{a}");
            assert!(!(o[0] == 198 && (18..20).contains(&o[1])), "{a}");
        }
    }
}

#[test]
fn property_ipv6_outside_global_unicast_is_refused() {
    let mut rng = Rng(3);
    for _ in 0..CASES {
        let a = rng.v6();
        let n = u128::from(a);
        let r = refusal(IpAddr::V6(a)).map(|r| r.reason);
        if a.is_loopback() || a.is_unspecified() || a.is_multicast() || a.is_unique_local() || a.is_unicast_link_local()
        {
            assert!(r.is_some(), "{a}");
        }
        if n >> 125 != 0b001 {
            // Not 2000::/3: only the IPv4-carrying forms may pass.
            let mapped = n >> 32 == 0xffff;
            let nat64 = n >> 32 == 0x64_ff9b << 64;
            assert!(r.is_some() || mapped || nat64, "{a}");
        }
        // Random addresses in whole refused ranges.
        let in_range = |prefix: u128, len: u32| prefix | (n >> len);
        assert_eq!(
            reason(&Ipv6Addr::from(in_range(0xfe80u128 << 112, 10)).to_string()),
            Some(Reason::LinkLocal)
        );
        assert_eq!(
            reason(&Ipv6Addr::from(in_range(0xff00u128 << 112, 8)).to_string()),
            Some(Reason::Multicast)
        );
        assert_eq!(
            reason(&Ipv6Addr::from(in_range(0x2001_0db8u128 << 96, 32)).to_string()),
            Some(Reason::Documentation)
        );
        assert_eq!(
            reason(&Ipv6Addr::from(in_range(0x2001_0000u128 << 96, 32)).to_string()),
            Some(Reason::Teredo)
        );
    }
}

#[test]
fn property_whole_ipv4_ranges() {
    use Reason::*;
    let ranges: &[(&str, u32, Reason)] = &[
        ("10.0.0.0", 8, Private),
        ("172.16.0.0", 12, Private),
        ("192.168.0.0", 16, Private),
        ("127.0.0.0", 8, Loopback),
        ("198.18.0.0", 15, Benchmarking),
        ("224.0.0.0", 4, Multicast),
        ("192.0.2.0", 24, Documentation),
    ];
    let mut rng = Rng(4);
    for (net, len, want) in ranges {
        let base = u32::from(net.parse::<Ipv4Addr>().expect("net"));
        for _ in 0..CASES / 10 {
            let a = Ipv4Addr::from(base | ((rng.next() as u32) >> len));
            assert_eq!(refusal(IpAddr::V4(a)).map(|r| r.reason), Some(*want), "{a}");
        }
    }
    // CGNAT and link-local hold single metadata addresses; everything else in them has the range's reason.
    for (net, len, want) in [("100.64.0.0", 10, SharedAddressSpace), ("169.254.0.0", 16, LinkLocal)] {
        let base = u32::from(net.parse::<Ipv4Addr>().expect("net"));
        for _ in 0..CASES / 10 {
            let a = Ipv4Addr::from(base | ((rng.next() as u32) >> len));
            let got = refusal(IpAddr::V4(a)).map(|r| r.reason);
            assert!(got == Some(want) || got == Some(CloudMetadata), "{a}: {got:?}");
        }
    }
}

#[test]
fn bad_ports() {
    for p in [0, 21, 22, 23, 25, 110, 143, 465, 587, 993, 995, 6667, 10080] {
        assert!(is_bad_port(p), "{p}");
    }
    for p in [80, 443, 8000, 8080, 8443, 8091, 3000, 65535] {
        assert!(!is_bad_port(p), "{p}");
    }
}

#[test]
fn allow_rules_parse_print_and_match() {
    let table: &[(&str, &str)] = &[
        ("127.0.0.1", "127.0.0.1/32"),
        ("127.0.0.1/32", "127.0.0.1/32"),
        ("127.0.0.1:8091", "127.0.0.1/32:8091"),
        ("10.0.0.0/8:8080", "10.0.0.0/8:8080"),
        ("10.1.2.3/8", "10.0.0.0/8"),
        (" 192.168.0.0/16 ", "192.168.0.0/16"),
        ("::1", "::1/128"),
        ("fd00::/8", "fd00::/8"),
        ("[::1]:8091", "[::1/128]:8091"),
        ("[fd00::/8]:443", "[fd00::/8]:443"),
        ("[::1]", "::1/128"),
        ("0.0.0.0/0", "0.0.0.0/0"),
    ];
    for (input, printed) in table {
        let r: AllowRule = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(r.to_string(), *printed, "{input}");
        assert_eq!(printed.parse::<AllowRule>().expect("round trip"), r, "{printed}");
    }
    for bad in [
        "",
        "localhost",
        "127.0.0.1/33",
        "::1/129",
        "127.0.0.1:",
        "127.0.0.1:99999",
        "[::1]8091",
        "10.0.0.0/x",
        "[::1",
    ] {
        let e = bad.parse::<AllowRule>().expect_err(bad);
        assert!(e.to_string().contains("not an allow rule"), "{e}");
    }

    let any_port = rule("127.0.0.1/32");
    assert!(any_port.matches(sa("127.0.0.1:80")));
    assert!(any_port.matches(sa("127.0.0.1:25")));
    assert!(!any_port.matches(sa("127.0.0.2:80")));
    assert!(
        !any_port.matches(sa("[::ffff:127.0.0.1]:80")),
        "rules match the family as written"
    );
    let one_port = rule("127.0.0.1:8091");
    assert!(one_port.matches(sa("127.0.0.1:8091")));
    assert!(!one_port.matches(sa("127.0.0.1:8092")));
    let net = rule("10.0.0.0/8");
    assert!(net.matches(sa("10.200.3.4:443")));
    assert!(!net.matches(sa("11.0.0.0:443")));
    let v6 = rule("[fd00::/8]:443");
    assert!(v6.matches(SocketAddr::new("fd12::1".parse().expect("v6"), 443)));
    assert!(!v6.matches(SocketAddr::new("fd12::1".parse().expect("v6"), 80)));
    assert!(!v6.matches(sa("10.0.0.1:443")));
}
