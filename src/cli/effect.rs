//! Options that could never take effect. A gate that checks nothing and exits 0 tells a lie,
//! so such a run is refused (status 2) with a message that names what is missing, instead
//! of passing silently.
//!
//! Only what can truly never happen is refused: when the config file's per-glob overrides
//! could make an option count for some files (their own level, encoding, profile or rule
//! severities), the run goes ahead.

use gbcheck::finding::Rule;
use gbcheck::rules::RuleSet;

use crate::cli::args::{CheckArgs, EncodingArg, ProfileArg};
use crate::cli::config::{Given, Loaded};

/// Why the options, as given, cannot all take effect; `None` when they can.
pub fn refusal(args: &CheckArgs, rules: &RuleSet, loaded: &Loaded, given: Given) -> Option<String> {
    let overrides = &loaded.config.overrides;
    let selected: Vec<Rule> = args.select.iter().filter_map(|name| Rule::lookup(name.trim())).collect();
    let chosen = |rule: Rule| selected.contains(&rule) && rules.severity(rule).is_some();

    let any_level = args.level.is_some() || overrides.iter().any(|o| o.level.is_some());
    // Without a level the rule set has GB010 off whatever was selected: look at the words.
    let ignored = |rule: Rule| args.ignore.iter().any(|name| Rule::lookup(name.trim()) == Some(rule));
    if selected.contains(&Rule::OutsideLevel) && !ignored(Rule::OutsideLevel) && !any_level {
        return Some(
            "--select GB010 (outside-level) checks nothing without an implementation level: give \
             --level 1, 2 or 3 (or `level` in gbcheck.toml)"
                .to_string(),
        );
    }
    let gb010_somewhere = rules.severity(Rule::OutsideLevel).is_some()
        || overrides.iter().any(|o| o.rules.keys().any(|k| k.0 == Rule::OutsideLevel));
    if given.level && !gb010_somewhere {
        return Some(
            "--level has no effect: rule GB010 (outside-level), which checks the level, is not \
             checked (see --select and --ignore)"
                .to_string(),
        );
    }

    let encoding_fixed = overrides.iter().all(|o| o.encoding.is_none());
    if encoding_fixed && args.encoding == EncodingArg::Auto && chosen(Rule::WrongEncoding) {
        return Some(
            "--select GB008 (wrong-encoding) checks nothing with --encoding auto, which takes each \
             file as the encoding it is in: give --encoding gb18030 or --encoding utf-8"
                .to_string(),
        );
    }
    if encoding_fixed && args.encoding == EncodingArg::Utf8 && chosen(Rule::UnassignedCode) {
        return Some(
            "--select GB003 (unassigned-code) checks nothing with --encoding utf-8: reserved codes \
             exist only in GB 18030 input"
                .to_string(),
        );
    }

    let profile_fixed = overrides.iter().all(|o| o.profile.is_none());
    if profile_fixed && args.profile == ProfileArg::Gb18030_2022 {
        for rule in [Rule::RoundTripMismatch, Rule::Unencodable] {
            if chosen(rule) {
                return Some(format!(
                    "--select {} ({}) checks nothing under --profile gb18030-2022, where every code \
                     maps to one character and back: choose --profile gb18030-2005, gbk or whatwg",
                    rule.id(),
                    rule.name()
                ));
            }
        }
    }
    None
}
