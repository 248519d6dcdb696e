//! A per-client token bucket for public reports, in memory: a client may send a burst of
//! `burst` reports, then one more every `60 / per_minute` seconds. Buckets of clients that
//! went quiet are dropped so the table cannot grow without bound.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

pub struct Limiter {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

/// At most this many clients are tracked; past it, full buckets are forgotten.
const MAX_CLIENTS: usize = 100_000;

impl Limiter {
    pub fn new(per_minute: u32, burst: u32) -> Limiter {
        Limiter { burst: f64::from(burst.max(1)), per_second: f64::from(per_minute.max(1)) / 60.0, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one token for `client`; `Err(seconds)` says when the next one is there.
    pub fn take(&self, client: IpAddr) -> Result<(), u64> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_CLIENTS {
            let (burst, rate) = (self.burst, self.per_second);
            buckets.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * rate < burst);
        }
        let (tokens, at) = buckets.entry(client).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.per_second).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_refusal() {
        let l = Limiter::new(6, 3);
        let ip: IpAddr = [127, 0, 0, 1].into();
        assert!((0..3).all(|_| l.take(ip).is_ok()));
        assert_eq!(l.take(ip), Err(10));
        assert!(l.take([127, 0, 0, 2].into()).is_ok());
    }
}
