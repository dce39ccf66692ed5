//! The HTTP endpoint of `[settings] metrics`: `GET /metrics` (the text exposition format)
//! and `GET /healthz` (200 while the scheduler makes progress, as the systemd watchdog
//! judges it, else 503 with the reason). Anything else is 404.
//!
//! It runs on its own tasks and never touches the database, so a slow or hostile client
//! cannot hold up the scheduler: connections are capped, each gets one request with a small
//! header buffer and a deadline, and bodies are never read.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{ALLOW, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

use super::Metrics;
use crate::chain::Chain;
use crate::health::Heartbeat;

/// Connections served at once; more wait in the listen backlog. Scrapers and health probes
/// need one or two.
const MAX_CONNECTIONS: usize = 16;
/// Longest a request line and headers may take to arrive.
const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest one connection may live, whatever the client does.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest request head read (hyper's minimum); longer heads get 431.
const MAX_HEAD: usize = 8192;
/// What a failing `accept` waits before trying again (out of file descriptors passes).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";
const PROMETHEUS: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Binds the metrics address now, so a taken port fails the start before READY=1.
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}

/// Serves `/metrics` and `/healthz` on `listener` until `shutdown` fires.
pub async fn serve(
    listener: TcpListener,
    metrics: Metrics,
    heartbeat: Heartbeat,
    shutdown: CancellationToken,
) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(MAX_HEAD)
        .keep_alive(false);
    loop {
        let permit = tokio::select! {
            _ = shutdown.cancelled() => return,
            permit = Arc::clone(&slots).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => return,
            },
        };
        let (stream, peer) = tokio::select! {
            _ = shutdown.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    warn!(error = %Chain(&err), "metrics: cannot accept a connection");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        let (http, metrics, heartbeat) = (http.clone(), metrics.clone(), heartbeat.clone());
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let response = respond(&request, &metrics, &heartbeat);
                async move { Ok::<_, Infallible>(response) }
            });
            let connection = http.serve_connection(TokioIo::new(stream), service);
            match tokio::time::timeout(CONNECTION_TIMEOUT, connection).await {
                Ok(Ok(())) => {}
                Ok(Err(err)) => {
                    debug!(peer = %peer, error = %Chain(&err), "metrics: connection failed")
                }
                Err(_) => debug!(peer = %peer, "metrics: connection timed out"),
            }
            drop(permit);
        });
    }
}

/// The response to one request.
fn respond(
    request: &Request<Incoming>,
    metrics: &Metrics,
    heartbeat: &Heartbeat,
) -> Response<Full<Bytes>> {
    let path = request.uri().path();
    if path != "/metrics" && path != "/healthz" {
        return reply(StatusCode::NOT_FOUND, TEXT, "not found\n".into());
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = reply(
            StatusCode::METHOD_NOT_ALLOWED,
            TEXT,
            "method not allowed\n".into(),
        );
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    if path == "/healthz" {
        return match heartbeat.stalled() {
            None => reply(StatusCode::OK, TEXT, "ok\n".into()),
            Some(age) => reply(
                StatusCode::SERVICE_UNAVAILABLE,
                TEXT,
                format!(
                    "scheduler made no progress for {}\n",
                    humantime::format_duration(Duration::from_secs(age.as_secs()))
                ),
            ),
        };
    }
    // OpenMetrics only for a scraper that asks for it; the Prometheus text format is what
    // every other scraper (and promtool) reads.
    let openmetrics = request
        .headers()
        .get_all(hyper::header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("application/openmetrics-text"));
    let encoded = if openmetrics {
        metrics.encode().map(|text| (OPENMETRICS, text))
    } else {
        metrics.encode_prometheus().map(|text| (PROMETHEUS, text))
    };
    match encoded {
        Some((content_type, text)) => reply(StatusCode::OK, content_type, text),
        None => reply(StatusCode::NOT_FOUND, TEXT, "metrics are off\n".into()),
    }
}

fn reply(status: StatusCode, content_type: &'static str, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
