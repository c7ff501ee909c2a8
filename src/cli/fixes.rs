//! A refusal's fixes in the CLI's own words: each step as the command line that takes it,
//! written by the one renderer of actions as command lines (`crate::plan`).

use crate::model::Fix;

/// The command line that takes the step: `tworg domain verify owl.example`, with `--as` when
/// someone else takes it; a credential or a file-reading command as run by itself (the file a
/// placeholder). Steps no command takes (SCIM provisioning) are said in words.
pub fn command_line(fix: &Fix) -> String {
    match crate::plan::typed_fix_line(fix, None) {
        Ok(line) => format!("tworg {line}"),
        Err(_) => fix.describe(),
    }
}
