//! [`World::apply`]: the one entry point of every change, dispatching each [`Action`] to the
//! submodule that checks its rules and performs it.

use super::action::{Action, Actor, Ctx, Outcome};
use super::error::{ActionError, ActionResult, Fix};
use super::*;

impl World {
    /// Applies one action as `ctx`. On `Err`, the world is exactly as it was.
    pub fn apply(&mut self, ctx: &Ctx, action: &Action) -> ActionResult<Outcome> {
        use Action::*;
        if action.needs_org() {
            self.org(&ctx.org)?;
        }
        if ctx.actor == Actor::ScimToken && !action.is_scim() {
            return super::error::refuse(
                super::rules::SCIM_1,
                format!(
                    "the SCIM token provisions users only and cannot perform {}",
                    action.name()
                ),
                "the SCIM bearer token only provisions users; act as an Administrator for anything else",
            );
        }
        if let Actor::Account(holder) = &ctx.actor
            && !action.is_account_credentials_action()
        {
            return super::error::refuse(
                super::rules::RBAC_3,
                format!(
                    "the credentials of account {holder} cannot perform {}",
                    action.name()
                ),
                "account credentials act on their account and its subaccounts; act as an Administrator for anything else",
            );
        }
        let result = match action {
            Signup { email, name } => self.signup(email, name.as_deref()),
            AddWorldUser { email, name } => self.add_world_user(email, name.as_deref()),
            AddWorldAccount { name, owner, full } => self.add_world_account(name, owner, *full),
            PublishDns { domain } => self.publish_dns(ctx, domain),
            UnpublishDns { domain } => self.unpublish_dns(ctx, domain),
            AdvanceClock { seconds } => self.advance_clock(*seconds),
            CreateAccount { name, flex, owner } => {
                self.create_account(ctx, name, *flex, owner.as_deref())
            }
            ImportAccount { sid } => self.import_account(ctx, sid),
            LinkAccount { sid } => self.link_account(ctx, sid),
            ConfirmAccount { sid } => self.confirm_account(ctx, sid),
            DeclineAccount { sid } => self.decline_account(ctx, sid),
            CancelAccount { sid } => self.cancel_account(ctx, sid),
            ResendAccount { sid } => self.resend_account(ctx, sid),
            RenameAccount { sid, name } => self.rename_account(ctx, sid, name),
            TransferAccount { sid, user } => self.transfer_account(ctx, sid, user),
            UpgradeAccount { sid } => self.upgrade_account(ctx, sid),
            SuspendAccount { sid } => {
                self.set_account_status(ctx, sid, AccountStatus::Suspended, None)
            }
            ResumeAccount { sid } => self.set_account_status(ctx, sid, AccountStatus::Active, None),
            CloseAccount { sid, confirm_name } => {
                self.set_account_status(ctx, sid, AccountStatus::Closed, Some(confirm_name))
            }
            SetHipaa { sid, on } => self.set_hipaa(ctx, sid, *on),
            GrantAccess { sid, user, roles } => self.grant_access(ctx, sid, user, roles),
            RevokeAccess { sid, user } => self.revoke_access(ctx, sid, user),
            AssignRole { user, role, scope } => self.assign_role(ctx, user, role, scope),
            UnassignRole { sid } => self.unassign_role(ctx, sid),
            CreateSubaccount { parent, name } => {
                self.create_subaccount(ctx, parent, name.as_deref())
            }
            AddDomain { name } => self.add_domain(ctx, name),
            VerifyDomain { name } => self.verify_domain(ctx, name),
            RecheckDomain { name } => self.recheck_domain(ctx, name),
            DeleteDomain { name, acknowledged } => self.delete_domain(ctx, name, *acknowledged),
            SetSignup { setting } => self.set_signup(ctx, *setting),
            Invite {
                email,
                role,
                accounts,
            } => self.invite(ctx, email, *role, accounts),
            AcceptInvite { email } => self.accept_invite(ctx, email),
            DeclineInvite { email } => self.decline_invite(ctx, email),
            CancelInvite { email } => self.cancel_invite(ctx, email),
            ResendInvite { email } => self.resend_invite(ctx, email),
            SetRole {
                user,
                role,
                confirm_lockout,
            } => self.set_role(ctx, user, *role, *confirm_lockout),
            ResetPassword { user } => self.reset_password(ctx, user),
            Reset2fa { user } => self.reset_2fa(ctx, user),
            Deactivate {
                user,
                confirm_lockout,
            } => self.set_member_status(ctx, user, MemberStatus::Deactivated, *confirm_lockout),
            Reactivate { user } => self.set_member_status(ctx, user, MemberStatus::Active, false),
            RemoveUser {
                user,
                confirm_lockout,
            } => self.remove_user(ctx, user, false, *confirm_lockout),
            DeleteUser {
                user,
                confirm_lockout,
            } => self.remove_user(ctx, user, true, *confirm_lockout),
            ImportUsers { csv } => self.import_users(ctx, csv),
            RenameOrg { name } => self.rename_org(ctx, name),
            TransferOrg { user } => self.transfer_org(ctx, user),
            DeleteOrg => self.delete_org(ctx),
            Merge {
                candidate,
                confirm,
                owner_role,
            } => self.merge(ctx, candidate, confirm, *owner_role),
            Set(setting) => self.set_setting(ctx, setting),
            SsoConfigure {
                entity_id,
                url,
                cert_pem,
                confirm_lockout,
            } => self.sso_configure(ctx, entity_id, url, cert_pem, *confirm_lockout),
            SsoTest => self.sso_test(ctx),
            SsoEnforce {
                domain,
                confirm_lockout,
            } => self.sso_enforce(ctx, domain, *confirm_lockout),
            SsoUnenforce { domain } => self.sso_unenforce(ctx, domain),
            SsoExempt { user } => self.sso_exempt(ctx, user, true, true),
            SsoUnexempt {
                user,
                confirm_lockout,
            } => self.sso_exempt(ctx, user, false, *confirm_lockout),
            ScimEnable { token } => self.scim_enable(ctx, token),
            ScimDisable => self.scim_disable(ctx),
            ScimCreateUser { user } => self.scim_create_user(ctx, user),
            ScimReplaceUser { id, user, patch } => self.scim_replace_user(ctx, id, user, *patch),
            ScimDeleteUser { id } => self.scim_delete_user(ctx, id),
            CreateOAuthApp {
                name,
                secret_sha256,
            } => self.create_oauth_app(ctx, name, secret_sha256),
            DeleteOAuthApp { sid } => self.delete_oauth_app(ctx, sid),
            SetAuthToken { sid, token_sha256 } => self.set_auth_token(ctx, sid, token_sha256),
            CreateApiKey {
                sid,
                name,
                secret_sha256,
            } => self.create_api_key(ctx, sid, name.as_deref(), secret_sha256),
        };
        result.map_err(|e| self.delegate(ctx, action, e))
    }

    /// A refusal for who is acting (ORG-3, ORG-4) is fixed by someone who may: the same action,
    /// done by the org's Owner (who may do all that an Administrator may). A setting in any
    /// refusal's fixes is likewise changed by an Administrator or the Owner.
    fn delegate(&self, ctx: &Ctx, action: &Action, e: ActionError) -> ActionError {
        let ActionError::Refused(mut r) = e else {
            return e;
        };
        // A setting or entitlement in a fix is changed by an Administrator or the Owner, named
        // when the acting user is neither (a Standard user past the account limit, an invitee).
        let unnamed_setting = |f: &Fix| f.by.is_none() && matches!(f.action, Action::Set(_));
        if r.fixes.iter().any(unnamed_setting)
            && let Some(admin) = self.admin_by(ctx)
        {
            for f in r.fixes.iter_mut().filter(|f| unnamed_setting(f)) {
                f.by = Some(admin.clone());
            }
        }
        let by_role = [rules::ORG_3.id, rules::ORG_4.id, rules::RBAC_3.id].contains(&r.rule);
        if !by_role {
            return ActionError::Refused(r); // (finding the Owner walks the users)
        }
        let owner = self.owner_of_org(&ctx.org);
        match owner {
            Some(o) if by_role && r.fixes.is_empty() && ctx.acting_user() != Some(&o.sid) => {
                let by = o.email.clone();
                ActionError::Refused(r.fix_by(by, action.clone()))
            }
            _ => ActionError::Refused(r),
        }
    }
}
