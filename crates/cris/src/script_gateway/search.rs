//! The scripts' search (R-GW-01): a full-text index in memory (tantivy) over the current approved
//! version of every script, one document a language. Call-centre staff type while a caller talks,
//! so words are matched exactly (boosted) and within one or two typing mistakes, accents folded
//! ("direccion" finds "dirección"), titles weighing more than text. The index is built from the
//! database on first use and follows the approvals' sequence (`script_head`): each search reads
//! one row to learn whether any node approved something since, and adds only those scripts.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::{Snippet, SnippetGenerator, collapse_overlapped_ranges};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter, TextAnalyzer, TokenStream,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use super::model::{Search, Topic};
use super::store::{self, Indexed};
use crate::kernel::db::{Db, DbError};
use crate::kernel::i18n::Lang;

impl crate::web::AppState {
    /// This node's search index of the call-centre scripts: the script gateway's part of the
    /// application state.
    pub fn scripts(&self) -> &ScriptIndex {
        self.part::<ScriptIndex>()
    }
}

/// The analyzer's name in the index.
const ANALYZER: &str = "folded";
/// Characters of text a result shows around the words found.
const SNIPPET_CHARS: usize = 220;
/// Longer than any title: titles are shown whole.
const TITLE_CHARS: usize = 1_000;
/// Words of a search that count; the rest are ignored.
const MAX_WORDS: usize = 12;
/// The indexing thread's memory: tantivy's minimum, plenty for a few thousand scripts.
const WRITER_MEMORY: usize = 15_000_000;

/// Words too common to search on, folded (the analyzer folds before it drops them).
const STOP_WORDS: &[&str] = &[
    // English
    "a", "about", "am", "an", "and", "are", "as", "at", "be", "but", "by", "can", "could", "did", "do", "does", "for",
    "from", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of", "on",
    "or", "our", "should", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "we",
    "what", "when", "where", "which", "who", "why", "will", "with", "would", "you", "your", // Spanish
    "al", "como", "con", "cual", "cuando", "de", "del", "donde", "e", "el", "ella", "en", "es", "esta", "este", "hay",
    "la", "las", "le", "les", "lo", "los", "mas", "mi", "mis", "o", "para", "pero", "por", "puedo", "que", "quien",
    "se", "si", "sin", "son", "su", "sus", "tu", "un", "una", "unos", "y", "ya", "yo",
];

/// Why a search or an index update failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The index refused an operation.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// Reading the scripts failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The indexing task stopped or a lock was poisoned by a panic.
    #[error("search index: {0}")]
    Internal(String),
}

/// A piece of a title or snippet, marked when it is a word searched for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The text.
    pub text: String,
    /// Whether it matched.
    pub hit: bool,
}

/// One script found, in the language that matched best.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The script.
    pub script_id: i64,
    /// Its current version.
    pub version: i64,
    /// The language of the title and snippet.
    pub lang: Lang,
    /// Topic.
    pub topic: Topic,
    /// Form.
    pub form_code: Option<String>,
    /// The title, the words found marked.
    pub title: Vec<Mark>,
    /// Some text around the words found, marked.
    pub snippet: Vec<Mark>,
    /// Relevance (higher first).
    pub score: f32,
}

/// The fields of a script's document.
#[derive(Debug, Clone, Copy)]
struct Fields {
    script_id: Field,
    version: Field,
    lang: Field,
    topic: Field,
    form: Field,
    title: Field,
    body: Field,
    /// Topic names and form code, searchable but not shown.
    tags: Field,
}

/// Splits on anything not a letter or digit, drops very long tokens, lowers case, folds accents
/// (Spanish typed without them still matches), then drops stop words.
fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(STOP_WORDS.iter().map(|w| (*w).to_owned())))
        .build()
}

/// How many typing mistakes a word may hold: none for short words (too many near neighbours),
/// one from four letters, two from eight.
fn distance(word: &str) -> u8 {
    match word.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// The index proper, created on first use.
struct Engine {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    analyzer: TextAnalyzer,
    f: Fields,
}

impl Engine {
    fn new() -> tantivy::Result<Engine> {
        let mut schema = Schema::builder();
        // Frequencies rank; positions are not needed (no phrase queries), which keeps it small.
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(ANALYZER).set_index_option(IndexRecordOption::WithFreqs),
        );
        let f = Fields {
            script_id: schema.add_u64_field("script_id", INDEXED | STORED),
            version: schema.add_u64_field("version", STORED),
            lang: schema.add_text_field("lang", STRING | STORED),
            topic: schema.add_text_field("topic", STRING | STORED),
            form: schema.add_text_field("form", STRING | STORED),
            title: schema.add_text_field("title", text.clone().set_stored()),
            body: schema.add_text_field("body", text.clone().set_stored()),
            tags: schema.add_text_field("tags", text),
        };
        let index = Index::create_in_ram(schema.build());
        index.tokenizers().register(ANALYZER, analyzer());
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        // Reloaded by hand after each commit, so a search right after an approval sees it.
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(Engine { reader, writer: Mutex::new(writer), analyzer: analyzer(), f })
    }

    /// Writes scripts' current versions: replacing every document, or replacing those scripts'.
    fn apply(&self, rows: &[Indexed], replace_all: bool) -> Result<(), SearchError> {
        let f = self.f;
        let mut writer = self.writer.lock().map_err(|_| SearchError::Internal("index writer poisoned".into()))?;
        if replace_all {
            writer.delete_all_documents()?;
        }
        for r in rows {
            let (Ok(id), Ok(version), Some(topic)) =
                (u64::try_from(r.script_id), u64::try_from(r.version), Topic::parse(&r.topic))
            else {
                continue;
            };
            if !replace_all {
                writer.delete_term(Term::from_field_u64(f.script_id, id));
            }
            for (lang, title, body) in [(Lang::En, &r.title_en, &r.body_en), (Lang::Es, &r.title_es, &r.body_es)] {
                let mut doc = TantivyDocument::default();
                doc.add_u64(f.script_id, id);
                doc.add_u64(f.version, version);
                doc.add_text(f.lang, lang.tag());
                doc.add_text(f.topic, topic.code());
                doc.add_text(f.title, title);
                doc.add_text(f.body, body);
                doc.add_text(f.tags, topic.label(lang));
                if let Some(form) = &r.form_code {
                    doc.add_text(f.form, form);
                    doc.add_text(f.tags, form);
                }
                writer.add_document(doc)?;
            }
        }
        writer.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// The search's words as the index holds them: analysed, each once, at most [`MAX_WORDS`].
    fn words(&self, text: &str) -> Vec<String> {
        let mut analyzer = self.analyzer.clone();
        let mut stream = analyzer.token_stream(text);
        let mut words: Vec<String> = Vec::new();
        while let Some(token) = stream.next() {
            if !words.contains(&token.text) {
                words.push(token.text.clone());
            }
        }
        words.truncate(MAX_WORDS);
        words
    }

    /// The automaton of a word: the word within its typing distance, and for the last word
    /// (perhaps still being typed) also as a prefix.
    fn variants(&self, field: Field, word: &str, last: bool) -> Vec<(FuzzyTermQuery, f32)> {
        let term = Term::from_field_text(field, word);
        let mut v = vec![(FuzzyTermQuery::new(term.clone(), distance(word), true), 1.0)];
        if last && word.chars().count() >= 3 {
            v.push((FuzzyTermQuery::new_prefix(term, 0, true), 0.5));
        }
        v
    }

    /// Every word must match, exactly or nearly, except one in three (long questions still find
    /// the script that answers most of them); exact matches rank above near ones, titles above
    /// topics above text. Filters restrict without scoring.
    fn query(&self, s: &Search, words: &[String]) -> Box<dyn Query> {
        let f = self.f;
        let per_word: Vec<Box<dyn Query>> = words
            .iter()
            .enumerate()
            .map(|(i, word)| {
                let mut clauses: Vec<Box<dyn Query>> = Vec::new();
                for (field, weight) in [(f.title, 3.0), (f.tags, 2.0), (f.body, 1.0)] {
                    let exact = TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs);
                    clauses.push(Box::new(BoostQuery::new(Box::new(exact), weight * 2.0)));
                    for (near, factor) in self.variants(field, word, i + 1 == words.len()) {
                        clauses.push(Box::new(BoostQuery::new(Box::new(near), weight * factor)));
                    }
                }
                Box::new(BooleanQuery::union(clauses)) as Box<dyn Query>
            })
            .collect();
        let needed = words.len() - words.len() / 3;
        let mut all: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(BooleanQuery::union_with_minimum_required_clauses(per_word, needed)))];
        let filters =
            [(f.lang, s.lang.map(Lang::tag)), (f.topic, s.topic.map(Topic::code)), (f.form, s.form_code.as_deref())];
        for (field, value) in filters {
            if let Some(value) = value {
                let term = TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic);
                all.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(term), 0.0))));
            }
        }
        Box::new(BooleanQuery::new(all))
    }

    /// The indexed words the search's words stand for (near ones included), to mark in results.
    fn marked_terms(&self, searcher: &Searcher, words: &[String]) -> tantivy::Result<BTreeMap<String, f32>> {
        let mut terms = BTreeMap::new();
        for segment in searcher.segment_readers() {
            for field in [self.f.title, self.f.body] {
                let inverted = segment.inverted_index(field)?;
                for (i, word) in words.iter().enumerate() {
                    for (query, _) in self.variants(field, word, i + 1 == words.len()) {
                        let automaton = query.automaton()?;
                        let mut stream = inverted.terms().search(&automaton).into_stream()?;
                        while stream.advance() {
                            if let Ok(text) = std::str::from_utf8(stream.key()) {
                                terms.insert(text.to_owned(), 1.0);
                            }
                        }
                    }
                }
            }
        }
        Ok(terms)
    }

    /// The best `limit` scripts for a search, each once, in the language that matched best.
    fn search(&self, s: &Search, limit: usize) -> Result<Vec<Hit>, SearchError> {
        let words = self.words(&s.words);
        if words.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let query = self.query(s, &words);
        // Both languages of a script may match: take enough to keep `limit` scripts.
        let top = searcher.search(&*query, &TopDocs::with_limit(limit * 2).order_by_score())?;
        let marks = self.marked_terms(&searcher, &words)?;
        let snippets = SnippetGenerator::new(marks.clone(), self.analyzer.clone(), self.f.body, SNIPPET_CHARS);
        let titles = SnippetGenerator::new(marks, self.analyzer.clone(), self.f.title, TITLE_CHARS);
        let mut scripts = HashSet::new();
        let mut hits = Vec::new();
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let number = |field| doc.get_first(field).and_then(|v| v.as_u64()).and_then(|n| i64::try_from(n).ok());
            let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            let (Some(script_id), Some(version)) = (number(self.f.script_id), number(self.f.version)) else { continue };
            let (Some(lang), Some(topic)) = (Lang::from_tag(&text(self.f.lang)), Topic::parse(&text(self.f.topic)))
            else {
                continue;
            };
            if !scripts.insert(script_id) {
                continue;
            }
            let (title, body) = (text(self.f.title), text(self.f.body));
            let form = text(self.f.form);
            hits.push(Hit {
                script_id,
                version,
                lang,
                topic,
                form_code: (!form.is_empty()).then_some(form),
                title: marked(&titles.snippet(&title), &title),
                snippet: marked(&snippets.snippet(&body), &body),
                score,
            });
            if hits.len() == limit {
                break;
            }
        }
        Ok(hits)
    }
}

/// A snippet as pieces, marked where words matched; the text's beginning when none did.
fn marked(snippet: &Snippet, text: &str) -> Vec<Mark> {
    let fragment = snippet.fragment();
    if snippet.is_empty() || fragment.is_empty() {
        let mut start: String = text.chars().take(SNIPPET_CHARS).collect();
        if start.len() < text.len() {
            start.push('…');
        }
        return vec![Mark { text: start, hit: false }];
    }
    let mut pieces = Vec::new();
    let mut at = 0;
    for range in collapse_overlapped_ranges(snippet.highlighted()) {
        if let (Some(before), Some(word)) = (fragment.get(at..range.start), fragment.get(range.clone())) {
            if !before.is_empty() {
                pieces.push(Mark { text: before.to_owned(), hit: false });
            }
            pieces.push(Mark { text: word.to_owned(), hit: true });
            at = range.end;
        }
    }
    if let Some(rest) = fragment.get(at..).filter(|r| !r.is_empty()) {
        pieces.push(Mark { text: rest.to_owned(), hit: false });
    }
    pieces
}

/// The search index of one server node, shared by its requests.
#[derive(Default)]
pub struct ScriptIndex {
    engine: tokio::sync::OnceCell<Arc<Engine>>,
    /// The approvals' generation the index holds.
    seen: AtomicI64,
    /// One catch-up at a time; searches meanwhile wait for it rather than repeat it.
    catching_up: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for ScriptIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScriptIndex").field("seen", &self.seen.load(Ordering::Relaxed)).finish_non_exhaustive()
    }
}

impl ScriptIndex {
    async fn engine(&self) -> Result<Arc<Engine>, SearchError> {
        Ok(self.engine.get_or_try_init(|| async { Engine::new().map(Arc::new) }).await?.clone())
    }

    /// Brings the index up to the database's last approval: every script the first time (or
    /// when the database went back, restored from an older copy), else the scripts approved
    /// since. Returns the number of scripts written.
    pub async fn refresh(&self, db: &Db) -> Result<usize, SearchError> {
        let engine = self.engine().await?;
        let head = store::generation(db).await?;
        if head == self.seen.load(Ordering::Acquire) {
            return Ok(0);
        }
        let _one = self.catching_up.lock().await;
        let seen = self.seen.load(Ordering::Acquire);
        if head == seen {
            return Ok(0);
        }
        let replace_all = head < seen || seen == 0;
        let rows = store::approved_since(db, if replace_all { 0 } else { seen }).await?;
        let reached = rows.iter().map(|r| r.generation).fold(head, i64::max);
        let written = rows.len();
        // Indexing thousands of scripts is CPU work: off the request threads.
        tokio::task::spawn_blocking(move || engine.apply(&rows, replace_all))
            .await
            .map_err(|e| SearchError::Internal(e.to_string()))??;
        self.seen.store(reached, Ordering::Release);
        Ok(written)
    }

    /// The best `limit` scripts for the search's words and filters, after catching up.
    pub async fn search(&self, db: &Db, s: &Search, limit: usize) -> Result<Vec<Hit>, SearchError> {
        self.refresh(db).await?;
        self.engine().await?.search(s, limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, topic: Topic, form: Option<&str>, en: (&str, &str), es: (&str, &str)) -> Indexed {
        Indexed {
            script_id: id,
            version: 1,
            topic: topic.code().into(),
            form_code: form.map(str::to_owned),
            title_en: en.0.into(),
            body_en: en.1.into(),
            title_es: es.0.into(),
            body_es: es.1.into(),
            generation: id,
        }
    }

    fn engine() -> Engine {
        let e = Engine::new().unwrap();
        let rows = [
            row(
                1,
                Topic::ChangeOfAddress,
                None,
                (
                    "Reporting a change of address",
                    "Non-citizens must report a new address within 10 days of moving, online with Form AR-11.",
                ),
                (
                    "Cómo informar un cambio de dirección",
                    "Los no ciudadanos deben informar su nueva dirección dentro de los 10 días de la mudanza.",
                ),
            ),
            row(
                2,
                Topic::Biometrics,
                Some("I-485"),
                (
                    "Biometrics appointment",
                    "At the biometrics appointment we take fingerprints, a photograph and a signature.",
                ),
                (
                    "Cita de datos biométricos",
                    "En la cita biométrica tomamos huellas dactilares, una fotografía y su firma.",
                ),
            ),
            row(
                3,
                Topic::Fees,
                Some("I-765"),
                ("Paying the filing fee", "Pay the filing fee by check, money order or card; fees are not refunded."),
                (
                    "Pago de la tarifa de presentación",
                    "Pague la tarifa con cheque, giro postal o tarjeta; las tarifas no se reembolsan.",
                ),
            ),
            row(
                4,
                Topic::Appointments,
                None,
                (
                    "Rescheduling an interview",
                    "To reschedule an interview, call the Contact Center before the appointment date.",
                ),
                (
                    "Cambiar la fecha de una entrevista",
                    "Para cambiar la fecha de su entrevista, llame al Centro de Contacto antes de la cita.",
                ),
            ),
        ];
        e.apply(&rows, true).unwrap();
        e
    }

    fn ids(hits: &[Hit]) -> Vec<i64> {
        hits.iter().map(|h| h.script_id).collect()
    }

    fn find(e: &Engine, words: &str) -> Vec<Hit> {
        e.search(&Search { words: words.into(), ..Search::default() }, 10).unwrap()
    }

    // R-GW-01: typing mistakes still find the script: a letter missing, one dropped from a long
    // word, two letters swapped; exact words rank first.
    #[test]
    fn misspelt_words_find_the_script() {
        let e = engine();
        assert_eq!(ids(&find(&e, "adress")).first(), Some(&1));
        assert_eq!(ids(&find(&e, "biometrcs")).first(), Some(&2));
        assert_eq!(ids(&find(&e, "fingreprints")), vec![2]);
        assert_eq!(ids(&find(&e, "how do I change my adress")).first(), Some(&1));
        assert_eq!(ids(&find(&e, "resched")), vec![4], "the last word may be a prefix still being typed");
        assert!(find(&e, "passport").is_empty());
        assert!(find(&e, "the of and").is_empty(), "stop words alone find nothing");
        // Short words must be exact: "fee" is not "free" or "feet".
        assert_eq!(ids(&find(&e, "fee")), vec![3]);
    }

    // R-GW-01: Spanish with or without accents finds the Spanish text, and says which language
    // matched; the matched words are marked in the title and snippet.
    #[test]
    fn spanish_with_or_without_accents() {
        let e = engine();
        for words in ["dirección", "direccion", "DIRECCION", "biométrica", "biometrica"] {
            let hits = find(&e, words);
            assert!(!hits.is_empty(), "{words}");
            assert_eq!(hits[0].lang, Lang::Es, "{words}");
        }
        let hits = find(&e, "huellas dactilares");
        assert_eq!(ids(&hits), vec![2]);
        let marked: Vec<&str> = hits[0].snippet.iter().filter(|m| m.hit).map(|m| m.text.as_str()).collect();
        assert_eq!(marked, vec!["huellas", "dactilares"]);
        let hits = find(&e, "cambio direccion");
        assert_eq!(ids(&hits).first(), Some(&1));
        let title: Vec<&str> = hits[0].title.iter().filter(|m| m.hit).map(|m| m.text.as_str()).collect();
        assert_eq!(title, vec!["cambio", "dirección"]);
    }

    // R-GW-01: topic, form and language filter the results; topic names are searchable.
    #[test]
    fn filters() {
        let e = engine();
        let all = Search { words: "appointment".into(), ..Search::default() };
        assert_eq!(ids(&e.search(&all, 10).unwrap()).len(), 2);
        let by_topic = Search { topic: Some(Topic::Appointments), ..all.clone() };
        assert_eq!(ids(&e.search(&by_topic, 10).unwrap()), vec![4]);
        let by_form = Search { form_code: Some("I-485".into()), ..all.clone() };
        assert_eq!(ids(&e.search(&by_form, 10).unwrap()), vec![2]);
        let spanish = Search { words: "tarifa".into(), lang: Some(Lang::Es), ..Search::default() };
        let hits = e.search(&spanish, 10).unwrap();
        assert_eq!((ids(&hits), hits[0].lang), (vec![3], Lang::Es));
        assert!(e.search(&Search { lang: Some(Lang::En), ..spanish }, 10).unwrap().is_empty());
        let english = Search { words: "fee".into(), lang: Some(Lang::En), ..Search::default() };
        assert_eq!(e.search(&english, 10).unwrap()[0].lang, Lang::En);
        assert_eq!(ids(&find(&e, "tarifas")).first(), Some(&3), "the Spanish topic name is searchable");
        assert_eq!(ids(&find(&e, "I-765")), vec![3], "so is the form code");
    }

    // R-GW-01: a new version replaces the script's documents; nothing else changes.
    #[test]
    fn a_new_version_replaces_the_old() {
        let e = engine();
        let mut changed = row(
            3,
            Topic::Fees,
            Some("I-765"),
            ("Fee waivers", "Some applicants may ask for a fee waiver with Form I-912."),
            ("Exenciones de tarifa", "Algunos solicitantes pueden pedir una exención con el Formulario I-912."),
        );
        changed.version = 2;
        e.apply(&[changed], false).unwrap();
        let hits = find(&e, "waiver");
        assert_eq!((ids(&hits), hits[0].version), (vec![3], 2));
        assert!(find(&e, "refunded").is_empty(), "the old version is no longer searched");
        assert_eq!(ids(&find(&e, "biometrics")), vec![2]);
    }
}
