//! Status description templates: text with `{name}` placeholders. Templates are parsed once,
//! when the catalogue loads, so that a misspelt placeholder fails the start-up rather than
//! showing a customer a raw `{recipt}`, and rendering afterwards cannot fail.

/// A value the caller fills into a description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// `{date}`: the date of the status, formatted in the page's language.
    Date,
    /// `{form}`: the form number.
    Form,
    /// `{form_title}`: the form's title in the page's language.
    FormTitle,
    /// `{receipt}`: the receipt number.
    Receipt,
    /// `{office}`: the office, named with its article.
    Office,
    /// `{tracking}`: the USPS tracking link.
    Tracking,
    /// `{change_address_link}`: where to report a new mailing address.
    ChangeAddressLink,
}

impl Slot {
    /// Every placeholder name a template may use.
    pub(crate) const NAMES: [&'static str; 7] =
        ["date", "form", "form_title", "receipt", "office", "tracking", "change_address_link"];

    fn from_name(name: &str) -> Option<Slot> {
        Some(match name {
            "date" => Slot::Date,
            "form" => Slot::Form,
            "form_title" => Slot::FormTitle,
            "receipt" => Slot::Receipt,
            "office" => Slot::Office,
            "tracking" => Slot::Tracking,
            "change_address_link" => Slot::ChangeAddressLink,
            _ => return None,
        })
    }
}

/// A piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Literal text.
    Text(String),
    /// A placeholder.
    Slot(Slot),
}

/// A parsed description template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    pieces: Vec<Piece>,
}

impl Template {
    /// Parses `source`; the error says what is wrong (unknown placeholder, stray brace).
    pub(crate) fn parse(source: &str) -> Result<Template, String> {
        let mut pieces = Vec::new();
        let mut rest = source;
        while let Some((before, after)) = rest.split_once('{') {
            if before.contains('}') {
                return Err("has a '}' without a matching '{'".to_owned());
            }
            if !before.is_empty() {
                pieces.push(Piece::Text(before.to_owned()));
            }
            let Some((name, tail)) = after.split_once('}') else {
                return Err("has a '{' without a matching '}'".to_owned());
            };
            let Some(slot) = Slot::from_name(name) else {
                return Err(format!(
                    "uses unknown placeholder {{{name}}} (allowed: {})",
                    Slot::NAMES.map(|n| format!("{{{n}}}")).join(", ")
                ));
            };
            pieces.push(Piece::Slot(slot));
            rest = tail;
        }
        if rest.contains('}') {
            return Err("has a '}' without a matching '{'".to_owned());
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_owned()));
        }
        Ok(Template { pieces })
    }

    /// The pieces, in order.
    pub(crate) fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// Whether the template uses `slot`.
    pub(crate) fn uses(&self, slot: Slot) -> bool {
        self.pieces.contains(&Piece::Slot(slot))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_text_and_placeholders() {
        let t = Template::parse("On {date}, form {form}.");
        assert_eq!(
            t,
            Ok(Template {
                pieces: vec![
                    Piece::Text("On ".into()),
                    Piece::Slot(Slot::Date),
                    Piece::Text(", form ".into()),
                    Piece::Slot(Slot::Form),
                    Piece::Text(".".into()),
                ]
            })
        );
    }

    #[test]
    fn rejects_unknown_and_unbalanced() {
        assert!(Template::parse("On {date}, {recipt}").is_err_and(|e| e.contains("{recipt}")));
        assert!(Template::parse("On {date").is_err());
        assert!(Template::parse("On date}").is_err());
        assert!(Template::parse("On {{date}}").is_err());
    }
}
