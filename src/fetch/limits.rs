//! Per-host politeness: at most `per_host` requests at once to one registrable domain, so
//! `a.example.co.uk` and `b.example.co.uk` share a budget, and article fetches share it with
//! feeds.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::Url;

/// The registrable domain ("example.co.uk") of a host, or the host itself for IP literals
/// and names the public suffix list does not know.
pub fn registrable_domain(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return host;
    }
    // Under a private suffix (*.tumblr.com, *.substack.com) every site is one operator's
    // server, so the suffix itself is the budget.
    if let Some(suffix) = psl::suffix(host.as_bytes())
        && suffix.typ() == Some(psl::Type::Private)
    {
        return String::from_utf8_lossy(suffix.as_bytes()).into_owned();
    }
    psl::domain_str(&host).map_or(host.clone(), str::to_string)
}

/// One semaphore per registrable domain, created on first use.
pub struct HostLimits {
    per_host: usize,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl HostLimits {
    /// Limits of `per_host` concurrent requests per registrable domain.
    pub fn new(per_host: usize) -> HostLimits {
        HostLimits {
            per_host: per_host.max(1),
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for a slot on `url`'s domain; the slot is freed when the permit drops.
    pub async fn acquire(&self, url: &Url) -> Option<OwnedSemaphorePermit> {
        let key = registrable_domain(url.host_str().unwrap_or(""));
        let semaphore = {
            // A poisoned lock only means another task panicked mid-insert; the map is fine.
            let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
            hosts
                .entry(key)
                .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)))
                .clone()
        };
        semaphore.acquire_owned().await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains_share_a_registrable_domain() {
        assert_eq!(registrable_domain("a.example.co.uk"), "example.co.uk");
        assert_eq!(registrable_domain("www.bbc.co.uk"), "bbc.co.uk");
        assert_eq!(
            registrable_domain("x.tumblr.com"),
            registrable_domain("y.tumblr.com")
        );
        assert_eq!(registrable_domain("127.0.0.1"), "127.0.0.1");
    }
}
