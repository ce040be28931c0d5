"""``dx new user``: create a user account on the auth server (on behalf of an org whose admin
the caller is), optionally inviting it to an org at once."""
import argparse

from ..exceptions import DXCLIError
from ..utils.printing import fill
from . import registry, try_call
from .parsers import env_args, stdout_args


class DXNewUserOrgArgsAction(argparse.Action):
    """An org option of ``dx new user`` that remembers it was given (they need ``--org``).
    An option whose default is a bool takes no value and sets the opposite of its default."""

    user_specified_opts = []

    def __init__(self, option_strings, dest, required=False, default=None, nargs=None, **kwargs):
        if isinstance(default, bool):
            nargs = 0
        super(DXNewUserOrgArgsAction, self).__init__(option_strings=option_strings, dest=dest, required=required,
                                                     default=default, nargs=nargs, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        DXNewUserOrgArgsAction.user_specified_opts.append(option_string)
        setattr(namespace, self.dest, (not self.default) if isinstance(self.default, bool) else values)


_MAX_TOKEN_DURATION_MS = 30 * 24 * 60 * 60 * 1000


def _user_new_input(args):
    """The ``/user/new`` input of the command line, checked."""
    from ..utils import normalize_timedelta
    if args.org is None and DXNewUserOrgArgsAction.user_specified_opts:
        raise DXCLIError("Cannot specify {opts} without specifying --org".format(
            opts=DXNewUserOrgArgsAction.user_specified_opts))
    request = {"username": args.username, "email": args.email}
    for field in ("first", "last", "middle", "occupation"):
        if getattr(args, field) is not None:
            request[field] = getattr(args, field)
    if args.token_duration is not None:
        duration = normalize_timedelta(args.token_duration)
        if duration > _MAX_TOKEN_DURATION_MS:
            raise DXCLIError("--token-duration must be 30 days or less")
        request["tokenDuration"] = duration
    if args.set_bill_to is True:
        request["billTo"] = args.org
    if args.on_behalf_of is not None:
        request["provisioningOrg"] = args.on_behalf_of
    return request


def new_user(args):
    """``dx new user``: the account ``user-<username>``, then (with --org) its invitation."""
    import dxpy
    from .org import get_org_invite_args
    request = try_call(_user_new_input, args)
    # No retries: a repeated /user/new after a lost answer would fail on the taken username.
    try_call(dxpy.DXHTTPRequest, dxpy.get_auth_server_name() + "/user/new", request, prepend_srv=False,
             max_retries=0)
    user_id = "user-" + args.username.lower()
    if args.org is not None:
        try_call(dxpy.api.org_invite, args.org, get_org_invite_args(user_id, args))
    if args.brief:
        print(user_id)
    else:
        print(fill("Created new user account ({u})".format(u=user_id)))


def add_new_user_parser(children):
    parser = children.add_parser("user", help="Create a new user account", description="Create a new user account",
                                 parents=[stdout_args, env_args], prog="dx new user")
    user_opts = parser.add_argument_group("User options")
    user_opts.add_argument("-u", "--username", required=True, help="Username")
    user_opts.add_argument("--email", required=True, help="Email address")
    user_opts.add_argument("--first", help="First name")
    user_opts.add_argument("--middle", help="Middle name")
    user_opts.add_argument("--last", help="Last name")
    user_opts.add_argument("--token-duration",
                           help="Time duration for which the newly generated auth token for the new user will be "
                                "valid (default 30 days; max 30 days). An integer will be interpreted as seconds; you "
                                "can append a suffix (s, m, h, d) to indicate different units (e.g. "
                                '"--token-duration 10m" to indicate 10 minutes).')
    user_opts.add_argument("--occupation", help="Occupation")
    user_opts.add_argument("--on-behalf-of", help="On behalf of which org is the account provisioned")
    org_opts = parser.add_argument_group("Org options",
                                         "Optionally invite the new user to an org with the specified parameters")
    org_opts.add_argument("--org", help="ID of the org")
    org_opts.add_argument("--level", choices=["ADMIN", "MEMBER"], default="MEMBER", action=DXNewUserOrgArgsAction,
                          help="Org membership level that will be granted to the new user; default MEMBER")
    org_opts.add_argument("--set-bill-to", default=False, action=DXNewUserOrgArgsAction,
                          help='Set the default "billTo" field of the new user to the org; implies '
                               "--allow-billable-activities")
    org_opts.add_argument("--allow-billable-activities", default=False, action=DXNewUserOrgArgsAction,
                          help='Grant the new user "allowBillableActivities" in the org')
    org_opts.add_argument("--no-app-access", default=True, action=DXNewUserOrgArgsAction, dest="app_access",
                          help='Disable "appAccess" for the new user in the org')
    org_opts.add_argument("--project-access", choices=["ADMINISTER", "CONTRIBUTE", "UPLOAD", "VIEW", "NONE"],
                          default="CONTRIBUTE", action=DXNewUserOrgArgsAction,
                          help='The "projectAccess" to grant the new user in the org; default CONTRIBUTE')
    org_opts.add_argument("--no-email", default=False, action=DXNewUserOrgArgsAction,
                          help="Disable org invitation email notification to the new user")
    parser.set_defaults(func=new_user)
    registry.register_parser(parser, subparsers_action=children, categories="other")
