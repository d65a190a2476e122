//! Signed bearer tokens: the developer API's OAuth2 access tokens and the public site's anonymous
//! JWTs (HS256). Signed, not stored, so any node verifies them without a database round trip;
//! the key is shared by every node through the database (`app_meta`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::kernel::db::{Db, DbError, meta};
use crate::kernel::random::{self, constant_time_eq};

/// The signing key, and its HMAC state with the key already absorbed: each signature then
/// starts from a copy rather than hashing the key again (issue 18: every API request verifies
/// its token).
#[derive(Clone)]
pub struct TokenKey(Vec<u8>, Option<Hmac<Sha256>>);

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey(..)")
    }
}

impl TokenKey {
    /// A random key (tests, single nodes before the database is read).
    pub fn random() -> TokenKey {
        let mut k = vec![0u8; 32];
        if random::fill(&mut k).is_err() {
            // Without randomness no token can be trusted; an empty key makes every check fail.
            k.clear();
        }
        TokenKey::new(k)
    }

    fn new(key: Vec<u8>) -> TokenKey {
        let mac = Hmac::<Sha256>::new_from_slice(&key).ok();
        TokenKey(key, mac)
    }

    /// The installation's key, created on first use and shared by every node.
    pub async fn load(db: &Db) -> Result<TokenKey, DbError> {
        if let Some(k) = meta::get(db, "token_key").await?.and_then(|s| B64.decode(s).ok()).filter(|k| k.len() >= 32) {
            return Ok(TokenKey::new(k));
        }
        let fresh = TokenKey::random();
        // Two nodes starting at once: the first write wins, and both read it back.
        meta::set_if_absent(db, "token_key", &B64.encode(&fresh.0)).await?;
        let stored = meta::get(db, "token_key").await?.and_then(|s| B64.decode(s).ok()).unwrap_or(fresh.0);
        Ok(TokenKey::new(stored))
    }

    /// A keyed hash of a secret people choose or carry (an appointment PIN, a person's name and
    /// date of birth), hex: what is stored instead of the value. `label` keeps uses apart.
    pub fn digest(&self, label: &str, value: &str) -> String {
        random::hex(&self.sign(format!("{label}\u{0}{value}").as_bytes()))
    }

    fn sign(&self, data: &[u8]) -> Vec<u8> {
        let Some(mut mac) = self.1.clone() else { return Vec::new() };
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    }

    fn verify_sig(&self, data: &[u8], sig_b64: &str) -> bool {
        let Ok(sig) = B64.decode(sig_b64) else { return false };
        !self.0.is_empty() && constant_time_eq(&self.sign(data), &sig)
    }
}

/// What an API access token grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiGrant {
    /// The client.
    pub client_id: String,
    /// Its requests a second.
    pub rate_per_second: i64,
    /// Its requests a day.
    pub daily_quota: i64,
    /// Unix time of expiry.
    pub expires: i64,
    /// What it may do, space-separated (`case_status`, `case_events`).
    pub scopes: String,
}

impl ApiGrant {
    /// Whether the grant includes a scope.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.split_whitespace().any(|s| s == scope)
    }
}

/// Issues an access token for a client (its limits travel in the token, so checking them needs
/// no database; a change of limits applies to the next token).
pub fn issue_api(key: &TokenKey, grant: &ApiGrant) -> String {
    let payload = format!(
        "{}|{}|{}|{}|{}",
        B64.encode(&grant.client_id),
        grant.rate_per_second,
        grant.daily_quota,
        grant.expires,
        B64.encode(&grant.scopes)
    );
    let sig = B64.encode(key.sign(payload.as_bytes()));
    format!("v1.{}.{sig}", B64.encode(payload))
}

/// Verifies an access token at `now` (Unix seconds).
pub fn verify_api(key: &TokenKey, token: &str, now: i64) -> Option<ApiGrant> {
    let rest = token.strip_prefix("v1.")?;
    let (payload_b64, sig) = rest.split_once('.')?;
    let payload = String::from_utf8(B64.decode(payload_b64).ok()?).ok()?;
    if !key.verify_sig(payload.as_bytes(), sig) {
        return None;
    }
    let mut parts = payload.split('|');
    let client_id = String::from_utf8(B64.decode(parts.next()?).ok()?).ok()?;
    let grant = ApiGrant {
        client_id,
        rate_per_second: parts.next()?.parse().ok()?,
        daily_quota: parts.next()?.parse().ok()?,
        expires: parts.next()?.parse().ok()?,
        scopes: String::from_utf8(B64.decode(parts.next()?).ok()?).ok()?,
    };
    (grant.expires > now).then_some(grant)
}

/// Issues an anonymous HS256 JWT valid for `seconds`.
pub fn issue_jwt(key: &TokenKey, now: i64, seconds: i64) -> String {
    let header = B64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let jti = random::token(12).unwrap_or_default();
    let claims =
        B64.encode(format!(r#"{{"sub":"anonymous","iss":"cris","iat":{now},"exp":{},"jti":"{jti}"}}"#, now + seconds));
    let signing = format!("{header}.{claims}");
    let sig = B64.encode(key.sign(signing.as_bytes()));
    format!("{signing}.{sig}")
}

/// Verifies an anonymous JWT at `now`.
pub fn verify_jwt(key: &TokenKey, token: &str, now: i64) -> bool {
    let mut parts = token.split('.');
    let (Some(h), Some(c), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    // The signed part is the token up to its second dot, read in place.
    let signed = token.as_bytes().get(..h.len() + 1 + c.len()).unwrap_or_default();
    if !key.verify_sig(signed, s) {
        return false;
    }
    /// The one claim read; the others are skipped, not kept.
    #[derive(serde::Deserialize)]
    struct Claims {
        exp: i64,
    }
    B64.decode(c).ok().and_then(|b| serde_json::from_slice::<Claims>(&b).ok()).is_some_and(|claims| claims.exp > now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_tokens_verify_expire_and_resist_tampering() {
        let key = TokenKey::random();
        let grant = ApiGrant {
            client_id: "demo|client".into(),
            rate_per_second: 10,
            daily_quota: 500,
            expires: 2_000,
            scopes: "case_status case_events".into(),
        };
        assert!(grant.has_scope("case_events") && !grant.has_scope("case"));
        let t = issue_api(&key, &grant);
        assert_eq!(verify_api(&key, &t, 1_000), Some(grant.clone()));
        assert_eq!(verify_api(&key, &t, 2_000), None, "expired");
        assert_eq!(verify_api(&TokenKey::random(), &t, 1_000), None, "another key");
        let forged = issue_api(&key, &ApiGrant { daily_quota: 1_000_000, ..grant }).replace("v1.", "v1.x");
        assert_eq!(verify_api(&key, &forged, 1_000), None);
        assert_eq!(verify_api(&key, "garbage", 1_000), None);
    }

    #[test]
    fn jwts_are_long_signed_and_expire() {
        let key = TokenKey::random();
        let jwt = issue_jwt(&key, 1_000, 1_260);
        assert!(jwt.len() > 50 && jwt.split('.').count() == 3);
        assert!(verify_jwt(&key, &jwt, 2_000));
        assert!(!verify_jwt(&key, &jwt, 2_260));
        assert!(!verify_jwt(&TokenKey::random(), &jwt, 2_000));
        assert!(!verify_jwt(&key, "a.b.c", 2_000));
    }
}
