//! The address guard seen from outside: redirects and names that lead to private addresses
//! are refused before any request reaches them. A local server stands in for the public
//! first hop by being exempted from the literal check (and only from that).

use std::time::Duration;

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::guard::{BLOCKED_MARKER, PublicResolver};
use super::{ClientOptions, FetchError, Fetcher, Validators};

fn options(allow_private_networks: bool) -> ClientOptions {
    ClientOptions {
        user_agent: "followup-test/1".into(),
        timeout: Duration::from_secs(5),
        per_host: 2,
        max_body: 1 << 20,
        allow_private_networks,
    }
}

fn guarded() -> Fetcher {
    Fetcher::new(&options(false)).expect("client")
}

fn trusting(server: &MockServer) -> Fetcher {
    let mut fetcher = guarded();
    let addr = server.address();
    fetcher.trusted.push((addr.ip().to_string(), addr.port()));
    fetcher
}

/// A server that counts what reaches it: the target a redirect must never get to.
async fn target() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("<rss/>"))
        .mount(&server)
        .await;
    server
}

async fn redirecting_to(location: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(302).insert_header("Location", location))
        .mount(&server)
        .await;
    server
}

async fn hits(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

#[tokio::test]
async fn redirect_to_metadata_service_is_refused() {
    let first = redirecting_to("http://169.254.169.254/latest/meta-data/").await;
    let url = url::Url::parse(&first.uri()).expect("server URL");
    let err = trusting(&first)
        .get(&url, &Validators::default())
        .await
        .expect_err("metadata address must be refused");
    assert_eq!(hits(&first).await, 1, "the allowed first hop was fetched");
    match err {
        FetchError::Blocked { url, reason } => {
            assert!(url.contains("169.254.169.254"), "{url}");
            assert!(reason.contains("not a public address"), "{reason}");
        }
        other => panic!("expected Blocked, got {other}"),
    }
}

#[tokio::test]
async fn redirect_to_loopback_never_reaches_it() {
    let inner = target().await;
    for location in [
        format!("http://127.0.0.1:{}/admin", inner.address().port()),
        // Other spellings of loopback: a decimal literal and an IPv4-mapped IPv6 one.
        format!("http://2130706433:{}/admin", inner.address().port()),
        format!("http://[::ffff:127.0.0.1]:{}/admin", inner.address().port()),
    ] {
        let first = redirecting_to(&location).await;
        let url = url::Url::parse(&first.uri()).expect("server URL");
        let err = trusting(&first)
            .get(&url, &Validators::default())
            .await
            .expect_err("loopback must be refused");
        assert!(
            matches!(err, FetchError::Blocked { .. }),
            "{location}: {err}"
        );
        assert!(err.to_string().contains("allow_private_networks"), "{err}");
    }
    assert_eq!(hits(&inner).await, 0, "a refused target was contacted");
}

/// A name that is not an address literal but resolves to loopback is caught by the
/// resolver on the connection itself.
#[tokio::test]
async fn name_resolving_to_loopback_is_refused_at_connect() {
    let inner = target().await;
    let port = inner.address().port();
    let mut fetcher = guarded();
    // Exempt from the literal "localhost" check, so only the resolver stands in the way.
    fetcher.trusted.push(("localhost".into(), port));
    let url = url::Url::parse(&format!("http://localhost:{port}/feed")).expect("URL");
    let err = fetcher
        .get(&url, &Validators::default())
        .await
        .expect_err("loopback name must be refused");
    match &err {
        FetchError::Blocked { reason, .. } => {
            assert!(reason.contains("localhost resolves to"), "{reason}");
            assert!(!reason.contains(BLOCKED_MARKER), "{reason}");
        }
        other => panic!("expected Blocked, got {other}"),
    }
    assert_eq!(hits(&inner).await, 0, "the loopback server was contacted");
}

#[tokio::test]
async fn resolver_refuses_private_names_directly() {
    use reqwest::dns::{Name, Resolve};
    use std::str::FromStr;
    let name = Name::from_str("localhost").expect("name");
    let err = match PublicResolver.resolve(name).await {
        Ok(addrs) => panic!("resolved to {:?}", addrs.collect::<Vec<_>>()),
        Err(err) => err.to_string(),
    };
    assert!(err.contains("not a public address"), "{err}");
}

#[tokio::test]
async fn allowing_private_networks_lifts_the_guard() {
    let inner = target().await;
    let url = url::Url::parse(&inner.uri()).expect("URL");
    let fetched = Fetcher::new(&options(true))
        .expect("client")
        .get(&url, &Validators::default())
        .await;
    assert!(fetched.is_ok(), "{:?}", fetched.err());
}
