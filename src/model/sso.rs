//! SSO: the SAML profile, its connection test, enforcement per domain and exemptions, the
//! lock-out guard and certificate expiry (SSO-1..6).

use base64::Engine;
use jiff::Timestamp;

use super::action::Setting;
use super::error::{ActionResult, Refusal, refuse};
use super::rules;
use super::*;

/// The validity window of an X.509 certificate read from PEM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertValidity {
    pub not_before: Timestamp,
    pub not_after: Timestamp,
}

/// Parses a PEM X.509 certificate far enough to read its validity (SSO-2): the DER structure
/// Certificate → TBSCertificate → [version] serial signature issuer validity.
pub fn parse_certificate(pem: &str) -> Result<CertValidity, String> {
    let begin = "-----BEGIN CERTIFICATE-----";
    let end = "-----END CERTIFICATE-----";
    let start = pem
        .find(begin)
        .ok_or("no '-----BEGIN CERTIFICATE-----' line")?
        + begin.len();
    let stop = pem[start..]
        .find(end)
        .ok_or("no '-----END CERTIFICATE-----' line")?
        + start;
    let b64: String = pem[start..stop]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| format!("the certificate is not valid base64: {e}"))?;
    let (cert, _) =
        der_element(&der, 0x30).map_err(|e| format!("not an X.509 certificate: {e}"))?;
    let (tbs, _) = der_element(cert, 0x30).map_err(|e| format!("no TBSCertificate: {e}"))?;
    let mut rest = tbs;
    if rest.first() == Some(&0xA0) {
        rest = der_element(rest, 0xA0)?.1;
    }
    rest = der_element(rest, 0x02)
        .map_err(|e| format!("no serial number: {e}"))?
        .1;
    rest = der_element(rest, 0x30)
        .map_err(|e| format!("no signature algorithm: {e}"))?
        .1;
    rest = der_element(rest, 0x30)
        .map_err(|e| format!("no issuer: {e}"))?
        .1;
    let (validity, _) = der_element(rest, 0x30).map_err(|e| format!("no validity: {e}"))?;
    let (not_before, after) = der_time(validity)?;
    let (not_after, _) = der_time(after)?;
    Ok(CertValidity {
        not_before,
        not_after,
    })
}

/// One DER element of the expected tag: `(content, rest)`.
fn der_element(input: &[u8], tag: u8) -> Result<(&[u8], &[u8]), String> {
    let (&t, rest) = input.split_first().ok_or("unexpected end of data")?;
    if t != tag {
        return Err(format!("expected tag {tag:#04x}, found {t:#04x}"));
    }
    let (&first, mut rest) = rest.split_first().ok_or("unexpected end of data")?;
    let len = if first < 0x80 {
        first as usize
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return Err("bad length".into());
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | *b as usize);
        rest = &rest[n..];
        len
    };
    if rest.len() < len {
        return Err("truncated element".into());
    }
    Ok((&rest[..len], &rest[len..]))
}

/// A UTCTime or GeneralizedTime element.
fn der_time(input: &[u8]) -> Result<(Timestamp, &[u8]), String> {
    let tag = *input.first().ok_or("no time")?;
    let (content, rest) = der_element(input, tag)?;
    let text = std::str::from_utf8(content).map_err(|_| "time is not text")?;
    let digits = text.trim_end_matches('Z');
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("bad time '{text}'"));
    }
    let full = match tag {
        0x17 if digits.len() == 12 => {
            let yy: u32 = digits[..2].parse().map_err(|_| "bad year")?;
            format!("{}{digits}", if yy >= 50 { "19" } else { "20" })
        }
        0x18 if digits.len() == 14 => digits.to_string(),
        _ => return Err(format!("unsupported time '{text}'")),
    };
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &full[0..4],
        &full[4..6],
        &full[6..8],
        &full[8..10],
        &full[10..12],
        &full[12..14]
    );
    let ts: Timestamp = iso.parse().map_err(|e| format!("bad time '{text}': {e}"))?;
    Ok((ts, rest))
}

impl World {
    /// SSO-1: entitlement and a verified domain.
    fn require_sso_allowed(&self, ctx: &Ctx) -> ActionResult<()> {
        let org = self.org(&ctx.org)?;
        let entitled = org.settings.sso_entitlement;
        let verified = org.domains.values().any(Domain::is_verified);
        if entitled && verified {
            return Ok(());
        }
        // Every missing requirement at once, each with its step.
        let mut missing = Vec::new();
        let mut steps = Vec::new();
        if !entitled {
            missing.push("does not have the SSO entitlement".to_string());
            steps.push(
                "ask Twilio Support for the SSO entitlement (a simulated Support request)"
                    .to_string(),
            );
        }
        // The domain to verify: the first one already added, if any.
        let candidate = (!verified)
            .then(|| org.domains.keys().next().cloned())
            .flatten();
        if !verified {
            missing.push("has no verified domain".to_string());
            steps.push(match &candidate {
                Some(d) => self.verify_domain_hint(org, d),
                None => "add the company's email domain, publish its TXT record and verify it"
                    .to_string(),
            });
        }
        let mut refusal = Refusal::new(
            rules::SSO_1,
            format!("{} {}", org.name, missing.join(" and ")),
            steps.join("; "),
        );
        if !entitled {
            refusal = refusal.fix(Action::Set(Setting::SsoEntitlement(true)));
        }
        if let Some(d) = candidate {
            refusal = self.verify_domain_fixes(org, &d, refusal);
        }
        Err(refusal.into())
    }

    /// SSO-2: the certificate has not expired on the world's clock.
    fn check_not_expired(&self, not_after: Timestamp, hint: &str) -> ActionResult<()> {
        if not_after <= self.clock {
            return refuse(
                rules::SSO_2,
                format!(
                    "the certificate expired on {}",
                    time::format_date(not_after)
                ),
                hint,
            );
        }
        Ok(())
    }

    /// SSO-2.
    pub(crate) fn sso_configure(
        &mut self,
        ctx: &Ctx,
        entity_id: &str,
        url: &str,
        pem: &str,
        confirm_lockout: bool,
    ) -> ActionResult<Outcome> {
        self.require_admin(ctx, "configure SSO")?;
        self.require_sso_allowed(ctx)?;
        let entity_id = entity_id.trim();
        if entity_id.is_empty() {
            return refuse(
                rules::SSO_2,
                "the IdP entity ID is empty",
                "copy the entity ID (issuer) from your identity provider",
            );
        }
        let url = url.trim();
        let host = url
            .strip_prefix("https://")
            .map(|r| r.split(['/', '?']).next().unwrap_or(""));
        if host.is_none_or(|h| h.is_empty()) {
            return refuse(
                rules::SSO_2,
                format!("the sign-in URL '{url}' is not an https:// URL"),
                "use the IdP's https:// SAML sign-in URL",
            );
        }
        let validity = parse_certificate(pem).map_err(|e| {
            super::error::Refusal::new(
                rules::SSO_2,
                format!("the certificate does not parse: {e}"),
                "paste the IdP's PEM X.509 signing certificate",
            )
        })?;
        self.check_not_expired(
            validity.not_after,
            "download a current certificate from the IdP",
        )?;
        let was_enforced = self.org(&ctx.org)?.domains.values().any(|d| d.sso_enforced);
        self.check_lockout(
            ctx,
            &SignInChange {
                profile_replaced: true,
                ..SignInChange::default()
            },
            confirm_lockout,
            || Action::SsoConfigure {
                entity_id: entity_id.into(),
                url: url.into(),
                cert_pem: pem.into(),
                confirm_lockout: true,
            },
        )?;
        self.org_mut(&ctx.org).sso = Some(SsoProfile {
            entity_id: entity_id.into(),
            sign_in_url: url.into(),
            certificate_pem: pem.trim().to_string(),
            certificate_not_after: validity.not_after,
            tested: false,
        });
        let mut detail = format!(
            "SSO profile saved for {entity_id} (certificate valid until {}); run the connection test next",
            time::format_date(validity.not_after)
        );
        if was_enforced {
            detail.push_str("; enforcement stays, but the profile is untested until you test it");
        }
        self.audit(ctx, "sso.configure", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// SSO-3: the simulated connection test signs an assertion with the IdP and checks it against
    /// the stored certificate; it fails when the certificate has expired on the world's clock.
    pub(crate) fn sso_test(&mut self, ctx: &Ctx) -> ActionResult<Outcome> {
        self.require_admin(ctx, "test SSO")?;
        let org = self.org(&ctx.org)?;
        let Some(profile) = &org.sso else {
            return refuse(
                rules::SSO_3,
                "there is no SSO profile to test",
                "configure the profile (entity ID, sign-in URL, certificate) first",
            );
        };
        self.check_not_expired(
            profile.certificate_not_after,
            "configure the profile with a current certificate",
        )?;
        let entity = profile.entity_id.clone();
        self.org_mut(&ctx.org).sso.as_mut().expect("checked").tested = true;
        let detail = format!("SSO connection test passed for {entity}");
        self.audit(ctx, "sso.test", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// How many active Owners and Administrators of `org` could sign in, were `change` made:
    /// `(without SSO, at all)`. Users on a domain with SSO enforced who are not exempt sign in
    /// only through the profile, and nobody signs in through an untested or expired one (SSO-5,
    /// SSO-6).
    pub(crate) fn admins_signing_in(&self, org: &Sid, change: &SignInChange) -> (usize, usize) {
        let Some(o) = self.orgs.get(org) else {
            return (0, 0);
        };
        let usable =
            !change.profile_replaced && o.sso.as_ref().is_some_and(|p| p.usable(self.clock));
        let (mut without, mut at_all) = (0, 0);
        for u in self.members(org) {
            let m = u.membership.as_ref().expect("member");
            let (mut role, mut status, mut exempt) = (m.role, m.status, m.sso_exempt);
            if let Some((sid, what)) = &change.user
                && *sid == u.sid
            {
                match what {
                    UserChange::Leaves => continue,
                    UserChange::Deactivated => status = MemberStatus::Deactivated,
                    UserChange::Role(r) => role = *r,
                    UserChange::Unexempt => exempt = false,
                }
            }
            if !role.is_admin() || status != MemberStatus::Active {
                continue;
            }
            let covered = !exempt
                && World::email_domain(&u.email).is_some_and(|d| {
                    change.enforce.as_deref() == Some(d.as_str())
                        || o.domains.get(&d).is_some_and(|x| x.sso_enforced)
                });
            if !covered {
                without += 1;
                at_all += 1;
            } else if usable {
                at_all += 1;
            }
        }
        (without, at_all)
    }

    /// SSO-5: an action that would leave no Owner or Administrator who can sign in without SSO,
    /// or none who can sign in at all, asks for explicit confirmation; the refusal's fix is the
    /// same action, confirmed. An org already in that state is not asked again.
    pub(crate) fn check_lockout(
        &self,
        ctx: &Ctx,
        change: &SignInChange,
        confirmed: bool,
        confirmed_action: impl FnOnce() -> Action,
    ) -> ActionResult<()> {
        let Ok(org) = self.org(&ctx.org) else {
            return Ok(());
        };
        if confirmed || (change.enforce.is_none() && !org.domains.values().any(|d| d.sso_enforced))
        {
            return Ok(());
        }
        let before = self.admins_signing_in(&ctx.org, &SignInChange::default());
        let after = self.admins_signing_in(&ctx.org, change);
        let no_password = before.0 > 0 && after.0 == 0;
        let nobody = before.1 > 0 && after.1 == 0;
        if !no_password && !nobody {
            return Ok(());
        }
        let name = &org.name;
        let (message, hint) = match (&change.user, &change.enforce, no_password) {
            (Some((sid, _)), _, true) => (
                format!(
                    "{} is the last Owner or Administrator of {name} who can sign in without SSO; after this, if the IdP fails, nobody can administer the organization",
                    self.email_of(sid)
                ),
                "confirm that you accept this lock-out, or first exempt another Administrator from SSO so they keep password sign-in",
            ),
            (_, Some(domain), true) => (
                format!(
                    "with SSO enforced on {domain}, no Owner or Administrator of {name} could sign in without SSO; if the IdP fails, nobody can administer the organization"
                ),
                "confirm that you accept this lock-out, or first exempt one Administrator from SSO so they keep password sign-in",
            ),
            _ if change.profile_replaced => (
                format!(
                    "SSO is enforced and no Owner or Administrator of {name} can sign in without it; a replaced profile is untested until its test passes, and nobody can sign in through it until then"
                ),
                "confirm that you accept this lock-out, or first exempt one Administrator from SSO so they keep password sign-in",
            ),
            _ => (
                format!(
                    "after this no Owner or Administrator of {name} could sign in: SSO covers them all and its profile is untested or expired"
                ),
                "confirm that you accept this lock-out, or first configure and test a profile with a valid certificate",
            ),
        };
        Err(Refusal::new(rules::SSO_5, message, hint)
            .fix(confirmed_action())
            .into())
    }

    /// SSO-1, SSO-3, SSO-4, SSO-5.
    pub(crate) fn sso_enforce(
        &mut self,
        ctx: &Ctx,
        input: &str,
        confirm_lockout: bool,
    ) -> ActionResult<Outcome> {
        self.require_admin(ctx, "enforce SSO")?;
        self.require_sso_allowed(ctx)?;
        let domain = self.org_domain(ctx, input)?.clone();
        let org = self.org(&ctx.org)?;
        match &org.sso {
            None => {
                return refuse(
                    rules::SSO_3,
                    "there is no SSO profile to enforce",
                    "configure the profile (entity ID, sign-in URL, certificate) and test it first",
                );
            }
            Some(p) if p.expired(self.clock) => {
                return refuse(
                    rules::SSO_3,
                    format!(
                        "the SSO profile's certificate expired on {}",
                        time::format_date(p.certificate_not_after)
                    ),
                    "configure the profile with a current certificate, then test it",
                );
            }
            Some(p) if !p.tested => {
                return Err(Refusal::new(
                    rules::SSO_3,
                    "the SSO profile has not passed its connection test",
                    "test the SSO connection first",
                )
                .fix(Action::SsoTest)
                .into());
            }
            Some(_) => {}
        }
        if !domain.is_verified() {
            return Err(self
                .verify_domain_fixes(
                    org,
                    &domain.name,
                    Refusal::new(
                        rules::SSO_4,
                        format!("{} is {}, not verified", domain.name, domain.status.label()),
                        format!(
                            "enforcement applies to verified domains only: {}",
                            self.verify_domain_hint(org, &domain.name)
                        ),
                    ),
                )
                .into());
        }
        if domain.sso_enforced {
            return refuse(
                rules::SSO_4,
                format!("SSO is already enforced on {}", domain.name),
                "nothing to change",
            );
        }
        self.check_lockout(
            ctx,
            &SignInChange {
                enforce: Some(domain.name.clone()),
                ..SignInChange::default()
            },
            confirm_lockout,
            || Action::SsoEnforce {
                domain: input.into(),
                confirm_lockout: true,
            },
        )?;
        self.org_mut(&ctx.org)
            .domains
            .get_mut(&domain.name)
            .expect("checked")
            .sso_enforced = true;
        let users = self.members_on_domain(&ctx.org, &domain.name).len();
        let detail = format!(
            "SSO enforced on {}: its {}, present and future, sign in through the IdP unless exempt",
            domain.name,
            words::count(users, "managed user", "managed users")
        );
        self.audit(ctx, "sso.enforce", detail.clone());
        Ok(Outcome::msg(detail))
    }

    pub(crate) fn sso_unenforce(&mut self, ctx: &Ctx, input: &str) -> ActionResult<Outcome> {
        self.require_admin(ctx, "change SSO enforcement")?;
        let domain = self.org_domain(ctx, input)?.clone();
        if !domain.sso_enforced {
            return refuse(
                rules::SSO_4,
                format!("SSO is not enforced on {}", domain.name),
                "nothing to change",
            );
        }
        self.org_mut(&ctx.org)
            .domains
            .get_mut(&domain.name)
            .expect("checked")
            .sso_enforced = false;
        let detail = format!("SSO no longer enforced on {}", domain.name);
        self.audit(ctx, "sso.unenforce", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// SSO-4 exemptions one by one; un-exempting the last admin with a password needs SSO-5's confirmation.
    pub(crate) fn sso_exempt(
        &mut self,
        ctx: &Ctx,
        key: &str,
        exempt: bool,
        confirm_lockout: bool,
    ) -> ActionResult<Outcome> {
        self.require_admin(ctx, "change SSO exemptions")?;
        let user = self.member_of_ctx(ctx, key)?;
        let sid = user.sid.clone();
        let m = user.membership.as_ref().expect("member");
        if m.sso_exempt == exempt {
            return refuse(
                rules::SSO_4,
                if exempt {
                    format!("{} is already exempt from SSO", user.email)
                } else {
                    format!("{} is not exempt from SSO", user.email)
                },
                "nothing to change",
            );
        }
        if !exempt {
            self.check_lockout(
                ctx,
                &SignInChange {
                    user: Some((sid.clone(), UserChange::Unexempt)),
                    ..SignInChange::default()
                },
                confirm_lockout,
                || Action::SsoUnexempt {
                    user: key.into(),
                    confirm_lockout: true,
                },
            )?;
        }
        self.user_mut(&sid)
            .membership
            .as_mut()
            .expect("member")
            .sso_exempt = exempt;
        let detail = if exempt {
            format!(
                "{} is exempt from SSO and may sign in with a password",
                self.email_of(&sid)
            )
        } else {
            format!("{} is no longer exempt from SSO", self.email_of(&sid))
        };
        self.audit(
            ctx,
            if exempt { "sso.exempt" } else { "sso.unexempt" },
            detail.clone(),
        );
        Ok(Outcome::msg(detail))
    }
}

/// What an action would change about who can sign in, for the SSO-5 guard.
#[derive(Debug, Clone, Default)]
pub(crate) struct SignInChange {
    /// A domain on which SSO becomes enforced.
    pub enforce: Option<String>,
    /// A member whose membership changes.
    pub user: Option<(Sid, UserChange)>,
    /// The profile is replaced: untested until its test passes.
    pub profile_replaced: bool,
}

/// How one member changes (SSO-5).
#[derive(Debug, Clone, Copy)]
pub(crate) enum UserChange {
    /// Removed from the org or deleted.
    Leaves,
    Deactivated,
    Role(OrgRole),
    Unexempt,
}

impl World {
    /// SSO-6: a profile whose certificate expires on the clock stops being tested; enforcement
    /// stays, and the users it covers cannot sign in until a valid certificate is configured
    /// and tested.
    pub(crate) fn expire_sso_certificates(
        &mut self,
        from: Timestamp,
        events: &mut Vec<(Option<Sid>, String)>,
    ) {
        let now = self.clock;
        let due: Vec<Sid> = self
            .orgs
            .values()
            .filter(|o| {
                o.sso
                    .as_ref()
                    .is_some_and(|p| p.expired(now) && (p.tested || p.certificate_not_after > from))
            })
            .map(|o| o.sid.clone())
            .collect();
        for org in due {
            let o = self.org_mut(&org);
            let p = o.sso.as_mut().expect("listed");
            p.tested = false;
            let (entity, on) = (p.entity_id.clone(), p.certificate_not_after);
            let enforced: Vec<String> = o
                .domains
                .values()
                .filter(|d| d.sso_enforced)
                .map(|d| d.name.clone())
                .collect();
            let mut e = format!(
                "the SSO certificate of {entity} expired on {}: the profile is no longer tested",
                time::format_date(on)
            );
            if enforced.is_empty() {
                e.push_str("; configure a current certificate and test it before enforcing SSO");
            } else {
                let covered = self.members(&org).filter(|u| self.sso_required(u)).count();
                let who = match covered {
                    1 => "the one user it covers cannot".to_string(),
                    n => format!("the {n} users it covers cannot"),
                };
                e.push_str(&format!(
                    "; SSO stays enforced on {}, and {who} sign in until a valid certificate is configured and tested",
                    enforced.join(", ")
                ));
            }
            events.push((Some(org), e));
        }
    }
}
