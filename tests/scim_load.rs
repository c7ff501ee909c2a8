//! Load: 200 concurrent creates and 200 updates over as many connections, plus 19 concurrent
//! appends to one shared user. Every response must be correct, no update may be lost, and the
//! world file afterwards must hold exactly what the responses said.

mod scim_server;

use std::sync::{Arc, Barrier};

use scim_server::*;
use serde_json::json;
use tworg::model::{MemberStatus, Sid, SidKind, World};

const N: usize = 200;
const APPENDERS: usize = 19;

#[test]
fn concurrent_creates_and_updates_lose_nothing() {
    let f = Arc::new(start("Owl Industries", true));
    let members_before = f.saved().members(&f.org).count();
    let shared = f.req(
        "POST",
        "/Users",
        Some(&user_body("shared@owl-industries.example")),
    );
    assert_eq!(shared.status, 201);
    let shared_id = shared.json()["id"].as_str().unwrap().to_string();

    let barrier = Arc::new(Barrier::new(N + APPENDERS));
    let mut handles = Vec::new();
    for i in 0..N {
        let (f, barrier) = (f.clone(), barrier.clone());
        handles.push(std::thread::spawn(move || {
            barrier.wait();
            let email = format!("load{i}@owl-industries.example");
            let mut body = user_body(&email);
            body["externalId"] = json!(format!("ext-{i}"));
            let r = f.req("POST", "/Users", Some(&body));
            assert_eq!(r.status, 201, "create {i}: {}", r.body);
            let created = r.json();
            assert_eq!(created["userName"], email.as_str());
            let id = created["id"].as_str().unwrap().to_string();
            let etag = r.header("etag").unwrap().to_string();
            let r = f.req_with(
                "PATCH",
                &format!("/Users/{id}"),
                &[("If-Match", &etag)],
                Some(&json!({"Operations": [
                    {"op": "replace", "path": "displayName", "value": format!("Updated {i}")},
                    {"op": "replace", "path": "active", "value": i % 2 == 0}
                ]})),
            );
            assert_eq!(r.status, 200, "update {i}: {}", r.body);
            let updated = r.json();
            assert_eq!(updated["displayName"], format!("Updated {i}"));
            assert_eq!(updated["id"], id.as_str());
            (id, email, updated, r.header("etag").unwrap().to_string())
        }));
    }
    let mut appenders = Vec::new();
    for i in 0..APPENDERS {
        let (f, barrier, shared_id) = (f.clone(), barrier.clone(), shared_id.clone());
        appenders.push(std::thread::spawn(move || {
            barrier.wait();
            let r = f.req(
                "PATCH",
                &format!("/Users/{shared_id}"),
                Some(&json!({"Operations": [{"op": "add", "path": "emails",
                    "value": [{"value": format!("alias{i}@owl-industries.example"), "type": "other"}]}]})),
            );
            assert_eq!(r.status, 200, "append {i}: {}", r.body);
        }));
    }
    let results: Vec<_> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    for a in appenders {
        a.join().expect("appender");
    }

    // the file holds exactly what the responses said
    let saved: World = f.saved();
    assert_eq!(saved.members(&f.org).count(), members_before + 1 + N);
    let mut ids = std::collections::BTreeSet::new();
    for (i, (id, email, resource, etag)) in results.iter().enumerate() {
        assert!(ids.insert(id.clone()), "ids are unique");
        let sid = Sid::parse(SidKind::User, id).unwrap();
        let u = &saved.users[&sid];
        assert_eq!(&u.email, email);
        assert_eq!(u.name, format!("Updated {i}"));
        assert_eq!(
            u.scim.external_id.as_deref(),
            Some(format!("ext-{i}").as_str())
        );
        let m = u.membership.as_ref().unwrap();
        assert_eq!(m.org, f.org);
        let want = if i % 2 == 0 {
            MemberStatus::Active
        } else {
            MemberStatus::Deactivated
        };
        assert_eq!(m.status, want);
        assert_eq!(&format!("W/\"{}\"", saved.scim_version(u)), etag);
        assert_eq!(resource["meta"]["version"].as_str(), Some(etag.as_str()));
    }
    // no append was lost
    let shared = saved.find_user("shared@owl-industries.example").unwrap();
    let mut emails: Vec<&str> = shared
        .scim
        .emails
        .iter()
        .map(|e| e.value.as_str())
        .collect();
    emails.sort();
    assert_eq!(emails.len(), 1 + APPENDERS);
    for i in 0..APPENDERS {
        assert!(emails.contains(&format!("alias{i}@owl-industries.example").as_str()));
    }
    // every change is audited as the token
    let scim_entries = saved
        .audit
        .iter()
        .filter(|a| a.actor == "scim-token" && a.action.starts_with("scim."))
        .count();
    assert_eq!(scim_entries, 1 + N + N + APPENDERS);
    // and memory agrees with the file
    assert_eq!(f.session.lock().unwrap().world, saved);
}
