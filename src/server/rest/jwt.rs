//! Access tokens: compact JWTs signed with HMAC-SHA256 (`hmac` + `sha2`), carrying `exp` so the
//! SDKs can tell when to ask for a new one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    /// The OAuth app's client id (`OQ…`).
    pub sub: String,
    /// The org the token is scoped to.
    pub org: String,
    pub iat: i64,
    pub exp: i64,
}

fn mac(key: &[u8]) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length")
}

pub fn sign(key: &[u8], claims: &Claims) -> String {
    let header = B64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = B64.encode(serde_json::to_vec(claims).expect("claims serialize"));
    let input = format!("{header}.{payload}");
    let mut m = mac(key);
    m.update(input.as_bytes());
    let sig = B64.encode(m.finalize().into_bytes());
    format!("{input}.{sig}")
}

/// The claims of a token signed with `key` that has not expired at `now`.
pub fn verify(key: &[u8], token: &str, now: i64) -> Option<Claims> {
    let mut parts = token.split('.');
    let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let sig = B64.decode(s).ok()?;
    let mut m = mac(key);
    m.update(format!("{h}.{p}").as_bytes());
    m.verify_slice(&sig).ok()?;
    let header: serde_json::Value = serde_json::from_slice(&B64.decode(h).ok()?).ok()?;
    if header.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
        return None;
    }
    let claims: Claims = serde_json::from_slice(&B64.decode(p).ok()?).ok()?;
    (claims.exp > now).then_some(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies() {
        let c = Claims {
            iss: "http://127.0.0.1:1".into(),
            sub: "OQ1".into(),
            org: "OR1".into(),
            iat: 100,
            exp: 200,
        };
        let t = sign(b"k", &c);
        assert_eq!(verify(b"k", &t, 150), Some(c));
        assert_eq!(verify(b"k", &t, 200), None, "expired");
        assert_eq!(verify(b"other", &t, 150), None, "wrong key");
        let mut bad = t.clone();
        bad.push('x');
        assert_eq!(verify(b"k", &bad, 150), None);
    }
}
