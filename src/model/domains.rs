//! Domains, their verification through the simulated DNS, and the sign-up setting:
//! DOM-*, SIGN-1, SIGN-5.

use super::error::{ActionError, ActionResult, Refusal, refuse};
use super::rules;
use super::time::days;
use super::*;

const COMMON_DOMAINS: &str = include_str!("../../assets/common-domains.txt");
/// DOM-5: a multi-verified domain may be held by at most this many orgs.
pub const MULTI_VERIFIED_MAX: usize = 20;
/// DOM-9: days to re-verify a domain whose record disappeared.
pub const REVERIFY_DAYS: u32 = 30;

/// The common public email domains (DOM-3).
pub fn common_domains() -> impl Iterator<Item = &'static str> {
    COMMON_DOMAINS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Whether a domain is a common public domain or a subdomain of one (DOM-3).
pub fn is_common_domain(domain: &str) -> bool {
    common_domains().any(|c| domain == c || domain.ends_with(&format!(".{c}")))
}

/// DOM-2: a host name of at most 253 characters, two or more labels of letters, digits and hyphens.
pub fn validate_host(domain: &str) -> Result<(), String> {
    if domain.len() > 253 {
        return Err(format!("'{domain}' is longer than 253 characters"));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err(format!(
            "'{domain}' needs at least two labels, such as corp.com"
        ));
    }
    for label in &labels {
        let ok = !label.is_empty()
            && label.len() <= 63
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !ok {
            return Err(format!("'{label}' is not a valid label of a host name"));
        }
    }
    if labels
        .last()
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
    let mut s = input.trim().to_ascii_lowercase();
    for scheme in ["https://", "http://"] {
        if let Some(rest) = s.strip_prefix(scheme) {
            s = rest.to_string();
        }
    }
    if let Some(i) = s.find(['/', '?', '#']) {
        s.truncate(i);
    }
    while s.ends_with('.') {
        s.pop();
    }
    if let Some(bare) = s.strip_prefix("www.") {
        return Err(Refusal::new(
            rules::DOM_1,
            format!("'{s}' starts with www."),
            format!("enter the bare domain: {bare}"),
        ));
    }
    validate_host(&s)
        .map_err(|m| Refusal::new(rules::DOM_2, m, "enter a domain such as corp.com"))?;
    Ok(s)
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
            return refuse(
                rules::DOM_5,
                format!(
                    "{domain} is verified by another organization ({})",
                    other.name
                ),
                "ask that organization to mark it multi-verified (tworg org set multi-verified DOMAIN), or use a subdomain",
            );
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

    /// DOM-1..DOM-7.
    pub(crate) fn add_domain(&mut self, ctx: &Ctx, input: &str) -> ActionResult<Outcome> {
        self.require_admin(ctx, "manage domains")?;
        let name = normalize_domain(input)?;
        if is_common_domain(&name) {
            return Err(refuse_common(&name).into());
        }
        let org = self.org(&ctx.org)?;
        if org.domains.contains_key(&name) {
            return refuse(
                rules::DOM_4,
                format!("{name} is already a domain of {}", org.name),
                "verify or re-check the existing entry",
            );
        }
        if org.domains.len() >= org.settings.domain_limit as usize {
            return refuse(
                rules::DOM_6,
                format!("{} already has {} domains", org.name, org.domains.len()),
                "delete a domain, or raise the limit (tworg org set domain-limit N)",
            );
        }
        let multi = self.check_domain_elsewhere(&ctx.org, &name)?;
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
            return refuse(
                rules::DOM_8,
                format!(
                    "the DNS has no TXT record {} = \"{}\"",
                    domain.txt_host(),
                    domain.txt_value()
                ),
                format!(
                    "publish it (tworg dns publish {}), then verify again",
                    domain.name
                ),
            );
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
                let left = time::days_left(now, *deadline);
                return Ok(Outcome::msg(format!(
                    "{} is still missing its record: {left} days left to restore it",
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
        let fix = |r: Refusal, action: Action| match &by {
            Some(b) => r.fix_by(b.clone(), action),
            None => r.fix(action),
        };
        let publish = Action::PublishDns {
            domain: name.clone(),
        };
        let r = match o.domains.get(&name).map(|d| &d.status) {
            Some(DomainStatus::Verified) => return None,
            Some(DomainStatus::VerifiedUncertain { deadline }) => {
                let r = Refusal::new(
                    rule,
                    format!(
                        "{name} is verified-uncertain in {}: its TXT record is gone ({} days left to restore it), so {what} waits until it is verified again",
                        o.name,
                        time::days_left(self.clock, *deadline)
                    ),
                    format!("publish the TXT record of {name} again, then re-check {name}"),
                );
                let r = fix(r, publish);
                fix(r, Action::RecheckDomain { name })
            }
            Some(DomainStatus::Unverified) => {
                let r = Refusal::new(
                    rule,
                    format!(
                        "{name} is unverified in {}, so {what} is not possible until it is verified",
                        o.name
                    ),
                    format!("publish the TXT record of {name}, then verify {name}"),
                );
                let r = fix(r, publish);
                fix(r, Action::VerifyDomain { name })
            }
            None => {
                let r = Refusal::new(
                    rule,
                    format!(
                        "{name} is not a domain of {}, so {what} is not possible until it is added and verified",
                        o.name
                    ),
                    format!("add {name}, publish its TXT record, then verify {name}"),
                );
                let r = fix(r, Action::AddDomain { name: name.clone() });
                let r = fix(r, publish);
                fix(r, Action::VerifyDomain { name })
            }
        };
        Some(r)
    }

    /// Members of `org` whose email is exactly on `domain` (DOM-11).
    pub(crate) fn members_on_domain(&self, org: &Sid, domain: &str) -> Vec<Sid> {
        self.members(org)
            .filter(|u| World::email_domain(&u.email).as_deref() == Some(domain))
            .map(|u| u.sid.clone())
            .collect()
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
        let owner = self.owner_of_org(&ctx.org).map(|u| u.sid.clone());
        if let Some(o) = users.iter().find(|u| Some(*u) == owner.as_ref()) {
            return refuse(
                rules::DOM_10,
                format!("the Org Owner {} is on {}", self.email_of(o), domain.name),
                "transfer org ownership to someone on another domain first",
            );
        }
        if let Some((u, a)) = users.iter().find_map(|u| {
            self.managed_accounts_owned(&ctx.org, u)
                .first()
                .map(|a| (u.clone(), a.clone()))
        }) {
            return refuse(
                rules::DOM_10,
                format!(
                    "{} on {} owns the managed account {}",
                    self.email_of(&u),
                    domain.name,
                    self.accounts[&a].name
                ),
                "transfer that account to someone on another domain first",
            );
        }
        if !acknowledged {
            return refuse(
                rules::DOM_10,
                format!(
                    "deleting {} removes its {} managed user(s) from the organization",
                    domain.name,
                    users.len()
                ),
                "acknowledge to go on (--yes)",
            );
        }
        for u in &users {
            self.detach_member(&ctx.org, u);
        }
        self.org_mut(&ctx.org).domains.remove(&domain.name);
        let detail = format!(
            "deleted {}; {} user(s) left the organization",
            domain.name,
            users.len()
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
            return refuse(
                rules::SIGN_5,
                format!(
                    "{} is multi-verified, so {} is not allowed",
                    d.name,
                    setting.label()
                ),
                "keep Blocked, or turn multi-verified off (tworg org set multi-verified DOMAIN off)",
            );
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
