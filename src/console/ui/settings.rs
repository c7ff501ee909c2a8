//! Settings tab: one row per setting or organization-wide action; Enter opens it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{List, ListItem, ListState};

use super::{block, draw_detail, list_title, position, wrap};
use crate::console::app::{App, Tab};
use crate::console::view::{SettingRow, setting_label};
use crate::model::time::format_time;
use crate::model::{Org, World};

pub fn draw(frame: &mut Frame, list: Rect, detail: Rect, app: &App, w: &World) {
    let Some(org) = w.orgs.get(&app.ctx.org) else {
        return;
    };
    let rows = &app.cache.settings;
    let l = &app.lists[Tab::Settings];
    if list.height > 0 {
        let width = list.width.saturating_sub(4) as usize;
        let items: Vec<ListItem> = rows
            .window(l.offset, app.page)
            .map(|r| {
                let label = setting_label(r);
                let value = value(w, org, r);
                let pad = width
                    .saturating_sub(label.chars().count() + value.chars().count())
                    .max(2);
                ListItem::new(format!("{label}{}{value}", " ".repeat(pad)))
            })
            .collect();
        let widget = List::new(items)
            .highlight_symbol("▶ ")
            .highlight_style(app.theme.selected)
            .block(
                block(list_title("Settings", rows.len(), rows.total(), app), app)
                    .title_bottom(Line::from(position(app, rows.len())).right_aligned()),
            );
        let mut state = ListState::default()
            .with_selected((!rows.is_empty()).then(|| l.sel.saturating_sub(l.offset)));
        frame.render_stateful_widget(widget, list, &mut state);
    }
    // the setting, then the organization's Health: one pane, scrolled by J/K
    let width = detail.width.saturating_sub(2) as usize;
    let about = match rows.get(l.sel) {
        None => vec!["No setting matches.".to_string()],
        Some(r) => explain(w, org, r),
    };
    let mut lines: Vec<Line> = about
        .iter()
        .flat_map(|t| wrap(t, width))
        .map(Line::from)
        .collect();
    lines.push(Line::default());
    lines.extend(super::health::lines(app, w, width));
    draw_detail(
        frame,
        detail,
        app,
        "About this setting (Enter changes it) · Health",
        lines,
    );
}

/// How the Settings tab labels an entitlement (ORG-9).
const SUPPORT: &str = "A simulated request to Twilio Support, made by the Owner or an Administrator: only Twilio grants it, and the audit log names twilio-support and you (ORG-9).";

fn on(b: bool) -> String {
    if b { "on".into() } else { "off".into() }
}

fn value(w: &World, org: &Org, r: &SettingRow) -> String {
    let s = &org.settings;
    match r {
        SettingRow::Name => org.name.clone(),
        SettingRow::Owner => w
            .owner_of_org(&org.sid)
            .map(|u| u.email.clone())
            .unwrap_or_default(),
        SettingRow::AccountLimit => format!(
            "{} ({} used)",
            s.account_limit,
            w.accounts_toward_limit(&org.sid)
        ),
        SettingRow::SubaccountLimit => s.subaccount_limit.to_string(),
        SettingRow::DomainLimit => s.domain_limit.to_string(),
        SettingRow::InviteDays => s.invite_days.to_string(),
        SettingRow::ResetLinkHours => s.reset_link_hours.to_string(),
        SettingRow::Baa => on(s.baa),
        SettingRow::SsoEntitlement => on(s.sso_entitlement),
        SettingRow::BulkImport => on(s.bulk_import),
        SettingRow::SsoProfile => match &org.sso {
            Some(p) if p.expired(w.clock) => format!("{} (certificate expired)", p.entity_id),
            Some(p) => p.entity_id.clone(),
            None => "not configured".into(),
        },
        SettingRow::SsoTest => match &org.sso {
            Some(p) if p.expired(w.clock) => "certificate expired".into(),
            Some(p) if p.tested => "passed".into(),
            Some(_) => "not passed yet".into(),
            None => "-".into(),
        },
        SettingRow::SsoEnforce(d) => {
            let e = org.domains.get(d).is_some_and(|d| d.sso_enforced);
            if e {
                "enforced".into()
            } else {
                "not enforced".into()
            }
        }
        SettingRow::SsoExemptions => format!(
            "{} exempt",
            w.members(&org.sid)
                .filter(|u| u.membership.as_ref().is_some_and(|m| m.sso_exempt))
                .count()
        ),
        SettingRow::Scim => {
            if org.scim.enabled {
                "enabled".into()
            } else {
                "disabled".into()
            }
        }
        SettingRow::ScimTwilioRules => on(org.scim.twilio_rules),
        SettingRow::OAuthApps => match w.oauth_apps_of(&org.sid).len() {
            1 => "1 app".into(),
            n => format!("{n} apps"),
        },
        SettingRow::Merge => "pick a candidate…".into(),
        SettingRow::Clock => format_time(w.clock),
        SettingRow::Audit => format!(
            "{} entries",
            w.audit
                .iter()
                .filter(|e| e.org.as_ref().is_none_or(|o| o == &org.sid))
                .count()
        ),
        SettingRow::WorldUser | SettingRow::WorldAccount => "simulation".into(),
        SettingRow::DeleteOrg => "-".into(),
    }
}

fn explain(w: &World, org: &Org, r: &SettingRow) -> Vec<String> {
    let mut v: Vec<String> = match r {
        SettingRow::Name => vec!["The organization's name, 1-64 characters (ORG-7).".into()],
        SettingRow::Owner => vec![
            "One Owner at all times (ORG-1). Only the Owner transfers ownership, to an active member; the previous Owner becomes an Administrator (ORG-5).".into(),
        ],
        SettingRow::AccountLimit => vec!["Managed plus pending accounts may not exceed it (ACC-3).".into(), SUPPORT.into()],
        SettingRow::SubaccountLimit => vec!["Non-closed subaccounts of a Full parent (SUB-2); a Trial parent has 1.".into()],
        SettingRow::DomainLimit => vec!["At most this many domains (DOM-6).".into(), SUPPORT.into()],
        SettingRow::InviteDays => vec!["How long an invitation stays pending (USR-3).".into()],
        SettingRow::ResetLinkHours => vec!["How long a password reset link is valid (USR-6).".into()],
        SettingRow::Baa => vec![
            "HIPAA can be turned on for an account only with an executed BAA on record (HIP-1); it goes off record only when no account has HIPAA on.".into(),
            SUPPORT.into(),
        ],
        SettingRow::SsoEntitlement => vec!["SSO needs the entitlement and a verified domain (SSO-1).".into(), SUPPORT.into()],
        SettingRow::BulkImport => vec!["Import Users: bulk import of users from a CSV (USR-9); the Users tab's I.".into(), SUPPORT.into()],
        SettingRow::SsoProfile => match &org.sso {
            Some(p) => vec![
                format!("IdP entity ID {}", p.entity_id),
                format!("Sign-in URL {}", p.sign_in_url),
                if p.expired(w.clock) {
                    format!(
                        "Certificate expired on {}: the profile is no longer tested; enforcement stays on, and the users it covers cannot sign in until a valid certificate is configured and tested (SSO-6)",
                        format_time(p.certificate_not_after)
                    )
                } else {
                    format!("Certificate valid until {}", format_time(p.certificate_not_after))
                },
                format!("Connection test: {}", if p.usable(w.clock) { "passed" } else { "not passed (SSO-3)" }),
            ],
            None => vec!["No SSO profile yet: entity ID, https:// sign-in URL and a PEM certificate (SSO-2).".into()],
        },
        SettingRow::SsoTest => vec!["Runs the connection test; enforcement needs a passed test (SSO-3).".into()],
        SettingRow::SsoEnforce(d) => vec![format!(
            "Enforcing SSO on {d} makes its managed users sign in with SSO, except exempted users (SSO-4, SSO-5)."
        )],
        SettingRow::SsoExemptions => vec!["Exempted users keep signing in with a password (SSO-4).".into()],
        SettingRow::Scim => vec![
            "Enabling makes a bearer token, shown once and stored only as a hash (SCIM-1). Enter again disables.".into(),
        ],
        SettingRow::ScimTwilioRules => vec!["userName must be the primary email on a verified domain (SCIM-2).".into()],
        SettingRow::OAuthApps => {
            let mut v = vec![
                "Client-credentials apps for the organization's APIs (Organizations, SCIM, role assignments); the secret is shown once and only its hash is kept. Enter creates one or deletes one.".to_string(),
            ];
            v.extend(w.oauth_apps_of(&org.sid).into_iter().map(|(sid, a)| {
                format!("{}  {sid}  created {} by {}", a.name, format_time(a.created_at), a.created_by)
            }));
            v
        }
        SettingRow::Merge => vec![
            "Merge a Candidate organization into this one, Twilio's two ways: by invitation (its Owner is invited and the merge happens when they accept, MRG-5) or by import (at once, with Import Users, MRG-6). The dialog lists each requirement (MRG-1, MRG-2), what moves and which roles change (MRG-3).".into(),
        ],
        SettingRow::Clock => vec!["Simulated time: advancing applies every expiry that falls due (CLK-1).".into()],
        SettingRow::Audit => {
            let mut v = vec!["Latest entries (Enter shows all):".to_string()];
            v.extend(
                w.audit
                    .iter()
                    .rev()
                    .filter(|e| e.org.as_ref().is_none_or(|o| o == &org.sid))
                    .take(6)
                    .map(|e| format!("{}  {}  {}", format_time(e.at), e.action, e.actor)),
            );
            v
        }
        SettingRow::WorldUser => vec!["Simulation: a Twilio user who exists outside every organization.".into()],
        SettingRow::WorldAccount => vec!["Simulation: an account outside every org, to import (i) or link (L) later.".into()],
        SettingRow::DeleteOrg => vec!["Organizations cannot be deleted from the console; the model explains why.".into()],
    };
    v.insert(0, setting_label(r));
    v
}
