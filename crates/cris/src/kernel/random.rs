//! Unguessable values from the operating system's generator: session tokens, secrets, codes.

use base64::Engine as _;

/// Fills `buf` with random bytes. The OS generator failing is not something a server can work
/// around; it is reported as an error for the caller to refuse the request.
pub fn fill(buf: &mut [u8]) -> Result<(), RandomError> {
    getrandom::fill(buf).map_err(|e| RandomError(e.to_string()))
}

/// A URL-safe token of `bytes` random bytes.
pub fn token(bytes: usize) -> Result<String, RandomError> {
    let mut buf = vec![0u8; bytes];
    fill(&mut buf)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

/// A uniformly random number below `bound` (rejection sampling, no modulo bias).
pub fn below(bound: u64) -> Result<u64, RandomError> {
    if bound <= 1 {
        return Ok(0);
    }
    let zone = u64::MAX - (u64::MAX % bound);
    loop {
        let mut b = [0u8; 8];
        fill(&mut b)?;
        let v = u64::from_le_bytes(b);
        if v < zone {
            return Ok(v % bound);
        }
    }
}

/// The system's random generator failed.
#[derive(Debug, thiserror::Error)]
#[error("random generator failed: {0}")]
pub struct RandomError(String);

/// SHA-256 of a value, hex: how tokens and high-entropy secrets are stored.
pub fn sha256_hex(value: &[u8]) -> String {
    use sha2::Digest as _;
    hex(&sha2::Sha256::digest(value))
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// Compares two byte strings in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_differ_and_hashes_are_stable() {
        let (a, b) = (token(32).unwrap(), token(32).unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(
            constant_time_eq(b"same", b"same") && !constant_time_eq(b"same", b"sane") && !constant_time_eq(b"a", b"ab")
        );
        for _ in 0..1000 {
            assert!(below(7).unwrap() < 7);
        }
    }
}
