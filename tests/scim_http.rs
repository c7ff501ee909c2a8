//! The SCIM server over HTTP: auth, discovery, CRUD, filters, paging, ETags, bad bodies, errors,
//! persistence, and what Okta's and Entra's clients send.

mod scim_server;

use scim_server::*;
use serde_json::{Value, json};

fn assert_scim_error(r: &Resp, status: u16) -> Value {
    assert_eq!(r.status, status, "{}", r.body);
    assert!(
        r.header("content-type")
            .unwrap_or_default()
            .starts_with("application/scim+json"),
        "{:?}",
        r.headers
    );
    let b = r.json();
    assert_eq!(
        b["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
    );
    assert_eq!(b["status"], json!(status.to_string()));
    assert!(b["detail"].as_str().is_some_and(|d| !d.is_empty()));
    b
}

#[test]
fn auth_missing_or_wrong_token_is_401_with_a_scim_body() {
    let f = start("Owl Industries", true);
    let path = format!("{}/Users", f.base);
    for headers in [
        vec![],
        vec![("Authorization", "Bearer wrong-token")],
        vec![("Authorization", "non-token")],
        vec![("Authorization", "Basic dXNlcjpwYXNz")],
    ] {
        let r = raw(f.addr(), "GET", &path, &headers, None);
        assert_scim_error(&r, 401);
        assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
    }
    // discovery is protected too, and the token of a disabled org stops working at once
    let r = raw(f.addr(), "GET", &format!("{}/Schemas", f.base), &[], None);
    assert_scim_error(&r, 401);
    assert_eq!(f.req("GET", "/Users", None).status, 200);
    {
        let mut s = f.session.lock().unwrap();
        let ctx = owner_ctx(&s.world, &f.org);
        s.apply(&ctx, &tworg::model::Action::ScimDisable).unwrap();
    }
    assert_scim_error(&f.req("GET", "/Users", None), 401);
}

#[test]
fn discovery_is_get_only_and_publishes_what_tworg_stores() {
    let f = start("Owl Industries", true);
    let spc = f.req("GET", "/ServiceProviderConfig", None);
    assert_eq!(spc.status, 200);
    let spc = spc.json();
    assert_eq!(spc["patch"]["supported"], true);
    assert_eq!(spc["etag"]["supported"], true);
    assert_eq!(spc["bulk"]["supported"], false);
    assert_eq!(spc["authenticationSchemes"][0]["type"], "oauthbearertoken");
    let rts = f.req("GET", "/ResourceTypes", None).json();
    assert_eq!(rts["totalResults"], 1);
    assert_eq!(rts["Resources"][0]["id"], "User");
    assert_eq!(f.req("GET", "/ResourceTypes/User", None).status, 200);
    assert_scim_error(&f.req("GET", "/ResourceTypes/Group", None), 404);
    let schema = f
        .req(
            "GET",
            "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User",
            None,
        )
        .json();
    let names: Vec<&str> = schema["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "userName",
            "name",
            "displayName",
            "emails",
            "locale",
            "timezone",
            "active"
        ]
    );
    assert_eq!(schema["attributes"][0]["uniqueness"], "server");
    assert_eq!(schema["attributes"][0]["caseExact"], false);
    assert_scim_error(&f.req("GET", "/Schemas/urn:nope", None), 404);
    for m in ["POST", "PUT", "PATCH", "DELETE"] {
        for p in ["/ServiceProviderConfig", "/ResourceTypes", "/Schemas"] {
            let r = f.req(m, p, None);
            assert_scim_error(&r, 405);
            assert_eq!(r.header("allow"), Some("GET"));
        }
    }
    assert_scim_error(
        &f.req("GET", "/0b0e9a1c-0000-4000-8000-000000000000", None),
        404,
    );
    assert_scim_error(&f.req("GET", "/Groups", None), 404);
    // another org's path
    let r = raw(
        f.addr(),
        "GET",
        "/Organizations/OR00000000000000000000000000000000/scim/Users",
        &[("Authorization", &format!("Bearer {TOKEN}"))],
        None,
    );
    assert_scim_error(&r, 404);
    // the /scim/v2 alias
    assert_eq!(f.req("GET", "/v2/Users", None).status, 200);
}

#[test]
fn crud_lifecycle_with_location_etag_and_persistence() {
    let f = start("Owl Industries", true);
    let r = f.req(
        "POST",
        "/Users",
        Some(&user_body("crud@owl-industries.example")),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let u = r.json();
    let id = u["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("US"));
    assert_eq!(u["meta"]["resourceType"], "User");
    assert_eq!(r.header("location"), u["meta"]["location"].as_str());
    assert_eq!(r.header("etag"), u["meta"]["version"].as_str());
    assert!(r.header("etag").unwrap().starts_with("W/\""));
    // saved at once, audited as the token
    let saved = f.saved();
    let sid = tworg::model::Sid::parse(tworg::model::SidKind::User, &id).unwrap();
    assert_eq!(saved.users[&sid].email, "crud@owl-industries.example");
    assert_eq!(saved.audit.last().unwrap().actor, "scim-token");

    let got = f.req("GET", &format!("/Users/{id}"), None);
    assert_eq!(got.status, 200);
    assert_eq!(got.json(), u);

    let mut put = user_body("crud@owl-industries.example");
    put["displayName"] = json!("Renamed");
    put["id"] = json!("ignored");
    put["meta"] = json!({"version": "ignored"});
    let r = f.req("PUT", &format!("/Users/{id}"), Some(&put));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["displayName"], "Renamed");
    assert_ne!(r.header("etag"), u["meta"]["version"].as_str());

    let r = f.req(
        "PATCH",
        &format!("/Users/{id}"),
        Some(
            &json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                     "Operations": [{"op": "replace", "path": "active", "value": false}]}),
        ),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["active"], false);
    assert_eq!(
        f.req("GET", &format!("/Users/{id}"), None).json()["active"],
        false
    );

    let r = f.req("DELETE", &format!("/Users/{id}"), None);
    assert_eq!(r.status, 204);
    assert!(r.body.is_empty());
    let b = assert_scim_error(&f.req("GET", &format!("/Users/{id}"), None), 404);
    assert!(b["detail"].as_str().unwrap().contains("25008"));
    // the Twilio user remains in the saved world, outside the org
    let saved = f.saved();
    assert!(saved.users[&sid].membership.is_none());
}

#[test]
fn uniqueness_is_409_and_rule_refusals_cite_the_rule() {
    let f = start("Owl Industries", true);
    let mut body = user_body("dup@owl-industries.example");
    body["externalId"] = json!("okta-1");
    assert_eq!(f.req("POST", "/Users", Some(&body)).status, 201);
    let b = assert_scim_error(&f.req("POST", "/Users", Some(&body)), 409);
    assert_eq!(b["scimType"], "uniqueness");
    assert!(b["detail"].as_str().unwrap().starts_with("SCIM-2:"));
    let mut other = user_body("dup2@owl-industries.example");
    other["externalId"] = json!("okta-1");
    let b = assert_scim_error(&f.req("POST", "/Users", Some(&other)), 409);
    assert!(b["detail"].as_str().unwrap().contains("externalId"));
    // SCIM-2: a domain the org has not verified
    let b = assert_scim_error(
        &f.req("POST", "/Users", Some(&user_body("x@unverified.example"))),
        400,
    );
    assert_eq!(b["scimType"], "invalidValue");
    assert!(b["detail"].as_str().unwrap().starts_with("SCIM-2:"));
    assert!(b["detail"].as_str().unwrap().contains("25017"));
    // USR-2: a member of another org
    let b = assert_scim_error(
        &f.req(
            "POST",
            "/Users",
            Some(&user_body("felix.finch@owl-industries.example")),
        ),
        409,
    );
    assert!(b["detail"].as_str().unwrap().starts_with("USR-2:"));
    // SCIM-4: the Owner
    let list = f
        .req(
            "GET",
            &format!(
                "/Users?filter={}",
                enc("userName eq \"olivia.owl@owl-industries.example\"")
            ),
            None,
        )
        .json();
    let owner = &list["Resources"][0];
    let b = assert_scim_error(
        &f.req(
            "PATCH",
            &format!("/Users/{}", owner["id"].as_str().unwrap()),
            Some(&json!({"Operations": [{"op": "replace", "path": "active", "value": false}]})),
        ),
        400,
    );
    assert_eq!(b["scimType"], "mutability");
    assert!(b["detail"].as_str().unwrap().starts_with("SCIM-4:"));
    assert_scim_error(
        &f.req(
            "DELETE",
            &format!("/Users/{}", owner["id"].as_str().unwrap()),
            None,
        ),
        400,
    );
}

#[test]
fn filters_paging_and_attribute_selection() {
    let f = start("Owl Industries", true);
    let list = |q: &str| f.req("GET", &format!("/Users?{q}"), None);
    let all = list("").json();
    assert_eq!(all["totalResults"], 6);
    assert_eq!(all["Resources"].as_array().unwrap().len(), 6);
    // case-insensitive userName, as Okta sends
    let r = list(&format!(
        "filter={}",
        enc("userName eq \"SAM.STANDARD@OWL-INDUSTRIES.EXAMPLE\"")
    ))
    .json();
    assert_eq!(r["totalResults"], 1);
    // + is a space in query strings
    let r = list("filter=userName+eq+%22sam.standard%40owl-industries.example%22").json();
    assert_eq!(r["totalResults"], 1);
    let r = list(&format!(
        "filter={}",
        enc("userName eq \"nobody@test.invalid\"")
    ))
    .json();
    assert_eq!(r["totalResults"], 0);
    assert_eq!(r["Resources"], json!([]));
    let r = list(&format!("filter={}", enc("active eq false"))).json();
    assert_eq!(r["totalResults"], 1);
    let r = list(&format!(
        "filter={}",
        enc("userName sw \"sa\" and not (userName co \"sara\")")
    ))
    .json();
    assert_eq!(r["totalResults"], 1);
    let r = list(&format!(
        "filter={}",
        enc("emails[type eq \"work\" and value ew \"owl-industries.example\"]")
    ))
    .json();
    assert_eq!(r["totalResults"], 6);
    let r = list(&format!(
        "filter={}",
        enc("name.givenName eq \"ava\" or displayName co \"adam\"")
    ))
    .json();
    assert_eq!(r["totalResults"], 2);
    // bad filters
    for bad in [
        "userName eq",
        "userName xx \"a\"",
        "(userName eq \"a\"",
        "title eq \"x\"",
        "emails.nope pr",
    ] {
        let b = assert_scim_error(&list(&format!("filter={}", enc(bad))), 400);
        assert_eq!(b["scimType"], "invalidFilter", "{bad}");
    }
    // paging
    let r = list("startIndex=2&count=2").json();
    assert_eq!(r["startIndex"], 2);
    assert_eq!(r["itemsPerPage"], 2);
    assert_eq!(r["totalResults"], 6);
    assert_eq!(r["Resources"][0]["id"], all["Resources"][1]["id"]);
    let r = list("count=0").json();
    assert_eq!(r["Resources"], json!([]));
    assert_eq!(r["totalResults"], 6);
    let r = list("startIndex=6&count=10").json();
    assert_eq!(r["itemsPerPage"], 1);
    assert_scim_error(&list("count=abc"), 400);
    // attributes / excludedAttributes
    let r = list("attributes=userName&count=1").json();
    let keys: Vec<&String> = r["Resources"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "schemas", "userName"]);
    let r = list("excludedAttributes=emails,meta&count=1").json();
    assert!(r["Resources"][0].get("emails").is_none());
    assert!(r["Resources"][0].get("userName").is_some());
    // POST /Users/.search
    let r = f.req(
        "POST",
        "/Users/.search",
        Some(&json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                     "filter": "userName ew \"owl-industries.example\"", "count": 1, "attributes": ["userName"]})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = r.json();
    assert_eq!(r["totalResults"], 6);
    assert_eq!(r["itemsPerPage"], 1);
}

#[test]
fn etags_if_match_and_if_none_match() {
    let f = start("Owl Industries", true);
    let r = f.req(
        "POST",
        "/Users",
        Some(&user_body("etag@owl-industries.example")),
    );
    let id = r.json()["id"].as_str().unwrap().to_string();
    let v1 = r.header("etag").unwrap().to_string();
    let patch = |etag: &str, name: &str| {
        f.req_with(
            "PATCH",
            &format!("/Users/{id}"),
            &[("If-Match", etag)],
            Some(&json!({"Operations": [{"op": "replace", "path": "displayName", "value": name}]})),
        )
    };
    let r = patch(&v1, "Second");
    assert_eq!(r.status, 200, "{}", r.body);
    let v2 = r.header("etag").unwrap().to_string();
    assert_ne!(v1, v2);
    // stale
    let b = assert_scim_error(&patch(&v1, "Third"), 412);
    assert!(b["detail"].as_str().unwrap().contains("25020"));
    assert_eq!(
        f.req("GET", &format!("/Users/{id}"), None).json()["displayName"],
        "Second"
    );
    // a PUT and a DELETE with a stale ETag fail too
    assert_scim_error(
        &f.req_with(
            "PUT",
            &format!("/Users/{id}"),
            &[("If-Match", &v1)],
            Some(&user_body("etag@owl-industries.example")),
        ),
        412,
    );
    assert_scim_error(
        &f.req_with(
            "DELETE",
            &format!("/Users/{id}"),
            &[("If-Match", &v1)],
            None,
        ),
        412,
    );
    assert_eq!(patch("*", "Star").status, 200);
    // a change made elsewhere (the console) also makes the ETag stale
    let v3 = f
        .req("GET", &format!("/Users/{id}"), None)
        .header("etag")
        .unwrap()
        .to_string();
    {
        let mut s = f.session.lock().unwrap();
        let ctx = owner_ctx(&s.world, &f.org);
        s.apply(
            &ctx,
            &tworg::model::Action::Deactivate {
                user: "etag@owl-industries.example".into(),
                confirm_lockout: false,
            },
        )
        .unwrap();
    }
    assert_scim_error(&patch(&v3, "Late"), 412);
    let v4 = f
        .req("GET", &format!("/Users/{id}"), None)
        .header("etag")
        .unwrap()
        .to_string();
    let r = f.req_with(
        "GET",
        &format!("/Users/{id}"),
        &[("If-None-Match", &v4)],
        None,
    );
    assert_eq!(r.status, 304);
}

#[test]
fn bad_bodies_are_400_or_413_never_a_crash() {
    let f = start("Owl Industries", true);
    let auth = format!("Bearer {TOKEN}");
    let path = format!("{}/Users", f.base);
    let send = |body: &[u8]| {
        raw(
            f.addr(),
            "POST",
            &path,
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/scim+json"),
            ],
            Some(body),
        )
    };
    let b = assert_scim_error(&send(b"{not json"), 400);
    assert_eq!(b["scimType"], "invalidSyntax");
    assert_scim_error(&send(b""), 400);
    assert_scim_error(&send(b"[1,2,3]"), 400);
    assert_scim_error(&send(br#"{"not":"a scim resource"}"#), 400);
    assert_scim_error(
        &send(br#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}"#),
        400,
    );
    assert_scim_error(&send(br#"{"userName": 42}"#), 400);
    assert_scim_error(
        &send(br#"{"userName": "a@owl-industries.example", "emails": "nope"}"#),
        400,
    );
    assert_scim_error(&send("\u{1F600}".repeat(10).as_bytes()), 400);
    // 64 KiB + 1
    let mut big = br#"{"userName":""#.to_vec();
    big.extend(std::iter::repeat_n(b'a', 64 * 1024));
    big.extend(br#""}"#);
    assert_scim_error(&send(&big), 413);
    // PATCH: bad operations
    let id = f
        .req(
            "POST",
            "/Users",
            Some(&user_body("patchy@owl-industries.example")),
        )
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    for ops in [
        json!({"Operations": "x"}),
        json!({"Operations": []}),
        json!({"Operations": [{"op": "jump", "path": "active"}]}),
        json!({"Operations": [{"op": "remove"}]}),
        json!({"Operations": [{"op": "remove", "path": "userName"}]}),
        json!({"Operations": [{"op": "replace", "path": "id", "value": "x"}]}),
        json!({"Operations": [{"op": "replace", "path": "active", "value": "maybe"}]}),
        json!({"Operations": [{"op": "replace", "path": "emails[type eq]", "value": "x"}]}),
    ] {
        assert_scim_error(&f.req("PATCH", &format!("/Users/{id}"), Some(&ops)), 400);
    }
    // nothing above changed the user
    let u = f.req("GET", &format!("/Users/{id}"), None).json();
    assert_eq!(u["active"], true);
}

#[test]
fn okta_and_entra_requests() {
    let f = start("Owl Industries", true);
    // Okta posts application/json
    let body = user_body("okta.user@owl-industries.example").to_string();
    let auth = format!("Bearer {TOKEN}");
    let r = raw(
        f.addr(),
        "POST",
        &format!("{}/Users", f.base),
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        Some(body.as_bytes()),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_string();
    // Entra: capitalised ops, value-filtered paths, string booleans, extension URNs, no path
    let r = f.req(
        "PATCH",
        &format!("/Users/{id}"),
        Some(&json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {"op": "Replace", "path": "name.familyName", "value": "Entra"},
                {"op": "Add", "path": "emails[type eq \"home\"].value", "value": "okta.home@elsewhere.example"},
                {"op": "Replace", "value": {"displayName": "Okta Entra", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "R&D"}},
                {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "value": "7"},
                {"op": "Replace", "path": "active", "value": "False"}
            ]
        })),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let u = r.json();
    assert_eq!(u["name"]["familyName"], "Entra");
    assert_eq!(u["displayName"], "Okta Entra");
    assert_eq!(u["active"], false);
    assert_eq!(u["emails"][1]["value"], "okta.home@elsewhere.example");
    // reactivate and change the work email through a value filter, keeping userName == email
    let r = f.req(
        "PATCH",
        &format!("/Users/{id}"),
        Some(&json!({"Operations": [
            {"op": "replace", "path": "active", "value": true},
            {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "okta.renamed@owl-industries.example"},
            {"op": "replace", "path": "userName", "value": "okta.renamed@owl-industries.example"}
        ]})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        f.saved()
            .find_user("okta.renamed@owl-industries.example")
            .unwrap()
            .sid
            .as_str(),
        id
    );
    // changing userName alone breaks userName == primary email (SCIM-2)
    let b = assert_scim_error(
        &f.req(
            "PATCH",
            &format!("/Users/{id}"),
            Some(&json!({"Operations": [{"op": "replace", "path": "userName", "value": "x@owl-industries.example"}]})),
        ),
        400,
    );
    assert!(b["detail"].as_str().unwrap().starts_with("SCIM-2:"));
    // Okta: an existing user has names, userName, active and emails
    let r = f.req("GET", "/Users?count=1&startIndex=1", None).json();
    let first = &r["Resources"][0];
    for k in ["id", "userName", "active"] {
        assert!(first.get(k).is_some(), "{k}");
    }
    assert!(first["name"]["givenName"].is_string());
    assert!(first["name"]["familyName"].is_string());
    assert!(first["emails"][0]["value"].is_string());
}

#[test]
fn the_console_sees_scim_changes_in_the_shared_session() {
    let f = start("Owl Industries", true);
    let before = f.session.lock().unwrap().generation();
    let r = f.req(
        "POST",
        "/Users",
        Some(&user_body("live@owl-industries.example")),
    );
    assert_eq!(r.status, 201);
    let s = f.session.lock().unwrap();
    assert!(s.generation() > before);
    assert!(s.world.find_user("live@owl-industries.example").is_ok());
}

#[test]
fn slow_or_idle_clients_do_not_block_others() {
    use std::io::Write;
    let f = start("Owl Industries", true);
    // many idle connections, one half-sent request
    let idle: Vec<_> = (0..50)
        .map(|_| std::net::TcpStream::connect(f.addr()).unwrap())
        .collect();
    let mut half = std::net::TcpStream::connect(f.addr()).unwrap();
    half.write_all(
        format!(
            "POST {}/Users HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{{",
            f.base
        )
        .as_bytes(),
    )
    .unwrap();
    let t = std::time::Instant::now();
    assert_eq!(f.req("GET", "/Users?count=1", None).status, 200);
    assert!(t.elapsed() < std::time::Duration::from_secs(2));
    drop(idle);
}

#[test]
fn server_shuts_down_cleanly() {
    let f = start("Owl Industries", true);
    let addr = f.addr();
    assert_eq!(f.req("GET", "/Users?count=1", None).status, 200);
    let Fixture { server, .. } = f;
    server.shutdown();
    assert!(std::net::TcpStream::connect(addr).is_err());
}

/// The checks of Okta's "SCIM 2.0 Spec Test" (2024 export), transcribed step by step.
#[test]
fn okta_spec_test_steps() {
    let f = start("Owl Industries", true);
    let timed = |method: &str, path: &str, body: Option<&Value>| {
        let t = std::time::Instant::now();
        let r = f.req(method, path, body);
        assert!(
            t.elapsed().as_millis() < 600,
            "{method} {path} took {:?}",
            t.elapsed()
        );
        r
    };
    // 1. a page of one existing user, with the fields Okta reads
    let r = timed("GET", "/Users?count=1&startIndex=1", None);
    assert_eq!(r.status, 200);
    let page = r.json();
    assert_eq!(
        page["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
    );
    for k in ["itemsPerPage", "startIndex", "totalResults"] {
        assert!(page[k].is_number(), "{k}");
    }
    let first = page["Resources"][0].clone();
    let id = first["id"].as_str().unwrap().to_string();
    for field in [
        &first["name"]["familyName"],
        &first["name"]["givenName"],
        &first["userName"],
        &first["emails"][0]["value"],
    ] {
        assert!(field.is_string());
    }
    assert!(first["active"].is_boolean());
    // 2. the same user by id
    let r = timed("GET", &format!("/Users/{id}"), None);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["id"], id.as_str());
    // 3. an unknown userName, twice
    for _ in 0..2 {
        let r = timed(
            "GET",
            &format!(
                "/Users?filter={}",
                enc("userName eq \"unknown.okta@owl-industries.example\"")
            ),
            None,
        );
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["totalResults"], 0);
    }
    // 4. an unknown id
    assert_scim_error(&timed("GET", "/Users/010101001010101010", None), 404);
    // 5. create, sent as application/json
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "okta.spec@owl-industries.example",
        "name": {"givenName": "Okta", "familyName": "Spec"},
        "emails": [{"primary": true, "value": "okta.spec@owl-industries.example", "type": "work"}],
        "displayName": "Okta Spec", "active": true
    });
    let auth = format!("Bearer {TOKEN}");
    let raw_body = body.to_string();
    let r = raw(
        f.addr(),
        "POST",
        &format!("{}/Users", f.base),
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        Some(raw_body.as_bytes()),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let created = r.json();
    assert_eq!(created["active"], true);
    assert_eq!(created["userName"], body["userName"]);
    assert_eq!(created["name"], body["name"]);
    assert!(
        created["schemas"]
            .as_array()
            .unwrap()
            .contains(&json!("urn:ietf:params:scim:schemas:core:2.0:User"))
    );
    let new_id = created["id"].as_str().unwrap();
    // 6. read it back
    let r = timed("GET", &format!("/Users/{new_id}"), None).json();
    assert_eq!(r["userName"], body["userName"]);
    assert_eq!(r["name"], body["name"]);
    // 7. the same POST again
    let r = timed("POST", "/Users", Some(&body));
    assert_scim_error(&r, 409);
    // 8. case-insensitive userName filter
    let r = timed(
        "GET",
        &format!(
            "/Users?filter={}",
            enc("userName eq \"OKTA.SPEC@OWL-INDUSTRIES.EXAMPLE\"")
        ),
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["totalResults"], 1);
    // 10. a non-token Authorization header
    let r = raw(
        f.addr(),
        "GET",
        &format!("{}/Users?filter={}", f.base, enc("userName eq \"x\"")),
        &[("Authorization", "non-token")],
        None,
    );
    assert_eq!(assert_scim_error(&r, 401)["status"], "401");
    // 11. an unknown numeric id
    assert_scim_error(&timed("GET", "/Users/00919288221112222", None), 404);
}
