//! The stand-in partners' galleries: synthetic persons, deterministic per partner and index,
//! whose fingers come from `fingerprint::synth`. Some are CRIS demo persons, enrolled on both sides
//! with the same finger seeds ([`person_finger_seed`]) so that the demo's queries match.

use chrono::NaiveDate;
use fingerprint::synth::Rng;

use crate::ident::model::Partner;

/// The fingers each person is enrolled with: right thumb and right index (1 and 2).
pub const FINGERS: [u8; 2] = [1, 2];

/// How many persons each partner's demo gallery holds.
pub const fn demo_size(partner: Partner) -> usize {
    match partner {
        Partner::Canada => 400,
        Partner::Australia => 300,
    }
}

/// The synth seed of finger `position` (1 to 10) of CRIS demo person `index` (0-based): CRIS's
/// demo enrols `Finger::generate(person_finger_seed(i, f))` for its persons, and the partners'
/// galleries enrol the same fingers for the persons they share with it.
pub const fn person_finger_seed(index: u64, position: u8) -> u64 {
    0x5EED_0000_0000 + index * 16 + position as u64
}

/// The CRIS demo person gallery person `index` of `partner` is, if any: every fourth person of
/// a gallery is one; Canada shares CRIS persons 0, 5, 10, ..., Australia 1, 6, 11, ...
pub const fn shared_cris_person(partner: Partner, index: u64) -> Option<u64> {
    if !index.is_multiple_of(4) {
        return None;
    }
    let offset = match partner {
        Partner::Canada => 0,
        Partner::Australia => 1,
    };
    Some(index / 4 * 5 + offset)
}

/// One person a partner knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GalleryPerson {
    /// The partner's reference for the person (2.207 FPN).
    pub reference: String,
    /// Family name.
    pub surname: String,
    /// Given names.
    pub given: String,
    /// Other names (surname, given).
    pub aliases: Vec<(String, String)>,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Country of birth, ISO 3166-1 alpha-3.
    pub birth_country: String,
    /// M or F.
    pub sex: &'static str,
    /// The partner's encounter identifier.
    pub encounter: String,
    /// The CRIS demo person with the same fingers, if any.
    pub cris_person: Option<u64>,
    /// (finger position, synth seed) of each enrolled finger.
    pub finger_seeds: Vec<(u8, u64)>,
}

const SURNAMES: [&str; 16] = [
    "AHMADI", "NGUYEN", "HAKIMI", "OKAFOR", "SALAZAR", "KOVAC", "RAHMAN", "MENSAH", "HOSSEINI", "TESFAYE", "MORALES",
    "YILDIZ", "BAKR", "SINGH", "PETROV", "KAMARA",
];
const GIVEN: [&str; 16] = [
    "AMIRA", "KHALID", "LINH", "JOSEFINA", "NADIA", "OMAR", "SAMIR", "FATIMA", "IVAN", "GRACE", "MARIAM", "YUSUF",
    "ANA", "DAWIT", "LEILA", "HASSAN",
];
const COUNTRIES: [&str; 8] = ["AFG", "SYR", "ERI", "VEN", "IRN", "SOM", "MMR", "COD"];

/// Person `index` of `partner`'s gallery (the same for the same arguments, in every version).
pub fn person(partner: Partner, index: u64) -> GalleryPerson {
    let salt = match partner {
        Partner::Canada => 0xCA_0000_0000,
        Partner::Australia => 0xA5_0000_0000,
    };
    let mut rng = Rng::new(salt + index);
    let surname = pick(&mut rng, &SURNAMES);
    let given = pick(&mut rng, &GIVEN);
    let aliases = (0..rng.between(0, 2)).map(|_| (pick(&mut rng, &SURNAMES), given.clone())).collect();
    let days = i64::from(rng.between(0, 365 * 50));
    let birth_date = NaiveDate::from_ymd_opt(1955, 1, 1).unwrap_or_default() + chrono::Duration::days(days);
    let cris_person = shared_cris_person(partner, index);
    let finger_seeds = FINGERS
        .iter()
        .map(|&f| (f, cris_person.map_or(salt + index * 16 + u64::from(f), |p| person_finger_seed(p, f))))
        .collect();
    GalleryPerson {
        reference: format!("{}-{:08}", partner.code(), index + 1),
        surname,
        given,
        aliases,
        birth_date,
        birth_country: pick(&mut rng, &COUNTRIES),
        sex: if rng.unit() < 0.5 { "F" } else { "M" },
        encounter: format!("{}-ENC-{:06}", partner.code(), rng.between(0, 999_999)),
        cris_person,
        finger_seeds,
    }
}

/// One of `words`, at random.
fn pick(rng: &mut Rng, words: &[&str]) -> String {
    let last = u32::try_from(words.len().saturating_sub(1)).unwrap_or(0);
    words.get(rng.between(0, last) as usize).copied().unwrap_or_default().to_owned()
}

/// The first `size` persons of `partner`'s gallery.
pub fn gallery(partner: Partner, size: usize) -> Vec<GalleryPerson> {
    (0..size as u64).map(|i| person(partner, i)).collect()
}

/// The demo gallery of `partner` ([`demo_size`] persons).
pub fn demo_gallery(partner: Partner) -> Vec<GalleryPerson> {
    gallery(partner, demo_size(partner))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn galleries_are_deterministic_and_share_some_cris_persons() {
        assert_eq!(gallery(Partner::Canada, 10), gallery(Partner::Canada, 10));
        let can = demo_gallery(Partner::Canada);
        assert_eq!(can.len(), 400);
        assert_eq!(can[0].cris_person, Some(0));
        assert_eq!(can[4].cris_person, Some(5));
        assert_eq!(can[1].cris_person, None);
        assert_eq!(can[4].finger_seeds, vec![(1, person_finger_seed(5, 1)), (2, person_finger_seed(5, 2))]);
        let aus = demo_gallery(Partner::Australia);
        assert_eq!(aus[8].cris_person, Some(11));
        assert_ne!(can[1].finger_seeds, aus[1].finger_seeds);
        assert!(can.iter().all(|p| p.reference.len() <= 40 && p.surname.len() <= 60));
    }
}
