//! A stand-in partner (Canada or Australia): its own request template and allow-list, a gallery
//! of synthetic persons, real bozorth3 matching, and an HTTP endpoint that IDENT forwards to
//! (`POST /v1/transactions`, the same envelope).

use std::sync::{Arc, Mutex, PoisonError};

use ansi_nist::{Date, Descriptive, Gender, Name, TaggedRecord, type2_fields as f};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use fingerprint::{Finger, XytMinutia};

use super::gallery::GalleryPerson;
use crate::ident::USCIS_AGENCY;
use crate::ident::model::{Answer, Partner, Query, new_tcn};
use crate::ident::wire::{Accepted, Envelope, Kind, Problem, bearer_ok, codes};
use crate::kernel::clock::Clock;

/// One partner's side.
pub struct PartnerSide {
    /// Which partner.
    pub partner: Partner,
    /// The token IDENT sends it.
    pub token: String,
    /// Its persons.
    pub gallery: Vec<GalleryPerson>,
    /// Every enrolled finger, and whose it is (index in `gallery`).
    fingers: Vec<Vec<XytMinutia>>,
    owners: Vec<usize>,
    clock: Clock,
    /// Queries received (from CRIS) and answers received (CRIS's to its queries).
    pub(super) log: Mutex<Log>,
    /// Whether it answers (503 when not).
    pub(super) available: Mutex<bool>,
}

/// What a partner received.
#[derive(Default)]
pub(super) struct Log {
    pub queries: Vec<Query>,
    pub answers: Vec<Answer>,
}

impl std::fmt::Debug for PartnerSide {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        out.debug_struct("PartnerSide").field("partner", &self.partner).field("gallery", &self.gallery.len()).finish()
    }
}

/// The salt of a partner's own captures of a finger (CRIS's impressions use other seeds).
fn capture_seed(partner: Partner, seed: u64) -> u64 {
    seed ^ match partner {
        Partner::Canada => 0x0CA0_CA0C,
        Partner::Australia => 0x0A05_A05A,
    }
}

impl PartnerSide {
    /// A partner with these persons enrolled.
    pub fn new(partner: Partner, gallery: Vec<GalleryPerson>, token: String, clock: Clock) -> PartnerSide {
        let mut fingers = Vec::new();
        let mut owners = Vec::new();
        for (i, person) in gallery.iter().enumerate() {
            for &(position, seed) in &person.finger_seeds {
                let capture = Finger::generate(seed).impression(capture_seed(partner, seed), position);
                fingers.push(fingerprint::to_xyt(&capture));
                owners.push(i);
            }
        }
        PartnerSide {
            partner,
            token,
            gallery,
            fingers,
            owners,
            clock,
            log: Mutex::default(),
            available: Mutex::new(true),
        }
    }

    /// The gallery person whose fingers match the query's best, if any reaches the threshold.
    pub fn identify(&self, query: &Query) -> Option<&GalleryPerson> {
        let mut best: Option<(u32, usize)> = None;
        for finger in &query.fingers {
            let probe = fingerprint::to_xyt(finger);
            if let Some(c) = fingerprint::search(&probe, &self.fingers, 2).first()
                && best.is_none_or(|(score, _)| c.score > score)
            {
                best = self.owners.get(c.index).map(|&owner| (c.score, owner));
            }
        }
        best.and_then(|(_, owner)| self.gallery.get(owner))
    }

    /// The answer to a query: RES and QSQ, and on a match what the allow-list gives for the
    /// query's sequence.
    pub fn answer(&self, query: &Query, found: Option<&GalleryPerson>) -> Answer {
        let mut text = TaggedRecord::new(2, 0).unwrap_or_else(|_| TaggedRecord::header());
        if let Some(p) = found {
            let d = Descriptive {
                name: Some(Name { surname: p.surname.clone(), given: p.given.clone() }),
                aliases: p.aliases.iter().map(|(s, g)| Name { surname: s.clone(), given: g.clone() }).collect(),
                country_of_birth: Some(p.birth_country.clone()),
                date_of_birth: date(p.birth_date),
                gender: Some(if p.sex == "F" { Gender::Female } else { Gender::Male }),
                encounter_id: Some(p.encounter.clone()),
                partner_id: Some(p.reference.clone()),
                ..Descriptive::default()
            };
            if let Ok(record) = d.to_record() {
                text = self.partner.answer_template(query.sequence).restrict(&record);
            }
        }
        let _ = text.set_text(f::QSQ, &query.sequence.to_string());
        Answer {
            tcn: new_tcn(self.partner.code()),
            tcr: query.tcn.clone(),
            date: self.clock.now().date_naive(),
            matched: found.is_some(),
            text,
            documents: Vec::new(),
        }
    }
}

fn date(d: chrono::NaiveDate) -> Option<Date> {
    Date::new(u16::try_from(d.year()).ok()?, u8::try_from(d.month()).ok()?, u8::try_from(d.day()).ok()?)
}

/// `POST /v1/transactions` of a partner: a query from USCIS (answered now) or USCIS's answer to
/// one of its queries (accepted).
pub async fn transactions(
    State(side): State<Arc<PartnerSide>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if !bearer_ok(&headers, &side.token) {
        return Problem::unauthorized().into_response();
    }
    if !*side.available.lock().unwrap_or_else(PoisonError::into_inner) {
        return Problem::unavailable(format!("{} is not answering now", side.partner.name())).into_response();
    }
    let envelope = match Envelope::from_json(&body) {
        Ok(e) => e,
        Err(e) => return Problem::malformed(e.to_string()).into_response(),
    };
    match envelope.kind {
        Kind::Query => {
            let query = match envelope.decode_query() {
                Ok(q) => q,
                Err(e) => return Problem::malformed(e.to_string()).into_response(),
            };
            // The partner's own template: what breaks it is refused, naming the field.
            if let Err(e) = side.partner.request_template().check(&query.text, 2) {
                return Problem::new(StatusCode::BAD_REQUEST, codes::TEMPLATE, e.to_string()).into_response();
            }
            let worker = side.clone();
            let probe = query.clone();
            let answer = tokio::task::spawn_blocking(move || {
                let found = worker.identify(&probe);
                worker.answer(&probe, found)
            })
            .await;
            let Ok(answer) = answer else {
                return Problem::unavailable("matching failed").into_response();
            };
            let Ok(bytes) = answer.encode(side.partner.agency(), USCIS_AGENCY) else {
                return Problem::unavailable("the answer could not be written").into_response();
            };
            side.log.lock().unwrap_or_else(PoisonError::into_inner).queries.push(query);
            let reply = Envelope::answer(side.partner, &answer.tcn, bytes);
            (StatusCode::OK, [(axum::http::header::CONTENT_TYPE, "application/json")], reply.to_json()).into_response()
        }
        Kind::Answer => {
            let answer = match envelope.decode_answer() {
                Ok(a) => a,
                Err(e) => return Problem::malformed(e.to_string()).into_response(),
            };
            let tcn = answer.tcn.clone();
            side.log.lock().unwrap_or_else(PoisonError::into_inner).answers.push(answer);
            (StatusCode::ACCEPTED, Json(Accepted { tcn })).into_response()
        }
    }
}

/// A query `partner` might send USCIS about the person with these fingers: its request template
/// filled with synthetic but valid values (requestor, date, reason, priority, name, birth date
/// and country, gender, an alias, encounter identifier).
pub fn sample_query(partner: Partner, fingers: Vec<ansi_nist::FingerMinutiae>, today: chrono::NaiveDate) -> Query {
    let d = Descriptive {
        name: Some(Name { surname: "HAKIMI".into(), given: "NADIA".into() }),
        aliases: vec![Name { surname: "HAKIMY".into(), given: "NADIA".into() }],
        country_of_birth: Some("AFG".into()),
        date_of_birth: Date::new(1990, 3, 14),
        gender: Some(Gender::Female),
        reason: Some("Protection claim: identity and immigration history".into()),
        requestor: Some(ansi_nist::Requestor {
            name: format!("{} OFFICER", partner.code()),
            contact: "liaison@partner.example".into(),
        }),
        request_date: date(today),
        priority: Some(ansi_nist::Priority::High),
        encounter_id: Some(format!("{}-ENC-000042", partner.code())),
        query_sequence: Some(1),
        ..Descriptive::default()
    };
    let text =
        d.to_record().map(|r| partner.request_template().restrict(&r)).unwrap_or_else(|_| TaggedRecord::header());
    let fingers = fingers
        .into_iter()
        .enumerate()
        .map(|(i, mut m)| {
            m.idc = u8::try_from(i + 1).unwrap_or(1);
            m
        })
        .collect();
    Query { tcn: new_tcn(partner.code()), date: today, sequence: 1, text, fingers, images: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ident::standin::gallery;

    #[test]
    fn a_partner_finds_its_person_by_fingers_and_discloses_by_sequence() {
        let clock = Clock::fixed(chrono::DateTime::UNIX_EPOCH);
        let side = PartnerSide::new(Partner::Australia, gallery::gallery(Partner::Australia, 12), "t".into(), clock);
        let shared = &side.gallery[8];
        let cris = shared.cris_person.unwrap();
        let probe = Finger::generate(gallery::person_finger_seed(cris, 1)).impression(777, 1);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let mut q = sample_query(Partner::Australia, vec![probe.clone()], today);
        assert!(Partner::Australia.request_template().check(&q.text, 2).is_ok());
        let found = side.identify(&q).unwrap();
        assert_eq!(found.reference, shared.reference);
        let first = side.answer(&q, Some(found));
        assert!(first.matched);
        assert_eq!(first.text.text(f::FPN), Some(shared.reference.as_str()));
        assert!(first.text.text(f::NAM).is_none(), "a first answer says match and reference only");
        q.sequence = 2;
        let second = side.answer(&q, Some(found));
        assert!(second.text.value(f::NAM).is_some() && second.text.value(f::AKA).is_none());
        let stranger = Finger::generate(99_999_999).impression(1, 1);
        assert!(side.identify(&sample_query(Partner::Australia, vec![stranger], today)).is_none());
    }
}
