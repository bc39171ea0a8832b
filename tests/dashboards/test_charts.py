"""The server-side SVG charts: valid, accessible, proportional, French, escaped, and honest about gaps."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils.safestring import SafeString

from dashboards import charts, indicators, tables

NS = {"svg": "http://www.w3.org/2000/svg"}
NBSP = "\u00a0"
PLOT_HEIGHT = 220  # the height of the plot area of bar and line charts, in viewBox units
QUARTERS = ["T3 2017", "T4 2017", "T1 2018"]


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def bars(svg) -> list[ET.Element]:
    return parse(svg).findall(".//svg:rect[@class='bar']", NS)


def heights(svg) -> list[float]:
    return [float(rect.get("height")) for rect in bars(svg)]


def visible(node: ET.Element) -> str:
    """The text a reader sees in a <text>: its own text and its tspans', not its <title> tooltip."""
    parts = [node.text or ""]
    for child in node:
        if not child.tag.endswith("}title"):
            parts.append(visible(child))
        parts.append(child.tail or "")
    return "".join(parts)


def texts(svg) -> list[str]:
    return [visible(node) for node in parse(svg).iter(f"{{{NS['svg']}}}text")]


def every_chart():
    return [
        charts.bar_chart(title="Entrées et sorties", categories=QUARTERS, series=[("Entrées", [20, 25, 16]),
                                                                                ("Sorties", [9, None, 21])]),
        charts.line_chart(title="Taux de sorties dynamiques", categories=QUARTERS,
                          series=[("Sorties dynamiques", [Decimal("66.7"), None, Decimal("53.3")])], max_value=100),
        charts.hbar_chart(title="Profil à l'entrée", items=[("Femmes", Decimal("12.5")), ("RSA", None)], unit="%"),
        charts.funnel(title="Session du 01/06/2017", steps=[("Candidatures", 24), ("Retenues", 12)]),
        charts.bar_chart(title="Rien", categories=[], series=[]),
    ]


@pytest.mark.parametrize("svg", every_chart(), ids=["bar", "line", "hbar", "funnel", "empty"])
def test_each_chart_is_one_accessible_self_contained_svg(svg):
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 640 ")
    assert root.get("width") is None and root.get("height") is None  # it takes its container's width
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find("svg:title", NS).get("id") == title_id
    assert root.find("svg:desc", NS).get("id") == desc_id
    assert root.find("svg:desc", NS).text.strip()
    # A strict CSP: no script, no style element or attribute, no external resource.
    for element in root.iter():
        assert element.tag.split("}")[1] not in ("script", "style", "image", "use", "foreignObject")
        assert "style" not in element.attrib
        assert not any(name.endswith("href") for name in element.attrib)
        assert not any(name.startswith("on") for name in element.attrib)


def test_two_charts_with_the_same_title_have_different_ids():
    first, second = (charts.funnel(title="Même titre", steps=[("A", 1)]) for _ in range(2))
    assert parse(first).find("svg:title", NS).get("id") != parse(second).find("svg:title", NS).get("id")


def test_a_given_chart_id_names_title_and_desc():
    root = parse(charts.hbar_chart(title="Profil", items=[("Femmes", 3)], chart_id="profil"))
    assert root.get("aria-labelledby") == "profil-title profil-desc"
    assert root.find("svg:title", NS).text == "Profil"


def test_bar_heights_are_proportional_to_the_values():
    # The axis goes up to 40 (ticks every 10): 40 fills the plot, 10 a quarter of it.
    svg = charts.bar_chart(title="Entrées", categories=QUARTERS, series=[("Entrées", [10, 20, 40])])
    assert heights(svg) == [55, 110, 220]
    ticks = [text for text in texts(svg) if text in {"0", "10", "20", "30", "40"}]
    assert ticks == ["0", "10", "20", "30", "40", "10", "20", "40"]  # axis, then the bars' value labels


def test_grouped_bars_keep_one_scale_and_one_colour_per_series():
    svg = charts.bar_chart(title="Entrées et sorties", categories=QUARTERS,
                           series=[("Entrées", [20, 25, 16]), ("Sorties", [9, 0, 21])])
    # Largest 25: an axis to 25 in steps of 5, so a bar of 5 is 44 units high.
    assert heights(svg) == [pytest.approx(value * PLOT_HEIGHT / 25) for value in [20, 25, 16, 9, 0, 21]]
    fills = [rect.get("fill") for rect in bars(svg)]
    assert fills == [charts.BLUE_FRANCE] * 3 + [charts.PALETTE[1]] * 3
    legend = parse(svg).find(".//svg:g[@class='iae-chart__legend']", NS)
    assert [node.text for node in legend.iter(f"{{{NS['svg']}}}text")] == ["Entrées", "Sorties"]


def test_a_single_series_has_no_legend():
    svg = charts.bar_chart(title="Entrées", categories=QUARTERS, series=[("Entrées", [1, 2, 3])])
    assert parse(svg).find(".//svg:g[@class='iae-chart__legend']", NS) is None


def test_a_missing_value_draws_no_bar_and_the_description_says_so():
    svg = charts.bar_chart(title="Entrées", categories=QUARTERS, series=[("Entrées", [3, None, 6])])
    assert heights(svg) == [110, 220]  # axis up to 6
    assert "T4 2017 : non disponible" in parse(svg).find("svg:desc", NS).text
    assert "n.c." not in texts(svg)


def test_zero_is_a_flat_bar_with_its_value_but_nothing_at_all_is_said_in_words():
    zeros = charts.bar_chart(title="Entrées", categories=QUARTERS, series=[("Entrées", [0, 0, 0])])
    assert heights(zeros) == [0, 0, 0]
    assert texts(zeros).count("0") == 4  # the axis' 0 and the three bars'
    for svg in [charts.bar_chart(title="Entrées", categories=QUARTERS, series=[("Entrées", [None] * 3)]),
                charts.bar_chart(title="Entrées", categories=[], series=[("Entrées", [])]),
                charts.line_chart(title="Taux", categories=QUARTERS, series=[("Taux", [None] * 3)]),
                charts.hbar_chart(title="Profil", items=[]),
                charts.funnel(title="Session", steps=[("Candidatures", None)])]:
        assert texts(svg) == ["Aucune donnée sur la période"]
        assert not bars(svg)
        assert parse(svg).find("svg:desc", NS).text == "Aucune donnée sur la période."


def test_a_rates_chart_without_exits_says_why_beside_a_table_with_entries():
    """Issue 16, §3: no more "Aucune donnée" beside a quarters' table that has entrants (no exit: no rate)."""
    entries_only = tables.build_charts(None, {key: tables.Cell(0, "people") for key in indicators.OUTCOME_KEYS},
                                       _trends(entrants=[4, 6, 0], exits=[0, 0, 0]), [])
    assert texts(entries_only["rates"]["svg"]) == [tables.NO_RATE]
    nothing = tables.build_charts(None, {key: tables.Cell(0, "people") for key in indicators.OUTCOME_KEYS},
                                  _trends(entrants=[0, 0, 0], exits=[0, 0, 0]), [])
    assert texts(nothing["rates"]["svg"]) == ["Aucune donnée sur la période"]


def _trends(*, entrants, exits):
    columns = [tables.Column(key, key) for key in ("entrants", "exits", "rate_dynamic_exits", "rate_employment")]
    lines = [tables.Line(quarter, [tables.Cell(entered, "people"), tables.Cell(left, "people"),
                                   tables.Cell(None, "pct"), tables.Cell(None, "pct")])
             for quarter, entered, left in zip(QUARTERS, entrants, exits, strict=True)]
    return tables.Table("tendances", "Tendances", tables.Column("trimestre", "Trimestre"), columns, lines)


def test_large_numbers_are_written_the_french_way():
    svg = charts.bar_chart(title="Heures travaillées", categories=["2017", "2018"],
                           series=[("Heures", [1234567, 987654])])
    labels = texts(svg)
    assert f"1{NBSP}234{NBSP}567" in labels and f"987{NBSP}654" in labels
    assert f"1{NBSP}250{NBSP}000" in labels  # the axis' top (steps of 250 000)
    assert heights(svg) == [pytest.approx(1234567 * PLOT_HEIGHT / 1250000, abs=0.01),
                            pytest.approx(987654 * PLOT_HEIGHT / 1250000, abs=0.01)]


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (1234, "", f"1{NBSP}234"),
    (Decimal("66.0"), "%", f"66,0{NBSP}%"),
    (Decimal("24"), "%", f"24,0{NBSP}%"),
    (Decimal("12.35"), "ETP", f"12,35{NBSP}ETP"),
    (1234.5, "h", f"1{NBSP}234,5{NBSP}h"),
    (0, "", "0"),
    (None, "%", "n.c."),
])
def test_format_number(value, unit, expected):
    assert charts.format_number(value, unit) == expected


def test_labels_from_data_are_escaped_and_shown_literally():
    svg = charts.bar_chart(title='Programme "<b>&"', categories=["<b>&", "A"], series=[("<i>x</i>", [5, 6]),
                                                                                     ("y", [1, 2])])
    assert "<b>" not in svg and "<i>" not in svg
    assert "&lt;b&gt;&amp;" in svg
    root = parse(svg)
    assert root.find("svg:title", NS).text == 'Programme "<b>&"'
    assert "<b>&" in texts(svg) and "<i>x</i>" in texts(svg)
    for svg in [charts.hbar_chart(title="<script>", items=[("<b>&", 3)]),
                charts.funnel(title="t", steps=[("<b>&", 3)]),
                charts.line_chart(title="t", categories=["<b>&"], series=[("s", [3])])]:
        assert "<b>" not in svg and "<script>" not in svg
        assert "<b>&" in texts(svg)


def test_line_chart_breaks_the_line_at_a_gap_and_places_points_on_the_rate_axis():
    svg = charts.line_chart(title="Taux", categories=["T1", "T2", "T3", "T4", "T5"],
                            series=[("Taux", [Decimal("10.0"), Decimal("50.0"), None, Decimal("25.0"),
                                              Decimal("100.0")])], max_value=100)
    root = parse(svg)
    lines = root.findall(".//svg:polyline[@class='line']", NS)
    assert [len(line.get("points").split()) for line in lines] == [2, 2]  # T1-T2, then T4-T5
    points = root.findall(".//svg:circle[@class='point']", NS)
    ys = [float(point.get("cy")) for point in points]
    base = ys[3] + PLOT_HEIGHT  # 100 % is at the top of the plot
    assert [base - y for y in ys] == pytest.approx([22, 110, 55, 220])
    assert f"50,0{NBSP}%" in texts(svg) and f"100{NBSP}%" in texts(svg)  # a value and the axis' top


def test_line_chart_axis_grows_when_a_rate_exceeds_its_maximum():
    svg = charts.line_chart(title="Taux d'occupation", categories=["2017", "2018"],
                            series=[("Occupation", [Decimal("80.0"), Decimal("130.0")])], max_value=100)
    assert f"150{NBSP}%" in texts(svg)


def test_several_lines_differ_by_dash_and_marker_not_only_colour():
    root = parse(charts.line_chart(title="Taux", categories=QUARTERS, series=[
        ("Dynamiques", [Decimal(50), Decimal(60), Decimal(70)]), ("Emploi", [Decimal(20), Decimal(30), Decimal(40)])]))
    dashes = [line.get("stroke-dasharray") for line in root.findall(".//svg:polyline[@class='line']", NS)]
    assert dashes == [None, "6 3"]
    assert len(root.findall(".//svg:circle[@class='point']", NS)) == 3
    assert len(root.findall(".//svg:rect[@class='point']", NS)) == 3


def test_hbar_widths_are_proportional_and_a_missing_value_has_no_bar():
    svg = charts.hbar_chart(title="Profil", items=[("Femmes", Decimal("10.0")), ("RSA", None),
                                                   ("DELD", Decimal("40.0"))], unit="%")
    widths = [float(rect.get("width")) for rect in bars(svg)]
    assert len(widths) == 2 and widths[1] == pytest.approx(4 * widths[0])
    assert {"Femmes", "RSA", "DELD", f"10,0{NBSP}%", f"40,0{NBSP}%"} <= set(texts(svg))


def test_funnel_widths_follow_the_counts_with_the_share_of_the_step_before():
    svg = charts.funnel(title="Session du 01/06/2017", steps=[("Candidatures", 24), ("Retenues", 12),
                                                              ("Entrées", 9)])
    widths = [float(rect.get("width")) for rect in bars(svg)]
    assert widths[1] == pytest.approx(widths[0] / 2) and widths[2] == pytest.approx(widths[0] * 9 / 24)
    labels = texts(svg)
    assert "24" in labels and f"12 (50,0{NBSP}%)" in labels and f"9 (75,0{NBSP}%)" in labels
    assert "Retenues : 12 (soit 50,0\u00a0% de l'étape précédente)" in parse(svg).find("svg:desc", NS).text


def test_impossible_values_are_refused():
    with pytest.raises(ValueError):
        charts.bar_chart(title="t", categories=["a"], series=[("s", [-1])])
    with pytest.raises(ValueError):
        charts.bar_chart(title="t", categories=["a", "b"], series=[("s", [1])])


# --- For print (dashboards.charts.start_anchored) ------------------------------------------------------------


def print_charts() -> list[str]:
    """One chart of each kind, with middle- and end-anchored texts: values above bars, slanted and two-line
    category labels, two-line row labels, the funnel's note."""
    return [
        charts.bar_chart(title="Flux", categories=["Premier trimestre de l'année", "T2 2026", "T3"],
                         series=[("Entrées", [12, 3, 0]), ("Sorties", [4, None, 7])]),
        charts.bar_chart(title="Penché", categories=[f"Établissement pénitentiaire numéro {n}" for n in range(9)],
                         series=[("", list(range(9)))]),
        charts.line_chart(title="Taux", categories=QUARTERS, series=[("Dynamiques", [Decimal("66.7"), None, 50])]),
        charts.hbar_chart(title="Sorties", items=[("Emploi durable", 7), ("Sortie vers une formation qualifiante "
                                                                          "ou une création d'entreprise", 9)]),
        charts.funnel(title="Entonnoir", steps=[("Candidatures", 100), ("Personnes retenues", 75)]),
    ]


def test_for_print_every_text_starts_where_its_anchor_put_it_and_says_the_same():
    for svg in print_charts():
        printed = charts.start_anchored(svg)
        assert 'text-anchor' in svg and 'text-anchor' not in printed
        assert texts(printed) == texts(svg)
        assert parse(printed).attrib == parse(svg).attrib and isinstance(printed, SafeString)
    funnel = print_charts()[-1]
    note = [node for node in parse(funnel).iter(f"{{{NS['svg']}}}text") if visible(node).startswith("Entre")][0]
    printed = [node for node in parse(charts.start_anchored(funnel)).iter(f"{{{NS['svg']}}}text")
               if visible(node).startswith("Entre")][0]
    width = charts.text_width(visible(note), charts.SMALL)
    assert float(printed.get("x")) == pytest.approx(float(note.get("x")) - width, abs=0.01)  # anchored at its end
    assert 250 < width < 330  # Marianne's widths, not an estimate per character (47 characters × 7.2 = 338)


def test_printed_by_weasyprint_the_charts_look_the_same_without_transparency_groups(tmp_path):
    """Each word of the charts, drawn anchored and start-anchored, lands at the same place on the page (pdftotext
    -bbox, to a twentieth of a point); only the anchored drawing made transparency groups."""
    import re
    import shutil
    import subprocess

    from documents.renderer import render_pdf
    from documents.templatetags.pdf import pdf_static

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    fonts = "".join(f'@font-face {{ font-family: Marianne; font-weight: {weight}; src: url("{pdf_static(path)}"); }}'
                    for weight, path in (("normal", charts.FONT_FILES[False]), ("bold", charts.FONT_FILES[True])))
    words, groups = {}, {}
    for name, svgs in (("anchored", print_charts()), ("printed", map(charts.start_anchored, print_charts()))):
        body = "".join(f'<div style="width: 17cm; break-inside: avoid">{svg}</div>' for svg in svgs)
        pdf = render_pdf(f"<html><head><style>{fonts} svg {{ display: block; width: 100% }}</style></head>"
                         f"<body>{body}</body></html>")
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        groups[name] = pdf.count(b"/Transparency")
        bbox = subprocess.run(["pdftotext", "-bbox", str(tmp_path / f"{name}.pdf"), "-"],  # noqa: S603, S607
                              check=True, capture_output=True, text=True).stdout
        words[name] = [(word, round(float(x), 2), round(float(y), 2)) for x, y, word in
                       re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', bbox)]
    assert len(words["anchored"]) > 60 and "Entonnoir" not in {word for word, _x, _y in words["anchored"]}
    assert [word for word, _x, _y in words["printed"]] == [word for word, _x, _y in words["anchored"]]
    moves = [max(abs(a[1] - b[1]), abs(a[2] - b[2])) for a, b in zip(words["printed"], words["anchored"], strict=True)]
    assert max(moves) < 0.05  # a twentieth of a point: rounding of the coordinates (two decimals in the viewBox)
    assert groups == {"anchored": groups["anchored"], "printed": 0} and groups["anchored"] > 10
