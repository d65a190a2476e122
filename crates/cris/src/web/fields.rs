//! A submitted form kept as its name-value pairs, for forms where a name repeats (checkboxes)
//! or whose fields are parsed together by a model's parser.

/// The pairs of a form body, in order.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Fields(Vec<(String, String)>);

impl crate::web::staff_ctx::CarriesCsrf for Fields {
    fn csrf(&self) -> &str {
        self.0.iter().find(|(n, _)| n == "csrf").map_or("", |(_, v)| v.as_str())
    }
}

impl Fields {
    /// The first value given for `name`, or empty.
    pub fn get(&self, name: &str) -> String {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// Every value given for `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect()
    }
}

/// The messages of a form's fields that did not check out, in the page's language: each field's
/// message is `{prefix}{field}` in the catalogues, or `err-<code>` for a coded refusal (such as a
/// receipt number whose centre code USCIS does not use), which every form words alike.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    /// The messages of `errors`. A field that holds a kernel identifier has one message on
    /// every page (`err-a-number`), since its rule is the kernel type's, not the page's.
    pub fn of(ctx: &crate::web::page::PageCtx, prefix: &str, errors: &[crate::kernel::error::InvalidInput]) -> Self {
        FieldErrors(
            errors
                .iter()
                .map(|e| {
                    // A coded refusal is worded on its own (`err-<code>`); else the field's message.
                    let id = e.message_id().unwrap_or_else(|| match e.field {
                        crate::kernel::ids::A_NUMBER_FIELD => "err-a-number".to_owned(),
                        field => format!("{prefix}{field}"),
                    });
                    (e.field, ctx.t(&id))
                })
                .collect(),
        )
    }

    /// The parsers' own messages, already worded in English, for the staff pages (which are in
    /// English only, so need no catalogue keys).
    pub fn reasons(errors: &[crate::kernel::error::InvalidInput]) -> Self {
        FieldErrors(errors.iter().map(|e| (e.field, e.reason.clone())).collect())
    }

    /// One message, already worded, for one field.
    pub fn one(field: &'static str, message: String) -> Self {
        FieldErrors(vec![(field, message)])
    }

    /// Adds a field's message.
    pub fn push(&mut self, field: &'static str, message: String) {
        self.0.push((field, message));
    }

    /// The message of a field, if it did not check out.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    /// Whether every field checked out.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> IntoIterator for &'a FieldErrors {
    type Item = &'a (&'static str, String);
    type IntoIter = std::slice::Iter<'a, (&'static str, String)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl From<Vec<(String, String)>> for Fields {
    /// A form built by a handler that read its body another way (a multipart upload).
    fn from(pairs: Vec<(String, String)>) -> Self {
        Fields(pairs)
    }
}
