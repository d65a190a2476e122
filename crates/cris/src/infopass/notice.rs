//! The appointment notice (R-IP-06, R-IP-07): what it says, its barcode (Code 39, which every
//! desk scanner reads and types back followed by Enter), its PDF, its email copy and calendar
//! file. The PIN is printed only on the notice made at confirmation; reprints and emails never
//! carry it.

use std::fmt::Write as _;

use pdf_writer::types::StructRole;
use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str, TextStr};

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;

use super::model::Appointment;
use crate::kernel::i18n::Lang;
use crate::reference::{Office, format_date, format_time};

/// Code 39 patterns of the characters a confirmation number uses: nine elements, bar first,
/// `1` for a wide element.
fn code39(c: char) -> Option<[u8; 9]> {
    Some(match c {
        '0' => [0, 0, 0, 1, 1, 0, 1, 0, 0],
        '1' => [1, 0, 0, 1, 0, 0, 0, 0, 1],
        '2' => [0, 0, 1, 1, 0, 0, 0, 0, 1],
        '3' => [1, 0, 1, 1, 0, 0, 0, 0, 0],
        '4' => [0, 0, 0, 1, 1, 0, 0, 0, 1],
        '5' => [1, 0, 0, 1, 1, 0, 0, 0, 0],
        '6' => [0, 0, 1, 1, 1, 0, 0, 0, 0],
        '7' => [0, 0, 0, 1, 0, 0, 1, 0, 1],
        '8' => [1, 0, 0, 1, 0, 0, 1, 0, 0],
        '9' => [0, 0, 1, 1, 0, 0, 1, 0, 0],
        '*' => [0, 1, 0, 0, 1, 0, 1, 0, 0],
        _ => return None,
    })
}

/// Wide elements are three narrow ones wide.
const WIDE: u32 = 3;

/// The bars of `digits` framed by the start and stop character, as (offset, width) in narrow
/// units, and the total width. Characters are separated by a narrow space.
pub fn bars(digits: &str) -> (Vec<(u32, u32)>, u32) {
    let mut x = 0;
    let mut out = Vec::new();
    for c in std::iter::once('*').chain(digits.chars()).chain(std::iter::once('*')) {
        let Some(pattern) = code39(c) else { continue };
        for (i, wide) in pattern.into_iter().enumerate() {
            let w = if wide == 1 { WIDE } else { 1 };
            if i % 2 == 0 {
                out.push((x, w));
            }
            x += w;
        }
        x += 1;
    }
    (out, x.saturating_sub(1))
}

/// The barcode as inline SVG, scaled to its box; quiet zones of ten units either side.
pub fn barcode_svg(digits: &str, label: &str) -> String {
    let (bars, width) = bars(digits);
    let total = width + 20;
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="cris-barcode" viewBox="0 0 {total} 60" preserveAspectRatio="none" role="img" aria-label="{label}"><rect width="{total}" height="60" fill="#fff"/>"##
    );
    for (x, w) in bars {
        let _ = write!(svg, r##"<rect x="{}" y="0" width="{w}" height="60" fill="#000"/>"##, x + 10);
    }
    svg.push_str("</svg>");
    svg
}

/// The notice's lines, in the customer's language: what the page, the PDF and the email show.
#[derive(Debug, Clone)]
pub struct Notice {
    /// The customer's name.
    pub name: String,
    /// Appointment type.
    pub service: String,
    /// Confirmation number, grouped.
    pub confirmation: String,
    /// Confirmation number, digits only (the barcode's content).
    pub digits: String,
    /// The date.
    pub date: String,
    /// The time, in the office's zone, with the zone's abbreviation.
    pub time: String,
    /// Office name.
    pub office: String,
    /// Office address, one line per entry.
    pub address: Vec<String>,
    /// The PIN, only at confirmation.
    pub pin: Option<String>,
}

impl Notice {
    /// The notice of an appointment at an office; `pin` only at confirmation.
    pub fn of(a: &Appointment, office: &Office, lang: Lang, pin: Option<&str>) -> Notice {
        let local = office.tz.from_local_datetime(&a.starts).earliest();
        let zone = local.map(|t| t.format("%Z").to_string()).unwrap_or_default();
        let clock = format_time(a.starts.time(), lang);
        Notice {
            name: format!("{} {}", a.details.first_name, a.details.last_name),
            service: a.service.name(lang).to_owned(),
            confirmation: a.confirmation.grouped(),
            digits: a.confirmation.as_str().to_owned(),
            date: format_date(a.starts.date(), lang),
            time: format!("{clock} {zone}"),
            office: office.name(lang).to_owned(),
            address: vec![office.street.clone(), format!("{}, {} {}", office.city, office.state, office.zip)],
            pin: pin.map(str::to_owned),
        }
    }
}

/// The words a notice is printed with.
#[derive(Debug, Clone)]
pub struct Labels {
    /// Title.
    pub title: String,
    /// "Name".
    pub name: String,
    /// "Appointment type".
    pub service: String,
    /// "Confirmation number".
    pub confirmation: String,
    /// "Date".
    pub date: String,
    /// "Time".
    pub time: String,
    /// "Location".
    pub location: String,
    /// "PIN".
    pub pin: String,
    /// What to bring and do.
    pub advice: String,
    /// The barcode's alternative text (what it encodes).
    pub barcode: String,
    /// The language's BCP 47 tag.
    pub lang: String,
}

/// Text as WinAnsi bytes (Latin-1 holds the letters Spanish needs); what does not fit becomes `?`.
fn win_ansi(s: &str) -> Vec<u8> {
    s.chars().map(|c| u8::try_from(u32::from(c)).ok().filter(|b| *b >= 0x20 && *b != 0x7f).unwrap_or(b'?')).collect()
}

/// The notice's content stream as it is drawn, one structure element a block, each block one
/// marked-content sequence (its MCID is its index).
struct Tagged {
    content: Content,
    y: f32,
    blocks: Vec<(StructRole, Option<String>)>,
}

impl Tagged {
    /// One block of text lines, as `role`.
    fn text(&mut self, role: StructRole, size: f32, bold: bool, lines: &[String]) {
        let mcid = i32::try_from(self.blocks.len()).unwrap_or(i32::MAX);
        let tag: &[u8] = if role == StructRole::H1 { b"H1" } else { b"P" };
        self.blocks.push((role, None));
        self.content.begin_marked_content_with_properties(Name(tag)).properties().identify(mcid);
        for line in lines {
            self.content.begin_text();
            self.content.set_font(Name(if bold { b"F2" } else { b"F1" }), size);
            self.content.next_line(72.0, self.y);
            self.content.show(Str(&win_ansi(line)));
            self.content.end_text();
            self.y -= size + 10.0;
        }
        self.content.end_marked_content();
    }
}

/// The notice as a one-page tagged PDF (US Letter; Section 508): Helvetica text and the barcode
/// drawn as filled rectangles; a structure tree in reading order (the title as `H1`, each label
/// and value as `P`, the barcode a `Figure` whose alternative text is `l.barcode`, the advice),
/// the document's language (`l.lang`) and its title shown in the reader's title bar.
pub fn pdf(n: &Notice, l: &Labels) -> Vec<u8> {
    let mut t = Tagged { content: Content::new(), y: 720.0, blocks: Vec::new() };
    t.text(StructRole::H1, 20.0, true, std::slice::from_ref(&l.title));
    t.y -= 6.0;
    let mut rows = vec![
        (&l.name, vec![n.name.clone()]),
        (&l.service, vec![n.service.clone()]),
        (&l.confirmation, vec![n.confirmation.clone()]),
        (&l.date, vec![n.date.clone()]),
        (&l.time, vec![n.time.clone()]),
        (&l.location, std::iter::once(n.office.clone()).chain(n.address.iter().cloned()).collect()),
    ];
    if let Some(pin) = &n.pin {
        rows.push((&l.pin, vec![pin.clone()]));
    }
    for (label, value) in rows {
        t.text(StructRole::P, 11.0, true, std::slice::from_ref(label));
        t.text(StructRole::P, 14.0, false, &value);
    }
    // The barcode: 1.2 points a narrow unit, 50 points high; a figure with its words.
    t.y -= 60.0;
    let mcid = i32::try_from(t.blocks.len()).unwrap_or(i32::MAX);
    t.blocks.push((StructRole::Figure, Some(l.barcode.clone())));
    t.content.begin_marked_content_with_properties(Name(b"Figure")).properties().identify(mcid);
    t.content.set_fill_rgb(0.0, 0.0, 0.0);
    let (bars, _) = bars(&n.digits);
    for (x, w) in bars {
        t.content.rect(72.0 + x as f32 * 1.2, t.y, w as f32 * 1.2, 50.0);
    }
    t.content.fill_nonzero();
    t.content.end_marked_content();
    t.y -= 30.0;
    t.text(StructRole::P, 10.0, false, &wrap(&l.advice, 85));

    let (catalog, tree, page_id, regular, bold, content_id) =
        (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4), Ref::new(5), Ref::new(6));
    let (info, root, parents, document) = (Ref::new(7), Ref::new(8), Ref::new(9), Ref::new(10));
    let block_ids: Vec<Ref> = (0..t.blocks.len()).map(|i| Ref::new(11 + i32::try_from(i).unwrap_or(0))).collect();
    let mut pdf = Pdf::new();
    let mut cat = pdf.catalog(catalog);
    cat.pages(tree).lang(TextStr(&l.lang)).pair(Name(b"StructTreeRoot"), root);
    cat.mark_info().marked(true);
    cat.viewer_preferences().display_doc_title(true);
    drop(cat);
    pdf.pages(tree).kids([page_id]).count(1);
    pdf.document_info(info).title(TextStr(&l.title)).producer(TextStr("CRIS"));
    let mut page = pdf.page(page_id);
    page.media_box(Rect::new(0.0, 0.0, 612.0, 792.0)).parent(tree).contents(content_id).struct_parents(0);
    page.resources().fonts().pair(Name(b"F1"), regular).pair(Name(b"F2"), bold);
    drop(page);
    for (font, name) in [(regular, b"Helvetica".as_slice()), (bold, b"Helvetica-Bold".as_slice())] {
        pdf.type1_font(font).base_font(Name(name)).encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.stream(content_id, &t.content.finish());
    pdf.indirect(parents).array().items(block_ids.iter().copied());
    let mut st = pdf.indirect(root).start::<pdf_writer::writers::StructTreeRoot>();
    st.child(document);
    st.parent_tree().nums().insert(0, parents);
    st.parent_tree_next_key(1);
    drop(st);
    let mut doc = pdf.struct_element(document);
    doc.kind(StructRole::Document).parent(root);
    let mut kids = doc.children();
    for id in &block_ids {
        kids.struct_element(*id);
    }
    drop(kids);
    drop(doc);
    for (i, (role, alt)) in t.blocks.iter().enumerate() {
        let mut el = pdf.struct_element(block_ids[i]);
        el.kind(*role).parent(document).page(page_id);
        if let Some(alt) = alt {
            el.alt(TextStr(alt));
        }
        el.children().marked_content_id(i32::try_from(i).unwrap_or(0));
    }
    pdf.finish()
}

/// Words of `text` in lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= width => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

fn ics_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

/// An iCalendar file (RFC 5545) for the appointment, in UTC so every calendar places it right.
pub fn ics(a: &Appointment, n: &Notice, tz: Tz, minutes: u16, now: DateTime<Utc>) -> String {
    let start = tz.from_local_datetime(&a.starts).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or(now);
    let end = start + Duration::minutes(i64::from(minutes));
    let stamp = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//USCIS//CRIS InfoPass//EN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}@infopass.cris", n.digits),
        format!("DTSTAMP:{}", stamp(now)),
        format!("DTSTART:{}", stamp(start)),
        format!("DTEND:{}", stamp(end)),
        format!("SUMMARY:{}", ics_text(&format!("USCIS: {}", n.service))),
        format!("LOCATION:{}", ics_text(&format!("{}, {}", n.office, n.address.join(", ")))),
        format!("DESCRIPTION:{}", ics_text(&n.confirmation)),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    lines.join("\r\n") + "\r\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    // R-IP-06, R-IP-07: the notice is a tagged PDF, read back: its language, the marked flag, the
    // title shown, a structure tree whose Document holds the blocks in reading order (title, each
    // label and value, the barcode as a Figure with its alternative text, the advice), each tied to
    // the one marked-content sequence drawn in that order, and the parent tree listing them.
    #[test]
    fn the_notice_pdf_is_tagged_in_reading_order_with_the_barcode_described() {
        let n = Notice {
            name: "Ana Núñez".into(),
            service: "Documentos".into(),
            confirmation: "1234 5678 9012".into(),
            digits: "123456789012".into(),
            date: "3 de noviembre de 2026".into(),
            time: "8:00 CST".into(),
            office: "Oficina Local de Chicago".into(),
            address: vec!["101 W Congress Parkway".into(), "Chicago, IL 60605".into()],
            pin: Some("15912".into()),
        };
        let word = |w: &str| w.to_owned();
        let l = Labels {
            title: word("Aviso de cita"),
            name: word("Nombre"),
            service: word("Tipo de cita"),
            confirmation: word("Número de confirmación"),
            date: word("Fecha"),
            time: word("Hora"),
            location: word("Lugar"),
            pin: word("PIN"),
            advice: word("Traiga este aviso."),
            barcode: word("Código de barras del número de confirmación 1234 5678 9012"),
            lang: word("es"),
        };
        let pdf = String::from_utf8_lossy(&pdf(&n, &l)).into_owned();
        let objects: Vec<&str> = pdf.split("endobj").collect();
        let catalog = objects.iter().find(|o| o.contains("/Type /Catalog")).expect("a catalog");
        assert!(catalog.contains("/Lang (es)") && catalog.contains("/StructTreeRoot 8 0 R"), "{catalog}");
        assert!(catalog.contains("/Marked true") && catalog.contains("/DisplayDocTitle true"), "{catalog}");
        let root = objects.iter().find(|o| o.contains("/Type /StructTreeRoot")).expect("a structure tree");
        assert!(root.contains("/K 10 0 R") && root.contains("/Nums [0 9 0 R]"), "{root}");
        let elements: Vec<&str> = objects.iter().filter(|o| o.contains("/Type /StructElem")).copied().collect();
        let role = |o: &str| o.split("/S /").nth(1).and_then(|r| r.split_whitespace().next()).unwrap_or("").to_owned();
        let roles: Vec<String> = elements.iter().map(|o| role(o)).collect();
        // Document, then the title, 7 labels and values (the PIN included), the barcode, the advice.
        let mut expected = vec!["Document".to_owned(), "H1".to_owned()];
        expected.extend(std::iter::repeat_n("P".to_owned(), 14));
        expected.extend(["Figure".to_owned(), "P".to_owned()]);
        assert_eq!(roles, expected);
        let figure = elements.iter().find(|o| role(o) == "Figure").unwrap();
        assert!(figure.contains("/Alt "), "the barcode has its alternative text: {figure}");
        // Each block's one MCID is its place in the Document, and the content draws them in order.
        for (i, el) in elements.iter().skip(1).enumerate() {
            assert!(el.contains(&format!("/K [{i}]")) && el.contains("/P 10 0 R"), "element {i}: {el}");
        }
        let content = objects.iter().find(|o| o.contains("BDC")).expect("the content stream");
        let mcids: Vec<usize> = content
            .match_indices("/MCID ")
            .filter_map(|(at, _)| content.get(at + 6..)?.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
            .collect();
        assert_eq!(mcids, (0..elements.len() - 1).collect::<Vec<_>>());
        assert!(content.contains("/Figure <<") && content.contains(" re"), "the bars are inside the figure");
        let parents = objects.iter().find(|o| o.trim_start().starts_with("9 0 obj")).unwrap();
        assert_eq!(parents.matches(" 0 R").count(), elements.len() - 1, "{parents}");
    }

    // R-IP-06: the barcode is Code 39 framed by start and stop characters.
    #[test]
    fn the_barcode_encodes_every_digit_between_start_and_stop() {
        let (bars, width) = bars("482109375523");
        // 14 characters of 5 bars each.
        assert_eq!(bars.len(), 14 * 5);
        // Each character: 3 wide elements of 9 (width 6 narrow + 3×3 wide = 15), plus a gap.
        assert_eq!(width, 14 * 15 + 13);
        for c in "0123456789*".chars() {
            assert_eq!(code39(c).unwrap().iter().filter(|w| **w == 1).count(), 3, "{c}");
        }
        let svg = barcode_svg("1", "Barcode");
        assert!(svg.starts_with("<svg") && svg.matches("fill=\"#000\"").count() == 15);
        assert_eq!(win_ansi("Núñez ✓"), b"N\xfa\xf1ez ?");
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
    }
}
