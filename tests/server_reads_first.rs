//! Reads come first (issue 11): the SCIM server serves a connection that opens with `GET` or
//! `HEAD` on its accept thread and sends any other to the threads that parse and apply changes,
//! which run at a lower priority. These tests check that every kind of connection is still
//! answered wherever it is served, and that the priorities are what the server says.

mod scim_server;

use std::io::{Read, Write};
use std::net::TcpStream;

use scim_server::*;

/// Sends `requests` on one kept-alive connection, one after the other, and returns each
/// answer's status line.
fn on_one_connection(f: &Fixture, requests: &[(&str, &str, Option<String>)]) -> Vec<String> {
    let mut s = TcpStream::connect(f.addr()).unwrap();
    requests
        .iter()
        .map(|(method, path, body)| {
            let body = body.clone().unwrap_or_default();
            write!(
                s,
                "{method} {}{path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/scim+json\r\nContent-Length: {}\r\n\r\n{body}",
                f.base,
                body.len()
            )
            .unwrap();
            read_answer(&mut s, method == &"HEAD")
        })
        .collect()
}

/// Reads one answer (headers, then `Content-Length` bytes unless it is a HEAD's) and returns
/// its status line.
fn read_answer(s: &mut TcpStream, head: bool) -> String {
    let mut got = Vec::new();
    let mut byte = [0u8; 1];
    while !got.ends_with(b"\r\n\r\n") {
        assert_eq!(s.read(&mut byte).unwrap(), 1, "the connection closed early");
        got.push(byte[0]);
    }
    let text = String::from_utf8(got).unwrap();
    let length: usize = text
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().unwrap())
        })
        .unwrap_or(0);
    if !head {
        let mut body = vec![0u8; length];
        s.read_exact(&mut body).unwrap();
    }
    text.lines().next().unwrap().to_string()
}

fn create(email: &str) -> Option<String> {
    Some(user_body(email).to_string())
}

#[test]
fn a_connection_opened_by_a_read_can_go_on_with_changes() {
    let f = start("Owl Industries", true);
    let answers = on_one_connection(
        &f,
        &[
            ("GET", "/Users?count=1", None),
            (
                "POST",
                "/Users",
                create("read.first@owl-industries.example"),
            ),
            ("HEAD", "/Users?count=1", None),
            (
                "POST",
                "/Users",
                create("read.again@owl-industries.example"),
            ),
        ],
    );
    assert!(answers[0].starts_with("HTTP/1.1 200"), "{answers:?}");
    assert!(answers[1].starts_with("HTTP/1.1 201"), "{answers:?}");
    assert!(answers[3].starts_with("HTTP/1.1 201"), "{answers:?}");
    let saved = f.saved();
    for email in [
        "read.first@owl-industries.example",
        "read.again@owl-industries.example",
    ] {
        assert!(
            saved.users.values().any(|u| u.email == email),
            "{email} not saved"
        );
    }
}

#[test]
fn a_connection_opened_by_a_change_can_go_on_with_reads() {
    let f = start("Owl Industries", true);
    let answers = on_one_connection(
        &f,
        &[
            (
                "POST",
                "/Users",
                create("change.first@owl-industries.example"),
            ),
            ("GET", "/Users?count=1", None),
            (
                "GET",
                "/Users?filter=userName%20eq%20%22change.first@owl-industries.example%22",
                None,
            ),
        ],
    );
    assert!(answers[0].starts_with("HTTP/1.1 201"), "{answers:?}");
    assert!(answers[1].starts_with("HTTP/1.1 200"), "{answers:?}");
    assert!(answers[2].starts_with("HTTP/1.1 200"), "{answers:?}");
}

#[test]
fn a_request_line_sent_a_byte_at_a_time_is_still_answered() {
    // the first bytes do not say what the request is: it is served with the changes
    let f = start("Owl Industries", true);
    let mut s = TcpStream::connect(f.addr()).unwrap();
    let _ = s.set_nodelay(true);
    let request = format!(
        "GET {}/Users?count=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\r\n",
        f.base
    );
    for b in request.as_bytes().iter().take(3) {
        s.write_all(&[*b]).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    s.write_all(&request.as_bytes()[3..]).unwrap();
    assert!(read_answer(&mut s, false).starts_with("HTTP/1.1 200"));
}

/// The nice value of each of this process's threads whose name starts with `prefix`.
fn nice_of_threads(prefix: &str) -> Vec<(String, i64)> {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|t| {
            let dir = t.ok()?.path();
            let name = std::fs::read_to_string(dir.join("comm")).ok()?;
            let name = name.trim().to_string();
            if !name.starts_with(prefix) {
                return None;
            }
            // the fields after the name in parentheses; nice is the 19th field of the line
            let stat = std::fs::read_to_string(dir.join("stat")).ok()?;
            let after = &stat[stat.rfind(')')? + 2..];
            let nice = after.split_whitespace().nth(16)?.parse().ok()?;
            Some((name, nice))
        })
        .collect()
}

#[test]
fn the_threads_that_apply_changes_run_below_the_thread_that_serves_reads() {
    let f = start("Owl Industries", true);
    // a change, so that the change threads (workers and the blocking thread that applied it)
    // have run
    assert_eq!(
        f.req(
            "POST",
            "/Users",
            Some(&user_body("priority@owl-industries.example"))
        )
        .status,
        201
    );
    let threads = nice_of_threads("tworg-scim");
    // thread names are cut at 15 bytes: "tworg-scim-chan(ges)"
    let (changes, front): (Vec<_>, Vec<_>) = threads
        .iter()
        .partition(|(name, _)| name.starts_with("tworg-scim-"));
    assert!(changes.len() >= 2, "{threads:?}");
    assert!(!front.is_empty(), "{threads:?}");
    // 10 below the reads' thread (whatever niceness this test itself runs at, up to 19)
    let reads = front[0].1;
    assert!(front.iter().all(|(_, nice)| *nice == reads), "{threads:?}");
    let expected = (reads + 10).min(19);
    assert!(
        reads < 19,
        "the test runs at the lowest priority already: {threads:?}"
    );
    assert!(
        changes.iter().all(|(_, nice)| *nice == expected),
        "{threads:?}"
    );
}
