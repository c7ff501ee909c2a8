//! The scripting CLI: the same actions as the console, for scripts and shells. It parses, builds
//! an [`Action`], applies it through the model and saves; it holds no rule of its own.
//!
//! Exit status: 0 done; 2 usage error (or something named that does not exist); 3 refused by a
//! rule; 4 the file could not be read, parsed, locked or written.

pub mod args;
pub mod fixes;
pub mod plans;
pub mod script;
pub use crate::views as show;

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use serde_json::json;

use crate::model::action::Setting;
use crate::model::{self, Action, ActionError, Ctx, OrgRole, SignupSetting, World};
use crate::persist::{self, WorldFile};
pub use crate::target::{Failure, Target, random_token, resolve_ctx};
use crate::{errln, outln};
use args::*;

pub const EXIT_USAGE: u8 = 2;
pub const EXIT_REFUSED: u8 = 3;
pub const EXIT_FILE: u8 = 4;

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => exit_with_clap_error(e),
    };
    if cli.command.as_ref().is_some_and(|c| !c.is_server()) {
        // A closed pipe (`tworg show users | head -1`) ends a printing command quietly, as it
        // ends other Unix tools; servers and the console keep Rust's default (EPIPE as an error).
        // SAFETY: set once, before any thread starts.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => ExitCode::from(report(&f, json)),
    }
}

/// clap's usage error, help or version, and exit. A message quoting an argument with a
/// control or invisible character in it is printed escaped (and without colours).
fn exit_with_clap_error(e: clap::Error) -> ! {
    let plain = e.render().to_string();
    if !plain.contains(|c: char| c != '\n' && crate::text::needs_escape(c)) {
        e.exit();
    }
    eprint!("{}", crate::text::escape_lines(&plain));
    std::process::exit(e.exit_code());
}

/// Prints a failure to stderr (and as JSON on stdout with `--json`) and returns its exit status.
fn report(f: &Failure, json: bool) -> u8 {
    match f {
        Failure::Action(ActionError::Refused(r)) => {
            let lines: Vec<String> = r.fixes.iter().map(fixes::command_line).collect();
            report(&Failure::Refused(r.clone(), lines), json)
        }
        Failure::Refused(r, lines) => {
            errln!("{r}");
            for l in lines {
                errln!("  fix: {l}");
            }
            if json {
                println!(
                    "{}",
                    json!({"refused": r.rule, "message": r.message, "hint": r.hint, "fixes": lines})
                );
            }
            EXIT_REFUSED
        }
        Failure::Action(e) => {
            errln!("error: {e}");
            EXIT_USAGE
        }
        Failure::Usage(m) => {
            errln!("error: {m}");
            EXIT_USAGE
        }
        Failure::File(e) => {
            errln!("error: {e}");
            EXIT_FILE
        }
        Failure::Other(e) => {
            errln!("error: {e:#}");
            EXIT_FILE
        }
        Failure::Exit(code) => *code,
    }
}

/// `--file`, `--org` and `--as`, as given.
impl Target {
    pub fn from_cli(cli: &Cli) -> Target {
        Target {
            path: cli.file.clone().unwrap_or_else(persist::default_path),
            default_location: cli.file.is_none(),
            org: cli.org.clone(),
            as_user: cli.as_user.clone(),
        }
    }
}

/// Monochrome: `--no-color`, or `NO_COLOR` set to anything but the empty string (no-color.org).
/// The CLI's own output has no colours at all; clap's help and usage errors honour `NO_COLOR`
/// and leave colours out when stderr is not a terminal.
pub fn no_color(cli: &Cli) -> bool {
    cli.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// The console's options from the command line (`NO_COLOR` counts as `--no-color`).
impl crate::console::ConsoleOptions {
    pub fn from_cli(cli: &Cli) -> Self {
        Self {
            read_only: cli.read_only,
            no_color: no_color(cli),
            mouse: cli.mouse,
            scim: cli.scim.clone(),
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    if let Some(limit) = cli.max_file_size {
        persist::set_max_file_size(limit);
    }
    let target = Target::from_cli(&cli);
    let json = cli.json;
    let mono = no_color(&cli);
    let Some(command) = cli.command else {
        return crate::console::run_terminal(
            &target,
            &crate::console::ConsoleOptions::from_cli(&cli),
        )
        .map_err(Failure::Other);
    };
    match command {
        Command::Init(a) => init(&target, a),
        Command::Check => {
            // like every other command, the default location starts as the demo world
            target.ensure_exists()?;
            let (world, report) = persist::load_report(&target.path)?;
            persist::print_warnings(&report);
            let summary = show::summary(&world);
            let journal = json!({
                "file": persist::journal_path(&target.path).display().to_string(),
                "bytes": report.journal_bytes,
                "replayed": report.replayed,
                "warnings": report.warnings,
            });
            if json {
                println!(
                    "{}",
                    json!({"ok": true, "file": target.path.display().to_string(), "summary": summary, "journal": journal})
                );
            } else {
                outln!("{}: ok", target.path.display());
                outln!(
                    "  journal: {} change(s) since the snapshot ({} bytes)",
                    report.replayed,
                    report.journal_bytes
                );
                for (k, v) in summary.as_object().expect("object") {
                    outln!(
                        "  {k}: {}",
                        v.as_str()
                            .map(String::from)
                            .unwrap_or_else(|| v.to_string())
                    );
                }
            }
            Ok(())
        }
        Command::Rules => {
            if json {
                let rules: Vec<_> = model::rules::ALL
                    .iter()
                    .map(|r| json!({"id": r.id, "statement": r.statement}))
                    .collect();
                println!("{}", serde_json::Value::Array(rules));
            } else {
                for r in model::rules::ALL {
                    println!("{:<7} {}", r.id, r.statement);
                }
            }
            Ok(())
        }
        Command::Role(RoleCmd::List) => print_view(&show::roles(), json),
        Command::Access { user, account } => {
            let world = target.read()?;
            let ctx = resolve_ctx(&world, target.org.as_deref(), target.as_user.as_deref())?;
            let view = show::access(&world, &ctx.org, &user, account.as_deref())?;
            print_view(&view, json)
        }
        Command::Show {
            what,
            user,
            scope,
            outside,
        } => {
            if outside && what != ShowWhat::Accounts {
                return Err(Failure::Usage("--outside goes with show accounts".into()));
            }
            let world = target.read()?;
            let ctx = resolve_ctx(&world, target.org.as_deref(), target.as_user.as_deref())?;
            let viewer = target.as_user.as_ref().map(|_| ctx.actor_sid());
            let view = match what {
                ShowWhat::RoleAssignments => {
                    show::role_assignments(&world, &ctx.org, user.as_deref(), scope.as_deref())?
                }
                ShowWhat::Orgs => show::orgs(&world),
                ShowWhat::Accounts if outside => show::accounts_outside(&world, &ctx),
                ShowWhat::Accounts => show::accounts(&world, &ctx.org, viewer.as_ref()),
                ShowWhat::Users => show::users(&world, &ctx.org),
                ShowWhat::Domains => show::domains(&world, &ctx.org),
                ShowWhat::Invitations => show::invitations(&world, &ctx.org),
                ShowWhat::Settings => show::settings(&world, &ctx.org),
                ShowWhat::Audit => show::audit(&world, &ctx.org),
                ShowWhat::Dns => show::dns(&world),
            };
            print_view(&view, json)
        }
        Command::World(WorldCmd::Generate {
            users,
            accounts,
            orgs,
            seed,
        }) => {
            let world = model::generate::generate_world(model::generate::GenerateSpec {
                users,
                accounts,
                orgs,
                seed,
            });
            WorldFile::create(&target.path, &world)?;
            outln!(
                "generated {} with {} users, {} accounts, {} orgs",
                target.path.display(),
                world.users.len(),
                world.accounts.len(),
                world.orgs.len()
            );
            Ok(())
        }
        Command::SaveLoop { times } => {
            // Each change is committed to the journal, then acknowledged on stdout; the journal
            // is compacted whenever it passes its size (TWORG_COMPACT_BYTES in the crash test).
            use std::io::Write;
            let (file, mut world) = target.open()?;
            let home = world.home_org.clone().expect("home");
            let ctx = Ctx::new(
                home.clone(),
                world.owner_of_org(&home).expect("owner").sid.clone(),
            );
            let action = Action::AdvanceClock { seconds: 60 };
            let mut out = std::io::stdout().lock();
            for i in 1..=times {
                world.apply(&ctx, &action)?;
                file.commit(&ctx, &action)?;
                let _ = writeln!(out, "{i} {}", world.clock.as_second());
                let _ = out.flush();
                if file.needs_compaction() {
                    file.compact(&world)?;
                }
            }
            Ok(())
        }
        Command::Apply(a) => script::run(&target, a, json, cli.read_only),
        Command::Diff { before, after } => plans::diff(&before, &after, json),
        Command::Lint { plan } => plans::lint(&target, plan.as_deref(), json),
        Command::Runbook(a) => plans::runbook(&target, a, json),
        Command::Compact => {
            let (file, world) = target.open()?;
            let changes = file.journal().pending_changes();
            file.compact(&world)?;
            if json {
                println!(
                    "{}",
                    json!({"ok": true, "file": target.path.display().to_string(), "folded": changes})
                );
            } else {
                errln!(
                    "folded {changes} change(s) from the journal into {}",
                    target.path.display()
                );
            }
            Ok(())
        }
        Command::Scim(ScimCmd::Serve { listen, public_url }) => {
            crate::server::serve_cli(&target, &listen, public_url.as_deref(), cli.read_only)
                .map_err(Failure::Other)
        }
        Command::Serve { listen, public_url } => {
            crate::server::rest::serve_cli(&target, &listen, public_url.as_deref(), cli.read_only)
                .map_err(Failure::Other)
        }
        Command::Oauth(OauthCmd::List) => {
            let world = target.read()?;
            let ctx = resolve_ctx(&world, target.org.as_deref(), target.as_user.as_deref())?;
            let apps = world.oauth_apps_of(&ctx.org);
            if json {
                let rows: Vec<_> = apps
                    .iter()
                    .map(|(sid, a)| json!({"sid": sid, "name": a.name, "created_at": a.created_at.to_string(), "created_by": a.created_by}))
                    .collect();
                println!("{}", serde_json::Value::Array(rows));
            } else if apps.is_empty() {
                errln!("no OAuth apps; create one: tworg oauth create NAME");
            } else {
                for (sid, a) in apps {
                    outln!(
                        "{sid}  {}  (created {} by {})",
                        a.name,
                        a.created_at,
                        a.created_by
                    );
                }
            }
            Ok(())
        }
        Command::Oauth(OauthCmd::Create { name }) => {
            let secret = crate::target::random_token()?;
            let action = Action::CreateOAuthApp {
                name,
                secret_sha256: model::credentials::secret_hash(&secret),
            };
            with_secret(&target, &action, json, cli.read_only, secret)
        }
        Command::Account(AccountCmd::AuthToken { sid, rotate }) => {
            if !rotate {
                let world = target.read()?;
                if let Ok(a) = world.find_account(&sid)
                    && world.credentials.auth_tokens.contains_key(&a.sid)
                {
                    return Err(Failure::Usage(format!(
                        "{} already has an auth token, and tworg keeps only its hash; to replace it: tworg account auth-token {} --rotate",
                        a.sid, a.sid
                    )));
                }
            }
            let secret = crate::target::random_token()?;
            let action = Action::SetAuthToken {
                sid,
                token_sha256: model::credentials::secret_hash(&secret),
            };
            with_secret(&target, &action, json, cli.read_only, secret)
        }
        Command::Account(AccountCmd::ApiKey(ApiKeyCmd::Create { sid, name })) => {
            let secret = crate::target::random_token()?;
            let action = Action::CreateApiKey {
                sid,
                name,
                secret_sha256: model::credentials::secret_hash(&secret),
            };
            with_secret(&target, &action, json, cli.read_only, secret)
        }
        Command::Render(a) => {
            let screen = crate::console::render_headless(
                &target,
                &crate::console::ConsoleOptions::from_cli_parts(cli.read_only, mono),
                &a.keys,
                &a.size,
                a.save,
            )
            .map_err(Failure::Other)?;
            print!("{}", crate::text::escape_lines(&screen));
            Ok(())
        }
        Command::Demo(a) => crate::walkthrough::player::demo_cli(&a).map_err(Failure::Other),
        other => {
            let action = to_action(other)?;
            if cli.read_only {
                return Err(Failure::Usage(format!(
                    "--read-only: {} would change the world",
                    action.name()
                )));
            }
            apply_and_save(&target, &action, json)
        }
    }
}

/// Applies an action whose secret was made here (only its hash is in the action) and shows the
/// secret once.
fn with_secret(
    target: &Target,
    action: &Action,
    json: bool,
    read_only: bool,
    secret: String,
) -> Result<(), Failure> {
    if read_only {
        return Err(Failure::Usage(format!(
            "--read-only: {} would change the world",
            action.name()
        )));
    }
    apply_and_save_with(target, action, json, Some(secret))
}

fn print_view(view: &show::View, json: bool) -> Result<(), Failure> {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&view.to_json()).expect("json")
        );
    } else {
        print!("{}", view.to_text());
    }
    Ok(())
}

fn init(target: &Target, a: InitArgs) -> Result<(), Failure> {
    let world = if a.demo || a.org_name.is_none() {
        persist::demo_world()
    } else {
        let now = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second()).expect("now");
        let mut w = World::empty(now, now.as_second() as u64);
        let out = w.init_org(
            a.org_name.as_deref().expect("org"),
            a.owner.as_deref().expect("owner"),
        )?;
        print_created(&out);
        w
    };
    WorldFile::create(&target.path, &world)?;
    errln!("tworg: created {}", target.path.display());
    Ok(())
}

fn print_created(out: &model::Outcome) {
    for (kind, sid) in &out.created {
        outln!("{} {sid}", kind.key());
    }
}

/// Applies one action and saves. A refused action leaves the file byte for byte as it was.
fn apply_and_save(target: &Target, action: &Action, json: bool) -> Result<(), Failure> {
    apply_and_save_with(target, action, json, None)
}

fn apply_and_save_with(
    target: &Target,
    action: &Action,
    json: bool,
    secret: Option<String>,
) -> Result<(), Failure> {
    let (file, mut world) = target.open()?;
    let ctx = if action.needs_org()
        || target.org.is_some()
        || target.as_user.is_some()
        || !world.orgs.is_empty()
    {
        resolve_ctx(&world, target.org.as_deref(), target.as_user.as_deref())?
    } else {
        return Err(Failure::Usage("the world has no organization".into()));
    };
    let out = match world.apply(&ctx, action) {
        Ok(mut out) => {
            if secret.is_some() {
                out.secret = secret;
            }
            out
        }
        Err(e) => {
            print_preview_of_unconfirmed_merge(&world, &ctx, action, &e, json);
            return Err(match in_cli_terms(action, e) {
                ActionError::Refused(r) => {
                    let lines = fixes::command_lines(&world, &ctx, &r);
                    Failure::Refused(r, lines)
                }
                e => e.into(),
            });
        }
    };
    // durable before anything is printed: the output and the exit status acknowledge it
    file.commit(&ctx, action)?;
    print_outcome(&out, json);
    if file.needs_compaction() {
        file.compact(&world)?;
    }
    Ok(())
}

/// What an applied action did, as `--json` prints it.
fn outcome_json(out: &model::Outcome) -> serde_json::Value {
    let created: Vec<_> = out
        .created
        .iter()
        .map(|(k, s)| json!({"kind": k.noun(), "sid": s}))
        .collect();
    let report: Vec<_> = out
        .report
        .iter()
        .map(|(e, r)| json!({"item": e, "rejected": r}))
        .collect();
    let merges: Vec<_> = out.merges.iter().map(merge_json).collect();
    json!({"ok": true, "message": out.message, "created": created, "secret": out.secret, "report": report, "merges": merges})
}

/// Prints what an applied action did (text, or `--json`).
fn print_outcome(out: &model::Outcome, json: bool) {
    if json {
        println!("{}", outcome_json(out));
        return;
    }
    errln!("{}", out.message);
    for preview in &out.merges {
        for line in preview.lines() {
            errln!("  {line}");
        }
    }
    for (item, reason) in &out.report {
        match reason {
            None => outln!("  {item}"),
            Some(r) => outln!("  {item}: rejected: {r}"),
        }
    }
    if let Some(secret) = &out.secret {
        println!("{secret}");
        errln!("Store this token now: tworg keeps only its hash and cannot show it again.");
    }
    print_created(out);
}

/// MRG-3: an import refused for its missing or wrong confirmation prints the preview of what
/// would move first, so the name can be typed knowing what it does.
fn print_preview_of_unconfirmed_merge(
    world: &World,
    ctx: &Ctx,
    action: &Action,
    e: &ActionError,
    json: bool,
) {
    let (Action::Merge { candidate, .. }, Some("MRG-3")) = (action, e.rule()) else {
        return;
    };
    let Ok(preview) = world.import_preview(ctx, candidate) else {
        return;
    };
    // With --json, stdout holds only the refusal's object.
    if !json {
        for line in preview.lines() {
            errln!("{line}");
        }
    }
}

fn merge_json(p: &model::merge::MergePreview) -> serde_json::Value {
    json!({
        "prime": p.prime,
        "candidate": p.candidate,
        "candidate_name": p.candidate_name,
        "route": p.route.map(|r| r.label()),
        "accounts": p.accounts.iter().map(|(s, n, k)| json!({"sid": s, "name": n, "kind": k.label()})).collect::<Vec<_>>(),
        "users": p.users.iter().map(|(e, now, after)| json!({"email": e, "role": now.key(), "role_after": after.key()})).collect::<Vec<_>>(),
        "sso_applies_to": p.sso_applies_to,
        "discarded_domains": p.discarded_domains,
        "lines": p.lines(),
    })
}

/// A refusal that only asks for confirmation (SSO-5) says how to give it on the command line.
fn in_cli_terms(action: &Action, e: ActionError) -> ActionError {
    match e {
        ActionError::Refused(mut r) if r.confirmation_of(action).is_some() => {
            r.hint
                .push_str("; to confirm, run the same command again with --yes");
            ActionError::Refused(r)
        }
        e => e,
    }
}

fn role(r: RoleArg) -> OrgRole {
    match r {
        RoleArg::Admin => OrgRole::Administrator,
        RoleArg::Standard => OrgRole::Standard,
    }
}

/// An input file (CSV): a regular file within `--max-file-size`, UTF-8.
fn read_file(path: &Path) -> Result<String, Failure> {
    persist::read_text(path).map_err(|e| Failure::Usage(e.to_string()))
}

/// Maps a parsed command to a model action.
fn to_action(command: Command) -> Result<Action, Failure> {
    use Action as A;
    Ok(match command {
        Command::Signup { email, name } => A::Signup { email, name },
        Command::Clock(ClockCmd::Advance { duration }) => {
            let d = model::time::parse_duration(&duration).map_err(Failure::Usage)?;
            A::AdvanceClock {
                seconds: d.as_secs(),
            }
        }
        Command::World(WorldCmd::AddUser { email, name }) => A::AddWorldUser { email, name },
        Command::World(WorldCmd::AddAccount { name, owner, full }) => {
            A::AddWorldAccount { name, owner, full }
        }
        Command::Dns(DnsCmd::Publish { domain }) => A::PublishDns { domain },
        Command::Dns(DnsCmd::Unpublish { domain }) => A::UnpublishDns { domain },
        Command::Account(c) => match c {
            AccountCmd::Create { name, flex, owner } => A::CreateAccount { name, flex, owner },
            AccountCmd::Import { sid } => A::ImportAccount { sid },
            AccountCmd::Link { sid } => A::LinkAccount { sid },
            AccountCmd::Confirm { sid } => A::ConfirmAccount { sid },
            AccountCmd::Decline { sid } => A::DeclineAccount { sid },
            AccountCmd::Cancel { sid } => A::CancelAccount { sid },
            AccountCmd::Resend { sid } => A::ResendAccount { sid },
            AccountCmd::Rename { sid, name } => A::RenameAccount { sid, name },
            AccountCmd::Transfer { sid, user } => A::TransferAccount { sid, user },
            AccountCmd::Upgrade { sid } => A::UpgradeAccount { sid },
            AccountCmd::Suspend { sid } => A::SuspendAccount { sid },
            AccountCmd::Resume { sid } => A::ResumeAccount { sid },
            AccountCmd::Close { sid, confirm } => A::CloseAccount {
                sid,
                confirm_name: confirm,
            },
            AccountCmd::Hipaa { sid, state } => A::SetHipaa {
                sid,
                on: state == OnOff::On,
            },
            AccountCmd::Grant { sid, user, roles } => A::GrantAccess {
                sid,
                user,
                roles: model::AccountRole::parse_list(&roles).map_err(Failure::Usage)?,
            },
            AccountCmd::Revoke { sid, user } => A::RevokeAccess { sid, user },
            AccountCmd::AuthToken { .. } | AccountCmd::ApiKey(_) => {
                return Err(Failure::Usage(
                    "credentials are minted one at a time, not in a script (their secret is shown once)".into(),
                ));
            }
        },
        Command::Oauth(_) => {
            return Err(Failure::Usage(
                "OAuth apps are managed one at a time, not in a script (their secret is shown once)".into(),
            ));
        }
        Command::Role(RoleCmd::Assign { user, role, scope }) => A::AssignRole { user, role, scope },
        Command::Role(RoleCmd::Unassign { sid }) => A::UnassignRole { sid },
        Command::Subaccount(SubaccountCmd::Create { parent_sid, name }) => A::CreateSubaccount {
            parent: parent_sid,
            name,
        },
        Command::Domain(c) => match c {
            DomainCmd::Add { name } => A::AddDomain { name },
            DomainCmd::Verify { name } => A::VerifyDomain { name },
            DomainCmd::Recheck { name } => A::RecheckDomain { name },
            DomainCmd::Delete { name, yes } => A::DeleteDomain {
                name,
                acknowledged: yes,
            },
            DomainCmd::SignupSetting { setting } => A::SetSignup {
                setting: match setting {
                    SignupArg::Restricted => SignupSetting::Restricted,
                    SignupArg::AutoEnrollment => SignupSetting::AutoEnrollment,
                    SignupArg::Blocked => SignupSetting::Blocked,
                },
            },
        },
        Command::User(c) => match c {
            UserCmd::Invite {
                email,
                role: r,
                accounts,
            } => {
                let accounts = accounts
                    .iter()
                    .map(|spec| {
                        let (sid, roles) = spec.split_once('=').ok_or_else(|| {
                            Failure::Usage(format!("--account takes SID=ROLE[,ROLE], not '{spec}'"))
                        })?;
                        Ok((
                            sid.to_string(),
                            model::AccountRole::parse_list(roles).map_err(Failure::Usage)?,
                        ))
                    })
                    .collect::<Result<Vec<_>, Failure>>()?;
                A::Invite {
                    email,
                    role: role(r),
                    accounts,
                }
            }
            UserCmd::Accept { email } => A::AcceptInvite { email },
            UserCmd::Decline { email } => A::DeclineInvite { email },
            UserCmd::Cancel { email } => A::CancelInvite { email },
            UserCmd::Resend { email } => A::ResendInvite { email },
            UserCmd::Role { user, role: r, yes } => A::SetRole {
                user,
                role: role(r),
                confirm_lockout: yes,
            },
            UserCmd::ResetPassword { user } => A::ResetPassword { user },
            UserCmd::Reset2fa { user } => A::Reset2fa { user },
            UserCmd::Deactivate { user, yes } => A::Deactivate {
                user,
                confirm_lockout: yes,
            },
            UserCmd::Reactivate { user } => A::Reactivate { user },
            UserCmd::Remove { user, yes } => A::RemoveUser {
                user,
                confirm_lockout: yes,
            },
            UserCmd::Delete { user, yes } => A::DeleteUser {
                user,
                confirm_lockout: yes,
            },
            UserCmd::Import { csv_file } => A::ImportUsers {
                csv: read_file(&csv_file)?,
            },
        },
        Command::Org(c) => match c {
            OrgCmd::Rename { name } => A::RenameOrg { name },
            OrgCmd::Transfer { user } => A::TransferOrg { user },
            OrgCmd::Delete => A::DeleteOrg,
            OrgCmd::Merge {
                candidate,
                confirm,
                owner_role,
            } => A::Merge {
                candidate,
                confirm: confirm.unwrap_or_default(),
                owner_role: role(owner_role),
            },
            OrgCmd::Set { key, value } => {
                A::Set(Setting::parse(&key, &value.join(" ")).map_err(Failure::Usage)?)
            }
        },
        Command::Sso(c) => match c {
            SsoCmd::Configure {
                entity_id,
                url,
                cert,
                yes,
            } => A::SsoConfigure {
                entity_id,
                url,
                cert_pem: read_file(&cert)?,
                confirm_lockout: yes,
            },
            SsoCmd::Test => A::SsoTest,
            SsoCmd::Enforce { domain, yes } => A::SsoEnforce {
                domain,
                confirm_lockout: yes,
            },
            SsoCmd::Unenforce { domain } => A::SsoUnenforce { domain },
            SsoCmd::Exempt { user } => A::SsoExempt { user },
            SsoCmd::Unexempt { user, yes } => A::SsoUnexempt {
                user,
                confirm_lockout: yes,
            },
        },
        Command::Scim(ScimCmd::Enable) => A::ScimEnable {
            token: random_token()?,
        },
        Command::Scim(ScimCmd::Disable) => A::ScimDisable,
        Command::Init(_)
        | Command::Check
        | Command::Rules
        | Command::Show { .. }
        | Command::Access { .. }
        | Command::Role(RoleCmd::List)
        | Command::World(WorldCmd::Generate { .. })
        | Command::SaveLoop { .. }
        | Command::Compact
        | Command::Apply(_)
        | Command::Diff { .. }
        | Command::Lint { .. }
        | Command::Runbook(_)
        | Command::Scim(ScimCmd::Serve { .. })
        | Command::Serve { .. }
        | Command::Render(_)
        | Command::Demo(_) => {
            unreachable!("handled in run")
        }
    })
}
