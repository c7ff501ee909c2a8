//! A refusal's fixes in the CLI's own words: each step as the command line that takes it,
//! written by the one renderer of actions as command lines (`crate::plan`).

use crate::model::{Ctx, Fix, Refusal, World};

/// The command line that takes the step: `tworg domain verify owl.example`, with `--as` when
/// someone else takes it; a credential or a file-reading command as run by itself (the file a
/// placeholder). Steps no command takes (SCIM provisioning) are said in words.
pub fn command_line(fix: &Fix) -> String {
    line_in(fix, None)
}

fn line_in(fix: &Fix, org: Option<&str>) -> String {
    match crate::plan::typed_fix_line(fix, org) {
        Ok(line) => format!("tworg {line}"),
        Err(_) => fix.describe(),
    }
}

/// A refusal's fixes as command lines that act where the model means them to: in the
/// performer's own organization, or the refused action's when they belong to none, with
/// `--org` whenever that is not the home organization (the CLI's default).
pub fn command_lines(w: &World, ctx: &Ctx, r: &Refusal) -> Vec<String> {
    r.fixes
        .iter()
        .map(|fix| {
            let member_of = fix
                .by
                .as_deref()
                .and_then(|by| w.find_user(by).ok())
                .and_then(|u| u.membership.as_ref())
                .map(|m| &m.org);
            let org = member_of.unwrap_or(&ctx.org);
            let name = (w.home_org.as_ref() != Some(org))
                .then(|| w.orgs.get(org).map(|o| o.name.as_str()))
                .flatten();
            line_in(fix, name)
        })
        .collect()
}
