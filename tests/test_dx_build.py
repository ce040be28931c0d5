"""dx build of applets, apps, workflows and global workflows from source directories: the output,
errors and exit codes of the reference dx and this one, and the executables they leave."""
import io
import json
import os
import tarfile

import pytest

import dxpy
from dx_cli import normalize

reference = pytest.mark.reference  # the tests that compare with the reference dx

BASH_CODE = 'main() {\n  dx-jobutil-add-output greeting "hello $who"\n}\n'
# Same mtime for every file written here, so that both clients' bundles have the same checksum
# properties (the checksum covers mtimes).
MTIME = 1700000000


def write(path, text, mode=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(text)
    if mode is not None:
        os.chmod(path, mode)


def dxapp(name="hello", **changes):
    spec = {
        "name": name, "title": "Hello", "summary": "says hello", "dxapi": "1.0.0", "version": "0.0.1",
        "inputSpec": [{"name": "who", "class": "string", "optional": True, "default": "world"}],
        "outputSpec": [{"name": "greeting", "class": "string"}],
        "runSpec": {"interpreter": "bash", "file": "src/hello.sh", "distribution": "Ubuntu", "release": "20.04",
                    "version": "0"},
        "regionalOptions": {"aws:us-east-1": {"systemRequirements": {"*": {"instanceType": "mem1_ssd1_v2_x4"}}}},
    }
    spec.update(changes)
    return spec


def make_source(root, spec=None, resources=True, makefile=False, dxapp_text=None):
    """An applet source directory under *root*: dxapp.json, src/hello.sh, Readme files, and
    resources/ (a script and a data file); with *makefile*, a Makefile that adds a built file."""
    os.makedirs(str(root), exist_ok=True)
    write(os.path.join(str(root), "dxapp.json"), dxapp_text if dxapp_text is not None else json.dumps(spec or dxapp()))
    write(os.path.join(str(root), "src", "hello.sh"), BASH_CODE)
    write(os.path.join(str(root), "Readme.md"), "Says hello.\n")
    write(os.path.join(str(root), "Readme.developer.md"), "Nothing to add.\n")
    if resources:
        write(os.path.join(str(root), "resources", "usr", "bin", "greet.sh"), "echo hi\n", mode=0o700)
        write(os.path.join(str(root), "resources", "opt", "data.txt"), "data\n", mode=0o600)
    if makefile:
        write(os.path.join(str(root), "Makefile"),
              "all:\n\tmkdir -p resources/built && echo made > resources/built/made.txt\n")
    _same_times(str(root))
    return str(root)


def _same_times(root):
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.utime(os.path.join(dirpath, name), (MTIME, MTIME))
    os.utime(root, (MTIME, MTIME))


def normalized_describe(executable_id, drop=("project",)):
    """The describe of *executable_id*, IDs and times normalised, as text."""
    if executable_id.startswith("app-"):
        described = dxpy.api.app_describe(executable_id)
    elif executable_id.startswith("applet-"):
        described = dxpy.api.applet_describe(executable_id)
    else:
        described = dxpy.api.workflow_describe(executable_id)
    for key in drop:
        described.pop(key, None)
    return normalize(json.dumps(described, indent=1, sort_keys=True))


def built_id(output):
    return json.loads(output.strip().splitlines()[-1])["id"]


def bundle_members(applet_id, project):
    """(name, mode, contents) of each member of the applet's resources bundle."""
    depends = dxpy.api.applet_describe(applet_id)["runSpec"]["bundledDepends"]
    assert [entry["name"] for entry in depends] == ["resources.tar.gz"]
    data = dxpy.open_dxfile(depends[0]["id"]["$dnanexus_link"], project=project, mode="rb").read()
    members = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            content = archive.extractfile(member).read() if member.isfile() else None
            members.append((member.name, oct(member.mode), content))
    return members


def objects_in(project):
    return sorted((found["describe"]["name"], found["id"].split("-")[0])
                  for found in dxpy.find_data_objects(project=project, describe=True, visibility="either"))


def both(twins, *words, **kwargs):
    """Run the same dx build with both clients; assert same exit code, stdout and stderr; the
    (reference, this) stdout texts."""
    results = []
    for client in twins.clients:
        result = client.run(*words, **kwargs)
        results.append(result)
    ref, this = [(r.returncode, normalize(r.stdout), normalize(r.stderr)) for r in results]
    assert this == ref, "dx %s differs\n--- reference\n%r\n--- this\n%r" % (" ".join(words), ref, this)
    return results[0].stdout, results[1].stdout


def assert_alike(results, name):
    """The (reference, this) results of one command on per-client sources are the same once
    NAME-ref / NAME-this and the ref/ and this/ directories are made alike; this one's."""
    texts = []
    for result, suffix in zip(results, ("ref", "this")):
        texts.append(tuple(normalize(text.replace("%s-%s" % (name, suffix), "<name>").replace(suffix + "/", ""))
                           if isinstance(text, str) else text
                           for text in (result.returncode, result.stdout, result.stderr)))
    assert texts[1] == texts[0], "differs\n--- reference\n%r\n--- this\n%r" % tuple(texts)
    return texts[1]


# -- applets -----------------------------------------------------------------------------------

@reference
def test_build_applet_with_resources_and_makefile(twins, tmp_path):
    source = make_source(tmp_path / "hello", makefile=True)
    ref_out, this_out = both(twins, "build", source)
    ref_id, this_id = built_id(ref_out), built_id(this_out)
    assert normalized_describe(this_id) == normalized_describe(ref_id)
    described = dxpy.api.applet_describe(this_id)
    assert described["description"] == "Says hello.\n" and described["developerNotes"] == "Nothing to add.\n"
    assert described["runSpec"]["code"] == BASH_CODE and "file" not in described["runSpec"]
    assert described["runSpec"]["systemRequirements"] == {"*": {"instanceType": "mem1_ssd1_v2_x4"}}
    members = bundle_members(this_id, twins.this.project)
    assert members == bundle_members(ref_id, twins.ref.project)
    assert ("usr/bin/greet.sh", "0o755", b"echo hi\n") in members  # a+rX
    assert ("opt/data.txt", "0o644", b"data\n") in members
    assert ("built/made.txt", "0o644", b"made\n") in members  # the Makefile ran
    # The bundle is hidden in the project, with the checksum that lets a rebuild reuse it.
    bundle = dxpy.api.applet_describe(this_id)["runSpec"]["bundledDepends"][0]["id"]["$dnanexus_link"]
    bundle_desc = dxpy.DXFile(bundle, project=twins.this.project).describe(incl_properties=True)
    assert bundle_desc["hidden"] is True and "resource_bundle_checksum" in bundle_desc["properties"]


@reference
def test_built_applet_runs_with_its_resources(twins, tmp_path):
    """The emulator unpacks the resources bundle for the job: its tools are on PATH, what goes
    under /home/dnanexus is in the job's home."""
    source = make_source(tmp_path / "hello")
    write(os.path.join(source, "resources", "home", "dnanexus", "motd.txt"), "welcome\n")
    write(os.path.join(source, "src", "hello.sh"),
          'main() {\n  dx-jobutil-add-output greeting "hello $who, $(greet.sh), $(cat $HOME/motd.txt)"\n}\n')
    applet_id = built_id(twins.this("build", source))
    job = dxpy.DXApplet(applet_id).run({"who": "there"}, project=twins.this.project)
    job.wait_on_done()
    assert job.describe()["output"] == {"greeting": "hello there, hi, welcome"}


def _with_own_dx_on_path(client):
    """dxpy's --run starts the ``dx`` on PATH: make it the client's own."""
    return {"PATH": os.path.dirname(client.python) + os.pathsep + os.environ.get("PATH", os.defpath)}


@reference
def test_build_and_run(twins, tmp_path):
    source = make_source(tmp_path / "hello")
    results = [client.run("build", source, "--run", "-y", "--wait", "--brief", "-iwho=me",
                          env=_with_own_dx_on_path(client)) for client in twins.clients]
    assert [(r.returncode, normalize(r.stdout), normalize(r.stderr)) for r in results][1] == \
        [(r.returncode, normalize(r.stdout), normalize(r.stderr)) for r in results][0]
    job = results[1].stdout.strip()
    assert job.startswith("job-") and dxpy.DXJob(job).describe()["output"] == {"greeting": "hello me"}
    assert dxpy.DXJob(job).describe()["priority"] == "high"
    # A run that cannot start: the applet is built, the run's error and exit code are dx run's.
    results = [client.run("build", source, "-f", "--run", "-y", "-inope=1", env=_with_own_dx_on_path(client))
               for client in twins.clients]
    assert [(r.returncode, r.stderr.splitlines()[-1]) for r in results][1] == \
        [(r.returncode, r.stderr.splitlines()[-1]) for r in results][0]
    assert results[1].returncode == 3 and 'Input field called "nope" was not found' in results[1].stderr
    assert [kind for _, kind in objects_in(twins.this.project)].count("applet") == 1


@reference
def test_build_applet_destination_overwrite_archive_and_json(twins, tmp_path):
    source = make_source(tmp_path / "hello")
    twins.populate(lambda project: dxpy.api.project_new_folder(project, {"folder": "/tools"}))
    first = [built_id(out) for out in both(twins, "build", source, "-d", "{project}:/tools/greeter")]
    # A second build refuses to replace it, then -f replaces it, -a archives it.
    both(twins, "build", source, "-d", "/tools/greeter")
    replaced = [built_id(out) for out in both(twins, "build", source, "-d", "/tools/greeter", "-f", "--brief")]
    for client, old in zip(twins.clients, first):
        assert [name for name, _ in objects_in(client.project) if name == "greeter"] == ["greeter"]
        with pytest.raises(dxpy.exceptions.ResourceNotFound):
            dxpy.api.applet_describe(old, {"project": client.project})
    both(twins, "build", source, "-d", "/tools/greeter", "-a")
    for client, old in zip(twins.clients, replaced):
        archived = dxpy.api.applet_describe(old, {"project": client.project, "properties": True})
        assert archived["folder"] == "/.Applet_archive" and archived["name"].startswith("greeter (")
        assert archived["properties"]["replacedWith"].startswith("applet-")
    ref_json, this_json = both(twins, "build", source, "--json", "-d", "/tools/other")
    assert normalize(this_json) == normalize(ref_json)
    assert json.loads(this_json)["name"] == "other" and json.loads(this_json)["folder"] == "/tools"


@reference
def test_build_applet_dry_run_and_extra_args(twins, tmp_path):
    source = make_source(tmp_path / "hello")
    ref_out, this_out = both(twins, "build", source, "--dry-run")
    both(twins, "build", source, env={"DX_PROJECT_CONTEXT_ID": None})  # nowhere to build it
    assert "*** DRY-RUN-- no applet was created ***" in this_out
    for client in twins.clients:
        assert objects_in(client.project) == []
    extra = json.dumps({"name": "renamed", "runSpec": {"timeoutPolicy": {"*": {"hours": 2}}}, "tags": ["x"]})
    ref_out, this_out = both(twins, "build", source, "--extra-args", extra, "--no-parallel-build")
    described = dxpy.api.applet_describe(built_id(this_out))
    assert described["name"] == "renamed" and described["tags"] == ["x"]
    assert described["runSpec"]["timeoutPolicy"] == {"*": {"hours": 2}}
    assert described["runSpec"]["code"] == BASH_CODE  # merged, not replaced
    assert normalized_describe(built_id(this_out)) == normalized_describe(built_id(ref_out))


@reference
def test_build_with_asset_depends(twins, tmp_path):
    """An asset bundle record (AssetBundle, details.archiveFileId) becomes a bundledDepends entry."""
    outputs, archives = [], []
    for client, suffix in zip(twins.clients, ("ref", "this")):
        archive = dxpy.upload_string("tarball", project=client.project, name="tool_asset.tar.gz", wait_on_close=True)
        dxpy.new_dxrecord(project=client.project, name="tool_asset", types=["AssetBundle"],
                          details={"archiveFileId": dxpy.dxlink(archive)}, properties={"version": "1.0.0"},
                          close=True)
        run_spec = dict(dxapp()["runSpec"], assetDepends=[
            {"name": "tool_asset", "project": client.project, "version": "1.0.0", "stages": ["main"]}])
        source = make_source(tmp_path / suffix / "hello", spec=dxapp(runSpec=run_spec), resources=False)
        result = client.run("build", source)
        outputs.append((result.returncode, normalize(result.stdout),
                        normalize(result.stderr.replace(suffix + "/", ""))))
        archives.append(archive.get_id())
    assert outputs[1] == outputs[0]
    applet = json.loads(twins.this.run("describe", "hello", "--json").stdout)
    assert applet["runSpec"]["bundledDepends"] == [
        {"name": "tool_asset.tar.gz", "id": dxpy.dxlink(archives[1]), "stages": ["main"]}]


@reference
def test_build_get_build_round_trip(twins, tmp_path):
    """dx get of a built applet gives a source directory that builds an equal applet (both clients
    build it)."""
    source = make_source(tmp_path / "hello", makefile=False)
    first = built_id(twins.this("build", source, "-d", "/roundtrip"))
    workdir = tmp_path / "got"
    workdir.mkdir()
    twins.this("get", first, cwd=workdir)
    got = str(workdir / "roundtrip")
    assert sorted(os.listdir(os.path.join(got, "resources"))) == ["opt", "usr"]
    ref_out, this_out = both(twins, "build", got, "-d", "/again")
    alike = ("project", "name", "id", "created", "modified")
    assert normalized_describe(built_id(this_out), drop=alike) == normalized_describe(first, drop=alike)
    assert normalized_describe(built_id(ref_out), drop=alike) == normalized_describe(first, drop=alike)
    assert bundle_members(built_id(this_out), twins.this.project) == bundle_members(first, twins.this.project)


# -- bad input ---------------------------------------------------------------------------------

BAD_SOURCES = {
    "malformed": dict(dxapp_text='{"name": "hello", "runSpec": {'),
    "repeated key": dict(dxapp_text='{"name": "hello", "name": "again"}'),
    "no runSpec": dict(spec={"name": "hello", "dxapi": "1.0.0"}),
    "missing entry point": dict(spec=dxapp(runSpec=dict(dxapp()["runSpec"], file="src/missing.sh"))),
    "unknown instance type": dict(spec=dxapp(regionalOptions={"aws:us-east-1": {"systemRequirements": {
        "*": {"instanceType": "mem9_nosuch_x99"}}}})),
    "other region": dict(spec=dxapp(regionalOptions={"azure:westus": {}})),
    "no distribution": dict(spec=dxapp(runSpec={"interpreter": "bash", "file": "src/hello.sh"})),
}


@reference
@pytest.mark.parametrize("case", sorted(BAD_SOURCES))
def test_build_refuses_bad_source(twins, tmp_path, case):
    source = make_source(tmp_path / "hello", **BAD_SOURCES[case])
    both(twins, "build", source)
    result = twins.this.run("build", source)
    assert result.returncode == 3 and "Error:" in result.stderr
    for client in twins.clients:
        assert [kind for _, kind in objects_in(client.project) if kind == "applet"] == []


@reference
def test_build_refuses_syntax_errors_and_bad_options(twins, tmp_path):
    source = make_source(tmp_path / "hello")
    write(os.path.join(source, "src", "hello.sh"), "main() {\n  if then\n}\n")
    both(twins, "build", source)
    for client in twins.clients:
        result = client.run("build", str(tmp_path / "nowhere"))
        assert result.returncode == 2 and result.stderr.endswith(" is not a directory\n")
    for words in (["-f", "-a"], ["--create-app", "-d", "/x"], ["--dry-run", "--run"]):
        # Argument errors: dx build's usage and help (in this package's words), then the same error.
        results = [client.run("build", source, *words) for client in twins.clients]
        assert [(r.returncode, r.stderr.splitlines()[-1]) for r in results][1] == \
            [(r.returncode, r.stderr.splitlines()[-1]) for r in results][0]
        assert results[1].returncode == 2
    # Nextflow builds need the dxNextflow licence, which no account of the emulator has.
    both(twins, "build", "--nextflow", "--repository", "https://github.com/example/pipeline")
    # dxpy shows a traceback and exits 1 for a bad --extra-args: here the error, exit 3.
    result = twins.this.run("build", source, "--extra-args", "{not json")
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: Value given for --extra-args could not be parsed as JSON\n")
    for client in twins.clients:
        assert objects_in(client.project) == []


# -- apps --------------------------------------------------------------------------------------

def _app_twins(twins, tmp_path, name, *words, **spec_changes):
    """Build an app with each client from its own source directory (app names are global: each
    client's app is NAME-ref / NAME-this); compare outputs with the names made alike."""
    results = []
    for client, suffix in zip(twins.clients, ("ref", "this")):
        source = make_source(tmp_path / suffix / name, spec=dxapp(name="%s-%s" % (name, suffix), **spec_changes))
        results.append(client.run("build", source, *words))
    return assert_alike(results, name)


@reference
def test_build_app_publish_and_existing_version(twins, tmp_path):
    code, out, err = _app_twins(twins, tmp_path, "greeter", "--create-app")
    assert code == 0 and "Uploaded app <name>/0.0.1" in err
    app = dxpy.api.app_describe("app-greeter-this")
    assert app["version"] == "0.0.1" and "default" in app["aliases"] and "published" not in app
    assert app["description"] == "Says hello.\n" and list(app["regionalOptions"]) == ["aws:us-east-1"]
    # Temporary build projects are gone.
    assert not list(dxpy.find_projects(name="Temporary build project for dx-build-app", name_mode="glob"))
    # Building the unpublished version again updates it; publishing a new version; that version again fails.
    _app_twins(twins, tmp_path, "greeter", "--create-app", "--yes")
    code, out, err = _app_twins(twins, tmp_path, "greeter", "--create-app", "--version", "0.0.2", "--publish",
                                "--json")
    assert code == 0 and '"version": "0.0.2"' in out and '"published": <ms>' in out
    code, out, err = _app_twins(twins, tmp_path, "greeter", "--create-app", "--version", "0.0.2")
    assert code == 3 and "Could not create the requested version: 0.0.2" in err
    assert [found["describe"]["version"] for found in dxpy.find_apps(name="greeter-this", describe=True,
                                                                     all_versions=True)] != []


@reference
def test_build_app_from_applet(twins, tmp_path):
    source = make_source(tmp_path / "hello", resources=False)
    twins.populate(lambda project: None)
    for client, suffix in zip(twins.clients, ("ref", "this")):
        applet = built_id(client("build", source, "-d", "/fromapplet-%s" % suffix))
        result = client.run("build", "--from", applet, "--version", "1.0.0", "--create-app")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["id"] == dxpy.api.app_describe("app-fromapplet-%s" % suffix)["id"]
    code, _, err = _app_twins(twins, tmp_path, "x", "--create-app", "--region", "azure:westus")
    assert code == 3 and "--region and the 'regionalOptions' key" in err


# -- workflows ---------------------------------------------------------------------------------

def _workflow_sources(twins, tmp_path, name, **changes):
    """A dxworkflow.json per client, its stage running that client's applet "hello"."""
    sources = []
    for client, suffix in zip(twins.clients, ("ref", "this")):
        applet = built_id(client("build", make_source(tmp_path / suffix / "hello", resources=False)))
        spec = {"name": name + "-" + suffix, "title": "Flow", "summary": "greets", "version": "1.0.0",
                "stages": [{"id": "greet", "executable": applet, "input": {"who": "flow"}}]}
        spec.update(changes)
        root = tmp_path / suffix / name
        write(str(root / "dxworkflow.json"), json.dumps(spec))
        write(str(root / "Readme.md"), "A flow.\n")
        sources.append(str(root))
    return sources


@reference
def test_build_workflow(twins, tmp_path):
    sources = _workflow_sources(twins, tmp_path, "flow")
    outputs = [client.run("build", source) for client, source in zip(twins.clients, sources)]
    assert_alike(outputs, "flow")
    ref_id, this_id = [built_id(r.stdout) for r in outputs]
    alike = ("project", "name")
    assert normalized_describe(this_id, drop=alike) == normalized_describe(ref_id, drop=alike)
    described = dxpy.api.workflow_describe(this_id)
    assert described["state"] == "closed" and described["description"] == "A flow.\n"
    assert [stage["id"] for stage in described["stages"]] == ["greet"]
    analysis = dxpy.DXWorkflow(this_id).run({}, project=twins.this.project)
    analysis.wait_on_done()
    assert analysis.describe()["output"] == {"greet.greeting": "hello flow"}
    # Options that do not apply to workflows.
    for client, source in zip(twins.clients, sources):
        result = client.run("build", source, "--version", "2.0.0")
        assert result.returncode == 2 and "Options --version are not supported with workflows" in result.stderr


@reference
def test_build_global_workflow(twins, tmp_path):
    sources = _workflow_sources(twins, tmp_path, "gflow")
    outputs = [client.run("build", source, "--create-globalworkflow") for client, source in zip(twins.clients, sources)]
    code, _, err = assert_alike(outputs, "gflow")
    assert code == 0 and "Uploaded global workflow <name>/1.0.0 successfully" in err
    described = dxpy.api.global_workflow_describe("globalworkflow-gflow-this")
    assert described["version"] == "1.0.0" and list(described["regionalOptions"]) == ["aws:us-east-1"]
    assert not list(dxpy.find_projects(name="Temporary build project for dx build global workflow"))
