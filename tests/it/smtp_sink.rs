//! A minimal SMTP server on 127.0.0.1:0 that accepts every message and keeps it: enough of
//! RFC 5321 (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for lettre's plain-SMTP client.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Longest message kept, so a runaway client cannot exhaust memory.
const MAX_MESSAGE: usize = 16 * 1024 * 1024;

/// One message received: the envelope and the raw data (dot-unstuffed).
#[derive(Debug, Clone, Default)]
pub struct Received {
    /// `MAIL FROM` argument.
    pub from: String,
    /// `RCPT TO` arguments.
    pub to: Vec<String>,
    /// Headers and body as sent.
    pub data: String,
}

/// A running sink: its address and what it received.
#[derive(Clone)]
pub struct SmtpSink {
    /// `127.0.0.1:port`.
    pub addr: std::net::SocketAddr,
    messages: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    /// Starts the sink on its own thread; it lives until the test process ends.
    pub fn start() -> SmtpSink {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        listener.set_nonblocking(true).expect("non-blocking");
        let messages: Arc<Mutex<Vec<Received>>> = Arc::default();
        let shared = Arc::clone(&messages);
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("sink runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                while let Ok((socket, _)) = listener.accept().await {
                    tokio::spawn(session(socket, Arc::clone(&shared)));
                }
            });
        });
        SmtpSink { addr, messages }
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<Received> {
        self.messages.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

async fn session(socket: tokio::net::TcpStream, messages: Arc<Mutex<Vec<Received>>>) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    if write
        .write_all(b"220 sink.test ESMTP ready\r\n")
        .await
        .is_err()
    {
        return;
    }
    let mut current = Received::default();
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let command = line.trim_end().to_string();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
            "HELO" => b"250 sink.test\r\n",
            "MAIL" => {
                current = Received {
                    from: argument(&command),
                    ..Received::default()
                };
                b"250 2.1.0 ok\r\n"
            }
            "RCPT" => {
                current.to.push(argument(&command));
                b"250 2.1.5 ok\r\n"
            }
            "DATA" => {
                if write.write_all(b"354 end with .\r\n").await.is_err() {
                    return;
                }
                let mut data = String::new();
                loop {
                    line.clear();
                    match lines.read_line(&mut line).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                    if data.len() + unstuffed.len() <= MAX_MESSAGE {
                        data.push_str(unstuffed);
                    }
                }
                current.data = data;
                if let Ok(mut all) = messages.lock() {
                    all.push(std::mem::take(&mut current));
                }
                b"250 2.0.0 queued\r\n"
            }
            "RSET" => {
                current = Received::default();
                b"250 ok\r\n"
            }
            "NOOP" => b"250 ok\r\n",
            "QUIT" => {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            }
            _ => b"502 not implemented\r\n",
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// `<a@b>` from `MAIL FROM:<a@b> SIZE=…`.
fn argument(command: &str) -> String {
    command
        .split_once(':')
        .map(|(_, rest)| rest.trim())
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or("")
        .trim_matches(['<', '>'])
        .to_string()
}
