"""The account's SSH public key: update_pub_key and verify_ssh_config against the emulator's
/user-xxxx/update and describe."""
import builtins

import pytest

import dxpy
from dxpy.cli.ssh_keys import update_pub_key, verify_ssh_config
from dxpy.exceptions import InvalidInput, PermissionDenied
from dx_cli import as_user

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOnly+for+tests user@host\n"


@pytest.fixture
def conf_dir(tmp_path, monkeypatch, cli_emulator):
    monkeypatch.setattr(dxpy.config, "get_user_conf_dir", lambda: str(tmp_path))
    yield tmp_path
    dxpy.api.user_update(dxpy.whoami(), {"sshPublicKey": None})


def answers(monkeypatch, *replies):
    """Answer the prompts with *replies*; the prompts asked, in order."""
    asked, pending = [], list(replies)

    def fake_input(prompt=""):
        asked.append(prompt)
        return pending.pop(0)
    monkeypatch.setattr(builtins, "input", fake_input)
    return asked


def test_update_pub_key_saves_the_key(conf_dir, capsys):
    key_file = conf_dir / "ssh_id.pub"
    key_file.write_text(KEY)
    update_pub_key(dxpy.whoami(), str(key_file))
    assert dxpy.api.user_describe(dxpy.whoami())["sshPublicKey"] == KEY
    out = capsys.readouterr().out
    assert out.startswith("Updated public key for user %s\n" % dxpy.whoami())
    assert "configured for use with SSH" in out


def test_update_pub_key_missing_file_changes_nothing(conf_dir):
    with pytest.raises(IOError):
        update_pub_key(dxpy.whoami(), str(conf_dir / "absent.pub"))
    assert "sshPublicKey" not in dxpy.api.user_describe(dxpy.whoami())


def test_verify_passes_quietly_when_the_keys_match(conf_dir, monkeypatch):
    (conf_dir / "ssh_id.pub").write_text(KEY)
    dxpy.api.user_update(dxpy.whoami(), {"sshPublicKey": KEY})
    assert answers(monkeypatch) == [] and verify_ssh_config() is None


@pytest.mark.parametrize("account_key, reason", [(None, "User's SSH public key is not set"),
                                                 ("ssh-rsa AAAAB3other\n", "Public key mismatch")])
def test_verify_asks_when_the_keys_differ(conf_dir, monkeypatch, account_key, reason):
    (conf_dir / "ssh_id.pub").write_text(KEY)
    dxpy.api.user_update(dxpy.whoami(), {"sshPublicKey": account_key})
    asked = answers(monkeypatch, "y")
    verify_ssh_config()
    assert len(asked) == 1 and reason in asked[0].replace("\n", " ") and asked[0].endswith("[y/N]: ")
    answers(monkeypatch, "n")
    with pytest.raises(SystemExit) as stopped:
        verify_ssh_config()
    assert stopped.value.code == 3


def test_verify_asks_when_this_computer_has_no_key(conf_dir, monkeypatch):
    asked = answers(monkeypatch, "")  # the default is no
    with pytest.raises(SystemExit):
        verify_ssh_config()
    assert "ssh_id.pub" in asked[0].replace("\n", "")


def test_user_update_accepts_only_the_callers_own_names_and_key(conf_dir, cli_emulator):
    me = dxpy.whoami()
    with pytest.raises(InvalidInput):
        dxpy.api.user_update(me, {"email": "new@example.org"})
    with pytest.raises(InvalidInput):
        dxpy.api.user_update(me, {"sshPublicKey": "   "})
    with pytest.raises(InvalidInput):
        dxpy.api.user_update(me, {"first": 7})
    other, token = cli_emulator.add_user("keyholder")
    with as_user(token), pytest.raises(PermissionDenied):
        dxpy.api.user_update(me, {"sshPublicKey": KEY})
    assert "sshPublicKey" not in dxpy.api.user_describe(me)
    dxpy.api.user_update(me, {"middle": "Q"})
    assert dxpy.api.user_describe(me)["middle"] == "Q"
    dxpy.api.user_update(me, {"middle": ""})
