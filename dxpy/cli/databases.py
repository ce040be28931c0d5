"""``dx list database files`` and ``dx get`` of a database: the files Spark SQL keeps inside a
database object, listed with ``/database-xxxx/listFolder`` and downloaded one by one."""
import sys

from ..exceptions import err_exit
from ..utils.printing import DELIMITER, fill
from . import registry, try_call
from .parsers import env_args

EXPECTED_ERR_EXIT_STATUS = 3
# "/database-<24 characters>/" in front of each path that listFolder returns.
_PREFIX_LENGTH = len("/database-") + 24 + 1


def _path_in_database(listed_path):
    """*listed_path* (``/database-xxxx/table/part-0``) relative to the database."""
    start = listed_path.rfind("database-")
    return listed_path[start + _PREFIX_LENGTH - 1:] if start != -1 else listed_path


def get_database(entity_result, args):
    """``dx get`` of a database: the files under ``--filename`` (every file with
    ``--allow-all-files``) into a local directory named after the database's ID."""
    import dxpy
    from .data import get_output_path
    from .download import download_one_database_file
    desc = entity_result["describe"]
    if args.filename in (None, "", "/") and not args.allow_all_files:
        err_exit("Error: downloading all files from a database not allowed unless --allow-all-files argument is "
                 "specified.", EXPECTED_ERR_EXIT_STATUS)
    output_path = get_output_path(entity_result["id"], desc["class"], args)
    print("Downloading database files", file=sys.stderr)
    listing = try_call(dxpy.api.database_list_folder, entity_result["id"],
                       {"folder": args.filename or "/", "recurse": args.recurse})
    for status in listing["results"]:
        if status.get("isDirectory", True):
            continue  # the local folders come with the files in them
        src_filename = _path_in_database(status["path"])
        print(src_filename)
        try_call(download_one_database_file, desc["project"], desc, output_path, src_filename, status, args)


def _resolve_database(path):
    """{"id", "describe"} of the database *path* names (an ID or a path); exits 3 otherwise."""
    import dxpy
    from ..utils.resolver import is_hashid, resolve_existing_path
    if is_hashid(path):
        desc = try_call(dxpy.api.database_describe, path)
        return {"id": desc["id"], "describe": desc}
    _project, _folder, result = try_call(resolve_existing_path, path, expected="entity")
    if result is None:
        err_exit("Could not resolve " + path + " to a data object", EXPECTED_ERR_EXIT_STATUS)
    klass = result["describe"]["class"]
    if klass != "database":
        err_exit("Error: The given object is of class " + klass + " but an object of class database was expected",
                 EXPECTED_ERR_EXIT_STATUS)
    return result


def _listing_time(epoch_ms):
    """Local time as ``aws s3 ls`` shows it (2024-01-31 13:05:00)."""
    import datetime
    return datetime.datetime.fromtimestamp(epoch_ms // 1000).strftime("%Y-%m-%d %H:%M:%S")


def list_database_files(args):
    """``dx list database files DATABASE``: modification time, size and path of each file
    under ``--folder``, aligned or (``--csv``) comma-separated."""
    import dxpy
    database = _resolve_database(args.database)
    listing = try_call(dxpy.api.database_list_folder, database["id"],
                       {"folder": args.folder, "recurse": args.recurse, "timeout": args.timeout})
    for entry in listing["results"]:
        when = _listing_time(entry["modified"]) if entry["modified"] != 0 else ""
        if args.csv:
            print("{}{}{}{}{}".format(when, DELIMITER(","), entry["size"], DELIMITER(","), entry["path"]))
        else:
            print("{}{}{}{}{}".format(when.rjust(19), DELIMITER(" "), str(entry["size"]).rjust(12), DELIMITER(" "),
                                      entry["path"]))


def add_list_database_parser(children, _command):
    """``dx list database`` and its one subcommand, ``files``."""
    parser = children.add_parser(
        "database", prog="dx list database", description=fill("List entities associated with a specific database."),
        help=fill("List entities associated with a specific database. For example,") + "\n\n\t"
        + fill('"dx list database files" lists database files associated with a specific database.') + "\n\n\t"
        + fill('Please execute "dx list database -h" for more information.'))
    registry.register_parser(parser, subparsers_action=children)
    entities = parser.add_subparsers(parser_class=registry.DXArgumentParser)
    entities.metavar = "entities"
    files = entities.add_parser("files", help="List files associated with a specific database",
                                description=fill("List files associated with a specific database"),
                                parents=[env_args], prog="dx list database files")
    files.add_argument("database", help="Data object ID or path of the database.")
    files.add_argument("--folder", default="/",
                       help='Name of folder (directory) in which to start searching for database files. This will '
                            "typically match the name of the table whose files are of interest. The default value "
                            'is "/" which will start the search at the root folder of the database.')
    files.add_argument("--recurse", default=False, action="store_true",
                       help="Look for files recursively down the directory structure. Otherwise, by default, only "
                            "look on one level.")
    files.add_argument("--csv", default=False, action="store_true",
                       help="Write output as comma delimited fields, suitable as CSV format.")
    files.add_argument("--timeout", default=120, type=int,
                       help="Number of seconds to wait before aborting the request. If omitted, default timeout is "
                            "120 seconds.")
    files.set_defaults(func=list_database_files)
    registry.register_parser(files, subparsers_action=entities, categories="data")
