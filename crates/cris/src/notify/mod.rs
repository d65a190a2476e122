//! Outgoing messages: a transactional outbox (a message is written in the same transaction as
//! the change that causes it, so nothing is sent for a change that rolled back, and nothing is
//! lost for one that committed) and a worker that delivers email over SMTP, retrying with backoff.

use chrono::{DateTime, Duration, Utc};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message as Email, Tokio1Executor};

use crate::kernel::db::{Db, DbError, Tx};

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Email, over SMTP.
    Email,
    /// Text message, through the SMS gateway.
    Sms,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }
}

/// A message to send.
#[derive(Debug, Clone)]
pub struct Message {
    /// Channel.
    pub channel: Channel,
    /// Address or number.
    pub recipient: String,
    /// Subject (email only).
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// Queues a message inside the caller's transaction.
pub async fn enqueue(tx: &mut Tx, now: DateTime<Utc>, m: &Message) -> Result<i64, DbError> {
    crate::with_tx!(tx, conn => {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO outbox (channel, recipient, subject, body, created_at, next_try_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(m.channel.as_str())
        .bind(&m.recipient)
        .bind(&m.subject)
        .bind(&m.body)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        Ok(id)
    })
}

/// Attempts before a message is given up as failed.
pub const MAX_ATTEMPTS: i32 = 8;

/// The SMTP side: transport and sender address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from.to_string()).finish()
    }
}

/// Mail configuration that cannot work.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MailConfigError(pub String);

impl Mailer {
    /// From an SMTP URL (`smtp://host:port`, `smtp://user:pass@host:587?tls=required` for
    /// STARTTLS, `smtps://host:465` for TLS) and a sender address.
    pub fn new(url: &str, from: &str) -> Result<Mailer, MailConfigError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailConfigError(format!("SMTP URL {url:?}: {e}")))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = from.parse().map_err(|e| MailConfigError(format!("sender address {from:?}: {e}")))?;
        Ok(Mailer { transport, from })
    }

    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("recipient: {e}"))?;
        let email = Email::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .body(body.to_owned())
            .map_err(|e| e.to_string())?;
        self.transport.send(email).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

/// What one delivery round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// Delivered.
    pub sent: u64,
    /// Will be retried.
    pub retrying: u64,
    /// Given up.
    pub failed: u64,
}

#[derive(sqlx::FromRow)]
struct Pending {
    id: i64,
    recipient: String,
    subject: String,
    body: String,
    attempts: i32,
}

/// How long a claimed message is reserved for the node sending it; if that node dies, another
/// sends it after this (at-least-once delivery).
const LEASE_SECS: i64 = 120;

/// Delivers due email messages (up to `batch`), recording each outcome. Messages are first
/// claimed with a lease, so several nodes can run this at once without sending twice.
pub async fn deliver_due(db: &Db, mailer: &Mailer, now: DateTime<Utc>, batch: i64) -> Result<Round, DbError> {
    let due: Vec<Pending> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "UPDATE outbox SET next_try_at = $1 WHERE status = 'pending' AND channel = 'email' AND next_try_at <= $2 \
             AND id IN (SELECT id FROM outbox WHERE status = 'pending' AND channel = 'email' AND next_try_at <= $2 ORDER BY id LIMIT $3) \
             RETURNING id, recipient, subject, body, attempts",
        )
        .bind(now + Duration::seconds(LEASE_SECS))
        .bind(now)
        .bind(batch)
        .fetch_all(pool)
        .await?
    });
    let mut round = Round::default();
    for m in due {
        let result = mailer.send(&m.recipient, &m.subject, &m.body).await;
        let attempts = m.attempts + 1;
        crate::with_db!(db, pool => {
            match &result {
                Ok(()) => {
                    round.sent += 1;
                    sqlx::query("UPDATE outbox SET status = 'sent', attempts = $1, sent_at = $2, last_error = NULL WHERE id = $3")
                        .bind(attempts)
                        .bind(now)
                        .bind(m.id)
                        .execute(pool)
                        .await?;
                }
                Err(e) => {
                    let give_up = attempts >= MAX_ATTEMPTS;
                    // 30 s, 1 min, 2 min ... about an hour at the last try.
                    let wait = Duration::seconds(30 * (1i64 << attempts.clamp(0, 7)));
                    if give_up { round.failed += 1 } else { round.retrying += 1 }
                    tracing::warn!(id = m.id, attempts, error = %e, "email not delivered");
                    sqlx::query("UPDATE outbox SET status = $1, attempts = $2, next_try_at = $3, last_error = $4 WHERE id = $5")
                        .bind(if give_up { "failed" } else { "pending" })
                        .bind(attempts)
                        .bind(now + wait)
                        .bind(e.chars().take(500).collect::<String>())
                        .bind(m.id)
                        .execute(pool)
                        .await?;
                }
            }
        });
    }
    Ok(round)
}
