//! Response letters as PDF (R-SR-11): US Letter pages, set in Courier, one of the fonts every
//! PDF reader carries, so nothing is embedded and every line's width is known exactly (each
//! character is 0.6 em), which makes wrapping exact. Text is encoded as WinAnsi, which holds
//! Spanish's accented letters, ñ, ¿ and ¡.
//!
//! The letter is a tagged PDF (Section 508): a structure tree in reading order (the heading
//! lines and paragraphs as `P`, the subject as `H1`, each tied to its lines' marked content),
//! the document's language, and its title shown in the reader's title bar.

use pdf_writer::types::StructRole;
use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str, TextStr};

const PAGE_WIDTH: f32 = 612.0;
const PAGE_HEIGHT: f32 = 792.0;
const MARGIN: f32 = 72.0;
const SIZE: f32 = 11.0;
const LEADING: f32 = 15.0;
/// Characters a line holds: the text width over Courier's advance (0.6 em).
const COLUMNS: usize = ((PAGE_WIDTH - 2.0 * MARGIN) / (SIZE * 0.6)) as usize;
const LINES_PER_PAGE: usize = ((PAGE_HEIGHT - 2.0 * MARGIN) / LEADING) as usize;

/// Renders a letter in `lang` (its BCP 47 tag): the heading lines (sender, date, addressee), the
/// subject, then paragraphs.
pub fn render(lang: &str, head: &[String], subject: &str, paragraphs: &[String]) -> Vec<u8> {
    // Each line with its block: blocks are the structure elements, in reading order.
    let mut blocks: Vec<StructRole> = Vec::new();
    let mut lines: Vec<(String, bool, Option<usize>)> = Vec::new();
    for l in head {
        if l.is_empty() {
            lines.push((String::new(), false, None));
        } else {
            blocks.push(StructRole::P);
            lines.push((l.clone(), false, Some(blocks.len() - 1)));
        }
    }
    lines.push((String::new(), false, None));
    blocks.push(StructRole::H1);
    let heading = blocks.len() - 1;
    lines.extend(wrap(subject).into_iter().map(|l| (l, true, Some(heading))));
    for p in paragraphs {
        lines.push((String::new(), false, None));
        for part in p.lines() {
            blocks.push(StructRole::P);
            let block = blocks.len() - 1;
            lines.extend(wrap(part).into_iter().map(|l| (l, false, Some(block))));
        }
    }
    let pages: Vec<&[(String, bool, Option<usize>)]> = lines.chunks(LINES_PER_PAGE).collect();
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let page_ids: Vec<Ref> = (0..pages.len()).map(|i| Ref::new(6 + 3 * i as i32)).collect();
    let next = 6 + 3 * pages.len() as i32;
    let (root, document) = (Ref::new(next), Ref::new(next + 1));
    let block_ids: Vec<Ref> = (0..blocks.len()).map(|i| Ref::new(next + 2 + i as i32)).collect();
    // Marked content of each block: (page index, MCID), in the order the lines are drawn.
    let mut marks: Vec<Vec<(usize, i32)>> = vec![Vec::new(); blocks.len()];
    // For each page, the block each of its MCIDs belongs to (the parent tree's entry).
    let mut parents: Vec<Vec<Ref>> = vec![Vec::new(); pages.len()];

    let mut cat = pdf.catalog(catalog);
    cat.pages(tree).lang(TextStr(lang)).pair(Name(b"StructTreeRoot"), root);
    cat.mark_info().marked(true);
    cat.viewer_preferences().display_doc_title(true);
    drop(cat);
    pdf.pages(tree).kids(page_ids.iter().copied()).count(page_ids.len() as i32);
    pdf.document_info(info).title(TextStr(subject)).producer(TextStr("CRIS"));
    for (font, name) in [(regular, b"Courier".as_slice()), (bold, b"Courier-Bold".as_slice())] {
        pdf.type1_font(font).base_font(Name(name)).encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (i, chunk) in pages.iter().enumerate() {
        let (page_id, content_id, parents_id) = (page_ids[i], Ref::new(7 + 3 * i as i32), Ref::new(8 + 3 * i as i32));
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT)).parent(tree).contents(content_id);
        page.struct_parents(i as i32);
        let mut resources = page.resources();
        resources.fonts().pair(Name(b"F1"), regular).pair(Name(b"F2"), bold);
        drop(resources);
        drop(page);
        let mut content = Content::new();
        content.begin_text();
        content.next_line(MARGIN, PAGE_HEIGHT - MARGIN);
        for (line, strong, block) in chunk.iter() {
            content.set_font(Name(if *strong { b"F2" } else { b"F1" }), SIZE);
            match block {
                Some(b) => {
                    let mcid = parents[i].len() as i32;
                    parents[i].push(block_ids[*b]);
                    marks[*b].push((i, mcid));
                    let tag: &[u8] = if blocks[*b] == StructRole::H1 { b"H1" } else { b"P" };
                    content.begin_marked_content_with_properties(Name(tag)).properties().identify(mcid);
                    content.show(Str(&win_ansi(line)));
                    content.end_marked_content();
                }
                // Blank lines are layout, not content.
                None => {
                    content.begin_marked_content(Name(b"Artifact"));
                    content.end_marked_content();
                }
            }
            content.next_line(0.0, -LEADING);
        }
        content.end_text();
        pdf.stream(content_id, &content.finish());
        pdf.indirect(parents_id).array().items(parents[i].iter().copied());
    }
    let mut st = pdf.indirect(root).start::<pdf_writer::writers::StructTreeRoot>();
    st.child(document);
    let mut tree_of_parents = st.parent_tree();
    let mut nums = tree_of_parents.nums();
    for i in 0..pages.len() {
        nums.insert(i as i32, Ref::new(8 + 3 * i as i32));
    }
    drop(nums);
    drop(tree_of_parents);
    st.parent_tree_next_key(pages.len() as i32);
    drop(st);
    let mut doc = pdf.struct_element(document);
    doc.kind(StructRole::Document).parent(root);
    let mut kids = doc.children();
    for id in &block_ids {
        kids.struct_element(*id);
    }
    drop(kids);
    drop(doc);
    for (b, role) in blocks.iter().enumerate() {
        let mut el = pdf.struct_element(block_ids[b]);
        el.kind(*role).parent(document);
        let mut kids = el.children();
        for (page, mcid) in &marks[b] {
            kids.marked_content_ref().page(page_ids[*page]).marked_content_id(*mcid);
        }
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
        let pdf =
            render("es", &["USCIS".into()], "Su solicitud", &["Estimada Señora García:".into(), "¿Preguntas?".into()]);
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

    /// The structure read back from a letter: its objects' texts, by object number.
    fn objects(pdf: &str) -> std::collections::BTreeMap<i32, String> {
        let mut out = std::collections::BTreeMap::new();
        for part in pdf.split("endobj") {
            if let Some(at) = part.find(" 0 obj") {
                let (head, body) = part.split_at(at);
                let number = head.rsplit(|c: char| !c.is_ascii_digit()).next().unwrap_or("");
                if let Ok(n) = number.parse() {
                    out.insert(n, body.to_owned());
                }
            }
        }
        out
    }

    /// The numbers after each `key` in `text`, in order.
    fn numbers_after(text: &str, key: &str) -> Vec<i32> {
        text.match_indices(key)
            .filter_map(|(i, _)| {
                let rest = text.get(i + key.len()..)?.trim_start();
                rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
            })
            .collect()
    }

    // R-SR-11: the letter is a tagged PDF, read back: the language, the marked flag, a structure
    // tree whose Document holds the blocks in reading order (heading lines, the subject as H1,
    // the paragraphs), every line's marked content tied to exactly one block on its page, and
    // the parent tree pointing back; blank lines are artifacts.
    #[test]
    fn letters_are_tagged_with_their_structure_in_reading_order() {
        let long = "línea de texto. ".repeat(300);
        let pdf = render(
            "es",
            &["USCIS".into(), String::new(), "Ana García".into()],
            "Su solicitud",
            &["Estimada Señora García:".into(), long],
        );
        let text = String::from_utf8_lossy(&pdf).into_owned();
        let objs = objects(&text);
        let catalog = objs.values().find(|o| o.contains("/Type /Catalog")).expect("a catalog");
        assert!(catalog.contains("/Lang (es)") && catalog.contains("/StructTreeRoot"), "{catalog}");
        assert!(catalog.contains("/Marked true") && catalog.contains("/DisplayDocTitle true"), "{catalog}");
        let root = objs.values().find(|o| o.contains("/Type /StructTreeRoot")).expect("a structure tree");
        let document_id = numbers_after(root, "/K")[0];
        let document = &objs[&document_id];
        assert!(document.contains("/S /Document"), "{document}");
        let kids: Vec<i32> = document
            .split("/K")
            .nth(1)
            .unwrap()
            .split(" 0 R")
            .filter_map(|k| k.trim().trim_start_matches('[').trim().parse().ok())
            .collect();
        let roles: Vec<String> = kids
            .iter()
            .map(|k| objs[k].split("/S /").nth(1).unwrap().split_whitespace().next().unwrap().to_owned())
            .collect();
        assert_eq!(roles, ["P", "P", "H1", "P", "P"], "heading lines, subject, paragraphs");
        // Reading order: the blocks' marked content, page by page, is the order it is drawn in.
        let pages: Vec<i32> =
            objs.iter().filter(|(_, o)| o.lines().any(|l| l.trim() == "/Type /Page")).map(|(n, _)| *n).collect();
        assert!(pages.len() > 1, "the long paragraph runs onto a second page");
        let mut seen: Vec<(i32, i32)> = Vec::new();
        for k in &kids {
            let el = &objs[k];
            for mcr in el.split("/Type /MCR").skip(1) {
                let page = numbers_after(mcr, "/Pg")[0];
                let mcid = numbers_after(mcr, "/MCID")[0];
                seen.push((page, mcid));
            }
        }
        let mut drawn: Vec<(i32, i32)> = Vec::new();
        for page in &pages {
            let contents = numbers_after(&objs[page], "/Contents")[0];
            for mcid in numbers_after(&objs[&contents], "/MCID") {
                drawn.push((*page, mcid));
            }
            if page == &pages[0] {
                assert!(objs[&contents].contains("/Artifact BMC"), "blank lines are artifacts");
            }
        }
        assert!(!drawn.is_empty());
        assert_eq!(seen, drawn, "every line's marked content belongs to one block, in reading order");
        // The parent tree: each page's key leads to the block of each of its MCIDs.
        let refs = |text: &str| -> Vec<i32> {
            let body = text.split_once("obj").map_or(text, |(_, b)| b);
            body.replace(['[', ']'], " ").split(" 0 R").filter_map(|t| t.trim().parse().ok()).collect()
        };
        let nums: Vec<i32> = root
            .split("/Nums")
            .nth(1)
            .unwrap()
            .split(']')
            .next()
            .unwrap()
            .replace('[', " ")
            .split_whitespace()
            .filter_map(|t| t.parse().ok())
            .collect();
        for k in &kids {
            for mcr in objs[k].split("/Type /MCR").skip(1) {
                let (page, mcid) = (numbers_after(mcr, "/Pg")[0], numbers_after(mcr, "/MCID")[0]);
                let key = numbers_after(&objs[&page], "/StructParents")[0];
                // Nums holds key, object number, generation (the "R" is not a number).
                let at = nums.chunks(3).find(|c| c[0] == key).expect("the page's key in the parent tree")[1];
                assert_eq!(refs(&objs[&at]).get(mcid as usize), Some(k), "MCID {mcid} on page {page}");
            }
        }
        assert!(text.contains("/H1 <<"), "the subject's lines are marked as H1 in the content");
    }

    // R-SR-11: long answers wrap within the margins and run onto further pages.
    #[test]
    fn long_letters_wrap_and_paginate() {
        let lines = wrap(&"palabra ".repeat(100));
        assert!(lines.len() > 1 && lines.iter().all(|l| l.chars().count() <= COLUMNS));
        assert_eq!(wrap(&"x".repeat(COLUMNS + 5)).len(), 2);
        let long = vec!["línea de texto. ".repeat(400)];
        let pdf = render("es", &[], "Asunto", &long);
        let pages = (3 + wrap(&long[0]).len()).div_ceil(LINES_PER_PAGE);
        assert!(pages > 1);
        assert!(String::from_utf8_lossy(&pdf).contains(&format!("/Count {pages}")));
    }
}
