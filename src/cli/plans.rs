//! `tworg diff`, `tworg lint` and `tworg runbook`: handing a rehearsal over. The model computes
//! the difference ([`crate::model::diff`]) and the findings ([`crate::model::lint`]); the runbook
//! table is [`crate::runbook`]; fixes become plan lines through [`crate::plan`].

use std::path::Path;

use serde_json::{Value, json};

use super::args::{RunbookArgs, RunbookFormat};
use super::script;
use super::{EXIT_USAGE, Failure, Target, resolve_ctx};
use crate::model::lint::{self, Finding};
use crate::model::{World, diff};
use crate::{errln, outln};

/// `tworg diff BEFORE AFTER`.
pub fn diff(before: &Path, after: &Path, json: bool) -> Result<(), Failure> {
    let a = crate::persist::load(before)?;
    let b = crate::persist::load(after)?;
    let d = diff::diff(&a, &b);
    if json {
        println!(
            "{}",
            json!({"before": before.display().to_string(), "after": after.display().to_string(), "diff": d.entries})
        );
    } else {
        for l in d.lines() {
            outln!("{l}");
        }
    }
    Ok(())
}

/// The `--org` of a plan line for a finding: none for the world's home org.
fn org_arg(w: &World, f: &Finding) -> Option<String> {
    if w.home_org.as_ref() == Some(&f.org) {
        return None;
    }
    w.orgs.get(&f.org).map(|o| o.name.clone())
}

/// A finding's fixes as plan lines, and the steps that cannot be one (why).
pub fn fix_lines(w: &World, f: &Finding) -> (Vec<String>, Vec<String>) {
    let org = org_arg(w, f);
    let mut lines = Vec::new();
    let mut not = Vec::new();
    for fix in &f.fixes {
        match crate::plan::fix_line(fix, org.as_deref()) {
            Ok(l) => lines.push(format!("tworg {l}")),
            Err(why) => not.push(format!("{}: {why}", fix.action.name())),
        }
    }
    (lines, not)
}

/// `tworg lint`.
pub fn lint(target: &Target, plan: Option<&Path>, json: bool) -> Result<(), Failure> {
    let w = target.read()?;
    let findings = match &target.org {
        Some(_) => {
            let ctx = resolve_ctx(&w, target.org.as_deref(), target.as_user.as_deref())?;
            lint::lint_org(&w, &ctx.org)
        }
        None => lint::lint(&w),
    };
    if let Some(path) = plan {
        let mut text = String::from("# tworg lint: the fixes of every finding, in order\n");
        for f in &findings {
            let (lines, _) = fix_lines(&w, f);
            if !lines.is_empty() {
                text.push_str(&format!(
                    "# {} ({})\n",
                    f.check.key(),
                    f.subject.replace(['\n', '\r'], " ")
                ));
            }
            for l in lines {
                text.push_str(&l);
                text.push('\n');
            }
        }
        std::fs::write(path, text)
            .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display())))?;
        errln!("wrote the plan lines to {}", path.display());
    }
    if json {
        let list: Vec<Value> = findings
            .iter()
            .map(|f| {
                let (plan, _) = fix_lines(&w, f);
                json!({
                    "check": f.check.key(),
                    "severity": f.severity.label(),
                    "source": f.source,
                    "org": w.org_name(&f.org),
                    "subject": f.subject,
                    "message": f.message,
                    "plan": plan,
                    "hint": f.hint,
                })
            })
            .collect();
        println!("{}", json!({"findings": findings.len(), "list": list}));
        return Ok(());
    }
    if findings.is_empty() {
        outln!("no findings");
        return Ok(());
    }
    let mut org = None;
    for f in &findings {
        if org != Some(&f.org) {
            org = Some(&f.org);
            let n = findings.iter().filter(|x| x.org == f.org).count();
            outln!("{}: {n} finding(s)", w.org_name(&f.org));
        }
        outln!(
            "  {:<8} {} [{}]: {}",
            f.severity.label(),
            f.check.key(),
            f.source,
            f.message
        );
        let (lines, not) = fix_lines(&w, f);
        for l in lines {
            outln!("      fix: {l}");
        }
        for n in not {
            outln!("      (no plan line for {n})");
        }
        if !f.hint.is_empty() {
            outln!("      hint: {}", f.hint);
        }
    }
    Ok(())
}

/// `tworg runbook`.
pub fn runbook(target: &Target, a: RunbookArgs, json: bool) -> Result<(), Failure> {
    let mut world = target.read()?;
    let book = if let Some(plan) = &a.plan {
        let text = script::read_script(plan)?;
        let lines = match script::parse_script(&text) {
            Ok(l) => l,
            Err(errors) => {
                for (n, e) in &errors {
                    errln!("{plan}:{n}: {e}");
                }
                return Err(Failure::Exit(EXIT_USAGE));
            }
        };
        let (changes, problems) = script::rehearse(target, &mut world, &lines);
        for (n, why) in &problems {
            errln!("{plan}:{n}: left out of the runbook: {why}");
        }
        crate::runbook::from_changes(&format!("Runbook for {plan}"), &world, &changes)
    } else {
        let since = a.since.unwrap_or(0);
        let ctx = resolve_ctx(&world, target.org.as_deref(), target.as_user.as_deref())?;
        // the same entries, in the same order, as `tworg show audit`
        let entries: Vec<_> = world
            .audit
            .iter()
            .filter(|e| e.org.as_ref().is_none_or(|o| o == &ctx.org))
            .cloned()
            .collect();
        if since > entries.len() {
            return Err(Failure::Usage(format!(
                "--since {since}: the audit log of {} has {} entries",
                world.org_name(&ctx.org),
                entries.len()
            )));
        }
        crate::runbook::from_audit(
            &format!(
                "Runbook for the changes after audit entry {since} of {}",
                world.org_name(&ctx.org)
            ),
            &world,
            &entries[since..],
        )
    };
    if json {
        println!("{}", serde_json::to_string(&book).expect("json"));
        return Ok(());
    }
    let text = match a.format {
        RunbookFormat::Md => book.to_markdown(),
        RunbookFormat::Html => book.to_html(),
    };
    print!("{text}");
    Ok(())
}
