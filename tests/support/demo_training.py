"""Training the demo model in a process of its own, the way a user's script runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

TRAIN = Path(__file__).parent / "train_demo.py"


def train(tracking_uri: str, experiment: str, model: str, artifact_location: str | None = None) -> list[str]:
    """Run the demo training script as its own process, the way a user's script runs."""
    env = {**os.environ, "MLFLOW_TRACKING_URI": tracking_uri}
    if artifact_location:
        env["ARTIFACT_LOCATION"] = artifact_location
    out = subprocess.run(
        [sys.executable, str(TRAIN), experiment, model],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])["runs"]
