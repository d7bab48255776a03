//! Options that could never take effect. A gate that checks nothing and exits 0 tells a lie,
//! so such a run is refused (status 2) with a message that names what is missing, instead
//! of passing silently.
//!
//! Only what can truly never happen is refused: when a configuration file could make an
//! option count for some files (a nested file's own settings, or a per-glob override's
//! level, encoding, profile or rule severities), the run goes ahead. The check runs once the
//! walk has found every configuration file of the run.

use std::collections::BTreeMap;

use gbcheck::finding::Rule;
use gbcheck::rules::RuleSet;

use crate::cli::args::{CheckArgs, EncodingArg, ProfileArg};
use crate::cli::config::{Given, Loaded, Resolved};
use crate::cli::settings::{Choice, RuleKey, RuleSetting};

/// Settings that some files may be checked with instead of the run's: a configuration file's
/// top level (for files under another file than the run's) or one of its overrides.
struct Variant<'a> {
    encoding: Option<EncodingArg>,
    profile: Option<ProfileArg>,
    level: bool,
    rules: &'a BTreeMap<RuleKey, RuleSetting>,
}

/// The variants of `configs`, every configuration file the run found; `run` is the one the
/// run's own settings come from (its top level is already in them).
fn variants<'a>(configs: &'a [std::sync::Arc<Loaded>], run: Option<&'a Loaded>) -> Vec<Variant<'a>> {
    let mut out = Vec::new();
    for loaded in configs {
        let c = &loaded.config;
        if run.is_none_or(|run| run.file != loaded.file) {
            out.push(Variant {
                encoding: c.encoding.map(|Choice(v)| v),
                profile: c.profile.map(|Choice(v)| v),
                level: c.level.is_some(),
                rules: &c.rules,
            });
        }
        out.extend(c.overrides.iter().map(|o| Variant {
            encoding: o.encoding.map(|Choice(v)| v),
            profile: o.profile.map(|Choice(v)| v),
            level: o.level.is_some(),
            rules: &o.rules,
        }));
    }
    out
}

/// Why the options, as given, cannot all take effect; `None` when they can. `configs` are
/// the configuration files the run found, `run` the one its own settings come from.
pub fn refusal(
    args: &CheckArgs,
    settings: &Resolved,
    rules: &RuleSet,
    configs: &[std::sync::Arc<Loaded>],
    run: Option<&Loaded>,
    given: Given,
) -> Option<String> {
    let variants = variants(configs, run);
    level_refusal(args, settings, rules, &variants, given)
        .or_else(|| no_rule_refusal(args, rules, &variants))
        .or_else(|| selection_refusal(args, settings, rules, &variants))
}

/// Whether `names` (of `--select` or `--ignore`) name GB010. Without a level the rule set has
/// GB010 off whatever was selected, so the words are what tell.
fn names_gb010(names: &[String]) -> bool {
    names.iter().any(|name| Rule::lookup(name.trim()) == Some(Rule::OutsideLevel))
}

/// GB010 and `--level`: each is nothing without the other.
fn level_refusal(
    args: &CheckArgs,
    settings: &Resolved,
    rules: &RuleSet,
    variants: &[Variant],
    given: Given,
) -> Option<String> {
    let any_level = settings.level.is_some() || variants.iter().any(|v| v.level);
    if names_gb010(&args.select) && !names_gb010(&args.ignore) && !any_level {
        return Some(
            "--select GB010 (outside-level) checks nothing without an implementation level: give \
             --level 1, 2 or 3 (or `level` in gbcheck.toml)"
                .to_string(),
        );
    }
    let gb010_somewhere = rules.severity(Rule::OutsideLevel).is_some()
        || variants.iter().any(|v| v.rules.keys().any(|k| k.0 == Rule::OutsideLevel));
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
fn no_rule_refusal(args: &CheckArgs, rules: &RuleSet, variants: &[Variant]) -> Option<String> {
    let none_on = Rule::ALL.iter().all(|&rule| rules.severity(rule).is_none());
    let variant_turns_on = variants.iter().any(|v| {
        v.rules.values().any(|s| s.severity().is_some())
            || (v.level && names_gb010(&args.select) && !names_gb010(&args.ignore))
    });
    (none_on && !variant_turns_on).then(|| {
        "no rule is checked (--select, --ignore and gbcheck.toml's [rules] leave none on), so every \
         file would pass: check at least one rule"
            .to_string()
    })
}

/// A rule named in `--select` that the encoding or the profile keeps from ever firing.
fn selection_refusal(
    args: &CheckArgs,
    settings: &Resolved,
    rules: &RuleSet,
    variants: &[Variant],
) -> Option<String> {
    let selected: Vec<Rule> = args.select.iter().filter_map(|name| Rule::lookup(name.trim())).collect();
    let chosen = |rule: Rule| selected.contains(&rule) && rules.severity(rule).is_some();

    let encoding_fixed = variants.iter().all(|v| v.encoding.is_none());
    if encoding_fixed && settings.encoding == EncodingArg::Auto && chosen(Rule::WrongEncoding) {
        return Some(
            "--select GB008 (wrong-encoding) checks nothing with --encoding auto, which takes each \
             file as the encoding it is in: give --encoding gb18030 or --encoding utf-8"
                .to_string(),
        );
    }
    if encoding_fixed && settings.encoding == EncodingArg::Utf8 && chosen(Rule::UnassignedCode) {
        return Some(
            "--select GB003 (unassigned-code) checks nothing with --encoding utf-8: reserved codes \
             exist only in GB 18030 input"
                .to_string(),
        );
    }
    let profile_fixed = variants.iter().all(|v| v.profile.is_none());
    if !profile_fixed || settings.profile != ProfileArg::Gb18030_2022 {
        return None;
    }
    [Rule::RoundTripMismatch, Rule::Unencodable].into_iter().find(|&rule| chosen(rule)).map(|rule| {
        format!(
            "--select {} ({}) checks nothing under --profile gb18030-2022, where every code maps to \
             one character and back: choose --profile gb18030-2005, gbk, whatwg or cp936",
            rule.id(),
            rule.name()
        )
    })
}
