//! The HTTP side of `docs/IDENT.md`: the JSON envelope, the problem documents, the bearer-token
//! check, and the reading of an inbound envelope into a query (for the route that receives
//! partners' queries, `icts`, and for the stand-ins).

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};

use super::model::{Answer, Partner, Query};
use crate::kernel::random::constant_time_eq;

/// What an envelope carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An IQR.
    Query,
    /// An IQA.
    Answer,
}

/// A transaction as it travels: `{"kind", "partner", "tcn", "transaction": base64}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// Query or answer.
    pub kind: Kind,
    /// The partner it goes to or comes from.
    pub partner: Partner,
    /// Its 1.009 TCN.
    pub tcn: String,
    /// The ANSI/NIST-ITL transaction's bytes.
    pub transaction: Vec<u8>,
}

/// The envelope as JSON, before its partner and base64 are read.
#[derive(Serialize, Deserialize)]
struct RawEnvelope {
    kind: Kind,
    partner: String,
    tcn: String,
    transaction: String,
}

/// The `202` body: the control number of what was accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    /// The accepted transaction's TCN.
    pub tcn: String,
}

/// Why an envelope does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// Not the JSON of the interface, or the base64 does not decode.
    #[error("{0}")]
    Malformed(String),
    /// A partner code no link exists for.
    #[error("partner {0:?} is unknown")]
    UnknownPartner(String),
}

impl Envelope {
    /// The envelope of a query.
    pub fn query(partner: Partner, tcn: &str, transaction: Vec<u8>) -> Envelope {
        Envelope { kind: Kind::Query, partner, tcn: tcn.to_owned(), transaction }
    }

    /// The envelope of an answer.
    pub fn answer(partner: Partner, tcn: &str, transaction: Vec<u8>) -> Envelope {
        Envelope { kind: Kind::Answer, partner, tcn: tcn.to_owned(), transaction }
    }

    /// The JSON body.
    pub fn to_json(&self) -> Vec<u8> {
        let raw = RawEnvelope {
            kind: self.kind,
            partner: self.partner.code().to_owned(),
            tcn: self.tcn.clone(),
            transaction: BASE64.encode(&self.transaction),
        };
        serde_json::to_vec(&raw).unwrap_or_default()
    }

    /// Reads a JSON body.
    ///
    /// # Errors
    /// Malformed JSON or base64, or an unknown partner.
    pub fn from_json(body: &[u8]) -> Result<Envelope, EnvelopeError> {
        let raw: RawEnvelope = serde_json::from_slice(body).map_err(|e| {
            EnvelopeError::Malformed(format!(
                "the body is not {{\"kind\": \"query\"|\"answer\", \"partner\", \"tcn\", \"transaction\"}}: {e}"
            ))
        })?;
        let partner = Partner::parse(&raw.partner).ok_or(EnvelopeError::UnknownPartner(raw.partner))?;
        let transaction = BASE64
            .decode(raw.transaction.as_bytes())
            .map_err(|e| EnvelopeError::Malformed(format!("transaction is not base64: {e}")))?;
        if raw.tcn.is_empty() || raw.tcn.len() > 40 {
            return Err(EnvelopeError::Malformed("tcn must be 1 to 40 characters".into()));
        }
        Ok(Envelope { kind: raw.kind, partner, tcn: raw.tcn, transaction })
    }

    /// The query it carries.
    ///
    /// # Errors
    /// The transaction does not read as an IQR (naming record and field).
    pub fn decode_query(&self) -> Result<Query, ansi_nist::Error> {
        Query::decode(&self.transaction)
    }

    /// The answer it carries.
    ///
    /// # Errors
    /// The transaction does not read as an IQA (naming record and field).
    pub fn decode_answer(&self) -> Result<Answer, ansi_nist::Error> {
        Answer::decode(&self.transaction)
    }
}

/// The problem codes of the interface (`docs/IDENT.md`, Errors).
pub mod codes {
    /// 400: the envelope or the transaction does not read.
    pub const MALFORMED: &str = "malformed";
    /// 400: the partner's template refuses the query.
    pub const TEMPLATE: &str = "template";
    /// 401: no token, or not the agreed one.
    pub const UNAUTHORIZED: &str = "unauthorized";
    /// 403: IDENT has no link to the partner named.
    pub const PARTNER_UNKNOWN: &str = "partner-unknown";
    /// 403: CRIS refuses a partner without an agreement in force.
    pub const FORBIDDEN: &str = "forbidden";
    /// 503: cannot answer now.
    pub const UNAVAILABLE: &str = "unavailable";
}

/// An RFC 9457 problem document as the interface writes and reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The problem type (`about:blank` or `/problems/<code>`).
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Summary of the type.
    #[serde(default)]
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The interface's code (`codes`).
    #[serde(default)]
    pub code: String,
}

impl Problem {
    /// A problem of this status and code.
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("/problems/{code}"),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            detail: Some(detail.into()),
            code: code.into(),
        }
    }

    /// 400 `malformed`, the reader's message as the detail.
    pub fn malformed(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, codes::MALFORMED, detail)
    }

    /// 401.
    pub fn unauthorized() -> Problem {
        Problem::new(StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED, "Send the agreed bearer token.")
    }

    /// 503.
    pub fn unavailable(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::SERVICE_UNAVAILABLE, codes::UNAVAILABLE, detail)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"))], body).into_response()
    }
}

/// Whether the request carries `Authorization: Bearer <expected>` (compared in constant time).
pub fn bearer_ok(headers: &HeaderMap, expected: &str) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    !expected.is_empty() && constant_time_eq(given.as_bytes(), expected.as_bytes())
}

/// A partner's query as IDENT posts it to CRIS, read: the token checked, the envelope and the
/// transaction read. The refusals are the interface's (400 naming record and field, 401, 403 for
/// an unknown partner); a query from a partner without an agreement is the caller's to refuse.
///
/// # Errors
/// The problem document to answer with.
pub fn read_inbound_query(headers: &HeaderMap, body: &[u8], token: &str) -> Result<(Envelope, Query), Problem> {
    if !bearer_ok(headers, token) {
        return Err(Problem::unauthorized());
    }
    let envelope = match Envelope::from_json(body) {
        Ok(e) => e,
        Err(EnvelopeError::Malformed(m)) => return Err(Problem::malformed(m)),
        Err(e @ EnvelopeError::UnknownPartner(_)) => {
            return Err(Problem::new(StatusCode::FORBIDDEN, codes::PARTNER_UNKNOWN, e.to_string()));
        }
    };
    if envelope.kind != Kind::Query {
        return Err(Problem::malformed("only queries (kind \"query\") are posted to CRIS"));
    }
    let query = envelope.decode_query().map_err(|e| Problem::malformed(e.to_string()))?;
    if query.tcn != envelope.tcn {
        return Err(Problem::malformed(format!(
            "tcn {:?} is not the transaction's 1.009 TCN {:?}",
            envelope.tcn, query.tcn
        )));
    }
    Ok((envelope, query))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_carry_the_transaction_in_base64_and_name_their_faults() {
        let e = Envelope::query(Partner::Australia, "T-1", vec![0x1C, 0, 255]);
        let json = String::from_utf8(e.to_json()).unwrap();
        assert_eq!(json, r#"{"kind":"query","partner":"AUS","tcn":"T-1","transaction":"HAD/"}"#);
        assert_eq!(Envelope::from_json(json.as_bytes()).unwrap(), e);
        let unknown = json.replace("AUS", "NZL");
        assert_eq!(Envelope::from_json(unknown.as_bytes()), Err(EnvelopeError::UnknownPartner("NZL".into())));
        let bad = json.replace("HAD/", "@@");
        assert!(
            matches!(Envelope::from_json(bad.as_bytes()), Err(EnvelopeError::Malformed(m)) if m.contains("base64"))
        );
        assert!(matches!(Envelope::from_json(b"{}"), Err(EnvelopeError::Malformed(_))));
    }

    #[test]
    fn the_bearer_token_must_be_the_expected_one() {
        let mut h = HeaderMap::new();
        assert!(!bearer_ok(&h, "s3cret"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer s3cret"));
        assert!(bearer_ok(&h, "s3cret"));
        assert!(!bearer_ok(&h, "other"));
        assert!(!bearer_ok(&h, ""), "an empty expected token opens nothing");
    }
}
