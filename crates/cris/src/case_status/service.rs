//! The lookup: one case, its history and mailed items, worded in both languages from the status
//! catalogue. Cases that must not be disclosed are answered exactly like unknown ones.

use chrono::NaiveDate;

use std::sync::Arc;

use super::cache::{Cached, Lookup, ReportCache};
use super::model::{Both, Mailed, Report, Step, Wording};
use super::store;
use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::html::escape;
use crate::kernel::i18n::Lang;
use crate::kernel::ids::ReceiptNumber;
use crate::reference::{Catalog, DescriptionContext, Form, Office};

/// Stands where the tracking link goes while the rest is escaped.
const TRACKING_SLOT: &str = "\u{E000}";
/// Stands where the change-of-address link goes while the rest is escaped.
const CHANGE_ADDRESS_SLOT: &str = "\u{E001}";

/// A link of a status description: opens in a new tab, as the descriptions of the live service
/// do (our own pages add `rel="noopener"` when they show it, see `html::for_our_pages`).
fn link(url: &str, text: &str) -> String {
    format!(r#"<a href="{}" target="_blank">{}</a>"#, escape(url), escape(text))
}

#[expect(clippy::too_many_arguments, reason = "the facts a description is worded from")]
fn wording(
    catalog: &Catalog,
    public_url: &str,
    code: &str,
    date: NaiveDate,
    form: &Form,
    receipt: &str,
    office: Option<&Office>,
    mailed: Option<&Mailed>,
) -> Both {
    let Some(status) = catalog.status(code) else {
        let w = Wording { title: code.to_owned(), description_html: String::new() };
        return Both { en: w.clone(), es: w };
    };
    let one = |lang: Lang| {
        let ctx = DescriptionContext {
            date,
            form,
            receipt,
            office,
            tracking_html: mailed.map(|_| TRACKING_SLOT),
            change_address_html: CHANGE_ADDRESS_SLOT,
        };
        let text = status.render_description(lang, &ctx);
        let tracking = mailed.map_or_else(String::new, |m| link(&m.usps_url(), &m.tracking_number));
        // Absolute, from the configured public address: the text is read in apps, email and on
        // other sites, where a bare path means nothing.
        let change_address = format!("{}{}", public_url.trim_end_matches('/'), crate::reference::CHANGE_ADDRESS_PATH);
        let description_html = escape(&text)
            .replace(TRACKING_SLOT, &tracking)
            .replace(CHANGE_ADDRESS_SLOT, &link(&change_address, &change_address));
        Wording { title: status.title(lang).to_owned(), description_html }
    };
    Both { en: one(Lang::En), es: one(Lang::Es) }
}

/// A status's titles alone (a step of the history other than the current one).
fn titles(catalog: &Catalog, code: &str) -> Both {
    match catalog.status(code) {
        Some(status) => Both {
            en: Wording { title: status.title(Lang::En).to_owned(), description_html: String::new() },
            es: Wording { title: status.title(Lang::Es).to_owned(), description_html: String::new() },
        },
        None => {
            let w = Wording { title: code.to_owned(), description_html: String::new() };
            Both { en: w.clone(), es: w }
        }
    }
}

/// A case's row and history (oldest first), restricted or not: for staff pages, whose own access
/// check comes first.
pub async fn case_with_history(
    db: &Db,
    receipt: &str,
) -> Result<Option<(store::CaseRow, Vec<store::HistoryRow>)>, DbError> {
    Ok(store::case(db, receipt).await?.map(|(case, found)| match found {
        store::Found::Report(facts) => (case, facts.history),
        store::Found::Tables(history, _) => (case, history),
    }))
}

/// Rewrites the stored reports of these cases from their tables, inside the transaction that
/// changed them (status events, mailed items, USPS scans): the one read a lookup makes then
/// shows what was committed with it.
pub async fn refresh_reports(tx: &mut Tx, case_ids: &[i64]) -> Result<(), DbError> {
    let mut ids = case_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let mut facts = store::facts_of_many(tx, &ids).await?;
    let mut scans = crate::usps::service::scans_of_many(tx, &ids).await?;
    let reports: Vec<(i64, String)> = ids
        .iter()
        .map(|id| {
            let mut f = facts.remove(id).unwrap_or_default();
            f.scans = scans.remove(id).unwrap_or_default();
            (*id, f.encode())
        })
        .collect();
    store::set_reports(tx, &reports).await
}

/// The status report of a receipt number; `None` when unknown or not to be disclosed. Links in
/// the built-in descriptions start with `public_url`, the installation's public address.
pub async fn lookup(
    db: &Db,
    catalog: &Catalog,
    public_url: &str,
    receipt: &ReceiptNumber,
) -> Result<Option<Report>, DbError> {
    lookup_with(db, catalog, public_url, receipt, None).await
}

/// The lookup for the public page: read now (not from the report cache, so a visitor sees a
/// change at once), with the posted processing times from the cache's copy in memory.
pub async fn lookup_now(
    db: &Db,
    catalog: &Catalog,
    cache: &ReportCache,
    public_url: &str,
    receipt: &ReceiptNumber,
) -> Result<Option<Report>, DbError> {
    lookup_with(db, catalog, public_url, receipt, Some(cache)).await
}

/// The lookup, with the processing times from the cache's copy when there is one.
async fn lookup_with(
    db: &Db,
    catalog: &Catalog,
    public_url: &str,
    receipt: &ReceiptNumber,
    cache: Option<&ReportCache>,
) -> Result<Option<Report>, DbError> {
    let Some((case, found)) = store::case(db, receipt.as_str()).await? else { return Ok(None) };
    if case.restricted {
        return Ok(None);
    }
    let (history, mailed, scans) = match found {
        store::Found::Report(facts) => (facts.history, facts.mailed, Some(facts.scans)),
        store::Found::Tables(history, mailed) => (history, mailed, None),
    };
    let Some(form) = catalog.form(&case.form_code) else {
        tracing::warn!(form = %case.form_code, "case with a form missing from the catalogue");
        return Ok(None);
    };
    let office = catalog.office(&case.office_code);
    // A step names the item mailed on or before its date, if any (cards and documents).
    let mailed_by = |date: NaiveDate| mailed.iter().rev().find(|m| m.mailed_on <= date);
    // Newest first. Only the newest step is shown with its description (it is the current
    // status); the others by title and date, so only their titles are worded.
    let newest = history.len().checked_sub(1);
    let steps: Vec<Step> = history
        .iter()
        .enumerate()
        .rev()
        .map(|(i, h)| {
            let full = Some(i) == newest;
            let wording = match (&h.title_en, &h.desc_en) {
                // An older source's own wording, kept as given (sanitised when it arrived).
                (Some(title), Some(desc)) => {
                    let description = |d: &String| if full { d.clone() } else { String::new() };
                    let en = Wording { title: title.clone(), description_html: description(desc) };
                    let es = Wording {
                        title: h.title_es.clone().unwrap_or_else(|| title.clone()),
                        description_html: description(h.desc_es.as_ref().unwrap_or(desc)),
                    };
                    Both { en, es }
                }
                _ if !full => titles(catalog, &h.status_code),
                _ => wording(
                    catalog,
                    public_url,
                    &h.status_code,
                    h.occurred_on,
                    form,
                    receipt.as_str(),
                    office,
                    mailed_by(h.occurred_on),
                ),
            };
            Step { date: h.occurred_on, wording }
        })
        .collect();
    let current = steps.first().map_or_else(
        || {
            wording(
                catalog,
                public_url,
                &case.status_code,
                case.status_on,
                form,
                receipt.as_str(),
                office,
                mailed_by(case.status_on),
            )
        },
        |s| s.wording.clone(),
    );
    let processing = match cache {
        Some(cache) => cache.posted(db, &form.code, &case.office_code).await?,
        None => crate::processing_times::at_office(db, &form.code, &case.office_code).await?.into_iter().next(),
    };
    let scans = match scans {
        Some(scans) => scans,
        None if mailed.is_empty() => Vec::new(),
        None => crate::usps::service::scans_of(db, case.id).await?,
    };
    Ok(Some(Report {
        receipt: case.receipt_number,
        form: form.code.clone(),
        form_title_en: form.title_en.clone(),
        form_title_es: form.title_es.clone(),
        office_code: case.office_code.clone(),
        office_name_en: office.map_or_else(|| case.office_code.clone(), |o| o.name_en.clone()),
        office_name_es: office.map_or_else(|| case.office_code.clone(), |o| o.name_es.clone()),
        received_on: case.received_on,
        status_on: case.status_on,
        status_code: case.status_code,
        current,
        history: steps,
        mailed,
        scans,
        processing,
        electronic: receipt.is_electronic(),
    }))
}

/// The report of a receipt number through the short-lived cache of the machine interfaces. A
/// stale entry is answered at once and refreshed in the background.
pub async fn lookup_cached(
    db: &Db,
    catalog: &Arc<Catalog>,
    cache: &Arc<ReportCache>,
    public_url: &str,
    receipt: &ReceiptNumber,
) -> Result<Option<Arc<Cached>>, DbError> {
    // The cache lives in real time (seconds), not in the time of the rules.
    let now = crate::kernel::clock::monotonic();
    match cache.get(receipt.as_str(), now) {
        Lookup::Fresh(hit) => Ok(hit),
        Lookup::Stale(hit) => {
            let (db, catalog, cache, receipt) = (db.clone(), catalog.clone(), cache.clone(), receipt.clone());
            let public_url = public_url.to_owned();
            tokio::spawn(async move {
                match lookup_with(&db, &catalog, &public_url, &receipt, Some(&cache)).await {
                    Ok(report) => cache.put(
                        receipt.as_str(),
                        report.map(|r| Arc::new(Cached::new(r))),
                        crate::kernel::clock::monotonic(),
                    ),
                    Err(e) => tracing::warn!(error = %e, "refreshing a cached report failed"),
                }
            });
            Ok(hit)
        }
        Lookup::Missing => {
            let report =
                lookup_with(db, catalog, public_url, receipt, Some(cache)).await?.map(|r| Arc::new(Cached::new(r)));
            cache.put(receipt.as_str(), report.clone(), now);
            Ok(report)
        }
    }
}

/// Before the retention engine deletes address changes: the cases' address history stays, no
/// longer pointing at them.
pub async fn forget_address_changes(tx: &mut crate::kernel::db::Tx, change_ids: &[i64]) -> Result<u64, DbError> {
    store::forget_address_changes(tx, change_ids).await
}

/// The form of each of these cases CRIS holds: (receipt number, form code). International
/// sharing derives a person's protected class from them (R-IS-04).
pub async fn forms_of(db: &Db, receipts: &[String]) -> Result<Vec<(String, String)>, DbError> {
    store::forms_of(db, receipts).await
}

/// Up to `limit` receipt numbers of cases of these forms (the sharing demo links its persons to
/// them).
pub async fn receipts_of_forms(db: &Db, forms: &[&str], limit: i64) -> Result<Vec<String>, DbError> {
    store::receipts_of_forms(db, forms, limit).await
}
