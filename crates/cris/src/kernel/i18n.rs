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

    /// Parses a tag such as `es`, `es-MX` or `EN`; anything else is `None`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            _ => None,
        }
    }
}

use std::borrow::Cow;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

/// Message catalogues, embedded: `locales/<tag>/*.ftl`. Adding a file means adding it here.
const SOURCES: [(Lang, &str, &str); 2] = [
    (Lang::En, "en/main.ftl", include_str!("../../locales/en/main.ftl")),
    (Lang::Es, "es/main.ftl", include_str!("../../locales/es/main.ftl")),
];

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
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("I18n").field("languages", &self.bundles.len()).finish()
    }
}

impl I18n {
    /// Parses the embedded catalogues.
    pub fn load() -> Result<I18n, CatalogueError> {
        let mut bundles = Vec::new();
        for (lang, file, text) in SOURCES {
            let resource = FluentResource::try_new(text.to_owned())
                .map_err(|(_, errs)| CatalogueError { file, reason: format!("{errs:?}") })?;
            let id: unic_langid::LanguageIdentifier =
                lang.tag().parse().map_err(|e| CatalogueError { file, reason: format!("{e}") })?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Unicode isolation marks would show up inside attributes and page titles.
            bundle.set_use_isolating(false);
            bundle.add_resource(resource).map_err(|errs| CatalogueError { file, reason: format!("{errs:?}") })?;
            bundles.push((lang, bundle));
        }
        Ok(I18n { bundles })
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
        self.format(lang, id, None).into_owned()
    }

    /// The message `id` in `lang` with arguments.
    pub fn t_args(&self, lang: Lang, id: &str, args: &[(&str, &str)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, *v);
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

    /// Every message id of a language (for the completeness test).
    pub fn ids(&self, lang: Lang) -> Vec<String> {
        SOURCES
            .iter()
            .filter(|(l, _, _)| *l == lang)
            .filter_map(|(_, _, text)| FluentResource::try_new((*text).to_owned()).ok())
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
    fn every_message_exists_in_every_language_and_differs() {
        let i18n = I18n::load().unwrap();
        let mut en = i18n.ids(Lang::En);
        let mut es = i18n.ids(Lang::Es);
        en.sort();
        es.sort();
        assert!(en.len() > 20);
        assert_eq!(en, es, "English and Spanish catalogues must have the same message ids");
        let same: Vec<_> =
            en.iter().filter(|id| i18n.t(Lang::En, id) == i18n.t(Lang::Es, id) && !id.ends_with("-same")).collect();
        // Proper names (CRIS, USCIS) and language names may be identical; say so with "-same".
        assert!(same.is_empty(), "untranslated messages: {same:?}");
    }

    #[test]
    fn tags_parse_leniently() {
        assert_eq!(Lang::from_tag("es-MX"), Some(Lang::Es));
        assert_eq!(Lang::from_tag(" EN "), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::from_tag(""), None);
    }
}
