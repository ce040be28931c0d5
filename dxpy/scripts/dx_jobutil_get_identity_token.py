"""dx-jobutil-get-identity-token: print a job identity token (a JWT) from ``job-xxxx/getIdentityToken``."""
import argparse
import os
import sys

import dxpy
from ..utils.resolver import try_call


def build_parser():
    parser = argparse.ArgumentParser(
        prog="dx-jobutil-get-identity-token",
        description="calls job-xxxx/getIdentityToken and retrieves a JWT token based on aud and subject claims input")
    parser.add_argument("--aud", required=True, help="Audience URI the JWT is intended for")
    parser.add_argument("--subject_claims", action="append", metavar="<subject_claims>",
                        help="Defines the subject claims to be validated by the cloud provider")
    return parser


def token_request(aud, subject_claims):
    """The input of getIdentityToken; each --subject_claims may hold several comma-separated claims."""
    request = {"audience": aud}
    if subject_claims is not None:
        request["subject_claims"] = [claim for value in subject_claims for claim in value.split(",")]
    return request


def main(argv=None):
    args = build_parser().parse_args(argv)
    if "DX_JOB_ID" not in os.environ:
        print("This script should be run from within a job environment.")
        sys.exit(1)
    response = try_call(dxpy.api.job_get_identity_token, dxpy.JOB_ID, token_request(args.aud, args.subject_claims))
    sys.stdout.write(response["Token"])


if __name__ == "__main__":
    main()
