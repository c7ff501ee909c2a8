//! What each tab's keys do: open the form (`console/forms`), confirmation or picker for the
//! selected row, or apply at once when nothing is destructive. Only wording here; the rules are
//! the model's.

use super::*;

mod accounts;
mod domains;
mod settings;
mod users;

impl App {
    pub(super) fn tab_command(&mut self, cmd: Cmd) -> Result<(), String> {
        match self.tab {
            Tab::Accounts => self.account_command(cmd),
            Tab::Domains => self.domain_command(cmd),
            Tab::Users => self.user_command(cmd),
            Tab::Settings => self.settings_command(),
        }
    }
}
