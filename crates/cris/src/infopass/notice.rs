//! The appointment notice (R-IP-06, R-IP-07): what it says, its barcode (Code 39, which every
//! desk scanner reads and types back followed by Enter), its PDF, its email copy and calendar
//! file. The PIN is printed only on the notice made at confirmation; reprints and emails never
//! carry it.

use std::fmt::Write as _;

use crate::kernel::pdf::{ArtifactKind, Face, LETTER, PdfError, Role, Writer};

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

/// The notice as a one-page tagged PDF/UA-1 document (US Letter; Section 508), through the
/// kernel's writer: Liberation Sans embedded, a structure tree in reading order (the title as
/// `H1`, each label and value as `P`, the barcode a `Figure` whose alternative text is
/// `l.barcode`, the advice), the rule under the title an artifact, the document's language
/// (`l.lang`) and its title shown in the reader's title bar.
pub fn writer(n: &Notice, l: &Labels) -> Writer {
    let mut w = Writer::new(&l.title, &l.lang, LETTER);
    let mut y = 720.0;
    let lines = |w: &mut Writer, role: Role, font: (Face, f32), text: &[String], y: &mut f32| {
        let b = w.block(role);
        for line in text {
            w.text(b, font, (72.0, *y), line);
            *y -= font.1 + 10.0;
        }
    };
    lines(&mut w, Role::H1(l.title.clone()), (Face::SansBold, 20.0), std::slice::from_ref(&l.title), &mut y);
    // A rule under the title: decoration, outside the structure.
    w.artifact_rect(ArtifactKind::Layout, (72.0, y + 18.0), (468.0, 0.75));
    y -= 6.0;
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
        lines(&mut w, Role::P, (Face::SansBold, 11.0), std::slice::from_ref(label), &mut y);
        lines(&mut w, Role::P, (Face::Sans, 14.0), &value, &mut y);
    }
    // The barcode: 1.2 points a narrow unit, 50 points high; a figure with its words.
    y -= 60.0;
    let figure = w.block(Role::Figure(l.barcode.clone()));
    let (bars, _) = bars(&n.digits);
    for (x, width) in bars {
        w.rect(figure, (72.0 + x as f32 * 1.2, y), (width as f32 * 1.2, 50.0));
    }
    y -= 30.0;
    lines(&mut w, Role::P, (Face::Sans, 10.0), &wrap(&l.advice, 85), &mut y);
    w
}

/// The notice's PDF (see [`writer`]).
pub fn pdf(n: &Notice, l: &Labels) -> Result<Vec<u8>, PdfError> {
    writer(n, l).finish()
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

    // R-IP-06, R-IP-07: the notice is a tagged PDF/UA-1 document: blocks in reading order (the
    // title, each label and value, the PIN at confirmation, the barcode as a Figure with its
    // alternative text, the advice), read back from the PDF: the language, the PDF/UA
    // identifier, the embedded font, the figure's alternative text.
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
        let w = writer(&n, &l);
        // The title, 7 labels and values (the PIN included), the barcode, the advice.
        let mut expected = vec![Role::H1("Aviso de cita".into())];
        expected.extend(std::iter::repeat_n(Role::P, 14));
        expected.extend([Role::Figure(l.barcode.clone()), Role::P]);
        assert_eq!(w.roles(), expected.as_slice());
        let texts = w.texts();
        assert_eq!(texts.first(), Some(&(0, "Aviso de cita")));
        assert!(texts.contains(&(13, "PIN")) && texts.contains(&(14, "15912")), "{texts:?}");
        assert!(texts.windows(2).all(|p| p[0].0 <= p[1].0), "drawn in reading order");
        let pdf = String::from_utf8_lossy(&pdf(&n, &l).unwrap()).into_owned();
        crate::kernel::pdf::tests::assert_pdf_ua(&pdf, "es", "Aviso de cita");
        let alt = crate::kernel::pdf::tests::text_str(&l.barcode);
        assert!(pdf.contains("/S/Figure") && pdf.contains(&format!("/Alt{alt}")), "the barcode is described");
        // Without the PIN (a reprint), its label and value are not there.
        let reprint = writer(&Notice { pin: None, ..n }, &l);
        assert!(!reprint.texts().iter().any(|(_, t)| *t == "15912"));
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
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
    }
}
