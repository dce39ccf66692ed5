//! The one HTTP client: politeness limits, conditional GET, redirects, body caps and address
//! checks. It turns a URL into a [`FetchOutcome`]; parsing what came back is [`feed`]'s job.

mod decode;
pub mod feed;
mod guard;
mod lenient;
mod limits;
mod robots;
#[cfg(test)]
mod ssrf_tests;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use url::Url;

pub use crate::schedule::CacheHints;
pub use guard::is_public;
pub use limits::{HostLimits, registrable_domain};
pub use robots::TTL as ROBOTS_LIFETIME;

/// Most redirects followed for one request.
const MAX_REDIRECTS: usize = 5;
/// Bodies up to this size download side by side; a feed or page is rarely larger.
const SMALL_BODY: usize = 1024 * 1024;
/// How many bodies past [`SMALL_BODY`] may download at once (others wait at that size for a
/// turn, within their timeout). With every feed and article job able to read up to
/// `max_body`, memory would otherwise grow with `concurrency × max_body` when many large or
/// hostile bodies arrive together.
const LARGE_BODIES: usize = 2;

/// Why a fetch failed. `NotModified`, 429 and 410 are outcomes, not errors.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The URL cannot be fetched at all (scheme, host).
    #[error("invalid URL {url}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The address is loopback, private, link-local or otherwise not public.
    #[error("refused to fetch {url}: {reason} (set allow_private_networks = true to allow)")]
    Blocked {
        /// The URL refused.
        url: String,
        /// Which address and why.
        reason: String,
    },
    /// No complete response within the timeout.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// The HTTP client could not be built (TLS could not be set up).
    #[error("cannot build the HTTP client")]
    Client(#[source] reqwest::Error),
    /// Connecting failed (DNS, refused, TLS).
    #[error("cannot connect")]
    Connect(#[source] reqwest::Error),
    /// More than the allowed number of redirects, or a loop.
    #[error("too many redirects (more than {MAX_REDIRECTS})")]
    TooManyRedirects,
    /// A redirect without a usable Location.
    #[error("bad redirect: {0}")]
    BadRedirect(String),
    /// The body passed the size cap while streaming.
    #[error("response body larger than {0} bytes")]
    TooLarge(u64),
    /// The server answered with an error status.
    #[error("HTTP {0}")]
    Status(u16),
    /// The body broke off or could not be decoded.
    #[error("reading body")]
    Body(#[source] reqwest::Error),
    /// Any other transport failure.
    #[error("request failed")]
    Request(#[source] reqwest::Error),
}

impl FetchError {
    /// Whether asking again is pointless until the link or its item changes: the page is
    /// not there (404 and other client errors a retry cannot mend) or never fetchable as
    /// given. Authorisation (401/403), 408, 429, server errors and transport failures pass.
    pub fn lasting(&self) -> bool {
        match self {
            FetchError::Status(401 | 403 | 408 | 425 | 429) => false,
            FetchError::Status(status) => (400..500).contains(status),
            FetchError::InvalidUrl { .. }
            | FetchError::Blocked { .. }
            | FetchError::TooManyRedirects
            | FetchError::BadRedirect(_)
            | FetchError::TooLarge(_) => true,
            FetchError::Timeout(_)
            | FetchError::Client(_)
            | FetchError::Connect(_)
            | FetchError::Body(_)
            | FetchError::Request(_) => false,
        }
    }

    /// Whether the network failed (name resolution, connection, TLS, timeout) rather than
    /// the server answering badly: when every feed fails so, the machine is likely offline.
    pub fn network(&self) -> bool {
        matches!(
            self,
            FetchError::Connect(_) | FetchError::Timeout(_) | FetchError::Request(_)
        )
    }

    /// The cause in a few words a person can act on: "DNS: cannot resolve news.example",
    /// "HTTP 403", "TLS: invalid peer certificate: Expired", "timeout after 30 s". The full
    /// chain of sources is `chain::text`.
    pub fn short(&self) -> String {
        match self {
            FetchError::Timeout(after) => format!("timeout after {} s", after.as_secs().max(1)),
            FetchError::Connect(err) => {
                let host = err
                    .url()
                    .and_then(|u| u.host_str().map(str::to_string))
                    .unwrap_or_else(|| "the server".into());
                let chain = crate::chain::text(err).to_lowercase();
                let innermost = innermost(err);
                if chain.contains("dns error")
                    || chain.contains("failed to lookup address")
                    || chain.contains("name or service not known")
                    || chain.contains("no address associated")
                {
                    format!("DNS: cannot resolve {host}")
                } else if chain.contains("certificate")
                    || chain.contains("tls")
                    || chain.contains("handshake")
                {
                    format!("TLS: {innermost}")
                } else if chain.contains("connection refused") {
                    format!("connection refused by {host}")
                } else if chain.contains("network is unreachable") {
                    format!("network unreachable for {host}")
                } else {
                    format!("cannot connect to {host}: {innermost}")
                }
            }
            FetchError::Body(err) | FetchError::Request(err) => {
                format!("{self}: {}", innermost(err))
            }
            other => other.to_string(),
        }
    }

    /// A short stable name of the error's kind, for metrics and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::InvalidUrl { .. } => "invalid_url",
            FetchError::Blocked { .. } => "blocked",
            FetchError::Timeout(_) => "timeout",
            FetchError::Client(_) => "client",
            FetchError::Connect(_) => "connect",
            FetchError::TooManyRedirects | FetchError::BadRedirect(_) => "redirect",
            FetchError::TooLarge(_) => "too_large",
            FetchError::Status(400..=499) => "http_4xx",
            FetchError::Status(500..=599) => "http_5xx",
            FetchError::Status(_) => "http_other",
            FetchError::Body(_) => "body",
            FetchError::Request(_) => "request",
        }
    }
}

/// The deepest source's message: the part of a chain that names the actual problem.
fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut at = err;
    while let Some(next) = at.source() {
        at = next;
    }
    at.to_string()
}

/// Validators from the last fetch, sent for a conditional GET.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    /// `ETag` → `If-None-Match`.
    pub etag: Option<String>,
    /// `Last-Modified` → `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// A complete 2xx response.
#[derive(Debug, Clone)]
pub struct Response {
    /// Where the body finally came from, after redirects.
    pub url: Url,
    /// The status code.
    pub status: u16,
    /// The body, decompressed, at most `max_body` bytes.
    pub body: Vec<u8>,
    /// `Content-Type`, for charset detection.
    pub content_type: Option<String>,
    /// Validators for the next conditional GET.
    pub validators: Validators,
    /// Caching hints.
    pub cache: CacheHints,
}

/// What a fetch came to.
#[derive(Debug, Clone)]
pub enum FetchOutcome {
    /// A new body.
    Fresh(Response),
    /// 304: nothing changed since the validators were issued.
    NotModified {
        /// Caching hints of the 304.
        cache: CacheHints,
        /// Validators, if the 304 renewed them.
        validators: Validators,
    },
    /// 429 or 503: come back later.
    RateLimited {
        /// The status code.
        status: u16,
        /// `Retry-After`, if given.
        retry_after: Option<Duration>,
    },
    /// 410: the resource is gone for good.
    Gone,
}

/// A fetch's outcome plus what the redirects on the way said.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The outcome.
    pub outcome: FetchOutcome,
    /// Set when every redirect hop was permanent (301/308): the new address to use.
    pub moved_to: Option<Url>,
}

/// What the HTTP client is built from: `[settings]`'s network keys as plain values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// The `User-Agent` header; its first word is the robots.txt product token.
    pub user_agent: String,
    /// Per request, connect and read included.
    pub timeout: Duration,
    /// Requests at once to one registrable domain.
    pub per_host: usize,
    /// Most body bytes read, after decompression.
    pub max_body: u64,
    /// Whether loopback and private addresses (and proxies) may be used.
    pub allow_private_networks: bool,
}

/// The shared HTTP client with its limits.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    limits: Arc<HostLimits>,
    max_body: u64,
    timeout: Duration,
    allow_private: bool,
    robots: Arc<robots::RobotsCache>,
    /// Turns for bodies past [`SMALL_BODY`], shared by every clone.
    large_bodies: Arc<tokio::sync::Semaphore>,
    /// The product token robots.txt groups are matched against ("followup").
    agent_token: String,
    /// The `User-Agent`, for the client of [`Self::post_json`].
    user_agent: String,
    /// The client for operator-configured destinations (webhooks), built on first use.
    /// Not the guarded client: the address guard protects against addresses that feeds
    /// and pages hand us, and a webhook on the operator's own network is legitimate.
    trusted_client: Arc<std::sync::OnceLock<reqwest::Client>>,
    /// (host, port) pairs exempt from the literal-address check, so tests can stand a local
    /// server in for a public first hop and see what the guard does with the next one.
    #[cfg(test)]
    trusted: Vec<(String, u16)>,
}

/// What never goes through a proxy, whatever `NO_PROXY` says: loopback. A server on this
/// machine (an intranet mirror, `followup demo`'s world) is not behind the proxy, and Go's
/// net/http skips the proxy for loopback the same way.
const LOOPBACK: &str = "localhost,127.0.0.0/8,::1";

/// The proxies the environment names (`http_proxy`, `https_proxy`, `all_proxy`, either
/// case), each bypassing loopback and what `NO_PROXY` lists. A value that is not a URL is
/// skipped with a warning rather than failing every request.
fn env_proxies() -> Vec<reqwest::Proxy> {
    let var = |names: [&str; 2]| {
        names
            .iter()
            .find_map(|n| std::env::var(n).ok())
            .filter(|v| !v.trim().is_empty())
    };
    let bypass = match var(["NO_PROXY", "no_proxy"]) {
        Some(listed) => format!("{LOOPBACK},{listed}"),
        None => LOOPBACK.to_string(),
    };
    type Make = fn(String) -> reqwest::Result<reqwest::Proxy>;
    let wanted: [(&str, [&str; 2], Make); 3] = [
        (
            "http_proxy",
            ["http_proxy", "HTTP_PROXY"],
            reqwest::Proxy::http,
        ),
        (
            "https_proxy",
            ["https_proxy", "HTTPS_PROXY"],
            reqwest::Proxy::https,
        ),
        ("all_proxy", ["all_proxy", "ALL_PROXY"], reqwest::Proxy::all),
    ];
    let mut out = Vec::new();
    for (name, names, make) in wanted {
        let Some(value) = var(names) else { continue };
        match make(value) {
            Ok(proxy) => out.push(proxy.no_proxy(reqwest::NoProxy::from_string(&bypass))),
            Err(err) => {
                tracing::warn!(variable = name, error = %crate::chain::Chain(&err), "ignoring a proxy variable that is not a URL")
            }
        }
    }
    out
}

impl Fetcher {
    /// Builds the client. Fails only if TLS cannot be set up.
    pub fn new(settings: &ClientOptions) -> Result<Fetcher, FetchError> {
        // reqwest is built without a default crypto provider; ring is ours. A second install
        // (tests, several fetchers) reports the first one and is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .read_timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(settings.per_host.max(1))
            .pool_idle_timeout(Duration::from_secs(60));
        if !settings.allow_private_networks {
            // Through a proxy (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY) the proxy resolves and
            // connects, so the address check would vouch for the proxy, not the target: a
            // loopback proxy would reach anything. The guard only holds for connections it
            // makes itself, so proxies are ignored unless private networks are allowed.
            builder = builder
                .dns_resolver(Arc::new(guard::PublicResolver))
                .no_proxy();
        } else {
            for proxy in env_proxies() {
                builder = builder.proxy(proxy);
            }
        }
        let client = builder.build().map_err(FetchError::Client)?;
        Ok(Fetcher {
            client,
            limits: Arc::new(HostLimits::new(settings.per_host)),
            max_body: settings.max_body,
            timeout: settings.timeout,
            allow_private: settings.allow_private_networks,
            robots: Arc::default(),
            large_bodies: Arc::new(tokio::sync::Semaphore::new(LARGE_BODIES)),
            user_agent: settings.user_agent.clone(),
            trusted_client: Arc::default(),
            agent_token: settings
                .user_agent
                .split(['/', ' '])
                .next()
                .unwrap_or("followup")
                .to_string(),
            #[cfg(test)]
            trusted: Vec::new(),
        })
    }

    /// POSTs a JSON `body` to an address the operator configured (a webhook), within
    /// `timeout`, without following redirects (a redirected POST would silently turn into a
    /// GET). Returns the 2xx status; any other answer is [`FetchError::Status`].
    pub async fn post_json(
        &self,
        url: &Url,
        body: Vec<u8>,
        timeout: Duration,
    ) -> Result<u16, FetchError> {
        let client = match self.trusted_client.get() {
            Some(client) => client.clone(),
            None => {
                let client = reqwest::Client::builder()
                    .user_agent(self.user_agent.clone())
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(FetchError::Client)?;
                self.trusted_client.get_or_init(|| client).clone()
            }
        };
        let response = client
            .post(url.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .timeout(timeout)
            .body(body)
            .send()
            .await
            .map_err(|err| match err.is_timeout() {
                true => FetchError::Timeout(timeout),
                false => self.transport(err),
            })?;
        let status = response.status();
        if status.is_success() {
            Ok(status.as_u16())
        } else {
            Err(FetchError::Status(status.as_u16()))
        }
    }

    /// GETs `url`, conditionally when `validators` are given, following up to five redirects.
    pub async fn get(&self, url: &Url, validators: &Validators) -> Result<Fetched, FetchError> {
        let mut current = url.clone();
        let mut permanent = true;
        let mut visited = vec![current.clone()];
        for _ in 0..=MAX_REDIRECTS {
            self.check_url(&current)?;
            let _permit = self.limits.acquire(&current).await;
            let mut request = self.client.get(current.clone());
            if let Some(etag) = &validators.etag {
                request = request.header(header::IF_NONE_MATCH, etag);
            }
            if let Some(modified) = &validators.last_modified {
                request = request.header(header::IF_MODIFIED_SINCE, modified);
            }
            let response = request.send().await.map_err(|err| self.transport(err))?;
            let status = response.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let location = response
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| {
                        FetchError::BadRedirect(format!("{status} without a Location header"))
                    })?;
                let next = current.join(location).map_err(|err| {
                    FetchError::BadRedirect(format!("invalid Location {location:?}: {err}"))
                })?;
                permanent &= matches!(
                    status,
                    StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT
                );
                if visited.contains(&next) {
                    return Err(FetchError::TooManyRedirects);
                }
                visited.push(next.clone());
                current = next;
                continue;
            }
            let moved_to = (permanent && current != *url).then(|| current.clone());
            let outcome = self.outcome(current.clone(), response).await?;
            return Ok(Fetched { outcome, moved_to });
        }
        Err(FetchError::TooManyRedirects)
    }

    fn check_url(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::InvalidUrl {
                url: url.to_string(),
                reason: format!("scheme {:?} is not http or https", url.scheme()),
            });
        }
        let Some(host) = url.host() else {
            return Err(FetchError::InvalidUrl {
                url: url.to_string(),
                reason: "no host".into(),
            });
        };
        if self.allow_private {
            return Ok(());
        }
        #[cfg(test)]
        if self
            .trusted
            .iter()
            .any(|(h, p)| Some(h.as_str()) == url.host_str() && Some(*p) == url.port())
        {
            return Ok(());
        }
        let literal = match host {
            url::Host::Ipv4(ip) => Some(std::net::IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => Some(std::net::IpAddr::V6(ip)),
            url::Host::Domain(name) if name.eq_ignore_ascii_case("localhost") => {
                Some(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST))
            }
            url::Host::Domain(_) => None,
        };
        match literal {
            Some(ip) if !is_public(ip) => Err(FetchError::Blocked {
                url: url.to_string(),
                reason: format!("{ip} is not a public address"),
            }),
            _ => Ok(()),
        }
    }

    async fn outcome(
        &self,
        url: Url,
        response: reqwest::Response,
    ) -> Result<FetchOutcome, FetchError> {
        let status = response.status();
        let headers = response.headers().clone();
        let cache = cache_hints(&headers);
        let validators = Validators {
            etag: header_text(&headers, header::ETAG),
            last_modified: strong_last_modified(&headers),
        };
        match status {
            StatusCode::NOT_MODIFIED => {
                return Ok(FetchOutcome::NotModified { cache, validators });
            }
            StatusCode::GONE => return Ok(FetchOutcome::Gone),
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
                return Ok(FetchOutcome::RateLimited {
                    status: status.as_u16(),
                    retry_after: retry_after(&headers, Utc::now()),
                });
            }
            s if !s.is_success() => return Err(FetchError::Status(s.as_u16())),
            _ => {}
        }
        if let Some(length) = response.content_length()
            && length > self.max_body
        {
            return Err(FetchError::TooLarge(self.max_body));
        }
        let cap = usize::try_from(self.max_body).unwrap_or(usize::MAX);
        let mut body = Vec::new();
        let mut large_turn = None;
        let mut stream = response.bytes_stream();
        // The cap applies to decompressed bytes as they arrive, so a compression bomb stops
        // at the cap instead of filling memory first.
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|err| match self.transport(err) {
                FetchError::Request(err) => FetchError::Body(err),
                other => other,
            })?;
            let needed = body.len().saturating_add(chunk.len());
            if needed > cap {
                return Err(FetchError::TooLarge(self.max_body));
            }
            if needed > SMALL_BODY && large_turn.is_none() {
                large_turn = Some(Arc::clone(&self.large_bodies).acquire_owned().await);
            }
            if needed > body.capacity() {
                // Doubling, but never past the cap: a capped 10 MiB body must not hold 16.
                let target = body.capacity().saturating_mul(2).max(needed).min(cap);
                body.reserve_exact(target - body.len());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(FetchOutcome::Fresh(Response {
            url,
            status: status.as_u16(),
            body,
            content_type: header_text(&headers, header::CONTENT_TYPE),
            validators,
            cache,
        }))
    }

    fn transport(&self, err: reqwest::Error) -> FetchError {
        if err.is_timeout() {
            return FetchError::Timeout(self.timeout);
        }
        let chain = crate::chain::text(&err);
        if chain.contains(guard::BLOCKED_MARKER) {
            return FetchError::Blocked {
                url: err.url().map(|u| u.to_string()).unwrap_or_default(),
                reason: chain
                    .split(guard::BLOCKED_MARKER)
                    .nth(1)
                    .unwrap_or("")
                    .trim_start_matches(": ")
                    .to_string(),
            };
        }
        if err.is_connect() {
            return FetchError::Connect(err);
        }
        FetchError::Request(err)
    }
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v: &HeaderValue| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// `Last-Modified`, when it can serve as a validator. A time close to the response's `Date`
/// is weak (RFC 9110 §8.8.2.2): the resource may change again within the same second, and
/// `If-Modified-Since` would then hide the change, so it is only kept when it lies at least
/// a minute before `Date` (or when there is no `Date` to compare with).
pub fn strong_last_modified(headers: &HeaderMap) -> Option<String> {
    let modified = header_text(headers, header::LAST_MODIFIED)?;
    let parse = |text: &str| DateTime::parse_from_rfc2822(text).ok();
    let date = header_text(headers, header::DATE);
    match (parse(&modified), date.as_deref().and_then(parse)) {
        (Some(m), Some(d)) if d - m < chrono::Duration::seconds(60) => None,
        _ => Some(modified),
    }
}

/// Reads `Cache-Control: max-age` (ignoring `no-cache`/`no-store`, which say nothing about
/// how often to poll) and `Expires`.
pub fn cache_hints(headers: &HeaderMap) -> CacheHints {
    let max_age = header_text(headers, header::CACHE_CONTROL).and_then(|cc| {
        cc.split(',').find_map(|part| {
            let part = part.trim().to_ascii_lowercase();
            part.strip_prefix("max-age=")
                .and_then(|v| v.trim_matches('"').parse::<u64>().ok())
                .map(Duration::from_secs)
        })
    });
    let expires = header_text(headers, header::EXPIRES)
        .and_then(|e| DateTime::parse_from_rfc2822(&e).ok())
        .map(|t| t.with_timezone(&Utc));
    CacheHints { max_age, expires }
}

/// Reads `Retry-After` as seconds or an HTTP date relative to `now`.
pub fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let value = header_text(headers, header::RETRY_AFTER)?;
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = DateTime::parse_from_rfc2822(&value)
        .ok()?
        .with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("120"));
        let now = Utc::now();
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(120)));
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:27:00Z")
            .unwrap()
            .with_timezone(&Utc);
        headers.insert(
            header::RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(60)));
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn last_modified_close_to_date_is_weak() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::LAST_MODIFIED,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert!(strong_last_modified(&headers).is_some());
        headers.insert(
            header::DATE,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:30 GMT"),
        );
        assert_eq!(strong_last_modified(&headers), None);
        headers.insert(
            header::DATE,
            HeaderValue::from_static("Wed, 21 Oct 2015 09:00:00 GMT"),
        );
        assert!(strong_last_modified(&headers).is_some());
    }

    #[test]
    fn cache_hints_read_max_age() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=600"),
        );
        assert_eq!(
            cache_hints(&headers).max_age,
            Some(Duration::from_secs(600))
        );
    }
}
