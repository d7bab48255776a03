//! What a decoded character means: the character rules (GB004-GB007 and GB010-GB014; GB009,
//! mojibake, looks at runs of them in [`mojibake`]) and the visitor that applies them while the
//! scanner runs. (GB001-GB003 are the scanner's, GB008 the whole file's in [`crate::check`],
//! GB015 the suppression comments' in [`crate::suppress`].)
//!
//! Every character rule is decided by [`RuleSet::judge_char`] and nowhere else. The fast path asks a
//! precomputed bit per BMP scalar, "would `judge_char` say anything?", built once per rule set
//! from the rules' own small sets, with `judge_char` itself run on the few hundred scalars
//! where the profiles differ (`CompiledRules::new`, internal); tests compare it, bit for bit, with the
//! table made by running `judge_char` over the whole BMP (`CompiledRules::by_judging`).
//! Ordinary text costs one lookup per character.
//!
//! ```
//! use gbcheck::check::Encoding;
//! use gbcheck::finding::{Rule, Severity};
//! use gbcheck::profile::Profile;
//! use gbcheck::rules::RuleSet;
//!
//! let mut rules = RuleSet::new(Profile::Gb18030_2022);
//! rules.set_severity(Rule::ControlCharacter, None);
//! rules.set_severity(Rule::PrivateUse, Some(Severity::Error));
//! let mut found = Vec::new();
//! for c in ['a', '\u{7}', '\u{E000}'] {
//!     rules.judge_char(Encoding::Utf8, c, &mut |rule, _, c| found.push((rule, c)));
//! }
//! assert_eq!(found, [(Rule::PrivateUse, '\u{E000}')]);
//! assert_eq!(rules.severity(Rule::PrivateUse), Some(Severity::Error));
//! ```

pub(crate) mod chars;
#[rustfmt::skip]
mod default_tables;
pub mod mojibake;
mod utf8_prefix;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use crate::encoding::Encoding;
use crate::finding::{Cause, Finding, Rule, Severity};
use crate::mapping;
use crate::profile::{editions_of_code, editions_of_scalar, Profile};
use crate::scan::grammar::{
    four_byte_code, four_byte_pointer, is_lead, is_two_byte_trail, two_byte_pointer, BMP_POINTER_LAST,
    SUPPLEMENTARY_POINTER_FIRST, TWO_BYTE_COUNT,
};
use crate::scan::tables::{CP936_UNMAPPED, DECODE_DIFFERENCES, ENCODE_DIFFERENCES, LEVEL_RANGES};
use crate::scan::{FourByteRows, PlainRows, Visitor};
use chars::{
    is_private_use, is_removed_code, is_reported_control, is_reported_control_byte, level_of, REMOVED_CODES,
};
use mojibake::Tracker;

/// Which rules are on, how severe each is, and what they judge against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RuleSet {
    /// The profile characters are decoded and encoded with.
    pub profile: Profile,
    /// The GB 18030-2022 implementation level for GB010; `None` turns GB010 off.
    pub level: Option<u8>,
    /// Each rule's severity, indexed like [`Rule::ALL`]: 0 off, 1 warning, 2 error. Plain
    /// bytes, so that two rule sets compare at once (a check compares them once per file).
    severities: [u8; Rule::ALL.len()],
}

impl Default for RuleSet {
    fn default() -> Self {
        RuleSet::new(Profile::default())
    }
}

impl RuleSet {
    /// Every rule on with its default severity.
    pub fn new(profile: Profile) -> RuleSet {
        let mut rules = RuleSet { profile, level: None, severities: [0; Rule::ALL.len()] };
        for rule in Rule::ALL {
            rules.set_severity(*rule, Some(rule.default_severity()));
        }
        rules
    }

    fn index(rule: Rule) -> usize {
        Rule::ALL.iter().position(|&r| r == rule).unwrap_or(0)
    }

    /// The severity of a rule, or `None` when it is off.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        match rule {
            Rule::OutsideLevel if self.level.is_none() => None,
            _ => match self.severities[RuleSet::index(rule)] {
                1 => Some(Severity::Warning),
                2 => Some(Severity::Error),
                _ => None,
            },
        }
    }

    /// Turns a rule off (`None`) or on with a severity.
    pub fn set_severity(&mut self, rule: Rule, severity: Option<Severity>) {
        self.severities[RuleSet::index(rule)] = match severity {
            None => 0,
            Some(Severity::Warning) => 1,
            Some(Severity::Error) => 2,
        };
    }

    fn on(&self, rule: Rule) -> bool {
        self.severity(rule).is_some()
    }

    /// Applies every rule to one valid character `c` (decoded with strict GB 18030-2022 from a
    /// GB 18030 input, or read from a UTF-8 input) and reports what fires through `emit`.
    /// This is the one place where the character rules are decided.
    pub fn judge_char(&self, input: Encoding, c: char, emit: &mut impl FnMut(Rule, Cause, char)) {
        let profile = self.profile;
        // What the character means under the profile, and its strict 2022 code.
        let code = mapping::encode(c);
        let meaning = match input {
            Encoding::Gb18030 => {
                let Some(meaning) = profile.decode(code.as_bytes()) else {
                    if self.on(Rule::Unencodable) {
                        emit(Rule::Unencodable, Cause::NotInProfile(profile), c);
                    }
                    return;
                };
                if self.on(Rule::RoundTripMismatch) {
                    match profile.encode(meaning) {
                        Some(back) if back == code => {}
                        Some(back) => emit(
                            Rule::RoundTripMismatch,
                            Cause::ReEncodes { profile, scalar: meaning, code: back },
                            meaning,
                        ),
                        None => emit(Rule::Unencodable, Cause::Unencodable(profile), meaning),
                    }
                }
                if self.on(Rule::EditionSensitive) && editions_of_code(code.as_bytes()).is_some() {
                    emit(Rule::EditionSensitive, Cause::EditionSensitive { input }, meaning);
                }
                meaning
            }
            Encoding::Utf8 => {
                match profile.encode(c) {
                    None => {
                        if self.on(Rule::Unencodable) {
                            emit(Rule::Unencodable, Cause::Unencodable(profile), c);
                        }
                    }
                    Some(encoded) => {
                        let back = profile.decode(encoded.as_bytes());
                        if self.on(Rule::RoundTripMismatch) && back != Some(c) {
                            let scalar = back.unwrap_or(char::REPLACEMENT_CHARACTER);
                            emit(
                                Rule::RoundTripMismatch,
                                Cause::ReDecodes { profile, code: encoded, scalar },
                                c,
                            );
                        }
                    }
                }
                if self.on(Rule::EditionSensitive) && editions_of_scalar(c).is_some() {
                    emit(Rule::EditionSensitive, Cause::EditionSensitive { input }, c);
                }
                c
            }
        };
        let simple = [
            (Rule::PrivateUse, is_private_use(meaning)),
            (Rule::ByteOrderMark, meaning == '\u{FEFF}'),
            (Rule::ControlCharacter, is_reported_control(meaning)),
            (Rule::ReplacementCharacter, meaning == char::REPLACEMENT_CHARACTER),
            (Rule::RemovedCharacter, is_removed_code(code.as_bytes())),
        ];
        for (rule, fires) in simple {
            if fires && self.on(rule) {
                emit(rule, Cause::Character, meaning);
            }
        }
        if let (Some(level), true) = (self.level, self.on(Rule::OutsideLevel)) {
            let actual = level_of(c);
            if actual.is_none_or(|n| n > level) {
                emit(Rule::OutsideLevel, Cause::OutsideLevel { level, actual }, meaning);
            }
        }
    }
}

#[doc(hidden)]
/// A rule set made ready for one input encoding: the bit per BMP scalar that says whether the
/// character needs [`RuleSet::judge_char`] at all.
#[derive(Debug)]
pub struct CompiledRules {
    rules: RuleSet,
    input: Encoding,
    /// BMP scalars for which `judge_char` reports something.
    fires: Bits,
    /// BMP scalars that need the slow path: `fires`, or they can start a run of mojibake.
    slow: Bits,
    /// For each pair of bytes `first << 8 | second` (GB 18030 input): whether it is a valid
    /// two-byte code whose strict scalar is not `slow`, which the scanner may pass over
    /// without judging (see `Visitor::skips_two_byte`).
    /// `None` for UTF-8 input, whose scanner never reads it (see [`CompiledRules::skip_two_byte`]).
    skip_two_byte: Option<SkipTable>,
    /// The rows of `skip_two_byte` skipped whole, for the scanner's vector test.
    plain_rows: PlainRows,
    /// Whether every supplementary scalar needs judging (a level, or a profile that cannot
    /// encode them); otherwise only the private-use planes 15 and 16 do.
    all_supplementary: bool,
    /// For each four-byte pointer of the BMP (`0..=39419`): whether the scanner may pass over
    /// its code without judging it (GB 18030 input).
    skip_four_byte_bmp: Bits,
    /// The leads all of whose four-byte codes the scanner may pass over, for its vector test.
    four_byte_rows: FourByteRows,
}

/// The two-byte skip table: built, or built at compile time (`default_tables.rs`).
#[derive(Debug)]
enum SkipTable {
    Built(Box<[bool; 0x1_0000]>),
    Generated(&'static [bool; 0x1_0000]),
}

impl SkipTable {
    fn get(&self) -> &[bool; 0x1_0000] {
        match self {
            SkipTable::Built(table) => table,
            SkipTable::Generated(table) => table,
        }
    }
}

/// The default rule set's tables for one input, as `default_tables.rs` holds them.
struct Generated {
    fires: [u64; 1024],
    slow: [u64; 1024],
    skip_two_byte: Option<&'static [bool; 0x1_0000]>,
    plain_rows: PlainRows,
    all_supplementary: bool,
    skip_four_byte_bmp: [u64; 616],
    four_byte_rows: FourByteRows,
}

/// A table of bits, one per index, made into a table of `bool` at compile time.
const fn expand_bits(words: &[u64; 1024]) -> [bool; 0x1_0000] {
    let mut table = [false; 0x1_0000];
    let mut i = 0;
    while i < 0x1_0000 {
        table[i] = words[i / 64] & (1 << (i % 64)) != 0;
        i += 1;
    }
    table
}

/// A fixed-size bit set.
#[derive(Debug)]
struct Bits(Box<[u64]>);

impl Bits {
    fn new(len: usize) -> Bits {
        Bits(vec![0; len.div_ceil(64)].into_boxed_slice())
    }

    fn from_words(words: &[u64]) -> Bits {
        Bits(words.into())
    }

    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    fn clear(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }

    #[inline(always)]
    fn get(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    /// The positions of the set bits, in order.
    fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(word, &bits)| {
            let mut bits = bits;
            std::iter::from_fn(move || {
                let bit = (bits != 0).then(|| bits.trailing_zeros() as usize)?;
                bits &= bits - 1;
                Some(word * 64 + bit)
            })
        })
    }
}

/// GB010: the BMP scalars outside the rule set's level (none when the rule is off).
fn outside_level(rules: &RuleSet) -> Bits {
    let mut outside = Bits::new(0x1_0000);
    if let (Some(level), true) = (rules.level, rules.on(Rule::OutsideLevel)) {
        outside.0.fill(u64::MAX);
        for &(first, last, _) in LEVEL_RANGES.iter().filter(|&&(first, _, n)| n <= level && first < 0x1_0000)
        {
            for scalar in first..=last.min(0xFFFF) {
                outside.clear(scalar as usize);
            }
        }
    }
    outside
}

/// The BMP scalars whose meaning or code differs between profiles, which
/// [`fires_by_sets`] judges one by one.
fn profile_differences() -> Bits {
    let mut special = Bits::new(0x1_0000);
    special.set(0x20AC);
    for (code, row) in DECODE_DIFFERENCES.iter() {
        for scalar in row.iter().flatten() {
            special.set(*scalar as usize);
        }
        let strict = match **code {
            [lead, trail] if is_lead(lead) && is_two_byte_trail(trail) => {
                Some(mapping::decode_two_byte(two_byte_pointer(lead, trail)))
            }
            [b1, b2, b3, b4] => mapping::decode_four_byte(four_byte_pointer(b1, b2, b3, b4)),
            _ => None,
        };
        if let Some(c) = strict.filter(|&c| (c as u32) < 0x1_0000) {
            special.set(c as usize);
        }
    }
    for &(scalar, _) in ENCODE_DIFFERENCES.iter() {
        special.set(scalar as usize);
    }
    special
}

/// The BMP scalars for which [`RuleSet::judge_char`] reports something, from the rules' own
/// sets (see [`CompiledRules::new`]).
fn fires_by_sets(rules: &RuleSet, input: Encoding) -> Bits {
    let two_byte_only = !rules.profile.has_four_byte_codes();
    let unencodable = rules.on(Rule::Unencodable);
    let (private_use, bom) = (rules.on(Rule::PrivateUse), rules.on(Rule::ByteOrderMark));
    let (controls, replacement) = (rules.on(Rule::ControlCharacter), rules.on(Rule::ReplacementCharacter));
    let removed = rules.on(Rule::RemovedCharacter);
    let outside = outside_level(rules);
    let mut special = profile_differences();
    // Under code page 936, the strict scalars of the two-byte codes it lacks.
    if rules.profile == Profile::Cp936 {
        for &(first, last) in CP936_UNMAPPED.iter() {
            for pointer in first..=last {
                special.set(mapping::decode_two_byte(usize::from(pointer)) as usize);
            }
        }
    }
    // GB006 under GBK and code page 936: the BMP scalars without a one- or two-byte code.
    let mut no_code = Bits::new(0x1_0000);
    if two_byte_only {
        no_code.0.fill(u64::MAX);
        (0..0x80).for_each(|scalar| no_code.clear(scalar));
        for pointer in 0..TWO_BYTE_COUNT {
            no_code.clear(mapping::decode_two_byte(pointer) as usize);
        }
    }
    // GB014: the scalars of the removed codes.
    let mut removed_scalars = Bits::new(0x1_0000);
    if removed {
        for [lead, trail] in REMOVED_CODES {
            removed_scalars.set(mapping::decode_two_byte(two_byte_pointer(lead, trail)) as usize);
        }
    }
    // The other rules, 64 scalars at a time; then the surrogates (no `char`) are cleared and
    // the special scalars judged one by one.
    let mut singles = Bits::new(0x1_0000);
    for (c, on) in [('\u{FEFF}', bom), (char::REPLACEMENT_CHARACTER, replacement)] {
        if on {
            singles.set(c as usize);
        }
    }
    let all_if = |on: bool| if on { u64::MAX } else { 0 };
    let mut fires = Bits::new(0x1_0000);
    for (word, out) in fires.0.iter_mut().enumerate() {
        let other = (BMP_SETS.private_use[word] & all_if(private_use))
            | (BMP_SETS.reported_controls[word] & all_if(controls))
            | singles.0[word]
            | removed_scalars.0[word]
            | outside.0[word];
        let no_code = no_code.0[word];
        // Every profile decodes and encodes a scalar as strict 2022 does, except that GBK and
        // code page 936 have no four-byte codes: GB006, and a GB 18030 input stops there.
        let other = if input == Encoding::Gb18030 { other & !no_code } else { other };
        *out = (no_code & all_if(unencodable)) | other;
    }
    for scalar in 0xD800..=0xDFFF {
        fires.clear(scalar);
    }
    for scalar in special.ones() {
        let Some(c) = char::from_u32(scalar as u32) else { continue };
        let mut any = false;
        rules.judge_char(input, c, &mut |_, _, _| any = true);
        if any {
            fires.set(scalar);
        } else {
            fires.clear(scalar);
        }
    }
    fires
}

/// The BMP scalars of GB012 and GB007, as bits, built at compile time.
struct BmpSets {
    reported_controls: [u64; 1024],
    private_use: [u64; 1024],
}

static BMP_SETS: BmpSets = {
    let mut sets = BmpSets { reported_controls: [0; 1024], private_use: [0; 1024] };
    let mut scalar = 0u32;
    while scalar < 0x1_0000 {
        if let Some(c) = char::from_u32(scalar) {
            let (word, bit) = ((scalar / 64) as usize, 1 << (scalar % 64));
            if is_reported_control(c) {
                sets.reported_controls[word] |= bit;
            }
            if is_private_use(c) {
                sets.private_use[word] |= bit;
            }
        }
        scalar += 1;
    }
    sets
};

/// For each pair of bytes `first << 8 | second`: whether it is a valid two-byte code whose
/// strict scalar is not `slow`.
fn skip_two_byte_of(slow: &Bits) -> Box<[bool; 0x1_0000]> {
    let mut skip = Box::new([false; 0x1_0000]);
    for first in (0..=0xFFu8).filter(|&b| is_lead(b)) {
        for second in (0..=0xFFu8).filter(|&b| is_two_byte_trail(b)) {
            let scalar = mapping::decode_two_byte(two_byte_pointer(first, second));
            skip[usize::from(first) << 8 | usize::from(second)] = !slow.get(scalar as usize);
        }
    }
    skip
}

impl CompiledRules {
    /// Builds the tables (well under a millisecond); see [`CompiledRules::cached`].
    ///
    /// The bit of a BMP scalar is what [`RuleSet::judge_char`] would say, but `judge_char`
    /// runs only on the few hundred scalars where the profiles differ (the difference tables,
    /// U+20AC, which GBK encodes as `80`, and under code page 936 the codes it lacks); for
    /// every other scalar, decoding and encoding under any profile is the strict 2022 mapping
    /// (or, under GBK and code page 936, no four-byte code), and
    /// what can fire is read from the rules' own small sets. A test compares the result with
    /// [`CompiledRules::by_judging`], which calls `judge_char` on every scalar.
    ///
    /// The default rule set's bits are built at compile time (`default_tables.rs`, generated
    /// by `judge_char` over the BMP), so that a process checking a few small files with the
    /// default rules builds nothing.
    pub fn new(rules: RuleSet, input: Encoding) -> CompiledRules {
        if rules == RuleSet::default() {
            return CompiledRules::from_generated(default_tables::of(input), input);
        }
        let fires = fires_by_sets(&rules, input);
        let mut slow = Bits(fires.0.clone());
        if rules.on(Rule::Mojibake) {
            mojibake::starters().for_each(|c| slow.set(c as usize));
        }
        CompiledRules::from_tables(rules, input, fires, slow)
    }

    /// The same tables as [`CompiledRules::new`], built the slow and obvious way: by running
    /// [`RuleSet::judge_char`] over every BMP scalar (tens of milliseconds). For tests.
    #[doc(hidden)]
    pub fn by_judging(rules: RuleSet, input: Encoding) -> CompiledRules {
        let mut fires = Bits::new(0x1_0000);
        let mut slow = Bits::new(0x1_0000);
        let mojibake_on = rules.on(Rule::Mojibake);
        for scalar in 0..0x1_0000u32 {
            let Some(c) = char::from_u32(scalar) else { continue };
            let mut any = false;
            rules.judge_char(input, c, &mut |_, _, _| any = true);
            if any {
                fires.set(scalar as usize);
            }
            if any || (mojibake_on && mojibake::can_start(c)) {
                slow.set(scalar as usize);
            }
        }
        CompiledRules::from_tables(rules, input, fires, slow)
    }

    /// Whether two compilations hold the same tables (for tests).
    #[doc(hidden)]
    pub fn same_tables(&self, other: &CompiledRules) -> bool {
        self.rules == other.rules
            && self.input == other.input
            && self.fires.0 == other.fires.0
            && self.slow.0 == other.slow.0
            && self.skip_two_byte()[..] == other.skip_two_byte()[..]
            && self.all_supplementary == other.all_supplementary
            && self.plain_rows == other.plain_rows
            && self.skip_four_byte_bmp.0 == other.skip_four_byte_bmp.0
            && self.four_byte_rows == other.four_byte_rows
    }

    /// The BMP scalars where the tables differ from another compilation's, at most `most`
    /// of them, with the table (for tests' messages).
    #[doc(hidden)]
    pub fn table_differences(&self, other: &CompiledRules, most: usize) -> Vec<(&'static str, u32)> {
        let mut out = Vec::new();
        for scalar in 0..0x1_0000usize {
            if self.fires.get(scalar) != other.fires.get(scalar) {
                out.push(("fires", scalar as u32));
            }
            if self.slow.get(scalar) != other.slow.get(scalar) {
                out.push(("slow", scalar as u32));
            }
            if self.skip_two_byte()[scalar] != other.skip_two_byte()[scalar] {
                out.push(("skip_two_byte pair", scalar as u32));
            }
        }
        if self.all_supplementary != other.all_supplementary {
            out.push(("all_supplementary", 0x1_0000));
        }
        if self.plain_rows != other.plain_rows {
            out.push(("plain_rows", 0));
        }
        if self.skip_four_byte_bmp.0 != other.skip_four_byte_bmp.0 {
            out.push(("skip_four_byte_bmp", 0));
        }
        if self.four_byte_rows != other.four_byte_rows {
            out.push(("four_byte_rows", 0));
        }
        out.truncate(most);
        out
    }

    /// The default rule set's tables, built at compile time.
    fn from_generated(generated: &'static Generated, input: Encoding) -> CompiledRules {
        CompiledRules {
            rules: RuleSet::default(),
            input,
            fires: Bits::from_words(&generated.fires),
            slow: Bits::from_words(&generated.slow),
            skip_two_byte: generated.skip_two_byte.map(SkipTable::Generated),
            plain_rows: generated.plain_rows,
            all_supplementary: generated.all_supplementary,
            skip_four_byte_bmp: Bits::from_words(&generated.skip_four_byte_bmp),
            four_byte_rows: generated.four_byte_rows,
        }
    }

    /// The other tables, from the `fires` and `slow` bits.
    fn from_tables(rules: RuleSet, input: Encoding, fires: Bits, slow: Bits) -> CompiledRules {
        // The GB 18030 scanner's table; a UTF-8 input never uses it.
        let skip_two_byte = (input == Encoding::Gb18030).then(|| SkipTable::Built(skip_two_byte_of(&slow)));
        // Outside the private-use planes, what can fire for a supplementary scalar is the
        // level (GB010, which depends on the scalar) and the profile's encoder (GB004, GB006),
        // which treats all of them alike; the difference tables hold none (a unit test says
        // so). Two probes from different planes stand for the encoder.
        let mut all_supplementary = rules.on(Rule::OutsideLevel);
        for probe in ['\u{10000}', '\u{20000}'] {
            rules.judge_char(input, probe, &mut |_, _, _| all_supplementary = true);
        }
        let plain_rows = match input {
            Encoding::Gb18030 => PlainRows::from_skip_table(CompiledRules::table_or_none(&skip_two_byte)),
            Encoding::Utf8 => PlainRows::nothing_skipped(),
        };
        let mut skip_four_byte_bmp = Bits::new(BMP_POINTER_LAST as usize + 1);
        if input == Encoding::Gb18030 {
            for pointer in 0..=BMP_POINTER_LAST {
                // Every BMP pointer decodes; U+FFFD, were one not to, is judged.
                let scalar = mapping::decode_four_byte(pointer).map_or(0xFFFD, u32::from);
                if !slow.get(scalar as usize) {
                    skip_four_byte_bmp.set(pointer as usize);
                }
            }
        }
        // A lead's codes follow each other without gaps: 12,600 pointers from
        // `(lead - 0x81) * 12_600` in the BMP (leads 81-84), and the supplementary ones (leads
        // 90-E3) all alike up to plane 15, which starts in the row D8.
        // The spans of 1,260 pointers from `(lead - 0x81) * 12_600 + (second - 0x30) * 1_260`
        // in the BMP; the BMP's last pointer, 39,419, is in the span 8431.
        let span_skipped = |lead: u8, second: u8| {
            let first = usize::from(lead - 0x81) * 12_600 + usize::from(second - 0x30) * 1_260;
            let last = first + 1_259;
            last <= BMP_POINTER_LAST as usize && (first..=last).all(|pointer| skip_four_byte_bmp.get(pointer))
        };
        let four_byte_rows = FourByteRows::from_leads(|lead| match lead {
            0x81..=0x83 => (0x30..=0x39).all(|second| span_skipped(lead, second)),
            0x90..=0xD7 => !all_supplementary,
            _ => false,
        })
        .with_spans(span_skipped);
        CompiledRules {
            rules,
            input,
            fires,
            slow,
            skip_two_byte,
            plain_rows,
            all_supplementary,
            skip_four_byte_bmp,
            four_byte_rows,
        }
    }

    /// Whether the scanner may pass over the assigned four-byte code `code` (its bytes as a
    /// big-endian number) without judging it, when no run of mojibake is open.
    #[inline(always)]
    fn skips_four_byte(&self, code: u32) -> bool {
        // Codes sort as their pointers do: those from U+10000 on start at 90308130, those of
        // the private-use planes 15 and 16 (judged, GB007) at the code of U+F0000.
        const SUPPLEMENTARY: u32 = u32::from_be_bytes(four_byte_code(SUPPLEMENTARY_POINTER_FIRST));
        const PLANE_15: u32 = u32::from_be_bytes(four_byte_code(SUPPLEMENTARY_POINTER_FIRST + 0xE_0000));
        if code >= SUPPLEMENTARY {
            return !self.all_supplementary && code < PLANE_15;
        }
        let [b1, b2, b3, b4] = code.to_be_bytes();
        let pointer = four_byte_pointer(b1, b2, b3, b4) as usize;
        pointer <= BMP_POINTER_LAST as usize && self.skip_four_byte_bmp.get(pointer)
    }

    /// The two-byte codes the GB 18030 scanner may pass over (indexed by `lead << 8 | trail`);
    /// none for UTF-8 input.
    #[inline(always)]
    fn skip_two_byte(&self) -> &[bool; 0x1_0000] {
        CompiledRules::table_or_none(&self.skip_two_byte)
    }

    fn table_or_none(table: &Option<SkipTable>) -> &[bool; 0x1_0000] {
        static NONE: [bool; 0x1_0000] = [false; 0x1_0000];
        table.as_ref().map_or(&NONE, SkipTable::get)
    }

    /// The compiled tables for a rule set and encoding, built once per process and kept for
    /// its life (a process uses a few rule sets at most, one per configuration file).
    ///
    /// Each thread remembers the few it used last, so that checking many small files costs
    /// a comparison per file: no lock, no hash of the rule set, and no reference count to
    /// change, which a 1 KiB check would otherwise feel.
    pub fn cached(rules: RuleSet, input: Encoding) -> &'static CompiledRules {
        type Recent = std::cell::RefCell<Vec<&'static CompiledRules>>;
        thread_local! {
            static RECENT: Recent = const { std::cell::RefCell::new(Vec::new()) };
        }
        RECENT.with(|recent| {
            let mut recent = recent.borrow_mut();
            if let Some(&hit) = recent.iter().find(|c| c.input == input && c.rules == rules) {
                return hit;
            }
            let compiled = CompiledRules::shared(rules, input);
            if recent.len() == 8 {
                recent.remove(0);
            }
            recent.push(compiled);
            compiled
        })
    }

    /// The process-wide cache behind [`CompiledRules::cached`].
    fn shared(rules: RuleSet, input: Encoding) -> &'static CompiledRules {
        type Cache = Mutex<HashMap<(RuleSet, Encoding), &'static CompiledRules>>;
        static CACHE: OnceLock<Cache> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        let mut cache = cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        cache.entry((rules, input)).or_insert_with(|| Box::leak(Box::new(CompiledRules::new(rules, input))))
    }

    /// The rule set.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The input encoding the tables were built for.
    pub fn input(&self) -> Encoding {
        self.input
    }

    /// Whether `c` needs the slow path at all.
    #[inline(always)]
    fn is_slow(&self, c: char) -> bool {
        let scalar = c as u32;
        if scalar < 0x1_0000 {
            self.slow.get(scalar as usize)
        } else {
            self.all_supplementary || scalar >= 0xF_0000
        }
    }

    /// Whether `judge_char` can report something for `c`.
    #[inline]
    fn fires(&self, c: char) -> bool {
        let scalar = c as u32;
        if scalar < 0x1_0000 {
            self.fires.get(scalar as usize)
        } else {
            self.all_supplementary || scalar >= 0xF_0000
        }
    }
}

#[doc(hidden)]
/// Where the judge's findings go.
pub trait FindingSink {
    /// One finding, with its severity set.
    fn push(&mut self, finding: Finding);
}

impl FindingSink for Vec<Finding> {
    fn push(&mut self, finding: Finding) {
        Vec::push(self, finding);
    }
}

#[doc(hidden)]
/// The visitor that applies the rules while the scanner runs: byte-level findings pass
/// through (with their configured severity), characters are judged. `C` is how it holds the
/// compiled rules (a reference or an `Arc`).
pub struct Judge<C: std::ops::Deref<Target = CompiledRules>, S: FindingSink> {
    compiled: C,
    sink: S,
    mojibake: Tracker,
}

impl<C: std::ops::Deref<Target = CompiledRules>, S: FindingSink> Judge<C, S> {
    /// A judge writing to `sink`.
    pub fn new(compiled: C, sink: S) -> Self {
        Judge { compiled, sink, mojibake: Tracker::default() }
    }

    /// The sink, for findings decided outside the scan (such as GB008).
    pub fn sink(&mut self) -> &mut S {
        &mut self.sink
    }

    /// Where the run of mojibake being tracked starts, if one is: its finding, if any, is
    /// given when the run ends, after the findings inside it.
    pub fn open_mojibake_start(&self) -> Option<u64> {
        self.mojibake.open_start()
    }

    /// Ends the input (a run of mojibake may end there) and gives the sink back.
    pub fn finish(mut self) -> S {
        self.end_input();
        self.sink
    }

    /// Ends the input (a run of mojibake may end there) and gives the sink in place: a check
    /// of a small file then moves no judge, whose tracker is a few hundred bytes.
    pub fn end_input(&mut self) -> &mut S {
        self.end_mojibake();
        &mut self.sink
    }

    fn emit(&mut self, mut finding: Finding) {
        if let Some(severity) = self.compiled.rules.severity(finding.rule) {
            finding.severity = severity;
            self.sink.push(finding);
        }
    }

    fn end_mojibake(&mut self) {
        if let Some(run) = self.mojibake.end() {
            self.emit_mojibake(run);
        }
    }

    fn emit_mojibake(&mut self, run: mojibake::Detected) {
        let cause = Cause::Mojibake { kind: run.kind, input: self.compiled.input };
        self.emit(Finding::bytes(Rule::Mojibake, run.start, run.len, cause));
    }

    /// Judges `c` with every rule and the mojibake tracker, taking none of the shortcuts the
    /// scan takes (the slow-path table, the table of characters that fire, the early end of a
    /// run of mojibake): what [`Visitor::char`] must be equal to, for the tests that hold it
    /// to that.
    #[doc(hidden)]
    pub fn judge_without_shortcuts(&mut self, start: u64, len: u8, c: char) {
        self.judge_all(start, len, c, true);
    }

    /// The slow path: every rule, and the mojibake tracker.
    #[inline]
    fn judge(&mut self, start: u64, len: u8, c: char) {
        self.judge_all(start, len, c, false);
    }

    /// [`Judge::judge`], or with `every_rule` the rules even for a character the table says
    /// none of them fires on.
    #[inline(always)]
    fn judge_all(&mut self, start: u64, len: u8, c: char, every_rule: bool) {
        let Judge { compiled, sink, mojibake } = self;
        let compiled: &CompiledRules = compiled;
        if every_rule || compiled.fires(c) {
            compiled.rules.judge_char(compiled.input, c, &mut |rule, cause, scalar| {
                let cause = match (rule, cause, start) {
                    (Rule::ByteOrderMark, Cause::Character, 0) => Cause::ByteOrderMark,
                    _ => cause,
                };
                if let Some(severity) = compiled.rules.severity(rule) {
                    let finding = Finding::character(rule, start, u32::from(len), cause, scalar);
                    sink.push(Finding { severity, ..finding });
                }
            });
        }
        if compiled.rules.on(Rule::Mojibake) {
            if let Some(run) = mojibake.push(start, len, c) {
                self.emit_mojibake(run);
            }
        }
    }
}

impl<C: std::ops::Deref<Target = CompiledRules>, S: FindingSink> Visitor for Judge<C, S> {
    const WANTS_CHARS: bool = true;
    const STOP_AT_CONTROLS: bool = true;

    fn finding(&mut self, finding: Finding) {
        self.end_mojibake();
        // A lone 80 is the euro sign under the profiles that have it (GBK, WHATWG).
        if let Cause::BadLead(0x80) = finding.cause {
            if self.compiled.rules.profile.decode(&[0x80]).is_some() {
                return self.judge_euro(finding.span.start);
            }
        }
        self.emit(finding);
    }

    #[inline(always)]
    fn char(&mut self, start: u64, len: u8, c: char) {
        if self.mojibake.is_tracking() {
            // Ordinary text right after a character that started a run: it ends the run (the
            // run's finding, if any, is given now), and it can neither fire nor start one.
            if !self.compiled.is_slow(c) && self.mojibake.cannot_extend(c) {
                return self.end_mojibake();
            }
            self.judge(start, len, c);
        } else if self.compiled.is_slow(c) {
            self.judge(start, len, c);
        }
    }

    #[inline(always)]
    fn skip_table(&self) -> Option<&[bool; 0x1_0000]> {
        if self.mojibake.is_tracking() {
            None
        } else {
            Some(self.compiled.skip_two_byte())
        }
    }

    #[inline(always)]
    fn plain_rows(&self) -> Option<&PlainRows> {
        Some(&self.compiled.plain_rows)
    }

    #[inline(always)]
    fn skips_four_byte(&self, code: u32) -> bool {
        !self.mojibake.is_tracking() && self.compiled.skips_four_byte(code)
    }

    #[inline(always)]
    fn four_byte_rows(&self) -> &FourByteRows {
        &self.compiled.four_byte_rows
    }

    #[inline(always)]
    fn shown_scalars(&self) -> Option<&[u64; 1024]> {
        if self.mojibake.is_tracking() {
            None
        } else {
            self.compiled.slow.0.as_ref().try_into().ok()
        }
    }

    #[inline]
    fn ascii(&mut self, start: u64, run: &[u8]) {
        // The scanners stop ASCII runs at control bytes (STOP_AT_CONTROLS) and pass those to
        // `char`, so a run holds nothing to judge; it only ends a run of mojibake.
        debug_assert!(!run.iter().any(|&b| is_reported_control_byte(b)), "{start}");
        if self.mojibake.is_tracking() {
            self.end_mojibake();
        }
    }
}

impl<C: std::ops::Deref<Target = CompiledRules>, S: FindingSink> Judge<C, S> {
    /// The byte `80` under a profile that decodes it: judged as the code it is.
    fn judge_euro(&mut self, start: u64) {
        let rules = self.compiled.rules;
        let euro = '\u{20AC}';
        if rules.on(Rule::RoundTripMismatch) {
            if let Some(back) = rules.profile.encode(euro).filter(|back| back.as_bytes() != [0x80]) {
                let cause = Cause::ReEncodes { profile: rules.profile, scalar: euro, code: back };
                self.emit(Finding::character(Rule::RoundTripMismatch, start, 1, cause, euro));
            }
        }
        if rules.on(Rule::EditionSensitive) {
            let cause = Cause::EditionSensitive { input: Encoding::Gb18030 };
            self.emit(Finding::character(Rule::EditionSensitive, start, 1, cause, euro));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_same(rules: RuleSet, input: Encoding) {
        let fast = CompiledRules::new(rules, input);
        let slow = CompiledRules::by_judging(rules, input);
        assert!(fast.same_tables(&slow), "{rules:?} {input:?}: {:X?}", fast.table_differences(&slow, 10));
    }

    /// `default_tables.rs` is what judging every BMP scalar under the default rules gives
    /// (`GBCHECK_BLESS=1 cargo test --lib default_tables` writes it); `CompiledRules::new`
    /// with the default rules (which reads it) is compared with judging in
    /// `the_tables_are_those_of_judge_char`.
    #[test]
    fn default_tables_are_generated_by_judging() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/rules/default_tables.rs");
        let generated = default_tables_source();
        if std::env::var_os("GBCHECK_BLESS").is_some() {
            std::fs::write(path, &generated).expect("write default_tables.rs");
        }
        let committed = std::fs::read_to_string(path).expect("read default_tables.rs");
        assert!(
            committed == generated,
            "src/rules/default_tables.rs is stale: run GBCHECK_BLESS=1 cargo test --lib default_tables"
        );
    }

    /// Rust text for a list of words, four to a line.
    fn words_text(words: &[u64]) -> String {
        let lines: Vec<String> = words
            .chunks(4)
            .map(|row| {
                format!(
                    "        {}\n",
                    row.iter().map(|w| format!("0x{w:016X},")).collect::<Vec<_>>().join(" ")
                )
            })
            .collect();
        format!("[\n{}    ]", lines.concat())
    }

    /// Rust text for a list of bytes, sixteen to a line.
    fn bytes_text(bytes: &[u8]) -> String {
        let lines: Vec<String> = bytes
            .chunks(16)
            .map(|row| {
                format!(
                    "        {}\n",
                    row.iter().map(|b| format!("0x{b:02X},")).collect::<Vec<_>>().join(" ")
                )
            })
            .collect();
        format!("[\n{}    ]", lines.concat())
    }

    /// The text of `default_tables.rs`.
    fn default_tables_source() -> String {
        use std::fmt::Write;
        let mut out = String::from(
            "//! The default rule set's compiled tables ([`super::CompiledRules`]), built at compile\n\
             //! time so that a process starts without building them, for GB 18030 and UTF-8 input.\n\
             //!\n\
             //! Generated by `CompiledRules::by_judging` (`GBCHECK_BLESS=1 cargo test --lib\n\
             //! default_tables`); do not edit by hand: that test fails when this file is stale.\n\n\
             use super::{expand_bits, Generated};\n\
             use crate::encoding::Encoding;\n\
             use crate::scan::{FourByteRows, PlainRows};\n\n\
             /// The tables of an input encoding.\n\
             pub(super) fn of(input: Encoding) -> &'static Generated {\n\
             \x20   match input {\n\
             \x20       Encoding::Gb18030 => &GB18030,\n\
             \x20       Encoding::Utf8 => &UTF8,\n\
             \x20   }\n\
             }\n",
        );
        for (input, name) in [(Encoding::Gb18030, "GB18030"), (Encoding::Utf8, "UTF8")] {
            let c = CompiledRules::by_judging(RuleSet::default(), input);
            let skip = match &c.skip_two_byte {
                Some(table) => {
                    let mut words = vec![0u64; 1024];
                    for (i, &skip) in table.get().iter().enumerate() {
                        words[i / 64] |= u64::from(skip) << (i % 64);
                    }
                    let _ = write!(
                        out,
                        "\nstatic {name}_SKIP_TWO_BYTE: [bool; 0x1_0000] = expand_bits(&{});\n",
                        words_text(&words)
                    );
                    format!("Some(&{name}_SKIP_TWO_BYTE)")
                }
                None => "None".to_string(),
            };
            let (map, lead_sets, trail_sets) = c.plain_rows.parts();
            let (four_map, spans) = c.four_byte_rows.parts();
            let _ = write!(
                out,
                "\nstatic {name}: Generated = Generated {{\n    fires: {},\n    slow: {},\n    skip_two_byte: {skip},\n    \
                 plain_rows: PlainRows::from_parts(\n    {},\n    {},\n    {},\n    ),\n    all_supplementary: {},\n    \
                 skip_four_byte_bmp: {},\n    four_byte_rows: FourByteRows::from_parts({}, 0x{spans:016X}),\n}};\n",
                words_text(&c.fires.0),
                words_text(&c.slow.0),
                bytes_text(&map),
                bytes_text(&lead_sets),
                bytes_text(&trail_sets),
                c.all_supplementary,
                words_text(&c.skip_four_byte_bmp.0),
                bytes_text(&four_map),
            );
        }
        out
    }

    #[test]
    fn the_tables_are_those_of_judge_char() {
        // Every profile, input and level, with all rules on (at their default severities),
        // all off, each one alone off and each one alone on (the sets the fast construction
        // reads are chosen rule by rule, and GB006 decides whether the others are looked at).
        let mut sets = Vec::new();
        for profile in Profile::ALL {
            for level in [None, Some(1), Some(2), Some(3)] {
                let mut all_on = RuleSet::new(profile);
                all_on.level = level;
                let mut all_off = all_on;
                for &rule in Rule::ALL {
                    all_off.set_severity(rule, None);
                }
                sets.extend([all_on, all_off]);
                for &rule in Rule::ALL {
                    let mut one_off = all_on;
                    one_off.set_severity(rule, None);
                    let mut one_on = all_off;
                    one_on.set_severity(rule, all_on.severity(rule).or(Some(Severity::Warning)));
                    sets.extend([one_off, one_on]);
                }
            }
        }
        for rules in sets {
            for input in [Encoding::Gb18030, Encoding::Utf8] {
                assert_same(rules, input);
            }
        }
    }

    /// A lead is in the map of four-byte rows exactly when every code it starts is assigned
    /// and passed over, asked code by code; with and without a level, and with a profile
    /// that judges every supplementary character.
    #[test]
    fn four_byte_rows_are_the_leads_whose_codes_all_pass() {
        let with_level = RuleSet { level: Some(2), ..RuleSet::default() };
        for rules in
            [RuleSet::default(), with_level, RuleSet::new(Profile::Gbk), RuleSet::new(Profile::Cp936)]
        {
            let compiled = CompiledRules::new(rules, Encoding::Gb18030);
            // Whether every code of the span `lead b2` is assigned and passed over.
            let span_passes = |lead: u8, b2: u8| {
                (0x81..=0xFEu8).all(|b3| {
                    (0x30..=0x39u8).all(|b4| {
                        crate::scan::grammar::is_assigned_four_byte(four_byte_pointer(lead, b2, b3, b4))
                            && compiled.skips_four_byte(u32::from_be_bytes([lead, b2, b3, b4]))
                    })
                })
            };
            let (mut rows_seen, mut spans_seen) = (0, 0);
            for lead in 0x81..=0xFEu8 {
                let all_pass = (0x30..=0x39u8).all(|b2| span_passes(lead, b2));
                assert_eq!(compiled.four_byte_rows.has(lead), all_pass, "{rules:?} {lead:02X}");
                rows_seen += usize::from(all_pass);
                for b2 in 0x30..=0x39u8 {
                    let all_pass = span_passes(lead, b2);
                    let in_span =
                        compiled.four_byte_rows.span_passes(u32::from_be_bytes([lead, b2, 0x81, 0x30]));
                    // The spans are those of the BMP leads 81-84.
                    assert_eq!(in_span, all_pass && lead <= 0x84, "{rules:?} {lead:02X}{b2:02X}");
                    spans_seen += usize::from(in_span);
                }
            }
            // The test is of something: the default rules pass the rows 90-D7.
            if rules == RuleSet::default() {
                assert!(rows_seen >= 72 && spans_seen >= 20, "{rows_seen} {spans_seen}");
            }
        }
    }
}
