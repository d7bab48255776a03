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
    level_refusal(args, rules, loaded, given)
        .or_else(|| no_rule_refusal(rules, loaded))
        .or_else(|| selection_refusal(args, rules, loaded))
}

/// GB010 and `--level`: each is nothing without the other.
fn level_refusal(args: &CheckArgs, rules: &RuleSet, loaded: &Loaded, given: Given) -> Option<String> {
    let overrides = &loaded.config.overrides;
    let any_level = args.level.is_some() || overrides.iter().any(|o| o.level.is_some());
    // Without a level the rule set has GB010 off whatever was selected: look at the words.
    let named =
        |names: &[String]| names.iter().any(|name| Rule::lookup(name.trim()) == Some(Rule::OutsideLevel));
    if named(&args.select) && !named(&args.ignore) && !any_level {
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
    None
}

/// A run with every rule off passes every file.
fn no_rule_refusal(rules: &RuleSet, loaded: &Loaded) -> Option<String> {
    let none_on = Rule::ALL.iter().all(|&rule| rules.severity(rule).is_none());
    let overrides = &loaded.config.overrides;
    let override_turns_on = overrides.iter().any(|o| o.rules.values().any(|v| v.severity().is_some()));
    (none_on && !override_turns_on).then(|| {
        "no rule is checked (--select, --ignore and gbcheck.toml's [rules] leave none on), so every \
         file would pass: check at least one rule"
            .to_string()
    })
}

/// A rule named in `--select` that the encoding or the profile keeps from ever firing.
fn selection_refusal(args: &CheckArgs, rules: &RuleSet, loaded: &Loaded) -> Option<String> {
    let overrides = &loaded.config.overrides;
    let selected: Vec<Rule> = args.select.iter().filter_map(|name| Rule::lookup(name.trim())).collect();
    let chosen = |rule: Rule| selected.contains(&rule) && rules.severity(rule).is_some();

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
    if !profile_fixed || args.profile != ProfileArg::Gb18030_2022 {
        return None;
    }
    [Rule::RoundTripMismatch, Rule::Unencodable].into_iter().find(|&rule| chosen(rule)).map(|rule| {
        format!(
            "--select {} ({}) checks nothing under --profile gb18030-2022, where every code maps to \
             one character and back: choose --profile gb18030-2005, gbk or whatwg",
            rule.id(),
            rule.name()
        )
    })
}
