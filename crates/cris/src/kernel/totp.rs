//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), the second
//! factor of staff sign-in, as authenticator apps expect them.

use hmac::{Hmac, KeyInit, Mac};

/// Length of a step, in seconds.
pub const STEP_SECS: i64 = 30;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Base32 (RFC 4648) without padding: how authenticator apps take secrets.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Decodes base32, ignoring spaces, dashes, padding and case; `None` on any other character.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !matches!(c, ' ' | '-' | '=')) {
        let v = ALPHABET.iter().position(|&a| char::from(a) == c.to_ascii_uppercase())?;
        buffer = (buffer << 5) | u32::try_from(v).ok()?;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// A new 160-bit secret, base32.
pub fn new_secret() -> Result<String, crate::kernel::random::RandomError> {
    let mut key = [0u8; 20];
    crate::kernel::random::fill(&mut key)?;
    Ok(base32_encode(&key))
}

/// The code for a time step.
pub fn code(key: &[u8], step: i64) -> u32 {
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(key) else { return 0 };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest.last().copied().unwrap_or(0) & 0x0f);
    let word: [u8; 4] = match digest.get(offset..offset + 4).and_then(|s| s.try_into().ok()) {
        Some(w) => w,
        None => return 0,
    };
    (u32::from_be_bytes(word) & 0x7fff_ffff) % 1_000_000
}

/// The time step of a Unix time.
pub fn step_at(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// Checks a typed code against the secret at `unix_secs`, allowing one step of clock drift either
/// way. Returns the matching step, which must be later than `last_used` so that an observed code
/// cannot be replayed.
pub fn verify(secret_b32: &str, typed: &str, unix_secs: i64, last_used: i64) -> Option<i64> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != 6 || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u32 = typed.parse().ok()?;
    let key = base32_decode(secret_b32)?;
    let now = step_at(unix_secs);
    (now - 1..=now + 1).find(|&s| s > last_used && code(&key, s) == value)
}

/// The `otpauth://` URI an authenticator app imports.
pub fn otpauth_uri(issuer: &str, account: &str, secret_b32: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret_b32}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// The `otpauth://` URI as a QR code that an authenticator app scans: SVG drawn here by the
/// `qrcode` crate (no image library, no outside service), with a `<title>` that names it for
/// screen readers. The key stays on the page as text beside it, for anyone who types it.
/// `None` only for a URI too long for any QR code.
pub fn qr_svg(uri: &str, title: &str) -> Option<String> {
    let code = qrcode::QrCode::with_error_correction_level(uri.as_bytes(), qrcode::EcLevel::M).ok()?;
    let svg = code.render::<qrcode::render::svg::Color>().quiet_zone(true).module_dimensions(4, 4).build();
    // The renderer writes an XML declaration and a bare <svg>; a page wants the element alone,
    // named: role and title go on it.
    let (_, element) = svg.split_once("<svg")?;
    let (attributes, content) = element.split_once('>')?;
    Some(format!(
        r#"<svg class="cris-qr" role="img" aria-labelledby="totp-qr-title" focusable="false"{attributes}><title id="totp-qr-title">{}</title>{content}"#,
        crate::kernel::html::escape(title)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B, SHA-1 test vectors (8 digits there; the last 6 digits here).
    #[test]
    fn rfc_6238_vectors() {
        let key = b"12345678901234567890";
        for (t, expected) in
            [(59, 94_287_082u32), (1_111_111_109, 7_081_804), (1_234_567_890, 89_005_924), (2_000_000_000, 69_279_037)]
        {
            assert_eq!(code(key, step_at(t)), expected % 1_000_000, "t={t}");
        }
    }

    #[test]
    fn base32_round_trips_and_verification_refuses_replay() {
        let key = b"12345678901234567890";
        let b32 = base32_encode(key);
        assert_eq!(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(base32_decode(&b32.to_lowercase()).unwrap(), key);
        assert!(base32_decode("not base32!").is_none());
        let now = 1_234_567_890;
        let typed = format!("{:06}", code(key, step_at(now)));
        let step = verify(&b32, &typed, now, 0).unwrap();
        assert_eq!(verify(&b32, &typed, now, step), None, "replay refused");
        assert!(verify(&b32, &typed, now + 30, 0).is_some(), "one step of drift allowed");
        assert!(verify(&b32, &typed, now + 90, 0).is_none());
        assert!(verify(&b32, "12345", now, 0).is_none());
        assert!(otpauth_uri("CRIS", "jane doe", &b32).starts_with("otpauth://totp/CRIS:jane%20doe?secret=GEZ"));
    }

    // R-AU-03: the authenticator key of the staff sign-in also as a QR code drawn on the server,
    // named for screen readers, holding the otpauth URI (no outside service sees the key).
    #[test]
    fn the_key_as_a_titled_qr_code() {
        let uri = otpauth_uri("CRIS", "jane.doe", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        let svg = qr_svg(&uri, "QR code <for> jane.doe").unwrap();
        assert!(svg.starts_with("<svg class=\"cris-qr\" role=\"img\""), "{svg}");
        assert!(!svg.contains("<?xml"));
        assert!(svg.contains("<title id=\"totp-qr-title\">QR code &lt;for&gt; jane.doe</title>"));
        assert!(svg.contains("viewBox=") && svg.ends_with("</svg>") && svg.contains("<path"));
        // The same URI always gives the same code; another key another.
        assert_eq!(qr_svg(&uri, "t"), qr_svg(&uri, "t"));
        assert_ne!(qr_svg(&uri, "t"), qr_svg(&otpauth_uri("CRIS", "jane.doe", "GEZDGNBVGY3TQOJR"), "t"));
    }
}
