"""Charsets of real mail: labels Python lacks, Microsoft's Japanese variants, and guessing when the label
is missing or wrong.

- Labels are resolved through our Japanese table first (Shift_JIS is read as CP932, ISO-2022-JP as
  CP50221, EUC-JP as eucJP-ms: the supersets that Windows and Outlook actually write), then through
  the WHATWG Encoding Standard's label table (`webencodings`, BSD: windows-874, x-gbk, ks_c_5601-1987,
  iso-8859-8-i ...), then Python's own codec names.
- ISO-2022-JP from Outlook (CP50220/50221/50222) and EUC-JP-MS carry the NEC special characters (row 13:
  ①②, ㈱, №, Ⅰ) and the NEC-selected IBM extensions (rows 89-92: 髙, 﨑); Python's codecs reject them.
  Those rows are read through CP932, everything else through the JIS X 0208 mapping Python uses.
- A guess tries UTF-8 (RFC 6532), the hint (the part's declared charset), Japanese when the result
  reads as Japanese text, then `charset-normalizer` (MIT) for other scripts, then Windows-1252.
  Every guess is reported with the charset used, so that the caller can warn.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import webencodings

CP5022X = "cp50221"  # our decoder for Outlook's ISO-2022-JP family
EUCJP_MS = "eucjp-ms"  # our decoder for EUC-JP with the NEC and IBM rows

_JAPANESE_LABELS = {
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "s-jis": "cp932",
    "windows-31j": "cp932", "ms932": "cp932", "cp932": "cp932", "ms_kanji": "cp932", "csshiftjis": "cp932",
    "x-ms-cp932": "cp932", "csWindows31J": "cp932", "x-mac-japanese": "cp932", "shift_jisx0213": "cp932",
    "iso-2022-jp": CP5022X, "iso2022jp": CP5022X, "csiso2022jp": CP5022X, "iso-2022-jp-ms": CP5022X,
    "iso-2022-jp-1": CP5022X, "iso-2022-jp-2": CP5022X, "iso-2022-jp-3": CP5022X, "cp50220": CP5022X,
    "cp50221": CP5022X, "cp50222": CP5022X, "x-cp50220": CP5022X, "x-cp50221": CP5022X, "x-cp50222": CP5022X,
    "euc-jp": EUCJP_MS, "x-euc-jp": EUCJP_MS, "eucjp": EUCJP_MS, "euc_jp": EUCJP_MS, "eucjp-ms": EUCJP_MS,
    "euc-jp-ms": EUCJP_MS, "cseucpkdfmtjapanese": EUCJP_MS, "x-eucjp-open-19970715-ms": EUCJP_MS,
    "cp51932": EUCJP_MS, "cp20932": EUCJP_MS,
    "utf8": "utf-8", "utf-8": "utf-8", "unicode-1-1-utf-8": "utf-8", "us-ascii": "utf-8", "ascii": "utf-8",
    "ansi_x3.4-1968": "utf-8", "7bit": "utf-8", "8bit": "utf-8",
}
_JAPANESE_LABELS = {k.lower(): v for k, v in _JAPANESE_LABELS.items()}
_UNUSABLE = {"replacement", "x-user-defined", "utf-16be", "utf-16le", "utf-16-be", "utf-16-le"}

DISPLAY = {
    "cp932": "Shift_JIS (CP932)", CP5022X: "ISO-2022-JP (CP50221)", EUCJP_MS: "EUC-JP (eucJP-ms)",
    "utf-8": "UTF-8", "cp1252": "Windows-1252", "cp1251": "Windows-1251", "cp1250": "Windows-1250",
    "cp874": "Windows-874", "cp949": "EUC-KR (CP949)", "gbk": "GBK", "gb18030": "GB18030", "big5": "Big5",
    "iso8859-1": "ISO-8859-1", "latin-1": "ISO-8859-1", "koi8-r": "KOI8-R",
}


def display_name(codec: str) -> str:
    return DISPLAY.get(codec, codec.upper())


@lru_cache(maxsize=512)
def codec_for(label: str | None) -> str | None:
    """The codec to read a declared charset label with, or None for an unknown label."""
    if not label:
        return None
    key = label.strip().strip('"').strip("'").lower()
    if not key or len(key) > 40 or not key.isascii() or not key.isprintable():
        return None
    if key in _JAPANESE_LABELS:
        return _JAPANESE_LABELS[key]
    web = webencodings.lookup(key)
    if web is not None and web.name not in _UNUSABLE:
        name = web.codec_info.name
        return _JAPANESE_LABELS.get(name, name)
    try:
        name = codecs.lookup(key).name
    except (LookupError, ValueError):
        return None
    return _JAPANESE_LABELS.get(name, name)


# ---- the Microsoft Japanese variants -------------------------------------------------------------

def _jis_to_sjis(c1: int, c2: int) -> bytes:
    s1 = (c1 + 1) // 2 + (0x70 if c1 <= 0x5E else 0xB0)
    s2 = c2 + (0x7E if not c1 % 2 else 0x1F if c2 <= 0x5F else 0x20)
    return bytes((s1, s2))


def _is_ms_row(c1: int) -> bool:
    """JIS rows that JIS X 0208 leaves empty and Microsoft fills (NEC row 13, IBM rows 89-92)."""
    return c1 == 0x2D or 0x79 <= c1 <= 0x7C


def _jis_pairs(pairs: bytes, errors: list[int]) -> str:
    """JIS X 0208 two-byte codes (7-bit): standard rows by the JIS mapping, Microsoft's rows by CP932."""
    out: list[str] = []
    std = bytearray()

    def flush() -> None:
        if std:
            out.append(bytes(std).decode("euc_jp", "replace"))
            errors.extend([1] * out[-1].count("\ufffd"))
            std.clear()

    for i in range(0, len(pairs) - 1, 2):
        c1, c2 = pairs[i], pairs[i + 1]
        if not (0x21 <= c1 <= 0x7E and 0x21 <= c2 <= 0x7E):
            flush()
            out.append("\ufffd")
            errors.append(i)
        elif _is_ms_row(c1) or c1 >= 0x75:
            flush()
            try:
                out.append(_jis_to_sjis(c1, c2).decode("cp932"))
            except UnicodeDecodeError:
                out.append("\ufffd")
                errors.append(i)
        else:
            std += bytes((c1 | 0x80, c2 | 0x80))
    flush()
    if len(pairs) % 2:
        out.append("\ufffd")
        errors.append(len(pairs))
    return "".join(out)


_ESC = re.compile(rb"\x1b(\(B|\(J|\(H|\(I|\$@|\$B|\$\(D|\$\(B|\$\(Q|\$\(O|\$A|\$\(C|\.A|\.F|N.)|[\x0e\x0f]",
                  re.S)


def decode_cp5022x(data: bytes, errors: str = "strict") -> str:
    """ISO-2022-JP as Outlook writes it (CP50220/50221/50222): JIS X 0208 with the NEC and IBM rows,
    JIS X 0201 katakana by ESC ( I or SO/SI, JIS X 0212, and the ISO-2022-JP-2 sets."""
    if b"\x0e" not in data:  # Python's codec passes SO/SI (CP50222's katakana shift) through as text
        try:
            return data.decode("iso2022_jp_ext")
        except UnicodeDecodeError:
            pass
    bad: list[int] = []
    out: list[str] = []
    mode = "ascii"
    shifted = False
    pos = 0

    def chunk(seg: bytes) -> None:
        if not seg:
            return
        if shifted or mode == "kana":
            out.append("".join(chr(0xFF61 + (b & 0x7F) - 0x21) if 0x21 <= (b & 0x7F) <= 0x5F else chr(b)
                               for b in seg))
        elif mode == "jis0208":
            lines = seg.split(b"\n")  # a line break inside a double-byte run is kept as is
            out.append("\n".join(_jis_pairs(line.rstrip(b"\r"), bad) + ("\r" if line.endswith(b"\r") else "")
                                 for line in lines))
        elif mode == "jis0212":
            euc = b"".join(b"\x8f" + bytes((seg[i] | 0x80, seg[i + 1] | 0x80)) for i in range(0, len(seg) - 1, 2))
            out.append(euc.decode("euc_jp", "replace"))
        elif mode in ("gb2312", "ksc5601"):
            out.append(bytes(b | 0x80 if b > 0x20 else b for b in seg)
                       .decode("gb2312" if mode == "gb2312" else "euc_kr", "replace"))
        elif mode == "roman":
            out.append(seg.decode("latin-1").replace("\\", "¥").replace("~", "‾"))
        else:
            text = []
            for b in seg:
                if b < 0x80:
                    text.append(chr(b))
                elif 0xA1 <= b <= 0xDF:  # raw 8-bit katakana (JIS8)
                    text.append(chr(0xFF61 + b - 0xA1))
                else:
                    text.append("\ufffd")
                    bad.append(b)
            out.append("".join(text))

    for m in _ESC.finditer(data):
        chunk(data[pos:m.start()])
        pos = m.end()
        token = m.group(0)
        if token == b"\x0e":
            shifted = True
        elif token == b"\x0f":
            shifted = False
        else:
            seq = m.group(1)
            mode = {b"(B": "ascii", b"(J": "roman", b"(H": "roman", b"(I": "kana", b"$@": "jis0208",
                    b"$B": "jis0208", b"$(B": "jis0208", b"$(Q": "jis0208", b"$(O": "jis0208",
                    b"$(D": "jis0212", b"$A": "gb2312", b"$(C": "ksc5601"}.get(seq, mode)
    chunk(data[pos:])
    text = "".join(out)
    if bad and errors == "strict":
        raise UnicodeDecodeError("cp50221", data, 0, len(data), "not ISO-2022-JP")
    return text


def decode_eucjp_ms(data: bytes, errors: str = "strict") -> str:
    """EUC-JP with the NEC row 13, the NEC-selected IBM rows and the user-defined rows (eucJP-ms)."""
    try:
        return data.decode("euc_jp")
    except UnicodeDecodeError:
        pass
    out: list[str] = []
    bad = 0
    i, n = 0, len(data)
    plain = bytearray()
    while i < n:
        b = data[i]
        if b < 0x80:
            plain.append(b)
            i += 1
            continue
        if plain:
            out.append(plain.decode("ascii"))
            plain.clear()
        if b == 0x8E and i + 1 < n and 0xA1 <= data[i + 1] <= 0xDF:
            out.append(chr(0xFF61 + data[i + 1] - 0xA1))
            i += 2
        elif b == 0x8F and i + 2 < n:
            try:
                out.append(data[i:i + 3].decode("euc_jp"))
            except UnicodeDecodeError:
                out.append("\ufffd")
                bad += 1
            i += 3
        elif 0xA1 <= b <= 0xFE and i + 1 < n and 0xA1 <= data[i + 1] <= 0xFE:
            c1, c2 = b & 0x7F, data[i + 1] & 0x7F
            if c1 >= 0x75 and not _is_ms_row(c1):  # rows 85-94: user-defined, as CP932 maps them
                out.append(chr(0xE000 + (c1 - 0x75) * 94 + (c2 - 0x21)))
            else:
                errs: list[int] = []
                out.append(_jis_pairs(bytes((c1, c2)), errs))
                bad += len(errs)
            i += 2
        else:
            out.append("\ufffd")
            bad += 1
            i += 1
    if plain:
        out.append(plain.decode("ascii"))
    if bad and errors == "strict":
        try:
            return data.decode("euc_jis_2004")
        except UnicodeDecodeError:
            raise UnicodeDecodeError("eucjp-ms", data, 0, len(data), "not EUC-JP") from None
    return "".join(out)


def decode_strict(data: bytes, codec: str, errors: str = "strict") -> str:
    """Decode with one codec (ours included); UnicodeDecodeError when the bytes are not in it."""
    if codec == CP5022X:
        return decode_cp5022x(data, errors)
    if codec == EUCJP_MS:
        return decode_eucjp_ms(data, errors)
    try:
        return data.decode(codec, errors)
    except LookupError:
        raise UnicodeDecodeError(codec, data, 0, len(data), "unknown codec") from None


def _nearly(data: bytes, codec: str) -> str | None:
    """The text in a declared multi-byte charset when only a few codes are unknown to it (a carrier's
    emoji in a Japanese mail): better than reading the whole text as another charset."""
    if codec not in (CP5022X, EUCJP_MS, "cp932", "utf-8", "gbk", "cp949", "big5", "gb18030"):
        return None
    try:
        text = decode_strict(data, codec, "replace")
    except UnicodeDecodeError:
        return None
    bad = text.count("\ufffd")
    return text if bad <= max(3, len(text) // 50) and (codec != "utf-8" or reads_as_japanese(text) or bad <= 1) \
        else None


# ---- guessing --------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    codec: str
    guessed: bool  # the declared charset was missing, unknown or wrong
    lossy: bool = False  # a few codes no charset knows (carrier emoji, private rows) became U+FFFD


_KANA_OR_COMMON = re.compile(r"[\u3040-\u30ff\u3000-\u303f\uff01-\uff5e]")
_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]")
_HALFWIDTH_NEXT_TO_LATIN = re.compile(r"[A-Za-z][\uff61-\uff9f]|[\uff61-\uff9f][A-Za-z]")
_LONE_CJK_IN_WORD = re.compile(r"[A-Za-z][\u3400-\u9fff\uf900-\ufaff][A-Za-z]")


def _jis_level(ch: str) -> int:
    """1 for kana, symbols and JIS level-1 kanji (the common ones), 2 for the rest."""
    try:
        b = ch.encode("euc_jp")
    except UnicodeEncodeError:
        return 2
    if len(b) != 2:
        return 2
    row = b[0] - 0xA0
    return 1 if row <= 47 and row != 13 else 2


def reads_as_japanese(text: str) -> bool:
    """Does decoded text look like Japanese rather than another language's bytes read as Japanese?
    Mis-read Western or Cyrillic bytes give rare (level-2) kanji, private-use characters, half-width
    katakana glued to Latin letters or one kanji inside a Latin word."""
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return True
    if any(0xE000 <= ord(c) <= 0xF8FF or c == "\ufffd" for c in wide):
        return False
    if _HALFWIDTH_NEXT_TO_LATIN.search(text) or _LONE_CJK_IN_WORD.search(text):
        return False
    common = sum(1 for c in wide if _KANA_OR_COMMON.match(c) or (not _HALFWIDTH_KANA.match(c) and _jis_level(c) == 1))
    return common * 3 >= len(wide) * 2


_NOT_FOR_MAIL = ("utf_16", "utf_32", "cp1006", "cp1125", "johab", "cp037", "cp500", "cp875", "cp273",
                 "cp1026", "cp1140", "mac_", "hz", "cp424", "cp856", "cp720", "cp737", "cp775")
_CJK_CODECS = ("cp932", CP5022X, EUCJP_MS, "big5hkscs", "cp949", "gb18030", "big5", "euc_jis_2004",
               "shift_jis_2004", "gbk", "gb2312", "euc_kr")
# single-byte charsets tried in this order when a short text gives a detector nothing to go on
_SINGLE_BYTE = ("cp1252", "cp1251", "iso8859-7", "cp1250", "cp874", "iso8859-8", "koi8-r")
_SYMBOLS = set("\u00a0€‚„…†‡ˆ‰‹›‘’“”•–—˜™«»°±×÷§©®¶·¿¡¢£¥¦¨¬¯´¸¹²³¼½¾")
_WORD = re.compile(r"\w+")


def _script(ch: str) -> str:
    return unicodedata.name(ch, "?").split(" ", 1)[0]


def reads_as_single_byte_text(text: str) -> bool:
    """Western, Cyrillic, Greek ... text: the non-ASCII letters of one script, and Latin words that are
    mostly ASCII (Cyrillic read as Windows-1252 gives words made only of accented letters)."""
    scripts = set()
    for ch in text:
        if ord(ch) < 0x80 or ch in _SYMBOLS:
            continue
        if not unicodedata.category(ch).startswith(("L", "M")):
            return False
        scripts.add(_script(ch))
    if len(scripts) > 1:
        return False
    if scripts == {"LATIN"}:
        for word in _WORD.findall(text):
            wide = sum(1 for c in word if ord(c) > 0x7F)
            if len(word) >= 3 and wide * 2 > len(word):
                return False
    return True


def _detector(data: bytes) -> str | None:
    """charset-normalizer's best non-CJK candidate that also reads as text (for longer texts only:
    on a few bytes every charset ties)."""
    from charset_normalizer import from_bytes  # imported on the first guess only

    try:
        results = from_bytes(data[:65536], steps=4, chunk_size=512, threshold=0.3)
    except Exception:  # noqa: BLE001 - a detector failure is no reason to fail the mail
        return None
    for match in results:
        name = codec_for(match.encoding) or match.encoding
        if name.startswith(_NOT_FOR_MAIL) or name in _CJK_CODECS:
            continue
        try:
            if reads_as_single_byte_text(decode_strict(data, name)):
                return name
        except UnicodeDecodeError:
            continue
    return None


def decode(data: bytes, declared: str | None = None, *, hint: str | None = None) -> Decoded:
    """Text of bytes in a declared charset; when it is missing, unknown or wrong, the best guess:
    UTF-8, the hint (the declared charset of the part around it), Japanese when it reads as Japanese,
    the detector on a long text, then the first single-byte charset whose text reads as text."""
    codec = codec_for(declared)
    if codec:
        try:
            return Decoded(decode_strict(data, codec), codec, False)
        except UnicodeDecodeError:
            pass
        text = _nearly(data, codec) if codec != "utf-8" else None
        if text is not None:
            return Decoded(text, codec, False, lossy=True)
    if data.isascii() and b"\x1b" not in data:
        return Decoded(data.decode("ascii"), codec or "utf-8", bool(declared) and codec is None)
    hinted = codec_for(hint)
    for candidate in _candidates(data, codec, hinted):
        try:
            text = decode_strict(data, candidate)
        except UnicodeDecodeError:
            if candidate == CP5022X and b"\x1b$" in data:  # escape sequences say what it is, even with
                # unknown codes inside
                return Decoded(decode_cp5022x(data, "replace"), CP5022X, codec != CP5022X, lossy=True)
            continue
        if candidate in (CP5022X, "utf-8", hinted) or reads_as_japanese(text):
            return Decoded(text, candidate, True)
    wide = sum(1 for b in data if b > 0x7F)
    other = _detector(data) if wide >= 64 else None
    if other is None:
        for candidate in _SINGLE_BYTE:
            try:
                if reads_as_single_byte_text(data.decode(candidate)):
                    other = candidate
                    break
            except UnicodeDecodeError:
                continue
    if other:
        return Decoded(decode_strict(data, other), other, True)
    fallback = codec if codec and codec not in (CP5022X, EUCJP_MS) else "cp1252"
    return Decoded(data.decode(fallback, "replace"), fallback, True)


def _candidates(data: bytes, declared: str | None, hint: str | None) -> list[str]:
    out = ["utf-8"]
    if b"\x1b$" in data or b"\x1b(" in data:
        out.insert(0, CP5022X)
    if hint and hint not in out:
        out.append(hint)
    out += [c for c in ("cp932", EUCJP_MS) if c not in out]
    return [c for c in out if c != declared]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
