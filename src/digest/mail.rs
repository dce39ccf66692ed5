//! Mailing a digest over SMTP with lettre and rustls: implicit TLS (`smtps://`), STARTTLS
//! required (`smtp://…?tls=required`), or plain SMTP to this machine only (the config
//! refuses anything else). The password comes from an environment variable or a file.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncTransport, Message, Tokio1Executor};

use crate::config::{DigestConfig, Password};

/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(60);

/// What a mail carries.
#[derive(Debug, Clone)]
pub enum Body {
    /// A plain-text body (text and Markdown digests).
    Text(String),
    /// HTML with a plain-text alternative for clients that show no HTML.
    Alternative {
        /// The plain-text part.
        text: String,
        /// The HTML part.
        html: String,
    },
    /// A JSON body.
    Json(String),
}

/// Why a digest could not be mailed.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// `[digest]` lacks what mailing needs.
    #[error("digest: {0}")]
    Config(String),
    /// The password could not be read.
    #[error("digest: cannot read the SMTP password from {from}: {reason}")]
    Password {
        /// The variable or file named.
        from: String,
        /// Why it failed.
        reason: String,
    },
    /// A mailbox does not parse.
    #[error("digest.{key}: invalid address {value:?}: {reason}")]
    Address {
        /// The config key.
        key: &'static str,
        /// The address.
        value: String,
        /// Why.
        reason: String,
    },
    /// The extra trust root could not be used.
    #[error("digest.smtp_ca_file {path}: {reason}")]
    Ca {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The message could not be built.
    #[error("cannot build the digest mail: {0}")]
    Build(String),
    /// The SMTP conversation failed.
    #[error("cannot send the digest via {server}")]
    Send {
        /// The server, without credentials.
        server: String,
        /// What lettre reported.
        source: lettre::transport::smtp::Error,
    },
}

/// Sends one mail with `subject` and `body` to the configured recipients.
pub async fn send(config: &DigestConfig, subject: &str, body: Body) -> Result<(), MailError> {
    let url = config.smtp_url.as_ref().ok_or_else(|| {
        MailError::Config("set smtp_url, from and to in [digest] to mail digests".into())
    })?;
    let message = message(config, subject, body)?;
    let transport = transport(config, url)?;
    transport
        .send(message)
        .await
        .map(drop)
        .map_err(|source| MailError::Send {
            server: server_name(url),
            source,
        })
}

fn server_name(url: &url::Url) -> String {
    format!(
        "{}://{}{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port().map(|p| format!(":{p}")).unwrap_or_default()
    )
}

fn mailbox(key: &'static str, value: &str) -> Result<Mailbox, MailError> {
    value.parse::<Mailbox>().map_err(|err| MailError::Address {
        key,
        value: value.to_string(),
        reason: err.to_string(),
    })
}

fn message(config: &DigestConfig, subject: &str, body: Body) -> Result<Message, MailError> {
    let from = config
        .from
        .as_deref()
        .ok_or_else(|| MailError::Config("set from in [digest] to mail digests".into()))?;
    if config.to.is_empty() {
        return Err(MailError::Config(
            "set to in [digest] to mail digests".into(),
        ));
    }
    let mut builder = Message::builder()
        .from(mailbox("from", from)?)
        .subject(subject);
    for to in &config.to {
        builder = builder.to(mailbox("to", to)?);
    }
    let built = match body {
        Body::Text(text) => builder.header(ContentType::TEXT_PLAIN).body(text),
        Body::Alternative { text, html } => {
            builder.multipart(MultiPart::alternative_plain_html(text, html))
        }
        Body::Json(json) => {
            let json_type = ContentType::parse("application/json; charset=utf-8")
                .map_err(|e| MailError::Build(e.to_string()))?;
            builder.header(json_type).body(json)
        }
    };
    built.map_err(|e| MailError::Build(e.to_string()))
}

fn password(config: &DigestConfig) -> Result<Option<String>, MailError> {
    match &config.password {
        Password::None => Ok(None),
        Password::Env(var) => std::env::var(var)
            .map(Some)
            .map_err(|err| MailError::Password {
                from: format!("${var}"),
                reason: err.to_string(),
            }),
        Password::File(path) => std::fs::read_to_string(path)
            .map(|p| Some(p.trim_end_matches(['\r', '\n']).to_string()))
            .map_err(|err| MailError::Password {
                from: path.display().to_string(),
                reason: err.to_string(),
            }),
    }
}

fn transport(
    config: &DigestConfig,
    url: &url::Url,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    // lettre falls back to ring too; installing it first keeps one provider process-wide.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let host = match url.host() {
        Some(url::Host::Domain(d)) => d.to_string(),
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        None => return Err(MailError::Config("smtp_url has no host".into())),
    };
    let required = url
        .query_pairs()
        .any(|(k, v)| k == "tls" && v == "required");
    let tls = |host: &str| -> Result<TlsParameters, MailError> {
        let mut builder = TlsParameters::builder(host.to_string());
        if let Some(path) = &config.smtp_ca_file {
            let ca_error = |reason: String| MailError::Ca {
                path: path.display().to_string(),
                reason,
            };
            let pem = std::fs::read(path).map_err(|e| ca_error(e.to_string()))?;
            let cert = Certificate::from_pem(&pem).map_err(|e| ca_error(e.to_string()))?;
            builder = builder.add_root_certificate(cert);
        }
        builder
            .build_rustls()
            .map_err(|e| MailError::Config(format!("cannot set up TLS for {host}: {e}")))
    };
    let (port, tls) = match url.scheme() {
        "smtps" => (465, Tls::Wrapper(tls(&host)?)),
        "smtp" if required => (587, Tls::Required(tls(&host)?)),
        // The config admits plain SMTP only to a loopback address.
        _ => (25, Tls::None),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(url.port().unwrap_or(port))
        .tls(tls)
        .timeout(Some(SMTP_TIMEOUT));
    let user = percent_encoding::percent_decode_str(url.username())
        .decode_utf8_lossy()
        .into_owned();
    match (user.is_empty(), password(config)?) {
        (false, Some(pass)) => builder = builder.credentials(Credentials::new(user, pass)),
        (false, None) => {
            return Err(MailError::Config(format!(
                "smtp_url names user {user:?} but neither password_env nor password_file is set"
            )));
        }
        (true, Some(_)) => {
            return Err(MailError::Config(
                "a password is set but smtp_url names no user (smtps://user@host)".into(),
            ));
        }
        (true, None) => {}
    }
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> DigestConfig {
        DigestConfig {
            smtp_url: Some(url::Url::parse("smtp://127.0.0.1:2525").unwrap()),
            from: Some("followup <followup@example.org>".into()),
            to: vec![
                "desk@example.org".into(),
                "Night Desk <night@example.org>".into(),
            ],
            ..DigestConfig::default()
        }
    }

    #[test]
    fn html_mail_carries_a_text_alternative() {
        let m = message(
            &config(),
            "digest",
            Body::Alternative {
                text: "plain words".into(),
                html: "<p>rich words</p>".into(),
            },
        )
        .unwrap();
        let raw = String::from_utf8(m.formatted()).unwrap();
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(raw.contains("text/plain"), "{raw}");
        assert!(raw.contains("text/html"), "{raw}");
        assert!(raw.contains("night@example.org"), "{raw}");
    }

    #[test]
    fn bad_addresses_name_their_key() {
        let mut c = config();
        c.from = Some("not an address".into());
        let err = message(&c, "s", Body::Text("x".into())).unwrap_err();
        assert!(err.to_string().starts_with("digest.from:"), "{err}");
    }

    #[test]
    fn a_user_without_a_password_is_refused() {
        let mut c = config();
        let url = url::Url::parse("smtps://desk@mail.example.org").unwrap();
        c.smtp_url = Some(url.clone());
        let err = transport(&c, &url).err().unwrap();
        assert!(err.to_string().contains("password_env"), "{err}");
        c.password = Password::Env("FOLLOWUP_TEST_SURELY_UNSET_VARIABLE".into());
        let err = transport(&c, &url).err().unwrap();
        assert!(
            err.to_string().contains("FOLLOWUP_TEST_SURELY_UNSET"),
            "{err}"
        );
    }
}
