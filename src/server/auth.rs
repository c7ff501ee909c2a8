//! Bearer-token authentication (SCIM-1): the token is compared with the org's stored hash in
//! constant time by the model; a missing or wrong token gets 401 with `WWW-Authenticate: Bearer`.

use axum::http::{HeaderMap, StatusCode, header};

use super::json::ScimError;

/// The bearer token of a request, if it has one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

pub fn unauthorized(detail: &str) -> ScimError {
    ScimError::new(StatusCode::UNAUTHORIZED, detail)
}

/// Checks the request's token against the org (through the model's constant-time compare).
/// The bearer token's holder, as `holder` finds it (`None`: no such token here).
pub fn check<A>(
    headers: &HeaderMap,
    holder: impl FnOnce(&str) -> Option<A>,
) -> Result<A, ScimError> {
    match bearer(headers) {
        None => Err(unauthorized(
            "SCIM-1: a bearer token is required (Authorization: Bearer TOKEN)",
        )),
        Some(t) if t.len() > 512 => Err(unauthorized("SCIM-1: the bearer token is not valid")),
        Some(t) => holder(t).ok_or_else(|| {
            unauthorized("SCIM-1: the bearer token is not valid for this organization")
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bearer_tokens() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert(header::AUTHORIZATION, "Bearer abc".parse().unwrap());
        assert_eq!(bearer(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, "bearer  abc ".parse().unwrap());
        assert_eq!(bearer(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(bearer(&h), None);
        h.insert(header::AUTHORIZATION, "non-token".parse().unwrap());
        assert_eq!(bearer(&h), None);
    }
}
