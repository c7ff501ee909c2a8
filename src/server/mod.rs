//! The SCIM 2.0 server (built in the SCIM issue).

use crate::cli::Target;

pub fn serve_cli(_target: &Target, _listen: &str) -> anyhow::Result<()> {
    anyhow::bail!("the SCIM server is not built yet")
}
