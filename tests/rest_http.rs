//! Twilio's REST faces over loopback (`tworg serve`'s server, started in-process): the OAuth
//! token, the Organizations API, the 2010 Accounts API and SCIM by an OAuth token; each refusal
//! as Twilio's error body with the code its rule maps to, and nothing changed by it (in memory
//! or on disk); each change audited with the credentials that made it.

mod scim_server;

use base64::Engine;
use scim_server::{Resp, owner_ctx, raw};
use serde_json::{Value, json};
use tworg::model::credentials::secret_hash;
use tworg::model::{Action, Sid, SidKind, World};
use tworg::persist::{self, WorldFile};
use tworg::server::rest::RestConfig;
use tworg::server::{self, ServerHandle};
use tworg::session::{Session, SharedSession};

const SECRET: &str = "oauth-secret-0123456789abcdef";
const PROD_TOKEN: &str = "auth-token-production-0123456789";
const STAGING_TOKEN: &str = "auth-token-staging-0123456789";

struct Rest {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    session: SharedSession,
    server: ServerHandle,
    org: Sid,
    client: Sid,
    prod: Sid,
    staging: Sid,
}

fn account(w: &World, name: &str) -> Sid {
    w.accounts
        .values()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no account {name}"))
        .sid
        .clone()
}

fn start() -> Rest {
    let mut world = persist::demo_world();
    let org = world.find_org("Owl Industries").unwrap().sid.clone();
    let ctx = owner_ctx(&world, &org);
    let out = world
        .apply(
            &ctx,
            &Action::CreateOAuthApp {
                name: "ci".into(),
                secret_sha256: secret_hash(SECRET),
            },
        )
        .unwrap();
    let client = out.created.last().unwrap().1.clone();
    let (prod, staging) = (
        account(&world, "Owl Production"),
        account(&world, "Owl Staging"),
    );
    for (sid, token) in [(&prod, PROD_TOKEN), (&staging, STAGING_TOKEN)] {
        world
            .apply(
                &ctx,
                &Action::SetAuthToken {
                    sid: sid.to_string(),
                    token_sha256: secret_hash(token),
                },
            )
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let file = WorldFile::create(&path, &world).unwrap();
    let session = Session::new(world, Some(file)).shared();
    let server = server::spawn_rest(
        session.clone(),
        org.clone(),
        "127.0.0.1:0".parse().unwrap(),
        |bound| RestConfig {
            key: b"a test signing key, 32 bytes ok!".to_vec(),
            public: format!("http://{bound}"),
        },
    )
    .unwrap();
    Rest {
        _dir: dir,
        path,
        session,
        server,
        org,
        client,
        prod,
        staging,
    }
}

impl Rest {
    fn world(&self) -> World {
        self.session.lock().unwrap().world.clone()
    }
    fn saved(&self) -> World {
        persist::load(&self.path).unwrap()
    }
    fn token(&self) -> String {
        let r = self.form(
            "POST",
            "/v2/token",
            &[],
            &format!(
                "grant_type=client_credentials&client_id={}&client_secret={SECRET}",
                self.client
            ),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["access_token"].as_str().unwrap().to_string()
    }
    fn form(&self, method: &str, path: &str, auth: &[(&str, &str)], body: &str) -> Resp {
        let mut h = vec![("Content-Type", "application/x-www-form-urlencoded")];
        h.extend_from_slice(auth);
        raw(self.server.addr(), method, path, &h, Some(body.as_bytes()))
    }
    fn bearer(&self, method: &str, path: &str, body: Option<&Value>) -> Resp {
        let auth = format!("Bearer {}", self.token());
        let mut h = vec![("Authorization", auth.as_str())];
        if body.is_some() {
            h.push(("Content-Type", "application/json"));
        }
        let body = body.map(|b| b.to_string());
        raw(
            self.server.addr(),
            method,
            path,
            &h,
            body.as_deref().map(str::as_bytes),
        )
    }
    fn basic(&self, user: &Sid, secret: &str, method: &str, path: &str, body: &str) -> Resp {
        let auth = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"))
        );
        if method == "GET" {
            raw(
                self.server.addr(),
                method,
                path,
                &[("Authorization", auth.as_str())],
                None,
            )
        } else {
            self.form(method, path, &[("Authorization", auth.as_str())], body)
        }
    }
}

/// Twilio's error body: `{code, message, more_info, status}`.
fn assert_twilio_error(r: &Resp, status: u16, code: u64) {
    assert_eq!(r.status, status, "{}", r.body);
    let v = r.json();
    assert_eq!(v["code"], json!(code), "{v}");
    assert_eq!(v["status"], json!(status), "{v}");
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    assert_eq!(
        v["more_info"],
        json!(format!("https://www.twilio.com/docs/errors/{code}"))
    );
}

#[test]
fn a_token_needs_the_apps_secret_and_carries_an_expiry() {
    let t = start();
    let bad = t.form(
        "POST",
        "/v2/token",
        &[],
        &format!(
            "grant_type=client_credentials&client_id={}&client_secret=wrong",
            t.client
        ),
    );
    assert_eq!(bad.status, 401, "{}", bad.body);
    let token = t.token();
    // a JWT whose claims the SDKs read the expiry from
    let claims = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(claims)
            .unwrap(),
    )
    .unwrap();
    assert!(claims["exp"].as_i64().unwrap() > claims["iat"].as_i64().unwrap());
    // the app deleted, its tokens stop working
    let ctx = owner_ctx(&t.world(), &t.org);
    t.session
        .lock()
        .unwrap()
        .apply(
            &ctx,
            &Action::DeleteOAuthApp {
                sid: t.client.to_string(),
            },
        )
        .unwrap();
    let r = raw(
        t.server.addr(),
        "GET",
        &format!("/Organizations/{}/Accounts", t.org),
        &[("Authorization", &format!("Bearer {token}"))],
        None,
    );
    assert_eq!(r.status, 401, "{}", r.body);
}

#[test]
fn organization_accounts_page_with_absolute_urls_and_hide_what_is_not_managed() {
    let t = start();
    let r = t.bearer(
        "GET",
        &format!("/Organizations/{}/Accounts?PageSize=2", t.org),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["content"].as_array().unwrap().len(), 2, "{v}");
    let next = v["meta"]["next_page_url"].as_str().unwrap();
    assert!(
        next.starts_with(&format!("http://{}/", t.server.addr())),
        "{next}"
    );
    // the independent account is not the org's to show (ACC-6 → 25101)
    let kestrel = account(&t.world(), "Kestrel Partner Portal");
    let r = t.bearer(
        "GET",
        &format!("/Organizations/{}/Accounts/{kestrel}", t.org),
        None,
    );
    assert!(r.status == 400 || r.status == 404, "{}", r.body);
    assert_eq!(r.json()["code"], json!(25101), "{}", r.body);
}

#[test]
fn rule_rbac_5_role_assignments_list_needs_identity_or_scope_and_unknown_roles_are_25202() {
    let t = start();
    let path = format!("/Organizations/{}/RoleAssignments", t.org);
    assert_twilio_error(&t.bearer("GET", &path, None), 400, 25203);
    let before = t.world();
    let sam = before
        .user_by_email("sam.standard@owl-industries.example")
        .unwrap()
        .sid
        .clone();
    let unknown = format!("IX{}", "f".repeat(32));
    let r = t.bearer(
        "POST",
        &path,
        Some(
            &json!({"role_sid": unknown, "scope": t.prod.to_string(), "identity": sam.to_string()}),
        ),
    );
    assert_twilio_error(&r, 400, 25202);
    assert_eq!(t.world(), before, "a refusal changes nothing");
    // the allowed path: Developer on Owl Production, listed, then deleted
    let developer = format!("IX{}", "0".repeat(29) + "103");
    let r = t.bearer(
        "POST",
        &path,
        Some(&json!({"role_sid": developer, "scope": t.prod.to_string(), "identity": sam.to_string()})),
    );
    assert!(r.status == 200 || r.status == 201, "{}", r.body);
    let iy = r.json()["sid"].as_str().unwrap().to_string();
    assert!(iy.starts_with("IY"));
    let listed = t.bearer("GET", &format!("{path}?Identity={sam}"), None);
    assert!(listed.body.contains(&iy), "{}", listed.body);
    // the newer path takes the org from the token
    let listed = t.bearer(
        "GET",
        &format!("/v2/Organizations/RoleAssignments?Identity={sam}"),
        None,
    );
    assert!(listed.body.contains(&iy), "{}", listed.body);
    assert_twilio_error(
        &t.bearer("GET", "/v2/Organizations/RoleAssignments", None),
        400,
        25203,
    );
    // durable before the answer, and audited as the OAuth app
    let saved = t.saved();
    assert!(saved.role_assignments.iter().any(|a| a.sid.as_str() == iy));
    assert!(
        saved
            .audit
            .iter()
            .any(|e| format!("{e:?}").contains(t.client.as_str())),
        "the OAuth app is the actor"
    );
    let r = t.bearer("DELETE", &format!("{path}/{iy}"), None);
    assert_eq!(r.status, 204, "{}", r.body);
}

#[test]
fn rule_sub_2_a_trial_parents_second_subaccount_gets_twilio_code_21480() {
    let t = start();
    // a Trial parent may have one open subaccount: the first is made, the second refused
    let create = |name: &str| {
        t.basic(
            &t.staging,
            STAGING_TOKEN,
            "POST",
            "/2010-04-01/Accounts.json",
            &format!("FriendlyName={name}"),
        )
    };
    assert_eq!(create("apac").status, 201);
    let before = t.saved();
    assert_twilio_error(&create("emea"), 400, 21480);
    assert_eq!(t.saved(), before, "nothing written");
    let r = t.basic(
        &t.prod,
        PROD_TOKEN,
        "POST",
        "/2010-04-01/Accounts.json",
        "FriendlyName=customer-1",
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json();
    assert_eq!(v["friendly_name"], json!("customer-1"));
    assert_eq!(v["owner_account_sid"], json!(t.prod.to_string()), "{v}");
    let sub = v["sid"].as_str().unwrap().to_string();
    assert_eq!(v["date_updated"], v["date_created"], "not changed yet: {v}");
    // an hour later the parent's credentials reach the subaccount; rename and suspend it
    let ctx = owner_ctx(&t.world(), &t.org);
    t.session
        .lock()
        .unwrap()
        .apply(&ctx, &Action::AdvanceClock { seconds: 3600 })
        .unwrap();
    let r = t.basic(
        &t.prod,
        PROD_TOKEN,
        "POST",
        &format!("/2010-04-01/Accounts/{sub}.json"),
        "FriendlyName=customer-one&Status=suspended",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["status"], json!("suspended"));
    assert_ne!(
        v["date_updated"], v["date_created"],
        "changed an hour later: {v}"
    );
    let updated = t.saved().accounts[&tworg::model::Sid::parse_any(&sub).unwrap()].updated_at;
    assert_eq!(
        v["date_updated"].as_str().map(str::to_string),
        updated.map(|t| t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()),
        "date_updated is when the account last changed, and is saved"
    );
    // another account's credentials reach neither (20404: Twilio does not say it exists)
    let r = t.basic(
        &t.staging,
        STAGING_TOKEN,
        "GET",
        &format!("/2010-04-01/Accounts/{sub}.json"),
        "",
    );
    assert_twilio_error(&r, 404, 20404);
    // a wrong token is 20003
    let r = t.basic(&t.prod, "nope", "GET", "/2010-04-01/Accounts.json", "");
    assert_twilio_error(&r, 401, 20003);
}

#[test]
fn scim_by_an_oauth_token_is_audited_as_the_oauth_app() {
    let t = start();
    // SCIM is enabled by its own action; the OAuth token then reaches it
    let ctx = owner_ctx(&t.world(), &t.org);
    t.session
        .lock()
        .unwrap()
        .apply(
            &ctx,
            &Action::ScimEnable {
                token: "scim-token-0123456789abcdef-0123456789abcdef".into(),
            },
        )
        .unwrap();
    let r = t.bearer(
        "POST",
        "/scim/v2/Users",
        Some(&scim_server::user_body("nia.new@owl-industries.example")),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let saved = t.saved();
    let entry = saved.audit.last().unwrap();
    let text = format!("{entry:?}");
    assert!(text.contains(t.client.as_str()), "{text}");
    assert!(!text.contains("scim-token"), "{text}");
    let u = saved
        .user_by_email("nia.new@owl-industries.example")
        .unwrap();
    assert_eq!(u.sid.kind(), Some(SidKind::User));
}
