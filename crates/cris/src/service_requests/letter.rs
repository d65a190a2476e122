//! Response letters as PDF (R-SR-11): US Letter pages, set in Courier, one of the fonts every
//! PDF reader carries, so nothing is embedded and every line's width is known exactly (each
//! character is 0.6 em), which makes wrapping exact. Text is encoded as WinAnsi, which holds
//! Spanish's accented letters, ñ, ¿ and ¡.

use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str, TextStr};

const PAGE_WIDTH: f32 = 612.0;
const PAGE_HEIGHT: f32 = 792.0;
const MARGIN: f32 = 72.0;
const SIZE: f32 = 11.0;
const LEADING: f32 = 15.0;
/// Characters a line holds: the text width over Courier's advance (0.6 em).
const COLUMNS: usize = ((PAGE_WIDTH - 2.0 * MARGIN) / (SIZE * 0.6)) as usize;
const LINES_PER_PAGE: usize = ((PAGE_HEIGHT - 2.0 * MARGIN) / LEADING) as usize;

/// Renders a letter: the heading lines (sender, date, addressee), the subject, then paragraphs.
pub fn render(head: &[String], subject: &str, paragraphs: &[String]) -> Vec<u8> {
    let mut lines: Vec<(String, bool)> = head.iter().map(|l| (l.clone(), false)).collect();
    lines.push((String::new(), false));
    lines.extend(wrap(subject).into_iter().map(|l| (l, true)));
    for p in paragraphs {
        lines.push((String::new(), false));
        for part in p.lines() {
            lines.extend(wrap(part).into_iter().map(|l| (l, false)));
        }
    }
    let pages: Vec<&[(String, bool)]> = lines.chunks(LINES_PER_PAGE).collect();
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let page_ids: Vec<Ref> = (0..pages.len()).map(|i| Ref::new(6 + 2 * i as i32)).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_ids.iter().copied()).count(page_ids.len() as i32);
    pdf.document_info(info).title(TextStr(subject)).producer(TextStr("CRIS"));
    for (font, name) in [(regular, b"Courier".as_slice()), (bold, b"Courier-Bold".as_slice())] {
        pdf.type1_font(font).base_font(Name(name)).encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (i, chunk) in pages.iter().enumerate() {
        let (page_id, content_id) = (page_ids[i], Ref::new(7 + 2 * i as i32));
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT)).parent(tree).contents(content_id);
        let mut resources = page.resources();
        resources.fonts().pair(Name(b"F1"), regular).pair(Name(b"F2"), bold);
        drop(resources);
        drop(page);
        let mut content = Content::new();
        content.begin_text();
        content.next_line(MARGIN, PAGE_HEIGHT - MARGIN);
        for (line, strong) in chunk.iter() {
            content.set_font(Name(if *strong { b"F2" } else { b"F1" }), SIZE);
            content.show(Str(&win_ansi(line)));
            content.next_line(0.0, -LEADING);
        }
        content.end_text();
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

/// Breaks a paragraph into lines of at most [`COLUMNS`] characters at spaces (a longer word is cut).
fn wrap(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > COLUMNS {
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            out.push(word.drain(..COLUMNS).collect());
        }
        let word: String = word.into_iter().collect();
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > COLUMNS {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// WinAnsi bytes: Latin-1 letters map to themselves, typographic quotes and dashes to their
/// WinAnsi places, anything else to `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{ff}' => c as u8,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '–' => 0x96,
            '—' => 0x97,
            '€' => 0x80,
            _ => b'?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // R-SR-11: a response letter is a PDF with the text in the customer's language, accents kept.
    #[test]
    fn letters_are_pdf_with_accents() {
        let pdf = render(&["USCIS".into()], "Su solicitud", &["Estimada Señora García:".into(), "¿Preguntas?".into()]);
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/WinAnsiEncoding") && text.contains("/Courier"));
        let body: Vec<u8> = win_ansi("Señora ¿ñ?");
        assert_eq!(body, b"Se\xf1ora \xbf\xf1?");
        // Content streams are not compressed; a line with accents is a hex string of WinAnsi bytes.
        let hex: String = body.iter().take(6).map(|b| format!("{b:02X}")).collect();
        assert_eq!(hex, "5365F16F7261");
        assert!(text.contains(&hex));
    }

    // R-SR-11: long answers wrap within the margins and run onto further pages.
    #[test]
    fn long_letters_wrap_and_paginate() {
        let lines = wrap(&"palabra ".repeat(100));
        assert!(lines.len() > 1 && lines.iter().all(|l| l.chars().count() <= COLUMNS));
        assert_eq!(wrap(&"x".repeat(COLUMNS + 5)).len(), 2);
        let long = vec!["línea de texto. ".repeat(400)];
        let pdf = render(&[], "Asunto", &long);
        let pages = (3 + wrap(&long[0]).len()).div_ceil(LINES_PER_PAGE);
        assert!(pages > 1);
        assert!(String::from_utf8_lossy(&pdf).contains(&format!("/Count {pages}")));
    }
}
