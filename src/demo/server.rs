//! The demo world on the wire: an HTTP/1.1 server on an ephemeral loopback port that answers
//! as the world stands at the current step (feeds, pages, robots.txt), with ETags so
//! re-checks of unchanged pages get 304 as from a real site. Everything is rendered from
//! memory; nothing is read from disk.

use std::convert::Infallible;
use std::hash::{DefaultHasher, Hash as _, Hasher as _};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, ETAG, HeaderValue, IF_NONE_MATCH};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::render::{self, Clock};
use super::world::World;

/// The running server; it stops when dropped.
#[derive(Debug)]
pub struct Server {
    /// Where it listens.
    addr: SocketAddr,
    /// The world hour it serves.
    hour: Arc<AtomicU32>,
    /// Requests answered, for the demo's summary.
    requests: Arc<AtomicUsize>,
    /// Stops the accept loop.
    stop: CancellationToken,
}

/// What every connection task shares.
struct Shared {
    world: World,
    clock: Clock,
    base: String,
    hour: Arc<AtomicU32>,
    requests: Arc<AtomicUsize>,
}

impl Server {
    /// Binds 127.0.0.1 on a port the system picks and serves `world` at hour 0 until dropped.
    /// Must be called inside a tokio runtime.
    pub async fn start(world: World, clock: Clock) -> std::io::Result<Server> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let hour = Arc::new(AtomicU32::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let stop = CancellationToken::new();
        let shared = Arc::new(Shared {
            world,
            clock,
            base: format!("http://{addr}"),
            hour: Arc::clone(&hour),
            requests: Arc::clone(&requests),
        });
        tokio::spawn(accept(listener, shared, stop.clone()));
        Ok(Server {
            addr,
            hour,
            requests,
            stop,
        })
    }

    /// `http://127.0.0.1:PORT`, the prefix of every URL it serves.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Moves the world's clock: from now on it answers as at world hour `hour`.
    pub fn set_hour(&self, hour: u32) {
        self.hour.store(hour, Ordering::SeqCst);
    }

    /// How many requests it has answered.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>, stop: CancellationToken) {
    loop {
        let stream = tokio::select! {
            _ = stop.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of descriptors or a reset before accept: the client retries or fails
                // its own request; the server keeps going.
                Err(_) => continue,
            },
        };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let response = respond(&request, &shared);
                async move { Ok::<_, Infallible>(response) }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The answer to one request at the current world hour.
fn respond(request: &Request<Incoming>, shared: &Shared) -> Response<Full<Bytes>> {
    shared.requests.fetch_add(1, Ordering::SeqCst);
    let now = shared.hour.load(Ordering::SeqCst);
    let path = request.uri().path().trim_start_matches('/');
    let world = &shared.world;
    let found = if path == "robots.txt" {
        Some(("text/plain", "User-agent: *\nAllow: /\n".to_string()))
    } else if let Some(outlet) = path.strip_suffix("/feed") {
        world
            .outlets
            .iter()
            .position(|o| o.id == outlet)
            .map(|i| render::feed(world, i, now, &shared.base, shared.clock))
    } else {
        world.item_at(path).and_then(|item| {
            render::page(world, item, now, &shared.base, shared.clock)
                .map(|html| ("text/html; charset=utf-8", html))
        })
    };
    let Some((content_type, body)) = found else {
        return reply(
            StatusCode::NOT_FOUND,
            "text/plain",
            "not found\n".into(),
            None,
        );
    };
    let etag = {
        let mut hasher = DefaultHasher::new();
        body.hash(&mut hasher);
        format!("\"{:016x}\"", hasher.finish())
    };
    let unchanged = request
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    if unchanged {
        return reply(
            StatusCode::NOT_MODIFIED,
            content_type,
            String::new(),
            Some(&etag),
        );
    }
    reply(StatusCode::OK, content_type, body, Some(&etag))
}

fn reply(
    status: StatusCode,
    content_type: &'static str,
    body: String,
    etag: Option<&str>,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(tag) = etag.and_then(|t| HeaderValue::from_str(t).ok()) {
        headers.insert(ETAG, tag);
    }
    response
}
