//! How fast one client may ask: a token bucket (governor's GCRA) per key —
//! the client address for anonymous callers, the token's subject for
//! signed-in ones — with rates and bursts from `[rate_limit]`. Over the limit
//! a request is answered 429 with `Retry-After` and `RATE_LIMITED`, before
//! anything else runs. Health, readiness and metrics are not limited.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::client_address::ClientAddresses;
use crate::config::RateLimitSettings;

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

/// Keys kept before the ones not seen for a while are dropped.
const PRUNE_AT: usize = 100_000;

/// The limiters of one server.
pub struct RateLimits {
    enabled: bool,
    anonymous: Keyed<IpAddr>,
    signed_in: Keyed<String>,
    /// Who a request comes from (behind the trusted proxies).
    pub addresses: ClientAddresses,
}

/// Who a request is counted against.
pub enum Client<'a> {
    Address(IpAddr),
    Subject(&'a str),
}

/// A `Client` kept beyond one request (a subscription connection is
/// counted against it, and each of its operations).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ClientKey {
    Address(IpAddr),
    Subject(String),
}

impl ClientKey {
    pub fn client(&self) -> Client<'_> {
        match self {
            ClientKey::Address(ip) => Client::Address(*ip),
            ClientKey::Subject(sub) => Client::Subject(sub),
        }
    }
}

fn quota(per_second: u32, burst: u32) -> Quota {
    let rate = NonZeroU32::new(per_second.max(1)).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_second(rate).allow_burst(burst)
}

impl RateLimits {
    pub fn from_settings(settings: &RateLimitSettings) -> anyhow::Result<Self> {
        let addresses = ClientAddresses::new(&settings.trusted_proxies, settings.forwarded_header)?;
        Ok(RateLimits {
            enabled: settings.enabled,
            anonymous: RateLimiter::keyed(quota(
                settings.anonymous_per_second,
                settings.anonymous_burst,
            )),
            signed_in: RateLimiter::keyed(quota(
                settings.signed_in_per_second,
                settings.signed_in_burst,
            )),
            addresses,
        })
    }

    /// `Ok` when `client` may go on, else how long until it may.
    pub fn check(&self, client: Client<'_>) -> Result<(), Duration> {
        self.check_n(client, NonZeroU32::MIN)
    }

    /// As `check`, for `n` operations at once (the further operations of a
    /// batch: each costs what a request costs). More than the client's
    /// whole burst can never pass, and waits as long as the burst takes to
    /// refill.
    pub fn check_n(&self, client: Client<'_>, n: NonZeroU32) -> Result<(), Duration> {
        if !self.enabled {
            return Ok(());
        }
        let clock = DefaultClock::default();
        let outcome = match client {
            Client::Address(ip) => {
                if self.anonymous.len() > PRUNE_AT {
                    self.anonymous.retain_recent();
                }
                self.anonymous.check_key_n(&ip, n)
            }
            Client::Subject(sub) => {
                if self.signed_in.len() > PRUNE_AT {
                    self.signed_in.retain_recent();
                }
                self.signed_in.check_key_n(&sub.to_string(), n)
            }
        };
        match outcome {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(not_until.wait_time_from(clock.now())),
            Err(governor::InsufficientCapacity(burst)) => {
                Err(Duration::from_secs(u64::from(burst).max(1)))
            }
        }
    }

    /// The client's address of a request (`client_address`).
    pub fn address_of(&self, req: &actix_web::HttpRequest) -> Option<IpAddr> {
        self.addresses.of(req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn a_burst_then_a_wait() {
        let limits = RateLimits::from_settings(&RateLimitSettings {
            enabled: true,
            anonymous_per_second: 1,
            anonymous_burst: 3,
            signed_in_per_second: 1,
            signed_in_burst: 1,
            trusted_proxies: vec![],
            forwarded_header: Default::default(),
        })
        .expect("limits");
        let client = ip("192.0.2.1");
        for _ in 0..3 {
            assert!(limits.check(Client::Address(client)).is_ok());
        }
        let wait = limits
            .check(Client::Address(client))
            .expect_err("over the burst");
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(1));
        // Another client and a subject have buckets of their own.
        assert!(limits.check(Client::Address(ip("192.0.2.2"))).is_ok());
        assert!(limits.check(Client::Subject("someone")).is_ok());
        assert!(limits.check(Client::Subject("someone")).is_err());
        // A batch costs each of its operations: three at once take a fresh
        // client's whole burst, and four never pass.
        let batch = ip("192.0.2.3");
        let three = NonZeroU32::new(3).expect("three");
        assert!(limits.check_n(Client::Address(batch), three).is_ok());
        assert!(limits.check(Client::Address(batch)).is_err());
        let four = NonZeroU32::new(4).expect("four");
        assert!(
            limits
                .check_n(Client::Address(ip("192.0.2.4")), four)
                .is_err()
        );
    }
}
