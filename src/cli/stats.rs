//! What `--stats` adds to the summary: findings by rule and why files were skipped. The
//! totals themselves (files, bytes, findings by severity) are in [`gbcheck::report::Summary`].

use std::time::Duration;

use gbcheck::finding::{Finding, Rule};

/// Why a file was passed over, for the `--stats` breakdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// A NUL byte in the first 8 KiB.
    Binary,
    /// Larger than `--max-filesize`.
    TooLarge,
    /// A symbolic link to a directory (links are not followed into directories).
    LinkToDirectory,
}

impl SkipReason {
    fn label(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "larger than --max-filesize",
            SkipReason::LinkToDirectory => "links to directories",
        }
    }
}

/// Counts kept beside the summary.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Whether `--stats` asked for the block in human output.
    pub show: bool,
    by_rule: [u64; Rule::ALL.len()],
    skipped: [u64; 3],
    /// Findings fixed by `--fix`, and fixable findings left (`gbcheck::fix`).
    pub fixes: FixCounts,
}

/// Findings fixed by `--fix`, and findings shown that have a fix.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FixCounts {
    /// Findings fixed before the check (`--fix`).
    pub fixed: u64,
    /// Findings shown whose fix is safe (`--fix` applies it).
    pub fixable: u64,
    /// Findings shown whose fix only `--unsafe-fixes` applies.
    pub fixable_unsafe: u64,
}

/// The index of a rule in [`Rule::ALL`].
fn rule_index(rule: Rule) -> usize {
    Rule::ALL.iter().position(|&r| r == rule).unwrap_or(0)
}

impl Stats {
    /// Empty statistics; `show` as `--stats` says.
    pub fn new(show: bool) -> Stats {
        Stats { show, ..Stats::default() }
    }

    /// Adds counts by rule gathered elsewhere (one chunk of a big file).
    pub fn add_by_rule(&mut self, counts: &RuleCounts) {
        for (total, n) in self.by_rule.iter_mut().zip(counts.0) {
            *total += n;
        }
    }

    /// Takes one finding of `rule` off the counts (a suppressed or baselined finding).
    pub fn remove_by_rule(&mut self, rule: Rule) {
        let total = &mut self.by_rule[rule_index(rule)];
        *total = total.saturating_sub(1);
    }

    /// Counts one skipped file.
    pub fn skipped(&mut self, reason: SkipReason) {
        self.skipped[reason as usize] += 1;
    }

    /// The rules that fired, in id order, with their counts.
    pub fn by_rule(&self) -> Vec<(Rule, u64)> {
        Rule::ALL.iter().zip(self.by_rule).filter(|(_, n)| *n > 0).map(|(&r, n)| (r, n)).collect()
    }

    /// The reasons files were skipped, with their counts.
    pub fn skipped_reasons(&self) -> Vec<(&'static str, u64)> {
        [SkipReason::Binary, SkipReason::TooLarge, SkipReason::LinkToDirectory]
            .into_iter()
            .map(|r| (r.label(), self.skipped[r as usize]))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// `n` per second over `elapsed`, rounded down.
    pub fn per_second(n: u64, elapsed: Duration) -> u64 {
        (n as f64 / elapsed.as_secs_f64().max(1e-9)) as u64
    }
}

/// Findings by rule for one piece of work.
#[derive(Clone, Copy, Debug, Default)]
pub struct RuleCounts(pub [u64; Rule::ALL.len()]);

impl RuleCounts {
    /// Counts these findings.
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> RuleCounts {
        let mut counts = RuleCounts::default();
        for finding in findings {
            counts.0[rule_index(finding.rule)] += 1;
        }
        counts
    }
}
