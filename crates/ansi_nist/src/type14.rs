//! Type-14, the variable-resolution fingerprint image: the image kept as given (bytes, never
//! decoded) with its compression label, size, resolution and finger positions.

use crate::error::{BuildError, Error};
use crate::record::{TaggedRecord, Transaction, Value};
use crate::tags::DATA;
use crate::tags::type14::{BPX, CGA, FCD, FGP, HLL, IMP, SLC, SRC, THPS, TVPS, VLL};
use crate::view::{Date, Reader, narrow};

/// 14.011 CGA: how the image bytes are compressed (Table 15 of the standard). Any other label is
/// kept as given.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Compression {
    /// `NONE`: uncompressed pixels.
    None,
    /// `WSQ20`: wavelet scalar quantization, FBI specification 2.0 and later.
    Wsq20,
    /// `JPEGB`: baseline JPEG.
    JpegB,
    /// `JPEGL`: lossless JPEG.
    JpegL,
    /// `JP2`: JPEG 2000, lossy.
    Jp2,
    /// `JP2L`: JPEG 2000, lossless.
    Jp2L,
    /// `PNG`: Portable Network Graphics.
    Png,
    /// Another label (1 to 5 letters or digits), kept as given.
    Other(String),
}

impl Compression {
    /// The label as 14.011 writes it.
    #[must_use]
    pub fn label(&self) -> &str {
        match self {
            Self::None => "NONE",
            Self::Wsq20 => "WSQ20",
            Self::JpegB => "JPEGB",
            Self::JpegL => "JPEGL",
            Self::Jp2 => "JP2",
            Self::Jp2L => "JP2L",
            Self::Png => "PNG",
            Self::Other(label) => label,
        }
    }

    /// Reads a label; `None` unless it is 1 to 5 letters or digits.
    #[must_use]
    pub fn parse(label: &str) -> Option<Self> {
        Some(match label {
            "NONE" => Self::None,
            "WSQ20" => Self::Wsq20,
            "JPEGB" => Self::JpegB,
            "JPEGL" => Self::JpegL,
            "JP2" => Self::Jp2,
            "JP2L" => Self::Jp2L,
            "PNG" => Self::Png,
            other if (1..=5).contains(&other.len()) && other.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                Self::Other(other.to_owned())
            }
            _ => return None,
        })
    }
}

/// The Type-14 fields CRIS reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FingerprintImage {
    /// 14.002 IDC.
    pub idc: u8,
    /// 14.003 IMP: impression type (0 live-scan plain, 1 live-scan rolled, 2 nonlive plain, ...).
    pub impression: u8,
    /// 14.004 SRC: the agency that captured the image.
    pub source: String,
    /// 14.005 FCD: the date the image was captured.
    pub capture_date: Option<Date>,
    /// 14.006 HLL: width in pixels.
    pub width: u32,
    /// 14.007 VLL: height in pixels.
    pub height: u32,
    /// 14.008 SLC: scale units (0 none, 1 pixels per inch, 2 pixels per centimetre).
    pub scale_units: u8,
    /// 14.009 THPS: horizontal pixel scale.
    pub horizontal_scale: u32,
    /// 14.010 TVPS: vertical pixel scale.
    pub vertical_scale: u32,
    /// 14.011 CGA: the compression label.
    pub compression: Compression,
    /// 14.012 BPX: bits per pixel.
    pub bits_per_pixel: u8,
    /// 14.013 FGP: friction ridge positions (one subfield each; 1 right thumb ... 10 left little,
    /// 13 and 14 plain slaps, 0 unknown).
    pub positions: Vec<u8>,
    /// 14.999 DATA: the image, as given.
    pub data: Vec<u8>,
}

impl FingerprintImage {
    /// Reads a Type-14 record (`index` is its position in the transaction, for errors).
    ///
    /// # Errors
    /// A missing mandatory field or a field that breaks its rule, named.
    pub fn from_record(record: &TaggedRecord, index: usize) -> Result<Self, Error> {
        let r = Reader::new(record, index);
        if record.record_type() != 14 {
            return Err(r.invalid(crate::tags::IDC, "belongs to a record that is not Type-14"));
        }
        let label = r.text(CGA)?;
        let compression = Compression::parse(label)
            .ok_or_else(|| r.invalid(CGA, format!("is not a compression label: {label:?}")))?;
        let mut positions = Vec::new();
        let Some(fgp) = record.value(FGP) else {
            return Err(crate::error::Error::field(r.rec, FGP, crate::error::ErrorKind::Missing));
        };
        for (s, subfield) in fgp.subfields_iter().enumerate() {
            let p = subfield.item_str(0).and_then(|t| crate::view::parse_number(t, 0, 99));
            match p {
                Some(p) if s < 6 => positions.push(narrow(p)),
                Some(_) => return Err(r.invalid(FGP, "lists more than 6 positions")),
                None => return Err(r.invalid(FGP, format!("subfield {} is not a position from 0 to 99", s + 1))),
            }
        }
        let data = match record.value(DATA) {
            Some(Value::Binary(b)) => b.clone(),
            _ => return Err(crate::error::Error::field(r.rec, DATA, crate::error::ErrorKind::Missing)),
        };
        Ok(Self {
            idc: record.idc().unwrap_or_default(),
            impression: narrow(r.number(IMP, 0, 99)?),
            source: r.bounded(SRC, 35)?.to_owned(),
            capture_date: r.date_opt(FCD)?,
            width: r.number(HLL, 10, 99_999)?,
            height: r.number(VLL, 10, 99_999)?,
            scale_units: narrow(r.number(SLC, 0, 2)?),
            horizontal_scale: r.number(THPS, 1, 99_999)?,
            vertical_scale: r.number(TVPS, 1, 99_999)?,
            compression,
            bits_per_pixel: narrow(r.number(BPX, 1, 99)?),
            positions,
            data,
        })
    }

    /// The Type-14 record holding these fields.
    ///
    /// # Errors
    /// If a text holds a separator byte or the IDC is over 99.
    pub fn to_record(&self) -> Result<TaggedRecord, BuildError> {
        let out = |field, reason| Err(BuildError::OutOfRange { field, reason });
        if self.positions.is_empty() || self.positions.len() > 6 || self.positions.iter().any(|p| *p > 99) {
            return out("14.013 FGP", "lists 1 to 6 positions from 0 to 99");
        }
        if self.impression > 99 || self.scale_units > 2 || self.bits_per_pixel == 0 || self.bits_per_pixel > 99 {
            return out("14.003 IMP, 14.008 SLC or 14.012 BPX", "is outside 0-99, 0-2 or 1-99");
        }
        let dims = [self.width, self.height];
        let scales = [self.horizontal_scale, self.vertical_scale];
        if dims.iter().any(|d| !(10..=99_999).contains(d)) || scales.iter().any(|s| !(1..=99_999).contains(s)) {
            return out("14.006 HLL to 14.010 TVPS", "is outside 10-99999 (size) or 1-99999 (scale)");
        }
        let mut r = TaggedRecord::new(14, self.idc)?;
        r.set_text(IMP, &self.impression.to_string())?
            .set_text(SRC, &self.source)?
            .set_text(HLL, &self.width.to_string())?
            .set_text(VLL, &self.height.to_string())?
            .set_text(SLC, &self.scale_units.to_string())?
            .set_text(THPS, &self.horizontal_scale.to_string())?
            .set_text(TVPS, &self.vertical_scale.to_string())?
            .set_text(CGA, self.compression.label())?
            .set_text(BPX, &self.bits_per_pixel.to_string())?
            .set(FGP, Value::subfields(self.positions.iter().map(|p| [p.to_string()]))?)?
            .set(DATA, Value::Binary(self.data.clone()))?;
        if let Some(date) = self.capture_date {
            r.set_text(FCD, &date.to_string())?;
        }
        Ok(r)
    }
}

impl Transaction {
    /// Every Type-14 record, read, in order.
    ///
    /// # Errors
    /// The first record that does not read, named.
    pub fn fingerprint_images(&self) -> Result<Vec<FingerprintImage>, Error> {
        self.tagged_of_type(14).map(|(index, r)| FingerprintImage::from_record(r, index)).collect()
    }
}
