"""The README's quickstart runs offline against an emulator it starts itself."""
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_quickstart_shows_project_record_file_and_search(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DX_")}
    env.update(HOME=str(tmp_path), PYTHONPATH=REPO)
    proc = subprocess.run([sys.executable, os.path.join(REPO, "examples", "quickstart.py")], env=env,
                          cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = {line.split()[0]: line for line in proc.stdout.splitlines() if line.strip()}
    assert "'emulator project'" in lines["project"]
    assert "closed" in lines["record"] and "'reads': 12000" in lines["record"]
    assert "3 parts, md5 matches" in lines["file"]
    assert "2 objects" in lines["search"] and "record sample-1" in lines["search"]
