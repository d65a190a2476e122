//! The appointment notice (R-IP-06, R-IP-07): what it says, its barcode (Code 39, which every
//! desk scanner reads and types back followed by Enter), its PDF, its email copy and calendar
//! file. The PIN is printed only on the notice made at confirmation; reprints and emails never
//! carry it.

use std::fmt::Write as _;

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
}

/// Escapes text for a PDF string in WinAnsi (Latin-1 for the letters Spanish needs); what does not
/// fit becomes `?`.
fn pdf_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            c if (0xA0..=0xFF).contains(&u32::from(c)) => {
                let _ = write!(out, "\\{:03o}", u32::from(c));
            }
            _ => out.push('?'),
        }
    }
    out
}

/// The notice as a one-page PDF (US Letter), written directly: Helvetica text and the barcode
/// drawn as filled rectangles.
pub fn pdf(n: &Notice, l: &Labels) -> Vec<u8> {
    let mut content = String::new();
    let mut y = 720;
    let line = |content: &mut String, size: u32, bold: bool, text: &str, y: &mut i32| {
        let font = if bold { "F2" } else { "F1" };
        let _ = writeln!(content, "BT /{font} {size} Tf 72 {y} Td ({}) Tj ET", pdf_text(text));
        *y -= i32::try_from(size).unwrap_or(12) + 10;
    };
    line(&mut content, 20, true, &l.title, &mut y);
    y -= 6;
    let mut rows = vec![
        (&l.name, n.name.clone()),
        (&l.service, n.service.clone()),
        (&l.confirmation, n.confirmation.clone()),
        (&l.date, n.date.clone()),
        (&l.time, n.time.clone()),
        (&l.location, n.office.clone()),
    ];
    if let Some(pin) = &n.pin {
        rows.push((&l.pin, pin.clone()));
    }
    for (label, value) in rows {
        line(&mut content, 11, true, label, &mut y);
        line(&mut content, 14, false, &value, &mut y);
        if label == &l.location {
            for a in &n.address {
                line(&mut content, 12, false, a, &mut y);
            }
        }
    }
    // The barcode: 1.2 points a narrow unit, 50 points high.
    y -= 60;
    let (bars, _) = bars(&n.digits);
    content.push_str("0 0 0 rg\n");
    for (x, w) in bars {
        let _ = writeln!(content, "{:.1} {y} {:.1} 50 re f", 72.0 + f64::from(x) * 1.2, f64::from(w) * 1.2);
    }
    y -= 30;
    for chunk in wrap(&l.advice, 85) {
        line(&mut content, 10, false, &chunk, &mut y);
    }
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
            .to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        let _ = write!(out, "{} 0 obj\n{o}\nendobj\n", i + 1);
    }
    let xref = out.len();
    let _ = write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for off in offsets {
        let _ = writeln!(out, "{off:010} 00000 n ");
    }
    let _ = write!(out, "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1);
    // The escapes above keep the content in ASCII, so string lengths are byte lengths.
    out.into_bytes()
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
        assert_eq!(pdf_text("Núñez (x)"), "N\\372\\361ez \\(x\\)");
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
    }
}
