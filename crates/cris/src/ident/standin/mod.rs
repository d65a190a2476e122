//! The stand-ins CRIS's tests and demo start in-process, on loopback: an IDENT and the partners
//! Canada and Australia, each an HTTP server speaking only `docs/IDENT.md`'s interface (the
//! partners behind IDENT speak the same envelope). CRIS reaches them with [`crate::ident::Client`]
//! like the real IDENT; the test drives a partner to ask CRIS with [`StandIns::partner_asks`] and
//! reads what a partner received with [`StandIns::received`] and [`StandIns::queries`].

pub mod gallery;
pub mod ident;
pub mod partner;

use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock};

use axum::Router;
use axum::routing::post;

pub use gallery::{GalleryPerson, demo_gallery, person_finger_seed};
pub use partner::sample_query;

use super::client::{Client, IdentError, TIMEOUT};
use super::model::{Answer, Partner, Query};
use super::wire::{Accepted, Envelope};
use crate::ident::USCIS_AGENCY;
use crate::kernel::clock::Clock;

/// How to start the stand-ins.
#[derive(Debug, Clone)]
pub struct Options {
    /// CRIS's inbound URL (`{cris}/ident/v1/transactions`), if known yet (see
    /// [`StandIns::set_cris_inbound`]).
    pub cris_inbound: Option<String>,
    /// Persons in each partner's gallery (the first of [`gallery::gallery`]); `None`: the demo's.
    pub gallery_size: Option<usize>,
    /// The partners' clock (the dates of their answers).
    pub clock: Clock,
}

/// The running stand-ins. Dropping them stops their servers.
#[derive(Debug)]
pub struct StandIns {
    /// IDENT's root URL: CRIS's `ident.url`.
    pub ident_url: String,
    /// CRIS's `ident.token`.
    pub token: String,
    /// CRIS's `ident.inbound_token`: what IDENT sends CRIS.
    pub inbound_token: String,
    hub: Arc<ident::Hub>,
    partners: BTreeMap<Partner, Arc<partner::PartnerSide>>,
    http: reqwest::Client,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for StandIns {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Serves a router on a loopback port; its URL and task.
async fn serve(router: Router) -> std::io::Result<(String, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let url = format!("http://{}", listener.local_addr()?);
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::warn!(error = %e, "IDENT stand-in stopped");
        }
    });
    Ok((url, task))
}

/// A random token.
fn token() -> String {
    crate::kernel::random::token(24).unwrap_or_else(|_| uuid::Uuid::new_v4().simple().to_string())
}

/// Starts IDENT and both partners on loopback ports.
///
/// # Errors
/// A port that cannot be bound, or an HTTP client that cannot be built.
pub async fn start(options: Options) -> std::io::Result<StandIns> {
    crate::kernel::install_crypto_provider();
    let http = reqwest::Client::builder().timeout(TIMEOUT).build().map_err(std::io::Error::other)?;
    let mut tasks = Vec::new();
    let mut partners = BTreeMap::new();
    let mut links = BTreeMap::new();
    for p in Partner::ALL {
        let people = gallery::gallery(p, options.gallery_size.unwrap_or(gallery::demo_size(p)));
        let to_partner = token();
        let clock = options.clock.clone();
        let side = Arc::new(
            tokio::task::spawn_blocking(move || partner::PartnerSide::new(p, people, to_partner, clock))
                .await
                .map_err(std::io::Error::other)?,
        );
        let router = Router::new().route("/v1/transactions", post(partner::transactions)).with_state(side.clone());
        let (url, task) = serve(router).await?;
        tasks.push(task);
        links.insert(p, ident::Link { url, to_partner: side.token.clone(), from_partner: token() });
        partners.insert(p, side);
    }
    let hub = Arc::new(ident::Hub {
        token: token(),
        inbound_token: token(),
        cris_inbound: RwLock::new(options.cris_inbound),
        partners: links,
        http: http.clone(),
    });
    let router = Router::new()
        .route("/v1/transactions", post(ident::from_cris))
        .route("/v1/partners/{code}/transactions", post(ident::from_partner))
        .with_state(hub.clone());
    let (ident_url, task) = serve(router).await?;
    tasks.push(task);
    Ok(StandIns {
        ident_url,
        token: hub.token.clone(),
        inbound_token: hub.inbound_token.clone(),
        hub,
        partners,
        http,
        tasks,
    })
}

impl StandIns {
    /// A client of the stand-in IDENT, as CRIS configures one.
    ///
    /// # Errors
    /// As [`Client::new`].
    pub fn client(&self) -> Result<Client, String> {
        Client::new(&self.ident_url, &self.token)
    }

    /// Sets where IDENT posts partners' queries (CRIS's `/ident/v1/transactions`).
    pub fn set_cris_inbound(&self, url: &str) {
        if let Ok(mut slot) = self.hub.cris_inbound.write() {
            *slot = Some(url.to_owned());
        }
    }

    /// Makes a partner answer `503` (false) or answer again (true).
    pub fn set_available(&self, partner: Partner, available: bool) {
        if let Some(side) = self.partners.get(&partner) {
            *side.available.lock().unwrap_or_else(PoisonError::into_inner) = available;
        }
    }

    /// A partner's gallery.
    pub fn gallery(&self, partner: Partner) -> &[GalleryPerson] {
        self.partners.get(&partner).map(|s| s.gallery.as_slice()).unwrap_or_default()
    }

    /// Drives `partner` to send CRIS `query` through IDENT: CRIS's `202` gives the accepted TCN.
    ///
    /// # Errors
    /// CRIS's (or IDENT's) refusal, as [`IdentError`] sorts it.
    pub async fn partner_asks(&self, partner: Partner, query: &Query) -> Result<String, IdentError> {
        let link = self.hub.partners.get(&partner).ok_or(IdentError::PartnerRefused(partner.code().into()))?;
        let bytes = query.encode(partner.agency(), USCIS_AGENCY)?;
        self.post(partner, &link.from_partner, Envelope::query(partner, &query.tcn, bytes).to_json()).await
    }

    /// Posts a raw body as `partner` to IDENT (a test's malformed transaction); the accepted TCN.
    ///
    /// # Errors
    /// The refusal, as [`IdentError`] sorts it.
    pub async fn partner_posts(&self, partner: Partner, body: Vec<u8>) -> Result<String, IdentError> {
        let link = self.hub.partners.get(&partner).ok_or(IdentError::PartnerRefused(partner.code().into()))?;
        self.post(partner, &link.from_partner, body).await
    }

    async fn post(&self, partner: Partner, token: &str, body: Vec<u8>) -> Result<String, IdentError> {
        let url = format!("{}/v1/partners/{}/transactions", self.ident_url, partner.code());
        let res = self
            .http
            .post(url)
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| IdentError::Unavailable(e.to_string()))?;
        let status = res.status().as_u16();
        let bytes = res.bytes().await.map_err(|e| IdentError::Unavailable(e.to_string()))?;
        if (200..300).contains(&status) {
            let accepted: Accepted = serde_json::from_slice(&bytes)
                .map_err(|_| IdentError::InvalidReply("CRIS's 202 is not {\"tcn\": ...}".into()))?;
            return Ok(accepted.tcn);
        }
        Err(IdentError::from_problem(status, serde_json::from_slice(&bytes).ok()))
    }

    /// The answers CRIS sent `partner`, in order.
    pub fn received(&self, partner: Partner) -> Vec<Answer> {
        self.partners
            .get(&partner)
            .map(|s| s.log.lock().unwrap_or_else(PoisonError::into_inner).answers.clone())
            .unwrap_or_default()
    }

    /// The queries CRIS sent `partner` that it answered, in order.
    pub fn queries(&self, partner: Partner) -> Vec<Query> {
        self.partners
            .get(&partner)
            .map(|s| s.log.lock().unwrap_or_else(PoisonError::into_inner).queries.clone())
            .unwrap_or_default()
    }
}
