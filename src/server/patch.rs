//! SCIM PATCH (RFC 7644 §3.5.2): operations are applied to the user's JSON resource, which is then
//! read back like a PUT body, so the model sees one complete user and checks every rule once.
//! `op` is case-insensitive (Entra sends `Replace`); paths may be absent, simple (`active`),
//! dotted (`name.givenName`), or value-filtered (`emails[type eq "work"].value`). Unknown
//! attributes and extension schemas are ignored (as Twilio does); read-only ones are refused.

use serde_json::{Map, Value};

use super::filter::{self, CompareOp, Filter, Literal, strip_urn};
use super::json::{PATCH_URN, ScimError, USER_URN};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Remove,
    Replace,
}

/// A PATCH path: `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    pub attr: String,
    pub filter: Option<Filter>,
    pub sub: Option<String>,
}

/// The User attributes tworg stores, in canonical spelling, and their sub-attributes.
const ATTRS: &[(&str, &[&str])] = &[
    ("externalId", &[]),
    ("userName", &[]),
    ("displayName", &[]),
    ("name", &["givenName", "familyName"]),
    ("emails", &["value", "type", "primary"]),
    ("locale", &[]),
    ("timezone", &[]),
    ("active", &[]),
];

const READ_ONLY: &[&str] = &["id", "meta", "schemas"];

fn canonical(attr: &str) -> Option<(&'static str, &'static [&'static str])> {
    ATTRS
        .iter()
        .find(|(a, _)| a.eq_ignore_ascii_case(attr))
        .copied()
}

fn canonical_sub(subs: &[&'static str], sub: &str) -> Option<&'static str> {
    subs.iter().find(|s| s.eq_ignore_ascii_case(sub)).copied()
}

fn invalid_path(detail: String) -> ScimError {
    ScimError::bad_request("invalidPath", detail)
}

impl PatchPath {
    pub fn parse(text: &str) -> Result<PatchPath, ScimError> {
        let t = text.trim();
        // a URN prefix may itself contain dots (core:2.0:User), so strip it before anything else
        let t = if filter::is_urn(t) {
            match t.find('[') {
                Some(b) => {
                    let head = strip_urn(&t[..b]);
                    return PatchPath::parse(&format!("{head}{}", &t[b..]));
                }
                None => strip_urn(t),
            }
        } else {
            t
        };
        if let Some(open) = t.find('[') {
            let close = t
                .rfind(']')
                .filter(|c| *c > open)
                .ok_or_else(|| invalid_path(format!("'{text}': a '[' is not closed")))?;
            let attr = &t[..open];
            let inner = &t[open + 1..close];
            let rest = &t[close + 1..];
            let sub = match rest {
                "" => None,
                r if r.starts_with('.') && r.len() > 1 => Some(r[1..].to_string()),
                _ => return Err(invalid_path(format!("'{text}' is not a valid path"))),
            };
            let f = filter::parse(inner).map_err(|e| invalid_path(format!("'{text}': {e}")))?;
            filter::AttrPath::parse(attr).map_err(invalid_path)?;
            return Ok(PatchPath {
                attr: attr.to_string(),
                filter: Some(f),
                sub,
            });
        }
        let p = filter::AttrPath::parse(t).map_err(invalid_path)?;
        Ok(PatchPath {
            attr: p.attr,
            filter: None,
            sub: p.sub,
        })
    }
}

/// Applies a PatchOp body to a rendered resource.
pub fn apply(resource: &mut Value, body: &Value) -> Result<(), ScimError> {
    if !body.is_object() {
        return Err(ScimError::bad_request(
            "invalidSyntax",
            "the body must be a PatchOp object",
        ));
    }
    if let Some(s) = filter::get_ci(body, "schemas") {
        let ok = s.as_array().is_some_and(|a| {
            a.iter().any(|u| {
                u.as_str()
                    .is_some_and(|u| u.eq_ignore_ascii_case(PATCH_URN))
            })
        });
        if !ok {
            return Err(ScimError::bad_request(
                "invalidSyntax",
                format!("schemas must be [\"{PATCH_URN}\"]"),
            ));
        }
    }
    let ops = filter::get_ci(body, "Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ScimError::bad_request("invalidSyntax", "Operations must be an array of operations")
        })?;
    if ops.is_empty() {
        return Err(ScimError::bad_request(
            "invalidValue",
            "Operations is empty",
        ));
    }
    if ops.len() > 100 {
        return Err(ScimError::bad_request(
            "invalidValue",
            "at most 100 operations",
        ));
    }
    for op in ops {
        let name = filter::get_ci(op, "op")
            .and_then(Value::as_str)
            .ok_or_else(|| ScimError::bad_request("invalidSyntax", "an operation has no op"))?;
        let kind = match name.to_ascii_lowercase().as_str() {
            "add" => Op::Add,
            "remove" => Op::Remove,
            "replace" => Op::Replace,
            other => {
                return Err(ScimError::bad_request(
                    "invalidSyntax",
                    format!("'{other}' is not an operation (add, remove, replace)"),
                ));
            }
        };
        let path = match filter::get_ci(op, "path") {
            None | Some(Value::Null) => None,
            Some(Value::String(p)) if p.trim().is_empty() => None,
            Some(Value::String(p)) => Some(p.as_str()),
            Some(other) => {
                return Err(invalid_path(format!("path must be a string, not {other}")));
            }
        };
        let value = filter::get_ci(op, "value").cloned();
        match (path, kind) {
            (None, Op::Remove) => {
                return Err(ScimError::bad_request("noTarget", "remove needs a path"));
            }
            (None, _) => {
                let Some(Value::Object(fields)) = value else {
                    return Err(ScimError::bad_request(
                        "invalidValue",
                        "an operation without a path needs an object value",
                    ));
                };
                apply_object(resource, kind, &fields)?;
            }
            (Some(p), _) => {
                if is_extension(p) {
                    continue;
                }
                let path = PatchPath::parse(p)?;
                apply_path(resource, kind, &path, value)?;
            }
        }
    }
    Ok(())
}

fn is_extension(path: &str) -> bool {
    filter::is_urn(path)
        && !path
            .to_ascii_lowercase()
            .starts_with(&USER_URN.to_ascii_lowercase())
}

/// `{"op":"replace","value":{"displayName":"x","name.givenName":"y"}}`
fn apply_object(
    resource: &mut Value,
    kind: Op,
    fields: &Map<String, Value>,
) -> Result<(), ScimError> {
    for (k, v) in fields {
        if k.eq_ignore_ascii_case(USER_URN) {
            if let Value::Object(inner) = v {
                apply_object(resource, kind, inner)?;
            }
            continue;
        }
        if is_extension(k) {
            continue;
        }
        let path = PatchPath::parse(k)?;
        apply_path(resource, kind, &path, Some(v.clone()))?;
    }
    Ok(())
}

fn need_value(value: Option<Value>) -> Result<Value, ScimError> {
    value.ok_or_else(|| ScimError::bad_request("invalidValue", "this operation needs a value"))
}

fn apply_path(
    resource: &mut Value,
    kind: Op,
    path: &PatchPath,
    value: Option<Value>,
) -> Result<(), ScimError> {
    if READ_ONLY.iter().any(|r| r.eq_ignore_ascii_case(&path.attr)) {
        return Err(ScimError::bad_request(
            "mutability",
            format!("{} is read-only", path.attr),
        ));
    }
    let Some((attr, subs)) = canonical(&path.attr) else {
        return Ok(()); // an attribute tworg does not store: ignored, as Twilio does
    };
    let sub = match &path.sub {
        Some(s) => match canonical_sub(subs, s) {
            Some(c) => Some(c),
            None => return Ok(()),
        },
        None => None,
    };
    if (attr == "userName" || attr == "active") && kind == Op::Remove {
        return Err(ScimError::bad_request(
            "mutability",
            format!("{attr} is required and cannot be removed"),
        ));
    }
    let obj = resource.as_object_mut().expect("a resource is an object");
    // Entra sends `remove` with a `value` naming the values to remove from a multi-valued
    // attribute; anywhere else a remove's value is ignored
    let removed_values = match (kind, attr, &path.filter, sub, &value) {
        (Op::Remove, "emails", None, None, Some(Value::Array(a))) if !a.is_empty() => {
            Some(a.clone())
        }
        (Op::Remove, "emails", None, None, Some(one @ Value::Object(_))) => Some(vec![one.clone()]),
        _ => None,
    };
    let value = match kind {
        Op::Remove => None,
        _ => Some(need_value(value)?),
    };
    match (attr, &path.filter, sub) {
        ("emails", Some(f), sub) => apply_filtered(obj, kind, f, sub, value),
        ("emails", None, None) => {
            let new = match value {
                Some(Value::Array(a)) => a,
                Some(Value::Null) | None => Vec::new(),
                Some(one) => vec![one],
            };
            match kind {
                Op::Remove => match removed_values {
                    Some(gone) => {
                        emails_mut(obj).retain(|e| !gone.iter().any(|g| same_value(e, g)));
                    }
                    None => {
                        obj.remove("emails");
                    }
                },
                Op::Replace => {
                    obj.insert("emails".into(), Value::Array(new));
                }
                Op::Add => {
                    let adds_primary = new.iter().any(is_primary);
                    let list = emails_mut(obj);
                    if adds_primary {
                        for e in list.iter_mut() {
                            set_ci(e, "primary", Value::Bool(false));
                        }
                    }
                    for n in new {
                        // adding a value that is already there changes nothing (RFC 7644 §3.5.2.1)
                        if !list.iter().any(|e| same_value(e, &n)) {
                            list.push(n);
                        }
                    }
                }
            }
            Ok(())
        }
        ("emails", None, Some(sub)) => {
            let list = emails_mut(obj);
            for e in list.iter_mut() {
                match &value {
                    Some(v) => set_ci(e, sub, v.clone()),
                    None => remove_ci(e, sub),
                }
            }
            Ok(())
        }
        ("name", None, None) => {
            match value {
                None | Some(Value::Null) => {
                    obj.remove("name");
                }
                Some(Value::Object(fields)) => {
                    let name = obj
                        .entry("name")
                        .or_insert_with(|| Value::Object(Map::new()));
                    if !name.is_object() {
                        *name = Value::Object(Map::new());
                    }
                    for (k, v) in fields {
                        if let Some(c) = canonical_sub(subs, &k) {
                            set_ci(name, c, v);
                        }
                    }
                }
                Some(other) => {
                    return Err(ScimError::bad_request(
                        "invalidValue",
                        format!("name must be an object, not {other}"),
                    ));
                }
            }
            Ok(())
        }
        ("name", None, Some(sub)) => {
            let name = obj
                .entry("name")
                .or_insert_with(|| Value::Object(Map::new()));
            match value {
                Some(v) => set_ci(name, sub, v),
                None => remove_ci(name, sub),
            }
            if name.as_object().is_some_and(Map::is_empty) {
                obj.remove("name");
            }
            Ok(())
        }
        (_, Some(_), _) => Err(invalid_path(format!(
            "{attr} is not multi-valued; a value filter does not apply"
        ))),
        (_, None, Some(_)) => Ok(()),
        (_, None, None) => {
            match value {
                Some(v) => {
                    obj.insert(attr.into(), v);
                }
                None => {
                    obj.remove(attr);
                }
            }
            Ok(())
        }
    }
}

fn is_primary(e: &Value) -> bool {
    filter::get_ci(e, "primary").is_some_and(|p| {
        p.as_bool() == Some(true) || p.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true"))
    })
}

fn same_value(a: &Value, b: &Value) -> bool {
    let v = |x: &Value| {
        filter::get_ci(x, "value")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
    };
    v(a).is_some() && v(a) == v(b)
}

fn emails_mut(obj: &mut Map<String, Value>) -> &mut Vec<Value> {
    let e = obj
        .entry("emails")
        .or_insert_with(|| Value::Array(Vec::new()));
    if !e.is_array() {
        *e = Value::Array(Vec::new());
    }
    e.as_array_mut().expect("array")
}

fn set_ci(target: &mut Value, key: &str, v: Value) {
    if let Value::Object(o) = target {
        let existing = o.keys().find(|k| k.eq_ignore_ascii_case(key)).cloned();
        o.insert(existing.unwrap_or_else(|| key.to_string()), v);
    }
}

fn remove_ci(target: &mut Value, key: &str) {
    if let Value::Object(o) = target {
        o.retain(|k, _| !k.eq_ignore_ascii_case(key));
    }
}

/// `emails[type eq "work"]` and `emails[type eq "work"].value`.
fn apply_filtered(
    obj: &mut Map<String, Value>,
    kind: Op,
    f: &Filter,
    sub: Option<&str>,
    value: Option<Value>,
) -> Result<(), ScimError> {
    let list = emails_mut(obj);
    let matching: Vec<usize> = (0..list.len()).filter(|i| f.matches(&list[*i])).collect();
    match (kind, sub) {
        (Op::Remove, None) => {
            let mut i = 0;
            list.retain(|_| {
                let keep = !matching.contains(&i);
                i += 1;
                keep
            });
        }
        (Op::Remove, Some(sub)) => {
            for i in matching {
                remove_ci(&mut list[i], sub);
            }
        }
        (_, sub) => {
            let value = value.expect("checked");
            if value.as_bool() == Some(true) && sub == Some("primary") {
                for e in list.iter_mut() {
                    set_ci(e, "primary", Value::Bool(false));
                }
            }
            if matching.is_empty() {
                // Entra: replace emails[type eq "work"].value on a user without a work email
                let Filter::Compare(p, CompareOp::Eq, Literal::Str(s)) = f else {
                    return Err(ScimError::bad_request(
                        "noTarget",
                        "no email matches the path filter",
                    ));
                };
                let mut e = Value::Object(Map::new());
                set_ci(&mut e, &p.attr, Value::String(s.clone()));
                match (sub, value) {
                    (Some(sub), v) => set_ci(&mut e, sub, v),
                    (None, Value::Object(fields)) => {
                        for (k, v) in fields {
                            set_ci(&mut e, &k, v);
                        }
                    }
                    (None, other) => {
                        return Err(ScimError::bad_request(
                            "invalidValue",
                            format!("an email must be an object, not {other}"),
                        ));
                    }
                }
                list.push(e);
                return Ok(());
            }
            for i in matching {
                match (sub, &value) {
                    (Some(sub), v) => set_ci(&mut list[i], sub, v.clone()),
                    (None, Value::Object(fields)) => {
                        if kind == Op::Replace {
                            list[i] = Value::Object(Map::new());
                        }
                        for (k, v) in fields {
                            set_ci(&mut list[i], k, v.clone());
                        }
                    }
                    (None, other) => {
                        return Err(ScimError::bad_request(
                            "invalidValue",
                            format!("an email must be an object, not {other}"),
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user() -> Value {
        json!({"schemas": [USER_URN], "id": "US1", "userName": "a@x.example", "active": true,
               "name": {"givenName": "A", "familyName": "B"}, "displayName": "A B",
               "emails": [{"value": "a@x.example", "type": "work", "primary": true}]})
    }

    fn patch(ops: Value) -> Result<Value, ScimError> {
        let mut u = user();
        apply(&mut u, &json!({"schemas": [PATCH_URN], "Operations": ops}))?;
        Ok(u)
    }

    #[test]
    fn simple_and_dotted_paths() {
        let u = patch(json!([
            {"op": "Replace", "path": "active", "value": false},
            {"op": "add", "path": "name.givenName", "value": "Ann"},
            {"op": "remove", "path": "displayName"},
            {"op": "replace", "path": "urn:ietf:params:scim:schemas:core:2.0:User:locale", "value": "fr"}
        ]))
        .unwrap();
        assert_eq!(u["active"], false);
        assert_eq!(u["name"]["givenName"], "Ann");
        assert_eq!(u["name"]["familyName"], "B");
        assert!(u.get("displayName").is_none());
        assert_eq!(u["locale"], "fr");
    }

    #[test]
    fn value_filters() {
        let u = patch(json!([
            {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "new@x.example"}
        ]))
        .unwrap();
        assert_eq!(u["emails"][0]["value"], "new@x.example");
        let u = patch(json!([
            {"op": "replace", "path": "emails[type eq \"home\"].value", "value": "h@y.example"}
        ]))
        .unwrap();
        assert_eq!(
            u["emails"][1],
            json!({"type": "home", "value": "h@y.example"})
        );
        let u = patch(json!([{"op": "remove", "path": "emails[type eq \"work\"]"}])).unwrap();
        assert_eq!(u["emails"], json!([]));
    }

    #[test]
    fn no_path_object_values() {
        let u = patch(json!([
            {"op": "replace", "value": {"displayName": "Z", "name.familyName": "Q", "active": "False",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "x"}}}
        ]))
        .unwrap();
        assert_eq!(u["displayName"], "Z");
        assert_eq!(u["name"]["familyName"], "Q");
        assert_eq!(u["active"], "False");
    }

    #[test]
    fn remove_with_a_value_removes_only_those_values() {
        let u = patch(json!([
            {"op": "add", "path": "emails", "value": [{"value": "b@x.example", "type": "home"}]},
            {"op": "remove", "path": "emails", "value": [{"value": "B@x.example"}]}
        ]))
        .unwrap();
        assert_eq!(u["emails"], user()["emails"]);
    }

    #[test]
    fn add_primary_email_clears_other_primaries() {
        let u = patch(json!([
            {"op": "add", "path": "emails", "value": [{"value": "b@x.example", "primary": true}]}
        ]))
        .unwrap();
        assert_eq!(u["emails"][0]["primary"], false);
        assert_eq!(u["emails"][1]["primary"], true);
    }

    #[test]
    fn errors() {
        assert!(patch(json!([{"op": "remove"}])).is_err());
        assert!(patch(json!([{"op": "move", "path": "active"}])).is_err());
        assert!(patch(json!([{"op": "remove", "path": "userName"}])).is_err());
        assert!(patch(json!([{"op": "replace", "path": "id", "value": "x"}])).is_err());
        assert!(
            patch(json!([{"op": "replace", "path": "emails[type eq ]", "value": "x"}])).is_err()
        );
        assert!(patch(json!([])).is_err());
        // unknown attributes are ignored, as Twilio does
        assert_eq!(
            patch(json!([{"op": "replace", "path": "title", "value": "x"}])).unwrap(),
            user()
        );
    }
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;
    use serde_json::json;

    proptest! {
        #[test]
        fn paths_and_ops_never_panic(path in "\\PC{0,60}", op in "(add|remove|replace|Replace|x)") {
            let _ = super::PatchPath::parse(&path);
            let mut u = json!({"userName": "u", "emails": [{"value": "a@b.c"}], "name": {"givenName": "g"}});
            let _ = super::apply(&mut u, &json!({"Operations": [{"op": op, "path": path, "value": "v"}]}));
        }
    }
}
