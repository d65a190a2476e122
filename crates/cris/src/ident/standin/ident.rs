//! The stand-in IDENT: routes CRIS's queries to a partner (the partner's answer comes back in the
//! same reply), CRIS's answers to the partner, and partners' queries to CRIS's inbound URL. It
//! reads every transaction it routes, so a malformed one is refused here with the reader's message.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::ident::model::Partner;
use crate::ident::wire::{Envelope, EnvelopeError, Kind, Problem, bearer_ok, codes};

/// IDENT's links.
#[derive(Debug)]
pub struct Hub {
    /// The token CRIS sends.
    pub token: String,
    /// The token IDENT sends CRIS.
    pub inbound_token: String,
    /// Where partners' queries go: CRIS's `/ident/v1/transactions`.
    pub cris_inbound: RwLock<Option<String>>,
    /// Each partner's endpoint root and the token IDENT sends it, and the token it sends IDENT.
    pub partners: BTreeMap<Partner, Link>,
    /// The HTTP client IDENT forwards with.
    pub http: reqwest::Client,
}

/// A link to one partner.
#[derive(Debug, Clone)]
pub struct Link {
    /// The partner's root URL.
    pub url: String,
    /// The token IDENT sends the partner.
    pub to_partner: String,
    /// The token the partner sends IDENT.
    pub from_partner: String,
}

/// `POST /v1/transactions`, from CRIS.
pub async fn from_cris(State(hub): State<Arc<Hub>>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    if !bearer_ok(&headers, &hub.token) {
        return Problem::unauthorized().into_response();
    }
    let envelope = match read(&body) {
        Ok(e) => e,
        Err(p) => return p.into_response(),
    };
    let checked = match envelope.kind {
        Kind::Query => envelope.decode_query().map(|_| ()),
        Kind::Answer => envelope.decode_answer().map(|_| ()),
    };
    if let Err(e) = checked {
        return Problem::malformed(e.to_string()).into_response();
    }
    let Some(link) = hub.partners.get(&envelope.partner) else {
        let detail = format!("IDENT has no link to {}", envelope.partner);
        return Problem::new(StatusCode::FORBIDDEN, codes::PARTNER_UNKNOWN, detail).into_response();
    };
    relay(&hub.http, &format!("{}/v1/transactions", link.url), &link.to_partner, body.to_vec()).await
}

/// `POST /v1/partners/{code}/transactions`, from a partner: its query goes to CRIS.
pub async fn from_partner(
    State(hub): State<Arc<Hub>>,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let link = Partner::parse(&code).and_then(|p| hub.partners.get(&p));
    if link.filter(|l| bearer_ok(&headers, &l.from_partner)).is_none() {
        return Problem::unauthorized().into_response();
    }
    let envelope = match read(&body) {
        Ok(e) => e,
        Err(p) => return p.into_response(),
    };
    if envelope.kind != Kind::Query || envelope.partner.code() != code {
        return Problem::malformed("a partner posts its own queries here").into_response();
    }
    if let Err(e) = envelope.decode_query() {
        return Problem::malformed(e.to_string()).into_response();
    }
    let inbound = hub.cris_inbound.read().ok().and_then(|u| u.clone());
    let Some(inbound) = inbound else {
        return Problem::unavailable("CRIS's inbound address is not set").into_response();
    };
    relay(&hub.http, &inbound, &hub.inbound_token, body.to_vec()).await
}

/// Reads an envelope, refusing as the interface says.
fn read(body: &[u8]) -> Result<Envelope, Problem> {
    Envelope::from_json(body).map_err(|e| match e {
        EnvelopeError::Malformed(m) => Problem::malformed(m),
        EnvelopeError::UnknownPartner(_) => Problem::new(StatusCode::FORBIDDEN, codes::PARTNER_UNKNOWN, e.to_string()),
    })
}

/// Posts the body on, and answers with what came back (status, type and body), or 503.
async fn relay(http: &reqwest::Client, url: &str, token: &str, body: Vec<u8>) -> Response {
    let sent = http
        .post(url)
        .bearer_auth(token)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await;
    let Ok(res) = sent else {
        return Problem::unavailable("the other side cannot be reached").into_response();
    };
    let status = StatusCode::from_u16(res.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let kind = res
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_owned();
    match res.bytes().await {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, kind)], bytes.to_vec()).into_response(),
        Err(_) => Problem::unavailable("the other side's answer was cut off").into_response(),
    }
}
