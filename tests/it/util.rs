//! Helpers shared by the integration tests: a temp folder holding a config file and the
//! database path, the real `followup` binary run against it, fixture feeds, and small local
//! HTTP servers (wiremock for most cases, a raw socket server for an endless chunked body).

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The longest any one run of the binary may take before the test fails; a hung poll must
/// fail the suite, not stall it.
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// One `[[feed]]` line of a generated config.
pub struct Feed {
    /// The feed URL.
    pub url: String,
    /// Its display name, if any.
    pub name: Option<String>,
}

impl Feed {
    /// A feed without a name.
    pub fn new(url: impl Into<String>) -> Feed {
        Feed {
            url: url.into(),
            name: None,
        }
    }

    /// A feed with a display name.
    pub fn named(url: impl Into<String>, name: &str) -> Feed {
        Feed {
            url: url.into(),
            name: Some(name.to_string()),
        }
    }
}

/// A temp folder with `feeds.toml` and the path `f.db` the config names as its database.
pub struct TestEnv {
    /// Kept so the folder lives as long as the test.
    dir: TempDir,
    /// The config file.
    pub config: PathBuf,
    /// The database file the config points at.
    pub db: PathBuf,
}

/// What one run of the binary printed and how it exited.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Everything on stdout.
    pub stdout: String,
    /// Everything on stderr (logs).
    pub stderr: String,
}

impl Run {
    /// Whether the process exited 0.
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }

    /// Stdout parsed as JSON, failing the test with both streams shown when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|err| {
            panic!(
                "stdout is not JSON ({err})\nstdout:\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

impl TestEnv {
    /// A config with test settings (private networks allowed, short timeout, generous
    /// per-host limit since every feed shares 127.0.0.1), `overrides` replacing or adding
    /// `[settings]` keys as raw TOML values, and `feeds` in order.
    pub fn new(overrides: &[(&str, &str)], feeds: &[Feed]) -> TestEnv {
        let dir = tempfile::tempdir().expect("create temp dir");
        let db = dir.path().join("f.db");
        let mut settings: BTreeMap<&str, String> = BTreeMap::new();
        settings.insert("database", toml_string(&db.display().to_string()));
        settings.insert("allow_private_networks", "true".into());
        settings.insert("timeout", "\"5s\"".into());
        settings.insert("per_host", "8".into());
        for (key, value) in overrides {
            settings.insert(key, (*value).to_string());
        }
        let mut text = String::from("[settings]\n");
        for (key, value) in &settings {
            text.push_str(&format!("{key} = {value}\n"));
        }
        for feed in feeds {
            text.push_str(&format!("\n[[feed]]\nurl = {}\n", toml_string(&feed.url)));
            if let Some(name) = &feed.name {
                text.push_str(&format!("name = {}\n", toml_string(name)));
            }
        }
        Self::write(dir, db, &text)
    }

    /// A config written verbatim; `{db}` in `text` is replaced by the database path.
    pub fn raw(text: &str) -> TestEnv {
        let dir = tempfile::tempdir().expect("create temp dir");
        let db = dir.path().join("f.db");
        let text = text.replace("{db}", &db.display().to_string());
        Self::write(dir, db, &text)
    }

    fn write(dir: TempDir, db: PathBuf, text: &str) -> TestEnv {
        let config = dir.path().join("feeds.toml");
        std::fs::write(&config, text).expect("write config");
        TestEnv { dir, config, db }
    }

    /// The temp folder.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `followup --config <config> <args>`.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut all = vec!["--config", self.config.to_str().expect("utf-8 temp path")];
        all.extend_from_slice(args);
        self.run_plain(&all)
    }

    /// Runs `followup <args>` exactly as given, in the temp folder, with a clean environment
    /// for the variables followup reads.
    pub fn run_plain(&self, args: &[&str]) -> Run {
        let mut child = Command::new(env!("CARGO_BIN_EXE_followup"))
            .args(args)
            .current_dir(self.dir())
            .env_remove("FOLLOWUP_CONFIG")
            .env_remove("RUST_LOG")
            .env_remove("STATE_DIRECTORY")
            .env_remove("JOURNAL_STREAM")
            .env("XDG_STATE_HOME", self.dir().join("state"))
            .env("XDG_CONFIG_HOME", self.dir().join("xdg-config"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the followup binary");
        // Drain both pipes on threads so a large JSON output cannot fill a pipe and block.
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for followup") {
                break status;
            }
            if started.elapsed() > RUN_LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("followup {args:?} ran longer than {RUN_LIMIT:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        Run {
            code: status.code(),
            stdout: stdout.join().expect("stdout reader"),
            stderr: stderr.join().expect("stderr reader"),
        }
    }

    /// `poll`, which must exit 0.
    pub fn poll(&self) -> Run {
        let run = self.run(&["poll"]);
        assert!(run.ok(), "poll failed: {run:#?}");
        run
    }

    /// `poll` where no feed can be read (all failing or gone): it says so, and exits 3.
    pub fn poll_reading_nothing(&self) -> Run {
        let run = self.run(&["poll"]);
        assert_eq!(run.code, Some(3), "poll should read no feed: {run:#?}");
        assert!(
            run.stderr.contains("no feed could be"),
            "poll should say it read no feed: {run:#?}"
        );
        run
    }

    /// `items --format json --limit 1000` plus `extra` arguments, as JSON objects.
    pub fn items(&self, extra: &[&str]) -> Vec<Value> {
        let mut args = vec!["items", "--format", "json", "--limit", "1000"];
        args.extend_from_slice(extra);
        array(self.run(&args), "items")
    }

    /// `feeds --format json`, as JSON objects.
    pub fn feeds(&self) -> Vec<Value> {
        array(self.run(&["feeds", "--format", "json"]), "feeds")
    }

    /// The `feeds` row whose `url` is `url`.
    pub fn feed(&self, url: &str) -> Value {
        let feeds = self.feeds();
        feeds
            .iter()
            .find(|f| f["url"] == url)
            .cloned()
            .unwrap_or_else(|| panic!("no feeds row for {url}: {feeds:#?}"))
    }
}

fn array(run: Run, what: &str) -> Vec<Value> {
    assert!(run.ok(), "{what} failed: {run:#?}");
    match run.json() {
        Value::Array(values) => values,
        other => panic!("{what} did not print a JSON array: {other}"),
    }
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// A TOML basic string; JSON string escapes are valid TOML escapes.
pub fn toml_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

/// The bytes of `tests/fixtures/feeds/<name>`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feeds")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("read fixture {}: {err}", path.display()))
}

/// A 200 response with `body` and `content_type`.
pub fn ok(body: impl Into<Vec<u8>>, content_type: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into(), content_type)
}

/// Serves `response` for every GET of `route` on `server`.
pub async fn serve(server: &MockServer, route: &str, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(response)
        .mount(server)
        .await;
}

/// The requests `server` received for `route`, in order.
pub async fn requests_to(server: &MockServer, route: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == route)
        .collect()
}

/// A request header as text, if present.
pub fn header(request: &Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// An RSS 2.0 document with one `<item>` per `(guid, title)`, links under `site`.
pub fn rss(site: &str, items: &[(&str, &str)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Test wire</title><link>https://wire.example/</link><description>d</description>\n",
    );
    for (i, (guid, title)) in items.iter().enumerate() {
        out.push_str(&format!(
            "<item><title>{title}</title><link>{site}/{guid}</link>\
             <guid isPermaLink=\"false\">{guid}</guid>\
             <pubDate>Fri, 09 May 2031 {:02}:00:00 +0000</pubDate></item>\n",
            i % 24
        ));
    }
    out.push_str("</channel></rss>\n");
    out
}

/// The `title` fields of items.
pub fn titles(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A server on 127.0.0.1:0 that answers every request with a chunked 200 body that never
/// ends, so no Content-Length can reveal its size: 1 KiB chunks up to 64 MiB (a bound, so a
/// client without a cap cannot exhaust memory), then silence until the client hangs up.
/// It runs on its own thread, like wiremock's, so tests may block while it serves. Returns
/// its base URL; the server lives until the test process ends.
pub fn endless_chunked_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(endless_chunks(socket));
            }
        });
    });
    format!("http://{addr}")
}

async fn endless_chunks(mut socket: tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // Read the request head; its content does not matter.
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let start = "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\
                 Transfer-Encoding: chunked\r\n\r\n";
    if socket.write_all(start.as_bytes()).await.is_err() {
        return;
    }
    let mut chunk = b"400\r\n".to_vec();
    chunk.extend(std::iter::repeat_n(b'x', 1024));
    chunk.extend_from_slice(b"\r\n");
    for _ in 0..64 * 1024 {
        if socket.write_all(&chunk).await.is_err() {
            return;
        }
    }
    let _ = socket.read(&mut buf).await;
}

/// The bytes of `tests/fixtures/stories/<name>`.
pub fn story_fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/stories")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("read fixture {}: {err}", path.display()))
}

/// One feed entry with a summary and a declared publication time.
pub struct Entry<'a> {
    /// The entry's guid (not a permalink).
    pub guid: &'a str,
    /// Its title.
    pub title: &'a str,
    /// Its description.
    pub summary: &'a str,
    /// Its publication time, RFC 3339.
    pub published: &'a str,
    /// Its link.
    pub link: String,
}

/// An RSS 2.0 document with one `<item>` per entry, titles and summaries XML-escaped.
pub fn rss_entries(entries: &[Entry]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Test news</title><link>https://news.example/</link><description>d</description>\n",
    );
    for e in entries {
        let published = chrono::DateTime::parse_from_rfc3339(e.published)
            .unwrap_or_else(|err| panic!("bad test time {}: {err}", e.published))
            .to_rfc2822();
        out.push_str(&format!(
            "<item><title>{}</title><link>{}</link><guid isPermaLink=\"false\">{}</guid>\
             <description>{}</description><pubDate>{published}</pubDate></item>\n",
            xml_escape(e.title),
            xml_escape(&e.link),
            xml_escape(e.guid),
            xml_escape(e.summary),
        ));
    }
    out.push_str("</channel></rss>\n");
    out
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A config with the test settings of `TestEnv::new`, one `[[feed]]` per URL, and `extra`
/// (e.g. `[[story]]` tables) appended verbatim; `{db}` stands for the database path.
pub fn config_text(feeds: &[String], extra: &str) -> String {
    let mut text = String::from(
        "[settings]\ndatabase = \"{db}\"\nallow_private_networks = true\n\
         timeout = \"5s\"\nper_host = 8\n",
    );
    for url in feeds {
        text.push_str(&format!("\n[[feed]]\nurl = {}\n", toml_string(url)));
    }
    text.push('\n');
    text.push_str(extra);
    text
}

impl TestEnv {
    /// Replaces the config file with `text` (`{db}` replaced as in `raw`).
    pub fn rewrite(&self, text: &str) {
        let text = text.replace("{db}", &self.db.display().to_string());
        std::fs::write(&self.config, text).expect("rewrite config");
    }

    /// `matches --format json --limit 1000` plus `extra` arguments, as JSON objects.
    pub fn matches(&self, extra: &[&str]) -> Vec<Value> {
        let mut args = vec!["matches", "--format", "json", "--limit", "1000"];
        args.extend_from_slice(extra);
        array(self.run(&args), "matches")
    }

    /// `figures --format json` plus `extra` arguments.
    pub fn figures(&self, extra: &[&str]) -> Value {
        let mut args = vec!["figures", "--format", "json"];
        args.extend_from_slice(extra);
        let run = self.run(&args);
        assert!(run.ok(), "figures failed: {run:#?}");
        run.json()
    }
}

/// A local news site for story tests: every page of `tests/fixtures/stories` served at
/// `/pages/<stem>`, feeds mounted per test at `/feeds/<name>.xml`, and configs with one
/// story (`orvane`) whose baseline is `/pages/baseline`.
pub struct Site {
    /// The server; tests count its requests and mount new versions on it.
    pub server: MockServer,
}

impl Site {
    /// Starts the server and mounts every fixture page.
    pub async fn start() -> Site {
        let server = MockServer::start().await;
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stories");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .expect("list story fixtures")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".html"))
            .collect();
        names.sort();
        for name in names {
            let stem = name.trim_end_matches(".html");
            serve(
                &server,
                &format!("/pages/{stem}"),
                ok(story_fixture(&name), "text/html; charset=utf-8"),
            )
            .await;
        }
        Site { server }
    }

    /// The URL of page `stem`.
    pub fn page(&self, stem: &str) -> String {
        format!("{}/pages/{stem}", self.server.uri())
    }

    /// The URL of feed `name`.
    pub fn feed(&self, name: &str) -> String {
        format!("{}/feeds/{name}.xml", self.server.uri())
    }

    /// An entry linking to page `stem`.
    pub fn entry<'a>(
        &self,
        stem: &str,
        title: &'a str,
        summary: &'a str,
        published: &'a str,
    ) -> Entry<'a> {
        Entry {
            guid: title,
            title,
            summary,
            published,
            link: self.page(stem),
        }
    }

    /// Serves `entries` as feed `name`; a higher `priority` (lower number, 1..) replaces an
    /// earlier version of the feed.
    pub async fn serve_feed(&self, name: &str, entries: &[Entry<'_>], priority: u8) {
        Mock::given(method("GET"))
            .and(path(format!("/feeds/{name}.xml")))
            .respond_with(ok(rss_entries(entries), "application/rss+xml"))
            .with_priority(priority)
            .mount(&self.server)
            .await;
    }

    /// Serves `body` (HTML) at page `stem`, replacing what was served before when
    /// `priority` is lower than the default 5.
    pub async fn serve_page(&self, stem: &str, response: ResponseTemplate, priority: u8) {
        Mock::given(method("GET"))
            .and(path(format!("/pages/{stem}")))
            .respond_with(response)
            .with_priority(priority)
            .mount(&self.server)
            .await;
    }

    /// How many times page `stem` was requested.
    pub async fn fetches(&self, stem: &str) -> usize {
        requests_to(&self.server, &format!("/pages/{stem}"))
            .await
            .len()
    }

    /// The `[[story]]` table of the test story, with `extra` lines added to it.
    pub fn story(&self, extra: &str) -> String {
        format!(
            "[[story]]\nid = \"orvane\"\ntitle = \"Orvane Dam collapse\"\nbaseline_url = {}\n{extra}\n",
            toml_string(&self.page("baseline"))
        )
    }

    /// A test environment polling feeds `names`, with the test story (plus `extra` lines).
    pub fn env(&self, names: &[&str], extra: &str) -> TestEnv {
        let feeds: Vec<String> = names.iter().map(|n| self.feed(n)).collect();
        TestEnv::raw(&config_text(&feeds, &self.story(extra)))
    }
}

/// A running `followup run`, killed if the test ends without stopping it.
pub struct Daemon {
    child: Child,
    /// Everything it logged so far, filled by a reader thread.
    log: Arc<Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Daemon {
    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether it is still running (not exited, not killed).
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Starts `followup --config <env's config> run` with `vars` added to a clean environment.
    pub fn start(env: &TestEnv, vars: &[(&str, &OsStr)]) -> Daemon {
        let mut command = Command::new(env!("CARGO_BIN_EXE_followup"));
        command
            .arg("--config")
            .arg(&env.config)
            .arg("run")
            .current_dir(env.dir())
            .env_remove("FOLLOWUP_CONFIG")
            .env_remove("RUST_LOG")
            .env_remove("STATE_DIRECTORY")
            .env_remove("JOURNAL_STREAM")
            .env_remove("NOTIFY_SOCKET")
            .env_remove("WATCHDOG_USEC")
            .env_remove("WATCHDOG_PID")
            .env("XDG_STATE_HOME", env.dir().join("state"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (key, value) in vars {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("start followup run");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().expect("piped stderr");
        let sink = Arc::clone(&log);
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        Daemon {
            child,
            log,
            reader: Some(reader),
        }
    }

    /// Sends signal `name` (`TERM`, `HUP`, `KILL`) with kill(1).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Everything it logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// The address `[settings] metrics` was bound to, from its startup log line.
    pub async fn metrics_addr(&self) -> String {
        self.wait_for_log("metrics_addr=", Duration::from_secs(10))
            .await;
        let log = self.log();
        let at = log.find("metrics_addr=").expect("metrics_addr in the log") + 13;
        log[at..]
            .split_whitespace()
            .next()
            .expect("an address after metrics_addr=")
            .to_string()
    }

    /// Waits until the log contains `text`, failing the test after `limit`.
    pub async fn wait_for_log(&self, text: &str, limit: Duration) {
        let ok = wait_until(limit, || self.log().contains(text)).await;
        assert!(
            ok,
            "no {text:?} in the log within {limit:?}:\n{}",
            self.log()
        );
    }

    /// Waits for the process to exit; returns its code and its whole log.
    pub fn wait(mut self, limit: Duration) -> (Option<i32>, String) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for followup") {
                if let Some(reader) = self.reader.take() {
                    let _ = reader.join();
                }
                return (status.code(), self.log());
            }
            if started.elapsed() > limit {
                panic!(
                    "followup run did not exit within {limit:?}:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `check` every 20 ms until it holds or `limit` passes.
pub async fn wait_until(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    check()
}

/// Fails the test unless `PRAGMA integrity_check` of `db` says ok.
pub fn assert_integrity(db: &Path) {
    let conn = rusqlite::Connection::open(db).expect("open the test database");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("integrity_check");
    assert_eq!(check, "ok");
}

/// An article page for the story test, in words written for it.
pub fn article_page(title: &str) -> String {
    format!(
        "<!doctype html><html><head><title>{title}</title>\
         <meta property=\"article:published_time\" content=\"2031-05-09T08:00:00Z\"></head>\
         <body><article><h1>{title}</h1>\
         <p>The Velmora Dam gave way before dawn on Friday, sending water through the lower \
         valley towns, the Ostrava Water Board said in a statement.</p>\
         <p>At least 12 people were killed and 30 were injured, according to the Ostrava Water \
         Board, which runs the Velmora Dam. Rescue crews were still searching the riverbanks.</p>\
         <p>Engineers had warned about cracks in the Velmora Dam wall last year, officials of \
         the Ostrava Water Board confirmed.</p></article></body></html>"
    )
}
