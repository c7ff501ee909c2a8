//! The SCIM server under a hostile or careless client (issue 12): a flood of idle and
//! half-sent connections cannot starve a client with the token, absolute URLs never echo the
//! request's `Host`, and every error status comes with a SCIM Error body.

mod scim_server;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;

use scim_server::*;
use tworg::server::{MAX_CONNECTIONS, MAX_HEADER_BYTES, MAX_URI};

/// Whether the server still holds this connection open (a closed one reads EOF at once).
fn still_open(s: &mut TcpStream) -> bool {
    s.set_nonblocking(true).unwrap();
    let mut b = [0u8; 1];
    let open = match s.read(&mut b) {
        Ok(0) => false,
        Ok(_) => true,
        Err(e) => e.kind() == ErrorKind::WouldBlock,
    };
    s.set_nonblocking(false).unwrap();
    open
}

fn is_scim_error(r: &Resp, status: u16) {
    assert_eq!(r.status, status, "{}", r.body);
    let j = r.json();
    assert_eq!(
        j["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error",
        "{}",
        r.body
    );
    assert_eq!(j["status"], status.to_string(), "{}", r.body);
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.contains("application/scim+json")),
        "{:?}",
        r.headers
    );
}

#[test]
fn an_idle_connection_flood_cannot_starve_a_client_with_the_token() {
    let f = start("Owl Industries", true);
    // every slot taken: half by connections that never send a byte, half by ones that send
    // part of a request line and then nothing (slowloris)
    let mut flood: Vec<TcpStream> = (0..MAX_CONNECTIONS)
        .map(|i| {
            let mut s = TcpStream::connect(f.addr()).unwrap();
            if i % 2 == 1 {
                s.write_all(b"GET /Organizations/x/scim/Users HTTP/1.1\r\nHost: x\r\n")
                    .unwrap();
            }
            s
        })
        .collect();
    // a client with the token is served, and it is served while the flood's connections are
    // still held open (before any header time-out): it took the slot of one of them, it did
    // not wait for them to time out
    let r = f.req("GET", "/Users?count=1", None);
    assert_eq!(r.status, 200, "{}", r.body);
    let open = flood.iter_mut().map(still_open).filter(|o| *o).count();
    assert!(
        open >= MAX_CONNECTIONS - 8,
        "only {open} of the flood's {MAX_CONNECTIONS} connections were still open: the client waited for them to time out"
    );
    // and again: each new client takes another idle slot
    for _ in 0..3 {
        assert_eq!(f.req("GET", "/Users?count=1", None).status, 200);
    }
    drop(flood);
}

#[test]
fn an_authenticated_keep_alive_connection_is_not_closed_for_a_flood() {
    let f = start("Owl Industries", true);
    let mut kept = TcpStream::connect(f.addr()).unwrap();
    let request = format!(
        "GET {}/Users?count=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\r\n",
        f.base
    );
    let read_one = |s: &mut TcpStream| {
        let mut buf = vec![0u8; 64 * 1024];
        let n = s.read(&mut buf).unwrap();
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    kept.write_all(request.as_bytes()).unwrap();
    assert!(read_one(&mut kept).starts_with("HTTP/1.1 200"));
    // the flood fills every other slot, then more connections arrive and take idle slots
    let _flood: Vec<TcpStream> = (0..MAX_CONNECTIONS + 20)
        .map(|_| TcpStream::connect(f.addr()).unwrap())
        .collect();
    let r = f.req("GET", "/Users?count=1", None);
    assert_eq!(r.status, 200);
    // the authenticated connection kept its slot: a second request on it is answered
    kept.write_all(request.as_bytes()).unwrap();
    assert!(read_one(&mut kept).starts_with("HTTP/1.1 200"));
}

#[test]
fn location_comes_from_configuration_never_from_the_host_header() {
    let f = start("Owl Industries", true);
    let body = user_body("hostile.host@owl-industries.example").to_string();
    let auth = format!("Bearer {TOKEN}");
    let path = format!("{}/Users", f.base);
    // raw() sends Host: ADDR; a second Host line would be a 400, so send a request by hand
    let mut s = TcpStream::connect(f.addr()).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: evil.example\r\nAuthorization: {auth}\r\nContent-Type: application/scim+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 201"), "{out}");
    let origin = format!("http://{}/Organizations/", f.addr());
    let location = out
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("location:"))
        .expect("a Location header");
    assert!(location.contains(&origin), "{location}");
    assert!(!out.contains("evil.example"), "{out}");
    // discovery documents too
    let r = raw(
        f.addr(),
        "GET",
        &format!("{}/ServiceProviderConfig", f.base),
        &[
            ("Authorization", &auth),
            ("X-Forwarded-Host", "evil.example"),
        ],
        None,
    );
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("evil.example"), "{}", r.body);
}

#[test]
fn a_configured_public_url_is_the_origin_of_every_absolute_url() {
    let f = start("Owl Industries", true);
    let server = tworg::server::spawn_with(
        f.session.clone(),
        f.org.clone(),
        "127.0.0.1:0".parse().unwrap(),
        Some("https://scim.example.test/"),
    )
    .unwrap();
    assert_eq!(
        server.base_url(),
        format!("https://scim.example.test/Organizations/{}/scim", f.org)
    );
    let r = raw(
        server.addr(),
        "GET",
        &format!("{}/ServiceProviderConfig", f.base),
        &[("Authorization", &format!("Bearer {TOKEN}"))],
        None,
    );
    assert!(
        r.body.contains("https://scim.example.test/Organizations/"),
        "{}",
        r.body
    );
}

#[test]
fn a_request_target_too_long_is_414_with_a_scim_error_body() {
    let f = start("Owl Industries", true);
    let path = format!("{}/Users?filter={}", f.base, "a".repeat(MAX_URI));
    let r = raw(f.addr(), "GET", &path, &[], None);
    is_scim_error(&r, 414);
}

#[test]
fn headers_too_large_are_431_with_a_scim_error_body() {
    let f = start("Owl Industries", true);
    let big = "b".repeat(MAX_HEADER_BYTES + 1);
    let r = raw(
        f.addr(),
        "GET",
        &format!("{}/Users", f.base),
        &[("X-Big", &big)],
        None,
    );
    is_scim_error(&r, 431);
    let names: Vec<String> = (0..150).map(|i| format!("X-H{i}")).collect();
    let many: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "1")).collect();
    let r = raw(f.addr(), "GET", &format!("{}/Users", f.base), &many, None);
    is_scim_error(&r, 431);
}

#[test]
fn every_error_status_has_a_scim_error_body() {
    let f = start("Owl Industries", true);
    let auth = format!("Bearer {TOKEN}");
    // 404 outside the base, 404 a user that does not exist, 405, 401, 413
    is_scim_error(&raw(f.addr(), "GET", "/nothing", &[], None), 404);
    is_scim_error(
        &raw(
            f.addr(),
            "GET",
            &format!("{}/Users/nobody", f.base),
            &[("Authorization", &auth)],
            None,
        ),
        404,
    );
    is_scim_error(
        &raw(
            f.addr(),
            "DELETE",
            &format!("{}/Users", f.base),
            &[("Authorization", &auth)],
            None,
        ),
        405,
    );
    is_scim_error(
        &raw(f.addr(), "GET", &format!("{}/Users", f.base), &[], None),
        401,
    );
    let huge = vec![b'x'; tworg::server::MAX_BODY + 1];
    is_scim_error(
        &raw(
            f.addr(),
            "POST",
            &format!("{}/Users", f.base),
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/scim+json"),
            ],
            Some(&huge),
        ),
        413,
    );
}
