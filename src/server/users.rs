//! `/Users`: list and search (filter, paging, attribute selection), create, read, replace,
//! patch and delete. Reads and writes happen under one brief lock of the session, so a PATCH
//! is computed from, checked against (`If-Match`) and applied to the same version of the user.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::model::{Action, Actor, Ctx, Sid, User, World};
use crate::session::{Pending, Session};

use super::filter::{self, Filter, KeyAttr};
use super::json::{self, LIST_URN, Projection, ScimError};
use super::{AppState, BODY_TIMEOUT, MAX_BODY, MAX_RESULTS, patch};

/// Who a SCIM change is made by: the org's SCIM token, or the OAuth app whose token was shown
/// (`tworg serve`); the audit names it.
fn scim_ctx(org: &Sid, actor: &Actor) -> Ctx {
    Ctx {
        org: org.clone(),
        actor: actor.clone(),
    }
}

/// Reads a JSON body: at most [`MAX_BODY`] bytes (413), within [`BODY_TIMEOUT`] (408).
pub async fn read_json(headers: &HeaderMap, body: Body) -> Result<Value, ScimError> {
    let too_large = || {
        ScimError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is larger than {MAX_BODY} bytes"),
        )
    };
    if headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > MAX_BODY as u64)
    {
        return Err(too_large());
    }
    let bytes = match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, MAX_BODY)).await
    {
        Err(_) => {
            return Err(ScimError::new(
                StatusCode::REQUEST_TIMEOUT,
                "the request body did not arrive in time",
            ));
        }
        Ok(Err(_)) => return Err(too_large()),
        Ok(Ok(b)) => b,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ScimError::bad_request(
            "invalidSyntax",
            "the request body is empty",
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        ScimError::bad_request("invalidSyntax", format!("the body is not valid JSON: {e}"))
    })
}

/// Query parameters, `+` decoded as a space; names compared case-insensitively.
fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.into_owned())
}

/// A user response with its `ETag`.
fn user_response(status: StatusCode, resource: Value, etag: &str) -> Response {
    let mut r = json::scim_json(status, &resource);
    if let Ok(v) = HeaderValue::from_str(etag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

/// The user a PUT, PATCH or DELETE names, if its ETag still matches `If-Match` (412 if not).
fn user_for_update<'a>(
    world: &'a World,
    org: &Sid,
    id: &str,
    headers: &HeaderMap,
) -> Result<&'a User, ScimError> {
    let u = world
        .scim_user(org, id)
        .map_err(|e| json::from_action_error(&e))?;
    check_if_match(headers, &json::etag(world, u))?;
    Ok(u)
}

/// `If-Match`: `*`, or a list of ETags compared weakly. A mismatch is 412.
fn check_if_match(headers: &HeaderMap, current: &str) -> Result<(), ScimError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(());
    };
    let value = value.to_str().unwrap_or_default();
    let strip = |t: &str| {
        let t = t.trim();
        t.strip_prefix("W/")
            .unwrap_or(t)
            .trim_matches('"')
            .to_string()
    };
    let current = strip(current);
    if value.trim() == "*" || value.split(',').any(|t| strip(t) == current) {
        return Ok(());
    }
    Err(ScimError::new(
        StatusCode::PRECONDITION_FAILED,
        format!("the user has changed: If-Match {value} does not match the current version W/\"{current}\""),
    )
    .code(25020))
}

fn if_none_match(headers: &HeaderMap, current: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',').any(|t| {
                let t = t.trim();
                t == "*"
                    || t.strip_prefix("W/").unwrap_or(t)
                        == current.strip_prefix("W/").unwrap_or(current)
            })
        })
}

/// The attributes a filter may name.
const FILTER_ATTRS: &[(&str, &[&str])] = &[
    ("id", &[]),
    ("externalId", &[]),
    ("userName", &[]),
    ("displayName", &[]),
    ("name", &["givenName", "familyName"]),
    ("emails", &["value", "type", "primary"]),
    ("active", &[]),
    ("locale", &[]),
    ("timezone", &[]),
    (
        "meta",
        &[
            "created",
            "lastModified",
            "resourceType",
            "location",
            "version",
        ],
    ),
];

/// Parses a filter and checks that it names only attributes this server has (400 otherwise).
pub fn parse_filter(text: &str) -> Result<Filter, ScimError> {
    let f = filter::parse(text).map_err(|e| ScimError::invalid_filter(format!("filter: {e}")))?;
    for p in f.paths() {
        let known = FILTER_ATTRS
            .iter()
            .find(|(a, _)| a.eq_ignore_ascii_case(&p.attr));
        let ok = match (known, &p.sub) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some((_, subs)), Some(s)) => subs.iter().any(|x| x.eq_ignore_ascii_case(s)),
        };
        if !ok {
            return Err(ScimError::invalid_filter(format!(
                "filter: '{p}' is not an attribute of this server's User"
            )));
        }
    }
    Ok(f)
}

struct ListRequest {
    filter: Option<Filter>,
    start_index: usize,
    count: usize,
    projection: Projection,
}

fn number(value: Option<&Value>, what: &str) -> Result<Option<i64>, ScimError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_i64()),
        Some(Value::String(s)) => s.trim().parse::<i64>().map(Some).map_err(|_| {
            ScimError::bad_request(
                "invalidValue",
                format!("{what} must be an integer, not '{s}'"),
            )
        }),
        Some(other) => Err(ScimError::bad_request(
            "invalidValue",
            format!("{what} must be an integer, not {other}"),
        )),
    }
}

impl ListRequest {
    fn new(
        filter: Option<String>,
        start_index: Option<i64>,
        count: Option<i64>,
        projection: Projection,
    ) -> Result<ListRequest, ScimError> {
        let filter = match filter.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(f) => Some(parse_filter(f)?),
        };
        Ok(ListRequest {
            filter,
            // RFC 7644 §3.4.2.4: below 1 is read as 1; a negative count as 0
            start_index: start_index.unwrap_or(1).max(1) as usize,
            count: count
                .unwrap_or(MAX_RESULTS as i64)
                .clamp(0, MAX_RESULTS as i64) as usize,
            projection,
        })
    }

    fn from_query(query: Option<&str>) -> Result<ListRequest, ScimError> {
        let q = |n| query_param(query, n);
        let attrs = q("attributes");
        let excluded = q("excludedAttributes");
        ListRequest::new(
            q("filter"),
            number(q("startIndex").map(Value::String).as_ref(), "startIndex")?,
            number(q("count").map(Value::String).as_ref(), "count")?,
            Projection::from_lists(attrs.as_deref(), excluded.as_deref()),
        )
    }

    fn from_body(body: &Value) -> Result<ListRequest, ScimError> {
        if !body.is_object() {
            return Err(ScimError::bad_request(
                "invalidSyntax",
                "a SearchRequest is a JSON object",
            ));
        }
        let list = |name: &str| -> Result<Option<String>, ScimError> {
            match filter::get_ci(body, name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Array(a)) => Ok(Some(
                    a.iter()
                        .map(|v| v.as_str().map(String::from))
                        .collect::<Option<Vec<_>>>()
                        .ok_or_else(|| {
                            ScimError::bad_request(
                                "invalidValue",
                                format!("{name} must be strings"),
                            )
                        })?
                        .join(","),
                )),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(ScimError::bad_request(
                    "invalidValue",
                    format!("{name} must be an array, not {other}"),
                )),
            }
        };
        let filter = match filter::get_ci(body, "filter") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                return Err(ScimError::invalid_filter(format!(
                    "filter must be a string, not {other}"
                )));
            }
        };
        let attrs = list("attributes")?;
        let excluded = list("excludedAttributes")?;
        ListRequest::new(
            filter,
            number(filter::get_ci(body, "startIndex"), "startIndex")?,
            number(filter::get_ci(body, "count"), "count")?,
            Projection::from_lists(attrs.as_deref(), excluded.as_deref()),
        )
    }
}

async fn run_list(st: &AppState, base: &str, req: ListRequest) -> Result<Response, ScimError> {
    let org = st.org().clone();
    let base = base.to_string();
    let start = req.start_index;
    let (total, page) = st
        .with_session(move |s| {
            let world = &s.world;
            let Some(filter) = &req.filter else {
                // without a filter only the page is rendered (an org may have many thousands)
                let users: Vec<&User> = world.scim_users(&org).collect();
                let page = users
                    .iter()
                    .skip(req.start_index - 1)
                    .take(req.count)
                    .map(|u| req.projection.apply(json::user_resource(world, u, &base)))
                    .collect();
                return (users.len(), page);
            };
            let mut total = 0usize;
            let mut page = Vec::new();
            // An equality the whole filter requires narrows the members through the model's
            // index first (userName in canonical form, SCIM-2; externalId case-exact); only the
            // users that may match are rendered and filtered.
            let candidates: Box<dyn Iterator<Item = &User>> = match filter.required_equality() {
                Some((KeyAttr::UserName, v)) => {
                    Box::new(world.scim_users_named(&org, v).into_iter())
                }
                Some((KeyAttr::ExternalId, v)) => {
                    Box::new(world.scim_users_with_external_id(&org, v).into_iter())
                }
                Some((KeyAttr::Id, v)) => Box::new(world.scim_user(&org, v).ok().into_iter()),
                None => Box::new(world.scim_users(&org)),
            };
            for u in candidates {
                let r = json::user_resource(world, u, &base);
                if filter.matches(&r) {
                    total += 1;
                    if total >= req.start_index && page.len() < req.count {
                        page.push(req.projection.apply(r));
                    }
                }
            }
            (total, page)
        })
        .await;
    Ok(json::scim_json(
        StatusCode::OK,
        &json!({
            "schemas": [LIST_URN],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": page.len(),
            "Resources": page,
        }),
    ))
}

pub async fn list(st: &AppState, base: &str, query: Option<&str>) -> Result<Response, ScimError> {
    run_list(st, base, ListRequest::from_query(query)?).await
}

pub async fn search(
    st: &AppState,
    base: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, ScimError> {
    let body = read_json(headers, body).await?;
    run_list(st, base, ListRequest::from_body(&body)?).await
}

pub async fn get(
    st: &AppState,
    base: &str,
    id: &str,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Result<Response, ScimError> {
    let projection = Projection::from_lists(
        query_param(query, "attributes").as_deref(),
        query_param(query, "excludedAttributes").as_deref(),
    );
    let (org, id, base2) = (st.org().clone(), id.to_string(), base.to_string());
    let (resource, etag) = st
        .with_session_quick(move |s| {
            let u = s
                .world
                .scim_user(&org, &id)
                .map_err(|e| json::from_action_error(&e))?;
            Ok::<_, ScimError>((
                json::user_resource(&s.world, u, &base2),
                json::etag(&s.world, u),
            ))
        })
        .await?;
    if if_none_match(headers, &etag) {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&etag) {
            r.headers_mut().insert(header::ETAG, v);
        }
        return Ok(r);
    }
    Ok(user_response(
        StatusCode::OK,
        projection.apply(resource),
        &etag,
    ))
}

/// PUT and PATCH end alike: one replace through the model, then the user as it is now.
fn replace_and_render(
    s: &mut Session,
    ctx: &Ctx,
    sid: &Sid,
    data: crate::model::scim::ScimUserData,
    patch: bool,
    base: &str,
) -> Result<((Value, String), Pending), ScimError> {
    let action = Action::ScimReplaceUser {
        id: sid.to_string(),
        user: data,
        patch,
    };
    let pending = apply(s, ctx, &action)?;
    let u = s.world.user(sid).map_err(|e| json::from_action_error(&e))?;
    Ok((rendered(&s.world, u, base), pending))
}

/// Renders a user after a change.
fn rendered(world: &World, user: &User, base: &str) -> (Value, String) {
    (
        json::user_resource(world, user, base),
        json::etag(world, user),
    )
}

/// Applies a change and appends it to the journal; the caller answers only after waiting on the
/// returned [`Pending`] outside the session's lock ([`AppState::change_session`]).
fn apply(s: &mut Session, ctx: &Ctx, action: &Action) -> Result<Pending, ScimError> {
    s.apply_pending(ctx, action)
        .map(|(_, pending)| pending)
        .map_err(|e| json::from_apply_error(&e))
}

/// [`apply`], with what the action did.
fn apply_outcome(
    s: &mut Session,
    ctx: &Ctx,
    action: &Action,
) -> Result<(crate::model::Outcome, Pending), ScimError> {
    s.apply_pending(ctx, action)
        .map_err(|e| json::from_apply_error(&e))
}

pub async fn create(
    st: &AppState,
    actor: &Actor,
    base: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, ScimError> {
    let body = read_json(headers, body).await?;
    let data = json::parse_user(&body)?;
    let (ctx, base2) = (scim_ctx(st.org(), actor), base.to_string());
    let (resource, etag) = st
        .change_session(move |s| {
            let (out, pending) = apply_outcome(s, &ctx, &Action::ScimCreateUser { user: data })?;
            let sid = out
                .created
                .last()
                .map(|(_, sid)| sid.clone())
                .expect("a SCIM create reports its user");
            let u = s
                .world
                .user(&sid)
                .map_err(|e| json::from_action_error(&e))?;
            Ok((rendered(&s.world, u, &base2), pending))
        })
        .await?;
    let mut r = user_response(StatusCode::CREATED, resource.clone(), &etag);
    if let Some(loc) = resource["meta"]["location"].as_str()
        && let Ok(v) = HeaderValue::from_str(loc)
    {
        r.headers_mut().insert(header::LOCATION, v);
    }
    Ok(r)
}

pub async fn replace(
    st: &AppState,
    actor: &Actor,
    base: &str,
    id: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, ScimError> {
    let data = json::parse_user(&read_json(headers, body).await?)?;
    update(st, actor, base, id, headers, false, move |_| Ok(data)).await
}

pub async fn patch(
    st: &AppState,
    actor: &Actor,
    base: &str,
    id: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, ScimError> {
    let body = read_json(headers, body).await?;
    // The operations apply to the user as SCIM shows it, then the result replaces the user.
    update(st, actor, base, id, headers, true, move |mut resource| {
        patch::apply(&mut resource, &body)?;
        json::parse_user(&resource)
    })
    .await
}

/// PUT and PATCH: find the user (checking `If-Match`), make the new data from its current
/// resource, replace it through the model under one lock, answer with the user as it is now.
async fn update(
    st: &AppState,
    actor: &Actor,
    base: &str,
    id: &str,
    headers: &HeaderMap,
    patch: bool,
    make: impl FnOnce(Value) -> Result<crate::model::scim::ScimUserData, ScimError> + Send + 'static,
) -> Result<Response, ScimError> {
    let (ctx, id, base, hdrs) = (
        scim_ctx(st.org(), actor),
        id.to_string(),
        base.to_string(),
        headers.clone(),
    );
    let (resource, etag) = st
        .change_session(move |s| {
            let u = user_for_update(&s.world, &ctx.org, &id, &hdrs)?;
            let sid = u.sid.clone();
            let data = make(json::user_resource(&s.world, u, &base))?;
            replace_and_render(s, &ctx, &sid, data, patch, &base)
        })
        .await?;
    Ok(user_response(StatusCode::OK, resource, &etag))
}

pub async fn delete(
    st: &AppState,
    actor: &Actor,
    id: &str,
    headers: &HeaderMap,
) -> Result<Response, ScimError> {
    let (ctx, id, hdrs) = (scim_ctx(st.org(), actor), id.to_string(), headers.clone());
    st.change_session(move |s| {
        let sid = user_for_update(&s.world, &ctx.org, &id, &hdrs)?
            .sid
            .to_string();
        let pending = apply(s, &ctx, &Action::ScimDeleteUser { id: sid })?;
        Ok(((), pending))
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
