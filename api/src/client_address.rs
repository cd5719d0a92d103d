//! Who a request comes from: the peer, or — when the peer is one of the
//! proxies in front of the server — the address that proxy names. One
//! function answers it for the rate limit, the live connection caps and the
//! request log, so every per-client bound counts the same client.
//!
//! A proxy appends the address it saw to the forwarding header; whatever a
//! client wrote there itself stands further left. So the hops are read as
//! one list across every line of the header (RFC 9110 §5.3: several lines
//! of a list header are one list, in order) and walked from the nearest hop
//! while the hops are trusted proxies; nothing left of the first untrusted
//! hop is believed. Which header the proxies write is configured:
//! `X-Forwarded-For` (HAProxy's `option forwardfor`, nginx) or RFC 7239
//! `Forwarded`; the other is ignored, since a client could write it.

use std::net::{IpAddr, SocketAddr};

use serde::Deserialize;

/// The header the trusted proxies write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForwardedHeader {
    #[default]
    XForwardedFor,
    /// RFC 7239: `Forwarded: for=192.0.2.60;proto=https, for="[2001:db8::1]:4711"`.
    Forwarded,
}

/// The proxies in front of the server and the header they write.
#[derive(Debug, Clone, Default)]
pub struct ClientAddresses {
    trusted: Vec<IpAddr>,
    header: ForwardedHeader,
}

/// Hops read at most: a longer chain is not one of ours.
const MAX_HOPS: usize = 32;

impl ClientAddresses {
    pub fn new(trusted_proxies: &[String], header: ForwardedHeader) -> anyhow::Result<Self> {
        let trusted = trusted_proxies
            .iter()
            .map(|p| {
                p.parse().map_err(|_| {
                    anyhow::anyhow!("rate_limit.trusted_proxies: {p:?} is not an IP address")
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(ClientAddresses { trusted, header })
    }

    /// The client's address of a request.
    pub fn of(&self, req: &actix_web::HttpRequest) -> Option<IpAddr> {
        let name = match self.header {
            ForwardedHeader::XForwardedFor => "x-forwarded-for",
            ForwardedHeader::Forwarded => "forwarded",
        };
        let lines: Vec<&str> = req
            .headers()
            .get_all(name)
            .filter_map(|v| v.to_str().ok())
            .collect();
        self.resolve(req.peer_addr().map(|a| a.ip()), &lines)
    }

    /// The client's address, from the peer and the header's lines in the
    /// order they came.
    pub fn resolve(&self, peer: Option<IpAddr>, lines: &[&str]) -> Option<IpAddr> {
        let mut address = peer.map(canonical)?;
        if !self.trusted.contains(&address) {
            return Some(address);
        }
        let hops: Vec<&str> = lines.iter().flat_map(|l| l.split(',')).collect();
        for hop in hops.iter().rev().take(MAX_HOPS) {
            let parsed = match self.header {
                ForwardedHeader::XForwardedFor => node(hop),
                ForwardedHeader::Forwarded => forwarded_for(hop),
            };
            // A hop that names no address (garbage, `unknown`, an
            // obfuscated name) ends the walk: the last proxy that can be
            // believed is the client as far as we can tell.
            let Some(hop) = parsed else {
                break;
            };
            address = hop;
            if !self.trusted.contains(&hop) {
                break;
            }
        }
        Some(address)
    }
}

/// An IPv4 address mapped into IPv6 (a dual-stack listener's peer) is the
/// IPv4 address: one client, one key.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// A node as proxies write it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`
/// or `[2001:db8::1]:4711`.
fn node(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(socket) = text.parse::<SocketAddr>() {
        return Some(canonical(socket.ip()));
    }
    text.strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .and_then(|t| t.parse::<IpAddr>().ok())
        .map(canonical)
}

/// The `for=` of one element of an RFC 7239 `Forwarded` header.
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("for")
            .then(|| node(value))?
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    fn behind(proxies: &[&str], header: ForwardedHeader) -> ClientAddresses {
        let proxies: Vec<String> = proxies.iter().map(|s| s.to_string()).collect();
        ClientAddresses::new(&proxies, header).expect("proxies")
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let c = behind(&["10.0.0.1", "10.0.0.2"], ForwardedHeader::XForwardedFor);
        // A client talking to us directly: its own address, whatever it claims.
        assert_eq!(
            c.resolve(Some(ip("203.0.113.9")), &["1.2.3.4"]),
            Some(ip("203.0.113.9"))
        );
        // Through our proxy: the address the proxy saw.
        assert_eq!(
            c.resolve(Some(ip("10.0.0.1")), &["198.51.100.7"]),
            Some(ip("198.51.100.7"))
        );
        // Through two proxies, with a forged hop on the left.
        assert_eq!(
            c.resolve(Some(ip("10.0.0.1")), &["6.6.6.6, 198.51.100.7, 10.0.0.2"]),
            Some(ip("198.51.100.7"))
        );
        // A proxy without the header, or with garbage.
        assert_eq!(c.resolve(Some(ip("10.0.0.1")), &[]), Some(ip("10.0.0.1")));
        assert_eq!(
            c.resolve(Some(ip("10.0.0.1")), &["nonsense"]),
            Some(ip("10.0.0.1"))
        );
    }

    /// The exploit as it was found: HAProxy's `option forwardfor` adds a
    /// line of its own below the one the client wrote.
    #[test]
    fn a_forged_first_line_is_not_the_client() {
        let c = behind(&["127.0.0.1"], ForwardedHeader::XForwardedFor);
        assert_eq!(
            c.resolve(Some(ip("127.0.0.1")), &["6.6.6.6", "198.51.100.7"]),
            Some(ip("198.51.100.7"))
        );
    }

    #[test]
    fn rfc_7239_forwarded_with_ports_quotes_and_ipv6() {
        let c = behind(&["10.0.0.1"], ForwardedHeader::Forwarded);
        assert_eq!(
            c.resolve(
                Some(ip("10.0.0.1")),
                &[
                    "for=6.6.6.6",
                    r#"For="[2001:db8:cafe::17]:4711";proto=https"#
                ]
            ),
            Some(ip("2001:db8:cafe::17"))
        );
        assert_eq!(
            c.resolve(
                Some(ip("10.0.0.1")),
                &["for=192.0.2.43:80;by=10.0.0.1, for=10.0.0.1"]
            ),
            Some(ip("192.0.2.43"))
        );
        // `unknown` and obfuscated names stop at the proxy.
        assert_eq!(
            c.resolve(Some(ip("10.0.0.1")), &["for=unknown"]),
            Some(ip("10.0.0.1"))
        );
        // The header the proxies do not write is not read.
        let xff = behind(&["10.0.0.1"], ForwardedHeader::XForwardedFor);
        assert_eq!(xff.resolve(Some(ip("10.0.0.1")), &[]), Some(ip("10.0.0.1")));
    }

    #[test]
    fn a_mapped_ipv4_peer_is_its_ipv4_address() {
        let c = behind(&["127.0.0.1"], ForwardedHeader::XForwardedFor);
        assert_eq!(
            c.resolve(Some(ip("::ffff:127.0.0.1")), &["192.0.2.5"]),
            Some(ip("192.0.2.5"))
        );
    }

    proptest! {
        /// Whatever a client writes on the left of what the trusted proxy
        /// appends, the answer is the address the proxy saw.
        #[test]
        fn nothing_a_client_writes_moves_its_address(
            forged in proptest::collection::vec("[ -~]{0,40}", 0..5),
            seen in any::<[u8; 4]>(),
        ) {
            let c = behind(&["10.0.0.1"], ForwardedHeader::XForwardedFor);
            let seen = IpAddr::from(seen);
            prop_assume!(seen != ip("10.0.0.1"));
            let own = seen.to_string();
            let mut lines: Vec<&str> = forged.iter().map(String::as_str).collect();
            lines.push(&own);
            prop_assert_eq!(c.resolve(Some(ip("10.0.0.1")), &lines), Some(seen));
        }
    }
}
