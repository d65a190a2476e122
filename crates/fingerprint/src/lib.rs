//! Fingerprints for CRIS's stand-in IDENT: synthetic fingers and their impressions
//! ([`synth`]), and bozorth3 matching over ANSI/NIST-ITL Type-9 minutiae ([`matcher`]).
//!
//! The matcher is `fprint-bozorth3` 0.1.0 (pinned), a dependency-free pure-Rust port of NIST
//! NBIS bozorth3 that reproduces the C tool's scores; it takes `x`, `y`, `theta` (degrees), so
//! Type-9 minutiae convert with the angle doubled from INCITS 378's 2-degree units.
//!
//! # Figures (`cargo bench -p fingerprint --bench matcher`)
//!
//! Score distributions, 2,000 genuine pairs (two impressions of one finger) and 2,000 impostor
//! pairs (impressions of two fingers), fingers of 30 to 60 minutiae (39.2 an impression on
//! average):
//!
//! | pairs | min | 1 % | 5 % | median | 95 % | 99 % | max | mean |
//! |---|---|---|---|---|---|---|---|---|
//! | genuine | 8 | 19 | 28 | 73 | 142 | 174 | 211 | 77.5 |
//! | impostor | 0 | 0 | 0 | 0 | 3 | 4 | 5 | 0.7 |
//! | one probe against 99,999 other fingers | 0 | 0 | 0 | 0 | 3 | 3 | 8 | 0.3 |
//!
//! At the [`THRESHOLD`] of 20: no false match among the 2,000 impostor pairs nor the 99,999
//! one-to-many impostor comparisons (the highest impostor score seen is 8), and 23 false
//! non-matches in 2,000 genuine pairs (1.15 %; 3.45 % at 25, 15.9 % at 40, NBIS's customary
//! threshold for real prints). Synthetic impostors score lower than real ones, whose ridge flow
//! gives unrelated fingers some shared structure: the threshold suits the stand-in IDENT, not
//! real captures.
//!
//! One-to-many, one probe against 100,000 enrolled fingers: about 594,000 instructions a
//! comparison (callgrind), 58.5 µs of CPU time a comparison: 5.9 s for the
//! 100,000 on one thread. Two threads spend 6.1 s of CPU in all, so on two otherwise idle cores
//! the search takes about 3.1 s. (Measured while other builds held the load average at 8 on this
//! 2-core machine: wall times were then 11.9 s on one thread and 12.3 s on two, since neither core
//! was free.) Generating the 100,000 fingers takes 7 s. What dominates is the matcher itself (94 % of the
//! instructions of a search; the scan around it is negligible), and within it stage 2, pairing
//! the two prints' edge tables (45 %), then building each print's table of edges (28 %: pairwise
//! distances and angles, `atanf`, sorting; the probe's is rebuilt for every comparison since the
//! crate has no prepared-probe form, about half of that), and clustering (22 %).
//!
//! The [`prefilter`] spares bozorth3 most of a one-to-many search: `search_prepared` compares
//! local structure first and gives bozorth3 about a tenth of the gallery, with the same result.

pub mod matcher;
pub mod prefilter;
pub mod synth;

pub use matcher::{
    Candidate, Prepared, THRESHOLD, XytMinutia, from_xyt, matches, score, search, search_prepared, to_xyt,
};
pub use synth::Finger;
