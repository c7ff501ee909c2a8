//! The rule table: every rule of `RULES.md` with its stable ID and one-line statement.
//! `tworg rules` prints it, and every refusal names one of these IDs.

/// One rule of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub statement: &'static str,
}

macro_rules! rules {
    ($($konst:ident = $id:literal : $text:literal;)*) => {
        $(pub const $konst: Rule = Rule { id: $id, statement: $text };)*
        /// Every rule, in the order of RULES.md.
        pub const ALL: &[Rule] = &[$($konst),*];
    };
}

rules! {
    ID_1 = "ID-1": "A SID is a two-letter prefix (OR, AC, US, DN, NF, IX, IY, OQ, SK) and 32 hex digits; any other shape is refused.";
    ID_2 = "ID-2": "SID input is matched case-insensitively and stored lowercase; generated SIDs are unique in the world.";
    ORG_1 = "ORG-1": "An organization has exactly one Owner at all times.";
    ORG_2 = "ORG-2": "Org roles are Owner, Administrator and Standard; Standard is the default for new members.";
    ORG_3 = "ORG-3": "A Standard user does no org management (transferring account ownership included, even of its own account); it can create accounts and sees only the accounts it was granted.";
    ORG_4 = "ORG-4": "Administrators and the Owner manage users, accounts, domains, settings and merges; only the Owner transfers org ownership.";
    ORG_5 = "ORG-5": "Org ownership goes only to an active managed member of the same org; the previous Owner becomes an Administrator.";
    ORG_6 = "ORG-6": "An organization cannot be deleted or closed from the console: merge it into another organization instead.";
    ORG_7 = "ORG-7": "Organization names are 1-64 characters.";
    ORG_8 = "ORG-8": "Every account owned by the Org Owner is a managed account of that org; when a user becomes Owner, their accounts join.";
    ORG_9 = "ORG-9": "Entitlements only Twilio grants (BAA, SSO, Import Users, account and domain limits, multi-verified) change as a simulated Twilio Support request by the Owner or an Administrator; the BAA goes off only once no account has HIPAA on.";
    ACC_1 = "ACC-1": "A new account has a 1-64 character name and Twilio or Flex usage; it is managed, active, Trial, HIPAA off, owned by the actor or a chosen active member.";
    ACC_2 = "ACC-2": "Accounts created by any managed user join the organization.";
    ACC_3 = "ACC-3": "Managed plus pending accounts may not exceed the org's account limit (default 10).";
    ACC_4 = "ACC-4": "Import by SID needs an existing, open main account in no org whose owner's email domain is verified by this org, also when confirmed; it is Pending, expires and is resent like an invitation (rev 2).";
    ACC_5 = "ACC-5": "A pending import becomes managed when its owner confirms and disappears when the owner declines or an administrator cancels it.";
    ACC_6 = "ACC-6": "Independent accounts are added by their owner's acceptance; the org may only grant and relinquish access to them.";
    ACC_7 = "ACC-7": "Ownership transfer is for managed main accounts, to an active managed member of the org (never an outsider or external user); the previous owner keeps Administrator access.";
    ACC_8 = "ACC-8": "Status goes active <-> suspended and active/suspended -> closed; closing is irreversible, needs the name typed, cascades; a closed account keeps only its history (rev 2).";
    ACC_9 = "ACC-9": "Account type goes Trial -> Full (upgrade) only, never back.";
    ACC_10 = "ACC-10": "Billing is per managed account; a subaccount bills to its parent; there is no org-level billing.";
    SUB_1 = "SUB-1": "Subaccounts live under main accounts only; a subaccount cannot have subaccounts.";
    SUB_2 = "SUB-2": "A Trial parent may have 1 non-closed subaccount, a Full parent 1000 (a setting).";
    SUB_3 = "SUB-3": "A subaccount name is at most 64 characters; an empty name becomes 'SubAccount Created at YYYY-MM-DD HH:MM am/pm'.";
    SUB_4 = "SUB-4": "A subaccount has no owner of its own: the parent's owner and administrators reach it.";
    SUB_5 = "SUB-5": "While the parent is suspended, a subaccount's status cannot change.";
    SUB_6 = "SUB-6": "A closed subaccount is purged 30 days after closing.";
    DOM_1 = "DOM-1": "Domain input is trimmed and lowercased, scheme, path and trailing dot dropped; a leading www. is refused.";
    DOM_2 = "DOM-2": "A domain is a valid host name of at most 253 characters with at least two labels.";
    DOM_3 = "DOM-3": "Common public email domains (a list of 150+ with its sources, the big providers' country and brand variants included) and their subdomains cannot be added or verified.";
    DOM_4 = "DOM-4": "A domain already in this org cannot be added twice.";
    DOM_5 = "DOM-5": "A domain verified in another org cannot be added unless it is multi-verified, and then by at most 20 orgs.";
    DOM_6 = "DOM-6": "At most 100 domains per org (a setting).";
    DOM_7 = "DOM-7": "A new domain is unverified with a fresh token; its TXT record is _twilio.<domain> = twilio-domain-verification=<token>, TTL 3600.";
    DOM_8 = "DOM-8": "Verify succeeds only when the world's DNS holds that exact record.";
    DOM_9 = "DOM-9": "A verified domain whose record is gone becomes verified-uncertain for 30 days, when no user of it can be added; at 0 days it is deleted and its managed users leave the org.";
    DOM_10 = "DOM-10": "Deleting a domain needs acknowledgement and is refused while a user of it owns a managed account or is the Owner; its other users leave.";
    DOM_11 = "DOM-11": "A user's email matches a domain only exactly (a@stage.corp.com does not match corp.com).";
    SIGN_1 = "SIGN-1": "One org-level sign-up setting applies to all verified domains: Restricted, Auto-enrollment or Blocked.";
    SIGN_2 = "SIGN-2": "Restricted: a sign-up with a verified-domain email is refused unless an invitation is pending for it.";
    SIGN_3 = "SIGN-3": "Auto-enrollment: such a sign-up joins the org as Standard.";
    SIGN_4 = "SIGN-4": "Blocked: such a sign-up creates a standalone Twilio user that does not join the org.";
    SIGN_5 = "SIGN-5": "While any verified domain of the org is multi-verified, Restricted and Auto-enrollment are refused.";
    USR_1 = "USR-1": "An invitation needs a valid email whose domain is a verified domain of this org, when it is sent and again when it is accepted (rev 2).";
    USR_2 = "USR-2": "A user belongs to at most one organization (use an alias such as user+org@corp.com); inviting or importing another org's Owner merges that org (MRG-5, MRG-6).";
    USR_3 = "USR-3": "An invitation is pending until accepted, cancelled or expired (7 days, a setting); an expired one stays listed, cannot be accepted, and is resent or cancelled (rev 2).";
    USR_4 = "USR-4": "Account roles are Administrator, Developer, Billing Manager, Support; Administrator excludes the others; Developer and Billing Manager combine.";
    USR_5 = "USR-5": "External users get access to specific managed accounts only, never an org role, never own a managed account; a member's independent accounts become managed, and users of verified domains are invited, not granted (rev 2).";
    USR_6 = "USR-6": "Reset password and reset 2FA are for managed users only; the reset link is valid 24 hours.";
    USR_7 = "USR-7": "A managed user can be deactivated and reactivated; a deactivated user cannot sign in.";
    USR_8 = "USR-8": "Removing keeps the Twilio user, deleting removes it; both are refused for the Owner and while the user owns a managed account.";
    USR_9 = "USR-9": "Bulk import (a setting, needs a verified domain, refused with a multi-verified one) brings existing users of verified domains in from a CSV; a malformed file imports nothing.";
    RBAC_1 = "RBAC-1": "Every grant of a role is an IY role assignment (identity, role, scope), never edited and never made twice; general roles have the documented SIDs IX...0102-0105.";
    RBAC_2 = "RBAC-2": "General roles are assigned on main accounts and reach their subaccounts; built-in roles at organization, account or subaccount scope down to their lowest scope; at most 50 built-in roles per user.";
    RBAC_3 = "RBAC-3": "A general role permits on its account what Twilio's matrix says (Administrator: users, rename, subaccounts, upgrade; Billing Manager: upgrade; Developer: subaccounts, credentials; Support: read); the owner all but transfer.";
    RBAC_4 = "RBAC-4": "Built-in roles go to managed members only, general roles to members and external collaborators; leaving the org drops the user's assignments there; a merge keeps them on the Candidate's accounts.";
    RBAC_5 = "RBAC-5": "Listing assignments needs an identity or a scope; assigning needs a role that exists, a managed user for built-in roles and a scope in the org.";
    SSO_1 = "SSO-1": "SSO needs the SSO entitlement and at least one verified domain.";
    SSO_2 = "SSO-2": "An SSO profile needs an IdP entity ID, an https:// sign-in URL and a PEM X.509 certificate that parses and has not expired.";
    SSO_3 = "SSO-3": "A profile must pass its connection test before it can be enforced.";
    SSO_4 = "SSO-4": "SSO is enforced per verified domain on all its managed users, except users exempted one by one; it stays in force while the domain is verified-uncertain.";
    SSO_5 = "SSO-5": "Any action that would leave no Owner or Administrator able to sign in without SSO (enforcing, deactivating, removing, deleting, demoting, un-exempting, replacing the profile) needs explicit confirmation; an untested or expired profile lets nobody in.";
    SSO_6 = "SSO-6": "A profile whose certificate expires on the world clock stops being tested; enforcement stays, and the users it covers cannot sign in until a valid certificate is configured and tested.";
    SCIM_1 = "SCIM-1": "SCIM is enabled per org with a bearer token, shown once and stored only as a hash.";
    SCIM_2 = "SCIM-2": "SCIM userName equals the primary email on a verified domain; userName and externalId are unique. Every email and userName has one canonical form (trimmed, Unicode NFC, full case folding): two spellings that fold alike are one name; invisible, control and compatibility (fullwidth) characters are refused.";
    SCIM_3 = "SCIM-3": "SCIM active=false deactivates; DELETE removes the user from the org (the Twilio user remains).";
    SCIM_4 = "SCIM-4": "The Org Owner cannot be changed or deactivated through SCIM; a suspended user cannot be updated.";
    MRG_1 = "MRG-1": "A merge needs a Prime with a verified domain, a Candidate with none, and the Candidate Owner's email on a Prime verified domain; a refusal lists every unmet requirement with a step that meets it.";
    MRG_2 = "MRG-2": "A merge is refused when the Prime's account limit cannot hold the Candidate's managed and pending accounts.";
    MRG_3 = "MRG-3": "The preview of what moves (accounts, users, role changes, SSO) is shown when a merge invitation is sent or an import starts; an import needs the Candidate's name typed.";
    MRG_4 = "MRG-4": "After a merge the Candidate is gone; its users keep their account access and get none to the Prime's accounts; Administrators become Standard, the Owner the chosen role; the Prime's SSO applies; its history is copied.";
    MRG_5 = "MRG-5": "Merge by invitation: inviting the Candidate Owner (as Administrator or Standard) merges when they accept; MRG-1/2 are checked again then; declined, cancelled or expired, nothing moves.";
    MRG_6 = "MRG-6": "Merge by import: with Import Users enabled, importing the Candidate Owner merges at once, no opt-out; the Candidate Owner and Administrators become Standard.";
    HIP_1 = "HIP-1": "HIPAA can be turned on for an account only after the org records an executed BAA.";
    HIP_2 = "HIP-2": "HIPAA is a per-account flag on managed accounts; existing accounts never change by themselves.";
    HIP_3 = "HIP-3": "New main accounts start with HIPAA off; a new subaccount of a HIPAA account is HIPAA; existing subaccounts do not change.";
    CLK_1 = "CLK-1": "Expiries and grace periods follow the world's clock; advancing it applies and logs every expiry that falls due.";
    AUD_1 = "AUD-1": "Every applied change is appended to the audit log with time, acting user and what changed; nothing removes or rewrites an entry (undo and redo are changes logged as undo or redo of the entry they revert); messages and entries are plain, correct English.";
}

/// Looks a rule up by its ID (`"ACC-4"`).
pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().find(|r| r.id.eq_ignore_ascii_case(id))
}
