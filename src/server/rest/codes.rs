//! Twilio's error codes, taken from a refusal's rule (never from its text): the one table.

use axum::http::StatusCode;

/// Which API answers: the codes differ per family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `/Organizations/{OR}/Accounts`
    OrgAccounts,
    /// `/Organizations/{OR}/RoleAssignments`, listing
    RoleAssignmentList,
    /// `/Organizations/{OR}/RoleAssignments`, creating or deleting
    RoleAssignmentChange,
    /// `/2010-04-01/Accounts`
    Accounts2010,
}

/// The status and Twilio code for a refusal by `rule` in `family`. `role_unknown`: a role
/// assignment named a role that is not in the catalogue (RBAC-5 answers 25202 then, 25200 for
/// a scope outside the org).
pub fn for_rule(rule: &str, family: Family, role_unknown: bool) -> (StatusCode, u32) {
    use Family::*;
    match (rule, family) {
        ("RBAC-5", RoleAssignmentList) => (StatusCode::BAD_REQUEST, 25203),
        ("RBAC-5", _) if role_unknown => (StatusCode::BAD_REQUEST, 25202),
        ("RBAC-5" | "RBAC-2" | "RBAC-1", _) => (StatusCode::BAD_REQUEST, 25200),
        ("RBAC-4", _) => (StatusCode::BAD_REQUEST, 25201),
        ("ACC-5" | "ACC-6", OrgAccounts | RoleAssignmentChange | RoleAssignmentList) => {
            (StatusCode::BAD_REQUEST, 25101)
        }
        ("ACC-3", _) => (StatusCode::BAD_REQUEST, 25102),
        ("SUB-1", _) => (StatusCode::BAD_REQUEST, 21101),
        ("SUB-2", _) => (StatusCode::BAD_REQUEST, 21480),
        ("RBAC-3" | "ORG-3" | "ORG-4" | "SCIM-1", _) => (StatusCode::FORBIDDEN, 20403),
        // a state the resource cannot leave or enter (ACC-8, SUB-5) or a name (SUB-3, ACC-1)
        _ => (StatusCode::BAD_REQUEST, 20001),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table() {
        assert_eq!(
            for_rule("RBAC-5", Family::RoleAssignmentList, false).1,
            25203
        );
        assert_eq!(
            for_rule("RBAC-5", Family::RoleAssignmentChange, true).1,
            25202
        );
        assert_eq!(
            for_rule("RBAC-5", Family::RoleAssignmentChange, false).1,
            25200
        );
        assert_eq!(
            for_rule("RBAC-4", Family::RoleAssignmentChange, false).1,
            25201
        );
        assert_eq!(for_rule("SUB-2", Family::Accounts2010, false).1, 21480);
        assert_eq!(
            for_rule("RBAC-3", Family::Accounts2010, false),
            (StatusCode::FORBIDDEN, 20403)
        );
    }
}
