//! Identifiers that customers type and that other systems send: receipt numbers, A-Numbers and
//! USPS tracking numbers.
//!
//! Each is parsed once, where it enters the system, into a type that can only hold a valid value
//! in its canonical form; everything further in can rely on that and never re-checks. A malformed
//! value becomes an [`InvalidInput`] that tells the person what is wrong, never a server error
//! (R-CS-02).

use std::str::FromStr;

use crate::kernel::error::InvalidInput;

/// Gives a string-backed value type the plumbing every such type shares: `new`, `Display`,
/// `AsRef<str>`, `TryFrom<&str>` and `TryFrom<String>`, and serde as the canonical string, with
/// deserialisation going through the parser so that bad JSON input is refused. The type must
/// implement `FromStr<Err = InvalidInput>` and have an inherent `as_str()`.
macro_rules! string_value {
    ($ty:ident) => {
        impl $ty {
            /// Parses `input`; the same as `input.parse()`.
            pub fn new(input: &str) -> Result<Self, $crate::kernel::error::InvalidInput> {
                input.parse()
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::convert::TryFrom<&str> for $ty {
            type Error = $crate::kernel::error::InvalidInput;

            fn try_from(input: &str) -> Result<Self, Self::Error> {
                input.parse()
            }
        }

        impl ::std::convert::TryFrom<String> for $ty {
            type Error = $crate::kernel::error::InvalidInput;

            fn try_from(input: String) -> Result<Self, Self::Error> {
                input.parse()
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(::serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_value;

/// Trims, drops the dashes and spaces people type to group digits, and upper-cases ASCII letters.
fn squeeze(input: &str) -> String {
    input.trim().chars().filter(|c| !matches!(c, '-' | ' ')).map(|c| c.to_ascii_uppercase()).collect()
}

fn is_digits(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_digit())
}

fn is_letters(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_uppercase())
}

/// The value of a run of ASCII digits. Callers pass text already checked to be short digits; the
/// saturating arithmetic and the zero for a non-digit only keep this free of panics.
fn digits_value(text: &str) -> u32 {
    text.chars().fold(0u32, |acc, c| acc.saturating_mul(10).saturating_add(c.to_digit(10).unwrap_or(0)))
}

// ---------------------------------------------------------------------------------------------
// Receipt numbers
// ---------------------------------------------------------------------------------------------

const RECEIPT_FIELD: &str = "receipt_number";
const RECEIPT_FORMAT: &str = "A receipt number is 3 letters followed by 10 digits, such as EAC9999103403.";

/// Every receipt-number prefix in use, two per service centre where the old and new codes are
/// both still printed on notices.
pub const PREFIXES: [&str; 12] = ["EAC", "VSC", "WAC", "CSC", "LIN", "NSC", "SRC", "TSC", "MSC", "NBC", "IOE", "YSC"];

/// The office that issued a receipt, known from the receipt number's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Centre {
    /// Vermont Service Center (EAC, VSC).
    Vermont,
    /// California Service Center (WAC, CSC).
    California,
    /// Nebraska Service Center (LIN, NSC).
    Nebraska,
    /// Texas Service Center (SRC, TSC).
    Texas,
    /// National Benefits Center (MSC, NBC).
    NationalBenefitsCenter,
    /// Filed online (IOE).
    ElectronicFiling,
    /// Potomac Service Center (YSC).
    Potomac,
}

impl Centre {
    /// Every centre, in the order of [`PREFIXES`].
    pub const ALL: [Centre; 7] = [
        Centre::Vermont,
        Centre::California,
        Centre::Nebraska,
        Centre::Texas,
        Centre::NationalBenefitsCenter,
        Centre::ElectronicFiling,
        Centre::Potomac,
    ];

    /// The centre a receipt-number prefix belongs to, in any letter case; `None` for an unknown one.
    pub fn from_prefix(prefix: &str) -> Option<Centre> {
        match prefix.to_ascii_uppercase().as_str() {
            "EAC" | "VSC" => Some(Centre::Vermont),
            "WAC" | "CSC" => Some(Centre::California),
            "LIN" | "NSC" => Some(Centre::Nebraska),
            "SRC" | "TSC" => Some(Centre::Texas),
            "MSC" | "NBC" => Some(Centre::NationalBenefitsCenter),
            "IOE" => Some(Centre::ElectronicFiling),
            "YSC" => Some(Centre::Potomac),
            _ => None,
        }
    }

    /// The prefixes that receipts from this centre carry.
    pub fn prefixes(self) -> &'static [&'static str] {
        match self {
            Centre::Vermont => &["EAC", "VSC"],
            Centre::California => &["WAC", "CSC"],
            Centre::Nebraska => &["LIN", "NSC"],
            Centre::Texas => &["SRC", "TSC"],
            Centre::NationalBenefitsCenter => &["MSC", "NBC"],
            Centre::ElectronicFiling => &["IOE"],
            Centre::Potomac => &["YSC"],
        }
    }

    /// The code of the office that holds the case by default. Online filings have no office of
    /// their own: they start at the National Benefits Center.
    pub fn office_code(self) -> &'static str {
        match self {
            Centre::Vermont => "VSC",
            Centre::California => "CSC",
            Centre::Nebraska => "NSC",
            Centre::Texas => "TSC",
            Centre::NationalBenefitsCenter | Centre::ElectronicFiling => "NBC",
            Centre::Potomac => "PSC",
        }
    }
}

/// A USCIS receipt number such as `EAC9999103403`: a 3-letter centre prefix, a 2-digit fiscal
/// year, a 3-digit workday and a 5-digit serial. Always held as 13 upper-case characters with a
/// known prefix (R-CS-02).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReceiptNumber(String);

string_value!(ReceiptNumber);

impl FromStr for ReceiptNumber {
    type Err = InvalidInput;

    /// Accepts lower case, surrounding whitespace, and dashes or spaces inside, as people copy
    /// receipt numbers from notices in many ways.
    fn from_str(input: &str) -> Result<Self, InvalidInput> {
        let text = squeeze(input);
        if text.is_empty() {
            return Err(InvalidInput::new(RECEIPT_FIELD, "Enter a receipt number."));
        }
        let well_formed = text.len() == 13
            && text.split_at_checked(3).is_some_and(|(prefix, digits)| is_letters(prefix) && is_digits(digits));
        if !well_formed {
            return Err(InvalidInput::new(RECEIPT_FIELD, RECEIPT_FORMAT));
        }
        let prefix = text.get(..3).unwrap_or_default();
        if Centre::from_prefix(prefix).is_none() {
            return Err(unknown_prefix(prefix));
        }
        Ok(ReceiptNumber(text))
    }
}

fn unknown_prefix(prefix: &str) -> InvalidInput {
    InvalidInput::new(
        RECEIPT_FIELD,
        format!(
            "The receipt number starts with {prefix}, which is not a centre code USCIS uses. A \
             receipt number starts with one of {}.",
            PREFIXES.join(", ")
        ),
    )
    .with_code(UNKNOWN_CENTRE)
}

/// The code of a well-formed receipt number whose centre code USCIS does not use, so that pages
/// say that rather than repeat the format (issue 16).
pub const UNKNOWN_CENTRE: &str = "receipt-centre";

impl ReceiptNumber {
    /// Builds a receipt number from its parts, for generated data: `fiscal_year` 0 to 99,
    /// `workday` 1 to 999, `serial` 0 to 99999, and a known prefix in any letter case.
    pub fn from_parts(prefix: &str, fiscal_year: u8, workday: u16, serial: u32) -> Result<Self, InvalidInput> {
        if Centre::from_prefix(prefix).is_none() {
            return Err(unknown_prefix(prefix));
        }
        if fiscal_year > 99 {
            return Err(InvalidInput::new(
                RECEIPT_FIELD,
                "The fiscal year of a receipt number is 2 digits, from 00 to 99.",
            ));
        }
        if !(1..=999).contains(&workday) {
            return Err(InvalidInput::new(RECEIPT_FIELD, "The workday of a receipt number is from 001 to 999."));
        }
        if serial > 99_999 {
            return Err(InvalidInput::new(
                RECEIPT_FIELD,
                "The serial of a receipt number is 5 digits, from 00000 to 99999.",
            ));
        }
        format!("{}{fiscal_year:02}{workday:03}{serial:05}", prefix.to_ascii_uppercase()).parse()
    }

    /// The canonical form, such as `EAC9999103403`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 3-letter centre prefix, such as `EAC`.
    pub fn prefix(&self) -> &str {
        self.0.get(..3).unwrap_or_default()
    }

    /// The 2-digit fiscal year, 0 to 99.
    pub fn fiscal_year(&self) -> u8 {
        u8::try_from(self.part(3..5)).unwrap_or(0)
    }

    /// The 3-digit workday of the fiscal year on which the receipt was made.
    pub fn workday(&self) -> u16 {
        u16::try_from(self.part(5..8)).unwrap_or(0)
    }

    /// The 5-digit serial within the workday.
    pub fn serial(&self) -> u32 {
        self.part(8..13)
    }

    /// The centre that issued the receipt.
    pub fn centre(&self) -> Centre {
        // Parsing admits only known prefixes, so the fallback is never taken.
        Centre::from_prefix(self.prefix()).unwrap_or(Centre::ElectronicFiling)
    }

    /// Whether the case was filed online (prefix `IOE`).
    pub fn is_electronic(&self) -> bool {
        self.centre() == Centre::ElectronicFiling
    }

    fn part(&self, range: std::ops::Range<usize>) -> u32 {
        self.0.get(range).map_or(0, digits_value)
    }
}

// ---------------------------------------------------------------------------------------------
// A-Numbers
// ---------------------------------------------------------------------------------------------

/// The form field an A-Number is typed into, on every page that asks for one.
pub const A_NUMBER_FIELD: &str = "a_number";
/// The one message for an A-Number that does not parse; public pages show its catalogue
/// translation (`err-a-number`), staff pages this text.
pub const A_NUMBER_FORMAT: &str = "An A-Number is the letter A followed by 7 to 9 digits, such as A012345678.";

/// An Alien Registration Number, held as `A` and 9 digits, zero-padded (`A012345678`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ANumber(String);

string_value!(ANumber);

impl FromStr for ANumber {
    type Err = InvalidInput;

    /// Accepts `A` in either case or no `A` at all, dashes and spaces inside, and 7 to 9 digits,
    /// since older A-Numbers were issued with fewer digits.
    fn from_str(input: &str) -> Result<Self, InvalidInput> {
        let text = squeeze(input);
        if text.is_empty() {
            return Err(InvalidInput::new(A_NUMBER_FIELD, "Enter an A-Number."));
        }
        let digits = text.strip_prefix('A').unwrap_or(&text);
        if !(7..=9).contains(&digits.len()) || !is_digits(digits) {
            return Err(InvalidInput::new(A_NUMBER_FIELD, A_NUMBER_FORMAT));
        }
        if digits.bytes().all(|b| b == b'0') {
            return Err(InvalidInput::new(A_NUMBER_FIELD, "An A-Number cannot be all zeros."));
        }
        Ok(ANumber(format!("A{digits:0>9}")))
    }
}

impl ANumber {
    /// The A-Number with this value, for generated data: 1 to 999 999 999.
    pub fn from_number(number: u32) -> Result<Self, InvalidInput> {
        if number == 0 {
            return Err(InvalidInput::new(A_NUMBER_FIELD, "An A-Number cannot be all zeros."));
        }
        if number > 999_999_999 {
            return Err(InvalidInput::new(A_NUMBER_FIELD, A_NUMBER_FORMAT));
        }
        Ok(ANumber(format!("A{number:09}")))
    }

    /// The canonical form, such as `A012345678`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 9 digits without the `A`, such as `012345678`.
    pub fn digits(&self) -> &str {
        self.0.strip_prefix('A').unwrap_or(&self.0)
    }
}

// ---------------------------------------------------------------------------------------------
// USPS tracking numbers
// ---------------------------------------------------------------------------------------------

const TRACKING_FIELD: &str = "tracking_number";
const TRACKING_FORMAT: &str = "A USPS tracking number is 22 or 26 digits starting with 91 to 95, \
     such as 9400111201080805483016, or 2 letters, 9 digits and 2 letters, such as RR123456785US.";
const TRACKING_CHECK: &str = "This tracking number does not add up: please check it for a mistyped digit.";

/// Channel identifiers that open an Intelligent Mail package barcode (Publication 199).
const CHANNELS: [&str; 5] = ["91", "92", "93", "94", "95"];

/// Weights of the UPU S10 check digit, over the 8 serial digits.
const S10_WEIGHTS: [u32; 8] = [8, 6, 4, 2, 3, 5, 9, 7];

/// A USPS tracking number with a verified check digit: a 22- or 26-digit Intelligent Mail package
/// barcode number (any `420` ZIP routing prefix removed), or a UPU S10 number such as
/// `RR123456785US` for international and Express items (R-CS-05).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrackingNumber(String);

string_value!(TrackingNumber);

impl FromStr for TrackingNumber {
    type Err = InvalidInput;

    /// Accepts spaces anywhere, lower case, and a scanned barcode's `420` + ZIP or ZIP+4 prefix.
    fn from_str(input: &str) -> Result<Self, InvalidInput> {
        let text: String = input.trim().chars().filter(|c| *c != ' ').map(|c| c.to_ascii_uppercase()).collect();
        if text.is_empty() {
            return Err(InvalidInput::new(TRACKING_FIELD, "Enter a tracking number."));
        }
        if is_digits(&text) {
            parse_impb(&text).map(|number| TrackingNumber(number.to_owned()))
        } else {
            check_s10(&text)?;
            Ok(TrackingNumber(text))
        }
    }
}

/// Finds the tracking number in a run of digits, dropping a `420` routing prefix when there is one.
fn parse_impb(digits: &str) -> Result<&str, InvalidInput> {
    if matches!(digits.len(), 22 | 26) {
        return check_impb(digits).map(|()| digits);
    }
    let Some(routed) = digits.strip_prefix("420") else {
        return Err(InvalidInput::new(TRACKING_FIELD, TRACKING_FORMAT));
    };
    // 34 digits may be 420 + ZIP+4 + 22 digits or 420 + ZIP + 26 digits: try the first reading,
    // then the second, and keep whichever has a valid check digit.
    let mut last_error = InvalidInput::new(TRACKING_FIELD, TRACKING_FORMAT);
    for zip_len in [9, 5] {
        let Some(rest) = routed.get(zip_len..) else {
            continue;
        };
        if !matches!(rest.len(), 22 | 26) {
            continue;
        }
        match check_impb(rest) {
            Ok(()) => return Ok(rest),
            Err(err) => last_error = err,
        }
    }
    Err(last_error)
}

/// Checks the channel identifier and the MOD 10 check digit of a 22- or 26-digit number.
fn check_impb(digits: &str) -> Result<(), InvalidInput> {
    let channel = digits.get(..2).unwrap_or_default();
    if !CHANNELS.contains(&channel) {
        return Err(InvalidInput::new(TRACKING_FIELD, TRACKING_FORMAT));
    }
    let check_at = digits.len().saturating_sub(1);
    let (body, check) =
        digits.split_at_checked(check_at).ok_or_else(|| InvalidInput::new(TRACKING_FIELD, TRACKING_FORMAT))?;
    let expected = TrackingNumber::mod10_check_digit(body);
    if expected.is_some() && expected == check.parse::<u8>().ok() {
        Ok(())
    } else {
        Err(InvalidInput::new(TRACKING_FIELD, TRACKING_CHECK))
    }
}

/// Checks the shape and the mod 11 check digit of a UPU S10 number such as `RR123456785US`.
fn check_s10(text: &str) -> Result<(), InvalidInput> {
    let parts = (text.get(..2), text.get(2..10), text.get(10..11), text.get(11..));
    let (Some(service), Some(serial), Some(check), Some(country)) = parts else {
        return Err(InvalidInput::new(TRACKING_FIELD, TRACKING_FORMAT));
    };
    if text.len() != 13 || !is_letters(service) || !is_digits(serial) || !is_digits(check) || !is_letters(country) {
        return Err(InvalidInput::new(TRACKING_FIELD, TRACKING_FORMAT));
    }
    let expected = TrackingNumber::s10_check_digit(serial);
    if expected.is_some() && expected == check.parse::<u8>().ok() {
        Ok(())
    } else {
        Err(InvalidInput::new(TRACKING_FIELD, TRACKING_CHECK))
    }
}

impl TrackingNumber {
    /// The USPS MOD 10 check digit for `digits`, a number without its check digit: going right
    /// to left, the first, third, fifth... digits weigh 3 and the others 1, and the check digit
    /// brings the sum to a multiple of 10. `None` when `digits` is empty or holds a non-digit.
    pub fn mod10_check_digit(digits: &str) -> Option<u8> {
        if digits.is_empty() {
            return None;
        }
        let mut sum = 0u32;
        for (position, c) in digits.chars().rev().enumerate() {
            let digit = c.to_digit(10)?;
            let weight = if position % 2 == 0 { 3 } else { 1 };
            // Reducing as we go keeps the sum small however long the input.
            sum = (sum + weight * digit) % 10;
        }
        u8::try_from((10 - sum) % 10).ok()
    }

    /// The UPU S10 check digit for 8 serial digits: weights 8, 6, 4, 2, 3, 5, 9, 7, then
    /// 11 - (sum mod 11), with 10 written as 0 and 11 as 5. `None` unless given exactly 8 digits.
    pub fn s10_check_digit(serial: &str) -> Option<u8> {
        if serial.len() != S10_WEIGHTS.len() {
            return None;
        }
        let mut sum = 0u32;
        for (c, weight) in serial.chars().zip(S10_WEIGHTS) {
            sum += weight * c.to_digit(10)?;
        }
        let check = match 11 - sum % 11 {
            10 => 0,
            11 => 5,
            other => other,
        };
        u8::try_from(check).ok()
    }

    /// Builds a tracking number from a 21- or 25-digit body by appending its MOD 10 check digit,
    /// for generated data. The body must start with a channel identifier (91 to 95).
    pub fn with_check_digit(body: &str) -> Result<Self, InvalidInput> {
        let body = body.trim();
        if !matches!(body.len(), 21 | 25) || !is_digits(body) {
            return Err(InvalidInput::new(
                TRACKING_FIELD,
                "The body of a tracking number is 21 or 25 digits, before its check digit.",
            ));
        }
        let check = Self::mod10_check_digit(body).ok_or_else(|| InvalidInput::new(TRACKING_FIELD, TRACKING_FORMAT))?;
        format!("{body}{check}").parse()
    }

    /// The canonical form: digits only, or the S10 form in upper case.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The public USPS tracking page for this number.
    pub fn usps_url(&self) -> String {
        // The canonical form is only ASCII digits and letters, so it needs no escaping.
        format!("https://tools.usps.com/go/TrackConfirmAction_input?origTrackNum={}", self.0)
    }
}

// ---------------------------------------------------------------------------------------------
// InfoPass confirmation numbers and PINs
// ---------------------------------------------------------------------------------------------

const CONFIRMATION_FIELD: &str = "confirmation_number";
const CONFIRMATION_FORMAT: &str = "A confirmation number is 12 digits, such as 4821 0937 5523.";
const CONFIRMATION_CHECK: &str = "This confirmation number does not add up: please check it for a mistyped digit.";

/// The Damm quasigroup: its check digit catches every single-digit error and every swap of
/// adjacent digits, the mistakes people make copying a number.
const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

fn damm(digits: &str) -> u8 {
    digits.bytes().fold(0u8, |interim, b| {
        let d = usize::from(b.wrapping_sub(b'0')).min(9);
        DAMM.get(usize::from(interim)).and_then(|row| row.get(d)).copied().unwrap_or(0)
    })
}

/// An appointment's confirmation number (R-IP-06): 11 random digits and a Damm check digit,
/// so one in 10^11 numbers is issued at most and a mistyped one is caught before any lookup.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Confirmation(String);

string_value!(Confirmation);

impl FromStr for Confirmation {
    type Err = InvalidInput;

    /// Accepts the digits with the spaces or dashes the notice groups them with.
    fn from_str(input: &str) -> Result<Self, InvalidInput> {
        let text = squeeze(input);
        if text.is_empty() {
            return Err(InvalidInput::new(CONFIRMATION_FIELD, "Enter the confirmation number."));
        }
        if text.len() != 12 || !is_digits(&text) {
            return Err(InvalidInput::new(CONFIRMATION_FIELD, CONFIRMATION_FORMAT));
        }
        if damm(&text) != 0 {
            return Err(InvalidInput::new(CONFIRMATION_FIELD, CONFIRMATION_CHECK));
        }
        Ok(Confirmation(text))
    }
}

impl Confirmation {
    /// A fresh, unguessable number.
    pub fn random() -> Result<Confirmation, crate::kernel::random::RandomError> {
        // 10^10 to 10^11 - 1: never a leading zero, which scanners and spreadsheets drop.
        let body = (10_000_000_000 + crate::kernel::random::below(90_000_000_000)?).to_string();
        let check = damm(&body);
        Ok(Confirmation(format!("{body}{check}")))
    }

    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Grouped in fours for reading aloud and copying: `4821 0937 5526`.
    pub fn grouped(&self) -> String {
        let mut out = String::with_capacity(14);
        for (i, c) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            out.push(c);
        }
        out
    }
}

const PIN_FIELD: &str = "pin";

/// The five-digit PIN of an appointment (R-IP-06, R-IP-09).
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

string_value!(Pin);

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(..)")
    }
}

impl FromStr for Pin {
    type Err = InvalidInput;

    fn from_str(input: &str) -> Result<Self, InvalidInput> {
        let text = input.trim();
        if text.is_empty() {
            return Err(InvalidInput::new(PIN_FIELD, "Enter the PIN."));
        }
        if text.len() != 5 || !is_digits(text) {
            return Err(InvalidInput::new(PIN_FIELD, "The PIN is 5 digits."));
        }
        Ok(Pin(text.to_owned()))
    }
}

impl Pin {
    /// A fresh random PIN.
    pub fn random() -> Result<Pin, crate::kernel::random::RandomError> {
        Ok(Pin(format!("{:05}", crate::kernel::random::below(100_000)?)))
    }

    /// The 5 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // --- Receipt numbers: R-CS-01, R-CS-02, R-SR-02 ---

    #[test]
    fn r_cs_02_receipt_canonical_example_parses() {
        let r: ReceiptNumber = "EAC9999103403".parse().unwrap();
        assert_eq!(r.as_str(), "EAC9999103403");
        assert_eq!(r.to_string(), "EAC9999103403");
        assert_eq!(r.prefix(), "EAC");
        assert_eq!(r.fiscal_year(), 99);
        assert_eq!(r.workday(), 991);
        assert_eq!(r.serial(), 3403);
        assert_eq!(r.centre(), Centre::Vermont);
        assert!(!r.is_electronic());
    }

    #[test]
    fn r_cs_02_receipt_normalises_case_dashes_spaces() {
        for input in ["eac-99-991-03403", "EAC 9999103403", "  eac9999103403\t\n", "E-A-C 99 991 03403"] {
            let r = ReceiptNumber::new(input).unwrap();
            assert_eq!(r.as_str(), "EAC9999103403", "input {input:?}");
        }
        assert_eq!(ReceiptNumber::try_from("wac-21-900-12345").unwrap().as_str(), "WAC2190012345");
    }

    #[test]
    fn r_cs_02_receipt_empty_has_its_own_reason() {
        for input in ["", "   ", " - - "] {
            let err = ReceiptNumber::new(input).unwrap_err();
            assert_eq!(err.field, "receipt_number");
            assert_eq!(err.reason, "Enter a receipt number.");
        }
    }

    #[test]
    fn r_cs_02_receipt_malformed_is_refused() {
        for input in [
            "EAC999910340",   // 12 characters
            "EAC99991034031", // 14 characters
            "EA99999103403",  // 2 letters
            "EAC99991O3403",  // letter O for zero
            "1AC9999103403",
            "EAC9999.03403",
            "ÉAC9999103403",
            "EAC９９９９103403", // full-width digits
        ] {
            let err = ReceiptNumber::new(input).unwrap_err();
            assert_eq!(err.reason, RECEIPT_FORMAT, "input {input:?}");
        }
    }

    #[test]
    fn r_cs_02_receipt_unknown_prefix_is_named() {
        let err = ReceiptNumber::new("XYZ9999103403").unwrap_err();
        assert_eq!(err.field, "receipt_number");
        assert!(err.reason.contains("XYZ"), "{}", err.reason);
        assert!(err.reason.contains("not a centre code USCIS uses"), "{}", err.reason);
        assert_eq!(err.code, Some(UNKNOWN_CENTRE));
    }

    #[test]
    fn r_cs_02_receipt_every_prefix_maps_to_its_centre() {
        let expected = [
            ("EAC", Centre::Vermont, "VSC"),
            ("VSC", Centre::Vermont, "VSC"),
            ("WAC", Centre::California, "CSC"),
            ("CSC", Centre::California, "CSC"),
            ("LIN", Centre::Nebraska, "NSC"),
            ("NSC", Centre::Nebraska, "NSC"),
            ("SRC", Centre::Texas, "TSC"),
            ("TSC", Centre::Texas, "TSC"),
            ("MSC", Centre::NationalBenefitsCenter, "NBC"),
            ("NBC", Centre::NationalBenefitsCenter, "NBC"),
            ("IOE", Centre::ElectronicFiling, "NBC"),
            ("YSC", Centre::Potomac, "PSC"),
        ];
        assert_eq!(expected.len(), PREFIXES.len());
        for (prefix, centre, office) in expected {
            assert!(PREFIXES.contains(&prefix));
            assert_eq!(Centre::from_prefix(prefix), Some(centre));
            assert_eq!(Centre::from_prefix(&prefix.to_lowercase()), Some(centre));
            assert_eq!(centre.office_code(), office);
            assert!(centre.prefixes().contains(&prefix));
            let r = ReceiptNumber::new(&format!("{prefix}2412312345")).unwrap();
            assert_eq!(r.centre(), centre);
        }
        let from_centres: usize = Centre::ALL.iter().map(|c| c.prefixes().len()).sum();
        assert_eq!(from_centres, PREFIXES.len());
        assert_eq!(Centre::from_prefix("ABC"), None);
    }

    #[test]
    fn r_cs_02_receipt_ioe_is_electronic() {
        let r = ReceiptNumber::new("IOE0911023658").unwrap();
        assert!(r.is_electronic());
        assert_eq!(r.centre().office_code(), "NBC");
    }

    #[test]
    fn receipt_from_parts_builds_and_checks_ranges() {
        let r = ReceiptNumber::from_parts("eac", 99, 991, 3403).unwrap();
        assert_eq!(r.as_str(), "EAC9999103403");
        let r = ReceiptNumber::from_parts("IOE", 0, 1, 0).unwrap();
        assert_eq!(r.as_str(), "IOE0000100000");
        assert!(ReceiptNumber::from_parts("XYZ", 24, 1, 1).is_err());
        assert!(ReceiptNumber::from_parts("EAC", 100, 1, 1).is_err());
        assert!(ReceiptNumber::from_parts("EAC", 24, 0, 1).is_err());
        assert!(ReceiptNumber::from_parts("EAC", 24, 1000, 1).is_err());
        assert!(ReceiptNumber::from_parts("EAC", 24, 1, 100_000).is_err());
    }

    #[test]
    fn r_cs_02_receipt_serde_is_canonical_string_and_refuses_bad_input() {
        let r = ReceiptNumber::new("eac-9999103403").unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"EAC9999103403\"");
        let back: ReceiptNumber = serde_json::from_str("\"eac 9999103403\"").unwrap();
        assert_eq!(back, r);
        assert!(serde_json::from_str::<ReceiptNumber>("\"XYZ9999103403\"").is_err());
        assert!(serde_json::from_str::<ReceiptNumber>("\"EAC123\"").is_err());
        assert!(serde_json::from_str::<ReceiptNumber>("13").is_err());
    }

    // --- A-Numbers: R-CA-01, R-SR-04, R-IP-02, R-QM-03 ---

    #[test]
    fn r_ca_01_a_number_forms_are_accepted_and_padded() {
        for (input, canonical) in [
            ("A-123-456-789", "A123456789"),
            ("a12345678", "A012345678"),
            ("A1234567", "A001234567"),
            ("12345678", "A012345678"),
            ("1234567", "A001234567"),
            (" 123 456 789 ", "A123456789"),
            ("A012345678", "A012345678"),
        ] {
            let a = ANumber::new(input).unwrap();
            assert_eq!(a.as_str(), canonical, "input {input:?}");
            assert_eq!(a.to_string(), canonical);
            assert_eq!(a.digits(), canonical.get(1..).unwrap());
        }
    }

    #[test]
    fn r_ca_01_a_number_bad_forms_are_refused() {
        assert_eq!(ANumber::new(" ").unwrap_err().reason, "Enter an A-Number.");
        for input in [
            "A",
            "A123456",     // 6 digits
            "A1234567890", // 10 digits
            "123456",
            "B12345678",
            "AA12345678",
            "A12345678X",
            "A1234.5678",
        ] {
            let err = ANumber::new(input).unwrap_err();
            assert_eq!(err.field, "a_number");
            assert_eq!(err.reason, A_NUMBER_FORMAT, "input {input:?}");
        }
        for input in ["A000000000", "0000000", "a-000-000-00"] {
            assert_eq!(ANumber::new(input).unwrap_err().reason, "An A-Number cannot be all zeros.", "input {input:?}");
        }
    }

    #[test]
    fn a_number_from_number() {
        assert_eq!(ANumber::from_number(1).unwrap().as_str(), "A000000001");
        assert_eq!(ANumber::from_number(999_999_999).unwrap().as_str(), "A999999999");
        assert!(ANumber::from_number(0).is_err());
        assert!(ANumber::from_number(1_000_000_000).is_err());
    }

    #[test]
    fn a_number_serde() {
        let a: ANumber = serde_json::from_str("\"a-12345678\"").unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"A012345678\"");
        assert!(serde_json::from_str::<ANumber>("\"A000000000\"").is_err());
        assert!(serde_json::from_str::<ANumber>("\"A12\"").is_err());
    }

    // --- Tracking numbers: R-CS-05, R-CS-06 ---

    const IMPB_EXAMPLES: [&str; 3] = ["9400111201080805483016", "9361289878700317633795", "9505511069605048600624"];

    #[test]
    fn r_cs_05_tracking_publication_199_examples_are_valid() {
        for example in IMPB_EXAMPLES {
            let t = TrackingNumber::new(example).unwrap();
            assert_eq!(t.as_str(), example);
            let (body, check) = example.split_at(21);
            assert_eq!(TrackingNumber::mod10_check_digit(body), Some(check.parse::<u8>().unwrap()));
            assert_eq!(TrackingNumber::with_check_digit(body).unwrap(), t);
        }
    }

    #[test]
    fn r_cs_05_tracking_normalises_spaces_and_case() {
        let t = TrackingNumber::new(" 9400 1112 0108 0805 4830 16 ").unwrap();
        assert_eq!(t.as_str(), "9400111201080805483016");
        let s = TrackingNumber::new(" rr 123 456 785 us").unwrap();
        assert_eq!(s.as_str(), "RR123456785US");
    }

    #[test]
    fn r_cs_05_tracking_routing_prefix_is_stripped() {
        // 420 + ZIP: 30 digits.
        let t = TrackingNumber::new("420205299400111201080805483016").unwrap();
        assert_eq!(t.as_str(), "9400111201080805483016");
        // 420 + ZIP+4: 34 digits, as in USPS extract files.
        let t = TrackingNumber::new("4202052900019361289878700317633795").unwrap();
        assert_eq!(t.as_str(), "9361289878700317633795");
        // A bad check digit behind the prefix is still refused.
        assert!(TrackingNumber::new("420205299400111201080805483017").is_err());
        // 420 alone with the wrong length is refused.
        assert!(TrackingNumber::new("4202052994001112010808054830").is_err());
    }

    #[test]
    fn r_cs_05_tracking_26_digit_form() {
        let t = TrackingNumber::with_check_digit("9205590164917312751089123").unwrap();
        assert_eq!(t.as_str().len(), 26);
        assert_eq!(TrackingNumber::new(t.as_str()).unwrap(), t);
        // 420 + ZIP + 26 digits: 34 digits.
        let routed = format!("42020529{}", t.as_str());
        assert_eq!(TrackingNumber::new(&routed).unwrap(), t);
    }

    #[test]
    fn r_cs_05_tracking_bad_check_digit_is_refused() {
        let err = TrackingNumber::new("9400111201080805483017").unwrap_err();
        assert_eq!(err.field, "tracking_number");
        assert_eq!(err.reason, TRACKING_CHECK);
        assert_eq!(TrackingNumber::new("RR123456784US").unwrap_err().reason, TRACKING_CHECK);
    }

    #[test]
    fn r_cs_05_tracking_malformed_is_refused() {
        assert_eq!(TrackingNumber::new("  ").unwrap_err().reason, "Enter a tracking number.");
        for input in [
            "8400111201080805483016",  // channel 84
            "940011120108080548301",   // 21 digits
            "94001112010808054830161", // 23 digits
            "9400-1112-0108-0805-4830-16",
            "R123456785US",
            "RR123456785U",
            "RR12345678USA",
            "1R123456785US",
            "RR1234567X5US",
        ] {
            let err = TrackingNumber::new(input).unwrap_err();
            assert_eq!(err.reason, TRACKING_FORMAT, "input {input:?}");
        }
    }

    #[test]
    fn r_cs_05_tracking_s10_check_digit() {
        assert_eq!(TrackingNumber::s10_check_digit("12345678"), Some(5));
        assert_eq!(TrackingNumber::s10_check_digit("1234567"), None);
        assert_eq!(TrackingNumber::s10_check_digit("1234567X"), None);
        let t = TrackingNumber::new("RR123456785US").unwrap();
        assert_eq!(t.as_str(), "RR123456785US");
    }

    #[test]
    fn tracking_mod10_check_digit_edges() {
        assert_eq!(TrackingNumber::mod10_check_digit(""), None);
        assert_eq!(TrackingNumber::mod10_check_digit("12a"), None);
        assert_eq!(TrackingNumber::mod10_check_digit("0"), Some(0));
        // 1 * 3 = 3, so the check digit is 7.
        assert_eq!(TrackingNumber::mod10_check_digit("1"), Some(7));
    }

    #[test]
    fn tracking_with_check_digit_refuses_bad_bodies() {
        assert!(TrackingNumber::with_check_digit("94001112010808054830").is_err());
        assert!(TrackingNumber::with_check_digit("9400111201080805483x1").is_err());
        // Right length but not a known channel.
        assert!(TrackingNumber::with_check_digit("840011120108080548301").is_err());
    }

    #[test]
    fn r_cs_05_tracking_usps_url() {
        let t = TrackingNumber::new("9400111201080805483016").unwrap();
        assert_eq!(
            t.usps_url(),
            "https://tools.usps.com/go/TrackConfirmAction_input?origTrackNum=9400111201080805483016"
        );
    }

    #[test]
    fn r_cs_05_tracking_serde() {
        let t: TrackingNumber = serde_json::from_str("\"4202052994001112 01080805483016\"").unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"9400111201080805483016\"");
        assert!(serde_json::from_str::<TrackingNumber>("\"9400111201080805483017\"").is_err());
    }

    // --- Properties ---

    fn receipt_strategy() -> impl Strategy<Value = ReceiptNumber> {
        (proptest::sample::select(PREFIXES.to_vec()), 0u8..=99, 1u16..=999, 0u32..=99_999)
            .prop_map(|(prefix, year, day, serial)| ReceiptNumber::from_parts(prefix, year, day, serial).unwrap())
    }

    fn impb_strategy() -> impl Strategy<Value = TrackingNumber> {
        "9[245][0-9]{19}".prop_map(|body| TrackingNumber::with_check_digit(&body).unwrap())
    }

    fn s10_strategy() -> impl Strategy<Value = TrackingNumber> {
        ("[A-Z]{2}", "[0-9]{8}", "[A-Z]{2}").prop_map(|(service, serial, country)| {
            let check = TrackingNumber::s10_check_digit(&serial).unwrap();
            TrackingNumber::new(&format!("{service}{serial}{check}{country}")).unwrap()
        })
    }

    fn parse_all(input: &str) {
        let _ = ReceiptNumber::new(input);
        let _ = ANumber::new(input);
        let _ = TrackingNumber::new(input);
        let _ = TrackingNumber::with_check_digit(input);
        let _ = TrackingNumber::mod10_check_digit(input);
        let _ = TrackingNumber::s10_check_digit(input);
        let _ = Centre::from_prefix(input);
    }

    proptest! {
        // R-CS-02: no input, however odd, makes a parser panic.
        #[test]
        fn r_cs_02_no_input_panics(input in any::<String>()) {
            parse_all(&input);
        }

        // R-CS-02: the same, with inputs close to real identifiers.
        #[test]
        fn r_cs_02_no_identifier_like_input_panics(
            input in "[0-9A-Za-z \\-]{0,40}|(420)?9[0-9 ]{0,40}|[A-Za-z]{2,3}[0-9\\-]{0,12}[A-Za-z]{0,3}",
        ) {
            parse_all(&input);
        }

        // R-CS-02: a receipt number reads back as itself.
        #[test]
        fn r_cs_02_receipt_round_trips(r in receipt_strategy()) {
            // Display gives the canonical form, which parses back to the same value.
            let shown = r.to_string();
            prop_assert_eq!(ReceiptNumber::new(&shown).unwrap(), r.clone());
            let lower = r.as_str().to_lowercase();
            prop_assert_eq!(ReceiptNumber::new(&lower).unwrap(), r.clone());
            let json = serde_json::to_string(&r).unwrap();
            prop_assert_eq!(serde_json::from_str::<ReceiptNumber>(&json).unwrap(), r);
        }

        // R-CS-02: a receipt number with an unknown centre prefix is refused.
        #[test]
        fn r_cs_02_unknown_prefix_is_refused(prefix in "[A-Z]{3}", digits in "[0-9]{10}") {
            prop_assume!(!PREFIXES.contains(&prefix.as_str()));
            let err = ReceiptNumber::new(&format!("{prefix}{digits}")).unwrap_err();
            prop_assert!(err.reason.contains(&prefix));
        }

        // R-CA-01: an A-Number reads back as itself, zero-padded to 9 digits.
        #[test]
        fn r_ca_01_a_number_round_trips(n in 1u32..=999_999_999) {
            let a = ANumber::from_number(n).unwrap();
            prop_assert_eq!(a.digits().len(), 9);
            prop_assert_eq!(a.digits().parse::<u32>().unwrap(), n);
            // Display gives the canonical form, which parses back to the same value.
            let shown = a.to_string();
            prop_assert_eq!(ANumber::new(&shown).unwrap(), a.clone());
            prop_assert_eq!(ANumber::new(a.digits()).unwrap(), a.clone());
            if n >= 1_000_000 {
                prop_assert_eq!(ANumber::new(&format!("a{n}")).unwrap(), a.clone());
            }
            let json = serde_json::to_string(&a).unwrap();
            prop_assert_eq!(serde_json::from_str::<ANumber>(&json).unwrap(), a);
        }

        // R-CS-05: tracking numbers read back as themselves, with or without a routing prefix.
        #[test]
        fn r_cs_05_tracking_round_trips(
            t in prop_oneof![impb_strategy(), s10_strategy()],
            zip in "[0-9]{5}([0-9]{4})?",
        ) {
            // Display gives the canonical form, which parses back to the same value.
            let shown = t.to_string();
            prop_assert_eq!(TrackingNumber::new(&shown).unwrap(), t.clone());
            let json = serde_json::to_string(&t).unwrap();
            prop_assert_eq!(serde_json::from_str::<TrackingNumber>(&json).unwrap(), t.clone());
            if is_digits(t.as_str()) {
                let routed = format!("420{zip}{}", t.as_str());
                prop_assert_eq!(TrackingNumber::new(&routed).unwrap(), t);
            }
        }

        // R-CS-05: MOD 10 catches every single-digit substitution. A weight-1 position changes the
        // sum by the difference itself, a weight-3 position by 3 times it, and since 3 and 10 are
        // coprime neither is ever a multiple of 10.
        #[test]
        fn r_cs_05_any_single_digit_change_is_detected(
            t in impb_strategy(),
            position in 0usize..22,
            delta in 1u8..=9,
        ) {
            let mut bytes = t.as_str().as_bytes().to_vec();
            let old = bytes[position] - b'0';
            bytes[position] = b'0' + (old + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(TrackingNumber::new(&changed).is_err(), "{} accepted", changed);
        }

        // Serde goes through the parser: deserialising accepts exactly what parsing accepts.
        #[test]
        fn serde_agrees_with_parser(input in "[0-9A-Za-z \\-]{0,30}|.{0,30}") {
            let value = serde_json::Value::String(input.clone());
            prop_assert_eq!(
                serde_json::from_value::<ReceiptNumber>(value.clone()).is_ok(),
                ReceiptNumber::new(&input).is_ok()
            );
            prop_assert_eq!(
                serde_json::from_value::<ANumber>(value.clone()).is_ok(),
                ANumber::new(&input).is_ok()
            );
            prop_assert_eq!(
                serde_json::from_value::<TrackingNumber>(value).is_ok(),
                TrackingNumber::new(&input).is_ok()
            );
        }
    }

    // R-IP-06: confirmation numbers carry a check digit that catches mistyping.
    #[test]
    fn confirmation_numbers_check_themselves() {
        for _ in 0..200 {
            let c = Confirmation::random().unwrap();
            assert_eq!(c.as_str().len(), 12);
            assert!(!c.as_str().starts_with('0'));
            assert_eq!(Confirmation::new(&c.grouped()).unwrap(), c);
            // Every single-digit change is caught.
            let digits: Vec<u8> = c.as_str().bytes().collect();
            for pos in 0..12 {
                let mut typo = digits.clone();
                typo[pos] = b'0' + (typo[pos] - b'0' + 1) % 10;
                assert!(Confirmation::new(std::str::from_utf8(&typo).unwrap()).is_err());
            }
        }
        assert_eq!(damm("572"), 4, "the published example");
        assert!(Confirmation::new("5724").is_err(), "too short");
        assert!(Confirmation::new("1234-5678-901x").is_err());
        assert_eq!(Pin::new(" 01234 ").unwrap().as_str(), "01234");
        assert!(Pin::new("1234").is_err() && Pin::new("12a45").is_err());
        assert_eq!(format!("{:?}", Pin::new("12345").unwrap()), "Pin(..)");
    }
}
