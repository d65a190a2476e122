//! Reads back what a PDF written by `kernel::pdf` says about itself, from its (uncompressed)
//! objects: the catalog, the structure tree in reading order, the outline, the fonts. Enough to
//! check PDF/UA-1's requirements that can be seen in the file, without a PDF library.

use std::collections::HashMap;

/// A PDF's objects, by number (each object's dictionary; streams are left out).
pub struct Pdf {
    text: String,
    objects: HashMap<u32, String>,
}

/// A structure element: its type, its title or alternative text, and its marked-content ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elem {
    pub role: String,
    pub title: Option<String>,
    pub alt: Option<String>,
    pub mcids: Vec<u32>,
}

impl Pdf {
    pub fn read(bytes: &[u8]) -> Pdf {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let re = regex::Regex::new(r"(?s)(\d+) 0 obj\s*(<<.*?>>)\s*(?:stream|endobj)").unwrap();
        let objects = re.captures_iter(&text).map(|c| (c[1].parse().unwrap(), c[2].to_owned())).collect();
        Pdf { text, objects }
    }

    /// The whole file as text (the XMP metadata is uncompressed).
    pub fn text(&self) -> &str {
        &self.text
    }

    fn find(&self, kind: &str) -> &str {
        let tag = format!("/Type/{kind}");
        self.objects
            .values()
            .find(|d| d.starts_with(&format!("<<{tag}")) || d.contains(&format!("{tag}/")))
            .map_or("", String::as_str)
    }

    /// The document catalog's dictionary.
    pub fn catalog(&self) -> &str {
        self.find("Catalog")
    }

    fn object(&self, reference: u32) -> &str {
        self.objects.get(&reference).map_or("", String::as_str)
    }

    /// The structure elements below the StructTreeRoot, depth first: the reading order.
    pub fn structure(&self) -> Vec<Elem> {
        let root = self.find("StructTreeRoot");
        assert!(!root.is_empty(), "a StructTreeRoot");
        let mut out = Vec::new();
        for r in refs(&value(root, "/K").unwrap_or_default()) {
            self.walk(r, &mut out);
        }
        out
    }

    fn walk(&self, r: u32, out: &mut Vec<Elem>) {
        let d = self.object(r);
        let role = name(d, "/S").unwrap_or_default();
        let kids = value(d, "/K").unwrap_or_default();
        // In /K: marked-content ids (bare, or in a reference to another page's content) and
        // child elements (references), in order.
        let re = regex::Regex::new(r"<<[^>]*?/MCID (\d+)[^>]*>>|(\d+) 0 R|(\d+)").unwrap();
        let (mut mcids, mut children) = (Vec::new(), Vec::new());
        for c in re.captures_iter(&kids) {
            match (c.get(1).or(c.get(3)), c.get(2)) {
                (Some(id), _) => mcids.push(id.as_str().parse().unwrap()),
                (None, Some(child)) => children.push(child.as_str().parse().unwrap()),
                (None, None) => {}
            }
        }
        out.push(Elem { role, title: string(d, "/T"), alt: string(d, "/Alt"), mcids });
        for c in children {
            self.walk(c, out);
        }
    }

    /// The outline's entries (top level), in order.
    pub fn outline(&self) -> Vec<String> {
        let outlines = self.find("Outlines");
        let mut out = Vec::new();
        let mut next = value(outlines, "/First").and_then(|v| refs(&v).first().copied());
        while let Some(r) = next {
            let d = self.object(r);
            out.push(string(d, "/Title").unwrap_or_default());
            assert!(d.contains("/Dest"), "an outline entry leads somewhere: {d}");
            next = value(d, "/Next").and_then(|v| refs(&v).first().copied());
        }
        out
    }

    /// How many fonts are described, and how many of them are embedded (a FontFile2).
    pub fn fonts(&self) -> (usize, usize) {
        let descriptors: Vec<&String> = self.objects.values().filter(|d| d.contains("/Type/FontDescriptor")).collect();
        (descriptors.len(), descriptors.iter().filter(|d| d.contains("/FontFile2 ")).count())
    }
}

/// The raw value after `key` in a dictionary: an array, a reference, a string or a number.
fn value(dict: &str, key: &str) -> Option<String> {
    let at = dict.find(key)? + key.len();
    let rest = dict.get(at..)?;
    let rest = rest.trim_start();
    if rest.starts_with('[') {
        let end = rest.find(']')?;
        return rest.get(..=end).map(str::to_owned);
    }
    let end = rest.find(['/', '>']).unwrap_or(rest.len());
    let first = rest.get(..end)?;
    if first.starts_with('(') {
        let close = rest.find(')')?;
        return rest.get(..=close).map(str::to_owned);
    }
    Some(first.trim().to_owned())
}

fn refs(v: &str) -> Vec<u32> {
    let tokens: Vec<&str> = v.trim_matches(['[', ']']).split_whitespace().collect();
    tokens.windows(3).filter(|w| w[2] == "R").filter_map(|w| w[0].parse().ok()).collect()
}

fn name(dict: &str, key: &str) -> Option<String> {
    let at = dict.find(&format!("{key}/"))? + key.len() + 1;
    let rest = dict.get(at..)?;
    let end = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
    rest.get(..end).map(str::to_owned)
}

/// A text string: `(ASCII)` or `<FEFF…>` (UTF-16 with its byte order mark).
fn string(dict: &str, key: &str) -> Option<String> {
    let at = dict.find(&format!("{key}(")).or_else(|| dict.find(&format!("{key}<FEFF")))? + key.len();
    let rest = dict.get(at..)?;
    if let Some(lit) = rest.strip_prefix('(') {
        return Some(lit.get(..lit.find(')')?)?.replace("\\(", "(").replace("\\)", ")"));
    }
    let hex = rest.strip_prefix("<FEFF")?;
    let hex = hex.get(..hex.find('>')?)?;
    let units: Vec<u16> =
        (0..hex.len() / 4).filter_map(|i| u16::from_str_radix(hex.get(i * 4..i * 4 + 4)?, 16).ok()).collect();
    Some(String::from_utf16_lossy(&units))
}

/// What PDF/UA-1 asks that the file shows: the identifier in the XMP metadata, the document
/// language, the title shown, the marked flag, a structure tree whose marked content runs in
/// reading order, every font embedded, an outline with the H1 headings.
pub fn assert_pdf_ua(pdf: &Pdf, lang: &str) -> Vec<Elem> {
    let text = pdf.text();
    assert!(text.starts_with("%PDF-1.7") && text.trim_end().ends_with("%%EOF"));
    assert!(text.contains("<pdfuaid:part>1</pdfuaid:part>"), "the PDF/UA-1 identifier in the XMP metadata");
    let catalog = pdf.catalog();
    assert!(catalog.contains(&format!("/Lang({lang})")), "the document language: {catalog}");
    assert!(catalog.contains("/StructTreeRoot") && catalog.contains("/Marked true"), "{catalog}");
    assert!(catalog.contains("/DisplayDocTitle true") && catalog.contains("/Outlines"), "{catalog}");
    let (described, embedded) = pdf.fonts();
    assert!(described > 0 && embedded == described, "every font embedded: {described} {embedded}");
    assert!(!text.contains("/BaseFont/Helvetica") && !text.contains("/BaseFont/Courier"), "no standard font");
    let elems = pdf.structure();
    assert_eq!(elems.first().map(|e| e.role.as_str()), Some("Document"), "{elems:?}");
    // Reading order: the marked content of the elements, taken in tree order, is the order
    // in which it is drawn (ids rise, starting again on each page).
    let ids: Vec<u32> = elems.iter().flat_map(|e| e.mcids.clone()).collect();
    assert!(!ids.is_empty());
    let restarts = ids.windows(2).filter(|w| w[1] <= w[0]).count();
    assert!(ids.windows(2).all(|w| w[1] == w[0] + 1 || w[1] == 0), "reading order: {ids:?}");
    let pages = text.matches("/Type/Page/").count();
    assert!(restarts < pages.max(1), "one run a page: {restarts} {pages}");
    let headings: Vec<String> =
        elems.iter().filter(|e| e.role == "H1").map(|e| e.title.clone().unwrap_or_default()).collect();
    assert!(!headings.is_empty(), "an H1");
    assert_eq!(pdf.outline(), headings, "the outline has the headings");
    elems
}
