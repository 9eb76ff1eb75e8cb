"""The alliance/round/scale block every hand-built round report in the unit tests shares."""

META = {
    "alliance": {"name": "X", "segment": "typical", "sides": {"A": "Pharma", "B": "Bio"}},
    "round": {
        "label": "R1",
        "status": "closed",
        "opens_on": "2026-01-01",
        "closes_on": "2026-01-22",
        "questionnaire": "q@1",
    },
    "scale": {"min": 1, "max": 5},
}
