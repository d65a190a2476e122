//! A small deterministic random generator (SplitMix64). The demo data set must come out the same
//! on every machine and with every version of our dependencies, so it does not use an external
//! generator whose output may change between releases.

/// SplitMix64: fast, tiny, and good enough for plausible demo data (not for secrets).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi` (`lo` when the range is empty).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = u64::try_from(hi - lo).unwrap_or(0).saturating_add(1);
        // Multiply-shift maps 64 random bits onto the span without a modulo's bias worth noting.
        let offset = ((u128::from(self.next_u64()) * u128::from(span)) >> 64) as u64;
        lo + i64::try_from(offset).unwrap_or(0)
    }

    /// True with probability `p` (0.0 to 1.0).
    pub fn chance(&mut self, p: f64) -> bool {
        // 53 bits give a uniform float in [0, 1).
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    /// An index into `weights`, chosen in proportion to them (0 when all are zero).
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        if total == 0 {
            return 0;
        }
        let mut pick = self.range(0, i64::try_from(total - 1).unwrap_or(0));
        for (i, &w) in weights.iter().enumerate() {
            pick -= i64::from(w);
            if pick < 0 {
                return i;
            }
        }
        weights.len().saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_ranges_hold() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        for _ in 0..1000 {
            assert_eq!(a.next_u64(), b.next_u64());
            let v = a.range(-3, 5);
            assert!((-3..=5).contains(&v));
            b.range(-3, 5);
        }
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            counts[a.weighted(&[1, 0, 2])] += 1;
        }
        assert_eq!(counts[1], 0);
        assert!(counts[2] > counts[0] * 3 / 2, "{counts:?}");
    }
}
