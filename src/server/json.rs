//! SCIM JSON: rendering users, reading user bodies, `attributes`/`excludedAttributes`, and the
//! error body every failure carries (`status` as a string, `scimType`, Twilio's `code`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::model::scim::{ScimUserData, is_uniqueness};
use crate::model::{ActionError, ScimEmail, User, World, rules};
use crate::session::ApplyError;

use super::filter::{self, get_ci, strip_urn};

pub const USER_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const ERROR_URN: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
pub const LIST_URN: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const PATCH_URN: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const SEARCH_URN: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
pub const CONTENT_TYPE: &str = "application/scim+json; charset=utf-8";

/// A SCIM error response (RFC 7644 §3.12) with Twilio's numeric `code`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScimError {
    pub status: StatusCode,
    pub scim_type: Option<&'static str>,
    pub detail: String,
    /// Twilio's error code: 250xx for SCIM rule errors, 20000 + status for protocol errors.
    pub code: u32,
}

impl ScimError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> ScimError {
        ScimError {
            status,
            scim_type: None,
            detail: detail.into(),
            code: 20000 + u32::from(status.as_u16()),
        }
    }
    pub fn typed(
        status: StatusCode,
        scim_type: &'static str,
        detail: impl Into<String>,
    ) -> ScimError {
        ScimError {
            scim_type: Some(scim_type),
            ..ScimError::new(status, detail)
        }
    }
    pub fn code(mut self, code: u32) -> ScimError {
        self.code = code;
        self
    }
    pub fn bad_request(scim_type: &'static str, detail: impl Into<String>) -> ScimError {
        ScimError::typed(StatusCode::BAD_REQUEST, scim_type, detail).code(25006)
    }
    pub fn not_found(detail: impl Into<String>) -> ScimError {
        ScimError::new(StatusCode::NOT_FOUND, detail).code(25008)
    }
    pub fn invalid_filter(detail: impl Into<String>) -> ScimError {
        ScimError::typed(StatusCode::BAD_REQUEST, "invalidFilter", detail).code(25001)
    }

    /// The body. Twilio's `code` goes into `detail` (and the `Twilio-Error-Code` header), not into
    /// a member of its own: strict clients (scim2-models, following §5.3 of the SCIM
    /// interoperability profile) refuse an Error with members RFC 7644 does not define.
    pub fn body(&self) -> Value {
        let mut b = json!({
            "schemas": [ERROR_URN],
            "status": self.status.as_u16().to_string(),
            "detail": format!("{} [Twilio error {}]", self.detail, self.code),
        });
        if let Some(t) = self.scim_type {
            b["scimType"] = json!(t);
        }
        b
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let mut r = scim_json(self.status, &self.body());
        r.headers_mut()
            .insert("twilio-error-code", HeaderValue::from(self.code));
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"tworg-scim\""),
            );
        }
        r
    }
}

/// A JSON body with the SCIM media type.
pub fn scim_json(status: StatusCode, body: &Value) -> Response {
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    r
}

/// Maps what the model said to a SCIM error; refusals cite their rule in `detail`.
pub fn from_action_error(e: &ActionError) -> ScimError {
    match e {
        ActionError::Refused(r) => {
            let detail = format!("{}: {} ({})", r.rule, r.message, r.hint);
            if is_uniqueness(r) {
                return ScimError::typed(StatusCode::CONFLICT, "uniqueness", detail).code(25022);
            }
            match r.rule {
                id if id == rules::SCIM_4.id => {
                    let code = if r.message.contains("Owner") {
                        25016
                    } else {
                        25009
                    };
                    ScimError::typed(StatusCode::BAD_REQUEST, "mutability", detail).code(code)
                }
                id if id == rules::USR_8.id => ScimError::new(StatusCode::CONFLICT, detail),
                id if id == rules::SCIM_1.id => ScimError::new(StatusCode::FORBIDDEN, detail),
                id if id == rules::SCIM_2.id => {
                    let code = if r.message.contains("verified domain") {
                        25017
                    } else if r.message.contains("is not the userName") {
                        25014
                    } else if r.message.contains("primary") {
                        25010
                    } else {
                        25011
                    };
                    ScimError::typed(StatusCode::BAD_REQUEST, "invalidValue", detail).code(code)
                }
                _ => ScimError::typed(StatusCode::BAD_REQUEST, "invalidValue", detail).code(25006),
            }
        }
        ActionError::NotFound(m) => ScimError::not_found(m.clone()),
        ActionError::Invalid(m) => ScimError::bad_request("invalidValue", m.clone()),
    }
}

pub fn from_apply_error(e: &ApplyError) -> ScimError {
    match e {
        ApplyError::Action(a) => from_action_error(a),
        ApplyError::Save(s) => ScimError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the change applied but the world file could not be written: {s}"),
        ),
        ApplyError::ReadOnly => ScimError::new(
            StatusCode::FORBIDDEN,
            "this server is read-only (--read-only): it answers reads and refuses every change",
        ),
    }
}

/// `W/"<version>"`, the ETag and `meta.version`.
pub fn etag(world: &World, user: &User) -> String {
    format!("W/\"{}\"", world.scim_version(user))
}

/// A user as a SCIM resource.
pub fn user_resource(world: &World, user: &User, base_url: &str) -> Value {
    let d = world.scim_view(user);
    let mut o = Map::new();
    o.insert("schemas".into(), json!([USER_URN]));
    o.insert("id".into(), json!(user.sid.as_str()));
    if let Some(x) = &d.external_id {
        o.insert("externalId".into(), json!(x));
    }
    o.insert("userName".into(), json!(d.user_name));
    let mut name = Map::new();
    if let Some(g) = &d.given_name {
        name.insert("givenName".into(), json!(g));
    }
    if let Some(f) = &d.family_name {
        name.insert("familyName".into(), json!(f));
    }
    if !name.is_empty() {
        o.insert("name".into(), Value::Object(name));
    }
    if let Some(x) = &d.display_name {
        o.insert("displayName".into(), json!(x));
    }
    if !d.emails.is_empty() {
        let emails: Vec<Value> = d
            .emails
            .iter()
            .map(|e| {
                let mut m = Map::new();
                m.insert("value".into(), json!(e.value));
                if let Some(k) = &e.kind {
                    m.insert("type".into(), json!(k));
                }
                m.insert("primary".into(), json!(e.primary));
                Value::Object(m)
            })
            .collect();
        o.insert("emails".into(), Value::Array(emails));
    }
    if let Some(x) = &d.locale {
        o.insert("locale".into(), json!(x));
    }
    if let Some(x) = &d.timezone {
        o.insert("timezone".into(), json!(x));
    }
    if let Some(a) = d.active {
        o.insert("active".into(), json!(a));
    }
    let created = user
        .membership
        .as_ref()
        .map(|m| m.joined_at)
        .unwrap_or(user.created_at);
    let modified = user.scim.last_modified.unwrap_or(created).max(created);
    o.insert(
        "meta".into(),
        json!({
            "resourceType": "User",
            "created": created.to_string(),
            "lastModified": modified.to_string(),
            "location": format!("{base_url}/Users/{}", user.sid),
            "version": etag(world, user),
        }),
    );
    Value::Object(o)
}

fn string_field(v: &Value, what: &str) -> Result<Option<String>, ScimError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        other => Err(ScimError::bad_request(
            "invalidValue",
            format!("{what} must be a string, not {other}"),
        )),
    }
}

fn bool_field(v: &Value, what: &str) -> Result<Option<bool>, ScimError> {
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        // Entra sends "True"/"False"
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        other => Err(ScimError::bad_request(
            "invalidValue",
            format!("{what} must be true or false, not {other}"),
        )),
    }
}

/// Reads a User body (POST, PUT, or the result of a PATCH). Attribute names are
/// case-insensitive; read-only attributes (`id`, `meta`) and unknown ones, including extension
/// schemas, are ignored.
pub fn parse_user(body: &Value) -> Result<ScimUserData, ScimError> {
    let Some(obj) = body.as_object() else {
        return Err(ScimError::bad_request(
            "invalidSyntax",
            "the body must be a JSON object (a SCIM User)",
        ));
    };
    if let Some(s) = get_ci(body, "schemas") {
        let ok = s.as_array().is_some_and(|a| a.iter().all(Value::is_string));
        if !ok {
            return Err(ScimError::bad_request(
                "invalidSyntax",
                "schemas must be an array of schema URNs",
            ));
        }
        if !s
            .as_array()
            .expect("array")
            .iter()
            .any(|u| u.as_str().is_some_and(|u| u.eq_ignore_ascii_case(USER_URN)))
        {
            return Err(ScimError::bad_request(
                "invalidSyntax",
                format!("schemas must include {USER_URN}"),
            ));
        }
    }
    let mut d = ScimUserData::default();
    let mut user_name = None;
    for (key, v) in obj {
        let k = strip_urn(key);
        if filter::is_urn(key)
            && !key
                .to_ascii_lowercase()
                .starts_with(&USER_URN.to_ascii_lowercase())
        {
            continue; // an extension schema we do not store
        }
        match k.to_ascii_lowercase().as_str() {
            "username" => user_name = string_field(v, "userName")?,
            "externalid" => d.external_id = string_field(v, "externalId")?,
            "displayname" => d.display_name = string_field(v, "displayName")?,
            "locale" => d.locale = string_field(v, "locale")?,
            "timezone" => d.timezone = string_field(v, "timezone")?,
            "active" => d.active = bool_field(v, "active")?,
            "name" => match v {
                Value::Null => {}
                Value::Object(_) => {
                    if let Some(g) = get_ci(v, "givenName") {
                        d.given_name = string_field(g, "name.givenName")?;
                    }
                    if let Some(f) = get_ci(v, "familyName") {
                        d.family_name = string_field(f, "name.familyName")?;
                    }
                }
                other => {
                    return Err(ScimError::bad_request(
                        "invalidValue",
                        format!("name must be an object, not {other}"),
                    ));
                }
            },
            "emails" => d.emails = parse_emails(v)?,
            _ => {}
        }
    }
    d.user_name = match user_name {
        Some(u) if !u.trim().is_empty() => u,
        _ => {
            return Err(ScimError::bad_request(
                "invalidValue",
                "userName is required",
            ));
        }
    };
    Ok(d)
}

fn parse_emails(v: &Value) -> Result<Vec<ScimEmail>, ScimError> {
    let items = match v {
        Value::Null => return Ok(Vec::new()),
        Value::Array(a) => a.clone(),
        Value::Object(_) => vec![v.clone()],
        other => {
            return Err(ScimError::bad_request(
                "invalidValue",
                format!("emails must be an array, not {other}"),
            ));
        }
    };
    if items.len() > 20 {
        return Err(ScimError::bad_request("invalidValue", "at most 20 emails"));
    }
    items
        .iter()
        .map(|e| {
            if !e.is_object() {
                return Err(ScimError::bad_request(
                    "invalidValue",
                    "each email must be an object with a value",
                ));
            }
            let value = get_ci(e, "value")
                .map(|x| string_field(x, "emails.value"))
                .transpose()?
                .flatten()
                .ok_or_else(|| ScimError::bad_request("invalidValue", "an email has no value"))?;
            let kind = get_ci(e, "type")
                .map(|x| string_field(x, "emails.type"))
                .transpose()?
                .flatten();
            let primary = get_ci(e, "primary")
                .map(|x| bool_field(x, "emails.primary"))
                .transpose()?
                .flatten()
                .unwrap_or(false);
            Ok(ScimEmail {
                value,
                kind,
                primary,
            })
        })
        .collect()
}

/// Which attributes a response carries (`attributes` / `excludedAttributes`, RFC 7644 §3.9).
#[derive(Debug, Clone, Default)]
pub struct Projection {
    pub attributes: Vec<(String, Option<String>)>,
    pub excluded: Vec<(String, Option<String>)>,
}

impl Projection {
    /// From comma-separated lists (query parameters).
    pub fn from_lists(attributes: Option<&str>, excluded: Option<&str>) -> Projection {
        let split = |s: Option<&str>| -> Vec<(String, Option<String>)> {
            s.unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let p = strip_urn(p);
                    let mut it = p.splitn(2, '.');
                    (
                        it.next().unwrap_or_default().to_ascii_lowercase(),
                        it.next().map(str::to_ascii_lowercase),
                    )
                })
                .collect()
        };
        Projection {
            attributes: split(attributes),
            excluded: split(excluded),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.attributes.is_empty() && self.excluded.is_empty()
    }

    /// Applies to a rendered resource; `id` and `schemas` are always returned.
    pub fn apply(&self, resource: Value) -> Value {
        if self.is_empty() {
            return resource;
        }
        let Value::Object(obj) = resource else {
            return resource;
        };
        let always = |k: &str| k == "id" || k == "schemas";
        let mut out = Map::new();
        for (k, v) in obj {
            let lk = k.to_ascii_lowercase();
            if always(&lk) {
                out.insert(k, v);
                continue;
            }
            if !self.attributes.is_empty() {
                let wanted: Vec<&Option<String>> = self
                    .attributes
                    .iter()
                    .filter(|(a, _)| *a == lk)
                    .map(|(_, s)| s)
                    .collect();
                if wanted.is_empty() {
                    continue;
                }
                if wanted.iter().any(|s| s.is_none()) {
                    out.insert(k, v);
                } else {
                    let subs: Vec<&str> = wanted.iter().filter_map(|s| s.as_deref()).collect();
                    out.insert(k, keep_subs(v, &subs));
                }
                continue;
            }
            let dropped: Vec<&Option<String>> = self
                .excluded
                .iter()
                .filter(|(a, _)| *a == lk)
                .map(|(_, s)| s)
                .collect();
            if dropped.iter().any(|s| s.is_none()) {
                continue;
            }
            if dropped.is_empty() {
                out.insert(k, v);
            } else {
                let subs: Vec<&str> = dropped.iter().filter_map(|s| s.as_deref()).collect();
                out.insert(k, drop_subs(v, &subs));
            }
        }
        Value::Object(out)
    }
}

fn keep_subs(v: Value, subs: &[&str]) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.into_iter()
                .filter(|(k, _)| subs.contains(&k.to_ascii_lowercase().as_str()))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(|i| keep_subs(i, subs)).collect()),
        other => other,
    }
}

fn drop_subs(v: Value, subs: &[&str]) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.into_iter()
                .filter(|(k, _)| !subs.contains(&k.to_ascii_lowercase().as_str()))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(|i| drop_subs(i, subs)).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_user_reads_case_insensitively_and_ignores_extensions() {
        let d = parse_user(&json!({
            "schemas": [USER_URN, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
            "USERNAME": "a@b.example",
            "Name": {"GivenName": "A"},
            "emails": [{"Value": "a@b.example", "primary": "True"}],
            "active": "False",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "x"},
            "id": "ignored", "meta": {}
        }))
        .unwrap();
        assert_eq!(d.user_name, "a@b.example");
        assert_eq!(d.given_name.as_deref(), Some("A"));
        assert!(d.emails[0].primary);
        assert_eq!(d.active, Some(false));
    }

    #[test]
    fn parse_user_refuses_bad_bodies() {
        for body in [
            json!([1, 2]),
            json!({"not": "a scim resource"}),
            json!({"schemas": [USER_URN]}),
            json!({"userName": 5}),
            json!({"userName": "a", "active": 3}),
            json!({"userName": "a", "emails": "x"}),
            json!({"userName": "a", "schemas": ["urn:other"]}),
        ] {
            let e = parse_user(&body).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST, "{body}");
        }
    }

    #[test]
    fn projection() {
        let r = json!({"schemas": [USER_URN], "id": "1", "userName": "u", "displayName": "d",
                       "name": {"givenName": "g", "familyName": "f"}, "meta": {}});
        let p = Projection::from_lists(Some("displayName,name.givenName"), None).apply(r.clone());
        assert_eq!(
            p,
            json!({"schemas": [USER_URN], "id": "1", "displayName": "d", "name": {"givenName": "g"}})
        );
        let p = Projection::from_lists(None, Some("displayName,name.familyName,id")).apply(r);
        assert_eq!(
            p,
            json!({"schemas": [USER_URN], "id": "1", "userName": "u", "name": {"givenName": "g"}, "meta": {}})
        );
    }

    #[test]
    fn error_body_has_string_status() {
        let b = ScimError::invalid_filter("bad").body();
        assert_eq!(b["status"], "400");
        assert_eq!(b["scimType"], "invalidFilter");
        assert_eq!(b["detail"], "bad [Twilio error 25001]");
    }
}
