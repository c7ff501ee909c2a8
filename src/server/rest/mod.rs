//! Twilio's own REST shapes on the SCIM server's listener (`tworg serve`), so Twilio's
//! unmodified SDKs and CLI can drive a world: OAuth client credentials (`/v2/token`,
//! `/v1/token`), the Organizations API (`/Organizations/{OR}/Accounts`, `…/RoleAssignments`,
//! `/v2/Organizations/RoleAssignments`), SCIM under the org path and `/scim/v2` with OAuth bearer
//! tokens too, and the 2010-04-01 Accounts API with HTTP Basic (an account's auth token or an
//! API key). Protocol only: every change is a model action applied through the shared session,
//! durable before it is acknowledged; every refusal's Twilio code comes from [`codes`].

pub mod codes;
pub mod jwt;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Value, json};

use super::AppState;
use crate::model::{
    Account, AccountStatus, AccountType, Action, ActionError, Actor, Ctx, Sid, SidKind, World,
    roles,
};
use crate::session::{ApplyError, Session};
use codes::Family;

/// How long an access token lives.
pub const TOKEN_SECONDS: i64 = 3600;

/// What the REST faces add to the server's state.
pub struct RestConfig {
    /// The HMAC key tokens are signed with (kept in a 0600 file beside the world).
    pub key: Vec<u8>,
    /// `scheme://host[:port]` clients reach this server at (no trailing slash).
    pub public: String,
}

/// A Twilio REST error: `{code, message, more_info, status}`.
#[derive(Debug)]
pub struct RestError {
    pub status: StatusCode,
    pub code: u32,
    pub message: String,
}

impl RestError {
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> RestError {
        RestError {
            status,
            code,
            message: message.into(),
        }
    }
    fn auth(message: impl Into<String>) -> RestError {
        RestError::new(StatusCode::UNAUTHORIZED, 20003, message)
    }
    fn not_found(message: impl Into<String>) -> RestError {
        RestError::new(StatusCode::NOT_FOUND, 20404, message)
    }
    fn bad(message: impl Into<String>) -> RestError {
        RestError::new(StatusCode::BAD_REQUEST, 20001, message)
    }
    /// A model error in `family`'s terms.
    fn from_apply(e: &ApplyError, family: Family, role_unknown: bool) -> RestError {
        match e {
            ApplyError::Action(a) => RestError::from_action(a, family, role_unknown),
            ApplyError::Save(s) => RestError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                20500,
                format!("the change was not saved, so not made: {s}"),
            ),
            ApplyError::ReadOnly => RestError::new(
                StatusCode::FORBIDDEN,
                20403,
                "this server is read-only (--read-only): it answers reads and refuses every change",
            ),
        }
    }
    fn from_action(e: &ActionError, family: Family, role_unknown: bool) -> RestError {
        match e {
            ActionError::Refused(r) => {
                let (status, code) = codes::for_rule(r.rule, family, role_unknown);
                RestError::new(
                    status,
                    code,
                    format!("{} ({}: {})", r.message, r.rule, r.hint),
                )
            }
            ActionError::NotFound(m) => RestError::not_found(m.clone()),
            ActionError::Invalid(m) => RestError::bad(m.clone()),
        }
    }
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let body = json!({
            "code": self.code,
            "message": self.message,
            "more_info": format!("https://www.twilio.com/docs/errors/{}", self.code),
            "status": self.status.as_u16(),
        });
        let mut r = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"tworg\""),
            );
        }
        r
    }
}

type RestResult = Result<Response, RestError>;

fn json_response(status: StatusCode, v: &Value) -> Response {
    (status, axum::Json(v.clone())).into_response()
}

/// The REST routes, tried before SCIM's. `None`: not a REST path (SCIM answers it).
pub async fn route(
    st: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Result<Result<Response, Body>, RestError> {
    let Some(cfg) = st.inner.rest.clone() else {
        return Ok(Err(body));
    };
    let segs: Vec<String> = uri
        .path()
        .split('/')
        .filter(|s| !s.is_empty())
        .map(super::decode_segment)
        .collect();
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    let query = parse_form(uri.query().unwrap_or("").as_bytes());
    let resp = match s.as_slice() {
        ["v2" | "v1", "token"] => match *method {
            Method::POST => {
                let created = s[0] == "v1";
                token(st, &cfg, headers, body, created).await
            }
            _ => Err(RestError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                20405,
                "the token endpoint takes POST",
            )),
        },
        ["2010-04-01", "Accounts.json"] => {
            let holder = basic_auth(st, headers).await?;
            match *method {
                Method::GET => accounts_2010_list(st, &cfg, &holder, &query).await,
                Method::POST => {
                    let form = read_form(body).await?;
                    accounts_2010_create(st, &holder, &form).await
                }
                _ => Err(method_not_allowed()),
            }
        }
        ["2010-04-01", "Accounts", file] if file.ends_with(".json") => {
            let holder = basic_auth(st, headers).await?;
            let sid = file.trim_end_matches(".json").to_string();
            match *method {
                Method::GET => accounts_2010_fetch(st, &holder, &sid).await,
                Method::POST => {
                    let form = read_form(body).await?;
                    accounts_2010_update(st, &holder, &sid, &form).await
                }
                _ => Err(method_not_allowed()),
            }
        }
        [o, org, "Accounts"] if o.eq_ignore_ascii_case("Organizations") => {
            let org = org_of_path(st, headers, &cfg, org).await?;
            match *method {
                Method::GET => org_accounts_list(st, &cfg, &org, uri.path(), &query).await,
                _ => Err(method_not_allowed()),
            }
        }
        [o, org, "Accounts", ac] if o.eq_ignore_ascii_case("Organizations") => {
            let org = org_of_path(st, headers, &cfg, org).await?;
            match *method {
                Method::GET => org_account_fetch(st, &org, ac).await,
                _ => Err(method_not_allowed()),
            }
        }
        // `/Organizations/{OR}/RoleAssignments`, or `/v2/…` with the org taken from the token
        [o, org, "RoleAssignments"]
            if o.eq_ignore_ascii_case("Organizations") || [*o, *org] == ["v2", "Organizations"] =>
        {
            let path_org = (*o != "v2").then_some(*org);
            let (org, actor) = org_actor(st, headers, &cfg, path_org).await?;
            role_assignments(
                st,
                &cfg,
                &org,
                actor,
                method,
                uri.path(),
                &query,
                headers,
                body,
            )
            .await
        }
        [o, org, "RoleAssignments", iy]
            if o.eq_ignore_ascii_case("Organizations") || [*o, *org] == ["v2", "Organizations"] =>
        {
            let path_org = (*o != "v2").then_some(*org);
            let (org, actor) = org_actor(st, headers, &cfg, path_org).await?;
            role_assignment_delete(st, &org, actor, method, iy).await
        }
        _ => return Ok(Err(body)),
    };
    resp.map(Ok)
}

fn method_not_allowed() -> RestError {
    RestError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        20405,
        "this method is not allowed here",
    )
}

fn parse_form(bytes: &[u8]) -> BTreeMap<String, String> {
    form_urlencoded::parse(bytes).into_owned().collect()
}

async fn read_body(body: Body) -> Result<axum::body::Bytes, RestError> {
    match tokio::time::timeout(
        super::BODY_TIMEOUT,
        axum::body::to_bytes(body, super::MAX_BODY),
    )
    .await
    {
        Ok(Ok(b)) => Ok(b),
        Ok(Err(_)) => Err(RestError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            20413,
            format!("the request body is larger than {} bytes", super::MAX_BODY),
        )),
        Err(_) => Err(RestError::new(
            StatusCode::REQUEST_TIMEOUT,
            20408,
            "the request body did not arrive in time",
        )),
    }
}

async fn read_form(body: Body) -> Result<BTreeMap<String, String>, RestError> {
    Ok(parse_form(&read_body(body).await?))
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

// ---- OAuth ----

async fn token(
    st: &AppState,
    cfg: &RestConfig,
    headers: &HeaderMap,
    body: Body,
    created: bool,
) -> RestResult {
    let mut form = read_form(body).await?;
    // client credentials may come as HTTP Basic too
    if let Some((id, secret)) = basic_pair(headers) {
        form.entry("client_id".into()).or_insert(id);
        form.entry("client_secret".into()).or_insert(secret);
    }
    let grant = form.get("grant_type").map(String::as_str).unwrap_or("");
    if grant != "client_credentials" {
        return Err(RestError::bad(format!(
            "grant_type '{grant}' is not supported here; use client_credentials"
        )));
    }
    let id = form.get("client_id").cloned().unwrap_or_default();
    let secret = form.get("client_secret").cloned().unwrap_or_default();
    let org = st.org().clone();
    let app = st
        .with_session(move |s| {
            s.world
                .oauth_client_matches(&id, &secret)
                .filter(|a| a.org == org)
                .map(|_| id.clone())
        })
        .await
        .ok_or_else(|| RestError::auth("the client id or secret is not valid"))?;
    let now = now_unix();
    let claims = jwt::Claims {
        iss: cfg.public.clone(),
        sub: app.clone(),
        org: st.org().to_string(),
        iat: now,
        exp: now + TOKEN_SECONDS,
    };
    let access = jwt::sign(&cfg.key, &claims);
    let v = json!({
        "access_token": access,
        "refresh_token": null,
        "id_token": null,
        "token_type": "Bearer",
        "expires_in": TOKEN_SECONDS,
    });
    Ok(json_response(
        if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        &v,
    ))
}

/// The OAuth app of a bearer token still valid for `org`.
pub fn bearer_app(cfg: &RestConfig, world: &World, org: &Sid, token: &str) -> Option<Sid> {
    let claims = jwt::verify(&cfg.key, token, now_unix())?;
    let sid = Sid::parse(SidKind::OAuthClient, &claims.sub).ok()?;
    let app = world.credentials.oauth_apps.get(&sid)?;
    (&app.org == org && claims.org == org.as_str()).then_some(sid)
}

/// The org and acting OAuth app of a Bearer request; `path_org` must be the served org.
async fn org_actor(
    st: &AppState,
    headers: &HeaderMap,
    cfg: &Arc<RestConfig>,
    path_org: Option<&str>,
) -> Result<(Sid, Actor), RestError> {
    let Some(token) = super::auth::bearer(headers).map(String::from) else {
        return Err(RestError::auth(
            "a bearer token is required (POST /v2/token with client credentials)",
        ));
    };
    let org = st.org().clone();
    let cfg = cfg.clone();
    let app = {
        let org = org.clone();
        st.with_session(move |s| bearer_app(&cfg, &s.world, &org, &token))
            .await
    }
    .ok_or_else(|| RestError::auth("the access token is not valid, or has expired"))?;
    if let Some(p) = path_org
        && p != org.as_str()
    {
        return Err(RestError::new(
            StatusCode::NOT_FOUND,
            25100,
            format!("organization {p} was not found"),
        ));
    }
    Ok((org, Actor::OAuthApp(app)))
}

async fn org_of_path(
    st: &AppState,
    headers: &HeaderMap,
    cfg: &Arc<RestConfig>,
    org: &str,
) -> Result<Sid, RestError> {
    org_actor(st, headers, cfg, Some(org)).await.map(|(o, _)| o)
}

// ---- paging ----

/// `PageSize` (default `default`, at most `max`) and the offset in `PageToken` (`PT<n>`).
fn paging(
    q: &BTreeMap<String, String>,
    default: usize,
    max: usize,
) -> Result<(usize, usize), RestError> {
    let size = match q.get("PageSize") {
        None => default,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| RestError::bad(format!("PageSize must be 1 to {max}")))?,
    };
    let offset = match q.get("PageToken").filter(|t| !t.is_empty()) {
        None => {
            q.get("Page")
                .and_then(|p| p.parse::<usize>().ok())
                .unwrap_or(0)
                * size
        }
        Some(t) => t
            .strip_prefix("PT")
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| RestError::bad("PageToken is not valid"))?,
    };
    Ok((size, offset))
}

fn query_string(pairs: &[(&str, String)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    ser.finish()
}

/// The `meta` envelope of the Organizations API (absolute URLs from the public URL).
fn meta(
    cfg: &RestConfig,
    path: &str,
    key: &str,
    extra: &[(&str, String)],
    size: usize,
    offset: usize,
    total: usize,
) -> Value {
    let url = |off: usize| {
        let mut pairs: Vec<(&str, String)> = extra.to_vec();
        pairs.push(("PageSize", size.to_string()));
        if off > 0 {
            pairs.push(("PageToken", format!("PT{off}")));
        }
        format!("{}{path}?{}", cfg.public, query_string(&pairs))
    };
    let next = (offset + size < total).then(|| url(offset + size));
    let prev = (offset > 0).then(|| url(offset.saturating_sub(size)));
    json!({
        "key": key,
        "page": offset / size,
        "page_size": size,
        "first_page_url": url(0),
        "previous_page_url": prev,
        "next_page_url": next,
        "url": url(offset),
    })
}

// ---- Organizations API: Accounts ----

fn iso(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn rfc2822(t: jiff::Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

fn status_label(s: AccountStatus) -> &'static str {
    match s {
        AccountStatus::Active => "active",
        AccountStatus::Suspended => "suspended",
        AccountStatus::Closed => "closed",
    }
}

fn org_account_json(w: &World, a: &Account) -> Value {
    json!({
        "account_sid": a.sid,
        "friendly_name": a.name,
        "status": status_label(a.status),
        "owner_sid": w.main_account(a).owner,
        "date_created": iso(a.created_at),
    })
}

fn is_managed_main(w: &World, org: &Sid, a: &Account) -> bool {
    a.parent.is_none() && w.kind_in(a, org) == Some(crate::model::AccountKind::Managed)
}

async fn org_accounts_list(
    st: &AppState,
    cfg: &RestConfig,
    org: &Sid,
    path: &str,
    q: &BTreeMap<String, String>,
) -> RestResult {
    let (size, offset) = paging(q, 50, 100)?;
    let org2 = org.clone();
    let (rows, total) = st
        .with_session(move |s| {
            let all: Vec<Value> = s
                .world
                .org_accounts(&org2)
                .filter(|a| is_managed_main(&s.world, &org2, a))
                .map(|a| org_account_json(&s.world, a))
                .collect();
            let total = all.len();
            (
                all.into_iter().skip(offset).take(size).collect::<Vec<_>>(),
                total,
            )
        })
        .await;
    Ok(json_response(
        StatusCode::OK,
        &json!({"content": rows, "meta": meta(cfg, path, "content", &[], size, offset, total)}),
    ))
}

async fn org_account_fetch(st: &AppState, org: &Sid, ac: &str) -> RestResult {
    let (org, ac) = (org.clone(), ac.to_string());
    st.with_session(move |s| {
        let w = &s.world;
        let a = w
            .find_account(&ac)
            .map_err(|_| RestError::not_found(format!("account {ac} was not found")))?;
        if w.link_of(a).is_none_or(|l| l.org != org) {
            return Err(RestError::not_found(format!("account {ac} was not found")));
        }
        if !is_managed_main(w, &org, a) {
            return Err(RestError::new(
                StatusCode::BAD_REQUEST,
                25101,
                format!("{ac} is not a managed account of this organization"),
            ));
        }
        Ok(json_response(StatusCode::OK, &org_account_json(w, a)))
    })
    .await
}

// ---- Organizations API: RoleAssignments ----

fn assignment_json(a: &crate::model::RoleAssignment) -> Value {
    json!({
        "sid": a.sid,
        "role_sid": a.role,
        "scope": a.scope,
        "identity": a.identity,
    })
}

#[allow(clippy::too_many_arguments)]
async fn role_assignments(
    st: &AppState,
    cfg: &RestConfig,
    org: &Sid,
    actor: Actor,
    method: &Method,
    path: &str,
    q: &BTreeMap<String, String>,
    headers: &HeaderMap,
    body: Body,
) -> RestResult {
    match *method {
        Method::GET => {
            let (size, offset) = paging(q, 100, 100)?;
            let identity = q.get("Identity").filter(|v| !v.is_empty()).cloned();
            let scope = q.get("Scope").filter(|v| !v.is_empty()).cloned();
            let org2 = org.clone();
            let (id2, sc2) = (identity.clone(), scope.clone());
            let (rows, total) = st
                .with_session(move |s| {
                    let list = s
                        .world
                        .list_role_assignments(&org2, id2.as_deref(), sc2.as_deref())
                        .map_err(|e| {
                            RestError::from_action(&e, Family::RoleAssignmentList, false)
                        })?;
                    let total = list.len();
                    let rows: Vec<Value> = list
                        .into_iter()
                        .skip(offset)
                        .take(size)
                        .map(assignment_json)
                        .collect();
                    Ok::<_, RestError>((rows, total))
                })
                .await?;
            let mut extra = Vec::new();
            if let Some(i) = identity {
                extra.push(("Identity", i));
            }
            if let Some(sc) = scope {
                extra.push(("Scope", sc));
            }
            Ok(json_response(
                StatusCode::OK,
                &json!({"content": rows, "meta": meta(cfg, path, "content", &extra, size, offset, total)}),
            ))
        }
        Method::POST => {
            let bytes = read_body(body).await?;
            let is_json = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("json"));
            let fields: BTreeMap<String, String> = if is_json {
                let v: Value = serde_json::from_slice(&bytes)
                    .map_err(|e| RestError::bad(format!("the body is not JSON: {e}")))?;
                v.as_object()
                    .map(|o| {
                        o.iter()
                            .filter_map(|(k, v)| v.as_str().map(|s| (to_snake(k), s.to_string())))
                            .collect()
                    })
                    .unwrap_or_default()
            } else {
                parse_form(&bytes)
                    .into_iter()
                    .map(|(k, v)| (to_snake(&k), v))
                    .collect()
            };
            let get = |k: &str| {
                fields
                    .get(k)
                    .cloned()
                    .ok_or_else(|| RestError::bad(format!("{k} is required")))
            };
            let (role, scope, identity) = (get("role_sid")?, get("scope")?, get("identity")?);
            let role_unknown = roles::find(&role).is_none();
            if !identity.starts_with("US") {
                return Err(RestError::new(
                    StatusCode::BAD_REQUEST,
                    25201,
                    format!("identity {identity} is not a user SID"),
                ));
            }
            let ctx = Ctx {
                org: org.clone(),
                actor,
            };
            let action = Action::AssignRole {
                user: identity,
                role,
                scope,
            };
            let (_, view) = apply_durably(
                st,
                ctx,
                action,
                Family::RoleAssignmentChange,
                role_unknown,
                |w, out| {
                    out.created
                        .iter()
                        .find(|(k, _)| *k == SidKind::RoleAssignment)
                        .and_then(|(_, sid)| w.role_assignments.get(sid))
                        .map(assignment_json)
                },
            )
            .await?;
            let view = view.ok_or_else(|| RestError::bad("the assignment was not created"))?;
            Ok(json_response(StatusCode::CREATED, &view))
        }
        _ => Err(method_not_allowed()),
    }
}

fn to_snake(k: &str) -> String {
    match k {
        "RoleSid" | "roleSid" => "role_sid".into(),
        "Scope" => "scope".into(),
        "Identity" => "identity".into(),
        other => other.to_ascii_lowercase(),
    }
}

/// Applies `action` as `ctx` under the session lock, reads `view` of the result under the same
/// lock, and answers only once the change is on disk.
async fn apply_durably<T: Send + 'static>(
    st: &AppState,
    ctx: Ctx,
    action: Action,
    family: Family,
    role_unknown: bool,
    view: impl FnOnce(&World, &crate::model::Outcome) -> T + Send + 'static,
) -> Result<(crate::model::Outcome, T), RestError> {
    st.change_durably(
        move |s| {
            let (out, pending) = s
                .apply_pending(&ctx, &action)
                .map_err(|e| RestError::from_apply(&e, family, role_unknown))?;
            let value = view(&s.world, &out);
            Ok(((out, value), pending))
        },
        move |e| RestError::from_apply(&e, family, role_unknown),
    )
    .await
}

async fn role_assignment_delete(
    st: &AppState,
    org: &Sid,
    actor: Actor,
    method: &Method,
    iy: &str,
) -> RestResult {
    if *method != Method::DELETE {
        return Err(method_not_allowed());
    }
    let ctx = Ctx {
        org: org.clone(),
        actor,
    };
    let action = Action::UnassignRole {
        sid: iy.to_string(),
    };
    apply_durably(
        st,
        ctx,
        action,
        Family::RoleAssignmentChange,
        false,
        |_, _| (),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---- 2010-04-01 Accounts ----

fn basic_pair(headers: &HeaderMap) -> Option<(String, String)> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, rest) = v.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (u, p) = text.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

/// The account whose credentials (auth token or API key) a request carries, in the served org.
async fn basic_auth(st: &AppState, headers: &HeaderMap) -> Result<Sid, RestError> {
    let Some((user, secret)) = basic_pair(headers) else {
        return Err(RestError::auth(
            "HTTP Basic credentials are required: an account SID and its auth token, or an API key SID and its secret",
        ));
    };
    let org = st.org().clone();
    st.with_session(move |s| {
        let w = &s.world;
        let holder = w
            .basic_credentials_account(&user, &secret)
            .ok_or_else(|| RestError::auth("the credentials are not valid"))?;
        let a = w
            .accounts
            .get(&holder)
            .ok_or_else(|| RestError::auth("the credentials are not valid"))?;
        if w.link_of(a).is_none_or(|l| l.org != org) {
            return Err(RestError::auth(
                "the credentials' account is not in the organization this server serves",
            ));
        }
        Ok(holder)
    })
    .await
}

fn account_2010_json(w: &World, a: &Account) -> Value {
    let uri = format!("/2010-04-01/Accounts/{}.json", a.sid);
    let sub = |r: &str| format!("/2010-04-01/Accounts/{}/{r}.json", a.sid);
    json!({
        "auth_token": "",
        "date_created": rfc2822(a.created_at),
        "date_updated": rfc2822(a.updated_at.unwrap_or(a.created_at)),
        "friendly_name": a.name,
        "owner_account_sid": a.parent.clone().unwrap_or_else(|| a.sid.clone()),
        "sid": a.sid,
        "status": status_label(a.status),
        "subresource_uris": {
            "addresses": sub("Addresses"),
            "applications": sub("Applications"),
            "calls": sub("Calls"),
            "incoming_phone_numbers": sub("IncomingPhoneNumbers"),
            "keys": sub("Keys"),
            "messages": sub("Messages"),
            "balance": sub("Balance"),
        },
        "type": match w.main_account(a).account_type { AccountType::Trial => "Trial", AccountType::Full => "Full" },
        "uri": uri,
    })
}

async fn accounts_2010_list(
    st: &AppState,
    _cfg: &RestConfig,
    holder: &Sid,
    q: &BTreeMap<String, String>,
) -> RestResult {
    let (size, offset) = paging(q, 50, 1000)?;
    let name = q.get("FriendlyName").cloned();
    let status = q.get("Status").map(|s| s.to_ascii_lowercase());
    if let Some(s) = &status
        && !["active", "suspended", "closed"].contains(&s.as_str())
    {
        return Err(RestError::bad(format!(
            "Status must be active, suspended or closed, not {s}"
        )));
    }
    let holder = holder.clone();
    let (n2, s2) = (name.clone(), status.clone());
    let (rows, total) = st
        .with_session(move |s| {
            let w = &s.world;
            let all: Vec<Value> = w
                .accounts
                .values()
                .filter(|a| w.credentials_reach(&holder, a))
                .filter(|a| n2.as_ref().is_none_or(|n| &a.name == n))
                .filter(|a| s2.as_ref().is_none_or(|st| status_label(a.status) == st))
                .map(|a| account_2010_json(w, a))
                .collect();
            let total = all.len();
            (
                all.into_iter().skip(offset).take(size).collect::<Vec<_>>(),
                total,
            )
        })
        .await;
    let page = offset / size;
    let uri = |off: usize| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(n) = &name {
            pairs.push(("FriendlyName", n.clone()));
        }
        if let Some(s) = &status {
            pairs.push(("Status", s.clone()));
        }
        pairs.push(("PageSize", size.to_string()));
        pairs.push(("Page", (off / size).to_string()));
        if off > 0 {
            pairs.push(("PageToken", format!("PT{off}")));
        }
        format!("/2010-04-01/Accounts.json?{}", query_string(&pairs))
    };
    let count = rows.len();
    let v = json!({
        "accounts": rows,
        "start": offset,
        "end": (offset + count).saturating_sub(1),
        "page": page,
        "page_size": size,
        "uri": uri(offset),
        "first_page_uri": uri(0),
        "next_page_uri": (offset + size < total).then(|| uri(offset + size)),
        "previous_page_uri": (offset > 0).then(|| uri(offset.saturating_sub(size))),
    });
    Ok(json_response(StatusCode::OK, &v))
}

fn ctx_of(w: &World, holder: &Sid) -> Option<Ctx> {
    let a = w.accounts.get(holder)?;
    let org = w.link_of(a)?.org.clone();
    Some(Ctx {
        org,
        actor: Actor::Account(holder.clone()),
    })
}

async fn holder_ctx(st: &AppState, holder: &Sid) -> Result<Ctx, RestError> {
    let holder = holder.clone();
    st.with_session(move |s| ctx_of(&s.world, &holder))
        .await
        .ok_or_else(|| RestError::auth("the credentials' account is not in an organization"))
}

fn account_view(sid: Sid) -> impl FnOnce(&World, &crate::model::Outcome) -> Value + Send {
    move |w, _| {
        w.accounts
            .get(&sid)
            .map(|a| account_2010_json(w, a))
            .unwrap_or(Value::Null)
    }
}

async fn accounts_2010_create(
    st: &AppState,
    holder: &Sid,
    form: &BTreeMap<String, String>,
) -> RestResult {
    let ctx = holder_ctx(st, holder).await?;
    let action = Action::CreateSubaccount {
        parent: holder.to_string(),
        name: form.get("FriendlyName").cloned(),
    };
    let (_, v) = apply_durably(st, ctx, action, Family::Accounts2010, false, |w, out| {
        out.created
            .iter()
            .find(|(k, _)| *k == SidKind::Account)
            .and_then(|(_, sid)| w.accounts.get(sid))
            .map(|a| account_2010_json(w, a))
            .unwrap_or(Value::Null)
    })
    .await?;
    Ok(json_response(StatusCode::CREATED, &v))
}

/// The account `sid` when the holder's credentials reach it (20404 otherwise: Twilio does not
/// say that an account it will not show exists).
async fn reachable(st: &AppState, holder: &Sid, sid: &str) -> Result<Sid, RestError> {
    let (holder, key) = (holder.clone(), sid.to_string());
    st.with_session(move |s| {
        let w = &s.world;
        Sid::parse(SidKind::Account, &key)
            .ok()
            .and_then(|sid| w.accounts.get(&sid))
            .filter(|a| w.credentials_reach(&holder, a))
            .map(|a| a.sid.clone())
            .ok_or_else(|| {
                RestError::not_found(format!(
                    "The requested resource /2010-04-01/Accounts/{key}.json was not found"
                ))
            })
    })
    .await
}

async fn accounts_2010_fetch(st: &AppState, holder: &Sid, sid: &str) -> RestResult {
    let sid = reachable(st, holder, sid).await?;
    let v = st
        .with_session(move |s| account_view(sid)(&s.world, &Default::default()))
        .await;
    Ok(json_response(StatusCode::OK, &v))
}

async fn accounts_2010_update(
    st: &AppState,
    holder: &Sid,
    sid: &str,
    form: &BTreeMap<String, String>,
) -> RestResult {
    let sid = reachable(st, holder, sid).await?;
    let ctx = holder_ctx(st, holder).await?;
    let mut actions = Vec::new();
    if let Some(name) = form.get("FriendlyName") {
        actions.push(Action::RenameAccount {
            sid: sid.to_string(),
            name: name.clone(),
        });
    }
    if let Some(status) = form.get("Status") {
        let s2 = sid.clone();
        let (current, name) = st
            .with_session(move |s| {
                let a = &s.world.accounts[&s2];
                (a.status, a.name.clone())
            })
            .await;
        let want = status.to_ascii_lowercase();
        let action = match (want.as_str(), current) {
            ("active", AccountStatus::Active) | ("suspended", AccountStatus::Suspended) => None,
            ("active", _) => Some(Action::ResumeAccount {
                sid: sid.to_string(),
            }),
            ("suspended", _) => Some(Action::SuspendAccount {
                sid: sid.to_string(),
            }),
            ("closed", _) => Some(Action::CloseAccount {
                sid: sid.to_string(),
                // the API's own confirmation is the request itself
                confirm_name: form.get("FriendlyName").cloned().unwrap_or(name),
            }),
            _ => {
                return Err(RestError::bad(format!(
                    "Status must be active, suspended or closed, not {status}"
                )));
            }
        };
        actions.extend(action);
    }
    for action in actions {
        apply_durably(
            st,
            ctx.clone(),
            action,
            Family::Accounts2010,
            false,
            |_, _| (),
        )
        .await?;
    }
    accounts_2010_fetch(st, holder, sid.as_str()).await
}

// ---- serving ----

/// The signing key beside the world: `<world>.oauth-key`, 32 random bytes in hex, mode 0600.
pub fn load_or_create_key(world_path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    use std::io::{Read, Write};
    use std::os::unix::fs::OpenOptionsExt;
    let mut name = world_path.as_os_str().to_owned();
    name.push(".oauth-key");
    let path = std::path::PathBuf::from(name);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let key = text.trim().as_bytes().to_vec();
        if key.len() >= 32 {
            return Ok(key);
        }
    }
    let mut buf = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut buf)?;
    let hex: String = buf.iter().map(|b| format!("{b:02x}")).collect();
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| anyhow::anyhow!("cannot write the key file {}: {e}", path.display()))?;
    f.write_all(hex.as_bytes())?;
    f.sync_all()?;
    Ok(hex.into_bytes())
}

/// `tworg serve`: every face of Twilio's REST surface for the org chosen with `--org`, on one
/// listener. Prints the base URL first on stdout; stops on Ctrl-C or SIGTERM.
pub fn serve_cli(
    target: &crate::target::Target,
    listen: &str,
    public_url: Option<&str>,
    read_only: bool,
) -> anyhow::Result<()> {
    let addr = super::resolve_listen(listen)?;
    let (file, world) = if read_only {
        (None, target.read().map_err(anyhow::Error::from)?)
    } else {
        let (file, world) = target.open().map_err(anyhow::Error::from)?;
        (Some(file), world)
    };
    let ctx = crate::target::resolve_ctx(&world, target.org.as_deref(), None)
        .map_err(anyhow::Error::from)?;
    let org = world.org(&ctx.org)?.clone();
    let key = load_or_create_key(&target.path)?;
    let session = match file {
        Some(file) => Session::new(world, Some(file)).with_background_compaction(),
        None => Session::read_only(world),
    }
    .shared();
    let public = public_url.map(|u| u.trim_end_matches('/').to_string());
    let handle = super::spawn_rest(session.clone(), org.sid.clone(), addr, move |bound| {
        RestConfig {
            key,
            public: public.unwrap_or_else(|| format!("http://{bound}")),
        }
    })?;
    let public = handle.public().to_string();
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        writeln!(out, "{public}")?;
        out.flush()?;
    }
    crate::errln!(
        "tworg serve: {} ({}) at {public} — /v2/token, /Organizations/{}/…, /scim/v2, /2010-04-01/Accounts; Ctrl-C stops",
        org.name,
        org.sid,
        org.sid
    );
    super::run_until_stopped("tworg serve", handle, &session)
}
