"""``/project-xxxx/checkFeatureAccess``: which licensed features (``dxNextflow``, ...) the billTo
of a project has. A local emulator's users and orgs hold no licences: every feature asked about
is answered false, as the platform answers for an account without it."""
from .validate import REQUIRED, strings


def project_check_feature_access(req):
    return {"features": dict((name, False) for name in strings(req.payload, "features", REQUIRED))}
