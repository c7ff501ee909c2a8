//! Connections: the accept loop, the cap on connections and who gives up a slot, the limits
//! answered before routing, and where each connection is served.
//!
//! Reads come first. The accept loop runs alone on the server's own thread (a current-thread
//! runtime); it looks at the first bytes of each connection and serves a connection that opens
//! with `GET` or `HEAD` right there, while any other goes to the runtime that parses and applies
//! changes. So a read never queues behind the parsing of the creates that arrived before it
//! (an identity provider pushing users in 50 streams), only behind the session lock for the
//! microseconds a change is applied. A kept-alive connection stays where its first request put it.

use std::collections::BTreeMap;
use std::net::TcpListener as StdListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tokio::net::TcpStream;
use tokio::runtime::Handle;
use tokio::sync::{Semaphore, watch};

use super::json::ScimError;
use super::{
    HARD_MAX_BUF, HARD_MAX_HEADERS, HEADER_TIMEOUT, MAX_CONNECTIONS, MAX_HEADER_BYTES, MAX_HEADERS,
    MAX_URI, PRESSURE_TIMEOUT,
};

/// One connection, as the accept loop and the requests on it see it.
struct Conn {
    /// Accept order: the oldest idle unauthenticated connection gives up its slot first.
    id: u64,
    /// A request on it has shown the organization's token.
    authenticated: AtomicBool,
    /// Requests being answered on it (not idle while > 0).
    in_flight: AtomicUsize,
    /// Told to close so a new connection can have its slot.
    evict: tokio::sync::Notify,
}

/// The connection a request came on, in the request's extensions.
#[derive(Clone)]
pub(super) struct ConnRef(Arc<Conn>);

impl ConnRef {
    /// A request on this connection showed the organization's token: it is never closed to
    /// make room for another.
    pub(super) fn authenticated(&self) {
        self.0.authenticated.store(true, Ordering::Relaxed);
    }
}

/// The connections being served.
#[derive(Default)]
struct Conns(std::sync::Mutex<BTreeMap<u64, Arc<Conn>>>);

impl Conns {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Arc<Conn>>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Tells the oldest connection that is idle and never authenticated to close; false if
    /// there is none (every slot is busy or authenticated: the new connection waits).
    fn evict_one(&self) -> bool {
        let mut conns = self.lock();
        let victim = conns
            .values()
            .find(|c| {
                !c.authenticated.load(Ordering::Relaxed) && c.in_flight.load(Ordering::Relaxed) == 0
            })
            .cloned();
        match victim {
            Some(c) => {
                conns.remove(&c.id);
                c.evict.notify_one();
                true
            }
            None => false,
        }
    }
}

/// Answers a request whose target or headers are over the limits, before routing: the SCIM
/// Error body every other answer has (hyper's own answers to these have none).
fn over_limits(req: &hyper::Request<hyper::body::Incoming>) -> Option<Response> {
    let target = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if target > MAX_URI {
        return Some(
            ScimError::new(
                StatusCode::URI_TOO_LONG,
                format!("the request target is {target} bytes, over {MAX_URI}"),
            )
            .into_response(),
        );
    }
    let headers = req.headers();
    let bytes: usize = headers
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len())
        .sum();
    if headers.len() > MAX_HEADERS || bytes > MAX_HEADER_BYTES {
        return Some(
            ScimError::new(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                format!(
                    "the request has {} header lines of {bytes} bytes; at most {MAX_HEADERS} lines of {MAX_HEADER_BYTES} bytes are read",
                    headers.len()
                ),
            )
            .into_response(),
        );
    }
    None
}

/// Accepts connections until told to stop; each connection is served by hyper with a header
/// time-out, under a cap on concurrent connections. When the cap is reached, the oldest idle
/// connection that never authenticated is closed to make room (see the module's docs).
/// Connections that open with a read are served on this runtime, the others on `changes`.
pub(super) async fn accept_loop(
    listener: StdListener,
    app: Router,
    mut stop: watch::Receiver<bool>,
    changes: Handle,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let conns = Arc::new(Conns::default());
    let mut next_id = 0u64;
    loop {
        let (stream, _peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(s) => s,
                Err(e) => {
                    // e.g. too many open files: back off instead of spinning
                    crate::errln!("tworg scim: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = stop.changed() => break,
        };
        let permit = match slots.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                // every slot taken: an idle unauthenticated connection makes room, else wait
                conns.evict_one();
                tokio::select! {
                    p = slots.clone().acquire_owned() => p?,
                    _ = stop.changed() => break,
                }
            }
        };
        let pressed = slots.available_permits() < MAX_CONNECTIONS / 4;
        let timeout = if pressed {
            PRESSURE_TIMEOUT
        } else {
            HEADER_TIMEOUT
        };
        let _ = stream.set_nodelay(true);
        next_id += 1;
        let conn = Arc::new(Conn {
            id: next_id,
            authenticated: AtomicBool::new(false),
            in_flight: AtomicUsize::new(0),
            evict: tokio::sync::Notify::new(),
        });
        conns.lock().insert(conn.id, conn.clone());
        let served = Served {
            app: app.clone(),
            conn,
            timeout,
            stop: stop.clone(),
        };
        let (conns, changes) = (conns.clone(), changes.clone());
        tokio::spawn(async move {
            let _permit = permit;
            let id = served.conn.id;
            match served.opens_with_read(&stream).await {
                Opening::Read => served.serve(stream).await,
                Opening::Other => {
                    // moved to the other runtime's reactor: out of this one, into that one
                    if let Ok(std) = stream.into_std() {
                        let _ = changes
                            .spawn(async move {
                                if let Ok(stream) = TcpStream::from_std(std) {
                                    served.serve(stream).await;
                                }
                            })
                            .await;
                    }
                }
                Opening::Closed => {}
            }
            conns.lock().remove(&id);
        });
    }
    // wait (a little) for connections in flight
    let _ = tokio::time::timeout(
        Duration::from_secs(5),
        slots.acquire_many(MAX_CONNECTIONS as u32),
    )
    .await;
    Ok(())
}

/// What a connection's first bytes say.
enum Opening {
    /// `GET ` or `HEAD `: served at once, on the accept loop's runtime.
    Read,
    /// Anything else (a change, or bytes that do not say yet): served with the changes.
    Other,
    /// Nothing came before the header time-out, or it was closed, evicted or the server stops.
    Closed,
}

/// One accepted connection and what serving it needs.
struct Served {
    app: Router,
    conn: Arc<Conn>,
    timeout: Duration,
    stop: watch::Receiver<bool>,
}

impl Served {
    /// Waits for the first bytes (no longer than the header time-out, as hyper would) and
    /// looks at them without taking them.
    async fn opens_with_read(&self, stream: &TcpStream) -> Opening {
        let mut first = [0u8; 5];
        let mut stop = self.stop.clone();
        tokio::select! {
            r = tokio::time::timeout(self.timeout, stream.peek(&mut first)) => match r {
                Ok(Ok(n)) if n > 0 => {
                    let first = &first[..n];
                    if first.starts_with(b"GET ") || first.starts_with(b"HEAD ") {
                        Opening::Read
                    } else {
                        Opening::Other
                    }
                }
                _ => Opening::Closed,
            },
            _ = self.conn.evict.notified() => Opening::Closed,
            _ = stop.changed() => Opening::Closed,
        }
    }

    /// Serves the connection's requests with hyper until it closes, is evicted or the server
    /// stops (then requests in flight get up to 5 s).
    async fn serve(self, stream: TcpStream) {
        use hyper_util::rt::{TokioIo, TokioTimer};
        use hyper_util::service::TowerToHyperService;

        let inner = TowerToHyperService::new(self.app);
        let this = self.conn.clone();
        let service = hyper::service::service_fn(move |mut req| {
            let this = this.clone();
            let refused = over_limits(&req);
            req.extensions_mut().insert(ConnRef(this.clone()));
            this.in_flight.fetch_add(1, Ordering::Relaxed);
            let answer = refused
                .is_none()
                .then(|| hyper::service::Service::call(&inner, req));
            async move {
                let r = match (refused, answer) {
                    (Some(r), _) => Ok(r),
                    (None, Some(answer)) => answer.await,
                    (None, None) => unreachable!("a request is refused or answered"),
                };
                this.in_flight.fetch_sub(1, Ordering::Relaxed);
                r
            }
        });
        let mut stop = self.stop;
        let served = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(self.timeout)
            .max_headers(HARD_MAX_HEADERS)
            .max_buf_size(HARD_MAX_BUF)
            .serve_connection(TokioIo::new(stream), service);
        tokio::pin!(served);
        tokio::select! {
            _ = served.as_mut() => {}
            // idle and never authenticated: closed at once for a new connection
            _ = self.conn.evict.notified() => {}
            _ = stop.changed() => {
                served.as_mut().graceful_shutdown();
                let _ = tokio::time::timeout(Duration::from_secs(5), served).await;
            }
        }
    }
}
