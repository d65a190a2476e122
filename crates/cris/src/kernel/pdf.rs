//! Tagged PDF, the one writer of what CRIS prints (the appointment notice, the response letters),
//! meeting PDF/UA-1 (ISO 14289-1) as Section 508 asks. Built on `krilla`, which embeds and subsets
//! the fonts, writes the structure tree, the role map, the document language, the title (shown in
//! the reader's title bar), XMP metadata with `pdfuaid:part` 1, and refuses to finish a document
//! that breaks a rule it can check (no title, a figure without alternative text, a character
//! without its Unicode value): every PDF here is written with krilla's PDF/UA-1 validator on.
//!
//! Callers describe a document as blocks (a heading, a paragraph, a figure with its alternative
//! text) in reading order, and what each draws where; decoration is drawn as artifacts, outside
//! the structure. The fonts are Liberation Sans and Liberation Mono (SIL Open Font License 1.1,
//! `fonts/LICENSE`), metric-compatible with Helvetica and Courier, so layouts measured for those
//! stay right.

use std::num::NonZeroU16;
use std::sync::OnceLock;

use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::tagging::{Artifact, ArtifactType, ContentTag, Node, SpanTag, Tag, TagGroup, TagTree};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Document, SerializeSettings};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

/// The faces a document may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    /// Liberation Sans (Helvetica's metrics).
    Sans,
    /// Liberation Sans Bold.
    SansBold,
    /// Liberation Mono (Courier's metrics: every character 0.6 em).
    Mono,
    /// Liberation Mono Bold.
    MonoBold,
}

impl Face {
    fn bytes(self) -> &'static [u8] {
        match self {
            Face::Sans => include_bytes!("../../fonts/LiberationSans-Regular.ttf"),
            Face::SansBold => include_bytes!("../../fonts/LiberationSans-Bold.ttf"),
            Face::Mono => include_bytes!("../../fonts/LiberationMono-Regular.ttf"),
            Face::MonoBold => include_bytes!("../../fonts/LiberationMono-Bold.ttf"),
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A font loaded once: krilla's handle and what laying out text needs.
struct Loaded {
    font: Font,
    data: &'static [u8],
    units_per_em: f32,
}

fn loaded(face: Face) -> Option<&'static Loaded> {
    static FONTS: OnceLock<Vec<Option<Loaded>>> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        [Face::Sans, Face::SansBold, Face::Mono, Face::MonoBold]
            .into_iter()
            .map(|f| {
                let data = f.bytes();
                let font = Font::new(data.into(), 0)?;
                let upem =
                    skrifa::FontRef::new(data).ok()?.metrics(Size::unscaled(), LocationRef::default()).units_per_em;
                Some(Loaded { font, data, units_per_em: f32::from(upem) })
            })
            .collect()
    });
    fonts.get(face.index()).and_then(Option::as_ref)
}

/// The glyphs of `text` in `face` (one a character, no shaping: the Latin text CRIS prints needs
/// none), with advances in ems. A character the font lacks is drawn as `?`, so that no glyph is
/// `.notdef` (PDF/UA-1 7.21.7).
fn glyphs(l: &Loaded, text: &str) -> Vec<KrillaGlyph> {
    let Ok(font) = skrifa::FontRef::new(l.data) else { return Vec::new() };
    let (charmap, metrics) = (font.charmap(), font.glyph_metrics(Size::unscaled(), LocationRef::default()));
    let fallback = charmap.map('?');
    text.char_indices()
        .filter_map(|(at, c)| {
            let id = charmap.map(c).or(fallback)?;
            let advance = metrics.advance_width(id).unwrap_or(0.0) / l.units_per_em;
            Some(KrillaGlyph::new(GlyphId::new(id.to_u32()), advance, 0.0, 0.0, 0.0, at..at + c.len_utf8(), None))
        })
        .collect()
}

/// What `text` replaces so that every character drawn is one the font holds (see [`glyphs`]).
pub fn printable(face: Face, text: &str) -> String {
    let Some(l) = loaded(face) else { return text.to_owned() };
    let Ok(font) = skrifa::FontRef::new(l.data) else { return text.to_owned() };
    let charmap = font.charmap();
    text.chars().map(|c| if charmap.map(c).is_some() { c } else { '?' }).collect()
}

/// The width of `text` in points.
pub fn width(face: Face, size: f32, text: &str) -> f32 {
    loaded(face).map_or(0.0, |l| glyphs(l, text).iter().map(|g| g.x_advance).sum::<f32>() * size)
}

/// A block of the structure tree, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// The document's heading (its text is also the heading's title, as PDF/UA-1 asks).
    H1(String),
    /// A paragraph (a label, a value, a line of an address, a paragraph of a letter).
    P,
    /// A figure, with its alternative text.
    Figure(String),
}

/// What a page draws. Coordinates are PDF points from the page's bottom-left corner.
#[derive(Debug, Clone)]
enum Mark {
    /// A line of text of a block, its baseline starting at (x, y).
    Text { block: usize, face: Face, size: f32, x: f32, y: f32, text: String },
    /// A filled black rectangle of a block (the bars of a barcode).
    Rect { block: usize, x: f32, y: f32, w: f32, h: f32 },
    /// Decoration or pagination, outside the structure tree.
    Artifact { kind: ArtifactKind, what: Box<Mark> },
}

/// Why something is outside the structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArtifactKind {
    /// Layout: a rule, a frame.
    Layout,
    /// Pagination: a page number.
    Pagination,
}

/// Why a PDF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// A font did not load (a damaged build).
    #[error("the embedded font could not be loaded")]
    Font,
    /// krilla refused: a PDF/UA-1 rule it checks is broken, or a limit of PDF is exceeded.
    #[error("the PDF was refused: {0}")]
    Refused(String),
}

/// A tagged document being described; [`Writer::finish`] writes it.
#[derive(Debug, Clone)]
pub struct Writer {
    title: String,
    lang: String,
    size: (f32, f32),
    blocks: Vec<Role>,
    pages: Vec<Vec<Mark>>,
}

/// US Letter, in points.
pub const LETTER: (f32, f32) = (612.0, 792.0);

impl Writer {
    /// A document titled `title` in the language `lang` (BCP 47), with pages of `size` points.
    pub fn new(title: &str, lang: &str, size: (f32, f32)) -> Writer {
        Writer { title: title.to_owned(), lang: lang.to_owned(), size, blocks: Vec::new(), pages: vec![Vec::new()] }
    }

    /// Starts another page.
    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
    }

    /// Opens the next block in reading order; returns its number for what it draws.
    pub fn block(&mut self, role: Role) -> usize {
        self.blocks.push(role);
        self.blocks.len() - 1
    }

    fn mark(&mut self, m: Mark) {
        if let Some(page) = self.pages.last_mut() {
            page.push(m);
        }
    }

    /// A line of `block` with its baseline starting at (x, y).
    pub fn text(&mut self, block: usize, (face, size): (Face, f32), (x, y): (f32, f32), text: &str) {
        self.mark(Mark::Text { block, face, size, x, y, text: text.to_owned() });
    }

    /// A filled rectangle of `block`, its lower-left corner at (x, y).
    pub fn rect(&mut self, block: usize, (x, y): (f32, f32), (w, h): (f32, f32)) {
        self.mark(Mark::Rect { block, x, y, w, h });
    }

    /// A line of text outside the structure (a page number).
    pub fn artifact_text(&mut self, kind: ArtifactKind, (face, size): (Face, f32), (x, y): (f32, f32), text: &str) {
        let what = Box::new(Mark::Text { block: usize::MAX, face, size, x, y, text: text.to_owned() });
        self.mark(Mark::Artifact { kind, what });
    }

    /// A filled rectangle outside the structure (a rule).
    pub fn artifact_rect(&mut self, kind: ArtifactKind, (x, y): (f32, f32), (w, h): (f32, f32)) {
        let what = Box::new(Mark::Rect { block: usize::MAX, x, y, w, h });
        self.mark(Mark::Artifact { kind, what });
    }

    /// The blocks, in reading order.
    pub fn roles(&self) -> &[Role] {
        &self.blocks
    }

    /// The text of each block's lines, in the order drawn: (block, text).
    pub fn texts(&self) -> Vec<(usize, &str)> {
        self.pages
            .iter()
            .flatten()
            .filter_map(|m| match m {
                Mark::Text { block, text, .. } => Some((*block, text.as_str())),
                _ => None,
            })
            .collect()
    }

    /// Writes the document, checked against PDF/UA-1 by krilla (and here: a title and every
    /// figure's words must not be blank).
    pub fn finish(self) -> Result<Vec<u8>, PdfError> {
        if self.title.trim().is_empty() {
            return Err(PdfError::Refused("a document needs a title".into()));
        }
        if self.blocks.iter().any(|r| matches!(r, Role::Figure(alt) if alt.trim().is_empty())) {
            return Err(PdfError::Refused("a figure needs its alternative text".into()));
        }
        for face in [Face::Sans, Face::SansBold, Face::Mono, Face::MonoBold] {
            loaded(face).ok_or(PdfError::Font)?;
        }
        let configuration = ConfigurationBuilder::new()
            .with_accessibility_validator(Accessibility::UA1)
            .finish()
            .map_err(|e| PdfError::Refused(format!("{e:?}")))?;
        let settings = SerializeSettings {
            configuration,
            enable_tagging: true,
            xmp_metadata: true,
            compress_content_streams: true,
            ..SerializeSettings::default()
        };
        let mut document = Document::new_with(settings);
        // Each block's marked-content sequences, in the order drawn.
        let mut groups: Vec<Vec<Node>> = vec![Vec::new(); self.blocks.len()];
        let Some(page_settings) = PageSettings::from_wh(self.size.0, self.size.1) else {
            return Err(PdfError::Refused("page size".into()));
        };
        let height = self.size.1;
        for marks in &self.pages {
            let mut page = document.start_page_with(page_settings.clone());
            let mut surface = page.surface();
            // Consecutive marks of one block share one marked-content sequence.
            let mut open: Option<usize> = None;
            for m in marks {
                let block = match m {
                    Mark::Text { block, .. } | Mark::Rect { block, .. } => Some(*block),
                    Mark::Artifact { .. } => None,
                };
                if open.is_some() && open != block {
                    surface.end_tagged();
                    open = None;
                }
                match (m, block) {
                    (Mark::Artifact { kind, what }, _) => {
                        let kind = match kind {
                            ArtifactKind::Layout => ArtifactType::Layout,
                            ArtifactKind::Pagination => ArtifactType::PageNumber,
                        };
                        surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(kind)));
                        draw(&mut surface, what, height);
                        surface.end_tagged();
                    }
                    (m, Some(b)) => {
                        if open.is_none() {
                            let tag = match self.blocks.get(b) {
                                Some(Role::Figure(_)) => ContentTag::Other,
                                _ => ContentTag::Span(SpanTag::empty()),
                            };
                            let id = surface.start_tagged(tag);
                            if let Some(g) = groups.get_mut(b) {
                                g.push(id.into());
                            }
                            open = Some(b);
                        }
                        draw(&mut surface, m, height);
                    }
                    (_, None) => {}
                }
            }
            if open.is_some() {
                surface.end_tagged();
            }
            surface.finish();
            page.finish();
        }
        let mut tree = TagTree::new().with_lang(Some(self.lang.clone()));
        for (role, children) in self.blocks.iter().zip(groups) {
            let kind: krilla::tagging::TagKind = match role {
                Role::H1(title) => Tag::Hn(NonZeroU16::MIN, Some(title.clone())).into(),
                Role::P => Tag::P.into(),
                Role::Figure(alt) => Tag::Figure(Some(alt.clone())).into(),
            };
            tree.push(TagGroup::with_children(kind, children));
        }
        document.set_tag_tree(tree);
        document.set_outline(self.outline());
        document.set_metadata(
            Metadata::new().title(self.title.clone()).language(self.lang.clone()).producer("CRIS".to_owned()),
        );
        document.finish().map_err(|e| PdfError::Refused(format!("{e:?}")))
    }
}

impl Writer {
    /// The document outline (bookmarks), which PDF/UA-1 asks for: one entry for each heading,
    /// in reading order, leading to where the heading's first line is drawn (the top of the
    /// first page for a heading not drawn).
    fn outline(&self) -> Outline {
        let mut outline = Outline::new();
        for (b, role) in self.blocks.iter().enumerate() {
            let Role::H1(title) = role else { continue };
            let at = self.pages.iter().enumerate().find_map(|(page, marks)| {
                marks.iter().find_map(|m| match m {
                    Mark::Text { block, size, x, y, .. } if *block == b => {
                        Some((page, Point::from_xy(*x, (self.size.1 - *y - *size).max(0.0))))
                    }
                    _ => None,
                })
            });
            let (page, point) = at.unwrap_or((0, Point::from_xy(0.0, 0.0)));
            outline.push_child(OutlineNode::new(title.clone(), XyzDestination::new(page, point)));
        }
        if outline_is_empty(&self.blocks) {
            // A document without a heading still gets its title as the one bookmark.
            outline.push_child(OutlineNode::new(self.title.clone(), XyzDestination::new(0, Point::from_xy(0.0, 0.0))));
        }
        outline
    }
}

fn outline_is_empty(blocks: &[Role]) -> bool {
    !blocks.iter().any(|r| matches!(r, Role::H1(_)))
}

/// Draws one mark on the surface (krilla's y runs down from the top).
fn draw(surface: &mut Surface<'_>, m: &Mark, height: f32) {
    match m {
        Mark::Text { face, size, x, y, text, .. } => {
            let Some(l) = loaded(*face) else { return };
            let text = printable(*face, text);
            let glyphs = glyphs(l, &text);
            surface.draw_glyphs(Point::from_xy(*x, height - *y), &glyphs, l.font.clone(), &text, *size, false);
        }
        Mark::Rect { x, y, w, h, .. } => {
            let mut path = PathBuilder::new();
            if let Some(r) = Rect::from_xywh(*x, height - *y - *h, *w, *h) {
                path.push_rect(r);
            }
            if let Some(path) = path.finish() {
                surface.set_fill(Some(krilla::paint::Fill::default()));
                surface.draw_path(&path);
            }
        }
        Mark::Artifact { what, .. } => draw(surface, what, height),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// What PDF/UA-1 asks that can be read back from the file: the PDF/UA identifier and the
    /// title in the XMP metadata, the title shown, the language, the marked flag, a structure
    /// tree, and every font embedded (a font file for each font descriptor).
    pub(crate) fn assert_pdf_ua(pdf: &str, lang: &str, title: &str) {
        assert!(pdf.starts_with("%PDF-1.7"), "PDF 1.7, as PDF/UA-1 is written against");
        assert!(pdf.contains("<pdfuaid:part>1</pdfuaid:part>"), "the PDF/UA-1 identifier in the XMP metadata");
        assert!(pdf.contains("<dc:title>") && pdf.contains(title), "the title in the XMP metadata");
        assert!(pdf.contains(&format!("/Lang({lang})")), "the document language");
        assert!(pdf.contains("/DisplayDocTitle true") && pdf.contains("/Marked true"));
        assert!(pdf.contains("/Type/StructTreeRoot") && pdf.contains("/ParentTree"), "a structure tree");
        let descriptors = pdf.matches("/Type/FontDescriptor").count();
        assert!(descriptors > 0, "fonts are described");
        assert_eq!(pdf.matches("/FontFile2").count(), descriptors, "every font is embedded");
        assert!(pdf.contains("/Outlines") && pdf.contains("/Type/Outlines"), "a document outline");
        assert!(pdf.contains(&format!("/Title{}", text_str(title))), "the heading is a bookmark");
        assert!(!pdf.contains("/BaseFont/Helvetica") && !pdf.contains("/BaseFont/Courier"), "no standard font");
    }

    /// How a text string is written in the PDF: bare ASCII, or UTF-16 with its byte order mark.
    pub(crate) fn text_str(s: &str) -> String {
        if s.bytes().all(|b| matches!(b, 32..=126)) {
            format!("({s})")
        } else {
            let hex: String = s.encode_utf16().map(|u| format!("{u:04X}")).collect();
            format!("<FEFF{hex}>")
        }
    }

    // Section 508 / PDF/UA-1: a document that cannot meet it is refused, not written.
    #[test]
    fn a_figure_without_words_or_a_document_without_a_title_is_refused() {
        let mut w = Writer::new("", "en", LETTER);
        let b = w.block(Role::P);
        w.text(b, (Face::Sans, 12.0), (72.0, 700.0), "Hello");
        assert!(matches!(w.finish(), Err(PdfError::Refused(_))), "no title");
        let mut w = Writer::new("Title", "en", LETTER);
        let f = w.block(Role::Figure(" ".into()));
        w.rect(f, (72.0, 600.0), (10.0, 10.0));
        assert!(matches!(w.finish(), Err(PdfError::Refused(_))), "a figure without words");
    }

    // PDF/UA-1: every character drawn has a glyph and its Unicode value; what the font lacks
    // is drawn as `?`; widths follow the fonts' metrics (Courier's 0.6 em for Mono).
    #[test]
    fn text_is_measured_and_kept_printable() {
        assert_eq!(printable(Face::Sans, "Señora ¿Núñez? ✓"), "Señora ¿Núñez? ?");
        assert!((width(Face::Mono, 10.0, "abcd") - 24.0).abs() < 0.01);
        let mut w = Writer::new("Título", "es", LETTER);
        let h = w.block(Role::H1("Título".into()));
        w.text(h, (Face::SansBold, 20.0), (72.0, 700.0), "Título ✓");
        w.artifact_text(ArtifactKind::Pagination, (Face::Mono, 9.0), (500.0, 36.0), "1 / 1");
        w.artifact_rect(ArtifactKind::Layout, (72.0, 690.0), (400.0, 1.0));
        let pdf = String::from_utf8_lossy(&w.finish().unwrap()).into_owned();
        assert_pdf_ua(&pdf, "es", "Título");
        assert!(pdf.contains("/S/H1"), "the heading");
    }
}
