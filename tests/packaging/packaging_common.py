"""What the package checks share: running a tool, and the project's version."""
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(cmd, check=True, env=None):
    """Runs cmd and captures its output; with check, a non-zero exit raises with that output."""
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {p.returncode}:\n{p.stdout}{p.stderr}")
    return p


def project_version():
    """The version in CMakeLists.txt's project(), which every package carries."""
    text = (REPO / "CMakeLists.txt").read_text()
    return re.search(r"project\(postguard VERSION ([0-9.]+)", text).group(1)
