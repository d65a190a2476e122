//! The demo data generator: realistic cases with plausible histories, built deterministically
//! from a seed and an "as of" day. Pure: no I/O, so it can run on its own thread while another
//! writes to the database.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::rng::Rng;
use crate::kernel::ids::{ReceiptNumber, TrackingNumber};
use crate::reference::{Catalog, OfficeKind, Produces};

/// One generated case, ready to insert. Codes point into the [`Plan`]'s tables.
#[derive(Debug, Clone)]
pub struct CaseRow {
    /// Database id, assigned by the generator so history rows need no round trip.
    pub id: i64,
    /// Canonical receipt number.
    pub receipt: String,
    /// Index into [`Plan::forms`].
    pub form: usize,
    /// Index into [`Plan::offices`].
    pub office: usize,
    /// Current status code.
    pub status: &'static str,
    /// Day the case was received.
    pub received_on: NaiveDate,
    /// Day of the current status.
    pub status_on: NaiveDate,
    /// Mailing ZIP of the applicant.
    pub mailing_zip: String,
    /// Not to be disclosed.
    pub restricted: bool,
}

/// One history entry.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    /// The case.
    pub case_id: i64,
    /// Order within the case, from 1.
    pub seq: i32,
    /// Status code.
    pub status: &'static str,
    /// Day it happened.
    pub on: NaiveDate,
}

/// A card or document mailed with USPS tracking.
#[derive(Debug, Clone)]
pub struct MailRow {
    /// Valid USPS tracking number.
    pub tracking: String,
    /// The case.
    pub case_id: i64,
    /// `card` or `document`.
    pub kind: &'static str,
    /// Day mailed.
    pub on: NaiveDate,
}

/// A slice of the data set, written in one transaction.
#[derive(Debug, Default)]
pub struct Batch {
    /// Cases.
    pub cases: Vec<CaseRow>,
    /// Their histories.
    pub history: Vec<HistoryRow>,
    /// Their mailed items.
    pub mail: Vec<MailRow>,
    /// Each case's stored report (`case_status::model::Facts`), in the order of `cases`; filled
    /// by [`Batch::fill_reports`].
    pub reports: Vec<String>,
    /// The decisions (approved or denied) among them: (form, office, received, decided), so that
    /// processing times can be suggested without reading the history back.
    pub decisions: Vec<Decision>,
}

/// A decided case: indices into [`Plan::forms`] and [`Plan::offices`], the day it was received
/// and the day of its decision.
pub type Decision = (usize, usize, NaiveDate, NaiveDate);

impl Batch {
    /// Encodes each case's report from its history and mail in this batch (CPU work, done on
    /// the generator's thread). The generator writes a case's rows together, in the order of
    /// its cases: the reports are encoded in one pass over them, straight from the rows.
    pub fn fill_reports(&mut self) {
        use crate::case_status::model::Facts;
        let mut reports = Vec::with_capacity(self.cases.len());
        let (mut h, mut m) = (0, 0);
        let mut steps: Vec<(NaiveDate, i32, &str)> = Vec::with_capacity(16);
        let mut history: Vec<(&str, NaiveDate)> = Vec::with_capacity(16);
        let mut mailed: Vec<(&str, &str, NaiveDate)> = Vec::with_capacity(2);
        for c in &self.cases {
            steps.clear();
            while let Some(row) = self.history.get(h).filter(|r| r.case_id == c.id) {
                steps.push((row.on, row.seq, row.status));
                h += 1;
            }
            mailed.clear();
            while let Some(item) = self.mail.get(m).filter(|i| i.case_id == c.id) {
                mailed.push((item.tracking.as_str(), item.kind, item.on));
                m += 1;
            }
            // The order a lookup reads the tables in.
            steps.sort_by_key(|&(on, seq, _)| (on, seq));
            mailed.sort_by_key(|&(_, _, on)| on);
            history.clear();
            history.extend(steps.iter().map(|&(on, _, status)| (status, on)));
            reports.push(Facts::encode_plain(&history, &mailed));
        }
        if h == self.history.len() && m == self.mail.len() {
            self.reports = reports;
        } else {
            self.fill_reports_by_case();
        }
    }

    /// [`Batch::fill_reports`] for rows in any order.
    fn fill_reports_by_case(&mut self) {
        use crate::case_status::model::{Facts, HistoryRow as Step, Mailed};
        use std::collections::HashMap;
        type Gathered = (Vec<(i32, Step)>, Vec<Mailed>);
        let mut facts: HashMap<i64, Gathered> = HashMap::with_capacity(self.cases.len());
        for h in &self.history {
            let step = Step {
                status_code: h.status.to_owned(),
                occurred_on: h.on,
                title_en: None,
                desc_en: None,
                title_es: None,
                desc_es: None,
            };
            facts.entry(h.case_id).or_default().0.push((h.seq, step));
        }
        for m in &self.mail {
            facts.entry(m.case_id).or_default().1.push(Mailed {
                tracking_number: m.tracking.clone(),
                kind: m.kind.to_owned(),
                mailed_on: m.on,
            });
        }
        self.reports = self
            .cases
            .iter()
            .map(|c| {
                let (mut steps, mut mailed) = facts.remove(&c.id).unwrap_or_default();
                // The order a lookup reads the tables in.
                steps.sort_by_key(|(seq, s)| (s.occurred_on, *seq));
                mailed.sort_by_key(|m| m.mailed_on);
                Facts { history: steps.into_iter().map(|(_, s)| s).collect(), mailed, scans: Vec::new() }.encode()
            })
            .collect();
    }
}

/// The public sandbox receipt numbers that third-party clients use in their tests.
pub const SANDBOX_RANGES: [(&str, u64, u64); 4] = [
    ("EAC", 9_999_103_403, 9_999_103_432),
    ("LIN", 9_999_106_498, 9_999_106_507),
    ("SRC", 9_999_102_777, 9_999_102_787),
    ("SRC", 9_999_132_694, 9_999_132_719),
];

/// Every sandbox receipt number, in order.
pub fn sandbox_receipts() -> Vec<String> {
    SANDBOX_RANGES.iter().flat_map(|&(prefix, lo, hi)| (lo..=hi).map(move |n| format!("{prefix}{n:010}"))).collect()
}

/// Forms people most often file electronically (receipt prefix IOE).
const EFILED_FORMS: [&str; 8] = ["I-90", "I-765", "N-400", "I-130", "I-131", "I-539", "I-821D", "N-600"];

/// How often each form is filed, roughly (per mille of all filings).
fn form_weight(code: &str) -> u32 {
    match code {
        "I-765" => 180,
        "I-130" | "N-400" => 120,
        "I-485" => 100,
        "I-90" => 80,
        "I-131" => 70,
        "I-129" => 60,
        "I-539" => 50,
        "I-140" | "I-751" => 40,
        "I-821D" | "I-589" => 30,
        _ => 8,
    }
}

/// How much of the intake each receipt prefix takes.
fn prefix_weight(prefix: &str) -> u32 {
    match prefix {
        "IOE" => 20,
        "MSC" => 10,
        "EAC" | "WAC" | "LIN" | "SRC" => 7,
        _ => 3,
    }
}

/// The tables the generator draws from, taken once from the reference catalogue.
#[derive(Debug)]
pub struct Plan {
    /// Form codes.
    pub forms: Vec<String>,
    form_produces: Vec<Produces>,
    /// Office codes.
    pub offices: Vec<String>,
    office_zip3: Vec<String>,
    field_offices: Vec<usize>,
    /// Per receipt prefix, in sorted order: (prefix, weight, office index, eligible forms).
    prefixes: Vec<(String, u32, usize, Vec<usize>)>,
}

impl Plan {
    /// Builds the plan from the catalogue.
    pub fn new(catalog: &Catalog) -> Plan {
        let forms: Vec<String> = catalog.forms().iter().map(|f| f.code.clone()).collect();
        let form_produces = catalog.forms().iter().map(|f| f.produces).collect();
        let offices: Vec<String> = catalog.offices().iter().map(|o| o.code.clone()).collect();
        let office_zip3 = catalog.offices().iter().map(|o| o.zip.chars().take(3).collect()).collect();
        let field_offices: Vec<usize> = catalog
            .offices()
            .iter()
            .enumerate()
            .filter(|(_, o)| o.kind == OfficeKind::FieldOffice)
            .map(|(i, _)| i)
            .collect();
        let mut prefixes = Vec::new();
        for prefix in crate::kernel::ids::PREFIXES {
            let Some(office) = catalog.office_for_prefix(prefix) else {
                continue;
            };
            let Some(office_idx) = offices.iter().position(|c| *c == office.code) else {
                continue;
            };
            let benefits = office.kind == OfficeKind::BenefitsCenter;
            let mut eligible: Vec<usize> = catalog
                .forms()
                .iter()
                .enumerate()
                .filter(|(_, f)| {
                    if prefix == "IOE" {
                        EFILED_FORMS.contains(&f.code.as_str())
                    } else {
                        f.processing_offices.iter().any(|p| *p == office.code || (benefits && p == "FIELD"))
                    }
                })
                .map(|(i, _)| i)
                .collect();
            if eligible.is_empty() {
                eligible = (0..forms.len()).collect();
            }
            prefixes.push((prefix.to_owned(), prefix_weight(prefix), office_idx, eligible));
        }
        prefixes.sort_by(|a, b| a.0.cmp(&b.0));
        Plan { forms, form_produces, offices, office_zip3, field_offices, prefixes }
    }

    /// How many cases each prefix gets out of `total` (in the plan's prefix order).
    fn shares(&self, total: u64) -> Vec<u64> {
        let sum: u64 = self.prefixes.iter().map(|p| u64::from(p.1)).sum::<u64>().max(1);
        let mut shares: Vec<u64> = self.prefixes.iter().map(|p| total * u64::from(p.1) / sum).collect();
        let given: u64 = shares.iter().sum();
        if let Some(first) = shares.first_mut() {
            *first += total - given;
        }
        shares
    }
}

/// The fiscal year (October to September) a day falls in, as two digits.
fn fiscal_year(day: NaiveDate) -> u8 {
    let fy = if day.month() >= 10 { day.year() + 1 } else { day.year() };
    u8::try_from(fy.rem_euclid(100)).unwrap_or(0)
}

/// The workday number within the fiscal year (1 on the first weekday from 1 October).
fn workday(day: NaiveDate) -> u16 {
    let start_year = if day.month() >= 10 { day.year() } else { day.year() - 1 };
    let Some(start) = NaiveDate::from_ymd_opt(start_year, 10, 1) else {
        return 1;
    };
    let days = (day - start).num_days();
    let weeks = days / 7;
    let mut count = weeks * 5;
    let mut d = start + Duration::days(weeks * 7);
    while d <= day {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            count += 1;
        }
        d += Duration::days(1);
    }
    u16::try_from(count.clamp(1, 999)).unwrap_or(1)
}

fn next_weekday(mut day: NaiveDate) -> NaiveDate {
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day += Duration::days(1);
    }
    day
}

/// How far back the demo cases reach.
const SPAN_DAYS: u32 = 4 * 365;

/// Generates the data set in batches of about `batch_size` cases, handing each to `sink`; stops
/// early if `sink` returns false. Ids start at `first_id`. The same arguments always give the
/// same cases.
pub fn generate(
    plan: &Plan,
    total: u64,
    as_of: NaiveDate,
    first_id: i64,
    batch_size: usize,
    mut sink: impl FnMut(Batch) -> bool,
) {
    let mut g = Generator { plan, rng: Rng::new(0xC215_2026), as_of, next_id: first_id, tracking_serial: 0 };
    let start = as_of - Duration::days(i64::from(SPAN_DAYS));
    let sandbox = sandbox_receipts();
    let mut batch = Batch::default();
    let shares = plan.shares(total);
    for ((prefix, _, office, eligible), count) in plan.prefixes.iter().zip(shares) {
        let weights: Vec<u32> = eligible.iter().map(|&f| form_weight(&plan.forms[f])).collect();
        let mut day = None;
        let mut serial: u32 = 0;
        for k in 0..count {
            // Receipts advance with time, so the data set is produced in receipt-number order and
            // the database index grows at its end.
            let offset = i64::try_from(u128::from(k) * SPAN_DAYS as u128 / u128::from(count.max(1))).unwrap_or(0);
            let received = next_weekday(start + Duration::days(offset));
            if day != Some(received) {
                day = Some(received);
                serial = u32::try_from(g.rng.range(10_000, 14_999)).unwrap_or(10_000);
            }
            serial += 1;
            let Ok(receipt) =
                ReceiptNumber::from_parts(prefix, fiscal_year(received), workday(received), serial.min(99_999))
            else {
                continue;
            };
            let form = eligible[g.rng.weighted(&weights)];
            g.case(&mut batch, receipt.to_string(), form, *office, received);
            if batch.cases.len() >= batch_size && !sink(std::mem::take(&mut batch)) {
                return;
            }
        }
        // The sandbox numbers of this prefix (fiscal year 99) sort after every generated one.
        for receipt in sandbox.iter().filter(|r| r.starts_with(prefix.as_str())) {
            let form = eligible[g.rng.weighted(&weights)];
            let received = next_weekday(as_of - Duration::days(g.rng.range(20, 700)));
            g.case(&mut batch, receipt.clone(), form, *office, received);
            // Clients test with these: they must always answer.
            if let Some(c) = batch.cases.last_mut() {
                c.restricted = false;
            }
        }
    }
    if !batch.cases.is_empty() {
        sink(batch);
    }
}

struct Generator<'a> {
    plan: &'a Plan,
    rng: Rng,
    as_of: NaiveDate,
    next_id: i64,
    tracking_serial: u64,
}

impl Generator<'_> {
    fn days(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::days(self.rng.range(lo, hi))
    }

    /// One case: decides its path through the process, then keeps the steps up to "as of".
    fn case(&mut self, batch: &mut Batch, receipt: String, form: usize, intake_office: usize, received: NaiveDate) {
        let plan = self.plan;
        let code = plan.forms[form].as_str();
        let id = self.next_id;
        self.next_id += 1;
        let field = matches!(code, "N-400" | "I-485" | "N-600" | "I-751");
        let office = if field && !plan.field_offices.is_empty() {
            plan.field_offices[usize::try_from(self.rng.range(0, plan.field_offices.len() as i64 - 1)).unwrap_or(0)]
        } else {
            intake_office
        };
        let electronic = receipt.starts_with("IOE");
        let mut steps: Vec<(&'static str, NaiveDate)> =
            vec![(if electronic { "RECEIPT_EMAILED" } else { "CASE_RECEIVED" }, received)];
        let mut t = received;
        let rejected = self.rng.chance(0.015);
        if rejected {
            t += self.days(10, 40);
            steps.push(("CASE_REJECTED", t));
        } else {
            let biometrics =
                matches!(code, "I-485" | "N-400" | "I-90" | "I-751" | "I-821D" | "I-589" | "I-765" | "I-131" | "I-829");
            if biometrics {
                t += self.days(10, 35);
                steps.push(("BIOMETRICS_SCHEDULED", t));
                t += self.days(14, 40);
                steps.push(("FINGERPRINTS_TAKEN", t));
            }
            if self.rng.chance(0.03) {
                t += self.days(20, 120);
                steps.push(("CASE_TRANSFERRED", t));
            }
            if self.rng.chance(0.18) {
                t += self.days(40, 200);
                steps.push(("RFE_SENT", t));
                t += self.days(20, 87);
                steps.push(("RFE_RESPONSE_RECEIVED", t));
            }
            if matches!(code, "I-485" | "N-400" | "I-589") || (code == "I-751" && self.rng.chance(0.3)) {
                t += self.days(60, 300);
                steps.push(("INTERVIEW_SCHEDULED", t));
                t += self.days(20, 45);
                steps.push(("INTERVIEW_COMPLETED", t));
            } else if self.rng.chance(0.35) {
                t += self.days(30, 200);
                steps.push(("ACTIVELY_REVIEWED", t));
            }
            t += self.days(14, 160);
            let outcome = self.rng.range(0, 99);
            if outcome < 88 {
                steps.push(("CASE_APPROVED", t));
                self.after_approval(batch, id, form, code, &mut steps, t);
            } else if outcome < 97 {
                steps.push(("CASE_DENIED", t));
            } else {
                steps.push(("WITHDRAWAL_ACKNOWLEDGED", t));
            }
        }
        steps.retain(|&(_, on)| on <= self.as_of);
        // The statuses `processing_times` counts as decisions (through the case history).
        if let Some(&(_, decided)) = steps.iter().find(|(s, _)| matches!(*s, "CASE_APPROVED" | "CASE_DENIED")) {
            batch.decisions.push((form, office, received, decided));
        }
        let (status, status_on) = steps.last().copied().unwrap_or(("CASE_RECEIVED", received));
        for (seq, (status, on)) in steps.iter().enumerate() {
            batch.history.push(HistoryRow { case_id: id, seq: i32::try_from(seq).unwrap_or(0) + 1, status, on: *on });
        }
        let zip3 = &plan.office_zip3[office];
        let mailing_zip = format!("{zip3}{:02}", self.rng.range(1, 99));
        let restricted = self.rng.chance(0.004);
        batch.cases.push(CaseRow {
            id,
            receipt,
            form,
            office,
            status,
            received_on: received,
            status_on,
            mailing_zip,
            restricted,
        });
    }

    fn after_approval(
        &mut self,
        batch: &mut Batch,
        id: i64,
        form: usize,
        code: &str,
        steps: &mut Vec<(&'static str, NaiveDate)>,
        mut t: NaiveDate,
    ) {
        if code == "N-400" {
            t += self.days(14, 60);
            steps.push(("OATH_CEREMONY_SCHEDULED", t));
            t += self.days(14, 45);
            steps.push(("OATH_CEREMONY_COMPLETED", t));
            return;
        }
        let (produced, mailed, picked, delivered, returned, kind) = match self.plan.form_produces[form] {
            Produces::Card => (
                "CARD_PRODUCED",
                "CARD_MAILED",
                Some("CARD_PICKED_UP_BY_USPS"),
                "CARD_DELIVERED",
                "CARD_RETURNED",
                "card",
            ),
            Produces::Document => {
                ("DOCUMENT_PRODUCED", "DOCUMENT_MAILED", None, "DOCUMENT_DELIVERED", "DOCUMENT_RETURNED", "document")
            }
            Produces::None => return,
        };
        t += self.days(2, 12);
        steps.push((produced, t));
        t += self.days(2, 9);
        steps.push((mailed, t));
        self.tracking_serial += 1;
        // IMpb: channel 92, service type 055 (Priority Mail), a 9-digit mailer ID, a serial.
        let body = format!("92055{:09}{:07}", 901_234_567u64, self.tracking_serial % 10_000_000);
        // A tracking number exists only once the item has been mailed.
        if let (true, Ok(tracking)) = (t <= self.as_of, TrackingNumber::with_check_digit(&body)) {
            batch.mail.push(MailRow { tracking: tracking.to_string(), case_id: id, kind, on: t });
        }
        if let Some(picked) = picked {
            t += self.days(0, 1);
            steps.push((picked, t));
        }
        t += self.days(1, 4);
        if self.rng.chance(0.03) {
            t += self.days(5, 15);
            steps.push((returned, t));
        } else {
            steps.push((delivered, t));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan::new(&Catalog::load().unwrap())
    }

    #[test]
    fn the_data_set_is_deterministic_sorted_and_consistent() {
        let plan = plan();
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let collect = || {
            let mut all = Batch::default();
            generate(&plan, 3_000, as_of, 1, 500, |b| {
                all.cases.extend(b.cases);
                all.history.extend(b.history);
                all.mail.extend(b.mail);
                true
            });
            all
        };
        let (a, b) = (collect(), collect());
        let sandbox = sandbox_receipts();
        assert_eq!(a.cases.len(), 3_000 + sandbox.len());
        let receipts: Vec<&str> = a.cases.iter().map(|c| c.receipt.as_str()).collect();
        assert_eq!(receipts, b.cases.iter().map(|c| c.receipt.as_str()).collect::<Vec<_>>());
        // Sorted and unique, so the receipt index grows at its end.
        assert!(receipts.windows(2).all(|w| w[0] < w[1]));
        for r in &sandbox {
            assert!(receipts.contains(&r.as_str()), "{r}");
        }
        for c in &a.cases {
            assert!(c.receipt.parse::<ReceiptNumber>().is_ok(), "{}", c.receipt);
            assert!(c.received_on <= c.status_on && c.status_on <= as_of);
        }
        // Every case has a history whose last entry is its current status.
        let last = a.history.iter().fold(std::collections::HashMap::new(), |mut m, h| {
            m.insert(h.case_id, h.status);
            m
        });
        assert!(a.cases.iter().all(|c| last.get(&c.id) == Some(&c.status)));
        // Mailed items carry valid, unique tracking numbers.
        assert!(!a.mail.is_empty());
        let mut seen = std::collections::HashSet::new();
        for m in &a.mail {
            assert!(m.tracking.parse::<TrackingNumber>().is_ok(), "{}", m.tracking);
            assert!(seen.insert(&m.tracking));
        }
        // A realistic spread of statuses.
        let distinct: std::collections::HashSet<_> = a.cases.iter().map(|c| c.status).collect();
        assert!(distinct.len() >= 10, "{distinct:?}");
    }

    #[test]
    fn reports_in_one_pass_are_those_built_case_by_case() {
        let plan = plan();
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let mut batches = 0;
        generate(&plan, 3_000, as_of, 1, 700, |mut b| {
            b.fill_reports();
            let fast = std::mem::take(&mut b.reports);
            b.fill_reports_by_case();
            assert_eq!(fast, b.reports);
            // Rows out of the generator's order take the other way, to the same reports.
            b.history.reverse();
            b.mail.reverse();
            b.fill_reports();
            assert_eq!(fast, b.reports);
            batches += 1;
            true
        });
        assert!(batches >= 4);
    }

    #[test]
    fn fiscal_years_and_workdays() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(fiscal_year(d(2023, 9, 30)), 23);
        assert_eq!(fiscal_year(d(2023, 10, 1)), 24);
        // 1 October 2024 was a Tuesday: workday 1; Friday 4 October: workday 4; Monday 7: 5.
        assert_eq!(workday(d(2024, 10, 1)), 1);
        assert_eq!(workday(d(2024, 10, 4)), 4);
        assert_eq!(workday(d(2024, 10, 7)), 5);
    }
}
