//! Synthetic fingers and impressions, deterministic per seed.
//!
//! The demo and the stand-in IDENT need fingerprints to match for real without real people's
//! biometrics. A [`Finger`] is 30 to 60 minutiae spread over a 400 × 500 pixel area (500 ppi, about
//! 20 × 25 mm), at least [`MIN_SPACING`] pixels apart as ridges keep them. An [`impression`] of it
//! is what one capture would give: the whole finger turned by up to ±12 degrees about the centre and
//! shifted by up to ±25 pixels, each minutia moved by a couple of pixels and a few degrees, some
//! missed (18 %), a few spurious ones added (0 to 5), and those that leave the image cut off.
//!
//! The random numbers are a SplitMix64 stream written here rather than taken from a crate: the same
//! seed must give the same finger in every version, which no general-purpose generator promises.
//!
//! [`impression`]: Finger::impression

use ansi_nist::{FingerMinutiae, Minutia, MinutiaKind};

/// Image width, pixels.
pub const WIDTH: u16 = 400;
/// Image height, pixels.
pub const HEIGHT: u16 = 500;
/// Resolution, pixels per inch.
pub const PPI: u16 = 500;
/// Least distance between two minutiae of a finger, pixels.
pub const MIN_SPACING: f64 = 12.0;

/// A deterministic stream of random numbers (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A stream for this seed.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        // The top 53 bits make an exact double in [0, 1).
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[low, high)`.
    pub fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// Uniform whole number in `low..=high` (`low` when `high` is below it).
    pub fn between(&mut self, low: u32, high: u32) -> u32 {
        let span = u64::from(high.saturating_sub(low)) + 1;
        low + u32::try_from(self.next_u64() % span).unwrap_or(0)
    }

    /// Normal with mean 0 and this standard deviation (Box-Muller).
    pub fn normal(&mut self, sd: f64) -> f64 {
        let u = self.unit().max(f64::MIN_POSITIVE);
        let v = self.unit();
        sd * (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// One minutia in continuous coordinates, before it is written in whole pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Point {
    x: f64,
    y: f64,
    /// Degrees.
    theta: f64,
    kind: MinutiaKind,
}

/// A synthetic finger: its true minutiae.
#[derive(Debug, Clone, PartialEq)]
pub struct Finger {
    points: Vec<Point>,
}

impl Finger {
    /// The finger of this seed (the same seed always gives the same finger).
    #[must_use]
    pub fn generate(seed: u64) -> Self {
        let mut rng = Rng::new(seed ^ 0xF1A6_E4F1_A6E4_0001);
        let wanted = rng.between(30, 60) as usize;
        let mut points: Vec<Point> = Vec::with_capacity(wanted);
        let mut attempts = 0;
        while points.len() < wanted && attempts < 10_000 {
            attempts += 1;
            let x = rng.range(30.0, f64::from(WIDTH) - 30.0);
            let y = rng.range(30.0, f64::from(HEIGHT) - 30.0);
            if points.iter().any(|p| (p.x - x).hypot(p.y - y) < MIN_SPACING) {
                continue;
            }
            let kind = if rng.unit() < 0.5 { MinutiaKind::RidgeEnding } else { MinutiaKind::Bifurcation };
            points.push(Point { x, y, theta: rng.range(0.0, 360.0), kind });
        }
        Self { points }
    }

    /// How many minutiae the finger has.
    #[must_use]
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether it has none (never, for a generated finger).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// One capture of this finger, as the Type-9 record of `finger` position would carry it
    /// (the same seed always gives the same impression).
    #[must_use]
    pub fn impression(&self, seed: u64, finger: u8) -> FingerMinutiae {
        let mut rng = Rng::new(seed ^ 0x1A9E_5510_0000_0002);
        let turn = rng.range(-12.0, 12.0);
        let (sin, cos) = turn.to_radians().sin_cos();
        let (dx, dy) = (rng.range(-25.0, 25.0), rng.range(-25.0, 25.0));
        let (cx, cy) = (f64::from(WIDTH) / 2.0, f64::from(HEIGHT) / 2.0);
        let mut seen = Vec::with_capacity(self.points.len() + 5);
        for p in &self.points {
            if rng.unit() < 0.18 {
                continue;
            }
            let (x, y) = (p.x - cx, p.y - cy);
            seen.push(Point {
                x: cx + x * cos - y * sin + dx + rng.normal(2.0),
                y: cy + x * sin + y * cos + dy + rng.normal(2.0),
                theta: p.theta + turn + rng.normal(4.0),
                kind: p.kind,
            });
        }
        for _ in 0..rng.between(0, 5) {
            let kind = if rng.unit() < 0.5 { MinutiaKind::RidgeEnding } else { MinutiaKind::Bifurcation };
            seen.push(Point {
                x: rng.range(0.0, f64::from(WIDTH)),
                y: rng.range(0.0, f64::from(HEIGHT)),
                theta: rng.range(0.0, 360.0),
                kind,
            });
        }
        let minutiae = seen.iter().filter_map(|p| to_pixels(p, rng.between(40, 100))).collect();
        FingerMinutiae {
            idc: 0,
            impression: 0,
            width: WIDTH,
            height: HEIGHT,
            scale_units: 1,
            horizontal_scale: PPI,
            vertical_scale: PPI,
            finger,
            minutiae,
        }
    }
}

/// A point in whole pixels and 2-degree units, if it lies on the image.
fn to_pixels(p: &Point, quality: u32) -> Option<Minutia> {
    let (x, y) = (p.x.round(), p.y.round());
    let on_image = (0.0..f64::from(WIDTH)).contains(&x) && (0.0..f64::from(HEIGHT)).contains(&y);
    if !on_image {
        return None;
    }
    let angle = (p.theta.rem_euclid(360.0) / 2.0).round() % 180.0;
    Some(Minutia {
        x: x as u16,
        y: y as u16,
        angle: angle as u8,
        kind: p.kind,
        quality: u8::try_from(quality).unwrap_or(100),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_finger_and_impression() {
        let a = Finger::generate(42);
        assert_eq!(a, Finger::generate(42));
        assert_ne!(a, Finger::generate(43));
        assert_eq!(a.impression(7, 2), a.impression(7, 2));
        assert_ne!(a.impression(7, 2), a.impression(8, 2));
    }

    #[test]
    fn fingers_hold_30_to_60_spaced_minutiae_on_the_image() {
        for seed in 0..200 {
            let f = Finger::generate(seed);
            assert!((30..=60).contains(&f.len()), "seed {seed}: {}", f.len());
            for (i, p) in f.points.iter().enumerate() {
                for q in &f.points[i + 1..] {
                    assert!((p.x - q.x).hypot(p.y - q.y) >= MIN_SPACING);
                }
            }
            let m = f.impression(seed, 1);
            assert!(m.minutiae.iter().all(|p| p.x < WIDTH && p.y < HEIGHT && p.angle < 180));
            assert!(m.to_record().is_ok(), "an impression is a valid Type-9 record");
        }
    }

    #[test]
    fn the_random_stream_is_fixed_and_roughly_uniform() {
        let mut r = Rng::new(1);
        // SplitMix64 from state 1: a fixed stream, so seeds mean the same fingers forever.
        assert_eq!(r.next_u64(), 0x910A_2DEC_8902_5CC1);
        let mut r = Rng::new(9);
        let mean = (0..10_000).map(|_| r.unit()).sum::<f64>() / 10_000.0;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
        let sd = ((0..10_000).map(|_| r.normal(3.0).powi(2)).sum::<f64>() / 10_000.0).sqrt();
        assert!((sd - 3.0).abs() < 0.15, "{sd}");
    }
}
