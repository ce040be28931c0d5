"""The SSH public key of the user's account: the one jobs accept for ``dx ssh`` and
``dx run --allow-ssh``, compared with the key pair ``dx ssh_config`` keeps in the user's
configuration directory (``ssh_id``, ``ssh_id.pub``)."""
import os

from ..exceptions import DXError, err_exit
from ..utils.printing import BOLD, RED, fill
from . import prompt_for_yn, try_call


def update_pub_key(user_id, pub_key_file):
    """Save the public key in the file *pub_key_file* as *user_id*'s SSH key."""
    import dxpy
    with open(pub_key_file) as key_file:
        dxpy.api.user_update(user_id, {"sshPublicKey": key_file.read()})
    print("Updated public key for user {}".format(user_id))
    print(fill("Your account has been configured for use with SSH. Use " + BOLD("dx run") + " with the --allow-ssh, "
               "--ssh, or --debug-on options to launch jobs and connect to them."))


def verify_ssh_config():
    """Warn, and ask whether to go on, when the account's SSH key is not this computer's
    ``ssh_id.pub`` (or either is missing); exit when the answer is no."""
    import dxpy
    try:
        with open(os.path.join(dxpy.config.get_user_conf_dir(), "ssh_id.pub")) as key_file:
            user = try_call(dxpy.api.user_describe, try_call(dxpy.whoami))
            if "sshPublicKey" not in user:
                raise DXError("User's SSH public key is not set")
            if key_file.read() != user["sshPublicKey"]:
                raise DXError("Public key mismatch")
    except (IOError, DXError) as error:
        message = (RED("Warning:") + " Unable to verify configuration of your account for SSH connectivity: {}. SSH "
                   "connection will likely fail. To set up your account for SSH, quit this command and run ".format(
                       error) + BOLD("dx ssh_config") + ". Continue with the current command?")
        if not prompt_for_yn(fill(message), default=False):
            err_exit(expected_exceptions=(IOError, DXError))
