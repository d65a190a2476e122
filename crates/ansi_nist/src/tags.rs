//! Field numbers and mnemonics of the fields this crate knows by name, so errors and accessors
//! can say `14.006 HLL` rather than a bare number.

/// Field 001 of every tagged record: the record's length in bytes.
pub const LEN: u16 = 1;
/// Field 002 of every record but Type-1: the information designation character.
pub const IDC: u16 = 2;
/// Field 999 of records that carry data (images): the binary data, always last.
pub const DATA: u16 = 999;

/// Type-1 fields (transaction information).
pub mod type1 {
    /// 1.002 VER: version of the standard ("0500" for ANSI/NIST-ITL 1-2011).
    pub const VER: u16 = 2;
    /// 1.003 CNT: the transaction's content listing.
    pub const CNT: u16 = 3;
    /// 1.004 TOT: type of transaction.
    pub const TOT: u16 = 4;
    /// 1.005 DAT: date (YYYYMMDD).
    pub const DAT: u16 = 5;
    /// 1.006 PRY: priority (1 highest to 9).
    pub const PRY: u16 = 6;
    /// 1.007 DAI: destination agency identifier.
    pub const DAI: u16 = 7;
    /// 1.008 ORI: originating agency identifier.
    pub const ORI: u16 = 8;
    /// 1.009 TCN: transaction control number.
    pub const TCN: u16 = 9;
    /// 1.010 TCR: transaction control reference (the TCN this answers).
    pub const TCR: u16 = 10;
    /// 1.011 NSR: native scanning resolution (pixels per mm, "00.00" without images).
    pub const NSR: u16 = 11;
    /// 1.012 NTR: nominal transmitting resolution.
    pub const NTR: u16 = 12;
    /// 1.013 DOM: domain name (name US version).
    pub const DOM: u16 = 13;
    /// 1.014 GMT: Greenwich mean time (YYYYMMDDhhmmssZ).
    pub const GMT: u16 = 14;
    /// 1.015 DCS: directory of character sets.
    pub const DCS: u16 = 15;
}

/// Type-9 fields used here (the INCITS 378 block, 9.126 to 9.137).
pub mod type9 {
    /// 9.003 IMP: impression type.
    pub const IMP: u16 = 3;
    /// 9.004 FMT: minutiae format ("S" standard, "U" user-defined).
    pub const FMT: u16 = 4;
    /// 9.126 CBI: CBEFF information (format owner US format type).
    pub const CBI: u16 = 126;
    /// 9.127 CEI: capture equipment identification.
    pub const CEI: u16 = 127;
    /// 9.128 HLL: horizontal line length (image width, pixels).
    pub const HLL: u16 = 128;
    /// 9.129 VLL: vertical line length (image height, pixels).
    pub const VLL: u16 = 129;
    /// 9.130 SLC: scale units (1 pixels per inch, 2 per centimetre).
    pub const SLC: u16 = 130;
    /// 9.131 THPS: transmitted horizontal pixel scale.
    pub const THPS: u16 = 131;
    /// 9.132 TVPS: transmitted vertical pixel scale.
    pub const TVPS: u16 = 132;
    /// 9.133 FVW: finger view number.
    pub const FVW: u16 = 133;
    /// 9.134 FGP: finger position.
    pub const FGP: u16 = 134;
    /// 9.135 FQD: finger quality data.
    pub const FQD: u16 = 135;
    /// 9.136 NOM: number of minutiae.
    pub const NOM: u16 = 136;
    /// 9.137 FMD: finger minutiae data, one subfield a minutia.
    pub const FMD: u16 = 137;
}

/// Type-14 fields (variable-resolution fingerprint image).
pub mod type14 {
    /// 14.003 IMP: impression type.
    pub const IMP: u16 = 3;
    /// 14.004 SRC: source agency.
    pub const SRC: u16 = 4;
    /// 14.005 FCD: fingerprint capture date (YYYYMMDD).
    pub const FCD: u16 = 5;
    /// 14.006 HLL: horizontal line length (pixels).
    pub const HLL: u16 = 6;
    /// 14.007 VLL: vertical line length (pixels).
    pub const VLL: u16 = 7;
    /// 14.008 SLC: scale units.
    pub const SLC: u16 = 8;
    /// 14.009 THPS: transmitted horizontal pixel scale.
    pub const THPS: u16 = 9;
    /// 14.010 TVPS: transmitted vertical pixel scale.
    pub const TVPS: u16 = 10;
    /// 14.011 CGA: compression algorithm.
    pub const CGA: u16 = 11;
    /// 14.012 BPX: bits per pixel.
    pub const BPX: u16 = 12;
    /// 14.013 FGP: friction ridge generalized position.
    pub const FGP: u16 = 13;
}

/// The mnemonic of a field this crate knows, for messages.
#[must_use]
pub fn mnemonic(record_type: u8, field: u16) -> Option<&'static str> {
    if field == LEN {
        return Some("LEN");
    }
    let name = match (record_type, field) {
        (1, 2) => "VER",
        (1, 3) => "CNT",
        (1, 4) => "TOT",
        (1, 5) => "DAT",
        (1, 6) => "PRY",
        (1, 7) => "DAI",
        (1, 8) => "ORI",
        (1, 9) => "TCN",
        (1, 10) => "TCR",
        (1, 11) => "NSR",
        (1, 12) => "NTR",
        (1, 13) => "DOM",
        (1, 14) => "GMT",
        (1, 15) => "DCS",
        (_, 2) => "IDC",
        (9 | 14, 3) => "IMP",
        (9, 4) => "FMT",
        (9, 126) => "CBI",
        (9, 127) => "CEI",
        (9, 128) => "HLL",
        (9, 129) => "VLL",
        (9, 130) => "SLC",
        (9, 131) => "THPS",
        (9, 132) => "TVPS",
        (9, 133) => "FVW",
        (9, 134) => "FGP",
        (9, 135) => "FQD",
        (9, 136) => "NOM",
        (9, 137) => "FMD",
        (14, 4) => "SRC",
        (14, 5) => "FCD",
        (14, 6) => "HLL",
        (14, 7) => "VLL",
        (14, 8) => "SLC",
        (14, 9) => "THPS",
        (14, 10) => "TVPS",
        (14, 11) => "CGA",
        (14, 12) => "BPX",
        (14, 13) => "FGP",
        (t, DATA) if carries_data(t) => "DATA",
        _ => return None,
    };
    Some(name)
}

/// Whether field 999 of this record type is binary data (every tagged type but 1 and 2).
#[must_use]
pub fn carries_data(record_type: u8) -> bool {
    record_type >= 9
}

/// Whether this record type is a binary record (types 3 to 8: 4-byte length, no tags).
#[must_use]
pub fn is_binary(record_type: u8) -> bool {
    (3..=8).contains(&record_type)
}

/// Whether this record type is a tagged record (1, 2, and 9 to 99).
#[must_use]
pub fn is_tagged(record_type: u8) -> bool {
    matches!(record_type, 1 | 2 | 9..=99)
}
