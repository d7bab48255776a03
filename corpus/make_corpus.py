#!/usr/bin/env python3
"""Writes the gbcheck sample corpus and, beside every sample F, its expected report F.jsonl.

Usage: python3 corpus/make_corpus.py [OUTPUT_DIR]      (default: the directory of this script)

Deterministic and stdlib only. Every sample is assembled from pieces: text, whose GB 18030 bytes
come from the oracle tables in ../oracle (the strict GB 18030-2022 glibc charmap, cross-checked
against the WHATWG index; never Python's 'gb18030' codec, which follows the 2000 edition), and
defects, whose rule, span, line, column and character are recorded at the moment they are
appended. The expected reports are therefore derived by construction, from docs/gb18030.md,
the contract in docs/output.md and the oracle tables, never from running gbcheck.

A sample that needs command-line options (a profile, a level, an explicit encoding) has them
in `F.args`, one argument a line; `F.jsonl` is then what those options give, and
`F.default.jsonl` what the default options give (the whole-directory run uses no options).

Before anything is written, every sample is checked a second, independent way: a small model
of the checker written from the same documents (a GB 18030 decoder from docs/gb18030.md
("Byte grammar", "Malformed input"), Python's UTF-8 decoder, whose error spans follow the same
"maximal subpart" practice as Rust's Utf8Error::error_len, the rules of docs/output.md ("Rules")
over the oracle tables, `--encoding auto` and GB008 as docs/output.md ("Rules"),
docs/gb18030.md ("Telling UTF-8 from GB 18030") and src/check.rs describe them, and the GB009
run logic documented in src/rules/mojibake.rs) decodes each sample under each set of options.
Its findings must equal the constructed ones exactly, so text around the defects provably
reports nothing. The same model checks that the hand-written files of the corpus directory
(this script, README.md) report nothing either, since the whole-directory test checks them too.
"""

import gzip
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ORACLE = os.path.join(ROOT, "oracle")

# The rules of the contract (docs/output.md, "Rules"): id -> (name, default severity).
RULES = {
    "GB001": ("invalid-sequence", "error"),
    "GB002": ("truncated-sequence", "error"),
    "GB003": ("unassigned-code", "error"),
    "GB004": ("round-trip-mismatch", "error"),
    "GB005": ("edition-sensitive", "warning"),
    "GB006": ("unencodable", "error"),
    "GB007": ("private-use", "warning"),
    "GB008": ("wrong-encoding", "error"),
    "GB009": ("mojibake", "warning"),
    "GB010": ("outside-level", "error"),
    "GB011": ("byte-order-mark", "warning"),
    "GB012": ("control-character", "warning"),
    "GB013": ("replacement-character", "warning"),
    "GB014": ("removed-character", "warning"),
}
# Findings about bytes rather than one character: their "char" is null.
BYTE_LEVEL_RULES = {"GB001", "GB002", "GB003", "GB008", "GB009"}

# ---------------------------------------------------------------------------------------------
# Oracle tables
# ---------------------------------------------------------------------------------------------


def load_glibc_charmap():
    """Scalar -> bytes from oracle/glibc/GB18030.gz (strict GB 18030-2022)."""
    table = {}
    line_re = re.compile(r"<U([0-9A-F]+)>(?:\.\.<U([0-9A-F]+)>)?\s+((?:/x[0-9a-f]{2})+)\s")
    in_charmap = False
    with gzip.open(os.path.join(ORACLE, "glibc", "GB18030.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("CHARMAP"):
                in_charmap = True
                continue
            if line.startswith("END CHARMAP"):
                break
            if not in_charmap:
                continue
            m = line_re.match(line)
            if not m:
                continue
            first = int(m.group(1), 16)
            last = int(m.group(2) or m.group(1), 16)
            code = bytes(int(x, 16) for x in m.group(3).split("/x")[1:])
            for k in range(last - first + 1):
                # A range increments the last byte; it never carries (checked here).
                end = code[-1] + k
                assert end <= (0x39 if len(code) == 4 else 0xFE), line
                table[first + k] = code[:-1] + bytes([end])
    return table


def load_whatwg():
    """The WHATWG two-byte index (pointer -> scalar) and four-byte ranges (offset, scalar)."""
    index = {}
    with open(os.path.join(ORACLE, "whatwg", "index-gb18030.txt"), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and not line.startswith("#"):
                index[int(parts[0])] = int(parts[1], 16)
    ranges = []
    with open(os.path.join(ORACLE, "whatwg", "index-gb18030-ranges.txt"), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and not line.startswith("#"):
                ranges.append((int(parts[0]), int(parts[1], 16)))
    return index, ranges



def load_edition_table():
    """oracle/gb18030-edition-differences.tsv: code -> its scalar in each column, and scalar ->
    its code in each column (None for ERR / UNMAPPABLE). Columns, in the file's order:
    2000, 2005, 2022 strict, WHATWG, ICU 76, glibc 2.36."""
    decode, encode = {}, {}
    section = None
    path = os.path.join(ORACLE, "gb18030-edition-differences.tsv")
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# decode"):
                section = "decode"
            elif line.startswith("# encode"):
                section = "encode"
            elif line.startswith("#") or not line.strip() or line.startswith(("bytes", "scalar")):
                continue
            elif section == "decode":
                key, *values = line.split("\t")
                decode[bytes.fromhex(key)] = [None if v == "ERR" else int(v[2:], 16) for v in values]
            elif section == "encode":
                key, *values = line.split("\t")
                encode[int(key[2:], 16)] = [None if v == "UNMAPPABLE" else bytes.fromhex(v) for v in values]
    return decode, encode


def load_levels():
    """oracle/gb18030-2022-levels.tsv: (first, last, level) ranges."""
    ranges = []
    with open(os.path.join(ORACLE, "gb18030-2022-levels.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith(("#", "level")) or not line.strip():
                continue
            level, first, last = line.split("\t")[:3]
            ranges.append((int(first[2:], 16), int(last[2:], 16), int(level)))
    return ranges


GLIBC = load_glibc_charmap()
GLIBC_DECODE = {code: cp for cp, code in GLIBC.items()}
assert len(GLIBC_DECODE) == len(GLIBC), "strict GB 18030-2022 is a bijection"
WHATWG_INDEX, WHATWG_RANGES = load_whatwg()
DECODE_ROWS, ENCODE_ROWS = load_edition_table()
# Text pieces avoid every code and scalar of the table, even those on which only glibc 2.36
# differs (the 6 PUA components FE51 ... and their Ext B twins).
EDITION_CODES, EDITION_SCALARS = set(DECODE_ROWS), set(ENCODE_ROWS)
LEVELS = load_levels()
# docs/gb18030.md, "Editions": the 15 codes removed from the 2022 repertoire (GB014).
REMOVED_CODES = {
    bytes.fromhex(h)
    for h in "FE51 FE52 FE53 FE6C FE76 FE91 FD9C FD9D FD9E FD9F FDA0 FE40 FE41 FE47 FE49".split()
}
# The columns of the edition table that the contract's GB005 compares ("2000, 2005, 2022 and
# WHATWG"), and the column of each profile (gbk is handled apart, see profile_decode).
EDITION_COLUMNS = range(4)
PROFILE_COLUMN = {"gb18030-2005": 1, "gb18030-2022": 2, "whatwg": 3}
PROFILES = ("gb18030-2022", "gb18030-2005", "gbk", "whatwg")


def two_byte_pointer(lead, trail):
    return (lead - 0x81) * 190 + (trail - 0x40 if trail < 0x7F else trail - 0x41)


def four_byte_pointer(b1, b2, b3, b4):
    return (b1 - 0x81) * 12600 + (b2 - 0x30) * 1260 + (b3 - 0x81) * 10 + (b4 - 0x30)


def four_byte_code(pointer):
    return bytes(
        [
            pointer // 12600 + 0x81,
            pointer // 1260 % 10 + 0x30,
            pointer // 10 % 126 + 0x81,
            pointer % 10 + 0x30,
        ]
    )


def four_byte_assigned(pointer):
    """docs/gb18030.md, "Four-byte codes": 0..=39419 (BMP) and 189000..=1237575
    (U+10000..U+10FFFF)."""
    return pointer <= 39419 or 189000 <= pointer <= 1237575


def whatwg_decode(code):
    """The WHATWG decoder's scalar for one complete code, or None."""
    if len(code) == 1:
        return code[0] if code[0] < 0x80 else None
    if len(code) == 2:
        return WHATWG_INDEX.get(two_byte_pointer(code[0], code[1]))
    pointer = four_byte_pointer(*code)
    if (39419 < pointer < 189000) or pointer > 1237575:
        return None
    if pointer >= 189000:
        return 0x10000 + pointer - 189000
    if pointer == 7457:
        return 0xE7C7
    offset, scalar = max(r for r in WHATWG_RANGES if r[0] <= pointer)
    return scalar + pointer - offset


def strict_code(cp):
    """The strict GB 18030-2022 code of a scalar: the glibc charmap for the BMP, the linear
    four-byte mapping for the supplementary planes (checked against glibc where it lists one).
    Where the WHATWG index is meant to agree (every code outside the edition table), it must."""
    if cp < 0x80:
        code = bytes([cp])
    elif cp >= 0x10000:
        code = four_byte_code(189000 + cp - 0x10000)
        assert GLIBC.get(cp, code) == code, f"glibc disagrees on U+{cp:04X}"
    else:
        code = GLIBC[cp]
    if code not in DECODE_ROWS:
        assert whatwg_decode(code) == cp, f"WHATWG disagrees on U+{cp:04X} = {code.hex()}"
    return code


def strict_decode(code):
    """The strict GB 18030-2022 scalar of a valid code (the inverse of strict_code)."""
    if len(code) == 1:
        assert code[0] < 0x80
        return code[0]
    if len(code) == 4 and four_byte_pointer(*code) >= 189000:
        pointer = four_byte_pointer(*code)
        assert four_byte_assigned(pointer)
        return 0x10000 + pointer - 189000
    return GLIBC_DECODE[code]


def is_private_use(cp):
    """GB007: U+E000-U+F8FF, planes 15 and 16 (docs/output.md, "Rules")."""
    return 0xE000 <= cp <= 0xF8FF or 0xF0000 <= cp <= 0xFFFFD or 0x100000 <= cp <= 0x10FFFD


def is_reported_control(cp):
    """GB012: C0 controls other than TAB, LF, CR (NUL included); DEL; C1 controls."""
    return (cp < 0x20 and cp not in (0x09, 0x0A, 0x0D)) or 0x7F <= cp <= 0x9F


def level_of(cp):
    """The lowest GB 18030-2022 implementation level listing `cp`, or None."""
    levels = [level for first, last, level in LEVELS if first <= cp <= last]
    return min(levels) if levels else None


def edition_sensitive_code(code):
    row = DECODE_ROWS.get(code)
    return row is not None and len({row[c] for c in EDITION_COLUMNS}) > 1


def edition_sensitive_scalar(cp):
    row = ENCODE_ROWS.get(cp)
    return row is not None and len({row[c] for c in EDITION_COLUMNS}) > 1


def profile_decode(profile, code):
    """What a code (one the grammar accepts, or the lone byte 80) means under a profile; None
    when the profile has no such code. GBK (docs/gb18030.md, "GBK") is the two-byte part plus
    80 = U+20AC and has no four-byte codes; what GBK makes of the two-byte codes of the edition
    table is not settled by the documents, so no sample relies on it (asserted)."""
    if profile == "gbk":
        if len(code) == 4:
            return None
        if code == b"\x80":
            return 0x20AC
        assert code not in DECODE_ROWS, f"GBK and {code.hex()}: not settled, not used"
        return strict_decode(code)
    if code in DECODE_ROWS:
        return DECODE_ROWS[code][PROFILE_COLUMN[profile]]
    if code == b"\x80":
        return None
    return strict_decode(code)


def profile_encode(profile, cp):
    """The code of a scalar under a profile, or None when it cannot encode it."""
    if profile == "gbk":
        if cp == 0x20AC:
            return b"\x80"
        assert cp not in ENCODE_ROWS, f"GBK and U+{cp:04X}: not settled, not used"
        code = strict_code(cp)
        return None if len(code) == 4 else code
    if cp in ENCODE_ROWS:
        return ENCODE_ROWS[cp][PROFILE_COLUMN[profile]]
    return strict_code(cp)


def meaning(encoding, code, cp, profile):
    """The character a finding names: for UTF-8 input the scalar; for GB 18030 input what the
    code means under the profile, or the strict 2022 scalar when the profile has no such code
    (a four-byte code under gbk)."""
    if encoding == "utf-8":
        return cp
    m = profile_decode(profile, code)
    return cp if m is None else m


def judge_char(encoding, code, cp, options):
    """The character rules of docs/output.md ("Rules") for one valid character: a list of
    (rule, scalar). `code` is the character's GB 18030 code in GB 18030 input (or the lone 80
    under a profile that reads it), `cp` its strict 2022 scalar (None for that 80)."""
    profile, out = options["profile"], []
    if encoding == "gb18030":
        m = profile_decode(profile, code)
        if m is None:  # not a code of the profile: nothing more to say about it
            return [("GB006", cp)]
        back = profile_encode(profile, m)
        if back is None:
            out.append(("GB006", m))
        elif back != code:
            out.append(("GB004", m))
        if edition_sensitive_code(code):
            out.append(("GB005", m))
    else:
        m = cp
        encoded = profile_encode(profile, cp)
        if encoded is None:
            out.append(("GB006", m))
        elif profile_decode(profile, encoded) != cp:
            out.append(("GB004", m))
        if edition_sensitive_scalar(cp):
            out.append(("GB005", m))
    if is_private_use(m):
        out.append(("GB007", m))
    if m == 0xFEFF:
        out.append(("GB011", m))
    if is_reported_control(m):
        out.append(("GB012", m))
    if m == 0xFFFD:
        out.append(("GB013", m))
    if cp is not None and strict_code(cp) in REMOVED_CODES:
        out.append(("GB014", m))
    if options["level"] is not None and cp is not None:
        level = level_of(cp)
        if level is None or level > options["level"]:
            out.append(("GB010", m))
    return out


def check_text_char(ch, allowed):
    """Text pieces hold only characters no rule reports (unless allowed); the model checks
    this again under the sample's options."""
    cp = ord(ch)
    if ch in allowed:
        return
    assert ch in "\t\n" or not (cp < 0x20 or 0x7F <= cp <= 0x9F), f"control U+{cp:04X} in text"
    assert not is_private_use(cp), f"private-use U+{cp:04X} in text"
    assert cp not in (0xFEFF, 0xFFFD), f"U+{cp:04X} in text"
    assert cp not in EDITION_SCALARS, f"edition-sensitive U+{cp:04X} in text"


def gb18030_encode_char(ch):
    """The strict GB 18030-2022 bytes of one text character, which must avoid the edition
    table and the removed codes."""
    code = strict_code(ord(ch))
    assert code not in EDITION_CODES, f"edition-sensitive code {code.hex()}"
    assert code not in REMOVED_CODES, f"removed code {code.hex()}"
    return code


# ---------------------------------------------------------------------------------------------
# GB009: the run logic documented in src/rules/mojibake.rs, written again from its comments
# ---------------------------------------------------------------------------------------------

# Windows-1252 bytes 80-9F (the five undefined ones read as C1 controls, as Windows does).
WINDOWS_1252_HIGH = (
    "\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f"
    "\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178"
)
# "烫" (CC CC) and "屯" (CD CD): uninitialised memory read as GBK; three make a run.
FILL_CHARACTERS = ("\u70eb", "\u5c6f")
FILL_RUN = 3
MAX_RUN = 48


def single_byte(cp):
    """The byte a single-byte code page (Windows-1252; Latin-1 for 80-9F) reads as `cp`."""
    if 0xA0 <= cp <= 0xFF:
        return cp
    if chr(cp) in WINDOWS_1252_HIGH:
        return 0x80 + WINDOWS_1252_HIGH.index(chr(cp))
    return cp if 0x80 <= cp <= 0x9F else None


def two_byte(cp):
    code = strict_code(cp)
    return code if len(code) == 2 else None


def start_family(cp):
    if chr(cp) in FILL_CHARACTERS:
        return ("repeat", cp)
    code = two_byte(cp)
    if code is not None and 0xE0 <= code[0] <= 0xEF and 0x80 <= code[1] <= 0xBF:
        return ("two-byte", None)
    b = single_byte(cp)
    return ("single-byte", None) if b is not None and b >= 0x81 else None


def belongs(family, cp):
    kind, repeated = family
    if kind == "repeat":
        return cp == repeated
    if kind == "two-byte":
        return two_byte(cp) is not None
    return single_byte(cp) is not None


def gb2312(cp):
    """None when not a GB 2312 character; else whether it is a level-1 hanzi."""
    code = two_byte(cp)
    if code is None or is_private_use(cp):
        return None
    lead, trail = code
    if not ((0xA1 <= lead <= 0xA9 or 0xB0 <= lead <= 0xF7) and 0xA1 <= trail <= 0xFE):
        return None
    return 0xB0 <= lead <= 0xD7


def common_text(cps):
    level_1 = 0
    for cp in cps:
        g = gb2312(cp)
        if g is None:
            return False
        level_1 += g
    return level_1 >= 2


def repaired_utf8(data):
    """(bytes used, "common" or "replacement") for the longest valid UTF-8 prefix, or None."""
    try:
        data.decode("utf-8")
        used = len(data)
    except UnicodeDecodeError as e:
        used = e.start
    text = data[:used].decode("utf-8")
    if len(text) < 2:
        return None
    if all(ch == "\ufffd" for ch in text):
        return used, "replacement"
    return (used, "common") if common_text(map(ord, text)) else None


def repaired_gbk(data):
    cps = []
    for i in range(0, len(data) - 1, 2):
        lead, trail = data[i], data[i + 1]
        if not (0x81 <= lead <= 0xFE and (0x40 <= trail <= 0x7E or 0x80 <= trail <= 0xFE)):
            break
        cps.append(strict_decode(bytes([lead, trail])))
    return 2 * len(cps) if len(cps) >= 2 and common_text(cps) else None


def judge_run(family, run):
    """How many of the run's characters are mojibake (0: none)."""
    kind = family[0]
    cps = [cp for cp, _ in run]
    if kind == "repeat":
        return len(run) if len(run) >= FILL_RUN else 0
    if kind == "two-byte":
        r = repaired_utf8(b"".join(two_byte(cp) for cp in cps))
        return (r[0] + 1) // 2 if r else 0
    data = bytes(single_byte(cp) for cp in cps)
    r = repaired_utf8(data)
    if r and r[1] == "common":
        return r[0]
    return repaired_gbk(data) or 0


class MojibakeTracker:
    """Runs start at a character that can start one and go on while characters belong."""

    def __init__(self):
        self.family, self.start, self.run, self.found = None, 0, [], []

    def push(self, offset, length, cp):
        if self.family is not None and belongs(self.family, cp) and len(self.run) < MAX_RUN:
            self.run.append((cp, length))
            return
        self.end()
        family = start_family(cp)
        if family is not None:
            self.family, self.start, self.run = family, offset, [(cp, length)]

    def end(self):
        if self.family is not None:
            count = judge_run(self.family, self.run)
            if count:
                self.found.append((self.start, sum(n for _, n in self.run[:count])))
        self.family, self.run = None, []


# ---------------------------------------------------------------------------------------------
# The model: what gbcheck must report for some bytes under some options
# ---------------------------------------------------------------------------------------------


def gb18030_events(data):
    """Decodes per docs/gb18030.md ("Byte grammar", "Malformed input"): ("char", offset,
    length, code, scalar) for valid characters, (rule, offset, length) for malformed spans."""
    events = []
    i, n = 0, len(data)
    while i < n:
        b1 = data[i]
        if b1 < 0x80:
            events.append(("char", i, 1, bytes([b1]), b1))
            i += 1
            continue
        if b1 in (0x80, 0xFF):
            events.append(("GB001", i, 1))
            i += 1
            continue
        if i + 1 >= n:
            events.append(("GB002", i, n - i))
            break
        b2 = data[i + 1]
        if 0x40 <= b2 <= 0x7E or 0x80 <= b2 <= 0xFE:
            code = bytes(data[i : i + 2])
            assert whatwg_decode(code) is not None
            events.append(("char", i, 2, code, strict_decode(code)))
            i += 2
        elif 0x30 <= b2 <= 0x39:
            if i + 2 >= n:
                events.append(("GB002", i, n - i))
                break
            if not 0x81 <= data[i + 2] <= 0xFE:
                events.append(("GB001", i, 1))  # the lead only; the rest is read again
                i += 1
                continue
            if i + 3 >= n:
                events.append(("GB002", i, n - i))
                break
            if not 0x30 <= data[i + 3] <= 0x39:
                events.append(("GB001", i, 1))  # the lead only; the rest is read again
                i += 1
                continue
            code = bytes(data[i : i + 4])
            if four_byte_assigned(four_byte_pointer(*code)):
                events.append(("char", i, 4, code, strict_decode(code)))
            else:
                events.append(("GB003", i, 4))
            i += 4
        elif b2 < 0x80:
            events.append(("GB001", i, 1))  # an ASCII byte is not swallowed
            i += 1
        else:  # FF is swallowed with the lead
            events.append(("GB001", i, 2))
            i += 2
    return events


class _Collect:
    """A codecs error handler that records each malformed span and stands in one character."""

    def __init__(self):
        self.errors = []

    def __call__(self, exc):
        rule = "GB002" if exc.reason == "unexpected end of data" else "GB001"
        self.errors.append((rule, exc.start, exc.end - exc.start))
        return ("\ufffd", exc.end)


def utf8_events(data):
    """Python's UTF-8 decoder's characters and malformed spans, as gb18030_events gives them."""
    import codecs

    collect = _Collect()
    codecs.register_error("gbcheck-corpus-collect", collect)
    text = bytes(data).decode("utf-8", "gbcheck-corpus-collect")
    events, offset, k = [], 0, 0
    for rule, start, length in collect.errors:
        while offset < start:
            size = len(text[k].encode("utf-8"))
            events.append(("char", offset, size, None, ord(text[k])))
            offset += size
            k += 1
        events.append((rule, start, length))
        offset += length
        k += 1  # the stand-in character
    for ch in text[k:]:
        size = len(ch.encode("utf-8"))
        events.append(("char", offset, size, None, ord(ch)))
        offset += size
    assert offset == len(data)
    return events


def with_positions(data, events):
    """Each event with its line and column: one column per character or malformed span."""
    out, line, column = [], 1, 1
    for event in events:
        out.append((event, line, column))
        if event[0] == "char" and data[event[1]] == 0x0A:
            line, column = line + 1, 1
        else:
            column += 1
    return out


def auto_encoding(data):
    """`--encoding auto` as docs/gb18030.md ("Telling UTF-8 from GB 18030") and src/encoding.rs
    describe it."""
    data = bytes(data)
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    if not data.isascii():
        try:
            data.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            pass
    return "gb18030"


def round_trip_code(encoding, code, cp, profile):
    """GB004's other code ("round_trip_bytes"): for GB 18030 input the code that what `code`
    means under the profile encodes back as; for UTF-8 input the code `cp` encodes as."""
    if encoding == "gb18030":
        return profile_encode(profile, profile_decode(profile, code))
    return profile_encode(profile, cp)


def finding(path, rule, data, offset, length, line, column, char, round_trip=None):
    name, severity = RULES[rule]
    return {
        "type": "finding",
        "path": path,
        "rule": rule,
        "name": name,
        "severity": severity,
        "line": line,
        "column": column,
        "byte_offset": offset,
        "byte_len": length,
        "bytes": bytes(data[offset : offset + length]).hex(" "),
        "char": None if char is None else f"U+{char:04X}",
        "round_trip_bytes": None if round_trip is None else round_trip.hex(" "),
    }


def sort_findings(findings):
    return sorted(findings, key=lambda f: (f["byte_offset"], f["rule"]))


def model_report(path, data, options):
    """The findings `gbcheck check --format jsonl` must give for `data` under `options`."""
    data = bytes(data)
    choice = options["encoding"]
    encoding = auto_encoding(data) if choice == "auto" else choice
    if choice != "auto":
        # GB008: plainly the other encoding; then nothing else is reported.
        if encoding == "gb18030":
            try:
                data.decode("utf-8")
                other = not data.isascii()
            except UnicodeDecodeError:
                other = False
        else:
            try:
                data.decode("utf-8")
                other = False
            except UnicodeDecodeError:
                clean = all(e[0] == "char" for e in gb18030_events(data))
                other = clean and not data.isascii()
        if other:
            found = finding(path, "GB008", data, 0, 0, 1, 1, None)
            return [dict(found, fix=model_fix(found, data, encoding, choice))]
    events = gb18030_events(data) if encoding == "gb18030" else utf8_events(data)
    found, tracker = [], MojibakeTracker()
    rows = {}  # offset -> (line, column), for the runs of mojibake
    for event, line, column in with_positions(data, events):
        kind, offset, length = event[:3]
        rows[offset] = (line, column)
        if kind != "char":
            tracker.end()
            span = data[offset : offset + length]
            if encoding == "gb18030" and span == b"\x80" and profile_decode(options["profile"], span):
                judged = judge_char(encoding, span, None, options)
            else:
                found.append(finding(path, kind, data, offset, length, line, column, None))
                continue
        else:
            code, cp = event[3], event[4]
            if cp < 0x80:
                tracker.end()
            else:
                tracker.push(offset, length, cp)
            judged = judge_char(encoding, code, cp, options)
        for rule, char in judged:
            trip = None
            if rule == "GB004":
                code = span if kind != "char" else event[3]
                trip = round_trip_code(encoding, code, None if kind != "char" else event[4], options["profile"])
            found.append(finding(path, rule, data, offset, length, line, column, char, trip))
    tracker.end()
    for offset, length in tracker.found:
        line, column = rows[offset]
        found.append(finding(path, "GB009", data, offset, length, line, column, None))
    for f in found:
        f["fix"] = model_fix(f, data, encoding, choice)
    return sort_findings(found)


# ---------------------------------------------------------------------------------------------
# The fix of a finding (`"fix"`, docs/output.md), from the edition table and Python's codecs
# ---------------------------------------------------------------------------------------------

def stand_in_target(cp):
    """The character GB 18030-2022 gives the code a 2005 encoder writes for `cp`, when `cp`
    is a 2005 private-use stand-in (columns: 2000, 2005, 2022)."""
    code = ENCODE_ROWS.get(cp, [None, None])[1]
    target = DECODE_ROWS.get(code, [None, None, None])[2] if code else None
    if target is None or target == cp or is_private_use(target):
        return None
    return target


def migrated_code(code):
    """2022's code for what 2005 reads from `code`, when 2022 reads a private-use character."""
    row = DECODE_ROWS.get(code)
    if row is None or row[1] is None or row[2] is None:
        return None
    old, new = row[1], row[2]
    if old == new or is_private_use(old) or not is_private_use(new):
        return None
    return ENCODE_ROWS[old][2]


def repaired_run(text):
    """The text a run of mojibake was before it was garbled, when garbling it again gives the
    run exactly: UTF-8 read as GBK, UTF-8 read as Windows-1252, GBK read as Latin-1."""
    def single(t):
        out = bytearray()
        for ch in t:
            b = single_byte(ord(ch))
            if b is None:
                return None
            out.append(b)
        return bytes(out)
    attempts = [
        lambda: text.encode("gbk").decode("utf-8"),
        lambda: single(text).decode("utf-8"),
        lambda: single(text).decode("gbk"),
    ]
    for attempt in attempts:
        try:
            original = attempt()
        except (UnicodeError, AttributeError):
            continue
        if "\ufffd" not in original and original != text:
            return original
    return None


def fix_record(safe, replacement=None, convert_to=None):
    if convert_to is not None:
        description = "convert the file to " + {"utf-8": "UTF-8", "gb18030": "GB 18030"}[convert_to]
    elif replacement == b"":
        description = "remove the bytes"
    else:
        description = "replace with " + replacement.hex(" ")
    return {
        "safe": safe,
        "replacement": None if replacement is None else replacement.hex(" "),
        "convert_to": convert_to,
        "description": description,
    }


def model_fix(f, data, encoding, choice):
    """The `fix` object of a finding, or None."""
    rule, offset, length = f["rule"], f["byte_offset"], f["byte_len"]
    span = data[offset : offset + length]
    if rule == "GB011" and offset == 0:
        return fix_record(True, b"")
    if rule in ("GB005", "GB007"):
        if encoding == "utf-8":
            target = stand_in_target(int(f["char"][2:], 16))
            return None if target is None else fix_record(True, chr(target).encode("utf-8"))
        code = migrated_code(span)
        return None if code is None else fix_record(True, code)
    if rule == "GB012":
        return fix_record(False, b"")
    if rule == "GB008":
        return fix_record(False, convert_to=choice)
    if rule == "GB009":
        text = span.decode("utf-8") if encoding == "utf-8" else span.decode("gb18030")
        original = repaired_run(text)
        if original is None:
            return None
        if encoding == "utf-8":
            return fix_record(False, original.encode("utf-8"))
        return fix_record(False, b"".join(strict_code(ord(ch)) for ch in original))
    return None


DEFAULT_OPTIONS = {"encoding": "auto", "profile": "gb18030-2022", "level": None}


def parse_args(args):
    """The options of a sample's command-line arguments (only the few the corpus uses)."""
    options = dict(DEFAULT_OPTIONS)
    it = iter(args)
    for arg in it:
        if arg == "--encoding":
            options["encoding"] = next(it)
            assert options["encoding"] in ("gb18030", "utf-8")
        elif arg == "--profile":
            options["profile"] = next(it)
            assert options["profile"] in PROFILES
        elif arg == "--level":
            options["level"] = int(next(it))
            assert options["level"] in (1, 2, 3)
        else:
            raise AssertionError(f"argument not modelled: {arg}")
    return options


# ---------------------------------------------------------------------------------------------
# Building a sample piece by piece
# ---------------------------------------------------------------------------------------------


class Sample:
    """A corpus file under construction, with its expected findings.

    `args` are the sample's extra command-line arguments (written to `F.args`). Each piece
    that must be reported says what the run with `args` reports (`rules`) and, when there are
    args, what the default run reports (`default`); without args the two runs are one."""

    def __init__(self, relpath, encoding, args=()):
        assert encoding in ("gb18030", "utf-8")
        self.relpath = relpath  # relative to the corpus directory, with '/'
        self.encoding = encoding
        self.args = list(args)
        self.options = parse_args(self.args)
        self.data = bytearray()
        self.line = 1
        self.column = 1
        self.findings = []  # with args
        self.default_findings = []  # with the default options (kept only when there are args)
        self.wrong_encoding = False
        self.mojibake_runs = []

    @property
    def path(self):
        return "corpus/" + self.relpath

    def _runs(self, rules, default):
        """[(findings list, options, rule ids)] for the runs a piece is recorded in."""
        if not self.args:
            assert default is None, "a sample without args has one run"
            return [(self.findings, self.options, rules.split())]
        assert default is not None, f"{self.relpath}: say what the default options give"
        return [
            (self.findings, self.options, rules.split()),
            (self.default_findings, DEFAULT_OPTIONS, default.split()),
        ]

    def _advance(self, ch):
        if ch == "\n":
            self.line += 1
            self.column = 1
        else:
            self.column += 1

    def text(self, s, allowed=""):
        """Appends text that nothing reports: each character is one column; LF ends a line."""
        for ch in s:
            check_text_char(ch, allowed)
            if self.encoding == "gb18030":
                self.data += gb18030_encode_char(ch)
            else:
                self.data += ch.encode("utf-8")
            self._advance(ch)
        return self

    def _record(self, runs, offset, length, code, cp):
        for findings, options, rules in runs:
            for rule in rules:
                assert rule in RULES, rule
                if rule in BYTE_LEVEL_RULES:
                    char = None
                else:
                    char = meaning(self.encoding, code, cp, options["profile"])
                trip = None
                if rule == "GB004":
                    trip = round_trip_code(self.encoding, code, cp, options["profile"])
                findings.append(
                    finding(self.path, rule, self.data, offset, length, self.line, self.column, char, trip)
                )

    def defect(self, rule, span):
        """Appends one malformed span (one column), reported alike by every run."""
        assert rule in ("GB001", "GB002", "GB003") and 1 <= len(span) <= 4
        assert b"\n" not in span
        offset = len(self.data)
        self.data += span
        self._record(self._runs(rule, None if not self.args else rule), offset, len(span), None, None)
        self.column += 1
        return self

    # GB 18030 shorthands (docs/gb18030.md, "Byte grammar").
    def gb001(self, span):
        return self.defect("GB001", span)

    def gb002(self, span):
        return self.defect("GB002", span)

    def gb003(self, code):
        assert len(code) == 4 and not four_byte_assigned(four_byte_pointer(*code))
        return self.defect("GB003", code)

    def char(self, ch, rules, default=None):
        """Appends one character that the rules report: in a UTF-8 sample its UTF-8 bytes, in a
        GB 18030 sample its strict 2022 code (oracle tables)."""
        assert len(ch) == 1
        cp = ord(ch)
        code = strict_code(cp)
        offset = len(self.data)
        self.data += code if self.encoding == "gb18030" else ch.encode("utf-8")
        self._record(self._runs(rules, default), offset, len(self.data) - offset, code, cp)
        self._advance(ch)
        return self

    def code(self, code, rules, default=None):
        """Appends one GB 18030 code as bytes (a GB 18030 sample only): a valid code of the
        edition table, or the lone 80. The characters named come from the oracle tables."""
        assert self.encoding == "gb18030" and len(code) in (1, 2, 4)
        cp = None if code == b"\x80" else strict_decode(code)
        offset = len(self.data)
        self.data += code
        self._record(self._runs(rules, default), offset, len(code), code, cp)
        self.column += 1
        return self

    def mojibake(self, s):
        """Appends a garbled run: one GB009 finding spanning exactly these characters, in
        every run. The characters themselves report nothing else."""
        offset, line, column = len(self.data), self.line, self.column
        self.text(s)
        length = len(self.data) - offset
        for findings, _, _ in self._runs("GB009", None if not self.args else "GB009"):
            findings.append(finding(self.path, "GB009", self.data, offset, length, line, column, None))
        self.mojibake_runs.append((offset, length))
        return self

    def expect_wrong_encoding(self):
        """The run with args (an explicit --encoding) gives one GB008 and nothing else."""
        assert self.options["encoding"] != "auto"
        self.wrong_encoding = True
        return self

    def expected(self):
        """The findings of the run with args (F.jsonl)."""
        if self.wrong_encoding:
            found = [finding(self.path, "GB008", self.data, 0, 0, 1, 1, None)]
        else:
            found = sort_findings(self.findings)
        return self._with_fixes(found, self.options["encoding"])

    def expected_default(self):
        """The findings of the default run (F.default.jsonl), for a sample with args."""
        assert self.args
        return self._with_fixes(sort_findings(self.default_findings), "auto")

    def _with_fixes(self, found, choice):
        """The findings, each with its `fix` (from the edition table and Python's codecs)."""
        data = bytes(self.data)
        encoding = auto_encoding(data) if choice == "auto" else choice
        return [dict(f, fix=model_fix(f, data, encoding, choice)) for f in found]


def verify(sample):
    """The model must give exactly the constructed findings, under each set of options."""
    data = bytes(sample.data)
    assert b"\x00" not in data, sample.relpath
    runs = [(sample.options, sample.expected())]
    if sample.args:
        runs.append((DEFAULT_OPTIONS, sample.expected_default()))
    # `--encoding auto` must take the file as what it was built as (when that matters).
    if not (data.isascii() and not sample.findings):
        assert auto_encoding(data) == sample.encoding, f"{sample.relpath}: auto-detection"
    if sample.options["encoding"] != "auto" and not sample.wrong_encoding:
        assert sample.options["encoding"] == sample.encoding
    for options, want in runs:
        got = model_report(sample.path, data, options)
        if got != want:
            show = lambda fs: "\n".join("   " + json.dumps(f, ensure_ascii=False) for f in fs)
            raise AssertionError(
                f"{sample.relpath} with {options}:\n constructed\n{show(want)}\n model\n{show(got)}"
            )
        for f in want:
            span = data[f["byte_offset"] : f["byte_offset"] + f["byte_len"]]
            assert span.hex(" ") == f["bytes"]


# ---------------------------------------------------------------------------------------------
# The samples
# ---------------------------------------------------------------------------------------------

# Public-domain Tang poems, exactly as in benches/data/classical-poems.utf8.txt
# (Debian fortunes-zh 2.98, tang300).
DENG_GUANQUE_LOU = "《登鹳雀楼》\n作者：王之涣\n白日依山尽，黄河入海流。\n欲穷千里目，更上一层楼。\n"
CHUN_XIAO = "《春晓》\n作者：孟浩然\n春眠不觉晓，处处闻啼鸟。\n夜来风雨声，花落知多少。\n"
YE_SI = "《夜思》\n作者：李白\n床前明月光，疑是地上霜。\n举头望明月，低头思故乡。\n"
CHANG_GAN_XING = "《长干行・其一》\n作者：崔颢\n君家何处住，妾住在横塘。\n停船暂借问，或恐是同乡。\n"
# Su Shunqin (1008-1048), 《城南感怀呈永叔》, last line: holds U+21D53 (CJK Ext B).
SU_SHUNQIN_LINE = "愁愤徒满胸，嵘\U00021d53不能齐。"

POEMS = "\n".join([DENG_GUANQUE_LOU, CHUN_XIAO, YE_SI, CHANG_GAN_XING])


def ascii_sample():
    s = Sample("ascii.txt", "gb18030")
    s.text(
        "Deng Guanque Lou (On the Stork Tower), by Wang Zhihuan, Tang dynasty, in pinyin:\n"
        "bai ri yi shan jin, huang he ru hai liu.\n"
        "yu qiong qian li mu, geng shang yi ceng lou.\n"
        "\n"
        "ASCII bytes that are also GB 18030 trail bytes: @ABCXYZ[\\]^_`abcxyz{|}~\n"
        "ASCII digits, the second and fourth bytes of four-byte codes: 0123456789\n"
        "Tab\tand other printable ASCII: !\"#$%&'()*+,-./:;<=>?\n"
    )
    return s


def empty_sample():
    return Sample("empty.txt", "gb18030")


def valid_all_forms():
    s = Sample("gb18030/valid-all-forms.txt", "gb18030")
    s.text("GB 18030 sample: one-, two- and four-byte codes, all valid.\n")
    s.text("ASCII: The quick brown fox jumps over the lazy dog. 0123456789 @[\\]{|}~\n")
    s.text("GB2312 hanzi: 白日依山尽，黄河入海流。欲穷千里目，更上一层楼。\n")
    s.text("GB2312 symbols: 、。《》「」￥←→①②③㈠ⅰ≈αβАБぁあアイ\n")
    # GBK extension: lead 81-A0, trails 40 (@), 41 (A), 5C (\), 7B ({), 7E (~), 80, FE.
    s.text("GBK extension, trails that look like ASCII and trail 80: 丂丄乗亄亊亐侢俍\n")
    s.text("Four-byte BMP: ¥ ཀ ᠠ ・ 㐀 䶵\n")
    s.text("Four-byte supplementary: \U00010000 \U00020000 \U0002a6d6 \U0001f600\n")
    s.text("Ext B in real text: " + SU_SHUNQIN_LINE + "\n")
    s.text("Poem title with U+30FB: 《长干行・其一》\n")
    return s


def poem_gb18030():
    return Sample("gb18030/poem.gb18030.txt", "gb18030").text(POEMS)


def poem_utf8():
    return Sample("utf-8/poem.utf8.txt", "utf-8").text(POEMS)


def invalid_bytes():
    s = Sample("gb18030/invalid-bytes.txt", "gb18030")
    s.text("GB001 invalid sequences in GB 18030 text, one case a line.\n")
    # A byte that never starts a character.
    s.text("lone 80: 白日依山尽，").gb001(b"\x80").text("黄河入海流。\n")
    s.text("byte FF: 欲穷千里目，").gb001(b"\xff").text("更上一层楼。\n")
    s.text("FF FF 80 in a row: 春眠").gb001(b"\xff").gb001(b"\xff").gb001(b"\x80").text("不觉晓。\n")
    # 81 80 is a valid two-byte code (U+4E90); the lone 80 after it is not.
    s.text("81 80 is valid, the 80 after it is not: 亐").gb001(b"\x80").text("。\n")
    # A lead followed by a byte that can neither be a trail nor a digit.
    s.text("lead then LF: 处处闻啼鸟，").gb001(b"\xb4").text("\n")
    s.text("lead then FF, swallowed: 夜来风雨声，").gb001(b"\xc4\xff").text("花落知多少。\n")
    # The DEL read again after the lead is a control character (GB012).
    s.text("lead then DEL: 床前明月光，").gb001(b"\xd2").char("\x7f", "GB012").text("疑是地上霜。\n")
    s.text("lead then space: 举头望明月，").gb001(b"\xb5").text(" 低头思故乡。\n")
    s.text("lead then '?': 君家何处住").gb001(b"\x81").text("?妾住在横塘。\n")
    s.text("lead then '/': 停船暂借问").gb001(b"\xfe").text("/或恐是同乡。\n")
    # A lead and a digit, then a third byte outside 81-FE: only the lead is malformed.
    s.text("bad third byte 'A': 白日").gb001(b"\x81").text("0A依山尽。\n")
    s.text("bad third byte FF: 黄河").gb001(b"\x81").text("0").gb001(b"\xff").text("入海流。\n")
    s.text("bad third byte LF: 欲穷千里目").gb001(b"\x95").text("2\n")
    # A lead, a digit and a third byte, then a fourth byte outside 30-39: only the lead is
    # malformed; the digit and the third byte are read again.
    s.text("bad fourth byte, A4 A1 read again: 更上").gb001(b"\x84").text("1ぁ一层楼。\n")
    s.text("bad fourth byte, 81 41 read again: 春眠").gb001(b"\x81").text("0丄不觉晓。\n")
    s.text("bad fourth byte LF: 处处闻啼鸟").gb001(b"\x81").text("0").gb001(b"\x81").text("\n")
    s.text("bad fourth byte FF: 夜来风雨声").gb001(b"\x81").text("0").gb001(b"\x81\xff").text("。\n")
    s.text("end of the cases: 花落知多少。\n")
    return s


def unassigned():
    s = Sample("gb18030/unassigned.txt", "gb18030")
    s.text("GB003 well-formed four-byte codes with reserved pointers, one case a line.\n")
    s.text("first code after U+FFFF: 白日依山尽，").gb003(b"\x84\x31\xa5\x30").text("黄河入海流。\n")
    s.text("two in a row: 欲穷").gb003(b"\x84\x31\xa5\x31").gb003(b"\x84\x31\xa5\x32").text("千里目。\n")
    s.text("inside the first reserved range: 更上").gb003(b"\x88\x30\x81\x30").text("一层楼。\n")
    # 8F39FE39 is the last reserved code before 90308130 = U+10000, which is valid.
    s.text("last of the first range, then U+10000: ").gb003(b"\x8f\x39\xfe\x39").text("\U00010000\n")
    s.text("first code after U+10FFFF: 春眠不觉晓，").gb003(b"\xe3\x32\x9a\x36").text("处处闻啼鸟。\n")
    s.text("inside the second range: 夜来").gb003(b"\xf0\x35\xc0\x35").text("风雨声。\n")
    s.text("four-byte user-defined area, first: 花落").gb003(b"\xfd\x30\x81\x30").text("知多少。\n")
    s.text("four-byte user-defined area, last: 床前").gb003(b"\xfe\x39\xfe\x39").text("明月光。\n")
    s.text("end of the cases: 疑是地上霜。\n")
    return s


def truncated(name, text, cut_char, keep):
    """Text that ends after the first `keep` bytes of `cut_char`'s code (GB002)."""
    s = Sample("gb18030/" + name, "gb18030")
    s.text(text)
    code = gb18030_encode_char(cut_char)
    assert 0 < keep < len(code)
    return s.gb002(code[:keep])


def truncated_samples():
    return [
        # 少 is C9 D9: the file ends after its lead byte.
        truncated("truncated-1.txt", CHUN_XIAO[:-3], "少", 1),
        # ・ (U+30FB) is 81 39 A7 39: the file ends after a lead and a digit.
        truncated("truncated-2.txt", CHANG_GAN_XING + "\n《长干行", "・", 2),
        # U+21D53 is 95 37 FB 33: the file ends after three of its four bytes.
        truncated("truncated-3.txt", "《城南感怀呈永叔》\n作者：苏舜钦\n愁愤徒满胸，嵘", "\U00021d53", 3),
    ]


def invalid_utf8():
    s = Sample("utf-8/invalid.utf8.txt", "utf-8")
    # The BOM makes `--encoding auto` read this invalid file as UTF-8; it is reported (GB011).
    s.char("\ufeff", "GB011").text("UTF-8 text with invalid sequences, one case a line.\n")
    s.text("stray continuation byte: 白日依山尽，").gb001(b"\x80").text("黄河入海流。\n")
    s.text("byte FF: 欲穷千里目，").gb001(b"\xff").text("更上一层楼。\n")
    # Overlong NUL: C0 never starts a sequence, and 80 is then a stray continuation byte.
    s.text("overlong C0 80: 春眠不觉晓，").gb001(b"\xc0").gb001(b"\x80").text("处处闻啼鸟。\n")
    s.text("overlong E0 80 80: 夜来").gb001(b"\xe0").gb001(b"\x80").gb001(b"\x80").text("风雨声。\n")
    # Surrogate U+D800: ED allows only 80-9F next.
    s.text("surrogate ED A0 80: 花落").gb001(b"\xed").gb001(b"\xa0").gb001(b"\x80").text("知多少。\n")
    s.text("above U+10FFFF F4 90 80 80: 床前").gb001(b"\xf4")
    s.gb001(b"\x90").gb001(b"\x80").gb001(b"\x80").text("明月光。\n")
    s.text("lead then ASCII: 疑是地上").gb001(b"\xe9").text("A霜。\n")
    s.text("lead and continuation then ASCII: 举头望").gb001(b"\xe6\x98").text("B月。\n")
    s.text("four-byte lead cut short: 低头思故乡").gb001(b"\xf0\x9f\x98").text("!\n")
    # GB 18030 bytes of 中文 (D6 D0 CE C4) pasted into a UTF-8 file.
    s.text("GB 18030 bytes: ").gb001(b"\xd6").gb001(b"\xd0").gb001(b"\xce").gb001(b"\xc4").text(".\n")
    # 乡 is E4 B9 A1: the file ends after two of its three bytes.
    s.text("truncated at the end: 举头望明月，低头思故")
    return s.defect("GB002", "乡".encode("utf-8")[:2])




# ---------------------------------------------------------------------------------------------
# One sample per character rule (GB004-GB014), in corpus/rules/
# ---------------------------------------------------------------------------------------------

# More public-domain Tang poems from the same source.
XIANG_SI = "《相思》\n作者：王维\n红豆生南国，春来发几枝。\n愿君多采撷，此物最相思。\n"
LU_ZHAI = "《鹿柴》\n作者：王维\n空山不见人，但闻人语响。\n返影入深林，复照青苔上。\n"

# The garbled runs of GB009, written as escapes so that this script reports nothing itself.
# "你好" in UTF-8 (E4 BD A0 E5 A5 BD) read as GBK: E4BD A0E5 A5BD.
UTF8_AS_GBK = "\u6d63\u72b2\u30bd"
# "你好" in GBK (C4 E3 BA C3) read as Latin-1.
GBK_AS_LATIN1 = "\u00c4\u00e3\u00ba\u00c3"
# "你好" in UTF-8 read as Windows-1252; the byte A0 is a no-break space (U+00A0).
UTF8_AS_WINDOWS_1252 = "\u00e4\u00bd\u00a0\u00e5\u00a5\u00bd"
# U+FFFD in UTF-8 (EF BF BD), twice, read as GBK: EFBF BDEF BFBD.
REPLACEMENT_AS_GBK = "\u951f\u65a4\u62f7"
# Uninitialised memory shown as GBK: CC CC (stack) and CD CD (heap).
STACK_FILL, HEAP_FILL = "\u70eb", "\u5c6f"


def check_garbled_runs():
    """The garbled runs are what their comments say, by the oracle tables."""
    gbk = lambda s: b"".join(strict_code(ord(ch)) for ch in s)  # noqa: E731
    nihao = "\u4f60\u597d"
    assert gbk(UTF8_AS_GBK) == nihao.encode("utf-8")
    assert bytes(map(ord, GBK_AS_LATIN1)) == gbk(nihao)
    assert bytes(single_byte(ord(ch)) for ch in UTF8_AS_WINDOWS_1252) == nihao.encode("utf-8")
    assert gbk(REPLACEMENT_AS_GBK * 2) == "\ufffd\ufffd\ufffd\ufffd".encode("utf-8")
    assert gbk(REPLACEMENT_AS_GBK) == "\ufffd\ufffd".encode("utf-8")
    assert gbk(STACK_FILL) == b"\xcc\xcc" and gbk(HEAP_FILL) == b"\xcd\xcd"


def rule_sample(name, encoding, args=()):
    suffix = "gb18030" if encoding == "gb18030" else "utf8"
    return Sample(f"rules/{name}.{suffix}.txt", encoding, args)


def both(name, args=()):
    return [rule_sample(name, "gb18030", args), rule_sample(name, "utf-8", args)]


def gb004_round_trip_mismatch():
    """Under --profile whatwg: a code whose character encodes back as other bytes (GB 18030
    input), a character whose code decodes back as another character (UTF-8 input)."""
    whatwg = ["--profile", "whatwg"]
    assert strict_code(0x20AC) == b"\xa2\xe3" and strict_code(0x3000) == b"\xa1\xa1"
    g = rule_sample("gb004-round-trip-mismatch", "gb18030", whatwg)
    g.text("GB004 round-trip-mismatch under --profile whatwg (browsers, Node, encoding_rs): each code\n")
    g.text("below decodes to a character that encodes back as other bytes. One case a line.\n")
    g.text("lone 80, U+20AC, written back as A2 E3: 白日依山尽，")
    g.code(b"\x80", "GB004 GB005", default="GB001").text("黄河入海流。\n")
    g.text("A3 A0, U+3000, written back as A1 A1: 欲穷千里目，")
    g.code(b"\xa3\xa0", "GB004 GB005", default="GB005 GB007").text("更上一层楼。\n")
    g.text("84 31 82 36, U+FE10, written back as A6 D9: 春眠不觉晓")
    g.code(bytes.fromhex("84318236"), "GB004 GB005", default="GB005 GB007").text("处处闻啼鸟。\n")
    g.text("82 35 90 37, U+9FB4, written back as FE 59: 夜来风雨声")
    g.code(bytes.fromhex("82359037"), "GB004 GB005", default="GB005 GB007").text("花落知多少。\n")
    g.text("A6 D9 and FE 59 write back alike, edition-sensitive only: ")
    g.code(b"\xa6\xd9", "GB005", default="GB005").code(b"\xfe\x59", "GB005", default="GB005").text("\n")
    g.text("end of the cases: 床前明月光，疑是地上霜。\n")

    u = rule_sample("gb004-round-trip-mismatch", "utf-8", whatwg)
    u.text("GB004 round-trip-mismatch under --profile whatwg: each character below encodes as a code\n")
    u.text("that decodes back as another character. One case a line.\n")
    u.text("U+E78D, written as A6 D9, read back as U+FE10: 春眠不觉晓")
    u.char("\ue78d", "GB004 GB005 GB007", default="GB005 GB007").text("处处闻啼鸟。\n")
    u.text("U+E81E, written as FE 59, read back as U+9FB4: 夜来风雨声")
    u.char("\ue81e", "GB004 GB005 GB007", default="GB005 GB007").text("花落知多少。\n")
    u.text("U+FE10 and U+9FB4 read back alike, edition-sensitive only: ")
    u.char("\ufe10", "GB005", default="GB005").char("\u9fb4", "GB005", default="GB005").text("\n")
    u.text("end of the cases: 床前明月光，疑是地上霜。\n")
    return [g, u]


def gb005_edition_sensitive():
    out = both("gb005-edition-sensitive")
    for s in out:
        s.text("GB005 edition-sensitive: codes (in GB 18030 text) and characters (in UTF-8 text) that\n")
        s.text("GB 18030-2000, -2005, -2022 and WHATWG map differently. One case a line.\n")
        s.text("U+1E3F, pinyin of 呣 in the second tone, A8 BC since 2005 (2000: U+E7C7): ")
        s.char("\u1e3f", "GB005").text("\n")
        s.text("U+FE10, a comma for vertical text, A6 D9 since 2022 (before: 84 31 82 36): 白日依山尽")
        s.char("\ufe10", "GB005").text("黄河入海流。\n")
        s.text("U+9FB4, a component, FE 59 since 2022 (before: 82 35 90 37): ")
        s.char("\u9fb4", "GB005").text("\n")
        s.text("U+E7C7, private use, 81 35 F4 37 since 2005 (2000: A8 BC): ")
        s.char("\ue7c7", "GB005 GB007").text("\n")
        s.text("end of the cases: 欲穷千里目，更上一层楼。\n")
    return out


def gb006_unencodable():
    gbk = ["--profile", "gbk"]
    g, u = both("gb006-unencodable", gbk)
    for s in (g, u):
        s.text("GB006 unencodable under --profile gbk: GBK has no four-byte codes, so the characters\n")
        s.text("GB 18030 gives four bytes are outside it. One case a line.\n")
        s.text("《长干行").char("\u30fb", "GB006", default="").text("其一》\n作者：崔颢\n")
        s.text("CJK Ext B: 愁愤徒满胸，嵘").char("\U00021d53", "GB006", default="").text("不能齐。\n")
        s.text("the yen sign: ").char("\u00a5", "GB006", default="").text("100\n")
        s.text("an emoji: 停船暂借问").char("\U0001f600", "GB006", default="").text("\n")
    g.text("the lone 80 is the euro sign in GBK, edition-sensitive but encodable: ")
    g.code(b"\x80", "GB005", default="GB001").text("100\n")
    u.text("the euro sign is 80 in GBK, encodable: \u20ac100\n")
    for s in (g, u):
        s.text("end of the cases: 君家何处住，妾住在横塘。\n")

    # The four-byte codes of the edition table are four-byte codes too: GBK has none of them.
    t = rule_sample("gb006-unencodable-gbk-table-codes", "gb18030", gbk)
    t.text("GB006 unencodable under --profile gbk, for the four-byte codes that the GB 18030 editions\n")
    t.text("map differently: GBK has no four-byte codes, these included. One case a line.\n")
    t.text("84 31 82 36 (2022: U+E78D; 2000, 2005, WHATWG: U+FE10): 白日依山尽")
    t.code(bytes.fromhex("84318236"), "GB006", default="GB005 GB007").text("\n")
    t.text("82 35 90 37 (2022: U+E81E; 2000, 2005, WHATWG: U+9FB4): 黄河入海流")
    t.code(bytes.fromhex("82359037"), "GB006", default="GB005 GB007").text("\n")
    t.text("81 35 F4 37 (2000: U+1E3F; since 2005: U+E7C7): 欲穷千里目")
    t.code(bytes.fromhex("8135f437"), "GB006", default="GB005 GB007").text("\n")

    w = rule_sample("gb006-unencodable-whatwg", "utf-8", ["--profile", "whatwg"])
    w.text("GB006 unencodable under --profile whatwg: the WHATWG encoder has no code for U+E5E5\n")
    w.text("(A3 A0 in every GB 18030 edition), a private-use character.\n")
    w.text("红豆生南国，").char("\ue5e5", "GB005 GB006 GB007", default="GB005 GB007").text("春来发几枝。\n")
    w.text("end of the cases: 愿君多采撷，此物最相思。\n")
    return [g, u, t, w]


def gb007_private_use():
    labels = {0xE000: "aaa1", 0xE234: "f8a1", 0xE4C6: "a140", 0xE766: "a2ab"}
    assert all(strict_code(cp).hex() == h for cp, h in labels.items())
    out = both("gb007-private-use")
    for s in out:
        s.text("GB007 private-use: characters of a Private Use Area, whose glyphs depend on fonts and\n")
        s.text("private agreements. One case a line.\n")
        s.text("user-defined area, first position (AA A1), for a rare name: 作者：王之")
        s.char("\ue000", "GB007").text("\n")
        s.text("user-defined area F8 A1: 白日依山").char("\ue234", "GB007").text("，黄河入海流。\n")
        s.text("user-defined area A1 40: 欲穷千里").char("\ue4c6", "GB007").text("，更上一层楼。\n")
        s.text("an unassigned GBK position, A2 AB: ").char("\ue766", "GB007").text("\n")
        s.text("the last private-use character of the BMP: ").char("\uf8ff", "GB007").text("\n")
        s.text("plane 15: ").char("\U000f0000", "GB007").text(", plane 16: ")
        s.char("\U0010fffd", "GB007").text("\n")
        s.text("end of the cases: 春眠不觉晓，处处闻啼鸟。\n")
    return out


def gb008_wrong_encoding():
    u = rule_sample("gb008-wrong-encoding", "utf-8", ["--encoding", "gb18030"])
    u.text("GB008 wrong-encoding: this file is UTF-8, checked with --encoding gb18030.\n" + XIANG_SI)
    g = rule_sample("gb008-wrong-encoding", "gb18030", ["--encoding", "utf-8"])
    g.text("GB008 wrong-encoding: this file is GB 18030, checked with --encoding utf-8.\n" + LU_ZHAI)
    return [u.expect_wrong_encoding(), g.expect_wrong_encoding()]


def gb009_mojibake():
    check_garbled_runs()
    out = both("gb009-mojibake")
    for s in out:
        s.text("GB009 mojibake: garbled runs inside real sentences, one kind a line; each finding spans\n")
        s.text("exactly the garbled run.\n")
        s.text('UTF-8 read as GBK: 床前明月光, "').mojibake(UTF8_AS_GBK).text('", 疑是地上霜。\n')
        s.text("GBK read as Latin-1: 举头望明月, ").mojibake(GBK_AS_LATIN1).text(" 低头思故乡。\n")
        s.text("UTF-8 read as Windows-1252: 春眠不觉晓 (").mojibake(UTF8_AS_WINDOWS_1252)
        s.text(") 处处闻啼鸟。\n")
        s.text("U+FFFD in UTF-8 read as GBK, twice: 夜来风雨声，").mojibake(REPLACEMENT_AS_GBK * 2)
        s.text("，花落知多少。\n")
        s.text("uninitialised stack memory: 白日依山尽").mojibake(STACK_FILL * 3).text("。\n")
        s.text("uninitialised heap memory: ").mojibake(HEAP_FILL * 4).text(" 黄河入海流。\n")
        s.text("real lines with the same characters, not mojibake:\n")
        s.text("当时浣纱伴，莫得同车归。\n竹喧归浣女，莲动下渔舟。\n戍楼西望烟尘黑，汉兵屯在轮台北。\n")
        s.text("two are not a run: " + STACK_FILL * 2 + "的茶。\n")
    return out


def gb010_outside_level():
    """--level 2 for the GB 18030 sample, --level 1 for the UTF-8 one."""
    g = rule_sample("gb010-outside-level", "gb18030", ["--level", "2"])
    u = rule_sample("gb010-outside-level", "utf-8", ["--level", "1"])
    for s in (g, u):
        level = s.options["level"]

        def outside(ch, stated):
            assert level_of(ord(ch)) == stated, f"U+{ord(ch):04X} level"
            rules = "GB010" if stated is None or stated > level else ""
            return s.char(ch, rules, default="")

        s.text(f"GB010 outside-level: characters outside GB 18030-2022 implementation level {level},\n")
        s.text(f"checked with --level {level} (without it nothing is reported). One case a line.\n")
        s.text("《长干行")
        outside("\u30fb", None).text("其一》: U+30FB, a four-byte code, is in no level\n")
        s.text("CJK Ext B, level 3: 愁愤徒满胸，嵘")
        outside("\U00021d53", 3).text("不能齐。\n")
        s.text("CJK Ext B, level 2 (Table of General Standard Chinese Characters): ")
        outside("\U00020164", 2).text("\n")
        s.text("Kangxi radical one, level 3: ")
        outside("\u2f00", 3).text("\n")
        s.text("in no level: U+4DB6 ")
        outside("\u4db6", None).text(", CJK Ext G U+30000 ")
        outside("\U00030000", None).text(", the yen sign ")
        outside("\u00a5", None).text("\n")
        for ch in "白丂㐀䶵鿦":
            assert level_of(ord(ch)) == 1
        s.text("level 1: 白 (GB 2312), 丂 (GBK), 㐀 and 䶵 (CJK Ext A), 鿦 (U+9FA6)\n")
    return [g, u]


def gb011_byte_order_mark():
    assert strict_code(0xFEFF) == b"\x84\x31\x95\x33"
    out = both("gb011-byte-order-mark")
    for s in out:
        s.char("\ufeff", "GB011")
        s.text("GB011 byte-order-mark: this file starts with a byte order mark (GB 18030: 84 31 95 33,\n")
        s.text("UTF-8: EF BB BF), and one more U+FEFF is inside the text, where a file was pasted in.\n")
        s.text("《春晓》\n作者：孟浩然\n春眠不觉晓，处处闻啼鸟。\n")
        s.char("\ufeff", "GB011").text("夜来风雨声，花落知多少。\n")
    return out


def gb012_control_character():
    out = both("gb012-control-character")
    for s in out:
        s.text("GB012 control-character: controls other than TAB, LF and CR. One case a line.\n")
        s.text("terminal colours: ").char("\x1b", "GB012").text("[1;31m床前明月光")
        s.char("\x1b", "GB012").text("[0m，疑是地上霜。\n")
        s.text("bell: 举头望明月").char("\x07", "GB012").text("，低头思故乡。\n")
        s.text("vertical tab: 春眠不觉晓").char("\x0b", "GB012").text("处处闻啼鸟。\n")
        s.text("form feed, a page break: ").char("\x0c", "GB012").text("\n")
        s.text("DEL: 夜来风雨声").char("\x7f", "GB012").text("花落知多少。\n")
        s.text("C1 control NEL, U+0085: 白日依山尽").char("\x85", "GB012").text("黄河入海流。\n")
        s.text("C1 control CSI, U+009B: 欲穷千里目").char("\x9b", "GB012").text("0m更上一层楼。\n")
        s.text("CR LF line endings are not reported: 红豆生南国，春来发几枝。\r\n", allowed="\r")
        s.text("nor TAB:\t愿君多采撷，\t此物最相思。\n")
    return out


def gb013_replacement_character():
    out = both("gb013-replacement-character")
    for s in out:
        s.text("GB013 replacement-character: U+FFFD, the trace of an earlier lossy conversion.\n")
        s.text("《夜思》\n作者：李白\n床前明").char("\ufffd", "GB013").text("光，疑是地上霜。\n")
        s.text("举头望").char("\ufffd", "GB013").char("\ufffd", "GB013").text("，低头思故乡。\n")
    return out


def gb014_removed_character():
    twins = {0xF92C: (b"\xfd\x9c", 0x90CE), 0xFA18: (b"\xfe\x47", 0x793C), 0xFA0C: (b"\xfe\x40", 0x5140)}
    for cp, (code, unified) in twins.items():
        assert strict_code(cp) == code and code in REMOVED_CODES
        assert unicodedata.normalize("NFC", chr(cp)) == chr(unified)
    assert strict_code(0xE816) == b"\xfe\x51" and strict_code(0xE831) == b"\xfe\x6c"
    out = both("gb014-removed-character")
    for s in out:
        s.text("GB014 removed-character: the 15 codes GB 18030-2022 removed from its repertoire as\n")
        s.text("duplicates; the characters still decode. One case a line.\n")
        s.text("U+F92C (FD 9C), a compatibility twin of 郎, in 新").char("\uf92c", "GB014").text("\n")
        s.text("U+FA18 (FE 47), a compatibility twin of 礼, in 克己复").char("\ufa18", "GB014").text("\n")
        s.text("U+FA0C (FE 40), a compatibility twin of 兀, in 突").char("\ufa0c", "GB014").text("\n")
        s.text("U+E816 (FE 51), a private-use component: ").char("\ue816", "GB007 GB014").text("\n")
        s.text("U+E831 (FE 6C), a private-use component: ").char("\ue831", "GB007 GB014").text("\n")
        s.text("end of the cases: 白日依山尽，黄河入海流。\n")
    return out


def rule_samples():
    return [
        *gb004_round_trip_mismatch(),
        *gb005_edition_sensitive(),
        *gb006_unencodable(),
        *gb007_private_use(),
        *gb008_wrong_encoding(),
        *gb009_mojibake(),
        *gb010_outside_level(),
        *gb011_byte_order_mark(),
        *gb012_control_character(),
        *gb013_replacement_character(),
        *gb014_removed_character(),
    ]


def samples():
    return [
        ascii_sample(),
        empty_sample(),
        valid_all_forms(),
        poem_gb18030(),
        invalid_bytes(),
        unassigned(),
        *truncated_samples(),
        poem_utf8(),
        invalid_utf8(),
        *rule_samples(),
    ]


def check_hand_written():
    """The files of the corpus directory that this script does not write are checked by the
    whole-directory test with the default options: they must report nothing."""
    for name in ("make_corpus.py", "README.md"):
        path = os.path.join(HERE, name)
        if os.path.exists(path):
            with open(path, "rb") as f:
                data = f.read()
            got = model_report("corpus/" + name, data, DEFAULT_OPTIONS)
            assert not got, f"corpus/{name} would report: {got}"


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def jsonl(findings):
    return "".join(json.dumps(f, ensure_ascii=True, separators=(",", ":")) + "\n" for f in findings)


def main(argv):
    if len(argv) > 2:
        sys.exit("usage: make_corpus.py [OUTPUT_DIR]")
    out = argv[1] if len(argv) == 2 else HERE
    all_samples = samples()
    assert len({s.relpath for s in all_samples}) == len(all_samples)
    for sample in all_samples:
        verify(sample)
    check_hand_written()
    poem_gb = next(s for s in all_samples if s.relpath == "gb18030/poem.gb18030.txt")
    poem_u8 = next(s for s in all_samples if s.relpath == "utf-8/poem.utf8.txt")
    assert bytes(poem_u8.data).decode("utf-8") == POEMS
    assert bytes(poem_gb.data) != bytes(poem_u8.data)
    for sample in all_samples:
        path = os.path.join(out, *sample.relpath.split("/"))
        write(path, bytes(sample.data))
        write(path + ".jsonl", jsonl(sample.expected()).encode("ascii"))
        if sample.args:
            write(path + ".args", "".join(arg + "\n" for arg in sample.args).encode("ascii"))
            write(path + ".default.jsonl", jsonl(sample.expected_default()).encode("ascii"))
    print(f"wrote {len(all_samples)} samples and their expected reports to {out}")


if __name__ == "__main__":
    main(sys.argv)
