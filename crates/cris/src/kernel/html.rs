//! HTML text: escaping, and the allow-list sanitiser for text that arrives from source systems
//! (paragraphs, line breaks and links with https targets survive, balanced; everything else is
//! escaped).

/// Escapes text for HTML content and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    // Runs of ordinary text are copied whole (the five special characters are ASCII, so a split
    // at one of them is always on a character boundary). A walk over the bytes rather than a
    // search for any of five characters, which decodes each character (issue 18: descriptions
    // are escaped on every lookup).
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(s.get(start..i).unwrap_or_default());
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out
}

fn safe_url(url: &str) -> bool {
    url.starts_with("https://")
        && url.len() <= 2_000
        && url.chars().all(|c| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&()*+,;=%".contains(c))
}

/// An element the sanitiser keeps.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kept {
    P,
    A,
}

/// A tag of the allow-list, read from the raw text at a `<`.
enum Tag {
    Open(Kept, Option<String>),
    Close(Kept),
    Br,
}

/// Reads `<p>`, `</p>`, `<br>`, `<br/>`, `<br />`, `</a>` and `<a href="https://…">` with at
/// most `target="_blank"` and `rel="…"` besides (any case, either quote). Returns the tag and
/// its length, or `None` for anything else.
fn read_tag(s: &str) -> Option<(Tag, usize)> {
    let end = s.find('>')?;
    let inner = s.get(1..end)?;
    if inner.contains('<') {
        return None;
    }
    let lower = inner.to_ascii_lowercase();
    let tag = match lower.trim_end() {
        "p" => Tag::Open(Kept::P, None),
        "/p" => Tag::Close(Kept::P),
        "/a" => Tag::Close(Kept::A),
        "br" | "br/" | "br /" => Tag::Br,
        _ => {
            let attrs = inner.strip_prefix("a ").or_else(|| inner.strip_prefix("A "))?;
            let mut href = None;
            for (name, value) in attributes(attrs)? {
                match name.to_ascii_lowercase().as_str() {
                    "href" if href.is_none() => href = Some(value),
                    "target" if value.eq_ignore_ascii_case("_blank") => {}
                    "rel" => {}
                    _ => return None,
                }
            }
            // The URL as typed: a source may have written `&` as `&amp;`.
            let url = href?.replace("&amp;", "&");
            if !safe_url(&url) {
                return None;
            }
            Tag::Open(Kept::A, Some(url))
        }
    };
    Some((tag, end + 1))
}

/// `name="value"` pairs (double or single quotes), or `None` when the text is anything else.
fn attributes(mut s: &str) -> Option<Vec<(&str, &str)>> {
    let mut out = Vec::new();
    loop {
        s = s.trim_start();
        if s.is_empty() || s == "/" {
            return Some(out);
        }
        let (name, rest) = s.split_once('=')?;
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let rest = rest.trim_start();
        let quote = rest.chars().next().filter(|q| *q == '"' || *q == '\'')?;
        let (value, tail) = rest.get(1..)?.split_once(quote)?;
        out.push((name, value));
        s = tail;
    }
}

/// Keeps paragraphs, line breaks and links with https targets (written out as
/// `<a href="https://…" target="_blank">`, the form the live service's descriptions use); escapes
/// everything else. The result is always balanced: a closing tag without its opening one is
/// dropped, a link never holds a paragraph or another link, and whatever is still open at the end
/// is closed.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut open: Vec<Kept> = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        let (before, at) = rest.split_at(i);
        out.push_str(&escape(before));
        let Some((tag, len)) = read_tag(at) else {
            out.push_str("&lt;");
            rest = at.get(1..).unwrap_or_default();
            continue;
        };
        rest = at.get(len..).unwrap_or_default();
        let in_link = open.last() == Some(&Kept::A);
        match tag {
            Tag::Br => out.push_str("<br>"),
            Tag::Open(Kept::P, _) => {
                if in_link {
                    continue;
                }
                // Paragraphs do not nest: a new one ends the one before.
                if open.last() == Some(&Kept::P) {
                    open.pop();
                    out.push_str("</p>");
                }
                open.push(Kept::P);
                out.push_str("<p>");
            }
            Tag::Open(Kept::A, url) => {
                if in_link {
                    continue;
                }
                open.push(Kept::A);
                out.push_str("<a href=\"");
                out.push_str(&escape(&url.unwrap_or_default()));
                out.push_str("\" target=\"_blank\">");
            }
            Tag::Close(kept) => {
                if let Some(at) = open.iter().rposition(|k| *k == kept) {
                    for k in open.drain(at..).rev() {
                        out.push_str(close(k));
                    }
                }
            }
        }
    }
    out.push_str(&escape(rest));
    for k in open.into_iter().rev() {
        out.push_str(close(k));
    }
    out
}

fn close(k: Kept) -> &'static str {
    match k {
        Kept::P => "</p>",
        Kept::A => "</a>",
    }
}

/// A status description as our own pages show it: every link that opens a new tab gets
/// `rel="noopener"`, so the page it opens cannot reach back into ours. Descriptions hold only
/// the links [`sanitize`] and the status catalogue write, so the plain replacement is exact.
pub fn for_our_pages(description_html: &str) -> String {
    description_html.replace(r#" target="_blank">"#, r#" target="_blank" rel="noopener">"#)
}

/// A description inside one paragraph of a page (the legacy page's `<p>`, whose shape clients
/// depend on): its own paragraphs become line breaks, so no `<p>` nests in another.
pub fn inline_paragraphs(description_html: &str) -> String {
    let text = description_html.replace("<p>", "").replace("</p>", "<br>");
    text.trim_end_matches("<br>").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // R-CS-03: a status's text in either language reaches the page escaped, its letters whole.
    #[test]
    fn escaping_replaces_the_five_characters_and_keeps_every_other_one() {
        assert_eq!(escape(r#"a<b>&"c'"#), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(escape("Año «€» ü\u{E000}"), "Año «€» ü\u{E000}");
        assert_eq!(escape("<<&>>"), "&lt;&lt;&amp;&gt;&gt;");
        assert_eq!(escape(""), "");
    }

    proptest! {
        #[test]
        fn escaping_is_undone_by_unescaping(s in any::<String>()) {
            let back = escape(&s).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
            prop_assert_eq!(back, s);
        }
    }

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
            r#"Track <a href="https://tools.usps.com/go/TrackConfirmAction_input?origTrackNum=1&amp;x=2" target="_blank">here</a>."#
        );
        // A link that could not be kept takes its closing tag with it.
        assert_eq!(
            sanitize(r#"<a href="javascript:alert(1)">x</a>"#),
            "&lt;a href=&quot;javascript:alert(1)&quot;&gt;x"
        );
        assert_eq!(sanitize(r#"<a href="http://plain">x</a>"#), "&lt;a href=&quot;http://plain&quot;&gt;x");
        assert_eq!(
            sanitize(r#"<a href="https://x.gov" onclick="e()">x</a>"#),
            "&lt;a href=&quot;https://x.gov&quot; onclick=&quot;e()&quot;&gt;x"
        );
        assert_eq!(sanitize("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    // Issue 16, point 16: descriptions from older systems carry `target="_blank"` links; they are
    // kept whole (before, the opening tag was escaped and the `</a>` kept, unbalanced).
    #[test]
    fn links_that_open_a_new_tab_are_kept_whole() {
        let from_source = r#"<p>On May 18, 2021, the Post Office delivered your card. Track it at <a href="https://tools.usps.com/go/TrackConfirmAction_input?origTrackNum=9400" target="_blank">9400</a>.</p>"#;
        assert_eq!(
            sanitize(from_source),
            r#"<p>On May 18, 2021, the Post Office delivered your card. Track it at <a href="https://tools.usps.com/go/TrackConfirmAction_input?origTrackNum=9400" target="_blank">9400</a>.</p>"#
        );
        assert_eq!(
            sanitize(r#"<A HREF='https://www.uscis.gov/x' TARGET='_BLANK' rel="noreferrer">x</A>"#),
            r#"<a href="https://www.uscis.gov/x" target="_blank">x</a>"#
        );
        assert_eq!(
            for_our_pages(&sanitize(from_source)),
            r#"<p>On May 18, 2021, the Post Office delivered your card. Track it at <a href="https://tools.usps.com/go/TrackConfirmAction_input?origTrackNum=9400" target="_blank" rel="noopener">9400</a>.</p>"#
        );
        assert_eq!(
            sanitize(r#"<a href="https://x.gov" target="_top">x</a>"#),
            "&lt;a href=&quot;https://x.gov&quot; target=&quot;_top&quot;&gt;x"
        );
    }

    #[test]
    fn tags_are_always_balanced() {
        assert_eq!(sanitize("a</a> b</p> c"), "a b c");
        assert_eq!(
            sanitize(r#"<p>open <a href="https://x.gov">link"#),
            r#"<p>open <a href="https://x.gov" target="_blank">link</a></p>"#
        );
        assert_eq!(
            sanitize(r#"<a href="https://a.gov">a <a href="https://b.gov">b</a> c</a>"#),
            r#"<a href="https://a.gov" target="_blank">a b</a> c"#
        );
        assert_eq!(sanitize("<p>one<p>two</p>"), "<p>one</p><p>two</p>");
        assert_eq!(inline_paragraphs("<p>one</p><p>two</p>"), "one<br>two");
    }

    /// Whether the kept tags of `out` open and close in order.
    fn balanced(out: &str) -> bool {
        let mut open = Vec::new();
        for (i, _) in out.match_indices('<') {
            let at = out.split_at(i).1;
            if at.starts_with("<p>") {
                open.push('p');
            } else if at.starts_with("<a ") {
                open.push('a');
            } else if at.starts_with("</p>") {
                if open.pop() != Some('p') {
                    return false;
                }
            } else if at.starts_with("</a>") && open.pop() != Some('a') {
                return false;
            }
        }
        open.is_empty()
    }

    proptest! {
        // Whatever comes in, no tag other than the allowed ones comes out, and they balance.
        #[test]
        fn no_other_tag_survives(s in ".{0,200}") {
            let out = sanitize(&s);
            for (i, _) in out.match_indices('<') {
                let at = out.split_at(i).1;
                let ok = ["<p>", "</p>", "<br>", "</a>", "<a href=\"https://"].iter().any(|t| at.starts_with(t));
                prop_assert!(ok, "{out}");
            }
            prop_assert!(balanced(&out), "{out}");
        }

        // Text made of the allowed tags in any order still comes out balanced.
        #[test]
        fn any_mix_of_allowed_tags_balances(parts in proptest::collection::vec(
            proptest::sample::select(vec!["<p>", "</p>", "<br>", "</a>", "<a href=\"https://x.gov\" target=\"_blank\">", "text", "<b>"]),
            0..30,
        )) {
            let out = sanitize(&parts.concat());
            prop_assert!(balanced(&out), "{out}");
        }
    }
}
