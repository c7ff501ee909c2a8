//! `tworg apply FILE|-`: a script of CLI command lines, in the CLI's own grammar (each line is
//! split like a shell would and parsed by the same clap parser as the command line, so there is
//! no second grammar), applied to the world after one load and journalled as one change.
//!
//! A line may start with `tworg`, may carry `--as USER` and `--org ORG`, and may end in a `#`
//! comment; blank lines and comment lines are skipped. Every line is parsed before anything is
//! applied: a line that does not parse stops the script (exit 2) and nothing changes. Then each
//! line is applied in order, later lines seeing what earlier ones did; a refused line is reported
//! and the next one runs, unless `--atomic`, where the first failure stops the script and nothing
//! is kept. `--dry-run` reports what each line would do and changes nothing.

use std::io::Read;

use clap::{CommandFactory, FromArgMatches};
use serde_json::{Value, json};

use super::args::{ApplyArgs, Cli, Command, ScimCmd, WorldCmd};
use super::{Failure, Target, in_cli_terms, resolve_ctx, to_action};
use crate::model::{Action, ActionError, Ctx, Outcome};
use crate::{errln, outln};

/// One command line of a script, parsed.
#[derive(Debug)]
pub struct Line {
    /// 1-based line number in the script.
    pub number: usize,
    pub text: String,
    pub org: Option<String>,
    pub as_user: Option<String>,
    pub action: Action,
}

/// What parsing a script found: its command lines, or the lines that do not parse.
pub fn parse_script(text: &str) -> Result<Vec<Line>, Vec<(usize, String)>> {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    // One parser for every line: building clap's command tree was half the time of applying
    // 10,000 lines.
    let mut parser = Cli::command();
    parser.build();
    for (i, raw) in crate::text::without_bom(text).lines().enumerate() {
        let number = i + 1;
        match parse_line(&mut parser, raw) {
            Ok(None) => {}
            Ok(Some((org, as_user, action))) => lines.push(Line {
                number,
                text: raw.trim().to_string(),
                org,
                as_user,
                action,
            }),
            Err(e) => errors.push((number, e)),
        }
    }
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

type Parsed = (Option<String>, Option<String>, Action);

/// Parses one line with the CLI's parser; `None` for a blank or comment line.
fn parse_line(parser: &mut clap::Command, raw: &str) -> Result<Option<Parsed>, String> {
    let mut words = shlex::split(raw).ok_or("an unclosed quote")?;
    if words.first().map(String::as_str) == Some("tworg") {
        words.remove(0);
    }
    if words.is_empty() {
        return Ok(None);
    }
    let cli = parser
        .try_get_matches_from_mut(std::iter::once("tworg".to_string()).chain(words))
        .and_then(|m| Cli::from_arg_matches(&m))
        .map_err(|e| clap_message(&e))?;
    let not_here = |what: &str| Err(format!("{what} cannot be given on a line of a script"));
    if cli.file.is_some() {
        return not_here("--file (the script applies to the world apply opens)");
    }
    if cli.read_only || cli.json || cli.scim.is_some() || cli.no_color || cli.mouse {
        return not_here("--read-only, --json, --scim, --no-color or --mouse");
    }
    let Some(command) = cli.command else {
        return Err("a line needs a command (the console cannot run in a script)".into());
    };
    if !changes_the_world(&command) {
        return Err(format!(
            "'{}' does not change the world; a script holds changes only",
            raw.trim()
        ));
    }
    let action = match to_action(command) {
        Ok(a) => a,
        Err(Failure::Exit(_)) => return Err("cannot be used here".into()),
        Err(other) => return Err(other.to_string()),
    };
    Ok(Some((cli.org, cli.as_user, action)))
}

/// clap's message up to its usage and tip lines, on one line, without its `error: ` prefix.
fn clap_message(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let words: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty() && !l.starts_with("Usage:"))
        .collect();
    let joined = words.join(" ");
    joined
        .strip_prefix("error: ")
        .unwrap_or(&joined)
        .trim()
        .to_string()
}

/// The commands that make an action (everything `to_action` maps).
fn changes_the_world(c: &Command) -> bool {
    !matches!(
        c,
        Command::Init(_)
            | Command::Check
            | Command::Compact
            | Command::Apply(_)
            | Command::Diff { .. }
            | Command::Lint { .. }
            | Command::Runbook(_)
            | Command::Rules
            | Command::Show { .. }
            | Command::World(WorldCmd::Generate { .. })
            | Command::SaveLoop { .. }
            | Command::Scim(ScimCmd::Serve { .. })
            | Command::Render(_)
            | Command::Demo(_)
    )
}

/// What became of one line.
enum Fate {
    Done(Outcome),
    Refused(ActionError),
    Failed(String),
    NotRun,
}

pub fn read_script(source: &str) -> Result<String, Failure> {
    let mut text = String::new();
    if source == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::Usage(format!("cannot read the script from stdin: {e}")))?;
        return Ok(text);
    }
    crate::persist::read_text(std::path::Path::new(source))
        .map_err(|e| Failure::Usage(format!("cannot read the script: {e}")))
}

/// `tworg apply`.
pub fn run(target: &Target, a: ApplyArgs, json: bool, read_only: bool) -> Result<(), Failure> {
    if read_only && !a.dry_run {
        return Err(Failure::Usage(
            "--read-only: apply would change the world (use --dry-run)".into(),
        ));
    }
    let text = read_script(&a.script)?;
    let lines = match parse_script(&text) {
        Ok(l) => l,
        Err(errors) => {
            if json {
                let list: Vec<Value> = errors
                    .iter()
                    .map(|(n, e)| json!({"line": n, "ok": false, "error": e}))
                    .collect();
                println!(
                    "{}",
                    json!({"ok": false, "dry_run": a.dry_run, "atomic": a.atomic, "applied": 0, "lines": list})
                );
            }
            for (n, e) in &errors {
                errln!("{}:{n}: {e}", a.script);
            }
            errln!(
                "nothing was applied: {} line(s) of the script do not parse",
                errors.len()
            );
            return Err(Failure::Exit(super::EXIT_USAGE));
        }
    };
    let (file, mut world) = if a.dry_run {
        (None, target.read()?)
    } else {
        let (f, w) = target.open()?;
        (Some(f), w)
    };
    let before = a.dry_run.then(|| world.clone());
    let (results, applied, stopped) = run_lines(target, &mut world, &lines, a.atomic);
    let failed = results
        .iter()
        .filter(|r| matches!(r, Fate::Failed(_)))
        .count();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Fate::Refused(_)))
        .count();
    let keep = !(a.atomic && stopped);
    let mut kept = 0;
    if let Some(file) = &file
        && keep
        && !applied.is_empty()
    {
        // durable before anything is reported: the report and the exit status acknowledge it
        file.commit_batch(&applied)?;
        kept = applied.len();
        if file.needs_compaction() {
            file.compact(&world)?;
        }
    }
    let would = if a.dry_run && keep { applied.len() } else { 0 };
    // the difference the plan would make (none when --atomic would keep nothing)
    let diff = before.map(|b| {
        if keep {
            crate::model::diff::diff(&b, &world)
        } else {
            crate::model::diff::WorldDiff::default()
        }
    });
    report(&a, &lines, &results, json, kept.max(would), diff.as_ref());
    let summary = match (a.dry_run, keep) {
        (true, true) => format!(
            "dry run: {} of {} line(s) would apply; nothing was changed",
            applied.len(),
            lines.len()
        ),
        (true, false) => "dry run: the script would stop at a failed line and nothing would be kept (--atomic); nothing was changed".to_string(),
        (false, false) => {
            "nothing was applied: a line failed and --atomic keeps all or nothing".to_string()
        }
        (false, true) => format!("applied {kept} of {} line(s)", lines.len()),
    };
    let mut tail = Vec::new();
    if refused > 0 {
        tail.push(format!("{refused} refused"));
    }
    if failed > 0 {
        tail.push(format!("{failed} failed"));
    }
    if tail.is_empty() {
        errln!("{summary}");
    } else {
        errln!("{summary} ({})", tail.join(", "));
    }
    match (failed, refused) {
        (0, 0) => Ok(()),
        (0, _) => Err(Failure::Exit(super::EXIT_REFUSED)),
        _ => Err(Failure::Exit(super::EXIT_USAGE)),
    }
}

/// Applies parsed lines in order to `world`, each as its `--org`/`--as` (or the target's) says:
/// what became of each line, the changes that applied, and whether `--atomic` stopped the run.
fn run_lines(
    target: &Target,
    world: &mut crate::model::World,
    lines: &[Line],
    atomic: bool,
) -> (Vec<Fate>, Vec<(Ctx, Action)>, bool) {
    let mut results: Vec<Fate> = Vec::with_capacity(lines.len());
    let mut applied: Vec<(Ctx, Action)> = Vec::new();
    let mut stopped = false;
    let mut contexts = Contexts::default();
    for line in lines {
        if stopped {
            results.push(Fate::NotRun);
            continue;
        }
        let org = line.org.as_deref().or(target.org.as_deref());
        let as_user = line.as_user.as_deref().or(target.as_user.as_deref());
        let result = match contexts.resolve(world, org, as_user) {
            Err(f) => Fate::Failed(failure_text(&f)),
            Ok(ctx) => match world.apply(&ctx, &line.action) {
                Ok(out) => {
                    applied.push((ctx, line.action.clone()));
                    Fate::Done(out)
                }
                Err(e) => match in_cli_terms(&line.action, e) {
                    e @ ActionError::Refused(_) => Fate::Refused(e),
                    e => Fate::Failed(e.to_string()),
                },
            },
        };
        if atomic && !matches!(result, Fate::Done(_)) {
            stopped = true;
        }
        results.push(result);
    }
    (results, applied, stopped)
}

/// Changes applied in order, each in its context.
pub type Changes = Vec<(Ctx, Action)>;

/// A plan rehearsed on `world` (a copy the caller keeps or drops): the changes that would apply,
/// in order, and per refused or failed line its number and why.
pub fn rehearse(
    target: &Target,
    world: &mut crate::model::World,
    lines: &[Line],
) -> (Changes, Vec<(usize, String)>) {
    let (results, applied, _) = run_lines(target, world, lines, false);
    let problems = lines
        .iter()
        .zip(&results)
        .filter_map(|(l, r)| match r {
            Fate::Done(_) | Fate::NotRun => None,
            Fate::Refused(e) => Some((l.number, e.to_string())),
            Fate::Failed(m) => Some((l.number, m.clone())),
        })
        .collect();
    (applied, problems)
}

/// `--org`/`--as` resolved once per pair rather than once per line: finding an org's Owner
/// walks the users. A remembered Owner is used only while they still are that org's Owner (an
/// earlier line may have transferred the org), so the answer is always `resolve_ctx`'s.
#[derive(Default)]
struct Contexts {
    known: std::collections::HashMap<(Option<String>, Option<String>), Ctx>,
}

impl Contexts {
    fn resolve(
        &mut self,
        world: &crate::model::World,
        org: Option<&str>,
        as_user: Option<&str>,
    ) -> Result<Ctx, Failure> {
        let key = (org.map(String::from), as_user.map(String::from));
        if let Some(ctx) = self.known.get(&key) {
            let still = world.orgs.contains_key(&ctx.org)
                && match (&key.1, ctx.acting_user()) {
                    // an explicit user: the same name still names the same user
                    (Some(name), Some(sid)) => world.find_user(name).is_ok_and(|u| &u.sid == sid),
                    // the default actor: still the Owner of that org
                    (None, Some(sid)) => world.users.get(sid).is_some_and(|u| {
                        u.membership.as_ref().is_some_and(|m| {
                            m.org == ctx.org && m.role == crate::model::OrgRole::Owner
                        })
                    }),
                    _ => false,
                }
                && key
                    .0
                    .as_deref()
                    .is_none_or(|o| world.find_org(o).is_ok_and(|found| found.sid == ctx.org))
                && (key.0.is_some() || world.home_org.as_ref() == Some(&ctx.org));
            if still {
                return Ok(ctx.clone());
            }
        }
        let ctx = resolve_ctx(world, org, as_user)?;
        self.known.insert(key, ctx.clone());
        Ok(ctx)
    }
}

fn failure_text(f: &Failure) -> String {
    match f {
        Failure::Exit(_) => String::new(),
        other => other.to_string(),
    }
}

fn report(
    a: &ApplyArgs,
    lines: &[Line],
    results: &[Fate],
    json: bool,
    applied: usize,
    diff: Option<&crate::model::diff::WorldDiff>,
) {
    if json {
        let list: Vec<Value> = lines
            .iter()
            .zip(results)
            .map(|(l, r)| {
                let mut v = match r {
                    Fate::Done(out) => {
                        let mut v = super::outcome_json(out);
                        if a.dry_run {
                            v["secret"] = Value::Null;
                        }
                        v
                    }
                    Fate::Refused(ActionError::Refused(r)) => {
                        json!({"ok": false, "refused": r.rule, "message": r.message, "hint": r.hint,
                            "fixes": r.fixes.iter().map(super::fixes::command_line).collect::<Vec<_>>()})
                    }
                    Fate::Refused(e) => json!({"ok": false, "error": e.to_string()}),
                    Fate::Failed(m) => json!({"ok": false, "error": m}),
                    Fate::NotRun => json!({"ok": false, "not_run": true}),
                };
                v["line"] = json!(l.number);
                v["command"] = json!(l.text);
                v
            })
            .collect();
        let ok = results.iter().all(|r| matches!(r, Fate::Done(_)));
        let mut v = json!({"ok": ok, "dry_run": a.dry_run, "atomic": a.atomic, "applied": applied, "lines": list});
        if let Some(d) = diff {
            v["diff"] = serde_json::to_value(&d.entries).expect("json");
        }
        println!("{v}");
        return;
    }
    for (l, r) in lines.iter().zip(results) {
        let n = l.number;
        match r {
            Fate::Done(out) => {
                let would = if a.dry_run { "would be: " } else { "" };
                outln!("{n}: {would}{}", out.message);
                for (item, reason) in &out.report {
                    match reason {
                        None => outln!("{n}:   {item}"),
                        Some(why) => outln!("{n}:   {item}: rejected: {why}"),
                    }
                }
                if !a.dry_run {
                    for (kind, sid) in &out.created {
                        outln!("{n}: {} {sid}", kind.key());
                    }
                    if let Some(secret) = &out.secret {
                        outln!("{n}: secret {secret}");
                    }
                }
            }
            Fate::Refused(e) => outln!("{n}: {e}"),
            Fate::Failed(m) => outln!("{n}: error: {m}"),
            Fate::NotRun => outln!("{n}: not run (--atomic stopped at a failed line)"),
        }
    }
    if let Some(d) = diff {
        outln!("");
        outln!("The difference it would make:");
        for l in d.lines() {
            outln!("  {l}");
        }
    }
}
