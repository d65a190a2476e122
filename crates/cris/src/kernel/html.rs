//! HTML text: escaping, and the allow-list sanitiser for text that arrives from source systems
//! (paragraphs, line breaks and links with https targets survive; everything else is escaped).

/// Escapes text for HTML content and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn safe_url(url: &str) -> bool {
    url.starts_with("https://")
        && url.len() <= 2_000
        && url.chars().all(|c| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&()*+,;=%".contains(c))
}

/// Keeps `<p>`, `</p>`, `<br>`, `<a href="https://…">` and `</a>` (without other attributes);
/// escapes everything else. Works on the escaped text, so nothing unexpected can survive.
pub fn sanitize(s: &str) -> String {
    let escaped = escape(s);
    let mut out = String::with_capacity(escaped.len());
    let mut rest = escaped.as_str();
    while let Some((before, at)) = rest.find("&lt;").map(|i| rest.split_at(i)) {
        out.push_str(before);
        rest = at;
        let mut matched = false;
        for (from, to) in [
            ("&lt;p&gt;", "<p>"),
            ("&lt;/p&gt;", "</p>"),
            ("&lt;br&gt;", "<br>"),
            ("&lt;br/&gt;", "<br>"),
            ("&lt;br /&gt;", "<br>"),
            ("&lt;/a&gt;", "</a>"),
        ] {
            if rest.get(..from.len()).is_some_and(|head| head.eq_ignore_ascii_case(from)) {
                out.push_str(to);
                rest = rest.get(from.len()..).unwrap_or_default();
                matched = true;
                break;
            }
        }
        if matched {
            continue;
        }
        let prefix = "&lt;a href=&quot;";
        if let Some(after) =
            rest.get(..prefix.len()).filter(|h| h.eq_ignore_ascii_case(prefix)).and_then(|_| rest.get(prefix.len()..))
            && let Some((url, tail)) = after.split_once("&quot;&gt;")
        {
            // The URL as typed: undo the escaping of `&` only to check it.
            let url = url.replace("&amp;", "&");
            if safe_url(&url) {
                out.push_str("<a href=\"");
                out.push_str(&escape(&url));
                out.push_str("\">");
                rest = tail;
                continue;
            }
        }
        out.push_str("&lt;");
        rest = rest.get("&lt;".len()..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn allowed_markup_survives_and_the_rest_is_escaped() {
        assert_eq!(
            sanitize("<p>On May 1, <b>we</b> mailed it.</p>"),
            "<p>On May 1, &lt;b&gt;we&lt;/b&gt; mailed it.</p>"
        );
        assert_eq!(
            sanitize(
                r#"Track <a href="https://tools.usps.com/go/TrackConfirmAction_input?origTrackNum=1&x=2">here</a>."#
            ),
            r#"Track <a href="https://tools.usps.com/go/TrackConfirmAction_input?origTrackNum=1&amp;x=2">here</a>."#
        );
        assert_eq!(
            sanitize(r#"<a href="javascript:alert(1)">x</a>"#),
            "&lt;a href=&quot;javascript:alert(1)&quot;&gt;x</a>"
        );
        assert_eq!(sanitize(r#"<a href="http://plain">x</a>"#), "&lt;a href=&quot;http://plain&quot;&gt;x</a>");
        assert_eq!(
            sanitize(r#"<a href="https://x.gov" onclick="e()">x</a>"#),
            "&lt;a href=&quot;https://x.gov&quot; onclick=&quot;e()&quot;&gt;x</a>"
        );
        assert_eq!(sanitize("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    proptest! {
        // Whatever comes in, no tag other than the allowed ones comes out.
        #[test]
        fn no_other_tag_survives(s in ".{0,200}") {
            let out = sanitize(&s);
            for (i, _) in out.match_indices('<') {
                let at = out.split_at(i).1;
                let ok = ["<p>", "</p>", "<br>", "</a>", "<a href=\"https://"].iter().any(|t| at.starts_with(t));
                prop_assert!(ok, "{out}");
            }
        }
    }
}
