//! Outgoing messages: a transactional outbox (a message is written in the same transaction as
//! the change that causes it, so nothing is sent for a change that rolled back, and nothing is
//! lost for one that committed) and a worker that delivers email over SMTP and text messages
//! through an HTTP SMS gateway (`docs/SMS.md`), retrying with backoff, keeping each message's
//! status, holding texts during quiet hours and keeping to a send rate per channel.

pub mod routes;
pub mod sms;
pub mod store;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
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
    /// The customer it is for, so that closing their account removes it.
    pub customer_id: Option<i64>,
    /// The appointment it is about, so that cancelling the appointment removes it.
    pub appointment_id: Option<i64>,
    /// A calendar file to attach (email only).
    pub attachment: Option<String>,
}

/// Queues a message inside the caller's transaction.
pub async fn enqueue(tx: &mut Tx, now: DateTime<Utc>, m: &Message) -> Result<(), DbError> {
    enqueue_many(tx, now, std::slice::from_ref(m)).await
}

/// Queues many messages inside the caller's transaction, a few statements in all.
pub async fn enqueue_many(tx: &mut Tx, now: DateTime<Utc>, messages: &[Message]) -> Result<(), DbError> {
    store::insert(tx, now, messages, false).await
}

/// Queues messages whose body carries a single-use link (survey and focus-group invitations):
/// once a message is sent, or given up, its recipient, body and attachment are blanked, so the
/// outbox keeps neither the link nor the address until it is purged itself.
pub async fn enqueue_erased_when_sent(tx: &mut Tx, now: DateTime<Utc>, messages: &[Message]) -> Result<(), DbError> {
    store::insert(tx, now, messages, true).await
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
        crate::kernel::install_crypto_provider();
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailConfigError(format!("SMTP URL {url:?}: {e}")))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = from.parse().map_err(|e| MailConfigError(format!("sender address {from:?}: {e}")))?;
        Ok(Mailer { transport, from })
    }

    async fn send(&self, m: &store::Pending) -> Result<(), Failure> {
        let to: Mailbox = m.recipient.parse().map_err(|e| Failure::Permanent(format!("recipient: {e}")))?;
        let builder = Email::builder().from(self.from.clone()).to(to).subject(m.subject.as_str());
        let email = match &m.attachment {
            None => builder.body(m.body.clone()),
            Some(ics) => builder.multipart(
                MultiPart::mixed().singlepart(SinglePart::plain(m.body.clone())).singlepart(
                    Attachment::new("appointment.ics".to_owned()).body(
                        ics.clone(),
                        ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                            .map_err(|e| Failure::Permanent(e.to_string()))?,
                    ),
                ),
            ),
        }
        .map_err(|e| Failure::Permanent(e.to_string()))?;
        self.transport.send(email).await.map(|_| ()).map_err(|e| {
            if e.is_permanent() { Failure::Permanent(e.to_string()) } else { Failure::Temporary(e.to_string()) }
        })
    }
}

/// Why a delivery failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Worth trying again later.
    Temporary(String),
    /// Will never work (bad address, refused number, opted out).
    Permanent(String),
}

/// When texts are not sent, in a time zone: from `start` to `end` (crossing midnight).
#[derive(Debug, Clone, Copy)]
pub struct QuietHours {
    /// Zone the hours are in.
    pub tz: Tz,
    /// First quiet minute.
    pub start: NaiveTime,
    /// First minute texts go again.
    pub end: NaiveTime,
}

impl Default for QuietHours {
    fn default() -> QuietHours {
        QuietHours {
            tz: chrono_tz::America::New_York,
            start: NaiveTime::from_hms_opt(21, 0, 0).unwrap_or(NaiveTime::MIN),
            end: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or(NaiveTime::MIN),
        }
    }
}

impl QuietHours {
    /// Whether `now` falls in the quiet hours.
    pub fn contains(&self, now: DateTime<Utc>) -> bool {
        let t = now.with_timezone(&self.tz).time();
        if self.start <= self.end { t >= self.start && t < self.end } else { t >= self.start || t < self.end }
    }
}

/// Everything the delivery worker needs.
#[derive(Debug, Clone, Default)]
pub struct Senders {
    /// Email, when configured.
    pub mailer: Option<Mailer>,
    /// Texts, when configured.
    pub sms: Option<sms::Gateway>,
    /// Quiet hours for texts.
    pub quiet: QuietHours,
    /// Emails a second at most.
    pub email_per_second: u32,
    /// Texts a second at most.
    pub sms_per_second: u32,
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

/// Records the outcome of one round's deliveries: the sent ones in one statement, each failure
/// on its own (30 s, 1 min, 2 min … about an hour before the last try).
async fn record(
    db: &Db,
    due: &[store::Pending],
    results: Vec<Result<(), Failure>>,
    now: DateTime<Utc>,
) -> Result<Round, DbError> {
    let mut round = Round::default();
    let mut sent: Vec<i64> = Vec::new();
    for (m, result) in due.iter().zip(results) {
        let attempts = m.attempts + 1;
        let (give_up, e) = match result {
            Ok(()) => {
                sent.push(m.id);
                continue;
            }
            Err(Failure::Permanent(e)) => (true, e),
            Err(Failure::Temporary(e)) => (attempts >= MAX_ATTEMPTS, e),
        };
        let wait = Duration::seconds(30 * (1i64 << attempts.clamp(0, 7)));
        if give_up {
            round.failed += 1
        } else {
            round.retrying += 1
        }
        tracing::warn!(id = m.id, attempts, error = %e, "message not delivered");
        store::retry_or_fail(db, m.id, give_up, attempts, now + wait, &e).await?;
    }
    store::mark_sent(db, &sent, now).await?;
    round.sent = u64::try_from(sent.len()).unwrap_or(u64::MAX);
    Ok(round)
}

/// Delivers due email messages (up to `batch`), recording each outcome. Messages are first
/// claimed with a lease, so several nodes can run this at once without sending twice.
pub async fn deliver_due(db: &Db, mailer: &Mailer, now: DateTime<Utc>, batch: i64) -> Result<Round, DbError> {
    let due = store::claim(db, Channel::Email, now, batch).await?;
    // Several connections at once: an SMTP round trip is mostly waiting.
    let results = futures_util::future::join_all(due.iter().map(|m| mailer.send(m))).await;
    record(db, &due, results, now).await
}

/// Delivers due text messages (up to `batch`), unless it is quiet hours; numbers that sent STOP
/// get nothing.
pub async fn deliver_due_sms(
    db: &Db,
    gateway: &sms::Gateway,
    quiet: &QuietHours,
    now: DateTime<Utc>,
    batch: i64,
) -> Result<Round, DbError> {
    if quiet.contains(now) {
        return Ok(Round::default());
    }
    let due = store::claim(db, Channel::Sms, now, batch).await?;
    let mut results = Vec::with_capacity(due.len());
    for m in &due {
        results.push(if sms::opted_out(db, &m.recipient).await? {
            Err(Failure::Permanent("the number sent STOP".into()))
        } else {
            gateway.send(&m.recipient, &m.body, &format!("cris-outbox-{}", m.id)).await
        });
    }
    record(db, &due, results, now).await
}

/// One pass of the delivery worker: each channel, within its send rate for `seconds`.
pub async fn deliver_round(db: &Db, senders: &Senders, now: DateTime<Utc>, seconds: u32) -> Result<Round, DbError> {
    let mut total = Round::default();
    if let Some(m) = &senders.mailer {
        let r = deliver_due(db, m, now, i64::from(senders.email_per_second.max(1) * seconds.max(1))).await?;
        total.sent += r.sent;
        total.retrying += r.retrying;
        total.failed += r.failed;
    }
    if let Some(g) = &senders.sms {
        let r = deliver_due_sms(db, g, &senders.quiet, now, i64::from(senders.sms_per_second.max(1) * seconds.max(1)))
            .await?;
        total.sent += r.sent;
        total.retrying += r.retrying;
        total.failed += r.failed;
    }
    Ok(total)
}

/// Sent or failed messages created before `before` (the retention engine's plan).
pub async fn expired_messages(db: &Db, before: DateTime<Utc>) -> Result<crate::kernel::db::Extent, DbError> {
    store::expired_messages(db, before).await
}

/// Deletes the messages of a customer whose account is closed (R-CS-11).
pub async fn forget_customer(tx: &mut Tx, customer: i64) -> Result<u64, DbError> {
    store::forget_customer(tx, customer).await
}

/// The retention engine's purge of the outbox: up to `batch` sent or failed messages created
/// before `before`; pending ones wait for delivery.
pub async fn purge_messages_before(tx: &mut Tx, before: DateTime<Utc>, batch: i64) -> Result<u64, DbError> {
    store::purge_messages_before(tx, before, batch).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn quiet_hours_cross_midnight() {
        let q = QuietHours::default();
        // 02:00 UTC is 21:00 or 22:00 the evening before in New York: quiet.
        assert!(q.contains(Utc.with_ymd_and_hms(2026, 11, 3, 2, 30, 0).unwrap()));
        // 15:00 UTC is morning in New York: not quiet.
        assert!(!q.contains(Utc.with_ymd_and_hms(2026, 11, 3, 15, 0, 0).unwrap()));
        // 12:30 UTC is 07:30 in New York in November: still quiet.
        assert!(q.contains(Utc.with_ymd_and_hms(2026, 11, 3, 12, 30, 0).unwrap()));
    }
}
