//! CRIS's client of IDENT: `POST {url}/v1/transactions` with the envelope, bearer token, time
//! limits, and every refusal sorted into a typed [`IdentError`]. The token is never logged (the
//! client's `Debug` leaves it out).

use std::time::Duration;

use axum::http::StatusCode;

use super::USCIS_AGENCY;
use super::model::{Answer, EncodeError, Partner, Query};
use super::wire::{Accepted, Envelope, Kind, Problem, codes};

/// How long CRIS waits for IDENT to connect.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long CRIS waits for an answer (a partner matches synchronously).
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Why an exchange with IDENT did not happen, as the interface's problem documents say.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentError {
    /// 400 `malformed`: IDENT could not read what CRIS sent (the reader's message).
    #[error("IDENT could not read the transaction: {0}")]
    Malformed(String),
    /// 400 `template`: the partner's template refuses the query (the field named).
    #[error("the partner refused the query's template: {0}")]
    TemplateRefused(String),
    /// 401: IDENT does not know the token.
    #[error("IDENT refused the token")]
    Unauthorized,
    /// 403: no link to that partner (or, from CRIS, no agreement in force).
    #[error("refused for the partner: {0}")]
    PartnerRefused(String),
    /// 503, no answer in time, or no connection: worth sending again later.
    #[error("IDENT is unavailable: {0}")]
    Unavailable(String),
    /// Another status.
    #[error("IDENT answered {status}: {detail}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// The problem's detail, if any.
        detail: String,
    },
    /// A success whose body is not the interface's (not an envelope, not an answer to the query).
    #[error("IDENT's reply is not valid: {0}")]
    InvalidReply(String),
    /// The transaction could not be written.
    #[error(transparent)]
    Encode(#[from] EncodeError),
}

impl IdentError {
    /// Whether sending the same again later may succeed.
    pub fn is_temporary(&self) -> bool {
        matches!(self, IdentError::Unavailable(_))
    }

    /// The error a refusal's status and problem document mean.
    pub fn from_problem(status: u16, problem: Option<Problem>) -> IdentError {
        let code = problem.as_ref().map(|p| p.code.as_str()).unwrap_or_default().to_owned();
        let detail = problem.and_then(|p| p.detail).unwrap_or_default();
        match (status, code.as_str()) {
            (400, codes::TEMPLATE) => IdentError::TemplateRefused(detail),
            (400, _) => IdentError::Malformed(detail),
            (401, _) => IdentError::Unauthorized,
            (403, _) => IdentError::PartnerRefused(detail),
            (502..=504, _) => {
                IdentError::Unavailable(if detail.is_empty() { format!("status {status}") } else { detail })
            }
            _ => IdentError::Status { status, detail },
        }
    }
}

/// The client: IDENT's URL and the token CRIS sends.
#[derive(Clone)]
pub struct Client {
    url: String,
    token: String,
    http: reqwest::Client,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("url", &self.url).field("token", &"<hidden>").finish()
    }
}

impl Client {
    /// A client of IDENT at `url` (its root: `/v1/transactions` is added), sending `token`.
    ///
    /// # Errors
    /// A URL that is not http(s), or a client that cannot be built.
    pub fn new(url: &str, token: &str) -> Result<Client, String> {
        crate::kernel::install_crypto_provider();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(format!("IDENT URL {url:?} must start with https:// or http://"));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| format!("IDENT client: {e}"))?;
        Ok(Client { url: url.trim_end_matches('/').to_owned(), token: token.to_owned(), http })
    }

    /// IDENT's root URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Sends a query to a partner and returns the envelope sent and the partner's answer (an
    /// IQA answering this query, checked: decode it with [`Envelope::decode_answer`]).
    ///
    /// # Errors
    /// See [`IdentError`].
    pub async fn query(&self, partner: Partner, query: &Query) -> Result<(Envelope, Envelope), IdentError> {
        let sent = Envelope::query(partner, &query.tcn, query.encode(USCIS_AGENCY, partner.agency())?);
        let (status, body) = self.post(&sent).await?;
        if status != 200 {
            return Err(IdentError::InvalidReply(format!("status {status} where 200 was expected")));
        }
        let answer = Envelope::from_json(&body).map_err(|e| IdentError::InvalidReply(e.to_string()))?;
        if answer.kind != Kind::Answer || answer.partner != partner {
            return Err(IdentError::InvalidReply(format!("not an answer from {partner}")));
        }
        let decoded = answer.decode_answer().map_err(|e| IdentError::InvalidReply(e.to_string()))?;
        if decoded.tcr != query.tcn || decoded.tcn != answer.tcn {
            return Err(IdentError::InvalidReply(format!("the answer does not answer {}", query.tcn)));
        }
        Ok((sent, answer))
    }

    /// Sends CRIS's answer to a partner's query; returns the envelope sent.
    ///
    /// # Errors
    /// See [`IdentError`].
    pub async fn answer(&self, partner: Partner, answer: &Answer) -> Result<Envelope, IdentError> {
        let sent = Envelope::answer(partner, &answer.tcn, answer.encode(USCIS_AGENCY, partner.agency())?);
        let (status, body) = self.post(&sent).await?;
        let accepted: Accepted =
            serde_json::from_slice(&body).map_err(|_| IdentError::InvalidReply("not {\"tcn\": ...}".into()))?;
        if !(200..300).contains(&status) || accepted.tcn != answer.tcn {
            return Err(IdentError::InvalidReply(format!("status {status} accepting {}", accepted.tcn)));
        }
        Ok(sent)
    }

    /// Posts an envelope; a success's status and body, or the refusal's error.
    async fn post(&self, envelope: &Envelope) -> Result<(u16, Vec<u8>), IdentError> {
        let res = self
            .http
            .post(format!("{}/v1/transactions", self.url))
            .bearer_auth(&self.token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(envelope.to_json())
            .send()
            .await
            .map_err(|e| IdentError::Unavailable(unreachable(&e)))?;
        let status = res.status().as_u16();
        let body = res.bytes().await.map_err(|e| IdentError::Unavailable(unreachable(&e)))?.to_vec();
        if StatusCode::from_u16(status).is_ok_and(|s| s.is_success()) {
            return Ok((status, body));
        }
        Err(IdentError::from_problem(status, serde_json::from_slice(&body).ok()))
    }
}

/// A network failure in words, without the URL's query or credentials (reqwest's message names
/// the URL, which holds neither here).
fn unreachable(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        format!("no answer within {} seconds", TIMEOUT.as_secs())
    } else if e.is_connect() {
        "cannot connect".into()
    } else {
        format!("the exchange failed: {e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_map_to_typed_errors() {
        let p = |status, code: &str| Some(Problem::new(StatusCode::from_u16(status).unwrap(), code, "why"));
        assert_eq!(IdentError::from_problem(400, p(400, "malformed")), IdentError::Malformed("why".into()));
        assert_eq!(IdentError::from_problem(400, p(400, "template")), IdentError::TemplateRefused("why".into()));
        assert_eq!(IdentError::from_problem(401, None), IdentError::Unauthorized);
        assert_eq!(IdentError::from_problem(403, p(403, "partner-unknown")), IdentError::PartnerRefused("why".into()));
        assert!(IdentError::from_problem(503, None).is_temporary());
        assert!(!IdentError::from_problem(400, None).is_temporary());
        assert_eq!(IdentError::from_problem(418, None), IdentError::Status { status: 418, detail: String::new() });
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let c = Client::new("http://127.0.0.1:9", "very-secret-token").unwrap();
        assert!(!format!("{c:?}").contains("very-secret"));
        assert!(Client::new("ftp://x", "t").is_err());
    }
}
