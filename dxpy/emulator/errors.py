"""Platform errors, as the API reports them: ``{"error": {"type", "message", "details"}}``
with the HTTP status the API documentation gives for each type."""


class CorruptStateError(Exception):
    """A file of the emulator's data directory cannot be read back (the message names it)."""


class PlatformError(Exception):
    """An API error: *error_type* is the name clients map to an exception class."""

    def __init__(self, error_type, message, status, details=None):
        super(PlatformError, self).__init__(message)
        self.error_type = error_type
        self.message = message
        self.status = status
        self.details = details
        self.headers = []  # extra response headers, e.g. ("Retry-After", "5")

    def to_json(self):
        error = {"type": self.error_type, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


def _kind(error_type, status):
    def make(message, details=None):
        return PlatformError(error_type, message, status, details)
    make.__name__ = error_type
    return make


MalformedJSON = _kind("MalformedJSON", 400)
InvalidAuthentication = _kind("InvalidAuthentication", 401)
PermissionDenied = _kind("PermissionDenied", 401)
ResourceNotFound = _kind("ResourceNotFound", 404)
InvalidInput = _kind("InvalidInput", 422)
InvalidType = _kind("InvalidType", 422)
InvalidState = _kind("InvalidState", 422)
ServiceUnavailable = _kind("ServiceUnavailable", 503)
InternalError = _kind("InternalError", 500)
