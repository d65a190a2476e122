//! The field offices nearest a ZIP code (R-IP-01), where InfoPass appointments are booked.
//!
//! ZIP code coordinates come from the `zipcodes` crate, which embeds a data set assembled from
//! unitedstateszipcodes.org, the USPS, and GeoNames postal data (coordinates, CC BY 4.0),
//! refreshed monthly upstream. Distance is the great-circle distance in miles. Where distance
//! picks the wrong office (an island, a state line, a district boundary), a row of
//! `zip_office_overrides` assigns the ZIP code to the office whose jurisdiction it is; that office
//! is then offered first.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::kernel::contact::Zip;
use crate::kernel::db::{Db, DbError};
use crate::reference::{Catalog, Office, OfficeKind};

/// Five-digit ZIP code → (latitude, longitude), built once from the embedded data set.
static COORDINATES: LazyLock<HashMap<&'static str, (f64, f64)>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for z in zipcodes::database() {
        if let (Ok(lat), Ok(lon)) = (z.lat.parse::<f64>(), z.long.parse::<f64>()) {
            map.entry(z.zip_code.as_str()).or_insert((lat, lon));
        }
    }
    map
});

/// Unpacks the embedded data set (a few hundred milliseconds), so that the first customer's
/// search does not hold a request thread for it. Blocking: run it off the async threads.
pub fn warm() {
    LazyLock::force(&COORDINATES);
}

/// The coordinates of a five-digit ZIP code, if the data set knows it.
pub fn coordinates(zip: &str) -> Option<(f64, f64)> {
    COORDINATES.get(zip).copied()
}

/// A field office and its distance from the customer's ZIP code.
#[derive(Debug, Clone)]
pub struct Nearby<'a> {
    /// The office.
    pub office: &'a Office,
    /// Miles from the ZIP code's centre (from the assigned office when the data set lacks the ZIP).
    pub miles: f64,
    /// Whether the ZIP code is assigned to this office by jurisdiction.
    pub assigned: bool,
}

/// Why no office can be offered.
#[derive(Debug, thiserror::Error)]
pub enum NearestError {
    /// Neither the data set nor the overrides know the ZIP code.
    #[error("no such ZIP code")]
    UnknownZip,
    /// Storage.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The `n` field offices nearest a point, nearest first; the assigned one, if any, first of all.
pub fn by_distance<'a>(catalog: &'a Catalog, from: (f64, f64), assigned: Option<&str>, n: usize) -> Vec<Nearby<'a>> {
    let (lat, lon) = from;
    let mut offices: Vec<Nearby<'a>> = catalog
        .offices_of_kind(OfficeKind::FieldOffice)
        .map(|office| Nearby {
            office,
            miles: zipcodes::haversine(lon, lat, office.lon, office.lat),
            assigned: assigned == Some(office.code.as_str()),
        })
        .collect();
    offices.sort_by(|a, b| b.assigned.cmp(&a.assigned).then(a.miles.total_cmp(&b.miles)));
    offices.truncate(n);
    offices
}

/// The office a ZIP code is assigned to by jurisdiction, if any.
pub async fn assigned_office(db: &Db, zip: &str) -> Result<Option<String>, DbError> {
    super::store::assigned_office(db, zip).await
}

/// The `n` field offices nearest a ZIP code, the one it is assigned to first.
pub async fn nearest<'a>(db: &Db, catalog: &'a Catalog, zip: &Zip, n: usize) -> Result<Vec<Nearby<'a>>, NearestError> {
    let assigned = assigned_office(db, zip.five()).await?;
    let from = coordinates(zip.five())
        .or_else(|| assigned.as_deref().and_then(|code| catalog.office(code)).map(|o| (o.lat, o.lon)))
        .ok_or(NearestError::UnknownZip)?;
    Ok(by_distance(catalog, from, assigned.as_deref(), n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(v: &[Nearby<'_>]) -> Vec<String> {
        v.iter().map(|n| n.office.code.clone()).collect()
    }

    // R-IP-01: the closest field office to a ZIP code, from the embedded data set.
    #[test]
    fn nearest_field_offices_by_distance() {
        let catalog = Catalog::load().unwrap();
        let near = |zip: &str| by_distance(&catalog, coordinates(zip).unwrap(), None, 3);
        assert_eq!(codes(&near("60601"))[0], "CHI");
        assert_eq!(codes(&near("96813"))[0], "HHW");
        assert_eq!(codes(&near("99501"))[0], "ANC");
        let manhattan = near("10001");
        assert_eq!(codes(&manhattan)[0], "NYC");
        assert!(manhattan[0].miles < 5.0 && manhattan[0].miles <= manhattan[1].miles);
        assert!(manhattan.iter().all(|n| n.office.kind == OfficeKind::FieldOffice && !n.assigned));
        assert!(coordinates("00000").is_none());
        // An assigned office comes first, wherever it is.
        let assigned = by_distance(&catalog, coordinates("10001").unwrap(), Some("BUF"), 3);
        assert_eq!(codes(&assigned), vec!["BUF", "NYC", codes(&manhattan)[1].as_str()]);
        assert!(assigned[0].assigned);
    }
}
