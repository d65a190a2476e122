//! Type-9, minutiae: the INCITS 378 block of ANSI/NIST-ITL 1-2011 (fields 9.126 to 9.137), one
//! record per finger: image size and resolution, finger position, and each minutia's position,
//! angle, type and quality. This is what CRIS sends and matches; other Type-9 blocks (legacy
//! 9.005-9.012, vendor blocks, EFS 9.300+) stay reachable through the generic model.
//!
//! Units are INCITS 378's: coordinates in pixels from the image's top-left corner, x to the right
//! and y down; the angle in units of 2 degrees (0 to 179), counter-clockwise from the x axis.

use crate::error::{BuildError, Error, ErrorKind};
use crate::record::{TaggedRecord, Transaction, Value};
use crate::tags::type9::{CBI, FGP, FMD, FMT, HLL, IMP, NOM, SLC, THPS, TVPS, VLL};
use crate::view::{Reader, narrow, parse_number};

/// 9.126 CBI: CBEFF format owner 27 (INCITS Technical Committee M1), format type 513 (0x0201,
/// finger minutiae record format).
pub const CBEFF_INCITS_378: [&str; 2] = ["27", "513"];

/// The most minutiae a finger may carry here (INCITS 378 allows 255; the matcher reads 150).
pub const MAX_MINUTIAE: usize = 255;

/// 9.137 MMT: the kind of a minutia (INCITS 378 type codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MinutiaKind {
    /// 0: other or undetermined.
    Other,
    /// 1: a ridge ending.
    RidgeEnding,
    /// 2: a ridge bifurcation.
    Bifurcation,
}

impl MinutiaKind {
    fn code(self) -> u8 {
        match self {
            Self::Other => 0,
            Self::RidgeEnding => 1,
            Self::Bifurcation => 2,
        }
    }

    fn from_code(code: u32) -> Option<Self> {
        match code {
            0 => Some(Self::Other),
            1 => Some(Self::RidgeEnding),
            2 => Some(Self::Bifurcation),
            _ => None,
        }
    }
}

/// One minutia as 9.137 FMD writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Minutia {
    /// MXC: x in pixels (0 to HLL - 1).
    pub x: u16,
    /// MYC: y in pixels (0 to VLL - 1).
    pub y: u16,
    /// MAV: direction in units of 2 degrees (0 to 179).
    pub angle: u8,
    /// MMT: kind.
    pub kind: MinutiaKind,
    /// MQV: quality, 0 (unknown) to 100.
    pub quality: u8,
}

impl Minutia {
    /// The direction in whole degrees (0 to 358).
    #[must_use]
    pub fn degrees(&self) -> u16 {
        u16::from(self.angle) * 2
    }
}

/// The Type-9 fields CRIS reads and writes: one finger's minutiae.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FingerMinutiae {
    /// 9.002 IDC.
    pub idc: u8,
    /// 9.003 IMP: impression type.
    pub impression: u8,
    /// 9.128 HLL: width of the image the minutiae come from, pixels.
    pub width: u16,
    /// 9.129 VLL: height, pixels.
    pub height: u16,
    /// 9.130 SLC: scale units (1 pixels per inch, 2 per centimetre).
    pub scale_units: u8,
    /// 9.131 THPS: horizontal pixel scale.
    pub horizontal_scale: u16,
    /// 9.132 TVPS: vertical pixel scale.
    pub vertical_scale: u16,
    /// 9.134 FGP: finger position (1 right thumb to 10 left little, 0 unknown).
    pub finger: u8,
    /// 9.136 NOM and 9.137 FMD: the minutiae, in index order.
    pub minutiae: Vec<Minutia>,
}

impl FingerMinutiae {
    /// Reads a Type-9 record carrying the INCITS 378 block (`index` is its position, for errors).
    ///
    /// # Errors
    /// A missing mandatory field or a field that breaks its rule, named.
    pub fn from_record(record: &TaggedRecord, index: usize) -> Result<Self, Error> {
        let r = Reader::new(record, index);
        if record.record_type() != 9 {
            return Err(r.invalid(crate::tags::IDC, "belongs to a record that is not Type-9"));
        }
        let format = r.text(FMT)?;
        if format != "S" {
            return Err(r.invalid(FMT, format!("is {format:?}: only standard minutiae (S) are read")));
        }
        let cbi = record.value(CBI).ok_or_else(|| Error::field(r.rec, CBI, ErrorKind::Missing))?;
        let owner = cbi.item(0, 0).unwrap_or_default();
        let format_type = cbi.item(0, 1).unwrap_or_default();
        if owner != CBEFF_INCITS_378[0].as_bytes() || format_type != CBEFF_INCITS_378[1].as_bytes() {
            return Err(r.invalid(CBI, "is not CBEFF owner 27, format type 513 (INCITS 378 minutiae)"));
        }
        let width: u16 = narrow(r.number(HLL, 1, 65_535)?);
        let height: u16 = narrow(r.number(VLL, 1, 65_535)?);
        let count = usize::from(narrow::<u16>(r.number(NOM, 0, 255)?));
        let minutiae = match record.value(FMD) {
            None if count == 0 => Vec::new(),
            None => return Err(Error::field(r.rec, FMD, ErrorKind::Missing)),
            Some(fmd) => read_minutiae(&r, fmd, count, width, height)?,
        };
        Ok(Self {
            idc: record.idc().unwrap_or_default(),
            impression: narrow(r.number(IMP, 0, 99)?),
            width,
            height,
            scale_units: narrow(r.number(SLC, 0, 2)?),
            horizontal_scale: narrow(r.number(THPS, 1, 65_535)?),
            vertical_scale: narrow(r.number(TVPS, 1, 65_535)?),
            finger: narrow(r.number(FGP, 0, 10)?),
            minutiae,
        })
    }

    /// The Type-9 record holding these fields.
    ///
    /// # Errors
    /// If a value is outside its field's range or the IDC is over 99.
    pub fn to_record(&self) -> Result<TaggedRecord, BuildError> {
        let out = |field, reason| Err(BuildError::OutOfRange { field, reason });
        if self.minutiae.len() > MAX_MINUTIAE {
            return out("9.136 NOM", "is at most 255");
        }
        if self.impression > 99 || self.scale_units > 2 || self.finger > 10 {
            return out("9.003 IMP, 9.130 SLC or 9.134 FGP", "is outside 0-99, 0-2 or 0-10");
        }
        if [self.width, self.height, self.horizontal_scale, self.vertical_scale].contains(&0) {
            return out("9.128 HLL to 9.132 TVPS", "is 0");
        }
        let bad = |m: &Minutia| m.x >= self.width || m.y >= self.height || m.angle > 179 || m.quality > 100;
        if self.minutiae.iter().any(bad) {
            return out("9.137 FMD", "has a minutia outside the image, an angle over 179 or a quality over 100");
        }
        let mut r = TaggedRecord::new(9, self.idc)?;
        r.set_text(IMP, &self.impression.to_string())?
            .set_text(FMT, "S")?
            .set(CBI, Value::items(CBEFF_INCITS_378)?)?
            .set_text(HLL, &self.width.to_string())?
            .set_text(VLL, &self.height.to_string())?
            .set_text(SLC, &self.scale_units.to_string())?
            .set_text(THPS, &self.horizontal_scale.to_string())?
            .set_text(TVPS, &self.vertical_scale.to_string())?
            .set_text(FGP, &self.finger.to_string())?
            .set_text(NOM, &self.minutiae.len().to_string())?;
        if !self.minutiae.is_empty() {
            let subfields = self.minutiae.iter().enumerate().map(|(i, m)| {
                [
                    (i + 1).to_string(),
                    m.x.to_string(),
                    m.y.to_string(),
                    m.angle.to_string(),
                    m.kind.code().to_string(),
                    m.quality.to_string(),
                ]
            });
            r.set(FMD, Value::subfields(subfields)?)?;
        }
        Ok(r)
    }
}

/// Reads 9.137 FMD: `count` subfields of `index US x US y US angle US type US quality`.
fn read_minutiae(r: &Reader<'_>, fmd: &Value, count: usize, width: u16, height: u16) -> Result<Vec<Minutia>, Error> {
    let mut minutiae = Vec::new();
    for (i, subfield) in fmd.subfields_iter().enumerate() {
        if i >= count {
            return Err(r.invalid(FMD, format!("lists more minutiae than the {count} of 9.136 NOM")));
        }
        let items: Vec<Option<u32>> = subfield
            .items()
            .take(7)
            .map(|b| std::str::from_utf8(b).ok().and_then(|t| parse_number(t, 0, 65_535)))
            .collect();
        let minutia = match items.as_slice() {
            [Some(n), Some(x), Some(y), Some(a), Some(t), Some(q)]
                if *n as usize == i + 1
                    && *x < u32::from(width)
                    && *y < u32::from(height)
                    && *a <= 179
                    && *q <= 100 =>
            {
                MinutiaKind::from_code(*t).map(|kind| Minutia {
                    x: narrow(*x),
                    y: narrow(*y),
                    angle: narrow(*a),
                    kind,
                    quality: narrow(*q),
                })
            }
            _ => None,
        };
        let Some(minutia) = minutia else {
            return Err(r.invalid(
                FMD,
                format!(
                    "subfield {} is not index {} US x < HLL US y < VLL US angle 0-179 US type 0-2 US quality 0-100",
                    i + 1,
                    i + 1
                ),
            ));
        };
        minutiae.push(minutia);
    }
    if minutiae.len() != count {
        return Err(r.invalid(FMD, format!("lists {} minutiae but 9.136 NOM says {count}", minutiae.len())));
    }
    Ok(minutiae)
}

impl Transaction {
    /// Every Type-9 record, read as INCITS 378 minutiae, in order.
    ///
    /// # Errors
    /// The first record that does not read, named.
    pub fn finger_minutiae(&self) -> Result<Vec<FingerMinutiae>, Error> {
        self.tagged_of_type(9).map(|(index, r)| FingerMinutiae::from_record(r, index)).collect()
    }
}
