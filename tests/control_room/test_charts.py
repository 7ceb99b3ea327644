"""Chart geometry: bars stack to their totals inside the plot, empty data says so, labels fit."""

from incidents.control_room import charts


def test_stacked_bars_stack_to_the_total_inside_the_plot():
    ch = charts.stacked_bars(["2026-10", "2026-11"], {"2026-10": {"a": 3, "b": 1}, "2026-11": {}},
                             [("a", "A"), ("b", "B")])
    first = ch["bars"][0]
    assert first["total"] == 4 and [s["cls"] for s in first["segments"]] == ["c0", "c1"]
    top = min(s["y"] for s in first["segments"])
    bottom = max(s["y"] + s["h"] for s in first["segments"])
    assert 0 <= top and abs(bottom - ch["base"]) < 0.5
    assert ch["bars"][1]["segments"] == [] and not ch["empty"]
    assert charts.stacked_bars(["2026-11"], {"2026-11": {}}, [("a", "A")])["empty"]


def test_bars_keep_gaps_for_months_without_data():
    ch = charts.bars(["10", "11"], [None, 1.5], unit="h")
    assert ch["bars"][0]["text"] == "–" and ch["bars"][1]["text"] == "1.5h" and ch["bars"][1]["h"] > 0


def test_labels_fit_their_column():
    assert charts.fit("Short") == "Short"
    long_ja = charts.fit("拡大防止（送信取消・リンク無効化・先方への連絡）")
    assert long_ja.endswith("…") and len(long_ja) <= 23
