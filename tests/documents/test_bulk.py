"""Bulk letters: the layered fast path prints exactly what the one-by-one path prints."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from incidents.documents import samples
from incidents.documents.bulk import LetterComposer, LetterRun, LettersConflict, write_letters

from .conftest import flat, page_count, pdf_text


def run_for(kind="notice_affected", lang="ja") -> LetterRun:
    return LetterRun(kind=kind, lang=lang, incident=samples.incident(), letterhead=samples.letterhead(),
                     extras=samples.extras(), issued_on=date(2025, 6, 20))


def raster(data: bytes, tmp_path: Path, name: str) -> list[Image.Image]:
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / name)], check=True)
    return [Image.open(p).convert("L") for p in sorted(tmp_path.glob(f"{name}-*.png"))]


@pytest.mark.parametrize(("kind", "lang"), [("notice_affected", "ja"), ("apology_unintended", "en")])
def test_layered_letter_looks_exactly_like_the_single_render(tmp_path, kind, lang):
    composer = LetterComposer(run_for(kind, lang))
    people = samples.people(3)
    letters = composer.compose(people, split=True)
    assert len(letters) == 3
    fast = raster(letters[1], tmp_path, "fast")
    slow = raster(composer.single(people[1]), tmp_path, "slow")
    assert len(fast) == len(slow) == (2 if kind == "apology_unintended" else 1)
    for a, b in zip(fast, slow):
        assert ImageChops.difference(a, b).getbbox() is None


def test_merged_batch_keeps_order_and_one_page_per_letter():
    composer = LetterComposer(run_for())
    people = samples.people(5)
    pdf = composer.compose(people, split=False)
    assert page_count(pdf) == 5
    text = flat(pdf_text(pdf))
    positions = [text.index(p.reference.replace(" ", "")) for p in people]
    assert positions == sorted(positions)
    assert text.count("個人情報の漏えいに関するお知らせとお詫び") == 5


def test_body_variants_get_their_own_constant_layer():
    composer = LetterComposer(run_for("apology_unintended"))
    people = [
        {"address": "a@kitakaze.example", "name": "山田 太郎", "organization": "株式会社北風製作所"},
        {"address": "b@example.jp", "name": "鈴木 次郎"},
        {"address": "c@minami.example", "organization": "南株式会社"},
    ]
    letters = composer.compose(people, split=True)
    texts = [flat(pdf_text(x)) for x in letters]
    assert [page_count(x) for x in letters] == [2, 2, 2]
    assert "弊社より貴社宛てに" in texts[0] and "山田太郎様" in texts[0]
    assert "弊社よりお送りいたしました" in texts[1] and "鈴木次郎様" in texts[1] and "山田" not in texts[1]
    assert "貴殿" not in texts[1] and "貴社" not in texts[1]  # a person is not addressed as 貴殿 or 貴社
    assert "南株式会社御中" in texts[2] and "弊社より貴社宛てに" in texts[2]


def test_write_letters_resumes_without_duplicates(tmp_path):
    run = run_for()
    people = samples.people(7)
    seen = []
    first = write_letters(run, people, tmp_path, workers=1, batch_size=3, progress=lambda d, t: seen.append((d, t)))
    assert first.written == 7 and first.skipped == 0 and seen[-1] == (7, 7)
    names = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert names[0] == "00001_customer00000@example.jp.pdf" and len(names) == 7
    keep = tmp_path / names[0]
    stamp = keep.stat().st_mtime_ns
    (tmp_path / names[3]).unlink()
    (tmp_path / names[5]).unlink()
    (tmp_path / f".{names[5]}.999.tmp").write_bytes(b"%PDF-1.7 half a letter")  # an interrupted write
    again = write_letters(run, people, tmp_path, workers=1, batch_size=3)
    assert again.written == 2 and again.skipped == 5
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == names
    assert keep.stat().st_mtime_ns == stamp
    assert "No.42-00004" in flat(pdf_text((tmp_path / names[3]).read_bytes()))
    assert not list(tmp_path.glob(".*.tmp"))


def test_other_run_in_the_same_directory_is_refused(tmp_path):
    write_letters(run_for(), samples.people(2), tmp_path, workers=1)
    with pytest.raises(LettersConflict):
        write_letters(run_for(), samples.people(3), tmp_path, workers=1)


def test_merged_output_with_two_worker_processes(tmp_path):
    people = samples.people(6)
    result = write_letters(run_for(), people, tmp_path, merge=True, workers=2, batch_size=2)
    assert [f.name for f in result.files] == ["letters.pdf"]
    pdf = result.files[0].read_bytes()
    assert page_count(pdf) == 6
    text = flat(pdf_text(pdf))
    assert [text.index(p.reference.replace(" ", "")) for p in people] == sorted(
        text.index(p.reference.replace(" ", "")) for p in people)
    assert not (tmp_path / ".parts").exists()
    again = write_letters(run_for(), people, tmp_path, merge=True, workers=2, batch_size=2)
    assert again.written == 0 and again.skipped == 6 and not (tmp_path / ".parts").exists()


def test_bulk_letters_carry_the_logo(tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGB", (60, 20), (20, 60, 160)).save(logo)
    run = LetterRun(kind="apology_intended", lang="ja", incident=samples.incident(),
                    letterhead=samples.letterhead(logo=logo), issued_on=date(2025, 6, 20))
    letters = LetterComposer(run).compose(samples.people(2), split=True)
    assert all(b"/Subtype /Image" in x or b"/Subtype/Image" in x for x in letters)
