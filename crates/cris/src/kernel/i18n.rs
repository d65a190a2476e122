//! Languages of the customer interface.

/// A language every customer page is offered in (R-CS-03).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// Spanish.
    Es,
}

impl Lang {
    /// Every supported language, default first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// The BCP 47 tag (`en`, `es`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// A number as the language writes it, to one decimal place at most and without a needless
    /// ".0": `4.5` in English, `4,5` in Spanish.
    pub fn decimal(self, v: f64) -> String {
        let text = if v.fract().abs() < 1e-9 { format!("{v:.0}") } else { format!("{v:.1}") };
        match self {
            Lang::En => text,
            Lang::Es => text.replace('.', ","),
        }
    }

    /// The language's place in per-language tables (`ALL`'s order).
    fn index(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::Es => 1,
        }
    }

    /// Parses a tag such as `es`, `es-MX` or `EN`; anything else is `None`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        // Compared without a lowered copy: every page request reads a tag or two.
        let primary = tag.trim().split(['-', '_']).next()?;
        Lang::ALL.into_iter().find(|l| primary.eq_ignore_ascii_case(l.tag()))
    }
}

use std::borrow::Cow;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// Whom a catalogue file speaks to. Customer pages exist in every language (R-CS-03), so every
/// language has the same public messages; staff pages are in English only for now, so their
/// messages exist once, in English (a Spanish staff file would be one more line in the sources,
/// and the completeness test would then hold it to the English one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The public's pages, emails, letters and texts (`main.ftl`).
    Public,
    /// The staff pages (`staff.ftl`; every id starts with `staff-`).
    Staff,
}

/// Message catalogues, embedded: `locales/<tag>/*.ftl`. Adding a file means adding it here.
const SOURCES: [(Lang, Audience, &str, &str); 3] = [
    (Lang::En, Audience::Public, "en/main.ftl", include_str!("../../locales/en/main.ftl")),
    (Lang::Es, Audience::Public, "es/main.ftl", include_str!("../../locales/es/main.ftl")),
    (Lang::En, Audience::Staff, "en/staff.ftl", include_str!("../../locales/en/staff.ftl")),
];

/// A value for a message's variable: text as it is, or a number, by which Fluent chooses a
/// plural form (`{ $count -> [one] … *[other] … }`), so counts are passed as numbers.
pub trait ArgValue: Sync {
    /// The value as Fluent takes it.
    fn fluent(&self) -> FluentValue<'_>;
}

impl ArgValue for str {
    fn fluent(&self) -> FluentValue<'_> {
        FluentValue::from(self)
    }
}

impl ArgValue for String {
    fn fluent(&self) -> FluentValue<'_> {
        FluentValue::from(self.as_str())
    }
}

impl<T: ArgValue + ?Sized> ArgValue for &T {
    fn fluent(&self) -> FluentValue<'_> {
        (**self).fluent()
    }
}

/// Numbers are numbers to Fluent (plural forms), whatever their Rust type.
macro_rules! number_args {
    ($($n:ty),+) => {
        $(impl ArgValue for $n {
            fn fluent(&self) -> FluentValue<'_> {
                FluentValue::from(*self)
            }
        })+
    };
}
number_args!(i32, i64, u32, u64, usize);

/// The variables of a message: one `(name, value)` pair, a tuple of pairs (what templates
/// write: `ctx.ta("staff-pt-line", (("form", code), ("office", office)))`), or a slice of pairs.
pub trait Args {
    /// The pairs, with their values as Fluent takes them.
    fn pairs(&self) -> Vec<(&str, FluentValue<'_>)>;
}

impl<A: Args + ?Sized> Args for &A {
    fn pairs(&self) -> Vec<(&str, FluentValue<'_>)> {
        (**self).pairs()
    }
}

impl<T: ArgValue> Args for (&str, T) {
    fn pairs(&self) -> Vec<(&str, FluentValue<'_>)> {
        vec![(self.0, self.1.fluent())]
    }
}

impl Args for [(&str, &dyn ArgValue)] {
    fn pairs(&self) -> Vec<(&str, FluentValue<'_>)> {
        self.iter().map(|(k, v)| (*k, v.fluent())).collect()
    }
}

impl<const N: usize> Args for [(&str, &dyn ArgValue); N] {
    fn pairs(&self) -> Vec<(&str, FluentValue<'_>)> {
        self.as_slice().pairs()
    }
}

/// Tuples of pairs, as many as a message has variables.
macro_rules! tuple_args {
    ($(($($t:ident $i:tt),+)),+) => {
        $(impl<$($t: ArgValue),+> Args for ($((&str, $t),)+) {
            fn pairs(&self) -> Vec<(&str, FluentValue<'_>)> {
                vec![$((self.$i.0, self.$i.1.fluent())),+]
            }
        })+
    };
}
tuple_args!((A 0, B 1), (A 0, B 1, C 2), (A 0, B 1, C 2, D 3), (A 0, B 1, C 2, D 3, E 4), (A 0, B 1, C 2, D 3, E 4, F 5));

/// A catalogue file that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("message catalogue {file}: {reason}")]
pub struct CatalogueError {
    /// The file.
    pub file: &'static str,
    /// What is wrong.
    pub reason: String,
}

/// The user-interface strings of every language (Fluent), looked up by message id.
pub struct I18n {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
    /// Each language's messages that take no arguments, formatted once at load: a page shows
    /// about forty of them, and formatting each into a new string cost a case status page about
    /// 18 k instructions (issue 18). Indexed by [`Lang::index`].
    fixed: [std::collections::HashMap<Box<str>, Box<str>>; Lang::ALL.len()],
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("I18n").field("languages", &self.bundles.len()).finish()
    }
}

impl I18n {
    /// Parses the embedded catalogues: one bundle a language, holding all of its files.
    pub fn load() -> Result<I18n, CatalogueError> {
        let mut bundles = Vec::new();
        let mut fixed: [std::collections::HashMap<Box<str>, Box<str>>; Lang::ALL.len()] = Default::default();
        for lang in Lang::ALL {
            let id: unic_langid::LanguageIdentifier =
                lang.tag().parse().map_err(|e| CatalogueError { file: lang.tag(), reason: format!("{e}") })?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Unicode isolation marks would show up inside attributes and page titles.
            bundle.set_use_isolating(false);
            let mut ids = Vec::new();
            for (_, _, file, text) in SOURCES.iter().filter(|(l, _, _, _)| *l == lang) {
                let resource = FluentResource::try_new((*text).to_owned())
                    .map_err(|(_, errs)| CatalogueError { file, reason: format!("{errs:?}") })?;
                ids.extend(resource.entries().filter_map(|e| match e {
                    fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                    _ => None,
                }));
                // An id in two files of a language is refused here, so no message hides another.
                bundle.add_resource(resource).map_err(|errs| CatalogueError { file, reason: format!("{errs:?}") })?;
            }
            // A message that needs an argument fails to format without one, and stays out.
            for id in ids {
                let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else { continue };
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, None, &mut errors);
                if errors.is_empty() {
                    let text: Box<str> = text.into();
                    fixed[lang.index()].insert(id.into_boxed_str(), text);
                }
            }
            bundles.push((lang, bundle));
        }
        Ok(I18n { bundles, fixed })
    }

    /// The catalogues, loaded once for code that runs outside a request (messages queued by
    /// services); `None` only if they do not parse, which a test rules out.
    pub fn shared() -> Option<&'static I18n> {
        static SHARED: std::sync::OnceLock<Option<I18n>> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| I18n::load().ok()).as_ref()
    }

    fn bundle(&self, lang: Lang) -> Option<&FluentBundle<FluentResource>> {
        self.bundles.iter().find(|(l, _)| *l == lang).map(|(_, b)| b)
    }

    /// The message `id` in `lang`. A missing message shows its id (a test keeps every id present
    /// in every language, so this is a visible bug rather than a blank).
    pub fn t(&self, lang: Lang, id: &str) -> String {
        self.text(lang, id).into_owned()
    }

    /// The same, borrowed when the message takes no arguments (formatted once at load).
    pub fn text<'a>(&'a self, lang: Lang, id: &'a str) -> Cow<'a, str> {
        match self.fixed[lang.index()].get(id) {
            Some(text) => Cow::Borrowed(text),
            None => self.format(lang, id, None),
        }
    }

    /// The message `id` in `lang` with arguments.
    pub fn t_args(&self, lang: Lang, id: &str, args: &[(&str, &str)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, *v);
        }
        self.format(lang, id, Some(&fa)).into_owned()
    }

    /// The message `id` in `lang` with arguments of any kind: text, or numbers for plurals.
    pub fn t_with(&self, lang: Lang, id: &str, args: &(impl Args + ?Sized)) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args.pairs() {
            fa.set(k, v);
        }
        self.format(lang, id, Some(&fa)).into_owned()
    }

    /// A message whose text carries markup (its id ends in `-html`, as a warning to whoever
    /// edits it), as HTML: the text arguments are escaped, the message's own markup is kept.
    /// Any other id is escaped whole, so a plain message can never inject markup.
    pub fn t_html(&self, lang: Lang, id: &str, args: &(impl Args + ?Sized)) -> String {
        if !id.ends_with("-html") {
            return crate::kernel::html::escape(&self.t_with(lang, id, args));
        }
        let mut fa = FluentArgs::new();
        for (k, v) in args.pairs() {
            match v {
                FluentValue::String(s) => fa.set(k, crate::kernel::html::escape(&s)),
                other => fa.set(k, other),
            }
        }
        self.format(lang, id, Some(&fa)).into_owned()
    }

    fn format<'a>(&'a self, lang: Lang, id: &'a str, args: Option<&FluentArgs<'_>>) -> Cow<'a, str> {
        let Some(bundle) = self.bundle(lang) else {
            return Cow::Borrowed(id);
        };
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::warn!(id, lang = lang.tag(), "missing message");
            return Cow::Borrowed(id);
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(id, ?errors, "message formatting problem");
        }
        Cow::Owned(text.into_owned())
    }

    /// Every message id of a language for an audience (for the completeness tests).
    pub fn ids(&self, lang: Lang, audience: Audience) -> Vec<String> {
        SOURCES
            .iter()
            .filter(|(l, a, _, _)| *l == lang && *a == audience)
            .filter_map(|(_, _, _, text)| FluentResource::try_new((*text).to_owned()).ok())
            .flat_map(|res| {
                res.entries()
                    .filter_map(|e| match e {
                        fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // R-CS-03: the whole customer interface exists in English and in Spanish.
    #[test]
    fn every_public_message_exists_in_every_language_and_differs() {
        let i18n = I18n::load().unwrap();
        let mut en = i18n.ids(Lang::En, Audience::Public);
        let mut es = i18n.ids(Lang::Es, Audience::Public);
        en.sort();
        es.sort();
        assert!(en.len() > 20);
        assert_eq!(en, es, "English and Spanish catalogues must have the same message ids");
        let same: Vec<_> =
            en.iter().filter(|id| i18n.t(Lang::En, id) == i18n.t(Lang::Es, id) && !id.ends_with("-same")).collect();
        // Proper names (CRIS, USCIS) and language names may be identical; say so with "-same".
        assert!(same.is_empty(), "untranslated messages: {same:?}");
    }

    /// Staff pages are in English only: every staff message exists in English, is named
    /// `staff-…` (and no public one is), and a Spanish staff file, once there is one, must hold
    /// every English staff message.
    #[test]
    fn staff_messages_are_english_named_staff_and_complete_where_translated() {
        let i18n = I18n::load().unwrap();
        let mut en = i18n.ids(Lang::En, Audience::Staff);
        en.sort();
        assert!(en.len() > 300, "{} staff messages", en.len());
        let misnamed: Vec<_> = en.iter().filter(|id| !id.starts_with("staff-")).collect();
        assert!(misnamed.is_empty(), "staff messages not named staff-…: {misnamed:?}");
        for lang in Lang::ALL {
            let public: Vec<_> =
                i18n.ids(lang, Audience::Public).into_iter().filter(|id| id.starts_with("staff-")).collect();
            assert!(public.is_empty(), "public messages named staff-…: {public:?}");
        }
        let mut es = i18n.ids(Lang::Es, Audience::Staff);
        es.sort();
        assert!(es.is_empty() || es == en, "a Spanish staff catalogue must hold every English staff message");
        let blank: Vec<_> = en.iter().filter(|id| i18n.t(Lang::En, id).trim().is_empty()).collect();
        assert!(blank.is_empty(), "empty staff messages: {blank:?}");
        // Markup only where the id says so: any other message is plain text, safe in a page as it is.
        let markup: Vec<_> =
            en.iter().filter(|id| !id.ends_with("-html") && i18n.t(Lang::En, id).contains(['<', '>', '&'])).collect();
        assert!(markup.is_empty(), "markup in messages whose id does not end in -html: {markup:?}");
    }

    /// Literals named like staff messages that are not messages: the sign-in rate limiter's buckets.
    const NOT_MESSAGES: [&str; 2] = ["staff-sign-in", "staff-code"];

    /// Every `"staff-…"` literal in the code or the templates, read from the sources, and whether
    /// it names a vocabulary (the first argument of `tc`) rather than a message.
    fn staff_literals() -> Vec<(String, bool)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
                    out.push(path);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        walk(&root.join("src"), &mut files);
        walk(&root.join("templates"), &mut files);
        let mut found = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            // Between two quotes, a whole literal; the text before it says whether it is `tc`'s.
            let pieces: Vec<&str> = text.split('"').collect();
            for (i, piece) in pieces.iter().enumerate().skip(1) {
                let named = piece.strip_prefix("staff-").is_some_and(|rest| {
                    !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                });
                if named && !NOT_MESSAGES.contains(piece) {
                    found.push(((*piece).to_owned(), pieces[i - 1].ends_with("tc(")));
                }
            }
        }
        found
    }

    /// A page never shows a message id for want of its message (a missing message shows its
    /// id), and the catalogue keeps no message that nothing shows. A literal names a message,
    /// or (given to `tc`) the vocabulary of a family of messages named by stored codes
    /// (`staff-role` for `staff-role-tier1`, …; each family's own test checks every code).
    #[test]
    fn every_staff_message_a_page_names_exists_and_every_one_is_named() {
        let i18n = I18n::load().unwrap();
        let ids = i18n.ids(Lang::En, Audience::Staff);
        let literals = staff_literals();
        assert!(literals.len() > 300, "{} literals", literals.len());
        let in_family = |id: &str, vocabulary: &str| id.strip_prefix(vocabulary).is_some_and(|r| r.starts_with('-'));
        let missing: Vec<_> = literals
            .iter()
            .filter(
                |(lit, vocabulary)| {
                    if *vocabulary { !ids.iter().any(|id| in_family(id, lit)) } else { !ids.contains(lit) }
                },
            )
            .collect();
        assert!(missing.is_empty(), "staff messages named in the code but not in en/staff.ftl: {missing:?}");
        let unused: Vec<_> = ids
            .iter()
            .filter(|id| {
                !literals.iter().any(|(lit, vocabulary)| if *vocabulary { in_family(id, lit) } else { *id == lit })
            })
            .collect();
        assert!(unused.is_empty(), "staff messages nothing shows: {unused:?}");
    }

    // R-CS-03: the messages formatted once at load read exactly as formatting them each time,
    // in both languages; a message that needs an argument is formatted with it, every time.
    #[test]
    fn fixed_messages_read_as_formatted_and_those_with_arguments_are_not_fixed() {
        let i18n = I18n::load().unwrap();
        let mut fixed = 0;
        for lang in Lang::ALL {
            for id in i18n.ids(lang, Audience::Public).iter().chain(&i18n.ids(lang, Audience::Staff)) {
                let text = i18n.text(lang, id);
                assert_eq!(text, i18n.format(lang, id, None), "{id} in {}", lang.tag());
                fixed += usize::from(matches!(text, Cow::Borrowed(_)));
            }
        }
        assert!(fixed > 500, "{fixed} messages formatted once");
        assert!(matches!(i18n.text(Lang::Es, "cs-title"), Cow::Borrowed(_)));
        assert_eq!(i18n.text(Lang::Es, "cs-title"), i18n.t(Lang::Es, "cs-title"));
        // `cs-processing-note` needs its `date`: never fixed, and formatted with it when given.
        assert!(matches!(i18n.text(Lang::En, "cs-processing-note"), Cow::Owned(_)));
        assert!(i18n.t_args(Lang::En, "cs-processing-note", &[("date", "May 1, 2026")]).contains("May 1, 2026"));
        assert_eq!(i18n.text(Lang::En, "no-such-message"), "no-such-message");
    }

    #[test]
    fn counts_choose_the_plural_form() {
        let i18n = I18n::load().unwrap();
        let assigned = |n: usize| i18n.t_with(Lang::En, "staff-srs-assigned", &("count", n));
        assert_eq!(assigned(1), "1 request assigned.");
        assert_eq!(assigned(2), "2 requests assigned.");
        assert_eq!(assigned(0), "0 requests assigned.");
        // Text stays text, even when it looks like a number.
        assert_eq!(i18n.t_with(Lang::En, "staff-case-title", &("receipt", "007")), "Case 007");
    }

    #[test]
    fn markup_messages_escape_their_arguments_and_plain_ones_everything() {
        let i18n = I18n::load().unwrap();
        let html = i18n.t_html(Lang::En, "staff-console-ticket-html", &("ticket", "<b>&"));
        assert_eq!(html, r#"Ticket <span id="current-ticket">&lt;b&gt;&amp;</span>"#);
        let plain = i18n.t_html(Lang::En, "staff-case-title", &("receipt", "<i>"));
        assert_eq!(plain, "Case &lt;i&gt;");
    }

    #[test]
    fn multi_line_messages_keep_their_blank_lines() {
        let i18n = I18n::load().unwrap();
        let args: [(&str, &dyn ArgValue); 6] = [
            ("measure", &"Customers waiting"),
            ("office", &"Chicago"),
            ("value", &12),
            ("level", &"warning"),
            ("warning", &10),
            ("critical", &20),
        ];
        assert_eq!(
            i18n.t_with(Lang::En, "staff-lobby-alert-body", &args),
            "Customers waiting at Chicago is 12: warning level (warning at 10, critical at 20).\n\nThe lobby dashboard: /staff/lobby/dashboard"
        );
    }

    #[test]
    fn tags_parse_leniently() {
        assert_eq!(Lang::from_tag("es-MX"), Some(Lang::Es));
        assert_eq!(Lang::from_tag(" EN "), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::from_tag(""), None);
    }
}
