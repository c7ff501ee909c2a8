//! Shared by the SCIM tests: a server on 127.0.0.1:0 over a temporary world file, and a tiny
//! HTTP/1.1 client over `std::net::TcpStream` (one request per connection).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use tworg::model::action::Setting;
use tworg::model::{Action, Ctx, Sid, World};
use tworg::persist::{self, WorldFile};
use tworg::server::{self, ServerHandle};
use tworg::session::{Session, SharedSession};

pub const TOKEN: &str = "test-token-0123456789abcdef0123456789abcdef";

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub session: SharedSession,
    pub org: Sid,
    pub server: ServerHandle,
    /// `/Organizations/{OrgSid}/scim`
    pub base: String,
}

pub fn owner_ctx(world: &World, org: &Sid) -> Ctx {
    Ctx::new(
        org.clone(),
        world.owner_of_org(org).expect("owner").sid.clone(),
    )
}

/// The demo world with SCIM enabled for `org_name`; `twilio_rules` sets the userName/domain rule.
pub fn start(org_name: &str, twilio_rules: bool) -> Fixture {
    let mut world = persist::demo_world();
    let org = world.find_org(org_name).expect("org").sid.clone();
    let ctx = owner_ctx(&world, &org);
    world
        .apply(
            &ctx,
            &Action::ScimEnable {
                token: TOKEN.into(),
            },
        )
        .expect("enable");
    if !twilio_rules {
        world
            .apply(&ctx, &Action::Set(Setting::ScimTwilioRules(false)))
            .expect("rules off");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.ron");
    let file = WorldFile::create(&path, &world).expect("create");
    let session = Session::new(world, Some(file)).shared();
    let server =
        server::spawn(session.clone(), org.clone(), "127.0.0.1:0".parse().unwrap()).expect("spawn");
    let base = format!("/Organizations/{org}/scim");
    Fixture {
        dir,
        path,
        session,
        org,
        server,
        base,
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }
}

/// Sends one request; `headers` are extra lines such as `("If-Match", "W/\"1\"")`.
pub fn raw(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Resp {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).expect("write");
    if let Some(b) = body {
        // the server may answer (413) before reading everything
        let _ = s.write_all(b);
    }
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    parse_response(&buf)
}

fn parse_response(buf: &[u8]) -> Resp {
    let text = String::from_utf8_lossy(buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    Resp {
        status,
        headers,
        body,
    }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
    out
}

impl Fixture {
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// A request under the SCIM base with the right token.
    pub fn req(&self, method: &str, path: &str, body: Option<&Value>) -> Resp {
        self.req_with(method, path, &[], body)
    }

    pub fn req_with(
        &self,
        method: &str,
        path: &str,
        extra: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Resp {
        let auth = format!("Bearer {TOKEN}");
        let mut headers = vec![("Authorization", auth.as_str())];
        if body.is_some() {
            headers.push(("Content-Type", "application/scim+json"));
        }
        headers.extend_from_slice(extra);
        let body = body.map(|b| b.to_string());
        raw(
            self.addr(),
            method,
            &format!("{}{path}", self.base),
            &headers,
            body.as_deref().map(str::as_bytes),
        )
    }

    /// The world as saved on disk.
    pub fn saved(&self) -> World {
        persist::load(&self.path).expect("load")
    }
}

/// A User body under Twilio's rules: userName == the primary work email.
pub fn user_body(email: &str) -> Value {
    serde_json::json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": email,
        "name": {"givenName": "Test", "familyName": "User"},
        "displayName": "Test User",
        "emails": [{"value": email, "type": "work", "primary": true}],
        "active": true
    })
}

/// Percent-encodes a query value.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
