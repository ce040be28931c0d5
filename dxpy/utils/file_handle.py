"""Open a path, or use a file object the caller already opened, with one ``with`` statement."""
import codecs
import contextlib
import gzip


@contextlib.contextmanager
def as_handle(path_or_handle, mode=None, is_gzip=False, **kwargs):
    """Yield a file object for *path_or_handle*.

    A path is opened with *mode* (default ``"r"``, or ``"rb"`` for gzip) and closed on exit;
    with *is_gzip* it is read or written through gzip (text mode when reading). An object
    with a ``read`` method is yielded as it is (wrapped in a gzip reader with *is_gzip*) and
    left open. *kwargs* go to the opener; an ``encoding`` opens the path with
    :func:`codecs.open`.
    """
    if mode is None:
        mode = "rb" if is_gzip else "r"
    if hasattr(path_or_handle, "read"):
        if is_gzip:
            yield gzip.GzipFile(fileobj=path_or_handle, mode=mode)
        else:
            yield path_or_handle
        return
    if "encoding" in kwargs:
        opener = codecs.open
    elif is_gzip:
        opener = gzip.open
        if "r" in mode:
            mode = "rt"
    else:
        opener = open
    with opener(path_or_handle, mode=mode, **kwargs) as handle:
        yield handle
