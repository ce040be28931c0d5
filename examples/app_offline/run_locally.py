"""Debug the app's code on this machine without building an applet::

    python examples/app_offline/run_locally.py

Starts an emulator, uploads a sample file to it, writes ``job_input.json`` into a scratch
directory and runs ``python src/app.py`` there. Outside a job, ``dxpy.run()`` is the local debug
harness: main runs in that process, the subjobs it starts with ``dxpy.new_dxjob`` run after it
(the same file, one process each) and the references to their outputs are filled in before
``job_output.json`` is written. Against the real platform, set the usual ``DX_*`` variables
(or ``dx login``) and run ``python src/app.py`` in a directory holding a ``job_input.json``.
"""
import json
import os
import subprocess
import sys
import tempfile

import dxpy
import dxpy.emulator

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    with dxpy.emulator.running() as emulator, tempfile.TemporaryDirectory() as workdir:
        text = dxpy.upload_string("one two\nthree\nfour five six\n", name="sample.txt", wait_on_close=True)
        with open(os.path.join(workdir, "job_input.json"), "w") as handle:
            json.dump({"text": dxpy.dxlink(text), "chunks": 2}, handle)
        env = dict(os.environ, **emulator.environment())
        subprocess.check_call([sys.executable, os.path.join(HERE, "src", "app.py")], cwd=workdir, env=env)
        with open(os.path.join(workdir, "job_output.json")) as handle:
            output = json.load(handle)
        print("job_output.json:", json.dumps(output, indent=2))
        stats = dxpy.DXRecord(output["stats"]).get_details()
        print("stats record details:", stats)
        return 0 if stats["lines"] == 3 else 1


if __name__ == "__main__":
    sys.exit(main())
