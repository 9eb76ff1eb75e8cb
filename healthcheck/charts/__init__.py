"""Pure Altair chart builders (DataFrame → chart) and one render module."""

SIDE_COLOURS = ["#1f77b4", "#e07b00"]
LEVEL_COLOURS = {"aligned": "#2e7d32", "watch": "#d08a00", "gap": "#c62828"}
RAG_COLOURS = {"green": "#2e7d32", "amber": "#d08a00", "red": "#c62828", "none": "#8a8a8a"}
FONT = "Helvetica, Arial, sans-serif"


def base_config(chart):
    return (
        chart.configure(font=FONT)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=12, titleFontSize=12)
        .configure_legend(labelFontSize=12, titleFontSize=12, orient="bottom")
    )
