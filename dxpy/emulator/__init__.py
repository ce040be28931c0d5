"""A local emulator of the DNAnexus API, for tests.

::

    with dxpy.emulator.running() as emulator:
        dxpy.api.system_whoami()                     # answered by the emulator
        emulator.faults.add("/system/whoami", status=503, retry_after=1, times=1)

``Emulator`` owns a platform model, the fault rules and an HTTP server running in a
background thread; ``running`` also points this process's dxpy at it and puts the previous
configuration back afterwards. ``python -m dxpy.emulator`` serves one from the command line.

The same port also answers as the auth server (``/system/getUserInfo``, which dxpy's
``user_info()`` calls): ``environment()`` sets ``DX_AUTHSERVER_HOST``/``DX_AUTHSERVER_PORT``.
More users come from ``add_user``; projects are shared with ``/project-xxxx/invite`` and
permission levels (VIEW < UPLOAD < CONTRIBUTE < ADMINISTER) are enforced on every route::

    bob_id, bob_token = emulator.add_user("bob")
    dxpy.api.project_invite(emulator.project_id, {"invitee": bob_id, "level": "VIEW"})

Jobs run: each job's entry point runs in a local subprocess once its inputs are ready, at most
``max_parallel_jobs`` at a time, with the environment of a real job (``DX_JOB_ID``, a job token,
a temporary workspace that is destroyed when the job tree ends). ``emulator.job_log(job_id)``
(or ``/job-xxxx/getLog``) gives what the job printed. ``run_jobs=False`` keeps every job idle
(for tests of the bookkeeping alone); ``emulator.start_jobs()`` starts executing them later::

    with dxpy.emulator.running(max_parallel_jobs=2, job_timeout=60) as emulator:
        job = applet.run({"n": 3})
        job.wait_on_done()
        print(emulator.job_log(job.get_id()))
"""
import contextlib
import json
import os
import threading

from .faults import FaultRules

__all__ = ["Emulator", "running", "FaultRules"]


class Emulator(object):
    """An emulated API server: ``start()``, then talk to ``url`` with ``token``.

    :param platform: the platform model to serve; a new ``Platform(data_dir)`` by default (a
        stand-in object answers ``add_user``, ``default_identity``, ``authenticate``, ``call``,
        ``store_part`` and ``file_chunks``; it cannot run jobs).
    :param token: the token of the emulator's user; by default the one kept in *data_dir* from an
        earlier start, else a random one.
    :param run_jobs: execute jobs in local subprocesses (see :meth:`start_jobs`); False: they stay idle.
    :param max_parallel_jobs: how many job processes may run at once.
    :param job_timeout: seconds after which any job fails with ``JobTimeoutExceeded`` (None: only
        the applet's ``runSpec.timeoutPolicy`` limits it).
    :param link: a modelled network between server and clients, e.g.
        ``"rtt=40ms,per-connection=25MiB/s"`` (or a ``dxpy.emulator.link.Link``): every answer
        waits the round trip and each connection is paced (see :mod:`dxpy.emulator.link`).
    :param users: more users, each ``"name"`` or ``"name=token"`` (a random token otherwise);
        their tokens are in :attr:`tokens`.
    :param orgs: orgs to create, mapping a handle (``"lab"`` or ``"org-lab"``) to the names of its
        members: the first one is its ADMIN, the others MEMBERs (``"emulator"`` is the emulator's
        own user).
    :param admin_token: the only token that may change the fault rules over HTTP
        (``/emulator/faults``); the emulator user's *token* by default.
    :param limits: what the server accepts from clients (a ``dxpy.emulator.limits.Limits``: body
        sizes, read timeout, connections, JSON depth); its defaults otherwise.
    """

    def __init__(self, host="127.0.0.1", port=0, token=None, data_dir=None, platform=None, verbose=False,
                 run_jobs=True, max_parallel_jobs=4, job_timeout=None, link=None, users=(), orgs=None,
                 admin_token=None, limits=None):
        from .limits import Limits
        from .link import parse_link
        if admin_token is not None and not (isinstance(admin_token, str) and admin_token):
            raise ValueError("admin_token must be a non-empty string, not %r" % (admin_token,))
        if limits is not None and not isinstance(limits, Limits):
            raise ValueError("limits must be a dxpy.emulator.limits.Limits, not %r" % (limits,))
        self.link = parse_link(link) if link is not None else None
        if platform is None:
            from .model import Platform  # the model is only loaded when an emulator is made
            platform = Platform(data_dir=data_dir)
        self.platform = platform
        self.faults = FaultRules()
        self.host = host
        self.port = port
        self.verbose = verbose
        self.user_id, self.token, self.project_id = platform.default_identity(token)
        self.admin_token = admin_token or self.token
        self.limits = limits
        self.tokens = {self.user_id: self.token}  # user ID -> API token, for each user made here
        for entry in users:
            name, _, user_token = entry.partition("=")
            self.add_user(name, token=user_token or None)
        for handle, members in (orgs or {}).items():
            self.add_org(handle, members)
        self._server = None
        self._thread = None
        self.run_jobs = run_jobs
        self.max_parallel_jobs = max_parallel_jobs
        self.job_timeout = job_timeout
        self.job_runner = None
        self._stopped_runner = None

    @property
    def url(self):
        return "http://%s:%d" % (self.client_host, self.port)

    @property
    def client_host(self):
        """The host clients should use: a wildcard bind address is reached on loopback."""
        return "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host

    @property
    def security_context(self):
        return {"auth_token_type": "Bearer", "auth_token": self.token}

    def add_user(self, username, token=None, first=None, last=None, email=None, password=None):
        """Create the user ``user-<username>`` (if new) with an API token; returns (user ID, token).
        With *password* the user can also get tokens from ``/system/newAuthToken`` (``dx login``)."""
        names = dict((key, value) for key, value in (("first", first), ("last", last), ("email", email),
                                                     ("password", password)) if value is not None)
        user_id, token = self.platform.add_user(username, token=token, **names)
        self.tokens[user_id] = token
        return user_id, token

    def add_org(self, handle, members, name=None):
        """Create the org ``org-<handle>`` through its first member, who becomes its ADMIN, and make
        the other *members* (names of existing users) MEMBERs; returns the org ID. An org kept in
        the data directory from an earlier start gets the members it lacks."""
        handle = handle[len("org-"):] if handle.startswith("org-") else handle
        user_ids = [member if member.startswith("user-") else "user-" + member for member in members]
        unknown = [user_id for user_id in user_ids if user_id not in self.tokens]
        if not user_ids or unknown:
            raise ValueError("org %s needs members among the emulator's users; unknown: %s"
                             % (handle, ", ".join(unknown) or "(none given)"))
        with self.platform.transaction() as state:  # kept from an earlier start on the same data directory
            kept = state.get("orgs", {}).get("org-" + handle)
            members = set(kept["members"]) if kept is not None else set()
        if kept is None:
            org_id = self.platform.call(user_ids[0], "/org/new", {"handle": handle, "name": name or handle})["id"]
        else:
            org_id = kept["id"]
        for user_id in user_ids[1:]:
            if user_id not in members:
                self.platform.call(user_ids[0], "/%s/invite" % org_id,
                                   {"invitee": user_id, "level": "MEMBER", "suppressEmailNotification": True})
        return org_id

    def add_symlinked_file(self, parts, checksum_type, name="symlinked", project=None, folder="/"):
        """Emulator only: a closed symlinked file (as the platform makes from a user's own
        cloud storage) holding the byte strings *parts*, each part described with a
        ``checksum`` of *checksum_type* (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) instead of an
        md5, and the file with ``drive`` and ``checksumType``. Returns its ID."""
        from .model import files
        file_id = self.platform.call(self.user_id, "/file/new", {"project": project or self.project_id,
                                                                 "name": name, "folder": folder})["id"]
        for index, data in enumerate(parts, start=1):
            self.platform.store_part(file_id, index, data)
        return files.make_symlinked(self.platform, file_id, checksum_type)

    def environment(self):
        """The ``DX_*`` variables that point a dxpy client at this emulator (API and auth server)."""
        return {
            "DX_APISERVER_PROTOCOL": "http",
            "DX_APISERVER_HOST": self.client_host,
            "DX_APISERVER_PORT": str(self.port),
            # dxpy joins these as HOST + ":" + PORT, so the host carries the scheme
            "DX_AUTHSERVER_HOST": "http://" + self.client_host,
            "DX_AUTHSERVER_PORT": str(self.port),
            "DX_SECURITY_CONTEXT": json.dumps(self.security_context),
            "DX_PROJECT_CONTEXT_ID": self.project_id,
            "DX_WORKSPACE_ID": self.project_id,
        }

    def start(self):
        """Bind the port (a free one when *port* is 0) and serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        from .server import EmulatorServer
        self._server = EmulatorServer((self.host, self.port), self.platform, self.faults, verbose=self.verbose,
                                     link=self.link, admin_token=self.admin_token, limits=self.limits)
        self.port = self._server.server_address[1]
        # serve_forever notices a shutdown request only between polls: poll often, stop fast.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="dxpy-emulator-%d" % self.port, daemon=True)
        self._thread.start()
        if self.run_jobs:
            self.start_jobs()
        return self

    def start_jobs(self, max_parallel_jobs=None, job_timeout=None, scratch_dir=None):
        """Start executing jobs (the emulator must be serving): each runnable job's code runs in a
        subprocess whose home is under *scratch_dir* (a temporary directory by default)."""
        if self._server is None:
            raise RuntimeError("start the emulator before its job runner")
        if self.job_runner is not None:
            raise RuntimeError("the emulator already executes jobs")
        from .execution.runner import JobRunner
        api_variables = dict((name, value) for name, value in self.environment().items()
                             if name.startswith(("DX_APISERVER_", "DX_AUTHSERVER_")))
        self.job_runner = JobRunner(
            self.platform, api_variables,
            max_parallel_jobs=self.max_parallel_jobs if max_parallel_jobs is None else max_parallel_jobs,
            job_timeout=self.job_timeout if job_timeout is None else job_timeout, scratch_dir=scratch_dir).start()
        return self.job_runner

    def stop_jobs(self):
        """Stop executing jobs; running jobs' processes are killed."""
        runner, self.job_runner = self.job_runner, None
        if runner is not None:
            runner.stop()
            self._stopped_runner = runner  # its logs stay readable

    def job_log(self, job_id):
        """What job *job_id*'s code printed on stdout and stderr, as text ("" if it never ran here)."""
        runner = self.job_runner or self._stopped_runner
        return runner.job_log(job_id) if runner is not None else ""

    def stop(self):
        """Stop executing jobs and serving; close the port and every open connection."""
        self.stop_jobs()
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        self._thread.join()
        self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


# dxpy's module globals that ``running`` changes, restored on exit.
_DXPY_GLOBALS = ("APISERVER_PROTOCOL", "APISERVER_HOST", "APISERVER_PORT", "APISERVER",
                 "_apiserver_url_has_port", "SECURITY_CONTEXT", "AUTH_HELPER",
                 "PROJECT_CONTEXT_ID", "WORKSPACE_ID")


@contextlib.contextmanager
def running(**kwargs):
    """Start an ``Emulator(**kwargs)`` (on 127.0.0.1 and a free port unless told otherwise;
    it executes jobs unless ``run_jobs=False``), point dxpy and the ``DX_*`` environment
    variables at it, and yield it. The previous configuration and environment are restored and
    the emulator stopped on exit."""
    import dxpy

    kwargs.setdefault("host", "127.0.0.1")
    kwargs.setdefault("port", 0)
    emulator = Emulator(**kwargs).start()
    environment = emulator.environment()
    saved_globals = {name: getattr(dxpy, name) for name in _DXPY_GLOBALS}
    saved_problems = dict(dxpy._config_problems)
    saved_environ = {name: os.environ.get(name) for name in environment}
    try:
        os.environ.update(environment)
        dxpy.set_api_server_info(host=emulator.client_host, port=emulator.port, protocol="http")
        dxpy.set_security_context(emulator.security_context)
        dxpy.set_project_context(emulator.project_id)
        dxpy.set_workspace_id(emulator.project_id)
        yield emulator
    finally:
        for name, value in saved_globals.items():
            setattr(dxpy, name, value)
        dxpy._config_problems.clear()
        dxpy._config_problems.update(saved_problems)
        for name, value in saved_environ.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        emulator.stop()
