//! Merging one organization (the Candidate) into another (the Prime): MRG-1..4.

use super::error::{ActionResult, refuse};
use super::rules;
use super::*;

/// One requirement of a merge and whether it is met (MRG-1, MRG-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub rule: &'static str,
    pub text: String,
    /// What would meet it.
    pub hint: &'static str,
    pub met: bool,
}

/// What a merge would do, shown before it is confirmed (MRG-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergePreview {
    pub prime: Sid,
    pub candidate: Sid,
    pub candidate_name: String,
    pub requirements: Vec<Requirement>,
    /// `(SID, name, kind)` of every account that moves.
    pub accounts: Vec<(Sid, String, AccountKind)>,
    /// `(email, role now, role after)` of every member that moves.
    pub users: Vec<(String, OrgRole, OrgRole)>,
    /// Members that the Prime's SSO enforcement will apply to.
    pub sso_applies_to: Vec<String>,
    /// Unverified domains that are discarded.
    pub discarded_domains: Vec<String>,
}

impl MergePreview {
    pub fn allowed(&self) -> bool {
        self.requirements.iter().all(|r| r.met)
    }
}

impl World {
    /// The merge preview for a candidate (by name or SID), as the Prime `ctx.org`.
    pub fn merge_preview(
        &self,
        ctx: &Ctx,
        candidate: &str,
        owner_role: OrgRole,
    ) -> ActionResult<MergePreview> {
        let prime = self.org(&ctx.org)?;
        let cand = self.find_org(candidate)?;
        let cand_owner = self.owner_of_org(&cand.sid);
        let owner_email = cand_owner.map(|u| u.email.clone()).unwrap_or_default();
        // USR-5 rev 2: the Candidate's members' independent accounts of the Prime become
        // managed when they arrive, so they count too.
        let moving = self.accounts_toward_limit(&cand.sid)
            + self
                .members(&cand.sid)
                .map(|u| self.independent_accounts_owned(&prime.sid, &u.sid).len())
                .sum::<usize>();
        let used = self.accounts_toward_limit(&prime.sid);
        let limit = prime.settings.account_limit as usize;
        let requirements = vec![
            Requirement {
                rule: rules::MRG_1.id,
                text: format!("{} is not {}", cand.name, prime.name),
                met: cand.sid != prime.sid,
                hint: "pick another organization",
            },
            Requirement {
                rule: rules::MRG_1.id,
                text: format!("{} has at least one verified domain", prime.name),
                met: prime.domains.values().any(Domain::is_verified),
                hint: "verify a domain of the Prime first",
            },
            Requirement {
                rule: rules::MRG_1.id,
                text: format!("{} has no verified domain", cand.name),
                met: !cand
                    .domains
                    .values()
                    .any(|d| !matches!(d.status, DomainStatus::Unverified)),
                hint: "the Candidate must delete its verified domains first",
            },
            Requirement {
                rule: rules::MRG_1.id,
                text: format!(
                    "the Candidate Owner {owner_email} is on a verified domain of {}",
                    prime.name
                ),
                met: self.on_verified_domain(prime, &owner_email),
                hint: "verify the Candidate Owner's domain in the Prime, or transfer the Candidate's ownership",
            },
            Requirement {
                rule: rules::MRG_2.id,
                text: format!(
                    "{used} + {moving} managed and pending accounts fit the limit of {limit}"
                ),
                met: used + moving <= limit,
                hint: "raise the Prime's account limit or close accounts first",
            },
            Requirement {
                rule: rules::SUB_2.id,
                text: format!(
                    "the Candidate's accounts fit {}'s limit of {} open subaccounts per account",
                    prime.name, prime.settings.subaccount_limit
                ),
                met: self
                    .org_accounts(&cand.sid)
                    .filter(|a| a.parent.is_none())
                    .all(|a| {
                        self.open_subaccounts(&a.sid) <= prime.settings.subaccount_limit as usize
                    }),
                hint: "raise the Prime's subaccount limit first (tworg org set subaccount-limit N)",
            },
        ];
        let accounts = self
            .org_accounts(&cand.sid)
            .filter(|a| a.parent.is_none())
            .map(|a| {
                (
                    a.sid.clone(),
                    a.name.clone(),
                    self.kind_in(a, &cand.sid).expect("in org"),
                )
            })
            .collect();
        let users = self
            .members(&cand.sid)
            .map(|u| {
                let now = u.membership.as_ref().expect("member").role;
                let after = match now {
                    OrgRole::Owner => owner_role,
                    _ => OrgRole::Standard,
                };
                (u.email.clone(), now, after)
            })
            .collect();
        let sso_applies_to = self
            .members(&cand.sid)
            .filter(|u| {
                self.domain_of_email(prime, &u.email)
                    .is_some_and(|d| d.sso_enforced)
            })
            .map(|u| u.email.clone())
            .collect();
        let discarded_domains = cand.domains.keys().cloned().collect();
        Ok(MergePreview {
            prime: prime.sid.clone(),
            candidate: cand.sid.clone(),
            candidate_name: cand.name.clone(),
            requirements,
            accounts,
            users,
            sso_applies_to,
            discarded_domains,
        })
    }

    /// MRG-1..4: the Prime (`ctx.org`) absorbs the Candidate in one confirmed step.
    pub(crate) fn merge(
        &mut self,
        ctx: &Ctx,
        candidate: &str,
        confirm: &str,
        owner_role: OrgRole,
    ) -> ActionResult<Outcome> {
        self.require_admin(ctx, "merge organizations")?;
        if owner_role == OrgRole::Owner {
            return refuse(
                rules::ORG_1,
                "the Prime keeps its one Owner",
                "give the Candidate Owner admin or standard",
            );
        }
        let preview = self.merge_preview(ctx, candidate, owner_role)?;
        if let Some(r) = preview.requirements.iter().find(|r| !r.met) {
            let rule = rules::find(r.rule).copied().unwrap_or(rules::MRG_1);
            let hint = r.hint;
            return refuse(
                rule,
                format!("cannot merge: it is not true that {}", r.text),
                hint,
            );
        }
        let typed = confirm.trim();
        if !(typed == preview.candidate_name
            || typed.eq_ignore_ascii_case(preview.candidate.as_str()))
        {
            return refuse(
                rules::MRG_3,
                format!("the confirmation '{typed}' is not the Candidate's name"),
                format!("type '{}' exactly to confirm", preview.candidate_name),
            );
        }
        let (prime, cand) = (preview.prime.clone(), preview.candidate.clone());
        for a in self.accounts.values_mut() {
            if let Some(link) = a.link.as_mut().filter(|l| l.org == cand) {
                link.org = prime.clone();
            }
        }
        for u in self.users.values_mut() {
            if let Some(m) = u.membership.as_mut().filter(|m| m.org == cand) {
                m.org = prime.clone();
                // MRG-4: the Prime's SSO enforcement applies; exemptions were the Candidate's.
                m.sso_exempt = false;
                // SCIM-2: the Candidate's SCIM identifiers would clash with the Prime's.
                u.scim.external_id = None;
                u.scim.user_name = None;
                m.role = if m.role == OrgRole::Owner {
                    owner_role
                } else {
                    OrgRole::Standard
                };
            }
        }
        // USR-5 rev 2: a member never owns an independent account of its org.
        let arrived: Vec<Sid> = self.members(&prime).map(|u| u.sid.clone()).collect();
        for u in &arrived {
            for a in self.independent_accounts_owned(&prime, u) {
                self.account_mut(&a).link = Some(OrgLink {
                    org: prime.clone(),
                    state: LinkState::Managed,
                });
            }
        }
        self.orgs.remove(&cand);
        // RBAC-4: assignments on the Candidate's accounts stay; its organization-scope ones would
        // reach the Prime's accounts (MRG-4 gives none), so they go with the organization.
        self.drop_assignments_at(&cand);
        if self.home_org.as_ref() == Some(&cand) {
            self.home_org = Some(prime.clone());
        }
        let detail = format!(
            "merged '{}' into '{}': {} and {} moved; {} discarded",
            preview.candidate_name,
            self.org_name(&prime),
            words::count(preview.accounts.len(), "account", "accounts"),
            words::count(preview.users.len(), "user", "users"),
            words::count(preview.discarded_domains.len(), "domain", "domains")
        );
        self.audit(ctx, "org.merge", detail.clone());
        Ok(Outcome::msg(detail))
    }
}
