//! Response letters as PDF (R-SR-11): US Letter pages, set in Liberation Mono (embedded; Courier's
//! metrics), so every line's width is known exactly (each character is 0.6 em), which makes
//! wrapping exact.
//!
//! The letter is a tagged PDF/UA-1 document (Section 508), through the kernel's writer: a
//! structure tree in reading order (the heading lines and paragraphs as `P`, the subject as
//! `H1`), the document's language, its title shown in the reader's title bar, page numbers as
//! pagination artifacts.

use crate::kernel::pdf::{self, ArtifactKind, Face, LETTER, PdfError, Role, Writer};

const PAGE_WIDTH: f32 = 612.0;
const PAGE_HEIGHT: f32 = 792.0;
const MARGIN: f32 = 72.0;
const SIZE: f32 = 11.0;
const LEADING: f32 = 15.0;
/// Characters a line holds: the text width over Courier's advance (0.6 em).
const COLUMNS: usize = ((PAGE_WIDTH - 2.0 * MARGIN) / (SIZE * 0.6)) as usize;
const LINES_PER_PAGE: usize = ((PAGE_HEIGHT - 2.0 * MARGIN) / LEADING) as usize;

/// The letter in `lang` (its BCP 47 tag): the heading lines (sender, date, addressee), the
/// subject, then paragraphs; page numbers ("1 / 2") as pagination artifacts when it runs over.
pub fn writer(lang: &str, head: &[String], subject: &str, paragraphs: &[String]) -> Writer {
    // Each line with its block: blocks are the structure elements, in reading order.
    let mut blocks: Vec<Role> = Vec::new();
    let mut lines: Vec<(String, bool, Option<usize>)> = Vec::new();
    for l in head {
        if l.is_empty() {
            lines.push((String::new(), false, None));
        } else {
            blocks.push(Role::P);
            lines.push((l.clone(), false, Some(blocks.len() - 1)));
        }
    }
    lines.push((String::new(), false, None));
    blocks.push(Role::H1(subject.to_owned()));
    let heading = blocks.len() - 1;
    lines.extend(wrap(subject).into_iter().map(|l| (l, true, Some(heading))));
    for p in paragraphs {
        lines.push((String::new(), false, None));
        for part in p.lines() {
            blocks.push(Role::P);
            let block = blocks.len() - 1;
            lines.extend(wrap(part).into_iter().map(|l| (l, false, Some(block))));
        }
    }
    let mut w = Writer::new(subject, lang, LETTER);
    for role in blocks {
        w.block(role);
    }
    let pages: Vec<&[(String, bool, Option<usize>)]> = lines.chunks(LINES_PER_PAGE).collect();
    for (i, chunk) in pages.iter().enumerate() {
        if i > 0 {
            w.new_page();
        }
        let mut y = PAGE_HEIGHT - MARGIN;
        // Blank lines are layout: nothing is drawn for them.
        for (line, strong, block) in chunk.iter() {
            if let Some(b) = block {
                w.text(*b, (if *strong { Face::MonoBold } else { Face::Mono }, SIZE), (MARGIN, y), line);
            }
            y -= LEADING;
        }
        if pages.len() > 1 {
            let number = format!("{} / {}", i + 1, pages.len());
            let x = PAGE_WIDTH - MARGIN - pdf::width(Face::Mono, 9.0, &number);
            w.artifact_text(ArtifactKind::Pagination, (Face::Mono, 9.0), (x, MARGIN / 2.0), &number);
        }
    }
    w
}

/// The letter's PDF (see [`writer`]).
pub fn render(lang: &str, head: &[String], subject: &str, paragraphs: &[String]) -> Result<Vec<u8>, PdfError> {
    writer(lang, head, subject, paragraphs).finish()
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

#[cfg(test)]
mod tests {
    use super::*;

    // R-SR-11: a response letter is a tagged PDF/UA-1 document in the customer's language,
    // accents kept: blocks in reading order (heading lines, the subject as H1, the paragraphs),
    // every line drawn in its block's order, page numbers outside the structure; read back from
    // the PDF: the language, the PDF/UA identifier, the embedded fonts, the structure tree.
    #[test]
    fn letters_are_tagged_pdf_ua_with_their_structure_in_reading_order() {
        let long = "línea de texto. ".repeat(300);
        let head = ["USCIS".to_owned(), String::new(), "Ana García".to_owned()];
        let paragraphs = ["Estimada Señora García:".to_owned(), long];
        let w = writer("es", &head, "Su solicitud", &paragraphs);
        let roles = w.roles();
        assert_eq!(roles.first(), Some(&Role::P));
        assert_eq!(roles.get(2), Some(&Role::H1("Su solicitud".into())));
        assert_eq!(roles.len(), 5, "heading lines, subject, paragraphs: {roles:?}");
        let texts = w.texts();
        assert!(texts.windows(2).all(|p| p[0].0 <= p[1].0), "lines drawn in reading order");
        assert!(texts.contains(&(3, "Estimada Señora García:")), "accents kept: {texts:?}");
        let pdf = String::from_utf8_lossy(&render("es", &head, "Su solicitud", &paragraphs).unwrap()).into_owned();
        crate::kernel::pdf::tests::assert_pdf_ua(&pdf, "es", "Su solicitud");
        assert!(pdf.contains("/Type/Pages/Count 2"), "the long paragraph runs onto a second page");
        assert!(pdf.contains("/S/H1") && pdf.contains("/S/P"));
    }

    // R-SR-11: long answers wrap within the margins and run onto further pages.
    #[test]
    fn long_letters_wrap_and_paginate() {
        let lines = wrap(&"palabra ".repeat(100));
        assert!(lines.len() > 1 && lines.iter().all(|l| l.chars().count() <= COLUMNS));
        assert_eq!(wrap(&"x".repeat(COLUMNS + 5)).len(), 2);
        let long = vec!["línea de texto. ".repeat(400)];
        let pdf = render("es", &[], "Asunto", &long).unwrap();
        let pages = (3 + wrap(&long[0]).len()).div_ceil(LINES_PER_PAGE);
        assert!(pages > 1);
        assert!(String::from_utf8_lossy(&pdf).contains(&format!("/Type/Pages/Count {pages}")));
    }
}
