"""A chart's figures as a table: each point's hover words, as plain text (the accessible alternative to the chart)."""

from __future__ import annotations

import plotly.graph_objects as go

from reporting.chart_tables import figures_table, plain


def test_the_table_lists_each_described_point_in_its_series_and_skips_the_rest() -> None:
    fig = go.Figure(
        [
            go.Bar(
                y=["a", "b"], x=[1, 2], name="▼ below", hovertext=["&lt;b&gt;Ann&lt;/b&gt;: 14.0%<br>▼ below", "B: 2%"]
            ),
            go.Scatter(x=[0, 1], y=[0, 1], hoverinfo="skip", hovertext=["shading", "shading"]),  # no words of its own
            go.Scatter(x=[1], y=[1], mode="text", text=["14%"]),  # a label, no hover words
            go.Bar(y=["a"], x=[1], name="▼ below", hovertext=["B: 2%"]),  # a repeat
        ]
    )
    table = figures_table(fig)
    assert table.to_dict("list") == {
        "Series": ["▼ below", "▼ below"],
        "Figures": ["<b>Ann</b>: 14.0%; ▼ below", "B: 2%"],  # a name escaped for Plotly reads as typed
    }


def test_a_chart_without_a_key_has_no_series_column() -> None:
    fig = go.Figure([go.Bar(y=["a"], x=[1], showlegend=False, hovertext=["A: 1%"])])
    assert figures_table(fig).to_dict("list") == {"Figures": ["A: 1%"]}
    assert plain("<i>x</i><br/>y &amp; z") == "x; y & z"


def test_a_hover_template_is_filled_in_point_by_point_as_plotly_fills_it() -> None:
    """Trend and spine charts give their words as a template (`%{x}`, `%{y:.1%}`), not words per point: each point's
    row reads as its hover does, and a gap in the line (no figure) gives no row."""
    import numpy as np

    fig = go.Figure(
        [
            go.Scatter(
                x=["2020-21 Q1", "2020-21 Q2", "2020-21 Q3"],
                y=np.array([0.25, np.nan, 0.3126]),
                customdata=[[" (2 of 4)"], [""], [""]],
                name="Hackney",
                hovertemplate="Hackney, %{x}: %{y:.1%}%{customdata[0]}<extra></extra>",
            ),
            go.Scatter(x=[0.5], y=["Repeat rate"], showlegend=False, hovertemplate="Repeat rate: 30.0% ● within"),
        ]
    )
    assert figures_table(fig).to_dict("list") == {
        "Series": ["Hackney", "Hackney", ""],
        "Figures": ["Hackney, 2020-21 Q1: 25.0% (2 of 4)", "Hackney, 2020-21 Q3: 31.3%", "Repeat rate: 30.0% ● within"],
    }
