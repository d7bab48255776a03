#!/usr/bin/env python3
"""Writes the gbcheck sample corpus and, beside every sample F, its expected report F.jsonl.

Usage: python3 corpus/make_corpus.py [OUTPUT_DIR]      (default: the directory of this script)

Deterministic and stdlib only. Every sample is assembled from pieces: text, whose GB 18030 bytes
come from the oracle tables in ../oracle (the strict GB 18030-2022 glibc charmap, cross-checked
against the WHATWG index; never Python's 'gb18030' codec, which follows the 2000 edition), and
defects, whose rule, span, line and column are recorded at the moment they are appended. The
expected reports are therefore derived by construction, from GB18030.md section 1 and the
contract in DESIGN.md, never from running gbcheck.

Before anything is written, every sample is checked a second, independent way:
- GB 18030 samples are re-decoded by a small reference decoder written from GB18030.md
  section 1; its malformed spans, lines and columns must equal the constructed ones.
- UTF-8 samples are decoded by Python's UTF-8 decoder, whose error spans follow the same
  "maximal subpart" practice as Rust's Utf8Error::error_len; they must agree.
- `--encoding auto` must pick the intended encoding (UTF-8 when the file starts with a UTF-8
  BOM or is valid UTF-8 with non-ASCII bytes, else GB 18030); no sample holds a NUL byte.
"""

import gzip
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ORACLE = os.path.join(ROOT, "oracle")

RULE_NAMES = {
    "GB001": "invalid-sequence",
    "GB002": "truncated-sequence",
    "GB003": "unassigned-code",
}

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


def load_edition_differences():
    """Byte codes and scalars whose mapping differs between editions (to be avoided in text)."""
    codes, scalars = set(), set()
    section = None
    path = os.path.join(ORACLE, "gb18030-edition-differences.tsv")
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("# decode"):
                section = "decode"
            elif line.startswith("# encode"):
                section = "encode"
            elif line.startswith("#") or not line.strip() or line.startswith(("bytes", "scalar")):
                continue
            elif section == "decode":
                codes.add(bytes.fromhex(line.split("\t")[0]))
            elif section == "encode":
                scalars.add(int(line.split("\t")[0][2:], 16))
    return codes, scalars


GLIBC = load_glibc_charmap()
WHATWG_INDEX, WHATWG_RANGES = load_whatwg()
EDITION_CODES, EDITION_SCALARS = load_edition_differences()
# GB18030.md section 2: the 15 codes removed from the 2022 repertoire (GB014 one day).
REMOVED_CODES = {
    bytes.fromhex(h)
    for h in "FE51 FE52 FE53 FE6C FE76 FE91 FD9C FD9D FD9E FD9F FDA0 FE40 FE41 FE47 FE49".split()
}


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
    """GB18030.md section 1: 0..=39419 (BMP) and 189000..=1237575 (U+10000..U+10FFFF)."""
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


def is_private_use(cp):
    return 0xE000 <= cp <= 0xF8FF or cp >= 0xF0000


def check_text_char(ch, allowed):
    """Text pieces hold only characters no present or planned rule reports (unless allowed)."""
    cp = ord(ch)
    if ch in allowed:
        return
    assert ch in "\t\n" or not (cp < 0x20 or 0x7F <= cp <= 0x9F), f"control U+{cp:04X} in text"
    assert not is_private_use(cp), f"private-use U+{cp:04X} in text"
    assert cp not in (0xFEFF, 0xFFFD), f"U+{cp:04X} in text"
    assert cp not in EDITION_SCALARS, f"edition-sensitive U+{cp:04X} in text"


def gb18030_encode_char(ch):
    """The strict GB 18030-2022 bytes of one character, from the oracle tables."""
    cp = ord(ch)
    if cp < 0x80:
        code = bytes([cp])
    elif cp >= 0x10000:
        # Supplementary planes: the linear four-byte mapping, the same in every edition
        # (GB18030.md section 1). glibc lists only the scalars its Unicode version assigns;
        # where it has one, it must agree.
        code = four_byte_code(189000 + cp - 0x10000)
        assert GLIBC.get(cp, code) == code, f"glibc disagrees on U+{cp:04X}"
    else:
        code = GLIBC[cp]
    assert whatwg_decode(code) == cp, f"WHATWG disagrees on U+{cp:04X} = {code.hex()}"
    assert code not in EDITION_CODES, f"edition-sensitive code {code.hex()}"
    assert code not in REMOVED_CODES, f"removed code {code.hex()}"
    return code


# ---------------------------------------------------------------------------------------------
# Building a sample piece by piece
# ---------------------------------------------------------------------------------------------


class Sample:
    """A corpus file under construction, with its expected findings."""

    def __init__(self, relpath, encoding):
        assert encoding in ("gb18030", "utf-8")
        self.relpath = relpath  # relative to the corpus directory, with '/'
        self.encoding = encoding
        self.data = bytearray()
        self.line = 1
        self.column = 1
        self.findings = []

    def text(self, s, allowed=""):
        """Appends text: each character is one column; LF ends a line."""
        for ch in s:
            check_text_char(ch, allowed)
            if self.encoding == "gb18030":
                self.data += gb18030_encode_char(ch)
            else:
                self.data += ch.encode("utf-8")
            if ch == "\n":
                self.line += 1
                self.column = 1
            else:
                self.column += 1
        return self

    def defect(self, rule, span):
        """Appends one malformed span (one column) and records the finding it must produce."""
        assert rule in RULE_NAMES and 1 <= len(span) <= 4
        assert b"\n" not in span
        self.findings.append(
            {
                "type": "finding",
                "path": "corpus/" + self.relpath,
                "rule": rule,
                "name": RULE_NAMES[rule],
                "severity": "error",
                "line": self.line,
                "column": self.column,
                "byte_offset": len(self.data),
                "byte_len": len(span),
                "bytes": span.hex(" "),
                "char": None,
            }
        )
        self.data += span
        self.column += 1
        return self

    # GB 18030 shorthands (GB18030.md section 1).
    def gb001(self, span):
        return self.defect("GB001", span)

    def gb002(self, span):
        return self.defect("GB002", span)

    def gb003(self, code):
        assert len(code) == 4 and not four_byte_assigned(four_byte_pointer(*code))
        return self.defect("GB003", code)


# ---------------------------------------------------------------------------------------------
# Independent checks
# ---------------------------------------------------------------------------------------------


def gb18030_reference_findings(data):
    """Decodes per GB18030.md section 1; returns (rule, offset, len, line, column) tuples."""
    events = []  # (kind, offset, length); kind is "char" or a rule id
    i, n = 0, len(data)
    while i < n:
        b1 = data[i]
        if b1 < 0x80:
            events.append(("char", i, 1))
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
            events.append(("char", i, 2))
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
            if four_byte_assigned(four_byte_pointer(*data[i : i + 4])):
                events.append(("char", i, 4))
            else:
                events.append(("GB003", i, 4))
            i += 4
        elif b2 < 0x80:
            events.append(("GB001", i, 1))  # an ASCII byte is not swallowed
            i += 1
        else:  # FF is swallowed with the lead
            events.append(("GB001", i, 2))
            i += 2
    return positions(data, events)


class _Collect:
    """A codecs error handler that records each malformed span and stands in one character."""

    def __init__(self):
        self.errors = []

    def __call__(self, exc):
        rule = "GB002" if exc.reason == "unexpected end of data" else "GB001"
        self.errors.append((rule, exc.start, exc.end - exc.start))
        return ("\ufffd", exc.end)


def utf8_reference_findings(data):
    """Python's UTF-8 decoder's malformed spans, as (rule, offset, len, line, column) tuples."""
    import codecs

    collect = _Collect()
    codecs.register_error("gbcheck-corpus-collect", collect)
    text = bytes(data).decode("utf-8", "gbcheck-corpus-collect")
    events, offset, k = [], 0, 0
    for rule, start, length in collect.errors:
        while offset < start:
            ch = text[k]
            size = len(ch.encode("utf-8"))
            events.append(("char", offset, size))
            offset += size
            k += 1
        events.append((rule, start, length))
        offset += length
        k += 1  # the stand-in character
    for ch in text[k:]:
        size = len(ch.encode("utf-8"))
        events.append(("char", offset, size))
        offset += size
    assert offset == len(data)
    return positions(data, events)


def positions(data, events):
    """Lines and columns of the finding events: one column per character or malformed span."""
    out, line, column = [], 1, 1
    for kind, offset, length in events:
        if kind != "char":
            out.append((kind, offset, length, line, column))
        if kind == "char" and data[offset] == 0x0A:
            line, column = line + 1, 1
        else:
            column += 1
    return out


def auto_encoding(data):
    """`--encoding auto` as DESIGN.md and src/check.rs describe it."""
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


def verify(sample):
    data = bytes(sample.data)
    assert b"\x00" not in data, sample.relpath
    if data.isascii() and not sample.findings:
        pass  # either encoding gives the same answer
    else:
        assert auto_encoding(data) == sample.encoding, f"{sample.relpath}: auto-detection"
    if sample.encoding == "gb18030":
        got = gb18030_reference_findings(data)
    else:
        got = utf8_reference_findings(data)
    want = [
        (f["rule"], f["byte_offset"], f["byte_len"], f["line"], f["column"]) for f in sample.findings
    ]
    assert got == want, f"{sample.relpath}:\n constructed {want}\n reference   {got}"
    for f in sample.findings:
        span = data[f["byte_offset"] : f["byte_offset"] + f["byte_len"]]
        assert span.hex(" ") == f["bytes"]


# ---------------------------------------------------------------------------------------------
# The samples
# ---------------------------------------------------------------------------------------------

# Public-domain Tang poems, exactly as in /work/shared/corpus/classical-poems.utf8.txt
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
    s.text("lead then DEL: 床前明月光，").gb001(b"\xd2").text("\x7f疑是地上霜。\n", allowed="\x7f")
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
    # The BOM makes `--encoding auto` read this invalid file as UTF-8 (GB011 one day).
    s.text("\ufeffUTF-8 text with invalid sequences, one case a line.\n", allowed="\ufeff")
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
    ]


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main(argv):
    if len(argv) > 2:
        sys.exit("usage: make_corpus.py [OUTPUT_DIR]")
    out = argv[1] if len(argv) == 2 else HERE
    all_samples = samples()
    for sample in all_samples:
        verify(sample)
    poem_gb = next(s for s in all_samples if s.relpath == "gb18030/poem.gb18030.txt")
    poem_u8 = next(s for s in all_samples if s.relpath == "utf-8/poem.utf8.txt")
    assert bytes(poem_u8.data).decode("utf-8") == POEMS
    assert bytes(poem_gb.data) != bytes(poem_u8.data)
    for sample in all_samples:
        path = os.path.join(out, *sample.relpath.split("/"))
        write(path, bytes(sample.data))
        report = "".join(
            json.dumps(f, ensure_ascii=True, separators=(",", ":")) + "\n" for f in sample.findings
        )
        write(path + ".jsonl", report.encode("ascii"))
    print(f"wrote {len(all_samples)} samples and their expected reports to {out}")


if __name__ == "__main__":
    main(sys.argv)
