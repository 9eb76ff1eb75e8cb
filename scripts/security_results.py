"""Print the measured security figures (test-artifacts/security-results.json) as a table."""

import json
import sys
from pathlib import Path

path = Path(sys.argv[1] if len(sys.argv) > 1 else "test-artifacts/security-results.json")
data = json.loads(path.read_text())
print("| test | backend | figures |")
print("|---|---|---|")
for backend, tests in sorted(data.items()):
    for name, figures in sorted(tests.items()):
        print(f"| {name} | {backend} | {', '.join(f'{k} {v}' for k, v in figures.items())} |")
