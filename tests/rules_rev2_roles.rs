//! Rules of revision 2 about identifiers and roles: ID-1's new prefixes and the role catalogue.

mod fixture;

use fixture::*;
use tworg::model::roles;
use tworg::model::*;

#[test]
fn rule_id_1_rev2_role_assignment_and_credential_prefixes_are_sids() {
    for (prefix, kind) in [
        ("IX", SidKind::Role),
        ("IY", SidKind::RoleAssignment),
        ("OQ", SidKind::OAuthClient),
        ("SK", SidKind::ApiKey),
    ] {
        let sid = Sid::parse_any(&format!("{}{}", prefix.to_lowercase(), "A".repeat(32)))
            .expect("a well-formed SID of a rev-2 prefix");
        assert_eq!(sid.kind(), Some(kind));
        assert_eq!(sid.as_str(), format!("{prefix}{}", "a".repeat(32)));
    }
    // Any other prefix is still refused.
    let refusal = Sid::parse_any(&format!("ZZ{}", "0".repeat(32))).unwrap_err();
    assert_eq!(refusal.rule, "ID-1");
    // Importing by a role SID names the kind that was expected.
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let general = roles::general(AccountRole::Administrator).sid.to_string();
    refused_with(&mut w, &ctx, Action::ImportAccount { sid: general }, "ID-1");
}
