//! Matching: Type-9 minutiae to the bozorth3 matcher's and back, one-to-one scores against the
//! threshold, and one-to-many search over an enrolled gallery on several threads.

use ansi_nist::{FingerMinutiae, Minutia, MinutiaKind};
use fprint_bozorth3::{MIN_COMPUTABLE_BOZORTH_MINUTIAE, match_score};

use crate::prefilter::{Local, PREFILTER};

/// The matcher's minutia: `x`, `y` in pixels, `theta` in degrees (0 to 359).
pub use fprint_bozorth3::Minutia as XytMinutia;

/// Scores at or above this are a match. Chosen on synthetic fingers (see the crate's
/// documentation for the measured distributions): above every impostor score seen, with a low
/// false non-match rate.
pub const THRESHOLD: u32 = 20;

/// A finger's minutiae as the matcher reads them: Type-9 coordinates as they are, the angle from
/// 2-degree units to degrees.
#[must_use]
pub fn to_xyt(record: &FingerMinutiae) -> Vec<XytMinutia> {
    record
        .minutiae
        .iter()
        .map(|m| XytMinutia { x: i32::from(m.x), y: i32::from(m.y), theta: i32::from(m.degrees()) })
        .collect()
}

/// Why matcher minutiae do not make a Type-9 record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FromXytError {
    /// A minutia lies outside the image.
    #[error("minutia {index} lies outside the image")]
    OutsideImage {
        /// Its position in the list (0-based).
        index: usize,
    },
    /// INCITS 378 carries at most 255 minutiae.
    #[error("{0} minutiae, more than the 255 a Type-9 record carries")]
    TooMany(usize),
}

/// Matcher minutiae (from another matcher or extractor) as a Type-9 record of `finger`, for an
/// image of `width` × `height` pixels at 500 ppi. The angle is rounded to 2-degree units; the kind
/// and quality, which the matcher does not carry, are written as "other" and 0 (unknown).
///
/// # Errors
/// If a minutia lies outside the image or there are more than 255.
pub fn from_xyt(points: &[XytMinutia], width: u16, height: u16, finger: u8) -> Result<FingerMinutiae, FromXytError> {
    if points.len() > ansi_nist::MAX_MINUTIAE {
        return Err(FromXytError::TooMany(points.len()));
    }
    let mut minutiae = Vec::with_capacity(points.len());
    for (index, p) in points.iter().enumerate() {
        let (Ok(x), Ok(y)) = (u16::try_from(p.x), u16::try_from(p.y)) else {
            return Err(FromXytError::OutsideImage { index });
        };
        if x >= width || y >= height {
            return Err(FromXytError::OutsideImage { index });
        }
        let units = (p.theta.rem_euclid(360) + 1) / 2 % 180;
        minutiae.push(Minutia { x, y, angle: u8::try_from(units).unwrap_or(0), kind: MinutiaKind::Other, quality: 0 });
    }
    Ok(FingerMinutiae {
        idc: 0,
        impression: 0,
        width,
        height,
        scale_units: 1,
        horizontal_scale: 500,
        vertical_scale: 500,
        finger,
        minutiae,
    })
}

/// The bozorth3 score of a probe against one enrolled finger (the order matters: the score is not
/// symmetric). Below [`MIN_COMPUTABLE_BOZORTH_MINUTIAE`] minutiae on either side it is 0.
#[must_use]
pub fn score(probe: &[XytMinutia], enrolled: &[XytMinutia]) -> u32 {
    match_score(probe, enrolled)
}

/// Whether a probe matches an enrolled finger: score at or above [`THRESHOLD`].
#[must_use]
pub fn matches(probe: &[XytMinutia], enrolled: &[XytMinutia]) -> bool {
    probe.len() >= MIN_COMPUTABLE_BOZORTH_MINUTIAE && score(probe, enrolled) >= THRESHOLD
}

/// One enrolled finger that matched a probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// Its position in the gallery.
    pub index: usize,
    /// Its score.
    pub score: u32,
}

/// One-to-many: every enrolled finger whose score against the probe reaches [`THRESHOLD`], best
/// first (ties by gallery position), comparing on `threads` threads (at least 1).
#[must_use]
pub fn search(probe: &[XytMinutia], gallery: &[Vec<XytMinutia>], threads: usize) -> Vec<Candidate> {
    if probe.len() < MIN_COMPUTABLE_BOZORTH_MINUTIAE {
        return Vec::new();
    }
    scan(gallery, threads, |enrolled| score(probe, enrolled))
}

/// A finger made ready for one-to-many search, once: its minutiae and its local structure for the
/// [`crate::prefilter`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prepared {
    /// The minutiae.
    pub minutiae: Vec<XytMinutia>,
    local: Local,
}

impl Prepared {
    /// Prepares a finger.
    #[must_use]
    pub fn new(minutiae: Vec<XytMinutia>) -> Prepared {
        let local = Local::of(&minutiae);
        Prepared { minutiae, local }
    }
}

/// [`search`] over prepared fingers, with the prefilter first: an enrolled finger too few
/// minutiae (bozorth3 scores it 0) or too little local agreement with the probe is not compared.
/// Finds what [`search`] finds (see [`crate::prefilter`] for the evidence).
#[must_use]
pub fn search_prepared(probe: &Prepared, gallery: &[Prepared], threads: usize) -> Vec<Candidate> {
    if probe.minutiae.len() < MIN_COMPUTABLE_BOZORTH_MINUTIAE {
        return Vec::new();
    }
    scan(gallery, threads, |enrolled| {
        let hopeless = enrolled.minutiae.len() < MIN_COMPUTABLE_BOZORTH_MINUTIAE
            || probe.local.agreement(&enrolled.local) < PREFILTER;
        if hopeless { 0 } else { score(&probe.minutiae, &enrolled.minutiae) }
    })
}

/// Scores every enrolled finger on `threads` threads; those at [`THRESHOLD`] or above, best first.
fn scan<T: Sync>(gallery: &[T], threads: usize, score: impl Fn(&T) -> u32 + Sync) -> Vec<Candidate> {
    if gallery.is_empty() {
        return Vec::new();
    }
    let chunk = gallery.len().div_ceil(threads.max(1));
    let score = &score;
    let part_scan = |start: usize, part: &[T]| -> Vec<Candidate> {
        part.iter()
            .enumerate()
            .filter_map(|(i, enrolled)| {
                let score = score(enrolled);
                (score >= THRESHOLD).then_some(Candidate { index: start + i, score })
            })
            .collect()
    };
    let mut found: Vec<Candidate> = std::thread::scope(|s| {
        let handles: Vec<_> =
            gallery.chunks(chunk).enumerate().map(|(n, part)| s.spawn(move || part_scan(n * chunk, part))).collect();
        // A scan thread cannot panic (the matcher does not), so a join error yields no candidates.
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    found.sort_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::Finger;

    #[test]
    fn type9_minutiae_convert_to_the_matcher_and_back() {
        let record = Finger::generate(5).impression(1, 3);
        let xyt = to_xyt(&record);
        assert_eq!(xyt.len(), record.minutiae.len());
        assert_eq!(xyt[0].theta, i32::from(record.minutiae[0].angle) * 2);
        let back = from_xyt(&xyt, record.width, record.height, 3).unwrap();
        let positions = |r: &FingerMinutiae| r.minutiae.iter().map(|m| (m.x, m.y, m.angle)).collect::<Vec<_>>();
        assert_eq!(positions(&back), positions(&record));
        assert_eq!(to_xyt(&back), xyt);
        assert!(back.to_record().is_ok());
    }

    #[test]
    fn matcher_minutiae_outside_the_image_or_too_many_are_refused() {
        let p = |x, y, theta| XytMinutia { x, y, theta };
        assert_eq!(from_xyt(&[p(1, 1, 0), p(400, 1, 0)], 400, 500, 1), Err(FromXytError::OutsideImage { index: 1 }));
        assert_eq!(from_xyt(&[p(-1, 1, 0)], 400, 500, 1), Err(FromXytError::OutsideImage { index: 0 }));
        assert_eq!(from_xyt(&vec![p(1, 1, 0); 256], 400, 500, 1), Err(FromXytError::TooMany(256)));
        let m = from_xyt(&[p(1, 1, 359), p(2, 2, 1), p(3, 3, -90)], 400, 500, 1).unwrap();
        let angles: Vec<u8> = m.minutiae.iter().map(|m| m.angle).collect();
        assert_eq!(angles, [0, 1, 135]);
    }

    #[test]
    fn genuine_pairs_score_above_the_threshold_and_impostors_below() {
        // A small sample of the measurement in the crate documentation (the full one is
        // `cargo bench -p fingerprint --bench matcher`).
        let mut false_matches = 0;
        let mut false_non_matches = 0;
        for seed in 0..100u64 {
            let finger = Finger::generate(seed);
            let a = to_xyt(&finger.impression(seed * 2, 1));
            let b = to_xyt(&finger.impression(seed * 2 + 1, 1));
            if !matches(&a, &b) {
                false_non_matches += 1;
            }
            let other = to_xyt(&Finger::generate(seed + 10_000).impression(seed, 1));
            if matches(&a, &other) {
                false_matches += 1;
            }
        }
        assert_eq!(false_matches, 0);
        assert!(false_non_matches <= 5, "{false_non_matches} of 100 genuine pairs missed");
    }

    #[test]
    fn search_finds_the_enrolled_finger_among_many_on_any_number_of_threads() {
        let gallery: Vec<Vec<XytMinutia>> =
            (0..300u64).map(|s| to_xyt(&Finger::generate(s).impression(s, 1))).collect();
        let probe = to_xyt(&Finger::generate(123).impression(99_999, 1));
        for threads in [1, 2, 3] {
            let found = search(&probe, &gallery, threads);
            assert_eq!(found.first().map(|c| c.index), Some(123), "{threads} threads");
            assert_eq!(found.len(), 1, "no impostor reaches the threshold");
        }
        assert!(search(&probe[..5], &gallery, 2).is_empty(), "too few minutiae to tell");
        assert!(search(&probe, &[], 2).is_empty());
    }

    #[test]
    fn the_prefiltered_search_finds_what_the_full_search_finds() {
        let gallery: Vec<Vec<XytMinutia>> =
            (0..400u64).map(|s| to_xyt(&Finger::generate(s).impression(s, 1))).collect();
        let prepared: Vec<Prepared> = gallery.iter().cloned().map(Prepared::new).collect();
        for seed in (0..400u64).step_by(7).chain(5_000..5_010) {
            let probe = to_xyt(&Finger::generate(seed).impression(seed + 77_777, 1));
            let full = search(&probe, &gallery, 2);
            assert_eq!(search_prepared(&Prepared::new(probe), &prepared, 2), full, "probe {seed}");
        }
    }
}
