//! tworg: a keyboard-driven terminal console for governing Twilio Organizations.
//!
//! Layers, from the bottom: [`model`] (the world and every rule), [`persist`] (the RON world
//! file), then the faces that only call the model: [`cli`] (the scripting interface),
//! [`console`] (the ratatui app) and [`server`] (the SCIM endpoint). [`text`] makes text from
//! users safe to print on a terminal.

pub mod cli;
pub mod console;
#[doc(hidden)]
pub mod fuzz;
pub mod model;
pub mod persist;
pub mod plan;
pub mod runbook;
pub mod server;
pub mod session;
pub mod target;
pub mod text;
pub mod views;
pub mod walkthrough;
