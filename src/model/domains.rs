//! Domains, their verification through the simulated DNS, and the sign-up setting:
//! DOM-*, SIGN-1, SIGN-5.

use super::action::Setting;
use super::error::{ActionError, ActionResult, Refusal, refuse};
use super::rules;
use super::time::days;
use super::words;
use super::*;

const COMMON_DOMAINS: &str = include_str!("../../assets/common-domains.txt");
/// DOM-5: a multi-verified domain may be held by at most this many orgs.
pub const MULTI_VERIFIED_MAX: usize = 20;
/// DOM-9: days to re-verify a domain whose record disappeared.
pub const REVERIFY_DAYS: u32 = 30;

/// The common public email domains (DOM-3), in the file's order: `assets/common-domains.txt`,
/// one domain a line, `#` comment lines naming the public lists it was made from.
pub fn common_domains() -> impl Iterator<Item = &'static str> {
    COMMON_DOMAINS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

static COMMON_SET: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| common_domains().collect());

/// Whether a domain is a common public domain or a subdomain of one (DOM-3): the domain and
/// each of its parents (`a.b.outlook.de`, `b.outlook.de`, `outlook.de`) are looked up.
pub fn is_common_domain(domain: &str) -> bool {
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    let mut rest = domain.as_str();
    loop {
        if COMMON_SET.contains(rest) {
            return true;
        }
        match rest.split_once('.') {
            Some((_, parent)) if parent.contains('.') => rest = parent,
            _ => return false,
        }
    }
}

/// DOM-2: a host name of at most 253 characters, two or more labels of letters, digits and hyphens.
pub fn validate_host(domain: &str) -> Result<(), String> {
    if domain.len() > 253 {
        return Err(format!("'{domain}' is longer than 253 characters"));
    }
    if !domain.contains('.') {
        return Err(format!(
            "'{domain}' needs at least two labels, such as corp.com"
        ));
    }
    for label in domain.split('.') {
        if label.is_empty() {
            return Err(format!(
                "'{domain}' has an empty label (a dot at the start or two in a row)"
            ));
        }
        let ok = label.len() <= 63
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !ok {
            return Err(format!("'{label}' is not a valid label of a host name"));
        }
    }
    if domain
        .rsplit('.')
        .next()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(format!(
            "'{domain}' ends in a number, which is not a domain"
        ));
    }
    Ok(())
}

/// DOM-1, DOM-2: trims, lowercases, drops scheme, path and trailing dot; refuses `www.`.
pub fn normalize_domain(input: &str) -> Result<String, Refusal> {
    let s = strip_url(&input.trim().to_ascii_lowercase());
    if let Some(bare) = s.strip_prefix("www.") {
        return Err(Refusal::new(
            rules::DOM_1,
            format!("'{s}' starts with www."),
            format!("enter the bare domain: {bare}"),
        ));
    }
    validate_host(&s).map_err(|m| {
        let hint = match bare_domain(input) {
            Some(bare) => format!("enter the domain alone: {bare}"),
            None => "enter a domain such as corp.com".to_string(),
        };
        Refusal::new(rules::DOM_2, m, hint)
    })?;
    Ok(s)
}

/// DOM-1: the scheme, a path, query or fragment, and trailing dots are dropped.
fn strip_url(lowercased: &str) -> String {
    let mut s = lowercased;
    for scheme in ["https://", "http://"] {
        s = s.strip_prefix(scheme).unwrap_or(s);
    }
    let s = s.split(['/', '?', '#']).next().unwrap_or(s);
    s.trim_end_matches('.').to_string()
}

/// The domain a person most likely meant by input DOM-1 or DOM-2 refuses: without `www.`, an
/// email address's or URL's user part (`sam@corp.com`) and a port (`corp.com:443`). `None`
/// when no valid domain is left.
pub fn bare_domain(input: &str) -> Option<String> {
    let s = strip_url(&input.trim().to_ascii_lowercase());
    let s = s.rsplit('@').next().unwrap_or(&s);
    let s = match s.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => s,
    };
    let s = s.trim_end_matches('.');
    let s = s.strip_prefix("www.").unwrap_or(s);
    validate_host(s).ok().map(|()| s.to_string())
}

fn refuse_common(domain: &str) -> Refusal {
    Refusal::new(
        rules::DOM_3,
        format!("{domain} is a common public email domain"),
        "use your company's own domain; gmail.com, outlook.com and the like cannot be verified",
    )
}

impl World {
    /// A domain of the context's org, by name.
    pub(crate) fn org_domain(&self, ctx: &Ctx, input: &str) -> ActionResult<&Domain> {
        let name = normalize_domain(input)?;
        let org = self.org(&ctx.org)?;
        org.domains
            .get(&name)
            .ok_or_else(|| ActionError::NotFound(format!("{name} is not a domain of {}", org.name)))
    }

    /// Orgs other than `org` that hold `domain` verified (or uncertain), for DOM-5.
    fn other_verified_holders(&self, org: &Sid, domain: &str) -> Vec<(&Org, &Domain)> {
        self.orgs
            .values()
            .filter(|o| &o.sid != org)
            .filter_map(|o| o.domains.get(domain).map(|d| (o, d)))
            .filter(|(_, d)| !matches!(d.status, DomainStatus::Unverified))
            .collect()
    }

    /// DOM-5: may this org hold `domain` given other orgs' verified copies? Returns whether it is
    /// multi-verified.
    fn check_domain_elsewhere(&self, org: &Sid, domain: &str) -> ActionResult<bool> {
        let holders = self.other_verified_holders(org, domain);
        if let Some((other, _)) = holders.iter().find(|(_, d)| !d.multi_verified) {
            let refusal = Refusal::new(
                rules::DOM_5,
                format!(
                    "{domain} is verified by another organization ({})",
                    other.name
                ),
                format!(
                    "use a subdomain, or ask {} to have Twilio Support mark {domain} multi-verified",
                    other.name
                ),
            );
            let Some(owner) = self.owner_of_org(&other.sid) else {
                return Err(refusal.into());
            };
            // SIGN-5: the other org must be Blocked before its domain can be multi-verified.
            let refusal = if other.signup == SignupSetting::Blocked {
                refusal
            } else {
                refusal.fix_by(
                    owner.email.clone(),
                    Action::SetSignup {
                        setting: SignupSetting::Blocked,
                    },
                )
            };
            return Err(refusal
                .fix_by(
                    owner.email.clone(),
                    Action::Set(Setting::MultiVerified {
                        domain: domain.to_string(),
                        on: true,
                    }),
                )
                .into());
        }
        if holders.len() >= MULTI_VERIFIED_MAX {
            return refuse(
                rules::DOM_5,
                format!("{domain} is already verified by {MULTI_VERIFIED_MAX} organizations"),
                "a multi-verified domain is held by at most 20 organizations",
            );
        }
        Ok(!holders.is_empty())
    }

    /// What makes `domain` a verified domain of `org`, in words (the hint of USR-1, ACC-4 and
    /// the like): add it, publish its TXT record, verify it, whichever steps remain.
    pub(crate) fn verify_domain_hint(&self, org: &Org, domain: &str) -> String {
        if is_common_domain(domain) {
            return format!(
                "{domain} is a public email domain and can never be verified; use an address on the company's own domain"
            );
        }
        if let Some((other, _)) = self
            .other_verified_holders(&org.sid, domain)
            .into_iter()
            .find(|(_, d)| !d.multi_verified)
        {
            return format!(
                "{domain} is verified by {}; only that organization can add its users",
                other.name
            );
        }
        match org.domains.get(domain) {
            None => format!(
                "add {domain} as a domain of {}, publish its TXT record and verify it",
                org.name
            ),
            Some(d) if !self.dns_has_record(d) => match &d.status {
                DomainStatus::VerifiedUncertain { deadline } => format!(
                    "publish the TXT record of {domain} again and verify it ({} left)",
                    words::days(super::time::days_left(self.clock, *deadline))
                ),
                _ => format!("publish the TXT record of {domain}, then verify it"),
            },
            Some(_) => format!("verify {domain}"),
        }
    }

    /// Adds to `refusal` the steps of [`World::verify_domain_hint`] as data; none where nothing
    /// in the org's power verifies the domain.
    pub(crate) fn verify_domain_fixes(&self, org: &Org, domain: &str, refusal: Refusal) -> Refusal {
        let elsewhere = self
            .other_verified_holders(&org.sid, domain)
            .iter()
            .any(|(_, d)| !d.multi_verified);
        if is_common_domain(domain) || elsewhere || validate_host(domain).is_err() {
            return refusal;
        }
        let mut refusal = refusal;
        let entry = org.domains.get(domain);
        if entry.is_none() {
            // Adding it may need a step of its own first (DOM-6: a higher domain limit).
            match self.check_new_domain(&org.sid, domain) {
                Ok(_) => {}
                Err(ActionError::Refused(first)) if !first.fixes.is_empty() => {
                    refusal.fixes.extend(first.fixes);
                }
                Err(_) => return refusal,
            }
            refusal = refusal.fix(Action::AddDomain {
                name: domain.to_string(),
            });
        }
        if entry.is_none_or(|d| !self.dns_has_record(d)) {
            refusal = refusal.fix(Action::PublishDns {
                domain: domain.to_string(),
            });
        }
        refusal.fix(Action::VerifyDomain {
            name: domain.to_string(),
        })
    }

    /// DOM-1..DOM-7.
    pub(crate) fn add_domain(&mut self, ctx: &Ctx, input: &str) -> ActionResult<Outcome> {
        self.require_admin(ctx, "manage domains")?;
        let name = normalize_domain(input).map_err(|r| self.offer_bare_domain(ctx, input, r))?;
        let multi = self.check_new_domain(&ctx.org, &name)?;
        let sid = self.new_sid(SidKind::Domain);
        let token = self.new_token();
        let domain = Domain {
            sid: sid.clone(),
            name: name.clone(),
            status: DomainStatus::Unverified,
            token,
            added_at: self.clock,
            multi_verified: multi,
            sso_enforced: false,
        };
        let record = format!(
            "publish TXT {} = \"{}\" (TTL 3600)",
            domain.txt_host(),
            domain.txt_value()
        );
        self.org_mut(&ctx.org).domains.insert(name.clone(), domain);
        self.audit(
            ctx,
            "domain.add",
            format!("added {name} ({sid}), unverified"),
        );
        Ok(
            Outcome::msg(format!("added {name}, unverified: {record}, then verify"))
                .created(SidKind::Domain, sid),
        )
    }

    /// DOM-3..DOM-6 for a normalized name: whether this org may add it, and whether it would be
    /// multi-verified.
    fn check_new_domain(&self, org_sid: &Sid, name: &str) -> ActionResult<bool> {
        if is_common_domain(name) {
            return Err(refuse_common(name).into());
        }
        let org = self.org(org_sid)?;
        if org.domains.contains_key(name) {
            return refuse(
                rules::DOM_4,
                format!("{name} is already a domain of {}", org.name),
                "verify or re-check the existing entry",
            );
        }
        if org.domains.len() >= org.settings.domain_limit as usize {
            let raised = org.domains.len() as u32 + 1;
            return Err(Refusal::new(
                rules::DOM_6,
                format!(
                    "{} already has {}",
                    org.name,
                    words::count(org.domains.len(), "domain", "domains")
                ),
                format!(
                    "delete a domain, or ask Twilio Support to raise the domain limit to {raised}"
                ),
            )
            .fix(Action::Set(Setting::DomainLimit(raised)))
            .into());
        }
        self.check_domain_elsewhere(org_sid, name)
    }

    /// DOM-1, DOM-2: input that names a domain among other text (a `www.` prefix, an email
    /// address, a port) gets the domain alone as its fix when that domain could be added, and
    /// otherwise the reason it could not, so that the hint never leads to another refusal.
    fn offer_bare_domain(&self, ctx: &Ctx, input: &str, mut refusal: Refusal) -> ActionError {
        let Some(bare) = bare_domain(input) else {
            return refusal.into();
        };
        match self.check_new_domain(&ctx.org, &bare) {
            Ok(_) => refusal.fix(Action::AddDomain { name: bare }).into(),
            Err(ActionError::Refused(r)) => {
                refusal.hint = format!(
                    "{bare} cannot be added either ({}: {}) — {}",
                    r.rule, r.message, r.hint
                );
                refusal.fixes = r.fixes;
                refusal.into()
            }
            Err(_) => refusal.into(),
        }
    }

    /// Whether the DNS holds the domain's exact verification record (DOM-8).
    pub fn dns_has_record(&self, domain: &Domain) -> bool {
        self.dns
            .get(&domain.txt_host())
            .is_some_and(|vals| vals.contains(&domain.txt_value()))
    }

    /// DOM-8 (and DOM-3, DOM-5 again at verification time).
    pub(crate) fn verify_domain(&mut self, ctx: &Ctx, input: &str) -> ActionResult<Outcome> {
        self.require_admin(ctx, "manage domains")?;
        let domain = self.org_domain(ctx, input)?.clone();
        if is_common_domain(&domain.name) {
            return Err(refuse_common(&domain.name).into());
        }
        if domain.is_verified() {
            return refuse(
                rules::DOM_8,
                format!("{} is already verified", domain.name),
                "use re-check to test the record again",
            );
        }
        if !self.dns_has_record(&domain) {
            return Err(Refusal::new(
                rules::DOM_8,
                format!(
                    "the DNS has no TXT record {} = \"{}\"",
                    domain.txt_host(),
                    domain.txt_value()
                ),
                format!(
                    "publish that TXT record for {} in its DNS, then verify again",
                    domain.name
                ),
            )
            .fix(Action::PublishDns {
                domain: domain.name.clone(),
            })
            .into());
        }
        let multi = self.check_domain_elsewhere(&ctx.org, &domain.name)? || domain.multi_verified;
        let org = self.org_mut(&ctx.org);
        let d = org.domains.get_mut(&domain.name).expect("checked");
        d.status = DomainStatus::Verified;
        d.multi_verified = multi;
        let mut detail = format!("verified {}", domain.name);
        // SIGN-5: a verified multi-verified domain forces Blocked.
        if multi && org.signup != SignupSetting::Blocked {
            org.signup = SignupSetting::Blocked;
            detail
                .push_str("; it is multi-verified, so the sign-up setting is now Blocked (SIGN-5)");
        }
        self.audit(ctx, "domain.verify", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// DOM-9: re-check a domain against the DNS.
    pub(crate) fn recheck_domain(&mut self, ctx: &Ctx, input: &str) -> ActionResult<Outcome> {
        self.require_admin(ctx, "manage domains")?;
        let domain = self.org_domain(ctx, input)?.clone();
        if domain.status == DomainStatus::Unverified {
            return self.verify_domain(ctx, input);
        }
        let present = self.dns_has_record(&domain);
        let now = self.clock;
        let new_status = match (&domain.status, present) {
            (DomainStatus::Verified, true) => {
                return Ok(Outcome::msg(format!(
                    "{} is verified; its record is in place",
                    domain.name
                )));
            }
            (DomainStatus::Verified, false) => DomainStatus::VerifiedUncertain {
                deadline: time::later(now, days(REVERIFY_DAYS)),
            },
            (DomainStatus::VerifiedUncertain { .. }, true) => DomainStatus::Verified,
            (DomainStatus::VerifiedUncertain { deadline }, false) => {
                let left = words::days(time::days_left(now, *deadline));
                return Ok(Outcome::msg(format!(
                    "{} is still missing its record: {left} left to restore it",
                    domain.name
                )));
            }
            (DomainStatus::Unverified, _) => unreachable!("handled above"),
        };
        let detail = match &new_status {
            DomainStatus::Verified => format!("{} re-verified: its record is back", domain.name),
            _ => format!(
                "{} is verified-uncertain: its record is gone; {REVERIFY_DAYS} days to restore it before the domain and its users leave",
                domain.name
            ),
        };
        self.org_mut(&ctx.org)
            .domains
            .get_mut(&domain.name)
            .expect("checked")
            .status = new_status;
        self.audit(ctx, "domain.recheck", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// Why a user of `email`'s domain cannot be added to `org` now, or `None` when the domain is
    /// `verified` there (USR-1, ACC-4, DOM-9 rev 2: checked when an invitation, import or sign-up
    /// is started and again when it completes). `what` names what waits ("accepting the
    /// invitation of x@d"); `by` performs the domain fixes (`Fix::by`).
    pub(crate) fn unverified_domain_refusal(
        &self,
        org: &Sid,
        email: &str,
        rule: rules::Rule,
        what: &str,
        by: Option<String>,
    ) -> Option<Refusal> {
        let o = self.orgs.get(org)?;
        let name = World::email_domain(email).unwrap_or_default();
        let message = match o.domains.get(&name).map(|d| &d.status) {
            Some(DomainStatus::Verified) => return None,
            Some(DomainStatus::VerifiedUncertain { deadline }) => format!(
                "{name} is verified-uncertain in {}: its TXT record is gone ({} left to restore it), so {what} waits until it is verified again",
                o.name,
                words::days(time::days_left(self.clock, *deadline))
            ),
            Some(DomainStatus::Unverified) => format!(
                "{name} is not verified in {} (it is unverified), so {what} is not possible",
                o.name
            ),
            None => format!(
                "{name} is not a domain of {}, so {what} is not possible until it is added and verified",
                o.name
            ),
        };
        let hint = self.verify_domain_hint(o, &name);
        let mut r = self.verify_domain_fixes(o, &name, Refusal::new(rule, message, hint));
        for f in &mut r.fixes {
            f.by = by.clone();
        }
        Some(r)
    }

    /// Members of `org` whose email is exactly on `domain` (DOM-11).
    pub(crate) fn members_on_domain(&self, org: &Sid, domain: &str) -> Vec<Sid> {
        self.members(org)
            .filter(|u| World::email_domain(&u.email).as_deref() == Some(domain))
            .map(|u| u.sid.clone())
            .collect()
    }

    /// DOM-10: everything that keeps a domain from being deleted, named at once: the Org Owner on
    /// it, and each of its users who owns managed accounts. The fixes hand both to an active member
    /// on another domain (the Owner's successor first), when the org has one.
    fn domain_deletion_blockers(&self, ctx: &Ctx, domain: &str, users: &[Sid]) -> Option<Refusal> {
        let owner = self.owner_of_org(&ctx.org).map(|u| u.sid.clone());
        let owner_on_domain = owner.as_ref().filter(|o| users.contains(o));
        let owning: Vec<(Sid, Vec<Sid>)> = users
            .iter()
            .map(|u| (u.clone(), self.managed_accounts_owned(&ctx.org, u)))
            .filter(|(_, accounts)| !accounts.is_empty())
            .collect();
        if owner_on_domain.is_none() && owning.is_empty() {
            return None;
        }
        let successor = self.active_member_off_domain(&ctx.org, domain);
        let mut blockers = Vec::new();
        if let Some(o) = owner_on_domain {
            blockers.push(format!("the Org Owner {} is on {domain}", self.email_of(o)));
        }
        for (u, accounts) in &owning {
            let names: Vec<&str> = accounts
                .iter()
                .map(|a| self.accounts[a].name.as_str())
                .collect();
            blockers.push(format!(
                "{} owns the managed {} {}",
                self.email_of(u),
                words::noun(names.len(), "account", "accounts"),
                names.join(", ")
            ));
        }
        let hint = match &successor {
            Some(s) => format!(
                "hand them to {}, an active member on another domain: {}",
                self.email_of(s),
                if owner_on_domain.is_some() {
                    "transfer org ownership and the accounts to them"
                } else {
                    "transfer the accounts to them"
                }
            ),
            None => format!(
                "first bring in an active member whose email is on another verified domain, then hand org ownership and the accounts to them; {domain} cannot be deleted while nobody else can take them"
            ),
        };
        let mut refusal = Refusal::new(
            rules::DOM_10,
            format!("{domain} cannot be deleted yet: {}", blockers.join("; ")),
            hint,
        );
        let Some(successor) = successor else {
            return Some(refusal);
        };
        let to = self.email_of(&successor);
        if let Some(o) = owner_on_domain {
            refusal = refusal.fix_by(self.email_of(o), Action::TransferOrg { user: to.clone() });
        }
        for (_, accounts) in &owning {
            for a in accounts {
                refusal = refusal.fix(Action::TransferAccount {
                    sid: a.to_string(),
                    user: to.clone(),
                });
            }
        }
        Some(refusal)
    }

    /// An active member of the org whose email is not on `domain`: the Owner if so, else the first
    /// Administrator, else the first Standard member (in SID order, so the choice is stable).
    fn active_member_off_domain(&self, org: &Sid, domain: &str) -> Option<Sid> {
        let mut candidates: Vec<(OrgRole, &Sid)> = self
            .members(org)
            .filter(|u| World::email_domain(&u.email).as_deref() != Some(domain))
            .filter_map(|u| {
                let m = u.membership.as_ref()?;
                (m.status == MemberStatus::Active).then_some((m.role, &u.sid))
            })
            .collect();
        candidates.sort();
        candidates.first().map(|(_, sid)| (*sid).clone())
    }

    /// DOM-10.
    pub(crate) fn delete_domain(
        &mut self,
        ctx: &Ctx,
        input: &str,
        acknowledged: bool,
    ) -> ActionResult<Outcome> {
        self.require_admin(ctx, "manage domains")?;
        let domain = self.org_domain(ctx, input)?.clone();
        let users = self.members_on_domain(&ctx.org, &domain.name);
        if let Some(refusal) = self.domain_deletion_blockers(ctx, &domain.name, &users) {
            return Err(refusal.into());
        }
        if !acknowledged {
            return Err(Refusal::new(
                rules::DOM_10,
                format!(
                    "deleting {} removes its {} from the organization",
                    domain.name,
                    words::count(users.len(), "managed user", "managed users")
                ),
                "acknowledge that they leave, then delete again",
            )
            .fix(Action::DeleteDomain {
                name: domain.name.clone(),
                acknowledged: true,
            })
            .into());
        }
        for u in &users {
            self.detach_member(&ctx.org, u);
        }
        self.org_mut(&ctx.org).domains.remove(&domain.name);
        let detail = format!(
            "deleted {}; {} left the organization",
            domain.name,
            words::count(users.len(), "user", "users")
        );
        self.audit(ctx, "domain.delete", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// SIGN-1, SIGN-5.
    pub(crate) fn set_signup(
        &mut self,
        ctx: &Ctx,
        setting: SignupSetting,
    ) -> ActionResult<Outcome> {
        self.require_admin(ctx, "change the sign-up setting")?;
        let org = self.org(&ctx.org)?;
        if setting != SignupSetting::Blocked
            && let Some(d) = org
                .domains
                .values()
                .find(|d| d.multi_verified && d.status != DomainStatus::Unverified)
        {
            return Err(Refusal::new(
                rules::SIGN_5,
                format!(
                    "{} is multi-verified, so {} is not allowed",
                    d.name,
                    setting.label()
                ),
                format!(
                    "keep Blocked, or ask Twilio Support to turn multi-verified off for {}",
                    d.name
                ),
            )
            .fix(Action::Set(Setting::MultiVerified {
                domain: d.name.clone(),
                on: false,
            }))
            .into());
        }
        self.org_mut(&ctx.org).signup = setting;
        let detail = format!(
            "sign-up setting is now {} ({})",
            setting.label(),
            setting.api_name()
        );
        self.audit(ctx, "domain.signup-setting", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// The domain as some org holds it: the context's org first, then any other.
    fn domain_for_dns(&self, ctx: &Ctx, input: &str) -> ActionResult<Domain> {
        let name = normalize_domain(input)?;
        self.orgs
            .get(&ctx.org)
            .and_then(|o| o.domains.get(&name))
            .or_else(|| self.orgs.values().find_map(|o| o.domains.get(&name)))
            .cloned()
            .ok_or_else(|| {
                ActionError::NotFound(format!(
                    "no organization has added {name}, so there is no record to publish"
                ))
            })
    }

    /// Simulation: publish the `_twilio` TXT record, as the customer's DNS admin would.
    pub(crate) fn publish_dns(&mut self, ctx: &Ctx, input: &str) -> ActionResult<Outcome> {
        let domain = self.domain_for_dns(ctx, input)?;
        let values = self.dns.entry(domain.txt_host()).or_default();
        if !values.contains(&domain.txt_value()) {
            values.push(domain.txt_value());
            values.sort();
        }
        let detail = format!(
            "simulated DNS: published TXT {} = \"{}\"",
            domain.txt_host(),
            domain.txt_value()
        );
        self.audit_world(Some(ctx.org.clone()), "dns", "dns.publish", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// Simulation: remove the record again.
    pub(crate) fn unpublish_dns(&mut self, ctx: &Ctx, input: &str) -> ActionResult<Outcome> {
        let domain = self.domain_for_dns(ctx, input)?;
        let host = domain.txt_host();
        let Some(values) = self
            .dns
            .get_mut(&host)
            .filter(|v| v.contains(&domain.txt_value()))
        else {
            return Err(ActionError::NotFound(format!(
                "the simulated DNS has no record for {}",
                domain.name
            )));
        };
        values.retain(|v| v != &domain.txt_value());
        if values.is_empty() {
            self.dns.remove(&host);
        }
        let detail = format!("simulated DNS: removed TXT {host}");
        self.audit_world(
            Some(ctx.org.clone()),
            "dns",
            "dns.unpublish",
            detail.clone(),
        );
        Ok(Outcome::msg(detail))
    }
}

#[cfg(test)]
mod common_list_tests {
    use super::*;

    /// DOM-3 rev 2: the list is long enough, names its sources, and every entry is a valid,
    /// lowercase host name listed once.
    #[test]
    fn the_public_domain_list_is_sound() {
        let all: Vec<&str> = common_domains().collect();
        assert!(all.len() >= 150, "only {} entries", all.len());
        let unique: std::collections::BTreeSet<&str> = all.iter().copied().collect();
        assert_eq!(unique.len(), all.len(), "an entry is listed twice");
        for d in &all {
            assert!(validate_host(d).is_ok(), "{d} is not a host name");
            assert_eq!(*d, d.to_ascii_lowercase(), "{d} is not lowercase");
        }
        let sources = COMMON_DOMAINS
            .lines()
            .filter(|l| l.starts_with('#') && l.contains("github.com"))
            .count();
        assert!(sources >= 3, "the list names {sources} sources");
    }
}
