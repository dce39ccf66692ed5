//! Helpers for the hostile-input and fault tests: raw TCP servers that misbehave on
//! purpose, fetchers with small limits, temp configs.

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use followup::config::Settings;
use followup::fetch::Fetcher;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A local server whose every connection is handed to `handle`; counts connections.
pub struct RawServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Connections accepted so far.
    pub hits: Arc<AtomicUsize>,
}

impl RawServer {
    /// `http://127.0.0.1:port{path}`.
    pub fn url(&self, path: &str) -> url::Url {
        url::Url::parse(&format!("http://{}{path}", self.addr)).expect("local URL")
    }

    /// Connections accepted so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

/// The request a raw server read.
pub struct Request {
    /// The request target, e.g. `/feed.xml`.
    pub path: String,
    /// The whole head, lowercased, for header checks.
    pub head: String,
}

/// Starts a server on 127.0.0.1:0; `handle` gets each connection after its request head
/// was read.
pub async fn raw_server<F, Fut>(handle: F) -> RawServer
where
    F: Fn(TcpStream, Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    let handle = Arc::new(handle);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let handle = Arc::clone(&handle);
            tokio::spawn(async move {
                let request = read_head(&mut stream).await;
                handle(stream, request).await;
            });
        }
    });
    RawServer { addr, hits }
}

/// A server answering every request with a two-item RSS feed whose guids start `prefix`.
pub async fn rss_server(prefix: &'static str) -> RawServer {
    raw_server(move |mut stream, _| async move {
        let body = rss(prefix, 2);
        let len = body.len().to_string();
        write_head(&mut stream, "200 OK", &[("Content-Length", &len)]).await;
        let _ = stream.write_all(body.as_bytes()).await;
    })
    .await
}

/// Reads a request head (the path is "" if the client sent none).
async fn read_head(stream: &mut TcpStream) -> Request {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head);
    Request {
        path: text.split_whitespace().nth(1).unwrap_or("").to_string(),
        head: text.to_ascii_lowercase(),
    }
}

/// Writes a full response head; the body, if any, is the caller's.
pub async fn write_head(stream: &mut TcpStream, status: &str, headers: &[(&str, &str)]) {
    let mut head = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes()).await;
}

/// A fetcher that may reach loopback, with small limits so tests are quick.
pub fn local_fetcher(max_body: u64, timeout: Duration) -> Fetcher {
    let settings = Settings {
        allow_private_networks: true,
        max_body,
        timeout,
        ..Settings::default()
    };
    Fetcher::new(&followup::pipeline::client_options(&settings)).expect("HTTP client")
}

/// A file under tests/fixtures.
pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// Writes a feeds.toml for `feeds` in `dir` with its database there too, and returns its path.
pub fn write_config(dir: &Path, feeds: &[url::Url], extra_settings: &str) -> PathBuf {
    let mut text = format!(
        "[settings]\ndatabase = \"{}\"\n{extra_settings}\n",
        dir.join("followup.db").display()
    );
    for feed in feeds {
        text.push_str(&format!("\n[[feed]]\nurl = \"{feed}\"\n"));
    }
    let path = dir.join("feeds.toml");
    std::fs::write(&path, text).expect("write config");
    path
}

/// An RSS document with `n` items whose guids are `{prefix}-{i}`.
pub fn rss(prefix: &str, n: usize) -> String {
    let mut doc =
        String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>");
    for i in 0..n {
        doc.push_str(&format!(
            "<item><title>Item {prefix} {i}</title><link>https://news.example/{prefix}/{i}</link>\
             <guid>{prefix}-{i}</guid></item>"
        ));
    }
    doc.push_str("</channel></rss>");
    doc
}
