//! The SCIM 2.0 server: Users only, at `http://ADDR/Organizations/{OrgSid}/scim` (Twilio's path
//! shape; `/scim/v2` is an alias). Protocol only — JSON shapes, filters, PATCH paths, ETags,
//! status codes; every change is a model [`Action`](crate::model::Action) applied through the
//! shared [`Session`], so it is checked by the rules, audited as `scim-token` (or as the OAuth
//! app whose token was shown, under `tworg serve`, which adds Twilio's REST faces: [`rest`]) and
//! journalled before the answer.
//!
//! The server runs in its own thread ([`spawn`]), so the synchronous console can run it too:
//! both share one `Arc<Mutex<Session>>`, which the server locks only briefly and never across an
//! `.await`. That thread accepts connections and serves reads; changes are parsed and applied on
//! a second runtime's workers at a lower priority (the `connections` module says why).
//!
//! A bad client cannot exhaust the process: request bodies are capped at [`MAX_BODY`] (413),
//! request targets at [`MAX_URI`] (414), headers at [`MAX_HEADERS`] lines and
//! [`MAX_HEADER_BYTES`] (431), each with a SCIM Error body; headers must arrive within
//! [`HEADER_TIMEOUT`] (also how long a kept-alive connection may stay idle; [`PRESSURE_TIMEOUT`]
//! when three quarters of the slots are taken), bodies within [`BODY_TIMEOUT`] (408), a request
//! gets [`REQUEST_TIMEOUT`] in all (503), and at most [`MAX_CONNECTIONS`] connections are served
//! at once. When every slot is taken, a new connection takes the slot of the oldest connection
//! that is idle and has never authenticated, so idle or unauthenticated connections cannot starve
//! a client with the token; connections that authenticated are never closed for another.
//!
//! Absolute URLs (`Location`, `meta.location`) come from configuration only: the bound address,
//! or `--public-url`; never from the request's `Host`.

pub mod auth;
mod connections;
pub mod discovery;
pub mod filter;
pub mod json;
pub mod patch;
pub mod rest;
pub mod users;

use std::net::{SocketAddr, TcpListener as StdListener, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tokio::sync::watch;

use crate::model::{Sid, SidKind};
use crate::session::{ApplyError, Pending, Session, SharedSession};
use crate::target::Target;
use json::ScimError;

/// The largest request body accepted (413 beyond).
pub const MAX_BODY: usize = 64 * 1024;
/// The most resources one list page holds (`filter.maxResults`).
pub const MAX_RESULTS: usize = 200;
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
pub const MAX_CONNECTIONS: usize = 256;
/// The header time-out (and idle keep-alive time-out) of a connection accepted while three
/// quarters of the slots are taken.
pub const PRESSURE_TIMEOUT: Duration = Duration::from_secs(2);
/// The longest request target (path and query) answered; 414 beyond.
pub const MAX_URI: usize = 8 * 1024;
/// The most header lines in one request; 431 beyond.
pub const MAX_HEADERS: usize = 100;
/// The most bytes of header names and values in one request; 431 beyond.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// hyper's own hard limits, far past the ones above so that those answer first, with a body:
/// past these hyper closes the connection with a bare status.
const HARD_MAX_HEADERS: usize = 1000;
const HARD_MAX_BUF: usize = 512 * 1024;

/// How many times a quick read tries the session lock, spinning between tries (some tens of
/// microseconds in all, about what a change holds it for), before it waits on the blocking pool.
const QUICK_TRIES: usize = 500;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    session: SharedSession,
    org: Sid,
    /// `http://ADDR` as bound, or `--public-url`: the origin of every absolute URL.
    origin: String,
    /// One change is worked on at a time; the others wait here, asleep, instead of taking the
    /// CPU from readers (changes are one at a time under the session lock anyway, and a change
    /// leaves the gate before its fsync, so concurrent changes still share one).
    change_gate: Arc<tokio::sync::Semaphore>,
    /// Twilio's REST faces (`tworg serve`); `None` for SCIM alone.
    rest: Option<Arc<rest::RestConfig>>,
}

impl AppState {
    pub fn new(session: SharedSession, org: Sid, addr: SocketAddr) -> AppState {
        AppState::with_origin(session, org, format!("http://{addr}"))
    }

    /// The same, with absolute URLs under `origin` (`https://scim.example.test`) instead of
    /// the bound address (`--public-url`, behind a proxy).
    pub fn with_public_url(session: SharedSession, org: Sid, public: &str) -> AppState {
        AppState::with_origin(session, org, public.trim_end_matches('/').to_string())
    }

    fn with_origin(session: SharedSession, org: Sid, origin: String) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                session,
                org,
                origin,
                change_gate: Arc::new(tokio::sync::Semaphore::new(1)),
                rest: None,
            }),
        }
    }

    pub fn org(&self) -> &Sid {
        &self.inner.org
    }

    /// The same state with Twilio's REST faces on.
    pub fn with_rest(self, cfg: rest::RestConfig) -> AppState {
        let inner = Arc::into_inner(self.inner).expect("configured before serving");
        AppState {
            inner: Arc::new(Inner {
                rest: Some(Arc::new(cfg)),
                ..inner
            }),
        }
    }

    /// Runs `f` with the session locked, on the blocking pool: the lock is never held across an
    /// `.await`, and a slow save does not stall the runtime's workers.
    pub async fn with_session<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Session) -> T + Send + 'static,
    ) -> T {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = inner
                .session
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut guard)
        })
        .await
        .expect("a session task panicked")
    }

    /// [`with_session`](Self::with_session) for a read that takes microseconds (checking a
    /// token, fetching one user by id): done at once on this thread when the session is free or
    /// comes free within `QUICK_TRIES` tries, saving the hand-off to the blocking pool that,
    /// with many changes in flight, made such a read wait behind them; on the blocking pool as
    /// before when the session stays busy (a long read, the console drawing a frame).
    pub async fn with_session_quick<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Session) -> T + Send + 'static,
    ) -> T {
        // the guard must be gone before the `.await` (a future holding it could not be sent)
        for _ in 0..QUICK_TRIES {
            match self.inner.session.try_lock() {
                Ok(mut guard) => return f(&mut guard),
                Err(std::sync::TryLockError::Poisoned(p)) => return f(&mut p.into_inner()),
                Err(std::sync::TryLockError::WouldBlock) => std::hint::spin_loop(),
            }
        }
        self.with_session(f).await
    }

    /// Runs a change `f` with the session locked, then — the lock released, so concurrent
    /// changes share one fsync and readers are not held — waits until it is on disk. Only then
    /// is the answer given: a change is never acknowledged before it is durable. If the wait
    /// fails the change is not acknowledged (500) and the world is read back from the files.
    pub async fn change_session<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Session) -> Result<(T, Pending), ScimError> + Send + 'static,
    ) -> Result<T, ScimError> {
        self.change_durably(f, |e| json::from_apply_error(&e)).await
    }

    /// [`change_session`](Self::change_session) for any face's error type: `save_error` says a
    /// failed save in that face's words (SCIM's error body, Twilio's REST error).
    pub async fn change_durably<T: Send + 'static, E: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Session) -> Result<(T, Pending), E> + Send + 'static,
        save_error: impl FnOnce(ApplyError) -> E + Send + 'static,
    ) -> Result<T, E> {
        let inner = self.inner.clone();
        let permit = inner
            .change_gate
            .clone()
            .acquire_owned()
            .await
            .expect("the change gate is never closed");
        tokio::task::spawn_blocking(move || {
            let lock = || {
                inner
                    .session
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
            };
            let (value, pending) = f(&mut lock())?;
            drop(permit);
            match pending.wait() {
                Ok(()) => Ok(value),
                Err(e) => {
                    lock().recover_if_failed();
                    Err(save_error(ApplyError::Save(e)))
                }
            }
        })
        .await
        .expect("a session task panicked")
    }

    /// The base URL clients use, from configuration only (the bound address or
    /// `--public-url`): a request's `Host` header is never echoed into a URL, so a forged one
    /// cannot point a client (or a cache) elsewhere. The headers are not read.
    pub fn base_url(&self, _headers: &HeaderMap) -> String {
        format!(
            "{}/Organizations/{}/scim",
            self.inner.origin, self.inner.org
        )
    }
}

/// What a thread that parses and applies changes runs at: 10 nicer than the thread that
/// starts the server (at most 19). Changes are throughput work, reads are latency work: on a
/// machine busy with a flood of creates, a read then waits less than twice its idle time, for
/// about 15% of the creates' throughput (figures in the README). A thread is only ever made
/// nicer, which needs no privilege; the level is absolute because a thread inherits its
/// spawner's, and the runtime starts blocking threads from threads already lowered.
fn yield_to_reads() -> impl Fn() + Send + Sync + 'static {
    // SAFETY: these read and set a thread's own niceness; no memory of ours is touched.
    let nice_of_this_thread = || unsafe { libc::getpriority(libc::PRIO_PROCESS, this_thread()) };
    let changes = (nice_of_this_thread() + 10).min(19);
    move || unsafe {
        libc::setpriority(libc::PRIO_PROCESS, this_thread(), changes);
    }
}

/// The calling thread's id, as `getpriority`/`setpriority` name a thread on Linux.
fn this_thread() -> libc::id_t {
    // SAFETY: gettid has no preconditions.
    unsafe { libc::gettid() as libc::id_t }
}

/// The base URL for an address and org, as `tworg scim serve` prints it.
pub fn base_url(addr: SocketAddr, org: &Sid) -> String {
    format!("http://{addr}/Organizations/{org}/scim")
}

/// The whole HTTP surface: one dispatcher, so every answer (404, 405, 401…) is a SCIM error.
pub fn router(state: AppState) -> Router {
    Router::new()
        .fallback(dispatch)
        .layer(middleware::from_fn(time_limit))
        .with_state(state)
}

async fn time_limit(req: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ScimError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the request took too long and was abandoned",
        )
        .into_response(),
    }
}

fn decode_segment(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn method_not_allowed(allow: &'static str) -> Response {
    let mut r = ScimError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("this endpoint allows only {allow}"),
    )
    .into_response();
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    r
}

async fn dispatch(
    State(st): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    body: Body,
) -> Response {
    let body = match rest::route(&st, &method, &uri, &headers, body).await {
        Ok(Ok(r)) => return r,
        Ok(Err(body)) => body,
        Err(e) => return e.into_response(),
    };
    // `/scim/v2/…` (the org from the token) is the org's SCIM path
    let uri = match uri.path().strip_prefix("/scim/v2") {
        Some(rest) if st.inner.rest.is_some() => {
            let q = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
            format!("/Organizations/{}/scim{rest}{q}", st.org())
                .parse()
                .unwrap_or(uri)
        }
        _ => uri,
    };
    let conn = extensions.get::<connections::ConnRef>().cloned();
    match route(st, method, uri, headers, body, conn).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn route(
    st: AppState,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
    conn: Option<connections::ConnRef>,
) -> Result<Response, ScimError> {
    let segs: Vec<String> = uri
        .path()
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode_segment)
        .collect();
    let not_found = || {
        ScimError::new(
            StatusCode::NOT_FOUND,
            format!(
                "nothing at {}; the SCIM base is /Organizations/{}/scim",
                uri.path(),
                st.org()
            ),
        )
    };
    if segs.len() < 3 || !segs[0].eq_ignore_ascii_case("Organizations") || segs[2] != "scim" {
        return Err(not_found());
    }
    match Sid::parse(SidKind::Org, &segs[1]) {
        Ok(sid) if &sid == st.org() => {}
        _ => {
            return Err(ScimError::new(
                StatusCode::NOT_FOUND,
                format!("organization {} is not served here", segs[1]),
            ));
        }
    }
    let mut rest: Vec<&str> = segs[3..].iter().map(String::as_str).collect();
    if rest.first() == Some(&"v2") {
        rest.remove(0);
    }
    // authenticate before saying anything about the organization's resources
    // the SCIM token, or (under `tworg serve`) an OAuth app's access token: the changes are
    // audited as made by whichever was shown
    let actor = {
        let headers = headers.clone();
        let org = st.org().clone();
        let rest = st.inner.rest.clone();
        st.with_session_quick(move |s| {
            auth::check(&headers, |t| {
                if s.world.scim_token_matches(&org, t) {
                    return Some(crate::model::Actor::ScimToken);
                }
                let r = rest.as_ref()?;
                rest::bearer_app(r, &s.world, &org, t).map(crate::model::Actor::OAuthApp)
            })
        })
        .await
    }?;
    if let Some(c) = conn {
        // this connection has shown the token: it keeps its slot under pressure
        c.authenticated();
    }
    let base = st.base_url(&headers);
    let lower: Vec<String> = rest.iter().map(|s| s.to_ascii_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    match lower.as_slice() {
        ["serviceproviderconfig"] => match method {
            Method::GET => Ok(json::scim_json(
                StatusCode::OK,
                &discovery::service_provider_config(&base),
            )),
            _ => Ok(method_not_allowed("GET")),
        },
        ["resourcetypes"] => match method {
            Method::GET => Ok(json::scim_json(
                StatusCode::OK,
                &discovery::list(vec![discovery::user_resource_type(&base)]),
            )),
            _ => Ok(method_not_allowed("GET")),
        },
        ["resourcetypes", id] => match method {
            Method::GET if *id == "user" => Ok(json::scim_json(
                StatusCode::OK,
                &discovery::user_resource_type(&base),
            )),
            Method::GET => Err(ScimError::new(
                StatusCode::NOT_FOUND,
                format!("no resource type {}; this server has User only", rest[1]),
            )),
            _ => Ok(method_not_allowed("GET")),
        },
        ["schemas"] => match method {
            Method::GET => Ok(json::scim_json(
                StatusCode::OK,
                &discovery::list(vec![discovery::user_schema(&base)]),
            )),
            _ => Ok(method_not_allowed("GET")),
        },
        ["schemas", id] => match method {
            Method::GET if id.eq_ignore_ascii_case(json::USER_URN) => Ok(json::scim_json(
                StatusCode::OK,
                &discovery::user_schema(&base),
            )),
            Method::GET => Err(ScimError::new(
                StatusCode::NOT_FOUND,
                format!(
                    "no schema {}; this server publishes {}",
                    rest[1],
                    json::USER_URN
                ),
            )),
            _ => Ok(method_not_allowed("GET")),
        },
        // Users are the only resource type, so a search at the root is a search of /Users
        [".search"] => match method {
            Method::POST => users::search(&st, &base, &headers, body).await,
            _ => Ok(method_not_allowed("POST")),
        },
        ["users"] => match method {
            Method::GET => users::list(&st, &base, uri.query()).await,
            Method::POST => users::create(&st, &actor, &base, &headers, body).await,
            _ => Ok(method_not_allowed("GET, POST")),
        },
        ["users", ".search"] => match method {
            Method::POST => users::search(&st, &base, &headers, body).await,
            _ => Ok(method_not_allowed("POST")),
        },
        ["users", _] => {
            let id = rest[1].to_string();
            match method {
                Method::GET => users::get(&st, &base, &id, uri.query(), &headers).await,
                Method::PUT => users::replace(&st, &actor, &base, &id, &headers, body).await,
                Method::PATCH => users::patch(&st, &actor, &base, &id, &headers, body).await,
                Method::DELETE => users::delete(&st, &actor, &id, &headers).await,
                _ => Ok(method_not_allowed("GET, PUT, PATCH, DELETE")),
            }
        }
        ["groups", ..] => Err(ScimError::new(
            StatusCode::NOT_FOUND,
            "Twilio's SCIM has no Groups; this server has Users only",
        )),
        _ => Err(not_found()),
    }
}

/// A running server: its address, and a way to stop it.
pub struct ServerHandle {
    addr: SocketAddr,
    base_url: String,
    /// The public URL of `tworg serve` (the bound address for SCIM alone).
    public: String,
    stop: Option<watch::Sender<bool>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ServerHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR/Organizations/{OrgSid}/scim`
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn public(&self) -> &str {
        &self.public
    }

    /// Stops accepting, lets requests in flight finish (up to 5 s), and joins the thread.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// Resolves `--listen`: `HOST:PORT`, or a bare `PORT` on 127.0.0.1. Port 0 picks a free one.
pub fn resolve_listen(listen: &str) -> anyhow::Result<SocketAddr> {
    let l = listen.trim();
    let text = if !l.is_empty() && l.chars().all(|c| c.is_ascii_digit()) {
        format!("127.0.0.1:{l}")
    } else {
        l.to_string()
    };
    text.to_socket_addrs()
        .map_err(|e| anyhow::anyhow!("--listen {listen}: {e}"))?
        .next()
        .ok_or_else(|| anyhow::anyhow!("--listen {listen}: no address"))
}

/// Starts the SCIM server for `org` on `addr`, in its own thread with its own tokio runtime.
/// The console calls this with its own session; `tworg scim serve` calls it through
/// [`serve_cli`]. Binding happens before this returns, so a taken port is an error here and
/// `handle.addr()` is the real address (useful with port 0).
pub fn spawn(session: SharedSession, org: Sid, addr: SocketAddr) -> anyhow::Result<ServerHandle> {
    spawn_inner(
        session,
        org,
        addr,
        None,
        None::<fn(SocketAddr) -> rest::RestConfig>,
    )
}

/// [`spawn`], with absolute URLs under `public_url` when given (`--public-url`).
pub fn spawn_with(
    session: SharedSession,
    org: Sid,
    addr: SocketAddr,
    public_url: Option<&str>,
) -> anyhow::Result<ServerHandle> {
    spawn_inner(
        session,
        org,
        addr,
        public_url,
        None::<fn(SocketAddr) -> rest::RestConfig>,
    )
}

/// [`spawn`] with Twilio's REST faces on (`tworg serve`); `cfg` is given the bound address and
/// its `public` origin is the origin of every absolute URL.
pub fn spawn_rest(
    session: SharedSession,
    org: Sid,
    addr: SocketAddr,
    cfg: impl FnOnce(SocketAddr) -> rest::RestConfig,
) -> anyhow::Result<ServerHandle> {
    spawn_inner(session, org, addr, None, Some(cfg))
}

fn spawn_inner(
    session: SharedSession,
    org: Sid,
    addr: SocketAddr,
    public_url: Option<&str>,
    cfg: Option<impl FnOnce(SocketAddr) -> rest::RestConfig>,
) -> anyhow::Result<ServerHandle> {
    let listener =
        StdListener::bind(addr).map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let cfg = cfg.map(|cfg| cfg(addr));
    let origin = match (&cfg, public_url) {
        (Some(cfg), _) => cfg.public.clone(),
        (None, Some(public)) => public.trim_end_matches('/').to_string(),
        (None, None) => format!("http://{addr}"),
    };
    let public = origin.clone();
    let mut state = AppState::with_origin(session, org, origin);
    if let Some(cfg) = cfg {
        state = state.with_rest(cfg);
    }
    let base_url = state.base_url(&HeaderMap::new());
    let (stop_tx, stop_rx) = watch::channel(false);
    // changes are parsed and applied on two workers, at a lower priority; the accept loop and
    // the reads it serves run on this thread alone (see `connections`). Both have a blocking
    // thread per connection at most: a request waiting for its fsync never holds up another.
    let changes = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(MAX_CONNECTIONS * 2)
        .thread_name("tworg-scim-changes")
        .on_thread_start(yield_to_reads())
        .enable_all()
        .build()?;
    let front = tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(MAX_CONNECTIONS * 2)
        .thread_name("tworg-scim")
        .enable_all()
        .build()?;
    let thread = std::thread::Builder::new()
        .name("tworg-scim".into())
        .spawn(move || {
            let handle = changes.handle().clone();
            front.block_on(async move {
                let app = router(state);
                if let Err(e) = connections::accept_loop(listener, app, stop_rx, handle).await {
                    crate::errln!("tworg scim: the server stopped: {e}");
                }
            });
            drop(front);
            drop(changes);
        })?;
    Ok(ServerHandle {
        addr,
        base_url,
        public,
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}

/// `tworg scim serve`: locks and loads the world file, serves the org chosen with `--org`,
/// prints the base URL as the first line of stdout, and stops cleanly on Ctrl-C or SIGTERM.
/// With `--read-only` the file is read without a lock and every change is refused (403).
pub fn serve_cli(
    target: &Target,
    listen: &str,
    public_url: Option<&str>,
    read_only: bool,
) -> anyhow::Result<()> {
    if public_url.is_some_and(|u| {
        !(u.starts_with("http://") || u.starts_with("https://"))
            || u.chars().any(|c| c.is_control() || c.is_whitespace())
    }) {
        anyhow::bail!(
            "--public-url takes an origin such as https://scim.example.test, not '{}'",
            crate::text::escape(public_url.unwrap_or_default())
        );
    }
    let addr = resolve_listen(listen)?;
    let (file, world) = if read_only {
        (None, target.read().map_err(anyhow::Error::from)?)
    } else {
        let (file, world) = target.open().map_err(anyhow::Error::from)?;
        (Some(file), world)
    };
    let ctx = crate::target::resolve_ctx(&world, target.org.as_deref(), None)
        .map_err(anyhow::Error::from)?;
    let org = world.org(&ctx.org)?.clone();
    if !org.scim.enabled {
        anyhow::bail!(
            "SCIM is not enabled for {} (SCIM-1); run: tworg --org \"{}\" scim enable",
            org.name,
            org.name
        );
    }
    if !addr.ip().is_loopback() {
        eprintln!(
            "tworg scim: warning: listening on {addr}, beyond this machine; the bearer token travels in clear text unless a TLS proxy fronts this server"
        );
    }
    let session = match file {
        Some(file) => Session::new(world, Some(file)).with_background_compaction(),
        None => Session::read_only(world),
    }
    .shared();
    let handle = spawn_with(session.clone(), org.sid.clone(), addr, public_url)?;
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", handle.base_url())?;
        out.flush()?;
    }
    crate::errln!(
        "tworg scim: serving {} ({}) at {} — Users only; Ctrl-C stops",
        org.name,
        org.sid,
        handle.base_url()
    );
    if !org.scim.twilio_rules {
        eprintln!(
            "tworg scim: Twilio's userName/domain rules are OFF for this org (scim-twilio-rules off)"
        );
    }
    run_until_stopped("tworg scim", handle, &session)
}

/// Serves until Ctrl-C or SIGTERM, then stops the server and, on a clean stop, folds the
/// journal into the snapshot. `who` names the command in the stop message.
pub fn run_until_stopped(
    who: &str,
    handle: ServerHandle,
    session: &SharedSession,
) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r?,
            _ = term.recv() => {}
        }
        anyhow::Ok(())
    })?;
    eprintln!("{who}: stopping");
    handle.shutdown();
    session
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .flush()
        .map_err(|e| anyhow::anyhow!("the world could not be compacted: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses() {
        assert_eq!(
            resolve_listen("8087").unwrap(),
            "127.0.0.1:8087".parse().unwrap()
        );
        assert_eq!(
            resolve_listen("127.0.0.1:0").unwrap(),
            "127.0.0.1:0".parse().unwrap()
        );
        assert!(resolve_listen("nonsense").is_err());
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(decode_segment("a%20b"), "a b");
        assert_eq!(decode_segment("urn%3Aietf%3Aparams"), "urn:ietf:params");
        assert_eq!(decode_segment("100%"), "100%");
    }
}
