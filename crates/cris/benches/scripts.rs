//! The script gateway's search at size (R-GW-01): 5,000 approved scripts in English and Spanish
//! (10,000 documents) written to a fresh SQLite file, or to the database named by `CRIS_BENCH_DB`
//! (e.g. `postgres://postgres@127.0.0.1:5432/cris_bench`, created first and empty of scripts);
//! then prints the time to build the index from the database, the latency (p50, p99, max) of
//! 2,000 mixed searches (one to four words, half of the longer words misspelt, Spanish typed
//! without accents, a quarter filtered by topic, form or language), each including the check for
//! approvals made elsewhere, and the time to take in one new approval.
//!
//! Run: `cargo bench -p cris --bench scripts`.

#![expect(clippy::expect_used, reason = "a benchmark stops at the first failure")]
#![expect(clippy::disallowed_methods, reason = "a benchmark measures, and stamps its rows with, the wall clock")]

use std::time::{Duration, Instant};

use chrono::Utc;
use cris::kernel::i18n::Lang;
use cris::script_gateway::model::{Draft, Search, Topic};
use cris::script_gateway::search::ScriptIndex;
use cris::script_gateway::service;
use cris::seed::rng::Rng;

const SCRIPTS: usize = 5_000;
const QUERIES: usize = 2_000;

const ENGLISH: &[&str] = &[
    "address",
    "appointment",
    "biometrics",
    "fingerprints",
    "photograph",
    "signature",
    "interview",
    "notice",
    "receipt",
    "number",
    "status",
    "case",
    "pending",
    "approved",
    "denied",
    "card",
    "permanent",
    "resident",
    "employment",
    "authorization",
    "travel",
    "document",
    "advance",
    "parole",
    "citizenship",
    "naturalization",
    "civics",
    "english",
    "test",
    "oath",
    "ceremony",
    "fee",
    "waiver",
    "payment",
    "check",
    "money",
    "order",
    "refund",
    "evidence",
    "request",
    "response",
    "deadline",
    "extension",
    "replacement",
    "lost",
    "stolen",
    "damaged",
    "name",
    "change",
    "marriage",
    "spouse",
    "child",
    "parent",
    "sibling",
    "petition",
    "relative",
    "worker",
    "employer",
    "asylum",
    "refugee",
    "parole",
    "visa",
    "consulate",
    "embassy",
    "mail",
    "returned",
    "delivery",
    "postal",
    "service",
    "online",
    "account",
    "password",
    "security",
    "question",
    "office",
    "field",
    "center",
    "support",
    "application",
    "filing",
    "signature",
    "edition",
    "instructions",
    "translation",
    "certified",
    "copy",
    "birth",
    "certificate",
    "passport",
    "identification",
    "license",
    "military",
    "veteran",
    "disability",
    "accommodation",
    "interpreter",
    "representative",
    "attorney",
    "accredited",
    "scam",
    "notario",
    "reschedule",
    "cancel",
    "emergency",
    "expedite",
    "processing",
    "time",
    "posted",
    "inquiry",
    "error",
    "typographical",
    "correction",
    "abroad",
    "reentry",
    "permit",
    "conditions",
    "removal",
    "investor",
];

const SPANISH: &[&str] = &[
    "dirección",
    "cita",
    "datos",
    "biométricos",
    "huellas",
    "dactilares",
    "fotografía",
    "firma",
    "entrevista",
    "aviso",
    "recibo",
    "número",
    "estado",
    "caso",
    "pendiente",
    "aprobado",
    "denegado",
    "tarjeta",
    "residente",
    "permanente",
    "empleo",
    "autorización",
    "viaje",
    "documento",
    "permiso",
    "adelantado",
    "ciudadanía",
    "naturalización",
    "educación",
    "cívica",
    "inglés",
    "examen",
    "juramento",
    "ceremonia",
    "tarifa",
    "exención",
    "pago",
    "cheque",
    "giro",
    "postal",
    "reembolso",
    "pruebas",
    "solicitud",
    "respuesta",
    "plazo",
    "prórroga",
    "reemplazo",
    "perdida",
    "robada",
    "dañada",
    "nombre",
    "cambio",
    "matrimonio",
    "cónyuge",
    "hijo",
    "padre",
    "hermano",
    "petición",
    "familiar",
    "trabajador",
    "empleador",
    "asilo",
    "refugiado",
    "visa",
    "consulado",
    "embajada",
    "correo",
    "devuelto",
    "entrega",
    "servicio",
    "cuenta",
    "contraseña",
    "seguridad",
    "pregunta",
    "oficina",
    "centro",
    "asistencia",
    "presentación",
    "edición",
    "instrucciones",
    "traducción",
    "certificada",
    "copia",
    "nacimiento",
    "certificado",
    "pasaporte",
    "identificación",
    "licencia",
    "militar",
    "discapacidad",
    "intérprete",
    "representante",
    "abogado",
    "acreditado",
    "estafa",
    "notario",
    "cancelar",
    "emergencia",
    "tramitación",
    "tiempo",
    "publicado",
    "consulta",
    "error",
    "tipográfico",
    "corrección",
    "extranjero",
    "reingreso",
    "condiciones",
    "inversionista",
];

const FORMS: &[&str] = &["I-90", "I-130", "I-131", "I-485", "I-539", "I-751", "I-765", "I-821D", "N-400", "N-565"];

fn pick<'a>(rng: &mut Rng, words: &[&'a str]) -> &'a str {
    let i = usize::try_from(rng.range(0, words.len() as i64 - 1)).unwrap_or(0);
    words[i]
}

/// Words drawn with a skew (earlier words more often), as real text repeats its common words.
fn sentence(rng: &mut Rng, words: &[&str], n: usize) -> String {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let a = pick(rng, words);
        let b = pick(rng, &words[..words.len() / 3]);
        out.push(if rng.chance(0.5) { a } else { b });
    }
    out.join(" ")
}

fn drafts(rng: &mut Rng) -> Vec<Draft> {
    (0..SCRIPTS)
        .map(|n| {
            let topic = Topic::ALL[n % Topic::ALL.len()];
            let form = rng.chance(0.6).then(|| pick(rng, FORMS).to_owned());
            let about = form.as_deref().map(|f| format!(" Form {f}.")).unwrap_or_default();
            Draft {
                topic,
                form_code: form.clone(),
                title_en: format!("{} {n}", sentence(rng, ENGLISH, 5)),
                body_en: format!("{}.{about}\n\n{}.", sentence(rng, ENGLISH, 40), sentence(rng, ENGLISH, 40)),
                title_es: format!("{} {n}", sentence(rng, SPANISH, 5)),
                body_es: format!("{}.{about}\n\n{}.", sentence(rng, SPANISH, 40), sentence(rng, SPANISH, 40)),
                note: String::new(),
            }
        })
        .collect()
}

/// A typing mistake: a letter dropped, two swapped, or one replaced.
fn misspell(rng: &mut Rng, word: &str) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    let i = usize::try_from(rng.range(1, chars.len() as i64 - 2)).unwrap_or(1);
    match rng.range(0, 2) {
        0 => {
            chars.remove(i);
        }
        1 => chars.swap(i, i + 1),
        _ => chars[i] = 'x',
    }
    chars.into_iter().collect()
}

/// Spanish as typed on an English keyboard.
fn unaccented(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'á' => 'a',
            'é' => 'e',
            'í' => 'i',
            'ó' => 'o',
            'ú' => 'u',
            'ñ' => 'n',
            other => other,
        })
        .collect()
}

fn queries(rng: &mut Rng) -> Vec<Search> {
    (0..QUERIES)
        .map(|_| {
            let spanish = rng.chance(0.4);
            let n = usize::try_from(rng.range(1, 4)).unwrap_or(1);
            let words: Vec<String> = (0..n)
                .map(|_| {
                    let w = if spanish { unaccented(pick(rng, SPANISH)) } else { pick(rng, ENGLISH).to_owned() };
                    if w.chars().count() >= 5 && rng.chance(0.5) { misspell(rng, &w) } else { w }
                })
                .collect();
            let mut s = Search { words: words.join(" "), ..Search::default() };
            match rng.range(0, 11) {
                0 => s.topic = Some(Topic::ALL[usize::try_from(rng.range(0, 9)).unwrap_or(0)]),
                1 => s.form_code = Some(pick(rng, FORMS).to_owned()),
                2 => s.lang = Some(if spanish { Lang::Es } else { Lang::En }),
                _ => {}
            }
            s
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let file = std::env::temp_dir().join(format!("cris-bench-scripts-{}.db", std::process::id()));
    let url = std::env::var("CRIS_BENCH_DB").unwrap_or_else(|_| format!("sqlite://{}?mode=rwc", file.display()));
    let (db, _catalog) = cris::app::open(&url, 8).await.expect("open the database");
    let mut rng = Rng::new(20_261_102);

    let all = drafts(&mut rng);
    let started = Instant::now();
    service::import_approved(&db, &all, ("bench.author", "bench.approver"), Utc::now()).await.expect("write scripts");
    println!("database: {SCRIPTS} approved scripts written in {:.2} s", started.elapsed().as_secs_f64());

    let index = ScriptIndex::default();
    let started = Instant::now();
    let written = index.refresh(&db).await.expect("build the index");
    println!(
        "index build: {written} scripts ({} documents) read and indexed in {:.0} ms",
        written * 2,
        ms(started.elapsed())
    );

    let searches = queries(&mut rng);
    let mut times = Vec::with_capacity(searches.len());
    let mut found = 0usize;
    let started = Instant::now();
    for s in &searches {
        let t = Instant::now();
        let hits = index.search(&db, s, service::RESULTS).await.expect("search");
        times.push(t.elapsed());
        found += usize::from(!hits.is_empty());
    }
    let total = started.elapsed();
    times.sort();
    println!(
        "search: {QUERIES} queries in {:.2} s, {found} with results; p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms \
         (each including the approvals check)",
        total.as_secs_f64(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(percentile(&times, 1.0)),
    );
    for s in searches.iter().take(3) {
        println!("  e.g. {:?} (topic {:?}, form {:?}, lang {:?})", s.words, s.topic, s.form_code, s.lang);
    }

    // Another node approves one script: the next search takes it in.
    let one = drafts(&mut Rng::new(7)).remove(0);
    service::import_approved(&db, &[one], ("bench.author", "bench.approver"), Utc::now()).await.expect("approve one");
    let started = Instant::now();
    let written = index.refresh(&db).await.expect("catch up");
    println!("catch-up: {written} newly approved script indexed in {:.1} ms", ms(started.elapsed()));

    db.close().await;
    if std::env::var("CRIS_BENCH_DB").is_err() {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
    }
}
