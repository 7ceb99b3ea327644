"""Registrable domains from the bundled public-suffix list, IDNs and look-alike rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidents.intake.domains import LookalikeIndex, domain_info, edit_distance, registrable_domain, same_organisation

REFS = ("example.co.jp", "partner.co.jp", "example.ac.jp", "日本商事.jp", "gmail.com", "ソニー.jp", "ロイヤル.jp")


@pytest.mark.parametrize(
    ("host", "registrable"),
    [
        ("mail.example.co.jp", "example.co.jp"),
        ("a.b.c.example.com", "example.com"),
        ("city.shibuya.tokyo.jp", "city.shibuya.tokyo.jp"),
        ("Example.CO.JP.", "example.co.jp"),
        ("メール.日本商事.jp", "xn--3kqw7nytpngb.jp"),
    ],
)
def test_registrable_domain_offline(host, registrable):
    assert registrable_domain(host) == registrable


def test_own_subdomains_are_the_same_organisation():
    assert same_organisation("tokyo.mail.example.co.jp", "example.co.jp")
    assert not same_organisation("example.co.jp.evil.example", "example.co.jp")


@pytest.mark.parametrize(
    ("domain", "reference", "reason"),
    [
        ("exampl.co.jp", "example.co.jp", "typo"),
        ("exmaple.co.jp", "example.co.jp", "typo"),
        ("exampl.ac.jp", "example.ac.jp", "typo"),
        ("example.co", "example.co.jp", "suffix"),
        ("examp1e.co.jp", "example.co.jp", "homoglyph"),
        ("xn--exmple-4nf.co.jp", "example.co.jp", "homoglyph"),  # Cyrillic а
        ("pаrtner.co.jp", "partner.co.jp", "homoglyph"),
        ("par-tner.co.jp", "partner.co.jp", "separator"),
        ("日本商亊.jp", "日本商事.jp", "typo"),
        ("ソニ一.jp", "ソニー.jp", "homoglyph"),  # kanji 一 for the long-vowel mark
        ("口イヤル.jp", "ロイヤル.jp", "homoglyph"),  # kanji 口 for katakana ロ
        ("gmial.com", "gmail.com", "typo"),
    ],
)
def test_lookalikes(domain, reference, reason):
    hit = LookalikeIndex(REFS).find(domain)
    assert hit is not None and domain_info(hit.reference).registrable == domain_info(reference).registrable
    assert hit.reason == reason


@pytest.mark.parametrize(
    "domain",
    ["example.co.jp", "sub.example.co.jp", "partner.co.jp", "x.partner.co.jp", "sony.co.jp", "example.com",
     "mail.com", "yahoo.co.jp", "abc.co.jp", "partner.ne.jp", "exam.co.jp", "日本.jp", "xn--eckwd4c7c.xn--zckzah",
     "bad..domain", "xn--broken-.jp", "", "localhost"],
)
def test_not_lookalikes(domain):
    assert LookalikeIndex(REFS).find(domain) is None


def test_mixed_scripts_and_punycode_are_reported():
    info = domain_info("xn--exmple-4nf.co.jp")
    assert info.is_idn and info.mixed_scripts and info.unicode == "exаmple.co.jp"
    assert not domain_info("日本商事.jp").mixed_scripts  # kanji + kana + latin is ordinary Japanese


@given(st.text(max_size=12), st.text(max_size=12), st.integers(0, 3))
def test_edit_distance_is_a_capped_metric(a, b, limit):
    d = edit_distance(a, b, limit)
    assert d == edit_distance(b, a, limit)
    assert (d == 0) == (a == b)
    assert 0 <= d <= limit + 1
    if abs(len(a) - len(b)) > limit:
        assert d == limit + 1


@given(st.text(max_size=80))
def test_domain_info_never_raises(text):
    info = domain_info(text)
    LookalikeIndex(REFS).find(text)
    assert isinstance(info.registrable, str)


_LABEL = st.text(alphabet="abcdeo01-", min_size=1, max_size=14)


@given(st.lists(_LABEL, min_size=1, max_size=8), _LABEL, st.sampled_from(["co.jp", "jp", "com", "co"]))
def test_index_finds_what_comparing_every_reference_finds(ref_labels, label, suffix):
    from incidents.intake.domains import _compare

    refs = tuple(f"{r}.co.jp" for r in ref_labels if not r.startswith("-") and not r.endswith("-"))
    domain = f"{label}.{suffix}"
    if label.startswith("-") or label.endswith("-") or not refs:
        return
    info = domain_info(domain)
    index = LookalikeIndex(refs)
    if info.registrable in index.known:
        return
    brute = [h for h in (_compare(info, domain_info(r)) for r in refs) if h]
    found = index.find(domain)
    assert (found is None) == (not brute)
    if found:
        assert found.confidence == max(h.confidence for h in brute)
