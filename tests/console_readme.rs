//! The README's key table is the keymap's own: `keymap::markdown()` between the markers.
//! `TWORG_UPDATE_README=1 cargo test --test console_readme` rewrites it.

const BEGIN: &str = "<!-- keys:begin (generated from src/console/keymap.rs) -->\n";
const END: &str = "<!-- keys:end -->";

#[test]
fn readme_key_table_matches_the_keymap() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let start = readme
        .find(BEGIN)
        .expect("README has the keys:begin marker")
        + BEGIN.len();
    let end = readme.find(END).expect("README has the keys:end marker");
    let table = tworg::console::keymap::markdown();
    if std::env::var_os("TWORG_UPDATE_README").is_some() {
        let updated = format!("{}{}\n{}", &readme[..start], table.trim(), &readme[end..]);
        std::fs::write(path, updated).unwrap();
        return;
    }
    assert_eq!(
        readme[start..end].trim(),
        table.trim(),
        "README's key table is stale: run TWORG_UPDATE_README=1 cargo test --test console_readme"
    );
}
