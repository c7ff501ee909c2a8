//! Merging one organization (the Candidate) into another (the Prime): MRG-1..6.
//!
//! Twilio merges in two ways, and so does tworg:
//! - **by invitation** (MRG-5): the Prime's Owner or an Administrator invites the Candidate Owner
//!   (`Action::Invite` of that address is a merge invitation); when the Candidate Owner accepts,
//!   the merge happens; declining, cancelling or expiry leave everything where it was;
//! - **by import** (MRG-6): with Import Users enabled, importing the Candidate Owner (bulk import,
//!   or `Action::Merge`, the console's merge-by-import dialog) merges at once; the Candidate
//!   Owner and Administrators become Standard.
//!
//! Both routes check the same requirements (MRG-1, MRG-2, and SUB-2 for the accounts that move),
//! list every unmet one at once with the steps that would meet it, and show the same preview of
//! what moves (MRG-3) before anything does. The move itself (MRG-4) is [`World::absorb`].

use super::error::{ActionError, ActionResult, Fix, Refusal, refuse};
use super::rules;
use super::words::{count, days};
use super::*;

/// How a merge is started (MRG-5, MRG-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeRoute {
    /// The Candidate Owner accepts an invitation (MRG-5).
    Invitation,
    /// The Prime imports the Candidate Owner; no opt-out (MRG-6).
    Import,
}

impl MergeRoute {
    pub fn label(self) -> &'static str {
        match self {
            MergeRoute::Invitation => "by invitation",
            MergeRoute::Import => "by import",
        }
    }
}

/// One requirement of a merge and whether it is met (MRG-1, MRG-2, SUB-2, MRG-6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub rule: &'static str,
    /// The requirement, stated as what must hold.
    pub text: String,
    /// What is wrong when it is not met, in plain words.
    pub problem: String,
    /// What would meet it, in words (the steps as data are the preview's `fixes`).
    pub hint: String,
    pub met: bool,
}

/// What a merge would do, shown before it starts (MRG-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergePreview {
    pub prime: Sid,
    pub prime_name: String,
    pub candidate: Sid,
    pub candidate_name: String,
    /// The Candidate Owner's email.
    pub candidate_owner: String,
    /// `None`: the requirements both routes share; `Some`: one route's (import adds MRG-6).
    pub route: Option<MergeRoute>,
    pub requirements: Vec<Requirement>,
    /// `(SID, name, kind)` of every main account that moves (subaccounts go with their parent).
    pub accounts: Vec<(Sid, String, AccountKind)>,
    /// `(email, role now, role after)` of every member that moves.
    pub users: Vec<(String, OrgRole, OrgRole)>,
    /// Members that the Prime's SSO enforcement will apply to.
    pub sso_applies_to: Vec<String>,
    /// The Candidate's domains, all unverified, which are discarded.
    pub discarded_domains: Vec<String>,
    /// The steps, in order, that would meet every unmet requirement (empty when none can be
    /// taken in tworg; the hints then say who can).
    pub fixes: Vec<Fix>,
}

impl MergePreview {
    pub fn allowed(&self) -> bool {
        self.requirements.iter().all(|r| r.met)
    }

    fn unmet(&self) -> impl Iterator<Item = &Requirement> {
        self.requirements.iter().filter(|r| !r.met)
    }

    /// The refusal naming every unmet requirement at once (MRG-1 rev 2), or `None` when all are
    /// met. It names the rule of the first unmet requirement; the others carry their own ID.
    pub fn refusal(&self) -> Option<Refusal> {
        let rule = self.refusing_rule()?;
        let mut hints: Vec<&str> = Vec::new();
        for r in self.unmet() {
            if !r.hint.is_empty() && !hints.contains(&r.hint.as_str()) {
                hints.push(&r.hint);
            }
        }
        let mut refusal = Refusal::new(
            rule,
            format!(
                "{} cannot merge into {}: {}",
                self.candidate_name,
                self.prime_name,
                self.problems()
            ),
            hints.join("; then "),
        );
        refusal.fixes = self.fixes.clone();
        Some(refusal)
    }

    /// The rule of the first unmet requirement, which a refusal names.
    pub fn refusing_rule(&self) -> Option<rules::Rule> {
        let first = self.unmet().next()?;
        Some(rules::find(first.rule).copied().unwrap_or(rules::MRG_1))
    }

    /// Every unmet requirement in plain words, `; `-separated; those of another rule than the
    /// refusing one carry their ID.
    pub fn problems(&self) -> String {
        let rule = self.refusing_rule().map(|r| r.id).unwrap_or_default();
        let problems: Vec<String> = self
            .unmet()
            .map(|r| {
                if r.rule == rule {
                    r.problem.clone()
                } else {
                    format!("{} ({})", r.problem, r.rule)
                }
            })
            .collect();
        problems.join("; ")
    }

    /// `Requirements:` and one line per requirement, met or not.
    pub fn requirement_lines(&self) -> Vec<String> {
        let mut v = vec!["Requirements:".to_string()];
        for r in &self.requirements {
            v.push(format!(
                "  {} [{}] {}",
                if r.met { "✓ met    " } else { "✗ NOT met" },
                r.rule,
                r.text
            ));
        }
        v
    }

    /// The preview as lines of text, the same in every face.
    pub fn lines(&self) -> Vec<String> {
        let mut v = vec![format!(
            "Merge {} into {}{}:",
            self.candidate_name,
            self.prime_name,
            self.route
                .map(|r| format!(" ({})", r.label()))
                .unwrap_or_default()
        )];
        v.extend(self.requirement_lines());
        let accounts: Vec<String> = self
            .accounts
            .iter()
            .map(|(_, n, k)| format!("{n} ({})", k.label()))
            .collect();
        v.push(format!(
            "Accounts that move: {}",
            if accounts.is_empty() {
                "none".into()
            } else {
                accounts.join(", ")
            }
        ));
        v.push("Members that move (their account access stays as it is):".into());
        for (email, now, after) in self.users.iter().take(6) {
            if now == after {
                v.push(format!("  {email}: {}", now.label()));
            } else {
                v.push(format!("  {email}: {} → {}", now.label(), after.label()));
            }
        }
        if self.users.len() > 6 {
            v.push(format!("  … and {} more", self.users.len() - 6));
        }
        if !self.sso_applies_to.is_empty() {
            v.push(format!(
                "SSO of {} will apply to: {}",
                self.prime_name,
                self.sso_applies_to.join(", ")
            ));
        }
        if !self.discarded_domains.is_empty() {
            v.push(format!(
                "Domains discarded: {}",
                self.discarded_domains.join(", ")
            ));
        }
        v
    }
}

impl World {
    /// The org whose Owner `email` is, when it is not `prime`: inviting or importing that address
    /// into `prime` is a merge (USR-2 rev 2, MRG-5, MRG-6).
    pub fn merge_candidate_of(&self, prime: &Sid, email: &str) -> Option<Sid> {
        let m = self.user_by_email(email)?.membership.as_ref()?;
        (m.role == OrgRole::Owner && &m.org != prime).then(|| m.org.clone())
    }

    /// The merge preview for a candidate (by name or SID), as the Prime `ctx.org`: the
    /// requirements both routes share, what moves and which roles change (MRG-3).
    pub fn merge_preview(
        &self,
        ctx: &Ctx,
        candidate: &str,
        owner_role: OrgRole,
    ) -> ActionResult<MergePreview> {
        let cand = self.find_org(candidate)?.sid.clone();
        self.preview_between(&ctx.org, &cand, owner_role, None, None)
    }

    /// The preview of a merge by import (MRG-6): Import Users must be on, and the Candidate Owner
    /// becomes Standard.
    pub fn import_preview(&self, ctx: &Ctx, candidate: &str) -> ActionResult<MergePreview> {
        let cand = self.find_org(candidate)?.sid.clone();
        self.preview_between(
            &ctx.org,
            &cand,
            OrgRole::Standard,
            Some(MergeRoute::Import),
            None,
        )
    }

    /// When `email` is the Owner of another organization, the preview of the merge that inviting
    /// them as `role` would start (MRG-5): for the invite form.
    pub fn merge_invitation_preview(
        &self,
        ctx: &Ctx,
        email: &str,
        role: OrgRole,
    ) -> Option<MergePreview> {
        let cand = self.merge_candidate_of(&ctx.org, email)?;
        self.preview_between(&ctx.org, &cand, role, Some(MergeRoute::Invitation), None)
            .ok()
    }

    /// For an invitation of `prime`: when it is a merge invitation (its invitee is the Owner of
    /// another organization), what accepting it does, in words (MRG-5).
    pub fn merge_note(&self, prime: &Sid, inv: &Invitation) -> Option<String> {
        let cand = self.merge_candidate_of(prime, &inv.email)?;
        Some(format!(
            "accepting merges {} into {}",
            self.org_name(&cand),
            self.org_name(prime)
        ))
    }

    /// Invitations of other organizations to this org's Owner: each accepted would merge this
    /// org into the one that sent it (MRG-5). `(Prime, invitation)`, in SID order.
    pub fn incoming_merge_invitations<'a>(&'a self, org: &Sid) -> Vec<(&'a Org, &'a Invitation)> {
        let Some(owner) = self.owner_of_org(org) else {
            return Vec::new();
        };
        self.orgs
            .values()
            .filter(|o| &o.sid != org)
            .flat_map(|o| {
                o.invitations
                    .values()
                    .filter(|i| super::names::same_name(&i.email, &owner.email))
                    .map(move |i| (o, i))
            })
            .collect()
    }

    /// The preview of merging `cand` into `prime`. `prime_actor` is who takes the Prime's steps of
    /// a fix: `None` the acting user (an Administrator of the Prime), `Some(email)` someone else
    /// (when the Candidate Owner is the one refused, on accepting).
    fn preview_between(
        &self,
        prime_sid: &Sid,
        cand_sid: &Sid,
        owner_role: OrgRole,
        route: Option<MergeRoute>,
        prime_actor: Option<String>,
    ) -> ActionResult<MergePreview> {
        let prime = self.org(prime_sid)?;
        let cand = self.org(cand_sid)?;
        let owner_email = self
            .owner_of_org(&cand.sid)
            .map(|u| u.email.clone())
            .unwrap_or_default();
        let mut plan = Plan::new(prime_actor);
        let mut requirements = Vec::new();

        let same = cand.sid == prime.sid;
        requirements.push(Requirement {
            rule: rules::MRG_1.id,
            text: format!("{} is not {}", cand.name, prime.name),
            problem: "an organization cannot merge into itself".into(),
            hint: "choose another organization to merge into this one".into(),
            met: !same,
        });

        // The Candidate's own verified (or verified-uncertain) domains, and how each can go.
        let cand_verified: Vec<&Domain> = cand
            .domains
            .values()
            .filter(|d| d.status != DomainStatus::Unverified)
            .collect();
        let cand_hint = if same {
            String::new()
        } else {
            self.plan_candidate_domains(cand, &owner_email, &cand_verified, &mut plan)
        };
        // The Candidate Owner's domain in the Prime, and how it can become verified there.
        let owner_on_domain = self.on_verified_domain(prime, &owner_email);
        let (owner_hint, owner_route) = if same || owner_on_domain {
            (String::new(), false)
        } else {
            self.plan_owner_domain(prime, cand, &owner_email, &mut plan)
        };

        let listed: Vec<String> = cand_verified
            .iter()
            .map(|d| match &d.status {
                DomainStatus::VerifiedUncertain { deadline } => format!(
                    "{} (verified-uncertain, deleted in {} unless re-verified)",
                    d.name,
                    days(time::days_left(self.clock, *deadline))
                ),
                _ => d.name.clone(),
            })
            .collect();
        requirements.push(Requirement {
            rule: rules::MRG_1.id,
            text: format!("{} has no verified domain", cand.name),
            problem: format!(
                "{} has {} of its own: {}",
                cand.name,
                if listed.len() == 1 {
                    "a verified domain"
                } else {
                    "verified domains"
                },
                listed.join(", ")
            ),
            hint: cand_hint,
            met: cand_verified.is_empty(),
        });
        requirements.push(Requirement {
            rule: rules::MRG_1.id,
            text: format!(
                "its Owner, {owner_email}, is on a verified domain of {}",
                prime.name
            ),
            problem: format!(
                "the Owner of {}, {owner_email}, is not on a verified domain of {}",
                cand.name, prime.name
            ),
            hint: owner_hint.clone(),
            met: same || owner_on_domain,
        });

        let prime_has_domain = prime.domains.values().any(Domain::is_verified);
        requirements.push(Requirement {
            rule: rules::MRG_1.id,
            text: format!("{} has a verified domain", prime.name),
            problem: format!("{} has no verified domain", prime.name),
            hint: if owner_route {
                owner_hint.clone()
            } else {
                format!("verify a domain of {} first", prime.name)
            },
            met: prime_has_domain,
        });

        // MRG-2: the Prime's account limit holds the Candidate's managed and pending accounts.
        // USR-5 rev 2: the Candidate's members' independent accounts of the Prime become
        // managed when they arrive, so they count too.
        let moving = self.accounts_toward_limit(&cand.sid)
            + self
                .members(&cand.sid)
                .map(|u| self.independent_accounts_owned(&prime.sid, &u.sid).len())
                .sum::<usize>();
        let used = self.accounts_toward_limit(&prime.sid);
        let limit = prime.settings.account_limit as usize;
        let fits = same || used + moving <= limit;
        if !fits {
            plan.prime(Action::Set(action::Setting::AccountLimit(
                (used + moving) as u32,
            )));
        }
        requirements.push(Requirement {
            rule: rules::MRG_2.id,
            text: format!(
                "the account limit of {} ({limit}) holds {used} + {moving} accounts",
                prime.name
            ),
            problem: format!(
                "the account limit of {} is {limit}, and its {used} managed and pending accounts and the {moving} that would move make {}",
                prime.name,
                used + moving
            ),
            hint: format!(
                "ask Twilio Support to raise the account limit of {} to {} (a simulated request), or close or cancel some of its accounts",
                prime.name,
                used + moving
            ),
            met: fits,
        });

        // SUB-2: every account that moves keeps within the Prime's subaccount limit.
        let sub_limit = prime.settings.subaccount_limit as usize;
        let most = self
            .org_accounts(&cand.sid)
            .filter(|a| a.parent.is_none())
            .map(|a| (self.open_subaccounts(&a.sid), a.name.clone()))
            .max();
        let subs_fit = same || most.as_ref().is_none_or(|(n, _)| *n <= sub_limit);
        if !subs_fit && let Some((n, _)) = &most {
            plan.prime(Action::Set(action::Setting::SubaccountLimit(*n as u32)));
        }
        let (most_n, most_name) = most.unwrap_or_default();
        requirements.push(Requirement {
            rule: rules::SUB_2.id,
            text: format!(
                "each account that moves fits the subaccount limit of {} ({sub_limit})",
                prime.name
            ),
            problem: format!(
                "{most_name} has {most_n} open subaccounts, more than the subaccount limit of {} ({sub_limit})",
                prime.name
            ),
            hint: format!(
                "raise the subaccount limit of {} to {most_n}, or close subaccounts of {most_name}",
                prime.name
            ),
            met: subs_fit,
        });

        // MRG-6: importing needs Import Users.
        if route == Some(MergeRoute::Import) {
            let on = prime.settings.bulk_import;
            if !on {
                plan.prime(Action::Set(action::Setting::BulkImport(true)));
            }
            requirements.push(Requirement {
                rule: rules::MRG_6.id,
                text: format!("Import Users is enabled for {}", prime.name),
                problem: format!(
                    "Import Users is not enabled for {}, and merging by import needs it",
                    prime.name
                ),
                hint: format!(
                    "ask Twilio Support to enable Import Users for {} (a simulated request), or merge by invitation instead: invite {owner_email}",
                    prime.name
                ),
                met: on,
            });
        }

        let accounts = self
            .org_accounts(&cand.sid)
            .filter(|a| a.parent.is_none())
            .filter_map(|a| Some((a.sid.clone(), a.name.clone(), self.kind_in(a, &cand.sid)?)))
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
        let discarded_domains = cand
            .domains
            .values()
            .filter(|d| d.status == DomainStatus::Unverified)
            .map(|d| d.name.clone())
            .collect();
        Ok(MergePreview {
            prime: prime.sid.clone(),
            prime_name: prime.name.clone(),
            candidate: cand.sid.clone(),
            candidate_name: cand.name.clone(),
            candidate_owner: owner_email,
            route,
            requirements,
            accounts,
            users,
            sso_applies_to,
            discarded_domains,
            fixes: plan.into_fixes(),
        })
    }

    /// How the Candidate's verified domains can go: deleted by its Owner where DOM-10 allows it,
    /// otherwise their TXT record removed and the 30 days of DOM-9 waited out. Returns the hint.
    fn plan_candidate_domains(
        &self,
        cand: &Org,
        owner_email: &str,
        domains: &[&Domain],
        plan: &mut Plan,
    ) -> String {
        let owner = self.owner_of_org(&cand.sid).map(|u| u.sid.clone());
        let mut deletable = Vec::new();
        let mut waiting = Vec::new();
        let mut wait_secs: i64 = 0;
        for d in domains {
            let users = self.members_on_domain(&cand.sid, &d.name);
            let owner_on_it = users.iter().any(|u| Some(u) == owner.as_ref());
            let owns_account = users
                .iter()
                .any(|u| !self.managed_accounts_owned(&cand.sid, u).is_empty());
            if !owner_on_it && !owns_account {
                plan.candidate(
                    owner_email,
                    Action::DeleteDomain {
                        name: d.name.clone(),
                        acknowledged: true,
                    },
                );
                deletable.push((d.name.clone(), users.len()));
                continue;
            }
            let why = if owner_on_it {
                "its Owner's address is on it"
            } else {
                "a member on it owns a managed account"
            };
            let record = self.dns_has_record(d);
            if record {
                plan.candidate(
                    owner_email,
                    Action::UnpublishDns {
                        domain: d.name.clone(),
                    },
                );
            }
            let secs = match &d.status {
                DomainStatus::VerifiedUncertain { deadline } => {
                    (deadline.as_second() - self.clock.as_second()).max(1)
                }
                _ => i64::from(super::domains::REVERIFY_DAYS) * 86_400,
            };
            wait_secs = wait_secs.max(secs);
            waiting.push((d.name.clone(), why, record, d.status.clone()));
        }
        let mut parts = Vec::new();
        for (name, leaving) in &deletable {
            parts.push(if *leaving == 0 {
                format!("{owner_email}, the Owner of {}, deletes {name}", cand.name)
            } else {
                format!(
                    "{owner_email}, the Owner of {}, deletes {name} ({} on it {} {})",
                    cand.name,
                    count(*leaving, "member", "members"),
                    if *leaving == 1 { "leaves" } else { "leave" },
                    cand.name
                )
            });
        }
        for (name, why, record, status) in &waiting {
            let days = days((wait_secs + 86_399) / 86_400);
            let step = match (status, record) {
                (DomainStatus::VerifiedUncertain { .. }, false) => format!(
                    "{} cannot delete {name} while {why} (DOM-10), and its record is already gone: let the {days} left pass, after which {name} is deleted (DOM-9)",
                    cand.name
                ),
                (_, true) => format!(
                    "{} cannot delete {name} while {why} (DOM-10): remove the TXT record of {name} from DNS and let {days} pass, after which {name} is deleted (DOM-9)",
                    cand.name
                ),
                (_, false) => format!(
                    "{} cannot delete {name} while {why} (DOM-10), and its TXT record is already gone: let {days} pass, after which {name} is deleted (DOM-9)",
                    cand.name
                ),
            };
            parts.push(step);
        }
        if wait_secs > 0 {
            plan.wait(wait_secs);
        }
        parts.join("; ")
    }

    /// How the Candidate Owner's domain can become a verified domain of the Prime. Returns the
    /// hint, and whether tworg can take the steps (then added to the plan).
    fn plan_owner_domain(
        &self,
        prime: &Org,
        cand: &Org,
        owner_email: &str,
        plan: &mut Plan,
    ) -> (String, bool) {
        let Some(domain) = World::email_domain(owner_email) else {
            return (String::new(), false);
        };
        if super::domains::is_common_domain(&domain) {
            let why = format!(
                "{owner_email} is on {domain}, a public email domain no organization can verify (DOM-3): the Owner of {} must first hand its ownership to a member whose address is on a domain of {} (ORG-5)",
                cand.name, prime.name
            );
            return (why, false);
        }
        // DOM-5: a third organization holding the domain verified blocks it.
        if let Some(other) = self.orgs.values().find(|o| {
            o.sid != prime.sid
                && o.sid != cand.sid
                && o.domains
                    .get(&domain)
                    .is_some_and(|d| d.status != DomainStatus::Unverified && !d.multi_verified)
        }) {
            let why = format!(
                "{domain} is verified by {} (DOM-5): only once {} gives it up or marks it multi-verified can {} verify it",
                other.name, other.name, prime.name
            );
            return (why, false);
        }
        let hint = match prime.domains.get(&domain) {
            Some(d) => {
                let record = self.dns_has_record(d);
                if !record {
                    plan.prime(Action::PublishDns {
                        domain: domain.clone(),
                    });
                }
                match d.status {
                    DomainStatus::VerifiedUncertain { .. } => {
                        plan.prime(Action::RecheckDomain {
                            name: domain.clone(),
                        });
                        format!(
                            "restore the TXT record of {domain} and re-check it in {}",
                            prime.name
                        )
                    }
                    _ => {
                        plan.prime(Action::VerifyDomain {
                            name: domain.clone(),
                        });
                        if record {
                            format!("verify {domain} in {}", prime.name)
                        } else {
                            format!(
                                "publish the TXT record of {domain} and verify it in {}",
                                prime.name
                            )
                        }
                    }
                }
            }
            None => {
                plan.prime(Action::AddDomain {
                    name: domain.clone(),
                });
                plan.prime(Action::PublishDns {
                    domain: domain.clone(),
                });
                plan.prime(Action::VerifyDomain {
                    name: domain.clone(),
                });
                format!(
                    "add {domain} to {}, publish its TXT record and verify it",
                    prime.name
                )
            }
        };
        (hint, true)
    }

    /// MRG-6 through `org merge` and the console's merge-by-import dialog: the Prime (`ctx.org`)
    /// imports the Candidate Owner, which merges the Candidate at once.
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
                "give the Candidate Owner the Standard role",
            );
        }
        let preview = self.import_preview(ctx, candidate)?;
        // What keeps the merge from happening comes first: the role's fix must be allowed.
        if let Some(r) = preview.refusal() {
            return Err(r.into());
        }
        if owner_role == OrgRole::Administrator {
            return Err(Refusal::new(
                rules::MRG_6,
                format!(
                    "merging by import makes the Owner of {}, {}, a Standard user; the role can be chosen only when merging by invitation",
                    preview.candidate_name, preview.candidate_owner
                ),
                format!(
                    "import with the Standard role and make them an Administrator afterwards, or invite {} as an Administrator to merge by invitation",
                    preview.candidate_owner
                ),
            )
            .fix(Action::Merge {
                candidate: candidate.to_string(),
                confirm: confirm.to_string(),
                owner_role: OrgRole::Standard,
            })
            .into());
        }
        let typed = confirm.trim();
        if !(typed == preview.candidate_name
            || typed.eq_ignore_ascii_case(preview.candidate.as_str()))
        {
            let message = if typed.is_empty() {
                format!(
                    "merging {} needs its name typed to confirm",
                    preview.candidate_name
                )
            } else {
                format!(
                    "the confirmation '{typed}' is not the name of {}",
                    preview.candidate_name
                )
            };
            return Err(Refusal::new(
                rules::MRG_3,
                message,
                format!("type '{}' exactly to confirm", preview.candidate_name),
            )
            .fix(Action::Merge {
                candidate: candidate.to_string(),
                confirm: preview.candidate_name.clone(),
                owner_role,
            })
            .into());
        }
        let detail = self.absorb(&preview, OrgRole::Standard, MergeRoute::Import);
        self.audit(ctx, "org.merge", detail.clone());
        Ok(Outcome {
            message: detail,
            merges: vec![preview],
            ..Outcome::default()
        })
    }

    /// MRG-5: `invite` of the Candidate Owner `email` of `cand` sends a merge invitation; MRG-1
    /// and MRG-2 are checked now (and again when it is accepted).
    pub(crate) fn invite_merge(
        &mut self,
        ctx: &Ctx,
        email: &str,
        role: OrgRole,
        accounts: &[(String, Vec<AccountRole>)],
        cand: &Sid,
    ) -> ActionResult<Outcome> {
        if role == OrgRole::Owner {
            return Err(Refusal::new(
                rules::MRG_5,
                format!(
                    "{email} is the Owner of {}: a merge invitation makes them an Administrator or a Standard user here, and the Prime keeps its Owner",
                    self.org_name(cand)
                ),
                "invite them as an Administrator or a Standard user",
            )
            .fix(Action::Invite {
                email: email.to_string(),
                role: OrgRole::Administrator,
                accounts: accounts.to_vec(),
            })
            .into());
        }
        let preview =
            self.preview_between(&ctx.org, cand, role, Some(MergeRoute::Invitation), None)?;
        if !accounts.is_empty() {
            return Err(Refusal::new(
                rules::MRG_4,
                format!(
                    "{email} is the Owner of {}: the invitation merges it, and Candidate users get no access to the accounts of {} (they keep their own)",
                    preview.candidate_name, preview.prime_name
                ),
                "send the merge invitation without account access, and grant access after the merge if it is wanted",
            )
            .fix(Action::Invite {
                email: email.to_string(),
                role,
                accounts: vec![],
            })
            .into());
        }
        self.check_not_pending(ctx, email)?;
        if let Some(r) = preview.refusal() {
            return Err(r.into());
        }
        let (sid, lifetime) = self.send_invitation(ctx, email, role, Default::default())?;
        let detail = format!(
            "invited {email}, the Owner of {}, as {}: a merge invitation (expires in {}); accepting merges {} into {} ({} and {})",
            preview.candidate_name,
            role.label(),
            days(lifetime as i64),
            preview.candidate_name,
            preview.prime_name,
            count(preview.accounts.len(), "account", "accounts"),
            count(preview.users.len(), "user", "users")
        );
        self.audit(ctx, "user.invite", detail.clone());
        Ok(Outcome {
            message: detail,
            merges: vec![preview],
            ..Outcome::default()
        }
        .created(SidKind::Notification, sid))
    }

    /// The pending invitation for `email` that accepting or declining answers: in the context's
    /// org, or else the one other org that holds an invitation for it (the Candidate Owner may
    /// answer from their own organization).
    pub(crate) fn invitation_to_answer(
        &self,
        ctx: &Ctx,
        email: &str,
    ) -> ActionResult<(Sid, Invitation)> {
        let email = email.trim();
        let matches = |o: &Org| {
            o.invitations
                .for_email(email)
                .map(|i| (o.sid.clone(), i.clone()))
        };
        if let Some(found) = self.orgs.get(&ctx.org).and_then(matches) {
            return Ok(found);
        }
        let elsewhere: Vec<(Sid, Invitation)> = self.orgs.values().filter_map(matches).collect();
        match elsewhere.len() {
            1 => Ok(elsewhere.into_iter().next().expect("one")),
            0 => Err(ActionError::NotFound(format!(
                "no pending invitation for {email} in {}",
                self.org_name(&ctx.org)
            ))),
            _ => {
                let names: Vec<String> = elsewhere.iter().map(|(o, _)| self.org_name(o)).collect();
                Err(ActionError::NotFound(format!(
                    "no pending invitation for {email} in {}; {} have one: act in the one you mean",
                    self.org_name(&ctx.org),
                    names.join(" and ")
                )))
            }
        }
    }

    /// When accepting `email`'s invitation is a merge (its invitee is the Owner of another
    /// organization), the Prime, the invitation and the Candidate.
    pub(crate) fn merge_invitation_to_accept(
        &self,
        ctx: &Ctx,
        email: &str,
    ) -> Option<(Sid, Invitation, Sid)> {
        let (prime, inv) = self.invitation_to_answer(ctx, email).ok()?;
        let cand = self.merge_candidate_of(&prime, &inv.email)?;
        Some((prime, inv, cand))
    }

    /// MRG-5: the Candidate Owner accepts; MRG-1 and MRG-2 are checked again, then the merge
    /// happens (MRG-4) with the role the invitation chose.
    pub(crate) fn accept_merge(
        &mut self,
        prime: &Sid,
        inv: &Invitation,
        cand: &Sid,
    ) -> ActionResult<Outcome> {
        let inviter = self.owner_or_inviter(prime, inv);
        if inv.expires_at <= self.clock {
            let r = Refusal::new(
                rules::USR_3,
                format!(
                    "the merge invitation of {} expired on {}",
                    inv.email,
                    time::format_date(inv.expires_at)
                ),
                format!(
                    "ask {} to resend it; accepting then merges {}",
                    self.org_name(prime),
                    self.org_name(cand)
                ),
            );
            return Err(self.with_resend(prime, &inv.email, Some(inviter), r).into());
        }
        let preview = self.preview_between(
            prime,
            cand,
            inv.role,
            Some(MergeRoute::Invitation),
            Some(inviter),
        )?;
        if let Some(r) = preview.refusal() {
            return Err(r.into());
        }
        let invitee = self
            .user_by_email(&inv.email)
            .map(|u| u.sid.clone())
            .expect("the Candidate Owner is a user");
        let ctx_invitee = Ctx::new(prime.clone(), invitee);
        self.org_mut(prime).invitations.remove(&inv.sid);
        let moved = self.absorb(&preview, inv.role, MergeRoute::Invitation);
        let detail = format!(
            "{} accepted the merge invitation and joined as {}: {moved}",
            inv.email,
            inv.role.label()
        );
        self.audit(&ctx_invitee, "user.accept", detail.clone());
        Ok(Outcome {
            message: detail,
            merges: vec![preview],
            ..Outcome::default()
        })
    }

    /// Who takes the Prime's steps of a fix offered to the invitee: the inviter while they are
    /// still an Owner or Administrator of the Prime, else its Owner.
    fn owner_or_inviter(&self, prime: &Sid, inv: &Invitation) -> String {
        match self.membership_in(&inv.invited_by, prime) {
            Some(m) if m.role.is_admin() && m.status == MemberStatus::Active => {
                self.email_of(&inv.invited_by)
            }
            _ => self
                .owner_of_org(prime)
                .map(|u| u.email.clone())
                .unwrap_or_default(),
        }
    }

    /// USR-3, MRG-5: the invitee declines. Nothing moves; the invitation is gone.
    pub(crate) fn decline_invite(&mut self, ctx: &Ctx, email: &str) -> ActionResult<Outcome> {
        let (org, inv) = self.invitation_to_answer(ctx, email)?;
        let merging = self.merge_candidate_of(&org, &inv.email);
        self.org_mut(&org).invitations.remove(&inv.sid);
        let detail = match &merging {
            Some(cand) => format!(
                "{} declined the merge invitation of {}: {} stays as it is and nothing moved",
                inv.email,
                self.org_name(&org),
                self.org_name(cand)
            ),
            None => format!(
                "{} declined the invitation to {}",
                inv.email,
                self.org_name(&org)
            ),
        };
        self.audit_world(
            Some(org.clone()),
            &inv.email,
            "user.decline",
            detail.clone(),
        );
        if let Some(cand) = merging {
            self.audit_world(Some(cand), &inv.email, "user.decline", detail.clone());
        }
        Ok(Outcome::msg(detail))
    }

    /// USR-9 rev 2 with MRG-6: a bulk-import row naming the Owner of another organization merges
    /// it when the requirements hold; otherwise the row is rejected with their reason.
    pub(crate) fn import_row_merge(
        &mut self,
        ctx: &Ctx,
        cand: &Sid,
    ) -> Result<MergePreview, String> {
        let preview = self
            .preview_between(
                &ctx.org,
                cand,
                OrgRole::Standard,
                Some(MergeRoute::Import),
                None,
            )
            .map_err(|e| e.to_string())?;
        if let Some(rule) = preview.refusing_rule() {
            return Err(format!(
                "is the Owner of {}, which cannot be merged into {}: {} ({})",
                preview.candidate_name,
                preview.prime_name,
                preview.problems(),
                rule.id
            ));
        }
        let detail = self.absorb(&preview, OrgRole::Standard, MergeRoute::Import);
        self.audit(ctx, "org.merge", format!("bulk import: {detail}"));
        Ok(preview)
    }

    /// MRG-4: the Prime absorbs the Candidate. Its accounts and members move with their
    /// account-level access unchanged (and none to the Prime's accounts); its Administrators
    /// become Standard and its Owner `owner_role`; the Prime's SSO applies to them; its domains
    /// (all unverified) and settings are discarded; its audit history is copied into the
    /// Prime's, marked with its name. Returns the sentence for the log.
    fn absorb(&mut self, preview: &MergePreview, owner_role: OrgRole, route: MergeRoute) -> String {
        let (prime, cand) = (preview.prime.clone(), preview.candidate.clone());
        let now = self.clock;
        for a in self.accounts.values_mut() {
            if let Some(link) = a.link.as_mut().filter(|l| l.org == cand) {
                link.org = prime.clone();
                a.updated_at = Some(now);
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
        // MRG-4 rev 2: the Candidate's history, copied into the Prime's log and marked.
        let history: Vec<AuditEntry> = self
            .audit
            .iter()
            .filter(|e| e.org.as_ref() == Some(&cand))
            .cloned()
            .collect();
        let copied = history.len();
        for e in history {
            self.audit.push(AuditEntry {
                at: self.clock,
                org: Some(prime.clone()),
                actor: e.actor,
                action: e.action,
                detail: format!(
                    "[history of {}, {}] {}",
                    preview.candidate_name,
                    time::format_time(e.at),
                    e.detail
                ),
            });
        }
        format!(
            "merged '{}' into '{}' {}: {} and {} moved; {} discarded; {} of its audit log copied",
            preview.candidate_name,
            preview.prime_name,
            route.label(),
            count(preview.accounts.len(), "account", "accounts"),
            count(preview.users.len(), "user", "users"),
            count(preview.discarded_domains.len(), "domain", "domains"),
            count(copied, "entry", "entries")
        )
    }

    /// ORG-6: an organization is retired by merging it into another. The hint names an
    /// organization that can absorb it now and how, or, when none can, what stands in the way
    /// of the likeliest one (MRG-1), so it never suggests a merge that would be refused.
    pub(crate) fn retire_by_merge_hint(&self, org: &Sid) -> String {
        let name = self.org_name(org);
        let owner = self
            .owner_of_org(org)
            .map(|u| u.email.clone())
            .unwrap_or_default();
        let previews: Vec<MergePreview> = self
            .orgs
            .values()
            .filter(|o| &o.sid != org)
            .filter_map(|o| {
                self.preview_between(&o.sid, org, OrgRole::Standard, None, None)
                    .ok()
            })
            .collect();
        if let Some(p) = previews.iter().find(|p| p.allowed()) {
            return format!(
                "to retire {name}, merge it into {} instead: an Owner or Administrator of {} invites {owner}, its Owner, and the merge happens when they accept (MRG-5), or imports them (MRG-6)",
                p.prime_name, p.prime_name
            );
        }
        // The organization the Owner's address points to, else one with a verified domain.
        let domain = World::email_domain(&owner).unwrap_or_default();
        let likely = previews
            .iter()
            .find(|p| {
                self.orgs
                    .get(&p.prime)
                    .is_some_and(|o| o.domains.contains_key(&domain))
            })
            .or_else(|| {
                previews.iter().find(|p| {
                    self.orgs
                        .get(&p.prime)
                        .is_some_and(|o| o.domains.values().any(Domain::is_verified))
                })
            });
        match likely {
            Some(p) => {
                let steps: Vec<&str> = p
                    .requirements
                    .iter()
                    .filter(|r| !r.met && !r.hint.is_empty())
                    .map(|r| r.hint.as_str())
                    .fold(Vec::new(), |mut v, h| {
                        if !v.contains(&h) {
                            v.push(h);
                        }
                        v
                    });
                format!(
                    "an organization is retired by merging it into another, and {name} cannot be merged into {} yet ({}): {}; then {} can merge it",
                    p.prime_name,
                    p.problems(),
                    steps.join("; then "),
                    p.prime_name
                )
            }
            None => format!(
                "an organization is retired by merging it into another, and no organization can absorb {name}: the one that does needs a verified domain that {owner}, its Owner, is on (MRG-1)"
            ),
        }
    }

    /// USR-2 rev 2, for a member of another organization who is not its Owner: the ways that
    /// are open, in words.
    pub(crate) fn usr2_member_hint(&self, prime: &Sid, email: &str, their_org: &Sid) -> String {
        let mut ways = Vec::new();
        let owner = self.owner_of_org(their_org).map(|u| u.email.clone());
        if let Some(owner) = &owner
            && self
                .preview_between(prime, their_org, OrgRole::Standard, None, None)
                .is_ok_and(|p| p.allowed())
        {
            ways.push(format!(
                "to bring them with all of {}, merge it: invite its Owner, {owner} (MRG-5)",
                self.org_name(their_org)
            ));
        }
        ways.push(format!(
            "{} may remove them first (USR-8)",
            self.org_name(their_org)
        ));
        let (local, dom) = email.split_once('@').unwrap_or((email, ""));
        if let Some(p) = self.orgs.get(prime)
            && p.domains.get(dom).is_some_and(Domain::is_verified)
        {
            ways.push(format!(
                "or invite an alias such as {local}+{}@{dom}",
                slug(&p.name)
            ));
        }
        format!("a user belongs to one organization: {}", ways.join("; "))
    }
}

/// `Owl Industries` → `owlindustries`, for alias hints.
pub(crate) fn slug(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The steps of a merge refusal's fix, in the order they must be taken: the Candidate's first
/// (its domains must go before the Prime can verify one of them), then the wait, then the
/// Prime's.
struct Plan {
    prime_actor: Option<String>,
    candidate: Vec<Fix>,
    wait: i64,
    prime: Vec<Fix>,
}

impl Plan {
    fn new(prime_actor: Option<String>) -> Plan {
        Plan {
            prime_actor,
            candidate: Vec::new(),
            wait: 0,
            prime: Vec::new(),
        }
    }
    fn candidate(&mut self, by: &str, action: Action) {
        self.candidate.push(Fix {
            action,
            by: Some(by.to_string()),
        });
    }
    fn wait(&mut self, seconds: i64) {
        self.wait = self.wait.max(seconds);
    }
    fn prime(&mut self, action: Action) {
        let fix = Fix {
            action,
            by: self.prime_actor.clone(),
        };
        if !self.prime.contains(&fix) {
            self.prime.push(fix);
        }
    }
    fn into_fixes(self) -> Vec<Fix> {
        let mut all = self.candidate;
        if self.wait > 0 {
            all.push(Fix {
                action: Action::AdvanceClock { seconds: self.wait },
                by: None,
            });
        }
        all.extend(self.prime);
        all
    }
}
