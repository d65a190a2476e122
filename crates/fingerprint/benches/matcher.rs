//! The matcher's figures: score distributions of genuine and impostor pairs of synthetic fingers
//! (the threshold's evidence), then one probe against an enrolled gallery on 1 and 2 threads,
//! every finger compared, then prefiltered over prepared fingers.
//!
//! `cargo bench -p fingerprint --bench matcher` (`PAIRS`, default 2,000 of each kind; `GALLERY`,
//! default 100,000 fingers).

#![expect(clippy::disallowed_methods, reason = "a benchmark measures the wall clock")]

use std::time::Instant;

use fingerprint::{Finger, Prepared, THRESHOLD, XytMinutia, score, search, search_prepared, to_xyt};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// CPU seconds this process has used (user and system), from `/proc/self/stat` in clock ticks of
/// 1/100 s; `None` off Linux. Other processes share the machine: CPU time is what they disturb
/// least.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn percentile(sorted: &[u32], p: f64) -> u32 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn summary(name: &str, scores: &mut [u32]) {
    scores.sort_unstable();
    println!(
        "{name:9} n={} min={} p1={} p5={} p50={} p95={} p99={} max={} mean={:.1}",
        scores.len(),
        scores[0],
        percentile(scores, 0.01),
        percentile(scores, 0.05),
        percentile(scores, 0.50),
        percentile(scores, 0.95),
        percentile(scores, 0.99),
        scores[scores.len() - 1],
        scores.iter().map(|s| f64::from(*s)).sum::<f64>() / scores.len() as f64,
    );
}

fn main() {
    let pairs = env("PAIRS", 2000) as u64;
    let gallery_size = env("GALLERY", 100_000);

    // Genuine: two impressions of one finger. Impostor: impressions of two different fingers.
    let started = Instant::now();
    let mut genuine: Vec<u32> = (0..pairs)
        .map(|s| {
            let f = Finger::generate(s);
            score(&to_xyt(&f.impression(2 * s, 1)), &to_xyt(&f.impression(2 * s + 1, 1)))
        })
        .collect();
    let mut impostor: Vec<u32> = (0..pairs)
        .map(|s| {
            let a = Finger::generate(s).impression(2 * s, 1);
            let b = Finger::generate(s + 1_000_000).impression(2 * s + 1, 1);
            score(&to_xyt(&a), &to_xyt(&b))
        })
        .collect();
    println!("score distributions ({} pairs, {:.1} s)", 2 * pairs, started.elapsed().as_secs_f64());
    summary("genuine", &mut genuine);
    summary("impostor", &mut impostor);
    let max_impostor = impostor.last().copied().unwrap_or(0);
    for t in [max_impostor + 1, 20, 25, 30, 35, 40, 50, 60] {
        let fnm = genuine.iter().filter(|s| **s < t).count();
        let fm = impostor.iter().filter(|s| **s >= t).count();
        println!(
            "threshold {t:3}: false matches {fm}/{} ({:.2} %), false non-matches {fnm}/{} ({:.2} %){}",
            impostor.len(),
            100.0 * fm as f64 / impostor.len() as f64,
            genuine.len(),
            100.0 * fnm as f64 / genuine.len() as f64,
            if t == THRESHOLD { "  <- THRESHOLD" } else { "" }
        );
    }

    // One-to-many: one impression of each enrolled finger, then a probe of finger 4242.
    let started = Instant::now();
    let gallery: Vec<Vec<XytMinutia>> =
        (0..gallery_size as u64).map(|s| to_xyt(&Finger::generate(s).impression(s, 1))).collect();
    let minutiae: usize = gallery.iter().map(Vec::len).sum();
    println!(
        "\ngallery: {gallery_size} fingers, {:.1} minutiae each on average, generated in {:.1} s",
        minutiae as f64 / gallery_size as f64,
        started.elapsed().as_secs_f64()
    );
    let target = 4242 % gallery_size;
    let probe = to_xyt(&Finger::generate(target as u64).impression(7_777_777, 1));

    // Every score of the probe against the gallery: the one-to-many impostor tail.
    let started = Instant::now();
    let mut scores: Vec<u32> = gallery.iter().map(|g| score(&probe, g)).collect();
    let elapsed = started.elapsed();
    let genuine_score = scores[target];
    scores.swap_remove(target);
    let above = scores.iter().filter(|s| **s >= THRESHOLD).count();
    println!(
        "all scores, 1 thread, no threshold: {:.2} s; genuine {genuine_score}; {} impostors at or above {THRESHOLD}",
        elapsed.as_secs_f64(),
        above
    );
    summary("1-to-N", &mut scores);
    // Other processes share the machine: alternate 1 and 2 threads, three rounds, keep the best.
    let mut best = [f64::MAX; 2];
    let mut cpu = [f64::MAX; 2];
    for _round in 0..3 {
        for (slot, threads) in [1, 2].into_iter().enumerate() {
            let (started, cpu_started) = (Instant::now(), cpu_seconds());
            let found = search(&probe, &gallery, threads);
            best[slot] = best[slot].min(started.elapsed().as_secs_f64());
            if let (Some(before), Some(after)) = (cpu_started, cpu_seconds()) {
                cpu[slot] = cpu[slot].min(after - before);
            }
            assert_eq!(found.first().map(|c| c.index), Some(target), "the probe's finger is found first");
        }
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at the end: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    for (slot, threads) in [1, 2].into_iter().enumerate() {
        println!(
            "search, {threads} thread(s), best of 3: {:.2} s, {:.1} µs a comparison, {:.0} comparisons a second; \
             CPU {:.2} s ({:.1} µs a comparison)",
            best[slot],
            best[slot] * 1e6 / gallery_size as f64,
            gallery_size as f64 / best[slot],
            cpu[slot],
            cpu[slot] * 1e6 / gallery_size as f64,
        );
    }

    // The same search over prepared fingers, prefiltered (what CRIS's in-memory gallery does).
    let (started, cpu_started) = (Instant::now(), cpu_seconds());
    let prepared: Vec<Prepared> = gallery.iter().cloned().map(Prepared::new).collect();
    let prepare_cpu = cpu_started.zip(cpu_seconds()).map_or(0.0, |(b, a)| a - b);
    println!("prepared the gallery in {:.1} s (CPU {prepare_cpu:.1} s)", started.elapsed().as_secs_f64());
    let probe = Prepared::new(probe);
    let full = search(&probe.minutiae, &gallery, 2);
    for threads in [1, 2] {
        let (mut wall, mut spent) = (f64::MAX, f64::MAX);
        for _round in 0..3 {
            let (started, cpu_started) = (Instant::now(), cpu_seconds());
            let found = search_prepared(&probe, &prepared, threads);
            wall = wall.min(started.elapsed().as_secs_f64());
            if let (Some(before), Some(after)) = (cpu_started, cpu_seconds()) {
                spent = spent.min(after - before);
            }
            assert_eq!(found, full, "the prefilter changed the result");
        }
        println!(
            "prefiltered search, {threads} thread(s), best of 3: {wall:.2} s; CPU {spent:.2} s ({:.1} µs a finger)",
            spent * 1e6 / gallery_size as f64
        );
    }
}
