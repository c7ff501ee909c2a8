//! Runbooks: the numbered steps to make a rehearsed change in the real Twilio Console — where to
//! click (today's Console and the legacy one where they differ, after Twilio's docs), what to
//! enter, the equivalent API call where Twilio has one, the prerequisites a person must not
//! forget, the rule that constrains the step and how to check it worked.
//!
//! The procedures are a table of data keyed by action name ([`PROCEDURES`]); [`procedure`] is an
//! exhaustive `match` on [`Action`], so a new action without runbook steps does not compile.
//! Today's Console paths follow Twilio's "Settings › Organization settings" pages; the legacy
//! paths its "Twilio Admin" (formerly Admin Center) pages.

use serde::Serialize;

use crate::model::{Action, AuditEntry, Ctx, World};

/// Who performs a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Who {
    /// The org's Owner or an Administrator.
    Admin,
    /// The org's Owner only.
    Owner,
    /// The invited person, from their email.
    Invitee,
    /// The owner of the account concerned, from their email.
    AccountOwner,
    /// Whoever runs the domain's DNS.
    DnsAdmin,
    /// Twilio Support, on a request by the Owner or an Administrator.
    TwilioSupport,
    /// The identity provider's SCIM client.
    IdentityProvider,
    /// Any Twilio user (sign-up, their own account).
    AnyUser,
    /// Nobody: time passes.
    Time,
}

impl Who {
    pub fn label(self) -> &'static str {
        match self {
            Who::Admin => "the Owner or an Administrator",
            Who::Owner => "the Org Owner",
            Who::Invitee => "the invited person",
            Who::AccountOwner => "the account's owner",
            Who::DnsAdmin => "whoever runs the domain's DNS",
            Who::TwilioSupport => "Twilio Support (asked by the Owner or an Administrator)",
            Who::IdentityProvider => "the identity provider (SCIM)",
            Who::AnyUser => "the Twilio user concerned",
            Who::Time => "nobody: wait",
        }
    }
}

/// How one kind of change is made in the real Console.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Procedure {
    /// The action names (`Action::name`) it covers.
    pub actions: &'static [&'static str],
    pub title: &'static str,
    pub who: Who,
    /// Where to click in today's Console.
    pub console: &'static [&'static str],
    /// Where to click in the legacy Console (Twilio Admin), when it differs.
    pub legacy: &'static [&'static str],
    /// The equivalent API call, if Twilio has one.
    pub api: Option<&'static str>,
    /// What must be done first.
    pub prerequisites: &'static [&'static str],
    /// The rules that constrain the step.
    pub rules: &'static [&'static str],
    /// How to check it worked.
    pub verify: &'static str,
    /// Twilio's page it follows.
    pub doc: &'static str,
}

const USERS: &str = "Settings › Organization settings › User management";
const DOC_USERS: &str = "https://www.twilio.com/docs/iam/organizations/managed-users";
const DOC_ACCOUNTS: &str = "https://www.twilio.com/docs/iam/organizations/managed-accounts";
const DOC_DOMAINS: &str = "https://www.twilio.com/docs/iam/organizations/domains";
const DOC_SSO: &str = "https://www.twilio.com/docs/iam/single-sign-on";
const DOC_SCIM: &str = "https://www.twilio.com/docs/iam/scim";
const DOC_RA: &str = "https://www.twilio.com/docs/iam/access-control/role-assignment-resource";
const DOC_SUB: &str = "https://www.twilio.com/docs/iam/api/subaccounts";
const DOC_ORG: &str = "https://www.twilio.com/docs/iam/organizations";
const DOC_HIPAA: &str = "https://www.twilio.com/docs/iam/twilio-editions/hippa";

macro_rules! procedures {
    ($($name:ident = $body:expr;)*) => {
        $(pub static $name: Procedure = $body;)*
        /// Every procedure, in the order of the table.
        pub static PROCEDURES: &[&Procedure] = &[$(&$name),*];
    };
}

procedures! {
    SIGNUP = Procedure {
        actions: &["signup", "world.add-user"],
        title: "A person signs up for Twilio",
        who: Who::AnyUser,
        console: &["twilio.com/try-twilio: sign up with the email address and verify it"],
        legacy: &[],
        api: None,
        prerequisites: &[],
        rules: &["SIGN-1", "SIGN-2", "SIGN-3", "SIGN-4"],
        verify: "the person can sign in; with a verified domain, the org's sign-up setting decides whether they join",
        doc: DOC_USERS,
    };
    WORLD_ACCOUNT = Procedure {
        actions: &["world.add-account"],
        title: "A Twilio user creates an account outside the organization",
        who: Who::AnyUser,
        console: &["Sign in as that user; Account menu › Create account"],
        legacy: &[],
        api: None,
        prerequisites: &[],
        rules: &["ACC-1"],
        verify: "the account is listed in that user's account switcher",
        doc: DOC_ACCOUNTS,
    };
    DNS_PUBLISH = Procedure {
        actions: &["dns.publish", "dns.unpublish"],
        title: "Publish (or remove) the domain's TXT record",
        who: Who::DnsAdmin,
        console: &["At the DNS provider: a TXT record, Name _twilio, Value twilio-domain-verification=<token>, TTL 3600"],
        legacy: &[],
        api: None,
        prerequisites: &["the token is shown on the domain's Verify Domain page"],
        rules: &["DOM-7", "DOM-8", "DOM-9"],
        verify: "dig TXT _twilio.<domain> answers the value (propagation can take up to 72 hours)",
        doc: DOC_DOMAINS,
    };
    WAIT = Procedure {
        actions: &["clock.advance"],
        title: "Wait",
        who: Who::Time,
        console: &["Nothing to click: expiries and grace periods fall due on their own"],
        legacy: &[],
        api: None,
        prerequisites: &[],
        rules: &["CLK-1"],
        verify: "invitations, requests and domains show their new state in the Console",
        doc: DOC_ORG,
    };
    CREATE_ACCOUNT = Procedure {
        actions: &["account.create"],
        title: "Create an account in the organization",
        who: Who::Admin,
        console: &["Settings › Organization settings › Accounts", "Create account: friendly name and owner"],
        legacy: &["Twilio Admin › Accounts › Create new account: name, Twilio or Flex"],
        api: None,
        prerequisites: &["the account limit has room (ask Twilio Support to raise it)"],
        rules: &["ACC-1", "ACC-2", "ACC-3"],
        verify: "the account is listed as managed, active, Trial",
        doc: DOC_ACCOUNTS,
    };
    IMPORT_ACCOUNT = Procedure {
        actions: &["account.import"],
        title: "Import an existing account",
        who: Who::Admin,
        console: &["Settings › Organization settings › Accounts", "Add existing account: enter the Account SID, send the request"],
        legacy: &["Twilio Admin › Accounts › Import account"],
        api: None,
        prerequisites: &[
            "the owner's email is on a verified domain of the organization",
            "the account limit has room",
            "the account's owner must accept the request from their email before it expires",
        ],
        rules: &["ACC-3", "ACC-4", "ACC-5"],
        verify: "the account is listed as pending until its owner accepts, then managed",
        doc: DOC_ACCOUNTS,
    };
    LINK_ACCOUNT = Procedure {
        actions: &["account.link"],
        title: "Invite an outside owner to share an independent account",
        who: Who::Admin,
        console: &["Settings › Organization settings › Accounts", "Add existing account as independent: enter the Account SID"],
        legacy: &["Twilio Admin › Accounts › Add independent account"],
        api: None,
        prerequisites: &["the account's owner must accept from their email"],
        rules: &["ACC-6"],
        verify: "the account is listed as independent once accepted",
        doc: DOC_ACCOUNTS,
    };
    ANSWER_ACCOUNT = Procedure {
        actions: &["account.confirm", "account.decline"],
        title: "The account's owner answers the request",
        who: Who::AccountOwner,
        console: &["Open the request email from Twilio; Accept (or Decline)"],
        legacy: &[],
        api: None,
        prerequisites: &["the request has not expired (else an Administrator resends it)"],
        rules: &["ACC-4", "ACC-5", "ACC-6"],
        verify: "the account is listed as managed (or independent), or no longer pending",
        doc: DOC_ACCOUNTS,
    };
    REQUEST_ACCOUNT = Procedure {
        actions: &["account.cancel", "account.resend"],
        title: "Cancel or resend an account request",
        who: Who::Admin,
        console: &["Settings › Organization settings › Accounts › Pending", "Resend request / Cancel request on the account's row"],
        legacy: &["Twilio Admin › Accounts › Pending"],
        api: None,
        prerequisites: &[],
        rules: &["ACC-4", "ACC-5", "USR-3"],
        verify: "a resent request shows a new expiry; a cancelled one is gone",
        doc: DOC_ACCOUNTS,
    };
    RENAME_ACCOUNT = Procedure {
        actions: &["account.rename"],
        title: "Rename an account",
        who: Who::Admin,
        console: &["Switch to the account; Account › General settings › Friendly name; Save"],
        legacy: &["Console › Project info › Settings"],
        api: Some("POST https://api.twilio.com/2010-04-01/Accounts/{AC}.json  FriendlyName=<name>"),
        prerequisites: &[],
        rules: &["ACC-1", "RBAC-3"],
        verify: "GET /2010-04-01/Accounts/{AC}.json shows the friendly_name",
        doc: DOC_ACCOUNTS,
    };
    TRANSFER_ACCOUNT = Procedure {
        actions: &["account.transfer"],
        title: "Transfer an account to another owner",
        who: Who::Admin,
        console: &["Settings › Organization settings › Accounts", "the account's ⋯ menu › Transfer ownership: choose an active managed member"],
        legacy: &["Twilio Admin › Accounts › the account › Change owner"],
        api: None,
        prerequisites: &["the new owner is an active managed member"],
        rules: &["ACC-7"],
        verify: "the account's owner column shows the new owner; the previous owner keeps Administrator",
        doc: DOC_ACCOUNTS,
    };
    UPGRADE_ACCOUNT = Procedure {
        actions: &["account.upgrade"],
        title: "Upgrade a Trial account",
        who: Who::Admin,
        console: &["Switch to the account; Upgrade account (top bar); enter billing details"],
        legacy: &[],
        api: None,
        prerequisites: &["a payment method or an invoice arrangement"],
        rules: &["ACC-9", "RBAC-3"],
        verify: "GET /2010-04-01/Accounts/{AC}.json shows type Full",
        doc: DOC_ACCOUNTS,
    };
    ACCOUNT_STATUS = Procedure {
        actions: &["account.suspend", "account.resume", "account.close"],
        title: "Suspend, resume or close an account",
        who: Who::Admin,
        console: &["Settings › Organization settings › Accounts", "the account's ⋯ menu › Suspend / Activate / Close (type the name to close)"],
        legacy: &["Console › Account › Subaccounts for a subaccount"],
        api: Some("POST https://api.twilio.com/2010-04-01/Accounts/{AC}.json  Status=suspended|active|closed"),
        prerequisites: &["closing is irreversible: move numbers and data off first"],
        rules: &["ACC-8", "SUB-5", "SUB-6"],
        verify: "GET /2010-04-01/Accounts/{AC}.json shows the status",
        doc: DOC_SUB,
    };
    HIPAA = Procedure {
        actions: &["account.hipaa"],
        title: "Designate an account for HIPAA",
        who: Who::TwilioSupport,
        console: &["Ask Twilio Support (or your account team) to mark the account as a HIPAA account"],
        legacy: &[],
        api: None,
        prerequisites: &["an executed BAA with Twilio is on record for the organization"],
        rules: &["HIP-1", "HIP-2", "HIP-3"],
        verify: "the account shows the HIPAA designation in its settings",
        doc: DOC_HIPAA,
    };
    GRANT = Procedure {
        actions: &["account.grant", "account.revoke"],
        title: "Grant or revoke a user's roles on an account",
        who: Who::Admin,
        console: &[USERS, "the user's row › Manage access: choose the account and its roles (Administrator, Developer, Billing Manager, Support), or remove it"],
        legacy: &["Twilio Admin › Users › the user › Accounts"],
        api: Some("POST https://preview-iam.twilio.com/Organizations/{OR}/RoleAssignments  {\"role_sid\":\"IX…0102-0105\",\"scope\":\"AC…\",\"identity\":\"US…\"} (DELETE …/RoleAssignments/{IY} to revoke)"),
        prerequisites: &["a user of a verified domain is invited to the org, not granted as external"],
        rules: &["USR-4", "USR-5", "RBAC-1", "RBAC-3", "RBAC-4"],
        verify: "GET /Organizations/{OR}/RoleAssignments?Identity=US… lists the roles",
        doc: DOC_RA,
    };
    SUBACCOUNT = Procedure {
        actions: &["subaccount.create"],
        title: "Create a subaccount",
        who: Who::Admin,
        console: &["Switch to the parent account; Account › Subaccounts › Create new subaccount"],
        legacy: &[],
        api: Some("POST https://api.twilio.com/2010-04-01/Accounts.json  FriendlyName=<name> (with the parent's credentials)"),
        prerequisites: &["a Trial parent may have one subaccount: upgrade it for more"],
        rules: &["SUB-1", "SUB-2", "SUB-3", "HIP-3"],
        verify: "GET /2010-04-01/Accounts.json lists it with owner_account_sid = the parent",
        doc: DOC_SUB,
    };
    ROLE_ASSIGN = Procedure {
        actions: &["role.assign", "role.unassign"],
        title: "Assign or remove a role assignment",
        who: Who::Admin,
        console: &[USERS, "the user's row › Roles: add the role at the organization or an account, or remove it"],
        legacy: &[],
        api: Some("POST https://preview-iam.twilio.com/Organizations/{OR}/RoleAssignments  {\"role_sid\",\"scope\",\"identity\"}; DELETE …/RoleAssignments/{IY}"),
        prerequisites: &["built-in roles go to managed members only"],
        rules: &["RBAC-1", "RBAC-2", "RBAC-4", "RBAC-5"],
        verify: "GET /Organizations/{OR}/RoleAssignments?Identity=US… lists it (or no longer)",
        doc: DOC_RA,
    };
    ADD_DOMAIN = Procedure {
        actions: &["domain.add"],
        title: "Add a domain",
        who: Who::Admin,
        console: &["Settings › Organization settings › Domains", "Add domain: enter the domain; Save & continue; choose DNS"],
        legacy: &["Twilio Admin › Domains › Add Domain"],
        api: None,
        prerequisites: &["not a common email domain; not verified by another org unless multi-verified"],
        rules: &["DOM-1", "DOM-2", "DOM-3", "DOM-4", "DOM-5", "DOM-6", "DOM-7"],
        verify: "the domain is listed as unverified with its TXT value",
        doc: DOC_DOMAINS,
    };
    VERIFY_DOMAIN = Procedure {
        actions: &["domain.verify", "domain.recheck"],
        title: "Verify (or re-check) a domain",
        who: Who::Admin,
        console: &["Settings › Organization settings › Domains", "the domain › Verify domain"],
        legacy: &["Twilio Admin › Domains › the domain › Verify Domain"],
        api: None,
        prerequisites: &["publish the TXT record _twilio.<domain> = twilio-domain-verification=<token> at the DNS provider and wait for it to propagate (up to 72 hours)"],
        rules: &["DOM-8", "DOM-9"],
        verify: "the domain is listed as verified",
        doc: DOC_DOMAINS,
    };
    DELETE_DOMAIN = Procedure {
        actions: &["domain.delete"],
        title: "Delete a domain",
        who: Who::Admin,
        console: &["Settings › Organization settings › Domains", "the domain's ⋯ menu › Delete: tick every acknowledgement"],
        legacy: &["Twilio Admin › Domains › Delete"],
        api: None,
        prerequisites: &["transfer the accounts its users own; its other users leave the org"],
        rules: &["DOM-10"],
        verify: "the domain is gone and its users are no longer members",
        doc: DOC_DOMAINS,
    };
    SIGNUP_SETTING = Procedure {
        actions: &["domain.signup-setting"],
        title: "Choose the sign-up setting for verified domains",
        who: Who::Admin,
        console: &["Settings › Organization settings › Domains › Sign-up settings: Restricted, Auto-enrollment or Blocked"],
        legacy: &["Twilio Admin › Domains › Settings"],
        api: None,
        prerequisites: &[],
        rules: &["SIGN-1", "SIGN-5"],
        verify: "the setting shows the choice",
        doc: DOC_DOMAINS,
    };
    INVITE = Procedure {
        actions: &["user.invite"],
        title: "Invite a user",
        who: Who::Admin,
        console: &[USERS, "Invite user: the email, the org role (Administrator or Standard), accounts and their roles; Send"],
        legacy: &["Twilio Admin › Users › Invite User"],
        api: Some("POST https://preview-iam.twilio.com/Organizations/{OR}/scim/Users (SCIM creates the user directly, without an invitation)"),
        prerequisites: &["the email is on a verified domain of the organization", "the invited person must accept before the invitation expires (7 days)"],
        rules: &["USR-1", "USR-2", "USR-3", "MRG-5"],
        verify: "the user is listed as Invited, then Active once accepted",
        doc: DOC_USERS,
    };
    ANSWER_INVITE = Procedure {
        actions: &["user.accept", "user.decline"],
        title: "The invited person answers",
        who: Who::Invitee,
        console: &["Open the invitation email from Twilio; Accept invitation (or Decline)"],
        legacy: &[],
        api: None,
        prerequisites: &["the invitation has not expired; a Candidate Owner's acceptance merges their org"],
        rules: &["USR-1", "USR-3", "MRG-5"],
        verify: "the user is listed as Active (or the invitation is gone)",
        doc: DOC_USERS,
    };
    MANAGE_INVITE = Procedure {
        actions: &["user.cancel", "user.resend"],
        title: "Cancel or resend an invitation",
        who: Who::Admin,
        console: &[USERS, "Invited tab › the invitation's ⋯ menu › Resend / Cancel"],
        legacy: &["Twilio Admin › Users › Pending"],
        api: None,
        prerequisites: &[],
        rules: &["USR-3"],
        verify: "a resent invitation shows a new expiry; a cancelled one is gone",
        doc: DOC_USERS,
    };
    SET_ROLE = Procedure {
        actions: &["user.role"],
        title: "Change a member's org role",
        who: Who::Admin,
        console: &[USERS, "the user's row › Edit › Organization role: Administrator or Standard; Save"],
        legacy: &["Twilio Admin › Users › the user › Role"],
        api: None,
        prerequisites: &["keep an Owner or Administrator who can sign in without SSO"],
        rules: &["ORG-2", "ORG-4", "SSO-5"],
        verify: "the user's row shows the role",
        doc: DOC_USERS,
    };
    RESETS = Procedure {
        actions: &["user.reset-password", "user.reset-2fa"],
        title: "Reset a managed user's password or 2FA",
        who: Who::Admin,
        console: &[USERS, "the user's ⋯ menu › Reset password / Reset 2FA"],
        legacy: &["Twilio Admin › Users › the user"],
        api: None,
        prerequisites: &["tell the user: the reset link is valid 24 hours; 2FA is enrolled again at the next sign-in"],
        rules: &["USR-6"],
        verify: "the user signs in with the new password or enrols 2FA",
        doc: DOC_USERS,
    };
    DEACTIVATE = Procedure {
        actions: &["user.deactivate", "user.reactivate"],
        title: "Deactivate or reactivate a user",
        who: Who::Admin,
        console: &[USERS, "the user's ⋯ menu › Deactivate / Activate"],
        legacy: &["Twilio Admin › Users › the user"],
        api: Some("PATCH https://preview-iam.twilio.com/Organizations/{OR}/scim/Users/{US}  {\"active\": false|true}"),
        prerequisites: &["transfer the accounts they own first; keep an Administrator who can sign in without SSO"],
        rules: &["USR-7", "SSO-5", "SCIM-3", "SCIM-4"],
        verify: "the user's row shows Deactivated (or Active)",
        doc: DOC_USERS,
    };
    REMOVE_USER = Procedure {
        actions: &["user.remove", "user.delete"],
        title: "Remove or delete a user",
        who: Who::Admin,
        console: &[USERS, "the user's ⋯ menu › Remove from organization / Delete user"],
        legacy: &["Twilio Admin › Users › the user"],
        api: Some("DELETE https://preview-iam.twilio.com/Organizations/{OR}/scim/Users/{US} (removes from the org; the Twilio user remains)"),
        prerequisites: &["transfer the accounts they own first"],
        rules: &["USR-8", "SSO-5", "SCIM-3"],
        verify: "the user is no longer listed",
        doc: DOC_USERS,
    };
    IMPORT_USERS = Procedure {
        actions: &["user.import"],
        title: "Import users from a CSV",
        who: Who::Admin,
        console: &[USERS, "Import users: upload the CSV"],
        legacy: &["Twilio Admin › Users › Import Users"],
        api: None,
        prerequisites: &["ask Twilio Support to enable Import Users", "the users are on a verified domain (not a multi-verified one)"],
        rules: &["USR-9", "MRG-6"],
        verify: "each row of the report is imported, and the users are listed as Active",
        doc: DOC_USERS,
    };
    RENAME_ORG = Procedure {
        actions: &["org.rename"],
        title: "Rename the organization",
        who: Who::Admin,
        console: &["Settings › Organization settings › General: Organization name; Save"],
        legacy: &["Twilio Admin › Settings"],
        api: None,
        prerequisites: &[],
        rules: &["ORG-7"],
        verify: "the name shows in the organization switcher",
        doc: DOC_ORG,
    };
    TRANSFER_ORG = Procedure {
        actions: &["org.transfer"],
        title: "Transfer organization ownership",
        who: Who::Owner,
        console: &[USERS, "the new Owner's ⋯ menu › Transfer organization ownership"],
        legacy: &["Twilio Admin › Users › Make owner"],
        api: None,
        prerequisites: &["the new Owner is an active managed member; their accounts join the org"],
        rules: &["ORG-1", "ORG-5", "ORG-8"],
        verify: "the user is listed as Owner; the previous Owner as Administrator",
        doc: DOC_ORG,
    };
    DELETE_ORG = Procedure {
        actions: &["org.delete"],
        title: "Delete the organization",
        who: Who::Owner,
        console: &["Not possible in the Console: merge the organization into another one instead"],
        legacy: &[],
        api: None,
        prerequisites: &[],
        rules: &["ORG-6"],
        verify: "-",
        doc: DOC_ORG,
    };
    MERGE = Procedure {
        actions: &["org.merge"],
        title: "Merge another organization into this one",
        who: Who::Admin,
        console: &[USERS, "Invite user: the Candidate Owner's email, as Administrator or Standard (or Import users with Import Users enabled)"],
        legacy: &["Twilio Admin › Users › Invite User"],
        api: None,
        prerequisites: &[
            "this org has a verified domain and the Candidate Owner's email is on it; the Candidate has none",
            "the account limit can hold the Candidate's accounts",
            "the Candidate Owner must accept the invitation (an import merges at once)",
        ],
        rules: &["MRG-1", "MRG-2", "MRG-3", "MRG-4", "MRG-5", "MRG-6"],
        verify: "the Candidate's accounts and users are listed here; the Candidate org is gone",
        doc: DOC_ORG,
    };
    SETTING = Procedure {
        actions: &["org.set"],
        title: "Change an organization setting or entitlement",
        who: Who::TwilioSupport,
        console: &["Entitlements (BAA, SSO, Import Users, account and domain limits, multi-verified): open a Twilio Support ticket from the organization", "Invitation lifetime and SCIM rules: Settings › Organization settings"],
        legacy: &[],
        api: None,
        prerequisites: &["for the BAA: execute it with Twilio first"],
        rules: &["ORG-9"],
        verify: "Support confirms; the setting shows in the organization's settings",
        doc: DOC_ORG,
    };
    SSO_CONFIGURE = Procedure {
        actions: &["sso.configure"],
        title: "Configure the SSO profile",
        who: Who::Admin,
        console: &["Settings › Organization settings › Single sign-on", "enter the IdP entity ID, the https sign-in URL, upload the X.509 certificate; Save"],
        legacy: &["Twilio Admin › Single Sign-On"],
        api: None,
        prerequisites: &["Twilio has enabled SSO for the organization", "a verified domain", "a valid certificate from the IdP"],
        rules: &["SSO-1", "SSO-2", "SSO-5"],
        verify: "the profile is saved; test it next",
        doc: DOC_SSO,
    };
    SSO_TEST = Procedure {
        actions: &["sso.test"],
        title: "Test the SSO connection",
        who: Who::Admin,
        console: &["Settings › Organization settings › Single sign-on › Test SSO connection"],
        legacy: &["Twilio Admin › Single Sign-On › Test"],
        api: None,
        prerequisites: &["the profile is configured"],
        rules: &["SSO-3", "SSO-6"],
        verify: "the test reports success",
        doc: "https://www.twilio.com/docs/iam/single-sign-on/test-the-sso-connection",
    };
    SSO_ENFORCE = Procedure {
        actions: &["sso.enforce", "sso.unenforce"],
        title: "Enforce (or stop enforcing) SSO on a domain",
        who: Who::Admin,
        console: &["Settings › Organization settings › Single sign-on › Enforcement: select the domain"],
        legacy: &["Twilio Admin › Single Sign-On › Enforce for domains"],
        api: None,
        prerequisites: &["the connection test passed", "keep an Owner or Administrator who can sign in without SSO (exempt one)"],
        rules: &["SSO-3", "SSO-4", "SSO-5"],
        verify: "a user of the domain is sent to the IdP at sign-in",
        doc: "https://www.twilio.com/docs/iam/single-sign-on/enforcing-sso-for-selected-domains",
    };
    SSO_EXEMPT = Procedure {
        actions: &["sso.exempt", "sso.unexempt"],
        title: "Exempt a user from SSO (or end the exemption)",
        who: Who::Admin,
        console: &["Settings › Organization settings › Single sign-on › Exemptions: add or remove the user"],
        legacy: &["Twilio Admin › Single Sign-On › Exempt users"],
        api: None,
        prerequisites: &[],
        rules: &["SSO-4", "SSO-5"],
        verify: "the user can (or can no longer) sign in with a password",
        doc: DOC_SSO,
    };
    SCIM_ENABLE = Procedure {
        actions: &["scim.enable", "scim.disable"],
        title: "Enable or disable SCIM provisioning",
        who: Who::Admin,
        console: &["Settings › Organization settings › SCIM (OAuth app for the IdP)", "copy the credentials into the IdP's SCIM settings"],
        legacy: &["Twilio Admin › Single Sign-On › SCIM"],
        api: None,
        prerequisites: &["a verified domain; SSO recommended"],
        rules: &["SCIM-1"],
        verify: "the IdP's test connection to the SCIM endpoint succeeds",
        doc: "https://www.twilio.com/docs/iam/scim/oauth-setup",
    };
    OAUTH_APP = Procedure {
        actions: &["oauth.create", "oauth.delete"],
        title: "Create or delete an organization OAuth app (client credentials)",
        who: Who::Admin,
        console: &[
            "Settings › Organization settings › Organization API access",
            "Create OAuth application (grant type Client credentials), or delete the app",
            "on Copy secret, store the client ID (OQ…) and secret: they are shown once",
        ],
        legacy: &["Twilio Admin › Applications › OAuth apps"],
        api: Some("POST https://oauth.twilio.com/v2/token (grant_type=client_credentials) gives the app's access token"),
        prerequisites: &["you are the Owner or an Administrator of the organization"],
        rules: &["RBAC-3"],
        verify: "a token request with the client ID and secret returns an access token (and fails once the app is deleted)",
        doc: "https://www.twilio.com/docs/iam/oauth-apps/org-oauth-apps",
    };
    ACCOUNT_CREDENTIALS = Procedure {
        actions: &["account.auth-token", "account.api-key"],
        title: "Mint an account's auth token or API key",
        who: Who::Admin,
        console: &[
            "switch to the account, then Account › API keys & tokens",
            "Auth tokens: request a secondary token and promote it (the old one stops working); or Create API key",
            "store the secret: it is shown once",
        ],
        legacy: &[],
        api: Some("POST https://api.twilio.com/2010-04-01/Accounts/{AC}/Keys.json (an API key)"),
        prerequisites: &["an Administrator of the account (directly, through its parent or the organization)"],
        rules: &["RBAC-3", "SUB-4"],
        verify: "GET /2010-04-01/Accounts/{AC}.json with the new credentials answers 200",
        doc: "https://www.twilio.com/docs/iam/api-keys",
    };
    SCIM_USER = Procedure {
        actions: &["scim.create", "scim.replace", "scim.patch", "scim.delete"],
        title: "The identity provider provisions a user",
        who: Who::IdentityProvider,
        console: &["In the IdP: assign (or unassign) the user to the Twilio application"],
        legacy: &[],
        api: Some("POST|PUT|PATCH|DELETE https://preview-iam.twilio.com/Organizations/{OR}/scim/Users[/{US}]"),
        prerequisites: &["SCIM is enabled; the user's email is on a verified domain"],
        rules: &["SCIM-2", "SCIM-3", "SCIM-4"],
        verify: "GET /Organizations/{OR}/scim/Users?filter=userName eq \"<email>\" finds the user",
        doc: DOC_SCIM,
    };
}

/// The procedure of an action: an exhaustive match, so a new action must name its steps.
pub fn procedure(action: &Action) -> &'static Procedure {
    use Action as A;
    match action {
        A::Signup { .. } | A::AddWorldUser { .. } => &SIGNUP,
        A::AddWorldAccount { .. } => &WORLD_ACCOUNT,
        A::PublishDns { .. } | A::UnpublishDns { .. } => &DNS_PUBLISH,
        A::AdvanceClock { .. } => &WAIT,
        A::CreateAccount { .. } => &CREATE_ACCOUNT,
        A::ImportAccount { .. } => &IMPORT_ACCOUNT,
        A::LinkAccount { .. } => &LINK_ACCOUNT,
        A::ConfirmAccount { .. } | A::DeclineAccount { .. } => &ANSWER_ACCOUNT,
        A::CancelAccount { .. } | A::ResendAccount { .. } => &REQUEST_ACCOUNT,
        A::RenameAccount { .. } => &RENAME_ACCOUNT,
        A::TransferAccount { .. } => &TRANSFER_ACCOUNT,
        A::UpgradeAccount { .. } => &UPGRADE_ACCOUNT,
        A::SuspendAccount { .. } | A::ResumeAccount { .. } | A::CloseAccount { .. } => {
            &ACCOUNT_STATUS
        }
        A::SetHipaa { .. } => &HIPAA,
        A::GrantAccess { .. } | A::RevokeAccess { .. } => &GRANT,
        A::CreateSubaccount { .. } => &SUBACCOUNT,
        A::AssignRole { .. } | A::UnassignRole { .. } => &ROLE_ASSIGN,
        A::AddDomain { .. } => &ADD_DOMAIN,
        A::VerifyDomain { .. } | A::RecheckDomain { .. } => &VERIFY_DOMAIN,
        A::DeleteDomain { .. } => &DELETE_DOMAIN,
        A::SetSignup { .. } => &SIGNUP_SETTING,
        A::Invite { .. } => &INVITE,
        A::AcceptInvite { .. } | A::DeclineInvite { .. } => &ANSWER_INVITE,
        A::CancelInvite { .. } | A::ResendInvite { .. } => &MANAGE_INVITE,
        A::SetRole { .. } => &SET_ROLE,
        A::ResetPassword { .. } | A::Reset2fa { .. } => &RESETS,
        A::Deactivate { .. } | A::Reactivate { .. } => &DEACTIVATE,
        A::RemoveUser { .. } | A::DeleteUser { .. } => &REMOVE_USER,
        A::ImportUsers { .. } => &IMPORT_USERS,
        A::RenameOrg { .. } => &RENAME_ORG,
        A::TransferOrg { .. } => &TRANSFER_ORG,
        A::DeleteOrg => &DELETE_ORG,
        A::Merge { .. } => &MERGE,
        A::Set(_) => &SETTING,
        A::SsoConfigure { .. } => &SSO_CONFIGURE,
        A::SsoTest => &SSO_TEST,
        A::SsoEnforce { .. } | A::SsoUnenforce { .. } => &SSO_ENFORCE,
        A::SsoExempt { .. } | A::SsoUnexempt { .. } => &SSO_EXEMPT,
        A::ScimEnable { .. } | A::ScimDisable => &SCIM_ENABLE,
        A::CreateOAuthApp { .. } | A::DeleteOAuthApp { .. } => &OAUTH_APP,
        A::SetAuthToken { .. } | A::CreateApiKey { .. } => &ACCOUNT_CREDENTIALS,
        A::ScimCreateUser { .. } | A::ScimReplaceUser { .. } | A::ScimDeleteUser { .. } => {
            &SCIM_USER
        }
    }
}

/// The procedure of an audit entry's action name (`user.invite`), if the table has one.
pub fn by_name(name: &str) -> Option<&'static Procedure> {
    PROCEDURES
        .iter()
        .copied()
        .find(|p| p.actions.contains(&name))
}

/// One numbered step of a runbook.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub number: usize,
    /// The action's name (`user.invite`).
    pub action: String,
    pub procedure: &'static Procedure,
    /// The organization it happens in.
    pub org: Option<String>,
    /// What to enter, in the words of the change.
    pub enter: String,
    /// Values the person needs that the world holds (the TXT record, the Candidate's name).
    pub extras: Vec<String>,
}

/// A runbook: its title and steps.
#[derive(Debug, Clone, Serialize)]
pub struct Runbook {
    pub title: String,
    pub steps: Vec<Step>,
}

/// What to enter for an action, from its fields (an exhaustive match through `plan::command`'s
/// words is not needed: the plan line states every field).
fn enter(action: &Action) -> String {
    match crate::plan::command(action) {
        Ok(line) => format!("as rehearsed: tworg {line}"),
        Err(why) => format!("{} ({why})", action.name()),
    }
}

/// Values from the world that a step needs, looked up after the change.
fn extras(after: &World, action: &Action) -> Vec<String> {
    let mut v = Vec::new();
    match action {
        Action::AddDomain { name }
        | Action::VerifyDomain { name }
        | Action::RecheckDomain { name }
        | Action::PublishDns { domain: name } => {
            let d = after.orgs.values().find_map(|o| o.domains.get(name));
            if let Some(d) = d {
                v.push(format!(
                    "TXT record: Name {} Value {} TTL 3600",
                    d.txt_host(),
                    d.txt_value()
                ));
            }
        }
        Action::Merge { candidate, .. } => {
            if let Ok(o) = after.find_org(candidate) {
                v.push(format!("Candidate organization: {}", o.name));
            }
        }
        _ => {}
    }
    v
}

/// The runbook of changes applied in order, `after` being the world once they were.
pub fn from_changes(title: &str, after: &World, changes: &[(Ctx, Action)]) -> Runbook {
    let steps = changes
        .iter()
        .enumerate()
        .map(|(i, (ctx, a))| Step {
            number: i + 1,
            action: a.name().to_string(),
            procedure: procedure(a),
            org: after.orgs.get(&ctx.org).map(|o| o.name.clone()),
            enter: enter(a),
            extras: extras(after, a),
        })
        .collect();
    Runbook {
        title: title.to_string(),
        steps,
    }
}

/// The runbook of audit entries (`tworg runbook --since N`): the entries' action names and
/// details; entries no procedure covers (expiries the clock applied) are left out.
pub fn from_audit(title: &str, world: &World, entries: &[AuditEntry]) -> Runbook {
    let steps = entries
        .iter()
        .filter_map(|e| Some((e, by_name(&e.action)?)))
        .enumerate()
        .map(|(i, (e, p))| Step {
            number: i + 1,
            action: e.action.clone(),
            procedure: p,
            org: e.org.as_ref().map(|o| world.org_name(o)),
            enter: e.detail.clone(),
            extras: Vec::new(),
        })
        .collect();
    Runbook {
        title: title.to_string(),
        steps,
    }
}

impl Runbook {
    /// Markdown.
    pub fn to_markdown(&self) -> String {
        let mut s = format!("# {}\n\n", self.title);
        if self.steps.is_empty() {
            s.push_str("Nothing to do.\n");
        }
        for st in &self.steps {
            let p = st.procedure;
            s.push_str(&format!("## {}. {}\n\n", st.number, p.title));
            if let Some(o) = &st.org {
                s.push_str(&format!("- **Organization:** {o}\n"));
            }
            s.push_str(&format!("- **Who:** {}\n", p.who.label()));
            for pre in p.prerequisites {
                s.push_str(&format!("- **First:** {pre}\n"));
            }
            s.push_str(&format!("- **Where:** {}\n", p.console.join(" → ")));
            if !p.legacy.is_empty() {
                s.push_str(&format!("- **Legacy Console:** {}\n", p.legacy.join(" → ")));
            }
            s.push_str(&format!("- **Enter:** {}\n", md_code(&st.enter)));
            for x in &st.extras {
                s.push_str(&format!("- **Values:** {x}\n"));
            }
            if let Some(api) = p.api {
                s.push_str(&format!("- **API:** `{api}`\n"));
            }
            s.push_str(&format!("- **Rules:** {}\n", p.rules.join(", ")));
            s.push_str(&format!("- **Check:** {}\n", p.verify));
            s.push_str(&format!("- **Source:** <{}>\n\n", p.doc));
        }
        s
    }

    /// A self-contained HTML page.
    pub fn to_html(&self) -> String {
        let e = html_escape;
        let mut s = format!(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{t}</title></head><body>\n<h1>{t}</h1>\n<ol>\n",
            t = e(&self.title)
        );
        for st in &self.steps {
            let p = st.procedure;
            s.push_str(&format!("<li><h2>{}</h2>\n<dl>\n", e(p.title)));
            let mut row = |k: &str, v: String| {
                s.push_str(&format!("<dt>{k}</dt><dd>{v}</dd>\n"));
            };
            if let Some(o) = &st.org {
                row("Organization", e(o));
            }
            row("Who", e(p.who.label()));
            for pre in p.prerequisites {
                row("First", e(pre));
            }
            row("Where", e(&p.console.join(" → ")));
            if !p.legacy.is_empty() {
                row("Legacy Console", e(&p.legacy.join(" → ")));
            }
            row("Enter", format!("<code>{}</code>", e(&st.enter)));
            for x in &st.extras {
                row("Values", e(x));
            }
            if let Some(api) = p.api {
                row("API", format!("<code>{}</code>", e(api)));
            }
            row("Rules", e(&p.rules.join(", ")));
            row("Check", e(p.verify));
            row("Source", format!("<a href=\"{d}\">{d}</a>", d = e(p.doc)));
            s.push_str("</dl></li>\n");
        }
        s.push_str("</ol>\n</body></html>\n");
        s
    }
}

fn md_code(s: &str) -> String {
    if s.contains('`') {
        s.to_string()
    } else {
        format!("`{s}`")
    }
}

fn html_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}
